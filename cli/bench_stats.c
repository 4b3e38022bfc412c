/*
 * Statistics over timing samples: the median, the median absolute deviation
 * and percentiles, all by one quantile rule (linear interpolation between
 * the closest ranks, "type 7": R's default, numpy's "linear"), so that the
 * median of an even count is the mean of the middle two.
 */
#include "bench.h"

#include <math.h>
#include <stdlib.h>

static int stats_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_quantile(const double *sorted, size_t n, double p)
{
    if (n == 0) return 0;
    if (p <= 0) return sorted[0];
    if (p >= 1) return sorted[n - 1];
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)h;
    if (lo + 1 >= n) return sorted[n - 1];
    double frac = h - (double)lo;
    return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

bench_stat bench_stat_compute(double *samples, size_t n)
{
    bench_stat s = {0};
    if (n == 0) return s;
    qsort(samples, n, sizeof *samples, stats_cmp);
    s.samples = n;
    s.min = samples[0];
    s.max = samples[n - 1];
    s.median = bench_quantile(samples, n, 0.5);
    s.p10 = bench_quantile(samples, n, 0.1);
    s.p90 = bench_quantile(samples, n, 0.9);
    for (size_t i = 0; i < n; i++) samples[i] = fabs(samples[i] - s.median);
    qsort(samples, n, sizeof *samples, stats_cmp);
    s.mad = bench_quantile(samples, n, 0.5);
    s.ok = true;
    return s;
}
