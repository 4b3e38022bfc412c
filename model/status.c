/* Error codes, statuses and the library's version. */
#include "internal.h"

#include <stdio.h>

static const char *const status_names[] = {
#define XX(name, text) #name,
    WK_CODE_MAP(XX)
#undef XX
};

static const char *const status_messages[] = {
#define XX(name, text) text,
    WK_CODE_MAP(XX)
#undef XX
};

const char *wk_version(void) { return WK_VERSION_STRING; }

const char *wk_code_name(wk_code code)
{
    if ((unsigned)code >= WK_CODE_COUNT) return "UNKNOWN";
    return status_names[code];
}

const char *wk_code_message(wk_code code)
{
    if ((unsigned)code >= WK_CODE_COUNT) return "unknown error";
    return status_messages[code];
}

void wk_status_clear(wk_status *st) { wk__ok(st); }

wk_code wk__fail(wk_status *st, wk_code code, size_t offset, const char *fmt, ...)
{
    if (!st) return code;
    st->code = code;
    st->offset = offset;
    st->line = st->col = 0;
    st->file[0] = '\0';
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(st->msg, sizeof st->msg, fmt, ap);
        va_end(ap);
    } else {
        snprintf(st->msg, sizeof st->msg, "%s", wk_code_message(code));
    }
    return code;
}

void wk__status_locate(wk_status *st, const uint8_t *text, size_t len)
{
    if (!st) return;
    size_t end = st->offset < len ? st->offset : len;
    uint32_t line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < end; i++) {
        if (text[i] == '\n') {
            line++;
            line_start = i + 1;
        }
    }
    /* Columns count characters, not bytes: a valid UTF-8 sequence is one
     * column, and so is each byte that is not part of one. */
    uint32_t col = 1;
    size_t i = line_start;
    /* A byte order mark is not a character an editor shows. */
    if (i == 0 && end >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF) i = 3;
    while (i < end) {
        uint8_t c = text[i];
        size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (n > 1 && (n > end - i || wk__utf8_valid_prefix(text + i, n) != n)) n = 1;
        i += n;
        col++;
    }
    st->line = line;
    st->col = col;
}

void wk__path_format(const wk__path *frames, size_t depth, char *out, size_t cap)
{
    size_t n = 0;
    if (cap == 0) return;
    out[0] = '\0';
    n = (size_t)snprintf(out, cap, "$");
    for (size_t i = 0; i < depth && n < cap; i++) {
        const wk_value *c = frames[i].container;
        size_t idx = frames[i].index;
        int w;
        if (c->kind == WK_MAP && idx < c->len &&
            c->as.members[idx].key.kind == WK_STRING) {
            /* At most 64 bytes of the key, cut at a character boundary; an
             * embedded NUL is shown as \0 so that the path stays one string.
             * Like snprintf, write what fits and stop there. */
            const wk_value *k = &c->as.members[idx].key;
            size_t klen = k->len > 64 ? 64 : k->len;
            while (klen < k->len && klen > 0 && ((uint8_t)k->as.str[klen] & 0xC0) == 0x80)
                klen--;
            char step[2 * 64 + 2];
            size_t sl = 0;
            step[sl++] = '.';
            for (size_t j = 0; j < klen; j++) {
                char ch = k->as.str[j];
                if (ch == '\0') {
                    step[sl++] = '\\';
                    step[sl++] = '0';
                } else {
                    step[sl++] = ch;
                }
            }
            w = (int)sl;
            size_t fit = sl < cap - n ? sl : cap - n - 1;
            memcpy(out + n, step, fit);
            out[n + fit] = '\0';
        } else {
            w = snprintf(out + n, cap - n, "[%zu]", idx);
        }
        if (w < 0) break;
        n += (size_t)w;
    }
}
