/*
 * The measurement engine of wirekit bench: one format on the messages of one
 * file.
 *
 * First, every message is encoded and decoded back, and the result must
 * equal the message exactly (wk_value_equal); a format that cannot carry
 * one says why, and is not timed. The encodings give the size, and, back to
 * back, the compressed sizes (zlib level 6 with compress2, zstd level 3
 * with ZSTD_compress).
 *
 * Then each operation (encode, decode to the model, the backend's
 * parse-only) is timed over all the file's messages, in batches: a batch
 * size is calibrated to take at least a fiftieth of the measuring time (and
 * a millisecond), a warm-up runs for a fifth of it, and batches are then
 * sampled until the measuring time has passed and BENCH_MIN_SAMPLES were
 * taken. A sample is the batch's time divided by the messages it handled.
 */
#define _POSIX_C_SOURCE 200809L
#include "bench.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#ifndef WK_BUILD_TYPE
#define WK_BUILD_TYPE "unknown"
#endif

#define BENCH_MIN_SAMPLES 7
#define BENCH_MAX_SAMPLES 2000

/* What one timed operation works on. */
typedef struct measure_job {
    bench_op op;
    const wk_format *fmt;
    const wk_value *const *msgs;
    size_t n;
    const wk_buf *encoded;      /* every message's encoding, back to back */
    const size_t *ends;         /* where each ends in it */
    wk_buf *scratch;
    wk_arena *arena;
    const bench_settings *s;
} measure_job;

static double measure_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Runs the operation over every message, `times` times. */
static bool measure_run(const measure_job *j, size_t times)
{
    for (size_t k = 0; k < times; k++) {
        size_t start = 0;
        for (size_t m = 0; m < j->n; m++) {
            const uint8_t *bytes = j->encoded->data + start;
            size_t len = j->ends[m] - start;
            start = j->ends[m];
            wk_code rc;
            const wk_value *v;
            switch (j->op) {
            case BENCH_ENCODE:
                wk_buf_clear(j->scratch);
                rc = wk_encode(j->fmt, j->msgs[m], &j->s->eopts, j->scratch, NULL);
                break;
            case BENCH_DECODE:
                wk_arena_reset(j->arena);
                rc = wk_decode(j->fmt, bytes, len, &j->s->dopts, j->arena, &v, NULL);
                break;
            default:
                rc = wk_parse_only(j->fmt, bytes, len, &j->s->dopts, NULL);
                break;
            }
            if (rc != WK_OK) return false;
        }
    }
    return true;
}

static bench_stat measure_op(const measure_job *j)
{
    static const char *const labels[BENCH_OPS] = {"encode", "decode", "parse-only"};
    bench_stat failed = {0};
    const bench_settings *s = j->s;
    if (s->progress) s->progress(s->progress_ctx, j->fmt->name, labels[j->op]);

    double target = s->min_time / 50 > 1e-3 ? s->min_time / 50 : 1e-3;
    size_t batch = 1;
    for (;;) {
        double t0 = measure_now();
        if (!measure_run(j, batch)) return failed;
        double t = measure_now() - t0;
        if (t >= target || batch >= ((size_t)1 << 30)) break;
        size_t grow = t > 0 ? (size_t)(target / t * 1.2) + 1 : 16;
        batch *= grow < 2 ? 2 : (grow > 16 ? 16 : grow);
    }
    /* Warm-up: a fifth of the measuring time, so that caches and the allocator settle. */
    double warm_end = measure_now() + s->min_time / 5;
    while (measure_now() < warm_end)
        if (!measure_run(j, batch)) return failed;

    double *samples = malloc(BENCH_MAX_SAMPLES * sizeof *samples);
    if (!samples) return failed;
    size_t n = 0;
    double per = (double)batch * (double)j->n;
    double start = measure_now();
    while (n < BENCH_MAX_SAMPLES && (n < BENCH_MIN_SAMPLES || measure_now() - start < s->min_time)) {
        double t0 = measure_now();
        if (!measure_run(j, batch)) {
            free(samples);
            return failed;
        }
        samples[n++] = (measure_now() - t0) / per;
    }
    bench_stat st = bench_stat_compute(samples, n);
    free(samples);
    return st;
}

static void measure_fail(bench_cell *c, size_t n, size_t index, const char *why, const char *detail)
{
    char where[48] = "";
    if (n > 1) snprintf(where, sizeof where, "message %zu: ", index + 1);
    c->ok = false;
    snprintf(c->why, sizeof c->why, "%s%s%s%s", where, why, detail && *detail ? ": " : "",
             detail ? detail : "");
}

static bool measure_compress(bench_cell *c, const wk_buf *encoded)
{
    uLongf zlen = compressBound((uLong)encoded->len);
    size_t zstd_cap = ZSTD_compressBound(encoded->len);
    size_t cap = zlen > zstd_cap ? zlen : zstd_cap;
    uint8_t *out = malloc(cap ? cap : 1);
    if (!out) return false;
    bool ok = compress2(out, &zlen, encoded->data, (uLong)encoded->len, BENCH_ZLIB_LEVEL) == Z_OK;
    if (ok) c->zlib_bytes = zlen;
    size_t zs = ok ? ZSTD_compress(out, zstd_cap, encoded->data, encoded->len, BENCH_ZSTD_LEVEL) : 0;
    if (ok && ZSTD_isError(zs)) ok = false;
    if (ok) c->zstd_bytes = zs;
    free(out);
    return ok;
}

void bench_measure_cell(const bench_settings *s, const wk_format *f, const wk_value *const *msgs,
                        size_t n, bool timed, bench_cell *c)
{
    memset(c, 0, sizeof *c);
    wk_buf encoded, scratch;
    wk_buf_init(&encoded);
    wk_buf_init(&scratch);
    wk_arena *arena = wk_arena_new(0);
    size_t *ends = malloc((n ? n : 1) * sizeof *ends);
    wk_status st;
    if (!arena || !ends) {
        measure_fail(c, 1, 0, "out of memory", NULL);
        goto done;
    }
    for (size_t m = 0; m < n; m++) {
        size_t start = encoded.len;
        if (wk_encode(f, msgs[m], &s->eopts, &encoded, &st) != WK_OK) {
            measure_fail(c, n, m, "cannot encode", st.msg);
            goto done;
        }
        ends[m] = encoded.len;
        const wk_value *back;
        wk_arena_reset(arena);
        if (wk_decode(f, encoded.data + start, encoded.len - start, &s->dopts, arena, &back, &st) != WK_OK) {
            measure_fail(c, n, m, "cannot decode its own encoding", st.msg);
            goto done;
        }
        if (!wk_value_equal(msgs[m], back)) {
            measure_fail(c, n, m, "not lossless", "the decoded value differs from the message");
            goto done;
        }
        c->arena_bytes += wk_arena_used(arena);
    }
    c->bytes = encoded.len;
    if (!measure_compress(c, &encoded)) {
        measure_fail(c, 1, 0, "cannot compress", "zlib or zstd failed");
        goto done;
    }
    c->ok = true;
    if (!timed || n == 0) goto done;

    measure_job job = {BENCH_ENCODE, f, msgs, n, &encoded, ends, &scratch, arena, s};
    for (int op = 0; op < BENCH_OPS; op++) {
        job.op = (bench_op)op;
        c->op[op] = measure_op(&job);
    }
done:
    free(ends);
    wk_arena_free(arena);
    wk_buf_destroy(&encoded);
    wk_buf_destroy(&scratch);
}

/* ---- the machine ---- */

static void measure_cpu(char *out, size_t cap)
{
    /* x86 names the model; ARM kernels name "Hardware" or only the parts. */
    static const char *const keys[] = {"model name", "Hardware", "Processor", "cpu model", NULL};
    snprintf(out, cap, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char line[256];
    bool found = false;
    for (const char *const *key = keys; *key && !found; key++) {
        rewind(f);
        size_t klen = strlen(*key);
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, *key, klen) != 0 || (line[klen] != ' ' && line[klen] != '\t' && line[klen] != ':'))
                continue;
            const char *colon = strchr(line, ':');
            if (!colon) continue;
            colon++;
            while (*colon == ' ' || *colon == '\t') colon++;
            size_t len = strcspn(colon, "\n");
            while (len && colon[len - 1] == ' ') len--;
            if (!len) continue;
            snprintf(out, cap, "%.*s", (int)len, colon);
            found = true;
            break;
        }
    }
    fclose(f);
}

void bench_env_detect(bench_env *env)
{
    memset(env, 0, sizeof *env);
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm)) strftime(env->date, sizeof env->date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    measure_cpu(env->cpu, sizeof env->cpu);
    env->cores = sysconf(_SC_NPROCESSORS_ONLN);
#if defined(__clang__)
    snprintf(env->compiler, sizeof env->compiler, "clang %s", __clang_version__);
#elif defined(__GNUC__)
    snprintf(env->compiler, sizeof env->compiler, "gcc %s", __VERSION__);
#else
    snprintf(env->compiler, sizeof env->compiler, "unknown compiler");
#endif
    /* Numbers from a sanitized build mean little: say so with the build type. */
#if defined(__SANITIZE_ADDRESS__)
    snprintf(env->build_type, sizeof env->build_type, "%s, sanitizers", WK_BUILD_TYPE[0] ? WK_BUILD_TYPE : "unknown");
#else
    snprintf(env->build_type, sizeof env->build_type, "%s", WK_BUILD_TYPE[0] ? WK_BUILD_TYPE : "unknown");
#endif
    snprintf(env->wirekit, sizeof env->wirekit, "%s", wk_version());
    snprintf(env->zlib, sizeof env->zlib, "%s", zlibVersion());
    snprintf(env->zstd, sizeof env->zstd, "%s", ZSTD_versionString());
}
