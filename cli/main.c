/*
 * wirekit: the command-line tool. It is a client of the public API only;
 * each subcommand lives in a file of its own.
 */
#include "cli.h"

#include <string.h>

typedef struct main_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} main_command;

static const main_command main_commands[] = {
    {"convert", cli_convert, "convert a message from one format to another"},
    {"bench", cli_bench, "measure size and speed of each format on sample messages"},
    {"inspect", cli_inspect, "show the fields of Protocol Buffers bytes without a schema"},
    {"formats", cli_formats, "list the formats, with their names, media types and extensions"},
    {"schema", cli_schema, "show .proto schemas; compare their versions (diff, check, bump)"},
    {NULL, NULL, NULL},
};

static void main_help(FILE *out)
{
    fputs("Usage: wirekit COMMAND [OPTIONS] [ARGS]\n"
          "\n"
          "Convert messages between JSON, XML, Protocol Buffers and MessagePack,\n"
          "measure what each format costs on your own messages, and compare versions\n"
          "of .proto schemas.\n"
          "\n"
          "Commands:\n", out);
    for (const main_command *c = main_commands; c->name; c++)
        fprintf(out, "  %-9s %s\n", c->name, c->summary);
    fputs("\n"
          "Options:\n"
          "  -h, --help     show this help (or 'wirekit COMMAND --help')\n"
          "  --version      show the version of wirekit and of its backend libraries\n"
          "\n"
          "Exit status:\n"
          "  0  success\n"
          "  1  the input is not valid, or cannot be represented in the output format\n"
          "  2  bad usage (unknown option, missing argument, unknown format)\n"
          "  3  a file could not be read or written, or memory ran out\n", out);
}

static void main_version(void)
{
    printf("wirekit %s\n", wk_version());
    for (const wk_format *const *f = wk_formats(); *f; f++)
        printf("  %-8s %s\n", (*f)->name, (*f)->backend_version ? (*f)->backend_version() : "");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        main_help(stderr);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        if (strcmp(cmd, "help") == 0 && argc > 2) {
            for (const main_command *c = main_commands; c->name; c++) {
                if (strcmp(c->name, argv[2]) == 0) {
                    char *sub[] = {argv[2], "--help", NULL};
                    return c->run(2, sub);
                }
            }
            return cli_usage_error(NULL, "unknown command '%s'", argv[2]);
        }
        main_help(stdout);
        return CLI_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        main_version();
        return CLI_OK;
    }
    for (const main_command *c = main_commands; c->name; c++)
        if (strcmp(c->name, cmd) == 0) return c->run(argc - 1, argv + 1);
    return cli_usage_error(NULL, "unknown command '%s'", cmd);
}
