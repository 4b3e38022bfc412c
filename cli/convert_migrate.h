/*
 * cli/convert_migrate.h: what `wirekit convert` does across schema versions
 * (convert_migrate.c): --from-schema migration, and the version a --from or
 * --to media type declares, checked against the schema's.
 */
#ifndef WIREKIT_CLI_CONVERT_MIGRATE_H
#define WIREKIT_CLI_CONVERT_MIGRATE_H

#include "cli.h"

/* A --from or --to argument that may be a media type with a version. */
typedef struct cli_declared {
    const char *option;     /* "--from" or "--to" */
    const char *arg;        /* as given, or NULL */
    wk_media_type type;     /* when arg is a media type that parses */
} cli_declared;

/*
 * Parses arg when it is a media type (it holds a '/'): a malformed one is a
 * usage error naming the byte ("bad version: ... at byte 27"). Returns
 * CLI_OK (also for names such as "json", which are not media types) or
 * CLI_USAGE, the error printed.
 */
int cli_declared_parse(cli_declared *d, const char *option, const char *arg);

/*
 * Checks a declared version against the schema's (wirekit.version): the
 * major versions must agree (and, under 0.y.z, the minor ones too), or it
 * prints why and returns `refusal` (CLI_DATA for the input, CLI_USAGE for
 * the output). An input declared newer in its minor version is read with a
 * warning: the fields it added are unknown to the schema. Nothing to check
 * (no version declared, or a schema without one: a warning) is CLI_OK.
 * `input` names the input in messages; unknown_flags are the
 * WK_DECODE_UNKNOWN_* flags (the warning says what becomes of new fields).
 */
int cli_declared_check(const cli_declared *d, const wk_schema *schema, const char *schema_path,
                       const char *input, uint32_t unknown_flags, int refusal);

/* convert --from-schema: the old schema and type, and how to migrate. */
typedef struct cli_migration {
    const char *input;                /* for messages */
    const wk_format *in_fmt;          /* the format the input was read as */
    wk_schema *from_schema;           /* owned; NULL when there is no --from-schema */
    const wk_message_def *from_type;  /* read under this */
    const wk_message_def *to_type;    /* written as this */
    const wk_schema *to_schema;
    uint32_t unknown_flags;           /* WK_DECODE_UNKNOWN_* */
    bool wire;                        /* the output is protobuf: keep fields by number */
    size_t warned;                    /* warnings printed, and how many more were left out */
    size_t unprinted;
    wk_status st;
} cli_migration;

/*
 * Loads the --from-schema (with the -I folders) and picks its type: message
 * by name, else the main file's only top-level message. Prints the error
 * and returns the exit code on failure; m->from_schema is then NULL or to
 * be freed by cli_migration_destroy.
 */
int cli_migration_open(cli_migration *m, const char *path, const char *const *includes,
                       size_t include_count, const char *message);

/*
 * Migrates *value (read under m->from_type) to m->to_type in `a`, printing a
 * warning for every field the target cannot take (at most 20 per run, then
 * a count at cli_migration_finish), or the error when the policy refuses
 * one. Returns the exit code.
 */
int cli_migration_apply(cli_migration *m, const wk_format *out_fmt, wk_arena *a, const wk_value **value);

/* Prints how many warnings were left out, if any. */
void cli_migration_finish(cli_migration *m);

void cli_migration_destroy(cli_migration *m);

#endif
