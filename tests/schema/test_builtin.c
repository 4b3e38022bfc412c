/*
 * Tests for schema/builtin.c: the built-in well-known types define the
 * same messages, fields, enums and values as the files of the installed
 * protobuf (/usr/include/google/protobuf, Debian's libprotobuf-dev), as
 * wirekit reads both; and proto/wirekit/options.proto, the file installed
 * for protoc users, is the built-in text byte for byte.
 *
 * Where no system copy is installed the comparison is skipped with a
 * message.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "schema/internal.h"

#define SYSTEM_DIR "/usr/include"

/* Fails with the path of the first difference between two definitions. */
static void differ(const char *where, const char *what)
{
    fail_msg("%s: %s differs", where, what);
}

static void same_str(const char *where, const char *what, const char *a, const char *b)
{
    if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
        fail_msg("%s: %s: '%s' and '%s'", where, what, a ? a : "(null)", b ? b : "(null)");
}

static void same_ranges(const char *where, const char *what, const wk_range *a, size_t an, const wk_range *b,
                        size_t bn)
{
    if (an != bn) differ(where, what);
    for (size_t i = 0; i < an; i++)
        if (a[i].start != b[i].start || a[i].end != b[i].end) differ(where, what);
}

static void same_reserved(const char *where, const wk_reserved *a, const wk_reserved *b)
{
    same_ranges(where, "reserved ranges", a->ranges, a->range_count, b->ranges, b->range_count);
    if (a->name_count != b->name_count) differ(where, "reserved names");
    for (size_t i = 0; i < a->name_count; i++) same_str(where, "reserved name", a->names[i], b->names[i]);
}

static void same_enum(const wk_enum_def *a, const wk_enum_def *b)
{
    const char *w = a->full_name;
    same_str(w, "full name", a->full_name, b->full_name);
    if (a->value_count != b->value_count) differ(w, "value count");
    if (a->closed != b->closed || a->allow_alias != b->allow_alias) differ(w, "closed or allow_alias");
    for (size_t i = 0; i < a->value_count; i++) {
        same_str(w, "value name", a->values[i].name, b->values[i].name);
        if (a->values[i].number != b->values[i].number) differ(w, a->values[i].name);
    }
    same_reserved(w, &a->reserved, &b->reserved);
}

static void same_message(const wk_message_def *a, const wk_message_def *b)
{
    const char *w = a->full_name;
    same_str(w, "full name", a->full_name, b->full_name);
    if (a->field_count != b->field_count) fail_msg("%s: %zu fields, %zu fields", w, a->field_count, b->field_count);
    for (size_t i = 0; i < a->field_count; i++) {
        const wk_field_def *x = &a->fields[i], *y = &b->fields[i];
        same_str(w, "field name", x->name, y->name);
        if (x->number != y->number || x->type != y->type || x->label != y->label || x->packed != y->packed ||
            x->proto3_optional != y->proto3_optional || x->deprecated != y->deprecated || x->is_map != y->is_map ||
            x->oneof_index != y->oneof_index)
            differ(w, x->name);
        same_str(w, "json name", x->json_name, y->json_name);
        same_str(w, "default", x->default_value, y->default_value);
        if (x->message) same_str(w, "message type", x->message->full_name, y->message->full_name);
        if (x->enum_def) same_str(w, "enum type", x->enum_def->full_name, y->enum_def->full_name);
    }
    if (a->oneof_count != b->oneof_count) differ(w, "oneof count");
    for (size_t i = 0; i < a->oneof_count; i++) {
        same_str(w, "oneof", a->oneofs[i].name, b->oneofs[i].name);
        if (a->oneofs[i].field_count != b->oneofs[i].field_count) differ(w, a->oneofs[i].name);
    }
    if (a->map_entry != b->map_entry) differ(w, "map_entry");
    same_reserved(w, &a->reserved, &b->reserved);
    same_ranges(w, "extension ranges", a->extension_ranges, a->extension_range_count, b->extension_ranges,
                b->extension_range_count);
    if (a->message_count != b->message_count) differ(w, "nested message count");
    for (size_t i = 0; i < a->message_count; i++) same_message(a->messages[i], b->messages[i]);
    if (a->enum_count != b->enum_count) differ(w, "nested enum count");
    for (size_t i = 0; i < a->enum_count; i++) same_enum(a->enums[i], b->enums[i]);
}

/*
 * The top-level messages and enums of the built-in file, each compared
 * with the one of the same name in the system file (the order of
 * top-level definitions may differ: struct.proto declares NullValue
 * between its messages).
 */
static void same_file(const wk_file_def *builtin, const wk_schema *system)
{
    const wk_file_def *sys = wk_schema_main_file(system);
    same_str(builtin->path, "package", builtin->package, sys->package);
    if (builtin->syntax != sys->syntax) differ(builtin->path, "syntax");
    if (builtin->message_count != sys->message_count || builtin->enum_count != sys->enum_count)
        fail_msg("%s: %zu messages and %zu enums, the system file %zu and %zu", builtin->path,
                 builtin->message_count, builtin->enum_count, sys->message_count, sys->enum_count);
    for (size_t i = 0; i < builtin->message_count; i++) {
        const wk_message_def *m = wk_schema_message(system, builtin->messages[i]->full_name);
        if (!m || m->file != sys) fail_msg("%s: no %s in the system file", builtin->path,
                                           builtin->messages[i]->full_name);
        same_message(builtin->messages[i], m);
    }
    for (size_t i = 0; i < builtin->enum_count; i++) {
        const wk_enum_def *e = wk_schema_enum(system, builtin->enums[i]->full_name);
        if (!e || e->file != sys) fail_msg("%s: no %s in the system file", builtin->path, builtin->enums[i]->full_name);
        same_enum(builtin->enums[i], e);
    }
}

static void test_builtins_match_system_files(void **state)
{
    (void)state;
    size_t compared = 0;
    for (const char *const *p = wk__builtin_paths(); *p; p++) {
        if (strncmp(*p, "google/protobuf/", 16) != 0) continue;
        char sys_path[512];
        snprintf(sys_path, sizeof sys_path, "%s/%s", SYSTEM_DIR, *p);
        struct stat sb;
        if (stat(sys_path, &sb) != 0) {
            print_message("skipped %s: no %s (install libprotobuf-dev to compare)\n", *p, sys_path);
            continue;
        }
        size_t len;
        const char *text = wk__builtin_proto(*p, &len);
        wk__schema_cfg no_system = {NULL, 0, 0};
        wk_schema *b = NULL, *s = NULL;
        wk_status st;
        if (wk__schema_load(*p, text, len, NULL, &no_system, &b, &st) != WK_OK) fail_msg("%s: %s", *p, st.msg);
        if (wk_schema_load(sys_path, NULL, &s, &st) != WK_OK)
            fail_msg("%s:%u:%u: %s", st.file, st.line, st.col, st.msg);
        same_file(wk_schema_main_file(b), s);
        wk_schema_free(b);
        wk_schema_free(s);
        compared++;
    }
    print_message("compared %zu built-in files with %s\n", compared, SYSTEM_DIR);
}

static void test_installed_options_file_is_the_builtin(void **state)
{
    (void)state;
    FILE *f = fopen(WK_SOURCE_DIR "/proto/wirekit/options.proto", "rb");
    assert_non_null(f);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    size_t len;
    const char *text = wk__builtin_proto("wirekit/options.proto", &len);
    assert_int_equal(n, len);
    assert_memory_equal(buf, text, len);

    /* It defines the option as a string extension of FileOptions. */
    wk__schema_cfg no_system = {NULL, 0, 0};
    wk_schema *s = NULL;
    wk_status st;
    assert_int_equal(wk__schema_load("wirekit/options.proto", text, len, NULL, &no_system, &s, &st), WK_OK);
    const wk_file_def *file = wk_schema_main_file(s);
    assert_string_equal(file->package, "wirekit");
    assert_int_equal(file->extension_count, 1);
    assert_string_equal(file->extensions[0].field->name, "version");
    assert_int_equal(file->extensions[0].field->type, WK_TYPE_STRING);
    assert_string_equal(file->extensions[0].extendee_def->full_name, "google.protobuf.FileOptions");
    wk_schema_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtins_match_system_files),
        cmocka_unit_test(test_installed_options_file_is_the_builtin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
