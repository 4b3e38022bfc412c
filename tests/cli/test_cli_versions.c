/*
 * `wirekit schema diff | check | bump` (cli/schema_versions.c), run as a
 * process: exact output for a few pairs of tests/data/schema-history/, the
 * exit statuses 0, 1, 2 and 3, `bump --write` on copies in a temporary
 * folder (the file rewritten in place, every other byte kept, no temporary
 * file left, the result still loading), `check --history` and
 * `bump --history` (on copies of the history folders, with and without
 * --write, ordered by version or by name).
 */
#define _GNU_SOURCE /* mkdtemp */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/files.h"
#include "support/run.h"

#define DATA_DIR WK_SOURCE_DIR "/tests/data/schema-history"
#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

typedef wkt_result result;

static char *read_all(const char *path)
{
    char *text = (char *)wkt_read_file(path, NULL);
    if (!text) fail_msg("cannot read %s", path);
    return text;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/*
 * Runs wirekit with args in the folder `cwd`, capturing both outputs;
 * fsize_max, when not 0, limits the size of the files it writes.
 */
static result run_limited(const char *cwd, const char *const *args, rlim_t fsize_max)
{
    wkt_run_opts o = {.cwd = cwd, .fsize_max = (unsigned long)fsize_max};
    return wkt_run(&o, args);
}

static result run_in(const char *cwd, const char *const *args) { return run_limited(cwd, args, 0); }

static void expect_in(const char *cwd, const char *const *args, int status, const char *out, const char *err)
{
    result r = run_in(cwd, args);
    if (r.status != status || (out && strcmp(r.out, out) != 0) || (err && strcmp(r.err, err) != 0))
        fail_msg("status %d (expected %d)\nstdout:\n%s\nstderr:\n%s", r.status, status, r.out, r.err);
    free(r.out);
    free(r.err);
}

static void copy_to(const char *from, const char *dir, const char *name);

/* ---- diff ---- */

static void test_diff_text(void **state)
{
    (void)state;
    expect_in(DATA_DIR "/field-renamed", ARGS("schema", "diff", "-m", "acme.Order", "old.proto", "new.proto"), 0,
              "field-renamed acme.Order.stock_code: name sku -> stock_code\n"
              "  old.proto:7 -> new.proto:7\n"
              "  backward: protobuf ok, json breaks, xml breaks, msgpack breaks\n"
              "  forward: protobuf ok, json breaks, xml breaks, msgpack breaks\n"
              "  bump: major\n"
              "\n"
              "required bump: major (formats: protobuf, json, xml, msgpack; mode: full)\n",
              "");
    /* Where only numbers travel, a rename is a patch. */
    expect_in(DATA_DIR "/field-renamed",
              ARGS("schema", "diff", "--formats", "protobuf,msgpack-numbers", "old.proto", "new.proto"), 0,
              "field-renamed acme.Order.stock_code: name sku -> stock_code\n"
              "  old.proto:7 -> new.proto:7\n"
              "  backward: protobuf ok, msgpack-numbers ok\n"
              "  forward: protobuf ok, msgpack-numbers ok\n"
              "  bump: patch\n"
              "\n"
              "required bump: patch (formats: protobuf, msgpack-numbers; mode: full)\n",
              "");
    expect_in(DATA_DIR "/int32-to-int64",
              ARGS("schema", "diff", "--formats=json", "--mode", "backward", "--explain", "old.proto", "new.proto"), 0,
              "field-type-changed acme.Order.quantity: int32 -> int64\n"
              "  old.proto:8 -> new.proto:8\n"
              "  backward: json ok\n"
              "  forward: json breaks\n"
              "  bump: minor\n"
              "  why: json forward: a reader of int32 refuses int64 values outside its range\n"
              "\n"
              "required bump: minor (formats: json; mode: backward)\n",
              "");
    expect_in(DATA_DIR "/comment-only", ARGS("schema", "diff", "old.proto", "new.proto"), 0,
              "no changes\nrequired bump: none (formats: protobuf, json, xml, msgpack; mode: full)\n", "");
}

static void test_diff_json(void **state)
{
    (void)state;
    expect_in(DATA_DIR "/field-added", ARGS("schema", "diff", "--output", "json", "--formats", "pb", "old.proto", "new.proto"),
              0,
              "{\n"
              "  \"formats\": [\"protobuf\"],\n"
              "  \"mode\": \"full\",\n"
              "  \"changes\": [\n"
              "    {\"kind\": \"field-added\", \"path\": \"acme.Order.note\", \"detail\": \"singular string note = 3\",\n"
              "     \"old\": null, \"new\": {\"file\": \"new.proto\", \"line\": 9},\n"
              "     \"bump\": \"minor\",\n"
              "     \"effects\": {\n"
              "       \"protobuf\": {\"backward\": {\"breaks\": false, \"reason\": \"the reader's field is not required: "
              "when the data lacks it, it takes its default\"}, \"forward\": {\"breaks\": false, \"reason\": \"the old "
              "reader keeps the new field as an unknown field and writes it back out\"}}}}\n"
              "  ],\n"
              "  \"bump\": \"minor\"\n"
              "}\n",
              "");
}

static void test_diff_errors(void **state)
{
    (void)state;
    expect_in(DATA_DIR, ARGS("schema", "diff"), 2, "",
              "wirekit: error: which two schemas? (wirekit schema diff OLD.proto NEW.proto)\n"
              "Try 'wirekit schema diff --help'.\n");
    expect_in(DATA_DIR "/field-added", ARGS("schema", "diff", "--formats", "json,yaml", "old.proto", "new.proto"), 2, "",
              "wirekit: error: --formats: unknown format \"yaml\" (known: protobuf, json, xml, msgpack, msgpack-numbers, "
              "all)\nTry 'wirekit schema diff --help'.\n");
    expect_in(DATA_DIR "/field-added", ARGS("schema", "diff", "--mode", "sideways", "old.proto", "new.proto"), 2, "",
              "wirekit: error: --mode takes backward, forward or full, not 'sideways'\n"
              "Try 'wirekit schema diff --help'.\n");
    expect_in(DATA_DIR "/field-added", ARGS("schema", "diff", "--output", "yaml", "old.proto", "new.proto"), 2, "",
              "wirekit: error: --output takes text or json, not 'yaml'\nTry 'wirekit schema diff --help'.\n");
    expect_in(DATA_DIR "/field-added", ARGS("schema", "diff", "old.proto", "new.proto", "third.proto"), 2, "",
              "wirekit: error: two schemas only (OLD and NEW), not also 'third.proto'\n"
              "Try 'wirekit schema diff --help'.\n");
    expect_in(DATA_DIR "/field-added", ARGS("schema", "diff", "-m", "acme.Invoice", "old.proto", "new.proto"), 2, "",
              "wirekit: error: no message named 'acme.Invoice' in the old or the new schema (a short name must "
              "belong to one message only)\nTry 'wirekit schema diff --help'.\n");
    expect_in(DATA_DIR "/field-added", ARGS("schema", "diff", "old.proto", "missing.proto"), 3, "", NULL);
    expect_in(DATA_DIR "/field-added", ARGS("schema", "diff", "--check", "old.proto", "new.proto"), 2, "",
              "wirekit: error: unknown option '--check'\nTry 'wirekit schema diff --help'.\n");

    char dir[] = "/tmp/wk_cli_versions_bad_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/bad.proto", dir);
    write_file(path, "syntax = \"proto3\";\nmessage M {\n  int32 x = 1\n}\n");
    expect_in(dir, ARGS("schema", "diff", "bad.proto", "bad.proto"), 1, "", NULL);
    result r = run_in(dir, ARGS("schema", "diff", "bad.proto", "bad.proto"));
    assert_true(strncmp(r.err, "bad.proto:4:1: error: ", 22) == 0);
    free(r.out);
    free(r.err);
    unlink(path);
    rmdir(dir);
}

static void test_help(void **state)
{
    (void)state;
    const char *cmds[] = {"show", "diff", "check", "bump"};
    for (size_t i = 0; i < 4; i++) {
        result r = run_in(DATA_DIR, ARGS("schema", cmds[i], "--help"));
        assert_int_equal(r.status, 0);
        char want[64];
        snprintf(want, sizeof want, "Usage: wirekit schema %s ", cmds[i]);
        assert_true(strncmp(r.out, want, strlen(want)) == 0);
        assert_non_null(strstr(r.out, "Exit status:"));
        assert_string_equal(r.err, "");
        free(r.out);
        free(r.err);
    }
    result r = run_in(DATA_DIR, ARGS("schema", "--help"));
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Commands:\n"
                                  "  show   print a .proto schema as resolved, one line per definition\n"
                                  "  diff   list the changes between two versions, per format and direction\n"
                                  "  check  check that a declared version step is big enough for the changes\n"
                                  "  bump   print (or write) the smallest correct next version\n"
                                  "\n"));
    assert_string_equal(r.err, "");
    free(r.out);
    free(r.err);
    /* The history options are in the help of the commands that take them. */
    r = run_in(DATA_DIR, ARGS("schema", "bump", "--help"));
    assert_non_null(strstr(r.out, "       wirekit schema bump [OPTIONS] --history DIR\n"));
    assert_non_null(strstr(r.out, "  --order KEY "));
    free(r.out);
    free(r.err);
    r = run_in(DATA_DIR, ARGS("schema", "check", "--help"));
    assert_non_null(strstr(r.out, "  --order KEY "));
    free(r.out);
    free(r.err);
    r = run_in(DATA_DIR, ARGS("--help"));
    assert_non_null(strstr(r.out, "  schema    show .proto schemas; compare their versions (diff, check, bump)\n"));
    free(r.out);
    free(r.err);
}

/* ---- check ---- */

static void test_check_pairs(void **state)
{
    (void)state;
    expect_in(DATA_DIR "/field-added", ARGS("schema", "check", "old.proto", "new.proto"), 0,
              "ok: old.proto -> new.proto: 1.0.0 -> 1.1.0 declares minor, the changes need minor\n", "");
    expect_in(DATA_DIR "/field-renamed", ARGS("schema", "check", "--new-version", "1.1.0", "old.proto", "new.proto"), 1,
              "too small: old.proto -> new.proto: 1.0.0 -> 1.1.0 declares minor, the changes need major\n"
              "  old.proto:7 -> new.proto:7: field-renamed acme.Order.stock_code (name sku -> stock_code) needs major: "
              "json backward: the data's key \"sku\" is unknown to the reader (it takes \"stock_code\" or "
              "\"stockCode\"): the value becomes an unknown field\n",
              "");
    /* Protobuf only: a rename is a patch. */
    expect_in(DATA_DIR "/field-renamed",
              ARGS("schema", "check", "--formats", "protobuf", "--new-version", "1.0.1", "old.proto", "new.proto"), 0,
              "ok: old.proto -> new.proto: 1.0.0 -> 1.0.1 declares patch, the changes need patch\n", "");
    /* A field added in a patch release: the level names the reason. */
    expect_in(DATA_DIR "/field-added", ARGS("schema", "check", "--new-version", "1.0.1", "old.proto", "new.proto"), 1,
              "too small: old.proto -> new.proto: 1.0.0 -> 1.0.1 declares patch, the changes need minor\n"
              "  (none) -> new.proto:9: field-added acme.Order.note (singular string note = 3) needs minor: an addition\n",
              "");
    /* Backward only: widening is allowed in a minor release. */
    expect_in(DATA_DIR "/int32-to-int64",
              ARGS("schema", "check", "--mode", "backward", "--new-version", "1.1.0", "old.proto", "new.proto"), 0,
              "ok: old.proto -> new.proto: 1.0.0 -> 1.1.0 declares minor, the changes need minor\n", "");
    /* 0.y.z: anything may change. */
    expect_in(DATA_DIR "/field-renamed",
              ARGS("schema", "check", "--old-version", "0.4.0", "--new-version", "0.4.1", "old.proto", "new.proto"), 0,
              "ok: old.proto -> new.proto: 0.4.0 -> 0.4.1 declares patch, the changes need major (allowed: from 0.y.z "
              "or a pre-release anything may change)\n",
              "");
    /* The same version: only without changes. */
    expect_in(DATA_DIR "/comment-only", ARGS("schema", "check", "--new-version", "1.0.0", "old.proto", "new.proto"), 0,
              "ok: old.proto -> new.proto: 1.0.0 -> 1.0.0 declares none, the changes need none\n", "");
    expect_in(DATA_DIR "/field-added", ARGS("schema", "check", "--new-version", "0.9.0", "old.proto", "new.proto"), 1,
              "too small: old.proto -> new.proto: 1.0.0 -> 0.9.0 declares a lower version, the changes need minor\n"
              "  (none) -> new.proto:9: field-added acme.Order.note (singular string note = 3) needs minor: an addition\n",
              "");
}

static void test_check_versions(void **state)
{
    (void)state;
    expect_in(DATA_DIR "/field-added", ARGS("schema", "check", "--old-version", "1.0", "old.proto", "new.proto"), 2, "",
              "wirekit: error: --old-version: \"1.0\" is not a SemVer 2.0.0 version: expected '.' and the patch "
              "version (at character 4)\nTry 'wirekit schema check --help'.\n");
    char dir[] = "/tmp/wk_cli_versions_nover_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/plain.proto", dir);
    write_file(path, "syntax = \"proto3\";\npackage acme;\nmessage Order { string sku = 1; }\n");
    expect_in(dir, ARGS("schema", "check", "plain.proto", "plain.proto"), 2, "",
              "wirekit: error: plain.proto has no version: it declares no option (wirekit.version) = \"X.Y.Z\"; add "
              "one, or give --old-version\nTry 'wirekit schema check --help'.\n");
    expect_in(dir, ARGS("schema", "check", "--old-version", "1.0.0", "--new-version", "1.0.0", "plain.proto", "plain.proto"),
              0, "ok: plain.proto -> plain.proto: 1.0.0 -> 1.0.0 declares none, the changes need none\n", "");
    unlink(path);
    rmdir(dir);
    expect_in(DATA_DIR, ARGS("schema", "check", "--transitive", "a.proto", "b.proto"), 2, "",
              "wirekit: error: --transitive goes with --history DIR\nTry 'wirekit schema check --help'.\n");
}

static void test_check_history(void **state)
{
    (void)state;
    /* Ordered by version, not by file name. */
    expect_in(DATA_DIR, ARGS("schema", "check", "--history", "history-ok"), 0,
              "ok: history-ok/order-c.proto -> history-ok/order-a.proto: 1.0.0 -> 1.1.0 declares minor, the changes "
              "need minor\n"
              "ok: history-ok/order-a.proto -> history-ok/order-b.proto: 1.1.0 -> 2.0.0 declares major, the changes "
              "need major\n",
              "");
    expect_in(DATA_DIR, ARGS("schema", "check", "--history", "history-too-small/"), 1,
              "too small: history-too-small/v1.proto -> history-too-small/v2.proto: 1.0.0 -> 1.0.1 declares patch, "
              "the changes need minor\n"
              "  (none) -> history-too-small/v2.proto:8: field-added acme.Order.quantity (singular int32 quantity = 2) "
              "needs minor: an addition\n"
              "ok: history-too-small/v2.proto -> history-too-small/v3.proto: 1.0.1 -> 1.1.0 declares minor, the "
              "changes need none\n",
              "");
    /* Each step is allowed (a pre-release may change anything), but not the whole way from 1.0.0. */
    expect_in(DATA_DIR, ARGS("schema", "check", "--history", "history-transitive"), 0, NULL, "");
    expect_in(DATA_DIR, ARGS("schema", "check", "--history", "history-transitive", "--transitive"), 1,
              "ok: history-transitive/v1.proto -> history-transitive/v2.proto: 1.0.0 -> 1.1.0-rc.1 declares minor, "
              "the changes need minor\n"
              "too small: history-transitive/v1.proto -> history-transitive/v3.proto: 1.0.0 -> 1.1.0-rc.2 declares "
              "minor, the changes need major\n"
              "  history-transitive/v1.proto:7 -> history-transitive/v3.proto:7: field-renamed acme.Order.stock_code "
              "(name sku -> stock_code) needs major: json backward: the data's key \"sku\" is unknown to the reader (it "
              "takes \"stock_code\" or \"stockCode\"): the value becomes an unknown field\n"
              "ok: history-transitive/v2.proto -> history-transitive/v3.proto: 1.1.0-rc.1 -> 1.1.0-rc.2 declares "
              "none, the changes need major (allowed: from 0.y.z or a pre-release anything may change)\n",
              "");
    char dir[] = "/tmp/wk_cli_versions_one_XXXXXX";
    assert_non_null(mkdtemp(dir));
    copy_to(DATA_DIR "/field-added/old.proto", dir, "only.proto");
    expect_in(dir, ARGS("schema", "check", "--history", "."), 2, "",
              "wirekit: error: . holds 1 .proto file: a history needs two or more\nTry 'wirekit schema check --help'.\n");
    char path[256];
    snprintf(path, sizeof path, "%s/only.proto", dir);
    unlink(path);
    rmdir(dir);
    expect_in(DATA_DIR, ARGS("schema", "check", "--history", "no-such-folder"), 3, "", NULL);
    expect_in(DATA_DIR, ARGS("schema", "check", "--history", "history-ok", "x.proto"), 2, "",
              "wirekit: error: --history DIR takes no OLD and NEW files\nTry 'wirekit schema check --help'.\n");
}

/* ---- bump ---- */

static void test_bump_prints(void **state)
{
    (void)state;
    expect_in(DATA_DIR "/field-added", ARGS("schema", "bump", "old.proto", "new.proto"), 0, "1.1.0\n", "");
    expect_in(DATA_DIR "/field-renamed", ARGS("schema", "bump", "old.proto", "new.proto"), 0, "2.0.0\n", "");
    expect_in(DATA_DIR "/field-renamed", ARGS("schema", "bump", "--formats", "protobuf", "old.proto", "new.proto"), 0,
              "1.0.1\n", "");
    expect_in(DATA_DIR "/comment-only", ARGS("schema", "bump", "old.proto", "new.proto"), 0, "1.0.1\n", "");
    expect_in(DATA_DIR "/field-renamed", ARGS("schema", "bump", "--old-version", "0.3.1", "old.proto", "new.proto"), 0,
              "0.4.0\n", "");
    expect_in(DATA_DIR "/field-added", ARGS("schema", "bump", "--new-version", "1.0.0", "old.proto", "new.proto"), 2, "",
              "wirekit: error: unknown option '--new-version'\nTry 'wirekit schema bump --help'.\n");
}

/* Copies a fixture file into dir under another name. */
static void copy_to(const char *from, const char *dir, const char *name)
{
    char *text = read_all(from);
    char path[256];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) fail_msg("%s/%s: path too long", dir, name);
    write_file(path, text);
    free(text);
}

static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) n++;
    closedir(d);
    return n;
}

static void test_bump_write(void **state)
{
    (void)state;
    char dir[] = "/tmp/wk_cli_versions_write_XXXXXX";
    assert_non_null(mkdtemp(dir));
    copy_to(DATA_DIR "/field-renamed/old.proto", dir, "old.proto");
    copy_to(DATA_DIR "/field-renamed/new.proto", dir, "new.proto");
    char path[256];
    snprintf(path, sizeof path, "%s/new.proto", dir);
    chmod(path, 0640);
    char *before = read_all(path);
    expect_in(dir, ARGS("schema", "bump", "--write", "old.proto", "new.proto"), 0, "2.0.0\n", "");
    char *after = read_all(path);
    /* Only the version's text changed ("2.0.0" in place of "2.0.0": the fixture declares it already). */
    assert_string_equal(after, before);
    free(after);
    free(before);
    /* A version that differs: exactly the string is replaced. */
    write_file(path, "syntax = \"proto3\";\npackage acme;\nimport \"wirekit/options.proto\";\n"
                     "option (wirekit.version) /* the release */ =\n  \"1.0.0\"  ;  // keep this\n\n"
                     "message Order {\n  string stock_code = 1;\n  int32 quantity = 2;\n}\n");
    expect_in(dir, ARGS("schema", "bump", "--write", "old.proto", "new.proto"), 0, "2.0.0\n", "");
    after = read_all(path);
    assert_string_equal(after, "syntax = \"proto3\";\npackage acme;\nimport \"wirekit/options.proto\";\n"
                               "option (wirekit.version) /* the release */ =\n  \"2.0.0\"  ;  // keep this\n\n"
                               "message Order {\n  string stock_code = 1;\n  int32 quantity = 2;\n}\n");
    free(after);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0640);
    /* No option yet: one is put after the package line, with the import it needs. */
    write_file(path, "syntax = \"proto3\";\npackage acme; // the shop\n\nmessage Order {\n  string stock_code = 1;\n"
                     "  int32 quantity = 2;\n}\n");
    expect_in(dir, ARGS("schema", "bump", "--write", "old.proto", "new.proto"), 0, "2.0.0\n", "");
    after = read_all(path);
    assert_string_equal(after, "syntax = \"proto3\";\npackage acme; // the shop\nimport \"wirekit/options.proto\";\n"
                               "option (wirekit.version) = \"2.0.0\";\n\nmessage Order {\n  string stock_code = 1;\n"
                               "  int32 quantity = 2;\n}\n");
    free(after);
    /* The file still loads, and now declares the version. */
    expect_in(dir, ARGS("schema", "check", "old.proto", "new.proto"), 0,
              "ok: old.proto -> new.proto: 1.0.0 -> 2.0.0 declares major, the changes need major\n", "");
    /* Nothing else was left in the folder. */
    assert_int_equal(count_entries(dir), 2);
    unlink(path);
    snprintf(path, sizeof path, "%s/old.proto", dir);
    unlink(path);
    assert_int_equal(rmdir(dir), 0);
}

/* ---- bump --history ---- */

/* Fills the template `dir` (mkdtemp) with copies of the files of the history folder `name`. */
static void copy_history(const char *name, char *dir)
{
    assert_non_null(mkdtemp(dir));
    char from_dir[512];
    snprintf(from_dir, sizeof from_dir, "%s/%s", DATA_DIR, name);
    DIR *d = opendir(from_dir);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') continue;
        char from[1024];
        snprintf(from, sizeof from, "%s/%s", from_dir, de->d_name);
        copy_to(from, dir, de->d_name);
    }
    closedir(d);
}

static char *read_in(const char *dir, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return read_all(path);
}

static void write_in(const char *dir, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    write_file(path, text);
}

static void assert_file_in(const char *dir, const char *name, const char *text)
{
    char *got = read_in(dir, name);
    assert_string_equal(got, text);
    free(got);
}

/* Removes the files of a test's folder, then the folder. */
static void remove_folder(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        char path[512];
        int n = snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        assert_true(n > 0 && (size_t)n < sizeof path);
        assert_int_equal(unlink(path), 0);
    }
    closedir(d);
    assert_int_equal(rmdir(dir), 0);
}

/* A schema of the history fixtures, with `version_line` after the import. */
static char *order_schema(const char *version_line, bool with_quantity)
{
    static char text[512];
    snprintf(text, sizeof text,
             "syntax = \"proto3\";\npackage acme;\nimport \"wirekit/options.proto\";\n%s\n"
             "message Order {\n  string sku = 1;\n%s}\n",
             version_line, with_quantity ? "  int32 quantity = 2;\n" : "");
    return text;
}

static void test_bump_history_fixes_forward(void **state)
{
    (void)state;
    char dir[] = "/tmp/wk_cli_versions_hist_XXXXXX";
    copy_history("history-too-small", dir);
    char *v2 = read_in(dir, "v2.proto"), *v3 = read_in(dir, "v3.proto");
    /* v2 needs minor; v3 then has v2's fixed version, so it needs one above it. */
    expect_in(dir, ARGS("schema", "bump", "--history", "."), 0,
              "too small: ./v1.proto -> ./v2.proto: 1.0.0 -> 1.0.1, the changes need minor: use 1.1.0\n"
              "same version: ./v2.proto -> ./v3.proto: 1.1.0 -> 1.1.0, the changes need none: use 1.1.1\n",
              "");
    /* Without --write nothing changes. */
    assert_file_in(dir, "v2.proto", v2);
    assert_file_in(dir, "v3.proto", v3);
    free(v2);
    free(v3);

    char path[256];
    snprintf(path, sizeof path, "%s/v2.proto", dir);
    assert_int_equal(chmod(path, 0640), 0);
    expect_in(dir, ARGS("schema", "bump", "--write", "--history", "."), 0,
              "too small: ./v1.proto -> ./v2.proto: 1.0.0 -> 1.0.1, the changes need minor: wrote 1.1.0\n"
              "same version: ./v2.proto -> ./v3.proto: 1.1.0 -> 1.1.0, the changes need none: wrote 1.1.1\n",
              "");
    assert_file_in(dir, "v2.proto", order_schema("option (wirekit.version) = \"1.1.0\";\n", true));
    assert_file_in(dir, "v3.proto", order_schema("option (wirekit.version) = \"1.1.1\";\n", true));
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0640);
    assert_int_equal(count_entries(dir), 3);
    /* The fixed history passes the check, and a second bump finds nothing to fix. */
    expect_in(dir, ARGS("schema", "check", "--history", "."), 0,
              "ok: ./v1.proto -> ./v2.proto: 1.0.0 -> 1.1.0 declares minor, the changes need minor\n"
              "ok: ./v2.proto -> ./v3.proto: 1.1.0 -> 1.1.1 declares patch, the changes need none\n",
              "");
    expect_in(dir, ARGS("schema", "bump", "--write", "--history", "."), 0,
              "ok: ./v1.proto -> ./v2.proto: 1.0.0 -> 1.1.0, the changes need minor (smallest 1.1.0)\n"
              "ok: ./v2.proto -> ./v3.proto: 1.1.0 -> 1.1.1, the changes need none (smallest 1.1.1)\n",
              "");
    assert_file_in(dir, "v3.proto", order_schema("option (wirekit.version) = \"1.1.1\";\n", true));
    remove_folder(dir);
}

static void test_bump_history_keeps_good_versions(void **state)
{
    (void)state;
    char dir[] = "/tmp/wk_cli_versions_hist_XXXXXX";
    copy_history("history-ok", dir);
    char *a = read_in(dir, "order-a.proto"), *b = read_in(dir, "order-b.proto"), *c = read_in(dir, "order-c.proto");
    /* By version: c (1.0.0), a (1.1.0), b (2.0.0), each step right; --write leaves every byte. */
    expect_in(dir, ARGS("schema", "bump", "--write", "--history", "."), 0,
              "ok: ./order-c.proto -> ./order-a.proto: 1.0.0 -> 1.1.0, the changes need minor (smallest 1.1.0)\n"
              "ok: ./order-a.proto -> ./order-b.proto: 1.1.0 -> 2.0.0, the changes need major (smallest 2.0.0)\n",
              "");
    assert_file_in(dir, "order-a.proto", a);
    assert_file_in(dir, "order-b.proto", b);
    assert_file_in(dir, "order-c.proto", c);
    /* A bigger step than needed is kept; the smallest is still shown. */
    write_in(dir, "order-a.proto", order_schema("option (wirekit.version) = \"1.5.0\";\n", true));
    write_in(dir, "order-b.proto", c);
    write_in(dir, "order-c.proto", order_schema("option (wirekit.version) = \"0.9.0\";\n", false));
    expect_in(dir, ARGS("schema", "bump", "--history", "."), 0,
              "ok: ./order-c.proto -> ./order-b.proto: 0.9.0 -> 1.0.0, the changes need none (smallest 0.9.1)\n"
              "ok: ./order-b.proto -> ./order-a.proto: 1.0.0 -> 1.5.0, the changes need minor (smallest 1.1.0)\n",
              "");
    /* By name the order is a, b, c: c goes back to 1.0.0 and drops a field. */
    write_in(dir, "order-a.proto", a);
    write_in(dir, "order-b.proto", b);
    write_in(dir, "order-c.proto", c);
    expect_in(dir, ARGS("schema", "bump", "--order", "name", "--history", "."), 0,
              "ok: ./order-a.proto -> ./order-b.proto: 1.1.0 -> 2.0.0, the changes need major (smallest 2.0.0)\n"
              "too small: ./order-b.proto -> ./order-c.proto: 2.0.0 -> 1.0.0, the changes need major: use 3.0.0\n",
              "");
    expect_in(dir, ARGS("schema", "check", "--order", "name", "--history", "."), 1,
              "ok: ./order-a.proto -> ./order-b.proto: 1.1.0 -> 2.0.0 declares major, the changes need major\n"
              "too small: ./order-b.proto -> ./order-c.proto: 2.0.0 -> 1.0.0 declares a lower version, the changes "
              "need major\n"
              "  ./order-b.proto:7 -> ./order-c.proto:7: field-renamed acme.Order.sku (name stock_code -> sku) needs "
              "major: json backward: the data's key \"stockCode\" is unknown to the reader (it takes \"sku\"): the "
              "value becomes an unknown field\n"
              "  ./order-b.proto:8 -> (none): field-removed acme.Order.quantity (singular quantity = 2, not reserved) "
              "needs major: what is not reserved is free again: a later version may reuse the number or the name and "
              "then read old data's value as another field; reserve both to make the removal MINOR\n",
              "");
    free(a);
    free(b);
    free(c);
    remove_folder(dir);
}

static void test_bump_history_without_versions(void **state)
{
    (void)state;
    char dir[] = "/tmp/wk_cli_versions_hist_XXXXXX";
    copy_history("history-too-small", dir);
    write_in(dir, "v2.proto", order_schema("", true));
    write_in(dir, "v3.proto", order_schema("", true));
    /* Ordered by version, every file needs one. */
    expect_in(dir, ARGS("schema", "bump", "--history", "."), 2, "",
              "wirekit: error: ./v2.proto and ./v3.proto declare no version: each file of the history needs option "
              "(wirekit.version) = \"X.Y.Z\" (or give --order name: then only the first file by name needs one)\n"
              "Try 'wirekit schema bump --help'.\n");
    /* check needs every version, in either order. */
    expect_in(dir, ARGS("schema", "check", "--order", "name", "--history", "."), 2, "",
              "wirekit: error: ./v2.proto and ./v3.proto declare no version: each file of the history needs option "
              "(wirekit.version) = \"X.Y.Z\"\nTry 'wirekit schema check --help'.\n");
    /* By name, bump gives them one, after the first file's. */
    expect_in(dir, ARGS("schema", "bump", "--order", "name", "--write", "--history", "."), 0,
              "no version: ./v1.proto -> ./v2.proto: 1.0.0 -> (none), the changes need minor: wrote 1.1.0\n"
              "no version: ./v2.proto -> ./v3.proto: 1.1.0 -> (none), the changes need none: wrote 1.1.1\n",
              "");
    assert_file_in(dir, "v2.proto", "syntax = \"proto3\";\npackage acme;\noption (wirekit.version) = \"1.1.0\";\n"
                                    "import \"wirekit/options.proto\";\n\nmessage Order {\n  string sku = 1;\n"
                                    "  int32 quantity = 2;\n}\n");
    expect_in(dir, ARGS("schema", "check", "--history", "."), 0,
              "ok: ./v1.proto -> ./v2.proto: 1.0.0 -> 1.1.0 declares minor, the changes need minor\n"
              "ok: ./v2.proto -> ./v3.proto: 1.1.0 -> 1.1.1 declares patch, the changes need none\n",
              "");
    /* The first file is where the history starts: it needs a version. */
    write_in(dir, "v1.proto", order_schema("", false));
    expect_in(dir, ARGS("schema", "bump", "--order", "name", "--history", "."), 2, "",
              "wirekit: error: ./v1.proto, the first file by name, declares no version: the history starts from it, "
              "so it needs option (wirekit.version) = \"X.Y.Z\"\nTry 'wirekit schema bump --help'.\n");
    /* A version that is not SemVer makes the schema invalid, with its place. */
    write_in(dir, "v1.proto", order_schema("option (wirekit.version) = \"v1\";\n", false));
    expect_in(dir, ARGS("schema", "bump", "--order", "name", "--history", "."), 1, "",
              "./v1.proto:4:28: error: option (wirekit.version): \"v1\" is not a SemVer 2.0.0 version: the major "
              "version must be a number, not 'v' (at character 1)\n");
    remove_folder(dir);
}

static void test_bump_history_names_and_duplicates(void **state)
{
    (void)state;
    char dir[] = "/tmp/wk_cli_versions_hist_XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *v100 = order_schema("option (wirekit.version) = \"1.0.0\";\n", false);
    write_in(dir, "v2.proto", v100);
    write_in(dir, "v10.proto", v100);
    /* Two files, one version: the order is not known. */
    expect_in(dir, ARGS("schema", "bump", "--history", "."), 1, "",
              "wirekit: error: ./v2.proto and ./v10.proto declare the same version, so the order of the history is "
              "not known (give --order name to order the files by name)\n");
    expect_in(dir, ARGS("schema", "check", "--history", "."), 1, "",
              "wirekit: error: ./v2.proto and ./v10.proto declare the same version, so the order of the history is "
              "not known (give --order name to order the files by name)\n");
    /* By name, with numbers compared as numbers: v2 before v10. */
    expect_in(dir, ARGS("schema", "bump", "--order", "name", "--history", "."), 0,
              "same version: ./v2.proto -> ./v10.proto: 1.0.0 -> 1.0.0, the changes need none: use 1.0.1\n", "");
    remove_folder(dir);
}

static void test_bump_history_usage(void **state)
{
    (void)state;
    expect_in(DATA_DIR, ARGS("schema", "bump", "--order", "date", "--history", "history-ok"), 2, "",
              "wirekit: error: --order takes version or name, not 'date'\nTry 'wirekit schema bump --help'.\n");
    expect_in(DATA_DIR "/field-added", ARGS("schema", "bump", "--order", "name", "old.proto", "new.proto"), 2, "",
              "wirekit: error: --order goes with --history DIR\nTry 'wirekit schema bump --help'.\n");
    expect_in(DATA_DIR, ARGS("schema", "bump", "--history", "history-ok", "--old-version", "1.0.0"), 2, "",
              "wirekit: error: --history reads each file's own version: no --old-version or --new-version\n"
              "Try 'wirekit schema bump --help'.\n");
    expect_in(DATA_DIR, ARGS("schema", "bump", "--history", "history-ok", "--transitive"), 2, "",
              "wirekit: error: unknown option '--transitive'\nTry 'wirekit schema bump --help'.\n");
    expect_in(DATA_DIR, ARGS("schema", "bump", "--history", "no-such-folder"), 3, "",
              "wirekit: error: cannot read the folder 'no-such-folder': No such file or directory\n");
    expect_in(DATA_DIR, ARGS("schema", "bump", "--history", "field-added", "old.proto"), 2, "",
              "wirekit: error: --history DIR takes no OLD and NEW files\nTry 'wirekit schema bump --help'.\n");
}

/* A write that fails leaves the file as it was and no temporary file; the files before it stay written. */
static void test_bump_write_failure(void **state)
{
    (void)state;
    char dir[] = "/tmp/wk_cli_versions_hist_XXXXXX";
    copy_history("history-too-small", dir);
    char *v2 = read_in(dir, "v2.proto");
    /* The rewritten v2 is 160 bytes: over a limit of 150. */
    result r = run_limited(dir, ARGS("schema", "bump", "--write", "--history", "."), 150);
    assert_int_equal(r.status, 3);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "wirekit: error: cannot write './v2.proto': File too large\n");
    free(r.out);
    free(r.err);
    assert_file_in(dir, "v2.proto", v2);
    assert_int_equal(count_entries(dir), 3);
    /* One pair, the same. */
    r = run_limited(dir, ARGS("schema", "bump", "--write", "v1.proto", "v2.proto"), 150);
    assert_int_equal(r.status, 3);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "wirekit: error: cannot write 'v2.proto': File too large\n");
    free(r.out);
    free(r.err);
    assert_file_in(dir, "v2.proto", v2);
    assert_int_equal(count_entries(dir), 3);
    free(v2);
    remove_folder(dir);
}

/* NEW given as a symbolic link: the file it points to is rewritten, the link stays. */
static void test_bump_write_through_link(void **state)
{
    (void)state;
    char dir[] = "/tmp/wk_cli_versions_link_XXXXXX";
    copy_history("history-too-small", dir);
    char link[256];
    snprintf(link, sizeof link, "%s/next.proto", dir);
    assert_int_equal(symlink("v2.proto", link), 0);
    expect_in(dir, ARGS("schema", "bump", "--write", "v1.proto", "next.proto"), 0, "1.1.0\n", "");
    struct stat sb;
    assert_int_equal(lstat(link, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));
    assert_file_in(dir, "v2.proto", order_schema("option (wirekit.version) = \"1.1.0\";\n", true));
    assert_int_equal(count_entries(dir), 4);
    remove_folder(dir);
}

/* A version that cannot grow is an error, not a wrapped-around 0.0.0. */
static void test_bump_version_at_its_largest(void **state)
{
    (void)state;
    char dir[] = "/tmp/wk_cli_versions_max_XXXXXX";
    assert_non_null(mkdtemp(dir));
    write_in(dir, "a.proto", order_schema("option (wirekit.version) = \"18446744073709551615.0.0\";\n", true));
    write_in(dir, "b.proto", order_schema("option (wirekit.version) = \"18446744073709551615.0.1\";\n", false));
    char *b = read_in(dir, "b.proto");
    expect_in(dir, ARGS("schema", "bump", "--write", "--history", "."), 1, "",
              "wirekit: error: ./b.proto: no version follows 18446744073709551615.0.0 for a major change: a number is "
              "at its largest\n");
    expect_in(dir, ARGS("schema", "bump", "--write", "a.proto", "b.proto"), 1, "",
              "wirekit: error: b.proto: no version follows 18446744073709551615.0.0 for a major change: a number is "
              "at its largest\n");
    assert_file_in(dir, "b.proto", b);
    free(b);
    /* Adding a field: the minor number still grows. */
    expect_in(dir, ARGS("schema", "bump", "b.proto", "a.proto"), 0, "18446744073709551615.1.0\n", "");
    remove_folder(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diff_text),
        cmocka_unit_test(test_diff_json),
        cmocka_unit_test(test_diff_errors),
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_check_pairs),
        cmocka_unit_test(test_check_versions),
        cmocka_unit_test(test_check_history),
        cmocka_unit_test(test_bump_prints),
        cmocka_unit_test(test_bump_write),
        cmocka_unit_test(test_bump_history_fixes_forward),
        cmocka_unit_test(test_bump_history_keeps_good_versions),
        cmocka_unit_test(test_bump_history_without_versions),
        cmocka_unit_test(test_bump_history_names_and_duplicates),
        cmocka_unit_test(test_bump_history_usage),
        cmocka_unit_test(test_bump_write_failure),
        cmocka_unit_test(test_bump_write_through_link),
        cmocka_unit_test(test_bump_version_at_its_largest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
