/* cli/cli.h: what the subcommands of the wirekit tool share. */
#ifndef WIREKIT_CLI_H
#define WIREKIT_CLI_H

#include <wirekit/wirekit.h>
#include <stdio.h>

/* Exit codes, documented in `wirekit --help` and the README. */
enum {
    CLI_OK = 0,      /* success */
    CLI_DATA = 1,    /* the input is not valid, or cannot be converted */
    CLI_USAGE = 2,   /* bad command line */
    CLI_IO = 3       /* a file could not be read or written */
};

/* Subcommands: argv[0] is the subcommand's name. */
int cli_convert(int argc, char **argv);
int cli_bench(int argc, char **argv);
int cli_formats(int argc, char **argv);
int cli_inspect(int argc, char **argv);
int cli_schema(int argc, char **argv);
/* wirekit schema diff | check | bump (schema_versions.c); argv[0] is "diff", ... */
int cli_schema_diff(int argc, char **argv);
int cli_schema_check(int argc, char **argv);
int cli_schema_bump(int argc, char **argv);

/* Prints "wirekit: error: ..." on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* cli_error plus "Try 'wirekit CMD --help'." and CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Matches argv[*i] against a long option that takes a value, in either the
 * "--name value" or "--name=value" form (and a short alias such as "-o",
 * which may be NULL). Sets *value and advances *i past what it used.
 * Returns 1 on a match, 0 when it is another option, -1 when the value is
 * missing (an error has been printed).
 */
int cli_opt_value(int argc, char **argv, int *i, const char *name, const char *short_name,
                  const char **value, const char *cmd);

/* Parses a whole non-negative number no larger than max; false otherwise. */
bool cli_parse_uint(const char *s, unsigned long long max, unsigned long long *out);

/*
 * Reads a whole file ("-" is standard input) into out. On failure prints
 * the reason and returns CLI_IO.
 */
int cli_read_file(const char *path, wk_buf *out);

/*
 * Writes data to path: "-" or NULL is standard output; a regular file is
 * written to a temporary file beside it and renamed over it, so that no
 * reader ever sees half of it; anything else that exists (a pipe, a
 * device such as /dev/stdout) is written straight through. The file is
 * synced to disk before the rename and its folder after it; an existing
 * file keeps its mode, and a symbolic link stays a link (the file it points
 * to is replaced). Prints the reason and returns CLI_IO on failure,
 * leaving no temporary file.
 */
int cli_write_file(const char *path, const uint8_t *data, size_t len);

/*
 * Prints a decode error as "FILE:LINE:COL: error: MESSAGE" (text formats)
 * or "FILE: error: at byte N: MESSAGE" (binary formats).
 */
void cli_report_decode(const char *file, const wk_format *f, const wk_status *st);

/*
 * Loads a .proto schema with the -I folders. On failure prints the error
 * (FILE:LINE:COL) and returns the exit code, *schema untouched.
 */
int cli_open_schema(const char *path, const char *const *includes, size_t include_count, wk_schema **schema);

/*
 * Loads a .proto schema (with the -I folders) and picks the message type:
 * `message` by full or unique short name, else the main file's only
 * top-level message. On failure prints the error (FILE:LINE:COL for the
 * schema, usage errors naming `cmd`) and returns the exit code; *schema is
 * then NULL or to be freed by the caller.
 */
int cli_load_schema(const char *cmd, const char *path, const char *const *includes,
                    size_t include_count, const char *message, wk_schema **schema,
                    const wk_message_def **type);

/* The name to show for an input path ("<stdin>" for "-"). */
const char *cli_display_name(const char *path);

#endif
