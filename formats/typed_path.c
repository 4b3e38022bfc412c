/*
 * Naming things in the typed layer's error messages: the path of a value
 * ("$.items[3].price", "$.9" for a field number) and field type keywords.
 */
#include "typed.h"

#include <stdio.h>
#include <stdlib.h>

void wk__typed_path(const wk__path *frames, size_t depth, char *out, size_t cap)
{
    if (cap == 0) return;
    size_t n = (size_t)snprintf(out, cap, "$");
    for (size_t i = 0; i < depth && n < cap; i++) {
        const wk_value *c = frames[i].container;
        size_t idx = frames[i].index;
        const wk_value *key = c->kind == WK_MAP && idx < c->len ? &c->as.members[idx].key : NULL;
        int w;
        if (key && key->kind == WK_STRING) {
            /* At most 64 bytes of the key, cut at a character boundary; a NUL shown as \0. */
            size_t klen = key->len > 64 ? 64 : key->len;
            while (klen < key->len && klen > 0 && ((uint8_t)key->as.str[klen] & 0xC0) == 0x80) klen--;
            w = snprintf(out + n, cap - n, ".");
            for (size_t j = 0; j < klen && w >= 0 && n + (size_t)w < cap; j++) {
                int k = key->as.str[j] ? snprintf(out + n + w, cap - n - (size_t)w, "%c", key->as.str[j])
                                       : snprintf(out + n + w, cap - n - (size_t)w, "\\0");
                if (k < 0) break;
                w += k;
            }
        } else if (key && key->kind == WK_INT) {
            w = snprintf(out + n, cap - n, ".%lld", (long long)key->as.i);
        } else if (key && key->kind == WK_UINT) {
            w = snprintf(out + n, cap - n, ".%llu", (unsigned long long)key->as.u);
        } else {
            w = snprintf(out + n, cap - n, "[%zu]", idx);
        }
        if (w < 0) break;
        n += (size_t)w;
    }
}

const char *wk__typed_type_name(wk_field_type type)
{
    static const char *const names[] = {
        "?", "double", "float", "int64", "uint64", "int32", "fixed64", "fixed32", "bool",
        "string", "group", "message", "bytes", "uint32", "enum", "sfixed32", "sfixed64",
        "sint32", "sint64",
    };
    return (unsigned)type < sizeof names / sizeof names[0] ? names[type] : "?";
}

wk_code wk__typed_vfail(const wk__typed_stack *s, wk_code code, const char *fmt, va_list ap)
{
    if (!s->st) return code;
    char path[160];
    char detail[WK_STATUS_MSG_MAX];
    vsnprintf(detail, sizeof detail, fmt, ap);
    wk__typed_path(s->frames, s->depth, path, sizeof path);
    return wk__fail(s->st, code, 0, "%s: %s", path, detail);
}

static WK__PRINTF(3, 4) wk_code typed_fail(const wk__typed_stack *s, wk_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    wk_code rc = wk__typed_vfail(s, code, fmt, ap);
    va_end(ap);
    return rc;
}

wk_code wk__typed_push(wk__typed_stack *s, const wk_value *container, size_t index)
{
    if (s->depth >= s->max_depth)
        return typed_fail(s, WK_ERR_DEPTH, "nesting deeper than the limit of %u", (unsigned)s->max_depth);
    if (s->depth == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        wk__path *f = realloc(s->frames, cap * sizeof *f);
        if (!f) return wk__fail(s->st, WK_ERR_NOMEM, 0, "out of memory");
        s->frames = f;
        s->cap = cap;
    }
    s->frames[s->depth++] = (wk__path){container, index};
    return WK_OK;
}
