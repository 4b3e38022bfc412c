/*
 * Resolving a parsed schema: full names, the symbol table, type references
 * by protobuf's scoping rules, and the semantic checks protoc makes.
 *
 * Files are resolved one at a time, imports first, each against the symbols
 * of the files before it, so that, as with protoc, a file sees only what it
 * imports (and what those import publicly).
 *
 * A relative type name "A.B" used in message pkg.M is looked up from the
 * innermost scope out: pkg.M.A, then pkg.A, then A. The first scope where
 * "A" names something that may contain others (a message, enum, package or
 * service) decides: "A.B" is looked up there, and if it is not found there
 * the search does not go on. A name that is no type (a field, say) is
 * skipped and the search goes on outward. A leading dot makes the name
 * absolute.
 *
 * Every error names the place it is about: the field number for a duplicate
 * number, the type as written for an unknown type, the later of two
 * definitions with one name.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct resolver {
    wk_schema *s;
    wk__file *file;
    wk_arena *arena;     /* the schema's */
    wk_arena *scratch;   /* temporary arrays */
    wk_status *st;
    char *buf;           /* names being built (scratch) */
    size_t cap;
} resolver;

#define TRY(expr)                              \
    do {                                       \
        wk_code try_rc_ = (expr);              \
        if (try_rc_ != WK_OK) return try_rc_;  \
    } while (0)

static wk_code resolve_error(resolver *r, wk_code code, wk__spos pos, const char *fmt, ...)
    WK__PRINTF(4, 5);

static wk_code resolve_error(resolver *r, wk_code code, wk__spos pos, const char *fmt, ...)
{
    char msg[WK_STATUS_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return wk__schema_error(r->st, code, r->file->disk_path, pos, "%s", msg);
}

static wk_code resolve_nomem(resolver *r)
{
    return wk__schema_error(r->st, WK_ERR_NOMEM, r->file->disk_path, (wk__spos){0, 0, 0}, "out of memory");
}

static void *resolve_scratch(resolver *r, size_t n)
{
    return wk__arena_alloc(r->scratch, n ? n : 1);
}

/* "scope.name", or "name" when scope is empty, in the schema's arena. */
static const char *resolve_join(resolver *r, const char *scope, const char *name)
{
    size_t sn = strlen(scope), nn = strlen(name);
    char *out = wk__arena_alloc(r->arena, sn + nn + 2);
    if (!out) return NULL;
    size_t o = 0;
    if (sn) {
        memcpy(out, scope, sn);
        out[sn] = '.';
        o = sn + 1;
    }
    memcpy(out + o, name, nn + 1);
    return out;
}

/* Room for n bytes in the name buffer. */
static bool resolve_buf(resolver *r, size_t n)
{
    if (n <= r->cap) return true;
    size_t cap = r->cap ? r->cap : 256;
    while (cap < n) cap *= 2;
    char *b = wk__arena_alloc(r->scratch, cap);
    if (!b) return false;
    r->buf = b;
    r->cap = cap;
    return true;
}

static bool resolve_bit_get(const uint8_t *set, size_t i) { return (set[i / 8] >> (i % 8)) & 1; }
static void resolve_bit_set(uint8_t *set, size_t i) { set[i / 8] |= (uint8_t)(1u << (i % 8)); }

/* "a" or "an" before resolve_kind_name(kind). */
static const char *resolve_article(int kind)
{
    return kind == WK__SYM_ENUM || kind == WK__SYM_ENUM_VALUE || kind == WK__SYM_ONEOF ||
                   kind == WK__SYM_EXTENSION
               ? "an"
               : "a";
}

static const char *resolve_kind_name(int kind)
{
    switch (kind) {
    case WK__SYM_PACKAGE: return "package";
    case WK__SYM_MESSAGE: return "message";
    case WK__SYM_ENUM: return "enum";
    case WK__SYM_ENUM_VALUE: return "enum value";
    case WK__SYM_FIELD: return "field";
    case WK__SYM_ONEOF: return "oneof";
    case WK__SYM_SERVICE: return "service";
    case WK__SYM_METHOD: return "method";
    default: return "extension";
    }
}

/* ------------------------------------------------------------------ */
/* Counting and adding symbols                                         */
/* ------------------------------------------------------------------ */

static size_t resolve_count_message(const wk_message_def *m)
{
    size_t n = 1 + m->field_count + m->oneof_count;
    for (size_t i = 0; i < m->message_count; i++) n += resolve_count_message(m->messages[i]);
    for (size_t i = 0; i < m->enum_count; i++) n += 1 + m->enums[i]->value_count;
    return n;
}

static size_t resolve_count_file(const wk_file_def *f)
{
    size_t n = 1 + f->extension_count;
    for (const char *c = f->package; *c; c++) n += *c == '.';
    for (size_t i = 0; i < f->message_count; i++) n += resolve_count_message(f->messages[i]);
    for (size_t i = 0; i < f->enum_count; i++) n += 1 + f->enums[i]->value_count;
    for (size_t i = 0; i < f->service_count; i++) n += 1 + f->services[i].method_count;
    return n;
}

/* "(in other.proto:3:9)" or "(at 3:9)": where the first of two definitions is. */
static void resolve_where(resolver *r, const wk__symbol *sym, char *out, size_t cap)
{
    if (sym->file == r->file->index)
        snprintf(out, cap, "at %u:%u", sym->pos.line, sym->pos.col);
    else
        snprintf(out, cap, "in %s:%u:%u", r->s->files[sym->file]->disk_path, sym->pos.line, sym->pos.col);
}

/* A name defined twice: the error is at the later of the two. */
static wk_code resolve_conflict(resolver *r, const wk__symbol *old, const wk__symbol *added)
{
    const wk__symbol *later = added, *first = old;
    if (old->file == r->file->index && old->pos.offset > added->pos.offset) {
        later = old;
        first = added;
    }
    char where[WK_STATUS_FILE_MAX + 32];
    resolve_where(r, first, where, sizeof where);
    /* The name after its last dot (a symbol's name is len bytes, not NUL-terminated). */
    int full_len = (int)later->len;
    const char *short_name = later->name;
    for (size_t i = 0; i < later->len; i++)
        if (later->name[i] == '.') short_name = later->name + i + 1;
    int short_len = (int)(later->name + later->len - short_name);
    if (later->kind == WK__SYM_FIELD && first->kind == WK__SYM_FIELD)
        return resolve_error(r, WK_ERR_INVALID, later->pos, "duplicate field name \"%.*s\" in %s (first %s)",
                             short_len, short_name, later->parent, where);
    if (later->kind == WK__SYM_ENUM_VALUE || first->kind == WK__SYM_ENUM_VALUE)
        return resolve_error(r, WK_ERR_INVALID, later->pos,
                             "\"%.*s\" is already defined %s%s%s (%s %s %s); enum values are siblings "
                             "of their enum, so their names must be unique in the enclosing scope",
                             short_len, short_name, later->parent[0] ? "in \"" : "at the top level",
                             later->parent, later->parent[0] ? "\"" : "", resolve_article(first->kind),
                             resolve_kind_name(first->kind), where);
    if (later->kind == WK__SYM_PACKAGE || first->kind == WK__SYM_PACKAGE) {
        int other = later->kind == WK__SYM_PACKAGE ? first->kind : later->kind;
        return resolve_error(r, WK_ERR_INVALID, later->pos, "\"%.*s\" is both a package and %s %s (%s)",
                             full_len, later->name, resolve_article(other), resolve_kind_name(other), where);
    }
    return resolve_error(r, WK_ERR_INVALID, later->pos, "duplicate definition of \"%.*s\" (%s %s, first %s)",
                         full_len, later->name, resolve_article(first->kind), resolve_kind_name(first->kind), where);
}

/* Adds the symbol whose full name is the first len bytes of name. */
static wk_code resolve_add_len(resolver *r, int kind, const char *name, size_t len, const char *parent,
                               const void *def, wk__spos pos)
{
    wk__symtab *t = &r->s->symbols;
    if ((t->count + 1) * 2 > t->cap) return resolve_nomem(r);
    wk__symbol sym;
    memset(&sym, 0, sizeof sym);
    sym.name = name;
    sym.len = len;
    sym.kind = (uint8_t)kind;
    sym.file = r->file->index;
    sym.def = def;
    sym.parent = parent;
    sym.pos = pos;
    const wk__symbol *old = wk__symtab_add(t, &sym);
    if (!old) return WK_OK;
    if (kind == WK__SYM_PACKAGE && old->kind == WK__SYM_PACKAGE) return WK_OK;
    return resolve_conflict(r, old, &sym);
}

static wk_code resolve_add(resolver *r, int kind, const char *name, const char *parent, const void *def,
                           wk__spos pos)
{
    return resolve_add_len(r, kind, name, strlen(name), parent, def, pos);
}

static wk_code resolve_name_enum(resolver *r, wk__enum *e, const char *scope)
{
    e->def.full_name = resolve_join(r, scope, e->def.name);
    if (!e->def.full_name) return resolve_nomem(r);
    TRY(resolve_add(r, WK__SYM_ENUM, e->def.full_name, scope, e, e->name_pos));
    /* Values are siblings of their enum (C++ scoping). */
    for (size_t i = 0; i < e->def.value_count; i++) {
        const char *full = resolve_join(r, scope, e->def.values[i].name);
        if (!full) return resolve_nomem(r);
        TRY(resolve_add(r, WK__SYM_ENUM_VALUE, full, scope, e, e->value_name_pos[i]));
    }
    return WK_OK;
}

static wk_code resolve_name_message(resolver *r, wk__message *m, const char *scope)
{
    wk_message_def *d = &m->def;
    d->full_name = resolve_join(r, scope, d->name);
    if (!d->full_name) return resolve_nomem(r);
    TRY(resolve_add(r, WK__SYM_MESSAGE, d->full_name, scope, m, m->name_pos));
    for (size_t i = 0; i < d->field_count; i++) {
        const char *full = resolve_join(r, d->full_name, d->fields[i].name);
        if (!full) return resolve_nomem(r);
        TRY(resolve_add(r, WK__SYM_FIELD, full, d->full_name, &d->fields[i], m->field_src[i].name));
    }
    for (size_t i = 0; i < d->oneof_count; i++) {
        const char *full = resolve_join(r, d->full_name, d->oneofs[i].name);
        if (!full) return resolve_nomem(r);
        TRY(resolve_add(r, WK__SYM_ONEOF, full, d->full_name, &d->oneofs[i], m->oneof_name_pos[i]));
    }
    for (size_t i = 0; i < d->message_count; i++)
        TRY(resolve_name_message(r, (wk__message *)d->messages[i], d->full_name));
    for (size_t i = 0; i < d->enum_count; i++)
        TRY(resolve_name_enum(r, (wk__enum *)d->enums[i], d->full_name));
    return WK_OK;
}

/* Full names of everything in the file, each added to the symbol table. */
static wk_code resolve_names(resolver *r)
{
    wk__file *f = r->file;
    wk_file_def *d = &f->def;
    /* "a.b.c" makes the packages a, a.b and a.b.c: prefixes of the one
     * string (a symbol's name is not NUL-terminated). */
    const char *pkg = d->package;
    for (size_t i = 0; pkg[0]; i++) {
        if (pkg[i] == '.' || pkg[i] == '\0') {
            TRY(resolve_add_len(r, WK__SYM_PACKAGE, pkg, i, "", NULL, f->package_pos));
            if (pkg[i] == '\0') break;
        }
    }
    for (size_t i = 0; i < d->message_count; i++)
        TRY(resolve_name_message(r, (wk__message *)d->messages[i], pkg));
    for (size_t i = 0; i < d->enum_count; i++) TRY(resolve_name_enum(r, (wk__enum *)d->enums[i], pkg));
    for (size_t i = 0; i < d->service_count; i++) {
        wk_service_def *svc = (wk_service_def *)&d->services[i];
        svc->full_name = resolve_join(r, pkg, svc->name);
        if (!svc->full_name) return resolve_nomem(r);
        TRY(resolve_add(r, WK__SYM_SERVICE, svc->full_name, pkg, svc, f->service_src[i].name));
        for (size_t j = 0; j < svc->method_count; j++) {
            const char *full = resolve_join(r, svc->full_name, svc->methods[j].name);
            if (!full) return resolve_nomem(r);
            TRY(resolve_add(r, WK__SYM_METHOD, full, svc->full_name, &svc->methods[j],
                            f->service_src[i].methods[j].name));
        }
    }
    for (size_t i = 0; i < d->extension_count; i++) {
        wk__extension *x = f->extension_src[i];
        const char *scope = x->scope ? x->scope->full_name : pkg;
        const char *full = resolve_join(r, scope, x->field.name);
        if (!full) return resolve_nomem(r);
        TRY(resolve_add(r, WK__SYM_EXTENSION, full, scope, x, x->src.name));
    }
    return WK_OK;
}

/* ------------------------------------------------------------------ */
/* Looking names up                                                    */
/* ------------------------------------------------------------------ */

/* Whether file index i is in package `name` (or a package inside it). */
static bool resolve_file_in_package(const wk__file *f, const char *name, size_t len)
{
    const char *pkg = f->def.package;
    return strncmp(pkg, name, len) == 0 && (pkg[len] == '\0' || pkg[len] == '.');
}

/*
 * The symbol with this full name if the current file may use it. A symbol
 * of a file it does not import is remembered in *hidden (for the message).
 */
static const wk__symbol *resolve_find(resolver *r, const char *name, size_t len, const wk__symbol **hidden)
{
    const wk__symbol *sym = wk__symtab_find(&r->s->symbols, name, len);
    if (!sym) return NULL;
    if (sym->kind == WK__SYM_PACKAGE) {
        /* A package may be declared by many files: any visible one will do. */
        for (size_t i = 0; i <= r->file->index; i++)
            if (resolve_bit_get(r->file->visible, i) && resolve_file_in_package(r->s->files[i], name, len)) return sym;
    } else if (resolve_bit_get(r->file->visible, sym->file)) {
        return sym;
    }
    if (hidden && !*hidden) *hidden = sym;
    return NULL;
}

static bool resolve_is_type(const wk__symbol *s) { return s->kind == WK__SYM_MESSAGE || s->kind == WK__SYM_ENUM; }

static bool resolve_is_aggregate(const wk__symbol *s)
{
    return resolve_is_type(s) || s->kind == WK__SYM_PACKAGE || s->kind == WK__SYM_SERVICE;
}

/*
 * Resolves a type name used in `scope` (a message's or package's full
 * name). On success *out is a message or enum symbol; otherwise an error
 * at pos says why.
 */
static wk_code resolve_type(resolver *r, const char *scope, const char *name, wk__spos pos,
                            const wk__symbol **out)
{
    const wk__symbol *hidden = NULL, *non_type = NULL, *sym = NULL;
    size_t nlen = strlen(name);
    if (name[0] == '.') {
        sym = resolve_find(r, name + 1, nlen - 1, &hidden);
        if (sym && !resolve_is_type(sym)) {
            non_type = sym;
            sym = NULL;
        }
    } else {
        size_t first = strcspn(name, ".");
        bool compound = name[first] == '.';
        size_t slen = strlen(scope);
        if (!resolve_buf(r, slen + nlen + 2)) return resolve_nomem(r);
        for (;;) {
            size_t at = 0;
            if (slen) {
                memcpy(r->buf, scope, slen);
                r->buf[slen] = '.';
                at = slen + 1;
            }
            memcpy(r->buf + at, name, first);
            const wk__symbol *hit = resolve_find(r, r->buf, at + first, &hidden);
            if (hit) {
                if (compound && resolve_is_aggregate(hit)) {
                    memcpy(r->buf + at, name, nlen);
                    sym = resolve_find(r, r->buf, at + nlen, &hidden);
                    if (!sym || !resolve_is_type(sym)) {
                        if (sym) return resolve_error(r, WK_ERR_INVALID, pos,
                                                      "\"%s\" is %s %s, not a message or enum type", name,
                                                      resolve_article(sym->kind), resolve_kind_name(sym->kind));
                        if (hidden && hidden->len == at + nlen && memcmp(hidden->name, r->buf, hidden->len) == 0)
                            break; /* defined, in a file this one does not import: said below */
                        return resolve_error(r, WK_ERR_INVALID, pos,
                                             "unknown type \"%s\": it resolves to \"%.*s\", which is not "
                                             "defined (the innermost scope is searched first; a leading "
                                             "'.' starts from the outermost)",
                                             name, (int)(at + nlen), r->buf);
                    }
                    break;
                }
                if (!compound && resolve_is_type(hit)) {
                    sym = hit;
                    break;
                }
                if (!non_type && !compound) non_type = hit;
            }
            if (slen == 0) break;
            while (slen > 0 && scope[slen - 1] != '.') slen--;
            if (slen > 0) slen--;
        }
    }
    if (sym) {
        *out = sym;
        return WK_OK;
    }
    if (hidden)
        return resolve_error(r, WK_ERR_INVALID, pos,
                             "unknown type \"%s\": \"%.*s\" is defined in \"%s\", which \"%s\" does not import",
                             name, (int)hidden->len, hidden->name, r->s->files[hidden->file]->def.path,
                             r->file->def.path);
    if (non_type)
        return resolve_error(r, WK_ERR_INVALID, pos, "\"%s\" is %s %s, not a message or enum type", name,
                             resolve_article(non_type->kind), resolve_kind_name(non_type->kind));
    return resolve_error(r, WK_ERR_INVALID, pos, "unknown type \"%s\"", name);
}

/* ------------------------------------------------------------------ */
/* Fields                                                              */
/* ------------------------------------------------------------------ */

/* protoc's default JSON name: each '_' dropped and the letter after it made upper case. */
static const char *resolve_json_name(resolver *r, const char *name)
{
    size_t n = strlen(name);
    char *out = wk__arena_alloc(r->arena, n + 1);
    if (!out) return NULL;
    size_t o = 0;
    bool upper = false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (c == '_') {
            upper = true;
        } else if (upper) {
            out[o++] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
            upper = false;
        } else {
            out[o++] = c;
        }
    }
    out[o] = '\0';
    return out;
}

static bool resolve_packable(wk_field_type t)
{
    return t != WK_TYPE_STRING && t != WK_TYPE_BYTES && t != WK_TYPE_MESSAGE && t != WK_TYPE_GROUP;
}

/*
 * The field number's range: 1 to 2^29 - 1 (max; more for the extensions
 * of a message set), less protobuf's own 19000-19999.
 */
static wk_code resolve_field_number(resolver *r, const wk__field_src *src, const char *what, uint64_t max)
{
    if (src->number_overflow || src->number_written == 0 || src->number_written > max) {
        if (src->number_overflow)
            return resolve_error(r, WK_ERR_INVALID, src->number,
                                 "%s number is out of range: field numbers run from 1 to %llu", what,
                                 (unsigned long long)max);
        return resolve_error(r, WK_ERR_INVALID, src->number,
                             "%s number %llu is out of range: field numbers run from 1 to %llu", what,
                             (unsigned long long)src->number_written, (unsigned long long)max);
    }
    if (src->number_written >= WK__FIELD_RESERVED_FIRST && src->number_written <= WK__FIELD_RESERVED_LAST)
        return resolve_error(r, WK_ERR_INVALID, src->number,
                             "%s number %llu is in 19000-19999, which protobuf reserves for itself", what,
                             (unsigned long long)src->number_written);
    return WK_OK;
}

/* A field's named type, looked up from `scope`. */
static wk_code resolve_field_type(resolver *r, const char *scope, wk_field_def *f, const wk__field_src *src)
{
    if (!f->type_name) return WK_OK;
    const wk__symbol *sym;
    TRY(resolve_type(r, scope, f->type_name, src->is_group ? src->name : src->type, &sym));
    if (sym->kind == WK__SYM_MESSAGE) {
        if (f->type == (wk_field_type)0) f->type = WK_TYPE_MESSAGE;
        f->message = &((const wk__message *)sym->def)->def;
        return WK_OK;
    }
    f->type = WK_TYPE_ENUM;
    f->enum_def = &((const wk__enum *)sym->def)->def;
    return WK_OK;
}

/* Label, default, packed and JSON name: the rules once the type is known. */
static wk_code resolve_field_rules(resolver *r, wk_field_def *f, const wk__field_src *src, bool extension)
{
    int syntax = r->file->def.syntax;
    if (src->written_label == WK__LABEL_REQUIRED) {
        if (syntax == 3)
            return resolve_error(r, WK_ERR_INVALID, src->label,
                                 "required fields are not allowed in proto3 (field \"%s\")", f->name);
        if (extension)
            return resolve_error(r, WK_ERR_INVALID, src->label, "an extension cannot be required (\"%s\")",
                                 f->name);
    }
    if (f->default_value) {
        if (syntax == 3)
            return resolve_error(r, WK_ERR_INVALID, src->default_pos,
                                 "default values are not allowed in proto3 (field \"%s\")", f->name);
        if (src->written_label == WK__LABEL_REPEATED || f->is_map)
            return resolve_error(r, WK_ERR_INVALID, src->default_pos,
                                 "a repeated field cannot have a default value (field \"%s\")", f->name);
        if (f->type == WK_TYPE_MESSAGE || f->type == WK_TYPE_GROUP)
            return resolve_error(r, WK_ERR_INVALID, src->default_pos,
                                 "a message field cannot have a default value (field \"%s\")", f->name);
        if (f->type == WK_TYPE_ENUM) {
            bool found = false;
            for (size_t i = 0; i < f->enum_def->value_count && !found; i++)
                found = strcmp(f->enum_def->values[i].name, f->default_value) == 0;
            if (!found)
                return resolve_error(r, WK_ERR_INVALID, src->default_pos,
                                     "enum %s has no value named \"%s\" (the default of field \"%s\")",
                                     f->enum_def->full_name, f->default_value, f->name);
        }
    }
    bool repeated = src->written_label == WK__LABEL_REPEATED || f->is_map;
    if (src->packed_option == 2 && !(repeated && resolve_packable(f->type) && !f->is_map))
        return resolve_error(r, WK_ERR_INVALID, src->packed_pos,
                             "[packed = true] is for repeated fields of a numeric, bool or enum type "
                             "(field \"%s\" is %s%s)",
                             f->name, repeated ? "repeated " : "", f->is_map ? "map" : wk_field_type_name(f->type));
    if (syntax == 3 && f->type == WK_TYPE_ENUM && f->enum_def->closed)
        return resolve_error(r, WK_ERR_INVALID, src->type,
                             "enum %s is a proto2 enum, which a proto3 file cannot use (field \"%s\")",
                             f->enum_def->full_name, f->name);
    if (extension && f->explicit_json_name)
        return resolve_error(r, WK_ERR_INVALID, src->json_name_pos,
                             "json_name is not allowed on an extension (\"%s\")", f->name);

    if (repeated) f->label = WK_LABEL_REPEATED;
    else if (src->written_label == WK__LABEL_REQUIRED) f->label = WK_LABEL_REQUIRED;
    else if (extension || syntax == 2 || f->proto3_optional || f->oneof_index >= 0 ||
             f->type == WK_TYPE_MESSAGE || f->type == WK_TYPE_GROUP)
        f->label = WK_LABEL_OPTIONAL;
    else f->label = WK_LABEL_SINGULAR;
    f->packed = f->label == WK_LABEL_REPEATED && !f->is_map && resolve_packable(f->type) &&
                (src->packed_option == 2 || (syntax == 3 && src->packed_option == 0));
    if (!f->explicit_json_name) {
        f->json_name = resolve_json_name(r, f->name);
        if (!f->json_name) return resolve_nomem(r);
    }
    return WK_OK;
}

/* ------------------------------------------------------------------ */
/* Ranges                                                              */
/* ------------------------------------------------------------------ */

static bool resolve_overlap(const wk_range *a, const wk_range *b)
{
    return a->start <= b->end && b->start <= a->end;
}

static bool resolve_range_has(const wk_range *ranges, size_t n, int64_t number, size_t *which)
{
    for (size_t i = 0; i < n; i++) {
        if (number >= ranges[i].start && number <= ranges[i].end) {
            if (which) *which = i;
            return true;
        }
    }
    return false;
}

/* Each range within [min, max], not reversed, and not overlapping an earlier one. */
static wk_code resolve_ranges(resolver *r, const wk_range *ranges, const wk__spos *pos, size_t n, int64_t min,
                              int64_t max, const char *what)
{
    for (size_t i = 0; i < n; i++) {
        const wk_range *a = &ranges[i];
        char text[48];
        if (a->start == a->end) snprintf(text, sizeof text, "number %d", a->start);
        else snprintf(text, sizeof text, "range %d to %d", a->start, a->end);
        if (a->start < min || a->end > max)
            return resolve_error(r, WK_ERR_INVALID, pos[i], "%s %s is out of range: numbers run from %lld to %lld",
                                 what, text, (long long)min, (long long)max);
        if (a->start > a->end)
            return resolve_error(r, WK_ERR_INVALID, pos[i], "%s %s ends before it starts", what, text);
        for (size_t j = 0; j < i; j++)
            if (resolve_overlap(a, &ranges[j]))
                return resolve_error(r, WK_ERR_INVALID, pos[i], "%s %s overlaps %d to %d", what, text,
                                     ranges[j].start, ranges[j].end);
    }
    return WK_OK;
}

static wk_code resolve_reserved_names(resolver *r, const wk_reserved *res, const wk__spos *pos)
{
    for (size_t i = 0; i < res->name_count; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(res->names[i], res->names[j]) == 0)
                return resolve_error(r, WK_ERR_INVALID, pos[i], "name \"%s\" is reserved twice", res->names[i]);
    return WK_OK;
}

static bool resolve_is_reserved_name(const wk_reserved *res, const char *name)
{
    for (size_t i = 0; i < res->name_count; i++)
        if (strcmp(res->names[i], name) == 0) return true;
    return false;
}

/* ------------------------------------------------------------------ */
/* Sorting and indexes                                                 */
/* ------------------------------------------------------------------ */

typedef struct resolve_key {
    int64_t number;
    uint32_t decl;
} resolve_key;

static int resolve_key_cmp(const void *a, const void *b)
{
    const resolve_key *x = a, *y = b;
    if (x->number != y->number) return x->number < y->number ? -1 : 1;
    return x->decl < y->decl ? -1 : x->decl > y->decl;
}

typedef struct resolve_name_key {
    const char *name;
    size_t len;
    uint32_t index;
} resolve_name_key;

static int resolve_name_cmp(const void *a, const void *b)
{
    const resolve_name_key *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->name, y->name, n);
    if (c) return c;
    if (x->len != y->len) return x->len < y->len ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Indexes 0..n-1 sorted by names[i]: an arena array, or NULL when out of memory. */
static uint32_t *resolve_name_index(resolver *r, const char *const *names, size_t stride, size_t n)
{
    uint32_t *index = wk__arena_alloc(r->arena, n * sizeof *index + 1);
    resolve_name_key *keys = resolve_scratch(r, n * sizeof *keys);
    if (!index || !keys) return NULL;
    for (size_t i = 0; i < n; i++) {
        const char *name = *(const char *const *)((const char *)names + i * stride);
        keys[i].name = name;
        keys[i].len = strlen(name);
        keys[i].index = (uint32_t)i;
    }
    qsort(keys, n, sizeof *keys, resolve_name_cmp);
    for (size_t i = 0; i < n; i++) index[i] = keys[i].index;
    return index;
}

/*
 * For each of n numbers, the declaration index of an earlier one with the
 * same number (UINT32_MAX when it is the first). *sorted gets the keys in
 * order of number.
 */
static uint32_t *resolve_duplicates(resolver *r, const int64_t *numbers, size_t n, resolve_key **sorted)
{
    resolve_key *keys = resolve_scratch(r, n * sizeof *keys);
    uint32_t *dup_of = resolve_scratch(r, n * sizeof *dup_of);
    if (!keys || !dup_of) return NULL;
    for (size_t i = 0; i < n; i++) {
        keys[i].number = numbers[i];
        keys[i].decl = (uint32_t)i;
        dup_of[i] = UINT32_MAX;
    }
    qsort(keys, n, sizeof *keys, resolve_key_cmp);
    for (size_t i = 1; i < n; i++) {
        if (keys[i].number != keys[i - 1].number) continue;
        uint32_t first = dup_of[keys[i - 1].decl] != UINT32_MAX ? dup_of[keys[i - 1].decl] : keys[i - 1].decl;
        dup_of[keys[i].decl] = first;
    }
    if (sorted) *sorted = keys;
    return dup_of;
}

/* ------------------------------------------------------------------ */
/* Messages and enums                                                  */
/* ------------------------------------------------------------------ */

static wk_code resolve_enum(resolver *r, wk__enum *e)
{
    wk_enum_def *d = &e->def;
    size_t n = d->value_count;
    if (n == 0)
        return resolve_error(r, WK_ERR_INVALID, e->name_pos, "enum %s has no values (it needs at least one)",
                             d->full_name);
    if (r->file->def.syntax == 3 && d->values[0].number != 0)
        return resolve_error(r, WK_ERR_INVALID, e->value_number_pos[0],
                             "the first value of a proto3 enum must be 0, its default (%s.%s is %d)", d->full_name,
                             d->values[0].name, d->values[0].number);
    TRY(resolve_ranges(r, d->reserved.ranges, e->reserved_range_pos, d->reserved.range_count, INT32_MIN,
                       INT32_MAX, "reserved"));
    TRY(resolve_reserved_names(r, &d->reserved, e->reserved_name_pos));
    int64_t *numbers = resolve_scratch(r, n * sizeof *numbers);
    if (!numbers) return resolve_nomem(r);
    for (size_t i = 0; i < n; i++) numbers[i] = d->values[i].number;
    resolve_key *sorted;
    uint32_t *dup_of = resolve_duplicates(r, numbers, n, &sorted);
    if (!dup_of) return resolve_nomem(r);
    bool has_alias = false;
    for (size_t i = 0; i < n; i++) {
        const wk_enum_value_def *v = &d->values[i];
        if (dup_of[i] != UINT32_MAX) {
            has_alias = true;
            if (!d->allow_alias)
                return resolve_error(r, WK_ERR_INVALID, e->value_number_pos[i],
                                     "enum value %s uses number %d, as %s does; set option allow_alias = true "
                                     "to allow aliases",
                                     v->name, v->number, d->values[dup_of[i]].name);
        }
        size_t which;
        if (resolve_range_has(d->reserved.ranges, d->reserved.range_count, v->number, &which))
            return resolve_error(r, WK_ERR_INVALID, e->value_number_pos[i],
                                 "enum value %s uses number %d, which is reserved (%d to %d)", v->name, v->number,
                                 d->reserved.ranges[which].start, d->reserved.ranges[which].end);
        if (resolve_is_reserved_name(&d->reserved, v->name))
            return resolve_error(r, WK_ERR_INVALID, e->value_name_pos[i], "enum value name \"%s\" is reserved",
                                 v->name);
    }
    if (d->allow_alias && !has_alias)
        return resolve_error(r, WK_ERR_INVALID, e->allow_alias_pos,
                             "option allow_alias = true is set, but no two values of %s share a number",
                             d->full_name);
    e->by_name = resolve_name_index(r, &d->values[0].name, sizeof(wk_enum_value_def), n);
    e->by_number = wk__arena_alloc(r->arena, n * sizeof *e->by_number);
    if (!e->by_name || !e->by_number) return resolve_nomem(r);
    for (size_t i = 0; i < n; i++) e->by_number[i] = sorted[i].decl;
    return WK_OK;
}

/* proto3: field names must differ once lower-cased with '_' dropped (their JSON names would clash). */
static wk_code resolve_json_conflicts(resolver *r, wk__message *m)
{
    const wk_message_def *d = &m->def;
    size_t n = d->field_count;
    const char **folded = resolve_scratch(r, n * sizeof *folded);
    if (!folded) return resolve_nomem(r);
    for (size_t i = 0; i < n; i++) {
        const char *name = d->fields[i].name;
        char *out = resolve_scratch(r, strlen(name) + 1);
        if (!out) return resolve_nomem(r);
        size_t o = 0;
        for (const char *c = name; *c; c++) {
            if (*c == '_') continue;
            out[o++] = (*c >= 'A' && *c <= 'Z') ? (char)(*c - 'A' + 'a') : *c;
        }
        out[o] = '\0';
        folded[i] = out;
    }
    uint32_t *order = resolve_name_index(r, folded, sizeof *folded, n);
    if (!order) return resolve_nomem(r);
    /* Of each clash, report the later declaration: sorted by name then
     * declaration, a run of equal names starts with the earliest. */
    size_t best = SIZE_MAX, best_first = 0;
    size_t run_first = n ? order[0] : 0;
    for (size_t i = 1; i < n; i++) {
        if (strcmp(folded[order[i]], folded[order[i - 1]]) != 0) {
            run_first = order[i];
            continue;
        }
        if (order[i] < best) {
            best = order[i];
            best_first = run_first;
        }
    }
    if (best == SIZE_MAX) return WK_OK;
    return resolve_error(r, WK_ERR_INVALID, m->field_src[best].name,
                         "the JSON name of field \"%s\" clashes with field \"%s\": proto3 field names must "
                         "differ when lower-cased with '_' dropped",
                         d->fields[best].name, d->fields[best_first].name);
}

/* A message with option message_set_wire_format = true. */
static bool resolve_message_set(const wk_message_def *d)
{
    for (size_t i = 0; i < d->option_count; i++)
        if (strcmp(d->options[i].name, "message_set_wire_format") == 0) return strcmp(d->options[i].value, "true") == 0;
    return false;
}

static bool resolve_in_extension_range(const wk_message_def *d, uint32_t number)
{
    return resolve_range_has(d->extension_ranges, d->extension_range_count, number, NULL);
}

static wk_code resolve_message(resolver *r, wk__message *m)
{
    wk_message_def *d = &m->def;
    wk_field_def *fields = (wk_field_def *)d->fields;
    size_t n = d->field_count;
    int syntax = r->file->def.syntax;

    TRY(resolve_ranges(r, d->reserved.ranges, m->reserved_range_pos, d->reserved.range_count, 1,
                       WK__FIELD_NUMBER_MAX, "reserved"));
    TRY(resolve_reserved_names(r, &d->reserved, m->reserved_name_pos));
    if (syntax == 3 && d->extension_range_count)
        return resolve_error(r, WK_ERR_INVALID, m->extension_range_pos[0],
                             "extension ranges are not allowed in proto3 (message %s)", d->full_name);
    /* `extensions N to max` goes to the highest number the message allows. */
    int64_t ext_max = resolve_message_set(d) ? INT32_MAX - 1 : WK__FIELD_NUMBER_MAX;
    for (size_t i = 0; i < d->extension_range_count; i++)
        if (d->extension_ranges[i].end == INT32_MAX) ((wk_range *)d->extension_ranges)[i].end = (int32_t)ext_max;
    TRY(resolve_ranges(r, d->extension_ranges, m->extension_range_pos, d->extension_range_count, 1, ext_max,
                       "extension"));
    for (size_t i = 0; i < d->extension_range_count; i++) {
        size_t which;
        const wk_range *x = &d->extension_ranges[i];
        for (which = 0; which < d->reserved.range_count; which++)
            if (resolve_overlap(x, &d->reserved.ranges[which]))
                return resolve_error(r, WK_ERR_INVALID, m->extension_range_pos[i],
                                     "extension range %d to %d overlaps the reserved range %d to %d", x->start,
                                     x->end, d->reserved.ranges[which].start, d->reserved.ranges[which].end);
    }

    int64_t *numbers = resolve_scratch(r, n * sizeof *numbers);
    if (n && !numbers) return resolve_nomem(r);
    for (size_t i = 0; i < n; i++) numbers[i] = (int64_t)m->field_src[i].number_written;
    resolve_key *sorted = NULL;
    uint32_t *dup_of = resolve_duplicates(r, numbers, n, &sorted);
    if (n && !dup_of) return resolve_nomem(r);

    for (size_t i = 0; i < n; i++) {
        wk_field_def *f = &fields[i];
        wk__field_src *src = &m->field_src[i];
        f->containing = d;
        TRY(resolve_field_number(r, src, "field", WK__FIELD_NUMBER_MAX));
        if (dup_of[i] != UINT32_MAX)
            return resolve_error(r, WK_ERR_INVALID, src->number,
                                 "duplicate field number %u in %s: \"%s\" and \"%s\" (at %u:%u) both use it",
                                 f->number, d->full_name, f->name, fields[dup_of[i]].name,
                                 m->field_src[dup_of[i]].number.line, m->field_src[dup_of[i]].number.col);
        size_t which;
        if (resolve_range_has(d->reserved.ranges, d->reserved.range_count, f->number, &which))
            return resolve_error(r, WK_ERR_INVALID, src->number,
                                 "field \"%s\" uses number %u, which is reserved in %s (%d to %d)", f->name,
                                 f->number, d->full_name, d->reserved.ranges[which].start,
                                 d->reserved.ranges[which].end);
        if (resolve_is_reserved_name(&d->reserved, f->name))
            return resolve_error(r, WK_ERR_INVALID, src->name, "field name \"%s\" is reserved in %s", f->name,
                                 d->full_name);
        if (resolve_range_has(d->extension_ranges, d->extension_range_count, f->number, &which))
            return resolve_error(r, WK_ERR_INVALID, src->number,
                                 "field \"%s\" uses number %u, which is in the extension range %d to %d", f->name,
                                 f->number, d->extension_ranges[which].start, d->extension_ranges[which].end);
        TRY(resolve_field_type(r, d->full_name, f, src));
        TRY(resolve_field_rules(r, f, src, false));
    }

    for (size_t i = 0; i < d->oneof_count; i++) {
        bool used = false;
        for (size_t j = 0; j < n && !used; j++) used = fields[j].oneof_index == (int32_t)i;
        if (!used)
            return resolve_error(r, WK_ERR_INVALID, m->oneof_name_pos[i], "oneof %s has no fields",
                                 d->oneofs[i].name);
    }
    if (syntax == 3 && !d->map_entry) TRY(resolve_json_conflicts(r, m));
    if (d->map_entry) {
        const wk_field_def *key = &fields[0];
        wk_field_type t = key->type;
        if (t == WK_TYPE_FLOAT || t == WK_TYPE_DOUBLE || t == WK_TYPE_BYTES || t == WK_TYPE_MESSAGE ||
            t == WK_TYPE_ENUM || t == WK_TYPE_GROUP) {
            const char *what = t == WK_TYPE_MESSAGE ? key->message->full_name
                               : t == WK_TYPE_ENUM  ? key->enum_def->full_name
                                                    : wk_field_type_name(t);
            return resolve_error(r, WK_ERR_INVALID, m->field_src[0].type,
                                 "a map key must be an integer, bool or string type, not %s%s", 
                                 t == WK_TYPE_MESSAGE ? "the message " : t == WK_TYPE_ENUM ? "the enum " : "",
                                 what);
        }
    }

    /* Fields by number (with their sources), and the oneofs' members in declaration order. */
    if (n) {
        wk_field_def *by_number = resolve_scratch(r, n * sizeof *by_number);
        wk__field_src *src_by_number = resolve_scratch(r, n * sizeof *src_by_number);
        uint32_t *position = resolve_scratch(r, n * sizeof *position);
        if (!by_number || !src_by_number || !position) return resolve_nomem(r);
        for (size_t i = 0; i < n; i++) {
            by_number[i] = fields[sorted[i].decl];
            src_by_number[i] = m->field_src[sorted[i].decl];
            position[sorted[i].decl] = (uint32_t)i;
        }
        memcpy(fields, by_number, n * sizeof *fields);
        memcpy(m->field_src, src_by_number, n * sizeof *src_by_number);
        for (size_t k = 0; k < d->oneof_count; k++) {
            wk_oneof_def *o = (wk_oneof_def *)&d->oneofs[k];
            size_t count = 0;
            for (size_t i = 0; i < n; i++) count += fields[i].oneof_index == (int32_t)k;
            const wk_field_def **members = wk__arena_alloc(r->arena, count * sizeof *members + 1);
            if (!members) return resolve_nomem(r);
            size_t at = 0;
            for (size_t decl = 0; decl < n; decl++) {
                const wk_field_def *f = &fields[position[decl]];
                if (f->oneof_index == (int32_t)k) members[at++] = f;
            }
            o->fields = members;
            o->field_count = count;
        }
        m->by_name = resolve_name_index(r, &fields[0].name, sizeof(wk_field_def), n);
        m->by_json_name = resolve_name_index(r, &fields[0].json_name, sizeof(wk_field_def), n);
        if (!m->by_name || !m->by_json_name) return resolve_nomem(r);
    }

    for (size_t i = 0; i < d->message_count; i++) TRY(resolve_message(r, (wk__message *)d->messages[i]));
    for (size_t i = 0; i < d->enum_count; i++) TRY(resolve_enum(r, (wk__enum *)d->enums[i]));
    return WK_OK;
}

/* ------------------------------------------------------------------ */
/* Extensions and services                                             */
/* ------------------------------------------------------------------ */

/* The options messages of descriptor.proto: what proto3 files may extend. */
static bool resolve_is_options_message(const char *full_name)
{
    static const char *const names[] = {
        "google.protobuf.FileOptions",      "google.protobuf.MessageOptions",
        "google.protobuf.FieldOptions",     "google.protobuf.OneofOptions",
        "google.protobuf.EnumOptions",      "google.protobuf.EnumValueOptions",
        "google.protobuf.ServiceOptions",   "google.protobuf.MethodOptions",
        "google.protobuf.ExtensionRangeOptions",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(full_name, names[i]) == 0) return true;
    return false;
}

static wk_code resolve_extension(resolver *r, wk__extension *x, wk_extension_def *pub)
{
    const char *scope = x->scope ? x->scope->full_name : r->file->def.package;
    const wk__symbol *sym;
    TRY(resolve_type(r, scope, x->extendee, x->extendee_pos, &sym));
    if (sym->kind != WK__SYM_MESSAGE)
        return resolve_error(r, WK_ERR_INVALID, x->extendee_pos, "\"%s\" is an enum; only messages can be extended",
                             x->extendee);
    const wk_message_def *target = &((const wk__message *)sym->def)->def;
    pub->extendee_def = target;
    x->field.containing = target;
    x->field.oneof_index = -1;
    TRY(resolve_field_number(r, &x->src, "extension",
                             resolve_message_set(target) ? INT32_MAX - 1 : WK__FIELD_NUMBER_MAX));
    if (!resolve_in_extension_range(target, x->field.number))
        return resolve_error(r, WK_ERR_INVALID, x->src.number,
                             "%s declares no extension range that holds %u (extension \"%s\")", target->full_name,
                             x->field.number, x->field.name);
    if (r->file->def.syntax == 3 && !resolve_is_options_message(target->full_name))
        return resolve_error(r, WK_ERR_INVALID, x->extendee_pos,
                             "extensions in proto3 may only extend the options messages of descriptor.proto, "
                             "not %s",
                             target->full_name);
    TRY(resolve_field_type(r, scope, &x->field, &x->src));
    return resolve_field_rules(r, &x->field, &x->src, true);
}

static wk_code resolve_method_type(resolver *r, const char *scope, const char *name, wk__spos pos,
                                   const wk_message_def **out)
{
    const wk__symbol *sym;
    TRY(resolve_type(r, scope, name, pos, &sym));
    if (sym->kind != WK__SYM_MESSAGE)
        return resolve_error(r, WK_ERR_INVALID, pos, "\"%s\" is an enum; a method's request and response are messages",
                             name);
    *out = &((const wk__message *)sym->def)->def;
    return WK_OK;
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */
/* ------------------------------------------------------------------ */

wk_code wk__resolve_begin(wk_schema *s, wk_status *st)
{
    size_t count = 0;
    for (size_t i = 0; i < s->file_count; i++) count += resolve_count_file(&s->files[i]->def);
    if (!wk__symtab_init(&s->symbols, s->arena, count + 1))
        return wk__schema_error(st, WK_ERR_NOMEM, s->files[s->file_count - 1]->disk_path, (wk__spos){0, 0, 0},
                                "out of memory");
    return WK_OK;
}

wk_code wk__resolve_file(wk_schema *s, wk__file *f, wk_arena *scratch, wk_status *st)
{
    resolver r;
    memset(&r, 0, sizeof r);
    r.s = s;
    r.file = f;
    r.arena = s->arena;
    r.scratch = scratch;
    r.st = st;
    wk_file_def *d = &f->def;

    /* What the file may see: itself, its imports, and what they import publicly. */
    size_t nbytes = (s->file_count + 7) / 8;
    uint8_t *visible = wk__arena_alloc(s->arena, nbytes);
    uint8_t *exported = wk__arena_alloc(s->arena, nbytes);
    if (!visible || !exported) return resolve_nomem(&r);
    memset(visible, 0, nbytes);
    memset(exported, 0, nbytes);
    resolve_bit_set(visible, f->index);
    resolve_bit_set(exported, f->index);
    for (size_t i = 0; i < d->import_count; i++) {
        const wk__file *imp = (const wk__file *)d->imports[i].file;
        for (size_t b = 0; b < nbytes; b++) {
            visible[b] |= imp->exported[b];
            if (d->imports[i].is_public) exported[b] |= imp->exported[b];
        }
    }
    f->visible = visible;
    f->exported = exported;

    TRY(resolve_names(&r));
    for (size_t i = 0; i < d->message_count; i++) TRY(resolve_message(&r, (wk__message *)d->messages[i]));
    for (size_t i = 0; i < d->enum_count; i++) TRY(resolve_enum(&r, (wk__enum *)d->enums[i]));
    for (size_t i = 0; i < d->extension_count; i++)
        TRY(resolve_extension(&r, f->extension_src[i], (wk_extension_def *)&d->extensions[i]));
    for (size_t i = 0; i < d->service_count; i++) {
        wk_service_def *svc = (wk_service_def *)&d->services[i];
        for (size_t j = 0; j < svc->method_count; j++) {
            wk_method_def *m = (wk_method_def *)&svc->methods[j];
            const wk__method_src *src = &f->service_src[i].methods[j];
            TRY(resolve_method_type(&r, svc->full_name, m->input_type, src->input, &m->input));
            TRY(resolve_method_type(&r, svc->full_name, m->output_type, src->output, &m->output));
        }
    }
    return WK_OK;
}

typedef struct resolve_ext_key {
    const wk_message_def *target;
    uint32_t number;
    size_t file;
    uint32_t decl;
    const wk__extension *x;
} resolve_ext_key;

static int resolve_ext_cmp(const void *a, const void *b)
{
    const resolve_ext_key *x = a, *y = b;
    if (x->target != y->target) return (uintptr_t)x->target < (uintptr_t)y->target ? -1 : 1;
    if (x->number != y->number) return x->number < y->number ? -1 : 1;
    if (x->file != y->file) return x->file < y->file ? -1 : 1;
    return x->decl < y->decl ? -1 : x->decl > y->decl;
}

static void resolve_collect(wk_schema *s, const wk_message_def *m, size_t *nm, size_t *ne, bool fill)
{
    if (fill) s->messages[*nm] = (const wk__message *)m;
    (*nm)++;
    for (size_t i = 0; i < m->enum_count; i++) {
        if (fill) s->enums[*ne] = (const wk__enum *)m->enums[i];
        (*ne)++;
    }
    for (size_t i = 0; i < m->message_count; i++) resolve_collect(s, m->messages[i], nm, ne, fill);
}

wk_code wk__resolve_end(wk_schema *s, wk_arena *scratch, wk_status *st)
{
    /* One number per extended message, across every file. */
    size_t total = 0;
    for (size_t i = 0; i < s->file_count; i++) total += s->files[i]->def.extension_count;
    if (total > 1) {
        resolve_ext_key *keys = wk__arena_alloc(scratch, total * sizeof *keys);
        if (!keys) return wk__schema_error(st, WK_ERR_NOMEM, "", (wk__spos){0, 0, 0}, "out of memory");
        size_t k = 0;
        for (size_t i = 0; i < s->file_count; i++) {
            for (size_t j = 0; j < s->files[i]->def.extension_count; j++) {
                const wk__extension *x = s->files[i]->extension_src[j];
                keys[k].target = x->field.containing;
                keys[k].number = x->field.number;
                keys[k].file = i;
                keys[k].decl = (uint32_t)j;
                keys[k].x = x;
                k++;
            }
        }
        qsort(keys, total, sizeof *keys, resolve_ext_cmp);
        for (size_t i = 1; i < total; i++) {
            if (keys[i].target != keys[i - 1].target || keys[i].number != keys[i - 1].number) continue;
            const wk__file *file = s->files[keys[i].file];
            const wk__file *first = s->files[keys[i - 1].file];
            return wk__schema_error(st, WK_ERR_INVALID, file->disk_path, keys[i].x->src.number,
                                    "extension number %u of %s is already used by extension \"%s\" (in %s:%u:%u)",
                                    keys[i].number, keys[i].target->full_name, keys[i - 1].x->field.name,
                                    first->disk_path, keys[i - 1].x->src.number.line,
                                    keys[i - 1].x->src.number.col);
        }
    }

    /* Every message and enum, for the lookups by name. */
    size_t nm = 0, ne = 0;
    for (int pass = 0; pass < 2; pass++) {
        bool fill = pass == 1;
        if (fill) {
            s->messages = wk__arena_alloc(s->arena, nm * sizeof *s->messages + 1);
            s->enums = wk__arena_alloc(s->arena, ne * sizeof *s->enums + 1);
            if (!s->messages || !s->enums)
                return wk__schema_error(st, WK_ERR_NOMEM, "", (wk__spos){0, 0, 0}, "out of memory");
            s->message_count = nm;
            s->enum_count = ne;
            nm = ne = 0;
        }
        for (size_t i = 0; i < s->file_count; i++) {
            const wk_file_def *d = &s->files[i]->def;
            for (size_t j = 0; j < d->enum_count; j++) {
                if (fill) s->enums[ne] = (const wk__enum *)d->enums[j];
                ne++;
            }
            for (size_t j = 0; j < d->message_count; j++) resolve_collect(s, d->messages[j], &nm, &ne, fill);
        }
    }
    return WK_OK;
}
