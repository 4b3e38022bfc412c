/*
 * cli/bench.h: what the parts of `wirekit bench` share.
 *
 *   bench.c          the command: options, walking folders, reading files and
 *                    streams, running every (file, format) cell, progress
 *   bench_measure.c  timing: batches, warm-up, verification, compressed
 *                    sizes, and the machine the run is on
 *   bench_stats.c    statistics over timing samples (median, MAD, percentiles)
 *   bench_report.c   the writers: table, CSV, JSON, Markdown
 *   bench_grid.c     aligned text tables and Markdown tables for the writers
 *   bench_chart.c    the SVG chart
 *   bench_compare.c  reading a saved JSON report, and comparing two results
 *
 * A run produces a bench_result: plain data (names and numbers, no pointers
 * into the library), so that the writers can be tested on a fixed result and
 * a result read back from a JSON report is the same thing as a measured one.
 * docs/bench-output.md documents the CSV and JSON forms.
 *
 * Units: sizes are bytes, summed over the messages of a file; times are
 * seconds per message.
 */
#ifndef WIREKIT_CLI_BENCH_H
#define WIREKIT_CLI_BENCH_H

#include <wirekit/wirekit.h>
#include <stdio.h>

/* The name and version of the JSON report's schema (docs/bench-output.md). */
#define BENCH_SCHEMA "wirekit-bench/1"

#define BENCH_MAX_FORMATS 16
#define BENCH_ZLIB_LEVEL 6
#define BENCH_ZSTD_LEVEL 3
#define BENCH_DEFAULT_MIN_TIME 0.2

/* The operations timed per cell. */
typedef enum bench_op { BENCH_ENCODE, BENCH_DECODE, BENCH_PARSE, BENCH_OPS } bench_op;

/* "encode", "decode", "parse_only": the names the CSV and JSON forms use. */
extern const char *const bench_op_names[BENCH_OPS];

/*
 * One timing: statistics over the samples (one sample = one batch of
 * operations, divided by the messages it handled). p10 and p90 are the 10th
 * and 90th percentiles, by linear interpolation between the closest ranks.
 */
typedef struct bench_stat {
    bool ok;
    uint64_t samples;
    double median, mad, min, p10, p90, max;   /* seconds per message */
} bench_stat;

/* One format on one file. */
typedef struct bench_cell {
    bool ok;                 /* the format carries every message of the file */
    char why[320];           /* when not: why ("not lossless: ...") */
    uint64_t bytes;          /* the encodings of every message, summed */
    uint64_t zlib_bytes;     /* the encodings back to back, compressed by zlib level 6 */
    uint64_t zstd_bytes;     /* ... by zstd level 3 */
    uint64_t arena_bytes;    /* arena bytes the decodes of every message use, summed */
    bench_stat op[BENCH_OPS];
} bench_cell;

/* One file: a single message, or a stream of them. */
typedef struct bench_entry {
    char *path;              /* owned */
    char source[32];         /* the format it was read as */
    bool stream;             /* JSON Lines or a MessagePack stream */
    bool dataset;            /* a Google protobuf benchmark dataset (a stream too) */
    char type[160];          /* the message type it was read as; empty without a schema */
    bool failed;             /* could not be read or decoded: left out of reports */
    uint64_t messages;
    uint64_t source_bytes;   /* the file's size */
    uint64_t json_bytes;     /* compact JSON of every message; 0 when JSON cannot carry one */
    bench_cell cells[BENCH_MAX_FORMATS];   /* one per format of the result, in its order */
} bench_entry;

typedef struct bench_format_info {
    char name[32];           /* "json" */
    char backend[64];        /* "yajl 2.1.0" */
} bench_format_info;

/* What a measurement ran on. */
typedef struct bench_env {
    char date[32];           /* UTC, "2024-03-14T09:26:53Z" */
    char cpu[128];
    long cores;
    char compiler[128];
    char build_type[48];
    char wirekit[32];        /* the library's version */
    char zlib[32];
    char zstd[32];
} bench_env;

typedef struct bench_result {
    bench_env env;
    char command[512];       /* the command line that measured it */
    double min_time;         /* measuring time per cell, seconds */
    size_t nformats;
    bench_format_info formats[BENCH_MAX_FORMATS];
    bench_entry *entries;    /* owned */
    size_t nentries;
} bench_result;

void bench_result_free(bench_result *r);

/* ---- bench_stats.c ---- */

/* The p-th quantile (0..1) of sorted[0..n), linearly interpolated; 0 when n is 0. */
double bench_quantile(const double *sorted, size_t n, double p);

/*
 * The statistics of n samples (seconds). Sorts the samples and then
 * overwrites them with their absolute deviations from the median (for the
 * MAD): the array is scratch afterwards. n 0 gives a stat with ok false.
 */
bench_stat bench_stat_compute(double *samples, size_t n);

/* ---- bench_measure.c ---- */

typedef struct bench_settings {
    double min_time;
    wk_decode_opts dopts;
    wk_encode_opts eopts;
    /* Called as each timing starts (op is "encode", "decode", "parse-only");
     * NULL for none. */
    void (*progress)(void *ctx, const char *format, const char *op);
    void *progress_ctx;
} bench_settings;

/*
 * Measures format f on the n messages of one file: encodes each, verifies
 * that decoding the encoding gives the message back (exactly), records the
 * sizes and arena bytes, and, when `timed`, times encode, decode and
 * parse-only over all n messages. A format that cannot carry a message
 * leaves out->ok false with the reason in out->why ("message 3: ..." when
 * there are several).
 */
void bench_measure_cell(const bench_settings *s, const wk_format *f, const wk_value *const *msgs,
                        size_t n, bool timed, bench_cell *out);

/* Fills env with this machine, this build and the libraries linked. */
void bench_env_detect(bench_env *env);

/* ---- bench_report.c, bench_grid.c ---- */

typedef enum bench_output { BENCH_OUT_TABLE, BENCH_OUT_CSV, BENCH_OUT_JSON, BENCH_OUT_MARKDOWN } bench_output;

/* Parses "table", "csv", "json", "markdown" (or "md"); false otherwise. */
bool bench_output_parse(const char *name, bench_output *out);

/* Appends the report of r in the given form. WK_ERR_NOMEM on exhaustion. */
wk_code bench_report_write(const bench_result *r, bench_output form, wk_buf *out);

/*
 * Totals of one format over the files it carries: sums of sizes, and of the
 * time one pass over each file takes (median per message × messages), so
 * that a throughput is total bytes over total time. The json_ fields sum
 * the same over the files JSON carries too (those with a JSON size), which
 * compare formats on the same messages. A time is NaN when some file's
 * timing of that operation failed.
 */
typedef struct bench_total {
    uint64_t files, messages, bytes, zlib_bytes, zstd_bytes, arena_bytes;
    double seconds[BENCH_OPS];
    uint64_t json_files;
    uint64_t json_bytes;         /* their compact JSON */
    uint64_t json_own_bytes;     /* their encodings in this format */
    double json_seconds[BENCH_OPS];
} bench_total;

void bench_total_compute(const bench_result *r, size_t format, bench_total *t);

/* Helpers the writers share with the chart and the comparison. */
wk_code bench_printf(wk_buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "12.3 µs" (three significant digits, unit chosen by size). */
void bench_format_time(char *out, size_t cap, double seconds);
/* The machine line: "AMD EPYC, 2 cores; gcc 12.2.0, Release; ..." */
void bench_env_line(const bench_result *r, char *out, size_t cap);

/*
 * A grid of text cells, rendered aligned for a terminal or as a Markdown
 * table. A cell may be marked (the best of its column): the table appends
 * '*', Markdown makes it bold.
 */
typedef struct bench_grid bench_grid;
bench_grid *bench_grid_new(size_t columns);
void bench_grid_free(bench_grid *g);
/* align: 'l' or 'r' per column, as a string ("lrrr"). */
void bench_grid_align(bench_grid *g, const char *align);
/* The mark the table appends to a marked cell ('*' unless set). */
void bench_grid_mark_char(bench_grid *g, char mark);
/* Appends a row of `columns` cells; marked[] may be NULL. False on exhaustion. */
bool bench_grid_row(bench_grid *g, const char *const *cells, const bool *marked);
/* Appends a row of a label and one text across the other columns. */
bool bench_grid_span(bench_grid *g, const char *label, const char *text);
/* Rows after the header: how many there are. */
size_t bench_grid_rows(const bench_grid *g);
wk_code bench_grid_table(const bench_grid *g, const char *indent, wk_buf *out);
wk_code bench_grid_markdown(const bench_grid *g, wk_buf *out);

/* Display width of UTF-8 text: one column per character. */
size_t bench_text_width(const char *text);

/* ---- bench_chart.c ---- */

/* Appends a self-contained SVG chart of r. */
wk_code bench_chart_write(const bench_result *r, wk_buf *out);

/* ---- bench_compare.c ---- */

/*
 * Reads a JSON report (schema wirekit-bench/1) into r. On failure returns
 * false with a sentence in why.
 */
bool bench_result_load(const uint8_t *json, size_t len, bench_result *r, char *why, size_t cap);

/*
 * Appends the comparison of `now` against `base` in the given form: per
 * (file, format) the ratio now/base of sizes and median times, each flagged
 * when it changed by more than the spread of both runs. *changed receives
 * how many cells were flagged (may be NULL).
 */
wk_code bench_compare_write(const bench_result *base, const bench_result *now, bench_output form,
                            wk_buf *out, size_t *changed);

#endif
