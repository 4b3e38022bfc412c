/*
 * Tests for formats/media_type.c: every form of media type
 * wk_media_type_parse accepts (plain format types, structured syntax
 * suffixes, parameters as tokens and quoted strings, the three forms of
 * version), every error with its exact offset and message, writing one back
 * with wk_media_type_format, and wk_format_find agreeing with the parser.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/internal.h"

static const wk_format *fmt(const char *name)
{
    const wk_format *f = wk_format_find(name);
    assert_non_null(f);
    return f;
}

static wk_media_type parse_ok(const char *text)
{
    wk_media_type mt;
    wk_status st;
    memset(&st, 0x55, sizeof st);
    wk_code rc = wk_media_type_parse(text, strlen(text), &mt, &st);
    if (rc != WK_OK) fail_msg("'%s': %s at %zu", text, st.msg, st.offset);
    assert_int_equal(st.code, WK_OK);
    assert_string_equal(st.msg, "");
    return mt;
}

static void assert_text(const char *s, size_t len, const char *expected)
{
    assert_int_equal(len, strlen(expected));
    assert_memory_equal(s, expected, len);
}

/* Type, subtype, name, format (NULL: none) and version (parts 0: none). */
static void check(const char *text, const char *type, const char *subtype, const char *name, const char *format,
                  int parts, uint64_t major, uint64_t minor, uint64_t patch)
{
    wk_media_type mt = parse_ok(text);
    assert_text(mt.type, mt.type_len, type);
    assert_text(mt.subtype, mt.subtype_len, subtype);
    assert_text(mt.name, mt.name_len, name);
    if (format) {
        assert_non_null(mt.format);
        assert_string_equal(mt.format->name, format);
    } else {
        assert_null(mt.format);
    }
    assert_int_equal(mt.has_version, parts != 0);
    assert_int_equal(mt.version_parts, parts);
    assert_int_equal(mt.version.major, major);
    assert_int_equal(mt.version.minor, minor);
    assert_int_equal(mt.version.patch, patch);
}

static void test_plain_types(void **state)
{
    (void)state;
    check("application/json", "application", "json", "", "json", 0, 0, 0, 0);
    check("text/json", "text", "json", "", "json", 0, 0, 0, 0);
    check("application/xml", "application", "xml", "", "xml", 0, 0, 0, 0);
    check("text/xml", "text", "xml", "", "xml", 0, 0, 0, 0);
    check("application/msgpack", "application", "msgpack", "", "msgpack", 0, 0, 0, 0);
    check("application/x-msgpack", "application", "x-msgpack", "", "msgpack", 0, 0, 0, 0);
    check("application/vnd.msgpack", "application", "vnd.msgpack", "", "msgpack", 0, 0, 0, 0);
    check("application/protobuf", "application", "protobuf", "", "protobuf", 0, 0, 0, 0);
    check("application/x-protobuf", "application", "x-protobuf", "", "protobuf", 0, 0, 0, 0);
    check("application/vnd.google.protobuf", "application", "vnd.google.protobuf", "", "protobuf", 0, 0, 0, 0);
    /* Type and subtype are case-insensitive; the text is kept as written. */
    check("Application/JSON", "Application", "JSON", "", "json", 0, 0, 0, 0);
    /* A plain type may declare a version too. */
    check("application/json; version=1.2.0", "application", "json", "", "json", 3, 1, 2, 0);
}

static void test_suffixes(void **state)
{
    (void)state;
    check("application/vnd.acme.order+json", "application", "vnd.acme.order+json", "vnd.acme.order", "json", 0, 0,
          0, 0);
    check("application/vnd.acme.order+xml", "application", "vnd.acme.order+xml", "vnd.acme.order", "xml", 0, 0, 0,
          0);
    check("application/vnd.acme.order+msgpack", "application", "vnd.acme.order+msgpack", "vnd.acme.order",
          "msgpack", 0, 0, 0, 0);
    check("application/vnd.acme.order+x-msgpack", "application", "vnd.acme.order+x-msgpack", "vnd.acme.order",
          "msgpack", 0, 0, 0, 0);
    check("application/vnd.acme.order+protobuf", "application", "vnd.acme.order+protobuf", "vnd.acme.order",
          "protobuf", 0, 0, 0, 0);
    check("application/vnd.acme.order+x-protobuf", "application", "vnd.acme.order+x-protobuf", "vnd.acme.order",
          "protobuf", 0, 0, 0, 0);
    check("application/vnd.acme.order+proto", "application", "vnd.acme.order+proto", "vnd.acme.order", "protobuf",
          0, 0, 0, 0);
    check("application/problem+JSON", "application", "problem+JSON", "problem", "json", 0, 0, 0, 0);
    /* The suffix is what follows the last '+'. */
    check("application/vnd.a+b+xml", "application", "vnd.a+b+xml", "vnd.a+b", "xml", 0, 0, 0, 0);
    /* No format: the name is the whole subtype. */
    check("application/vnd.acme.order+yaml", "application", "vnd.acme.order+yaml", "vnd.acme.order+yaml", NULL, 0,
          0, 0, 0);
    check("application/vnd.acme.order", "application", "vnd.acme.order", "vnd.acme.order", NULL, 0, 0, 0, 0);
    check("text/plain", "text", "plain", "plain", NULL, 0, 0, 0, 0);
    check("application/json-seq", "application", "json-seq", "json-seq", NULL, 0, 0, 0, 0);
    check("json/application", "json", "application", "application", NULL, 0, 0, 0, 0);
}

static void test_versions(void **state)
{
    (void)state;
    check("application/vnd.acme.order+json; version=1.2.0", "application", "vnd.acme.order+json", "vnd.acme.order",
          "json", 3, 1, 2, 0);
    check("application/vnd.acme.order+json; version=2", "application", "vnd.acme.order+json", "vnd.acme.order",
          "json", 1, 2, 0, 0);
    check("application/vnd.acme.order+json; version=2.1", "application", "vnd.acme.order+json", "vnd.acme.order",
          "json", 2, 2, 1, 0);
    check("application/vnd.acme.order+json; version=0", "application", "vnd.acme.order+json", "vnd.acme.order",
          "json", 1, 0, 0, 0);
    check("application/vnd.acme.order+json; version=10.0", "application", "vnd.acme.order+json", "vnd.acme.order",
          "json", 2, 10, 0, 0);
    check("application/vnd.acme.order+json; version=\"1.2.3\"", "application", "vnd.acme.order+json",
          "vnd.acme.order", "json", 3, 1, 2, 3);
    check("application/vnd.acme.order+json; version=18446744073709551615", "application", "vnd.acme.order+json",
          "vnd.acme.order", "json", 1, UINT64_MAX, 0, 0);

    /* Pre-release and build point into the text. */
    const char *text = "application/vnd.acme.order+msgpack;version=1.2.0-rc.1+b7";
    wk_media_type mt = parse_ok(text);
    assert_int_equal(mt.version_parts, 3);
    assert_text(mt.version.prerelease, mt.version.prerelease_len, "rc.1");
    assert_true(mt.version.prerelease == text + strlen("application/vnd.acme.order+msgpack;version=1.2.0-"));
    assert_text(mt.version.build, mt.version.build_len, "b7");
}

static void test_parameters(void **state)
{
    (void)state;
    /* Spaces and tabs around ';' and '=', other parameters ignored, names case-insensitive. */
    check("application/vnd.acme.order+json;version=1.2.0", "application", "vnd.acme.order+json", "vnd.acme.order",
          "json", 3, 1, 2, 0);
    check("application/vnd.acme.order+json ; charset=utf-8 ;\tVERSION = 3.4.5 ", "application",
          "vnd.acme.order+json", "vnd.acme.order", "json", 3, 3, 4, 5);
    check("  application/json  ", "application", "json", "", "json", 0, 0, 0, 0);
    check("application/json;", "application", "json", "", "json", 0, 0, 0, 0);
    check("application/json;;  ;charset=utf-8;", "application", "json", "", "json", 0, 0, 0, 0);
    check("application/json; q=0.9; profile=\"a \\\"quoted\\\" \\\\ value; with ;\"", "application", "json", "",
          "json", 0, 0, 0, 0);
    check("application/json; charset=\"\"", "application", "json", "", "json", 0, 0, 0, 0);
    check("application/json; x=!#$%&'*+-.^_`|~09azAZ", "application", "json", "", "json", 0, 0, 0, 0);
    /* obs-text in a quoted value. */
    check("application/json; title=\"caf\xc3\xa9\"", "application", "json", "", "json", 0, 0, 0, 0);
    /* The text need not end in a NUL: only len bytes are read. */
    wk_media_type mt;
    assert_int_equal(wk_media_type_parse("application/xml; version=3junk", 26, &mt, NULL), WK_OK);
    assert_int_equal(mt.version.major, 3);
    assert_string_equal(mt.format->name, "xml");
}

typedef struct bad {
    const char *text;
    size_t offset;
    const char *msg;
} bad;

static void test_errors(void **state)
{
    (void)state;
    static const bad cases[] = {
        {"", 0, "the media type is empty"},
        {"   ", 3, "the media type is empty"},
        {"/json", 0, "expected a type such as 'application', not '/'"},
        {"application", 11, "expected '/' and a subtype after the type"},
        {"application json", 11, "expected '/' after the type"},
        {"application/", 12, "the subtype is missing"},
        {"application/;version=1", 12, "the subtype is missing"},
        {"application/json x", 17, "unexpected 'x' (expected ';' and a parameter, or the end)"},
        {"application/json/x", 16, "unexpected '/' (expected ';' and a parameter, or the end)"},
        {"appli\"cation/json", 5, "expected '/' after the type"},
        {"application/json; =1", 18, "expected a parameter name, not '='"},
        {"application/json; version", 25, "expected '=' after the parameter name 'version'"},
        {"application/json; version 1", 26, "expected '=' after the parameter name 'version'"},
        {"application/json; charset=", 26, "the parameter 'charset' has no value"},
        {"application/json; charset=;x=1", 26, "the parameter 'charset' has no value"},
        {"application/json; charset=(utf8)", 26, "'(' cannot start the value of the parameter 'charset'"},
        {"application/json; charset=\"utf-8", 26, "the quoted value of the parameter 'charset' is not closed"},
        {"application/json; charset=\"utf-8\\", 26, "the quoted value of the parameter 'charset' is not closed"},
        {"application/json; charset=\"a\x01\"", 28, "byte 0x01 is not allowed in a quoted value"},
        {"application/json; charset=\"utf-8\"x", 33, "unexpected 'x' (expected ';' and a parameter, or the end)"},
        {"application/json; version=1; version=2", 29,
         "the parameter 'version' is given twice (first at byte 18)"},
        {"application/json; Version=1;VERSION=\"1\"", 28,
         "the parameter 'version' is given twice (first at byte 18)"},
        {"application/json; version=", 26, "the parameter 'version' has no value"},
        {"application/json; version=\"\"", 27, "bad version: the version is empty"},
        {"application/json; version=v1", 26, "bad version: the major version must be a number, not 'v'"},
        {"application/json; version=01", 26, "bad version: the major version number has a leading zero"},
        {"application/json; version=1.02", 28, "bad version: the minor version number has a leading zero"},
        {"application/json; version=1.", 28, "bad version: the minor version number is missing"},
        {"application/json; version=.1", 26, "bad version: the major version number is missing"},
        {"application/json; version=1.2.", 30, "bad version: the patch version number is missing"},
        {"application/json; version=1.2.3.4", 31,
         "bad version: unexpected '.' after the patch version (expected '-', '+' or the end)"},
        {"application/json; version=1.2.x", 30, "bad version: the patch version must be a number, not 'x'"},
        {"application/json; version=1-beta", 27, "bad version: expected '.' before the minor version"},
        {"application/json; version=1.2.3-", 32, "bad version: an identifier of the pre-release is empty"},
        {"application/json; version=1.2.3-01", 32,
         "bad version: a numeric pre-release identifier must not have a leading zero"},
        {"application/json; version=18446744073709551616", 26, "bad version: the major version number is too large"},
        {"application/json; version=\"1.2.3 \"", 32,
         "bad version: unexpected ' ' after the patch version (expected '-', '+' or the end)"},
        {"application/json; version=\"1.\\2.3\"", 27, "bad version: a version needs no '\\' escapes"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wk_media_type mt;
        memset(&mt, 0x5a, sizeof mt);
        wk_media_type before = mt;
        wk_status st;
        wk_code rc = wk_media_type_parse(cases[i].text, strlen(cases[i].text), &mt, &st);
        if (rc != WK_ERR_SYNTAX || st.offset != cases[i].offset || strcmp(st.msg, cases[i].msg) != 0)
            fail_msg("'%s': got %s at %zu: %s", cases[i].text, wk_code_name(rc), st.offset, st.msg);
        assert_int_equal(st.code, WK_ERR_SYNTAX);
        /* *out is untouched on failure. */
        assert_memory_equal(&mt, &before, sizeof mt);
        /* NULL status and output are allowed. */
        assert_int_equal(wk_media_type_parse(cases[i].text, strlen(cases[i].text), NULL, NULL), WK_ERR_SYNTAX);
    }
}

static void test_argument_errors(void **state)
{
    (void)state;
    wk_status st;
    assert_int_equal(wk_media_type_parse(NULL, 3, NULL, &st), WK_ERR_INVALID);
    assert_string_equal(st.msg, "wk_media_type_parse: no text");
    assert_int_equal(wk_media_type_parse(NULL, 0, NULL, &st), WK_ERR_SYNTAX);
    assert_string_equal(st.msg, "the media type is empty");
}

static void test_format(void **state)
{
    (void)state;
    char buf[128];
    wk_semver v = {1, 2, 0, NULL, 0, NULL, 0};
    assert_int_equal(wk_media_type_format(buf, sizeof buf, "vnd.acme.order", fmt("json"), &v), 46);
    assert_string_equal(buf, "application/vnd.acme.order+json; version=1.2.0");
    wk_media_type_format(buf, sizeof buf, "vnd.acme.order", fmt("xml"), NULL);
    assert_string_equal(buf, "application/vnd.acme.order+xml");
    wk_media_type_format(buf, sizeof buf, "vnd.acme.order", fmt("mp"), &v);
    assert_string_equal(buf, "application/vnd.acme.order+msgpack; version=1.2.0");
    wk_media_type_format(buf, sizeof buf, "vnd.acme.order", fmt("pb"), &v);
    assert_string_equal(buf, "application/vnd.acme.order+protobuf; version=1.2.0");
    /* No name: the format's own media type. */
    assert_int_equal(wk_media_type_format(buf, sizeof buf, NULL, fmt("json"), NULL), 16);
    assert_string_equal(buf, "application/json");
    wk_media_type_format(buf, sizeof buf, "", fmt("protobuf"), &v);
    assert_string_equal(buf, "application/x-protobuf; version=1.2.0");
    /* No format: the name alone. */
    wk_media_type_format(buf, sizeof buf, "vnd.acme.order", NULL, NULL);
    assert_string_equal(buf, "application/vnd.acme.order");
    assert_int_equal(wk_media_type_format(buf, sizeof buf, NULL, NULL, &v), 0);
    assert_string_equal(buf, "");

    /* Pre-release and build; every written form parses back to the same. */
    const char *vt = "3.0.1-beta.2+sha.5";
    assert_int_equal(wk_semver_parse(vt, strlen(vt), &v, NULL), WK_OK);
    size_t n = wk_media_type_format(buf, sizeof buf, "vnd.acme.order", fmt("msgpack"), &v);
    assert_string_equal(buf, "application/vnd.acme.order+msgpack; version=3.0.1-beta.2+sha.5");
    assert_int_equal(n, strlen(buf));
    wk_media_type mt = parse_ok(buf);
    assert_int_equal(wk_semver_cmp(&mt.version, &v), 0);
    assert_text(mt.version.build, mt.version.build_len, "sha.5");
    assert_text(mt.name, mt.name_len, "vnd.acme.order");
    assert_ptr_equal(mt.format, fmt("msgpack"));

    /* Too small a buffer: cut, NUL-terminated, the full length returned (as snprintf). */
    char small[20];
    memset(small, 'x', sizeof small);
    assert_int_equal(wk_media_type_format(small, sizeof small, "vnd.acme.order", fmt("msgpack"), &v), n);
    assert_string_equal(small, "application/vnd.acm");
    char tiny[30];
    assert_int_equal(wk_media_type_format(tiny, sizeof tiny, "vnd.acme.order", fmt("json"), &v), n - 3);
    assert_string_equal(tiny, "application/vnd.acme.order+js");
    char exact[36];
    v.prerelease_len = v.build_len = 0;
    assert_int_equal(wk_media_type_format(exact, sizeof exact, "vnd.acme.order", fmt("json"), &v), 46);
    assert_string_equal(exact, "application/vnd.acme.order+json; ve");
    assert_int_equal(wk_media_type_format(NULL, 0, "vnd.acme.order", fmt("json"), &v), 46);
}

/* wk_format_find takes every media type the parser gives a format for, and no other. */
static void test_find_agrees(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "application/json", "application/vnd.acme.order+json; version=1.2.0", "application/vnd.acme.order+x-msgpack",
        "application/vnd.acme.order+proto;version=\"2\"", "text/xml; charset=utf-8", "application/x-protobuf",
        "application/vnd.acme.order+yaml", "application/json; version=1.x", "application/json; charset=",
        "application/json x", "text/plain",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        wk_media_type mt;
        const wk_format *expected = wk_media_type_parse(texts[i], strlen(texts[i]), &mt, NULL) == WK_OK
                                        ? mt.format : NULL;
        assert_ptr_equal(wk_format_find(texts[i]), expected);
    }
    assert_ptr_equal(wk_format_find("application/vnd.acme.order+json; version=1.2.0"), fmt("json"));
    assert_ptr_equal(wk_format_find("application/vnd.acme.order+proto;version=\"2\""), fmt("protobuf"));
    assert_null(wk_format_find("application/json; version=1.x"));
}

/*
 * Bad input never crashes or reads past len: every prefix of some media
 * types, and each byte of them replaced by bytes that matter to the
 * grammar, parse or fail with WK_ERR_SYNTAX at an offset within the text.
 * (Run under the sanitizer build to see reads past the end.)
 */
static void test_mangled(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "application/vnd.acme.order+json; version=\"1.2.0-rc.1+b\"; charset=utf-8",
        "text/xml;version=2.1 ; q=\"a\\\"b\"",
    };
    static const char swaps[] = {'\0', ';', '=', '"', '\\', '/', '+', '.', '-', ' ', '\t', 'x', '0', '\x80', '\x7f'};
    char buf[128];
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        size_t len = strlen(texts[t]);
        for (size_t cut = 0; cut <= len; cut++) {
            for (size_t at = 0; at <= cut; at++) {
                for (size_t k = 0; k < (at < cut ? sizeof swaps : 1); k++) {
                    /* An exact-size heap copy: the sanitizer sees a read past it. */
                    memcpy(buf, texts[t], cut);
                    if (at < cut) buf[at] = swaps[k];
                    char *exact = malloc(cut ? cut : 1);
                    assert_non_null(exact);
                    memcpy(exact, buf, cut);
                    wk_media_type mt;
                    wk_status st;
                    wk_code rc = wk_media_type_parse(exact, cut, &mt, &st);
                    if (rc != WK_OK) {
                        assert_int_equal(rc, WK_ERR_SYNTAX);
                        assert_true(st.offset <= cut);
                        assert_true(st.msg[0] != '\0');
                    } else {
                        assert_true(mt.type >= exact && mt.type + mt.type_len <= exact + cut);
                        assert_true(mt.subtype + mt.subtype_len <= exact + cut);
                    }
                    free(exact);
                }
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_types),
        cmocka_unit_test(test_suffixes),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_parameters),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_argument_errors),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_find_agrees),
        cmocka_unit_test(test_mangled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
