/* wirekit convert: one message from one format to another. */
#include "cli.h"

#include <string.h>
#include <unistd.h>

static void convert_help(FILE *out)
{
    fputs("Usage: wirekit convert [OPTIONS] [FILE|-]\n"
          "\n"
          "Reads one message (from FILE, or standard input when FILE is '-' or absent)\n"
          "and writes it in another format.\n"
          "\n"
          "Options:\n"
          "  --from FORMAT    the input format; default: from FILE's extension, else\n"
          "                   recognised from the bytes\n"
          "  --to FORMAT      the output format; default: from the extension of -o\n"
          "  -o, --output OUT write to OUT instead of standard output. A regular file is\n"
          "                   written to a temporary file beside it and renamed, so it is\n"
          "                   never left half-written; a pipe or device is written directly\n"
          "  --pretty         indent text formats for people\n"
          "  --max-depth N    refuse nesting deeper than N (default 512, at most 10000)\n"
          "  -f, --force      write binary output even when standard output is a terminal\n"
          "  -h, --help       show this help\n"
          "\n"
          "FORMAT is a name (json, msgpack), an alias (mp), a media type\n"
          "(application/msgpack, application/vnd.acme.order+json) or an extension (.json).\n"
          "See 'wirekit formats'.\n"
          "\n"
          "Errors name the position: FILE:LINE:COL for text formats, the byte offset for\n"
          "binary ones.\n"
          "\n"
          "Exit status: 0 converted; 1 invalid input or a value the output format cannot\n"
          "carry; 2 bad usage; 3 a file could not be read or written.\n"
          "\n"
          "Examples:\n"
          "  wirekit convert order.json --to msgpack -o order.msgpack\n"
          "  wirekit convert order.msgpack --to json --pretty\n"
          "  curl -s URL | wirekit convert --from json --to mp > out.mp\n", out);
}

static const wk_format *convert_format(const char *name, const char *which)
{
    const wk_format *f = wk_format_find(name);
    if (!f) cli_usage_error("convert", "unknown %s format '%s' (see 'wirekit formats')", which, name);
    return f;
}

int cli_convert(int argc, char **argv)
{
    const char *from = NULL, *to = NULL, *output = NULL, *input = NULL, *depth = NULL;
    bool pretty = false, force = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int m;
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            convert_help(stdout);
            return CLI_OK;
        }
        if ((m = cli_opt_value(argc, argv, &i, "--from", NULL, &from, "convert")) != 0 ||
            (m = cli_opt_value(argc, argv, &i, "--to", NULL, &to, "convert")) != 0 ||
            (m = cli_opt_value(argc, argv, &i, "--output", "-o", &output, "convert")) != 0 ||
            (m = cli_opt_value(argc, argv, &i, "--max-depth", NULL, &depth, "convert")) != 0) {
            if (m < 0) return CLI_USAGE;
            continue;
        }
        if (strcmp(arg, "--pretty") == 0) { pretty = true; continue; }
        if (strcmp(arg, "-f") == 0 || strcmp(arg, "--force") == 0) { force = true; continue; }
        if (arg[0] == '-' && arg[1] != '\0')
            return cli_usage_error("convert", "unknown option '%s'", arg);
        if (input) return cli_usage_error("convert", "one input at a time ('%s' and '%s')", input, arg);
        input = arg;
    }
    if (!input) input = "-";

    wk_decode_opts dopts = {0};
    wk_encode_opts eopts = {0};
    if (depth) {
        unsigned long long n;
        if (!cli_parse_uint(depth, WK_MAX_DEPTH_LIMIT, &n) || n == 0)
            return cli_usage_error("convert", "--max-depth takes a number from 1 to %d, not '%s'",
                                   WK_MAX_DEPTH_LIMIT, depth);
        dopts.max_depth = eopts.max_depth = (uint32_t)n;
    }
    if (pretty) eopts.flags |= WK_ENCODE_PRETTY;

    const wk_format *in_fmt = NULL, *out_fmt = NULL;
    if (from && !(in_fmt = convert_format(from, "input"))) return CLI_USAGE;
    if (to && !(out_fmt = convert_format(to, "output"))) return CLI_USAGE;
    if (!out_fmt && output && strcmp(output, "-") != 0) out_fmt = wk_format_for_path(output);
    if (!out_fmt)
        return cli_usage_error("convert", "say which format to write with --to (or -o FILE with a known extension)");
    if (!in_fmt && strcmp(input, "-") != 0) in_fmt = wk_format_for_path(input);

    bool to_stdout = !output || strcmp(output, "-") == 0;
    if (to_stdout && !out_fmt->is_text && !force && isatty(STDOUT_FILENO))
        return cli_usage_error("convert",
                               "not writing binary %s to a terminal (use -o FILE, a redirection, or --force)",
                               out_fmt->name);

    wk_buf in, out;
    wk_buf_init(&in);
    wk_buf_init(&out);
    wk_arena *arena = NULL;
    int rc = cli_read_file(input, &in);
    if (rc != CLI_OK) goto done;
    if (!in_fmt) in_fmt = wk_format_sniff(in.data, in.len);
    if (!in_fmt) {
        rc = cli_usage_error("convert", "cannot tell the format of %s; say it with --from",
                             cli_display_name(input));
        goto done;
    }

    arena = wk_arena_new(in.len < 1024 ? 0 : in.len);
    if (!arena) {
        cli_error("out of memory");
        rc = CLI_IO;
        goto done;
    }
    /* Most conversions write about as much as they read: size the output once. */
    if (wk_buf_reserve(&out, in.len + in.len / 4 + 64) != WK_OK) {
        cli_error("out of memory");
        rc = CLI_IO;
        goto done;
    }
    const wk_value *value;
    wk_status st;
    if (wk_decode(in_fmt, in.data, in.len, &dopts, arena, &value, &st) != WK_OK) {
        cli_report_decode(input, in_fmt, &st);
        rc = st.code == WK_ERR_NOMEM ? CLI_IO : CLI_DATA;
        goto done;
    }
    if (wk_encode(out_fmt, value, &eopts, &out, &st) != WK_OK) {
        fprintf(stderr, "%s: error: cannot write as %s: %s\n", cli_display_name(input),
                out_fmt->name, st.msg);
        rc = st.code == WK_ERR_NOMEM ? CLI_IO : CLI_DATA;
        goto done;
    }
    /* Text ends with a newline, as text files do. */
    if (out_fmt->is_text && wk_buf_append(&out, "\n", 1) != WK_OK) {
        cli_error("out of memory");
        rc = CLI_IO;
        goto done;
    }
    rc = cli_write_file(output, out.data, out.len);

done:
    wk_arena_free(arena);
    wk_buf_destroy(&in);
    wk_buf_destroy(&out);
    return rc;
}
