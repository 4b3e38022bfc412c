/*
 * Semantic Versioning 2.0.0 (https://semver.org): parsing by the spec's
 * grammar and ordering by its precedence rules.
 *
 *   version    -> core [ '-' prerelease ] [ '+' build ]
 *   core       -> numeric '.' numeric '.' numeric
 *   numeric    -> '0' | [1-9] [0-9]*
 *   prerelease -> pre_ident { '.' pre_ident }
 *   pre_ident  -> numeric | [0-9A-Za-z-]* with at least one non-digit
 *   build      -> build_ident { '.' build_ident }
 *   build_ident-> [0-9A-Za-z-]+          (leading zeros allowed)
 */
#include "internal.h"

static bool semver_is_digit(char c) { return c >= '0' && c <= '9'; }

static bool semver_is_ident_char(char c)
{
    return semver_is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

static const char *const semver_parts[] = {"major", "minor", "patch"};

/* One numeric part of the core at text[*at]; advances *at. */
static wk_code semver_number(const char *text, size_t len, size_t *at, int part, uint64_t *out,
                             wk_status *st)
{
    size_t p = *at;
    if (p >= len || !semver_is_digit(text[p])) {
        if (p >= len)
            return wk__fail(st, WK_ERR_SYNTAX, p, "the %s version number is missing",
                            semver_parts[part]);
        return wk__fail(st, WK_ERR_SYNTAX, p, "the %s version must be a number, not '%c'",
                        semver_parts[part], text[p]);
    }
    if (text[p] == '0' && p + 1 < len && semver_is_digit(text[p + 1]))
        return wk__fail(st, WK_ERR_SYNTAX, p, "the %s version number has a leading zero",
                        semver_parts[part]);
    uint64_t v = 0;
    while (p < len && semver_is_digit(text[p])) {
        uint64_t d = (uint64_t)(text[p] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return wk__fail(st, WK_ERR_SYNTAX, *at, "the %s version number is too large",
                            semver_parts[part]);
        v = v * 10 + d;
        p++;
    }
    *out = v;
    *at = p;
    return WK_OK;
}

/* Dot-separated identifiers from text[start] up to `end` (exclusive). */
static wk_code semver_idents(const char *text, size_t start, size_t end, bool prerelease,
                             wk_status *st)
{
    const char *what = prerelease ? "pre-release" : "build metadata";
    size_t p = start;
    for (;;) {
        size_t id = p;
        bool all_digits = true;
        while (p < end && text[p] != '.') {
            if (!semver_is_ident_char(text[p]))
                return wk__fail(st, WK_ERR_SYNTAX, p,
                                "'%c' is not allowed in %s (only 0-9, A-Z, a-z and '-')", text[p], what);
            if (!semver_is_digit(text[p])) all_digits = false;
            p++;
        }
        if (p == id) return wk__fail(st, WK_ERR_SYNTAX, p, "an identifier of the %s is empty", what);
        if (prerelease && all_digits && p - id > 1 && text[id] == '0')
            return wk__fail(st, WK_ERR_SYNTAX, id,
                            "a numeric pre-release identifier must not have a leading zero");
        if (p == end) return WK_OK;
        p++; /* the dot */
    }
}

wk_code wk_semver_parse(const char *text, size_t len, wk_semver *out, wk_status *st)
{
    wk_semver v;
    memset(&v, 0, sizeof v);
    if (!text) return wk__fail(st, WK_ERR_INVALID, 0, "no version text");
    size_t at = 0;
    uint64_t *parts[3] = {&v.major, &v.minor, &v.patch};
    for (int i = 0; i < 3; i++) {
        wk_code rc = semver_number(text, len, &at, i, parts[i], st);
        if (rc != WK_OK) return rc;
        if (i < 2) {
            if (at >= len || text[at] != '.')
                return wk__fail(st, WK_ERR_SYNTAX, at,
                                at >= len ? "expected '.' and the %s version"
                                          : "expected '.' before the %s version",
                                semver_parts[i + 1]);
            at++;
        }
    }
    if (at < len && text[at] == '-') {
        size_t start = at + 1;
        size_t end = start;
        while (end < len && text[end] != '+') end++;
        wk_code rc = semver_idents(text, start, end, true, st);
        if (rc != WK_OK) return rc;
        v.prerelease = text + start;
        v.prerelease_len = end - start;
        at = end;
    }
    if (at < len && text[at] == '+') {
        size_t start = at + 1;
        wk_code rc = semver_idents(text, start, len, false, st);
        if (rc != WK_OK) return rc;
        v.build = text + start;
        v.build_len = len - start;
        at = len;
    }
    if (at < len)
        return wk__fail(st, WK_ERR_SYNTAX, at,
                        "unexpected '%c' after the patch version (expected '-', '+' or the end)",
                        text[at]);
    if (out) *out = v;
    wk__ok(st);
    return WK_OK;
}

static int semver_cmp_u64(uint64_t a, uint64_t b) { return a < b ? -1 : a > b; }

static bool semver_numeric(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!semver_is_digit(s[i])) return false;
    return n > 0;
}

/* One pre-release identifier against another (spec item 11.4). */
static int semver_cmp_ident(const char *a, size_t an, const char *b, size_t bn)
{
    bool anum = semver_numeric(a, an), bnum = semver_numeric(b, bn);
    if (anum && bnum) {
        /* No leading zeros: the longer number is the larger. */
        if (an != bn) return an < bn ? -1 : 1;
        int c = memcmp(a, b, an);
        return c < 0 ? -1 : c > 0;
    }
    if (anum != bnum) return anum ? -1 : 1;
    size_t n = an < bn ? an : bn;
    int c = memcmp(a, b, n);
    if (c != 0) return c < 0 ? -1 : 1;
    return an < bn ? -1 : an > bn;
}

int wk_semver_cmp(const wk_semver *a, const wk_semver *b)
{
    int c;
    if ((c = semver_cmp_u64(a->major, b->major)) != 0) return c;
    if ((c = semver_cmp_u64(a->minor, b->minor)) != 0) return c;
    if ((c = semver_cmp_u64(a->patch, b->patch)) != 0) return c;
    /* A pre-release comes before the release itself. */
    if (a->prerelease_len == 0 || b->prerelease_len == 0) {
        if (a->prerelease_len == b->prerelease_len) return 0;
        return a->prerelease_len == 0 ? 1 : -1;
    }
    size_t i = 0, j = 0;
    const char *ap = a->prerelease, *bp = b->prerelease;
    size_t an = a->prerelease_len, bn = b->prerelease_len;
    while (i < an && j < bn) {
        size_t ie = i, je = j;
        while (ie < an && ap[ie] != '.') ie++;
        while (je < bn && bp[je] != '.') je++;
        if ((c = semver_cmp_ident(ap + i, ie - i, bp + j, je - j)) != 0) return c;
        i = ie + 1;
        j = je + 1;
    }
    /* All shared identifiers equal: more identifiers is higher. */
    bool a_more = i < an, b_more = j < bn;
    return a_more == b_more ? 0 : a_more ? 1 : -1;
}
