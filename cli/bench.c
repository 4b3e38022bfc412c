/*
 * wirekit bench: what each format costs on sample messages.
 *
 * This file is the command: its options, the walk over folders, reading
 * each file (one message, or a stream of them: JSON Lines, a MessagePack
 * stream or a Protocol Buffers stream, see stream.h), running every (file, format) cell through the
 * measurement engine (bench_measure.c), a progress line, and handing the
 * result to a writer (bench_report.c), the chart (bench_chart.c) or the
 * comparison with a saved run (bench_compare.c).
 */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"
#include "bench.h"
#include "manifest.h"
#include "stream.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define BENCH_MAX_WALK_DEPTH 32

typedef struct bench_config {
    const wk_format *formats[BENCH_MAX_FORMATS];
    size_t nformats;
    bench_settings settings;
    bench_output form;
    const char *output_file;     /* NULL: standard output */
    const char *chart_file;
    const char *compare_file;
    const char *report_file;     /* --from-report: a saved run instead of measuring */
    const char *schema_file;     /* -s: typed messages of this .proto schema */
    const char *message;         /* -m: the message type */
    const char *includes[16];    /* -I folders */
    size_t include_count;
    bool dataset;                /* --dataset: files are benchmarks.BenchmarkDataset */
    const wk_schema *schema;     /* the loaded schema, with -s */
} bench_config;

/* ---- the paths to measure ---- */

typedef struct bench_paths {
    char **items;
    size_t count, cap;
} bench_paths;

static bool bench_paths_add(bench_paths *p, const char *path)
{
    if (p->count == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 32;
        char **items = realloc(p->items, cap * sizeof *items);
        if (!items) return false;
        p->items = items;
        p->cap = cap;
    }
    p->items[p->count] = strdup(path);
    if (!p->items[p->count]) return false;
    p->count++;
    return true;
}

static void bench_paths_free(bench_paths *p)
{
    for (size_t i = 0; i < p->count; i++) free(p->items[i]);
    free(p->items);
    memset(p, 0, sizeof *p);
}

static int bench_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A file the walk picks: its extension names a format or a stream; with
 * --dataset, a benchmark dataset's name, "dataset.*.pb". */
static bool bench_is_message_file(const char *path, bool dataset)
{
    if (dataset) {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        size_t n = strlen(base);
        return strncmp(base, "dataset.", 8) == 0 && n > 11 && strcmp(base + n - 3, ".pb") == 0;
    }
    return cli_stream_for_path(path) || wk_format_for_path(path);
}

/* dir + "/" + name, malloc'd; NULL when out of memory. */
static char *bench_join(const char *dir, size_t dir_len, const char *name)
{
    if (name[0] == '/') return strdup(name);   /* an absolute path stands as it is */
    size_t n = dir_len + strlen(name) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%.*s/%s", (int)dir_len, dir, name);
    return p;
}

/*
 * Adds the message files under a folder, in name order. Hidden files and
 * folders are skipped.
 */
static int bench_walk(bench_paths *p, const char *dir, int depth, bool dataset)
{
    if (depth > BENCH_MAX_WALK_DEPTH) {
        cli_error("'%s': folders nested too deep", dir);
        return CLI_IO;
    }
    DIR *d = opendir(dir);
    if (!d) {
        cli_error("cannot open folder '%s': %s", dir, strerror(errno));
        return CLI_IO;
    }
    bench_paths local = {0};
    struct dirent *e;
    int rc = CLI_OK;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        size_t dir_len = strlen(dir);
        char *full = bench_join(dir, dir[dir_len - 1] == '/' ? dir_len - 1 : dir_len, e->d_name);
        if (!full) { rc = CLI_IO; break; }
        if (!bench_paths_add(&local, full)) rc = CLI_IO;
        free(full);
        if (rc) break;
    }
    closedir(d);
    if (local.count) qsort(local.items, local.count, sizeof *local.items, bench_cmp_str);
    for (size_t i = 0; i < local.count && rc == CLI_OK; i++) {
        struct stat sb;
        if (stat(local.items[i], &sb) != 0) continue;
        if (S_ISDIR(sb.st_mode)) rc = bench_walk(p, local.items[i], depth + 1, dataset);
        else if (S_ISREG(sb.st_mode) && bench_is_message_file(local.items[i], dataset))
            if (!bench_paths_add(p, local.items[i])) rc = CLI_IO;
    }
    bench_paths_free(&local);
    return rc;
}

/* ---- progress on a terminal ---- */

typedef struct bench_progress {
    bool on;               /* standard error is a terminal */
    bool shown;            /* a line is on the screen */
    size_t index, count;
    const char *path;
} bench_progress;

static void bench_progress_clear(bench_progress *p)
{
    if (p->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        p->shown = false;
    }
}

/* "[3/15] corpus/chat/message.json: msgpack decode", cut to the terminal's width. */
static void bench_progress_show(void *ctx, const char *format, const char *op)
{
    bench_progress *p = ctx;
    if (!p->on) return;
    char line[512];
    if (format)
        snprintf(line, sizeof line, "[%zu/%zu] %s: %s %s", p->index + 1, p->count, p->path, format, op);
    else
        snprintf(line, sizeof line, "[%zu/%zu] %s: %s", p->index + 1, p->count, p->path, op);
    size_t columns = 80;
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) columns = ws.ws_col;
    /* Cut at a character boundary, one column short so the cursor never wraps. */
    size_t chars = 0, cut = 0;
    for (const unsigned char *c = (const unsigned char *)line; *c; c++) {
        if ((*c & 0xC0) != 0x80 && ++chars >= columns) break;
        cut = (size_t)((const char *)c - line) + 1;
    }
    fprintf(stderr, "\r\033[K%.*s", (int)cut, line);
    fflush(stderr);
    p->shown = true;
}

/* ---- one file ---- */

typedef struct bench_messages {
    const wk_value **items;
    size_t count, cap;
} bench_messages;

static bool bench_messages_add(bench_messages *m, const wk_value *v)
{
    if (m->count == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        const wk_value **items = realloc(m->items, cap * sizeof *items);
        if (!items) return false;
        m->items = items;
        m->cap = cap;
    }
    m->items[m->count++] = v;
    return true;
}

/* Decodes the file's messages into `arena`; prints the error and returns nonzero on failure. */
static int bench_read_messages(const bench_config *cfg, bench_entry *e, const wk_buf *in, wk_arena *arena,
                               bench_messages *msgs, bench_progress *progress)
{
    const wk_format *stream = cli_stream_for_path(e->path);
    const wk_format *fmt = stream ? stream : wk_format_for_path(e->path);
    if (!fmt) fmt = wk_format_sniff(in->data, in->len);
    if (!fmt) {
        bench_progress_clear(progress);
        cli_error("cannot tell the format of '%s'", e->path);
        return CLI_DATA;
    }
    snprintf(e->source, sizeof e->source, "%s", fmt->name);
    e->stream = stream != NULL;
    wk_status st;
    if (!stream) {
        const wk_value *v;
        if (wk_decode(fmt, in->data, in->len, &cfg->settings.dopts, arena, &v, &st) != WK_OK) {
            bench_progress_clear(progress);
            cli_report_decode(e->path, fmt, &st);
            return st.code == WK_ERR_NOMEM ? CLI_IO : CLI_DATA;
        }
        return bench_messages_add(msgs, v) ? CLI_OK : CLI_IO;
    }
    cli_stream_reader reader;
    cli_stream_reader_init(&reader, fmt, in->data, in->len);
    int rc = CLI_OK, got;
    const wk_value *v;
    while ((got = cli_stream_next(&reader, &cfg->settings.dopts, arena, &v, &st)) > 0)
        if (!bench_messages_add(msgs, v)) {
            cli_error("out of memory");
            rc = CLI_IO;
            break;
        }
    if (got < 0) {
        bench_progress_clear(progress);
        cli_stream_report(e->path, &reader, &st);
        rc = st.code == WK_ERR_NOMEM ? CLI_IO : CLI_DATA;
    } else if (rc == CLI_OK && msgs->count == 0) {
        bench_progress_clear(progress);
        fprintf(stderr, "%s: error: the %s holds no message\n", e->path, cli_stream_label(fmt));
        rc = CLI_DATA;
    }
    cli_stream_reader_destroy(&reader);
    return rc;
}

/* ---- Google protobuf benchmark datasets ---- */

/*
 * A dataset file is a benchmarks.BenchmarkDataset (the protobuf benchmarks'
 * benchmarks.proto):
 *
 *   message BenchmarkDataset {
 *     string name = 1; string message_name = 2; repeated bytes payload = 3;
 *   }
 *
 * Three length-delimited fields, read here directly: each payload is a
 * slice of the file, decoded as Protocol Buffers of the type message_name
 * names in the -s schema (or the -m type). Other fields are skipped by
 * their wire type, as protobuf does; groups and malformed input are errors.
 */

typedef struct bench_slice {
    size_t offset, len;
} bench_slice;

typedef struct bench_dataset {
    bench_slice name, message_name;
    bench_slice *payloads;
    size_t count, cap;
} bench_dataset;

/* A varint at *pos: false when it runs past the end or past 10 bytes. */
static bool bench_ds_varint(const uint8_t *d, size_t len, size_t *pos, uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 10; i++) {
        if (*pos >= len) return false;
        uint8_t b = d[(*pos)++];
        if (i == 9 && b > 1) return false;
        v |= (uint64_t)(b & 0x7F) << (7 * i);
        if (!(b & 0x80)) {
            *out = v;
            return true;
        }
    }
    return false;
}

/*
 * Parses data[0..len) as a BenchmarkDataset into ds. On failure returns
 * false with a sentence in why and the byte offset of the fault in *at.
 */
static bool bench_dataset_parse(const uint8_t *d, size_t len, bench_dataset *ds, char *why, size_t cap,
                                size_t *at)
{
    size_t pos = 0;
    while (pos < len) {
        size_t start = pos;
        uint64_t key;
        *at = start;
        if (!bench_ds_varint(d, len, &pos, &key)) {
            snprintf(why, cap, "a field key is cut short or overlong");
            return false;
        }
        uint64_t number = key >> 3;
        unsigned wire = (unsigned)(key & 7);
        if (number == 0 || number > 536870911u) {
            snprintf(why, cap, "field number %llu is out of range", (unsigned long long)number);
            return false;
        }
        if ((number == 1 || number == 2 || number == 3) && wire != 2) {
            snprintf(why, cap, "field %llu has wire type %u, not 2 (length-delimited)", (unsigned long long)number,
                     wire);
            return false;
        }
        uint64_t v;
        switch (wire) {
        case 0:
            if (!bench_ds_varint(d, len, &pos, &v)) {
                snprintf(why, cap, "field %llu: a varint is cut short or overlong", (unsigned long long)number);
                return false;
            }
            continue;
        case 1:
        case 5: {
            size_t n = wire == 1 ? 8 : 4;
            if (len - pos < n) {
                snprintf(why, cap, "field %llu: a fixed-size value runs past the end", (unsigned long long)number);
                return false;
            }
            pos += n;
            continue;
        }
        case 2:
            break;
        default:
            snprintf(why, cap, "field %llu has wire type %u, which a dataset does not use",
                     (unsigned long long)number, wire);
            return false;
        }
        if (!bench_ds_varint(d, len, &pos, &v)) {
            snprintf(why, cap, "field %llu: its length is cut short or overlong", (unsigned long long)number);
            return false;
        }
        if (v > len - pos) {
            snprintf(why, cap, "field %llu: %llu bytes run past the end of the file (%zu left)",
                     (unsigned long long)number, (unsigned long long)v, len - pos);
            return false;
        }
        bench_slice slice = {pos, (size_t)v};
        pos += (size_t)v;
        if (number == 1) {
            ds->name = slice;
        } else if (number == 2) {
            ds->message_name = slice;
        } else if (number == 3) {
            if (ds->count == ds->cap) {
                size_t ncap = ds->cap ? ds->cap * 2 : 16;
                bench_slice *items = realloc(ds->payloads, ncap * sizeof *items);
                if (!items) {
                    snprintf(why, cap, "out of memory");
                    return false;
                }
                ds->payloads = items;
                ds->cap = ncap;
            }
            ds->payloads[ds->count++] = slice;
        }
    }
    return true;
}

/*
 * Reads a dataset file: its payloads, decoded as Protocol Buffers of the
 * dataset's type (or the -m type), are the messages. *type receives it.
 */
static int bench_read_dataset(const bench_config *cfg, bench_entry *e, const wk_buf *in, wk_arena *arena,
                              bench_messages *msgs, const wk_message_def **type, bench_progress *progress)
{
    const char *name = cli_display_name(e->path);
    const wk_format *pb = wk_format_find("protobuf");
    if (!pb) {
        bench_progress_clear(progress);
        cli_error("this build has no Protocol Buffers format");
        return CLI_DATA;
    }
    snprintf(e->source, sizeof e->source, "%s", pb->name);
    e->stream = true;
    e->dataset = true;
    bench_dataset ds = {0};
    char why[256];
    size_t at = 0;
    int rc = CLI_OK;
    if (!bench_dataset_parse(in->data, in->len, &ds, why, sizeof why, &at)) {
        bench_progress_clear(progress);
        fprintf(stderr, "%s: error: at byte %zu: not a valid benchmarks.BenchmarkDataset: %s\n", name, at, why);
        rc = strcmp(why, "out of memory") == 0 ? CLI_IO : CLI_DATA;
        goto done;
    }
    if (ds.count == 0) {
        bench_progress_clear(progress);
        fprintf(stderr, "%s: error: the dataset holds no payload\n", name);
        rc = CLI_DATA;
        goto done;
    }
    if (cfg->message) {
        *type = cfg->settings.dopts.type;
    } else {
        char mname[256];
        if (ds.message_name.len == 0 || ds.message_name.len >= sizeof mname ||
            memchr(in->data + ds.message_name.offset, '\0', ds.message_name.len)) {
            bench_progress_clear(progress);
            fprintf(stderr, "%s: error: the dataset names no usable message type (field 2, message_name); "
                            "name one with -m\n", name);
            rc = CLI_DATA;
            goto done;
        }
        memcpy(mname, in->data + ds.message_name.offset, ds.message_name.len);
        mname[ds.message_name.len] = '\0';
        *type = wk_schema_message(cfg->schema, mname);
        if (!*type) {
            bench_progress_clear(progress);
            fprintf(stderr, "%s: error: the dataset's message type '%s' is not in %s; name one with -m\n", name,
                    mname, cfg->schema_file);
            rc = CLI_DATA;
            goto done;
        }
    }
    wk_decode_opts dopts = cfg->settings.dopts;
    dopts.type = *type;
    for (size_t i = 0; i < ds.count; i++) {
        const wk_value *v;
        wk_status st;
        if (wk_decode(pb, in->data + ds.payloads[i].offset, ds.payloads[i].len, &dopts, arena, &v, &st) != WK_OK) {
            bench_progress_clear(progress);
            fprintf(stderr, "%s: error: at byte %zu: payload %zu: %s\n", name, ds.payloads[i].offset + st.offset,
                    i + 1, st.msg);
            rc = st.code == WK_ERR_NOMEM ? CLI_IO : CLI_DATA;
            goto done;
        }
        if (!bench_messages_add(msgs, v)) {
            cli_error("out of memory");
            rc = CLI_IO;
            goto done;
        }
    }
done:
    free(ds.payloads);
    return rc;
}

static int bench_entry_run(const bench_config *cfg, bench_entry *e, bench_progress *progress)
{
    wk_buf in;
    wk_buf_init(&in);
    bench_progress_show(progress, NULL, "reading");
    int rc = cli_read_file(e->path, &in);
    if (rc != CLI_OK) {
        wk_buf_destroy(&in);
        return rc;
    }
    e->source_bytes = in.len;
    wk_arena *arena = wk_arena_new(in.len);
    bench_messages msgs = {0};
    if (!arena) {
        cli_error("out of memory");
        rc = CLI_IO;
        goto done;
    }
    /* A dataset brings its own type: measure with a copy of the settings that has it. */
    bench_config typed;
    if (cfg->dataset) {
        const wk_message_def *type = NULL;
        rc = bench_read_dataset(cfg, e, &in, arena, &msgs, &type, progress);
        if (rc != CLI_OK) goto done;
        typed = *cfg;
        typed.settings.dopts.type = type;
        cfg = &typed;
        snprintf(e->type, sizeof e->type, "%s", type->full_name);
    } else {
        rc = bench_read_messages(cfg, e, &in, arena, &msgs, progress);
        if (rc != CLI_OK) goto done;
    }
    e->messages = msgs.count;
    /* The compact JSON size is the yardstick for comparing formats on these messages. */
    const wk_format *json = wk_format_find("json");
    if (json) {
        bench_cell probe;
        bench_progress_show(progress, "json", "size");
        bench_measure_cell(&cfg->settings, json, msgs.items, msgs.count, false, &probe);
        e->json_bytes = probe.ok ? probe.bytes : 0;
    }
    for (size_t f = 0; f < cfg->nformats; f++)
        bench_measure_cell(&cfg->settings, cfg->formats[f], msgs.items, msgs.count, true, &e->cells[f]);
done:
    free(msgs.items);
    wk_arena_free(arena);
    wk_buf_destroy(&in);
    return rc;
}

/* ---- the command ---- */

static void bench_help(FILE *out)
{
    fputs("Usage: wirekit bench [OPTIONS] PATH...\n"
          "\n"
          "Measures, for every message file (folders are walked for files whose\n"
          "extension names a format or a stream) and every format: the encoded size,\n"
          "its zlib and zstd compressed sizes, encode time, decode time to the model,\n"
          "the backend library's parse-only time and the arena bytes per decode, each\n"
          "time as a median with its spread. Each message's round trip through each\n"
          "format is verified before it is timed; a format that cannot carry a message\n"
          "says so. A JSON Lines file (.jsonl, .ndjson), a MessagePack stream\n"
          "(.msgpack-stream, .mpstream) or a Protocol Buffers stream (.pbstream,\n"
          ".pb-stream: each message after its length as a varint; needs -s) counts\n"
          "as one file of many messages.\n"
          "\n"
          "Options:\n"
          "  --formats LIST        comma-separated formats to measure (default: all)\n"
          "  --min-time S          measuring time per cell in seconds (default 0.2)\n"
          "  --max-depth N         nesting limit for decoding (default 512)\n"
          "  -s, --schema FILE     typed messages of a .proto schema, in every format\n"
          "                        (Protocol Buffers needs one). Without -s, a folder's\n"
          "                        corpus.txt may name the schema and each file's type\n"
          "                        (see corpus/README.md)\n"
          "  -m, --message TYPE    the message type (default: the file's only one)\n"
          "  -I DIR                a folder to search for the schema's imports\n"
          "  --dataset             each file is a Google protobuf benchmark dataset (a\n"
          "                        benchmarks.BenchmarkDataset; folders are walked for\n"
          "                        dataset.*.pb): its payloads are the file's messages,\n"
          "                        Protocol Buffers of its message_name type in the -s\n"
          "                        schema (-m overrides)\n"
          "  --output FORM         table (default), csv, json or markdown\n"
          "  -o, --output-file F   write the report to F (atomically) instead of stdout\n"
          "  --chart FILE.svg      also draw an SVG chart of sizes and decode times\n"
          "  --compare BASE.json   report this run against a saved JSON report: the\n"
          "                        ratio now/base per cell, flagged (!) where it moved\n"
          "                        by more than the spread of both runs\n"
          "  --from-report R.json  use a saved JSON report instead of measuring (to\n"
          "                        render it in another form, chart or compare it)\n"
          "  -h, --help            show this help\n"
          "\n"
          "The CSV and JSON forms are documented in docs/bench-output.md. A progress\n"
          "line is shown on standard error when it is a terminal.\n"
          "\n"
          "Exit status: 0 done; 1 a message could not be decoded; 2 bad usage;\n"
          "3 a file could not be read or written.\n"
          "\n"
          "Examples:\n"
          "  wirekit bench --formats json,msgpack --min-time 1 corpus/\n"
          "  wirekit bench --output json -o base.json corpus/\n"
          "  wirekit bench --compare base.json --chart bench.svg corpus/\n"
          "  wirekit bench --dataset -s benchmark_message2.proto dataset.google_message2.pb\n", out);
}

static int bench_parse_formats(bench_config *cfg, const char *list)
{
    cfg->nformats = 0;
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        char name[64];
        if (n == 0 || n >= sizeof name)
            return cli_usage_error("bench", "bad format list '%s'", list);
        memcpy(name, p, n);
        name[n] = '\0';
        const wk_format *f = wk_format_find(name);
        if (!f) return cli_usage_error("bench", "unknown format '%s' (see 'wirekit formats')", name);
        bool dup = false;
        for (size_t i = 0; i < cfg->nformats; i++) dup |= cfg->formats[i] == f;
        if (!dup) {
            if (cfg->nformats == BENCH_MAX_FORMATS) return cli_usage_error("bench", "too many formats");
            cfg->formats[cfg->nformats++] = f;
        }
        p += n;
        if (*p == ',') p++;
    }
    if (!cfg->nformats) return cli_usage_error("bench", "--formats names no format");
    return CLI_OK;
}

/* The command line as a shell would take it back: "wirekit bench ...". */
static void bench_command_line(char *out, size_t cap, int argc, char **argv)
{
    size_t len = (size_t)snprintf(out, cap, "wirekit bench");
    for (int i = 1; i < argc && len < cap; i++) {
        const char *a = argv[i];
        bool plain = *a != '\0' && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                             "0123456789_./,=:+-@%") == strlen(a);
        if (plain) {
            len += (size_t)snprintf(out + len, cap - len, " %s", a);
            continue;
        }
        len += (size_t)snprintf(out + len, cap - len, " '");
        for (const char *c = a; *c && len < cap; c++)
            len += (size_t)(*c == '\'' ? snprintf(out + len, cap - len, "'\\''")
                                       : snprintf(out + len, cap - len, "%c", *c));
        if (len < cap) len += (size_t)snprintf(out + len, cap - len, "'");
    }
}

/* Reads a saved JSON report; prints the reason and returns nonzero on failure. */
static int bench_load(const char *path, bench_result *r)
{
    wk_buf in;
    wk_buf_init(&in);
    int rc = cli_read_file(path, &in);
    if (rc == CLI_OK) {
        char why[WK_STATUS_MSG_MAX + 64];
        if (!bench_result_load(in.data, in.len, r, why, sizeof why)) {
            fprintf(stderr, "%s: error: %s\n", cli_display_name(path), why);
            rc = CLI_DATA;
        }
    }
    wk_buf_destroy(&in);
    return rc;
}

/* ---- corpus folders that name their schema (corpus.txt, see manifest.h) ---- */

typedef struct bench_folder {
    char *dir;                 /* the folder the rest describes; NULL before the first */
    bool bad;                  /* its manifest or schema failed (reported once) */
    cli_manifest manifest;
    wk_schema *schema;
} bench_folder;

static void bench_folder_free(bench_folder *c)
{
    free(c->dir);
    cli_manifest_free(&c->manifest);
    wk_schema_free(c->schema);
    memset(c, 0, sizeof *c);
}

/* Reads the folder's corpus.txt, when there is one, and loads the schema it names. */
static int bench_folder_load(bench_folder *c, const char *dir, size_t dir_len)
{
    char *path = bench_join(dir, dir_len, CLI_MANIFEST_NAME);
    if (!path) return CLI_IO;
    struct stat sb;
    if (stat(path, &sb) != 0) {
        free(path);
        return CLI_OK;
    }
    wk_buf text;
    wk_buf_init(&text);
    int rc = cli_read_file(path, &text);
    unsigned line;
    char why[256];
    if (rc == CLI_OK && !cli_manifest_parse((const char *)text.data, text.len, &c->manifest, &line, why, sizeof why)) {
        if (line)
            fprintf(stderr, "%s:%u: error: %s\n", cli_display_name(path), line, why);
        else
            fprintf(stderr, "%s: error: %s\n", cli_display_name(path), why);
        rc = CLI_DATA;
    }
    wk_buf_destroy(&text);
    if (rc == CLI_OK && c->manifest.schema) {
        char *schema = bench_join(dir, dir_len, c->manifest.schema);
        char *inc[CLI_MANIFEST_MAX_INCLUDES] = {0};
        size_t ninc = c->manifest.include_count;
        for (size_t i = 0; i < ninc; i++) inc[i] = bench_join(dir, dir_len, c->manifest.includes[i]);
        bool ok = schema != NULL;
        for (size_t i = 0; i < ninc; i++) ok &= inc[i] != NULL;
        rc = ok ? cli_open_schema(schema, (const char *const *)inc, ninc, &c->schema) : CLI_IO;
        free(schema);
        for (size_t i = 0; i < ninc; i++) free(inc[i]);
    }
    free(path);
    return rc;
}

/*
 * The message type a file's folder names for it, or NULL (*type) when the
 * folder has no corpus.txt or no line for the file. The folder's manifest
 * and schema are kept in c while the files of one folder follow each other.
 */
static int bench_folder_type(bench_folder *c, const char *path, const wk_message_def **type)
{
    *type = NULL;
    const char *slash = strrchr(path, '/');
    const char *dir = slash ? path : ".";
    size_t dir_len = slash ? (size_t)(slash - path) : 1;
    if (slash && dir_len == 0) dir_len = 1;   /* a file in "/" */
    if (!c->dir || strlen(c->dir) != dir_len || memcmp(c->dir, dir, dir_len) != 0) {
        bench_folder_free(c);
        c->dir = malloc(dir_len + 1);
        if (!c->dir) return CLI_IO;
        memcpy(c->dir, dir, dir_len);
        c->dir[dir_len] = '\0';
        c->bad = bench_folder_load(c, dir, dir_len) != CLI_OK;
    }
    if (c->bad) return CLI_DATA;
    const char *name = cli_manifest_type_of(&c->manifest, slash ? slash + 1 : path);
    if (!name) return CLI_OK;
    *type = wk_schema_message(c->schema, name);
    if (!*type) {
        fprintf(stderr, "%s/%s: error: no message '%s' in %s\n", cli_display_name(c->dir), CLI_MANIFEST_NAME, name,
                c->manifest.schema);
        return CLI_DATA;
    }
    return CLI_OK;
}

static int bench_measure_all(const bench_config *cfg, const bench_paths *inputs, bench_result *r)
{
    r->entries = calloc(inputs->count, sizeof *r->entries);
    if (!r->entries) {
        cli_error("out of memory");
        return CLI_IO;
    }
    bench_progress progress = {0};
    progress.on = isatty(STDERR_FILENO) == 1;
    progress.count = inputs->count;
    bench_settings settings = cfg->settings;
    settings.progress = bench_progress_show;
    settings.progress_ctx = &progress;
    bench_config run = *cfg;
    run.settings = settings;
    bench_folder folder = {0};
    int rc = CLI_OK;
    for (size_t i = 0; i < inputs->count; i++) {
        bench_entry *e = &r->entries[r->nentries++];
        e->path = strdup(inputs->items[i]);
        if (!e->path) {
            e->failed = true;
            cli_error("out of memory");
            rc = CLI_IO;
            break;
        }
        progress.index = i;
        progress.path = e->path;
        /* Without -s, a folder's corpus.txt may name the file's schema and type. */
        const wk_message_def *type = NULL;
        int one = cfg->schema_file || cfg->dataset ? CLI_OK : bench_folder_type(&folder, e->path, &type);
        if (one == CLI_OK) {
            bench_config typed = run;
            if (type) typed.settings.dopts.type = type;
            if (typed.settings.dopts.type)
                snprintf(e->type, sizeof e->type, "%s", typed.settings.dopts.type->full_name);
            one = bench_entry_run(&typed, e, &progress);
        }
        if (one != CLI_OK) {
            e->failed = true;
            if (rc == CLI_OK) rc = one;
        }
    }
    bench_progress_clear(&progress);
    bench_folder_free(&folder);
    return rc;
}

/* Writes the report (or the comparison) and the chart. */
static int bench_emit(const bench_config *cfg, const bench_result *base, const bench_result *r)
{
    wk_buf out;
    wk_buf_init(&out);
    wk_code wrc = base ? bench_compare_write(base, r, cfg->form, &out, NULL) : bench_report_write(r, cfg->form, &out);
    int rc = CLI_OK;
    if (wrc != WK_OK) {
        cli_error("out of memory");
        rc = CLI_IO;
    }
    if (rc == CLI_OK) rc = cli_write_file(cfg->output_file, out.data, out.len);
    if (rc == CLI_OK && cfg->chart_file) {
        wk_buf_clear(&out);
        if (bench_chart_write(r, &out) != WK_OK) {
            cli_error("out of memory");
            rc = CLI_IO;
        } else {
            rc = cli_write_file(cfg->chart_file, out.data, out.len);
        }
    }
    wk_buf_destroy(&out);
    return rc;
}

static int bench_option(bench_config *cfg, int argc, char **argv, int *i, bool *matched)
{
    const char *value;
    int m;
    *matched = true;
    if ((m = cli_opt_value(argc, argv, i, "--formats", NULL, &value, "bench")) != 0)
        return m < 0 ? CLI_USAGE : bench_parse_formats(cfg, value);
    if ((m = cli_opt_value(argc, argv, i, "--min-time", NULL, &value, "bench")) != 0) {
        if (m < 0) return CLI_USAGE;
        char *end;
        double t = strtod(value, &end);
        if (*value == '\0' || *end != '\0' || !(t > 0 && t <= 3600))
            return cli_usage_error("bench", "--min-time takes seconds between 0 and 3600, not '%s'", value);
        cfg->settings.min_time = t;
        return CLI_OK;
    }
    if ((m = cli_opt_value(argc, argv, i, "--max-depth", NULL, &value, "bench")) != 0) {
        unsigned long long n;
        if (m < 0) return CLI_USAGE;
        if (!cli_parse_uint(value, WK_MAX_DEPTH_LIMIT, &n) || n == 0)
            return cli_usage_error("bench", "--max-depth takes a number from 1 to %d, not '%s'", WK_MAX_DEPTH_LIMIT,
                                   value);
        cfg->settings.dopts.max_depth = cfg->settings.eopts.max_depth = (uint32_t)n;
        return CLI_OK;
    }
    if ((m = cli_opt_value(argc, argv, i, "--output", NULL, &value, "bench")) != 0) {
        if (m < 0) return CLI_USAGE;
        if (!bench_output_parse(value, &cfg->form))
            return cli_usage_error("bench", "--output takes table, csv, json or markdown, not '%s'", value);
        return CLI_OK;
    }
    if ((m = cli_opt_value(argc, argv, i, "--output-file", "-o", &value, "bench")) != 0) {
        if (m < 0) return CLI_USAGE;
        cfg->output_file = value;
        return CLI_OK;
    }
    if ((m = cli_opt_value(argc, argv, i, "--chart", NULL, &value, "bench")) != 0) {
        if (m < 0) return CLI_USAGE;
        cfg->chart_file = value;
        return CLI_OK;
    }
    if ((m = cli_opt_value(argc, argv, i, "--compare", NULL, &value, "bench")) != 0) {
        if (m < 0) return CLI_USAGE;
        cfg->compare_file = value;
        return CLI_OK;
    }
    if ((m = cli_opt_value(argc, argv, i, "--schema", "-s", &value, "bench")) != 0) {
        if (m < 0) return CLI_USAGE;
        cfg->schema_file = value;
        return CLI_OK;
    }
    if ((m = cli_opt_value(argc, argv, i, "--message", "-m", &value, "bench")) != 0) {
        if (m < 0) return CLI_USAGE;
        cfg->message = value;
        return CLI_OK;
    }
    /* -I DIR, -IDIR, --include DIR, --include=DIR */
    if (strncmp(argv[*i], "-I", 2) == 0 && argv[*i][2] != '\0') {
        value = argv[*i] + 2;
        m = 1;
    } else {
        m = cli_opt_value(argc, argv, i, "--include", "-I", &value, "bench");
    }
    if (m != 0) {
        if (m < 0) return CLI_USAGE;
        if (cfg->include_count == sizeof cfg->includes / sizeof cfg->includes[0])
            return cli_usage_error("bench", "at most %zu -I folders", sizeof cfg->includes / sizeof cfg->includes[0]);
        cfg->includes[cfg->include_count++] = value;
        return CLI_OK;
    }
    if (strcmp(argv[*i], "--dataset") == 0) {
        cfg->dataset = true;
        return CLI_OK;
    }
    if ((m = cli_opt_value(argc, argv, i, "--from-report", NULL, &value, "bench")) != 0) {
        if (m < 0) return CLI_USAGE;
        cfg->report_file = value;
        return CLI_OK;
    }
    *matched = false;
    return CLI_OK;
}

int cli_bench(int argc, char **argv)
{
    bench_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.settings.min_time = BENCH_DEFAULT_MIN_TIME;
    cfg.form = BENCH_OUT_TABLE;
    for (const wk_format *const *f = wk_formats(); *f && cfg.nformats < BENCH_MAX_FORMATS; f++)
        cfg.formats[cfg.nformats++] = *f;

    bench_paths inputs = {0};
    bench_result result, base;
    memset(&result, 0, sizeof result);
    memset(&base, 0, sizeof base);
    bool named = false;   /* a file or folder was given */
    wk_schema *schema = NULL;
    int rc = CLI_OK;
    /* --dataset changes what a folder walk picks, wherever it stands. */
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--dataset") == 0) cfg.dataset = true;
    for (int i = 1; i < argc && rc == CLI_OK; i++) {
        const char *arg = argv[i];
        bool matched;
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            bench_help(stdout);
            goto out;
        }
        rc = bench_option(&cfg, argc, argv, &i, &matched);
        if (matched) continue;
        if (arg[0] == '-' && arg[1] != '\0') {
            rc = cli_usage_error("bench", "unknown option '%s'", arg);
        } else {
            struct stat sb;
            named = true;
            if (stat(arg, &sb) != 0) {
                cli_error("cannot open '%s': %s", arg, strerror(errno));
                rc = CLI_IO;
            } else if (S_ISDIR(sb.st_mode)) {
                rc = bench_walk(&inputs, arg, 0, cfg.dataset);
            } else if (!bench_paths_add(&inputs, arg)) {
                rc = CLI_IO;
            }
        }
    }
    if (rc != CLI_OK) goto out;
    if (cfg.report_file && named) {
        rc = cli_usage_error("bench", "--from-report takes the place of files to measure; name no PATH");
        goto out;
    }
    if (!named && !cfg.report_file) {
        rc = cli_usage_error("bench", "name at least one file or folder");
        goto out;
    }
    if (named && inputs.count == 0) {
        cli_error("no message files found (files are recognised by their extension)");
        rc = CLI_DATA;
        goto out;
    }
    if (!cfg.schema_file && (cfg.message || cfg.include_count)) {
        rc = cli_usage_error("bench", "-m and -I go with a schema (-s FILE.proto)");
        goto out;
    }
    if (cfg.dataset && !cfg.schema_file) {
        rc = cli_usage_error("bench", "--dataset needs the schema of the dataset's messages (-s FILE.proto)");
        goto out;
    }
    if (cfg.dataset && !cfg.message) {
        /* Each dataset names its type, looked up in the schema as it is read. */
        rc = cli_open_schema(cfg.schema_file, cfg.includes, cfg.include_count, &schema);
        if (rc != CLI_OK) goto out;
    } else if (cfg.schema_file) {
        /* Every message is then read and written as that type, in every format. */
        rc = cli_load_schema("bench", cfg.schema_file, cfg.includes, cfg.include_count, cfg.message,
                             &schema, &cfg.settings.dopts.type);
        if (rc != CLI_OK) goto out;
    }
    cfg.schema = schema;
    /* A bad baseline should stop the run before it starts, not after. */
    if (cfg.compare_file && (rc = bench_load(cfg.compare_file, &base)) != CLI_OK) goto out;

    if (cfg.report_file) {
        rc = bench_load(cfg.report_file, &result);
        if (rc != CLI_OK) goto out;
    } else {
        bench_env_detect(&result.env);
        bench_command_line(result.command, sizeof result.command, argc, argv);
        result.min_time = cfg.settings.min_time;
        result.nformats = cfg.nformats;
        for (size_t f = 0; f < cfg.nformats; f++) {
            snprintf(result.formats[f].name, sizeof result.formats[f].name, "%s", cfg.formats[f]->name);
            snprintf(result.formats[f].backend, sizeof result.formats[f].backend, "%s",
                     cfg.formats[f]->backend_version ? cfg.formats[f]->backend_version() : "unknown");
        }
        /* A file that cannot be read or decoded is reported and left out;
         * the others still make a report. */
        rc = bench_measure_all(&cfg, &inputs, &result);
    }
    int emitted = bench_emit(&cfg, cfg.compare_file ? &base : NULL, &result);
    if (emitted != CLI_OK) rc = emitted;
out:
    bench_paths_free(&inputs);
    bench_result_free(&result);
    bench_result_free(&base);
    wk_schema_free(schema);
    return rc;
}
