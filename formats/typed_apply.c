/*
 * Apply: a schema-less tree (as the JSON or MessagePack reader built it)
 * checked against a message definition and turned into WK_MESSAGE values.
 *
 * One recursive walk over the tree. Strings and bytes are shared with the
 * tree (the same arena holds both), so the pass allocates only the message
 * arrays, lists and maps of the result. The path of the value being read is
 * kept as (container, index) frames of the tree, so that an error names it
 * ("$.items[3].price") and the backend can find its byte offset by walking
 * the same indexes through the input; nothing else about positions is kept.
 *
 * What is accepted, for both formats (liberal where it is unambiguous):
 *   integer fields   integers; doubles with no fraction; strings of a number
 *   float, double    numbers; strings of a number; "NaN", "Infinity", "-Infinity"
 *   bool             true, false
 *   string           strings
 *   bytes            bytes; strings of base64 (standard or URL-safe, padding optional)
 *   enum             value names; numbers (unknown numbers only for open enums)
 *   message          maps keyed by json_name, proto name, or (MessagePack) number;
 *                    and the special forms of the well-known types
 *   null             the field's default: absent (google.protobuf.Value: its null)
 */
#include "typed.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Typed messages nested deeper than this fail (WK_ERR_DEPTH): apply is recursive. */
#define TAPPLY_MAX_NESTING 1000

/* Types with up to this many fields keep their bitmaps of given and present fields on the stack. */
#define TAPPLY_LOCAL_FIELDS 512

/* What the special-form functions return when a value takes the ordinary form (no wk_code). */
#define TAPPLY_NOT_SPECIAL ((wk_code)WK_CODE_COUNT)

typedef struct tapply {
    const wk__typed_conv *c;
    uint32_t flags;
    wk_arena *a;
    wk__typed_stack path;         /* where in the value the pass is, for errors */
    uint32_t nesting;
    bool at_key;
    const wk_message_def *root;   /* the type decoded: Any's type URLs resolve in its schema */
    const wk_value *any_map;      /* the map of an Any being read: its "@type" is no field */
} tapply;

/* ---- errors ---- */

static const char *tapply_kind(const tapply *t, const wk_value *v)
{
    if (t->c->json_names) {
        switch ((wk_kind)v->kind) {
        case WK_NULL: return "null";
        case WK_BOOL: return v->as.b ? "true" : "false";
        case WK_INT: case WK_UINT: case WK_DOUBLE: return "a number";
        case WK_STRING: return "a string";
        case WK_LIST: return "an array";
        case WK_MAP: return "an object";
        default: return "a value JSON does not have";
        }
    }
    switch ((wk_kind)v->kind) {
    case WK_NULL: return "nil";
    case WK_BOOL: return v->as.b ? "true" : "false";
    case WK_INT: case WK_UINT: return "an integer";
    case WK_DOUBLE: return "a float";
    case WK_STRING: return "a str";
    case WK_BYTES: return "a bin";
    case WK_EXT: return "an ext";
    case WK_LIST: return "an array";
    case WK_MAP: return "a map";
    default: return "a message";
    }
}

static WK__PRINTF(3, 4) wk_code tapply_fail(tapply *t, wk_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    wk_code rc = wk__typed_vfail(&t->path, code, fmt, ap);
    va_end(ap);
    return rc;
}

static wk_code tapply_nomem(tapply *t) { return tapply_fail(t, WK_ERR_NOMEM, "out of memory"); }

static wk_code tapply_push(tapply *t, const wk_value *container, size_t index)
{
    return wk__typed_push(&t->path, container, index);
}

/* ---- lookups (the schema's own are not needed: a hint makes in-order members cheap) ---- */

/* Whether the NUL-terminated name is exactly s[0..len) (which may hold NUL bytes itself). */
static bool tapply_name_is(const char *name, const char *s, size_t len)
{
    if (!name) return false;
    for (size_t i = 0; i < len; i++)
        if (name[i] != s[i] || name[i] == '\0') return false;
    return name[len] == '\0';
}

static const wk_field_def *tapply_field_by_number(const wk_message_def *m, uint32_t number)
{
    size_t lo = 0, hi = m->field_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->fields[mid].number == number) return &m->fields[mid];
        if (m->fields[mid].number < number) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

static const wk_field_def *tapply_field_by_key(const tapply *t, const wk_message_def *m,
                                               const wk_value *key, size_t *hint)
{
    if (key->kind == WK_STRING) {
        size_t n = m->field_count;
        for (size_t k = 0; k < n; k++) {
            size_t i = (*hint + k) % n;
            const wk_field_def *f = &m->fields[i];
            if (tapply_name_is(f->json_name, key->as.str, key->len) ||
                tapply_name_is(f->name, key->as.str, key->len)) {
                *hint = i + 1 < n ? i + 1 : 0;
                return f;
            }
        }
        return NULL;
    }
    if (t->c->number_keys_allowed && (key->kind == WK_INT || key->kind == WK_UINT)) {
        if (key->kind != WK_INT || key->as.i < 1 || key->as.i > UINT32_MAX) return NULL;
        return tapply_field_by_number(m, (uint32_t)key->as.i);
    }
    return NULL;
}

static const wk_enum_value_def *tapply_enum_by_name(const wk_enum_def *e, const char *s, size_t len)
{
    for (size_t i = 0; i < e->value_count; i++)
        if (tapply_name_is(e->values[i].name, s, len)) return &e->values[i];
    return NULL;
}

static bool tapply_enum_has(const wk_enum_def *e, int64_t number)
{
    for (size_t i = 0; i < e->value_count; i++)
        if (e->values[i].number == number) return true;
    return false;
}

/* ---- presence ---- */

/* Whether a SINGULAR field's value is its default (and so not present). */
static bool tapply_is_default(const wk_field_def *f, const wk_value *v)
{
    switch ((wk_kind)v->kind) {
    case WK_INT:
        if (f->type == WK_TYPE_ENUM && f->enum_def && f->enum_def->value_count)
            return v->as.i == f->enum_def->values[0].number;
        return v->as.i == 0;
    case WK_DOUBLE: {
        uint64_t bits;
        memcpy(&bits, &v->as.d, sizeof bits);
        return bits == 0;   /* -0.0 is written, as protobuf writes it */
    }
    case WK_BOOL: return !v->as.b;
    case WK_STRING: case WK_BYTES: return v->len == 0;
    case WK_NULL: return true;
    default: return false;
    }
}

/* ---- scalars ---- */

static wk_code tapply_message(tapply *t, const wk_message_def *type, const wk_value *in,
                              wk_value *out);

/* A finite double's shortest text, NUL-terminated, in buf (WK__DOUBLE_MAX_CHARS + 1 bytes). */
static const char *tapply_num(double d, char *buf)
{
    buf[wk__format_double(d, buf)] = '\0';
    return buf;
}

/* An integer field: the value, range-checked for its type. */
static wk_code tapply_integer(tapply *t, wk_field_type type, const wk_value *in, wk_value *out)
{
    char num[WK__DOUBLE_MAX_CHARS + 1];
    wk_value v = *in;
    if (v.kind == WK_STRING) {
        if (!wk__number_text_value(v.as.str, v.len, &v))
            return tapply_fail(t, WK_ERR_TYPE, "expected an integer, got the string \"%.40s\"",
                               in->as.str);
    }
    if (v.kind == WK_DOUBLE) {
        double d = v.as.d;
        if (d != d || d - d != 0 || d != floor(d))
            return tapply_fail(t, WK_ERR_TYPE, "expected an integer, got %s", tapply_num(d, num));
        if (d >= -9223372036854775808.0 && d < 9223372036854775808.0) v = wk_value_int((int64_t)d);
        else if (d >= 0 && d < 18446744073709551616.0) v = wk_value_uint((uint64_t)d);
        else return tapply_fail(t, WK_ERR_RANGE, "%s is out of range for %s", tapply_num(d, num),
                                wk__typed_type_name(type));
    }
    if (v.kind != WK_INT && v.kind != WK_UINT)
        return tapply_fail(t, WK_ERR_TYPE, "expected an integer, got %s", tapply_kind(t, in));
    bool ok;
    switch (type) {
    case WK_TYPE_INT32: case WK_TYPE_SINT32: case WK_TYPE_SFIXED32:
        ok = v.kind == WK_INT && v.as.i >= INT32_MIN && v.as.i <= INT32_MAX;
        break;
    case WK_TYPE_UINT32: case WK_TYPE_FIXED32:
        ok = v.kind == WK_INT && v.as.i >= 0 && v.as.i <= UINT32_MAX;
        break;
    case WK_TYPE_INT64: case WK_TYPE_SINT64: case WK_TYPE_SFIXED64:
        ok = v.kind == WK_INT;
        break;
    default: /* UINT64, FIXED64 */
        ok = v.kind == WK_UINT || v.as.i >= 0;
        break;
    }
    if (!ok) {
        num[v.kind == WK_INT ? wk__format_int64(v.as.i, num) : wk__format_uint64(v.as.u, num)] = 0;
        return tapply_fail(t, WK_ERR_RANGE, "%s is out of range for %s", num,
                           wk__typed_type_name(type));
    }
    *out = v;
    return WK_OK;
}

static wk_code tapply_floating(tapply *t, wk_field_type type, const wk_value *in, wk_value *out)
{
    char num[WK__DOUBLE_MAX_CHARS + 1];
    double d;
    switch ((wk_kind)in->kind) {
    case WK_DOUBLE: d = in->as.d; break;
    case WK_INT: d = (double)in->as.i; break;
    case WK_UINT: d = (double)in->as.u; break;
    case WK_STRING: {
        if (tapply_name_is("NaN", in->as.str, in->len)) { d = NAN; break; }
        if (tapply_name_is("Infinity", in->as.str, in->len)) { d = INFINITY; break; }
        if (tapply_name_is("-Infinity", in->as.str, in->len)) { d = -INFINITY; break; }
        wk_value v;
        if (!wk__number_text_value(in->as.str, in->len, &v))
            return tapply_fail(t, WK_ERR_TYPE, "expected a number, got the string \"%.40s\"",
                               in->as.str);
        d = v.kind == WK_DOUBLE ? v.as.d : v.kind == WK_INT ? (double)v.as.i : (double)v.as.u;
        break;
    }
    default:
        return tapply_fail(t, WK_ERR_TYPE, "expected a number, got %s", tapply_kind(t, in));
    }
    if (type == WK_TYPE_FLOAT) {
        if (d - d == 0 && fabs(d) > FLT_MAX && (float)d - (float)d != 0)
            return tapply_fail(t, WK_ERR_RANGE, "%s is out of range for float", tapply_num(d, num));
        if (d == d) d = (double)(float)d;
    }
    *out = wk_value_double(d);
    return WK_OK;
}

static wk_code tapply_bytes(tapply *t, const wk_value *in, wk_value *out)
{
    if (in->kind == WK_BYTES) {
        *out = *in;
        return WK_OK;
    }
    if (in->kind != WK_STRING)
        return tapply_fail(t, WK_ERR_TYPE, "expected base64 text, got %s", tapply_kind(t, in));
    uint8_t *buf = wk__arena_alloc(t->a, (size_t)in->len / 4 * 3 + 4);
    if (!buf) return tapply_nomem(t);
    size_t n;
    if (!wk__base64_decode(in->as.str, in->len, buf, &n))
        return tapply_fail(t, WK_ERR_TYPE, "expected base64 text, got \"%.40s\"", in->as.str);
    buf[n] = 0;
    *out = (wk_value){.kind = WK_BYTES, .len = (uint32_t)n, .as.str = (const char *)buf};
    return WK_OK;
}

static wk_code tapply_enum(tapply *t, const wk_enum_def *e, const wk_value *in, wk_value *out)
{
    if (wk__wkt_is_null_value(e) && in->kind == WK_NULL) {
        *out = wk_value_int(0);
        return WK_OK;
    }
    if (in->kind == WK_STRING) {
        const wk_enum_value_def *ev = tapply_enum_by_name(e, in->as.str, in->len);
        if (ev) {
            *out = wk_value_int(ev->number);
            return WK_OK;
        }
        /* A number written as a string is still a number. */
        wk_value v;
        if (wk__number_text_kind(in->as.str, in->len) != WK__NUMTEXT_INT ||
            !wk__number_text_value(in->as.str, in->len, &v))
            return tapply_fail(t, WK_ERR_TYPE, "\"%.40s\" is not a value of %s", in->as.str,
                               e->full_name);
        return tapply_enum(t, e, &v, out);
    }
    if (in->kind != WK_INT)
        return tapply_fail(t, WK_ERR_TYPE, "expected a value of %s (a name or a number), got %s",
                           e->full_name, tapply_kind(t, in));
    if (in->as.i < INT32_MIN || in->as.i > INT32_MAX)
        return tapply_fail(t, WK_ERR_RANGE, "%lld is out of range for an enum",
                           (long long)in->as.i);
    if (e->closed && !tapply_enum_has(e, in->as.i))
        return tapply_fail(t, WK_ERR_TYPE, "%lld is not a value of the closed enum %s",
                           (long long)in->as.i, e->full_name);
    *out = *in;
    return WK_OK;
}

/* One value of a field's type (an element, for repeated and map fields). */
static wk_code tapply_single(tapply *t, const wk_field_def *f, const wk_value *in, wk_value *out)
{
    switch (f->type) {
    case WK_TYPE_DOUBLE: case WK_TYPE_FLOAT:
        return tapply_floating(t, f->type, in, out);
    case WK_TYPE_INT64: case WK_TYPE_UINT64: case WK_TYPE_INT32: case WK_TYPE_FIXED64:
    case WK_TYPE_FIXED32: case WK_TYPE_UINT32: case WK_TYPE_SFIXED32: case WK_TYPE_SFIXED64:
    case WK_TYPE_SINT32: case WK_TYPE_SINT64:
        return tapply_integer(t, f->type, in, out);
    case WK_TYPE_BOOL:
        if (in->kind != WK_BOOL)
            return tapply_fail(t, WK_ERR_TYPE, "expected true or false, got %s", tapply_kind(t, in));
        *out = *in;
        return WK_OK;
    case WK_TYPE_STRING:
        if (in->kind != WK_STRING)
            return tapply_fail(t, WK_ERR_TYPE, "expected a string, got %s", tapply_kind(t, in));
        *out = *in;
        return WK_OK;
    case WK_TYPE_BYTES:
        return tapply_bytes(t, in, out);
    case WK_TYPE_ENUM:
        if (!f->enum_def) return tapply_fail(t, WK_ERR_INVALID, "enum field has no resolved type");
        return tapply_enum(t, f->enum_def, in, out);
    case WK_TYPE_MESSAGE: case WK_TYPE_GROUP:
        if (!f->message) return tapply_fail(t, WK_ERR_INVALID, "message field has no resolved type");
        return tapply_message(t, f->message, in, out);
    }
    return tapply_fail(t, WK_ERR_INVALID, "field of unknown type %d", (int)f->type);
}

static bool tapply_accepts_null(const wk_field_def *f)
{
    return (f->type == WK_TYPE_MESSAGE && wk__wkt_of(f->message) == WK__WKT_VALUE) ||
           (f->type == WK_TYPE_ENUM && wk__wkt_is_null_value(f->enum_def));
}

/* ---- repeated and map fields ---- */

static wk_code tapply_list(tapply *t, const wk_field_def *f, const wk_value *in, wk_value *out)
{
    if (in->kind != WK_LIST)
        return tapply_fail(t, WK_ERR_TYPE, "expected an array, got %s", tapply_kind(t, in));
    wk_value *items = wk_value_list(t->a, in->len, out);
    if (!items) return tapply_nomem(t);
    for (uint32_t i = 0; i < in->len; i++) {
        const wk_value *item = &in->as.items[i];
        wk_code rc = tapply_push(t, in, i);
        if (rc != WK_OK) return rc;
        if (item->kind == WK_NULL && !tapply_accepts_null(f))
            return tapply_fail(t, WK_ERR_TYPE, "null is not allowed as an element of a repeated field");
        rc = tapply_single(t, f, item, &items[i]);
        if (rc != WK_OK) return rc;
        t->path.depth--;
    }
    return WK_OK;
}

/* A map key from the input (a string in JSON; typed or a string in MessagePack). */
static wk_code tapply_map_key(tapply *t, const wk_field_def *kf, const wk_value *in, wk_value *out)
{
    t->at_key = true;
    wk_code rc;
    if (kf->type == WK_TYPE_STRING) {
        if (in->kind != WK_STRING)
            return tapply_fail(t, WK_ERR_TYPE, "expected a string map key, got %s", tapply_kind(t, in));
        *out = *in;
    } else if (kf->type == WK_TYPE_BOOL) {
        if (in->kind == WK_BOOL) *out = *in;
        else if (in->kind == WK_STRING && tapply_name_is("true", in->as.str, in->len)) *out = wk_value_bool(true);
        else if (in->kind == WK_STRING && tapply_name_is("false", in->as.str, in->len)) *out = wk_value_bool(false);
        else return tapply_fail(t, WK_ERR_TYPE, "expected a bool map key (\"true\" or \"false\")");
    } else {
        if (in->kind == WK_STRING && wk__number_text_kind(in->as.str, in->len) != WK__NUMTEXT_INT)
            return tapply_fail(t, WK_ERR_TYPE, "map key \"%.40s\" is not an integer", in->as.str);
        rc = tapply_integer(t, kf->type, in, out);
        if (rc != WK_OK) return rc;
    }
    t->at_key = false;
    return WK_OK;
}

static wk_code tapply_map(tapply *t, const wk_field_def *f, const wk_value *in, wk_value *out)
{
    if (in->kind != WK_MAP)
        return tapply_fail(t, WK_ERR_TYPE, "expected an object, got %s", tapply_kind(t, in));
    const wk_field_def *kf = f->message ? tapply_field_by_number(f->message, 1) : NULL;
    const wk_field_def *vf = f->message ? tapply_field_by_number(f->message, 2) : NULL;
    if (!kf || !vf) return tapply_fail(t, WK_ERR_INVALID, "map field without a key and a value");
    wk_member *members = wk_value_map(t->a, in->len, out);
    if (!members) return tapply_nomem(t);
    for (uint32_t i = 0; i < in->len; i++) {
        const wk_member *m = &in->as.members[i];
        wk_code rc = tapply_push(t, in, i);
        if (rc != WK_OK) return rc;
        rc = tapply_map_key(t, kf, &m->key, &members[i].key);
        if (rc != WK_OK) return rc;
        if (m->value.kind == WK_NULL && !tapply_accepts_null(vf))
            return tapply_fail(t, WK_ERR_TYPE, "null is not allowed as a map value");
        rc = tapply_single(t, vf, &m->value, &members[i].value);
        if (rc != WK_OK) return rc;
        t->path.depth--;
    }
    return WK_OK;
}

/*
 * A field's value: *present says whether the message holds it (null, an
 * empty list or map, a SINGULAR field's default are absent).
 */
static wk_code tapply_field(tapply *t, const wk_field_def *f, const wk_value *in, wk_value *out,
                            bool *present)
{
    *present = false;
    if (in->kind == WK_NULL && !(f->label != WK_LABEL_REPEATED && tapply_accepts_null(f)))
        return WK_OK;
    wk_code rc;
    if (f->label == WK_LABEL_REPEATED) {
        rc = f->is_map ? tapply_map(t, f, in, out) : tapply_list(t, f, in, out);
        if (rc == WK_OK) *present = out->len > 0;
        return rc;
    }
    rc = tapply_single(t, f, in, out);
    if (rc == WK_OK) *present = f->label != WK_LABEL_SINGULAR || !tapply_is_default(f, out);
    return rc;
}

/* ---- messages ---- */

/* A message of `type` from (field number, value) pairs in number order; defaults of SINGULAR fields left out. */
static wk_code tapply_make(tapply *t, const wk_message_def *type, const uint32_t *numbers,
                           const wk_value *values, size_t n, wk_value *out)
{
    wk_message *m = wk_value_message(t->a, type, n, 0, out);
    if (!m) return tapply_nomem(t);
    wk_field_value *fields = (wk_field_value *)m->fields;
    uint32_t count = 0;
    for (size_t i = 0; i < n; i++) {
        const wk_field_def *f = tapply_field_by_number(type, numbers[i]);
        if (!f) return tapply_fail(t, WK_ERR_INVALID, "%s has no field %u", type->full_name, numbers[i]);
        if (f->label == WK_LABEL_SINGULAR && tapply_is_default(f, &values[i])) continue;
        if (f->label == WK_LABEL_REPEATED && values[i].len == 0) continue;
        fields[count].field = f;
        fields[count].value = values[i];
        count++;
    }
    m->field_count = count;
    return WK_OK;
}

static wk_code tapply_value_wkt(tapply *t, const wk_message_def *type, const wk_value *in,
                                wk_value *out);

/* google.protobuf.Struct from a map with string keys. */
static wk_code tapply_struct(tapply *t, const wk_message_def *type, const wk_value *in,
                             wk_value *out)
{
    const wk_field_def *ff = tapply_field_by_number(type, 1);
    const wk_message_def *value_type = ff && ff->message ? ff->message->field_count >= 2
                                           ? ff->message->fields[1].message : NULL : NULL;
    if (!value_type) return tapply_fail(t, WK_ERR_INVALID, "malformed google.protobuf.Struct");
    wk_value map;
    wk_member *members = wk_value_map(t->a, in->len, &map);
    if (!members) return tapply_nomem(t);
    for (uint32_t i = 0; i < in->len; i++) {
        wk_code rc = tapply_push(t, in, i);
        if (rc != WK_OK) return rc;
        if (in->as.members[i].key.kind != WK_STRING) {
            t->at_key = true;
            return tapply_fail(t, WK_ERR_TYPE, "google.protobuf.Struct keys must be strings");
        }
        members[i].key = in->as.members[i].key;
        rc = tapply_value_wkt(t, value_type, &in->as.members[i].value, &members[i].value);
        if (rc != WK_OK) return rc;
        t->path.depth--;
    }
    uint32_t one = 1;
    return tapply_make(t, type, &one, &map, 1, out);
}

/* google.protobuf.ListValue from a list. */
static wk_code tapply_list_value(tapply *t, const wk_message_def *type, const wk_value *in,
                                 wk_value *out)
{
    const wk_field_def *vf = tapply_field_by_number(type, 1);
    if (!vf || !vf->message) return tapply_fail(t, WK_ERR_INVALID, "malformed google.protobuf.ListValue");
    wk_value list;
    wk_value *items = wk_value_list(t->a, in->len, &list);
    if (!items) return tapply_nomem(t);
    for (uint32_t i = 0; i < in->len; i++) {
        wk_code rc = tapply_push(t, in, i);
        if (rc != WK_OK) return rc;
        rc = tapply_value_wkt(t, vf->message, &in->as.items[i], &items[i]);
        if (rc != WK_OK) return rc;
        t->path.depth--;
    }
    uint32_t one = 1;
    return tapply_make(t, type, &one, &list, 1, out);
}

/* google.protobuf.Value from any value. */
static wk_code tapply_value_wkt(tapply *t, const wk_message_def *type, const wk_value *in,
                                wk_value *out)
{
    if (++t->nesting > TAPPLY_MAX_NESTING || t->nesting > t->path.max_depth)
        return tapply_fail(t, WK_ERR_DEPTH, "messages nested deeper than the limit");
    uint32_t number;
    wk_value v;
    wk_code rc = WK_OK;
    switch ((wk_kind)in->kind) {
    case WK_NULL: number = 1; v = wk_value_int(0); break;
    case WK_INT: number = 2; v = wk_value_double((double)in->as.i); break;
    case WK_UINT: number = 2; v = wk_value_double((double)in->as.u); break;
    case WK_DOUBLE: number = 2; v = *in; break;
    case WK_STRING: number = 3; v = *in; break;
    case WK_BOOL: number = 4; v = *in; break;
    case WK_MAP: {
        number = 5;
        const wk_field_def *sf = tapply_field_by_number(type, 5);
        if (!sf || !sf->message) return tapply_fail(t, WK_ERR_INVALID, "malformed google.protobuf.Value");
        rc = tapply_struct(t, sf->message, in, &v);
        break;
    }
    case WK_LIST: {
        number = 6;
        const wk_field_def *lf = tapply_field_by_number(type, 6);
        if (!lf || !lf->message) return tapply_fail(t, WK_ERR_INVALID, "malformed google.protobuf.Value");
        rc = tapply_list_value(t, lf->message, in, &v);
        break;
    }
    default:
        return tapply_fail(t, WK_ERR_TYPE, "google.protobuf.Value cannot hold %s", tapply_kind(t, in));
    }
    if (rc != WK_OK) return rc;
    t->nesting--;
    return tapply_make(t, type, &number, &v, 1, out);
}

/* Timestamp and Duration from their text (or a MessagePack timestamp extension). */
static wk_code tapply_time(tapply *t, wk__wkt kind, const wk_message_def *type, const wk_value *in,
                           wk_value *out)
{
    int64_t seconds = 0;
    int32_t nanos = 0;
    const char *why = "";
    if (kind == WK__WKT_TIMESTAMP && in->kind == WK_EXT && in->ext_type == -1) {
        const uint8_t *p = (const uint8_t *)in->as.str;
        uint64_t w = 0;
        if (in->len == 4) {
            for (int k = 0; k < 4; k++) w = w << 8 | p[k];
            seconds = (int64_t)w;
        } else if (in->len == 8) {
            for (int k = 0; k < 8; k++) w = w << 8 | p[k];
            nanos = (int32_t)(w >> 34);
            seconds = (int64_t)(w & 0x3FFFFFFFFull);
        } else if (in->len == 12) {
            nanos = (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
            for (int k = 4; k < 12; k++) w = w << 8 | p[k];
            seconds = (int64_t)w;
        } else {
            return tapply_fail(t, WK_ERR_TYPE, "malformed MessagePack timestamp extension");
        }
        if (nanos < 0 || nanos > 999999999)
            return tapply_fail(t, WK_ERR_RANGE, "timestamp nanoseconds out of range");
    } else if (in->kind != WK_STRING) {
        return tapply_fail(t, WK_ERR_TYPE, "expected a %s string, got %s",
                           kind == WK__WKT_TIMESTAMP ? "timestamp" : "duration", tapply_kind(t, in));
    } else if (kind == WK__WKT_TIMESTAMP ? !wk__timestamp_parse(in->as.str, in->len, &seconds, &nanos, &why)
                                         : !wk__duration_parse(in->as.str, in->len, &seconds, &nanos, &why)) {
        return tapply_fail(t, WK_ERR_TYPE, "%s, got \"%.40s\"", why, in->as.str);
    }
    uint32_t numbers[2] = {1, 2};
    wk_value values[2] = {wk_value_int(seconds), wk_value_int(nanos)};
    return tapply_make(t, type, numbers, values, 2, out);
}

/* FieldMask from "a.b,cD": paths in snake_case. */
static wk_code tapply_field_mask(tapply *t, const wk_message_def *type, const wk_value *in,
                                 wk_value *out)
{
    if (in->kind != WK_STRING)
        return tapply_fail(t, WK_ERR_TYPE, "expected a field mask string, got %s", tapply_kind(t, in));
    size_t count = 0;
    if (in->len) {
        count = 1;
        for (uint32_t i = 0; i < in->len; i++) count += in->as.str[i] == ',';
    }
    wk_value list;
    wk_value *items = wk_value_list(t->a, count, &list);
    if (!items) return tapply_nomem(t);
    size_t start = 0;
    for (size_t k = 0; k < count; k++) {
        size_t end = start;
        while (end < in->len && in->as.str[end] != ',') end++;
        size_t cap = 2 * (end - start) + 1, n;
        char *buf = wk__arena_alloc(t->a, cap);
        if (!buf) return tapply_nomem(t);
        if (!wk__field_path_to_snake(in->as.str + start, end - start, buf, cap, &n))
            return tapply_fail(t, WK_ERR_TYPE, "field mask path \"%.*s\" is not lowerCamelCase",
                               (int)(end - start > 60 ? 60 : end - start), in->as.str + start);
        buf[n] = 0;
        items[k] = (wk_value){.kind = WK_STRING, .len = (uint32_t)n, .as.str = buf};
        start = end + 1;
    }
    uint32_t one = 1;
    return tapply_make(t, type, &one, &list, 1, out);
}

/* A wrapper (google.protobuf.Int32Value, ...) from its bare value. */
static wk_code tapply_wrapper(tapply *t, const wk_message_def *type, const wk_value *in,
                              wk_value *out)
{
    const wk_field_def *vf = tapply_field_by_number(type, 1);
    if (!vf) return tapply_fail(t, WK_ERR_INVALID, "malformed wrapper %s", type->full_name);
    wk_value v;
    wk_code rc = tapply_single(t, vf, in, &v);
    if (rc != WK_OK) return rc;
    uint32_t one = 1;
    return tapply_make(t, type, &one, &v, 1, out);
}

/* The index of the member of map `in` whose key is the string `key`, or in->len. */
static uint32_t tapply_member_index(const wk_value *in, const char *key)
{
    size_t n = strlen(key);
    for (uint32_t i = 0; i < in->len; i++) {
        const wk_value *k = &in->as.members[i].key;
        if (k->kind == WK_STRING && k->len == n && memcmp(k->as.str, key, n) == 0) return i;
    }
    return in->len;
}

/*
 * google.protobuf.Any from {"@type": URL, fields...}, or {"@type": URL,
 * "value": special form} for a well-known type with one. The type URL
 * must name a message of the schema; the payload is then written as
 * Protocol Buffers (through the registry's protobuf format) into `value`.
 */
static wk_code tapply_any(tapply *t, const wk_message_def *type, const wk_value *in, wk_value *out)
{
    uint32_t at = tapply_member_index(in, "@type");
    const wk_value *url = &in->as.members[at].value;
    wk_code rc = tapply_push(t, in, at);
    if (rc != WK_OK) return rc;
    if (url->kind != WK_STRING)
        return tapply_fail(t, WK_ERR_TYPE, "expected a type URL string, got %s", tapply_kind(t, url));
    const wk_message_def *payload_type = wk__typed_resolve_url(t->root, url->as.str, url->len);
    if (!payload_type)
        return tapply_fail(t, WK_ERR_NOT_FOUND, "type URL \"%.80s\" names no message of the schema",
                           url->as.str);
    const wk_format *pb = wk_format_find("protobuf");
    if (!pb) return tapply_fail(t, WK_ERR_UNSUPPORTED, "google.protobuf.Any needs the protobuf format");
    t->path.depth--;

    wk_value payload;
    wk__wkt kind = wk__wkt_of(payload_type);
    if (kind != WK__WKT_NONE && kind != WK__WKT_EMPTY) {
        uint32_t vi = tapply_member_index(in, "value");
        if (vi == in->len) {
            wk_value empty_map = {.kind = WK_MAP};
            rc = tapply_message(t, payload_type, &empty_map, &payload);
        } else {
            if ((rc = tapply_push(t, in, vi)) != WK_OK) return rc;
            rc = tapply_message(t, payload_type, &in->as.members[vi].value, &payload);
            if (rc == WK_OK) t->path.depth--;
        }
    } else {
        const wk_value *saved = t->any_map;
        t->any_map = in;
        rc = tapply_message(t, payload_type, in, &payload);
        t->any_map = saved;
    }
    if (rc != WK_OK) return rc;

    wk_buf bytes;
    wk_buf_init(&bytes);
    wk_status pst;
    rc = wk_encode(pb, &payload, NULL, &bytes, &pst);
    wk_value values[2] = {*url, wk_value_null()};
    if (rc == WK_OK && wk_value_bytes(t->a, bytes.data, bytes.len, &values[1]) != WK_OK) rc = WK_ERR_NOMEM;
    wk_buf_destroy(&bytes);
    if (rc == WK_ERR_NOMEM) return tapply_nomem(t);
    if (rc != WK_OK) return tapply_fail(t, rc, "google.protobuf.Any payload: %s", pst.msg);
    uint32_t numbers[2] = {1, 2};
    return tapply_make(t, type, numbers, values, 2, out);
}

/* The special forms of the well-known types; TAPPLY_NOT_SPECIAL when `in` is not one. */
static wk_code tapply_wkt(tapply *t, wk__wkt kind, const wk_message_def *type, const wk_value *in,
                          wk_value *out)
{
    switch (kind) {
    case WK__WKT_TIMESTAMP: case WK__WKT_DURATION:
        if (in->kind == WK_MAP) return TAPPLY_NOT_SPECIAL;
        return tapply_time(t, kind, type, in, out);
    case WK__WKT_WRAPPER:
        if (in->kind == WK_MAP) return TAPPLY_NOT_SPECIAL;
        return tapply_wrapper(t, type, in, out);
    case WK__WKT_STRUCT:
        if (in->kind != WK_MAP)
            return tapply_fail(t, WK_ERR_TYPE, "expected an object, got %s", tapply_kind(t, in));
        return tapply_struct(t, type, in, out);
    case WK__WKT_VALUE:
        return tapply_value_wkt(t, type, in, out);
    case WK__WKT_LIST_VALUE:
        if (in->kind != WK_LIST)
            return tapply_fail(t, WK_ERR_TYPE, "expected an array, got %s", tapply_kind(t, in));
        return tapply_list_value(t, type, in, out);
    case WK__WKT_FIELD_MASK:
        if (in->kind == WK_MAP) return TAPPLY_NOT_SPECIAL;
        return tapply_field_mask(t, type, in, out);
    case WK__WKT_ANY:
        if (in->kind == WK_MAP && wk_map_get(in, "@type")) return tapply_any(t, type, in, out);
        return TAPPLY_NOT_SPECIAL;
    default:
        return TAPPLY_NOT_SPECIAL;
    }
}

static wk_code tapply_message(tapply *t, const wk_message_def *type, const wk_value *in,
                              wk_value *out)
{
    wk__wkt kind = wk__wkt_of(type);
    if (kind != WK__WKT_NONE) {
        wk_code rc = tapply_wkt(t, kind, type, in, out);
        if (rc != TAPPLY_NOT_SPECIAL) return rc;
    }
    if (in->kind != WK_MAP)
        return tapply_fail(t, WK_ERR_TYPE, "expected %s for %s, got %s",
                           t->c->json_names ? "an object" : "a map", type->full_name,
                           tapply_kind(t, in));
    if (++t->nesting > TAPPLY_MAX_NESTING || t->nesting > t->path.max_depth)
        return tapply_fail(t, WK_ERR_DEPTH, "messages nested deeper than the limit");

    /*
     * The fields present go into an array as long as the input's member list
     * (never one slot per field of the type: a type with a thousand fields
     * read from "{}" costs nothing), in input order, sorted by number at the
     * end. Two bitmaps, on the stack for types of up to 512 fields, say which
     * fields were given (to refuse one given twice) and which are present
     * (to refuse two members of a oneof).
     */
    size_t nfields = type->field_count;
    uint64_t local_bits[2 * TAPPLY_LOCAL_FIELDS / 64];
    size_t words = (nfields + 63) / 64;
    uint64_t *given = local_bits;
    if (nfields > TAPPLY_LOCAL_FIELDS) {
        given = wk__arena_alloc(t->a, 2 * words * sizeof *given);
        if (!given) return tapply_nomem(t);
    }
    uint64_t *present_bits = given + words;
    memset(given, 0, 2 * words * sizeof *given);

    wk_message *m = wk_value_message(t->a, type, in->len, 0, out);
    if (!m) return tapply_nomem(t);
    wk_field_value *fields = (wk_field_value *)m->fields;
    uint32_t count = 0;
    bool sorted = true;
    wk_member *unknown = NULL;
    uint32_t nunknown = 0;
    size_t hint = 0;

    for (uint32_t i = 0; i < in->len; i++) {
        const wk_member *mem = &in->as.members[i];
        wk_code rc = tapply_push(t, in, i);
        if (rc != WK_OK) return rc;
        const wk_field_def *f = tapply_field_by_key(t, type, &mem->key, &hint);
        if (!f && in == t->any_map && mem->key.kind == WK_STRING && mem->key.len == 5 &&
            memcmp(mem->key.as.str, "@type", 5) == 0) {
            t->path.depth--;
            continue;
        }
        if (!f) {
            if (t->flags & WK_DECODE_UNKNOWN_ERROR) {
                t->at_key = true;
                if (mem->key.kind == WK_STRING)
                    return tapply_fail(t, WK_ERR_TYPE, "unknown field \"%.60s\" in %s",
                                       mem->key.as.str, type->full_name);
                if (mem->key.kind == WK_INT)
                    return tapply_fail(t, WK_ERR_TYPE, "unknown field number %lld in %s",
                                       (long long)mem->key.as.i, type->full_name);
                return tapply_fail(t, WK_ERR_TYPE, "unknown field (a %s key) in %s",
                                   wk_kind_name((wk_kind)mem->key.kind), type->full_name);
            }
            if (!(t->flags & WK_DECODE_UNKNOWN_DROP)) {
                if (!unknown) {
                    unknown = wk__arena_alloc(t->a, (size_t)(in->len - i) * sizeof *unknown);
                    if (!unknown) return tapply_nomem(t);
                }
                unknown[nunknown++] = *mem;
            }
            t->path.depth--;
            continue;
        }
        size_t idx = (size_t)(f - type->fields);
        if (given[idx / 64] >> (idx % 64) & 1) {
            t->at_key = true;
            return tapply_fail(t, WK_ERR_TYPE, "field %s is given twice", f->name);
        }
        given[idx / 64] |= (uint64_t)1 << (idx % 64);
        bool present;
        wk_value value;
        rc = tapply_field(t, f, &mem->value, &value, &present);
        if (rc != WK_OK) return rc;
        if (present) {
            if (f->oneof_index >= 0 && (size_t)f->oneof_index < type->oneof_count &&
                !type->oneofs[f->oneof_index].synthetic) {
                const wk_oneof_def *o = &type->oneofs[f->oneof_index];
                for (size_t k = 0; k < o->field_count; k++) {
                    size_t other = (size_t)(o->fields[k] - type->fields);
                    if (other < nfields && other != idx && (present_bits[other / 64] >> (other % 64) & 1)) {
                        t->at_key = true;
                        return tapply_fail(t, WK_ERR_TYPE,
                                           "%s and %s are both set, but oneof %s allows one",
                                           o->fields[k]->name, f->name, o->name);
                    }
                }
            }
            present_bits[idx / 64] |= (uint64_t)1 << (idx % 64);
            if (count && fields[count - 1].field->number > f->number) sorted = false;
            fields[count].field = f;
            fields[count].value = value;
            count++;
        }
        t->path.depth--;
    }

    /* Field-number order: an insertion sort, for members that came out of order. */
    if (!sorted) {
        for (uint32_t i = 1; i < count; i++) {
            wk_field_value moving = fields[i];
            uint32_t j = i;
            for (; j > 0 && fields[j - 1].field->number > moving.field->number; j--)
                fields[j] = fields[j - 1];
            fields[j] = moving;
        }
    }
    m->field_count = count;
    m->unknown = unknown ? unknown : (const wk_member *)fields;
    m->unknown_count = nunknown;
    t->nesting--;
    return WK_OK;
}

wk_code wk__typed_apply(const wk__typed_conv *c, const wk_value *tree, const wk_message_def *type,
                        uint32_t flags, uint32_t max_depth, wk_arena *a, const wk_value **out,
                        wk__typed_where *where, wk_status *st)
{
    tapply t = {0};
    t.c = c;
    t.flags = flags;
    t.path.max_depth = wk__depth_limit(max_depth);
    t.a = a;
    t.path.st = st;
    t.root = type;
    where->frames = NULL;
    where->depth = 0;
    where->at_key = false;
    wk_value *result = wk__arena_alloc(a, sizeof *result);
    wk_code rc = result ? tapply_message(&t, type, tree, result) : wk__fail(st, WK_ERR_NOMEM, 0, "$: out of memory");
    if (rc == WK_OK) {
        free(t.path.frames);
        *out = result;
        return WK_OK;
    }
    where->frames = t.path.frames;
    where->depth = t.path.depth;
    where->at_key = t.at_key;
    return rc;
}
