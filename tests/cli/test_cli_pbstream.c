/*
 * Length-delimited Protocol Buffers streams in `wirekit convert` and
 * `wirekit bench`, run as a process: JSON Lines and MessagePack streams to
 * a .pbstream and back with exact bytes, errors with their exact messages
 * and exit statuses, and interoperability with protobuf's own tools: protoc
 * --encode for the message bytes (each record must be byte for byte what
 * protoc writes) and Python's protobuf for the framing (its varint writer
 * and reader). The tests that need protoc or Python's protobuf skip with a
 * message where they are not installed.
 *
 * Each test gets a fresh folder from mkdtemp, removed by its teardown; the
 * tool runs there, so that file names in its messages are short.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/files.h"
#include "support/run.h"

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

typedef struct fixture {
    char dir[PATH_MAX / 2];   /* room left in a PATH_MAX path for a file name */
} fixture;

typedef wkt_result result;

static char *read_all(const char *path, size_t *len)
{
    char *text = (char *)wkt_read_file(path, len);
    if (!text) fail_msg("cannot open %s", path);
    return text;
}

static void path_in(const fixture *t, const char *name, char *out)
{
    snprintf(out, PATH_MAX, "%s/%s", t->dir, name);
}

static void write_file(const fixture *t, const char *name, const void *data, size_t len)
{
    char path[PATH_MAX];
    path_in(t, name, path);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static bool file_exists(const fixture *t, const char *name)
{
    char path[PATH_MAX];
    path_in(t, name, path);
    return access(path, F_OK) == 0;
}

/*
 * Runs `program` (WK_CLI_PATH when NULL) with args in the test's folder,
 * standard input from the file `in` there (NULL: /dev/null), standard
 * output and standard error captured through files.
 */
static result run_program(const fixture *t, const char *program, const char *const *args, const char *in)
{
    char in_path[PATH_MAX];
    if (in) path_in(t, in, in_path);
    wkt_run_opts o = {.program = program, .cwd = t->dir, .in_path = in ? in_path : NULL};
    return wkt_run(&o, args);
}

static result run(const fixture *t, const char *const *args, const char *in)
{
    return run_program(t, NULL, args, in);
}

static void result_free(result *r) { wkt_result_free(r); }

/* Runs wirekit and checks the status and both outputs exactly (out NULL: not checked). */
static void expect(const fixture *t, const char *const *args, const char *in, int status, const char *out,
                   const char *err)
{
    result r = run(t, args, in);
    if (r.status != status || (out && strcmp(r.out, out) != 0) || strcmp(r.err, err) != 0)
        fail_msg("status %d (expected %d)\nstdout:\n%s\nstderr:\n%s\nexpected stderr:\n%s", r.status, status,
                 r.out, r.err, err);
    result_free(&r);
}

static void expect_file(const fixture *t, const char *name, const void *data, size_t len)
{
    char path[PATH_MAX];
    path_in(t, name, path);
    size_t got_len;
    char *got = read_all(path, &got_len);
    if (got_len != len || memcmp(got, data, len) != 0) {
        char hex[512] = "";
        for (size_t i = 0, k = 0; i < got_len && k + 4 < sizeof hex; i++, k += 3)
            snprintf(hex + k, sizeof hex - k, "%02x ", (unsigned char)got[i]);
        fail_msg("%s: %zu bytes (expected %zu): %s", name, got_len, len, hex);
    }
    free(got);
}

/* The path of a program found on PATH, or false. */
static bool find_program(const char *name, char *out)
{
    const char *path = getenv("PATH");
    if (!path) return false;
    while (*path) {
        const char *end = strchr(path, ':');
        size_t n = end ? (size_t)(end - path) : strlen(path);
        if (n > 0 && n < PATH_MAX - 64) {
            snprintf(out, PATH_MAX, "%.*s/%s", (int)n, path, name);
            if (access(out, X_OK) == 0) return true;
        }
        path += n;
        if (*path == ':') path++;
    }
    return false;
}

static int setup(void **state)
{
    fixture *t = calloc(1, sizeof *t);
    if (!t) return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(t->dir, sizeof t->dir, "%s/wk_pbstream_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(t->dir)) return -1;
    *state = t;
    return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int teardown(void **state)
{
    fixture *t = *state;
    nftw(t->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(t);
    return 0;
}

/* ------------------------------------------------------------------ */
/* The messages                                                        */
/* ------------------------------------------------------------------ */

static const char event_proto[] = "syntax = \"proto3\";\n"
                                  "package acme;\n"
                                  "message Event {\n"
                                  "  string name = 1;\n"
                                  "  int64 id = 2;\n"
                                  "  repeated int32 tags = 3;\n"
                                  "  bool ok = 4;\n"
                                  "}\n";

/* Four records: a blank line between two of them is skipped. */
static const char events_jsonl[] = "{\"name\":\"a\",\"id\":\"5\"}\n"
                                   "{}\n"
                                   "\n"
                                   "{\"name\":\"hello\",\"tags\":[1,2,300],\"ok\":true}\n"
                                   "{\"id\":-1}\n";

/* The same records as wirekit writes JSON Lines. */
static const char events_jsonl_out[] = "{\"name\":\"a\",\"id\":\"5\"}\n"
                                       "{}\n"
                                       "{\"name\":\"hello\",\"tags\":[1,2,300],\"ok\":true}\n"
                                       "{\"id\":\"-1\"}\n";

/* As a Protocol Buffers stream: each message after its length. */
static const uint8_t events_pb[] = {
    0x05, 0x0a, 0x01, 'a', 0x10, 0x05,                                    /* 5 bytes */
    0x00,                                                                 /* empty */
    0x0f, 0x0a, 0x05, 'h', 'e', 'l', 'l', 'o', 0x1a, 0x04, 0x01, 0x02, 0xac, 0x02, 0x20, 0x01,
    0x0b, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, /* id -1: a 10-byte varint */
};

/* As a typed MessagePack stream (field names as keys). */
static const uint8_t events_mp[] = {
    0x82, 0xa4, 'n', 'a', 'm', 'e', 0xa1, 'a', 0xa2, 'i', 'd', 0x05,
    0x80,
    0x83, 0xa4, 'n', 'a', 'm', 'e', 0xa5, 'h', 'e', 'l', 'l', 'o', 0xa4, 't', 'a', 'g', 's',
    0x93, 0x01, 0x02, 0xcd, 0x01, 0x2c, 0xa2, 'o', 'k', 0xc3,
    0x81, 0xa2, 'i', 'd', 0xff,
};

static void write_schema(const fixture *t)
{
    write_file(t, "event.proto", event_proto, strlen(event_proto));
}

/* ------------------------------------------------------------------ */
/* convert                                                             */
/* ------------------------------------------------------------------ */

static void jsonl_to_pbstream_and_back(void **state)
{
    fixture *t = *state;
    write_schema(t);
    write_file(t, "events.jsonl", events_jsonl, strlen(events_jsonl));
    expect(t, ARGS("convert", "events.jsonl", "-s", "event.proto", "-m", "acme.Event", "-o", "events.pbstream"),
           NULL, 0, "", "");
    expect_file(t, "events.pbstream", events_pb, sizeof events_pb);
    /* Back, by the extension of either side. */
    expect(t, ARGS("convert", "events.pbstream", "-s", "event.proto", "-o", "back.jsonl"), NULL, 0, "", "");
    expect_file(t, "back.jsonl", events_jsonl_out, strlen(events_jsonl_out));
    expect(t, ARGS("convert", "events.pbstream", "-s", "event.proto", "--to", "ndjson"), NULL, 0, events_jsonl_out,
           "");
    /* The other extension and the stream names. */
    expect(t, ARGS("convert", "events.jsonl", "-s", "event.proto", "-o", "events.pb-stream"), NULL, 0, "", "");
    expect_file(t, "events.pb-stream", events_pb, sizeof events_pb);
    result r = run(t, ARGS("convert", "events.jsonl", "-s", "event.proto", "--to", "protobuf-stream"), NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    assert_int_equal(r.out_len, sizeof events_pb);
    assert_memory_equal(r.out, events_pb, sizeof events_pb);
    result_free(&r);
    /* From standard input, with the format and --stream named. */
    expect(t, ARGS("convert", "--from", "protobuf", "--stream", "-s", "event.proto", "--to", "json"),
           "events.pbstream", 0, events_jsonl_out, "");
    expect(t, ARGS("convert", "--from", "protobuf-delimited", "-s", "event.proto", "--to", "json"),
           "events.pbstream", 0, events_jsonl_out, "");
}

static void msgpack_stream_to_pbstream_and_back(void **state)
{
    fixture *t = *state;
    write_schema(t);
    write_file(t, "events.mpstream", events_mp, sizeof events_mp);
    expect(t, ARGS("convert", "events.mpstream", "-s", "event.proto", "-o", "events.pbstream"), NULL, 0, "", "");
    expect_file(t, "events.pbstream", events_pb, sizeof events_pb);
    expect(t, ARGS("convert", "events.pbstream", "-s", "event.proto", "-o", "back.msgpack-stream"), NULL, 0, "",
           "");
    expect_file(t, "back.msgpack-stream", events_mp, sizeof events_mp);
    /* pbstream to pbstream: the same bytes. */
    expect(t, ARGS("convert", "events.pbstream", "-s", "event.proto", "-o", "again.pbstream"), NULL, 0, "", "");
    expect_file(t, "again.pbstream", events_pb, sizeof events_pb);
}

/* A record of length 0 is an empty message; an empty file is an empty stream. */
static void empty_records_and_empty_streams(void **state)
{
    fixture *t = *state;
    write_schema(t);
    write_file(t, "zeros.pbstream", "\0\0\0", 3);
    expect(t, ARGS("convert", "zeros.pbstream", "-s", "event.proto", "--to", "jsonl"), NULL, 0, "{}\n{}\n{}\n", "");
    write_file(t, "empty.pbstream", "", 0);
    expect(t, ARGS("convert", "empty.pbstream", "-s", "event.proto", "-o", "empty.jsonl"), NULL, 0, "", "");
    expect_file(t, "empty.jsonl", "", 0);
    write_file(t, "blank.jsonl", "\n\n", 2);
    expect(t, ARGS("convert", "blank.jsonl", "-s", "event.proto", "-o", "blank.pbstream"), NULL, 0, "", "");
    expect_file(t, "blank.pbstream", "", 0);
}

/* A record of 200 bytes has a length of two bytes, 0xc8 0x01. */
static void long_record_has_a_two_byte_length(void **state)
{
    fixture *t = *state;
    write_schema(t);
    char json[256];
    snprintf(json, sizeof json, "{\"name\":\"%0197d\"}\n", 0);
    write_file(t, "long.jsonl", json, strlen(json));
    expect(t, ARGS("convert", "long.jsonl", "-s", "event.proto", "-o", "long.pbstream"), NULL, 0, "", "");
    uint8_t want[202];
    want[0] = 0xc8;
    want[1] = 0x01;
    want[2] = 0x0a;
    want[3] = 0xc5;
    want[4] = 0x01;
    memset(want + 5, '0', 197);
    expect_file(t, "long.pbstream", want, sizeof want);
    expect(t, ARGS("convert", "long.pbstream", "-s", "event.proto", "--to", "jsonl"), NULL, 0, json, "");
}

static void pbstream_needs_a_schema(void **state)
{
    fixture *t = *state;
    write_file(t, "events.jsonl", events_jsonl, strlen(events_jsonl));
    write_file(t, "events.pbstream", events_pb, sizeof events_pb);
    static const char usage[] = "wirekit: error: a Protocol Buffers stream needs a schema (-s FILE.proto)\n"
                                "Try 'wirekit convert --help'.\n";
    expect(t, ARGS("convert", "events.jsonl", "-o", "out.pbstream"), NULL, 2, "", usage);
    expect(t, ARGS("convert", "events.pbstream", "--to", "jsonl"), NULL, 2, "", usage);
    expect(t, ARGS("convert", "--stream", "--from", "pb", "--to", "json"), "events.pbstream", 2, "", usage);
    assert_false(file_exists(t, "out.pbstream"));
}

/* Writes `data` as bad.pbstream and expects `message` for it, exit 1, nothing written. */
static void expect_bad(const fixture *t, const void *data, size_t len, const char *const *extra, const char *message)
{
    write_file(t, "bad.pbstream", data, len);
    const char *args[16] = {"convert", "bad.pbstream", "-s", "event.proto", "-o", "out.jsonl"};
    size_t n = 6;
    for (; extra && *extra; extra++) args[n++] = *extra;
    args[n] = NULL;
    char err[512];
    snprintf(err, sizeof err, "bad.pbstream: error: %s\n", message);
    expect(t, args, NULL, 1, "", err);
    assert_false(file_exists(t, "out.jsonl"));
}

static void framing_errors_name_record_and_byte(void **state)
{
    fixture *t = *state;
    write_schema(t);
    /* The final record cut short. */
    static const uint8_t cut[] = {0x05, 0x0a, 0x01, 'a', 0x10, 0x05, 0x05, 0x0a, 0x01};
    expect_bad(t, cut, sizeof cut, NULL,
               "at byte 6: record 2: a record of 5 bytes, but only 2 bytes follow its length prefix");
    /* The length itself cut short. */
    static const uint8_t cut_length[] = {0x00, 0x00, 0x80};
    expect_bad(t, cut_length, sizeof cut_length, NULL,
               "at byte 2: record 3: the length prefix is cut short by the end of the input");
    /* More than 10 bytes of length. */
    static const uint8_t overlong[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x81, 0x00};
    expect_bad(t, overlong, sizeof overlong, NULL, "at byte 0: record 1: the length prefix is longer than 10 bytes");
    static const uint8_t wide[] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
    expect_bad(t, wide, sizeof wide, NULL, "at byte 1: record 2: the length prefix does not fit in 64 bits");
    /* 2^32 bytes: more than the model holds. */
    static const uint8_t huge[] = {0x80, 0x80, 0x80, 0x80, 0x10};
    expect_bad(t, huge, sizeof huge, NULL,
               "at byte 0: record 1: a record of 4294967296 bytes: more than a message can hold (4294967295 bytes)");
    /* Above the default limit of 64 MiB, then a limit given. */
    static const uint8_t big[] = {0x81, 0x80, 0x80, 0x20};
    expect_bad(t, big, sizeof big, NULL,
               "at byte 0: record 1: a record of 67108865 bytes: more than the limit of 67108864 bytes");
    expect_bad(t, events_pb, sizeof events_pb, ARGS("--max-record", "14"),
               "at byte 7: record 3: a record of 15 bytes: more than the limit of 14 bytes");
    /* A message that does not decode: the offset is from the start of the file. */
    static const uint8_t bad[] = {0x05, 0x0a, 0x01, 'a', 0x10, 0x05, 0x02, 0x0f, 0x00};
    expect_bad(t, bad, sizeof bad, NULL, "at byte 7: record 2: $: invalid wire type 7 (field 1)");
    /* A record that decodes but is the wrong type for its field: the path too. */
    static const uint8_t wrong[] = {0x00, 0x03, 0x0a, 0x01, 0xff};
    expect_bad(t, wrong, sizeof wrong, NULL,
               "at byte 2: record 2: $.name: invalid UTF-8 in string field at byte 0 of it");
}

static void max_record_option(void **state)
{
    fixture *t = *state;
    write_schema(t);
    write_file(t, "events.pbstream", events_pb, sizeof events_pb);
    /* At the limit is allowed; K, M and G are sizes. */
    expect(t, ARGS("convert", "events.pbstream", "-s", "event.proto", "--max-record", "15", "--to", "jsonl"), NULL,
           0, events_jsonl_out, "");
    expect(t, ARGS("convert", "events.pbstream", "-s", "event.proto", "--max-record=1k", "--to", "jsonl"), NULL, 0,
           events_jsonl_out, "");
    static const char *const bad[] = {"0", "4G", "4294967296", "-1", "12MB", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char err[256];
        snprintf(err, sizeof err,
                 "wirekit: error: --max-record takes a size from 1 to 4294967295 bytes (K, M, G allowed), not '%s'\n"
                 "Try 'wirekit convert --help'.\n",
                 bad[i]);
        char opt[64];
        snprintf(opt, sizeof opt, "--max-record=%s", bad[i]);
        expect(t, ARGS("convert", "events.pbstream", "-s", "event.proto", opt, "--to", "jsonl"), NULL, 2, "", err);
    }
}

/* A JSON Lines record that does not fit the type names its record and line. */
static void record_that_does_not_fit_the_type(void **state)
{
    fixture *t = *state;
    write_schema(t);
    write_file(t, "bad.jsonl", "{}\n{\"tags\":[\"x\"]}\n", 18);
    result r = run(t, ARGS("convert", "bad.jsonl", "-s", "event.proto", "-o", "out.pbstream"), NULL);
    assert_int_equal(r.status, 1);
    assert_true(strncmp(r.err, "bad.jsonl:2:", 12) == 0);
    assert_non_null(strstr(r.err, ": error: record 2: $.tags[0]: "));
    result_free(&r);
    assert_false(file_exists(t, "out.pbstream"));
}

static void formats_without_a_stream_form(void **state)
{
    fixture *t = *state;
    write_schema(t);
    write_file(t, "events.pbstream", events_pb, sizeof events_pb);
    expect(t, ARGS("convert", "events.pbstream", "-s", "event.proto", "--to", "xml"), NULL, 2, "",
           "wirekit: error: xml has no stream form (streams are JSON Lines, MessagePack and Protocol Buffers)\n"
           "Try 'wirekit convert --help'.\n");
}

/* ------------------------------------------------------------------ */
/* Interoperability                                                    */
/* ------------------------------------------------------------------ */

/*
 * protoc --encode writes one message; each record of wirekit's stream must
 * be exactly those bytes after their length, and a stream framed by hand
 * from protoc's bytes must read as the same records.
 */
static void records_are_what_protoc_encodes(void **state)
{
    fixture *t = *state;
    char protoc[PATH_MAX];
    if (!find_program("protoc", protoc)) {
        print_message("protoc is not installed: skipped\n");
        skip();
    }
    write_schema(t);
    static const char *const texts[] = {
        "name: \"a\" id: 5",
        "",
        "name: \"hello\" tags: [1, 2, 300] ok: true",
        "id: -1",
    };
    uint8_t framed[256];
    size_t len = 0;
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        write_file(t, "msg.txt", texts[i], strlen(texts[i]));
        result r = run_program(t, protoc, ARGS("--encode=acme.Event", "event.proto"), "msg.txt");
        if (r.status != 0) fail_msg("protoc --encode: status %d: %s", r.status, r.err);
        assert_true(r.out_len < 128 && len + 1 + r.out_len <= sizeof framed);
        framed[len++] = (uint8_t)r.out_len;
        memcpy(framed + len, r.out, r.out_len);
        len += r.out_len;
        result_free(&r);
    }
    assert_int_equal(len, sizeof events_pb);
    assert_memory_equal(framed, events_pb, len);
    write_file(t, "protoc.pbstream", framed, len);
    expect(t, ARGS("convert", "protoc.pbstream", "-s", "event.proto", "--to", "jsonl"), NULL, 0, events_jsonl_out,
           "");
    write_file(t, "events.jsonl", events_jsonl, strlen(events_jsonl));
    expect(t, ARGS("convert", "events.jsonl", "-s", "event.proto", "-o", "ours.pbstream"), NULL, 0, "", "");
    expect_file(t, "ours.pbstream", framed, len);
}

/*
 * Python's protobuf: a module generated by protoc, a stream written with
 * the library's own varint writer and read by wirekit, and wirekit's stream
 * read back with the library's varint reader, message by message.
 */
static const char py_interop[] =
    "import sys\n"
    "sys.path.insert(0, '.')\n"
    "import event_pb2\n"
    "from google.protobuf.internal.encoder import _VarintBytes\n"
    "from google.protobuf.internal.decoder import _DecodeVarint32\n"
    "if sys.argv[1] == 'write':\n"
    "    out = b''\n"
    "    for i in range(300):\n"
    "        m = event_pb2.Event(name='event %d' % i + 'x' * i, id=i * 1000003 - 7, tags=range(i % 5), ok=i % 2 == 1)\n"
    "        data = m.SerializeToString()\n"
    "        out += _VarintBytes(len(data)) + data\n"
    "    sys.stdout.buffer.write(out)\n"
    "else:\n"
    "    data = open(sys.argv[2], 'rb').read()\n"
    "    pos = 0\n"
    "    names = []\n"
    "    while pos < len(data):\n"
    "        n, pos = _DecodeVarint32(data, pos)\n"
    "        m = event_pb2.Event()\n"
    "        m.ParseFromString(data[pos:pos + n])\n"
    "        pos += n\n"
    "        names.append(m.name[:9].strip() + ':' + str(m.id) + ':' + str(list(m.tags)) + ':' + str(m.ok))\n"
    "    print(len(names), names[0], names[1], names[299])\n";

static void python_protobuf_reads_and_writes_the_same_framing(void **state)
{
    fixture *t = *state;
    char protoc[PATH_MAX], python[PATH_MAX];
    if (!find_program("protoc", protoc)) {
        print_message("protoc is not installed: skipped\n");
        skip();
    }
    /* Debian's interpreter first: python3-protobuf is installed for it. */
    if (access("/usr/bin/python3", X_OK) == 0) snprintf(python, sizeof python, "/usr/bin/python3");
    else if (!find_program("python3", python)) {
        print_message("python3 is not installed: skipped\n");
        skip();
    }
    write_schema(t);
    write_file(t, "interop.py", py_interop, strlen(py_interop));
    result r = run_program(t, python, ARGS("-c", "import google.protobuf"), NULL);
    int has_protobuf = r.status == 0;
    result_free(&r);
    if (!has_protobuf) {
        print_message("Python's protobuf is not installed: skipped\n");
        skip();
    }
    r = run_program(t, protoc, ARGS("--python_out=.", "event.proto"), NULL);
    if (r.status != 0) fail_msg("protoc --python_out: status %d: %s", r.status, r.err);
    result_free(&r);
    r = run_program(t, python, ARGS("interop.py", "write"), NULL);
    if (r.status != 0) fail_msg("interop.py write: status %d: %s", r.status, r.err);
    write_file(t, "py.pbstream", r.out, r.out_len);
    size_t py_len = r.out_len;
    char *py_bytes = r.out;
    free(r.err);
    /* Python's stream through wirekit, via JSON Lines and back: the same bytes. */
    expect(t, ARGS("convert", "py.pbstream", "-s", "event.proto", "-o", "py.jsonl"), NULL, 0, "", "");
    expect(t, ARGS("convert", "py.jsonl", "-s", "event.proto", "-o", "ours.pbstream"), NULL, 0, "", "");
    expect_file(t, "ours.pbstream", py_bytes, py_len);
    free(py_bytes);
    /* Spot checks of what wirekit read. */
    static const char first[] = "{\"name\":\"event 0\",\"id\":\"-7\"}\n"
                                "{\"name\":\"event 1x\",\"id\":\"999996\",\"tags\":[0],\"ok\":true}\n";
    char path[PATH_MAX];
    path_in(t, "py.jsonl", path);
    char *jsonl = read_all(path, NULL);
    if (strncmp(jsonl, first, strlen(first)) != 0) fail_msg("py.jsonl begins:\n%.200s", jsonl);
    free(jsonl);
    /* And wirekit's stream read by Python's varint reader. */
    expect(t, ARGS("convert", "py.jsonl", "-s", "event.proto", "--to", "msgpack-stream", "-o", "py.mpstream"),
           NULL, 0, "", "");
    expect(t, ARGS("convert", "py.mpstream", "-s", "event.proto", "-o", "mp.pbstream"), NULL, 0, "", "");
    r = run_program(t, python, ARGS("interop.py", "read", "mp.pbstream"), NULL);
    if (r.status != 0) fail_msg("interop.py read: status %d: %s", r.status, r.err);
    assert_string_equal(r.out, "300 event 0:-7:[]:False event 1x:999996:[0]:True event 299:299000890:[0, 1, 2, 3]:True\n");
    result_free(&r);
}

/* ------------------------------------------------------------------ */
/* bench                                                               */
/* ------------------------------------------------------------------ */

static void bench_counts_a_pbstream_as_one_file_of_many_messages(void **state)
{
    fixture *t = *state;
    write_schema(t);
    write_file(t, "events.pbstream", events_pb, sizeof events_pb);
    result r = run(t, ARGS("bench", "events.pbstream", "-s", "event.proto", "--formats", "protobuf,json",
                           "--min-time", "0.001", "--output", "csv"),
                   NULL);
    if (r.status != 0) fail_msg("bench: status %d: %s", r.status, r.err);
    /* path,source_format,stream,messages,source_bytes,json_bytes,format,ok,error,bytes,... */
    char want[128];
    snprintf(want, sizeof want, "\nevents.pbstream,protobuf,true,4,%zu,", sizeof events_pb);
    if (!strstr(r.out, want)) fail_msg("no line starting '%s' in:\n%s", want + 1, r.out);
    /* The protobuf row: its bytes are the messages without their lengths. */
    snprintf(want, sizeof want, ",protobuf,true,,%zu,", sizeof events_pb - 4);
    if (!strstr(r.out, want)) fail_msg("no '%s' in:\n%s", want, r.out);
    result_free(&r);
    /* Without a schema, the file's error names its first record. */
    r = run(t, ARGS("bench", "events.pbstream", "--formats", "json", "--min-time", "0.001"), NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "events.pbstream: error: at byte 0: record 1: a Protocol Buffers stream cannot be "
                                  "read without a message type: give a schema (-s FILE.proto -m TYPE)\n"));
    result_free(&r);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(jsonl_to_pbstream_and_back),
        T(msgpack_stream_to_pbstream_and_back),
        T(empty_records_and_empty_streams),
        T(long_record_has_a_two_byte_length),
        T(pbstream_needs_a_schema),
        T(framing_errors_name_record_and_byte),
        T(max_record_option),
        T(record_that_does_not_fit_the_type),
        T(formats_without_a_stream_form),
        T(records_are_what_protoc_encodes),
        T(python_protobuf_reads_and_writes_the_same_framing),
        T(bench_counts_a_pbstream_as_one_file_of_many_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
