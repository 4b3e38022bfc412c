/* The growable output buffer. */
#define _DEFAULT_SOURCE 1   /* madvise and MADV_HUGEPAGE */
#include "internal.h"

#include <stdlib.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

/* Large buffers are written once from end to end: huge pages save most of
 * their page faults (see arena.c). */
static void buf_advise(uint8_t *p, size_t cap)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)2 << 20;
    if (cap >= 2 * huge) {
        uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1);
        uintptr_t hi = ((uintptr_t)p + cap) & ~(huge - 1);
        if (hi > lo) madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
    }
#else
    (void)p;
    (void)cap;
#endif
}

void wk_buf_init(wk_buf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
}

void wk_buf_destroy(wk_buf *b)
{
    free(b->data);
    wk_buf_init(b);
}

wk_code wk_buf_reserve(wk_buf *b, size_t extra)
{
    if (extra <= b->cap - b->len) return WK_OK;
    if (extra > SIZE_MAX / 2 - b->len) return WK_ERR_NOMEM;
    size_t need = b->len + extra;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) cap *= 2;
    uint8_t *p = realloc(b->data, cap);
    if (!p) return WK_ERR_NOMEM;
    buf_advise(p, cap);
    b->data = p;
    b->cap = cap;
    return WK_OK;
}

wk_code wk_buf_append(wk_buf *b, const void *data, size_t len)
{
    if (wk_buf_reserve(b, len) != WK_OK) return WK_ERR_NOMEM;
    if (len) memcpy(b->data + b->len, data, len);
    b->len += len;
    return WK_OK;
}
