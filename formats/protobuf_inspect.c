/*
 * Protocol Buffers without a schema: field numbers, wire types and raw
 * values in the text `protoc --decode_raw` prints (see wirekit/protobuf.h).
 *
 * The bytes are first walked once, iteratively, to find where they stop
 * being a message (an offset for the error) and to bound the nesting of
 * groups; then printed. Like protoc, a non-empty length-delimited field is
 * printed as a nested message when its bytes are a complete run of
 * well-formed fields, at most kUnknownFieldRecursionLimit (10) guesses and
 * groups deep; past that, as a string.
 */
#include "protobuf_internal.h"

#include <stdio.h>
#include <stdlib.h>

#include <wirekit/protobuf.h>

/* protoc's budget for nested guesses and groups while printing. */
#define PBINSP_BUDGET 10

typedef struct pbinsp {
    wk_buf *out;
    bool nomem;
} pbinsp;

/*
 * Walks data[0..len) as a run of fields to its end, groups matched and
 * nested no deeper than group_limit. Returns true when it is one; else
 * false, with the offset of the problem and its code and reason.
 */
static bool pbinsp_walk(const uint8_t *data, size_t len, uint32_t group_limit, size_t *err_off,
                        wk_code *err_code, const char **why)
{
    size_t p = 0;
    size_t nest = 0;
    /* The open groups' numbers are not kept: a mismatched end tag is found
     * by comparing with the number saved at each level, so keep a small
     * stack on the heap only when groups nest. */
    uint32_t local[32];
    uint32_t *numbers = local;
    size_t cap = 32;
    bool ok = false;
    while (p < len || nest) {
        size_t tag_off = p;
        uint64_t tag, v;
        if (p >= len) {
            *err_off = tag_off;
            *err_code = WK_ERR_TRUNCATED;
            *why = "input ends inside a group (no end-group tag)";
            goto done;
        }
        size_t n = wk__pb_varint(data + p, data + len, &tag);
        if (!n || n > 5 || (tag >> 3) > WK__PB_MAX_NUMBER || (tag >> 3) == 0) {
            *err_off = tag_off;
            *err_code = !n && len - p < 10 ? WK_ERR_TRUNCATED : WK_ERR_SYNTAX;
            *why = !n && len - p < 10 ? "input ends inside a tag"
                                      : (n && (tag >> 3) == 0 ? "field number 0" : "malformed tag");
            goto done;
        }
        p += n;
        uint32_t wt = (uint32_t)(tag & 7), number = (uint32_t)(tag >> 3);
        switch (wt) {
        case WK__PB_VARINT:
            n = wk__pb_varint(data + p, data + len, &v);
            if (!n) {
                *err_off = p;
                *err_code = len - p >= 10 ? WK_ERR_SYNTAX : WK_ERR_TRUNCATED;
                *why = len - p >= 10 ? "varint longer than 10 bytes" : "input ends inside a varint";
                goto done;
            }
            p += n;
            break;
        case WK__PB_I64:
        case WK__PB_I32: {
            size_t need = wt == WK__PB_I64 ? 8 : 4;
            if (len - p < need) {
                *err_off = tag_off;
                *err_code = WK_ERR_TRUNCATED;
                *why = "fixed-size value cut short";
                goto done;
            }
            p += need;
            break;
        }
        case WK__PB_LEN:
            n = wk__pb_varint(data + p, data + len, &v);
            if (!n || v > len - p - n) {
                *err_off = tag_off;
                *err_code = !n && len - p >= 10 ? WK_ERR_SYNTAX : WK_ERR_TRUNCATED;
                *why = !n ? "malformed length" : "length runs past the end of the input";
                goto done;
            }
            p += n + (size_t)v;
            break;
        case WK__PB_SGROUP:
            if (nest + 1 > group_limit) {
                *err_off = tag_off;
                *err_code = WK_ERR_DEPTH;
                *why = "groups nested deeper than the limit";
                goto done;
            }
            if (nest == cap) {
                uint32_t *bigger = numbers == local ? malloc(2 * cap * sizeof *bigger)
                                                    : realloc(numbers, 2 * cap * sizeof *bigger);
                if (!bigger) {
                    *err_off = tag_off;
                    *err_code = WK_ERR_NOMEM;
                    *why = "out of memory";
                    goto done;
                }
                if (numbers == local) memcpy(bigger, local, sizeof local);
                numbers = bigger;
                cap *= 2;
            }
            numbers[nest++] = number;
            break;
        case WK__PB_EGROUP:
            if (nest == 0 || numbers[nest - 1] != number) {
                *err_off = tag_off;
                *err_code = WK_ERR_SYNTAX;
                *why = "end-group tag without a matching start-group tag";
                goto done;
            }
            nest--;
            break;
        default:
            *err_off = tag_off;
            *err_code = WK_ERR_SYNTAX;
            *why = "invalid wire type (6 or 7)";
            goto done;
        }
    }
    ok = true;
done:
    if (numbers != local) free(numbers);
    return ok;
}

static bool pbinsp_is_message(const uint8_t *data, size_t len, uint32_t group_limit)
{
    size_t off;
    wk_code code;
    const char *why;
    return len && pbinsp_walk(data, len, group_limit, &off, &code, &why);
}

static void pbinsp_put(pbinsp *s, const char *text, size_t n)
{
    if (!s->nomem && wk_buf_append(s->out, text, n) != WK_OK) s->nomem = true;
}

static void pbinsp_printf(pbinsp *s, const char *fmt, ...) WK__PRINTF(2, 3);
static void pbinsp_printf(pbinsp *s, const char *fmt, ...)
{
    char text[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n > 0) pbinsp_put(s, text, (size_t)n < sizeof text ? (size_t)n : sizeof text - 1);
}

static void pbinsp_indent(pbinsp *s, unsigned indent)
{
    for (unsigned i = 0; i < indent; i++) pbinsp_put(s, "  ", 2);
}

/* C escapes as protoc's CEscape writes them. */
static void pbinsp_escaped(pbinsp *s, const uint8_t *p, size_t n)
{
    char buf[256];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k > sizeof buf - 8) {
            pbinsp_put(s, buf, k);
            k = 0;
        }
        uint8_t c = p[i];
        switch (c) {
        case '\n': buf[k++] = '\\'; buf[k++] = 'n'; break;
        case '\r': buf[k++] = '\\'; buf[k++] = 'r'; break;
        case '\t': buf[k++] = '\\'; buf[k++] = 't'; break;
        case '"': buf[k++] = '\\'; buf[k++] = '"'; break;
        case '\'': buf[k++] = '\\'; buf[k++] = '\''; break;
        case '\\': buf[k++] = '\\'; buf[k++] = '\\'; break;
        default:
            if (c < 0x20 || c >= 0x7f) {
                buf[k++] = '\\';
                buf[k++] = (char)('0' + (c >> 6));
                buf[k++] = (char)('0' + ((c >> 3) & 7));
                buf[k++] = (char)('0' + (c & 7));
            } else {
                buf[k++] = (char)c;
            }
        }
    }
    pbinsp_put(s, buf, k);
}

/*
 * Prints the fields of data[p..end) (already walked: well-formed) until the
 * end or the end-group tag of the group being printed; returns the offset
 * after what it printed.
 */
static size_t pbinsp_print(pbinsp *s, const uint8_t *data, size_t p, size_t end, unsigned indent,
                           int budget)
{
    while (p < end) {
        uint64_t tag = 0, v = 0;
        p += wk__pb_varint(data + p, data + end, &tag);
        uint32_t wt = (uint32_t)(tag & 7), number = (uint32_t)(tag >> 3);
        if (wt == WK__PB_EGROUP) return p;
        pbinsp_indent(s, indent);
        pbinsp_printf(s, "%u", number);
        switch (wt) {
        case WK__PB_VARINT:
            p += wk__pb_varint(data + p, data + end, &v);
            pbinsp_printf(s, ": %llu\n", (unsigned long long)v);
            break;
        case WK__PB_I64: {
            uint64_t x = 0;
            for (int i = 7; i >= 0; i--) x = x << 8 | data[p + (size_t)i];
            pbinsp_printf(s, ": 0x%016llx\n", (unsigned long long)x);
            p += 8;
            break;
        }
        case WK__PB_I32: {
            uint32_t x = 0;
            for (int i = 3; i >= 0; i--) x = x << 8 | data[p + (size_t)i];
            pbinsp_printf(s, ": 0x%08x\n", x);
            p += 4;
            break;
        }
        case WK__PB_LEN: {
            p += wk__pb_varint(data + p, data + end, &v);
            size_t n = (size_t)v;
            if (budget > 0 && pbinsp_is_message(data + p, n, (uint32_t)budget)) {
                pbinsp_put(s, " {\n", 3);
                pbinsp_print(s, data, p, p + n, indent + 1, budget - 1);
                pbinsp_indent(s, indent);
                pbinsp_put(s, "}\n", 2);
            } else {
                pbinsp_put(s, ": \"", 3);
                pbinsp_escaped(s, data + p, n);
                pbinsp_put(s, "\"\n", 2);
            }
            p += n;
            break;
        }
        case WK__PB_SGROUP:
            pbinsp_put(s, " {\n", 3);
            p = pbinsp_print(s, data, p, end, indent + 1, budget - 1);
            pbinsp_indent(s, indent);
            pbinsp_put(s, "}\n", 2);
            break;
        }
    }
    return p;
}

wk_code wk_protobuf_inspect(const void *data, size_t len, const wk_decode_opts *opts, wk_buf *out,
                            wk_status *st)
{
    if ((!data && len) || !out)
        return wk__fail(st, WK_ERR_INVALID, 0, "wk_protobuf_inspect: data and buffer are required");
    wk__ok(st);
    const uint8_t *bytes = data ? data : (const uint8_t *)"";
    uint32_t limit = wk__depth_limit(opts ? opts->max_depth : 0);
    size_t off;
    wk_code code;
    const char *why;
    if (!pbinsp_walk(bytes, len, limit, &off, &code, &why))
        return wk__fail(st, code, off, "not a Protocol Buffers message: %s at byte %zu", why, off);
    size_t mark = out->len;
    pbinsp s = {out, false};
    pbinsp_print(&s, bytes, 0, len, 0, PBINSP_BUDGET);
    if (s.nomem) {
        out->len = mark;
        return wk__fail(st, WK_ERR_NOMEM, 0, "out of memory growing the output buffer");
    }
    return WK_OK;
}
