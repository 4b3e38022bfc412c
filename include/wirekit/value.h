/*
 * wirekit/value.h: the common message model.
 *
 * Every format decodes to, and encodes from, one tree of wk_value nodes.
 * Nodes are small (16 bytes: the kind, a 32-bit length, and a pointer or a
 * scalar) and live in a wk_arena: lists and maps hold contiguous arrays of
 * their children, strings are length-counted UTF-8 that may contain NUL (and
 * are followed by one NUL byte, not counted in len, so that they can be
 * handed to C string functions when they hold none). A string, bytes or
 * extension holds at most 4 GiB - 1 bytes, a list or map at most 2^32 - 1
 * children: decoders fail with WK_ERR_LIMIT past that.
 *
 * Kinds:
 *   WK_NULL, WK_BOOL
 *   WK_INT      int64. Decoders store every integer that fits int64 here.
 *   WK_UINT     uint64, used by decoders only for values above INT64_MAX.
 *   WK_DOUBLE   IEEE 754 binary64 (float32 inputs are widened exactly).
 *   WK_STRING   UTF-8 text.
 *   WK_BYTES    binary data.
 *   WK_EXT      a MessagePack extension: a type (-128..127) and bytes.
 *   WK_LIST     an ordered array of values.
 *   WK_MAP      an ordered array of (key, value) members. Keys are strings
 *               for JSON and XML, and any value for MessagePack (which
 *               allows even lists and maps as keys). Duplicate keys are
 *               kept as they came.
 *   WK_MESSAGE  a message typed by a schema (see "Typed messages" below).
 *
 * Equality (wk_value_equal) is exact: doubles compare bit for bit, so NaN
 * equals NaN with the same payload and 0.0 differs from -0.0. WK_INT and
 * WK_UINT compare by numeric value.
 *
 * Typed messages. A decode given a message type (schema.h) returns
 * WK_MESSAGE values: the type, the fields present as (field definition,
 * value) pairs in field-number order, and the fields the type does not
 * know, kept so that a reader of an older or newer version loses nothing.
 *   - A field is present when it is set: a field with presence (OPTIONAL,
 *     REQUIRED) when it was given, a SINGULAR one when its value is not the
 *     default (0, false, "", the first enum value), a repeated or map field
 *     when it has an element.
 *   - Values by field type: every integer type is WK_INT (WK_UINT above
 *     INT64_MAX); float and double are WK_DOUBLE (a float field's value is
 *     exactly a float); bool, string, bytes as their kinds; an enum is
 *     WK_INT, its number (the name is in the enum's definition); a message
 *     or group is WK_MESSAGE; a repeated field is a WK_LIST of those; a map
 *     field is a WK_MAP whose keys are WK_STRING, WK_INT, WK_UINT or WK_BOOL.
 *   - Unknown fields are members: the key is the field number (WK_INT) when
 *     read from Protocol Buffers, whose value is then WK_BYTES holding the
 *     field's whole wire encoding (tag included); or the name (WK_STRING)
 *     when read from a format that names fields, with the value as read.
 * Two messages are equal when their types have the same full name and
 * their fields (by number) and unknown fields are equal, in order.
 */
#ifndef WIREKIT_VALUE_H
#define WIREKIT_VALUE_H

#include <wirekit/arena.h>
#include <wirekit/schema.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum wk_kind {
    WK_NULL,
    WK_BOOL,
    WK_INT,
    WK_UINT,
    WK_DOUBLE,
    WK_STRING,
    WK_BYTES,
    WK_EXT,
    WK_LIST,
    WK_MAP,
    WK_MESSAGE
} wk_kind;

typedef struct wk_value wk_value;
typedef struct wk_member wk_member;
typedef struct wk_message wk_message;

struct wk_value {
    uint8_t kind;      /* a wk_kind */
    int8_t ext_type;   /* WK_EXT only: the extension type */
    uint16_t reserved; /* zero */
    uint32_t len;      /* bytes of a STRING, BYTES or EXT; children of a LIST or MAP */
    union {
        bool b;
        int64_t i;
        uint64_t u;
        double d;
        const char *str;            /* STRING, BYTES, EXT: len bytes, then a NUL */
        const wk_value *items;      /* LIST: len values */
        const wk_member *members;   /* MAP: len members */
        const wk_message *message;  /* MESSAGE (len is 0) */
    } as;
};

struct wk_member {
    wk_value key;
    wk_value value;
};

/* One field of a typed message. */
typedef struct wk_field_value {
    const wk_field_def *field;
    wk_value value;
} wk_field_value;

struct wk_message {
    const wk_message_def *type;
    const wk_field_value *fields;   /* the fields present, in field-number order */
    uint32_t field_count;
    uint32_t unknown_count;
    const wk_member *unknown;       /* fields the type does not know, as read */
};

/* The largest length or count a value can hold. */
#define WK_VALUE_MAX_LEN UINT32_MAX

/* "null", "bool", "int", ... ; "unknown" outside the enum. */
WK_API const char *wk_kind_name(wk_kind kind);

/* Scalars need no arena. */
static inline wk_value wk_value_null(void) { wk_value v = {0}; v.kind = WK_NULL; return v; }
static inline wk_value wk_value_bool(bool b) { wk_value v = {0}; v.kind = WK_BOOL; v.as.b = b; return v; }
static inline wk_value wk_value_int(int64_t i) { wk_value v = {0}; v.kind = WK_INT; v.as.i = i; return v; }
static inline wk_value wk_value_double(double d) { wk_value v = {0}; v.kind = WK_DOUBLE; v.as.d = d; return v; }
/* Values that fit int64 become WK_INT, so that equal numbers have one form. */
static inline wk_value wk_value_uint(uint64_t u)
{
    wk_value v = {0};
    if (u <= (uint64_t)INT64_MAX) { v.kind = WK_INT; v.as.i = (int64_t)u; }
    else { v.kind = WK_UINT; v.as.u = u; }
    return v;
}

/*
 * Copy `len` bytes into the arena as a string, bytes or extension value.
 * wk_value_string does not check UTF-8: wk_utf8_valid() does. Return
 * WK_ERR_NOMEM when the arena is exhausted and WK_ERR_LIMIT when len is
 * above WK_VALUE_MAX_LEN (*out is then untouched).
 */
WK_API wk_code wk_value_string(wk_arena *a, const char *s, size_t len, wk_value *out);
WK_API wk_code wk_value_bytes(wk_arena *a, const void *data, size_t len, wk_value *out);
WK_API wk_code wk_value_ext(wk_arena *a, int8_t type, const void *data, size_t len, wk_value *out);

/*
 * A list or map of `count` children in the arena, every child WK_NULL;
 * returns the array to fill in (and sets *out), or NULL when the arena is
 * exhausted or count is above WK_VALUE_MAX_LEN. The array may be written
 * until the tree is handed over.
 */
WK_API wk_value *wk_value_list(wk_arena *a, size_t count, wk_value *out);
WK_API wk_member *wk_value_map(wk_arena *a, size_t count, wk_value *out);

/*
 * A message of `type` with room for `field_count` fields and
 * `unknown_count` unknown fields in the arena, all zero (fields with a NULL
 * definition, unknown members null); returns it to fill in (and sets *out),
 * or NULL when the arena is exhausted or a count is above WK_VALUE_MAX_LEN.
 * Fill fields in field-number order.
 */
WK_API wk_message *wk_value_message(wk_arena *a, const wk_message_def *type, size_t field_count,
                                    size_t unknown_count, wk_value *out);

/* The value of the field with this number in a message, or NULL when it is absent. */
WK_API const wk_value *wk_message_get(const wk_value *message, uint32_t number);

/* The first member of a map whose key is the string `key`, or NULL. */
WK_API const wk_value *wk_map_get(const wk_value *map, const char *key);

/* Exact deep equality as described above. Any depth; allocates at most a small stack. */
WK_API bool wk_value_equal(const wk_value *a, const wk_value *b);

/* True when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF). */
WK_API bool wk_utf8_valid(const char *s, size_t len);

#ifdef __cplusplus
}
#endif

#endif
