/*
 * The wirekit command-line tool, run as a process: every test starts the
 * built binary (WK_CLI_PATH) with fork/exec, feeds its standard input
 * through a pipe, captures standard output and standard error, and checks
 * the exit status and both texts exactly.
 *
 * Each test gets a fresh folder from mkdtemp under /tmp, removed by its
 * teardown. Under -DWK_SANITIZE=ON the CLI itself is sanitized: run()
 * fails any test whose child reports a sanitizer error or leak.
 *
 * Messages that come from a backend (yajl's wording, the MessagePack
 * backend's) are checked exactly where they are stable, else by their
 * shape: "FILE: error: at byte N: " and one line.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <wirekit/wirekit.h>

#ifndef WK_CLI_PATH
#error "WK_CLI_PATH must name the built wirekit binary"
#endif

/* A child that runs longer than this is killed and the test fails. */
#define RUN_DEADLINE_SECONDS 30

/* ------------------------------------------------------------------ */
/* Running the tool                                                    */
/* ------------------------------------------------------------------ */

/* What a stream of the child carried; data is NUL-terminated. */
typedef struct capture {
    char *data;
    size_t len;
} capture;

typedef struct run_opts {
    const char *cwd;   /* the child's working folder; NULL: the test's own */
    int stdout_fd;     /* the child's standard output; -1: a pipe captured in out */
    int umask_value;   /* the child's umask; -1: inherited */
    rlim_t fsize_max;  /* RLIMIT_FSIZE for the child (SIGXFSZ ignored); 0: none */
    int stderr_fd;     /* the child's standard error; -1: a pipe captured in err */
} run_opts;

static const run_opts run_defaults = {NULL, -1, -1, 0, -1};

/* A NULL-terminated argument list after the program name. */
#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void capture_clear(capture *c)
{
    free(c->data);
    c->data = NULL;
    c->len = 0;
}

static void capture_append(capture *c, const void *data, size_t len)
{
    char *grown = realloc(c->data, c->len + len + 1);
    assert_non_null(grown);
    memcpy(grown + c->len, data, len);
    c->data = grown;
    c->len += len;
    c->data[c->len] = '\0';
}

static double run_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/*
 * Runs wirekit with args, in_len bytes of in on its standard input, and
 * returns its exit status (128 + the signal number when a signal ended it).
 * out and err receive what it wrote; each is replaced, not appended to.
 */
static int run_with(const run_opts *o, const char *const *args, const void *in, size_t in_len,
                    capture *out, capture *err)
{
    char *argv[64];
    size_t argc = 0;
    argv[argc++] = (char *)WK_CLI_PATH;
    for (; args[argc - 1]; argc++) {
        assert_true(argc < 63);
        argv[argc] = (char *)args[argc - 1];
    }
    argv[argc] = NULL;

    int pin[2], pout[2], perr[2];
    assert_int_equal(pipe2(pin, O_CLOEXEC), 0);
    assert_int_equal(pipe2(pout, O_CLOEXEC), 0);
    assert_int_equal(pipe2(perr, O_CLOEXEC), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* Only async-signal-safe calls from here to exec. */
        if (dup2(pin[0], STDIN_FILENO) < 0 ||
            dup2(o->stdout_fd >= 0 ? o->stdout_fd : pout[1], STDOUT_FILENO) < 0 ||
            dup2(o->stderr_fd >= 0 ? o->stderr_fd : perr[1], STDERR_FILENO) < 0)
            _exit(126);
        signal(SIGPIPE, SIG_DFL);
        if (o->fsize_max) {
            struct rlimit rl = {o->fsize_max, o->fsize_max};
            signal(SIGXFSZ, SIG_IGN);
            if (setrlimit(RLIMIT_FSIZE, &rl) != 0) _exit(126);
        }
        if (o->umask_value >= 0) umask((mode_t)o->umask_value);
        if (o->cwd && chdir(o->cwd) != 0) _exit(126);
        execv(argv[0], argv);
        _exit(127);
    }
    close(pin[0]);
    close(pout[1]);
    close(perr[1]);

    capture_clear(out);
    capture_clear(err);
    capture_append(out, "", 0);
    capture_append(err, "", 0);

    int to_child = pin[1];
    size_t written = 0;
    if (in_len == 0) {
        close(to_child);
        to_child = -1;
    } else {
        fcntl(to_child, F_SETFL, fcntl(to_child, F_GETFL) | O_NONBLOCK);
    }
    int from_out = pout[0], from_err = perr[0];
    double deadline = run_now() + RUN_DEADLINE_SECONDS;
    while (to_child >= 0 || from_out >= 0 || from_err >= 0) {
        struct pollfd p[3] = {
            {to_child, POLLOUT, 0}, {from_out, POLLIN, 0}, {from_err, POLLIN, 0}};
        int n = poll(p, 3, 500);
        if (n < 0 && errno == EINTR) continue;
        assert_true(n >= 0);
        if (run_now() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            fail_msg("wirekit ran longer than %d s", RUN_DEADLINE_SECONDS);
        }
        if (to_child >= 0 && p[0].revents) {
            ssize_t put = write(to_child, (const char *)in + written, in_len - written);
            if (put > 0) written += (size_t)put;
            /* EPIPE: the child closed its input without reading all of it. */
            if ((put < 0 && errno != EAGAIN && errno != EINTR) || written == in_len) {
                close(to_child);
                to_child = -1;
            }
        }
        int *fds[2] = {&from_out, &from_err};
        capture *caps[2] = {out, err};
        for (int k = 0; k < 2; k++) {
            if (*fds[k] < 0 || !p[k + 1].revents) continue;
            char buf[65536];
            ssize_t got = read(*fds[k], buf, sizeof buf);
            if (got > 0) {
                capture_append(caps[k], buf, (size_t)got);
            } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
                close(*fds[k]);
                *fds[k] = -1;
            }
        }
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) assert_int_equal(errno, EINTR);
    if (strstr(err->data, "Sanitizer") || strstr(err->data, "runtime error:")) {
        print_error("wirekit reported a sanitizer error running");
        for (size_t i = 0; argv[i]; i++) print_error(" '%s'", argv[i]);
        print_error(":\n%s\n", err->data);
        fail();
    }
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

static int run(const char *const *args, const void *in, size_t in_len, capture *out, capture *err)
{
    return run_with(&run_defaults, args, in, in_len, out, err);
}

/* Standard input as a C string. */
static int run_text(const char *const *args, const char *in, capture *out, capture *err)
{
    return run(args, in, in ? strlen(in) : 0, out, err);
}

/* ------------------------------------------------------------------ */
/* Checks and files                                                    */
/* ------------------------------------------------------------------ */

/*
 * The checks are macros over *_at functions so that a failure names the
 * line of the test, not of the helper.
 */
#define assert_text(c, expected) check_text_at((c), (expected), __FILE__, __LINE__)
#define assert_bytes(c, expected, len) check_bytes_at((c), (expected), (len), __FILE__, __LINE__)
#define assert_starts_with(c, prefix) check_starts_with_at((c), (prefix), __FILE__, __LINE__)
#define assert_contains(c, needle) check_contains_at((c), (needle), true, __FILE__, __LINE__)
#define assert_lacks(c, needle) check_contains_at((c), (needle), false, __FILE__, __LINE__)
#define assert_one_line(c) check_one_line_at((c), __FILE__, __LINE__)

static void check_text_at(const capture *c, const char *expected, const char *file, int line)
{
    if (strlen(c->data) != c->len) {
        print_error("the output holds a NUL byte\n");
        _fail(file, line);
    }
    _assert_string_equal(c->data, expected, file, line);
}

static void check_bytes_at(const capture *c, const void *expected, size_t len, const char *file,
                           int line)
{
    _assert_int_equal(c->len, len, file, line);
    _assert_memory_equal(c->data, expected, len, file, line);
}

static void check_starts_with_at(const capture *c, const char *prefix, const char *file, int line)
{
    if (strncmp(c->data, prefix, strlen(prefix)) != 0) {
        print_error("expected the output to start with:\n%s\nbut it is:\n%s\n", prefix, c->data);
        _fail(file, line);
    }
}

static void check_contains_at(const capture *c, const char *needle, bool wanted, const char *file,
                              int line)
{
    if ((strstr(c->data, needle) != NULL) != wanted) {
        print_error("expected the output %s:\n%s\nbut it is:\n%s\n",
                    wanted ? "to contain" : "not to contain", needle, c->data);
        _fail(file, line);
    }
}

/* The output is exactly one line, ending in a newline. */
static void check_one_line_at(const capture *c, const char *file, int line)
{
    const char *nl = strchr(c->data, '\n');
    if (!nl || nl[1] != '\0') {
        print_error("expected exactly one line, got:\n%s\n", c->data);
        _fail(file, line);
    }
}

static void path_join(char *out, const char *dir, const char *name)
{
    int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);
    assert_true(n > 0 && n < PATH_MAX);
}

static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void write_text(const char *path, const char *text)
{
    write_bytes(path, text, strlen(text));
}

static void read_whole(const char *path, capture *c)
{
    capture_clear(c);
    capture_append(c, "", 0);
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open '%s': %s", path, strerror(errno));
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) capture_append(c, buf, got);
    fclose(f);
}

#define assert_file_bytes(path, expected, len) check_file_at((path), (expected), (len), __FILE__, __LINE__)
#define assert_file_text(path, expected) \
    check_file_at((path), (expected), strlen(expected), __FILE__, __LINE__)

static void check_file_at(const char *path, const void *expected, size_t len, const char *file,
                          int line)
{
    capture c = {0};
    read_whole(path, &c);
    bool same = c.len == len && memcmp(c.data, expected, len) == 0;
    if (!same) print_error("'%s' holds %zu bytes, not the %zu expected:\n%s\n", path, c.len, len, c.data);
    capture_clear(&c);
    if (!same) _fail(file, line);
}

static mode_t file_mode(const char *path)
{
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    return sb.st_mode & 07777;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every name in a folder (hidden ones included), sorted, joined by ','. */
#define assert_folder_holds(dir, expected) check_folder_at((dir), (expected), __FILE__, __LINE__)

static void check_folder_at(const char *dir, const char *expected, const char *file, int line)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    char *names[64];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        assert_true(n < 64);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, name_cmp);
    char list[4096] = "";
    for (size_t i = 0; i < n; i++) {
        if (i) strcat(list, ",");
        assert_true(strlen(list) + strlen(names[i]) < sizeof list - 2);
        strcat(list, names[i]);
        free(names[i]);
    }
    _assert_string_equal(list, expected, file, line);
}

/* ------------------------------------------------------------------ */
/* Fixture: a fresh folder and the captures of one test                */
/* ------------------------------------------------------------------ */

typedef struct fixture {
    char dir[64];
    capture out, err;
} fixture;

static int fixture_setup(void **state)
{
    fixture *t = calloc(1, sizeof *t);
    if (!t) return -1;
    strcpy(t->dir, "/tmp/wk-test-cli-XXXXXX");
    if (!mkdtemp(t->dir)) {
        free(t);
        return -1;
    }
    *state = t;
    return 0;
}

static int fixture_remove(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int fixture_teardown(void **state)
{
    fixture *t = *state;
    int rc = nftw(t->dir, fixture_remove, 16, FTW_DEPTH | FTW_PHYS);
    capture_clear(&t->out);
    capture_clear(&t->err);
    free(t);
    return rc;
}

/* A compact JSON document whose MessagePack form has a single encoding. */
static const char small_json[] = "{\"a\":[1,-1,\"x\"],\"b\":null,\"c\":true}";
static const uint8_t small_mp[] = {0x83, 0xa1, 'a', 0x93, 0x01, 0xff, 0xa1, 'x', 0xa1, 'b',
                                   0xc0, 0xa1, 'c', 0xc3};
#define SMALL_JSON_LINE "{\"a\":[1,-1,\"x\"],\"b\":null,\"c\":true}\n"

static void make_file(const fixture *t, const char *name, char *path, const void *data, size_t len)
{
    path_join(path, t->dir, name);
    write_bytes(path, data, len);
}

/* ------------------------------------------------------------------ */
/* The tool: help, version, commands                                   */
/* ------------------------------------------------------------------ */

#define MAIN_USAGE_LINE "Usage: wirekit COMMAND [OPTIONS] [ARGS]\n"
#define MAIN_EXIT_STATUS "\nExit status:\n  0  success\n"
#define CONVERT_USAGE_LINE "Usage: wirekit convert [OPTIONS] [FILE|-]\n"
#define BENCH_USAGE_LINE "Usage: wirekit bench [OPTIONS] PATH...\n"
#define FORMATS_USAGE_LINE "Usage: wirekit formats\n"

static void no_arguments_prints_usage_on_stderr(void **state)
{
    fixture *t = *state;
    assert_int_equal(run((const char *const[]){NULL}, NULL, 0, &t->out, &t->err), 2);
    assert_text(&t->out, "");
    assert_starts_with(&t->err, MAIN_USAGE_LINE);
    assert_contains(&t->err, MAIN_EXIT_STATUS);
    assert_contains(&t->err, "\n  3  a file could not be read or written, or memory ran out\n");
}

static void help_prints_usage_on_stdout(void **state)
{
    fixture *t = *state;
    const char *forms[] = {"--help", "-h", "help"};
    capture first = {0};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(run_text(ARGS(forms[i]), NULL, &t->out, &t->err), 0);
        assert_text(&t->err, "");
        assert_starts_with(&t->out, MAIN_USAGE_LINE);
        assert_contains(&t->out, MAIN_EXIT_STATUS);
        assert_contains(&t->out, "\n  convert ");
        assert_contains(&t->out, "\n  bench ");
        assert_contains(&t->out, "\n  formats ");
        if (i == 0) capture_append(&first, t->out.data, t->out.len);
        else assert_text(&t->out, first.data);
    }
    capture_clear(&first);
}

static void help_command_prints_the_command_help(void **state)
{
    fixture *t = *state;
    assert_int_equal(run_text(ARGS("help", "convert"), NULL, &t->out, &t->err), 0);
    assert_text(&t->err, "");
    assert_starts_with(&t->out, CONVERT_USAGE_LINE);
    assert_contains(&t->out, "\nExit status: 0 converted; 1 invalid input");
    capture help = {0};
    capture_append(&help, t->out.data, t->out.len);
    assert_int_equal(run_text(ARGS("convert", "--help"), NULL, &t->out, &t->err), 0);
    assert_text(&t->out, help.data);
    capture_clear(&help);

    assert_int_equal(run_text(ARGS("help", "bench"), NULL, &t->out, &t->err), 0);
    assert_starts_with(&t->out, BENCH_USAGE_LINE);
    assert_int_equal(run_text(ARGS("help", "formats"), NULL, &t->out, &t->err), 0);
    assert_starts_with(&t->out, FORMATS_USAGE_LINE);

    assert_int_equal(run_text(ARGS("help", "nope"), NULL, &t->out, &t->err), 2);
    assert_text(&t->out, "");
    assert_text(&t->err, "wirekit: error: unknown command 'nope'\nTry 'wirekit --help'.\n");
}

static void version_names_wirekit_and_backends(void **state)
{
    fixture *t = *state;
    const char *forms[] = {"--version", "-V"};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(run_text(ARGS(forms[i]), NULL, &t->out, &t->err), 0);
        assert_text(&t->err, "");
        assert_starts_with(&t->out, "wirekit 0.1.0\n");
        assert_contains(&t->out, "\n  json     yajl ");
        assert_contains(&t->out, "\n  msgpack  ");
    }
}

static void unknown_command_is_usage_error(void **state)
{
    fixture *t = *state;
    assert_int_equal(run_text(ARGS("x"), NULL, &t->out, &t->err), 2);
    assert_text(&t->out, "");
    assert_text(&t->err, "wirekit: error: unknown command 'x'\nTry 'wirekit --help'.\n");
    /* An option before any command is not a command either. */
    assert_int_equal(run_text(ARGS("--pretty"), NULL, &t->out, &t->err), 2);
    assert_text(&t->err, "wirekit: error: unknown command '--pretty'\nTry 'wirekit --help'.\n");
}

static void formats_lists_json_and_msgpack(void **state)
{
    fixture *t = *state;
    assert_int_equal(run_text(ARGS("formats"), NULL, &t->out, &t->err), 0);
    assert_text(&t->err, "");
    assert_starts_with(&t->out, "json (text, yajl ");
    assert_contains(&t->out, "\n  extensions:   .json\n");
    assert_contains(&t->out, "\nmsgpack (binary, ");
    assert_contains(&t->out, "\n  aliases:      mp");
    assert_contains(&t->out, "\n  extensions:   .msgpack");

    assert_int_equal(run_text(ARGS("formats", "extra"), NULL, &t->out, &t->err), 2);
    assert_text(&t->out, "");
    assert_text(&t->err, "wirekit: error: unexpected argument 'extra'\n"
                         "Try 'wirekit formats --help'.\n");
}

static void every_subcommand_has_help(void **state)
{
    fixture *t = *state;
    const struct {
        const char *cmd, *first_line;
        bool exit_status;
    } cmds[] = {
        {"convert", CONVERT_USAGE_LINE, true},
        {"bench", BENCH_USAGE_LINE, true},
        {"formats", FORMATS_USAGE_LINE, false},
    };
    for (size_t i = 0; i < 3; i++) {
        const char *flags[] = {"--help", "-h"};
        for (size_t k = 0; k < 2; k++) {
            assert_int_equal(run_text(ARGS(cmds[i].cmd, flags[k]), NULL, &t->out, &t->err), 0);
            assert_text(&t->err, "");
            assert_starts_with(&t->out, cmds[i].first_line);
            if (cmds[i].exit_status) assert_contains(&t->out, "\nExit status: 0 ");
        }
    }
    /* --help wins over everything else on the line, even a bad option. */
    assert_int_equal(run_text(ARGS("convert", "--to", "nope", "--help"), NULL, &t->out, &t->err), 0);
    assert_starts_with(&t->out, CONVERT_USAGE_LINE);
}

/* ------------------------------------------------------------------ */
/* convert                                                             */
/* ------------------------------------------------------------------ */

static void convert_json_file_to_msgpack_file_and_back(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX], mp[PATH_MAX];
    make_file(t, "order.json", in, small_json, strlen(small_json));
    path_join(mp, t->dir, "order.mp");

    /* The output format comes from -o's extension. */
    assert_int_equal(run_text(ARGS("convert", in, "-o", mp), NULL, &t->out, &t->err), 0);
    assert_text(&t->out, "");
    assert_text(&t->err, "");
    assert_file_bytes(mp, small_mp, sizeof small_mp);
    assert_folder_holds(t->dir, "order.json,order.mp");

    /* The input format comes from the .mp extension. */
    assert_int_equal(run_text(ARGS("convert", mp, "--to", "json"), NULL, &t->out, &t->err), 0);
    assert_text(&t->err, "");
    assert_text(&t->out, SMALL_JSON_LINE);
}

static void convert_round_trip_keeps_every_kind(void **state)
{
    fixture *t = *state;
    static const char doc[] =
        "{\"s\":\"Ada \xc3\xa9\\u0001\",\"n\":-3,\"u\":18446744073709551615,"
        "\"i\":-9223372036854775808,\"d\":0.1,\"f\":1.0,\"e\":1e300,\"t\":true,"
        "\"l\":[1,\"two\",null,false],\"o\":{\"x\":{}},\"a\":[]}";
    char in[PATH_MAX], mp[PATH_MAX];
    make_file(t, "kinds.json", in, doc, strlen(doc));
    path_join(mp, t->dir, "kinds.msgpack");
    assert_int_equal(run_text(ARGS("convert", in, "--output", mp), NULL, &t->out, &t->err), 0);
    assert_text(&t->err, "");
    assert_int_equal(run_text(ARGS("convert", mp, "--to=json"), NULL, &t->out, &t->err), 0);
    assert_text(&t->err, "");
    char expected[sizeof doc + 1];
    snprintf(expected, sizeof expected, "%s\n", doc);
    assert_text(&t->out, expected);
}

static void convert_pretty_indents_json(void **state)
{
    fixture *t = *state;
    assert_int_equal(run_text(ARGS("convert", "--from", "json", "--to", "json", "--pretty"),
                              "{\"a\":[1,2.5,\"x\"],\"b\":null,\"c\":{},\"d\":[]}", &t->out, &t->err),
                     0);
    assert_text(&t->err, "");
    assert_text(&t->out,
                "{\n"
                "  \"a\": [\n"
                "    1,\n"
                "    2.5,\n"
                "    \"x\"\n"
                "  ],\n"
                "  \"b\": null,\n"
                "  \"c\": {},\n"
                "  \"d\": []\n"
                "}\n");
    /* --pretty means nothing to a binary format: the bytes are the same. */
    assert_int_equal(run_text(ARGS("convert", "--from", "json", "--to", "mp", "--pretty"), small_json,
                              &t->out, &t->err),
                     0);
    assert_bytes(&t->out, small_mp, sizeof small_mp);
}

static void convert_reads_stdin(void **state)
{
    fixture *t = *state;
    static const char spaced[] = "  { \"a\" : [ 1 , -1 , \"x\" ] , \"b\" : null , \"c\" : true }\n";
    /* "-" names standard input. */
    assert_int_equal(run_text(ARGS("convert", "-", "--from", "json", "--to", "json"), spaced, &t->out,
                              &t->err),
                     0);
    assert_text(&t->err, "");
    assert_text(&t->out, SMALL_JSON_LINE);
    /* No file at all means standard input too. */
    assert_int_equal(run_text(ARGS("convert", "--from", "json", "--to", "json"), spaced, &t->out,
                              &t->err),
                     0);
    assert_text(&t->out, SMALL_JSON_LINE);
    /* Without --from the bytes say what they are. */
    assert_int_equal(run_text(ARGS("convert", "--to", "msgpack"), spaced, &t->out, &t->err), 0);
    assert_text(&t->err, "");
    assert_bytes(&t->out, small_mp, sizeof small_mp);
    assert_int_equal(run(ARGS("convert", "-", "--to", "json"), small_mp, sizeof small_mp, &t->out,
                         &t->err),
                     0);
    assert_text(&t->out, SMALL_JSON_LINE);
}

static void convert_input_format_by_name_alias_media_type(void **state)
{
    fixture *t = *state;
    const char *mp_names[] = {"msgpack", "mp", "MessagePack", "application/msgpack",
                              "application/x-msgpack", ".mpk", "mpk"};
    for (size_t i = 0; i < sizeof mp_names / sizeof *mp_names; i++) {
        assert_int_equal(run(ARGS("convert", "--from", mp_names[i], "--to", "json"), small_mp,
                             sizeof small_mp, &t->out, &t->err),
                         0);
        assert_text(&t->err, "");
        assert_text(&t->out, SMALL_JSON_LINE);
    }
    const char *json_names[] = {"json", "JSON", "application/json",
                                "application/vnd.acme.order+json; version=1.2.0", ".json"};
    for (size_t i = 0; i < sizeof json_names / sizeof *json_names; i++) {
        assert_int_equal(run_text(ARGS("convert", "--from", json_names[i], "--to", "mp"), small_json,
                                  &t->out, &t->err),
                         0);
        assert_text(&t->err, "");
        assert_bytes(&t->out, small_mp, sizeof small_mp);
    }
    /* The --name=value form. */
    assert_int_equal(run_text(ARGS("convert", "--from=application/vnd.acme.order+json; version=1.2.0",
                                   "--to=application/vnd.msgpack"),
                              small_json, &t->out, &t->err),
                     0);
    assert_bytes(&t->out, small_mp, sizeof small_mp);
}

static void convert_input_format_from_extension_or_bytes(void **state)
{
    fixture *t = *state;
    char path[PATH_MAX];
    /* Known extensions. */
    make_file(t, "m.msgpack", path, small_mp, sizeof small_mp);
    assert_int_equal(run_text(ARGS("convert", path, "--to", "json"), NULL, &t->out, &t->err), 0);
    assert_text(&t->out, SMALL_JSON_LINE);
    make_file(t, "m.JSON", path, small_json, strlen(small_json));
    assert_int_equal(run_text(ARGS("convert", path, "--to", "mp"), NULL, &t->out, &t->err), 0);
    assert_bytes(&t->out, small_mp, sizeof small_mp);

    /* No extension, or one that names no format: the bytes are sniffed. */
    make_file(t, "noext", path, small_mp, sizeof small_mp);
    assert_int_equal(run_text(ARGS("convert", path, "--to", "json"), NULL, &t->out, &t->err), 0);
    assert_text(&t->err, "");
    assert_text(&t->out, SMALL_JSON_LINE);
    make_file(t, "doc.dat", path, small_json, strlen(small_json));
    assert_int_equal(run_text(ARGS("convert", path, "--to", "mp"), NULL, &t->out, &t->err), 0);
    assert_text(&t->err, "");
    assert_bytes(&t->out, small_mp, sizeof small_mp);

    /* --from wins over the extension. */
    make_file(t, "really-json.mp", path, small_json, strlen(small_json));
    assert_int_equal(run_text(ARGS("convert", path, "--from", "json", "--to", "mp"), NULL, &t->out,
                              &t->err),
                     0);
    assert_bytes(&t->out, small_mp, sizeof small_mp);

    /* Empty input is bad data (exit 1), not bad usage. */
    assert_int_equal(run_text(ARGS("convert", "--to", "json"), "", &t->out, &t->err), 1);
    assert_text(&t->out, "");
    assert_text(&t->err, "<stdin>: error: the input is empty\n");
    /* With --from, the format's own error says where. */
    assert_int_equal(run_text(ARGS("convert", "--from", "json", "--to", "mp"), "", &t->out, &t->err), 1);
    assert_text(&t->err, "<stdin>:1:1: error: unexpected end of input\n");

    /* Bytes that look like nothing: say it with --from. */
    assert_int_equal(run_text(ARGS("convert", "--to", "json"), "hello", &t->out, &t->err), 2);
    assert_text(&t->out, "");
    assert_text(&t->err, "wirekit: error: cannot tell the format of <stdin>; say it with --from\n"
                         "Try 'wirekit convert --help'.\n");
}

static void convert_output_format_from_o_extension(void **state)
{
    fixture *t = *state;
    char out_json[PATH_MAX], out_mp[PATH_MAX];
    path_join(out_json, t->dir, "out.json");
    path_join(out_mp, t->dir, "out.mpk");
    assert_int_equal(run(ARGS("convert", "--from", "mp", "-o", out_json), small_mp, sizeof small_mp,
                         &t->out, &t->err),
                     0);
    assert_text(&t->out, "");
    assert_text(&t->err, "");
    assert_file_text(out_json, SMALL_JSON_LINE);
    assert_int_equal(run_text(ARGS("convert", "--from", "json", "-o", out_mp), small_json, &t->out,
                              &t->err),
                     0);
    assert_file_bytes(out_mp, small_mp, sizeof small_mp);
    /* --to wins over -o's extension. */
    assert_int_equal(run_text(ARGS("convert", "--from", "json", "--to", "json", "-o", out_mp),
                              small_json, &t->out, &t->err),
                     0);
    assert_file_text(out_mp, SMALL_JSON_LINE);
    assert_folder_holds(t->dir, "out.json,out.mpk");
}

#define NEED_TO_ERROR                                                                       \
    "wirekit: error: say which format to write with --to (or -o FILE with a known extension)\n" \
    "Try 'wirekit convert --help'.\n"

static void convert_without_output_format_is_usage_error(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX], out[PATH_MAX];
    make_file(t, "in.json", in, small_json, strlen(small_json));
    assert_int_equal(run_text(ARGS("convert", in), NULL, &t->out, &t->err), 2);
    assert_text(&t->out, "");
    assert_text(&t->err, NEED_TO_ERROR);
    assert_int_equal(run_text(ARGS("convert", in, "-o", "-"), NULL, &t->out, &t->err), 2);
    assert_text(&t->err, NEED_TO_ERROR);
    path_join(out, t->dir, "out.txt");
    assert_int_equal(run_text(ARGS("convert", in, "-o", out), NULL, &t->out, &t->err), 2);
    assert_text(&t->err, NEED_TO_ERROR);
    assert_folder_holds(t->dir, "in.json");
}

static void convert_unknown_format_is_usage_error(void **state)
{
    fixture *t = *state;
    assert_int_equal(run_text(ARGS("convert", "--from", "json", "--to", "yaml"), small_json, &t->out,
                              &t->err),
                     2);
    assert_text(&t->out, "");
    assert_text(&t->err, "wirekit: error: unknown output format 'yaml' (see 'wirekit formats')\n"
                         "Try 'wirekit convert --help'.\n");
    assert_int_equal(run_text(ARGS("convert", "--from", "application/yaml", "--to", "json"), small_json,
                              &t->out, &t->err),
                     2);
    assert_text(&t->err, "wirekit: error: unknown input format 'application/yaml' (see 'wirekit formats')\n"
                         "Try 'wirekit convert --help'.\n");
    assert_int_equal(run_text(ARGS("convert", "--from=", "--to", "json"), small_json, &t->out, &t->err),
                     2);
    assert_text(&t->err, "wirekit: error: unknown input format '' (see 'wirekit formats')\n"
                         "Try 'wirekit convert --help'.\n");
}

static void convert_bad_options_are_usage_errors(void **state)
{
    fixture *t = *state;
    assert_int_equal(run_text(ARGS("convert", "--bogus", "--to", "json"), small_json, &t->out, &t->err),
                     2);
    assert_text(&t->out, "");
    assert_text(&t->err, "wirekit: error: unknown option '--bogus'\nTry 'wirekit convert --help'.\n");
    assert_int_equal(run_text(ARGS("convert", "-x"), small_json, &t->out, &t->err), 2);
    assert_text(&t->err, "wirekit: error: unknown option '-x'\nTry 'wirekit convert --help'.\n");
    assert_int_equal(run_text(ARGS("convert", "--from", "json", "--to"), small_json, &t->out, &t->err),
                     2);
    assert_text(&t->err, "wirekit: error: option '--to' needs a value\nTry 'wirekit convert --help'.\n");
    assert_int_equal(run_text(ARGS("convert", "--to", "json", "-o"), small_json, &t->out, &t->err), 2);
    assert_text(&t->err, "wirekit: error: option '-o' needs a value\nTry 'wirekit convert --help'.\n");
}

static void convert_two_inputs_is_usage_error(void **state)
{
    fixture *t = *state;
    char a[PATH_MAX], b[PATH_MAX];
    make_file(t, "a.json", a, small_json, strlen(small_json));
    make_file(t, "b.json", b, small_json, strlen(small_json));
    assert_int_equal(run_text(ARGS("convert", "--to", "json", a, b), NULL, &t->out, &t->err), 2);
    assert_text(&t->out, "");
    char expected[3 * PATH_MAX];
    snprintf(expected, sizeof expected,
             "wirekit: error: one input at a time ('%s' and '%s')\nTry 'wirekit convert --help'.\n", a, b);
    assert_text(&t->err, expected);
    assert_int_equal(run_text(ARGS("convert", "--to", "json", a, "-"), NULL, &t->out, &t->err), 2);
}

static void convert_max_depth_takes_1_to_10000(void **state)
{
    fixture *t = *state;
    const char *bad[] = {"0", "abc", "99999", "10001", "", "-1", "3x", "18446744073709551616"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char expected[256];
        snprintf(expected, sizeof expected,
                 "wirekit: error: --max-depth takes a number from 1 to 10000, not '%s'\n"
                 "Try 'wirekit convert --help'.\n",
                 bad[i]);
        assert_int_equal(run_text(ARGS("convert", "--from", "json", "--to", "json", "--max-depth", bad[i]),
                                  "[1]", &t->out, &t->err),
                         2);
        assert_text(&t->out, "");
        assert_text(&t->err, expected);
    }
    assert_int_equal(run_text(ARGS("convert", "--from", "json", "--to", "json", "--max-depth", "10000"),
                              "[1]", &t->out, &t->err),
                     0);
    assert_text(&t->out, "[1]\n");
}

static void convert_max_depth_refuses_deeper_input(void **state)
{
    fixture *t = *state;
    assert_int_equal(run_text(ARGS("convert", "--from", "json", "--to", "json", "--max-depth", "3"),
                              "[[[1]]]", &t->out, &t->err),
                     0);
    assert_text(&t->err, "");
    assert_text(&t->out, "[[[1]]]\n");
    assert_int_equal(run_text(ARGS("convert", "--from", "json", "--to", "json", "--max-depth=3"),
                              "[[[[1]]]]", &t->out, &t->err),
                     1);
    assert_text(&t->out, "");
    assert_text(&t->err, "<stdin>:1:4: error: nesting deeper than the limit of 3\n");
    /* The same limit holds for binary input. */
    static const uint8_t deep_mp[] = {0x91, 0x91, 0x91, 0x91, 0x01};
    assert_int_equal(run(ARGS("convert", "--from", "mp", "--to", "json", "--max-depth", "3"), deep_mp,
                         sizeof deep_mp, &t->out, &t->err),
                     1);
    assert_text(&t->out, "");
    assert_starts_with(&t->err, "<stdin>: error: at byte 3: ");
    assert_one_line(&t->err);
}

/* ------------------------------------------------------------------ */
/* Bad data                                                            */
/* ------------------------------------------------------------------ */

static const char bad_json[] = "{\"a\": 1,\n  \"b\" 2}";
#define BAD_JSON_MESSAGE "2:7: error: object key and value must be separated by a colon (':')\n"

static void invalid_json_file_reports_line_and_column(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX];
    make_file(t, "bad.json", in, bad_json, strlen(bad_json));
    assert_int_equal(run_text(ARGS("convert", in, "--to", "mp"), NULL, &t->out, &t->err), 1);
    assert_text(&t->out, "");
    char expected[PATH_MAX + 128];
    snprintf(expected, sizeof expected, "%s:" BAD_JSON_MESSAGE, in);
    assert_text(&t->err, expected);

    /* The file is named as it was given. */
    run_opts o = run_defaults;
    o.cwd = t->dir;
    assert_int_equal(run_with(&o, ARGS("convert", "bad.json", "--to", "mp"), NULL, 0, &t->out, &t->err),
                     1);
    assert_text(&t->err, "bad.json:" BAD_JSON_MESSAGE);

    /* Columns count characters: a two-byte é before the error is one column. */
    static const char wide[] = "[\"\xc3\xa9\",\n \"\xc3\xa9\" 2]";
    assert_int_equal(run_text(ARGS("convert", "--from", "json", "--to", "json"), wide, &t->out, &t->err),
                     1);
    assert_text(&t->err, "<stdin>:2:6: error: after array element, I expect ',' or ']'\n");
}

static void invalid_json_on_stdin_is_named_stdin(void **state)
{
    fixture *t = *state;
    assert_int_equal(run_text(ARGS("convert", "--from", "json", "--to", "mp"), bad_json, &t->out, &t->err),
                     1);
    assert_text(&t->out, "");
    assert_text(&t->err, "<stdin>:" BAD_JSON_MESSAGE);
    assert_int_equal(run_text(ARGS("convert", "-", "--to", "mp"), bad_json, &t->out, &t->err), 1);
    assert_text(&t->err, "<stdin>:" BAD_JSON_MESSAGE);
}

static void invalid_msgpack_reports_byte_offset(void **state)
{
    fixture *t = *state;
    /* A fixarray of three whose third item is 0xc1, a byte MessagePack never uses. */
    static const uint8_t bad_mp[] = {0x93, 0x01, 0x02, 0xc1};
    char in[PATH_MAX];
    make_file(t, "bad.mp", in, bad_mp, sizeof bad_mp);
    assert_int_equal(run_text(ARGS("convert", in, "--to", "json"), NULL, &t->out, &t->err), 1);
    assert_text(&t->out, "");
    char prefix[PATH_MAX + 64];
    snprintf(prefix, sizeof prefix, "%s: error: at byte 3: ", in);
    assert_starts_with(&t->err, prefix);
    assert_contains(&t->err, "0xc1");
    assert_one_line(&t->err);

    assert_int_equal(run(ARGS("convert", "--from", "mp", "--to", "json"), bad_mp, sizeof bad_mp, &t->out,
                         &t->err),
                     1);
    assert_starts_with(&t->err, "<stdin>: error: at byte 3: ");
    assert_one_line(&t->err);

    /* Bytes after a whole value. */
    static const uint8_t trailing[] = {0x01, 0x02};
    assert_int_equal(run(ARGS("convert", "--from", "mp", "--to", "json"), trailing, sizeof trailing,
                         &t->out, &t->err),
                     1);
    assert_text(&t->out, "");
    assert_starts_with(&t->err, "<stdin>: error: at byte 1: ");
    assert_one_line(&t->err);
}

static void msgpack_bin_becomes_base64_string(void **state)
{
    fixture *t = *state;
    static const uint8_t bin[] = {0xc4, 0x03, 'a', 'b', 'c'};
    assert_int_equal(run(ARGS("convert", "--from", "mp", "--to", "json"), bin, sizeof bin, &t->out,
                         &t->err),
                     0);
    assert_text(&t->err, "");
    assert_text(&t->out, "\"YWJj\"\n");
    static const uint8_t in_map[] = {0x81, 0xa1, 'b', 0xc4, 0x02, 0x00, 0xff};
    assert_int_equal(run(ARGS("convert", "--from", "mp", "--to", "json"), in_map, sizeof in_map, &t->out,
                         &t->err),
                     0);
    assert_text(&t->out, "{\"b\":\"AP8=\"}\n");
}

static void msgpack_nan_cannot_be_written_as_json(void **state)
{
    fixture *t = *state;
    static const uint8_t nan[] = {0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0};
    assert_int_equal(run(ARGS("convert", "--from", "mp", "--to", "json"), nan, sizeof nan, &t->out,
                         &t->err),
                     1);
    assert_text(&t->out, "");
    assert_starts_with(&t->err, "<stdin>: error: cannot write as json: ");
    assert_one_line(&t->err);
    /* NaN is fine in MessagePack itself. */
    assert_int_equal(run(ARGS("convert", "--from", "mp", "--to", "mp"), nan, sizeof nan, &t->out,
                         &t->err),
                     0);
    assert_text(&t->err, "");
}

static void convert_json_to_xml_and_back(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX], xml[PATH_MAX];
    make_file(t, "order.json", in, small_json, strlen(small_json));
    path_join(xml, t->dir, "order.xml");
    /* The output format from -o's extension, the input's from .xml. */
    assert_int_equal(run_text(ARGS("convert", in, "-o", xml), NULL, &t->out, &t->err), 0);
    assert_text(&t->err, "");
    static const char want[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<map xmlns=\"http://www.w3.org/2005/xpath-functions\"><array key=\"a\"><number>1</number>"
        "<number>-1</number><string>x</string></array><null key=\"b\"/><boolean key=\"c\">true"
        "</boolean></map>\n";
    assert_file_bytes(xml, want, sizeof want - 1);
    assert_int_equal(run_text(ARGS("convert", xml, "--to", "json"), NULL, &t->out, &t->err), 0);
    assert_text(&t->err, "");
    assert_text(&t->out, SMALL_JSON_LINE);
    /* MessagePack's bin survives the trip through XML, byte for byte (from stdin, sniffed). */
    static const uint8_t bin[] = {0x81, 0x01, 0xc4, 0x02, 0x00, 0xff};
    assert_int_equal(run(ARGS("convert", "--from", "mp", "--to", "xml"), bin, sizeof bin, &t->out,
                         &t->err),
                     0);
    assert_text(&t->err, "");
    char back[512];
    assert_true(t->out.len < sizeof back);
    memcpy(back, t->out.data, t->out.len);
    assert_int_equal(run(ARGS("convert", "--to", "mp"), back, t->out.len, &t->out, &t->err), 0);
    assert_text(&t->err, "");
    assert_bytes(&t->out, bin, sizeof bin);
}

static void invalid_xml_reports_line_and_column(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX];
    static const char bad[] = "<map xmlns=\"http://www.w3.org/2005/xpath-functions\">\n"
                              "  <number key=\"n\">one</number>\n</map>";
    make_file(t, "bad.xml", in, bad, strlen(bad));
    assert_int_equal(run_text(ARGS("convert", in, "--to", "json"), NULL, &t->out, &t->err), 1);
    assert_text(&t->out, "");
    char expected[PATH_MAX + 128];
    snprintf(expected, sizeof expected, "%s:2:3: error: $.n: <number>: 'one' is not a number\n", in);
    assert_text(&t->err, expected);
    assert_int_equal(run_text(ARGS("convert", "--from", "xml", "--to", "json"), "<map>\n<array key=\"a\"></map>",
                              &t->out, &t->err),
                     1);
    assert_text(&t->err, "<stdin>:2:22: error: Opening and ending tag mismatch: array line 2 and map\n");
}

/* ------------------------------------------------------------------ */
/* Files                                                               */
/* ------------------------------------------------------------------ */

static void missing_input_is_io_error(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX], out[PATH_MAX];
    path_join(in, t->dir, "missing.json");
    path_join(out, t->dir, "out.mp");
    assert_int_equal(run_text(ARGS("convert", in, "-o", out), NULL, &t->out, &t->err), 3);
    assert_text(&t->out, "");
    char expected[PATH_MAX + 128];
    snprintf(expected, sizeof expected,
             "wirekit: error: cannot open '%s': No such file or directory\n", in);
    assert_text(&t->err, expected);
    assert_contains(&t->err, "cannot open");
    assert_folder_holds(t->dir, "");
}

static void output_into_missing_folder_is_io_error(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX], out[PATH_MAX];
    make_file(t, "in.json", in, small_json, strlen(small_json));
    path_join(out, t->dir, "nope/out.mp");
    assert_int_equal(run_text(ARGS("convert", in, "-o", out), NULL, &t->out, &t->err), 3);
    assert_text(&t->out, "");
    char expected[PATH_MAX + 128];
    snprintf(expected, sizeof expected,
             "wirekit: error: cannot create a temporary file beside '%s': No such file or directory\n",
             out);
    assert_text(&t->err, expected);
    assert_folder_holds(t->dir, "in.json");
}

static void failed_convert_leaves_old_output_untouched(void **state)
{
    fixture *t = *state;
    static const uint8_t old[] = {'o', 'l', 'd', 0x00, 0xff, '\n'};
    char bad[PATH_MAX], nan[PATH_MAX], out[PATH_MAX], missing[PATH_MAX];
    make_file(t, "bad.json", bad, bad_json, strlen(bad_json));
    static const uint8_t nan_mp[] = {0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0};
    make_file(t, "nan.mp", nan, nan_mp, sizeof nan_mp);
    make_file(t, "out.json", out, old, sizeof old);
    path_join(missing, t->dir, "missing.json");

    /* Invalid input. */
    assert_int_equal(run_text(ARGS("convert", bad, "-o", out), NULL, &t->out, &t->err), 1);
    assert_file_bytes(out, old, sizeof old);
    assert_folder_holds(t->dir, "bad.json,nan.mp,out.json");
    /* A value the output format cannot carry. */
    assert_int_equal(run_text(ARGS("convert", nan, "-o", out), NULL, &t->out, &t->err), 1);
    assert_contains(&t->err, "cannot write as json");
    assert_file_bytes(out, old, sizeof old);
    assert_folder_holds(t->dir, "bad.json,nan.mp,out.json");
    /* An input that cannot be read. */
    assert_int_equal(run_text(ARGS("convert", missing, "-o", out), NULL, &t->out, &t->err), 3);
    assert_file_bytes(out, old, sizeof old);
    assert_folder_holds(t->dir, "bad.json,nan.mp,out.json");
}

static void failed_write_leaves_no_temporary_file(void **state)
{
    fixture *t = *state;
    /* A document larger than the file size limit the child gets. */
    char doc[4096] = "[";
    for (int i = 0; i < 300; i++) strcat(doc, i ? ",12345" : "12345");
    strcat(doc, "]");
    char in[PATH_MAX], out[PATH_MAX];
    make_file(t, "in.json", in, doc, strlen(doc));
    make_file(t, "out.json", out, "old\n", 4);
    run_opts o = run_defaults;
    o.fsize_max = 100;
    assert_int_equal(run_with(&o, ARGS("convert", in, "-o", out), NULL, 0, &t->out, &t->err), 3);
    assert_text(&t->out, "");
    char expected[PATH_MAX + 64];
    snprintf(expected, sizeof expected, "wirekit: error: cannot write '%s': File too large\n", out);
    assert_text(&t->err, expected);
    assert_file_text(out, "old\n");
    assert_folder_holds(t->dir, "in.json,out.json");
}

static void output_replaces_file_and_keeps_its_mode(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX], out[PATH_MAX];
    make_file(t, "in.json", in, small_json, strlen(small_json));
    make_file(t, "out.mp", out, "an older and longer content than the new one\n", 45);
    assert_int_equal(chmod(out, 0640), 0);
    assert_int_equal(run_text(ARGS("convert", in, "-o", out), NULL, &t->out, &t->err), 0);
    assert_text(&t->out, "");
    assert_text(&t->err, "");
    assert_file_bytes(out, small_mp, sizeof small_mp);
    assert_int_equal(file_mode(out), 0640);
    assert_folder_holds(t->dir, "in.json,out.mp");

    /* An unusual mode is kept as well. */
    assert_int_equal(chmod(out, 0604), 0);
    assert_int_equal(run_text(ARGS("convert", in, "--to", "json", "-o", out), NULL, &t->out, &t->err), 0);
    assert_file_text(out, SMALL_JSON_LINE);
    assert_int_equal(file_mode(out), 0604);
    assert_folder_holds(t->dir, "in.json,out.mp");
}

static void new_output_file_gets_mode_from_umask(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX], a[PATH_MAX], b[PATH_MAX];
    make_file(t, "in.json", in, small_json, strlen(small_json));
    path_join(a, t->dir, "a.mp");
    path_join(b, t->dir, "b.mp");
    run_opts o = run_defaults;
    o.umask_value = 002;
    assert_int_equal(run_with(&o, ARGS("convert", in, "-o", a), NULL, 0, &t->out, &t->err), 0);
    assert_text(&t->err, "");
    assert_int_equal(file_mode(a), 0664);
    o.umask_value = 027;
    assert_int_equal(run_with(&o, ARGS("convert", in, "-o", b), NULL, 0, &t->out, &t->err), 0);
    assert_int_equal(file_mode(b), 0640);
    assert_file_bytes(b, small_mp, sizeof small_mp);
    assert_folder_holds(t->dir, "a.mp,b.mp,in.json");
}

static void relative_output_in_working_folder(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX], out[PATH_MAX];
    make_file(t, "in.json", in, small_json, strlen(small_json));
    path_join(out, t->dir, "out.mp");
    run_opts o = run_defaults;
    o.cwd = t->dir;
    assert_int_equal(run_with(&o, ARGS("convert", "in.json", "-o", "out.mp"), NULL, 0, &t->out, &t->err),
                     0);
    assert_text(&t->err, "");
    assert_file_bytes(out, small_mp, sizeof small_mp);
    /* And over the existing file. */
    assert_int_equal(run_with(&o, ARGS("convert", "in.json", "-o", "out.mp"), NULL, 0, &t->out, &t->err),
                     0);
    assert_file_bytes(out, small_mp, sizeof small_mp);
    assert_folder_holds(t->dir, "in.json,out.mp");
}

static void output_dev_stdout_is_written_through(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX];
    make_file(t, "in.json", in, small_json, strlen(small_json));
    assert_int_equal(run_text(ARGS("convert", in, "--to", "json", "-o", "/dev/stdout"), NULL, &t->out,
                              &t->err),
                     0);
    assert_text(&t->err, "");
    assert_text(&t->out, SMALL_JSON_LINE);
    assert_int_equal(run_text(ARGS("convert", in, "--to", "mp", "-o", "-"), NULL, &t->out, &t->err), 0);
    assert_bytes(&t->out, small_mp, sizeof small_mp);
    assert_folder_holds(t->dir, "in.json");
}

/*
 * -o naming the standard output when that is a regular file (the shell's
 * "> file"). /dev/fd/1 is used rather than /dev/stdout: the tests may run
 * as root, and a tool that treated /dev/stdout as a regular file to
 * replace could rename a temporary file over the system's /dev/stdout.
 */
static void output_dev_fd_to_redirected_file(void **state)
{
    fixture *t = *state;
    struct stat sb;
    if (stat("/dev/fd/1", &sb) != 0) skip();
    char in[PATH_MAX], redirected[PATH_MAX];
    make_file(t, "in.json", in, small_json, strlen(small_json));
    path_join(redirected, t->dir, "redirected.json");
    int fd = open(redirected, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    assert_true(fd >= 0);
    run_opts o = run_defaults;
    o.stdout_fd = fd;
    int rc = run_with(&o, ARGS("convert", in, "--to", "json", "-o", "/dev/fd/1"), NULL, 0, &t->out,
                      &t->err);
    close(fd);
    assert_text(&t->err, "");
    assert_int_equal(rc, 0);
    assert_file_text(redirected, SMALL_JSON_LINE);
    assert_folder_holds(t->dir, "in.json,redirected.json");
}

/* A device that refuses the bytes: the write error is reported, exit 3. */
static void write_error_is_io_error(void **state)
{
    fixture *t = *state;
    int full = open("/dev/full", O_WRONLY | O_CLOEXEC);
    if (full < 0) skip();
    char in[PATH_MAX];
    make_file(t, "in.json", in, small_json, strlen(small_json));
    assert_int_equal(run_text(ARGS("convert", in, "--to", "mp", "-o", "/dev/full"), NULL, &t->out,
                              &t->err),
                     3);
    assert_text(&t->out, "");
    assert_text(&t->err, "wirekit: error: cannot write '/dev/full': No space left on device\n");

    run_opts o = run_defaults;
    o.stdout_fd = full;
    int rc = run_with(&o, ARGS("convert", in, "--to", "json"), NULL, 0, &t->out, &t->err);
    close(full);
    assert_int_equal(rc, 3);
    assert_text(&t->err, "wirekit: error: cannot write to standard output: No space left on device\n");
    assert_folder_holds(t->dir, "in.json");
}

typedef struct fifo_reader {
    const char *path;
    capture got;
    int open_errno;
} fifo_reader;

static void *fifo_read_all(void *arg)
{
    fifo_reader *r = arg;
    int fd = open(r->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        r->open_errno = errno;
        return NULL;
    }
    char buf[4096];
    ssize_t got;
    while ((got = read(fd, buf, sizeof buf)) != 0) {
        if (got < 0) {
            if (errno == EINTR) continue;
            break;
        }
        char *grown = realloc(r->got.data, r->got.len + (size_t)got + 1);
        if (!grown) break;
        memcpy(grown + r->got.len, buf, (size_t)got);
        r->got.data = grown;
        r->got.len += (size_t)got;
    }
    close(fd);
    return NULL;
}

static void output_fifo_is_written_through(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX], fifo[PATH_MAX];
    make_file(t, "in.json", in, small_json, strlen(small_json));
    path_join(fifo, t->dir, "pipe");
    assert_int_equal(mkfifo(fifo, 0600), 0);

    fifo_reader r = {fifo, {0}, 0};
    pthread_t reader;
    assert_int_equal(pthread_create(&reader, NULL, fifo_read_all, &r), 0);
    int rc = run_text(ARGS("convert", in, "-o", fifo, "--to", "mp"), NULL, &t->out, &t->err);
    /* Should wirekit not have opened the FIFO, release the reader. */
    for (int tries = 0; pthread_tryjoin_np(reader, NULL) != 0; tries++) {
        if (tries > 500) fail_msg("the FIFO reader does not finish");
        int fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd >= 0) close(fd);
        usleep(10000);
    }
    capture got = r.got;
    assert_int_equal(r.open_errno, 0);
    assert_text(&t->err, "");
    assert_int_equal(rc, 0);
    assert_non_null(got.data);
    assert_int_equal(got.len, sizeof small_mp);
    assert_memory_equal(got.data, small_mp, sizeof small_mp);
    capture_clear(&got);
    /* Still a FIFO, and no temporary file beside it. */
    struct stat sb;
    assert_int_equal(lstat(fifo, &sb), 0);
    assert_true(S_ISFIFO(sb.st_mode));
    assert_folder_holds(t->dir, "in.json,pipe");
}

static void folder_as_input_or_output_is_io_error(void **state)
{
    fixture *t = *state;
    char sub[PATH_MAX], in[PATH_MAX], expected[PATH_MAX + 128];
    path_join(sub, t->dir, "sub.json");
    assert_int_equal(mkdir(sub, 0755), 0);
    make_file(t, "in.json", in, small_json, strlen(small_json));

    assert_int_equal(run_text(ARGS("convert", sub, "--to", "mp"), NULL, &t->out, &t->err), 3);
    assert_text(&t->out, "");
    snprintf(expected, sizeof expected, "wirekit: error: '%s' is a directory\n", sub);
    assert_text(&t->err, expected);

    assert_int_equal(run_text(ARGS("convert", in, "--to", "mp", "-o", sub), NULL, &t->out, &t->err), 3);
    snprintf(expected, sizeof expected, "wirekit: error: cannot write '%s': it is a directory\n", sub);
    assert_text(&t->err, expected);
    assert_folder_holds(t->dir, "in.json,sub.json");
    assert_folder_holds(sub, "");
}

/*
 * Reads what the terminal passed on: the kernel hands output to the master
 * side asynchronously, so wait (up to timeout_ms) for want bytes.
 */
static size_t pty_read(int master, uint8_t *buf, size_t cap, size_t want, int timeout_ms)
{
    size_t got = 0;
    double deadline = run_now() + timeout_ms / 1000.0;
    while (got < want && got < cap) {
        int left = (int)((deadline - run_now()) * 1000);
        if (left <= 0) break;
        struct pollfd p = {master, POLLIN, 0};
        if (poll(&p, 1, left) <= 0) continue;
        ssize_t n = read(master, buf + got, cap - got);
        if (n > 0) got += (size_t)n;
        else if (n < 0 && errno != EAGAIN && errno != EINTR) break;
    }
    return got;
}

static void binary_to_terminal_needs_force(void **state)
{
    fixture *t = *state;
    int master, slave;
    if (openpty(&master, &slave, NULL, NULL, NULL) != 0) skip();
    /* Raw, so that the terminal passes bytes unchanged (no \n -> \r\n). */
    struct termios tio;
    assert_int_equal(tcgetattr(slave, &tio), 0);
    cfmakeraw(&tio);
    assert_int_equal(tcsetattr(slave, TCSANOW, &tio), 0);
    fcntl(master, F_SETFD, FD_CLOEXEC);
    fcntl(slave, F_SETFD, FD_CLOEXEC);
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);

    char in[PATH_MAX];
    make_file(t, "in.json", in, small_json, strlen(small_json));
    run_opts o = run_defaults;
    o.stdout_fd = slave;
    uint8_t buf[256];

    assert_int_equal(run_with(&o, ARGS("convert", in, "--to", "msgpack"), NULL, 0, &t->out, &t->err), 2);
    assert_text(&t->err, "wirekit: error: not writing binary msgpack to a terminal "
                         "(use -o FILE, a redirection, or --force)\n"
                         "Try 'wirekit convert --help'.\n");
    /* The slave stays open here, so nothing written would be lost: nothing was. */
    assert_int_equal(pty_read(master, buf, sizeof buf, 1, 200), 0);

    const char *forces[] = {"--force", "-f"};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(run_with(&o, ARGS("convert", in, "--to", "msgpack", forces[i]), NULL, 0, &t->out,
                                  &t->err),
                         0);
        assert_text(&t->err, "");
        assert_int_equal(pty_read(master, buf, sizeof buf, sizeof small_mp + 1, 300), sizeof small_mp);
        assert_memory_equal(buf, small_mp, sizeof small_mp);
    }
    /* Text goes to a terminal without --force. */
    assert_int_equal(run_with(&o, ARGS("convert", in, "--to", "json"), NULL, 0, &t->out, &t->err), 0);
    assert_int_equal(pty_read(master, buf, sizeof buf, strlen(SMALL_JSON_LINE) + 1, 300),
                     strlen(SMALL_JSON_LINE));
    assert_memory_equal(buf, SMALL_JSON_LINE, strlen(SMALL_JSON_LINE));
    close(slave);
    close(master);
}

/* ------------------------------------------------------------------ */
/* bench                                                               */
/* ------------------------------------------------------------------ */

static void bench_help_exits_0(void **state)
{
    fixture *t = *state;
    assert_int_equal(run_text(ARGS("bench", "--help"), NULL, &t->out, &t->err), 0);
    assert_text(&t->err, "");
    assert_starts_with(&t->out, BENCH_USAGE_LINE);
    assert_contains(&t->out, "\nExit status: 0 done; 1 a message could not be decoded; 2 bad usage;\n");
}

#define BENCH_NO_PATH_ERROR \
    "wirekit: error: name at least one file or folder\nTry 'wirekit bench --help'.\n"

static void bench_without_path_is_usage_error(void **state)
{
    fixture *t = *state;
    assert_int_equal(run_text(ARGS("bench"), NULL, &t->out, &t->err), 2);
    assert_text(&t->out, "");
    assert_text(&t->err, BENCH_NO_PATH_ERROR);
}

/* Options but still no path is the same usage error. */
static void bench_options_without_path_is_usage_error(void **state)
{
    fixture *t = *state;
    assert_int_equal(run_text(ARGS("bench", "--min-time", "0.01"), NULL, &t->out, &t->err), 2);
    assert_text(&t->out, "");
    assert_text(&t->err, BENCH_NO_PATH_ERROR);
}

static void bench_bad_options_are_usage_errors(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX];
    make_file(t, "m.json", in, small_json, strlen(small_json));
    assert_int_equal(run_text(ARGS("bench", "--formats", "nope", "x"), NULL, &t->out, &t->err), 2);
    assert_text(&t->out, "");
    assert_text(&t->err, "wirekit: error: unknown format 'nope' (see 'wirekit formats')\n"
                         "Try 'wirekit bench --help'.\n");
    assert_int_equal(run_text(ARGS("bench", "--formats", "json,,mp", in), NULL, &t->out, &t->err), 2);
    assert_text(&t->err, "wirekit: error: bad format list 'json,,mp'\nTry 'wirekit bench --help'.\n");
    assert_int_equal(run_text(ARGS("bench", "--min-time", "0", in), NULL, &t->out, &t->err), 2);
    assert_text(&t->err, "wirekit: error: --min-time takes seconds between 0 and 3600, not '0'\n"
                         "Try 'wirekit bench --help'.\n");
    assert_int_equal(run_text(ARGS("bench", "--min-time=abc", in), NULL, &t->out, &t->err), 2);
    assert_text(&t->err, "wirekit: error: --min-time takes seconds between 0 and 3600, not 'abc'\n"
                         "Try 'wirekit bench --help'.\n");
    assert_int_equal(run_text(ARGS("bench", "--max-depth", "0", in), NULL, &t->out, &t->err), 2);
    assert_text(&t->err, "wirekit: error: --max-depth takes a number from 1 to 10000, not '0'\n"
                         "Try 'wirekit bench --help'.\n");
    assert_int_equal(run_text(ARGS("bench", "--nope", in), NULL, &t->out, &t->err), 2);
    assert_text(&t->err, "wirekit: error: unknown option '--nope'\nTry 'wirekit bench --help'.\n");
    assert_int_equal(run_text(ARGS("bench", in, "--min-time"), NULL, &t->out, &t->err), 2);
    assert_text(&t->err, "wirekit: error: option '--min-time' needs a value\n"
                         "Try 'wirekit bench --help'.\n");
    assert_text(&t->out, "");
}

static void bench_missing_path_is_io_error(void **state)
{
    fixture *t = *state;
    char missing[PATH_MAX], expected[PATH_MAX + 128];
    path_join(missing, t->dir, "nope");
    assert_int_equal(run_text(ARGS("bench", "--min-time", "0.01", missing), NULL, &t->out, &t->err), 3);
    assert_text(&t->out, "");
    snprintf(expected, sizeof expected, "wirekit: error: cannot open '%s': No such file or directory\n",
             missing);
    assert_text(&t->err, expected);
}

/* The line of the summary table for a format, or NULL. */
static const char *bench_summary_row(const capture *c, const char *format)
{
    const char *summary = strstr(c->data, "\nall files (");
    if (!summary) return NULL;
    char row[64];
    snprintf(row, sizeof row, "\n  %s ", format);
    const char *p = strstr(summary, row);
    return p ? p + 1 : NULL;
}

static unsigned long bench_summary_count(const capture *c, const char *format)
{
    const char *row = bench_summary_row(c, format);
    if (!row) fail_msg("no summary row for %s in:\n%s", format, c->data);
    char name[32];
    unsigned long count;
    assert_int_equal(sscanf(row, "%31s %lu", name, &count), 2);
    return count;
}

static void bench_one_json_file(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX], heading[PATH_MAX + 64];
    make_file(t, "order.json", in, small_json, strlen(small_json));
    assert_int_equal(run_text(ARGS("bench", "--min-time", "0.01", "--formats", "json", in), NULL, &t->out,
                              &t->err),
                     0);
    assert_text(&t->err, "");
    assert_starts_with(&t->out, "wirekit bench: 1 file, 1 message\n");
    snprintf(heading, sizeof heading, "\n\n%s (json, %zu bytes)\n  format ", in, strlen(small_json));
    assert_contains(&t->out, heading);
    assert_contains(&t->out, "\n  json ");
    assert_contains(&t->out, "\nall files (per format: ");
    assert_int_equal(bench_summary_count(&t->out, "json"), 1);
    /* Only the formats asked for. */
    assert_null(bench_summary_row(&t->out, "msgpack"));
    assert_lacks(&t->out, "\n  msgpack ");
    assert_lacks(&t->out, "failed");
}

/* With a schema every format reads and writes typed messages: Protocol
 * Buffers becomes measurable, and a format without a typed mapping says so. */
static void bench_with_schema_measures_protobuf(void **state)
{
    fixture *t = *state;
    static const char proto[] =
        "syntax = \"proto3\";\npackage shop;\n"
        "message Item { string sku = 1; int32 qty = 2; int64 price_cents = 3; }\n"
        "message Order { uint64 id = 1; repeated Item items = 2; bool paid = 3; double weight = 4; }\n";
    static const char order[] =
        "{\"id\":\"18446744073709551615\",\"items\":[{\"sku\":\"A-1\",\"qty\":2,"
        "\"priceCents\":\"1999\"}],\"paid\":true,\"weight\":1.25}";
    char schema[PATH_MAX], message[PATH_MAX];
    make_file(t, "shop.proto", schema, proto, strlen(proto));
    make_file(t, "order.json", message, order, strlen(order));
    assert_int_equal(run_text(ARGS("bench", "--min-time", "0.01", "--formats", "json,protobuf,msgpack", "-s",
                                   schema, "-m", "shop.Order", message),
                              NULL, &t->out, &t->err),
                     0);
    assert_text(&t->err, "");
    assert_contains(&t->out, "\n  protobuf ");
    assert_int_equal(bench_summary_count(&t->out, "protobuf"), 1);
    assert_int_equal(bench_summary_count(&t->out, "json"), 1);
    assert_int_equal(bench_summary_count(&t->out, "msgpack"), 1);
    assert_lacks(&t->out, "failed");
    /* A type the schema does not have, and -m without a schema: usage errors. */
    assert_int_equal(run_text(ARGS("bench", "-s", schema, "-m", "shop.Nope", message), NULL, &t->out, &t->err), 2);
    assert_starts_with(&t->err, "wirekit: error: no message 'shop.Nope' in ");
    assert_int_equal(run_text(ARGS("bench", "-m", "shop.Order", message), NULL, &t->out, &t->err), 2);
    assert_starts_with(&t->err, "wirekit: error: -m and -I go with a schema (-s FILE.proto)\n");
    /* Without a schema, Protocol Buffers cannot carry a message. */
    assert_int_equal(run_text(ARGS("bench", "--min-time", "0.01", "--formats", "protobuf", message), NULL, &t->out,
                              &t->err),
                     0);
    assert_contains(&t->out, "\n  protobuf cannot encode");
}

/* A folder's corpus.txt names the schema and each file's type: the files are
 * read as typed messages with no -s, Protocol Buffers included. */
static void bench_folder_corpus_txt_types_the_files(void **state)
{
    fixture *t = *state;
    static const char proto[] =
        "syntax = \"proto3\";\npackage shop;\n"
        "message Order { uint64 id = 1; bool paid = 2; }\n"
        "message Refund { string order_id = 1; int64 cents = 2; }\n";
    static const char order[] = "{\"id\":7,\"paid\":true}";
    static const char refund[] = "{\"order_id\":\"7\",\"cents\":-5}";
    char path[PATH_MAX], manifest[PATH_MAX];
    make_file(t, "shop.proto", path, proto, strlen(proto));
    make_file(t, "order-1.json", path, order, strlen(order));
    make_file(t, "refund.json", path, refund, strlen(refund));
    make_file(t, "other.json", path, "[1]", 3);
    static const char good[] = "# shop\nschema shop.proto\ntype order-* shop.Order\ntype refund.* shop.Refund\n";
    make_file(t, "corpus.txt", manifest, good, strlen(good));
    assert_int_equal(run_text(ARGS("bench", "--min-time", "0.01", "--formats", "json,protobuf", "--output", "json",
                                   t->dir),
                              NULL, &t->out, &t->err),
                     0);
    assert_text(&t->err, "");
    assert_contains(&t->out, "\"message_type\": \"shop.Order\",\n      \"stream\": false");
    assert_contains(&t->out, "\"message_type\": \"shop.Refund\",\n      \"stream\": false");
    /* other.json is named by no line: read without a schema, so no message_type and no protobuf. */
    const char *other = strstr(t->out.data, "other.json\",\n      \"source_format\": \"json\",\n      \"stream\"");
    assert_non_null(other);
    assert_non_null(strstr(other, "\"protobuf\": {\n          \"ok\": false"));
    /* -s overrides every corpus.txt. */
    char schema[PATH_MAX];
    path_join(schema, t->dir, "shop.proto");
    /* An absolute schema path stands as it is. */
    char absolute[PATH_MAX + 64];
    snprintf(absolute, sizeof absolute, "schema %s\ntype order-* shop.Order\n", schema);
    make_file(t, "corpus.txt", manifest, absolute, strlen(absolute));
    path_join(path, t->dir, "order-1.json");
    assert_int_equal(run_text(ARGS("bench", "--min-time", "0.01", "--formats", "protobuf", "--output", "json", path),
                              NULL, &t->out, &t->err),
                     0);
    assert_text(&t->err, "");
    assert_contains(&t->out, "\"message_type\": \"shop.Order\"");
    path_join(path, t->dir, "order-1.json");
    assert_int_equal(run_text(ARGS("bench", "--min-time", "0.01", "--formats", "json", "--output", "json", "-s",
                                   schema, "-m", "shop.Order", path),
                              NULL, &t->out, &t->err),
                     0);
    assert_contains(&t->out, "\"message_type\": \"shop.Order\"");
    /* A bad line fails the folder's files, with the file and line. */
    static const char bad[] = "schema shop.proto\ntype order-*\n";
    make_file(t, "corpus.txt", manifest, bad, strlen(bad));
    assert_int_equal(run_text(ARGS("bench", "--min-time", "0.01", "--formats", "json", path), NULL, &t->out,
                              &t->err),
                     1);
    char expected[PATH_MAX + 128];
    snprintf(expected, sizeof expected, "%s:2: error: 'type' takes a file pattern and a message type\n", manifest);
    assert_text(&t->err, expected);
    /* A type the schema lacks. */
    static const char missing[] = "schema shop.proto\ntype order-* shop.Nope\n";
    make_file(t, "corpus.txt", manifest, missing, strlen(missing));
    assert_int_equal(run_text(ARGS("bench", "--min-time", "0.01", "--formats", "json", path), NULL, &t->out,
                              &t->err),
                     1);
    snprintf(expected, sizeof expected, "%s: error: no message 'shop.Nope' in shop.proto\n", manifest);
    assert_text(&t->err, expected);
}

static void bench_folder_measures_message_files_only(void **state)
{
    fixture *t = *state;
    char path[PATH_MAX], sub[PATH_MAX];
    make_file(t, "README.md", path, "# corpus\n", 9);
    make_file(t, "b.json", path, "[1,2,3]", 7);
    make_file(t, "a.json", path, small_json, strlen(small_json));
    make_file(t, ".hidden.json", path, "[]", 2);
    path_join(sub, t->dir, "notes.txt");
    write_text(sub, "not a message\n");
    assert_int_equal(run_text(ARGS("bench", "--min-time", "0.01", "--formats", "json,mp", t->dir), NULL,
                              &t->out, &t->err),
                     0);
    assert_text(&t->err, "");
    assert_starts_with(&t->out, "wirekit bench: 2 files, 2 messages\n");
    char a[PATH_MAX + 64], b[PATH_MAX + 64];
    snprintf(a, sizeof a, "\n\n%s/a.json (json, %zu bytes)\n", t->dir, strlen(small_json));
    snprintf(b, sizeof b, "\n\n%s/b.json (json, 7 bytes)\n", t->dir);
    assert_contains(&t->out, a);
    assert_contains(&t->out, b);
    /* In name order. */
    assert_true(strstr(t->out.data, a) < strstr(t->out.data, b));
    assert_lacks(&t->out, "README");
    assert_lacks(&t->out, "hidden");
    assert_lacks(&t->out, "notes");
    assert_int_equal(bench_summary_count(&t->out, "json"), 2);
    assert_int_equal(bench_summary_count(&t->out, "msgpack"), 2);
}

static void bench_invalid_file_is_reported_others_measured(void **state)
{
    fixture *t = *state;
    char path[PATH_MAX], bad[PATH_MAX], expected[PATH_MAX + 128];
    make_file(t, "a.json", path, small_json, strlen(small_json));
    make_file(t, "b.json", bad, "{\"a\" 1}", 8);
    make_file(t, "c.json", path, "[1,2,3]", 7);
    assert_int_equal(run_text(ARGS("bench", "--min-time", "0.01", "--formats", "json", t->dir), NULL,
                              &t->out, &t->err),
                     1);
    snprintf(expected, sizeof expected,
             "%s:1:6: error: object key and value must be separated by a colon (':')\n", bad);
    assert_text(&t->err, expected);
    assert_starts_with(&t->out, "wirekit bench: 2 files, 2 messages\n");
    char a[PATH_MAX + 64], c[PATH_MAX + 64], b[PATH_MAX + 64];
    snprintf(a, sizeof a, "\n\n%s/a.json (json, ", t->dir);
    snprintf(b, sizeof b, "\n\n%s/b.json (json, ", t->dir);
    snprintf(c, sizeof c, "\n\n%s/c.json (json, ", t->dir);
    assert_contains(&t->out, a);
    assert_contains(&t->out, c);
    assert_lacks(&t->out, b);
    assert_int_equal(bench_summary_count(&t->out, "json"), 2);
}

/* Display width of a line: UTF-8 code points (every character here is one column wide). */
static size_t bench_line_width(const char *line)
{
    size_t width = 0;
    for (const char *p = line; *p && *p != '\n'; p++)
        if (((unsigned char)*p & 0xC0) != 0x80) width++;
    return width;
}

/*
 * The tables line up on a terminal: the header and the rows have the same
 * width, in characters (µ, ± and × are one column but two bytes).
 */
static void bench_table_columns_line_up(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX];
    make_file(t, "order.json", in, small_json, strlen(small_json));
    assert_int_equal(run_text(ARGS("bench", "--min-time", "0.01", "--formats", "json", in), NULL, &t->out,
                              &t->err),
                     0);
    const char *header = strstr(t->out.data, "\n  format bytes ");
    assert_non_null(header);
    header++;
    const char *row = strchr(header, '\n') + 1;
    assert_true(strncmp(row, "  json ", 7) == 0);
    if (bench_line_width(header) != bench_line_width(row))
        fail_msg("the message table does not line up (header %zu columns, row %zu):\n%.*s",
                 bench_line_width(header), bench_line_width(row),
                 (int)(strchr(row, '\n') - header + 1), header);

    const char *summary_header = strstr(t->out.data, "\n  format files messages ");
    assert_non_null(summary_header);
    summary_header++;
    const char *summary_row = strchr(summary_header, '\n') + 1;
    assert_true(strncmp(summary_row, "  json ", 7) == 0);
    if (bench_line_width(summary_header) != bench_line_width(summary_row))
        fail_msg("the summary table does not line up (header %zu columns, row %zu):\n%.*s",
                 bench_line_width(summary_header), bench_line_width(summary_row),
                 (int)(strchr(summary_row, '\n') - summary_header + 1), summary_header);
}

/* ------------------------------------------------------------------ */
/* Streams in convert: JSON Lines and MessagePack streams              */
/* ------------------------------------------------------------------ */

/* Three records, a blank line, a CRLF line end and white space: JSON Lines as people write it. */
static const char stream_jsonl[] = "{\"a\":1}\n\n[true,null]\r\n  \n\"x\"\n";
/* The same records as a MessagePack stream, and as the JSON Lines wirekit writes. */
static const uint8_t stream_mp[] = {0x81, 0xa1, 'a', 0x01, 0x92, 0xc3, 0xc0, 0xa1, 'x'};
#define STREAM_JSONL_OUT "{\"a\":1}\n[true,null]\n\"x\"\n"

static void convert_jsonl_to_msgpack_stream_and_back(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX], mp[PATH_MAX], back[PATH_MAX];
    make_file(t, "events.jsonl", in, stream_jsonl, strlen(stream_jsonl));
    path_join(mp, t->dir, "events.msgpack-stream");
    assert_int_equal(run_text(ARGS("convert", in, "-o", mp), NULL, &t->out, &t->err), 0);
    assert_text(&t->err, "");
    assert_text(&t->out, "");
    assert_file_bytes(mp, stream_mp, sizeof stream_mp);
    /* Back by the other extensions. */
    path_join(back, t->dir, "back.ndjson");
    assert_int_equal(run_text(ARGS("convert", mp, "-o", back), NULL, &t->out, &t->err), 0);
    assert_text(&t->err, "");
    assert_file_text(back, STREAM_JSONL_OUT);
    /* A stream name as --to says the same. */
    assert_int_equal(run_text(ARGS("convert", mp, "--to", "jsonl"), NULL, &t->out, &t->err), 0);
    assert_text(&t->out, STREAM_JSONL_OUT);
    path_join(back, t->dir, "back.mpstream");
    assert_int_equal(run_text(ARGS("convert", in, "--to", "mpstream", "-o", back), NULL, &t->out, &t->err), 0);
    assert_file_bytes(back, stream_mp, sizeof stream_mp);
}

static void convert_stream_flag_reads_stdin(void **state)
{
    fixture *t = *state;
    assert_int_equal(run_text(ARGS("convert", "--stream", "--from", "json", "--to", "msgpack"), stream_jsonl,
                              &t->out, &t->err),
                     0);
    assert_text(&t->err, "");
    assert_bytes(&t->out, stream_mp, sizeof stream_mp);
    assert_int_equal(run(ARGS("convert", "--stream", "--from", "mp", "--to", "json"), stream_mp, sizeof stream_mp,
                         &t->out, &t->err),
                     0);
    assert_text(&t->out, STREAM_JSONL_OUT);
    /* JSON Lines is recognised from the bytes; a MessagePack stream needs --from. */
    assert_int_equal(run_text(ARGS("convert", "--stream", "--to", "json"), stream_jsonl, &t->out, &t->err), 0);
    assert_text(&t->out, STREAM_JSONL_OUT);
    assert_int_equal(run(ARGS("convert", "--stream", "--to", "json"), stream_mp, sizeof stream_mp, &t->out, &t->err),
                     2);
    assert_text(&t->err, "wirekit: error: cannot tell the format of <stdin>; say it with --from\n"
                         "Try 'wirekit convert --help'.\n");
}

/* An empty stream is no error: it converts to an empty stream. */
static void convert_empty_stream_writes_nothing(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX], out[PATH_MAX];
    make_file(t, "empty.jsonl", in, "\n\n", 2);
    path_join(out, t->dir, "empty.mpstream");
    assert_int_equal(run_text(ARGS("convert", in, "-o", out), NULL, &t->out, &t->err), 0);
    assert_text(&t->err, "");
    assert_file_bytes(out, "", 0);
}

static void convert_jsonl_error_names_record_and_line(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX], out[PATH_MAX], expected[PATH_MAX + 128];
    make_file(t, "bad.jsonl", in, "{\"a\":1}\n\n{\"b\":[1,2}\n[3]\n", 25);
    path_join(out, t->dir, "out.mpstream");
    assert_int_equal(run_text(ARGS("convert", in, "-o", out), NULL, &t->out, &t->err), 1);
    snprintf(expected, sizeof expected, "%s:3:10: error: record 2: after array element, I expect ',' or ']'\n", in);
    assert_text(&t->err, expected);
    /* Nothing is written when a record fails. */
    assert_folder_holds(t->dir, "bad.jsonl");
    /* From standard input, the same with <stdin>. */
    assert_int_equal(run_text(ARGS("convert", "--stream", "--from", "json", "--to", "mp"), "[1]\nnul\n", &t->out,
                              &t->err),
                     1);
    assert_starts_with(&t->err, "<stdin>:2:1: error: record 2: ");
    assert_one_line(&t->err);
    assert_text(&t->out, "");
}

static void convert_msgpack_stream_error_names_record_and_byte(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX], expected[PATH_MAX + 128];
    /* {"a":1}, then 0xc1, a byte MessagePack never uses, at byte 4. */
    static const uint8_t bad[] = {0x81, 0xa1, 'a', 0x01, 0xc1};
    make_file(t, "bad.mpstream", in, bad, sizeof bad);
    assert_int_equal(run_text(ARGS("convert", in, "--to", "json"), NULL, &t->out, &t->err), 1);
    snprintf(expected, sizeof expected,
             "%s: error: at byte 4: record 2: $: type byte 0xc1 is never used in MessagePack\n", in);
    assert_text(&t->err, expected);
    assert_text(&t->out, "");
    /* A record cut short: the offset is from the start of the file. */
    static const uint8_t cut[] = {0x01, 0x02, 0x93, 0x01};
    make_file(t, "cut.mpstream", in, cut, sizeof cut);
    assert_int_equal(run_text(ARGS("convert", in, "--to", "json"), NULL, &t->out, &t->err), 1);
    snprintf(expected, sizeof expected, "%s: error: at byte 2: record 3: ", in);
    assert_starts_with(&t->err, expected);
    assert_one_line(&t->err);
}

/* A value the output cannot carry names its record too. */
static void convert_stream_record_output_cannot_carry(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX], expected[PATH_MAX + 128];
    /* 1, then a float64 NaN at byte 1. */
    static const uint8_t nan[] = {0x01, 0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0};
    make_file(t, "nan.mpstream", in, nan, sizeof nan);
    assert_int_equal(run_text(ARGS("convert", in, "--to", "json"), NULL, &t->out, &t->err), 1);
    snprintf(expected, sizeof expected, "%s: error: at byte 1: record 2: cannot write as json: ", in);
    assert_starts_with(&t->err, expected);
    assert_one_line(&t->err);
    assert_text(&t->out, "");
}

/* A plain .msgpack file is one value: bytes after it stay an error, never a stream. */
static void plain_msgpack_with_trailing_bytes_is_no_stream(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX];
    make_file(t, "two.msgpack", in, stream_mp, sizeof stream_mp);
    assert_int_equal(run_text(ARGS("convert", in, "--to", "json"), NULL, &t->out, &t->err), 1);
    assert_contains(&t->err, ": error: at byte 4: ");
}

static void convert_stream_usage_errors(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX];
    make_file(t, "s.jsonl", in, stream_jsonl, strlen(stream_jsonl));
    assert_int_equal(run_text(ARGS("convert", in, "--to", "json", "--pretty"), NULL, &t->out, &t->err), 2);
    assert_text(&t->err, "wirekit: error: --pretty would break JSON Lines: a record is one line\n"
                         "Try 'wirekit convert --help'.\n");
    assert_text(&t->out, "");
    /* --pretty is fine for a MessagePack stream (it changes nothing there). */
    assert_int_equal(run_text(ARGS("convert", in, "--to", "mp", "--pretty"), NULL, &t->out, &t->err), 0);
    assert_bytes(&t->out, stream_mp, sizeof stream_mp);
    assert_int_equal(run_text(ARGS("convert", "--help"), NULL, &t->out, &t->err), 0);
    assert_contains(&t->out, "\n  --stream ");
}

/* ------------------------------------------------------------------ */
/* bench: streams, output forms, files, chart, comparison, progress     */
/* ------------------------------------------------------------------ */

static void bench_stream_file_is_one_file_of_many_messages(void **state)
{
    fixture *t = *state;
    char path[PATH_MAX], heading[PATH_MAX + 128];
    make_file(t, "a.jsonl", path, stream_jsonl, strlen(stream_jsonl));
    make_file(t, "b.msgpack-stream", path, stream_mp, sizeof stream_mp);
    assert_int_equal(run_text(ARGS("bench", "--min-time", "0.01", "--formats", "json,mp", t->dir), NULL, &t->out,
                              &t->err),
                     0);
    assert_text(&t->err, "");
    assert_starts_with(&t->out, "wirekit bench: 2 files, 6 messages\n");
    snprintf(heading, sizeof heading, "\n\n%s/a.jsonl (JSON Lines, 3 messages, %zu bytes)\n  format ", t->dir,
             strlen(stream_jsonl));
    assert_contains(&t->out, heading);
    snprintf(heading, sizeof heading, "\n\n%s/b.msgpack-stream (MessagePack stream, 3 messages, %zu bytes)\n",
             t->dir, sizeof stream_mp);
    assert_contains(&t->out, heading);
    assert_int_equal(bench_summary_count(&t->out, "json"), 2);
    assert_lacks(&t->out, "failed");
}

static void bench_bad_stream_is_reported_others_measured(void **state)
{
    fixture *t = *state;
    char bad[PATH_MAX], empty[PATH_MAX], path[PATH_MAX], expected[2 * PATH_MAX + 256];
    make_file(t, "a.jsonl", bad, "[1]\n{\"b\" 2}\n", 13);
    make_file(t, "b.ndjson", empty, "\n", 1);
    make_file(t, "c.json", path, small_json, strlen(small_json));
    assert_int_equal(run_text(ARGS("bench", "--min-time", "0.01", "--formats", "json", t->dir), NULL, &t->out,
                              &t->err),
                     1);
    snprintf(expected, sizeof expected,
             "%s:2:6: error: record 2: object key and value must be separated by a colon (':')\n"
             "%s: error: the JSON Lines holds no message\n",
             bad, empty);
    assert_text(&t->err, expected);
    assert_starts_with(&t->out, "wirekit bench: 1 file, 1 message\n");
}

static void bench_output_forms(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX];
    make_file(t, "m.json", in, small_json, strlen(small_json));
    assert_int_equal(run_text(ARGS("bench", "--min-time", "0.01", "--output", "csv", in), NULL, &t->out, &t->err), 0);
    assert_text(&t->err, "");
    assert_starts_with(&t->out, "path,source_format,stream,messages,source_bytes,json_bytes,format,ok,error,bytes,");
    /* A header and one row per format. */
    size_t lines = 0;
    for (const char *p = t->out.data; *p; p++) lines += *p == '\n';
    size_t formats = 0;
    for (const wk_format *const *f = wk_formats(); *f; f++) formats++;
    assert_int_equal(lines, 1 + formats);

    assert_int_equal(run_text(ARGS("bench", "--min-time", "0.01", "--formats", "json", "--output=json", in), NULL,
                              &t->out, &t->err),
                     0);
    wk_arena *arena = wk_arena_new(0);
    const wk_value *root;
    assert_int_equal(wk_decode(wk_format_find("json"), t->out.data, t->out.len, NULL, arena, &root, NULL), WK_OK);
    const wk_value *schema = wk_map_get(root, "schema");
    assert_non_null(schema);
    assert_string_equal(schema->as.str, "wirekit-bench/1");
    const wk_value *files = wk_map_get(root, "files");
    assert_int_equal(files->len, 1);
    assert_string_equal(wk_map_get(&files->as.items[0], "path")->as.str, in);
    const wk_value *json = wk_map_get(wk_map_get(&files->as.items[0], "results"), "json");
    assert_int_equal(wk_map_get(json, "bytes")->as.i, (int64_t)strlen(small_json));
    assert_true(wk_map_get(wk_map_get(json, "decode"), "samples")->as.i >= 7);
    wk_arena_free(arena);

    assert_int_equal(run_text(ARGS("bench", "--min-time", "0.01", "--formats", "json", "--output", "markdown", in),
                              NULL, &t->out, &t->err),
                     0);
    assert_starts_with(&t->out, "# wirekit benchmarks\n\nProduced by `wirekit bench` on 1 file (1 message) with:\n\n"
                                "```sh\nwirekit bench --min-time 0.01 --formats json --output markdown ");
    assert_contains(&t->out, "\n## All files\n\n| format | files | messages | bytes |");

    assert_int_equal(run_text(ARGS("bench", "--output", "html", in), NULL, &t->out, &t->err), 2);
    assert_text(&t->err, "wirekit: error: --output takes table, csv, json or markdown, not 'html'\n"
                         "Try 'wirekit bench --help'.\n");
}

static void bench_output_file_and_chart(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX], out[PATH_MAX], chart[PATH_MAX];
    make_file(t, "m.json", in, small_json, strlen(small_json));
    path_join(out, t->dir, "report.csv");
    path_join(chart, t->dir, "chart.svg");
    assert_int_equal(run_text(ARGS("bench", "--min-time", "0.01", "--formats", "json,mp", "--output", "csv", "-o",
                                   out, "--chart", chart, in),
                              NULL, &t->out, &t->err),
                     0);
    assert_text(&t->err, "");
    assert_text(&t->out, "");
    /* Written whole, through a temporary file that is gone. */
    assert_folder_holds(t->dir, "chart.svg,m.json,report.csv");
    capture c = {0};
    read_whole(out, &c);
    assert_starts_with(&c, "path,source_format,");
    read_whole(chart, &c);
    assert_starts_with(&c, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" ");
    assert_true(c.len > 7 && strcmp(c.data + c.len - 7, "</svg>\n") == 0);
    capture_clear(&c);
    /* Into a missing folder: an I/O error. */
    path_join(out, t->dir, "no/such/report.csv");
    assert_int_equal(run_text(ARGS("bench", "--min-time", "0.01", "--formats", "json", "--output-file", out, in),
                              NULL, &t->out, &t->err),
                     3);
    assert_starts_with(&t->err, "wirekit: error: cannot create a temporary file beside '");
}

/* Two saved reports, compared without measuring: the golden comparison of test_bench_compare. */
static void bench_compare_two_saved_reports(void **state)
{
    fixture *t = *state;
    const char *data = WK_SOURCE_DIR "/tests/data/bench/";
    char base[PATH_MAX], now[PATH_MAX], golden[PATH_MAX];
    snprintf(base, sizeof base, "%scompare-base.json", data);
    snprintf(now, sizeof now, "%scompare-now.json", data);
    snprintf(golden, sizeof golden, "%scompare.txt", data);
    assert_int_equal(run_text(ARGS("bench", "--from-report", now, "--compare", base), NULL, &t->out, &t->err), 0);
    assert_text(&t->err, "");
    capture expected = {0};
    read_whole(golden, &expected);
    assert_text(&t->out, expected.data);
    capture_clear(&expected);
    /* A saved report renders in any form: the table of the base is the fixture's. */
    snprintf(golden, sizeof golden, "%sreport.txt", data);
    assert_int_equal(run_text(ARGS("bench", "--from-report", base), NULL, &t->out, &t->err), 0);
    read_whole(golden, &expected);
    assert_text(&t->out, expected.data);
    capture_clear(&expected);
}

static void bench_compare_bad_baseline(void **state)
{
    fixture *t = *state;
    char in[PATH_MAX], base[PATH_MAX], expected[PATH_MAX + 256];
    make_file(t, "m.json", in, small_json, strlen(small_json));
    make_file(t, "base.json", base, "{\"schema\": \"other/1\"}", 21);
    assert_int_equal(run_text(ARGS("bench", "--min-time", "0.01", "--compare", base, in), NULL, &t->out, &t->err), 1);
    snprintf(expected, sizeof expected,
             "%s: error: not a wirekit bench report this version reads: its \"schema\" is 'other/1', "
             "not 'wirekit-bench/1'\n",
             base);
    assert_text(&t->err, expected);
    /* Refused before anything was measured: no report. */
    assert_text(&t->out, "");
    path_join(base, t->dir, "missing.json");
    assert_int_equal(run_text(ARGS("bench", "--compare", base, in), NULL, &t->out, &t->err), 3);
    assert_starts_with(&t->err, "wirekit: error: cannot open '");
    assert_int_equal(run_text(ARGS("bench", "--from-report", base, in), NULL, &t->out, &t->err), 2);
    assert_text(&t->err, "wirekit: error: --from-report takes the place of files to measure; name no PATH\n"
                         "Try 'wirekit bench --help'.\n");
}

/* On a terminal, standard error shows a progress line, and it is erased at the end. */
static void bench_progress_line_only_on_a_terminal(void **state)
{
    fixture *t = *state;
    int master, slave;
    if (openpty(&master, &slave, NULL, NULL, NULL) != 0) skip();
    fcntl(master, F_SETFD, FD_CLOEXEC);
    fcntl(slave, F_SETFD, FD_CLOEXEC);
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    char in[PATH_MAX], expected[PATH_MAX + 64];
    make_file(t, "m.json", in, small_json, strlen(small_json));
    run_opts o = run_defaults;
    o.stderr_fd = slave;
    assert_int_equal(run_with(&o, ARGS("bench", "--min-time", "0.01", "--formats", "json", in), NULL, 0, &t->out,
                              &t->err),
                     0);
    uint8_t buf[8192];
    size_t got = pty_read(master, buf, sizeof buf - 1, sizeof buf - 1, 300);
    buf[got] = '\0';
    capture progress = {(char *)buf, got};
    snprintf(expected, sizeof expected, "\r\033[K[1/1] %s: reading", in);
    assert_starts_with(&progress, expected);
    assert_contains(&progress, ": json decode");
    /* Erased: the last thing written clears the line, and there is no newline. */
    assert_true(got >= 4 && memcmp(buf + got - 4, "\r\033[K", 4) == 0);
    assert_lacks(&progress, "\n");
    /* The report itself is on standard output as usual. */
    assert_starts_with(&t->out, "wirekit bench: 1 file, 1 message\n");
    close(slave);
    close(master);
}

/* ------------------------------------------------------------------ */
/* Google protobuf benchmark datasets (bench --dataset)                */
/* ------------------------------------------------------------------ */

/* Reads a varint of a BenchmarkDataset in the test's own way; false past the end. */
static bool dataset_varint(const uint8_t *d, size_t len, size_t *pos, uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (*pos >= len) return false;
        uint8_t b = d[(*pos)++];
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return true;
        }
    }
    return false;
}

/* The payloads (field 3) of a dataset file, and where the first one starts. */
static size_t dataset_payloads(const capture *c, size_t *first)
{
    const uint8_t *d = (const uint8_t *)c->data;
    size_t pos = 0, count = 0;
    while (pos < c->len) {
        uint64_t key = 0, n = 0;
        assert_true(dataset_varint(d, c->len, &pos, &key));
        assert_int_equal(key & 7, 2);
        assert_true(dataset_varint(d, c->len, &pos, &n));
        assert_true(n <= c->len - pos);
        if (key >> 3 == 3 && count++ == 0) *first = pos;
        pos += (size_t)n;
    }
    return count;
}

static void bench_google_benchmark_datasets(void **state)
{
    fixture *t = *state;
    const char *root = WK_SOURCE_DIR "/../shared/corpus-ext/protobuf/datasets/";
    struct stat sb;
    if (stat(root, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        print_message("skipped: no benchmark datasets at %s\n", root);
        skip();
    }
    static const char *const sets[][2] = {
        {"google_message1/proto3/benchmark_message1_proto3.proto", "google_message1/proto3/dataset.google_message1_proto3.pb"},
        {"google_message2/benchmark_message2.proto", "google_message2/dataset.google_message2.pb"},
    };
    char schema[PATH_MAX], data[PATH_MAX], path[PATH_MAX], expected[PATH_MAX + 256];
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        snprintf(schema, sizeof schema, "%s%s", root, sets[i][0]);
        snprintf(data, sizeof data, "%s%s", root, sets[i][1]);
        capture bytes = {0};
        read_whole(data, &bytes);
        size_t first = 0, n = dataset_payloads(&bytes, &first);
        assert_true(n >= 1);
        assert_int_equal(run_text(ARGS("bench", "--dataset", "--min-time", "0.01", "--formats", "protobuf,json", "-s",
                                       schema, data),
                                  NULL, &t->out, &t->err),
                         0);
        assert_text(&t->err, "");
        snprintf(expected, sizeof expected, "wirekit bench: 1 file, %zu message%s\n", n, n == 1 ? "" : "s");
        assert_starts_with(&t->out, expected);
        snprintf(expected, sizeof expected, "%s (protobuf benchmark dataset, %zu message%s, %zu bytes)\n", data, n,
                 n == 1 ? "" : "s", bytes.len);
        assert_contains(&t->out, expected);
        assert_contains(&t->out, "\n  protobuf ");
        assert_contains(&t->out, "\n  json ");
        assert_lacks(&t->out, "cannot");
        assert_int_equal(bench_summary_count(&t->out, "protobuf"), 1);
        assert_int_equal(bench_summary_count(&t->out, "json"), 1);

        /* Three datasets back to back are one (protobuf merges them): three times the payloads. */
        capture three = {0};
        for (int k = 0; k < 3; k++) capture_append(&three, bytes.data, bytes.len);
        make_file(t, "dataset.three.pb", path, three.data, three.len);
        assert_int_equal(run_text(ARGS("bench", "--dataset", "--min-time", "0.01", "--formats", "protobuf", "-s",
                                       schema, path),
                                  NULL, &t->out, &t->err),
                         0);
        snprintf(expected, sizeof expected, "wirekit bench: 1 file, %zu messages\n", 3 * n);
        assert_starts_with(&t->out, expected);
        capture_clear(&three);

        /* Cut short: the length of a field runs past the end. */
        make_file(t, "dataset.cut.pb", path, bytes.data, bytes.len - 10);
        assert_int_equal(run_text(ARGS("bench", "--dataset", "--min-time", "0.01", "--formats", "protobuf", "-s",
                                       schema, path),
                                  NULL, &t->out, &t->err),
                         1);
        snprintf(expected, sizeof expected, "%s: error: at byte ", path);
        assert_starts_with(&t->err, expected);
        assert_contains(&t->err, ": not a valid benchmarks.BenchmarkDataset: field 3: ");
        assert_contains(&t->err, " run past the end of the file (");
        assert_one_line(&t->err);

        /* A corrupt payload: a field key with wire type 7. */
        memset(bytes.data + first, 0xFF, 2);
        make_file(t, "dataset.bad.pb", path, bytes.data, bytes.len);
        assert_int_equal(run_text(ARGS("bench", "--dataset", "--min-time", "0.01", "--formats", "protobuf", "-s",
                                       schema, path),
                                  NULL, &t->out, &t->err),
                         1);
        snprintf(expected, sizeof expected, "%s: error: at byte %zu: payload 1: ", path, first);
        assert_starts_with(&t->err, expected);
        assert_contains(&t->err, "wire type 7");
        assert_one_line(&t->err);
        capture_clear(&bytes);
    }
    /* Not a dataset at all, an empty one, and --dataset without a schema. */
    snprintf(schema, sizeof schema, "%s%s", root, sets[1][0]);
    make_file(t, "dataset.junk.pb", path, "\x08\x01", 2);
    assert_int_equal(run_text(ARGS("bench", "--dataset", "-s", schema, path), NULL, &t->out, &t->err), 1);
    snprintf(expected, sizeof expected,
             "%s: error: at byte 0: not a valid benchmarks.BenchmarkDataset: field 1 has wire type 0, not 2 "
             "(length-delimited)\n",
             path);
    assert_text(&t->err, expected);
    make_file(t, "dataset.empty.pb", path, "", 0);
    assert_int_equal(run_text(ARGS("bench", "--dataset", "-s", schema, path), NULL, &t->out, &t->err), 1);
    snprintf(expected, sizeof expected, "%s: error: the dataset holds no payload\n", path);
    assert_text(&t->err, expected);
    assert_int_equal(run_text(ARGS("bench", "--dataset", path), NULL, &t->out, &t->err), 2);
    assert_text(&t->err, "wirekit: error: --dataset needs the schema of the dataset's messages (-s FILE.proto)\n"
                         "Try 'wirekit bench --help'.\n");
}

#define T(f) cmocka_unit_test_setup_teardown(f, fixture_setup, fixture_teardown)

int main(void)
{
    /* A child that exits without reading its input must not kill the test. */
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        T(no_arguments_prints_usage_on_stderr),
        T(help_prints_usage_on_stdout),
        T(help_command_prints_the_command_help),
        T(version_names_wirekit_and_backends),
        T(unknown_command_is_usage_error),
        T(formats_lists_json_and_msgpack),
        T(every_subcommand_has_help),
        T(convert_json_file_to_msgpack_file_and_back),
        T(convert_round_trip_keeps_every_kind),
        T(convert_pretty_indents_json),
        T(convert_reads_stdin),
        T(convert_input_format_by_name_alias_media_type),
        T(convert_input_format_from_extension_or_bytes),
        T(convert_output_format_from_o_extension),
        T(convert_without_output_format_is_usage_error),
        T(convert_unknown_format_is_usage_error),
        T(convert_bad_options_are_usage_errors),
        T(convert_two_inputs_is_usage_error),
        T(convert_max_depth_takes_1_to_10000),
        T(convert_max_depth_refuses_deeper_input),
        T(invalid_json_file_reports_line_and_column),
        T(invalid_json_on_stdin_is_named_stdin),
        T(invalid_msgpack_reports_byte_offset),
        T(msgpack_bin_becomes_base64_string),
        T(msgpack_nan_cannot_be_written_as_json),
        T(convert_json_to_xml_and_back),
        T(invalid_xml_reports_line_and_column),
        T(missing_input_is_io_error),
        T(output_into_missing_folder_is_io_error),
        T(failed_convert_leaves_old_output_untouched),
        T(failed_write_leaves_no_temporary_file),
        T(output_replaces_file_and_keeps_its_mode),
        T(new_output_file_gets_mode_from_umask),
        T(relative_output_in_working_folder),
        T(output_dev_stdout_is_written_through),
        T(output_dev_fd_to_redirected_file),
        T(write_error_is_io_error),
        T(output_fifo_is_written_through),
        T(folder_as_input_or_output_is_io_error),
        T(binary_to_terminal_needs_force),
        T(bench_help_exits_0),
        T(bench_with_schema_measures_protobuf),
        T(bench_without_path_is_usage_error),
        T(bench_options_without_path_is_usage_error),
        T(bench_bad_options_are_usage_errors),
        T(bench_missing_path_is_io_error),
        T(bench_one_json_file),
        T(bench_folder_corpus_txt_types_the_files),
        T(bench_folder_measures_message_files_only),
        T(bench_invalid_file_is_reported_others_measured),
        T(bench_table_columns_line_up),
        T(convert_jsonl_to_msgpack_stream_and_back),
        T(convert_stream_flag_reads_stdin),
        T(convert_empty_stream_writes_nothing),
        T(convert_jsonl_error_names_record_and_line),
        T(convert_msgpack_stream_error_names_record_and_byte),
        T(convert_stream_record_output_cannot_carry),
        T(plain_msgpack_with_trailing_bytes_is_no_stream),
        T(convert_stream_usage_errors),
        T(bench_stream_file_is_one_file_of_many_messages),
        T(bench_bad_stream_is_reported_others_measured),
        T(bench_output_forms),
        T(bench_output_file_and_chart),
        T(bench_compare_two_saved_reports),
        T(bench_compare_bad_baseline),
        T(bench_progress_line_only_on_a_terminal),
        T(bench_google_benchmark_datasets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
