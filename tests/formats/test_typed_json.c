/*
 * Tests of typed JSON (formats/json.c with formats/typed_*.c): the canonical
 * proto3 JSON mapping of tests/data/typed/all.proto, which has every field
 * type, maps, oneofs, nesting, enums and every well-known type.
 *
 * Golden files: all_liberal.json (every accepted input form) and all.json
 * (its canonical form, which is its own canonical form again). Then each
 * rule on its own, the float32 text table, Timestamp and Duration edge
 * cases, every type error with its path and position, the unknown-field
 * policies, emit-defaults, and an oracle test against python3-protobuf's
 * json_format where it is installed.
 */
#define _POSIX_C_SOURCE 200809L   /* mkdtemp */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "formats/typed.h"
#include "typed_fixture.h"

static const wk_field_def *field(const char *name)
{
    for (size_t i = 0; i < tf_all->field_count; i++)
        if (strcmp(tf_all->fields[i].name, name) == 0) return &tf_all->fields[i];
    fail_msg("no field %s", name);
    return NULL;
}

/* JSON in, canonical JSON out; compared exactly. */
static void check_through(const char *in, const char *want)
{
    const char *got = tf_json_through(in, 0);
    if (strcmp(got, want) != 0) fail_msg("%s\n  gives %s\n  wanted %s", in, got, want);
}

/* ---- golden files ---- */

static void test_golden_all(void **state)
{
    (void)state;
    size_t liberal_len, canon_len, n;
    char *liberal = tf_read("all_liberal.json", &liberal_len);
    char *canon = tf_read("all.json", &canon_len);
    assert_true(canon_len > 0 && canon[canon_len - 1] == '\n');
    const wk_value *v = tf_decode(tf_json, liberal, liberal_len, 0);
    const char *got = tf_encode(tf_json, v, WK_ENCODE_PRETTY, &n);
    assert_int_equal(n, canon_len - 1);
    assert_memory_equal(got, canon, n);
    /* The canonical form reads back as the same message, and writes as itself. */
    const wk_value *again = tf_decode(tf_json, canon, canon_len, 0);
    assert_true(wk_value_equal(v, again));
    got = tf_encode(tf_json, again, WK_ENCODE_PRETTY, &n);
    assert_int_equal(n, canon_len - 1);
    assert_memory_equal(got, canon, n);
    free(liberal);
    free(canon);
}

/* Every field of the golden message holds what its JSON says, in the model's kinds. */
static void test_golden_values(void **state)
{
    (void)state;
    size_t len;
    char *text = tf_read("all.json", &len);
    const wk_value *v = tf_decode(tf_json, text, len, 0);
    const wk_value *x;
    assert_non_null(x = wk_message_get(v, field("f_int64")->number));
    assert_int_equal(x->kind, WK_INT);
    assert_true(x->as.i == INT64_MIN);
    assert_non_null(x = wk_message_get(v, field("f_uint64")->number));
    assert_int_equal(x->kind, WK_UINT);
    assert_true(x->as.u == UINT64_MAX);
    assert_non_null(x = wk_message_get(v, field("f_float")->number));
    assert_true(x->kind == WK_DOUBLE && x->as.d == (double)0.1f);
    assert_non_null(x = wk_message_get(v, field("f_bytes")->number));
    assert_true(x->kind == WK_BYTES && x->len == 4 && memcmp(x->as.str, "\0\1\2\377", 4) == 0);
    assert_non_null(x = wk_message_get(v, field("f_color")->number));
    assert_true(x->kind == WK_INT && x->as.i == 2);
    /* optInt32 has presence: 0 is kept. */
    assert_non_null(x = wk_message_get(v, field("opt_int32")->number));
    assert_true(x->kind == WK_INT && x->as.i == 0);
    assert_non_null(x = wk_message_get(v, field("m_int32_string")->number));
    assert_true(x->kind == WK_MAP && x->len == 1 && x->as.members[0].key.kind == WK_INT &&
                x->as.members[0].key.as.i == -5);
    assert_non_null(x = wk_message_get(v, field("m_bool_color")->number));
    assert_true(x->as.members[0].key.kind == WK_BOOL && x->as.members[0].key.as.b);
    assert_non_null(x = wk_message_get(v, field("ts")->number));
    assert_int_equal(x->kind, WK_MESSAGE);
    assert_true(wk_message_get(x, 1)->as.i == 63108020 && wk_message_get(x, 2)->as.i == 21000000);
    assert_non_null(x = wk_message_get(v, field("dur")->number));
    assert_true(wk_message_get(x, 1)->as.i == -1 && wk_message_get(x, 2)->as.i == -340012);
    /* The unknown field is kept, by name, as read. */
    const wk_message *m = v->as.message;
    assert_int_equal(m->unknown_count, 1);
    assert_true(m->unknown[0].key.kind == WK_STRING && strcmp(m->unknown[0].key.as.str, "zzz") == 0);
    assert_int_equal(m->unknown[0].value.kind, WK_LIST);
    /* Fields are in number order. */
    for (uint32_t i = 1; i < m->field_count; i++)
        assert_true(m->fields[i - 1].field->number < m->fields[i].field->number);
    free(text);
}

/*
 * Across all three formats: the golden message (without its unknown field,
 * which has no protobuf form by name) through Protocol Buffers and back, and
 * through MessagePack and Protocol Buffers, is the same model.
 */
static void test_three_formats(void **state)
{
    (void)state;
    const wk_format *pb = wk_format_find("protobuf");
    if (!pb) skip();
    size_t len, n;
    char *text = tf_read("all.json", &len);
    const wk_value *v = tf_decode(tf_json, text, len, WK_DECODE_UNKNOWN_DROP);
    const char *bytes = tf_encode(pb, v, 0, &n);
    char *copy = malloc(n);
    memcpy(copy, bytes, n);
    const wk_value *back = tf_decode(pb, copy, n, 0);
    assert_true(wk_value_equal(v, back));
    /* MessagePack of the protobuf-read message is the MessagePack of the JSON-read one. */
    char *mp_json = NULL;
    const char *mp = tf_encode(tf_mp, v, 0, &n);
    mp_json = malloc(n);
    memcpy(mp_json, mp, n);
    size_t mp_len = n;
    mp = tf_encode(tf_mp, back, 0, &n);
    assert_int_equal(n, mp_len);
    assert_memory_equal(mp, mp_json, n);
    free(mp_json);
    free(copy);
    free(text);
}

/* ---- numbers ---- */

static void test_float32_table(void **state)
{
    (void)state;
    static const struct { float f; const char *text; } table[] = {
        {0.1f, "0.1"},
        {16777217.0f, "16777216.0"},
        {FLT_MAX, "3.4028235e38"},
        {1e-45f, "1e-45"},
        {FLT_MIN, "1.1754944e-38"},
        {1.0f, "1.0"},
        {-2.5f, "-2.5"},
        {0.0f, "0.0"},
        {-0.0f, "-0.0"},
        {0.3f, "0.3"},
        {1.0f / 3.0f, "0.33333334"},
        {2.7182817f, "2.7182817"},
        {0.0001f, "0.0001"},
        {0.00003f, "3e-5"},
        {1e16f, "1e16"},
        {123456789.0f, "123456790.0"},
        {1e10f, "10000000000.0"},
        {-1e-10f, "-1e-10"},
        {65504.0f, "65504.0"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        char out[WK__FLOAT_MAX_CHARS + 1];
        size_t n = wk__format_float32(table[i].f, out);
        out[n] = '\0';
        if (strcmp(out, table[i].text) != 0)
            fail_msg("float %a gives %s, wanted %s", (double)table[i].f, out, table[i].text);
        /* And as a float field of a message. */
        char in[80], want[80];
        snprintf(in, sizeof in, "{\"fFloat\": %s}", table[i].text);
        if (table[i].f == 0 && !signbit(table[i].f)) snprintf(want, sizeof want, "{}");
        else snprintf(want, sizeof want, "{\"fFloat\":%s}", table[i].text);
        check_through(in, want);
    }
}

/* Shortest text reads back as the same float, for many bit patterns. */
static void test_float32_round_trip(void **state)
{
    (void)state;
    uint32_t x = 12345;
    for (int i = 0; i < 300000; i++) {
        x = x * 1664525u + 1013904223u;
        uint32_t bits = i < 256 ? (uint32_t)i << 23 : x;   /* every power of two first */
        float f;
        memcpy(&f, &bits, sizeof f);
        if (f != f || f - f != 0) continue;
        char out[WK__FLOAT_MAX_CHARS + 1];
        size_t n = wk__format_float32(f, out);
        double back;
        assert_true(wk__parse_double(out, n, &back));
        float g = (float)back;
        if (memcmp(&f, &g, sizeof f) != 0) fail_msg("%.*s does not read back as %a", (int)n, out, (double)f);
        /* No more significant digits than nine. */
        size_t digits = 0;
        for (size_t k = 0; k < n && out[k] != 'e'; k++) digits += out[k] >= '1' && out[k] <= '9';
        assert_true(digits <= 9);
    }
}

/*
 * The same digits as the plain method: the smallest precision whose
 * correctly rounded conversion (snprintf) reads back as the float.
 */
static void test_float32_matches_reference(void **state)
{
    (void)state;
    uint32_t x = 777;
    for (int i = 0; i < 300000; i++) {
        x = x * 1664525u + 1013904223u;
        uint32_t bits = i < 2000 ? (uint32_t)i : i < 4000 ? 0x7f7fffffu - (uint32_t)(i - 2000) : x;
        bits &= 0x7fffffffu;
        float f;
        memcpy(&f, &bits, sizeof f);
        if (f != f || f - f != 0 || f == 0) continue;
        char want[32];
        int prec = 1;
        for (; prec <= 9; prec++) {
            char text[48];
            snprintf(text, sizeof text, "%.*e", prec - 1, (double)f);
            if ((float)strtod(text, NULL) == f) {
                size_t n = 0;
                for (const char *p = text; *p && *p != 'e'; p++)
                    if (*p >= '0' && *p <= '9') want[n++] = *p;
                while (n > 1 && want[n - 1] == '0') n--;
                want[n] = '\0';
                break;
            }
        }
        char out[WK__FLOAT_MAX_CHARS + 1];
        size_t n = wk__format_float32(f, out);
        out[n] = '\0';
        /* The significant digits of ours: no sign, point, exponent, leading or trailing zeros. */
        char got[32];
        size_t g = 0;
        for (const char *p = out; *p && *p != 'e'; p++)
            if (*p >= '0' && *p <= '9' && (g || *p != '0')) got[g++] = *p;
        while (g > 1 && got[g - 1] == '0') g--;
        got[g] = '\0';
        if (strcmp(got, want) != 0) fail_msg("%a: %s has digits %s, wanted %s", (double)f, out, got, want);
    }
}

static void test_nonfinite(void **state)
{
    (void)state;
    check_through("{\"fDouble\": \"NaN\", \"fFloat\": \"Infinity\", \"rFloat\": [\"-Infinity\", \"NaN\"]}",
                  "{\"fDouble\":\"NaN\",\"fFloat\":\"Infinity\",\"rFloat\":[\"-Infinity\",\"NaN\"]}");
    check_through("{\"wDouble\": \"-Infinity\"}", "{\"wDouble\":\"-Infinity\"}");
    check_through("{\"fDouble\": \"1.5\", \"fFloat\": \"-2\"}", "{\"fDouble\":1.5,\"fFloat\":-2.0}");
    check_through("{\"fDouble\": -0.0}", "{\"fDouble\":-0.0}");
    check_through("{\"fDouble\": 0}", "{}");
    /* A float field's value is a float: 0.1 is stored as 0.1f. */
    const char *in = "{\"fFloat\": 0.1, \"fDouble\": 0.1}";
    const wk_value *v = tf_decode(tf_json, in, strlen(in), 0);
    assert_true(wk_message_get(v, 2)->as.d == (double)0.1f);
    assert_true(wk_message_get(v, 1)->as.d == 0.1);
    /* Rounds to FLT_MAX: accepted; past it: out of range. */
    check_through("{\"fFloat\": 3.4028235e38}", "{\"fFloat\":3.4028235e38}");
}

static void test_int64_forms(void **state)
{
    (void)state;
    check_through("{\"fInt64\": 123, \"fUint64\": \"18446744073709551615\", \"fSint64\": \"-9223372036854775808\","
                  " \"fFixed64\": 1e3, \"fSfixed64\": \"-5\"}",
                  "{\"fInt64\":\"123\",\"fUint64\":\"18446744073709551615\",\"fFixed64\":\"1000\","
                  "\"fSfixed64\":\"-5\",\"fSint64\":\"-9223372036854775808\"}");
    check_through("{\"fInt32\": \"-2147483648\", \"fUint32\": \"4294967295\", \"fSint32\": 7.0}",
                  "{\"fInt32\":-2147483648,\"fUint32\":4294967295,\"fSint32\":7}");
    check_through("{\"rInt64\": [\"9007199254740993\", 9007199254740993]}",
                  "{\"rInt64\":[\"9007199254740993\",\"9007199254740993\"]}");
    check_through("{\"wInt64\": 5, \"wUint64\": \"6\", \"wInt32\": \"7\"}",
                  "{\"wInt64\":\"5\",\"wUint64\":\"6\",\"wInt32\":7}");
}

static void test_bytes_base64(void **state)
{
    (void)state;
    check_through("{\"fBytes\": \"-_8\"}", "{\"fBytes\":\"+/8=\"}");
    check_through("{\"fBytes\": \"+/8=\"}", "{\"fBytes\":\"+/8=\"}");
    check_through("{\"fBytes\": \"aGk\"}", "{\"fBytes\":\"aGk=\"}");
    check_through("{\"rBytes\": [\"\", \"AA==\"], \"wBytes\": \"\"}",
                  "{\"rBytes\":[\"\",\"AA==\"],\"wBytes\":\"\"}");
}

static void test_enums(void **state)
{
    (void)state;
    check_through("{\"fColor\": 1}", "{\"fColor\":\"RED\"}");
    check_through("{\"fColor\": \"RED\"}", "{\"fColor\":\"RED\"}");
    check_through("{\"fColor\": \"2\"}", "{\"fColor\":\"GREEN\"}");
    /* Open (proto3) enums keep numbers they do not know. */
    check_through("{\"rColor\": [99, \"COLOR_UNSPECIFIED\"]}", "{\"rColor\":[99,\"COLOR_UNSPECIFIED\"]}");
    check_through("{\"fColor\": \"COLOR_UNSPECIFIED\"}", "{}");
    check_through("{\"mBoolColor\": {\"false\": 2}}", "{\"mBoolColor\":{\"false\":\"GREEN\"}}");
}

/* ---- names, null, oneofs, maps ---- */

static void test_names(void **state)
{
    (void)state;
    check_through("{\"f_int32\": 1, \"renamed\": \"a\", \"r_int32\": [2]}",
                  "{\"fInt32\":1,\"otherName\":\"a\",\"rInt32\":[2]}");
    check_through("{\"otherName\": \"b\"}", "{\"otherName\":\"b\"}");
    /* A key with a NUL byte is not the name before the NUL (regression: it was matched). */
    check_through("{\"f\\u0000\": 1, \"fInt32\\u0000x\": 2}", "{\"f\\u0000\":1,\"fInt32\\u0000x\":2}");
    const char *in = "{\"any\": {\"@type\": \"t/wktest.Item\\u0000\"}}";
    assert_int_equal(tf_decode_fail(tf_json, in, strlen(in), 0).code, WK_ERR_NOT_FOUND);
}

static void test_null_is_default(void **state)
{
    (void)state;
    check_through("{\"fInt32\": null, \"fItem\": null, \"items\": null, \"mStringInt32\": null,"
                  " \"ts\": null, \"wInt32\": null, \"fColor\": null, \"optInt32\": null}",
                  "{}");
    /* google.protobuf.Value's null is a value. */
    check_through("{\"val\": null, \"mValue\": {\"a\": null}, \"lst\": [null]}",
                  "{\"mValue\":{\"a\":null},\"val\":null,\"lst\":[null]}");
    const char *in = "{\"val\": null}";
    const wk_value *v = tf_decode(tf_json, in, strlen(in), 0);
    const wk_value *val = wk_message_get(v, 72);
    assert_non_null(val);
    assert_int_equal(val->kind, WK_MESSAGE);
    assert_non_null(wk_message_get(val, 1));   /* null_value */
}

static void test_presence(void **state)
{
    (void)state;
    /* Defaults of fields without presence are not present; optional ones are. */
    check_through("{\"fInt32\": 0, \"fString\": \"\", \"fBool\": false, \"optInt32\": 0,"
                  " \"fItem\": {}, \"wBool\": false, \"items\": [], \"mInt32String\": {}}",
                  "{\"fItem\":{},\"optInt32\":0,\"wBool\":false}");
    const char *in = "{\"fInt32\": 0, \"rInt32\": []}";
    const wk_value *v = tf_decode(tf_json, in, strlen(in), 0);
    assert_int_equal(v->as.message->field_count, 0);
}

static void test_oneof(void **state)
{
    (void)state;
    check_through("{\"oInt32\": 0}", "{\"oInt32\":0}");
    check_through("{\"oString\": null, \"oInt32\": 5}", "{\"oInt32\":5}");
    check_through("{\"oItem\": {\"name\": \"n\"}}", "{\"oItem\":{\"name\":\"n\"}}");
    const char *in = "{\"oString\": \"a\", \"oItem\": {}}";
    wk_status st = tf_decode_fail(tf_json, in, strlen(in), 0);
    assert_int_equal(st.code, WK_ERR_TYPE);
    assert_string_equal(st.msg, "$.oItem: o_string and o_item are both set, but oneof choice allows one");
    assert_int_equal(st.offset, 17);
}

static void test_maps(void **state)
{
    (void)state;
    check_through("{\"mInt64Item\": {\"-9223372036854775808\": {\"count\": 1}, \"0\": {}}}",
                  "{\"mInt64Item\":{\"-9223372036854775808\":{\"count\":1},\"0\":{}}}");
    check_through("{\"mUint64Double\": {\"18446744073709551615\": 0.5}}",
                  "{\"mUint64Double\":{\"18446744073709551615\":0.5}}");
    check_through("{\"mBoolColor\": {\"true\": \"RED\", \"false\": \"GREEN\"}}",
                  "{\"mBoolColor\":{\"true\":\"RED\",\"false\":\"GREEN\"}}");
    check_through("{\"m_string_int32\": {\"\": 0}}", "{\"mStringInt32\":{\"\":0}}");
    const char *in = "{\"mInt64Item\": {\"7\": {}}}";
    const wk_value *v = tf_decode(tf_json, in, strlen(in), 0);
    const wk_value *m = wk_message_get(v, 42);
    assert_true(m && m->kind == WK_MAP && m->len == 1);
    assert_true(m->as.members[0].key.kind == WK_INT && m->as.members[0].key.as.i == 7);
    assert_int_equal(m->as.members[0].value.kind, WK_MESSAGE);
}

/* ---- well-known types ---- */

static void test_timestamp(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } ok[] = {
        {"1972-01-01T10:00:20.021Z", "1972-01-01T10:00:20.021Z"},
        {"1970-01-01T00:00:00Z", NULL},   /* the epoch is the default: {} */
        {"0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"},
        {"9999-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59.999999999Z"},
        {"2000-02-29T12:00:00Z", "2000-02-29T12:00:00Z"},
        {"2024-02-29T00:00:00.5Z", "2024-02-29T00:00:00.500Z"},
        {"2024-02-29T00:00:00.000001Z", "2024-02-29T00:00:00.000001Z"},
        {"2024-02-29T00:00:00.1234Z", "2024-02-29T00:00:00.123400Z"},
        {"1969-12-31T23:59:59.000000001Z", "1969-12-31T23:59:59.000000001Z"},
        {"1970-01-01T01:00:00+01:00", NULL},
        {"1970-01-01T00:00:00-08:30", "1970-01-01T08:30:00Z"},
        {"2000-01-01t00:00:00z", "2000-01-01T00:00:00Z"},
        {"0001-01-01T05:00:00+05:00", "0001-01-01T00:00:00Z"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char in[128], want[128];
        snprintf(in, sizeof in, "{\"ts\": \"%s\"}", ok[i].in);
        if (ok[i].out) snprintf(want, sizeof want, "{\"ts\":\"%s\"}", ok[i].out);
        else snprintf(want, sizeof want, "{\"ts\":{}}");
        /* A Timestamp at the epoch has no fields set: it is written as such. */
        if (!ok[i].out) {
            const wk_value *v = tf_decode(tf_json, in, strlen(in), 0);
            const wk_value *ts = wk_message_get(v, 60);
            assert_non_null(ts);
            assert_int_equal(ts->as.message->field_count, 0);
            assert_string_equal(tf_encode(tf_json, v, 0, NULL), "{\"ts\":\"1970-01-01T00:00:00Z\"}");
            continue;
        }
        check_through(in, want);
    }
    static const char *const bad[] = {
        "1972-01-01T10:00:20.021",        /* no offset */
        "1972-01-01 10:00:20Z",           /* space */
        "1972-1-01T10:00:20Z",
        "1900-02-29T00:00:00Z",           /* not a leap year */
        "2023-02-29T00:00:00Z",
        "2024-04-31T00:00:00Z",
        "2024-01-01T24:00:00Z",
        "2024-01-01T23:60:00Z",
        "2024-01-01T23:59:60Z",           /* no leap seconds */
        "0000-12-31T23:59:59Z",           /* year 0 */
        "10000-01-01T00:00:00Z",
        "0001-01-01T00:00:00+00:01",      /* before year 1 once the offset is applied */
        "9999-12-31T23:59:59-00:01",      /* after 9999 */
        "2024-01-01T00:00:00.1234567890Z", /* ten digits */
        "2024-01-01T00:00:00.Z",
        "2024-01-01T00:00:00+0100",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char in[128];
        snprintf(in, sizeof in, "{\"ts\": \"%s\"}", bad[i]);
        wk_status st = tf_decode_fail(tf_json, in, strlen(in), 0);
        if (st.code != WK_ERR_TYPE) fail_msg("%s: %s", bad[i], st.msg);
        assert_int_equal(st.offset, 7);
        assert_true(strncmp(st.msg, "$.ts: ", 6) == 0);
    }
}

/* Timestamps and Durations built by hand: what is written, and what cannot be. */
static void test_time_format(void **state)
{
    (void)state;
    static const struct { int64_t s, n; const char *ts, *dur; } table[] = {
        {0, 0, "1970-01-01T00:00:00Z", "0s"},
        {1, 340012, "1970-01-01T00:00:01.000340012Z", "1.000340012s"},
        {-1, -340012, NULL, "-1.000340012s"},
        {0, -500000000, NULL, "-0.500s"},
        {-62135596800, 0, "0001-01-01T00:00:00Z", NULL},
        {253402300799, 999999999, "9999-12-31T23:59:59.999999999Z", NULL},
        {951782400, 0, "2000-02-29T00:00:00Z", "951782400s"},
        {315576000000, 999999999, NULL, "315576000000.999999999s"},
        {-315576000000, -999999999, NULL, "-315576000000.999999999s"},
        {5, 1000, "1970-01-01T00:00:05.000001Z", "5.000001s"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        char out[64];
        size_t n;
        const char *why;
        bool ok = wk__timestamp_format(table[i].s, table[i].n, out, &n, &why);
        assert_int_equal(ok, table[i].ts != NULL);
        if (ok) assert_string_equal(out, table[i].ts);
        ok = wk__duration_format(table[i].s, table[i].n, out, &n, &why);
        if (table[i].dur) {
            assert_true(ok);
            assert_string_equal(out, table[i].dur);
        }
    }
    char out[64];
    size_t n;
    const char *why;
    assert_false(wk__timestamp_format(-62135596801, 0, out, &n, &why));
    assert_false(wk__timestamp_format(253402300800, 0, out, &n, &why));
    assert_false(wk__timestamp_format(0, 1000000000, out, &n, &why));
    assert_false(wk__timestamp_format(0, -1, out, &n, &why));
    assert_false(wk__duration_format(315576000001, 0, out, &n, &why));
    assert_false(wk__duration_format(1, -1, out, &n, &why));
    assert_false(wk__duration_format(-1, 1, out, &n, &why));

    /* Out of range in a message: the encode fails with the path. */
    wk_value ts, all;
    wk_message *t = wk_value_message(tf_arena, field("ts")->message, 1, 0, &ts);
    assert_non_null(t);
    ((wk_field_value *)t->fields)[0] = (wk_field_value){&field("ts")->message->fields[0], wk_value_int(INT64_C(253402300800))};
    wk_message *m = wk_value_message(tf_arena, tf_all, 1, 0, &all);
    ((wk_field_value *)m->fields)[0] = (wk_field_value){field("ts"), ts};
    wk_buf out_buf;
    wk_buf_init(&out_buf);
    wk_status st;
    assert_int_equal(wk_encode(tf_json, &all, NULL, &out_buf, &st), WK_ERR_UNREPRESENTABLE);
    assert_true(strncmp(st.msg, "$.ts: Timestamp is outside", 26) == 0);
    assert_int_equal(out_buf.len, 0);
    wk_buf_destroy(&out_buf);
}

static void test_duration(void **state)
{
    (void)state;
    check_through("{\"dur\": \"1.5s\"}", "{\"dur\":\"1.500s\"}");
    check_through("{\"dur\": \"-0.5s\"}", "{\"dur\":\"-0.500s\"}");
    check_through("{\"dur\": \"0.000000001s\"}", "{\"dur\":\"0.000000001s\"}");
    check_through("{\"dur\": \"-315576000000.999999999s\"}", "{\"dur\":\"-315576000000.999999999s\"}");
    check_through("{\"dur\": \"60s\"}", "{\"dur\":\"60s\"}");
    static const char *const bad[] = {
        "1.5", "1.5S", "s", "-s", "1.s", "+1s", "1.0000000001s", "315576000001s", " 1s", "1e3s", "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char in[80];
        snprintf(in, sizeof in, "{\"dur\": \"%s\"}", bad[i]);
        wk_status st = tf_decode_fail(tf_json, in, strlen(in), 0);
        if (st.code != WK_ERR_TYPE) fail_msg("%s: %s", bad[i], st.msg);
        assert_int_equal(st.offset, 8);
    }
}

static void test_wrappers_struct_mask(void **state)
{
    (void)state;
    check_through("{\"wDouble\": 0, \"wFloat\": \"NaN\", \"wUint64\": 0, \"wUint32\": 0,"
                  " \"wBool\": true, \"wString\": \"\", \"wBytes\": \"AA\"}",
                  "{\"wDouble\":0.0,\"wFloat\":\"NaN\",\"wUint64\":\"0\",\"wUint32\":0,"
                  "\"wBool\":true,\"wString\":\"\",\"wBytes\":\"AA==\"}");
    check_through("{\"st\": {\"a\": 1, \"b\": [true, null, \"x\", {\"c\": {}}], \"d\": {}}}",
                  "{\"st\":{\"a\":1.0,\"b\":[true,null,\"x\",{\"c\":{}}],\"d\":{}}}");
    check_through("{\"st\": {}}", "{\"st\":{}}");
    check_through("{\"val\": 1.5}", "{\"val\":1.5}");
    check_through("{\"val\": \"s\"}", "{\"val\":\"s\"}");
    check_through("{\"val\": [[]]}", "{\"val\":[[]]}");
    check_through("{\"val\": {\"k\": false}}", "{\"val\":{\"k\":false}}");
    check_through("{\"lst\": []}", "{\"lst\":[]}");
    check_through("{\"mask\": \"a,fooBar.bazQux,x1\"}", "{\"mask\":\"a,fooBar.bazQux,x1\"}");
    check_through("{\"mask\": \"\"}", "{\"mask\":\"\"}");
    check_through("{\"empty\": {}}", "{\"empty\":{}}");
    check_through("{\"rTs\": [\"2001-01-01T00:00:00Z\", \"1970-01-01T00:00:00Z\"]}",
                  "{\"rTs\":[\"2001-01-01T00:00:00Z\",\"1970-01-01T00:00:00Z\"]}");
    /* The paths are stored in snake_case. */
    const char *in = "{\"mask\": \"fooBar.bazQux\"}";
    const wk_value *v = tf_decode(tf_json, in, strlen(in), 0);
    const wk_value *paths = wk_message_get(wk_message_get(v, 74), 1);
    assert_true(paths && paths->kind == WK_LIST && paths->len == 1);
    assert_string_equal(paths->as.items[0].as.str, "foo_bar.baz_qux");
    /* A Timestamp given as its fields is accepted too. */
    check_through("{\"ts\": {\"seconds\": \"1\", \"nanos\": 5}}", "{\"ts\":\"1970-01-01T00:00:01.000000005Z\"}");
}

/* google.protobuf.Any: the payload's type from the schema, packed as Protocol Buffers. */
static void test_any(void **state)
{
    (void)state;
    check_through("{\"any\": {\"@type\": \"type.googleapis.com/wktest.Item\", \"name\": \"x\", \"price\": 2}}",
                  "{\"any\":{\"@type\":\"type.googleapis.com/wktest.Item\",\"name\":\"x\",\"price\":2.0}}");
    check_through("{\"any\": {\"count\": 1, \"@type\": \"type.googleapis.com/wktest.Item\"}}",
                  "{\"any\":{\"@type\":\"type.googleapis.com/wktest.Item\",\"count\":1}}");
    /* A well-known type with a special form sits in "value". */
    check_through("{\"any\": {\"@type\": \"type.googleapis.com/google.protobuf.Duration\", \"value\": \"1.5s\"}}",
                  "{\"any\":{\"@type\":\"type.googleapis.com/google.protobuf.Duration\",\"value\":\"1.500s\"}}");
    /* Nested Any, and an empty one. */
    check_through("{\"any\": {\"@type\": \"t/wktest.All\", \"child\": {\"any\": {\"@type\": \"t/wktest.Item\", \"count\": 5}}}}",
                  "{\"any\":{\"@type\":\"t/wktest.All\",\"child\":{\"any\":{\"@type\":\"t/wktest.Item\",\"count\":5}}}}");
    check_through("{\"any\": {}}", "{\"any\":{}}");
    /* The model holds the type URL and the protobuf bytes. */
    const char *in = "{\"any\": {\"@type\": \"t/wktest.Item\", \"name\": \"x\", \"count\": 3}}";
    const wk_value *v = tf_decode(tf_json, in, strlen(in), 0);
    const wk_value *any = wk_message_get(v, 76);
    assert_non_null(any);
    assert_string_equal(wk_message_get(any, 1)->as.str, "t/wktest.Item");
    const wk_value *bytes = wk_message_get(any, 2);
    assert_true(bytes && bytes->kind == WK_BYTES && bytes->len == 5);
    assert_memory_equal(bytes->as.str, "\x0a\x01x\x18\x03", 5);
    /* MessagePack writes an Any as its fields (no schema lookup needed), and reads it back. */
    size_t n;
    const char *mp = tf_encode(tf_mp, v, WK_ENCODE_NUMBER_KEYS, &n);
    static const char want[] = "\x81\x4c\x82\x01\xad" "t/wktest.Item" "\x02\xc4\x05\x0a\x01x\x18\x03";
    assert_int_equal(n, sizeof want - 1);
    assert_memory_equal(mp, want, n);
    /* An Any whose bytes are not its type's: a clear error when written as JSON. */
    wk_value bad_any, all;
    wk_message *am = wk_value_message(tf_arena, any->as.message->type, 2, 0, &bad_any);
    ((wk_field_value *)am->fields)[0] = any->as.message->fields[0];
    ((wk_field_value *)am->fields)[1] = any->as.message->fields[1];
    assert_int_equal(wk_value_bytes(tf_arena, "\x0a\x05", 2, &((wk_field_value *)am->fields)[1].value), WK_OK);
    wk_message *m = wk_value_message(tf_arena, tf_all, 1, 0, &all);
    ((wk_field_value *)m->fields)[0] = (wk_field_value){field("any"), bad_any};
    wk_buf out;
    wk_buf_init(&out);
    wk_status st;
    assert_int_not_equal(wk_encode(tf_json, &all, NULL, &out, &st), WK_OK);
    assert_true(strncmp(st.msg, "$.any: google.protobuf.Any payload: ", 36) == 0);
    assert_int_equal(out.len, 0);
    wk_buf_destroy(&out);
}

/* Members in any order; a field given twice (even first as its default) is refused. */
static void test_member_order(void **state)
{
    (void)state;
    check_through("{\"otherName\": \"z\", \"fString\": \"a\", \"fInt32\": 1, \"fDouble\": 2}",
                  "{\"fDouble\":2.0,\"fInt32\":1,\"fString\":\"a\",\"otherName\":\"z\"}");
    const char *in = "{\"fInt32\": 0, \"f_int32\": 2}";
    wk_status st = tf_decode_fail(tf_json, in, strlen(in), 0);
    assert_string_equal(st.msg, "$.f_int32: field f_int32 is given twice");
    assert_int_equal(st.offset, 14);
}

/* Types with more fields than the stack bitmaps hold; and proto2's closed enums and groups. */
static void test_schema_shapes(void **state)
{
    (void)state;
    char *proto = malloc(64 * 1024);
    size_t n = (size_t)sprintf(proto, "syntax = \"proto3\";\npackage big;\nmessage Wide {\n");
    for (int i = 1; i <= 700; i++) n += (size_t)sprintf(proto + n, "  int32 f%d = %d;\n", i, i);
    n += (size_t)sprintf(proto + n, "  oneof o { string a = 1001; string b = 1002; }\n}\n");
    wk_schema *s;
    wk_status st;
    assert_int_equal(wk_schema_load_text("wide.proto", proto, n, NULL, &s, &st), WK_OK);
    const wk_message_def *wide = wk_schema_message(s, "big.Wide");
    assert_non_null(wide);
    const char *in = "{\"f700\": 7, \"f1\": 1, \"f600\": 0, \"b\": \"x\"}";
    const wk_value *v = tf_decode_type(tf_json, wide, in, strlen(in), 0);
    assert_string_equal(tf_encode(tf_json, v, 0, NULL), "{\"f1\":1,\"f700\":7,\"b\":\"x\"}");
    const char *twice = "{\"f699\": 1, \"f699\": 2}";
    wk_decode_opts o = {0};
    o.type = wide;
    assert_int_equal(wk_decode(tf_json, twice, strlen(twice), &o, tf_arena, &v, &st), WK_ERR_TYPE);
    assert_string_equal(st.msg, "$.f699: field f699 is given twice");
    const char *both = "{\"a\": \"x\", \"b\": \"y\"}";
    assert_int_equal(wk_decode(tf_json, both, strlen(both), &o, tf_arena, &v, &st), WK_ERR_TYPE);
    assert_string_equal(st.msg, "$.b: a and b are both set, but oneof o allows one");
    wk_schema_free(s);

    static const char p2[] =
        "syntax = \"proto2\";\n"
        "package old;\n"
        "enum Kind { A = 1; B = 2; }\n"
        "message M {\n"
        "  optional Kind kind = 1;\n"
        "  optional int32 n = 2 [default = 5];\n"
        "  optional group G = 3 { optional string s = 4; }\n"
        "  repeated Kind kinds = 5;\n"
        "}\n";
    assert_int_equal(wk_schema_load_text("old.proto", p2, strlen(p2), NULL, &s, &st), WK_OK);
    const wk_message_def *m = wk_schema_message(s, "old.M");
    in = "{\"kind\": \"B\", \"n\": 0, \"g\": {\"s\": \"t\"}, \"kinds\": [1, \"A\"]}";
    v = tf_decode_type(tf_json, m, in, strlen(in), 0);
    /* proto2 optional fields have presence: 0 is kept and written. */
    assert_string_equal(tf_encode(tf_json, v, 0, NULL),
                        "{\"kind\":\"B\",\"n\":0,\"g\":{\"s\":\"t\"},\"kinds\":[\"A\",\"A\"]}");
    o.type = m;
    const char *closed = "{\"kinds\": [1, 3]}";
    assert_int_equal(wk_decode(tf_json, closed, strlen(closed), &o, tf_arena, &v, &st), WK_ERR_TYPE);
    assert_string_equal(st.msg, "$.kinds[1]: 3 is not a value of the closed enum old.Kind");
    assert_int_equal(st.offset, 14);
    wk_schema_free(s);
    free(proto);
}

/* ---- errors: path, code and position ---- */

static void test_type_errors(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        wk_code code;
        size_t offset;
        uint32_t line, col;
        const char *msg;
    } table[] = {
        {"{\"items\": [{}, {}, {}, {\"price\": \"abc\"}]}", WK_ERR_TYPE, 33, 1, 34,
         "$.items[3].price: expected a number, got the string \"abc\""},
        {"{\n  \"fInt32\": 3000000000\n}", WK_ERR_RANGE, 14, 2, 13,
         "$.fInt32: 3000000000 is out of range for int32"},
        {"{\"fUint32\": -1}", WK_ERR_RANGE, 12, 1, 13, "$.fUint32: -1 is out of range for uint32"},
        {"{\"fUint64\": \"-1\"}", WK_ERR_RANGE, 12, 1, 13, "$.fUint64: -1 is out of range for uint64"},
        {"{\"fInt64\": \"9223372036854775808\"}", WK_ERR_RANGE, 11, 1, 12,
         "$.fInt64: 9223372036854775808 is out of range for int64"},
        {"{\"fInt32\": 1.5}", WK_ERR_TYPE, 11, 1, 12, "$.fInt32: expected an integer, got 1.5"},
        {"{\"fInt32\": \"12x\"}", WK_ERR_TYPE, 11, 1, 12,
         "$.fInt32: expected an integer, got the string \"12x\""},
        {"{\"fInt32\": true}", WK_ERR_TYPE, 11, 1, 12, "$.fInt32: expected an integer, got true"},
        {"{\"fFloat\": 1e39}", WK_ERR_RANGE, 11, 1, 12, "$.fFloat: 1e39 is out of range for float"},
        {"{\"fDouble\": \"nan\"}", WK_ERR_TYPE, 12, 1, 13,
         "$.fDouble: expected a number, got the string \"nan\""},
        {"{\"fBool\": \"true\"}", WK_ERR_TYPE, 10, 1, 11, "$.fBool: expected true or false, got a string"},
        {"{\"fString\": 5}", WK_ERR_TYPE, 12, 1, 13, "$.fString: expected a string, got a number"},
        {"{\"fBytes\": \"a b\"}", WK_ERR_TYPE, 11, 1, 12, "$.fBytes: expected base64 text, got \"a b\""},
        {"{\"fColor\": \"BLUE\"}", WK_ERR_TYPE, 11, 1, 12, "$.fColor: \"BLUE\" is not a value of wktest.Color"},
        {"{\"fColor\": 1.5}", WK_ERR_TYPE, 11, 1, 12,
         "$.fColor: expected a value of wktest.Color (a name or a number), got a number"},
        {"{\"fColor\": 4294967296}", WK_ERR_RANGE, 11, 1, 12, "$.fColor: 4294967296 is out of range for an enum"},
        {"{\"fItem\": []}", WK_ERR_TYPE, 10, 1, 11, "$.fItem: expected an object for wktest.Item, got an array"},
        {"[]", WK_ERR_TYPE, 0, 1, 1, "$: expected an object for wktest.All, got an array"},
        {"{\"rInt32\": 5}", WK_ERR_TYPE, 11, 1, 12, "$.rInt32: expected an array, got a number"},
        {"{\"rInt32\": [1, null]}", WK_ERR_TYPE, 15, 1, 16,
         "$.rInt32[1]: null is not allowed as an element of a repeated field"},
        {"{\"mInt32String\": []}", WK_ERR_TYPE, 17, 1, 18, "$.mInt32String: expected an object, got an array"},
        {"{\"mInt32String\": {\"1\": \"a\", \"x\": \"b\"}}", WK_ERR_TYPE, 28, 1, 29,
         "$.mInt32String.x: map key \"x\" is not an integer"},
        {"{\"mInt32String\": {\"3000000000\": \"a\"}}", WK_ERR_RANGE, 18, 1, 19,
         "$.mInt32String.3000000000: 3000000000 is out of range for int32"},
        {"{\"mBoolColor\": {\"yes\": 1}}", WK_ERR_TYPE, 16, 1, 17,
         "$.mBoolColor.yes: expected a bool map key (\"true\" or \"false\")"},
        {"{\"mStringInt32\": {\"a\": null}}", WK_ERR_TYPE, 23, 1, 24,
         "$.mStringInt32.a: null is not allowed as a map value"},
        {"{\"fInt32\": 1, \"f_int32\": 2}", WK_ERR_TYPE, 14, 1, 15, "$.f_int32: field f_int32 is given twice"},
        {"{\"ts\": 5}", WK_ERR_TYPE, 7, 1, 8, "$.ts: expected a timestamp string, got a number"},
        {"{\"dur\": \"1\"}", WK_ERR_TYPE, 8, 1, 9,
         "$.dur: expected a duration such as \"1.5s\" or \"-0.000340012s\", got \"1\""},
        {"{\"mask\": \"foo_bar\"}", WK_ERR_TYPE, 9, 1, 10,
         "$.mask: field mask path \"foo_bar\" is not lowerCamelCase"},
        {"{\"st\": [1]}", WK_ERR_TYPE, 7, 1, 8, "$.st: expected an object, got an array"},
        {"{\"lst\": {}}", WK_ERR_TYPE, 8, 1, 9, "$.lst: expected an array, got an object"},
        {"{\"wInt32\": \"x\"}", WK_ERR_TYPE, 11, 1, 12, "$.wInt32: expected an integer, got the string \"x\""},
        {"{\"any\": {\"@type\": \"type.googleapis.com/wktest.Nope\"}}", WK_ERR_NOT_FOUND, 18, 1, 19,
         "$.any.@type: type URL \"type.googleapis.com/wktest.Nope\" names no message of the schema"},
        {"{\"any\": {\"@type\": 5}}", WK_ERR_TYPE, 18, 1, 19,
         "$.any.@type: expected a type URL string, got a number"},
        {"{\"any\": {\"@type\": \"x/wktest.Item\", \"count\": \"z\"}}", WK_ERR_TYPE, 44, 1, 45,
         "$.any.count: expected an integer, got the string \"z\""},
        {"{\"any\": {\"@type\": \"x/google.protobuf.Timestamp\", \"value\": 1}}", WK_ERR_TYPE, 58, 1, 59,
         "$.any.value: expected a timestamp string, got a number"},
        {"{\"child\": {\"child\": {\"items\": [{\"count\": \"x\"}]}}}", WK_ERR_TYPE, 41, 1, 42,
         "$.child.child.items[0].count: expected an integer, got the string \"x\""},
        {"{\"a\\u00e9\": 1, \"fInt32\": {}}", WK_ERR_TYPE, 25, 1, 26,
         "$.fInt32: expected an integer, got an object"},
        {"{\"fString\": \"x\\\"}\", \"fBool\": 0}", WK_ERR_TYPE, 29, 1, 30, "$.fBool: expected true or false, got a number"},
        {"\xEF\xBB\xBF {\"fBool\": 0}", WK_ERR_TYPE, 14, 1, 12, "$.fBool: expected true or false, got a number"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        wk_status st = tf_decode_fail(tf_json, table[i].in, strlen(table[i].in), 0);
        if (st.code != table[i].code || st.offset != table[i].offset || st.line != table[i].line ||
            st.col != table[i].col || strcmp(st.msg, table[i].msg) != 0)
            fail_msg("%s\n  gives %s at %zu (%u:%u): %s\n  wanted %s at %zu (%u:%u): %s", table[i].in,
                     wk_code_name(st.code), st.offset, st.line, st.col, st.msg,
                     wk_code_name(table[i].code), table[i].offset, table[i].line, table[i].col,
                     table[i].msg);
    }
}

/* Syntax errors are the schema-less decoder's, unchanged. */
static void test_syntax_error_unchanged(void **state)
{
    (void)state;
    const char *in = "{\"fInt32\": 1,}";
    wk_status st = tf_decode_fail(tf_json, in, strlen(in), 0);
    assert_int_equal(st.code, WK_ERR_SYNTAX);
    assert_int_equal(st.offset, 13);
}

/* ---- unknown fields ---- */

static void test_unknown_policies(void **state)
{
    (void)state;
    const char *in = "{\"fInt32\": 1, \"extra\": {\"deep\": [1, 2.5, \"x\"]}, \"more\": null}";
    /* Kept, and written back out. */
    check_through(in, "{\"fInt32\":1,\"extra\":{\"deep\":[1,2.5,\"x\"]},\"more\":null}");
    /* Dropped. */
    const wk_value *v = tf_decode(tf_json, in, strlen(in), WK_DECODE_UNKNOWN_DROP);
    assert_int_equal(v->as.message->unknown_count, 0);
    assert_string_equal(tf_encode(tf_json, v, 0, NULL), "{\"fInt32\":1}");
    /* An error at the key, with the path. */
    wk_status st = tf_decode_fail(tf_json, in, strlen(in), WK_DECODE_UNKNOWN_ERROR);
    assert_int_equal(st.code, WK_ERR_TYPE);
    assert_string_equal(st.msg, "$.extra: unknown field \"extra\" in wktest.All");
    assert_int_equal(st.offset, 14);
    /* Nested. */
    const char *nested = "{\"items\": [{\"name\": \"a\", \"colour\": 1}]}";
    st = tf_decode_fail(tf_json, nested, strlen(nested), WK_DECODE_UNKNOWN_ERROR);
    assert_string_equal(st.msg, "$.items[0].colour: unknown field \"colour\" in wktest.Item");
    assert_int_equal(st.offset, 25);
    check_through(nested, "{\"items\":[{\"name\":\"a\",\"colour\":1}]}");
}

/* Unknown fields read from Protocol Buffers (number keys, wire bytes) have no JSON name: left out. */
static void test_wire_unknown_skipped(void **state)
{
    (void)state;
    wk_value all;
    wk_message *m = wk_value_message(tf_arena, tf_all, 1, 2, &all);
    ((wk_field_value *)m->fields)[0] = (wk_field_value){field("f_int32"), wk_value_int(3)};
    wk_member *u = (wk_member *)m->unknown;
    u[0].key = wk_value_int(1000);
    assert_int_equal(wk_value_bytes(tf_arena, "\xc0\x3e\x01", 3, &u[0].value), WK_OK);
    assert_int_equal(wk_value_string(tf_arena, "named", 5, &u[1].key), WK_OK);
    u[1].value = wk_value_bool(true);
    assert_string_equal(tf_encode(tf_json, &all, 0, NULL), "{\"fInt32\":3,\"named\":true}");
}

/* ---- emit defaults ---- */

static void test_emit_defaults(void **state)
{
    (void)state;
    const char *in = "{\"fItem\": {\"name\": \"n\"}}";
    const wk_value *v = tf_decode(tf_json, in, strlen(in), 0);
    const char *got = tf_encode(tf_json, v, WK_ENCODE_EMIT_DEFAULTS, NULL);
    assert_string_equal(got,
        "{\"fDouble\":0.0,\"fFloat\":0.0,\"fInt64\":\"0\",\"fUint64\":\"0\",\"fInt32\":0,"
        "\"fFixed64\":\"0\",\"fFixed32\":0,\"fBool\":false,\"fString\":\"\","
        "\"fItem\":{\"name\":\"n\",\"price\":0.0,\"count\":0},\"fBytes\":\"\",\"fUint32\":0,"
        "\"fColor\":\"COLOR_UNSPECIFIED\",\"fSfixed32\":0,\"fSfixed64\":\"0\",\"fSint32\":0,"
        "\"fSint64\":\"0\",\"otherName\":\"\",\"rInt32\":[],\"rString\":[],\"items\":[],"
        "\"rColor\":[],\"rFloat\":[],\"rInt64\":[],\"rBytes\":[],\"mStringInt32\":{},"
        "\"mInt32String\":{},\"mInt64Item\":{},\"mBoolColor\":{},\"mUint64Double\":{},"
        "\"mValue\":{},\"rTs\":[]}");
    /* And it reads back as the message it came from. */
    const wk_value *back = tf_decode(tf_json, got, strlen(got), 0);
    assert_true(wk_value_equal(v, back));
}

/* ---- limits ---- */

static void test_depth_limit(void **state)
{
    (void)state;
    char in[4096];
    size_t n = 0;
    for (int i = 0; i < 40; i++) n += (size_t)sprintf(in + n, "{\"child\": ");
    n += (size_t)sprintf(in + n, "{}");
    for (int i = 0; i < 40; i++) in[n++] = '}';
    in[n] = '\0';
    wk_decode_opts o = {0};
    o.type = tf_all;
    o.max_depth = 20;
    const wk_value *v = NULL;
    wk_status st;
    assert_int_equal(wk_decode(tf_json, in, n, &o, tf_arena, &v, &st), WK_ERR_DEPTH);
    o.max_depth = 100;
    assert_int_equal(wk_decode(tf_json, in, n, &o, tf_arena, &v, &st), WK_OK);
    /* A message nested deeper than the encoder's limit. */
    wk_encode_opts eo = {0};
    eo.max_depth = 10;
    wk_buf out;
    wk_buf_init(&out);
    assert_int_equal(wk_encode(tf_json, v, &eo, &out, &st), WK_ERR_DEPTH);
    assert_int_equal(out.len, 0);
    wk_buf_destroy(&out);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    size_t len;
    char *text = tf_read("all.json", &len);
    /* Enough for the schema-less tree, not for the typed one, at some size in between. */
    bool saw_nomem = false;
    for (size_t size = 1024; size <= 64 * 1024; size += 1024) {
        void *mem = malloc(size);
        wk_arena *a = wk_arena_new_fixed(mem, size);
        wk_decode_opts o = {0};
        o.type = tf_all;
        const wk_value *v = NULL;
        wk_status st;
        wk_code rc = wk_decode(tf_json, text, len, &o, a, &v, &st);
        if (rc == WK_ERR_NOMEM) {
            saw_nomem = true;
            assert_null(v);
        } else {
            assert_int_equal(rc, WK_OK);
        }
        wk_arena_free(a);
        free(mem);
        if (rc == WK_OK) break;
    }
    assert_true(saw_nomem);
    free(text);
}

/* ---- the oracle: python3-protobuf's json_format ---- */

static const char *const oracle_samples[] = {
    "{}",
    "{\"fDouble\": 1.5, \"fFloat\": 0.1, \"fInt64\": \"-9223372036854775808\", \"fUint64\": \"18446744073709551615\","
    " \"fInt32\": 42, \"fFixed64\": \"7\", \"fFixed32\": 8, \"fBool\": true, \"fString\": \"h\\u00e9llo\\n\","
    " \"fBytes\": \"AAEC/w==\", \"fUint32\": 4294967295, \"fColor\": \"GREEN\", \"fSfixed32\": -1,"
    " \"fSfixed64\": \"-2\", \"fSint32\": -3, \"fSint64\": \"-4\", \"optInt32\": 0, \"otherName\": \"r\"}",
    "{\"f_int64\": 5, \"f_float\": 16777217, \"fDouble\": 1e-300, \"rFloat\": [1e-45, 3.4e38, 0.3, -2.5e-10]}",
    "{\"fDouble\": \"Infinity\", \"fFloat\": \"-Infinity\"}",
    "{\"items\": [{\"name\": \"a\", \"price\": 2}, {}], \"rColor\": [\"RED\", 5], \"rInt64\": [\"1\", 2],"
    " \"rBytes\": [\"\", \"-_8\"], \"rString\": [\"x\", \"\"]}",
    "{\"mStringInt32\": {\"a\": 1, \"b\": 0}, \"mInt32String\": {\"-5\": \"x\"}, \"mInt64Item\": {\"9\": {\"count\": 1}},"
    " \"mBoolColor\": {\"true\": \"RED\"}, \"mUint64Double\": {\"18446744073709551615\": 0.25},"
    " \"mValue\": {\"k\": [1, \"two\", null, {\"z\": true}]}}",
    "{\"oItem\": {}}",
    "{\"oString\": \"\"}",
    "{\"ts\": \"1972-01-01T10:00:20.021Z\", \"dur\": \"-1.000340012s\", \"rTs\": [\"0001-01-01T00:00:00Z\","
    " \"9999-12-31T23:59:59.999999999Z\", \"2000-02-29T23:59:59.5+01:00\"]}",
    "{\"wDouble\": 1, \"wFloat\": 0.5, \"wInt64\": \"5\", \"wUint64\": 6, \"wInt32\": 0, \"wUint32\": 8,"
    " \"wBool\": false, \"wString\": \"s\", \"wBytes\": \"AQ==\"}",
    "{\"st\": {\"a\": {\"b\": [1.5, false, null, \"s\"]}}, \"val\": null, \"lst\": [1, \"x\", [], {}],"
    " \"mask\": \"fooBar,baz.quxQuux\", \"empty\": {}}",
    "{\"val\": {\"n\": 3}}",
    "{\"child\": {\"child\": {\"fInt32\": 1, \"items\": [{\"count\": -7}]}}}",
    "{\"dur\": \"0.000000001s\", \"ts\": \"1969-12-31T23:59:59.999999999Z\"}",
    "{\"any\": {\"@type\": \"type.googleapis.com/wktest.Item\", \"name\": \"x\", \"price\": 2}}",
    "{\"any\": {\"@type\": \"type.googleapis.com/google.protobuf.Timestamp\", \"value\": \"2020-01-01T00:00:00Z\"}}",
};

static bool oracle_available(void)
{
    if (access("/usr/bin/python3", X_OK) != 0) return false;
    if (system("/usr/bin/python3 -c 'import google.protobuf' >/dev/null 2>&1") != 0) return false;
    return system("protoc --version >/dev/null 2>&1") == 0;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

/*
 * (Python's json_format refuses FLT_MAX written shortest, 3.4028235e38, which
 * is above FLT_MAX as a double but rounds to it; so the samples leave it out.)
 *
 * Both directions, compared as protobuf compares messages (serialized
 * deterministically, so that map order and float text do not matter):
 *   1. Python parses each input and our canonical JSON of it: the same message.
 *   2. Python writes its JSON of the input; we read that and write ours
 *      again, and Python parses that: the same message once more.
 */
static const char oracle_script[] =
    "import json, sys\n"
    "sys.path.insert(0, sys.argv[1])\n"
    "import all_pb2\n"
    "from google.protobuf import json_format\n"
    "d, count, phase = sys.argv[1], int(sys.argv[2]), sys.argv[3]\n"
    "def load(name):\n"
    "    return json_format.Parse(open('%s/%s' % (d, name)).read(), all_pb2.All())\n"
    "bad = 0\n"
    "for i in range(count):\n"
    "    m_in = load('in_%d.json' % i)\n"
    "    m_ours = load('%s_%d.json' % (phase, i))\n"
    "    if m_in.SerializeToString(deterministic=True) != m_ours.SerializeToString(deterministic=True):\n"
    "        print('sample %d: %s_%d.json reads differently' % (i, phase, i))\n"
    "        bad += 1\n"
    "    if phase == 'ours':\n"
    "        open('%s/py_%d.json' % (d, i), 'w').write(json_format.MessageToJson(m_in))\n"
    "        # --emit-defaults writes the fields Python's including_default_value_fields does.\n"
    "        theirs = json.loads(json_format.MessageToJson(m_in, including_default_value_fields=True))\n"
    "        ours = json.loads(open('%s/defaults_%d.json' % (d, i)).read())\n"
    "        if sorted(theirs) != sorted(ours):\n"
    "            print('sample %d: emit-defaults keys differ: %s' % (i, sorted(set(theirs) ^ set(ours))))\n"
    "            bad += 1\n"
    "sys.exit(1 if bad else 0)\n";

static void oracle_run(const char *dir, size_t count, const char *phase)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/oracle.py %s %zu %s", dir, dir, count, phase);
    int rc = system(cmd);
    if (!(WIFEXITED(rc) && WEXITSTATUS(rc) == 0)) fail_msg("python oracle, phase %s, failed", phase);
}

static void test_oracle_python(void **state)
{
    (void)state;
    if (!oracle_available()) {
        print_message("skipped: needs /usr/bin/python3 with google.protobuf and protoc\n");
        skip();
    }
    char dir[] = "/tmp/wk_typed_oracle_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char cmd[2048], path[512];
    snprintf(cmd, sizeof cmd,
             "protoc -I%s/tests/data/typed -I/usr/include --python_out=%s %s/tests/data/typed/all.proto",
             WK_SOURCE_DIR, dir, WK_SOURCE_DIR);
    if (system(cmd) != 0) {
        print_message("skipped: protoc could not compile all.proto with the system's well-known types\n");
        skip();
    }
    snprintf(path, sizeof path, "%s/oracle.py", dir);
    write_file(path, oracle_script, strlen(oracle_script));
    size_t count = sizeof oracle_samples / sizeof oracle_samples[0];
    for (size_t i = 0; i < count; i++) {
        snprintf(path, sizeof path, "%s/in_%zu.json", dir, i);
        write_file(path, oracle_samples[i], strlen(oracle_samples[i]));
        size_t n;
        const wk_value *v = tf_decode(tf_json, oracle_samples[i], strlen(oracle_samples[i]), 0);
        const char *ours = tf_encode(tf_json, v, 0, &n);
        snprintf(path, sizeof path, "%s/ours_%zu.json", dir, i);
        write_file(path, ours, n);
        ours = tf_encode(tf_json, v, WK_ENCODE_EMIT_DEFAULTS, &n);
        snprintf(path, sizeof path, "%s/defaults_%zu.json", dir, i);
        write_file(path, ours, n);
    }
    oracle_run(dir, count, "ours");
    for (size_t i = 0; i < count; i++) {
        snprintf(path, sizeof path, "%s/py_%zu.json", dir, i);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        char text[8192];
        size_t n = fread(text, 1, sizeof text, f);
        fclose(f);
        const wk_value *theirs = tf_decode(tf_json, text, n, 0);
        const char *ours = tf_encode(tf_json, theirs, 0, &n);
        snprintf(path, sizeof path, "%s/again_%zu.json", dir, i);
        write_file(path, ours, n);
    }
    oracle_run(dir, count, "again");
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* ---- wirekit convert with a schema ---- */

static void write_text(const char *path, const char *text) { write_file(path, text, strlen(text)); }

/* Runs a shell command; returns its exit status, with stdout and stderr in the buffers. */
static int run_cli(const char *dir, const char *args, char *out, size_t out_cap, char *err, size_t err_cap)
{
    char cmd[4096], path[600];
    snprintf(cmd, sizeof cmd, "cd %s && %s %s >out.txt 2>err.txt", dir, WK_CLI_PATH, args);
    int rc = system(cmd);
    const char *names[2] = {"out.txt", "err.txt"};
    char *bufs[2] = {out, err};
    size_t caps[2] = {out_cap, err_cap};
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        size_t n = fread(bufs[k], 1, caps[k] - 1, f);
        bufs[k][n] = '\0';
        fclose(f);
    }
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void test_cli_convert(void **state)
{
    (void)state;
    char dir[] = "/tmp/wk_typed_cli_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[600], out[8192], err[4096], args[2048];
    const char *schema = WK_SOURCE_DIR "/tests/data/typed/all.proto";

    /* JSON -> MessagePack (number keys) -> JSON gives the golden file back. */
    snprintf(args, sizeof args, "convert %s/tests/data/typed/all.json -s %s -m wktest.All "
             "--msgpack-keys=number --to msgpack -o all.mp", WK_SOURCE_DIR, schema);
    assert_int_equal(run_cli(dir, args, out, sizeof out, err, sizeof err), 0);
    snprintf(args, sizeof args, "convert all.mp -s %s -m All --to json --pretty", schema);
    assert_int_equal(run_cli(dir, args, out, sizeof out, err, sizeof err), 0);
    size_t golden_len;
    char *golden = tf_read("all.json", &golden_len);
    assert_string_equal(out, golden);
    free(golden);

    /* A type error: FILE:LINE:COL, the path, exit 1. */
    snprintf(path, sizeof path, "%s/bad.json", dir);
    write_text(path, "{\"items\": [\n  {\"price\": \"x\"}]}\n");
    snprintf(args, sizeof args, "convert bad.json -s %s -m All --to msgpack -o bad.mp", schema);
    assert_int_equal(run_cli(dir, args, out, sizeof out, err, sizeof err), 1);
    assert_string_equal(err, "bad.json:2:13: error: $.items[0].price: expected a number, got the string \"x\"\n");

    /* A bad schema: FILE:LINE:COL: error, exit 1. */
    snprintf(path, sizeof path, "%s/broken.proto", dir);
    write_text(path, "syntax = \"proto3\";\nmessage A { int32 x = 1 }\n");
    assert_int_equal(run_cli(dir, "convert bad.json -s broken.proto --to json", out, sizeof out, err, sizeof err), 1);
    assert_true(strncmp(err, "broken.proto:2:25: error: ", 26) == 0);

    /* Usage errors exit 2. */
    assert_int_equal(run_cli(dir, "convert bad.json -m All --to json", out, sizeof out, err, sizeof err), 2);
    snprintf(args, sizeof args, "convert bad.json -s %s --to json", schema);
    assert_int_equal(run_cli(dir, args, out, sizeof out, err, sizeof err), 2);
    assert_non_null(strstr(err, "has 2 top-level messages (wktest.Item, wktest.All): say which with -m"));
    snprintf(args, sizeof args, "convert bad.json -s %s -m Nope --to json", schema);
    assert_int_equal(run_cli(dir, args, out, sizeof out, err, sizeof err), 2);
    snprintf(args, sizeof args, "convert bad.json -s %s -m All --unknown=maybe --to json", schema);
    assert_int_equal(run_cli(dir, args, out, sizeof out, err, sizeof err), 2);
    snprintf(args, sizeof args, "convert bad.json -s %s -m All --msgpack-keys=id --to json", schema);
    assert_int_equal(run_cli(dir, args, out, sizeof out, err, sizeof err), 2);

    /* The only top-level message needs no -m; imports through -I. */
    snprintf(path, sizeof path, "%s/one.proto", dir);
    write_text(path, "syntax = \"proto3\";\nimport \"all.proto\";\nmessage One { wktest.Item item = 1; }\n");
    snprintf(path, sizeof path, "%s/one.json", dir);
    write_text(path, "{\"item\": {\"count\": \"3\"}, \"extra\": 1}");
    snprintf(args, sizeof args, "convert one.json -s one.proto -I %s/tests/data/typed --to json", WK_SOURCE_DIR);
    assert_int_equal(run_cli(dir, args, out, sizeof out, err, sizeof err), 0);
    assert_string_equal(out, "{\"item\":{\"count\":3},\"extra\":1}\n");
    snprintf(args, sizeof args, "convert one.json -s one.proto -I%s/tests/data/typed --unknown=drop --emit-defaults --to json",
             WK_SOURCE_DIR);
    assert_int_equal(run_cli(dir, args, out, sizeof out, err, sizeof err), 0);
    assert_string_equal(out, "{\"item\":{\"name\":\"\",\"price\":0.0,\"count\":3}}\n");
    snprintf(args, sizeof args, "convert one.json -s one.proto -I %s/tests/data/typed --unknown=error --to json",
             WK_SOURCE_DIR);
    assert_int_equal(run_cli(dir, args, out, sizeof out, err, sizeof err), 1);
    assert_string_equal(err, "one.json:1:26: error: $.extra: unknown field \"extra\" in One\n");

    /* Unknown fields read from protobuf have no JSON name: left out, with a warning naming each. */
    snprintf(path, sizeof path, "%s/u.pb", dir);
    write_text(path, "\x0a\x01x\xc0\x3e\x01");
    snprintf(args, sizeof args, "convert u.pb --from protobuf -s %s -m wktest.Item --to json", schema);
    assert_int_equal(run_cli(dir, args, out, sizeof out, err, sizeof err), 0);
    assert_string_equal(out, "{\"name\":\"x\"}\n");
    assert_string_equal(err, "u.pb: warning: $: unknown field 1000 (read from protobuf) has no JSON name; left out\n");
    /* MessagePack keeps them. */
    snprintf(args, sizeof args, "convert u.pb --from protobuf -s %s -m wktest.Item --to msgpack -o u.mp", schema);
    assert_int_equal(run_cli(dir, args, out, sizeof out, err, sizeof err), 0);
    assert_string_equal(err, "");

    snprintf(args, sizeof args, "rm -rf %s", dir);
    assert_int_equal(system(args), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, tf_setup, tf_teardown)
        T(test_golden_all),
        T(test_golden_values),
        T(test_three_formats),
        T(test_float32_table),
        T(test_float32_round_trip),
        T(test_float32_matches_reference),
        T(test_nonfinite),
        T(test_int64_forms),
        T(test_bytes_base64),
        T(test_enums),
        T(test_names),
        T(test_null_is_default),
        T(test_presence),
        T(test_oneof),
        T(test_maps),
        T(test_timestamp),
        T(test_time_format),
        T(test_duration),
        T(test_wrappers_struct_mask),
        T(test_any),
        T(test_member_order),
        T(test_schema_shapes),
        T(test_type_errors),
        T(test_syntax_error_unchanged),
        T(test_unknown_policies),
        T(test_wire_unknown_skipped),
        T(test_emit_defaults),
        T(test_depth_limit),
        T(test_out_of_memory),
        T(test_oracle_python),
        T(test_cli_convert),
#undef T
    };
    return cmocka_run_group_tests(tests, tf_group_setup, tf_group_teardown);
}
