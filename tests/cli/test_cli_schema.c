/*
 * `wirekit schema` (cli/schema.c), run as a process: `schema show` of every
 * y_*.proto fixture against its golden file (tests/data/schema/y_*.show,
 * and the -m and --all variants), error output and exit statuses, help and
 * usage errors.
 *
 * The tool runs in the fixture folder, so that paths in its output are the
 * short relative ones. WK_UPDATE_GOLDEN=1 rewrites the golden files from
 * the tool's output instead of comparing (review the diff before keeping it).
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
#include <unistd.h>

#include "support/files.h"
#include "support/run.h"

#define DATA_DIR WK_SOURCE_DIR "/tests/data/schema"
#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

typedef wkt_result result;

static char *read_all(const char *path, size_t *len)
{
    size_t n;
    char *text = (char *)wkt_read_file(path, &n);
    if (!text) fail_msg("cannot read %s", path);
    if (len) *len = n;
    return text;
}

/* Runs wirekit with args in DATA_DIR, standard output to stdout_path (NULL: captured). */
static result run_to(const char *const *args, const char *stdout_path)
{
    wkt_run_opts o = {.cwd = DATA_DIR, .out_path = stdout_path};
    return wkt_run(&o, args);
}

static result run(const char *const *args) { return run_to(args, NULL); }

static void result_free(result *r) { wkt_result_free(r); }

static void expect(const char *const *args, int status, const char *out, const char *err)
{
    result r = run(args);
    if (r.status != status || (out && strcmp(r.out, out) != 0) || strcmp(r.err, err) != 0)
        fail_msg("status %d (expected %d)\nstdout:\n%s\nstderr:\n%s\nexpected stderr:\n%s", r.status, status, r.out,
                 r.err, err);
    result_free(&r);
}

/* Compares the output of `args` with a golden file (or rewrites it). */
static void golden(const char *const *args, const char *golden_name)
{
    result r = run(args);
    if (r.status != 0) fail_msg("%s: status %d: %s", golden_name, r.status, r.err);
    assert_string_equal(r.err, "");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", DATA_DIR, golden_name);
    if (getenv("WK_UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fwrite(r.out, 1, r.out_len, f);
        fclose(f);
    } else {
        size_t len;
        char *want = read_all(path, &len);
        if (len != r.out_len || memcmp(want, r.out, len) != 0)
            fail_msg("%s differs from the output:\n%s\n(WK_UPDATE_GOLDEN=1 rewrites it)", golden_name, r.out);
        free(want);
    }
    result_free(&r);
}

static int name_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void test_golden_files(void **state)
{
    (void)state;
    DIR *d = opendir(DATA_DIR);
    assert_non_null(d);
    char *names[256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 256) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, "y_", 2) == 0 && len > 6 && strcmp(e->d_name + len - 6, ".proto") == 0)
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, name_cmp);
    assert_true(n >= 18);
    for (size_t i = 0; i < n; i++) {
        char show[300];
        snprintf(show, sizeof show, "%.*s.show", (int)(strlen(names[i]) - 6), names[i]);
        golden(ARGS("schema", "show", "-I", ".", names[i]), show);
        free(names[i]);
    }
    golden(ARGS("schema", "show", "-I.", "y_scopes.proto", "-m", "Sibling"), "y_scopes.Sibling.show");
    golden(ARGS("schema", "show", "--include=.", "--all", "y_imports.proto"), "y_imports.all.show");
    /* -m with a full name, an enum, and the other option spellings give the same lines. */
    golden(ARGS("schema", "show", "--message", ".wk.scopes.inner.Sibling", "--include", ".", "y_scopes.proto"),
           "y_scopes.Sibling.show");
    expect(ARGS("schema", "show", "y_enums_proto3.proto", "-m", "wk.enums3.Level"), 0,
           "enum wk.enums3.Level open\n"
           "  value wk.enums3.Level.LEVEL_UNSPECIFIED = 0\n"
           "  value wk.enums3.Level.LEVEL_LOW = 1\n"
           "  value wk.enums3.Level.LEVEL_HIGH = 2\n"
           "  reserved 3, \"LEVEL_MID\"\n",
           "");
    expect(ARGS("schema", "show", "y_maps_proto2.proto", "-m", "Holder"), 0,
           "message wk.maps2.Holder\n"
           "  field wk.maps2.Holder.counts = 1 repeated map<string, int32> json=counts\n"
           "  field wk.maps2.Holder.children = 2 repeated map<int32, wk.maps2.Holder> json=children\n"
           "message wk.maps2.Holder.CountsEntry map_entry\n"
           "  field wk.maps2.Holder.CountsEntry.key = 1 optional string json=key\n"
           "  field wk.maps2.Holder.CountsEntry.value = 2 optional int32 json=value\n"
           "message wk.maps2.Holder.ChildrenEntry map_entry\n"
           "  field wk.maps2.Holder.ChildrenEntry.key = 1 optional int32 json=key\n"
           "  field wk.maps2.Holder.ChildrenEntry.value = 2 optional message wk.maps2.Holder json=value\n",
           "");
}

static void test_errors(void **state)
{
    (void)state;
    expect(ARGS("schema", "show", "n_unknown_type.proto"), 1, "",
           "n_unknown_type.proto:4:3: error: unknown type \"Missing\"\n");
    expect(ARGS("schema", "show", "-I", ".", "n_error_in_import.proto"), 1, "",
           "imp/broken.proto:5:13: error: field number 0 is out of range: field numbers run from 1 to 536870911\n");
    expect(ARGS("schema", "show", "-I", ".", "n_import_cycle.proto"), 1, "",
           "cycle/b.proto:2:8: error: import cycle: n_import_cycle.proto -> cycle/b.proto -> n_import_cycle.proto\n");
    expect(ARGS("schema", "show", "n_missing_import.proto", "-I", "imp", "-I", "stream"), 1, "",
           "n_missing_import.proto:4:8: error: cannot find \"no/such/file.proto\"; looked for no/such/file.proto, "
           "imp/no/such/file.proto, stream/no/such/file.proto\n");
    expect(ARGS("schema", "show", "n_edition.proto"), 1, "",
           "n_edition.proto:2:1: error: editions (edition = \"...\") are not supported; write syntax = \"proto2\" or "
           "\"proto3\"\n");
    expect(ARGS("schema", "show", "missing.proto"), 3, "",
           "missing.proto: error: cannot read the file: No such file or directory\n");
    expect(ARGS("schema", "show", "imp"), 3, "", "imp: error: cannot read the file: Is a directory\n");
    /* Output that cannot be written. */
    struct stat sb;
    if (stat("/dev/full", &sb) == 0) {
        result r = run_to(ARGS("schema", "show", "y_maps.proto"), "/dev/full");
        assert_int_equal(r.status, 3);
        assert_string_equal(r.err, "wirekit: error: cannot write to standard output\n");
        result_free(&r);
    }
}

static void test_usage(void **state)
{
    (void)state;
    result r = run(ARGS("schema"));
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "Usage: wirekit schema COMMAND [OPTIONS] FILE...\n"));
    result_free(&r);

    r = run(ARGS("schema", "--help"));
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    assert_non_null(strstr(r.out, "Usage: wirekit schema COMMAND [OPTIONS] FILE...\n"));
    assert_non_null(strstr(r.out, "  show   print a .proto schema as resolved, one line per definition\n"));
    result_free(&r);

    r = run(ARGS("help", "schema"));
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Usage: wirekit schema COMMAND"));
    result_free(&r);

    r = run(ARGS("--help"));
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "  schema    show .proto schemas; compare their versions (diff, check, bump)\n"));
    result_free(&r);

    r = run(ARGS("schema", "show", "-h"));
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Usage: wirekit schema show [OPTIONS] FILE\n"));
    assert_non_null(strstr(r.out, "docs/schema-show.md"));
    result_free(&r);

    expect(ARGS("schema", "bogus"), 2, "",
           "wirekit: error: unknown schema command 'bogus'\nTry 'wirekit schema --help'.\n");
    expect(ARGS("schema", "show"), 2, "",
           "wirekit: error: which .proto file? (wirekit schema show FILE)\nTry 'wirekit schema show --help'.\n");
    expect(ARGS("schema", "show", "a.proto", "b.proto"), 2, "",
           "wirekit: error: one schema at a time ('a.proto' and 'b.proto')\nTry 'wirekit schema show --help'.\n");
    expect(ARGS("schema", "show", "--bogus", "a.proto"), 2, "",
           "wirekit: error: unknown option '--bogus'\nTry 'wirekit schema show --help'.\n");
    expect(ARGS("schema", "show", "a.proto", "-I"), 2, "",
           "wirekit: error: option '-I' needs a value\nTry 'wirekit schema show --help'.\n");
    expect(ARGS("schema", "show", "a.proto", "-m"), 2, "",
           "wirekit: error: option '-m' needs a value\nTry 'wirekit schema show --help'.\n");
    expect(ARGS("schema", "show", "y_maps.proto", "-m", "Nope"), 2, "",
           "wirekit: error: no message or enum named 'Nope' in y_maps.proto (a short name must belong to one "
           "definition only)\nTry 'wirekit schema show --help'.\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_files),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_usage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
