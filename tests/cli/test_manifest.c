/*
 * corpus.txt, the manifest of a corpus folder: directives, patterns, errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "cli/manifest.h"

static void parse_ok(const char *text, cli_manifest *m)
{
    unsigned line;
    char why[256];
    if (!cli_manifest_parse(text, strlen(text), m, &line, why, sizeof why)) fail_msg("line %u: %s", line, why);
}

static void parse_fails(const char *text, unsigned want_line, const char *want_why)
{
    cli_manifest m;
    unsigned line = 99;
    char why[256];
    assert_false(cli_manifest_parse(text, strlen(text), &m, &line, why, sizeof why));
    assert_int_equal(line, want_line);
    assert_string_equal(why, want_why);
    assert_null(m.schema);
    assert_int_equal(m.type_count, 0);
}

static void test_directives(void **state)
{
    (void)state;
    cli_manifest m;
    parse_ok("# orders\n\nschema orders.proto\r\ninclude ../protos\n"
             "type order-*\t corpus.orders.OrderEvent\n  type events-batch.* corpus.orders.EventBatch  \n"
             "type * corpus.orders.Fallback",
             &m);
    assert_string_equal(m.schema, "orders.proto");
    assert_int_equal(m.include_count, 1);
    assert_string_equal(m.includes[0], "../protos");
    assert_int_equal(m.type_count, 3);
    assert_string_equal(cli_manifest_type_of(&m, "order-created.json"), "corpus.orders.OrderEvent");
    assert_string_equal(cli_manifest_type_of(&m, "order-shipped.msgpack"), "corpus.orders.OrderEvent");
    assert_string_equal(cli_manifest_type_of(&m, "events-batch.json"), "corpus.orders.EventBatch");
    /* The first matching line wins; '*' does not match a leading dot. */
    assert_string_equal(cli_manifest_type_of(&m, "other.json"), "corpus.orders.Fallback");
    assert_null(cli_manifest_type_of(&m, ".hidden.json"));
    cli_manifest_free(&m);

    parse_ok("", &m);
    assert_null(m.schema);
    assert_null(cli_manifest_type_of(&m, "a.json"));
    cli_manifest_free(&m);
}

static void test_errors(void **state)
{
    (void)state;
    parse_fails("schema a.proto\nschema b.proto\n", 2, "'schema' given twice");
    parse_fails("schema\n", 1, "'schema' takes one file name");
    parse_fails("schema a.proto b.proto\n", 1, "'schema' takes one file name");
    parse_fails("schema a.proto\ntype *.json\n", 2, "'type' takes a file pattern and a message type");
    parse_fails("schema a.proto\ntype *.json A B\n", 2, "'type' takes a file pattern and a message type");
    parse_fails("type *.json A\n", 0, "'type' lines need a 'schema' line");
    parse_fails("# ok\nsheme a.proto\n", 2, "unknown directive 'sheme' (schema, include or type)");
    parse_fails("include\n", 1, "'include' takes one folder");
    const char nul[] = "schema a\0.proto\n";
    cli_manifest m;
    unsigned line;
    char why[64];
    assert_false(cli_manifest_parse(nul, sizeof nul - 1, &m, &line, why, sizeof why));
    assert_int_equal(line, 1);
    assert_string_equal(why, "a NUL byte in the line");
    char longline[5000];
    memset(longline, 'x', sizeof longline - 1);
    longline[sizeof longline - 1] = '\0';
    parse_fails(longline, 1, "line too long");
    char many[600] = "";
    for (int i = 0; i < 17; i++) strcat(many, "include d\n");
    parse_fails(many, 17, "too many 'include' lines");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_directives),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
