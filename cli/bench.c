/*
 * wirekit bench: what each format costs on sample messages.
 *
 * For every message file (folders are walked) and every format: the encoded
 * size, the time to encode the message, to decode it back to the model, and
 * to run the backend library alone over the same bytes (parse-only), and the
 * arena bytes a decode uses. Each message is first decoded from its own
 * format; its round trip through every format is verified (decode(encode(m))
 * equals m exactly) before anything is timed, and a format that cannot
 * carry a message says so instead of giving a number.
 *
 * Timing: an operation is repeated in batches long enough for the clock
 * (calibrated per cell), after a warm-up; batches are collected until the
 * minimum time has passed (and at least BENCH_MIN_SAMPLES were taken). The
 * report gives the median time per operation and the median absolute
 * deviation as a percentage of it, so that a noisy machine shows.
 */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef WK_BUILD_TYPE
#define WK_BUILD_TYPE "unknown"
#endif

#define BENCH_MAX_FORMATS 16
#define BENCH_MIN_SAMPLES 7
#define BENCH_MAX_SAMPLES 2000
#define BENCH_MAX_WALK_DEPTH 32

typedef struct bench_stat {
    double median;    /* seconds per operation */
    double mad;       /* median absolute deviation, seconds */
    size_t samples;
    bool ok;
} bench_stat;

typedef struct bench_cell {
    const wk_format *fmt;
    bool ok;
    char why[320];        /* why the format cannot carry the message */
    size_t size;          /* encoded bytes */
    size_t arena_bytes;   /* arena bytes one decode uses */
    bench_stat encode, decode, parse;
} bench_cell;

typedef struct bench_message {
    char *path;
    const wk_format *source;
    size_t source_size;
    size_t json_size;     /* 0 when JSON cannot carry it */
    bench_cell cells[BENCH_MAX_FORMATS];
} bench_message;

typedef struct bench_config {
    const wk_format *formats[BENCH_MAX_FORMATS];
    size_t nformats;
    double min_time;
    wk_decode_opts dopts;
    wk_encode_opts eopts;
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

static int bench_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Adds the message files under a folder, in name order: files whose
 * extension names a format. Hidden files and folders are skipped.
 */
static int bench_walk(bench_paths *p, const char *dir, int depth)
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
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *full = malloc(n);
        if (!full) { rc = CLI_IO; break; }
        snprintf(full, n, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
        if (!bench_paths_add(&local, full)) rc = CLI_IO;
        free(full);
        if (rc) break;
    }
    closedir(d);
    qsort(local.items, local.count, sizeof *local.items, bench_cmp_str);
    for (size_t i = 0; i < local.count && rc == CLI_OK; i++) {
        struct stat sb;
        if (stat(local.items[i], &sb) != 0) continue;
        if (S_ISDIR(sb.st_mode)) rc = bench_walk(p, local.items[i], depth + 1);
        else if (S_ISREG(sb.st_mode) && wk_format_for_path(local.items[i]))
            if (!bench_paths_add(p, local.items[i])) rc = CLI_IO;
    }
    for (size_t i = 0; i < local.count; i++) free(local.items[i]);
    free(local.items);
    return rc;
}

/* ---- timing ---- */

static double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef enum { BENCH_ENCODE, BENCH_DECODE, BENCH_PARSE } bench_op;

typedef struct bench_job {
    bench_op op;
    const wk_format *fmt;
    const wk_value *value;        /* BENCH_ENCODE */
    const uint8_t *bytes;         /* BENCH_DECODE, BENCH_PARSE */
    size_t len;
    wk_buf *buf;
    wk_arena *arena;
    const bench_config *cfg;
} bench_job;

static bool bench_run(const bench_job *j, size_t times)
{
    for (size_t k = 0; k < times; k++) {
        wk_code rc;
        const wk_value *v;
        switch (j->op) {
        case BENCH_ENCODE:
            wk_buf_clear(j->buf);
            rc = wk_encode(j->fmt, j->value, &j->cfg->eopts, j->buf, NULL);
            break;
        case BENCH_DECODE:
            wk_arena_reset(j->arena);
            rc = wk_decode(j->fmt, j->bytes, j->len, &j->cfg->dopts, j->arena, &v, NULL);
            break;
        default:
            rc = wk_parse_only(j->fmt, j->bytes, j->len, &j->cfg->dopts, NULL);
            break;
        }
        if (rc != WK_OK) return false;
    }
    return true;
}

static int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double bench_median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, bench_cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * Times one operation: calibrates a batch size that takes at least a
 * fiftieth of the minimum time (and a millisecond), warms up, then samples
 * batches until the minimum time has passed.
 */
static bench_stat bench_measure(const bench_job *j, double min_time)
{
    bench_stat s = {0};
    double target = min_time / 50 > 1e-3 ? min_time / 50 : 1e-3;
    size_t batch = 1;
    double t;
    for (;;) {
        double t0 = bench_now();
        if (!bench_run(j, batch)) return s;
        t = bench_now() - t0;
        if (t >= target || batch >= ((size_t)1 << 30)) break;
        size_t grow = t > 0 ? (size_t)(target / t * 1.2) + 1 : 16;
        batch *= grow < 2 ? 2 : (grow > 16 ? 16 : grow);
    }
    /* Warm-up: a fifth of the measuring time, so caches and the allocator settle. */
    double warm_end = bench_now() + min_time / 5;
    while (bench_now() < warm_end)
        if (!bench_run(j, batch)) return s;

    double samples[BENCH_MAX_SAMPLES];
    size_t n = 0;
    double start = bench_now();
    while (n < BENCH_MAX_SAMPLES && (n < BENCH_MIN_SAMPLES || bench_now() - start < min_time)) {
        double t0 = bench_now();
        if (!bench_run(j, batch)) return s;
        samples[n++] = (bench_now() - t0) / (double)batch;
    }
    s.median = bench_median(samples, n);
    for (size_t i = 0; i < n; i++) samples[i] = fabs(samples[i] - s.median);
    s.mad = bench_median(samples, n);
    s.samples = n;
    s.ok = true;
    return s;
}

/* ---- one message ---- */

static void bench_cell_fail(bench_cell *c, const char *why, const char *detail)
{
    c->ok = false;
    snprintf(c->why, sizeof c->why, "%s%s%s", why, detail && *detail ? ": " : "", detail ? detail : "");
}

/* Verifies the round trip through one format, then times it. */
static void bench_format(const bench_config *cfg, const wk_value *model, bench_cell *c,
                         bool measure)
{
    wk_buf bytes;
    wk_buf_init(&bytes);
    wk_buf scratch;
    wk_buf_init(&scratch);
    wk_arena *arena = wk_arena_new(0);
    wk_status st;
    const wk_value *back;
    if (!arena) {
        bench_cell_fail(c, "out of memory", NULL);
        goto done;
    }
    if (wk_encode(c->fmt, model, &cfg->eopts, &bytes, &st) != WK_OK) {
        bench_cell_fail(c, "cannot encode", st.msg);
        goto done;
    }
    c->size = bytes.len;
    if (wk_decode(c->fmt, bytes.data, bytes.len, &cfg->dopts, arena, &back, &st) != WK_OK) {
        bench_cell_fail(c, "cannot decode its own encoding", st.msg);
        goto done;
    }
    if (!wk_value_equal(model, back)) {
        bench_cell_fail(c, "not lossless", "the decoded value differs from the message");
        goto done;
    }
    c->arena_bytes = wk_arena_used(arena);
    c->ok = true;
    if (!measure) goto done;

    bench_job job = {BENCH_ENCODE, c->fmt, model, bytes.data, bytes.len, &scratch, arena, cfg};
    c->encode = bench_measure(&job, cfg->min_time);
    job.op = BENCH_DECODE;
    c->decode = bench_measure(&job, cfg->min_time);
    job.op = BENCH_PARSE;
    c->parse = bench_measure(&job, cfg->min_time);
done:
    wk_arena_free(arena);
    wk_buf_destroy(&bytes);
    wk_buf_destroy(&scratch);
}

static int bench_message_run(const bench_config *cfg, bench_message *m)
{
    wk_buf in;
    wk_buf_init(&in);
    int rc = cli_read_file(m->path, &in);
    if (rc != CLI_OK) return rc;
    m->source = wk_format_for_path(m->path);
    if (!m->source) m->source = wk_format_sniff(in.data, in.len);
    if (!m->source) {
        cli_error("cannot tell the format of '%s'", m->path);
        wk_buf_destroy(&in);
        return CLI_DATA;
    }
    m->source_size = in.len;
    wk_arena *arena = wk_arena_new(in.len);
    if (!arena) {
        wk_buf_destroy(&in);
        cli_error("out of memory");
        return CLI_IO;
    }
    const wk_value *model;
    wk_status st;
    if (wk_decode(m->source, in.data, in.len, &cfg->dopts, arena, &model, &st) != WK_OK) {
        cli_report_decode(m->path, m->source, &st);
        wk_arena_free(arena);
        wk_buf_destroy(&in);
        return CLI_DATA;
    }
    /* The JSON size is the yardstick for comparing formats on one message. */
    const wk_format *json = wk_format_find("json");
    m->json_size = 0;
    if (json) {
        bench_cell probe = {.fmt = json};
        bench_format(cfg, model, &probe, false);
        if (probe.ok) m->json_size = probe.size;
    }
    for (size_t i = 0; i < cfg->nformats; i++) {
        m->cells[i].fmt = cfg->formats[i];
        bench_format(cfg, model, &m->cells[i], true);
    }
    wk_arena_free(arena);
    wk_buf_destroy(&in);
    return CLI_OK;
}

/* ---- the report ---- */

static void bench_time(char *out, size_t cap, const bench_stat *s)
{
    if (!s->ok) {
        snprintf(out, cap, "failed");
        return;
    }
    double us = s->median * 1e6;
    double pct = s->median > 0 ? s->mad / s->median * 100 : 0;
    if (us >= 100000) snprintf(out, cap, "%.1f ms ±%.1f%%", us / 1000, pct);
    else if (us >= 100) snprintf(out, cap, "%.0f µs ±%.1f%%", us, pct);
    else snprintf(out, cap, "%.2f µs ±%.1f%%", us, pct);
}

/*
 * Prints text padded to `width` columns (negative: left-aligned), counting
 * characters rather than bytes, so that "µs", "±" and "×" line up.
 */
static void bench_cell_print(const char *text, int width)
{
    int chars = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if ((*p & 0xC0) != 0x80) chars++;
    int pad = (width < 0 ? -width : width) - chars;
    if (width > 0)
        for (int i = 0; i < pad; i++) putchar(' ');
    fputs(text, stdout);
    if (width < 0)
        for (int i = 0; i < pad; i++) putchar(' ');
}

static double bench_mbps(size_t bytes, const bench_stat *s)
{
    return s->ok && s->median > 0 ? (double)bytes / s->median / 1e6 : 0;
}

static void bench_machine(const bench_config *cfg)
{
    char cpu[128] = "unknown CPU";
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "model name", 10) == 0) {
                const char *colon = strchr(line, ':');
                if (colon) {
                    snprintf(cpu, sizeof cpu, "%s", colon + 2);
                    cpu[strcspn(cpu, "\n")] = '\0';
                }
                break;
            }
        }
        fclose(f);
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    printf("machine: %s, %ld cores\n", cpu, cores);
#ifdef __VERSION__
    printf("build:   wirekit %s, %s, compiler %s\n", wk_version(), WK_BUILD_TYPE, __VERSION__);
#else
    printf("build:   wirekit %s, %s\n", wk_version(), WK_BUILD_TYPE);
#endif
    printf("formats:");
    for (size_t i = 0; i < cfg->nformats; i++)
        printf(" %s (%s)%s", cfg->formats[i]->name,
               cfg->formats[i]->backend_version ? cfg->formats[i]->backend_version() : "?",
               i + 1 < cfg->nformats ? "," : "\n");
    printf("method:  median time per operation ±median absolute deviation, batches after a\n"
           "         warm-up for at least %.2f s per cell; MB/s = 10^6 bytes of the format's own\n"
           "         encoding per second; parse-only = the backend library alone; dec/parse =\n"
           "         decode-to-model throughput as a share of parse-only; arena = bytes a decode\n"
           "         keeps, as a multiple of its input\n", cfg->min_time);
}

/* Column widths of the per-message table; negative is left-aligned. */
static const int bench_columns[] = {-8, 10, 6, -18, -18, -18, 9, 9, 9, 7};

static void bench_row(const char *const cells[10])
{
    fputs("  ", stdout);
    for (int i = 0; i < 10; i++) {
        if (i) putchar(' ');
        bench_cell_print(cells[i], bench_columns[i]);
    }
    putchar('\n');
}

static void bench_print_message(const bench_config *cfg, const bench_message *m)
{
    printf("\n%s (%s, %zu bytes)\n", m->path, m->source->name, m->source_size);
    static const char *const head[10] = {"format", "bytes", "×json", "encode", "decode",
                                         "parse-only", "enc MB/s", "dec MB/s", "dec/parse", "arena"};
    bench_row(head);
    for (size_t i = 0; i < cfg->nformats; i++) {
        const bench_cell *c = &m->cells[i];
        if (!c->ok) {
            printf("  %-8s %s\n", c->fmt->name, c->why);
            continue;
        }
        char bytes[24], ratio[16] = "-", enc[40], dec[40], par[40], enc_mbps[16], dec_mbps_s[16],
             share[16] = "-", arena[24];
        snprintf(bytes, sizeof bytes, "%zu", c->size);
        if (m->json_size) snprintf(ratio, sizeof ratio, "%.2f", (double)c->size / (double)m->json_size);
        bench_time(enc, sizeof enc, &c->encode);
        bench_time(dec, sizeof dec, &c->decode);
        bench_time(par, sizeof par, &c->parse);
        double dec_mbps = bench_mbps(c->size, &c->decode);
        double par_mbps = bench_mbps(c->size, &c->parse);
        snprintf(enc_mbps, sizeof enc_mbps, "%.1f", bench_mbps(c->size, &c->encode));
        snprintf(dec_mbps_s, sizeof dec_mbps_s, "%.1f", dec_mbps);
        if (par_mbps > 0) snprintf(share, sizeof share, "%.0f%%", dec_mbps / par_mbps * 100);
        snprintf(arena, sizeof arena, "%.2f×", c->size ? (double)c->arena_bytes / (double)c->size : 0.0);
        const char *const row[10] = {c->fmt->name, bytes, ratio, enc, dec, par, enc_mbps, dec_mbps_s, share, arena};
        bench_row(row);
    }
}

/* Totals per format over every message that format could carry. */
static void bench_print_summary(const bench_config *cfg, const bench_message *msgs, size_t n)
{
    printf("\nall messages (per format: sums over the messages it can carry; MB/s of JSON = the\n"
           "JSON-equivalent bytes per second, comparing formats on the same messages)\n");
    printf("  %-8s %8s %12s %8s %11s %11s %11s %13s\n", "format", "messages", "bytes", "x json",
           "enc MB/s", "dec MB/s", "parse MB/s", "dec MB/s json");
    for (size_t f = 0; f < cfg->nformats; f++) {
        size_t count = 0, bytes = 0, json = 0;
        double enc = 0, dec = 0, par = 0;
        bool json_all = true;
        for (size_t i = 0; i < n; i++) {
            const bench_cell *c = &msgs[i].cells[f];
            if (!msgs[i].source || !c->ok || !c->decode.ok) continue;
            count++;
            bytes += c->size;
            if (msgs[i].json_size) json += msgs[i].json_size;
            else json_all = false;
            enc += c->encode.median;
            dec += c->decode.median;
            par += c->parse.median;
        }
        if (!count) {
            printf("  %-8s %8s\n", cfg->formats[f]->name, "0");
            continue;
        }
        char ratio[16] = "-", jrate[16] = "-";
        if (json_all && json) {
            snprintf(ratio, sizeof ratio, "%.2f", (double)bytes / (double)json);
            snprintf(jrate, sizeof jrate, "%.1f", (double)json / dec / 1e6);
        }
        printf("  %-8s %8zu %12zu %8s %11.1f %11.1f %11.1f %13s\n", cfg->formats[f]->name, count,
               bytes, ratio, (double)bytes / enc / 1e6, (double)bytes / dec / 1e6,
               par > 0 ? (double)bytes / par / 1e6 : 0.0, jrate);
    }
}

/* ---- the command ---- */

static void bench_help(FILE *out)
{
    fputs("Usage: wirekit bench [OPTIONS] PATH...\n"
          "\n"
          "Measures, for every message file (folders are walked for files whose\n"
          "extension names a format) and every format: the encoded size, encode time,\n"
          "decode time to the model, the backend library's parse-only time and the\n"
          "arena bytes per decode. Each message's round trip through each format is\n"
          "verified before it is timed; a format that cannot carry a message says so.\n"
          "\n"
          "Options:\n"
          "  --formats LIST   comma-separated formats to measure (default: all)\n"
          "  --min-time S     measuring time per cell in seconds (default 0.25)\n"
          "  --max-depth N    nesting limit for decoding (default 512)\n"
          "  -h, --help       show this help\n"
          "\n"
          "Exit status: 0 done; 1 a message could not be decoded; 2 bad usage;\n"
          "3 a file could not be read.\n"
          "\n"
          "Example:\n"
          "  wirekit bench --formats json,msgpack --min-time 1 corpus/\n", out);
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

int cli_bench(int argc, char **argv)
{
    bench_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.min_time = 0.25;
    for (const wk_format *const *f = wk_formats(); *f && cfg.nformats < BENCH_MAX_FORMATS; f++)
        cfg.formats[cfg.nformats++] = *f;

    bench_paths inputs = {0};
    bool named = false;   /* a file or folder was given */
    int rc = CLI_OK;
    for (int i = 1; i < argc && rc == CLI_OK; i++) {
        const char *arg = argv[i], *value;
        int m;
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            bench_help(stdout);
            goto out;
        }
        if ((m = cli_opt_value(argc, argv, &i, "--formats", NULL, &value, "bench")) != 0) {
            rc = m < 0 ? CLI_USAGE : bench_parse_formats(&cfg, value);
        } else if ((m = cli_opt_value(argc, argv, &i, "--min-time", NULL, &value, "bench")) != 0) {
            char *end;
            double t = m > 0 ? strtod(value, &end) : 0;
            if (m < 0) rc = CLI_USAGE;
            else if (*value == '\0' || *end != '\0' || !(t > 0 && t <= 3600))
                rc = cli_usage_error("bench", "--min-time takes seconds between 0 and 3600, not '%s'", value);
            else cfg.min_time = t;
        } else if ((m = cli_opt_value(argc, argv, &i, "--max-depth", NULL, &value, "bench")) != 0) {
            unsigned long long n;
            if (m < 0) rc = CLI_USAGE;
            else if (!cli_parse_uint(value, WK_MAX_DEPTH_LIMIT, &n) || n == 0)
                rc = cli_usage_error("bench", "--max-depth takes a number from 1 to %d, not '%s'",
                                     WK_MAX_DEPTH_LIMIT, value);
            else cfg.dopts.max_depth = cfg.eopts.max_depth = (uint32_t)n;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            rc = cli_usage_error("bench", "unknown option '%s'", arg);
        } else {
            struct stat sb;
            named = true;
            if (stat(arg, &sb) != 0) {
                cli_error("cannot open '%s': %s", arg, strerror(errno));
                rc = CLI_IO;
            } else if (S_ISDIR(sb.st_mode)) {
                rc = bench_walk(&inputs, arg, 0);
            } else if (!bench_paths_add(&inputs, arg)) {
                rc = CLI_IO;
            }
        }
    }
    if (rc != CLI_OK) goto out;
    if (!named) {
        rc = cli_usage_error("bench", "name at least one file or folder");
        goto out;
    }
    if (inputs.count == 0) {
        cli_error("no message files found (files are recognised by their extension)");
        rc = CLI_DATA;
        goto out;
    }

    bench_message *msgs = calloc(inputs.count, sizeof *msgs);
    if (!msgs) {
        cli_error("out of memory");
        rc = CLI_IO;
        goto out;
    }
    printf("wirekit bench: %zu message file%s\n", inputs.count, inputs.count == 1 ? "" : "s");
    bench_machine(&cfg);
    fflush(stdout);
    for (size_t i = 0; i < inputs.count; i++) {
        msgs[i].path = inputs.items[i];
        int one = bench_message_run(&cfg, &msgs[i]);
        if (one != CLI_OK) {
            msgs[i].source = NULL;
            if (rc == CLI_OK) rc = one;
            continue;
        }
        bench_print_message(&cfg, &msgs[i]);
        fflush(stdout);
    }
    bench_print_summary(&cfg, msgs, inputs.count);
    free(msgs);
out:
    for (size_t i = 0; i < inputs.count; i++) free(inputs.items[i]);
    free(inputs.items);
    return rc;
}
