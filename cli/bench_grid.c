/*
 * A grid of text cells for the bench reports: rendered aligned for a
 * terminal (widths counted in characters, so that "µs", "±" and "×" line up)
 * or as a GitHub-flavoured Markdown table. A cell may be marked; the table
 * appends the grid's mark character ('*' unless set) in a column kept for
 * it, Markdown makes the cell bold. A "span" row holds a label and one text
 * that runs across the remaining columns (a format that cannot carry a
 * message says why there).
 */
#define _POSIX_C_SOURCE 200809L
#include "bench.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct grid_row {
    char **cells;
    bool *marked;
    bool span;
} grid_row;

struct bench_grid {
    size_t cols;
    char *align;
    char mark;
    grid_row *rows;
    size_t nrows, cap;
};

size_t bench_text_width(const char *text)
{
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if ((*p & 0xC0) != 0x80) chars++;
    return chars;
}

bench_grid *bench_grid_new(size_t columns)
{
    bench_grid *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    g->cols = columns;
    g->mark = '*';
    g->align = malloc(columns + 1);
    if (!g->align) {
        free(g);
        return NULL;
    }
    memset(g->align, 'r', columns);
    g->align[0] = 'l';
    g->align[columns] = '\0';
    return g;
}

void bench_grid_free(bench_grid *g)
{
    if (!g) return;
    for (size_t r = 0; r < g->nrows; r++) {
        for (size_t c = 0; c < g->cols; c++) free(g->rows[r].cells[c]);
        free(g->rows[r].cells);
        free(g->rows[r].marked);
    }
    free(g->rows);
    free(g->align);
    free(g);
}

void bench_grid_align(bench_grid *g, const char *align)
{
    for (size_t c = 0; c < g->cols && align[c]; c++) g->align[c] = align[c];
}

void bench_grid_mark_char(bench_grid *g, char mark)
{
    g->mark = mark;
}

static bool grid_add(bench_grid *g, const char *const *cells, const bool *marked, bool span)
{
    if (g->nrows == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 16;
        grid_row *rows = realloc(g->rows, cap * sizeof *rows);
        if (!rows) return false;
        g->rows = rows;
        g->cap = cap;
    }
    grid_row *row = &g->rows[g->nrows];
    row->cells = calloc(g->cols, sizeof *row->cells);
    row->marked = calloc(g->cols, sizeof *row->marked);
    row->span = span;
    bool ok = row->cells && row->marked;
    for (size_t c = 0; ok && c < g->cols; c++) {
        const char *text = (span && c > 1) ? "" : (cells[c] ? cells[c] : "");
        ok = (row->cells[c] = strdup(text)) != NULL;
        row->marked[c] = marked && !span ? marked[c] : false;
    }
    if (!ok) {
        if (row->cells)
            for (size_t c = 0; c < g->cols; c++) free(row->cells[c]);
        free(row->cells);
        free(row->marked);
        return false;
    }
    g->nrows++;
    return true;
}

bool bench_grid_row(bench_grid *g, const char *const *cells, const bool *marked)
{
    return grid_add(g, cells, marked, false);
}

bool bench_grid_span(bench_grid *g, const char *label, const char *text)
{
    const char *cells[2] = {label, text};
    return grid_add(g, cells, NULL, true);
}

size_t bench_grid_rows(const bench_grid *g)
{
    return g->nrows ? g->nrows - 1 : 0;
}

static wk_code grid_pad(wk_buf *out, size_t n)
{
    static const char spaces[] = "                                ";
    while (n) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        if (wk_buf_append(out, spaces, k) != WK_OK) return WK_ERR_NOMEM;
        n -= k;
    }
    return WK_OK;
}

wk_code bench_grid_table(const bench_grid *g, const char *indent, wk_buf *out)
{
    size_t *width = calloc(g->cols, sizeof *width);
    bool *slot = calloc(g->cols, sizeof *slot);   /* the column keeps room for a mark */
    if (!width || !slot) {
        free(width);
        free(slot);
        return WK_ERR_NOMEM;
    }
    for (size_t r = 0; r < g->nrows; r++)
        for (size_t c = 0; c < g->cols; c++) {
            if (g->rows[r].span && c > 0) continue;
            size_t w = bench_text_width(g->rows[r].cells[c]);
            if (w > width[c]) width[c] = w;
            if (g->rows[r].marked[c]) slot[c] = true;
        }
    wk_code rc = WK_OK;
    for (size_t r = 0; r < g->nrows && rc == WK_OK; r++) {
        const grid_row *row = &g->rows[r];
        rc = bench_printf(out, "%s", indent);
        for (size_t c = 0; c < g->cols && rc == WK_OK; c++) {
            const char *text = row->cells[c];
            if (row->span && c == 1) {
                rc = bench_printf(out, " %s", text);
                break;
            }
            if (c > 0) rc = bench_printf(out, " ");
            size_t pad = width[c] - bench_text_width(text);
            if (rc == WK_OK && g->align[c] == 'r') rc = grid_pad(out, pad);
            if (rc == WK_OK) rc = bench_printf(out, "%s", text);
            if (rc == WK_OK && slot[c]) rc = bench_printf(out, "%c", row->marked[c] ? g->mark : ' ');
            if (rc == WK_OK && g->align[c] != 'r') rc = grid_pad(out, pad);
        }
        if (rc == WK_OK) rc = bench_printf(out, "\n");
    }
    free(width);
    free(slot);
    return rc;
}

/* A Markdown table cell: '|' escaped, so that it stays one cell. */
static wk_code grid_md_text(wk_buf *out, const char *text)
{
    for (const char *p = text; *p; p++) {
        if (*p == '|' && wk_buf_append(out, "\\", 1) != WK_OK) return WK_ERR_NOMEM;
        if (wk_buf_append(out, p, 1) != WK_OK) return WK_ERR_NOMEM;
    }
    return WK_OK;
}

wk_code bench_grid_markdown(const bench_grid *g, wk_buf *out)
{
    wk_code rc = WK_OK;
    for (size_t r = 0; r < g->nrows && rc == WK_OK; r++) {
        const grid_row *row = &g->rows[r];
        rc = bench_printf(out, "|");
        for (size_t c = 0; c < g->cols && rc == WK_OK; c++) {
            const char *text = row->cells[c];
            bool bold = row->marked[c] && *text;
            rc = bench_printf(out, " %s", bold ? "**" : "");
            if (rc == WK_OK) rc = grid_md_text(out, text);
            if (rc == WK_OK) rc = bench_printf(out, "%s |", bold ? "**" : "");
        }
        if (rc == WK_OK) rc = bench_printf(out, "\n");
        if (r == 0 && rc == WK_OK) {
            rc = bench_printf(out, "|");
            for (size_t c = 0; c < g->cols && rc == WK_OK; c++)
                rc = bench_printf(out, "%s|", g->align[c] == 'r' ? "---:" : "---");
            if (rc == WK_OK) rc = bench_printf(out, "\n");
        }
    }
    return rc;
}
