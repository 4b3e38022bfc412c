/*
 * Tests for model/arena.c: the bump allocator behind every decode.
 *
 * Every byte an allocation hands out is written, so that AddressSanitizer and
 * valgrind see any overlap or overrun, and most tests also fill each
 * allocation with its own pattern and read all of them back afterwards, which
 * catches overlaps in a plain build as well.
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

/* What the arena charges for a request through the internal path. */
static size_t round8(size_t n) { return (n + 7u) & ~(size_t)7u; }

/* What it charges through wk_arena_alloc, which over-allocates to align to 16. */
static size_t public_cost(size_t n) { return round8(n + 15u); }

/* The header a fixed arena keeps at the start of the caller's memory. */
static size_t fixed_header(void) { return (sizeof(wk_arena) + 15u) & ~(size_t)15u; }

static uint8_t pattern_byte(size_t allocation, size_t offset)
{
    return (uint8_t)(allocation * 31u + offset * 7u + 1u);
}

static void fill(void *p, size_t n, size_t allocation)
{
    uint8_t *b = p;
    for (size_t i = 0; i < n; i++) b[i] = pattern_byte(allocation, i);
}

/* Index of the first byte that no longer holds its pattern, or n. */
static size_t first_changed(const void *p, size_t n, size_t allocation)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != pattern_byte(allocation, i)) return i;
    return n;
}

/*
 * Runs fn in a child process and returns its exit status, or 128 plus the
 * signal that killed it: for inputs on which a defect makes the library
 * overrun memory, so that one crash cannot end the whole test program.
 */
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

/* ---- many small allocations ---- */

#define SMALL_COUNT 20000

static void check_many_small(size_t block_size, size_t max_size)
{
    wk_arena *a = wk_arena_new(block_size);
    assert_non_null(a);
    void **ptrs = malloc(SMALL_COUNT * sizeof *ptrs);
    size_t *sizes = malloc(SMALL_COUNT * sizeof *sizes);
    assert_non_null(ptrs);
    assert_non_null(sizes);

    size_t expected_used = 0;
    for (size_t i = 0; i < SMALL_COUNT; i++) {
        sizes[i] = 1 + (i * 7u) % max_size;
        ptrs[i] = wk__arena_alloc(a, sizes[i]);
        assert_non_null(ptrs[i]);
        fill(ptrs[i], sizes[i], i);
        expected_used += round8(sizes[i]);
        assert_int_equal(wk_arena_used(a), expected_used);
    }
    for (size_t i = 0; i < SMALL_COUNT; i++)
        assert_int_equal(first_changed(ptrs[i], sizes[i], i), sizes[i]);

    free(sizes);
    free(ptrs);
    wk_arena_free(a);
}

static void test_many_small_default_blocks(void **state)
{
    (void)state;
    check_many_small(0, 40);
}

/* Blocks of 256 bytes: many blocks, and requests above 64 bytes take the large path. */
static void test_many_small_tiny_blocks(void **state)
{
    (void)state;
    check_many_small(256, 200);
}

/* A block size of 1 sends every request down the large path. */
static void test_block_size_one(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(1);
    assert_non_null(a);
    void *p[50];
    for (size_t i = 0; i < 50; i++) {
        p[i] = wk__arena_alloc(a, i + 1);
        assert_non_null(p[i]);
        fill(p[i], i + 1, i);
    }
    size_t expected = 0;
    for (size_t i = 0; i < 50; i++) {
        assert_int_equal(first_changed(p[i], i + 1, i), i + 1);
        expected += round8(i + 1);
    }
    assert_int_equal(wk_arena_used(a), expected);
    wk_arena_free(a);
}

/* ---- alignment ---- */

static void test_internal_alloc_is_8_aligned(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    for (size_t size = 1; size <= 100; size++) {
        uint8_t *p = wk__arena_alloc(a, size);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 8, 0);
        memset(p, 0xC3, size);
    }
    wk_arena_free(a);
}

static void test_public_alloc_is_16_aligned(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    size_t expected = 0;
    for (size_t size = 0; size <= 100; size++) {
        /* An 8-byte internal allocation first, so that the bump pointer is
         * at an odd multiple of 8 half of the time. */
        uint8_t *skew = wk__arena_alloc(a, 8);
        assert_non_null(skew);
        memset(skew, 0x11, 8);
        uint8_t *p = wk_arena_alloc(a, size);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        memset(p, 0x5A, size);
        expected += 8 + public_cost(size);
        assert_int_equal(wk_arena_used(a), expected);
    }
    wk_arena_free(a);
}

static void test_large_public_alloc_is_16_aligned(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    uint8_t *skew = wk__arena_alloc(a, 8);
    assert_non_null(skew);
    uint8_t *p = wk_arena_alloc(a, 300000);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % 16, 0);
    memset(p, 0x77, 300000);
    assert_int_equal(wk_arena_used(a), 8 + public_cost(300000));
    wk_arena_free(a);
}

/* ---- exact accounting ---- */

static void test_used_counts_rounded_sizes(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    assert_int_equal(wk_arena_used(a), 0);

    uint8_t *p = wk__arena_alloc(a, 1);
    assert_non_null(p);
    p[0] = 1;
    assert_int_equal(wk_arena_used(a), 8);
    p = wk__arena_alloc(a, 8);
    assert_non_null(p);
    memset(p, 2, 8);
    assert_int_equal(wk_arena_used(a), 16);
    p = wk__arena_alloc(a, 9);
    assert_non_null(p);
    memset(p, 3, 9);
    assert_int_equal(wk_arena_used(a), 32);
    p = wk__arena_alloc(a, 0);
    assert_int_equal(wk_arena_used(a), 32);

    /* The public path charges size + 15, rounded to 8. */
    p = wk_arena_alloc(a, 0);
    assert_non_null(p);
    assert_int_equal(wk_arena_used(a), 48);
    p = wk_arena_alloc(a, 1);
    assert_non_null(p);
    p[0] = 4;
    assert_int_equal(wk_arena_used(a), 64);
    p = wk_arena_alloc(a, 16);
    assert_non_null(p);
    memset(p, 5, 16);
    assert_int_equal(wk_arena_used(a), 96);
    p = wk_arena_alloc(a, 17);
    assert_non_null(p);
    memset(p, 6, 17);
    assert_int_equal(wk_arena_used(a), 128);
    wk_arena_free(a);
}

/* Consecutive small allocations in one block are contiguous: no hidden headers. */
static void test_small_allocations_are_contiguous(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    uint8_t *first = wk__arena_alloc(a, 24);
    assert_non_null(first);
    memset(first, 1, 24);
    uint8_t *second = wk__arena_alloc(a, 5);
    assert_non_null(second);
    memset(second, 2, 5);
    uint8_t *third = wk__arena_alloc(a, 16);
    assert_non_null(third);
    memset(third, 3, 16);
    assert_ptr_equal(second, first + 24);
    assert_ptr_equal(third, second + 8);
    wk_arena_free(a);
}

/* ---- large allocations ---- */

static void test_large_allocation_bigger_than_a_block(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    uint8_t *small1 = wk__arena_alloc(a, 8);
    assert_non_null(small1);
    memset(small1, 0x01, 8);

    size_t big_size = (size_t)1 << 20;  /* 16 times the default block */
    uint8_t *big = wk__arena_alloc(a, big_size);
    assert_non_null(big);
    fill(big, big_size, 1);

    /* A large request takes a block of its own: the current block goes on. */
    uint8_t *small2 = wk__arena_alloc(a, 8);
    assert_non_null(small2);
    memset(small2, 0x02, 8);
    assert_ptr_equal(small2, small1 + 8);

    assert_int_equal(wk_arena_used(a), 8 + big_size + 8);
    assert_int_equal(first_changed(big, big_size, 1), big_size);
    assert_int_equal(small1[7], 0x01);
    assert_int_equal(small2[0], 0x02);
    wk_arena_free(a);
}

static void test_large_allocation_first(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    size_t big_size = 100000;
    uint8_t *big = wk__arena_alloc(a, big_size);
    assert_non_null(big);
    fill(big, big_size, 2);
    uint8_t *small = wk__arena_alloc(a, 40);
    assert_non_null(small);
    fill(small, 40, 3);
    assert_int_equal(wk_arena_used(a), big_size + 40);
    assert_int_equal(first_changed(big, big_size, 2), big_size);
    assert_int_equal(first_changed(small, 40, 3), 40);
    wk_arena_free(a);
}

static void test_many_large_allocations(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    uint8_t *p[12];
    size_t sizes[12];
    size_t expected = 0;
    for (size_t i = 0; i < 12; i++) {
        sizes[i] = 70000 + i * 12345;   /* every one above the 64 KiB default block */
        p[i] = wk__arena_alloc(a, sizes[i]);
        assert_non_null(p[i]);
        fill(p[i], sizes[i], i);
        expected += round8(sizes[i]);
        uint8_t *small = wk__arena_alloc(a, 3);
        assert_non_null(small);
        memset(small, 0xEE, 3);
        expected += 8;
    }
    assert_int_equal(wk_arena_used(a), expected);
    for (size_t i = 0; i < 12; i++)
        assert_int_equal(first_changed(p[i], sizes[i], i), sizes[i]);
    wk_arena_free(a);
}

/* ---- reset ---- */

static void test_reset_reuses_single_block(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    uint8_t *first = wk__arena_alloc(a, 16);
    assert_non_null(first);
    memset(first, 1, 16);
    uint8_t *p = wk__arena_alloc(a, 100);
    assert_non_null(p);
    memset(p, 2, 100);
    assert_int_equal(wk_arena_used(a), 16 + 104);

    wk_arena_reset(a);
    assert_int_equal(wk_arena_used(a), 0);
    uint8_t *again = wk__arena_alloc(a, 16);
    assert_ptr_equal(again, first);
    memset(again, 3, 16);
    assert_int_equal(wk_arena_used(a), 16);
    wk_arena_free(a);
}

static void test_reset_after_many_blocks(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(1024);
    assert_non_null(a);
    uint8_t *before[200];   /* written, so that a reset that kept them in use would show */
    for (size_t i = 0; i < 200; i++) {
        before[i] = wk__arena_alloc(a, 64);
        assert_non_null(before[i]);
        fill(before[i], 64, i);
    }
    /* A few large ones too, which reset must free (valgrind checks). */
    for (size_t i = 0; i < 3; i++) {
        uint8_t *big = wk__arena_alloc(a, 5000);
        assert_non_null(big);
        memset(big, 0x42, 5000);
    }
    assert_int_equal(wk_arena_used(a), 200 * 64 + 3 * 5000);

    wk_arena_reset(a);
    assert_int_equal(wk_arena_used(a), 0);

    /* What is kept after the reset holds at least the first block: the
     * first 1024 bytes of allocations are contiguous. */
    uint8_t *after[16];
    for (size_t i = 0; i < 16; i++) {
        after[i] = wk__arena_alloc(a, 64);
        assert_non_null(after[i]);
        fill(after[i], 64, 1000 + i);
    }
    for (size_t i = 1; i < 16; i++) assert_ptr_equal(after[i], after[i - 1] + 64);
    for (size_t i = 0; i < 16; i++) assert_int_equal(first_changed(after[i], 64, 1000 + i), 64);
    assert_int_equal(wk_arena_used(a), 16 * 64);

    /* And the arena still grows past the kept block. */
    for (size_t i = 0; i < 300; i++) {
        uint8_t *p = wk__arena_alloc(a, 64);
        assert_non_null(p);
        memset(p, 0x24, 64);
    }
    assert_int_equal(wk_arena_used(a), 316 * 64);
    wk_arena_free(a);
}

static void test_reset_when_only_large_blocks(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    uint8_t *big1 = wk__arena_alloc(a, 200000);
    assert_non_null(big1);
    memset(big1, 1, 200000);
    uint8_t *big2 = wk__arena_alloc(a, 300000);
    assert_non_null(big2);
    memset(big2, 2, 300000);
    wk_arena_reset(a);
    assert_int_equal(wk_arena_used(a), 0);
    for (size_t i = 0; i < 100; i++) {
        uint8_t *p = wk__arena_alloc(a, 1000);
        assert_non_null(p);
        fill(p, 1000, i);
    }
    assert_int_equal(wk_arena_used(a), 100000);
    wk_arena_free(a);
}

static void test_reset_fresh_arena(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    wk_arena_reset(a);
    assert_int_equal(wk_arena_used(a), 0);
    uint8_t *p = wk__arena_alloc(a, 32);
    assert_non_null(p);
    memset(p, 9, 32);
    assert_int_equal(wk_arena_used(a), 32);
    wk_arena_free(a);
}

/* ---- limits ---- */

static void test_limit_small_steps(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    wk_arena_set_limit(a, 100);
    for (size_t i = 0; i < 12; i++) {
        uint8_t *p = wk__arena_alloc(a, 8);
        assert_non_null(p);
        memset(p, (int)i, 8);
    }
    assert_int_equal(wk_arena_used(a), 96);
    /* 4 bytes are left under the cap, but every request costs at least 8. */
    assert_null(wk__arena_alloc(a, 8));
    assert_null(wk__arena_alloc(a, 1));
    assert_null(wk_arena_alloc(a, 0));
    assert_int_equal(wk_arena_used(a), 96);
    wk_arena_free(a);
}

static void test_limit_exact_fit(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    wk_arena_set_limit(a, 96);
    uint8_t *p = wk_arena_alloc(a, 80);      /* costs 96 */
    assert_non_null(p);
    memset(p, 0x33, 80);
    assert_int_equal(wk_arena_used(a), 96);
    assert_null(wk__arena_alloc(a, 1));
    assert_int_equal(wk_arena_used(a), 96);
    wk_arena_free(a);
}

static void test_limit_large_requests(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    wk_arena_set_limit(a, 100000);
    assert_null(wk__arena_alloc(a, 100008));
    assert_int_equal(wk_arena_used(a), 0);
    uint8_t *p = wk__arena_alloc(a, 90000);
    assert_non_null(p);
    memset(p, 1, 90000);
    assert_int_equal(wk_arena_used(a), 90000);
    assert_null(wk__arena_alloc(a, 20000));
    assert_int_equal(wk_arena_used(a), 90000);
    p = wk__arena_alloc(a, 10000);
    assert_non_null(p);
    memset(p, 2, 10000);
    assert_int_equal(wk_arena_used(a), 100000);
    assert_null(wk__arena_alloc(a, 8));
    assert_int_equal(wk_arena_used(a), 100000);
    wk_arena_free(a);
}

/* Under a cap that ends in the middle of the second block. */
static void test_limit_never_exceeded(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(512);
    assert_non_null(a);
    wk_arena_set_limit(a, 5000);
    size_t expected = 0;
    size_t i = 0;
    for (;; i++) {
        size_t size = 1 + (i * 13u) % 120;
        uint8_t *p = wk__arena_alloc(a, size);
        if (!p) {
            /* It failed exactly because this one would cross the cap. */
            assert_true(expected + round8(size) > 5000);
            break;
        }
        memset(p, (int)(i & 0xFF), size);
        expected += round8(size);
        assert_true(expected <= 5000);
        assert_int_equal(wk_arena_used(a), expected);
    }
    assert_int_equal(wk_arena_used(a), expected);
    /* Requests that still fit go on succeeding until the cap. */
    while (expected + 8 <= 5000) {
        uint8_t *p = wk__arena_alloc(a, 8);
        assert_non_null(p);
        memset(p, 0x66, 8);
        expected += 8;
    }
    assert_null(wk__arena_alloc(a, 8));
    assert_int_equal(wk_arena_used(a), expected);
    wk_arena_free(a);
}

static void test_limit_lifted(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    wk_arena_set_limit(a, 16);
    uint8_t *p = wk__arena_alloc(a, 16);
    assert_non_null(p);
    memset(p, 1, 16);
    assert_null(wk__arena_alloc(a, 8));
    wk_arena_set_limit(a, 0);        /* no cap */
    p = wk__arena_alloc(a, 200000);
    assert_non_null(p);
    memset(p, 2, 200000);
    assert_int_equal(wk_arena_used(a), 200016);
    wk_arena_free(a);
}

static void test_limit_below_used(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    uint8_t *p = wk__arena_alloc(a, 96);
    assert_non_null(p);
    memset(p, 1, 96);
    wk_arena_set_limit(a, 50);
    assert_null(wk__arena_alloc(a, 8));
    assert_null(wk_arena_alloc(a, 1));
    assert_int_equal(wk_arena_used(a), 96);
    wk_arena_free(a);
}

/*
 * A cap set while more than it was already in use must still hold after a
 * reset: the arena then hands out at most the cap.
 */
static void test_limit_below_used_still_caps_after_reset(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    uint8_t *p = wk__arena_alloc(a, 96);
    assert_non_null(p);
    memset(p, 1, 96);
    wk_arena_set_limit(a, 16);
    wk_arena_reset(a);
    size_t used_after_reset = wk_arena_used(a);
    /* Allocate 8 bytes at a time until the arena refuses (at most 20 times). */
    size_t granted = 0;
    while (granted < 20) {
        p = wk__arena_alloc(a, 8);
        if (!p) break;
        memset(p, 2, 8);
        granted++;
    }
    size_t used = wk_arena_used(a);
    wk_arena_free(a);   /* before asserting, so that a failure leaks nothing */
    assert_int_equal(used_after_reset, 0);
    assert_int_equal(granted, 2);
    assert_int_equal(used, 16);
}

static void test_limit_survives_reset(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    wk_arena_set_limit(a, 64);
    uint8_t *p = wk__arena_alloc(a, 64);
    assert_non_null(p);
    memset(p, 1, 64);
    assert_null(wk__arena_alloc(a, 8));
    wk_arena_reset(a);
    p = wk__arena_alloc(a, 64);
    assert_non_null(p);
    memset(p, 2, 64);
    assert_null(wk__arena_alloc(a, 8));
    assert_int_equal(wk_arena_used(a), 64);
    wk_arena_free(a);
}

/* ---- fixed arenas ---- */

#define CANARY 0xA5
#define CANARY_LEN 64

/* size bytes for the arena, then a canary the arena must never touch. */
static uint8_t *fixed_region(size_t size)
{
    uint8_t *mem = malloc(size + CANARY_LEN);
    assert_non_null(mem);
    memset(mem, 0, size);
    memset(mem + size, CANARY, CANARY_LEN);
    return mem;
}

static size_t canary_intact(const uint8_t *mem, size_t size)
{
    for (size_t i = 0; i < CANARY_LEN; i++)
        if (mem[size + i] != CANARY) return i;
    return CANARY_LEN;
}

static void test_fixed_too_small(void **state)
{
    (void)state;
    size_t header = fixed_header();
    uint8_t *mem = fixed_region(header);
    assert_null(wk_arena_new_fixed(mem, 0));
    assert_null(wk_arena_new_fixed(mem, header - 1));
    assert_null(wk_arena_new_fixed(NULL, 4096));
    assert_int_equal(canary_intact(mem, header), CANARY_LEN);

    /* Exactly the header: an arena with no room at all. */
    wk_arena *a = wk_arena_new_fixed(mem, header);
    assert_non_null(a);
    assert_null(wk__arena_alloc(a, 1));
    assert_null(wk_arena_alloc(a, 1));
    assert_int_equal(wk_arena_used(a), 0);
    assert_int_equal(canary_intact(mem, header), CANARY_LEN);
    wk_arena_free(a);
    free(mem);
}

static void test_fixed_exhaustion(void **state)
{
    (void)state;
    size_t header = fixed_header();
    size_t size = header + 256;
    uint8_t *mem = fixed_region(size);
    wk_arena *a = wk_arena_new_fixed(mem, size);
    assert_non_null(a);

    uint8_t *p[32];
    for (size_t i = 0; i < 32; i++) {
        p[i] = wk__arena_alloc(a, 8);
        assert_non_null(p[i]);
        assert_true(p[i] >= mem + header);
        assert_true(p[i] + 8 <= mem + size);
        assert_int_equal((uintptr_t)p[i] % 8, 0);
        fill(p[i], 8, i);
    }
    assert_int_equal(wk_arena_used(a), 256);
    assert_null(wk__arena_alloc(a, 1));
    assert_null(wk__arena_alloc(a, 8));
    assert_null(wk__arena_alloc(a, 100000));
    assert_null(wk_arena_alloc(a, 1));
    assert_int_equal(wk_arena_used(a), 256);
    for (size_t i = 0; i < 32; i++) assert_int_equal(first_changed(p[i], 8, i), 8);
    assert_int_equal(canary_intact(mem, size), CANARY_LEN);
    wk_arena_free(a);   /* frees nothing: valgrind would see a bad free */
    assert_int_equal(first_changed(p[31], 8, 31), 8);
    free(mem);
}

/* A region whose usable size is not a multiple of 8. */
static void test_fixed_ragged_end(void **state)
{
    (void)state;
    size_t header = fixed_header();
    size_t size = header + 250;
    uint8_t *mem = fixed_region(size);
    wk_arena *a = wk_arena_new_fixed(mem, size);
    assert_non_null(a);
    for (size_t i = 0; i < 31; i++) {
        uint8_t *p = wk__arena_alloc(a, 8);
        assert_non_null(p);
        memset(p, 0x5C, 8);
    }
    assert_int_equal(wk_arena_used(a), 248);
    assert_null(wk__arena_alloc(a, 1));
    assert_null(wk__arena_alloc(a, 2));
    assert_int_equal(wk_arena_used(a), 248);
    assert_int_equal(canary_intact(mem, size), CANARY_LEN);
    free(mem);
}

static void test_fixed_public_alloc(void **state)
{
    (void)state;
    size_t header = fixed_header();
    size_t size = header + 200;
    uint8_t *mem = fixed_region(size);
    wk_arena *a = wk_arena_new_fixed(mem, size);
    assert_non_null(a);
    size_t used = 0;
    size_t count = 0;
    for (;;) {
        uint8_t *p = wk_arena_alloc(a, 20);       /* costs 40 */
        if (!p) break;
        assert_int_equal((uintptr_t)p % 16, 0);
        assert_true(p + 20 <= mem + size);
        memset(p, 0x71, 20);
        used += 40;
        count++;
    }
    assert_int_equal(count, 5);
    assert_int_equal(wk_arena_used(a), used);
    assert_int_equal(canary_intact(mem, size), CANARY_LEN);
    free(mem);
}

static void test_fixed_reset(void **state)
{
    (void)state;
    size_t header = fixed_header();
    size_t size = header + 128;
    uint8_t *mem = fixed_region(size);
    wk_arena *a = wk_arena_new_fixed(mem, size);
    assert_non_null(a);
    uint8_t *first = wk__arena_alloc(a, 128);
    assert_non_null(first);
    memset(first, 1, 128);
    assert_null(wk__arena_alloc(a, 8));
    wk_arena_reset(a);
    assert_int_equal(wk_arena_used(a), 0);
    uint8_t *again = wk__arena_alloc(a, 128);
    assert_ptr_equal(again, first);
    memset(again, 2, 128);
    assert_null(wk__arena_alloc(a, 8));
    assert_int_equal(canary_intact(mem, size), CANARY_LEN);
    free(mem);
}

static void test_fixed_with_limit(void **state)
{
    (void)state;
    size_t header = fixed_header();
    size_t size = header + 1024;
    uint8_t *mem = fixed_region(size);
    wk_arena *a = wk_arena_new_fixed(mem, size);
    assert_non_null(a);
    wk_arena_set_limit(a, 40);
    for (int i = 0; i < 5; i++) {
        uint8_t *p = wk__arena_alloc(a, 8);
        assert_non_null(p);
        memset(p, 3, 8);
    }
    assert_null(wk__arena_alloc(a, 8));
    assert_int_equal(wk_arena_used(a), 40);
    wk_arena_set_limit(a, 0);
    uint8_t *p = wk__arena_alloc(a, 984);   /* the rest of the region exactly */
    assert_non_null(p);
    memset(p, 4, 984);
    assert_null(wk__arena_alloc(a, 8));
    assert_int_equal(wk_arena_used(a), 1024);
    assert_int_equal(canary_intact(mem, size), CANARY_LEN);
    free(mem);
}

/* ---- trimming the last allocation ---- */

static void test_trim_last_allocation(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    uint8_t *first = wk__arena_alloc(a, 8);
    assert_non_null(first);
    memset(first, 1, 8);
    uint8_t *p = wk__arena_alloc(a, 100);      /* charged 104 */
    assert_non_null(p);
    memset(p, 2, 100);
    assert_int_equal(wk_arena_used(a), 112);

    wk__arena_trim(a, p, 100, 10);             /* keeps 16 */
    assert_int_equal(wk_arena_used(a), 24);
    uint8_t *next = wk__arena_alloc(a, 8);
    assert_ptr_equal(next, p + 16);
    memset(next, 3, 8);
    assert_int_equal(wk_arena_used(a), 32);
    assert_int_equal(p[9], 2);                 /* the kept part is untouched */
    wk_arena_free(a);
}

static void test_trim_to_nothing(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    uint8_t *p = wk__arena_alloc(a, 40);
    assert_non_null(p);
    memset(p, 1, 40);
    wk__arena_trim(a, p, 40, 0);
    assert_int_equal(wk_arena_used(a), 0);
    uint8_t *q = wk__arena_alloc(a, 40);
    assert_ptr_equal(q, p);
    memset(q, 2, 40);
    wk_arena_free(a);
}

static void test_trim_ignored_when_not_last_or_growing(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    uint8_t *p = wk__arena_alloc(a, 64);
    assert_non_null(p);
    memset(p, 1, 64);
    uint8_t *q = wk__arena_alloc(a, 16);
    assert_non_null(q);
    memset(q, 2, 16);
    assert_int_equal(wk_arena_used(a), 80);

    wk__arena_trim(a, p, 64, 8);       /* p is not the last allocation */
    assert_int_equal(wk_arena_used(a), 80);
    wk__arena_trim(a, q, 16, 32);      /* growing is not trimming */
    assert_int_equal(wk_arena_used(a), 80);
    wk__arena_trim(a, q, 8, 0);        /* the wrong size: q + 8 is not the end */
    assert_int_equal(wk_arena_used(a), 80);
    wk__arena_trim(a, q, 16, 13);      /* rounds to the same 16 */
    assert_int_equal(wk_arena_used(a), 80);

    uint8_t *r = wk__arena_alloc(a, 8);
    assert_ptr_equal(r, q + 16);
    memset(r, 3, 8);
    wk_arena_free(a);
}

/* A trim under a cap gives the room back to later allocations. */
static void test_trim_under_limit(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    wk_arena_set_limit(a, 64);
    uint8_t *p = wk__arena_alloc(a, 64);
    assert_non_null(p);
    memset(p, 1, 64);
    assert_null(wk__arena_alloc(a, 8));
    wk__arena_trim(a, p, 64, 24);
    assert_int_equal(wk_arena_used(a), 24);
    uint8_t *q = wk__arena_alloc(a, 40);
    assert_ptr_equal(q, p + 24);
    memset(q, 2, 40);
    assert_null(wk__arena_alloc(a, 8));
    assert_int_equal(wk_arena_used(a), 64);
    wk_arena_free(a);
}

static void test_trim_in_fixed_arena(void **state)
{
    (void)state;
    size_t header = fixed_header();
    size_t size = header + 64;
    uint8_t *mem = fixed_region(size);
    wk_arena *a = wk_arena_new_fixed(mem, size);
    assert_non_null(a);
    uint8_t *p = wk__arena_alloc(a, 64);
    assert_non_null(p);
    memset(p, 1, 64);
    assert_null(wk__arena_alloc(a, 8));
    wk__arena_trim(a, p, 64, 56);
    uint8_t *q = wk__arena_alloc(a, 8);
    assert_ptr_equal(q, p + 56);
    memset(q, 2, 8);
    assert_null(wk__arena_alloc(a, 8));
    assert_int_equal(wk_arena_used(a), 64);
    assert_int_equal(canary_intact(mem, size), CANARY_LEN);
    free(mem);
}

/* ---- freeing ---- */

static void test_free_null(void **state)
{
    (void)state;
    wk_arena_free(NULL);
    /* An arena that never allocated frees cleanly too (valgrind checks). */
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    assert_int_equal(wk_arena_used(a), 0);
    wk_arena_free(a);
}

/* ---- sizes near SIZE_MAX ---- */

/*
 * A request so large that rounding it up wraps around must fail, not hand
 * out a zero-byte region. The 8-byte round-up in wk__arena_alloc wraps to 0
 * for n > SIZE_MAX - 7, and wk_arena_alloc adds 15 before calling it, so
 * its sizes SIZE_MAX - 21 .. SIZE_MAX - 16 reach that wrap.
 */
static wk_arena *arena_with_current_block(void)
{
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    /* A cap, so that no request here reaches malloc: a correct arena refuses
     * them all at the cap, and asking malloc for 2^64 bytes is an error of
     * its own to valgrind. The wrap-around happens before the cap is looked at. */
    wk_arena_set_limit(a, (size_t)1 << 20);
    uint8_t *p = wk__arena_alloc(a, 8);
    assert_non_null(p);
    memset(p, 1, 8);
    return a;
}

static void test_public_alloc_near_size_max_fails(void **state)
{
    (void)state;
    wk_arena *a = arena_with_current_block();
    size_t handed_out = 0;
    for (size_t k = 0; k <= 40; k++)
        if (wk_arena_alloc(a, SIZE_MAX - k)) handed_out++;
    size_t used = wk_arena_used(a);
    wk_arena_free(a);
    assert_int_equal(handed_out, 0);
    assert_int_equal(used, 8);
}

static void test_internal_alloc_near_size_max_fails(void **state)
{
    (void)state;
    wk_arena *a = arena_with_current_block();
    size_t handed_out = 0;
    for (size_t k = 0; k <= 40; k++)
        if (wk__arena_alloc(a, SIZE_MAX - k)) handed_out++;
    size_t used = wk_arena_used(a);
    wk_arena_free(a);
    assert_int_equal(handed_out, 0);
    assert_int_equal(used, 8);
}

/*
 * A block size so large that the block cannot exist: allocating must fail
 * rather than hand out memory past a wrapped-around malloc.
 */
static int child_huge_block_size(void)
{
    wk_arena *a = wk_arena_new(SIZE_MAX);
    if (!a) return 0;
    void *p = wk_arena_alloc(a, 64);
    wk_arena_free(a);
    return p ? 1 : 0;
}

static void test_huge_block_size_fails_cleanly(void **state)
{
    (void)state;
    assert_int_equal(run_in_child(child_huge_block_size), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_many_small_default_blocks),
        cmocka_unit_test(test_many_small_tiny_blocks),
        cmocka_unit_test(test_block_size_one),
        cmocka_unit_test(test_internal_alloc_is_8_aligned),
        cmocka_unit_test(test_public_alloc_is_16_aligned),
        cmocka_unit_test(test_large_public_alloc_is_16_aligned),
        cmocka_unit_test(test_used_counts_rounded_sizes),
        cmocka_unit_test(test_small_allocations_are_contiguous),
        cmocka_unit_test(test_large_allocation_bigger_than_a_block),
        cmocka_unit_test(test_large_allocation_first),
        cmocka_unit_test(test_many_large_allocations),
        cmocka_unit_test(test_reset_reuses_single_block),
        cmocka_unit_test(test_reset_after_many_blocks),
        cmocka_unit_test(test_reset_when_only_large_blocks),
        cmocka_unit_test(test_reset_fresh_arena),
        cmocka_unit_test(test_limit_small_steps),
        cmocka_unit_test(test_limit_exact_fit),
        cmocka_unit_test(test_limit_large_requests),
        cmocka_unit_test(test_limit_never_exceeded),
        cmocka_unit_test(test_limit_lifted),
        cmocka_unit_test(test_limit_below_used),
        cmocka_unit_test(test_limit_below_used_still_caps_after_reset),
        cmocka_unit_test(test_limit_survives_reset),
        cmocka_unit_test(test_fixed_too_small),
        cmocka_unit_test(test_fixed_exhaustion),
        cmocka_unit_test(test_fixed_ragged_end),
        cmocka_unit_test(test_fixed_public_alloc),
        cmocka_unit_test(test_fixed_reset),
        cmocka_unit_test(test_fixed_with_limit),
        cmocka_unit_test(test_trim_last_allocation),
        cmocka_unit_test(test_trim_to_nothing),
        cmocka_unit_test(test_trim_ignored_when_not_last_or_growing),
        cmocka_unit_test(test_trim_under_limit),
        cmocka_unit_test(test_trim_in_fixed_arena),
        cmocka_unit_test(test_free_null),
        cmocka_unit_test(test_public_alloc_near_size_max_fails),
        cmocka_unit_test(test_internal_alloc_near_size_max_fails),
        cmocka_unit_test(test_huge_block_size_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
