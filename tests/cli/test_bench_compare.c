/*
 * Saved runs of wirekit bench (cli/bench_compare.c): reading a JSON report
 * back, refusing what is not one (with a reason), and comparing two fixed
 * reports, tests/data/bench/compare-base.json and compare-now.json, against
 * golden files. compare-now.json differs from the base on purpose:
 *
 *   odd file, json     encode 2000 -> 2030 ns (MADs 20 + 20: within the spread)
 *                      decode 4000 -> 4500 ns (MADs 40 + 40: slower, flagged)
 *   odd file, msgpack  bytes 1344 -> 1340 (any size change is flagged)
 *   stream, msgpack    decode 500 -> 450 ns (MADs 5 + 5: faster, flagged)
 *   stream, xml        now carries it (flagged: it did not before)
 *   binary/chunk       only in the baseline; new/extra.json only now
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "bench_fixture.h"

#include <stdlib.h>
#include <string.h>

static void load(const char *name, bench_result *r)
{
    wk_buf json;
    bench_fixture_read(name, &json);
    char why[512];
    if (!bench_result_load(json.data, json.len, r, why, sizeof why)) fail_msg("%s: %s", name, why);
    wk_buf_destroy(&json);
}

static void compare_golden(bench_output form, const char *golden, size_t expect_changed)
{
    bench_result base, now;
    load("compare-base.json", &base);
    load("compare-now.json", &now);
    wk_buf out;
    wk_buf_init(&out);
    size_t changed = 99;
    assert_int_equal(bench_compare_write(&base, &now, form, &out, &changed), WK_OK);
    assert_int_equal(changed, expect_changed);
    bench_fixture_golden(golden, out.data, out.len);
    wk_buf_destroy(&out);
    bench_result_free(&base);
    bench_result_free(&now);
}

static void compare_table_matches_golden(void **state)
{
    (void)state;
    compare_golden(BENCH_OUT_TABLE, "compare.txt", 4);
}

static void compare_markdown_matches_golden(void **state)
{
    (void)state;
    compare_golden(BENCH_OUT_MARKDOWN, "compare.md", 4);
}

static void compare_csv_matches_golden(void **state)
{
    (void)state;
    compare_golden(BENCH_OUT_CSV, "compare.csv", 4);
}

static void compare_json_matches_golden(void **state)
{
    (void)state;
    compare_golden(BENCH_OUT_JSON, "compare.json", 4);
}

/* The base report is the fixture written as JSON: reading it gives the fixture back. */
static void base_report_is_the_fixture(void **state)
{
    (void)state;
    bench_result fixture, base;
    bench_fixture_result(&fixture);
    load("compare-base.json", &base);
    wk_buf a, b;
    wk_buf_init(&a);
    wk_buf_init(&b);
    assert_int_equal(bench_report_write(&fixture, BENCH_OUT_JSON, &a), WK_OK);
    assert_int_equal(bench_report_write(&base, BENCH_OUT_JSON, &b), WK_OK);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    wk_buf_destroy(&a);
    wk_buf_destroy(&b);
    bench_result_free(&fixture);
    bench_result_free(&base);
}

static void a_run_against_itself_has_no_change(void **state)
{
    (void)state;
    bench_result r;
    bench_fixture_result(&r);
    wk_buf out;
    wk_buf_init(&out);
    size_t changed = 99;
    assert_int_equal(bench_compare_write(&r, &r, BENCH_OUT_TABLE, &out, &changed), WK_OK);
    assert_int_equal(changed, 0);
    assert_int_equal(wk_buf_append(&out, "", 1), WK_OK);
    assert_non_null(strstr((char *)out.data, "\n0 of 48 cells moved beyond the spread: 0 worse (slower, larger "
                                             "or no longer carried), 0 better\n"));
    /* No cell is flagged: no table row holds the mark. */
    for (const char *line = strstr((char *)out.data, "\n\n"); line; line = strchr(line + 1, '\n'))
        if (strncmp(line + 1, "  ", 2) == 0) {
            size_t len = strcspn(line + 1, "\n");
            if (memchr(line + 1, '!', len)) fail_msg("a flagged cell: %.*s", (int)len, line + 1);
        }
    assert_null(strstr((char *)out.data, "only in"));
    assert_null(strstr((char *)out.data, "warning"));
    wk_buf_destroy(&out);
    bench_result_free(&r);
}

/* |now - base| > MAD(now) + MAD(base): just inside is no change, just outside is one. */
static void times_are_flagged_beyond_the_combined_spread(void **state)
{
    (void)state;
    bench_result base, now;
    bench_fixture_result(&base);
    bench_fixture_result(&now);
    /* The odd file's json decode: 4000 ± 40 ns in both. */
    now.entries[0].cells[0].op[BENCH_DECODE].median = 4080e-9;
    size_t changed;
    wk_buf out;
    wk_buf_init(&out);
    assert_int_equal(bench_compare_write(&base, &now, BENCH_OUT_CSV, &out, &changed), WK_OK);
    assert_int_equal(changed, 0);
    now.entries[0].cells[0].op[BENCH_DECODE].median = 4081e-9;
    wk_buf_clear(&out);
    assert_int_equal(bench_compare_write(&base, &now, BENCH_OUT_CSV, &out, &changed), WK_OK);
    assert_int_equal(changed, 1);
    assert_int_equal(wk_buf_append(&out, "", 1), WK_OK);
    assert_non_null(strstr((char *)out.data, "\"corpus/odd/a \"\"b\"\", c & <d>|e.json\",json,decode_median_ns,"
                                             "4000.0,4081.0,1.020,40.0,40.0,true\n"));
    wk_buf_destroy(&out);
    bench_result_free(&base);
    bench_result_free(&now);
}

static void assert_refused(const char *json, const char *expected)
{
    bench_result r;
    char why[512] = "";
    assert_false(bench_result_load((const uint8_t *)json, strlen(json), &r, why, sizeof why));
    assert_string_equal(why, expected);
    assert_null(r.entries);
}

static void what_is_not_a_report_is_refused_with_a_reason(void **state)
{
    (void)state;
    assert_refused("{\"schema\": ", "not valid JSON: line 1, column 12: unexpected end of input");
    assert_refused("[1, 2]", "not a wirekit bench report: the top level is not an object");
    assert_refused("{\"schema\": \"wirekit-bench/2\"}",
                   "not a wirekit bench report this version reads: its \"schema\" is 'wirekit-bench/2', "
                   "not 'wirekit-bench/1'");
    assert_refused("{\"a\": 1}",
                   "not a wirekit bench report this version reads: its \"schema\" is '', not 'wirekit-bench/1'");
    assert_refused("{\"schema\": \"wirekit-bench/1\", \"formats\": {}}", "no \"formats\" list");
    assert_refused("{\"schema\": \"wirekit-bench/1\", \"formats\": [{\"name\": \"json\"}]}", "no \"files\" list");
    assert_refused("{\"schema\": \"wirekit-bench/1\", \"formats\": [], \"files\": [{\"path\": 7}]}",
                   "files[0]: no \"path\" string");
    assert_refused("{\"schema\": \"wirekit-bench/1\", \"formats\": [], \"files\": [{\"path\": \"a\"}]}",
                   "files[0]: no \"results\" object");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(compare_table_matches_golden),
        cmocka_unit_test(compare_markdown_matches_golden),
        cmocka_unit_test(compare_csv_matches_golden),
        cmocka_unit_test(compare_json_matches_golden),
        cmocka_unit_test(base_report_is_the_fixture),
        cmocka_unit_test(a_run_against_itself_has_no_change),
        cmocka_unit_test(times_are_flagged_beyond_the_combined_spread),
        cmocka_unit_test(what_is_not_a_report_is_refused_with_a_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
