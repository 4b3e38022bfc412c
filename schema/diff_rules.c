/*
 * The rules of schema compatibility: for every change kind, every format
 * and both directions, whether the change breaks a reader, and why. The
 * table here is the only place the rules are written; the diff engine
 * evaluates it (wk__diff_eval) and docs/compatibility.md is its Markdown
 * form (wk__diff_rules_markdown), kept equal to it by a test.
 *
 * A change breaks a format in a direction when the reader fails to read
 * the writer's data, reads a value both versions know as another value, or
 * writes what it read back (same format) in a form the writer does not read
 * back as the original (tests/formats/test_compat_matrix.c checks this on
 * every fixture pair with generated data).
 *
 * What the rules rest on, from wirekit's own readers (docs/mapping.md):
 *  - Protocol Buffers carries field numbers and wire types; JSON carries
 *    each field's json_name and accepts the proto name too; XML writes the
 *    proto name and accepts the json_name too; MessagePack writes the proto
 *    name (or the number, with number keys) and accepts all three.
 *  - Unknown fields are kept and written back out; missing fields take
 *    their defaults; only the protobuf reader enforces proto2 required
 *    fields; the typed readers refuse numbers a closed enum does not list,
 *    and values outside a field type's range (the protobuf reader
 *    truncates them instead).
 */
#include "diff_internal.h"

#include <stdarg.h>
#include <stdio.h>

#define OK(r) {WK__RULE_OK, r}
#define BREAKS(r) {WK__RULE_BREAKS, r}
#define KEYS(r) {WK__RULE_KEYS, r}
#define TYPES(r) {WK__RULE_TYPES, r}
#define OPEN(r) {WK__RULE_OPEN_ENUM, r}
#define REQUIRED(r) {WK__RULE_REQUIRED, r}
#define LIST(r) {WK__RULE_LIST_READER, r}
#define ONEOF(r) {WK__RULE_ONEOF, r}

/* The same cell pair for every format. */
#define ALL5(bw, fw) {{bw, fw}, {bw, fw}, {bw, fw}, {bw, fw}, {bw, fw}}

#define NAMES_OK_PB "the wire carries field numbers, never type names"
#define NAMES_OK_JSON "JSON carries field names, never type names"
#define NAMES_OK_XML "elements are named by field; any root element name is accepted"
#define NAMES_OK_MP "MessagePack maps carry field names, never type names"
#define NAMES_OK_MPN "MessagePack maps carry field numbers, never type names"
#define TYPE_NAMES_INVISIBLE                                                              \
    {{OK(NAMES_OK_PB), OK(NAMES_OK_PB)}, {OK(NAMES_OK_JSON), OK(NAMES_OK_JSON)},         \
     {OK(NAMES_OK_XML), OK(NAMES_OK_XML)}, {OK(NAMES_OK_MP), OK(NAMES_OK_MP)},           \
     {OK(NAMES_OK_MPN), OK(NAMES_OK_MPN)}}
#define FULL_NAME_LEVEL                                                                   \
    "no data changes, but full names do: -m arguments, google.protobuf.Any type URLs "   \
    "and code that names the type see it"

/*
 * Old data holds values of a removed type only inside fields of the types
 * that remain; those fields were removed or retyped too, and each such
 * change is judged on its own (a removed field's value is kept as an
 * unknown field). That no reader of the type itself is left is what the
 * level MAJOR says.
 */
#define REMOVED_TYPE_BW                                                                    \
    "old data holds values of the type only inside fields that the new version removed "  \
    "or retyped, which are changes of their own (a removed field is kept as an unknown "  \
    "field); no reader of the type itself is left, which the level says"
#define ADDED_FW "the old reader keeps the new field as an unknown field and writes it back out"
#define REMOVED_BW "the new reader keeps old data's value as an unknown field and writes it back out"
#define TEXT_NOT_REQUIRED "wirekit's typed readers of this format do not enforce required fields: a missing one takes its default"
#define REMOVED_PB_FW                                                                     \
    "ok: new data lacks the field and the old reader gives it its default; breaks when "  \
    "the old field is required, as a protobuf reader refuses a message without it"
#define REMOVED_CELLS                                                                      \
    {{OK(REMOVED_BW), REQUIRED(REMOVED_PB_FW)}, {OK(REMOVED_BW), OK(TEXT_NOT_REQUIRED)}, \
     {OK(REMOVED_BW), OK(TEXT_NOT_REQUIRED)}, {OK(REMOVED_BW), OK(TEXT_NOT_REQUIRED)},   \
     {OK(REMOVED_BW), OK(TEXT_NOT_REQUIRED)}}

/* Both ways: the reader must take the writer's key, and the writer must take the key the
 * reader writes the value back under, or the round trip back loses it. */
#define KEYS_JSON                                                                          \
    "breaks unless the key the writer writes (its json_name) is one the reader accepts "  \
    "(its proto name or json_name), and the key the reader writes back (its json_name) "  \
    "one the writer accepts"
#define KEYS_XML                                                                           \
    "breaks unless the element the writer writes (its proto name) is one the reader "     \
    "accepts (its proto name or json_name), and the element the reader writes back (its " \
    "proto name) one the writer accepts"
#define KEYS_MP                                                                            \
    "breaks unless the key the writer writes (its proto name) is one the reader accepts " \
    "(its proto name or json_name), and the key the reader writes back (its proto name) " \
    "one the writer accepts"

#define TYPES_PB "ok only when both types have the same wire encoding and the reader's type holds every value of the writer's (type rules below)"
#define TYPES_TEXT "ok only when the reader's type accepts every value in the form this format writes the writer's type (type rules below)"

#define OPEN_MP                                                                            \
    "MessagePack carries enum values as numbers: ok when the reader's enum is open (it "  \
    "keeps a number it does not list); breaks when it is closed (proto2), which refuses it"

#define ONEOF_RULE                                                                         \
    "breaks when the reader's oneof also holds another field that the writer sets "       \
    "independently: data with both set reads as one of them only (protobuf keeps the "    \
    "last; the text formats refuse two members)"

static const wk__diff_rule diff_rules[] = {
    {WK_CHANGE_PACKAGE_CHANGED,
     "The file's package changed; every type's full name changes with it (the types are "
     "compared under their names relative to the package).",
     WK_BUMP_MINOR, FULL_NAME_LEVEL, TYPE_NAMES_INVISIBLE},
    {WK_CHANGE_MESSAGE_ADDED, "A message type appears.", WK_BUMP_MINOR, "an addition",
     ALL5(OK("old data holds no value of the new type"),
          OK("an old reader meets the type only inside new fields, which it keeps as unknown fields"))},
    {WK_CHANGE_MESSAGE_REMOVED, "A message type disappears.", WK_BUMP_MAJOR,
     "readers and writers of the type lose it",
     ALL5(OK(REMOVED_TYPE_BW), OK("new writers cannot write the type"))},
    {WK_CHANGE_MESSAGE_MOVED,
     "A message type disappears under one full name and appears under another with the same "
     "fields (nested <-> top level, another parent or package).",
     WK_BUMP_MINOR, FULL_NAME_LEVEL, TYPE_NAMES_INVISIBLE},
    {WK_CHANGE_ENUM_ADDED, "An enum type appears.", WK_BUMP_MINOR, "an addition",
     ALL5(OK("old data holds no value of the new type"),
          OK("an old reader meets the type only inside new fields, which it keeps as unknown fields"))},
    {WK_CHANGE_ENUM_REMOVED, "An enum type disappears.", WK_BUMP_MAJOR,
     "readers and writers of the type lose it",
     ALL5(OK(REMOVED_TYPE_BW), OK("new writers cannot write the type"))},
    {WK_CHANGE_ENUM_MOVED,
     "An enum type disappears under one full name and appears under another with the same values.",
     WK_BUMP_MINOR, FULL_NAME_LEVEL, TYPE_NAMES_INVISIBLE},
    {WK_CHANGE_FIELD_ADDED, "A field with a number (and name) the old version did not have.",
     WK_BUMP_MINOR, "an addition",
     {{REQUIRED("ok: old data lacks the field and the new reader gives it its default; breaks "
                "when the new field is required, as a protobuf reader refuses a message without it"),
       OK(ADDED_FW)},
      {OK("old data lacks the field: the new reader gives it its default (" TEXT_NOT_REQUIRED ")"),
       OK(ADDED_FW)},
      {OK("old data lacks the field: the new reader gives it its default (" TEXT_NOT_REQUIRED ")"),
       OK(ADDED_FW)},
      {OK("old data lacks the field: the new reader gives it its default (" TEXT_NOT_REQUIRED ")"),
       OK(ADDED_FW)},
      {OK("old data lacks the field: the new reader gives it its default (" TEXT_NOT_REQUIRED ")"),
       OK(ADDED_FW)}}},
    {WK_CHANGE_FIELD_REMOVED_RESERVED,
     "A field disappears, and its number and name are both reserved in the new version.",
     WK_BUMP_MINOR, "a removal done safely: the number and the name can never be used again",
     REMOVED_CELLS},
    {WK_CHANGE_FIELD_REMOVED,
     "A field disappears without both its number and its name reserved.", WK_BUMP_MAJOR,
     "what is not reserved is free again: a later version may reuse the number or the name "
     "and then read old data's value as another field; reserve both to make the removal MINOR",
     REMOVED_CELLS},
    {WK_CHANGE_FIELD_RENAMED, "A field keeps its number and gets another name.", WK_BUMP_PATCH,
     "nothing changes where fields are keyed by number",
     {{OK("the wire carries the number, not the name"), OK("the wire carries the number, not the name")},
      {KEYS(KEYS_JSON), KEYS(KEYS_JSON)},
      {KEYS(KEYS_XML), KEYS(KEYS_XML)},
      {KEYS(KEYS_MP), KEYS(KEYS_MP)},
      {OK("keys are field numbers"), OK("keys are field numbers")}}},
    {WK_CHANGE_FIELD_RENUMBERED, "A field keeps its name and gets another number.", WK_BUMP_PATCH,
     "nothing changes where fields are keyed by name",
     {{BREAKS("the wire carries the number: the writer's number is not the reader's field, so "
              "the value becomes an unknown field (or another field's value)"),
       BREAKS("the wire carries the number: the writer's number is not the reader's field, so "
              "the value becomes an unknown field (or another field's value)")},
      {KEYS(KEYS_JSON), KEYS(KEYS_JSON)},
      {KEYS(KEYS_XML), KEYS(KEYS_XML)},
      {KEYS(KEYS_MP), KEYS(KEYS_MP)},
      {BREAKS("keys are field numbers: the writer's number is not the reader's field"),
       BREAKS("keys are field numbers: the writer's number is not the reader's field")}}},
    {WK_CHANGE_FIELD_TYPE_CHANGED,
     "A field's type changed: another scalar type, another enum or message type, a map's key "
     "or value type.",
     WK_BUMP_PATCH, "nothing changes where the format carries both types alike",
     {{TYPES(TYPES_PB), TYPES(TYPES_PB)},
      {TYPES(TYPES_TEXT), TYPES(TYPES_TEXT)},
      {TYPES(TYPES_TEXT), TYPES(TYPES_TEXT)},
      {TYPES(TYPES_TEXT), TYPES(TYPES_TEXT)},
      {TYPES(TYPES_TEXT), TYPES(TYPES_TEXT)}}},
    {WK_CHANGE_FIELD_CARDINALITY_CHANGED, "A field became repeated, or stopped being repeated.",
     WK_BUMP_MINOR, "readers see lists where there were single values, or the reverse",
     {{LIST("ok when the reader's field is the repeated one: a protobuf reader takes a single "
            "value as a list of one (packed or not); breaks when it is the singular one: of a "
            "list it keeps only the last item"),
       LIST("ok when the reader's field is the repeated one: a protobuf reader takes a single "
            "value as a list of one (packed or not); breaks when it is the singular one: of a "
            "list it keeps only the last item")},
      {BREAKS("a list is a JSON array and a single value is not: the reader refuses the other form"),
       BREAKS("a list is a JSON array and a single value is not: the reader refuses the other form")},
      {LIST("ok when the reader's field is the repeated one: one element is a list of one; "
            "breaks when it is the singular one: a list's repeated elements do not fit it"),
       LIST("ok when the reader's field is the repeated one: one element is a list of one; "
            "breaks when it is the singular one: a list's repeated elements do not fit it")},
      {BREAKS("a list is a MessagePack array and a single value is not: the reader refuses the other form"),
       BREAKS("a list is a MessagePack array and a single value is not: the reader refuses the other form")},
      {BREAKS("a list is a MessagePack array and a single value is not: the reader refuses the other form"),
       BREAKS("a list is a MessagePack array and a single value is not: the reader refuses the other form")}}},
    {WK_CHANGE_FIELD_PRESENCE_CHANGED,
     "A singular field gained or lost explicit presence (proto3 `optional`).", WK_BUMP_MINOR,
     "readers see whether the field was set",
     ALL5(OK("the same encoding; a field with presence is also written when it holds its "
             "default, which a reader without presence reads as that default"),
          OK("the same encoding; a field with presence is also written when it holds its "
             "default, which a reader without presence reads as that default"))},
    {WK_CHANGE_FIELD_REQUIRED_CHANGED, "A field became required, or stopped being required (proto2).",
     WK_BUMP_MINOR, "what a writer must send changes",
     {{REQUIRED("breaks where the reader's field is required and the writer's is not: the "
                "writer may leave it out, and a protobuf reader refuses a message without it"),
       REQUIRED("breaks where the reader's field is required and the writer's is not: the "
                "writer may leave it out, and a protobuf reader refuses a message without it")},
      {OK(TEXT_NOT_REQUIRED), OK(TEXT_NOT_REQUIRED)},
      {OK(TEXT_NOT_REQUIRED), OK(TEXT_NOT_REQUIRED)},
      {OK(TEXT_NOT_REQUIRED), OK(TEXT_NOT_REQUIRED)},
      {OK(TEXT_NOT_REQUIRED), OK(TEXT_NOT_REQUIRED)}}},
    {WK_CHANGE_FIELD_PACKING_CHANGED, "A repeated scalar field is written packed, or no longer packed.",
     WK_BUMP_PATCH, "packed and unpacked lists read alike",
     {{OK("protobuf readers accept a repeated scalar field both packed and unpacked"),
       OK("protobuf readers accept a repeated scalar field both packed and unpacked")},
      {OK("JSON has one form for a list"), OK("JSON has one form for a list")},
      {OK("XML has one form for a list"), OK("XML has one form for a list")},
      {OK("MessagePack has one form for a list"), OK("MessagePack has one form for a list")},
      {OK("MessagePack has one form for a list"), OK("MessagePack has one form for a list")}}},
    {WK_CHANGE_FIELD_MOVED_INTO_ONEOF, "A field joined a oneof, or moved to another oneof.",
     WK_BUMP_MINOR, "readers see that at most one member is set", ALL5(ONEOF(ONEOF_RULE), ONEOF(ONEOF_RULE))},
    {WK_CHANGE_FIELD_MOVED_OUT_OF_ONEOF, "A field left its oneof.", WK_BUMP_MINOR,
     "readers see that more than one former member may be set", ALL5(ONEOF(ONEOF_RULE), ONEOF(ONEOF_RULE))},
    {WK_CHANGE_JSON_NAME_CHANGED, "A field's JSON name changed (the json_name option); its name and number did not.",
     WK_BUMP_PATCH, "nothing changes outside JSON keys",
     {{OK("the wire carries the number"), OK("the wire carries the number")},
      {KEYS(KEYS_JSON), KEYS(KEYS_JSON)},
      {KEYS(KEYS_XML), KEYS(KEYS_XML)},
      {KEYS(KEYS_MP), KEYS(KEYS_MP)},
      {OK("keys are field numbers"), OK("keys are field numbers")}}},
    {WK_CHANGE_DEFAULT_CHANGED, "A proto2 field's default value changed.", WK_BUMP_PATCH,
     "nothing else changes",
     ALL5(BREAKS("an unset field reads as the reader's default: data that leaves the field unset "
                 "reads as another value"),
          BREAKS("an unset field reads as the reader's default: data that leaves the field unset "
                 "reads as another value"))},
    {WK_CHANGE_ENUM_VALUE_ADDED, "An enum value with a number (and name) the old version did not have.",
     WK_BUMP_MINOR, "an addition",
     {{OK("old data holds only numbers the new enum has"),
       OK("the old reader keeps a number its enum does not list as that number (wirekit's "
          "protobuf reader does so for closed enums too)")},
      {OK("old data holds only names the new enum has"),
       BREAKS("JSON carries the value's name: the old reader refuses the new name")},
      {OK("old data holds only names the new enum has"),
       BREAKS("XML carries the value's name: the old reader refuses the new name")},
      {OK("old data holds only numbers the new enum has"), OPEN(OPEN_MP)},
      {OK("old data holds only numbers the new enum has"), OPEN(OPEN_MP)}}},
    {WK_CHANGE_ENUM_VALUE_REMOVED_RESERVED,
     "An enum value disappears, and its number and name are both reserved in the new version.",
     WK_BUMP_MINOR, "a removal done safely: the number and the name can never be used again",
     {{OK("the new reader keeps a number its enum does not list as that number (wirekit's "
          "protobuf reader does so for closed enums too)"),
       OK("new data never holds the removed value")},
      {BREAKS("JSON carries the value's name: the new reader refuses the removed name"),
       OK("new data never holds the removed value")},
      {BREAKS("XML carries the value's name: the new reader refuses the removed name"),
       OK("new data never holds the removed value")},
      {OPEN(OPEN_MP), OK("new data never holds the removed value")},
      {OPEN(OPEN_MP), OK("new data never holds the removed value")}}},
    {WK_CHANGE_ENUM_VALUE_REMOVED,
     "An enum value disappears without both its number and its name reserved.", WK_BUMP_MAJOR,
     "what is not reserved is free again: a later version may give the number or the name "
     "to another value, and then read old data as that value",
     {{OK("the new reader keeps a number its enum does not list as that number (wirekit's "
          "protobuf reader does so for closed enums too)"),
       OK("new data never holds the removed value")},
      {BREAKS("JSON carries the value's name: the new reader refuses the removed name"),
       OK("new data never holds the removed value")},
      {BREAKS("XML carries the value's name: the new reader refuses the removed name"),
       OK("new data never holds the removed value")},
      {OPEN(OPEN_MP), OK("new data never holds the removed value")},
      {OPEN(OPEN_MP), OK("new data never holds the removed value")}}},
    {WK_CHANGE_ENUM_VALUE_RENAMED, "An enum value keeps its number and gets another name.",
     WK_BUMP_PATCH, "nothing changes where enum values are numbers",
     {{OK("the wire carries the number"), OK("the wire carries the number")},
      {BREAKS("JSON carries the value's name: the reader refuses the other version's name"),
       BREAKS("JSON carries the value's name: the reader refuses the other version's name")},
      {BREAKS("XML carries the value's name: the reader refuses the other version's name"),
       BREAKS("XML carries the value's name: the reader refuses the other version's name")},
      {OK("MessagePack carries enum values as numbers"), OK("MessagePack carries enum values as numbers")},
      {OK("MessagePack carries enum values as numbers"), OK("MessagePack carries enum values as numbers")}}},
    {WK_CHANGE_ENUM_VALUE_RENUMBERED, "An enum value keeps its name and gets another number.",
     WK_BUMP_PATCH, "nothing changes where enum values are names",
     {{BREAKS("the wire carries the number: the value reads as another value, or an unknown one"),
       BREAKS("the wire carries the number: the value reads as another value, or an unknown one")},
      {OK("JSON carries the value's name"), OK("JSON carries the value's name")},
      {OK("XML carries the value's name"), OK("XML carries the value's name")},
      {BREAKS("MessagePack carries the number: the value reads as another value, or an unknown one"),
       BREAKS("MessagePack carries the number: the value reads as another value, or an unknown one")},
      {BREAKS("MessagePack carries the number: the value reads as another value, or an unknown one"),
       BREAKS("MessagePack carries the number: the value reads as another value, or an unknown one")}}},
    {WK_CHANGE_RESERVED_REMOVED, "Reserved numbers or names of a message or enum are no longer reserved.",
     WK_BUMP_MAJOR,
     "a later version may reuse them, and then read data written before the reservation as "
     "another field or value",
     ALL5(OK("reserved numbers and names never appear in data"),
          OK("reserved numbers and names never appear in data"))},
    {WK_CHANGE_RESERVED_ADDED,
     "Numbers or names are newly reserved (other than those of a field or value removed in the same step).",
     WK_BUMP_PATCH, "nothing written or read changes",
     ALL5(OK("reserved numbers and names never appear in data"),
          OK("reserved numbers and names never appear in data"))},
    {WK_CHANGE_ONEOF_RENAMED, "A oneof keeps its members and gets another name.", WK_BUMP_PATCH,
     "nothing written or read changes",
     ALL5(OK("oneof names are never written: only the members are"),
          OK("oneof names are never written: only the members are"))},
    {WK_CHANGE_OPTION_CHANGED,
     "An option that changes no encoding was added, removed or changed (deprecated, "
     "java_package, custom options...).",
     WK_BUMP_PATCH, "no reader or writer sees it",
     ALL5(OK("the option changes nothing that is written or read"),
          OK("the option changes nothing that is written or read"))},
};

const wk__diff_rule *wk__diff_rule_of(wk_change_kind kind)
{
    for (size_t i = 0; i < sizeof diff_rules / sizeof diff_rules[0]; i++)
        if (diff_rules[i].kind == kind) return &diff_rules[i];
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Evaluating conditions                                               */
/* ------------------------------------------------------------------ */

static bool rules_say(char *reason, size_t cap, bool breaks, const char *fmt, ...) WK__PRINTF(4, 5);

static bool rules_say(char *reason, size_t cap, bool breaks, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, cap, fmt, ap);
    va_end(ap);
    return breaks;
}

/* Whether `key` names field r for a reader that accepts proto names and JSON names. */
static bool rules_accepts(const wk_field_def *r, const char *key)
{
    return strcmp(key, r->name) == 0 || strcmp(key, r->json_name) == 0;
}

static bool rules_keys(wk_compat_format format, const wk_field_def *w, const wk_field_def *r, char *reason,
                       size_t cap)
{
    if (format == WK_COMPAT_PROTOBUF || format == WK_COMPAT_MSGPACK_NUMBERS) {
        if (w->number == r->number)
            return rules_say(reason, cap, false, "the key is the number %u on both sides", w->number);
        return rules_say(reason, cap, true,
                         "the data's field number %u is not the reader's (%u): the value becomes an unknown field",
                         w->number, r->number);
    }
    const char *key = format == WK_COMPAT_JSON ? w->json_name : w->name;
    const char *back = format == WK_COMPAT_JSON ? r->json_name : r->name;
    if (rules_accepts(r, key) && rules_accepts(w, back))
        return rules_say(reason, cap, false, "the reader still accepts the key \"%s\", and the writer the key \"%s\"",
                         key, back);
    if (rules_accepts(r, key))
        return rules_say(reason, cap, true,
                         "the reader accepts the key \"%s\" but writes the value back under \"%s\", which the "
                         "writer does not accept: the round trip back loses it", key, back);
    if (strcmp(r->name, r->json_name) == 0)
        return rules_say(reason, cap, true,
                         "the data's key \"%s\" is unknown to the reader (it takes \"%s\"): the value "
                         "becomes an unknown field", key, r->name);
    return rules_say(reason, cap, true,
                     "the data's key \"%s\" is unknown to the reader (it takes \"%s\" or \"%s\"): the "
                     "value becomes an unknown field", key, r->name, r->json_name);
}

static bool rules_oneof(wk_compat_format format, const wk_field_def *w, const wk_field_def *r, char *reason,
                        size_t cap)
{
    const wk_message_def *rm = r->containing, *wm = w->containing;
    if (r->oneof_index < 0 || !rm || (size_t)r->oneof_index >= rm->oneof_count ||
        rm->oneofs[r->oneof_index].synthetic)
        return rules_say(reason, cap, false, "the reader's field is in no oneof: it reads whatever is set");
    const wk_oneof_def *o = &rm->oneofs[r->oneof_index];
    for (size_t i = 0; i < o->field_count; i++) {
        const wk_field_def *other = o->fields[i];
        if (other == r) continue;
        const wk_field_def *wo = wm ? wk_message_field(wm, other->number) : NULL;
        if (!wo) continue;
        bool same_oneof = w->oneof_index >= 0 && wo->oneof_index == w->oneof_index &&
                          !wm->oneofs[w->oneof_index].synthetic;
        if (same_oneof) continue;
        return rules_say(reason, cap, true,
                         "the reader's oneof %s also holds %s, which the writer sets independently: "
                         "with both set, %s",
                         o->name, other->name,
                         format == WK_COMPAT_PROTOBUF ? "the reader keeps only the last"
                                                      : "the reader refuses two members");
    }
    return rules_say(reason, cap, false,
                     "the reader's oneof %s holds no other field the writer can set along with this one",
                     o->name);
}

bool wk__diff_eval(const wk__diff_cell *cell, wk_compat_format format, const wk__diff_side *writer,
                   const wk__diff_side *reader, char *reason, size_t cap)
{
    switch (cell->rule) {
    case WK__RULE_OK:
        return rules_say(reason, cap, false, "%s", cell->reason);
    case WK__RULE_BREAKS:
        return rules_say(reason, cap, true, "%s", cell->reason);
    case WK__RULE_KEYS:
        if (!writer->field || !reader->field) break;
        return rules_keys(format, writer->field, reader->field, reason, cap);
    case WK__RULE_TYPES:
        if (!writer->field || !reader->field) break;
        return !wk__diff_types_ok(format, writer->field, reader->field, reason, cap);
    case WK__RULE_OPEN_ENUM:
        if (!reader->enum_def) break;
        if (!reader->enum_def->closed)
            return rules_say(reason, cap, false, "the reader's enum %s is open: it keeps a number it does not list",
                             reader->enum_def->full_name);
        return rules_say(reason, cap, true, "the reader's enum %s is closed (proto2): it refuses the number %d",
                         reader->enum_def->full_name, writer->value ? writer->value->number : 0);
    case WK__RULE_REQUIRED: {
        const wk_field_def *r = reader->field, *w = writer->field;
        if (r && r->label == WK_LABEL_REQUIRED && (!w || w->label != WK_LABEL_REQUIRED))
            return rules_say(reason, cap, true,
                             "the reader's field %s is required and the writer may leave it out: a "
                             "protobuf reader refuses a message without it", r->name);
        if (!r)
            return rules_say(reason, cap, false, "the reader has no such field: the value is kept as an unknown field");
        if (!w)
            return rules_say(reason, cap, false,
                             "the reader's field is not required: when the data lacks it, it takes its default");
        return rules_say(reason, cap, false, "%s", r->label == WK_LABEL_REQUIRED
                             ? "the writer's field is required too: it is always written"
                             : "the reader's field is not required: when the data lacks it, it takes its default");
    }
    case WK__RULE_LIST_READER:
        if (!reader->field) break;
        if (reader->field->label == WK_LABEL_REPEATED)
            return rules_say(reason, cap, false, "the reader's field is repeated: a single value reads as a list of one");
        return rules_say(reason, cap, true, "%s",
                         format == WK_COMPAT_PROTOBUF
                             ? "the reader's field is singular: of a list it keeps only the last item"
                             : "the reader's field is singular: a list's repeated elements do not fit it");
    case WK__RULE_ONEOF:
        if (!writer->field || !reader->field) break;
        return rules_oneof(format, writer->field, reader->field, reason, cap);
    }
    /* A condition without the element it needs: the table's text, judged ok. */
    return rules_say(reason, cap, false, "%s", cell->reason);
}

/* ------------------------------------------------------------------ */
/* Type changes                                                        */
/* ------------------------------------------------------------------ */

/* An integer range; hi_max stands for UINT64_MAX, which no int64_t holds. */
typedef struct rules_range {
    int64_t lo;
    int64_t hi;
    bool hi_max;
} rules_range;

static bool rules_is_integer(wk_field_type t)
{
    switch (t) {
    case WK_TYPE_INT32: case WK_TYPE_INT64: case WK_TYPE_UINT32: case WK_TYPE_UINT64:
    case WK_TYPE_SINT32: case WK_TYPE_SINT64: case WK_TYPE_FIXED32: case WK_TYPE_FIXED64:
    case WK_TYPE_SFIXED32: case WK_TYPE_SFIXED64:
        return true;
    default:
        return false;
    }
}

/* The numbers a field of an integer, bool or enum type can carry. */
static rules_range rules_range_of(const wk_field_def *f)
{
    switch (f->type) {
    case WK_TYPE_INT32: case WK_TYPE_SINT32: case WK_TYPE_SFIXED32:
        return (rules_range){INT32_MIN, INT32_MAX, false};
    case WK_TYPE_UINT32: case WK_TYPE_FIXED32:
        return (rules_range){0, UINT32_MAX, false};
    case WK_TYPE_UINT64: case WK_TYPE_FIXED64:
        return (rules_range){0, 0, true};
    case WK_TYPE_BOOL:
        return (rules_range){0, 1, false};
    case WK_TYPE_ENUM:
        /* An open enum may carry any int32; a closed one only what it lists. */
        if (f->enum_def && f->enum_def->closed && f->enum_def->value_count) {
            rules_range r = {INT32_MAX, INT32_MIN, false};
            for (size_t i = 0; i < f->enum_def->value_count; i++) {
                int32_t n = f->enum_def->values[i].number;
                if (n < r.lo) r.lo = n;
                if (n > r.hi) r.hi = n;
            }
            return r;
        }
        return (rules_range){INT32_MIN, INT32_MAX, false};
    default: /* INT64, SINT64, SFIXED64 */
        return (rules_range){INT64_MIN, INT64_MAX, false};
    }
}

static bool rules_range_within(rules_range a, rules_range b)
{
    if (a.lo < b.lo) return false;
    if (a.hi_max) return b.hi_max;
    return b.hi_max || a.hi <= b.hi;
}

/* The largest magnitude a range reaches, as a double (for the float checks). */
static double rules_range_span(rules_range r)
{
    double lo = -(double)r.lo, hi = r.hi_max ? 18446744073709551615.0 : (double)r.hi;
    return lo > hi ? lo : hi;
}

static const char *rules_type(const wk_field_def *f, char *buf, size_t cap)
{
    if (f->is_map) return "map";
    if (f->type == WK_TYPE_MESSAGE && f->message) snprintf(buf, cap, "message %s", f->message->full_name);
    else if (f->type == WK_TYPE_ENUM && f->enum_def) snprintf(buf, cap, "enum %s", f->enum_def->full_name);
    else return wk_field_type_name(f->type);
    return buf;
}

/* How a format writes a value of a type, for the reasons. */
static const char *rules_form(wk_compat_format format, const wk_field_def *f)
{
    bool wide = f->type == WK_TYPE_INT64 || f->type == WK_TYPE_UINT64 || f->type == WK_TYPE_SINT64 ||
                f->type == WK_TYPE_FIXED64 || f->type == WK_TYPE_SFIXED64;
    switch (format) {
    case WK_COMPAT_JSON:
        if (f->is_map) return "an object";
        switch (f->type) {
        case WK_TYPE_BOOL: return "true or false";
        case WK_TYPE_ENUM: return "the value's name";
        case WK_TYPE_STRING: return "a string";
        case WK_TYPE_BYTES: return "base64 text";
        case WK_TYPE_MESSAGE: case WK_TYPE_GROUP: return "an object";
        default: return wide ? "a decimal string" : "a number";
        }
    case WK_COMPAT_XML:
        if (f->is_map) return "key and value elements";
        switch (f->type) {
        case WK_TYPE_BOOL: return "true or false";
        case WK_TYPE_ENUM: return "the value's name";
        case WK_TYPE_STRING: return "text";
        case WK_TYPE_BYTES: return "base64 text";
        case WK_TYPE_MESSAGE: case WK_TYPE_GROUP: return "child elements";
        default: return "a number's text";
        }
    default:
        if (f->is_map) return "a map";
        switch (f->type) {
        case WK_TYPE_BOOL: return "true or false";
        case WK_TYPE_ENUM: return "an integer";
        case WK_TYPE_STRING: return "a str";
        case WK_TYPE_BYTES: return "a bin";
        case WK_TYPE_MESSAGE: case WK_TYPE_GROUP: return "a map";
        case WK_TYPE_FLOAT: case WK_TYPE_DOUBLE: return "a float";
        default: return "an integer";
        }
    }
}

typedef enum rules_wire { WIRE_VARINT, WIRE_ZIGZAG, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_GROUP } rules_wire;

static rules_wire rules_wire_of(wk_field_type t)
{
    switch (t) {
    case WK_TYPE_SINT32: case WK_TYPE_SINT64: return WIRE_ZIGZAG;
    case WK_TYPE_FIXED32: case WK_TYPE_SFIXED32: case WK_TYPE_FLOAT: return WIRE_FIXED32;
    case WK_TYPE_FIXED64: case WK_TYPE_SFIXED64: case WK_TYPE_DOUBLE: return WIRE_FIXED64;
    case WK_TYPE_STRING: case WK_TYPE_BYTES: case WK_TYPE_MESSAGE: return WIRE_LEN;
    case WK_TYPE_GROUP: return WIRE_GROUP;
    default: return WIRE_VARINT;
    }
}

static const char *const rules_wire_names[] = {"a varint", "a zigzag varint", "4 fixed bytes",
                                               "8 fixed bytes", "length-delimited bytes", "a group"};

static bool rules_enum_lists(const wk_enum_def *e, int32_t number)
{
    for (size_t i = 0; i < e->value_count; i++)
        if (e->values[i].number == number) return true;
    return false;
}

static bool rules_enum_names(const wk_enum_def *e, const char *name)
{
    for (size_t i = 0; i < e->value_count; i++)
        if (strcmp(e->values[i].name, name) == 0) return true;
    return false;
}

/* Enum to enum of another type, compared by number (protobuf, MessagePack) or by name (JSON, XML). */
static bool rules_enum_to_enum(bool by_name, const wk_enum_def *w, const wk_enum_def *r, char *reason,
                               size_t cap)
{
    if (w->closed == false && r->closed)
        return !rules_say(reason, cap, true,
                          "the writer's enum %s is open and may write numbers it does not list, which the "
                          "reader's closed enum %s refuses", w->full_name, r->full_name);
    for (size_t i = 0; i < w->value_count; i++) {
        const wk_enum_value_def *v = &w->values[i];
        if (by_name && !rules_enum_names(r, v->name))
            return !rules_say(reason, cap, true, "the value %s of %s is not a name of %s", v->name,
                              w->full_name, r->full_name);
        if (!by_name && r->closed && !rules_enum_lists(r, v->number))
            return !rules_say(reason, cap, true, "the number %d of %s is not listed by the closed enum %s",
                              v->number, w->full_name, r->full_name);
    }
    return !rules_say(reason, cap, false, "every value of %s is one %s reads (by %s)", w->full_name,
                      r->full_name, by_name ? "name" : "number");
}

static bool rules_messages(const wk_field_def *w, const wk_field_def *r, char *reason, size_t cap)
{
    if (w->message && r->message && wk__diff_same_shape(w->message, r->message))
        return !rules_say(reason, cap, false, "%s and %s have the same fields", w->message->full_name,
                          r->message->full_name);
    return !rules_say(reason, cap, true, "%s and %s have different fields",
                      w->message ? w->message->full_name : "?", r->message ? r->message->full_name : "?");
}

static bool rules_types_pb(const wk_field_def *w, const wk_field_def *r, char *reason, size_t cap)
{
    char wb[160], rb[160];
    const char *wt = rules_type(w, wb, sizeof wb), *rt = rules_type(r, rb, sizeof rb);
    rules_wire ww = rules_wire_of(w->type), rw = rules_wire_of(r->type);
    if (ww != rw) {
        if ((ww == WIRE_VARINT && rw == WIRE_ZIGZAG) || (ww == WIRE_ZIGZAG && rw == WIRE_VARINT))
            return !rules_say(reason, cap, true,
                              "%s and %s are both varints, but the sint types are zigzag-encoded: numbers "
                              "read as other numbers", wt, rt);
        return !rules_say(reason, cap, true, "%s is written as %s and %s is read as %s", wt,
                          rules_wire_names[ww], rt, rules_wire_names[rw]);
    }
    switch (ww) {
    case WIRE_VARINT: case WIRE_ZIGZAG: {
        if (r->type == WK_TYPE_BOOL)
            return !rules_say(reason, cap, true, "a bool reader reads every nonzero %s as true", wt);
        if (w->type == WK_TYPE_ENUM && r->type == WK_TYPE_ENUM && w->enum_def && r->enum_def)
            return rules_enum_to_enum(false, w->enum_def, r->enum_def, reason, cap);
        rules_range wr = rules_range_of(w), rr = rules_range_of(r);
        if (r->type == WK_TYPE_ENUM) rr = (rules_range){INT32_MIN, INT32_MAX, false};
        if (rules_range_within(wr, rr))
            return !rules_say(reason, cap, false, "the same %s, and every %s value is a %s value",
                              ww == WIRE_ZIGZAG ? "zigzag varint" : "varint", wt, rt);
        return !rules_say(reason, cap, true,
                          "the same %s, but a reader of %s truncates or reinterprets %s values outside its range",
                          ww == WIRE_ZIGZAG ? "zigzag varint" : "varint", rt, wt);
    }
    case WIRE_FIXED32: case WIRE_FIXED64:
        if (w->type == WK_TYPE_FLOAT || w->type == WK_TYPE_DOUBLE || r->type == WK_TYPE_FLOAT ||
            r->type == WK_TYPE_DOUBLE)
            return !rules_say(reason, cap, true, "the same fixed width, but %s bits read as %s mean another number",
                              wt, rt);
        return !rules_say(reason, cap, true,
                          "the same fixed width, but signed and unsigned read the values past the "
                          "shared range as other numbers");
    case WIRE_LEN:
        if (w->type == WK_TYPE_MESSAGE && r->type == WK_TYPE_MESSAGE) {
            if (w->is_map != r->is_map) {
                /* map<K, V> is repeated entry messages on the wire. */
                const wk_message_def *wm = w->message, *rm = r->message;
                if (wm && rm && w->label == WK_LABEL_REPEATED && r->label == WK_LABEL_REPEATED &&
                    wk__diff_same_shape(wm, rm))
                    return !rules_say(reason, cap, false, "a map is written as repeated entry messages of the same fields");
                return !rules_say(reason, cap, true, "a map's entries and %s differ", w->is_map ? rt : wt);
            }
            return rules_messages(w, r, reason, cap);
        }
        if (w->type == WK_TYPE_STRING && r->type == WK_TYPE_BYTES)
            return !rules_say(reason, cap, false, "a string's UTF-8 bytes read as the same bytes");
        if (w->type == WK_TYPE_BYTES && r->type == WK_TYPE_STRING)
            return !rules_say(reason, cap, true, "a string reader refuses bytes that are not UTF-8");
        return !rules_say(reason, cap, true, "%s bytes do not read as %s", wt, rt);
    default:
        return rules_messages(w, r, reason, cap);
    }
}

static bool rules_types_text(wk_compat_format format, const wk_field_def *w, const wk_field_def *r,
                             char *reason, size_t cap)
{
    char wb[160], rb[160];
    const char *wt = rules_type(w, wb, sizeof wb), *rt = rules_type(r, rb, sizeof rb);
    bool names = format == WK_COMPAT_JSON || format == WK_COMPAT_XML;  /* enums as names */
    bool w_msg = w->type == WK_TYPE_MESSAGE || w->type == WK_TYPE_GROUP;
    bool r_msg = r->type == WK_TYPE_MESSAGE || r->type == WK_TYPE_GROUP;
    if (w_msg && r_msg) {
        if (w->is_map != r->is_map)
            return !rules_say(reason, cap, true, "%s is written as %s, which a reader of %s refuses", wt,
                              rules_form(format, w), rt);
        return rules_messages(w, r, reason, cap);
    }
    bool w_num = rules_is_integer(w->type) || (w->type == WK_TYPE_ENUM && !names);
    bool r_int = rules_is_integer(r->type);
    if (w_num && r_int) {
        if (rules_range_within(rules_range_of(w), rules_range_of(r)))
            return !rules_say(reason, cap, false, "every %s value is in the range of %s", wt, rt);
        return !rules_say(reason, cap, true, "a reader of %s refuses %s values outside its range", rt, wt);
    }
    if (w->type == WK_TYPE_ENUM && r->type == WK_TYPE_ENUM && w->enum_def && r->enum_def)
        return rules_enum_to_enum(names, w->enum_def, r->enum_def, reason, cap);
    if (rules_is_integer(w->type) && r->type == WK_TYPE_ENUM) {
        if (names)
            return !rules_say(reason, cap, true,
                              "the reader takes a number but writes a number its enum lists back as the "
                              "value's name, which a reader of %s refuses", wt);
        if (r->enum_def && r->enum_def->closed)
            return !rules_say(reason, cap, true, "the reader's closed enum %s refuses numbers it does not list", rt);
        if (rules_range_within(rules_range_of(w), (rules_range){INT32_MIN, INT32_MAX, false}))
            return !rules_say(reason, cap, false, "the reader's open enum takes every %s value as a number", wt);
        return !rules_say(reason, cap, true, "an enum holds int32 numbers: %s values outside that range are refused", wt);
    }
    if (w_num && (r->type == WK_TYPE_DOUBLE || r->type == WK_TYPE_FLOAT)) {
        double exact = r->type == WK_TYPE_DOUBLE ? 9007199254740992.0 : 16777216.0;
        if (rules_range_span(rules_range_of(w)) <= exact)
            return !rules_say(reason, cap, false, "every %s value is exactly a %s", wt, rt);
        return !rules_say(reason, cap, true, "%s cannot hold every %s value exactly", rt, wt);
    }
    if (w->type == WK_TYPE_FLOAT && r->type == WK_TYPE_DOUBLE) {
        if (names)
            return !rules_say(reason, cap, true,
                              "a float is written as its shortest decimal text, which a double reader reads "
                              "as the nearest double, another number (0.1f reads as 0.1)");
        return !rules_say(reason, cap, false, "a float is written as a float 32, which a double reader widens exactly");
    }
    if (w->type == WK_TYPE_DOUBLE && r->type == WK_TYPE_FLOAT)
        return !rules_say(reason, cap, true, "a float reader rounds a double to float precision");
    if ((w->type == WK_TYPE_STRING && r->type == WK_TYPE_BYTES) ||
        (w->type == WK_TYPE_BYTES && r->type == WK_TYPE_STRING)) {
        if (names)
            return !rules_say(reason, cap, true,
                              "bytes are written as base64 text: a string reader reads the base64 itself, "
                              "a bytes reader refuses text that is not base64");
        return !rules_say(reason, cap, true,
                          "bytes are a bin and text a str: a string reader refuses a bin, a bytes reader "
                          "takes a str only as base64");
    }
    return !rules_say(reason, cap, true, "%s is written as %s, which a reader of %s refuses", wt,
                      rules_form(format, w), rt);
}

/* Whether two fields have one type, as far as the rules can tell (same kind, same referenced type or shape). */
static bool rules_same_type(const wk_field_def *a, const wk_field_def *b)
{
    if (a->type != b->type || a->is_map != b->is_map) return false;
    if (a->message && b->message)
        return strcmp(a->message->full_name, b->message->full_name) == 0 || wk__diff_same_shape(a->message, b->message);
    if (a->enum_def && b->enum_def) return strcmp(a->enum_def->full_name, b->enum_def->full_name) == 0;
    return true;
}

bool wk__diff_types_ok(wk_compat_format format, const wk_field_def *writer, const wk_field_def *reader,
                       char *reason, size_t cap)
{
    /* Two maps: their keys and their values, each as a field of its own. */
    if (writer->is_map && reader->is_map && writer->message && reader->message &&
        writer->message->field_count == 2 && reader->message->field_count == 2) {
        for (size_t i = 0; i < 2; i++) {
            const wk_field_def *w = &writer->message->fields[i], *r = &reader->message->fields[i];
            if (rules_same_type(w, r)) continue;
            char inner[400];
            bool ok = wk__diff_types_ok(format, w, r, inner, sizeof inner);
            if (!ok) return !rules_say(reason, cap, true, "the map's %s: %s", i ? "values" : "keys", inner);
            snprintf(reason, cap, "the map's %s: %s", i ? "values" : "keys", inner);
        }
        return true;
    }
    if (format == WK_COMPAT_PROTOBUF) return rules_types_pb(writer, reader, reason, cap);
    return rules_types_text(format, writer, reader, reason, cap);
}

/* The last part of a full name. */
static const char *rules_short(const char *full)
{
    const char *dot = strrchr(full, '.');
    return dot ? dot + 1 : full;
}

bool wk__diff_same_shape(const wk_message_def *a, const wk_message_def *b)
{
    if (a == b) return true;
    if (a->field_count != b->field_count) return false;
    for (size_t i = 0; i < a->field_count; i++) {
        const wk_field_def *fa = &a->fields[i], *fb = &b->fields[i];
        if (fa->number != fb->number || fa->type != fb->type || fa->label != fb->label ||
            strcmp(fa->name, fb->name) != 0 || fa->is_map != fb->is_map)
            return false;
        /* Referenced types by their short names: a moved type keeps its short name. */
        if (fa->message && fb->message &&
            strcmp(rules_short(fa->message->full_name), rules_short(fb->message->full_name)) != 0 &&
            !(fa->is_map && wk__diff_same_shape(fa->message, fb->message)))
            return false;
        if (fa->enum_def && fb->enum_def &&
            strcmp(rules_short(fa->enum_def->full_name), rules_short(fb->enum_def->full_name)) != 0)
            return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* The Markdown form                                                   */
/* ------------------------------------------------------------------ */

static const char *rules_cell_word(wk__diff_rule_kind rule)
{
    switch (rule) {
    case WK__RULE_OK: return "ok";
    case WK__RULE_BREAKS: return "**breaks**";
    default: return "depends";
    }
}

/* The scalar types of the type matrices, as a field of each. */
static const wk_field_type rules_matrix_types[] = {
    WK_TYPE_INT32, WK_TYPE_INT64, WK_TYPE_UINT32, WK_TYPE_UINT64, WK_TYPE_SINT32, WK_TYPE_SINT64,
    WK_TYPE_FIXED32, WK_TYPE_FIXED64, WK_TYPE_SFIXED32, WK_TYPE_SFIXED64, WK_TYPE_BOOL, WK_TYPE_ENUM,
    WK_TYPE_FLOAT, WK_TYPE_DOUBLE, WK_TYPE_STRING, WK_TYPE_BYTES};

static wk_code rules_matrix(wk_buf *out, wk_compat_format format)
{
    static const wk_enum_value_def values[] = {{"ZERO", 0, NULL, 0, {NULL, 0, 0}}};
    static const wk_enum_def open_enum = {"E", "E", NULL, NULL, values, 1, false, false, {0}, NULL, 0, {NULL, 0, 0}};
    size_t n = sizeof rules_matrix_types / sizeof rules_matrix_types[0];
    wk_code rc = wk__diff_put(out, "\n%s (rows: the writer's type, columns: the reader's):\n\n| |",
                           wk_compat_format_name(format));
    for (size_t j = 0; j < n && rc == WK_OK; j++) rc = wk__diff_put(out, " %s |", wk_field_type_name(rules_matrix_types[j]));
    if (rc == WK_OK) rc = wk__diff_put(out, "\n|---|");
    for (size_t j = 0; j < n && rc == WK_OK; j++) rc = wk__diff_put(out, "---|");
    if (rc == WK_OK) rc = wk__diff_put(out, "\n");
    for (size_t i = 0; i < n && rc == WK_OK; i++) {
        wk_field_def w = {0};
        w.type = rules_matrix_types[i];
        w.name = w.json_name = "f";
        if (w.type == WK_TYPE_ENUM) w.enum_def = &open_enum;
        rc = wk__diff_put(out, "| %s |", wk_field_type_name(w.type));
        for (size_t j = 0; j < n && rc == WK_OK; j++) {
            wk_field_def r = w;
            r.type = rules_matrix_types[j];
            r.enum_def = r.type == WK_TYPE_ENUM ? &open_enum : NULL;
            char reason[256];
            const char *cell = i == j ? "=" : wk__diff_types_ok(format, &w, &r, reason, sizeof reason) ? "ok" : "-";
            rc = wk__diff_put(out, " %s |", cell);
        }
        if (rc == WK_OK) rc = wk__diff_put(out, "\n");
    }
    return rc;
}

wk_code wk__diff_rules_markdown(wk_buf *out)
{
    static const char *const dirs[] = {"backward (new reader, old data)", "forward (old reader, new data)"};
    wk_code rc = WK_OK;
    for (int k = 0; k < WK_CHANGE_KIND_COUNT && rc == WK_OK; k++) {
        const wk__diff_rule *r = wk__diff_rule_of((wk_change_kind)k);
        if (!r) return WK_ERR_INVALID;
        rc = wk__diff_put(out, "### %s\n\n%s Level: %s (%s).\n\n| format | %s | %s |\n|---|---|---|\n",
                       wk_change_kind_name(r->kind), r->summary, wk_bump_name(r->level), r->level_reason,
                       dirs[0], dirs[1]);
        for (int f = 0; f < WK_COMPAT_FORMAT_COUNT && rc == WK_OK; f++) {
            const wk__diff_cell *c = r->cells[f];
            rc = wk__diff_put(out, "| %s | %s: %s | %s: %s |\n", wk_compat_format_name((wk_compat_format)f),
                           rules_cell_word(c[0].rule), c[0].reason, rules_cell_word(c[1].rule), c[1].reason);
        }
        if (rc == WK_OK) rc = wk__diff_put(out, "\n");
    }
    if (rc == WK_OK)
        rc = wk__diff_put(out, "### Type rules\n\n"
                            "Which scalar type changes keep every value, per format: `ok` where the reader's "
                            "type reads every value the writer's type writes as the same value, `-` where it "
                            "does not. Enums here are open (proto3); a closed enum reader refuses numbers it "
                            "does not list. Message types: ok when both have the same fields.\n");
    for (int f = 0; f < WK_COMPAT_FORMAT_COUNT && rc == WK_OK; f++) rc = rules_matrix(out, (wk_compat_format)f);
    return rc;
}
