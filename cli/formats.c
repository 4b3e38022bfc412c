/* wirekit formats: the formats this build knows, and how to name them. */
#include "cli.h"

#include <string.h>

static void formats_list(const char *label, const char *const *items, const char *prefix)
{
    printf("  %-14s", label);
    if (!items || !*items) {
        puts("-");
        return;
    }
    for (const char *const *p = items; *p; p++) printf("%s%s%s", p == items ? "" : ", ", prefix, *p);
    putchar('\n');
}

int cli_formats(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            puts("Usage: wirekit formats\n"
                 "\n"
                 "Lists every format with the names, media types and file extensions that\n"
                 "select it in --from, --to and --formats, and the backend library behind it.");
            return CLI_OK;
        }
        return cli_usage_error("formats", "unexpected argument '%s'", argv[i]);
    }
    for (const wk_format *const *f = wk_formats(); *f; f++) {
        printf("%s (%s, %s)\n", (*f)->name, (*f)->is_text ? "text" : "binary",
               (*f)->backend_version ? (*f)->backend_version() : "");
        formats_list("aliases:", (*f)->aliases, "");
        formats_list("media types:", (*f)->media_types, "");
        formats_list("extensions:", (*f)->extensions, ".");
    }
    return CLI_OK;
}
