/*
 * Tests for schema/schema.c: loading files and their imports (the search
 * order, a file reached twice, cycles, missing and unreadable files, the
 * well-known types from the system folder or built in), the public lookups,
 * running out of memory at every step, and the time to load 100 KB of .proto.
 *
 * Each test that writes files gets a fresh folder from mkdtemp under /tmp,
 * removed by its teardown.
 */
#define _GNU_SOURCE /* mkdtemp, nftw */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "schema/internal.h"

/* ------------------------------------------------------------------ */
/* A temporary folder of .proto files                                  */
/* ------------------------------------------------------------------ */

typedef struct tmp {
    char dir[64];
} tmp;

static int tmp_setup(void **state)
{
    tmp *t = malloc(sizeof *t);
    assert_non_null(t);
    snprintf(t->dir, sizeof t->dir, "/tmp/wk_schema_XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    *state = t;
    return 0;
}

static int tmp_remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    chmod(path, 0700);
    return remove(path);
}

static int tmp_teardown(void **state)
{
    tmp *t = *state;
    nftw(t->dir, tmp_remove_one, 16, FTW_DEPTH | FTW_PHYS);
    free(t);
    return 0;
}

/* Writes dir/name (making its folders); returns the path in one of 32 static buffers, used in turn. */
static const char *tmp_write(const tmp *t, const char *name, const char *text)
{
    static char path[32][512];
    static int slot;
    char *p = path[slot++ % 32];
    snprintf(p, 512, "%s/%s", t->dir, name);
    for (char *c = p + strlen(t->dir) + 1; *c; c++) {
        if (*c == '/') {
            *c = '\0';
            mkdir(p, 0700);
            *c = '/';
        }
    }
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
    return p;
}

static const char *tmp_path(const tmp *t, const char *name)
{
    static char path[32][512];
    static int slot;
    char *p = path[slot++ % 32];
    snprintf(p, 512, "%s/%s", t->dir, name);
    return p;
}

static wk_schema *load_ok(const char *path, const wk_schema_opts *opts)
{
    wk_schema *s = NULL;
    wk_status st;
    if (wk_schema_load(path, opts, &s, &st) != WK_OK) fail_msg("%s:%u:%u: %s", st.file, st.line, st.col, st.msg);
    return s;
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */
/* ------------------------------------------------------------------ */

static void test_bad_arguments(void **state)
{
    (void)state;
    wk_schema *s = NULL;
    wk_status st;
    assert_int_equal(wk_schema_load(NULL, NULL, &s, &st), WK_ERR_INVALID);
    assert_int_equal(wk_schema_load("x.proto", NULL, NULL, &st), WK_ERR_INVALID);
    wk_schema_opts bad = {NULL, 2};
    assert_int_equal(wk_schema_load("x.proto", &bad, &s, &st), WK_ERR_INVALID);
    assert_int_equal(wk_schema_load_text("x.proto", NULL, 5, NULL, &s, &st), WK_ERR_INVALID);
    assert_int_equal(wk_schema_load_text(NULL, "", 0, NULL, &s, &st), WK_ERR_INVALID);
    assert_null(s);
    /* NULL text of length 0 is an empty file; a NULL status is allowed. */
    assert_int_equal(wk_schema_load_text("empty.proto", NULL, 0, NULL, &s, NULL), WK_OK);
    assert_int_equal(wk_schema_main_file(s)->message_count, 0);
    wk_schema_free(s);
    wk_schema_free(NULL);
    assert_null(wk_schema_main_file(NULL));
    assert_int_equal(wk_schema_file_count(NULL), 0);
    assert_null(wk_schema_file(NULL, 0));
    assert_null(wk_schema_message(NULL, "A"));
    assert_null(wk_schema_enum(NULL, "A"));
    assert_null(wk_message_field(NULL, 1));
    assert_null(wk_message_field_by_name(NULL, "a", 1));
    assert_null(wk_enum_value_by_name(NULL, "a", 1));
    assert_null(wk_enum_value_by_number(NULL, 1));
}

static void test_unreadable_main_file(void **state)
{
    tmp *t = *state;
    wk_schema *s = NULL;
    wk_status st;
    const char *missing = tmp_path(t, "missing.proto");
    assert_int_equal(wk_schema_load(missing, NULL, &s, &st), WK_ERR_IO);
    assert_string_equal(st.file, missing);
    assert_int_equal(st.line, 0);
    assert_string_equal(st.msg, "cannot read the file: No such file or directory");
    assert_int_equal(wk_schema_load(t->dir, NULL, &s, &st), WK_ERR_IO);
    assert_string_equal(st.msg, "cannot read the file: Is a directory");
    assert_null(s);
}

static void test_unreadable_import(void **state)
{
    tmp *t = *state;
    const char *main_path = tmp_write(t, "main.proto", "syntax = \"proto3\";\nimport \"sub\";\n");
    mkdir(tmp_path(t, "sub"), 0700);
    wk_schema *s = NULL;
    wk_status st;
    /* A folder of the imported name is not the file: the search goes on. */
    assert_int_equal(wk_schema_load(main_path, NULL, &s, &st), WK_ERR_NOT_FOUND);
    assert_string_equal(st.file, main_path);
    assert_int_equal(st.line, 2);
    assert_int_equal(st.col, 8);
    char want[600];
    snprintf(want, sizeof want, "cannot find \"sub\"; looked for %s/sub", t->dir);
    assert_string_equal(st.msg, want);
    tmp_write(t, "inc/sub", "message FromInclude {}\n");
    const char *dirs[] = {tmp_path(t, "inc")};
    wk_schema_opts o = {dirs, 1};
    s = load_ok(main_path, &o);
    assert_non_null(wk_schema_message(s, "FromInclude"));
    wk_schema_free(s);

    /* A file we may not read (root reads everything: then there is nothing to test). */
    if (geteuid() != 0) {
        const char *locked = tmp_write(t, "locked.proto", "syntax = \"proto3\";\n");
        chmod(locked, 0);
        const char *m2 = tmp_write(t, "m2.proto", "import \"locked.proto\";\n");
        assert_int_equal(wk_schema_load(m2, NULL, &s, &st), WK_ERR_IO);
        assert_int_equal(st.line, 1);
        assert_int_equal(st.col, 8);
        assert_non_null(strstr(st.msg, "Permission denied"));
    }
}

/* The importing file's folder first, then the include folders in order. */
static void test_search_order(void **state)
{
    tmp *t = *state;
    tmp_write(t, "a/dep.proto", "package from_a; message Dep {}\n");
    tmp_write(t, "b/dep.proto", "package from_b; message Dep {}\n");
    tmp_write(t, "b/only_b.proto", "package only_b; message B {}\n");
    tmp_write(t, "main/dep.proto", "package beside; message Dep {}\n");
    const char *main_path = tmp_write(t, "main/main.proto", "import \"dep.proto\";\nimport \"only_b.proto\";\n");
    const char *dirs_ab[] = {tmp_path(t, "a"), tmp_path(t, "b")};
    wk_schema_opts ab = {dirs_ab, 2};
    wk_schema *s = load_ok(main_path, &ab);
    const wk_file_def *f = wk_schema_main_file(s);
    assert_string_equal(f->imports[0].file->package, "beside");
    assert_string_equal(f->imports[1].file->package, "only_b");
    wk_schema_free(s);

    remove(tmp_path(t, "main/dep.proto"));
    s = load_ok(main_path, &ab);
    assert_string_equal(wk_schema_main_file(s)->imports[0].file->package, "from_a");
    wk_schema_free(s);

    const char *dirs_ba[] = {tmp_path(t, "b"), tmp_path(t, "a")};
    wk_schema_opts ba = {dirs_ba, 2};
    s = load_ok(main_path, &ba);
    assert_string_equal(wk_schema_main_file(s)->imports[0].file->package, "from_b");
    /* Errors in an import name the file as opened. */
    wk_schema_free(s);
    tmp_write(t, "b/dep.proto", "package from_b; message Dep { }}\n");
    wk_status st;
    assert_int_equal(wk_schema_load(main_path, &ba, &s, &st), WK_ERR_SYNTAX);
    char want[600];
    snprintf(want, sizeof want, "%s/b/dep.proto", t->dir);
    assert_string_equal(st.file, want);
    assert_int_equal(st.line, 1);
    assert_int_equal(st.col, 32);

    /* A trailing slash on an include folder is fine. */
    char with_slash[600];
    snprintf(with_slash, sizeof with_slash, "%s/a/", t->dir);
    const char *dirs_slash[] = {with_slash};
    wk_schema_opts sl = {dirs_slash, 1};
    tmp_write(t, "main2.proto", "import \"dep.proto\";\n");
    s = load_ok(tmp_path(t, "main2.proto"), &sl);
    assert_string_equal(wk_schema_main_file(s)->imports[0].file->package, "from_a");
    wk_schema_free(s);
}

/* One file reached by two import paths is loaded once (no duplicate definitions). */
static void test_same_file_twice(void **state)
{
    tmp *t = *state;
    tmp_write(t, "lib/common.proto", "package common; message C {}\n");
    tmp_write(t, "lib/user.proto", "import \"common.proto\";\npackage user; message U { optional common.C c = 1; }\n");
    const char *main_path = tmp_write(t, "main.proto",
                                      "import \"lib/common.proto\";\nimport \"lib/user.proto\";\n"
                                      "message M { optional common.C c = 1; optional user.U u = 2; }\n");
    const char *dirs[] = {tmp_path(t, "lib")};
    wk_schema_opts o = {dirs, 1};
    wk_schema *s = load_ok(main_path, &o);
    assert_int_equal(wk_schema_file_count(s), 3);
    const wk_file_def *f = wk_schema_main_file(s);
    assert_ptr_equal(f->imports[0].file, f->imports[1].file->imports[0].file);
    assert_string_equal(f->imports[0].file->path, "lib/common.proto");
    wk_schema_free(s);
}

static void test_cycles(void **state)
{
    tmp *t = *state;
    tmp_write(t, "a.proto", "import \"b.proto\";\n");
    tmp_write(t, "b.proto", "\nimport \"c.proto\";\n");
    tmp_write(t, "c.proto", "\n\nimport \"a.proto\";\n");
    wk_schema *s = NULL;
    wk_status st;
    assert_int_equal(wk_schema_load(tmp_path(t, "a.proto"), NULL, &s, &st), WK_ERR_INVALID);
    assert_string_equal(st.file, tmp_path(t, "c.proto"));
    assert_int_equal(st.line, 3);
    assert_int_equal(st.col, 8);
    char want[600];
    snprintf(want, sizeof want, "import cycle: %s/a.proto -> b.proto -> c.proto -> %s/a.proto", t->dir, t->dir);
    assert_string_equal(st.msg, want);
    /* Entering the cycle elsewhere names it from there. */
    tmp_write(t, "entry.proto", "import \"b.proto\";\n");
    assert_int_equal(wk_schema_load(tmp_path(t, "entry.proto"), NULL, &s, &st), WK_ERR_INVALID);
    assert_string_equal(st.msg, "import cycle: b.proto -> c.proto -> a.proto -> b.proto");
    assert_null(s);
}

static void test_import_depth(void **state)
{
    tmp *t = *state;
    char name[32], text[64];
    for (int i = 0; i <= WK__SCHEMA_MAX_IMPORT_DEPTH + 1; i++) {
        snprintf(name, sizeof name, "f%d.proto", i);
        snprintf(text, sizeof text, "import \"f%d.proto\";\n", i + 1);
        tmp_write(t, name, text);
    }
    wk_schema *s = NULL;
    wk_status st;
    assert_int_equal(wk_schema_load(tmp_path(t, "f0.proto"), NULL, &s, &st), WK_ERR_DEPTH);
    assert_string_equal(st.msg, "imports nested deeper than 100 files");
    assert_string_equal(st.file, tmp_path(t, "f99.proto"));
    /* 100 deep is fine. */
    snprintf(text, sizeof text, "message Last {}\n");
    tmp_write(t, "f99.proto", text);
    s = load_ok(tmp_path(t, "f0.proto"), NULL);
    assert_int_equal(wk_schema_file_count(s), 100);
    wk_schema_free(s);
}

/* The well-known types: system folder, else built in; wirekit/options.proto always built in. */
static void test_well_known_types(void **state)
{
    tmp *t = *state;
    const char *main_path = tmp_write(t, "wkt.proto",
                                      "syntax = \"proto3\";\n"
                                      "import \"google/protobuf/any.proto\";\n"
                                      "import \"google/protobuf/descriptor.proto\";\n"
                                      "import \"google/protobuf/duration.proto\";\n"
                                      "import \"google/protobuf/empty.proto\";\n"
                                      "import \"google/protobuf/field_mask.proto\";\n"
                                      "import \"google/protobuf/struct.proto\";\n"
                                      "import \"google/protobuf/timestamp.proto\";\n"
                                      "import \"google/protobuf/wrappers.proto\";\n"
                                      "import \"wirekit/options.proto\";\n"
                                      "message M { google.protobuf.Timestamp t = 1; google.protobuf.Struct s = 2; }\n");
    /* Built in: no system folder. */
    wk__schema_cfg cfg = {NULL, 0, 0};
    wk_schema *s = NULL;
    wk_status st;
    if (wk__schema_load(main_path, NULL, 0, NULL, &cfg, &s, &st) != WK_OK) fail_msg("%s", st.msg);
    assert_int_equal(wk_schema_file_count(s), 10);
    const wk_file_def *f = wk_schema_main_file(s);
    for (size_t i = 0; i < f->import_count; i++) {
        assert_string_equal(f->imports[i].file->path, f->imports[i].path);
        assert_string_equal(((const wk__file *)f->imports[i].file)->key + 8, f->imports[i].path);
        assert_memory_equal(((const wk__file *)f->imports[i].file)->key, "builtin:", 8);
    }
    const wk_message_def *ts = wk_schema_message(s, "google.protobuf.Timestamp");
    assert_non_null(ts);
    assert_int_equal(ts->field_count, 2);
    assert_string_equal(wk_schema_message(s, "google.protobuf.Value")->oneofs[0].name, "kind");
    assert_non_null(wk_schema_message(s, "google.protobuf.FileDescriptorSet"));
    assert_non_null(wk_schema_enum(s, "google.protobuf.NullValue"));
    wk_schema_free(s);

    /* From a system folder of our own, where there is one; the rest stay built in. */
    tmp_write(t, "sys/google/protobuf/timestamp.proto",
              "syntax = \"proto3\"; package google.protobuf; message Timestamp { int64 seconds = 1; int32 nanos = 2; "
              "string extra = 3; }\n");
    tmp_write(t, "sys/wirekit/options.proto", "this is not read\n");
    cfg.system_dir = tmp_path(t, "sys");
    if (wk__schema_load(main_path, NULL, 0, NULL, &cfg, &s, &st) != WK_OK) fail_msg("%s", st.msg);
    assert_int_equal(wk_schema_message(s, "google.protobuf.Timestamp")->field_count, 3);
    wk_schema_free(s);

    /* An include folder comes before the system folder; wirekit/options.proto is never searched. */
    tmp_write(t, "inc/google/protobuf/empty.proto",
              "syntax = \"proto3\"; package google.protobuf; message Empty { bool mine = 1; }\n");
    tmp_write(t, "inc/wirekit/options.proto", "this is not read either\n");
    const char *dirs[] = {tmp_path(t, "inc")};
    wk_schema_opts o = {dirs, 1};
    if (wk__schema_load(main_path, NULL, 0, &o, &cfg, &s, &st) != WK_OK) fail_msg("%s", st.msg);
    assert_int_equal(wk_schema_message(s, "google.protobuf.Empty")->field_count, 1);
    wk_schema_free(s);

    /* Other paths have no built-in copy. */
    const char *other = tmp_write(t, "other.proto", "import \"google/protobuf/api.proto\";\n");
    cfg.system_dir = NULL;
    assert_int_equal(wk__schema_load(other, NULL, 0, NULL, &cfg, &s, &st), WK_ERR_NOT_FOUND);
    char want[600];
    snprintf(want, sizeof want, "cannot find \"google/protobuf/api.proto\"; looked for %s/google/protobuf/api.proto",
             t->dir);
    assert_string_equal(st.msg, want);

    /* The default: /usr/include where it has the files (Debian's libprotobuf-dev). */
    s = load_ok(main_path, NULL);
    const wk_file_def *any = wk_schema_main_file(s)->imports[0].file;
    struct stat sb;
    if (stat("/usr/include/google/protobuf/any.proto", &sb) == 0)
        assert_string_equal(((const wk__file *)any)->disk_path, "/usr/include/google/protobuf/any.proto");
    else
        assert_string_equal(((const wk__file *)any)->disk_path, "google/protobuf/any.proto");
    wk_schema_free(s);
}

/* The built-in list is what builtin.c has, and every entry loads on its own. */
static void test_builtin_list(void **state)
{
    (void)state;
    size_t n = 0;
    for (const char *const *p = wk__builtin_paths(); *p; p++, n++) {
        size_t len;
        const char *text = wk__builtin_proto(*p, &len);
        assert_non_null(text);
        assert_int_equal(strlen(text), len);
        wk__schema_cfg cfg = {NULL, 0, 0};
        wk_schema *s = NULL;
        wk_status st;
        if (wk__schema_load(*p, text, len, NULL, &cfg, &s, &st) != WK_OK) fail_msg("%s: %s", *p, st.msg);
        wk_schema_free(s);
    }
    assert_int_equal(n, 9);
    assert_null(wk__builtin_proto("google/protobuf/api.proto", NULL));
}

/* ------------------------------------------------------------------ */
/* Lookups                                                             */
/* ------------------------------------------------------------------ */

static void test_lookups(void **state)
{
    (void)state;
    static const char text[] = "syntax = \"proto3\";\n"
                               "package acme.shop;\n"
                               "message Order {\n"
                               "  message Item { string sku = 1; }\n"
                               "  repeated Item items = 3;\n"
                               "  string order_id = 1;\n"
                               "  int64 total_cents = 2 [json_name = \"total\"];\n"
                               "  enum Status { UNKNOWN = 0; OPEN = 1; }\n"
                               "}\n"
                               "message Item { int32 id = 1; }\n"
                               "message Lone {}\n"
                               "enum Status { S0 = 0; }\n"
                               "enum Color { RED = 0; }\n";
    wk_schema *s = NULL;
    wk_status st;
    assert_int_equal(wk_schema_load_text("shop.proto", text, sizeof text - 1, NULL, &s, &st), WK_OK);
    const wk_message_def *order = wk_schema_message(s, "acme.shop.Order");
    assert_non_null(order);
    assert_ptr_equal(wk_schema_message(s, ".acme.shop.Order"), order);
    assert_ptr_equal(wk_schema_message(s, "Order"), order);
    assert_ptr_equal(wk_schema_message(s, "shop.Order"), order);
    assert_ptr_equal(wk_schema_message(s, "Order.Item"), order->messages[0]);
    assert_null(wk_schema_message(s, "Item"));         /* two of them */
    assert_int_equal(wk_schema_message(s, "acme.shop.Item")->fields[0].type, WK_TYPE_INT32);
    assert_null(wk_schema_message(s, ".Order"));       /* absolute: no such full name */
    assert_null(wk_schema_message(s, "rder"));         /* a suffix must be whole names */
    assert_null(wk_schema_message(s, "acme.shop.Order.items"));
    assert_null(wk_schema_message(s, "acme.shop.Color"));
    assert_null(wk_schema_message(s, ""));
    assert_null(wk_schema_message(s, "."));
    assert_non_null(wk_schema_message(s, "Lone"));
    assert_null(wk_schema_enum(s, "Status"));
    assert_non_null(wk_schema_enum(s, "Order.Status"));
    assert_non_null(wk_schema_enum(s, "acme.shop.Status"));
    assert_non_null(wk_schema_enum(s, "Color"));
    assert_null(wk_schema_enum(s, "Order"));

    assert_string_equal(wk_message_field(order, 1)->name, "order_id");
    assert_string_equal(wk_message_field(order, 3)->name, "items");
    assert_null(wk_message_field(order, 0));
    assert_null(wk_message_field(order, 4));
    const wk_field_def *total = wk_message_field(order, 2);
    assert_ptr_equal(wk_message_field_by_name(order, "total_cents", 11), total);
    assert_ptr_equal(wk_message_field_by_name(order, "total", 5), total);
    assert_ptr_equal(wk_message_field_by_name(order, "orderId", 7), wk_message_field(order, 1));
    assert_ptr_equal(wk_message_field_by_name(order, "order_id", 8), wk_message_field(order, 1));
    assert_null(wk_message_field_by_name(order, "totalCents", 10)); /* json_name replaces it */
    assert_null(wk_message_field_by_name(order, "order", 5));
    assert_null(wk_message_field_by_name(order, "", 0));
    assert_ptr_equal(wk_message_field_by_name(order, "itemsXYZ", 5), wk_message_field(order, 3));
    assert_null(wk_message_field_by_name(wk_schema_message(s, "Lone"), "a", 1));
    wk_schema_free(s);
}

/* ------------------------------------------------------------------ */
/* Out of memory                                                       */
/* ------------------------------------------------------------------ */

/*
 * With the schema's arena, then the working arena, capped at every size up
 * to what loading needs: WK_ERR_NOMEM exactly when the cap is below that,
 * success otherwise; never a crash or a leak.
 */
static void test_out_of_memory(void **state)
{
    (void)state;
    static const char *const names[] = {"y_options.proto", "y_imports.proto", "y_maps.proto"};
    const char *dirs[] = {WK_SOURCE_DIR "/tests/data/schema"};
    wk_schema_opts o = {dirs, 1};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        char path[512];
        snprintf(path, sizeof path, "%s/tests/data/schema/%s", WK_SOURCE_DIR, names[k]);
        wk__schema_cfg cfg = {"/usr/include", 0, 0};
        wk_schema *s = NULL;
        wk_status st;
        assert_int_equal(wk__schema_load(path, NULL, 0, &o, &cfg, &s, &st), WK_OK);
        size_t need = wk_arena_used(s->arena);
        wk_schema_free(s);
        size_t failures = 0;
        for (size_t limit = 8; limit <= need + 64; limit += limit < 2048 ? 8 : 97) {
            cfg.arena_limit = limit;
            s = NULL;
            wk_code rc = wk__schema_load(path, NULL, 0, &o, &cfg, &s, &st);
            if (rc == WK_OK) {
                if (limit < need) fail_msg("%s loaded in %zu bytes, less than %zu", names[k], limit, need);
                wk_schema_free(s);
                continue;
            }
            if (limit >= need) fail_msg("%s: %s with %zu bytes", names[k], st.msg, limit);
            assert_int_equal(rc, WK_ERR_NOMEM);
            assert_string_equal(st.msg, "out of memory");
            assert_null(s);
            failures++;
        }
        assert_true(failures > 20);
        /* The working arena: lists while they grow, texts being assembled. */
        cfg.arena_limit = 0;
        failures = 0;
        for (size_t limit = 8; limit <= 256 * 1024; limit += limit < 2048 ? 8 : 211) {
            cfg.scratch_limit = limit;
            s = NULL;
            wk_code rc = wk__schema_load(path, NULL, 0, &o, &cfg, &s, &st);
            if (rc == WK_OK) {
                wk_schema_free(s);
                continue;
            }
            assert_int_equal(rc, WK_ERR_NOMEM);
            assert_null(s);
            failures++;
        }
        assert_true(failures > 20);
    }
}

/* ------------------------------------------------------------------ */
/* 100 KB of .proto                                                    */
/* ------------------------------------------------------------------ */

/*
 * A schema of about 100 KB: messages with 10-20 fields of every kind,
 * nested messages and enums, maps and oneofs, referring to each other.
 */
static char *generate_schema(size_t target, size_t *len)
{
    size_t cap = target + 65536;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t n = (size_t)snprintf(text, cap, "syntax = \"proto3\";\npackage perf.generated;\n\n");
    static const char *const scalars[] = {"int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32",
                                          "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes", "double",
                                          "float"};
    uint32_t seed = 7;
    int m = 0;
    while (n < target) {
        n += (size_t)snprintf(text + n, cap - n, "// Message %d of the generated schema.\nmessage Msg%d {\n", m, m);
        n += (size_t)snprintf(text + n, cap - n, "  enum Kind%d {\n    KIND%d_UNSPECIFIED = 0;\n    KIND%d_A = 1;\n"
                                                 "    KIND%d_B = 2;\n  }\n", m, m, m, m);
        n += (size_t)snprintf(text + n, cap - n, "  message Inner {\n    string note = 1;\n    Kind%d kind = 2;\n  }\n", m);
        seed = seed * 1103515245u + 12345u;
        int fields = 10 + (int)((seed >> 16) % 11);
        for (int f = 1; f <= fields; f++) {
            seed = seed * 1103515245u + 12345u;
            unsigned pick = (seed >> 16) % 20;
            if (pick < 12)
                n += (size_t)snprintf(text + n, cap - n, "  %s%s field_%d_%d = %d;\n", pick % 3 == 0 ? "repeated " : "",
                                      scalars[pick % 15], m, f, f);
            else if (pick < 15 && m > 0)
                n += (size_t)snprintf(text + n, cap - n, "  Msg%d ref_%d = %d;\n", (int)(seed % (unsigned)m), f, f);
            else if (pick < 17)
                n += (size_t)snprintf(text + n, cap - n, "  map<string, Inner> map_%d = %d;\n", f, f);
            else if (pick < 19)
                n += (size_t)snprintf(text + n, cap - n, "  optional Kind%d kind_%d = %d [json_name = \"k%d\"];\n", m,
                                      f, f, f);
            else
                n += (size_t)snprintf(text + n, cap - n, "  oneof choice_%d {\n    string text_%d = %d;\n  }\n", f, f,
                                      f);
        }
        n += (size_t)snprintf(text + n, cap - n, "  reserved 1000 to 1999;\n}\n\n");
        m++;
    }
    *len = n;
    return text;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Loads the generated 100 KB schema a few times and prints the best time.
 * Not a timed test (sanitizers and valgrind are slow): it checks the result
 * and reports the figure; build with -DCMAKE_BUILD_TYPE=Release to measure.
 */
static void test_load_100k(void **state)
{
    (void)state;
    size_t len;
    char *text = generate_schema(100 * 1024, &len);
    assert_true(len >= 100 * 1024);
    double best = 1e9;
    size_t messages = 0, fields = 0;
    for (int round = 0; round < 20; round++) {
        wk_schema *s = NULL;
        wk_status st;
        double t0 = now_seconds();
        wk_code rc = wk_schema_load_text("generated.proto", text, len, NULL, &s, &st);
        double t1 = now_seconds();
        if (rc != WK_OK) fail_msg("%u:%u: %s", st.line, st.col, st.msg);
        if (t1 - t0 < best) best = t1 - t0;
        messages = s->message_count;
        fields = 0;
        for (size_t i = 0; i < s->message_count; i++) fields += s->messages[i]->def.field_count;
        wk_schema_free(s);
    }
    print_message("loaded %zu bytes of .proto (%zu messages, %zu fields) in %.3f ms at best of 20\n", len, messages,
                  fields, best * 1e3);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test_setup_teardown(test_unreadable_main_file, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_unreadable_import, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_search_order, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_same_file_twice, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_cycles, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_import_depth, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_well_known_types, tmp_setup, tmp_teardown),
        cmocka_unit_test(test_builtin_list),
        cmocka_unit_test(test_lookups),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_load_100k),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
