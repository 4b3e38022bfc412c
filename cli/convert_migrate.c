/*
 * wirekit convert across schema versions: --from-schema migration, and
 * versions declared by --from and --to media types.
 */
#include "convert_migrate.h"

#include <string.h>

/* The most warnings one run prints; the rest are counted. */
#define MIGRATE_MAX_WARNINGS 20

int cli_declared_parse(cli_declared *d, const char *option, const char *arg)
{
    memset(d, 0, sizeof *d);
    d->option = option;
    d->arg = arg;
    if (!arg || !strchr(arg, '/')) return CLI_OK;
    wk_status st;
    if (wk_media_type_parse(arg, strlen(arg), &d->type, &st) == WK_OK) return CLI_OK;
    return cli_usage_error("convert", "%s '%s': %s (at byte %zu)", option, arg, st.msg, st.offset);
}

/* "1.2.0", "1.2" or "1" as the media type gave it. */
static void migrate_version_text(const wk_media_type *t, char *out, size_t cap)
{
    const wk_semver *v = &t->version;
    if (t->version_parts == 1) snprintf(out, cap, "%llu", (unsigned long long)v->major);
    else if (t->version_parts == 2)
        snprintf(out, cap, "%llu.%llu", (unsigned long long)v->major, (unsigned long long)v->minor);
    else
        snprintf(out, cap, "%llu.%llu.%llu%s%.*s%s%.*s", (unsigned long long)v->major, (unsigned long long)v->minor,
                 (unsigned long long)v->patch, v->prerelease_len ? "-" : "", (int)v->prerelease_len,
                 v->prerelease ? v->prerelease : "", v->build_len ? "+" : "", (int)v->build_len,
                 v->build ? v->build : "");
}

int cli_declared_check(const cli_declared *d, const wk_schema *schema, const char *schema_path,
                       const char *input, uint32_t unknown_flags, int refusal)
{
    if (!d->arg || !d->type.has_version || !schema) return CLI_OK;
    const wk_media_type *t = &d->type;
    char declared[96];
    migrate_version_text(t, declared, sizeof declared);
    const char *have = wk_schema_main_file(schema)->version;
    wk_semver sv;
    if (!have || wk_semver_parse(have, strlen(have), &sv, NULL) != WK_OK) {
        fprintf(stderr, "wirekit: warning: %s declares version %s, but %s declares no (wirekit.version) "
                        "to check it against\n", d->option, declared, schema_path);
        return CLI_OK;
    }
    bool input_side = refusal == CLI_DATA;
    /* Under 0.y.z anything may change (SemVer item 4): the minor version is the one that breaks. */
    bool breaks = t->version.major != sv.major ||
                  (sv.major == 0 && t->version_parts >= 2 && t->version.minor != sv.minor);
    if (breaks) {
        char why[160];
        if (t->version.major != sv.major)
            snprintf(why, sizeof why, "major version %llu %s major version %llu",
                     (unsigned long long)(input_side ? t->version.major : sv.major),
                     input_side ? "cannot be read under" : "cannot be written as",
                     (unsigned long long)(input_side ? sv.major : t->version.major));
        else
            snprintf(why, sizeof why, "version 0.%llu %s 0.%llu (under 0.y.z every minor version may break)",
                     (unsigned long long)(input_side ? t->version.minor : sv.minor),
                     input_side ? "cannot be read under" : "cannot be written as",
                     (unsigned long long)(input_side ? sv.minor : t->version.minor));
        if (input_side) {
            fprintf(stderr, "%s: error: %s declares version %s, but %s is version %s: data of %s\n",
                    cli_display_name(input), d->option, declared, schema_path, have, why);
            return refusal;
        }
        return cli_usage_error("convert", "%s asks for version %s, but %s is version %s: data of %s", d->option,
                               declared, schema_path, have, why);
    }
    /* Newer in its minor version: readable, but what it added is unknown here. */
    if (input_side && t->version_parts >= 2 && t->version.minor > sv.minor) {
        const char *fate = (unknown_flags & WK_DECODE_UNKNOWN_ERROR) ? "refused (--unknown=error)"
                           : (unknown_flags & WK_DECODE_UNKNOWN_DROP) ? "dropped (--unknown=drop)"
                                                                       : "kept as unknown fields";
        fprintf(stderr, "%s: warning: %s declares version %s, newer than %s (%s): fields added since are %s\n",
                cli_display_name(input), d->option, declared, schema_path, have, fate);
    }
    return CLI_OK;
}

int cli_migration_open(cli_migration *m, const char *path, const char *const *includes, size_t include_count,
                       const char *message)
{
    return cli_load_schema("convert", path, includes, include_count, message, &m->from_schema, &m->from_type);
}

/* The wk_migrate_opts report: one warning per field, worded by the policy. */
static void migrate_report(void *ctx, wk_migrate_event event, const char *path, const wk_field_def *field)
{
    cli_migration *m = ctx;
    (void)path;
    if (m->unknown_flags & WK_DECODE_UNKNOWN_ERROR) return; /* the error says it */
    if (m->warned >= MIGRATE_MAX_WARNINGS) {
        m->unprinted++;
        return;
    }
    m->warned++;
    char fate[160];
    if (event != WK_MIGRATE_NOT_IN_TARGET || (m->unknown_flags & WK_DECODE_UNKNOWN_DROP))
        snprintf(fate, sizeof fate, "dropped");
    else if (m->wire)
        snprintf(fate, sizeof fate, "kept as unknown field %u", field->number);
    else
        snprintf(fate, sizeof fate, "kept as unknown field '%s'", field->name);
    /* m->st holds the reason while the report runs (versioning.h). */
    fprintf(stderr, "%s: warning: %s; %s\n", cli_display_name(m->input), m->st.msg, fate);
}

int cli_migration_apply(cli_migration *m, const wk_format *out_fmt, wk_arena *a, const wk_value **value)
{
    m->wire = strcmp(out_fmt->name, "protobuf") == 0;
    wk_migrate_opts opts = {0};
    opts.flags = m->unknown_flags | (m->wire ? WK_MIGRATE_UNKNOWN_WIRE : 0);
    opts.report = migrate_report;
    opts.ctx = m;
    opts.source = m->in_fmt;
    const wk_value *now;
    if (wk_message_migrate(*value, m->to_type, &opts, a, &now, &m->st) != WK_OK) {
        fprintf(stderr, "%s: error: %s\n", cli_display_name(m->input), m->st.msg);
        return m->st.code == WK_ERR_NOMEM ? CLI_IO : CLI_DATA;
    }
    *value = now;
    return CLI_OK;
}

void cli_migration_finish(cli_migration *m)
{
    if (m->unprinted)
        fprintf(stderr, "%s: warning: and %zu more fields the target schema cannot take\n",
                cli_display_name(m->input), m->unprinted);
}

void cli_migration_destroy(cli_migration *m) { wk_schema_free(m->from_schema); }
