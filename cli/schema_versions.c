/*
 * wirekit schema diff | check | bump: versions of a schema compared.
 *
 *   diff   lists every change between two versions with its effect on each
 *          format in each direction, and the bump they need (text or JSON,
 *          documented in docs/schema-diff.md);
 *   check  compares the bump two versions declare (option (wirekit.version),
 *          or --old-version/--new-version) with the bump their changes need,
 *          for one pair or for a folder of versions (--history);
 *   bump   prints the smallest correct version for the new file, and with
 *          --write puts it into the file; over a folder of versions
 *          (--history), for each file after the first, fixing them forward.
 *
 * All three are clients of include/wirekit/schema_diff.h; the rules are the
 * library's (docs/compatibility.md).
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* What the three commands share on their command lines. */
typedef struct versions_args {
    const char *cmd;              /* "schema diff", ... for messages */
    const char *paths[2];         /* OLD and NEW */
    size_t path_count;
    const char **includes;
    size_t include_count;
    const char *type;             /* -m */
    uint32_t formats;
    wk_compat_mode mode;
    const char *output;           /* diff: text or json */
    bool explain;
    const char *old_version;      /* check, bump */
    const char *new_version;
    const char *history;          /* check, bump: a folder of versions */
    bool by_name;                 /* --order name: the history by file name, not version */
    bool transitive;
    bool write;                   /* bump */
} versions_args;

static void versions_common_help(FILE *out)
{
    fputs("  -m, --message TYPE   compare TYPE and the types its fields use (a full name,\n"
          "                       or a short name unique in each schema); default: every\n"
          "                       message and enum of the files\n"
          "  -I, --include DIR    look for imports in DIR too; repeatable\n"
          "  --formats LIST       the formats in use, comma-separated: protobuf, json, xml,\n"
          "                       msgpack (keyed by name), msgpack-numbers (keyed by\n"
          "                       number), or all; default protobuf,json,xml,msgpack\n"
          "  --mode MODE          the directions that must keep working: backward (new\n"
          "                       readers, old data), forward (old readers, new data) or\n"
          "                       full (both, the default)\n"
          "  -h, --help           show this help\n", out);
}

static void versions_diff_help(FILE *out)
{
    fputs("Usage: wirekit schema diff [OPTIONS] OLD.proto NEW.proto\n"
          "\n"
          "Lists every change from OLD to NEW: each with its kind, its place in both\n"
          "files (FILE:LINE), what changed, and whether it breaks each format in each\n"
          "direction (backward: a new reader reading old data; forward: an old reader\n"
          "reading new data); then the version bump the changes need. The rules and\n"
          "their reasons are in docs/compatibility.md, the output in docs/schema-diff.md.\n"
          "\n"
          "Options:\n", out);
    versions_common_help(out);
    fputs("  --output FORM        text (the default) or json\n"
          "  --explain            text: after each change, why each break breaks\n"
          "\n"
          "Exit status: 0 compared (with or without changes); 1 a schema is not valid;\n"
          "2 bad usage (or no such TYPE); 3 a file could not be read.\n"
          "\n"
          "Example:\n"
          "  wirekit schema diff -m acme.Order v1/order.proto v2/order.proto\n", out);
}

static void versions_check_help(FILE *out)
{
    fputs("Usage: wirekit schema check [OPTIONS] OLD.proto NEW.proto\n"
          "       wirekit schema check [OPTIONS] --history DIR\n"
          "\n"
          "Checks that the version NEW declares is a big enough step from OLD's for\n"
          "what changed: MAJOR when a change breaks a format in use in a direction of\n"
          "the mode, MINOR for compatible additions, PATCH for changes no reader or\n"
          "writer sees. Versions are read from option (wirekit.version) in each file.\n"
          "From 0.y.z or from a pre-release, any higher version is enough (SemVer\n"
          "items 4 and 9); an equal or lower version is enough only when nothing\n"
          "changed. Each change that needs more than the declared step is named.\n"
          "\n"
          "Options:\n", out);
    versions_common_help(out);
    fputs("  --old-version V      OLD's version, instead of the file's option\n"
          "  --new-version V      NEW's version, instead of the file's option\n"
          "  --history DIR        check every .proto file in DIR against the next one,\n"
          "                       ordered by their declared versions (SemVer precedence)\n"
          "  --order KEY          with --history: version (the default) or name (by\n"
          "                       file name, numbers in names compared as numbers)\n"
          "  --transitive         with --history, also check every version against\n"
          "                       every later one, not only the next\n"
          "\n"
          "Exit status: 0 every step is big enough; 1 a step is too small, two files\n"
          "declare the same version, or a schema is not valid; 2 bad usage (a missing\n"
          "or malformed version, no such TYPE); 3 a file could not be read.\n"
          "\n"
          "Examples:\n"
          "  wirekit schema check v1/order.proto v2/order.proto\n"
          "  wirekit schema check --formats protobuf --mode backward --history versions/\n", out);
}

static void versions_bump_help(FILE *out)
{
    fputs("Usage: wirekit schema bump [OPTIONS] OLD.proto NEW.proto\n"
          "       wirekit schema bump [OPTIONS] --history DIR\n"
          "\n"
          "Prints the smallest correct version for NEW: OLD's version (option\n"
          "(wirekit.version), or --old-version) raised by the bump NEW's changes need\n"
          "(MAJOR: X+1.0.0, MINOR: X.Y+1.0, PATCH or no change: X.Y.Z+1; from 0.y.z a\n"
          "breaking change gives 0.y+1.0 and anything else 0.y.z+1).\n"
          "\n"
          "With --history DIR, the .proto files of DIR are put in order (by their\n"
          "declared versions, or --order name) and each file after the first is\n"
          "judged against the one before it, as that one is once fixed: one line per\n"
          "file, 'ok' when its version is big enough and above the previous one, else\n"
          "'too small', 'same version' or 'no version' with the version to use.\n"
          "\n"
          "Options:\n", out);
    versions_common_help(out);
    fputs("  --old-version V      OLD's version, instead of the file's option\n"
          "  --write              also write the version into NEW's option\n"
          "                       (wirekit.version), in place and atomically; a file\n"
          "                       without the option gets one after its package line.\n"
          "                       With --history: each file whose version is not ok,\n"
          "                       in order, so that later files build on the fixes\n"
          "  --history DIR        every .proto file in DIR, each after the one before\n"
          "  --order KEY          with --history: version (the default: every file must\n"
          "                       declare one) or name (by file name, numbers in names\n"
          "                       compared as numbers; only the first needs a version)\n"
          "\n"
          "Exit status: 0 printed (and written), even when a version was wrong ('wirekit\n"
          "schema check' fails on those); 1 a schema is not valid, or two files declare\n"
          "the same version; 2 bad usage (a missing or malformed version, no such\n"
          "TYPE); 3 a file could not be read or written.\n"
          "\n"
          "Examples:\n"
          "  wirekit schema bump --write v1/order.proto v2/order.proto\n"
          "  wirekit schema bump --order name --write --history versions/\n", out);
}

/* Parses the options; returns -1 to go on, or the exit status (help printed, usage error). */
static int versions_parse(int argc, char **argv, versions_args *a, void (*help)(FILE *))
{
    a->formats = WK_COMPAT_DEFAULT_FORMATS;
    a->mode = WK_COMPAT_FULL;
    a->output = "text";
    a->includes = calloc((size_t)argc + 1, sizeof *a->includes);
    if (!a->includes) {
        cli_error("out of memory");
        return CLI_IO;
    }
    bool is_diff = strcmp(a->cmd, "schema diff") == 0, is_check = strcmp(a->cmd, "schema check") == 0;
    bool order_given = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value;
        int m;
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            help(stdout);
            return CLI_OK;
        }
        if (strncmp(arg, "-I", 2) == 0 && arg[2] != '\0') {
            a->includes[a->include_count++] = arg + 2;
            continue;
        }
        if ((m = cli_opt_value(argc, argv, &i, "--include", "-I", &value, a->cmd)) != 0) {
            if (m < 0) return CLI_USAGE;
            a->includes[a->include_count++] = value;
            continue;
        }
        if ((m = cli_opt_value(argc, argv, &i, "--message", "-m", &a->type, a->cmd)) != 0) {
            if (m < 0) return CLI_USAGE;
            continue;
        }
        if ((m = cli_opt_value(argc, argv, &i, "--formats", NULL, &value, a->cmd)) != 0) {
            if (m < 0) return CLI_USAGE;
            wk_status st;
            if (wk_compat_formats_parse(value, &a->formats, &st) != WK_OK)
                return cli_usage_error(a->cmd, "--formats: %s", st.msg);
            continue;
        }
        if ((m = cli_opt_value(argc, argv, &i, "--mode", NULL, &value, a->cmd)) != 0) {
            if (m < 0) return CLI_USAGE;
            if (strcmp(value, "backward") == 0) a->mode = WK_COMPAT_MODE_BACKWARD;
            else if (strcmp(value, "forward") == 0) a->mode = WK_COMPAT_MODE_FORWARD;
            else if (strcmp(value, "full") == 0) a->mode = WK_COMPAT_FULL;
            else return cli_usage_error(a->cmd, "--mode takes backward, forward or full, not '%s'", value);
            continue;
        }
        if (is_diff && (m = cli_opt_value(argc, argv, &i, "--output", NULL, &a->output, a->cmd)) != 0) {
            if (m < 0) return CLI_USAGE;
            if (strcmp(a->output, "text") != 0 && strcmp(a->output, "json") != 0)
                return cli_usage_error(a->cmd, "--output takes text or json, not '%s'", a->output);
            continue;
        }
        if (is_diff && strcmp(arg, "--explain") == 0) {
            a->explain = true;
            continue;
        }
        if (!is_diff && (m = cli_opt_value(argc, argv, &i, "--old-version", NULL, &a->old_version, a->cmd)) != 0) {
            if (m < 0) return CLI_USAGE;
            continue;
        }
        if (is_check && (m = cli_opt_value(argc, argv, &i, "--new-version", NULL, &a->new_version, a->cmd)) != 0) {
            if (m < 0) return CLI_USAGE;
            continue;
        }
        if (!is_diff && (m = cli_opt_value(argc, argv, &i, "--history", NULL, &a->history, a->cmd)) != 0) {
            if (m < 0) return CLI_USAGE;
            continue;
        }
        if (!is_diff && (m = cli_opt_value(argc, argv, &i, "--order", NULL, &value, a->cmd)) != 0) {
            if (m < 0) return CLI_USAGE;
            if (strcmp(value, "name") == 0) a->by_name = true;
            else if (strcmp(value, "version") == 0) a->by_name = false;
            else return cli_usage_error(a->cmd, "--order takes version or name, not '%s'", value);
            order_given = true;
            continue;
        }
        if (is_check && strcmp(arg, "--transitive") == 0) {
            a->transitive = true;
            continue;
        }
        if (!is_diff && !is_check && strcmp(arg, "--write") == 0) {
            a->write = true;
            continue;
        }
        if (arg[0] == '-' && arg[1] != '\0') return cli_usage_error(a->cmd, "unknown option '%s'", arg);
        if (a->path_count == 2) return cli_usage_error(a->cmd, "two schemas only (OLD and NEW), not also '%s'", arg);
        a->paths[a->path_count++] = arg;
    }
    if (a->history) {
        if (a->path_count) return cli_usage_error(a->cmd, "--history DIR takes no OLD and NEW files");
        if (a->old_version || a->new_version)
            return cli_usage_error(a->cmd, "--history reads each file's own version: no --old-version or --new-version");
        return -1;
    }
    if (a->transitive) return cli_usage_error(a->cmd, "--transitive goes with --history DIR");
    if (order_given) return cli_usage_error(a->cmd, "--order goes with --history DIR");
    if (a->path_count != 2)
        return cli_usage_error(a->cmd, "which two schemas? (wirekit %s OLD.proto NEW.proto)", a->cmd);
    return -1;
}

/* Loads a schema with the -I folders; prints the error and returns the exit status on failure. */
static int versions_load(const versions_args *a, const char *path, wk_schema **out)
{
    *out = NULL;
    return cli_open_schema(path, a->includes, a->include_count, out);
}

/* Compares two loaded schemas; prints the error and returns the exit status on failure. */
static int versions_diff_schemas(const versions_args *a, const wk_schema *old_s, const wk_schema *new_s,
                                 wk_diff **d)
{
    wk_diff_opts o = {a->type};
    wk_status st;
    wk_code code = wk_schema_diff(old_s, new_s, &o, d, &st);
    if (code == WK_OK) return CLI_OK;
    if (code == WK_ERR_NOT_FOUND) return cli_usage_error(a->cmd, "%s", st.msg);
    cli_error("%s", st.msg);
    return CLI_IO;
}

static int versions_flush(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error("cannot write to standard output");
        return CLI_IO;
    }
    return CLI_OK;
}

static int versions_diff(int argc, char **argv)
{
    versions_args a = {.cmd = "schema diff"};
    int rc = versions_parse(argc, argv, &a, versions_diff_help);
    if (rc >= 0) {
        free(a.includes);
        return rc;
    }
    wk_schema *old_s = NULL, *new_s = NULL;
    wk_diff *d = NULL;
    rc = versions_load(&a, a.paths[0], &old_s);
    if (rc == CLI_OK) rc = versions_load(&a, a.paths[1], &new_s);
    if (rc == CLI_OK) rc = versions_diff_schemas(&a, old_s, new_s, &d);
    if (rc == CLI_OK) {
        wk_buf out;
        wk_buf_init(&out);
        wk_code code = strcmp(a.output, "json") == 0
                           ? wk_diff_write_json(d, a.formats, a.mode, &out)
                           : wk_diff_write_text(d, a.formats, a.mode, a.explain ? WK_DIFF_EXPLAIN : 0, &out);
        if (code != WK_OK) {
            cli_error("out of memory");
            rc = CLI_IO;
        } else {
            fwrite(out.data, 1, out.len, stdout);
            rc = versions_flush();
        }
        wk_buf_destroy(&out);
    }
    wk_diff_free(d);
    wk_schema_free(old_s);
    wk_schema_free(new_s);
    free(a.includes);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Versions                                                            */
/* ------------------------------------------------------------------ */

/*
 * A schema's version: the flag when given, else the file's option. Prints
 * why not and returns CLI_USAGE when there is none or it is not SemVer.
 */
static int versions_version_of(const versions_args *a, const char *path, const wk_schema *s, const char *flag,
                               const char *flag_name, wk_semver *out)
{
    const char *text = flag ? flag : wk_schema_main_file(s)->version;
    if (!text) {
        cli_error("%s has no version: it declares no option (wirekit.version) = \"X.Y.Z\"; add one, or give %s",
                  path, flag_name);
        fprintf(stderr, "Try 'wirekit %s --help'.\n", a->cmd);
        return CLI_USAGE;
    }
    wk_status st;
    if (wk_semver_parse(text, strlen(text), out, &st) != WK_OK)
        return cli_usage_error(a->cmd, "%s: \"%s\" is not a SemVer 2.0.0 version: %s (at character %zu)", flag_name,
                               text, st.msg, st.offset + 1);
    return CLI_OK;
}

static void versions_print_version(FILE *out, const wk_semver *v)
{
    fprintf(out, "%llu.%llu.%llu", (unsigned long long)v->major, (unsigned long long)v->minor,
            (unsigned long long)v->patch);
    if (v->prerelease_len) fprintf(out, "-%.*s", (int)v->prerelease_len, v->prerelease);
    if (v->build_len) fprintf(out, "+%.*s", (int)v->build_len, v->build);
}

static void versions_print_pos(FILE *out, const wk_source_pos *p)
{
    if (p->file && p->line) fprintf(out, "%s:%u", p->file, p->line);
    else fputs("(none)", out);
}

/* The change lines of a failed check: each change whose bump is above the declared step. */
static void versions_print_culprits(const versions_args *a, const wk_diff *d, const wk_semver *from,
                                    const wk_semver *to)
{
    for (size_t i = 0; i < wk_diff_change_count(d); i++) {
        const wk_change *c = wk_diff_change(d, i);
        wk_bump b = wk_change_bump(c, a->formats, a->mode);
        if (wk_semver_step_allows(from, to, b)) continue;
        fputs("  ", stdout);
        versions_print_pos(stdout, &c->old_pos);
        fputs(" -> ", stdout);
        versions_print_pos(stdout, &c->new_pos);
        printf(": %s %s (%s) needs %s", wk_change_kind_name(c->kind), c->path, c->detail, wk_bump_name(b));
        /* The first break in the selected formats and mode says why. */
        bool said = false;
        for (int f = 0; f < WK_COMPAT_FORMAT_COUNT && !said; f++) {
            if (!(a->formats & WK_COMPAT_MASK(f))) continue;
            for (int dir = 0; dir < 2 && !said; dir++) {
                if (!c->effects[f][dir].breaks || !((unsigned)a->mode & (1u << dir))) continue;
                printf(": %s %s: %s", wk_compat_format_name((wk_compat_format)f), dir ? "forward" : "backward",
                       c->effects[f][dir].reason);
                said = true;
            }
        }
        if (!said && b > WK_BUMP_NONE)
            printf(": %s", b == c->level ? c->level_reason : "it breaks a format in the direction not checked");
        fputc('\n', stdout);
    }
}

/*
 * One step: prints "ok" or "too small" with the versions and the bumps;
 * true when the declared step is enough.
 */
static bool versions_check_step(const versions_args *a, const char *old_path, const char *new_path, const wk_diff *d,
                                const wk_semver *from, const wk_semver *to)
{
    wk_bump need = wk_diff_bump(d, a->formats, a->mode);
    bool ok = wk_semver_step_allows(from, to, need);
    printf("%s: %s -> %s: ", ok ? "ok" : "too small", old_path, new_path);
    versions_print_version(stdout, from);
    fputs(" -> ", stdout);
    versions_print_version(stdout, to);
    wk_bump declared = wk_semver_step_bump(from, to);
    int cmp = wk_semver_cmp(to, from);
    printf(" declares %s, the changes need %s", cmp < 0 ? "a lower version" : wk_bump_name(declared),
           wk_bump_name(need));
    if (ok && need > declared && cmp > 0) fputs(" (allowed: from 0.y.z or a pre-release anything may change)", stdout);
    fputc('\n', stdout);
    if (!ok) versions_print_culprits(a, d, from, to);
    return ok;
}

/* ------------------------------------------------------------------ */
/* Histories: a folder of versions                                     */
/* ------------------------------------------------------------------ */

/* One file of a history folder. */
typedef struct versions_entry {
    char *path;                   /* DIR/NAME as given */
    const char *name;             /* NAME, inside path */
    wk_schema *schema;
    bool has_version;
    wk_semver version;            /* declared; points into the schema */
    char next[96];                /* bump: the version it should have */
} versions_entry;

typedef struct versions_history_set {
    versions_entry *entries;
    size_t count;
} versions_history_set;

/*
 * File names with the numbers in them compared as numbers, so that
 * v2.proto comes before v10.proto; otherwise byte by byte. A longer run of
 * digits (leading zeros aside) is the larger number; equal numbers written
 * differently (07, 7) fall back to the bytes, so that the order is total.
 */
static int versions_name_cmp(const void *x, const void *y)
{
    const unsigned char *a = (const unsigned char *)((const versions_entry *)x)->name;
    const unsigned char *b = (const unsigned char *)((const versions_entry *)y)->name;
    const unsigned char *a0 = a, *b0 = b;
    while (*a && *b) {
        bool da = *a >= '0' && *a <= '9', db = *b >= '0' && *b <= '9';
        if (da && db) {
            while (*a == '0') a++;
            while (*b == '0') b++;
            size_t la = 0, lb = 0;
            while (a[la] >= '0' && a[la] <= '9') la++;
            while (b[lb] >= '0' && b[lb] <= '9') lb++;
            if (la != lb) return la < lb ? -1 : 1;
            int c = memcmp(a, b, la);
            if (c) return c;
            a += la;
            b += lb;
            continue;
        }
        if (*a != *b) return *a < *b ? -1 : 1;
        a++;
        b++;
    }
    if (*a || *b) return *a ? 1 : -1;
    return strcmp((const char *)a0, (const char *)b0);
}

/*
 * By version; equal versions (an error, reported after sorting) by name,
 * so that the message names them in the same order on every system.
 */
static int versions_version_cmp(const void *x, const void *y)
{
    const versions_entry *a = x, *b = y;
    int c = wk_semver_cmp(&a->version, &b->version);
    return c ? c : versions_name_cmp(x, y);
}

static void versions_history_free(versions_history_set *h)
{
    for (size_t i = 0; i < h->count; i++) {
        wk_schema_free(h->entries[i].schema);
        free(h->entries[i].path);
    }
    free(h->entries);
    h->entries = NULL;
    h->count = 0;
}

/* The names of the .proto files of the folder, sorted by name into h. */
static int versions_history_list(const versions_args *a, versions_history_set *h)
{
    DIR *dir = opendir(a->history);
    if (!dir) {
        cli_error("cannot read the folder '%s': %s", a->history, strerror(errno));
        return CLI_IO;
    }
    size_t cap = 0, dlen = strlen(a->history);
    const char *sep = dlen && a->history[dlen - 1] == '/' ? "" : "/";
    int rc = CLI_OK;
    struct dirent *de;
    while (rc == CLI_OK && (de = readdir(dir)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n < 7 || strcmp(de->d_name + n - 6, ".proto") != 0 || de->d_name[0] == '.') continue;
        if (h->count == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            versions_entry *grown = realloc(h->entries, ncap * sizeof *grown);
            if (!grown) {
                rc = CLI_IO;
                cli_error("out of memory");
                break;
            }
            h->entries = grown;
            cap = ncap;
        }
        versions_entry *e = &h->entries[h->count];
        memset(e, 0, sizeof *e);
        e->path = malloc(dlen + n + 2);
        if (!e->path) {
            rc = CLI_IO;
            cli_error("out of memory");
            break;
        }
        snprintf(e->path, dlen + n + 2, "%s%s%s", a->history, sep, de->d_name);
        e->name = e->path + dlen + strlen(sep);
        h->count++;
    }
    closedir(dir);
    /* Sorted before loading, so that errors name files in the same order on every system. */
    if (rc == CLI_OK && h->count > 1) qsort(h->entries, h->count, sizeof *h->entries, versions_name_cmp);
    return rc;
}

/* Appends "A, B and C" (the paths of the files without a version) to buf. */
static void versions_name_missing(const versions_history_set *h, char *buf, size_t cap)
{
    size_t missing = 0, said = 0, n = 0;
    for (size_t i = 0; i < h->count; i++) missing += !h->entries[i].has_version;
    buf[0] = '\0';
    for (size_t i = 0; i < h->count && n < cap; i++) {
        if (h->entries[i].has_version) continue;
        said++;
        const char *joint = said == 1 ? "" : said == missing ? " and " : ", ";
        int w = snprintf(buf + n, cap - n, "%s%s", joint, h->entries[i].path);
        if (w < 0) break;
        n += (size_t)w;
    }
}

/*
 * Lists and loads the folder's .proto files, reads their versions and puts
 * them in order: by version (each file must declare one, no two the same)
 * or by name (for check each file needs a version, for bump the first
 * one). Prints the error and returns the exit status on failure.
 */
static int versions_history_load(const versions_args *a, bool only_first_needs_version, versions_history_set *h)
{
    int rc = versions_history_list(a, h);
    if (rc != CLI_OK) return rc;
    if (h->count < 2)
        return cli_usage_error(a->cmd, "%s holds %zu .proto file%s: a history needs two or more", a->history,
                               h->count, h->count == 1 ? "" : "s");
    size_t missing = 0;
    for (size_t i = 0; i < h->count && rc == CLI_OK; i++) {
        versions_entry *e = &h->entries[i];
        rc = versions_load(a, e->path, &e->schema);
        if (rc != CLI_OK) break;
        e->has_version = wk_schema_main_file(e->schema)->version != NULL;
        if (e->has_version) rc = versions_version_of(a, e->path, e->schema, NULL, e->path, &e->version);
        else missing++;
    }
    if (rc != CLI_OK) return rc;
    if (missing && !(a->by_name && only_first_needs_version)) {
        char names[1024];
        versions_name_missing(h, names, sizeof names);
        return cli_usage_error(a->cmd, "%s declare%s no version: each file of the history needs option "
                               "(wirekit.version) = \"X.Y.Z\"%s", names, missing == 1 ? "s" : "",
                               only_first_needs_version ? " (or give --order name: then only the first file "
                                                          "by name needs one)" : "");
    }
    if (a->by_name) {
        if (!h->entries[0].has_version)
            return cli_usage_error(a->cmd, "%s, the first file by name, declares no version: the history starts "
                                   "from it, so it needs option (wirekit.version) = \"X.Y.Z\"", h->entries[0].path);
        return CLI_OK;
    }
    qsort(h->entries, h->count, sizeof *h->entries, versions_version_cmp);
    for (size_t i = 0; i + 1 < h->count; i++) {
        if (wk_semver_cmp(&h->entries[i].version, &h->entries[i + 1].version) == 0) {
            cli_error("%s and %s declare the same version, so the order of the history is not known (give "
                      "--order name to order the files by name)", h->entries[i].path, h->entries[i + 1].path);
            return CLI_DATA;
        }
    }
    return CLI_OK;
}

static int versions_check_history(versions_args *a)
{
    versions_history_set h = {0};
    int rc = versions_history_load(a, false, &h);
    bool all_ok = true;
    for (size_t i = 0; i + 1 < h.count && rc == CLI_OK; i++) {
        for (size_t j = i + 1; j < h.count && rc == CLI_OK; j++) {
            if (j > i + 1 && !a->transitive) break;
            wk_diff *d = NULL;
            rc = versions_diff_schemas(a, h.entries[i].schema, h.entries[j].schema, &d);
            if (rc == CLI_OK && !versions_check_step(a, h.entries[i].path, h.entries[j].path, d, &h.entries[i].version,
                                                     &h.entries[j].version))
                all_ok = false;
            wk_diff_free(d);
        }
    }
    versions_history_free(&h);
    if (rc == CLI_OK) rc = versions_flush();
    return rc == CLI_OK && !all_ok ? CLI_DATA : rc;
}

static int versions_check(int argc, char **argv)
{
    versions_args a = {.cmd = "schema check"};
    int rc = versions_parse(argc, argv, &a, versions_check_help);
    if (rc >= 0 || a.history) {
        if (rc < 0) rc = versions_check_history(&a);
        free(a.includes);
        return rc;
    }
    wk_schema *old_s = NULL, *new_s = NULL;
    wk_diff *d = NULL;
    wk_semver from, to;
    rc = versions_load(&a, a.paths[0], &old_s);
    if (rc == CLI_OK) rc = versions_load(&a, a.paths[1], &new_s);
    if (rc == CLI_OK) rc = versions_version_of(&a, a.paths[0], old_s, a.old_version, "--old-version", &from);
    if (rc == CLI_OK) rc = versions_version_of(&a, a.paths[1], new_s, a.new_version, "--new-version", &to);
    if (rc == CLI_OK) rc = versions_diff_schemas(&a, old_s, new_s, &d);
    if (rc == CLI_OK) {
        bool ok = versions_check_step(&a, a.paths[0], a.paths[1], d, &from, &to);
        rc = versions_flush();
        if (rc == CLI_OK && !ok) rc = CLI_DATA;
    }
    wk_diff_free(d);
    wk_schema_free(old_s);
    wk_schema_free(new_s);
    free(a.includes);
    return rc;
}

/* ------------------------------------------------------------------ */
/* bump --write                                                        */
/* ------------------------------------------------------------------ */

/* The byte offset of a 1-based line and column (columns count UTF-8 characters). */
static size_t versions_offset(const char *text, size_t len, uint32_t line, uint32_t col)
{
    size_t at = 0;
    for (uint32_t l = 1; l < line && at < len; at++)
        if (text[at] == '\n') l++;
    for (uint32_t c = 1; c < col && at < len && text[at] != '\n'; c++) {
        at++;
        while (at < len && ((unsigned char)text[at] & 0xC0) == 0x80) at++;
    }
    return at;
}

/* Skips white space and comments from text[at]. */
static size_t versions_skip_space(const char *text, size_t len, size_t at)
{
    for (;;) {
        while (at < len && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r' ||
                            text[at] == '\f' || text[at] == '\v'))
            at++;
        if (at + 1 < len && text[at] == '/' && text[at + 1] == '/') {
            while (at < len && text[at] != '\n') at++;
        } else if (at + 1 < len && text[at] == '/' && text[at + 1] == '*') {
            at += 2;
            while (at + 1 < len && !(text[at] == '*' && text[at + 1] == '/')) at++;
            at = at + 2 <= len ? at + 2 : len;
        } else {
            return at;
        }
    }
}

/* The end of the string literal that starts at text[at] (its closing quote included). */
static size_t versions_string_end(const char *text, size_t len, size_t at)
{
    char quote = text[at++];
    while (at < len && text[at] != quote) at += text[at] == '\\' ? 2 : 1;
    return at < len ? at + 1 : len;
}

/*
 * Puts `version` into the (wirekit.version) option of the file `path`,
 * whose loaded main file is f: the option's string is replaced, every other
 * byte kept; a file without the option gets one (and the import of
 * wirekit/options.proto, when missing) after its package line, or its
 * syntax line, or at the top.
 */
static int versions_write(const char *path, const wk_file_def *f, const char *version)
{
    wk_buf text;
    wk_buf_init(&text);
    int rc = cli_read_file(path, &text);
    if (rc != CLI_OK) {
        wk_buf_destroy(&text);
        return rc;
    }
    const char *src = (const char *)text.data;
    size_t len = text.len;
    const wk_option *opt = NULL;
    for (size_t i = 0; i < f->option_count; i++)
        if (strcmp(f->options[i].name, "(wirekit.version)") == 0 || strcmp(f->options[i].name, "(.wirekit.version)") == 0)
            opt = &f->options[i];
    wk_buf out;
    wk_buf_init(&out);
    wk_code code = WK_OK;
    if (opt) {
        /* From the option's name: past '=', the string (adjacent strings joined). */
        size_t at = versions_offset(src, len, opt->pos.line, opt->pos.col);
        while (at < len && src[at] != '=') at++;
        size_t start = versions_skip_space(src, len, at + 1), end = start;
        while (end < len && (src[end] == '"' || src[end] == '\'')) {
            end = versions_string_end(src, len, end);
            size_t next = versions_skip_space(src, len, end);
            if (next < len && (src[next] == '"' || src[next] == '\'')) end = next;
            else break;
        }
        if (end == start) {
            cli_error("%s: cannot find the string of option (wirekit.version)", path);
            wk_buf_destroy(&text);
            return CLI_DATA;
        }
        code = wk_buf_append(&out, src, start);
        if (code == WK_OK) code = wk_buf_append(&out, "\"", 1);
        if (code == WK_OK) code = wk_buf_append(&out, version, strlen(version));
        if (code == WK_OK) code = wk_buf_append(&out, "\"", 1);
        if (code == WK_OK) code = wk_buf_append(&out, src + end, len - end);
    } else {
        /* After the package statement, else the syntax statement: the end of its line. */
        size_t at = 0;
        bool found = false;
        const char *keys[] = {"package", "syntax"};
        for (int k = 0; k < 2 && !found; k++) {
            size_t klen = strlen(keys[k]);
            size_t p = versions_skip_space(src, len, 0);
            while (p < len && !found) {
                char after = p + klen < len ? src[p + klen] : ' ';
                bool word_end = !(after == '_' || (after >= 'a' && after <= 'z') || (after >= 'A' && after <= 'Z') ||
                                  (after >= '0' && after <= '9'));
                bool hit = strncmp(src + p, keys[k], klen) == 0 && word_end;
                /* To the end of this statement (or the start of a block: definitions, where file statements end). */
                while (p < len && src[p] != ';' && src[p] != '{') {
                    if (src[p] == '"' || src[p] == '\'') p = versions_string_end(src, len, p);
                    else p++;
                }
                if (p >= len || src[p] == '{') break;
                if (hit) {
                    while (p < len && src[p] != '\n') p++;
                    at = p < len ? p + 1 : len;
                    found = true;
                }
                p = versions_skip_space(src, len, p + 1);
            }
        }
        bool has_import = false;
        for (size_t i = 0; i < f->import_count; i++)
            if (strcmp(f->imports[i].path, "wirekit/options.proto") == 0) has_import = true;
        char insert[160];
        int n = snprintf(insert, sizeof insert, "%s%soption (wirekit.version) = \"%s\";\n",
                         at > 0 && src[at - 1] != '\n' ? "\n" : "",
                         has_import ? "" : "import \"wirekit/options.proto\";\n", version);
        code = wk_buf_append(&out, src, at);
        if (code == WK_OK) code = wk_buf_append(&out, insert, (size_t)n);
        if (code == WK_OK) code = wk_buf_append(&out, src + at, len - at);
    }
    if (code != WK_OK) {
        cli_error("out of memory");
        rc = CLI_IO;
    } else {
        /* The shared writer: synced, renamed over the file, its mode kept. */
        rc = cli_write_file(path, out.data, out.len);
    }
    wk_buf_destroy(&out);
    wk_buf_destroy(&text);
    return rc;
}

/*
 * The smallest correct version after `from` for `need`, into buf (and
 * parsed into *out, pointing into buf). A number at its largest cannot
 * grow: the error names the file and returns CLI_DATA rather than print a
 * version that wrapped around to a lower one.
 */
static int versions_next(const char *path, const wk_semver *from, wk_bump need, char *buf, size_t cap,
                         wk_semver *out)
{
    size_t n = wk_semver_next(from, need, buf, cap);
    wk_status st;
    if (n == 0 || n >= cap || wk_semver_parse(buf, n, out, &st) != WK_OK) {
        cli_error("%s: no version follows %" PRIu64 ".%" PRIu64 ".%" PRIu64 " for a %s change: a number is at its "
                  "largest", path, from->major, from->minor, from->patch, wk_bump_name(need));
        return CLI_DATA;
    }
    return CLI_OK;
}

/*
 * bump --history: each file after the first against the one before it, as
 * that one is once fixed, so that the versions printed (and written) form
 * a history that `check --history` accepts. A declared version is kept
 * when it is big enough and above the previous one, even when bigger than
 * needed; otherwise the smallest correct one takes its place.
 */
static int versions_bump_history(versions_args *a)
{
    versions_history_set h = {0};
    int rc = versions_history_load(a, true, &h);
    const wk_semver *prev = h.count ? &h.entries[0].version : NULL;
    for (size_t i = 1; i < h.count && rc == CLI_OK; i++) {
        versions_entry *old_e = &h.entries[i - 1], *e = &h.entries[i];
        wk_diff *d = NULL;
        rc = versions_diff_schemas(a, old_e->schema, e->schema, &d);
        if (rc != CLI_OK) break;
        wk_bump need = wk_diff_bump(d, a->formats, a->mode);
        wk_diff_free(d);
        wk_semver fixed;
        rc = versions_next(e->path, prev, need, e->next, sizeof e->next, &fixed);
        if (rc != CLI_OK) break;
        const char *status = "ok";
        if (!e->has_version) status = "no version";
        else if (wk_semver_cmp(&e->version, prev) == 0) status = "same version";
        else if (!wk_semver_step_allows(prev, &e->version, need)) status = "too small";
        bool fix = strcmp(status, "ok") != 0;
        if (fix && a->write) {
            rc = versions_write(e->path, wk_schema_main_file(e->schema), e->next);
            if (rc != CLI_OK) break;
        }
        printf("%s: %s -> %s: ", status, old_e->path, e->path);
        versions_print_version(stdout, prev);
        fputs(" -> ", stdout);
        if (e->has_version) versions_print_version(stdout, &e->version);
        else fputs("(none)", stdout);
        printf(", the changes need %s", wk_bump_name(need));
        if (!fix) printf(" (smallest %s)\n", e->next);
        else printf(": %s %s\n", a->write ? "wrote" : "use", e->next);
        /* The next step starts from the fixed version. */
        if (fix) e->version = fixed;
        prev = &e->version;
    }
    versions_history_free(&h);
    if (rc == CLI_OK) rc = versions_flush();
    else fflush(stdout);
    return rc;
}

static int versions_bump(int argc, char **argv)
{
    versions_args a = {.cmd = "schema bump"};
    int rc = versions_parse(argc, argv, &a, versions_bump_help);
    if (rc >= 0 || a.history) {
        if (rc < 0) rc = versions_bump_history(&a);
        free(a.includes);
        return rc;
    }
    wk_schema *old_s = NULL, *new_s = NULL;
    wk_diff *d = NULL;
    wk_semver from;
    rc = versions_load(&a, a.paths[0], &old_s);
    if (rc == CLI_OK) rc = versions_load(&a, a.paths[1], &new_s);
    if (rc == CLI_OK) rc = versions_version_of(&a, a.paths[0], old_s, a.old_version, "--old-version", &from);
    if (rc == CLI_OK) rc = versions_diff_schemas(&a, old_s, new_s, &d);
    if (rc == CLI_OK) {
        char next[96];
        wk_semver parsed;
        rc = versions_next(a.paths[1], &from, wk_diff_bump(d, a.formats, a.mode), next, sizeof next, &parsed);
        if (rc == CLI_OK && a.write) rc = versions_write(a.paths[1], wk_schema_main_file(new_s), next);
        if (rc == CLI_OK) {
            printf("%s\n", next);
            rc = versions_flush();
        }
    }
    wk_diff_free(d);
    wk_schema_free(old_s);
    wk_schema_free(new_s);
    free(a.includes);
    return rc;
}

int cli_schema_diff(int argc, char **argv) { return versions_diff(argc, argv); }
int cli_schema_check(int argc, char **argv) { return versions_check(argc, argv); }
int cli_schema_bump(int argc, char **argv) { return versions_bump(argc, argv); }
