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
 *
 * Schemas run to tens of thousands of definitions, so no step scans one
 * list for each element of another: lookups by name, shape and pointer go
 * through hash indexes (diff_index.c), those within a message or enum
 * through sorted copies. The time is near-linear in the schemas' size.
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
    /* Each list's definitions by pointer: the duplicate check of the
     * closure, and an old definition's position for its match. */
    wk__diff_index om_index, nm_index, oe_index, ne_index;
    /* Comparing a closure: each schema's messages and enums by name suffix (diff_in_schema). */
    struct diff_suffixes *suffixes[2][2];   /* [old or new schema][message or enum] */
} differ;

/*
 * Every dotted suffix of the full names of a schema's messages (or enums):
 * "acme.Order.Item" gives "acme.Order.Item", "Order.Item" and "Item".
 */
typedef struct diff_suffixes {
    const char **names;
    size_t count, cap;
    wk__diff_index index;
} diff_suffixes;

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

typedef struct diff_find_ptr {
    const void *const *list;
    const void *def;
} diff_find_ptr;

static wk__diff_verdict diff_is_ptr(const void *ctx, size_t item)
{
    const diff_find_ptr *f = ctx;
    return f->list[item] == f->def ? WK__DIFF_TAKE : WK__DIFF_SKIP;
}

/* Where def is in a list, or SIZE_MAX. */
static size_t diff_position(wk__diff_index *index, const void *const *list, const void *def)
{
    diff_find_ptr f = {list, def};
    return wk__diff_index_find(index, wk__diff_hash_ptr(def), diff_is_ptr, &f);
}

/* Adds def to a list unless it is there already. */
static bool diff_push(differ *df, const void ***list, size_t *count, size_t *cap, wk__diff_index *index,
                      const void *def)
{
    if (diff_position(index, *list, def) != SIZE_MAX) return true;
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
    if (!wk__diff_index_add(index, wk__diff_hash_ptr(def), *count)) {
        df->nomem = true;
        return false;
    }
    (*list)[(*count)++] = def;
    return true;
}

#define DIFF_PUSH_MESSAGE(df, old, m)                                                                        \
    ((old) ? diff_push(df, (const void ***)&(df)->om, &(df)->om_count, &(df)->om_cap, &(df)->om_index, m)   \
           : diff_push(df, (const void ***)&(df)->nm, &(df)->nm_count, &(df)->nm_cap, &(df)->nm_index, m))
#define DIFF_PUSH_ENUM(df, old, e)                                                                           \
    ((old) ? diff_push(df, (const void ***)&(df)->oe, &(df)->oe_count, &(df)->oe_cap, &(df)->oe_index, e)   \
           : diff_push(df, (const void ***)&(df)->ne, &(df)->ne_count, &(df)->ne_cap, &(df)->ne_index, e))

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

/* How a definition of list b is looked for: the key of each pass of diff_match. */
typedef enum diff_key { DIFF_BY_NAME, DIFF_BY_RELATIVE, DIFF_BY_SHAPE_AND_SHORT, DIFF_BY_SHAPE } diff_key;

/* The two lists matched and the callbacks that tell their definitions apart. */
typedef struct diff_matching {
    differ *df;
    const void **a, **b, **a_match, **b_match;
    size_t an, bn;
    const char *(*full_name)(const void *);
    bool (*same_shape)(const void *, const void *);
    uint64_t (*shape_hash)(const void *);
    bool (*worth_moving)(const void *);
} diff_matching;

/* One lookup in list b: what is looked for, and how. */
typedef struct diff_probe {
    const diff_matching *mt;
    diff_key by;
    const char *name;   /* the full, relative or short name looked for */
    const void *def;    /* the definition of list a whose shape is looked for */
} diff_probe;

static const char *diff_key_name(const diff_matching *mt, diff_key by, bool old, const void *def)
{
    const char *full = mt->full_name(def);
    if (by == DIFF_BY_NAME) return full;
    if (by == DIFF_BY_RELATIVE) return diff_relative(full, old ? mt->df->old_pkg : mt->df->new_pkg);
    return diff_short(full);
}

static uint64_t diff_key_hash(const diff_matching *mt, diff_key by, bool old, const void *def)
{
    uint64_t h = by == DIFF_BY_NAME || by == DIFF_BY_RELATIVE ? WK__DIFF_HASH_SEED : mt->shape_hash(def);
    if (by == DIFF_BY_SHAPE) return h;
    return wk__diff_hash_str(h, diff_key_name(mt, by, old, def));
}

static wk__diff_verdict diff_probe_judge(const void *ctx, size_t j)
{
    const diff_probe *p = ctx;
    const diff_matching *mt = p->mt;
    if (mt->b_match[j]) return WK__DIFF_DROP;
    if (p->by != DIFF_BY_SHAPE && strcmp(p->name, diff_key_name(mt, p->by, false, mt->b[j])) != 0)
        return WK__DIFF_SKIP;
    if ((p->by == DIFF_BY_SHAPE_AND_SHORT || p->by == DIFF_BY_SHAPE) && !mt->same_shape(p->def, mt->b[j]))
        return WK__DIFF_SKIP;
    return WK__DIFF_TAKE;
}

/* The first unmatched definition of list b with the key of a[i], or SIZE_MAX. */
static size_t diff_probe_find(const diff_matching *mt, wk__diff_index *index, diff_key by, size_t i)
{
    diff_probe p = {mt, by, by == DIFF_BY_SHAPE ? NULL : diff_key_name(mt, by, true, mt->a[i]), mt->a[i]};
    return wk__diff_index_find(index, diff_key_hash(mt, by, true, mt->a[i]), diff_probe_judge, &p);
}

/* The unmatched definitions of list b by a key, in list order. */
static bool diff_index_unmatched(const diff_matching *mt, diff_key by, wk__diff_index *index)
{
    for (size_t j = 0; j < mt->bn; j++)
        if (!mt->b_match[j] && !wk__diff_index_add(index, diff_key_hash(mt, by, false, mt->b[j]), j))
            return false;
    return true;
}

static void diff_pair(const diff_matching *mt, size_t i, size_t j)
{
    mt->a_match[i] = mt->b[j];
    mt->b_match[j] = mt->a[i];
}

/*
 * Matches list a against list b by full name, then by relative name, then
 * by shape (same_shape on unmatched pairs); a_match[i] and b_match[j] get
 * the partner or NULL. Each definition of a, in order, takes the first
 * unmatched one of b (in order) that fits; by shape, one with the same short
 * name wins over the first one found. The lookups go through indexes of b
 * by each key, which hold the same candidates in the same order as a scan
 * of b would meet them.
 */
static void diff_match(diff_matching *mt, bool (*in_new)(differ *, const void *),
                       bool (*in_old)(differ *, const void *))
{
    differ *df = mt->df;
    wk__diff_index index;
    memset(&index, 0, sizeof index);
    if (!diff_index_unmatched(mt, DIFF_BY_NAME, &index)) goto nomem;
    for (size_t i = 0; i < mt->an; i++) {
        if (mt->a_match[i]) continue;
        size_t j = diff_probe_find(mt, &index, DIFF_BY_NAME, i);
        if (j != SIZE_MAX) diff_pair(mt, i, j);
    }
    wk__diff_index_free(&index);

    if (strcmp(df->old_pkg, df->new_pkg) != 0) {
        if (!diff_index_unmatched(mt, DIFF_BY_RELATIVE, &index)) goto nomem;
        for (size_t i = 0; i < mt->an; i++) {
            if (mt->a_match[i]) continue;
            size_t j = diff_probe_find(mt, &index, DIFF_BY_RELATIVE, i);
            if (j != SIZE_MAX) diff_pair(mt, i, j);
        }
        wk__diff_index_free(&index);
    }

    /*
     * Comparing one type's closure, a definition outside one side's
     * closure may still be in that schema (no longer used, or newly
     * used): it is neither removed, added nor moved, and is marked as
     * matched with itself so that no later pass pairs it.
     */
    for (size_t i = 0; i < mt->an; i++)
        if (!mt->a_match[i] && in_new(df, mt->a[i])) mt->a_match[i] = mt->a[i];
    for (size_t j = 0; j < mt->bn; j++)
        if (!mt->b_match[j] && in_old(df, mt->b[j])) mt->b_match[j] = mt->b[j];

    wk__diff_index by_shape;
    memset(&by_shape, 0, sizeof by_shape);
    if (!diff_index_unmatched(mt, DIFF_BY_SHAPE_AND_SHORT, &index) ||
        !diff_index_unmatched(mt, DIFF_BY_SHAPE, &by_shape)) {
        wk__diff_index_free(&by_shape);
        goto nomem;
    }
    for (size_t i = 0; i < mt->an; i++) {
        if (mt->a_match[i]) continue;
        size_t j = diff_probe_find(mt, &index, DIFF_BY_SHAPE_AND_SHORT, i);
        if (j == SIZE_MAX && mt->worth_moving(mt->a[i])) j = diff_probe_find(mt, &by_shape, DIFF_BY_SHAPE, i);
        if (j != SIZE_MAX) diff_pair(mt, i, j);
    }
    wk__diff_index_free(&by_shape);
    wk__diff_index_free(&index);
    return;
nomem:
    wk__diff_index_free(&index);
    df->nomem = true;
}

static const char *diff_message_name(const void *m) { return ((const wk_message_def *)m)->full_name; }
static const char *diff_enum_name(const void *e) { return ((const wk_enum_def *)e)->full_name; }
static bool diff_message_shape(const void *a, const void *b) { return wk__diff_same_shape(a, b); }
static bool diff_enum_shape(const void *a, const void *b) { return diff_same_values(a, b); }

static uint64_t diff_hash_u32(uint64_t h, uint32_t v) { return wk__diff_hash(h, &v, sizeof v); }

/*
 * A hash of what wk__diff_same_shape compares, so that messages of one
 * shape have one hash: the fields' numbers, names, types, labels and map
 * flags, and the short names of the types they refer to (a loaded schema
 * has the message or enum of every field of that type). A map's entry is
 * left out: that function lets an entry of another name pass on its shape.
 */
static uint64_t diff_message_shape_hash(const void *def)
{
    const wk_message_def *m = def;
    uint64_t h = wk__diff_hash(WK__DIFF_HASH_SEED, &m->field_count, sizeof m->field_count);
    for (size_t i = 0; i < m->field_count; i++) {
        const wk_field_def *f = &m->fields[i];
        h = diff_hash_u32(h, f->number);
        h = diff_hash_u32(h, (uint32_t)f->type);
        h = diff_hash_u32(h, (uint32_t)f->label);
        h = diff_hash_u32(h, f->is_map);
        h = wk__diff_hash_str(h, f->name);
        if (f->message && !f->is_map) h = wk__diff_hash_str(h, diff_short(f->message->full_name));
        if (f->enum_def) h = wk__diff_hash_str(h, diff_short(f->enum_def->full_name));
    }
    return h;
}

/* A hash of what diff_same_values compares: the values' numbers and names, in order. */
static uint64_t diff_enum_shape_hash(const void *def)
{
    const wk_enum_def *e = def;
    uint64_t h = wk__diff_hash(WK__DIFF_HASH_SEED, &e->value_count, sizeof e->value_count);
    for (size_t i = 0; i < e->value_count; i++) {
        h = diff_hash_u32(h, (uint32_t)e->values[i].number);
        h = wk__diff_hash_str(h, e->values[i].name);
    }
    return h;
}
/* An empty message (or enum) has the shape of every other empty one: never "moved" by shape alone. */

static bool diff_suffix_add(diff_suffixes *sx, const char *name)
{
    if (sx->count == sx->cap) {
        size_t n = sx->cap ? sx->cap * 2 : 64;
        const char **grown = realloc(sx->names, n * sizeof *grown);
        if (!grown) return false;
        sx->names = grown;
        sx->cap = n;
    }
    if (!wk__diff_index_add(&sx->index, wk__diff_hash_str(WK__DIFF_HASH_SEED, name), sx->count)) return false;
    sx->names[sx->count++] = name;
    return true;
}

static diff_suffixes *diff_suffixes_new(const wk_schema *s, bool enums)
{
    diff_suffixes *sx = calloc(1, sizeof *sx);
    size_t n = enums ? s->enum_count : s->message_count;
    for (size_t i = 0; sx && i < n; i++) {
        const char *full = enums ? s->enums[i]->def.full_name : s->messages[i]->def.full_name;
        bool ok = diff_suffix_add(sx, full);
        for (const char *dot = strchr(full, '.'); ok && dot; dot = strchr(dot + 1, '.'))
            ok = diff_suffix_add(sx, dot + 1);
        if (!ok) {
            free(sx->names);
            wk__diff_index_free(&sx->index);
            free(sx);
            sx = NULL;
        }
    }
    return sx;
}

typedef struct diff_suffix_count {
    const diff_suffixes *sx;
    const char *name;
    size_t *found;
} diff_suffix_count;

static wk__diff_verdict diff_suffix_judge(const void *ctx, size_t item)
{
    const diff_suffix_count *c = ctx;
    if (strcmp(c->sx->names[item], c->name) != 0) return WK__DIFF_SKIP;
    /* Two are enough to know the name is not unique. */
    return ++*c->found == 2 ? WK__DIFF_TAKE : WK__DIFF_SKIP;
}

/*
 * Whether wk_schema_message (or wk_schema_enum) finds a definition by this
 * name in one of the schemas: by full name, or else by a name suffix that
 * one definition only has. The same answer without its scan of every
 * definition for each name that is not a full name there.
 */
static bool diff_in_schema(differ *df, bool old, bool enums, const char *name)
{
    const wk_schema *s = old ? df->old_schema : df->new_schema;
    bool absolute = name[0] == '.';
    if (absolute) name++;
    size_t n = strlen(name);
    const wk__symbol *sym = wk__symtab_find(&s->symbols, name, n);
    if (sym && sym->kind == (enums ? WK__SYM_ENUM : WK__SYM_MESSAGE)) return true;
    if (absolute || n == 0) return false;
    diff_suffixes **sx = &df->suffixes[old][enums];
    if (!*sx && !(*sx = diff_suffixes_new(s, enums))) {
        df->nomem = true;
        return false;
    }
    size_t found = 0;
    diff_suffix_count c = {*sx, name, &found};
    wk__diff_index_find(&(*sx)->index, wk__diff_hash_str(WK__DIFF_HASH_SEED, name), diff_suffix_judge, &c);
    return found == 1;
}

static bool diff_message_in_new(differ *df, const void *m)
{
    return df->type && diff_in_schema(df, false, false, diff_message_name(m));
}
static bool diff_message_in_old(differ *df, const void *m)
{
    return df->type && diff_in_schema(df, true, false, diff_message_name(m));
}
static bool diff_enum_in_new(differ *df, const void *e)
{
    return df->type && diff_in_schema(df, false, true, diff_enum_name(e));
}
static bool diff_enum_in_old(differ *df, const void *e)
{
    return df->type && diff_in_schema(df, true, true, diff_enum_name(e));
}
static bool diff_message_worth(const void *m) { return ((const wk_message_def *)m)->field_count > 0; }
static bool diff_enum_worth(const void *e) { return ((const wk_enum_def *)e)->value_count > 0; }

/* The new message matched with an old one, or NULL. */
static const wk_message_def *diff_new_message_of(differ *df, const wk_message_def *old)
{
    size_t i = diff_position(&df->om_index, (const void *const *)df->om, old);
    return i != SIZE_MAX ? df->om_match[i] : NULL;
}

static const wk_enum_def *diff_new_enum_of(differ *df, const wk_enum_def *old)
{
    size_t i = diff_position(&df->oe_index, (const void *const *)df->oe, old);
    return i != SIZE_MAX ? df->oe_match[i] : NULL;
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
static bool diff_same_type(differ *df, const wk_field_def *o, const wk_field_def *n)
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

/*
 * Whether two oneofs have the same members, by number. Each member of a is
 * looked up by number in b's message (its fields are sorted by number)
 * rather than among b's members, which for every field of a big oneof
 * would be cubic in its size.
 */
static bool diff_same_members(const wk_oneof_def *a, const wk_oneof_def *b)
{
    if (a->field_count != b->field_count) return false;
    if (a->field_count == 0) return true;
    const wk_message_def *bm = b->fields[0]->containing;
    for (size_t i = 0; i < a->field_count; i++) {
        const wk_field_def *f = bm ? wk_message_field(bm, a->fields[i]->number) : NULL;
        if (!f || f->oneof_index < 0 || (size_t)f->oneof_index >= bm->oneof_count ||
            &bm->oneofs[f->oneof_index] != b)
            return false;
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

/*
 * Reserved numbers and names (with the numbers and names of removed fields
 * or values, where those count as reserved) in a form to look up: the
 * numbers as sorted disjoint spans, the names sorted. A message may reserve
 * thousands of numbers and names and drop thousands of fields; scanning the
 * lists for each would be quadratic.
 */
typedef struct diff_span {
    int64_t start, end;
} diff_span;

typedef struct diff_reserved_set {
    diff_span *spans;
    size_t span_count;
    const char **names;
    size_t name_count;
} diff_reserved_set;

static int diff_span_cmp(const void *x, const void *y)
{
    const diff_span *a = x, *b = y;
    return (a->start > b->start) - (a->start < b->start);
}

static int diff_name_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static void diff_reserved_set_free(diff_reserved_set *rs)
{
    free(rs->spans);
    free(rs->names);
    memset(rs, 0, sizeof *rs);
}

/* The reserved numbers and names of r, and the numbers and names given; false when out of memory. */
static bool diff_reserved_set_init(diff_reserved_set *rs, const wk_reserved *r, const int64_t *numbers,
                                   size_t number_count, const char *const *names, size_t name_count)
{
    memset(rs, 0, sizeof *rs);
    size_t spans = r->range_count + number_count, all_names = r->name_count + name_count;
    if ((spans && !(rs->spans = malloc(spans * sizeof *rs->spans))) ||
        (all_names && !(rs->names = malloc(all_names * sizeof *rs->names)))) {
        diff_reserved_set_free(rs);
        return false;
    }
    size_t n = 0;
    for (size_t i = 0; i < r->range_count; i++)
        if (r->ranges[i].start <= r->ranges[i].end)
            rs->spans[n++] = (diff_span){r->ranges[i].start, r->ranges[i].end};
    for (size_t i = 0; i < number_count; i++) rs->spans[n++] = (diff_span){numbers[i], numbers[i]};
    if (n) qsort(rs->spans, n, sizeof *rs->spans, diff_span_cmp);
    /* Overlapping and adjacent spans merge: a range is covered when one span holds it. */
    size_t merged = 0;
    for (size_t i = 0; i < n; i++) {
        if (merged && rs->spans[i].start <= rs->spans[merged - 1].end + 1) {
            if (rs->spans[i].end > rs->spans[merged - 1].end) rs->spans[merged - 1].end = rs->spans[i].end;
        } else {
            rs->spans[merged++] = rs->spans[i];
        }
    }
    rs->span_count = merged;
    for (size_t i = 0; i < r->name_count; i++) rs->names[rs->name_count++] = r->names[i];
    for (size_t i = 0; i < name_count; i++) rs->names[rs->name_count++] = names[i];
    if (rs->name_count) qsort(rs->names, rs->name_count, sizeof *rs->names, diff_name_cmp);
    return true;
}

/* The span that holds number, or NULL. */
static const diff_span *diff_span_of(const diff_reserved_set *rs, int64_t number)
{
    size_t lo = 0, hi = rs->span_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (rs->spans[mid].start <= number) lo = mid + 1;
        else hi = mid;
    }
    return lo && number <= rs->spans[lo - 1].end ? &rs->spans[lo - 1] : NULL;
}

static bool diff_reserves_number(const diff_reserved_set *rs, int64_t number)
{
    return diff_span_of(rs, number) != NULL;
}

/* Whether every number of range r is reserved (an empty range is). */
static bool diff_reserves_range(const diff_reserved_set *rs, wk_range r)
{
    if (r.start > r.end) return true;
    const diff_span *s = diff_span_of(rs, r.start);
    return s && r.end <= s->end;
}

static bool diff_reserves_name(const diff_reserved_set *rs, const char *name)
{
    return rs->name_count && bsearch(&name, rs->names, rs->name_count, sizeof *rs->names, diff_name_cmp);
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
                          const diff_reserved_set *n_set, const wk__spos *o_range_pos, const wk__spos *o_name_pos,
                          const wk__spos *n_range_pos, const wk__spos *n_name_pos, const char *old_file,
                          const char *new_file, wk_source_pos op, wk_source_pos np, const int64_t *gone_numbers,
                          size_t gone_count, const char *const *gone_names, size_t gone_name_count)
{
    /* The old reserved numbers and names with those removed in this step. */
    diff_reserved_set o_set;
    if (!diff_reserved_set_init(&o_set, o, gone_numbers, gone_count, gone_names, gone_name_count)) {
        df->nomem = true;
        return;
    }
    char text[64];
    for (size_t i = 0; i < o->range_count; i++) {
        if (diff_reserves_range(n_set, o->ranges[i])) continue;
        diff_range_text(text, sizeof text, o->ranges[i]);
        wk_source_pos p = o_range_pos ? (wk_source_pos){old_file, o_range_pos[i].line, o_range_pos[i].col} : op;
        diff_add(df, WK_CHANGE_RESERVED_REMOVED, path, diff_printf(df, "reserved %s", text), p, np, NULL, NULL);
    }
    for (size_t i = 0; i < o->name_count; i++) {
        if (diff_reserves_name(n_set, o->names[i])) continue;
        wk_source_pos p = o_name_pos ? (wk_source_pos){old_file, o_name_pos[i].line, o_name_pos[i].col} : op;
        diff_add(df, WK_CHANGE_RESERVED_REMOVED, path, diff_printf(df, "reserved \"%s\"", o->names[i]), p, np, NULL,
                 NULL);
    }
    for (size_t i = 0; i < n->range_count; i++) {
        if (diff_reserves_range(&o_set, n->ranges[i])) continue;
        diff_range_text(text, sizeof text, n->ranges[i]);
        wk_source_pos p = n_range_pos ? (wk_source_pos){new_file, n_range_pos[i].line, n_range_pos[i].col} : np;
        diff_add(df, WK_CHANGE_RESERVED_ADDED, path, diff_printf(df, "reserved %s", text), op, p, NULL, NULL);
    }
    for (size_t i = 0; i < n->name_count; i++) {
        if (diff_reserves_name(&o_set, n->names[i])) continue;
        wk_source_pos p = n_name_pos ? (wk_source_pos){new_file, n_name_pos[i].line, n_name_pos[i].col} : np;
        diff_add(df, WK_CHANGE_RESERVED_ADDED, path, diff_printf(df, "reserved \"%s\"", n->names[i]), op, p, NULL,
                 NULL);
    }
    diff_reserved_set_free(&o_set);
}

/* Field pointers by declared name (not JSON name), equal names in field order. */
static int diff_field_name_cmp(const void *x, const void *y)
{
    const wk_field_def *a = *(const wk_field_def *const *)x, *b = *(const wk_field_def *const *)y;
    int c = strcmp(a->name, b->name);
    return c ? c : (a > b) - (a < b);
}

/* A message's fields sorted by name; NULL when out of memory. */
static const wk_field_def **diff_fields_by_name(const wk_message_def *m)
{
    const wk_field_def **sorted = malloc((m->field_count + 1) * sizeof *sorted);
    if (!sorted) return NULL;
    for (size_t i = 0; i < m->field_count; i++) sorted[i] = &m->fields[i];
    qsort(sorted, m->field_count, sizeof *sorted, diff_field_name_cmp);
    return sorted;
}

/* The first field of that name (in field order) among fields sorted by name, or NULL. */
static const wk_field_def *diff_field_named(const wk_field_def *const *sorted, size_t count, const char *name)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(sorted[mid]->name, name) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo < count && strcmp(sorted[lo]->name, name) == 0 ? sorted[lo] : NULL;
}

static void diff_message_pair(differ *df, const wk_message_def *om, const wk_message_def *nm)
{
    const wk__message *iom = (const wk__message *)om, *inm = (const wk__message *)nm;
    bool *taken = calloc(nm->field_count + 1, sizeof *taken);
    int64_t *gone = calloc(om->field_count + 1, sizeof *gone);
    const char **gone_names = calloc(om->field_count + 1, sizeof *gone_names);
    const wk_field_def **by_names = NULL;   /* nm's fields by name, sorted at the first number gone */
    size_t gone_count = 0;
    diff_reserved_set n_set;
    if (!taken || !gone || !gone_names || !diff_reserved_set_init(&n_set, &nm->reserved, NULL, 0, NULL, 0)) {
        df->nomem = true;
        free(taken);
        free(gone);
        free(gone_names);
        return;
    }
    for (size_t i = 0; i < om->field_count; i++) {
        const wk_field_def *o = &om->fields[i];
        const wk_field_def *n = wk_message_field(nm, o->number);
        if (!n) {
            if (!by_names && !(by_names = diff_fields_by_name(nm))) {
                df->nomem = true;
                goto done;
            }
            /* The name on a field of a number the old version did not use: renumbered. */
            const wk_field_def *by_name = diff_field_named(by_names, nm->field_count, o->name);
            if (by_name && !wk_message_field(om, by_name->number)) {
                taken[by_name - nm->fields] = true;
                wk__diff_side os = {o, o->enum_def, NULL}, ns = {by_name, by_name->enum_def, NULL};
                diff_add(df, WK_CHANGE_FIELD_RENUMBERED, diff_printf(df, "%s.%s", nm->full_name, o->name),
                         diff_printf(df, "number %u -> %u", o->number, by_name->number), o->pos, by_name->pos, &os,
                         &ns);
                diff_field_pair(df, nm, o, by_name);
                continue;
            }
            bool number_kept = diff_reserves_number(&n_set, o->number);
            bool name_kept = diff_reserves_name(&n_set, o->name);
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
    diff_reserved(df, nm->full_name, &om->reserved, &nm->reserved, &n_set, iom->reserved_range_pos,
                  iom->reserved_name_pos, inm->reserved_range_pos, inm->reserved_name_pos, om->pos.file, nm->pos.file,
                  om->pos, nm->pos, gone, gone_count, gone_names, gone_count);
    diff_options(df, nm->full_name, om->options, om->option_count, om->pos, nm->options, nm->option_count, nm->pos);
done:
    diff_reserved_set_free(&n_set);
    free(by_names);
    free(taken);
    free(gone);
    free(gone_names);
}

/* ------------------------------------------------------------------ */
/* Enums                                                               */
/* ------------------------------------------------------------------ */

/*
 * An enum's values sorted by name and by number, equal keys in value order
 * (aliases share a number), so that a pair of big enums is not compared
 * value by value against every value.
 */
typedef struct diff_values {
    const wk_enum_value_def **by_name, **by_number;
    size_t count;
} diff_values;

static int diff_value_name_cmp(const void *x, const void *y)
{
    const wk_enum_value_def *a = *(const wk_enum_value_def *const *)x, *b = *(const wk_enum_value_def *const *)y;
    int c = strcmp(a->name, b->name);
    return c ? c : (a > b) - (a < b);
}

static int diff_value_number_cmp(const void *x, const void *y)
{
    const wk_enum_value_def *a = *(const wk_enum_value_def *const *)x, *b = *(const wk_enum_value_def *const *)y;
    if (a->number != b->number) return (a->number > b->number) - (a->number < b->number);
    return (a > b) - (a < b);
}

static bool diff_values_init(diff_values *v, const wk_enum_def *e)
{
    v->count = e->value_count;
    v->by_name = malloc((2 * e->value_count + 1) * sizeof *v->by_name);
    if (!v->by_name) return false;
    v->by_number = v->by_name + e->value_count;
    for (size_t i = 0; i < e->value_count; i++) v->by_name[i] = v->by_number[i] = &e->values[i];
    qsort(v->by_name, v->count, sizeof *v->by_name, diff_value_name_cmp);
    qsort(v->by_number, v->count, sizeof *v->by_number, diff_value_number_cmp);
    return true;
}

/* The first value of that name, or NULL. */
static const wk_enum_value_def *diff_value_named(const diff_values *v, const char *name)
{
    size_t lo = 0, hi = v->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(v->by_name[mid]->name, name) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo < v->count && strcmp(v->by_name[lo]->name, name) == 0 ? v->by_name[lo] : NULL;
}

/* The first value of that number, or NULL. */
static const wk_enum_value_def *diff_value_numbered(const diff_values *v, int32_t number)
{
    size_t lo = 0, hi = v->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->by_number[mid]->number < number) lo = mid + 1;
        else hi = mid;
    }
    return lo < v->count && v->by_number[lo]->number == number ? v->by_number[lo] : NULL;
}

static void diff_enum_pair(differ *df, const wk_enum_def *oe, const wk_enum_def *ne)
{
    const wk__enum *ioe = (const wk__enum *)oe, *ine = (const wk__enum *)ne;
    bool *taken = calloc(ne->value_count + 1, sizeof *taken);
    int64_t *gone = calloc(oe->value_count + 1, sizeof *gone);
    const char **gone_names = calloc(oe->value_count + 1, sizeof *gone_names);
    size_t gone_count = 0;
    diff_values ov = {NULL, NULL, 0}, nv = {NULL, NULL, 0};
    diff_reserved_set n_set;
    memset(&n_set, 0, sizeof n_set);
    if (!taken || !gone || !gone_names || !diff_values_init(&ov, oe) || !diff_values_init(&nv, ne) ||
        !diff_reserved_set_init(&n_set, &ne->reserved, NULL, 0, NULL, 0)) {
        df->nomem = true;
        goto done;
    }
    for (size_t i = 0; i < oe->value_count; i++) {
        const wk_enum_value_def *o = &oe->values[i];
        const wk_enum_value_def *n = diff_value_named(&nv, o->name);
        wk__diff_side os = {NULL, oe, o};
        if (n && n->number == o->number) {
            taken[n - ne->values] = true;
            diff_options(df, diff_printf(df, "%s.%s", ne->full_name, n->name), o->options, o->option_count, o->pos,
                         n->options, n->option_count, n->pos);
            continue;
        }
        const wk_enum_value_def *by_number = diff_value_numbered(&nv, o->number);
        if (by_number && !diff_value_named(&ov, by_number->name) && !taken[by_number - ne->values]) {
            taken[by_number - ne->values] = true;
            wk__diff_side ns = {NULL, ne, by_number};
            diff_add(df, WK_CHANGE_ENUM_VALUE_RENAMED, diff_printf(df, "%s.%s", ne->full_name, by_number->name),
                     diff_printf(df, "name %s -> %s (number %d)", o->name, by_number->name, o->number), o->pos,
                     by_number->pos, &os, &ns);
            continue;
        }
        if (n && !diff_value_numbered(&ov, n->number) && !taken[n - ne->values]) {
            taken[n - ne->values] = true;
            wk__diff_side ns = {NULL, ne, n};
            diff_add(df, WK_CHANGE_ENUM_VALUE_RENUMBERED, diff_printf(df, "%s.%s", ne->full_name, n->name),
                     diff_printf(df, "number %d -> %d", o->number, n->number), o->pos, n->pos, &os, &ns);
            continue;
        }
        bool number_kept = diff_reserves_number(&n_set, o->number);
        bool name_kept = diff_reserves_name(&n_set, o->name);
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
    diff_reserved(df, ne->full_name, &oe->reserved, &ne->reserved, &n_set, ioe->reserved_range_pos,
                  ioe->reserved_name_pos, ine->reserved_range_pos, ine->reserved_name_pos, oe->pos.file, ne->pos.file,
                  oe->pos, ne->pos, gone, gone_count, gone_names, gone_count);
    diff_options(df, ne->full_name, oe->options, oe->option_count, oe->pos, ne->options, ne->option_count, ne->pos);
done:
    diff_reserved_set_free(&n_set);
    free(ov.by_name);
    free(nv.by_name);
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

    diff_matching messages = {df, (const void **)df->om, (const void **)df->nm, (const void **)df->om_match,
                              (const void **)df->nm_match, df->om_count, df->nm_count, diff_message_name,
                              diff_message_shape, diff_message_shape_hash, diff_message_worth};
    diff_match(&messages, diff_message_in_new, diff_message_in_old);
    diff_matching enums = {df, (const void **)df->oe, (const void **)df->ne, (const void **)df->oe_match,
                           (const void **)df->ne_match, df->oe_count, df->ne_count, diff_enum_name,
                           diff_enum_shape, diff_enum_shape_hash, diff_enum_worth};
    diff_match(&enums, diff_enum_in_new, diff_enum_in_old);
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
    wk__diff_index_free(&df->om_index);
    wk__diff_index_free(&df->nm_index);
    wk__diff_index_free(&df->oe_index);
    wk__diff_index_free(&df->ne_index);
    for (int side = 0; side < 2; side++) {
        for (int kind = 0; kind < 2; kind++) {
            diff_suffixes *sx = df->suffixes[side][kind];
            if (!sx) continue;
            free(sx->names);
            wk__diff_index_free(&sx->index);
            free(sx);
        }
    }
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
