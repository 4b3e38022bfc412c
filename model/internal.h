/*
 * model/internal.h: helpers shared inside the library (wk__ names), not
 * installed. Backends include this beside the public headers.
 */
#ifndef WIREKIT_MODEL_INTERNAL_H
#define WIREKIT_MODEL_INTERNAL_H

#include <wirekit/wirekit.h>
#include <stdarg.h>
#include <string.h>

#if defined(__GNUC__)
#  define WK__LIKELY(x) __builtin_expect(!!(x), 1)
#  define WK__UNLIKELY(x) __builtin_expect(!!(x), 0)
#  define WK__PRINTF(f, a) __attribute__((format(printf, f, a)))
#  define WK__NOINLINE __attribute__((noinline))
#else
#  define WK__NOINLINE
#  define WK__LIKELY(x) (x)
#  define WK__UNLIKELY(x) (x)
#  define WK__PRINTF(f, a)
#endif

/* ---- arena ---- */

typedef struct wk__block wk__block;

struct wk_arena {
    char *ptr;            /* next free byte of the current block */
    char *end;            /* end of what may be handed out from it (block end or the limit) */
    wk__block *blocks;    /* current block first; NULL for a fixed arena */
    size_t used;          /* bytes handed out, alignment included */
    size_t limit;         /* SIZE_MAX when there is no cap */
    size_t next_size;     /* size of the next block to allocate */
    char *block_end;      /* true end of the current block */
    bool fixed;           /* caller-owned memory, never grows */
};

void *wk__arena_alloc_slow(wk_arena *a, size_t n);

/* 8-byte aligned memory: enough for every node type of the model. */
static inline void *wk__arena_alloc(wk_arena *a, size_t n)
{
    if (WK__UNLIKELY(n > SIZE_MAX - 8)) return NULL;
    n = (n + 7u) & ~(size_t)7u;
    if (WK__LIKELY((size_t)(a->end - a->ptr) >= n)) {
        void *p = a->ptr;
        a->ptr += n;
        a->used += n;
        return p;
    }
    return wk__arena_alloc_slow(a, n);
}

/*
 * Gives back the tail of the most recent allocation p (of old_n bytes) when
 * only new_n of them were used. Does nothing if p was not the last one.
 */
static inline void wk__arena_trim(wk_arena *a, void *p, size_t old_n, size_t new_n)
{
    old_n = (old_n + 7u) & ~(size_t)7u;
    new_n = (new_n + 7u) & ~(size_t)7u;
    if ((char *)p + old_n == a->ptr && new_n <= old_n) {
        a->ptr -= old_n - new_n;
        a->used -= old_n - new_n;
    }
}

/* ---- decoding ---- */

/*
 * A decode flag of the library's own (above the public WK_DECODE_* bits),
 * set by wk_decode_prefix: the decoder stops at the end of the first value,
 * bytes after it are no error, and on success st->offset holds the bytes
 * the value took (st is never NULL then). Only MessagePack's decoder reads it.
 */
#define WK__DECODE_PREFIX 0x80000000u

/* ---- memory ---- */

/* Regions smaller than this are left to fault in page by page. */
#define WK__PREFAULT_MIN ((size_t)4 << 20)

/*
 * Maps the pages of a fresh heap region of `size` bytes in one system call
 * where the kernel offers it (Linux 5.14+, MADV_POPULATE_WRITE), when the
 * region is at least WK__PREFAULT_MIN; otherwise does nothing, and the
 * pages fault in as they are first written. See arena.c for why.
 */
void wk__prefault(void *p, size_t size);

/* ---- status ---- */

/*
 * Records a failure (code, offset, printf-style message) in st when st is
 * not NULL, and returns code. line and col are left 0: text formats call
 * wk__status_locate once the offset is final.
 */
wk_code wk__fail(wk_status *st, wk_code code, size_t offset, const char *fmt, ...)
    WK__PRINTF(4, 5);

/* Fills st->line and st->col from st->offset within text[0..len). */
void wk__status_locate(wk_status *st, const uint8_t *text, size_t len);

static inline void wk__ok(wk_status *st)
{
    if (st) {
        st->code = WK_OK;
        st->offset = 0;
        st->line = st->col = 0;
        st->file[0] = '\0';
        st->msg[0] = '\0';
    }
}

/* The effective depth limit of a set of options (NULL allowed). */
static inline uint32_t wk__depth_limit(uint32_t max_depth)
{
    if (max_depth == 0) return WK_DEFAULT_MAX_DEPTH;
    return max_depth > WK_MAX_DEPTH_LIMIT ? WK_MAX_DEPTH_LIMIT : max_depth;
}

/* ---- paths: "$.items[3].name", built on demand when an error needs one ---- */

typedef struct wk__path {
    const wk_value *container;  /* list or map */
    size_t index;               /* item or member index */
} wk__path;

/* Writes "$" followed by one step per frame into out (always NUL-terminated). */
void wk__path_format(const wk__path *frames, size_t depth, char *out, size_t cap);

/* ---- UTF-8 ---- */

/* Length of the longest valid UTF-8 prefix of s[0..len): len when all is valid. */
size_t wk__utf8_valid_prefix(const uint8_t *s, size_t len);

/* Writes code point cp (at most U+10FFFF, not a surrogate) as UTF-8; returns 1 to 4. */
size_t wk__utf8_put(uint8_t *out, uint32_t cp);

/* ---- base64 (RFC 4648) ---- */

static inline size_t wk__base64_len(size_t n) { return (n + 2) / 3 * 4; }
/* Standard alphabet with padding; writes wk__base64_len(n) bytes. */
void wk__base64_encode(const uint8_t *in, size_t n, char *out);
/*
 * Decodes standard or URL-safe base64, padding optional; out needs n/4*3+3
 * bytes. Returns false on a bad character or length.
 */
bool wk__base64_decode(const char *in, size_t n, uint8_t *out, size_t *out_len);

/* ---- numbers ---- */

#define WK__DOUBLE_MAX_CHARS 32

/*
 * The shortest text that reads back as exactly d, always with a '.' or an
 * exponent so that it reads back as a double ("1.0", "0.1", "1e300",
 * "-2.5e-7"). d must be finite. Returns the length; out needs
 * WK__DOUBLE_MAX_CHARS bytes; not NUL-terminated.
 */
size_t wk__format_double(double d, char *out);

/*
 * Reads a JSON number text (RFC 8259 grammar, already checked by the
 * caller) into the nearest double, correctly rounded. Returns false when the
 * result overflows to infinity.
 */
bool wk__parse_double(const char *s, size_t len, double *out);

/* Decimal text of an integer; out needs 21 bytes; returns the length. */
size_t wk__format_int64(int64_t v, char *out);
size_t wk__format_uint64(uint64_t v, char *out);

#endif
