/*
 * tests/support/run.c: running a program and capturing its output (see run.h).
 *
 * Both outputs go through files in a fresh folder, so that a program that
 * writes much to both never blocks on a full pipe.
 */
#define _POSIX_C_SOURCE 200809L

#include "run.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "files.h"

#ifndef WK_CLI_PATH
#error "WK_CLI_PATH must name the built wirekit binary"
#endif

#define RUN_MAX_ARGS 64

static char *run_slurp(const char *path, size_t *len)
{
    char *text = (char *)wkt_read_file(path, len);
    if (!text) fail_msg("cannot read %s", path);
    return text;
}

static void run_write(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) fail_msg("cannot write %s", path);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

wkt_result wkt_run(const wkt_run_opts *opts, const char *const *args)
{
    static const wkt_run_opts none;
    const wkt_run_opts *o = opts ? opts : &none;
    const char *tmp = getenv("TMPDIR");
    char dir[512];
    snprintf(dir, sizeof dir, "%s/wk_run_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) fail_msg("cannot make a folder in %s", tmp && *tmp ? tmp : "/tmp");
    char in_path[600], out_path[600], err_path[600];
    snprintf(in_path, sizeof in_path, "%s/in", dir);
    snprintf(out_path, sizeof out_path, "%s/out", dir);
    snprintf(err_path, sizeof err_path, "%s/err", dir);
    const char *stdin_path = "/dev/null";
    if (o->in) {
        run_write(in_path, o->in, o->in_len);
        stdin_path = in_path;
    } else if (o->in_path) {
        stdin_path = o->in_path;
    }
    const char *argv[RUN_MAX_ARGS + 2];
    size_t n = 0;
    argv[n++] = o->program ? o->program : WK_CLI_PATH;
    for (const char *const *a = args; *a; a++) {
        if (n > RUN_MAX_ARGS) fail_msg("more than %d arguments", RUN_MAX_ARGS);
        argv[n++] = *a;
    }
    argv[n] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int i = open(stdin_path, O_RDONLY);
        int out = open(o->out_path ? o->out_path : out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (i < 0 || out < 0 || err < 0 || dup2(i, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(127);
        if (o->cwd && chdir(o->cwd) != 0) _exit(127);
        if (o->fsize_max) {
            struct rlimit rl = {o->fsize_max, o->fsize_max};
            signal(SIGXFSZ, SIG_IGN);
            if (setrlimit(RLIMIT_FSIZE, &rl) != 0) _exit(126);
        }
        if (o->program) execvp(argv[0], (char *const *)argv);
        else execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    wkt_result r;
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (o->out_path) {
        r.out = calloc(1, 1);
        assert_non_null(r.out);
        r.out_len = 0;
    } else {
        r.out = run_slurp(out_path, &r.out_len);
    }
    r.err = run_slurp(err_path, &r.err_len);
    /* A sanitizer's report fails the test, whatever else it expects. */
    if (!o->program && (strstr(r.err, "Sanitizer") || strstr(r.err, "runtime error:")))
        fail_msg("wirekit reported a sanitizer error:\n%s", r.err);
    unlink(in_path);
    unlink(out_path);
    unlink(err_path);
    rmdir(dir);
    return r;
}

void wkt_result_free(wkt_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}
