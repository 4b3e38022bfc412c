/*
 * wirekit/versioning.h: data across schema versions.
 *
 * Media types that name a schema version,
 *     application/vnd.acme.order+json; version=1.2.0
 * parse into the format (the structured-syntax suffix, or the subtype of a
 * plain type such as application/json) and the version (wk_media_type_parse);
 * wk_media_type_format writes one back.
 *
 * A typed message read under one version of a schema becomes a message of
 * another version with wk_message_migrate: fields are matched by number, so
 * a renamed field carries its value over; what the target no longer has is
 * kept as an unknown field, dropped, or refused, as the caller asks, and
 * reported field by field.
 *
 *     wk_media_type mt;
 *     wk_status st;
 *     if (wk_media_type_parse(hdr, strlen(hdr), &mt, &st) != WK_OK) return 415;
 *     if (mt.has_version && mt.version.major != current.major) return 415;
 *     const wk_value *v, *now;
 *     wk_decode_opts d = {.type = old_order};
 *     wk_decode(mt.format, body, len, &d, a, &v, &st);
 *     wk_message_migrate(v, order, NULL, a, &now, &st);
 */
#ifndef WIREKIT_VERSIONING_H
#define WIREKIT_VERSIONING_H

#include <wirekit/format.h>
#include <wirekit/schema.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A parsed media type. The text pointers point into the parsed text (not
 * NUL-terminated). For "application/vnd.acme.order+json; version=1.2.0":
 * type "application", subtype "vnd.acme.order+json", name "vnd.acme.order",
 * format json, version 1.2.0 (version_parts 3). For "application/json":
 * name is empty. format is NULL when neither the suffix nor the subtype
 * names a wirekit format.
 */
typedef struct wk_media_type {
    const char *type;
    size_t type_len;
    const char *subtype;
    size_t subtype_len;
    const char *name;           /* the subtype without its +suffix; empty for a plain format type */
    size_t name_len;
    const wk_format *format;
    bool has_version;           /* a version= parameter was given */
    uint8_t version_parts;      /* 1 ("version=2"), 2 ("2.1") or 3 (full SemVer); missing parts are 0 */
    wk_semver version;          /* points into the text */
} wk_media_type;

/*
 * Parses a media type as HTTP writes it (RFC 9110: type "/" subtype, then
 * parameters "; name=value", values as tokens or quoted strings, names and
 * type case-insensitive, spaces around ";" and "="). The version parameter
 * takes SemVer 2.0.0, or just MAJOR or MAJOR.MINOR. Other parameters
 * (charset, ...) are accepted and ignored. WK_ERR_SYNTAX with st->offset
 * and a reason for anything else (a missing subtype, a bad version, a
 * parameter given twice).
 */
WK_API wk_code wk_media_type_parse(const char *text, size_t len, wk_media_type *out,
                                   wk_status *st);

/*
 * Writes "application/<name>+<suffix>; version=X.Y.Z" into buf (NUL-terminated),
 * or the format's own media type when name is NULL or empty; version may be
 * NULL. Returns the length the text needs without its NUL, as snprintf does.
 */
WK_API size_t wk_media_type_format(char *buf, size_t cap, const char *name, const wk_format *f,
                                   const wk_semver *version);

/* What wk_message_migrate reports: one call per field the target cannot take. */
typedef enum wk_migrate_event {
    WK_MIGRATE_NOT_IN_TARGET,   /* the target has no field with this number */
    WK_MIGRATE_TYPE_MISMATCH,   /* the target's field of this number has a type the value cannot become */
    /*
     * The target has no field with this number, but another field has the
     * field's name (a renumbered field): kept under its name, the value would
     * be read back as that other field, so it is not kept by name (dropped,
     * or refused with WK_DECODE_UNKNOWN_ERROR). Never reported with
     * WK_MIGRATE_UNKNOWN_WIRE, which keeps the field by number.
     */
    WK_MIGRATE_NAME_TAKEN,
    /*
     * The target's field of this number is in a oneof with a field of a
     * higher number that is set too (two fields the source kept apart): the
     * later one is kept, as a protobuf reader keeps the last member it
     * reads, and this one is dropped (or refused with WK_DECODE_UNKNOWN_ERROR).
     */
    WK_MIGRATE_ONEOF_TAKEN
} wk_migrate_event;

/*
 * Keep the fields the target lacks in their Protocol Buffers encoding (one
 * unknown member per wire record, keyed by the field number, the value its
 * whole encoding, exactly as a protobuf decode under the target keeps them),
 * instead of by name: for writing Protocol Buffers, which cannot write
 * members keyed by name. Set it when the output is protobuf, leave it clear
 * for JSON, XML and MessagePack, which cannot write members keyed by number.
 */
#define WK_MIGRATE_UNKNOWN_WIRE 0x100u

typedef struct wk_migrate_opts {
    /* WK_DECODE_UNKNOWN_DROP: leave such fields out; WK_DECODE_UNKNOWN_ERROR:
     * fail with WK_ERR_TYPE at the first; neither: keep the fields the target
     * lacks as unknown fields (wk_message.unknown), keyed by the field's
     * declared name with its value as it was (a nested message stays a
     * message of the source's type), so that JSON, XML and MessagePack write
     * them back out under that name; or by number with
     * WK_MIGRATE_UNKNOWN_WIRE. A value whose type the target's field cannot
     * take (WK_MIGRATE_TYPE_MISMATCH) is never kept: a reader of the target
     * would read it as that field and fail, so without ERROR it is dropped. */
    uint32_t flags;
    /* Called for every such field (before the failure, with ERROR); may be NULL.
     * path is the field's path in the source message, by the source's
     * declared field names ("items[2].sku", a map entry as "prices[\"eur\"]"
     * or "counts[7]"); field is the source's definition of the field.
     * While it runs, the st given to wk_message_migrate (when not NULL)
     * holds the reason in st->msg, path first: "items[0].quantity: -3 does
     * not fit uint32 (field 2 of acme.Order.Item)". */
    void (*report)(void *ctx, wk_migrate_event event, const char *path,
                   const wk_field_def *field);
    void *ctx;
    /* Messages nested deeper than this fail with WK_ERR_DEPTH; 0 means
     * WK_DEFAULT_MAX_DEPTH, values above WK_MAX_DEPTH_LIMIT are clamped. */
    uint32_t max_depth;
    /* The format the message was decoded from, or NULL. JSON and MessagePack
     * keep the fields a type does not know as they read them; given one of
     * those, a field the source type did not know but the target knows (by
     * its declared or JSON name, or by number from number-keyed MessagePack)
     * is read into the target's field, as that format's decoder would have
     * read it under the target: data newer than the schema it was read with
     * then loses nothing on the way to the newer schema. One that does not
     * read as the field's type, or whose field (or another member of its
     * oneof) is already set, stays unknown. NULL, or another format: unknown
     * fields are carried over as they are. */
    const wk_format *source;
} wk_migrate_opts;

/*
 * Rewrites a typed message (a WK_MESSAGE value, whatever type it was read
 * as) as a message of type `to`, allocating in `a`: fields are matched by
 * number at every level (nested messages, lists and maps of them), so
 * renames carry over, and a field that kept its name but changed its number
 * is a different field. Values change type where the wire would carry them:
 *   - int32, uint32, int64, uint64, bool and enum into one another, sint32
 *     and sint64, fixed32 and sfixed32, fixed64 and sfixed64, when the value
 *     fits the target type (5000000000 does not fit an int32, -1 not a
 *     uint64, 2 not a bool: a TYPE_MISMATCH, never truncated);
 *   - an enum by number: a number a closed (proto2) target enum lacks is a
 *     TYPE_MISMATCH, an open enum keeps it;
 *   - string into bytes, and bytes into string when they are UTF-8;
 *   - a singular value into a repeated field becomes one item; a repeated
 *     field into a singular one keeps its last item, as protobuf parsers do
 *     (the other items are left out without a report);
 *   - a map into a map, key and value each as above.
 * float and double do not become each other (their wire types differ), nor
 * a map a repeated message. One item of a list or one entry of a map that
 * cannot be converted is reported on its own path ("tags[2]") and left out
 * alone. Of two fields set in the source that are members of one oneof in
 * the target, the one with the higher number is kept and the other is
 * reported (WK_MIGRATE_ONEOF_TAKEN). A field without presence in the
 * target that ends up at its default is left out, as a decode would leave
 * it out. Unknown fields of the source
 * are kept as they are, after the fields kept by policy.
 *
 * The result shares strings with `in` and may point at definitions of
 * in's schema (the names and nested messages of fields kept as unknown):
 * keep both schemas and in's arena alive while it is used. opts may be NULL.
 * Codes: WK_ERR_TYPE (a field refused by the policy, with its path in
 * st->msg; or a value of a kind its field cannot hold), WK_ERR_INVALID (in
 * is not a message, or to is NULL), WK_ERR_DEPTH, WK_ERR_NOMEM.
 */
WK_API wk_code wk_message_migrate(const wk_value *in, const wk_message_def *to,
                                  const wk_migrate_opts *opts, wk_arena *a,
                                  const wk_value **out, wk_status *st);

#ifdef __cplusplus
}
#endif

#endif
