/*
 * wirekit schema: commands on .proto schemas. `show` prints a schema as
 * wirekit resolved it; diff, check and bump (schema_versions.c) compare
 * versions of one.
 *
 * The text `show` prints is documented in docs/schema-show.md: one line per
 * definition, full names everywhere, members indented under the message,
 * enum or service they belong to. Tests compare it with golden files, so it
 * only changes on purpose.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

typedef struct schema_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} schema_command;

static int schema_show(int argc, char **argv);

static const schema_command schema_commands[] = {
    {"show", schema_show, "print a .proto schema as resolved, one line per definition"},
    {"diff", cli_schema_diff, "list the changes between two versions, per format and direction"},
    {"check", cli_schema_check, "check that a declared version step is big enough for the changes"},
    {"bump", cli_schema_bump, "print (or write) the smallest correct next version"},
    {NULL, NULL, NULL},
};

static void schema_help(FILE *out)
{
    fputs("Usage: wirekit schema COMMAND [OPTIONS] FILE...\n"
          "\n"
          "Work with .proto schemas (proto2 and proto3), read by wirekit's own parser.\n"
          "\n"
          "Commands:\n", out);
    for (const schema_command *c = schema_commands; c->name; c++)
        fprintf(out, "  %-6s %s\n", c->name, c->summary);
    fputs("\n"
          "Run 'wirekit schema COMMAND --help' for a command's options.\n", out);
}

static void schema_show_help(FILE *out)
{
    fputs("Usage: wirekit schema show [OPTIONS] FILE\n"
          "\n"
          "Loads FILE and everything it imports, resolves every type, and prints the\n"
          "schema: one line per definition, with full names, field numbers, labels,\n"
          "types, JSON names, packing, defaults, oneofs, reserved numbers and names,\n"
          "options and the file's version (option (wirekit.version)). The format is\n"
          "described in docs/schema-show.md.\n"
          "\n"
          "Options:\n"
          "  -I, --include DIR  look for imports in DIR too; repeatable. Imports are\n"
          "                     looked up in FILE's folder first, then in each DIR in\n"
          "                     order; the well-known types (google/protobuf/...) also\n"
          "                     in /usr/include, else from built-in copies\n"
          "  -m, --message TYPE show only the message or enum TYPE (a full name, or a\n"
          "                     name that only one definition ends with) and every type\n"
          "                     its fields use\n"
          "  -a, --all          show the imported files too, imports first\n"
          "  -h, --help         show this help\n"
          "\n"
          "Errors are printed as FILE:LINE:COL: error: MESSAGE.\n"
          "\n"
          "Exit status: 0 shown; 1 the schema is not valid; 2 bad usage (or no such\n"
          "TYPE); 3 a file could not be read.\n"
          "\n"
          "Examples:\n"
          "  wirekit schema show order.proto\n"
          "  wirekit schema show -I protos protos/acme/order.proto -m acme.Order\n", out);
}

/* ------------------------------------------------------------------ */
/* Printing                                                            */
/* ------------------------------------------------------------------ */

/* A string in double quotes, with \ " and control characters escaped. */
static void show_quoted(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        switch (*c) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*c < 0x20 || *c == 0x7F) fprintf(out, "\\x%02X", *c);
            else fputc(*c, out);
        }
    }
    fputc('"', out);
}

static void show_option_value(FILE *out, const wk_option *o)
{
    if (o->kind == WK_OPTION_STRING) show_quoted(out, o->value);
    else fputs(o->value, out);
}

/* " [a = 1, (b).c = "x"]" after a definition; nothing when there are none. */
static void show_inline_options(FILE *out, const wk_option *options, size_t count)
{
    if (count == 0) return;
    fputs(" [", out);
    for (size_t i = 0; i < count; i++) {
        fprintf(out, "%s%s = ", i ? ", " : "", options[i].name);
        show_option_value(out, &options[i]);
    }
    fputc(']', out);
}

/* One "option NAME = VALUE" line per option, at the given indent. */
static void show_option_lines(FILE *out, const char *indent, const wk_option *options, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        fprintf(out, "%soption %s = ", indent, options[i].name);
        show_option_value(out, &options[i]);
        fputc('\n', out);
    }
}

static const char *show_label(wk_label label)
{
    switch (label) {
    case WK_LABEL_SINGULAR: return "singular";
    case WK_LABEL_OPTIONAL: return "optional";
    case WK_LABEL_REQUIRED: return "required";
    default: return "repeated";
    }
}

/* A field's type: "int32", "message acme.Item", "enum acme.Status", "group acme.M.G", "map<string, acme.Item>". */
static void show_type(FILE *out, const wk_field_def *f)
{
    if (f->is_map && f->message && f->message->field_count == 2) {
        const wk_field_def *key = &f->message->fields[0], *value = &f->message->fields[1];
        fprintf(out, "map<%s, ", wk_field_type_name(key->type));
        if (value->type == WK_TYPE_MESSAGE) fputs(value->message->full_name, out);
        else if (value->type == WK_TYPE_ENUM) fputs(value->enum_def->full_name, out);
        else fputs(wk_field_type_name(value->type), out);
        fputc('>', out);
        return;
    }
    switch (f->type) {
    case WK_TYPE_MESSAGE: fprintf(out, "message %s", f->message->full_name); break;
    case WK_TYPE_GROUP: fprintf(out, "group %s", f->message->full_name); break;
    case WK_TYPE_ENUM: fprintf(out, "enum %s", f->enum_def->full_name); break;
    default: fputs(wk_field_type_name(f->type), out); break;
    }
}

/* What every field line and extension line shares, after "NUMBER". */
static void show_field_body(FILE *out, const wk_field_def *f)
{
    fprintf(out, " %s ", show_label(f->label));
    show_type(out, f);
    if (f->explicit_json_name) {
        fputs(" json=", out);
        show_quoted(out, f->json_name);
    } else {
        fprintf(out, " json=%s", f->json_name);
    }
    if (f->packed) fputs(" packed", out);
    if (f->default_value) {
        fputs(" default=", out);
        if (f->type == WK_TYPE_STRING) show_quoted(out, f->default_value);
        else if (f->type == WK_TYPE_BYTES) fprintf(out, "\"%s\"", f->default_value); /* already escaped */
        else fputs(f->default_value, out);
    }
    if (f->oneof_index >= 0 && f->containing && (size_t)f->oneof_index < f->containing->oneof_count)
        fprintf(out, " oneof=%s", f->containing->oneofs[f->oneof_index].name);
    if (f->proto3_optional) fputs(" proto3_optional", out);
    show_inline_options(out, f->options, f->option_count);
}

static void show_reserved(FILE *out, const char *indent, const wk_reserved *r)
{
    if (r->range_count == 0 && r->name_count == 0) return;
    fprintf(out, "%sreserved ", indent);
    size_t n = 0;
    for (size_t i = 0; i < r->range_count; i++, n++) {
        if (r->ranges[i].start == r->ranges[i].end) fprintf(out, "%s%d", n ? ", " : "", r->ranges[i].start);
        else fprintf(out, "%s%d to %d", n ? ", " : "", r->ranges[i].start, r->ranges[i].end);
    }
    for (size_t i = 0; i < r->name_count; i++, n++) {
        if (n) fputs(", ", out);
        show_quoted(out, r->names[i]);
    }
    fputc('\n', out);
}

static void show_enum(FILE *out, const wk_enum_def *e)
{
    fprintf(out, "enum %s %s%s\n", e->full_name, e->closed ? "closed" : "open", e->allow_alias ? " allow_alias" : "");
    show_option_lines(out, "  ", e->options, e->option_count);
    for (size_t i = 0; i < e->value_count; i++) {
        const wk_enum_value_def *v = &e->values[i];
        fprintf(out, "  value %s.%s = %d", e->full_name, v->name, v->number);
        show_inline_options(out, v->options, v->option_count);
        fputc('\n', out);
    }
    show_reserved(out, "  ", &e->reserved);
}

/* A message's own lines (not its nested definitions). */
static void show_message_lines(FILE *out, const wk_message_def *m)
{
    fprintf(out, "message %s%s\n", m->full_name, m->map_entry ? " map_entry" : "");
    show_option_lines(out, "  ", m->options, m->option_count);
    for (size_t i = 0; i < m->field_count; i++) {
        const wk_field_def *f = &m->fields[i];
        fprintf(out, "  field %s.%s = %u", m->full_name, f->name, f->number);
        show_field_body(out, f);
        fputc('\n', out);
    }
    for (size_t i = 0; i < m->oneof_count; i++) {
        const wk_oneof_def *o = &m->oneofs[i];
        fprintf(out, "  oneof %s.%s%s =", m->full_name, o->name, o->synthetic ? " synthetic" : "");
        for (size_t j = 0; j < o->field_count; j++) fprintf(out, "%s %s", j ? "," : "", o->fields[j]->name);
        show_inline_options(out, o->options, o->option_count);
        fputc('\n', out);
    }
    show_reserved(out, "  ", &m->reserved);
    if (m->extension_range_count) {
        fputs("  extensions ", out);
        for (size_t i = 0; i < m->extension_range_count; i++) {
            const wk_range *r = &m->extension_ranges[i];
            if (r->start == r->end) fprintf(out, "%s%d", i ? ", " : "", r->start);
            else fprintf(out, "%s%d to %d", i ? ", " : "", r->start, r->end);
        }
        fputc('\n', out);
    }
}

/* A message, then its nested messages and enums, depth first. */
static void show_message(FILE *out, const wk_message_def *m)
{
    show_message_lines(out, m);
    for (size_t i = 0; i < m->message_count; i++) show_message(out, m->messages[i]);
    for (size_t i = 0; i < m->enum_count; i++) show_enum(out, m->enums[i]);
}

static void show_method(FILE *out, const wk_service_def *s, const wk_method_def *m)
{
    fprintf(out, "  rpc %s.%s (%s%s) returns (%s%s)", s->full_name, m->name, m->client_streaming ? "stream " : "",
            m->input ? m->input->full_name : m->input_type, m->server_streaming ? "stream " : "",
            m->output ? m->output->full_name : m->output_type);
    show_inline_options(out, m->options, m->option_count);
    fputc('\n', out);
}

static void show_file(FILE *out, const wk_file_def *f)
{
    fprintf(out, "file %s\n", f->path);
    fprintf(out, "  syntax proto%d\n", f->syntax);
    if (f->package[0]) fprintf(out, "  package %s\n", f->package);
    if (f->version) fprintf(out, "  version %s\n", f->version);
    for (size_t i = 0; i < f->import_count; i++) {
        fputs("  import ", out);
        show_quoted(out, f->imports[i].path);
        fprintf(out, "%s%s\n", f->imports[i].is_public ? " public" : "", f->imports[i].is_weak ? " weak" : "");
    }
    show_option_lines(out, "  ", f->options, f->option_count);
    for (size_t i = 0; i < f->message_count; i++) show_message(out, f->messages[i]);
    for (size_t i = 0; i < f->enum_count; i++) show_enum(out, f->enums[i]);
    for (size_t i = 0; i < f->service_count; i++) {
        const wk_service_def *s = &f->services[i];
        fprintf(out, "service %s\n", s->full_name);
        show_option_lines(out, "  ", s->options, s->option_count);
        for (size_t j = 0; j < s->method_count; j++) show_method(out, s, &s->methods[j]);
    }
    for (size_t i = 0; i < f->extension_count; i++) {
        const wk_extension_def *x = &f->extensions[i];
        const char *scope = x->scope ? x->scope->full_name : f->package;
        fprintf(out, "extension %s%s%s = %u extends %s", scope, scope[0] ? "." : "", x->field->name,
                x->field->number, x->extendee_def ? x->extendee_def->full_name : x->extendee);
        show_field_body(out, x->field);
        fputc('\n', out);
    }
}

/* ------------------------------------------------------------------ */
/* show -m TYPE: a type and the types it uses                          */
/* ------------------------------------------------------------------ */

typedef struct show_closure {
    const void **items;   /* wk_message_def or wk_enum_def */
    bool *is_message;
    size_t count;
    size_t cap;
} show_closure;

/* Adds a definition once; false when out of memory. */
static bool show_closure_add(show_closure *c, const void *def, bool is_message)
{
    for (size_t i = 0; i < c->count; i++)
        if (c->items[i] == def) return true;
    if (c->count == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        const void **items = realloc(c->items, cap * sizeof *items);
        if (!items) return false;
        c->items = items;
        bool *kinds = realloc(c->is_message, cap * sizeof *kinds);
        if (!kinds) return false;
        c->is_message = kinds;
        c->cap = cap;
    }
    c->items[c->count] = def;
    c->is_message[c->count] = is_message;
    c->count++;
    return true;
}

/* Breadth first from the start: each message's field types join the list as they are met. */
static bool show_closure_build(show_closure *c)
{
    for (size_t i = 0; i < c->count; i++) {
        if (!c->is_message[i]) continue;
        const wk_message_def *m = c->items[i];
        for (size_t j = 0; j < m->field_count; j++) {
            const wk_field_def *f = &m->fields[j];
            if (f->message && !show_closure_add(c, f->message, true)) return false;
            if (f->enum_def && !show_closure_add(c, f->enum_def, false)) return false;
        }
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* The commands                                                        */
/* ------------------------------------------------------------------ */

/* Prints a load error as FILE:LINE:COL: error: MESSAGE; returns the exit status. */
static int schema_report(const char *path, const wk_status *st)
{
    const char *file = st->file[0] ? st->file : path;
    if (st->line) fprintf(stderr, "%s:%u:%u: error: %s\n", file, st->line, st->col, st->msg);
    else fprintf(stderr, "%s: error: %s\n", file, st->msg);
    return st->code == WK_ERR_IO || st->code == WK_ERR_NOMEM ? CLI_IO : CLI_DATA;
}

static int schema_show(int argc, char **argv)
{
    const char *input = NULL, *type = NULL;
    bool all = false;
    const char **includes = calloc((size_t)argc + 1, sizeof *includes);
    size_t include_count = 0;
    if (!includes) {
        cli_error("out of memory");
        return CLI_IO;
    }
    int rc = CLI_OK;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value;
        int m;
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            schema_show_help(stdout);
            goto done;
        }
        if (strncmp(arg, "-I", 2) == 0 && arg[2] != '\0') {
            includes[include_count++] = arg + 2;
            continue;
        }
        if ((m = cli_opt_value(argc, argv, &i, "--include", "-I", &value, "schema show")) != 0) {
            if (m < 0) {
                rc = CLI_USAGE;
                goto done;
            }
            includes[include_count++] = value;
            continue;
        }
        if ((m = cli_opt_value(argc, argv, &i, "--message", "-m", &type, "schema show")) != 0) {
            if (m < 0) {
                rc = CLI_USAGE;
                goto done;
            }
            continue;
        }
        if (strcmp(arg, "-a") == 0 || strcmp(arg, "--all") == 0) {
            all = true;
            continue;
        }
        if (arg[0] == '-' && arg[1] != '\0') {
            rc = cli_usage_error("schema show", "unknown option '%s'", arg);
            goto done;
        }
        if (input) {
            rc = cli_usage_error("schema show", "one schema at a time ('%s' and '%s')", input, arg);
            goto done;
        }
        input = arg;
    }
    if (!input) {
        rc = cli_usage_error("schema show", "which .proto file? (wirekit schema show FILE)");
        goto done;
    }

    wk_schema_opts opts = {includes, include_count};
    wk_schema *schema = NULL;
    wk_status st;
    if (wk_schema_load(input, &opts, &schema, &st) != WK_OK) {
        rc = schema_report(input, &st);
        goto done;
    }
    if (type) {
        const wk_message_def *m = wk_schema_message(schema, type);
        const wk_enum_def *e = m ? NULL : wk_schema_enum(schema, type);
        if (!m && !e) {
            rc = cli_usage_error("schema show",
                                 "no message or enum named '%s' in %s (a short name must belong to one definition only)",
                                 type, input);
        } else {
            show_closure c = {0};
            bool ok = show_closure_add(&c, m ? (const void *)m : (const void *)e, m != NULL) && show_closure_build(&c);
            if (!ok) {
                cli_error("out of memory");
                rc = CLI_IO;
            } else {
                for (size_t i = 0; i < c.count; i++) {
                    if (c.is_message[i]) show_message_lines(stdout, c.items[i]);
                    else show_enum(stdout, c.items[i]);
                }
            }
            free(c.items);
            free(c.is_message);
        }
    } else {
        size_t n = wk_schema_file_count(schema);
        for (size_t i = all ? 0 : n - 1; i < n; i++) show_file(stdout, wk_schema_file(schema, i));
    }
    wk_schema_free(schema);
    if (rc == CLI_OK && (fflush(stdout) != 0 || ferror(stdout))) {
        cli_error("cannot write to standard output");
        rc = CLI_IO;
    }
done:
    free(includes);
    return rc;
}

int cli_schema(int argc, char **argv)
{
    if (argc < 2) {
        schema_help(stderr);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        schema_help(stdout);
        return CLI_OK;
    }
    for (const schema_command *c = schema_commands; c->name; c++)
        if (strcmp(c->name, cmd) == 0) return c->run(argc - 1, argv + 1);
    return cli_usage_error("schema", "unknown schema command '%s'", cmd);
}
