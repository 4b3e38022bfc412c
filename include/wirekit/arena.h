/*
 * wirekit/arena.h: the arena that owns everything a decode returns.
 *
 * A decode allocates every node, string and array of the value tree it
 * returns from the arena the caller passes in, and nothing else keeps a
 * pointer to them. Nodes are never freed one by one: the caller frees (or
 * resets) the whole arena when it is done with the tree. One arena may hold
 * the results of several decodes.
 *
 * An arena is not thread-safe: use one per thread (or lock around it).
 *
 *     wk_arena *a = wk_arena_new(0);
 *     const wk_value *v;
 *     if (wk_decode(wk_format_find("json"), text, len, NULL, a, &v, &st) == WK_OK)
 *         use(v);
 *     wk_arena_free(a);          // v and everything under it is gone
 */
#ifndef WIREKIT_ARENA_H
#define WIREKIT_ARENA_H

#include <wirekit/base.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wk_arena wk_arena;

/*
 * A heap arena that grows in blocks; block_size 0 picks the default (64 KiB;
 * blocks then double up to 4 MiB). Returns NULL when memory is exhausted.
 */
WK_API wk_arena *wk_arena_new(size_t block_size);

/*
 * An arena inside caller-owned memory that never grows: once `size` bytes
 * (less a small header) are used, allocations fail and decodes return
 * WK_ERR_NOMEM. `mem` must be aligned for any type (malloc'd memory is) and
 * outlive the arena. Returns NULL when `size` is too small for the header.
 * wk_arena_free() on it frees nothing.
 */
WK_API wk_arena *wk_arena_new_fixed(void *mem, size_t size);

/*
 * Caps the bytes the arena may hand out (0 means no cap); an allocation past
 * the cap fails as if memory were exhausted. A way to bound what the tree
 * of a decode of untrusted input may take. It does not bound a decoder's
 * own scratch memory (heap, freed before it returns), which grows with the
 * nesting depth and the widest container of the input. A cap below what is
 * already used stops every new allocation until wk_arena_reset().
 */
WK_API void wk_arena_set_limit(wk_arena *a, size_t max_bytes);

/* size bytes aligned for any type, or NULL when memory is exhausted. */
WK_API void *wk_arena_alloc(wk_arena *a, size_t size);

/* Bytes handed out since creation or the last reset, alignment included. */
WK_API size_t wk_arena_used(const wk_arena *a);

/*
 * Forgets every allocation. The memory is kept, merged into one block as
 * large as everything the arena held, so that repeating the same work (the
 * next decode of a similar message) allocates nothing. A limit stays set.
 */
WK_API void wk_arena_reset(wk_arena *a);

/* Frees the arena and all it holds. NULL is allowed. */
WK_API void wk_arena_free(wk_arena *a);

#ifdef __cplusplus
}
#endif

#endif
