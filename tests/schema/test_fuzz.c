/*
 * Randomized robustness tests for the schema loader: mutated, truncated and
 * spliced versions of every fixture (and of the benchmark corpus where it is
 * present) must each load or fail with a positioned error, and never crash,
 * hang or leak (run under AddressSanitizer and valgrind to see leaks and bad
 * reads); plus inputs built to be hostile: deep nesting, huge names, long
 * chains.
 *
 * Deterministic: WK_FUZZ_SEED picks the seed (default 1), WK_FUZZ_ITERATIONS
 * the number of mutated inputs (default 20000; fewer under valgrind).
 */
#define _GNU_SOURCE /* strdup */
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
#include "support/files.h"

#define DATA_DIR WK_SOURCE_DIR "/tests/data/schema"
#define CORPUS_DIR WK_SOURCE_DIR "/../shared/corpus-ext/protobuf"

typedef struct seed_file {
    char *text;
    size_t len;
} seed_file;

static seed_file *seeds;
static size_t seed_count;
static uint64_t rng_state;

static uint32_t rng(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}

static size_t rng_below(size_t n) { return n ? rng() % n : 0; }

static void add_seed_file(const char *path)
{
    size_t n;
    char *text = (char *)wkt_read_file(path, &n);
    if (!text) return;
    seeds = realloc(seeds, (seed_count + 1) * sizeof *seeds);
    assert_non_null(seeds);
    seeds[seed_count].text = text;
    seeds[seed_count].len = n;
    seed_count++;
}

static void add_seed_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len > 6 && strcmp(e->d_name + len - 6, ".proto") == 0) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            add_seed_file(path);
        }
    }
    closedir(d);
}

static int seeds_setup(void **state)
{
    (void)state;
    add_seed_dir(DATA_DIR);
    add_seed_dir(DATA_DIR "/imp");
    add_seed_dir(CORPUS_DIR);
    add_seed_dir(CORPUS_DIR "/datasets/google_message1/proto2");
    add_seed_dir(CORPUS_DIR "/datasets/google_message2");
    add_seed_dir(CORPUS_DIR "/datasets/google_message3");
    const char *seed = getenv("WK_FUZZ_SEED");
    rng_state = seed ? strtoull(seed, NULL, 10) * 0x9E3779B97F4A7C15ull + 1 : 0x2545F4914F6CDD1Dull;
    return 0;
}

static int seeds_teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < seed_count; i++) free(seeds[i].text);
    free(seeds);
    seeds = NULL;
    seed_count = 0;
    return 0;
}

/* A growable byte string. */
typedef struct text {
    char *data;
    size_t len;
    size_t cap;
} text;

static void text_reserve(text *t, size_t extra)
{
    if (t->data && t->len + extra <= t->cap) return;
    size_t cap = t->cap ? t->cap : 256;
    while (cap < t->len + extra) cap *= 2;
    t->data = realloc(t->data, cap);
    assert_non_null(t->data);
    t->cap = cap;
}

static void text_insert(text *t, size_t at, const char *s, size_t n)
{
    text_reserve(t, n);
    memmove(t->data + at + n, t->data + at, t->len - at);
    memcpy(t->data + at, s, n);
    t->len += n;
}

static void text_delete(text *t, size_t at, size_t n)
{
    memmove(t->data + at, t->data + at + n, t->len - at - n);
    t->len -= n;
}

static const char *const dictionary[] = {
    "message ", "enum ", "service ", "rpc ", "returns ", "stream ", "oneof ", "map<", ">", "group ",
    "optional ", "required ", "repeated ", "reserved ", "extensions ", "extend ", "to ", "max", "option ",
    "import ", "public ", "weak ", "package ", "syntax = \"proto3\";", "syntax = \"proto2\";", "edition",
    "{", "}", "[", "]", "(", ")", "<", "=", ";", ",", ".", "-", "\"", "'", "\\", "/*", "*/", "//", "\n",
    "0", "1", "-1", "0x", "07", "19000", "536870912", "2147483648", "99999999999999999999", "1e", "1.5",
    "inf", "nan", "true", "false", "default", "json_name", "packed", "allow_alias", "map_entry",
    "(wirekit.version)", "\"1.0.0\"", "\"01.0\"", "int32 ", "string ", "bytes ", "float ", "Foo", "foo",
    ".Foo", "a.b.c", "\\u", "\\uD800", "\\x", "\\777", "\xc3\xa9", "\xff", "\x00", "\t", "{ a: 1 }",
    "import \"google/protobuf/timestamp.proto\";", "import \"imp/base.proto\";", "import \"y_maps.proto\";",
    "import \"n_import_cycle.proto\";", "import \"wirekit/options.proto\";",
};

static void mutate(text *t)
{
    int steps = 1 + (int)rng_below(4);
    for (int s = 0; s < steps; s++) {
        size_t at = rng_below(t->len + 1);
        switch (rng_below(7)) {
        case 0: /* truncate */
            t->len = at;
            break;
        case 1: /* replace a byte */
            if (t->len) t->data[rng_below(t->len)] = (char)rng();
            break;
        case 2: { /* delete a span */
            size_t n = rng_below(t->len - at + 1);
            if (n > 64) n = rng_below(64);
            text_delete(t, at, n);
            break;
        }
        case 3: { /* duplicate a span */
            if (!t->len) break;
            size_t from = rng_below(t->len);
            size_t n = rng_below(t->len - from + 1);
            if (n > 256) n = rng_below(256);
            char *copy = malloc(n ? n : 1);
            assert_non_null(copy);
            memcpy(copy, t->data + from, n);
            text_insert(t, rng_below(t->len + 1), copy, n);
            free(copy);
            break;
        }
        case 4:
        case 5: { /* insert a word */
            const char *w = dictionary[rng_below(sizeof dictionary / sizeof dictionary[0])];
            text_insert(t, at, w, w[0] ? strlen(w) : 1);
            break;
        }
        default: { /* splice in part of another file */
            const seed_file *o = &seeds[rng_below(seed_count)];
            size_t from = rng_below(o->len + 1);
            size_t n = rng_below(o->len - from + 1);
            if (n > 512) n = rng_below(512);
            text_insert(t, at, o->text + from, n);
            break;
        }
        }
    }
}

/* Loads text (an exact-size heap copy) and checks the outcome's shape. */
static wk_code load_and_check(const char *data, size_t len, bool builtin_types)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, data, len);
    static const char *const dirs[] = {DATA_DIR};
    wk_schema_opts opts = {dirs, 1};
    wk__schema_cfg cfg = {builtin_types ? NULL : "/usr/include", 0, 0};
    wk_schema *s = NULL;
    wk_status st;
    wk_code rc = wk__schema_load(DATA_DIR "/fuzz_input.proto", copy, len, &opts, &cfg, &s, &st);
    free(copy);
    if (rc == WK_OK) {
        assert_non_null(s);
        assert_int_equal(st.code, WK_OK);
        /* Walk what was loaded: every type resolved, every lookup consistent. */
        for (size_t i = 0; i < s->message_count; i++) {
            const wk_message_def *m = &s->messages[i]->def;
            assert_ptr_equal(wk_schema_message(s, m->full_name), m);
            for (size_t j = 0; j < m->field_count; j++) {
                const wk_field_def *f = &m->fields[j];
                assert_ptr_equal(wk_message_field(m, f->number), f);
                assert_ptr_equal(wk_message_field_by_name(m, f->name, strlen(f->name)), f);
                assert_non_null(f->json_name);
                if (f->type == WK_TYPE_MESSAGE || f->type == WK_TYPE_GROUP) assert_non_null(f->message);
                if (f->type == WK_TYPE_ENUM) assert_non_null(f->enum_def);
                if (j) assert_true(m->fields[j - 1].number < f->number);
            }
        }
        wk_schema_free(s);
        return rc;
    }
    assert_null(s);
    assert_int_equal(st.code, rc);
    assert_true(st.msg[0] != '\0');
    assert_true(strlen(st.msg) < sizeof st.msg);
    if (rc != WK_ERR_NOMEM) {
        /* Every error of the input has a place: file, line and column. */
        if (st.file[0] == '\0' || st.line == 0 || st.col == 0)
            fail_msg("an error without a position: %s: %s", wk_code_name(rc), st.msg);
    }
    return rc;
}

static void test_mutations(void **state)
{
    (void)state;
    assert_true(seed_count > 10);
    const char *env = getenv("WK_FUZZ_ITERATIONS");
    long iterations = env ? atol(env) : 20000;
    size_t ok = 0, failed = 0;
    size_t by_code[WK_CODE_COUNT] = {0};
    text t = {0};
    for (long i = 0; i < iterations; i++) {
        const seed_file *sf = &seeds[rng_below(seed_count)];
        t.len = 0;
        text_reserve(&t, sf->len + 1);
        memcpy(t.data, sf->text, sf->len);
        t.len = sf->len;
        mutate(&t);
        wk_code rc = load_and_check(t.data, t.len, (i & 1) != 0);
        if (rc == WK_OK) ok++;
        else failed++;
        by_code[rc]++;
    }
    free(t.data);
    print_message("%ld mutated inputs: %zu loaded, %zu failed (SYNTAX %zu, INVALID %zu, NOT_FOUND %zu, DEPTH %zu, "
                  "UNSUPPORTED %zu, IO %zu)\n",
                  iterations, ok, failed, by_code[WK_ERR_SYNTAX], by_code[WK_ERR_INVALID], by_code[WK_ERR_NOT_FOUND],
                  by_code[WK_ERR_DEPTH], by_code[WK_ERR_UNSUPPORTED], by_code[WK_ERR_IO]);
    /* A fuzzer that never gets past the parser tests little. */
    if (iterations >= 1000) {
        assert_true(ok > (size_t)iterations / 50);
        assert_true(by_code[WK_ERR_INVALID] > 0 && by_code[WK_ERR_SYNTAX] > 0);
    }
}

/* Every prefix of every fixture: each must load or fail with a position. */
static void test_truncations(void **state)
{
    (void)state;
    size_t n = 0;
    for (size_t i = 0; i < seed_count && i < 40; i++) {
        size_t step = seeds[i].len > 4000 ? seeds[i].len / 400 : 1;
        for (size_t len = 0; len <= seeds[i].len; len += step, n++) (void)load_and_check(seeds[i].text, len, true);
    }
    print_message("%zu truncated inputs\n", n);
}

/* Repeats `piece` count times into a new text. */
static text repeat(const char *head, const char *piece, size_t count, const char *tail)
{
    text t = {0};
    text_insert(&t, 0, head, strlen(head));
    size_t n = strlen(piece);
    text_reserve(&t, n * count + strlen(tail));
    for (size_t i = 0; i < count; i++) {
        memcpy(t.data + t.len, piece, n);
        t.len += n;
    }
    text_insert(&t, t.len, tail, strlen(tail));
    return t;
}

static void expect_code(text t, wk_code want)
{
    wk_code rc = load_and_check(t.data, t.len, true);
    if (rc != want)
        fail_msg("got %s, expected %s for '%.*s...'", wk_code_name(rc), wk_code_name(want), (int)(t.len < 60 ? t.len : 60),
                 t.len ? t.data : "");
    free(t.data);
}

static void test_hostile_inputs(void **state)
{
    (void)state;
    /* Nesting far past the limit: an error, not a stack overflow. */
    expect_code(repeat("", "message M {", 200000, ""), WK_ERR_DEPTH);
    expect_code(repeat("syntax = \"proto2\"; message A {", "optional group G = 1 {", 100000, ""), WK_ERR_DEPTH);
    expect_code(repeat("option (x) = ", "{ a ", 1000000, ""), WK_ERR_DEPTH);
    expect_code(repeat("option (x) = ", "{", 100, "}"), WK_ERR_SYNTAX); /* the end of the file inside it */
    /* Exactly at the limits: fine. */
    text t = repeat("", "message M {", 100, "");
    for (int i = 0; i < 100; i++) text_insert(&t, t.len, "}", 1);
    expect_code(t, WK_OK);
    /* Huge tokens. */
    expect_code(repeat("message ", "A", 1 << 20, " {}"), WK_OK);
    expect_code(repeat("option java_package = \"", "x", 1 << 20, "\";"), WK_OK);
    expect_code(repeat("option java_package = ", "\"x\" ", 100000, ";"), WK_OK);
    expect_code(repeat("message A { optional int32 a = ", "9", 100000, "; }"), WK_ERR_INVALID);
    expect_code(repeat("message A { optional double a = 1 [default = ", "9", 100000, ".5]; }"), WK_OK);
    expect_code(repeat("message A { optional double a = 1 [default = 1e", "9", 100000, "]; }"), WK_OK);
    /* Long names and scopes. */
    expect_code(repeat("package a", ".a", 20000, "; message M { optional M m = 1; }"), WK_OK);
    expect_code(repeat("message M { optional a", ".a", 20000, " m = 1; }"), WK_ERR_INVALID);
    expect_code(repeat("message M { optional ", ".M", 20000, " m = 1; }"), WK_ERR_INVALID);
    /* Many definitions. */
    expect_code(repeat("message M { ", "reserved 1;", 5000, " }"), WK_ERR_INVALID);
    expect_code(repeat("enum E { option allow_alias = true; A = 0; ", "B = 0; ", 1, "}"), WK_OK);
    expect_code(repeat("enum E { A = 0; ", "B = 0; ", 5000, "}"), WK_ERR_INVALID);
    t = repeat("", "", 0, "message M {\n");
    for (int i = 1; i <= 20000; i++) {
        char line[128];
        int n = snprintf(line, sizeof line, "optional int32 f%d = %d;\n", i, i < 19000 ? i : i + 1000);
        text_insert(&t, t.len, line, (size_t)n);
    }
    text_insert(&t, t.len, "}\n", 2);
    expect_code(t, WK_OK);
    t = repeat("syntax = \"proto3\"; message M {", "", 0, "");
    for (int i = 1; i <= 3000; i++) {
        char line[128];
        int n = snprintf(line, sizeof line, "optional int32 X%.*s_x = %d;\n", i % 40, "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", i);
        text_insert(&t, t.len, line, (size_t)n);
    }
    text_insert(&t, t.len, "}\n", 2);
    expect_code(t, WK_ERR_INVALID); /* names repeat after 40: duplicates */
    /* Nothing but noise. */
    t = (text){0};
    text_reserve(&t, 65536);
    for (size_t i = 0; i < 65536; i++) t.data[i] = (char)rng();
    t.len = 65536;
    expect_code(t, WK_ERR_SYNTAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_truncations),
        cmocka_unit_test(test_hostile_inputs),
    };
    return cmocka_run_group_tests(tests, seeds_setup, seeds_teardown);
}
