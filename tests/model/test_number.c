/*
 * Tests for model/number.c: exact strings for chosen doubles, and
 * randomized comparisons with the C library, whose printf and strtod are
 * exact in glibc, over millions of inputs (fewer under AddressSanitizer).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/internal.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sanitizers make every call several times slower; the random checks then
 * run a fifth of the samples, which keeps the suite at a few seconds. */
#if defined(__SANITIZE_ADDRESS__)
#  define TEST_SCALE 5
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer)
#    define TEST_SCALE 5
#  endif
#endif
#ifndef TEST_SCALE
#  define TEST_SCALE 1
#endif

/* ---- helpers ---- */

/* splitmix64 with a fixed seed: the same inputs on every run. */
static uint64_t rng_state = UINT64_C(0x2545F4914F6CDD1D);

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* A uniform integer in [lo, hi]. */
static int64_t rng_range(int64_t lo, int64_t hi)
{
    return lo + (int64_t)(rng_next() % (uint64_t)(hi - lo + 1));
}

static uint64_t bits_of(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

static double double_of(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

/* glibc's strtod on a NUL-terminated copy of s[0..len). */
static double reference_parse(const char *s, size_t len)
{
    char *z = malloc(len + 1);
    assert_non_null(z);
    memcpy(z, s, len);
    z[len] = '\0';
    double d = strtod(z, NULL);
    free(z);
    return d;
}

/* wk__format_double as a NUL-terminated string. It writes into a heap
 * block of exactly WK__DOUBLE_MAX_CHARS bytes, so that AddressSanitizer
 * would catch a write past them. */
static size_t format(double d, char *out)
{
    char *exact = malloc(WK__DOUBLE_MAX_CHARS);
    assert_non_null(exact);
    size_t n = wk__format_double(d, exact);
    assert_true(n > 0 && n < WK__DOUBLE_MAX_CHARS);
    memcpy(out, exact, n);
    out[n] = '\0';
    free(exact);
    return n;
}

/* wk__parse_double on a heap copy of exactly len bytes, without a NUL, so
 * that AddressSanitizer would catch a read past the text. */
static bool parse(const char *s, size_t len, double *out)
{
    char *exact = malloc(len ? len : 1);
    assert_non_null(exact);
    memcpy(exact, s, len);
    bool ok = wk__parse_double(exact, len, out);
    free(exact);
    return ok;
}

/* Parses s with wk__parse_double and asserts that the result is bit for bit
 * glibc's, or that both overflow. */
static void check_parse_len(const char *s, size_t len)
{
    double expected = reference_parse(s, len);
    double got = 0.0;
    bool ok = parse(s, len, &got);
    if (isinf(expected)) {
        if (ok) print_message("parse of %.*s should overflow\n", (int)(len > 200 ? 200 : len), s);
        assert_false(ok);
        return;
    }
    if (!ok || bits_of(got) != bits_of(expected))
        print_message("parse of %.*s: got %a, want %a\n", (int)(len > 200 ? 200 : len), s, got, expected);
    assert_true(ok);
    assert_int_equal(bits_of(got), bits_of(expected));
}

static void check_parse(const char *s)
{
    check_parse_len(s, strlen(s));
}

/* Significant digits of a formatted double: its mantissa without sign,
 * point, leading and trailing zeros. */
static int significant_digits(const char *text)
{
    const char *p = text + (text[0] == '-');
    const char *e = strchr(p, 'e');
    const char *end = e ? e : p + strlen(p);
    char digits[40];
    int n = 0;
    for (; p < end; p++)
        if (*p != '.') digits[n++] = *p;
    int first = 0;
    while (first < n && digits[first] == '0') first++;
    while (n > first && digits[n - 1] == '0') n--;
    return n - first;
}

/* True when printf's correctly rounded `digits`-digit form reads back as d. */
static bool printf_round_trips(double d, int digits)
{
    char text[64];
    snprintf(text, sizeof text, "%.*e", digits - 1, d);
    return bits_of(strtod(text, NULL)) == bits_of(d);
}

/*
 * The expected text of d with `digits` significant digits, built from
 * printf's correctly rounded %e form and laid out by the rules of
 * wk__format_double, written independently of it.
 */
static void reference_format(double d, int digits, char *out)
{
    char text[64];
    snprintf(text, sizeof text, "%.*e", digits - 1, d);
    const char *p = text;
    bool negative = *p == '-';
    p += negative;
    char mantissa[32];
    int n = 0;
    for (; *p != 'e'; p++)
        if (*p != '.') mantissa[n++] = *p;
    while (n > 1 && mantissa[n - 1] == '0') n--;
    mantissa[n] = '\0';
    int x = atoi(p + 1);
    char *o = out + sprintf(out, "%s", negative ? "-" : "");
    if (x < -4 || x >= 16)
        sprintf(o, "%c%s%se%d", mantissa[0], n > 1 ? "." : "", mantissa + 1, x);
    else if (x < 0)
        sprintf(o, "0.%.*s%s", -x - 1, "0000", mantissa);
    else if (n <= x + 1)
        sprintf(o, "%s%.*s.0", mantissa, x + 1 - n, "0000000000000000");
    else
        sprintf(o, "%.*s.%s", x + 1, mantissa, mantissa + x + 1);
}

/*
 * The whole contract of wk__format_double for one finite d: the text reads
 * back as d (by glibc and by wk__parse_double); no shorter printf form reads
 * back; and, away from the bottom of a binade (where the rounding interval
 * is lopsided and a shorter or different form can exist), the text is
 * exactly the correctly rounded digits in the house layout.
 */
static void check_format(double d, bool check_all_precisions)
{
    char text[WK__DOUBLE_MAX_CHARS + 1];
    size_t len = format(d, text);
    assert_true(strchr(text, '.') || strchr(text, 'e'));
    if (bits_of(strtod(text, NULL)) != bits_of(d)) print_message("%a formats as %s\n", d, text);
    assert_int_equal(bits_of(strtod(text, NULL)), bits_of(d));
    double back = 0.0;
    assert_true(parse(text, len, &back));
    assert_int_equal(bits_of(back), bits_of(d));

    int digits = significant_digits(text);
    if (check_all_precisions) {
        int shortest = 1;
        while (!printf_round_trips(d, shortest)) shortest++;
        if (digits > shortest) print_message("%a formats as %s, %d digits would do\n", d, text, shortest);
        assert_true(digits <= shortest);
    } else if (digits > 1) {
        if (printf_round_trips(d, digits - 1)) print_message("%a formats as %s, too long\n", d, text);
        assert_false(printf_round_trips(d, digits - 1));
    }
    uint64_t b = bits_of(d);
    bool lopsided = (b & ((UINT64_C(1) << 52) - 1)) == 0 && ((b >> 52) & 0x7FF) > 1;
    if (!lopsided) {
        char expected[64];
        reference_format(d, digits, expected);
        assert_string_equal(text, expected);
    }
}

/* ---- formatting ---- */

static void test_format_table(void **state)
{
    (void)state;
    static const struct {
        double d;
        const char *text;
    } cases[] = {
        {0.0, "0.0"},
        {-0.0, "-0.0"},
        {1.0, "1.0"},
        {-1.0, "-1.0"},
        {0.1, "0.1"},
        {0.3, "0.3"},
        {0.1 + 0.2, "0.30000000000000004"},
        {2.0 / 3.0, "0.6666666666666666"},
        {100.0, "100.0"},
        {123.5, "123.5"},
        {-65.613616999999977, "-65.61361699999998"},
        {43.420273000000009, "43.42027300000001"},
        {1e15, "1000000000000000.0"},
        {1234567890123456.0, "1234567890123456.0"},
        {9007199254740992.0, "9007199254740992.0"},   /* 2^53 */
        {1e16, "1e16"},
        {12345678901234567.0, "1.2345678901234568e16"},
        {123456789012345678.0, "1.2345678901234568e17"},
        {1e21, "1e21"},
        {1e22, "1e22"},
        {1e23, "1e23"},
        {1e300, "1e300"},
        {1e-4, "0.0001"},
        {1.5e-4, "0.00015"},
        {0.00012345678901234567, "0.00012345678901234567"},
        {1e-5, "1e-5"},
        {1.5e-5, "1.5e-5"},
        {-2.5e-7, "-2.5e-7"},
        {5e-324, "5e-324"},
        {-5e-324, "-5e-324"},
        {1e-323, "1e-323"},
        {2.2250738585072009e-308, "2.225073858507201e-308"},   /* largest subnormal */
        {DBL_MIN, "2.2250738585072014e-308"},
        {DBL_MAX, "1.7976931348623157e308"},
        {-DBL_MAX, "-1.7976931348623157e308"},
        {0x1p-1022 * 3, "6.675221575521604e-308"},
        {0x1p-1074 * 3, "1.5e-323"},
        {0x1p1023, "8.98846567431158e307"},
        {0x1p-1, "0.5"},
        {0x1p-10, "0.0009765625"},
        {0x1p-20, "9.5367431640625e-7"},
        {0x1p60, "1.152921504606847e18"},
        {4.35, "4.35"},
        {5e-1, "0.5"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[WK__DOUBLE_MAX_CHARS + 1];
        format(cases[i].d, text);
        assert_string_equal(text, cases[i].text);
    }
}

/* Every power of two and of ten, both signs: the powers of two are exactly
 * the doubles at the bottom of a binade. */
static void test_format_powers(void **state)
{
    (void)state;
    for (int e = -1074; e <= 1023; e++) {
        check_format(ldexp(1.0, e), true);
        check_format(-ldexp(1.0, e), true);
    }
    char text[WK__DOUBLE_MAX_CHARS + 1];
    char expected[32];
    for (int e = -323; e <= 308; e++) {
        snprintf(expected, sizeof expected, "1e%d", e);
        double d = strtod(expected, NULL);
        check_format(d, true);
        format(d, text);
        if (e >= -4 && e < 16) {
            if (e < 0) snprintf(expected, sizeof expected, "0.%.*s1", -e - 1, "000");
            else snprintf(expected, sizeof expected, "1%.*s.0", e, "000000000000000");
        }
        assert_string_equal(text, expected);
    }
}

static void test_format_subnormals(void **state)
{
    (void)state;
    uint64_t top = (UINT64_C(1) << 52) - 1;
    for (uint64_t c = 1; c <= 10000 / TEST_SCALE; c++) {
        check_format(double_of(c), c <= 1000);
        check_format(double_of(top + 1 - c), false);
    }
    for (int i = 0; i < 50000 / TEST_SCALE; i++) check_format(double_of(rng_next() & top), false);
}

/* Random bit patterns: every exponent, mostly 16 and 17 digits. */
static void test_format_random_bits(void **state)
{
    (void)state;
    int count = 450000 / TEST_SCALE;
    for (int i = 0; i < count; i++) {
        uint64_t b = rng_next();
        if (((b >> 52) & 0x7FF) == 0x7FF) continue;
        check_format(double_of(b), i % 64 == 0);
    }
}

/* Doubles nearest to short decimals, whose shortest form has few digits. */
static void test_format_short_decimals(void **state)
{
    (void)state;
    int count = 120000 / TEST_SCALE;
    for (int i = 0; i < count; i++) {
        char text[64];
        int digits = (int)rng_range(1, 15);
        uint64_t mantissa = rng_next() % UINT64_C(1000000000000000);
        snprintf(text, sizeof text, "%" PRIu64 "e%d", mantissa % (uint64_t)pow(10, digits),
                 (int)rng_range(-320, 300));
        double d = strtod(text, NULL);
        if (d == 0.0 || isinf(d)) continue;
        check_format(d, i % 16 == 0);
        char out[WK__DOUBLE_MAX_CHARS + 1];
        format(d, out);
        if (d >= DBL_MIN) assert_true(significant_digits(out) <= digits);
    }
}

/* ---- parsing ---- */

static void test_parse_table(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        double d;
    } cases[] = {
        {"0", 0.0},
        {"-0", -0.0},
        {"0.0", 0.0},
        {"-0.0e5", -0.0},
        {"0e999999999999999999999", 0.0},
        {"1", 1.0},
        {"-1", -1.0},
        {"1.5", 1.5},
        {"1E5", 100000.0},
        {"1e+5", 100000.0},
        {"1.5E-3", 0x1.89374bc6a7efap-10},
        {"0.1", 0x1.999999999999ap-4},
        {"0.3", 0x1.3333333333333p-2},
        {"-65.613616999999977", -0x1.06745803cd14p+6},
        {"1e23", 0x1.52d02c7e14af6p+76},
        {"8.98846567431158e307", 0x1p1023},
        {"9007199254740992", 0x1p53},
        {"9007199254740993", 0x1p53},                 /* a tie, to even */
        {"9007199254740995", 0x1.0000000000002p53},   /* a tie, to even */
        {"9007199254740993.0000000000000000001", 0x1.0000000000001p53},
        {"0.1000000000000000055511151231257827", 0x1.999999999999ap-4},
        {"2.2250738585072011e-308", 0x0.fffffffffffffp-1022},
        {"2.2250738585072012e-308", 0x1p-1022},
        {"2.2250738585072014e-308", 0x1p-1022},
        {"4.9406564584124654e-324", 0x1p-1074},
        {"2.4703282292062327e-324", 0.0},
        {"2.4703282292062328e-324", 0x1p-1074},
        {"-2.4703282292062328e-324", -0x1p-1074},
        {"1e-324", 0.0},
        {"1e-400", 0.0},
        {"-1e-99999999999999999999", -0.0},
        {"1.7976931348623157e308", DBL_MAX},
        {"1.7976931348623158e308", DBL_MAX},
        {"123456789012345678901234567890", 0x1.8ee90ff6c373ep+96},
        {"0.000000000000000000000000000001234", 0x1.9074b58c7cacap-100},
        {"7.3177701707893310e+15", 0x1.9ff792393edd3p+52},
        {"3.0540412e5", 305404.12},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double got = 1.0;
        assert_true(parse(cases[i].text, strlen(cases[i].text), &got));
        if (bits_of(got) != bits_of(cases[i].d)) print_message("%s: got %a\n", cases[i].text, got);
        assert_int_equal(bits_of(got), bits_of(cases[i].d));
        check_parse(cases[i].text);
    }
}

static void test_parse_overflow(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "1e400", "-1e400", "1e309", "1.8e308", "1.7976931348623159e308", "-1.7976931348623159e308",
        "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977"
        "587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845"
        "817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559"
        "699508093042880177904174497792",   /* DBL_MAX plus half an ulp: a tie, to even, is infinite */
        "1e99999999999999999999", "0.00000000000000000000000000000000000001e400",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double got = 1.0;
        assert_false(parse(cases[i], strlen(cases[i]), &got));
        assert_true(isinf(reference_parse(cases[i], strlen(cases[i]))));
    }
    /* Just below the tie above. */
    const char *below = "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977"
                        "587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845"
                        "817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559"
                        "699508093042880177904174497791.999999999999";
    double got = 0.0;
    assert_true(parse(below, strlen(below), &got));
    assert_int_equal(bits_of(got), bits_of(DBL_MAX));
}

/* "%.17g" of random doubles must read back exactly; "%.{1..16}g" like glibc. */
static void test_parse_printf_forms(void **state)
{
    (void)state;
    int count = 700000 / TEST_SCALE;
    for (int i = 0; i < count; i++) {
        uint64_t b = rng_next();
        if (((b >> 52) & 0x7FF) == 0x7FF) continue;
        double d = double_of(b);
        char text[64];
        int n = snprintf(text, sizeof text, "%.17g", d);
        double got = 0.0;
        assert_true(parse(text, (size_t)n, &got));
        assert_int_equal(bits_of(got), b);
        snprintf(text, sizeof text, "%.*g", (int)rng_range(1, 16), d);
        check_parse(text);
    }
}

/* Random JSON numbers: up to 25 digits, the point anywhere, exponents in
 * [-340, 320]. */
static void test_parse_random_decimals(void **state)
{
    (void)state;
    int count = 1000000 / TEST_SCALE;
    for (int i = 0; i < count; i++) {
        char text[80];
        size_t n = 0;
        if (rng_next() & 1) text[n++] = '-';
        int digits = (int)rng_range(1, 25);
        int int_digits = (int)rng_range(0, digits);
        if (int_digits == 0) {
            text[n++] = '0';
        } else {
            text[n++] = (char)('1' + rng_next() % 9);
            for (int k = 1; k < int_digits; k++) text[n++] = (char)('0' + rng_next() % 10);
        }
        if (int_digits < digits) {
            text[n++] = '.';
            for (int k = int_digits; k < digits; k++) text[n++] = (char)('0' + rng_next() % 10);
        }
        if (rng_next() % 8) n += (size_t)sprintf(text + n, "%s%d", rng_next() & 1 ? "e" : "E",
                                                (int)rng_range(-340, 320));
        check_parse_len(text, n);
    }
}

/* Hundreds or thousands of digits: the slow path, and the 19-digit
 * truncation of the fast one. */
static void test_parse_long_digits(void **state)
{
    (void)state;
    static char text[6000];
    int count = 4000 / TEST_SCALE;
    for (int i = 0; i < count; i++) {
        int digits = i % 10 == 0 ? 5000 : (int)rng_range(20, 800);
        size_t n = 0;
        text[n++] = (char)('1' + rng_next() % 9);
        for (int k = 1; k < digits; k++) text[n++] = (char)('0' + rng_next() % 10);
        if (i % 3 == 0) {
            /* Mostly zeros after the first 19 digits: decided by the fast
             * path's truncated digits unless a boundary falls in between. */
            for (int k = 19; k < digits; k++) text[k] = '0';
            if (i % 2) text[digits - 1] = '1';
        }
        sprintf(text + n, "e%d", (int)rng_range(-340 - digits, 320 - digits));
        check_parse(text);
    }
    /* Leading and trailing zeros around few significant digits. */
    char *p = text;
    p += sprintf(p, "0.");
    for (int k = 0; k < 400; k++) *p++ = '0';
    sprintf(p, "123");
    check_parse(text);   /* 1.23e-401: zero */
    p = text + sprintf(text, "0.");
    for (int k = 0; k < 300; k++) *p++ = '0';
    sprintf(p, "1234567890123456789012345");
    check_parse(text);
    p = text + sprintf(text, "1");
    for (int k = 0; k < 300; k++) *p++ = '0';
    sprintf(p, ".000");
    check_parse(text);   /* 1e300 */
    p = text + sprintf(text, "1.");
    for (int k = 0; k < 1000; k++) *p++ = '0';
    sprintf(p, "1");
    double got = 0.0;
    assert_true(parse(text, strlen(text), &got));
    assert_int_equal(bits_of(got), bits_of(1.0));
}

/*
 * Exact halfway points between neighbouring doubles, written out in full
 * (up to 767 significant digits), and just above and below them. The
 * midpoint of two doubles is exact in x87 extended precision, and glibc
 * prints long doubles exactly.
 */
static void test_parse_halfway_points(void **state)
{
    (void)state;
#if LDBL_MANT_DIG >= 64 && LDBL_MAX_EXP > DBL_MAX_EXP
    static char mid[1400], text[1600];
    int count = 3000 / TEST_SCALE;
    for (int i = 0; i < count; i++) {
        uint64_t b = rng_next() >> 1;
        if (i % 4 == 0) b &= (UINT64_C(1) << 52) - 1;   /* subnormals */
        if (i == 1) b = bits_of(DBL_MAX) - 1;
        if (b >= bits_of(DBL_MAX)) continue;
        double low = double_of(b), high = double_of(b + 1);
        long double halfway = ((long double)low + (long double)high) / 2;
        snprintf(mid, sizeof mid, "%.1100Le", halfway);
        char *e = strchr(mid, 'e');
        char *end = e;
        while (end[-1] == '0') end--;
        int mantissa_len = (int)(end - mid);
        double even = (b & 1) ? high : low;

        /* Exactly halfway: to the even neighbour. */
        int n = snprintf(text, sizeof text, "%.*s%s", mantissa_len, mid, e);
        double got = 0.0;
        assert_true(parse(text, (size_t)n, &got));
        assert_int_equal(bits_of(got), bits_of(even));
        check_parse(text);

        /* A nonzero digit far past the midpoint's last: up. */
        n = snprintf(text, sizeof text, "%.*s%.*s1%s", mantissa_len, mid, 200,
                     "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                     "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
                     e);
        assert_true(parse(text, (size_t)n, &got));
        assert_int_equal(bits_of(got), bits_of(high));
        check_parse(text);

        /* The midpoint's last digit one lower and nines after it: down. */
        n = snprintf(text, sizeof text, "%.*s%c999999999999999999999%s", mantissa_len - 1, mid,
                     mid[mantissa_len - 1] - 1, e);
        assert_true(parse(text, (size_t)n, &got));
        assert_int_equal(bits_of(got), bits_of(low));
        check_parse(text);
    }
#else
    skip();
#endif
}

/* Every length of integer part and fraction around the eight-byte steps of
 * the digit reader (whole steps, a short tail, a fraction that ends the text
 * or is followed by an exponent, texts shorter than eight bytes). */
static void test_parse_digit_run_lengths(void **state)
{
    (void)state;
    static const char *const exponents[] = {"", "e0", "E-7", "e+12"};
    for (int int_digits = 1; int_digits <= 20; int_digits++) {
        for (int frac_digits = 0; frac_digits <= 26; frac_digits++) {
            for (size_t e = 0; e < sizeof exponents / sizeof exponents[0]; e++) {
                for (int sign = 0; sign < 2; sign++) {
                    char text[80];
                    int n = 0;
                    if (sign) text[n++] = '-';
                    for (int k = 0; k < int_digits; k++) text[n++] = (char)('1' + (k * 7 + frac_digits) % 9);
                    if (frac_digits) {
                        text[n++] = '.';
                        for (int k = 0; k < frac_digits; k++) text[n++] = (char)('0' + (k * 3 + int_digits) % 10);
                    }
                    n += sprintf(text + n, "%s", exponents[e]);
                    check_parse_len(text, (size_t)n);
                }
            }
        }
    }
}

/* The JSON encoder's and decoder's contract together: every double reads
 * back from its own text. Covered per double in check_format; this pins the
 * canada.json style of values (17 digits, magnitude 10 to 100). */
static void test_parse_coordinates(void **state)
{
    (void)state;
    int count = 300000 / TEST_SCALE;
    for (int i = 0; i < count; i++) {
        char text[40];
        int n = snprintf(text, sizeof text, "%s%d.%015" PRIu64, rng_next() & 1 ? "-" : "",
                         (int)rng_range(10, 99), rng_next() % UINT64_C(1000000000000000));
        check_parse_len(text, (size_t)n);
    }
}

/* ---- integers ---- */

static void test_format_integers(void **state)
{
    (void)state;
    char text[21];
    static const struct {
        int64_t v;
        const char *text;
    } signed_cases[] = {
        {0, "0"}, {7, "7"}, {-7, "-7"}, {10, "10"}, {-99, "-99"}, {100, "100"},
        {INT64_MAX, "9223372036854775807"}, {INT64_MIN, "-9223372036854775808"},
    };
    for (size_t i = 0; i < sizeof signed_cases / sizeof signed_cases[0]; i++) {
        size_t n = wk__format_int64(signed_cases[i].v, text);
        assert_int_equal(n, strlen(signed_cases[i].text));
        assert_memory_equal(text, signed_cases[i].text, n);
    }
    static const struct {
        uint64_t v;
        const char *text;
    } unsigned_cases[] = {
        {0, "0"}, {9, "9"}, {10, "10"}, {999, "999"}, {1000, "1000"},
        {UINT64_C(10000000000000000000), "10000000000000000000"},
        {UINT64_MAX, "18446744073709551615"},
    };
    for (size_t i = 0; i < sizeof unsigned_cases / sizeof unsigned_cases[0]; i++) {
        size_t n = wk__format_uint64(unsigned_cases[i].v, text);
        assert_int_equal(n, strlen(unsigned_cases[i].text));
        assert_memory_equal(text, unsigned_cases[i].text, n);
    }
    for (int i = 0; i < 100000 / TEST_SCALE; i++) {
        uint64_t v = rng_next() >> (rng_next() % 64);
        char expected[32];
        int n = snprintf(expected, sizeof expected, "%" PRIu64, v);
        assert_int_equal(wk__format_uint64(v, text), (size_t)n);
        assert_memory_equal(text, expected, (size_t)n);
        n = snprintf(expected, sizeof expected, "%" PRId64, (int64_t)v);
        assert_int_equal(wk__format_int64((int64_t)v, text), (size_t)n);
        assert_memory_equal(text, expected, (size_t)n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_table),
        cmocka_unit_test(test_format_powers),
        cmocka_unit_test(test_format_subnormals),
        cmocka_unit_test(test_format_random_bits),
        cmocka_unit_test(test_format_short_decimals),
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_parse_overflow),
        cmocka_unit_test(test_parse_printf_forms),
        cmocka_unit_test(test_parse_random_decimals),
        cmocka_unit_test(test_parse_long_digits),
        cmocka_unit_test(test_parse_digit_run_lengths),
        cmocka_unit_test(test_parse_halfway_points),
        cmocka_unit_test(test_parse_coordinates),
        cmocka_unit_test(test_format_integers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
