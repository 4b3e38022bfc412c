/*
 * The schema diff: matches the definitions of two versions of a schema and
 * lists what changed, each change judged by the rules of diff_rules.c for
 * every format and direction.
 *
 * Matching, in order:
 *   messages and enums   by full name; when the package changed, by the
 *                        name relative to the package; what is left, by
 *                        shape (same fields, or same values): "moved";
 *   fields               by number within a matched message; an old field
 *                        whose number is gone but whose name is on a new
 *                        field of a new number is "renumbered";
 *   enum values          by name and number; by number ("renamed"); by
 *                        name ("renumbered").
 * The changes come out in a stable order: the package and file options,
 * then each old message (its removal, or what changed in it), the added
 * messages, then the enums in the same way.
 */
#include "diff_internal.h"

#include <stdio.h>
#include <stdlib.h>

struct wk_diff {
    wk_arena *arena;
    wk_change *changes;
    size_t count;
    size_t cap;
};

typedef struct differ {
    wk_diff *d;
    bool nomem;
    const char *old_pkg;
    const char *new_pkg;
    const wk_file_def *old_file;     /* the files whose package and options are compared */
    const wk_file_def *new_file;
    const wk_schema *old_schema;
    const wk_schema *new_schema;
    const char *type;                /* the type whose closure is compared, or NULL */
    /* The definitions compared, and for each old one its match (or NULL). */
    const wk_message_def **om, **nm, **om_match, **nm_match;
    size_t om_count, nm_count;
    const wk_enum_def **oe, **ne, **oe_match, **ne_match;
    size_t oe_count, ne_count;
    size_t om_cap, nm_cap, oe_cap, ne_cap;
} differ;

/* ------------------------------------------------------------------ */
/* Names                                                               */
/* ------------------------------------------------------------------ */

static const char *const diff_kind_names[] = {
#define DIFF_KIND_NAME(id, name) name,
    WK_CHANGE_KIND_MAP(DIFF_KIND_NAME)
#undef DIFF_KIND_NAME
};

const char *wk_change_kind_name(wk_change_kind kind)
{
    return (unsigned)kind < WK_CHANGE_KIND_COUNT ? diff_kind_names[kind] : NULL;
}

wk_change_kind wk_change_kind_find(const char *name)
{
    for (int k = 0; name && k < WK_CHANGE_KIND_COUNT; k++)
        if (strcmp(diff_kind_names[k], name) == 0) return (wk_change_kind)k;
    return WK_CHANGE_KIND_COUNT;
}

static const char *const diff_format_names[] = {"protobuf", "json", "xml", "msgpack", "msgpack-numbers"};

const char *wk_compat_format_name(wk_compat_format format)
{
    return (unsigned)format < WK_COMPAT_FORMAT_COUNT ? diff_format_names[format] : NULL;
}

const char *wk_bump_name(wk_bump bump)
{
    static const char *const names[] = {"none", "patch", "minor", "major"};
    return (unsigned)bump <= WK_BUMP_MAJOR ? names[bump] : NULL;
}

wk_code wk_compat_formats_parse(const char *list, uint32_t *mask, wk_status *st)
{
    if (!list || !mask) return wk__fail(st, WK_ERR_INVALID, 0, "no list of formats");
    uint32_t m = 0;
    size_t at = 0, len = strlen(list);
    while (at <= len) {
        size_t end = at;
        while (end < len && list[end] != ',') end++;
        size_t n = end - at;
        const char *name = list + at;
        uint32_t bits = 0;
#define DIFF_IS(s) (n == strlen(s) && memcmp(name, s, n) == 0)
        if (DIFF_IS("all")) bits = WK_COMPAT_ALL_FORMATS;
        else if (DIFF_IS("default")) bits = WK_COMPAT_DEFAULT_FORMATS;
        else if (DIFF_IS("pb")) bits = WK_COMPAT_MASK(WK_COMPAT_PROTOBUF);
        else if (DIFF_IS("mp")) bits = WK_COMPAT_MASK(WK_COMPAT_MSGPACK);
        else
            for (int f = 0; f < WK_COMPAT_FORMAT_COUNT; f++)
                if (DIFF_IS(diff_format_names[f])) bits = WK_COMPAT_MASK(f);
#undef DIFF_IS
        if (!bits) {
            if (n == 0) return wk__fail(st, WK_ERR_INVALID, at, "an empty format name in \"%.80s\"", list);
            return wk__fail(st, WK_ERR_INVALID, at,
                            "unknown format \"%.*s\" (known: protobuf, json, xml, msgpack, msgpack-numbers, all)",
                            (int)(n > 40 ? 40 : n), name);
        }
        m |= bits;
        at = end + 1;
    }
    *mask = m;
    wk__ok(st);
    return WK_OK;
}

/* ------------------------------------------------------------------ */
/* Bumps                                                               */
/* ------------------------------------------------------------------ */

wk_bump wk_change_bump(const wk_change *c, uint32_t formats, wk_compat_mode mode)
{
    if (!c) return WK_BUMP_NONE;
    if (formats == 0) formats = WK_COMPAT_DEFAULT_FORMATS;
    wk_bump b = c->level;
    for (int f = 0; f < WK_COMPAT_FORMAT_COUNT; f++) {
        if (!(formats & WK_COMPAT_MASK(f))) continue;
        for (int dir = 0; dir < 2; dir++) {
            if (!c->effects[f][dir].breaks) continue;
            if ((unsigned)mode & (1u << dir)) return WK_BUMP_MAJOR;
            if (b < WK_BUMP_MINOR) b = WK_BUMP_MINOR;
        }
    }
    return b;
}

wk_bump wk_diff_bump(const wk_diff *d, uint32_t formats, wk_compat_mode mode)
{
    wk_bump b = WK_BUMP_NONE;
    for (size_t i = 0; d && i < d->count; i++) {
        wk_bump cb = wk_change_bump(&d->changes[i], formats, mode);
        if (cb > b) b = cb;
    }
    return b;
}

size_t wk_diff_change_count(const wk_diff *d) { return d ? d->count : 0; }

const wk_change *wk_diff_change(const wk_diff *d, size_t i)
{
    return d && i < d->count ? &d->changes[i] : NULL;
}

void wk_diff_free(wk_diff *d)
{
    if (!d) return;
    free(d->changes);
    wk_arena_free(d->arena);
    free(d);
}

/* ------------------------------------------------------------------ */
/* Recording changes                                                   */
/* ------------------------------------------------------------------ */

static const char *diff_vprintf(differ *df, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *s = n >= 0 ? wk_arena_alloc(df->d->arena, (size_t)n + 1) : NULL;
    if (!s) {
        va_end(again);
        df->nomem = true;
        return "";
    }
    vsnprintf(s, (size_t)n + 1, fmt, again);
    va_end(again);
    return s;
}

static const char *diff_printf(differ *df, const char *fmt, ...) WK__PRINTF(2, 3);

static const char *diff_printf(differ *df, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *s = diff_vprintf(df, fmt, ap);
    va_end(ap);
    return s;
}

static const wk_source_pos diff_nowhere = {NULL, 0, 0};

/*
 * Adds a change with its effects, from the two sides of the element (NULL
 * members where a side does not exist). path and detail are printf'd into
 * the diff's arena by the caller.
 */
static void diff_add(differ *df, wk_change_kind kind, const char *path, const char *detail, wk_source_pos old_pos,
                     wk_source_pos new_pos, const wk__diff_side *old_side, const wk__diff_side *new_side)
{
    wk_diff *d = df->d;
    const wk__diff_rule *rule = wk__diff_rule_of(kind);
    if (!rule) return;
    if (d->count == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        wk_change *grown = realloc(d->changes, cap * sizeof *grown);
        if (!grown) {
            df->nomem = true;
            return;
        }
        d->changes = grown;
        d->cap = cap;
    }
    wk_change *c = &d->changes[d->count];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->path = path;
    c->detail = detail;
    c->old_pos = old_pos;
    c->new_pos = new_pos;
    c->level = rule->level;
    c->level_reason = rule->level_reason;
    static const wk__diff_side none = {NULL, NULL, NULL};
    if (!old_side) old_side = &none;
    if (!new_side) new_side = &none;
    for (int f = 0; f < WK_COMPAT_FORMAT_COUNT; f++) {
        for (int dir = 0; dir < 2; dir++) {
            char reason[512];
            /* Backward: the old version wrote, the new one reads. */
            const wk__diff_side *writer = dir == WK_COMPAT_BACKWARD ? old_side : new_side;
            const wk__diff_side *reader = dir == WK_COMPAT_BACKWARD ? new_side : old_side;
            c->effects[f][dir].breaks =
                wk__diff_eval(&rule->cells[f][dir], (wk_compat_format)f, writer, reader, reason, sizeof reason);
            c->effects[f][dir].reason = diff_printf(df, "%s", reason);
        }
    }
    c->bump = wk_change_bump(c, WK_COMPAT_DEFAULT_FORMATS, WK_COMPAT_FULL);
    d->count++;
}

/* ------------------------------------------------------------------ */
/* Collecting definitions                                              */
/* ------------------------------------------------------------------ */

static bool diff_push(differ *df, const void ***list, size_t *count, size_t *cap, const void *def)
{
    for (size_t i = 0; i < *count; i++)
        if ((*list)[i] == def) return true;
    if (*count == *cap) {
        size_t n = *cap ? *cap * 2 : 16;
        const void **grown = realloc(*list, n * sizeof *grown);
        if (!grown) {
            df->nomem = true;
            return false;
        }
        *list = grown;
        *cap = n;
    }
    (*list)[(*count)++] = def;
    return true;
}

#define DIFF_PUSH_MESSAGE(df, old, m)                                                      \
    ((old) ? diff_push(df, (const void ***)&(df)->om, &(df)->om_count, &(df)->om_cap, m)  \
           : diff_push(df, (const void ***)&(df)->nm, &(df)->nm_count, &(df)->nm_cap, m))
#define DIFF_PUSH_ENUM(df, old, e)                                                         \
    ((old) ? diff_push(df, (const void ***)&(df)->oe, &(df)->oe_count, &(df)->oe_cap, e)  \
           : diff_push(df, (const void ***)&(df)->ne, &(df)->ne_count, &(df)->ne_cap, e))

/* A message and everything nested in it (map entries left out: their fields are compared). */
static void diff_collect_message(differ *df, bool old, const wk_message_def *m)
{
    if (m->map_entry) return;
    DIFF_PUSH_MESSAGE(df, old, m);
    for (size_t i = 0; i < m->message_count; i++) diff_collect_message(df, old, m->messages[i]);
    for (size_t i = 0; i < m->enum_count; i++) DIFF_PUSH_ENUM(df, old, m->enums[i]);
}

/* Files that are not the user's schema: wirekit's option file and the well-known types. */
static bool diff_library_file(const wk_file_def *f)
{
    return strncmp(f->path, "google/protobuf/", 16) == 0 || strcmp(f->path, "wirekit/options.proto") == 0;
}

static void diff_collect_all(differ *df, bool old, const wk_schema *s)
{
    size_t n = wk_schema_file_count(s);
    for (size_t i = 0; i < n; i++) {
        const wk_file_def *f = wk_schema_file(s, i);
        if (diff_library_file(f) && i + 1 < n) continue;
        for (size_t j = 0; j < f->message_count; j++) diff_collect_message(df, old, f->messages[j]);
        for (size_t j = 0; j < f->enum_count; j++) DIFF_PUSH_ENUM(df, old, f->enums[j]);
    }
}

/* A message and the types its fields use, transitively, breadth first. */
static void diff_collect_closure(differ *df, bool old, const wk_message_def *root)
{
    DIFF_PUSH_MESSAGE(df, old, root);
    for (size_t i = 0; !df->nomem && i < (old ? df->om_count : df->nm_count); i++) {
        const wk_message_def *m = old ? df->om[i] : df->nm[i];
        for (size_t j = 0; j < m->field_count; j++) {
            const wk_field_def *f = &m->fields[j];
            const wk_message_def *fm = f->message;
            /* A map's entry stands for its key and value types. */
            if (fm && fm->map_entry) {
                for (size_t k = 0; k < fm->field_count; k++) {
                    if (fm->fields[k].message) DIFF_PUSH_MESSAGE(df, old, fm->fields[k].message);
                    if (fm->fields[k].enum_def) DIFF_PUSH_ENUM(df, old, fm->fields[k].enum_def);
                }
            } else if (fm) {
                DIFF_PUSH_MESSAGE(df, old, fm);
            }
            if (f->enum_def) DIFF_PUSH_ENUM(df, old, f->enum_def);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Matching definitions                                                */
/* ------------------------------------------------------------------ */

/* The full name without the package, when it is in it. */
static const char *diff_relative(const char *full, const char *pkg)
{
    size_t n = strlen(pkg);
    if (n == 0) return full;
    if (strncmp(full, pkg, n) == 0 && full[n] == '.') return full + n + 1;
    return full;
}

static const char *diff_short(const char *full)
{
    const char *dot = strrchr(full, '.');
    return dot ? dot + 1 : full;
}

static bool diff_same_values(const wk_enum_def *a, const wk_enum_def *b)
{
    if (a->value_count != b->value_count) return false;
    for (size_t i = 0; i < a->value_count; i++)
        if (a->values[i].number != b->values[i].number || strcmp(a->values[i].name, b->values[i].name) != 0)
            return false;
    return true;
}

/*
 * Matches list a against list b by full name, then by relative name, then
 * by shape (same_shape on unmatched pairs); a_match[i] and b_match[j] get
 * the partner or NULL. names(def) gives a definition's full name.
 */
static void diff_match(differ *df, const void **a, size_t an, const void **b, size_t bn, const void **a_match,
                       const void **b_match, const char *(*full_name)(const void *),
                       bool (*same_shape)(const void *, const void *), bool (*worth_moving)(const void *),
                       bool (*in_new)(const differ *, const void *), bool (*in_old)(const differ *, const void *))
{
    for (int pass = 0; pass < 3; pass++) {
        /*
         * Comparing one type's closure, a definition outside one side's
         * closure may still be in that schema (no longer used, or newly
         * used): it is neither removed, added nor moved, and is marked as
         * matched with itself so that no later pass pairs it.
         */
        if (pass == 2) {
            for (size_t i = 0; i < an; i++)
                if (!a_match[i] && in_new(df, a[i])) a_match[i] = a[i];
            for (size_t j = 0; j < bn; j++)
                if (!b_match[j] && in_old(df, b[j])) b_match[j] = b[j];
        }
        for (size_t i = 0; i < an; i++) {
            if (a_match[i]) continue;
            const char *a_full = full_name(a[i]);
            size_t best = bn;
            for (size_t j = 0; j < bn; j++) {
                if (b_match[j]) continue;
                const char *b_full = full_name(b[j]);
                bool same_short = strcmp(diff_short(a_full), diff_short(b_full)) == 0;
                if (pass == 0) {
                    if (strcmp(a_full, b_full) != 0) continue;
                } else if (pass == 1) {
                    if (strcmp(df->old_pkg, df->new_pkg) == 0 ||
                        strcmp(diff_relative(a_full, df->old_pkg), diff_relative(b_full, df->new_pkg)) != 0)
                        continue;
                } else {
                    if (!same_shape(a[i], b[j]) || !(same_short || worth_moving(a[i]))) continue;
                    /* By shape, a partner with the same short name wins over the first one found. */
                    if (!same_short) {
                        if (best == bn) best = j;
                        continue;
                    }
                }
                best = j;
                break;
            }
            if (best < bn) {
                a_match[i] = b[best];
                b_match[best] = a[i];
            }
        }
    }
}

static const char *diff_message_name(const void *m) { return ((const wk_message_def *)m)->full_name; }
static const char *diff_enum_name(const void *e) { return ((const wk_enum_def *)e)->full_name; }
static bool diff_message_shape(const void *a, const void *b) { return wk__diff_same_shape(a, b); }
static bool diff_enum_shape(const void *a, const void *b) { return diff_same_values(a, b); }
/* An empty message (or enum) has the shape of every other empty one: never "moved" by shape alone. */
static bool diff_message_in_new(const differ *df, const void *m)
{
    return df->type && wk_schema_message(df->new_schema, diff_message_name(m)) != NULL;
}
static bool diff_message_in_old(const differ *df, const void *m)
{
    return df->type && wk_schema_message(df->old_schema, diff_message_name(m)) != NULL;
}
static bool diff_enum_in_new(const differ *df, const void *e)
{
    return df->type && wk_schema_enum(df->new_schema, diff_enum_name(e)) != NULL;
}
static bool diff_enum_in_old(const differ *df, const void *e)
{
    return df->type && wk_schema_enum(df->old_schema, diff_enum_name(e)) != NULL;
}
static bool diff_message_worth(const void *m) { return ((const wk_message_def *)m)->field_count > 0; }
static bool diff_enum_worth(const void *e) { return ((const wk_enum_def *)e)->value_count > 0; }

/* The new message matched with an old one, or NULL. */
static const wk_message_def *diff_new_message_of(const differ *df, const wk_message_def *old)
{
    for (size_t i = 0; i < df->om_count; i++)
        if (df->om[i] == old) return df->om_match[i];
    return NULL;
}

static const wk_enum_def *diff_new_enum_of(const differ *df, const wk_enum_def *old)
{
    for (size_t i = 0; i < df->oe_count; i++)
        if (df->oe[i] == old) return df->oe_match[i];
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Fields                                                              */
/* ------------------------------------------------------------------ */

static const char *diff_label_name(wk_label l)
{
    switch (l) {
    case WK_LABEL_SINGULAR: return "singular";
    case WK_LABEL_OPTIONAL: return "optional";
    case WK_LABEL_REQUIRED: return "required";
    default: return "repeated";
    }
}

/* A field's type as the detail shows it: "int64", "acme.Item", "map<string, int32>". */
static void diff_type_text(const wk_field_def *f, char *buf, size_t cap)
{
    if (f->is_map && f->message && f->message->field_count == 2) {
        char k[160], v[160];
        diff_type_text(&f->message->fields[0], k, sizeof k);
        diff_type_text(&f->message->fields[1], v, sizeof v);
        snprintf(buf, cap, "map<%s, %s>", k, v);
    } else if ((f->type == WK_TYPE_MESSAGE || f->type == WK_TYPE_GROUP) && f->message) {
        snprintf(buf, cap, "%s", f->message->full_name);
    } else if (f->type == WK_TYPE_ENUM && f->enum_def) {
        snprintf(buf, cap, "%s", f->enum_def->full_name);
    } else {
        snprintf(buf, cap, "%s", wk_field_type_name(f->type));
    }
}

/* Whether two field types are the same, with message and enum types matched across the versions. */
static bool diff_same_type(const differ *df, const wk_field_def *o, const wk_field_def *n)
{
    if (o->is_map != n->is_map) return false;
    if (o->is_map) {
        if (!o->message || !n->message || o->message->field_count != 2 || n->message->field_count != 2)
            return false;
        return diff_same_type(df, &o->message->fields[0], &n->message->fields[0]) &&
               diff_same_type(df, &o->message->fields[1], &n->message->fields[1]);
    }
    if (o->type != n->type) return false;
    /* Types outside the compared set (imports such as the well-known types
     * are not collected) have no match: they are the same type when their
     * full names are. */
    if (o->type == WK_TYPE_MESSAGE || o->type == WK_TYPE_GROUP) {
        if (!o->message || !n->message) return false;
        const wk_message_def *m = diff_new_message_of(df, o->message);
        return m ? m == n->message : strcmp(o->message->full_name, n->message->full_name) == 0;
    }
    if (o->type == WK_TYPE_ENUM) {
        if (!o->enum_def || !n->enum_def) return false;
        const wk_enum_def *e = diff_new_enum_of(df, o->enum_def);
        return e ? e == n->enum_def : strcmp(o->enum_def->full_name, n->enum_def->full_name) == 0;
    }
    return true;
}

static const wk_oneof_def *diff_real_oneof(const wk_field_def *f)
{
    const wk_message_def *m = f->containing;
    if (!m || f->oneof_index < 0 || (size_t)f->oneof_index >= m->oneof_count) return NULL;
    const wk_oneof_def *o = &m->oneofs[f->oneof_index];
    return o->synthetic ? NULL : o;
}

/* Whether two oneofs have the same members, by number. */
static bool diff_same_members(const wk_oneof_def *a, const wk_oneof_def *b)
{
    if (a->field_count != b->field_count) return false;
    for (size_t i = 0; i < a->field_count; i++) {
        bool found = false;
        for (size_t j = 0; j < b->field_count && !found; j++) found = a->fields[i]->number == b->fields[j]->number;
        if (!found) return false;
    }
    return true;
}

static bool diff_option_in(const wk_option *o, const wk_option *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(o->name, list[i].name) == 0 && strcmp(o->value, list[i].value) == 0 && o->kind == list[i].kind)
            return true;
    return false;
}

static bool diff_option_named(const char *name, const wk_option *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, list[i].name) == 0) return true;
    return false;
}

/*
 * Options that are not option changes: the (wirekit.version) file option is
 * the version itself, and `packed` is judged as field-packing-changed.
 */
static bool diff_is_version_option(const wk_option *o)
{
    return strcmp(o->name, "(wirekit.version)") == 0 || strcmp(o->name, "(.wirekit.version)") == 0 ||
           strcmp(o->name, "packed") == 0;
}

/*
 * One option-changed change per option added, removed or changed between
 * two option lists. The (wirekit.version) file option is the version
 * itself, not a change.
 */
static void diff_options(differ *df, const char *path, const wk_option *oo, size_t on, wk_source_pos op,
                         const wk_option *no, size_t nn, wk_source_pos np)
{
    for (size_t i = 0; i < on; i++) {
        if (diff_is_version_option(&oo[i]) || diff_option_in(&oo[i], no, nn)) continue;
        bool kept = diff_option_named(oo[i].name, no, nn);
        const char *detail = NULL;
        for (size_t j = 0; kept && j < nn; j++)
            if (strcmp(no[j].name, oo[i].name) == 0)
                detail = diff_printf(df, "option %s = %s -> %s", oo[i].name, oo[i].value, no[j].value);
        if (!kept) detail = diff_printf(df, "option %s = %s removed", oo[i].name, oo[i].value);
        diff_add(df, WK_CHANGE_OPTION_CHANGED, path, detail, oo[i].pos.line ? oo[i].pos : op, np, NULL, NULL);
    }
    for (size_t j = 0; j < nn; j++) {
        if (diff_is_version_option(&no[j]) || diff_option_in(&no[j], oo, on) ||
            diff_option_named(no[j].name, oo, on))
            continue;
        diff_add(df, WK_CHANGE_OPTION_CHANGED, path, diff_printf(df, "option %s = %s added", no[j].name, no[j].value),
                 op, no[j].pos.line ? no[j].pos : np, NULL, NULL);
    }
}

/* What changed between an old field and the new field matched with it. */
static void diff_field_pair(differ *df, const wk_message_def *nm, const wk_field_def *o, const wk_field_def *n)
{
    const char *path = diff_printf(df, "%s.%s", nm->full_name, n->name);
    wk__diff_side os = {o, o->enum_def, NULL}, ns = {n, n->enum_def, NULL};
    if (strcmp(o->name, n->name) != 0)
        diff_add(df, WK_CHANGE_FIELD_RENAMED, path, diff_printf(df, "name %s -> %s", o->name, n->name), o->pos,
                 n->pos, &os, &ns);
    else if (strcmp(o->json_name, n->json_name) != 0)
        diff_add(df, WK_CHANGE_JSON_NAME_CHANGED, path,
                 diff_printf(df, "json_name %s -> %s", o->json_name, n->json_name), o->pos, n->pos, &os, &ns);
    if (!diff_same_type(df, o, n)) {
        char ot[400], nt[400];
        diff_type_text(o, ot, sizeof ot);
        diff_type_text(n, nt, sizeof nt);
        diff_add(df, WK_CHANGE_FIELD_TYPE_CHANGED, path, diff_printf(df, "%s -> %s", ot, nt), o->pos, n->pos, &os,
                 &ns);
    }
    const wk_oneof_def *oo = diff_real_oneof(o), *no = diff_real_oneof(n);
    bool oneof_moved = false;
    if (oo && !no) {
        diff_add(df, WK_CHANGE_FIELD_MOVED_OUT_OF_ONEOF, path, diff_printf(df, "out of oneof %s", oo->name), o->pos,
                 n->pos, &os, &ns);
        oneof_moved = true;
    } else if (!oo && no) {
        diff_add(df, WK_CHANGE_FIELD_MOVED_INTO_ONEOF, path, diff_printf(df, "into oneof %s", no->name), o->pos,
                 n->pos, &os, &ns);
        oneof_moved = true;
    } else if (oo && no && !diff_same_members(oo, no)) {
        diff_add(df, WK_CHANGE_FIELD_MOVED_INTO_ONEOF, path, diff_printf(df, "oneof %s -> %s", oo->name, no->name),
                 o->pos, n->pos, &os, &ns);
        oneof_moved = true;
    }
    if (o->label != n->label) {
        const char *detail = diff_printf(df, "%s -> %s", diff_label_name(o->label), diff_label_name(n->label));
        bool o_rep = o->label == WK_LABEL_REPEATED, n_rep = n->label == WK_LABEL_REPEATED;
        if (o_rep != n_rep) {
            /* To or from a map, the type change says it all. */
            if (!o->is_map && !n->is_map)
                diff_add(df, WK_CHANGE_FIELD_CARDINALITY_CHANGED, path, detail, o->pos, n->pos, &os, &ns);
        } else if (o->label == WK_LABEL_REQUIRED || n->label == WK_LABEL_REQUIRED) {
            diff_add(df, WK_CHANGE_FIELD_REQUIRED_CHANGED, path, detail, o->pos, n->pos, &os, &ns);
        } else if (!oneof_moved) {
            /* A oneof member has presence: joining or leaving one says so already. */
            diff_add(df, WK_CHANGE_FIELD_PRESENCE_CHANGED, path, detail, o->pos, n->pos, &os, &ns);
        }
    } else if (o->label == WK_LABEL_REPEATED && o->packed != n->packed && !o->is_map) {
        diff_add(df, WK_CHANGE_FIELD_PACKING_CHANGED, path,
                 diff_printf(df, "%s -> %s", o->packed ? "packed" : "unpacked", n->packed ? "packed" : "unpacked"),
                 o->pos, n->pos, &os, &ns);
    }
    const char *od = o->default_value, *nd = n->default_value;
    if ((od || nd) && (!od || !nd || strcmp(od, nd) != 0))
        diff_add(df, WK_CHANGE_DEFAULT_CHANGED, path,
                 diff_printf(df, "default %s -> %s", od ? od : "(none)", nd ? nd : "(none)"), o->pos, n->pos, &os,
                 &ns);
    diff_options(df, path, o->options, o->option_count, o->pos, n->options, n->option_count, n->pos);
}

static bool diff_in_ranges(const wk_range *r, size_t n, int64_t number)
{
    for (size_t i = 0; i < n; i++)
        if (number >= r[i].start && number <= r[i].end) return true;
    return false;
}

static bool diff_in_names(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0) return true;
    return false;
}

/* Whether every number of range r is in the ranges, or one of the numbers given. */
static bool diff_range_covered(wk_range r, const wk_range *ranges, size_t n, const int64_t *extra,
                               size_t extra_count)
{
    int64_t x = r.start;
    while (x <= r.end) {
        bool found = false;
        for (size_t i = 0; i < n && !found; i++) {
            if (x >= ranges[i].start && x <= ranges[i].end) {
                x = (int64_t)ranges[i].end + 1;
                found = true;
            }
        }
        for (size_t i = 0; i < extra_count && !found; i++) {
            if (extra[i] == x) {
                x++;
                found = true;
            }
        }
        if (!found) return false;
    }
    return true;
}

static void diff_range_text(char *buf, size_t cap, wk_range r)
{
    if (r.start == r.end) snprintf(buf, cap, "%d", r.start);
    else if (r.end == 536870911) snprintf(buf, cap, "%d to max", r.start);
    else snprintf(buf, cap, "%d to %d", r.start, r.end);
}

/*
 * Reserved numbers and names: those the old version reserved and the new
 * one does not (removed), and those the new one reserves anew, other than
 * the numbers and names of what was removed in this step (added).
 */
static void diff_reserved(differ *df, const char *path, const wk_reserved *o, const wk_reserved *n,
                          const wk__spos *o_range_pos, const wk__spos *o_name_pos, const wk__spos *n_range_pos,
                          const wk__spos *n_name_pos, const char *old_file, const char *new_file,
                          wk_source_pos op, wk_source_pos np, const int64_t *gone_numbers, size_t gone_count,
                          const char *const *gone_names, size_t gone_name_count)
{
    char text[64];
    for (size_t i = 0; i < o->range_count; i++) {
        if (diff_range_covered(o->ranges[i], n->ranges, n->range_count, NULL, 0)) continue;
        diff_range_text(text, sizeof text, o->ranges[i]);
        wk_source_pos p = o_range_pos ? (wk_source_pos){old_file, o_range_pos[i].line, o_range_pos[i].col} : op;
        diff_add(df, WK_CHANGE_RESERVED_REMOVED, path, diff_printf(df, "reserved %s", text), p, np, NULL, NULL);
    }
    for (size_t i = 0; i < o->name_count; i++) {
        if (diff_in_names(n->names, n->name_count, o->names[i])) continue;
        wk_source_pos p = o_name_pos ? (wk_source_pos){old_file, o_name_pos[i].line, o_name_pos[i].col} : op;
        diff_add(df, WK_CHANGE_RESERVED_REMOVED, path, diff_printf(df, "reserved \"%s\"", o->names[i]), p, np, NULL,
                 NULL);
    }
    for (size_t i = 0; i < n->range_count; i++) {
        if (diff_range_covered(n->ranges[i], o->ranges, o->range_count, gone_numbers, gone_count)) continue;
        diff_range_text(text, sizeof text, n->ranges[i]);
        wk_source_pos p = n_range_pos ? (wk_source_pos){new_file, n_range_pos[i].line, n_range_pos[i].col} : np;
        diff_add(df, WK_CHANGE_RESERVED_ADDED, path, diff_printf(df, "reserved %s", text), op, p, NULL, NULL);
    }
    for (size_t i = 0; i < n->name_count; i++) {
        if (diff_in_names(o->names, o->name_count, n->names[i]) ||
            diff_in_names(gone_names, gone_name_count, n->names[i]))
            continue;
        wk_source_pos p = n_name_pos ? (wk_source_pos){new_file, n_name_pos[i].line, n_name_pos[i].col} : np;
        diff_add(df, WK_CHANGE_RESERVED_ADDED, path, diff_printf(df, "reserved \"%s\"", n->names[i]), op, p, NULL,
                 NULL);
    }
}

/* A field by its declared name (not its JSON name), or NULL. */
static const wk_field_def *diff_field_named(const wk_message_def *m, const char *name)
{
    for (size_t i = 0; i < m->field_count; i++)
        if (strcmp(m->fields[i].name, name) == 0) return &m->fields[i];
    return NULL;
}

static void diff_message_pair(differ *df, const wk_message_def *om, const wk_message_def *nm)
{
    const wk__message *iom = (const wk__message *)om, *inm = (const wk__message *)nm;
    bool *taken = calloc(nm->field_count + 1, sizeof *taken);
    int64_t *gone = calloc(om->field_count + 1, sizeof *gone);
    const char **gone_names = calloc(om->field_count + 1, sizeof *gone_names);
    size_t gone_count = 0;
    if (!taken || !gone || !gone_names) {
        df->nomem = true;
        goto done;
    }
    for (size_t i = 0; i < om->field_count; i++) {
        const wk_field_def *o = &om->fields[i];
        const wk_field_def *n = wk_message_field(nm, o->number);
        if (!n) {
            /* The name on a field of a number the old version did not use: renumbered. */
            const wk_field_def *by_name = diff_field_named(nm, o->name);
            if (by_name && !wk_message_field(om, by_name->number)) {
                taken[by_name - nm->fields] = true;
                wk__diff_side os = {o, o->enum_def, NULL}, ns = {by_name, by_name->enum_def, NULL};
                diff_add(df, WK_CHANGE_FIELD_RENUMBERED, diff_printf(df, "%s.%s", nm->full_name, o->name),
                         diff_printf(df, "number %u -> %u", o->number, by_name->number), o->pos, by_name->pos, &os,
                         &ns);
                diff_field_pair(df, nm, o, by_name);
                continue;
            }
            bool number_kept = diff_in_ranges(nm->reserved.ranges, nm->reserved.range_count, o->number);
            bool name_kept = diff_in_names(nm->reserved.names, nm->reserved.name_count, o->name);
            gone[gone_count] = o->number;
            gone_names[gone_count++] = o->name;
            wk__diff_side os = {o, o->enum_def, NULL};
            const char *detail = diff_printf(df, "%s %s = %u%s", diff_label_name(o->label), o->name, o->number,
                                             number_kept && name_kept ? ", number and name reserved"
                                             : number_kept            ? ", number reserved, name not"
                                             : name_kept              ? ", name reserved, number not"
                                                                      : ", not reserved");
            diff_add(df, number_kept && name_kept ? WK_CHANGE_FIELD_REMOVED_RESERVED : WK_CHANGE_FIELD_REMOVED,
                     diff_printf(df, "%s.%s", om->full_name, o->name), detail, o->pos, diff_nowhere, &os, NULL);
            continue;
        }
        taken[n - nm->fields] = true;
        diff_field_pair(df, nm, o, n);
    }
    for (size_t j = 0; j < nm->field_count; j++) {
        if (taken[j]) continue;
        const wk_field_def *n = &nm->fields[j];
        char t[400];
        diff_type_text(n, t, sizeof t);
        wk__diff_side ns = {n, n->enum_def, NULL};
        diff_add(df, WK_CHANGE_FIELD_ADDED, diff_printf(df, "%s.%s", nm->full_name, n->name),
                 diff_printf(df, "%s %s %s = %u", diff_label_name(n->label), t, n->name, n->number), diff_nowhere,
                 n->pos, NULL, &ns);
    }
    /* Oneofs that kept their members under another name. */
    for (size_t i = 0; i < om->oneof_count; i++) {
        const wk_oneof_def *oo = &om->oneofs[i];
        if (oo->synthetic || oo->field_count == 0) continue;
        for (size_t j = 0; j < nm->oneof_count; j++) {
            const wk_oneof_def *no = &nm->oneofs[j];
            if (no->synthetic || !diff_same_members(oo, no)) continue;
            if (strcmp(oo->name, no->name) != 0)
                diff_add(df, WK_CHANGE_ONEOF_RENAMED, diff_printf(df, "%s.%s", nm->full_name, no->name),
                         diff_printf(df, "oneof %s -> %s", oo->name, no->name), oo->pos, no->pos, NULL, NULL);
            break;
        }
    }
    diff_reserved(df, nm->full_name, &om->reserved, &nm->reserved, iom->reserved_range_pos, iom->reserved_name_pos,
                  inm->reserved_range_pos, inm->reserved_name_pos, om->pos.file, nm->pos.file, om->pos, nm->pos, gone,
                  gone_count, gone_names, gone_count);
    diff_options(df, nm->full_name, om->options, om->option_count, om->pos, nm->options, nm->option_count, nm->pos);
done:
    free(taken);
    free(gone);
    free(gone_names);
}

/* ------------------------------------------------------------------ */
/* Enums                                                               */
/* ------------------------------------------------------------------ */

static const wk_enum_value_def *diff_value_named(const wk_enum_def *e, const char *name)
{
    for (size_t i = 0; i < e->value_count; i++)
        if (strcmp(e->values[i].name, name) == 0) return &e->values[i];
    return NULL;
}

static const wk_enum_value_def *diff_value_numbered(const wk_enum_def *e, int32_t number)
{
    for (size_t i = 0; i < e->value_count; i++)
        if (e->values[i].number == number) return &e->values[i];
    return NULL;
}

static void diff_enum_pair(differ *df, const wk_enum_def *oe, const wk_enum_def *ne)
{
    const wk__enum *ioe = (const wk__enum *)oe, *ine = (const wk__enum *)ne;
    bool *taken = calloc(ne->value_count + 1, sizeof *taken);
    int64_t *gone = calloc(oe->value_count + 1, sizeof *gone);
    const char **gone_names = calloc(oe->value_count + 1, sizeof *gone_names);
    size_t gone_count = 0;
    if (!taken || !gone || !gone_names) {
        df->nomem = true;
        goto done;
    }
    for (size_t i = 0; i < oe->value_count; i++) {
        const wk_enum_value_def *o = &oe->values[i];
        const wk_enum_value_def *n = diff_value_named(ne, o->name);
        wk__diff_side os = {NULL, oe, o};
        if (n && n->number == o->number) {
            taken[n - ne->values] = true;
            diff_options(df, diff_printf(df, "%s.%s", ne->full_name, n->name), o->options, o->option_count, o->pos,
                         n->options, n->option_count, n->pos);
            continue;
        }
        const wk_enum_value_def *by_number = diff_value_numbered(ne, o->number);
        if (by_number && !diff_value_named(oe, by_number->name) && !taken[by_number - ne->values]) {
            taken[by_number - ne->values] = true;
            wk__diff_side ns = {NULL, ne, by_number};
            diff_add(df, WK_CHANGE_ENUM_VALUE_RENAMED, diff_printf(df, "%s.%s", ne->full_name, by_number->name),
                     diff_printf(df, "name %s -> %s (number %d)", o->name, by_number->name, o->number), o->pos,
                     by_number->pos, &os, &ns);
            continue;
        }
        if (n && !diff_value_numbered(oe, n->number) && !taken[n - ne->values]) {
            taken[n - ne->values] = true;
            wk__diff_side ns = {NULL, ne, n};
            diff_add(df, WK_CHANGE_ENUM_VALUE_RENUMBERED, diff_printf(df, "%s.%s", ne->full_name, n->name),
                     diff_printf(df, "number %d -> %d", o->number, n->number), o->pos, n->pos, &os, &ns);
            continue;
        }
        bool number_kept = diff_in_ranges(ne->reserved.ranges, ne->reserved.range_count, o->number);
        bool name_kept = diff_in_names(ne->reserved.names, ne->reserved.name_count, o->name);
        gone[gone_count] = o->number;
        gone_names[gone_count++] = o->name;
        wk__diff_side ns = {NULL, ne, NULL};
        diff_add(df, number_kept && name_kept ? WK_CHANGE_ENUM_VALUE_REMOVED_RESERVED : WK_CHANGE_ENUM_VALUE_REMOVED,
                 diff_printf(df, "%s.%s", oe->full_name, o->name),
                 diff_printf(df, "%s = %d%s", o->name, o->number,
                             number_kept && name_kept ? ", number and name reserved"
                             : number_kept            ? ", number reserved, name not"
                             : name_kept              ? ", name reserved, number not"
                                                      : ", not reserved"),
                 o->pos, diff_nowhere, &os, &ns);
    }
    for (size_t j = 0; j < ne->value_count; j++) {
        if (taken[j]) continue;
        const wk_enum_value_def *n = &ne->values[j];
        wk__diff_side os = {NULL, oe, NULL}, ns = {NULL, ne, n};
        diff_add(df, WK_CHANGE_ENUM_VALUE_ADDED, diff_printf(df, "%s.%s", ne->full_name, n->name),
                 diff_printf(df, "%s = %d", n->name, n->number), diff_nowhere, n->pos, &os, &ns);
    }
    diff_reserved(df, ne->full_name, &oe->reserved, &ne->reserved, ioe->reserved_range_pos, ioe->reserved_name_pos,
                  ine->reserved_range_pos, ine->reserved_name_pos, oe->pos.file, ne->pos.file, oe->pos, ne->pos, gone,
                  gone_count, gone_names, gone_count);
    diff_options(df, ne->full_name, oe->options, oe->option_count, oe->pos, ne->options, ne->option_count, ne->pos);
done:
    free(taken);
    free(gone);
    free(gone_names);
}

/* ------------------------------------------------------------------ */
/* The whole diff                                                      */
/* ------------------------------------------------------------------ */

static void diff_run(differ *df)
{
    const wk__file *of = (const wk__file *)df->old_file;
    const wk__file *nf = (const wk__file *)df->new_file;
    if (strcmp(df->old_pkg, df->new_pkg) != 0) {
        wk_source_pos op = {of->def.path, of->package_pos.line, of->package_pos.col};
        wk_source_pos np = {nf->def.path, nf->package_pos.line, nf->package_pos.col};
        diff_add(df, WK_CHANGE_PACKAGE_CHANGED, df->new_pkg[0] ? df->new_pkg : "(no package)",
                 diff_printf(df, "package %s -> %s", df->old_pkg[0] ? df->old_pkg : "(none)",
                             df->new_pkg[0] ? df->new_pkg : "(none)"),
                 op, np, NULL, NULL);
    }
    wk_source_pos ofp = {of->def.path, 0, 0}, nfp = {nf->def.path, 0, 0};
    diff_options(df, nf->def.path, of->def.options, of->def.option_count, ofp, nf->def.options,
                 nf->def.option_count, nfp);

    diff_match(df, (const void **)df->om, df->om_count, (const void **)df->nm, df->nm_count,
               (const void **)df->om_match, (const void **)df->nm_match, diff_message_name, diff_message_shape,
               diff_message_worth, diff_message_in_new, diff_message_in_old);
    diff_match(df, (const void **)df->oe, df->oe_count, (const void **)df->ne, df->ne_count,
               (const void **)df->oe_match, (const void **)df->ne_match, diff_enum_name, diff_enum_shape,
               diff_enum_worth, diff_enum_in_new, diff_enum_in_old);
    bool pkg_changed = strcmp(df->old_pkg, df->new_pkg) != 0;

    for (size_t i = 0; i < df->om_count && !df->nomem; i++) {
        const wk_message_def *o = df->om[i], *n = df->om_match[i];
        if (n == o) continue; /* outside the new closure, still in the new schema */
        if (!n) {
            diff_add(df, WK_CHANGE_MESSAGE_REMOVED, o->full_name, diff_printf(df, "message %s", o->full_name), o->pos,
                     diff_nowhere, NULL, NULL);
            continue;
        }
        bool moved = strcmp(o->full_name, n->full_name) != 0 &&
                     !(pkg_changed && strcmp(diff_relative(o->full_name, df->old_pkg),
                                             diff_relative(n->full_name, df->new_pkg)) == 0);
        if (moved)
            diff_add(df, WK_CHANGE_MESSAGE_MOVED, n->full_name,
                     diff_printf(df, "%s -> %s", o->full_name, n->full_name), o->pos, n->pos, NULL, NULL);
        diff_message_pair(df, o, n);
    }
    for (size_t j = 0; j < df->nm_count && !df->nomem; j++)
        if (!df->nm_match[j])
            diff_add(df, WK_CHANGE_MESSAGE_ADDED, df->nm[j]->full_name,
                     diff_printf(df, "message %s", df->nm[j]->full_name), diff_nowhere, df->nm[j]->pos, NULL, NULL);

    for (size_t i = 0; i < df->oe_count && !df->nomem; i++) {
        const wk_enum_def *o = df->oe[i], *n = df->oe_match[i];
        if (n == o) continue;
        if (!n) {
            diff_add(df, WK_CHANGE_ENUM_REMOVED, o->full_name, diff_printf(df, "enum %s", o->full_name), o->pos,
                     diff_nowhere, NULL, NULL);
            continue;
        }
        bool moved = strcmp(o->full_name, n->full_name) != 0 &&
                     !(pkg_changed && strcmp(diff_relative(o->full_name, df->old_pkg),
                                             diff_relative(n->full_name, df->new_pkg)) == 0);
        if (moved)
            diff_add(df, WK_CHANGE_ENUM_MOVED, n->full_name, diff_printf(df, "%s -> %s", o->full_name, n->full_name),
                     o->pos, n->pos, NULL, NULL);
        diff_enum_pair(df, o, n);
    }
    for (size_t j = 0; j < df->ne_count && !df->nomem; j++)
        if (!df->ne_match[j])
            diff_add(df, WK_CHANGE_ENUM_ADDED, df->ne[j]->full_name, diff_printf(df, "enum %s", df->ne[j]->full_name),
                     diff_nowhere, df->ne[j]->pos, NULL, NULL);
}

static void differ_free(differ *df)
{
    free(df->om);
    free(df->nm);
    free(df->om_match);
    free(df->nm_match);
    free(df->oe);
    free(df->ne);
    free(df->oe_match);
    free(df->ne_match);
}

wk_code wk_schema_diff(const wk_schema *old_schema, const wk_schema *new_schema, const wk_diff_opts *opts,
                       wk_diff **out, wk_status *st)
{
    if (!old_schema || !new_schema || !out)
        return wk__fail(st, WK_ERR_INVALID, 0, "wk_schema_diff: both schemas and the output are required");
    const char *type = opts ? opts->type : NULL;
    const wk_message_def *old_root = NULL, *new_root = NULL;
    if (type) {
        old_root = wk_schema_message(old_schema, type);
        new_root = wk_schema_message(new_schema, type);
        if (!old_root || !new_root)
            return wk__fail(st, WK_ERR_NOT_FOUND, 0, "no message named '%.100s' in the %s schema%s", type,
                            !old_root && !new_root ? "old or the new" : !old_root ? "old" : "new",
                            " (a short name must belong to one message only)");
    }
    differ df;
    memset(&df, 0, sizeof df);
    wk_diff *d = calloc(1, sizeof *d);
    if (!d || !(d->arena = wk_arena_new(0))) {
        free(d);
        return wk__fail(st, WK_ERR_NOMEM, 0, "out of memory");
    }
    df.d = d;
    df.old_schema = old_schema;
    df.new_schema = new_schema;
    df.type = type;
    df.old_file = old_root ? old_root->file : wk_schema_main_file(old_schema);
    df.new_file = new_root ? new_root->file : wk_schema_main_file(new_schema);
    df.old_pkg = df.old_file->package;
    df.new_pkg = df.new_file->package;
    if (type) {
        diff_collect_closure(&df, true, old_root);
        diff_collect_closure(&df, false, new_root);
    } else {
        diff_collect_all(&df, true, old_schema);
        diff_collect_all(&df, false, new_schema);
    }
    if (!df.nomem) {
        df.om_match = calloc(df.om_count + 1, sizeof *df.om_match);
        df.nm_match = calloc(df.nm_count + 1, sizeof *df.nm_match);
        df.oe_match = calloc(df.oe_count + 1, sizeof *df.oe_match);
        df.ne_match = calloc(df.ne_count + 1, sizeof *df.ne_match);
        df.nomem = !df.om_match || !df.nm_match || !df.oe_match || !df.ne_match;
    }
    if (!df.nomem) diff_run(&df);
    differ_free(&df);
    if (df.nomem) {
        wk_diff_free(d);
        return wk__fail(st, WK_ERR_NOMEM, 0, "out of memory");
    }
    *out = d;
    wk__ok(st);
    return WK_OK;
}
