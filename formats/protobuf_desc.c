/*
 * protobuf-c descriptors built at run time from wirekit's schema model.
 *
 * protobuf-c packs and unpacks any message whose descriptor tables it is
 * given: field descriptors sorted by number, field ranges, and the offsets
 * of each member in a C struct. We make up that struct: ProtobufCMessage at
 * offset 0, then for each field, in number order, its has_ flag (an int),
 * its value, or for a repeated field its count (size_t) and pointer, or for
 * a oneof its case (uint32_t, the member's number) and one union slot that
 * every member shares. See protobuf_internal.h for the labels chosen and
 * ../shared/notes/protobuf-c.md for what the tables must satisfy.
 *
 * A set of tables covers every message reachable from a set of roots
 * (through nested messages and field types), so that recursion and mutual
 * recursion work: the descriptors are made in two passes, first every
 * message's shell (so that its address is known), then every field. For a
 * loaded schema the roots are all its messages, built once on first use and
 * kept with the schema (freed by wk_schema_free); a definition built by
 * hand, that no schema owns, gets tables built for the call.
 */
#include "protobuf_internal.h"
#include "../schema/internal.h"

#include <stdlib.h>

/* ---- the set of tables ---- */

struct wk__pb_types {
    wk_arena *arena;                  /* everything below lives here */
    const wk_message_def **keys;      /* open addressing: def -> message */
    wk__pb_message **vals;
    size_t cap;                       /* a power of two */
    size_t count;
};

typedef struct pbdesc_enum_slot {
    const wk_enum_def *def;
    ProtobufCEnumDescriptor *desc;
} pbdesc_enum_slot;

/* Building: the work list of message definitions, and the enums made so far. */
typedef struct pbdesc_build {
    wk__pb_types *t;
    const wk_message_def **todo;      /* every definition found, in order found */
    size_t todo_count, todo_cap;
    pbdesc_enum_slot *enums;          /* open addressing */
    size_t enum_cap, enum_count;
    wk_status *st;
} pbdesc_build;

static size_t pbdesc_hash(const void *p, size_t cap)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 29;
    x *= 0x9e3779b97f4a7c15ull;
    return (size_t)(x >> 17) & (cap - 1);
}

static wk__pb_message *pbdesc_lookup(const wk__pb_types *t, const wk_message_def *def)
{
    for (size_t i = pbdesc_hash(def, t->cap);; i = (i + 1) & (t->cap - 1)) {
        if (t->keys[i] == def) return t->vals[i];
        if (!t->keys[i]) return NULL;
    }
}

static bool pbdesc_grow_todo(pbdesc_build *b)
{
    size_t cap = b->todo_cap ? b->todo_cap * 2 : 64;
    const wk_message_def **p = realloc(b->todo, cap * sizeof *p);
    if (!p) return false;
    b->todo = p;
    b->todo_cap = cap;
    return true;
}

/*
 * Adds def to the work list unless it is there. A linear table of
 * definitions found is kept in the hash (values filled later).
 */
static bool pbdesc_add(pbdesc_build *b, const wk_message_def *def)
{
    wk__pb_types *t = b->t;
    if ((t->count + 1) * 2 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        const wk_message_def **keys = calloc(cap, sizeof *keys);
        if (!keys) return false;
        for (size_t i = 0; i < t->cap; i++) {
            if (!t->keys[i]) continue;
            size_t j = pbdesc_hash(t->keys[i], cap);
            while (keys[j]) j = (j + 1) & (cap - 1);
            keys[j] = t->keys[i];
        }
        free(t->keys);
        t->keys = keys;
        t->cap = cap;
    }
    size_t i = pbdesc_hash(def, t->cap);
    while (t->keys[i]) {
        if (t->keys[i] == def) return true;
        i = (i + 1) & (t->cap - 1);
    }
    if (b->todo_count == b->todo_cap && !pbdesc_grow_todo(b)) return false;
    t->keys[i] = def;
    t->count++;
    b->todo[b->todo_count++] = def;
    return true;
}

/* Every definition reachable from the ones already listed: nested messages and field types. */
static bool pbdesc_reach(pbdesc_build *b)
{
    for (size_t k = 0; k < b->todo_count; k++) {
        const wk_message_def *def = b->todo[k];
        for (size_t i = 0; i < def->message_count; i++)
            if (def->messages[i] && !pbdesc_add(b, def->messages[i])) return false;
        for (size_t i = 0; i < def->field_count; i++)
            if (def->fields[i].message && !pbdesc_add(b, def->fields[i].message)) return false;
    }
    return true;
}

/* ---- enums ---- */

static int pbdesc_cmp_value(const void *a, const void *b)
{
    const ProtobufCEnumValue *x = a, *y = b;
    return (x->value > y->value) - (x->value < y->value);
}

static int pbdesc_cmp_value_name(const void *a, const void *b)
{
    const ProtobufCEnumValueIndex *x = a, *y = b;
    return strcmp(x->name, y->name);
}

static const char *pbdesc_package(const wk_file_def *file)
{
    return file && file->package ? file->package : "";
}

static ProtobufCEnumDescriptor *pbdesc_make_enum(pbdesc_build *b, const wk_enum_def *e)
{
    if (!b->enum_cap || (b->enum_count + 1) * 2 > b->enum_cap) {
        size_t cap = b->enum_cap ? b->enum_cap * 2 : 32;
        pbdesc_enum_slot *slots = calloc(cap, sizeof *slots);
        if (!slots) return NULL;
        for (size_t i = 0; i < b->enum_cap; i++) {
            if (!b->enums[i].def) continue;
            size_t j = pbdesc_hash(b->enums[i].def, cap);
            while (slots[j].def) j = (j + 1) & (cap - 1);
            slots[j] = b->enums[i];
        }
        free(b->enums);
        b->enums = slots;
        b->enum_cap = cap;
    }
    size_t slot = pbdesc_hash(e, b->enum_cap);
    while (b->enums[slot].def) {
        if (b->enums[slot].def == e) return b->enums[slot].desc;
        slot = (slot + 1) & (b->enum_cap - 1);
    }

    wk_arena *a = b->t->arena;
    size_t n = e->value_count;
    ProtobufCEnumDescriptor *d = wk_arena_alloc(a, sizeof *d);
    ProtobufCEnumValue *values = wk_arena_alloc(a, (n ? n : 1) * sizeof *values);
    ProtobufCEnumValueIndex *by_name = wk_arena_alloc(a, (n ? n : 1) * sizeof *by_name);
    ProtobufCIntRange *ranges = wk_arena_alloc(a, (n + 1) * sizeof *ranges);
    if (!d || !values || !by_name || !ranges) return NULL;
    for (size_t i = 0; i < n; i++)
        values[i] = (ProtobufCEnumValue){e->values[i].name, e->values[i].name, e->values[i].number};
    qsort(values, n, sizeof *values, pbdesc_cmp_value);
    /* Distinct numbers only: an alias keeps the first name declared (qsort is
     * not stable, so the names of aliases are looked up again). */
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++)
        if (distinct == 0 || values[distinct - 1].value != values[i].value) values[distinct++] = values[i];
    for (size_t i = 0; i < distinct; i++) {
        for (size_t j = 0; j < n; j++) {
            if (e->values[j].number == values[i].value) {
                values[i].name = values[i].c_name = e->values[j].name;
                break;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        by_name[i].name = e->values[i].name;
        by_name[i].index = 0;
        for (size_t j = 0; j < distinct; j++)
            if (values[j].value == e->values[i].number) by_name[i].index = (unsigned)j;
    }
    qsort(by_name, n, sizeof *by_name, pbdesc_cmp_value_name);
    size_t nranges = 0;
    for (size_t i = 0; i < distinct; i++) {
        if (i == 0 || (int64_t)values[i].value != (int64_t)values[i - 1].value + 1)
            ranges[nranges++] = (ProtobufCIntRange){values[i].value, (unsigned)i};
    }
    ranges[nranges] = (ProtobufCIntRange){0, (unsigned)distinct};
    *d = (ProtobufCEnumDescriptor){
        .magic = PROTOBUF_C__ENUM_DESCRIPTOR_MAGIC,
        .name = e->full_name,
        .short_name = e->name,
        .c_name = e->full_name,
        .package_name = pbdesc_package(e->file),
        .n_values = (unsigned)distinct,
        .values = values,
        .n_value_names = (unsigned)n,
        .values_by_name = by_name,
        .n_value_ranges = (unsigned)nranges,
        .value_ranges = ranges,
    };
    b->enums[slot] = (pbdesc_enum_slot){e, d};
    b->enum_count++;
    return d;
}

/* ---- messages ---- */

/* Pass 1: the shell of a message, so that fields can point at it. */
static wk__pb_message *pbdesc_shell(pbdesc_build *b, const wk_message_def *def)
{
    wk__pb_message *m = wk_arena_alloc(b->t->arena, sizeof *m);
    if (!m) return NULL;
    memset(m, 0, sizeof *m);
    m->def = def;
    m->is_entry = def->map_entry;
    return m;
}

static size_t pbdesc_align(size_t off, size_t to) { return (off + to - 1) & ~(to - 1); }

/* How a field's type is declared to protobuf-c, its wire type and its element size. */
static bool pbdesc_type(wk_field_type type, uint8_t *ctype, uint8_t *wire, uint8_t *size)
{
    switch (type) {
    case WK_TYPE_DOUBLE: *ctype = PROTOBUF_C_TYPE_DOUBLE; *wire = WK__PB_I64; *size = 8; return true;
    case WK_TYPE_FLOAT: *ctype = PROTOBUF_C_TYPE_FLOAT; *wire = WK__PB_I32; *size = 4; return true;
    case WK_TYPE_INT64: *ctype = PROTOBUF_C_TYPE_INT64; *wire = WK__PB_VARINT; *size = 8; return true;
    case WK_TYPE_UINT64: *ctype = PROTOBUF_C_TYPE_UINT64; *wire = WK__PB_VARINT; *size = 8; return true;
    case WK_TYPE_INT32: *ctype = PROTOBUF_C_TYPE_INT32; *wire = WK__PB_VARINT; *size = 4; return true;
    case WK_TYPE_FIXED64: *ctype = PROTOBUF_C_TYPE_FIXED64; *wire = WK__PB_I64; *size = 8; return true;
    case WK_TYPE_FIXED32: *ctype = PROTOBUF_C_TYPE_FIXED32; *wire = WK__PB_I32; *size = 4; return true;
    case WK_TYPE_BOOL:
        *ctype = PROTOBUF_C_TYPE_BOOL; *wire = WK__PB_VARINT; *size = sizeof(protobuf_c_boolean);
        return true;
    case WK_TYPE_STRING:
    case WK_TYPE_BYTES:
        *ctype = PROTOBUF_C_TYPE_BYTES; *wire = WK__PB_LEN; *size = sizeof(ProtobufCBinaryData);
        return true;
    case WK_TYPE_GROUP:
        *ctype = PROTOBUF_C_TYPE_MESSAGE; *wire = WK__PB_SGROUP; *size = sizeof(void *);
        return true;
    case WK_TYPE_MESSAGE:
        *ctype = PROTOBUF_C_TYPE_MESSAGE; *wire = WK__PB_LEN; *size = sizeof(void *);
        return true;
    case WK_TYPE_UINT32: *ctype = PROTOBUF_C_TYPE_UINT32; *wire = WK__PB_VARINT; *size = 4; return true;
    case WK_TYPE_ENUM: *ctype = PROTOBUF_C_TYPE_ENUM; *wire = WK__PB_VARINT; *size = 4; return true;
    case WK_TYPE_SFIXED32: *ctype = PROTOBUF_C_TYPE_SFIXED32; *wire = WK__PB_I32; *size = 4; return true;
    case WK_TYPE_SFIXED64: *ctype = PROTOBUF_C_TYPE_SFIXED64; *wire = WK__PB_I64; *size = 8; return true;
    case WK_TYPE_SINT32: *ctype = PROTOBUF_C_TYPE_SINT32; *wire = WK__PB_VARINT; *size = 4; return true;
    case WK_TYPE_SINT64: *ctype = PROTOBUF_C_TYPE_SINT64; *wire = WK__PB_VARINT; *size = 8; return true;
    }
    return false;
}

/* Pass 2: the fields and layout of one message. */
static bool pbdesc_fields(pbdesc_build *b, wk__pb_message *m)
{
    const wk_message_def *def = m->def;
    wk_arena *a = b->t->arena;
    size_t n = def->field_count;
    ProtobufCFieldDescriptor *fds = wk_arena_alloc(a, (n ? n : 1) * sizeof *fds);
    wk__pb_field *fields = wk_arena_alloc(a, (n ? n : 1) * sizeof *fields);
    ProtobufCIntRange *ranges = wk_arena_alloc(a, (n + 1) * sizeof *ranges);
    /* Offsets of each real oneof's case and shared slot, 0 until laid out. */
    uint32_t *oneof_case = wk_arena_alloc(a, (def->oneof_count + 1) * sizeof *oneof_case);
    uint32_t *oneof_slot = wk_arena_alloc(a, (def->oneof_count + 1) * sizeof *oneof_slot);
    if (!fds || !fields || !ranges || !oneof_case || !oneof_slot) {
        wk__fail(b->st, WK_ERR_NOMEM, 0, "out of memory building protobuf-c descriptors");
        return false;
    }
    memset(oneof_case, 0, (def->oneof_count + 1) * sizeof *oneof_case);
    memset(oneof_slot, 0, (def->oneof_count + 1) * sizeof *oneof_slot);
    /* A message without fields still gets one descriptor, which protobuf-c
     * reads (it compares each tag with its id): zeroed, it matches no tag. */
    if (n == 0) {
        memset(fds, 0, sizeof *fds);
        memset(fields, 0, sizeof *fields);
    }

    size_t off = sizeof(ProtobufCMessage);
    size_t nranges = 0;
    unsigned singular_messages = 0;
    for (size_t i = 0; i < n; i++) {
        const wk_field_def *f = &def->fields[i];
        wk__pb_field *pf = &fields[i];
        memset(pf, 0, sizeof *pf);
        if (f->number == 0 || f->number > WK__PB_MAX_NUMBER || (i && f->number <= def->fields[i - 1].number)) {
            wk__fail(b->st, WK_ERR_INVALID, 0,
                     "%s: field '%s' has number %u, out of range or not in increasing order",
                     def->full_name, f->name, f->number);
            return false;
        }
        if (!pbdesc_type(f->type, &pf->ctype, &pf->wire, &pf->elem_size) ||
            ((f->type == WK_TYPE_MESSAGE || f->type == WK_TYPE_GROUP) && !f->message) ||
            (f->type == WK_TYPE_ENUM && !f->enum_def)) {
            wk__fail(b->st, WK_ERR_INVALID, 0, "%s: field '%s' has an unresolved or unknown type",
                     def->full_name, f->name);
            return false;
        }
        pf->def = f;
        pf->number = f->number;
        pf->is_string = f->type == WK_TYPE_STRING;
        pf->is_map = f->is_map;
        if (f->message) pf->message = pbdesc_lookup(b->t, f->message);
        if (f->message && f->label != WK_LABEL_REPEATED) pf->merge_bit = (uint8_t)(singular_messages++ % 64);
        if (f->type == WK_TYPE_GROUP) m->reaches_groups = true;

        ProtobufCFieldDescriptor *fd = &fds[i];
        memset(fd, 0, sizeof *fd);
        fd->name = f->name;
        fd->id = f->number;
        fd->type = (ProtobufCType)pf->ctype;
        if (pf->ctype == PROTOBUF_C_TYPE_MESSAGE) fd->descriptor = &pf->message->desc;
        if (pf->ctype == PROTOBUF_C_TYPE_ENUM) {
            fd->descriptor = pbdesc_make_enum(b, f->enum_def);
            if (!fd->descriptor) {
                wk__fail(b->st, WK_ERR_NOMEM, 0, "out of memory building protobuf-c descriptors");
                return false;
            }
        }
        if (f->deprecated) fd->flags |= PROTOBUF_C_FIELD_FLAG_DEPRECATED;

        bool real_oneof = f->oneof_index >= 0 && (size_t)f->oneof_index < def->oneof_count &&
                          !def->oneofs[f->oneof_index].synthetic;
        if (f->label == WK_LABEL_REPEATED) {
            pf->repeated = true;
            pf->packable = pf->wire == WK__PB_VARINT || pf->wire == WK__PB_I64 || pf->wire == WK__PB_I32;
            fd->label = PROTOBUF_C_LABEL_REPEATED;
            if (f->packed && pf->packable) fd->flags |= PROTOBUF_C_FIELD_FLAG_PACKED;
            off = pbdesc_align(off, sizeof(size_t));
            pf->quantifier_offset = (uint32_t)off;
            off += sizeof(size_t);
            pf->offset = (uint32_t)off;
            off += sizeof(void *);
        } else if (real_oneof) {
            size_t k = (size_t)f->oneof_index;
            pf->oneof = true;
            fd->label = PROTOBUF_C_LABEL_OPTIONAL;
            fd->flags |= PROTOBUF_C_FIELD_FLAG_ONEOF;
            if (!oneof_case[k]) {
                off = pbdesc_align(off, sizeof(uint32_t));
                oneof_case[k] = (uint32_t)off;
                off += sizeof(uint32_t);
                off = pbdesc_align(off, 8);
                oneof_slot[k] = (uint32_t)off;
                off += sizeof(ProtobufCBinaryData);   /* the largest member */
            }
            pf->quantifier_offset = oneof_case[k];
            pf->offset = oneof_slot[k];
        } else {
            fd->label = PROTOBUF_C_LABEL_OPTIONAL;
            if (f->label == WK_LABEL_REQUIRED) m->has_required = true;
            if (pf->ctype != PROTOBUF_C_TYPE_MESSAGE) {
                off = pbdesc_align(off, sizeof(protobuf_c_boolean));
                pf->quantifier_offset = (uint32_t)off;
                off += sizeof(protobuf_c_boolean);
            }
            off = pbdesc_align(off, pf->elem_size >= 8 ? 8 : pf->elem_size);
            pf->offset = (uint32_t)off;
            off += pf->elem_size;
        }
        fd->quantifier_offset = pf->quantifier_offset;
        fd->offset = pf->offset;
        if (i == 0 || f->number != def->fields[i - 1].number + 1)
            ranges[nranges++] = (ProtobufCIntRange){(int)f->number, (unsigned)i};
    }
    ranges[nranges] = (ProtobufCIntRange){0, (unsigned)n};
    m->dense = 0;
    while (m->dense < n && fields[m->dense].number == m->dense + 1) m->dense++;
    m->fields = fields;
    m->field_count = n;
    m->desc = (ProtobufCMessageDescriptor){
        .magic = PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC,
        .name = def->full_name,
        .short_name = def->name,
        .c_name = def->full_name,
        .package_name = pbdesc_package(def->file),
        .sizeof_message = pbdesc_align(off, 8),
        .n_fields = (unsigned)n,
        .fields = fds,
        .fields_sorted_by_name = NULL,
        .n_field_ranges = (unsigned)nranges,
        .field_ranges = ranges,
        .message_init = NULL,
    };
    return true;
}

void wk__pb_types_free(wk__pb_types *t)
{
    if (!t) return;
    free(t->keys);
    free(t->vals);
    wk_arena_free(t->arena);
    free(t);
}

/* The tables for every message reachable from roots[0..n). */
static wk_code pbdesc_build_types(const wk_message_def *const *roots, size_t n, wk__pb_types **out,
                                  wk_status *st)
{
    pbdesc_build b = {0};
    b.st = st;
    wk__pb_types *t = calloc(1, sizeof *t);
    if (!t) return wk__fail(st, WK_ERR_NOMEM, 0, "out of memory building protobuf-c descriptors");
    b.t = t;
    t->arena = wk_arena_new(0);
    bool ok = t->arena != NULL;
    for (size_t i = 0; ok && i < n; i++) ok = pbdesc_add(&b, roots[i]);
    if (ok) ok = pbdesc_reach(&b);
    if (ok) {
        t->vals = calloc(t->cap, sizeof *t->vals);
        ok = t->vals != NULL;
    }
    if (!ok) {
        free(b.todo);
        wk__pb_types_free(t);
        return wk__fail(st, WK_ERR_NOMEM, 0, "out of memory building protobuf-c descriptors");
    }
    /* Pass 1: shells. */
    for (size_t k = 0; ok && k < b.todo_count; k++) {
        wk__pb_message *m = pbdesc_shell(&b, b.todo[k]);
        if (!m) {
            ok = false;
            wk__fail(st, WK_ERR_NOMEM, 0, "out of memory building protobuf-c descriptors");
            break;
        }
        size_t i = pbdesc_hash(b.todo[k], t->cap);
        while (t->keys[i] != b.todo[k]) i = (i + 1) & (t->cap - 1);
        t->vals[i] = m;
    }
    /* Pass 2: fields, now that every message has an address. */
    for (size_t k = 0; ok && k < b.todo_count; k++) ok = pbdesc_fields(&b, pbdesc_lookup(t, b.todo[k]));
    /* Which messages reach a group field: iterate to a fixed point. */
    for (bool changed = ok; changed;) {
        changed = false;
        for (size_t k = 0; k < b.todo_count; k++) {
            wk__pb_message *m = pbdesc_lookup(t, b.todo[k]);
            if (m->reaches_groups) continue;
            for (size_t i = 0; i < m->field_count; i++) {
                if (m->fields[i].message && m->fields[i].message->reaches_groups) {
                    m->reaches_groups = changed = true;
                    break;
                }
            }
        }
    }
    free(b.todo);
    free(b.enums);
    if (!ok) {
        wk__pb_types_free(t);
        return st ? st->code : WK_ERR_INVALID;
    }
    *out = t;
    return WK_OK;
}

/* ---- the per-schema cache ---- */

/* The schema's cache entry: the tables of every message of the schema. */
typedef struct pbdesc_cache {
    wk__schema_cache base;            /* first: freed through it by wk_schema_free */
    wk__pb_types *types;
} pbdesc_cache;

static void pbdesc_cache_free(wk__schema_cache *c)
{
    pbdesc_cache *pc = (pbdesc_cache *)(void *)c;
    wk__pb_types_free(pc->types);
    free(pc);
}

/* Builds the tables of every message of s, top-level ones first. */
static wk_code pbdesc_build_schema(const wk_schema *s, wk__pb_types **out, wk_status *st)
{
    size_t n = 0;
    for (size_t i = 0; i < wk_schema_file_count(s); i++) n += wk_schema_file(s, i)->message_count;
    const wk_message_def **roots = malloc((n ? n : 1) * sizeof *roots);
    if (!roots) return wk__fail(st, WK_ERR_NOMEM, 0, "out of memory building protobuf-c descriptors");
    size_t k = 0;
    for (size_t i = 0; i < wk_schema_file_count(s); i++) {
        const wk_file_def *f = wk_schema_file(s, i);
        for (size_t j = 0; j < f->message_count; j++) roots[k++] = f->messages[j];
    }
    wk_code rc = pbdesc_build_types(roots, k, out, st);
    free(roots);
    return rc;
}

/*
 * The tables are built once per schema, on first use, by whichever thread
 * gets there first; a thread that loses the race to install its tables frees
 * them and uses the winner's. Once installed they are only read.
 */
wk_code wk__pb_types_get(const wk_message_def *type, const wk__pb_message **out,
                         wk__pb_types **owned, wk_status *st)
{
    *owned = NULL;
    const wk_schema *schema = type->file ? type->file->schema : NULL;
    wk__pb_types *t;
    wk_code rc;
    if (schema) {
        pbdesc_cache *c = (pbdesc_cache *)(void *)wk__schema_cache_get(schema);
        if (WK__UNLIKELY(!c)) {
            rc = pbdesc_build_schema(schema, &t, st);
            if (rc != WK_OK) return rc;
            c = malloc(sizeof *c);
            if (!c) {
                wk__pb_types_free(t);
                return wk__fail(st, WK_ERR_NOMEM, 0, "out of memory building protobuf-c descriptors");
            }
            c->base.free = pbdesc_cache_free;
            c->types = t;
            pbdesc_cache *won = (pbdesc_cache *)(void *)wk__schema_cache_install(schema, &c->base);
            if (won != c) pbdesc_cache_free(&c->base);
            c = won;
        }
        *out = pbdesc_lookup(c->types, type);
        if (*out) return WK_OK;
        /* A definition of another schema's file, or built by hand: below. */
    }
    rc = pbdesc_build_types(&type, 1, &t, st);
    if (rc != WK_OK) return rc;
    *owned = t;
    *out = pbdesc_lookup(t, type);
    return WK_OK;
}
