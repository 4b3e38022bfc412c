/*
 * formats/typed.h: the typed layer shared by the JSON, MessagePack and XML
 * backends. Not installed.
 *
 * A typed decode is the backend's schema-less decode followed by one pass,
 * "apply", that checks the schema-less tree against a message definition and
 * builds WK_MESSAGE values from it (strings are shared with the tree, not
 * copied: both live in the caller's arena). A typed encode is the reverse:
 * "render" turns WK_MESSAGE values into a schema-less tree in a scratch arena,
 * which the backend's schema-less writer then writes. The two formats differ
 * only in conventions (how 64-bit integers, bytes, enums, non-finite floats
 * and map keys are written, and how fields are named), which each backend
 * gives in a wk__typed_conv table. Everything format-neutral lives here:
 *   typed_apply.c   tree -> messages, with type errors naming the path
 *   typed_render.c  messages -> tree
 *   typed_wkt.c     the well-known types' special forms (Timestamp, ...)
 *   typed_number.c  number text, float32 shortest text
 *   typed_path.c    paths and type names for error messages
 *
 * Schema-less decoding and encoding never enter this layer: the backends
 * call it only when wk_decode_opts.type is set or a WK_MESSAGE is written.
 *
 * google.protobuf.Any holds its payload as Protocol Buffers bytes, so its
 * JSON form needs the protobuf codec: the layer reaches it through the
 * public registry (wk_format_find("protobuf")), never by calling
 * formats/protobuf.c directly, so that no backend depends on another.
 */
#ifndef WIREKIT_FORMATS_TYPED_H
#define WIREKIT_FORMATS_TYPED_H

#include "../model/internal.h"

/*
 * A rendered tree marks how a double is to be written in wk_value.reserved
 * (zero in every tree a caller sees): a float field's value as the shortest
 * text of the float32 (JSON) or as a float 32 (MessagePack), a double field's
 * as a float 64 even when a float 32 would hold it.
 */
#define WK__DOUBLE_AS_FLOAT32 1u
#define WK__DOUBLE_AS_FLOAT64 2u

/* How a format writes what the model holds for a typed field. */
typedef struct wk__typed_conv {
    const char *format;          /* "JSON": named in error messages */
    bool json_names;             /* keys: json_name (else the proto name or the number) */
    bool int64_as_string;        /* 64-bit integers as decimal strings */
    bool bytes_as_base64;        /* bytes as base64 strings (else bytes) */
    bool enum_as_name;           /* enums as value names (else numbers) */
    bool nonfinite_as_string;    /* "NaN", "Infinity", "-Infinity" (else the double) */
    bool map_keys_as_string;     /* map keys as strings (else the typed key) */
    bool number_keys_allowed;    /* field numbers accepted as keys on input */
    bool wire_unknown_kept;      /* unknown fields read from protobuf (number keys) are written */
    bool any_as_json;            /* google.protobuf.Any written as {"@type": ..., fields} (else its fields) */
} wk__typed_conv;

/*
 * The conventions of the formats whose unknown fields are kept as they were
 * read (JSON and MessagePack), for wk_message_migrate to read such a field
 * into the target's field of that name as the format's decoder would.
 */
extern const wk__typed_conv wk__json_typed_conv;
extern const wk__typed_conv wk__msgpack_typed_conv;

/* Where a type error was found: the path in the schema-less tree. */
typedef struct wk__typed_where {
    wk__path *frames;            /* one per container entered; index is the item or member */
    size_t depth;
    bool at_key;                 /* the error is about the last member's key, not its value */
} wk__typed_where;

/*
 * Builds a WK_MESSAGE of `type` from the schema-less tree `tree` (a map), in
 * `a`. flags are the decode flags (WK_DECODE_UNKNOWN_*). On failure st says
 * why, with the path first ("$.items[3].price: expected a number, got a
 * string"), and *where (caller storage; frames are heap memory that the
 * caller frees with free()) says where, so that the backend can find the
 * byte offset; st->offset is left 0.
 */
wk_code wk__typed_apply(const wk__typed_conv *c, const wk_value *tree, const wk_message_def *type,
                        uint32_t flags, uint32_t max_depth, wk_arena *a, const wk_value **out,
                        wk__typed_where *where, wk_status *st);

/*
 * Turns `v` (a WK_MESSAGE, or any value holding messages) into a schema-less
 * tree in `a`, as the format writes it. flags are the encode flags
 * (WK_ENCODE_EMIT_DEFAULTS, WK_ENCODE_NUMBER_KEYS). Unknown fields the format
 * cannot name (read from protobuf, written as JSON) are left out: wirekit
 * convert warns about them (docs/mapping.md). Errors name the path of the value.
 */
wk_code wk__typed_render(const wk__typed_conv *c, const wk_value *v, uint32_t flags,
                         uint32_t max_depth, wk_arena *a, wk_value *out, wk_status *st);

/* ---- typed_path.c ---- */

/*
 * Writes a path as wk__path_format does ("$.items[3].price"), except that a
 * member with an integer key (a field number, a map key in MessagePack) is
 * named by the key (".9"), not by its index. Always NUL-terminated.
 */
void wk__typed_path(const wk__path *frames, size_t depth, char *out, size_t cap);

/*
 * The path stack both typed passes keep: fail records "PATH: message" in st
 * (when not NULL) and returns code; push opens a frame, failing with
 * WK_ERR_DEPTH past max_depth or WK_ERR_NOMEM when the stack cannot grow.
 */
typedef struct wk__typed_stack {
    wk__path *frames;
    size_t depth, cap;
    uint32_t max_depth;
    wk_status *st;
} wk__typed_stack;

wk_code wk__typed_vfail(const wk__typed_stack *s, wk_code code, const char *fmt, va_list ap);
wk_code wk__typed_push(wk__typed_stack *s, const wk_value *container, size_t index);

/* "int32", "sint64", ...: a field type's .proto keyword (schema/ is not needed for it). */
const char *wk__typed_type_name(wk_field_type type);

/* ---- typed_number.c ---- */

#define WK__FLOAT_MAX_CHARS 32

/*
 * The shortest text that reads back (as a double, then rounded to float) as
 * exactly f, laid out as wk__format_double lays out doubles ("0.1", "1.0",
 * "3.4028235e38", "1e-45"). f must be finite. Returns the length; out needs
 * WK__FLOAT_MAX_CHARS bytes; not NUL-terminated.
 */
size_t wk__format_float32(float f, char *out);

/*
 * The integer written as the decimal digits digits[0..n), negated when
 * `negative`: WK_INT, or WK_UINT above INT64_MAX, as wk_value_uint makes it.
 * false when it fits neither (the caller reads the text as a double). The
 * JSON and XML decoders and wk__number_text_value share it; inline, since
 * decoding calls it for every integer.
 */
static inline bool wk__integer_digits_value(bool negative, const char *digits, size_t n,
                                            wk_value *out)
{
    uint64_t mag = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t digit = (uint64_t)(digits[i] - '0');
        if (mag > (UINT64_MAX - digit) / 10) return false;
        mag = mag * 10 + digit;
    }
    if (!negative) {
        *out = wk_value_uint(mag);
        return true;
    }
    if (mag > (uint64_t)INT64_MAX + 1) return false;
    *out = wk_value_int(mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag);
    return true;
}

/* The kinds of number text: not a number, an integer, a number with a fraction or exponent. */
typedef enum wk__numtext { WK__NUMTEXT_BAD, WK__NUMTEXT_INT, WK__NUMTEXT_FLOAT } wk__numtext;

/* Whether s[0..len) is a JSON number, and which kind. */
wk__numtext wk__number_text_kind(const char *s, size_t len);

/*
 * Reads number text (a JSON number; for integers also a leading '+' is not
 * allowed) into a value: WK_INT or WK_UINT when it is an integer that fits,
 * else WK_DOUBLE. false when it is not a number or too large for a double.
 */
bool wk__number_text_value(const char *s, size_t len, wk_value *out);

/* ---- typed_wkt.c: the well-known types ---- */

typedef enum wk__wkt {
    WK__WKT_NONE,
    WK__WKT_TIMESTAMP,
    WK__WKT_DURATION,
    WK__WKT_WRAPPER,   /* DoubleValue ... BytesValue */
    WK__WKT_STRUCT,
    WK__WKT_VALUE,
    WK__WKT_LIST_VALUE,
    WK__WKT_FIELD_MASK,
    WK__WKT_EMPTY,
    WK__WKT_ANY
} wk__wkt;

/* Which well-known type a message is (by full name), or WK__WKT_NONE. */
wk__wkt wk__wkt_of(const wk_message_def *m);

/*
 * The message a google.protobuf.Any type URL names ("type.googleapis.com/acme.Order":
 * the part after the last '/'), looked up in the file of `root` (the type
 * being decoded or encoded) and everything it imports; NULL when none.
 */
const wk_message_def *wk__typed_resolve_url(const wk_message_def *root, const char *url, size_t len);

/* Whether an enum is google.protobuf.NullValue. */
bool wk__wkt_is_null_value(const wk_enum_def *e);

/* RFC 3339 text <-> seconds and nanos since the epoch. Errors return false with *why. */
bool wk__timestamp_parse(const char *s, size_t len, int64_t *seconds, int32_t *nanos,
                         const char **why);
/* Writes "1972-01-01T10:00:20.021Z" (0, 3, 6 or 9 digits of fraction); out needs 40 bytes. */
bool wk__timestamp_format(int64_t seconds, int64_t nanos, char *out, size_t *len,
                          const char **why);
/*
 * Writes the whole seconds of a timestamp as "1972-01-01T10:00:20" (UTC, no
 * fraction, no zone); the caller has checked that they lie in 0001..9999.
 * out needs 20 bytes (NUL-terminated); returns 19.
 */
size_t wk__timestamp_format_seconds(int64_t seconds, char *out);
/* "1.000340012s" <-> seconds and nanos (of the same sign). */
bool wk__duration_parse(const char *s, size_t len, int64_t *seconds, int32_t *nanos,
                        const char **why);
bool wk__duration_format(int64_t seconds, int64_t nanos, char *out, size_t *len,
                         const char **why);
/* A FieldMask path: "foo_bar.baz" <-> "fooBar.baz". Written to out (cap bytes); false when it cannot round-trip. */
bool wk__field_path_to_camel(const char *s, size_t len, char *out, size_t cap, size_t *out_len);
bool wk__field_path_to_snake(const char *s, size_t len, char *out, size_t cap, size_t *out_len);

#endif
