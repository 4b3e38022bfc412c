/*
 * cli/stream.h: files that hold many messages, one value after another.
 *
 * Two stream forms are known, one per format that can delimit its own values:
 *
 *   JSON Lines     one JSON value per line, lines ending in "\n" ("\r\n" is
 *                  accepted). Lines that hold only white space are skipped,
 *                  so a final newline, a blank line between records or a
 *                  trailing "\r" is no error. Extensions .jsonl and .ndjson;
 *                  names "jsonl", "ndjson", "json-lines".
 *   MessagePack    MessagePack values written back to back, with nothing
 *   stream         between them (what msgpack-c's unpacker and
 *                  python-msgpack's Unpacker read). Extensions
 *                  .msgpack-stream and .mpstream; names "msgpack-stream",
 *                  "mpstream". A plain .msgpack file is one value: trailing
 *                  bytes there stay an error, so that a damaged file is
 *                  never taken for a stream.
 *
 * Splitting a MessagePack stream needs the length of one value. The library's
 * public API has no "decode a prefix" call: wk_decode stops with
 * WK_ERR_TRAILING at the first byte after a complete value and sets
 * st.offset there, so the reader decodes the rest of the stream into a
 * scratch arena to learn where the value ends, then decodes exactly that
 * prefix into the caller's arena. A cleaner library API would return the
 * bytes used (a wk_decode_prefix(f, data, len, opts, arena, &value, &used,
 * st), or a WK_DECODE_ALLOW_TRAILING flag that reports the end in st.offset
 * on success) and save the second decode.
 */
#ifndef WIREKIT_CLI_STREAM_H
#define WIREKIT_CLI_STREAM_H

#include <wirekit/wirekit.h>

typedef enum cli_stream_kind {
    CLI_STREAM_NONE,    /* the format has no stream form */
    CLI_STREAM_LINES,   /* JSON Lines */
    CLI_STREAM_CONCAT   /* values back to back (MessagePack) */
} cli_stream_kind;

/* The stream form of a format: lines for JSON, back to back for MessagePack. */
cli_stream_kind cli_stream_kind_of(const wk_format *f);

/* "JSON Lines", "MessagePack stream" or NULL: how to name a stream form. */
const char *cli_stream_label(const wk_format *f);

/*
 * The format of a stream named by a file extension (".jsonl") or a name
 * ("jsonl", "msgpack-stream"); NULL when it names no stream.
 */
const wk_format *cli_stream_for_path(const char *path);
const wk_format *cli_stream_find(const char *name);

/* Reads the values of a stream held in memory, one at a time. */
typedef struct cli_stream_reader {
    const wk_format *fmt;
    cli_stream_kind kind;
    const uint8_t *data;
    size_t len;
    size_t pos;          /* where the next record starts (or the search for it) */
    size_t record;       /* the number of the record read last, from 1 */
    size_t line;         /* JSON Lines: the line of the record read last, from 1 */
    size_t line_next;    /* JSON Lines: the line at pos */
    size_t offset;       /* the byte offset of the record read last */
    wk_arena *scratch;   /* MessagePack: where a value's length is found */
} cli_stream_reader;

/* Starts reading data[0..len) as a stream of f (which must have a stream form). */
void cli_stream_reader_init(cli_stream_reader *r, const wk_format *f, const uint8_t *data, size_t len);
void cli_stream_reader_destroy(cli_stream_reader *r);

/*
 * Decodes the next value into `a`. Returns 1 with *out set, 0 at the end of
 * the stream, -1 on an error: st then holds the decoder's status with its
 * offset made absolute (from the start of the stream), and r->record,
 * r->line and r->offset say which record failed.
 */
int cli_stream_next(cli_stream_reader *r, const wk_decode_opts *opts, wk_arena *a,
                    const wk_value **out, wk_status *st);

/*
 * Prints the error of a failed cli_stream_next, naming the record:
 * "FILE:LINE:COL: error: record N: MESSAGE" for JSON Lines (LINE is the
 * line in the file), "FILE: error: at byte N: record N: MESSAGE" for a
 * MessagePack stream (the offset is from the start of the file).
 */
void cli_stream_report(const char *file, const cli_stream_reader *r, const wk_status *st);

/*
 * Appends one value in the stream form of f to out: compact JSON and a
 * newline, or the MessagePack value alone. Fails as wk_encode does; out is
 * then as it was.
 */
wk_code cli_stream_append(const wk_format *f, const wk_value *v, const wk_encode_opts *opts,
                          wk_buf *out, wk_status *st);

#endif
