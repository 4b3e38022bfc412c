/*
 * The index of the schema diff: hash key -> the items (list positions) that
 * have it, in the order they were added. The diff matches definitions of two
 * versions by name and by shape, and finds the partner of a definition by
 * its pointer; with tens of thousands of definitions a scan per lookup is
 * quadratic, so every such lookup goes through one of these.
 *
 * Keys are 64-bit hashes, not the names themselves: items of different
 * names may share a key, so the caller's judge decides on each item. The
 * items of one key form a chain through `next`, kept in the order of
 * addition, so the first item the judge takes is the first the linear scan
 * would have found. Items the judge drops (already matched) are unlinked as
 * they are met, so that a chain of many equal keys is not walked again and
 * again. Open addressing, at most half full, grown by doubling.
 */
#include "diff_internal.h"

#include <stdlib.h>

struct wk__diff_slot {
    uint64_t key;
    size_t head;        /* first item + 1; 0 when every item was dropped */
    size_t tail;        /* last item + 1 */
    bool used;
};

uint64_t wk__diff_hash(uint64_t h, const void *data, size_t n)
{
    /* FNV-1a, 64 bits: short keys (names, a few numbers), no need for more. */
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211u;
    }
    return h;
}

uint64_t wk__diff_hash_str(uint64_t h, const char *s)
{
    /* The terminating NUL is hashed too, so that "ab" + "c" and "a" + "bc" differ. */
    return wk__diff_hash(h, s, strlen(s) + 1);
}

uint64_t wk__diff_hash_ptr(const void *p)
{
    uintptr_t v = (uintptr_t)p;
    return wk__diff_hash(WK__DIFF_HASH_SEED, &v, sizeof v);
}

void wk__diff_index_free(wk__diff_index *ix)
{
    free(ix->slots);
    free(ix->next);
    memset(ix, 0, sizeof *ix);
}

static struct wk__diff_slot *index_slot(const wk__diff_index *ix, uint64_t key)
{
    size_t mask = ix->cap - 1;
    for (size_t i = (size_t)(key ^ (key >> 32)) & mask;; i = (i + 1) & mask) {
        struct wk__diff_slot *s = &ix->slots[i];
        if (!s->used || s->key == key) return s;
    }
}

static bool index_grow(wk__diff_index *ix)
{
    size_t cap = ix->cap ? ix->cap * 2 : 64;
    if (cap > SIZE_MAX / sizeof(struct wk__diff_slot)) return false;
    struct wk__diff_slot *old = ix->slots;
    size_t old_cap = ix->cap;
    ix->slots = calloc(cap, sizeof *ix->slots);
    if (!ix->slots) {
        ix->slots = old;
        return false;
    }
    ix->cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].used) *index_slot(ix, old[i].key) = old[i];
    free(old);
    return true;
}

bool wk__diff_index_add(wk__diff_index *ix, uint64_t key, size_t item)
{
    if (item >= ix->next_cap) {
        size_t n = ix->next_cap ? ix->next_cap : 64;
        while (n <= item) {
            if (n > SIZE_MAX / 2 / sizeof *ix->next) return false;
            n *= 2;
        }
        size_t *grown = realloc(ix->next, n * sizeof *grown);
        if (!grown) return false;
        ix->next = grown;
        ix->next_cap = n;
    }
    if ((ix->used + 1) * 2 > ix->cap && !index_grow(ix)) return false;
    struct wk__diff_slot *s = index_slot(ix, key);
    if (!s->used) {
        s->used = true;
        s->key = key;
        ix->used++;
    }
    ix->next[item] = 0;
    if (s->tail) ix->next[s->tail - 1] = item + 1;
    else s->head = item + 1;
    s->tail = item + 1;
    return true;
}

size_t wk__diff_index_find(wk__diff_index *ix, uint64_t key, wk__diff_judge judge, const void *ctx)
{
    if (!ix->cap) return SIZE_MAX;
    struct wk__diff_slot *s = index_slot(ix, key);
    if (!s->used) return SIZE_MAX;
    size_t prev = 0;
    for (size_t at = s->head; at;) {
        size_t item = at - 1, after = ix->next[item];
        switch (judge(ctx, item)) {
        case WK__DIFF_TAKE: return item;
        case WK__DIFF_DROP:
            if (prev) ix->next[prev - 1] = after;
            else s->head = after;
            if (s->tail == at) s->tail = prev;
            break;
        default: prev = at; break;
        }
        at = after;
    }
    return SIZE_MAX;
}
