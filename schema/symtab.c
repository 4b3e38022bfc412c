/*
 * The symbol table of a schema: every full name (packages, messages,
 * enums, enum values, fields, oneofs, services, methods, extensions) to its
 * definition, in one open-addressing hash table in the schema's arena. It
 * is sized once, for every symbol of every file, before the first is added
 * (resolve.c counts them), so it never grows and stays at most half full.
 */
#include "internal.h"

/* FNV-1a, 32 bits. */
static uint32_t symtab_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (uint8_t)s[i];
        h *= 16777619u;
    }
    return h;
}

bool wk__symtab_init(wk__symtab *t, wk_arena *a, size_t expected)
{
    size_t cap = 16;
    while (cap < expected * 2) {
        if (cap > SIZE_MAX / 2 / sizeof(wk__symbol)) return false;
        cap *= 2;
    }
    t->slots = wk__arena_alloc(a, cap * sizeof(wk__symbol));
    if (!t->slots) return false;
    memset(t->slots, 0, cap * sizeof(wk__symbol));
    t->cap = cap;
    t->count = 0;
    return true;
}

const wk__symbol *wk__symtab_find(const wk__symtab *t, const char *name, size_t len)
{
    if (!t->slots) return NULL;
    uint32_t h = symtab_hash(name, len);
    size_t mask = t->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        const wk__symbol *s = &t->slots[i];
        if (!s->kind) return NULL;
        if (s->hash == h && s->len == len && memcmp(s->name, name, len) == 0) return s;
    }
}

const wk__symbol *wk__symtab_add(wk__symtab *t, const wk__symbol *sym)
{
    uint32_t h = symtab_hash(sym->name, sym->len);
    size_t mask = t->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        wk__symbol *s = &t->slots[i];
        if (!s->kind) {
            *s = *sym;
            s->hash = h;
            t->count++;
            return NULL;
        }
        if (s->hash == h && s->len == sym->len && memcmp(s->name, sym->name, sym->len) == 0) return s;
    }
}
