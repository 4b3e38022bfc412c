/*
 * The statistics of wirekit bench (cli/bench_stats.c) on known samples:
 * exact medians of odd and even counts, the median absolute deviation,
 * percentiles by linear interpolation, and the edge cases. The samples are
 * dyadic fractions or small integers, so every expected value is exact.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli/bench.h"

#include <math.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/*
 * p10 and p90 weigh two ranks by 0.1-steps, which binary cannot hold
 * exactly: they are checked to within a few units in the last place.
 */
#define assert_near(x, expected)                                                       \
    do {                                                                               \
        double got_ = (x), want_ = (expected);                                         \
        if (fabs(got_ - want_) > 1e-12 * fabs(want_))                                  \
            fail_msg("%s is %.17g, not %.17g", #x, got_, want_);                       \
    } while (0)

static void quantile_of_nothing_is_zero(void **state)
{
    (void)state;
    assert_true(bench_quantile(NULL, 0, 0.5) == 0.0);
}

static void quantile_of_one_sample_is_it(void **state)
{
    (void)state;
    const double one[] = {7.25};
    assert_true(bench_quantile(one, 1, 0.0) == 7.25);
    assert_true(bench_quantile(one, 1, 0.1) == 7.25);
    assert_true(bench_quantile(one, 1, 0.5) == 7.25);
    assert_true(bench_quantile(one, 1, 1.0) == 7.25);
}

/* h = (n - 1) p; the value between the ranks floor(h) and floor(h) + 1. */
static void quantile_interpolates_between_ranks(void **state)
{
    (void)state;
    const double sorted[] = {10, 20, 30, 40, 50};   /* n = 5 */
    assert_true(bench_quantile(sorted, 5, 0.0) == 10);
    assert_true(bench_quantile(sorted, 5, 0.25) == 20);   /* h = 1 */
    assert_true(bench_quantile(sorted, 5, 0.5) == 30);    /* h = 2 */
    assert_near(bench_quantile(sorted, 5, 0.1), 14);    /* h = 0.4: 10 + 0.4 * 10 */
    assert_near(bench_quantile(sorted, 5, 0.9), 46);    /* h = 3.6: 40 + 0.6 * 10 */
    assert_true(bench_quantile(sorted, 5, 1.0) == 50);
    /* Out of range clamps to the ends. */
    assert_true(bench_quantile(sorted, 5, -1) == 10);
    assert_true(bench_quantile(sorted, 5, 2) == 50);
}

static void median_of_odd_count_is_the_middle(void **state)
{
    (void)state;
    double samples[] = {9, 1, 5, 3, 7};
    bench_stat s = bench_stat_compute(samples, N(samples));
    assert_true(s.ok);
    assert_int_equal(s.samples, 5);
    assert_true(s.median == 5);
    assert_true(s.min == 1);
    assert_true(s.max == 9);
    /* Deviations from 5: 4, 4, 0, 2, 2 -> sorted 0 2 2 4 4 -> 2. */
    assert_true(s.mad == 2);
    /* h = 0.4 and 3.6 over 1 3 5 7 9. */
    assert_near(s.p10, 1.8);
    assert_near(s.p90, 8.2);
}

static void median_of_even_count_is_the_mean_of_the_middle_two(void **state)
{
    (void)state;
    double samples[] = {4, 1, 3, 2};
    bench_stat s = bench_stat_compute(samples, N(samples));
    assert_true(s.median == 2.5);
    /* Deviations: 1.5, 1.5, 0.5, 0.5 -> 0.5 0.5 1.5 1.5 -> 1. */
    assert_true(s.mad == 1.0);
    assert_true(s.min == 1);
    assert_true(s.max == 4);
    /* h = 0.3: 1 + 0.3; h = 2.7: 3 + 0.7. */
    assert_near(s.p10, 1.3);
    assert_near(s.p90, 3.7);
}

/* Timing samples look like this: a tight cluster and one slow outlier. */
static void mad_ignores_an_outlier(void **state)
{
    (void)state;
    double samples[] = {1.0e-6, 1.25e-6, 1.0e-6, 0.75e-6, 1.0e-6, 1.25e-6, 9.0e-6};
    bench_stat s = bench_stat_compute(samples, N(samples));
    assert_int_equal(s.samples, 7);
    assert_true(s.median == 1.0e-6);
    /* Deviations: 0 .25 0 .25 0 .25 8 (e-6) -> 0 0 0 .25 .25 .25 8 -> .25e-6. */
    assert_near(s.mad, 0.25e-6);
    assert_true(s.min == 0.75e-6);
    assert_true(s.max == 9.0e-6);
}

static void equal_samples_have_no_spread(void **state)
{
    (void)state;
    double samples[] = {3.5, 3.5, 3.5, 3.5, 3.5, 3.5};
    bench_stat s = bench_stat_compute(samples, N(samples));
    assert_true(s.median == 3.5);
    assert_true(s.mad == 0);
    assert_true(s.p10 == 3.5);
    assert_true(s.p90 == 3.5);
}

static void one_sample_is_every_statistic(void **state)
{
    (void)state;
    double samples[] = {2.5};
    bench_stat s = bench_stat_compute(samples, 1);
    assert_true(s.ok);
    assert_int_equal(s.samples, 1);
    assert_true(s.median == 2.5 && s.min == 2.5 && s.max == 2.5 && s.p10 == 2.5 && s.p90 == 2.5);
    assert_true(s.mad == 0);
}

static void no_samples_is_not_ok(void **state)
{
    (void)state;
    bench_stat s = bench_stat_compute(NULL, 0);
    assert_false(s.ok);
    assert_int_equal(s.samples, 0);
}

/* Ten samples 1..10: the percentiles land between ranks. */
static void percentiles_of_ten(void **state)
{
    (void)state;
    double samples[] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    bench_stat s = bench_stat_compute(samples, N(samples));
    assert_true(s.median == 5.5);
    assert_near(s.p10, 1.9);    /* h = 0.9 */
    assert_near(s.p90, 9.1);    /* h = 8.1 */
    /* |x - 5.5|: 0.5 0.5 1.5 1.5 2.5 2.5 3.5 3.5 4.5 4.5 -> median 2.5. */
    assert_true(s.mad == 2.5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quantile_of_nothing_is_zero),
        cmocka_unit_test(quantile_of_one_sample_is_it),
        cmocka_unit_test(quantile_interpolates_between_ranks),
        cmocka_unit_test(median_of_odd_count_is_the_middle),
        cmocka_unit_test(median_of_even_count_is_the_mean_of_the_middle_two),
        cmocka_unit_test(mad_ignores_an_outlier),
        cmocka_unit_test(equal_samples_have_no_spread),
        cmocka_unit_test(one_sample_is_every_statistic),
        cmocka_unit_test(no_samples_is_not_ok),
        cmocka_unit_test(percentiles_of_ten),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
