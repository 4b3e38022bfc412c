/*
 * JSON (RFC 8259) through yajl.
 *
 * Decoding builds the value tree straight from yajl's event callbacks: each
 * scalar is pushed on a scratch stack, and when a container closes its
 * children are copied from the stack into one exact-size array in the
 * caller's arena. yajl's own string checks are off: we check UTF-8 strictly
 * ourselves (yajl accepts overlong forms and encoded surrogates), and strings
 * with escapes are decoded from the raw text by us, because yajl turns a lone
 * surrogate escape into '?' instead of failing. Numbers arrive as raw text
 * (the yajl_number callback), so that the whole int64 and uint64 ranges stay
 * exact.
 *
 * Encoding is our own writer: shortest round-trip doubles, strings escaped
 * eight bytes at a time.
 *
 * Without a schema, values JSON has no form for are written as documented
 * in docs/mapping.md: bytes as base64 strings, MessagePack extensions
 * as {"$ext": {...}}, non-string map keys as their JSON text.
 *
 * With a message type (wk_decode_opts.type, or a WK_MESSAGE to write), the
 * canonical proto3 JSON mapping: the schema-less tree is typed afterwards,
 * and a message is rendered into a schema-less tree before it is written, by
 * the shared typed layer (formats/typed.h) with this file's conventions
 * (wk__json_typed_conv). Only a typed error pays for its byte offset: jsonloc_find
 * follows the error's path through the text again.
 */
#include "../model/internal.h"
#include "formats.h"
#include "typed.h"

#include <stdio.h>
#include <stdlib.h>
#include <yajl/yajl_parse.h>
#include <yajl/yajl_version.h>

/* ------------------------------------------------------------------ */
/* Decoding                                                            */
/* ------------------------------------------------------------------ */

typedef struct jsondec_frame {
    size_t start;     /* index in vals of the container's first child */
    bool is_map;
} jsondec_frame;

typedef struct jsondec {
    wk_arena *arena;
    const uint8_t *input;
    size_t input_len;
    yajl_handle yajl;
    uint32_t max_depth;
    size_t skip;      /* bytes before what yajl was given (a byte order mark) */
    size_t value_end; /* where the top-level value ended, once it has */

    wk_value *vals;   /* scratch stack of finished values (map keys and values interleaved) */
    size_t nvals, capvals;
    jsondec_frame *frames;
    size_t nframes, capframes;

    wk_status *st;
    wk_code error;    /* set by a callback that cancels the parse */
} jsondec;

static int jsondec_fail(jsondec *d, wk_code code, size_t offset, const char *what)
{
    d->error = code;
    wk__fail(d->st, code, offset, "%s", what);
    return 0;
}

/* The offset just past the token yajl is reporting (it has lexed it already). */
static size_t jsondec_token_end(const jsondec *d)
{
    return yajl_get_bytes_consumed(d->yajl) + d->skip;
}

static wk_value *jsondec_push(jsondec *d)
{
    if (WK__UNLIKELY(d->nvals == d->capvals)) {
        size_t cap = d->capvals ? d->capvals * 2 : 256;
        wk_value *v = realloc(d->vals, cap * sizeof *v);
        if (!v) return NULL;
        d->vals = v;
        d->capvals = cap;
    }
    return &d->vals[d->nvals++];
}

static int jsondec_null(void *ctx)
{
    jsondec *d = ctx;
    if (d->nframes == 0) d->value_end = jsondec_token_end(d);
    wk_value *v = jsondec_push(d);
    if (!v) return jsondec_fail(d, WK_ERR_NOMEM, jsondec_token_end(d), "out of memory");
    *v = wk_value_null();
    return 1;
}

static int jsondec_boolean(void *ctx, int b)
{
    jsondec *d = ctx;
    if (d->nframes == 0) d->value_end = jsondec_token_end(d);
    wk_value *v = jsondec_push(d);
    if (!v) return jsondec_fail(d, WK_ERR_NOMEM, jsondec_token_end(d), "out of memory");
    *v = wk_value_bool(b != 0);
    return 1;
}

/*
 * Integers that fit int64 are WK_INT, larger positive ones that fit uint64
 * are WK_UINT; anything with a fraction or an exponent, or too large for
 * either, is a double.
 */
static int jsondec_number(void *ctx, const char *s, size_t len)
{
    jsondec *d = ctx;
    if (d->nframes == 0) d->value_end = jsondec_token_end(d);
    wk_value *v = jsondec_push(d);
    if (!v) return jsondec_fail(d, WK_ERR_NOMEM, jsondec_token_end(d), "out of memory");

    bool neg = s[0] == '-';
    size_t digits_end = neg;
    while (digits_end < len && s[digits_end] >= '0' && s[digits_end] <= '9') digits_end++;
    if (digits_end == len && wk__integer_digits_value(neg, s + neg, len - neg, v)) return 1;
    double x;
    if (!wk__parse_double(s, len, &x)) {
        d->nvals--;
        /* A number that ends the input is lexed by yajl_complete_parse from
         * its own copy, after it has reset its byte count. */
        const uint8_t *p = (const uint8_t *)s;
        size_t at = p >= d->input && p < d->input + d->input_len ? (size_t)(p - d->input)
                                                                   : d->input_len - len;
        return jsondec_fail(d, WK_ERR_RANGE, at, "number is too large for a double");
    }
    *v = wk_value_double(x);
    return 1;
}

/* Four hex digits (already checked by yajl's lexer). */
static uint32_t jsondec_hex4(const uint8_t *p)
{
    uint32_t cp = 0;
    for (int k = 0; k < 4; k++) {
        uint8_t c = p[k];
        uint32_t h = c <= '9' ? (uint32_t)(c - '0') : (uint32_t)((c | 0x20) - 'a' + 10);
        cp = cp << 4 | h;
    }
    return cp;
}

/*
 * A string token yajl has lexed, as the raw text between its quotes: it
 * ends just before the token end, and its opening quote is the nearest
 * quote before that with an even number of backslashes in front of it
 * (every quote inside a JSON string is escaped, with an odd number).
 */
static size_t jsondec_raw_string_start(const jsondec *d, size_t close_quote)
{
    size_t q = close_quote;
    while (q > 0) {
        q--;
        if (d->input[q] != '"') continue;
        size_t backslashes = 0;
        while (backslashes < q && d->input[q - 1 - backslashes] == '\\') backslashes++;
        if ((backslashes & 1) == 0) return q + 1;
    }
    return 0;
}

/*
 * Copies a string into the arena as a WK_STRING. yajl hands over a pointer
 * into our input when the token has no escapes; otherwise the raw text is
 * decoded here, with surrogate pairs checked.
 */
static int jsondec_string_value(jsondec *d, const unsigned char *s, size_t len, wk_value *v)
{
    if (WK__UNLIKELY(len > WK_VALUE_MAX_LEN))
        return jsondec_fail(d, WK_ERR_LIMIT, jsondec_token_end(d) - 1,
                            "string longer than the model's limit of 4 GiB - 1 bytes");
    if (s >= d->input && s + len <= d->input + d->input_len) {
        size_t valid = wk__utf8_valid_prefix(s, len);
        if (WK__UNLIKELY(valid != len))
            return jsondec_fail(d, WK_ERR_UTF8, (size_t)(s - d->input) + valid,
                                "invalid UTF-8 in string");
        char *p = wk__arena_alloc(d->arena, len + 1);
        if (!p) return jsondec_fail(d, WK_ERR_NOMEM, (size_t)(s - d->input), "out of memory");
        memcpy(p, s, len);
        p[len] = '\0';
        *v = (wk_value){.kind = WK_STRING, .len = (uint32_t)len, .as.str = p};
        return 1;
    }

    size_t close = jsondec_token_end(d) - 1;
    size_t start = jsondec_raw_string_start(d, close);
    const uint8_t *raw = d->input + start;
    size_t raw_len = close - start;
    uint8_t *out = wk__arena_alloc(d->arena, raw_len + 1);
    if (!out) return jsondec_fail(d, WK_ERR_NOMEM, start, "out of memory");
    size_t o = 0, i = 0;
    while (i < raw_len) {
        size_t run = i;
        while (run < raw_len && raw[run] != '\\') run++;
        if (run > i) {
            size_t valid = wk__utf8_valid_prefix(raw + i, run - i);
            if (valid != run - i)
                return jsondec_fail(d, WK_ERR_UTF8, start + i + valid, "invalid UTF-8 in string");
            memcpy(out + o, raw + i, run - i);
            o += run - i;
            i = run;
            if (i == raw_len) break;
        }
        /* raw[i] is a backslash; yajl has checked the escape's syntax. */
        uint8_t c = raw[i + 1];
        switch (c) {
        case 'b': out[o++] = '\b'; i += 2; continue;
        case 'f': out[o++] = '\f'; i += 2; continue;
        case 'n': out[o++] = '\n'; i += 2; continue;
        case 'r': out[o++] = '\r'; i += 2; continue;
        case 't': out[o++] = '\t'; i += 2; continue;
        case 'u': break;
        default: out[o++] = c; i += 2; continue;   /* \" \\ \/ */
        }
        uint32_t cp = jsondec_hex4(raw + i + 2);
        size_t esc_at = start + i;
        i += 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (i + 6 > raw_len || raw[i] != '\\' || raw[i + 1] != 'u')
                return jsondec_fail(d, WK_ERR_UTF8, esc_at,
                                    "lone high surrogate escape in string");
            uint32_t lo = jsondec_hex4(raw + i + 2);
            if (lo < 0xDC00 || lo > 0xDFFF)
                return jsondec_fail(d, WK_ERR_UTF8, esc_at,
                                    "high surrogate escape not followed by a low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return jsondec_fail(d, WK_ERR_UTF8, esc_at, "lone low surrogate escape in string");
        }
        o += wk__utf8_put(out + o, cp);
    }
    out[o] = '\0';
    wk__arena_trim(d->arena, out, raw_len + 1, o + 1);
    *v = (wk_value){.kind = WK_STRING, .len = (uint32_t)o, .as.str = (const char *)out};
    return 1;
}

static int jsondec_string(void *ctx, const unsigned char *s, size_t len)
{
    jsondec *d = ctx;
    if (d->nframes == 0) d->value_end = jsondec_token_end(d);
    wk_value *v = jsondec_push(d);
    if (!v) return jsondec_fail(d, WK_ERR_NOMEM, jsondec_token_end(d), "out of memory");
    if (!jsondec_string_value(d, s, len, v)) {
        d->nvals--;
        return 0;
    }
    return 1;
}

static int jsondec_open(jsondec *d, bool is_map)
{
    if (WK__UNLIKELY(d->nframes >= d->max_depth)) {
        char msg[96];
        snprintf(msg, sizeof msg, "nesting deeper than the limit of %u", (unsigned)d->max_depth);
        return jsondec_fail(d, WK_ERR_DEPTH, jsondec_token_end(d) - 1, msg);
    }
    if (WK__UNLIKELY(d->nframes == d->capframes)) {
        size_t cap = d->capframes ? d->capframes * 2 : 32;
        jsondec_frame *f = realloc(d->frames, cap * sizeof *f);
        if (!f) return jsondec_fail(d, WK_ERR_NOMEM, jsondec_token_end(d), "out of memory");
        d->frames = f;
        d->capframes = cap;
    }
    d->frames[d->nframes].start = d->nvals;
    d->frames[d->nframes].is_map = is_map;
    d->nframes++;
    return 1;
}

static int jsondec_start_map(void *ctx) { return jsondec_open(ctx, true); }
static int jsondec_start_array(void *ctx) { return jsondec_open(ctx, false); }

/* Moves the children of the innermost container into the arena. */
static int jsondec_close(void *ctx)
{
    jsondec *d = ctx;
    jsondec_frame f = d->frames[--d->nframes];
    size_t n = d->nvals - f.start;
    if (WK__UNLIKELY((f.is_map ? n / 2 : n) > WK_VALUE_MAX_LEN))
        return jsondec_fail(d, WK_ERR_LIMIT, jsondec_token_end(d) - 1,
                            "container with more children than the model's limit of 2^32 - 1");
    size_t bytes = n * sizeof(wk_value);   /* a member is a key and a value, back to back */
    void *items = wk__arena_alloc(d->arena, bytes);
    if (!items) return jsondec_fail(d, WK_ERR_NOMEM, jsondec_token_end(d), "out of memory");
    if (bytes) memcpy(items, d->vals + f.start, bytes);
    d->nvals = f.start;
    wk_value *v = jsondec_push(d);   /* the slot of the first child, or a new one */
    if (!v) return jsondec_fail(d, WK_ERR_NOMEM, jsondec_token_end(d), "out of memory");
    if (d->nframes == 0) d->value_end = jsondec_token_end(d);
    if (f.is_map)
        *v = (wk_value){.kind = WK_MAP, .len = (uint32_t)(n / 2), .as.members = items};
    else
        *v = (wk_value){.kind = WK_LIST, .len = (uint32_t)n, .as.items = items};
    return 1;
}

static const yajl_callbacks jsondec_callbacks = {
    jsondec_null, jsondec_boolean, NULL, NULL, jsondec_number, jsondec_string,
    jsondec_start_map, jsondec_string, jsondec_close, jsondec_start_array, jsondec_close,
};

/*
 * yajl reports a parse error just past the token that caused it; point at
 * the token's first byte instead.
 */
static size_t jsondec_token_start(const uint8_t *in, size_t end)
{
    if (end == 0) return 0;
    uint8_t c = in[end - 1];
    if (c == '"') {
        size_t q = end - 1;
        while (q > 0) {
            q--;
            if (in[q] != '"') continue;
            size_t bs = 0;
            while (bs < q && in[q - 1 - bs] == '\\') bs++;
            if ((bs & 1) == 0) return q;
        }
        return 0;
    }
    bool word = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                c == '.' || c == '-' || c == '+';
    if (!word) return end - 1;
    size_t s = end - 1;
    while (s > 0) {
        uint8_t p = in[s - 1];
        if ((p >= '0' && p <= '9') || (p >= 'a' && p <= 'z') || (p >= 'A' && p <= 'Z') ||
            p == '.' || p == '-' || p == '+')
            s--;
        else
            break;
    }
    return s;
}

/*
 * Where the last complete value before a parse error ended: yajl is run
 * again over the input with callbacks that only note its byte count. Used
 * on the error path alone, so that decoding pays nothing for it.
 */
typedef struct jsonend {
    yajl_handle yajl;
    size_t end;
} jsonend;

static int jsonend_mark(void *ctx)
{
    jsonend *e = ctx;
    e->end = yajl_get_bytes_consumed(e->yajl);
    return 1;
}
static int jsonend_bool(void *ctx, int b) { (void)b; return jsonend_mark(ctx); }
static int jsonend_number(void *ctx, const char *s, size_t l) { (void)s; (void)l; return jsonend_mark(ctx); }
static int jsonend_string(void *ctx, const unsigned char *s, size_t l) { (void)s; (void)l; return jsonend_mark(ctx); }

static const yajl_callbacks jsonend_callbacks = {
    jsonend_mark, jsonend_bool, NULL, NULL, jsonend_number, jsonend_string,
    NULL, NULL, jsonend_mark, NULL, jsonend_mark,
};

static size_t jsondec_last_value_end(const jsondec *d)
{
    jsonend e = {NULL, 0};
    e.yajl = yajl_alloc(&jsonend_callbacks, NULL, &e);
    if (!e.yajl) return 0;
    yajl_config(e.yajl, yajl_dont_validate_strings, 1);
    yajl_parse(e.yajl, d->input + d->skip, d->input_len - d->skip);
    yajl_free(e.yajl);
    return e.end + d->skip;
}

static bool jsondec_is_space(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Turns yajl's error into our code, offset and message. */
static wk_code jsondec_yajl_error(jsondec *d, size_t consumed)
{
    unsigned char *text = yajl_get_error(d->yajl, 0, NULL, 0);
    const char *why = text ? (const char *)text : "syntax error";
    bool lexical = strncmp(why, "lexical error: ", 15) == 0;
    if (strncmp(why, "parse error: ", 13) == 0) why += 13;
    else if (lexical) why += 15;
    char msg[200];
    snprintf(msg, sizeof msg, "%s", why);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '.' || msg[n - 1] == ' ')) msg[--n] = '\0';
    if (text) yajl_free_error(d->yajl, text);

    wk_code code = WK_ERR_SYNTAX;
    size_t offset;
    if (strstr(msg, "trailing garbage")) {
        /* The first byte after the value that is not white space. */
        code = WK_ERR_TRAILING;
        offset = d->value_end;
        while (offset < d->input_len && jsondec_is_space(d->input[offset])) offset++;
        snprintf(msg, sizeof msg, "unexpected data after the JSON value");
    } else if (strstr(msg, "premature EOF")) {
        code = WK_ERR_TRUNCATED;
        offset = d->input_len;
        snprintf(msg, sizeof msg, "unexpected end of input");
    } else if (lexical) {
        offset = consumed;
        /* For a stray character yajl counts the character itself as consumed;
         * for a broken literal ("tru") it stops after it: point at its start. */
        if (strstr(msg, "invalid char in json text") && offset > 0) offset--;
        else if (strstr(msg, "invalid string in json text")) offset = jsondec_token_start(d->input, consumed);
    } else if (strstr(msg, "inside map, I expect ',' or '}'")) {
        /* For this one error yajl steps back by the token's decoded length,
         * which misses quotes and escapes: find the token after the value. */
        offset = jsondec_last_value_end(d);
        while (offset < d->input_len && jsondec_is_space(d->input[offset])) offset++;
    } else {
        offset = jsondec_token_start(d->input, consumed);
    }
    if (offset > d->input_len) offset = d->input_len;
    /* yajl ends a number at a leading zero and then trips over the next digit. */
    if (!lexical) {
        size_t z = offset < d->input_len && d->input[offset] == '-' ? offset + 1 : offset;
        /* The offending token may be the digit after the zero. */
        if (z > 0 && z < d->input_len && d->input[z - 1] == '0' && d->input[z] >= '0' &&
            d->input[z] <= '9' &&
            (z == 1 || !((d->input[z - 2] >= '0' && d->input[z - 2] <= '9') || d->input[z - 2] == '.' ||
                         d->input[z - 2] == 'e' || d->input[z - 2] == 'E' || d->input[z - 2] == '+')))
            z--;
        if (z + 1 < d->input_len && d->input[z] == '0' && d->input[z + 1] >= '0' &&
            d->input[z + 1] <= '9') {
            code = WK_ERR_SYNTAX;
            offset = z;
            snprintf(msg, sizeof msg, "leading zeros are not allowed in numbers");
        }
    }
    return wk__fail(d->st, code, offset, "%s", msg);
}

static void jsondec_cleanup(jsondec *d)
{
    if (d->yajl) yajl_free(d->yajl);
    free(d->vals);
    free(d->frames);
}

/* ------------------------------------------------------------------ */
/* Typed decoding: the canonical proto3 JSON mapping (formats/typed.h)  */
/* ------------------------------------------------------------------ */

const wk__typed_conv wk__json_typed_conv = {
    .format = "JSON",
    .json_names = true,
    .int64_as_string = true,
    .bytes_as_base64 = true,
    .enum_as_name = true,
    .nonfinite_as_string = true,
    .map_keys_as_string = true,
    .number_keys_allowed = false,
    .wire_unknown_kept = false,
    .any_as_json = true,
};

/*
 * Where a typed error was found, as a byte offset: the tree keeps no
 * positions, so the path's indexes are followed through the text again
 * (which has been parsed, so is well-formed JSON). Only errors pay for it.
 */
static size_t jsonloc_space(const uint8_t *s, size_t len, size_t i)
{
    while (i < len && jsondec_is_space(s[i])) i++;
    return i;
}

static size_t jsonloc_string_end(const uint8_t *s, size_t len, size_t i)
{
    for (i++; i < len && s[i] != '"'; i++)
        if (s[i] == '\\') i++;
    return i < len ? i + 1 : len;
}

/* The offset just past the value that starts at i. */
static size_t jsonloc_skip(const uint8_t *s, size_t len, size_t i)
{
    if (i >= len) return len;
    if (s[i] == '"') return jsonloc_string_end(s, len, i);
    if (s[i] != '{' && s[i] != '[') {
        while (i < len && !jsondec_is_space(s[i]) && s[i] != ',' && s[i] != ']' && s[i] != '}') i++;
        return i;
    }
    size_t depth = 0;
    while (i < len) {
        uint8_t c = s[i];
        if (c == '"') {
            i = jsonloc_string_end(s, len, i);
            continue;
        }
        if (c == '{' || c == '[') depth++;
        else if (c == '}' || c == ']') {
            if (--depth == 0) return i + 1;
        }
        i++;
    }
    return len;
}

static size_t jsonloc_find(const uint8_t *s, size_t len, const wk__typed_where *w)
{
    size_t i = (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) ? 3 : 0;
    i = jsonloc_space(s, len, i);
    for (size_t k = 0; k < w->depth && i < len; k++) {
        bool is_map = w->frames[k].container->kind == WK_MAP;
        size_t index = w->frames[k].index;
        i = jsonloc_space(s, len, i + 1);   /* past '{' or '[' */
        for (size_t n = 0; n < index && i < len; n++) {
            if (is_map) {
                i = jsonloc_space(s, len, jsonloc_string_end(s, len, i));
                i = jsonloc_space(s, len, i + 1);   /* past ':' */
            }
            i = jsonloc_space(s, len, jsonloc_skip(s, len, i));
            i = jsonloc_space(s, len, i + 1);       /* past ',' */
        }
        if (is_map) {
            if (k + 1 == w->depth && w->at_key) return i;
            i = jsonloc_space(s, len, jsonloc_string_end(s, len, i));
            i = jsonloc_space(s, len, i + 1);
        }
    }
    return i < len ? i : len;
}

static wk_code jsontyped_apply(const uint8_t *data, size_t len, const wk_decode_opts *opts,
                               wk_arena *a, const wk_value *tree, const wk_value **out,
                               wk_status *st)
{
    wk__typed_where where;
    wk_code rc = wk__typed_apply(&wk__json_typed_conv, tree, opts->type, opts->flags, opts->max_depth, a,
                                 out, &where, st);
    if (rc != WK_OK) {
        if (st) st->offset = jsonloc_find(data, len, &where);
        free(where.frames);
    }
    return rc;
}

static wk_code json_decode(const uint8_t *data, size_t len, const wk_decode_opts *opts,
                           wk_arena *a, const wk_value **out, wk_status *st)
{
    jsondec d;
    memset(&d, 0, sizeof d);
    d.arena = a;
    d.input = data;
    d.input_len = len;
    d.st = st;
    d.max_depth = wk__depth_limit(opts ? opts->max_depth : 0);

    /* RFC 8259 lets a parser ignore a UTF-8 byte order mark. */
    d.skip = (len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF) ? 3 : 0;

    d.yajl = yajl_alloc(&jsondec_callbacks, NULL, &d);
    if (!d.yajl) return wk__fail(st, WK_ERR_NOMEM, 0, "out of memory");
    yajl_config(d.yajl, yajl_dont_validate_strings, 1);

    wk_code rc = WK_OK;
    const wk_value *typed_tree = NULL;
    yajl_status ys = yajl_parse(d.yajl, data + d.skip, len - d.skip);
    /* yajl_complete_parse resets the count, so take it now; at the end it is all. */
    size_t consumed = jsondec_token_end(&d);
    if (ys == yajl_status_ok) {
        ys = yajl_complete_parse(d.yajl);
        consumed = len;
    }
    if (ys == yajl_status_client_canceled) {
        rc = d.error;
    } else if (ys != yajl_status_ok) {
        rc = jsondec_yajl_error(&d, consumed);
    } else if (d.nvals != 1) {
        rc = wk__fail(st, WK_ERR_TRUNCATED, len, "no JSON value in the input");
    } else {
        wk_value *root = wk__arena_alloc(a, sizeof *root);
        if (!root) {
            rc = wk__fail(st, WK_ERR_NOMEM, 0, "out of memory");
        } else {
            *root = d.vals[0];
            if (opts && opts->type) typed_tree = root;
            else *out = root;
        }
    }
    jsondec_cleanup(&d);
    /* The typing pass runs once yajl and the scratch stacks are freed. */
    if (typed_tree) rc = jsontyped_apply(data, len, opts, a, typed_tree, out, st);
    if (rc != WK_OK && st) wk__status_locate(st, data, len);
    return rc;
}

/* ------------------------------------------------------------------ */
/* parse_only: yajl alone, with callbacks that do nothing              */
/* ------------------------------------------------------------------ */

static int jsonnop_null(void *ctx) { (void)ctx; return 1; }
static int jsonnop_bool(void *ctx, int b) { (void)ctx; (void)b; return 1; }
static int jsonnop_number(void *ctx, const char *s, size_t l) { (void)ctx; (void)s; (void)l; return 1; }
static int jsonnop_string(void *ctx, const unsigned char *s, size_t l) { (void)ctx; (void)s; (void)l; return 1; }

/* The number callback is set, so yajl converts no numbers: the cheapest way to run it. */
static const yajl_callbacks jsonnop_callbacks = {
    jsonnop_null, jsonnop_bool, NULL, NULL, jsonnop_number, jsonnop_string,
    jsonnop_null, jsonnop_string, jsonnop_null, jsonnop_null, jsonnop_null,
};

static wk_code json_parse_only(const uint8_t *data, size_t len, const wk_decode_opts *opts,
                               wk_status *st)
{
    (void)opts;
    yajl_handle h = yajl_alloc(&jsonnop_callbacks, NULL, NULL);
    if (!h) return wk__fail(st, WK_ERR_NOMEM, 0, "out of memory");
    /* A byte order mark is skipped, as decode skips it. */
    size_t skip = (len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF) ? 3 : 0;
    data += skip;
    len -= skip;
    yajl_status ys = yajl_parse(h, data, len);
    size_t consumed = yajl_get_bytes_consumed(h);
    if (ys == yajl_status_ok) {
        ys = yajl_complete_parse(h);
        consumed = len;
    }
    wk_code rc = WK_OK;
    if (ys != yajl_status_ok) {
        unsigned char *text = yajl_get_error(h, 0, NULL, 0);
        rc = wk__fail(st, WK_ERR_SYNTAX, consumed, "%s", text ? (const char *)text : "syntax error");
        if (text) yajl_free_error(h, text);
        if (st) wk__status_locate(st, data, len);
    }
    yajl_free(h);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Encoding                                                            */
/* ------------------------------------------------------------------ */

/*
 * The encoder walks the tree with a stack of its own, one frame per open
 * list or map (the container and the index of the item being written), so
 * that nesting costs heap, not C stack: a tree at the deepest limit
 * (WK_MAX_DEPTH_LIMIT) is written on a thread with a small stack too. The
 * first JSONENC_INLINE_FRAMES frames live in the encoder itself; deeper
 * trees move the stack to the heap. The frames are also the path that an
 * error names.
 */
#define JSONENC_INLINE_FRAMES 64

typedef struct jsonenc {
    wk_buf *out;
    wk_status *st;
    uint32_t max_depth;
    uint32_t flags;
    bool pretty;
    wk__path *frames;      /* frames[d]: the container open at depth d */
    uint32_t frame_cap;
    wk__path inline_frames[JSONENC_INLINE_FRAMES];
} jsonenc;

static WK__NOINLINE wk_code jsonenc_fail(jsonenc *e, uint32_t depth, wk_code code, const char *what)
{
    char where[160];
    wk__path_format(e->frames, depth, where, sizeof where);
    return wk__fail(e->st, code, 0, "%s: %s", where, what);
}

/* Room for frames[depth]: the stack doubles, on the heap once past the inline frames. */
static WK__NOINLINE wk_code jsonenc_grow(jsonenc *e, uint32_t depth)
{
    size_t cap = (size_t)e->frame_cap * 2;
    if (cap <= depth) cap = (size_t)depth + 1;
    wk__path *frames = e->frames == e->inline_frames ? malloc(cap * sizeof *frames)
                                                     : realloc(e->frames, cap * sizeof *frames);
    if (!frames) return wk__fail(e->st, WK_ERR_NOMEM, 0, "out of memory");
    if (e->frames == e->inline_frames) memcpy(frames, e->inline_frames, sizeof e->inline_frames);
    e->frames = frames;
    e->frame_cap = (uint32_t)cap;
    return WK_OK;
}

static inline wk_code jsonenc_reserve(jsonenc *e, size_t n)
{
    if (WK__LIKELY(e->out->cap - e->out->len >= n)) return WK_OK;
    return wk_buf_reserve(e->out, n);
}

static inline void jsonenc_put(jsonenc *e, const char *s, size_t n)
{
    memcpy(e->out->data + e->out->len, s, n);
    e->out->len += n;
}

/* For every byte: 0 copies as it is, otherwise the character after the backslash ('u' for \u00XX). */
static const char jsonenc_escape[256] = {
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'b', 't', 'n', 'u', 'f', 'r', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    0, 0, '"', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '\\', 0, 0, 0,
};

/* True when any of the eight bytes needs escaping: below 0x20, '"' or '\\'. */
static inline bool jsonenc_word_needs_escape(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t quote = w ^ (ones * '"');
    uint64_t backslash = w ^ (ones * '\\');
    uint64_t t = ((w - ones * 0x20) & ~w) | ((quote - ones) & ~quote) |
                 ((backslash - ones) & ~backslash);
    return (t & highs) != 0;
}

static WK__NOINLINE wk_code jsonenc_string(jsonenc *e, const char *str, size_t len, uint32_t depth)
{
    const uint8_t *s = (const uint8_t *)str;
    size_t valid = wk__utf8_valid_prefix(s, len);
    if (valid != len) return jsonenc_fail(e, depth, WK_ERR_UNREPRESENTABLE, "string is not valid UTF-8");
    /* Room for the string as it is; an escape makes more room as it goes
     * (reserving six bytes per byte up front would claim six times the
     * memory for the common string that needs no escape at all). */
    if (len > SIZE_MAX - 64 || jsonenc_reserve(e, len + 8) != WK_OK)
        return wk__fail(e->st, WK_ERR_NOMEM, 0, "out of memory");
    uint8_t *o = e->out->data + e->out->len;
    uint8_t *limit = e->out->data + e->out->cap;
    *o++ = '"';
    size_t i = 0;
    while (i < len) {
        if (WK__UNLIKELY((size_t)(limit - o) < len - i + 7)) {
            /* The rest of the string, one escape and the closing quote. */
            size_t at = (size_t)(o - e->out->data);
            e->out->len = at;
            if (wk_buf_reserve(e->out, len - i + 7 + (len - i) / 8 + 64) != WK_OK)
                return wk__fail(e->st, WK_ERR_NOMEM, 0, "out of memory");
            o = e->out->data + at;
            limit = e->out->data + e->out->cap;
        }
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (jsonenc_word_needs_escape(w)) break;
            memcpy(o, &w, 8);
            o += 8;
            i += 8;
        }
        if (i == len) break;
        uint8_t c = s[i++];
        char esc = jsonenc_escape[c];
        if (!esc) {
            *o++ = c;
        } else if (esc != 'u') {
            *o++ = '\\';
            *o++ = (uint8_t)esc;
        } else {
            static const char hex[] = "0123456789abcdef";
            memcpy(o, "\\u00", 4);
            o[4] = (uint8_t)hex[c >> 4];
            o[5] = (uint8_t)hex[c & 15];
            o += 6;
        }
    }
    *o++ = '"';
    e->out->len = (size_t)(o - e->out->data);
    return WK_OK;
}

static WK__NOINLINE wk_code jsonenc_base64(jsonenc *e, const char *data, size_t len)
{
    size_t n = wk__base64_len(len);
    if (jsonenc_reserve(e, n + 2) != WK_OK) return wk__fail(e->st, WK_ERR_NOMEM, 0, "out of memory");
    e->out->data[e->out->len++] = '"';
    wk__base64_encode((const uint8_t *)data, len, (char *)e->out->data + e->out->len);
    e->out->len += n;
    e->out->data[e->out->len++] = '"';
    return WK_OK;
}

static void jsonenc_newline(jsonenc *e, uint32_t depth)
{
    e->out->data[e->out->len++] = '\n';
    memset(e->out->data + e->out->len, ' ', (size_t)depth * 2);
    e->out->len += (size_t)depth * 2;
}

/*
 * The MessagePack timestamp extension (type -1) as RFC 3339 text in UTC;
 * false when the payload is not a valid timestamp or the year is outside
 * 0001..9999.
 */
static bool jsonenc_timestamp(const uint8_t *p, size_t n, char *out, size_t cap)
{
    int64_t sec;
    uint32_t nsec;
    if (n == 4) {
        sec = (int64_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
        nsec = 0;
    } else if (n == 8) {
        uint64_t v = 0;
        for (int k = 0; k < 8; k++) v = v << 8 | p[k];
        nsec = (uint32_t)(v >> 34);
        sec = (int64_t)(v & 0x3FFFFFFFFull);
    } else if (n == 12) {
        nsec = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
        uint64_t v = 0;
        for (int k = 4; k < 12; k++) v = v << 8 | p[k];
        sec = (int64_t)v;
    } else {
        return false;
    }
    if (nsec > 999999999u) return false;
    /* Years 1..9999 span these seconds; outside them RFC 3339 has no form. */
    if (sec < -62135596800LL || sec > 253402300799LL) return false;
    size_t w = wk__timestamp_format_seconds(sec, out);
    if (nsec) {
        char frac[16];
        snprintf(frac, sizeof frac, ".%09u", (unsigned)nsec);
        size_t fl = strlen(frac);
        while (fl > 2 && frac[fl - 1] == '0') frac[--fl] = '\0';
        w += (size_t)snprintf(out + w, cap - w, "%s", frac);
    }
    snprintf(out + w, cap - w, "Z");
    return true;
}

static wk_code jsonenc_value(jsonenc *e, const wk_value *v, uint32_t depth);

/* {"$ext":{"type":T,"data":"<base64>"}}, with "timestamp" added for type -1. */
static WK__NOINLINE wk_code jsonenc_ext(jsonenc *e, const wk_value *v)
{
    char head[64];
    int n = snprintf(head, sizeof head, "{\"$ext\":{\"type\":%d,\"data\":", (int)v->ext_type);
    if (jsonenc_reserve(e, (size_t)n) != WK_OK) return wk__fail(e->st, WK_ERR_NOMEM, 0, "out of memory");
    jsonenc_put(e, head, (size_t)n);
    wk_code rc = jsonenc_base64(e, v->as.str, v->len);
    if (rc != WK_OK) return rc;
    char ts[64];
    if (v->ext_type == -1 &&
        jsonenc_timestamp((const uint8_t *)v->as.str, v->len, ts, sizeof ts)) {
        if (jsonenc_reserve(e, strlen(ts) + 16) != WK_OK)
            return wk__fail(e->st, WK_ERR_NOMEM, 0, "out of memory");
        jsonenc_put(e, ",\"timestamp\":\"", 14);
        jsonenc_put(e, ts, strlen(ts));
        jsonenc_put(e, "\"", 1);
    }
    if (jsonenc_reserve(e, 2) != WK_OK) return wk__fail(e->st, WK_ERR_NOMEM, 0, "out of memory");
    jsonenc_put(e, "}}", 2);
    return WK_OK;
}

/* A map key that is not a string: its compact JSON text, as a string. */
static WK__NOINLINE wk_code jsonenc_key(jsonenc *e, const wk_value *k, uint32_t depth)
{
    if (k->kind == WK_STRING) return jsonenc_string(e, k->as.str, k->len, depth);
    if (k->kind == WK_BYTES) return jsonenc_base64(e, k->as.str, k->len);
    /* A container as a key would be escaped again at every level of keys
     * within keys: the output grows exponentially with the nesting. */
    if (k->kind == WK_LIST || k->kind == WK_MAP || k->kind == WK_MESSAGE)
        return jsonenc_fail(e, depth, WK_ERR_UNREPRESENTABLE,
                            "a map key that is a list or map has no JSON form");
    if (k->kind != WK_EXT) {
        /* A number, boolean or null writes plain ASCII that needs no
         * escape: write it where the key goes and quote it in place. */
        size_t mark = e->out->len;
        wk_code rc = jsonenc_value(e, k, depth);
        if (rc != WK_OK) return rc;
        if (jsonenc_reserve(e, 2) != WK_OK) return wk__fail(e->st, WK_ERR_NOMEM, 0, "out of memory");
        uint8_t *at = e->out->data + mark;
        size_t n = e->out->len - mark;
        memmove(at + 1, at, n);
        at[0] = '"';
        at[n + 1] = '"';
        e->out->len += 2;
        return WK_OK;
    }
    /* An extension's JSON text has quotes of its own: written aside, then escaped as a string. */
    wk_buf tmp;
    wk_buf_init(&tmp);
    /* An extension is a scalar: the writer aside pushes no frame, and shares
     * the stack only for the path an error would name. */
    jsonenc sub;
    sub.out = &tmp;
    sub.st = e->st;
    sub.max_depth = e->max_depth;
    sub.flags = e->flags;
    sub.pretty = false;
    sub.frames = e->frames;
    sub.frame_cap = e->frame_cap;
    wk_code rc = jsonenc_ext(&sub, k);
    if (rc == WK_OK) rc = jsonenc_string(e, (const char *)tmp.data, tmp.len, depth);
    wk_buf_destroy(&tmp);
    return rc;
}

/*
 * A typed message: rendered by the typed layer into a schema-less tree in a
 * scratch arena (floats marked, 64-bit integers as strings, ...), which is
 * then written as any tree is. Unknown fields read from Protocol Buffers
 * (number keys, wire bytes) have no JSON name and are left out.
 */
static wk_code jsonenc_typed(jsonenc *e, const wk_value *v, uint32_t depth)
{
    wk_arena *scratch = wk_arena_new(0);
    if (!scratch) return wk__fail(e->st, WK_ERR_NOMEM, 0, "out of memory");
    wk_value tree;
    wk_code rc = wk__typed_render(&wk__json_typed_conv, v, e->flags, e->max_depth, scratch, &tree,
                                  e->st);
    if (rc == WK_OK) rc = jsonenc_value(e, &tree, depth);
    wk_arena_free(scratch);
    return rc;
}

/* A number, formatted straight into the output buffer. */
static inline wk_code jsonenc_number(jsonenc *e, const wk_value *v, uint32_t depth)
{
    if (v->kind == WK_DOUBLE) {
        if (v->as.d != v->as.d)
            return jsonenc_fail(e, depth, WK_ERR_UNREPRESENTABLE, "JSON has no NaN");
        if (v->as.d - v->as.d != 0)
            return jsonenc_fail(e, depth, WK_ERR_UNREPRESENTABLE, "JSON has no infinity");
    }
    if (jsonenc_reserve(e, WK__DOUBLE_MAX_CHARS) != WK_OK)
        return wk__fail(e->st, WK_ERR_NOMEM, 0, "out of memory");
    char *at = (char *)e->out->data + e->out->len;
    if (v->kind == WK_INT) e->out->len += wk__format_int64(v->as.i, at);
    else if (v->kind == WK_UINT) e->out->len += wk__format_uint64(v->as.u, at);
    /* A float field's value, marked by the typed layer: its float32 text. */
    else if (WK__UNLIKELY(v->reserved == WK__DOUBLE_AS_FLOAT32)) e->out->len += wk__format_float32((float)v->as.d, at);
    else e->out->len += wk__format_double(v->as.d, at);
    return WK_OK;
}

/* Any value but a list or map (those are the walk's, in jsonenc_value). */
static inline wk_code jsonenc_scalar(jsonenc *e, const wk_value *v, uint32_t depth)
{
    switch ((wk_kind)v->kind) {
    case WK_NULL:
        if (jsonenc_reserve(e, 4) != WK_OK) break;
        jsonenc_put(e, "null", 4);
        return WK_OK;
    case WK_BOOL:
        if (jsonenc_reserve(e, 5) != WK_OK) break;
        if (v->as.b) jsonenc_put(e, "true", 4);
        else jsonenc_put(e, "false", 5);
        return WK_OK;
    case WK_INT:
    case WK_UINT:
    case WK_DOUBLE:
        return jsonenc_number(e, v, depth);
    case WK_STRING:
        return jsonenc_string(e, v->as.str, v->len, depth);
    case WK_BYTES:
        return jsonenc_base64(e, v->as.str, v->len);
    case WK_EXT:
        return jsonenc_ext(e, v);
    case WK_MESSAGE:
        return jsonenc_typed(e, v, depth);
    default:
        return jsonenc_fail(e, depth, WK_ERR_INVALID, "value of unknown kind");
    }
    return wk__fail(e->st, WK_ERR_NOMEM, 0, "out of memory");
}

/*
 * Writes v, which stands at depth `base` of the whole tree: the loop goes
 * down into each list or map it opens (pushing a frame) and back up when
 * one is done (popping it), so it never recurses for nesting.
 */
static wk_code jsonenc_value(jsonenc *e, const wk_value *v, uint32_t base)
{
    uint32_t depth = base;   /* where v stands */
    wk_code rc;
    for (;;) {
        /* Write v: a scalar whole, a list or map up to its first item. */
        if (v->kind != WK_LIST && v->kind != WK_MAP) {
            rc = jsonenc_scalar(e, v, depth);
            if (rc != WK_OK) return rc;
        } else {
            if (depth >= e->max_depth)
                return jsonenc_fail(e, depth, WK_ERR_DEPTH, "nesting deeper than the limit");
            if (WK__UNLIKELY(depth >= e->frame_cap) && (rc = jsonenc_grow(e, depth)) != WK_OK) return rc;
            if (jsonenc_reserve(e, 2) != WK_OK) goto nomem;
            bool is_map = v->kind == WK_MAP;
            e->out->data[e->out->len++] = is_map ? '{' : '[';
            if (v->len == 0) {
                e->out->data[e->out->len++] = is_map ? '}' : ']';
            } else {
                e->frames[depth] = (wk__path){v, 0};
                goto item;
            }
        }
        /* v is written: close every container whose last item it was. */
        for (;;) {
            if (depth == base) return WK_OK;
            depth--;
            wk__path *f = &e->frames[depth];
            if (++f->index < f->container->len) break;
            if (jsonenc_reserve(e, 2 + (size_t)depth * 2) != WK_OK) goto nomem;
            if (e->pretty) jsonenc_newline(e, depth);
            e->out->data[e->out->len++] = f->container->kind == WK_MAP ? '}' : ']';
        }
    item:
        /* The next item of the container open at depth: its key, then it. */
        {
            const wk__path *f = &e->frames[depth];
            size_t indent = e->pretty ? 1 + ((size_t)depth + 1) * 2 : 0;
            if (jsonenc_reserve(e, 1 + indent) != WK_OK) goto nomem;
            if (f->index) e->out->data[e->out->len++] = ',';
            if (e->pretty) jsonenc_newline(e, depth + 1);
            if (f->container->kind == WK_MAP) {
                const wk_member *m = &f->container->as.members[f->index];
                rc = jsonenc_key(e, &m->key, depth + 1);
                if (rc != WK_OK) return rc;
                if (jsonenc_reserve(e, 2) != WK_OK) goto nomem;
                jsonenc_put(e, ": ", e->pretty ? 2 : 1);
                v = &m->value;
            } else {
                v = &f->container->as.items[f->index];
            }
            depth++;
        }
    }

nomem:
    return wk__fail(e->st, WK_ERR_NOMEM, 0, "out of memory");
}

static wk_code json_encode(const wk_value *v, const wk_encode_opts *opts, wk_buf *out,
                           wk_status *st)
{
    jsonenc e;
    e.out = out;
    e.st = st;
    e.max_depth = wk__depth_limit(opts ? opts->max_depth : 0);
    e.pretty = opts && (opts->flags & WK_ENCODE_PRETTY);
    e.flags = opts ? opts->flags : 0;
    e.frames = e.inline_frames;
    e.frame_cap = JSONENC_INLINE_FRAMES;
    wk_code rc = jsonenc_value(&e, v, 0);
    if (e.frames != e.inline_frames) free(e.frames);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Sniffing and the table                                              */
/* ------------------------------------------------------------------ */

static int json_sniff(const uint8_t *data, size_t len)
{
    size_t i = (len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF) ? 3 : 0;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r')) i++;
    if (i == len) return 0;
    uint8_t c = data[i];
    if (c == '{' || c == '[') return len - i > 1 ? 90 : 0;
    if (c == '"') return 60;
    /* A lone digit is also a whole MessagePack document (a fixint). */
    if (c == '-' || (c >= '0' && c <= '9')) return len - i > 1 ? 60 : 20;
    if ((len - i >= 4 && (memcmp(data + i, "true", 4) == 0 || memcmp(data + i, "null", 4) == 0)) ||
        (len - i >= 5 && memcmp(data + i, "false", 5) == 0))
        return 60;
    return 0;
}

static const char *json_backend_version(void)
{
    /* Per thread, so that concurrent callers never share a buffer being written. */
    static _Thread_local char text[32];
    /* yajl_version() is MAJOR*10000 + MINOR*100 + MICRO. */
    int v = yajl_version();
    snprintf(text, sizeof text, "yajl %d.%d.%d", v / 10000, v / 100 % 100, v % 100);
    return text;
}

static const char *const json_media_types[] = {"application/json", "text/json", NULL};
static const char *const json_extensions[] = {"json", NULL};

const wk_format wk__format_json = {
    "json",
    NULL,
    json_media_types,
    json_extensions,
    true,
    json_sniff,
    json_decode,
    json_encode,
    json_parse_only,
    json_backend_version,
};
