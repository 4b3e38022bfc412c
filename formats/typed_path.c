/*
 * Naming things in the typed layer's error messages: the path of a value
 * ("$.items[3].price", "$.9" for a field number) and field type keywords.
 */
#include "typed.h"

#include <stdio.h>

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
