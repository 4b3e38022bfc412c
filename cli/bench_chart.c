/*
 * The SVG chart of wirekit bench: one self-contained file (no scripts, no
 * external fonts or styles) that opens in a browser.
 *
 * Two panels side by side share one row per file, plus a last row for all
 * files together: on the left the encoded size, on the right the decode
 * time per message, each as horizontal grouped bars, one bar per format,
 * relative to JSON (JSON = 1.0, a dashed line). Relative values keep files
 * of 600 bytes and of a megabyte on one readable axis, and horizontal bars
 * leave room for file names without turning them. Where JSON cannot carry a
 * file (or was not measured), the row is relative to the first format that
 * carries it, and says so ("vs msgpack"). Every bar has a tooltip with the
 * absolute number. When a few bars are far longer than the rest (a format
 * ninety times slower on one file), the axis ends at the longest of the
 * others and those bars are cut at its end, with their value written on them.
 */
#include "bench.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CHART_LABEL_W 250      /* the file names */
#define CHART_PANEL_W 330
#define CHART_PANEL_GAP 50
#define CHART_MARGIN 20
#define CHART_BAR_H 12
#define CHART_GROUP_GAP 14
#define CHART_TOP 130          /* where the first row starts */
#define CHART_LABEL_MAX 36     /* characters of a file name shown */

static const char *const chart_colours[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759",
                                            "#76b7b2", "#edc948", "#b07aa1", "#ff9da7"};

/* One row of the chart: a file, or all files. */
typedef struct chart_row {
    char label[CHART_LABEL_MAX * 4 + 8];
    double size[BENCH_MAX_FORMATS];    /* relative; NaN: no bar */
    double time[BENCH_MAX_FORMATS];
    char size_tip[BENCH_MAX_FORMATS][128];
    char time_tip[BENCH_MAX_FORMATS][128];
    char size_ref[32];                 /* the reference when not JSON */
    char time_ref[32];
} chart_row;

/* Text for an XML attribute or element: &, <, >, " and ' escaped. */
static wk_code chart_text(wk_buf *out, const char *text)
{
    wk_code rc = WK_OK;
    for (const char *p = text; *p && rc == WK_OK; p++) {
        switch (*p) {
        case '&': rc = bench_printf(out, "&amp;"); break;
        case '<': rc = bench_printf(out, "&lt;"); break;
        case '>': rc = bench_printf(out, "&gt;"); break;
        case '"': rc = bench_printf(out, "&quot;"); break;
        case '\'': rc = bench_printf(out, "&apos;"); break;
        default:
            /* Control characters are not allowed in XML 1.0 at all. */
            rc = (unsigned char)*p < 0x20 && *p != '\t' ? bench_printf(out, "?") : wk_buf_append(out, p, 1);
        }
    }
    return rc;
}

/* The file's name without the folder every file shares, shortened from the left. */
static void chart_label(char *out, size_t cap, const char *path, size_t common)
{
    const char *name = path + common;
    size_t chars = bench_text_width(name);
    if (chars <= CHART_LABEL_MAX) {
        snprintf(out, cap, "%s", name);
        return;
    }
    /* Skip characters from the front until the rest fits after an ellipsis. */
    size_t skip = chars - (CHART_LABEL_MAX - 1);
    const unsigned char *p = (const unsigned char *)name;
    while (*p && skip) {
        p++;
        while ((*p & 0xC0) == 0x80) p++;
        skip--;
    }
    snprintf(out, cap, "…%s", (const char *)p);
}

/* Length of the folder prefix ("corpus/") all the files share. */
static size_t chart_common_prefix(const bench_result *r)
{
    const char *first = NULL;
    size_t common = 0;
    for (size_t i = 0; i < r->nentries; i++) {
        if (r->entries[i].failed) continue;
        const char *p = r->entries[i].path;
        if (!first) {
            first = p;
            const char *slash = strrchr(p, '/');
            common = slash ? (size_t)(slash - p) + 1 : 0;
            continue;
        }
        size_t k = 0;
        while (k < common && p[k] == first[k]) k++;
        common = k;
    }
    /* Back to the last '/' inside the shared part. */
    while (common && first[common - 1] != '/') common--;
    return common;
}

static size_t chart_json_index(const bench_result *r)
{
    for (size_t f = 0; f < r->nformats; f++)
        if (strcmp(r->formats[f].name, "json") == 0) return f;
    return SIZE_MAX;
}

static void chart_fill_file(const bench_result *r, const bench_entry *e, size_t common, chart_row *row)
{
    chart_label(row->label, sizeof row->label, e->path, common);
    size_t json = chart_json_index(r);
    /* Size reference: the file's compact JSON, else the first format that carries it. */
    double size_ref = (double)e->json_bytes;
    double time_ref = NAN;
    if (json != SIZE_MAX && e->cells[json].ok && e->cells[json].op[BENCH_DECODE].ok)
        time_ref = e->cells[json].op[BENCH_DECODE].median;
    for (size_t f = 0; f < r->nformats; f++) {
        const bench_cell *c = &e->cells[f];
        if (!c->ok) continue;
        if (!(size_ref > 0)) {
            size_ref = (double)c->bytes;
            snprintf(row->size_ref, sizeof row->size_ref, "%s", r->formats[f].name);
        }
        if (isnan(time_ref) && c->op[BENCH_DECODE].ok) {
            time_ref = c->op[BENCH_DECODE].median;
            snprintf(row->time_ref, sizeof row->time_ref, "%s", r->formats[f].name);
        }
    }
    for (size_t f = 0; f < r->nformats; f++) {
        const bench_cell *c = &e->cells[f];
        row->size[f] = row->time[f] = NAN;
        if (!c->ok) continue;
        row->size[f] = size_ref > 0 ? (double)c->bytes / size_ref : NAN;
        snprintf(row->size_tip[f], sizeof row->size_tip[f], "%s: %llu bytes", r->formats[f].name,
                 (unsigned long long)c->bytes);
        if (c->op[BENCH_DECODE].ok && time_ref > 0) {
            char t[32];
            row->time[f] = c->op[BENCH_DECODE].median / time_ref;
            bench_format_time(t, sizeof t, c->op[BENCH_DECODE].median);
            snprintf(row->time_tip[f], sizeof row->time_tip[f], "%s: %s per message", r->formats[f].name, t);
        }
    }
}

/* All files: over the files JSON carries, total bytes and time against JSON's. */
static bool chart_fill_total(const bench_result *r, chart_row *row)
{
    size_t json = chart_json_index(r);
    snprintf(row->label, sizeof row->label, "all files");
    bench_total jt;
    if (json != SIZE_MAX) bench_total_compute(r, json, &jt);
    bool any = false;
    for (size_t f = 0; f < r->nformats; f++) {
        bench_total t;
        bench_total_compute(r, f, &t);
        row->size[f] = row->time[f] = NAN;
        if (!t.json_files || !t.json_bytes) continue;
        row->size[f] = (double)t.json_own_bytes / (double)t.json_bytes;
        snprintf(row->size_tip[f], sizeof row->size_tip[f], "%s: %llu bytes in %llu files", r->formats[f].name,
                 (unsigned long long)t.json_own_bytes, (unsigned long long)t.json_files);
        any = true;
        /* Times compare only over the same files: JSON's own set. */
        if (json != SIZE_MAX && jt.json_files == t.json_files && jt.json_seconds[BENCH_DECODE] > 0 &&
            !isnan(t.json_seconds[BENCH_DECODE])) {
            row->time[f] = t.json_seconds[BENCH_DECODE] / jt.json_seconds[BENCH_DECODE];
            char s[32];
            bench_format_time(s, sizeof s, t.json_seconds[BENCH_DECODE]);
            snprintf(row->time_tip[f], sizeof row->time_tip[f], "%s: %s for one pass", r->formats[f].name, s);
        }
    }
    return any;
}

/* A step for about 4 to 8 gridlines up to max. */
static double chart_step(double max)
{
    static const double steps[] = {0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (max / steps[i] <= 8) return steps[i];
    return max / 8;
}

static int chart_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/*
 * The largest value the axis shows: all of them, unless a few outliers (a
 * format 90 times slower on one file, more than twice the 90th percentile
 * and a quarter) would squash every other bar; then the longest of the
 * others, and the outliers are cut at the edge with their value on them.
 */
static double chart_axis_max(const bench_result *r, const chart_row *rows, size_t nrows, bool time)
{
    double *values = malloc((nrows * r->nformats + 1) * sizeof *values);
    size_t n = 0;
    double max = 1;
    for (size_t i = 0; i < nrows; i++)
        for (size_t f = 0; f < r->nformats; f++) {
            double v = time ? rows[i].time[f] : rows[i].size[f];
            if (isnan(v)) continue;
            if (v > max) max = v;
            if (values) values[n++] = v;
        }
    if (values && n) {
        qsort(values, n, sizeof *values, chart_cmp);
        double typical = bench_quantile(values, n, 0.9) * 1.25;
        if (typical < 1) typical = 1;
        /* The longest bar that is no outlier sets the axis. */
        if (max > 2 * typical) {
            max = 1;
            for (size_t i = 0; i < n; i++)
                if (values[i] <= 2 * typical && values[i] > max) max = values[i];
        }
    }
    free(values);
    return max;
}

static wk_code chart_panel(wk_buf *out, const bench_result *r, const chart_row *rows, size_t nrows, bool time,
                           double x0, double y_end, const char *title, const char *axis)
{
    double max = chart_axis_max(r, rows, nrows, time);
    double step = chart_step(max);
    double top = ceil(max / step - 1e-9) * step;
    double scale = CHART_PANEL_W / top;
    wk_code rc = bench_printf(out, "<g class=\"panel\" id=\"%s\">\n", time ? "decode-time" : "size");
    if (rc == WK_OK)
        rc = bench_printf(out, "<text class=\"panel-title\" x=\"%.1f\" y=\"%d\" font-size=\"14\" font-weight=\"bold\">%s</text>\n",
                          x0, CHART_TOP - 22, title);
    /* Gridlines and tick labels. */
    for (double v = 0; v <= top + 1e-9 && rc == WK_OK; v += step) {
        double x = x0 + v * scale;
        rc = bench_printf(out,
                          "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#dddddd\"/>\n"
                          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#555555\">%g</text>\n",
                          x, CHART_TOP - 6, x, y_end, x, y_end + 16, v);
    }
    double x1 = x0 + 1.0 * scale;
    if (rc == WK_OK)
        rc = bench_printf(out,
                          "<line class=\"reference\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333333\" "
                          "stroke-dasharray=\"4 3\"/>\n"
                          "<text class=\"axis-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                          x1, CHART_TOP - 6, x1, y_end, x0 + CHART_PANEL_W / 2.0, y_end + 36, axis);
    double y = CHART_TOP;
    for (size_t i = 0; i < nrows && rc == WK_OK; i++) {
        const chart_row *row = &rows[i];
        const char *ref = time ? row->time_ref : row->size_ref;
        if (*ref) {
            rc = bench_printf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" font-style=\"italic\" "
                                   "text-anchor=\"end\" fill=\"#555555\">vs ",
                              x0 + CHART_PANEL_W, y - 2);
            if (rc == WK_OK) rc = chart_text(out, ref);
            if (rc == WK_OK) rc = bench_printf(out, "</text>\n");
        }
        for (size_t f = 0; f < r->nformats && rc == WK_OK; f++, y += CHART_BAR_H) {
            double v = time ? row->time[f] : row->size[f];
            if (isnan(v)) {
                rc = bench_printf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#888888\">n/a</text>\n",
                                  x0 + 3, y + CHART_BAR_H - 2);
                continue;
            }
            const char *colour = chart_colours[f % (sizeof chart_colours / sizeof chart_colours[0])];
            bool clipped = v > top;
            double w = (clipped ? top : v) * scale;
            rc = bench_printf(out, "<rect class=\"bar\" data-format=\"");
            if (rc == WK_OK) rc = chart_text(out, r->formats[f].name);
            if (rc == WK_OK)
                rc = bench_printf(out, "\"%s x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>",
                                  clipped ? " data-clipped=\"true\"" : "", x0, y + 1, w, CHART_BAR_H - 2, colour);
            if (rc == WK_OK) rc = chart_text(out, time ? row->time_tip[f] : row->size_tip[f]);
            if (rc == WK_OK) rc = bench_printf(out, " (%.2f)</title></rect>\n", v);
            if (rc == WK_OK && clipped)
                /* A break across the cut end, and the value on the bar. */
                rc = bench_printf(out,
                                  "<path d=\"M%.1f %.1f l4 %d M%.1f %.1f l4 %d\" stroke=\"#ffffff\" stroke-width=\"2\"/>\n"
                                  "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" font-weight=\"bold\" fill=\"#ffffff\" "
                                  "text-anchor=\"end\">%.2f</text>\n",
                                  x0 + w - 30, y + 1, CHART_BAR_H - 2, x0 + w - 25, y + 1, CHART_BAR_H - 2,
                                  x0 + w - 34, y + CHART_BAR_H - 2, v);
            else if (rc == WK_OK)
                rc = bench_printf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\">%.2f</text>\n", x0 + w + 3,
                                  y + CHART_BAR_H - 2, v);
        }
        y += CHART_GROUP_GAP;
    }
    return rc == WK_OK ? bench_printf(out, "</g>\n") : rc;
}

wk_code bench_chart_write(const bench_result *r, wk_buf *out)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nentries; i++) n += !r->entries[i].failed;
    chart_row *rows = calloc(n + 1, sizeof *rows);
    if (!rows) return WK_ERR_NOMEM;
    size_t common = chart_common_prefix(r), nrows = 0;
    for (size_t i = 0; i < r->nentries; i++)
        if (!r->entries[i].failed) chart_fill_file(r, &r->entries[i], common, &rows[nrows++]);
    /* "all files" only says something when there is more than one. */
    if (nrows > 1 && chart_fill_total(r, &rows[nrows])) nrows++;

    double group_h = (double)r->nformats * CHART_BAR_H + CHART_GROUP_GAP;
    double y_end = CHART_TOP + (double)nrows * group_h;
    double width = CHART_MARGIN + CHART_LABEL_W + 2.0 * CHART_PANEL_W + CHART_PANEL_GAP + 2 * CHART_MARGIN;
    double height = y_end + 56;
    double x_size = CHART_MARGIN + CHART_LABEL_W;
    double x_time = x_size + CHART_PANEL_W + CHART_PANEL_GAP;
    char env[512];
    bench_env_line(r, env, sizeof env);

    wk_code rc = bench_printf(out,
                              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                              "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                              "viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" "
                              "font-size=\"12\">\n<title>wirekit bench: encoded size and decode time per format</title>\n"
                              "<desc>",
                              width, height, width, height);
    if (rc == WK_OK) rc = chart_text(out, env);
    if (rc == WK_OK) rc = bench_printf(out, "</desc>\n<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
    if (rc == WK_OK)
        rc = bench_printf(out,
                          "<text class=\"title\" x=\"%d\" y=\"28\" font-size=\"18\" font-weight=\"bold\">"
                          "wirekit bench: encoded size and decode time, relative to JSON (JSON = 1.0)</text>\n"
                          "<text class=\"machine\" x=\"%d\" y=\"48\" fill=\"#555555\">",
                          CHART_MARGIN, CHART_MARGIN);
    if (rc == WK_OK) rc = chart_text(out, env);
    if (rc == WK_OK) rc = bench_printf(out, "</text>\n<g class=\"legend\">\n");
    double lx = CHART_MARGIN;
    for (size_t f = 0; f < r->nformats && rc == WK_OK; f++) {
        const char *colour = chart_colours[f % (sizeof chart_colours / sizeof chart_colours[0])];
        rc = bench_printf(out, "<rect x=\"%.1f\" y=\"62\" width=\"12\" height=\"12\" fill=\"%s\"/>\n"
                               "<text x=\"%.1f\" y=\"72\">", lx, colour, lx + 16);
        if (rc == WK_OK) rc = chart_text(out, r->formats[f].name);
        if (rc == WK_OK) rc = bench_printf(out, "</text>\n");
        lx += 30 + 8.0 * (double)bench_text_width(r->formats[f].name);
    }
    if (rc == WK_OK) rc = bench_printf(out, "</g>\n<g class=\"labels\">\n");
    for (size_t i = 0; i < nrows && rc == WK_OK; i++) {
        double y = CHART_TOP + (double)i * group_h + (double)r->nformats * CHART_BAR_H / 2 + 4;
        rc = bench_printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\"%s>", x_size - 10, y,
                          i + 1 == nrows && nrows > n ? " font-weight=\"bold\"" : "");
        if (rc == WK_OK) rc = chart_text(out, rows[i].label);
        if (rc == WK_OK) rc = bench_printf(out, "</text>\n");
    }
    if (rc == WK_OK) rc = bench_printf(out, "</g>\n");
    if (rc == WK_OK)
        rc = chart_panel(out, r, rows, nrows, false, x_size, y_end, "Encoded size",
                         "bytes relative to JSON (shorter is smaller)");
    if (rc == WK_OK)
        rc = chart_panel(out, r, rows, nrows, true, x_time, y_end, "Decode time to the model",
                         "time per message relative to JSON (shorter is faster)");
    if (rc == WK_OK) rc = bench_printf(out, "</svg>\n");
    free(rows);
    return rc;
}
