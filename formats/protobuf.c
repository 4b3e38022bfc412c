/*
 * The Protocol Buffers backend, through protobuf-c.
 *
 * Protocol Buffers needs a schema: decode and encode take the message type
 * (wk_decode_opts.type; a WK_MESSAGE value carries its own) and use
 * protobuf-c descriptors built from it at run time (protobuf_desc.c).
 *
 * Decoding runs in three steps:
 *   1. wk__pb_check checks the bytes in one linear pass (protobuf_scan.c):
 *      the depth bound protobuf-c lacks, and an offset and a field path for
 *      every malformed input, which protobuf-c cannot give. When the input
 *      holds groups, they are rewritten to length-delimited fields.
 *   2. protobuf_c_message_unpack fills the synthetic structs, allocating
 *      from a scratch arena whose free does nothing.
 *   3. The structs become WK_MESSAGE values in the caller's arena: strings
 *      checked as UTF-8 (they are declared to protobuf-c as bytes, so that a
 *      NUL byte survives) and copied with a NUL after them; presence per
 *      value.h; required fields checked; unknown fields kept as members
 *      (key: the field number, value: the field's whole encoding).
 *
 * When the pre-scan finds a singular message field twice in one message,
 * the bytes are first rewritten so that it occurs once, its payloads
 * concatenated (which is what merging means on the wire): protobuf-c's own
 * merge drops the earlier copy's unknown fields and keeps only the last copy
 * of a oneof member.
 *
 * Encoding builds the structs in a scratch arena from the model, checking
 * each value's kind and range against its field, packs them, and turns group
 * fields back into groups. protobuf-c writes the known fields in number
 * order and then the unknown fields, in the order the message lists them:
 * unknown fields end up at the end of their message. Unknown members named
 * by a text format (string keys) carry no field number and are left out.
 *
 * Memory and threads: descriptors are built once per schema and kept with
 * it; each thread keeps one scratch arena, reset after every call and freed
 * when the thread exits. Inputs nested deeper than PB_INLINE_DEPTH run on a
 * helper thread with a stack sized for them (protobuf-c recurses).
 */
#include "protobuf_internal.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <wirekit/protobuf.h>

#if defined(__GNUC__)
#  define PB_COLD __attribute__((cold, noinline))
#else
#  define PB_COLD
#endif

/* ---- the scratch allocator handed to protobuf-c ---- */

static void *pb_scratch_alloc(void *arena, size_t size) { return wk__arena_alloc(arena, size); }
static void pb_scratch_free(void *arena, void *p)
{
    (void)arena;
    (void)p;
}

/*
 * The scratch arena of a call: protobuf-c's structs, the rewritten input,
 * the structs built for packing. Each thread keeps one and resets it after
 * each call, so that a call usually allocates nothing from the heap (the
 * pages stay mapped); it is freed when the thread exits, or after a call
 * that made it grow past PB_SCRATCH_KEEP. A call made while the thread's
 * arena is in use gets one of its own.
 */
#define PB_SCRATCH_KEEP ((size_t)8 << 20)

static pthread_key_t pb_scratch_key;
static pthread_once_t pb_scratch_once = PTHREAD_ONCE_INIT;
static bool pb_scratch_key_ok;
static _Thread_local wk_arena *pb_tls_scratch;
static _Thread_local bool pb_tls_busy;

static void pb_scratch_destroy(void *arena) { wk_arena_free(arena); }
static void pb_scratch_key_init(void)
{
    pb_scratch_key_ok = pthread_key_create(&pb_scratch_key, pb_scratch_destroy) == 0;
}

static wk_arena *pb_scratch_take(void)
{
    if (pb_tls_scratch && !pb_tls_busy) {
        pb_tls_busy = true;
        return pb_tls_scratch;
    }
    wk_arena *a = wk_arena_new(0);
    if (!a || pb_tls_scratch) return a;
    pthread_once(&pb_scratch_once, pb_scratch_key_init);
    if (pb_scratch_key_ok && pthread_setspecific(pb_scratch_key, a) == 0) {
        pb_tls_scratch = a;
        pb_tls_busy = true;
    }
    return a;
}

static void pb_scratch_give(wk_arena *a)
{
    if (!a) return;
    if (a != pb_tls_scratch) {
        wk_arena_free(a);
        return;
    }
    pb_tls_busy = false;
    if (wk_arena_used(a) > PB_SCRATCH_KEEP) {
        pthread_setspecific(pb_scratch_key, NULL);
        pb_tls_scratch = NULL;
        wk_arena_free(a);
        return;
    }
    wk_arena_reset(a);
}

/* The path of a value being converted: a chain on the C stack, leaf first. */
typedef struct pb_path {
    const struct pb_path *up;
    const wk_field_def *field;
    int64_t index;
} pb_path;

#define PB_PATH_STEPS 48

static void pb_path_format(const pb_path *path, char *out, size_t cap)
{
    wk__pb_step steps[PB_PATH_STEPS] = {{0}};
    size_t depth = 0;
    for (const pb_path *p = path; p; p = p->up) depth++;
    size_t skip = depth > PB_PATH_STEPS ? depth - PB_PATH_STEPS : 0;
    size_t n = depth - skip;
    size_t i = depth;
    for (const pb_path *p = path; p; p = p->up) {
        i--;
        if (i >= skip) steps[i - skip] = (wk__pb_step){p->field, p->index};
    }
    if (skip) {
        /* Keep the innermost steps; mark the cut: "$..." then the steps without their "$". */
        if (cap < 5) {
            wk__pb_path_format(steps, 0, out, cap);
            return;
        }
        memcpy(out, "$...", 4);
        wk__pb_path_format(steps, n, out + 3, cap - 3);
        out[3] = '.';
        return;
    }
    wk__pb_path_format(steps, n, out, cap);
}

static PB_COLD WK__PRINTF(5, 6) wk_code
pb_fail(wk_status *st, wk_code code, size_t offset, const pb_path *path, const char *fmt, ...)
{
    if (!st) return code;
    char where[160];
    char detail[WK_STATUS_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    pb_path_format(path, where, sizeof where);
    return wk__fail(st, code, offset, "%s: %s", where, detail);
}

/* ---- float32 <-> double, NaN payloads kept ---- */

static inline double pb_widen(float f)
{
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    if (WK__LIKELY((bits & 0x7f800000u) != 0x7f800000u || (bits & 0x007fffffu) == 0)) return (double)f;
    uint64_t wide = (uint64_t)(bits >> 31) << 63 | (uint64_t)0x7ff << 52 | (uint64_t)(bits & 0x007fffffu) << 29;
    double d;
    memcpy(&d, &wide, sizeof d);
    return d;
}

static inline float pb_narrow(double d)
{
    if (WK__LIKELY(!isnan(d))) return (float)d;
    uint64_t wide;
    memcpy(&wide, &d, sizeof wide);
    uint32_t bits = (uint32_t)(wide >> 63) << 31 | 0x7f800000u | (uint32_t)((wide >> 29) & 0x007fffffu);
    if ((bits & 0x007fffffu) == 0) bits |= 0x00400000u;   /* still a NaN */
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/* ---- decode: structs -> values ---- */

typedef struct pbdec {
    wk_arena *a;
    uint32_t flags;
    bool unknown_groups;
    wk_status *st;
} pbdec;

static inline bool pbdec_ascii(const uint8_t *s, size_t n)
{
    uint64_t acc = 0, w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        acc |= w;
    }
    for (; i < n; i++) acc |= s[i];
    return (acc & 0x8080808080808080ull) == 0;
}

static wk_code pbdec_message(pbdec *d, const wk__pb_message *m, const ProtobufCMessage *msg,
                             const pb_path *path, wk_value *out);

static PB_COLD wk_code pbdec_nomem(pbdec *d, const pb_path *path)
{
    return pb_fail(d->st, WK_ERR_NOMEM, 0, path, "out of memory: the arena is exhausted");
}

static wk_code pbdec_text(pbdec *d, const wk__pb_field *f, const ProtobufCBinaryData *b,
                          const pb_path *path, wk_value *out)
{
    size_t n = b->len;
    if (WK__UNLIKELY(n > WK_VALUE_MAX_LEN))
        return pb_fail(d->st, WK_ERR_LIMIT, 0, path, "%zu bytes, more than a value can hold", n);
    if (f->is_string && !pbdec_ascii(b->data, n)) {
        size_t ok = wk__utf8_valid_prefix(b->data, n);
        if (ok != n)
            return pb_fail(d->st, WK_ERR_UTF8, 0, path, "invalid UTF-8 in string field at byte %zu of it", ok);
    }
    char *p = wk__arena_alloc(d->a, n + 1);
    if (WK__UNLIKELY(!p)) return pbdec_nomem(d, path);
    if (n) memcpy(p, b->data, n);
    p[n] = '\0';
    *out = (wk_value){.kind = f->is_string ? WK_STRING : WK_BYTES, .len = (uint32_t)n, .as.str = p};
    return WK_OK;
}

/* One element of field f stored at p. */
static inline wk_code pbdec_elem(pbdec *d, const wk__pb_field *f, const void *p, const pb_path *path,
                                 wk_value *out)
{
    switch ((ProtobufCType)f->ctype) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_ENUM: {
        int32_t v;
        memcpy(&v, p, 4);
        *out = (wk_value){.kind = WK_INT, .as.i = v};
        return WK_OK;
    }
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32: {
        uint32_t v;
        memcpy(&v, p, 4);
        *out = (wk_value){.kind = WK_INT, .as.i = v};
        return WK_OK;
    }
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64: {
        int64_t v;
        memcpy(&v, p, 8);
        *out = (wk_value){.kind = WK_INT, .as.i = v};
        return WK_OK;
    }
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64: {
        uint64_t v;
        memcpy(&v, p, 8);
        *out = wk_value_uint(v);
        return WK_OK;
    }
    case PROTOBUF_C_TYPE_FLOAT: {
        float v;
        memcpy(&v, p, 4);
        *out = (wk_value){.kind = WK_DOUBLE, .as.d = pb_widen(v)};
        return WK_OK;
    }
    case PROTOBUF_C_TYPE_DOUBLE: {
        double v;
        memcpy(&v, p, 8);
        *out = (wk_value){.kind = WK_DOUBLE, .as.d = v};
        return WK_OK;
    }
    case PROTOBUF_C_TYPE_BOOL: {
        protobuf_c_boolean v;
        memcpy(&v, p, sizeof v);
        *out = (wk_value){.kind = WK_BOOL, .as.b = v != 0};
        return WK_OK;
    }
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_BYTES:
        return pbdec_text(d, f, p, path, out);
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *sub;
        memcpy(&sub, p, sizeof sub);
        return pbdec_message(d, f->message, sub, path, out);
    }
    }
    return pb_fail(d->st, WK_ERR_INVALID, 0, path, "field of unknown type");
}

/* The value a map entry's key or value has when it is absent. */
static wk_code pbdec_default(pbdec *d, const wk__pb_field *f, const pb_path *path, wk_value *out)
{
    switch (f->def->type) {
    case WK_TYPE_DOUBLE:
    case WK_TYPE_FLOAT: *out = wk_value_double(0.0); return WK_OK;
    case WK_TYPE_BOOL: *out = wk_value_bool(false); return WK_OK;
    case WK_TYPE_STRING:
    case WK_TYPE_BYTES: {
        ProtobufCBinaryData empty = {0, NULL};
        return pbdec_text(d, f, &empty, path, out);
    }
    case WK_TYPE_ENUM:
        *out = wk_value_int(f->def->enum_def && f->def->enum_def->value_count ? f->def->enum_def->values[0].number : 0);
        return WK_OK;
    case WK_TYPE_MESSAGE:
    case WK_TYPE_GROUP:
        if (!wk_value_message(d->a, f->message->def, 0, 0, out)) return pbdec_nomem(d, path);
        return WK_OK;
    default: *out = wk_value_int(0); return WK_OK;
    }
}

static bool pbdec_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i]) return false;
    return true;
}

/* Whether field f is present in the struct at base, by the model's rules. */
static inline bool pbdec_present(const wk__pb_field *f, const uint8_t *base)
{
    if (f->repeated) {
        size_t n;
        memcpy(&n, base + f->quantifier_offset, sizeof n);
        return n != 0;
    }
    if (f->oneof) {
        uint32_t c;
        memcpy(&c, base + f->quantifier_offset, sizeof c);
        return c == f->number;
    }
    if (f->ctype == PROTOBUF_C_TYPE_MESSAGE) {
        const void *sub;
        memcpy(&sub, base + f->offset, sizeof sub);
        return sub != NULL;
    }
    protobuf_c_boolean has;
    memcpy(&has, base + f->quantifier_offset, sizeof has);
    if (!has) return false;
    if (f->def->label != WK_LABEL_SINGULAR) return true;
    /* proto3 without presence: present only when not the default (all bits zero, or an empty string). */
    if (f->ctype == PROTOBUF_C_TYPE_BYTES) {
        const ProtobufCBinaryData *b = (const void *)(base + f->offset);
        return b->len != 0;
    }
    return !pbdec_zero(base + f->offset, f->elem_size);
}

static wk_code pbdec_map(pbdec *d, const wk__pb_field *f, const uint8_t *base, const pb_path *path,
                         wk_value *out)
{
    size_t n;
    ProtobufCMessage *const *entries;
    memcpy(&n, base + f->quantifier_offset, sizeof n);
    memcpy(&entries, base + f->offset, sizeof entries);
    const wk__pb_message *em = f->message;
    const wk__pb_field *kf = wk__pb_field_find(em, 1), *vf = wk__pb_field_find(em, 2);
    if (!kf || !vf) return pb_fail(d->st, WK_ERR_INVALID, 0, path, "map entry without key or value field");
    wk_member *members = wk_value_map(d->a, n, out);
    if (!members) return pbdec_nomem(d, path);
    for (size_t i = 0; i < n; i++) {
        pb_path here = {path->up, path->field, (int64_t)i};
        const uint8_t *eb = (const uint8_t *)entries[i];
        wk_code rc = pbdec_present(kf, eb) ? pbdec_elem(d, kf, eb + kf->offset, &here, &members[i].key)
                                           : pbdec_default(d, kf, &here, &members[i].key);
        if (rc != WK_OK) return rc;
        rc = pbdec_present(vf, eb) ? pbdec_elem(d, vf, eb + vf->offset, &here, &members[i].value)
                                   : pbdec_default(d, vf, &here, &members[i].value);
        if (rc != WK_OK) return rc;
    }
    return WK_OK;
}

static wk_code pbdec_field(pbdec *d, const wk__pb_field *f, const uint8_t *base, const pb_path *up,
                           wk_value *out)
{
    pb_path path = {up, f->def, -1};
    if (f->is_map) return pbdec_map(d, f, base, &path, out);
    if (f->repeated) {
        size_t n;
        const uint8_t *items;
        memcpy(&n, base + f->quantifier_offset, sizeof n);
        memcpy(&items, base + f->offset, sizeof items);
        if (n > WK_VALUE_MAX_LEN)
            return pb_fail(d->st, WK_ERR_LIMIT, 0, &path, "%zu elements, more than a list can hold", n);
        wk_value *list = wk__arena_alloc(d->a, n * sizeof *list);
        if (!list) return pbdec_nomem(d, &path);
        *out = (wk_value){.kind = WK_LIST, .len = (uint32_t)n, .as.items = list};
        size_t size = f->elem_size;
        switch ((ProtobufCType)f->ctype) {
        /* The common numeric cases without the per-element dispatch. */
        case PROTOBUF_C_TYPE_INT32:
        case PROTOBUF_C_TYPE_SINT32:
        case PROTOBUF_C_TYPE_SFIXED32:
        case PROTOBUF_C_TYPE_ENUM:
            for (size_t i = 0; i < n; i++) {
                int32_t v;
                memcpy(&v, items + 4 * i, 4);
                list[i] = (wk_value){.kind = WK_INT, .as.i = v};
            }
            return WK_OK;
        case PROTOBUF_C_TYPE_INT64:
        case PROTOBUF_C_TYPE_SINT64:
        case PROTOBUF_C_TYPE_SFIXED64:
            for (size_t i = 0; i < n; i++) {
                int64_t v;
                memcpy(&v, items + 8 * i, 8);
                list[i] = (wk_value){.kind = WK_INT, .as.i = v};
            }
            return WK_OK;
        default:
            for (size_t i = 0; i < n; i++) {
                path.index = (int64_t)i;
                wk_code rc = pbdec_elem(d, f, items + size * i, &path, &list[i]);
                if (rc != WK_OK) return rc;
            }
            return WK_OK;
        }
    }
    return pbdec_elem(d, f, base + f->offset, &path, out);
}

/* The whole encoding of an unknown field: its tag, then what protobuf-c kept. */
static wk_code pbdec_unknown(pbdec *d, const ProtobufCMessageUnknownField *u, const pb_path *path,
                             wk_member *out)
{
    uint8_t tag[10];
    size_t tag_len = wk__pb_put_varint(tag, (uint64_t)u->tag << 3 | (uint32_t)u->wire_type);
    out->key = wk_value_int(u->tag);
    if (d->unknown_groups && u->wire_type == PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED) {
        uint64_t len;
        size_t n = wk__pb_varint(u->data, u->data + u->len, &len);
        if (n && wk__pb_is_wrapped_group(u->tag, u->data + n, u->len - n)) {
            if (wk_value_bytes(d->a, u->data + n, u->len - n, &out->value) != WK_OK) return pbdec_nomem(d, path);
            return WK_OK;
        }
    }
    if (u->len > WK_VALUE_MAX_LEN - tag_len)
        return pb_fail(d->st, WK_ERR_LIMIT, 0, path, "unknown field %u too large", u->tag);
    size_t total = tag_len + u->len;
    char *p = wk__arena_alloc(d->a, total + 1);
    if (!p) return pbdec_nomem(d, path);
    memcpy(p, tag, tag_len);
    if (u->len) memcpy(p + tag_len, u->data, u->len);
    p[total] = '\0';
    out->value = (wk_value){.kind = WK_BYTES, .len = (uint32_t)total, .as.str = p};
    return WK_OK;
}

static wk_code pbdec_message(pbdec *d, const wk__pb_message *m, const ProtobufCMessage *msg,
                             const pb_path *path, wk_value *out)
{
    const uint8_t *base = (const uint8_t *)msg;
    size_t count = 0;
    for (size_t i = 0; i < m->field_count; i++) count += pbdec_present(&m->fields[i], base);
    if (m->has_required) {
        for (size_t i = 0; i < m->field_count; i++) {
            const wk__pb_field *f = &m->fields[i];
            if (f->def->label == WK_LABEL_REQUIRED && !pbdec_present(f, base))
                return pb_fail(d->st, WK_ERR_TYPE, 0, path, "required field '%s' (number %u) is missing",
                               f->def->name, f->number);
        }
    }
    size_t unknown = msg->n_unknown_fields;
    if (unknown && (d->flags & (WK_DECODE_UNKNOWN_DROP | WK_DECODE_UNKNOWN_ERROR))) {
        if (d->flags & WK_DECODE_UNKNOWN_ERROR)
            return pb_fail(d->st, WK_ERR_TYPE, 0, path, "unknown field %u in %s",
                           msg->unknown_fields[0].tag, m->def->full_name);
        unknown = 0;
    }
    wk_message *wm = wk__arena_alloc(d->a, sizeof *wm);
    wk_field_value *fields = wk__arena_alloc(d->a, count * sizeof *fields);
    wk_member *members = unknown ? wk__arena_alloc(d->a, unknown * sizeof *members) : NULL;
    if (!wm || !fields || (unknown && !members)) return pbdec_nomem(d, path);
    *wm = (wk_message){m->def, fields, (uint32_t)count, (uint32_t)unknown, members};
    *out = (wk_value){.kind = WK_MESSAGE, .as.message = wm};
    size_t k = 0;
    for (size_t i = 0; i < m->field_count && k < count; i++) {
        const wk__pb_field *f = &m->fields[i];
        if (!pbdec_present(f, base)) continue;
        fields[k].field = f->def;
        wk_code rc = pbdec_field(d, f, base, path, &fields[k].value);
        if (rc != WK_OK) return rc;
        k++;
    }
    for (size_t i = 0; i < unknown; i++) {
        wk_code rc = pbdec_unknown(d, &msg->unknown_fields[i], path, &members[i]);
        if (rc != WK_OK) return rc;
    }
    return WK_OK;
}

/*
 * protobuf-c's unpack and pack, and our conversions, recurse once per
 * nested message: unpack takes about 1 KB of stack per level (more under
 * sanitizers), so the deepest nesting the depth limit allows (10000) needs
 * more than a default 8 MB thread stack. Inputs nested deeper than
 * PB_INLINE_DEPTH (known from the pre-scan, or from building the structs)
 * are therefore run on a helper thread whose stack is sized for them.
 */
#define PB_INLINE_DEPTH 200u
#define PB_STACK_PER_LEVEL 4096u

static wk_code pb_run(void *(*fn)(void *), void *arg, uint32_t depth, wk_status *st)
{
    if (depth <= PB_INLINE_DEPTH) {
        fn(arg);
        return WK_OK;
    }
    pthread_attr_t attr;
    pthread_t th;
    if (pthread_attr_init(&attr) != 0) return wk__fail(st, WK_ERR_NOMEM, 0, "out of memory");
    int err = pthread_attr_setstacksize(&attr, (size_t)depth * PB_STACK_PER_LEVEL + ((size_t)1 << 20));
    if (err == 0) err = pthread_create(&th, &attr, fn, arg);
    pthread_attr_destroy(&attr);
    if (err != 0)
        return wk__fail(st, WK_ERR_NOMEM, 0, "cannot start a thread with a stack for %u nested messages",
                        depth);
    pthread_join(th, NULL);
    return WK_OK;
}

/* Steps 1 and 2: check (and rewrite) the bytes, and unpack them into scratch. */
typedef struct pb_unpacked {
    const wk__pb_message *m;
    wk__pb_types *owned;
    wk_arena *scratch;
    const uint8_t *data;
    size_t len;
    ProtobufCMessage *msg;
    wk__pb_scan_result scan;
    /* Step 3, when decoding. */
    pbdec *dec;
    wk_value *root;
    wk_status *st;
    wk_code rc;
} pb_unpacked;

static void pb_unpacked_free(pb_unpacked *u)
{
    pb_scratch_give(u->scratch);
    wk__pb_types_free(u->owned);
}

static PB_COLD wk_code pb_need_type(wk_status *st)
{
    return wk__fail(st, WK_ERR_UNSUPPORTED, 0,
                    "Protocol Buffers cannot be decoded without a message type: give a schema and "
                    "a type (-s FILE.proto -m TYPE), or use 'wirekit inspect FILE' to see its "
                    "field numbers and wire types");
}

/* Unpacks (and converts, when u->dec is set): run inline or on a big stack. */
static void *pb_unpack_job(void *arg)
{
    pb_unpacked *u = arg;
    if (u->scan.needs_merge &&
        wk__pb_merge(u->m, u->data, u->len, u->scratch, &u->data, &u->len) != WK_OK) {
        u->rc = wk__fail(u->st, WK_ERR_NOMEM, 0, "out of memory merging repeated sub-messages");
        return NULL;
    }
    ProtobufCAllocator alloc = {pb_scratch_alloc, pb_scratch_free, u->scratch};
    u->msg = protobuf_c_message_unpack(&u->m->desc, &alloc, u->len, u->data);
    if (!u->msg) {
        u->rc = wk__fail(u->st, WK_ERR_NOMEM, 0,
                         "protobuf-c could not unpack the message (the bytes were checked: out of memory)");
        return NULL;
    }
    u->rc = u->dec ? pbdec_message(u->dec, u->m, u->msg, NULL, u->root) : WK_OK;
    return NULL;
}

static wk_code pb_unpack(const uint8_t *data, size_t len, const wk_decode_opts *opts, pb_unpacked *u,
                         pbdec *dec, wk_value *root, wk_status *st)
{
    memset(u, 0, sizeof *u);
    if (!opts || !opts->type) return pb_need_type(st);
    wk_code rc = wk__pb_types_get(opts->type, &u->m, &u->owned, st);
    if (rc != WK_OK) return rc;
    uint32_t max_depth = wk__depth_limit(opts->max_depth);
    u->scratch = pb_scratch_take();
    if (!u->scratch) return wk__fail(st, WK_ERR_NOMEM, 0, "out of memory");
    rc = wk__pb_check(u->m, data, len, max_depth, dec && (opts->flags & WK_DECODE_UNKNOWN_ERROR), u->scratch,
                      &u->data, &u->len, &u->scan, st);
    if (rc != WK_OK) return rc;
    u->dec = dec;
    u->root = root;
    u->st = st;
    if (dec) dec->unknown_groups = u->scan.unknown_groups;
    rc = pb_run(pb_unpack_job, u, u->scan.depth, st);
    return rc != WK_OK ? rc : u->rc;
}

static wk_code pbdec_decode(const uint8_t *data, size_t len, const wk_decode_opts *opts, wk_arena *a,
                            const wk_value **out, wk_status *st)
{
    pb_unpacked u;
    pbdec d = {a, opts ? opts->flags : 0, false, st};
    wk_value *root = wk__arena_alloc(a, sizeof *root);
    if (!root) return pbdec_nomem(&d, NULL);
    wk_code rc = pb_unpack(data, len, opts, &u, &d, root, st);
    if (rc == WK_OK) *out = root;
    pb_unpacked_free(&u);
    return rc;
}

/*
 * protobuf-c alone: the same check and group rewrite as decode (without the
 * check, a deeply nested input would overflow protobuf-c's recursion and
 * groups would fail; it is one linear pass, a few percent of the unpack),
 * then protobuf_c_message_unpack into the scratch arena, and nothing else.
 */
static wk_code pbdec_parse_only(const uint8_t *data, size_t len, const wk_decode_opts *opts,
                                wk_status *st)
{
    pb_unpacked u;
    wk_code rc = pb_unpack(data, len, opts, &u, NULL, NULL, st);
    pb_unpacked_free(&u);
    return rc;
}

/* ---- encode: values -> structs ---- */

typedef struct pbenc {
    wk_arena *scratch;
    uint32_t max_depth;
    uint32_t inline_depth;   /* deeper: stop, and start again on a big stack */
    bool too_deep_inline;
    wk_status *st;
} pbenc;

static PB_COLD wk_code pbenc_nomem(pbenc *e, const pb_path *path)
{
    return pb_fail(e->st, WK_ERR_NOMEM, 0, path, "out of memory");
}

static PB_COLD wk_code pbenc_kind(pbenc *e, const wk__pb_field *f, const wk_value *v, const pb_path *path)
{
    return pb_fail(e->st, WK_ERR_TYPE, 0, path, "%s value for a %s field", wk_kind_name((wk_kind)v->kind),
                   wk_field_type_name(f->def->type));
}

static wk_code pbenc_message(pbenc *e, const wk__pb_message *m, const wk_value *v, const pb_path *path,
                             uint32_t depth, ProtobufCMessage **out);

/* The integer in v when it lies in [lo, hi] (as int64) or, for unsigned 64-bit fields, any uint64. */
static wk_code pbenc_int(pbenc *e, const wk__pb_field *f, const wk_value *v, const pb_path *path,
                         int64_t lo, int64_t hi, bool u64, uint64_t *out)
{
    if (v->kind == WK_INT) {
        if (v->as.i < lo || v->as.i > hi) goto range;
        *out = (uint64_t)v->as.i;
        return WK_OK;
    }
    if (v->kind == WK_UINT) {
        if (!u64) goto range;
        *out = v->as.u;
        return WK_OK;
    }
    return pbenc_kind(e, f, v, path);
range:
    if (v->kind == WK_UINT)
        return pb_fail(e->st, WK_ERR_RANGE, 0, path, "%llu out of range for a %s field",
                       (unsigned long long)v->as.u, wk_field_type_name(f->def->type));
    return pb_fail(e->st, WK_ERR_RANGE, 0, path, "%lld out of range for a %s field", (long long)v->as.i,
                   wk_field_type_name(f->def->type));
}

/* One element of field f into the slot p. */
static wk_code pbenc_elem(pbenc *e, const wk__pb_field *f, const wk_value *v, const pb_path *path,
                          uint32_t depth, void *p)
{
    uint64_t u = 0;
    wk_code rc;
    switch (f->def->type) {
    case WK_TYPE_INT32:
    case WK_TYPE_SINT32:
    case WK_TYPE_SFIXED32:
    case WK_TYPE_ENUM: {
        rc = pbenc_int(e, f, v, path, INT32_MIN, INT32_MAX, false, &u);
        if (rc != WK_OK) return rc;
        int32_t x = (int32_t)(int64_t)u;
        memcpy(p, &x, 4);
        return WK_OK;
    }
    case WK_TYPE_UINT32:
    case WK_TYPE_FIXED32: {
        rc = pbenc_int(e, f, v, path, 0, UINT32_MAX, false, &u);
        if (rc != WK_OK) return rc;
        uint32_t x = (uint32_t)u;
        memcpy(p, &x, 4);
        return WK_OK;
    }
    case WK_TYPE_INT64:
    case WK_TYPE_SINT64:
    case WK_TYPE_SFIXED64:
        rc = pbenc_int(e, f, v, path, INT64_MIN, INT64_MAX, false, &u);
        if (rc != WK_OK) return rc;
        memcpy(p, &u, 8);
        return WK_OK;
    case WK_TYPE_UINT64:
    case WK_TYPE_FIXED64:
        rc = pbenc_int(e, f, v, path, 0, INT64_MAX, true, &u);
        if (rc != WK_OK) return rc;
        memcpy(p, &u, 8);
        return WK_OK;
    case WK_TYPE_FLOAT: {
        if (v->kind != WK_DOUBLE) return pbenc_kind(e, f, v, path);
        float x = pb_narrow(v->as.d);
        memcpy(p, &x, 4);
        return WK_OK;
    }
    case WK_TYPE_DOUBLE:
        if (v->kind != WK_DOUBLE) return pbenc_kind(e, f, v, path);
        memcpy(p, &v->as.d, 8);
        return WK_OK;
    case WK_TYPE_BOOL: {
        if (v->kind != WK_BOOL) return pbenc_kind(e, f, v, path);
        protobuf_c_boolean x = v->as.b;
        memcpy(p, &x, sizeof x);
        return WK_OK;
    }
    case WK_TYPE_STRING:
    case WK_TYPE_BYTES: {
        if (v->kind != (f->is_string ? WK_STRING : WK_BYTES)) return pbenc_kind(e, f, v, path);
        if (f->is_string && v->len && !pbdec_ascii((const uint8_t *)v->as.str, v->len) &&
            wk__utf8_valid_prefix((const uint8_t *)v->as.str, v->len) != v->len)
            return pb_fail(e->st, WK_ERR_UTF8, 0, path, "string is not valid UTF-8");
        /* protobuf-c only reads it: the value's own bytes are packed in place. */
        ProtobufCBinaryData b = {v->len, (uint8_t *)(uintptr_t)(v->len ? v->as.str : NULL)};
        memcpy(p, &b, sizeof b);
        return WK_OK;
    }
    case WK_TYPE_MESSAGE:
    case WK_TYPE_GROUP: {
        ProtobufCMessage *sub;
        rc = pbenc_message(e, f->message, v, path, depth + 1, &sub);
        if (rc != WK_OK) return rc;
        memcpy(p, &sub, sizeof sub);
        return WK_OK;
    }
    }
    return pb_fail(e->st, WK_ERR_INVALID, 0, path, "field of unknown type");
}

/* A map entry: key and value always written, as Google's writers do. */
static wk_code pbenc_entry(pbenc *e, const wk__pb_message *em, const wk_member *mem, const pb_path *path,
                           uint32_t depth, ProtobufCMessage **out)
{
    const wk__pb_field *kf = wk__pb_field_find(em, 1), *vf = wk__pb_field_find(em, 2);
    if (!kf || !vf) return pb_fail(e->st, WK_ERR_INVALID, 0, path, "map entry without key or value field");
    uint8_t *base = wk__arena_alloc(e->scratch, em->desc.sizeof_message);
    if (!base) return pbenc_nomem(e, path);
    memset(base, 0, em->desc.sizeof_message);
    ((ProtobufCMessage *)(void *)base)->descriptor = &em->desc;
    wk_code rc = pbenc_elem(e, kf, &mem->key, path, depth, base + kf->offset);
    if (rc != WK_OK) return rc;
    protobuf_c_boolean yes = 1;
    memcpy(base + kf->quantifier_offset, &yes, sizeof yes);
    rc = pbenc_elem(e, vf, &mem->value, path, depth, base + vf->offset);
    if (rc != WK_OK) return rc;
    if (vf->ctype != PROTOBUF_C_TYPE_MESSAGE) memcpy(base + vf->quantifier_offset, &yes, sizeof yes);
    *out = (ProtobufCMessage *)(void *)base;
    return WK_OK;
}

static wk_code pbenc_field(pbenc *e, const wk__pb_field *f, const wk_value *v, const pb_path *up,
                           uint32_t depth, uint8_t *base)
{
    pb_path path = {up, f->def, -1};
    wk_code rc;
    if (f->is_map) {
        if (v->kind != WK_MAP) return pbenc_kind(e, f, v, &path);
        size_t n = v->len;
        ProtobufCMessage **entries = wk__arena_alloc(e->scratch, (n ? n : 1) * sizeof *entries);
        if (!entries) return pbenc_nomem(e, &path);
        for (size_t i = 0; i < n; i++) {
            path.index = (int64_t)i;
            rc = pbenc_entry(e, f->message, &v->as.members[i], &path, depth, &entries[i]);
            if (rc != WK_OK) return rc;
        }
        memcpy(base + f->quantifier_offset, &n, sizeof n);
        memcpy(base + f->offset, &entries, sizeof entries);
        return WK_OK;
    }
    if (f->repeated) {
        if (v->kind != WK_LIST) return pbenc_kind(e, f, v, &path);
        size_t n = v->len;
        uint8_t *items = wk__arena_alloc(e->scratch, (n ? n : 1) * f->elem_size);
        if (!items) return pbenc_nomem(e, &path);
        for (size_t i = 0; i < n; i++) {
            path.index = (int64_t)i;
            rc = pbenc_elem(e, f, &v->as.items[i], &path, depth, items + i * f->elem_size);
            if (rc != WK_OK) return rc;
        }
        memcpy(base + f->quantifier_offset, &n, sizeof n);
        memcpy(base + f->offset, &items, sizeof items);
        return WK_OK;
    }
    if (f->oneof) {
        uint32_t c;
        memcpy(&c, base + f->quantifier_offset, sizeof c);
        if (c != 0) {
            const wk_message_def *def = f->def->containing;
            const char *name = def && f->def->oneof_index >= 0 && (size_t)f->def->oneof_index < def->oneof_count
                                   ? def->oneofs[f->def->oneof_index].name : "?";
            return pb_fail(e->st, WK_ERR_TYPE, 0, &path,
                           "a second member of oneof '%s' (field %u is set already)", name, c);
        }
        rc = pbenc_elem(e, f, v, &path, depth, base + f->offset);
        if (rc != WK_OK) return rc;
        memcpy(base + f->quantifier_offset, &f->number, sizeof f->number);
        return WK_OK;
    }
    rc = pbenc_elem(e, f, v, &path, depth, base + f->offset);
    if (rc != WK_OK) return rc;
    if (f->ctype == PROTOBUF_C_TYPE_MESSAGE) return WK_OK;
    /* proto3 without presence: a default value is never written. */
    if (f->def->label == WK_LABEL_SINGULAR) {
        if (f->ctype == PROTOBUF_C_TYPE_BYTES ? v->len == 0 : pbdec_zero(base + f->offset, f->elem_size))
            return WK_OK;
    }
    protobuf_c_boolean yes = 1;
    memcpy(base + f->quantifier_offset, &yes, sizeof yes);
    return WK_OK;
}

/*
 * An unknown member: a field number key and the field's whole encoding.
 * Members named by a text format (string keys) have no number and cannot
 * be written in Protocol Buffers: they are left out.
 */
static wk_code pbenc_unknown(pbenc *e, const wk_member *mem, const pb_path *path,
                             ProtobufCMessageUnknownField *out, bool *used)
{
    *used = false;
    if (mem->key.kind != WK_INT && mem->key.kind != WK_UINT) return WK_OK;
    if (mem->value.kind != WK_BYTES)
        return pb_fail(e->st, WK_ERR_UNREPRESENTABLE, 0, path,
                       "unknown field %lld holds a %s read from another format, not its protobuf encoding: "
                       "its wire type is unknown (drop unknown fields when decoding to leave it out)",
                       (long long)mem->key.as.i, wk_kind_name((wk_kind)mem->value.kind));
    const uint8_t *p = (const uint8_t *)mem->value.as.str, *end = p + mem->value.len;
    uint64_t tag, v;
    size_t n = wk__pb_varint(p, end, &tag);
    uint32_t wt = (uint32_t)(tag & 7);
    bool ok = n && n <= 5 && mem->key.kind == WK_INT && (uint64_t)mem->key.as.i == tag >> 3 &&
              (tag >> 3) >= 1 && (tag >> 3) <= WK__PB_MAX_NUMBER;
    const uint8_t *body = p + n;
    if (ok) {
        switch (wt) {
        case WK__PB_VARINT: ok = wk__pb_varint(body, end, &v) == (size_t)(end - body); break;
        case WK__PB_I64: ok = end - body == 8; break;
        case WK__PB_I32: ok = end - body == 4; break;
        case WK__PB_LEN: {
            size_t k = wk__pb_varint(body, end, &v);
            ok = k && v == (uint64_t)(end - body - k);
            break;
        }
        case WK__PB_SGROUP: ok = wk__pb_is_wrapped_group((uint32_t)(tag >> 3), p, (size_t)(end - p)); break;
        default: ok = false;
        }
    }
    if (!ok)
        return pb_fail(e->st, WK_ERR_TYPE, 0, path,
                       "unknown field %lld: its bytes are not one encoded field with that number",
                       (long long)mem->key.as.i);
    *out = (ProtobufCMessageUnknownField){(uint32_t)(tag >> 3), (ProtobufCWireType)wt, (size_t)(end - body),
                                          (uint8_t *)(uintptr_t)body};
    *used = true;
    return WK_OK;
}

static wk_code pbenc_message(pbenc *e, const wk__pb_message *m, const wk_value *v, const pb_path *path,
                             uint32_t depth, ProtobufCMessage **out)
{
    if (v->kind != WK_MESSAGE)
        return pb_fail(e->st, WK_ERR_TYPE, 0, path, "%s value where a message %s is expected",
                       wk_kind_name((wk_kind)v->kind), m->def->full_name);
    if (depth > e->max_depth)
        return pb_fail(e->st, WK_ERR_DEPTH, 0, path, "message nested %u deep, deeper than the limit of %u",
                       depth, e->max_depth);
    if (WK__UNLIKELY(depth > e->inline_depth)) {
        e->too_deep_inline = true;
        return WK_ERR_DEPTH;
    }
    const wk_message *wm = v->as.message;
    if (wm->type != m->def && (!wm->type || strcmp(wm->type->full_name, m->def->full_name) != 0))
        return pb_fail(e->st, WK_ERR_TYPE, 0, path, "message of type %s where %s is expected",
                       wm->type ? wm->type->full_name : "(none)", m->def->full_name);
    uint8_t *base = wk__arena_alloc(e->scratch, m->desc.sizeof_message);
    if (!base) return pbenc_nomem(e, path);
    memset(base, 0, m->desc.sizeof_message);
    ProtobufCMessage *msg = (ProtobufCMessage *)(void *)base;
    msg->descriptor = &m->desc;
    for (size_t i = 0; i < wm->field_count; i++) {
        const wk_field_value *fv = &wm->fields[i];
        if (!fv->field) return pb_fail(e->st, WK_ERR_INVALID, 0, path, "field %zu has no definition", i);
        const wk__pb_field *f = wk__pb_field_find(m, fv->field->number);
        if (!f || f->def->type != fv->field->type || f->def->label != fv->field->label) {
            pb_path here = {path, fv->field, -1};
            return pb_fail(e->st, WK_ERR_TYPE, 0, &here, "%s has no %s field number %u", m->def->full_name,
                           wk_field_type_name(fv->field->type), fv->field->number);
        }
        wk_code rc = pbenc_field(e, f, &fv->value, path, depth, base);
        if (rc != WK_OK) return rc;
    }
    if (m->has_required) {
        for (size_t i = 0; i < m->field_count; i++) {
            const wk__pb_field *f = &m->fields[i];
            if (f->def->label == WK_LABEL_REQUIRED && !pbdec_present(f, base))
                return pb_fail(e->st, WK_ERR_TYPE, 0, path, "required field '%s' (number %u) is missing",
                               f->def->name, f->number);
        }
    }
    if (wm->unknown_count) {
        ProtobufCMessageUnknownField *u = wk__arena_alloc(e->scratch, wm->unknown_count * sizeof *u);
        if (!u) return pbenc_nomem(e, path);
        size_t n = 0;
        for (size_t i = 0; i < wm->unknown_count; i++) {
            bool used;
            wk_code rc = pbenc_unknown(e, &wm->unknown[i], path, &u[n], &used);
            if (rc != WK_OK) return rc;
            n += used;
        }
        msg->n_unknown_fields = (unsigned)n;
        msg->unknown_fields = u;
    }
    *out = msg;
    return WK_OK;
}

/* Builds the structs and packs them: run inline or on a big stack (see pb_run). */
typedef struct pbenc_job {
    pbenc *e;
    const wk__pb_message *m;
    const wk_value *v;
    wk_buf *out;
    wk_code rc;
} pbenc_job;

static void *pbenc_job_run(void *arg)
{
    pbenc_job *j = arg;
    pbenc *e = j->e;
    wk_status *st = e->st;
    ProtobufCMessage *msg;
    wk_code rc = pbenc_message(e, j->m, j->v, NULL, 1, &msg);
    if (rc == WK_OK) {
        size_t size = protobuf_c_message_get_packed_size(msg);
        if (!j->m->reaches_groups) {
            rc = wk_buf_reserve(j->out, size);
            if (rc == WK_OK) j->out->len += protobuf_c_message_pack(msg, j->out->data + j->out->len);
            else wk__fail(st, rc, 0, "out of memory growing the output buffer");
        } else {
            uint8_t *packed = wk__arena_alloc(e->scratch, size ? size : 1);
            uint8_t *groups = NULL;
            size_t n = 0;
            if (!packed) {
                rc = wk__fail(st, WK_ERR_NOMEM, 0, "out of memory");
            } else {
                size = protobuf_c_message_pack(msg, packed);
                rc = wk__pb_to_groups(j->m, packed, size, e->scratch, &groups, &n, st);
            }
            if (rc == WK_OK) {
                rc = wk_buf_append(j->out, groups, n);
                if (rc != WK_OK) wk__fail(st, rc, 0, "out of memory growing the output buffer");
            }
        }
    }
    j->rc = rc;
    return NULL;
}

static wk_code pbenc_encode(const wk_value *v, const wk_encode_opts *opts, wk_buf *out, wk_status *st)
{
    /* WK_ENCODE_EMIT_DEFAULTS means nothing on the wire: proto3 defaults are never written. */
    if (v->kind != WK_MESSAGE || !v->as.message->type)
        return wk__fail(st, WK_ERR_TYPE, 0,
                        "$: Protocol Buffers encodes typed messages only (decode with a schema and a "
                        "message type), not a %s",
                        wk_kind_name((wk_kind)v->kind));
    const wk__pb_message *m;
    wk__pb_types *owned;
    wk_code rc = wk__pb_types_get(v->as.message->type, &m, &owned, st);
    if (rc != WK_OK) return rc;
    uint32_t max_depth = wk__depth_limit(opts ? opts->max_depth : 0);
    pbenc e = {pb_scratch_take(), max_depth, PB_INLINE_DEPTH, false, st};
    if (!e.scratch) {
        wk__pb_types_free(owned);
        return wk__fail(st, WK_ERR_NOMEM, 0, "out of memory");
    }
    pbenc_job job = {&e, m, v, out, WK_OK};
    pbenc_job_run(&job);
    rc = job.rc;
    if (e.too_deep_inline) {
        /* Nested deeper than is safe on the caller's stack: again, on one sized for the limit. */
        wk_arena_reset(e.scratch);
        e.too_deep_inline = false;
        e.inline_depth = UINT32_MAX;
        rc = pb_run(pbenc_job_run, &job, max_depth, st);
        if (rc == WK_OK) rc = job.rc;
    }
    pb_scratch_give(e.scratch);
    wk__pb_types_free(owned);
    return rc;
}

/* ---- sniff ---- */

/*
 * Protocol Buffers has no signature: any bytes may be some message. A
 * first byte that is a tag of field 1 with a valid wire type gets 5, so
 * that it never wins over a format that recognises its bytes.
 */
static int pb_sniff(const uint8_t *data, size_t len)
{
    if (len < 2) return 0;
    uint8_t b = data[0];
    return b == 0x08 || b == 0x09 || b == 0x0a || b == 0x0d ? 5 : 0;
}

/* ---- the table ---- */

static const char *pb_backend_version(void)
{
    static _Thread_local char text[40];
    snprintf(text, sizeof text, "protobuf-c %s", protobuf_c_version());
    return text;
}

static const char *const pb_aliases[] = {"pb", "proto", NULL};
static const char *const pb_media_types[] = {
    "application/x-protobuf", "application/protobuf", "application/vnd.google.protobuf", NULL,
};
static const char *const pb_extensions[] = {"pb", "protobuf", NULL};

const wk_format wk__format_protobuf = {
    "protobuf",
    pb_aliases,
    pb_media_types,
    pb_extensions,
    false,
    pb_sniff,
    pbdec_decode,
    pbenc_encode,
    pbdec_parse_only,
    pb_backend_version,
};
