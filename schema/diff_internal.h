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

/* ---- diff_write.c ---- */

/* Appends the printf-formatted text to out, whatever its length. */
wk_code wk__diff_put(wk_buf *out, const char *fmt, ...) WK__PRINTF(2, 3);

/* ---- diff_index.c: hash key -> items, for the lookups of the diff ---- */

#define WK__DIFF_HASH_SEED UINT64_C(14695981039346656037)

/* Continues hash h over n bytes (FNV-1a); start from WK__DIFF_HASH_SEED. */
uint64_t wk__diff_hash(uint64_t h, const void *data, size_t n);
/* Continues hash h over a NUL-terminated string, the NUL included. */
uint64_t wk__diff_hash_str(uint64_t h, const char *s);
/* The hash of a pointer's value. */
uint64_t wk__diff_hash_ptr(const void *p);

/*
 * Items (list positions) by a hash key, each key's items in the order they
 * were added. Zero-initialize; free with wk__diff_index_free.
 */
typedef struct wk__diff_index {
    struct wk__diff_slot *slots;
    size_t cap;         /* a power of two, or 0 */
    size_t used;        /* slots with a key */
    size_t *next;       /* per item: the next item of its key + 1, or 0 */
    size_t next_cap;
} wk__diff_index;

/* What a lookup's judge says of an item: not it, it, or never again (unlinked). */
typedef enum wk__diff_verdict { WK__DIFF_SKIP, WK__DIFF_TAKE, WK__DIFF_DROP } wk__diff_verdict;
typedef wk__diff_verdict (*wk__diff_judge)(const void *ctx, size_t item);

/* Adds item under key; false when out of memory. An item is added once, under one key. */
bool wk__diff_index_add(wk__diff_index *ix, uint64_t key, size_t item);
/* The first item of key that judge takes, in the order added; SIZE_MAX when none. */
size_t wk__diff_index_find(wk__diff_index *ix, uint64_t key, wk__diff_judge judge, const void *ctx);
void wk__diff_index_free(wk__diff_index *ix);

#endif
