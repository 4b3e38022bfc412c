/*
 * cli/manifest.h: what a corpus folder says about its files.
 *
 * A folder of sample messages may hold a file named corpus.txt that names
 * the .proto schema of its messages and the message type of each file, so
 * that `wirekit bench corpus/` measures every format, Protocol Buffers
 * included, with no -s or -m:
 *
 *     # order events and a batch of them
 *     schema orders.proto
 *     type order-*          corpus.orders.OrderEvent
 *     type events-batch.*   corpus.orders.EventBatch
 *
 * One directive a line; blank lines and lines starting with '#' are skipped.
 *   schema FILE          the .proto file, relative to the folder unless
 *                        absolute (once)
 *   include DIR          a folder for its imports, relative to the folder
 *                        unless absolute
 *   type PATTERN TYPE    files whose name matches the shell pattern
 *                        (fnmatch) hold messages of TYPE; the first
 *                        matching line wins
 * A file that no type line matches is read without a schema.
 */
#ifndef WIREKIT_CLI_MANIFEST_H
#define WIREKIT_CLI_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#define CLI_MANIFEST_NAME "corpus.txt"
#define CLI_MANIFEST_MAX_INCLUDES 16

typedef struct cli_manifest_type {
    char *pattern;
    char *type;
} cli_manifest_type;

typedef struct cli_manifest {
    char *schema;                 /* as written, relative to the folder; NULL when not given */
    char *includes[CLI_MANIFEST_MAX_INCLUDES];
    size_t include_count;
    cli_manifest_type *types;
    size_t type_count;
} cli_manifest;

/*
 * Parses a manifest's text. On failure returns false with the 1-based line
 * in *line and the reason in why; m is then empty.
 */
bool cli_manifest_parse(const char *text, size_t len, cli_manifest *m, unsigned *line, char *why,
                        size_t cap);

/* The type of the file named `base` (no folder), or NULL when no line matches. */
const char *cli_manifest_type_of(const cli_manifest *m, const char *base);

void cli_manifest_free(cli_manifest *m);

#endif
