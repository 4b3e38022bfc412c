/*
 * Media types with a schema version (versioning.h): parsing by RFC 9110's
 * grammar, and writing one back.
 *
 *   media-type  -> OWS type '/' subtype { OWS ';' OWS [ parameter ] } OWS
 *   parameter   -> name OWS '=' OWS ( token | quoted-string )
 *   type, subtype, name -> token (1 or more tchar)
 *   quoted-string -> '"' { qdtext | '\' any-visible } '"'
 *
 * RFC 9110 allows no space around '='; a space there is accepted all the
 * same, since nothing else could be meant. Empty parameters (";;") are
 * allowed, as the RFC allows them.
 *
 * Which format a type names comes from the registry's own lists: a plain
 * type is one a format lists among its media types; a structured syntax
 * suffix ("+json") is a format's name, an alias, or the subtype of one of
 * its media types ("+x-msgpack" from application/x-msgpack).
 */
#include "../model/internal.h"
#include "formats.h"

#include <stdio.h>
#include <strings.h>

/* RFC 9110 5.6.2: the characters of a token. */
static bool mtype_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool mtype_ows(char c) { return c == ' ' || c == '\t'; }

static size_t mtype_token(const char *s, size_t len, size_t at)
{
    size_t p = at;
    while (p < len && mtype_tchar((unsigned char)s[p])) p++;
    return p - at;
}

static size_t mtype_skip_ows(const char *s, size_t len, size_t at)
{
    while (at < len && mtype_ows(s[at])) at++;
    return at;
}

/* "'x'" for a printable character, "byte 0x07" otherwise: the error's subject. */
static const char *mtype_show(char c, char *buf, size_t cap)
{
    unsigned char u = (unsigned char)c;
    if (u > 0x20 && u < 0x7f) snprintf(buf, cap, "'%c'", c);
    else if (u == ' ') snprintf(buf, cap, "a space");
    else snprintf(buf, cap, "byte 0x%02x", u);
    return buf;
}

/* The format whose media types list type/subtype. */
static const wk_format *mtype_plain(const char *s, size_t len)
{
    for (const wk_format *const *f = wk_formats(); *f; f++)
        if (wk__format_list_has((*f)->media_types, s, len)) return *f;
    return NULL;
}

/* The format a structured syntax suffix names. */
static const wk_format *mtype_suffix(const char *s, size_t len)
{
    for (const wk_format *const *f = wk_formats(); *f; f++) {
        if (strlen((*f)->name) == len && strncasecmp((*f)->name, s, len) == 0) return *f;
        if (wk__format_list_has((*f)->aliases, s, len)) return *f;
        for (const char *const *m = (*f)->media_types; m && *m; m++) {
            const char *slash = strchr(*m, '/');
            if (slash && strlen(slash + 1) == len && strncasecmp(slash + 1, s, len) == 0) return *f;
        }
    }
    return NULL;
}

/* One number of a short version ("2" or "2.1") at text[*at], SemVer's rules. */
static wk_code mtype_version_number(const char *text, size_t end, size_t *at, const char *part,
                                    uint64_t *out, wk_status *st)
{
    size_t p = *at;
    if (p >= end || text[p] == '.')
        return wk__fail(st, WK_ERR_SYNTAX, p, "bad version: the %s version number is missing", part);
    if (text[p] == '0' && p + 1 < end && text[p + 1] != '.')
        return wk__fail(st, WK_ERR_SYNTAX, p, "bad version: the %s version number has a leading zero", part);
    uint64_t v = 0;
    for (; p < end && text[p] != '.'; p++) {
        uint64_t d = (uint64_t)(text[p] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return wk__fail(st, WK_ERR_SYNTAX, *at, "bad version: the %s version number is too large", part);
        v = v * 10 + d;
    }
    *out = v;
    *at = p;
    return WK_OK;
}

/*
 * The version parameter's value, text[start..end): MAJOR, MAJOR.MINOR, or a
 * whole SemVer. Offsets in errors are offsets into the whole media type.
 */
static wk_code mtype_version(const char *text, size_t start, size_t end, wk_media_type *out,
                             wk_status *st)
{
    if (start == end) return wk__fail(st, WK_ERR_SYNTAX, start, "bad version: the version is empty");
    /* Only digits and at most one dot: the short forms. */
    size_t dots = 0;
    bool short_form = true;
    for (size_t p = start; p < end && short_form; p++) {
        if (text[p] == '.') dots++;
        else if (text[p] < '0' || text[p] > '9') short_form = false;
    }
    memset(&out->version, 0, sizeof out->version);
    if (short_form && dots <= 1) {
        size_t at = start;
        wk_code rc = mtype_version_number(text, end, &at, "major", &out->version.major, st);
        if (rc != WK_OK) return rc;
        out->version_parts = 1;
        if (at < end) {
            at++; /* the dot */
            rc = mtype_version_number(text, end, &at, "minor", &out->version.minor, st);
            if (rc != WK_OK) return rc;
            out->version_parts = 2;
        }
        return WK_OK;
    }
    wk_status sub;
    if (wk_semver_parse(text + start, end - start, &out->version, &sub) != WK_OK)
        return wk__fail(st, WK_ERR_SYNTAX, start + sub.offset, "bad version: %s", sub.msg);
    out->version_parts = 3;
    return WK_OK;
}

/* One parameter's name and value, after the ';' and its space. Advances *at past the value. */
static wk_code mtype_parameter(const char *text, size_t len, size_t *at, wk_media_type *out,
                               size_t *version_at, wk_status *st)
{
    char shown[16];
    size_t name_at = *at;
    size_t name_len = mtype_token(text, len, name_at);
    if (name_len == 0)
        return wk__fail(st, WK_ERR_SYNTAX, name_at, "expected a parameter name, not %s",
                        mtype_show(text[name_at], shown, sizeof shown));
    size_t p = mtype_skip_ows(text, len, name_at + name_len);
    int nl = name_len > 64 ? 64 : (int)name_len;
    if (p >= len || text[p] != '=')
        return wk__fail(st, WK_ERR_SYNTAX, p, "expected '=' after the parameter name '%.*s'", nl,
                        text + name_at);
    p = mtype_skip_ows(text, len, p + 1);
    bool is_version = name_len == 7 && strncasecmp(text + name_at, "version", 7) == 0;
    if (is_version && *version_at != SIZE_MAX)
        return wk__fail(st, WK_ERR_SYNTAX, name_at, "the parameter 'version' is given twice (first at byte %zu)",
                        *version_at);
    size_t value_at, value_end;
    if (p < len && text[p] == '"') {
        size_t open = p++;
        bool escaped = false;
        for (;;) {
            if (p >= len)
                return wk__fail(st, WK_ERR_SYNTAX, open, "the quoted value of the parameter '%.*s' is not closed",
                                nl, text + name_at);
            unsigned char c = (unsigned char)text[p];
            if (c == '"') break;
            if (c == '\\') {
                if (p + 1 >= len) {
                    p = len; /* reported as not closed */
                    continue;
                }
                escaped = true;
                p++;
                c = (unsigned char)text[p];
            }
            /* qdtext and quoted-pair: tab, space, visible ASCII, obs-text. */
            if (c != '\t' && (c < 0x20 || c == 0x7f))
                return wk__fail(st, WK_ERR_SYNTAX, p, "%s is not allowed in a quoted value",
                                mtype_show((char)c, shown, sizeof shown));
            p++;
        }
        value_at = open + 1;
        value_end = p++;
        if (is_version && escaped)
            return wk__fail(st, WK_ERR_SYNTAX, value_at, "bad version: a version needs no '\\' escapes");
    } else {
        size_t n = mtype_token(text, len, p);
        if (n == 0) {
            if (p >= len || text[p] == ';')
                return wk__fail(st, WK_ERR_SYNTAX, p, "the parameter '%.*s' has no value", nl, text + name_at);
            return wk__fail(st, WK_ERR_SYNTAX, p, "%s cannot start the value of the parameter '%.*s'",
                            mtype_show(text[p], shown, sizeof shown), nl, text + name_at);
        }
        value_at = p;
        value_end = p + n;
        p += n;
    }
    if (is_version) {
        wk_code rc = mtype_version(text, value_at, value_end, out, st);
        if (rc != WK_OK) return rc;
        out->has_version = true;
        *version_at = name_at;
    }
    *at = p;
    return WK_OK;
}

wk_code wk_media_type_parse(const char *text, size_t len, wk_media_type *out, wk_status *st)
{
    if (!text && len) return wk__fail(st, WK_ERR_INVALID, 0, "wk_media_type_parse: no text");
    if (!text) text = "";
    wk_media_type mt;
    memset(&mt, 0, sizeof mt);
    char shown[16];
    size_t p = mtype_skip_ows(text, len, 0);
    if (p >= len) return wk__fail(st, WK_ERR_SYNTAX, p, "the media type is empty");

    size_t type_len = mtype_token(text, len, p);
    if (type_len == 0)
        return wk__fail(st, WK_ERR_SYNTAX, p, "expected a type such as 'application', not %s",
                        mtype_show(text[p], shown, sizeof shown));
    mt.type = text + p;
    mt.type_len = type_len;
    p += type_len;
    if (p >= len || text[p] != '/')
        return wk__fail(st, WK_ERR_SYNTAX, p, p >= len ? "expected '/' and a subtype after the type"
                                                       : "expected '/' after the type");
    p++;
    size_t sub_len = mtype_token(text, len, p);
    if (sub_len == 0)
        return wk__fail(st, WK_ERR_SYNTAX, p, "the subtype is missing");
    mt.subtype = text + p;
    mt.subtype_len = sub_len;
    p += sub_len;

    size_t version_at = SIZE_MAX;
    for (;;) {
        p = mtype_skip_ows(text, len, p);
        if (p >= len) break;
        if (text[p] != ';')
            return wk__fail(st, WK_ERR_SYNTAX, p, "unexpected %s (expected ';' and a parameter, or the end)",
                            mtype_show(text[p], shown, sizeof shown));
        p = mtype_skip_ows(text, len, p + 1);
        if (p >= len || text[p] == ';') continue;
        wk_code rc = mtype_parameter(text, len, &p, &mt, &version_at, st);
        if (rc != WK_OK) return rc;
    }

    /* The format: the whole type first (application/json has no suffix to
     * look at), then the suffix after the subtype's last '+'. */
    mt.format = mtype_plain(mt.type, (size_t)(mt.subtype + sub_len - mt.type));
    if (mt.format) {
        mt.name = mt.subtype;
        mt.name_len = 0;
    } else {
        mt.name = mt.subtype;
        mt.name_len = sub_len;
        for (size_t i = sub_len; i > 0; i--) {
            if (mt.subtype[i - 1] != '+') continue;
            const wk_format *f = mtype_suffix(mt.subtype + i, sub_len - i);
            if (f) {
                mt.format = f;
                mt.name_len = i - 1;
            }
            break;
        }
    }
    if (out) *out = mt;
    wk__ok(st);
    return WK_OK;
}

size_t wk_media_type_format(char *buf, size_t cap, const char *name, const wk_format *f,
                            const wk_semver *version)
{
    char scratch[1];
    if (!buf || cap == 0) {
        buf = scratch;
        cap = 1;
    }
    buf[0] = '\0';
    size_t n = 0;
    int w;
    if (name && *name)
        w = f ? snprintf(buf, cap, "application/%s+%s", name, f->name) : snprintf(buf, cap, "application/%s", name);
    else if (f && f->media_types && f->media_types[0])
        w = snprintf(buf, cap, "%s", f->media_types[0]);
    else
        return 0;
    if (w < 0) return 0;
    n = (size_t)w;
    if (version) {
        w = snprintf(buf + (n < cap ? n : cap - 1), n < cap ? cap - n : 1, "; version=%llu.%llu.%llu",
                     (unsigned long long)version->major, (unsigned long long)version->minor,
                     (unsigned long long)version->patch);
        if (w < 0) return 0;
        n += (size_t)w;
        if (version->prerelease_len) {
            w = snprintf(buf + (n < cap ? n : cap - 1), n < cap ? cap - n : 1, "-%.*s",
                         (int)version->prerelease_len, version->prerelease);
            if (w < 0) return 0;
            n += (size_t)w;
        }
        if (version->build_len) {
            w = snprintf(buf + (n < cap ? n : cap - 1), n < cap ? cap - n : 1, "+%.*s",
                         (int)version->build_len, version->build);
            if (w < 0) return 0;
            n += (size_t)w;
        }
    }
    return n;
}
