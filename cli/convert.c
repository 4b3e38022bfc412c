/*
 * wirekit convert: one message from one format to another, or a stream of
 * messages (JSON Lines, a MessagePack stream, a length-delimited Protocol
 * Buffers stream; see stream.h) one value at a time.
 */
#include "cli.h"
#include "convert_migrate.h"
#include "stream.h"

#include <string.h>
#include <unistd.h>

/* The most -I folders one command takes. */
#define CONVERT_MAX_INCLUDES 64

static void convert_help(FILE *out)
{
    fputs("Usage: wirekit convert [OPTIONS] [FILE|-]\n"
          "\n"
          "Reads one message (from FILE, or standard input when FILE is '-' or absent)\n"
          "and writes it in another format. With --stream, or when a file's extension\n"
          "or a format name says so, reads a stream of messages and writes each one:\n"
          "JSON Lines (.jsonl, .ndjson: one JSON value per line; blank lines are\n"
          "skipped), a MessagePack stream (.msgpack-stream, .mpstream: values back\n"
          "to back) and a Protocol Buffers stream (.pbstream, .pb-stream: each message\n"
          "after its length as a varint, as protobuf's writeDelimitedTo writes; needs\n"
          "-s), each to and from the others.\n"
          "\n"
          "Options:\n"
          "  --from FORMAT    the input format; default: from FILE's extension, else\n"
          "                   recognised from the bytes\n"
          "  --to FORMAT      the output format; default: from the extension of -o\n"
          "  -o, --output OUT write to OUT instead of standard output. A regular file is\n"
          "                   written to a temporary file beside it and renamed, so it is\n"
          "                   never left half-written; a pipe or device is written directly\n"
          "  --pretty         indent text formats for people (not JSON Lines)\n"
          "  --stream         read and write streams of messages, one value at a time\n"
          "  --max-depth N    refuse nesting deeper than N (default 512, at most 10000)\n"
          "  --max-record N   refuse a Protocol Buffers stream record longer than N bytes\n"
          "                   (K, M, G for KiB, MiB, GiB; default 64M, at most 4294967295)\n"
          "  -s, --schema FILE  read and write typed messages of a .proto schema: checked\n"
          "                   on the way in, written by their field types (JSON as the\n"
          "                   proto3 JSON mapping; see docs/mapping.md)\n"
          "  -I DIR           look for imports in DIR too (repeatable; after the\n"
          "                   importing file's folder)\n"
          "  -m, --message TYPE  the message type: a full name, or a short name that is\n"
          "                   unique; default: the schema file's only top-level message\n"
          "  --emit-defaults  also write fields without presence that hold their default\n"
          "  --unknown=WHAT   fields the type does not know: keep (default: written back\n"
          "                   out), drop, or error\n"
          "  --msgpack-keys=K typed MessagePack map keys: name (default) or number\n"
          "  --xml-root NAME  typed XML: the root element's name (default: the message's)\n"
          "  --from-schema OLD.proto  migrate: read the input under OLD's message type,\n"
          "                   then write it as the -s schema's (fields matched by number,\n"
          "                   so renames carry over); every field the new type cannot\n"
          "                   take is named on standard error and kept as an unknown\n"
          "                   field (by name; by number when writing protobuf), dropped\n"
          "                   or refused, as --unknown says. See docs/versions.md\n"
          "  --from-message TYPE  the message type in OLD.proto when its name changed\n"
          "                   (default: the -m name, or OLD's only top-level message)\n"
          "  -f, --force      write binary output even when standard output is a terminal\n"
          "  -h, --help       show this help\n"
          "\n"
          "FORMAT is a name (json, msgpack), an alias (mp), a media type\n"
          "(application/msgpack, application/vnd.acme.order+json) or an extension (.json).\n"
          "A media type may declare a schema version, as HTTP does:\n"
          "  --from 'application/vnd.acme.order+json; version=1.2.0'\n"
          "The version (MAJOR, MAJOR.MINOR or a whole SemVer) is checked against the\n"
          "(wirekit.version) of the schema that reads the input (--from-schema, else -s)\n"
          "or writes the output (-s): another major version (another minor one under\n"
          "0.y.z) is refused, with exit status 1 for --from and 2 for --to. An input\n"
          "declared with a newer minor version is read with a warning: what it added is\n"
          "unknown to the schema (kept, dropped or refused as --unknown says).\n"
          "See 'wirekit formats'. The stream names jsonl, ndjson, msgpack-stream,\n"
          "mpstream, protobuf-stream, pbstream and protobuf-delimited select a format\n"
          "and --stream at once.\n"
          "\n"
          "Errors name the position: FILE:LINE:COL for text formats, the byte offset for\n"
          "binary ones; in a stream, also the record's number (from 1).\n"
          "\n"
          "Unknown fields read from protobuf have no JSON or XML name, and those read\n"
          "from JSON, XML or MessagePack have no protobuf field number: an output that\n"
          "cannot write them leaves them out, with a warning on standard error naming\n"
          "each one (in a stream, with its record).\n"
          "\n"
          "Exit status: 0 converted; 1 invalid input, a bad schema, or a value the output\n"
          "format cannot carry; 2 bad usage; 3 a file could not be read or written.\n"
          "\n"
          "Examples:\n"
          "  wirekit convert order.json --to msgpack -o order.msgpack\n"
          "  wirekit convert order.msgpack --to json --pretty\n"
          "  curl -s URL | wirekit convert --from json --to mp > out.mp\n"
          "  wirekit convert events.jsonl -o events.msgpack-stream\n"
          "  wirekit convert events.jsonl -s event.proto -m acme.Event -o events.pbstream\n"
          "  wirekit convert order.json -s order.proto -m acme.Order --to msgpack -o order.mp\n",
          out);
}

/* A format by name; a stream name ("jsonl") also sets *stream. */
static const wk_format *convert_format(const char *name, const char *which, bool *stream)
{
    const wk_format *f = cli_stream_find(name);
    if (f) {
        *stream = true;
        return f;
    }
    f = wk_format_find(name);
    if (!f) cli_usage_error("convert", "unknown %s format '%s' (see 'wirekit formats')", which, name);
    return f;
}

/*
 * The unknown fields the output format cannot write, which its encoder
 * leaves out: those read from protobuf (a field number and wire bytes) have
 * no name for JSON and XML, and those read from a format that names fields
 * have no number for protobuf.
 */
typedef struct convert_unknowns {
    const char *input;        /* for the messages */
    const char *out_name;     /* "JSON", "XML", "Protocol Buffers" */
    const char *in_name;      /* the format they were read from */
    bool numbers;             /* true: warn about number-keyed fields; false: name-keyed */
    size_t record;            /* in a stream, the record being checked (from 1); 0 otherwise */
    size_t found;             /* counted over the whole input */
} convert_unknowns;

/* The first CONVERT_MAX_WARNINGS of them are named, the rest counted. */
#define CONVERT_MAX_WARNINGS 20

static void convert_warn_unknown(convert_unknowns *u, const wk_value *v, char *path, size_t len, size_t cap)
{
    if (v->kind == WK_LIST) {
        for (uint32_t i = 0; i < v->len; i++) {
            int w = snprintf(path + len, cap - len, "[%u]", (unsigned)i);
            size_t end = w > 0 && (size_t)w < cap - len ? len + (size_t)w : len;
            convert_warn_unknown(u, &v->as.items[i], path, end, cap);
        }
    } else if (v->kind == WK_MAP) {
        for (uint32_t i = 0; i < v->len; i++) {
            const wk_value *k = &v->as.members[i].key;
            int w = k->kind == WK_STRING ? snprintf(path + len, cap - len, ".%.*s", (int)(k->len > 64 ? 64 : k->len), k->as.str)
                                         : snprintf(path + len, cap - len, "[%u]", (unsigned)i);
            size_t end = w > 0 && (size_t)w < cap - len ? len + (size_t)w : len;
            convert_warn_unknown(u, &v->as.members[i].value, path, end, cap);
        }
    } else if (v->kind == WK_MESSAGE) {
        const wk_message *m = v->as.message;
        for (uint32_t i = 0; i < m->field_count; i++) {
            const char *name = m->fields[i].field ? m->fields[i].field->json_name : "?";
            int w = snprintf(path + len, cap - len, ".%s", name);
            size_t end = w > 0 && (size_t)w < cap - len ? len + (size_t)w : len;
            convert_warn_unknown(u, &m->fields[i].value, path, end, cap);
        }
        path[len] = '\0';
        for (uint32_t i = 0; i < m->unknown_count; i++) {
            const wk_value *k = &m->unknown[i].key;
            if (u->numbers ? k->kind != WK_INT : k->kind != WK_STRING) continue;
            char record[40] = "";
            if (u->record) snprintf(record, sizeof record, "record %zu: ", u->record);
            if (u->found < CONVERT_MAX_WARNINGS && u->numbers)
                fprintf(stderr, "%s: warning: %s%s: unknown field %lld (read from protobuf) has no %s name; left out\n",
                        cli_display_name(u->input), record, path, (long long)k->as.i, u->out_name);
            else if (u->found < CONVERT_MAX_WARNINGS)
                fprintf(stderr, "%s: warning: %s%s: unknown field \"%.*s\" (read from %s) has no %s field number; "
                                "left out\n",
                        cli_display_name(u->input), record, path, (int)(k->len > 64 ? 64 : k->len), k->as.str,
                        u->in_name, u->out_name);
            u->found++;
        }
    }
}

/* Sets up u for writing out_fmt; false when that format writes every unknown field it is given. */
static bool convert_unknowns_init(convert_unknowns *u, const char *input, const wk_format *in_fmt,
                                  const wk_format *out_fmt)
{
    *u = (convert_unknowns){.input = input, .in_name = in_fmt->name};
    if (strcmp(out_fmt->name, "json") == 0 || strcmp(out_fmt->name, "xml") == 0) {
        u->out_name = strcmp(out_fmt->name, "json") == 0 ? "JSON" : "XML";
        u->numbers = true;
        return true;
    }
    if (strcmp(out_fmt->name, "protobuf") == 0) {
        u->out_name = "Protocol Buffers";
        return true;
    }
    return false;
}

static void convert_unknowns_check(convert_unknowns *u, const wk_value *v)
{
    char path[512] = "$";
    convert_warn_unknown(u, v, path, 1, sizeof path);
}

static void convert_unknowns_finish(const convert_unknowns *u)
{
    if (u->found > CONVERT_MAX_WARNINGS)
        fprintf(stderr, "%s: warning: and %zu more unknown fields %s cannot write left out\n",
                cli_display_name(u->input), u->found - CONVERT_MAX_WARNINGS, u->out_name);
}

/* Converts every value of a stream; prints the first error and stops there. */
static int convert_stream(const char *input, const wk_format *in_fmt, const wk_buf *in, const wk_format *out_fmt,
                          const wk_decode_opts *dopts, const wk_encode_opts *eopts, uint64_t max_record,
                          cli_migration *migration, wk_arena *arena, wk_buf *out)
{
    cli_stream_reader reader;
    cli_stream_reader_init(&reader, in_fmt, in->data, in->len);
    reader.max_record = max_record;
    int rc = CLI_OK, got;
    const wk_value *value;
    wk_status st;
    convert_unknowns unknowns;
    bool warn = dopts->type && convert_unknowns_init(&unknowns, input, in_fmt, out_fmt);
    for (;;) {
        /* One value at a time: the arena holds only the current one. */
        wk_arena_reset(arena);
        got = cli_stream_next(&reader, dopts, arena, &value, &st);
        if (got <= 0) break;
        if (migration && (rc = cli_migration_apply(migration, out_fmt, arena, &value)) != CLI_OK) break;
        if (warn) {
            unknowns.record = reader.record;
            convert_unknowns_check(&unknowns, value);
        }
        if (cli_stream_append(out_fmt, value, eopts, out, &st) == WK_OK) continue;
        const char *name = cli_display_name(input);
        if (reader.kind == CLI_STREAM_LINES)
            fprintf(stderr, "%s:%zu: error: record %zu: cannot write as %s: %s\n", name, reader.line, reader.record,
                    out_fmt->name, st.msg);
        else
            fprintf(stderr, "%s: error: at byte %zu: record %zu: cannot write as %s: %s\n", name, reader.offset,
                    reader.record, out_fmt->name, st.msg);
        rc = st.code == WK_ERR_NOMEM ? CLI_IO : CLI_DATA;
        break;
    }
    if (got < 0) {
        cli_stream_report(input, &reader, &st);
        rc = st.code == WK_ERR_NOMEM ? CLI_IO : CLI_DATA;
    }
    if (warn) convert_unknowns_finish(&unknowns);
    cli_stream_reader_destroy(&reader);
    return rc;
}

int cli_convert(int argc, char **argv)
{
    const char *from = NULL, *to = NULL, *output = NULL, *input = NULL, *depth = NULL, *max_record_arg = NULL;
    const char *schema_path = NULL, *message = NULL, *unknown = NULL, *msgpack_keys = NULL;
    const char *xml_root = NULL, *from_schema = NULL, *from_message = NULL;
    const char *includes[CONVERT_MAX_INCLUDES];
    size_t include_count = 0;
    bool pretty = false, force = false, stream = false, emit_defaults = false;
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
            (m = cli_opt_value(argc, argv, &i, "--max-depth", NULL, &depth, "convert")) != 0 ||
            (m = cli_opt_value(argc, argv, &i, "--max-record", NULL, &max_record_arg, "convert")) != 0 ||
            (m = cli_opt_value(argc, argv, &i, "--schema", "-s", &schema_path, "convert")) != 0 ||
            (m = cli_opt_value(argc, argv, &i, "--message", "-m", &message, "convert")) != 0 ||
            (m = cli_opt_value(argc, argv, &i, "--unknown", NULL, &unknown, "convert")) != 0 ||
            (m = cli_opt_value(argc, argv, &i, "--msgpack-keys", NULL, &msgpack_keys, "convert")) != 0 ||
            (m = cli_opt_value(argc, argv, &i, "--xml-root", NULL, &xml_root, "convert")) != 0 ||
            (m = cli_opt_value(argc, argv, &i, "--from-schema", NULL, &from_schema, "convert")) != 0 ||
            (m = cli_opt_value(argc, argv, &i, "--from-message", NULL, &from_message, "convert")) != 0) {
            if (m < 0) return CLI_USAGE;
            continue;
        }
        /* -I DIR, -IDIR, --include DIR, --include=DIR */
        if (strncmp(arg, "-I", 2) == 0 || strncmp(arg, "--include", 9) == 0) {
            const char *dir = NULL;
            if (arg[1] == 'I' && arg[2]) dir = arg + 2;
            else if ((m = cli_opt_value(argc, argv, &i, "--include", "-I", &dir, "convert")) < 0) return CLI_USAGE;
            else if (m == 0) return cli_usage_error("convert", "unknown option '%s'", arg);
            if (include_count == CONVERT_MAX_INCLUDES)
                return cli_usage_error("convert", "at most %d -I folders", CONVERT_MAX_INCLUDES);
            includes[include_count++] = dir;
            continue;
        }
        if (strcmp(arg, "--emit-defaults") == 0) { emit_defaults = true; continue; }
        if (strcmp(arg, "--pretty") == 0) { pretty = true; continue; }
        if (strcmp(arg, "--stream") == 0) { stream = true; continue; }
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
    uint64_t max_record = CLI_STREAM_DEFAULT_MAX_RECORD;
    if (max_record_arg && !cli_stream_parse_size(max_record_arg, &max_record))
        return cli_usage_error("convert", "--max-record takes a size from 1 to 4294967295 bytes (K, M, G allowed), "
                                          "not '%s'", max_record_arg);
    if (pretty) eopts.flags |= WK_ENCODE_PRETTY;
    if (!schema_path && (message || unknown || msgpack_keys || emit_defaults || include_count || xml_root))
        return cli_usage_error("convert", "-m, -I, --emit-defaults, --unknown, --msgpack-keys and --xml-root "
                                          "need a schema (-s FILE.proto)");
    if (from_schema && !schema_path)
        return cli_usage_error("convert", "--from-schema needs the schema to migrate to (-s NEW.proto)");
    if (from_message && !from_schema)
        return cli_usage_error("convert", "--from-message names a type of --from-schema, which is missing");
    eopts.xml_root = xml_root;
    if (emit_defaults) eopts.flags |= WK_ENCODE_EMIT_DEFAULTS;
    if (unknown) {
        if (strcmp(unknown, "drop") == 0) dopts.flags |= WK_DECODE_UNKNOWN_DROP;
        else if (strcmp(unknown, "error") == 0) dopts.flags |= WK_DECODE_UNKNOWN_ERROR;
        else if (strcmp(unknown, "keep") != 0)
            return cli_usage_error("convert", "--unknown takes keep, drop or error, not '%s'", unknown);
    }
    if (msgpack_keys) {
        if (strcmp(msgpack_keys, "number") == 0) eopts.flags |= WK_ENCODE_NUMBER_KEYS;
        else if (strcmp(msgpack_keys, "name") != 0)
            return cli_usage_error("convert", "--msgpack-keys takes name or number, not '%s'", msgpack_keys);
    }

    const wk_format *in_fmt = NULL, *out_fmt = NULL;
    cli_declared from_declared, to_declared;
    if (cli_declared_parse(&from_declared, "--from", from) != CLI_OK ||
        cli_declared_parse(&to_declared, "--to", to) != CLI_OK)
        return CLI_USAGE;
    if (from && !(in_fmt = convert_format(from, "input", &stream))) return CLI_USAGE;
    if (to && !(out_fmt = convert_format(to, "output", &stream))) return CLI_USAGE;
    /* A stream extension on either side makes both sides streams. */
    bool named_output = output && strcmp(output, "-") != 0;
    const wk_format *in_stream = strcmp(input, "-") != 0 ? cli_stream_for_path(input) : NULL;
    const wk_format *out_stream = named_output ? cli_stream_for_path(output) : NULL;
    if (in_stream || out_stream) stream = true;
    if (!out_fmt) out_fmt = out_stream;
    if (!out_fmt && named_output) out_fmt = wk_format_for_path(output);
    if (!out_fmt)
        return cli_usage_error("convert", "say which format to write with --to (or -o FILE with a known extension)");
    if (!in_fmt) in_fmt = in_stream;
    if (!in_fmt && strcmp(input, "-") != 0) in_fmt = wk_format_for_path(input);
    if (stream && !cli_stream_label(out_fmt))
        return cli_usage_error("convert", "%s has no stream form (streams are JSON Lines, MessagePack and "
                                          "Protocol Buffers)", out_fmt->name);
    if (stream && in_fmt && !cli_stream_label(in_fmt))
        return cli_usage_error("convert", "%s has no stream form (streams are JSON Lines, MessagePack and "
                                          "Protocol Buffers)", in_fmt->name);
    /* Checked before anything is read: every record would fail alike. */
    if (stream && !schema_path &&
        (cli_stream_kind_of(out_fmt) == CLI_STREAM_DELIMITED || cli_stream_kind_of(in_fmt) == CLI_STREAM_DELIMITED))
        return cli_usage_error("convert", "a Protocol Buffers stream needs a schema (-s FILE.proto)");
    if (stream && pretty && cli_stream_kind_of(out_fmt) == CLI_STREAM_LINES)
        return cli_usage_error("convert", "--pretty would break JSON Lines: a record is one line");

    bool to_stdout = !output || strcmp(output, "-") == 0;
    if (to_stdout && !out_fmt->is_text && !force && isatty(STDOUT_FILENO))
        return cli_usage_error("convert",
                               "not writing binary %s to a terminal (use -o FILE, a redirection, or --force)",
                               out_fmt->name);

    wk_buf in, out;
    wk_buf_init(&in);
    wk_buf_init(&out);
    wk_arena *arena = NULL;
    wk_schema *schema = NULL;
    cli_migration migration;
    memset(&migration, 0, sizeof migration);
    migration.input = input;
    migration.unknown_flags = dopts.flags & (WK_DECODE_UNKNOWN_DROP | WK_DECODE_UNKNOWN_ERROR);
    int rc = CLI_OK;
    if (schema_path) {
        const wk_message_def *type = NULL;
        rc = cli_load_schema("convert", schema_path, includes, include_count, message, &schema, &type);
        dopts.type = type;
    }
    /* --from-schema: read under the old type, migrate to the new one after the decode. */
    if (rc == CLI_OK && from_schema) {
        rc = cli_migration_open(&migration, from_schema, includes, include_count,
                                from_message ? from_message : message);
        migration.to_type = dopts.type;
        migration.to_schema = schema;
        dopts.type = migration.from_type;
    }
    if (rc == CLI_OK)
        rc = cli_declared_check(&from_declared, from_schema ? migration.from_schema : schema,
                                from_schema ? from_schema : schema_path, input, migration.unknown_flags, CLI_DATA);
    if (rc == CLI_OK) rc = cli_declared_check(&to_declared, schema, schema_path, input, 0, CLI_USAGE);
    if (rc == CLI_OK) rc = cli_read_file(input, &in);
    if (rc != CLI_OK) goto done;
    if (!in_fmt && in.len == 0) {
        /* Empty input is bad data, whatever format it was meant to be. */
        fprintf(stderr, "%s: error: the input is empty\n", cli_display_name(input));
        rc = CLI_DATA;
        goto done;
    }
    if (!in_fmt) in_fmt = wk_format_sniff(in.data, in.len);
    migration.in_fmt = in_fmt;
    if (!in_fmt) {
        rc = cli_usage_error("convert", "cannot tell the format of %s; say it with --from",
                             cli_display_name(input));
        goto done;
    }
    if (stream && !cli_stream_label(in_fmt)) {
        rc = cli_usage_error("convert", "%s has no stream form (streams are JSON Lines, MessagePack and "
                                        "Protocol Buffers)", in_fmt->name);
        goto done;
    }

    /* The default blocks (growing to 4 MiB, each filled before the next):
     * a block sized to the input would be made resident in full (large
     * blocks are prefaulted) while a stream uses a record's worth of it. */
    arena = wk_arena_new(0);
    if (!arena) {
        cli_error("out of memory");
        rc = CLI_IO;
        goto done;
    }
    /* Half the input is written by nearly every conversion: reserving (and
     * so prefaulting) more would make unused memory resident; past it the
     * buffer grows by doubling. */
    if (wk_buf_reserve(&out, in.len / 2 + 64) != WK_OK) {
        cli_error("out of memory");
        rc = CLI_IO;
        goto done;
    }
    if (stream) {
        rc = convert_stream(input, in_fmt, &in, out_fmt, &dopts, &eopts, max_record,
                            from_schema ? &migration : NULL, arena, &out);
        if (rc == CLI_OK) rc = cli_write_file(output, out.data, out.len);
        goto done;
    }
    const wk_value *value;
    wk_status st;
    if (wk_decode(in_fmt, in.data, in.len, &dopts, arena, &value, &st) != WK_OK) {
        cli_report_decode(input, in_fmt, &st);
        rc = st.code == WK_ERR_NOMEM ? CLI_IO : CLI_DATA;
        goto done;
    }
    if (from_schema && (rc = cli_migration_apply(&migration, out_fmt, arena, &value)) != CLI_OK) goto done;
    convert_unknowns unknowns;
    if (dopts.type && convert_unknowns_init(&unknowns, input, in_fmt, out_fmt)) {
        convert_unknowns_check(&unknowns, value);
        convert_unknowns_finish(&unknowns);
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
    cli_migration_finish(&migration);
    cli_migration_destroy(&migration);
    wk_arena_free(arena);
    wk_schema_free(schema);
    wk_buf_destroy(&in);
    wk_buf_destroy(&out);
    return rc;
}
