/*
 * cli/stream.h: files that hold many messages, one value after another.
 *
 * Three stream forms are known, one per format that can delimit its values:
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
 *   Protocol       length-delimited messages: each record is its length in
 *   Buffers        bytes as a base-128 varint, then that many bytes of one
 *   stream         message (what protobuf's writeDelimitedTo and
 *                  parseDelimitedFrom write and read). A record of length 0
 *                  is an empty message. Extensions .pbstream and .pb-stream;
 *                  names "protobuf-stream", "pbstream", "pb-stream",
 *                  "protobuf-delimited". Like any Protocol Buffers, it is
 *                  read and written only with a message type (a schema). A
 *                  plain .pb file is one message, with no length before it.
 *
 * Reading a Protocol Buffers stream checks each length prefix before it
 * uses it: at most 10 bytes, fitting 64 bits, no more than the model can
 * hold (WK_VALUE_MAX_LEN), no more than the reader's max_record, and no
 * more than the bytes left. Each failure is an error at the record's first
 * byte, naming the record, so that a damaged or misnamed file is reported
 * instead of read as one enormous record.
 *
 * A MessagePack stream is split by the decoder itself: wk_decode_prefix
 * decodes the value at the front of the rest of the stream and says how
 * many bytes it took, in one pass.
 */
#ifndef WIREKIT_CLI_STREAM_H
#define WIREKIT_CLI_STREAM_H

#include <wirekit/wirekit.h>

typedef enum cli_stream_kind {
    CLI_STREAM_NONE,    /* the format has no stream form */
    CLI_STREAM_LINES,   /* JSON Lines */
    CLI_STREAM_CONCAT,  /* values back to back (MessagePack) */
    CLI_STREAM_DELIMITED /* each value after its length as a varint (Protocol Buffers) */
} cli_stream_kind;

/*
 * The largest record a Protocol Buffers stream reader accepts unless told
 * otherwise (64 MiB, the limit protobuf's own parsers long applied to one
 * message): a length prefix is a claim of the input, and a wrong one should
 * fail early with a clear message.
 */
#define CLI_STREAM_DEFAULT_MAX_RECORD (UINT64_C(64) << 20)

/*
 * The stream form of a format: lines for JSON, back to back for
 * MessagePack, length-delimited for Protocol Buffers.
 */
cli_stream_kind cli_stream_kind_of(const wk_format *f);

/*
 * "JSON Lines", "MessagePack stream", "Protocol Buffers stream" or NULL:
 * how to name a stream form.
 */
const char *cli_stream_label(const wk_format *f);

/*
 * The format of a stream named by a file extension (".jsonl") or a name
 * ("jsonl", "msgpack-stream", "pbstream"); NULL when it names no stream.
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
    /* Protocol Buffers: the longest record accepted, in bytes. Set to
     * CLI_STREAM_DEFAULT_MAX_RECORD by init; the caller may change it.
     * Above WK_VALUE_MAX_LEN, WK_VALUE_MAX_LEN applies. */
    uint64_t max_record;
} cli_stream_reader;

/*
 * Starts reading data[0..len) as a stream of f (which must have a stream
 * form). Reading a Protocol Buffers stream needs opts->type in each
 * cli_stream_next call.
 */
void cli_stream_reader_init(cli_stream_reader *r, const wk_format *f, const uint8_t *data, size_t len);
void cli_stream_reader_destroy(cli_stream_reader *r);

/*
 * Decodes the next value into `a`. Returns 1 with *out set, 0 at the end of
 * the stream, -1 on an error: st then holds the decoder's status with its
 * offset made absolute (from the start of the stream), and r->record,
 * r->line and r->offset say which record failed. A Protocol Buffers length
 * prefix that cannot be used fails at the record's first byte (st->offset
 * is r->offset): WK_ERR_TRUNCATED when the prefix or the record is cut
 * short by the end of the input, WK_ERR_SYNTAX for a prefix longer than 10
 * bytes, WK_ERR_RANGE for one beyond 64 bits, WK_ERR_LIMIT for a length
 * above r->max_record or WK_VALUE_MAX_LEN; WK_ERR_UNSUPPORTED without
 * opts->type.
 */
int cli_stream_next(cli_stream_reader *r, const wk_decode_opts *opts, wk_arena *a,
                    const wk_value **out, wk_status *st);

/*
 * Prints the error of a failed cli_stream_next, naming the record:
 * "FILE:LINE:COL: error: record N: MESSAGE" for JSON Lines (LINE is the
 * line in the file), "FILE: error: at byte N: record N: MESSAGE" for a
 * MessagePack or Protocol Buffers stream (the offset is from the start of
 * the file).
 */
void cli_stream_report(const char *file, const cli_stream_reader *r, const wk_status *st);

/*
 * Appends one value in the stream form of f to out: compact JSON and a
 * newline, the MessagePack value alone, or the Protocol Buffers message
 * after its length as a varint. Fails as wk_encode does (and with
 * WK_ERR_LIMIT for a message longer than WK_VALUE_MAX_LEN, which no reader
 * here would accept); out is then as it was.
 */
wk_code cli_stream_append(const wk_format *f, const wk_value *v, const wk_encode_opts *opts,
                          wk_buf *out, wk_status *st);

/*
 * Parses a record size for max_record: a whole number of bytes, or of KiB,
 * MiB or GiB with a suffix K, M or G (either case). Accepts 1 up to
 * WK_VALUE_MAX_LEN; false otherwise (a limit of 0 would let only empty
 * messages through, and is refused as a mistake).
 */
bool cli_stream_parse_size(const char *text, uint64_t *out);

#endif
