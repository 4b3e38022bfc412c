/*
 * Numbers as text: shortest round-trip doubles, correctly rounded parsing,
 * integers.
 *
 * Formatting uses Giulietti's Schubfach method: a double's rounding interval
 * is scaled by a power of ten chosen so that the interval is at least one
 * unit wide, then the shortest decimal inside it is read off from three
 * 128-bit products. Parsing uses Clinger's fast path when the digits and the
 * power of ten are both exact doubles, then Eisel and Lemire's method (one or
 * two 64x128-bit products against a truncated power of ten), and falls back
 * to the C library's strtod only for the rare inputs those cannot decide
 * (exact halfway cases, subnormals, more than 19 significant digits whose
 * truncation straddles a rounding boundary).
 *
 * Both methods share one table: 10^e for e in [-342, 324], each normalized
 * into [2^127, 2^128) and truncated to 128 bits. It is computed exactly at
 * first use with a small big-integer routine below, so that no table is
 * copied from elsewhere and nothing has to be generated at build time.
 */
#include "internal.h"

#include <float.h>
#include <stdatomic.h>
#include <stdlib.h>

/* ---- 128-bit helpers ---- */

typedef struct number_u128 {
    uint64_t hi;
    uint64_t lo;
} number_u128;

/* The full 128-bit product of two 64-bit numbers: returns the low half and
 * stores the high half. Defining NUMBER_NO_INT128 selects the portable
 * version on compilers that have a 128-bit type, so that it can be tested. */
static inline uint64_t number_mul64(uint64_t a, uint64_t b, uint64_t *hi)
{
#if defined(__SIZEOF_INT128__) && !defined(NUMBER_NO_INT128)
    __extension__ typedef unsigned __int128 number_native_u128;
    number_native_u128 product = (number_native_u128)a * b;
    *hi = (uint64_t)(product >> 64);
    return (uint64_t)product;
#else
    /* Four 32x32-bit products; the middle sum cannot overflow because each
     * term is below 2^64 - 2^33 + 1 and the other two are below 2^32. */
    uint64_t a_lo = (uint32_t)a, a_hi = a >> 32;
    uint64_t b_lo = (uint32_t)b, b_hi = b >> 32;
    uint64_t lo_lo = a_lo * b_lo;
    uint64_t hi_lo = a_hi * b_lo;
    uint64_t lo_hi = a_lo * b_hi;
    uint64_t hi_hi = a_hi * b_hi;
    uint64_t middle = (lo_lo >> 32) + (uint32_t)hi_lo + lo_hi;
    *hi = hi_hi + (hi_lo >> 32) + (middle >> 32);
    return (middle << 32) | (uint32_t)lo_lo;
#endif
}

/* Leading zero bits of a nonzero 64-bit number. */
static inline int number_clz64(uint64_t v)
{
#if defined(__GNUC__)
    return __builtin_clzll(v);
#else
    int n = 0;
    while (!(v >> 63)) {
        v <<= 1;
        n++;
    }
    return n;
#endif
}

/* ---- logarithms ----
 *
 * Fixed-point approximations of floor(e * log_b(a)). Each was checked
 * exhaustively against exact rational arithmetic over the whole range it is
 * used on (noted beside it). The added multiple of the divisor keeps the
 * shifted value non-negative, so that the shift is a floor division without
 * relying on how the compiler shifts negative numbers. */

/* floor(log2(10^e)) for e in [-342, 324]; 217706 / 2^16 ~ log2(10). */
static inline int32_t number_floor_log2_pow10(int32_t e)
{
    return ((e * 217706 + (2048 << 16)) >> 16) - 2048;
}

/* floor(log10(2^q)) for q in [-1074, 971]; 315653 / 2^20 ~ log10(2). */
static inline int32_t number_floor_log10_pow2(int32_t q)
{
    return ((q * 315653 + (1024 << 20)) >> 20) - 1024;
}

/* floor(log10(3/4 * 2^q)) for q in [-1074, 971]; -131008 / 2^20 ~
 * log10(3/4), and any offset in [-131011, -131005] passes the check. */
static inline int32_t number_floor_log10_three_quarters_pow2(int32_t q)
{
    return ((q * 315653 - 131008 + (1024 << 20)) >> 20) - 1024;
}

/* ---- the table of powers of ten ---- */

#define NUMBER_POW10_MIN (-342)
#define NUMBER_POW10_MAX 324
#define NUMBER_POW10_COUNT (NUMBER_POW10_MAX - NUMBER_POW10_MIN + 1)

/*
 * number_pow10_table[e - NUMBER_POW10_MIN] = floor(10^e * 2^(127 - f)) with
 * f = floor(log2(10^e)), so that each entry lies in [2^127, 2^128). Eisel-
 * Lemire needs e in [-342, 308] (below that any 19-digit input is zero,
 * above it infinite); Schubfach needs 10^-k for k in [-324, 292].
 */
static number_u128 number_pow10_table[NUMBER_POW10_COUNT];

/* 0: not built, 1: one thread is building it, 2: ready to read. */
static atomic_int number_pow10_state;

/* A fixed-size unsigned big integer, least significant 32-bit limb first;
 * 1024 bits hold both 5^324 (753 bits) and the 2^1000 dividend below. */
#define NUMBER_BIG_LIMBS 32

typedef struct number_big {
    uint32_t limb[NUMBER_BIG_LIMBS];
} number_big;

static void number_big_mul_small(number_big *b, uint32_t factor)
{
    uint64_t carry = 0;
    for (int i = 0; i < NUMBER_BIG_LIMBS; i++) {
        uint64_t product = (uint64_t)b->limb[i] * factor + carry;
        b->limb[i] = (uint32_t)product;
        carry = product >> 32;
    }
}

/* Floor division by a small number, from the most significant limb down. */
static void number_big_div_small(number_big *b, uint32_t divisor)
{
    uint64_t remainder = 0;
    for (int i = NUMBER_BIG_LIMBS - 1; i >= 0; i--) {
        uint64_t part = (remainder << 32) | b->limb[i];
        b->limb[i] = (uint32_t)(part / divisor);
        remainder = part % divisor;
    }
}

static int number_big_bit_length(const number_big *b)
{
    for (int i = NUMBER_BIG_LIMBS - 1; i >= 0; i--) {
        if (b->limb[i]) {
            int bits = 32;
            uint32_t top = b->limb[i];
            while (!(top >> 31)) {
                top <<= 1;
                bits--;
            }
            return 32 * i + bits;
        }
    }
    return 0;
}

/* The 32 bits of b starting at bit `start`; bits below 0 read as zero. */
static uint32_t number_big_bits32(const number_big *b, int start)
{
    if (start <= -32) return 0;
    if (start < 0) return b->limb[0] << -start;
    int i = start / 32, shift = start % 32;
    uint32_t low = i < NUMBER_BIG_LIMBS ? b->limb[i] >> shift : 0;
    uint32_t high = shift && i + 1 < NUMBER_BIG_LIMBS ? b->limb[i + 1] << (32 - shift) : 0;
    return low | high;
}

/* The top 128 bits of a nonzero b, shifted so that bit 127 is set:
 * truncated when b is longer, padded with zeros when it is shorter. */
static number_u128 number_big_top128(const number_big *b)
{
    int start = number_big_bit_length(b) - 128;
    number_u128 r;
    r.hi = ((uint64_t)number_big_bits32(b, start + 96) << 32) | number_big_bits32(b, start + 64);
    r.lo = ((uint64_t)number_big_bits32(b, start + 32) << 32) | number_big_bits32(b, start);
    return r;
}

static void number_pow10_build(void)
{
    /* 10^e and 5^e differ by a power of two, so normalizing either gives
     * the same 128 bits: for e >= 0 these are the top bits of 5^e. */
    number_big power = {{1}};
    for (int e = 0; e <= NUMBER_POW10_MAX; e++) {
        number_pow10_table[e - NUMBER_POW10_MIN] = number_big_top128(&power);
        number_big_mul_small(&power, 5);
    }
    /* For e = -n the entry is floor(2^m / 5^n) for the m that puts it in
     * [2^127, 2^128). Dividing 2^1000 by 5 n times gives floor(2^1000 / 5^n)
     * exactly (floor(floor(x / a) / b) = floor(x / ab)), and its top 128 bits
     * are the wanted floor because dropping low bits is again a floor
     * division. 2^1000 / 5^342 still has more than 128 bits. */
    number_big quotient = {{0}};
    quotient.limb[1000 / 32] = (uint32_t)1 << (1000 % 32);
    for (int n = 1; n <= -NUMBER_POW10_MIN; n++) {
        number_big_div_small(&quotient, 5);
        number_pow10_table[-n - NUMBER_POW10_MIN] = number_big_top128(&quotient);
    }
}

/*
 * The table, built on first use. One thread wins the right to build it (tens
 * of microseconds, once per process); a thread that arrives meanwhile waits
 * for it rather than blocking on a lock, which keeps this file free of a
 * threads library. The acquire load pairs with the release store, so readers
 * see the finished entries.
 */
static inline const number_u128 *number_pow10(void)
{
    if (WK__LIKELY(atomic_load_explicit(&number_pow10_state, memory_order_acquire) == 2))
        return number_pow10_table;
    int expected = 0;
    if (atomic_compare_exchange_strong_explicit(&number_pow10_state, &expected, 1,
                                                memory_order_acq_rel, memory_order_acquire)) {
        number_pow10_build();
        atomic_store_explicit(&number_pow10_state, 2, memory_order_release);
    } else {
        while (atomic_load_explicit(&number_pow10_state, memory_order_acquire) != 2) {
        }
    }
    return number_pow10_table;
}

/* ---- decimal digits ---- */

static const char number_digit_pairs[201] =
    "00010203040506070809"
    "10111213141516171819"
    "20212223242526272829"
    "30313233343536373839"
    "40414243444546474849"
    "50515253545556575859"
    "60616263646566676869"
    "70717273747576777879"
    "80818283848586878889"
    "90919293949596979899";

/* Writes the decimal digits of v so that they end just before `end`, two at
 * a time; returns where they start. */
static char *number_digits_backward(uint64_t v, char *end)
{
    while (v >= 100) {
        end -= 2;
        memcpy(end, number_digit_pairs + 2 * (v % 100), 2);
        v /= 100;
    }
    if (v >= 10) {
        end -= 2;
        memcpy(end, number_digit_pairs + 2 * v, 2);
    } else {
        *--end = (char)('0' + v);
    }
    return end;
}

/* Exactly eight digits of v < 10^8, leading zeros included: two
 * independent halves of four, then pairs. */
static inline void number_write8(uint32_t v, char *out)
{
    uint32_t high = v / 10000, low = v % 10000;
    memcpy(out, number_digit_pairs + 2 * (high / 100), 2);
    memcpy(out + 2, number_digit_pairs + 2 * (high % 100), 2);
    memcpy(out + 4, number_digit_pairs + 2 * (low / 100), 2);
    memcpy(out + 6, number_digit_pairs + 2 * (low % 100), 2);
}

/* Exactly seventeen digits of v < 10^17, leading zeros included. Splitting
 * into a digit and two groups of eight keeps the chains of divisions short
 * and lets the groups proceed side by side. */
static inline void number_write17(uint64_t v, char *out)
{
    uint64_t rest = v % UINT64_C(10000000000000000);
    out[0] = (char)('0' + v / UINT64_C(10000000000000000));
    number_write8((uint32_t)(rest / 100000000), out + 1);
    number_write8((uint32_t)(rest % 100000000), out + 9);
}

/* ---- double to text (Schubfach) ---- */

#define NUMBER_FRACTION_BITS 52
#define NUMBER_HIDDEN_BIT (UINT64_C(1) << NUMBER_FRACTION_BITS)
#define NUMBER_FRACTION_MASK (NUMBER_HIDDEN_BIT - 1)
#define NUMBER_EXPONENT_MIN (-1074)   /* q of the subnormals and of the smallest normal binade */

/*
 * floor(g * cp / 2^127) with its lowest bit forced to 1 when the quotient is
 * not an integer. g is the 126-bit upper approximation of a power of ten, so
 * the result is 4 * (scaled value) exactly in its integer part, and the
 * forced bit keeps comparisons against multiples of two exact: a value just
 * above 4s reads as 4s + 1, never as 4s. Only the top 63 bits of the
 * fraction are looked at, which Giulietti shows is enough for every double.
 */
static inline uint64_t number_scaled(number_u128 g, uint64_t cp)
{
    uint64_t upper_hi, lower_hi;
    uint64_t upper_lo = number_mul64(g.hi, cp, &upper_hi);
    number_mul64(g.lo, cp, &lower_hi);
    /* (g * cp) >> 64 = upper + (lower >> 64), at most 122 bits. */
    uint64_t mid_lo = upper_lo + lower_hi;
    uint64_t mid_hi = upper_hi + (mid_lo < upper_lo);
    uint64_t integral = (mid_hi << 1) | (mid_lo >> 63);
    uint64_t fraction = mid_lo & ~(UINT64_C(1) << 63);
    return integral | (fraction != 0);
}

/*
 * The shortest decimal digits*10^exp10 inside the rounding interval of
 * c*2^q, and the closest to it among those (ties to an even digit string).
 * The interval is [c - 1/2, c + 1/2] * 2^q, closed when c is even; at the
 * bottom of a binade (c = 2^52 in a normal binade) the lower half is only
 * 1/4 wide because the next double down is closer. All quantities are kept
 * in units of 2^(q-2) so that the bounds are integers.
 */
static void number_shortest(uint64_t c, int32_t q, uint64_t *digits, int32_t *exp10)
{
    uint64_t open = c & 1;   /* an odd c has an open interval */
    uint64_t cb = c << 2;
    uint64_t cb_right = cb + 2;
    uint64_t cb_left;
    int32_t k;
    if (c != NUMBER_HIDDEN_BIT || q == NUMBER_EXPONENT_MIN) {
        cb_left = cb - 2;
        k = number_floor_log10_pow2(q);
    } else {
        cb_left = cb - 1;
        k = number_floor_log10_three_quarters_pow2(q);
    }
    /* k makes 10^k no wider than the interval, so at least one multiple of
     * 10^k lies in it, while 10^(k+1) is wider, so at most one multiple of
     * 10^(k+1) does. h (2 to 5) aligns c * 2^q * 10^-k with g's scale. */
    int32_t h = q + number_floor_log2_pow10(-k) + 2;
    number_u128 power = number_pow10()[-k - NUMBER_POW10_MIN];
    number_u128 g;
    g.hi = power.hi >> 2;
    g.lo = ((power.hi << 62) | (power.lo >> 2)) + 1;   /* floor(10^-k * 2^(125-f)) + 1 */
    if (g.lo == 0) g.hi++;
    uint64_t v = number_scaled(g, cb << h);
    uint64_t v_left = number_scaled(g, cb_left << h);
    uint64_t v_right = number_scaled(g, cb_right << h);

    uint64_t s = v >> 2;   /* floor(c * 2^q / 10^k) */
    /* A multiple of 10^(k+1) in the interval is shorter than anything else
     * in it, and unique. */
    uint64_t s10 = s / 10 * 10;
    uint64_t t10 = s10 + 10;
    bool s10_in = v_left + open <= s10 << 2;
    bool t10_in = (t10 << 2) + open <= v_right;
    if (s10_in != t10_in) {
        *digits = s10_in ? s10 : t10;
        *exp10 = k;
        return;
    }
    /* Otherwise s * 10^k or (s + 1) * 10^k: whichever is inside, and the
     * closer one when both are. */
    uint64_t t = s + 1;
    bool s_in = v_left + open <= s << 2;
    bool t_in = (t << 2) + open <= v_right;
    *exp10 = k;
    if (s_in != t_in) {
        *digits = s_in ? s : t;
        return;
    }
    uint64_t midpoint = (s << 2) + 2;
    *digits = v < midpoint || (v == midpoint && !(s & 1)) ? s : t;
}

/* ---- text to double ---- */

/* Exact powers of ten as doubles: 5^22 < 2^53, so each literal is exact. */
static const double number_exact_pow10[23] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

#define NUMBER_MAX_FAST_DIGITS 19       /* every 19-digit number fits in 64 bits */
#define NUMBER_EXPONENT_CAP 100000000   /* beyond this any written exponent is 0 or inf */
#define NUMBER_FALLBACK_DIGITS 800      /* more than the 767 that can decide a rounding */

typedef enum number_result {
    NUMBER_DECIDED,
    NUMBER_OVERFLOW,
    NUMBER_UNDECIDED
} number_result;

/*
 * Eisel-Lemire: the double nearest w * 10^q for nonzero w and q in
 * [-342, 308], from the top bits of w times the truncated power of ten.
 * Gives up (false) when the truncation could matter: when the bits below the
 * 54 kept ones are all ones (a carry from the neglected part could reach
 * them), when the result could be an exact tie (ties go to even, which the
 * truncated product cannot see), and for subnormal or infinite results.
 */
static inline bool number_eisel_lemire(uint64_t w, int32_t q, uint64_t *bits)
{
    number_u128 power = number_pow10()[q - NUMBER_POW10_MIN];
    int shift = number_clz64(w);
    w <<= shift;

    uint64_t hi;
    uint64_t lo = number_mul64(w, power.hi, &hi);
    /* The neglected w * power.lo adds less than w to lo; only if that can
     * carry into the low nine bits of hi, which decide the rounding, is it
     * worth computing. */
    if ((hi & 0x1FF) == 0x1FF && lo + w < lo) {
        uint64_t extra_hi;
        uint64_t extra_lo = number_mul64(w, power.lo, &extra_hi);
        uint64_t sum = lo + extra_hi;
        hi += sum < lo;
        lo = sum;
        /* What is still neglected (the truncation of the power itself) adds
         * less than w to extra_lo. */
        if ((hi & 0x1FF) == 0x1FF && lo == UINT64_MAX && extra_lo + w < extra_lo) return false;
    }

    /* The product has its top bit at 127 or 126 of hi:lo; keep 54 bits, one
     * more than a double's significand, to round with. */
    unsigned top = (unsigned)(hi >> 63);
    uint64_t mantissa = hi >> (top + 9);
    if (lo == 0 && (hi & 0x1FF) == 0 && (mantissa & 3) == 1) return false;
    /* Biased exponent: for w = 1 and q = 0 this gives 1023. */
    int32_t exponent = number_floor_log2_pow10(q) + 1086 - shift + (int32_t)top;
    mantissa = (mantissa + (mantissa & 1)) >> 1;
    if (mantissa >> 53) {
        mantissa >>= 1;
        exponent++;
    }
    if (exponent <= 0 || exponent >= 0x7FF) return false;
    *bits = ((uint64_t)exponent << NUMBER_FRACTION_BITS) | (mantissa & NUMBER_FRACTION_MASK);
    return true;
}

/* The double nearest w * 10^q for w <= 10^19, as bits, if it can be found
 * without the slow path. */
static inline number_result number_decide(uint64_t w, int64_t q, uint64_t *bits)
{
    if (w == 0 || q < NUMBER_POW10_MIN) {
        /* w * 10^q < 10^19 * 10^-343 is below half the smallest subnormal. */
        *bits = 0;
        return NUMBER_DECIDED;
    }
    if (q > 308) return NUMBER_OVERFLOW;
    return number_eisel_lemire(w, (int32_t)q, bits) ? NUMBER_DECIDED : NUMBER_UNDECIDED;
}

static inline bool number_is_digit(char c)
{
    return (unsigned char)(c - '0') < 10;
}

/*
 * Eight digits at a time. Most of a 17-digit number's parsing time is the
 * chain of w = 10 * w + digit; with the eight bytes in one register, three
 * multiplications combine neighbouring digits, then pairs, then quads, each
 * step keeping the lanes apart because no lane can exceed its width. Needs
 * the first character in the lowest byte, so only on little-endian targets
 * (and not with NUMBER_NO_SWAR, which tests the plain loop).
 */
#if ((defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) || defined(_M_X64) || \
     defined(_M_ARM64)) && !defined(NUMBER_NO_SWAR)
#  define NUMBER_SWAR 1

static inline uint64_t number_load8(const char *p)
{
    uint64_t chunk;
    memcpy(&chunk, p, sizeof chunk);
    return chunk;
}

/* The top bit of each byte that is not an ASCII digit. The text is ASCII,
 * so every byte is below 0x80 and the additions cannot carry between bytes:
 * b + 0x46 reaches 0x80 exactly when b > '9', and b + 0x50 stays below 0x80
 * exactly when b < '0'. */
static inline uint64_t number_non_digits(uint64_t chunk)
{
    uint64_t above = chunk + UINT64_C(0x4646464646464646);
    uint64_t below = ~(chunk + UINT64_C(0x5050505050505050));
    return (above | below) & UINT64_C(0x8080808080808080);
}

/* Trailing zero bits of a nonzero 64-bit number. */
static inline int number_ctz64(uint64_t v)
{
#  if defined(__GNUC__)
    return __builtin_ctzll(v);
#  else
    int n = 0;
    while (!(v & 1)) {
        v >>= 1;
        n++;
    }
    return n;
#  endif
}

static const uint32_t number_small_pow10[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
                                               100000000};

static inline uint64_t number_eight_digits_value(uint64_t chunk)
{
    chunk -= UINT64_C(0x3030303030303030);
    /* Byte i becomes 10 * digit i + digit i+1 (at most 99); keep the even
     * bytes: four two-digit numbers in 16-bit lanes, the first one lowest. */
    chunk = (chunk * 10 + (chunk >> 8)) & UINT64_C(0x00FF00FF00FF00FF);
    /* 100 * lane + next lane (at most 9999): four-digit numbers in 32-bit lanes. */
    chunk = (chunk * 100 + (chunk >> 16)) & UINT64_C(0x0000FFFF0000FFFF);
    /* 10000 * lane + next lane (at most 99999999). */
    return (chunk * 10000 + (chunk >> 32)) & UINT64_C(0xFFFFFFFF);
}
#endif

/* Reads the run of digits at p (within text..end) into w, which wraps past
 * 19 digits; returns the end of the run. */
static inline const char *number_read_digits(const char *p, const char *text, const char *end,
                                             uint64_t *w)
{
    uint64_t value = *w;
#ifdef NUMBER_SWAR
    if (end - text >= 8) {
        /* The usual JSON double: a fraction of 9 to 16 digits that ends the
         * text. Its first eight and its last eight bytes are then two
         * independent loads, and only their overlap needs masking. */
        ptrdiff_t left = end - p;
        if (left > 8 && left <= 16) {
            uint64_t head = number_load8(p), tail = number_load8(end - 8);
            if (!(number_non_digits(head) | number_non_digits(tail))) {
                int tail_digits = (int)(left - 8);
                uint64_t overlap = tail_digits == 8 ? 0 : (UINT64_C(1) << (8 * (8 - tail_digits))) - 1;
                tail = (tail & ~overlap) | (UINT64_C(0x3030303030303030) & overlap);
                value = value * 100000000 + number_eight_digits_value(head);
                *w = value * number_small_pow10[tail_digits] + number_eight_digits_value(tail);
                return end;
            }
        }
        /* Otherwise up to eight digits per step. When fewer than eight
         * bytes are left, the last eight bytes of the text are read instead
         * and shifted down, so that nothing past the end is touched; what
         * moves in at the top is zero, which ends the run like any
         * non-digit. */
        for (;;) {
            left = end - p;
            if (left <= 0) break;
            uint64_t chunk = left >= 8 ? number_load8(p) : number_load8(end - 8) >> (8 * (8 - left));
            uint64_t non_digits = number_non_digits(chunk);
            if (!non_digits) {
                value = value * 100000000 + number_eight_digits_value(chunk);
                p += 8;
                continue;
            }
            int count = number_ctz64(non_digits) >> 3;
            if (count) {
                /* Move the run to the top and fill below it with '0's: the
                 * same number, written with eight digits. */
                chunk = (chunk << (64 - 8 * count)) | (UINT64_C(0x3030303030303030) >> (8 * count));
                value = value * number_small_pow10[count] + number_eight_digits_value(chunk);
                p += count;
            }
            break;
        }
        *w = value;
        return p;
    }
#else
    (void)text;
#endif
    while (p < end && number_is_digit(*p)) value = 10 * value + (uint64_t)(*p++ - '0');
    *w = value;
    return p;
}

/* The parts of a number's text: the integer digits, the fraction digits
 * (possibly none), and the written exponent, clamped to
 * +-NUMBER_EXPONENT_CAP. */
typedef struct number_text {
    const char *int_start, *int_end;
    const char *frac_start, *frac_end;
    int64_t exponent;
    bool negative;
} number_text;

static void number_scan(const char *s, size_t len, number_text *t)
{
    const char *p = s, *end = s + len;
    t->negative = p < end && *p == '-';
    p += t->negative;
    t->int_start = p;
    while (p < end && number_is_digit(*p)) p++;
    t->int_end = t->frac_start = t->frac_end = p;
    if (p < end && *p == '.') {
        t->frac_start = ++p;
        while (p < end && number_is_digit(*p)) p++;
        t->frac_end = p;
    }
    t->exponent = 0;
    if (p < end) {
        bool negative = *++p == '-';
        if (*p == '-' || *p == '+') p++;
        for (; p < end; p++)
            if (t->exponent < NUMBER_EXPONENT_CAP) t->exponent = 10 * t->exponent + (*p - '0');
        if (negative) t->exponent = -t->exponent;
    }
}

/*
 * Walks the significant digits (from the first nonzero one) in order,
 * across the decimal point. `point` is where the decimal point sits relative
 * to the first significant digit: value = 0.D1D2D3... * 10^(point + exponent).
 */
typedef struct number_digits {
    const number_text *text;
    const char *p;
    int64_t point;
} number_digits;

/* Positions the walk on the first significant digit; false when the number
 * is zero. */
static bool number_digits_start(number_digits *it, const number_text *t)
{
    it->text = t;
    it->p = t->int_start;
    while (it->p < t->int_end && *it->p == '0') it->p++;
    if (it->p < t->int_end) {
        it->point = t->int_end - it->p;
        return true;
    }
    it->p = t->frac_start;
    while (it->p < t->frac_end && *it->p == '0') it->p++;
    it->point = -(int64_t)(it->p - t->frac_start);
    return it->p < t->frac_end;
}

/* The next significant digit, or 0 (not '0') after the last one. */
static char number_digits_next(number_digits *it)
{
    if (it->p == it->text->int_end) it->p = it->text->frac_start;
    if (it->p >= it->text->frac_end) return 0;   /* frac_end is never before int_end */
    return *it->p++;
}

#if defined(__GNUC__)
#  define NUMBER_COLD __attribute__((cold, noinline))
#else
#  define NUMBER_COLD
#endif

/*
 * The exact but slow path: hands the C library's strtod a rewritten copy.
 * The copy has no decimal point ("12345e-7"), so the locale's radix
 * character never matters. Digits past the first 800 significant ones only
 * matter through whether any is nonzero, because a double or a halfway point
 * between two has at most 767 significant digits: a trailing '1' stands for
 * them, keeping the text on the same side of every rounding boundary.
 */
NUMBER_COLD static bool number_parse_fallback(const char *s, size_t len, double *out)
{
    number_text t;
    number_scan(s, len, &t);
    number_digits it;
    if (!number_digits_start(&it, &t)) {
        *out = t.negative ? -0.0 : 0.0;
        return true;
    }
    char text[NUMBER_FALLBACK_DIGITS + 40];
    size_t n = 0;
    bool sticky = false;
    for (char c; (c = number_digits_next(&it)) != 0;) {
        if (n < NUMBER_FALLBACK_DIGITS) text[n++] = c;
        else if (c != '0') sticky = true;
    }
    if (sticky) text[n++] = '1';
    int64_t exponent = it.point + t.exponent - (int64_t)n;
    text[n++] = 'e';
    n += wk__format_int64(exponent, text + n);
    text[n] = '\0';
    double d = strtod(text, NULL);
    if (d > DBL_MAX) return false;
    *out = t.negative ? -d : d;
    return true;
}

/*
 * More than 19 digits. Leading zeros are not significant ("0.000...0123");
 * of the rest, the first 19 give w, and the value lies in [w, w + 1) * 10^q
 * (or is w * 10^q when no later digit is nonzero). When both ends round to
 * the same double, so does the value.
 */
NUMBER_COLD static bool number_parse_long(const char *s, size_t len, double *out)
{
    number_text t;
    number_scan(s, len, &t);
    number_digits it;
    if (!number_digits_start(&it, &t)) {
        *out = t.negative ? -0.0 : 0.0;
        return true;
    }
    uint64_t head = 0;
    int count = 0;
    char c;
    while (count < NUMBER_MAX_FAST_DIGITS && (c = number_digits_next(&it)) != 0) {
        head = 10 * head + (uint64_t)(c - '0');
        count++;
    }
    bool truncated = false;
    while (!truncated && (c = number_digits_next(&it)) != 0) truncated = c != '0';
    int64_t q = it.point + t.exponent - count;

    uint64_t bits;
    number_result r = number_decide(head, q, &bits);
    if (truncated && r != NUMBER_UNDECIDED) {
        uint64_t bits_up;
        number_result r_up = number_decide(head + 1, q, &bits_up);
        if (r_up != r || (r == NUMBER_DECIDED && bits_up != bits)) r = NUMBER_UNDECIDED;
    }
    if (r == NUMBER_UNDECIDED) return number_parse_fallback(s, len, out);
    if (r == NUMBER_OVERFLOW) return false;
    if (t.negative) bits |= UINT64_C(1) << 63;
    memcpy(out, &bits, sizeof *out);
    return true;
}

/* ---- entry points ---- */

size_t wk__format_uint64(uint64_t v, char *out)
{
    char text[20];
    char *start = number_digits_backward(v, text + sizeof text);
    size_t n = (size_t)(text + sizeof text - start);
    memcpy(out, start, n);
    return n;
}

size_t wk__format_int64(int64_t v, char *out)
{
    if (v < 0) {
        out[0] = '-';
        return 1 + wk__format_uint64((uint64_t)0 - (uint64_t)v, out + 1);
    }
    return wk__format_uint64((uint64_t)v, out);
}

/*
 * Layout follows Python's repr: with the first significant digit at 10^x,
 * plain notation for -4 <= x < 16 ("0.0001", "123.5", "1.0",
 * "1234567890123456.0"), otherwise scientific with the bare exponent
 * ("1e16", "1.5e-5", "5e-324").
 *
 * The text is assembled in a local buffer with fixed-size copies, which
 * compile to a few register moves where variable-length ones would call
 * memcpy; what they copy past the wanted length is overwritten or ignored,
 * and the whole buffer goes to out, which has room for it (the longest text,
 * "-1.2345678901234567e-308", has 24 characters).
 */
size_t wk__format_double(double d, char *out)
{
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    char text[64];
    size_t sign = (size_t)(bits >> 63);
    text[0] = '-';
    char *p = text + sign;
    uint64_t fraction = bits & NUMBER_FRACTION_MASK;
    int32_t biased = (int32_t)((bits >> NUMBER_FRACTION_BITS) & 0x7FF);
    if (biased == 0 && fraction == 0) {
        memcpy(out, sign ? "-0.0" : "0.0", sign + 3);
        return sign + 3;
    }
    uint64_t c = biased ? fraction | NUMBER_HIDDEN_BIT : fraction;
    int32_t q = biased ? biased - 1075 : NUMBER_EXPONENT_MIN;

    uint64_t digits;
    int32_t exp10;
    number_shortest(c, q, &digits, &exp10);
    /* digits < 10 * 2^53 < 10^17: seventeen digits with leading zeros, then
     * the significant ones between the first and the last nonzero digit. */
    char all[48];
    memset(all, '0', sizeof all);
    number_write17(digits, all);
    const char *start = all, *stop = all + 17;
    while (*start == '0') start++;
    while (stop[-1] == '0') stop--;
    int32_t n = (int32_t)(stop - start);
    int32_t x = exp10 + 16 - (int32_t)(start - all);

    size_t len;
    if (x < -4 || x >= 16) {
        p[0] = start[0];
        p[1] = '.';
        memcpy(p + 2, start + 1, 16);
        char *e = p + (n > 1 ? n + 1 : 1);
        *e++ = 'e';
        if (x < 0) {
            *e++ = '-';
            x = -x;
        }
        if (x >= 100) {
            *e++ = (char)('0' + x / 100);
            x %= 100;
            memcpy(e, number_digit_pairs + 2 * x, 2);
            e += 2;
        } else if (x >= 10) {
            memcpy(e, number_digit_pairs + 2 * x, 2);
            e += 2;
        } else {
            *e++ = (char)('0' + x);
        }
        len = (size_t)(e - text);
    } else if (x < 0) {
        /* "0." and -x - 1 zeros (x is -1 to -4), then the digits. */
        memcpy(p, "0.000", 5);
        memcpy(p + 1 - x, start, 17);
        len = sign + (size_t)(1 - x + n);
    } else if (n <= x + 1) {
        /* An integer: its digits, the zeros that exp10 stands for, ".0". */
        memcpy(p, start, 16);
        memcpy(p + n, "0000000000000000", 16);
        memcpy(p + x + 1, ".0", 2);
        len = sign + (size_t)x + 3;
    } else {
        memcpy(p, start, 16);
        p[x + 1] = '.';
        memcpy(p + x + 2, start + x + 1, 16);
        len = sign + (size_t)n + 1;
    }
    memcpy(out, text, WK__DOUBLE_MAX_CHARS);
    return len;
}

bool wk__parse_double(const char *s, size_t len, double *out)
{
    const char *p = s, *end = s + len;
    bool negative = p < end && *p == '-';
    p += negative;

    /* Every digit goes into w; w wraps when there are more than 19, and
     * number_parse_long then reads them again. Integer parts are mostly
     * short, so only the fraction is read eight digits at a time. */
    if (WK__UNLIKELY(p >= end)) return number_parse_fallback(s, len, out);
    /* The grammar starts the integer part with a digit. */
    const char *int_start = p;
    uint64_t w = (uint64_t)(*p++ - '0');
    while (p < end && number_is_digit(*p)) w = 10 * w + (uint64_t)(*p++ - '0');
    size_t digit_count = (size_t)(p - int_start);
    int64_t q = 0;
    if (p < end && *p == '.') {
        const char *frac_start = ++p;
        p = number_read_digits(p, s, end, &w);
        digit_count += (size_t)(p - frac_start);
        q = -(int64_t)(p - frac_start);
    }
    if (p < end) {
        /* The grammar leaves only an exponent here. */
        bool exponent_negative = *++p == '-';
        if (*p == '-' || *p == '+') p++;
        int64_t exponent = 0;
        for (; p < end; p++)
            if (exponent < NUMBER_EXPONENT_CAP) exponent = 10 * exponent + (*p - '0');
        q += exponent_negative ? -exponent : exponent;
    }
    if (WK__UNLIKELY(digit_count > NUMBER_MAX_FAST_DIGITS)) return number_parse_long(s, len, out);

#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
    /* Clinger: w and 10^|q| are exact doubles, so one correctly rounded
     * multiplication or division gives the correctly rounded result. This
     * needs arithmetic in plain double precision, without x87 extended
     * precision rounding twice. */
    if (w <= NUMBER_HIDDEN_BIT << 1 && q >= -22 && q <= 22) {
        double d = (double)w;
        d = q < 0 ? d / number_exact_pow10[-q] : d * number_exact_pow10[q];
        *out = negative ? -d : d;
        return true;
    }
#endif
    uint64_t bits;
    number_result r = number_decide(w, q, &bits);
    if (WK__UNLIKELY(r != NUMBER_DECIDED)) {
        if (r == NUMBER_OVERFLOW) return false;
        return number_parse_fallback(s, len, out);
    }
    if (negative) bits |= UINT64_C(1) << 63;
    memcpy(out, &bits, sizeof *out);
    return true;
}
