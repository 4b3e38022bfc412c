/*
 * Numbers for the typed layer: the shortest text of a float32, and number
 * text found in strings ("123" for an int64, "1.5" for a float field).
 */
#include "typed.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * The digits of a correctly rounded conversion of a (> 0) to `prec`
 * significant digits, and the decimal exponent of the first. The text is
 * "d.ddde+XX"; the point may be a locale's comma, so only digits are taken.
 */
static size_t num32_exact(double a, int prec, char *digits, int *exp10)
{
    char text[48];
    snprintf(text, sizeof text, "%.*e", prec - 1, a);
    size_t n = 0;
    const char *p = text;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9') digits[n++] = *p;
    *exp10 = *p == 'e' ? atoi(p + 1) : 0;
    return n;
}

/* Whether the digits, read as JSON text "d.ddde-X" into a double and rounded to float, give f. */
static bool num32_reads_back(const char *digits, size_t n, int exp10, float f)
{
    char json[40];
    size_t jl = 0;
    json[jl++] = digits[0];
    if (n > 1) {
        json[jl++] = '.';
        memcpy(json + jl, digits + 1, n - 1);
        jl += n - 1;
    }
    jl += (size_t)snprintf(json + jl, sizeof json - jl, "e%d", exp10);
    double back;
    return wk__parse_double(json, jl, &back) && (float)back == f;
}

/*
 * The shortest digits are those of the smallest precision, from 1 to 9
 * (nine significant digits always identify a float32), whose correctly
 * rounded conversion reads back, as a double rounded to float (what every
 * JSON reader of a float field does), as f.
 *
 * One conversion to nine digits gives every shorter one by rounding those
 * nine digits again, except when the digits cut off are exactly 5000...: a
 * tail below or above one half stays below or above it when the exact value
 * is rounded to nine digits (it can reach one half exactly, never cross
 * it), so rounding twice gives the same digits as rounding once. Ties are
 * converted again at their own precision. Every candidate is checked by
 * reading it back, so the text is always correct.
 */
size_t wk__format_float32(float f, char *out)
{
    char nine[16], digits[16];
    size_t ndigits = 0;
    int exp10 = 0, exp9;
    bool negative = signbit(f) != 0;
    if (f == 0) {
        memcpy(out, negative ? "-0.0" : "0.0", negative ? 4 : 3);
        return negative ? 4 : 3;
    }
    float target = negative ? -f : f;
    num32_exact((double)target, 9, nine, &exp9);
    for (int prec = 1; prec <= 9; prec++) {
        bool tie = prec < 9 && nine[prec] == '5';
        for (int k = prec + 1; tie && k < 9; k++) tie = nine[k] == '0';
        if (prec == 9) {
            memcpy(digits, nine, 9);
            ndigits = 9;
            exp10 = exp9;
        } else if (tie) {
            ndigits = num32_exact((double)target, prec, digits, &exp10);
        } else {
            memcpy(digits, nine, (size_t)prec);
            ndigits = (size_t)prec;
            exp10 = exp9;
            if (nine[prec] >= '5') {
                int k = prec - 1;
                while (k >= 0 && digits[k] == '9') digits[k--] = '0';
                if (k >= 0) {
                    digits[k]++;
                } else {   /* 99.. rounded up to 100..: one digit more in front */
                    digits[0] = '1';
                    exp10++;
                }
            }
        }
        if (num32_reads_back(digits, ndigits, exp10, target)) break;
    }
    while (ndigits > 1 && digits[ndigits - 1] == '0') ndigits--;

    /* The layout of wk__format_double (Python's repr). */
    size_t n = 0;
    if (negative) out[n++] = '-';
    int x = exp10;
    if (x < -4 || x >= 16) {
        out[n++] = digits[0];
        if (ndigits > 1) {
            out[n++] = '.';
            memcpy(out + n, digits + 1, ndigits - 1);
            n += ndigits - 1;
        }
        n += (size_t)snprintf(out + n, WK__FLOAT_MAX_CHARS - n, "e%d", x);
    } else if (x < 0) {
        out[n++] = '0';
        out[n++] = '.';
        for (int z = -1; z > x; z--) out[n++] = '0';
        memcpy(out + n, digits, ndigits);
        n += ndigits;
    } else if ((int)ndigits <= x + 1) {
        memcpy(out + n, digits, ndigits);
        n += ndigits;
        for (int z = (int)ndigits; z <= x; z++) out[n++] = '0';
        out[n++] = '.';
        out[n++] = '0';
    } else {
        memcpy(out + n, digits, (size_t)x + 1);
        n += (size_t)x + 1;
        out[n++] = '.';
        memcpy(out + n, digits + x + 1, ndigits - (size_t)x - 1);
        n += ndigits - (size_t)x - 1;
    }
    return n;
}

wk__numtext wk__number_text_kind(const char *s, size_t len)
{
    size_t i = 0;
    bool is_float = false;
    if (i < len && s[i] == '-') i++;
    if (i >= len) return WK__NUMTEXT_BAD;
    if (s[i] == '0') {
        i++;
    } else if (s[i] >= '1' && s[i] <= '9') {
        while (i < len && s[i] >= '0' && s[i] <= '9') i++;
    } else {
        return WK__NUMTEXT_BAD;
    }
    if (i < len && s[i] == '.') {
        is_float = true;
        i++;
        size_t start = i;
        while (i < len && s[i] >= '0' && s[i] <= '9') i++;
        if (i == start) return WK__NUMTEXT_BAD;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        is_float = true;
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-')) i++;
        size_t start = i;
        while (i < len && s[i] >= '0' && s[i] <= '9') i++;
        if (i == start) return WK__NUMTEXT_BAD;
    }
    if (i != len) return WK__NUMTEXT_BAD;
    return is_float ? WK__NUMTEXT_FLOAT : WK__NUMTEXT_INT;
}

bool wk__number_text_value(const char *s, size_t len, wk_value *out)
{
    wk__numtext kind = wk__number_text_kind(s, len);
    if (kind == WK__NUMTEXT_BAD) return false;
    if (kind == WK__NUMTEXT_INT) {
        bool neg = s[0] == '-';
        if (wk__integer_digits_value(neg, s + neg, len - neg, out)) return true;
    }
    double d;
    if (!wk__parse_double(s, len, &d)) return false;
    *out = wk_value_double(d);
    return true;
}
