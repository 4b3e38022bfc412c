/*
 * wirekit/schema_diff.h: what changed between two versions of a schema, and
 * which version bump that needs.
 *
 * wk_schema_diff compares two loaded schemas (an old and a new version of
 * the same .proto files) and lists every change: a message, enum, field or
 * enum value added, removed, renamed, renumbered or retyped, a cardinality,
 * oneof, json_name, default, reserved or option change, a message moved,
 * the package changed. Definitions are matched by full name; fields by
 * number (a same-number field with another name is a rename, a same-name
 * field with another number a renumber); enum values by number and by name.
 *
 * Each change says, for every format separately, whether it breaks a reader
 * in each direction:
 *   backward  a reader of the NEW version reading data written by the OLD one;
 *   forward   a reader of the OLD version reading data written by the NEW one.
 * A renamed field, say, breaks nothing on the Protocol Buffers wire (which
 * carries numbers) but breaks JSON, XML and name-keyed MessagePack (which
 * carry names). "Breaks" means: with wirekit's default reading settings
 * (unknown fields kept, missing fields defaulted), the data fails to read,
 * or a value that both versions know reads as another value, or what the
 * reader read, written back in the same format, does not read back under
 * the writer's version as the original.
 * docs/compatibility.md has the whole table of rules, with a reason for
 * each entry; it is written from the same table the code uses.
 *
 * From the effects comes the bump a change needs (wk_change_bump): MAJOR
 * when a selected format breaks in a selected direction; otherwise the
 * kind's own level: MINOR for compatible additions (and removals that
 * reserve the number and name), PATCH for what no reader or writer sees,
 * MAJOR for a few changes that break nothing today but make a later version
 * break (a field removed without reserving its number and name).
 *
 * Version arithmetic on top: wk_semver_next gives the next version for a
 * bump, wk_semver_step_allows says whether a declared step is big enough.
 *
 *     wk_diff *d;
 *     wk_status st;
 *     wk_diff_opts o = {.type = "acme.Order"};
 *     if (wk_schema_diff(old_schema, new_schema, &o, &d, &st) != WK_OK) ...;
 *     for (size_t i = 0; i < wk_diff_change_count(d); i++) {
 *         const wk_change *c = wk_diff_change(d, i);
 *         printf("%s %s: %s\n", wk_change_kind_name(c->kind), c->path, c->detail);
 *     }
 *     wk_bump need = wk_diff_bump(d, WK_COMPAT_DEFAULT_FORMATS, WK_COMPAT_FULL);
 *     wk_diff_free(d);
 *
 * Thread safety: a diff reads the two schemas only; a finished diff may be
 * read from many threads at once.
 */
#ifndef WIREKIT_SCHEMA_DIFF_H
#define WIREKIT_SCHEMA_DIFF_H

#include <wirekit/schema.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The formats a change is judged for. MSGPACK is wirekit's default typed
 * MessagePack (fields keyed by name); MSGPACK_NUMBERS is MessagePack keyed
 * by field number (--msgpack-keys=number, WK_ENCODE_NUMBER_KEYS).
 */
typedef enum wk_compat_format {
    WK_COMPAT_PROTOBUF,
    WK_COMPAT_JSON,
    WK_COMPAT_XML,
    WK_COMPAT_MSGPACK,
    WK_COMPAT_MSGPACK_NUMBERS,
    WK_COMPAT_FORMAT_COUNT
} wk_compat_format;

/* A set of formats is a bit mask of WK_COMPAT_MASK(format). */
#define WK_COMPAT_MASK(format) (1u << (format))
/* The four formats: protobuf, json, xml, msgpack (name-keyed). */
#define WK_COMPAT_DEFAULT_FORMATS 0x0Fu
/* All five, number-keyed MessagePack included. */
#define WK_COMPAT_ALL_FORMATS 0x1Fu

/* "protobuf", "json", "xml", "msgpack", "msgpack-numbers"; NULL outside the enum. */
WK_API const char *wk_compat_format_name(wk_compat_format format);

/*
 * Parses a comma-separated list of format names ("json,msgpack") into a
 * mask; "all" is every format, "default" the four default ones, and the
 * aliases "pb" and "mp" are accepted. WK_ERR_INVALID naming the first
 * unknown name (st->offset is its position in the text), or for an empty list.
 */
WK_API wk_code wk_compat_formats_parse(const char *list, uint32_t *mask, wk_status *st);

/* The two directions; a mode is a set of them. */
typedef enum wk_compat_dir {
    WK_COMPAT_BACKWARD,   /* new reader, old data */
    WK_COMPAT_FORWARD     /* old reader, new data */
} wk_compat_dir;

typedef enum wk_compat_mode {
    WK_COMPAT_MODE_BACKWARD = 1,
    WK_COMPAT_MODE_FORWARD = 2,
    WK_COMPAT_FULL = 3
} wk_compat_mode;

/* The size of a version step, smallest first. */
typedef enum wk_bump {
    WK_BUMP_NONE,
    WK_BUMP_PATCH,
    WK_BUMP_MINOR,
    WK_BUMP_MAJOR
} wk_bump;

/* "none", "patch", "minor", "major"; NULL outside the enum. */
WK_API const char *wk_bump_name(wk_bump bump);

/*
 * Every kind of change, with its stable name. One list makes the enum and
 * wk_change_kind_name(); docs/compatibility.md has a section for each.
 */
#define WK_CHANGE_KIND_MAP(XX)                                     \
    XX(PACKAGE_CHANGED, "package-changed")                         \
    XX(MESSAGE_ADDED, "message-added")                             \
    XX(MESSAGE_REMOVED, "message-removed")                         \
    XX(MESSAGE_MOVED, "message-moved")                             \
    XX(ENUM_ADDED, "enum-added")                                   \
    XX(ENUM_REMOVED, "enum-removed")                               \
    XX(ENUM_MOVED, "enum-moved")                                   \
    XX(FIELD_ADDED, "field-added")                                 \
    XX(FIELD_REMOVED_RESERVED, "field-removed-reserved")           \
    XX(FIELD_REMOVED, "field-removed")                             \
    XX(FIELD_RENAMED, "field-renamed")                             \
    XX(FIELD_RENUMBERED, "field-renumbered")                       \
    XX(FIELD_TYPE_CHANGED, "field-type-changed")                   \
    XX(FIELD_CARDINALITY_CHANGED, "field-cardinality-changed")     \
    XX(FIELD_PRESENCE_CHANGED, "field-presence-changed")           \
    XX(FIELD_REQUIRED_CHANGED, "field-required-changed")           \
    XX(FIELD_PACKING_CHANGED, "field-packing-changed")             \
    XX(FIELD_MOVED_INTO_ONEOF, "field-moved-into-oneof")           \
    XX(FIELD_MOVED_OUT_OF_ONEOF, "field-moved-out-of-oneof")       \
    XX(JSON_NAME_CHANGED, "json-name-changed")                     \
    XX(DEFAULT_CHANGED, "default-changed")                         \
    XX(ENUM_VALUE_ADDED, "enum-value-added")                       \
    XX(ENUM_VALUE_REMOVED_RESERVED, "enum-value-removed-reserved") \
    XX(ENUM_VALUE_REMOVED, "enum-value-removed")                   \
    XX(ENUM_VALUE_RENAMED, "enum-value-renamed")                   \
    XX(ENUM_VALUE_RENUMBERED, "enum-value-renumbered")             \
    XX(RESERVED_REMOVED, "reserved-removed")                       \
    XX(RESERVED_ADDED, "reserved-added")                           \
    XX(ONEOF_RENAMED, "oneof-renamed")                             \
    XX(OPTION_CHANGED, "option-changed")

typedef enum wk_change_kind {
#define WK__CHANGE_KIND_ENUM(id, name) WK_CHANGE_##id,
    WK_CHANGE_KIND_MAP(WK__CHANGE_KIND_ENUM)
#undef WK__CHANGE_KIND_ENUM
    WK_CHANGE_KIND_COUNT
} wk_change_kind;

/* "field-renamed" for WK_CHANGE_FIELD_RENAMED; NULL outside the enum. */
WK_API const char *wk_change_kind_name(wk_change_kind kind);
/* The kind with this name, or WK_CHANGE_KIND_COUNT. */
WK_API wk_change_kind wk_change_kind_find(const char *name);

/* What a change does to one format in one direction. */
typedef struct wk_compat_effect {
    bool breaks;
    const char *reason;     /* why it breaks, or why not; never NULL */
} wk_compat_effect;

/*
 * One change. Strings live as long as the diff. A side where the element
 * does not exist (the old side of an addition) has pos.file NULL and line 0.
 */
typedef struct wk_change {
    wk_change_kind kind;
    const char *path;       /* full name: "acme.Order.items", "acme.Status.PAID" */
    const char *detail;     /* "int32 -> int64", "name sku -> stock_code" */
    wk_source_pos old_pos;
    wk_source_pos new_pos;
    wk_compat_effect effects[WK_COMPAT_FORMAT_COUNT][2];  /* [format][wk_compat_dir] */
    wk_bump bump;           /* for the four default formats and both directions */
    wk_bump level;          /* the kind's own level when nothing selected breaks */
    const char *level_reason;  /* why the kind has that level ("an addition") */
} wk_change;

typedef struct wk_diff wk_diff;

typedef struct wk_diff_opts {
    /*
     * A message type (a full name, or a short name unique in each schema):
     * compare it and the types its fields use, transitively. NULL: every
     * message and enum of every file of the two schemas.
     */
    const char *type;
} wk_diff_opts;

/*
 * Compares old_schema with new_schema. opts may be NULL. On success *out
 * is a diff to free with wk_diff_free (it keeps no pointer into the
 * schemas other than the source file names of the positions, so free the
 * schemas after the diff). WK_ERR_NOT_FOUND when opts->type is in neither or
 * only one of the schemas, WK_ERR_INVALID for NULL schemas, WK_ERR_NOMEM.
 */
WK_API wk_code wk_schema_diff(const wk_schema *old_schema, const wk_schema *new_schema,
                              const wk_diff_opts *opts, wk_diff **out, wk_status *st);

/* Frees a diff; NULL is allowed. */
WK_API void wk_diff_free(wk_diff *d);

/* The changes, in a stable order: the package, then definition by definition. */
WK_API size_t wk_diff_change_count(const wk_diff *d);
WK_API const wk_change *wk_diff_change(const wk_diff *d, size_t i);

/*
 * The bump a change needs for a set of formats (a mask; 0 means the default
 * four) in a mode: MAJOR when it breaks one of them in a selected
 * direction; else its level, raised to MINOR when it breaks one of them in
 * the direction that is not selected (the change is then visible, though
 * allowed).
 */
WK_API wk_bump wk_change_bump(const wk_change *c, uint32_t formats, wk_compat_mode mode);
/* The largest of the changes' bumps; WK_BUMP_NONE when nothing changed. */
WK_API wk_bump wk_diff_bump(const wk_diff *d, uint32_t formats, wk_compat_mode mode);

/* wk_diff_write_text flags. */
#define WK_DIFF_EXPLAIN 1u   /* after each change, the reason for each break */

/*
 * Appends the diff as text for a set of formats (0: the default four) and a
 * mode, as `wirekit schema diff` prints it (docs/schema-diff.md): per change
 *     KIND PATH: DETAIL
 *       OLD-FILE:LINE -> NEW-FILE:LINE        ("(none)" for a missing side)
 *       backward: protobuf ok, json breaks, ...
 *       forward: protobuf ok, json breaks, ...
 *       bump: major
 * (with WK_DIFF_EXPLAIN, then "  why: FORMAT DIRECTION: REASON" per break),
 * a blank line between changes ("no changes" when there are none), and
 * last "required bump: BUMP (formats: LIST; mode: MODE)".
 */
WK_API wk_code wk_diff_write_text(const wk_diff *d, uint32_t formats, wk_compat_mode mode, uint32_t flags,
                                  wk_buf *out);

/*
 * Appends the diff as one JSON object (docs/schema-diff.md): "formats",
 * "mode", "changes" (kind, path, detail, old and new positions or null,
 * bump, effects per format and direction with breaks and reason) and the
 * required "bump".
 */
WK_API wk_code wk_diff_write_json(const wk_diff *d, uint32_t formats, wk_compat_mode mode, wk_buf *out);

/*
 * The next version after v for a bump, written into buf (NUL-terminated,
 * cut to cap); returns the length it needs without the NUL, as snprintf.
 * MAJOR: X+1.0.0; MINOR: X.Y+1.0; PATCH and NONE: X.Y.Z+1 (a new release
 * is always a higher version). The pre-release and build of v are dropped.
 * For 0.y.z, where SemVer lets anything change, the common practice: a
 * MAJOR-level change gives 0.(y+1).0, MINOR and PATCH give 0.y.(z+1).
 * When the number to raise is already UINT64_MAX, no version follows: it
 * returns 0 and leaves buf empty.
 */
WK_API size_t wk_semver_next(const wk_semver *v, wk_bump bump, char *buf, size_t cap);

/*
 * The bump a step from `from` to `to` declares, by the first number of the
 * version core that grew: MAJOR, MINOR, PATCH; NONE when `to` is not
 * higher than `from`, or only its pre-release is (1.2.0-rc.1 -> 1.2.0).
 */
WK_API wk_bump wk_semver_step_bump(const wk_semver *from, const wk_semver *to);

/*
 * Whether stepping from `from` to `to` is enough for changes that need
 * `required`:
 *  - required NONE (nothing changed): any `to` not lower than `from`;
 *  - otherwise `to` must be higher than `from` (an equal or lower version
 *    is never enough), and then:
 *  - from 0.y.z or from a pre-release, any higher version is enough (SemVer
 *    items 4 and 9: such versions promise no compatibility);
 *  - else the declared step (wk_semver_step_bump) must be at least
 *    `required` (1.2.0 -> 2.0.0-rc.1 declares MAJOR).
 */
WK_API bool wk_semver_step_allows(const wk_semver *from, const wk_semver *to, wk_bump required);

#ifdef __cplusplus
}
#endif

#endif
