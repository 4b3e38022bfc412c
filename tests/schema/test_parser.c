/*
 * Tests for schema/parser.c, through the public API: every construct of
 * proto2 and proto3 as the parser reads it (and as resolve.c completes it),
 * and every error with its file, line, column and code.
 *
 * Fixtures are in tests/data/schema: each y_*.proto must load; each
 * n_*.proto must fail, and says where and how on its first line:
 *     // error: [FILE:]LINE:COL CODE: what it shows
 * (FILE, relative to the fixture folder, when the error is in an import).
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

#include "schema/internal.h"

#define DATA_DIR WK_SOURCE_DIR "/tests/data/schema"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static const char *const data_dirs[] = {DATA_DIR};
static const wk_schema_opts data_opts = {data_dirs, 1};

static wk_schema *load_fixture(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", DATA_DIR, name);
    wk_schema *s = NULL;
    wk_status st;
    if (wk_schema_load(path, &data_opts, &s, &st) != WK_OK)
        fail_msg("%s: %s:%u:%u: %s", name, st.file, st.line, st.col, st.msg);
    assert_int_equal(st.code, WK_OK);
    assert_string_equal(st.msg, "");
    return s;
}

/* Text in a heap buffer of exactly its length, loaded as "test.proto". */
static wk_code load_text_status(const char *text, wk_schema **out, wk_status *st)
{
    size_t n = strlen(text);
    char *copy = malloc(n ? n : 1);
    assert_non_null(copy);
    memcpy(copy, text, n);
    wk_code rc = wk_schema_load_text("test.proto", copy, n, &data_opts, out, st);
    free(copy);
    return rc;
}

static wk_schema *load_text(const char *text)
{
    wk_schema *s = NULL;
    wk_status st;
    if (load_text_status(text, &s, &st) != WK_OK) fail_msg("%s:%u:%u: %s", st.file, st.line, st.col, st.msg);
    return s;
}

static int error_mismatches;

static void expect_error_in(const char *file, const char *text, wk_code code, uint32_t line, uint32_t col,
                            const char *msg)
{
    wk_schema *s = (wk_schema *)0x1;
    wk_status st;
    wk_code rc = load_text_status(text, &s, &st);
    if (rc != code || st.code != code || st.line != line || st.col != col || strcmp(st.msg, msg) != 0) {
        error_mismatches++;
        print_message("got %s %u:%u '%s', expected %s %u:%u '%s'\n", wk_code_name(rc), st.line, st.col, st.msg,
                 wk_code_name(code), line, col, msg);
        print_message("    in: %s\n", text);
        return;
    }
    assert_ptr_equal(s, (wk_schema *)0x1); /* untouched on failure */
    assert_string_equal(st.file, file);
}

static void expect_error(const char *text, wk_code code, uint32_t line, uint32_t col, const char *msg)
{
    expect_error_in("test.proto", text, code, line, col, msg);
}

static const wk_message_def *message(const wk_schema *s, const char *name)
{
    const wk_message_def *m = wk_schema_message(s, name);
    if (!m) fail_msg("no message %s", name);
    return m;
}

static const wk_field_def *field(const wk_message_def *m, const char *name)
{
    const wk_field_def *f = wk_message_field_by_name(m, name, strlen(name));
    if (!f) fail_msg("no field %s in %s", name, m->full_name);
    assert_string_equal(f->name, name);
    return f;
}

static const wk_option *option(const wk_option *options, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(options[i].name, name) == 0) return &options[i];
    fail_msg("no option %s", name);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Fixtures                                                            */
/* ------------------------------------------------------------------ */

static int name_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The fixture names starting with prefix, sorted; *count of them. */
static char **fixtures(const char *prefix, size_t *count)
{
    DIR *d = opendir(DATA_DIR);
    assert_non_null(d);
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, prefix, strlen(prefix)) != 0 || len < 6 || strcmp(e->d_name + len - 6, ".proto") != 0)
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        assert_non_null(names);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, name_cmp);
    *count = n;
    return names;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
}

static void test_y_fixtures_load(void **state)
{
    (void)state;
    size_t n;
    char **names = fixtures("y_", &n);
    assert_true(n >= 18);
    for (size_t i = 0; i < n; i++) {
        wk_schema *s = load_fixture(names[i]);
        const wk_file_def *f = wk_schema_main_file(s);
        assert_non_null(f);
        assert_ptr_equal(f, wk_schema_file(s, wk_schema_file_count(s) - 1));
        assert_null(wk_schema_file(s, wk_schema_file_count(s)));
        wk_schema_free(s);
    }
    free_names(names, n);
}

static wk_code code_by_name(const char *name)
{
    for (int c = 0; c < WK_CODE_COUNT; c++)
        if (strcmp(wk_code_name((wk_code)c), name) == 0) return (wk_code)c;
    fail_msg("no code %s", name);
    return WK_OK;
}

static void test_n_fixtures_fail(void **state)
{
    (void)state;
    size_t n;
    char **names = fixtures("n_", &n);
    assert_true(n >= 90);
    for (size_t i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", DATA_DIR, names[i]);
        FILE *fp = fopen(path, "rb");
        assert_non_null(fp);
        char header[512];
        assert_non_null(fgets(header, sizeof header, fp));
        fclose(fp);
        /* "// error: [FILE:]LINE:COL CODE: ..." */
        char where[256], code[32];
        if (sscanf(header, "// error: %255s %31[A-Z_]:", where, code) != 2) fail_msg("%s: no error header", names[i]);
        char file[512];
        unsigned line, col;
        char *colon2 = strrchr(where, ':');
        *colon2 = '\0';
        char *colon1 = strrchr(where, ':');
        col = (unsigned)atoi(colon2 + 1);
        if (colon1) {
            *colon1 = '\0';
            line = (unsigned)atoi(colon1 + 1);
            snprintf(file, sizeof file, "%s/%s", DATA_DIR, where);
        } else {
            line = (unsigned)atoi(where);
            snprintf(file, sizeof file, "%s", path);
        }
        wk_schema *s = NULL;
        wk_status st;
        wk_code rc = wk_schema_load(path, &data_opts, &s, &st);
        if (rc == WK_OK) fail_msg("%s loaded", names[i]);
        if (rc != code_by_name(code) || st.code != rc || st.line != line || st.col != col ||
            strcmp(st.file, file) != 0 || st.msg[0] == '\0')
            fail_msg("%s: got %s %s:%u:%u '%s', expected %s %s:%u:%u", names[i], wk_code_name(rc), st.file, st.line,
                     st.col, st.msg, code, file, line, col);
        assert_null(s);
    }
    free_names(names, n);
}

/* ------------------------------------------------------------------ */
/* Constructs                                                          */
/* ------------------------------------------------------------------ */

static void test_proto3_scalars(void **state)
{
    (void)state;
    wk_schema *s = load_fixture("y_proto3_scalars.proto");
    const wk_message_def *m = message(s, "wk.scalars.Scalars");
    static const struct {
        const char *name;
        wk_field_type type;
    } want[] = {
        {"f_double", WK_TYPE_DOUBLE}, {"f_float", WK_TYPE_FLOAT},       {"f_int64", WK_TYPE_INT64},
        {"f_uint64", WK_TYPE_UINT64}, {"f_int32", WK_TYPE_INT32},       {"f_fixed64", WK_TYPE_FIXED64},
        {"f_fixed32", WK_TYPE_FIXED32}, {"f_bool", WK_TYPE_BOOL},       {"f_string", WK_TYPE_STRING},
        {"f_bytes", WK_TYPE_BYTES},   {"f_uint32", WK_TYPE_UINT32},     {"f_sfixed32", WK_TYPE_SFIXED32},
        {"f_sfixed64", WK_TYPE_SFIXED64}, {"f_sint32", WK_TYPE_SINT32}, {"f_sint64", WK_TYPE_SINT64},
    };
    assert_int_equal(m->field_count, 15);
    for (size_t i = 0; i < 15; i++) {
        const wk_field_def *f = &m->fields[i];
        assert_string_equal(f->name, want[i].name);
        assert_int_equal(f->type, want[i].type);
        assert_int_equal(f->label, WK_LABEL_SINGULAR);
        assert_int_equal(f->oneof_index, -1);
        assert_false(f->packed);
        assert_false(f->proto3_optional);
        assert_null(f->type_name);
        assert_ptr_equal(f->containing, m);
        assert_string_equal(wk_field_type_name(f->type), want[i].name + 2);
    }
    assert_string_equal(wk_field_type_name(WK_TYPE_GROUP), "group");
    assert_string_equal(wk_field_type_name(WK_TYPE_MESSAGE), "message");
    assert_string_equal(wk_field_type_name(WK_TYPE_ENUM), "enum");
    assert_string_equal(wk_field_type_name((wk_field_type)0), "unknown");
    assert_string_equal(wk_field_type_name((wk_field_type)19), "unknown");
    /* Fields are sorted by number: 12 comes after 9. */
    assert_int_equal(m->fields[9].number, 12);

    m = message(s, "wk.scalars.Optionals");
    assert_int_equal(m->oneof_count, 5);
    for (size_t i = 0; i < m->field_count; i++) {
        const wk_field_def *f = &m->fields[i];
        assert_int_equal(f->label, WK_LABEL_OPTIONAL);
        assert_true(f->proto3_optional);
        assert_int_equal(f->oneof_index, (int32_t)i);
        assert_true(m->oneofs[i].synthetic);
        assert_int_equal(m->oneofs[i].field_count, 1);
        assert_ptr_equal(m->oneofs[i].fields[0], f);
    }
    assert_string_equal(m->oneofs[0].name, "_o_double");

    m = message(s, "wk.scalars.Repeated");
    for (size_t i = 0; i < m->field_count; i++) {
        const wk_field_def *f = &m->fields[i];
        assert_int_equal(f->label, WK_LABEL_REPEATED);
        bool want_packed = f->type != WK_TYPE_STRING && f->type != WK_TYPE_BYTES && f->type != WK_TYPE_MESSAGE &&
                           strcmp(f->name, "r_unpacked") != 0;
        if (f->packed != want_packed) fail_msg("%s: packed %d", f->name, f->packed);
    }

    m = message(s, "wk.scalars.JsonNames");
    static const char *const json[][2] = {
        {"foo_bar", "fooBar"},       {"_leading", "Leading"},     {"trailing_", "trailing"},
        {"double__under", "doubleUnder"}, {"digit_1_x", "digit1X"}, {"Upper_case", "UpperCase"},
        {"already_Camel", "alreadyCamel"}, {"custom", "theCustom"}, {"custom_quirky", "x-y z"},
    };
    for (size_t i = 0; i < 9; i++) {
        const wk_field_def *f = field(m, json[i][0]);
        assert_string_equal(f->json_name, json[i][1]);
        assert_int_equal(f->explicit_json_name, i >= 7);
        /* Found by its JSON name too. */
        assert_ptr_equal(wk_message_field_by_name(m, json[i][1], strlen(json[i][1])), f);
    }
    assert_int_equal(field(m, "custom")->option_count, 0); /* json_name is no option */
    wk_schema_free(s);
}

static void test_proto2_defaults(void **state)
{
    (void)state;
    wk_schema *s = load_fixture("y_proto2_defaults.proto");
    const wk_message_def *m = message(s, "Defaults");
    static const char *const want[][2] = {
        {"d_int32", "-2147483648"}, {"d_int64", "9223372036854775807"}, {"d_uint32", "4294967295"},
        {"d_uint64", "18446744073709551615"}, {"d_sint32", "-16"}, {"d_sint64", "15"}, {"d_fixed32", "0"},
        {"d_fixed64", "1"}, {"d_sfixed32", "0"}, {"d_sfixed64", "-9223372036854775808"}, {"d_float", "1.5"},
        {"d_double", "100000"}, {"d_inf", "inf"}, {"d_neg_inf", "-inf"}, {"d_nan", "nan"}, {"d_tenth", "0.1"},
        {"d_hex", "16"}, {"d_exp", "-0.0025"}, {"d_true", "true"}, {"d_false", "false"},
        {"d_string", "tab\there \"quoted\" \\ caf\xc3\xa9"}, {"d_bytes", "\\000\\001\\377a\\'\\\"\\n"},
        {"d_enum", "BLUE"}, {"d_empty", ""}, {"d_big", "1e+300"}, {"d_third", "0.333333343"},
        {"both", "x"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const wk_field_def *f = field(m, want[i][0]);
        if (!f->default_value || strcmp(f->default_value, want[i][1]) != 0)
            fail_msg("%s: default '%s', expected '%s'", f->name, f->default_value ? f->default_value : "(none)",
                     want[i][1]);
        assert_int_equal(f->label, WK_LABEL_OPTIONAL);
    }
    assert_int_equal(field(m, "id")->label, WK_LABEL_REQUIRED);
    assert_null(field(m, "id")->default_value);
    assert_true(field(m, "packed_ints")->packed);
    assert_false(field(m, "plain_ints")->packed); /* proto2: only when asked */
    assert_true(field(m, "packed_enums")->packed);
    assert_true(field(m, "old")->deprecated);
    const wk_field_def *both = field(m, "both");
    assert_false(both->deprecated);
    assert_string_equal(both->json_name, "bothName");
    assert_int_equal(both->option_count, 1);
    assert_string_equal(both->options[0].name, "deprecated");
    assert_string_equal(both->options[0].value, "false");
    assert_int_equal(both->options[0].kind, WK_OPTION_IDENT);
    const wk_enum_def *color = wk_schema_enum(s, "wk.defaults.Color");
    assert_non_null(color);
    assert_true(color->closed);
    assert_ptr_equal(field(m, "d_enum")->enum_def, color);
    assert_int_equal(field(m, "d_enum")->type, WK_TYPE_ENUM);
    assert_string_equal(field(m, "d_enum")->type_name, "Color");
    wk_schema_free(s);
}

static void test_maps(void **state)
{
    (void)state;
    wk_schema *s = load_fixture("y_maps.proto");
    const wk_message_def *m = message(s, "wk.maps.Maps");
    static const wk_field_type keys[] = {WK_TYPE_INT32,   WK_TYPE_INT64,    WK_TYPE_UINT32,   WK_TYPE_UINT64,
                                         WK_TYPE_SINT32,  WK_TYPE_SINT64,   WK_TYPE_FIXED32,  WK_TYPE_FIXED64,
                                         WK_TYPE_SFIXED32, WK_TYPE_SFIXED64, WK_TYPE_BOOL,    WK_TYPE_STRING};
    for (uint32_t n = 1; n <= 12; n++) {
        const wk_field_def *f = wk_message_field(m, n);
        assert_non_null(f);
        assert_true(f->is_map);
        assert_int_equal(f->label, WK_LABEL_REPEATED);
        assert_int_equal(f->type, WK_TYPE_MESSAGE);
        assert_false(f->packed);
        const wk_message_def *entry = f->message;
        assert_true(entry->map_entry);
        assert_ptr_equal(entry->parent, m);
        assert_int_equal(entry->field_count, 2);
        assert_string_equal(entry->fields[0].name, "key");
        assert_int_equal(entry->fields[0].number, 1);
        assert_int_equal(entry->fields[0].type, keys[n - 1]);
        assert_int_equal(entry->fields[0].label, WK_LABEL_SINGULAR);
        assert_string_equal(entry->fields[1].name, "value");
        assert_int_equal(entry->fields[1].number, 2);
        assert_int_equal(entry->fields[1].type, WK_TYPE_STRING);
        assert_string_equal(entry->fields[0].json_name, "key");
        assert_ptr_equal(entry->fields[0].containing, entry);
    }
    const wk_field_def *values = field(m, "values");
    assert_string_equal(values->type_name, "ValuesEntry");
    assert_string_equal(values->message->full_name, "wk.maps.Maps.ValuesEntry");
    assert_int_equal(values->message->fields[1].label, WK_LABEL_OPTIONAL); /* a message has presence */
    assert_ptr_equal(values->message->fields[1].message, message(s, "wk.maps.Value"));
    const wk_field_def *kinds = field(m, "kinds");
    assert_int_equal(kinds->message->fields[1].type, WK_TYPE_ENUM);
    assert_string_equal(kinds->message->fields[1].enum_def->full_name, "wk.maps.Kind");
    const wk_field_def *snake = field(m, "my_snake_map");
    assert_string_equal(snake->message->name, "MySnakeMapEntry");
    assert_string_equal(snake->json_name, "snakes");
    /* Entries are nested messages, in declaration order with the others. */
    assert_int_equal(m->message_count, 18);
    assert_string_equal(m->messages[0]->name, "ByInt32Entry");
    assert_string_equal(m->messages[17]->name, "Inner");
    wk_schema_free(s);

    s = load_fixture("y_maps_proto2.proto");
    m = message(s, "Holder");
    const wk_message_def *entry = field(m, "counts")->message;
    assert_int_equal(entry->fields[0].label, WK_LABEL_OPTIONAL);
    assert_int_equal(entry->fields[1].label, WK_LABEL_OPTIONAL);
    wk_schema_free(s);
}

static void test_oneofs(void **state)
{
    (void)state;
    wk_schema *s = load_fixture("y_oneofs.proto");
    const wk_message_def *m = message(s, "wk.oneofs.Shape");
    static const char *const names[] = {"kind", "second", "_size", "XX_hidden", "XX_x"};
    assert_int_equal(m->oneof_count, 5);
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(m->oneofs[i].name, names[i]);
        assert_int_equal(m->oneofs[i].synthetic, i >= 2);
    }
    const wk_oneof_def *kind = &m->oneofs[0];
    assert_int_equal(kind->field_count, 3);
    assert_string_equal(kind->fields[0]->name, "circle_radius");
    assert_string_equal(kind->fields[1]->name, "square");
    assert_string_equal(kind->fields[2]->name, "label");
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(kind->fields[i]->oneof_index, 0);
        assert_int_equal(kind->fields[i]->label, WK_LABEL_OPTIONAL);
    }
    assert_int_equal(kind->option_count, 1);
    assert_string_equal(kind->options[0].name, "(wk.oneofs.note)");
    assert_string_equal(kind->options[0].value, "a oneof option");
    assert_int_equal(kind->options[0].kind, WK_OPTION_STRING);
    assert_int_equal(kind->pos.line, 10);
    assert_int_equal(kind->pos.col, 3);
    assert_int_equal(field(m, "name")->oneof_index, -1);
    assert_int_equal(field(m, "X_hidden")->label, WK_LABEL_SINGULAR);
    assert_int_equal(field(m, "_hidden")->oneof_index, 3);
    wk_schema_free(s);

    /* A proto2 oneof with a group member. */
    s = load_fixture("y_groups.proto");
    m = message(s, "Search");
    const wk_field_def *picked = field(m, "picked");
    assert_int_equal(picked->type, WK_TYPE_GROUP);
    assert_int_equal(picked->oneof_index, 0);
    assert_ptr_equal(m->oneofs[0].fields[0], picked);
    wk_schema_free(s);
}

static void test_groups(void **state)
{
    (void)state;
    wk_schema *s = load_fixture("y_groups.proto");
    const wk_message_def *m = message(s, "wk.groups.Search");
    const wk_field_def *result = field(m, "result");
    assert_int_equal(result->type, WK_TYPE_GROUP);
    assert_int_equal(result->label, WK_LABEL_REPEATED);
    assert_string_equal(result->type_name, "Result");
    assert_string_equal(result->json_name, "result");
    assert_ptr_equal(result->message, message(s, "wk.groups.Search.Result"));
    assert_ptr_equal(result->message->parent, m);
    const wk_field_def *snippet = field(result->message, "snippet");
    assert_int_equal(snippet->type, WK_TYPE_GROUP);
    assert_string_equal(snippet->message->full_name, "wk.groups.Search.Result.Snippet");
    assert_int_equal(field(result->message, "url")->label, WK_LABEL_REQUIRED);
    assert_int_equal(field(m, "meta")->label, WK_LABEL_OPTIONAL);
    assert_int_equal(m->message_count, 3);
    assert_int_equal(m->messages[0]->pos.line, 8);
    assert_int_equal(m->messages[0]->pos.col, 3);
    wk_schema_free(s);
}

static void test_scopes(void **state)
{
    (void)state;
    wk_schema *s = load_fixture("y_scopes.proto");
    const wk_message_def *mid = message(s, "wk.scopes.inner.Outer.Middle");
    static const char *const want[][2] = {
        {"nearest", "wk.scopes.inner.Outer.Middle.Item"}, {"via_outer", "wk.scopes.inner.Outer.Item"},
        {"absolute", "wk.scopes.inner.Item"},               {"via_package", "wk.scopes.inner.Item"},
        {"via_parent", "wk.scopes.inner.Item"},             {"sibling", "wk.scopes.inner.Sibling"},
        {"self", "wk.scopes.inner.Outer.Middle"},
    };
    for (size_t i = 0; i < 7; i++) assert_string_equal(field(mid, want[i][0])->message->full_name, want[i][1]);
    assert_string_equal(field(mid, "absolute")->type_name, ".wk.scopes.inner.Item");
    const wk_message_def *outer = message(s, "wk.scopes.inner.Outer");
    assert_string_equal(field(outer, "item")->message->full_name, "wk.scopes.inner.Outer.Item");
    assert_string_equal(field(outer, "deep")->message->full_name, "wk.scopes.inner.Outer.Middle.Item");
    assert_string_equal(field(outer, "sib")->message->full_name, "wk.scopes.inner.Sibling");
    wk_schema_free(s);
}

static void test_enums(void **state)
{
    (void)state;
    wk_schema *s = load_fixture("y_enums.proto");
    const wk_enum_def *e = wk_schema_enum(s, "wk.enums.Status");
    assert_non_null(e);
    assert_true(e->allow_alias);
    assert_true(e->closed);
    assert_null(e->parent);
    assert_int_equal(e->value_count, 7);
    assert_string_equal(e->values[0].name, "STATUS_UNKNOWN");
    assert_int_equal(e->values[3].number, 16);
    assert_int_equal(e->values[4].number, -1);
    assert_int_equal(e->values[5].number, INT32_MIN);
    assert_int_equal(e->values[6].number, INT32_MAX);
    assert_int_equal(e->values[4].option_count, 1);
    assert_string_equal(e->values[4].options[0].name, "deprecated");
    assert_int_equal(e->values[4].pos.line, 13);
    assert_int_equal(e->values[4].pos.col, 3);
    assert_int_equal(e->reserved.range_count, 3);
    assert_int_equal(e->reserved.ranges[1].start, 5);
    assert_int_equal(e->reserved.ranges[1].end, 9);
    assert_int_equal(e->reserved.ranges[2].start, -10);
    assert_int_equal(e->reserved.ranges[2].end, -5);
    assert_int_equal(e->reserved.name_count, 2);
    assert_string_equal(e->reserved.names[1], "STATUS_OLDER");
    /* Lookups: the first value declared with a number. */
    assert_string_equal(wk_enum_value_by_number(e, 1)->name, "STATUS_OK");
    assert_string_equal(wk_enum_value_by_number(e, INT32_MIN)->name, "STATUS_MIN");
    assert_null(wk_enum_value_by_number(e, 3));
    assert_int_equal(wk_enum_value_by_name(e, "STATUS_FINE", 11)->number, 1);
    assert_null(wk_enum_value_by_name(e, "STATUS_FIN", 10));
    assert_null(wk_enum_value_by_name(e, "STATUS_FINEX", 12));
    assert_int_equal(wk_enum_value_by_name(e, "STATUS_FINEX", 11)->number, 1); /* len counts */
    const wk_enum_def *last = wk_schema_enum(s, "Last");
    assert_int_equal(last->reserved.ranges[0].end, INT32_MAX);
    const wk_enum_def *nested = wk_schema_enum(s, "wk.enums.Holder.Nested");
    assert_ptr_equal(nested->parent, message(s, "wk.enums.Holder"));
    assert_string_equal(nested->full_name, "wk.enums.Holder.Nested");
    wk_schema_free(s);

    s = load_fixture("y_enums_proto3.proto");
    e = wk_schema_enum(s, "Level");
    assert_false(e->closed);
    assert_false(e->allow_alias);
    const wk_message_def *m = message(s, "Reading");
    assert_true(field(m, "history")->packed);
    assert_int_equal(field(m, "level")->label, WK_LABEL_SINGULAR);
    wk_schema_free(s);
}

static void test_reserved_and_extensions(void **state)
{
    (void)state;
    wk_schema *s = load_fixture("y_reserved_extensions.proto");
    const wk_message_def *base = message(s, "wk.ext.Base");
    assert_int_equal(base->reserved.range_count, 4);
    assert_int_equal(base->reserved.ranges[2].start, 9);
    assert_int_equal(base->reserved.ranges[2].end, 11);
    assert_int_equal(base->reserved.ranges[3].end, 99);
    assert_int_equal(base->reserved.name_count, 2);
    assert_int_equal(base->extension_range_count, 4);
    assert_int_equal(base->extension_ranges[1].start, 1000);
    assert_int_equal(base->extension_ranges[2].start, 20);
    assert_int_equal(base->extension_ranges[2].end, 20);
    const wk_file_def *f = wk_schema_main_file(s);
    assert_int_equal(f->extension_count, 6);
    const wk_extension_def *x = &f->extensions[0];
    assert_string_equal(x->extendee, "Base");
    assert_ptr_equal(x->extendee_def, base);
    assert_null(x->scope);
    assert_string_equal(x->field->name, "nickname");
    assert_ptr_equal(x->field->containing, base);
    assert_int_equal(x->field->label, WK_LABEL_OPTIONAL);
    assert_true(f->extensions[1].field->packed);
    assert_int_equal(f->extensions[2].field->type, WK_TYPE_GROUP);
    assert_ptr_equal(f->extensions[2].field->message, message(s, "wk.ext.Extra"));
    assert_ptr_equal(f->extensions[3].scope, message(s, "wk.ext.Scope"));
    assert_ptr_equal(f->extensions[3].field->message, message(s, "wk.ext.Scope"));
    assert_string_equal(f->extensions[4].field->default_value, "-5");
    assert_string_equal(f->extensions[5].extendee_def->full_name, "google.protobuf.ExtensionRangeOptions");
    wk_schema_free(s);

    /* `max` reaches further in a message set; plain extension numbers check against it. */
    s = load_text("syntax = \"proto2\";\n"
                  "message Set {\n"
                  "  option message_set_wire_format = true;\n"
                  "  extensions 4 to max;\n"
                  "}\n"
                  "message Plain {\n"
                  "  extensions 10 to max;\n"
                  "}\n"
                  "extend Set {\n"
                  "  optional Plain big = 2147483646;\n"
                  "}\n");
    assert_int_equal(message(s, "Set")->extension_ranges[0].end, 2147483646);
    assert_int_equal(message(s, "Plain")->extension_ranges[0].end, 536870911);
    wk_schema_free(s);
}

static void test_services(void **state)
{
    (void)state;
    wk_schema *s = load_fixture("y_services.proto");
    const wk_file_def *f = wk_schema_main_file(s);
    assert_int_equal(f->service_count, 2);
    const wk_service_def *svc = &f->services[0];
    assert_string_equal(svc->full_name, "wk.services.Search");
    assert_int_equal(svc->method_count, 5);
    assert_int_equal(svc->option_count, 1);
    static const struct {
        const char *name;
        bool client, server;
    } want[] = {{"Find", false, false}, {"Watch", false, true}, {"Upload", true, false}, {"Chat", true, true},
                {"Typed", true, false}};
    for (size_t i = 0; i < 5; i++) {
        const wk_method_def *m = &svc->methods[i];
        assert_string_equal(m->name, want[i].name);
        assert_int_equal(m->client_streaming, want[i].client);
        assert_int_equal(m->server_streaming, want[i].server);
        assert_non_null(m->input);
        assert_non_null(m->output);
    }
    assert_string_equal(svc->methods[0].input_type, "Request");
    assert_string_equal(svc->methods[0].input->full_name, "wk.services.Request");
    assert_string_equal(svc->methods[3].output_type, ".wk.services.Response");
    assert_string_equal(svc->methods[4].input->full_name, "stream.Chunk");
    assert_int_equal(svc->methods[2].option_count, 1);
    assert_string_equal(svc->methods[2].options[0].value, "IDEMPOTENT");
    assert_int_equal(svc->methods[2].pos.line, 22);
    assert_int_equal(f->services[1].method_count, 0);
    wk_schema_free(s);
}

static void test_options(void **state)
{
    (void)state;
    wk_schema *s = load_fixture("y_options.proto");
    const wk_file_def *f = wk_schema_main_file(s);
    assert_int_equal(f->option_count, 7);
    const wk_option *o = option(f->options, f->option_count, "java_package");
    assert_int_equal(o->kind, WK_OPTION_STRING);
    assert_string_equal(o->value, "com.example.wk");
    assert_int_equal(o->pos.line, 10);
    assert_int_equal(o->pos.col, 8);
    assert_string_equal(o->pos.file, f->path);
    o = option(f->options, f->option_count, "optimize_for");
    assert_int_equal(o->kind, WK_OPTION_IDENT);
    assert_string_equal(o->value, "CODE_SIZE");
    o = option(f->options, f->option_count, "(file_note)");
    assert_string_equal(o->value, "file level"); /* adjacent strings joined */
    o = option(f->options, f->option_count, "(file_rules)");
    assert_int_equal(o->kind, WK_OPTION_AGGREGATE);
    assert_string_equal(o->value, "{ max_len: 10 allowed: [ \"a\", \"b\" ] nested { depth: -3 } }");
    o = option(f->options, f->option_count, "(.wk.opts.file_limits).max_len");
    assert_int_equal(o->kind, WK_OPTION_NUMBER);
    assert_string_equal(o->value, "12");

    const wk_message_def *m = message(s, "Annotated");
    assert_int_equal(m->option_count, 3);
    assert_string_equal(m->options[0].name, "(message_flag)");
    const wk_field_def *name = field(m, "name");
    assert_int_equal(name->option_count, 7);
    assert_string_equal(name->options[0].name, "(field_rules).max_len");
    assert_string_equal(name->options[0].value, "64");
    assert_string_equal(name->options[2].value, "{ ratio: 0.25 nested < depth: 1 > }");
    assert_string_equal(name->options[3].value, "-1.25");
    assert_int_equal(name->options[3].kind, WK_OPTION_NUMBER);
    assert_string_equal(name->options[4].value, "-0x10");
    assert_string_equal(name->options[5].name, "ctype");
    assert_string_equal(name->options[5].value, "CORD");
    assert_int_equal(name->options[5].pos.line, 68);
    assert_int_equal(name->options[5].pos.col, 5);
    assert_int_equal(m->oneofs[0].option_count, 1);
    assert_string_equal(m->oneofs[0].options[0].value, "-7");
    assert_true(field(m, "lazy_list")->deprecated);

    const wk_enum_def *mode = wk_schema_enum(s, "Mode");
    assert_int_equal(mode->option_count, 2);
    assert_string_equal(mode->values[1].options[0].value, "second");
    assert_int_equal(f->services[0].methods[0].option_count, 3);
    wk_schema_free(s);

    /* Aggregates are kept as their tokens, comments dropped, space made single. */
    s = load_text("syntax = \"proto3\";\n"
                  "import \"google/protobuf/descriptor.proto\";\n"
                  "message R { int32 a = 1; R r = 2; repeated string s = 3; }\n"
                  "extend google.protobuf.MessageOptions { R rule = 50000; double w = 50001; }\n"
                  "message M {\n"
                  "  option (rule) = {\n"
                  "    a: 1   // one\n"
                  "    r { a: 2 } /* two */ s: [\"x\",'y']\n"
                  "  };\n"
                  "  option (w) = -inf;\n"
                  "}\n");
    m = message(s, "M");
    assert_string_equal(m->options[0].value, "{ a: 1 r { a: 2 } s: [\"x\",'y'] }");
    assert_string_equal(m->options[1].value, "-inf");
    assert_int_equal(m->options[1].kind, WK_OPTION_NUMBER);
    wk_schema_free(s);
}

static void test_version_and_file(void **state)
{
    (void)state;
    wk_schema *s = load_fixture("y_version.proto");
    const wk_file_def *f = wk_schema_main_file(s);
    assert_string_equal(f->version, "1.4.0-rc.1+build.5");
    assert_int_equal(f->syntax, 3);
    assert_string_equal(f->package, "wk.versioned");
    assert_int_equal(f->import_count, 1);
    assert_string_equal(f->imports[0].path, "wirekit/options.proto");
    assert_string_equal(f->imports[0].file->package, "wirekit");
    assert_null(f->imports[0].file->version);
    wk_semver v;
    assert_int_equal(wk_semver_parse(f->version, strlen(f->version), &v, NULL), WK_OK);
    assert_int_equal(v.minor, 4);
    wk_schema_free(s);

    /* Without an options file the option still sets the version; a leading dot too. */
    s = load_text("option (.wirekit.version) = \"2.0.0\";\n");
    f = wk_schema_main_file(s);
    assert_string_equal(f->version, "2.0.0");
    assert_int_equal(f->syntax, 2);
    assert_string_equal(f->package, "");
    wk_schema_free(s);

    s = load_fixture("y_empty.proto");
    f = wk_schema_main_file(s);
    assert_int_equal(f->syntax, 2);
    assert_null(f->version);
    assert_int_equal(f->message_count + f->enum_count + f->service_count + f->import_count + f->option_count, 0);
    wk_schema_free(s);
}

static void test_imports(void **state)
{
    (void)state;
    wk_schema *s = load_fixture("y_imports.proto");
    /* base, private, middle, weak, then the main file: imports first. */
    assert_int_equal(wk_schema_file_count(s), 5);
    assert_string_equal(wk_schema_file(s, 0)->path, "imp/base.proto");
    assert_string_equal(wk_schema_file(s, 1)->path, "imp/private.proto");
    assert_string_equal(wk_schema_file(s, 2)->path, "imp/middle.proto");
    assert_string_equal(wk_schema_file(s, 3)->path, "imp/weak.proto");
    const wk_file_def *f = wk_schema_main_file(s);
    assert_true(f->imports[1].is_weak);
    assert_false(f->imports[1].is_public);
    assert_ptr_equal(f->imports[2].file, wk_schema_file(s, 0)); /* reached twice, loaded once */
    const wk_file_def *middle = wk_schema_file(s, 2);
    assert_true(middle->imports[0].is_public);
    assert_ptr_equal(middle->imports[0].file, wk_schema_file(s, 0));
    const wk_message_def *cart = message(s, "Cart");
    assert_ptr_equal(field(cart, "tax")->message, message(s, "wk.imp.base.Money"));
    assert_ptr_equal(field(cart, "tip")->message, message(s, "wk.imp.base.Money"));
    assert_ptr_equal(cart->file, f);
    assert_ptr_equal(message(s, "Money")->file, wk_schema_file(s, 0));
    wk_schema_free(s);
}

static void test_keywords_and_lexical(void **state)
{
    (void)state;
    wk_schema *s = load_fixture("y_keywords.proto");
    const wk_message_def *m = message(s, "wk.keywords.syntax");
    assert_int_equal(m->field_count, 16);
    assert_int_equal(field(m, "repeated")->label, WK_LABEL_REPEATED);
    assert_int_equal(field(m, "group")->type, WK_TYPE_INT32);
    assert_ptr_equal(field(message(s, "Uses"), "m")->message, message(s, "wk.keywords.map"));
    assert_int_equal(message(s, "Uses")->extension_ranges[0].end, 536870911);
    wk_schema_free(s);

    s = load_fixture("y_lexical.proto");
    m = message(s, "wk.lexical.Lexical");
    assert_string_equal(wk_schema_main_file(s)->package, "wk.lexical");
    assert_int_equal(field(m, "b")->number, 2);
    assert_int_equal(field(m, "c")->number, 3);
    assert_string_equal(field(m, "single")->default_value, "single 'quoted'");
    assert_string_equal(field(m, "joined")->default_value, "concatenated");
    assert_string_equal(field(m, "escapes")->default_value,
                        "\a\b\f\n\r\t\v\\'\"?AA\xc3\xa9\xf0\x9f\x98\x80\xf0\x9f\x98\x80");
    assert_string_equal(field(m, "octal")->default_value, "\\000\\000\\000\\001\\nS");
    assert_string_equal(field(m, "dot")->default_value, "0.5");
    assert_string_equal(field(m, "trailing_dot")->default_value, "5");
    assert_string_equal(field(m, "plus_exponent")->default_value, "2000");
    /* Columns count characters: the line after a comment with ü and a string with ü. */
    const wk_field_def *tail = field(m, "tail");
    assert_int_equal(tail->pos.line, 19);
    assert_int_equal(tail->pos.col, 55);
    assert_int_equal(field(m, "a")->pos.line, 8);
    assert_int_equal(field(m, "a")->pos.col, 20);
    wk_schema_free(s);
}

/* Definitions know where they are written: line and column of their first token. */
static void test_positions(void **state)
{
    (void)state;
    wk_schema *s = load_text("syntax = \"proto3\";\n"
                             "package p;\n"
                             "\n"
                             "  message A {\n"
                             "    repeated int32 xs = 1;\n"
                             "    map<string, A> m = 2;\n"
                             "    enum E { E0 = 0; }\n"
                             "  }\n"
                             "service S { rpc R (A) returns (A); }\n");
    const wk_message_def *a = message(s, "p.A");
    assert_string_equal(a->pos.file, "test.proto");
    assert_int_equal(a->pos.line, 4);
    assert_int_equal(a->pos.col, 3);
    assert_int_equal(field(a, "xs")->pos.line, 5);
    assert_int_equal(field(a, "xs")->pos.col, 5);
    assert_int_equal(field(a, "m")->pos.col, 5);
    assert_int_equal(field(a, "m")->message->pos.line, 6);
    assert_int_equal(a->enums[0]->pos.line, 7);
    assert_int_equal(a->enums[0]->pos.col, 5);
    assert_int_equal(a->enums[0]->values[0].pos.col, 14);
    const wk_file_def *f = wk_schema_main_file(s);
    assert_int_equal(f->services[0].pos.line, 9);
    assert_int_equal(f->services[0].methods[0].pos.col, 13);
    wk_schema_free(s);
}

/* The errors the brief names, from text, with their exact messages. */
static void test_error_messages(void **state)
{
    (void)state;
    expect_error("syntax = \"proto3\";\nmessage A {\n  int32 a = 1\n}\n", WK_ERR_SYNTAX, 4, 1,
                 "expected \";\" after the field, found \"}\"");
    expect_error("message A { optional int32 a = 1; optional string b = 1; }", WK_ERR_INVALID, 1, 55,
                 "duplicate field number 1 in A: \"b\" and \"a\" (at 1:32) both use it");
    expect_error("message A { optional int32 a = 1; optional string a = 2; }", WK_ERR_INVALID, 1, 51,
                 "duplicate field name \"a\" in A (first at 1:28)");
    expect_error("package p; message A {} enum A { X = 0; }", WK_ERR_INVALID, 1, 30,
                 "duplicate definition of \"p.A\" (a message, first at 1:20)");
    expect_error("syntax = \"proto3\"; message A { .p.Missing m = 1; }", WK_ERR_INVALID, 1, 32,
                 "unknown type \".p.Missing\"");
    expect_error("syntax = \"proto3\"; message A { Missing.Sub m = 1; }", WK_ERR_INVALID, 1, 32,
                 "unknown type \"Missing.Sub\"");
    expect_error("syntax = \"proto3\"; enum E { A = 0; } message M { E.A x = 1; }", WK_ERR_INVALID, 1, 50,
                 "unknown type \"E.A\": it resolves to \"E.A\", which is not defined (the innermost scope is "
                 "searched first; a leading '.' starts from the outermost)");
    expect_error("syntax = \"proto3\"; enum E { A = 0; } message M { A x = 1; }", WK_ERR_INVALID, 1, 50,
                 "\"A\" is an enum value, not a message or enum type");
    expect_error("syntax = \"proto3\"; service S {} message M { S x = 1; }", WK_ERR_INVALID, 1, 45,
                 "\"S\" is a service, not a message or enum type");
    expect_error("syntax = \"proto3\"; message M { int32 a = 0; }", WK_ERR_INVALID, 1, 42,
                 "field number 0 is out of range: field numbers run from 1 to 536870911");
    expect_error("syntax = \"proto3\"; message M { int32 a = 19500; }", WK_ERR_INVALID, 1, 42,
                 "field number 19500 is in 19000-19999, which protobuf reserves for itself");
    expect_error("syntax = \"proto3\"; message M { reserved 3; int32 a = 3; }", WK_ERR_INVALID, 1, 54,
                 "field \"a\" uses number 3, which is reserved in M (3 to 3)");
    expect_error("syntax = \"proto3\"; message M { reserved \"a\"; int32 a = 3; }", WK_ERR_INVALID, 1, 52,
                 "field name \"a\" is reserved in M");
    expect_error("enum E { A = 0; B = 0; }", WK_ERR_INVALID, 1, 21,
                 "enum value B uses number 0, as A does; set option allow_alias = true to allow aliases");
    expect_error("syntax = \"proto3\";\nenum E { A = 1; }", WK_ERR_INVALID, 2, 14,
                 "the first value of a proto3 enum must be 0, its default (E.A is 1)");
    expect_error("syntax = \"proto3\"; message M { required int32 a = 1; }", WK_ERR_INVALID, 1, 32,
                 "required fields are not allowed in proto3 (field \"a\")");
    expect_error("syntax = \"proto3\"; message M { int32 a = 1 [default = 2]; }", WK_ERR_INVALID, 1, 55,
                 "default values are not allowed in proto3 (field \"a\")");
    expect_error("syntax = \"proto3\"; message M { map<bytes, int32> m = 1; }", WK_ERR_INVALID, 1, 36,
                 "a map key must be an integer, bool or string type, not bytes");
    expect_error("syntax = \"proto3\"; message K {} message M { map<.K, int32> m = 1; }", WK_ERR_INVALID, 1, 49,
                 "a map key must be an integer, bool or string type, not the message K");
    expect_error("syntax = \"proto3\"; message M { repeated map<int32, int32> m = 1; }", WK_ERR_SYNTAX, 1, 32,
                 "a map field takes no label: it is repeated already (write map<K, V> name = N;)");
    expect_error("syntax = \"proto3\"; message M { map<int32, int32> m = 1 [packed = true]; }", WK_ERR_INVALID,
                 1, 57,
                 "[packed = true] is for repeated fields of a numeric, bool or enum type (field \"m\" is "
                 "repeated map)");
    expect_error("edition = \"2023\";", WK_ERR_UNSUPPORTED, 1, 1,
                 "editions (edition = \"...\") are not supported; write syntax = \"proto2\" or \"proto3\"");
    expect_error("message A {\n  /* open", WK_ERR_SYNTAX, 2, 3, "unterminated comment: no '*/' closes the '/*' here");
    expect_error("option java_package = \"open\n;", WK_ERR_SYNTAX, 1, 23,
                 "unterminated string: a string must end on the line where it starts");
    expect_error("syntax = \"proto3\";\nimport \"missing/x.proto\";", WK_ERR_NOT_FOUND, 2, 8,
                 "cannot find \"missing/x.proto\"; looked for missing/x.proto, " DATA_DIR "/missing/x.proto");
    expect_error_in(DATA_DIR "/cycle/b.proto", "syntax = \"proto3\";\nimport \"n_import_cycle.proto\";", WK_ERR_INVALID, 2, 8,
                 "import cycle: n_import_cycle.proto -> cycle/b.proto -> n_import_cycle.proto");
    expect_error("syntax = \"proto2\"; message A { optional int32 x = 1 [default = 1, default = 2]; }",
                 WK_ERR_INVALID, 1, 67, "option \"default\" is given twice");
    expect_error("syntax = \"proto2\"; message A { optional int32 x = 1 [json_name = \"a\", json_name = \"b\"]; }",
                 WK_ERR_INVALID, 1, 71, "option \"json_name\" is given twice");
    expect_error("message A { optional A.B x = 1; }", WK_ERR_INVALID, 1, 22,
                 "unknown type \"A.B\": it resolves to \"A.B\", which is not defined (the innermost scope is "
                 "searched first; a leading '.' starts from the outermost)");
    expect_error("message A { optional int32 x = 1 [(my.opt = 1]; }", WK_ERR_SYNTAX, 1, 43,
                 "expected \")\" after the custom option's name, found \"=\"");
    expect_error("option x = -y;", WK_ERR_SYNTAX, 1, 13, "only a number, inf or nan may follow '-'");
    expect_error("option (a) = { b: 1 ", WK_ERR_SYNTAX, 1, 21,
                 "the file ends inside an aggregate value ('{' not closed)");
    expect_error("option (a) = ;", WK_ERR_SYNTAX, 1, 14,
                 "expected a value (a number, a string, an identifier or {...}), found \";\"");
    expect_error("message A { optional int32 x = 1 [deprecated = yes]; }", WK_ERR_INVALID, 1, 48,
                 "option \"deprecated\" takes true or false");
    expect_error("option java_package = SPEED;", WK_ERR_INVALID, 1, 23, "option \"java_package\" takes a string");
    expect_error("option optimize_for = \"SPEED\";", WK_ERR_INVALID, 1, 23,
                 "option \"optimize_for\" takes an identifier");
    expect_error("enum E { option packed = true; A = 0; }", WK_ERR_INVALID, 1, 17,
                 "unknown enum option \"packed\" (a custom option is written in parentheses: (packed))");
    expect_error("service S { rpc M (A) returns A; }", WK_ERR_SYNTAX, 1, 31,
                 "expected \"(\" and the response type, found \"A\"");
    expect_error("service S { rpc M (A) returns (A) }", WK_ERR_SYNTAX, 1, 35,
                 "expected \";\" or \"{\" after the method, found \"}\"");
    expect_error("service S { message A {} }", WK_ERR_SYNTAX, 1, 13,
                 "expected \"rpc\", an option or \"}\" in the service, found \"message\"");
    expect_error("message A { extensions 5 to 2; }", WK_ERR_INVALID, 1, 24,
                 "extension range 5 to 2 ends before it starts");
    expect_error("message A { extensions 0; }", WK_ERR_INVALID, 1, 24,
                 "extension number 0 is out of range: numbers run from 1 to 536870911");
    expect_error("message A { extensions 1 to 5; extensions 5 to 9; }", WK_ERR_INVALID, 1, 43,
                 "extension range 5 to 9 overlaps 1 to 5");
    expect_error("message A { reserved 2147483648; }", WK_ERR_INVALID, 1, 22,
                 "a reserved field number 2147483648 is out of range (at most 2147483647)");
    expect_error("import public weak \"x.proto\";", WK_ERR_SYNTAX, 1, 15,
                 "expected the imported file's path (a string), found \"weak\"");
    expect_error("package .a;", WK_ERR_SYNTAX, 1, 9, "expected the package name, found \".\"");
    expect_error("message A { optional int32 x = 1; } extend A { optional int32 y = 2; }", WK_ERR_INVALID, 1, 67,
                 "A declares no extension range that holds 2 (extension \"y\")");
    expect_error("message A { extensions 1 to 10; } extend A { optional int32 y = 0; }", WK_ERR_INVALID, 1, 65,
                 "extension number 0 is out of range: field numbers run from 1 to 536870911");
    expect_error("message A { extensions 1 to 10; } extend A { map<int32, int32> y = 2; }", WK_ERR_SYNTAX, 1, 46,
                 "a map field cannot be an extension");
    assert_int_equal(error_mismatches, 0);
}

/* A leading byte order mark, and nothing but space and comments. */
static void test_odd_files(void **state)
{
    (void)state;
    wk_schema *s = load_text("\xef\xbb\xbfsyntax = \"proto3\"; message A {}");
    assert_int_equal(wk_schema_main_file(s)->syntax, 3);
    wk_schema_free(s);
    s = load_text("  // just a comment\n/* and another */\n");
    assert_int_equal(wk_schema_main_file(s)->message_count, 0);
    wk_schema_free(s);
    s = load_text(";;;");
    wk_schema_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_y_fixtures_load),
        cmocka_unit_test(test_n_fixtures_fail),
        cmocka_unit_test(test_proto3_scalars),
        cmocka_unit_test(test_proto2_defaults),
        cmocka_unit_test(test_maps),
        cmocka_unit_test(test_oneofs),
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_scopes),
        cmocka_unit_test(test_enums),
        cmocka_unit_test(test_reserved_and_extensions),
        cmocka_unit_test(test_services),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_version_and_file),
        cmocka_unit_test(test_imports),
        cmocka_unit_test(test_keywords_and_lexical),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_error_messages),
        cmocka_unit_test(test_odd_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
