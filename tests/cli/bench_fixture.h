/*
 * A fixed, synthetic result of wirekit bench for the tests of its writers,
 * chart and comparison: every number is chosen, none is timed, so the
 * reports it makes can be compared with golden files under
 * tests/data/bench/. Also: reading and comparing golden files.
 */
#ifndef WIREKIT_TESTS_BENCH_FIXTURE_H
#define WIREKIT_TESTS_BENCH_FIXTURE_H

#include "cli/bench.h"

/*
 * Three formats (json, msgpack, xml) and four files: one message whose path
 * needs escaping in every output form, a JSON Lines stream of 3 messages
 * that xml cannot carry, a MessagePack file that JSON cannot carry
 * losslessly, and a file that failed to decode (left out of reports).
 */
void bench_fixture_result(bench_result *r);

/* The path of a file under tests/data/bench/. */
void bench_fixture_path(char *out, size_t cap, const char *name);

/*
 * Fails the test unless `len` bytes of `data` equal the golden file `name`;
 * with WK_UPDATE_GOLDEN=1 in the environment, writes the file instead.
 */
void bench_fixture_golden(const char *name, const void *data, size_t len);

/* Reads a file under tests/data/bench/ into out (which it initialises). */
void bench_fixture_read(const char *name, wk_buf *out);

#endif
