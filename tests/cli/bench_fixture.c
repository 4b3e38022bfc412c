/* The synthetic bench result and golden files (see bench_fixture.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "bench_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef WK_SOURCE_DIR
#error "WK_SOURCE_DIR must name the source tree"
#endif

/* Nanoseconds in, seconds out: the writers print them back as these numbers. */
static bench_stat fixture_stat(double median, double mad, double min, double p10, double p90, double max,
                               uint64_t samples)
{
    bench_stat s = {true, samples, median / 1e9, mad / 1e9, min / 1e9, p10 / 1e9, p90 / 1e9, max / 1e9};
    return s;
}

static void fixture_ok(bench_cell *c, uint64_t bytes, uint64_t zlib, uint64_t zstd, uint64_t arena)
{
    memset(c, 0, sizeof *c);
    c->ok = true;
    c->bytes = bytes;
    c->zlib_bytes = zlib;
    c->zstd_bytes = zstd;
    c->arena_bytes = arena;
}

static void fixture_fail(bench_cell *c, const char *why)
{
    memset(c, 0, sizeof *c);
    snprintf(c->why, sizeof c->why, "%s", why);
}

static char *fixture_strdup(const char *s)
{
    char *copy = malloc(strlen(s) + 1);
    assert_non_null(copy);
    strcpy(copy, s);
    return copy;
}

void bench_fixture_result(bench_result *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->env.date, sizeof r->env.date, "2024-03-14T09:26:53Z");
    snprintf(r->env.cpu, sizeof r->env.cpu, "Example CPU 9000 @ 3.00GHz");
    r->env.cores = 8;
    snprintf(r->env.compiler, sizeof r->env.compiler, "gcc 12.2.0");
    snprintf(r->env.build_type, sizeof r->env.build_type, "Release");
    snprintf(r->env.wirekit, sizeof r->env.wirekit, "0.1.0");
    snprintf(r->env.zlib, sizeof r->env.zlib, "1.2.13");
    snprintf(r->env.zstd, sizeof r->env.zstd, "1.5.4");
    snprintf(r->command, sizeof r->command, "wirekit bench --min-time 0.5 corpus/");
    r->min_time = 0.5;
    r->nformats = 3;
    snprintf(r->formats[0].name, sizeof r->formats[0].name, "json");
    snprintf(r->formats[0].backend, sizeof r->formats[0].backend, "yajl 2.1.0");
    snprintf(r->formats[1].name, sizeof r->formats[1].name, "msgpack");
    snprintf(r->formats[1].backend, sizeof r->formats[1].backend, "msgpack-c 4.0.0");
    snprintf(r->formats[2].name, sizeof r->formats[2].name, "xml");
    snprintf(r->formats[2].backend, sizeof r->formats[2].backend, "libxml2 2.9.14");

    r->nentries = 4;
    r->entries = calloc(r->nentries, sizeof *r->entries);
    assert_non_null(r->entries);

    /* A file name with every character some output form must escape. */
    bench_entry *e = &r->entries[0];
    e->path = fixture_strdup("corpus/odd/a \"b\", c & <d>|e.json");
    snprintf(e->source, sizeof e->source, "json");
    e->messages = 1;
    e->source_bytes = 1681;
    e->json_bytes = 1680;
    fixture_ok(&e->cells[0], 1680, 812, 790, 4096);
    e->cells[0].op[BENCH_ENCODE] = fixture_stat(2000, 20, 1950, 1960, 2100, 2500, 50);
    e->cells[0].op[BENCH_DECODE] = fixture_stat(4000, 40, 3900, 3950, 4200, 5000, 40);
    e->cells[0].op[BENCH_PARSE] = fixture_stat(3000, 30, 2900, 2950, 3100, 3500, 45);
    fixture_ok(&e->cells[1], 1344, 830, 801, 4096);
    e->cells[1].op[BENCH_ENCODE] = fixture_stat(2500, 25, 2400, 2450, 2600, 2900, 50);
    e->cells[1].op[BENCH_DECODE] = fixture_stat(800, 8, 780, 790, 850, 900, 60);
    e->cells[1].op[BENCH_PARSE] = fixture_stat(1600, 16, 1550, 1560, 1700, 1800, 55);
    fixture_ok(&e->cells[2], 3360, 900, 870, 4096);
    e->cells[2].op[BENCH_ENCODE] = fixture_stat(5000, 50, 4900, 4950, 5200, 6000, 30);
    e->cells[2].op[BENCH_DECODE] = fixture_stat(12000, 120, 11800, 11900, 12500, 13000, 20);
    e->cells[2].op[BENCH_PARSE] = fixture_stat(8000, 80, 7900, 7950, 8200, 8800, 25);

    /* A JSON Lines stream of three messages that xml cannot carry. */
    e = &r->entries[1];
    e->path = fixture_strdup("corpus/logs/records.jsonl");
    snprintf(e->source, sizeof e->source, "json");
    e->stream = true;
    e->messages = 3;
    e->source_bytes = 903;
    e->json_bytes = 900;
    fixture_ok(&e->cells[0], 900, 500, 480, 6144);
    e->cells[0].op[BENCH_ENCODE] = fixture_stat(1000, 10, 990, 995, 1020, 1100, 80);
    e->cells[0].op[BENCH_DECODE] = fixture_stat(2500, 50, 2400, 2450, 2600, 2800, 70);
    e->cells[0].op[BENCH_PARSE] = fixture_stat(1750, 35, 1700, 1710, 1800, 1900, 75);
    fixture_ok(&e->cells[1], 780, 510, 495, 6144);
    e->cells[1].op[BENCH_ENCODE] = fixture_stat(1100, 11, 1080, 1090, 1120, 1200, 80);
    e->cells[1].op[BENCH_DECODE] = fixture_stat(500, 5, 490, 495, 510, 600, 90);
    /* A parse-only that failed (msgpack-c's depth limit, say): no numbers. */
    e->cells[1].op[BENCH_PARSE].ok = false;
    fixture_fail(&e->cells[2], "message 2: cannot encode: $.message: U+001B cannot be written in XML 1.0");

    /* MessagePack with binary data, which JSON carries only as base64 text. */
    e = &r->entries[2];
    e->path = fixture_strdup("corpus/binary/chunk.msgpack");
    snprintf(e->source, sizeof e->source, "msgpack");
    e->messages = 1;
    e->source_bytes = 4767;
    e->json_bytes = 0;
    fixture_fail(&e->cells[0], "not lossless: the decoded value differs from the message");
    fixture_ok(&e->cells[1], 4767, 4771, 4777, 5944);
    e->cells[1].op[BENCH_ENCODE] = fixture_stat(1300, 13, 1290, 1295, 1310, 1400, 100);
    e->cells[1].op[BENCH_DECODE] = fixture_stat(400, 4, 395, 398, 410, 450, 100);
    e->cells[1].op[BENCH_PARSE] = fixture_stat(650, 6.5, 640, 645, 660, 700, 100);
    fixture_ok(&e->cells[2], 6800, 5200, 5150, 5944);
    e->cells[2].op[BENCH_ENCODE] = fixture_stat(9000, 90, 8900, 8950, 9100, 9900, 20);
    e->cells[2].op[BENCH_DECODE] = fixture_stat(7000, 700, 6000, 6300, 7900, 9000, 20);
    e->cells[2].op[BENCH_PARSE] = fixture_stat(5000, 50, 4900, 4950, 5100, 5500, 20);

    /* A file that could not be decoded: no report mentions it. */
    e = &r->entries[3];
    e->path = fixture_strdup("corpus/broken.json");
    e->failed = true;
}

void bench_fixture_path(char *out, size_t cap, const char *name)
{
    int n = snprintf(out, cap, "%s/tests/data/bench/%s", WK_SOURCE_DIR, name);
    assert_true(n > 0 && (size_t)n < cap);
}

void bench_fixture_read(const char *name, wk_buf *out)
{
    char path[4096];
    bench_fixture_path(path, sizeof path, name);
    wk_buf_init(out);
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open '%s'", path);
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) assert_int_equal(wk_buf_append(out, chunk, got), WK_OK);
    fclose(f);
}

void bench_fixture_golden(const char *name, const void *data, size_t len)
{
    char path[4096];
    bench_fixture_path(path, sizeof path, name);
    const char *update = getenv("WK_UPDATE_GOLDEN");
    if (update && strcmp(update, "1") == 0) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(data, 1, len, f), len);
        assert_int_equal(fclose(f), 0);
        return;
    }
    wk_buf golden;
    bench_fixture_read(name, &golden);
    if (golden.len == len && memcmp(golden.data, data, len) == 0) {
        wk_buf_destroy(&golden);
        return;
    }
    /* Say where they part: the first line that differs. */
    const char *a = (const char *)golden.data, *b = data;
    size_t i = 0, line = 1, start = 0;
    while (i < golden.len && i < len && a[i] == b[i]) {
        if (a[i] == '\n') {
            line++;
            start = i + 1;
        }
        i++;
    }
    const char *a_end = memchr(a + start, '\n', golden.len - start);
    const char *b_end = memchr(b + start, '\n', len - start);
    print_error("%s differs from the output at line %zu:\n  golden: %.*s\n  output: %.*s\n"
                "(WK_UPDATE_GOLDEN=1 rewrites the golden files)\n",
                path, line, (int)((a_end ? a_end : a + golden.len) - (a + start)), a + start,
                (int)((b_end ? b_end : b + len) - (b + start)), b + start);
    wk_buf_destroy(&golden);
    fail();
}
