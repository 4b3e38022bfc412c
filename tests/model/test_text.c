/*
 * Tests for model/utf8.c (wk__utf8_valid_prefix, wk_utf8_valid) and
 * model/base64.c (wk__base64_encode, wk__base64_decode).
 *
 * Inputs are copied into heap buffers of exactly their length, so that
 * AddressSanitizer and valgrind catch a read past the end (the UTF-8
 * validator reads eight bytes at a time).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/internal.h"

/* A heap copy of exactly len bytes (one byte for len 0, never read). */
static uint8_t *exact_copy(const void *data, size_t len)
{
    uint8_t *p = malloc(len ? len : 1);
    assert_non_null(p);
    if (len) memcpy(p, data, len);
    return p;
}

static size_t prefix_of(const void *data, size_t len)
{
    uint8_t *p = exact_copy(data, len);
    size_t n = wk__utf8_valid_prefix(p, len);
    bool valid = wk_utf8_valid((const char *)p, len);
    free(p);
    /* The public check is the prefix check, always. */
    assert_int_equal(valid, n == len);
    return n;
}

/* Literal byte strings, without their terminating NUL. */
#define PREFIX(lit) prefix_of(lit, sizeof(lit) - 1)

/*
 * An independent decoder: decode the code point, then reject overlongs,
 * surrogates and values past U+10FFFF. An invalid sequence ends the valid
 * prefix at its first byte.
 */
static size_t reference_prefix(const uint8_t *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint8_t c = s[i];
        size_t n;
        uint32_t cp, min;
        if (c < 0x80) { i++; continue; }
        if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1Fu; min = 0x80; }
        else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0Fu; min = 0x800; }
        else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07u; min = 0x10000; }
        else return i;
        if (len - i < n) return i;
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return i;
            cp = cp << 6 | (s[i + k] & 0x3Fu);
        }
        if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return i;
        i += n;
    }
    return len;
}

/* ======================= UTF-8 ======================= */

static void test_utf8_empty_and_ascii(void **state)
{
    (void)state;
    assert_int_equal(prefix_of("", 0), 0);
    assert_true(wk_utf8_valid("", 0));
    assert_int_equal(PREFIX("a"), 1);
    assert_int_equal(PREFIX("hello, world"), 12);
    /* NUL and DEL are ASCII, so valid. */
    assert_int_equal(PREFIX("a\0b\x7F"), 4);
    uint8_t all_ascii[128];
    for (int i = 0; i < 128; i++) all_ascii[i] = (uint8_t)i;
    assert_int_equal(prefix_of(all_ascii, 128), 128);
}

static void test_utf8_valid_sequences(void **state)
{
    (void)state;
    /* Boundaries of each length, and the edges of the surrogate gap. */
    assert_int_equal(PREFIX("\x7F"), 1);                 /* U+007F */
    assert_int_equal(PREFIX("\xC2\x80"), 2);             /* U+0080 */
    assert_int_equal(PREFIX("\xDF\xBF"), 2);             /* U+07FF */
    assert_int_equal(PREFIX("\xE0\xA0\x80"), 3);         /* U+0800 */
    assert_int_equal(PREFIX("\xED\x9F\xBF"), 3);         /* U+D7FF */
    assert_int_equal(PREFIX("\xEE\x80\x80"), 3);         /* U+E000 */
    assert_int_equal(PREFIX("\xEF\xBF\xBD"), 3);         /* U+FFFD */
    assert_int_equal(PREFIX("\xEF\xBF\xBE"), 3);         /* U+FFFE, a noncharacter but valid */
    assert_int_equal(PREFIX("\xEF\xBF\xBF"), 3);         /* U+FFFF */
    assert_int_equal(PREFIX("\xF0\x90\x80\x80"), 4);     /* U+10000 */
    assert_int_equal(PREFIX("\xF3\xBF\xBF\xBF"), 4);     /* U+FFFFF */
    assert_int_equal(PREFIX("\xF4\x80\x80\x80"), 4);     /* U+100000 */
    assert_int_equal(PREFIX("\xF4\x8F\xBF\xBF"), 4);     /* U+10FFFF */
    /* Real text mixing all lengths: "é€😀日x". */
    assert_int_equal(PREFIX("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xE6\x97\xA5x"), 13);
}

static void test_utf8_overlong(void **state)
{
    (void)state;
    assert_int_equal(PREFIX("\xC0\x80"), 0);             /* U+0000 in two bytes */
    assert_int_equal(PREFIX("\xC0\xAF"), 0);
    assert_int_equal(PREFIX("\xC1\xBF"), 0);             /* U+007F in two bytes */
    assert_int_equal(PREFIX("\xE0\x80\x80"), 0);         /* U+0000 in three */
    assert_int_equal(PREFIX("\xE0\x9F\xBF"), 0);         /* U+07FF in three */
    assert_int_equal(PREFIX("\xF0\x80\x80\x80"), 0);     /* U+0000 in four */
    assert_int_equal(PREFIX("\xF0\x8F\xBF\xBF"), 0);     /* U+FFFF in four */
    assert_int_equal(PREFIX("ok\xC0\x80"), 2);
    assert_int_equal(PREFIX("ok\xE0\x80\x80rest"), 2);
    assert_int_equal(PREFIX("\xC3\xA9\xF0\x80\x80\x80"), 2);
}

static void test_utf8_surrogates(void **state)
{
    (void)state;
    assert_int_equal(PREFIX("\xED\xA0\x80"), 0);         /* U+D800 */
    assert_int_equal(PREFIX("\xED\xAF\xBF"), 0);         /* U+DBFF */
    assert_int_equal(PREFIX("\xED\xB0\x80"), 0);         /* U+DC00 */
    assert_int_equal(PREFIX("\xED\xBF\xBF"), 0);         /* U+DFFF */
    /* A surrogate pair encoded as two three-byte sequences (CESU-8). */
    assert_int_equal(PREFIX("\xED\xA0\xBD\xED\xB8\x80"), 0);
    assert_int_equal(PREFIX("abc\xED\xA0\x80"), 3);
}

static void test_utf8_past_max(void **state)
{
    (void)state;
    assert_int_equal(PREFIX("\xF4\x90\x80\x80"), 0);     /* U+110000 */
    assert_int_equal(PREFIX("\xF4\xBF\xBF\xBF"), 0);
    assert_int_equal(PREFIX("\xF5\x80\x80\x80"), 0);
    assert_int_equal(PREFIX("\xF7\xBF\xBF\xBF"), 0);
    assert_int_equal(PREFIX("x\xF4\x90\x80\x80"), 1);
    /* Lead bytes that are never valid: F5..FF (and the 5- and 6-byte forms). */
    for (unsigned c = 0xF5; c <= 0xFF; c++) {
        uint8_t seq[6] = {(uint8_t)c, 0x80, 0x80, 0x80, 0x80, 0x80};
        assert_int_equal(prefix_of(seq, 6), 0);
        uint8_t after[3] = {'a', 'b', (uint8_t)c};
        assert_int_equal(prefix_of(after, 3), 2);
    }
}

static void test_utf8_lone_continuation(void **state)
{
    (void)state;
    for (unsigned c = 0x80; c <= 0xBF; c++) {
        uint8_t alone[1] = {(uint8_t)c};
        assert_int_equal(prefix_of(alone, 1), 0);
        uint8_t after_ascii[3] = {'x', 'y', (uint8_t)c};
        assert_int_equal(prefix_of(after_ascii, 3), 2);
    }
    /* One continuation byte too many after a complete sequence. */
    assert_int_equal(PREFIX("\xC3\xA9\xA9"), 2);
    assert_int_equal(PREFIX("\xE2\x82\xAC\x80"), 3);
    assert_int_equal(PREFIX("\xF0\x9F\x98\x80\x80"), 4);
}

static void test_utf8_bad_continuation(void **state)
{
    (void)state;
    /* The second, third or fourth byte is not a continuation byte. */
    assert_int_equal(PREFIX("\xC3\x28"), 0);
    assert_int_equal(PREFIX("\xC3\xC3\xA9"), 0);
    assert_int_equal(PREFIX("\xE2\x28\xA1"), 0);
    assert_int_equal(PREFIX("\xE2\x82\x28"), 0);
    assert_int_equal(PREFIX("\xF0\x28\x8C\xBC"), 0);
    assert_int_equal(PREFIX("\xF0\x9F\x28\x80"), 0);
    assert_int_equal(PREFIX("\xF0\x9F\x98\x28"), 0);
    assert_int_equal(PREFIX("\xF0\x9F\x98\xC0"), 0);
    assert_int_equal(PREFIX("ab\xE2\x82\x41"), 2);
}

static void test_utf8_truncated_at_end(void **state)
{
    (void)state;
    assert_int_equal(PREFIX("\xC3"), 0);
    assert_int_equal(PREFIX("\xE2"), 0);
    assert_int_equal(PREFIX("\xE2\x82"), 0);
    assert_int_equal(PREFIX("\xF0"), 0);
    assert_int_equal(PREFIX("\xF0\x9F"), 0);
    assert_int_equal(PREFIX("\xF0\x9F\x98"), 0);
    assert_int_equal(PREFIX("abc\xC3"), 3);
    assert_int_equal(PREFIX("abc\xE2\x82"), 3);
    assert_int_equal(PREFIX("\xC3\xA9\xF0\x9F\x98"), 2);
    /* Truncated by the length, though more bytes follow in memory. */
    assert_int_equal(prefix_of("x\xE2\x82\xAC", 3), 1);
    assert_int_equal(prefix_of("\xF0\x9F\x98\x80", 3), 0);
}

/* Every bad byte, at every position of ASCII runs of every length to 64. */
static void test_utf8_fast_path_every_position(void **state)
{
    (void)state;
    for (size_t len = 1; len <= 64; len++) {
        for (size_t bad = 0; bad < len; bad++) {
            uint8_t buf[64];
            memset(buf, 'a', len);
            buf[bad] = 0xFF;
            assert_int_equal(prefix_of(buf, len), bad);
            buf[bad] = 0x80;
            assert_int_equal(prefix_of(buf, len), bad);
            buf[bad] = 0xC0;
            assert_int_equal(prefix_of(buf, len), bad);
        }
    }
}

/* The bad byte at positions 0..40 in a long run, and a good tail after it. */
static void test_utf8_fast_path_long_run(void **state)
{
    (void)state;
    for (size_t bad = 0; bad <= 40; bad++) {
        uint8_t buf[200];
        memset(buf, 'z', sizeof buf);
        buf[bad] = 0xFE;
        assert_int_equal(prefix_of(buf, sizeof buf), bad);
    }
    /* A valid multi-byte character at every position does not stop it. */
    for (size_t at = 0; at <= 40; at++) {
        uint8_t buf[100];
        memset(buf, 'z', sizeof buf);
        memcpy(buf + at, "\xE2\x82\xAC", 3);
        assert_int_equal(prefix_of(buf, sizeof buf), sizeof buf);
        /* ...and a bad byte after it is found where it is. */
        for (size_t bad = at + 3; bad < at + 20; bad++) {
            uint8_t copy[100];
            memcpy(copy, buf, sizeof copy);
            copy[bad] = 0xBF;
            assert_int_equal(prefix_of(copy, sizeof copy), bad);
        }
    }
    /* A truncated sequence after a run longer than one 8-byte word. */
    for (size_t run = 0; run <= 40; run++) {
        uint8_t buf[48];
        memset(buf, 'q', run);
        buf[run] = 0xF0;
        buf[run + 1] = 0x9F;
        assert_int_equal(prefix_of(buf, run + 2), run);
    }
}

/* Every one- and two-byte input, compared with the reference decoder. */
static void test_utf8_exhaustive_two_bytes(void **state)
{
    (void)state;
    size_t mismatches = 0;
    for (unsigned a = 0; a < 256; a++) {
        uint8_t one[1] = {(uint8_t)a};
        if (prefix_of(one, 1) != reference_prefix(one, 1)) mismatches++;
        for (unsigned b = 0; b < 256; b++) {
            uint8_t two[2] = {(uint8_t)a, (uint8_t)b};
            size_t got = wk__utf8_valid_prefix(two, 2);
            if (got != reference_prefix(two, 2)) {
                if (mismatches < 10) print_error("%02X %02X: got %zu\n", a, b, got);
                mismatches++;
            }
        }
    }
    assert_int_equal(mismatches, 0);
}

/*
 * Every lead byte with every second byte, and third and fourth bytes from the
 * values where the rules change, between ASCII so that the index counts.
 */
static void test_utf8_against_reference(void **state)
{
    (void)state;
    static const uint8_t tails[] = {0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xE0, 0xF4, 0xFF};
    static const size_t lens[] = {3, 4, 5, 6, 12};
    size_t ntails = sizeof tails / sizeof tails[0];
    size_t mismatches = 0;
    uint8_t buf[12];
    for (unsigned lead = 0x80; lead < 256; lead++) {
        for (unsigned second = 0; second < 256; second++) {
            /* Continuation and two-byte leads: the fourth byte never matters. */
            size_t n4 = lead >= 0xE0 ? ntails : 1;
            for (size_t t3 = 0; t3 < ntails; t3++) {
                for (size_t t4 = 0; t4 < n4; t4++) {
                    buf[0] = 'a';
                    buf[1] = 'b';
                    buf[2] = (uint8_t)lead;
                    buf[3] = (uint8_t)second;
                    buf[4] = tails[t3];
                    buf[5] = tails[t4];
                    memcpy(buf + 6, "cdefgh", 6);
                    for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
                        size_t len = lens[l];
                        size_t got = wk__utf8_valid_prefix(buf, len);
                        size_t want = reference_prefix(buf, len);
                        if (got != want) {
                            if (mismatches < 10)
                                print_error("%02X %02X %02X %02X len %zu: got %zu, want %zu\n", lead,
                                            second, tails[t3], tails[t4], len, got, want);
                            mismatches++;
                        }
                    }
                }
            }
        }
    }
    assert_int_equal(mismatches, 0);
}

/* Every scalar value encodes to a valid sequence; every surrogate to an invalid one. */
static size_t encode_utf8(uint32_t cp, uint8_t *out)
{
    if (cp < 0x80) { out[0] = (uint8_t)cp; return 1; }
    if (cp < 0x800) { out[0] = (uint8_t)(0xC0 | cp >> 6); out[1] = (uint8_t)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xE0 | cp >> 12);
        out[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | cp >> 18);
    out[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

static void test_utf8_every_code_point(void **state)
{
    (void)state;
    size_t wrong = 0;
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        uint8_t seq[4];
        size_t n = encode_utf8(cp, seq);
        bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
        size_t want = surrogate ? 0 : n;
        if (wk__utf8_valid_prefix(seq, n) != want) wrong++;
    }
    assert_int_equal(wrong, 0);
    /* And one past the end, encoded the same way. */
    uint8_t seq[4];
    assert_int_equal(encode_utf8(0x110000, seq), 4);
    assert_int_equal(prefix_of(seq, 4), 0);
}

/* ======================= base64 ======================= */

typedef struct b64_vector {
    const char *plain;
    const char *encoded;
} b64_vector;

/* RFC 4648, section 10. */
static const b64_vector rfc4648[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

static void test_base64_len(void **state)
{
    (void)state;
    assert_int_equal(wk__base64_len(0), 0);
    assert_int_equal(wk__base64_len(1), 4);
    assert_int_equal(wk__base64_len(2), 4);
    assert_int_equal(wk__base64_len(3), 4);
    assert_int_equal(wk__base64_len(4), 8);
    assert_int_equal(wk__base64_len(6), 8);
    assert_int_equal(wk__base64_len(7), 12);
    assert_int_equal(wk__base64_len(300), 400);
}

static void test_base64_encode_rfc_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rfc4648 / sizeof rfc4648[0]; i++) {
        size_t n = strlen(rfc4648[i].plain);
        size_t elen = wk__base64_len(n);
        assert_int_equal(elen, strlen(rfc4648[i].encoded));
        char out[16];
        memset(out, '#', sizeof out);
        wk__base64_encode((const uint8_t *)rfc4648[i].plain, n, out);
        assert_memory_equal(out, rfc4648[i].encoded, elen);
        assert_int_equal(out[elen], '#');   /* nothing past the length */
    }
}

/* Decodes text (exactly its length, into exactly n/4*3+3 bytes); false on rejection. */
static bool decode(const char *text, size_t n, uint8_t *out, size_t *out_len)
{
    char *in = (char *)exact_copy(text, n);
    size_t room = n / 4 * 3 + 3;
    uint8_t *buf = malloc(room);
    assert_non_null(buf);
    size_t len = (size_t)-1;
    bool ok = wk__base64_decode(in, n, buf, &len);
    if (ok) {
        assert_true(len <= room);
        memcpy(out, buf, len);
        *out_len = len;
    }
    free(buf);
    free(in);
    return ok;
}

static bool decode_str(const char *text, uint8_t *out, size_t *out_len)
{
    return decode(text, strlen(text), out, out_len);
}

static void test_base64_decode_rfc_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rfc4648 / sizeof rfc4648[0]; i++) {
        uint8_t out[16];
        size_t len = 99;
        assert_true(decode_str(rfc4648[i].encoded, out, &len));
        assert_int_equal(len, strlen(rfc4648[i].plain));
        assert_memory_equal(out, rfc4648[i].plain, len);
    }
}

static void test_base64_missing_padding(void **state)
{
    (void)state;
    static const b64_vector unpadded[] = {
        {"f", "Zg"}, {"fo", "Zm8"}, {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
    };
    for (size_t i = 0; i < sizeof unpadded / sizeof unpadded[0]; i++) {
        uint8_t out[16];
        size_t len = 99;
        assert_true(decode_str(unpadded[i].encoded, out, &len));
        assert_int_equal(len, strlen(unpadded[i].plain));
        assert_memory_equal(out, unpadded[i].plain, len);
    }
}

static void test_base64_url_safe(void **state)
{
    (void)state;
    static const struct { const char *text; uint8_t bytes[3]; size_t len; } cases[] = {
        {"+/8=", {0xFB, 0xFF}, 2},
        {"-_8=", {0xFB, 0xFF}, 2},
        {"-_8", {0xFB, 0xFF}, 2},
        {"++++", {0xFB, 0xEF, 0xBE}, 3},
        {"----", {0xFB, 0xEF, 0xBE}, 3},
        {"////", {0xFF, 0xFF, 0xFF}, 3},
        {"____", {0xFF, 0xFF, 0xFF}, 3},
        {"+_+_", {0xFB, 0xFF, 0xBF}, 3},   /* the two alphabets mixed */
        {"AAAA", {0x00, 0x00, 0x00}, 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t out[8];
        size_t len = 99;
        assert_true(decode_str(cases[i].text, out, &len));
        assert_int_equal(len, cases[i].len);
        assert_memory_equal(out, cases[i].bytes, len);
    }
    /* The encoder writes the standard alphabet. */
    char enc[4];
    wk__base64_encode((const uint8_t *)"\xFB\xFF", 2, enc);
    assert_memory_equal(enc, "+/8=", 4);
}

static void test_base64_rejects_bad_characters(void **state)
{
    (void)state;
    static const struct { const char *text; size_t len; } bad[] = {
        /* Each would be accepted with the bad character replaced by 'v'. */
        {"Zm9v!A==", 8},
        {"Zm 9", 4},
        {"Zm9v\nZm9", 8},
        {"Zm9v\r\n", 6},
        {"Zm\0v", 4},
        {"Zm.v", 4},
        {"Zm9v*AAA", 8},
        {"Zm\xC3\xA9", 4},
        {"Zm9\x80", 4},
        {"Zm9\xFF", 4},
        {"Zg==Zm8=", 8},      /* padding in the middle */
        {"Z=9v", 4},
        {"=Zm9", 4},
        {"Zm9:", 4},
        {"Zm9@", 4},
        {"Zm9[", 4},
        {"Zm9`", 4},
        {"Zm9{", 4},
        {"Zm9,", 4},
        {"Zm9~", 4},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t out[16];
        size_t len = 99;
        if (decode(bad[i].text, bad[i].len, out, &len)) print_error("accepted case %zu\n", i);
        assert_false(decode(bad[i].text, bad[i].len, out, &len));
    }
}

/* Every byte value in every place of a quantum and of a short tail: a digit of
 * either alphabet is taken with its value, anything else refused. */
static void test_base64_every_byte_everywhere(void **state)
{
    (void)state;
    static const char std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int c = 0; c < 256; c++) {
        int value = -1;
        for (int k = 0; k < 64; k++)
            if ((unsigned char)std[k] == c) value = k;
        if (c == '-') value = 62;
        if (c == '_') value = 63;
        for (size_t at = 0; at < 7; at++) {
            /* "AAAAAAA" with c at `at`: a quantum, then a tail of three. */
            char text[8] = "AAAAAAA";
            text[at] = (char)c;
            uint8_t out[8];
            size_t len = 99;
            bool ok = decode(text, 7, out, &len);
            /* In the tail's last place only the top four bits of the digit may be set. */
            bool expected = value >= 0 && (at != 6 || (value & 3) == 0);
            if (ok != expected) print_error("byte 0x%02x at %zu: %s\n", c, at, ok ? "accepted" : "refused");
            assert_int_equal(ok, expected);
            if (!ok) continue;
            assert_int_equal(len, 5);
            /* The digit's six bits land where the quantum puts them. */
            uint64_t bits = 0;
            for (size_t i = 0; i < 5; i++) bits = bits << 8 | out[i];
            if (at < 6) {
                size_t shift = 40 - 6 * (at + 1);
                assert_int_equal((bits >> shift) & 63, (uint64_t)value);
                assert_int_equal(bits & ~((uint64_t)63 << shift), 0);
            } else {
                /* The tail's last digit: its top four bits end the output. */
                assert_int_equal(bits, (uint64_t)value >> 2);
            }
        }
    }
}

/* Long inputs through the quantum loop: every length of random bytes, encoded and decoded. */
static void test_base64_long_round_trips(void **state)
{
    (void)state;
    uint8_t in[300], out[300];
    char text[404];
    uint32_t x = 12345;
    for (size_t n = 0; n < sizeof in; n++) {
        for (size_t i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            in[i] = (uint8_t)(x >> 16);
        }
        wk__base64_encode(in, n, text);
        size_t tn = wk__base64_len(n), len = 99;
        assert_true(decode(text, tn, out, &len));
        assert_int_equal(len, n);
        assert_memory_equal(out, in, n);
    }
}

static void test_base64_rejects_bad_lengths(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "Z",          /* 1 mod 4 */
        "Zm9vY",
        "Zm9vYmFyZ",
        "A",          /* 1 mod 4, though the lone character has no bits set */
        "Zm9vA",
        "AAAAA",
        "Zm9vYmFyA",
        "A==",
        "Z===",       /* padding cannot make up three characters */
        "Zm9vY=",
        "Zg=",        /* padding present but incomplete */
        "Zm9vYg=",
        "Zm9v=",      /* padding after a whole quantum */
        "Zm9v==",
        "Zm9v===",
        "=",
        "==",
        "===",
        "====",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t out[16];
        size_t len = 99;
        if (decode_str(bad[i], out, &len)) print_error("accepted \"%s\"\n", bad[i]);
        assert_false(decode_str(bad[i], out, &len));
    }
}

/* Each byte string has one encoding: the bits past the last byte must be zero. */
static void test_base64_rejects_nonzero_leftover_bits(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "Zh==", "Zh", "Zm9=", "Zm9", "Zm9vYh==", "Zm9vYmF=", "Zm9vYmF", "AB==", "AAB=", "AAF=",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t out[16];
        size_t len = 99;
        if (decode_str(bad[i], out, &len)) print_error("accepted \"%s\"\n", bad[i]);
        assert_false(decode_str(bad[i], out, &len));
    }
    /* The same texts with the leftover bits cleared are accepted. */
    static const b64_vector good[] = {
        {"f", "Zg=="}, {"f", "Zg"}, {"fo", "Zm8="}, {"fo", "Zm8"}, {"fooba", "Zm9vYmE="},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        uint8_t out[16];
        size_t len = 99;
        assert_true(decode_str(good[i].encoded, out, &len));
        assert_int_equal(len, strlen(good[i].plain));
        assert_memory_equal(out, good[i].plain, len);
    }
    uint8_t out[4];
    size_t len = 99;
    assert_true(decode_str("AA==", out, &len));
    assert_int_equal(len, 1);
    assert_int_equal(out[0], 0);
    assert_true(decode_str("AAE=", out, &len));
    assert_int_equal(len, 2);
    assert_int_equal(out[0], 0);
    assert_int_equal(out[1], 1);
}

static void test_base64_every_byte(void **state)
{
    (void)state;
    uint8_t all[256];
    for (int i = 0; i < 256; i++) all[i] = (uint8_t)i;
    char enc[344 + 1];
    enc[344] = '#';
    wk__base64_encode(all, 256, enc);
    assert_int_equal(enc[344], '#');
    assert_memory_equal(enc, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v", 64);
    assert_memory_equal(enc + 336, "/P3+/w==", 8);
    uint8_t out[256];
    size_t len = 0;
    assert_true(decode(enc, 344, out, &len));
    assert_int_equal(len, 256);
    assert_memory_equal(out, all, 256);
}

static uint64_t rng_next(uint64_t *s)
{
    /* xorshift64*, fixed seed: the same inputs on every run. */
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static void test_base64_random_round_trips(void **state)
{
    (void)state;
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    for (int round = 0; round < 2000; round++) {
        size_t n = (size_t)(rng_next(&seed) % 300);
        uint8_t *plain = malloc(n ? n : 1);
        assert_non_null(plain);
        for (size_t i = 0; i < n; i++) plain[i] = (uint8_t)rng_next(&seed);

        size_t elen = wk__base64_len(n);
        char *enc = malloc(elen + 1);
        assert_non_null(enc);
        enc[elen] = '#';
        wk__base64_encode(plain, n, enc);
        assert_int_equal(enc[elen], '#');
        for (size_t i = 0; i < elen; i++) {
            char c = enc[i];
            bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                         c == '+' || c == '/';
            bool pad = c == '=' && i >= elen - 2;
            assert_true(alpha || pad);
        }

        uint8_t *out = malloc(n + 3);
        assert_non_null(out);
        size_t len = (size_t)-1;
        assert_true(decode(enc, elen, out, &len));
        assert_int_equal(len, n);
        if (n) assert_memory_equal(out, plain, n);

        /* Without padding, and in the URL-safe alphabet. */
        size_t stripped = elen;
        while (stripped && enc[stripped - 1] == '=') stripped--;
        for (size_t i = 0; i < stripped; i++) {
            if (enc[i] == '+') enc[i] = '-';
            else if (enc[i] == '/') enc[i] = '_';
        }
        len = (size_t)-1;
        assert_true(decode(enc, stripped, out, &len));
        assert_int_equal(len, n);
        if (n) assert_memory_equal(out, plain, n);

        free(out);
        free(enc);
        free(plain);
    }
}

/* wk__utf8_put writes each boundary code point as the validator reads it back. */
static void test_utf8_put(void **state)
{
    (void)state;
    static const struct { uint32_t cp; const char *bytes; size_t n; } cases[] = {
        {0x00, "\x00", 1}, {0x7F, "\x7F", 1}, {0x80, "\xC2\x80", 2}, {0x7FF, "\xDF\xBF", 2},
        {0x800, "\xE0\xA0\x80", 3}, {0xFFFF, "\xEF\xBF\xBF", 3}, {0x10000, "\xF0\x90\x80\x80", 4},
        {0x10FFFF, "\xF4\x8F\xBF\xBF", 4}, {0x20AC, "\xE2\x82\xAC", 3}, {0x1F600, "\xF0\x9F\x98\x80", 4},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t out[4];
        assert_int_equal(wk__utf8_put(out, cases[i].cp), cases[i].n);
        assert_memory_equal(out, cases[i].bytes, cases[i].n);
        assert_int_equal(wk__utf8_valid_prefix(out, cases[i].n), cases[i].n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_put),
        cmocka_unit_test(test_utf8_empty_and_ascii),
        cmocka_unit_test(test_utf8_valid_sequences),
        cmocka_unit_test(test_utf8_overlong),
        cmocka_unit_test(test_utf8_surrogates),
        cmocka_unit_test(test_utf8_past_max),
        cmocka_unit_test(test_utf8_lone_continuation),
        cmocka_unit_test(test_utf8_bad_continuation),
        cmocka_unit_test(test_utf8_truncated_at_end),
        cmocka_unit_test(test_utf8_fast_path_every_position),
        cmocka_unit_test(test_utf8_fast_path_long_run),
        cmocka_unit_test(test_utf8_exhaustive_two_bytes),
        cmocka_unit_test(test_utf8_against_reference),
        cmocka_unit_test(test_utf8_every_code_point),
        cmocka_unit_test(test_base64_len),
        cmocka_unit_test(test_base64_encode_rfc_vectors),
        cmocka_unit_test(test_base64_decode_rfc_vectors),
        cmocka_unit_test(test_base64_missing_padding),
        cmocka_unit_test(test_base64_url_safe),
        cmocka_unit_test(test_base64_rejects_bad_characters),
        cmocka_unit_test(test_base64_every_byte_everywhere),
        cmocka_unit_test(test_base64_long_round_trips),
        cmocka_unit_test(test_base64_rejects_bad_lengths),
        cmocka_unit_test(test_base64_rejects_nonzero_leftover_bits),
        cmocka_unit_test(test_base64_every_byte),
        cmocka_unit_test(test_base64_random_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
