/*
 * The arena: a chain of blocks with a bump pointer. Large requests get a
 * block of their own so that the current block is not wasted.
 */
#include "internal.h"

#include <stdlib.h>

struct wk__block {
    wk__block *next;
    size_t size;       /* bytes after the header */
};

#define ARENA_HEADER ((sizeof(wk__block) + 15u) & ~(size_t)15u)
#define ARENA_DEFAULT_BLOCK ((size_t)64 * 1024)
#define ARENA_MAX_BLOCK ((size_t)4 * 1024 * 1024)

static char *arena_block_data(wk__block *b) { return (char *)b + ARENA_HEADER; }

/*
 * A block of `size` usable bytes. Large blocks are mapped in one call
 * (MADV_POPULATE_WRITE) instead of one page fault per 4 KiB page: a decode
 * writes all of its arena, and on a virtual machine, where each fault
 * traps to the hypervisor, the faults of a large message cost more than the
 * decode itself (measured: sys time of a 40 MB conversion from 0.19 s to
 * 0.10 s). Transparent huge pages would save more when the kernel has them
 * ready, but their allocation compacts memory synchronously when it has
 * not, which made the same conversion take anywhere from 0.2 to 0.6 s.
 */
static wk__block *arena_block_new(size_t size)
{
    if (size > SIZE_MAX - ARENA_HEADER) return NULL;
    wk__block *b = malloc(ARENA_HEADER + size);
    if (!b) return NULL;
    b->size = size;
    wk__prefault(b, ARENA_HEADER + size);
    return b;
}

/* Bytes the limit still allows (none when it was set below what is used). */
static size_t arena_room(const wk_arena *a)
{
    return a->used >= a->limit ? 0 : a->limit - a->used;
}

/* Clips the current region so that no allocation crosses the limit. */
static void arena_clip(wk_arena *a)
{
    size_t room = arena_room(a);
    if ((size_t)(a->block_end - a->ptr) > room)
        a->end = a->ptr + room;
    else
        a->end = a->block_end;
}

/*
 * Before its first block an arena points at an empty region: a valid
 * pointer (one past its own struct), so that a request for 0 bytes gets a
 * non-NULL answer and no arithmetic is ever done on NULL.
 */
static void arena_empty(wk_arena *a)
{
    a->ptr = a->end = a->block_end = (char *)(a + 1);
}

wk_arena *wk_arena_new(size_t block_size)
{
    wk_arena *a = calloc(1, sizeof *a);
    if (!a) return NULL;
    arena_empty(a);
    a->limit = SIZE_MAX;
    a->next_size = block_size ? block_size : ARENA_DEFAULT_BLOCK;
    return a;
}

wk_arena *wk_arena_new_fixed(void *mem, size_t size)
{
    size_t header = (sizeof(wk_arena) + 15u) & ~(size_t)15u;
    if (!mem || size < header) return NULL;
    wk_arena *a = mem;
    memset(a, 0, sizeof *a);
    a->fixed = true;
    a->limit = SIZE_MAX;
    a->ptr = (char *)mem + header;
    a->block_end = (char *)mem + size;
    a->end = a->block_end;
    return a;
}

void wk_arena_set_limit(wk_arena *a, size_t max_bytes)
{
    /* A cap below what is already used stops new allocations until a reset. */
    a->limit = max_bytes ? max_bytes : SIZE_MAX;
    arena_clip(a);
}

void *wk__arena_alloc_slow(wk_arena *a, size_t n)
{
    /* The fast path failed: the current block is too full, or the limit
     * leaves less than n (the region it clips to is never larger). */
    if (a->fixed || n > arena_room(a)) return NULL;
    if (n > a->next_size / 4) {
        /* A large request: a block of its own, linked behind the current one. */
        wk__block *b = arena_block_new(n);
        if (!b) return NULL;
        if (a->blocks) {
            b->next = a->blocks->next;
            a->blocks->next = b;
        } else {
            b->next = NULL;
            a->blocks = b;
            a->ptr = a->end = a->block_end = arena_block_data(b) + n;
        }
        a->used += n;
        arena_clip(a);
        return arena_block_data(b);
    }
    size_t size = a->next_size;
    wk__block *b = arena_block_new(size);
    if (!b) return NULL;
    b->next = a->blocks;
    a->blocks = b;
    if (a->next_size < ARENA_MAX_BLOCK) a->next_size *= 2;
    a->ptr = arena_block_data(b);
    a->block_end = a->ptr + size;
    void *p = a->ptr;
    a->ptr += n;
    a->used += n;
    arena_clip(a);
    return p;
}

void *wk_arena_alloc(wk_arena *a, size_t size)
{
    /* The public entry point promises alignment for any type (16 bytes);
     * the model's own nodes need only 8, so the internal path stays lean. */
    if (size > SIZE_MAX - 16) return NULL;
    char *p = wk__arena_alloc(a, size + 15u);
    if (!p) return NULL;
    return (void *)(((uintptr_t)p + 15u) & ~(uintptr_t)15u);
}

size_t wk_arena_used(const wk_arena *a) { return a->used; }

void wk_arena_reset(wk_arena *a)
{
    a->used = 0;
    if (a->fixed) {
        size_t header = (sizeof(wk_arena) + 15u) & ~(size_t)15u;
        a->ptr = (char *)a + header;
        arena_clip(a);
        return;
    }
    if (!a->blocks) return;
    /* Merge every block into one of their total size, so that the next
     * round of the same work (the next decode of a similar message) fits in
     * it without calling malloc or touching fresh pages. */
    size_t total = 0;
    size_t count = 0;
    for (wk__block *b = a->blocks; b; b = b->next) {
        total += b->size;
        count++;
    }
    if (count > 1) {
        for (wk__block *b = a->blocks; b;) {
            wk__block *next = b->next;
            free(b);
            b = next;
        }
        a->blocks = arena_block_new(total);
        if (!a->blocks) {
            /* Keep working from nothing: the next allocation starts a block. */
            arena_empty(a);
            return;
        }
        a->blocks->next = NULL;
    }
    a->ptr = arena_block_data(a->blocks);
    a->block_end = a->ptr + a->blocks->size;
    arena_clip(a);
}

void wk_arena_free(wk_arena *a)
{
    if (!a || a->fixed) return;
    wk__block *b = a->blocks;
    while (b) {
        wk__block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}
