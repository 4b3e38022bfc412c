/*
 * Shared by the typed mapping tests (test_typed_json.c, test_typed_msgpack.c):
 * the schema of tests/data/typed/all.proto, loaded once, and helpers that
 * decode and encode with it and fail the test with the status's message.
 */
#ifndef WK_TESTS_TYPED_FIXTURE_H
#define WK_TESTS_TYPED_FIXTURE_H

#include <stddef.h>

#include "model/internal.h"

extern wk_schema *tf_schema;
extern const wk_message_def *tf_all;   /* wktest.All */
extern wk_arena *tf_arena;
extern const wk_format *tf_json, *tf_mp;

/* cmocka group setup and teardown: load the schema; per test: a fresh arena. */
int tf_group_setup(void **state);
int tf_group_teardown(void **state);
int tf_setup(void **state);
int tf_teardown(void **state);

/* A file under tests/data/typed/, read whole (NUL-terminated; free it). */
char *tf_read(const char *name, size_t *len);

/* Decodes a wktest.All (or `type`) and fails the test on error. */
const wk_value *tf_decode(const wk_format *f, const void *data, size_t len, uint32_t flags);
const wk_value *tf_decode_type(const wk_format *f, const wk_message_def *type, const void *data,
                               size_t len, uint32_t flags);
/* Decodes expecting failure; returns the status. */
wk_status tf_decode_fail(const wk_format *f, const void *data, size_t len, uint32_t flags);

/* Encodes and returns the bytes (NUL-terminated, static buffer reused per call). */
const char *tf_encode(const wk_format *f, const wk_value *v, uint32_t flags, size_t *len);

/* JSON text in, canonical JSON text out (through a typed wktest.All). */
const char *tf_json_through(const char *in, uint32_t enc_flags);

#endif
