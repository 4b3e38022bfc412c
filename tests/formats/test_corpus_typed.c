/*
 * The sample corpus with its schemas: every message file of corpus/ is
 * named in its folder's corpus.txt and each of its messages (one a file, or
 * one a line of JSON Lines) decodes as its type with no unknown field; the typed message then goes through JSON, MessagePack (name keys
 * and number keys), XML and Protocol Buffers and back unchanged, and each
 * encoding is stable (re-encoding the decoded message gives the same bytes).
 * Where protoc is installed, it reads our Protocol Buffers bytes, and its
 * encoding of what it read comes back through us to the same text.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wirekit/wirekit.h>

#include "cli/manifest.h"
#include "support/files.h"

#define CORPUS_DIR WK_SOURCE_DIR "/corpus"

typedef struct variant {
    const char *format;
    uint32_t encode_flags;
} variant;

static const variant variants[] = {
    {"json", 0},
    {"msgpack", 0},
    {"msgpack", WK_ENCODE_NUMBER_KEYS},
    {"xml", 0},
    {"protobuf", 0},
};

/* The names in a folder, sorted; *n receives the count. */
static char **list_dir(const char *dir, size_t *n)
{
    char **names = wkt_list_dir(dir, NULL, n);
    assert_non_null(names);
    return names;
}

static bool is_lines(const char *name)
{
    size_t n = strlen(name);
    return n > 6 && strcmp(name + n - 6, ".jsonl") == 0;
}

static bool is_message_file(const char *name)
{
    return is_lines(name) || wk_format_for_path(name) != NULL;
}

/* Runs protoc over a file: "protoc ... --MODE=TYPE SCHEMA < in > out"; true when it succeeds. */
static bool run_protoc(const char *dir, const char *schema, const char *mode, const char *type, const char *in,
                       const char *out)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "protoc -I'%s' -I'%s/proto' -I/usr/include --%s=%s '%s' < '%s' > '%s'", dir,
             WK_SOURCE_DIR, mode, type, schema, in, out);
    return system(cmd) == 0;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/*
 * Our bytes through protoc and back: protoc reads them as text T1, encodes
 * T1, we decode and re-encode that, and protoc reads the result as T1
 * again. (Bytes are not compared: protoc's text sorts map entries by key,
 * so its encoding may order a map differently.)
 */
static bool protoc_round_trip(const char *dir, const char *schema, const wk_message_def *type, const wk_buf *pb)
{
    char base[] = "/tmp/wk-corpus-pb-XXXXXX";
    int fd = mkstemp(base);
    assert_true(fd >= 0);
    close(fd);
    char ours[64], text[64], theirs[64], again[64], text2[64];
    snprintf(ours, sizeof ours, "%s.pb", base);
    snprintf(text, sizeof text, "%s.txt", base);
    snprintf(theirs, sizeof theirs, "%s.protoc.pb", base);
    snprintf(again, sizeof again, "%s.again.pb", base);
    snprintf(text2, sizeof text2, "%s.again.txt", base);
    write_file(ours, pb->data, pb->len);
    bool same = run_protoc(dir, schema, "decode", type->full_name, ours, text) &&
                run_protoc(dir, schema, "encode", type->full_name, text, theirs);
    if (same) {
        size_t len;
        uint8_t *data = wkt_read_file(theirs, &len);
        assert_non_null(data);
        const wk_format *pbf = wk_format_find("protobuf");
        wk_arena *a = wk_arena_new(0);
        wk_decode_opts dopts = {.flags = WK_DECODE_UNKNOWN_ERROR, .type = type};
        const wk_value *v;
        wk_status st;
        wk_buf out;
        wk_buf_init(&out);
        same = wk_decode(pbf, data, len, &dopts, a, &v, &st) == WK_OK && wk_encode(pbf, v, NULL, &out, &st) == WK_OK;
        if (same) {
            write_file(again, out.data, out.len);
            same = run_protoc(dir, schema, "decode", type->full_name, again, text2);
        }
        wk_buf_destroy(&out);
        wk_arena_free(a);
        free(data);
    }
    if (same) {
        size_t n1, n2;
        uint8_t *t1 = wkt_read_file(text, &n1), *t2 = wkt_read_file(text2, &n2);
        same = t1 && t2 && n1 > 0 && n1 == n2 && memcmp(t1, t2, n1) == 0;
        free(t1);
        free(t2);
    }
    const char *files[] = {base, ours, text, theirs, again, text2};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) unlink(files[i]);
    return same;
}

static bool have_protoc(void)
{
    return system("protoc --version > /dev/null 2>&1") == 0;
}

/* One message: decode typed, then every variant there and back. */
static void check_message(const char *path, const char *dir, const char *schema_name, const wk_message_def *type,
                          const wk_format *format, const uint8_t *data, size_t len, bool protoc, size_t *checked)
{
    wk_arena *a = wk_arena_new(0);
    wk_decode_opts dopts = {.flags = WK_DECODE_UNKNOWN_ERROR, .type = type};
    const wk_value *msg;
    wk_status st;
    if (wk_decode(format, data, len, &dopts, a, &msg, &st) != WK_OK)
        fail_msg("%s as %s: %s (offset %zu)", path, type->full_name, st.msg, st.offset);
    assert_int_equal(msg->kind, WK_MESSAGE);
    assert_true(msg->as.message->field_count > 0);

    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        const wk_format *f = wk_format_find(variants[i].format);
        assert_non_null(f);
        wk_encode_opts eopts = {.flags = variants[i].encode_flags};
        wk_buf once, twice;
        wk_buf_init(&once);
        wk_buf_init(&twice);
        if (wk_encode(f, msg, &eopts, &once, &st) != WK_OK)
            fail_msg("%s: encode %s: %s", path, variants[i].format, st.msg);
        const wk_value *back;
        if (wk_decode(f, once.data, once.len, &dopts, a, &back, &st) != WK_OK)
            fail_msg("%s: decode %s: %s (offset %zu)", path, variants[i].format, st.msg, st.offset);
        if (!wk_value_equal(msg, back)) fail_msg("%s: %s round trip changed the message", path, variants[i].format);
        assert_int_equal(wk_encode(f, back, &eopts, &twice, &st), WK_OK);
        assert_int_equal(twice.len, once.len);
        assert_memory_equal(twice.data, once.data, once.len);
        if (protoc && strcmp(variants[i].format, "protobuf") == 0 &&
            !protoc_round_trip(dir, schema_name, type, &once))
            fail_msg("%s: protoc --decode | protoc --encode changed the bytes", path);
        wk_buf_destroy(&once);
        wk_buf_destroy(&twice);
        (*checked)++;
    }
    wk_arena_free(a);
}

/* A message file, or a JSON Lines file of messages (each line checked). Returns the messages. */
static size_t check_file(const char *dir, const char *schema_name, const wk_schema *schema, const char *type_name,
                         const char *name, bool protoc, size_t *checked)
{
    char path[1024];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) fail_msg("%s/%s: path too long", dir, name);
    const wk_message_def *type = wk_schema_message(schema, type_name);
    if (!type) fail_msg("%s: no type %s", path, type_name);
    size_t len;
    uint8_t *data = wkt_read_file(path, &len);
    assert_non_null(data);
    size_t messages = 0;
    if (!is_lines(name)) {
        check_message(path, dir, schema_name, type, wk_format_for_path(name), data, len, protoc, checked);
        messages = 1;
    } else {
        /* The generator writes one value a line, each ending in "\n". protoc runs on
         * every 50th record only: one process pair per record would dominate the test. */
        const wk_format *json = wk_format_find("json");
        for (size_t at = 0; at < len;) {
            const uint8_t *end = memchr(data + at, '\n', len - at);
            assert_non_null(end);
            size_t n = (size_t)(end - (data + at));
            check_message(path, dir, schema_name, type, json, data + at, n, protoc && messages % 50 == 0, checked);
            messages++;
            at += n + 1;
        }
    }
    free(data);
    return messages;
}

static void test_every_corpus_message(void **state)
{
    (void)state;
    bool protoc = have_protoc();
    if (!protoc) print_message("protoc is absent: skipping the protoc cross-checks\n");
    size_t nfolders;
    char **folders = list_dir(CORPUS_DIR, &nfolders);
    size_t files = 0, messages = 0, checked = 0, typed_folders = 0;
    for (size_t i = 0; i < nfolders; i++) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/%s", CORPUS_DIR, folders[i]);
        if (!wkt_is_dir(dir) || strcmp(folders[i], "gen") == 0) continue;
        char mpath[1100];
        snprintf(mpath, sizeof mpath, "%s/corpus.txt", dir);
        size_t mlen;
        char *text = (char *)wkt_read_file(mpath, &mlen);
        if (!text) fail_msg("%s: every corpus folder names its schema in a corpus.txt", dir);
        cli_manifest m;
        unsigned line;
        char why[256];
        if (!cli_manifest_parse(text, mlen, &m, &line, why, sizeof why)) fail_msg("%s:%u: %s", mpath, line, why);
        free(text);
        assert_non_null(m.schema);
        char spath[1100];
        snprintf(spath, sizeof spath, "%s/%s", dir, m.schema);
        const char *inc[] = {WK_SOURCE_DIR "/proto"};
        wk_schema_opts sopts = {inc, 1};
        wk_schema *schema;
        wk_status st;
        if (wk_schema_load(spath, &sopts, &schema, &st) != WK_OK)
            fail_msg("%s:%u:%u: %s", st.file, st.line, st.col, st.msg);
        /* The corpus schemas declare their version, as issue readers expect. */
        assert_non_null(wk_schema_main_file(schema)->version);
        typed_folders++;

        size_t nnames;
        char **names = list_dir(dir, &nnames);
        for (size_t j = 0; j < nnames; j++) {
            if (!is_message_file(names[j])) continue;
            const char *type = cli_manifest_type_of(&m, names[j]);
            if (!type) fail_msg("%s/%s: no type line of corpus.txt names this file", dir, names[j]);
            messages += check_file(dir, m.schema, schema, type, names[j], protoc, &checked);
            files++;
        }
        wkt_free_names(names, nnames);
        wk_schema_free(schema);
        cli_manifest_free(&m);
    }
    wkt_free_names(folders, nfolders);
    /* The corpus as generated: 6 folders, 17 message files (two of them JSON
     * Lines: 987 order events and 2500 heartbeats), each message through 5 variants. */
    assert_int_equal(typed_folders, 6);
    assert_int_equal(files, 17);
    assert_int_equal(messages, 15 + 987 + 2500);
    assert_int_equal(checked, messages * 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_corpus_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
