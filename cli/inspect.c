/*
 * wirekit inspect: Protocol Buffers bytes without a schema, as field
 * numbers, wire types and raw values in the text `protoc --decode_raw`
 * prints (see wirekit/protobuf.h).
 */
#include "cli.h"

#include <string.h>

#include <wirekit/protobuf.h>

static void inspect_help(FILE *out)
{
    fputs("Usage: wirekit inspect [OPTIONS] [FILE]\n"
          "\n"
          "Prints the fields of a Protocol Buffers message without its schema, as\n"
          "'protoc --decode_raw' does: each field's number and its raw value (varints\n"
          "as unsigned decimals, 32- and 64-bit values in hex, length-delimited\n"
          "values as C-escaped strings, or as nested messages where their bytes parse\n"
          "as one). FILE '-' or none reads standard input.\n"
          "\n"
          "Options:\n"
          "  --max-depth N  fail on groups nested deeper than N (default 512, at most 10000)\n"
          "  -h, --help     show this help\n"
          "\n"
          "Errors name the byte offset where the input stops being a message.\n", out);
}

int cli_inspect(int argc, char **argv)
{
    const char *path = NULL;
    wk_decode_opts opts = {0};
    for (int i = 1; i < argc; i++) {
        const char *value;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            inspect_help(stdout);
            return CLI_OK;
        }
        int got = cli_opt_value(argc, argv, &i, "--max-depth", NULL, &value, "inspect");
        if (got < 0) return CLI_USAGE;
        if (got > 0) {
            unsigned long long n;
            if (!cli_parse_uint(value, WK_MAX_DEPTH_LIMIT, &n) || n == 0)
                return cli_usage_error("inspect", "--max-depth needs a number from 1 to %d", WK_MAX_DEPTH_LIMIT);
            opts.max_depth = (uint32_t)n;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage_error("inspect", "unknown option '%s'", argv[i]);
        if (path) return cli_usage_error("inspect", "more than one input file");
        path = argv[i];
    }
    if (!path) path = "-";

    wk_buf in, out;
    wk_buf_init(&in);
    wk_buf_init(&out);
    int rc = cli_read_file(path, &in);
    if (rc == CLI_OK) {
        wk_status st;
        if (wk_protobuf_inspect(in.data, in.len, &opts, &out, &st) != WK_OK) {
            fprintf(stderr, "%s: error: at byte %zu: %s\n", cli_display_name(path), st.offset, st.msg);
            rc = CLI_DATA;
        } else {
            rc = cli_write_file(NULL, out.data, out.len);
        }
    }
    wk_buf_destroy(&in);
    wk_buf_destroy(&out);
    return rc;
}
