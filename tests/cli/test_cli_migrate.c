/*
 * `wirekit convert` across schema versions (cli/convert_migrate.c), run as
 * a process in tests/data/versions: --from-schema with its report on
 * standard error under each --unknown policy, the wire form for protobuf
 * output, and versioned media types in --from and --to, accepted or
 * refused with exact messages and exit statuses.
 */
#define _GNU_SOURCE /* mkdtemp */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/files.h"
#include "support/run.h"

#define DATA_DIR WK_SOURCE_DIR "/tests/data/versions"
#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

typedef wkt_result result;

/* A scratch folder in the folder the test runs in (the build tree). */
static char tmp_dir[4096];

static char *read_all(const char *path, size_t *len)
{
    char *text = (char *)wkt_read_file(path, len);
    if (!text) fail_msg("cannot read %s", path);
    return text;
}

static int group_setup(void **state)
{
    (void)state;
    char name[] = "wk_cli_migrate_XXXXXX";
    char cwd[4000];
    if (!mkdtemp(name) || !getcwd(cwd, sizeof cwd)) return -1;
    snprintf(tmp_dir, sizeof tmp_dir, "%s/%s", cwd, name);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    char path[4200];
    static const char *const names[] = {"in", "out", "err", "file"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", tmp_dir, names[i]);
        unlink(path);
    }
    rmdir(tmp_dir);
    return 0;
}

/* Runs wirekit with args in DATA_DIR, `in` (len bytes) on standard input. */
static result run_in(const char *const *args, const void *in, size_t len)
{
    wkt_run_opts o = {.cwd = DATA_DIR, .in = in, .in_len = len};
    return wkt_run(&o, args);
}

static result run(const char *const *args, const char *in) { return run_in(args, in, strlen(in)); }

static void result_free(result *r) { wkt_result_free(r); }

/* Runs and checks the exit status, standard output (NULL: not checked) and standard error exactly. */
static void expect(const char *const *args, const char *in, int status, const char *out, const char *err)
{
    result r = run(args, in);
    if (r.status != status || (out && strcmp(r.out, out) != 0) || strcmp(r.err, err) != 0)
        fail_msg("status %d (expected %d)\nstdout:\n%s\nstderr:\n%s\nexpected stderr:\n%s", r.status, status, r.out,
                 r.err, err);
    result_free(&r);
}

/* The path of a file in the temporary folder, for -o. */
static const char *tmp_file(void)
{
    static char path[4200];
    snprintf(path, sizeof path, "%s/file", tmp_dir);
    return path;
}

static const char order_v1[] =
    "{\"id\":\"A-1\",\"items\":[{\"sku\":\"X\",\"quantity\":-3,\"giftNote\":\"for you\"},{\"sku\":\"Y\","
    "\"quantity\":2}],\"note\":\"leave at door\",\"extras\":{\"k\":{\"sku\":\"Z\",\"giftNote\":\"x\"}}}";

static void test_migrate_keep(void **state)
{
    (void)state;
    expect(ARGS("convert", "--from", "json", "--from-schema", "order-1.0.0.proto", "-s", "order-2.0.0.proto",
                "--to", "json"),
           order_v1, 0,
           "{\"id\":\"A-1\",\"items\":[{\"sku\":\"X\",\"gift_note\":\"for you\"},{\"sku\":\"Y\",\"quantity\":2}],"
           "\"extras\":{\"k\":{\"sku\":\"Z\",\"gift_note\":\"x\"}}}\n",
           "<stdin>: warning: items[0].quantity: -3 does not fit uint32 (field 2 of acme.Order.Item); dropped\n"
           "<stdin>: warning: items[0].gift_note: field 12 is not in acme.Order.Item of schema 2.0.0; kept as "
           "unknown field 'gift_note'\n"
           "<stdin>: warning: note: field 7 is not in acme.Order of schema 2.0.0, whose field 11 has its name "
           "'note'; dropped\n"
           "<stdin>: warning: extras[\"k\"].gift_note: field 12 is not in acme.Order.Item of schema 2.0.0; kept as "
           "unknown field 'gift_note'\n");
    /* A minor version up: the rename carries over, nothing to report. */
    expect(ARGS("convert", "--from", "json", "--from-schema", "order-1.0.0.proto", "-s", "order-1.1.0.proto",
                "-m", "acme.Order", "--to", "json"),
           "{\"id\":\"A-1\",\"note\":\"leave at door\"}", 0, "{\"id\":\"A-1\",\"comment\":\"leave at door\"}\n", "");
}

static void test_migrate_drop_and_error(void **state)
{
    (void)state;
    expect(ARGS("convert", "--from", "json", "--from-schema", "order-1.0.0.proto", "-s", "order-2.0.0.proto",
                "--to", "json", "--unknown=drop"),
           order_v1, 0,
           "{\"id\":\"A-1\",\"items\":[{\"sku\":\"X\"},{\"sku\":\"Y\",\"quantity\":2}],\"extras\":{\"k\":"
           "{\"sku\":\"Z\"}}}\n",
           "<stdin>: warning: items[0].quantity: -3 does not fit uint32 (field 2 of acme.Order.Item); dropped\n"
           "<stdin>: warning: items[0].gift_note: field 12 is not in acme.Order.Item of schema 2.0.0; dropped\n"
           "<stdin>: warning: note: field 7 is not in acme.Order of schema 2.0.0, whose field 11 has its name "
           "'note'; dropped\n"
           "<stdin>: warning: extras[\"k\"].gift_note: field 12 is not in acme.Order.Item of schema 2.0.0; "
           "dropped\n");
    expect(ARGS("convert", "--from", "json", "--from-schema", "order-1.0.0.proto", "-s", "order-2.0.0.proto",
                "--to", "json", "--unknown", "error"),
           order_v1, 1, "",
           "<stdin>: error: items[0].quantity: -3 does not fit uint32 (field 2 of acme.Order.Item)\n");
    expect(ARGS("convert", "--from", "json", "--from-schema", "order-1.0.0.proto", "-s", "order-2.0.0.proto",
                "--to", "json", "--unknown=error"),
           "{\"items\":[{\"giftNote\":\"g\"}]}", 1, "",
           "<stdin>: error: items[0].gift_note: field 12 is not in acme.Order.Item of schema 2.0.0\n");
    /* The policy also holds for fields the old schema itself does not know. */
    expect(ARGS("convert", "--from", "json", "--from-schema", "order-1.0.0.proto", "-s", "order-2.0.0.proto",
                "--to", "json", "--unknown=error"),
           "{\"zzz\":1}", 1, "", "<stdin>:1:2: error: $.zzz: unknown field \"zzz\" in acme.Order\n");
}

/* Written as protobuf, the fields are kept by number, and an old reader finds them all. */
static void test_migrate_to_protobuf(void **state)
{
    (void)state;
    expect(ARGS("convert", "--from", "json", "--from-schema", "order-1.0.0.proto", "-s", "order-2.0.0.proto",
                "--to", "protobuf", "-o", tmp_file()),
           order_v1, 0, "",
           "<stdin>: warning: items[0].quantity: -3 does not fit uint32 (field 2 of acme.Order.Item); dropped\n"
           "<stdin>: warning: items[0].gift_note: field 12 is not in acme.Order.Item of schema 2.0.0; kept as "
           "unknown field 12\n"
           "<stdin>: warning: note: field 7 is not in acme.Order of schema 2.0.0; kept as unknown field 7\n"
           "<stdin>: warning: extras[\"k\"].gift_note: field 12 is not in acme.Order.Item of schema 2.0.0; kept as "
           "unknown field 12\n");
    size_t len;
    char *pb = read_all(tmp_file(), &len);
    result r = run_in(ARGS("convert", "--from", "protobuf", "-s", "order-1.0.0.proto", "--to", "json"), pb, len);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "{\"id\":\"A-1\",\"items\":[{\"sku\":\"X\",\"giftNote\":\"for you\"},{\"sku\":\"Y\","
                               "\"quantity\":2}],\"note\":\"leave at door\",\"extras\":{\"k\":{\"sku\":\"Z\","
                               "\"giftNote\":\"x\"}}}\n");
    assert_string_equal(r.err, "");
    result_free(&r);
    /* Migrated back to 1.0.0 as protobuf: the records kept by number are
     * carried over as they are, and a 1.0.0 reader finds the fields in them. */
    r = run_in(ARGS("convert", "--from", "protobuf", "--from-schema", "order-2.0.0.proto", "-s", "order-1.0.0.proto",
                    "--to", "protobuf", "-o", tmp_file()),
               pb, len);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    result_free(&r);
    free(pb);
    pb = read_all(tmp_file(), &len);
    r = run_in(ARGS("convert", "--from", "protobuf", "-s", "order-1.0.0.proto", "--to", "json"), pb, len);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    assert_string_equal(r.out, "{\"id\":\"A-1\",\"items\":[{\"sku\":\"X\",\"giftNote\":\"for you\"},{\"sku\":\"Y\","
                               "\"quantity\":2}],\"note\":\"leave at door\",\"extras\":{\"k\":{\"sku\":\"Z\","
                               "\"giftNote\":\"x\"}}}\n");
    result_free(&r);
    free(pb);
}

/*
 * Fields the old schema did not know, read from JSON, are kept by name.
 * Migrated to a schema that knows them, they become its fields (channel,
 * below, reaches protobuf); those no schema knows cannot be written in
 * protobuf, and each is named on standard error as it is left out (in a
 * stream, with its record), never dropped silently.
 */
static void test_names_that_protobuf_cannot_write(void **state)
{
    (void)state;
    expect(ARGS("convert", "--from", "json", "--from-schema", "order-1.0.0.proto", "-s", "order-1.1.0.proto",
                "--to", "protobuf", "-o", tmp_file()),
           "{\"id\":\"A\",\"channel\":\"web\",\"items\":[{\"sku\":\"X\",\"wrap\":true}]}", 0, "",
           "<stdin>: warning: $.items[0]: unknown field \"wrap\" (read from json) has no Protocol Buffers field "
           "number; left out\n");
    size_t len;
    char *pb = read_all(tmp_file(), &len);
    result r = run_in(ARGS("convert", "--from", "protobuf", "-s", "order-1.1.0.proto", "--to", "json"), pb, len);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "{\"id\":\"A\",\"items\":[{\"sku\":\"X\"}],\"channel\":\"web\"}\n");
    result_free(&r);
    free(pb);
    expect(ARGS("convert", "--from", "jsonl", "-s", "order-1.0.0.proto", "--to", "pbstream", "-o", tmp_file()),
           "{\"id\":\"A\"}\n{\"id\":\"B\",\"zzz\":1}\n", 0, "",
           "<stdin>: warning: record 2: $: unknown field \"zzz\" (read from json) has no Protocol Buffers field "
           "number; left out\n");
    /* JSON, XML and MessagePack write them back under their names: no warning. */
    expect(ARGS("convert", "--from", "json", "-s", "order-1.0.0.proto", "--to", "msgpack", "-o", tmp_file()),
           "{\"id\":\"A\",\"zzz\":1}", 0, "", "");
}

static void test_migrate_stream(void **state)
{
    (void)state;
    expect(ARGS("convert", "--from", "jsonl", "--to", "jsonl", "--from-schema", "order-1.0.0.proto", "-s",
                "order-1.1.0.proto"),
           "{\"note\":\"a\"}\n{\"note\":\"b\",\"items\":[{\"giftNote\":\"g\"}]}\n", 0,
           "{\"comment\":\"a\"}\n{\"items\":[{\"giftNote\":\"g\"}],\"comment\":\"b\"}\n", "");
    expect(ARGS("convert", "--from", "jsonl", "--to", "jsonl", "--from-schema", "order-1.1.0.proto", "-s",
                "order-2.0.0.proto"),
           "{\"channel\":\"web\"}\n{\"channel\":\"\",\"comment\":\"c\"}\n", 0,
           "{}\n{\"comment\":\"c\"}\n",
           "<stdin>: warning: channel: a string value cannot become int32 (field 10 of acme.Order); dropped\n"
           "<stdin>: warning: comment: field 7 is not in acme.Order of schema 2.0.0; kept as unknown field "
           "'comment'\n");
}

static void test_migrate_usage(void **state)
{
    (void)state;
    expect(ARGS("convert", "--from", "json", "--from-schema", "order-1.0.0.proto", "--to", "json"), "{}", 2, "",
           "wirekit: error: --from-schema needs the schema to migrate to (-s NEW.proto)\n"
           "Try 'wirekit convert --help'.\n");
    expect(ARGS("convert", "--from", "json", "-s", "order-1.0.0.proto", "--from-message", "acme.Order", "--to",
                "json"),
           "{}", 2, "",
           "wirekit: error: --from-message names a type of --from-schema, which is missing\n"
           "Try 'wirekit convert --help'.\n");
    expect(ARGS("convert", "--from", "json", "--from-schema", "order-1.0.0.proto", "--from-message", "acme.Nope",
                "-s", "order-2.0.0.proto", "--to", "json"),
           "{}", 2, "",
           "wirekit: error: no message 'acme.Nope' in order-1.0.0.proto (a full name, or a short name that is "
           "unique)\nTry 'wirekit convert --help'.\n");
    expect(ARGS("convert", "--from", "json", "--from-schema", "missing.proto", "-s", "order-2.0.0.proto", "--to",
                "json"),
           "{}", 3, "", "missing.proto: error: cannot read the file: No such file or directory\n");
    /* The types by their own names: Item of 1.0.0 into Item of 2.0.0. */
    expect(ARGS("convert", "--from", "json", "--from-schema", "order-1.0.0.proto", "--from-message",
                "acme.Order.Item", "-s", "order-2.0.0.proto", "-m", "acme.Order.Item", "--to", "json"),
           "{\"sku\":\"S\",\"quantity\":4}", 0, "{\"sku\":\"S\",\"quantity\":4}\n", "");
    result r = run(ARGS("convert", "--help"), "");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "  --from-schema OLD.proto  migrate: read the input under OLD's message type,\n"));
    assert_non_null(strstr(r.out, "  --from 'application/vnd.acme.order+json; version=1.2.0'\n"));
    result_free(&r);
}

/* ---- versioned media types ---- */

static void test_media_types_accepted(void **state)
{
    (void)state;
    static const char *const accepted[] = {
        "application/vnd.acme.order+json; version=1.1.0", "application/vnd.acme.order+json;version=1",
        "application/vnd.acme.order+json; version=\"1.1\"", "application/vnd.acme.order+json; version=1.0.7",
        "application/json; charset=utf-8; version=1", "application/vnd.acme.order+json",
    };
    for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++)
        expect(ARGS("convert", "--from", accepted[i], "-s", "order-1.1.0.proto", "--to", "json"),
               "{\"comment\":\"c\"}", 0, "{\"comment\":\"c\"}\n", "");
    /* --to: the format from the suffix; the same major version. */
    expect(ARGS("convert", "--from", "json", "-s", "order-1.1.0.proto", "--to",
                "application/vnd.acme.order+msgpack; version=1.0.0", "-o", tmp_file()),
           "{\"comment\":\"c\"}", 0, "", "");
    size_t len;
    char *mp = read_all(tmp_file(), &len);
    assert_int_equal(len, 11);
    assert_memory_equal(mp, "\x81\xa7" "comment\xa1" "c", 11);
    free(mp);
    /* Checked against the schema that reads the input: --from-schema. */
    expect(ARGS("convert", "--from", "application/vnd.acme.order+json; version=1.0.0", "--from-schema",
                "order-1.0.0.proto", "-s", "order-2.0.0.proto", "--to", "application/vnd.acme.order+json; version=2"),
           "{\"id\":\"A\"}", 0, "{\"id\":\"A\"}\n", "");
}

static void test_media_types_refused(void **state)
{
    (void)state;
    expect(ARGS("convert", "--from", "application/vnd.acme.order+json; version=2.0.0", "-s", "order-1.1.0.proto",
                "--to", "json"),
           "{}", 1, "",
           "<stdin>: error: --from declares version 2.0.0, but order-1.1.0.proto is version 1.1.0: data of major "
           "version 2 cannot be read under major version 1\n");
    expect(ARGS("convert", "--from", "application/vnd.acme.order+json; version=2", "--from-schema",
                "order-1.0.0.proto", "-s", "order-2.0.0.proto", "--to", "json"),
           "{}", 1, "",
           "<stdin>: error: --from declares version 2, but order-1.0.0.proto is version 1.0.0: data of major "
           "version 2 cannot be read under major version 1\n");
    expect(ARGS("convert", "--from", "json", "-s", "order-2.0.0.proto", "--to",
                "application/vnd.acme.order+msgpack; version=1.0.0", "-o", tmp_file()),
           "{}", 2, "",
           "wirekit: error: --to asks for version 1.0.0, but order-2.0.0.proto is version 2.0.0: data of major "
           "version 2 cannot be written as major version 1\nTry 'wirekit convert --help'.\n");
    /* Under 0.y.z the minor version breaks. */
    expect(ARGS("convert", "--from", "application/vnd.beta.ping+json; version=0.4", "-s", "beta-0.3.0.proto",
                "--to", "json"),
           "{}", 1, "",
           "<stdin>: error: --from declares version 0.4, but beta-0.3.0.proto is version 0.3.0: data of version 0.4 "
           "cannot be read under 0.3 (under 0.y.z every minor version may break)\n");
    expect(ARGS("convert", "--from", "application/vnd.beta.ping+json; version=0.3.9", "-s", "beta-0.3.0.proto",
                "--to", "json"),
           "{\"text\":\"t\"}", 0, "{\"text\":\"t\"}\n", "");
    /* A malformed media type: where and why. */
    expect(ARGS("convert", "--from", "application/vnd.acme.order+json; version=1.x", "-s", "order-1.1.0.proto",
                "--to", "json"),
           "{}", 2, "",
           "wirekit: error: --from 'application/vnd.acme.order+json; version=1.x': bad version: the minor version "
           "must be a number, not 'x' (at byte 43)\nTry 'wirekit convert --help'.\n");
    expect(ARGS("convert", "--from", "json", "--to", "application/vnd.acme.order+json; version=1; version=2"), "{}",
           2, "",
           "wirekit: error: --to 'application/vnd.acme.order+json; version=1; version=2': the parameter 'version' is "
           "given twice (first at byte 33) (at byte 44)\nTry 'wirekit convert --help'.\n");
    expect(ARGS("convert", "--from", "application/vnd.acme.order+yaml; version=1", "--to", "json"), "{}", 2, "",
           "wirekit: error: unknown input format 'application/vnd.acme.order+yaml; version=1' (see 'wirekit "
           "formats')\nTry 'wirekit convert --help'.\n");
}

static void test_media_types_warnings(void **state)
{
    (void)state;
    /* Newer in its minor version: read, and what it added is unknown here. */
    expect(ARGS("convert", "--from", "application/vnd.acme.order+json; version=1.1.0", "-s", "order-1.0.0.proto",
                "--to", "json"),
           "{\"channel\":\"web\"}", 0, "{\"channel\":\"web\"}\n",
           "<stdin>: warning: --from declares version 1.1.0, newer than order-1.0.0.proto (1.0.0): fields added "
           "since are kept as unknown fields\n");
    expect(ARGS("convert", "--from", "application/vnd.acme.order+json; version=1.1", "-s", "order-1.0.0.proto",
                "--to", "json", "--unknown=drop"),
           "{\"channel\":\"web\"}", 0, "{}\n",
           "<stdin>: warning: --from declares version 1.1, newer than order-1.0.0.proto (1.0.0): fields added "
           "since are dropped (--unknown=drop)\n");
    /* A schema without a version: nothing to check against. */
    expect(ARGS("convert", "--from", "application/vnd.acme.order+json; version=1", "-s", "../typed/all.proto",
                "-m", "wktest.Item", "--to", "json"),
           "{}", 0, "{}\n",
           "wirekit: warning: --from declares version 1, but ../typed/all.proto declares no (wirekit.version) to "
           "check it against\n");
    /* Without a schema there is nothing to check. */
    expect(ARGS("convert", "--from", "application/vnd.acme.order+json; version=7", "--to", "json"), "{\"a\":1}", 0,
           "{\"a\":1}\n", "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrate_keep),
        cmocka_unit_test(test_migrate_drop_and_error),
        cmocka_unit_test(test_migrate_to_protobuf),
        cmocka_unit_test(test_names_that_protobuf_cannot_write),
        cmocka_unit_test(test_migrate_stream),
        cmocka_unit_test(test_migrate_usage),
        cmocka_unit_test(test_media_types_accepted),
        cmocka_unit_test(test_media_types_refused),
        cmocka_unit_test(test_media_types_warnings),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
