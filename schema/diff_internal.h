/*
 * schema/diff_internal.h: the rules of schema compatibility, shared by the
 * diff engine (diff.c) and the rules table (diff_rules.c), not installed.
 *
 * One table, wk__diff_rules, says for every change kind and every format
 * and direction what the change does, with the reason. A cell is either
 * fixed (ok, breaks) or a condition that the engine evaluates on the two
 * versions of the element (do the keys still match, does the reader's type
 * hold the writer's values, ...). docs/compatibility.md is written from the
 * same table (wk__diff_rules_markdown), and a test keeps the two equal.
 */
#ifndef WIREKIT_SCHEMA_DIFF_INTERNAL_H
#define WIREKIT_SCHEMA_DIFF_INTERNAL_H

#include "internal.h"

#include <wirekit/schema_diff.h>

/* What one cell of the table says. */
typedef enum wk__diff_rule_kind {
    WK__RULE_OK,          /* never breaks */
    WK__RULE_BREAKS,      /* always breaks */
    WK__RULE_KEYS,        /* breaks unless the key the writer writes is one the reader accepts */
    WK__RULE_TYPES,       /* breaks unless the reader's type holds every value of the writer's */
    WK__RULE_OPEN_ENUM,   /* breaks when the reader's enum is closed (proto2) */
    WK__RULE_REQUIRED,    /* breaks when the reader's field is required and the writer's is not */
    WK__RULE_LIST_READER, /* breaks unless the reader's field is the repeated one */
    WK__RULE_ONEOF        /* breaks when the reader's oneof holds another field the writer sets apart */
} wk__diff_rule_kind;

typedef struct wk__diff_cell {
    wk__diff_rule_kind rule;
    const char *reason;   /* for a condition: what decides, in a sentence */
} wk__diff_cell;

typedef struct wk__diff_rule {
    wk_change_kind kind;
    const char *summary;        /* what the change is */
    wk_bump level;              /* the bump when nothing selected breaks */
    const char *level_reason;
    wk__diff_cell cells[WK_COMPAT_FORMAT_COUNT][2];
} wk__diff_rule;

/* The row of a kind. */
const wk__diff_rule *wk__diff_rule_of(wk_change_kind kind);

/*
 * The two sides of a change, as far as they exist: the element in the
 * writer's version and in the reader's (for the backward direction the
 * writer is the old version). Fields for field changes; enums (and the
 * value) for enum value changes.
 */
typedef struct wk__diff_side {
    const wk_field_def *field;
    const wk_enum_def *enum_def;
    const wk_enum_value_def *value;
} wk__diff_side;

/*
 * Evaluates a cell for one format with the writer's and the reader's side.
 * Returns whether it breaks; reason gets the sentence to show (the table's,
 * or one made for the case), NUL-terminated within cap.
 */
bool wk__diff_eval(const wk__diff_cell *cell, wk_compat_format format, const wk__diff_side *writer,
                   const wk__diff_side *reader, char *reason, size_t cap);

/*
 * Whether a reader of field type `reader` reads every value a writer of
 * `writer` writes, in one format, as the same value. Both fields exist; the
 * types differ. reason gets why (or why not).
 */
bool wk__diff_types_ok(wk_compat_format format, const wk_field_def *writer,
                       const wk_field_def *reader, char *reason, size_t cap);

/* Whether two message types have the same fields (number, name, type, label), recursively. */
bool wk__diff_same_shape(const wk_message_def *a, const wk_message_def *b);

/* The rules as the Markdown text that docs/compatibility.md holds between its markers. */
wk_code wk__diff_rules_markdown(wk_buf *out);

#endif
