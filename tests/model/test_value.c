/*
 * Tests for model/value.c (constructors, wk_map_get, wk_kind_name and exact
 * deep equality), model/status.c (codes, statuses, wk__fail,
 * wk__status_locate, wk__path_format, the version) and model/buf.c.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model/internal.h"

static size_t fixed_header(void) { return (sizeof(wk_arena) + 15u) & ~(size_t)15u; }

static double double_from_bits(uint64_t bits)
{
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

static uint64_t bits_of(double d)
{
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    return bits;
}

/* A WK_UINT holding a small number, as a decoder that forgot to normalise would make. */
static wk_value raw_uint(uint64_t u)
{
    wk_value v;
    memset(&v, 0, sizeof v);
    v.kind = WK_UINT;
    v.as.u = u;
    return v;
}

static wk_value make_string(wk_arena *a, const char *s, size_t len)
{
    wk_value v;
    assert_int_equal(wk_value_string(a, s, len, &v), WK_OK);
    return v;
}

static wk_value make_cstring(wk_arena *a, const char *s) { return make_string(a, s, strlen(s)); }

/* Runs fn in a child process; its exit status, or 128 plus the signal that killed it. */
static int run_in_child(int (*fn)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        /* cmocka catches crashes to go on with the next test; in the child a
         * crash must end the child, or it would run the remaining tests too. */
        static const int fatal[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
        for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) signal(fatal[i], SIG_DFL);
        _exit(fn());
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return -1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

/* ======================= constructors ======================= */

static void test_scalar_constructors(void **state)
{
    (void)state;
    wk_value v = wk_value_null();
    assert_int_equal(v.kind, WK_NULL);
    assert_int_equal(v.ext_type, 0);

    v = wk_value_bool(true);
    assert_int_equal(v.kind, WK_BOOL);
    assert_true(v.as.b);
    v = wk_value_bool(false);
    assert_int_equal(v.kind, WK_BOOL);
    assert_false(v.as.b);

    const int64_t ints[] = {INT64_MIN, -1, 0, 1, INT64_MAX};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        v = wk_value_int(ints[i]);
        assert_int_equal(v.kind, WK_INT);
        assert_true(v.as.i == ints[i]);
        assert_int_equal(v.ext_type, 0);
    }

    const uint64_t doubles[] = {0x0000000000000000ull, 0x8000000000000000ull, 0x3FF0000000000000ull,
                                0x7FF8000000000001ull, 0xFFF0000000000000ull, 0x0000000000000001ull};
    for (size_t i = 0; i < sizeof doubles / sizeof doubles[0]; i++) {
        v = wk_value_double(double_from_bits(doubles[i]));
        assert_int_equal(v.kind, WK_DOUBLE);
        assert_true(bits_of(v.as.d) == doubles[i]);
    }
}

static void test_uint_normalises_to_int(void **state)
{
    (void)state;
    wk_value v = wk_value_uint(0);
    assert_int_equal(v.kind, WK_INT);
    assert_true(v.as.i == 0);

    v = wk_value_uint(12345);
    assert_int_equal(v.kind, WK_INT);
    assert_true(v.as.i == 12345);

    v = wk_value_uint((uint64_t)INT64_MAX);
    assert_int_equal(v.kind, WK_INT);
    assert_true(v.as.i == INT64_MAX);

    v = wk_value_uint((uint64_t)INT64_MAX + 1);
    assert_int_equal(v.kind, WK_UINT);
    assert_true(v.as.u == 0x8000000000000000ull);

    v = wk_value_uint(UINT64_MAX);
    assert_int_equal(v.kind, WK_UINT);
    assert_true(v.as.u == UINT64_MAX);
}

static void test_string_copies_and_terminates(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    char src[] = "hello";
    wk_value v;
    memset(&v, 0xAB, sizeof v);
    assert_int_equal(wk_value_string(a, src, 5, &v), WK_OK);
    assert_int_equal(v.kind, WK_STRING);
    assert_int_equal(v.ext_type, 0);
    assert_int_equal(v.len, 5);
    assert_true(v.as.str != src);
    src[0] = 'J';                      /* the value holds its own copy */
    assert_memory_equal(v.as.str, "hello", 6);   /* including the NUL */
    assert_int_equal(wk_arena_used(a), 8);

    /* Only len bytes are copied, and a NUL follows them. */
    assert_int_equal(wk_value_string(a, "abcdef", 3, &v), WK_OK);
    assert_int_equal(v.len, 3);
    assert_memory_equal(v.as.str, "abc", 4);
    assert_int_equal(wk_arena_used(a), 16);

    /* Embedded NUL bytes are kept. */
    assert_int_equal(wk_value_string(a, "a\0b\0", 4, &v), WK_OK);
    assert_int_equal(v.len, 4);
    assert_memory_equal(v.as.str, "a\0b\0", 5);

    /* Empty, from NULL: a real, terminated, empty string. */
    assert_int_equal(wk_value_string(a, NULL, 0, &v), WK_OK);
    assert_int_equal(v.kind, WK_STRING);
    assert_int_equal(v.len, 0);
    assert_non_null(v.as.str);
    assert_int_equal(v.as.str[0], '\0');
    wk_arena_free(a);
}

static void test_bytes_copies_and_terminates(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    uint8_t src[256];
    for (size_t i = 0; i < 256; i++) src[i] = (uint8_t)(255 - i);
    wk_value v;
    assert_int_equal(wk_value_bytes(a, src, 256, &v), WK_OK);
    assert_int_equal(v.kind, WK_BYTES);
    assert_int_equal(v.ext_type, 0);
    assert_int_equal(v.len, 256);
    assert_true((const void *)v.as.str != (const void *)src);
    memset(src, 0, sizeof src);
    for (size_t i = 0; i < 256; i++) assert_int_equal((uint8_t)v.as.str[i], 255 - i);
    assert_int_equal(v.as.str[256], '\0');

    assert_int_equal(wk_value_bytes(a, NULL, 0, &v), WK_OK);
    assert_int_equal(v.kind, WK_BYTES);
    assert_int_equal(v.len, 0);
    assert_non_null(v.as.str);
    assert_int_equal(v.as.str[0], '\0');
    wk_arena_free(a);
}

static void test_ext_copies_type_and_bytes(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    const int8_t types[] = {-128, -1, 0, 1, 127};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        uint8_t src[3] = {0x00, 0xFF, (uint8_t)i};
        wk_value v;
        memset(&v, 0xAB, sizeof v);
        assert_int_equal(wk_value_ext(a, types[i], src, 3, &v), WK_OK);
        assert_int_equal(v.kind, WK_EXT);
        assert_int_equal(v.ext_type, types[i]);
        assert_int_equal(v.len, 3);
        src[1] = 0x11;
        assert_memory_equal(v.as.str, ((uint8_t[]){0x00, 0xFF, (uint8_t)i, 0x00}), 4);
    }
    wk_value v;
    assert_int_equal(wk_value_ext(a, -5, NULL, 0, &v), WK_OK);
    assert_int_equal(v.kind, WK_EXT);
    assert_int_equal(v.ext_type, -5);
    assert_int_equal(v.len, 0);
    assert_int_equal(v.as.str[0], '\0');
    wk_arena_free(a);
}

static void test_list_constructor(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    wk_value list;
    memset(&list, 0xAB, sizeof list);
    wk_value *items = wk_value_list(a, 0, &list);
    assert_non_null(items);
    assert_int_equal(list.kind, WK_LIST);
    assert_int_equal(list.ext_type, 0);
    assert_int_equal(list.len, 0);
    assert_int_equal(wk_arena_used(a), 0);

    memset(&list, 0xAB, sizeof list);
    items = wk_value_list(a, 5, &list);
    assert_non_null(items);
    assert_int_equal(list.kind, WK_LIST);
    assert_int_equal(list.ext_type, 0);
    assert_int_equal(list.len, 5);
    assert_ptr_equal(list.as.items, items);
    assert_int_equal(wk_arena_used(a), 5 * sizeof(wk_value));
    for (size_t i = 0; i < 5; i++) assert_int_equal(items[i].kind, WK_NULL);
    for (size_t i = 0; i < 5; i++) items[i] = wk_value_int((int64_t)i * 10);
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(list.as.items[i].kind, WK_INT);
        assert_true(list.as.items[i].as.i == (int64_t)i * 10);
    }
    wk_arena_free(a);
}

static void test_map_constructor(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    wk_value map;
    memset(&map, 0xAB, sizeof map);
    wk_member *members = wk_value_map(a, 0, &map);
    assert_non_null(members);
    assert_int_equal(map.kind, WK_MAP);
    assert_int_equal(map.ext_type, 0);
    assert_int_equal(map.len, 0);

    memset(&map, 0xAB, sizeof map);
    members = wk_value_map(a, 3, &map);
    assert_non_null(members);
    assert_int_equal(map.kind, WK_MAP);
    assert_int_equal(map.len, 3);
    assert_ptr_equal(map.as.members, members);
    assert_int_equal(wk_arena_used(a), 3 * sizeof(wk_member));
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(members[i].key.kind, WK_NULL);
        assert_int_equal(members[i].value.kind, WK_NULL);
    }
    members[2].key = make_cstring(a, "k");
    members[2].value = wk_value_bool(true);
    assert_int_equal(map.as.members[2].key.kind, WK_STRING);
    assert_int_equal(map.as.members[2].value.kind, WK_BOOL);
    wk_arena_free(a);
}

static void test_constructors_nomem_in_fixed_arena(void **state)
{
    (void)state;
    size_t size = fixed_header() + 16;
    void *mem = malloc(size);
    assert_non_null(mem);
    wk_arena *a = wk_arena_new_fixed(mem, size);
    assert_non_null(a);

    wk_value v, before;
    memset(&v, 0x5A, sizeof v);
    before = v;
    /* 16 bytes plus the NUL need 24: too much. *out stays untouched. */
    assert_int_equal(wk_value_string(a, "0123456789abcdef", 16, &v), WK_ERR_NOMEM);
    assert_memory_equal(&v, &before, sizeof v);
    assert_int_equal(wk_value_bytes(a, "0123456789abcdef", 16, &v), WK_ERR_NOMEM);
    assert_memory_equal(&v, &before, sizeof v);
    assert_int_equal(wk_value_ext(a, 3, "0123456789abcdef", 16, &v), WK_ERR_NOMEM);
    assert_memory_equal(&v, &before, sizeof v);
    /* A node is 16 bytes: two list items or one member (32) do not fit. */
    assert_null(wk_value_list(a, 2, &v));
    assert_null(wk_value_map(a, 1, &v));
    assert_int_equal(wk_arena_used(a), 0);

    /* Two 7-byte strings fill the 16 bytes exactly. */
    assert_int_equal(wk_value_string(a, "0123456", 7, &v), WK_OK);
    assert_memory_equal(v.as.str, "0123456", 8);
    assert_int_equal(wk_value_bytes(a, "abcdefg", 7, &v), WK_OK);
    assert_memory_equal(v.as.str, "abcdefg", 8);
    assert_int_equal(wk_arena_used(a), 16);

    memset(&v, 0x5A, sizeof v);
    assert_int_equal(wk_value_string(a, "", 0, &v), WK_ERR_NOMEM);
    assert_memory_equal(&v, &before, sizeof v);
    assert_int_equal(wk_value_ext(a, 1, NULL, 0, &v), WK_ERR_NOMEM);
    assert_memory_equal(&v, &before, sizeof v);

    /* An empty list or map needs no memory, so it never fails. */
    assert_non_null(wk_value_list(a, 0, &v));
    assert_int_equal(v.kind, WK_LIST);
    assert_int_equal(v.len, 0);
    assert_non_null(wk_value_map(a, 0, &v));
    assert_int_equal(v.kind, WK_MAP);
    assert_int_equal(v.len, 0);
    free(mem);
}

static void test_list_count_overflow(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    wk_value v;
    assert_null(wk_value_list(a, SIZE_MAX / sizeof(wk_value) + 1, &v));
    assert_null(wk_value_list(a, SIZE_MAX / sizeof(wk_value), &v));
    assert_null(wk_value_map(a, SIZE_MAX / sizeof(wk_member) + 1, &v));
    assert_null(wk_value_map(a, SIZE_MAX / sizeof(wk_member), &v));
    assert_null(wk_value_list(a, SIZE_MAX, &v));
    assert_int_equal(wk_arena_used(a), 0);
    wk_arena_free(a);
}

/*
 * A length whose copy plus NUL wraps the arena's size rounding must fail with
 * NOMEM before anything is copied. Run in a child because the defect makes
 * the copy run off the end of memory.
 */
static int child_string_of_size_max_minus_1(void)
{
    wk_arena *a = wk_arena_new(0);
    if (!a) return 2;
    wk_value v;
    /* A first string, so that the arena has a current block. */
    if (wk_value_string(a, "warm", 4, &v) != WK_OK) return 3;
    wk_code rc = wk_value_string(a, "x", SIZE_MAX - 1, &v);
    wk_arena_free(a);
    return rc == WK_ERR_LIMIT ? 0 : 1;
}

/* Longer than a value can hold (4 GiB - 1): refused before any copy. */
static void test_string_length_past_limit(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    wk_value v;
    wk_code rc = wk_value_string(a, "x", SIZE_MAX, &v);
    assert_int_equal(rc, WK_ERR_LIMIT);
    assert_int_equal(wk_value_bytes(a, "x", (size_t)WK_VALUE_MAX_LEN + 1, &v), WK_ERR_LIMIT);
    assert_null(wk_value_list(a, (size_t)WK_VALUE_MAX_LEN + 1, &v));
    wk_arena_free(a);
    assert_int_equal(run_in_child(child_string_of_size_max_minus_1), 0);
}

/* ======================= typed messages ======================= */

/* Two definitions of one type (as two loads of a schema would give) and another type. */
static wk_message_def msg_order_a = {.name = "Order", .full_name = "acme.Order"};
static wk_message_def msg_order_b = {.name = "Order", .full_name = "acme.Order"};
static wk_message_def msg_item = {.name = "Item", .full_name = "acme.Item"};
static wk_field_def msg_f1 = {.name = "id", .number = 1, .type = WK_TYPE_INT64};
static wk_field_def msg_f2 = {.name = "note", .number = 2, .type = WK_TYPE_STRING};
static wk_field_def msg_f2_other = {.name = "comment", .number = 2, .type = WK_TYPE_STRING};
static wk_field_def msg_f3 = {.name = "qty", .number = 3, .type = WK_TYPE_INT32};

/* An Order with id, note, and one unknown field 9 holding the wire bytes of "9: 1". */
static wk_value msg_build(wk_arena *a, const wk_message_def *type, const wk_field_def *second,
                          int64_t id)
{
    wk_value v, s;
    wk_message *m = wk_value_message(a, type, 2, 1, &v);
    assert_non_null(m);
    assert_int_equal(wk_value_string(a, "gift", 4, &s), WK_OK);
    wk_field_value *f = (wk_field_value *)m->fields;
    f[0] = (wk_field_value){&msg_f1, wk_value_int(id)};
    f[1] = (wk_field_value){second, s};
    wk_member *u = (wk_member *)m->unknown;
    u[0].key = wk_value_int(9);
    assert_int_equal(wk_value_bytes(a, "\x48\x01", 2, &u[0].value), WK_OK);
    return v;
}

static void test_message_constructor_and_get(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    wk_value v;
    wk_message *m = wk_value_message(a, &msg_order_a, 3, 2, &v);
    assert_non_null(m);
    assert_int_equal(v.kind, WK_MESSAGE);
    assert_int_equal(v.len, 0);
    assert_ptr_equal(v.as.message, m);
    assert_ptr_equal(m->type, &msg_order_a);
    assert_int_equal(m->field_count, 3);
    assert_int_equal(m->unknown_count, 2);
    for (int i = 0; i < 3; i++) {
        assert_null(m->fields[i].field);
        assert_int_equal(m->fields[i].value.kind, WK_NULL);
    }
    assert_int_equal(m->unknown[1].key.kind, WK_NULL);
    assert_string_equal(wk_kind_name(WK_MESSAGE), "message");

    wk_value o = msg_build(a, &msg_order_a, &msg_f2, 42);
    assert_int_equal(wk_message_get(&o, 1)->as.i, 42);
    assert_string_equal(wk_message_get(&o, 2)->as.str, "gift");
    assert_null(wk_message_get(&o, 3));
    assert_null(wk_message_get(&o, 9));      /* unknown fields are not fields */
    wk_value i = wk_value_int(1);
    assert_null(wk_message_get(&i, 1));
    assert_null(wk_message_get(NULL, 1));
    assert_null(wk_value_message(a, &msg_order_a, (size_t)WK_VALUE_MAX_LEN + 1, 0, &v));
    wk_arena_free(a);

    /* Out of memory: a fixed arena too small for the fields. */
    static _Alignas(16) unsigned char mem[512];
    wk_arena *f = wk_arena_new_fixed(mem, sizeof mem);
    assert_non_null(f);
    assert_null(wk_value_message(f, &msg_order_a, 100, 0, &v));
}

static void test_message_equality(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    wk_value x = msg_build(a, &msg_order_a, &msg_f2, 42);
    wk_value same = msg_build(a, &msg_order_a, &msg_f2, 42);
    /* The same type loaded twice, and a field renamed but numbered alike: equal. */
    wk_value other_load = msg_build(a, &msg_order_b, &msg_f2_other, 42);
    wk_value other_value = msg_build(a, &msg_order_a, &msg_f2, 43);
    wk_value other_type = msg_build(a, &msg_item, &msg_f2, 42);
    wk_value other_number = msg_build(a, &msg_order_a, &msg_f3, 42);
    assert_true(wk_value_equal(&x, &same));
    assert_true(wk_value_equal(&x, &other_load));
    assert_false(wk_value_equal(&x, &other_value));
    assert_false(wk_value_equal(&x, &other_type));
    assert_false(wk_value_equal(&x, &other_number));

    /* An unknown field's bytes, and its presence, count. */
    wk_value changed_unknown = msg_build(a, &msg_order_a, &msg_f2, 42);
    wk_member *u = (wk_member *)changed_unknown.as.message->unknown;
    assert_int_equal(wk_value_bytes(a, "\x48\x02", 2, &u[0].value), WK_OK);
    assert_false(wk_value_equal(&x, &changed_unknown));
    wk_value fewer;
    wk_message *m = wk_value_message(a, &msg_order_a, 2, 0, &fewer);
    memcpy((wk_field_value *)m->fields, x.as.message->fields, 2 * sizeof(wk_field_value));
    assert_false(wk_value_equal(&x, &fewer));

    /* Messages inside lists compare through the same walk. */
    wk_value l1, l2;
    wk_value *i1 = wk_value_list(a, 2, &l1), *i2 = wk_value_list(a, 2, &l2);
    i1[0] = x; i1[1] = same;
    i2[0] = same; i2[1] = other_load;
    assert_true(wk_value_equal(&l1, &l2));
    i2[1] = other_value;
    assert_false(wk_value_equal(&l1, &l2));
    /* A message never equals a map with the same content. */
    wk_value map;
    wk_value_map(a, 0, &map);
    assert_false(wk_value_equal(&x, &map));
    wk_arena_free(a);
}

/* ======================= version ======================= */

/* WK_VERSION_STRING and wk_version() say what the three numbers say. */
static void test_version_in_step(void **state)
{
    (void)state;
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", WK_VERSION_MAJOR, WK_VERSION_MINOR,
             WK_VERSION_PATCH);
    assert_string_equal(WK_VERSION_STRING, expected);
    assert_string_equal(wk_version(), expected);
}

/* ======================= kind names ======================= */

static void test_kind_names(void **state)
{
    (void)state;
    assert_string_equal(wk_kind_name(WK_NULL), "null");
    assert_string_equal(wk_kind_name(WK_BOOL), "bool");
    assert_string_equal(wk_kind_name(WK_INT), "int");
    assert_string_equal(wk_kind_name(WK_UINT), "uint");
    assert_string_equal(wk_kind_name(WK_DOUBLE), "double");
    assert_string_equal(wk_kind_name(WK_STRING), "string");
    assert_string_equal(wk_kind_name(WK_BYTES), "bytes");
    assert_string_equal(wk_kind_name(WK_EXT), "ext");
    assert_string_equal(wk_kind_name(WK_LIST), "list");
    assert_string_equal(wk_kind_name(WK_MAP), "map");
    assert_string_equal(wk_kind_name(WK_MESSAGE), "message");
    assert_string_equal(wk_kind_name((wk_kind)(WK_MESSAGE + 1)), "unknown");
    assert_string_equal(wk_kind_name((wk_kind)255), "unknown");
    assert_string_equal(wk_kind_name((wk_kind)-1), "unknown");
}

/* ======================= equality ======================= */

static wk_value make_list2(wk_arena *a, wk_value x, wk_value y)
{
    wk_value v;
    wk_value *items = wk_value_list(a, 2, &v);
    assert_non_null(items);
    items[0] = x;
    items[1] = y;
    return v;
}

static wk_value make_list1(wk_arena *a, wk_value x)
{
    wk_value v;
    wk_value *items = wk_value_list(a, 1, &v);
    assert_non_null(items);
    items[0] = x;
    return v;
}

static wk_value make_map1(wk_arena *a, wk_value k, wk_value x)
{
    wk_value v;
    wk_member *m = wk_value_map(a, 1, &v);
    assert_non_null(m);
    m[0].key = k;
    m[0].value = x;
    return v;
}

static wk_value make_map2(wk_arena *a, wk_value k1, wk_value x1, wk_value k2, wk_value x2)
{
    wk_value v;
    wk_member *m = wk_value_map(a, 2, &v);
    assert_non_null(m);
    m[0].key = k1;
    m[0].value = x1;
    m[1].key = k2;
    m[1].value = x2;
    return v;
}

#define CORPUS_MAX 64

/*
 * Values of every kind, pairwise distinct. Built twice in distinct arenas, so
 * that equal values never share storage.
 */
static size_t build_corpus(wk_arena *a, wk_value *out)
{
    size_t n = 0;
    wk_value tmp;
    out[n++] = wk_value_null();
    out[n++] = wk_value_bool(false);
    out[n++] = wk_value_bool(true);
    out[n++] = wk_value_int(0);
    out[n++] = wk_value_int(1);
    out[n++] = wk_value_int(-1);
    out[n++] = wk_value_int(INT64_MIN);
    out[n++] = wk_value_int(INT64_MAX);
    out[n++] = wk_value_uint((uint64_t)INT64_MAX + 1);
    out[n++] = wk_value_uint(UINT64_MAX);
    out[n++] = wk_value_double(0.0);
    out[n++] = wk_value_double(-0.0);
    out[n++] = wk_value_double(1.0);
    out[n++] = wk_value_double(double_from_bits(0x7FF8000000000000ull));   /* quiet NaN */
    out[n++] = wk_value_double(double_from_bits(0x7FF8000000000001ull));   /* NaN, other payload */
    out[n++] = wk_value_double(double_from_bits(0xFFF8000000000000ull));   /* negative NaN */
    out[n++] = wk_value_double(double_from_bits(0x7FF0000000000000ull));   /* +inf */
    out[n++] = wk_value_double(double_from_bits(0x3FF0000000000001ull));   /* 1.0 + 1 ulp */
    out[n++] = make_string(a, "", 0);
    out[n++] = make_string(a, "a", 1);
    out[n++] = make_string(a, "b", 1);
    out[n++] = make_string(a, "ab", 2);
    out[n++] = make_string(a, "a\0b", 3);
    out[n++] = make_string(a, "a\0c", 3);
    out[n++] = make_string(a, "1", 1);
    assert_int_equal(wk_value_bytes(a, "", 0, &tmp), WK_OK);
    out[n++] = tmp;
    assert_int_equal(wk_value_bytes(a, "a", 1, &tmp), WK_OK);
    out[n++] = tmp;
    assert_int_equal(wk_value_bytes(a, "a\0b", 3, &tmp), WK_OK);
    out[n++] = tmp;
    assert_int_equal(wk_value_ext(a, 1, "a", 1, &tmp), WK_OK);
    out[n++] = tmp;
    assert_int_equal(wk_value_ext(a, 2, "a", 1, &tmp), WK_OK);
    out[n++] = tmp;
    assert_int_equal(wk_value_ext(a, -1, "a", 1, &tmp), WK_OK);
    out[n++] = tmp;
    assert_int_equal(wk_value_ext(a, 1, "", 0, &tmp), WK_OK);
    out[n++] = tmp;
    assert_int_equal(wk_value_ext(a, 1, "b", 1, &tmp), WK_OK);
    out[n++] = tmp;
    wk_value_list(a, 0, &tmp);
    out[n++] = tmp;
    out[n++] = make_list1(a, wk_value_null());
    out[n++] = make_list1(a, wk_value_int(1));
    out[n++] = make_list1(a, wk_value_double(1.0));
    out[n++] = make_list2(a, wk_value_int(1), wk_value_int(2));
    out[n++] = make_list2(a, wk_value_int(2), wk_value_int(1));
    out[n++] = make_list1(a, make_list1(a, wk_value_int(1)));
    wk_value_map(a, 0, &tmp);
    out[n++] = tmp;
    out[n++] = make_map1(a, make_cstring(a, "a"), wk_value_int(1));
    out[n++] = make_map1(a, make_cstring(a, "a"), wk_value_int(2));
    out[n++] = make_map1(a, make_cstring(a, "b"), wk_value_int(1));
    out[n++] = make_map1(a, wk_value_int(1), wk_value_int(1));
    out[n++] = make_map1(a, make_cstring(a, "1"), wk_value_int(1));
    out[n++] = make_map2(a, make_cstring(a, "a"), wk_value_int(1), make_cstring(a, "b"), wk_value_int(2));
    out[n++] = make_map2(a, make_cstring(a, "b"), wk_value_int(2), make_cstring(a, "a"), wk_value_int(1));
    out[n++] = make_map2(a, make_cstring(a, "a"), wk_value_int(1), make_cstring(a, "a"), wk_value_int(1));
    out[n++] = make_map1(a, make_cstring(a, "a"), make_list1(a, wk_value_int(1)));
    out[n++] = make_map1(a, make_cstring(a, "a"), make_list1(a, wk_value_int(2)));
    /* A list and a map with the same number of children. */
    out[n++] = make_list2(a, make_cstring(a, "a"), wk_value_int(1));
    assert_true(n <= CORPUS_MAX);
    return n;
}

static void test_equal_every_kind_pairwise(void **state)
{
    (void)state;
    wk_arena *a1 = wk_arena_new(0);
    wk_arena *a2 = wk_arena_new(0);
    assert_non_null(a1);
    assert_non_null(a2);
    wk_value x[CORPUS_MAX], y[CORPUS_MAX];
    size_t n = build_corpus(a1, x);
    assert_int_equal(build_corpus(a2, y), n);
    size_t mismatches = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            bool expected = i == j;
            if (wk_value_equal(&x[i], &y[j]) != expected) {
                print_error("corpus %zu vs %zu: expected %s\n", i, j, expected ? "equal" : "different");
                mismatches++;
            }
            if (wk_value_equal(&x[i], &x[j]) != expected) mismatches++;
        }
    }
    assert_int_equal(mismatches, 0);
    wk_arena_free(a1);
    wk_arena_free(a2);
}

static void test_equal_int_and_uint_by_number(void **state)
{
    (void)state;
    wk_value i5 = wk_value_int(5), u5 = raw_uint(5);
    assert_true(wk_value_equal(&i5, &u5));
    assert_true(wk_value_equal(&u5, &i5));
    wk_value i0 = wk_value_int(0), u0 = raw_uint(0);
    assert_true(wk_value_equal(&i0, &u0));
    wk_value imax = wk_value_int(INT64_MAX), umax = raw_uint((uint64_t)INT64_MAX);
    assert_true(wk_value_equal(&imax, &umax));
    assert_true(wk_value_equal(&umax, &imax));

    /* The same bits, different numbers. */
    wk_value imin = wk_value_int(INT64_MIN), ubig = wk_value_uint(0x8000000000000000ull);
    assert_false(wk_value_equal(&imin, &ubig));
    assert_false(wk_value_equal(&ubig, &imin));
    wk_value ineg = wk_value_int(-1), uall = wk_value_uint(UINT64_MAX);
    assert_false(wk_value_equal(&ineg, &uall));
    assert_false(wk_value_equal(&uall, &ineg));
    wk_value u6 = raw_uint(6);
    assert_false(wk_value_equal(&i5, &u6));
    assert_false(wk_value_equal(&u6, &i5));

    /* Numbers of other kinds are never equal to integers. */
    wk_value d5 = wk_value_double(5.0), b1 = wk_value_bool(true), i1 = wk_value_int(1);
    assert_false(wk_value_equal(&i5, &d5));
    assert_false(wk_value_equal(&u5, &d5));
    assert_false(wk_value_equal(&b1, &i1));

    /* Inside containers too. */
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    wk_value l1 = make_list2(a, wk_value_int(7), wk_value_int(5));
    wk_value l2 = make_list2(a, wk_value_int(7), raw_uint(5));
    assert_true(wk_value_equal(&l1, &l2));
    wk_arena_free(a);
}

static void test_equal_doubles_bit_exact(void **state)
{
    (void)state;
    wk_value nan1 = wk_value_double(double_from_bits(0x7FF8000000000000ull));
    wk_value nan2 = wk_value_double(double_from_bits(0x7FF8000000000000ull));
    wk_value nan_other = wk_value_double(double_from_bits(0x7FF0000000000001ull)); /* signalling */
    assert_true(wk_value_equal(&nan1, &nan2));
    assert_true(wk_value_equal(&nan1, &nan1));
    assert_false(wk_value_equal(&nan1, &nan_other));

    wk_value pz = wk_value_double(0.0), nz = wk_value_double(-0.0);
    assert_false(wk_value_equal(&pz, &nz));
    assert_false(wk_value_equal(&nz, &pz));
    wk_value pz2 = wk_value_double(0.0);
    assert_true(wk_value_equal(&pz, &pz2));

    wk_value tenth = wk_value_double(0.1), tenth2 = wk_value_double(1.0 / 10.0);
    assert_true(wk_value_equal(&tenth, &tenth2));
    wk_value sum = wk_value_double(0.1 + 0.2), third = wk_value_double(0.3);
    assert_false(wk_value_equal(&sum, &third));
}

static void test_equal_strings_with_nul(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    wk_value s1 = make_string(a, "x\0y", 3);
    wk_value s2 = make_string(a, "x\0y", 3);
    wk_value s3 = make_string(a, "x\0z", 3);
    wk_value s4 = make_string(a, "x", 1);
    assert_true(wk_value_equal(&s1, &s2));
    assert_false(wk_value_equal(&s1, &s3));   /* differ only after the NUL */
    assert_false(wk_value_equal(&s1, &s4));   /* a C-string comparison would say equal */
    assert_false(wk_value_equal(&s4, &s1));
    wk_arena_free(a);
}

static void test_equal_ext_type(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    wk_value e1, e2, e3, b;
    assert_int_equal(wk_value_ext(a, 5, "\x01\x02", 2, &e1), WK_OK);
    assert_int_equal(wk_value_ext(a, 5, "\x01\x02", 2, &e2), WK_OK);
    assert_int_equal(wk_value_ext(a, 6, "\x01\x02", 2, &e3), WK_OK);
    assert_int_equal(wk_value_bytes(a, "\x01\x02", 2, &b), WK_OK);
    assert_true(wk_value_equal(&e1, &e2));
    assert_false(wk_value_equal(&e1, &e3));
    assert_false(wk_value_equal(&e1, &b));
    assert_false(wk_value_equal(&b, &e1));
    wk_arena_free(a);
}

static void test_equal_null_pointers(void **state)
{
    (void)state;
    wk_value v = wk_value_null();
    assert_true(wk_value_equal(NULL, NULL));
    assert_false(wk_value_equal(&v, NULL));
    assert_false(wk_value_equal(NULL, &v));
}

/* A tree three levels deep, with one leaf chosen by `leaf`. */
static wk_value make_nested(wk_arena *a, int64_t leaf)
{
    wk_value inner = make_map2(a, make_cstring(a, "id"), wk_value_int(leaf),
                               make_cstring(a, "tags"),
                               make_list2(a, make_cstring(a, "x"), wk_value_null()));
    wk_value items = make_list2(a, inner, make_map1(a, make_cstring(a, "empty"), make_list1(a, wk_value_bool(false))));
    return make_map2(a, make_cstring(a, "items"), items, wk_value_int(3), wk_value_double(2.5));
}

static void test_equal_nested(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    wk_value t1 = make_nested(a, 42);
    wk_value t2 = make_nested(a, 42);
    wk_value t3 = make_nested(a, 43);
    assert_true(wk_value_equal(&t1, &t2));
    assert_false(wk_value_equal(&t1, &t3));
    assert_false(wk_value_equal(&t3, &t1));

    /* A difference in a later sibling after a nested container compares equal first. */
    wk_value u1 = make_list2(a, make_list1(a, make_list1(a, wk_value_int(1))), wk_value_int(2));
    wk_value u2 = make_list2(a, make_list1(a, make_list1(a, wk_value_int(1))), wk_value_int(3));
    assert_false(wk_value_equal(&u1, &u2));
    wk_value u3 = make_list2(a, make_list1(a, make_list1(a, wk_value_int(1))), wk_value_int(2));
    assert_true(wk_value_equal(&u1, &u3));
    wk_arena_free(a);
}

static void test_equal_map_order_matters(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    wk_value ab = make_map2(a, make_cstring(a, "a"), wk_value_int(1), make_cstring(a, "b"), wk_value_int(2));
    wk_value ba = make_map2(a, make_cstring(a, "b"), wk_value_int(2), make_cstring(a, "a"), wk_value_int(1));
    wk_value ab2 = make_map2(a, make_cstring(a, "a"), wk_value_int(1), make_cstring(a, "b"), wk_value_int(2));
    assert_false(wk_value_equal(&ab, &ba));
    assert_true(wk_value_equal(&ab, &ab2));
    /* Keys compare, not only values. */
    wk_value ac = make_map2(a, make_cstring(a, "a"), wk_value_int(1), make_cstring(a, "c"), wk_value_int(2));
    assert_false(wk_value_equal(&ab, &ac));
    wk_arena_free(a);
}

#define DEEP 100000

/* DEEP lists, each holding the next; the innermost holds `leaf`. */
static wk_value make_deep_list(wk_arena *a, size_t depth, wk_value leaf)
{
    wk_value v = leaf;
    for (size_t i = 0; i < depth; i++) v = make_list1(a, v);
    return v;
}

static wk_value make_deep_map(wk_arena *a, size_t depth, wk_value leaf)
{
    wk_value v = leaf;
    for (size_t i = 0; i < depth; i++) v = make_map1(a, wk_value_int((int64_t)i), v);
    return v;
}

static void test_equal_deep_list(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    wk_value d1 = make_deep_list(a, DEEP, wk_value_int(1));
    wk_value d2 = make_deep_list(a, DEEP, wk_value_int(1));
    wk_value d3 = make_deep_list(a, DEEP, wk_value_int(2));
    wk_value d4 = make_deep_list(a, DEEP - 1, wk_value_int(1));
    assert_true(wk_value_equal(&d1, &d2));
    assert_false(wk_value_equal(&d1, &d3));
    assert_false(wk_value_equal(&d1, &d4));
    assert_false(wk_value_equal(&d4, &d1));
    wk_arena_free(a);
}

static void test_equal_deep_map(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    wk_value d1 = make_deep_map(a, DEEP, wk_value_null());
    wk_value d2 = make_deep_map(a, DEEP, wk_value_null());
    wk_value d3 = make_deep_map(a, DEEP, wk_value_bool(false));
    assert_true(wk_value_equal(&d1, &d2));
    assert_false(wk_value_equal(&d1, &d3));
    wk_arena_free(a);
}

/* ======================= wk_map_get ======================= */

static void test_map_get(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    wk_value map;
    wk_member *m = wk_value_map(a, 8, &map);
    assert_non_null(m);
    m[0].key = make_string(a, "a\0b", 3);  m[0].value = wk_value_int(100);
    m[1].key = make_cstring(a, "a");       m[1].value = wk_value_int(1);
    m[2].key = make_cstring(a, "b");       m[2].value = wk_value_int(2);
    m[3].key = make_cstring(a, "a");       m[3].value = wk_value_int(3);
    m[4].key = wk_value_int(7);            m[4].value = wk_value_int(4);
    assert_int_equal(wk_value_bytes(a, "k", 1, &m[5].key), WK_OK);
    m[5].value = wk_value_int(5);
    m[6].key = make_cstring(a, "k");       m[6].value = wk_value_int(6);
    m[7].key = make_cstring(a, "");        m[7].value = wk_value_int(7);

    assert_ptr_equal(wk_map_get(&map, "a"), &m[1].value);   /* the first "a", not "a\0b" */
    assert_ptr_equal(wk_map_get(&map, "b"), &m[2].value);
    assert_ptr_equal(wk_map_get(&map, "k"), &m[6].value);   /* the bytes key is skipped */
    assert_ptr_equal(wk_map_get(&map, ""), &m[7].value);
    assert_null(wk_map_get(&map, "7"));                     /* the integer key is not a string */
    assert_null(wk_map_get(&map, "c"));
    assert_null(wk_map_get(&map, "ab"));
    assert_null(wk_map_get(&map, "A"));
    assert_null(wk_map_get(&map, NULL));

    assert_null(wk_map_get(NULL, "a"));
    wk_value list = make_list2(a, make_cstring(a, "a"), wk_value_int(1));
    assert_null(wk_map_get(&list, "a"));
    wk_value s = make_cstring(a, "a");
    assert_null(wk_map_get(&s, "a"));
    wk_value empty;
    wk_value_map(a, 0, &empty);
    assert_null(wk_map_get(&empty, "a"));
    assert_null(wk_map_get(&empty, ""));
    wk_arena_free(a);
}

/* ======================= codes and statuses ======================= */

static void test_code_names_and_messages(void **state)
{
    (void)state;
    static const struct { wk_code code; int value; const char *name; const char *message; } expected[] = {
        {WK_OK, 0, "OK", "success"},
        {WK_ERR_NOMEM, 1, "NOMEM", "out of memory"},
        {WK_ERR_SYNTAX, 2, "SYNTAX", "syntax error"},
        {WK_ERR_UTF8, 3, "UTF8", "invalid UTF-8"},
        {WK_ERR_TRUNCATED, 4, "TRUNCATED", "unexpected end of input"},
        {WK_ERR_TRAILING, 5, "TRAILING", "unexpected data after the end of the value"},
        {WK_ERR_DEPTH, 6, "DEPTH", "nesting deeper than the limit"},
        {WK_ERR_LIMIT, 7, "LIMIT", "size limit exceeded"},
        {WK_ERR_RANGE, 8, "RANGE", "number out of range"},
        {WK_ERR_TYPE, 9, "TYPE", "value of the wrong type"},
        {WK_ERR_UNREPRESENTABLE, 10, "UNREPRESENTABLE", "value cannot be represented in the target format"},
        {WK_ERR_UNSUPPORTED, 11, "UNSUPPORTED", "operation not supported by this format"},
        {WK_ERR_INVALID, 12, "INVALID", "invalid argument"},
        {WK_ERR_NOT_FOUND, 13, "NOT_FOUND", "not found"},
        {WK_ERR_IO, 14, "IO", "input/output error"},
    };
    size_t n = sizeof expected / sizeof expected[0];
    assert_int_equal(WK_CODE_COUNT, n);
    assert_int_equal(WK_OK, WK_ERR_OK);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(expected[i].code, expected[i].value);
        assert_string_equal(wk_code_name(expected[i].code), expected[i].name);
        assert_string_equal(wk_code_message(expected[i].code), expected[i].message);
    }
    assert_string_equal(wk_code_name(WK_CODE_COUNT), "UNKNOWN");
    assert_string_equal(wk_code_message(WK_CODE_COUNT), "unknown error");
    assert_string_equal(wk_code_name((wk_code)1000), "UNKNOWN");
    assert_string_equal(wk_code_message((wk_code)1000), "unknown error");
    assert_string_equal(wk_code_name((wk_code)-1), "UNKNOWN");
    assert_string_equal(wk_code_message((wk_code)-1), "unknown error");
}

static void test_version(void **state)
{
    (void)state;
    assert_string_equal(wk_version(), "0.1.0");
    assert_string_equal(wk_version(), WK_VERSION_STRING);
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", WK_VERSION_MAJOR, WK_VERSION_MINOR, WK_VERSION_PATCH);
    assert_string_equal(wk_version(), expected);
}

static void dirty_status(wk_status *st)
{
    memset(st, 0x7E, sizeof *st);
    st->msg[sizeof st->msg - 1] = '\0';
}

static void test_status_clear(void **state)
{
    (void)state;
    wk_status st;
    dirty_status(&st);
    wk_status_clear(&st);
    assert_int_equal(st.code, WK_OK);
    assert_int_equal(st.offset, 0);
    assert_int_equal(st.line, 0);
    assert_int_equal(st.col, 0);
    assert_string_equal(st.msg, "");
    wk_status_clear(NULL);

    dirty_status(&st);
    wk__ok(&st);
    assert_int_equal(st.code, WK_OK);
    assert_int_equal(st.offset, 0);
    assert_int_equal(st.line, 0);
    assert_int_equal(st.col, 0);
    assert_string_equal(st.msg, "");
    wk__ok(NULL);
}

static void test_fail_formats_message(void **state)
{
    (void)state;
    wk_status st;
    dirty_status(&st);
    assert_int_equal(wk__fail(&st, WK_ERR_SYNTAX, 17, "expected %s after key %d", "':'", 3), WK_ERR_SYNTAX);
    assert_int_equal(st.code, WK_ERR_SYNTAX);
    assert_int_equal(st.offset, 17);
    assert_int_equal(st.line, 0);
    assert_int_equal(st.col, 0);
    assert_string_equal(st.msg, "expected ':' after key 3");

    dirty_status(&st);
    assert_int_equal(wk__fail(&st, WK_ERR_RANGE, 0, "$.items[%zu]: %s", (size_t)3, "too big"), WK_ERR_RANGE);
    assert_int_equal(st.code, WK_ERR_RANGE);
    assert_int_equal(st.offset, 0);
    assert_string_equal(st.msg, "$.items[3]: too big");

    /* No status: the code still comes back. */
    assert_int_equal(wk__fail(NULL, WK_ERR_DEPTH, 5, "deep %d", 1), WK_ERR_DEPTH);
}

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"
#pragma GCC diagnostic ignored "-Wformat-zero-length"
#pragma GCC diagnostic ignored "-Wformat"
#endif
/* A NULL format asks for the code's own message. */
static void test_fail_without_format_uses_code_message(void **state)
{
    (void)state;
    const char *no_format = NULL;
    for (int c = 0; c < WK_CODE_COUNT; c++) {
        wk_status st;
        dirty_status(&st);
        assert_int_equal(wk__fail(&st, (wk_code)c, (size_t)c * 3, no_format), c);
        assert_int_equal(st.code, c);
        assert_int_equal(st.offset, (size_t)c * 3);
        assert_int_equal(st.line, 0);
        assert_int_equal(st.col, 0);
        assert_string_equal(st.msg, wk_code_message((wk_code)c));
    }
}
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

static void test_fail_truncates_long_message(void **state)
{
    (void)state;
    char long_text[400];
    for (size_t i = 0; i < sizeof long_text - 1; i++) long_text[i] = (char)('a' + i % 26);
    long_text[sizeof long_text - 1] = '\0';
    wk_status st;
    dirty_status(&st);
    assert_int_equal(wk__fail(&st, WK_ERR_LIMIT, 9, "%s", long_text), WK_ERR_LIMIT);
    assert_int_equal(strlen(st.msg), WK_STATUS_MSG_MAX - 1);
    assert_memory_equal(st.msg, long_text, WK_STATUS_MSG_MAX - 1);
    assert_int_equal(st.msg[WK_STATUS_MSG_MAX - 1], '\0');
}

/* ---- wk__status_locate ---- */

typedef struct locate_case {
    const char *text;
    size_t offset;
    uint32_t line, col;
} locate_case;

static void test_status_locate(void **state)
{
    (void)state;
    static const locate_case cases[] = {
        {"", 0, 1, 1},
        {"abc", 0, 1, 1},
        {"abc", 2, 1, 3},
        {"abc", 3, 1, 4},                 /* at the end */
        {"abc", 99, 1, 4},                /* past the end: clamped */
        {"ab\ncd\nef", 2, 1, 3},          /* the newline itself is on line 1 */
        {"ab\ncd\nef", 3, 2, 1},
        {"ab\ncd\nef", 4, 2, 2},
        {"ab\ncd\nef", 7, 3, 2},
        {"ab\ncd\nef", 8, 3, 3},
        {"\n\n\n", 3, 4, 1},
        {"a\r\nb", 1, 1, 2},
        {"a\r\nb", 3, 2, 1},
        {"\tx", 1, 1, 2},                 /* a tab is one column */
        /* Columns count characters: é is two bytes, 日 three, 😀 four. */
        {"h\xC3\xA9llo", 3, 1, 3},
        {"h\xC3\xA9llo", 4, 1, 4},
        {"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9Ex", 9, 1, 4},
        {"\xF0\x9F\x98\x80x", 4, 1, 2},
        {"\xF0\x9F\x98\x80\xF0\x9F\x98\x80!", 8, 1, 3},
        /* Only the error's own line counts. */
        {"\xE2\x82\xAC\xE2\x82\xAC\n\xE2\x82\xAC\xE2\x82\xAC" "x", 13, 2, 3},
        {"\xC3\xA9\xC3\xA9\xC3\xA9\nab", 8, 2, 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wk_status st;
        dirty_status(&st);
        st.code = WK_ERR_SYNTAX;
        st.offset = cases[i].offset;
        strcpy(st.msg, "kept");
        wk__status_locate(&st, (const uint8_t *)cases[i].text, strlen(cases[i].text));
        if (st.line != cases[i].line || st.col != cases[i].col)
            print_error("case %zu: offset %zu: got %u:%u, expected %u:%u\n", i, cases[i].offset,
                        st.line, st.col, cases[i].line, cases[i].col);
        assert_int_equal(st.line, cases[i].line);
        assert_int_equal(st.col, cases[i].col);
        /* Nothing else changes. */
        assert_int_equal(st.code, WK_ERR_SYNTAX);
        assert_int_equal(st.offset, cases[i].offset);
        assert_string_equal(st.msg, "kept");
    }
    wk__status_locate(NULL, (const uint8_t *)"abc", 3);
}

/* Only the first len bytes are read, even when the offset lies beyond them. */
static void test_status_locate_reads_only_len(void **state)
{
    (void)state;
    uint8_t *text = malloc(5);
    assert_non_null(text);
    memcpy(text, "a\nb\nc", 5);
    wk_status st;
    wk__fail(&st, WK_ERR_TRUNCATED, 1000, "end");
    wk__status_locate(&st, text, 5);
    assert_int_equal(st.line, 3);
    assert_int_equal(st.col, 2);
    free(text);
}

static void test_status_locate_many_lines(void **state)
{
    (void)state;
    /* 1000 lines of "é€x\n" (2 + 3 + 1 + 1 bytes); the error at the x of line 700. */
    size_t len = 1000 * 7;
    uint8_t *text = malloc(len);
    assert_non_null(text);
    for (size_t i = 0; i < 1000; i++) memcpy(text + i * 7, "\xC3\xA9\xE2\x82\xAC" "x\n", 7);
    wk_status st;
    wk__fail(&st, WK_ERR_SYNTAX, 699 * 7 + 5, "x");
    wk__status_locate(&st, text, len);
    assert_int_equal(st.line, 700);
    assert_int_equal(st.col, 3);
    free(text);
}

/* ---- wk__path_format ---- */

typedef struct path_fixture {
    wk_arena *a;
    wk_value root;      /* {"items": [10, 11, 12, 13, {"name": 1}], 7: null, "<100 k>": true} */
    wk_value items;
} path_fixture;

static void path_fixture_build(path_fixture *fx)
{
    fx->a = wk_arena_new(0);
    assert_non_null(fx->a);
    wk_value *it = wk_value_list(fx->a, 5, &fx->items);
    assert_non_null(it);
    for (int i = 0; i < 4; i++) it[i] = wk_value_int(10 + i);
    it[4] = make_map1(fx->a, make_cstring(fx->a, "name"), wk_value_int(1));
    wk_member *m = wk_value_map(fx->a, 3, &fx->root);
    assert_non_null(m);
    m[0].key = make_cstring(fx->a, "items");
    m[0].value = fx->items;
    m[1].key = wk_value_int(7);
    m[1].value = wk_value_null();
    char long_key[100];
    memset(long_key, 'k', sizeof long_key);
    m[2].key = make_string(fx->a, long_key, sizeof long_key);
    m[2].value = wk_value_bool(true);
}

static void test_path_format(void **state)
{
    (void)state;
    path_fixture fx;
    path_fixture_build(&fx);
    char out[256];

    wk__path_format(NULL, 0, out, sizeof out);
    assert_string_equal(out, "$");

    wk__path frames[3] = {{&fx.root, 0}, {&fx.items, 4}, {NULL, 0}};
    frames[2].container = &fx.items.as.items[4];
    frames[2].index = 0;
    wk__path_format(frames, 1, out, sizeof out);
    assert_string_equal(out, "$.items");
    wk__path_format(frames, 2, out, sizeof out);
    assert_string_equal(out, "$.items[4]");
    wk__path_format(frames, 3, out, sizeof out);
    assert_string_equal(out, "$.items[4].name");

    /* A list index. */
    wk__path list_frame[2] = {{&fx.root, 0}, {&fx.items, 3}};
    wk__path_format(list_frame, 2, out, sizeof out);
    assert_string_equal(out, "$.items[3]");

    /* A member whose key is not a string: its index. */
    wk__path int_key = {&fx.root, 1};
    wk__path_format(&int_key, 1, out, sizeof out);
    assert_string_equal(out, "$[1]");

    /* An index past the members. */
    wk__path past = {&fx.root, 9};
    wk__path_format(&past, 1, out, sizeof out);
    assert_string_equal(out, "$[9]");

    /* Keys longer than 64 bytes are cut to 64. */
    wk__path long_frame = {&fx.root, 2};
    wk__path_format(&long_frame, 1, out, sizeof out);
    char expected[80] = "$.";
    memset(expected + 2, 'k', 64);
    expected[66] = '\0';
    assert_string_equal(out, expected);

    /* A large index. */
    wk__path big = {&fx.items, SIZE_MAX};
    wk__path_format(&big, 1, out, sizeof out);
    assert_string_equal(out, "$[18446744073709551615]");
    wk_arena_free(fx.a);
}

static void test_path_format_truncates(void **state)
{
    (void)state;
    path_fixture fx;
    path_fixture_build(&fx);
    wk__path frames[2] = {{&fx.root, 0}, {&fx.items, 3}};   /* "$.items[3]" */
    char out[32];

    for (size_t cap = 1; cap <= 12; cap++) {
        memset(out, 'Z', sizeof out);
        wk__path_format(frames, 2, out, cap);
        char expected[16];
        snprintf(expected, cap, "%s", "$.items[3]");
        assert_string_equal(out, expected);
        /* Nothing written at or past cap. */
        for (size_t i = cap; i < sizeof out; i++) assert_int_equal(out[i], 'Z');
    }

    /* cap 0: nothing written at all. */
    memset(out, 'Z', sizeof out);
    wk__path_format(frames, 2, out, 0);
    assert_int_equal(out[0], 'Z');

    /* Many frames into a small buffer. */
    wk__path many[40];
    for (size_t i = 0; i < 40; i++) {
        many[i].container = &fx.items;
        many[i].index = i;
    }
    memset(out, 'Z', sizeof out);
    wk__path_format(many, 40, out, 16);
    assert_string_equal(out, "$[0][1][2][3][4");
    assert_int_equal(out[16], 'Z');
    wk_arena_free(fx.a);
}

/* ======================= wk_buf ======================= */

static void test_buf_init_and_append(void **state)
{
    (void)state;
    wk_buf b;
    memset(&b, 0x3C, sizeof b);
    wk_buf_init(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);

    assert_int_equal(wk_buf_append(&b, "hello", 5), WK_OK);
    assert_int_equal(b.len, 5);
    assert_true(b.cap >= 5);
    assert_memory_equal(b.data, "hello", 5);

    assert_int_equal(wk_buf_append(&b, ", world", 7), WK_OK);
    assert_int_equal(b.len, 12);
    assert_true(b.cap >= 12);
    assert_memory_equal(b.data, "hello, world", 12);

    /* Appending nothing (even from NULL) changes nothing. */
    uint8_t *data = b.data;
    size_t cap = b.cap;
    assert_int_equal(wk_buf_append(&b, NULL, 0), WK_OK);
    assert_int_equal(b.len, 12);
    assert_ptr_equal(b.data, data);
    assert_int_equal(b.cap, cap);

    wk_buf_destroy(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    wk_buf_destroy(&b);   /* twice is harmless */
    assert_null(b.data);
}

static void test_buf_growth_keeps_content(void **state)
{
    (void)state;
    wk_buf b;
    wk_buf_init(&b);
    for (size_t i = 0; i < 100000; i++) {
        uint8_t byte = (uint8_t)(i * 7 + 3);
        assert_int_equal(wk_buf_append(&b, &byte, 1), WK_OK);
        assert_int_equal(b.len, i + 1);
        assert_true(b.cap >= b.len);
    }
    for (size_t i = 0; i < 100000; i++) assert_int_equal(b.data[i], (uint8_t)(i * 7 + 3));

    /* One append much bigger than the capacity. */
    uint8_t *chunk = malloc(1000000);
    assert_non_null(chunk);
    memset(chunk, 0x9D, 1000000);
    assert_int_equal(wk_buf_append(&b, chunk, 1000000), WK_OK);
    assert_int_equal(b.len, 1100000);
    assert_true(b.cap >= 1100000);
    assert_int_equal(b.data[99999], (uint8_t)(99999 * 7 + 3));
    assert_int_equal(b.data[100000], 0x9D);
    assert_int_equal(b.data[1099999], 0x9D);
    free(chunk);
    wk_buf_destroy(&b);
}

static void test_buf_reserve(void **state)
{
    (void)state;
    wk_buf b;
    wk_buf_init(&b);
    /* Nothing needed: nothing allocated. */
    assert_int_equal(wk_buf_reserve(&b, 0), WK_OK);
    assert_null(b.data);
    assert_int_equal(b.cap, 0);

    assert_int_equal(wk_buf_reserve(&b, 1000), WK_OK);
    assert_non_null(b.data);
    assert_int_equal(b.len, 0);
    assert_true(b.cap >= 1000);
    memset(b.data, 0x12, 1000);            /* the room is really there */

    /* Appends within the reservation never move the data. */
    uint8_t *data = b.data;
    size_t cap = b.cap;
    for (int i = 0; i < 10; i++) assert_int_equal(wk_buf_append(&b, "0123456789", 10), WK_OK);
    assert_ptr_equal(b.data, data);
    assert_int_equal(b.cap, cap);
    assert_int_equal(b.len, 100);
    assert_int_equal(wk_buf_reserve(&b, cap - 100), WK_OK);
    assert_ptr_equal(b.data, data);
    assert_int_equal(b.cap, cap);

    /* Reserving more than the rest grows it and keeps the content. */
    assert_int_equal(wk_buf_reserve(&b, cap - 100 + 1), WK_OK);
    assert_true(b.cap - b.len >= cap - 100 + 1);
    assert_int_equal(b.len, 100);
    assert_memory_equal(b.data + 90, "0123456789", 10);
    wk_buf_destroy(&b);
}

static void test_buf_nomem_leaves_buffer(void **state)
{
    (void)state;
    wk_buf b;
    wk_buf_init(&b);
    assert_int_equal(wk_buf_append(&b, "abc", 3), WK_OK);
    wk_buf before = b;

    assert_int_equal(wk_buf_reserve(&b, SIZE_MAX), WK_ERR_NOMEM);
    assert_ptr_equal(b.data, before.data);
    assert_int_equal(b.len, before.len);
    assert_int_equal(b.cap, before.cap);

    assert_int_equal(wk_buf_reserve(&b, SIZE_MAX / 2 - 3 + 1), WK_ERR_NOMEM);
    assert_ptr_equal(b.data, before.data);
    assert_int_equal(b.len, 3);
    assert_int_equal(b.cap, before.cap);

    /* The source is not read when there is no room for it. */
    assert_int_equal(wk_buf_append(&b, "x", SIZE_MAX - 1), WK_ERR_NOMEM);
    assert_ptr_equal(b.data, before.data);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "abc", 3);
    wk_buf_destroy(&b);
}

static void test_buf_clear_keeps_memory(void **state)
{
    (void)state;
    wk_buf b;
    wk_buf_init(&b);
    assert_int_equal(wk_buf_append(&b, "0123456789", 10), WK_OK);
    uint8_t *data = b.data;
    size_t cap = b.cap;
    wk_buf_clear(&b);
    assert_int_equal(b.len, 0);
    assert_ptr_equal(b.data, data);
    assert_int_equal(b.cap, cap);
    assert_int_equal(wk_buf_append(&b, "xy", 2), WK_OK);
    assert_int_equal(b.len, 2);
    assert_ptr_equal(b.data, data);
    assert_memory_equal(b.data, "xy", 2);
    wk_buf_destroy(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalar_constructors),
        cmocka_unit_test(test_uint_normalises_to_int),
        cmocka_unit_test(test_string_copies_and_terminates),
        cmocka_unit_test(test_bytes_copies_and_terminates),
        cmocka_unit_test(test_ext_copies_type_and_bytes),
        cmocka_unit_test(test_list_constructor),
        cmocka_unit_test(test_map_constructor),
        cmocka_unit_test(test_constructors_nomem_in_fixed_arena),
        cmocka_unit_test(test_list_count_overflow),
        cmocka_unit_test(test_string_length_past_limit),
        cmocka_unit_test(test_message_constructor_and_get),
        cmocka_unit_test(test_message_equality),
        cmocka_unit_test(test_version_in_step),
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_equal_every_kind_pairwise),
        cmocka_unit_test(test_equal_int_and_uint_by_number),
        cmocka_unit_test(test_equal_doubles_bit_exact),
        cmocka_unit_test(test_equal_strings_with_nul),
        cmocka_unit_test(test_equal_ext_type),
        cmocka_unit_test(test_equal_null_pointers),
        cmocka_unit_test(test_equal_nested),
        cmocka_unit_test(test_equal_map_order_matters),
        cmocka_unit_test(test_equal_deep_list),
        cmocka_unit_test(test_equal_deep_map),
        cmocka_unit_test(test_map_get),
        cmocka_unit_test(test_code_names_and_messages),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_status_clear),
        cmocka_unit_test(test_fail_formats_message),
        cmocka_unit_test(test_fail_without_format_uses_code_message),
        cmocka_unit_test(test_fail_truncates_long_message),
        cmocka_unit_test(test_status_locate),
        cmocka_unit_test(test_status_locate_reads_only_len),
        cmocka_unit_test(test_status_locate_many_lines),
        cmocka_unit_test(test_path_format),
        cmocka_unit_test(test_path_format_truncates),
        cmocka_unit_test(test_buf_init_and_append),
        cmocka_unit_test(test_buf_growth_keeps_content),
        cmocka_unit_test(test_buf_reserve),
        cmocka_unit_test(test_buf_nomem_leaves_buffer),
        cmocka_unit_test(test_buf_clear_keeps_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
