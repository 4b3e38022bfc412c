/*
 * wirekit/protobuf.h: Protocol Buffers without a schema.
 *
 * Protocol Buffers bytes do not say what their fields are: decoding them to
 * the model needs the message type (wk_decode_opts.type, from a schema).
 * Without one, they can still be inspected: field numbers, wire types and
 * raw values, printed as `protoc --decode_raw` prints them, so that the two
 * can be compared:
 *
 *     1: 150                    a varint, as an unsigned decimal
 *     2: "text\n"               length-delimited bytes, C-escaped
 *     3 {                       length-delimited bytes that parse as a
 *       1: 1                    message (a guess, as protoc makes it), or
 *     }                         a group
 *     4: 0x3f800000             a 32-bit value in hex
 *     5: 0x3ff0000000000000     a 64-bit value in hex
 *
 * Like protoc, a length-delimited field is shown as a message when it is
 * not empty and its bytes are a complete sequence of well-formed fields,
 * and no more than 10 such guesses are nested.
 *
 * Thread safety: no global state.
 */
#ifndef WIREKIT_PROTOBUF_H
#define WIREKIT_PROTOBUF_H

#include <wirekit/buf.h>
#include <wirekit/format.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Appends the text above for the message in data[0..len) to out. opts may
 * be NULL; opts->max_depth bounds the nesting of groups (0: the default,
 * WK_DEFAULT_MAX_DEPTH), beyond which it fails with WK_ERR_DEPTH. Bytes that
 * are not a message fail with WK_ERR_SYNTAX or WK_ERR_TRUNCATED, st->offset
 * giving the byte where the wire format broke; out is then restored to the
 * length it had.
 */
WK_API wk_code wk_protobuf_inspect(const void *data, size_t len, const wk_decode_opts *opts,
                                   wk_buf *out, wk_status *st);

#ifdef __cplusplus
}
#endif

#endif
