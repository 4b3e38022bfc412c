/*
 * tests/support/values.c: value builders the test executables share
 * (public constructors only).
 */
#include "values.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

wk_value wkt_strn(wk_arena *a, const char *s, size_t len)
{
    wk_value v;
    assert_int_equal(wk_value_string(a, s, len, &v), WK_OK);
    return v;
}

wk_value wkt_str(wk_arena *a, const char *s) { return wkt_strn(a, s, strlen(s)); }

wk_value wkt_bytes(wk_arena *a, const void *data, size_t len)
{
    wk_value v;
    assert_int_equal(wk_value_bytes(a, data, len, &v), WK_OK);
    return v;
}

wk_value wkt_ext(wk_arena *a, int8_t type, const void *data, size_t len)
{
    wk_value v;
    assert_int_equal(wk_value_ext(a, type, data, len, &v), WK_OK);
    return v;
}

wk_value wkt_list(wk_arena *a, size_t n, ...)
{
    wk_value v;
    wk_value *items = wk_value_list(a, n, &v);
    assert_non_null(items);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) items[i] = va_arg(ap, wk_value);
    va_end(ap);
    return v;
}

wk_value wkt_map(wk_arena *a, size_t n, ...)
{
    wk_value v;
    wk_member *m = wk_value_map(a, n, &v);
    assert_non_null(m);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        m[i].key = va_arg(ap, wk_value);
        m[i].value = va_arg(ap, wk_value);
    }
    va_end(ap);
    return v;
}

wk_value wkt_obj(wk_arena *a, size_t n, ...)
{
    wk_value v;
    wk_member *m = wk_value_map(a, n, &v);
    assert_non_null(m);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        m[i].key = wkt_str(a, va_arg(ap, const char *));
        m[i].value = va_arg(ap, wk_value);
    }
    va_end(ap);
    return v;
}
