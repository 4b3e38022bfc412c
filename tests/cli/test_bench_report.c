/*
 * The report writers of wirekit bench (cli/bench_report.c, cli/bench_grid.c)
 * on a fixed, synthetic result (bench_fixture.c): each form against its
 * golden file under tests/data/bench/, the JSON read back with the library
 * and checked field by field against docs/bench-output.md, the CSV's
 * columns, and a JSON report read back and written again unchanged.
 *
 * WK_UPDATE_GOLDEN=1 rewrites the golden files; review the diff.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "bench_fixture.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void write_form(bench_output form, wk_buf *out)
{
    bench_result r;
    bench_fixture_result(&r);
    wk_buf_init(out);
    assert_int_equal(bench_report_write(&r, form, out), WK_OK);
    bench_result_free(&r);
}

static void golden(bench_output form, const char *name)
{
    wk_buf out;
    write_form(form, &out);
    bench_fixture_golden(name, out.data, out.len);
    wk_buf_destroy(&out);
}

static void table_matches_golden(void **state)
{
    (void)state;
    golden(BENCH_OUT_TABLE, "report.txt");
}

static void csv_matches_golden(void **state)
{
    (void)state;
    golden(BENCH_OUT_CSV, "report.csv");
}

static void json_matches_golden(void **state)
{
    (void)state;
    golden(BENCH_OUT_JSON, "report.json");
}

static void markdown_matches_golden(void **state)
{
    (void)state;
    golden(BENCH_OUT_MARKDOWN, "report.md");
}

static void output_names_parse(void **state)
{
    (void)state;
    bench_output form;
    assert_true(bench_output_parse("table", &form) && form == BENCH_OUT_TABLE);
    assert_true(bench_output_parse("csv", &form) && form == BENCH_OUT_CSV);
    assert_true(bench_output_parse("json", &form) && form == BENCH_OUT_JSON);
    assert_true(bench_output_parse("markdown", &form) && form == BENCH_OUT_MARKDOWN);
    assert_true(bench_output_parse("md", &form) && form == BENCH_OUT_MARKDOWN);
    assert_false(bench_output_parse("html", &form));
    assert_false(bench_output_parse("", &form));
}

/* ---- the table lines up ---- */

/* Every line of a table block (between blank lines) is as wide, in characters, as its header. */
static void table_rows_line_up(void **state)
{
    (void)state;
    wk_buf out;
    write_form(BENCH_OUT_TABLE, &out);
    assert_int_equal(wk_buf_append(&out, "", 1), WK_OK);
    char *text = (char *)out.data;
    size_t tables = 0;
    for (char *h = strstr(text, "\n  format "); h; h = strstr(h + 1, "\n  format ")) {
        char *line = h + 1;
        char *end = strchr(line, '\n');
        *end = '\0';
        size_t width = bench_text_width(line);
        *end = '\n';
        tables++;
        for (line = end + 1; strncmp(line, "  ", 2) == 0; line = strchr(line, '\n') + 1) {
            end = strchr(line, '\n');
            *end = '\0';
            /* A format that cannot carry the file says why: that line is free. */
            bool why = strstr(line, "not lossless") || strstr(line, "cannot encode");
            if (!why && bench_text_width(line) != width)
                fail_msg("a row is %zu characters wide, its header %zu:\n%s", bench_text_width(line), width, line);
            *end = '\n';
        }
    }
    /* Three files and the summary. */
    assert_int_equal(tables, 4);
    wk_buf_destroy(&out);
}

/* ---- the JSON schema ---- */

static const wk_value *get(const wk_value *map, const char *key)
{
    assert_non_null(map);
    assert_int_equal(map->kind, WK_MAP);
    const wk_value *v = wk_map_get(map, key);
    if (!v) fail_msg("no field \"%s\"", key);
    return v;
}

static void assert_string(const wk_value *v, const char *expected)
{
    assert_int_equal(v->kind, WK_STRING);
    assert_int_equal(v->len, strlen(expected));
    assert_memory_equal(v->as.str, expected, v->len);
}

static void assert_int_value(const wk_value *v, int64_t expected)
{
    assert_int_equal(v->kind, WK_INT);
    assert_int_equal(v->as.i, expected);
}

static double number(const wk_value *v)
{
    if (v->kind == WK_DOUBLE) return v->as.d;
    assert_int_equal(v->kind, WK_INT);
    return (double)v->as.i;
}

static void assert_keys(const wk_value *map, const char *const *keys)
{
    assert_int_equal(map->kind, WK_MAP);
    size_t n = 0;
    while (keys[n]) n++;
    if (map->len != n) fail_msg("an object has %u fields, not %zu (the first expected: %s)", map->len, n, keys[0]);
    for (size_t i = 0; i < n; i++) {
        const wk_value *k = &map->as.members[i].key;
        if (k->kind != WK_STRING || k->len != strlen(keys[i]) || memcmp(k->as.str, keys[i], k->len) != 0)
            fail_msg("field %zu is \"%.*s\", not \"%s\"", i, (int)k->len, k->as.str, keys[i]);
    }
}

static void json_has_the_documented_fields(void **state)
{
    (void)state;
    wk_buf out;
    write_form(BENCH_OUT_JSON, &out);
    wk_arena *arena = wk_arena_new(0);
    const wk_value *root;
    wk_status st;
    assert_int_equal(wk_decode(wk_format_find("json"), out.data, out.len, NULL, arena, &root, &st), WK_OK);

    static const char *const top[] = {"schema", "command", "environment", "method", "formats", "files", "summary", NULL};
    assert_keys(root, top);
    assert_string(get(root, "schema"), "wirekit-bench/1");
    assert_string(get(root, "command"), "wirekit bench --min-time 0.5 corpus/");

    const wk_value *env = get(root, "environment");
    static const char *const env_keys[] = {"date", "cpu", "cores", "compiler", "build_type", "wirekit", "zlib", "zstd", NULL};
    assert_keys(env, env_keys);
    assert_string(get(env, "cpu"), "Example CPU 9000 @ 3.00GHz");
    assert_int_value(get(env, "cores"), 8);
    assert_string(get(env, "zstd"), "1.5.4");

    const wk_value *method = get(root, "method");
    assert_true(number(get(method, "min_time_s")) == 0.5);
    assert_string(get(method, "time_unit"), "ns per message");
    assert_int_value(get(method, "zlib_level"), 6);
    assert_int_value(get(method, "zstd_level"), 3);

    const wk_value *formats = get(root, "formats");
    assert_int_equal(formats->kind, WK_LIST);
    assert_int_equal(formats->len, 3);
    assert_string(get(&formats->as.items[1], "name"), "msgpack");
    assert_string(get(&formats->as.items[1], "backend"), "msgpack-c 4.0.0");

    /* The failed file is left out. */
    const wk_value *files = get(root, "files");
    assert_int_equal(files->kind, WK_LIST);
    assert_int_equal(files->len, 3);
    const wk_value *odd = &files->as.items[0];
    static const char *const file_keys[] = {"path", "source_format", "stream", "messages", "source_bytes",
                                            "json_bytes", "results", NULL};
    assert_keys(odd, file_keys);
    assert_string(get(odd, "path"), "corpus/odd/a \"b\", c & <d>|e.json");
    assert_int_value(get(odd, "json_bytes"), 1680);
    const wk_value *json = get(get(odd, "results"), "json");
    static const char *const cell_keys[] = {"ok", "bytes", "json_ratio", "zlib_bytes", "zstd_bytes", "arena_bytes",
                                            "arena_bytes_per_message", "encode", "decode", "parse_only", NULL};
    assert_keys(json, cell_keys);
    assert_int_value(get(json, "bytes"), 1680);
    assert_int_value(get(json, "zlib_bytes"), 812);
    const wk_value *decode = get(json, "decode");
    static const char *const stat_keys[] = {"median_ns", "mad_ns", "min_ns", "p10_ns", "p90_ns", "max_ns", "samples",
                                            "messages_per_s", "mb_per_s", "json_mb_per_s", NULL};
    assert_keys(decode, stat_keys);
    assert_true(number(get(decode, "median_ns")) == 4000.0);
    assert_true(number(get(decode, "mad_ns")) == 40.0);
    assert_true(number(get(decode, "p90_ns")) == 4200.0);
    assert_int_value(get(decode, "samples"), 40);
    assert_true(number(get(decode, "messages_per_s")) == 250000.0);
    assert_true(number(get(decode, "mb_per_s")) == 420.0);   /* 1680 bytes in 4 µs */

    /* The stream: 3 messages; xml cannot carry it, and says why. */
    const wk_value *stream = &files->as.items[1];
    assert_true(get(stream, "stream")->as.b);
    assert_int_value(get(stream, "messages"), 3);
    const wk_value *xml = get(get(stream, "results"), "xml");
    static const char *const fail_keys[] = {"ok", "error", NULL};
    assert_keys(xml, fail_keys);
    assert_false(get(xml, "ok")->as.b);
    assert_string(get(xml, "error"), "message 2: cannot encode: $.message: U+001B cannot be written in XML 1.0");
    /* A failed timing is null. */
    assert_int_equal(get(get(get(stream, "results"), "msgpack"), "parse_only")->kind, WK_NULL);
    /* 3 messages of 500 ns: one pass is 1.5 µs; 780 bytes in it. */
    const wk_value *mp_decode = get(get(get(stream, "results"), "msgpack"), "decode");
    assert_true(number(get(mp_decode, "mb_per_s")) == 520.0);
    assert_true(number(get(mp_decode, "json_mb_per_s")) == 600.0);

    /* Where JSON cannot carry the file, JSON numbers are null. */
    const wk_value *chunk = &files->as.items[2];
    assert_int_equal(get(chunk, "json_bytes")->kind, WK_NULL);
    assert_int_equal(get(get(get(chunk, "results"), "msgpack"), "json_ratio")->kind, WK_NULL);

    const wk_value *summary = get(get(root, "summary"), "msgpack");
    static const char *const sum_keys[] = {"files", "messages", "bytes", "zlib_bytes", "zstd_bytes", "arena_bytes",
                                           "json_files", "json_bytes", "bytes_of_json_files", "json_ratio",
                                           "encode", "decode", "parse_only", NULL};
    assert_keys(summary, sum_keys);
    assert_int_value(get(summary, "files"), 3);
    assert_int_value(get(summary, "messages"), 5);
    assert_int_value(get(summary, "bytes"), 1344 + 780 + 4767);
    assert_int_value(get(summary, "json_files"), 2);
    assert_int_value(get(summary, "json_bytes"), 1680 + 900);
    assert_int_value(get(summary, "bytes_of_json_files"), 1344 + 780);
    /* The stream's parse-only failed: no total for it. */
    assert_int_equal(get(get(summary, "parse_only"), "mb_per_s")->kind, WK_NULL);

    wk_arena_free(arena);
    wk_buf_destroy(&out);
}

/* ---- the CSV schema ---- */

/* Splits one CSV record (RFC 4180 quoting) in place; returns the field count. */
static size_t csv_split(char *line, char **fields, size_t cap)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        assert_true(n < cap);
        if (*p == '"') {
            char *w = ++p;
            fields[n++] = w;
            for (;;) {
                if (*p == '"' && p[1] == '"') { *w++ = '"'; p += 2; }
                else if (*p == '"') { p++; break; }
                else *w++ = *p++;
            }
            *w = '\0';
            if (*p == '\0') return n;
            assert_int_equal(*p, ',');
            p++;
        } else {
            fields[n++] = p;
            char *comma = strchr(p, ',');
            if (!comma) return n;
            *comma = '\0';
            p = comma + 1;
        }
    }
}

static void csv_has_the_documented_columns(void **state)
{
    (void)state;
    wk_buf out;
    write_form(BENCH_OUT_CSV, &out);
    assert_int_equal(wk_buf_append(&out, "", 1), WK_OK);
    char *text = (char *)out.data;
    static const char *const head[] = {
        "path", "source_format", "stream", "messages", "source_bytes", "json_bytes", "format", "ok", "error",
        "bytes", "json_ratio", "zlib_bytes", "zstd_bytes", "arena_bytes", "arena_bytes_per_message"};
    static const char *const stats[] = {"median_ns", "mad_ns", "min_ns", "p10_ns", "p90_ns", "max_ns", "samples",
                                        "messages_per_s", "mb_per_s", "json_mb_per_s"};
    char *fields[128];
    char *line = text, *end = strchr(line, '\n');
    *end = '\0';
    size_t columns = csv_split(line, fields, 128);
    assert_int_equal(columns, 15 + 3 * 10);
    for (size_t i = 0; i < 15; i++) assert_string_equal(fields[i], head[i]);
    for (int op = 0; op < 3; op++)
        for (size_t k = 0; k < 10; k++) {
            char name[64];
            snprintf(name, sizeof name, "%s_%s", bench_op_names[op], stats[k]);
            assert_string_equal(fields[15 + (size_t)op * 10 + k], name);
        }
    /* One row per (file, format): 3 files × 3 formats, each as wide as the header. */
    size_t rows = 0;
    for (line = end + 1; *line; line = end + 1) {
        end = strchr(line, '\n');
        assert_non_null(end);
        *end = '\0';
        size_t n = csv_split(line, fields, 128);
        assert_int_equal(n, columns);
        rows++;
        if (rows == 1) {
            assert_string_equal(fields[0], "corpus/odd/a \"b\", c & <d>|e.json");
            assert_string_equal(fields[6], "json");
            assert_string_equal(fields[7], "true");
            assert_string_equal(fields[25], "4000.0");   /* decode_median_ns */
            assert_string_equal(fields[33], "420.000");  /* decode_mb_per_s */
        }
        if (rows == 6) {
            assert_string_equal(fields[6], "xml");
            assert_string_equal(fields[7], "false");
            assert_string_equal(fields[8], "message 2: cannot encode: $.message: U+001B cannot be written in XML 1.0");
            assert_string_equal(fields[9], "");
        }
    }
    assert_int_equal(rows, 9);
    wk_buf_destroy(&out);
}

/* ---- reading a report back ---- */

static void json_report_reads_back_unchanged(void **state)
{
    (void)state;
    wk_buf first, second;
    write_form(BENCH_OUT_JSON, &first);
    bench_result back;
    char why[512];
    if (!bench_result_load(first.data, first.len, &back, why, sizeof why)) fail_msg("%s", why);
    assert_int_equal(back.nentries, 3);
    assert_int_equal(back.nformats, 3);
    assert_string_equal(back.entries[1].path, "corpus/logs/records.jsonl");
    assert_true(back.entries[1].stream);
    assert_false(back.entries[1].cells[1].op[BENCH_PARSE].ok);
    assert_true(fabs(back.entries[0].cells[0].op[BENCH_DECODE].median - 4000e-9) < 1e-15);
    wk_buf_init(&second);
    assert_int_equal(bench_report_write(&back, BENCH_OUT_JSON, &second), WK_OK);
    assert_int_equal(first.len, second.len);
    assert_memory_equal(first.data, second.data, first.len);
    /* And so every other form is the same from the saved report. */
    wk_buf table_now, table_back;
    write_form(BENCH_OUT_TABLE, &table_now);
    wk_buf_init(&table_back);
    assert_int_equal(bench_report_write(&back, BENCH_OUT_TABLE, &table_back), WK_OK);
    assert_int_equal(table_now.len, table_back.len);
    assert_memory_equal(table_now.data, table_back.data, table_now.len);
    bench_result_free(&back);
    wk_buf_destroy(&first);
    wk_buf_destroy(&second);
    wk_buf_destroy(&table_now);
    wk_buf_destroy(&table_back);
}

/* ---- the grid ---- */

static void grid_aligns_by_characters_and_marks(void **state)
{
    (void)state;
    bench_grid *g = bench_grid_new(3);
    assert_non_null(g);
    bench_grid_align(g, "lrr");
    const char *head[] = {"name", "µs", "×"};
    const char *row1[] = {"a", "1.5 µs", "10"};
    const char *row2[] = {"bb", "12 µs", "2"};
    const bool marks[] = {false, true, false};
    assert_true(bench_grid_row(g, head, NULL));
    assert_true(bench_grid_row(g, row1, NULL));
    assert_true(bench_grid_row(g, row2, marks));
    assert_true(bench_grid_span(g, "c", "cannot carry it"));
    assert_int_equal(bench_grid_rows(g), 3);
    wk_buf out;
    wk_buf_init(&out);
    assert_int_equal(bench_grid_table(g, "  ", &out), WK_OK);
    assert_int_equal(wk_buf_append(&out, "", 1), WK_OK);
    assert_string_equal((char *)out.data, "  name     µs   ×\n"
                                          "  a    1.5 µs  10\n"
                                          "  bb    12 µs*  2\n"
                                          "  c    cannot carry it\n");
    wk_buf_clear(&out);
    assert_int_equal(bench_grid_markdown(g, &out), WK_OK);
    assert_int_equal(wk_buf_append(&out, "", 1), WK_OK);
    assert_string_equal((char *)out.data, "| name | µs | × |\n"
                                          "|---|---:|---:|\n"
                                          "| a | 1.5 µs | 10 |\n"
                                          "| bb | **12 µs** | 2 |\n"
                                          "| c | cannot carry it |  |\n");
    wk_buf_destroy(&out);
    bench_grid_free(g);
}

static void grid_markdown_escapes_pipes(void **state)
{
    (void)state;
    bench_grid *g = bench_grid_new(2);
    const char *head[] = {"a|b", "c"};
    assert_true(bench_grid_row(g, head, NULL));
    wk_buf out;
    wk_buf_init(&out);
    assert_int_equal(bench_grid_markdown(g, &out), WK_OK);
    assert_int_equal(wk_buf_append(&out, "", 1), WK_OK);
    assert_string_equal((char *)out.data, "| a\\|b | c |\n|---|---:|\n");
    wk_buf_destroy(&out);
    bench_grid_free(g);
}

static void time_units_follow_the_size(void **state)
{
    (void)state;
    char t[32];
    bench_format_time(t, sizeof t, 402e-9);
    assert_string_equal(t, "402 ns");
    bench_format_time(t, sizeof t, 5.5e-9);
    assert_string_equal(t, "5.50 ns");
    bench_format_time(t, sizeof t, 1.25e-6);
    assert_string_equal(t, "1.25 µs");
    bench_format_time(t, sizeof t, 27.75e-6);
    assert_string_equal(t, "27.8 µs");
    bench_format_time(t, sizeof t, 3.02e-3);
    assert_string_equal(t, "3.02 ms");
    bench_format_time(t, sizeof t, 2.5);
    assert_string_equal(t, "2.50 s");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_matches_golden),
        cmocka_unit_test(csv_matches_golden),
        cmocka_unit_test(json_matches_golden),
        cmocka_unit_test(markdown_matches_golden),
        cmocka_unit_test(output_names_parse),
        cmocka_unit_test(table_rows_line_up),
        cmocka_unit_test(json_has_the_documented_fields),
        cmocka_unit_test(csv_has_the_documented_columns),
        cmocka_unit_test(json_report_reads_back_unchanged),
        cmocka_unit_test(grid_aligns_by_characters_and_marks),
        cmocka_unit_test(grid_markdown_escapes_pipes),
        cmocka_unit_test(time_units_follow_the_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
