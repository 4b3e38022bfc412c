/*
 * The .proto tokenizer: identifiers, integers, floats, strings and
 * one-character symbols, with // and block comments and white space
 * skipped.
 *
 * Each token carries its line and column (1-based). A column counts
 * characters, not bytes: a UTF-8 sequence in a string or a comment is one
 * column, as model/status.c counts them for the other text formats, and a
 * tab is one column too. Only strings and comments may hold bytes outside
 * ASCII, so the lexer counts the continuation bytes it passes there
 * (line_extra) and a token's column is its byte distance from the start of
 * the line less those.
 *
 * Strings are checked here (every escape valid, the string closed on its
 * line) but kept as raw text; wk__lex_string_value decodes one when the
 * parser needs its bytes.
 */
#include "internal.h"

#include <stdio.h>

static bool lex_is_ident_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool lex_is_ident_char(unsigned char c)
{
    return lex_is_ident_start(c) || (c >= '0' && c <= '9');
}

static bool lex_is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

static int lex_hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The position of `at` on the current line (the running count of extra bytes applies). */
static wk__spos lex_pos_here(const wk__lexer *lx, size_t at)
{
    wk__spos p;
    p.line = lx->line;
    p.col = (uint32_t)(at - lx->line_start - lx->line_extra + 1);
    p.offset = at;
    return p;
}

/*
 * The position of an offset on the current line that lies inside the token
 * being read (its extra bytes are not counted yet): counted from the line's
 * start. Used for errors only.
 */
static wk__spos lex_pos_scan(const wk__lexer *lx, size_t at)
{
    wk__spos p;
    uint32_t col = 1;
    size_t i = lx->line_start;
    if (i == 0 && lx->len >= 3 && (unsigned char)lx->src[0] == 0xEF &&
        (unsigned char)lx->src[1] == 0xBB && (unsigned char)lx->src[2] == 0xBF)
        i = 3;
    for (; i < at; i++)
        if (((unsigned char)lx->src[i] & 0xC0) != 0x80) col++;
    p.line = lx->line;
    p.col = col;
    p.offset = at;
    return p;
}

static bool lex_fail(wk__lexer *lx, wk_code code, wk__spos pos, const char *fmt, ...)
    WK__PRINTF(4, 5);

static bool lex_fail(wk__lexer *lx, wk_code code, wk__spos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(lx->err_msg, sizeof lx->err_msg, fmt, ap);
    va_end(ap);
    lx->err_code = code;
    lx->err_pos = pos;
    return false;
}

static void lex_newline(wk__lexer *lx, size_t newline_at)
{
    lx->line++;
    lx->line_start = newline_at + 1;
    lx->line_extra = 0;
}

/* Skips white space and comments; false on a comment that never ends. */
static bool lex_skip_space(wk__lexer *lx)
{
    const char *s = lx->src;
    size_t n = lx->len;
    while (lx->at < n) {
        unsigned char c = (unsigned char)s[lx->at];
        if (c == '\n') {
            lex_newline(lx, lx->at);
            lx->at++;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f') {
            lx->at++;
        } else if (c == '/' && lx->at + 1 < n && s[lx->at + 1] == '/') {
            /* To the end of the line; the newline itself is counted above. */
            lx->at += 2;
            while (lx->at < n && s[lx->at] != '\n') lx->at++;
        } else if (c == '/' && lx->at + 1 < n && s[lx->at + 1] == '*') {
            wk__spos start = lex_pos_here(lx, lx->at);
            lx->at += 2;
            for (;;) {
                if (lx->at >= n)
                    return lex_fail(lx, WK_ERR_SYNTAX, start,
                                    "unterminated comment: no '*/' closes the '/*' here");
                unsigned char d = (unsigned char)s[lx->at];
                if (d == '*' && lx->at + 1 < n && s[lx->at + 1] == '/') {
                    lx->at += 2;
                    break;
                }
                if (d == '\n') lex_newline(lx, lx->at);
                else if ((d & 0xC0) == 0x80) lx->line_extra++;
                lx->at++;
            }
        } else {
            break;
        }
    }
    return true;
}

/* Reads hex digits at p (at most max); returns how many; *value gets them. */
static size_t lex_hex_run(const char *s, size_t p, size_t n, size_t max, uint32_t *value)
{
    size_t k = 0;
    uint32_t v = 0;
    while (k < max && p + k < n && lex_hex_value((unsigned char)s[p + k]) >= 0) {
        v = v * 16 + (uint32_t)lex_hex_value((unsigned char)s[p + k]);
        k++;
    }
    *value = v;
    return k;
}

/*
 * Reads one escape after the backslash at s[p]; returns the offset after
 * it, or 0 on an error (reported). A high surrogate must be followed by a
 * \u low surrogate: the two make one code point.
 */
static size_t lex_escape(wk__lexer *lx, size_t p)
{
    const char *s = lx->src;
    size_t n = lx->len;
    size_t q = p + 1;
    if (q >= n) return 0; /* the caller reports the unterminated string */
    unsigned char e = (unsigned char)s[q];
    uint32_t v;
    switch (e) {
    case 'a': case 'b': case 'f': case 'n': case 'r': case 't': case 'v':
    case '\\': case '\'': case '"': case '?':
        return q + 1;
    case 'x': case 'X':
        if (lex_hex_run(s, q + 1, n, 2, &v) == 0) {
            lex_fail(lx, WK_ERR_SYNTAX, lex_pos_scan(lx, p),
                     "'\\x' must be followed by one or two hex digits");
            return 0;
        }
        return q + 1 + lex_hex_run(s, q + 1, n, 2, &v);
    case 'u':
    case 'U': {
        size_t digits = e == 'u' ? 4 : 8;
        if (lex_hex_run(s, q + 1, n, digits, &v) != digits || v > 0x10FFFF) {
            lex_fail(lx, WK_ERR_SYNTAX, lex_pos_scan(lx, p),
                     e == 'u' ? "'\\u' must be followed by four hex digits"
                              : "'\\U' must be followed by eight hex digits, at most 0010ffff");
            return 0;
        }
        size_t after = q + 1 + digits;
        if (v >= 0xDC00 && v <= 0xDFFF) {
            lex_fail(lx, WK_ERR_SYNTAX, lex_pos_scan(lx, p),
                     "a low surrogate escape must follow a high one");
            return 0;
        }
        if (v >= 0xD800 && v <= 0xDBFF) {
            uint32_t low;
            if (!(after + 1 < n && s[after] == '\\' && s[after + 1] == 'u' &&
                  lex_hex_run(s, after + 2, n, 4, &low) == 4 && low >= 0xDC00 && low <= 0xDFFF)) {
                lex_fail(lx, WK_ERR_SYNTAX, lex_pos_scan(lx, p),
                         "a high surrogate escape must be followed by a '\\u' low surrogate");
                return 0;
            }
            after += 6;
        }
        return after;
    }
    default:
        if (e >= '0' && e <= '7') {
            size_t k = q;
            while (k < q + 3 && k < n && s[k] >= '0' && s[k] <= '7') k++;
            return k;
        }
        if (e == '\n') {
            lex_fail(lx, WK_ERR_SYNTAX, lex_pos_scan(lx, p),
                     "unterminated string: a string must end on the line where it starts");
            return 0;
        }
        if (e >= 0x21 && e < 0x7F)
            lex_fail(lx, WK_ERR_SYNTAX, lex_pos_scan(lx, p), "invalid escape '\\%c' in a string", e);
        else
            lex_fail(lx, WK_ERR_SYNTAX, lex_pos_scan(lx, p), "invalid escape in a string");
        return 0;
    }
}

static bool lex_string(wk__lexer *lx, wk__token *tok)
{
    const char *s = lx->src;
    size_t n = lx->len;
    char quote = s[lx->at];
    size_t p = lx->at + 1;
    size_t extra = 0;
    for (;;) {
        if (p >= n)
            return lex_fail(lx, WK_ERR_SYNTAX, tok->pos,
                            "unterminated string: the file ends before its closing %c", quote);
        unsigned char c = (unsigned char)s[p];
        if (c == (unsigned char)quote) {
            p++;
            break;
        }
        if (c == '\n')
            return lex_fail(lx, WK_ERR_SYNTAX, tok->pos,
                            "unterminated string: a string must end on the line where it starts");
        if (c == '\\') {
            size_t q = lex_escape(lx, p);
            if (q == 0) {
                if (p + 1 >= n)
                    return lex_fail(lx, WK_ERR_SYNTAX, tok->pos,
                                    "unterminated string: the file ends before its closing %c", quote);
                return false;
            }
            p = q;
            continue;
        }
        if ((c & 0xC0) == 0x80) extra++;
        p++;
    }
    tok->kind = WK__TOK_STRING;
    tok->len = p - lx->at;
    lx->at = p;
    lx->line_extra += extra;
    return true;
}

static bool lex_number(wk__lexer *lx, wk__token *tok)
{
    const char *s = lx->src;
    size_t n = lx->len;
    size_t p = lx->at;
    bool is_float = false;
    uint64_t value = 0;
    bool overflow = false;
    unsigned base = 10;

    if (s[p] == '0' && p + 1 < n && (s[p + 1] == 'x' || s[p + 1] == 'X')) {
        base = 16;
        p += 2;
        size_t first = p;
        while (p < n && lex_hex_value((unsigned char)s[p]) >= 0) {
            uint64_t d = (uint64_t)lex_hex_value((unsigned char)s[p]);
            if (value > (UINT64_MAX - d) / 16) overflow = true;
            else value = value * 16 + d;
            p++;
        }
        if (p == first)
            return lex_fail(lx, WK_ERR_SYNTAX, tok->pos, "'0x' must be followed by hex digits");
    } else if (s[p] == '0' && p + 1 < n && lex_is_digit((unsigned char)s[p + 1])) {
        base = 8;
        p++;
        while (p < n && lex_is_digit((unsigned char)s[p])) {
            uint64_t d = (uint64_t)(s[p] - '0');
            if (d > 7)
                return lex_fail(lx, WK_ERR_SYNTAX, lex_pos_here(lx, p),
                                "a number that starts with 0 is octal: '%c' is not an octal digit",
                                s[p]);
            if (value > (UINT64_MAX - d) / 8) overflow = true;
            else value = value * 8 + d;
            p++;
        }
    } else {
        while (p < n && lex_is_digit((unsigned char)s[p])) {
            uint64_t d = (uint64_t)(s[p] - '0');
            if (value > (UINT64_MAX - d) / 10) overflow = true;
            else value = value * 10 + d;
            p++;
        }
        if (p < n && s[p] == '.') {
            is_float = true;
            p++;
            while (p < n && lex_is_digit((unsigned char)s[p])) p++;
        }
        if (p < n && (s[p] == 'e' || s[p] == 'E')) {
            is_float = true;
            size_t e = p;
            p++;
            if (p < n && (s[p] == '+' || s[p] == '-')) p++;
            if (p >= n || !lex_is_digit((unsigned char)s[p]))
                return lex_fail(lx, WK_ERR_SYNTAX, lex_pos_here(lx, e),
                                "the exponent of a number needs digits after '%c'", s[e]);
            while (p < n && lex_is_digit((unsigned char)s[p])) p++;
        }
    }
    if (p < n && (lex_is_ident_char((unsigned char)s[p]) || (s[p] == '.' && base != 10) ||
                  (s[p] == '.' && is_float)))
        return lex_fail(lx, WK_ERR_SYNTAX, lex_pos_here(lx, p),
                        "a number must be followed by a space or a symbol, not '%c'", s[p]);
    tok->kind = is_float ? WK__TOK_FLOAT : WK__TOK_INT;
    tok->len = p - lx->at;
    tok->int_value = is_float ? 0 : value;
    tok->int_overflow = !is_float && overflow;
    lx->at = p;
    return true;
}

void wk__lex_init(wk__lexer *lx, const char *src, size_t len)
{
    memset(lx, 0, sizeof *lx);
    lx->src = src;
    lx->len = len;
    lx->line = 1;
    /* A byte order mark is not a character an editor shows. */
    if (len >= 3 && (unsigned char)src[0] == 0xEF && (unsigned char)src[1] == 0xBB &&
        (unsigned char)src[2] == 0xBF) {
        lx->at = 3;
        lx->line_extra = 3;
    }
}

bool wk__lex_next(wk__lexer *lx, wk__token *tok)
{
    if (!lex_skip_space(lx)) return false;
    memset(tok, 0, sizeof *tok);
    tok->pos = lex_pos_here(lx, lx->at);
    tok->text = lx->src + lx->at;
    bool ok = true;
    if (lx->at >= lx->len) {
        tok->kind = WK__TOK_EOF;
        tok->len = 0;
    } else {
        unsigned char c = (unsigned char)lx->src[lx->at];
        if (lex_is_ident_start(c)) {
            size_t p = lx->at + 1;
            while (p < lx->len && lex_is_ident_char((unsigned char)lx->src[p])) p++;
            tok->kind = WK__TOK_IDENT;
            tok->len = p - lx->at;
            lx->at = p;
        } else if (lex_is_digit(c) ||
                   (c == '.' && lx->at + 1 < lx->len && lex_is_digit((unsigned char)lx->src[lx->at + 1]))) {
            ok = lex_number(lx, tok);
        } else if (c == '"' || c == '\'') {
            ok = lex_string(lx, tok);
        } else if (c > 0x20 && c < 0x7F) {
            tok->kind = WK__TOK_SYMBOL;
            tok->len = 1;
            lx->at++;
        } else if (c >= 0x80) {
            return lex_fail(lx, WK_ERR_SYNTAX, tok->pos,
                            "unexpected character outside a string or comment (byte 0x%02X)", c);
        } else {
            return lex_fail(lx, WK_ERR_SYNTAX, tok->pos, "unexpected control character 0x%02X", c);
        }
    }
    tok->end = lx->at;
    return ok;
}

size_t wk__lex_string_value(const wk__token *tok, char *out)
{
    const char *s = tok->text + 1;
    size_t n = tok->len - 2;
    size_t o = 0;
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (c != '\\') {
            out[o++] = c;
            i++;
            continue;
        }
        char e = s[i + 1];
        i += 2;
        uint32_t v;
        switch (e) {
        case 'a': out[o++] = '\a'; break;
        case 'b': out[o++] = '\b'; break;
        case 'f': out[o++] = '\f'; break;
        case 'n': out[o++] = '\n'; break;
        case 'r': out[o++] = '\r'; break;
        case 't': out[o++] = '\t'; break;
        case 'v': out[o++] = '\v'; break;
        case 'x':
        case 'X':
            i += lex_hex_run(s, i, n, 2, &v);
            out[o++] = (char)v;
            break;
        case 'u':
        case 'U': {
            size_t digits = e == 'u' ? 4 : 8;
            lex_hex_run(s, i, n, digits, &v);
            i += digits;
            if (v >= 0xD800 && v <= 0xDBFF) {
                uint32_t low;
                lex_hex_run(s, i + 2, n, 4, &low);
                i += 6;
                v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00);
            }
            o += wk__utf8_put((uint8_t *)out + o, v);
            break;
        }
        default:
            if (e >= '0' && e <= '7') {
                /* Up to three octal digits; like C, only the low byte is kept. */
                v = (uint32_t)(e - '0');
                for (int k = 0; k < 2 && i < n && s[i] >= '0' && s[i] <= '7'; k++, i++)
                    v = v * 8 + (uint32_t)(s[i] - '0');
                out[o++] = (char)(v & 0xFF);
            } else {
                out[o++] = e; /* \\ \' \" \? */
            }
            break;
        }
    }
    return o;
}
