/*
 * wk_message_migrate (versioning.h): a typed message read under one version
 * of a schema, rewritten as a message of another version.
 *
 * Fields are matched by number, as the protobuf wire matches them, and a
 * value changes type only where the wire would carry it unchanged: the
 * varint types into one another, the zigzag ones, the fixed ones of one
 * width, string and bytes. The value must also fit: what a reader would
 * truncate is reported, not truncated.
 *
 * Fields the target lacks are kept as unknown members in one of two forms,
 * as the caller asks: by name (for JSON, XML and MessagePack) or as their
 * protobuf encoding under the field's number (for protobuf). The encoding
 * is written here, field by field; a nested message is encoded through the
 * registry's protobuf format, as the typed layer does for Any, so that this
 * file depends on no backend.
 */
#include "../model/internal.h"
#include "formats.h"
#include "typed.h"

#include <stdio.h>
#include <stdlib.h>

/* Wire types (the low three bits of a tag). */
enum { MIG_VARINT = 0, MIG_I64 = 1, MIG_LEN = 2, MIG_SGROUP = 3, MIG_EGROUP = 4, MIG_I32 = 5 };

#define MIG_PATH_MAX 512

typedef struct migrate {
    uint32_t flags;
    const wk_migrate_opts *opts;
    wk_arena *a;
    wk_status *st;
    uint32_t depth, max_depth;
    char path[MIG_PATH_MAX];      /* the field being migrated, by the source's names */
    size_t path_len;
    const wk_format *pb;          /* for the wire form, found when first needed */
    const wk__typed_conv *conv;   /* the source format's, to read its unknown fields; NULL: not read */
} migrate;

/* What a value could not become: why, for the report and the error. */
typedef struct mig_why {
    char text[160];
} mig_why;

/* ---- paths ---- */

static size_t mig_push(migrate *mg, const char *fmt, ...) WK__PRINTF(2, 3);

/* Appends a step to the path; returns the length to restore afterwards. */
static size_t mig_push(migrate *mg, const char *fmt, ...)
{
    size_t saved = mg->path_len;
    if (mg->path_len < sizeof mg->path - 1) {
        va_list ap;
        va_start(ap, fmt);
        int w = vsnprintf(mg->path + mg->path_len, sizeof mg->path - mg->path_len, fmt, ap);
        va_end(ap);
        if (w > 0) mg->path_len += (size_t)w;
        if (mg->path_len > sizeof mg->path - 1) mg->path_len = sizeof mg->path - 1;
    }
    return saved;
}

static void mig_pop(migrate *mg, size_t saved)
{
    mg->path_len = saved;
    mg->path[saved] = '\0';
}

static size_t mig_push_field(migrate *mg, const wk_field_def *f)
{
    return mg->path_len ? mig_push(mg, ".%s", f->name) : mig_push(mg, "%s", f->name);
}

/* A map entry's step: ["eur"], [7], [true]. */
static size_t mig_push_key(migrate *mg, const wk_value *k)
{
    switch (k->kind) {
    case WK_STRING: return mig_push(mg, "[\"%.*s\"]", (int)(k->len > 60 ? 60 : k->len), k->as.str);
    case WK_INT: return mig_push(mg, "[%lld]", (long long)k->as.i);
    case WK_UINT: return mig_push(mg, "[%llu]", (unsigned long long)k->as.u);
    case WK_BOOL: return mig_push(mg, "[%s]", k->as.b ? "true" : "false");
    default: return mig_push(mg, "[?]");
    }
}

/* ---- failures and reports ---- */

static wk_code mig_nomem(migrate *mg)
{
    return wk__fail(mg->st, WK_ERR_NOMEM, 0, "%s%sout of memory", mg->path, mg->path_len ? ": " : "");
}

static const char *mig_version_of(const wk_message_def *m)
{
    return m->file && m->file->version ? m->file->version : NULL;
}

/*
 * A field the target cannot take: reported, then refused when the policy
 * says so. Returns WK_OK when the caller is to go on (keeping or dropping
 * the field).
 */
static wk_code mig_refuse(migrate *mg, wk_migrate_event event, const wk_field_def *sf, const char *why)
{
    /* The reason is in the status while the report runs (versioning.h),
     * and stays there when the policy refuses the field. */
    wk__fail(mg->st, WK_ERR_TYPE, 0, "%s: %s", mg->path, why);
    if (mg->opts && mg->opts->report) mg->opts->report(mg->opts->ctx, event, mg->path, sf);
    if (mg->flags & WK_DECODE_UNKNOWN_ERROR) return WK_ERR_TYPE;
    wk__ok(mg->st);
    return WK_OK;
}

/* ---- values ---- */

/* How a field type is carried on the wire: types of one class read one another's values. */
typedef enum mig_class {
    MIG_CLASS_VARINT,   /* int32 uint32 int64 uint64 bool enum */
    MIG_CLASS_ZIGZAG,   /* sint32 sint64 */
    MIG_CLASS_FIXED32,  /* fixed32 sfixed32 */
    MIG_CLASS_FIXED64,  /* fixed64 sfixed64 */
    MIG_CLASS_FLOAT,
    MIG_CLASS_DOUBLE,
    MIG_CLASS_TEXT,     /* string bytes */
    MIG_CLASS_MESSAGE,
    MIG_CLASS_GROUP
} mig_class;

static mig_class mig_class_of(wk_field_type t)
{
    switch (t) {
    case WK_TYPE_SINT32: case WK_TYPE_SINT64: return MIG_CLASS_ZIGZAG;
    case WK_TYPE_FIXED32: case WK_TYPE_SFIXED32: return MIG_CLASS_FIXED32;
    case WK_TYPE_FIXED64: case WK_TYPE_SFIXED64: return MIG_CLASS_FIXED64;
    case WK_TYPE_FLOAT: return MIG_CLASS_FLOAT;
    case WK_TYPE_DOUBLE: return MIG_CLASS_DOUBLE;
    case WK_TYPE_STRING: case WK_TYPE_BYTES: return MIG_CLASS_TEXT;
    case WK_TYPE_MESSAGE: return MIG_CLASS_MESSAGE;
    case WK_TYPE_GROUP: return MIG_CLASS_GROUP;
    default: return MIG_CLASS_VARINT;
    }
}

/* The integer a value holds, as a sign and a magnitude that covers int64 and uint64 both. */
static bool mig_integer(const wk_value *v, bool *negative, uint64_t *magnitude)
{
    switch (v->kind) {
    case WK_INT:
        *negative = v->as.i < 0;
        *magnitude = v->as.i < 0 ? (uint64_t)0 - (uint64_t)v->as.i : (uint64_t)v->as.i;
        return true;
    case WK_UINT: *negative = false; *magnitude = v->as.u; return true;
    case WK_BOOL: *negative = false; *magnitude = v->as.b; return true;
    default: return false;
    }
}

/* Whether an integer fits a type of the varint, zigzag and fixed classes. */
static bool mig_fits(wk_field_type t, bool negative, uint64_t mag)
{
    switch (t) {
    case WK_TYPE_INT32: case WK_TYPE_SINT32: case WK_TYPE_SFIXED32: case WK_TYPE_ENUM:
        return negative ? mag <= (uint64_t)INT32_MAX + 1 : mag <= INT32_MAX;
    case WK_TYPE_UINT32: case WK_TYPE_FIXED32:
        return !negative && mag <= UINT32_MAX;
    case WK_TYPE_INT64: case WK_TYPE_SINT64: case WK_TYPE_SFIXED64:
        return negative ? mag <= (uint64_t)INT64_MAX + 1 : mag <= INT64_MAX;
    case WK_TYPE_UINT64: case WK_TYPE_FIXED64:
        return !negative;
    case WK_TYPE_BOOL:
        return !negative && mag <= 1;
    default:
        return false;
    }
}

static void mig_number_text(bool negative, uint64_t mag, char *out, size_t cap)
{
    snprintf(out, cap, "%s%llu", negative ? "-" : "", (unsigned long long)mag);
}

static wk_code mig_message(migrate *mg, const wk_value *in, const wk_message_def *to, wk_value *out);

typedef enum mig_result { MIG_DONE, MIG_MISMATCH } mig_result;

/*
 * One value of source field sf (an element, for repeated and map fields)
 * as a value of target field tf. *res is MIG_MISMATCH (with why) when it
 * cannot become one; the return is an error only for what stops the whole
 * migration (no memory, depth, a policy refusal further down).
 */
static wk_code mig_single(migrate *mg, const wk_field_def *sf, const wk_field_def *tf, const wk_value *v,
                          wk_value *out, mig_result *res, mig_why *why)
{
    *res = MIG_MISMATCH;
    mig_class sc = mig_class_of(sf->type), tc = mig_class_of(tf->type);
    const char *tname = wk_field_type_name(tf->type);
    if (sc != tc) {
        snprintf(why->text, sizeof why->text, "a %s value cannot become %s (field %u of %s)",
                 wk_field_type_name(sf->type), tname, tf->number, tf->containing->full_name);
        return WK_OK;
    }
    switch (tc) {
    case MIG_CLASS_VARINT: case MIG_CLASS_ZIGZAG: case MIG_CLASS_FIXED32: case MIG_CLASS_FIXED64: {
        bool negative;
        uint64_t mag;
        if (!mig_integer(v, &negative, &mag)) break;
        char num[24];
        if (!mig_fits(tf->type, negative, mag)) {
            mig_number_text(negative, mag, num, sizeof num);
            snprintf(why->text, sizeof why->text, "%s does not fit %s (field %u of %s)", num, tname, tf->number,
                     tf->containing->full_name);
            return WK_OK;
        }
        if (tf->type == WK_TYPE_BOOL) {
            *out = wk_value_bool(mag != 0);
        } else if (negative) {
            *out = wk_value_int(mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag);
        } else {
            *out = wk_value_uint(mag);
        }
        if (tf->type == WK_TYPE_ENUM && tf->enum_def && tf->enum_def->closed &&
            !wk_enum_value_by_number(tf->enum_def, (int32_t)out->as.i)) {
            mig_number_text(negative, mag, num, sizeof num);
            snprintf(why->text, sizeof why->text, "%s is not a value of the closed enum %s (field %u of %s)", num,
                     tf->enum_def->full_name, tf->number, tf->containing->full_name);
            return WK_OK;
        }
        *res = MIG_DONE;
        return WK_OK;
    }
    case MIG_CLASS_FLOAT: case MIG_CLASS_DOUBLE:
        if (v->kind != WK_DOUBLE && v->kind != WK_INT) break;
        *out = v->kind == WK_DOUBLE ? *v : wk_value_double((double)v->as.i);
        *res = MIG_DONE;
        return WK_OK;
    case MIG_CLASS_TEXT:
        if (v->kind != WK_STRING && v->kind != WK_BYTES) break;
        if (tf->type == WK_TYPE_STRING && v->kind == WK_BYTES && !wk_utf8_valid(v->as.str, v->len)) {
            snprintf(why->text, sizeof why->text, "bytes that are not UTF-8 cannot become a string (field %u of %s)",
                     tf->number, tf->containing->full_name);
            return WK_OK;
        }
        /* The same bytes, followed by the same NUL: only the kind changes. */
        *out = *v;
        out->kind = tf->type == WK_TYPE_STRING ? WK_STRING : WK_BYTES;
        *res = MIG_DONE;
        return WK_OK;
    case MIG_CLASS_MESSAGE: case MIG_CLASS_GROUP:
        if (v->kind != WK_MESSAGE || !tf->message) break;
        *res = MIG_DONE;
        return mig_message(mg, v, tf->message, out);
    }
    return wk__fail(mg->st, WK_ERR_TYPE, 0, "%s: a %s field holds a value of kind %s", mg->path,
                    wk_field_type_name(sf->type), wk_kind_name((wk_kind)v->kind));
}

/* Whether a value is what a field without presence holds when it is not set. */
static bool mig_is_default(const wk_field_def *f, const wk_value *v)
{
    switch (v->kind) {
    case WK_BOOL: return !v->as.b;
    case WK_INT:
        if (f->type == WK_TYPE_ENUM && f->enum_def && f->enum_def->value_count)
            return v->as.i == f->enum_def->values[0].number;
        return v->as.i == 0;
    case WK_DOUBLE: {
        /* -0.0 is not the default: its bits differ, and a writer keeps it. */
        uint64_t bits;
        memcpy(&bits, &v->as.d, sizeof bits);
        return bits == 0;
    }
    case WK_STRING: case WK_BYTES: return v->len == 0;
    default: return false;
    }
}

/*
 * One element that could not be converted: reported on its own path
 * (already pushed) and, unless refused, left out.
 */
static wk_code mig_mismatch(migrate *mg, const wk_field_def *sf, const mig_why *why)
{
    return mig_refuse(mg, WK_MIGRATE_TYPE_MISMATCH, sf, why->text);
}

static const wk_field_def *mig_entry_field(const wk_field_def *f, uint32_t number)
{
    return f->message ? wk_message_field(f->message, number) : NULL;
}

/* A map field into a map field: entry by entry. */
static wk_code mig_map(migrate *mg, const wk_field_def *sf, const wk_field_def *tf, const wk_value *v,
                       wk_value *out, bool *present)
{
    const wk_field_def *sk = mig_entry_field(sf, 1), *sv = mig_entry_field(sf, 2);
    const wk_field_def *tk = mig_entry_field(tf, 1), *tv = mig_entry_field(tf, 2);
    if (!sk || !sv || !tk || !tv || v->kind != WK_MAP)
        return wk__fail(mg->st, WK_ERR_TYPE, 0, "%s: a map field without a key and a value, or not a map", mg->path);
    wk_member *members = wk__arena_alloc(mg->a, (v->len ? v->len : 1) * sizeof *members);
    if (!members) return mig_nomem(mg);
    uint32_t n = 0;
    for (uint32_t i = 0; i < v->len; i++) {
        const wk_member *e = &v->as.members[i];
        size_t saved = mig_push_key(mg, &e->key);
        mig_result res;
        mig_why why;
        wk_code rc = mig_single(mg, sk, tk, &e->key, &members[n].key, &res, &why);
        if (rc == WK_OK && res == MIG_DONE) rc = mig_single(mg, sv, tv, &e->value, &members[n].value, &res, &why);
        if (rc == WK_OK && res == MIG_MISMATCH) rc = mig_mismatch(mg, sf, &why);
        else if (rc == WK_OK) n++;
        mig_pop(mg, saved);
        if (rc != WK_OK) return rc;
    }
    *out = (wk_value){.kind = WK_MAP, .len = n, .as.members = members};
    *present = n > 0;
    return WK_OK;
}

/* A field present in both: its value as the target's field holds it. */
static wk_code mig_field(migrate *mg, const wk_field_def *sf, const wk_field_def *tf, const wk_value *v,
                         wk_value *out, bool *present)
{
    *present = false;
    bool s_rep = sf->label == WK_LABEL_REPEATED, t_rep = tf->label == WK_LABEL_REPEATED;
    mig_result res;
    mig_why why;
    if (sf->is_map || tf->is_map) {
        if (sf->is_map && tf->is_map) return mig_map(mg, sf, tf, v, out, present);
        snprintf(why.text, sizeof why.text, "%s cannot become %s (field %u of %s)",
                 sf->is_map ? "a map" : s_rep ? "a repeated field" : "a single value",
                 tf->is_map ? "a map" : "a repeated field", tf->number, tf->containing->full_name);
        return mig_mismatch(mg, sf, &why);
    }
    if (s_rep && v->kind != WK_LIST)
        return wk__fail(mg->st, WK_ERR_TYPE, 0, "%s: a repeated field holds a value of kind %s", mg->path,
                        wk_kind_name((wk_kind)v->kind));
    if (t_rep) {
        uint32_t count = s_rep ? v->len : 1;
        wk_value *items = wk__arena_alloc(mg->a, (count ? count : 1) * sizeof *items);
        if (!items) return mig_nomem(mg);
        uint32_t n = 0;
        for (uint32_t i = 0; i < count; i++) {
            size_t saved = s_rep ? mig_push(mg, "[%u]", (unsigned)i) : mg->path_len;
            wk_code rc = mig_single(mg, sf, tf, s_rep ? &v->as.items[i] : v, &items[n], &res, &why);
            if (rc == WK_OK && res == MIG_MISMATCH) rc = mig_mismatch(mg, sf, &why);
            else if (rc == WK_OK) n++;
            mig_pop(mg, saved);
            if (rc != WK_OK) return rc;
        }
        *out = (wk_value){.kind = WK_LIST, .len = n, .as.items = items};
        *present = n > 0;
        return WK_OK;
    }
    /* Into a singular field: a list gives its last item, as a parser keeps the last. */
    if (s_rep && v->len == 0) return WK_OK;
    const wk_value *one = s_rep ? &v->as.items[v->len - 1] : v;
    size_t saved = s_rep ? mig_push(mg, "[%u]", (unsigned)(v->len - 1)) : mg->path_len;
    wk_code rc = mig_single(mg, sf, tf, one, out, &res, &why);
    if (rc == WK_OK && res == MIG_MISMATCH) rc = mig_mismatch(mg, sf, &why);
    else if (rc == WK_OK)
        *present = !(tf->label == WK_LABEL_SINGULAR && tf->oneof_index < 0 && mig_is_default(tf, out));
    mig_pop(mg, saved);
    return rc;
}

/* ---- the wire form of a field the target lacks ---- */

static wk_code mig_wire_varint(migrate *mg, wk_buf *b, uint64_t v)
{
    uint8_t tmp[10];
    size_t n = 0;
    do {
        uint8_t byte = v & 0x7f;
        v >>= 7;
        tmp[n++] = byte | (v ? 0x80 : 0);
    } while (v);
    return wk_buf_append(b, tmp, n) == WK_OK ? WK_OK : mig_nomem(mg);
}

static wk_code mig_wire_fixed(migrate *mg, wk_buf *b, uint64_t v, size_t width)
{
    uint8_t tmp[8];
    for (size_t i = 0; i < width; i++) tmp[i] = (uint8_t)(v >> (8 * i));
    return wk_buf_append(b, tmp, width) == WK_OK ? WK_OK : mig_nomem(mg);
}

static int mig_wire_type(const wk_field_def *f)
{
    switch (mig_class_of(f->type)) {
    case MIG_CLASS_VARINT: case MIG_CLASS_ZIGZAG: return MIG_VARINT;
    case MIG_CLASS_FIXED32: case MIG_CLASS_FLOAT: return MIG_I32;
    case MIG_CLASS_FIXED64: case MIG_CLASS_DOUBLE: return MIG_I64;
    case MIG_CLASS_GROUP: return MIG_SGROUP;
    default: return MIG_LEN;
    }
}

static wk_code mig_wire_kind(migrate *mg, const wk_field_def *f, const wk_value *v)
{
    return wk__fail(mg->st, WK_ERR_TYPE, 0, "%s: a %s field holds a value of kind %s", mg->path,
                    wk_field_type_name(f->type), wk_kind_name((wk_kind)v->kind));
}

/* A message's encoding, through the registry's protobuf format. */
static wk_code mig_wire_message(migrate *mg, const wk_value *v, wk_buf *b)
{
    if (!mg->pb && !(mg->pb = wk_format_find("protobuf")))
        return wk__fail(mg->st, WK_ERR_UNSUPPORTED, 0, "%s: the wire form needs the protobuf format", mg->path);
    wk_encode_opts eo = {0};
    eo.max_depth = mg->max_depth;
    wk_status pst;
    wk_code rc = wk_encode(mg->pb, v, &eo, b, &pst);
    if (rc != WK_OK) return wk__fail(mg->st, rc, 0, "%s: %s", mg->path, pst.msg);
    return WK_OK;
}

/* One value of field f without its tag (an element of a packed run, or a record's body). */
static wk_code mig_wire_body(migrate *mg, const wk_field_def *f, const wk_value *v, wk_buf *b)
{
    bool negative;
    uint64_t mag;
    switch (mig_class_of(f->type)) {
    case MIG_CLASS_VARINT: case MIG_CLASS_ZIGZAG: case MIG_CLASS_FIXED32: case MIG_CLASS_FIXED64: {
        if (!mig_integer(v, &negative, &mag)) return mig_wire_kind(mg, f, v);
        uint64_t bits = negative ? (uint64_t)0 - mag : mag; /* two's complement */
        switch (f->type) {
        case WK_TYPE_SINT32: {
            uint32_t n = (uint32_t)bits;
            return mig_wire_varint(mg, b, (uint32_t)((n << 1) ^ (uint32_t)-(int32_t)(n >> 31)));
        }
        case WK_TYPE_SINT64: return mig_wire_varint(mg, b, (bits << 1) ^ (uint64_t)-(int64_t)(bits >> 63));
        case WK_TYPE_FIXED32: case WK_TYPE_SFIXED32: return mig_wire_fixed(mg, b, bits, 4);
        case WK_TYPE_FIXED64: case WK_TYPE_SFIXED64: return mig_wire_fixed(mg, b, bits, 8);
        case WK_TYPE_INT32: case WK_TYPE_ENUM:
            /* A negative int32 is written sign-extended to ten bytes, as protobuf writes it. */
            return mig_wire_varint(mg, b, bits);
        case WK_TYPE_UINT32: return mig_wire_varint(mg, b, (uint32_t)bits);
        default: return mig_wire_varint(mg, b, bits);
        }
    }
    case MIG_CLASS_FLOAT: {
        if (v->kind != WK_DOUBLE) return mig_wire_kind(mg, f, v);
        float x = (float)v->as.d;
        uint32_t bits;
        memcpy(&bits, &x, sizeof bits);
        return mig_wire_fixed(mg, b, bits, 4);
    }
    case MIG_CLASS_DOUBLE: {
        if (v->kind != WK_DOUBLE) return mig_wire_kind(mg, f, v);
        uint64_t bits;
        memcpy(&bits, &v->as.d, sizeof bits);
        return mig_wire_fixed(mg, b, bits, 8);
    }
    case MIG_CLASS_TEXT: {
        if (v->kind != WK_STRING && v->kind != WK_BYTES) return mig_wire_kind(mg, f, v);
        wk_code rc = mig_wire_varint(mg, b, v->len);
        if (rc == WK_OK && wk_buf_append(b, v->as.str, v->len) != WK_OK) rc = mig_nomem(mg);
        return rc;
    }
    case MIG_CLASS_MESSAGE: {
        if (v->kind != WK_MESSAGE) return mig_wire_kind(mg, f, v);
        wk_buf body;
        wk_buf_init(&body);
        wk_code rc = mig_wire_message(mg, v, &body);
        if (rc == WK_OK) rc = mig_wire_varint(mg, b, body.len);
        if (rc == WK_OK && wk_buf_append(b, body.data, body.len) != WK_OK) rc = mig_nomem(mg);
        wk_buf_destroy(&body);
        return rc;
    }
    case MIG_CLASS_GROUP:
        if (v->kind != WK_MESSAGE) return mig_wire_kind(mg, f, v);
        return mig_wire_message(mg, v, b);
    }
    return mig_wire_kind(mg, f, v);
}

/* One whole record: the tag, then the value (a group between its two tags). */
static wk_code mig_wire_record(migrate *mg, const wk_field_def *f, const wk_value *v, wk_buf *b)
{
    int wt = mig_wire_type(f);
    wk_code rc = mig_wire_varint(mg, b, ((uint64_t)f->number << 3) | (uint64_t)wt);
    if (rc == WK_OK) rc = mig_wire_body(mg, f, v, b);
    if (rc == WK_OK && wt == MIG_SGROUP) rc = mig_wire_varint(mg, b, ((uint64_t)f->number << 3) | MIG_EGROUP);
    return rc;
}

/* A map entry's record: the entry message of key (1) and value (2). */
static wk_code mig_wire_entry(migrate *mg, const wk_field_def *f, const wk_member *e, wk_buf *b)
{
    const wk_field_def *kf = mig_entry_field(f, 1), *vf = mig_entry_field(f, 2);
    if (!kf || !vf) return wk__fail(mg->st, WK_ERR_TYPE, 0, "%s: a map field without a key and a value", mg->path);
    wk_buf body;
    wk_buf_init(&body);
    wk_code rc = mig_wire_record(mg, kf, &e->key, &body);
    if (rc == WK_OK) rc = mig_wire_record(mg, vf, &e->value, &body);
    if (rc == WK_OK) rc = mig_wire_varint(mg, b, ((uint64_t)f->number << 3) | MIG_LEN);
    if (rc == WK_OK) rc = mig_wire_varint(mg, b, body.len);
    if (rc == WK_OK && wk_buf_append(b, body.data, body.len) != WK_OK) rc = mig_nomem(mg);
    wk_buf_destroy(&body);
    return rc;
}

/* Takes what b holds as one unknown member (number key, encoding value) and empties b. */
static wk_code mig_wire_member(migrate *mg, const wk_field_def *f, wk_buf *b, wk_member *out)
{
    out->key = wk_value_int(f->number);
    wk_code rc = wk_value_bytes(mg->a, b->data ? (const void *)b->data : "", b->len, &out->value);
    wk_buf_clear(b);
    return rc == WK_OK ? WK_OK : mig_nomem(mg);
}

/* Whether a repeated field is written as one packed run. */
static bool mig_wire_packed(const wk_field_def *f)
{
    int wt = mig_wire_type(f);
    return f->packed && (wt == MIG_VARINT || wt == MIG_I32 || wt == MIG_I64);
}

/* The unknown members a field becomes in the wire form: one per record, as a protobuf decode keeps them. */
static size_t mig_wire_count(const wk_field_def *f, const wk_value *v)
{
    if (f->label != WK_LABEL_REPEATED) return 1;
    if (f->is_map) return v->kind == WK_MAP ? v->len : 0;
    if (v->kind != WK_LIST) return 0;
    return mig_wire_packed(f) ? (v->len ? 1 : 0) : v->len;
}

static wk_code mig_wire_field(migrate *mg, const wk_field_def *f, const wk_value *v, wk_member *out, size_t *n)
{
    /* A value built by hand may hold another kind: mig_wire_count made room
     * for none of it, so it must not be walked as a list or a map. */
    if (f->label == WK_LABEL_REPEATED && v->kind != (f->is_map ? WK_MAP : WK_LIST))
        return wk__fail(mg->st, WK_ERR_TYPE, 0, "%s: a %s field holds a value of kind %s", mg->path,
                        f->is_map ? "map" : "repeated", wk_kind_name((wk_kind)v->kind));
    wk_buf b;
    wk_buf_init(&b);
    wk_code rc = WK_OK;
    if (f->label != WK_LABEL_REPEATED) {
        rc = mig_wire_record(mg, f, v, &b);
        if (rc == WK_OK) rc = mig_wire_member(mg, f, &b, &out[(*n)++]);
    } else if (f->is_map) {
        for (uint32_t i = 0; i < v->len && rc == WK_OK; i++) {
            rc = mig_wire_entry(mg, f, &v->as.members[i], &b);
            if (rc == WK_OK) rc = mig_wire_member(mg, f, &b, &out[(*n)++]);
        }
    } else if (mig_wire_packed(f)) {
        wk_buf body;
        wk_buf_init(&body);
        for (uint32_t i = 0; i < v->len && rc == WK_OK; i++) rc = mig_wire_body(mg, f, &v->as.items[i], &body);
        if (rc == WK_OK) rc = mig_wire_varint(mg, &b, ((uint64_t)f->number << 3) | MIG_LEN);
        if (rc == WK_OK) rc = mig_wire_varint(mg, &b, body.len);
        if (rc == WK_OK && wk_buf_append(&b, body.data, body.len) != WK_OK) rc = mig_nomem(mg);
        wk_buf_destroy(&body);
        if (rc == WK_OK && v->len) rc = mig_wire_member(mg, f, &b, &out[(*n)++]);
    } else {
        for (uint32_t i = 0; i < v->len && rc == WK_OK; i++) {
            rc = mig_wire_record(mg, f, &v->as.items[i], &b);
            if (rc == WK_OK) rc = mig_wire_member(mg, f, &b, &out[(*n)++]);
        }
    }
    wk_buf_destroy(&b);
    return rc;
}

/* ---- messages ---- */

/* A field the target has no field for: kept (by name or by number), dropped or refused. */
static wk_code mig_missing(migrate *mg, const wk_field_def *sf, const wk_value *v, const wk_message_def *to,
                           wk_member *unknown, size_t *n)
{
    char why[200];
    const char *version = mig_version_of(to);
    int w = snprintf(why, sizeof why, "field %u is not in %s", sf->number, to->full_name);
    if (version && w > 0 && (size_t)w < sizeof why)
        snprintf(why + w, sizeof why - (size_t)w, " of schema %s", version);
    bool wire = (mg->flags & WK_MIGRATE_UNKNOWN_WIRE) != 0;
    const wk_field_def *namesake = wire ? NULL : wk_message_field_by_name(to, sf->name, strlen(sf->name));
    if (namesake) {
        w = (int)strlen(why);
        snprintf(why + w, sizeof why - (size_t)w, ", whose field %u has its name '%s'", namesake->number,
                 sf->name);
        wk_code rc = mig_refuse(mg, WK_MIGRATE_NAME_TAKEN, sf, why);
        return rc; /* never kept by name: it would be read as the namesake */
    }
    wk_code rc = mig_refuse(mg, WK_MIGRATE_NOT_IN_TARGET, sf, why);
    if (rc != WK_OK || (mg->flags & WK_DECODE_UNKNOWN_DROP)) return rc;
    if (wire) return mig_wire_field(mg, sf, v, unknown, n);
    unknown[*n].key = (wk_value){.kind = WK_STRING, .len = (uint32_t)strlen(sf->name), .as.str = sf->name};
    unknown[*n].value = *v;
    (*n)++;
    return WK_OK;
}

/*
 * Fields that were separate in the source can be members of one oneof in
 * the target, which holds one of them: of two, the later (by number, the
 * order in which a protobuf reader meets them) is kept, as a protobuf
 * reader keeps it, and the earlier one is reported (WK_MIGRATE_ONEOF_TAKEN)
 * and left out, or refused. Keeping both would make a message that no
 * encoder writes and no reader of the target accepts. Called after each
 * field kept, with fields[*n - 1] the new one; the path is the message's.
 */
static wk_code mig_oneof(migrate *mg, wk_field_value *fields, const wk_field_def **sources, size_t *n)
{
    const wk_field_def *tf = fields[*n - 1].field;
    const wk_message_def *to = tf->containing;
    if (tf->oneof_index < 0 || (size_t)tf->oneof_index >= to->oneof_count || to->oneofs[tf->oneof_index].synthetic)
        return WK_OK;
    /* Each call leaves at most one member of a oneof, so one earlier member at most. */
    for (size_t k = 0; k + 1 < *n; k++) {
        if (fields[k].field->oneof_index != tf->oneof_index) continue;
        char why[200];
        snprintf(why, sizeof why, "field %u of %s is in oneof %s with field %u, which is set too (the later is kept)",
                 fields[k].field->number, to->full_name, to->oneofs[tf->oneof_index].name, tf->number);
        size_t saved = mig_push_field(mg, sources[k]);
        wk_code rc = mig_refuse(mg, WK_MIGRATE_ONEOF_TAKEN, sources[k], why);
        mig_pop(mg, saved);
        if (rc != WK_OK) return rc;
        memmove(&fields[k], &fields[k + 1], (*n - 1 - k) * sizeof *fields);
        memmove(&sources[k], &sources[k + 1], (*n - 1 - k) * sizeof *sources);
        (*n)--;
        break;
    }
    return WK_OK;
}

/*
 * An unknown field of the source, kept as the source format read it, that
 * the target knows by its key: read into the target's field by the
 * format's own typed conventions (a one-member map applied to the target
 * type) and inserted among the fields in number order. *taken says whether
 * it was (a value at its default is taken and left out, as a decode would
 * leave it out). It stays unknown when it does not read as the field's
 * type, or when the field or another member of its oneof is already set.
 */
static wk_code mig_resolve(migrate *mg, const wk_member *u, const wk_message_def *to, wk_field_value *fields,
                           const wk_field_def **sources, size_t *n, bool *taken)
{
    *taken = false;
    const wk_field_def *tf = NULL;
    if (u->key.kind == WK_STRING)
        tf = wk_message_field_by_name(to, u->key.as.str, u->key.len);
    else if (u->key.kind == WK_INT && mg->conv == &wk__msgpack_typed_conv && u->key.as.i > 0 &&
             u->key.as.i <= (int64_t)UINT32_MAX)
        tf = wk_message_field(to, (uint32_t)u->key.as.i);
    if (!tf) return WK_OK;
    bool in_oneof = tf->oneof_index >= 0 && !to->oneofs[tf->oneof_index].synthetic;
    for (size_t i = 0; i < *n; i++)
        if (fields[i].field->number == tf->number || (in_oneof && fields[i].field->oneof_index == tf->oneof_index))
            return WK_OK;
    wk_value tree;
    wk_member *member = wk_value_map(mg->a, 1, &tree);
    if (!member) return mig_nomem(mg);
    member[0] = *u;
    wk__typed_where where = {0};
    wk_status st;
    const wk_value *got;
    wk_code rc = wk__typed_apply(mg->conv, &tree, to, 0, mg->max_depth, mg->a, &got, &where, &st);
    free(where.frames);
    if (rc == WK_ERR_NOMEM) return mig_nomem(mg);
    if (rc != WK_OK) return WK_OK;   /* not a value of the field's type: it stays as it was */
    const wk_message *gm = got->as.message;
    if (gm->unknown_count != 0 || gm->field_count > 1) return WK_OK;
    *taken = true;
    if (gm->field_count == 0) return WK_OK;   /* the field's default: nothing to keep */
    size_t at = *n;
    while (at > 0 && fields[at - 1].field->number > tf->number) at--;
    memmove(fields + at + 1, fields + at, (*n - at) * sizeof *fields);
    memmove(sources + at + 1, sources + at, (*n - at) * sizeof *sources);
    fields[at] = gm->fields[0];
    sources[at] = NULL;
    (*n)++;
    return WK_OK;
}

static wk_code mig_message(migrate *mg, const wk_value *in, const wk_message_def *to, wk_value *out)
{
    const wk_message *m = in->as.message;
    /* The same definition: nothing to rewrite. */
    if (m->type == to) {
        *out = *in;
        return WK_OK;
    }
    if (++mg->depth > mg->max_depth)
        return wk__fail(mg->st, WK_ERR_DEPTH, 0, "%s: messages nested deeper than the limit of %u", mg->path,
                        mg->max_depth);

    /* Room for the most members the fields the target lacks can become. */
    size_t unknown_cap = m->unknown_count;
    for (uint32_t i = 0; i < m->field_count; i++) {
        const wk_field_def *sf = m->fields[i].field;
        if (sf && !wk_message_field(to, sf->number))
            unknown_cap += (mg->flags & WK_MIGRATE_UNKNOWN_WIRE) ? mig_wire_count(sf, &m->fields[i].value) : 1;
    }
    /* Room for every field, and for every unknown field the target may know. */
    size_t field_cap = m->field_count + (mg->conv ? m->unknown_count : 0);
    wk_field_value *fields = field_cap ? wk__arena_alloc(mg->a, field_cap * sizeof *fields) : NULL;
    /* The source field each kept field came from, for reports about it later (mig_oneof). */
    const wk_field_def **sources = field_cap ? wk__arena_alloc(mg->a, field_cap * sizeof *sources) : NULL;
    wk_member *unknown = unknown_cap ? wk__arena_alloc(mg->a, unknown_cap * sizeof *unknown) : NULL;
    wk_message *wm = wk__arena_alloc(mg->a, sizeof *wm);
    if ((field_cap && (!fields || !sources)) || (unknown_cap && !unknown) || !wm) return mig_nomem(mg);

    size_t nfields = 0, nunknown = 0;
    for (uint32_t i = 0; i < m->field_count; i++) {
        const wk_field_def *sf = m->fields[i].field;
        const wk_value *v = &m->fields[i].value;
        if (!sf) return wk__fail(mg->st, WK_ERR_INVALID, 0, "%s: field %u has no definition", mg->path, i);
        size_t saved = mig_push_field(mg, sf);
        const wk_field_def *tf = wk_message_field(to, sf->number);
        wk_code rc;
        bool present = false;
        if (!tf) {
            rc = mig_missing(mg, sf, v, to, unknown, &nunknown);
        } else {
            rc = mig_field(mg, sf, tf, v, &fields[nfields].value, &present);
            if (rc == WK_OK && present) {
                fields[nfields].field = tf;
                sources[nfields++] = sf;
            }
        }
        mig_pop(mg, saved);
        if (rc == WK_OK && present) rc = mig_oneof(mg, fields, sources, &nfields);
        if (rc != WK_OK) return rc;
    }
    for (uint32_t i = 0; i < m->unknown_count; i++) {
        bool taken = false;
        if (mg->conv) {
            wk_code rc = mig_resolve(mg, &m->unknown[i], to, fields, sources, &nfields, &taken);
            if (rc != WK_OK) return rc;
        }
        if (!taken) unknown[nunknown++] = m->unknown[i];
    }

    *wm = (wk_message){to, nfields ? fields : NULL, (uint32_t)nfields, (uint32_t)nunknown,
                       nunknown ? unknown : NULL};
    *out = (wk_value){.kind = WK_MESSAGE, .as.message = wm};
    mg->depth--;
    return WK_OK;
}

wk_code wk_message_migrate(const wk_value *in, const wk_message_def *to, const wk_migrate_opts *opts, wk_arena *a,
                           const wk_value **out, wk_status *st)
{
    if (!in || !to || !a || !out)
        return wk__fail(st, WK_ERR_INVALID, 0, "wk_message_migrate: a message, a target type, an arena and an "
                                               "output are required");
    if (in->kind != WK_MESSAGE || !in->as.message || !in->as.message->type)
        return wk__fail(st, WK_ERR_INVALID, 0, "wk_message_migrate: a %s value, not a typed message",
                        wk_kind_name((wk_kind)in->kind));
    migrate mg;
    memset(&mg, 0, sizeof mg);
    mg.opts = opts;
    mg.flags = opts ? opts->flags : 0;
    mg.max_depth = wk__depth_limit(opts ? opts->max_depth : 0);
    mg.a = a;
    mg.st = st;
    if (opts && opts->source == &wk__format_json) mg.conv = &wk__json_typed_conv;
    else if (opts && opts->source == &wk__format_msgpack) mg.conv = &wk__msgpack_typed_conv;
    wk_value *result = wk__arena_alloc(a, sizeof *result);
    if (!result) return mig_nomem(&mg);
    wk_code rc = mig_message(&mg, in, to, result);
    if (rc != WK_OK) return rc;
    wk__ok(st);
    *out = result;
    return WK_OK;
}
