/*
 * The report writers of wirekit bench: a table for a terminal, CSV and JSON
 * for scripts (their columns and fields are documented, with units, in
 * docs/bench-output.md; the JSON names its schema, "wirekit-bench/1"), and
 * Markdown for a README. Each appends to a buffer, so that the command can
 * write the whole report at once (to a file, atomically) and the tests can
 * compare it with golden files.
 *
 * Every number comes from a bench_result; derived numbers (throughput,
 * ratios, messages per second) are computed here and only here:
 *
 *   messages/s      1 / median seconds per message
 *   MB/s            the format's bytes / (median × messages) / 10^6
 *   JSON MB/s       the file's compact JSON bytes / (median × messages) / 10^6,
 *                   so that formats are compared on the same messages
 *   ×json           the format's bytes / the JSON bytes
 */
#define _POSIX_C_SOURCE 200809L
#include "bench.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *const bench_op_names[BENCH_OPS] = {"encode", "decode", "parse_only"};

void bench_result_free(bench_result *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->nentries; i++) free(r->entries[i].path);
    free(r->entries);
    r->entries = NULL;
    r->nentries = 0;
}

bool bench_output_parse(const char *name, bench_output *out)
{
    static const struct { const char *name; bench_output form; } forms[] = {
        {"table", BENCH_OUT_TABLE}, {"csv", BENCH_OUT_CSV}, {"json", BENCH_OUT_JSON},
        {"markdown", BENCH_OUT_MARKDOWN}, {"md", BENCH_OUT_MARKDOWN},
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if (strcmp(name, forms[i].name) == 0) {
            *out = forms[i].form;
            return true;
        }
    return false;
}

wk_code bench_printf(wk_buf *out, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return WK_ERR_INVALID;
    if ((size_t)n < sizeof small) return wk_buf_append(out, small, (size_t)n);
    if (wk_buf_reserve(out, (size_t)n + 1) != WK_OK) return WK_ERR_NOMEM;
    va_start(ap, fmt);
    vsnprintf((char *)out->data + out->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    out->len += (size_t)n;
    return WK_OK;
}

void bench_format_time(char *out, size_t cap, double seconds)
{
    double v;
    const char *unit;
    if (seconds < 1e-6) { v = seconds * 1e9; unit = "ns"; }
    else if (seconds < 1e-3) { v = seconds * 1e6; unit = "µs"; }
    else if (seconds < 1) { v = seconds * 1e3; unit = "ms"; }
    else { v = seconds; unit = "s"; }
    if (v >= 100) snprintf(out, cap, "%.0f %s", v, unit);
    else if (v >= 10) snprintf(out, cap, "%.1f %s", v, unit);
    else snprintf(out, cap, "%.2f %s", v, unit);
}

void bench_env_line(const bench_result *r, char *out, size_t cap)
{
    snprintf(out, cap, "%s, %ld cores; wirekit %s, %s, %s", r->env.cpu, r->env.cores, r->env.wirekit,
             r->env.build_type, r->env.compiler);
}

/* ---- derived numbers ---- */

static double report_rate(uint64_t bytes, double seconds)
{
    return seconds > 0 ? (double)bytes / seconds / 1e6 : NAN;
}

/* Seconds one pass over the file takes: the median per message × messages. */
static double report_pass(const bench_entry *e, const bench_stat *s)
{
    return s->median * (double)e->messages;
}

void bench_total_compute(const bench_result *r, size_t f, bench_total *t)
{
    memset(t, 0, sizeof *t);
    bool op_ok[BENCH_OPS] = {true, true, true};
    bool json_all = true;
    for (size_t i = 0; i < r->nentries; i++) {
        const bench_entry *e = &r->entries[i];
        const bench_cell *c = &e->cells[f];
        if (e->failed || !c->ok) continue;
        t->files++;
        t->messages += e->messages;
        t->bytes += c->bytes;
        t->zlib_bytes += c->zlib_bytes;
        t->zstd_bytes += c->zstd_bytes;
        t->arena_bytes += c->arena_bytes;
        for (int op = 0; op < BENCH_OPS; op++) {
            if (!c->op[op].ok) op_ok[op] = false;
            t->seconds[op] += report_pass(e, &c->op[op]);
        }
        if (e->json_bytes) {
            t->json_files++;
            t->json_bytes += e->json_bytes;
            t->json_own_bytes += c->bytes;
            for (int op = 0; op < BENCH_OPS; op++) t->json_seconds[op] += report_pass(e, &c->op[op]);
        } else {
            json_all = false;
        }
    }
    (void)json_all;
    /* A sum that misses a file is no total: NaN says "not measured". */
    for (int op = 0; op < BENCH_OPS; op++)
        if (!op_ok[op]) t->seconds[op] = t->json_seconds[op] = NAN;
}

/* ---- small text helpers ---- */

/* 1234567 as "1234567", or "1,234,567" with separators. */
static void report_count(char *out, size_t cap, uint64_t n, bool separators)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
    if (!separators) {
        snprintf(out, cap, "%s", digits);
        return;
    }
    size_t len = strlen(digits), o = 0;
    for (size_t i = 0; i < len && o + 2 < cap; i++) {
        if (i && (len - i) % 3 == 0) out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

static void report_time_cell(char *out, size_t cap, const bench_stat *s)
{
    if (!s->ok) {
        snprintf(out, cap, "failed");
        return;
    }
    char t[32];
    bench_format_time(t, sizeof t, s->median);
    snprintf(out, cap, "%s ±%.1f%%", t, s->median > 0 ? s->mad / s->median * 100 : 0.0);
}

/* v with `decimals` digits after the point, or "-" when it is not a number. */
static void report_number(char *out, size_t cap, double v, int decimals)
{
    if (isnan(v) || isinf(v)) snprintf(out, cap, "-");
    else snprintf(out, cap, "%.*f", decimals, v);
}

static void report_messages(char *out, size_t cap, const bench_entry *e, bool separators)
{
    char count[32], bytes[32];
    report_count(count, sizeof count, e->messages, separators);
    report_count(bytes, sizeof bytes, e->source_bytes, separators);
    const char *form = e->source;
    if (e->stream)
        form = strcmp(e->source, "json") == 0       ? "JSON Lines"
               : e->dataset                         ? "protobuf benchmark dataset"
               : strcmp(e->source, "protobuf") == 0 ? "Protocol Buffers stream"
                                                    : "MessagePack stream";
    if (e->stream)
        snprintf(out, cap, "%s, %s message%s, %s bytes", form, count, e->messages == 1 ? "" : "s", bytes);
    else
        snprintf(out, cap, "%s, %s bytes", form, bytes);
}

/*
 * Marks the best value of each column: lowest when dir < 0, highest when
 * dir > 0; NaN takes no part. Ties are all marked; columns with fewer than
 * two values, or with one value throughout, get no mark.
 */
static void report_best(size_t rows, size_t cols, const double *values, const int *dir, bool *marked)
{
    for (size_t c = 0; c < cols; c++) {
        size_t count = 0;
        double best = NAN, worst = NAN;
        for (size_t r = 0; r < rows; r++) {
            double v = values[r * cols + c];
            if (dir[c] == 0 || isnan(v)) continue;
            count++;
            if (isnan(best) || (dir[c] < 0 ? v < best : v > best)) best = v;
            if (isnan(worst) || (dir[c] < 0 ? v > worst : v < worst)) worst = v;
        }
        /* A column where every value is the same has no best. */
        for (size_t r = 0; r < rows; r++)
            marked[r * cols + c] = count >= 2 && best != worst && values[r * cols + c] == best;
    }
}

/* ---- the per-file and summary grids (table and Markdown) ---- */

#define FILE_COLS 10
#define SUM_COLS 13

static bench_grid *report_file_grid(const bench_result *r, const bench_entry *e, bool separators)
{
    static const char *const head[FILE_COLS] = {"format", "bytes", "×json", "zlib", "zstd", "encode",
                                                "decode", "parse-only", "dec MB/s", "arena/msg"};
    /* MB/s of a format's own bytes favours the larger encoding: it gets no mark. */
    static const int dir[FILE_COLS] = {0, -1, -1, -1, -1, -1, -1, -1, 0, -1};
    bench_grid *g = bench_grid_new(FILE_COLS);
    double *values = calloc(r->nformats * FILE_COLS + 1, sizeof *values);
    bool *marked = calloc(r->nformats * FILE_COLS + 1, sizeof *marked);
    if (!g || !values || !marked || !bench_grid_row(g, head, NULL)) goto fail;
    for (size_t f = 0; f < r->nformats; f++) {
        const bench_cell *c = &e->cells[f];
        double *v = values + f * FILE_COLS;
        for (int k = 0; k < FILE_COLS; k++) v[k] = NAN;
        if (!c->ok) continue;
        v[1] = (double)c->bytes;
        v[2] = e->json_bytes ? (double)c->bytes / (double)e->json_bytes : NAN;
        v[3] = (double)c->zlib_bytes;
        v[4] = (double)c->zstd_bytes;
        for (int op = 0; op < BENCH_OPS; op++) v[5 + op] = c->op[op].ok ? c->op[op].median : NAN;
        v[8] = c->op[BENCH_DECODE].ok ? report_rate(c->bytes, report_pass(e, &c->op[BENCH_DECODE])) : NAN;
        v[9] = e->messages ? (double)c->arena_bytes / (double)e->messages : NAN;
    }
    report_best(r->nformats, FILE_COLS, values, dir, marked);
    for (size_t f = 0; f < r->nformats; f++) {
        const bench_cell *c = &e->cells[f];
        if (!c->ok) {
            if (!bench_grid_span(g, r->formats[f].name, c->why)) goto fail;
            continue;
        }
        const double *v = values + f * FILE_COLS;
        char text[FILE_COLS][48];
        snprintf(text[0], sizeof text[0], "%s", r->formats[f].name);
        report_count(text[1], sizeof text[1], c->bytes, separators);
        report_number(text[2], sizeof text[2], v[2], 2);
        report_count(text[3], sizeof text[3], c->zlib_bytes, separators);
        report_count(text[4], sizeof text[4], c->zstd_bytes, separators);
        for (int op = 0; op < BENCH_OPS; op++) report_time_cell(text[5 + op], sizeof text[5 + op], &c->op[op]);
        report_number(text[8], sizeof text[8], v[8], 1);
        if (isnan(v[9])) snprintf(text[9], sizeof text[9], "-");
        else report_count(text[9], sizeof text[9], (uint64_t)llround(v[9]), separators);
        const char *cells[FILE_COLS];
        for (int k = 0; k < FILE_COLS; k++) cells[k] = text[k];
        if (!bench_grid_row(g, cells, marked + f * FILE_COLS)) goto fail;
    }
    free(values);
    free(marked);
    return g;
fail:
    free(values);
    free(marked);
    bench_grid_free(g);
    return NULL;
}

static bench_grid *report_summary_grid(const bench_result *r, bool separators)
{
    static const char *const head[SUM_COLS] = {"format", "files", "messages", "bytes", "×json", "zlib",
                                               "zstd", "enc MB/s", "dec MB/s", "parse MB/s", "dec msg/s",
                                               "enc MB/s json", "dec MB/s json"};
    /* Only what compares formats on the same messages is marked: not MB/s
     * of each format's own bytes, which favours the larger encoding. */
    int dir[SUM_COLS] = {0, 0, 0, -1, -1, -1, -1, 0, 0, 0, 1, 1, 1};
    bench_grid *g = bench_grid_new(SUM_COLS);
    double *values = calloc(r->nformats * SUM_COLS + 1, sizeof *values);
    bool *marked = calloc(r->nformats * SUM_COLS + 1, sizeof *marked);
    bench_total *totals = calloc(r->nformats + 1, sizeof *totals);
    if (!g || !values || !marked || !totals || !bench_grid_row(g, head, NULL)) goto fail;
    /* Sums over different sets of files are no comparison: mark them only
     * when every format carries the same messages. */
    bool same_files = true;
    for (size_t f = 0; f < r->nformats; f++) {
        bench_total_compute(r, f, &totals[f]);
        if (totals[f].files != totals[0].files || totals[f].messages != totals[0].messages) same_files = false;
    }
    if (!same_files) dir[3] = dir[5] = dir[6] = dir[10] = 0;
    for (size_t f = 0; f < r->nformats; f++) {
        const bench_total *t = &totals[f];
        double *v = values + f * SUM_COLS;
        for (int k = 0; k < SUM_COLS; k++) v[k] = NAN;
        if (!t->files) continue;
        v[3] = (double)t->bytes;
        v[4] = t->json_bytes ? (double)t->json_own_bytes / (double)t->json_bytes : NAN;
        v[5] = (double)t->zlib_bytes;
        v[6] = (double)t->zstd_bytes;
        v[7] = report_rate(t->bytes, t->seconds[BENCH_ENCODE]);
        v[8] = report_rate(t->bytes, t->seconds[BENCH_DECODE]);
        v[9] = report_rate(t->bytes, t->seconds[BENCH_PARSE]);
        v[10] = t->seconds[BENCH_DECODE] > 0 ? (double)t->messages / t->seconds[BENCH_DECODE] : NAN;
        v[11] = report_rate(t->json_bytes, t->json_seconds[BENCH_ENCODE]);
        v[12] = report_rate(t->json_bytes, t->json_seconds[BENCH_DECODE]);
    }
    report_best(r->nformats, SUM_COLS, values, dir, marked);
    for (size_t f = 0; f < r->nformats; f++) {
        const bench_total *t = &totals[f];
        const double *v = values + f * SUM_COLS;
        char text[SUM_COLS][48];
        snprintf(text[0], sizeof text[0], "%s", r->formats[f].name);
        report_count(text[1], sizeof text[1], t->files, separators);
        report_count(text[2], sizeof text[2], t->messages, separators);
        if (!t->files) {
            for (int k = 3; k < SUM_COLS; k++) snprintf(text[k], sizeof text[k], "-");
        } else {
            report_count(text[3], sizeof text[3], t->bytes, separators);
            report_number(text[4], sizeof text[4], v[4], 2);
            report_count(text[5], sizeof text[5], t->zlib_bytes, separators);
            report_count(text[6], sizeof text[6], t->zstd_bytes, separators);
            for (int k = 7; k < 10; k++) report_number(text[k], sizeof text[k], v[k], 1);
            report_number(text[10], sizeof text[10], v[10], 0);
            report_number(text[11], sizeof text[11], v[11], 1);
            report_number(text[12], sizeof text[12], v[12], 1);
        }
        const char *cells[SUM_COLS];
        for (int k = 0; k < SUM_COLS; k++) cells[k] = text[k];
        if (!bench_grid_row(g, cells, marked + f * SUM_COLS)) goto fail;
    }
    free(values);
    free(marked);
    free(totals);
    return g;
fail:
    free(values);
    free(marked);
    free(totals);
    bench_grid_free(g);
    return NULL;
}

static void report_counts(const bench_result *r, uint64_t *files, uint64_t *messages)
{
    *files = *messages = 0;
    for (size_t i = 0; i < r->nentries; i++) {
        if (r->entries[i].failed) continue;
        (*files)++;
        *messages += r->entries[i].messages;
    }
}

static wk_code report_libraries(const bench_result *r, wk_buf *out)
{
    wk_code rc = WK_OK;
    for (size_t f = 0; f < r->nformats && rc == WK_OK; f++)
        rc = bench_printf(out, "%s%s (%s)", f ? ", " : "", r->formats[f].backend, r->formats[f].name);
    if (rc == WK_OK) rc = bench_printf(out, "%szlib %s, zstd %s", r->nformats ? ", " : "", r->env.zlib, r->env.zstd);
    return rc;
}

/* ---- table ---- */

static wk_code report_table(const bench_result *r, wk_buf *out)
{
    uint64_t files, messages;
    report_counts(r, &files, &messages);
    wk_code rc = bench_printf(out, "wirekit bench: %llu file%s, %llu message%s\n", (unsigned long long)files,
                              files == 1 ? "" : "s", (unsigned long long)messages, messages == 1 ? "" : "s");
    if (rc == WK_OK) rc = bench_printf(out, "machine: %s, %ld cores\n", r->env.cpu, r->env.cores);
    if (rc == WK_OK)
        rc = bench_printf(out, "build:   wirekit %s, %s, %s\n", r->env.wirekit, r->env.build_type, r->env.compiler);
    if (rc == WK_OK) rc = bench_printf(out, "libs:    ");
    if (rc == WK_OK) rc = report_libraries(r, out);
    if (rc == WK_OK)
        rc = bench_printf(out,
                          "\nmethod:  median time per message ±MAD (median absolute deviation, as a %% of the\n"
                          "         median), over batches timed after a warm-up, at least %.2f s per cell;\n"
                          "         * = best in its column (of those that compare formats on the same\n"
                          "         messages); bytes = the encodings of a file's messages summed;\n"
                          "         zlib level %d and zstd level %d over them back to back; MB/s = 10^6 bytes\n"
                          "         of the format's own encoding per second; arena/msg = arena bytes a decode\n"
                          "         uses\n",
                          r->min_time, BENCH_ZLIB_LEVEL, BENCH_ZSTD_LEVEL);
    for (size_t i = 0; i < r->nentries && rc == WK_OK; i++) {
        const bench_entry *e = &r->entries[i];
        if (e->failed) continue;
        char what[160];
        report_messages(what, sizeof what, e, false);
        rc = bench_printf(out, "\n%s (%s)\n", e->path, what);
        bench_grid *g = rc == WK_OK ? report_file_grid(r, e, false) : NULL;
        if (rc == WK_OK && !g) rc = WK_ERR_NOMEM;
        if (rc == WK_OK) rc = bench_grid_table(g, "  ", out);
        bench_grid_free(g);
    }
    if (rc == WK_OK)
        rc = bench_printf(out,
                          "\nall files (per format: sums over the files it carries; ×json and MB/s json over\n"
                          "the files JSON carries too, comparing formats on the same messages)\n");
    bench_grid *g = rc == WK_OK ? report_summary_grid(r, false) : NULL;
    if (rc == WK_OK && !g) rc = WK_ERR_NOMEM;
    if (rc == WK_OK) rc = bench_grid_table(g, "  ", out);
    bench_grid_free(g);
    return rc;
}

/* ---- Markdown ---- */

static wk_code report_markdown(const bench_result *r, wk_buf *out)
{
    uint64_t files, messages;
    report_counts(r, &files, &messages);
    wk_code rc = bench_printf(out,
                              "# wirekit benchmarks\n\n"
                              "Produced by `wirekit bench` on %llu file%s (%llu message%s) with:\n\n"
                              "```sh\n%s\n```\n\n",
                              (unsigned long long)files, files == 1 ? "" : "s", (unsigned long long)messages,
                              messages == 1 ? "" : "s", r->command);
    if (rc == WK_OK)
        rc = bench_printf(out, "| | |\n|---|---|\n| machine | %s, %ld cores |\n| build | wirekit %s, %s, %s |\n"
                               "| libraries | ",
                          r->env.cpu, r->env.cores, r->env.wirekit, r->env.build_type, r->env.compiler);
    if (rc == WK_OK) rc = report_libraries(r, out);
    if (rc == WK_OK) rc = bench_printf(out, " |\n| date | %s |\n\n", r->env.date);
    if (rc == WK_OK)
        rc = bench_printf(out,
                          "Times are the median per message, ± the median absolute deviation as a share of\n"
                          "it, over batches timed after a warm-up for at least %.2f s per cell. Every round\n"
                          "trip is verified before it is timed. Sizes are summed over a file's messages;\n"
                          "zlib (level %d) and zstd (level %d) compress them back to back. MB/s is 10^6\n"
                          "bytes per second, of the format's own encoding or (\"json\") of the same\n"
                          "messages as compact JSON. The best value in each column that compares formats\n"
                          "on the same messages is in bold.\n\n"
                          "## All files\n\n",
                          r->min_time, BENCH_ZLIB_LEVEL, BENCH_ZSTD_LEVEL);
    bench_grid *g = rc == WK_OK ? report_summary_grid(r, true) : NULL;
    if (rc == WK_OK && !g) rc = WK_ERR_NOMEM;
    if (rc == WK_OK) rc = bench_grid_markdown(g, out);
    bench_grid_free(g);
    if (rc == WK_OK)
        rc = bench_printf(out, "\nPer format, sums over the files it carries; ×json and \"MB/s json\" over the\n"
                               "files JSON carries too.\n\n## Per file\n");
    for (size_t i = 0; i < r->nentries && rc == WK_OK; i++) {
        const bench_entry *e = &r->entries[i];
        if (e->failed) continue;
        char what[160];
        report_messages(what, sizeof what, e, true);
        rc = bench_printf(out, "\n### `%s`\n\n%s\n\n", e->path, what);
        g = rc == WK_OK ? report_file_grid(r, e, true) : NULL;
        if (rc == WK_OK && !g) rc = WK_ERR_NOMEM;
        if (rc == WK_OK) rc = bench_grid_markdown(g, out);
        bench_grid_free(g);
    }
    return rc;
}

/* ---- CSV ---- */

static wk_code csv_text(wk_buf *out, const char *text)
{
    if (!strpbrk(text, ",\"\r\n")) return bench_printf(out, "%s", text);
    wk_code rc = bench_printf(out, "\"");
    for (const char *p = text; *p && rc == WK_OK; p++)
        rc = *p == '"' ? bench_printf(out, "\"\"") : wk_buf_append(out, p, 1);
    return rc == WK_OK ? bench_printf(out, "\"") : rc;
}

/* "," and v with `decimals` digits after the point; only "," when v is not a number. */
static wk_code csv_number(wk_buf *out, double v, int decimals)
{
    wk_code rc = bench_printf(out, ",");
    if (rc != WK_OK || isnan(v) || isinf(v)) return rc;
    return bench_printf(out, "%.*f", decimals, v);
}

static wk_code report_csv(const bench_result *r, wk_buf *out)
{
    static const char *const stat_cols[] = {"median_ns", "mad_ns", "min_ns", "p10_ns", "p90_ns", "max_ns",
                                            "samples", "messages_per_s", "mb_per_s", "json_mb_per_s"};
    wk_code rc = bench_printf(out, "path,source_format,stream,messages,source_bytes,json_bytes,format,ok,error,"
                                   "bytes,json_ratio,zlib_bytes,zstd_bytes,arena_bytes,arena_bytes_per_message");
    for (int op = 0; op < BENCH_OPS && rc == WK_OK; op++)
        for (size_t k = 0; k < sizeof stat_cols / sizeof stat_cols[0] && rc == WK_OK; k++)
            rc = bench_printf(out, ",%s_%s", bench_op_names[op], stat_cols[k]);
    if (rc == WK_OK) rc = bench_printf(out, "\n");
    for (size_t i = 0; i < r->nentries && rc == WK_OK; i++) {
        const bench_entry *e = &r->entries[i];
        if (e->failed) continue;
        for (size_t f = 0; f < r->nformats && rc == WK_OK; f++) {
            const bench_cell *c = &e->cells[f];
            rc = csv_text(out, e->path);
            if (rc == WK_OK)
                rc = bench_printf(out, ",%s,%s,%llu,%llu,", e->source, e->stream ? "true" : "false",
                                  (unsigned long long)e->messages, (unsigned long long)e->source_bytes);
            if (rc == WK_OK && e->json_bytes) rc = bench_printf(out, "%llu", (unsigned long long)e->json_bytes);
            if (rc == WK_OK) rc = bench_printf(out, ",");
            if (rc == WK_OK) rc = csv_text(out, r->formats[f].name);
            if (rc == WK_OK) rc = bench_printf(out, ",%s,", c->ok ? "true" : "false");
            if (rc == WK_OK && !c->ok) rc = csv_text(out, c->why);
            if (rc != WK_OK) break;
            if (!c->ok) {
                /* Every number is empty: 6 size columns and 10 per operation. */
                for (int k = 0; k < 6 + 10 * BENCH_OPS && rc == WK_OK; k++) rc = bench_printf(out, ",");
                if (rc == WK_OK) rc = bench_printf(out, "\n");
                continue;
            }
            rc = bench_printf(out, ",%llu", (unsigned long long)c->bytes);
            if (rc == WK_OK)
                rc = csv_number(out, e->json_bytes ? (double)c->bytes / (double)e->json_bytes : NAN, 4);
            if (rc == WK_OK)
                rc = bench_printf(out, ",%llu,%llu,%llu", (unsigned long long)c->zlib_bytes,
                                  (unsigned long long)c->zstd_bytes, (unsigned long long)c->arena_bytes);
            if (rc == WK_OK)
                rc = csv_number(out, e->messages ? (double)c->arena_bytes / (double)e->messages : NAN, 1);
            for (int op = 0; op < BENCH_OPS && rc == WK_OK; op++) {
                const bench_stat *s = &c->op[op];
                if (!s->ok) {
                    for (int k = 0; k < 10 && rc == WK_OK; k++) rc = bench_printf(out, ",");
                    continue;
                }
                double pass = report_pass(e, s);
                rc = csv_number(out, s->median * 1e9, 1);
                if (rc == WK_OK) rc = csv_number(out, s->mad * 1e9, 1);
                if (rc == WK_OK) rc = csv_number(out, s->min * 1e9, 1);
                if (rc == WK_OK) rc = csv_number(out, s->p10 * 1e9, 1);
                if (rc == WK_OK) rc = csv_number(out, s->p90 * 1e9, 1);
                if (rc == WK_OK) rc = csv_number(out, s->max * 1e9, 1);
                if (rc == WK_OK) rc = bench_printf(out, ",%llu", (unsigned long long)s->samples);
                if (rc == WK_OK) rc = csv_number(out, s->median > 0 ? 1 / s->median : NAN, 1);
                if (rc == WK_OK) rc = csv_number(out, report_rate(c->bytes, pass), 3);
                if (rc == WK_OK)
                    rc = csv_number(out, e->json_bytes ? report_rate(e->json_bytes, pass) : NAN, 3);
            }
            if (rc == WK_OK) rc = bench_printf(out, "\n");
        }
    }
    return rc;
}

/* ---- JSON ---- */

/* A JSON string: escapes quotes, backslashes and control characters, and
 * turns bytes that are not UTF-8 (a file name may hold any) into U+FFFD. */
static wk_code json_text(wk_buf *out, const char *text)
{
    wk_code rc = bench_printf(out, "\"");
    const unsigned char *p = (const unsigned char *)text;
    while (*p && rc == WK_OK) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            rc = bench_printf(out, "\\%c", c);
            p++;
        } else if (c < 0x20) {
            rc = bench_printf(out, "\\u%04x", c);
            p++;
        } else if (c < 0x80) {
            rc = wk_buf_append(out, p, 1);
            p++;
        } else {
            size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            size_t avail = strnlen((const char *)p, n);
            if (avail == n && wk_utf8_valid((const char *)p, n)) {
                rc = wk_buf_append(out, p, n);
                p += n;
            } else {
                rc = bench_printf(out, "\\ufffd");
                p++;
            }
        }
    }
    return rc == WK_OK ? bench_printf(out, "\"") : rc;
}

/* v with `decimals` digits after the point, or null when it is not a number. */
static wk_code json_number(wk_buf *out, double v, int decimals)
{
    if (isnan(v) || isinf(v)) return bench_printf(out, "null");
    return bench_printf(out, "%.*f", decimals, v);
}

static wk_code json_rates(wk_buf *out, const char *indent, uint64_t messages, uint64_t bytes, uint64_t json_bytes,
                          double seconds)
{
    wk_code rc = bench_printf(out, "%s\"messages_per_s\": ", indent);
    if (rc == WK_OK) rc = json_number(out, seconds > 0 ? (double)messages / seconds : NAN, 1);
    if (rc == WK_OK) rc = bench_printf(out, ",\n%s\"mb_per_s\": ", indent);
    if (rc == WK_OK) rc = json_number(out, report_rate(bytes, seconds), 3);
    if (rc == WK_OK) rc = bench_printf(out, ",\n%s\"json_mb_per_s\": ", indent);
    if (rc == WK_OK) rc = json_number(out, json_bytes ? report_rate(json_bytes, seconds) : NAN, 3);
    return rc;
}

static wk_code json_stat(wk_buf *out, const bench_entry *e, const bench_cell *c, const bench_stat *s)
{
    const char *in = "            ";
    if (!s->ok) return bench_printf(out, "null");
    wk_code rc = bench_printf(out, "{\n");
    const struct { const char *name; double v; } nums[] = {
        {"median_ns", s->median}, {"mad_ns", s->mad}, {"min_ns", s->min},
        {"p10_ns", s->p10}, {"p90_ns", s->p90}, {"max_ns", s->max},
    };
    for (size_t k = 0; k < sizeof nums / sizeof nums[0] && rc == WK_OK; k++) {
        rc = bench_printf(out, "%s\"%s\": ", in, nums[k].name);
        if (rc == WK_OK) rc = json_number(out, nums[k].v * 1e9, 1);
        if (rc == WK_OK) rc = bench_printf(out, ",\n");
    }
    if (rc == WK_OK) rc = bench_printf(out, "%s\"samples\": %llu,\n", in, (unsigned long long)s->samples);
    if (rc == WK_OK) rc = json_rates(out, in, e->messages, c->bytes, e->json_bytes, report_pass(e, s));
    if (rc == WK_OK) rc = bench_printf(out, "\n          }");
    return rc;
}

static wk_code json_cell(wk_buf *out, const bench_entry *e, const bench_cell *c)
{
    if (!c->ok) {
        wk_code rc = bench_printf(out, "{\n          \"ok\": false,\n          \"error\": ");
        if (rc == WK_OK) rc = json_text(out, c->why);
        return rc == WK_OK ? bench_printf(out, "\n        }") : rc;
    }
    wk_code rc = bench_printf(out,
                              "{\n          \"ok\": true,\n          \"bytes\": %llu,\n          \"json_ratio\": ",
                              (unsigned long long)c->bytes);
    if (rc == WK_OK)
        rc = json_number(out, e->json_bytes ? (double)c->bytes / (double)e->json_bytes : NAN, 4);
    if (rc == WK_OK)
        rc = bench_printf(out,
                          ",\n          \"zlib_bytes\": %llu,\n          \"zstd_bytes\": %llu,\n"
                          "          \"arena_bytes\": %llu,\n          \"arena_bytes_per_message\": ",
                          (unsigned long long)c->zlib_bytes, (unsigned long long)c->zstd_bytes,
                          (unsigned long long)c->arena_bytes);
    if (rc == WK_OK)
        rc = json_number(out, e->messages ? (double)c->arena_bytes / (double)e->messages : NAN, 1);
    for (int op = 0; op < BENCH_OPS && rc == WK_OK; op++) {
        rc = bench_printf(out, ",\n          \"%s\": ", bench_op_names[op]);
        if (rc == WK_OK) rc = json_stat(out, e, c, &c->op[op]);
    }
    return rc == WK_OK ? bench_printf(out, "\n        }") : rc;
}

static wk_code json_summary(const bench_result *r, wk_buf *out)
{
    wk_code rc = bench_printf(out, "  \"summary\": {");
    for (size_t f = 0; f < r->nformats && rc == WK_OK; f++) {
        bench_total t;
        bench_total_compute(r, f, &t);
        rc = bench_printf(out, "%s\n    ", f ? "," : "");
        if (rc == WK_OK) rc = json_text(out, r->formats[f].name);
        if (rc == WK_OK)
            rc = bench_printf(out,
                              ": {\n      \"files\": %llu,\n      \"messages\": %llu,\n      \"bytes\": %llu,\n"
                              "      \"zlib_bytes\": %llu,\n      \"zstd_bytes\": %llu,\n      \"arena_bytes\": %llu,\n"
                              "      \"json_files\": %llu,\n      \"json_bytes\": %llu,\n"
                              "      \"bytes_of_json_files\": %llu,\n      \"json_ratio\": ",
                              (unsigned long long)t.files, (unsigned long long)t.messages,
                              (unsigned long long)t.bytes, (unsigned long long)t.zlib_bytes,
                              (unsigned long long)t.zstd_bytes, (unsigned long long)t.arena_bytes,
                              (unsigned long long)t.json_files, (unsigned long long)t.json_bytes,
                              (unsigned long long)t.json_own_bytes);
        if (rc == WK_OK)
            rc = json_number(out, t.json_bytes ? (double)t.json_own_bytes / (double)t.json_bytes : NAN, 4);
        for (int op = 0; op < BENCH_OPS && rc == WK_OK; op++) {
            rc = bench_printf(out, ",\n      \"%s\": {\n", bench_op_names[op]);
            /* JSON MB/s over the files JSON carries: their JSON bytes over their time. */
            if (rc == WK_OK) rc = bench_printf(out, "        \"messages_per_s\": ");
            if (rc == WK_OK)
                rc = json_number(out, t.seconds[op] > 0 ? (double)t.messages / t.seconds[op] : NAN, 1);
            if (rc == WK_OK) rc = bench_printf(out, ",\n        \"mb_per_s\": ");
            if (rc == WK_OK) rc = json_number(out, t.files ? report_rate(t.bytes, t.seconds[op]) : NAN, 3);
            if (rc == WK_OK) rc = bench_printf(out, ",\n        \"json_mb_per_s\": ");
            if (rc == WK_OK)
                rc = json_number(out, t.json_bytes ? report_rate(t.json_bytes, t.json_seconds[op]) : NAN, 3);
            if (rc == WK_OK) rc = bench_printf(out, "\n      }");
        }
        if (rc == WK_OK) rc = bench_printf(out, "\n    }");
    }
    return rc == WK_OK ? bench_printf(out, "%s}\n", r->nformats ? "\n  " : "") : rc;
}

static wk_code report_json(const bench_result *r, wk_buf *out)
{
    wk_code rc = bench_printf(out, "{\n  \"schema\": \"%s\",\n  \"command\": ", BENCH_SCHEMA);
    if (rc == WK_OK) rc = json_text(out, r->command);
    const struct { const char *name; const char *value; } env[] = {
        {"date", r->env.date}, {"cpu", r->env.cpu}, {"cores", NULL}, {"compiler", r->env.compiler},
        {"build_type", r->env.build_type}, {"wirekit", r->env.wirekit}, {"zlib", r->env.zlib},
        {"zstd", r->env.zstd},
    };
    if (rc == WK_OK) rc = bench_printf(out, ",\n  \"environment\": {");
    for (size_t k = 0; k < sizeof env / sizeof env[0] && rc == WK_OK; k++) {
        rc = bench_printf(out, "%s\n    \"%s\": ", k ? "," : "", env[k].name);
        if (rc == WK_OK) rc = env[k].value ? json_text(out, env[k].value) : bench_printf(out, "%ld", r->env.cores);
    }
    if (rc == WK_OK)
        rc = bench_printf(out,
                          "\n  },\n  \"method\": {\n    \"min_time_s\": %.3f,\n    \"time_unit\": \"ns per message\",\n"
                          "    \"zlib_level\": %d,\n    \"zstd_level\": %d\n  },\n  \"formats\": [",
                          r->min_time, BENCH_ZLIB_LEVEL, BENCH_ZSTD_LEVEL);
    for (size_t f = 0; f < r->nformats && rc == WK_OK; f++) {
        rc = bench_printf(out, "%s\n    {\"name\": ", f ? "," : "");
        if (rc == WK_OK) rc = json_text(out, r->formats[f].name);
        if (rc == WK_OK) rc = bench_printf(out, ", \"backend\": ");
        if (rc == WK_OK) rc = json_text(out, r->formats[f].backend);
        if (rc == WK_OK) rc = bench_printf(out, "}");
    }
    if (rc == WK_OK) rc = bench_printf(out, "%s],\n  \"files\": [", r->nformats ? "\n  " : "");
    bool first = true;
    for (size_t i = 0; i < r->nentries && rc == WK_OK; i++) {
        const bench_entry *e = &r->entries[i];
        if (e->failed) continue;
        rc = bench_printf(out, "%s\n    {\n      \"path\": ", first ? "" : ",");
        first = false;
        if (rc == WK_OK) rc = json_text(out, e->path);
        if (rc == WK_OK) rc = bench_printf(out, ",\n      \"source_format\": ");
        if (rc == WK_OK) rc = json_text(out, e->source);
        if (rc == WK_OK && e->dataset) rc = bench_printf(out, ",\n      \"dataset\": true");
        if (rc == WK_OK && e->type[0]) {
            rc = bench_printf(out, ",\n      \"message_type\": ");
            if (rc == WK_OK) rc = json_text(out, e->type);
        }
        if (rc == WK_OK)
            rc = bench_printf(out, ",\n      \"stream\": %s,\n      \"messages\": %llu,\n      \"source_bytes\": %llu,\n"
                                   "      \"json_bytes\": ",
                              e->stream ? "true" : "false", (unsigned long long)e->messages,
                              (unsigned long long)e->source_bytes);
        if (rc == WK_OK)
            rc = e->json_bytes ? bench_printf(out, "%llu", (unsigned long long)e->json_bytes) : bench_printf(out, "null");
        if (rc == WK_OK) rc = bench_printf(out, ",\n      \"results\": {");
        for (size_t f = 0; f < r->nformats && rc == WK_OK; f++) {
            rc = bench_printf(out, "%s\n        ", f ? "," : "");
            if (rc == WK_OK) rc = json_text(out, r->formats[f].name);
            if (rc == WK_OK) rc = bench_printf(out, ": ");
            if (rc == WK_OK) rc = json_cell(out, e, &e->cells[f]);
        }
        if (rc == WK_OK) rc = bench_printf(out, "%s}\n    }", r->nformats ? "\n      " : "");
    }
    if (rc == WK_OK) rc = bench_printf(out, "%s],\n", first ? "" : "\n  ");
    if (rc == WK_OK) rc = json_summary(r, out);
    if (rc == WK_OK) rc = bench_printf(out, "}\n");
    return rc;
}

wk_code bench_report_write(const bench_result *r, bench_output form, wk_buf *out)
{
    switch (form) {
    case BENCH_OUT_CSV: return report_csv(r, out);
    case BENCH_OUT_JSON: return report_json(r, out);
    case BENCH_OUT_MARKDOWN: return report_markdown(r, out);
    default: return report_table(r, out);
    }
}
