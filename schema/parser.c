/*
 * The .proto parser: hand-written recursive descent over the lexer's tokens,
 * proto2 and proto3, one function per rule with the rule above it.
 *
 * It builds the definitions of one file in the schema's arena with names
 * as written and positions for every part the checks may point at; the
 * lists it grows while reading (fields, nested messages, options, ...) live
 * in the scratch arena and are copied into exact-size arrays in the schema
 * arena when their block closes. What protoc's parser itself synthesises is
 * made here too: the entry message of a map field, the nested message of a
 * group, the synthetic oneof of a proto3 `optional` field.
 *
 * Errors: parse_fail() records the error and longjmps back to
 * wk__parse_file(), the only entry point; everything allocated until then
 * is in one of the two arenas, which the loader frees, so nothing leaks.
 * Keywords are not reserved in protobuf: a word is a keyword only where the
 * grammar expects one (a message may be called "message").
 */
#include "internal.h"

#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

/* A list growing in the scratch arena. */
typedef struct parse_vec {
    void *data;
    size_t len;
    size_t cap;
} parse_vec;

/* The lists of a message body while it is read (for the file: nested and enums). */
typedef struct parse_body {
    wk__message *msg;              /* NULL for the file itself */
    parse_vec fields;              /* wk_field_def */
    parse_vec field_src;           /* wk__field_src */
    parse_vec oneofs;              /* wk_oneof_def */
    parse_vec oneof_pos;           /* wk__spos */
    parse_vec nested;              /* wk__message * */
    parse_vec enums;               /* wk__enum * */
    parse_vec options;             /* wk_option */
    parse_vec reserved_ranges;     /* wk_range */
    parse_vec reserved_range_pos;  /* wk__spos */
    parse_vec reserved_names;      /* const char * */
    parse_vec reserved_name_pos;   /* wk__spos */
    parse_vec ext_ranges;          /* wk_range */
    parse_vec ext_range_pos;       /* wk__spos */
} parse_body;

/* Where an option is written: which known options it may name. */
enum {
    OPT_FILE = 1 << 0,
    OPT_MESSAGE = 1 << 1,
    OPT_FIELD = 1 << 2,
    OPT_ONEOF = 1 << 3,
    OPT_ENUM = 1 << 4,
    OPT_ENUM_VALUE = 1 << 5,
    OPT_SERVICE = 1 << 6,
    OPT_METHOD = 1 << 7,
    OPT_EXT_RANGE = 1 << 8
};

static const char *const parse_context_names[] = {
    "file", "message", "field", "oneof", "enum", "enum value", "service", "method",
    "extension range",
};

/* Where a field is declared. */
enum { FIELD_IN_MESSAGE, FIELD_IN_ONEOF, FIELD_IN_EXTEND };

typedef struct parser {
    wk__lexer lx;
    wk__token tok;                 /* the current token */
    wk__token ahead;               /* the next one, when have_ahead */
    bool have_ahead;
    wk__file *file;
    wk_arena *arena;               /* the schema's: what the parse returns */
    wk_arena *scratch;             /* lists while they grow, text being assembled */
    wk_status *st;
    jmp_buf fail;
    wk_code code;
    uint32_t depth;                /* messages open around the current token */
    int syntax;                    /* 2 or 3 */
    char *buf;                     /* text being assembled (scratch) */
    size_t buf_len;
    size_t buf_cap;
    parse_body top;                /* the file's messages, enums and options */
    parse_vec services;            /* wk_service_def */
    parse_vec service_src;         /* wk__service_src */
    parse_vec extensions;          /* wk__extension * */
    parse_vec imports;             /* wk_import_def */
    parse_vec import_pos;          /* wk__spos */
    bool have_package;
    bool have_version;
} parser;

/* ------------------------------------------------------------------ */
/* Failing, memory, text                                               */
/* ------------------------------------------------------------------ */

_Noreturn static void parse_fail(parser *p, wk_code code, wk__spos pos, const char *fmt, ...)
    WK__PRINTF(4, 5);

_Noreturn static void parse_fail(parser *p, wk_code code, wk__spos pos, const char *fmt, ...)
{
    char msg[WK_STATUS_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->code = wk__schema_error(p->st, code, p->file->disk_path, pos, "%s", msg);
    longjmp(p->fail, 1);
}

_Noreturn static void parse_nomem(parser *p)
{
    parse_fail(p, WK_ERR_NOMEM, p->tok.pos, "out of memory");
}

static void *parse_alloc(parser *p, size_t n)
{
    void *m = wk__arena_alloc(p->arena, n ? n : 1);
    if (!m) parse_nomem(p);
    return m;
}

static void *parse_zalloc(parser *p, size_t n)
{
    void *m = parse_alloc(p, n);
    memset(m, 0, n);
    return m;
}

static char *parse_strdup(parser *p, const char *s, size_t n)
{
    char *c = parse_alloc(p, n + 1);
    memcpy(c, s, n);
    c[n] = '\0';
    return c;
}

/* A zeroed new last element of v. */
static void *parse_vec_push(parser *p, parse_vec *v, size_t elem)
{
    if (v->len == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        void *d = wk__arena_alloc(p->scratch, cap * elem);
        if (!d) parse_nomem(p);
        if (v->len) memcpy(d, v->data, v->len * elem);
        v->data = d;
        v->cap = cap;
    }
    void *slot = (char *)v->data + v->len * elem;
    memset(slot, 0, elem);
    v->len++;
    return slot;
}

/* The elements of v as an exact array in the schema's arena (NULL when empty). */
static void *parse_vec_finish(parser *p, const parse_vec *v, size_t elem)
{
    if (v->len == 0) return NULL;
    void *d = parse_alloc(p, v->len * elem);
    memcpy(d, v->data, v->len * elem);
    return d;
}

#define VEC_PUSH(p, v, T) ((T *)parse_vec_push((p), &(v), sizeof(T)))
#define VEC_AT(v, T, i) (((T *)(v).data)[i])

static void parse_buf_reset(parser *p) { p->buf_len = 0; }

static void parse_buf_add(parser *p, const char *s, size_t n)
{
    if (n > p->buf_cap - p->buf_len) {
        size_t cap = p->buf_cap ? p->buf_cap : 256;
        while (cap - p->buf_len < n) {
            if (cap > SIZE_MAX / 2) parse_nomem(p);
            cap *= 2;
        }
        char *b = wk__arena_alloc(p->scratch, cap);
        if (!b) parse_nomem(p);
        if (p->buf_len) memcpy(b, p->buf, p->buf_len);
        p->buf = b;
        p->buf_cap = cap;
    }
    memcpy(p->buf + p->buf_len, s, n);
    p->buf_len += n;
}

static char *parse_buf_take(parser *p) { return parse_strdup(p, p->buf ? p->buf : "", p->buf_len); }

static wk_source_pos parse_source_pos(const parser *p, wk__spos pos)
{
    wk_source_pos s;
    s.file = p->file->def.path;
    s.line = pos.line;
    s.col = pos.col;
    return s;
}

/* ------------------------------------------------------------------ */
/* Tokens                                                              */
/* ------------------------------------------------------------------ */

_Noreturn static void parse_lex_fail(parser *p)
{
    parse_fail(p, p->lx.err_code, p->lx.err_pos, "%s", p->lx.err_msg);
}

static void parse_next(parser *p)
{
    if (p->have_ahead) {
        p->tok = p->ahead;
        p->have_ahead = false;
        return;
    }
    if (!wk__lex_next(&p->lx, &p->tok)) parse_lex_fail(p);
}

static const wk__token *parse_peek(parser *p)
{
    if (!p->have_ahead) {
        if (!wk__lex_next(&p->lx, &p->ahead)) parse_lex_fail(p);
        p->have_ahead = true;
    }
    return &p->ahead;
}

static bool parse_is_word(const wk__token *t, const char *word)
{
    size_t n = strlen(word);
    return t->kind == WK__TOK_IDENT && t->len == n && memcmp(t->text, word, n) == 0;
}

static bool parse_is_sym(const wk__token *t, char c)
{
    return t->kind == WK__TOK_SYMBOL && t->text[0] == c;
}

/* The token as an error message shows it: "}" or `the end of the file`. */
static void parse_describe(const wk__token *t, char *out, size_t cap)
{
    switch (t->kind) {
    case WK__TOK_EOF:
        snprintf(out, cap, "the end of the file");
        break;
    case WK__TOK_STRING:
        if (t->len <= 40) snprintf(out, cap, "the string %.*s", (int)t->len, t->text);
        else snprintf(out, cap, "a string");
        break;
    default:
        if (t->len <= 40) snprintf(out, cap, "\"%.*s\"", (int)t->len, t->text);
        else snprintf(out, cap, "\"%.40s...\"", t->text);
        break;
    }
}

_Noreturn static void parse_expected(parser *p, const char *what)
{
    char found[64];
    parse_describe(&p->tok, found, sizeof found);
    parse_fail(p, WK_ERR_SYNTAX, p->tok.pos, "expected %s, found %s", what, found);
}

static void parse_expect_sym(parser *p, char c, const char *what)
{
    if (!parse_is_sym(&p->tok, c)) parse_expected(p, what);
    parse_next(p);
}

/* An identifier, copied to the arena. */
static const char *parse_ident(parser *p, const char *what)
{
    if (p->tok.kind != WK__TOK_IDENT) parse_expected(p, what);
    const char *s = parse_strdup(p, p->tok.text, p->tok.len);
    parse_next(p);
    return s;
}

/* type_name -> ['.'] ident { '.' ident }, appended to the text being assembled. */
static void parse_type_name_add(parser *p, const char *what)
{
    if (parse_is_sym(&p->tok, '.')) {
        parse_buf_add(p, ".", 1);
        parse_next(p);
    }
    for (;;) {
        if (p->tok.kind != WK__TOK_IDENT) parse_expected(p, what);
        parse_buf_add(p, p->tok.text, p->tok.len);
        parse_next(p);
        if (!parse_is_sym(&p->tok, '.')) break;
        parse_buf_add(p, ".", 1);
        parse_next(p);
    }
}

static const char *parse_type_name(parser *p, const char *what)
{
    parse_buf_reset(p);
    parse_type_name_add(p, what);
    return parse_buf_take(p);
}

/* string -> STRING { STRING }: adjacent strings are one. Returns the bytes in the arena. */
static const char *parse_string(parser *p, size_t *len, const char *what)
{
    if (p->tok.kind != WK__TOK_STRING) parse_expected(p, what);
    parse_buf_reset(p);
    while (p->tok.kind == WK__TOK_STRING) {
        /* The value is never longer than its token. */
        parse_buf_add(p, p->tok.text, p->tok.len);
        p->buf_len -= p->tok.len;
        p->buf_len += wk__lex_string_value(&p->tok, p->buf + p->buf_len);
        parse_next(p);
    }
    if (len) *len = p->buf_len;
    return parse_buf_take(p);
}

/*
 * An integer token's value, refusing more than max (a message names what
 * is being read: "field number"). Values that do not fit are range errors
 * (WK_ERR_INVALID), not syntax errors.
 */
static uint64_t parse_uint(parser *p, uint64_t max, const char *what)
{
    if (p->tok.kind != WK__TOK_INT) parse_expected(p, what);
    if (p->tok.int_overflow || p->tok.int_value > max)
        parse_fail(p, WK_ERR_INVALID, p->tok.pos, "%s %.*s is out of range (at most %llu)", what,
                   (int)(p->tok.len > 40 ? 40 : p->tok.len), p->tok.text, (unsigned long long)max);
    uint64_t v = p->tok.int_value;
    parse_next(p);
    return v;
}

/* ['-'] int, within int32. */
static int32_t parse_int32(parser *p, const char *what)
{
    bool negative = false;
    wk__spos start = p->tok.pos;
    if (parse_is_sym(&p->tok, '-')) {
        negative = true;
        parse_next(p);
    }
    if (p->tok.kind != WK__TOK_INT) parse_expected(p, what);
    uint64_t limit = negative ? (uint64_t)INT32_MAX + 1 : (uint64_t)INT32_MAX;
    if (p->tok.int_overflow || p->tok.int_value > limit)
        parse_fail(p, WK_ERR_INVALID, start, "%s %s%.*s is out of range (%d to %d)", what,
                   negative ? "-" : "", (int)(p->tok.len > 40 ? 40 : p->tok.len), p->tok.text,
                   INT32_MIN, INT32_MAX);
    int64_t v = negative ? -(int64_t)p->tok.int_value : (int64_t)p->tok.int_value;
    parse_next(p);
    return (int32_t)v;
}

/* ------------------------------------------------------------------ */
/* Options                                                             */
/* ------------------------------------------------------------------ */

/*
 * The options descriptor.proto defines, by where they may be written, with
 * the kind of value each takes: 'b' true or false, 's' a string, 'e' an
 * identifier (an enum value), 'a' anything (a message, or a repeated field).
 */
typedef struct parse_known_option {
    const char *name;
    unsigned contexts;
    char kind;
} parse_known_option;

static const parse_known_option parse_known_options[] = {
    {"java_package", OPT_FILE, 's'},
    {"java_outer_classname", OPT_FILE, 's'},
    {"java_multiple_files", OPT_FILE, 'b'},
    {"java_generate_equals_and_hash", OPT_FILE, 'b'},
    {"java_string_check_utf8", OPT_FILE, 'b'},
    {"optimize_for", OPT_FILE, 'e'},
    {"go_package", OPT_FILE, 's'},
    {"cc_generic_services", OPT_FILE, 'b'},
    {"java_generic_services", OPT_FILE, 'b'},
    {"py_generic_services", OPT_FILE, 'b'},
    {"php_generic_services", OPT_FILE, 'b'},
    {"cc_enable_arenas", OPT_FILE, 'b'},
    {"objc_class_prefix", OPT_FILE, 's'},
    {"csharp_namespace", OPT_FILE, 's'},
    {"swift_prefix", OPT_FILE, 's'},
    {"php_class_prefix", OPT_FILE, 's'},
    {"php_namespace", OPT_FILE, 's'},
    {"php_metadata_namespace", OPT_FILE, 's'},
    {"ruby_package", OPT_FILE, 's'},
    {"message_set_wire_format", OPT_MESSAGE, 'b'},
    {"no_standard_descriptor_accessor", OPT_MESSAGE, 'b'},
    {"map_entry", OPT_MESSAGE, 'b'},
    {"deprecated_legacy_json_field_conflicts", OPT_MESSAGE | OPT_ENUM, 'b'},
    {"ctype", OPT_FIELD, 'e'},
    {"packed", OPT_FIELD, 'b'},
    {"jstype", OPT_FIELD, 'e'},
    {"lazy", OPT_FIELD, 'b'},
    {"unverified_lazy", OPT_FIELD, 'b'},
    {"weak", OPT_FIELD, 'b'},
    {"debug_redact", OPT_FIELD | OPT_ENUM_VALUE, 'b'},
    {"retention", OPT_FIELD, 'e'},
    {"target", OPT_FIELD, 'e'},
    {"targets", OPT_FIELD, 'e'},
    {"edition_defaults", OPT_FIELD, 'a'},
    {"feature_support", OPT_FIELD | OPT_ENUM_VALUE, 'a'},
    {"allow_alias", OPT_ENUM, 'b'},
    {"idempotency_level", OPT_METHOD, 'e'},
    {"declaration", OPT_EXT_RANGE, 'a'},
    {"verification", OPT_EXT_RANGE, 'e'},
    {"deprecated", OPT_FILE | OPT_MESSAGE | OPT_FIELD | OPT_ENUM | OPT_ENUM_VALUE | OPT_SERVICE | OPT_METHOD, 'b'},
    {"features", OPT_FILE | OPT_MESSAGE | OPT_FIELD | OPT_ONEOF | OPT_ENUM | OPT_ENUM_VALUE |
                     OPT_SERVICE | OPT_METHOD | OPT_EXT_RANGE, 'a'},
};

#define PARSE_KNOWN_OPTION_COUNT (sizeof parse_known_options / sizeof parse_known_options[0])

static const char *parse_context_name(unsigned context)
{
    for (size_t i = 0; i < sizeof parse_context_names / sizeof parse_context_names[0]; i++)
        if (context == (1u << i)) return parse_context_names[i];
    return "option";
}

/* An option name being read: its text, and its first part when that is not custom. */
typedef struct parse_option_name {
    const char *text;
    wk__spos pos;
    const char *plain;   /* the first part when it is not in parentheses (arena), else NULL */
    bool single;         /* one part only */
} parse_option_name;

/*
 * option_name -> option_part { '.' option_part }
 * option_part -> ident | '(' ['.'] ident { '.' ident } ')'
 */
static void parse_option_name_rule(parser *p, parse_option_name *out)
{
    out->pos = p->tok.pos;
    out->plain = NULL;
    out->single = true;
    parse_buf_reset(p);
    size_t first_len = 0;
    bool first_plain = false;
    for (int part = 0;; part++) {
        if (parse_is_sym(&p->tok, '(')) {
            parse_buf_add(p, "(", 1);
            parse_next(p);
            parse_type_name_add(p, "the name of a custom option");
            if (!parse_is_sym(&p->tok, ')')) parse_expected(p, "\")\" after the custom option's name");
            parse_buf_add(p, ")", 1);
            parse_next(p);
        } else {
            if (p->tok.kind != WK__TOK_IDENT) parse_expected(p, "an option name");
            if (part == 0) {
                first_plain = true;
                first_len = p->tok.len;
            }
            parse_buf_add(p, p->tok.text, p->tok.len);
            parse_next(p);
        }
        if (!parse_is_sym(&p->tok, '.')) break;
        out->single = false;
        parse_buf_add(p, ".", 1);
        parse_next(p);
    }
    out->text = parse_buf_take(p);
    if (first_plain) out->plain = parse_strdup(p, out->text, first_len);
}

/*
 * aggregate -> '{' { token } '}'     (braces balanced)
 * Kept as text: the tokens as written, one space where the source had
 * space or comments between two of them.
 */
static const char *parse_aggregate(parser *p)
{
    parse_buf_reset(p);
    uint32_t depth = 0;
    size_t prev_end = 0;
    for (;;) {
        const wk__token *t = &p->tok;
        if (t->kind == WK__TOK_EOF)
            parse_fail(p, WK_ERR_SYNTAX, t->pos, "the file ends inside an aggregate value ('{' not closed)");
        if (parse_is_sym(t, '{')) {
            if (++depth > WK__SCHEMA_MAX_AGGREGATE_DEPTH)
                parse_fail(p, WK_ERR_DEPTH, t->pos, "an aggregate value nests braces deeper than %d levels",
                           WK__SCHEMA_MAX_AGGREGATE_DEPTH);
        }
        if (p->buf_len > 0 && t->pos.offset > prev_end) parse_buf_add(p, " ", 1);
        parse_buf_add(p, t->text, t->len);
        prev_end = t->end;
        bool closes = parse_is_sym(t, '}') && --depth == 0;
        parse_next(p);
        if (closes) break;
    }
    return parse_buf_take(p);
}

/*
 * constant -> ident | ['-'] (int | float | 'inf' | 'nan') | string { string } | aggregate
 * Also takes a sign '+' before a number, as protoc's text format does not.
 */
static void parse_constant(parser *p, wk_option *o)
{
    const wk__token *t = &p->tok;
    if (t->kind == WK__TOK_STRING) {
        o->kind = WK_OPTION_STRING;
        o->value = parse_string(p, NULL, "a string");
        return;
    }
    if (parse_is_sym(t, '{')) {
        o->kind = WK_OPTION_AGGREGATE;
        o->value = parse_aggregate(p);
        return;
    }
    if (t->kind == WK__TOK_IDENT) {
        o->kind = WK_OPTION_IDENT;
        o->value = parse_ident(p, "a value");
        return;
    }
    bool negative = false;
    if (parse_is_sym(t, '-')) {
        negative = true;
        parse_next(p);
        t = &p->tok;
        if (t->kind == WK__TOK_IDENT && !parse_is_word(t, "inf") && !parse_is_word(t, "nan"))
            parse_fail(p, WK_ERR_SYNTAX, t->pos, "only a number, inf or nan may follow '-'");
    }
    if (t->kind != WK__TOK_INT && t->kind != WK__TOK_FLOAT && t->kind != WK__TOK_IDENT)
        parse_expected(p, "a value (a number, a string, an identifier or {...})");
    parse_buf_reset(p);
    if (negative) parse_buf_add(p, "-", 1);
    parse_buf_add(p, t->text, t->len);
    o->kind = WK_OPTION_NUMBER;
    o->value = parse_buf_take(p);
    parse_next(p);
}

/* Checks a known option's value against its kind, and flags a name that is not known. */
static const parse_known_option *parse_check_known(parser *p, const parse_option_name *name,
                                                   const wk_option *o, wk__spos value_pos,
                                                   unsigned context)
{
    if (!name->plain) return NULL;
    const parse_known_option *k = NULL;
    for (size_t i = 0; i < PARSE_KNOWN_OPTION_COUNT; i++) {
        if (strcmp(parse_known_options[i].name, name->plain) == 0 &&
            (parse_known_options[i].contexts & context)) {
            k = &parse_known_options[i];
            break;
        }
    }
    if (!k)
        parse_fail(p, WK_ERR_INVALID, name->pos,
                   "unknown %s option \"%s\" (a custom option is written in parentheses: (%s))",
                   parse_context_name(context), name->plain, name->plain);
    if (!name->single) return k;
    switch (k->kind) {
    case 'b':
        if (o->kind != WK_OPTION_IDENT || (strcmp(o->value, "true") != 0 && strcmp(o->value, "false") != 0))
            parse_fail(p, WK_ERR_INVALID, value_pos, "option \"%s\" takes true or false", k->name);
        break;
    case 's':
        if (o->kind != WK_OPTION_STRING)
            parse_fail(p, WK_ERR_INVALID, value_pos, "option \"%s\" takes a string", k->name);
        break;
    case 'e':
        if (o->kind != WK_OPTION_IDENT)
            parse_fail(p, WK_ERR_INVALID, value_pos, "option \"%s\" takes an identifier", k->name);
        break;
    default:
        break;
    }
    return k;
}

/* A known option given twice in one list: protoc refuses it too. */
static void parse_check_repeat(parser *p, const parse_option_name *name, const parse_known_option *k,
                               uint64_t *seen)
{
    if (!k || !name->single) return;
    size_t bit = (size_t)(k - parse_known_options);
    if (*seen & ((uint64_t)1 << bit))
        parse_fail(p, WK_ERR_INVALID, name->pos, "option \"%s\" is given twice", k->name);
    *seen |= (uint64_t)1 << bit;
}

static bool parse_option_true(const wk_option *o) { return strcmp(o->value, "true") == 0; }

/* `option (wirekit.version) = "X.Y.Z";`: the file's version, which must be SemVer. */
static void parse_file_version(parser *p, const parse_option_name *name, const wk_option *o,
                               wk__spos value_pos)
{
    if (strcmp(name->text, "(wirekit.version)") != 0 && strcmp(name->text, "(.wirekit.version)") != 0)
        return;
    if (p->have_version)
        parse_fail(p, WK_ERR_INVALID, name->pos, "option (wirekit.version) is given twice");
    if (o->kind != WK_OPTION_STRING)
        parse_fail(p, WK_ERR_INVALID, value_pos,
                   "option (wirekit.version) takes a string, a SemVer 2.0.0 version such as \"1.4.0\"");
    wk_status vst;
    if (wk_semver_parse(o->value, strlen(o->value), NULL, &vst) != WK_OK)
        parse_fail(p, WK_ERR_INVALID, value_pos,
                   "option (wirekit.version): \"%.40s\" is not a SemVer 2.0.0 version: %s (at character %zu)",
                   o->value, vst.msg, vst.offset + 1);
    p->have_version = true;
    p->file->def.version = o->value;
}

/*
 * option_statement -> 'option' option_name '=' constant ';'
 * The statement form, in a file, message, enum, oneof, service or method.
 */
static wk__spos parse_option_statement(parser *p, parse_vec *options, unsigned context, uint64_t *seen)
{
    parse_next(p); /* option */
    parse_option_name name;
    parse_option_name_rule(p, &name);
    parse_expect_sym(p, '=', "\"=\" after the option name");
    wk__spos value_pos = p->tok.pos;
    wk_option o;
    memset(&o, 0, sizeof o);
    parse_constant(p, &o);
    parse_expect_sym(p, ';', "\";\" after the option");
    const parse_known_option *k = parse_check_known(p, &name, &o, value_pos, context);
    parse_check_repeat(p, &name, k, seen);
    if (k && strcmp(k->name, "map_entry") == 0)
        parse_fail(p, WK_ERR_INVALID, name.pos,
                   "option map_entry is set by map<K, V> fields only; write a map field instead");
    if (context == OPT_FILE) parse_file_version(p, &name, &o, value_pos);
    o.name = name.text;
    o.pos = parse_source_pos(p, name.pos);
    *VEC_PUSH(p, *options, wk_option) = o;
    return name.pos;
}

/* ------------------------------------------------------------------ */
/* Field types and defaults                                            */
/* ------------------------------------------------------------------ */

static const struct {
    const char *name;
    wk_field_type type;
} parse_scalars[] = {
    {"double", WK_TYPE_DOUBLE},     {"float", WK_TYPE_FLOAT},       {"int64", WK_TYPE_INT64},
    {"uint64", WK_TYPE_UINT64},     {"int32", WK_TYPE_INT32},       {"fixed64", WK_TYPE_FIXED64},
    {"fixed32", WK_TYPE_FIXED32},   {"bool", WK_TYPE_BOOL},         {"string", WK_TYPE_STRING},
    {"bytes", WK_TYPE_BYTES},       {"uint32", WK_TYPE_UINT32},     {"sfixed32", WK_TYPE_SFIXED32},
    {"sfixed64", WK_TYPE_SFIXED64}, {"sint32", WK_TYPE_SINT32},     {"sint64", WK_TYPE_SINT64},
};

/* The scalar type a keyword names, or 0. */
static wk_field_type parse_scalar(const wk__token *t)
{
    if (t->kind != WK__TOK_IDENT) return (wk_field_type)0;
    for (size_t i = 0; i < sizeof parse_scalars / sizeof parse_scalars[0]; i++)
        if (parse_is_word(t, parse_scalars[i].name)) return parse_scalars[i].type;
    return (wk_field_type)0;
}

/* type -> scalar | type_name       (fills f->type or f->type_name) */
static void parse_field_type(parser *p, wk_field_def *f, wk__field_src *src)
{
    src->type = p->tok.pos;
    wk_field_type scalar = parse_scalar(&p->tok);
    if (scalar) {
        f->type = scalar;
        parse_next(p);
        return;
    }
    if (p->tok.kind != WK__TOK_IDENT && !parse_is_sym(&p->tok, '.')) parse_expected(p, "a field type");
    f->type = (wk_field_type)0; /* a message or an enum: resolve.c says which */
    f->type_name = parse_type_name(p, "a type name");
}

/*
 * A float or double default as protoc writes it: the shortest of %.15g and
 * %.17g that reads back (SimpleDtoa), for a float field the shortest of
 * %.6g and %.9g at float precision (SimpleFtoa).
 */
static void parse_format_double(double v, bool is_float, char *out, size_t cap)
{
    if (isnan(v)) {
        snprintf(out, cap, "nan");
        return;
    }
    if (is_float) {
        float f = (float)v;
        if (isinf(f)) {
            snprintf(out, cap, f < 0 ? "-inf" : "inf");
            return;
        }
        snprintf(out, cap, "%.6g", (double)f);
        if (strtof(out, NULL) != f) snprintf(out, cap, "%.9g", (double)f);
        return;
    }
    if (isinf(v)) {
        snprintf(out, cap, v < 0 ? "-inf" : "inf");
        return;
    }
    snprintf(out, cap, "%.15g", v);
    if (strtod(out, NULL) != v) snprintf(out, cap, "%.17g", v);
}

/* bytes written as protoc's CEscape writes them in a descriptor. */
static const char *parse_escape_bytes(parser *p, const char *s, size_t n)
{
    char *out = parse_alloc(p, n * 4 + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '\n': out[o++] = '\\'; out[o++] = 'n'; break;
        case '\r': out[o++] = '\\'; out[o++] = 'r'; break;
        case '\t': out[o++] = '\\'; out[o++] = 't'; break;
        case '"': out[o++] = '\\'; out[o++] = '"'; break;
        case '\'': out[o++] = '\\'; out[o++] = '\''; break;
        case '\\': out[o++] = '\\'; out[o++] = '\\'; break;
        default:
            if (c < 0x20 || c >= 0x7F) {
                out[o++] = '\\';
                out[o++] = (char)('0' + (c >> 6));
                out[o++] = (char)('0' + ((c >> 3) & 7));
                out[o++] = (char)('0' + (c & 7));
            } else {
                out[o++] = (char)c;
            }
        }
    }
    out[o] = '\0';
    wk__arena_trim(p->arena, out, n * 4 + 1, o + 1);
    return out;
}

/*
 * default_value -> ['-'] int            (integer types; '-' for signed ones)
 *                | ['-'] (int | float | 'inf' | 'nan')   (float, double)
 *                | 'true' | 'false' | string { string } | ident (an enum value)
 * Written to f->default_value in protoc's descriptor form.
 */
static void parse_default(parser *p, wk_field_def *f)
{
    char text[64];
    const wk__token *t = &p->tok;
    wk__spos start = t->pos;
    uint64_t max = 0;
    bool is_signed = false;
    switch (f->type) {
    case WK_TYPE_INT32: case WK_TYPE_SINT32: case WK_TYPE_SFIXED32:
        max = INT32_MAX; is_signed = true; break;
    case WK_TYPE_INT64: case WK_TYPE_SINT64: case WK_TYPE_SFIXED64:
        max = INT64_MAX; is_signed = true; break;
    case WK_TYPE_UINT32: case WK_TYPE_FIXED32:
        max = UINT32_MAX; break;
    case WK_TYPE_UINT64: case WK_TYPE_FIXED64:
        max = UINT64_MAX; break;
    default:
        break;
    }
    if (max) {
        bool negative = false;
        if (is_signed && parse_is_sym(t, '-')) {
            negative = true;
            parse_next(p);
            t = &p->tok;
        }
        if (t->kind != WK__TOK_INT) parse_expected(p, "an integer for the default value");
        uint64_t limit = negative ? max + 1 : max;
        if (t->int_overflow || t->int_value > limit)
            parse_fail(p, WK_ERR_INVALID, start, "the default value is out of range for %s",
                       wk_field_type_name(f->type));
        /* protoc writes -0 as 0. */
        snprintf(text, sizeof text, "%s%llu", negative && t->int_value ? "-" : "", (unsigned long long)t->int_value);
        f->default_value = parse_strdup(p, text, strlen(text));
        parse_next(p);
        return;
    }
    switch (f->type) {
    case WK_TYPE_FLOAT:
    case WK_TYPE_DOUBLE: {
        bool negative = false;
        if (parse_is_sym(t, '-')) {
            negative = true;
            parse_next(p);
            t = &p->tok;
        }
        double v;
        if (t->kind == WK__TOK_INT) {
            if (t->int_overflow) parse_fail(p, WK_ERR_INVALID, t->pos, "the default value is out of range");
            v = (double)t->int_value;
        } else if (t->kind == WK__TOK_FLOAT) {
            parse_buf_reset(p);
            parse_buf_add(p, t->text, t->len);
            parse_buf_add(p, "", 1);
            v = strtod(p->buf, NULL);
        } else if (parse_is_word(t, "inf")) {
            v = INFINITY;
        } else if (parse_is_word(t, "nan")) {
            v = NAN;
        } else {
            parse_expected(p, "a number for the default value");
        }
        text[0] = '-';
        parse_format_double(v, f->type == WK_TYPE_FLOAT, text + negative, sizeof text - 1);
        f->default_value = parse_strdup(p, text, strlen(text));
        parse_next(p);
        return;
    }
    case WK_TYPE_BOOL:
        if (!parse_is_word(t, "true") && !parse_is_word(t, "false"))
            parse_expected(p, "true or false for the default value");
        f->default_value = parse_ident(p, "true or false");
        return;
    case WK_TYPE_STRING:
        f->default_value = parse_string(p, NULL, "a string for the default value");
        return;
    case WK_TYPE_BYTES: {
        size_t n;
        const char *raw = parse_string(p, &n, "a string for the default value");
        f->default_value = parse_escape_bytes(p, raw, n);
        return;
    }
    case WK_TYPE_GROUP:
        parse_fail(p, WK_ERR_INVALID, start, "a group field cannot have a default value");
    default:
        /* A named type: an enum value if it is an enum (resolve.c checks). */
        f->default_value = parse_ident(p, "an enum value name for the default value");
        return;
    }
}

/*
 * field_options -> '[' field_option { ',' field_option } ']'
 * field_option  -> 'default' '=' default_value | 'json_name' '=' string
 *                | option_name '=' constant
 */
static void parse_field_options(parser *p, wk_field_def *f, wk__field_src *src)
{
    parse_vec options = {0};
    uint64_t seen = 0;
    bool have_default = false, have_json = false;
    parse_next(p); /* [ */
    for (;;) {
        parse_option_name name;
        parse_option_name_rule(p, &name);
        parse_expect_sym(p, '=', "\"=\" after the option name");
        wk__spos value_pos = p->tok.pos;
        if (name.plain && name.single && strcmp(name.plain, "default") == 0) {
            if (have_default) parse_fail(p, WK_ERR_INVALID, name.pos, "option \"default\" is given twice");
            have_default = true;
            src->default_pos = value_pos;
            parse_default(p, f);
        } else if (name.plain && name.single && strcmp(name.plain, "json_name") == 0) {
            if (have_json) parse_fail(p, WK_ERR_INVALID, name.pos, "option \"json_name\" is given twice");
            have_json = true;
            src->json_name_pos = name.pos;
            f->json_name = parse_string(p, NULL, "a string for json_name");
            f->explicit_json_name = true;
        } else {
            wk_option o;
            memset(&o, 0, sizeof o);
            parse_constant(p, &o);
            const parse_known_option *k = parse_check_known(p, &name, &o, value_pos, OPT_FIELD);
            parse_check_repeat(p, &name, k, &seen);
            if (k && name.single && strcmp(k->name, "packed") == 0) {
                src->packed_pos = name.pos;
                src->packed_option = parse_option_true(&o) ? 2 : 1;
            }
            if (k && name.single && strcmp(k->name, "deprecated") == 0) f->deprecated = parse_option_true(&o);
            o.name = name.text;
            o.pos = parse_source_pos(p, name.pos);
            *VEC_PUSH(p, options, wk_option) = o;
        }
        if (parse_is_sym(&p->tok, ',')) {
            parse_next(p);
            continue;
        }
        parse_expect_sym(p, ']', "\",\" or \"]\" in the field's options");
        break;
    }
    f->options = parse_vec_finish(p, &options, sizeof(wk_option));
    f->option_count = options.len;
}

/* '[' option { ',' option } ']' for enum values and extension ranges. */
static wk_option *parse_bracket_options(parser *p, unsigned context, size_t *count)
{
    parse_vec options = {0};
    uint64_t seen = 0;
    parse_next(p); /* [ */
    for (;;) {
        parse_option_name name;
        parse_option_name_rule(p, &name);
        parse_expect_sym(p, '=', "\"=\" after the option name");
        wk__spos value_pos = p->tok.pos;
        wk_option o;
        memset(&o, 0, sizeof o);
        parse_constant(p, &o);
        const parse_known_option *k = parse_check_known(p, &name, &o, value_pos, context);
        parse_check_repeat(p, &name, k, &seen);
        o.name = name.text;
        o.pos = parse_source_pos(p, name.pos);
        *VEC_PUSH(p, options, wk_option) = o;
        if (parse_is_sym(&p->tok, ',')) {
            parse_next(p);
            continue;
        }
        parse_expect_sym(p, ']', "\",\" or \"]\" in the options");
        break;
    }
    *count = options.len;
    return parse_vec_finish(p, &options, sizeof(wk_option));
}

/* ------------------------------------------------------------------ */
/* Messages                                                            */
/* ------------------------------------------------------------------ */

static void parse_message_body(parser *p, parse_body *body);
static void parse_message(parser *p, parse_body *scope);
static void parse_enum(parser *p, parse_body *scope);
static void parse_extend(parser *p, parse_body *scope);

/* A new message nested in scope (the file when scope->msg is NULL). */
static wk__message *parse_new_message(parser *p, parse_body *scope, const char *name, wk__spos pos,
                                      wk__spos name_pos)
{
    wk__message *m = parse_zalloc(p, sizeof *m);
    m->file = p->file;
    m->def.name = name;
    m->def.file = &p->file->def;
    m->def.parent = scope->msg ? &scope->msg->def : NULL;
    m->def.pos = parse_source_pos(p, pos);
    m->name_pos = name_pos;
    m->depth = scope->msg ? scope->msg->depth + 1 : 0;
    *VEC_PUSH(p, scope->nested, wk__message *) = m;
    return m;
}

/* Moves what a body collected into its message's arrays. */
static void parse_finish_body(parser *p, parse_body *b)
{
    wk__message *m = b->msg;
    wk_message_def *d = &m->def;
    d->fields = parse_vec_finish(p, &b->fields, sizeof(wk_field_def));
    d->field_count = b->fields.len;
    m->field_src = parse_vec_finish(p, &b->field_src, sizeof(wk__field_src));
    d->oneofs = parse_vec_finish(p, &b->oneofs, sizeof(wk_oneof_def));
    d->oneof_count = b->oneofs.len;
    m->oneof_name_pos = parse_vec_finish(p, &b->oneof_pos, sizeof(wk__spos));
    d->messages = parse_vec_finish(p, &b->nested, sizeof(wk__message *));
    d->message_count = b->nested.len;
    d->enums = parse_vec_finish(p, &b->enums, sizeof(wk__enum *));
    d->enum_count = b->enums.len;
    d->options = parse_vec_finish(p, &b->options, sizeof(wk_option));
    d->option_count = b->options.len;
    d->reserved.ranges = parse_vec_finish(p, &b->reserved_ranges, sizeof(wk_range));
    d->reserved.range_count = b->reserved_ranges.len;
    m->reserved_range_pos = parse_vec_finish(p, &b->reserved_range_pos, sizeof(wk__spos));
    d->reserved.names = parse_vec_finish(p, &b->reserved_names, sizeof(const char *));
    d->reserved.name_count = b->reserved_names.len;
    m->reserved_name_pos = parse_vec_finish(p, &b->reserved_name_pos, sizeof(wk__spos));
    d->extension_ranges = parse_vec_finish(p, &b->ext_ranges, sizeof(wk_range));
    d->extension_range_count = b->ext_ranges.len;
    m->extension_range_pos = parse_vec_finish(p, &b->ext_range_pos, sizeof(wk__spos));
}

/* Enters a message body: one level deeper, within the limit. */
static void parse_enter(parser *p, wk__spos at)
{
    if (++p->depth > WK__SCHEMA_MAX_DEPTH)
        parse_fail(p, WK_ERR_DEPTH, at, "messages nested deeper than %d levels", WK__SCHEMA_MAX_DEPTH);
}

/* The body of message m (declared at start), one level deeper, into m's arrays. */
static void parse_message_block(parser *p, wk__message *m, wk__spos start)
{
    parse_body b;
    memset(&b, 0, sizeof b);
    b.msg = m;
    parse_enter(p, start);
    parse_message_body(p, &b);
    p->depth--;
    parse_finish_body(p, &b);
}

/* The name protoc gives a map field's entry message: "my_map" -> "MyMapEntry". */
static const char *parse_map_entry_name(parser *p, const char *field)
{
    size_t n = strlen(field);
    char *out = parse_alloc(p, n + 6);
    size_t o = 0;
    bool upper = true;
    for (size_t i = 0; i < n; i++) {
        char c = field[i];
        if (c == '_') {
            upper = true;
        } else if (upper) {
            out[o++] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
            upper = false;
        } else {
            out[o++] = c;
        }
    }
    memcpy(out + o, "Entry", 6);
    return out;
}

/* The synthetic entry message of a map field: key = 1, value = 2. */
static wk__message *parse_map_entry(parser *p, parse_body *scope, wk_field_def *map_field,
                                    wk__field_src *map_src, const wk_field_def *key,
                                    const wk__field_src *key_src, const wk_field_def *value,
                                    const wk__field_src *value_src)
{
    const char *name = parse_map_entry_name(p, map_field->name);
    wk__message *entry = parse_new_message(p, scope, name, map_src->label.line ? map_src->label : map_src->type,
                                           map_src->name);
    entry->def.map_entry = true;
    wk_field_def *fields = parse_zalloc(p, 2 * sizeof *fields);
    wk__field_src *src = parse_zalloc(p, 2 * sizeof *src);
    fields[0] = *key;
    fields[1] = *value;
    src[0] = *key_src;
    src[1] = *value_src;
    const char *names[2] = {"key", "value"};
    for (int i = 0; i < 2; i++) {
        fields[i].name = names[i];
        fields[i].number = (uint32_t)(i + 1);
        fields[i].oneof_index = -1;
        fields[i].pos = map_field->pos;
        src[i].name = map_src->name;
        src[i].number = map_src->number;
        src[i].number_written = (uint64_t)(i + 1);
        src[i].written_label = WK__LABEL_OPTIONAL;
        src[i].decl_index = (uint32_t)i;
    }
    entry->def.fields = fields;
    entry->def.field_count = 2;
    entry->field_src = src;
    map_field->type = WK_TYPE_MESSAGE;
    map_field->type_name = name;
    map_field->is_map = true;
    return entry;
}

/*
 * '=' int [field_options], the part every kind of field ends with. The
 * number is kept as written: resolve.c checks its range and says where.
 */
static void parse_field_number(parser *p, wk_field_def *f, wk__field_src *src)
{
    parse_expect_sym(p, '=', "\"=\" and the field number");
    src->number = p->tok.pos;
    if (p->tok.kind != WK__TOK_INT) parse_expected(p, "the field number");
    src->number_written = p->tok.int_value;
    src->number_overflow = p->tok.int_overflow;
    f->number = p->tok.int_overflow || p->tok.int_value > UINT32_MAX ? UINT32_MAX : (uint32_t)p->tok.int_value;
    parse_next(p);
    if (parse_is_sym(&p->tok, '[')) parse_field_options(p, f, src);
}

/*
 * field     -> [label] type ident '=' int [field_options] ';'
 *            | [label] 'group' ident '=' int [field_options] message_body
 *            | 'map' '<' key_type ',' type '>' ident '=' int [field_options] ';'
 * label     -> 'optional' | 'required' | 'repeated'
 *
 * `body` receives the group or map entry message; f and src are the field's
 * slots, already placed in their list.
 */
static void parse_field(parser *p, parse_body *body, wk_field_def *f, wk__field_src *src, int where)
{
    wk__spos start = p->tok.pos;
    f->pos = parse_source_pos(p, start);
    f->oneof_index = -1;
    f->containing = body->msg ? &body->msg->def : NULL;
    if (parse_is_word(&p->tok, "optional") || parse_is_word(&p->tok, "required") || parse_is_word(&p->tok, "repeated")) {
        src->label = p->tok.pos;
        src->written_label = parse_is_word(&p->tok, "optional")   ? WK__LABEL_OPTIONAL
                             : parse_is_word(&p->tok, "required") ? WK__LABEL_REQUIRED
                                                             : WK__LABEL_REPEATED;
        if (where == FIELD_IN_ONEOF)
            parse_fail(p, WK_ERR_SYNTAX, p->tok.pos,
                       "a field in a oneof takes no label (required, optional or repeated)");
        parse_next(p);
    }

    /* map<K, V> */
    if (parse_is_word(&p->tok, "map") && parse_is_sym(parse_peek(p), '<')) {
        wk__spos map_pos = p->tok.pos;
        if (src->written_label != WK__LABEL_NONE)
            parse_fail(p, WK_ERR_SYNTAX, src->label,
                       "a map field takes no label: it is repeated already (write map<K, V> name = N;)");
        if (where == FIELD_IN_ONEOF)
            parse_fail(p, WK_ERR_SYNTAX, map_pos, "a map field cannot be in a oneof");
        if (where == FIELD_IN_EXTEND)
            parse_fail(p, WK_ERR_SYNTAX, map_pos, "a map field cannot be an extension");
        parse_next(p);
        parse_next(p); /* < */
        wk_field_def key, value;
        wk__field_src key_src, value_src;
        memset(&key, 0, sizeof key);
        memset(&value, 0, sizeof value);
        memset(&key_src, 0, sizeof key_src);
        memset(&value_src, 0, sizeof value_src);
        parse_field_type(p, &key, &key_src);
        parse_expect_sym(p, ',', "\",\" after the map's key type");
        if (parse_is_word(&p->tok, "group"))
            parse_fail(p, WK_ERR_SYNTAX, p->tok.pos, "a map's value cannot be a group");
        parse_field_type(p, &value, &value_src);
        parse_expect_sym(p, '>', "\">\" after the map's value type");
        src->type = map_pos;
        src->name = p->tok.pos;
        f->name = parse_ident(p, "the field name");
        f->label = WK_LABEL_REPEATED;
        src->written_label = WK__LABEL_NONE;
        parse_field_number(p, f, src);
        parse_expect_sym(p, ';', "\";\" after the field");
        parse_map_entry(p, body, f, src, &key, &key_src, &value, &value_src);
        return;
    }

    bool is_group = parse_is_word(&p->tok, "group") &&
                    (parse_peek(p)->kind == WK__TOK_IDENT);
    if (src->written_label == WK__LABEL_NONE && where != FIELD_IN_ONEOF && p->syntax == 2)
        parse_expected(p, "a label (required, optional or repeated): proto2 fields need one");
    if (is_group) {
        src->type = p->tok.pos;
        src->is_group = true;
        f->type = WK_TYPE_GROUP;
        if (p->syntax == 3)
            parse_fail(p, WK_ERR_SYNTAX, p->tok.pos, "groups are not allowed in proto3; use a message field");
        parse_next(p);
    } else {
        parse_field_type(p, f, src);
    }

    src->name = p->tok.pos;
    const char *name = parse_ident(p, "the field name");
    if (is_group) {
        if (!(name[0] >= 'A' && name[0] <= 'Z'))
            parse_fail(p, WK_ERR_SYNTAX, src->name, "a group's name must start with a capital letter");
        /* The field is the group's name in lower case; its type is the group. */
        char *lower = parse_strdup(p, name, strlen(name));
        for (char *c = lower; *c; c++)
            if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
        f->name = lower;
        f->type_name = name;
    } else {
        f->name = name;
    }
    parse_field_number(p, f, src);

    if (!is_group) {
        parse_expect_sym(p, ';', "\";\" after the field");
        return;
    }
    /* The group's body is a message nested where the field is (for an
     * extension, where the extend block is). */
    wk__message *group = parse_new_message(p, body, name, start, src->name);
    parse_message_block(p, group, start);
}

/*
 * ranges -> range { ',' range }
 * range  -> int [ 'to' ( int | 'max' ) ]     (enum ranges: ['-'] int)
 */
static void parse_ranges(parser *p, parse_vec *ranges, parse_vec *pos, bool is_enum, bool is_extension,
                         const char *what)
{
    for (;;) {
        wk__spos at = p->tok.pos;
        wk_range r;
        if (is_enum) {
            r.start = parse_int32(p, what);
        } else {
            r.start = (int32_t)parse_uint(p, INT32_MAX, what);
        }
        r.end = r.start;
        if (parse_is_word(&p->tok, "to")) {
            parse_next(p);
            if (parse_is_word(&p->tok, "max")) {
                /* An extension range's `max` depends on the message (message
                 * sets go further): INT32_MAX marks it for resolve.c. */
                r.end = is_enum || is_extension ? INT32_MAX : (int32_t)WK__FIELD_NUMBER_MAX;
                parse_next(p);
            } else if (is_enum) {
                r.end = parse_int32(p, what);
            } else {
                r.end = (int32_t)parse_uint(p, INT32_MAX, what);
            }
        }
        *VEC_PUSH(p, *ranges, wk_range) = r;
        *VEC_PUSH(p, *pos, wk__spos) = at;
        if (!parse_is_sym(&p->tok, ',')) break;
        parse_next(p);
    }
}

/* reserved -> 'reserved' ( ranges | string { ',' string } ) ';' */
static void parse_reserved(parser *p, parse_vec *ranges, parse_vec *range_pos, parse_vec *names,
                           parse_vec *name_pos, bool is_enum)
{
    parse_next(p); /* reserved */
    if (p->tok.kind == WK__TOK_STRING) {
        for (;;) {
            *VEC_PUSH(p, *name_pos, wk__spos) = p->tok.pos;
            *VEC_PUSH(p, *names, const char *) = parse_string(p, NULL, "a reserved name");
            if (!parse_is_sym(&p->tok, ',')) break;
            parse_next(p);
            if (p->tok.kind != WK__TOK_STRING) parse_expected(p, "a reserved name (a string)");
        }
    } else if (p->tok.kind == WK__TOK_INT || (is_enum && parse_is_sym(&p->tok, '-'))) {
        parse_ranges(p, ranges, range_pos, is_enum, false, is_enum ? "a reserved enum number" : "a reserved field number");
    } else {
        parse_expected(p, is_enum ? "reserved numbers or names (\"NAME\")" : "reserved field numbers or names (\"name\")");
    }
    parse_expect_sym(p, ';', "\";\" after the reserved numbers or names");
}

/* extensions -> 'extensions' ranges [ '[' option { ',' option } ']' ] ';' */
static void parse_extensions(parser *p, parse_body *b)
{
    parse_next(p); /* extensions */
    parse_ranges(p, &b->ext_ranges, &b->ext_range_pos, false, true, "an extension number");
    if (parse_is_sym(&p->tok, '[')) {
        size_t n;
        (void)parse_bracket_options(p, OPT_EXT_RANGE, &n);
    }
    parse_expect_sym(p, ';', "\";\" after the extension ranges");
}

/* oneof -> 'oneof' ident '{' { option_statement | field | ';' } '}' */
static void parse_oneof(parser *p, parse_body *b)
{
    wk__spos start = p->tok.pos;
    parse_next(p); /* oneof */
    wk__spos name_pos = p->tok.pos;
    const char *name = parse_ident(p, "the oneof's name");
    size_t index = b->oneofs.len;
    wk_oneof_def *o = VEC_PUSH(p, b->oneofs, wk_oneof_def);
    o->name = name;
    o->pos = parse_source_pos(p, start);
    *VEC_PUSH(p, b->oneof_pos, wk__spos) = name_pos;
    parse_vec options = {0};
    uint64_t seen = 0;
    parse_expect_sym(p, '{', "\"{\" after the oneof's name");
    while (!parse_is_sym(&p->tok, '}')) {
        if (p->tok.kind == WK__TOK_EOF) parse_expected(p, "\"}\" to close the oneof");
        if (parse_is_sym(&p->tok, ';')) {
            parse_next(p);
        } else if (parse_is_word(&p->tok, "option")) {
            parse_option_statement(p, &options, OPT_ONEOF, &seen);
        } else {
            wk__field_src *src = VEC_PUSH(p, b->field_src, wk__field_src);
            wk_field_def *f = VEC_PUSH(p, b->fields, wk_field_def);
            src->decl_index = (uint32_t)(b->fields.len - 1);
            parse_field(p, b, f, src, FIELD_IN_ONEOF);
            f->oneof_index = (int32_t)index;
        }
    }
    parse_next(p);
    /* The list may have moved while fields were added: find the oneof again. */
    o = &VEC_AT(b->oneofs, wk_oneof_def, index);
    o->options = parse_vec_finish(p, &options, sizeof(wk_option));
    o->option_count = options.len;
}

/*
 * The synthetic oneofs of proto3 `optional` fields, after the declared
 * ones, named "_" + the field's name, with 'X' put in front until the name
 * is taken by no field and no oneof (protoc's rule).
 */
static void parse_synthetic_oneofs(parser *p, parse_body *b)
{
    size_t nfields = b->fields.len;
    for (size_t i = 0; i < nfields; i++) {
        wk_field_def *f = &VEC_AT(b->fields, wk_field_def, i);
        if (!f->proto3_optional) continue;
        size_t n = strlen(f->name);
        parse_buf_reset(p);
        if (f->name[0] != '_') parse_buf_add(p, "_", 1);
        parse_buf_add(p, f->name, n);
        for (;;) {
            bool taken = false;
            for (size_t j = 0; j < nfields && !taken; j++) {
                const char *other = VEC_AT(b->fields, wk_field_def, j).name;
                taken = strlen(other) == p->buf_len && memcmp(other, p->buf, p->buf_len) == 0;
            }
            for (size_t j = 0; j < b->oneofs.len && !taken; j++) {
                const char *other = VEC_AT(b->oneofs, wk_oneof_def, j).name;
                taken = strlen(other) == p->buf_len && memcmp(other, p->buf, p->buf_len) == 0;
            }
            if (!taken) break;
            /* Put an 'X' in front. */
            parse_buf_add(p, "X", 1);
            memmove(p->buf + 1, p->buf, p->buf_len - 1);
            p->buf[0] = 'X';
        }
        const char *oname = parse_buf_take(p);
        wk__field_src *src = &VEC_AT(b->field_src, wk__field_src, i);
        f = &VEC_AT(b->fields, wk_field_def, i);
        f->oneof_index = (int32_t)b->oneofs.len;
        wk_oneof_def *o = VEC_PUSH(p, b->oneofs, wk_oneof_def);
        o->name = oname;
        o->synthetic = true;
        o->pos = f->pos;
        *VEC_PUSH(p, b->oneof_pos, wk__spos) = src->name;
    }
}

/*
 * message_body -> '{' { message | enum | extend | extensions | reserved
 *                     | option_statement | oneof | field | ';' } '}'
 */
static void parse_message_body(parser *p, parse_body *b)
{
    uint64_t seen = 0;
    parse_expect_sym(p, '{', "\"{\" to open the message");
    while (!parse_is_sym(&p->tok, '}')) {
        const wk__token *t = &p->tok;
        if (t->kind == WK__TOK_EOF) parse_expected(p, "\"}\" to close the message");
        if (parse_is_sym(t, ';')) {
            parse_next(p);
        } else if (parse_is_word(t, "message")) {
            parse_message(p, b);
        } else if (parse_is_word(t, "enum")) {
            parse_enum(p, b);
        } else if (parse_is_word(t, "extend")) {
            parse_extend(p, b);
        } else if (parse_is_word(t, "extensions")) {
            parse_extensions(p, b);
        } else if (parse_is_word(t, "reserved")) {
            parse_reserved(p, &b->reserved_ranges, &b->reserved_range_pos, &b->reserved_names,
                           &b->reserved_name_pos, false);
        } else if (parse_is_word(t, "option")) {
            parse_option_statement(p, &b->options, OPT_MESSAGE, &seen);
        } else if (parse_is_word(t, "oneof")) {
            parse_oneof(p, b);
        } else {
            wk__field_src *src = VEC_PUSH(p, b->field_src, wk__field_src);
            wk_field_def *f = VEC_PUSH(p, b->fields, wk_field_def);
            src->decl_index = (uint32_t)(b->fields.len - 1);
            parse_field(p, b, f, src, FIELD_IN_MESSAGE);
            if (p->syntax == 3 && src->written_label == WK__LABEL_OPTIONAL) f->proto3_optional = true;
        }
    }
    parse_next(p);
    parse_synthetic_oneofs(p, b);
}

/* message -> 'message' ident message_body */
static void parse_message(parser *p, parse_body *scope)
{
    wk__spos start = p->tok.pos;
    parse_next(p); /* message */
    wk__spos name_pos = p->tok.pos;
    const char *name = parse_ident(p, "the message name");
    wk__message *m = parse_new_message(p, scope, name, start, name_pos);
    parse_message_block(p, m, start);
}

/* ------------------------------------------------------------------ */
/* Enums                                                               */
/* ------------------------------------------------------------------ */

/*
 * enum       -> 'enum' ident '{' { option_statement | reserved | enum_value | ';' } '}'
 * enum_value -> ident '=' ['-'] int [ '[' option { ',' option } ']' ] ';'
 */
static void parse_enum(parser *p, parse_body *scope)
{
    wk__spos start = p->tok.pos;
    parse_next(p); /* enum */
    wk__enum *e = parse_zalloc(p, sizeof *e);
    e->file = p->file;
    e->name_pos = p->tok.pos;
    e->def.name = parse_ident(p, "the enum name");
    e->def.file = &p->file->def;
    e->def.parent = scope->msg ? &scope->msg->def : NULL;
    e->def.closed = p->syntax == 2;
    e->def.pos = parse_source_pos(p, start);
    *VEC_PUSH(p, scope->enums, wk__enum *) = e;

    parse_vec values = {0}, value_pos = {0}, number_pos = {0}, options = {0};
    parse_vec ranges = {0}, range_pos = {0}, names = {0}, rname_pos = {0};
    uint64_t seen = 0;
    parse_expect_sym(p, '{', "\"{\" after the enum name");
    while (!parse_is_sym(&p->tok, '}')) {
        const wk__token *t = &p->tok;
        if (t->kind == WK__TOK_EOF) parse_expected(p, "\"}\" to close the enum");
        if (parse_is_sym(t, ';')) {
            parse_next(p);
        } else if (parse_is_word(t, "option")) {
            size_t before = options.len;
            wk__spos name_pos = parse_option_statement(p, &options, OPT_ENUM, &seen);
            const wk_option *o = &VEC_AT(options, wk_option, before);
            if (strcmp(o->name, "allow_alias") == 0) {
                e->def.allow_alias = strcmp(o->value, "true") == 0;
                e->allow_alias_pos = name_pos;
            }
        } else if (parse_is_word(t, "reserved")) {
            parse_reserved(p, &ranges, &range_pos, &names, &rname_pos, true);
        } else {
            wk_enum_value_def *v = VEC_PUSH(p, values, wk_enum_value_def);
            v->pos = parse_source_pos(p, t->pos);
            *VEC_PUSH(p, value_pos, wk__spos) = t->pos;
            v->name = parse_ident(p, "an enum value name");
            parse_expect_sym(p, '=', "\"=\" and the value's number");
            *VEC_PUSH(p, number_pos, wk__spos) = p->tok.pos;
            v->number = parse_int32(p, "enum value");
            if (parse_is_sym(&p->tok, '[')) {
                size_t n;
                const wk_option *vo = parse_bracket_options(p, OPT_ENUM_VALUE, &n);
                /* values may have moved while the options were read */
                v = &VEC_AT(values, wk_enum_value_def, values.len - 1);
                v->options = vo;
                v->option_count = n;
            }
            parse_expect_sym(p, ';', "\";\" after the enum value");
        }
    }
    parse_next(p);
    e->def.values = parse_vec_finish(p, &values, sizeof(wk_enum_value_def));
    e->def.value_count = values.len;
    e->value_name_pos = parse_vec_finish(p, &value_pos, sizeof(wk__spos));
    e->value_number_pos = parse_vec_finish(p, &number_pos, sizeof(wk__spos));
    e->def.options = parse_vec_finish(p, &options, sizeof(wk_option));
    e->def.option_count = options.len;
    e->def.reserved.ranges = parse_vec_finish(p, &ranges, sizeof(wk_range));
    e->def.reserved.range_count = ranges.len;
    e->reserved_range_pos = parse_vec_finish(p, &range_pos, sizeof(wk__spos));
    e->def.reserved.names = parse_vec_finish(p, &names, sizeof(const char *));
    e->def.reserved.name_count = names.len;
    e->reserved_name_pos = parse_vec_finish(p, &rname_pos, sizeof(wk__spos));
}

/* ------------------------------------------------------------------ */
/* Extend blocks, services                                             */
/* ------------------------------------------------------------------ */

/* extend -> 'extend' type_name '{' { field | ';' } '}' */
static void parse_extend(parser *p, parse_body *scope)
{
    parse_next(p); /* extend */
    wk__spos extendee_pos = p->tok.pos;
    const char *extendee = parse_type_name(p, "the name of the message to extend");
    parse_expect_sym(p, '{', "\"{\" after the extended message's name");
    while (!parse_is_sym(&p->tok, '}')) {
        if (p->tok.kind == WK__TOK_EOF) parse_expected(p, "\"}\" to close the extend block");
        if (parse_is_sym(&p->tok, ';')) {
            parse_next(p);
            continue;
        }
        wk__extension *x = parse_zalloc(p, sizeof *x);
        x->extendee = extendee;
        x->extendee_pos = extendee_pos;
        x->scope = scope->msg ? &scope->msg->def : NULL;
        x->src.decl_index = (uint32_t)p->extensions.len;
        *VEC_PUSH(p, p->extensions, wk__extension *) = x;
        parse_field(p, scope, &x->field, &x->src, FIELD_IN_EXTEND);
        /* An extension's containing message is the extended one: resolve.c sets it. */
        x->field.containing = NULL;
        if (p->syntax == 3 && x->src.written_label == WK__LABEL_OPTIONAL) x->field.proto3_optional = true;
    }
    parse_next(p);
}

/*
 * rpc -> 'rpc' ident '(' ['stream'] type_name ')' 'returns' '(' ['stream'] type_name ')'
 *        ( '{' { option_statement | ';' } '}' | ';' )
 */
static void parse_rpc(parser *p, parse_vec *methods, parse_vec *method_src)
{
    wk__spos start = p->tok.pos;
    parse_next(p); /* rpc */
    wk_method_def *m = VEC_PUSH(p, *methods, wk_method_def);
    wk__method_src *src = VEC_PUSH(p, *method_src, wk__method_src);
    m->pos = parse_source_pos(p, start);
    src->name = p->tok.pos;
    m->name = parse_ident(p, "the method name");
    for (int side = 0; side < 2; side++) {
        if (side == 1) {
            if (!parse_is_word(&p->tok, "returns")) parse_expected(p, "\"returns\"");
            parse_next(p);
        }
        parse_expect_sym(p, '(', side == 0 ? "\"(\" and the request type" : "\"(\" and the response type");
        /* "stream" here is always the keyword, as for protoc: a type in a
         * package named stream is written with a leading dot. */
        bool streaming = false;
        if (parse_is_word(&p->tok, "stream")) {
            streaming = true;
            parse_next(p);
        }
        wk__spos type_pos = p->tok.pos;
        const char *type = parse_type_name(p, side == 0 ? "the request type" : "the response type");
        parse_expect_sym(p, ')', "\")\" after the type");
        if (side == 0) {
            m->client_streaming = streaming;
            m->input_type = type;
            src->input = type_pos;
        } else {
            m->server_streaming = streaming;
            m->output_type = type;
            src->output = type_pos;
        }
    }
    if (parse_is_sym(&p->tok, '{')) {
        parse_vec options = {0};
        uint64_t seen = 0;
        parse_next(p);
        while (!parse_is_sym(&p->tok, '}')) {
            if (p->tok.kind == WK__TOK_EOF) parse_expected(p, "\"}\" to close the method");
            if (parse_is_sym(&p->tok, ';')) parse_next(p);
            else if (parse_is_word(&p->tok, "option")) parse_option_statement(p, &options, OPT_METHOD, &seen);
            else parse_expected(p, "an option or \"}\" in the method");
        }
        parse_next(p);
        m = &VEC_AT(*methods, wk_method_def, methods->len - 1);
        m->options = parse_vec_finish(p, &options, sizeof(wk_option));
        m->option_count = options.len;
    } else {
        parse_expect_sym(p, ';', "\";\" or \"{\" after the method");
    }
}

/* service -> 'service' ident '{' { option_statement | rpc | ';' } '}' */
static void parse_service(parser *p)
{
    wk__spos start = p->tok.pos;
    parse_next(p); /* service */
    wk__spos name_pos = p->tok.pos;
    const char *name = parse_ident(p, "the service name");
    parse_vec methods = {0}, method_src = {0}, options = {0};
    uint64_t seen = 0;
    parse_expect_sym(p, '{', "\"{\" after the service name");
    while (!parse_is_sym(&p->tok, '}')) {
        if (p->tok.kind == WK__TOK_EOF) parse_expected(p, "\"}\" to close the service");
        if (parse_is_sym(&p->tok, ';')) parse_next(p);
        else if (parse_is_word(&p->tok, "option")) parse_option_statement(p, &options, OPT_SERVICE, &seen);
        else if (parse_is_word(&p->tok, "rpc")) parse_rpc(p, &methods, &method_src);
        else parse_expected(p, "\"rpc\", an option or \"}\" in the service");
    }
    parse_next(p);
    wk_service_def *s = VEC_PUSH(p, p->services, wk_service_def);
    wk__service_src *src = VEC_PUSH(p, p->service_src, wk__service_src);
    s->name = name;
    s->pos = parse_source_pos(p, start);
    s->methods = parse_vec_finish(p, &methods, sizeof(wk_method_def));
    s->method_count = methods.len;
    s->options = parse_vec_finish(p, &options, sizeof(wk_option));
    s->option_count = options.len;
    src->name = name_pos;
    src->methods = parse_vec_finish(p, &method_src, sizeof(wk__method_src));
}

/* ------------------------------------------------------------------ */
/* The file                                                            */
/* ------------------------------------------------------------------ */

/* An import path protoc would accept: relative, '/' between non-empty names, no '.' or '..'. */
static bool parse_import_path_ok(const char *path, size_t len)
{
    if (len == 0 || strlen(path) != len || path[0] == '/') return false;
    size_t seg = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || path[i] == '/') {
            size_t n = i - seg;
            if (n == 0) return false;
            if ((n == 1 && path[seg] == '.') || (n == 2 && path[seg] == '.' && path[seg + 1] == '.'))
                return false;
            seg = i + 1;
        } else if (path[i] == '\\') {
            return false;
        }
    }
    return true;
}

/* import -> 'import' [ 'public' | 'weak' ] string ';' */
static void parse_import(parser *p)
{
    parse_next(p); /* import */
    bool is_public = false, is_weak = false;
    if (parse_is_word(&p->tok, "public")) {
        is_public = true;
        parse_next(p);
    } else if (parse_is_word(&p->tok, "weak")) {
        is_weak = true;
        parse_next(p);
    }
    wk__spos path_pos = p->tok.pos;
    size_t len;
    const char *path = parse_string(p, &len, "the imported file's path (a string)");
    parse_expect_sym(p, ';', "\";\" after the import");
    if (!parse_import_path_ok(path, len))
        parse_fail(p, WK_ERR_INVALID, path_pos,
                   "import path \"%s\" must be relative, with '/' between names and no '.' or '..' parts",
                   path);
    for (size_t i = 0; i < p->imports.len; i++)
        if (strcmp(VEC_AT(p->imports, wk_import_def, i).path, path) == 0)
            parse_fail(p, WK_ERR_INVALID, path_pos, "\"%s\" is imported twice", path);
    wk_import_def *imp = VEC_PUSH(p, p->imports, wk_import_def);
    imp->path = path;
    imp->is_public = is_public;
    imp->is_weak = is_weak;
    *VEC_PUSH(p, p->import_pos, wk__spos) = path_pos;
}

/* package -> 'package' full_ident ';' */
static void parse_package(parser *p)
{
    wk__spos start = p->tok.pos;
    parse_next(p); /* package */
    if (p->have_package)
        parse_fail(p, WK_ERR_SYNTAX, start, "a file has one package statement, and the package is \"%s\" already",
                   p->file->def.package);
    p->file->package_pos = p->tok.pos;
    if (parse_is_sym(&p->tok, '.')) parse_expected(p, "the package name");
    p->file->def.package = parse_type_name(p, "the package name");
    p->have_package = true;
    parse_expect_sym(p, ';', "\";\" after the package name");
}

/* syntax -> 'syntax' '=' string ';'        (an `edition` is refused) */
static void parse_syntax(parser *p)
{
    if (parse_is_word(&p->tok, "edition") && parse_is_sym(parse_peek(p), '=')) {
        wk__spos at = p->tok.pos;
        parse_fail(p, WK_ERR_UNSUPPORTED, at,
                   "editions (edition = \"...\") are not supported; write syntax = \"proto2\" or \"proto3\"");
    }
    p->syntax = 2;
    if (!parse_is_word(&p->tok, "syntax")) return;
    parse_next(p);
    parse_expect_sym(p, '=', "\"=\" after \"syntax\"");
    wk__spos at = p->tok.pos;
    const char *name = parse_string(p, NULL, "\"proto2\" or \"proto3\"");
    if (strcmp(name, "proto2") == 0) p->syntax = 2;
    else if (strcmp(name, "proto3") == 0) p->syntax = 3;
    else
        parse_fail(p, WK_ERR_SYNTAX, at, "unknown syntax \"%.40s\": expected \"proto2\" or \"proto3\"", name);
    parse_expect_sym(p, ';', "\";\" after the syntax statement");
}

/*
 * file -> [ syntax ] { import | package | option_statement | message | enum
 *                    | service | extend | ';' } EOF
 */
static void parse_file_rule(parser *p)
{
    uint64_t seen = 0;
    parse_next(p);
    parse_syntax(p);
    p->file->def.syntax = p->syntax;
    while (p->tok.kind != WK__TOK_EOF) {
        const wk__token *t = &p->tok;
        if (parse_is_sym(t, ';')) parse_next(p);
        else if (parse_is_word(t, "import")) parse_import(p);
        else if (parse_is_word(t, "package")) parse_package(p);
        else if (parse_is_word(t, "option")) parse_option_statement(p, &p->top.options, OPT_FILE, &seen);
        else if (parse_is_word(t, "message")) parse_message(p, &p->top);
        else if (parse_is_word(t, "enum")) parse_enum(p, &p->top);
        else if (parse_is_word(t, "service")) parse_service(p);
        else if (parse_is_word(t, "extend")) parse_extend(p, &p->top);
        else parse_expected(p, "a top-level statement (message, enum, service, extend, import, package or option)");
    }
}

/* Moves the file's lists into its definition. */
static void parse_finish_file(parser *p)
{
    wk__file *f = p->file;
    wk_file_def *d = &f->def;
    if (!d->package) d->package = "";
    d->messages = parse_vec_finish(p, &p->top.nested, sizeof(wk__message *));
    d->message_count = p->top.nested.len;
    d->enums = parse_vec_finish(p, &p->top.enums, sizeof(wk__enum *));
    d->enum_count = p->top.enums.len;
    d->options = parse_vec_finish(p, &p->top.options, sizeof(wk_option));
    d->option_count = p->top.options.len;
    d->services = parse_vec_finish(p, &p->services, sizeof(wk_service_def));
    d->service_count = p->services.len;
    f->service_src = parse_vec_finish(p, &p->service_src, sizeof(wk__service_src));
    d->imports = parse_vec_finish(p, &p->imports, sizeof(wk_import_def));
    d->import_count = p->imports.len;
    f->import_pos = parse_vec_finish(p, &p->import_pos, sizeof(wk__spos));
    f->extension_src = parse_vec_finish(p, &p->extensions, sizeof(wk__extension *));
    d->extension_count = p->extensions.len;
    if (d->extension_count) {
        wk_extension_def *xs = parse_zalloc(p, d->extension_count * sizeof *xs);
        for (size_t i = 0; i < d->extension_count; i++) {
            xs[i].extendee = f->extension_src[i]->extendee;
            xs[i].field = &f->extension_src[i]->field;
            xs[i].scope = f->extension_src[i]->scope;
        }
        d->extensions = xs;
    }
}

wk_code wk__parse_file(wk__file *file, const char *text, size_t len, wk_arena *arena,
                       wk_arena *scratch, wk_status *st)
{
    /* The parser's state is in the scratch arena, not in this frame: after
     * the longjmp only `p`, which never changes, is read. */
    parser *const p = wk__arena_alloc(scratch, sizeof *p);
    if (!p) return wk__schema_error(st, WK_ERR_NOMEM, file->disk_path, (wk__spos){0, 0, 0}, "out of memory");
    memset(p, 0, sizeof *p);
    p->file = file;
    p->arena = arena;
    p->scratch = scratch;
    p->st = st;
    p->syntax = 2;
    wk__lex_init(&p->lx, text, len);
    if (setjmp(p->fail) != 0) return p->code;
    parse_file_rule(p);
    parse_finish_file(p);
    return WK_OK;
}
