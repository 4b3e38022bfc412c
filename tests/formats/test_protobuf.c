/*
 * Tests of the Protocol Buffers backend (formats/protobuf*.c): every field
 * type, packed and unpacked repeated fields, maps, oneofs, nested and
 * recursive messages, proto2 defaults, required fields and groups, unknown
 * fields kept byte for byte; bad input with its code, offset and path; a
 * random mutation loop; memory limits; interop with protoc (skipped where it
 * is not installed); the Google benchmark datasets (skipped where
 * ../shared is absent); inspection like protoc --decode_raw.
 */
#define _XOPEN_SOURCE 700
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model/internal.h"
#include "support/files.h"
#include <wirekit/protobuf.h>
#include <wirekit/wirekit.h>

#define BYTES(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})
#define DATA WK_SOURCE_DIR "/tests/data/protobuf/"
#define CORPUS_EXT WK_SOURCE_DIR "/../shared/corpus-ext/protobuf/"

static const wk_format *pb(void)
{
    const wk_format *f = wk_format_find("protobuf");
    assert_non_null(f);
    return f;
}

/* ---- helpers ---- */

static wk_schema *load(const char *path)
{
    wk_schema *s = NULL;
    wk_status st;
    wk_code rc = wk_schema_load(path, NULL, &s, &st);
    if (rc != WK_OK) print_error("%s:%u:%u: %s\n", st.file, st.line, st.col, st.msg);
    assert_int_equal(rc, WK_OK);
    return s;
}

static wk_schema *load_text(const char *text)
{
    wk_schema *s = NULL;
    wk_status st;
    wk_code rc = wk_schema_load_text("test.proto", text, strlen(text), NULL, &s, &st);
    if (rc != WK_OK) print_error("%u:%u: %s\n", st.line, st.col, st.msg);
    assert_int_equal(rc, WK_OK);
    return s;
}

static const wk_message_def *type_of(const wk_schema *s, const char *name)
{
    const wk_message_def *m = wk_schema_message(s, name);
    assert_non_null(m);
    return m;
}

static const wk_value *decode_ok(wk_arena *a, const wk_message_def *type, const uint8_t *data, size_t len)
{
    wk_decode_opts o = {0};
    o.type = type;
    const wk_value *v = NULL;
    wk_status st;
    wk_code rc = wk_decode(pb(), data, len, &o, a, &v, &st);
    if (rc != WK_OK) print_error("decode: %s at %zu: %s\n", wk_code_name(rc), st.offset, st.msg);
    assert_int_equal(rc, WK_OK);
    assert_non_null(v);
    assert_int_equal(v->kind, WK_MESSAGE);
    return v;
}

static void encode_ok(const wk_value *v, wk_buf *out)
{
    wk_status st;
    wk_code rc = wk_encode(pb(), v, NULL, out, &st);
    if (rc != WK_OK) print_error("encode: %s: %s\n", wk_code_name(rc), st.msg);
    assert_int_equal(rc, WK_OK);
}

/* Decodes, re-encodes and expects the very same bytes. */
static void expect_same_bytes(const wk_message_def *type, const uint8_t *data, size_t len)
{
    wk_arena *a = wk_arena_new(0);
    const wk_value *v = decode_ok(a, type, data, len);
    wk_buf out;
    wk_buf_init(&out);
    encode_ok(v, &out);
    if (out.len != len || memcmp(out.data, data, len) != 0) {
        size_t i = 0;
        while (i < len && i < out.len && out.data[i] == data[i]) i++;
        print_error("re-encoding differs at byte %zu (%zu vs %zu bytes)\n", i, out.len, len);
        fail();
    }
    wk_buf_destroy(&out);
    wk_arena_free(a);
}

static void expect_error(const wk_message_def *type, const uint8_t *data, size_t len, wk_code code,
                         size_t offset, const char *msg_part)
{
    wk_arena *a = wk_arena_new(0);
    wk_decode_opts o = {0};
    o.type = type;
    const wk_value *v = NULL;
    wk_status st;
    wk_code rc = wk_decode(pb(), data, len, &o, a, &v, &st);
    if (rc != code || st.offset != offset || (msg_part && !strstr(st.msg, msg_part)))
        print_error("expected %s at %zu (\"%s\"), got %s at %zu: %s\n", wk_code_name(code), offset,
                    msg_part ? msg_part : "", wk_code_name(rc), st.offset, st.msg);
    assert_int_equal(rc, code);
    assert_int_equal(st.offset, offset);
    if (msg_part) assert_non_null(strstr(st.msg, msg_part));
    assert_null(v);
    /* Without a status: the same code. */
    assert_int_equal(wk_decode(pb(), data, len, &o, a, &v, NULL), code);
    wk_arena_free(a);
}

static const wk_value *get(const wk_value *m, uint32_t number)
{
    const wk_value *v = wk_message_get(m, number);
    if (!v) print_error("field %u absent\n", number);
    assert_non_null(v);
    return v;
}

static void expect_int(const wk_value *m, uint32_t number, int64_t want)
{
    const wk_value *v = get(m, number);
    assert_int_equal(v->kind, WK_INT);
    assert_true(v->as.i == want);
}

static void expect_str(const wk_value *v, wk_kind kind, const char *want, size_t len)
{
    assert_int_equal(v->kind, kind);
    assert_int_equal(v->len, len);
    assert_memory_equal(v->as.str, want, len);
    assert_int_equal(v->as.str[len], '\0');
}

/* ---- fixtures ---- */

static wk_schema *all_schema;
static wk_schema *p2_schema;

static int setup(void **state)
{
    (void)state;
    all_schema = load(DATA "all_types.proto");
    p2_schema = load(DATA "proto2.proto");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    wk_schema_free(all_schema);
    wk_schema_free(p2_schema);
    return 0;
}

/* ---- every type ---- */

static void test_all_types_decode(void **state)
{
    (void)state;
    size_t len;
    uint8_t *data = wkt_read_file(DATA "y_all.pb", &len);
    assert_non_null(data);
    wk_arena *a = wk_arena_new(0);
    const wk_value *v = decode_ok(a, type_of(all_schema, "wktest.All"), data, len);
    assert_int_equal(get(v, 1)->kind, WK_DOUBLE);
    assert_true(get(v, 1)->as.d == -1.25);
    assert_true(get(v, 2)->as.d == 3.5);
    expect_int(v, 3, -7);
    expect_int(v, 4, -9000000000LL);
    expect_int(v, 5, 4000000000LL);
    assert_int_equal(get(v, 6)->kind, WK_UINT);
    assert_true(get(v, 6)->as.u == UINT64_MAX);
    expect_int(v, 7, -100);
    expect_int(v, 8, -5000000000LL);
    expect_int(v, 9, 4294967295LL);
    assert_int_equal(get(v, 10)->kind, WK_UINT);
    assert_true(get(v, 10)->as.u == 12345678901234567890ull);
    expect_int(v, 11, INT32_MIN);
    expect_int(v, 12, INT64_MIN);
    assert_int_equal(get(v, 13)->kind, WK_BOOL);
    assert_true(get(v, 13)->as.b);
    /* A string holding a NUL byte keeps it (declared as bytes to protobuf-c). */
    expect_str(get(v, 14), WK_STRING, "h\xc3\xa9llo\0world", 12);
    expect_str(get(v, 15), WK_BYTES, "\0\1\377", 3);
    expect_int(v, 16, -1);
    const wk_value *inner = get(v, 17);
    expect_int(inner, 1, 1);
    expect_str(get(inner, 2), WK_STRING, "in", 2);
    /* Repeated fields. */
    const wk_value *r = get(v, 21);
    assert_int_equal(r->kind, WK_LIST);
    assert_int_equal(r->len, 3);
    assert_true(r->as.items[1].as.i == -2 && r->as.items[2].as.i == 300);
    r = get(v, 23);
    assert_int_equal(r->len, 2);
    assert_true(signbit(r->as.items[1].as.d) && r->as.items[1].as.d == 0.0);
    r = get(v, 28);
    assert_int_equal(r->len, 2);
    assert_int_equal(r->as.items[1].kind, WK_MESSAGE);
    assert_int_equal(r->as.items[1].as.message->field_count, 0);
    /* Maps: keys of each kind. */
    const wk_value *m = get(v, 31);
    assert_int_equal(m->kind, WK_MAP);
    assert_int_equal(m->len, 2);
    expect_str(&m->as.members[1].key, WK_STRING, "", 0);
    assert_true(m->as.members[1].value.kind == WK_INT && m->as.members[1].value.as.i == 0);
    m = get(v, 35);
    assert_int_equal(m->as.members[0].key.kind, WK_UINT);
    m = get(v, 33);
    assert_true(m->as.members[0].key.as.i == 9000000000LL);
    expect_int(&m->as.members[0].value, 1, 2);
    m = get(v, 42);
    assert_int_equal(m->as.members[0].key.kind, WK_BOOL);
    m = get(v, 36);
    assert_true(m->as.members[0].key.as.i == -1 && m->as.members[0].value.as.i == 2);
    /* The oneof member set, and no other. */
    expect_str(get(v, 52), WK_STRING, "chosen", 6);
    assert_null(wk_message_get(v, 51));
    /* proto3 optional: present at the default value. */
    expect_int(v, 61, 0);
    expect_str(get(v, 62), WK_STRING, "", 0);
    /* Recursion. */
    const wk_value *tree = get(v, 70);
    expect_int(get(get(tree, 2), 2), 1, 3);
    assert_int_equal(get(tree, 3)->len, 2);
    expect_int(v, 536870911, 1);
    assert_int_equal(v->as.message->unknown_count, 0);
    wk_arena_free(a);
    free(data);
}

static void test_all_types_same_bytes(void **state)
{
    (void)state;
    size_t len;
    uint8_t *data = wkt_read_file(DATA "y_all.pb", &len);
    expect_same_bytes(type_of(all_schema, "wktest.All"), data, len);
    free(data);
}

static void test_proto3_defaults_absent(void **state)
{
    (void)state;
    const wk_message_def *t = type_of(all_schema, "wktest.All");
    wk_arena *a = wk_arena_new(0);
    /* f_int32 = 0, f_string = "", f_double = 0.0 written explicitly: absent in the model. */
    const wk_value *v = decode_ok(a, t, BYTES(0x18, 0x00, 0x72, 0x00, 0x09, 0, 0, 0, 0, 0, 0, 0, 0));
    assert_int_equal(v->as.message->field_count, 0);
    /* --emit-defaults means nothing on the wire: a default given in the model is not written. */
    wk_value root;
    wk_message *dm = wk_value_message(a, t, 1, 0, &root);
    ((wk_field_value *)dm->fields)[0] = (wk_field_value){wk_message_field(t, 3), wk_value_int(0)};
    wk_buf none;
    wk_buf_init(&none);
    wk_encode_opts eo = {.flags = WK_ENCODE_EMIT_DEFAULTS, .max_depth = 0};
    wk_status st;
    assert_int_equal(wk_encode(pb(), &root, &eo, &none, &st), WK_OK);
    assert_int_equal(none.len, 0);
    wk_buf_destroy(&none);
    /* -0.0 is not the default: present, and written back as Google writes it. */
    v = decode_ok(a, t, BYTES(0x09, 0, 0, 0, 0, 0, 0, 0, 0x80));
    assert_true(signbit(get(v, 1)->as.d));
    wk_buf out;
    wk_buf_init(&out);
    encode_ok(v, &out);
    assert_int_equal(out.len, 9);
    assert_int_equal(out.data[8], 0x80);
    wk_buf_destroy(&out);
    wk_arena_free(a);
}

/* Packed and unpacked encodings decode the same, whichever way a field is declared. */
static void test_packed_both_ways(void **state)
{
    (void)state;
    const wk_message_def *t = type_of(all_schema, "wktest.All");
    wk_arena *a = wk_arena_new(0);
    /* r_int32 (21, packed) sent unpacked; r_int32_unpacked (22) sent packed. */
    const wk_value *v = decode_ok(a, t, BYTES(0xa8, 0x01, 0x01, 0xa8, 0x01, 0x02, 0xb2, 0x01, 0x02, 0x03, 0x04));
    const wk_value *r = get(v, 21);
    assert_int_equal(r->len, 2);
    assert_true(r->as.items[0].as.i == 1 && r->as.items[1].as.i == 2);
    r = get(v, 22);
    assert_int_equal(r->len, 2);
    assert_true(r->as.items[0].as.i == 3 && r->as.items[1].as.i == 4);
    /* Re-encoded as declared: 21 packed, 22 unpacked. */
    wk_buf out;
    wk_buf_init(&out);
    encode_ok(v, &out);
    const uint8_t want[] = {0xaa, 0x01, 0x02, 0x01, 0x02, 0xb0, 0x01, 0x03, 0xb0, 0x01, 0x04};
    assert_int_equal(out.len, sizeof want);
    assert_memory_equal(out.data, want, sizeof want);
    /* Packed fixed32 and double. */
    v = decode_ok(a, t, BYTES(0xca, 0x01, 0x08, 1, 0, 0, 0, 2, 0, 0, 0, 0xb9, 0x01, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f));
    assert_int_equal(get(v, 25)->len, 2);
    assert_true(get(v, 23)->as.items[0].as.d == 1.0);
    wk_buf_destroy(&out);
    wk_arena_free(a);
}

static void test_oneof(void **state)
{
    (void)state;
    const wk_message_def *t = type_of(all_schema, "wktest.All");
    wk_arena *a = wk_arena_new(0);
    /* Two members on the wire: the last one wins. */
    const wk_value *v = decode_ok(a, t, BYTES(0x98, 0x03, 0x05, 0xa2, 0x03, 0x01, 'x'));
    assert_null(wk_message_get(v, 51));
    expect_str(get(v, 52), WK_STRING, "x", 1);
    v = decode_ok(a, t, BYTES(0xa2, 0x03, 0x01, 'x', 0x98, 0x03, 0x05));
    expect_int(v, 51, 5);
    assert_null(wk_message_get(v, 52));
    /* Two members in the model: a type error naming the field. */
    wk_value root;
    wk_message *m = wk_value_message(a, t, 2, 0, &root);
    m->fields = (wk_field_value[]){{wk_message_field(t, 51), wk_value_int(1)},
                                   {wk_message_field(t, 54), {0}}};
    wk_value_bytes(a, "b", 1, &((wk_field_value *)m->fields)[1].value);
    wk_buf out;
    wk_buf_init(&out);
    wk_status st;
    assert_int_equal(wk_encode(pb(), &root, NULL, &out, &st), WK_ERR_TYPE);
    assert_non_null(strstr(st.msg, "$.o_bytes"));
    assert_non_null(strstr(st.msg, "oneof 'choice'"));
    assert_int_equal(out.len, 0);
    wk_buf_destroy(&out);
    wk_arena_free(a);
}

/* A singular sub-message on the wire twice is merged, as protobuf's parsers do. */
static void test_merge_repeated_singular_message(void **state)
{
    (void)state;
    const wk_message_def *t = type_of(all_schema, "wktest.All");
    wk_arena *a = wk_arena_new(0);
    /* f_message {a: 1} then f_message {s: "z"}: one message with both. */
    const wk_value *v = decode_ok(a, t, BYTES(0x8a, 0x01, 0x02, 0x08, 0x01, 0x8a, 0x01, 0x03, 0x12, 0x01, 'z'));
    const wk_value *inner = get(v, 17);
    expect_int(inner, 1, 1);
    expect_str(get(inner, 2), WK_STRING, "z", 1);
    /* A later explicit zero overrides, as parsing the concatenation would. */
    v = decode_ok(a, t, BYTES(0x8a, 0x01, 0x02, 0x08, 0x01, 0x8a, 0x01, 0x02, 0x08, 0x00));
    assert_null(wk_message_get(get(v, 17), 1));
    /* A oneof member twice: merged too (protobuf-c alone keeps the last copy only). */
    v = decode_ok(a, t, BYTES(0xaa, 0x03, 0x02, 0x08, 0x01, 0xaa, 0x03, 0x03, 0x12, 0x01, 'z'));
    expect_int(get(v, 53), 1, 1);
    expect_str(get(get(v, 53), 2), WK_STRING, "z", 1);
    /* ... unless another member of the oneof came in between. */
    v = decode_ok(a, t, BYTES(0xaa, 0x03, 0x02, 0x08, 0x01, 0x98, 0x03, 0x05, 0xaa, 0x03, 0x03, 0x12, 0x01, 'z'));
    assert_null(wk_message_get(get(v, 53), 1));
    assert_null(wk_message_get(v, 51));
    /* Merging goes down: next.next of both copies becomes one message. */
    const wk_message_def *node = type_of(all_schema, "wktest.Node");
    v = decode_ok(a, node, BYTES(0x12, 0x04, 0x12, 0x02, 0x08, 0x01, 0x12, 0x04, 0x12, 0x02, 0x1a, 0x00));
    const wk_value *nn = get(get(v, 2), 2);
    expect_int(nn, 1, 1);
    assert_int_equal(get(nn, 3)->len, 1);
    expect_same_bytes(node, BYTES(0x12, 0x06, 0x12, 0x04, 0x08, 0x01, 0x1a, 0x00));
    wk_arena_free(a);
}

static void test_encode_type_errors(void **state)
{
    (void)state;
    const wk_message_def *t = type_of(all_schema, "wktest.All");
    wk_arena *a = wk_arena_new(0);
    wk_buf out;
    wk_buf_init(&out);
    wk_status st;
    wk_value root;
    /* A string in an int32 field. */
    wk_message *m = wk_value_message(a, t, 1, 0, &root);
    wk_field_value *f = (wk_field_value *)m->fields;
    f[0].field = wk_message_field(t, 3);
    wk_value_string(a, "7", 1, &f[0].value);
    assert_int_equal(wk_encode(pb(), &root, NULL, &out, &st), WK_ERR_TYPE);
    assert_string_equal(st.msg, "$.f_int32: string value for a int32 field");
    /* Out of range. */
    f[0].value = wk_value_int((int64_t)INT32_MAX + 1);
    assert_int_equal(wk_encode(pb(), &root, NULL, &out, &st), WK_ERR_RANGE);
    assert_non_null(strstr(st.msg, "$.f_int32"));
    f[0].field = wk_message_field(t, 5);
    f[0].value = wk_value_int(-1);
    assert_int_equal(wk_encode(pb(), &root, NULL, &out, &st), WK_ERR_RANGE);
    assert_string_equal(st.msg, "$.f_uint32: -1 out of range for a uint32 field");
    f[0].field = wk_message_field(t, 4);
    f[0].value = wk_value_uint(UINT64_MAX);
    assert_int_equal(wk_encode(pb(), &root, NULL, &out, &st), WK_ERR_RANGE);
    assert_string_equal(st.msg, "$.f_int64: 18446744073709551615 out of range for a int64 field");
    f[0].field = wk_message_field(t, 6);
    encode_ok(&root, &out);
    assert_int_equal(out.len, 11);
    out.len = 0;
    /* A wrong kind inside a list, with its index. */
    f[0].field = wk_message_field(t, 26);
    wk_value *items = wk_value_list(a, 2, &f[0].value);
    wk_value_string(a, "ok", 2, &items[0]);
    items[1] = wk_value_int(1);
    assert_int_equal(wk_encode(pb(), &root, NULL, &out, &st), WK_ERR_TYPE);
    assert_string_equal(st.msg, "$.r_string[1]: int value for a string field");
    /* Invalid UTF-8 in a string. */
    wk_value_string(a, "\xff", 1, &items[1]);
    assert_int_equal(wk_encode(pb(), &root, NULL, &out, &st), WK_ERR_UTF8);
    assert_non_null(strstr(st.msg, "$.r_string[1]"));
    /* A map or a list at the top. */
    wk_value map;
    wk_value_map(a, 0, &map);
    assert_int_equal(wk_encode(pb(), &map, NULL, &out, &st), WK_ERR_TYPE);
    wk_value list;
    wk_value_list(a, 0, &list);
    assert_int_equal(wk_encode(pb(), &list, NULL, &out, &st), WK_ERR_TYPE);
    assert_int_equal(out.len, 0);
    wk_buf_destroy(&out);
    wk_arena_free(a);
}

static void test_no_type(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    const wk_value *v = NULL;
    wk_status st;
    assert_int_equal(wk_decode(pb(), "\x08\x01", 2, NULL, a, &v, &st), WK_ERR_UNSUPPORTED);
    assert_non_null(strstr(st.msg, "wirekit inspect"));
    assert_int_equal(wk_parse_only(pb(), "\x08\x01", 2, NULL, &st), WK_ERR_UNSUPPORTED);
    wk_arena_free(a);
}

/* ---- proto2 ---- */

static void test_proto2_defaults_and_required(void **state)
{
    (void)state;
    const wk_message_def *t = type_of(p2_schema, "wktest2.Req");
    wk_arena *a = wk_arena_new(0);
    /* Only id: fields with defaults stay absent (the model holds what was given). */
    const wk_value *v = decode_ok(a, t, BYTES(0x08, 0x05));
    assert_int_equal(v->as.message->field_count, 1);
    assert_null(wk_message_get(v, 2));
    assert_null(wk_message_get(v, 3));
    /* A value equal to the default, given, is present and written back. */
    v = decode_ok(a, t, BYTES(0x08, 0x05, 0x18, 0x2a));
    expect_int(v, 3, 42);
    expect_same_bytes(t, BYTES(0x08, 0x05, 0x18, 0x2a));
    /* Missing required field: an error naming it (protobuf-c would only fail). */
    expect_error(t, BYTES(0x18, 0x01), WK_ERR_TYPE, 0, "required field 'id' (number 1) is missing");
    expect_error(t, BYTES(0x08, 0x01, 0x72, 0x00), WK_ERR_TYPE, 0, "$.child: required field 'id'");
    /* And on encode. */
    wk_value root;
    wk_value_message(a, t, 0, 0, &root);
    wk_buf out;
    wk_buf_init(&out);
    wk_status st;
    assert_int_equal(wk_encode(pb(), &root, NULL, &out, &st), WK_ERR_TYPE);
    assert_non_null(strstr(st.msg, "required field 'id'"));
    wk_buf_destroy(&out);
    wk_arena_free(a);
}

static void test_groups(void **state)
{
    (void)state;
    const wk_message_def *t = type_of(p2_schema, "wktest2.Req");
    size_t len;
    uint8_t *data = wkt_read_file(DATA "y_proto2_groups.pb", &len);
    wk_arena *a = wk_arena_new(0);
    const wk_value *v = decode_ok(a, t, data, len);
    const wk_value *result = get(v, 7);
    assert_int_equal(result->kind, WK_MESSAGE);
    expect_str(get(result, 8), WK_STRING, "u", 1);
    expect_int(result, 9, 2);
    assert_int_equal(get(result, 10)->len, 2);
    expect_int(&get(result, 10)->as.items[0], 11, 1);
    assert_int_equal(get(v, 12)->len, 2);
    expect_int(&get(v, 12)->as.items[1], 13, 2);
    expect_str(get(get(get(v, 14), 7), 8), WK_STRING, "v", 1);
    /* Written back as groups, byte for byte. */
    expect_same_bytes(t, data, len);
    /* A group without its end tag; an end tag that matches nothing. */
    expect_error(t, BYTES(0x08, 0x01, 0x3b, 0x42, 0x00), WK_ERR_TRUNCATED, 2, "no end-group tag");
    expect_error(t, BYTES(0x08, 0x01, 0x3c), WK_ERR_SYNTAX, 2, "end-group tag for field 7");
    expect_error(t, BYTES(0x08, 0x01, 0x3b, 0x64), WK_ERR_SYNTAX, 3, "end-group tag for field 12");
    /* A group field sent length-delimited is a wire type error. */
    expect_error(t, BYTES(0x08, 0x01, 0x3a, 0x00), WK_ERR_TYPE, 2, "$.result: wire type 2");
    wk_arena_free(a);
    free(data);
}

/* ---- unknown fields ---- */

static const char few_fields_proto[] =
    "syntax = \"proto3\";\n"
    "package few;\n"
    "message All { double f_double = 1; float f_float = 2; int32 f_int32 = 3; }\n"
    "message Req { int32 id = 1; }\n";

static void test_unknown_fields_kept(void **state)
{
    (void)state;
    wk_schema *s = load_text(few_fields_proto);
    size_t len;
    uint8_t *data = wkt_read_file(DATA "y_all.pb", &len);
    wk_arena *a = wk_arena_new(0);
    const wk_value *v = decode_ok(a, type_of(s, "few.All"), data, len);
    const wk_message *m = v->as.message;
    assert_int_equal(m->field_count, 3);
    assert_true(m->unknown_count > 40);
    /* Key: the number; value: the whole encoding, tag included. */
    assert_int_equal(m->unknown[0].key.kind, WK_INT);
    assert_int_equal(m->unknown[0].key.as.i, 4);
    expect_str(&m->unknown[0].value, WK_BYTES, "\x20\x80\xcc\xbb\xbc\xde\xff\xff\xff\xff\x01", 11);
    /* The known fields come first in the file, so the bytes come back identical. */
    expect_same_bytes(type_of(s, "few.All"), data, len);
    /* Unknown groups too. */
    free(data);
    data = wkt_read_file(DATA "y_proto2_groups.pb", &len);
    v = decode_ok(a, type_of(s, "few.Req"), data, len);
    assert_int_equal(v->as.message->unknown[3].key.as.i, 7);
    assert_int_equal(v->as.message->unknown[3].value.as.str[0], 0x3b);
    expect_same_bytes(type_of(s, "few.Req"), data, len);
    /* Unknown fields go after the known ones on encode. */
    v = decode_ok(a, type_of(s, "few.All"), BYTES(0xa8, 0x01, 0x07, 0x18, 0x05));
    wk_buf out;
    wk_buf_init(&out);
    encode_ok(v, &out);
    assert_int_equal(out.len, 5);
    assert_memory_equal(out.data, "\x18\x05\xa8\x01\x07", 5);
    wk_buf_destroy(&out);
    /* --unknown=drop and error. */
    wk_decode_opts o = {0};
    o.type = type_of(s, "few.All");
    o.flags = WK_DECODE_UNKNOWN_DROP;
    wk_status st;
    const wk_value *d = NULL;
    assert_int_equal(wk_decode(pb(), BYTES(0xa8, 0x01, 0x07, 0x18, 0x05), &o, a, &d, &st), WK_OK);
    assert_int_equal(d->as.message->unknown_count, 0);
    expect_int(d, 3, 5);
    o.flags = WK_DECODE_UNKNOWN_ERROR;
    assert_int_equal(wk_decode(pb(), BYTES(0x18, 0x05, 0xa8, 0x01, 0x07), &o, a, &d, &st), WK_ERR_TYPE);
    assert_string_equal(st.msg, "$: unknown field 21 in few.All");
    assert_int_equal(st.offset, 2);
    wk_arena_free(a);
    free(data);
    wk_schema_free(s);
}

/* Known groups holding unknown groups, inside length-delimited messages: byte for byte. */
static void test_unknown_groups_inside_known_groups(void **state)
{
    (void)state;
    wk_schema *s = load_text("syntax = \"proto2\";\n"
                             "package part;\n"
                             "message Req {\n"
                             "  required int32 id = 1;\n"
                             "  optional group Result = 7 { required string url = 8; }\n"
                             "  optional Req child = 14;\n"
                             "}\n");
    const wk_message_def *t = type_of(s, "part.Req");
    size_t len;
    uint8_t *data = wkt_read_file(DATA "y_proto2_groups.pb", &len);
    wk_arena *a = wk_arena_new(0);
    const wk_value *v = decode_ok(a, t, data, len);
    const wk_message *result = get(v, 7)->as.message;
    expect_str(get(get(v, 7), 8), WK_STRING, "u", 1);
    /* rank (9) and the two Inner groups (10) are unknown in Result. */
    assert_int_equal(result->unknown_count, 3);
    expect_str(&result->unknown[1].value, WK_BYTES, "\x53\x58\x01\x54", 4);
    expect_str(&result->unknown[2].value, WK_BYTES, "\x53\x54", 2);
    expect_str(get(get(get(v, 14), 7), 8), WK_STRING, "v", 1);
    /* Written back with the unknown fields after the known ones of each message:
     * to a reader that knows them all, the same message. */
    wk_buf out;
    wk_buf_init(&out);
    encode_ok(v, &out);
    assert_int_equal(out.len, len);
    const wk_message_def *full = type_of(p2_schema, "wktest2.Req");
    assert_true(wk_value_equal(decode_ok(a, full, data, len), decode_ok(a, full, out.data, out.len)));
    /* And a message whose unknown fields come last is written back byte for byte. */
    expect_same_bytes(t, out.data, out.len);
    wk_buf_destroy(&out);
    wk_arena_free(a);
    free(data);
    wk_schema_free(s);
}

/* Unknown fields of a nested message stay in it, and are written at its end. */
static void test_unknown_fields_nested(void **state)
{
    (void)state;
    wk_schema *s = load_text("syntax = \"proto3\";\n"
                             "message Inner { string s = 2; }\n"
                             "message Outer { Inner f_message = 17; repeated Inner r_message = 28; }\n");
    const wk_message_def *t = type_of(s, "Outer");
    wk_arena *a = wk_arena_new(0);
    /* f_message { a: 1 s: "x" } where Inner knows only s; r_message { a: 7 (as a group: 3 {}) }. */
    const uint8_t in[] = {0x8a, 0x01, 0x05, 0x08, 0x01, 0x12, 0x01, 'x', 0xe2, 0x01, 0x04, 0x08, 0x07, 0x1b, 0x1c};
    const wk_value *v = decode_ok(a, t, in, sizeof in);
    const wk_message *inner = get(v, 17)->as.message;
    assert_int_equal(inner->field_count, 1);
    assert_int_equal(inner->unknown_count, 1);
    expect_str(&inner->unknown[0].value, WK_BYTES, "\x08\x01", 2);
    const wk_message *r = get(v, 28)->as.items[0].as.message;
    assert_int_equal(r->unknown_count, 2);
    expect_str(&r->unknown[1].value, WK_BYTES, "\x1b\x1c", 2);
    /* Merged copies of a singular message keep the unknown fields of both. */
    const wk_value *merged = decode_ok(a, t, BYTES(0x8a, 0x01, 0x02, 0x08, 0x01, 0x8a, 0x01, 0x05, 0x12, 0x01, 'x', 0x18, 0x02));
    assert_int_equal(get(merged, 17)->as.message->unknown_count, 2);
    wk_buf out;
    wk_buf_init(&out);
    encode_ok(v, &out);
    const uint8_t want[] = {0x8a, 0x01, 0x05, 0x12, 0x01, 'x', 0x08, 0x01, 0xe2, 0x01, 0x04, 0x08, 0x07, 0x1b, 0x1c};
    assert_int_equal(out.len, sizeof want);
    assert_memory_equal(out.data, want, sizeof want);
    wk_buf_destroy(&out);
    wk_arena_free(a);
    wk_schema_free(s);
}

/* A map entry missing its key or value gets the default; entries are written whole. */
static void test_map_entry_defaults(void **state)
{
    (void)state;
    const wk_message_def *t = type_of(all_schema, "wktest.All");
    wk_arena *a = wk_arena_new(0);
    /* m_int64 (33) { key: 5 }, m_string (31) {} */
    const wk_value *v = decode_ok(a, t, BYTES(0xfa, 0x01, 0x00, 0x8a, 0x02, 0x02, 0x08, 0x05));
    const wk_value *m = get(v, 33);
    assert_true(m->as.members[0].key.as.i == 5);
    assert_int_equal(m->as.members[0].value.kind, WK_MESSAGE);
    assert_int_equal(m->as.members[0].value.as.message->field_count, 0);
    m = get(v, 31);
    expect_str(&m->as.members[0].key, WK_STRING, "", 0);
    assert_true(m->as.members[0].value.kind == WK_INT && m->as.members[0].value.as.i == 0);
    wk_buf out;
    wk_buf_init(&out);
    encode_ok(v, &out);
    const uint8_t want[] = {0xfa, 0x01, 0x04, 0x0a, 0x00, 0x10, 0x00, 0x8a, 0x02, 0x04, 0x08, 0x05, 0x12, 0x00};
    assert_int_equal(out.len, sizeof want);
    assert_memory_equal(out.data, want, sizeof want);
    wk_buf_destroy(&out);
    wk_arena_free(a);
}

static void test_unknown_fields_bad_bytes_on_encode(void **state)
{
    (void)state;
    wk_schema *s = load_text(few_fields_proto);
    const wk_message_def *t = type_of(s, "few.Req");
    wk_arena *a = wk_arena_new(0);
    wk_value root;
    wk_message *m = wk_value_message(a, t, 0, 1, &root);
    wk_member *u = (wk_member *)m->unknown;
    u[0].key = wk_value_int(5);
    wk_value_bytes(a, "\x30\x01", 2, &u[0].value);   /* field 6, not 5 */
    wk_buf out;
    wk_buf_init(&out);
    wk_status st;
    assert_int_equal(wk_encode(pb(), &root, NULL, &out, &st), WK_ERR_TYPE);
    assert_non_null(strstr(st.msg, "unknown field 5"));
    wk_value_bytes(a, "\x28\x01", 2, &u[0].value);
    encode_ok(&root, &out);
    assert_int_equal(out.len, 2);
    /* Unknown members named by a text format have no number: left out. */
    u[0].key.kind = WK_STRING;
    wk_value_string(a, "extra", 5, &u[0].key);
    out.len = 0;
    encode_ok(&root, &out);
    assert_int_equal(out.len, 0);
    wk_buf_destroy(&out);
    wk_arena_free(a);
    wk_schema_free(s);
}

/* ---- bad input ---- */

static void test_bad_wire(void **state)
{
    (void)state;
    const wk_message_def *t = type_of(all_schema, "wktest.All");
    /* Wrong wire type for the field's type, with the path. */
    expect_error(t, BYTES(0x1a, 0x00), WK_ERR_TYPE, 0, "$.f_int32: wire type 2 (length-delimited) for a int32 field");
    expect_error(t, BYTES(0x08, 0x00), WK_ERR_TYPE, 0, "$.f_double: wire type 0");
    expect_error(t, BYTES(0x8a, 0x01, 0x02, 0x08, 0x01, 0x8a, 0x01, 0x02, 0x0a, 0x00), WK_ERR_TYPE, 8,
                 "$.f_message.a: wire type 2");
    expect_error(t, BYTES(0xe2, 0x01, 0x00, 0xe2, 0x01, 0x02, 0x0a, 0x00), WK_ERR_TYPE, 6,
                 "$.r_message[1].a: wire type 2");
    /* Invalid wire types 6 and 7. */
    expect_error(t, BYTES(0x08 | 6), WK_ERR_SYNTAX, 0, "invalid wire type 6");
    expect_error(t, BYTES(0x18, 0x01, 0x0f), WK_ERR_SYNTAX, 2, "invalid wire type 7");
    /* Field number 0. */
    expect_error(t, BYTES(0x00, 0x00), WK_ERR_SYNTAX, 0, "field number 0");
    /* Overlong varints: 11 bytes. */
    expect_error(t, BYTES(0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), WK_ERR_SYNTAX, 1,
                 "varint longer than 10 bytes");
    expect_error(t, BYTES(0xaa, 0x01, 0x0b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
                 WK_ERR_SYNTAX, 3, "varint longer than 10 bytes in packed field");
    /* A tag longer than 5 bytes. */
    expect_error(t, BYTES(0x88, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00), WK_ERR_SYNTAX, 0, "malformed tag");
    /* Lengths past the end. */
    expect_error(t, BYTES(0x72, 0x05, 'a'), WK_ERR_TRUNCATED, 0, "$.f_string: length 5 runs past the end");
    expect_error(t, BYTES(0x8a, 0x01, 0x04, 0x12, 0x05, 'a', 'b'), WK_ERR_TRUNCATED, 3, "$.f_message.s: length 5");
    /* Truncated fixed values and varints. */
    expect_error(t, BYTES(0x09, 0, 0, 0), WK_ERR_TRUNCATED, 0, "8-byte value cut short");
    expect_error(t, BYTES(0x18, 0x80), WK_ERR_TRUNCATED, 1, "input ends inside a varint");
    expect_error(t, BYTES(0x80), WK_ERR_TRUNCATED, 0, "inside a tag");
    /* Packed fixed-size field of a bad length. */
    expect_error(t, BYTES(0xca, 0x01, 0x03, 1, 2, 3), WK_ERR_SYNTAX, 0, "not a multiple of 4");
    /* Invalid UTF-8 in a string field, with its path; bytes fields take anything. */
    expect_error(t, BYTES(0x72, 0x02, 0xc3, 0x28), WK_ERR_UTF8, 0, "$.f_string: invalid UTF-8");
    expect_error(t, BYTES(0xd2, 0x01, 0x01, 'a', 0xd2, 0x01, 0x01, 0xff), WK_ERR_UTF8, 0, "$.r_string[1]");
    expect_error(t, BYTES(0xfa, 0x01, 0x05, 0x0a, 0x03, 0xed, 0xa0, 0x80), WK_ERR_UTF8, 0, "$.m_string[0]");
    wk_arena *a = wk_arena_new(0);
    decode_ok(a, t, BYTES(0x7a, 0x02, 0xc3, 0x28));
    wk_arena_free(a);
}

static void test_truncated_every_prefix(void **state)
{
    (void)state;
    const wk_message_def *types[] = {type_of(all_schema, "wktest.All"), type_of(p2_schema, "wktest2.Req")};
    const char *files[] = {DATA "y_all.pb", DATA "y_proto2_groups.pb"};
    for (size_t k = 0; k < 2; k++) {
        size_t len;
        uint8_t *data = wkt_read_file(files[k], &len);
        wk_arena *a = wk_arena_new(0);
        size_t failures = 0;
        for (size_t n = 0; n < len; n++) {
            /* Copy so that ASan sees a read past the prefix. */
            uint8_t *copy = malloc(n ? n : 1);
            memcpy(copy, data, n);
            wk_decode_opts o = {0};
            o.type = types[k];
            const wk_value *v = NULL;
            wk_status st;
            wk_code rc = wk_decode(pb(), copy, n, &o, a, &v, &st);
            if (rc != WK_OK) {
                failures++;
                assert_true(rc == WK_ERR_TRUNCATED || rc == WK_ERR_TYPE);
                assert_true(st.offset <= n);
                assert_true(st.msg[0] == '$');
            }
            free(copy);
            wk_arena_reset(a);
        }
        /* Most prefixes end inside a field. */
        assert_true(failures > len / 2);
        wk_arena_free(a);
        free(data);
    }
}

static void test_deep_nesting(void **state)
{
    (void)state;
    const wk_message_def *node = type_of(all_schema, "wktest.Node");
    /* 100000 levels of next { next { ... } }: each level is 0x12 LEN. */
    size_t levels = 100000;
    size_t cap = levels * 4 + 16;
    uint8_t *buf = malloc(cap);
    /* Build from the inside out. */
    size_t at = cap;
    size_t inner = 0;
    for (size_t i = 0; i < levels; i++) {
        uint8_t len_bytes[10];
        size_t n = 0;
        uint64_t v = inner;
        do {
            len_bytes[n++] = (uint8_t)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
            v >>= 7;
        } while (v);
        at -= n;
        memcpy(buf + at, len_bytes, n);
        buf[--at] = 0x12;
        inner = cap - at;
    }
    wk_arena *a = wk_arena_new(0);
    wk_decode_opts o = {0};
    o.type = node;
    const wk_value *v;
    wk_status st;
    assert_int_equal(wk_decode(pb(), buf + at, cap - at, &o, a, &v, &st), WK_ERR_DEPTH);
    assert_non_null(strstr(st.msg, "deeper than the limit of 512"));
    o.max_depth = WK_MAX_DEPTH_LIMIT;
    assert_int_equal(wk_decode(pb(), buf + at, cap - at, &o, a, &v, &st), WK_ERR_DEPTH);
    assert_non_null(strstr(st.msg, "deeper than the limit of 10000"));
    assert_int_equal(wk_parse_only(pb(), buf + at, cap - at, &o, &st), WK_ERR_DEPTH);
    /* Within the limit: decodes, and encodes back. */
    size_t ok_levels = WK_MAX_DEPTH_LIMIT - 1;
    const uint8_t *p = buf + at;
    size_t len = cap - at;
    for (size_t i = 0; i < levels - ok_levels; i++) {
        uint64_t l;
        size_t k = 1;
        while (p[k] & 0x80) k++;
        l = 0;
        (void)l;
        p += 1 + k;
        len -= 1 + k;
    }
    v = NULL;
    assert_int_equal(wk_decode(pb(), p, len, &o, a, &v, &st), WK_OK);
    wk_buf out;
    wk_buf_init(&out);
    wk_encode_opts eo = {.flags = 0, .max_depth = WK_MAX_DEPTH_LIMIT};
    assert_int_equal(wk_encode(pb(), v, &eo, &out, &st), WK_OK);
    assert_int_equal(out.len, len);
    assert_memory_equal(out.data, p, len);
    /* The encoder has its limit too. */
    out.len = 0;
    assert_int_equal(wk_encode(pb(), v, NULL, &out, &st), WK_ERR_DEPTH);
    wk_buf_destroy(&out);
    wk_arena_free(a);
    free(buf);
}

/* Depth error offsets: the tag of the message that is one too deep. */
static void test_depth_offset(void **state)
{
    (void)state;
    const wk_message_def *node = type_of(all_schema, "wktest.Node");
    wk_arena *a = wk_arena_new(0);
    wk_decode_opts o = {0};
    o.type = node;
    o.max_depth = 2;
    const wk_value *v;
    wk_status st;
    /* next { next { } }: the second next is at offset 2 and is depth 3. */
    assert_int_equal(wk_decode(pb(), BYTES(0x12, 0x02, 0x12, 0x00), &o, a, &v, &st), WK_ERR_DEPTH);
    assert_int_equal(st.offset, 2);
    assert_string_equal(st.msg, "$.next.next: message nested 3 deep, deeper than the limit of 2");
    assert_int_equal(wk_decode(pb(), BYTES(0x12, 0x02, 0x08, 0x01), &o, a, &v, &st), WK_OK);
    wk_arena_free(a);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Random mutations never crash; a success re-encodes to bytes that decode to the same value. */
static void test_mutation_loop(void **state)
{
    (void)state;
    const wk_message_def *types[] = {type_of(all_schema, "wktest.All"), type_of(p2_schema, "wktest2.Req")};
    const char *files[] = {DATA "y_all.pb", DATA "y_proto2_groups.pb"};
    size_t ok_count = 0, runs = 0;
    for (size_t k = 0; k < 2; k++) {
        size_t len;
        uint8_t *data = wkt_read_file(files[k], &len);
        wk_arena *a = wk_arena_new(0);
        wk_buf out;
        wk_buf_init(&out);
        for (int iter = 0; iter < 3000; iter++) {
            uint8_t *copy = malloc(len);
            memcpy(copy, data, len);
            int flips = 1 + (int)(rng() % 4);
            for (int i = 0; i < flips; i++) {
                size_t at = rng() % len;
                switch (rng() % 3) {
                case 0: copy[at] ^= (uint8_t)(1u << (rng() % 8)); break;
                case 1: copy[at] = (uint8_t)rng(); break;
                default: copy[at] = (uint8_t)(copy[at] + 1); break;
                }
            }
            size_t n = rng() % 4 == 0 ? rng() % (len + 1) : len;
            wk_decode_opts o = {0};
            o.type = types[k];
            const wk_value *v = NULL, *v2 = NULL;
            wk_status st;
            runs++;
            if (wk_decode(pb(), copy, n, &o, a, &v, &st) == WK_OK) {
                ok_count++;
                out.len = 0;
                assert_int_equal(wk_encode(pb(), v, NULL, &out, &st), WK_OK);
                assert_int_equal(wk_decode(pb(), out.data, out.len, &o, a, &v2, &st), WK_OK);
                assert_true(wk_value_equal(v, v2));
            } else {
                assert_true(st.code != WK_OK && st.msg[0] != '\0');
            }
            free(copy);
            wk_arena_reset(a);
        }
        wk_buf_destroy(&out);
        wk_arena_free(a);
        free(data);
    }
    /* Both outcomes occur. */
    assert_true(ok_count > 0 && ok_count < runs);
}

static void test_oom_fixed_arena(void **state)
{
    (void)state;
    size_t len;
    uint8_t *data = wkt_read_file(DATA "y_all.pb", &len);
    const wk_message_def *t = type_of(all_schema, "wktest.All");
    static max_align_t mem[4096];
    bool succeeded = false;
    for (size_t size = 64; size <= sizeof mem && !succeeded; size += 64) {
        wk_arena *a = wk_arena_new_fixed(mem, size);
        if (!a) continue;
        wk_decode_opts o = {0};
        o.type = t;
        const wk_value *v = NULL;
        wk_status st;
        wk_code rc = wk_decode(pb(), data, len, &o, a, &v, &st);
        if (rc == WK_OK) {
            succeeded = true;
            wk_buf out;
            wk_buf_init(&out);
            encode_ok(v, &out);
            assert_int_equal(out.len, len);
            wk_buf_destroy(&out);
        } else {
            assert_int_equal(rc, WK_ERR_NOMEM);
            assert_null(v);
        }
        wk_arena_free(a);
    }
    assert_true(succeeded);
    free(data);
}

/* ---- parse_only, sniff, the table ---- */

static void test_parse_only(void **state)
{
    (void)state;
    size_t len;
    uint8_t *data = wkt_read_file(DATA "y_proto2_groups.pb", &len);
    wk_decode_opts o = {0};
    o.type = type_of(p2_schema, "wktest2.Req");
    wk_status st;
    assert_int_equal(wk_parse_only(pb(), data, len, &o, &st), WK_OK);
    assert_int_equal(wk_parse_only(pb(), data, len - 1, &o, &st), WK_ERR_TRUNCATED);
    free(data);
}

static void test_table(void **state)
{
    (void)state;
    const wk_format *f = pb();
    assert_string_equal(f->name, "protobuf");
    assert_ptr_equal(wk_format_find("pb"), f);
    assert_ptr_equal(wk_format_find("proto"), f);
    assert_ptr_equal(wk_format_find("application/x-protobuf"), f);
    assert_ptr_equal(wk_format_find("application/protobuf"), f);
    assert_ptr_equal(wk_format_find("application/vnd.google.protobuf"), f);
    assert_ptr_equal(wk_format_find("application/vnd.acme.order+protobuf; version=1.2.0"), f);
    assert_ptr_equal(wk_format_for_path("dir/msg.pb"), f);
    assert_ptr_equal(wk_format_for_path("msg.protobuf"), f);
    assert_null(wk_format_for_path("schema.proto"));
    assert_false(f->is_text);
    assert_non_null(strstr(f->backend_version(), "protobuf-c 1."));
    /* A low score at most: never wins over the formats that recognise their bytes. */
    assert_int_equal(f->sniff((const uint8_t *)"\x08\x01", 2), 5);
    assert_int_equal(f->sniff((const uint8_t *)"{}", 2), 0);
    assert_ptr_not_equal(wk_format_sniff((const uint8_t *)"\x08\x01", 2), f);
}

/* ---- a definition built by hand, owned by no schema ---- */

static void test_hand_built_definition(void **state)
{
    (void)state;
    static wk_message_def msg;
    static wk_field_def fields[2];
    fields[0] = (wk_field_def){.name = "id", .json_name = "id", .number = 1, .type = WK_TYPE_SINT64,
                               .label = WK_LABEL_SINGULAR, .containing = &msg, .oneof_index = -1};
    fields[1] = (wk_field_def){.name = "kids", .json_name = "kids", .number = 2, .type = WK_TYPE_MESSAGE,
                               .label = WK_LABEL_REPEATED, .message = &msg, .containing = &msg,
                               .oneof_index = -1};
    msg = (wk_message_def){.name = "Hand", .full_name = "hand.Hand", .fields = fields, .field_count = 2};
    wk_arena *a = wk_arena_new(0);
    const wk_value *v = decode_ok(a, &msg, BYTES(0x08, 0x03, 0x12, 0x02, 0x08, 0x01));
    expect_int(v, 1, -2);
    expect_int(&get(v, 2)->as.items[0], 1, -1);
    expect_same_bytes(&msg, BYTES(0x08, 0x03, 0x12, 0x02, 0x08, 0x01));
    wk_arena_free(a);
}

/* ---- the cache is built once, from any number of threads ---- */

typedef struct thread_arg {
    const wk_message_def *type;
    const uint8_t *data;
    size_t len;
    int ok;
} thread_arg;

static void *decode_thread(void *p)
{
    thread_arg *arg = p;
    for (int i = 0; i < 50; i++) {
        wk_arena *a = wk_arena_new(0);
        wk_decode_opts o = {0};
        o.type = arg->type;
        const wk_value *v;
        if (wk_decode(wk_format_find("protobuf"), arg->data, arg->len, &o, a, &v, NULL) == WK_OK) arg->ok++;
        wk_arena_free(a);
    }
    return NULL;
}

static void test_threads_share_schema(void **state)
{
    (void)state;
    wk_schema *s = load(DATA "all_types.proto");
    size_t len;
    uint8_t *data = wkt_read_file(DATA "y_all.pb", &len);
    pthread_t th[4];
    thread_arg args[4];
    for (int i = 0; i < 4; i++) {
        args[i] = (thread_arg){type_of(s, "wktest.All"), data, len, 0};
        assert_int_equal(pthread_create(&th[i], NULL, decode_thread, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(args[i].ok, 50);
    }
    free(data);
    wk_schema_free(s);
}

/* ---- inspection ---- */

static void test_inspect(void **state)
{
    (void)state;
    wk_buf out;
    wk_buf_init(&out);
    wk_status st;
    const uint8_t in[] = {0x08, 0x96, 0x01, 0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g', 0x1a, 0x03, 0x08,
                          0x01, 0x02, 0x25, 0x00, 0x00, 0x80, 0x3f, 0x29, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f,
                          0x33, 0x08, 0x01, 0x34, 0x3a, 0x00, 0x42, 0x02, 0xff, 0x0a, 0x4a, 0x02, 0x08, 0x02};
    assert_int_equal(wk_protobuf_inspect(in, sizeof in, NULL, &out, &st), WK_OK);
    const char *want = "1: 150\n2: \"testing\"\n3: \"\\010\\001\\002\"\n4: 0x3f800000\n5: 0x3ff0000000000000\n"
                       "6 {\n  1: 1\n}\n7: \"\"\n8: \"\\377\\n\"\n9 {\n  1: 2\n}\n";
    assert_int_equal(out.len, strlen(want));
    assert_memory_equal(out.data, want, out.len);
    out.len = 0;
    assert_int_equal(wk_protobuf_inspect(BYTES(0x08, 0x01, 0x12, 0x05, 'a'), NULL, &out, &st), WK_ERR_TRUNCATED);
    assert_int_equal(st.offset, 2);
    assert_int_equal(out.len, 0);
    assert_int_equal(wk_protobuf_inspect(BYTES(0x08, 0x01, 0x0e), NULL, &out, &st), WK_ERR_SYNTAX);
    assert_int_equal(st.offset, 2);
    wk_buf_destroy(&out);
}

/* ---- protoc, where installed ---- */

static bool have_protoc(void)
{
    return system("protoc --version > /dev/null 2>&1") == 0;
}

static char *run_capture(const char *cmd, size_t *len)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t k;
    while ((k = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += k;
        if (cap - n < 2) buf = realloc(buf, cap *= 2);
    }
    buf[n] = '\0';
    int status = pclose(p);
    if (status != 0) print_error("'%s' failed (%d)\n", cmd, status);
    assert_int_equal(status, 0);
    *len = n;
    return buf;
}

static void write_file(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

/*
 * For each schema and text: protoc --encode gives bytes; ours decode them
 * and encode identical bytes; protoc --decode of ours prints the same text
 * as protoc --decode of its own; and the inspection equals --decode_raw.
 */
static void test_protoc_interop(void **state)
{
    (void)state;
    if (!have_protoc()) {
        print_message("protoc is not installed: interop test skipped\n");
        skip();
    }
    struct {
        const char *proto, *type, *text;
        wk_schema *schema;
    } cases[] = {
        {"all_types.proto", "wktest.All", "all.txt", all_schema},
        {"proto2.proto", "wktest2.Req", "req.txt", p2_schema},
    };
    char dir[] = "/tmp/wk_pb_test_XXXXXX";
    assert_non_null(mkdtemp(dir));
    for (size_t i = 0; i < 2; i++) {
        char cmd[1024], ours[512];
        size_t theirs_len, ours_len, t1, t2, r1, r2;
        snprintf(cmd, sizeof cmd, "protoc -I" DATA " --encode=%s %s < " DATA "%s", cases[i].type, cases[i].proto,
                 cases[i].text);
        uint8_t *theirs = (uint8_t *)run_capture(cmd, &theirs_len);
        wk_arena *a = wk_arena_new(0);
        const wk_value *v = decode_ok(a, type_of(cases[i].schema, cases[i].type), theirs, theirs_len);
        wk_buf out;
        wk_buf_init(&out);
        encode_ok(v, &out);
        assert_int_equal(out.len, theirs_len);
        assert_memory_equal(out.data, theirs, theirs_len);
        snprintf(ours, sizeof ours, "%s/ours.pb", dir);
        write_file(ours, out.data, out.len);
        snprintf(cmd, sizeof cmd, "protoc -I" DATA " --decode=%s %s < %s", cases[i].type, cases[i].proto, ours);
        char *text_ours = run_capture(cmd, &t1);
        snprintf(cmd, sizeof cmd, "protoc -I" DATA " --encode=%s %s < " DATA "%s | protoc -I" DATA
                 " --decode=%s %s", cases[i].type, cases[i].proto, cases[i].text, cases[i].type, cases[i].proto);
        char *text_theirs = run_capture(cmd, &t2);
        assert_int_equal(t1, t2);
        assert_string_equal(text_ours, text_theirs);
        /* Inspection equals --decode_raw. */
        snprintf(cmd, sizeof cmd, "protoc --decode_raw < %s", ours);
        char *raw = run_capture(cmd, &r1);
        wk_buf insp;
        wk_buf_init(&insp);
        wk_status st;
        assert_int_equal(wk_protobuf_inspect(out.data, out.len, NULL, &insp, &st), WK_OK);
        r2 = insp.len;
        assert_int_equal(r1, r2);
        assert_memory_equal(raw, insp.data, r1);
        free(raw);
        wk_buf_destroy(&insp);
        free(text_ours);
        free(text_theirs);
        wk_buf_destroy(&out);
        wk_arena_free(a);
        free(theirs);
        (void)ours_len;
    }
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* wirekit inspect prints what protoc --decode_raw prints (kept as fixtures), and fails with an offset. */
static void test_cli_inspect(void **state)
{
    (void)state;
    const char *names[] = {"y_all", "y_proto2_groups"};
    for (size_t i = 0; i < 2; i++) {
        char cmd[1024], path[512];
        size_t n, want_len;
        snprintf(cmd, sizeof cmd, "'%s' inspect " DATA "%s.pb", WK_CLI_PATH, names[i]);
        char *got = run_capture(cmd, &n);
        snprintf(path, sizeof path, DATA "%s.decode_raw.txt", names[i]);
        uint8_t *want = wkt_read_file(path, &want_len);
        assert_non_null(want);
        assert_int_equal(n, want_len);
        assert_memory_equal(got, want, n);
        if (have_protoc()) {
            size_t k;
            snprintf(cmd, sizeof cmd, "protoc --decode_raw < " DATA "%s.pb", names[i]);
            char *raw = run_capture(cmd, &k);
            assert_int_equal(k, n);
            assert_memory_equal(raw, got, n);
            free(raw);
        }
        free(got);
        free(want);
    }
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' inspect " DATA "n_truncated_length.pb 2>&1", WK_CLI_PATH);
    FILE *p = popen(cmd, "r");
    char line[512] = "";
    assert_non_null(fgets(line, sizeof line, p));
    int status = pclose(p);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    assert_non_null(strstr(line, "n_truncated_length.pb: error: at byte 2: "));
    snprintf(cmd, sizeof cmd, "'%s' inspect < " DATA "n_wire_type_7.pb 2>&1", WK_CLI_PATH);
    p = popen(cmd, "r");
    assert_non_null(fgets(line, sizeof line, p));
    status = pclose(p);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    assert_string_equal(line, "<stdin>: error: at byte 2: not a Protocol Buffers message: invalid wire type (6 or 7) at byte 2\n");
    snprintf(cmd, sizeof cmd, "'%s' inspect --max-depth 0 x.pb > /dev/null 2>&1", WK_CLI_PATH);
    status = system(cmd);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 2);
    snprintf(cmd, sizeof cmd, "'%s' inspect --help | grep -q decode_raw", WK_CLI_PATH);
    assert_int_equal(system(cmd), 0);
}

/* ---- the Google benchmark datasets ---- */

/*
 * Decodes a dataset and each payload with its message type; re-encodes each
 * to the same bytes, and converts each to JSON and back to the same message. The proto3 dataset holds fields at their default
 * value written explicitly (converted from proto2 data), which a proto3
 * writer never writes, Google's included: for it, the re-encoding must
 * decode to the same model and equal protoc's own re-encoding.
 */
static void check_dataset(const char *pb_path, const char *proto_dir, const char *proto_file,
                          bool proto3_defaults_on_wire)
{
    char path[1024];
    snprintf(path, sizeof path, "%s", CORPUS_EXT "benchmarks.proto");
    wk_schema *bench = load(path);
    size_t len;
    uint8_t *data = wkt_read_file(pb_path, &len);
    assert_non_null(data);
    wk_arena *a = wk_arena_new(0);
    const wk_value *ds = decode_ok(a, type_of(bench, "benchmarks.BenchmarkDataset"), data, len);
    expect_same_bytes(type_of(bench, "benchmarks.BenchmarkDataset"), data, len);
    const wk_value *name = get(ds, 2);
    char type_name[256];
    snprintf(type_name, sizeof type_name, "%.*s", (int)name->len, name->as.str);
    snprintf(path, sizeof path, "%s/%s", proto_dir, proto_file);
    wk_schema *s = load(path);
    const wk_message_def *t = type_of(s, type_name);
    const wk_value *payloads = get(ds, 3);
    assert_true(payloads->len > 0);
    for (size_t i = 0; i < payloads->len; i++) {
        const wk_value *p = &payloads->as.items[i];
        wk_arena *b = wk_arena_new(0);
        const wk_value *v = decode_ok(b, t, (const uint8_t *)p->as.str, p->len);
        assert_int_equal(v->as.message->unknown_count, 0);
        if (!proto3_defaults_on_wire) {
            expect_same_bytes(t, (const uint8_t *)p->as.str, p->len);
        } else {
            wk_buf out;
            wk_buf_init(&out);
            encode_ok(v, &out);
            const wk_value *v2 = decode_ok(b, t, out.data, out.len);
            assert_true(wk_value_equal(v, v2));
            if (i == 0 && have_protoc()) {
                char dir[] = "/tmp/wk_pb_ds_XXXXXX", cmd[2048];
                assert_non_null(mkdtemp(dir));
                snprintf(cmd, sizeof cmd, "%s/in.pb", dir);
                write_file(cmd, (const uint8_t *)p->as.str, p->len);
                snprintf(cmd, sizeof cmd, "protoc -I%s --decode=%s %s < %s/in.pb | protoc -I%s --encode=%s %s",
                         proto_dir, type_name, proto_file, dir, proto_dir, type_name, proto_file);
                size_t n;
                char *canonical = run_capture(cmd, &n);
                assert_int_equal(n, out.len);
                assert_memory_equal(canonical, out.data, n);
                free(canonical);
                snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
                assert_int_equal(system(cmd), 0);
            }
            wk_buf_destroy(&out);
        }
        wk_status st;
        wk_decode_opts o = {0};
        o.type = t;
        assert_int_equal(wk_parse_only(pb(), p->as.str, p->len, &o, &st), WK_OK);
        /* Through JSON and back (the typed mapping, groups included): the
         * same message, and the same bytes as the direct re-encoding. */
        const wk_format *json = wk_format_find("json");
        wk_buf text, direct, again;
        wk_buf_init(&text);
        wk_buf_init(&direct);
        wk_buf_init(&again);
        assert_int_equal(wk_encode(json, v, NULL, &text, &st), WK_OK);
        const wk_value *from_json;
        if (wk_decode(json, text.data, text.len, &o, b, &from_json, &st) != WK_OK)
            print_error("payload %zu back from JSON: %s\n", i, st.msg);
        assert_int_equal(st.code, WK_OK);
        assert_true(wk_value_equal(v, from_json));
        encode_ok(v, &direct);
        encode_ok(from_json, &again);
        assert_int_equal(again.len, direct.len);
        assert_memory_equal(again.data, direct.data, direct.len);
        wk_buf_destroy(&text);
        wk_buf_destroy(&direct);
        wk_buf_destroy(&again);
        wk_arena_free(b);
    }
    wk_arena_free(a);
    free(data);
    wk_schema_free(s);
    wk_schema_free(bench);
}

static void test_google_datasets(void **state)
{
    (void)state;
    struct stat sb;
    if (stat(CORPUS_EXT "benchmarks.proto", &sb) != 0) {
        print_message("%s is absent: dataset test skipped\n", CORPUS_EXT);
        skip();
    }
    check_dataset(CORPUS_EXT "datasets/google_message1/proto2/dataset.google_message1_proto2.pb",
                  CORPUS_EXT "datasets/google_message1/proto2", "benchmark_message1_proto2.proto", false);
    check_dataset(CORPUS_EXT "datasets/google_message1/proto3/dataset.google_message1_proto3.pb",
                  CORPUS_EXT "datasets/google_message1/proto3", "benchmark_message1_proto3.proto", true);
    check_dataset(CORPUS_EXT "datasets/google_message2/dataset.google_message2.pb",
                  CORPUS_EXT "datasets/google_message2", "benchmark_message2.proto", false);
}

/*
 * A message type without fields: every field read is unknown, kept whole
 * and written back. (Its one protobuf-c field descriptor is zeroed, so that
 * no tag can match garbage; valgrind checks that part.)
 */
static void test_message_without_fields(void **state)
{
    (void)state;
    wk_schema *s = load_text("syntax = \"proto3\";\nmessage Empty {}\n");
    wk_decode_opts o = {.type = type_of(s, "Empty")};
    wk_arena *a = wk_arena_new(0);
    const wk_value *v;
    wk_status st;
    static const uint8_t in[] = {0x08, 0x01, 0x12, 0x02, 'h', 'i'};
    assert_int_equal(wk_decode(pb(), in, sizeof in, &o, a, &v, &st), WK_OK);
    assert_int_equal(v->as.message->field_count, 0);
    assert_int_equal(v->as.message->unknown_count, 2);
    wk_buf out;
    wk_buf_init(&out);
    assert_int_equal(wk_encode(pb(), v, NULL, &out, &st), WK_OK);
    assert_int_equal(out.len, sizeof in);
    assert_memory_equal(out.data, in, sizeof in);
    wk_buf_destroy(&out);
    wk_arena_free(a);
    wk_schema_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_types_decode),
        cmocka_unit_test(test_all_types_same_bytes),
        cmocka_unit_test(test_proto3_defaults_absent),
        cmocka_unit_test(test_packed_both_ways),
        cmocka_unit_test(test_oneof),
        cmocka_unit_test(test_merge_repeated_singular_message),
        cmocka_unit_test(test_encode_type_errors),
        cmocka_unit_test(test_no_type),
        cmocka_unit_test(test_proto2_defaults_and_required),
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_unknown_fields_kept),
        cmocka_unit_test(test_unknown_groups_inside_known_groups),
        cmocka_unit_test(test_unknown_fields_nested),
        cmocka_unit_test(test_map_entry_defaults),
        cmocka_unit_test(test_unknown_fields_bad_bytes_on_encode),
        cmocka_unit_test(test_bad_wire),
        cmocka_unit_test(test_truncated_every_prefix),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_depth_offset),
        cmocka_unit_test(test_mutation_loop),
        cmocka_unit_test(test_oom_fixed_arena),
        cmocka_unit_test(test_parse_only),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_hand_built_definition),
        cmocka_unit_test(test_threads_share_schema),
        cmocka_unit_test(test_inspect),
        cmocka_unit_test(test_protoc_interop),
        cmocka_unit_test(test_cli_inspect),
        cmocka_unit_test(test_google_datasets),
        cmocka_unit_test(test_message_without_fields),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
