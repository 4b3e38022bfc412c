/*
 * The SVG chart of wirekit bench (cli/bench_chart.c) on the fixed result of
 * bench_fixture.c: it must be well-formed XML (parsed here with libxml2,
 * network off), an <svg> in the SVG namespace, with a title, the machine
 * line, a legend entry per format, one bar per (row, format) that has a
 * number in each of the two panels, and file names escaped so that they
 * read back as they were.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "bench_fixture.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

typedef struct chart_doc {
    wk_buf svg;
    xmlDocPtr doc;
    xmlNodePtr root;
} chart_doc;

static int chart_setup(void **state)
{
    chart_doc *c = calloc(1, sizeof *c);
    if (!c) return -1;
    bench_result r;
    bench_fixture_result(&r);
    wk_buf_init(&c->svg);
    if (bench_chart_write(&r, &c->svg) != WK_OK) return -1;
    bench_result_free(&r);
    c->doc = xmlReadMemory((const char *)c->svg.data, (int)c->svg.len, "chart.svg", NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    c->root = c->doc ? xmlDocGetRootElement(c->doc) : NULL;
    *state = c;
    return 0;
}

static int chart_teardown(void **state)
{
    chart_doc *c = *state;
    if (c->doc) xmlFreeDoc(c->doc);
    wk_buf_destroy(&c->svg);
    free(c);
    return 0;
}

static bool attr_is(xmlNodePtr n, const char *name, const char *value)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    bool same = v && strcmp((const char *)v, value) == 0;
    xmlFree(v);
    return same;
}

/* Elements named `name` (with attribute attr = value, when attr is given) anywhere below n. */
static size_t count(xmlNodePtr n, const char *name, const char *attr, const char *value)
{
    size_t total = 0;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (strcmp((const char *)c->name, name) == 0 && (!attr || attr_is(c, attr, value))) total++;
        total += count(c, name, attr, value);
    }
    return total;
}

/* Whether some <text> below n holds exactly `text`. */
static bool has_text(xmlNodePtr n, const char *text)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (strcmp((const char *)c->name, "text") == 0) {
            xmlChar *content = xmlNodeGetContent(c);
            bool same = content && strcmp((const char *)content, text) == 0;
            xmlFree(content);
            if (same) return true;
        }
        if (has_text(c, text)) return true;
    }
    return false;
}

static void chart_is_well_formed_svg(void **state)
{
    chart_doc *c = *state;
    assert_non_null(c->doc);
    assert_non_null(c->root);
    assert_string_equal((const char *)c->root->name, "svg");
    assert_non_null(c->root->ns);
    assert_string_equal((const char *)c->root->ns->href, "http://www.w3.org/2000/svg");
    assert_non_null(xmlHasProp(c->root, (const xmlChar *)"viewBox"));
    assert_non_null(xmlHasProp(c->root, (const xmlChar *)"width"));
    /* Self-contained: no scripts, no links out, no style sheets. */
    assert_int_equal(count(c->root, "script", NULL, NULL), 0);
    assert_int_equal(count(c->root, "image", NULL, NULL), 0);
    assert_int_equal(count(c->root, "style", NULL, NULL), 0);
    assert_null(strstr((const char *)c->svg.data, "href"));
}

static void chart_has_title_machine_legend_and_axes(void **state)
{
    chart_doc *c = *state;
    assert_int_equal(count(c->root, "title", NULL, NULL) >= 1, 1);
    assert_true(has_text(c->root, "wirekit bench: encoded size and decode time, relative to JSON (JSON = 1.0)"));
    assert_true(has_text(c->root, "Example CPU 9000 @ 3.00GHz, 8 cores; wirekit 0.1.0, Release, gcc 12.2.0"));
    /* The legend: one swatch and name per format. */
    assert_true(has_text(c->root, "json"));
    assert_true(has_text(c->root, "msgpack"));
    assert_true(has_text(c->root, "xml"));
    assert_int_equal(count(c->root, "g", "class", "legend"), 1);
    /* Two panels, each with its title and axis label, and the reference line at 1.0. */
    assert_int_equal(count(c->root, "g", "class", "panel"), 2);
    assert_true(has_text(c->root, "Encoded size"));
    assert_true(has_text(c->root, "Decode time to the model"));
    assert_true(has_text(c->root, "bytes relative to JSON (shorter is smaller)"));
    assert_true(has_text(c->root, "time per message relative to JSON (shorter is faster)"));
    assert_int_equal(count(c->root, "line", "class", "reference"), 2);
}

/*
 * Rows: the three files and "all files". Size bars: 3 + 2 (xml cannot carry
 * the stream) + 2 (JSON cannot carry the chunk: msgpack is its reference) +
 * 3 (all files JSON carries) = 10. Decode bars: 3 + 2 + 2 + 2 (xml covers
 * fewer files than JSON, so no total to compare) = 9.
 */
static void chart_has_one_bar_per_number(void **state)
{
    chart_doc *c = *state;
    assert_int_equal(count(c->root, "rect", "class", "bar"), 19);
    assert_int_equal(count(c->root, "rect", "data-format", "json"), 3 + 3);
    assert_int_equal(count(c->root, "rect", "data-format", "msgpack"), 4 + 4);
    assert_int_equal(count(c->root, "rect", "data-format", "xml"), 3 + 2);
    /* xml decodes the chunk 17.5 times slower than msgpack, far beyond the
     * others (at most 3): that bar is cut at the axis's end. */
    assert_int_equal(count(c->root, "rect", "data-clipped", "true"), 1);
    assert_true(has_text(c->root, "17.50"));
    /* The rows where the reference is not JSON say which it is. */
    assert_true(has_text(c->root, "vs msgpack"));
    assert_true(has_text(c->root, "all files"));
}

/* The folder every file shares is dropped; the rest reads back as it was written. */
static void chart_escapes_file_names(void **state)
{
    chart_doc *c = *state;
    assert_true(has_text(c->root, "odd/a \"b\", c & <d>|e.json"));
    assert_true(has_text(c->root, "logs/records.jsonl"));
    assert_true(has_text(c->root, "binary/chunk.msgpack"));
    assert_false(has_text(c->root, "broken.json"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, chart_setup, chart_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(chart_is_well_formed_svg),
        T(chart_has_title_machine_legend_and_axes),
        T(chart_has_one_bar_per_number),
        T(chart_escapes_file_names),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
