/*
 * Tests for formats/migrate.c (wk_message_migrate), and for reading data
 * across schema versions with the decoders alone.
 *
 * The order schemas of tests/data/versions/ (1.0.0, 1.1.0 with a rename and
 * added fields, 2.0.0 with breaking changes) and small schemas written here
 * for the type rules: renames carry over, a renumbered field is another
 * field, values change type only within the wire's groups and only when
 * they fit, fields the target lacks are kept (by name or by number),
 * dropped or refused with exact reports, and a migrated message survives
 * every format. Then the sentence of the issue: data written under one
 * version decodes under another in every format, unknown fields kept and
 * written back out, missing fields at their defaults, and --unknown=drop
 * and error for strict readers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/internal.h"

#define VERSIONS_DIR WK_SOURCE_DIR "/tests/data/versions/"

static wk_schema *v100, *v110, *v200;
static const wk_message_def *order100, *order110, *order200;
static wk_arena *arena;
static const wk_format *json, *mp, *xml, *pb;

/* ---- helpers ---- */

static wk_schema *load_file(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s%s", VERSIONS_DIR, name);
    wk_schema *s = NULL;
    wk_status st;
    if (wk_schema_load(path, NULL, &s, &st) != WK_OK) fail_msg("%s:%u:%u: %s", st.file, st.line, st.col, st.msg);
    return s;
}

static wk_schema *load_text(const char *text)
{
    wk_schema *s = NULL;
    wk_status st;
    if (wk_schema_load_text("inline.proto", text, strlen(text), NULL, &s, &st) != WK_OK)
        fail_msg("inline.proto:%u:%u: %s", st.line, st.col, st.msg);
    return s;
}

static int group_setup(void **state)
{
    (void)state;
    v100 = load_file("order-1.0.0.proto");
    v110 = load_file("order-1.1.0.proto");
    v200 = load_file("order-2.0.0.proto");
    order100 = wk_schema_message(v100, "acme.Order");
    order110 = wk_schema_message(v110, "acme.Order");
    order200 = wk_schema_message(v200, "acme.Order");
    json = wk_format_find("json");
    mp = wk_format_find("msgpack");
    xml = wk_format_find("xml");
    pb = wk_format_find("protobuf");
    return order100 && order110 && order200 && json && mp && xml && pb ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    wk_schema_free(v100);
    wk_schema_free(v110);
    wk_schema_free(v200);
    return 0;
}

static int setup(void **state)
{
    (void)state;
    arena = wk_arena_new(0);
    return arena ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    wk_arena_free(arena);
    return 0;
}

static const wk_value *decode(const wk_format *f, const wk_message_def *type, const void *data, size_t len,
                              uint32_t flags)
{
    wk_decode_opts o = {0};
    o.type = type;
    o.flags = flags;
    const wk_value *v;
    wk_status st;
    if (wk_decode(f, data, len, &o, arena, &v, &st) != WK_OK) fail_msg("decode as %s: %s", f->name, st.msg);
    return v;
}

static const wk_value *from_json(const wk_message_def *type, const char *text)
{
    return decode(json, type, text, strlen(text), 0);
}

/* Encodes into a fresh buffer the caller destroys. */
static wk_buf encode(const wk_format *f, const wk_value *v, uint32_t flags)
{
    wk_buf b;
    wk_buf_init(&b);
    wk_encode_opts o = {0};
    o.flags = flags;
    wk_status st;
    if (wk_encode(f, v, &o, &b, &st) != WK_OK) fail_msg("encode as %s: %s", f->name, st.msg);
    return b;
}

static void assert_json(const wk_value *v, const char *expected)
{
    wk_buf b = encode(json, v, 0);
    if (b.len != strlen(expected) || memcmp(b.data, expected, b.len) != 0)
        fail_msg("got %.*s\nexpected %s", (int)b.len, (const char *)b.data, expected);
    wk_buf_destroy(&b);
}

static void assert_equal_values(const wk_value *got, const wk_value *expected)
{
    if (wk_value_equal(got, expected)) return;
    wk_buf g = encode(json, got, 0), e = encode(json, expected, 0);
    fail_msg("values differ:\n got      %.*s\n expected %.*s", (int)g.len, (const char *)g.data, (int)e.len,
             (const char *)e.data);
}

/* What the report callback was told, call by call. */
#define MAX_CALLS 32
typedef struct recorder {
    size_t count;
    wk_migrate_event events[MAX_CALLS];
    char paths[MAX_CALLS][96];
    uint32_t numbers[MAX_CALLS];
    char reasons[MAX_CALLS][WK_STATUS_MSG_MAX];
    wk_status *st;
} recorder;

static void record(void *ctx, wk_migrate_event event, const char *path, const wk_field_def *field)
{
    recorder *r = ctx;
    assert_true(r->count < MAX_CALLS);
    r->events[r->count] = event;
    snprintf(r->paths[r->count], sizeof r->paths[0], "%s", path);
    r->numbers[r->count] = field->number;
    snprintf(r->reasons[r->count], sizeof r->reasons[0], "%s", r->st ? r->st->msg : "");
    r->count++;
}

static void assert_call(const recorder *r, size_t i, wk_migrate_event event, const char *path, uint32_t number,
                        const char *reason)
{
    assert_true(i < r->count);
    assert_int_equal(r->events[i], event);
    assert_string_equal(r->paths[i], path);
    assert_int_equal(r->numbers[i], number);
    assert_string_equal(r->reasons[i], reason);
}

static const wk_value *migrate(const wk_value *in, const wk_message_def *to, uint32_t flags, recorder *r)
{
    static wk_status st;
    wk_migrate_opts o = {0};
    o.flags = flags;
    o.report = r ? record : NULL;
    o.ctx = r;
    if (r) r->st = &st;
    const wk_value *out = NULL;
    if (wk_message_migrate(in, to, &o, arena, &out, &st) != WK_OK) fail_msg("migrate: %s", st.msg);
    assert_int_equal(st.code, WK_OK);
    assert_string_equal(st.msg, "");
    return out;
}

/* ---- the order schemas ---- */

static const char order_v1_json[] =
    "{\"id\":\"A-1\",\"items\":[{\"sku\":\"X\",\"quantity\":-3,\"giftNote\":\"for you\"},"
    "{\"sku\":\"Y\",\"quantity\":2}],\"status\":\"SHIPPED\",\"priority\":7,\"memo\":\"aGVsbG8=\","
    "\"tags\":{\"a\":1,\"b\":-2},\"note\":\"leave at door\",\"extras\":{\"k\":{\"sku\":\"Z\",\"quantity\":1,"
    "\"giftNote\":\"x\"}},\"scores\":[1,2,3],\"coupon\":\"SAVE\",\"labels\":[\"p\",\"q\"]}";

/* 1.0.0 -> 1.1.0: note (7) is comment now; nothing is reported. */
static void test_rename_carries_over(void **state)
{
    (void)state;
    const wk_value *in = from_json(order100, order_v1_json);
    recorder r = {0};
    const wk_value *out = migrate(in, order110, 0, &r);
    assert_int_equal(r.count, 0);
    assert_ptr_equal(out->as.message->type, order110);
    const wk_value *comment = wk_message_get(out, 7);
    assert_non_null(comment);
    assert_string_equal(comment->as.str, "leave at door");
    assert_ptr_equal(out->as.message->fields[6].field, wk_message_field_by_name(order110, "comment", 7));
    /* The nested messages are of 1.1.0's types too. */
    const wk_value *items = wk_message_get(out, 2);
    assert_ptr_equal(items->as.items[0].as.message->type, wk_schema_message(v110, "acme.Order.Item"));
    assert_equal_values(out, from_json(order110,
                                       "{\"id\":\"A-1\",\"items\":[{\"sku\":\"X\",\"quantity\":-3,\"giftNote\":"
                                       "\"for you\"},{\"sku\":\"Y\",\"quantity\":2}],\"status\":\"SHIPPED\","
                                       "\"priority\":7,\"memo\":\"aGVsbG8=\",\"tags\":{\"a\":1,\"b\":-2},"
                                       "\"comment\":\"leave at door\",\"extras\":{\"k\":{\"sku\":\"Z\",\"quantity\":"
                                       "1,\"giftNote\":\"x\"}},\"scores\":[1,2,3],\"coupon\":\"SAVE\",\"labels\":"
                                       "[\"p\",\"q\"]}"));
    /* Back again: the rename carries over both ways. */
    assert_equal_values(migrate(out, order100, 0, NULL), in);
}

/*
 * 1.0.0 -> 2.0.0 keeping what the target lacks by name: a renumbered field
 * (note: 7 -> 11) is another field, and its value is not kept under a name
 * the target gives another field.
 */
static void test_breaking_keep_by_name(void **state)
{
    (void)state;
    const wk_value *in = from_json(order100, order_v1_json);
    recorder r = {0};
    const wk_value *out = migrate(in, order200, 0, &r);
    assert_int_equal(r.count, 4);
    assert_call(&r, 0, WK_MIGRATE_TYPE_MISMATCH, "items[0].quantity", 2,
                "items[0].quantity: -3 does not fit uint32 (field 2 of acme.Order.Item)");
    assert_call(&r, 1, WK_MIGRATE_NOT_IN_TARGET, "items[0].gift_note", 12,
                "items[0].gift_note: field 12 is not in acme.Order.Item of schema 2.0.0");
    assert_call(&r, 2, WK_MIGRATE_NAME_TAKEN, "note", 7,
                "note: field 7 is not in acme.Order of schema 2.0.0, whose field 11 has its name 'note'");
    assert_call(&r, 3, WK_MIGRATE_NOT_IN_TARGET, "extras[\"k\"].gift_note", 12,
                "extras[\"k\"].gift_note: field 12 is not in acme.Order.Item of schema 2.0.0");
    /* memo bytes -> string, priority, tags and scores widened, coupon one item, labels the last. */
    assert_equal_values(out, from_json(order200,
                                       "{\"id\":\"A-1\",\"items\":[{\"sku\":\"X\",\"gift_note\":\"for you\"},"
                                       "{\"sku\":\"Y\",\"quantity\":2}],\"status\":\"SHIPPED\",\"priority\":\"7\","
                                       "\"memo\":\"hello\",\"tags\":{\"a\":\"1\",\"b\":\"-2\"},\"extras\":{\"k\":"
                                       "{\"sku\":\"Z\",\"quantity\":1,\"gift_note\":\"x\"}},\"scores\":[1,2,3],"
                                       "\"coupon\":[\"SAVE\"],\"labels\":\"q\"}"));
    assert_null(wk_message_get(out, 11));
}

static void test_breaking_drop(void **state)
{
    (void)state;
    const wk_value *in = from_json(order100, order_v1_json);
    recorder r = {0};
    const wk_value *out = migrate(in, order200, WK_DECODE_UNKNOWN_DROP, &r);
    assert_int_equal(r.count, 4);
    assert_call(&r, 1, WK_MIGRATE_NOT_IN_TARGET, "items[0].gift_note", 12,
                "items[0].gift_note: field 12 is not in acme.Order.Item of schema 2.0.0");
    assert_json(out, "{\"id\":\"A-1\",\"items\":[{\"sku\":\"X\"},{\"sku\":\"Y\",\"quantity\":2}],\"status\":"
                     "\"SHIPPED\",\"priority\":\"7\",\"memo\":\"hello\",\"tags\":{\"a\":\"1\",\"b\":\"-2\"},"
                     "\"extras\":{\"k\":{\"sku\":\"Z\",\"quantity\":1}},\"scores\":[\"1\",\"2\",\"3\"],"
                     "\"coupon\":[\"SAVE\"],\"labels\":\"q\"}");
}

static void test_breaking_error(void **state)
{
    (void)state;
    const wk_value *in = from_json(order100, order_v1_json);
    recorder r = {0};
    wk_status st;
    r.st = &st;
    wk_migrate_opts o = {WK_DECODE_UNKNOWN_ERROR, record, &r, 0, NULL};
    const wk_value *out = NULL;
    assert_int_equal(wk_message_migrate(in, order200, &o, arena, &out, &st), WK_ERR_TYPE);
    assert_null(out);
    assert_string_equal(st.msg, "items[0].quantity: -3 does not fit uint32 (field 2 of acme.Order.Item)");
    /* Reported once, before the failure. */
    assert_int_equal(r.count, 1);
    assert_call(&r, 0, WK_MIGRATE_TYPE_MISMATCH, "items[0].quantity", 2,
                "items[0].quantity: -3 does not fit uint32 (field 2 of acme.Order.Item)");

    /* Without the mismatch, the first field the target lacks. */
    const wk_value *fits = from_json(order100, "{\"items\":[{\"quantity\":3,\"giftNote\":\"n\"}]}");
    assert_int_equal(wk_message_migrate(fits, order200, &o, arena, &out, &st), WK_ERR_TYPE);
    assert_string_equal(st.msg, "items[0].gift_note: field 12 is not in acme.Order.Item of schema 2.0.0");
    /* No report callback: the same failure. */
    o.report = NULL;
    assert_int_equal(wk_message_migrate(fits, order200, &o, arena, &out, &st), WK_ERR_TYPE);
    assert_string_equal(st.msg, "items[0].gift_note: field 12 is not in acme.Order.Item of schema 2.0.0");
}

/*
 * The wire form does what the wire does: migrating what was read under
 * 1.0.0 gives exactly what a protobuf decode of the same bytes under 2.0.0
 * gives (fields the target lacks as unknown fields by number, at the same
 * places).
 */
static void test_wire_form_matches_the_wire(void **state)
{
    (void)state;
    const wk_value *in = from_json(order100,
                                   "{\"id\":\"A-1\",\"items\":[{\"sku\":\"X\",\"quantity\":3,\"giftNote\":"
                                   "\"for you\"}],\"status\":\"SHIPPED\",\"priority\":-7,\"memo\":\"aGVsbG8=\","
                                   "\"tags\":{\"a\":1,\"b\":-2},\"note\":\"leave at door\",\"extras\":{\"k\":"
                                   "{\"sku\":\"Z\",\"giftNote\":\"x\"}},\"scores\":[1,-2,3],\"coupon\":\"SAVE\","
                                   "\"labels\":[\"p\",\"q\"]}");
    wk_buf bytes = encode(pb, in, 0);
    const wk_value *direct = decode(pb, order200, bytes.data, bytes.len, 0);
    const wk_value *read_old = decode(pb, order100, bytes.data, bytes.len, 0);
    recorder r = {0};
    const wk_value *out = migrate(read_old, order200, WK_MIGRATE_UNKNOWN_WIRE, &r);
    assert_equal_values(out, direct);
    /* Kept by number, so the renumbered note is not a name clash here. */
    assert_int_equal(r.count, 3);
    assert_call(&r, 0, WK_MIGRATE_NOT_IN_TARGET, "items[0].gift_note", 12,
                "items[0].gift_note: field 12 is not in acme.Order.Item of schema 2.0.0");
    assert_call(&r, 1, WK_MIGRATE_NOT_IN_TARGET, "note", 7, "note: field 7 is not in acme.Order of schema 2.0.0");
    /* And it is written back byte for byte. */
    wk_buf again = encode(pb, out, 0), direct_bytes = encode(pb, direct, 0);
    assert_int_equal(again.len, direct_bytes.len);
    assert_memory_equal(again.data, direct_bytes.data, again.len);
    /* An old reader gets every field back from the new bytes, but the
     * labels 2.0.0 made singular: their last item. */
    assert_json(decode(pb, order100, again.data, again.len, 0),
                "{\"id\":\"A-1\",\"items\":[{\"sku\":\"X\",\"quantity\":3,\"giftNote\":\"for you\"}],"
                "\"status\":\"SHIPPED\",\"priority\":-7,\"memo\":\"aGVsbG8=\",\"tags\":{\"a\":1,\"b\":-2},"
                "\"note\":\"leave at door\",\"extras\":{\"k\":{\"sku\":\"Z\",\"giftNote\":\"x\"}},"
                "\"scores\":[1,-2,3],\"coupon\":\"SAVE\",\"labels\":[\"q\"]}");
    wk_buf_destroy(&bytes);
    wk_buf_destroy(&again);
    wk_buf_destroy(&direct_bytes);
}

/* ---- type rules ---- */

static const char types_v1[] =
    "syntax = \"proto3\"; package t;\n"
    "enum Color { RED = 0; GREEN = 1; }\n"
    "message Sub { string a = 1; }\n"
    "message M {\n"
    "  int32 i32_to_i64 = 1; int64 i64_to_i32 = 2; uint64 u64_to_i64 = 3; int32 i32_to_u32 = 4;\n"
    "  bool bool_to_i32 = 5; int32 i32_to_bool = 6; Color enum_to_i32 = 7; int32 i32_to_enum = 8;\n"
    "  sint32 s32_to_s64 = 9; sint64 s64_to_s32 = 10; fixed32 f32_to_sf32 = 11; sfixed64 sf64_to_f64 = 12;\n"
    "  string str_to_bytes = 13; bytes bytes_to_str = 14; float float_to_double = 15; int32 i32_to_str = 16;\n"
    "  Sub msg_to_i32 = 17; int64 i64_to_s64 = 18; uint32 u32_to_u64 = 19; double double_to_double = 20;\n"
    "  map<int32, string> keys_widen = 21; map<string, int64> values_narrow = 22; repeated int64 list_narrow = 23;\n"
    "  optional int32 zero_to_plain = 24; repeated Sub subs = 25; map<string, int32> map_to_list = 26;\n"
    "}\n";

static const char types_v2[] =
    "syntax = \"proto3\"; package t;\n"
    "enum Color { RED = 0; GREEN = 1; }\n"
    "message Sub { bytes a = 1; }\n"
    "message M {\n"
    "  int64 i32_to_i64 = 1; int32 i64_to_i32 = 2; int64 u64_to_i64 = 3; uint32 i32_to_u32 = 4;\n"
    "  int32 bool_to_i32 = 5; bool i32_to_bool = 6; int32 enum_to_i32 = 7; Color i32_to_enum = 8;\n"
    "  sint64 s32_to_s64 = 9; sint32 s64_to_s32 = 10; sfixed32 f32_to_sf32 = 11; fixed64 sf64_to_f64 = 12;\n"
    "  bytes str_to_bytes = 13; string bytes_to_str = 14; double float_to_double = 15; string i32_to_str = 16;\n"
    "  int32 msg_to_i32 = 17; sint64 i64_to_s64 = 18; uint64 u32_to_u64 = 19; double double_to_double = 20;\n"
    "  map<int64, string> keys_widen = 21; map<string, int32> values_narrow = 22; repeated int32 list_narrow = 23;\n"
    "  int32 zero_to_plain = 24; repeated Sub subs = 25; repeated int32 map_to_list = 26;\n"
    "}\n";

/* Every conversion the wire carries, with values that fit. */
static void test_types_that_fit(void **state)
{
    (void)state;
    wk_schema *s1 = load_text(types_v1), *s2 = load_text(types_v2);
    const wk_message_def *m1 = wk_schema_message(s1, "t.M"), *m2 = wk_schema_message(s2, "t.M");
    const wk_value *in = from_json(
        m1, "{\"i32ToI64\":-5,\"i64ToI32\":\"2147483647\",\"u64ToI64\":\"9223372036854775807\",\"i32ToU32\":7,"
            "\"boolToI32\":true,\"i32ToBool\":1,\"enumToI32\":\"GREEN\",\"i32ToEnum\":5,\"s32ToS64\":-9,"
            "\"s64ToS32\":\"-2147483648\",\"f32ToSf32\":2147483647,\"sf64ToF64\":\"123\",\"strToBytes\":\"h\xc3\xa9\","
            "\"bytesToStr\":\"aGk=\",\"u32ToU64\":4294967295,\"doubleToDouble\":-0.0,\"keysWiden\":{\"-1\":\"m\"},"
            "\"valuesNarrow\":{\"x\":\"-2147483648\"},\"listNarrow\":[\"1\",\"-1\"],\"zeroToPlain\":0,"
            "\"subs\":[{\"a\":\"\xc3\xa9\"}]}");
    recorder r = {0};
    const wk_value *out = migrate(in, m2, 0, &r);
    assert_int_equal(r.count, 0);
    /* zero_to_plain held 0 with presence: the target has none, so 0 is not set. */
    assert_json(out, "{\"i32ToI64\":\"-5\",\"i64ToI32\":2147483647,\"u64ToI64\":\"9223372036854775807\","
                     "\"i32ToU32\":7,\"boolToI32\":1,\"i32ToBool\":true,\"enumToI32\":1,\"i32ToEnum\":5,"
                     "\"s32ToS64\":\"-9\",\"s64ToS32\":-2147483648,\"f32ToSf32\":2147483647,\"sf64ToF64\":\"123\","
                     "\"strToBytes\":\"aMOp\",\"bytesToStr\":\"hi\",\"u32ToU64\":\"4294967295\","
                     "\"doubleToDouble\":-0.0,\"keysWiden\":{\"-1\":\"m\"},\"valuesNarrow\":{\"x\":-2147483648},"
                     "\"listNarrow\":[1,-1],\"subs\":[{\"a\":\"w6k=\"}]}");
    assert_null(wk_message_get(out, 24));
    assert_int_equal(wk_message_get(out, 13)->kind, WK_BYTES);
    assert_int_equal(wk_message_get(out, 14)->kind, WK_STRING);
    assert_int_equal(wk_message_get(out, 21)->as.members[0].key.kind, WK_INT);
    /* Through protobuf under the target: nothing changes. */
    wk_buf b = encode(pb, out, 0);
    assert_equal_values(decode(pb, m2, b.data, b.len, 0), out);
    wk_buf_destroy(&b);
    wk_schema_free(s1);
    wk_schema_free(s2);
}

/* Values that do not fit, and types the wire does not carry into each other: reported, never kept. */
static void test_types_that_do_not_fit(void **state)
{
    (void)state;
    wk_schema *s1 = load_text(types_v1), *s2 = load_text(types_v2);
    const wk_message_def *m1 = wk_schema_message(s1, "t.M"), *m2 = wk_schema_message(s2, "t.M");
    const wk_value *in = from_json(
        m1, "{\"i64ToI32\":\"2147483648\",\"u64ToI64\":\"9223372036854775808\",\"i32ToU32\":-1,\"i32ToBool\":2,"
            "\"s64ToS32\":\"-2147483649\",\"f32ToSf32\":4294967295,\"sf64ToF64\":\"-1\",\"bytesToStr\":\"/w==\","
            "\"floatToDouble\":1.5,\"i32ToStr\":3,\"msgToI32\":{\"a\":\"x\"},\"i64ToS64\":\"4\","
            "\"keysWiden\":{\"1\":\"ok\"},\"valuesNarrow\":{\"big\":\"2147483648\",\"small\":\"5\"},"
            "\"listNarrow\":[\"1\",\"-2147483649\",\"3\"],\"subs\":[{\"a\":\"ok\"}],"
            "\"i32ToI64\":1}");
    recorder r = {0};
    const wk_value *out = migrate(in, m2, 0, &r);
    assert_int_equal(r.count, 14);
    assert_call(&r, 0, WK_MIGRATE_TYPE_MISMATCH, "i64_to_i32", 2,
                "i64_to_i32: 2147483648 does not fit int32 (field 2 of t.M)");
    assert_call(&r, 1, WK_MIGRATE_TYPE_MISMATCH, "u64_to_i64", 3,
                "u64_to_i64: 9223372036854775808 does not fit int64 (field 3 of t.M)");
    assert_call(&r, 2, WK_MIGRATE_TYPE_MISMATCH, "i32_to_u32", 4, "i32_to_u32: -1 does not fit uint32 (field 4 of t.M)");
    assert_call(&r, 3, WK_MIGRATE_TYPE_MISMATCH, "i32_to_bool", 6, "i32_to_bool: 2 does not fit bool (field 6 of t.M)");
    assert_call(&r, 4, WK_MIGRATE_TYPE_MISMATCH, "s64_to_s32", 10,
                "s64_to_s32: -2147483649 does not fit sint32 (field 10 of t.M)");
    assert_call(&r, 5, WK_MIGRATE_TYPE_MISMATCH, "f32_to_sf32", 11,
                "f32_to_sf32: 4294967295 does not fit sfixed32 (field 11 of t.M)");
    assert_call(&r, 6, WK_MIGRATE_TYPE_MISMATCH, "sf64_to_f64", 12,
                "sf64_to_f64: -1 does not fit fixed64 (field 12 of t.M)");
    assert_call(&r, 7, WK_MIGRATE_TYPE_MISMATCH, "bytes_to_str", 14,
                "bytes_to_str: bytes that are not UTF-8 cannot become a string (field 14 of t.M)");
    assert_call(&r, 8, WK_MIGRATE_TYPE_MISMATCH, "float_to_double", 15,
                "float_to_double: a float value cannot become double (field 15 of t.M)");
    assert_call(&r, 9, WK_MIGRATE_TYPE_MISMATCH, "i32_to_str", 16,
                "i32_to_str: a int32 value cannot become string (field 16 of t.M)");
    assert_call(&r, 10, WK_MIGRATE_TYPE_MISMATCH, "msg_to_i32", 17,
                "msg_to_i32: a message value cannot become int32 (field 17 of t.M)");
    assert_call(&r, 11, WK_MIGRATE_TYPE_MISMATCH, "i64_to_s64", 18,
                "i64_to_s64: a int64 value cannot become sint64 (field 18 of t.M)");
    assert_call(&r, 12, WK_MIGRATE_TYPE_MISMATCH, "values_narrow[\"big\"]", 22,
                "values_narrow[\"big\"]: 2147483648 does not fit int32 (field 2 of t.M.ValuesNarrowEntry)");
    assert_call(&r, 13, WK_MIGRATE_TYPE_MISMATCH, "list_narrow[1]", 23,
                "list_narrow[1]: -2147483649 does not fit int32 (field 23 of t.M)");
    /* Only what fits is left, and nothing is kept as unknown. */
    assert_json(out, "{\"i32ToI64\":\"1\",\"keysWiden\":{\"1\":\"ok\"},\"valuesNarrow\":{\"small\":5},"
                     "\"listNarrow\":[1,3],\"subs\":[{\"a\":\"b2s=\"}]}");
    assert_int_equal(out->as.message->unknown_count, 0);
    wk_schema_free(s1);
    wk_schema_free(s2);
}

/* A map does not become a list, nor a list a map. */
static void test_map_and_list(void **state)
{
    (void)state;
    wk_schema *s1 = load_text(types_v1), *s2 = load_text(types_v2);
    const wk_message_def *m1 = wk_schema_message(s1, "t.M"), *m2 = wk_schema_message(s2, "t.M");
    recorder r = {0};
    const wk_value *out = migrate(from_json(m1, "{\"mapToList\":{\"k\":1}}"), m2, 0, &r);
    assert_int_equal(r.count, 1);
    assert_call(&r, 0, WK_MIGRATE_TYPE_MISMATCH, "map_to_list", 26,
                "map_to_list: a map cannot become a repeated field (field 26 of t.M)");
    assert_json(out, "{}");
    r.count = 0;
    migrate(from_json(m2, "{\"mapToList\":[1]}"), m1, 0, &r);
    assert_int_equal(r.count, 1);
    assert_call(&r, 0, WK_MIGRATE_TYPE_MISMATCH, "map_to_list", 26,
                "map_to_list: a repeated field cannot become a map (field 26 of t.M)");
    wk_schema_free(s1);
    wk_schema_free(s2);
}

/* Enums: by number; an open enum keeps a number it lacks, a closed one refuses it. */
static void test_enums(void **state)
{
    (void)state;
    wk_schema *open1 = load_text(types_v1), *open2 = load_text(types_v2);
    recorder r = {0};
    const wk_value *out = migrate(from_json(wk_schema_message(open1, "t.M"), "{\"i32ToEnum\":77}"),
                                  wk_schema_message(open2, "t.M"), 0, &r);
    assert_int_equal(r.count, 0);
    assert_int_equal(wk_message_get(out, 8)->as.i, 77);

    wk_schema *c1 = load_text("syntax = \"proto2\"; package c;\n"
                              "enum Old { X = 1; Y = 2; Z = 5; }\n"
                              "message E { optional int32 code = 1; repeated int32 codes = 2; optional Old old = 3;"
                              " optional int32 first = 4; }\n");
    wk_schema *c2 = load_text("syntax = \"proto2\"; package c;\n"
                              "enum Code { A = 1; B = 2; }\n"
                              "message E { optional Code code = 1; repeated Code codes = 2; optional Code old = 3;"
                              " optional Code first = 4; }\n");
    const wk_message_def *e1 = wk_schema_message(c1, "c.E"), *e2 = wk_schema_message(c2, "c.E");
    r.count = 0;
    out = migrate(from_json(e1, "{\"code\":7,\"codes\":[1,5,2],\"old\":\"Y\",\"first\":1}"), e2, 0, &r);
    assert_int_equal(r.count, 2);
    assert_call(&r, 0, WK_MIGRATE_TYPE_MISMATCH, "code", 1,
                "code: 7 is not a value of the closed enum c.Code (field 1 of c.E)");
    assert_call(&r, 1, WK_MIGRATE_TYPE_MISMATCH, "codes[1]", 2,
                "codes[1]: 5 is not a value of the closed enum c.Code (field 2 of c.E)");
    assert_json(out, "{\"codes\":[\"A\",\"B\"],\"old\":\"B\",\"first\":\"A\"}");
    /* proto2 optional: a value equal to the enum's first is still set. */
    assert_non_null(wk_message_get(out, 4));

    r.count = 0;
    out = migrate(from_json(e1, "{\"old\":\"Z\"}"), e2, WK_DECODE_UNKNOWN_DROP, &r);
    assert_call(&r, 0, WK_MIGRATE_TYPE_MISMATCH, "old", 3,
                "old: 5 is not a value of the closed enum c.Code (field 3 of c.E)");
    assert_json(out, "{}");
    wk_schema_free(open1);
    wk_schema_free(open2);
    wk_schema_free(c1);
    wk_schema_free(c2);
}

/* Singular <-> repeated: one item; the last item (as a parser keeps the last). */
static void test_cardinality(void **state)
{
    (void)state;
    recorder r = {0};
    const wk_value *out = migrate(from_json(order100, "{\"coupon\":\"A\",\"labels\":[\"x\",\"y\",\"z\"]}"),
                                  order200, 0, &r);
    assert_int_equal(r.count, 0);
    assert_json(out, "{\"coupon\":[\"A\"],\"labels\":\"z\"}");
    /* A last item at its default leaves a field without presence unset. */
    out = migrate(from_json(order100, "{\"labels\":[\"x\",\"\"]}"), order200, 0, &r);
    assert_null(wk_message_get(out, 14));
    /* Back: a list of one item to a singular field and back is the same. */
    out = migrate(from_json(order200, "{\"coupon\":[\"A\",\"B\"],\"labels\":\"z\"}"), order100, 0, &r);
    assert_json(out, "{\"coupon\":\"B\",\"labels\":[\"z\"]}");
    assert_int_equal(r.count, 0);
}

/* Unknown fields of the source are carried over unchanged, after the ones kept by policy. */
static void test_source_unknowns_carried(void **state)
{
    (void)state;
    const wk_value *in = from_json(order100, "{\"id\":\"A\",\"zzz\":{\"deep\":[1,2]},\"items\":[{\"giftNote\":"
                                             "\"g\",\"yyy\":true}],\"note\":\"n\"}");
    const wk_value *out = migrate(in, order200, 0, NULL);
    assert_json(out, "{\"id\":\"A\",\"items\":[{\"gift_note\":\"g\",\"yyy\":true}],\"zzz\":{\"deep\":[1,2]}}");
    const wk_message *m = out->as.message;
    assert_int_equal(m->unknown_count, 1);
    assert_ptr_equal(m->unknown[0].value.as.members, in->as.message->unknown[0].value.as.members);

    /* Read from protobuf: number keys and wire bytes, carried over too (and written back). */
    static const uint8_t with_unknown[] = {0x0a, 0x01, 'A', 0xa0, 0x06, 0x2a}; /* id "A", field 100 = 42 */
    in = decode(pb, order100, with_unknown, sizeof with_unknown, 0);
    out = migrate(in, order200, WK_MIGRATE_UNKNOWN_WIRE, NULL);
    assert_int_equal(out->as.message->unknown_count, 1);
    assert_int_equal(out->as.message->unknown[0].key.as.i, 100);
    wk_buf b = encode(pb, out, 0);
    assert_int_equal(b.len, sizeof with_unknown);
    assert_memory_equal(b.data, with_unknown, b.len);
    wk_buf_destroy(&b);
}

/* Every type in the wire form, each as protobuf writes it: compared with a decode under a type that lacks them. */
static void test_wire_form_every_type(void **state)
{
    (void)state;
    wk_schema *s = load_text(
        "syntax = \"proto2\"; package w;\n"
        "message Sub { optional string a = 1; }\n"
        "message Full {\n"
        "  optional int32 i32 = 1; optional int64 i64 = 2; optional uint32 u32 = 3; optional uint64 u64 = 4;\n"
        "  optional sint32 s32 = 5; optional sint64 s64 = 6; optional fixed32 f32 = 7; optional fixed64 f64 = 8;\n"
        "  optional sfixed32 sf32 = 9; optional sfixed64 sf64 = 10; optional float fl = 11; optional double db = 12;\n"
        "  optional bool b = 13; optional string s = 14; optional bytes by = 15; optional Sub sub = 16;\n"
        "  repeated int32 unpacked = 17; repeated sint64 packed = 18 [packed = true];\n"
        "  map<string, Sub> subs = 19; map<int32, int64> nums = 20; repeated Sub list = 21;\n"
        "  optional group G = 22 { optional int32 x = 1; }\n"
        "  repeated fixed32 pf = 23 [packed = true];\n"
        "}\n"
        "message Empty { }\n");
    const wk_message_def *full = wk_schema_message(s, "w.Full"), *empty = wk_schema_message(s, "w.Empty");
    const wk_value *in = from_json(
        full, "{\"i32\":-1,\"i64\":\"-9223372036854775808\",\"u32\":4294967295,\"u64\":\"18446744073709551615\","
              "\"s32\":-2147483648,\"s64\":\"-3\",\"f32\":4294967295,\"f64\":\"18446744073709551615\","
              "\"sf32\":-2,\"sf64\":\"-9\",\"fl\":1.5,\"db\":-2.25,\"b\":true,\"s\":\"h\xc3\xa9\",\"by\":\"AAE=\","
              "\"sub\":{\"a\":\"x\"},\"unpacked\":[1,-1],\"packed\":[\"0\",\"-1\",\"1\"],"
              "\"subs\":{\"k\":{\"a\":\"v\"},\"e\":{}},\"nums\":{\"-5\":\"7\"},\"list\":[{\"a\":\"1\"},{}],"
              "\"g\":{\"x\":3},\"pf\":[1]}");
    wk_buf bytes = encode(pb, in, 0);
    const wk_value *direct = decode(pb, empty, bytes.data, bytes.len, 0);
    recorder r = {0};
    const wk_value *out = migrate(in, empty, WK_MIGRATE_UNKNOWN_WIRE, &r);
    assert_int_equal(r.count, 23);
    assert_equal_values(out, direct);
    /* One member per record: 16 singular fields, each item of the unpacked
     * list (2), of the map entries (3) and of the list of messages (2), the
     * group, and each packed run once (2). */
    assert_int_equal(out->as.message->unknown_count, 26);
    wk_buf again = encode(pb, out, 0);
    assert_int_equal(again.len, bytes.len);
    assert_memory_equal(again.data, bytes.data, bytes.len);
    assert_equal_values(decode(pb, full, again.data, again.len, 0), in);
    wk_buf_destroy(&bytes);
    wk_buf_destroy(&again);
    wk_schema_free(s);
}

/*
 * A migrated message in every format, decoded again under the target:
 * every known field as it was, and the fields kept as unknown written back
 * out alike, so that a reader of the old version still finds them.
 */
static void check_survives(const wk_format *f, uint32_t enc_flags)
{
    /* Without the changes 2.0.0 makes that an old text reader cannot read
     * (memo as text, not base64; coupon a list; labels one string). */
    const wk_value *in = from_json(order100,
                                   "{\"id\":\"A-1\",\"items\":[{\"sku\":\"X\",\"quantity\":3,\"giftNote\":"
                                   "\"for you\"},{\"sku\":\"Y\",\"quantity\":2}],\"status\":\"SHIPPED\","
                                   "\"priority\":7,\"tags\":{\"a\":1},\"note\":\"leave at door\",\"extras\":"
                                   "{\"k\":{\"sku\":\"Z\",\"quantity\":1,\"giftNote\":\"x\"}},\"scores\":[1,2,3]}");
    bool wire = f == pb;
    const wk_value *out = migrate(in, order200, wire ? WK_MIGRATE_UNKNOWN_WIRE : 0, NULL);
    wk_buf first = encode(f, out, enc_flags);
    const wk_value *back = decode(f, order200, first.data, first.len, 0);
    if (wire) {
        assert_equal_values(back, out);
    } else {
        /* Known fields: what a strict reader of both keeps is the same. */
        const wk_value *strict = decode(f, order200, first.data, first.len, WK_DECODE_UNKNOWN_DROP);
        assert_equal_values(strict, migrate(in, order200, WK_DECODE_UNKNOWN_DROP, NULL));
        assert_int_equal(wk_message_get(back, 2)->as.items[0].as.message->unknown_count, 1);
    }
    /* Written again: the same bytes. */
    wk_buf second = encode(f, back, enc_flags);
    assert_int_equal(second.len, first.len);
    assert_memory_equal(second.data, first.data, first.len);
    /* The old version's reader finds gift_note again, where the field was kept. */
    const wk_value *old = decode(f, order100, first.data, first.len, 0);
    const wk_value *item = &wk_message_get(old, 2)->as.items[0];
    assert_string_equal(wk_message_get(item, 12)->as.str, "for you");
    const wk_value *extra = &wk_message_get(old, 8)->as.members[0].value;
    assert_string_equal(wk_message_get(extra, 12)->as.str, "x");
    if (wire) assert_string_equal(wk_message_get(old, 7)->as.str, "leave at door");
    wk_buf_destroy(&first);
    wk_buf_destroy(&second);
}

static void test_survives_json(void **state) { (void)state; check_survives(json, 0); }
static void test_survives_msgpack(void **state) { (void)state; check_survives(mp, 0); }
static void test_survives_msgpack_numbers(void **state) { (void)state; check_survives(mp, WK_ENCODE_NUMBER_KEYS); }
static void test_survives_xml(void **state) { (void)state; check_survives(xml, 0); }
static void test_survives_protobuf(void **state) { (void)state; check_survives(pb, 0); }

static void test_argument_errors(void **state)
{
    (void)state;
    wk_status st;
    const wk_value *out = NULL;
    wk_value n = wk_value_int(1);
    assert_int_equal(wk_message_migrate(&n, order200, NULL, arena, &out, &st), WK_ERR_INVALID);
    assert_string_equal(st.msg, "wk_message_migrate: a int value, not a typed message");
    assert_int_equal(wk_message_migrate(NULL, order200, NULL, arena, &out, &st), WK_ERR_INVALID);
    assert_string_equal(st.msg, "wk_message_migrate: a message, a target type, an arena and an output are required");
    const wk_value *in = from_json(order100, "{}");
    assert_int_equal(wk_message_migrate(in, NULL, NULL, arena, &out, &st), WK_ERR_INVALID);
    assert_null(out);
    /* The same type: the message itself. */
    assert_int_equal(wk_message_migrate(in, order100, NULL, arena, &out, NULL), WK_OK);
    assert_ptr_equal(out->as.message, in->as.message);
}

/* Out of memory at every size: a clean failure, never a crash. */
static void test_out_of_memory(void **state)
{
    (void)state;
    const wk_value *in = from_json(order100, order_v1_json);
    static char mem[8192];
    size_t ok_at = 0;
    for (size_t size = 64; size <= sizeof mem; size += 8) {
        wk_arena *small = wk_arena_new_fixed(mem, size);
        assert_non_null(small);
        wk_status st;
        const wk_value *out;
        wk_migrate_opts o = {WK_MIGRATE_UNKNOWN_WIRE, NULL, NULL, 0, NULL};
        wk_code rc = wk_message_migrate(in, order200, &o, small, &out, &st);
        if (rc == WK_OK) {
            ok_at = size;
            break;
        }
        assert_int_equal(rc, WK_ERR_NOMEM);
    }
    assert_true(ok_at > 64);
}

/*
 * Regression: fields the source kept apart that the target puts in one
 * oneof were all kept, making a message that every encoder and reader of
 * the target refuses ("a second member of oneof"). The member with the
 * highest number is kept, as a protobuf reader of the same bytes keeps it,
 * and each other one is reported and dropped, or refused.
 */
static void test_oneof_members_set_together(void **state)
{
    (void)state;
    wk_schema *s1 = load_text("syntax = \"proto3\"; package o; message M { string sku = 1; string email = 3; "
                              "string phone = 4; string fax = 5; repeated M kids = 6; }");
    wk_schema *s2 = load_text("syntax = \"proto3\"; package o; message M { string sku = 1; oneof contact { "
                              "string email = 3; string phone = 4; string fax = 5; } repeated M kids = 6; }");
    const wk_message_def *m1 = wk_schema_message(s1, "o.M"), *m2 = wk_schema_message(s2, "o.M");
    const wk_value *in = from_json(m1, "{\"sku\":\"a\",\"email\":\"e\",\"phone\":\"p\",\"fax\":\"f\","
                                       "\"kids\":[{\"email\":\"e2\",\"phone\":\"p2\"}]}");
    recorder r = {0};
    const wk_value *out = migrate(in, m2, 0, &r);
    assert_int_equal(r.count, 3);
    assert_call(&r, 0, WK_MIGRATE_ONEOF_TAKEN, "email", 3,
                "email: field 3 of o.M is in oneof contact with field 4, which is set too (the later is kept)");
    assert_call(&r, 1, WK_MIGRATE_ONEOF_TAKEN, "phone", 4,
                "phone: field 4 of o.M is in oneof contact with field 5, which is set too (the later is kept)");
    assert_call(&r, 2, WK_MIGRATE_ONEOF_TAKEN, "kids[0].email", 3,
                "kids[0].email: field 3 of o.M is in oneof contact with field 4, which is set too (the later "
                "is kept)");
    assert_json(out, "{\"sku\":\"a\",\"fax\":\"f\",\"kids\":[{\"phone\":\"p2\"}]}");
    /* What a protobuf reader of the target makes of the source's bytes, in every form. */
    wk_buf bytes = encode(pb, in, 0);
    assert_equal_values(out, decode(pb, m2, bytes.data, bytes.len, 0));
    wk_buf_destroy(&bytes);
    assert_equal_values(migrate(in, m2, WK_MIGRATE_UNKNOWN_WIRE | WK_DECODE_UNKNOWN_DROP, NULL), out);
    /* It now writes and reads back in every format. */
    const wk_format *formats[] = {json, mp, xml, pb};
    for (size_t i = 0; i < 4; i++) {
        wk_buf b = encode(formats[i], out, 0);
        assert_equal_values(decode(formats[i], m2, b.data, b.len, 0), out);
        wk_buf_destroy(&b);
    }
    /* Refused with UNKNOWN_ERROR, naming the first member that loses. */
    wk_status st;
    const wk_value *refused = NULL;
    wk_migrate_opts o = {WK_DECODE_UNKNOWN_ERROR, NULL, NULL, 0, NULL};
    assert_int_equal(wk_message_migrate(in, m2, &o, arena, &refused, &st), WK_ERR_TYPE);
    assert_null(refused);
    assert_string_equal(st.msg,
                        "email: field 3 of o.M is in oneof contact with field 4, which is set too (the later is kept)");
    /* One member set is no conflict, nor are proto3 optional fields (synthetic oneofs). */
    assert_json(migrate(from_json(m1, "{\"email\":\"e\",\"kids\":[{\"fax\":\"f\"}]}"), m2, 0, NULL),
                "{\"email\":\"e\",\"kids\":[{\"fax\":\"f\"}]}");
    wk_schema *s3 = load_text("syntax = \"proto3\"; package o; message M { optional string sku = 1; "
                              "optional string email = 3; }");
    recorder none = {0};
    assert_json(migrate(from_json(m1, "{\"sku\":\"a\",\"email\":\"e\"}"), wk_schema_message(s3, "o.M"), 0, &none),
                "{\"sku\":\"a\",\"email\":\"e\"}");
    assert_int_equal(none.count, 0);
    wk_schema_free(s3);
    wk_schema_free(s2);
    wk_schema_free(s1);
}

/*
 * Regression: a hand-built message whose repeated or map field holds a
 * value of another kind, kept by number (WK_MIGRATE_UNKNOWN_WIRE), was
 * walked as a list or a map all the same: out-of-bounds reads and writes.
 * It is WK_ERR_TYPE with the path, as everywhere else.
 */
static void test_wire_form_wrong_kinds(void **state)
{
    (void)state;
    wk_schema *s1 = load_text("syntax = \"proto3\"; package w; message M { repeated int32 xs = 1; "
                              "map<string, int32> m = 2; }");
    wk_schema *s2 = load_text("syntax = \"proto3\"; package w; message M { }");
    const wk_message_def *m1 = wk_schema_message(s1, "w.M"), *m2 = wk_schema_message(s2, "w.M");
    wk_value list;
    wk_value *items = wk_value_list(arena, 3, &list);
    assert_non_null(items);
    for (int i = 0; i < 3; i++) items[i] = wk_value_int(i);
    wk_value text;
    assert_int_equal(wk_value_string(arena, "hello, world", 12, &text), WK_OK);
    struct {
        uint32_t number;
        wk_value value;
        const char *msg;
    } cases[] = {
        {1, text, "xs: a repeated field holds a value of kind string"},
        {2, list, "m: a map field holds a value of kind list"},
        {2, text, "m: a map field holds a value of kind string"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wk_value in;
        wk_message *msg = wk_value_message(arena, m1, 1, 0, &in);
        assert_non_null(msg);
        ((wk_field_value *)msg->fields)[0] = (wk_field_value){wk_message_field(m1, cases[i].number), cases[i].value};
        wk_migrate_opts o = {WK_MIGRATE_UNKNOWN_WIRE, NULL, NULL, 0, NULL};
        wk_status st;
        const wk_value *out = NULL;
        assert_int_equal(wk_message_migrate(&in, m2, &o, arena, &out, &st), WK_ERR_TYPE);
        assert_null(out);
        assert_string_equal(st.msg, cases[i].msg);
    }
    wk_schema_free(s2);
    wk_schema_free(s1);
}

/* Deeper than the limit: WK_ERR_DEPTH with the path. */
static void test_depth(void **state)
{
    (void)state;
    wk_schema *s1 = load_text("syntax = \"proto3\"; package d; message N { N next = 1; int32 v = 2; }");
    wk_schema *s2 = load_text("syntax = \"proto3\"; package d; message N { N next = 1; int64 v = 2; }");
    const wk_message_def *n1 = wk_schema_message(s1, "d.N"), *n2 = wk_schema_message(s2, "d.N");
    char text[256] = "";
    for (int i = 0; i < 4; i++) strcat(text, "{\"next\":");
    strcat(text, "{\"v\":1}}}}}");
    const wk_value *in = from_json(n1, text);
    wk_migrate_opts o = {0, NULL, NULL, 3, NULL};
    wk_status st;
    const wk_value *out;
    assert_int_equal(wk_message_migrate(in, n2, &o, arena, &out, &st), WK_ERR_DEPTH);
    assert_string_equal(st.msg, "next.next.next: messages nested deeper than the limit of 3");
    o.max_depth = 5;
    assert_int_equal(wk_message_migrate(in, n2, &o, arena, &out, &st), WK_OK);
    wk_schema_free(s1);
    wk_schema_free(s2);
}

/* ---- data across versions, with the decoders alone ---- */

static const char order_v11_json[] =
    "{\"id\":\"B-2\",\"items\":[{\"sku\":\"X\",\"quantity\":2,\"discount\":-4}],\"status\":\"PLACED\","
    "\"comment\":\"ring twice\",\"channel\":\"web\",\"bonus\":{\"sku\":\"FREE\",\"quantity\":1},"
    "\"promoCodes\":[\"A\",\"B\"]}";

/*
 * Written under 1.1.0, read under 1.0.0 (the new fields unknown there),
 * written again by that old reader in the same format, read under 1.1.0:
 * the same message.
 */
static void check_new_through_old(const wk_format *f, uint32_t enc_flags, uint32_t unknown_count)
{
    const wk_value *newer = from_json(order110, order_v11_json);
    wk_buf bytes = encode(f, newer, enc_flags);
    const wk_value *old = decode(f, order100, bytes.data, bytes.len, 0);
    /* The old reader kept what it does not know: comment (by name), channel,
     * bonus and promo_codes; XML and protobuf keep each of the two codes alone. */
    assert_int_equal(old->as.message->unknown_count, unknown_count);
    assert_int_equal(wk_message_get(old, 2)->as.items[0].as.message->unknown_count, 1);
    wk_buf back = encode(f, old, enc_flags);
    assert_equal_values(decode(f, order110, back.data, back.len, 0), newer);
    wk_buf_destroy(&bytes);
    wk_buf_destroy(&back);
}

static void test_new_through_old_json(void **state) { (void)state; check_new_through_old(json, 0, 4); }
static void test_new_through_old_msgpack(void **state) { (void)state; check_new_through_old(mp, 0, 4); }
/* By number, comment is field 7, which 1.0.0 knows (as note). */
static void test_new_through_old_msgpack_numbers(void **state)
{
    (void)state;
    check_new_through_old(mp, WK_ENCODE_NUMBER_KEYS, 3);
}
static void test_new_through_old_xml(void **state) { (void)state; check_new_through_old(xml, 0, 5); }
static void test_new_through_old_protobuf(void **state) { (void)state; check_new_through_old(pb, 0, 4); }

/* Old data under the new version: the added fields are missing and take their defaults. */
static void check_old_under_new(const wk_format *f, uint32_t enc_flags)
{
    const wk_value *older = from_json(order100, "{\"id\":\"A\",\"items\":[{\"sku\":\"X\"}],\"coupon\":\"C\"}");
    wk_buf bytes = encode(f, older, enc_flags);
    const wk_value *newer = decode(f, order110, bytes.data, bytes.len, WK_DECODE_UNKNOWN_ERROR);
    assert_null(wk_message_get(newer, 10));
    assert_null(wk_message_get(newer, 15));
    assert_null(wk_message_get(&wk_message_get(newer, 2)->as.items[0], 3));
    assert_json(newer, "{\"id\":\"A\",\"items\":[{\"sku\":\"X\"}],\"coupon\":\"C\"}");
    wk_buf dflt = encode(json, newer, WK_ENCODE_EMIT_DEFAULTS);
    const char *expected =
        "{\"id\":\"A\",\"items\":[{\"sku\":\"X\",\"quantity\":0,\"discount\":0,\"giftNote\":\"\"}],"
        "\"status\":\"STATUS_UNSPECIFIED\",\"priority\":0,\"memo\":\"\",\"tags\":{},\"comment\":\"\",\"extras\":{},"
        "\"scores\":[],\"channel\":\"\",\"coupon\":\"C\",\"labels\":[],\"promoCodes\":[]}";
    assert_int_equal(dflt.len, strlen(expected));
    assert_memory_equal(dflt.data, expected, dflt.len);
    wk_buf_destroy(&dflt);
    wk_buf_destroy(&bytes);
}

static void test_old_under_new_every_format(void **state)
{
    (void)state;
    check_old_under_new(json, 0);
    check_old_under_new(mp, 0);
    check_old_under_new(mp, WK_ENCODE_NUMBER_KEYS);
    check_old_under_new(xml, 0);
    check_old_under_new(pb, 0);
}

/* --unknown=drop and error: a strict old reader of new data. */
static void check_strict(const wk_format *f, uint32_t enc_flags, const char *error)
{
    const wk_value *newer = from_json(order110, order_v11_json);
    wk_buf bytes = encode(f, newer, enc_flags);
    const wk_value *dropped = decode(f, order100, bytes.data, bytes.len, WK_DECODE_UNKNOWN_DROP);
    assert_int_equal(dropped->as.message->unknown_count, 0);
    assert_int_equal(wk_message_get(dropped, 2)->as.items[0].as.message->unknown_count, 0);
    /* Written again and read under 1.1.0: the new fields are gone, the rest is there. */
    wk_buf back = encode(f, dropped, enc_flags);
    const wk_value *again = decode(f, order110, back.data, back.len, 0);
    assert_null(wk_message_get(again, 10));
    assert_string_equal(wk_message_get(again, 1)->as.str, "B-2");
    wk_decode_opts o = {0};
    o.type = order100;
    o.flags = WK_DECODE_UNKNOWN_ERROR;
    const wk_value *v;
    wk_status st;
    assert_int_equal(wk_decode(f, bytes.data, bytes.len, &o, arena, &v, &st), WK_ERR_TYPE);
    if (strcmp(st.msg, error) != 0) fail_msg("%s: got \"%s\"", f->name, st.msg);
    wk_buf_destroy(&bytes);
    wk_buf_destroy(&back);
}

static void test_strict_readers(void **state)
{
    (void)state;
    check_strict(json, 0, "$.items[0].discount: unknown field \"discount\" in acme.Order.Item");
    check_strict(mp, 0, "$.items[0].discount: unknown field \"discount\" in acme.Order.Item");
    check_strict(mp, WK_ENCODE_NUMBER_KEYS, "$.2[0].3: unknown field number 3 in acme.Order.Item");
    check_strict(xml, 0, "$.items[0].discount: unknown field \"discount\" in acme.Order.Item");
    check_strict(pb, 0, "$.items[0]: unknown field 3 in acme.Order.Item");
}

/*
 * Data newer than the schema it was read with: JSON and MessagePack keep
 * what the old type does not know as they read it, and migrating with the
 * source format named reads those fields into the new type's fields (by
 * declared or JSON name, or by number from number-keyed MessagePack), so
 * that nothing is lost on the way, in protobuf either.
 */
static void test_unknowns_read_into_the_target(void **state)
{
    (void)state;
    static const char newer[] = "{\"id\":\"A\",\"channel\":\"web\",\"promo_codes\":[\"X1\",\"Y2\"],"
                                "\"items\":[{\"sku\":\"s\",\"discount\":-2}],\"bonus\":{\"sku\":\"b\"},"
                                "\"zzz\":1}";
    const wk_value *old = from_json(order100, newer);
    assert_int_equal(old->as.message->unknown_count, 4);   /* channel, promo_codes, bonus, zzz */
    wk_migrate_opts o = {.source = json};
    const wk_value *now;
    wk_status st;
    assert_int_equal(wk_message_migrate(old, order110, &o, arena, &now, &st), WK_OK);
    /* Read into their fields (in number order), zzz still unknown; items[0].discount too. */
    assert_json(now, "{\"id\":\"A\",\"items\":[{\"sku\":\"s\",\"discount\":-2}],\"channel\":\"web\","
                     "\"bonus\":{\"sku\":\"b\"},\"promoCodes\":[\"X1\",\"Y2\"],\"zzz\":1}");
    assert_int_equal(now->as.message->unknown_count, 1);
    assert_non_null(wk_message_get(now, 10));
    /* Written as protobuf and read under 1.1.0: every field is there. */
    wk_buf b = encode(pb, now, 0);
    const wk_value *back = decode(pb, order110, b.data, b.len, 0);
    assert_json(back, "{\"id\":\"A\",\"items\":[{\"sku\":\"s\",\"discount\":-2}],\"channel\":\"web\","
                      "\"bonus\":{\"sku\":\"b\"},\"promoCodes\":[\"X1\",\"Y2\"]}");
    wk_buf_destroy(&b);

    /* Without the source format, they are carried over as they are. */
    wk_migrate_opts plain = {0};
    assert_int_equal(wk_message_migrate(old, order110, &plain, arena, &now, &st), WK_OK);
    assert_int_equal(now->as.message->unknown_count, 4);
    assert_null(wk_message_get(now, 10));

    /* MessagePack, name keys and number keys alike. */
    wk_buf m = encode(mp, from_json(order110, "{\"id\":\"B\",\"channel\":\"app\"}"), 0);
    old = decode(mp, order100, m.data, m.len, 0);
    wk_buf_destroy(&m);
    o.source = mp;
    assert_int_equal(wk_message_migrate(old, order110, &o, arena, &now, &st), WK_OK);
    assert_json(now, "{\"id\":\"B\",\"channel\":\"app\"}");
    m = encode(mp, from_json(order110, "{\"id\":\"B\",\"channel\":\"app\"}"), WK_ENCODE_NUMBER_KEYS);
    old = decode(mp, order100, m.data, m.len, 0);
    wk_buf_destroy(&m);
    assert_int_equal(wk_message_migrate(old, order110, &o, arena, &now, &st), WK_OK);
    assert_json(now, "{\"id\":\"B\",\"channel\":\"app\"}");

    /* A value that is not of the field's type stays unknown; a default is taken and left out. */
    old = from_json(order100, "{\"channel\":7,\"promo_codes\":[]}");
    o.source = json;
    assert_int_equal(wk_message_migrate(old, order110, &o, arena, &now, &st), WK_OK);
    assert_int_equal(now->as.message->field_count, 0);
    assert_int_equal(now->as.message->unknown_count, 1);
    assert_json(now, "{\"channel\":7}");

    /* A format whose unknown fields are not kept as read (XML) is not read this way. */
    o.source = xml;
    old = from_json(order100, "{\"channel\":\"web\"}");
    assert_int_equal(wk_message_migrate(old, order110, &o, arena, &now, &st), WK_OK);
    assert_int_equal(now->as.message->unknown_count, 1);
}

/* A field read from an unknown one never joins a oneof whose other member is set. */
static void test_unknowns_and_oneofs(void **state)
{
    (void)state;
    wk_schema *from = load_text("syntax = \"proto3\";\npackage t;\nmessage M { string email = 3; }\n");
    wk_schema *to = load_text("syntax = \"proto3\";\npackage t;\n"
                              "message M { oneof contact { string email = 3; string phone = 4; } }\n");
    static const char text[] = "{\"email\":\"e\",\"phone\":\"p\"}";
    const wk_value *old = decode(json, wk_schema_message(from, "t.M"), text, sizeof text - 1, 0);
    wk_migrate_opts o = {.source = json};
    const wk_value *now;
    wk_status st;
    assert_int_equal(wk_message_migrate(old, wk_schema_message(to, "t.M"), &o, arena, &now, &st), WK_OK);
    assert_int_equal(now->as.message->field_count, 1);
    assert_int_equal(now->as.message->fields[0].field->number, 3);
    assert_int_equal(now->as.message->unknown_count, 1);
    wk_schema_free(from);
    wk_schema_free(to);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rename_carries_over, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknowns_read_into_the_target, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknowns_and_oneofs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_breaking_keep_by_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_breaking_drop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_breaking_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wire_form_matches_the_wire, setup, teardown),
        cmocka_unit_test_setup_teardown(test_types_that_fit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_types_that_do_not_fit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_and_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enums, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cardinality, setup, teardown),
        cmocka_unit_test_setup_teardown(test_source_unknowns_carried, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wire_form_every_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_survives_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_survives_msgpack, setup, teardown),
        cmocka_unit_test_setup_teardown(test_survives_msgpack_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_survives_xml, setup, teardown),
        cmocka_unit_test_setup_teardown(test_survives_protobuf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_argument_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_depth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oneof_members_set_together, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wire_form_wrong_kinds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_through_old_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_through_old_msgpack, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_through_old_msgpack_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_through_old_xml, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_through_old_protobuf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_old_under_new_every_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strict_readers, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
