/*
 * Streams of messages: JSON Lines, MessagePack values back to back and
 * length-delimited Protocol Buffers (see stream.h).
 */
#include "stream.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct stream_name {
    const char *name;     /* a name and an extension, without the dot */
    const char *format;   /* the format whose stream form it names */
} stream_name;

static const stream_name stream_names[] = {
    {"jsonl", "json"},
    {"ndjson", "json"},
    {"json-lines", "json"},
    {"msgpack-stream", "msgpack"},
    {"mpstream", "msgpack"},
    {"protobuf-stream", "protobuf"},
    {"pbstream", "protobuf"},
    {"pb-stream", "protobuf"},
    {"protobuf-delimited", "protobuf"},
    {NULL, NULL},
};

cli_stream_kind cli_stream_kind_of(const wk_format *f)
{
    if (!f) return CLI_STREAM_NONE;
    if (strcmp(f->name, "json") == 0) return CLI_STREAM_LINES;
    if (strcmp(f->name, "msgpack") == 0) return CLI_STREAM_CONCAT;
    if (strcmp(f->name, "protobuf") == 0) return CLI_STREAM_DELIMITED;
    return CLI_STREAM_NONE;
}

const char *cli_stream_label(const wk_format *f)
{
    switch (cli_stream_kind_of(f)) {
    case CLI_STREAM_LINES: return "JSON Lines";
    case CLI_STREAM_CONCAT: return "MessagePack stream";
    case CLI_STREAM_DELIMITED: return "Protocol Buffers stream";
    default: return NULL;
    }
}

const wk_format *cli_stream_find(const char *name)
{
    if (!name) return NULL;
    if (*name == '.') name++;
    for (const stream_name *s = stream_names; s->name; s++)
        if (strcasecmp(name, s->name) == 0) return wk_format_find(s->format);
    return NULL;
}

const wk_format *cli_stream_for_path(const char *path)
{
    if (!path) return NULL;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    /* A hidden file's leading dot starts no extension. */
    if (!dot || dot == base) return NULL;
    return cli_stream_find(dot + 1);
}

void cli_stream_reader_init(cli_stream_reader *r, const wk_format *f, const uint8_t *data, size_t len)
{
    memset(r, 0, sizeof *r);
    r->fmt = f;
    r->kind = cli_stream_kind_of(f);
    r->data = data;
    r->len = len;
    r->line_next = 1;
    r->max_record = CLI_STREAM_DEFAULT_MAX_RECORD;
}

void cli_stream_reader_destroy(cli_stream_reader *r)
{
    /* Nothing is held today; callers pair it with init all the same. */
    (void)r;
}

static bool stream_blank(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r') return false;
    return true;
}

static int stream_next_line(cli_stream_reader *r, const wk_decode_opts *opts, wk_arena *a,
                            const wk_value **out, wk_status *st)
{
    while (r->pos < r->len) {
        size_t start = r->pos;
        const uint8_t *nl = memchr(r->data + start, '\n', r->len - start);
        size_t end = nl ? (size_t)(nl - r->data) : r->len;
        size_t line = r->line_next;
        r->pos = nl ? end + 1 : r->len;
        if (nl) r->line_next++;
        if (stream_blank(r->data + start, end - start)) continue;
        r->record++;
        r->line = line;
        r->offset = start;
        if (wk_decode(r->fmt, r->data + start, end - start, opts, a, out, st) != WK_OK) {
            st->offset += start;
            return -1;
        }
        return 1;
    }
    return 0;
}

static int stream_next_value(cli_stream_reader *r, const wk_decode_opts *opts, wk_arena *a,
                             const wk_value **out, wk_status *st)
{
    if (r->pos >= r->len) return 0;
    size_t start = r->pos;
    r->record++;
    r->offset = start;
    /* The decoder stops at the end of the first value and says where. */
    size_t value_len;
    if (wk_decode_prefix(r->fmt, r->data + start, r->len - start, opts, a, out, &value_len, st) != WK_OK) {
        st->offset += start;
        return -1;
    }
    r->pos = start + value_len;
    return 1;
}

static int stream_fail(wk_status *st, wk_code code, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Fills st for an error of the stream's framing (not of a value) and returns -1. */
static int stream_fail(wk_status *st, wk_code code, size_t offset, const char *fmt, ...)
{
    wk_status_clear(st);
    st->code = code;
    st->offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->msg, sizeof st->msg, fmt, ap);
    va_end(ap);
    return -1;
}

/*
 * Protocol Buffers: a varint length, then that many bytes of one message.
 * The prefix is checked in full before any of it is trusted; every framing
 * error is reported at the record's first byte, where a reader would look.
 */
static int stream_next_delimited(cli_stream_reader *r, const wk_decode_opts *opts, wk_arena *a,
                                 const wk_value **out, wk_status *st)
{
    if (r->pos >= r->len) return 0;
    size_t start = r->pos;
    r->record++;
    r->offset = start;
    if (!opts || !opts->type)
        return stream_fail(st, WK_ERR_UNSUPPORTED, start,
                           "a Protocol Buffers stream cannot be read without a message type: give a schema "
                           "(-s FILE.proto -m TYPE)");
    /* Ten bytes carry 64 bits; protobuf's own readers stop there too. */
    uint64_t length = 0;
    size_t p = start;
    for (unsigned i = 0;; i++) {
        if (p == r->len)
            return stream_fail(st, WK_ERR_TRUNCATED, start, "the length prefix is cut short by the end of the input");
        if (i == 10) return stream_fail(st, WK_ERR_SYNTAX, start, "the length prefix is longer than 10 bytes");
        uint8_t b = r->data[p++];
        if (i == 9 && (b & 0x7f) > 1)
            return stream_fail(st, WK_ERR_RANGE, start, "the length prefix does not fit in 64 bits");
        length |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) break;
    }
    uint64_t limit = r->max_record < WK_VALUE_MAX_LEN ? r->max_record : WK_VALUE_MAX_LEN;
    if (length > WK_VALUE_MAX_LEN)
        return stream_fail(st, WK_ERR_LIMIT, start,
                           "a record of %" PRIu64 " bytes: more than a message can hold (%" PRIu64 " bytes)",
                           length, (uint64_t)WK_VALUE_MAX_LEN);
    if (length > limit)
        return stream_fail(st, WK_ERR_LIMIT, start,
                           "a record of %" PRIu64 " bytes: more than the limit of %" PRIu64 " bytes", length, limit);
    if (length > r->len - p)
        return stream_fail(st, WK_ERR_TRUNCATED, start,
                           "a record of %" PRIu64 " bytes, but only %zu %s its length prefix",
                           length, r->len - p, r->len - p == 1 ? "byte follows" : "bytes follow");
    if (wk_decode(r->fmt, r->data + p, (size_t)length, opts, a, out, st) != WK_OK) {
        st->offset += p;
        return -1;
    }
    r->pos = p + (size_t)length;
    return 1;
}

int cli_stream_next(cli_stream_reader *r, const wk_decode_opts *opts, wk_arena *a,
                    const wk_value **out, wk_status *st)
{
    wk_status local;
    if (!st) st = &local;
    switch (r->kind) {
    case CLI_STREAM_LINES: return stream_next_line(r, opts, a, out, st);
    case CLI_STREAM_CONCAT: return stream_next_value(r, opts, a, out, st);
    case CLI_STREAM_DELIMITED: return stream_next_delimited(r, opts, a, out, st);
    default:
        wk_status_clear(st);
        st->code = WK_ERR_UNSUPPORTED;
        snprintf(st->msg, sizeof st->msg, "%s has no stream form", r->fmt ? r->fmt->name : "?");
        return -1;
    }
}

void cli_stream_report(const char *file, const cli_stream_reader *r, const wk_status *st)
{
    const char *name = (!file || strcmp(file, "-") == 0) ? "<stdin>" : file;
    if (r->kind == CLI_STREAM_LINES && st->line)
        fprintf(stderr, "%s:%zu:%u: error: record %zu: %s\n", name, r->line, st->col, r->record, st->msg);
    else if (r->kind == CLI_STREAM_LINES)
        fprintf(stderr, "%s:%zu: error: record %zu: %s\n", name, r->line, r->record, st->msg);
    else
        fprintf(stderr, "%s: error: at byte %zu: record %zu: %s\n", name, st->offset, r->record, st->msg);
}

/* Writes n as a base-128 varint into p (room for 10 bytes); returns its length. */
static size_t stream_varint(uint8_t *p, uint64_t n)
{
    size_t k = 0;
    while (n >= 0x80) {
        p[k++] = (uint8_t)(n | 0x80);
        n >>= 7;
    }
    p[k++] = (uint8_t)n;
    return k;
}

static wk_code stream_append_fail(wk_status *st, wk_code code, const char *msg)
{
    if (st) {
        wk_status_clear(st);
        st->code = code;
        snprintf(st->msg, sizeof st->msg, "%s", msg);
    }
    return code;
}

wk_code cli_stream_append(const wk_format *f, const wk_value *v, const wk_encode_opts *opts,
                          wk_buf *out, wk_status *st)
{
    wk_encode_opts compact = opts ? *opts : (wk_encode_opts){0};
    cli_stream_kind kind = cli_stream_kind_of(f);
    /* A JSON Lines record is one line: never indented. */
    if (kind == CLI_STREAM_LINES) compact.flags &= ~WK_ENCODE_PRETTY;
    size_t before = out->len;
    wk_code rc = wk_encode(f, v, &compact, out, st);
    if (rc != WK_OK) return rc;
    if (kind == CLI_STREAM_LINES) {
        if (wk_buf_append(out, "\n", 1) != WK_OK) {
            out->len = before;
            return stream_append_fail(st, WK_ERR_NOMEM, "out of memory");
        }
    } else if (kind == CLI_STREAM_DELIMITED) {
        /* The length is known only once the message is written: the
         * message moves up to make room for its prefix (at most 5 bytes for
         * a length the readers accept). */
        size_t n = out->len - before;
        if ((uint64_t)n > WK_VALUE_MAX_LEN) {
            out->len = before;
            return stream_append_fail(st, WK_ERR_LIMIT, "the message is longer than a record may be (4294967295 bytes)");
        }
        uint8_t prefix[10];
        size_t k = stream_varint(prefix, n);
        if (wk_buf_reserve(out, k) != WK_OK) {
            out->len = before;
            return stream_append_fail(st, WK_ERR_NOMEM, "out of memory");
        }
        memmove(out->data + before + k, out->data + before, n);
        memcpy(out->data + before, prefix, k);
        out->len += k;
    }
    return WK_OK;
}

bool cli_stream_parse_size(const char *text, uint64_t *out)
{
    if (!text || !isdigit((unsigned char)text[0])) return false;
    errno = 0;
    char *end;
    unsigned long long n = strtoull(text, &end, 10);
    if (errno == ERANGE) return false;
    unsigned shift = 0;
    if (*end) {
        switch (*end) {
        case 'k': case 'K': shift = 10; break;
        case 'm': case 'M': shift = 20; break;
        case 'g': case 'G': shift = 30; break;
        default: return false;
        }
        if (end[1]) return false;
    }
    if (n == 0 || n > (WK_VALUE_MAX_LEN >> shift)) return false;
    *out = (uint64_t)n << shift;
    return true;
}
