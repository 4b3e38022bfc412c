/* The growable output buffer. */
#include "internal.h"

#include <stdlib.h>


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
    /* Only what the caller is about to write: a doubled capacity may
     * never be used, and prefaulting makes memory resident. */
    if (extra >= WK__PREFAULT_MIN) wk__prefault(p + b->len, extra);
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
