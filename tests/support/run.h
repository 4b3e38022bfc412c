/*
 * tests/support/run.h: running a program (the built wirekit by default)
 * the way a user would, and capturing what it prints.
 */
#ifndef WIREKIT_TESTS_SUPPORT_RUN_H
#define WIREKIT_TESTS_SUPPORT_RUN_H

#include <stddef.h>

typedef struct wkt_run_opts {
    const char *program;      /* NULL: the built wirekit (WK_CLI_PATH), whose sanitizer
                               * reports fail the test; else a name looked up in PATH */
    const char *cwd;          /* the folder to run in; NULL: this one */
    const void *in;           /* standard input, in_len bytes; NULL: in_path, else /dev/null */
    size_t in_len;
    const char *in_path;      /* standard input from this file */
    const char *out_path;     /* standard output to this file instead of captured */
    unsigned long fsize_max;  /* when not 0: RLIMIT_FSIZE, with SIGXFSZ ignored (writes fail with EFBIG) */
} wkt_run_opts;

typedef struct wkt_result {
    int status;               /* exit status, or 128 + the signal that ended it */
    char *out;                /* standard output, NUL-terminated ("" when sent to out_path) */
    size_t out_len;
    char *err;                /* standard error, NUL-terminated */
    size_t err_len;
} wkt_result;

/* Runs the program with args (NULL-terminated, without argv[0]); fails the test if it cannot. */
wkt_result wkt_run(const wkt_run_opts *opts, const char *const *args);

void wkt_result_free(wkt_result *r);

#endif
