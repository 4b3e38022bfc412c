/* The typed mapping tests' shared fixture (see typed_fixture.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "typed_fixture.h"
#include "support/files.h"

wk_schema *tf_schema;
const wk_message_def *tf_all;
wk_arena *tf_arena;
const wk_format *tf_json, *tf_mp;

int tf_group_setup(void **state)
{
    (void)state;
    wk_status st;
    if (wk_schema_load(WK_SOURCE_DIR "/tests/data/typed/all.proto", NULL, &tf_schema, &st) != WK_OK) {
        fprintf(stderr, "%s:%u:%u: error: %s\n", st.file, st.line, st.col, st.msg);
        return -1;
    }
    tf_all = wk_schema_message(tf_schema, "wktest.All");
    tf_json = wk_format_find("json");
    tf_mp = wk_format_find("msgpack");
    return tf_all && tf_json && tf_mp ? 0 : -1;
}

int tf_group_teardown(void **state)
{
    (void)state;
    wk_schema_free(tf_schema);
    return 0;
}

int tf_setup(void **state)
{
    (void)state;
    tf_arena = wk_arena_new(0);
    return tf_arena ? 0 : -1;
}

int tf_teardown(void **state)
{
    (void)state;
    wk_arena_free(tf_arena);
    tf_arena = NULL;
    return 0;
}

char *tf_read(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tests/data/typed/%s", WK_SOURCE_DIR, name);
    char *text = (char *)wkt_read_file(path, len);
    if (!text) fail_msg("cannot open %s", path);
    return text;
}

const wk_value *tf_decode_type(const wk_format *f, const wk_message_def *type, const void *data,
                               size_t len, uint32_t flags)
{
    wk_decode_opts o = {0};
    o.type = type;
    o.flags = flags;
    const wk_value *v = NULL;
    wk_status st;
    if (wk_decode(f, data, len, &o, tf_arena, &v, &st) != WK_OK)
        fail_msg("decode failed: %s %s (offset %zu)", wk_code_name(st.code), st.msg, st.offset);
    assert_int_equal(v->kind, WK_MESSAGE);
    return v;
}

const wk_value *tf_decode(const wk_format *f, const void *data, size_t len, uint32_t flags)
{
    return tf_decode_type(f, tf_all, data, len, flags);
}

wk_status tf_decode_fail(const wk_format *f, const void *data, size_t len, uint32_t flags)
{
    wk_decode_opts o = {0};
    o.type = tf_all;
    o.flags = flags;
    const wk_value *v = NULL;
    wk_status st;
    wk_code rc = wk_decode(f, data, len, &o, tf_arena, &v, &st);
    if (rc == WK_OK) fail_msg("decode of %.*s succeeded", (int)len, (const char *)data);
    assert_null(v);
    assert_int_equal(rc, st.code);
    return st;
}

const char *tf_encode(const wk_format *f, const wk_value *v, uint32_t flags, size_t *len)
{
    static wk_buf out;
    static bool ready;
    if (!ready) {
        wk_buf_init(&out);
        ready = true;
    }
    wk_buf_clear(&out);
    wk_encode_opts o = {0};
    o.flags = flags;
    wk_status st;
    if (wk_encode(f, v, &o, &out, &st) != WK_OK)
        fail_msg("encode failed: %s %s", wk_code_name(st.code), st.msg);
    if (wk_buf_reserve(&out, 1) != WK_OK) fail_msg("out of memory");
    out.data[out.len] = '\0';
    if (len) *len = out.len;
    return (const char *)out.data;
}

const char *tf_json_through(const char *in, uint32_t enc_flags)
{
    const wk_value *v = tf_decode(tf_json, in, strlen(in), 0);
    return tf_encode(tf_json, v, enc_flags, NULL);
}
