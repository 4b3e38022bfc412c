/*
 * `wirekit schema diff | check | bump` (cli/schema_versions.c), run as a
 * process: exact output for a few pairs of tests/data/schema-history/, the
 * exit statuses 0, 1, 2 and 3, `bump --write` on copies in a temporary
 * folder (the file rewritten in place, every other byte kept, no temporary
 * file left, the result still loading), and `check --history`.
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
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef WK_CLI_PATH
#error "WK_CLI_PATH must name the built wirekit binary"
#endif

#define DATA_DIR WK_SOURCE_DIR "/tests/data/schema-history"
#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

typedef struct result {
    int status;
    char *out;
    char *err;
} result;

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap + 1);
    assert_non_null(buf);
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            assert_non_null(buf);
        }
    }
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Runs wirekit with args in the folder `cwd`, capturing both outputs. */
static result run_in(const char *cwd, const char *const *args)
{
    char dir[] = "/tmp/wk_cli_versions_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char out_path[64], err_path[64];
    snprintf(out_path, sizeof out_path, "%s/out", dir);
    snprintf(err_path, sizeof err_path, "%s/err", dir);
    const char *argv[64];
    size_t n = 0;
    argv[n++] = WK_CLI_PATH;
    for (const char *const *a = args; *a; a++) argv[n++] = *a;
    argv[n] = NULL;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0 || chdir(cwd) != 0) _exit(127);
        execv(WK_CLI_PATH, (char *const *)argv);
        _exit(127);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    result r;
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_all(out_path);
    r.err = read_all(err_path);
    unlink(out_path);
    unlink(err_path);
    rmdir(dir);
    return r;
}

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
    const char *cmds[] = {"diff", "check", "bump"};
    for (size_t i = 0; i < 3; i++) {
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
    assert_non_null(strstr(r.out, "  diff   list the changes between two versions, per format and direction\n"));
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
    snprintf(path, sizeof path, "%s/%s", dir, name);
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
