/*
 * Tests of typed MessagePack (formats/msgpack.c with formats/typed_*.c), as
 * DESIGN.md maps it: a message is a map keyed by proto field name (or by
 * number with WK_ENCODE_NUMBER_KEYS; both read), 64-bit integers are
 * integers, float and double fields float 32 and float 64, bytes bin,
 * enums integers. Golden files all.msgpack and all_numbers.msgpack are the
 * golden all.json written both ways; every value round-trips JSON <->
 * MessagePack; type errors carry the path and the byte offset.
 */
#define _POSIX_C_SOURCE 200809L   /* strdup */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/typed.h"
#include "typed_fixture.h"

/* Schema-less JSON text -> schema-less MessagePack bytes (a way to write test inputs). */
static const uint8_t *mp_of_json(const char *text, size_t *len)
{
    const wk_value *v;
    wk_status st;
    if (wk_decode(tf_json, text, strlen(text), NULL, tf_arena, &v, &st) != WK_OK)
        fail_msg("bad test JSON %s: %s", text, st.msg);
    size_t n;
    const char *bytes = tf_encode(tf_mp, v, 0, &n);
    uint8_t *copy = wk_arena_alloc(tf_arena, n);
    memcpy(copy, bytes, n);
    *len = n;
    return copy;
}

/* MessagePack in (typed), canonical JSON out. */
static void check_mp_to_json(const void *mp, size_t len, uint32_t dec_flags, const char *want)
{
    const wk_value *v = tf_decode(tf_mp, mp, len, dec_flags);
    const char *got = tf_encode(tf_json, v, 0, NULL);
    if (strcmp(got, want) != 0) fail_msg("gives %s\n  wanted %s", got, want);
}

static void check_bytes(const char *got, size_t got_len, const char *want, size_t want_len)
{
    if (got_len != want_len || memcmp(got, want, got_len) != 0) {
        char g[512] = "", w[512] = "";
        for (size_t i = 0; i < got_len && i < 160; i++) snprintf(g + 3 * i, 4, "%02x ", (uint8_t)got[i]);
        for (size_t i = 0; i < want_len && i < 160; i++) snprintf(w + 3 * i, 4, "%02x ", (uint8_t)want[i]);
        fail_msg("bytes\n  got    %s\n  wanted %s", g, w);
    }
}

/* ---- golden files ---- */

static void test_golden(void **state)
{
    (void)state;
    size_t json_len, names_len, numbers_len, n;
    char *json = tf_read("all.json", &json_len);
    char *names = tf_read("all.msgpack", &names_len);
    char *numbers = tf_read("all_numbers.msgpack", &numbers_len);
    const wk_value *v = tf_decode(tf_json, json, json_len, 0);

    const char *got = tf_encode(tf_mp, v, 0, &n);
    check_bytes(got, n, names, names_len);
    got = tf_encode(tf_mp, v, WK_ENCODE_NUMBER_KEYS, &n);
    check_bytes(got, n, numbers, numbers_len);

    /* Both read back as the same message. */
    assert_true(wk_value_equal(v, tf_decode(tf_mp, names, names_len, 0)));
    assert_true(wk_value_equal(v, tf_decode(tf_mp, numbers, numbers_len, 0)));
    /* And to the same JSON. */
    got = tf_encode(tf_json, tf_decode(tf_mp, numbers, numbers_len, 0), WK_ENCODE_PRETTY, &n);
    assert_int_equal(n, json_len - 1);
    assert_memory_equal(got, json, n);
    free(json);
    free(names);
    free(numbers);
}

/* ---- round trips of every value, JSON <-> MessagePack ---- */

static const char *const samples[] = {
    "{}",
    "{\"fDouble\": 1.5, \"fFloat\": 0.1, \"fInt64\": \"-9223372036854775808\", \"fUint64\": \"18446744073709551615\","
    " \"fInt32\": -2147483648, \"fFixed64\": \"18446744073709551615\", \"fFixed32\": 4294967295, \"fBool\": true,"
    " \"fString\": \"h\\u00e9llo\\u0000\", \"fBytes\": \"AAEC/w==\", \"fUint32\": 4294967295, \"fColor\": \"GREEN\","
    " \"fSfixed32\": -1, \"fSfixed64\": \"-2\", \"fSint32\": -3, \"fSint64\": \"-4\", \"optInt32\": 0, \"otherName\": \"r\"}",
    "{\"fDouble\": \"NaN\", \"fFloat\": \"-Infinity\", \"rFloat\": [1e-45, 3.4028235e38, -0.0, \"Infinity\"]}",
    "{\"fDouble\": -0.0, \"fFloat\": 16777217}",
    "{\"items\": [{\"name\": \"a\", \"price\": 2}, {}], \"rColor\": [\"RED\", 99], \"rInt64\": [\"1\", \"-1\"],"
    " \"rBytes\": [\"\", \"-_8\"], \"rString\": [\"x\", \"\"], \"rInt32\": [0, 0]}",
    "{\"mStringInt32\": {\"a\": 1, \"b\": 0}, \"mInt32String\": {\"-5\": \"x\"}, \"mInt64Item\": {\"9\": {\"count\": 1}},"
    " \"mBoolColor\": {\"true\": \"RED\", \"false\": 0}, \"mUint64Double\": {\"18446744073709551615\": \"NaN\"},"
    " \"mValue\": {\"k\": [1, \"two\", null, {\"z\": true}]}}",
    "{\"oItem\": {}}",
    "{\"oString\": \"\"}",
    "{\"ts\": \"1972-01-01T10:00:20.021Z\", \"dur\": \"-1.000340012s\", \"rTs\": [\"0001-01-01T00:00:00Z\","
    " \"9999-12-31T23:59:59.999999999Z\"]}",
    "{\"wDouble\": 1, \"wFloat\": 0.5, \"wInt64\": \"5\", \"wUint64\": 6, \"wInt32\": 0, \"wUint32\": 8,"
    " \"wBool\": false, \"wString\": \"s\", \"wBytes\": \"AQ==\"}",
    "{\"st\": {\"a\": {\"b\": [1.5, false, null, \"s\"]}}, \"val\": null, \"lst\": [1, \"x\", [], {}],"
    " \"mask\": \"fooBar,baz.quxQuux\", \"empty\": {}}",
    "{\"child\": {\"child\": {\"fInt32\": 1, \"items\": [{\"count\": -7}]}}, \"unknownOne\": [1, {\"a\": null}]}",
};

static void test_round_trips(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        for (int numbers = 0; numbers < 2; numbers++) {
            const wk_value *v = tf_decode(tf_json, samples[i], strlen(samples[i]), 0);
            size_t n;
            const char *mp = tf_encode(tf_mp, v, numbers ? WK_ENCODE_NUMBER_KEYS : 0, &n);
            char *copy = malloc(n);
            memcpy(copy, mp, n);
            const wk_value *back = tf_decode(tf_mp, copy, n, 0);
            if (!wk_value_equal(v, back))
                fail_msg("sample %zu (number keys %d) does not round-trip", i, numbers);
            /* MessagePack -> JSON gives the canonical JSON of the sample. */
            char *json = strdup(tf_encode(tf_json, v, 0, NULL));
            assert_string_equal(tf_encode(tf_json, back, 0, NULL), json);
            /* And the emit-defaults forms round-trip too. */
            mp = tf_encode(tf_mp, v, WK_ENCODE_EMIT_DEFAULTS | (numbers ? WK_ENCODE_NUMBER_KEYS : 0), &n);
            free(copy);
            copy = malloc(n);
            memcpy(copy, mp, n);
            assert_true(wk_value_equal(v, tf_decode(tf_mp, copy, n, 0)));
            free(copy);
            free(json);
        }
    }
}

/* ---- what is written ---- */

static void test_encoding_forms(void **state)
{
    (void)state;
    size_t n;
    const char *in = "{\"fFloat\": 0.5, \"fDouble\": 0.5}";
    const char *got = tf_encode(tf_mp, tf_decode(tf_json, in, strlen(in), 0), 0, &n);
    /* {"f_double": float64 0.5, "f_float": float32 0.5}: by field type, not by value. */
    static const char want[] = "\x82\xa8" "f_double" "\xcb\x3f\xe0\0\0\0\0\0\0" "\xa7" "f_float" "\xca\x3f\0\0\0";
    check_bytes(got, n, want, sizeof want - 1);

    in = "{\"fInt64\": \"-1\", \"fUint64\": \"18446744073709551615\", \"fBytes\": \"AQI=\", \"fColor\": \"GREEN\"}";
    got = tf_encode(tf_mp, tf_decode(tf_json, in, strlen(in), 0), WK_ENCODE_NUMBER_KEYS, &n);
    /* {3: -1, 4: uint64 max, 12: bin [1, 2], 14: 2} */
    static const char want2[] = "\x84\x03\xff\x04\xcf\xff\xff\xff\xff\xff\xff\xff\xff\x0c\xc4\x02\x01\x02\x0e\x02";
    check_bytes(got, n, want2, sizeof want2 - 1);

    /* Map keys keep their types; well-known types take their special forms. */
    in = "{\"mInt32String\": {\"-5\": \"x\"}, \"mBoolColor\": {\"true\": 1}, \"ts\": \"1970-01-01T00:00:01Z\", \"wInt32\": 3}";
    got = tf_encode(tf_mp, tf_decode(tf_json, in, strlen(in), 0), WK_ENCODE_NUMBER_KEYS, &n);
    static const char want3[] = "\x84\x29\x81\xfb\xa1x\x2b\x81\xc3\x01\x3c\xb4" "1970-01-01T00:00:01Z" "\x42\x03";
    check_bytes(got, n, want3, sizeof want3 - 1);
}

/* ---- what is read ---- */

static void test_input_forms(void **state)
{
    (void)state;
    size_t n;
    const uint8_t *mp;
    /* Proto names, JSON names and numbers; an enum by name; int64 as a string. */
    mp = mp_of_json("{\"f_int32\": 1, \"fInt64\": 2, \"fColor\": \"RED\", \"f_uint64\": \"3\"}", &n);
    check_mp_to_json(mp, n, 0, "{\"fInt64\":\"2\",\"fUint64\":\"3\",\"fInt32\":1,\"fColor\":\"RED\"}");
    static const uint8_t numbers[] = {0x82, 0x05, 0x07, 0x09, 0xa1, 'z'};
    check_mp_to_json(numbers, sizeof numbers, 0, "{\"fInt32\":7,\"fString\":\"z\"}");
    /* Bytes as bin, or as a str of base64 (what a schema-less JSON -> MessagePack conversion gives). */
    static const uint8_t bin[] = {0x81, 0x0c, 0xc4, 0x02, 0xff, 0x00};
    check_mp_to_json(bin, sizeof bin, 0, "{\"fBytes\":\"/wA=\"}");
    mp = mp_of_json("{\"f_bytes\": \"_wA\"}", &n);
    check_mp_to_json(mp, n, 0, "{\"fBytes\":\"/wA=\"}");
    /* A float 64 for a float field is rounded to float. */
    static const uint8_t f64[] = {0x81, 0x02, 0xcb, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a};
    const wk_value *v = tf_decode(tf_mp, f64, sizeof f64, 0);
    assert_true(wk_message_get(v, 2)->as.d == (double)0.1f);
    /* An integer for a double field; NaN as a float. */
    static const uint8_t nan32[] = {0x82, 0x01, 0x05, 0x02, 0xca, 0x7f, 0xc0, 0x00, 0x00};
    check_mp_to_json(nan32, sizeof nan32, 0, "{\"fDouble\":5.0,\"fFloat\":\"NaN\"}");
    /* The MessagePack timestamp extension for a Timestamp (timestamp 32 and 96). */
    static const uint8_t ext32[] = {0x81, 0x3c, 0xd6, 0xff, 0x00, 0x00, 0x00, 0x3c};
    check_mp_to_json(ext32, sizeof ext32, 0, "{\"ts\":\"1970-01-01T00:01:00Z\"}");
    static const uint8_t ext96[] = {0x81, 0x3c, 0xc7, 0x0c, 0xff, 0x00, 0x00, 0x00, 0x05,
                                    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    check_mp_to_json(ext96, sizeof ext96, 0, "{\"ts\":\"1969-12-31T23:59:59.000000005Z\"}");
    /* Integer map keys as integers (or as strings of digits). */
    static const uint8_t keys[] = {0x81, 0x29, 0x82, 0xfb, 0xa1, 'x', 0xa2, '1', '2', 0xa1, 'y'};
    check_mp_to_json(keys, sizeof keys, 0, "{\"mInt32String\":{\"-5\":\"x\",\"12\":\"y\"}}");
    /* nil is the default; for a Value it is its null. */
    static const uint8_t nils[] = {0x82, 0x05, 0xc0, 0x48, 0xc0};
    check_mp_to_json(nils, sizeof nils, 0, "{\"val\":null}");
}

/* NaN and infinities need no strings in MessagePack, even inside a google.protobuf.Value. */
static void test_nonfinite_values(void **state)
{
    (void)state;
    static const uint8_t in[] = {0x81, 0x48, 0xcb, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0};   /* val: +inf */
    const wk_value *v = tf_decode(tf_mp, in, sizeof in, 0);
    size_t n;
    const char *got = tf_encode(tf_mp, v, WK_ENCODE_NUMBER_KEYS, &n);
    check_bytes(got, n, (const char *)in, sizeof in);
    /* JSON cannot carry it in a Value: a clear error with the path. */
    wk_buf out;
    wk_buf_init(&out);
    wk_status st;
    assert_int_equal(wk_encode(tf_json, v, NULL, &out, &st), WK_ERR_UNREPRESENTABLE);
    assert_string_equal(st.msg, "$.val: google.protobuf.Value cannot hold NaN or Infinity in JSON");
    wk_buf_destroy(&out);
}

/* Messages inside a schema-less tree (a list of them, say) are written typed. */
static void test_messages_in_plain_tree(void **state)
{
    (void)state;
    const char *a = "{\"fInt64\": 1}", *b = "{\"fFloat\": 0.5}";
    wk_value list;
    wk_value *items = wk_value_list(tf_arena, 3, &list);
    items[0] = *tf_decode(tf_json, a, strlen(a), 0);
    items[1] = wk_value_int(7);
    items[2] = *tf_decode(tf_json, b, strlen(b), 0);
    assert_string_equal(tf_encode(tf_json, &list, 0, NULL), "[{\"fInt64\":\"1\"},7,{\"fFloat\":0.5}]");
    size_t n;
    const char *got = tf_encode(tf_mp, &list, WK_ENCODE_NUMBER_KEYS, &n);
    static const char want[] = "\x93\x81\x03\x01\x07\x81\x02\xca\x3f\0\0\0";
    check_bytes(got, n, want, sizeof want - 1);
}

/* ---- errors ---- */

static void test_type_errors(void **state)
{
    (void)state;
    static const struct {
        const char *json;     /* the input, written as MessagePack */
        wk_code code;
        size_t offset;
        const char *msg;
    } table[] = {
        {"{\"items\": [{}, {\"price\": \"x\"}]}", WK_ERR_TYPE, 16,
         "$.items[1].price: expected a number, got the string \"x\""},
        {"{\"f_int32\": 3000000000}", WK_ERR_RANGE, 9, "$.f_int32: 3000000000 is out of range for int32"},
        {"{\"f_bool\": 1}", WK_ERR_TYPE, 8, "$.f_bool: expected true or false, got an integer"},
        {"{\"f_string\": 1.5}", WK_ERR_TYPE, 10, "$.f_string: expected a string, got a float"},
        {"{\"f_item\": [1]}", WK_ERR_TYPE, 8, "$.f_item: expected a map for wktest.Item, got an array"},
        {"{\"f_color\": \"BLUE\"}", WK_ERR_TYPE, 9, "$.f_color: \"BLUE\" is not a value of wktest.Color"},
        {"{\"o_string\": \"a\", \"o_int32\": 1}", WK_ERR_TYPE, 12,
         "$.o_int32: o_string and o_int32 are both set, but oneof choice allows one"},
        {"{\"st\": {\"a\": [1, {\"b\": []}]}}", WK_OK, 0, NULL},
        {"{\"m_int32_string\": {\"z\": \"a\"}}", WK_ERR_TYPE, 17,
         "$.m_int32_string.z: map key \"z\" is not an integer"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        size_t n;
        const uint8_t *mp = mp_of_json(table[i].json, &n);
        if (table[i].code == WK_OK) {
            tf_decode(tf_mp, mp, n, 0);
            continue;
        }
        wk_status st = tf_decode_fail(tf_mp, mp, n, 0);
        if (st.code != table[i].code || st.offset != table[i].offset || strcmp(st.msg, table[i].msg) != 0)
            fail_msg("%s\n  gives %s at %zu: %s\n  wanted %s at %zu: %s", table[i].json,
                     wk_code_name(st.code), st.offset, st.msg, wk_code_name(table[i].code),
                     table[i].offset, table[i].msg);
        /* MessagePack is not text: no line or column. */
        assert_int_equal(st.line, 0);
    }
    /* Kinds JSON does not have. */
    static const uint8_t ext[] = {0x81, 0x09, 0xd4, 0x01, 0x00};
    wk_status st = tf_decode_fail(tf_mp, ext, sizeof ext, 0);
    assert_string_equal(st.msg, "$.9: expected a string, got an ext");
    assert_int_equal(st.offset, 2);
    static const uint8_t bin_value[] = {0x81, 0x48, 0xc4, 0x00};
    st = tf_decode_fail(tf_mp, bin_value, sizeof bin_value, 0);
    assert_string_equal(st.msg, "$.72: google.protobuf.Value cannot hold a bin");
    /* A map key that is neither a name nor a number. */
    static const uint8_t odd_key[] = {0x81, 0x91, 0x01, 0x02};
    st = tf_decode_fail(tf_mp, odd_key, sizeof odd_key, WK_DECODE_UNKNOWN_ERROR);
    assert_string_equal(st.msg, "$[0]: unknown field (a list key) in wktest.All");
    assert_int_equal(st.offset, 1);
    /* Schema-less errors are unchanged. */
    static const uint8_t cut[] = {0x82, 0x05, 0x01};
    st = tf_decode_fail(tf_mp, cut, sizeof cut, 0);
    assert_int_equal(st.code, WK_ERR_TRUNCATED);
}

/* ---- unknown fields ---- */

static void test_unknown_fields(void **state)
{
    (void)state;
    size_t n;
    const uint8_t *mp = mp_of_json("{\"f_int32\": 1, \"later\": [1, {\"x\": 2}]}", &n);
    /* Kept and written back in place. */
    const wk_value *v = tf_decode(tf_mp, mp, n, 0);
    assert_int_equal(v->as.message->unknown_count, 1);
    size_t got_len;
    const char *got = tf_encode(tf_mp, v, 0, &got_len);
    check_bytes(got, got_len, (const char *)mp, n);
    /* Dropped. */
    v = tf_decode(tf_mp, mp, n, WK_DECODE_UNKNOWN_DROP);
    assert_int_equal(v->as.message->unknown_count, 0);
    /* An error at the key. */
    wk_status st = tf_decode_fail(tf_mp, mp, n, WK_DECODE_UNKNOWN_ERROR);
    assert_string_equal(st.msg, "$.later: unknown field \"later\" in wktest.All");
    assert_int_equal(st.offset, 10);

    /* An unknown field number with protobuf wire bytes: kept as it is, both ways. */
    static const uint8_t wire[] = {0x82, 0x05, 0x01, 0xcd, 0x03, 0xe8, 0xc4, 0x03, 0xc0, 0x3e, 0x01};
    v = tf_decode(tf_mp, wire, sizeof wire, 0);
    const wk_message *m = v->as.message;
    assert_int_equal(m->unknown_count, 1);
    assert_true(m->unknown[0].key.kind == WK_INT && m->unknown[0].key.as.i == 1000);
    assert_int_equal(m->unknown[0].value.kind, WK_BYTES);
    got = tf_encode(tf_mp, v, WK_ENCODE_NUMBER_KEYS, &got_len);
    check_bytes(got, got_len, (const char *)wire, sizeof wire);
    st = tf_decode_fail(tf_mp, wire, sizeof wire, WK_DECODE_UNKNOWN_ERROR);
    assert_string_equal(st.msg, "$.1000: unknown field number 1000 in wktest.All");
    assert_int_equal(st.offset, 3);
    /* JSON has no name for it: left out. */
    assert_string_equal(tf_encode(tf_json, v, 0, NULL), "{\"fInt32\":1}");
}

static void test_emit_defaults(void **state)
{
    (void)state;
    static const uint8_t empty[] = {0x80};
    const wk_value *v = tf_decode(tf_mp, empty, sizeof empty, 0);
    size_t n;
    const char *got = tf_encode(tf_mp, v, WK_ENCODE_EMIT_DEFAULTS | WK_ENCODE_NUMBER_KEYS, &n);
    /* The fields without presence: 16 scalars, the renamed string, 8 repeated and 6 maps. */
    assert_int_equal((uint8_t)got[0], 0xde);
    assert_int_equal(((uint8_t)got[1] << 8) | (uint8_t)got[2], 31);
    /* f_double 0.0 as a float 64, f_float as a float 32, f_int64 0. */
    static const char head[] = "\x01\xcb\0\0\0\0\0\0\0\0\x02\xca\0\0\0\0\x03\x00";
    assert_memory_equal(got + 3, head, sizeof head - 1);
    assert_true(wk_value_equal(v, tf_decode(tf_mp, got, n, 0)));
}

/*
 * Bad input never crashes: the golden files with bytes flipped, cut short
 * and repeated, decoded typed (MessagePack and JSON) under whatever the
 * build's sanitizers catch; what decodes also encodes or fails cleanly.
 */
static void test_mutations(void **state)
{
    (void)state;
    const char *names[] = {"all.msgpack", "all_numbers.msgpack", "all.json"};
    uint32_t seed = 0x2545F491u;
    for (size_t f = 0; f < 3; f++) {
        size_t len;
        char *orig = tf_read(names[f], &len);
        const wk_format *fmt = f < 2 ? tf_mp : tf_json;
        char *buf = malloc(len);
        for (int round = 0; round < 3000; round++) {
            memcpy(buf, orig, len);
            size_t n = len;
            int edits = 1 + round % 4;
            for (int e = 0; e < edits; e++) {
                seed = seed * 1103515245u + 12345u;
                size_t at = (seed >> 8) % len;
                switch (round % 3) {
                case 0: buf[at] = (char)(seed >> 24); break;
                case 1: buf[at] ^= (char)(1u << (seed % 8)); break;
                default: n = at; break;
                }
            }
            wk_arena_reset(tf_arena);
            wk_decode_opts o = {0};
            o.type = tf_all;
            o.flags = round % 5 == 0 ? WK_DECODE_UNKNOWN_ERROR : 0;
            const wk_value *v = NULL;
            wk_status st;
            if (wk_decode(fmt, buf, n, &o, tf_arena, &v, &st) != WK_OK) {
                assert_null(v);
                assert_true(st.offset <= n);
                assert_true(st.msg[0] != '\0');
                continue;
            }
            wk_buf out;
            wk_buf_init(&out);
            wk_code rc = wk_encode(tf_mp, v, NULL, &out, &st);
            assert_true(rc == WK_OK || rc == WK_ERR_UNREPRESENTABLE || rc == WK_ERR_NOT_FOUND);
            wk_buf_clear(&out);
            rc = wk_encode(tf_json, v, NULL, &out, &st);
            assert_true(rc == WK_OK || rc == WK_ERR_UNREPRESENTABLE || rc == WK_ERR_NOT_FOUND);
            wk_buf_destroy(&out);
        }
        free(buf);
        free(orig);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, tf_setup, tf_teardown)
        T(test_golden),
        T(test_round_trips),
        T(test_encoding_forms),
        T(test_input_forms),
        T(test_nonfinite_values),
        T(test_messages_in_plain_tree),
        T(test_type_errors),
        T(test_unknown_fields),
        T(test_emit_defaults),
        T(test_mutations),
#undef T
    };
    return cmocka_run_group_tests(tests, tf_group_setup, tf_group_teardown);
}
