/*
 * Tests of the MessagePack backend (formats/msgpack.c): every type and width
 * decoded from hand-written bytes, encoding to exact bytes, byte-identical
 * round trips, every error with its code and offset, depth and memory
 * limits, parse_only, sniffing, and a randomized robustness loop.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/internal.h"
#include <wirekit/wirekit.h>

/* A byte array literal and its length, as two arguments. */
#define BYTES(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

static const wk_format *mp(void)
{
    const wk_format *f = wk_format_find("msgpack");
    assert_non_null(f);
    return f;
}

/* ---- helpers ---- */

static const wk_value *decode_ok(wk_arena *a, const uint8_t *data, size_t len)
{
    const wk_value *v = NULL;
    wk_status st;
    wk_code rc = wk_decode(mp(), data, len, NULL, a, &v, &st);
    if (rc != WK_OK) print_error("decode failed: %s at %zu: %s\n", wk_code_name(rc), st.offset, st.msg);
    assert_int_equal(rc, WK_OK);
    assert_int_equal(st.code, WK_OK);
    assert_string_equal(st.msg, "");
    assert_non_null(v);
    return v;
}

/*
 * Decodes and expects the error `code` at `offset`, with a message, leaving
 * the output untouched; then again without a status, which must give the
 * same code.
 */
static void expect_error_opts(const uint8_t *data, size_t len, const wk_decode_opts *opts,
                              wk_code code, size_t offset, wk_status *st_out)
{
    static const wk_value sentinel;
    wk_arena *a = wk_arena_new(0);
    const wk_value *v = &sentinel;
    wk_status st;
    wk_code rc = wk_decode(mp(), data, len, opts, a, &v, &st);
    if (rc != code || st.offset != offset)
        print_error("expected %s at %zu, got %s at %zu: %s\n", wk_code_name(code), offset,
                    wk_code_name(rc), st.offset, st.msg);
    assert_int_equal(rc, code);
    assert_int_equal(st.code, code);
    assert_int_equal(st.offset, offset);
    assert_int_equal(st.line, 0);
    assert_int_equal(st.col, 0);
    assert_true(strlen(st.msg) > 0);
    assert_ptr_equal(v, &sentinel);
    assert_int_equal(wk_decode(mp(), data, len, opts, a, &v, NULL), code);
    assert_ptr_equal(v, &sentinel);
    if (st_out) *st_out = st;
    wk_arena_free(a);
}

static void expect_error(const uint8_t *data, size_t len, wk_code code, size_t offset)
{
    expect_error_opts(data, len, NULL, code, offset, NULL);
}

static void check_int(const wk_value *v, int64_t i)
{
    assert_int_equal(v->kind, WK_INT);
    assert_true(v->as.i == i);
}

static void check_uint(const wk_value *v, uint64_t u)
{
    assert_int_equal(v->kind, WK_UINT);
    assert_true(v->as.u == u);
}

static uint64_t double_bits(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

static double bits_double(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static void check_double_bits(const wk_value *v, uint64_t bits)
{
    assert_int_equal(v->kind, WK_DOUBLE);
    assert_true(double_bits(v->as.d) == bits);
}

/* A string, bytes or ext value: kind, exact bytes, and the NUL after them. */
static void check_blob(const wk_value *v, wk_kind kind, const void *data, size_t len)
{
    assert_int_equal(v->kind, kind);
    assert_int_equal(v->len, len);
    assert_non_null(v->as.str);
    if (len) assert_memory_equal(v->as.str, data, len);
    assert_int_equal(v->as.str[len], '\0');
}

static void check_ext(const wk_value *v, int8_t type, const void *data, size_t len)
{
    check_blob(v, WK_EXT, data, len);
    assert_int_equal(v->ext_type, type);
}

/* Encodes and expects exactly `bytes`; the bytes must decode back to an equal value. */
static void expect_encoding(const wk_value *v, const uint8_t *bytes, size_t len)
{
    wk_buf b;
    wk_status st;
    wk_buf_init(&b);
    wk_code rc = wk_encode(mp(), v, NULL, &b, &st);
    if (rc != WK_OK) print_error("encode failed: %s\n", st.msg);
    assert_int_equal(rc, WK_OK);
    assert_int_equal(b.len, len);
    assert_memory_equal(b.data, bytes, len);
    wk_arena *a = wk_arena_new(0);
    const wk_value *back = decode_ok(a, b.data, b.len);
    assert_true(wk_value_equal(back, v));
    wk_arena_free(a);
    wk_buf_destroy(&b);
}

#define EXPECT_ENCODING(v, ...)                                             \
    do {                                                                    \
        static const uint8_t expected_[] = {__VA_ARGS__};                   \
        expect_encoding((v), expected_, sizeof expected_);                  \
    } while (0)

/* Decodes, re-encodes, and expects the very same bytes. */
static void expect_round_trip(const uint8_t *data, size_t len)
{
    wk_arena *a = wk_arena_new(0);
    const wk_value *v = decode_ok(a, data, len);
    wk_buf b;
    wk_status st;
    wk_buf_init(&b);
    assert_int_equal(wk_encode(mp(), v, NULL, &b, &st), WK_OK);
    assert_int_equal(b.len, len);
    assert_memory_equal(b.data, data, len);
    wk_buf_destroy(&b);
    wk_arena_free(a);
}

/* Byte writers for building larger documents. */
static void put8(wk_buf *b, uint8_t x) { assert_int_equal(wk_buf_append(b, &x, 1), WK_OK); }
static void put16(wk_buf *b, uint16_t x) { put8(b, (uint8_t)(x >> 8)); put8(b, (uint8_t)x); }
static void put32(wk_buf *b, uint32_t x) { put16(b, (uint16_t)(x >> 16)); put16(b, (uint16_t)x); }
static void put64(wk_buf *b, uint64_t x) { put32(b, (uint32_t)(x >> 32)); put32(b, (uint32_t)x); }
static void put_fill(wk_buf *b, uint8_t c, size_t n) { for (size_t i = 0; i < n; i++) put8(b, c); }
static void put_fixstr(wk_buf *b, const char *s)
{
    size_t n = strlen(s);
    assert_true(n < 32);
    put8(b, (uint8_t)(0xa0 | n));
    assert_int_equal(wk_buf_append(b, s, n), WK_OK);
}

/* n arrays of one item each around an empty array: nesting depth n. */
static uint8_t *nested_arrays(size_t n)
{
    uint8_t *d = malloc(n);
    assert_non_null(d);
    memset(d, 0x91, n);
    d[n - 1] = 0x90;
    return d;
}

static size_t list_depth(const wk_value *v)
{
    size_t depth = 0;
    while (v->kind == WK_LIST) {
        depth++;
        if (v->len == 0) break;
        v = &v->as.items[0];
    }
    return depth;
}

/*
 * A document with every header form, small payloads, non-canonical widths
 * included: the truncation, memory and robustness tests cut and bend it.
 */
static void build_every_form(wk_buf *b)
{
    put8(b, 0xde); put16(b, 33);                        /* map 16 */
    put_fixstr(b, "nil"); put8(b, 0xc0);
    put_fixstr(b, "bools"); put8(b, 0x92); put8(b, 0xc2); put8(b, 0xc3);
    put_fixstr(b, "fix"); put8(b, 0x92); put8(b, 0x7f); put8(b, 0xe0);
    put_fixstr(b, "u8"); put8(b, 0xcc); put8(b, 0xc8);
    put_fixstr(b, "u16"); put8(b, 0xcd); put16(b, 0x1234);
    put_fixstr(b, "u32"); put8(b, 0xce); put32(b, 0x12345678);
    put_fixstr(b, "u64"); put8(b, 0xcf); put64(b, UINT64_MAX);
    put_fixstr(b, "i8"); put8(b, 0xd0); put8(b, 0x80);
    put_fixstr(b, "i16"); put8(b, 0xd1); put16(b, 0x8000);
    put_fixstr(b, "i32"); put8(b, 0xd2); put32(b, 0x80000000u);
    put_fixstr(b, "i64"); put8(b, 0xd3); put64(b, 0x8000000000000000ull);
    put_fixstr(b, "f32"); put8(b, 0xca); put32(b, 0x3fc00000u);
    put_fixstr(b, "f64"); put8(b, 0xcb); put64(b, 0x3fb999999999999aull);
    put_fixstr(b, "s"); put_fixstr(b, "h\xc3\xa9llo");
    put_fixstr(b, "s8"); put8(b, 0xd9); put8(b, 2); put8(b, 'a'); put8(b, 'b');
    put_fixstr(b, "s16"); put8(b, 0xda); put16(b, 1); put8(b, 'c');
    put_fixstr(b, "s32"); put8(b, 0xdb); put32(b, 3); put8(b, 'x'); put8(b, 0); put8(b, 'y');
    put_fixstr(b, "b8"); put8(b, 0xc4); put8(b, 2); put8(b, 0x00); put8(b, 0xff);
    put_fixstr(b, "b16"); put8(b, 0xc5); put16(b, 1); put8(b, 0x80);
    put_fixstr(b, "b32"); put8(b, 0xc6); put32(b, 0);
    put_fixstr(b, "fe1"); put8(b, 0xd4); put8(b, 1); put8(b, 0xaa);
    put_fixstr(b, "fe2"); put8(b, 0xd5); put8(b, 2); put_fill(b, 0xbb, 2);
    put_fixstr(b, "fe4"); put8(b, 0xd6); put8(b, 0xff); put32(b, 0x5f5e1000);
    put_fixstr(b, "fe8"); put8(b, 0xd7); put8(b, 0xff); put64(b, 0x0000000400000001ull);
    put_fixstr(b, "fe16"); put8(b, 0xd8); put8(b, 0x80); put_fill(b, 0xcc, 16);
    put_fixstr(b, "e8"); put8(b, 0xc7); put8(b, 12); put8(b, 0xff); put32(b, 1); put64(b, 2);
    put_fixstr(b, "e16"); put8(b, 0xc8); put16(b, 1); put8(b, 7); put8(b, 0x11);
    put_fixstr(b, "e32"); put8(b, 0xc9); put32(b, 0); put8(b, 0x7f);
    put_fixstr(b, "a16"); put8(b, 0xdc); put16(b, 2); put8(b, 0x01); put8(b, 0x90);
    put_fixstr(b, "a32"); put8(b, 0xdd); put32(b, 1); put8(b, 0x80);
    put_fixstr(b, "m16"); put8(b, 0xde); put16(b, 1); put8(b, 0x01); put8(b, 0xc3);
    put_fixstr(b, "m32"); put8(b, 0xdf); put32(b, 1); put8(b, 0x91); put8(b, 0xc0); put8(b, 0x81);
    put8(b, 0x80); put8(b, 0xc0);   /* a map keyed by a list, holding a map keyed by a map */
    put_fixstr(b, "end"); put8(b, 0xc2);
}

/* ---- the table ---- */

static void test_table(void **state)
{
    (void)state;
    const wk_format *f = mp();
    assert_string_equal(f->name, "msgpack");
    assert_false(f->is_text);
    assert_non_null(f->sniff);
    assert_non_null(f->decode);
    assert_non_null(f->encode);
    assert_non_null(f->parse_only);
    assert_string_equal(f->aliases[0], "mp");
    assert_string_equal(f->aliases[1], "messagepack");
    assert_null(f->aliases[2]);
    assert_string_equal(f->media_types[0], "application/msgpack");
    assert_string_equal(f->media_types[1], "application/x-msgpack");
    assert_string_equal(f->media_types[2], "application/vnd.msgpack");
    assert_null(f->media_types[3]);
    assert_string_equal(f->extensions[0], "msgpack");
    assert_string_equal(f->extensions[1], "mp");
    assert_string_equal(f->extensions[2], "mpk");
    assert_null(f->extensions[3]);
    assert_ptr_equal(wk_format_find("mp"), f);
    assert_ptr_equal(wk_format_find("MessagePack"), f);
    assert_ptr_equal(wk_format_find("application/x-msgpack"), f);
    assert_ptr_equal(wk_format_find("application/vnd.msgpack"), f);
    assert_ptr_equal(wk_format_find(".mpk"), f);
    assert_ptr_equal(wk_format_for_path("dir/orders.msgpack"), f);
    assert_non_null(f->backend_version);
    const char *version = f->backend_version();
    assert_int_equal(strncmp(version, "msgpack-c ", 10), 0);
    assert_true(strlen(version) > 10);
}

/* ---- decoding every type and width ---- */

static void test_decode_nil_bool(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_int_equal(decode_ok(a, BYTES(0xc0))->kind, WK_NULL);
    const wk_value *v = decode_ok(a, BYTES(0xc2));
    assert_int_equal(v->kind, WK_BOOL);
    assert_false(v->as.b);
    v = decode_ok(a, BYTES(0xc3));
    assert_int_equal(v->kind, WK_BOOL);
    assert_true(v->as.b);
    wk_arena_free(a);
}

static void test_decode_fixint(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    check_int(decode_ok(a, BYTES(0x00)), 0);
    check_int(decode_ok(a, BYTES(0x01)), 1);
    check_int(decode_ok(a, BYTES(0x7f)), 127);
    check_int(decode_ok(a, BYTES(0xe0)), -32);
    check_int(decode_ok(a, BYTES(0xfe)), -2);
    check_int(decode_ok(a, BYTES(0xff)), -1);
    wk_arena_free(a);
}

static void test_decode_uint_widths(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    check_int(decode_ok(a, BYTES(0xcc, 0x00)), 0);
    check_int(decode_ok(a, BYTES(0xcc, 0xff)), 255);
    check_int(decode_ok(a, BYTES(0xcd, 0x01, 0x02)), 0x0102);
    check_int(decode_ok(a, BYTES(0xcd, 0xff, 0xff)), 65535);
    check_int(decode_ok(a, BYTES(0xce, 0x01, 0x02, 0x03, 0x04)), 0x01020304);
    check_int(decode_ok(a, BYTES(0xce, 0xff, 0xff, 0xff, 0xff)), 4294967295);
    check_int(decode_ok(a, BYTES(0xcf, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08)),
              0x0102030405060708);
    /* Every uint64 that fits int64 is an int; only the rest are uints. */
    check_int(decode_ok(a, BYTES(0xcf, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)), INT64_MAX);
    check_uint(decode_ok(a, BYTES(0xcf, 0x80, 0, 0, 0, 0, 0, 0, 0)), (uint64_t)INT64_MAX + 1);
    check_uint(decode_ok(a, BYTES(0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)), UINT64_MAX);
    wk_arena_free(a);
}

static void test_decode_int_widths(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    check_int(decode_ok(a, BYTES(0xd0, 0x7f)), 127);
    check_int(decode_ok(a, BYTES(0xd0, 0x80)), -128);
    check_int(decode_ok(a, BYTES(0xd0, 0xff)), -1);
    check_int(decode_ok(a, BYTES(0xd1, 0x7f, 0xff)), 32767);
    check_int(decode_ok(a, BYTES(0xd1, 0x80, 0x00)), -32768);
    check_int(decode_ok(a, BYTES(0xd2, 0x7f, 0xff, 0xff, 0xff)), INT32_MAX);
    check_int(decode_ok(a, BYTES(0xd2, 0x80, 0x00, 0x00, 0x00)), INT32_MIN);
    check_int(decode_ok(a, BYTES(0xd2, 0xff, 0xff, 0xff, 0xfe)), -2);
    check_int(decode_ok(a, BYTES(0xd3, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)), INT64_MAX);
    check_int(decode_ok(a, BYTES(0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0)), INT64_MIN);
    check_int(decode_ok(a, BYTES(0xd3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)), -1);
    wk_arena_free(a);
}

static void test_decode_floats(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    check_double_bits(decode_ok(a, BYTES(0xca, 0x3f, 0xc0, 0x00, 0x00)), double_bits(1.5));
    /* 0.1f widened exactly: not 0.1. */
    check_double_bits(decode_ok(a, BYTES(0xca, 0x3d, 0xcc, 0xcc, 0xcd)), double_bits((double)0.1f));
    check_double_bits(decode_ok(a, BYTES(0xca, 0x3d, 0xcc, 0xcc, 0xcd)), 0x3fb99999a0000000ull);
    check_double_bits(decode_ok(a, BYTES(0xca, 0x80, 0x00, 0x00, 0x00)), 0x8000000000000000ull);
    check_double_bits(decode_ok(a, BYTES(0xca, 0x7f, 0x80, 0x00, 0x00)), double_bits(INFINITY));
    check_double_bits(decode_ok(a, BYTES(0xca, 0xff, 0x80, 0x00, 0x00)), double_bits(-INFINITY));
    check_double_bits(decode_ok(a, BYTES(0xca, 0x7f, 0x7f, 0xff, 0xff)), double_bits(FLT_MAX));
    check_double_bits(decode_ok(a, BYTES(0xca, 0x00, 0x00, 0x00, 0x01)), double_bits(ldexp(1, -149)));
    /* NaNs keep sign, quiet bit and payload: quiet, signalling, negative. */
    check_double_bits(decode_ok(a, BYTES(0xca, 0x7f, 0xc0, 0x00, 0x00)), 0x7ff8000000000000ull);
    check_double_bits(decode_ok(a, BYTES(0xca, 0x7f, 0x80, 0x00, 0x01)), 0x7ff0000020000000ull);
    check_double_bits(decode_ok(a, BYTES(0xca, 0xff, 0xc0, 0x00, 0x05)), 0xfff80000a0000000ull);
    check_double_bits(decode_ok(a, BYTES(0xcb, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a)),
                      double_bits(0.1));
    check_double_bits(decode_ok(a, BYTES(0xcb, 0x80, 0, 0, 0, 0, 0, 0, 0)), 0x8000000000000000ull);
    check_double_bits(decode_ok(a, BYTES(0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0x01)), 0x7ff8000000000001ull);
    check_double_bits(decode_ok(a, BYTES(0xcb, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0x01)), 0x7ff0000000000001ull);
    check_double_bits(decode_ok(a, BYTES(0xcb, 0x00, 0, 0, 0, 0, 0, 0, 0x01)), 1);
    const wk_value *nan = decode_ok(a, BYTES(0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0));
    assert_true(isnan(nan->as.d));
    const wk_value *negzero = decode_ok(a, BYTES(0xca, 0x80, 0x00, 0x00, 0x00));
    assert_true(negzero->as.d == 0.0 && signbit(negzero->as.d));
    wk_arena_free(a);
}

static void test_decode_strings(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    check_blob(decode_ok(a, BYTES(0xa0)), WK_STRING, "", 0);
    check_blob(decode_ok(a, BYTES(0xa3, 'a', 'b', 'c')), WK_STRING, "abc", 3);
    check_blob(decode_ok(a, BYTES(0xa3, 'a', 0x00, 'b')), WK_STRING, "a\0b", 3);
    check_blob(decode_ok(a, BYTES(0xa2, 0xc3, 0xa9)), WK_STRING, "\xc3\xa9", 2);
    check_blob(decode_ok(a, BYTES(0xa4, 0xf0, 0x9f, 0x98, 0x80)), WK_STRING, "\xf0\x9f\x98\x80", 4);
    check_blob(decode_ok(a, BYTES(0xd9, 0x00)), WK_STRING, "", 0);
    check_blob(decode_ok(a, BYTES(0xda, 0x00, 0x00)), WK_STRING, "", 0);
    check_blob(decode_ok(a, BYTES(0xdb, 0x00, 0x00, 0x00, 0x00)), WK_STRING, "", 0);
    check_blob(decode_ok(a, BYTES(0xd9, 0x02, 'h', 'i')), WK_STRING, "hi", 2);
    check_blob(decode_ok(a, BYTES(0xda, 0x00, 0x02, 'h', 'i')), WK_STRING, "hi", 2);
    check_blob(decode_ok(a, BYTES(0xdb, 0x00, 0x00, 0x00, 0x02, 'h', 'i')), WK_STRING, "hi", 2);

    /* Every width at its natural size: 31, 255, 65535 and 65536 bytes. */
    static const size_t sizes[] = {31, 255, 65535, 65536};
    for (size_t i = 0; i < 4; i++) {
        size_t n = sizes[i];
        wk_buf b;
        wk_buf_init(&b);
        if (n < 32) put8(&b, (uint8_t)(0xa0 | n));
        else if (n < 256) { put8(&b, 0xd9); put8(&b, (uint8_t)n); }
        else if (n < 65536) { put8(&b, 0xda); put16(&b, (uint16_t)n); }
        else { put8(&b, 0xdb); put32(&b, (uint32_t)n); }
        size_t header = b.len;
        for (size_t k = 0; k < n; k++) put8(&b, (uint8_t)('a' + k % 26));
        const wk_value *v = decode_ok(a, b.data, b.len);
        check_blob(v, WK_STRING, b.data + header, n);
        wk_buf_destroy(&b);
    }
    wk_arena_free(a);
}

static void test_decode_bin(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    check_blob(decode_ok(a, BYTES(0xc4, 0x00)), WK_BYTES, "", 0);
    check_blob(decode_ok(a, BYTES(0xc5, 0x00, 0x00)), WK_BYTES, "", 0);
    check_blob(decode_ok(a, BYTES(0xc6, 0x00, 0x00, 0x00, 0x00)), WK_BYTES, "", 0);
    /* Binary is not UTF-8 checked. */
    check_blob(decode_ok(a, BYTES(0xc4, 0x03, 0x00, 0xff, 0x80)), WK_BYTES, "\x00\xff\x80", 3);
    check_blob(decode_ok(a, BYTES(0xc5, 0x00, 0x02, 0xc1, 0xc0)), WK_BYTES, "\xc1\xc0", 2);
    check_blob(decode_ok(a, BYTES(0xc6, 0x00, 0x00, 0x00, 0x01, 0xfe)), WK_BYTES, "\xfe", 1);
    wk_buf b;
    wk_buf_init(&b);
    put8(&b, 0xc6);
    put32(&b, 70000);
    for (size_t k = 0; k < 70000; k++) put8(&b, (uint8_t)k);
    check_blob(decode_ok(a, b.data, b.len), WK_BYTES, b.data + 5, 70000);
    wk_buf_destroy(&b);
    wk_arena_free(a);
}

static void test_decode_ext(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    check_ext(decode_ok(a, BYTES(0xd4, 0x05, 0xaa)), 5, "\xaa", 1);
    check_ext(decode_ok(a, BYTES(0xd5, 0x80, 0x01, 0x02)), -128, "\x01\x02", 2);
    check_ext(decode_ok(a, BYTES(0xd6, 0x7f, 1, 2, 3, 4)), 127, "\x01\x02\x03\x04", 4);
    check_ext(decode_ok(a, BYTES(0xd7, 0x00, 1, 2, 3, 4, 5, 6, 7, 8)), 0, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    check_ext(decode_ok(a, BYTES(0xd8, 0x10, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)), 16,
              "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f", 16);
    check_ext(decode_ok(a, BYTES(0xc7, 0x00, 0x03)), 3, "", 0);
    check_ext(decode_ok(a, BYTES(0xc7, 0x03, 0xfe, 'a', 0, 'b')), -2, "a\0b", 3);
    check_ext(decode_ok(a, BYTES(0xc8, 0x00, 0x02, 0x09, 0xff, 0xfe)), 9, "\xff\xfe", 2);
    check_ext(decode_ok(a, BYTES(0xc9, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x42)), 10, "\x42", 1);
    check_ext(decode_ok(a, BYTES(0xc9, 0x00, 0x00, 0x00, 0x00, 0x0b)), 11, "", 0);
    /* Timestamps (type -1) in their three sizes: 32, 64 and 96 bits. */
    check_ext(decode_ok(a, BYTES(0xd6, 0xff, 0x5f, 0x5e, 0x10, 0x00)), -1, "\x5f\x5e\x10\x00", 4);
    check_ext(decode_ok(a, BYTES(0xd7, 0xff, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01)), -1,
              "\x00\x00\x00\x04\x00\x00\x00\x01", 8);
    check_ext(decode_ok(a, BYTES(0xc7, 0x0c, 0xff, 0x3b, 0x9a, 0xc9, 0xff, 0xff, 0xff, 0xff, 0xff,
                                 0xff, 0xff, 0xff, 0xff)),
              -1, "\x3b\x9a\xc9\xff\xff\xff\xff\xff\xff\xff\xff\xff", 12);
    wk_arena_free(a);
}

static void test_decode_containers(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    const wk_value *v;
    static const uint8_t empty_lists[][5] = {{0x90}, {0xdc, 0, 0}, {0xdd, 0, 0, 0, 0}};
    static const size_t empty_list_lens[] = {1, 3, 5};
    for (size_t i = 0; i < 3; i++) {
        v = decode_ok(a, empty_lists[i], empty_list_lens[i]);
        assert_int_equal(v->kind, WK_LIST);
        assert_int_equal(v->len, 0);
    }
    static const uint8_t empty_maps[][5] = {{0x80}, {0xde, 0, 0}, {0xdf, 0, 0, 0, 0}};
    for (size_t i = 0; i < 3; i++) {
        v = decode_ok(a, empty_maps[i], empty_list_lens[i]);
        assert_int_equal(v->kind, WK_MAP);
        assert_int_equal(v->len, 0);
    }

    v = decode_ok(a, BYTES(0x93, 0x01, 0xa1, 'x', 0x92, 0xc0, 0x90));
    assert_int_equal(v->kind, WK_LIST);
    assert_int_equal(v->len, 3);
    check_int(&v->as.items[0], 1);
    check_blob(&v->as.items[1], WK_STRING, "x", 1);
    assert_int_equal(v->as.items[2].kind, WK_LIST);
    assert_int_equal(v->as.items[2].len, 2);
    assert_int_equal(v->as.items[2].as.items[0].kind, WK_NULL);
    assert_int_equal(v->as.items[2].as.items[1].len, 0);

    v = decode_ok(a, BYTES(0xdc, 0x00, 0x02, 0xc3, 0xc2));
    assert_int_equal(v->len, 2);
    assert_true(v->as.items[0].as.b);
    v = decode_ok(a, BYTES(0xdd, 0x00, 0x00, 0x00, 0x01, 0x05));
    assert_int_equal(v->len, 1);
    check_int(&v->as.items[0], 5);

    /* A fixarray of 15 and an array 16 of 16. */
    uint8_t fifteen[16] = {0x9f};
    for (int i = 1; i < 16; i++) fifteen[i] = (uint8_t)i;
    v = decode_ok(a, fifteen, sizeof fifteen);
    assert_int_equal(v->len, 15);
    check_int(&v->as.items[14], 15);

    v = decode_ok(a, BYTES(0x82, 0xa1, 'a', 0x01, 0xa1, 'b', 0x92, 0x02, 0x03));
    assert_int_equal(v->kind, WK_MAP);
    assert_int_equal(v->len, 2);
    check_int(wk_map_get(v, "a"), 1);
    assert_int_equal(wk_map_get(v, "b")->len, 2);

    v = decode_ok(a, BYTES(0xde, 0x00, 0x01, 0xa1, 'k', 0xc0));
    assert_int_equal(v->len, 1);
    v = decode_ok(a, BYTES(0xdf, 0x00, 0x00, 0x00, 0x01, 0xa1, 'k', 0xc3));
    assert_true(wk_map_get(v, "k")->as.b);

    /* Keys of every kind, containers included; duplicates are kept in order. */
    v = decode_ok(a, BYTES(0x88, 0x01, 0xa3, 'o', 'n', 'e', 0xc0, 0x00, 0xc3, 0x01, 0xcb, 0x3f, 0xf0, 0, 0,
                           0, 0, 0, 0, 0x02, 0x92, 0x01, 0x02, 0x03, 0x81, 0xa1, 'k', 0xc0, 0x04, 0xc4,
                           0x01, 0xff, 0x05, 0x01, 0x06));
    assert_int_equal(v->len, 8);
    const wk_member *m = v->as.members;
    check_int(&m[0].key, 1);
    check_blob(&m[0].value, WK_STRING, "one", 3);
    assert_int_equal(m[1].key.kind, WK_NULL);
    check_int(&m[1].value, 0);
    assert_int_equal(m[2].key.kind, WK_BOOL);
    check_double_bits(&m[3].key, double_bits(1.0));
    assert_int_equal(m[4].key.kind, WK_LIST);
    assert_int_equal(m[4].key.len, 2);
    check_int(&m[4].value, 3);
    assert_int_equal(m[5].key.kind, WK_MAP);
    assert_int_equal(m[5].key.as.members[0].value.kind, WK_NULL);
    check_int(&m[5].value, 4);
    check_blob(&m[6].key, WK_BYTES, "\xff", 1);
    check_int(&m[6].value, 5);
    check_int(&m[7].key, 1);
    check_int(&m[7].value, 6);
    wk_arena_free(a);
}

static void test_decode_every_form(void **state)
{
    (void)state;
    wk_buf b;
    wk_buf_init(&b);
    build_every_form(&b);
    wk_arena *a = wk_arena_new(0);
    const wk_value *v = decode_ok(a, b.data, b.len);
    assert_int_equal(v->kind, WK_MAP);
    assert_int_equal(v->len, 33);
    check_uint(wk_map_get(v, "u64"), UINT64_MAX);
    check_int(wk_map_get(v, "i64"), INT64_MIN);
    check_blob(wk_map_get(v, "s32"), WK_STRING, "x\0y", 3);
    check_ext(wk_map_get(v, "e8"), -1, "\0\0\0\1\0\0\0\0\0\0\0\2", 12);
    check_ext(wk_map_get(v, "e32"), 127, "", 0);
    const wk_value *m32 = wk_map_get(v, "m32");
    assert_int_equal(m32->kind, WK_MAP);
    assert_int_equal(m32->as.members[0].key.kind, WK_LIST);
    assert_int_equal(m32->as.members[0].value.kind, WK_MAP);
    assert_int_equal(m32->as.members[0].value.as.members[0].key.kind, WK_MAP);
    assert_false(wk_map_get(v, "end")->as.b);
    wk_arena_free(a);
    wk_buf_destroy(&b);
}

/* ---- decode errors ---- */

static void test_error_empty_and_trailing(void **state)
{
    (void)state;
    expect_error((const uint8_t *)"", 0, WK_ERR_TRUNCATED, 0);
    expect_error(BYTES(0xc0, 0xc0), WK_ERR_TRAILING, 1);
    expect_error(BYTES(0x91, 0x01, 0x02), WK_ERR_TRAILING, 2);
    expect_error(BYTES(0xa1, 'a', 0x00, 0x00, 0x00), WK_ERR_TRAILING, 2);
    /* A NULL pointer with no bytes is an empty input too. */
    wk_arena *a = wk_arena_new(0);
    const wk_value *v = NULL;
    wk_status st;
    assert_int_equal(wk_decode(mp(), NULL, 0, NULL, a, &v, &st), WK_ERR_TRUNCATED);
    assert_int_equal(st.offset, 0);
    assert_null(v);
    wk_arena_free(a);
}

static void test_error_never_used_byte(void **state)
{
    (void)state;
    wk_status st;
    expect_error_opts(BYTES(0xc1), NULL, WK_ERR_SYNTAX, 0, &st);
    assert_string_equal(st.msg, "$: type byte 0xc1 is never used in MessagePack");
    expect_error_opts(BYTES(0x93, 0x01, 0x02, 0xc1), NULL, WK_ERR_SYNTAX, 3, &st);
    assert_string_equal(st.msg, "$[2]: type byte 0xc1 is never used in MessagePack");
    expect_error(BYTES(0x81, 0xc1, 0x00), WK_ERR_SYNTAX, 1);
}

static void test_error_utf8(void **state)
{
    (void)state;
    wk_status st;
    expect_error(BYTES(0xa4, 'a', 'b', 0xff, 'c'), WK_ERR_UTF8, 3);
    expect_error(BYTES(0xa2, 0xc0, 0x80), WK_ERR_UTF8, 1);                 /* overlong */
    expect_error(BYTES(0xa3, 0xed, 0xa0, 0x80), WK_ERR_UTF8, 1);           /* surrogate */
    expect_error(BYTES(0xa4, 0xf4, 0x90, 0x80, 0x80), WK_ERR_UTF8, 1);     /* past U+10FFFF */
    expect_error(BYTES(0xa2, 'x', 0xc3), WK_ERR_UTF8, 2);                  /* cut sequence */
    expect_error(BYTES(0xd9, 0x03, 'o', 'k', 0x80), WK_ERR_UTF8, 4);
    expect_error(BYTES(0xda, 0x00, 0x01, 0xfe), WK_ERR_UTF8, 3);
    expect_error(BYTES(0xdb, 0x00, 0x00, 0x00, 0x01, 0xfe), WK_ERR_UTF8, 5);
    /* Long strings go through the word-at-a-time ASCII check first. */
    uint8_t long_str[42] = {0xd9, 40};
    memset(long_str + 2, 'a', 40);
    long_str[2 + 37] = 0xe9;
    expect_error(long_str, sizeof long_str, WK_ERR_UTF8, 39);

    expect_error_opts(BYTES(0x94, 0x01, 0x02, 0x03, 0x81, 0xa4, 'n', 'a', 'm', 'e', 0xa2, 0xc3, 0x28), NULL,
                      WK_ERR_UTF8, 11, &st);
    assert_string_equal(st.msg, "$[3].name: invalid UTF-8 in string");
    expect_error_opts(BYTES(0x82, 0xa1, 'a', 0x01, 0xa2, 'x', 0xff, 0x02), NULL, WK_ERR_UTF8, 6, &st);
    assert_string_equal(st.msg, "$[1]: invalid UTF-8 in map key");
    expect_error_opts(BYTES(0x81, 0xa1, 'k', 0x92, 0xa0, 0xa1, 0xfe), NULL, WK_ERR_UTF8, 6, &st);
    assert_string_equal(st.msg, "$.k[1]: invalid UTF-8 in string");
    /* A string inside a map used as a key: the path goes through the key's member. */
    expect_error_opts(BYTES(0x81, 0x91, 0xa1, 0xff, 0xc0), NULL, WK_ERR_UTF8, 3, &st);
    assert_string_equal(st.msg, "$[0][0]: invalid UTF-8 in string");
}

/* Specific cut points and the offset each reports: the item that is cut short. */
static void test_error_truncated_offsets(void **state)
{
    (void)state;
    wk_status st;
    expect_error(BYTES(0xcd, 0x01), WK_ERR_TRUNCATED, 0);
    expect_error(BYTES(0xcf, 1, 2, 3, 4, 5, 6, 7), WK_ERR_TRUNCATED, 0);
    expect_error(BYTES(0xcb, 1, 2, 3), WK_ERR_TRUNCATED, 0);
    expect_error(BYTES(0xd9), WK_ERR_TRUNCATED, 0);
    expect_error(BYTES(0xa5, 'a', 'b'), WK_ERR_TRUNCATED, 0);
    expect_error(BYTES(0xc7, 0x03), WK_ERR_TRUNCATED, 0);
    expect_error(BYTES(0xd4), WK_ERR_TRUNCATED, 0);
    expect_error(BYTES(0xd4, 0x01), WK_ERR_TRUNCATED, 0);
    expect_error(BYTES(0xdc, 0x00), WK_ERR_TRUNCATED, 0);
    expect_error(BYTES(0x92, 0x01, 0xcd, 0x01), WK_ERR_TRUNCATED, 2);
    /* A value missing entirely: the offset is where it should start. */
    expect_error_opts(BYTES(0x93, 0xa1, 'x', 0x02), NULL, WK_ERR_TRUNCATED, 4, &st);
    assert_string_equal(st.msg, "$[2]: unexpected end of input where a value should start");
    expect_error_opts(BYTES(0x81, 0xa1, 'k'), NULL, WK_ERR_TRUNCATED, 3, &st);
    assert_string_equal(st.msg, "$.k: unexpected end of input where a value should start");
    /* A container claiming more items than there are bytes left: its header. */
    expect_error_opts(BYTES(0x92, 0x01), NULL, WK_ERR_TRUNCATED, 0, &st);
    assert_string_equal(st.msg, "$: unexpected end of input: fixarray of 2 items needs 2 bytes at least, "
                                "but 1 is left");
    expect_error_opts(BYTES(0x91, 0x82, 0x01, 0x02, 0x03), NULL, WK_ERR_TRUNCATED, 1, &st);
    assert_string_equal(st.msg, "$[0]: unexpected end of input: fixmap of 2 members needs 4 bytes at least, "
                                "but 3 are left");
    expect_error_opts(BYTES(0x91, 0xcd, 0x01), NULL, WK_ERR_TRUNCATED, 1, &st);
    assert_string_equal(st.msg, "$[0]: unexpected end of input: uint 16 cut short");
    /*
     * A container whose items fit, but not together with the items its
     * enclosing containers still need, is reported at its own header: the
     * check that bounds allocation by the input's size finds it there.
     */
    expect_error_opts(BYTES(0x92, 0xdc, 0x00, 0x03, 0x01, 0x02, 0x03), NULL, WK_ERR_TRUNCATED, 1, &st);
    assert_string_equal(st.msg, "$[0]: unexpected end of input: array 16 of 3 items fits in the 3 bytes "
                                "left, but not together with the 1 values the enclosing containers still need");
}

/* Every prefix of a valid document is truncated, and never crashes. */
static void test_error_every_prefix(void **state)
{
    (void)state;
    wk_buf b;
    wk_buf_init(&b);
    build_every_form(&b);
    wk_arena *a = wk_arena_new(0);
    for (size_t cut = 0; cut < b.len; cut++) {
        const wk_value *v = NULL;
        wk_status st;
        wk_code rc = wk_decode(mp(), b.data, cut, NULL, a, &v, &st);
        if (rc != WK_ERR_TRUNCATED) print_error("prefix %zu: %s: %s\n", cut, wk_code_name(rc), st.msg);
        assert_int_equal(rc, WK_ERR_TRUNCATED);
        assert_true(st.offset <= cut);
        assert_null(v);
        wk_arena_reset(a);
    }
    /* The whole document decodes. */
    (void)decode_ok(a, b.data, b.len);
    wk_arena_free(a);
    wk_buf_destroy(&b);
}

/*
 * Lengths are checked against the bytes present before anything is
 * allocated: a few bytes claiming 2^32 - 1 items or bytes fail at once.
 */
static void test_error_huge_claims(void **state)
{
    (void)state;
    expect_error(BYTES(0xdd, 0xff, 0xff, 0xff, 0xff, 0x01), WK_ERR_TRUNCATED, 0);
    expect_error(BYTES(0xdf, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02), WK_ERR_TRUNCATED, 0);
    expect_error(BYTES(0xdc, 0xff, 0xff, 0x01), WK_ERR_TRUNCATED, 0);
    expect_error(BYTES(0xde, 0xff, 0xff, 0x01, 0x02), WK_ERR_TRUNCATED, 0);
    expect_error(BYTES(0xdb, 0xff, 0xff, 0xff, 0xff, 'a'), WK_ERR_TRUNCATED, 0);
    expect_error(BYTES(0xc6, 0xff, 0xff, 0xff, 0xff, 0x00), WK_ERR_TRUNCATED, 0);
    expect_error(BYTES(0xc9, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00), WK_ERR_TRUNCATED, 0);
    expect_error(BYTES(0x91, 0xdd, 0x7f, 0xff, 0xff, 0xff), WK_ERR_TRUNCATED, 1);
    /* A map of n members needs 2n bytes: n bytes are not enough. */
    expect_error(BYTES(0x83, 0x01, 0x02, 0x03), WK_ERR_TRUNCATED, 0);

    wk_arena *a = wk_arena_new(0);
    const wk_value *v;
    wk_status st;
    assert_int_equal(wk_decode(mp(), (const uint8_t[]){0xdd, 0xff, 0xff, 0xff, 0xff, 0x01}, 6, NULL, a,
                               &v, &st),
                     WK_ERR_TRUNCATED);
    assert_true(wk_arena_used(a) <= 64);

    /*
     * Nested headers that each claim the rest of the input: without the
     * count of items still owed to the outer containers, each would
     * allocate about the input's size again (quadratic in total).
     */
    wk_arena_reset(a);
    wk_buf b;
    wk_buf_init(&b);
    const size_t headers = 300;
    for (size_t i = 0; i < headers; i++) {
        put8(&b, 0xdc);
        put16(&b, (uint16_t)(3 * (headers - i - 1)));
    }
    assert_int_equal(wk_decode(mp(), b.data, b.len, NULL, a, &v, &st), WK_ERR_TRUNCATED);
    assert_true(wk_arena_used(a) < 64 * b.len);
    wk_buf_destroy(&b);
    wk_arena_free(a);
}

/* ---- depth ---- */

static void test_depth_default(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    uint8_t *d = nested_arrays(512);
    assert_int_equal(list_depth(decode_ok(a, d, 512)), 512);
    free(d);
    d = nested_arrays(513);
    wk_status st;
    expect_error_opts(d, 513, NULL, WK_ERR_DEPTH, 512, &st);
    assert_non_null(strstr(st.msg, "$[0][0][0]"));
    assert_non_null(strstr(st.msg, "..."));
    assert_non_null(strstr(st.msg, "nested 513 deep, deeper than the limit of 512"));
    free(d);

    /* A top-level scalar is depth 0, a top-level array depth 1. */
    wk_decode_opts one = {.flags = 0, .max_depth = 1};
    expect_error_opts(BYTES(0x91, 0x91, 0xc0), &one, WK_ERR_DEPTH, 1, &st);
    assert_string_equal(st.msg, "$[0]: fixarray nested 2 deep, deeper than the limit of 1");
    const wk_value *v;
    assert_int_equal(wk_decode(mp(), BYTES(0x91, 0xc0), &one, a, &v, &st), WK_OK);
    assert_int_equal(wk_decode(mp(), BYTES(0x05), &one, a, &v, &st), WK_OK);
    /* Empty containers count, and maps nest through keys as well as values. */
    expect_error_opts(BYTES(0x91, 0x90), &one, WK_ERR_DEPTH, 1, NULL);
    expect_error_opts(BYTES(0x81, 0x80, 0xc0), &one, WK_ERR_DEPTH, 1, &st);
    assert_string_equal(st.msg, "$[0]: fixmap nested 2 deep, deeper than the limit of 1");
    expect_error_opts(BYTES(0x81, 0xa1, 'k', 0xdc, 0x00, 0x00), &one, WK_ERR_DEPTH, 3, &st);
    assert_string_equal(st.msg, "$.k: array 16 nested 2 deep, deeper than the limit of 1");
    wk_arena_free(a);
}

static void test_depth_options(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    const wk_value *v;
    wk_status st;
    wk_decode_opts five = {.flags = 0, .max_depth = 5};
    uint8_t *d = nested_arrays(5);
    assert_int_equal(wk_decode(mp(), d, 5, &five, a, &v, &st), WK_OK);
    assert_int_equal(list_depth(v), 5);
    free(d);
    d = nested_arrays(6);
    expect_error_opts(d, 6, &five, WK_ERR_DEPTH, 5, NULL);
    free(d);

    wk_decode_opts thousand = {.flags = 0, .max_depth = 1000};
    d = nested_arrays(1000);
    assert_int_equal(wk_decode(mp(), d, 1000, &thousand, a, &v, &st), WK_OK);
    assert_int_equal(list_depth(v), 1000);
    free(d);
    d = nested_arrays(1001);
    expect_error_opts(d, 1001, &thousand, WK_ERR_DEPTH, 1000, NULL);
    free(d);

    /* Limits above WK_MAX_DEPTH_LIMIT are clamped to it. */
    wk_decode_opts huge = {.flags = 0, .max_depth = 50000};
    d = nested_arrays(WK_MAX_DEPTH_LIMIT);
    assert_int_equal(wk_decode(mp(), d, WK_MAX_DEPTH_LIMIT, &huge, a, &v, &st), WK_OK);
    assert_int_equal(list_depth(v), WK_MAX_DEPTH_LIMIT);
    free(d);
    d = nested_arrays(WK_MAX_DEPTH_LIMIT + 1);
    expect_error_opts(d, WK_MAX_DEPTH_LIMIT + 1, &huge, WK_ERR_DEPTH, WK_MAX_DEPTH_LIMIT, NULL);
    free(d);
    wk_arena_free(a);
}

/* 100000 levels fail cleanly: the reader keeps its stack on the heap. */
static void test_depth_100000(void **state)
{
    (void)state;
    const size_t n = 100000;
    uint8_t *d = nested_arrays(n);
    expect_error(d, n, WK_ERR_DEPTH, 512);
    wk_decode_opts max = {.flags = 0, .max_depth = WK_MAX_DEPTH_LIMIT};
    expect_error_opts(d, n, &max, WK_ERR_DEPTH, WK_MAX_DEPTH_LIMIT, NULL);
    /* Maps nested through their values, and through their keys. */
    for (size_t i = 0; i + 1 < n; i += 2) {
        d[i] = 0x81;
        d[i + 1] = 0xc0;
    }
    expect_error(d, n, WK_ERR_DEPTH, 1024);
    memset(d, 0x81, n);
    expect_error(d, n, WK_ERR_DEPTH, 512);
    free(d);
}

/* ---- out of memory ---- */

static void test_nomem_fixed_arena(void **state)
{
    (void)state;
    _Alignas(16) unsigned char mem[256];
    wk_arena *a = wk_arena_new_fixed(mem, sizeof mem);
    assert_non_null(a);
    wk_buf b;
    wk_buf_init(&b);
    build_every_form(&b);
    const wk_value *v = NULL;
    wk_status st;
    assert_int_equal(wk_decode(mp(), b.data, b.len, NULL, a, &v, &st), WK_ERR_NOMEM);
    assert_int_equal(st.code, WK_ERR_NOMEM);
    assert_non_null(strstr(st.msg, "out of memory"));
    assert_true(st.offset < b.len);
    assert_null(v);
    /* A document that fits still decodes in what is left after a reset. */
    wk_arena_reset(a);
    assert_int_equal(wk_decode(mp(), BYTES(0x92, 0x01, 0xa1, 'x'), NULL, a, &v, &st), WK_OK);
    assert_int_equal(v->len, 2);
    wk_arena_free(a);
    wk_buf_destroy(&b);
}

/*
 * Over many arena sizes, decoding gives either NOMEM or the whole value,
 * and once a size is enough every larger one is too.
 */
static void test_nomem_every_size(void **state)
{
    (void)state;
    wk_buf b;
    wk_buf_init(&b);
    build_every_form(&b);
    wk_arena *ref_arena = wk_arena_new(0);
    const wk_value *ref = decode_ok(ref_arena, b.data, b.len);
    const size_t max = 16384;
    unsigned char *mem = malloc(max);
    assert_non_null(mem);
    size_t first_ok = 0;
    size_t failures = 0;
    for (size_t size = 0; size <= max; size += 8) {
        wk_arena *a = wk_arena_new_fixed(mem, size);
        if (!a) continue;
        const wk_value *v = NULL;
        wk_status st;
        wk_code rc = wk_decode(mp(), b.data, b.len, NULL, a, &v, &st);
        if (rc == WK_OK) {
            assert_true(wk_value_equal(v, ref));
            if (!first_ok) first_ok = size;
        } else {
            assert_int_equal(rc, WK_ERR_NOMEM);
            assert_int_equal(first_ok, 0);
            assert_null(v);
            failures++;
        }
    }
    assert_true(first_ok > 0);
    assert_true(failures > 10);
    /* A heap arena with a cap behaves the same way. */
    wk_arena *capped = wk_arena_new(0);
    wk_arena_set_limit(capped, 512);
    const wk_value *v = NULL;
    assert_int_equal(wk_decode(mp(), b.data, b.len, NULL, capped, &v, NULL), WK_ERR_NOMEM);
    wk_arena_free(capped);
    free(mem);
    wk_arena_free(ref_arena);
    wk_buf_destroy(&b);
}

/* ---- encoding ---- */

static void test_encode_scalars(void **state)
{
    (void)state;
    wk_value v = wk_value_null();
    EXPECT_ENCODING(&v, 0xc0);
    v = wk_value_bool(true);
    EXPECT_ENCODING(&v, 0xc3);
    v = wk_value_bool(false);
    EXPECT_ENCODING(&v, 0xc2);
}

static void test_encode_integers(void **state)
{
    (void)state;
    wk_value v;
    /* Smallest form: fixints, then the unsigned forms for positives, signed for negatives. */
    v = wk_value_int(0); EXPECT_ENCODING(&v, 0x00);
    v = wk_value_int(127); EXPECT_ENCODING(&v, 0x7f);
    v = wk_value_int(128); EXPECT_ENCODING(&v, 0xcc, 0x80);
    v = wk_value_int(255); EXPECT_ENCODING(&v, 0xcc, 0xff);
    v = wk_value_int(256); EXPECT_ENCODING(&v, 0xcd, 0x01, 0x00);
    v = wk_value_int(65535); EXPECT_ENCODING(&v, 0xcd, 0xff, 0xff);
    v = wk_value_int(65536); EXPECT_ENCODING(&v, 0xce, 0x00, 0x01, 0x00, 0x00);
    v = wk_value_int(4294967295); EXPECT_ENCODING(&v, 0xce, 0xff, 0xff, 0xff, 0xff);
    v = wk_value_int(4294967296); EXPECT_ENCODING(&v, 0xcf, 0, 0, 0, 0x01, 0, 0, 0, 0);
    v = wk_value_int(INT64_MAX);
    EXPECT_ENCODING(&v, 0xcf, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    v = wk_value_int(-1); EXPECT_ENCODING(&v, 0xff);
    v = wk_value_int(-32); EXPECT_ENCODING(&v, 0xe0);
    v = wk_value_int(-33); EXPECT_ENCODING(&v, 0xd0, 0xdf);
    v = wk_value_int(-128); EXPECT_ENCODING(&v, 0xd0, 0x80);
    v = wk_value_int(-129); EXPECT_ENCODING(&v, 0xd1, 0xff, 0x7f);
    v = wk_value_int(-32768); EXPECT_ENCODING(&v, 0xd1, 0x80, 0x00);
    v = wk_value_int(-32769); EXPECT_ENCODING(&v, 0xd2, 0xff, 0xff, 0x7f, 0xff);
    v = wk_value_int(INT32_MIN); EXPECT_ENCODING(&v, 0xd2, 0x80, 0x00, 0x00, 0x00);
    v = wk_value_int((int64_t)INT32_MIN - 1);
    EXPECT_ENCODING(&v, 0xd3, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff);
    v = wk_value_int(INT64_MIN); EXPECT_ENCODING(&v, 0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0);
    v = wk_value_uint(UINT64_MAX);
    EXPECT_ENCODING(&v, 0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    v = wk_value_uint((uint64_t)INT64_MAX + 1); EXPECT_ENCODING(&v, 0xcf, 0x80, 0, 0, 0, 0, 0, 0, 0);
    /* A hand-built uint that would fit an int still gets the smallest form. */
    v = wk_value_null();
    v.kind = WK_UINT;
    v.as.u = 5;
    EXPECT_ENCODING(&v, 0x05);
    v.as.u = 300;
    EXPECT_ENCODING(&v, 0xcd, 0x01, 0x2c);
}

static void test_encode_doubles(void **state)
{
    (void)state;
    wk_value v;
    /* float32 whenever it reads back bit for bit, float64 otherwise. */
    v = wk_value_double(1.5); EXPECT_ENCODING(&v, 0xca, 0x3f, 0xc0, 0x00, 0x00);
    v = wk_value_double(0.0); EXPECT_ENCODING(&v, 0xca, 0x00, 0x00, 0x00, 0x00);
    v = wk_value_double(-0.0); EXPECT_ENCODING(&v, 0xca, 0x80, 0x00, 0x00, 0x00);
    v = wk_value_double((double)0.1f); EXPECT_ENCODING(&v, 0xca, 0x3d, 0xcc, 0xcc, 0xcd);
    v = wk_value_double(0.1); EXPECT_ENCODING(&v, 0xcb, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a);
    v = wk_value_double(INFINITY); EXPECT_ENCODING(&v, 0xca, 0x7f, 0x80, 0x00, 0x00);
    v = wk_value_double(-INFINITY); EXPECT_ENCODING(&v, 0xca, 0xff, 0x80, 0x00, 0x00);
    v = wk_value_double(FLT_MAX); EXPECT_ENCODING(&v, 0xca, 0x7f, 0x7f, 0xff, 0xff);
    v = wk_value_double(ldexp(1, -149)); EXPECT_ENCODING(&v, 0xca, 0x00, 0x00, 0x00, 0x01);
    v = wk_value_double(ldexp(1, -150)); EXPECT_ENCODING(&v, 0xcb, 0x36, 0x90, 0, 0, 0, 0, 0, 0);
    v = wk_value_double(1e300); EXPECT_ENCODING(&v, 0xcb, 0x7e, 0x37, 0xe4, 0x3c, 0x88, 0x00, 0x75, 0x9c);
    /* Just above FLT_MAX: would overflow a float, so float64. */
    v = wk_value_double(nextafter((double)FLT_MAX, INFINITY));
    EXPECT_ENCODING(&v, 0xcb, 0x47, 0xef, 0xff, 0xff, 0xe0, 0x00, 0x00, 0x01);
    v = wk_value_double(16777217.0); EXPECT_ENCODING(&v, 0xcb, 0x41, 0x70, 0x00, 0x00, 0x10, 0, 0, 0);
    /* NaNs: float32 when the payload fits its 23 bits, float64 otherwise. */
    v = wk_value_double(bits_double(0x7ff8000000000000ull)); EXPECT_ENCODING(&v, 0xca, 0x7f, 0xc0, 0x00, 0x00);
    v = wk_value_double(bits_double(0xfff8000000000000ull)); EXPECT_ENCODING(&v, 0xca, 0xff, 0xc0, 0x00, 0x00);
    v = wk_value_double(bits_double(0x7ff0000020000000ull)); EXPECT_ENCODING(&v, 0xca, 0x7f, 0x80, 0x00, 0x01);
    v = wk_value_double(bits_double(0x7ff8000000000001ull));
    EXPECT_ENCODING(&v, 0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0x01);
    v = wk_value_double(bits_double(0x7ff0000000000001ull));
    EXPECT_ENCODING(&v, 0xcb, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0x01);
}

static void test_encode_blobs(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    wk_value v;
    assert_int_equal(wk_value_string(a, "", 0, &v), WK_OK);
    EXPECT_ENCODING(&v, 0xa0);
    assert_int_equal(wk_value_string(a, "a\0b", 3, &v), WK_OK);
    EXPECT_ENCODING(&v, 0xa3, 'a', 0x00, 'b');
    assert_int_equal(wk_value_bytes(a, "", 0, &v), WK_OK);
    EXPECT_ENCODING(&v, 0xc4, 0x00);
    assert_int_equal(wk_value_bytes(a, "\xff\x00", 2, &v), WK_OK);
    EXPECT_ENCODING(&v, 0xc4, 0x02, 0xff, 0x00);
    /* An empty string with a NULL pointer (hand-built) is fine. */
    v = wk_value_null();
    v.kind = WK_STRING;
    EXPECT_ENCODING(&v, 0xa0);

    /* Each length form at its boundaries. */
    static const struct { size_t len; uint8_t str_header[5], bin_header[5]; size_t header_len; } forms[] = {
        {31, {0xbf}, {0xc4, 31}, 1},
        {32, {0xd9, 32}, {0xc4, 32}, 2},
        {255, {0xd9, 0xff}, {0xc4, 0xff}, 2},
        {256, {0xda, 0x01, 0x00}, {0xc5, 0x01, 0x00}, 3},
        {65535, {0xda, 0xff, 0xff}, {0xc5, 0xff, 0xff}, 3},
        {65536, {0xdb, 0x00, 0x01, 0x00, 0x00}, {0xc6, 0x00, 0x01, 0x00, 0x00}, 5},
    };
    char *text = malloc(65536);
    assert_non_null(text);
    memset(text, 'z', 65536);
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        for (int bin = 0; bin < 2; bin++) {
            wk_buf expected;
            wk_buf_init(&expected);
            const uint8_t *header = bin ? forms[i].bin_header : forms[i].str_header;
            /* For bin, the 31-byte case still takes bin 8 (there is no fixbin). */
            size_t header_len = bin && forms[i].len == 31 ? 2 : forms[i].header_len;
            assert_int_equal(wk_buf_append(&expected, header, header_len), WK_OK);
            assert_int_equal(wk_buf_append(&expected, text, forms[i].len), WK_OK);
            if (bin)
                assert_int_equal(wk_value_bytes(a, text, forms[i].len, &v), WK_OK);
            else
                assert_int_equal(wk_value_string(a, text, forms[i].len, &v), WK_OK);
            expect_encoding(&v, expected.data, expected.len);
            wk_buf_destroy(&expected);
        }
    }
    free(text);
    wk_arena_free(a);
}

static void test_encode_ext(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    wk_value v;
    static const uint8_t payload[300] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    assert_int_equal(wk_value_ext(a, 5, payload, 1, &v), WK_OK);
    EXPECT_ENCODING(&v, 0xd4, 0x05, 1);
    assert_int_equal(wk_value_ext(a, -128, payload, 2, &v), WK_OK);
    EXPECT_ENCODING(&v, 0xd5, 0x80, 1, 2);
    assert_int_equal(wk_value_ext(a, 127, payload, 4, &v), WK_OK);
    EXPECT_ENCODING(&v, 0xd6, 0x7f, 1, 2, 3, 4);
    assert_int_equal(wk_value_ext(a, 0, payload, 8, &v), WK_OK);
    EXPECT_ENCODING(&v, 0xd7, 0x00, 1, 2, 3, 4, 5, 6, 7, 8);
    assert_int_equal(wk_value_ext(a, 1, payload, 16, &v), WK_OK);
    EXPECT_ENCODING(&v, 0xd8, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
    assert_int_equal(wk_value_ext(a, 2, payload, 0, &v), WK_OK);
    EXPECT_ENCODING(&v, 0xc7, 0x00, 0x02);
    assert_int_equal(wk_value_ext(a, 3, payload, 3, &v), WK_OK);
    EXPECT_ENCODING(&v, 0xc7, 0x03, 0x03, 1, 2, 3);
    /* The timestamp of 96 bits has no fixext: ext 8 of 12 bytes. */
    assert_int_equal(wk_value_ext(a, -1, payload, 12, &v), WK_OK);
    EXPECT_ENCODING(&v, 0xc7, 0x0c, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    assert_int_equal(wk_value_ext(a, -1, payload, 4, &v), WK_OK);
    EXPECT_ENCODING(&v, 0xd6, 0xff, 1, 2, 3, 4);
    assert_int_equal(wk_value_ext(a, 9, payload, 300, &v), WK_OK);
    wk_buf expected;
    wk_buf_init(&expected);
    put8(&expected, 0xc8);
    put16(&expected, 300);
    put8(&expected, 9);
    assert_int_equal(wk_buf_append(&expected, payload, 300), WK_OK);
    expect_encoding(&v, expected.data, expected.len);
    wk_buf_destroy(&expected);
    wk_arena_free(a);
}

static void test_encode_containers(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    wk_value v;
    wk_value *items = wk_value_list(a, 3, &v);
    items[0] = wk_value_int(1);
    items[2] = wk_value_bool(true);
    wk_member *inner = wk_value_map(a, 2, &items[1]);
    assert_int_equal(wk_value_string(a, "k", 1, &inner[0].key), WK_OK);
    inner[0].value = wk_value_int(-1);
    inner[1].key = wk_value_int(7);
    assert_non_null(wk_value_list(a, 0, &inner[1].value));
    EXPECT_ENCODING(&v, 0x93, 0x01, 0x82, 0xa1, 'k', 0xff, 0x07, 0x90, 0xc3);
    assert_non_null(wk_value_list(a, 0, &v));
    EXPECT_ENCODING(&v, 0x90);
    assert_non_null(wk_value_map(a, 0, &v));
    EXPECT_ENCODING(&v, 0x80);

    items = wk_value_list(a, 16, &v);
    for (int i = 0; i < 16; i++) items[i] = wk_value_int(i);
    EXPECT_ENCODING(&v, 0xdc, 0x00, 0x10, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    wk_member *members = wk_value_map(a, 16, &v);
    for (int i = 0; i < 16; i++) {
        members[i].key = wk_value_int(i);
        members[i].value = wk_value_null();
    }
    EXPECT_ENCODING(&v, 0xde, 0x00, 0x10, 0, 0xc0, 1, 0xc0, 2, 0xc0, 3, 0xc0, 4, 0xc0, 5, 0xc0, 6, 0xc0,
                    7, 0xc0, 8, 0xc0, 9, 0xc0, 10, 0xc0, 11, 0xc0, 12, 0xc0, 13, 0xc0, 14, 0xc0, 15, 0xc0);

    /* array 32 and map 32 at 65536 entries. */
    assert_non_null(wk_value_list(a, 65536, &v));
    wk_buf b;
    wk_status st;
    wk_buf_init(&b);
    assert_int_equal(wk_encode(mp(), &v, NULL, &b, &st), WK_OK);
    assert_int_equal(b.len, 5 + 65536);
    assert_memory_equal(b.data, "\xdd\x00\x01\x00\x00\xc0\xc0", 7);
    wk_buf_clear(&b);
    assert_non_null(wk_value_map(a, 65536, &v));
    assert_int_equal(wk_encode(mp(), &v, NULL, &b, &st), WK_OK);
    assert_int_equal(b.len, 5 + 2 * 65536);
    assert_memory_equal(b.data, "\xdf\x00\x01\x00\x00\xc0\xc0", 7);

    /* Encoding appends to what the buffer holds. */
    wk_buf_clear(&b);
    assert_int_equal(wk_buf_append(&b, "xy", 2), WK_OK);
    v = wk_value_int(1);
    assert_int_equal(wk_encode(mp(), &v, NULL, &b, &st), WK_OK);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "xy\x01", 3);
    wk_buf_destroy(&b);
    wk_arena_free(a);
}

/* A chain of n nested lists, the innermost empty. */
static wk_value *build_nested_lists(wk_arena *a, size_t n)
{
    wk_value *root = wk_arena_alloc(a, sizeof *root);
    assert_non_null(root);
    wk_value *v = root;
    for (size_t i = 1; i < n; i++) v = wk_value_list(a, 1, v);
    assert_non_null(wk_value_list(a, 0, v));
    return root;
}

static void test_encode_depth(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    wk_buf b;
    wk_status st;
    wk_buf_init(&b);
    assert_int_equal(wk_buf_append(&b, "keep", 4), WK_OK);

    wk_value *ok = build_nested_lists(a, 512);
    assert_int_equal(wk_encode(mp(), ok, NULL, &b, &st), WK_OK);
    assert_int_equal(b.len, 4 + 512);
    b.len = 4;

    wk_value *deep = build_nested_lists(a, 513);
    assert_int_equal(wk_encode(mp(), deep, NULL, &b, &st), WK_ERR_DEPTH);
    assert_int_equal(st.code, WK_ERR_DEPTH);
    assert_non_null(strstr(st.msg, "list nested 513 deep, deeper than the limit of 512"));
    assert_int_equal(strncmp(st.msg, "$[0][0][0]", 10), 0);
    assert_int_equal(b.len, 4);  /* restored */
    assert_memory_equal(b.data, "keep", 4);

    wk_encode_opts thousand = {.flags = 0, .max_depth = 1000};
    assert_int_equal(wk_encode(mp(), deep, &thousand, &b, &st), WK_OK);
    b.len = 4;
    wk_encode_opts five = {.flags = 0, .max_depth = 5};
    assert_int_equal(wk_encode(mp(), build_nested_lists(a, 5), &five, &b, &st), WK_OK);
    b.len = 4;
    assert_int_equal(wk_encode(mp(), build_nested_lists(a, 6), &five, &b, &st), WK_ERR_DEPTH);
    assert_string_equal(st.msg, "$[0][0][0][0][0]: list nested 6 deep, deeper than the limit of 5");
    assert_int_equal(b.len, 4);

    /* The deepest limit allowed encodes without recursion; one more level fails. */
    wk_encode_opts max = {.flags = 0, .max_depth = WK_MAX_DEPTH_LIMIT};
    assert_int_equal(wk_encode(mp(), build_nested_lists(a, WK_MAX_DEPTH_LIMIT), &max, &b, &st), WK_OK);
    assert_int_equal(b.len, 4 + WK_MAX_DEPTH_LIMIT);
    b.len = 4;
    assert_int_equal(wk_encode(mp(), build_nested_lists(a, WK_MAX_DEPTH_LIMIT + 1), &max, &b, &st),
                     WK_ERR_DEPTH);

    /* Paths through maps name string keys and index the rest. */
    wk_value root;
    wk_member *m = wk_value_map(a, 2, &root);
    assert_int_equal(wk_value_string(a, "a", 1, &m[0].key), WK_OK);
    m[1].key = wk_value_int(3);
    wk_member *inner = wk_value_map(a, 1, &m[1].value);
    assert_int_equal(wk_value_string(a, "name", 4, &inner[0].key), WK_OK);
    wk_value *list = wk_value_list(a, 1, &inner[0].value);
    assert_non_null(wk_value_list(a, 0, &list[0]));
    wk_encode_opts three = {.flags = 0, .max_depth = 3};
    assert_int_equal(wk_encode(mp(), &root, &three, &b, &st), WK_ERR_DEPTH);
    assert_string_equal(st.msg, "$[1].name[0]: list nested 4 deep, deeper than the limit of 3");
    wk_buf_destroy(&b);
    wk_arena_free(a);
}

static void test_encode_unrepresentable(void **state)
{
    (void)state;
    wk_buf b;
    wk_status st;
    wk_buf_init(&b);
    wk_value v = wk_value_null();
    v.kind = 42;
    assert_int_equal(wk_encode(mp(), &v, NULL, &b, &st), WK_ERR_INVALID);
    assert_int_equal(b.len, 0);
    wk_buf_destroy(&b);
}

/* ---- round trips ---- */

static void test_round_trip_canonical(void **state)
{
    (void)state;
    expect_round_trip(BYTES(0xc0));
    expect_round_trip(BYTES(0x93, 0x00, 0x7f, 0xe0));
    expect_round_trip(BYTES(0x92, 0xcc, 0x80, 0xd0, 0xdf));
    expect_round_trip(BYTES(0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
    expect_round_trip(BYTES(0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0));
    expect_round_trip(BYTES(0xca, 0x7f, 0x80, 0x00, 0x01));        /* signalling NaN float32 */
    expect_round_trip(BYTES(0xca, 0xff, 0xc0, 0x12, 0x34));        /* negative NaN with payload */
    expect_round_trip(BYTES(0xca, 0x80, 0x00, 0x00, 0x00));        /* -0.0 */
    expect_round_trip(BYTES(0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0x01));
    expect_round_trip(BYTES(0xcb, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a));
    expect_round_trip(BYTES(0xd6, 0xff, 0x5f, 0x5e, 0x10, 0x00));
    expect_round_trip(BYTES(0xd7, 0xff, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01));
    expect_round_trip(BYTES(0xc7, 0x0c, 0xff, 0x3b, 0x9a, 0xc9, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                            0xff, 0xff));
    expect_round_trip(BYTES(0x84, 0xa1, 'a', 0xc4, 0x00, 0x91, 0x80, 0xc3, 0x81, 0xc0, 0xa0, 0xd4, 0x01,
                            0x02, 0xc7, 0x00, 0x05, 0xc0));

    /* A large canonical document with every form at its natural size. */
    wk_buf b;
    wk_buf_init(&b);
    put8(&b, 0xde);
    put16(&b, 18);
    put_fixstr(&b, "s31"); put8(&b, 0xbf); put_fill(&b, 'a', 31);
    put_fixstr(&b, "s8"); put8(&b, 0xd9); put8(&b, 200); put_fill(&b, 'b', 200);
    put_fixstr(&b, "s16"); put8(&b, 0xda); put16(&b, 1000); put_fill(&b, 'c', 1000);
    put_fixstr(&b, "s32"); put8(&b, 0xdb); put32(&b, 70000); put_fill(&b, 'd', 70000);
    put_fixstr(&b, "b8"); put8(&b, 0xc4); put8(&b, 3); put_fill(&b, 0xee, 3);
    put_fixstr(&b, "b16"); put8(&b, 0xc5); put16(&b, 256); put_fill(&b, 0xef, 256);
    put_fixstr(&b, "b32"); put8(&b, 0xc6); put32(&b, 65536); put_fill(&b, 0xf0, 65536);
    put_fixstr(&b, "e8"); put8(&b, 0xc7); put8(&b, 17); put8(&b, 0x10); put_fill(&b, 1, 17);
    put_fixstr(&b, "e16"); put8(&b, 0xc8); put16(&b, 256); put8(&b, 0x20); put_fill(&b, 2, 256);
    put_fixstr(&b, "e32"); put8(&b, 0xc9); put32(&b, 65536); put8(&b, 0x30); put_fill(&b, 3, 65536);
    put_fixstr(&b, "fe16"); put8(&b, 0xd8); put8(&b, 0xf0); put_fill(&b, 4, 16);
    put_fixstr(&b, "a16"); put8(&b, 0xdc); put16(&b, 20); put_fill(&b, 0xc2, 20);
    put_fixstr(&b, "a32"); put8(&b, 0xdd); put32(&b, 65536); put_fill(&b, 0x01, 65536);
    /* A map 32 keyed by every integer below 65536, each in its smallest form. */
    put_fixstr(&b, "m32"); put8(&b, 0xdf); put32(&b, 65536);
    for (uint32_t i = 0; i < 65536; i++) {
        if (i < 128) put8(&b, (uint8_t)i);
        else if (i < 256) { put8(&b, 0xcc); put8(&b, (uint8_t)i); }
        else { put8(&b, 0xcd); put16(&b, (uint16_t)i); }
        put8(&b, 0xc0);
    }
    put_fixstr(&b, "m16"); put8(&b, 0xde); put16(&b, 16);
    for (uint8_t i = 0; i < 16; i++) {
        put8(&b, i);
        put8(&b, 0x90);
    }
    put_fixstr(&b, "u16"); put8(&b, 0xcd); put16(&b, 0xffff);
    put_fixstr(&b, "u32"); put8(&b, 0xce); put32(&b, 0x10000);
    put_fixstr(&b, "i64"); put8(&b, 0xd3); put64(&b, (uint64_t)INT64_MIN);
    expect_round_trip(b.data, b.len);
    wk_buf_destroy(&b);
}

/* ---- parse_only ---- */

static void test_parse_only(void **state)
{
    (void)state;
    wk_status st;
    assert_int_equal(wk_parse_only(mp(), BYTES(0x82, 0xa1, 'a', 0x01, 0xa1, 'b', 0x90), NULL, &st), WK_OK);
    assert_int_equal(st.code, WK_OK);
    wk_buf b;
    wk_buf_init(&b);
    build_every_form(&b);
    assert_int_equal(wk_parse_only(mp(), b.data, b.len, NULL, &st), WK_OK);
    assert_int_equal(wk_parse_only(mp(), b.data, b.len - 1, NULL, &st), WK_ERR_TRUNCATED);
    assert_int_equal(st.offset, b.len - 1);
    wk_buf_destroy(&b);

    assert_int_equal(wk_parse_only(mp(), "", 0, NULL, &st), WK_ERR_TRUNCATED);
    assert_int_equal(st.offset, 0);
    assert_int_equal(wk_parse_only(mp(), BYTES(0x01, 0x02, 0x03), NULL, &st), WK_ERR_TRAILING);
    assert_int_equal(st.offset, 1);
    assert_int_equal(wk_parse_only(mp(), BYTES(0x92, 0x01, 0xc1), NULL, &st), WK_ERR_SYNTAX);
    assert_int_equal(st.offset, 2);
    assert_int_equal(wk_parse_only(mp(), BYTES(0x92, 0x01), NULL, NULL), WK_ERR_TRUNCATED);
    /* msgpack-c does not check UTF-8: only decode does. */
    assert_int_equal(wk_parse_only(mp(), BYTES(0xa1, 0xff), NULL, &st), WK_OK);

    /* Its unpacker holds 32 levels, and reports the 33rd as out of memory. */
    uint8_t *d = nested_arrays(32);
    assert_int_equal(wk_parse_only(mp(), d, 32, NULL, &st), WK_OK);
    free(d);
    d = nested_arrays(33);
    assert_int_equal(wk_parse_only(mp(), d, 33, NULL, &st), WK_ERR_NOMEM);
    assert_non_null(strstr(st.msg, "32"));
    assert_int_equal(st.offset, 32);
    /* ...which decode reads. */
    wk_arena *a = wk_arena_new(0);
    assert_int_equal(list_depth(decode_ok(a, d, 33)), 33);
    wk_arena_free(a);
    free(d);
}

/* ---- sniff ---- */

static void test_sniff(void **state)
{
    (void)state;
    const wk_format *f = mp();
    assert_int_equal(f->sniff(BYTES(0x82, 0xa1, 'a', 0x01, 0xa1, 'b', 0x90)), 80);
    assert_int_equal(f->sniff(BYTES(0x80)), 80);
    assert_int_equal(f->sniff(BYTES(0x93, 0x01, 0xcd, 0x01, 0x02, 0xd9, 0x01, 'x')), 80);
    assert_int_equal(f->sniff(BYTES(0xdc, 0x00, 0x01, 0xc0)), 80);
    assert_int_equal(f->sniff(BYTES(0xdf, 0x00, 0x00, 0x00, 0x01, 0xc0, 0xc7, 0x01, 0x05, 0xaa)), 80);
    wk_buf b;
    wk_buf_init(&b);
    build_every_form(&b);
    assert_int_equal(f->sniff(b.data, b.len), 80);
    assert_int_equal(f->sniff(b.data, b.len - 1), 0);
    assert_ptr_equal(wk_format_sniff(b.data, b.len), f);
    wk_buf_destroy(&b);
    /* A lone scalar is possible but weak evidence. */
    assert_int_equal(f->sniff(BYTES(0xc3)), 30);
    assert_int_equal(f->sniff(BYTES(0xcb, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a)), 30);
    assert_int_equal(f->sniff(BYTES(0xa3, 'a', 'b', 'c')), 30);
    /* A lone digit is valid MessagePack, but far more likely JSON. */
    assert_int_equal(f->sniff((const uint8_t *)"7", 1), 10);
    /* JSON text is a fixint followed by trailing bytes: not MessagePack. */
    assert_int_equal(f->sniff((const uint8_t *)"{\"a\":1}", 7), 0);
    assert_int_equal(f->sniff((const uint8_t *)"[1,2]", 5), 0);
    assert_int_equal(f->sniff((const uint8_t *)"  42", 4), 0);
    /* Garbage, empty, truncated, and huge claims. */
    assert_int_equal(f->sniff((const uint8_t *)"", 0), 0);
    assert_int_equal(f->sniff(BYTES(0xc1)), 0);
    assert_int_equal(f->sniff(BYTES(0x92, 0x01)), 0);
    assert_int_equal(f->sniff(BYTES(0xdd, 0xff, 0xff, 0xff, 0xff, 0x01)), 0);
    assert_int_equal(f->sniff(BYTES(0xdf, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02)), 0);
    assert_int_equal(f->sniff(BYTES(0xdb, 0xff, 0xff, 0xff, 0xff, 'a')), 0);
    assert_int_equal(f->sniff(BYTES(0xc9, 0x00, 0x00, 0x00, 0x02, 0x01, 0xaa)), 0);
    assert_int_equal(f->sniff(BYTES(0xc9, 0x00, 0x00, 0x00, 0x01, 0x01, 0xaa)), 30);
    assert_int_equal(f->sniff(BYTES(0x91, 0x91, 0xc1)), 0);
    /* Structure only: 200000 levels deep is still one well-formed value. */
    uint8_t *d = nested_arrays(200000);
    assert_int_equal(f->sniff(d, 200000), 80);
    free(d);
}

/* ---- robustness ---- */

/* A fixed-seed generator, so that a failure can be replayed. */
static uint32_t rng_next(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(*s >> 33);
}

static void test_random_mutations(void **state)
{
    (void)state;
    wk_buf seed;
    wk_buf_init(&seed);
    build_every_form(&seed);
    uint64_t rng = 0x5eed;
    uint8_t *doc = malloc(seed.len + 64);
    assert_non_null(doc);
    wk_arena *a = wk_arena_new(0);
    wk_arena *a2 = wk_arena_new(0);
    wk_buf out;
    wk_buf_init(&out);
    size_t successes = 0, failures = 0;
    for (int iter = 0; iter < 4000; iter++) {
        size_t len = seed.len;
        memcpy(doc, seed.data, len);
        int edits = 1 + (int)(rng_next(&rng) % 4);
        for (int e = 0; e < edits && len > 0; e++) {
            size_t at = rng_next(&rng) % len;
            switch (rng_next(&rng) % 6) {
            case 0: doc[at] = (uint8_t)rng_next(&rng); break;
            case 1: doc[at] ^= (uint8_t)(1u << (rng_next(&rng) % 8)); break;
            case 2: len = at; break;                                   /* truncate */
            case 3:                                                    /* delete a byte */
                memmove(doc + at, doc + at + 1, len - at - 1);
                len--;
                break;
            case 4:                                                    /* insert a byte */
                if (len < seed.len + 64) {
                    memmove(doc + at + 1, doc + at, len - at);
                    doc[at] = (uint8_t)rng_next(&rng);
                    len++;
                }
                break;
            default: doc[at] = (uint8_t)(0xc0 + rng_next(&rng) % 32); break;   /* a header byte */
            }
        }
        wk_arena_reset(a);
        const wk_value *v = NULL;
        wk_status st;
        wk_code rc = wk_decode(mp(), doc, len, NULL, a, &v, (iter & 1) ? &st : NULL);
        int score = mp()->sniff(doc, len);
        if (rc != WK_OK) {
            assert_true(rc == WK_ERR_TRUNCATED || rc == WK_ERR_TRAILING || rc == WK_ERR_SYNTAX ||
                        rc == WK_ERR_UTF8);
            if (iter & 1) assert_true(st.offset <= len);
            failures++;
            continue;
        }
        successes++;
        wk_buf_clear(&out);
        assert_int_equal(wk_encode(mp(), v, NULL, &out, NULL), WK_OK);
        wk_arena_reset(a2);
        const wk_value *back = NULL;
        assert_int_equal(wk_decode(mp(), out.data, out.len, NULL, a2, &back, NULL), WK_OK);
        assert_true(wk_value_equal(v, back));
        /* What decodes is well-formed to the sniffer and to msgpack-c too.
         * (parse_only is not given the failures: msgpack-c allocates what a
         * header claims before reading it, which is why decode does not use it.) */
        assert_true(score > 0);
        assert_int_equal(wk_parse_only(mp(), doc, len, NULL, NULL), WK_OK);
    }
    /* The loop exercised both outcomes. */
    assert_true(successes > 50);
    assert_true(failures > 50);
    wk_buf_destroy(&out);
    wk_arena_free(a2);
    wk_arena_free(a);
    free(doc);
    wk_buf_destroy(&seed);
}

/* A str must be UTF-8: the encoder refuses what the decoder would reject. */
static void test_encode_invalid_utf8(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    wk_buf b;
    wk_status st;
    wk_buf_init(&b);
    assert_int_equal(wk_buf_append(&b, "xyz", 3), WK_OK);
    wk_value list, s;
    wk_value *items = wk_value_list(a, 2, &list);
    items[0] = wk_value_int(1);
    assert_int_equal(wk_value_string(a, "ok\xff", 3, &s), WK_OK);
    items[1] = s;
    assert_int_equal(wk_encode(mp(), &list, NULL, &b, &st), WK_ERR_UNREPRESENTABLE);
    assert_string_equal(st.msg, "$[1]: string is not valid UTF-8");
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "xyz", 3);
    /* The same bytes as bin are fine. */
    assert_int_equal(wk_value_bytes(a, "ok\xff", 3, &items[1]), WK_OK);
    assert_int_equal(wk_encode(mp(), &list, NULL, &b, &st), WK_OK);
    assert_int_equal(b.len, 3 + 7);
    assert_memory_equal(b.data + 3, "\x92\x01\xc4\x03ok\xff", 7);
    wk_buf_destroy(&b);
    wk_arena_free(a);
}

/*
 * wk_decode_prefix: values back to back, each decoded from the front of
 * what is left, with the bytes it took; typed too; errors keep their
 * offsets; other formats say they cannot.
 */
static void test_decode_prefix(void **state)
{
    (void)state;
    /* 7, "ab", [1, {"k": nil}], then a map cut short. */
    static const uint8_t in[] = {0x07, 0xA2, 'a', 'b', 0x92, 0x01, 0x81, 0xA1, 'k', 0xC0, 0x82, 0xA1};
    wk_arena *a = wk_arena_new(0);
    const wk_value *v;
    size_t used = 99, at = 0;
    wk_status st;
    assert_int_equal(wk_decode_prefix(mp(), in + at, sizeof in - at, NULL, a, &v, &used, &st), WK_OK);
    assert_int_equal(used, 1);
    assert_int_equal(st.offset, 0);
    assert_int_equal(v->kind, WK_INT);
    assert_int_equal(v->as.i, 7);
    at += used;
    assert_int_equal(wk_decode_prefix(mp(), in + at, sizeof in - at, NULL, a, &v, &used, &st), WK_OK);
    assert_int_equal(used, 3);
    assert_int_equal(v->kind, WK_STRING);
    assert_memory_equal(v->as.str, "ab", 2);
    at += used;
    assert_int_equal(wk_decode_prefix(mp(), in + at, sizeof in - at, NULL, a, &v, &used, &st), WK_OK);
    assert_int_equal(used, 6);
    assert_int_equal(v->kind, WK_LIST);
    assert_int_equal(v->len, 2);
    at += used;
    assert_int_equal(wk_decode_prefix(mp(), in + at, sizeof in - at, NULL, a, &v, &used, &st), WK_ERR_TRUNCATED);
    assert_int_equal(st.offset, 0);
    assert_string_equal(st.msg, "$: unexpected end of input: fixmap of 2 members needs 4 bytes at least, but 1 is left");
    /* A value that fills the input takes all of it; st may be NULL. */
    assert_int_equal(wk_decode_prefix(mp(), in, 1, NULL, a, &v, &used, NULL), WK_OK);
    assert_int_equal(used, 1);
    /* wk_decode still refuses what follows a value. */
    assert_int_equal(wk_decode(mp(), in, 4, NULL, a, &v, &st), WK_ERR_TRAILING);
    assert_int_equal(st.offset, 1);

    /* Typed: a message, then the next; a type error points into the first. */
    wk_schema *s;
    static const char proto[] = "syntax = \"proto3\";\nmessage M { int32 n = 1; }\n";
    assert_int_equal(wk_schema_load_text("m.proto", proto, sizeof proto - 1, NULL, &s, &st), WK_OK);
    wk_decode_opts o = {.type = wk_schema_message(s, "M")};
    static const uint8_t typed[] = {0x81, 0xA1, 'n', 0x05, 0x81, 0xA1, 'n', 0xA1, 'x'};
    assert_int_equal(wk_decode_prefix(mp(), typed, sizeof typed, &o, a, &v, &used, &st), WK_OK);
    assert_int_equal(used, 4);
    assert_int_equal(v->kind, WK_MESSAGE);
    assert_int_equal(v->as.message->fields[0].value.as.i, 5);
    assert_int_equal(wk_decode_prefix(mp(), typed + 4, sizeof typed - 4, &o, a, &v, &used, &st), WK_ERR_TYPE);
    assert_int_equal(st.offset, 3);
    wk_schema_free(s);

    /* Only MessagePack; arguments checked. */
    assert_int_equal(wk_decode_prefix(wk_format_find("json"), "1 2", 3, NULL, a, &v, &used, &st),
                     WK_ERR_UNSUPPORTED);
    assert_string_equal(st.msg, "wk_decode_prefix: json values are not read one from the front of a stream "
                                "(MessagePack's are)");
    assert_int_equal(wk_decode_prefix(mp(), in, sizeof in, NULL, a, &v, NULL, &st), WK_ERR_INVALID);
    wk_arena_free(a);
}

/*
 * wk_decode given flags that hold the library's own prefix bit (a caller's
 * stray or all-ones flags): it let trailing bytes pass and, with a NULL
 * status, wrote the value's end through it. The bit is wk_decode_prefix's
 * alone; wk_decode clears it.
 */
static void test_decode_ignores_prefix_bit(void **state)
{
    (void)state;
    static const uint8_t in[] = {0x07, 0xA2, 'a', 'b'};
    wk_arena *a = wk_arena_new(0);
    const wk_value *v;
    wk_status st;
    wk_decode_opts o = {.flags = WK__DECODE_PREFIX};
    assert_int_equal(wk_decode(mp(), in, sizeof in, &o, a, &v, &st), WK_ERR_TRAILING);
    assert_int_equal(st.offset, 1);
    assert_string_equal(st.msg, "$: 3 unexpected bytes after the end of the value");
    assert_int_equal(wk_decode(mp(), in, sizeof in, &o, a, &v, NULL), WK_ERR_TRAILING);
    assert_int_equal(wk_decode(mp(), in, 1, &o, a, &v, NULL), WK_OK);
    assert_int_equal(v->as.i, 7);
    assert_int_equal(o.flags, WK__DECODE_PREFIX);
    wk_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encode_invalid_utf8),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_decode_prefix),
        cmocka_unit_test(test_decode_ignores_prefix_bit),
        cmocka_unit_test(test_decode_nil_bool),
        cmocka_unit_test(test_decode_fixint),
        cmocka_unit_test(test_decode_uint_widths),
        cmocka_unit_test(test_decode_int_widths),
        cmocka_unit_test(test_decode_floats),
        cmocka_unit_test(test_decode_strings),
        cmocka_unit_test(test_decode_bin),
        cmocka_unit_test(test_decode_ext),
        cmocka_unit_test(test_decode_containers),
        cmocka_unit_test(test_decode_every_form),
        cmocka_unit_test(test_error_empty_and_trailing),
        cmocka_unit_test(test_error_never_used_byte),
        cmocka_unit_test(test_error_utf8),
        cmocka_unit_test(test_error_truncated_offsets),
        cmocka_unit_test(test_error_every_prefix),
        cmocka_unit_test(test_error_huge_claims),
        cmocka_unit_test(test_depth_default),
        cmocka_unit_test(test_depth_options),
        cmocka_unit_test(test_depth_100000),
        cmocka_unit_test(test_nomem_fixed_arena),
        cmocka_unit_test(test_nomem_every_size),
        cmocka_unit_test(test_encode_scalars),
        cmocka_unit_test(test_encode_integers),
        cmocka_unit_test(test_encode_doubles),
        cmocka_unit_test(test_encode_blobs),
        cmocka_unit_test(test_encode_ext),
        cmocka_unit_test(test_encode_containers),
        cmocka_unit_test(test_encode_depth),
        cmocka_unit_test(test_encode_unrepresentable),
        cmocka_unit_test(test_round_trip_canonical),
        cmocka_unit_test(test_parse_only),
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_random_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
