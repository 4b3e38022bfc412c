/* Base64 (RFC 4648): standard alphabet out; standard or URL-safe in. */
#include "internal.h"

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void wk__base64_encode(const uint8_t *in, size_t n, char *out)
{
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        *out++ = b64_alphabet[v >> 18];
        *out++ = b64_alphabet[(v >> 12) & 63];
        *out++ = b64_alphabet[(v >> 6) & 63];
        *out++ = b64_alphabet[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        *out++ = b64_alphabet[v >> 18];
        *out++ = b64_alphabet[(v >> 12) & 63];
        *out++ = '=';
        *out++ = '=';
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        *out++ = b64_alphabet[v >> 18];
        *out++ = b64_alphabet[(v >> 12) & 63];
        *out++ = b64_alphabet[(v >> 6) & 63];
        *out++ = '=';
    }
}

/* The value of each byte as a digit (either alphabet), or 0xFF for none. */
#define B64_NO 0xFF
#define XX B64_NO
static const uint8_t b64_digits[256] = {
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,  62, XX,  62, XX,  63,
     52,  53,  54,  55,  56,  57,  58,  59,  60,  61, XX, XX, XX, XX, XX, XX,
    XX,   0,   1,   2,   3,   4,   5,   6,   7,   8,   9,  10,  11,  12,  13,  14,
     15,  16,  17,  18,  19,  20,  21,  22,  23,  24,  25, XX, XX, XX, XX,  63,
    XX,  26,  27,  28,  29,  30,  31,  32,  33,  34,  35,  36,  37,  38,  39,  40,
     41,  42,  43,  44,  45,  46,  47,  48,  49,  50,  51, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
};
#undef XX

bool wk__base64_decode(const char *in, size_t n, uint8_t *out, size_t *out_len)
{
    /* Padding is optional, but when present it must complete the last quantum. */
    size_t pad = 0;
    while (n > 0 && in[n - 1] == '=' && pad < 2) { n--; pad++; }
    if (pad && (n + pad) % 4 != 0) return false;
    if (n % 4 == 1) return false;
    const uint8_t *p = (const uint8_t *)in;
    size_t o = 0, i = 0;
    /* Whole quanta: four digits make three bytes; a byte that is no digit
     * sets the high bit of the OR of all four. */
    for (; i + 4 <= n; i += 4) {
        uint32_t a = b64_digits[p[i]], b = b64_digits[p[i + 1]], c = b64_digits[p[i + 2]], d = b64_digits[p[i + 3]];
        if ((a | b | c | d) & 0x80) return false;
        uint32_t v = a << 18 | b << 12 | c << 6 | d;
        out[o] = (uint8_t)(v >> 16);
        out[o + 1] = (uint8_t)(v >> 8);
        out[o + 2] = (uint8_t)v;
        o += 3;
    }
    /* The last 2 or 3 digits make 1 or 2 bytes; the bits left over must be
     * zero, so that each byte string has one encoding. */
    if (i < n) {
        uint32_t a = b64_digits[p[i]], b = b64_digits[p[i + 1]], c = n - i == 3 ? b64_digits[p[i + 2]] : 0;
        if ((a | b | c) & 0x80) return false;
        uint32_t v = a << 18 | b << 12 | c << 6;
        out[o++] = (uint8_t)(v >> 16);
        if (n - i == 3) {
            out[o++] = (uint8_t)(v >> 8);
            if (v & 0xFF) return false;
        } else if (v & 0xFFFF) {
            return false;
        }
    }
    *out_len = o;
    return true;
}
