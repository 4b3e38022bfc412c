/*
 * tests/support/values.h: building values in tests with the public
 * constructors, a builder per kind. Each builder fails the test when its
 * constructor does not return WK_OK, so a test can nest them freely:
 *
 *     wkt_obj(a, 2, "id", wk_value_int(7), "tags", wkt_list(a, 1, wkt_str(a, "x")))
 *
 * Everything lives in the arena `a`.
 */
#ifndef WIREKIT_TESTS_SUPPORT_VALUES_H
#define WIREKIT_TESTS_SUPPORT_VALUES_H

#include <stddef.h>
#include <stdint.h>

#include <wirekit/wirekit.h>

wk_value wkt_strn(wk_arena *a, const char *s, size_t len);
wk_value wkt_str(wk_arena *a, const char *s);
wk_value wkt_bytes(wk_arena *a, const void *data, size_t len);
wk_value wkt_ext(wk_arena *a, int8_t type, const void *data, size_t len);

/* wkt_list(a, n, wk_value item, ...): a list of the n items. */
wk_value wkt_list(wk_arena *a, size_t n, ...);
/* wkt_map(a, n, wk_value key, wk_value value, ...): a map of n members. */
wk_value wkt_map(wk_arena *a, size_t n, ...);
/* wkt_obj(a, n, const char *key, wk_value value, ...): a map with string keys. */
wk_value wkt_obj(wk_arena *a, size_t n, ...);

#endif
