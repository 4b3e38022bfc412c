/*
 * The two printed forms of a schema diff, text and JSON, as `wirekit schema
 * diff` shows them and docs/schema-diff.md documents them. Both only read
 * the diff; the formats and mode select what is judged.
 */
#include "diff_internal.h"

#include <stdarg.h>
#include <stdio.h>

wk_code wk__diff_put(wk_buf *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return WK_ERR_INVALID;
    wk_code rc = wk_buf_reserve(out, (size_t)n + 1);
    if (rc != WK_OK) return rc;
    va_start(ap, fmt);
    vsnprintf((char *)out->data + out->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    out->len += (size_t)n;
    return WK_OK;
}

static const char *write_mode(wk_compat_mode mode)
{
    switch (mode) {
    case WK_COMPAT_MODE_BACKWARD: return "backward";
    case WK_COMPAT_MODE_FORWARD: return "forward";
    default: return "full";
    }
}

static wk_code write_pos(wk_buf *out, const wk_source_pos *p)
{
    if (!p->file || p->line == 0) return wk__diff_put(out, "(none)");
    return wk__diff_put(out, "%s:%u", p->file, p->line);
}

static const char *const write_dirs[] = {"backward", "forward"};

wk_code wk_diff_write_text(const wk_diff *d, uint32_t formats, wk_compat_mode mode, uint32_t flags, wk_buf *out)
{
    if (!d || !out) return WK_ERR_INVALID;
    if (formats == 0) formats = WK_COMPAT_DEFAULT_FORMATS;
    wk_code rc = WK_OK;
    size_t n = wk_diff_change_count(d);
    for (size_t i = 0; i < n && rc == WK_OK; i++) {
        const wk_change *c = wk_diff_change(d, i);
        rc = wk__diff_put(out, "%s%s %s: %s\n  ", i ? "\n" : "", wk_change_kind_name(c->kind), c->path, c->detail);
        if (rc == WK_OK) rc = write_pos(out, &c->old_pos);
        if (rc == WK_OK) rc = wk__diff_put(out, " -> ");
        if (rc == WK_OK) rc = write_pos(out, &c->new_pos);
        if (rc == WK_OK) rc = wk__diff_put(out, "\n");
        for (int dir = 0; dir < 2 && rc == WK_OK; dir++) {
            rc = wk__diff_put(out, "  %s:", write_dirs[dir]);
            const char *sep = " ";
            for (int f = 0; f < WK_COMPAT_FORMAT_COUNT && rc == WK_OK; f++) {
                if (!(formats & WK_COMPAT_MASK(f))) continue;
                rc = wk__diff_put(out, "%s%s %s", sep, wk_compat_format_name((wk_compat_format)f),
                               c->effects[f][dir].breaks ? "breaks" : "ok");
                sep = ", ";
            }
            if (rc == WK_OK) rc = wk__diff_put(out, "\n");
        }
        if (rc == WK_OK) rc = wk__diff_put(out, "  bump: %s\n", wk_bump_name(wk_change_bump(c, formats, mode)));
        for (int f = 0; (flags & WK_DIFF_EXPLAIN) && f < WK_COMPAT_FORMAT_COUNT && rc == WK_OK; f++) {
            if (!(formats & WK_COMPAT_MASK(f))) continue;
            for (int dir = 0; dir < 2 && rc == WK_OK; dir++)
                if (c->effects[f][dir].breaks)
                    rc = wk__diff_put(out, "  why: %s %s: %s\n", wk_compat_format_name((wk_compat_format)f),
                                   write_dirs[dir], c->effects[f][dir].reason);
        }
    }
    if (rc == WK_OK && n == 0) rc = wk__diff_put(out, "no changes\n");
    if (rc == WK_OK) rc = wk__diff_put(out, "%srequired bump: %s (formats: ", n ? "\n" : "",
                                    wk_bump_name(wk_diff_bump(d, formats, mode)));
    const char *sep = "";
    for (int f = 0; f < WK_COMPAT_FORMAT_COUNT && rc == WK_OK; f++) {
        if (!(formats & WK_COMPAT_MASK(f))) continue;
        rc = wk__diff_put(out, "%s%s", sep, wk_compat_format_name((wk_compat_format)f));
        sep = ", ";
    }
    if (rc == WK_OK) rc = wk__diff_put(out, "; mode: %s)\n", write_mode(mode));
    return rc;
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static wk_code write_json_string(wk_buf *out, const char *s)
{
    wk_code rc = wk_buf_append(out, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; rc == WK_OK && *p; p++) {
        if (*p == '"' || *p == '\\') rc = wk__diff_put(out, "\\%c", *p);
        else if (*p == '\n') rc = wk__diff_put(out, "\\n");
        else if (*p < 0x20 || *p == 0x7F) rc = wk__diff_put(out, "\\u%04x", *p);
        else rc = wk_buf_append(out, p, 1);
    }
    if (rc == WK_OK) rc = wk_buf_append(out, "\"", 1);
    return rc;
}

static wk_code write_json_pos(wk_buf *out, const wk_source_pos *p)
{
    if (!p->file || p->line == 0) return wk__diff_put(out, "null");
    wk_code rc = wk__diff_put(out, "{\"file\": ");
    if (rc == WK_OK) rc = write_json_string(out, p->file);
    if (rc == WK_OK) rc = wk__diff_put(out, ", \"line\": %u}", p->line);
    return rc;
}

static wk_code write_json_formats(wk_buf *out, uint32_t formats)
{
    wk_code rc = wk__diff_put(out, "[");
    const char *sep = "";
    for (int f = 0; f < WK_COMPAT_FORMAT_COUNT && rc == WK_OK; f++) {
        if (!(formats & WK_COMPAT_MASK(f))) continue;
        rc = wk__diff_put(out, "%s\"%s\"", sep, wk_compat_format_name((wk_compat_format)f));
        sep = ", ";
    }
    if (rc == WK_OK) rc = wk__diff_put(out, "]");
    return rc;
}

wk_code wk_diff_write_json(const wk_diff *d, uint32_t formats, wk_compat_mode mode, wk_buf *out)
{
    if (!d || !out) return WK_ERR_INVALID;
    if (formats == 0) formats = WK_COMPAT_DEFAULT_FORMATS;
    wk_code rc = wk__diff_put(out, "{\n  \"formats\": ");
    if (rc == WK_OK) rc = write_json_formats(out, formats);
    if (rc == WK_OK) rc = wk__diff_put(out, ",\n  \"mode\": \"%s\",\n  \"changes\": [", write_mode(mode));
    size_t n = wk_diff_change_count(d);
    for (size_t i = 0; i < n && rc == WK_OK; i++) {
        const wk_change *c = wk_diff_change(d, i);
        rc = wk__diff_put(out, "%s\n    {\"kind\": \"%s\", \"path\": ", i ? "," : "", wk_change_kind_name(c->kind));
        if (rc == WK_OK) rc = write_json_string(out, c->path);
        if (rc == WK_OK) rc = wk__diff_put(out, ", \"detail\": ");
        if (rc == WK_OK) rc = write_json_string(out, c->detail);
        if (rc == WK_OK) rc = wk__diff_put(out, ",\n     \"old\": ");
        if (rc == WK_OK) rc = write_json_pos(out, &c->old_pos);
        if (rc == WK_OK) rc = wk__diff_put(out, ", \"new\": ");
        if (rc == WK_OK) rc = write_json_pos(out, &c->new_pos);
        if (rc == WK_OK)
            rc = wk__diff_put(out, ",\n     \"bump\": \"%s\",\n     \"effects\": {",
                           wk_bump_name(wk_change_bump(c, formats, mode)));
        const char *sep = "";
        for (int f = 0; f < WK_COMPAT_FORMAT_COUNT && rc == WK_OK; f++) {
            if (!(formats & WK_COMPAT_MASK(f))) continue;
            rc = wk__diff_put(out, "%s\n       \"%s\": {", sep, wk_compat_format_name((wk_compat_format)f));
            for (int dir = 0; dir < 2 && rc == WK_OK; dir++) {
                rc = wk__diff_put(out, "%s\"%s\": {\"breaks\": %s, \"reason\": ", dir ? ", " : "", write_dirs[dir],
                               c->effects[f][dir].breaks ? "true" : "false");
                if (rc == WK_OK) rc = write_json_string(out, c->effects[f][dir].reason);
                if (rc == WK_OK) rc = wk__diff_put(out, "}");
            }
            if (rc == WK_OK) rc = wk__diff_put(out, "}");
            sep = ",";
        }
        if (rc == WK_OK) rc = wk__diff_put(out, "}}");
    }
    if (rc == WK_OK)
        rc = wk__diff_put(out, "%s],\n  \"bump\": \"%s\"\n}\n", n ? "\n  " : "", wk_bump_name(wk_diff_bump(d, formats, mode)));
    return rc;
}
