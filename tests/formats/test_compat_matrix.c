/*
 * The compatibility matrix: every pair of schema versions in
 * tests/data/schema-history/ (folders other than history-*), every format of
 * the diff (protobuf, json, xml, msgpack keyed by name, msgpack keyed by
 * number) and both directions, checked against what wk_schema_diff says.
 *
 * For a pair, the diff's verdict for a format and a direction is
 * "compatible" when no change breaks that format in that direction, else
 * "breaking". Data comes from a generator driven by the writer's schema
 * alone: every field of the message type set to a value other than its
 * default (nested messages to a depth of three, two items per repeated
 * field, two entries per map, enums a value other than the first, bytes
 * with a NUL and a high byte, strings with non-ASCII text), in several
 * variants: typical values, the highest and the lowest values of each type
 * (so that a narrowing, a sign change or a new enum member has a value that
 * shows it), small numbers (1, 2: the numbers enums list) with an open
 * enum's number it does not list, each member of every oneof in turn, and a minimal message that
 * sets only the required fields (so that defaults and required fields are
 * exercised).
 *
 * Directions: backward writes under the OLD version and reads under the
 * NEW one; forward writes under NEW and reads under OLD. For each message:
 *   1. the writer encodes it in the format (msgpack-numbers: typed
 *      MessagePack with WK_ENCODE_NUMBER_KEYS), and decodes it back under
 *      its own version to the same message (a check of the generator);
 *   2. the reader decodes the bytes under its version, default settings
 *      (unknown fields kept);
 *   3. every value both versions know must have come through (below);
 *   4. the round trip back: the reader encodes what it read in the same
 *      format, the writer decodes that, and the result must equal the
 *      original message exactly (wk_value_equal: unknown fields included,
 *      so nothing the reader did not know may be lost on the way).
 *
 * "A value both versions know": a field of the writer's message type and a
 * field of the reader's type are the same field when the diff matches them:
 * the same number, or, when the reader has no field of that number, the
 * same declared name on a number the writer's type does not use (a
 * renumbered field). This is the diff's identity, not the format's key:
 * whether a format's key (number for protobuf and msgpack-numbers, the
 * json_name or proto name for json, xml and msgpack) reaches that field is
 * exactly what the test checks, so a field the format does not reach counts
 * as lost. The field's value (or, when the writer leaves it unset, its
 * default) is known to both when the reader's field can hold it: integers
 * (bool as 0 and 1, enums by number) within the reader type's range, a
 * closed enum only the numbers it lists, an enum value mapped as the diff
 * maps enum values (same name and number, else the same number, else the
 * same name: a renumbered value reads as its new number), a float into a
 * double, a double into a float when exact, an integer into a float or
 * double when exact, a string into bytes, bytes into a string when UTF-8, a
 * single value into a repeated field as a list of one, a list of one item
 * into a singular field, map entries key by key and value by value, and
 * messages field by field by the same identity. The reader's value (its
 * default when absent) must be that value exactly.
 *
 * Compatible: for every message, the decode succeeds, every value both
 * versions know comes through, and the round trip gives the original.
 * Breaking: at least one message fails one of these (the decode fails, a
 * value of a field both versions declare is lost or changed, or the round
 * trip differs); when none does, the test fails with "classified breaking
 * but no message shows it". A value the reader's type cannot hold counts as
 * lost (a field both versions declare, whose value does not survive).
 *
 * The test prints a summary and asserts the exact numbers of pairs, cells
 * and compatible and breaking cells. WK_COMPAT_VERBOSE=1 prints, for every
 * breaking cell, the first message that shows the break.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wirekit/wirekit.h>

#include "support/files.h"

#define PAIRS_DIR WK_SOURCE_DIR "/tests/data/schema-history"
#define PROTO_DIR WK_SOURCE_DIR "/proto"

/* The exact numbers the fixtures give; a change to the fixtures or to the rules changes them. */
#define EXPECTED_PAIRS 53
#define EXPECTED_COMPATIBLE 361
#define EXPECTED_BREAKING 169

/* Nested messages are generated down to this depth (the top message is depth 0). */
#define GEN_MAX_DEPTH 3

/* ---- the formats of the diff ---- */

typedef struct compat_format {
    wk_compat_format id;
    const char *format_name;  /* for wk_format_find */
    uint32_t encode_flags;
} compat_format;

static const compat_format compat_formats[WK_COMPAT_FORMAT_COUNT] = {
    {WK_COMPAT_PROTOBUF, "protobuf", 0},
    {WK_COMPAT_JSON, "json", 0},
    {WK_COMPAT_XML, "xml", 0},
    {WK_COMPAT_MSGPACK, "msgpack", 0},
    {WK_COMPAT_MSGPACK_NUMBERS, "msgpack", WK_ENCODE_NUMBER_KEYS},
};

static const char *const dir_names[2] = {"backward", "forward"};

/* ---- the generator ---- */

typedef enum gen_style {
    GEN_TYPICAL,   /* small positive numbers, short text */
    GEN_HIGH,      /* the largest value of each type */
    GEN_LOW,       /* the smallest (the most negative for signed types) */
    GEN_SMALL,     /* 1 and 2: numbers an enum lists; an open enum's number it does not list */
    GEN_STYLE_COUNT
} gen_style;

typedef struct gen_variant {
    gen_style style;
    uint32_t oneof_member;  /* which member of each oneof is set (modulo its size) */
    bool minimal;           /* only the required fields */
} gen_variant;

static wk_arena *arena;

/* The enum value a style picks: never the first (the default) when there is another. */
static int32_t gen_enum_number(const wk_enum_def *e, gen_style style, uint32_t item)
{
    if (style == GEN_SMALL && !e->closed) {
        /* A number the enum does not list, which an open enum keeps. */
        int32_t most = e->values[0].number;
        for (size_t i = 1; i < e->value_count; i++)
            if (e->values[i].number > most) most = e->values[i].number;
        if (most < INT32_MAX - 8) return most + 5 + (int32_t)item;
    }
    if (e->value_count < 2) return e->values[0].number;
    const wk_enum_value_def *pick = &e->values[e->value_count - 1];
    int32_t first = e->values[0].number;
    for (size_t i = 1; i < e->value_count; i++) {
        const wk_enum_value_def *v = &e->values[i];
        if (v->number == first) continue;
        if (style == GEN_HIGH && v->number > pick->number) pick = v;
        if (style == GEN_LOW && (pick->number == first || v->number < pick->number)) pick = v;
    }
    /* The second item of a list takes another value where there is one. */
    if (item == 1 && e->value_count > 2 && style == GEN_TYPICAL) return e->values[1].number;
    return pick->number;
}

static wk_value gen_message(const wk_message_def *type, const gen_variant *var, int depth);

static wk_value gen_text(const char *s)
{
    wk_value v;
    assert_int_equal(wk_value_string(arena, s, strlen(s), &v), WK_OK);
    return v;
}

/* One value of a field's element type (a repeated field's item, a map's key or value). */
static wk_value gen_scalar(const wk_field_def *f, const gen_variant *var, uint32_t item, int depth)
{
    gen_style style = var->style;
    int64_t k = (int64_t)item;
    switch (f->type) {
    case WK_TYPE_INT32:
    case WK_TYPE_SINT32:
    case WK_TYPE_SFIXED32:
        return wk_value_int(style == GEN_HIGH ? INT32_MAX - k : style == GEN_LOW ? INT32_MIN + k
                            : style == GEN_SMALL ? 1 + k : 42 + k);
    case WK_TYPE_INT64:
    case WK_TYPE_SINT64:
    case WK_TYPE_SFIXED64:
        return wk_value_int(style == GEN_HIGH ? INT64_MAX - k : style == GEN_LOW ? INT64_MIN + k
                            : style == GEN_SMALL ? 1 + k : 42 + k);
    case WK_TYPE_UINT32:
    case WK_TYPE_FIXED32:
        return wk_value_int(style == GEN_HIGH ? (int64_t)UINT32_MAX - k : style == GEN_LOW ? 1 + k
                            : style == GEN_SMALL ? 2 + k : 42 + k);
    case WK_TYPE_UINT64:
    case WK_TYPE_FIXED64:
        return style == GEN_HIGH ? wk_value_uint(UINT64_MAX - (uint64_t)k)
                                 : wk_value_int(style == GEN_LOW ? 1 + k : style == GEN_SMALL ? 2 + k : 42 + k);
    case WK_TYPE_BOOL:
        return wk_value_bool(item == 0);
    case WK_TYPE_FLOAT: {
        /* 0.1f is not 0.1: a reader that takes the float's decimal text as a double shows it. */
        float x = style == GEN_HIGH ? FLT_MAX : style == GEN_LOW ? -2.5f : style == GEN_SMALL ? 1.0f + (float)k
                  : item ? 1.5f : 0.1f;
        return wk_value_double((double)x);
    }
    case WK_TYPE_DOUBLE:
        return wk_value_double(style == GEN_HIGH ? 1e300 : style == GEN_LOW ? -2.5e-300
                               : style == GEN_SMALL ? 1.0 + (double)k : item ? 2.5 : 0.1);
    case WK_TYPE_STRING: {
        static const char *const texts[GEN_STYLE_COUNT][2] = {
            {"caf\xc3\xa9 \xe2\x82\xac", "na\xc3\xafve"},
            {"\xf0\x9f\x93\xa6 a longer text with <markup> & \"quotes\"", "\xe6\x97\xa5\xe6\x9c\xac"},
            {"\xc3\x85", "\xc3\x9f"},
            {"\xce\xb1", "\xce\xb2"},
        };
        return gen_text(texts[style][item ? 1 : 0]);
    }
    case WK_TYPE_BYTES: {
        const uint8_t data[] = {0x00, 0xff, (uint8_t)('a' + item), (uint8_t)(0x80 + style)};
        wk_value v;
        assert_int_equal(wk_value_bytes(arena, data, sizeof data, &v), WK_OK);
        return v;
    }
    case WK_TYPE_ENUM:
        return wk_value_int(gen_enum_number(f->enum_def, style, item));
    case WK_TYPE_MESSAGE:
    case WK_TYPE_GROUP: {
        gen_variant inner = *var;
        inner.oneof_member += item;
        return gen_message(f->message, &inner, depth + 1);
    }
    }
    fail_msg("field %s: type %d", f->name, (int)f->type);
    return wk_value_null();
}

/* A map key of the key field's type: entry `item` of two, distinct. */
static wk_value gen_map_key(const wk_field_def *key, const gen_variant *var, uint32_t item)
{
    switch (key->type) {
    case WK_TYPE_BOOL:
        return wk_value_bool(item == 1);
    case WK_TYPE_STRING:
        return gen_text(item ? "k\xc3\xa9y" : "key");
    default: {
        wk_value v = gen_scalar(key, var, item, 0);
        return v;
    }
    }
}

/* The whole value of a field: a list, a map, or one value. */
static wk_value gen_field(const wk_field_def *f, const gen_variant *var, int depth)
{
    wk_value out;
    if (f->is_map) {
        const wk_field_def *key = wk_message_field(f->message, 1);
        const wk_field_def *val = wk_message_field(f->message, 2);
        wk_member *m = wk_value_map(arena, 2, &out);
        assert_non_null(m);
        for (uint32_t i = 0; i < 2; i++) {
            m[i].key = gen_map_key(key, var, i);
            m[i].value = gen_scalar(val, var, i, depth);
        }
        return out;
    }
    if (f->label == WK_LABEL_REPEATED) {
        wk_value *items = wk_value_list(arena, 2, &out);
        assert_non_null(items);
        for (uint32_t i = 0; i < 2; i++) items[i] = gen_scalar(f, var, i, depth);
        return out;
    }
    return gen_scalar(f, var, 0, depth);
}

/* Whether a variant sets this field of its message. */
static bool gen_sets(const wk_message_def *type, const wk_field_def *f, const gen_variant *var, int depth)
{
    if (var->minimal) return f->label == WK_LABEL_REQUIRED;
    if ((f->type == WK_TYPE_MESSAGE || f->type == WK_TYPE_GROUP) && depth + 1 > GEN_MAX_DEPTH &&
        f->label != WK_LABEL_REQUIRED)
        return false;
    /* The well-known types have forms of their own; none of the pairs uses them. */
    if (f->message && !f->is_map && strncmp(f->message->full_name, "google.protobuf.", 16) == 0) return false;
    if (f->oneof_index >= 0) {
        const wk_oneof_def *o = &type->oneofs[f->oneof_index];
        if (!o->synthetic) return o->fields[var->oneof_member % o->field_count] == f;
    }
    /* A singular enum whose only value is the default cannot be set. */
    if (f->type == WK_TYPE_ENUM && f->label == WK_LABEL_SINGULAR && !f->is_map)
        return gen_enum_number(f->enum_def, var->style, 0) != f->enum_def->values[0].number;
    return true;
}

static wk_value gen_message(const wk_message_def *type, const gen_variant *var, int depth)
{
    size_t count = 0;
    for (size_t i = 0; i < type->field_count; i++)
        if (gen_sets(type, &type->fields[i], var, depth)) count++;
    wk_value out;
    wk_message *m = wk_value_message(arena, type, count, 0, &out);
    assert_non_null(m);
    wk_field_value *fields = (wk_field_value *)m->fields;
    size_t n = 0;
    for (size_t i = 0; i < type->field_count; i++) {
        const wk_field_def *f = &type->fields[i];
        if (!gen_sets(type, f, var, depth)) continue;
        fields[n].field = f;
        fields[n].value = gen_field(f, var, depth);
        n++;
    }
    return out;
}

/* The most members any oneof of the type (or of a type it holds, to the generator's depth) has. */
static uint32_t max_oneof_members(const wk_message_def *type, int depth)
{
    uint32_t most = 1;
    for (size_t i = 0; i < type->oneof_count; i++)
        if (!type->oneofs[i].synthetic && type->oneofs[i].field_count > most)
            most = (uint32_t)type->oneofs[i].field_count;
    if (depth < GEN_MAX_DEPTH)
        for (size_t i = 0; i < type->field_count; i++) {
            const wk_field_def *f = &type->fields[i];
            if (!f->message) continue;
            uint32_t inner = max_oneof_members(f->message, depth + 1);
            if (inner > most) most = inner;
        }
    return most;
}

/* ---- what the reader must have read ---- */

/* The same field in the reader's type, as the diff matches fields (see the top of the file). */
static const wk_field_def *same_field(const wk_message_def *writer, const wk_field_def *fw,
                                      const wk_message_def *reader)
{
    const wk_field_def *fr = wk_message_field(reader, fw->number);
    if (fr) return fr;
    for (size_t i = 0; i < reader->field_count; i++) {
        const wk_field_def *cand = &reader->fields[i];
        if (strcmp(cand->name, fw->name) == 0 && !wk_message_field(writer, cand->number)) return cand;
    }
    return NULL;
}

/* Where the comparison is, and the first difference found. */
typedef struct check_ctx {
    char path[256];
    char why[512];
} check_ctx;

static bool differ(check_ctx *cx, const char *fmt, ...)
{
    if (cx->why[0]) return false;
    int n = snprintf(cx->why, sizeof cx->why, "%s: ", cx->path[0] ? cx->path : "$");
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof cx->why) vsnprintf(cx->why + n, sizeof cx->why - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

static void value_text(const wk_value *v, char *buf, size_t cap)
{
    if (!v) {
        snprintf(buf, cap, "(absent)");
        return;
    }
    switch ((wk_kind)v->kind) {
    case WK_BOOL: snprintf(buf, cap, "%s", v->as.b ? "true" : "false"); return;
    case WK_INT: snprintf(buf, cap, "%lld", (long long)v->as.i); return;
    case WK_UINT: snprintf(buf, cap, "%llu", (unsigned long long)v->as.u); return;
    case WK_DOUBLE: snprintf(buf, cap, "%.17g", v->as.d); return;
    case WK_STRING: snprintf(buf, cap, "\"%.40s\"", v->as.str); return;
    case WK_BYTES: snprintf(buf, cap, "%u bytes", (unsigned)v->len); return;
    case WK_LIST: snprintf(buf, cap, "a list of %u", (unsigned)v->len); return;
    case WK_MAP: snprintf(buf, cap, "a map of %u", (unsigned)v->len); return;
    case WK_MESSAGE: snprintf(buf, cap, "a message"); return;
    default: snprintf(buf, cap, "a %s", wk_kind_name((wk_kind)v->kind)); return;
    }
}

static bool is_integer_type(wk_field_type t)
{
    switch (t) {
    case WK_TYPE_INT32: case WK_TYPE_INT64: case WK_TYPE_UINT32: case WK_TYPE_UINT64:
    case WK_TYPE_SINT32: case WK_TYPE_SINT64: case WK_TYPE_FIXED32: case WK_TYPE_FIXED64:
    case WK_TYPE_SFIXED32: case WK_TYPE_SFIXED64: case WK_TYPE_BOOL: case WK_TYPE_ENUM:
        return true;
    default:
        return false;
    }
}

/* An integer of any width: big holds values above INT64_MAX (in u). */
typedef struct wide_int {
    bool big;
    int64_t i;
    uint64_t u;
} wide_int;

static bool wide_in_range(wide_int n, wk_field_type t)
{
    switch (t) {
    case WK_TYPE_INT32: case WK_TYPE_SINT32: case WK_TYPE_SFIXED32: case WK_TYPE_ENUM:
        return !n.big && n.i >= INT32_MIN && n.i <= INT32_MAX;
    case WK_TYPE_UINT32: case WK_TYPE_FIXED32:
        return !n.big && n.i >= 0 && n.i <= (int64_t)UINT32_MAX;
    case WK_TYPE_INT64: case WK_TYPE_SINT64: case WK_TYPE_SFIXED64:
        return !n.big;
    case WK_TYPE_UINT64: case WK_TYPE_FIXED64:
        return n.big || n.i >= 0;
    case WK_TYPE_BOOL:
        return !n.big && (n.i == 0 || n.i == 1);
    default:
        return false;
    }
}

/* The enum number a writer's value becomes in the reader's enum, by the diff's matching of values. */
static int64_t enum_map(const wk_enum_def *ew, const wk_enum_def *er, int64_t number)
{
    const wk_enum_value_def *wv = wk_enum_value_by_number(ew, (int32_t)number);
    if (!wv) return number;
    const wk_enum_value_def *by_name = wk_enum_value_by_name(er, wv->name, strlen(wv->name));
    if (by_name && by_name->number == number) return number;
    if (wk_enum_value_by_number(er, (int32_t)number)) return number;  /* renamed */
    if (by_name) return by_name->number;                                /* renumbered */
    return number;                                                      /* removed */
}

static bool same_message(const wk_message *wm, const wk_message *rm, check_ctx *cx, int depth);

/* Whether the reader's element rv (of field fr's element type) is what the writer's wv becomes. */
static bool same_element(const wk_value *wv, const wk_field_def *fw, const wk_value *rv, const wk_field_def *fr,
                         check_ctx *cx, int depth)
{
    char wt[96], rt[96];
    value_text(wv, wt, sizeof wt);
    value_text(rv, rt, sizeof rt);
    bool w_msg = fw->type == WK_TYPE_MESSAGE || fw->type == WK_TYPE_GROUP;
    bool r_msg = fr->type == WK_TYPE_MESSAGE || fr->type == WK_TYPE_GROUP;
    if (w_msg || r_msg) {
        if (!(w_msg && r_msg)) return differ(cx, "a %s cannot hold a %s", wk_field_type_name(fr->type),
                                             wk_field_type_name(fw->type));
        if (rv->kind != WK_MESSAGE) return differ(cx, "%s read as %s", wt, rt);
        return same_message(wv->as.message, rv->as.message, cx, depth + 1);
    }
    if (is_integer_type(fw->type)) {
        wide_int n = {false, 0, 0};
        if (wv->kind == WK_BOOL) n.i = wv->as.b;
        else if (wv->kind == WK_UINT) { n.big = true; n.u = wv->as.u; }
        else n.i = wv->as.i;
        if (fw->type == WK_TYPE_ENUM && fr->type == WK_TYPE_ENUM) n.i = enum_map(fw->enum_def, fr->enum_def, n.i);
        if (is_integer_type(fr->type)) {
            bool same;
            if (fr->type == WK_TYPE_BOOL) same = rv->kind == WK_BOOL && n.i >= 0 && n.i <= 1 && rv->as.b == (n.i == 1);
            else if (n.big) same = rv->kind == WK_UINT && rv->as.u == n.u;
            else same = rv->kind == WK_INT && rv->as.i == n.i;
            /* A closed enum's type does not hold a number it does not list, but a reader that
             * kept the number as it was has lost nothing. */
            if (same && wide_in_range(n, fr->type)) return true;
            if (!wide_in_range(n, fr->type) ||
                (fr->type == WK_TYPE_ENUM && fr->enum_def->closed &&
                 !wk_enum_value_by_number(fr->enum_def, (int32_t)n.i)))
                return differ(cx, "%s does not fit the reader's %s (read as %s)", wt,
                              wk_field_type_name(fr->type), rt);
            return differ(cx, "%s read as %s", wt, rt);
        }
        if (fr->type == WK_TYPE_DOUBLE || fr->type == WK_TYPE_FLOAT) {
            double d = n.big ? (double)n.u : (double)n.i;
            bool exact = n.big ? (d < 18446744073709551616.0 && (uint64_t)d == n.u)
                               : (fabs(d) < 9223372036854775808.0 && (int64_t)d == n.i);
            if (fr->type == WK_TYPE_FLOAT && (double)(float)d != d) exact = false;
            if (!exact || fw->type == WK_TYPE_BOOL)
                return differ(cx, "%s cannot be held by the reader's %s", wt, wk_field_type_name(fr->type));
            return rv->kind == WK_DOUBLE && rv->as.d == d ? true : differ(cx, "%s read as %s", wt, rt);
        }
        return differ(cx, "a %s cannot hold the %s %s", wk_field_type_name(fr->type), wk_field_type_name(fw->type), wt);
    }
    if (fw->type == WK_TYPE_FLOAT || fw->type == WK_TYPE_DOUBLE) {
        double d = wv->as.d;
        if (fr->type == WK_TYPE_FLOAT && !isnan(d) && (double)(float)d != d)
            return differ(cx, "%s is not exactly a float", wt);
        if (fr->type != WK_TYPE_FLOAT && fr->type != WK_TYPE_DOUBLE)
            return differ(cx, "a %s cannot hold the %s %s", wk_field_type_name(fr->type),
                          wk_field_type_name(fw->type), wt);
        return rv->kind == WK_DOUBLE && memcmp(&rv->as.d, &d, sizeof d) == 0 ? true
                                                                               : differ(cx, "%s read as %s", wt, rt);
    }
    if (fw->type == WK_TYPE_STRING || fw->type == WK_TYPE_BYTES) {
        if (fr->type != WK_TYPE_STRING && fr->type != WK_TYPE_BYTES)
            return differ(cx, "a %s cannot hold the %s %s", wk_field_type_name(fr->type),
                          wk_field_type_name(fw->type), wt);
        if (fr->type == WK_TYPE_STRING && !wk_utf8_valid(wv->as.str, wv->len))
            return differ(cx, "the bytes are not UTF-8: a string cannot hold them");
        wk_kind want = fr->type == WK_TYPE_STRING ? WK_STRING : WK_BYTES;
        bool same = rv->kind == want && rv->len == wv->len && memcmp(rv->as.str, wv->as.str, wv->len) == 0;
        return same ? true : differ(cx, "%s read as %s", wt, rt);
    }
    return differ(cx, "unexpected writer type %s", wk_field_type_name(fw->type));
}

/* The value a field has when it is absent: its default (NULL for messages, an empty list for lists). */
static bool field_default(const wk_field_def *f, wk_value *out)
{
    if (f->label == WK_LABEL_REPEATED) {
        (void)wk_value_list(arena, 0, out);
        return true;
    }
    const char *d = f->default_value;
    switch (f->type) {
    case WK_TYPE_MESSAGE:
    case WK_TYPE_GROUP:
        return false;
    case WK_TYPE_BOOL:
        *out = wk_value_bool(d && strcmp(d, "true") == 0);
        return true;
    case WK_TYPE_FLOAT:
    case WK_TYPE_DOUBLE:
        *out = wk_value_double(d ? strtod(d, NULL) : 0.0);
        return true;
    case WK_TYPE_STRING:
    case WK_TYPE_BYTES:
        /* Byte defaults with escapes do not occur in the pairs; text is taken as written. */
        if (f->type == WK_TYPE_STRING) assert_int_equal(wk_value_string(arena, d ? d : "", d ? strlen(d) : 0, out), WK_OK);
        else assert_int_equal(wk_value_bytes(arena, d ? d : "", d ? strlen(d) : 0, out), WK_OK);
        return true;
    case WK_TYPE_ENUM: {
        const wk_enum_value_def *v = d ? wk_enum_value_by_name(f->enum_def, d, strlen(d)) : &f->enum_def->values[0];
        assert_non_null(v);
        *out = wk_value_int(v->number);
        return true;
    }
    case WK_TYPE_UINT64:
    case WK_TYPE_FIXED64:
        *out = wk_value_uint(d ? strtoull(d, NULL, 10) : 0);
        return true;
    default:
        *out = wk_value_int(d ? strtoll(d, NULL, 10) : 0);
        return true;
    }
}

/* Whether the reader's value of field fr (NULL: absent) is what the writer's value of fw (NULL: absent) becomes. */
static bool same_field_value(const wk_value *wv, const wk_field_def *fw, const wk_value *rv, const wk_field_def *fr,
                             check_ctx *cx, int depth)
{
    wk_value wdef, rdef;
    bool w_list = fw->label == WK_LABEL_REPEATED, r_list = fr->label == WK_LABEL_REPEATED;
    if (!wv) {
        /* Unset: nothing is written. The reader must leave its field unset too, and read it
         * as the same default where both have one. */
        if (w_list || r_list || !field_default(fw, &wdef) || !field_default(fr, &rdef)) {
            if (!rv || (rv->kind == WK_LIST && rv->len == 0) || (rv->kind == WK_MAP && rv->len == 0)) return true;
            char rt[96];
            value_text(rv, rt, sizeof rt);
            return differ(cx, "unset, read as %s", rt);
        }
        return same_element(&wdef, fw, rv ? rv : &rdef, fr, cx, depth);
    }
    if (!rv) {
        if (!field_default(fr, &rdef)) return differ(cx, "lost (the reader's field is unset)");
        rv = &rdef;
    }
    if (fw->is_map || fr->is_map) {
        if (!(fw->is_map && fr->is_map)) return differ(cx, "a map and a non-map field");
        if (rv->kind != WK_MAP || rv->len != wv->len)
            return differ(cx, "a map of %u entries read as %u", (unsigned)wv->len, (unsigned)rv->len);
        const wk_field_def *wk = wk_message_field(fw->message, 1), *wvf = wk_message_field(fw->message, 2);
        const wk_field_def *rk = wk_message_field(fr->message, 1), *rvf = wk_message_field(fr->message, 2);
        for (uint32_t i = 0; i < wv->len; i++) {
            if (!same_element(&wv->as.members[i].key, wk, &rv->as.members[i].key, rk, cx, depth)) return false;
            if (!same_element(&wv->as.members[i].value, wvf, &rv->as.members[i].value, rvf, cx, depth)) return false;
        }
        return true;
    }
    if (w_list && r_list) {
        if (rv->kind != WK_LIST || rv->len != wv->len)
            return differ(cx, "a list of %u items read as %u", (unsigned)wv->len,
                          rv->kind == WK_LIST ? (unsigned)rv->len : 1u);
        for (uint32_t i = 0; i < wv->len; i++)
            if (!same_element(&wv->as.items[i], fw, &rv->as.items[i], fr, cx, depth)) return false;
        return true;
    }
    if (!w_list && r_list) {
        if (rv->kind != WK_LIST || rv->len != 1)
            return differ(cx, "one value read as a list of %u", rv->kind == WK_LIST ? (unsigned)rv->len : 0u);
        return same_element(wv, fw, &rv->as.items[0], fr, cx, depth);
    }
    if (w_list && !r_list) {
        if (wv->len != 1) return differ(cx, "a list of %u items cannot be held by a singular field", (unsigned)wv->len);
        return same_element(&wv->as.items[0], fw, rv, fr, cx, depth);
    }
    return same_element(wv, fw, rv, fr, cx, depth);
}

/* Every field of the writer's message that the reader's type has (by the diff's matching) came through. */
static bool same_message(const wk_message *wm, const wk_message *rm, check_ctx *cx, int depth)
{
    size_t path_len = strlen(cx->path);
    for (size_t i = 0; i < wm->type->field_count; i++) {
        const wk_field_def *fw = &wm->type->fields[i];
        const wk_field_def *fr = same_field(wm->type, fw, rm->type);
        if (!fr) continue;
        const wk_value *wv = NULL, *rv = NULL;
        for (uint32_t k = 0; k < wm->field_count; k++)
            if (wm->fields[k].field == fw) wv = &wm->fields[k].value;
        for (uint32_t k = 0; k < rm->field_count; k++)
            if (rm->fields[k].field == fr) rv = &rm->fields[k].value;
        snprintf(cx->path + path_len, sizeof cx->path - path_len, "%s%s", path_len ? "." : "", fw->name);
        bool same = same_field_value(wv, fw, rv, fr, cx, depth);
        cx->path[path_len] = '\0';
        if (!same) return false;
    }
    return true;
}

/* ---- one pair ---- */

typedef struct pair_ctx {
    const char *name;
    wk_schema *schemas[2];              /* old, new */
    const wk_message_def *types[2];
    bool breaks[WK_COMPAT_FORMAT_COUNT][2];
} pair_ctx;

/* What one message did in one format and direction: NULL when nothing broke, else why. */
static const char *run_message(const wk_value *msg, const compat_format *cf, const wk_message_def *writer,
                               const wk_message_def *reader, check_ctx *cx, char *fail, size_t cap)
{
    const wk_format *f = wk_format_find(cf->format_name);
    assert_non_null(f);
    wk_encode_opts eo = {cf->encode_flags, 0, NULL};
    wk_decode_opts wo = {0, 0, writer, 0}, ro = {0, 0, reader, 0};
    wk_buf data, back;
    wk_buf_init(&data);
    wk_buf_init(&back);
    wk_status st;
    const char *why = NULL;
    const wk_value *own, *read, *again;

    /* The writer's own round trip: a check of the generator and of the codec, never a break. */
    if (wk_encode(f, msg, &eo, &data, &st) != WK_OK)
        fail_msg("%s: the writer cannot encode its own message: %s", cf->format_name, st.msg);
    if (wk_decode(f, data.data, data.len, &wo, arena, &own, &st) != WK_OK)
        fail_msg("%s: the writer cannot decode its own data: %s", cf->format_name, st.msg);
    if (!wk_value_equal(own, msg)) fail_msg("%s: the writer's own round trip differs", cf->format_name);

    cx->why[0] = '\0';
    cx->path[0] = '\0';
    if (wk_decode(f, data.data, data.len, &ro, arena, &read, &st) != WK_OK) {
        snprintf(fail, cap, "the reader refuses the data: %s: %s", wk_code_name(st.code), st.msg);
        why = fail;
    } else if (!same_message(msg->as.message, read->as.message, cx, 0)) {
        snprintf(fail, cap, "%s", cx->why);
        why = fail;
    } else if (wk_encode(f, read, &eo, &back, &st) != WK_OK) {
        snprintf(fail, cap, "the reader cannot write back what it read: %s: %s", wk_code_name(st.code), st.msg);
        why = fail;
    } else if (wk_decode(f, back.data, back.len, &wo, arena, &again, &st) != WK_OK) {
        snprintf(fail, cap, "the writer refuses the data written back: %s: %s", wk_code_name(st.code), st.msg);
        why = fail;
    } else if (!wk_value_equal(again, msg)) {
        snprintf(fail, cap, "the round trip back differs from the original");
        why = fail;
    }
    wk_buf_destroy(&data);
    wk_buf_destroy(&back);
    return why;
}

typedef struct totals {
    size_t pairs, cells, compatible, breaking, messages, failures;
} totals;

static void load_pair(const char *name, pair_ctx *p)
{
    char path[1024];
    const char *inc[] = {PROTO_DIR};
    wk_schema_opts so = {inc, 1};
    wk_status st;
    memset(p, 0, sizeof *p);
    p->name = name;
    snprintf(path, sizeof path, "%s/%s/README", PAIRS_DIR, name);
    size_t len;
    char *readme = (char *)wkt_read_file(path, &len);
    if (!readme) fail_msg("%s: no README", name);
    readme[strcspn(readme, "\n")] = '\0';
    static const char *const files[2] = {"old.proto", "new.proto"};
    for (int v = 0; v < 2; v++) {
        snprintf(path, sizeof path, "%s/%s/%s", PAIRS_DIR, name, files[v]);
        if (wk_schema_load(path, &so, &p->schemas[v], &st) != WK_OK)
            fail_msg("%s:%u:%u: %s", st.file, st.line, st.col, st.msg);
        p->types[v] = wk_schema_message(p->schemas[v], readme);
        if (!p->types[v]) fail_msg("%s: %s has no message %s", name, files[v], readme);
    }
    wk_diff_opts o = {readme};
    wk_diff *d = NULL;
    if (wk_schema_diff(p->schemas[0], p->schemas[1], &o, &d, &st) != WK_OK) fail_msg("%s: %s", name, st.msg);
    for (size_t i = 0; i < wk_diff_change_count(d); i++) {
        const wk_change *c = wk_diff_change(d, i);
        for (int f = 0; f < WK_COMPAT_FORMAT_COUNT; f++)
            for (int dir = 0; dir < 2; dir++)
                if (c->effects[f][dir].breaks) p->breaks[f][dir] = true;
    }
    wk_diff_free(d);
    free(readme);
}

static void run_pair(const char *name, totals *t, bool verbose)
{
    pair_ctx p;
    load_pair(name, &p);
    t->pairs++;
    for (int dir = 0; dir < 2; dir++) {
        /* backward: old writes, new reads; forward: new writes, old reads. */
        const wk_message_def *writer = p.types[dir == WK_COMPAT_BACKWARD ? 0 : 1];
        const wk_message_def *reader = p.types[dir == WK_COMPAT_BACKWARD ? 1 : 0];
        uint32_t members = max_oneof_members(writer, 0);
        uint32_t nvar = members > GEN_STYLE_COUNT ? members : GEN_STYLE_COUNT;
        for (int fi = 0; fi < WK_COMPAT_FORMAT_COUNT; fi++) {
            const compat_format *cf = &compat_formats[fi];
            bool breaking = p.breaks[cf->id][dir];
            t->cells++;
            if (breaking) t->breaking++;
            else t->compatible++;
            char shown[768] = "";
            char first_fail[768] = "";
            for (uint32_t v = 0; v <= nvar; v++) {
                /* The last variant is the minimal message. */
                gen_variant var = {(gen_style)(v % GEN_STYLE_COUNT), v, v == nvar};
                wk_arena_reset(arena);
                wk_value msg = gen_message(writer, &var, 0);
                check_ctx cx;
                char fail[600];
                const char *why = run_message(&msg, cf, writer, reader, &cx, fail, sizeof fail);
                t->messages++;
                if (why && !shown[0])
                    snprintf(shown, sizeof shown, "variant %u%s: %s", (unsigned)v, var.minimal ? " (minimal)" : "", why);
                if (why && !breaking && !first_fail[0]) snprintf(first_fail, sizeof first_fail, "%s", shown);
            }
            if (!breaking && first_fail[0]) {
                print_error("%s: %s %s: classified compatible, but %s\n", name, wk_compat_format_name(cf->id),
                            dir_names[dir], first_fail);
                t->failures++;
            } else if (breaking && !shown[0]) {
                print_error("%s: %s %s: classified breaking but no message shows it\n", name,
                            wk_compat_format_name(cf->id), dir_names[dir]);
                t->failures++;
            } else if (breaking && verbose) {
                printf("%s: %s %s breaks: %s\n", name, wk_compat_format_name(cf->id), dir_names[dir], shown);
            }
        }
    }
    wk_schema_free(p.schemas[0]);
    wk_schema_free(p.schemas[1]);
}

static void test_matrix(void **state)
{
    (void)state;
    size_t n;
    char **names = wkt_list_dir(PAIRS_DIR, "history-", &n);
    assert_non_null(names);
    const char *only = getenv("WK_COMPAT_PAIR");
    bool verbose = getenv("WK_COMPAT_VERBOSE") != NULL;
    arena = wk_arena_new(0);
    assert_non_null(arena);
    totals t = {0};
    for (size_t i = 0; i < n; i++) {
        if (!only || strcmp(only, names[i]) == 0) run_pair(names[i], &t, verbose);
        free(names[i]);
    }
    free(names);
    wk_arena_free(arena);
    printf("compatibility matrix: %zu pairs x %d formats x 2 directions = %zu cells: %zu compatible, "
           "%zu breaking; %zu messages checked; %zu disagreements\n",
           t.pairs, WK_COMPAT_FORMAT_COUNT, t.cells, t.compatible, t.breaking, t.messages, t.failures);
    assert_int_equal(t.failures, 0);
    if (only) return;
    assert_int_equal(t.pairs, EXPECTED_PAIRS);
    assert_int_equal(t.cells, EXPECTED_PAIRS * WK_COMPAT_FORMAT_COUNT * 2);
    assert_int_equal(t.compatible, EXPECTED_COMPATIBLE);
    assert_int_equal(t.breaking, EXPECTED_BREAKING);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
