/*
 * Saved runs of wirekit bench: reading a JSON report back (with the library
 * itself: the json format and the value tree, no other JSON reader), and
 * comparing two results cell by cell.
 *
 * The comparison pairs files by path and formats by name. Per cell it gives
 * the ratio now / base of the sizes, the arena bytes and the median times.
 * A size or arena count is deterministic, so any change is flagged; a time
 * is flagged when the medians differ by more than the spread of both runs,
 * |now - base| > MAD(now) + MAD(base).
 */
#include "bench.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading a report ---- */

typedef struct load_ctx {
    char *why;
    size_t cap;
} load_ctx;

static bool load_fail(load_ctx *c, const char *what, const char *detail)
{
    snprintf(c->why, c->cap, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
    return false;
}

static const wk_value *load_get(const wk_value *map, const char *key)
{
    return map && map->kind == WK_MAP ? wk_map_get(map, key) : NULL;
}

static double load_number(const wk_value *v)
{
    if (!v) return NAN;
    switch (v->kind) {
    case WK_INT: return (double)v->as.i;
    case WK_UINT: return (double)v->as.u;
    case WK_DOUBLE: return v->as.d;
    default: return NAN;
    }
}

static uint64_t load_count(const wk_value *v)
{
    if (v && v->kind == WK_INT && v->as.i >= 0) return (uint64_t)v->as.i;
    if (v && v->kind == WK_UINT) return v->as.u;
    return 0;
}

static void load_string(const wk_value *v, char *out, size_t cap)
{
    if (v && v->kind == WK_STRING) snprintf(out, cap, "%.*s", (int)v->len, v->as.str);
    else if (cap) out[0] = '\0';
}

static bench_stat load_stat(const wk_value *v)
{
    bench_stat s = {0};
    if (!v || v->kind != WK_MAP) return s;
    s.median = load_number(load_get(v, "median_ns")) / 1e9;
    s.mad = load_number(load_get(v, "mad_ns")) / 1e9;
    s.min = load_number(load_get(v, "min_ns")) / 1e9;
    s.p10 = load_number(load_get(v, "p10_ns")) / 1e9;
    s.p90 = load_number(load_get(v, "p90_ns")) / 1e9;
    s.max = load_number(load_get(v, "max_ns")) / 1e9;
    s.samples = load_count(load_get(v, "samples"));
    s.ok = !isnan(s.median) && !isnan(s.mad);
    if (isnan(s.min)) s.min = s.median;
    if (isnan(s.max)) s.max = s.median;
    if (isnan(s.p10)) s.p10 = s.min;
    if (isnan(s.p90)) s.p90 = s.max;
    return s;
}

static void load_cell(const wk_value *v, bench_cell *c)
{
    memset(c, 0, sizeof *c);
    if (!v || v->kind != WK_MAP) {
        snprintf(c->why, sizeof c->why, "not in the report");
        return;
    }
    const wk_value *ok = load_get(v, "ok");
    c->ok = ok && ok->kind == WK_BOOL && ok->as.b;
    if (!c->ok) {
        load_string(load_get(v, "error"), c->why, sizeof c->why);
        return;
    }
    c->bytes = load_count(load_get(v, "bytes"));
    c->zlib_bytes = load_count(load_get(v, "zlib_bytes"));
    c->zstd_bytes = load_count(load_get(v, "zstd_bytes"));
    c->arena_bytes = load_count(load_get(v, "arena_bytes"));
    for (int op = 0; op < BENCH_OPS; op++) c->op[op] = load_stat(load_get(v, bench_op_names[op]));
}

static bool load_entry(load_ctx *ctx, const bench_result *r, const wk_value *v, size_t index, bench_entry *e)
{
    char where[64];
    snprintf(where, sizeof where, "files[%zu]", index);
    const wk_value *path = load_get(v, "path");
    if (!path || path->kind != WK_STRING) return load_fail(ctx, where, "no \"path\" string");
    e->path = malloc((size_t)path->len + 1);
    if (!e->path) return load_fail(ctx, "out of memory", NULL);
    memcpy(e->path, path->as.str, path->len);
    e->path[path->len] = '\0';
    load_string(load_get(v, "source_format"), e->source, sizeof e->source);
    load_string(load_get(v, "message_type"), e->type, sizeof e->type);
    const wk_value *stream = load_get(v, "stream");
    e->stream = stream && stream->kind == WK_BOOL && stream->as.b;
    const wk_value *dataset = load_get(v, "dataset");
    e->dataset = dataset && dataset->kind == WK_BOOL && dataset->as.b;
    e->messages = load_count(load_get(v, "messages"));
    e->source_bytes = load_count(load_get(v, "source_bytes"));
    e->json_bytes = load_count(load_get(v, "json_bytes"));
    const wk_value *results = load_get(v, "results");
    if (!results || results->kind != WK_MAP) return load_fail(ctx, where, "no \"results\" object");
    for (size_t f = 0; f < r->nformats; f++) load_cell(load_get(results, r->formats[f].name), &e->cells[f]);
    return true;
}

static bool load_tree(load_ctx *ctx, const wk_value *root, bench_result *r)
{
    if (root->kind != WK_MAP) return load_fail(ctx, "not a wirekit bench report", "the top level is not an object");
    char schema[64];
    load_string(load_get(root, "schema"), schema, sizeof schema);
    if (strcmp(schema, BENCH_SCHEMA) != 0) {
        char detail[128];
        snprintf(detail, sizeof detail, "its \"schema\" is '%s', not '%s'", schema, BENCH_SCHEMA);
        return load_fail(ctx, "not a wirekit bench report this version reads", detail);
    }
    load_string(load_get(root, "command"), r->command, sizeof r->command);
    const wk_value *env = load_get(root, "environment");
    load_string(load_get(env, "date"), r->env.date, sizeof r->env.date);
    load_string(load_get(env, "cpu"), r->env.cpu, sizeof r->env.cpu);
    load_string(load_get(env, "compiler"), r->env.compiler, sizeof r->env.compiler);
    load_string(load_get(env, "build_type"), r->env.build_type, sizeof r->env.build_type);
    load_string(load_get(env, "wirekit"), r->env.wirekit, sizeof r->env.wirekit);
    load_string(load_get(env, "zlib"), r->env.zlib, sizeof r->env.zlib);
    load_string(load_get(env, "zstd"), r->env.zstd, sizeof r->env.zstd);
    r->env.cores = (long)load_count(load_get(env, "cores"));
    double min_time = load_number(load_get(load_get(root, "method"), "min_time_s"));
    r->min_time = isnan(min_time) ? 0 : min_time;

    const wk_value *formats = load_get(root, "formats");
    if (!formats || formats->kind != WK_LIST) return load_fail(ctx, "no \"formats\" list", NULL);
    if (formats->len > BENCH_MAX_FORMATS) return load_fail(ctx, "too many formats", NULL);
    for (uint32_t f = 0; f < formats->len; f++) {
        const wk_value *name = load_get(&formats->as.items[f], "name");
        if (!name || name->kind != WK_STRING) return load_fail(ctx, "formats", "an entry without a \"name\"");
        load_string(name, r->formats[f].name, sizeof r->formats[f].name);
        load_string(load_get(&formats->as.items[f], "backend"), r->formats[f].backend, sizeof r->formats[f].backend);
    }
    r->nformats = formats->len;

    const wk_value *files = load_get(root, "files");
    if (!files || files->kind != WK_LIST) return load_fail(ctx, "no \"files\" list", NULL);
    r->entries = calloc(files->len ? files->len : 1, sizeof *r->entries);
    if (!r->entries) return load_fail(ctx, "out of memory", NULL);
    for (uint32_t i = 0; i < files->len; i++) {
        r->nentries++;
        if (!load_entry(ctx, r, &files->as.items[i], i, &r->entries[i])) return false;
    }
    return true;
}

bool bench_result_load(const uint8_t *json, size_t len, bench_result *r, char *why, size_t cap)
{
    memset(r, 0, sizeof *r);
    load_ctx ctx = {why, cap};
    const wk_format *fmt = wk_format_find("json");
    if (!fmt) return load_fail(&ctx, "this build has no JSON format", NULL);
    wk_arena *arena = wk_arena_new(len);
    if (!arena) return load_fail(&ctx, "out of memory", NULL);
    const wk_value *root;
    wk_status st;
    bool ok;
    if (wk_decode(fmt, json, len, NULL, arena, &root, &st) != WK_OK) {
        char detail[WK_STATUS_MSG_MAX + 48];
        if (st.line) snprintf(detail, sizeof detail, "line %u, column %u: %s", st.line, st.col, st.msg);
        else snprintf(detail, sizeof detail, "%s", st.msg);
        ok = load_fail(&ctx, "not valid JSON", detail);
    } else {
        ok = load_tree(&ctx, root, r);
    }
    wk_arena_free(arena);
    if (!ok) bench_result_free(r);
    return ok;
}

/* ---- comparing ---- */

enum { CMP_BYTES, CMP_ZLIB, CMP_ZSTD, CMP_ENCODE, CMP_DECODE, CMP_PARSE, CMP_ARENA, CMP_METRICS };

static const char *const cmp_names[CMP_METRICS] = {"bytes", "zlib_bytes", "zstd_bytes", "encode_median_ns",
                                                   "decode_median_ns", "parse_only_median_ns",
                                                   "arena_bytes_per_message"};

/* One metric of one (file, format). */
typedef struct cmp_value {
    bool present;       /* both runs have a number */
    double base, now;   /* in the CSV/JSON unit (bytes, ns) */
    double base_spread, now_spread;
    bool changed;
    int direction;      /* +1 larger or slower, -1 smaller or faster, 0 same */
} cmp_value;

static const bench_entry *cmp_find_entry(const bench_result *r, const char *path)
{
    for (size_t i = 0; i < r->nentries; i++)
        if (!r->entries[i].failed && strcmp(r->entries[i].path, path) == 0) return &r->entries[i];
    return NULL;
}

static size_t cmp_find_format(const bench_result *r, const char *name)
{
    for (size_t f = 0; f < r->nformats; f++)
        if (strcmp(r->formats[f].name, name) == 0) return f;
    return SIZE_MAX;
}

static void cmp_metric(const bench_entry *be, const bench_cell *b, const bench_entry *ne, const bench_cell *n,
                       int metric, cmp_value *v)
{
    memset(v, 0, sizeof *v);
    if (!b->ok || !n->ok) return;
    switch (metric) {
    case CMP_BYTES: v->base = (double)b->bytes; v->now = (double)n->bytes; break;
    case CMP_ZLIB: v->base = (double)b->zlib_bytes; v->now = (double)n->zlib_bytes; break;
    case CMP_ZSTD: v->base = (double)b->zstd_bytes; v->now = (double)n->zstd_bytes; break;
    case CMP_ARENA:
        if (!be->messages || !ne->messages) return;
        v->base = (double)b->arena_bytes / (double)be->messages;
        v->now = (double)n->arena_bytes / (double)ne->messages;
        break;
    default: {
        const bench_stat *bs = &b->op[metric - CMP_ENCODE], *ns = &n->op[metric - CMP_ENCODE];
        if (!bs->ok || !ns->ok) return;
        v->base = bs->median * 1e9;
        v->now = ns->median * 1e9;
        v->base_spread = bs->mad * 1e9;
        v->now_spread = ns->mad * 1e9;
    }
    }
    v->present = true;
    double diff = v->now - v->base;
    /* The margin keeps the rounding of times read back from text from
     * tipping a difference that equals the spread over it. */
    v->changed = fabs(diff) - (v->base_spread + v->now_spread) > 1e-9 * fabs(v->base);
    /* Rounding of a saved report must not make a size look changed. */
    if (metric < CMP_ENCODE || metric == CMP_ARENA) v->changed = fabs(diff) > 1e-9 * fabs(v->base);
    v->direction = v->changed ? (diff > 0 ? 1 : -1) : 0;
}

static void cmp_ratio_text(char *out, size_t cap, const cmp_value *v)
{
    if (!v->present) snprintf(out, cap, "-");
    else if (v->base == 0) snprintf(out, cap, v->now == 0 ? "1.000" : "new");
    else snprintf(out, cap, "%.3f", v->now / v->base);
}

typedef struct cmp_counts {
    size_t cells, changed, worse, better;
} cmp_counts;

static void cmp_count(cmp_counts *c, const cmp_value *v)
{
    if (!v->present) return;
    c->cells++;
    if (!v->changed) return;
    c->changed++;
    if (v->direction > 0) c->worse++;
    else c->better++;
}

/* A (file, format) whose formats are in both runs: metrics, or why not. */
static void cmp_cell(const bench_entry *be, const bench_cell *b, const bench_entry *ne, const bench_cell *n,
                     cmp_value v[CMP_METRICS])
{
    for (int m = 0; m < CMP_METRICS; m++) cmp_metric(be, b, ne, n, m, &v[m]);
}

static const char *cmp_missing(const bench_cell *b, const bench_cell *n)
{
    if (b->ok && !n->ok) return "carried in the baseline, not now";
    if (!b->ok && n->ok) return "not carried in the baseline, carried now";
    if (!b->ok && !n->ok) return "carried in neither run";
    return NULL;
}

/* The header lines the table and Markdown share. */
static wk_code cmp_env(const bench_result *base, const bench_result *now, wk_buf *out, const char *prefix,
                       const char *suffix)
{
    char line[512];
    bench_env_line(base, line, sizeof line);
    wk_code rc = bench_printf(out, "%sbaseline: %s (%s)%s\n", prefix, line, base->env.date, suffix);
    bench_env_line(now, line, sizeof line);
    if (rc == WK_OK) rc = bench_printf(out, "%sthis run: %s (%s)%s\n", prefix, line, now->env.date, suffix);
    if (rc == WK_OK && (strcmp(base->env.cpu, now->env.cpu) != 0 || strcmp(base->env.build_type, now->env.build_type) != 0 ||
                        strcmp(base->env.compiler, now->env.compiler) != 0))
        rc = bench_printf(out, "%swarning: the runs differ in machine or build: times compare the two set-ups, "
                               "not only the code%s\n", prefix, suffix);
    return rc;
}

static wk_code cmp_grids(const bench_result *base, const bench_result *now, bool markdown, wk_buf *out,
                         cmp_counts *counts)
{
    static const char *const head[8] = {"format", "bytes", "zlib", "zstd", "encode", "decode", "parse-only",
                                        "arena/msg"};
    wk_code rc = WK_OK;
    /* Totals per format of this run, over files both runs carry. */
    double sums[BENCH_MAX_FORMATS][CMP_METRICS][2];
    bool sum_ok[BENCH_MAX_FORMATS][CMP_METRICS];
    memset(sums, 0, sizeof sums);
    for (size_t f = 0; f < BENCH_MAX_FORMATS; f++)
        for (int m = 0; m < CMP_METRICS; m++) sum_ok[f][m] = true;
    bool any_pair = false;

    for (size_t i = 0; i < now->nentries && rc == WK_OK; i++) {
        const bench_entry *ne = &now->entries[i];
        if (ne->failed) continue;
        const bench_entry *be = cmp_find_entry(base, ne->path);
        if (!be) continue;
        any_pair = true;
        bench_grid *g = bench_grid_new(8);
        if (!g || !bench_grid_row(g, head, NULL)) {
            bench_grid_free(g);
            return WK_ERR_NOMEM;
        }
        bench_grid_mark_char(g, '!');
        for (size_t f = 0; f < now->nformats && rc == WK_OK; f++) {
            size_t bf = cmp_find_format(base, now->formats[f].name);
            if (bf == SIZE_MAX) continue;
            const bench_cell *b = &be->cells[bf], *n = &ne->cells[f];
            const char *missing = cmp_missing(b, n);
            if (missing) {
                if (!bench_grid_span(g, now->formats[f].name, missing)) rc = WK_ERR_NOMEM;
                if (b->ok != n->ok) {
                    counts->cells++;
                    counts->changed++;
                    if (n->ok) counts->better++;
                    else counts->worse++;
                }
                continue;
            }
            cmp_value v[CMP_METRICS];
            cmp_cell(be, b, ne, n, v);
            char text[8][32];
            bool marked[8] = {false};
            const char *cells[8];
            snprintf(text[0], sizeof text[0], "%s", now->formats[f].name);
            for (int m = 0; m < CMP_METRICS; m++) {
                cmp_ratio_text(text[m + 1], sizeof text[m + 1], &v[m]);
                marked[m + 1] = v[m].changed;
                cmp_count(counts, &v[m]);
                if (v[m].present) {
                    /* Times weigh by messages, so that the totals are time for one pass. */
                    double weight = (m >= CMP_ENCODE && m <= CMP_PARSE) ? (double)ne->messages : 1;
                    if (m == CMP_ARENA) weight = (double)ne->messages;
                    sums[f][m][0] += v[m].base * weight;
                    sums[f][m][1] += v[m].now * weight;
                } else {
                    sum_ok[f][m] = false;
                }
            }
            for (int k = 0; k < 8; k++) cells[k] = text[k];
            if (!bench_grid_row(g, cells, marked)) rc = WK_ERR_NOMEM;
        }
        if (rc == WK_OK && bench_grid_rows(g)) {
            rc = markdown ? bench_printf(out, "\n### `%s`\n\n", ne->path) : bench_printf(out, "\n%s\n", ne->path);
            if (rc == WK_OK) rc = markdown ? bench_grid_markdown(g, out) : bench_grid_table(g, "  ", out);
        }
        bench_grid_free(g);
    }
    if (rc != WK_OK || !any_pair) return rc;

    bench_grid *g = bench_grid_new(8);
    if (!g || !bench_grid_row(g, head, NULL)) {
        bench_grid_free(g);
        return WK_ERR_NOMEM;
    }
    for (size_t f = 0; f < now->nformats && rc == WK_OK; f++) {
        if (cmp_find_format(base, now->formats[f].name) == SIZE_MAX) continue;
        char text[8][32];
        const char *cells[8];
        snprintf(text[0], sizeof text[0], "%s", now->formats[f].name);
        for (int m = 0; m < CMP_METRICS; m++) {
            if (!sum_ok[f][m] || sums[f][m][0] <= 0) snprintf(text[m + 1], sizeof text[m + 1], "-");
            else snprintf(text[m + 1], sizeof text[m + 1], "%.3f", sums[f][m][1] / sums[f][m][0]);
        }
        for (int k = 0; k < 8; k++) cells[k] = text[k];
        if (!bench_grid_row(g, cells, NULL)) rc = WK_ERR_NOMEM;
    }
    if (rc == WK_OK)
        rc = markdown ? bench_printf(out, "\n### All files in both runs\n\nTotals now / baseline (no spread: not flagged).\n\n")
                      : bench_printf(out, "\nall files in both runs (totals now / baseline; no spread, not flagged)\n");
    if (rc == WK_OK) rc = markdown ? bench_grid_markdown(g, out) : bench_grid_table(g, "  ", out);
    bench_grid_free(g);
    return rc;
}

static wk_code cmp_only_in(const bench_result *a, const bench_result *b, const char *label, bool markdown,
                           wk_buf *out)
{
    wk_code rc = WK_OK;
    for (size_t i = 0; i < a->nentries && rc == WK_OK; i++) {
        if (a->entries[i].failed || cmp_find_entry(b, a->entries[i].path)) continue;
        rc = markdown ? bench_printf(out, "- only in %s: `%s`\n", label, a->entries[i].path)
                      : bench_printf(out, "only in %s: %s\n", label, a->entries[i].path);
    }
    return rc;
}

static wk_code cmp_text(const bench_result *base, const bench_result *now, bool markdown, wk_buf *out,
                        size_t *changed)
{
    cmp_counts counts = {0};
    wk_code rc = markdown ? bench_printf(out, "# wirekit bench: this run against a baseline\n\n") : WK_OK;
    if (rc == WK_OK)
        rc = bench_printf(out,
                          "%sratio = this run / baseline (sizes, median times per message);\n"
                          "%s%s = moved by more than the spread of both runs (MAD now + MAD baseline); sizes: any change\n%s",
                          markdown ? "" : "wirekit bench --compare: ", markdown ? "" : "  ",
                          markdown ? "**bold**" : "!", markdown ? "\n" : "");
    if (rc == WK_OK) rc = cmp_env(base, now, out, markdown ? "- " : "", "");
    if (rc == WK_OK) rc = cmp_grids(base, now, markdown, out, &counts);
    if (rc == WK_OK) rc = bench_printf(out, "\n");
    if (rc == WK_OK) rc = cmp_only_in(base, now, "the baseline", markdown, out);
    if (rc == WK_OK) rc = cmp_only_in(now, base, "this run", markdown, out);
    if (rc == WK_OK)
        rc = bench_printf(out, "%zu of %zu cells moved beyond the spread: %zu worse (slower, larger or no longer "
                               "carried), %zu better\n",
                          counts.changed, counts.cells, counts.worse, counts.better);
    if (changed) *changed = counts.changed;
    return rc;
}

/* ---- CSV and JSON: one record per (file, format, metric) ---- */

static wk_code cmp_csv_text(wk_buf *out, const char *text)
{
    if (!strpbrk(text, ",\"\r\n")) return bench_printf(out, "%s", text);
    wk_code rc = bench_printf(out, "\"");
    for (const char *p = text; *p && rc == WK_OK; p++)
        rc = *p == '"' ? bench_printf(out, "\"\"") : wk_buf_append(out, p, 1);
    return rc == WK_OK ? bench_printf(out, "\"") : rc;
}

static wk_code cmp_json_text(wk_buf *out, const char *text)
{
    wk_code rc = bench_printf(out, "\"");
    for (const unsigned char *p = (const unsigned char *)text; *p && rc == WK_OK; p++) {
        if (*p == '"' || *p == '\\') rc = bench_printf(out, "\\%c", *p);
        else if (*p < 0x20) rc = bench_printf(out, "\\u%04x", *p);
        else rc = wk_buf_append(out, p, 1);
    }
    return rc == WK_OK ? bench_printf(out, "\"") : rc;
}

static wk_code cmp_records(const bench_result *base, const bench_result *now, bool json, wk_buf *out,
                           size_t *changed)
{
    cmp_counts counts = {0};
    wk_code rc = json ? bench_printf(out, "{\n  \"schema\": \"wirekit-bench-compare/1\",\n  \"cells\": [")
                      : bench_printf(out, "path,format,metric,base,now,ratio,base_mad,now_mad,changed\n");
    bool first = true;
    for (size_t i = 0; i < now->nentries && rc == WK_OK; i++) {
        const bench_entry *ne = &now->entries[i];
        const bench_entry *be = ne->failed ? NULL : cmp_find_entry(base, ne->path);
        if (!be) continue;
        for (size_t f = 0; f < now->nformats && rc == WK_OK; f++) {
            size_t bf = cmp_find_format(base, now->formats[f].name);
            if (bf == SIZE_MAX) continue;
            const bench_cell *b = &be->cells[bf], *n = &ne->cells[f];
            if (b->ok != n->ok) {
                /* A format that stopped (or started) carrying the file: metric "carried", 1 or 0. */
                counts.cells++;
                counts.changed++;
                if (n->ok) counts.better++;
                else counts.worse++;
                if (json) {
                    rc = bench_printf(out, "%s\n    {\"path\": ", first ? "" : ",");
                    if (rc == WK_OK) rc = cmp_json_text(out, ne->path);
                    if (rc == WK_OK) rc = bench_printf(out, ", \"format\": ");
                    if (rc == WK_OK) rc = cmp_json_text(out, now->formats[f].name);
                    if (rc == WK_OK)
                        rc = bench_printf(out, ", \"metric\": \"carried\", \"base\": %d, \"now\": %d, \"ratio\": null, "
                                               "\"base_mad\": 0.0, \"now_mad\": 0.0, \"changed\": true}",
                                          b->ok, n->ok);
                    first = false;
                } else {
                    rc = cmp_csv_text(out, ne->path);
                    if (rc == WK_OK) rc = bench_printf(out, ",");
                    if (rc == WK_OK) rc = cmp_csv_text(out, now->formats[f].name);
                    if (rc == WK_OK) rc = bench_printf(out, ",carried,%d,%d,,0.0,0.0,true\n", b->ok, n->ok);
                }
                continue;
            }
            cmp_value v[CMP_METRICS];
            cmp_cell(be, b, ne, n, v);
            for (int m = 0; m < CMP_METRICS && rc == WK_OK; m++) {
                if (!v[m].present) continue;
                cmp_count(&counts, &v[m]);
                char ratio[32];
                cmp_ratio_text(ratio, sizeof ratio, &v[m]);
                if (json) {
                    rc = bench_printf(out, "%s\n    {\"path\": ", first ? "" : ",");
                    if (rc == WK_OK) rc = cmp_json_text(out, ne->path);
                    if (rc == WK_OK) rc = bench_printf(out, ", \"format\": ");
                    if (rc == WK_OK) rc = cmp_json_text(out, now->formats[f].name);
                    if (rc == WK_OK)
                        rc = bench_printf(out,
                                          ", \"metric\": \"%s\", \"base\": %.1f, \"now\": %.1f, \"ratio\": %s, "
                                          "\"base_mad\": %.1f, \"now_mad\": %.1f, \"changed\": %s}",
                                          cmp_names[m], v[m].base, v[m].now, v[m].base > 0 ? ratio : "null",
                                          v[m].base_spread, v[m].now_spread, v[m].changed ? "true" : "false");
                    first = false;
                } else {
                    rc = cmp_csv_text(out, ne->path);
                    if (rc == WK_OK) rc = bench_printf(out, ",");
                    if (rc == WK_OK) rc = cmp_csv_text(out, now->formats[f].name);
                    if (rc == WK_OK)
                        rc = bench_printf(out, ",%s,%.1f,%.1f,%s,%.1f,%.1f,%s\n", cmp_names[m], v[m].base, v[m].now,
                                          v[m].base > 0 ? ratio : "", v[m].base_spread, v[m].now_spread,
                                          v[m].changed ? "true" : "false");
                }
            }
        }
    }
    if (rc == WK_OK && json)
        rc = bench_printf(out, "%s],\n  \"changed\": %zu,\n  \"worse\": %zu,\n  \"better\": %zu\n}\n",
                          first ? "" : "\n  ", counts.changed, counts.worse, counts.better);
    if (changed) *changed = counts.changed;
    return rc;
}

wk_code bench_compare_write(const bench_result *base, const bench_result *now, bench_output form, wk_buf *out,
                            size_t *changed)
{
    switch (form) {
    case BENCH_OUT_CSV: return cmp_records(base, now, false, out, changed);
    case BENCH_OUT_JSON: return cmp_records(base, now, true, out, changed);
    case BENCH_OUT_MARKDOWN: return cmp_text(base, now, true, out, changed);
    default: return cmp_text(base, now, false, out, changed);
    }
}
