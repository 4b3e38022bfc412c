/* Streams of messages: JSON Lines and MessagePack values back to back (see stream.h). */
#include "stream.h"

#include <stdio.h>
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
    {NULL, NULL},
};

cli_stream_kind cli_stream_kind_of(const wk_format *f)
{
    if (!f) return CLI_STREAM_NONE;
    if (strcmp(f->name, "json") == 0) return CLI_STREAM_LINES;
    if (strcmp(f->name, "msgpack") == 0) return CLI_STREAM_CONCAT;
    return CLI_STREAM_NONE;
}

const char *cli_stream_label(const wk_format *f)
{
    switch (cli_stream_kind_of(f)) {
    case CLI_STREAM_LINES: return "JSON Lines";
    case CLI_STREAM_CONCAT: return "MessagePack stream";
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
}

void cli_stream_reader_destroy(cli_stream_reader *r)
{
    wk_arena_free(r->scratch);
    r->scratch = NULL;
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
    if (!r->scratch && !(r->scratch = wk_arena_new(0))) {
        wk_status_clear(st);
        st->code = WK_ERR_NOMEM;
        st->offset = start;
        snprintf(st->msg, sizeof st->msg, "out of memory");
        return -1;
    }
    wk_arena_reset(r->scratch);
    /* The decoder stops at the end of the first value and says where. */
    const wk_value *probe;
    size_t value_len = r->len - start;
    wk_code rc = wk_decode(r->fmt, r->data + start, value_len, opts, r->scratch, &probe, st);
    if (rc == WK_ERR_TRAILING) value_len = st->offset;
    else if (rc != WK_OK) {
        st->offset += start;
        return -1;
    }
    if (wk_decode(r->fmt, r->data + start, value_len, opts, a, out, st) != WK_OK) {
        st->offset += start;
        return -1;
    }
    r->pos = start + value_len;
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

wk_code cli_stream_append(const wk_format *f, const wk_value *v, const wk_encode_opts *opts,
                          wk_buf *out, wk_status *st)
{
    wk_encode_opts compact = opts ? *opts : (wk_encode_opts){0};
    cli_stream_kind kind = cli_stream_kind_of(f);
    /* A JSON Lines record is one line: never indented. */
    if (kind == CLI_STREAM_LINES) compact.flags &= ~WK_ENCODE_PRETTY;
    size_t before = out->len;
    wk_code rc = wk_encode(f, v, &compact, out, st);
    if (rc != WK_OK || kind != CLI_STREAM_LINES) return rc;
    if (wk_buf_append(out, "\n", 1) != WK_OK) {
        out->len = before;
        if (st) {
            wk_status_clear(st);
            st->code = WK_ERR_NOMEM;
            snprintf(st->msg, sizeof st->msg, "out of memory");
        }
        return WK_ERR_NOMEM;
    }
    return WK_OK;
}
