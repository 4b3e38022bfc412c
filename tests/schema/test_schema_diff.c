/*
 * Tests for the schema diff (schema/diff.c, diff_rules.c, diff_write.c) and
 * the version arithmetic (schema/semver_bump.c).
 *
 * tests/data/schema-history/ holds one folder per pair of versions: old.proto,
 * new.proto, a README whose first line is the message type to compare, and
 * expected.txt, the text the diff must print for all five formats in full
 * mode, written by hand from the rules of docs/compatibility.md. Folders
 * named history-* are folders of versions for `schema check --history`.
 *
 * docs/compatibility.md holds the rules table between two markers; it must
 * be exactly what the code's table prints (WK_UPDATE_DOC=1 rewrites it).
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schema/diff_internal.h"
#include "support/files.h"

#define PAIRS_DIR WK_SOURCE_DIR "/tests/data/schema-history"
#define DOC_PATH WK_SOURCE_DIR "/docs/compatibility.md"
#define DOC_BEGIN "<!-- rules: begin (written by the code's table; see tests/schema/test_schema_diff.c) -->\n"
#define DOC_END "<!-- rules: end -->\n"

static wk_schema *load_text(const char *name, const char *text)
{
    wk_schema *s = NULL;
    wk_status st;
    if (wk_schema_load_text(name, text, strlen(text), NULL, &s, &st) != WK_OK)
        fail_msg("%s:%u:%u: %s", name, st.line, st.col, st.msg);
    return s;
}

static wk_diff *diff_texts(const char *old_text, const char *new_text, const char *type, wk_schema **os,
                           wk_schema **ns)
{
    *os = load_text("old.proto", old_text);
    *ns = load_text("new.proto", new_text);
    wk_diff *d = NULL;
    wk_diff_opts o = {type};
    wk_status st;
    if (wk_schema_diff(*os, *ns, &o, &d, &st) != WK_OK) fail_msg("diff: %s", st.msg);
    return d;
}

/* The pair folders, sorted. */
static size_t pair_dirs(char ***out)
{
    size_t n;
    *out = wkt_list_dir(PAIRS_DIR, "history-", &n);
    assert_non_null(*out);
    return n;
}

/* ---- the fixtures ---- */

static void test_fixtures(void **state)
{
    (void)state;
    char **names;
    size_t n = pair_dirs(&names);
    assert_true(n >= 30);
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    bool seen[WK_CHANGE_KIND_COUNT] = {false};
    size_t failures = 0;
    for (size_t i = 0; i < n; i++) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/%s", PAIRS_DIR, names[i]);
        /* Positions name the files as loaded: load them from inside the folder. */
        assert_int_equal(chdir(dir), 0);
        char *readme = (char *)wkt_read_file("README", NULL);
        char *expected = (char *)wkt_read_file("expected.txt", NULL);
        if (!readme || !expected) fail_msg("%s: README and expected.txt are needed", names[i]);
        readme[strcspn(readme, "\n")] = '\0';
        wk_schema *os = NULL, *ns = NULL;
        wk_status st;
        if (wk_schema_load("old.proto", NULL, &os, &st) != WK_OK || wk_schema_load("new.proto", NULL, &ns, &st) != WK_OK)
            fail_msg("%s: %s:%u: %s", names[i], st.file, st.line, st.msg);
        /* Every fixture declares its versions. */
        assert_non_null(wk_schema_main_file(os)->version);
        assert_non_null(wk_schema_main_file(ns)->version);
        wk_diff_opts o = {readme};
        wk_diff *d = NULL;
        if (wk_schema_diff(os, ns, &o, &d, &st) != WK_OK) fail_msg("%s: %s", names[i], st.msg);
        wk_buf out;
        wk_buf_init(&out);
        assert_int_equal(wk_diff_write_text(d, WK_COMPAT_ALL_FORMATS, WK_COMPAT_FULL, 0, &out), WK_OK);
        assert_int_equal(wk_buf_append(&out, "", 1), WK_OK);
        if (strcmp((const char *)out.data, expected) != 0) {
            print_error("%s: the diff differs from expected.txt:\n%s\n", names[i], (const char *)out.data);
            failures++;
        }
        for (size_t k = 0; k < wk_diff_change_count(d); k++) seen[wk_diff_change(d, k)->kind] = true;
        wk_buf_destroy(&out);
        wk_diff_free(d);
        wk_schema_free(os);
        wk_schema_free(ns);
        free(readme);
        free(expected);
        free(names[i]);
    }
    free(names);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(failures, 0);
    /* Every kind of change has a fixture that shows it. */
    for (int k = 0; k < WK_CHANGE_KIND_COUNT; k++)
        if (!seen[k]) fail_msg("no fixture shows %s", wk_change_kind_name((wk_change_kind)k));
}

/* ---- the rules table and its document ---- */

static void test_rules_cover_every_kind(void **state)
{
    (void)state;
    for (int k = 0; k < WK_CHANGE_KIND_COUNT; k++) {
        const wk__diff_rule *r = wk__diff_rule_of((wk_change_kind)k);
        if (!r) fail_msg("no rule for %s", wk_change_kind_name((wk_change_kind)k));
        assert_int_equal(r->kind, k);
        assert_non_null(r->summary);
        assert_non_null(r->level_reason);
        for (int f = 0; f < WK_COMPAT_FORMAT_COUNT; f++)
            for (int dir = 0; dir < 2; dir++) assert_true(r->cells[f][dir].reason && r->cells[f][dir].reason[0]);
    }
    assert_null(wk__diff_rule_of(WK_CHANGE_KIND_COUNT));
}

static void test_doc_matches_table(void **state)
{
    (void)state;
    wk_buf md;
    wk_buf_init(&md);
    assert_int_equal(wk__diff_rules_markdown(&md), WK_OK);
    assert_int_equal(wk_buf_append(&md, "", 1), WK_OK);
    size_t len;
    char *doc = (char *)wkt_read_file(DOC_PATH, &len);
    assert_non_null(doc);
    char *begin = strstr(doc, DOC_BEGIN);
    char *end = begin ? strstr(begin, DOC_END) : NULL;
    if (!begin || !end) fail_msg("docs/compatibility.md lacks the rules markers");
    begin += strlen(DOC_BEGIN);
    if (getenv("WK_UPDATE_DOC")) {
        FILE *f = fopen(DOC_PATH, "wb");
        assert_non_null(f);
        fwrite(doc, 1, (size_t)(begin - doc), f);
        fputs((const char *)md.data, f);
        fputs(end, f);
        fclose(f);
    } else {
        size_t n = (size_t)(end - begin);
        if (n != md.len - 1 || memcmp(begin, md.data, n) != 0)
            fail_msg("docs/compatibility.md differs from the rules table (WK_UPDATE_DOC=1 rewrites it)");
    }
    /* Every kind has its section. */
    for (int k = 0; k < WK_CHANGE_KIND_COUNT; k++) {
        char heading[96];
        snprintf(heading, sizeof heading, "\n### %s\n", wk_change_kind_name((wk_change_kind)k));
        if (!strstr(doc, heading)) fail_msg("docs/compatibility.md has no section %s", heading + 1);
    }
    free(doc);
    wk_buf_destroy(&md);
}

/* ---- names ---- */

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(wk_change_kind_name(WK_CHANGE_FIELD_RENAMED), "field-renamed");
    assert_string_equal(wk_change_kind_name(WK_CHANGE_ENUM_VALUE_REMOVED_RESERVED), "enum-value-removed-reserved");
    assert_null(wk_change_kind_name(WK_CHANGE_KIND_COUNT));
    assert_int_equal(wk_change_kind_find("field-moved-into-oneof"), WK_CHANGE_FIELD_MOVED_INTO_ONEOF);
    assert_int_equal(wk_change_kind_find("field-moved"), WK_CHANGE_KIND_COUNT);
    assert_int_equal(wk_change_kind_find(NULL), WK_CHANGE_KIND_COUNT);
    assert_string_equal(wk_compat_format_name(WK_COMPAT_MSGPACK_NUMBERS), "msgpack-numbers");
    assert_null(wk_compat_format_name(WK_COMPAT_FORMAT_COUNT));
    assert_string_equal(wk_bump_name(WK_BUMP_NONE), "none");
    assert_string_equal(wk_bump_name(WK_BUMP_MAJOR), "major");
    assert_null(wk_bump_name((wk_bump)4));
}

static void test_formats_parse(void **state)
{
    (void)state;
    uint32_t m = 0;
    wk_status st;
    assert_int_equal(wk_compat_formats_parse("json,msgpack-numbers", &m, &st), WK_OK);
    assert_int_equal(m, WK_COMPAT_MASK(WK_COMPAT_JSON) | WK_COMPAT_MASK(WK_COMPAT_MSGPACK_NUMBERS));
    assert_int_equal(wk_compat_formats_parse("pb,mp", &m, &st), WK_OK);
    assert_int_equal(m, WK_COMPAT_MASK(WK_COMPAT_PROTOBUF) | WK_COMPAT_MASK(WK_COMPAT_MSGPACK));
    assert_int_equal(wk_compat_formats_parse("all", &m, &st), WK_OK);
    assert_int_equal(m, WK_COMPAT_ALL_FORMATS);
    assert_int_equal(wk_compat_formats_parse("default", &m, &st), WK_OK);
    assert_int_equal(m, WK_COMPAT_DEFAULT_FORMATS);
    m = 7;
    assert_int_equal(wk_compat_formats_parse("json,yaml", &m, &st), WK_ERR_INVALID);
    assert_int_equal(st.offset, 5);
    assert_string_equal(st.msg, "unknown format \"yaml\" (known: protobuf, json, xml, msgpack, msgpack-numbers, all)");
    assert_int_equal(m, 7);
    assert_int_equal(wk_compat_formats_parse("json,,xml", &m, &st), WK_ERR_INVALID);
    assert_int_equal(st.offset, 5);
    assert_string_equal(st.msg, "an empty format name in \"json,,xml\"");
    assert_int_equal(wk_compat_formats_parse("", &m, &st), WK_ERR_INVALID);
    assert_int_equal(st.offset, 0);
    assert_int_equal(wk_compat_formats_parse(NULL, &m, &st), WK_ERR_INVALID);
}

/* ---- bumps by formats and mode ---- */

#define HEAD "syntax = \"proto3\";\npackage acme;\n"

static void test_bump_by_formats_and_mode(void **state)
{
    (void)state;
    wk_schema *os, *ns;
    wk_diff *d = diff_texts(HEAD "message M { string a = 1; int32 n = 2; }\n",
                            HEAD "message M { string b = 1; int64 n = 2; }\n", "acme.M", &os, &ns);
    assert_int_equal(wk_diff_change_count(d), 2);
    const wk_change *rename = wk_diff_change(d, 0), *widen = wk_diff_change(d, 1);
    assert_int_equal(rename->kind, WK_CHANGE_FIELD_RENAMED);
    assert_int_equal(widen->kind, WK_CHANGE_FIELD_TYPE_CHANGED);
    assert_string_equal(widen->detail, "int32 -> int64");
    /* A rename is invisible where fields are numbers: PATCH. */
    uint32_t numbers = WK_COMPAT_MASK(WK_COMPAT_PROTOBUF) | WK_COMPAT_MASK(WK_COMPAT_MSGPACK_NUMBERS);
    assert_int_equal(wk_change_bump(rename, numbers, WK_COMPAT_FULL), WK_BUMP_PATCH);
    assert_int_equal(wk_change_bump(rename, WK_COMPAT_MASK(WK_COMPAT_JSON), WK_COMPAT_MODE_BACKWARD), WK_BUMP_MAJOR);
    assert_int_equal(rename->bump, WK_BUMP_MAJOR);
    /* Widening: backward only is a visible but allowed change (MINOR). */
    assert_int_equal(wk_change_bump(widen, 0, WK_COMPAT_MODE_BACKWARD), WK_BUMP_MINOR);
    assert_int_equal(wk_change_bump(widen, 0, WK_COMPAT_MODE_FORWARD), WK_BUMP_MAJOR);
    assert_int_equal(wk_diff_bump(d, numbers, WK_COMPAT_MODE_BACKWARD), WK_BUMP_MINOR);
    assert_int_equal(wk_diff_bump(d, 0, WK_COMPAT_FULL), WK_BUMP_MAJOR);
    assert_true(widen->effects[WK_COMPAT_PROTOBUF][WK_COMPAT_FORWARD].breaks);
    assert_string_equal(widen->effects[WK_COMPAT_PROTOBUF][WK_COMPAT_FORWARD].reason,
                        "the same varint, but a reader of int32 truncates or reinterprets int64 values outside its range");
    assert_string_equal(rename->effects[WK_COMPAT_JSON][WK_COMPAT_BACKWARD].reason,
                        "the data's key \"a\" is unknown to the reader (it takes \"b\"): the value becomes an unknown field");
    assert_int_equal(wk_change_bump(NULL, 0, WK_COMPAT_FULL), WK_BUMP_NONE);
    wk_diff_free(d);
    wk_schema_free(os);
    wk_schema_free(ns);
}

/* Without a type: every message and enum of the files; a type no longer used is no removal. */
static void test_whole_files_and_closure(void **state)
{
    (void)state;
    const char *old_text = HEAD "message A { int32 x = 1; }\nmessage Gone { int32 y = 1; }\nenum E { E_ZERO = 0; }\n";
    const char *new_text = HEAD "message A { int32 x = 1; }\nmessage B { string z = 1; }\nenum E { E_ZERO = 0; }\n";
    wk_schema *os, *ns;
    wk_diff *d = diff_texts(old_text, new_text, NULL, &os, &ns);
    assert_int_equal(wk_diff_change_count(d), 2);
    assert_int_equal(wk_diff_change(d, 0)->kind, WK_CHANGE_MESSAGE_REMOVED);
    assert_string_equal(wk_diff_change(d, 0)->path, "acme.Gone");
    assert_int_equal(wk_diff_change(d, 0)->old_pos.line, 4);
    assert_null(wk_diff_change(d, 0)->new_pos.file);
    assert_int_equal(wk_diff_change(d, 1)->kind, WK_CHANGE_MESSAGE_ADDED);
    assert_string_equal(wk_diff_change(d, 1)->path, "acme.B");
    assert_string_equal(wk_diff_change(d, 1)->new_pos.file, "new.proto");
    wk_diff_free(d);
    wk_schema_free(os);
    wk_schema_free(ns);

    /* Restricted to A, the other types are out of sight. */
    d = diff_texts(old_text, new_text, "A", &os, &ns);
    assert_int_equal(wk_diff_change_count(d), 0);
    assert_int_equal(wk_diff_bump(d, 0, WK_COMPAT_FULL), WK_BUMP_NONE);
    wk_buf out;
    wk_buf_init(&out);
    assert_int_equal(wk_diff_write_text(d, 0, WK_COMPAT_MODE_BACKWARD, 0, &out), WK_OK);
    assert_int_equal(wk_buf_append(&out, "", 1), WK_OK);
    assert_string_equal((const char *)out.data,
                        "no changes\nrequired bump: none (formats: protobuf, json, xml, msgpack; mode: backward)\n");
    wk_buf_destroy(&out);
    wk_diff_free(d);
    wk_schema_free(os);
    wk_schema_free(ns);
}

/* A field swapped with another keeps its number: two renames, not a renumbering. */
static void test_match_by_number_first(void **state)
{
    (void)state;
    wk_schema *os, *ns;
    wk_diff *d = diff_texts(HEAD "message M { string a = 1; string b = 2; string c = 3; }\n",
                            HEAD "message M { string b = 1; string a = 2; string c = 7; }\n", "M", &os, &ns);
    assert_int_equal(wk_diff_change_count(d), 3);
    assert_int_equal(wk_diff_change(d, 0)->kind, WK_CHANGE_FIELD_RENAMED);
    assert_string_equal(wk_diff_change(d, 0)->detail, "name a -> b");
    assert_int_equal(wk_diff_change(d, 1)->kind, WK_CHANGE_FIELD_RENAMED);
    assert_string_equal(wk_diff_change(d, 1)->detail, "name b -> a");
    assert_int_equal(wk_diff_change(d, 2)->kind, WK_CHANGE_FIELD_RENUMBERED);
    assert_string_equal(wk_diff_change(d, 2)->detail, "number 3 -> 7");
    wk_diff_free(d);
    wk_schema_free(os);
    wk_schema_free(ns);
}

/* Comparing whole files, imported types (well-known ones here) are not
 * compared, but a field of one is unchanged when the type's full name is:
 * no spurious type change. */
static void test_imported_types_unchanged(void **state)
{
    (void)state;
    wk_schema *os, *ns;
    wk_diff *d = diff_texts(HEAD "import \"google/protobuf/timestamp.proto\";\n"
                                 "import \"google/protobuf/struct.proto\";\n"
                                 "message M { google.protobuf.Timestamp at = 1; google.protobuf.NullValue n = 2; }\n",
                            HEAD "import \"google/protobuf/timestamp.proto\";\n"
                                 "import \"google/protobuf/struct.proto\";\n"
                                 "message M { google.protobuf.Timestamp at = 1; google.protobuf.NullValue n = 2;\n"
                                 "  string added = 3; }\n",
                            NULL, &os, &ns);
    assert_int_equal(wk_diff_change_count(d), 1);
    assert_int_equal(wk_diff_change(d, 0)->kind, WK_CHANGE_FIELD_ADDED);
    wk_diff_free(d);
    wk_schema_free(os);
    wk_schema_free(ns);
    /* Another imported type of the same shape is still a change. */
    d = diff_texts(HEAD "import \"google/protobuf/timestamp.proto\";\n"
                        "message M { google.protobuf.Timestamp at = 1; }\n",
                   HEAD "import \"google/protobuf/duration.proto\";\n"
                        "message M { google.protobuf.Duration at = 1; }\n",
                   NULL, &os, &ns);
    assert_int_equal(wk_diff_change_count(d), 1);
    assert_int_equal(wk_diff_change(d, 0)->kind, WK_CHANGE_FIELD_TYPE_CHANGED);
    wk_diff_free(d);
    wk_schema_free(os);
    wk_schema_free(ns);
}

static void test_json_output(void **state)
{
    (void)state;
    wk_schema *os, *ns;
    wk_diff *d = diff_texts(HEAD "message M { string a = 1; }\n", HEAD "message M { string a = 1; bytes q = 2; }\n",
                            "M", &os, &ns);
    wk_buf out;
    wk_buf_init(&out);
    assert_int_equal(wk_diff_write_json(d, WK_COMPAT_MASK(WK_COMPAT_JSON), WK_COMPAT_FULL, &out), WK_OK);
    assert_int_equal(wk_buf_append(&out, "", 1), WK_OK);
    assert_string_equal((const char *)out.data,
                        "{\n"
                        "  \"formats\": [\"json\"],\n"
                        "  \"mode\": \"full\",\n"
                        "  \"changes\": [\n"
                        "    {\"kind\": \"field-added\", \"path\": \"acme.M.q\", \"detail\": \"singular bytes q = 2\",\n"
                        "     \"old\": null, \"new\": {\"file\": \"new.proto\", \"line\": 3},\n"
                        "     \"bump\": \"minor\",\n"
                        "     \"effects\": {\n"
                        "       \"json\": {\"backward\": {\"breaks\": false, \"reason\": \"old data lacks the field: the new "
                        "reader gives it its default (wirekit's typed readers of this format do not enforce required "
                        "fields: a missing one takes its default)\"}, \"forward\": {\"breaks\": false, \"reason\": \"the "
                        "old reader keeps the new field as an unknown field and writes it back out\"}}}}\n"
                        "  ],\n"
                        "  \"bump\": \"minor\"\n"
                        "}\n");
    /* And it is JSON. */
    wk_arena *a = wk_arena_new(0);
    const wk_value *v;
    wk_status st;
    assert_int_equal(wk_decode(wk_format_find("json"), out.data, out.len - 1, NULL, a, &v, &st), WK_OK);
    wk_arena_free(a);
    wk_buf_destroy(&out);
    wk_diff_free(d);
    wk_schema_free(os);
    wk_schema_free(ns);
}

static void test_bad_inputs(void **state)
{
    (void)state;
    wk_schema *s = load_text("a.proto", HEAD "message M { int32 x = 1; }\nmessage N { int32 x = 1; }\n");
    wk_schema *t = load_text("b.proto", HEAD "message N { int32 x = 1; }\n");
    wk_diff *d = (wk_diff *)&d;
    wk_status st;
    assert_int_equal(wk_schema_diff(NULL, s, NULL, &d, &st), WK_ERR_INVALID);
    assert_string_equal(st.msg, "wk_schema_diff: both schemas and the output are required");
    assert_int_equal(wk_schema_diff(s, s, NULL, NULL, &st), WK_ERR_INVALID);
    wk_diff_opts o = {"acme.M"};
    assert_int_equal(wk_schema_diff(s, t, &o, &d, &st), WK_ERR_NOT_FOUND);
    assert_string_equal(st.msg, "no message named 'acme.M' in the new schema (a short name must belong to one message only)");
    assert_ptr_equal(d, &d);
    o.type = "Nope";
    assert_int_equal(wk_schema_diff(s, t, &o, &d, NULL), WK_ERR_NOT_FOUND);
    /* The same schema on both sides: nothing changed. */
    assert_int_equal(wk_schema_diff(s, s, NULL, &d, &st), WK_OK);
    assert_int_equal(st.code, WK_OK);
    assert_int_equal(wk_diff_change_count(d), 0);
    assert_null(wk_diff_change(d, 0));
    assert_int_equal(wk_diff_write_text(NULL, 0, WK_COMPAT_FULL, 0, NULL), WK_ERR_INVALID);
    wk_diff_free(d);
    wk_diff_free(NULL);
    assert_int_equal(wk_diff_change_count(NULL), 0);
    wk_schema_free(s);
    wk_schema_free(t);
}

/* ---- version arithmetic ---- */

static wk_semver ver(const char *text)
{
    wk_semver v;
    wk_status st;
    if (wk_semver_parse(text, strlen(text), &v, &st) != WK_OK) fail_msg("%s: %s", text, st.msg);
    return v;
}

static void expect_next(const char *from, wk_bump b, const char *want)
{
    char buf[64];
    wk_semver v = ver(from);
    size_t n = wk_semver_next(&v, b, buf, sizeof buf);
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
}

static void test_semver_next(void **state)
{
    (void)state;
    expect_next("1.4.2", WK_BUMP_MAJOR, "2.0.0");
    expect_next("1.4.2", WK_BUMP_MINOR, "1.5.0");
    expect_next("1.4.2", WK_BUMP_PATCH, "1.4.3");
    expect_next("1.4.2", WK_BUMP_NONE, "1.4.3");
    expect_next("1.4.2-rc.1+build.7", WK_BUMP_MINOR, "1.5.0");
    expect_next("1.4.2-rc.1", WK_BUMP_PATCH, "1.4.3");
    /* 0.y.z: a breaking change takes the minor number, everything else the patch number. */
    expect_next("0.3.1", WK_BUMP_MAJOR, "0.4.0");
    expect_next("0.3.1", WK_BUMP_MINOR, "0.3.2");
    expect_next("0.3.1", WK_BUMP_PATCH, "0.3.2");
    expect_next("18446744073709551614.0.0", WK_BUMP_MAJOR, "18446744073709551615.0.0");
    /* A number at its largest cannot grow: no version, not one that wrapped around. */
    expect_next("18446744073709551615.0.0", WK_BUMP_MAJOR, "");
    expect_next("1.18446744073709551615.3", WK_BUMP_MINOR, "");
    expect_next("1.2.18446744073709551615", WK_BUMP_PATCH, "");
    expect_next("1.2.18446744073709551615", WK_BUMP_MINOR, "1.3.0");
    expect_next("0.18446744073709551615.0", WK_BUMP_MAJOR, "");
    /* Cut to the buffer, the length it needs all the same. */
    char small[4];
    wk_semver v = ver("10.20.30");
    assert_int_equal(wk_semver_next(&v, WK_BUMP_PATCH, small, sizeof small), 8);
    assert_string_equal(small, "10.");
}

static void expect_step(const char *from, const char *to, wk_bump declared, bool patch_ok, bool minor_ok,
                        bool major_ok, bool none_ok)
{
    wk_semver a = ver(from), b = ver(to);
    if (wk_semver_step_bump(&a, &b) != declared)
        fail_msg("%s -> %s declares %s", from, to, wk_bump_name(wk_semver_step_bump(&a, &b)));
    if (wk_semver_step_allows(&a, &b, WK_BUMP_PATCH) != patch_ok) fail_msg("%s -> %s for patch", from, to);
    if (wk_semver_step_allows(&a, &b, WK_BUMP_MINOR) != minor_ok) fail_msg("%s -> %s for minor", from, to);
    if (wk_semver_step_allows(&a, &b, WK_BUMP_MAJOR) != major_ok) fail_msg("%s -> %s for major", from, to);
    if (wk_semver_step_allows(&a, &b, WK_BUMP_NONE) != none_ok) fail_msg("%s -> %s for none", from, to);
}

static void test_semver_steps(void **state)
{
    (void)state;
    /*           from         to            declares        patch  minor  major  none */
    expect_step("1.2.3", "1.2.4", WK_BUMP_PATCH, true, false, false, true);
    expect_step("1.2.3", "1.3.0", WK_BUMP_MINOR, true, true, false, true);
    expect_step("1.2.3", "1.9.9", WK_BUMP_MINOR, true, true, false, true);
    expect_step("1.2.3", "2.0.0", WK_BUMP_MAJOR, true, true, true, true);
    expect_step("1.2.3", "2.0.0-rc.1", WK_BUMP_MAJOR, true, true, true, true);
    expect_step("1.2.3", "1.3.0-alpha", WK_BUMP_MINOR, true, true, false, true);
    /* Equal or lower: enough only when nothing changed (and lower never). */
    expect_step("1.2.3", "1.2.3", WK_BUMP_NONE, false, false, false, true);
    expect_step("1.2.3", "1.2.3+other.build", WK_BUMP_NONE, false, false, false, true);
    expect_step("1.2.3", "1.2.2", WK_BUMP_NONE, false, false, false, false);
    expect_step("2.0.0", "1.9.0", WK_BUMP_NONE, false, false, false, false);
    expect_step("1.2.3", "1.2.3-rc.1", WK_BUMP_NONE, false, false, false, false);
    /* 0.y.z: anything may change, so any higher version will do. */
    expect_step("0.3.1", "0.3.2", WK_BUMP_PATCH, true, true, true, true);
    expect_step("0.3.1", "0.4.0", WK_BUMP_MINOR, true, true, true, true);
    expect_step("0.3.1", "1.0.0", WK_BUMP_MAJOR, true, true, true, true);
    expect_step("0.3.1", "0.3.1", WK_BUMP_NONE, false, false, false, true);
    expect_step("0.3.1", "0.3.0", WK_BUMP_NONE, false, false, false, false);
    /* From a pre-release, too. */
    expect_step("2.0.0-rc.1", "2.0.0-rc.2", WK_BUMP_NONE, true, true, true, true);
    expect_step("2.0.0-rc.1", "2.0.0", WK_BUMP_NONE, true, true, true, true);
    expect_step("2.0.0-rc.2", "2.0.0-rc.1", WK_BUMP_NONE, false, false, false, false);
}

/*
 * Comparing a closure, a type that left it is not "removed" while the
 * schema still finds it by that name: by its full name, or by a suffix no
 * other type has (acme.Bar.acme.Foo for acme.Foo). With two such, it is.
 */
static void test_closure_type_found_by_suffix(void **state)
{
    (void)state;
    const char *old_text = HEAD "message Root { Foo f = 1; }\nmessage Foo { int32 a = 1; }\n";
    const char *one = HEAD "message Root { int32 f = 1; }\n"
                           "message Bar { message acme { message Foo { int32 b = 1; } } }\n";
    const char *two = HEAD "message Root { int32 f = 1; }\n"
                           "message Bar { message acme { message Foo { int32 b = 1; } } }\n"
                           "message Baz { message acme { message Foo { int32 b = 1; } } }\n";
    wk_schema *os, *ns;
    wk_diff *d = diff_texts(old_text, one, "acme.Root", &os, &ns);
    assert_int_equal(wk_diff_change_count(d), 2);
    assert_int_equal(wk_diff_change(d, 0)->kind, WK_CHANGE_FIELD_TYPE_CHANGED);
    assert_int_equal(wk_diff_change(d, 1)->kind, WK_CHANGE_FIELD_PRESENCE_CHANGED);
    wk_diff_free(d);
    wk_schema_free(os);
    wk_schema_free(ns);

    d = diff_texts(old_text, two, "acme.Root", &os, &ns);
    assert_int_equal(wk_diff_change_count(d), 3);
    assert_int_equal(wk_diff_change(d, 2)->kind, WK_CHANGE_MESSAGE_REMOVED);
    assert_string_equal(wk_diff_change(d, 2)->path, "acme.Foo");
    wk_diff_free(d);
    wk_schema_free(os);
    wk_schema_free(ns);
}

/* ---- A big schema: the diff's lookups must not be scans ---- */

#define BIG_MESSAGES 20000
#define BIG_ENUMS 2000
#define BIG_WIDE_FIELDS 3000
#define BIG_WIDE_VALUES 3000

static void put(wk_buf *b, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    assert_true(n > 0 && (size_t)n < sizeof line);
    assert_int_equal(wk_buf_append(b, line, (size_t)n), WK_OK);
}

/* The message M{i}'s field `next` refers to: two on, past the removed ones. */
static int big_next(int i)
{
    int t = (i + 2) % BIG_MESSAGES;
    return t % 1000 == 1 ? (t + 1) % BIG_MESSAGES : t;
}

/*
 * 20,000 messages and 2,000 enums, and a message and an enum of 3,000
 * fields and values. The new version, every thousandth message: removes
 * M..1, renames M..2 (same fields: moved), adds a field to M..3, widens a
 * field of M..4, removes a field of M..5 reserving its number and name;
 * adds ten messages; adds a value to E..7 and renames one of E..8 (every
 * 500th). Wide loses fields 1001-2000 (numbers reserved), renumbers
 * 2001-2100 and renames its oneof; Big renumbers 100 values and removes 100
 * (numbers reserved).
 */
static char *big_schema(bool changed)
{
    wk_buf b;
    wk_buf_init(&b);
    put(&b, "syntax = \"proto3\";\npackage big;\n");
    for (int e = 0; e < BIG_ENUMS; e++) {
        bool added = changed && e % 500 == 7, renamed = changed && e % 500 == 8;
        put(&b, "enum E%d { E%d_ZERO = 0; E%d_ONE = 1; E%d_%s = 2;", e, e, e, e, renamed ? "DEUX" : "TWO");
        put(&b, added ? " E%d_EXTRA = 3; }\n" : " }\n", e);
    }
    for (int i = 0; i < BIG_MESSAGES; i++) {
        int kind = changed ? i % 1000 : 0, next = big_next(i);
        if (kind == 1) continue;
        put(&b, "message %s%d { ", kind == 2 ? "Moved" : "M", i);
        if (kind == 5) put(&b, "reserved 1; reserved \"name\"; ");
        else put(&b, "string name = 1; ");
        put(&b, "%s count = 2; %s%d next = 3; E%d kind = 4;%s }\n", kind == 4 ? "int64" : "int32",
            changed && next % 1000 == 2 ? "Moved" : "M", next, i % BIG_ENUMS, kind == 3 ? " bool flag = 5;" : "");
    }
    for (int i = 0; changed && i < 10; i++) put(&b, "message Added%d { bool on = 1; }\n", i);
    put(&b, "message Wide {\n  oneof %s {\n", changed ? "pick" : "choice");
    for (int f = 1; f <= BIG_WIDE_FIELDS; f++) {
        if (changed && f > 1000 && f <= 2000) continue;
        int number = changed && f > 2000 && f <= 2100 ? f + 3000 : f;
        put(&b, "    int32 f%d = %d;\n", f, number);
        if (f == 500) put(&b, "  }\n");
    }
    put(&b, "%s}\nenum Big {\n", changed ? "  reserved 1001 to 2000;\n" : "");
    for (int v = 0; v < BIG_WIDE_VALUES; v++) {
        if (changed && v >= 2000 && v < 2100) continue;
        put(&b, "  V%d = %d;\n", v, changed && v >= 1000 && v < 1100 ? v + 10000 : v);
    }
    put(&b, "%s}\n", changed ? "  reserved 2000 to 2099;\n" : "");
    assert_int_equal(wk_buf_append(&b, "", 1), WK_OK);
    return (char *)b.data;
}

static void expect_change(const wk_diff *d, size_t i, wk_change_kind kind, const char *path, const char *detail)
{
    const wk_change *c = wk_diff_change(d, i);
    assert_non_null(c);
    assert_string_equal(wk_change_kind_name(c->kind), wk_change_kind_name(kind));
    assert_string_equal(c->path, path);
    assert_string_equal(c->detail, detail);
}

static void test_big_schema(void **state)
{
    (void)state;
    char *old_text = big_schema(false), *new_text = big_schema(true);
    wk_schema *os, *ns;
    wk_diff *d = diff_texts(old_text, new_text, NULL, &os, &ns);
    size_t count[WK_CHANGE_KIND_COUNT] = {0};
    for (size_t i = 0; i < wk_diff_change_count(d); i++) count[wk_diff_change(d, i)->kind]++;
    assert_int_equal(wk_diff_change_count(d), 1419);
    assert_int_equal(count[WK_CHANGE_MESSAGE_REMOVED], 20);
    assert_int_equal(count[WK_CHANGE_MESSAGE_MOVED], 20);
    assert_int_equal(count[WK_CHANGE_FIELD_ADDED], 20);
    assert_int_equal(count[WK_CHANGE_FIELD_TYPE_CHANGED], 20);
    assert_int_equal(count[WK_CHANGE_FIELD_REMOVED_RESERVED], 20);
    assert_int_equal(count[WK_CHANGE_MESSAGE_ADDED], 10);
    assert_int_equal(count[WK_CHANGE_FIELD_REMOVED], 1000);
    assert_int_equal(count[WK_CHANGE_FIELD_RENUMBERED], 100);
    assert_int_equal(count[WK_CHANGE_ONEOF_RENAMED], 1);
    assert_int_equal(count[WK_CHANGE_ENUM_VALUE_ADDED], 4);
    assert_int_equal(count[WK_CHANGE_ENUM_VALUE_RENAMED], 4);
    assert_int_equal(count[WK_CHANGE_ENUM_VALUE_RENUMBERED], 100);
    assert_int_equal(count[WK_CHANGE_ENUM_VALUE_REMOVED], 100);
    /* In order: each old message, then the added ones, then the enums. */
    expect_change(d, 0, WK_CHANGE_MESSAGE_REMOVED, "big.M1", "message big.M1");
    expect_change(d, 1, WK_CHANGE_MESSAGE_MOVED, "big.Moved2", "big.M2 -> big.Moved2");
    expect_change(d, 2, WK_CHANGE_FIELD_ADDED, "big.M3.flag", "singular bool flag = 5");
    expect_change(d, 3, WK_CHANGE_FIELD_TYPE_CHANGED, "big.M4.count", "int32 -> int64");
    expect_change(d, 4, WK_CHANGE_FIELD_REMOVED_RESERVED, "big.M5.name",
                  "singular name = 1, number and name reserved");
    expect_change(d, 100, WK_CHANGE_FIELD_REMOVED, "big.Wide.f1001",
                  "singular f1001 = 1001, number reserved, name not");
    expect_change(d, 1100, WK_CHANGE_FIELD_RENUMBERED, "big.Wide.f2001", "number 2001 -> 5001");
    expect_change(d, 1200, WK_CHANGE_ONEOF_RENAMED, "big.Wide.pick", "oneof choice -> pick");
    expect_change(d, 1201, WK_CHANGE_MESSAGE_ADDED, "big.Added0", "message big.Added0");
    expect_change(d, 1211, WK_CHANGE_ENUM_VALUE_ADDED, "big.E7.E7_EXTRA", "E7_EXTRA = 3");
    expect_change(d, 1212, WK_CHANGE_ENUM_VALUE_RENAMED, "big.E8.E8_DEUX", "name E8_TWO -> E8_DEUX (number 2)");
    expect_change(d, 1219, WK_CHANGE_ENUM_VALUE_RENUMBERED, "big.Big.V1000", "number 1000 -> 11000");
    expect_change(d, 1418, WK_CHANGE_ENUM_VALUE_REMOVED, "big.Big.V2099", "V2099 = 2099, number reserved, name not");
    wk_diff_free(d);
    wk_schema_free(os);
    wk_schema_free(ns);

    /*
     * One type's closure: M0 reaches every even message through `next`
     * (the moved ones and the widened ones among them) and every even enum.
     */
    d = diff_texts(old_text, new_text, "big.M0", &os, &ns);
    memset(count, 0, sizeof count);
    for (size_t i = 0; i < wk_diff_change_count(d); i++) count[wk_diff_change(d, i)->kind]++;
    assert_int_equal(wk_diff_change_count(d), 44);
    assert_int_equal(count[WK_CHANGE_MESSAGE_MOVED], 20);
    assert_int_equal(count[WK_CHANGE_FIELD_TYPE_CHANGED], 20);
    assert_int_equal(count[WK_CHANGE_ENUM_VALUE_RENAMED], 4);
    expect_change(d, 0, WK_CHANGE_MESSAGE_MOVED, "big.Moved2", "big.M2 -> big.Moved2");
    expect_change(d, 43, WK_CHANGE_ENUM_VALUE_RENAMED, "big.E1508.E1508_DEUX",
                  "name E1508_TWO -> E1508_DEUX (number 2)");
    wk_diff_free(d);
    wk_schema_free(os);
    wk_schema_free(ns);
    free(old_text);
    free(new_text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_rules_cover_every_kind),
        cmocka_unit_test(test_doc_matches_table),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_formats_parse),
        cmocka_unit_test(test_bump_by_formats_and_mode),
        cmocka_unit_test(test_whole_files_and_closure),
        cmocka_unit_test(test_match_by_number_first),
        cmocka_unit_test(test_imported_types_unchanged),
        cmocka_unit_test(test_json_output),
        cmocka_unit_test(test_bad_inputs),
        cmocka_unit_test(test_semver_next),
        cmocka_unit_test(test_semver_steps),
        cmocka_unit_test(test_closure_type_found_by_suffix),
        cmocka_unit_test(test_big_schema),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
