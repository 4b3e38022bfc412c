/* Value constructors, lookups and exact deep equality. */
#include "internal.h"

#include <stdlib.h>

static const char *const value_kind_names[] = {
    "null", "bool", "int", "uint", "double", "string", "bytes", "ext", "list", "map", "message",
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
    if (count > WK_VALUE_MAX_LEN || count > SIZE_MAX / sizeof(wk_value)) return NULL;
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
    if (count > WK_VALUE_MAX_LEN || count > SIZE_MAX / sizeof(wk_member)) return NULL;
    wk_member *items = wk__arena_alloc(a, count * sizeof *items);
    if (!items) return NULL;
    for (size_t i = 0; i < count; i++) items[i].key = items[i].value = wk_value_null();
    memset(out, 0, sizeof *out);
    out->kind = WK_MAP;
    out->as.members = items;
    out->len = (uint32_t)count;
    return items;
}

wk_message *wk_value_message(wk_arena *a, const wk_message_def *type, size_t field_count,
                             size_t unknown_count, wk_value *out)
{
    if (field_count > WK_VALUE_MAX_LEN || unknown_count > WK_VALUE_MAX_LEN ||
        field_count > SIZE_MAX / sizeof(wk_field_value) || unknown_count > SIZE_MAX / sizeof(wk_member))
        return NULL;
    wk_message *m = wk__arena_alloc(a, sizeof *m);
    wk_field_value *fields = wk__arena_alloc(a, field_count * sizeof *fields);
    wk_member *unknown = wk__arena_alloc(a, unknown_count * sizeof *unknown);
    if (!m || !fields || !unknown) return NULL;
    for (size_t i = 0; i < field_count; i++) {
        fields[i].field = NULL;
        fields[i].value = wk_value_null();
    }
    for (size_t i = 0; i < unknown_count; i++) unknown[i].key = unknown[i].value = wk_value_null();
    *m = (wk_message){type, fields, (uint32_t)field_count, (uint32_t)unknown_count, unknown};
    *out = (wk_value){.kind = WK_MESSAGE, .as.message = m};
    return m;
}

const wk_value *wk_message_get(const wk_value *message, uint32_t number)
{
    if (!message || message->kind != WK_MESSAGE) return NULL;
    const wk_message *m = message->as.message;
    size_t lo = 0, hi = m->field_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint32_t n = m->fields[mid].field ? m->fields[mid].field->number : 0;
        if (n == number) return &m->fields[mid].value;
        if (n < number) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
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
    case WK_MESSAGE: {
        const wk_message *ma = a->as.message, *mb = b->as.message;
        if (ma->field_count != mb->field_count || ma->unknown_count != mb->unknown_count) return false;
        if (ma->type != mb->type &&
            (!ma->type || !mb->type || strcmp(ma->type->full_name, mb->type->full_name) != 0))
            return false;
        for (uint32_t i = 0; i < ma->field_count; i++) {
            const wk_field_def *fa = ma->fields[i].field, *fb = mb->fields[i].field;
            if ((fa ? fa->number : 0) != (fb ? fb->number : 0)) return false;
        }
        return true;
    }
    }
    return false;
}

/* How many children a container has for the walk below: a message's are
 * its field values, then its unknown fields' keys and values. */
static size_t value_children(const wk_value *v)
{
    switch (v->kind) {
    case WK_LIST: return v->len;
    case WK_MAP: return 2 * (size_t)v->len;
    case WK_MESSAGE: return v->as.message->field_count + 2 * (size_t)v->as.message->unknown_count;
    default: return 0;
    }
}

static const wk_value *value_child(const wk_value *v, size_t i)
{
    if (v->kind == WK_LIST) return &v->as.items[i];
    if (v->kind == WK_MAP) return (i & 1) ? &v->as.members[i / 2].value : &v->as.members[i / 2].key;
    const wk_message *m = v->as.message;
    if (i < m->field_count) return &m->fields[i].value;
    i -= m->field_count;
    return (i & 1) ? &m->unknown[i / 2].value : &m->unknown[i / 2].key;
}

static bool value_is_container(const wk_value *v)
{
    return v->kind == WK_LIST || v->kind == WK_MAP || v->kind == WK_MESSAGE;
}

/*
 * Iterative, so that no depth of input can overflow the C stack: a frame per
 * open pair of containers, walked child by child.
 */
typedef struct value_eq_frame {
    const wk_value *a, *b;
    size_t next;   /* next child (see value_child) */
} value_eq_frame;

bool wk_value_equal(const wk_value *a, const wk_value *b)
{
    if (!a || !b) return a == b;
    if (!value_equal_shallow(a, b)) return false;
    if (!value_is_container(a)) return true;

    value_eq_frame local[64];
    value_eq_frame *stack = local;
    size_t cap = 64, depth = 0;
    bool equal = true;
    stack[depth++] = (value_eq_frame){a, b, 0};
    while (depth) {
        value_eq_frame *f = &stack[depth - 1];
        if (f->next == value_children(f->a)) {
            depth--;
            continue;
        }
        const wk_value *ca = value_child(f->a, f->next);
        const wk_value *cb = value_child(f->b, f->next);
        f->next++;
        if (!value_equal_shallow(ca, cb)) { equal = false; break; }
        if (value_is_container(ca)) {
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
