/*
 * The MessagePack backend.
 *
 * Decoding is our own reader, not msgpack_unpack_next: msgpack-c's unpacker
 * keeps its container stack in a fixed array of 32 entries (compiled into
 * the library), so it cannot read documents nested deeper than that, while
 * our decoders honour a configurable limit (512 by default, up to 10000).
 * The reader is iterative, checks every length against the bytes that are
 * really there before trusting it, and builds the value tree straight into
 * the caller's arena, allocating each list or map array once with the exact
 * count the header gives.
 *
 * Encoding uses msgpack-c's packer, which already picks the smallest form of
 * every integer, string, binary, extension and container header; we add the
 * choice between float32 and float64 and a depth bound.
 *
 * parse_only runs msgpack_unpack_next alone, for the benchmark.
 *
 * With a message type (wk_decode_opts.type, or a WK_MESSAGE to write), the
 * typed mapping of DESIGN.md through the shared typed layer (formats/typed.h)
 * with this file's conventions (wk__msgpack_typed_conv, at the end of the file).
 */
#include "../model/internal.h"
#include "formats.h"
#include "typed.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <msgpack.h>

#if defined(__GNUC__)
#  define MP_COLD __attribute__((cold, noinline))
#  define MP_NOINLINE __attribute__((noinline))
#else
#  define MP_COLD
#  define MP_NOINLINE
#endif

/*
 * A map's members are read as a run of 2 * count values (key, value, key,
 * value, ...), so that lists and maps share one fill loop. That needs a
 * member to be exactly two values with nothing between or after them.
 */
_Static_assert(sizeof(wk_member) == 2 * sizeof(wk_value), "wk_member must be two wk_values");
_Static_assert(offsetof(wk_member, value) == sizeof(wk_value), "wk_member must be two wk_values");

/* ---- big-endian reads ---- */

/*
 * MessagePack stores every multi-byte number big-endian. A memcpy into a
 * native integer plus a byte swap compiles to one load and one bswap (or
 * movbe) on little-endian machines, with no alignment assumption.
 */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static inline uint16_t mpdec_be16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return __builtin_bswap16(v); }
static inline uint32_t mpdec_be32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return __builtin_bswap32(v); }
static inline uint64_t mpdec_be64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return __builtin_bswap64(v); }
#elif defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
static inline uint16_t mpdec_be16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t mpdec_be32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t mpdec_be64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
#else
static inline uint16_t mpdec_be16(const uint8_t *p) { return (uint16_t)((unsigned)p[0] << 8 | p[1]); }
static inline uint32_t mpdec_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline uint64_t mpdec_be64(const uint8_t *p) { return (uint64_t)mpdec_be32(p) << 32 | mpdec_be32(p + 4); }
#endif

/* ---- float32 <-> double without losing a bit ---- */

/*
 * A float32 widens to a double exactly, except that the hardware
 * conversion sets the quiet bit of a signalling NaN. NaNs are therefore
 * widened by hand (sign, all-ones exponent, the 23 payload bits moved to the
 * top of the 52), so that every float32 survives decode and re-encode bit
 * for bit.
 */
static inline double mpdec_float32(uint32_t bits)
{
    if (WK__LIKELY((bits & 0x7f800000u) != 0x7f800000u || (bits & 0x007fffffu) == 0)) {
        float f;
        memcpy(&f, &bits, sizeof f);
        return (double)f;
    }
    uint64_t wide = (uint64_t)(bits >> 31) << 63 | (uint64_t)0x7ff << 52 |
                    (uint64_t)(bits & 0x007fffffu) << 29;
    double d;
    memcpy(&d, &wide, sizeof d);
    return d;
}

/*
 * Whether d can be written as a float32 and read back as the same 64 bits;
 * if so, *bits is that float32. This is the inverse of mpdec_float32: NaNs
 * narrow by hand when their low 29 payload bits are zero, everything else
 * when the conversion to float and back gives the identical double (which
 * keeps -0.0 and rejects every value that would round).
 */
static bool mpenc_float32(double d, uint32_t *bits)
{
    uint64_t wide;
    memcpy(&wide, &d, sizeof wide);
    if (isnan(d)) {
        if (wide & (((uint64_t)1 << 29) - 1)) return false;
        *bits = (uint32_t)(wide >> 63) << 31 | 0x7f800000u | (uint32_t)((wide >> 29) & 0x007fffffu);
        return true;
    }
    /* A finite double beyond the float range would overflow in the
     * conversion; it cannot be a float32 anyway. */
    if (isfinite(d) && fabs(d) > FLT_MAX) return false;
    float f = (float)d;
    double back = (double)f;
    if (memcmp(&back, &d, sizeof d) != 0) return false;
    memcpy(bits, &f, sizeof *bits);
    return true;
}

/* ---- decode ---- */

/* Case labels for the fixed-width ranges of type bytes, so that one switch
 * over the type byte dispatches every value. */
#define MPDEC_CASE4(x) case (x): case (x) + 1: case (x) + 2: case (x) + 3
#define MPDEC_CASE16(x) MPDEC_CASE4(x): MPDEC_CASE4((x) + 4): MPDEC_CASE4((x) + 8): MPDEC_CASE4((x) + 12)
#define MPDEC_CASE32(x) MPDEC_CASE16(x): MPDEC_CASE16((x) + 16)

/*
 * The frames the decoder keeps on the C stack before it moves to the heap:
 * enough for ordinary documents, so that a decode usually costs no malloc.
 */
#define MPDEC_LOCAL_FRAMES 32

/* Frames named in an error message's path; deeper paths end in "...". */
#define MPDEC_PATH_FRAMES 24

/*
 * One open list or map. What is saved is the state of the enclosing
 * container, restored when this one is complete: the slot that holds this
 * container (the next value of the enclosing one is the slot after it), the
 * end of the enclosing container's slots, and how many slots the containers
 * outside that one still had to fill.
 */
typedef struct mpdec_frame {
    wk_value *container;
    wk_value *end;
    size_t owed;
} mpdec_frame;

/* What an error message needs to name the path of the value that failed. */
typedef struct mpdec_where {
    const mpdec_frame *stack;
    size_t depth;
    wk_value *cur;        /* the slot being decoded when the error was found */
    wk_status *st;
} mpdec_where;

static const char *mpdec_type_name(uint8_t b)
{
    if (b <= 0x7f) return "positive fixint";
    if (b <= 0x8f) return "fixmap";
    if (b <= 0x9f) return "fixarray";
    if (b <= 0xbf) return "fixstr";
    if (b >= 0xe0) return "negative fixint";
    static const char *const names[] = {
        "nil", "never-used byte", "false", "true", "bin 8", "bin 16", "bin 32",
        "ext 8", "ext 16", "ext 32", "float 32", "float 64", "uint 8", "uint 16",
        "uint 32", "uint 64", "int 8", "int 16", "int 32", "int 64", "fixext 1",
        "fixext 2", "fixext 4", "fixext 8", "fixext 16", "str 8", "str 16",
        "str 32", "array 16", "array 32", "map 16", "map 32",
    };
    return names[b - 0xc0];
}

static const wk_value *mpdec_items(const wk_value *container)
{
    if (container->kind == WK_MAP) return (const wk_value *)(const void *)container->as.members;
    return container->as.items;
}

/* True when the slot being decoded is a map key rather than a value. */
static bool mpdec_in_key(const mpdec_where *w)
{
    if (w->depth == 0) return false;
    const wk_value *container = w->stack[w->depth - 1].container;
    return container->kind == WK_MAP && (w->cur - mpdec_items(container)) % 2 == 0;
}

/*
 * Writes the path of the slot being decoded ("$[3].name"). Map keys are
 * named only once they are decoded; the slot that failed is not, so it is
 * marked null first (it is garbage memory of the failed decode anyway).
 */
static void mpdec_path(const mpdec_where *w, char *out, size_t cap)
{
    wk__path frames[MPDEC_PATH_FRAMES];
    size_t shown = w->depth < MPDEC_PATH_FRAMES ? w->depth : MPDEC_PATH_FRAMES;
    w->cur->kind = WK_NULL;
    for (size_t i = 0; i < shown; i++) {
        const wk_value *container = w->stack[i].container;
        const wk_value *child = i + 1 < w->depth ? w->stack[i + 1].container : w->cur;
        size_t pos = (size_t)(child - mpdec_items(container));
        frames[i].container = container;
        frames[i].index = container->kind == WK_MAP ? pos / 2 : pos;
    }
    wk__path_format(frames, shown, out, cap);
    if (shown < w->depth) {
        size_t n = strlen(out);
        if (cap - n > 3) memcpy(out + n, "...", 4);
    }
}

/* Records an error with the path of the slot being decoded in front of the message. */
static MP_COLD WK__PRINTF(4, 5) wk_code
mpdec_fail(const mpdec_where *w, wk_code code, size_t offset, const char *fmt, ...)
{
    if (!w->st) return code;
    char path[128];
    char detail[WK_STATUS_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    mpdec_path(w, path, sizeof path);
    return wk__fail(w->st, code, offset, "%s: %s", path, detail);
}

/* Moves the frame stack from the C stack to the heap, or doubles it there. */
static MP_COLD mpdec_frame *mpdec_grow(mpdec_frame *stack, mpdec_frame *local, size_t *cap)
{
    if (*cap > SIZE_MAX / 2 / sizeof *stack) return NULL;
    size_t bigger = *cap * 2;
    mpdec_frame *p;
    if (stack == local) {
        p = malloc(bigger * sizeof *p);
        if (p) memcpy(p, local, *cap * sizeof *p);
    } else {
        p = realloc(stack, bigger * sizeof *p);
    }
    if (p) *cap = bigger;
    return p;
}

/*
 * True when s[0..n) is all ASCII, checked a word at a time without reading
 * outside it. Most strings in real documents are short ASCII keys and
 * values; this check, inlined, spares them the call to the full UTF-8
 * validator, which still judges every string that holds a byte above 0x7f.
 */
static inline bool mpdec_ascii(const uint8_t *s, size_t n)
{
    const uint64_t high = 0x8080808080808080ull;
    uint64_t w, acc = 0;
    if (n >= 8) {
        size_t i = 0;
        for (; i + 16 <= n; i += 16) {
            uint64_t w2;
            memcpy(&w, s + i, 8);
            memcpy(&w2, s + i + 8, 8);
            acc |= w | w2;
        }
        if (i + 8 <= n) {
            memcpy(&w, s + i, 8);
            acc |= w;
        }
        /* The last eight bytes, overlapping what was read already. */
        memcpy(&w, s + n - 8, 8);
        return ((acc | w) & high) == 0;
    }
    if (n >= 4) {
        uint32_t a4, b4;
        memcpy(&a4, s, 4);
        memcpy(&b4, s + n - 4, 4);
        return ((a4 | b4) & 0x80808080u) == 0;
    }
    for (size_t i = 0; i < n; i++) acc |= s[i];
    return (acc & 0x80) == 0;
}

static inline void mpdec_set_int(wk_value *v, int64_t i)
{
    *v = (wk_value){.kind = WK_INT, .as.i = i};
}

/* Integers that fit int64 become WK_INT, as wk_value_uint does. */
static inline void mpdec_set_uint(wk_value *v, uint64_t u)
{
    if (WK__LIKELY(u <= (uint64_t)INT64_MAX)) {
        *v = (wk_value){.kind = WK_INT, .as.i = (int64_t)u};
    } else {
        *v = (wk_value){.kind = WK_UINT, .as.u = u};
    }
}

static inline void mpdec_set_double(wk_value *v, double d)
{
    *v = (wk_value){.kind = WK_DOUBLE, .as.d = d};
}

/*
 * The reader. One loop decodes one value per turn into the slot `cur` and
 * then moves to the next slot, closing every container whose slots are all
 * filled. The slots of the innermost open container run from cur to
 * cur_end; the enclosing containers are on an explicit stack, so no input
 * can overflow the C stack.
 *
 * No count is trusted before it is checked against the bytes that remain:
 * every value needs at least one byte, so a container's slots, together with
 * the slots the enclosing containers still have to fill (`owed`), must not
 * outnumber the bytes left. That bounds every allocation by the input's
 * size: a few bytes claiming four billion items fail before anything is
 * allocated, and nested headers cannot each claim the whole rest of the
 * input.
 */
/* Not inlined into mp_decode, so that the schema-less reader is compiled as it was alone. */
static MP_NOINLINE wk_code mpdec_decode(const uint8_t *data, size_t len, const wk_decode_opts *opts,
                                        wk_arena *a, const wk_value **out, wk_status *st)
{
    const size_t max_depth = wk__depth_limit(opts ? opts->max_depth : 0);
    const uint8_t *p = data;
    const uint8_t *const end = data + len;
    const uint8_t *item = p;        /* first byte of the value being decoded */
    mpdec_frame local[MPDEC_LOCAL_FRAMES];
    mpdec_frame *stack = local;
    size_t cap = MPDEC_LOCAL_FRAMES;
    size_t depth = 0;
    size_t owed = 0;
    wk_code rc = WK_OK;

    wk_value *root = wk__arena_alloc(a, sizeof *root);
    if (!root) return wk__fail(st, WK_ERR_NOMEM, 0, "$: out of memory: the arena is exhausted");
    wk_value *cur = root;
    wk_value *cur_end = root + 1;

    /* Set by each case before it jumps to the shared code below the switch. */
    size_t n;            /* a string's byte length or a container's item count */
    uint8_t kind;        /* the kind that shared code builds */
    int8_t ext_type = 0;

#define MPDEC_NEED(k)                                                      \
    do {                                                                   \
        if (WK__UNLIKELY((size_t)(end - p) < (size_t)(k))) goto truncated; \
    } while (0)

    /* A str, bin, array or map header whose length or count is the `width`
     * bytes `read` after the type byte: the shared code at `then` builds it. */
#define MPDEC_SIZED(width, read, k, then) \
    do {                                  \
        MPDEC_NEED(width);                \
        n = (read);                       \
        p += (width);                     \
        kind = (k);                       \
        goto then;                        \
    } while (0)

    for (;;) {
        item = p;
        if (WK__UNLIKELY(p == end)) goto truncated;
        uint8_t b = *p++;
        switch (b) {
        MPDEC_CASE32(0x00): MPDEC_CASE32(0x20): MPDEC_CASE32(0x40): MPDEC_CASE32(0x60):
            mpdec_set_int(cur, b);
            goto next;
        MPDEC_CASE32(0xe0):
            mpdec_set_int(cur, (int8_t)b);
            goto next;
        MPDEC_CASE16(0x80):
            n = b & 0x0fu;
            kind = WK_MAP;
            goto open;
        MPDEC_CASE16(0x90):
            n = b & 0x0fu;
            kind = WK_LIST;
            goto open;
        MPDEC_CASE32(0xa0):
            n = b & 0x1fu;
            kind = WK_STRING;
            goto copy;
        case 0xc0:
            *cur = (wk_value){.kind = WK_NULL};
            goto next;
        case 0xc1:
            goto never_used;
        case 0xc2:
        case 0xc3:
            *cur = (wk_value){.kind = WK_BOOL, .as.b = b == 0xc3};
            goto next;
        case 0xc4: MPDEC_SIZED(1, p[0], WK_BYTES, copy);
        case 0xc5: MPDEC_SIZED(2, mpdec_be16(p), WK_BYTES, copy);
        case 0xc6: MPDEC_SIZED(4, mpdec_be32(p), WK_BYTES, copy);
        case 0xc7:
            MPDEC_NEED(2);
            n = p[0];
            ext_type = (int8_t)p[1];
            p += 2;
            kind = WK_EXT;
            goto copy;
        case 0xc8:
            MPDEC_NEED(3);
            n = mpdec_be16(p);
            ext_type = (int8_t)p[2];
            p += 3;
            kind = WK_EXT;
            goto copy;
        case 0xc9:
            MPDEC_NEED(5);
            n = mpdec_be32(p);
            ext_type = (int8_t)p[4];
            p += 5;
            kind = WK_EXT;
            goto copy;
        case 0xca:
            MPDEC_NEED(4);
            mpdec_set_double(cur, mpdec_float32(mpdec_be32(p)));
            p += 4;
            goto next;
        case 0xcb: {
            MPDEC_NEED(8);
            uint64_t bits = mpdec_be64(p);
            double d;
            memcpy(&d, &bits, sizeof d);
            mpdec_set_double(cur, d);
            p += 8;
            goto next;
        }
        case 0xcc:
            MPDEC_NEED(1);
            mpdec_set_int(cur, p[0]);
            p += 1;
            goto next;
        case 0xcd:
            MPDEC_NEED(2);
            mpdec_set_int(cur, mpdec_be16(p));
            p += 2;
            goto next;
        case 0xce:
            MPDEC_NEED(4);
            mpdec_set_int(cur, mpdec_be32(p));
            p += 4;
            goto next;
        case 0xcf:
            MPDEC_NEED(8);
            mpdec_set_uint(cur, mpdec_be64(p));
            p += 8;
            goto next;
        case 0xd0:
            MPDEC_NEED(1);
            mpdec_set_int(cur, (int8_t)p[0]);
            p += 1;
            goto next;
        case 0xd1:
            MPDEC_NEED(2);
            mpdec_set_int(cur, (int16_t)mpdec_be16(p));
            p += 2;
            goto next;
        case 0xd2:
            MPDEC_NEED(4);
            mpdec_set_int(cur, (int32_t)mpdec_be32(p));
            p += 4;
            goto next;
        case 0xd3:
            MPDEC_NEED(8);
            mpdec_set_int(cur, (int64_t)mpdec_be64(p));
            p += 8;
            goto next;
        case 0xd4:
        case 0xd5:
        case 0xd6:
        case 0xd7:
        case 0xd8:
            /* fixext 1, 2, 4, 8, 16: the payload size is 2 to the power of the low bits. */
            MPDEC_NEED(1);
            n = (size_t)1 << (b - 0xd4);
            ext_type = (int8_t)p[0];
            p += 1;
            kind = WK_EXT;
            goto copy;
        case 0xd9: MPDEC_SIZED(1, p[0], WK_STRING, copy);
        case 0xda: MPDEC_SIZED(2, mpdec_be16(p), WK_STRING, copy);
        case 0xdb: MPDEC_SIZED(4, mpdec_be32(p), WK_STRING, copy);
        case 0xdc: MPDEC_SIZED(2, mpdec_be16(p), WK_LIST, open);
        case 0xdd: MPDEC_SIZED(4, mpdec_be32(p), WK_LIST, open);
        case 0xde: MPDEC_SIZED(2, mpdec_be16(p), WK_MAP, open);
        case 0xdf: MPDEC_SIZED(4, mpdec_be32(p), WK_MAP, open);
        }
        /* Every byte value has a case above; this is not reached. */
        goto never_used;

    copy: {
        /* A string, binary or extension payload of n bytes, copied into the
         * arena with one NUL after it, as wk_value_string does. */
        if (WK__UNLIKELY(n > (size_t)(end - p))) goto truncated;
        if (kind == WK_STRING && !mpdec_ascii(p, n)) {
            size_t valid = wk__utf8_valid_prefix(p, n);
            if (WK__UNLIKELY(valid != n)) {
                p += valid;
                goto bad_utf8;
            }
        }
        char *s = wk__arena_alloc(a, n + 1);
        if (WK__UNLIKELY(!s)) goto nomem;
        memcpy(s, p, n);
        s[n] = '\0';
        *cur = (wk_value){.kind = kind, .ext_type = kind == WK_EXT ? ext_type : 0,
                          .len = (uint32_t)n, .as.str = s};
        p += n;
        goto next;
    }

    open: {
        /* A list or map of n items; kind says which. */
        if (WK__UNLIKELY(depth >= max_depth)) goto too_deep;
        size_t left = (size_t)(end - p);
        size_t slots_owed = owed + (size_t)(cur_end - cur - 1);
        /* Compare the count with the bytes left before doubling it for a
         * map, so that 2 * n cannot overflow. */
        if (WK__UNLIKELY(n > left || (kind == WK_MAP && n > left / 2))) goto too_many;
        size_t slots = kind == WK_MAP ? 2 * n : n;
        if (WK__UNLIKELY(slots_owed > left - slots)) goto too_many;
        wk_value *items = NULL;
        if (slots) {
            if (WK__UNLIKELY(slots > SIZE_MAX / sizeof *items)) goto nomem;   /* 32-bit size_t */
            items = wk__arena_alloc(a, slots * sizeof *items);
            if (WK__UNLIKELY(!items)) goto nomem;
        }
        /* MessagePack counts are 32-bit, as the model's are. */
        *cur = (wk_value){.kind = kind, .len = (uint32_t)n, .as.items = items};
        if (!slots) goto next;
        if (WK__UNLIKELY(depth == cap)) {
            mpdec_frame *bigger = mpdec_grow(stack, local, &cap);
            if (!bigger) goto nomem;
            stack = bigger;
        }
        stack[depth].container = cur;
        stack[depth].end = cur_end;
        stack[depth].owed = owed;
        depth++;
        owed = slots_owed;
        cur = items;
        cur_end = items + slots;
        continue;
    }

    next:
        cur++;
        while (cur == cur_end) {
            if (depth == 0) goto done;
            depth--;
            cur = stack[depth].container + 1;
            cur_end = stack[depth].end;
            owed = stack[depth].owed;
        }
    }
#undef MPDEC_SIZED
#undef MPDEC_NEED

done:
    if (p != end) {
        if (opts && (opts->flags & WK__DECODE_PREFIX)) {
            /* The next value of a stream may follow: say where this one ended. */
            st->offset = (size_t)(p - data);
            *out = root;
            goto finish;
        }
        rc = wk__fail(st, WK_ERR_TRAILING, (size_t)(p - data),
                      "$: %zu unexpected bytes after the end of the value", (size_t)(end - p));
        goto finish;
    }
    if (opts && (opts->flags & WK__DECODE_PREFIX)) st->offset = len;
    *out = root;
    goto finish;

    /* The error exits; each reports at the offset the message names. */
    {
        mpdec_where w;
    truncated:
        w = (mpdec_where){stack, depth, cur, st};
        if (item == end)
            rc = mpdec_fail(&w, WK_ERR_TRUNCATED, (size_t)(item - data),
                            "unexpected end of input where a value should start");
        else
            rc = mpdec_fail(&w, WK_ERR_TRUNCATED, (size_t)(item - data),
                            "unexpected end of input: %s cut short", mpdec_type_name(*item));
        goto finish;
    too_many: {
        /* Each item needs a byte at least, each map member two. */
        size_t left = (size_t)(end - p);
        unsigned long long need = kind == WK_MAP ? 2ull * n : n;
        const char *unit = kind == WK_MAP ? (n == 1 ? "member" : "members") : (n == 1 ? "item" : "items");
        w = (mpdec_where){stack, depth, cur, st};
        if (need > left)
            rc = mpdec_fail(&w, WK_ERR_TRUNCATED, (size_t)(item - data),
                            "unexpected end of input: %s of %zu %s needs %llu bytes at least, "
                            "but %zu %s left",
                            mpdec_type_name(*item), n, unit, need, left, left == 1 ? "is" : "are");
        else
            rc = mpdec_fail(&w, WK_ERR_TRUNCATED, (size_t)(item - data),
                            "unexpected end of input: %s of %zu %s fits in the %zu bytes left, but "
                            "not together with the %zu values the enclosing containers still need",
                            mpdec_type_name(*item), n, unit, left,
                            owed + (size_t)(cur_end - cur - 1));
        goto finish;
    }
    never_used:
        w = (mpdec_where){stack, depth, cur, st};
        rc = mpdec_fail(&w, WK_ERR_SYNTAX, (size_t)(item - data),
                        "type byte 0x%02x is never used in MessagePack", *item);
        goto finish;
    bad_utf8:
        w = (mpdec_where){stack, depth, cur, st};
        rc = mpdec_fail(&w, WK_ERR_UTF8, (size_t)(p - data), "invalid UTF-8 in %s",
                        mpdec_in_key(&w) ? "map key" : "string");
        goto finish;
    too_deep:
        w = (mpdec_where){stack, depth, cur, st};
        rc = mpdec_fail(&w, WK_ERR_DEPTH, (size_t)(item - data),
                        "%s nested %zu deep, deeper than the limit of %zu",
                        mpdec_type_name(*item), depth + 1, max_depth);
        goto finish;
    nomem:
        w = (mpdec_where){stack, depth, cur, st};
        rc = mpdec_fail(&w, WK_ERR_NOMEM, (size_t)(item - data),
                        "out of memory: the arena is exhausted");
        goto finish;
    }

finish:
    if (stack != local) free(stack);
    return rc;
}

/* ---- parse_only ---- */

/*
 * msgpack_unpack_next alone, into a zone that is thrown away. msgpack-c
 * allocates a container's objects from the count in its header before it
 * reads them, so this mode is for trusted inputs such as the benchmark's
 * corpora; decode is the one for untrusted bytes.
 */
static wk_code mpdec_parse_only(const uint8_t *data, size_t len, const wk_decode_opts *opts,
                                wk_status *st)
{
    (void)opts; /* msgpack-c's unpacker has no options; its depth is fixed at 32. */
    msgpack_unpacked result;
    size_t off = 0;
    msgpack_unpacked_init(&result);
    msgpack_unpack_return ret = msgpack_unpack_next(&result, (const char *)data, len, &off);
    msgpack_unpacked_destroy(&result);
    switch (ret) {
    case MSGPACK_UNPACK_SUCCESS:
    case MSGPACK_UNPACK_EXTRA_BYTES:
        if (off != len)
            return wk__fail(st, WK_ERR_TRAILING, off,
                            "msgpack-c: %zu unexpected bytes after the end of the value", len - off);
        return WK_OK;
    case MSGPACK_UNPACK_CONTINUE:
        return wk__fail(st, WK_ERR_TRUNCATED, len, "msgpack-c: unexpected end of input");
    case MSGPACK_UNPACK_PARSE_ERROR:
        return wk__fail(st, WK_ERR_SYNTAX, off, "msgpack-c: invalid MessagePack");
    case MSGPACK_UNPACK_NOMEM_ERROR:
        return wk__fail(st, WK_ERR_NOMEM, off,
                        "msgpack-c: out of memory, or nesting deeper than the 32 levels "
                        "its unpacker can hold (MSGPACK_EMBED_STACK_SIZE)");
    }
    return wk__fail(st, WK_ERR_SYNTAX, off, "msgpack-c: unexpected return code %d", (int)ret);
}

/* ---- encode ---- */

/* The packer's sink: appends to the wk_buf; a nonzero return makes the packer fail. */
/* msgpack-c writes a value in small pieces: copy in place while there is room. */
static int mpenc_write(void *data, const char *buf, size_t len)
{
    wk_buf *b = data;
    if (WK__LIKELY(b->cap - b->len >= len)) {
        memcpy(b->data + b->len, buf, len);
        b->len += len;
        return 0;
    }
    return wk_buf_append(b, buf, len) == WK_OK ? 0 : -1;
}

/* The frames the encoder keeps on the C stack before it moves to the heap. */
#define MPENC_LOCAL_FRAMES 32

/*
 * Records an encode error, with the path of the value being written. The
 * frames are the encoder's own stack, whose map indexes count key and value
 * slots; they are turned into member indexes here, in place, since the
 * encode is over.
 */
static MP_COLD WK__PRINTF(5, 6) wk_code
mpenc_fail(wk__path *stack, size_t depth, wk_status *st, wk_code code, const char *fmt, ...)
{
    if (!st) return code;
    char path[128];
    char detail[WK_STATUS_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < depth; i++)
        if (stack[i].container->kind == WK_MAP) stack[i].index /= 2;
    wk__path_format(stack, depth, path, sizeof path);
    return wk__fail(st, code, 0, "%s: %s", path, detail);
}

/* The child a frame is at: for maps, slot 2i is member i's key and 2i+1 its value. */
static const wk_value *mpenc_child(const wk__path *f)
{
    if (f->container->kind == WK_LIST) return &f->container->as.items[f->index];
    const wk_member *m = &f->container->as.members[f->index / 2];
    return (f->index & 1) ? &m->value : &m->key;
}

static wk_code mptyped_encode(const wk_value *v, const wk_encode_opts *opts, wk_buf *out,
                              wk_status *st);

/*
 * The writer: iterative like the reader, one value per turn, with the open
 * containers on an explicit stack of (container, slot) frames, so that the
 * depth limit (up to 10000) cannot overflow the C stack. Every length of
 * the model fits MessagePack's 32-bit lengths (value.h limits them so).
 */
static wk_code mpenc_encode(const wk_value *v, const wk_encode_opts *opts, wk_buf *out,
                            wk_status *st)
{
    const size_t max_depth = wk__depth_limit(opts ? opts->max_depth : 0);
    msgpack_packer pk;
    wk__path local[MPENC_LOCAL_FRAMES];
    wk__path *stack = local;
    size_t cap = MPENC_LOCAL_FRAMES;
    size_t depth = 0;
    wk_code rc = WK_OK;
    int failed = 0;

    msgpack_packer_init(&pk, out, mpenc_write);
    for (;;) {
        switch ((wk_kind)v->kind) {
        case WK_NULL: failed = msgpack_pack_nil(&pk); break;
        case WK_BOOL: failed = v->as.b ? msgpack_pack_true(&pk) : msgpack_pack_false(&pk); break;
        case WK_INT: failed = msgpack_pack_int64(&pk, v->as.i); break;
        case WK_UINT: failed = msgpack_pack_uint64(&pk, v->as.u); break;
        case WK_DOUBLE: {
            uint32_t bits;
            /* The typed layer marks a double field's values: always float 64. */
            if (v->reserved != WK__DOUBLE_AS_FLOAT64 && mpenc_float32(v->as.d, &bits)) {
                float f;
                memcpy(&f, &bits, sizeof f);
                failed = msgpack_pack_float(&pk, f);
            } else {
                failed = msgpack_pack_double(&pk, v->as.d);
            }
            break;
        }
        case WK_STRING:
        case WK_BYTES:
        case WK_EXT: {
            size_t n = v->len;
            /* A MessagePack str must be UTF-8: refuse what our own reader would. */
            if (v->kind == WK_STRING && n && wk__utf8_valid_prefix((const uint8_t *)v->as.str, n) != n) {
                rc = mpenc_fail(stack, depth, st, WK_ERR_UNREPRESENTABLE, "string is not valid UTF-8");
                goto finish;
            }
            /* An empty body is skipped: ptr may be NULL in a hand-built value. */
            if (v->kind == WK_STRING) {
                failed = msgpack_pack_str(&pk, n);
                if (!failed && n) failed = msgpack_pack_str_body(&pk, v->as.str, n);
            } else if (v->kind == WK_BYTES) {
                failed = msgpack_pack_bin(&pk, n);
                if (!failed && n) failed = msgpack_pack_bin_body(&pk, v->as.str, n);
            } else {
                failed = msgpack_pack_ext(&pk, n, v->ext_type);
                if (!failed && n) failed = msgpack_pack_ext_body(&pk, v->as.str, n);
            }
            break;
        }
        case WK_LIST:
        case WK_MAP: {
            size_t n = v->len;
            if (depth >= max_depth) {
                rc = mpenc_fail(stack, depth, st, WK_ERR_DEPTH,
                                "%s nested %zu deep, deeper than the limit of %zu",
                                v->kind == WK_MAP ? "map" : "list", depth + 1, max_depth);
                goto finish;
            }
            failed = v->kind == WK_MAP ? msgpack_pack_map(&pk, n) : msgpack_pack_array(&pk, n);
            if (failed || n == 0) break;
            if (depth == cap) {
                wk__path *bigger;
                if (stack == local) {
                    bigger = malloc(2 * cap * sizeof *bigger);
                    if (bigger) memcpy(bigger, local, cap * sizeof *bigger);
                } else {
                    bigger = realloc(stack, 2 * cap * sizeof *bigger);
                }
                if (!bigger) {
                    rc = mpenc_fail(stack, depth, st, WK_ERR_NOMEM, "out of memory");
                    goto finish;
                }
                stack = bigger;
                cap *= 2;
            }
            stack[depth].container = v;
            stack[depth].index = 0;
            depth++;
            v = mpenc_child(&stack[depth - 1]);
            continue;
        }
        case WK_MESSAGE:
            /* Rendered and written whole, through the same buffer. */
            rc = mptyped_encode(v, opts, out, st);
            if (rc != WK_OK) goto finish;
            failed = 0;
            break;
        default:
            rc = mpenc_fail(stack, depth, st, WK_ERR_INVALID, "value of unknown kind %u",
                            (unsigned)v->kind);
            goto finish;
        }
        if (failed) {
            rc = mpenc_fail(stack, depth, st, WK_ERR_NOMEM, "out of memory growing the output buffer");
            goto finish;
        }
        /* Move to the next slot, closing every container that is complete. */
        for (;;) {
            if (depth == 0) goto finish;
            wk__path *top = &stack[depth - 1];
            size_t slots = top->container->kind == WK_MAP ? 2 * top->container->len
                                                          : top->container->len;
            if (++top->index < slots) {
                v = mpenc_child(top);
                break;
            }
            depth--;
        }
    }

finish:
    if (stack != local) free(stack);
    return rc;
}

/* ---- sniff ---- */

/*
 * Past the one well-formed MessagePack value at p, by structure only
 * (string contents are not checked), or NULL when p[0..end) does not start
 * with one. *shape is set to 1 for a scalar and 2 for a map or array. There
 * is no stack: one counter holds the number of values still to skip, and
 * since each needs at least a byte, a count that would make it exceed the
 * bytes left fails at once, which also keeps the counter from overflowing.
 * Sniffing uses it, and so does finding the offset of a typed error.
 */
static const uint8_t *mpscan_value(const uint8_t *p, const uint8_t *const end, int *shape)
{
    uint64_t pending = 1;
    int top = 0;
    while (pending) {
        if (p == end) return NULL;
        uint8_t b = *p++;
        uint64_t skip = 0;   /* bytes after the type byte: length fields and payload */
        uint64_t add = 0;    /* values the header opens */
        size_t left = (size_t)(end - p);
        pending--;
        if (b <= 0x7f || b >= 0xe0) {
            /* a fixint */
        } else if (b <= 0x8f) {
            add = 2u * (b & 0x0fu);
        } else if (b <= 0x9f) {
            add = b & 0x0fu;
        } else if (b <= 0xbf) {
            skip = b & 0x1fu;
        } else {
            switch (b) {
            case 0xc0: case 0xc2: case 0xc3: break;
            case 0xc1: return NULL;
            case 0xcc: case 0xd0: skip = 1; break;
            case 0xcd: case 0xd1: skip = 2; break;
            case 0xca: case 0xce: case 0xd2: skip = 4; break;
            case 0xcb: case 0xcf: case 0xd3: skip = 8; break;
            case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8:
                skip = 1 + ((uint64_t)1 << (b - 0xd4));   /* type byte and payload */
                break;
            /* Lengths: the length field, then (for ext) the type byte, then the payload. */
            case 0xc4: case 0xd9: if (left < 1) return NULL; skip = 1 + (uint64_t)p[0]; break;
            case 0xc5: case 0xda: if (left < 2) return NULL; skip = 2 + (uint64_t)mpdec_be16(p); break;
            case 0xc6: case 0xdb: if (left < 4) return NULL; skip = 4 + (uint64_t)mpdec_be32(p); break;
            case 0xc7: if (left < 1) return NULL; skip = 2 + (uint64_t)p[0]; break;
            case 0xc8: if (left < 2) return NULL; skip = 3 + (uint64_t)mpdec_be16(p); break;
            case 0xc9: if (left < 4) return NULL; skip = 5 + (uint64_t)mpdec_be32(p); break;
            /* Counts: the count field, then the values it opens. */
            case 0xdc: if (left < 2) return NULL; skip = 2; add = mpdec_be16(p); break;
            case 0xdd: if (left < 4) return NULL; skip = 4; add = mpdec_be32(p); break;
            case 0xde: if (left < 2) return NULL; skip = 2; add = 2u * (uint64_t)mpdec_be16(p); break;
            case 0xdf: if (left < 4) return NULL; skip = 4; add = 2u * (uint64_t)mpdec_be32(p); break;
            }
        }
        if (skip > left) return NULL;
        p += skip;
        left -= (size_t)skip;
        if (pending > left || add > left - pending) return NULL;
        pending += add;
        if (top == 0) top = (b >= 0x80 && b <= 0x9f) || (b >= 0xdc && b <= 0xdf) ? 2 : 1;
    }
    *shape = top;
    return p;
}

/*
 * 80 for one well-formed map or array, 30 for one well-formed scalar, 0
 * otherwise. Every byte below 0x80 is a complete positive fixint, so text
 * that starts like JSON ('{', '[', '"', a digit, '-', whitespace) is valid
 * MessagePack only as that single byte; such an input (a lone "7") is far
 * more likely JSON, and gets 10.
 */
static int mpsniff_sniff(const uint8_t *data, size_t len)
{
    int shape;
    const uint8_t *next = mpscan_value(data, data + len, &shape);
    if (!next || next != data + len) return 0;
    uint8_t first = data[0];
    if (first == '{' || first == '[' || first == '"' || first == '-' || first == ' ' ||
        first == '\t' || first == '\n' || first == '\r' || (first >= '0' && first <= '9'))
        return 10;
    return shape == 2 ? 80 : 30;
}

/* ---- typed: messages by DESIGN.md's MessagePack mapping (formats/typed.h) ---- */

/*
 * A message is a map keyed by proto field name (or field number with
 * WK_ENCODE_NUMBER_KEYS; both accepted on input), 64-bit integers are
 * integers, float and double fields float 32 and float 64, bytes bin (a str
 * of base64 accepted), enums integers (names accepted). Unknown fields read
 * from Protocol Buffers are kept as integer keys with their wire bytes as bin,
 * which read back as the same unknown fields.
 */
const wk__typed_conv wk__msgpack_typed_conv = {
    .format = "MessagePack",
    .json_names = false,
    .int64_as_string = false,
    .bytes_as_base64 = false,
    .enum_as_name = false,
    .nonfinite_as_string = false,
    .map_keys_as_string = false,
    .number_keys_allowed = true,
    .wire_unknown_kept = true,
    .any_as_json = false,
};

/* The header of the value at p: the bytes it takes before its items, and its item count (members twice). */
static bool mploc_header(const uint8_t *p, const uint8_t *end, size_t *head, uint64_t *items)
{
    if (p >= end) return false;
    uint8_t b = *p;
    size_t left = (size_t)(end - p);
    *items = 0;
    if (b >= 0x80 && b <= 0x8f) { *head = 1; *items = 2u * (b & 0x0fu); return true; }
    if (b >= 0x90 && b <= 0x9f) { *head = 1; *items = b & 0x0fu; return true; }
    if (b == 0xdc || b == 0xde) {
        if (left < 3) return false;
        *head = 3;
        *items = mpdec_be16(p + 1) * (b == 0xde ? 2u : 1u);
        return true;
    }
    if (b == 0xdd || b == 0xdf) {
        if (left < 5) return false;
        *head = 5;
        *items = (uint64_t)mpdec_be32(p + 1) * (b == 0xdf ? 2u : 1u);
        return true;
    }
    return false;
}

/* Past one whole value (the input has been decoded, so it is well-formed). */
static const uint8_t *mploc_skip(const uint8_t *p, const uint8_t *end)
{
    int shape;
    const uint8_t *next = mpscan_value(p, end, &shape);
    return next ? next : end;
}

/* The byte offset of the value (or key) a typed error names, following its path's indexes. */
static size_t mploc_find(const uint8_t *data, size_t len, const wk__typed_where *w)
{
    const uint8_t *p = data, *end = data + len;
    for (size_t k = 0; k < w->depth && p < end; k++) {
        size_t head;
        uint64_t items;
        if (!mploc_header(p, end, &head, &items)) break;
        bool is_map = w->frames[k].container->kind == WK_MAP;
        uint64_t skip = is_map ? 2u * (uint64_t)w->frames[k].index : w->frames[k].index;
        if (is_map && !(k + 1 == w->depth && w->at_key)) skip++;
        p += head;
        for (uint64_t n = 0; n < skip && p < end; n++) p = mploc_skip(p, end);
    }
    return (size_t)(p < end ? p - data : (ptrdiff_t)len);
}

static wk_code mp_decode(const uint8_t *data, size_t len, const wk_decode_opts *opts, wk_arena *a,
                         const wk_value **out, wk_status *st)
{
    if (!opts || !opts->type) return mpdec_decode(data, len, opts, a, out, st);
    const wk_value *tree;
    wk_code rc = mpdec_decode(data, len, opts, a, &tree, st);
    if (rc != WK_OK) return rc;
    /* With WK__DECODE_PREFIX, the value took `used` bytes: errors point into them. */
    size_t used = (opts->flags & WK__DECODE_PREFIX) ? st->offset : len;
    wk__typed_where where;
    rc = wk__typed_apply(&wk__msgpack_typed_conv, tree, opts->type, opts->flags & ~WK__DECODE_PREFIX, opts->max_depth, a,
                         out, &where, st);
    if (rc != WK_OK) {
        if (st) st->offset = mploc_find(data, used, &where);
        free(where.frames);
    } else if (opts->flags & WK__DECODE_PREFIX) {
        st->offset = used;
    }
    return rc;
}

/* A typed message: rendered into a schema-less tree in a scratch arena, then written. */
static wk_code mptyped_encode(const wk_value *v, const wk_encode_opts *opts, wk_buf *out,
                              wk_status *st)
{
    wk_arena *scratch = wk_arena_new(0);
    if (!scratch) return wk__fail(st, WK_ERR_NOMEM, 0, "out of memory");
    wk_value tree;
    wk_code rc = wk__typed_render(&wk__msgpack_typed_conv, v, opts ? opts->flags : 0,
                                  opts ? opts->max_depth : 0, scratch, &tree, st);
    if (rc == WK_OK) rc = mpenc_encode(&tree, opts, out, st);
    wk_arena_free(scratch);
    return rc;
}

/* ---- the table ---- */

/* "msgpack-c 4.0.0": the library actually linked, not the headers compiled against. */
static const char *mp_backend_version(void)
{
    /* Per thread, so that concurrent callers never share a buffer being written. */
    static _Thread_local char text[40];
    snprintf(text, sizeof text, "msgpack-c %s", msgpack_version());
    return text;
}

static const char *const mp_aliases[] = {"mp", "messagepack", NULL};
static const char *const mp_media_types[] = {
    "application/msgpack", "application/x-msgpack", "application/vnd.msgpack", NULL,
};
static const char *const mp_extensions[] = {"msgpack", "mp", "mpk", NULL};

const wk_format wk__format_msgpack = {
    "msgpack",
    mp_aliases,
    mp_media_types,
    mp_extensions,
    false,
    mpsniff_sniff,
    mp_decode,
    mpenc_encode,
    mpdec_parse_only,
    mp_backend_version,
};
