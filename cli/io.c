/* Reading inputs, writing outputs without half-written files, and messages. */
#define _DEFAULT_SOURCE 1   /* realpath, mkstemp, lstat, fsync, O_DIRECTORY */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void io_verror(const char *fmt, va_list ap)
{
    fputs("wirekit: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    io_verror(fmt, ap);
    va_end(ap);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    io_verror(fmt, ap);
    va_end(ap);
    if (cmd) fprintf(stderr, "Try 'wirekit %s --help'.\n", cmd);
    else fputs("Try 'wirekit --help'.\n", stderr);
    return CLI_USAGE;
}

int cli_opt_value(int argc, char **argv, int *i, const char *name, const char *short_name,
                  const char **value, const char *cmd)
{
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) == 0 && arg[n] == '=') {
        *value = arg + n + 1;
        return 1;
    }
    if (strcmp(arg, name) != 0 && !(short_name && strcmp(arg, short_name) == 0)) return 0;
    if (*i + 1 >= argc) {
        cli_usage_error(cmd, "option '%s' needs a value", arg);
        return -1;
    }
    *value = argv[++*i];
    return 1;
}

bool cli_parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
    if (!s || !*s) return false;
    unsigned long long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return false;
        unsigned digit = (unsigned)(*p - '0');
        /* v * 10 + digit <= max, without overflow for any max. */
        if (v > max / 10 || (v == max / 10 && digit > max % 10)) return false;
        v = v * 10 + digit;
    }
    *out = v;
    return true;
}

const char *cli_display_name(const char *path)
{
    return (!path || strcmp(path, "-") == 0) ? "<stdin>" : path;
}

int cli_read_file(const char *path, wk_buf *out)
{
    bool is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        cli_error("cannot open '%s': %s", path, strerror(errno));
        return CLI_IO;
    }
    struct stat sb;
    if (fstat(fd, &sb) == 0) {
        if (S_ISDIR(sb.st_mode)) {
            cli_error("'%s' is a directory", path);
            if (!is_stdin) close(fd);
            return CLI_IO;
        }
        /* A regular file's size is known: read it in one allocation. */
        if (S_ISREG(sb.st_mode) && sb.st_size > 0 &&
            wk_buf_reserve(out, (size_t)sb.st_size + 1) != WK_OK) {
            cli_error("'%s' does not fit in memory", path);
            if (!is_stdin) close(fd);
            return CLI_IO;
        }
    }
    for (;;) {
        /* Grow only when full: a regular file was sized above, with one spare
         * byte so that the read that finds the end needs no more room. */
        if (out->cap == out->len && wk_buf_reserve(out, 65536) != WK_OK) {
            cli_error("'%s' does not fit in memory", cli_display_name(path));
            if (!is_stdin) close(fd);
            return CLI_IO;
        }
        ssize_t got = read(fd, out->data + out->len, out->cap - out->len);
        if (got < 0) {
            if (errno == EINTR) continue;
            cli_error("cannot read '%s': %s", cli_display_name(path), strerror(errno));
            if (!is_stdin) close(fd);
            return CLI_IO;
        }
        if (got == 0) break;
        out->len += (size_t)got;
    }
    if (!is_stdin) close(fd);
    return CLI_OK;
}

static bool io_write_all(int fd, const uint8_t *data, size_t len)
{
    while (len) {
        ssize_t put = write(fd, data, len);
        if (put < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data += put;
        len -= (size_t)put;
    }
    return true;
}

/*
 * The descriptor a path names directly: /dev/stdout, /dev/stderr,
 * /dev/fd/N, /proc/self/fd/N. Such a path must be written through the open
 * descriptor, not reopened or replaced (it may be a file opened for
 * appending, or a link the system owns). -1 for any other path.
 */
static int io_fd_path(const char *path)
{
    if (strcmp(path, "/dev/stdout") == 0) return STDOUT_FILENO;
    if (strcmp(path, "/dev/stderr") == 0) return STDERR_FILENO;
    const char *num = NULL;
    if (strncmp(path, "/dev/fd/", 8) == 0) num = path + 8;
    else if (strncmp(path, "/proc/self/fd/", 14) == 0) num = path + 14;
    unsigned long long fd;
    if (num && cli_parse_uint(num, 1u << 20, &fd)) return (int)fd;
    return -1;
}

/*
 * After a rename, makes the new name durable: the folder holding `path` is
 * synced. Failures are not reported: the file is already in place, and
 * some file systems refuse to sync a folder; the name is then as durable
 * as the system makes it.
 */
static void io_sync_folder(const char *path, size_t dirlen)
{
    char *folder = dirlen ? malloc(dirlen + 1) : NULL;
    if (folder) {
        memcpy(folder, path, dirlen);
        folder[dirlen] = '\0';
    }
    int fd = open(folder ? folder : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(folder);
}

/*
 * Writes through a temporary file beside `path` and renames it over: the
 * bytes are synced to the disk before the name points at them, so that a
 * crash leaves the old file or the new one, never a short one; then the
 * folder is synced so that the rename lasts too.
 */
static int io_replace(const char *path, const uint8_t *data, size_t len, bool exists, mode_t old_mode)
{
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    if (!tmp) {
        cli_error("out of memory");
        return CLI_IO;
    }
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    memcpy(tmp, path, dirlen);
    snprintf(tmp + dirlen, plen + 16 - dirlen, ".%s.XXXXXX", path + dirlen);
    /* Hold the signals that end a process while the temporary file
     * exists, so that an interrupt cannot leave it behind: it is delivered
     * once the file is renamed or removed. */
    sigset_t stop, old_mask;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    sigaddset(&stop, SIGPIPE);
    sigprocmask(SIG_BLOCK, &stop, &old_mask);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        cli_error("cannot create a temporary file beside '%s': %s", path, strerror(errno));
        sigprocmask(SIG_SETMASK, &old_mask, NULL);
        free(tmp);
        return CLI_IO;
    }
    /* mkstemp makes the file 0600: give it the mode a new file would get,
     * or keep the mode of the file it replaces. */
    mode_t mode;
    if (exists) {
        mode = old_mode & 07777;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    bool ok = io_write_all(fd, data, len);
    int saved = errno;
    if (ok && fchmod(fd, mode) != 0) { ok = false; saved = errno; }
    /* EINVAL: a file system that cannot sync; the write still stands. */
    if (ok && fsync(fd) != 0 && errno != EINVAL) { ok = false; saved = errno; }
    if (close(fd) != 0 && ok) { ok = false; saved = errno; }
    if (ok && rename(tmp, path) != 0) { ok = false; saved = errno; }
    if (!ok) unlink(tmp);
    sigprocmask(SIG_SETMASK, &old_mask, NULL);
    free(tmp);
    if (!ok) {
        cli_error("cannot write '%s': %s", path, strerror(saved));
        return CLI_IO;
    }
    io_sync_folder(path, dirlen);
    return CLI_OK;
}

int cli_write_file(const char *path, const uint8_t *data, size_t len)
{
    bool to_stdout = !path || strcmp(path, "-") == 0;
    int direct = to_stdout ? STDOUT_FILENO : io_fd_path(path);
    if (direct >= 0) {
        if (!io_write_all(direct, data, len)) {
            if (to_stdout) cli_error("cannot write to standard output: %s", strerror(errno));
            else cli_error("cannot write '%s': %s", path, strerror(errno));
            return CLI_IO;
        }
        return CLI_OK;
    }
    struct stat sb;
    bool exists = stat(path, &sb) == 0;
    if (exists && S_ISDIR(sb.st_mode)) {
        cli_error("cannot write '%s': it is a directory", path);
        return CLI_IO;
    }
    if (exists && !S_ISREG(sb.st_mode)) {
        /* A pipe, a terminal or a device: there is nothing to rename over. */
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || !io_write_all(fd, data, len)) {
            cli_error("cannot write '%s': %s", path, strerror(errno));
            if (fd >= 0) close(fd);
            return CLI_IO;
        }
        close(fd);
        return CLI_OK;
    }
    /* A link to a regular file: replace the file it points to, keep the link. */
    struct stat lsb;
    if (exists && lstat(path, &lsb) == 0 && S_ISLNK(lsb.st_mode)) {
        char *target = realpath(path, NULL);
        if (!target) {
            cli_error("cannot resolve '%s': %s", path, strerror(errno));
            return CLI_IO;
        }
        int rc = io_replace(target, data, len, true, sb.st_mode);
        free(target);
        return rc;
    }
    return io_replace(path, data, len, exists, exists ? sb.st_mode : 0);
}

void cli_report_decode(const char *file, const wk_format *f, const wk_status *st)
{
    const char *name = cli_display_name(file);
    if (f->is_text && st->line)
        fprintf(stderr, "%s:%u:%u: error: %s\n", name, st->line, st->col, st->msg);
    else
        fprintf(stderr, "%s: error: at byte %zu: %s\n", name, st->offset, st->msg);
}

/* Loads the schema; prints FILE:LINE:COL and the reason on failure. */
int cli_open_schema(const char *path, const char *const *includes, size_t include_count, wk_schema **schema)
{
    wk_schema_opts opts = {includes, include_count};
    wk_status st;
    wk_code code = wk_schema_load(path, &opts, schema, &st);
    if (code == WK_OK) return CLI_OK;
    const char *file = st.file[0] ? st.file : path;
    if (st.line)
        fprintf(stderr, "%s:%u:%u: error: %s\n", file, st.line, st.col, st.msg);
    else
        fprintf(stderr, "%s: error: %s\n", file, st.msg);
    return code == WK_ERR_IO || code == WK_ERR_NOMEM ? CLI_IO : CLI_DATA;
}

/*
 * Loads the schema and picks the message type: -m by full or unique short
 * name, else the main file's only top-level message. Prints the error and
 * returns the exit code on failure.
 */
int cli_load_schema(const char *cmd, const char *path, const char *const *includes, size_t include_count,
                    const char *message, wk_schema **schema, const wk_message_def **type)
{
    int rc = cli_open_schema(path, includes, include_count, schema);
    if (rc != CLI_OK) return rc;
    const wk_file_def *main_file = wk_schema_main_file(*schema);
    if (message) {
        *type = wk_schema_message(*schema, message);
        if (!*type)
            return cli_usage_error(cmd, "no message '%s' in %s (a full name, or a short name that is unique)",
                                   message, path);
        return CLI_OK;
    }
    if (main_file->message_count == 1) {
        *type = main_file->messages[0];
        return CLI_OK;
    }
    if (main_file->message_count == 0)
        return cli_usage_error(cmd, "%s declares no top-level message; name one with -m", path);
    char names[512];
    size_t n = 0;
    for (size_t i = 0; i < main_file->message_count && n < sizeof names - 64; i++)
        n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", i ? ", " : "",
                              main_file->messages[i]->full_name);
    return cli_usage_error(cmd, "%s has %zu top-level messages (%s): say which with -m", path,
                           main_file->message_count, names);
}
