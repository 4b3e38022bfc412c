/*
 * Render: WK_MESSAGE values turned into the schema-less tree a format's
 * writer writes, by the format's conventions (formats/typed.h). The tree is
 * built in a scratch arena that the backend frees once it has written it.
 * Strings and bytes are shared with the message, not copied; base64 and
 * decimal texts are made here.
 *
 * The path of the value being rendered is kept as (container, index)
 * frames of the output tree (a member's key is set before its value is
 * rendered), so that an error names it by the names the format writes.
 */
#include "typed.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define TRENDER_MAX_NESTING 1000

/* What the special-form functions return when a value takes the ordinary form (no wk_code). */
#define TRENDER_NOT_SPECIAL ((wk_code)WK_CODE_COUNT)

typedef struct trender {
    const wk__typed_conv *c;
    uint32_t flags;
    wk_arena *a;
    wk__typed_stack path;         /* where in the value the pass is, for errors */
    uint32_t nesting;
    const wk_message_def *root;   /* the first message type rendered: Any's type URLs resolve in its schema */
} trender;

static WK__PRINTF(3, 4) wk_code trender_fail(trender *t, wk_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    wk_code rc = wk__typed_vfail(&t->path, code, fmt, ap);
    va_end(ap);
    return rc;
}

static wk_code trender_nomem(trender *t) { return trender_fail(t, WK_ERR_NOMEM, "out of memory"); }

static wk_code trender_push(trender *t, const wk_value *container, size_t index)
{
    return wk__typed_push(&t->path, container, index);
}

static const wk_field_def *trender_field_def(const wk_message_def *m, uint32_t number)
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

static const wk_value *trender_get(const wk_message *m, uint32_t number)
{
    for (uint32_t i = 0; i < m->field_count; i++)
        if (m->fields[i].field && m->fields[i].field->number == number) return &m->fields[i].value;
    return NULL;
}

static wk_code trender_text(trender *t, const char *s, size_t n, wk_value *out)
{
    if (wk_value_string(t->a, s, n, out) != WK_OK) return trender_nomem(t);
    return WK_OK;
}

static const char *trender_kind(const wk_value *v) { return wk_kind_name((wk_kind)v->kind); }

static wk_code trender_message(trender *t, const wk_value *v, wk_value *out);
static wk_code trender_any(trender *t, const wk_message *m, wk_value *out);
static wk_code trender_value(trender *t, const wk_value *v, wk_value *out);

/* ---- scalars ---- */

static bool trender_is_64(wk_field_type type)
{
    return type == WK_TYPE_INT64 || type == WK_TYPE_UINT64 || type == WK_TYPE_FIXED64 ||
           type == WK_TYPE_SFIXED64 || type == WK_TYPE_SINT64;
}

static wk_code trender_double(trender *t, wk_field_type type, double d, wk_value *out)
{
    if (t->c->nonfinite_as_string && !(d - d == 0)) {
        const char *s = d != d ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
        return trender_text(t, s, strlen(s), out);
    }
    *out = wk_value_double(d);
    out->reserved = type == WK_TYPE_FLOAT ? WK__DOUBLE_AS_FLOAT32 : WK__DOUBLE_AS_FLOAT64;
    return WK_OK;
}

/* One value of a field's type (an element, for repeated and map fields). */
static wk_code trender_single(trender *t, const wk_field_def *f, const wk_value *v, wk_value *out)
{
    switch (f->type) {
    case WK_TYPE_DOUBLE: case WK_TYPE_FLOAT:
        if (v->kind == WK_DOUBLE) return trender_double(t, f->type, v->as.d, out);
        if (v->kind == WK_INT) return trender_double(t, f->type, (double)v->as.i, out);
        break;
    case WK_TYPE_INT64: case WK_TYPE_UINT64: case WK_TYPE_INT32: case WK_TYPE_FIXED64:
    case WK_TYPE_FIXED32: case WK_TYPE_UINT32: case WK_TYPE_SFIXED32: case WK_TYPE_SFIXED64:
    case WK_TYPE_SINT32: case WK_TYPE_SINT64:
        if (v->kind != WK_INT && v->kind != WK_UINT) break;
        if (t->c->int64_as_string && trender_is_64(f->type)) {
            char num[24];
            size_t n = v->kind == WK_INT ? wk__format_int64(v->as.i, num) : wk__format_uint64(v->as.u, num);
            return trender_text(t, num, n, out);
        }
        *out = *v;
        return WK_OK;
    case WK_TYPE_BOOL:
        if (v->kind != WK_BOOL) break;
        *out = *v;
        return WK_OK;
    case WK_TYPE_STRING:
        if (v->kind != WK_STRING) break;
        *out = *v;
        return WK_OK;
    case WK_TYPE_BYTES:
        if (v->kind != WK_BYTES && v->kind != WK_STRING) break;
        if (t->c->bytes_as_base64) {
            size_t n = wk__base64_len(v->len);
            char *p = wk__arena_alloc(t->a, n + 1);
            if (!p) return trender_nomem(t);
            wk__base64_encode((const uint8_t *)v->as.str, v->len, p);
            p[n] = 0;
            *out = (wk_value){.kind = WK_STRING, .len = (uint32_t)n, .as.str = p};
            return WK_OK;
        }
        *out = *v;
        out->kind = WK_BYTES;
        return WK_OK;
    case WK_TYPE_ENUM:
        if (v->kind != WK_INT) break;
        if (f->enum_def && wk__wkt_is_null_value(f->enum_def)) {
            *out = wk_value_null();
            return WK_OK;
        }
        if (t->c->enum_as_name && f->enum_def) {
            for (size_t i = 0; i < f->enum_def->value_count; i++)
                if (f->enum_def->values[i].number == v->as.i) {
                    const char *name = f->enum_def->values[i].name;
                    *out = (wk_value){.kind = WK_STRING, .len = (uint32_t)strlen(name), .as.str = name};
                    return WK_OK;
                }
        }
        *out = *v;
        return WK_OK;
    case WK_TYPE_MESSAGE: case WK_TYPE_GROUP:
        if (v->kind != WK_MESSAGE) break;
        return trender_message(t, v, out);
    }
    return trender_fail(t, WK_ERR_TYPE, "a %s field holds a value of kind %s",
                        wk__typed_type_name(f->type), trender_kind(v));
}

/* The default of a field without presence, for WK_ENCODE_EMIT_DEFAULTS. */
static wk_code trender_default(trender *t, const wk_field_def *f, wk_value *out)
{
    if (f->label == WK_LABEL_REPEATED) {
        if (f->is_map) {
            if (!wk_value_map(t->a, 0, out)) return trender_nomem(t);
        } else if (!wk_value_list(t->a, 0, out)) {
            return trender_nomem(t);
        }
        return WK_OK;
    }
    wk_value zero;
    switch (f->type) {
    case WK_TYPE_DOUBLE: case WK_TYPE_FLOAT: zero = wk_value_double(0); break;
    case WK_TYPE_BOOL: zero = wk_value_bool(false); break;
    case WK_TYPE_STRING: zero = (wk_value){.kind = WK_STRING, .as.str = ""}; break;
    case WK_TYPE_BYTES: zero = (wk_value){.kind = WK_BYTES, .as.str = ""}; break;
    case WK_TYPE_ENUM:
        zero = wk_value_int(f->enum_def && f->enum_def->value_count ? f->enum_def->values[0].number : 0);
        break;
    case WK_TYPE_MESSAGE: case WK_TYPE_GROUP: *out = wk_value_null(); return WK_OK;
    default: zero = wk_value_int(0); break;
    }
    return trender_single(t, f, &zero, out);
}

/* A field's whole value: a list for repeated fields, a map for map fields. */
static wk_code trender_field(trender *t, const wk_field_def *f, const wk_value *v, wk_value *out)
{
    if (f->label != WK_LABEL_REPEATED) return trender_single(t, f, v, out);
    if (f->is_map) {
        const wk_field_def *kf = f->message ? trender_field_def(f->message, 1) : NULL;
        const wk_field_def *vf = f->message ? trender_field_def(f->message, 2) : NULL;
        if (!kf || !vf) return trender_fail(t, WK_ERR_INVALID, "map field without a key and a value");
        if (v->kind != WK_MAP)
            return trender_fail(t, WK_ERR_TYPE, "a map field holds a value of kind %s", trender_kind(v));
        wk_member *members = wk_value_map(t->a, v->len, out);
        if (!members) return trender_nomem(t);
        for (uint32_t i = 0; i < v->len; i++) {
            const wk_value *k = &v->as.members[i].key;
            if (t->c->map_keys_as_string && k->kind != WK_STRING) {
                char num[24];
                size_t n;
                if (k->kind == WK_INT) n = wk__format_int64(k->as.i, num);
                else if (k->kind == WK_UINT) n = wk__format_uint64(k->as.u, num);
                else if (k->kind == WK_BOOL) n = (size_t)snprintf(num, sizeof num, "%s", k->as.b ? "true" : "false");
                else return trender_fail(t, WK_ERR_TYPE, "a map key of kind %s", trender_kind(k));
                wk_code rc = trender_text(t, num, n, &members[i].key);
                if (rc != WK_OK) return rc;
            } else {
                members[i].key = *k;
            }
            wk_code rc = trender_push(t, out, i);
            if (rc != WK_OK) return rc;
            rc = trender_single(t, vf, &v->as.members[i].value, &members[i].value);
            if (rc != WK_OK) return rc;
            t->path.depth--;
        }
        return WK_OK;
    }
    if (v->kind != WK_LIST)
        return trender_fail(t, WK_ERR_TYPE, "a repeated field holds a value of kind %s", trender_kind(v));
    wk_value *items = wk_value_list(t->a, v->len, out);
    if (!items) return trender_nomem(t);
    for (uint32_t i = 0; i < v->len; i++) {
        wk_code rc = trender_push(t, out, i);
        if (rc != WK_OK) return rc;
        rc = trender_single(t, f, &v->as.items[i], &items[i]);
        if (rc != WK_OK) return rc;
        t->path.depth--;
    }
    return WK_OK;
}

/* ---- well-known types ---- */

static int64_t trender_int(const wk_message *m, uint32_t number)
{
    const wk_value *v = trender_get(m, number);
    return v && v->kind == WK_INT ? v->as.i : 0;
}

static wk_code trender_wkt_value(trender *t, const wk_value *v, wk_value *out);

static wk_code trender_struct(trender *t, const wk_message *m, wk_value *out)
{
    const wk_value *fields = trender_get(m, 1);
    size_t n = fields && fields->kind == WK_MAP ? fields->len : 0;
    wk_member *members = wk_value_map(t->a, n, out);
    if (!members) return trender_nomem(t);
    for (size_t i = 0; i < n; i++) {
        members[i].key = fields->as.members[i].key;
        wk_code rc = trender_push(t, out, i);
        if (rc != WK_OK) return rc;
        rc = trender_wkt_value(t, &fields->as.members[i].value, &members[i].value);
        if (rc != WK_OK) return rc;
        t->path.depth--;
    }
    return WK_OK;
}

static wk_code trender_list_value(trender *t, const wk_message *m, wk_value *out)
{
    const wk_value *values = trender_get(m, 1);
    size_t n = values && values->kind == WK_LIST ? values->len : 0;
    wk_value *items = wk_value_list(t->a, n, out);
    if (!items) return trender_nomem(t);
    for (size_t i = 0; i < n; i++) {
        wk_code rc = trender_push(t, out, i);
        if (rc != WK_OK) return rc;
        rc = trender_wkt_value(t, &values->as.items[i], &items[i]);
        if (rc != WK_OK) return rc;
        t->path.depth--;
    }
    return WK_OK;
}

/* google.protobuf.Value: whichever member of its oneof is set; none is null. */
static wk_code trender_wkt_value(trender *t, const wk_value *v, wk_value *out)
{
    if (v->kind != WK_MESSAGE)
        return trender_fail(t, WK_ERR_TYPE, "a google.protobuf.Value field holds a value of kind %s",
                            trender_kind(v));
    if (++t->nesting > TRENDER_MAX_NESTING || t->nesting > t->path.max_depth)
        return trender_fail(t, WK_ERR_DEPTH, "messages nested deeper than the limit");
    const wk_message *m = v->as.message;
    wk_code rc = WK_OK;
    *out = wk_value_null();
    for (uint32_t i = 0; i < m->field_count && rc == WK_OK; i++) {
        const wk_field_def *f = m->fields[i].field;
        const wk_value *fv = &m->fields[i].value;
        if (!f) continue;
        switch (f->number) {
        case 1: *out = wk_value_null(); break;
        case 2:
            if (fv->kind != WK_DOUBLE) { rc = trender_fail(t, WK_ERR_TYPE, "number_value is not a double"); break; }
            if (t->c->nonfinite_as_string && !(fv->as.d - fv->as.d == 0)) {
                rc = trender_fail(t, WK_ERR_UNREPRESENTABLE,
                                  "google.protobuf.Value cannot hold NaN or Infinity in %s", t->c->format);
                break;
            }
            *out = *fv;
            out->reserved = WK__DOUBLE_AS_FLOAT64;
            break;
        case 3: case 4: *out = *fv; break;
        case 5:
            rc = fv->kind == WK_MESSAGE ? trender_struct(t, fv->as.message, out)
                                        : trender_fail(t, WK_ERR_TYPE, "struct_value is not a message");
            break;
        case 6:
            rc = fv->kind == WK_MESSAGE ? trender_list_value(t, fv->as.message, out)
                                        : trender_fail(t, WK_ERR_TYPE, "list_value is not a message");
            break;
        default: break;
        }
    }
    t->nesting--;
    return rc;
}

/*
 * google.protobuf.Any as {"@type": URL, fields...} (or "value": the special
 * form of a well-known type): the payload is read from its Protocol Buffers
 * bytes (through the registry's protobuf format) as the message the type URL
 * names in the schema. An Any with neither URL nor bytes is {}.
 */
static wk_code trender_any(trender *t, const wk_message *m, wk_value *out)
{
    const wk_value *url = trender_get(m, 1);
    const wk_value *bytes = trender_get(m, 2);
    if (!url && !bytes) {
        if (!wk_value_map(t->a, 0, out)) return trender_nomem(t);
        return WK_OK;
    }
    if (!url || url->kind != WK_STRING)
        return trender_fail(t, WK_ERR_UNREPRESENTABLE, "google.protobuf.Any has bytes but no type URL");
    const wk_message_def *payload_type = wk__typed_resolve_url(t->root, url->as.str, url->len);
    if (!payload_type)
        return trender_fail(t, WK_ERR_NOT_FOUND, "type URL \"%.80s\" names no message of the schema",
                            url->as.str);
    const wk_format *pb = wk_format_find("protobuf");
    if (!pb) return trender_fail(t, WK_ERR_UNSUPPORTED, "google.protobuf.Any needs the protobuf format");
    wk_decode_opts o = {0};
    o.type = payload_type;
    o.max_depth = t->path.max_depth;
    const wk_value *payload;
    wk_status pst;
    wk_code rc = wk_decode(pb, bytes && bytes->len ? bytes->as.str : "", bytes ? bytes->len : 0, &o,
                           t->a, &payload, &pst);
    if (rc != WK_OK) return trender_fail(t, rc, "google.protobuf.Any payload: %s", pst.msg);
    wk_value rendered;
    rc = trender_message(t, payload, &rendered);
    if (rc != WK_OK) return rc;
    wk__wkt kind = wk__wkt_of(payload_type);
    bool special = kind != WK__WKT_NONE && kind != WK__WKT_EMPTY;
    size_t extra = special ? 1 : rendered.len;
    wk_member *members = wk_value_map(t->a, 1 + extra, out);
    if (!members) return trender_nomem(t);
    members[0].key = (wk_value){.kind = WK_STRING, .len = 5, .as.str = "@type"};
    members[0].value = *url;
    if (special) {
        members[1].key = (wk_value){.kind = WK_STRING, .len = 5, .as.str = "value"};
        members[1].value = rendered;
    } else {
        for (uint32_t i = 0; i < rendered.len; i++) members[1 + i] = rendered.as.members[i];
    }
    return WK_OK;
}

/* The special form of a well-known type; TRENDER_NOT_SPECIAL when it has none here. */
static wk_code trender_wkt(trender *t, wk__wkt kind, const wk_message *m, wk_value *out)
{
    char text[64];
    size_t n;
    const char *why = "";
    switch (kind) {
    case WK__WKT_TIMESTAMP:
        if (!wk__timestamp_format(trender_int(m, 1), trender_int(m, 2), text, &n, &why))
            return trender_fail(t, WK_ERR_UNREPRESENTABLE, "%s", why);
        return trender_text(t, text, n, out);
    case WK__WKT_DURATION:
        if (!wk__duration_format(trender_int(m, 1), trender_int(m, 2), text, &n, &why))
            return trender_fail(t, WK_ERR_UNREPRESENTABLE, "%s", why);
        return trender_text(t, text, n, out);
    case WK__WKT_WRAPPER: {
        const wk_field_def *vf = trender_field_def(m->type, 1);
        if (!vf) return trender_fail(t, WK_ERR_INVALID, "malformed wrapper %s", m->type->full_name);
        const wk_value *v = trender_get(m, 1);
        return v ? trender_single(t, vf, v, out) : trender_default(t, vf, out);
    }
    case WK__WKT_STRUCT:
        return trender_struct(t, m, out);
    case WK__WKT_LIST_VALUE:
        return trender_list_value(t, m, out);
    case WK__WKT_VALUE: {
        wk_value v = {.kind = WK_MESSAGE, .as.message = m};
        return trender_wkt_value(t, &v, out);
    }
    case WK__WKT_FIELD_MASK: {
        const wk_value *paths = trender_get(m, 1);
        size_t count = paths && paths->kind == WK_LIST ? paths->len : 0, total = 0;
        for (size_t i = 0; i < count; i++) total += paths->as.items[i].len + 1;
        char *buf = wk__arena_alloc(t->a, total + 1);
        if (!buf) return trender_nomem(t);
        size_t len = 0;
        for (size_t i = 0; i < count; i++) {
            const wk_value *p = &paths->as.items[i];
            if (p->kind != WK_STRING) return trender_fail(t, WK_ERR_TYPE, "a field mask path is not a string");
            if (i) buf[len++] = ',';
            size_t w;
            if (!wk__field_path_to_camel(p->as.str, p->len, buf + len, total - len, &w))
                return trender_fail(t, WK_ERR_UNREPRESENTABLE,
                                    "field mask path \"%.60s\" has no lowerCamelCase form", p->as.str);
            len += w;
        }
        buf[len] = 0;
        *out = (wk_value){.kind = WK_STRING, .len = (uint32_t)len, .as.str = buf};
        return WK_OK;
    }
    case WK__WKT_ANY:
        if (!t->c->any_as_json) return TRENDER_NOT_SPECIAL;
        return trender_any(t, m, out);
    default:
        return TRENDER_NOT_SPECIAL;
    }
}

/* ---- messages ---- */

static bool trender_emits_default(const trender *t, const wk_field_def *f)
{
    if (!(t->flags & WK_ENCODE_EMIT_DEFAULTS)) return false;
    return f->label == WK_LABEL_REPEATED ||
           (f->label == WK_LABEL_SINGULAR && f->oneof_index < 0 && f->type != WK_TYPE_MESSAGE &&
            f->type != WK_TYPE_GROUP);
}

static wk_code trender_key(trender *t, const wk_field_def *f, wk_value *out)
{
    if (t->c->json_names) {
        const char *name = f->json_name ? f->json_name : f->name;
        *out = (wk_value){.kind = WK_STRING, .len = (uint32_t)strlen(name), .as.str = name};
    } else if (t->flags & WK_ENCODE_NUMBER_KEYS) {
        *out = wk_value_int(f->number);
    } else {
        *out = (wk_value){.kind = WK_STRING, .len = (uint32_t)strlen(f->name), .as.str = f->name};
    }
    return WK_OK;
}

static wk_code trender_message(trender *t, const wk_value *v, wk_value *out)
{
    const wk_message *m = v->as.message;
    const wk_message_def *type = m->type;
    if (!type) return trender_fail(t, WK_ERR_INVALID, "message without a type");
    if (!t->root) t->root = type;
    wk__wkt kind = wk__wkt_of(type);
    if (kind != WK__WKT_NONE) {
        wk_code rc = trender_wkt(t, kind, m, out);
        if (rc != TRENDER_NOT_SPECIAL) return rc;
    }
    if (++t->nesting > TRENDER_MAX_NESTING || t->nesting > t->path.max_depth)
        return trender_fail(t, WK_ERR_DEPTH, "messages nested deeper than the limit");

    /* Count the members: the fields present, the defaults to emit, the unknown fields kept. */
    size_t count = 0;
    uint32_t j = 0;
    for (size_t i = 0; i < type->field_count; i++) {
        const wk_field_def *f = &type->fields[i];
        while (j < m->field_count && (!m->fields[j].field || m->fields[j].field->number < f->number)) j++;
        if (j < m->field_count && m->fields[j].field->number == f->number) count++;
        else if (trender_emits_default(t, f)) count++;
    }
    for (uint32_t i = 0; i < m->unknown_count; i++)
        if (m->unknown[i].key.kind == WK_STRING || t->c->wire_unknown_kept) count++;

    wk_member *members = wk_value_map(t->a, count, out);
    if (!members) return trender_nomem(t);
    size_t at = 0;
    j = 0;
    for (size_t i = 0; i < type->field_count; i++) {
        const wk_field_def *f = &type->fields[i];
        while (j < m->field_count && (!m->fields[j].field || m->fields[j].field->number < f->number)) j++;
        bool present = j < m->field_count && m->fields[j].field->number == f->number;
        if (!present && !trender_emits_default(t, f)) continue;
        trender_key(t, f, &members[at].key);
        wk_code rc = trender_push(t, out, at);
        if (rc != WK_OK) return rc;
        rc = present ? trender_field(t, m->fields[j].field, &m->fields[j].value, &members[at].value)
                     : trender_default(t, f, &members[at].value);
        if (rc != WK_OK) return rc;
        t->path.depth--;
        at++;
    }
    for (uint32_t i = 0; i < m->unknown_count; i++) {
        const wk_member *u = &m->unknown[i];
        if (u->key.kind != WK_STRING && !t->c->wire_unknown_kept) continue;
        members[at].key = u->key;
        wk_code rc = trender_push(t, out, at);
        if (rc != WK_OK) return rc;
        rc = trender_value(t, &u->value, &members[at].value);
        if (rc != WK_OK) return rc;
        t->path.depth--;
        at++;
    }
    t->nesting--;
    return WK_OK;
}

/* Any value: messages inside lists and maps of a schema-less tree are rendered too. */
static wk_code trender_value(trender *t, const wk_value *v, wk_value *out)
{
    if (v->kind == WK_MESSAGE) return trender_message(t, v, out);
    if (v->kind == WK_LIST) {
        wk_value *items = wk_value_list(t->a, v->len, out);
        if (!items) return trender_nomem(t);
        for (uint32_t i = 0; i < v->len; i++) {
            wk_code rc = trender_push(t, out, i);
            if (rc != WK_OK) return rc;
            rc = trender_value(t, &v->as.items[i], &items[i]);
            if (rc != WK_OK) return rc;
            t->path.depth--;
        }
        return WK_OK;
    }
    if (v->kind == WK_MAP) {
        wk_member *members = wk_value_map(t->a, v->len, out);
        if (!members) return trender_nomem(t);
        for (uint32_t i = 0; i < v->len; i++) {
            members[i].key = v->as.members[i].key;
            wk_code rc = trender_push(t, out, i);
            if (rc != WK_OK) return rc;
            rc = trender_value(t, &v->as.members[i].value, &members[i].value);
            if (rc != WK_OK) return rc;
            t->path.depth--;
        }
        return WK_OK;
    }
    *out = *v;
    return WK_OK;
}

wk_code wk__typed_render(const wk__typed_conv *c, const wk_value *v, uint32_t flags,
                         uint32_t max_depth, wk_arena *a, wk_value *out, wk_status *st)
{
    trender t = {0};
    t.c = c;
    t.flags = flags;
    t.path.max_depth = wk__depth_limit(max_depth);
    t.a = a;
    t.path.st = st;
    wk_code rc = trender_value(&t, v, out);
    free(t.path.frames);
    return rc;
}
