/*
 * Tests for schema/lexer.c: token kinds and texts, line and column of each
 * token (columns count characters: a tab is one, a UTF-8 sequence in a
 * comment or string is one), numbers in every base, strings with every
 * escape, and every lexical error with its position.
 *
 * Inputs are heap copies of exactly their length, so that a read past the
 * end is caught by AddressSanitizer and valgrind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema/internal.h"

typedef struct lexed {
    char *src;
    wk__lexer lx;
} lexed;

static lexed *lex_open(const char *text, size_t n)
{
    lexed *l = malloc(sizeof *l);
    assert_non_null(l);
    l->src = malloc(n ? n : 1);
    assert_non_null(l->src);
    memcpy(l->src, text, n);
    wk__lex_init(&l->lx, l->src, n);
    return l;
}

static void lex_close(lexed *l)
{
    free(l->src);
    free(l);
}

#define LEX(lit) lex_open(lit, sizeof(lit) - 1)

static void next_ok(lexed *l, wk__token *t)
{
    if (!wk__lex_next(&l->lx, t)) fail_msg("lexical error: %s", l->lx.err_msg);
}

static void expect_token(lexed *l, wk__tok_kind kind, const char *text, uint32_t line, uint32_t col)
{
    wk__token t;
    next_ok(l, &t);
    if (t.kind != kind || t.len != strlen(text) || memcmp(t.text, text, t.len) != 0 || t.pos.line != line ||
        t.pos.col != col)
        fail_msg("expected kind %d '%s' at %u:%u, got kind %d '%.*s' at %u:%u", kind, text, line, col, t.kind,
                 (int)t.len, t.text, t.pos.line, t.pos.col);
    assert_int_equal(t.end, t.pos.offset + t.len);
    assert_ptr_equal(t.text, l->src + t.pos.offset);
}

static void expect_eof(lexed *l, uint32_t line, uint32_t col)
{
    wk__token t;
    for (int i = 0; i < 3; i++) { /* and it stays there */
        next_ok(l, &t);
        assert_int_equal(t.kind, WK__TOK_EOF);
        assert_int_equal(t.len, 0);
        assert_int_equal(t.pos.line, line);
        assert_int_equal(t.pos.col, col);
    }
}

static void test_kinds_and_positions(void **state)
{
    (void)state;
    lexed *l = LEX("syntax = \"proto3\";\n"
                   "message\tA { // comment \xc3\xbcn\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9\n"
                   "  /* \xc3\xa9 */ int32 a_1 = 0x1F; }\n"
                   "\r\n"
                   "'\xc3\xa9t\xc3\xa9' .5 1e3 _u\v\f\n"
                   "/* two\n lines \xe2\x82\xac */ x");
    expect_token(l, WK__TOK_IDENT, "syntax", 1, 1);
    expect_token(l, WK__TOK_SYMBOL, "=", 1, 8);
    expect_token(l, WK__TOK_STRING, "\"proto3\"", 1, 10);
    expect_token(l, WK__TOK_SYMBOL, ";", 1, 18);
    expect_token(l, WK__TOK_IDENT, "message", 2, 1);
    expect_token(l, WK__TOK_IDENT, "A", 2, 9); /* a tab is one column */
    expect_token(l, WK__TOK_SYMBOL, "{", 2, 11);
    expect_token(l, WK__TOK_IDENT, "int32", 3, 11); /* the é in the comment is one column */
    expect_token(l, WK__TOK_IDENT, "a_1", 3, 17);
    expect_token(l, WK__TOK_SYMBOL, "=", 3, 21);
    expect_token(l, WK__TOK_INT, "0x1F", 3, 23);
    expect_token(l, WK__TOK_SYMBOL, ";", 3, 27);
    expect_token(l, WK__TOK_SYMBOL, "}", 3, 29);
    expect_token(l, WK__TOK_STRING, "'\xc3\xa9t\xc3\xa9'", 5, 1);
    expect_token(l, WK__TOK_FLOAT, ".5", 5, 7); /* the string was five characters */
    expect_token(l, WK__TOK_FLOAT, "1e3", 5, 10);
    expect_token(l, WK__TOK_IDENT, "_u", 5, 14);
    expect_token(l, WK__TOK_IDENT, "x", 7, 13); /* after a comment over two lines, with a 3-byte character */
    expect_eof(l, 7, 14);
    lex_close(l);
}

static void test_byte_order_mark(void **state)
{
    (void)state;
    lexed *l = LEX("\xef\xbb\xbfmessage A");
    expect_token(l, WK__TOK_IDENT, "message", 1, 1);
    expect_token(l, WK__TOK_IDENT, "A", 1, 9);
    expect_eof(l, 1, 10);
    lex_close(l);

    l = LEX("");
    expect_eof(l, 1, 1);
    lex_close(l);

    l = LEX("  \n\t// only a comment");
    expect_eof(l, 2, 19);
    lex_close(l);
}

static void test_symbols(void **state)
{
    (void)state;
    lexed *l = LEX("{}[]()<>=;,.:-+/!#$%&*?@\\^`|~");
    const char *syms = "{}[]()<>=;,.:-+/!#$%&*?@\\^`|~";
    for (size_t i = 0; syms[i]; i++) {
        char text[2] = {syms[i], 0};
        expect_token(l, WK__TOK_SYMBOL, text, 1, (uint32_t)i + 1);
    }
    expect_eof(l, 1, 30);
    lex_close(l);
}

static void expect_int(const char *text, uint64_t value, bool overflow)
{
    lexed *l = lex_open(text, strlen(text));
    wk__token t;
    next_ok(l, &t);
    if (t.kind != WK__TOK_INT || t.len != strlen(text) || t.int_overflow != overflow ||
        (!overflow && t.int_value != value))
        fail_msg("'%s': kind %d, value %llu, overflow %d", text, t.kind, (unsigned long long)t.int_value,
                 t.int_overflow);
    lex_close(l);
}

static void expect_float(const char *text)
{
    lexed *l = lex_open(text, strlen(text));
    wk__token t;
    next_ok(l, &t);
    if (t.kind != WK__TOK_FLOAT || t.len != strlen(text)) fail_msg("'%s': kind %d, length %zu", text, t.kind, t.len);
    next_ok(l, &t);
    assert_int_equal(t.kind, WK__TOK_EOF);
    lex_close(l);
}

static void test_numbers(void **state)
{
    (void)state;
    expect_int("0", 0, false);
    expect_int("7", 7, false);
    expect_int("1234567890", 1234567890, false);
    expect_int("0x0", 0, false);
    expect_int("0xAbCdEf", 0xABCDEF, false);
    expect_int("0X10", 16, false);
    expect_int("017", 15, false);
    expect_int("00", 0, false);
    expect_int("18446744073709551615", UINT64_MAX, false);
    expect_int("18446744073709551616", 0, true);
    expect_int("99999999999999999999999999", 0, true);
    expect_int("0xFFFFFFFFFFFFFFFF", UINT64_MAX, false);
    expect_int("0x10000000000000000", 0, true);
    expect_int("01777777777777777777777", UINT64_MAX, false);
    expect_int("02000000000000000000000", 0, true);
    expect_float("1.5");
    expect_float(".5");
    expect_float("5.");
    expect_float("0.0");
    expect_float("1e5");
    expect_float("1E+5");
    expect_float("1e-5");
    expect_float("2.5e10");
    expect_float("0e0");
    /* A '-' is a symbol of its own. */
    lexed *l = LEX("-5");
    expect_token(l, WK__TOK_SYMBOL, "-", 1, 1);
    expect_token(l, WK__TOK_INT, "5", 1, 2);
    lex_close(l);
}

/* A string token's decoded bytes. */
static size_t decode(const char *text, size_t n, char *out)
{
    lexed *l = lex_open(text, n);
    wk__token t;
    next_ok(l, &t);
    assert_int_equal(t.kind, WK__TOK_STRING);
    assert_int_equal(t.len, n);
    char *buf = malloc(t.len);
    assert_non_null(buf);
    size_t got = wk__lex_string_value(&t, buf);
    assert_true(got <= t.len);
    memcpy(out, buf, got);
    free(buf);
    lex_close(l);
    return got;
}

#define DECODES(lit, want)                                            \
    do {                                                              \
        char out_[256];                                               \
        size_t n_ = decode(lit, sizeof(lit) - 1, out_);               \
        assert_int_equal(n_, sizeof(want) - 1);                       \
        assert_memory_equal(out_, want, sizeof(want) - 1);            \
    } while (0)

static void test_string_escapes(void **state)
{
    (void)state;
    DECODES("\"\"", "");
    DECODES("''", "");
    DECODES("\"plain\"", "plain");
    DECODES("\"\\a\\b\\f\\n\\r\\t\\v\\\\\\'\\\"\\?\"", "\a\b\f\n\r\t\v\\'\"?");
    DECODES("'\"'", "\"");
    DECODES("\"'\"", "'");
    DECODES("\"\\0\\7\\07\\077\\101\\1010\"", "\0\a\a?AA0");
    DECODES("\"\\377\\400\\777\"", "\xff\x00\xff"); /* the low byte, as in C */
    DECODES("\"\\x41\\x4a\\X4B\\x4142\\xf\"", "AJKA42\x0f");
    DECODES("\"\\u00e9\\u20AC\\U0001F600\"", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    DECODES("\"\\uD83D\\uDE00\"", "\xf0\x9f\x98\x80");
    DECODES("\"\\U0010FFFF\"", "\xf4\x8f\xbf\xbf");
    DECODES("\"\\u0000\"", "\0");
    DECODES("\"caf\xc3\xa9 \x01\x7f\"", "caf\xc3\xa9 \x01\x7f"); /* raw bytes are kept */
}

/* A random valid string decodes to no more bytes than its token. */
static void test_string_value_never_longer(void **state)
{
    (void)state;
    static const char *const pieces[] = {"a", "\\n", "\\x4", "\\x41", "\\1", "\\12", "\\123", "\\u00e9",
                                         "\\uD83D\\uDE00", "\\U0001F600", "\xc3\xa9", "\\\\", "\\'", " "};
    uint32_t seed = 12345;
    for (int round = 0; round < 2000; round++) {
        char text[512];
        size_t n = 0;
        text[n++] = '"';
        int count = (int)(seed % 20);
        for (int i = 0; i < count; i++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
            memcpy(text + n, p, strlen(p));
            n += strlen(p);
        }
        text[n++] = '"';
        char out[512];
        (void)decode(text, n, out);
        seed = seed * 1103515245u + 12345u;
    }
}

static void expect_error(const char *text, size_t n, uint32_t line, uint32_t col, const char *msg)
{
    lexed *l = lex_open(text, n);
    wk__token t;
    bool ok = true;
    for (int i = 0; i < 100 && ok; i++) {
        ok = wk__lex_next(&l->lx, &t);
        if (ok && t.kind == WK__TOK_EOF) fail_msg("'%s' lexed without an error", text);
    }
    assert_false(ok);
    assert_int_equal(l->lx.err_code, WK_ERR_SYNTAX);
    if (l->lx.err_pos.line != line || l->lx.err_pos.col != col || strcmp(l->lx.err_msg, msg) != 0)
        fail_msg("'%s': got %u:%u '%s', expected %u:%u '%s'", text, l->lx.err_pos.line, l->lx.err_pos.col,
                 l->lx.err_msg, line, col, msg);
    lex_close(l);
}

#define ERROR(lit, line, col, msg) expect_error(lit, sizeof(lit) - 1, line, col, msg)

static void test_errors(void **state)
{
    (void)state;
    ERROR("a \"abc", 1, 3, "unterminated string: the file ends before its closing \"");
    ERROR("a 'abc", 1, 3, "unterminated string: the file ends before its closing '");
    ERROR("x\n  \"ab\ncd\"", 2, 3, "unterminated string: a string must end on the line where it starts");
    ERROR("\"ab\\", 1, 1, "unterminated string: the file ends before its closing \"");
    ERROR("\"a\\\nb\"", 1, 3, "unterminated string: a string must end on the line where it starts");
    ERROR("x /* never\n closed", 1, 3, "unterminated comment: no '*/' closes the '/*' here");
    ERROR("/*/", 1, 1, "unterminated comment: no '*/' closes the '/*' here");
    ERROR("\"\\q\"", 1, 2, "invalid escape '\\q' in a string");
    ERROR("\"\xc3\xa9\\8\"", 1, 3, "invalid escape '\\8' in a string");
    ERROR("\"\\x\"", 1, 2, "'\\x' must be followed by one or two hex digits");
    ERROR("\"\\u12\"", 1, 2, "'\\u' must be followed by four hex digits");
    ERROR("\"\\U0011FFFF\"", 1, 2, "'\\U' must be followed by eight hex digits, at most 0010ffff");
    ERROR("\"\\U1234\"", 1, 2, "'\\U' must be followed by eight hex digits, at most 0010ffff");
    ERROR("\"\\uD800\"", 1, 2, "a high surrogate escape must be followed by a '\\u' low surrogate");
    ERROR("\"\\uD800\\u0041\"", 1, 2, "a high surrogate escape must be followed by a '\\u' low surrogate");
    ERROR("\"\\uDC00\"", 1, 2, "a low surrogate escape must follow a high one");
    ERROR("12abc", 1, 3, "a number must be followed by a space or a symbol, not 'a'");
    ERROR("1.5.2", 1, 4, "a number must be followed by a space or a symbol, not '.'");
    ERROR("0x1.5", 1, 4, "a number must be followed by a space or a symbol, not '.'");
    ERROR("0x", 1, 1, "'0x' must be followed by hex digits");
    ERROR("0xg", 1, 1, "'0x' must be followed by hex digits");
    ERROR("  019", 1, 5, "a number that starts with 0 is octal: '9' is not an octal digit");
    ERROR("1e", 1, 2, "the exponent of a number needs digits after 'e'");
    ERROR("1E+x", 1, 2, "the exponent of a number needs digits after 'E'");
    ERROR("a \x01", 1, 3, "unexpected control character 0x01");
    ERROR("a \x7f", 1, 3, "unexpected control character 0x7F");
    ERROR("a\0b", 1, 2, "unexpected control character 0x00");
    ERROR("x \xc3\xa9", 1, 3, "unexpected character outside a string or comment (byte 0xC3)");
    ERROR("\xff", 1, 1, "unexpected character outside a string or comment (byte 0xFF)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds_and_positions),
        cmocka_unit_test(test_byte_order_mark),
        cmocka_unit_test(test_symbols),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_string_escapes),
        cmocka_unit_test(test_string_value_never_longer),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
