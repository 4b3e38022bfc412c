/* Value constructors, lookups and exact deep equality. */
#include "internal.h"

#include <stdlib.h>

static const char *const value_kind_names[] = {
    "null", "bool", "int", "uint", "double", "string", "bytes", "ext", "list", "map",
};

const char *wk_kind_name(wk_kind kind)
{
    if ((unsigned)kind >= sizeof value_kind_names / sizeof value_kind_names[0]) return "unknown";
    return value_kind_names[kind];
}

static wk_code value_copy_bytes(wk_arena *a, uint8_t kind, const void *data, size_t len,
                                wk_value *out)
{
    if (len > WK_VALUE_MAX_LEN) return WK_ERR_LIMIT;
    char *p = wk__arena_alloc(a, len + 1);
    if (!p) return WK_ERR_NOMEM;
    if (len) memcpy(p, data, len);
    p[len] = '\0';
    memset(out, 0, sizeof *out);
    out->kind = kind;
    out->as.str = p;
    out->len = (uint32_t)len;
    return WK_OK;
}

wk_code wk_value_string(wk_arena *a, const char *s, size_t len, wk_value *out)
{
    return value_copy_bytes(a, WK_STRING, s, len, out);
}

wk_code wk_value_bytes(wk_arena *a, const void *data, size_t len, wk_value *out)
{
    return value_copy_bytes(a, WK_BYTES, data, len, out);
}

wk_code wk_value_ext(wk_arena *a, int8_t type, const void *data, size_t len, wk_value *out)
{
    wk_code rc = value_copy_bytes(a, WK_EXT, data, len, out);
    if (rc == WK_OK) out->ext_type = type;
    return rc;
}

wk_value *wk_value_list(wk_arena *a, size_t count, wk_value *out)
{
    if (count > WK_VALUE_MAX_LEN) return NULL;
    /* Never NULL on success, even for 0 children: the arena always has a valid position. */
    wk_value *items = wk__arena_alloc(a, count * sizeof *items);
    if (!items) return NULL;
    for (size_t i = 0; i < count; i++) items[i] = wk_value_null();
    memset(out, 0, sizeof *out);
    out->kind = WK_LIST;
    out->as.items = items;
    out->len = (uint32_t)count;
    return items;
}

wk_member *wk_value_map(wk_arena *a, size_t count, wk_value *out)
{
    if (count > WK_VALUE_MAX_LEN) return NULL;
    wk_member *items = wk__arena_alloc(a, count * sizeof *items);
    if (!items) return NULL;
    for (size_t i = 0; i < count; i++) items[i].key = items[i].value = wk_value_null();
    memset(out, 0, sizeof *out);
    out->kind = WK_MAP;
    out->as.members = items;
    out->len = (uint32_t)count;
    return items;
}

const wk_value *wk_map_get(const wk_value *map, const char *key)
{
    if (!map || map->kind != WK_MAP || !key) return NULL;
    size_t klen = strlen(key);
    for (size_t i = 0; i < map->len; i++) {
        const wk_value *k = &map->as.members[i].key;
        if (k->kind == WK_STRING && k->len == klen && memcmp(k->as.str, key, klen) == 0)
            return &map->as.members[i].value;
    }
    return NULL;
}

/* Scalars and the lengths of containers; children are compared by the caller. */
static bool value_equal_shallow(const wk_value *a, const wk_value *b)
{
    if (a->kind != b->kind) {
        /* An int and a uint are equal when they hold the same number. */
        if (a->kind == WK_INT && b->kind == WK_UINT) return a->as.i >= 0 && (uint64_t)a->as.i == b->as.u;
        if (a->kind == WK_UINT && b->kind == WK_INT) return b->as.i >= 0 && (uint64_t)b->as.i == a->as.u;
        return false;
    }
    switch ((wk_kind)a->kind) {
    case WK_NULL: return true;
    case WK_BOOL: return a->as.b == b->as.b;
    case WK_INT: return a->as.i == b->as.i;
    case WK_UINT: return a->as.u == b->as.u;
    case WK_DOUBLE: return memcmp(&a->as.d, &b->as.d, sizeof(double)) == 0;
    case WK_EXT:
        if (a->ext_type != b->ext_type) return false;
        /* fall through */
    case WK_STRING:
    case WK_BYTES:
        return a->len == b->len &&
               (a->len == 0 || memcmp(a->as.str, b->as.str, a->len) == 0);
    case WK_LIST: return a->len == b->len;
    case WK_MAP: return a->len == b->len;
    }
    return false;
}

/*
 * Iterative, so that no depth of input can overflow the C stack: a frame per
 * open pair of containers, walked child by child.
 */
typedef struct value_eq_frame {
    const wk_value *a, *b;
    size_t next;   /* next child; for maps, 2*i is key i and 2*i+1 value i */
} value_eq_frame;

bool wk_value_equal(const wk_value *a, const wk_value *b)
{
    if (!a || !b) return a == b;
    if (!value_equal_shallow(a, b)) return false;
    if (a->kind != WK_LIST && a->kind != WK_MAP) return true;

    value_eq_frame local[64];
    value_eq_frame *stack = local;
    size_t cap = 64, depth = 0;
    bool equal = true;
    stack[depth++] = (value_eq_frame){a, b, 0};
    while (depth) {
        value_eq_frame *f = &stack[depth - 1];
        const wk_value *ca, *cb;
        if (f->a->kind == WK_LIST) {
            if (f->next == f->a->len) { depth--; continue; }
            ca = &f->a->as.items[f->next];
            cb = &f->b->as.items[f->next];
        } else {
            if (f->next == 2 * f->a->len) { depth--; continue; }
            const wk_member *ma = &f->a->as.members[f->next / 2];
            const wk_member *mb = &f->b->as.members[f->next / 2];
            ca = (f->next & 1) ? &ma->value : &ma->key;
            cb = (f->next & 1) ? &mb->value : &mb->key;
        }
        f->next++;
        if (!value_equal_shallow(ca, cb)) { equal = false; break; }
        if (ca->kind == WK_LIST || ca->kind == WK_MAP) {
            if (depth == cap) {
                value_eq_frame *bigger = malloc(2 * cap * sizeof *bigger);
                if (!bigger) { equal = false; break; }
                memcpy(bigger, stack, depth * sizeof *stack);
                if (stack != local) free(stack);
                stack = bigger;
                cap *= 2;
            }
            stack[depth++] = (value_eq_frame){ca, cb, 0};
        }
    }
    if (stack != local) free(stack);
    return equal;
}
