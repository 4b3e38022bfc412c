/*
 * wirekit/format.h: one interface for every wire format.
 *
 * Each backend is a constant wk_format table: its names, media types and
 * file extensions, a sniffer, decode, encode and parse_only. The registry
 * lists them; wk_format_find() looks one up by any of its names.
 *
 *     const wk_format *json = wk_format_find("application/json");
 *     const wk_format *mp = wk_format_find("msgpack");
 *     wk_arena *a = wk_arena_new(0);
 *     wk_buf out; wk_buf_init(&out);
 *     const wk_value *v;
 *     wk_status st;
 *     if (wk_decode(json, text, len, NULL, a, &v, &st) == WK_OK &&
 *         wk_encode(mp, v, NULL, &out, &st) == WK_OK)
 *         send(out.data, out.len);
 *     else
 *         fprintf(stderr, "%u:%u: %s\n", st.line, st.col, st.msg);
 *     wk_buf_destroy(&out);
 *     wk_arena_free(a);
 *
 * Thread safety: the tables and the registry are constant; decode, encode
 * and parse_only may run concurrently on distinct arenas and buffers. The
 * XML backend initialises libxml2 (xmlInitParser) once, thread-safely, on
 * its first use; it never calls xmlCleanupParser and sets no libxml2 global
 * (each parser gets its own error handler), so a program may use libxml2
 * itself alongside.
 */
#ifndef WIREKIT_FORMAT_H
#define WIREKIT_FORMAT_H

#include <wirekit/buf.h>
#include <wirekit/value.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The default and the largest nesting depth a decoder or encoder accepts. */
#define WK_DEFAULT_MAX_DEPTH 512
#define WK_MAX_DEPTH_LIMIT 10000

/* The default limit on the text of one XML element or attribute (64 MiB). */
#define WK_DEFAULT_MAX_TEXT (UINT32_C(64) << 20)

/*
 * Decode flags. Fields a message type does not know are kept by default
 * (as wk_message.unknown, and written back out by the same format).
 */
#define WK_DECODE_UNKNOWN_DROP 0x1u    /* typed: leave unknown fields out */
#define WK_DECODE_UNKNOWN_ERROR 0x2u   /* typed: fail on an unknown field (WK_ERR_TYPE) */
/* Other bits of wk_decode_opts.flags are reserved: leave them 0 (they are ignored). */

typedef struct wk_decode_opts {
    uint32_t flags;
    /* Nesting deeper than this fails with WK_ERR_DEPTH. 0 means
     * WK_DEFAULT_MAX_DEPTH; values above WK_MAX_DEPTH_LIMIT are clamped. */
    uint32_t max_depth;
    /* Decode typed messages of this type (WK_MESSAGE values, checked
     * against the schema on the way in); NULL decodes without a schema.
     * Protocol Buffers needs it (without, only inspection is possible). */
    const wk_message_def *type;
    /* The most bytes of text one XML element or attribute value may hold;
     * more fails with WK_ERR_LIMIT, before the text is stored. 0 means
     * WK_DEFAULT_MAX_TEXT; UINT32_MAX leaves only the model's own limit.
     * Only XML applies it; the other formats ignore it. */
    uint32_t max_text;
} wk_decode_opts;

/* Encode flags. */
#define WK_ENCODE_PRETTY 0x1u          /* indent text formats for people */
#define WK_ENCODE_EMIT_DEFAULTS 0x2u   /* typed: also write fields without presence at their default */
#define WK_ENCODE_NUMBER_KEYS 0x4u     /* typed MessagePack: field numbers as map keys, not names */

typedef struct wk_encode_opts {
    uint32_t flags;
    uint32_t max_depth;         /* as in wk_decode_opts */
    /* Typed XML: the root element's name; NULL writes the message's name.
     * A name that is not an XML name fails with WK_ERR_INVALID. */
    const char *xml_root;
} wk_encode_opts;

typedef struct wk_format wk_format;

struct wk_format {
    const char *name;                     /* "json" */
    const char *const *aliases;           /* NULL-terminated; may be NULL */
    const char *const *media_types;       /* NULL-terminated, lower case */
    const char *const *extensions;        /* NULL-terminated, without the dot */
    bool is_text;                         /* errors carry line and column */
    /* How sure the bytes are this format: 0 (not it) to 100 (certain). */
    int (*sniff)(const uint8_t *data, size_t len);
    wk_code (*decode)(const uint8_t *data, size_t len, const wk_decode_opts *opts,
                      wk_arena *a, const wk_value **out, wk_status *st);
    wk_code (*encode)(const wk_value *v, const wk_encode_opts *opts, wk_buf *out,
                      wk_status *st);
    /* Runs the backend library alone over the bytes, building no wirekit
     * values (the library may build its own structures, as msgpack-c does
     * in its zone): what the library costs, for the benchmark. */
    wk_code (*parse_only)(const uint8_t *data, size_t len, const wk_decode_opts *opts,
                          wk_status *st);
    /* The backend library and its version as linked, e.g. "yajl 2.1.0";
     * the text is the calling thread's and valid until its next call. */
    const char *(*backend_version)(void);
};

/* The built-in formats, NULL-terminated, in a fixed order. */
WK_API const wk_format *const *wk_formats(void);

/*
 * A format by name ("json"), alias ("mp"), media type
 * ("application/msgpack", parameters and a vendor tree such as
 * "application/vnd.acme.order+json; version=1.2.0" allowed) or file
 * extension, with or without its dot (".json", "mpk"); case-insensitive.
 * NULL when nothing matches.
 */
WK_API const wk_format *wk_format_find(const char *name);

/* The format a file name's extension names ("orders.msgpack"), or NULL. */
WK_API const wk_format *wk_format_for_path(const char *path);

/* The format the bytes most likely are, or NULL when no sniffer is sure enough. */
WK_API const wk_format *wk_format_sniff(const uint8_t *data, size_t len);

/*
 * Decode `len` bytes into a value tree allocated in `a`; *out is set only on
 * success. opts NULL means defaults; st NULL is allowed. On failure nothing
 * the decode allocated is referenced any more (the arena may have grown).
 */
WK_API wk_code wk_decode(const wk_format *f, const void *data, size_t len,
                         const wk_decode_opts *opts, wk_arena *a,
                         const wk_value **out, wk_status *st);

/*
 * Decodes the value at the start of `data`, which more bytes may follow
 * (the next value of a stream written back to back): *used receives the
 * bytes the value took, and bytes after it are no error. One pass, as
 * wk_decode. Formats whose values delimit themselves only: MessagePack;
 * others fail with WK_ERR_UNSUPPORTED. Errors are those of wk_decode, with
 * offsets from the start of data.
 */
WK_API wk_code wk_decode_prefix(const wk_format *f, const void *data, size_t len,
                                const wk_decode_opts *opts, wk_arena *a,
                                const wk_value **out, size_t *used, wk_status *st);

/*
 * Append the encoding of `v` to `out`. On failure `out` is restored to the
 * length it had. WK_ERR_UNREPRESENTABLE when the format cannot carry a value
 * (a NaN in JSON, say), with its path in st->msg.
 */
WK_API wk_code wk_encode(const wk_format *f, const wk_value *v,
                         const wk_encode_opts *opts, wk_buf *out, wk_status *st);

/* Run the backend library alone over the bytes (see parse_only above). */
WK_API wk_code wk_parse_only(const wk_format *f, const void *data, size_t len,
                             const wk_decode_opts *opts, wk_status *st);

#ifdef __cplusplus
}
#endif

#endif
