/*
 * wirekit/buf.h: a growable byte buffer, the output of every encoder.
 *
 * Lifecycle: wk_buf_init() on caller storage, wk_buf_destroy() when done.
 * Encoders append to whatever the buffer already holds, so one buffer can
 * collect several messages; wk_buf_clear() empties it but keeps its memory.
 * data is owned by the buffer and moves when the buffer grows.
 */
#ifndef WIREKIT_BUF_H
#define WIREKIT_BUF_H

#include <wirekit/base.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wk_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
} wk_buf;

WK_API void wk_buf_init(wk_buf *b);
WK_API void wk_buf_destroy(wk_buf *b);
static inline void wk_buf_clear(wk_buf *b) { b->len = 0; }

/* Makes room for `extra` more bytes; WK_ERR_NOMEM leaves the buffer as it was. */
WK_API wk_code wk_buf_reserve(wk_buf *b, size_t extra);
WK_API wk_code wk_buf_append(wk_buf *b, const void *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif
