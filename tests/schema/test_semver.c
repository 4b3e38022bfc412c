/*
 * Tests for schema/semver.c (wk_semver_parse, wk_semver_cmp): the grammar of
 * Semantic Versioning 2.0.0 and its precedence rules, with the examples of
 * semver.org (the specification's items 9-11 and the valid and invalid
 * versions listed with its regular expressions).
 *
 * Texts are copied into heap buffers of exactly their length (no NUL after
 * them), so that AddressSanitizer and valgrind catch a read past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema/internal.h"

static wk_code parse(const char *text, wk_semver *out, wk_status *st)
{
    size_t n = strlen(text);
    char *copy = malloc(n ? n : 1);
    assert_non_null(copy);
    memcpy(copy, text, n);
    wk_code rc = wk_semver_parse(copy, n, out, st);
    /* prerelease and build point into the text: keep what the caller reads. */
    if (rc == WK_OK && out) {
        static char keep[16][256];
        static int slot;
        char *k = keep[slot++ % 16];
        memcpy(k, copy, n);
        if (out->prerelease) out->prerelease = k + (out->prerelease - copy);
        if (out->build) out->build = k + (out->build - copy);
    }
    free(copy);
    return rc;
}

static void test_parses_parts(void **state)
{
    (void)state;
    wk_semver v;
    wk_status st;
    assert_int_equal(parse("1.22.333-rc.1+build.5", &v, &st), WK_OK);
    assert_int_equal(st.code, WK_OK);
    assert_true(v.major == 1 && v.minor == 22 && v.patch == 333);
    assert_int_equal(v.prerelease_len, 4);
    assert_memory_equal(v.prerelease, "rc.1", 4);
    assert_int_equal(v.build_len, 7);
    assert_memory_equal(v.build, "build.5", 7);

    assert_int_equal(parse("0.0.0", &v, NULL), WK_OK);
    assert_true(v.major == 0 && v.minor == 0 && v.patch == 0);
    assert_int_equal(v.prerelease_len, 0);
    assert_int_equal(v.build_len, 0);

    assert_int_equal(parse("1.0.0+exp.sha.5114f85", &v, NULL), WK_OK);
    assert_int_equal(v.prerelease_len, 0);
    assert_int_equal(v.build_len, 15);

    assert_int_equal(parse("18446744073709551615.0.1", &v, NULL), WK_OK);
    assert_true(v.major == UINT64_MAX);
}

/* The valid versions semver.org lists beside its regular expressions. */
static void test_valid_examples(void **state)
{
    (void)state;
    static const char *const valid[] = {
        "0.0.4", "1.2.3", "10.20.30", "1.1.2-prerelease+meta", "1.1.2+meta", "1.1.2+meta-valid",
        "1.0.0-alpha", "1.0.0-beta", "1.0.0-alpha.beta", "1.0.0-alpha.beta.1", "1.0.0-alpha.1",
        "1.0.0-alpha0.valid", "1.0.0-alpha.0valid",
        "1.0.0-alpha-a.b-c-somethinglong+build.1-aef.1-its-okay", "1.0.0-rc.1+build.1",
        "2.0.0-rc.1+build.123", "1.2.3-beta", "10.2.3-DEV-SNAPSHOT", "1.2.3-SNAPSHOT-123", "1.0.0",
        "2.0.0", "1.1.7", "2.0.0+build.1848", "2.0.1-alpha.1227", "1.0.0-alpha+beta",
        "1.2.3----RC-SNAPSHOT.12.9.1--.12+788", "1.2.3----R-S.12.9.1--.12+meta",
        "1.2.3----RC-SNAPSHOT.12.9.1--.12", "1.0.0+0.build.1-rc.10000aaa-kk-0.1", "1.0.0-0A.is.legal",
        "1.0.0-0", "1.0.0+001", "1.0.0-x.7.z.92", "1.0.0-x-y-z.--",
    };
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        wk_status st;
        if (parse(valid[i], NULL, &st) != WK_OK) fail_msg("'%s' rejected: %s", valid[i], st.msg);
    }
}

/* The invalid ones, each with the offset where it goes wrong. */
static void test_invalid_examples(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t offset;
    } invalid[] = {
        {"1", 1},
        {"1.2", 3},
        {"1.2.3-0123", 6},
        {"1.2.3-0123.0123", 6},
        {"1.1.2+.123", 6},
        {"+invalid", 0},
        {"-invalid", 0},
        {"-invalid+invalid", 0},
        {"-invalid.01", 0},
        {"alpha", 0},
        {"alpha.beta", 0},
        {"alpha.beta.1", 0},
        {"alpha.1", 0},
        {"alpha+beta", 0},
        {"alpha_beta", 0},
        {"alpha.", 0},
        {"alpha..", 0},
        {"beta", 0},
        {"1.0.0-alpha_beta", 11},
        {"-alpha.", 0},
        {"1.0.0-alpha..", 12},
        {"1.0.0-alpha..1", 12},
        {"1.0.0-alpha...1", 12},
        {"01.1.1", 0},
        {"1.01.1", 2},
        {"1.1.01", 4},
        {"1.2.3.DEV", 5},
        {"1.2-SNAPSHOT", 3},
        {"1.2.31.2.3----RC-SNAPSHOT.12.09.1--..12+788", 6},
        {"1.2-RC-SNAPSHOT", 3},
        {"-1.0.3-gamma+b7718", 0},
        {"+justmeta", 0},
        {"9.8.7+meta+meta", 10},
        {"9.8.7-whatever+meta+meta", 19},
        {"v1.2.3", 0},
        {"1.2.3-", 6},
        {"1.2.3+", 6},
        {"1.2.3-a.", 8},
        {" 1.2.3", 0},
        {"1.2.3 ", 5},
        {"", 0},
        {"18446744073709551616.0.0", 0},
        {"99999999999999999999999.999999999999999999.99999999999999999", 0},
    };
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        wk_status st;
        wk_semver v = {1, 2, 3, NULL, 0, NULL, 0};
        wk_code rc = parse(invalid[i].text, &v, &st);
        if (rc != WK_ERR_SYNTAX) fail_msg("'%s' accepted", invalid[i].text);
        if (st.offset != invalid[i].offset)
            fail_msg("'%s': error at %zu, expected %zu (%s)", invalid[i].text, st.offset, invalid[i].offset, st.msg);
        assert_true(st.msg[0] != '\0');
        /* On failure *out is untouched. */
        assert_true(v.major == 1 && v.minor == 2 && v.patch == 3);
    }
}

static void test_error_messages(void **state)
{
    (void)state;
    wk_status st;
    assert_int_equal(parse("1.04.0", NULL, &st), WK_ERR_SYNTAX);
    assert_string_equal(st.msg, "the minor version number has a leading zero");
    assert_int_equal(parse("1.4", NULL, &st), WK_ERR_SYNTAX);
    assert_string_equal(st.msg, "expected '.' and the patch version");
    assert_int_equal(parse("1.2.3-01", NULL, &st), WK_ERR_SYNTAX);
    assert_string_equal(st.msg, "a numeric pre-release identifier must not have a leading zero");
    assert_int_equal(parse("1.2.3-a..b", NULL, &st), WK_ERR_SYNTAX);
    assert_string_equal(st.msg, "an identifier of the pre-release is empty");
    assert_int_equal(parse("1.2.3+a_b", NULL, &st), WK_ERR_SYNTAX);
    assert_string_equal(st.msg, "'_' is not allowed in build metadata (only 0-9, A-Z, a-z and '-')");
    assert_int_equal(parse("1.2.x", NULL, &st), WK_ERR_SYNTAX);
    assert_string_equal(st.msg, "the patch version must be a number, not 'x'");
    assert_int_equal(wk_semver_parse(NULL, 0, NULL, &st), WK_ERR_INVALID);
}

static int cmp(const char *a, const char *b)
{
    wk_semver va, vb;
    assert_int_equal(parse(a, &va, NULL), WK_OK);
    assert_int_equal(parse(b, &vb, NULL), WK_OK);
    int c = wk_semver_cmp(&va, &vb);
    return c < 0 ? -1 : c > 0;
}

/* Item 11 of the specification: each of these is lower than the next. */
static void test_precedence_chain(void **state)
{
    (void)state;
    static const char *const chain[] = {
        "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
        "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1",
    };
    size_t n = sizeof chain / sizeof chain[0];
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            int want = i < j ? -1 : i > j;
            if (cmp(chain[i], chain[j]) != want)
                fail_msg("%s vs %s: %d, expected %d", chain[i], chain[j], cmp(chain[i], chain[j]), want);
        }
    }
}

static void test_precedence_rules(void **state)
{
    (void)state;
    /* Numeric, not textual. */
    assert_int_equal(cmp("1.10.0", "1.9.0"), 1);
    assert_int_equal(cmp("10.0.0", "9.99.99"), 1);
    assert_int_equal(cmp("1.0.10", "1.0.9"), 1);
    /* Build metadata does not count. */
    assert_int_equal(cmp("1.0.0+a", "1.0.0+b"), 0);
    assert_int_equal(cmp("1.0.0-rc.1+x", "1.0.0-rc.1"), 0);
    /* Numeric identifiers are lower than alphanumeric ones. */
    assert_int_equal(cmp("1.0.0-1", "1.0.0-a"), -1);
    assert_int_equal(cmp("1.0.0-999", "1.0.0-0a"), -1);
    /* Numeric identifiers compare as numbers, of any length. */
    assert_int_equal(cmp("1.0.0-2", "1.0.0-10"), -1);
    assert_int_equal(cmp("1.0.0-18446744073709551616", "1.0.0-18446744073709551615"), 1);
    /* Alphanumeric ones in ASCII order. */
    assert_int_equal(cmp("1.0.0-B", "1.0.0-a"), -1);
    assert_int_equal(cmp("1.0.0--", "1.0.0-0a"), -1);
    assert_int_equal(cmp("1.0.0-ab", "1.0.0-abc"), -1);
    /* More identifiers is higher when the shared ones are equal. */
    assert_int_equal(cmp("1.0.0-a.b", "1.0.0-a.b.c"), -1);
    assert_int_equal(cmp("1.0.0-a.b.c", "1.0.0-a.b"), 1);
    assert_int_equal(cmp("1.0.0-a.1", "1.0.0-a.1"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parses_parts),
        cmocka_unit_test(test_valid_examples),
        cmocka_unit_test(test_invalid_examples),
        cmocka_unit_test(test_error_messages),
        cmocka_unit_test(test_precedence_chain),
        cmocka_unit_test(test_precedence_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
