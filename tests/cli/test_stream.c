/*
 * Streams of messages (cli/stream.c): splitting JSON Lines and MessagePack
 * streams into values, the record number, line and offset of each, errors
 * made absolute, the names and extensions that select a stream, and the
 * stream form of the writer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli/stream.h"

#include <stdlib.h>
#include <string.h>

typedef struct stream_fixture {
    wk_arena *arena;
    cli_stream_reader reader;
} stream_fixture;

static int setup(void **state)
{
    stream_fixture *f = calloc(1, sizeof *f);
    if (!f || !(f->arena = wk_arena_new(0))) return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    stream_fixture *f = *state;
    cli_stream_reader_destroy(&f->reader);
    wk_arena_free(f->arena);
    free(f);
    return 0;
}

static void start(stream_fixture *f, const char *format, const void *data, size_t len)
{
    const wk_format *fmt = wk_format_find(format);
    assert_non_null(fmt);
    cli_stream_reader_init(&f->reader, fmt, data, len);
}

/* The next value, which must be there. */
static const wk_value *next(stream_fixture *f)
{
    const wk_value *v = NULL;
    wk_status st;
    int got = cli_stream_next(&f->reader, NULL, f->arena, &v, &st);
    if (got != 1) fail_msg("expected a value, got %d (%s)", got, st.msg);
    return v;
}

static void at_end(stream_fixture *f)
{
    const wk_value *v;
    wk_status st;
    assert_int_equal(cli_stream_next(&f->reader, NULL, f->arena, &v, &st), 0);
    /* And stays there. */
    assert_int_equal(cli_stream_next(&f->reader, NULL, f->arena, &v, &st), 0);
}

static void json_lines_split_on_newlines_and_skip_blank_lines(void **state)
{
    stream_fixture *f = *state;
    static const char text[] = "{\"a\":1}\n\n[true]\r\n \t\r\n\"x\"";
    start(f, "json", text, strlen(text));
    const wk_value *v = next(f);
    assert_int_equal(v->kind, WK_MAP);
    assert_int_equal(f->reader.record, 1);
    assert_int_equal(f->reader.line, 1);
    assert_int_equal(f->reader.offset, 0);
    v = next(f);
    assert_int_equal(v->kind, WK_LIST);
    assert_int_equal(f->reader.record, 2);
    assert_int_equal(f->reader.line, 3);
    assert_int_equal(f->reader.offset, 9);
    /* The last line needs no newline. */
    v = next(f);
    assert_int_equal(v->kind, WK_STRING);
    assert_int_equal(f->reader.record, 3);
    assert_int_equal(f->reader.line, 5);
    at_end(f);
}

static void empty_streams_hold_no_value(void **state)
{
    stream_fixture *f = *state;
    start(f, "json", "", 0);
    at_end(f);
    cli_stream_reader_destroy(&f->reader);
    start(f, "json", "\n\n  \n", 5);
    at_end(f);
    cli_stream_reader_destroy(&f->reader);
    start(f, "msgpack", "", 0);
    at_end(f);
}

static void json_lines_error_names_record_line_and_offset(void **state)
{
    stream_fixture *f = *state;
    static const char text[] = "[1]\n\n{\"a\" 1}\n[2]\n";
    start(f, "json", text, strlen(text));
    next(f);
    const wk_value *v;
    wk_status st;
    assert_int_equal(cli_stream_next(&f->reader, NULL, f->arena, &v, &st), -1);
    assert_int_equal(f->reader.record, 2);
    assert_int_equal(f->reader.line, 3);
    assert_int_equal(st.code, WK_ERR_SYNTAX);
    /* The column is within the line, the offset within the whole stream. */
    assert_int_equal(st.col, 6);
    assert_int_equal(st.offset, 5 + 5);
}

/* Two values on one line are not JSON Lines. */
static void json_lines_refuse_two_values_on_a_line(void **state)
{
    stream_fixture *f = *state;
    static const char text[] = "1 2\n";
    start(f, "json", text, strlen(text));
    const wk_value *v;
    wk_status st;
    assert_int_equal(cli_stream_next(&f->reader, NULL, f->arena, &v, &st), -1);
    assert_int_equal(st.code, WK_ERR_TRAILING);
    assert_int_equal(f->reader.record, 1);
}

static void msgpack_values_back_to_back(void **state)
{
    stream_fixture *f = *state;
    /* {"a":1}, [1,2], "x", 300 */
    static const uint8_t data[] = {0x81, 0xa1, 'a', 0x01, 0x92, 0x01, 0x02, 0xa1, 'x', 0xcd, 0x01, 0x2c};
    start(f, "msgpack", data, sizeof data);
    const wk_value *v = next(f);
    assert_int_equal(v->kind, WK_MAP);
    assert_int_equal(f->reader.offset, 0);
    v = next(f);
    assert_int_equal(v->kind, WK_LIST);
    assert_int_equal(v->len, 2);
    assert_int_equal(f->reader.offset, 4);
    v = next(f);
    assert_int_equal(v->kind, WK_STRING);
    assert_int_equal(f->reader.offset, 7);
    v = next(f);
    assert_int_equal(v->kind, WK_INT);
    assert_int_equal(v->as.i, 300);
    assert_int_equal(f->reader.record, 4);
    assert_int_equal(f->reader.offset, 9);
    at_end(f);
}

static void msgpack_error_offset_is_from_the_stream_start(void **state)
{
    stream_fixture *f = *state;
    /* 1, then a fixarray of 2 cut short after one item: the array's header
     * is where the decoder finds it cannot be complete. */
    static const uint8_t cut[] = {0x01, 0x92, 0x01};
    start(f, "msgpack", cut, sizeof cut);
    next(f);
    const wk_value *v;
    wk_status st;
    assert_int_equal(cli_stream_next(&f->reader, NULL, f->arena, &v, &st), -1);
    assert_int_equal(st.code, WK_ERR_TRUNCATED);
    assert_int_equal(f->reader.record, 2);
    assert_int_equal(f->reader.offset, 1);
    assert_int_equal(st.offset, 1);
    cli_stream_reader_destroy(&f->reader);

    /* 0xc1 is never used: the third value fails at byte 2. */
    static const uint8_t bad[] = {0xc0, 0xc3, 0xc1};
    start(f, "msgpack", bad, sizeof bad);
    next(f);
    next(f);
    assert_int_equal(cli_stream_next(&f->reader, NULL, f->arena, &v, &st), -1);
    assert_int_equal(st.code, WK_ERR_SYNTAX);
    assert_int_equal(st.offset, 2);
    assert_int_equal(f->reader.record, 3);
}

static void names_and_extensions_select_streams(void **state)
{
    (void)state;
    const wk_format *json = wk_format_find("json"), *mp = wk_format_find("msgpack");
    assert_ptr_equal(cli_stream_for_path("a/b/events.jsonl"), json);
    assert_ptr_equal(cli_stream_for_path("events.NDJSON"), json);
    assert_ptr_equal(cli_stream_for_path("x.msgpack-stream"), mp);
    assert_ptr_equal(cli_stream_for_path("x.mpstream"), mp);
    assert_null(cli_stream_for_path("x.json"));
    assert_null(cli_stream_for_path("x.msgpack"));
    assert_null(cli_stream_for_path(".jsonl"));
    assert_null(cli_stream_for_path("jsonl.d/file"));
    assert_ptr_equal(cli_stream_find("jsonl"), json);
    assert_ptr_equal(cli_stream_find("json-lines"), json);
    assert_ptr_equal(cli_stream_find("msgpack-stream"), mp);
    assert_null(cli_stream_find("json"));
    assert_int_equal(cli_stream_kind_of(json), CLI_STREAM_LINES);
    assert_int_equal(cli_stream_kind_of(mp), CLI_STREAM_CONCAT);
    assert_string_equal(cli_stream_label(json), "JSON Lines");
    assert_string_equal(cli_stream_label(mp), "MessagePack stream");
}

static void append_writes_one_compact_line_per_value(void **state)
{
    stream_fixture *f = *state;
    static const char text[] = "{\"a\": [1, 2]}";
    const wk_value *v;
    assert_int_equal(wk_decode(wk_format_find("json"), text, strlen(text), NULL, f->arena, &v, NULL), WK_OK);
    wk_buf out;
    wk_buf_init(&out);
    wk_encode_opts pretty = {.flags = WK_ENCODE_PRETTY};
    assert_int_equal(cli_stream_append(wk_format_find("json"), v, &pretty, &out, NULL), WK_OK);
    assert_int_equal(cli_stream_append(wk_format_find("json"), v, NULL, &out, NULL), WK_OK);
    assert_int_equal(out.len, 2 * strlen("{\"a\":[1,2]}\n"));
    assert_memory_equal(out.data, "{\"a\":[1,2]}\n{\"a\":[1,2]}\n", out.len);
    wk_buf_clear(&out);
    assert_int_equal(cli_stream_append(wk_format_find("msgpack"), v, NULL, &out, NULL), WK_OK);
    static const uint8_t mp[] = {0x81, 0xa1, 'a', 0x92, 0x01, 0x02};
    assert_int_equal(out.len, sizeof mp);
    assert_memory_equal(out.data, mp, sizeof mp);
    wk_buf_destroy(&out);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(json_lines_split_on_newlines_and_skip_blank_lines),
        T(empty_streams_hold_no_value),
        T(json_lines_error_names_record_line_and_offset),
        T(json_lines_refuse_two_values_on_a_line),
        T(msgpack_values_back_to_back),
        T(msgpack_error_offset_is_from_the_stream_start),
        T(names_and_extensions_select_streams),
        T(append_writes_one_compact_line_per_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
