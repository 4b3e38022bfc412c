/*
 * Tests of the JSON backend (formats/json.c): decoding every kind exactly,
 * the strict RFC 8259 rejections with their code and position, depth and
 * memory limits, the encoder's exact output, parse_only and sniffing.
 *
 * Every field of a wk_value is read or written through the V_* macros
 * below, so that a change of the node layout touches only those lines.
 */
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
#include <time.h>
#include <pthread.h>

#include "model/internal.h"
#include "support/values.h"

/* ---- the only lines that know the layout of struct wk_value ---- */

#define V_KIND(v) ((v)->kind)
#define V_EXT_TYPE(v) ((v)->ext_type)
#define V_BOOL(v) ((v)->as.b)
#define V_INT(v) ((v)->as.i)
#define V_UINT(v) ((v)->as.u)
#define V_DOUBLE(v) ((v)->as.d)
#define V_STR(v) ((v)->as.str)      /* STRING, BYTES, EXT */
#define V_LEN(v) ((v)->len)      /* byte length of STRING, BYTES, EXT */
#define V_COUNT(v) (V_KIND(v) == WK_MAP ? (v)->len : (v)->len)
#define V_ITEMS(v) ((v)->as.items)
#define V_MEMBERS(v) ((v)->as.members)

/* ---- fixtures and helpers ---- */

static const wk_format *json;
static wk_arena *arena;   /* a fresh heap arena for every test */

static int setup(void **state)
{
    (void)state;
    json = wk_format_find("json");
    arena = wk_arena_new(0);
    return json && arena ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    wk_arena_free(arena);
    arena = NULL;
    return 0;
}

/* The bytes as a C literal would spell them, for failure messages. */
static const char *show(const void *data, size_t len)
{
    static char out[4][512];
    static int which;
    char *o = out[which++ & 3];
    const uint8_t *p = data;
    size_t n = 0;
    for (size_t i = 0; i < len && n + 8 < sizeof out[0]; i++) {
        uint8_t c = p[i];
        if (c == '"' || c == '\\') n += (size_t)snprintf(o + n, 8, "\\%c", c);
        else if (c >= 0x20 && c < 0x7f) o[n++] = (char)c;
        else if (c == '\n') n += (size_t)snprintf(o + n, 8, "\\n");
        else n += (size_t)snprintf(o + n, 8, "\\x%02x", c);
    }
    if (len > 0 && n + 8 >= sizeof out[0]) n += (size_t)snprintf(o + n, 8, "...");
    o[n] = '\0';
    return o;
}

static void check_bytes(const char *file, int line, const void *got, size_t got_len,
                        const void *want, size_t want_len)
{
    if (got_len == want_len && (want_len == 0 || memcmp(got, want, want_len) == 0)) return;
    print_error("expected (%zu bytes) \"%s\"\n     got (%zu bytes) \"%s\"\n", want_len,
                show(want, want_len), got_len, show(got, got_len));
    _fail(file, line);
}

/* A decode that must succeed; the tree lives in `arena`. */
static const wk_value *decode_ok(const char *file, int line, const char *text, size_t len,
                                 const wk_decode_opts *opts)
{
    const wk_value *v = NULL;
    wk_status st;
    wk_code rc = wk_decode(json, text, len, opts, arena, &v, &st);
    if (rc != WK_OK || v == NULL || st.code != WK_OK || st.msg[0] != '\0') {
        print_error("decode of \"%s\": %s at %zu (%u:%u): %s\n", show(text, len), wk_code_name(rc),
                    st.offset, st.line, st.col, st.msg);
        _fail(file, line);
    }
    return v;
}
#define DECODE(lit) decode_ok(__FILE__, __LINE__, lit, sizeof(lit) - 1, NULL)

static void check_kind(const char *file, int line, const wk_value *v, wk_kind kind)
{
    if (V_KIND(v) != kind) {
        print_error("kind %s, expected %s\n", wk_kind_name((wk_kind)V_KIND(v)), wk_kind_name(kind));
        _fail(file, line);
    }
}

static void check_int(const char *file, int line, const wk_value *v, int64_t want)
{
    check_kind(file, line, v, WK_INT);
    if (V_INT(v) != want) {
        print_error("int %lld, expected %lld\n", (long long)V_INT(v), (long long)want);
        _fail(file, line);
    }
}

static void check_uint(const char *file, int line, const wk_value *v, uint64_t want)
{
    check_kind(file, line, v, WK_UINT);
    if (V_UINT(v) != want) {
        print_error("uint %llu, expected %llu\n", (unsigned long long)V_UINT(v),
                    (unsigned long long)want);
        _fail(file, line);
    }
}

/* Bit for bit, so that -0.0 differs from 0.0. */
static void check_double(const char *file, int line, const wk_value *v, double want)
{
    check_kind(file, line, v, WK_DOUBLE);
    double got = V_DOUBLE(v);
    if (memcmp(&got, &want, sizeof got) != 0) {
        print_error("double %.17g, expected %.17g\n", got, want);
        _fail(file, line);
    }
}

/* A string's bytes, length, and the NUL the model promises after them. */
static void check_string(const char *file, int line, const wk_value *v, const char *want,
                         size_t want_len)
{
    check_kind(file, line, v, WK_STRING);
    check_bytes(file, line, V_STR(v), V_LEN(v), want, want_len);
    _assert_int_equal((unsigned char)V_STR(v)[V_LEN(v)], 0, file, line);
}

#define ASSERT_KIND(v, k) check_kind(__FILE__, __LINE__, v, k)
#define ASSERT_INT(v, x) check_int(__FILE__, __LINE__, v, x)
#define ASSERT_UINT(v, x) check_uint(__FILE__, __LINE__, v, x)
#define ASSERT_DOUBLE(v, x) check_double(__FILE__, __LINE__, v, x)
#define ASSERT_STR(v, lit) check_string(__FILE__, __LINE__, v, lit, sizeof(lit) - 1)
#define ASSERT_COUNT(v, n) assert_int_equal(V_COUNT(v), n)
#define ITEM(v, i) (&V_ITEMS(v)[i])
#define KEY(v, i) (&V_MEMBERS(v)[i].key)
#define VAL(v, i) (&V_MEMBERS(v)[i].value)

/*
 * One rejected input with what the status must say. A fresh arena each
 * time, *out must stay untouched, a message must be written, and a NULL
 * status must give the same code. Returns false (after printing why) on a
 * mismatch, so that a table reports every bad row, not just the first.
 */
typedef struct bad_case {
    const char *text;
    size_t len;
    wk_code code;
    size_t offset;
    uint32_t line, col;
} bad_case;

#define BAD(lit, code, off, ln, cl) {lit, sizeof(lit) - 1, WK_ERR_##code, off, ln, cl}

static bool run_bad_case(const bad_case *c, const wk_decode_opts *opts)
{
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    const wk_value sentinel = wk_value_int(7);
    const wk_value *v = &sentinel;
    wk_status st;
    memset(&st, 0xAB, sizeof st);
    wk_code rc = wk_decode(json, c->text, c->len, opts, a, &v, &st);
    wk_code rc_nostatus = wk_decode(json, c->text, c->len, opts, a, &v, NULL);
    wk_arena_free(a);
    bool ok = rc == c->code && st.code == c->code && st.offset == c->offset &&
              st.line == c->line && st.col == c->col && v == &sentinel &&
              rc_nostatus == c->code && st.msg[0] != '\0' && strlen(st.msg) < sizeof st.msg;
    if (!ok)
        print_error("\"%s\": expected %s at %zu (%u:%u), got %s at %zu (%u:%u) \"%s\"%s%s\n",
                    show(c->text, c->len), wk_code_name(c->code), c->offset, c->line, c->col,
                    wk_code_name(rc), st.offset, st.line, st.col, st.msg,
                    v == &sentinel ? "" : " [*out was written]",
                    rc_nostatus == c->code ? "" : " [other code without a status]");
    return ok;
}

static void run_bad_cases(const char *file, int line, const bad_case *cases, size_t n)
{
    size_t failed = 0;
    for (size_t i = 0; i < n; i++)
        if (!run_bad_case(&cases[i], NULL)) failed++;
    if (failed) {
        print_error("%zu of %zu cases wrong\n", failed, n);
        _fail(file, line);
    }
}
#define RUN_BAD(cases) run_bad_cases(__FILE__, __LINE__, cases, sizeof cases / sizeof cases[0])

/* ---- value builders (tests/support/values.h) on this test's arena ---- */

#define mk_strn(s, len) wkt_strn(arena, (s), (len))
#define mk_str(s) wkt_str(arena, (s))
#define mk_bytes(data, len) wkt_bytes(arena, (data), (len))
#define mk_ext(type, data, len) wkt_ext(arena, (type), (data), (len))
#define mk_list(...) wkt_list(arena, __VA_ARGS__)
#define mk_map(...) wkt_map(arena, __VA_ARGS__)
#define mk_obj(...) wkt_obj(arena, __VA_ARGS__)

static wk_code encode(const wk_value *v, uint32_t flags, uint32_t max_depth, wk_buf *out,
                      wk_status *st)
{
    wk_encode_opts opts = {.flags = flags, .max_depth = max_depth};
    return wk_encode(json, v, &opts, out, st);
}

/* Encodes v and compares the whole output with the expected text. */
static void check_encodes(const char *file, int line, wk_value v, uint32_t flags,
                          const char *want, size_t want_len)
{
    wk_buf out;
    wk_buf_init(&out);
    wk_status st;
    wk_code rc = encode(&v, flags, 0, &out, &st);
    if (rc != WK_OK) {
        print_error("encode failed: %s: %s\n", wk_code_name(rc), st.msg);
        wk_buf_destroy(&out);
        _fail(file, line);
    }
    _assert_int_equal(st.code, WK_OK, file, line);
    check_bytes(file, line, out.data, out.len, want, want_len);
    wk_buf_destroy(&out);
}
#define ASSERT_ENCODES(v, lit) check_encodes(__FILE__, __LINE__, v, 0, lit, sizeof(lit) - 1)
#define ASSERT_ENCODES_PRETTY(v, lit) \
    check_encodes(__FILE__, __LINE__, v, WK_ENCODE_PRETTY, lit, sizeof(lit) - 1)

/* An encode that must fail with `code`, a message starting with `prefix`, and nothing appended. */
static void check_encode_fails(const char *file, int line, wk_value v, uint32_t max_depth,
                               wk_code code, const char *prefix)
{
    wk_buf out;
    wk_buf_init(&out);
    wk_status st;
    wk_code rc = encode(&v, 0, max_depth, &out, &st);
    bool ok = rc == code && st.code == code && st.offset == 0 && st.line == 0 && st.col == 0 &&
              strncmp(st.msg, prefix, strlen(prefix)) == 0 && out.len == 0;
    if (!ok) print_error("expected %s \"%s...\", got %s \"%s\" (out.len %zu, offset %zu)\n",
                         wk_code_name(code), prefix, wk_code_name(rc), st.msg, out.len, st.offset);
    wk_buf_destroy(&out);
    if (!ok) _fail(file, line);
}
#define ASSERT_ENCODE_FAILS(v, max_depth, code, prefix) \
    check_encode_fails(__FILE__, __LINE__, v, max_depth, WK_ERR_##code, prefix)

/* ================================================================== */
/* Decoding                                                            */
/* ================================================================== */

static void test_decode_every_kind(void **state)
{
    (void)state;
    const wk_value *v = DECODE("{\"n\":null,\"t\":true,\"f\":false,\"i\":-42,"
                               "\"u\":18446744073709551615,\"d\":1.5,\"s\":\"x\","
                               "\"l\":[1,\"y\"],\"m\":{\"k\":null}}");
    ASSERT_KIND(v, WK_MAP);
    ASSERT_COUNT(v, 9);
    ASSERT_STR(KEY(v, 0), "n");
    ASSERT_KIND(VAL(v, 0), WK_NULL);
    ASSERT_STR(KEY(v, 1), "t");
    ASSERT_KIND(VAL(v, 1), WK_BOOL);
    assert_true(V_BOOL(VAL(v, 1)));
    ASSERT_STR(KEY(v, 2), "f");
    ASSERT_KIND(VAL(v, 2), WK_BOOL);
    assert_false(V_BOOL(VAL(v, 2)));
    ASSERT_STR(KEY(v, 3), "i");
    ASSERT_INT(VAL(v, 3), -42);
    ASSERT_STR(KEY(v, 4), "u");
    ASSERT_UINT(VAL(v, 4), UINT64_MAX);
    ASSERT_STR(KEY(v, 5), "d");
    ASSERT_DOUBLE(VAL(v, 5), 1.5);
    ASSERT_STR(KEY(v, 6), "s");
    ASSERT_STR(VAL(v, 6), "x");
    ASSERT_STR(KEY(v, 7), "l");
    ASSERT_KIND(VAL(v, 7), WK_LIST);
    ASSERT_COUNT(VAL(v, 7), 2);
    ASSERT_INT(ITEM(VAL(v, 7), 0), 1);
    ASSERT_STR(ITEM(VAL(v, 7), 1), "y");
    ASSERT_STR(KEY(v, 8), "m");
    ASSERT_KIND(VAL(v, 8), WK_MAP);
    ASSERT_COUNT(VAL(v, 8), 1);
    ASSERT_STR(KEY(VAL(v, 8), 0), "k");
    ASSERT_KIND(VAL(VAL(v, 8), 0), WK_NULL);
    /* The map lookup sees the same tree. */
    assert_ptr_equal(wk_map_get(v, "d"), VAL(v, 5));
}

static void test_decode_integers_exact(void **state)
{
    (void)state;
    ASSERT_INT(DECODE("0"), 0);
    ASSERT_INT(DECODE("-0"), 0);
    ASSERT_INT(DECODE("-1"), -1);
    ASSERT_INT(DECODE("9007199254740993"), INT64_C(9007199254740993));   /* 2^53 + 1 */
    ASSERT_INT(DECODE("-9223372036854775808"), INT64_MIN);
    ASSERT_INT(DECODE("-9223372036854775807"), INT64_MIN + 1);
    ASSERT_INT(DECODE("9223372036854775807"), INT64_MAX);
    ASSERT_UINT(DECODE("9223372036854775808"), (uint64_t)INT64_MAX + 1);
    ASSERT_UINT(DECODE("18446744073709551614"), UINT64_MAX - 1);
    ASSERT_UINT(DECODE("18446744073709551615"), UINT64_MAX);
    /* Past uint64 and below int64 they become the nearest double. */
    ASSERT_DOUBLE(DECODE("18446744073709551616"), 18446744073709551616.0);
    ASSERT_DOUBLE(DECODE("-9223372036854775809"), -9223372036854775808.0);
    ASSERT_DOUBLE(DECODE("100000000000000000000"), 1e20);
    ASSERT_DOUBLE(DECODE("123456789012345678901234567890"), 123456789012345678901234567890.0);
    /* Inside containers too (numbers that do not end the input). */
    const wk_value *v = DECODE("[-9223372036854775808,9223372036854775807,"
                               "9223372036854775808,18446744073709551615,18446744073709551616,-0]");
    ASSERT_COUNT(v, 6);
    ASSERT_INT(ITEM(v, 0), INT64_MIN);
    ASSERT_INT(ITEM(v, 1), INT64_MAX);
    ASSERT_UINT(ITEM(v, 2), (uint64_t)INT64_MAX + 1);
    ASSERT_UINT(ITEM(v, 3), UINT64_MAX);
    ASSERT_DOUBLE(ITEM(v, 4), 18446744073709551616.0);
    ASSERT_INT(ITEM(v, 5), 0);
}

static void test_decode_doubles(void **state)
{
    (void)state;
    ASSERT_DOUBLE(DECODE("1.5"), 1.5);
    ASSERT_DOUBLE(DECODE("1e2"), 100.0);
    ASSERT_DOUBLE(DECODE("1E2"), 100.0);
    ASSERT_DOUBLE(DECODE("1e+2"), 100.0);
    ASSERT_DOUBLE(DECODE("1E-2"), 0.01);
    ASSERT_DOUBLE(DECODE("0.1"), 0.1);
    ASSERT_DOUBLE(DECODE("-2.5e-7"), -2.5e-7);
    ASSERT_DOUBLE(DECODE("0.0"), 0.0);
    ASSERT_DOUBLE(DECODE("-0.0"), -0.0);
    assert_true(signbit(V_DOUBLE(DECODE("-0.0"))));
    assert_true(signbit(V_DOUBLE(DECODE("-0e5"))));
    ASSERT_DOUBLE(DECODE("5e-324"), 5e-324);
    assert_int_equal(fpclassify(V_DOUBLE(DECODE("5e-324"))), FP_SUBNORMAL);
    ASSERT_DOUBLE(DECODE("2.2250738585072014e-308"), DBL_MIN);
    ASSERT_DOUBLE(DECODE("1.7976931348623157e308"), DBL_MAX);
    /* Underflow rounds to zero; it is not an error. */
    ASSERT_DOUBLE(DECODE("1e-400"), 0.0);
    ASSERT_DOUBLE(DECODE("-1e-400"), -0.0);
    const wk_value *v = DECODE("[1.5,1e2,1E-2,-0.0,5e-324,1.7976931348623157e308]");
    ASSERT_DOUBLE(ITEM(v, 0), 1.5);
    ASSERT_DOUBLE(ITEM(v, 1), 100.0);
    ASSERT_DOUBLE(ITEM(v, 2), 0.01);
    ASSERT_DOUBLE(ITEM(v, 3), -0.0);
    ASSERT_DOUBLE(ITEM(v, 4), 5e-324);
    ASSERT_DOUBLE(ITEM(v, 5), DBL_MAX);
}

static void test_decode_number_out_of_range(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        BAD("1e400", RANGE, 0, 1, 1),
        BAD("-1e400", RANGE, 0, 1, 1),
        BAD(" 1e400 ", RANGE, 1, 1, 2),
        BAD("[1e400]", RANGE, 1, 1, 2),
        BAD("[1, -1e400 ]", RANGE, 4, 1, 5),
        BAD("{\"a\":1e400}", RANGE, 5, 1, 6),
        BAD("[1.8e308]", RANGE, 1, 1, 2),
        BAD("\xEF\xBB\xBF" "1e400", RANGE, 3, 1, 1),
    };
    RUN_BAD(cases);
}

static void test_decode_string_escapes(void **state)
{
    (void)state;
    ASSERT_STR(DECODE("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""), "\"\\/\b\f\n\r\t");
    /* \u0000 is kept: len counts it and the bytes after it. */
    const wk_value *v = DECODE("\"a\\u0000b\"");
    ASSERT_STR(v, "a\0b");
    assert_int_equal(V_LEN(v), 3);
    ASSERT_STR(DECODE("\"\\u0000\""), "\0");
    ASSERT_STR(DECODE("\"\\u00e9\""), "\xC3\xA9");
    ASSERT_STR(DECODE("\"\\u00E9\""), "\xC3\xA9");
    ASSERT_STR(DECODE("\"\\u0041\\u007f\\u0080\\u07ff\\u0800\\uffff\""),
               "A\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF");
    ASSERT_STR(DECODE("\"\\u20AC\""), "\xE2\x82\xAC");
    ASSERT_STR(DECODE("\"\\ud83d\\ude00\""), "\xF0\x9F\x98\x80");
    ASSERT_STR(DECODE("\"\\uD800\\uDC00\\uDBFF\\uDFFF\""), "\xF0\x90\x80\x80\xF4\x8F\xBF\xBF");
    /* Escapes mixed with plain and multi-byte text, and an escaped quote
     * right before the closing one. */
    ASSERT_STR(DECODE("\"x\xC3\xA9\\ty\\\"\""), "x\xC3\xA9\ty\"");
    ASSERT_STR(DECODE("\"\\\\\""), "\\");
    ASSERT_STR(DECODE("\"\\\\\\\"\\\\\""), "\\\"\\");
    /* Keys are decoded the same way. */
    v = DECODE("{\"a\\nb\":1,\"\\u0000\":2,\"\\\"\":3}");
    ASSERT_COUNT(v, 3);
    ASSERT_STR(KEY(v, 0), "a\nb");
    ASSERT_STR(KEY(v, 1), "\0");
    ASSERT_STR(KEY(v, 2), "\"");
    /* Several escaped strings in one document, each its own value. */
    v = DECODE("[\"\\\\\", \"a\\\"\", \"\\u00e9\\\\\"]");
    ASSERT_STR(ITEM(v, 0), "\\");
    ASSERT_STR(ITEM(v, 1), "a\"");
    ASSERT_STR(ITEM(v, 2), "\xC3\xA9\\");
}

static void test_decode_raw_utf8_and_bom(void **state)
{
    (void)state;
    ASSERT_STR(DECODE("\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\x7F\""),
               "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\x7F");
    ASSERT_STR(DECODE("\"\xF4\x8F\xBF\xBF\""), "\xF4\x8F\xBF\xBF");   /* U+10FFFF */
    ASSERT_STR(DECODE("\"\""), "");
    const wk_value *v = DECODE("{\"\xC3\xA9t\xC3\xA9\":\"\xE6\x97\xA5\xE6\x9C\xAC\"}");
    ASSERT_STR(KEY(v, 0), "\xC3\xA9t\xC3\xA9");
    ASSERT_STR(VAL(v, 0), "\xE6\x97\xA5\xE6\x9C\xAC");
    /* A byte order mark at the very start is skipped. */
    v = DECODE("\xEF\xBB\xBF{\"a\":1}");
    ASSERT_KIND(v, WK_MAP);
    ASSERT_STR(KEY(v, 0), "a");
    ASSERT_INT(VAL(v, 0), 1);
    ASSERT_INT(DECODE("\xEF\xBB\xBF" "7"), 7);
    ASSERT_STR(DECODE("\xEF\xBB\xBF\"\\n\""), "\n");
    /* Anywhere else it is not whitespace. */
    static const bad_case cases[] = {
        BAD(" \xEF\xBB\xBF[1]", SYNTAX, 1, 1, 2),
        BAD("\xEF\xBB\xBF", TRUNCATED, 3, 1, 1),
    };
    RUN_BAD(cases);
}

static void test_decode_nested_and_top_level(void **state)
{
    (void)state;
    const wk_value *v = DECODE(" {\"a\" : [1, {\"b\": [true, null, \"c\"]}, [[2]]],\n\t\"d\": {\"e\": {\"f\": -1.5}}} ");
    ASSERT_KIND(v, WK_MAP);
    ASSERT_COUNT(v, 2);
    ASSERT_STR(KEY(v, 0), "a");
    const wk_value *a = VAL(v, 0);
    ASSERT_COUNT(a, 3);
    ASSERT_INT(ITEM(a, 0), 1);
    ASSERT_KIND(ITEM(a, 1), WK_MAP);
    ASSERT_COUNT(ITEM(a, 1), 1);
    ASSERT_STR(KEY(ITEM(a, 1), 0), "b");
    const wk_value *b = VAL(ITEM(a, 1), 0);
    ASSERT_COUNT(b, 3);
    assert_true(V_BOOL(ITEM(b, 0)));
    ASSERT_KIND(ITEM(b, 1), WK_NULL);
    ASSERT_STR(ITEM(b, 2), "c");
    ASSERT_KIND(ITEM(a, 2), WK_LIST);
    ASSERT_COUNT(ITEM(a, 2), 1);
    ASSERT_COUNT(ITEM(ITEM(a, 2), 0), 1);
    ASSERT_INT(ITEM(ITEM(ITEM(a, 2), 0), 0), 2);
    ASSERT_STR(KEY(v, 1), "d");
    const wk_value *e = VAL(v, 1);
    ASSERT_STR(KEY(e, 0), "e");
    ASSERT_STR(KEY(VAL(e, 0), 0), "f");
    ASSERT_DOUBLE(VAL(VAL(e, 0), 0), -1.5);

    /* Top-level scalars, with whitespace around them. */
    ASSERT_KIND(DECODE("null"), WK_NULL);
    assert_true(V_BOOL(DECODE("true")));
    assert_false(V_BOOL(DECODE(" false ")));
    ASSERT_INT(DECODE(" \t\r\n42 \n"), 42);
    ASSERT_DOUBLE(DECODE("-1.25\n"), -1.25);
    ASSERT_STR(DECODE(" \"s\" "), "s");
}

static void test_decode_empty_containers(void **state)
{
    (void)state;
    /* Nested, after another value (top-level ones: see the tests at the end). */
    const wk_value *v = DECODE("[\"x\",{},[],{\"a\":[]}]");
    ASSERT_COUNT(v, 4);
    ASSERT_KIND(ITEM(v, 1), WK_MAP);
    ASSERT_COUNT(ITEM(v, 1), 0);
    ASSERT_KIND(ITEM(v, 2), WK_LIST);
    ASSERT_COUNT(ITEM(v, 2), 0);
    ASSERT_KIND(VAL(ITEM(v, 3), 0), WK_LIST);
    ASSERT_COUNT(VAL(ITEM(v, 3), 0), 0);
    v = DECODE("{\"a\":{}, \"b\":[ ]}");
    ASSERT_COUNT(v, 2);
    ASSERT_KIND(VAL(v, 0), WK_MAP);
    ASSERT_COUNT(VAL(v, 0), 0);
    ASSERT_KIND(VAL(v, 1), WK_LIST);
    ASSERT_COUNT(VAL(v, 1), 0);
}

/*
 * Regression: "{}" or "[]" as the whole document. The decoder writes the
 * finished container into its scratch stack of values without making room
 * for it; when nothing was pushed before, that stack is still NULL.
 */
static void test_decode_empty_top_level_container(void **state)
{
    (void)state;
    /* The arena already has a block, so the empty array allocation succeeds. */
    DECODE("\"warm the arena up\"");
    const wk_value *v = DECODE("{}");
    ASSERT_KIND(v, WK_MAP);
    ASSERT_COUNT(v, 0);
    v = DECODE(" [ ] ");
    ASSERT_KIND(v, WK_LIST);
    ASSERT_COUNT(v, 0);
}

/*
 * Regression: an empty container closed when the scratch stack of values
 * is exactly full is written one slot past its end (heap overflow; seen
 * under the sanitizers or valgrind).
 */
static void test_decode_empty_container_with_full_scratch_stack(void **state)
{
    (void)state;
    /* ["s",1,1,...,1,[]] with every count of 1s up to past 1024, so that
     * the closing [] meets every capacity the stack grows through. */
    const size_t max_ones = 1100;
    char *text = malloc(8 + 2 * max_ones + 4);
    assert_non_null(text);
    for (size_t ones = 0; ones <= max_ones; ones++) {
        size_t n = 0;
        memcpy(text, "[\"s\",", 5);
        n = 5;
        for (size_t i = 0; i < ones; i++) {
            text[n++] = '1';
            text[n++] = ',';
        }
        memcpy(text + n, "[]]", 3);
        n += 3;
        const wk_value *v = decode_ok(__FILE__, __LINE__, text, n, NULL);
        ASSERT_COUNT(v, ones + 2);
        ASSERT_KIND(ITEM(v, ones + 1), WK_LIST);
        ASSERT_COUNT(ITEM(v, ones + 1), 0);
        wk_arena_reset(arena);
    }
    free(text);
}

/*
 * Regression: documents whose first finished container is empty ("{}",
 * "[]", "[[]]") in a fresh heap arena. They first failed with
 * WK_ERR_NOMEM (a zero-byte arena allocation gave NULL); the decoder must
 * also have room in its scratch stack for the finished container.
 */
static void test_decode_empty_container_in_fresh_arena(void **state)
{
    (void)state;
    static const char *const texts[] = {"{}", "[]", "[[]]", "[1,{}]", "{\"a\":1,\"b\":[]}"};
    size_t failed = 0;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        wk_arena *a = wk_arena_new(0);
        const wk_value *v = NULL;
        wk_status st;
        wk_code rc = wk_decode(json, texts[i], strlen(texts[i]), NULL, a, &v, &st);
        if (rc != WK_OK) {
            print_error("\"%s\": %s at %zu: %s\n", show(texts[i], strlen(texts[i])),
                        wk_code_name(rc), st.offset, st.msg);
            failed++;
        }
        wk_arena_free(a);
    }
    assert_int_equal(failed, 0);
}

static void test_decode_duplicate_keys_kept_in_order(void **state)
{
    (void)state;
    const wk_value *v = DECODE("{\"a\":1,\"a\":2,\"b\":3,\"a\":4}");
    ASSERT_COUNT(v, 4);
    ASSERT_STR(KEY(v, 0), "a");
    ASSERT_INT(VAL(v, 0), 1);
    ASSERT_STR(KEY(v, 1), "a");
    ASSERT_INT(VAL(v, 1), 2);
    ASSERT_STR(KEY(v, 2), "b");
    ASSERT_INT(VAL(v, 2), 3);
    ASSERT_STR(KEY(v, 3), "a");
    ASSERT_INT(VAL(v, 3), 4);
    assert_ptr_equal(wk_map_get(v, "a"), VAL(v, 0));
}

static void test_decode_invalid_arguments(void **state)
{
    (void)state;
    const wk_value *v = NULL;
    wk_status st;
    assert_int_equal(wk_decode(NULL, "1", 1, NULL, arena, &v, &st), WK_ERR_INVALID);
    assert_int_equal(st.code, WK_ERR_INVALID);
    assert_int_equal(st.offset, 0);
    assert_int_equal(wk_decode(json, "1", 1, NULL, NULL, &v, &st), WK_ERR_INVALID);
    assert_int_equal(wk_decode(json, "1", 1, NULL, arena, NULL, &st), WK_ERR_INVALID);
    assert_int_equal(wk_decode(json, NULL, 1, NULL, arena, &v, &st), WK_ERR_INVALID);
    assert_null(v);
    /* NULL data with length 0 is empty input. */
    assert_int_equal(wk_decode(json, NULL, 0, NULL, arena, &v, &st), WK_ERR_TRUNCATED);
    assert_int_equal(st.offset, 0);
    assert_null(v);
}

/* ---- strict RFC 8259: each rejection with its code and position ---- */

static void test_reject_trailing_commas(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        BAD("[1,]", SYNTAX, 3, 1, 4),
        BAD("[1,2,]", SYNTAX, 5, 1, 6),
        BAD("[,1]", SYNTAX, 1, 1, 2),
        BAD("[1,,2]", SYNTAX, 3, 1, 4),
        BAD("{\"a\":1,}", SYNTAX, 7, 1, 8),
        BAD("{\"a\":1,,}", SYNTAX, 7, 1, 8),
        BAD("{,}", SYNTAX, 1, 1, 2),
        BAD("[{\"a\":[1,]}]", SYNTAX, 9, 1, 10),
    };
    RUN_BAD(cases);
}

static void test_reject_comments(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        BAD("// c\n1", SYNTAX, 0, 1, 1),
        BAD("/* c */ 1", SYNTAX, 0, 1, 1),
        BAD("[1,/*x*/2]", SYNTAX, 3, 1, 4),
        BAD("[1 //x\n]", SYNTAX, 3, 1, 4),
        BAD("{\"a\"//\n:1}", SYNTAX, 4, 1, 5),
        BAD("[1,\n//c\n2]", SYNTAX, 4, 2, 1),
    };
    RUN_BAD(cases);
}

/*
 * A comment after a complete value is trailing data; the position must be
 * the '/' itself. yajl's lexer stops at the '/' (it unreads it) rather than
 * after it, and the decoder then steps back one more byte.
 */
static void test_reject_trailing_comment_position(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        BAD("[1]//c", TRAILING, 3, 1, 4),
        BAD("[1] /*x*/", TRAILING, 4, 1, 5),
        BAD("{\"a\":1}//", TRAILING, 7, 1, 8),
        BAD("true//", TRAILING, 4, 1, 5),
    };
    RUN_BAD(cases);
}

static void test_reject_numbers(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        /* Leading zeros: at the zero. */
        BAD("01", SYNTAX, 0, 1, 1),
        BAD("-01", SYNTAX, 1, 1, 2),
        BAD("[01]", SYNTAX, 1, 1, 2),
        BAD("[00]", SYNTAX, 1, 1, 2),
        BAD("[-00]", SYNTAX, 2, 1, 3),
        BAD("[1, 01]", SYNTAX, 4, 1, 5),
        BAD("{\"a\":01}", SYNTAX, 5, 1, 6),
        /* A missing digit: where the digit should be (the end of the
         * input when the number ends it). */
        BAD("1.", SYNTAX, 2, 1, 3),
        BAD("[1.]", SYNTAX, 3, 1, 4),
        BAD("1.e5", SYNTAX, 2, 1, 3),
        BAD("[1ex]", SYNTAX, 3, 1, 4),
        BAD("[1.5e]", SYNTAX, 5, 1, 6),
        BAD("[1e+]", SYNTAX, 4, 1, 5),
        BAD("-", SYNTAX, 1, 1, 2),
        BAD("[-]", SYNTAX, 2, 1, 3),
        BAD("[-a]", SYNTAX, 2, 1, 3),
        /* Characters that cannot start a value: at that character. */
        BAD(".5", SYNTAX, 0, 1, 1),
        BAD("[.5]", SYNTAX, 1, 1, 2),
        BAD("+1", SYNTAX, 0, 1, 1),
        BAD("[+1]", SYNTAX, 1, 1, 2),
        BAD("[0x10]", SYNTAX, 2, 1, 3),
        BAD("[1x]", SYNTAX, 2, 1, 3),
        BAD("NaN", SYNTAX, 0, 1, 1),
        BAD("[NaN]", SYNTAX, 1, 1, 2),
        BAD("Infinity", SYNTAX, 0, 1, 1),
        BAD("[-Infinity]", SYNTAX, 2, 1, 3),
    };
    RUN_BAD(cases);
}

static void test_reject_quotes_keys_and_literals(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        BAD("'a'", SYNTAX, 0, 1, 1),
        BAD("['a']", SYNTAX, 1, 1, 2),
        BAD("{'a':1}", SYNTAX, 1, 1, 2),
        BAD("{a:1}", SYNTAX, 1, 1, 2),
        BAD("{\"a\":1, b:2}", SYNTAX, 8, 1, 9),
        BAD("{1:2}", SYNTAX, 1, 1, 2),
        BAD("{:1}", SYNTAX, 1, 1, 2),
        BAD("{\"a\" 1}", SYNTAX, 5, 1, 6),
        BAD("{\"a\":1,\"b\"}", SYNTAX, 10, 1, 11),
        BAD("{\"a\"::1}", SYNTAX, 5, 1, 6),
        BAD("[1 2]", SYNTAX, 3, 1, 4),
        BAD("[\"a\" \"b\"]", SYNTAX, 5, 1, 6),
        BAD("[true false]", SYNTAX, 6, 1, 7),
        BAD("[1}", SYNTAX, 2, 1, 3),
        BAD("]", SYNTAX, 0, 1, 1),
        BAD(":", SYNTAX, 0, 1, 1),
        BAD("[trux]", SYNTAX, 1, 1, 2),
        BAD("[tru]", SYNTAX, 1, 1, 2),
        BAD("[truex]", SYNTAX, 5, 1, 6),
        BAD("True", SYNTAX, 0, 1, 1),
        BAD("undefined", SYNTAX, 0, 1, 1),
    };
    RUN_BAD(cases);
}

/*
 * In an object, a value followed by something other than ',' or '}' must
 * be reported at that token. yajl "restores" the offset of this one error
 * by the token's length (for a string, its content length), and the
 * decoder then looks for the token's start from there, landing one byte
 * too early or inside the string.
 */
static void test_reject_missing_comma_in_object_position(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        BAD("{\"a\":1 \"b\":2}", SYNTAX, 7, 1, 8),
        BAD("{\"a\":\"b\" \"c\"}", SYNTAX, 9, 1, 10),
        BAD("{\"a\":1 2}", SYNTAX, 7, 1, 8),
        BAD("{\"a\":1]", SYNTAX, 6, 1, 7),
    };
    RUN_BAD(cases);
}

static void test_reject_escapes(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        /* At the character after the backslash. */
        BAD("\"\\x\"", SYNTAX, 2, 1, 3),
        BAD("[\"ab\\x\"]", SYNTAX, 5, 1, 6),
        BAD("\"\\U0041\"", SYNTAX, 2, 1, 3),
        BAD("\"\\'\"", SYNTAX, 2, 1, 3),
        BAD("{\"\\a\":1}", SYNTAX, 3, 1, 4),
        /* At the first character of \u that is not a hex digit. */
        BAD("\"\\u12\"", SYNTAX, 5, 1, 6),
        BAD("[\"\\u12G4\"]", SYNTAX, 6, 1, 7),
        BAD("\"\\u\"", SYNTAX, 3, 1, 4),
        /* A backslash that ends the input. */
        BAD("\"\\", SYNTAX, 2, 1, 3),
    };
    RUN_BAD(cases);
}

static void test_reject_control_characters(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        BAD("\"a\x01\"", SYNTAX, 2, 1, 3),
        BAD("\"\x1F\"", SYNTAX, 1, 1, 2),
        BAD("[\"a\tb\"]", SYNTAX, 3, 1, 4),
        BAD("[\"a\nb\"]", SYNTAX, 3, 1, 4),
        BAD("{\"k\r\":1}", SYNTAX, 3, 1, 4),
        {"\"a\0b\"", 5, WK_ERR_SYNTAX, 2, 1, 3},
    };
    RUN_BAD(cases);
    /* DEL is not a control character in JSON. */
    ASSERT_STR(DECODE("\"\x7F\""), "\x7F");
}

static void test_reject_lone_surrogates(void **state)
{
    (void)state;
    /* At the backslash of the offending escape. */
    static const bad_case cases[] = {
        BAD("\"\\ud800\"", UTF8, 1, 1, 2),
        BAD("\"\\udc00\"", UTF8, 1, 1, 2),
        BAD("\"\\uDFFF\"", UTF8, 1, 1, 2),
        BAD("\"\\ud800\\u0041\"", UTF8, 1, 1, 2),
        BAD("\"\\ud800\\ud800\"", UTF8, 1, 1, 2),
        BAD("\"\\ud800x\"", UTF8, 1, 1, 2),
        BAD("\"\\ud800\\n\"", UTF8, 1, 1, 2),
        BAD("\"ab\\ud800\"", UTF8, 3, 1, 4),
        BAD("[\"x\",\"ab\\ud800\"]", UTF8, 8, 1, 9),
        BAD("\"\\ud83d\\ude00\\ude00\"", UTF8, 13, 1, 14),
        BAD("{\"\\udc00\":1}", UTF8, 2, 1, 3),
        BAD("{\"k\":1,\"a\\ud800\":1}", UTF8, 9, 1, 10),
    };
    RUN_BAD(cases);
}

static void test_reject_invalid_utf8_in_string(void **state)
{
    (void)state;
    /* At the first byte of the ill-formed sequence. */
    static const bad_case cases[] = {
        BAD("\"\xC0\x80\"", UTF8, 1, 1, 2),            /* overlong NUL */
        BAD("\"\xE0\x80\x80\"", UTF8, 1, 1, 2),        /* overlong */
        BAD("\"\xF0\x80\x80\x80\"", UTF8, 1, 1, 2),    /* overlong */
        BAD("\"\xED\xA0\x80\"", UTF8, 1, 1, 2),        /* encoded surrogate */
        BAD("\"\xF5\x80\x80\x80\"", UTF8, 1, 1, 2),    /* F5 never occurs */
        BAD("\"\xF4\x90\x80\x80\"", UTF8, 1, 1, 2),    /* past U+10FFFF */
        BAD("\"a\x80\"", UTF8, 2, 1, 3),               /* lone continuation byte */
        BAD("\"ab\xE2\x82\"", UTF8, 3, 1, 4),          /* truncated sequence */
        BAD("\"\xC2\"]", UTF8, 1, 1, 2),
        BAD("\"\xFF\"", UTF8, 1, 1, 2),
        BAD("[\"\xC3\xA9\xC0\x80\"]", UTF8, 4, 1, 4),  /* col counts the é as one */
        BAD("[\"\\n\xC0\x80\"]", UTF8, 4, 1, 5),       /* after an escape */
        BAD("[\"\\n\xE2\x82\"]", UTF8, 4, 1, 5),
    };
    RUN_BAD(cases);
}

static void test_reject_invalid_utf8_in_key(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        BAD("{\"\xC0\x80\":1}", UTF8, 2, 1, 3),
        BAD("{\"k\xED\xA0\x80\":1}", UTF8, 3, 1, 4),
        BAD("{\"a\xF5\":1}", UTF8, 3, 1, 4),
        BAD("{\"\x80\":1}", UTF8, 2, 1, 3),
        BAD("{\"ab\xE2\x82\":1}", UTF8, 4, 1, 5),
        BAD("{\"\\n\xC0\x80\":1}", UTF8, 4, 1, 5),
        BAD("{\"ok\":{\"\xE0\x80\x80\":1}}", UTF8, 8, 1, 9),
    };
    RUN_BAD(cases);
}

static void test_reject_trailing_data(void **state)
{
    (void)state;
    /* At the first byte after the value (and its whitespace). */
    static const bad_case cases[] = {
        BAD("[1]x", TRAILING, 3, 1, 4),
        BAD("[1] x", TRAILING, 4, 1, 5),
        BAD("1 2", TRAILING, 2, 1, 3),
        BAD("[1] [2]", TRAILING, 4, 1, 5),
        BAD("[1]]", TRAILING, 3, 1, 4),
        BAD("\"a\"b", TRAILING, 3, 1, 4),
        BAD("\"a\" \"b\"", TRAILING, 4, 1, 5),
        BAD("true false", TRAILING, 5, 1, 6),
        BAD("true x", TRAILING, 5, 1, 6),
        BAD("[1]\n\n  x", TRAILING, 7, 3, 3),
        BAD("\xEF\xBB\xBF[1]x", TRAILING, 6, 1, 4),
    };
    RUN_BAD(cases);
}

/*
 * Garbage glued to a literal or a number ("truex", "1x"): the position must
 * be the garbage, not the valid value before it. The decoder walks back
 * over every letter and digit from where yajl stopped, into the value.
 */
static void test_reject_trailing_data_after_word_position(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        BAD("truex", TRAILING, 4, 1, 5),
        BAD("nullx", TRAILING, 4, 1, 5),
        BAD("1x", TRAILING, 1, 1, 2),
        BAD("12x", TRAILING, 2, 1, 3),
        BAD("0x10", TRAILING, 1, 1, 2),
    };
    RUN_BAD(cases);
}

static void test_reject_empty_and_unclosed(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        /* At the end of the input. */
        BAD("", TRUNCATED, 0, 1, 1),
        BAD("   ", TRUNCATED, 3, 1, 4),
        BAD(" \n\t ", TRUNCATED, 4, 2, 3),
        BAD("[", TRUNCATED, 1, 1, 2),
        BAD("[1", TRUNCATED, 2, 1, 3),
        BAD("[1,", TRUNCATED, 3, 1, 4),
        BAD("[[1]", TRUNCATED, 4, 1, 5),
        BAD("{", TRUNCATED, 1, 1, 2),
        BAD("{\"a\"", TRUNCATED, 4, 1, 5),
        BAD("{\"a\":", TRUNCATED, 5, 1, 6),
        BAD("{\"a\":1", TRUNCATED, 6, 1, 7),
        BAD("{\"a\":1,", TRUNCATED, 7, 1, 8),
        BAD("\"abc", TRUNCATED, 4, 1, 5),
        BAD("[\"abc", TRUNCATED, 5, 1, 6),
        BAD("{\"a\":[1,\n 2", TRUNCATED, 11, 2, 3),
    };
    RUN_BAD(cases);
}

static void test_reject_multiline_position(void **state)
{
    (void)state;
    /* Line 3 holds "éé" (2 bytes each), then "€" (3 bytes) or "😀" (4)
     * before the error: the column counts them as one character each. */
    static const bad_case cases[] = {
        BAD("{\"a\":1,\n \"b\":[true,\n  \"\xC3\xA9\xC3\xA9\", 01]}", SYNTAX, 30, 3, 9),
        BAD("{\"a\":1,\n \"b\":[true,\n  \"\xE2\x82\xAC\", x]}", SYNTAX, 29, 3, 8),
        BAD("{\"a\":1,\n \"b\":[true,\n  \"\xF0\x9F\x98\x80\", 1,]}", SYNTAX, 32, 3, 10),
        BAD("[\n\"\xC3\xA9\",\n\"\xE2\x82\xAC\xC0\x80\"]", UTF8, 12, 3, 3),
        BAD("{\"a\":1,\n \"b\":[true,\n  \"\xC3\xA9\xC3\xA9\", nul]}", SYNTAX, 30, 3, 9),
    };
    RUN_BAD(cases);
}

/*
 * The byte order mark is skipped; positions stay byte offsets into the
 * whole input. The column of an error on the first line is not asserted
 * here: the decoder counts the mark as a character (col 5 below for the
 * fourth visible character), which is open to question.
 */
static void test_reject_after_bom_offsets(void **state)
{
    (void)state;
    static const char text[] = "\xEF\xBB\xBF[1,]";
    wk_status st;
    const wk_value *v;
    assert_int_equal(wk_decode(json, text, sizeof text - 1, NULL, arena, &v, &st), WK_ERR_SYNTAX);
    assert_int_equal(st.offset, 6);
    assert_int_equal(st.line, 1);
    static const char text2[] = "\xEF\xBB\xBF[\"\\ud800\"]";
    assert_int_equal(wk_decode(json, text2, sizeof text2 - 1, NULL, arena, &v, &st), WK_ERR_UTF8);
    assert_int_equal(st.offset, 5);
    static const bad_case cases[] = {
        BAD("\xEF\xBB\xBF\n[1,]", SYNTAX, 7, 2, 4),
        BAD("\xEF\xBB\xBF{\"a\":1,\n\"b\":\"\xC0\"}", UTF8, 16, 2, 6),
    };
    RUN_BAD(cases);
}

/* ---- depth ---- */

/* depth '[', a 0, depth ']' */
static char *nested_arrays(size_t depth, size_t *len)
{
    char *s = malloc(2 * depth + 1);
    assert_non_null(s);
    memset(s, '[', depth);
    s[depth] = '0';
    memset(s + depth + 1, ']', depth);
    *len = 2 * depth + 1;
    return s;
}

static void test_depth_default_limit(void **state)
{
    (void)state;
    size_t len;
    char *s = nested_arrays(512, &len);
    const wk_value *v = decode_ok(__FILE__, __LINE__, s, len, NULL);
    for (int i = 0; i < 512; i++) {
        ASSERT_KIND(v, WK_LIST);
        ASSERT_COUNT(v, 1);
        v = ITEM(v, 0);
    }
    ASSERT_INT(v, 0);
    free(s);

    s = nested_arrays(513, &len);
    bad_case c = {s, len, WK_ERR_DEPTH, 512, 1, 513};
    assert_true(run_bad_case(&c, NULL));
    /* max_depth 0 is the default. */
    wk_decode_opts opts = {.flags = 0, .max_depth = 0};
    assert_true(run_bad_case(&c, &opts));
    free(s);
}

static void test_depth_option(void **state)
{
    (void)state;
    wk_decode_opts opts = {.flags = 0, .max_depth = 3};
    const wk_value *v = decode_ok(__FILE__, __LINE__, "[[[0]]]", 7, &opts);
    ASSERT_INT(ITEM(ITEM(ITEM(v, 0), 0), 0), 0);
    v = decode_ok(__FILE__, __LINE__, "{\"a\":{\"b\":[1]}}", 15, &opts);
    ASSERT_KIND(v, WK_MAP);
    static const bad_case cases[] = {
        BAD("[[[[0]]]]", DEPTH, 3, 1, 4),
        BAD("{\"a\":{\"b\":{\"c\":{\"d\":0}}}}", DEPTH, 15, 1, 16),
        BAD("[{\"a\":[[]]}]", DEPTH, 7, 1, 8),
        BAD("[1,[2,[3,[4]]]]", DEPTH, 9, 1, 10),
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_true(run_bad_case(&cases[i], &opts));
    /* Depth 1: scalars and flat containers only. */
    wk_decode_opts one = {.flags = 0, .max_depth = 1};
    decode_ok(__FILE__, __LINE__, "[1,2]", 5, &one);
    bad_case c = BAD("[[1]]", DEPTH, 1, 1, 2);
    assert_true(run_bad_case(&c, &one));
}

static void test_depth_clamped_to_hard_limit(void **state)
{
    (void)state;
    size_t len;
    char *s = nested_arrays(WK_MAX_DEPTH_LIMIT, &len);
    wk_decode_opts opts = {.flags = 0, .max_depth = 20000};
    const wk_value *v = decode_ok(__FILE__, __LINE__, s, len, &opts);
    ASSERT_KIND(v, WK_LIST);
    /* The encoder writes it back at the same (clamped) limit, and refuses
     * it at the default one. */
    wk_buf out;
    wk_buf_init(&out);
    assert_int_equal(encode(v, 0, 20000, &out, NULL), WK_OK);
    check_bytes(__FILE__, __LINE__, out.data, out.len, s, len);
    wk_buf_destroy(&out);
    ASSERT_ENCODE_FAILS(*v, 0, DEPTH, "$[0]");
    free(s);
    s = nested_arrays(WK_MAX_DEPTH_LIMIT + 1, &len);
    bad_case c = {s, len, WK_ERR_DEPTH, WK_MAX_DEPTH_LIMIT, 1, WK_MAX_DEPTH_LIMIT + 1};
    assert_true(run_bad_case(&c, &opts));
    free(s);
}

/* A million '[' fail at the limit, quickly, without exhausting the C stack. */
static void test_depth_million_brackets(void **state)
{
    (void)state;
    const size_t n = 1000000;
    char *s = malloc(n);
    assert_non_null(s);
    memset(s, '[', n);
    clock_t start = clock();
    bad_case c = {s, n, WK_ERR_DEPTH, 512, 1, 513};
    assert_true(run_bad_case(&c, NULL));
    wk_decode_opts max = {.flags = 0, .max_depth = WK_MAX_DEPTH_LIMIT};
    bad_case c2 = {s, n, WK_ERR_DEPTH, WK_MAX_DEPTH_LIMIT, 1, WK_MAX_DEPTH_LIMIT + 1};
    assert_true(run_bad_case(&c2, &max));
    /* "[[[...": closed brackets never come, so it ends in one way or the
     * other; with ']' glued on, the same. */
    memset(s + n / 2, ']', n / 2);
    assert_true(run_bad_case(&c, NULL));
    double seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
    /* Generous, for valgrind: the parse stops at the limit, not at the end. */
    assert_true(seconds < 20.0);
    free(s);
}

/* ---- out of memory in a fixed arena ---- */

static const char oom_doc[] =
    "{\"id\":1234567890123,\"name\":\"wirekit test document\",\"active\":true,"
    "\"score\":98.625,\"tags\":[\"alpha\",\"beta\",\"gamma\",\"delta\",\"epsilon\"],"
    "\"owner\":{\"login\":\"someone\",\"id\":42,\"site_admin\":false,\"url\":null},"
    "\"items\":[{\"sku\":\"A-1\",\"qty\":3,\"price\":9.99,\"note\":\"caf\\u00e9\"},"
    "{\"sku\":\"B-22\",\"qty\":1,\"price\":1250.5,\"note\":\"\xE2\x82\xAC uro\"},"
    "{\"sku\":\"C-333\",\"qty\":12,\"price\":0.125,\"note\":\"line\\nbreak\"}],"
    "\"matrix\":[[1,2,3],[4,5,6],[7,8,9]],"
    "\"empty\":{},\"none\":[],"
    "\"description\":\"A longer string so that the document holds a string of some "
    "size: the quick brown fox jumps over the lazy dog, twice; the quick brown fox "
    "jumps over the lazy dog.\","
    "\"big\":18446744073709551615,\"neg\":-9223372036854775808,\"tiny\":5e-324,"
    "\"nested\":{\"a\":{\"b\":{\"c\":{\"d\":[true,false,null,\"\\ud83d\\ude00\"]}}}},"
    "\"commit\":{\"sha\":\"6b7a0d8f3c2e\",\"message\":\"Fix the \\\"quoted\\\" case\\tand tabs; "
    "also a longer explanation of why the change was needed, what it touches, and how "
    "it was tested on the sample corpus before it went in, so that the text is long\"},"
    "\"dup\":1,\"dup\":2,\"last\":\"end\"}";

static void test_out_of_memory_fixed_arena(void **state)
{
    (void)state;
    assert_true(sizeof oom_doc - 1 >= 1000);
    const wk_value *ref = decode_ok(__FILE__, __LINE__, oom_doc, sizeof oom_doc - 1, NULL);
    size_t nomem = 0, fits = 0, first_fit = 0;
    for (size_t size = 64; size <= 4096; size += 8) {
        void *mem = malloc(size);
        assert_non_null(mem);
        wk_arena *a = wk_arena_new_fixed(mem, size);
        assert_non_null(a);
        const wk_value sentinel = wk_value_null();
        const wk_value *v = &sentinel;
        wk_status st;
        wk_code rc = wk_decode(json, oom_doc, sizeof oom_doc - 1, NULL, a, &v, &st);
        if (rc != WK_OK && rc != WK_ERR_NOMEM)
            print_error("size %zu: %s: %s\n", size, wk_code_name(rc), st.msg);
        assert_true(rc == WK_OK || rc == WK_ERR_NOMEM);
        assert_int_equal(st.code, rc);
        if (rc == WK_ERR_NOMEM) {
            /* Once a size fits, every larger one must. */
            assert_int_equal(fits, 0);
            assert_ptr_equal(v, &sentinel);
            assert_true(st.msg[0] != '\0');
            assert_true(st.offset <= sizeof oom_doc - 1);
            nomem++;
        } else {
            if (!fits) first_fit = size;
            fits++;
            assert_true(wk_value_equal(v, ref));
            /* Everything it returned lies in the caller's buffer. */
            assert_true((const char *)v >= (const char *)mem &&
                        (const char *)v < (const char *)mem + size);
            assert_true(wk_arena_used(a) <= size);
        }
        wk_arena_free(a);   /* frees nothing of a fixed arena */
        free(mem);
    }
    print_message("fixed arena: NOMEM up to %zu bytes, fits from %zu (%zu sizes)\n",
                  first_fit - 8, first_fit, fits);
    assert_true(nomem > 0);
    assert_true(fits > 0);
    /* A heap arena with a cap behaves the same. */
    wk_arena *capped = wk_arena_new(0);
    wk_arena_set_limit(capped, 256);
    const wk_value *v;
    wk_status st;
    assert_int_equal(wk_decode(json, oom_doc, sizeof oom_doc - 1, NULL, capped, &v, &st),
                     WK_ERR_NOMEM);
    wk_arena_free(capped);
}

/* ================================================================== */
/* Encoding                                                            */
/* ================================================================== */

static void test_encode_every_kind(void **state)
{
    (void)state;
    static const uint8_t raw[] = {0, 1, 2, 0xFF, 0xFE};
    wk_value v = mk_obj(12,
        "null", wk_value_null(),
        "bool", mk_list(2, wk_value_bool(true), wk_value_bool(false)),
        "int", wk_value_int(-42),
        "int_min", wk_value_int(INT64_MIN),
        "int_max", wk_value_int(INT64_MAX),
        "uint", wk_value_uint(UINT64_MAX),
        "double", wk_value_double(1.5),
        "string", mk_str("h\xC3\xA9llo"),
        "bytes", mk_bytes(raw, sizeof raw),
        "ext", mk_ext(5, "ab", 2),
        "list", mk_list(3, wk_value_int(1), mk_str("x"), mk_list(0)),
        "map", mk_obj(1, "k", mk_obj(0)));
    ASSERT_ENCODES(v, "{\"null\":null,\"bool\":[true,false],\"int\":-42,"
                      "\"int_min\":-9223372036854775808,\"int_max\":9223372036854775807,"
                      "\"uint\":18446744073709551615,\"double\":1.5,\"string\":\"h\xC3\xA9llo\","
                      "\"bytes\":\"AAEC//4=\",\"ext\":{\"$ext\":{\"type\":5,\"data\":\"YWI=\"}},"
                      "\"list\":[1,\"x\",[]],\"map\":{\"k\":{}}}");
    /* Top-level scalars. */
    ASSERT_ENCODES(wk_value_null(), "null");
    ASSERT_ENCODES(wk_value_bool(false), "false");
    ASSERT_ENCODES(wk_value_int(0), "0");
    ASSERT_ENCODES(wk_value_uint((uint64_t)INT64_MAX + 1), "9223372036854775808");
    ASSERT_ENCODES(mk_str(""), "\"\"");
    ASSERT_ENCODES(mk_bytes("", 0), "\"\"");
    ASSERT_ENCODES(mk_list(0), "[]");
    ASSERT_ENCODES(mk_obj(0), "{}");
}

static void test_encode_doubles_shortest(void **state)
{
    (void)state;
    ASSERT_ENCODES(wk_value_double(1.0), "1.0");
    ASSERT_ENCODES(wk_value_double(0.1), "0.1");
    ASSERT_ENCODES(wk_value_double(1e300), "1e300");
    ASSERT_ENCODES(wk_value_double(-0.0), "-0.0");
    ASSERT_ENCODES(wk_value_double(0.0), "0.0");
    ASSERT_ENCODES(wk_value_double(5e-324), "5e-324");
    ASSERT_ENCODES(wk_value_double(100.0), "100.0");
    ASSERT_ENCODES(wk_value_double(-2.5e-7), "-2.5e-7");
    ASSERT_ENCODES(wk_value_double(0.5), "0.5");
    ASSERT_ENCODES(wk_value_double(123456789.0), "123456789.0");
    ASSERT_ENCODES(wk_value_double(DBL_MAX), "1.7976931348623157e308");
    ASSERT_ENCODES(wk_value_double(1.0 / 3.0), "0.3333333333333333");
    ASSERT_ENCODES(wk_value_double(18446744073709551616.0), "1.8446744073709552e19");
    /* Each reads back as the same double. */
    static const double samples[] = {1.0, 0.1, 1e300, -0.0, 5e-324, DBL_MIN, DBL_MAX,
                                     1.0 / 3.0, 2.0 / 3.0, 1e21, 1e-7, 123.456, -1e-300,
                                     9007199254740993.0, 4.35, 0.3};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        wk_value d = wk_value_double(samples[i]);
        wk_buf out;
        wk_buf_init(&out);
        assert_int_equal(encode(&d, 0, 0, &out, NULL), WK_OK);
        /* Always a '.' or an exponent, so that it reads back as a double. */
        assert_true(memchr(out.data, '.', out.len) || memchr(out.data, 'e', out.len));
        const wk_value *back = decode_ok(__FILE__, __LINE__, (const char *)out.data, out.len, NULL);
        ASSERT_DOUBLE(back, samples[i]);
        wk_buf_destroy(&out);
    }
}

static void test_encode_nan_and_infinity_name_the_path(void **state)
{
    (void)state;
    wk_value v = mk_obj(1, "a", mk_list(2, wk_value_int(1), wk_value_double(NAN)));
    ASSERT_ENCODE_FAILS(v, 0, UNREPRESENTABLE, "$.a[1]: ");
    v = mk_obj(2, "x", wk_value_int(1), "inf", wk_value_double(INFINITY));
    ASSERT_ENCODE_FAILS(v, 0, UNREPRESENTABLE, "$.inf: ");
    v = mk_list(3, wk_value_null(), wk_value_null(), mk_obj(1, "m", wk_value_double(-INFINITY)));
    ASSERT_ENCODE_FAILS(v, 0, UNREPRESENTABLE, "$[2].m: ");
    ASSERT_ENCODE_FAILS(wk_value_double(NAN), 0, UNREPRESENTABLE, "$: ");
    /* The message says what is wrong after the path. */
    wk_buf out;
    wk_buf_init(&out);
    wk_status st;
    wk_value n = mk_obj(1, "a", mk_list(2, wk_value_int(1), wk_value_double(NAN)));
    assert_int_equal(encode(&n, 0, 0, &out, &st), WK_ERR_UNREPRESENTABLE);
    assert_non_null(strstr(st.msg, "NaN"));
    wk_value inf = wk_value_double(-INFINITY);
    assert_int_equal(encode(&inf, 0, 0, &out, &st), WK_ERR_UNREPRESENTABLE);
    assert_non_null(strstr(st.msg, "infinity"));
    assert_int_equal(out.len, 0);
    wk_buf_destroy(&out);
}

static void test_encode_string_escaping(void **state)
{
    (void)state;
    ASSERT_ENCODES(mk_str("a\nb\tc"), "\"a\\nb\\tc\"");
    ASSERT_ENCODES(mk_str("\b\f\r"), "\"\\b\\f\\r\"");
    ASSERT_ENCODES(mk_str("\x01\x1F"), "\"\\u0001\\u001f\"");
    ASSERT_ENCODES(mk_str("\x0B\x10\x1A"), "\"\\u000b\\u0010\\u001a\"");
    ASSERT_ENCODES(mk_str("say \"hi\" \\ there"), "\"say \\\"hi\\\" \\\\ there\"");
    /* '/' needs no escape; DEL and non-ASCII are written raw. */
    ASSERT_ENCODES(mk_str("a/b\x7F\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"),
                   "\"a/b\x7F\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"");
    ASSERT_ENCODES(mk_strn("a\0b", 3), "\"a\\u0000b\"");
    ASSERT_ENCODES(mk_strn("\0", 1), "\"\\u0000\"");
    /* Long strings, so that the eight-bytes-at-a-time path meets an
     * escape in every position of a word and at the very end. */
    ASSERT_ENCODES(mk_str("abcdefgh\"ijklmnop\\qrstuvw\x01xyzABCDEFGHIJKLMNOPQRSTU\n"),
                   "\"abcdefgh\\\"ijklmnop\\\\qrstuvw\\u0001xyzABCDEFGHIJKLMNOPQRSTU\\n\"");
    for (size_t pos = 0; pos < 17; pos++) {
        char in[18], want[32];
        memset(in, 'x', 17);
        in[17] = '\0';
        in[pos] = '\x1F';
        size_t n = 0;
        want[n++] = '"';
        memset(want + n, 'x', pos);
        n += pos;
        memcpy(want + n, "\\u001f", 6);
        n += 6;
        memset(want + n, 'x', 16 - pos);
        n += 16 - pos;
        want[n++] = '"';
        check_encodes(__FILE__, __LINE__, mk_str(in), 0, want, n);
    }
    /* Keys are escaped the same way. */
    ASSERT_ENCODES(mk_obj(1, "k\"\n", wk_value_int(1)), "{\"k\\\"\\n\":1}");
}

static void test_encode_invalid_utf8_is_unrepresentable(void **state)
{
    (void)state;
    static const char *const bad[] = {"\xC0\x80", "\xED\xA0\x80", "\xF5\x80\x80\x80", "ab\x80",
                                      "ab\xE2\x82", "\xFF"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ASSERT_ENCODE_FAILS(mk_str(bad[i]), 0, UNREPRESENTABLE, "$: ");
        ASSERT_ENCODE_FAILS(mk_obj(1, "s", mk_list(1, mk_str(bad[i]))), 0, UNREPRESENTABLE,
                            "$.s[0]: ");
    }
    /* In a key, too. */
    wk_buf out;
    wk_buf_init(&out);
    wk_status st;
    wk_value v = mk_obj(1, "k\xC0\x80", wk_value_int(1));
    assert_int_equal(encode(&v, 0, 0, &out, &st), WK_ERR_UNREPRESENTABLE);
    assert_int_equal(out.len, 0);
    wk_buf_destroy(&out);
}

static void test_encode_bytes_as_base64(void **state)
{
    (void)state;
    ASSERT_ENCODES(mk_bytes("\x01\x02\x03", 3), "\"AQID\"");
    ASSERT_ENCODES(mk_bytes("\xFF", 1), "\"/w==\"");
    ASSERT_ENCODES(mk_bytes("ab", 2), "\"YWI=\"");
    ASSERT_ENCODES(mk_bytes("\xFB\xFF\xBF", 3), "\"+/+/\"");
    ASSERT_ENCODES(mk_list(2, mk_bytes("\0\0\0\0", 4), mk_bytes("", 0)), "[\"AAAAAA==\",\"\"]");
}

static void test_encode_ext(void **state)
{
    (void)state;
    ASSERT_ENCODES(mk_ext(5, "ab", 2), "{\"$ext\":{\"type\":5,\"data\":\"YWI=\"}}");
    ASSERT_ENCODES(mk_ext(-128, "", 0), "{\"$ext\":{\"type\":-128,\"data\":\"\"}}");
    ASSERT_ENCODES(mk_ext(127, "\x01\x02\x03", 3), "{\"$ext\":{\"type\":127,\"data\":\"AQID\"}}");
    /* Type -1 with a valid timestamp payload adds the time in RFC 3339. */
    ASSERT_ENCODES(mk_ext(-1, "\0\0\0\0", 4),
                   "{\"$ext\":{\"type\":-1,\"data\":\"AAAAAA==\","
                   "\"timestamp\":\"1970-01-01T00:00:00Z\"}}");
    ASSERT_ENCODES(mk_ext(-1, "\x38\xBB\xB4\xC0", 4),   /* 951825600 */
                   "{\"$ext\":{\"type\":-1,\"data\":\"OLu0wA==\","
                   "\"timestamp\":\"2000-02-29T12:00:00Z\"}}");
    /* 8 bytes: 30-bit nanoseconds (500000000) over 34-bit seconds (1). */
    ASSERT_ENCODES(mk_ext(-1, "\x77\x35\x94\x00\x00\x00\x00\x01", 8),
                   "{\"$ext\":{\"type\":-1,\"data\":\"dzWUAAAAAAE=\","
                   "\"timestamp\":\"1970-01-01T00:00:01.5Z\"}}");
    /* 12 bytes: nanoseconds 123456789, seconds -1, before 1970. */
    ASSERT_ENCODES(mk_ext(-1, "\x07\x5B\xCD\x15\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF", 12),
                   "{\"$ext\":{\"type\":-1,\"data\":\"B1vNFf//////////\","
                   "\"timestamp\":\"1969-12-31T23:59:59.123456789Z\"}}");
    /* 12 bytes: the first second of year 1. */
    ASSERT_ENCODES(mk_ext(-1, "\x00\x00\x00\x00\xFF\xFF\xFF\xF1\x88\x6E\x09\x00", 12),
                   "{\"$ext\":{\"type\":-1,\"data\":\"AAAAAP////GIbgkA\","
                   "\"timestamp\":\"0001-01-01T00:00:00Z\"}}");
    /* Invalid: nanoseconds 0x3FFFFFFF > 999999999; no timestamp member. */
    ASSERT_ENCODES(mk_ext(-1, "\xFF\xFF\xFF\xFC\x00\x00\x00\x01", 8),
                   "{\"$ext\":{\"type\":-1,\"data\":\"/////AAAAAE=\"}}");
    /* Invalid: 12 bytes with nanoseconds 1000000000. */
    ASSERT_ENCODES(mk_ext(-1, "\x3B\x9A\xCA\x00\x00\x00\x00\x00\x00\x00\x00\x00", 12),
                   "{\"$ext\":{\"type\":-1,\"data\":\"O5rKAAAAAAAAAAAA\"}}");
    /* Not a timestamp length. */
    ASSERT_ENCODES(mk_ext(-1, "\0\0\0\0\0", 5), "{\"$ext\":{\"type\":-1,\"data\":\"AAAAAAA=\"}}");
    /* Another type with a timestamp-sized payload: no timestamp. */
    ASSERT_ENCODES(mk_ext(-2, "\0\0\0\0", 4), "{\"$ext\":{\"type\":-2,\"data\":\"AAAAAA==\"}}");
}

static void test_encode_non_string_keys(void **state)
{
    (void)state;
    wk_value v = mk_map(7,
        wk_value_int(1), mk_str("a"),
        wk_value_bool(true), mk_str("b"),
        wk_value_null(), mk_str("c"),
        wk_value_double(1.5), mk_str("d"),
        mk_bytes("\xFF", 1), mk_str("f"),
        wk_value_int(-3), mk_str("g"),
        wk_value_uint(UINT64_MAX), mk_str("i"));
    ASSERT_ENCODES(v, "{\"1\":\"a\",\"true\":\"b\",\"null\":\"c\",\"1.5\":\"d\","
                      "\"/w==\":\"f\",\"-3\":\"g\",\"18446744073709551615\":\"i\"}");
    ASSERT_ENCODES(mk_map(1, mk_ext(1, "", 0), mk_str("k")),
                   "{\"{\\\"$ext\\\":{\\\"type\\\":1,\\\"data\\\":\\\"\\\"}}\":\"k\"}");
    /* A key JSON cannot write fails like a value. */
    ASSERT_ENCODE_FAILS(mk_map(1, wk_value_double(NAN), wk_value_int(1)), 0, UNREPRESENTABLE, "$");
    /* A list or map as a key has no JSON form: written as text, each level of
     * keys within keys would be escaped again, growing exponentially. */
    ASSERT_ENCODE_FAILS(mk_map(1, mk_list(2, wk_value_int(1), wk_value_int(2)), wk_value_int(3)), 0,
                        UNREPRESENTABLE, "$");
    ASSERT_ENCODE_FAILS(mk_map(1, mk_obj(1, "k", wk_value_int(1)), mk_str("j")), 0, UNREPRESENTABLE,
                        "$");
    ASSERT_ENCODE_FAILS(mk_obj(1, "x", mk_map(1, mk_list(0), wk_value_int(3))), 0, UNREPRESENTABLE,
                        "$.x");
}

static void test_encode_pretty(void **state)
{
    (void)state;
    wk_value v = mk_obj(5,
        "a", wk_value_int(1),
        "b", mk_list(2, wk_value_bool(true), wk_value_null()),
        "c", mk_obj(0),
        "d", mk_list(0),
        "e", mk_obj(1, "f", mk_list(1, mk_obj(1, "g", mk_str("x")))));
    ASSERT_ENCODES_PRETTY(v,
        "{\n"
        "  \"a\": 1,\n"
        "  \"b\": [\n"
        "    true,\n"
        "    null\n"
        "  ],\n"
        "  \"c\": {},\n"
        "  \"d\": [],\n"
        "  \"e\": {\n"
        "    \"f\": [\n"
        "      {\n"
        "        \"g\": \"x\"\n"
        "      }\n"
        "    ]\n"
        "  }\n"
        "}");
    ASSERT_ENCODES_PRETTY(mk_list(0), "[]");
    ASSERT_ENCODES_PRETTY(mk_obj(0), "{}");
    ASSERT_ENCODES_PRETTY(wk_value_int(7), "7");
    ASSERT_ENCODES_PRETTY(mk_list(1, mk_list(0)), "[\n  []\n]");
    /* Pretty output decodes to the same value. */
    wk_buf out;
    wk_buf_init(&out);
    assert_int_equal(encode(&v, WK_ENCODE_PRETTY, 0, &out, NULL), WK_OK);
    const wk_value *back = decode_ok(__FILE__, __LINE__, (const char *)out.data, out.len, NULL);
    assert_true(wk_value_equal(back, &v));
    wk_buf_destroy(&out);
}

static wk_value nested_lists(size_t depth)
{
    wk_value v = wk_value_int(0);
    for (size_t i = 0; i < depth; i++) v = mk_list(1, v);
    return v;
}

static void test_encode_depth_limit(void **state)
{
    (void)state;
    ASSERT_ENCODES(nested_lists(2), "[[0]]");
    wk_buf out;
    wk_buf_init(&out);
    wk_value v = nested_lists(2);
    assert_int_equal(encode(&v, 0, 2, &out, NULL), WK_OK);
    wk_buf_destroy(&out);
    ASSERT_ENCODE_FAILS(nested_lists(3), 2, DEPTH, "$[0][0]: ");
    ASSERT_ENCODE_FAILS(mk_obj(1, "a", mk_obj(1, "b", mk_obj(0))), 2, DEPTH, "$.a.b: ");
    /* The default limit is the decoder's: 512 levels, not 513. */
    wk_buf_init(&out);
    v = nested_lists(512);
    assert_int_equal(encode(&v, 0, 0, &out, NULL), WK_OK);
    assert_int_equal(out.len, 2 * 512 + 1);
    wk_buf_destroy(&out);
    ASSERT_ENCODE_FAILS(nested_lists(513), 0, DEPTH, "$[0][0]");
}

/* The deepest tree the limit allows, written on a thread with a 64 KiB stack. */
typedef struct deep_job {
    const wk_value *v;
    uint32_t max_depth;
    wk_buf out;
    wk_status st;
    wk_code rc;
} deep_job;

static void *deep_encode(void *arg)
{
    deep_job *j = arg;
    wk_encode_opts opts = {.flags = 0, .max_depth = j->max_depth};
    j->rc = wk_encode(json, j->v, &opts, &j->out, &j->st);
    return NULL;
}

/*
 * The encoder keeps its own stack of open lists and maps: nesting costs
 * no C stack, so a tree at WK_MAX_DEPTH_LIMIT is written on a thread whose
 * stack is far too small for one frame a level; and a depth error names the
 * whole path, however deep.
 */
static void test_encode_deep_on_a_small_stack(void **state)
{
    (void)state;
    wk_value deep = nested_lists(WK_MAX_DEPTH_LIMIT);
    deep_job j = {.v = &deep, .max_depth = WK_MAX_DEPTH_LIMIT};
    wk_buf_init(&j.out);
    pthread_attr_t attr;
    pthread_t t;
    assert_int_equal(pthread_attr_init(&attr), 0);
    assert_int_equal(pthread_attr_setstacksize(&attr, 64 * 1024), 0);
    assert_int_equal(pthread_create(&t, &attr, deep_encode, &j), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(j.rc, WK_OK);
    /* "[" per level, the 0, "]" per level. */
    assert_int_equal(j.out.len, 2 * WK_MAX_DEPTH_LIMIT + 1);
    assert_memory_equal(j.out.data, "[[[", 3);
    assert_memory_equal(j.out.data + WK_MAX_DEPTH_LIMIT - 1, "[0]]", 4);
    const wk_value *back;
    wk_decode_opts dopts = {.max_depth = WK_MAX_DEPTH_LIMIT};
    wk_status st;
    assert_int_equal(wk_decode(json, j.out.data, j.out.len, &dopts, arena, &back, &st), WK_OK);
    assert_true(wk_value_equal(back, &deep));
    /* One level more fails, naming the path to the list that is too deep. */
    wk_buf_clear(&j.out);
    j.max_depth = WK_MAX_DEPTH_LIMIT - 1;
    assert_int_equal(pthread_create(&t, &attr, deep_encode, &j), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(j.rc, WK_ERR_DEPTH);
    assert_int_equal(j.out.len, 0);
    assert_int_equal(strncmp(j.st.msg, "$[0][0][0]", 10), 0);
    pthread_attr_destroy(&attr);
    wk_buf_destroy(&j.out);
}

static void test_encode_keeps_buffer_on_failure(void **state)
{
    (void)state;
    wk_buf out;
    wk_buf_init(&out);
    assert_int_equal(wk_buf_append(&out, "xyz", 3), WK_OK);
    wk_status st;
    /* Fails after writing a good part of the output. */
    wk_value bad = mk_obj(2, "long", mk_str("a string that is written before the failure"),
                          "a", mk_list(2, wk_value_int(1), wk_value_double(NAN)));
    assert_int_equal(wk_encode(json, &bad, NULL, &out, &st), WK_ERR_UNREPRESENTABLE);
    assert_int_equal(st.code, WK_ERR_UNREPRESENTABLE);
    check_bytes(__FILE__, __LINE__, out.data, out.len, "xyz", 3);
    wk_value deep = nested_lists(4);
    wk_encode_opts opts = {.flags = 0, .max_depth = 3};
    assert_int_equal(wk_encode(json, &deep, &opts, &out, &st), WK_ERR_DEPTH);
    check_bytes(__FILE__, __LINE__, out.data, out.len, "xyz", 3);
    wk_value badstr = mk_list(1, mk_str("\xC0\x80"));
    assert_int_equal(wk_encode(json, &badstr, NULL, &out, NULL), WK_ERR_UNREPRESENTABLE);
    check_bytes(__FILE__, __LINE__, out.data, out.len, "xyz", 3);
    /* Success appends. */
    wk_value good = mk_list(1, wk_value_int(1));
    assert_int_equal(wk_encode(json, &good, NULL, &out, &st), WK_OK);
    assert_int_equal(st.code, WK_OK);
    assert_string_equal(st.msg, "");
    check_bytes(__FILE__, __LINE__, out.data, out.len, "xyz[1]", 6);
    wk_buf_destroy(&out);
}

static void test_encode_invalid_arguments(void **state)
{
    (void)state;
    wk_buf out;
    wk_buf_init(&out);
    wk_status st;
    wk_value v = wk_value_int(1);
    assert_int_equal(wk_encode(NULL, &v, NULL, &out, &st), WK_ERR_INVALID);
    assert_int_equal(wk_encode(json, NULL, NULL, &out, &st), WK_ERR_INVALID);
    assert_int_equal(wk_encode(json, &v, NULL, NULL, &st), WK_ERR_INVALID);
    /* A node of no known kind, with its path. */
    wk_value odd = wk_value_null();
    V_KIND(&odd) = 99;
    wk_value list = mk_list(2, wk_value_int(1), odd);
    ASSERT_ENCODE_FAILS(list, 0, INVALID, "$[1]: ");
    wk_buf_destroy(&out);
}

/* Whatever JSON the decoder accepts, the encoder writes back the same value. */
static void test_encode_decode_round_trip(void **state)
{
    (void)state;
    const wk_value *v = decode_ok(__FILE__, __LINE__, oom_doc, sizeof oom_doc - 1, NULL);
    wk_buf out;
    wk_buf_init(&out);
    assert_int_equal(encode(v, 0, 0, &out, NULL), WK_OK);
    const wk_value *back = decode_ok(__FILE__, __LINE__, (const char *)out.data, out.len, NULL);
    assert_true(wk_value_equal(v, back));
    /* Compact output is a fixed point. */
    wk_buf again;
    wk_buf_init(&again);
    assert_int_equal(encode(back, 0, 0, &again, NULL), WK_OK);
    check_bytes(__FILE__, __LINE__, again.data, again.len, out.data, out.len);
    wk_buf_destroy(&again);
    wk_buf_destroy(&out);
    ASSERT_ENCODES(*DECODE(" { \"a\" : [ 1 , 2.50 , -0 , \"\\u00e9\\/\" ] } "),
                   "{\"a\":[1,2.5,0,\"\xC3\xA9/\"]}");
}

/* ================================================================== */
/* parse_only and sniffing                                             */
/* ================================================================== */

static void test_parse_only(void **state)
{
    (void)state;
    wk_status st;
    assert_int_equal(wk_parse_only(json, oom_doc, sizeof oom_doc - 1, NULL, &st), WK_OK);
    assert_int_equal(st.code, WK_OK);
    assert_int_equal(wk_parse_only(json, "[1,{\"a\":null}]", 14, NULL, &st), WK_OK);
    assert_int_equal(wk_parse_only(json, " 42 ", 4, NULL, NULL), WK_OK);
    static const char *const invalid[] = {"[1,]", "{a:1}", "01", "[1", "", "[1]x", "\"\\x\"",
                                          "NaN", "// c\n1", "\"a\x01\""};
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        wk_code rc = wk_parse_only(json, invalid[i], strlen(invalid[i]), NULL, &st);
        if (rc == WK_OK) print_error("parse_only accepted \"%s\"\n", show(invalid[i], strlen(invalid[i])));
        assert_int_not_equal(rc, WK_OK);
        assert_int_equal(st.code, rc);
        assert_true(st.msg[0] != '\0');
        assert_int_not_equal(wk_parse_only(json, invalid[i], strlen(invalid[i]), NULL, NULL), WK_OK);
    }
}

static void test_sniff(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "{\"a\":1}", "[1,2]", " \n\t[true]", "\xEF\xBB\xBF{\"a\":1}", "\"text\"", "true",
        "false", "null", "{}", "[]", "\r\n  {\"k\": \"v\"}\n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const wk_format *f = wk_format_sniff((const uint8_t *)texts[i], strlen(texts[i]));
        if (f != json) print_error("\"%s\" sniffed as %s\n", show(texts[i], strlen(texts[i])),
                                   f ? f->name : "nothing");
        assert_ptr_equal(f, json);
    }
    /* The JSON sniffer's own scores. */
    assert_int_equal(json->sniff((const uint8_t *)"{\"a\":1}", 7), 90);
    assert_int_equal(json->sniff((const uint8_t *)"[", 1), 0);
    assert_int_equal(json->sniff((const uint8_t *)"\"s\"", 3), 60);
    /* A number is JSON when it is more than one byte (one digit is also a
     * MessagePack fixint); "42" from standard input converts. */
    assert_int_equal(json->sniff((const uint8_t *)"-12", 3), 60);
    assert_int_equal(json->sniff((const uint8_t *)"7", 1), 20);
    assert_ptr_equal(wk_format_sniff((const uint8_t *)"42\n", 3), json);
    assert_int_equal(json->sniff((const uint8_t *)"", 0), 0);
    assert_int_equal(json->sniff((const uint8_t *)"   ", 3), 0);
    assert_int_equal(json->sniff((const uint8_t *)"<a/>", 4), 0);
    assert_int_equal(json->sniff((const uint8_t *)"\x82\xA1" "a", 3), 0);
    /* Not JSON at all. */
    assert_null(wk_format_sniff((const uint8_t *)"", 0));
    assert_null(wk_format_sniff((const uint8_t *)"  \n", 3));
    assert_ptr_not_equal(wk_format_sniff((const uint8_t *)"<a/>", 4), json);
}

/*
 * The writer reserves room for a string as it is and grows when escapes
 * need more: a long plain prefix, then escapes to the end, written into a
 * buffer that already holds data, must come out whole and read back equal.
 */
static void test_encode_escapes_grow_the_buffer(void **state)
{
    (void)state;
    size_t n = 100000;
    char *text = malloc(n);
    assert_non_null(text);
    for (size_t i = 0; i < n; i++) text[i] = i < n / 2 ? 'a' : (char)(i % 3 == 0 ? '\n' : i % 3 == 1 ? '\x01' : '"');
    wk_arena *a = wk_arena_new(0);
    wk_value v;
    assert_int_equal(wk_value_string(a, text, n, &v), WK_OK);
    wk_buf b;
    wk_buf_init(&b);
    assert_int_equal(wk_buf_append(&b, "[", 1), WK_OK);
    wk_status st;
    assert_int_equal(wk_encode(json, &v, NULL, &b, &st), WK_OK);
    /* "[", the quotes, then each byte as written: \n and \" take 2, \u0001 takes 6. */
    size_t expected = 1 + 2;
    for (size_t i = 0; i < n; i++) expected += text[i] == 'a' ? 1 : text[i] == '\x01' ? 6 : 2;
    assert_int_equal(b.len, expected);
    const wk_value *back;
    assert_int_equal(wk_decode(json, b.data + 1, b.len - 1, NULL, a, &back, &st), WK_OK);
    assert_true(wk_value_equal(&v, back));
    wk_buf_destroy(&b);
    wk_arena_free(a);
    free(text);
}

/* parse_only skips a byte order mark as decode does. */
static void test_parse_only_bom(void **state)
{
    (void)state;
    wk_status st;
    assert_int_equal(wk_parse_only(json, "\xEF\xBB\xBF[1]", 6, NULL, &st), WK_OK);
    assert_int_equal(wk_parse_only(json, "\xEF\xBB[1]", 5, NULL, &st), WK_ERR_SYNTAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_encode_escapes_grow_the_buffer),
        T(test_parse_only_bom),
        T(test_decode_every_kind),
        T(test_decode_integers_exact),
        T(test_decode_doubles),
        T(test_decode_number_out_of_range),
        T(test_decode_string_escapes),
        T(test_decode_raw_utf8_and_bom),
        T(test_decode_nested_and_top_level),
        T(test_decode_empty_containers),
        T(test_decode_duplicate_keys_kept_in_order),
        T(test_decode_invalid_arguments),
        T(test_reject_trailing_commas),
        T(test_reject_comments),
        T(test_reject_trailing_comment_position),
        T(test_reject_numbers),
        T(test_reject_quotes_keys_and_literals),
        T(test_reject_missing_comma_in_object_position),
        T(test_reject_escapes),
        T(test_reject_control_characters),
        T(test_reject_lone_surrogates),
        T(test_reject_invalid_utf8_in_string),
        T(test_reject_invalid_utf8_in_key),
        T(test_reject_trailing_data),
        T(test_reject_trailing_data_after_word_position),
        T(test_reject_empty_and_unclosed),
        T(test_reject_multiline_position),
        T(test_reject_after_bom_offsets),
        T(test_depth_default_limit),
        T(test_depth_option),
        T(test_depth_clamped_to_hard_limit),
        T(test_depth_million_brackets),
        T(test_out_of_memory_fixed_arena),
        T(test_encode_every_kind),
        T(test_encode_doubles_shortest),
        T(test_encode_nan_and_infinity_name_the_path),
        T(test_encode_string_escaping),
        T(test_encode_invalid_utf8_is_unrepresentable),
        T(test_encode_bytes_as_base64),
        T(test_encode_ext),
        T(test_encode_non_string_keys),
        T(test_encode_pretty),
        T(test_encode_depth_limit),
        T(test_encode_deep_on_a_small_stack),
        T(test_encode_keeps_buffer_on_failure),
        T(test_encode_invalid_arguments),
        T(test_encode_decode_round_trip),
        T(test_parse_only),
        T(test_sniff),
        /* Last: under the sanitizers these crash the whole executable. */
        T(test_decode_empty_container_in_fresh_arena),
        T(test_decode_empty_top_level_container),
        T(test_decode_empty_container_with_full_scratch_stack),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
