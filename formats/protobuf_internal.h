/*
 * formats/protobuf_internal.h: what the files of the Protocol Buffers
 * backend share (wk__pb names). Not installed.
 *
 *   protobuf_desc.c     protobuf-c descriptors built at run time from a
 *                       wk_message_def, cached per schema
 *   protobuf_scan.c     the linear pre-scan of wire bytes (depth, wire
 *                       types, varints, lengths, with offsets and paths) and
 *                       the rewrites between group-delimited and
 *                       length-delimited fields
 *   protobuf_inspect.c  schema-less inspection, like protoc --decode_raw
 *   protobuf.c          decode, encode, parse_only, sniff and the table
 */
#ifndef WIREKIT_FORMATS_PROTOBUF_INTERNAL_H
#define WIREKIT_FORMATS_PROTOBUF_INTERNAL_H

#include "../model/internal.h"

#include <protobuf-c/protobuf-c.h>

/* Wire types. */
enum {
    WK__PB_VARINT = 0,
    WK__PB_I64 = 1,
    WK__PB_LEN = 2,
    WK__PB_SGROUP = 3,
    WK__PB_EGROUP = 4,
    WK__PB_I32 = 5
};

/* The largest field number (2^29 - 1). */
#define WK__PB_MAX_NUMBER 536870911u

typedef struct wk__pb_message wk__pb_message;

/*
 * One field as laid out in the synthetic struct protobuf-c reads and
 * writes, parallel to the descriptor's fields and to def->fields.
 *
 * Every singular field, proto3 plain ones included, is declared to
 * protobuf-c as LABEL_OPTIONAL with a has_ flag (messages: a NULL pointer
 * when absent): protobuf-c then merges a singular sub-message that occurs
 * twice correctly (with LABEL_NONE it loses the first copy's plain fields),
 * writes -0.0 in a proto3 double as Google's writers do (LABEL_NONE compares
 * with == 0.0 and drops it), and leaves the presence rules of the model to
 * us. Required fields are declared optional too, and checked by us with
 * the field's path (protobuf-c only fails the whole unpack).
 */
typedef struct wk__pb_field {
    const wk_field_def *def;
    const wk__pb_message *message;  /* MESSAGE and GROUP (the entry for a map) */
    uint32_t number;
    uint32_t offset;                /* of the value (repeated: of the pointer) */
    uint32_t quantifier_offset;     /* has_, n_ or the oneof case; 0 when none */
    uint8_t ctype;                  /* the ProtobufCType declared to protobuf-c */
    uint8_t wire;                   /* wire type of one element (GROUP: WK__PB_SGROUP) */
    uint8_t elem_size;              /* bytes of one element in the struct */
    bool repeated;
    bool packable;                  /* a repeated scalar: LEN (packed) is accepted */
    bool oneof;                     /* a member of a real (not synthetic) oneof */
    bool is_string;                 /* declared BYTES to protobuf-c, UTF-8 checked by us */
    bool is_map;
    uint8_t merge_bit;              /* singular message fields: a bit (mod 64) to spot repeats */
} wk__pb_field;

struct wk__pb_message {
    ProtobufCMessageDescriptor desc;  /* first: a pointer to one is a pointer to the other */
    const wk_message_def *def;
    const wk__pb_field *fields;       /* in field-number order */
    size_t field_count;
    uint32_t dense;                   /* fields[i].number == i + 1 for every i < dense */
    bool has_required;
    bool reaches_groups;              /* a GROUP field is reachable from here */
    bool is_entry;                    /* a map entry */
};

/* The descriptors of every message reachable from a set of roots. */
typedef struct wk__pb_types wk__pb_types;

/*
 * The descriptors for `type` and everything it reaches: from its schema's
 * cache (built on first use, thread-safely, freed with the schema) or, for
 * a definition that belongs to no loaded schema (built by hand), built for
 * this call: then *owned is set and must be given to wk__pb_types_free.
 * *out is the type's own descriptor. WK_ERR_NOMEM or WK_ERR_INVALID (a
 * definition protobuf-c cannot take) with st filled otherwise.
 */
wk_code wk__pb_types_get(const wk_message_def *type, const wk__pb_message **out,
                         wk__pb_types **owned, wk_status *st);
void wk__pb_types_free(wk__pb_types *t);

/* The field with this number, or NULL. */
static inline const wk__pb_field *wk__pb_field_find(const wk__pb_message *m, uint32_t number)
{
    if (number - 1u < m->dense) return &m->fields[number - 1u];
    size_t lo = m->dense, hi = m->field_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint32_t n = m->fields[mid].number;
        if (n == number) return &m->fields[mid];
        if (n < number) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

/* ---- protobuf_scan.c ---- */

typedef struct wk__pb_scan_result {
    bool has_groups;          /* the input holds group-delimited fields: rewrite it */
    bool unknown_groups;      /* some were unknown fields (wrapped whole in the rewrite) */
    uint32_t depth;           /* the deepest nesting of messages found (the root is 1) */
    bool needs_merge;         /* a singular message field may occur twice in one message */
} wk__pb_scan_result;

/*
 * Checks data[0..len) as an encoding of message m: well-formed tags and
 * varints (at most 10 bytes, tags 5), lengths within their message, wire
 * types 0-5 only, and the wire type each known field's type allows;
 * packed fields' contents; nesting no deeper than max_depth. Fails with
 * WK_ERR_SYNTAX, WK_ERR_TRUNCATED, WK_ERR_TYPE or WK_ERR_DEPTH, with the
 * byte offset and the field path ("$.a.b[2]") in st. Iterative: no input
 * can overflow the C stack. With unknown_error, the first field m's
 * schema does not know fails with WK_ERR_TYPE.
 *
 * *out is data itself, or, when the input holds groups, its rewriting for
 * protobuf-c (allocated in arena): group fields become length-delimited
 * fields, and an unknown group field is wrapped whole (start tag to end
 * tag) in a length-delimited field of the same number, which
 * wk__pb_is_wrapped_group recognises.
 */
wk_code wk__pb_check(const wk__pb_message *m, const uint8_t *data, size_t len, uint32_t max_depth,
                     bool unknown_error, wk_arena *arena, const uint8_t **out, size_t *out_len,
                     wk__pb_scan_result *res, wk_status *st);

/*
 * The reverse, on protobuf-c's output for m: the group fields of the
 * schema, written length-delimited, become groups again (in arena).
 */
wk_code wk__pb_to_groups(const wk__pb_message *m, const uint8_t *data, size_t len, wk_arena *arena,
                         uint8_t **out, size_t *out_len, wk_status *st);

/*
 * Rewrites data[0..len) (checked, groups already rewritten) so that every
 * singular message field occurs once per message: the occurrences are
 * merged into the first, their payloads concatenated (which is what
 * merging means on the wire), recursively. protobuf-c merges such
 * occurrences itself but drops the earlier copies' unknown fields, and
 * keeps only the last copy of a oneof member. Recurses once per nesting
 * level (run it where the stack allows the input's depth). *out is in arena.
 */
wk_code wk__pb_merge(const wk__pb_message *m, const uint8_t *data, size_t len, wk_arena *arena,
                     const uint8_t **out, size_t *out_len);

/*
 * When data[0..len) (the payload of a length-delimited unknown field
 * `number`, after its length) is exactly one group field `number`, start
 * and end tag included, true.
 */
bool wk__pb_is_wrapped_group(uint32_t number, const uint8_t *data, size_t len);

/* Reads a varint of at most 10 bytes; returns its length, 0 when malformed or cut short. */
static inline size_t wk__pb_varint(const uint8_t *p, const uint8_t *end, uint64_t *out)
{
    if (WK__LIKELY(p < end && *p < 0x80)) {
        *out = *p;
        return 1;
    }
    uint64_t v = 0;
    size_t max = (size_t)(end - p) < 10 ? (size_t)(end - p) : 10;
    for (size_t i = 0; i < max; i++) {
        v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
        if (!(p[i] & 0x80)) {
            *out = v;
            return i + 1;
        }
    }
    return 0;
}

static inline size_t wk__pb_varint_size(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static inline size_t wk__pb_put_varint(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

/* Writes a field path for errors: "$.a.b[2]". Frames are (field, index or -1). */
typedef struct wk__pb_step {
    const wk_field_def *field;
    int64_t index;          /* element of a repeated field, or -1 */
} wk__pb_step;

void wk__pb_path_format(const wk__pb_step *steps, size_t n, char *out, size_t cap);

#endif
