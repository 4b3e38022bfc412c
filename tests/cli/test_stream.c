/*
 * Streams of messages (cli/stream.c): splitting JSON Lines, MessagePack and
 * length-delimited Protocol Buffers streams into values, the record number,
 * line and offset of each, errors made absolute, every framing error of a
 * Protocol Buffers stream with its record and offset, the names and
 * extensions that select a stream, and the stream form of the writer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli/stream.h"

#include <stdio.h>
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
    const wk_format *pb = wk_format_find("protobuf");
    assert_ptr_equal(cli_stream_for_path("events.pbstream"), pb);
    assert_ptr_equal(cli_stream_for_path("d/events.PB-STREAM"), pb);
    assert_null(cli_stream_for_path("event.pb"));
    assert_null(cli_stream_for_path("event.protobuf"));
    assert_ptr_equal(cli_stream_find("protobuf-stream"), pb);
    assert_ptr_equal(cli_stream_find("pbstream"), pb);
    assert_ptr_equal(cli_stream_find(".pbstream"), pb);
    assert_ptr_equal(cli_stream_find("protobuf-delimited"), pb);
    assert_null(cli_stream_find("protobuf"));
    assert_null(cli_stream_find("pb"));
    /* The stream names name no format of the registry: each means one thing. */
    assert_null(wk_format_find("pbstream"));
    assert_null(wk_format_find("pb-stream"));
    assert_null(wk_format_find("protobuf-stream"));
    assert_int_equal(cli_stream_kind_of(pb), CLI_STREAM_DELIMITED);
    assert_string_equal(cli_stream_label(pb), "Protocol Buffers stream");
    assert_int_equal(cli_stream_kind_of(wk_format_find("xml")), CLI_STREAM_NONE);
    assert_null(cli_stream_label(wk_format_find("xml")));
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

/* ---- Protocol Buffers streams ---- */

static const char event_proto[] = "syntax = \"proto3\";\n"
                                  "package acme;\n"
                                  "message Event { string name = 1; int64 id = 2; repeated int32 tags = 3; }\n";

static wk_schema *event_schema(wk_decode_opts *opts)
{
    wk_schema *s = NULL;
    wk_status st;
    if (wk_schema_load_text("event.proto", event_proto, strlen(event_proto), NULL, &s, &st) != WK_OK)
        fail_msg("event.proto: %s", st.msg);
    memset(opts, 0, sizeof *opts);
    opts->type = wk_schema_message(s, "acme.Event");
    assert_non_null(opts->type);
    return s;
}

/* The value of field `name` of a typed message, or NULL. */
static const wk_value *field(const wk_value *v, const char *name)
{
    assert_int_equal(v->kind, WK_MESSAGE);
    const wk_message *m = v->as.message;
    for (uint32_t i = 0; i < m->field_count; i++)
        if (strcmp(m->fields[i].field->name, name) == 0) return &m->fields[i].value;
    return NULL;
}

/* The next typed value, which must be there. */
static const wk_value *next_typed(stream_fixture *f, const wk_decode_opts *opts)
{
    const wk_value *v = NULL;
    wk_status st;
    int got = cli_stream_next(&f->reader, opts, f->arena, &v, &st);
    if (got != 1) fail_msg("expected a value, got %d (%s)", got, st.msg);
    return v;
}

/* {name: "a", id: 5} (5 bytes), an empty message, {tags: [1, 300]} (5 bytes). */
static const uint8_t pb_stream[] = {0x05, 0x0a, 0x01, 'a', 0x10, 0x05, 0x00, 0x05, 0x1a, 0x03, 0x01, 0xac, 0x02};

static void protobuf_records_follow_their_length(void **state)
{
    stream_fixture *f = *state;
    wk_decode_opts opts;
    wk_schema *s = event_schema(&opts);
    start(f, "protobuf", pb_stream, sizeof pb_stream);
    assert_int_equal(f->reader.kind, CLI_STREAM_DELIMITED);
    const wk_value *v = next_typed(f, &opts);
    assert_int_equal(f->reader.record, 1);
    assert_int_equal(f->reader.offset, 0);
    assert_int_equal(v->as.message->field_count, 2);
    assert_int_equal(field(v, "name")->len, 1);
    assert_memory_equal(field(v, "name")->as.str, "a", 1);
    assert_int_equal(field(v, "id")->as.i, 5);
    /* A record of length 0 is a valid, empty message. */
    v = next_typed(f, &opts);
    assert_int_equal(f->reader.record, 2);
    assert_int_equal(f->reader.offset, 6);
    assert_int_equal(v->as.message->field_count, 0);
    v = next_typed(f, &opts);
    assert_int_equal(f->reader.record, 3);
    assert_int_equal(f->reader.offset, 7);
    const wk_value *tags = field(v, "tags");
    assert_non_null(tags);
    assert_int_equal(tags->len, 2);
    assert_int_equal(tags->as.items[0].as.i, 1);
    assert_int_equal(tags->as.items[1].as.i, 300);
    const wk_value *end;
    wk_status st;
    assert_int_equal(cli_stream_next(&f->reader, &opts, f->arena, &end, &st), 0);
    assert_int_equal(cli_stream_next(&f->reader, &opts, f->arena, &end, &st), 0);
    wk_schema_free(s);
}

/* A length prefix of more than one byte: 200 = 0xc8 0x01. */
static void protobuf_long_record_has_a_two_byte_prefix(void **state)
{
    stream_fixture *f = *state;
    wk_decode_opts opts;
    wk_schema *s = event_schema(&opts);
    uint8_t data[2 + 200 + 1];
    data[0] = 0xc8;
    data[1] = 0x01;
    data[2] = 0x0a;   /* name: 197 bytes */
    data[3] = 0xc5;
    data[4] = 0x01;
    memset(data + 5, 'x', 197);
    data[202] = 0x00; /* and an empty message after it */
    start(f, "protobuf", data, sizeof data);
    const wk_value *v = next_typed(f, &opts);
    assert_int_equal(field(v, "name")->len, 197);
    next_typed(f, &opts);
    assert_int_equal(f->reader.record, 2);
    assert_int_equal(f->reader.offset, 202);
    wk_schema_free(s);
}

/* Reads data as a Protocol Buffers stream up to its first error. */
static wk_status protobuf_error(stream_fixture *f, const void *data, size_t len, uint64_t max_record, int good)
{
    wk_decode_opts opts;
    wk_schema *s = event_schema(&opts);
    start(f, "protobuf", data, len);
    if (max_record) f->reader.max_record = max_record;
    for (int i = 0; i < good; i++) next_typed(f, &opts);
    const wk_value *v = NULL;
    wk_status st;
    assert_int_equal(cli_stream_next(&f->reader, &opts, f->arena, &v, &st), -1);
    wk_schema_free(s);
    return st;
}

static void protobuf_final_record_cut_short(void **state)
{
    stream_fixture *f = *state;
    static const uint8_t cut[] = {0x05, 0x0a, 0x01, 'a', 0x10, 0x05, 0x05, 0x0a, 0x01};
    wk_status st = protobuf_error(f, cut, sizeof cut, 0, 1);
    assert_int_equal(st.code, WK_ERR_TRUNCATED);
    assert_int_equal(st.offset, 6);
    assert_int_equal(f->reader.record, 2);
    assert_int_equal(f->reader.offset, 6);
    assert_string_equal(st.msg, "a record of 5 bytes, but only 2 bytes follow its length prefix");
}

static void protobuf_length_prefix_cut_short(void **state)
{
    stream_fixture *f = *state;
    static const uint8_t cut[] = {0x00, 0x00, 0x80, 0x80};
    wk_status st = protobuf_error(f, cut, sizeof cut, 0, 2);
    assert_int_equal(st.code, WK_ERR_TRUNCATED);
    assert_int_equal(st.offset, 2);
    assert_int_equal(f->reader.record, 3);
    assert_string_equal(st.msg, "the length prefix is cut short by the end of the input");
}

static void protobuf_length_prefix_over_ten_bytes(void **state)
{
    stream_fixture *f = *state;
    /* Nine bytes of continuation, a tenth that still goes on, an eleventh. */
    static const uint8_t overlong[] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                       0xff, 0xff, 0xff, 0x81, 0x00};
    wk_status st = protobuf_error(f, overlong, sizeof overlong, 0, 1);
    assert_int_equal(st.code, WK_ERR_SYNTAX);
    assert_int_equal(st.offset, 1);
    assert_int_equal(f->reader.record, 2);
    assert_string_equal(st.msg, "the length prefix is longer than 10 bytes");
}

static void protobuf_length_prefix_beyond_64_bits(void **state)
{
    stream_fixture *f = *state;
    /* The tenth byte may add only bit 63. */
    static const uint8_t wide[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
    wk_status st = protobuf_error(f, wide, sizeof wide, 0, 0);
    assert_int_equal(st.code, WK_ERR_RANGE);
    assert_int_equal(st.offset, 0);
    assert_int_equal(f->reader.record, 1);
    assert_string_equal(st.msg, "the length prefix does not fit in 64 bits");
}

static void protobuf_length_above_what_a_message_holds(void **state)
{
    stream_fixture *f = *state;
    /* 2^32: one more than the model's limit, even with the reader's limit raised. */
    static const uint8_t big[] = {0x00, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00};
    wk_status st = protobuf_error(f, big, sizeof big, UINT64_MAX, 1);
    assert_int_equal(st.code, WK_ERR_LIMIT);
    assert_int_equal(st.offset, 1);
    assert_int_equal(f->reader.record, 2);
    assert_string_equal(st.msg, "a record of 4294967296 bytes: more than a message can hold (4294967295 bytes)");
}

static void protobuf_length_above_the_record_limit(void **state)
{
    stream_fixture *f = *state;
    /* 64 MiB + 1 against the default limit: refused before the bytes are looked for. */
    static const uint8_t big[] = {0x81, 0x80, 0x80, 0x20};
    wk_status st = protobuf_error(f, big, sizeof big, 0, 0);
    assert_int_equal(st.code, WK_ERR_LIMIT);
    assert_int_equal(st.offset, 0);
    assert_string_equal(st.msg, "a record of 67108865 bytes: more than the limit of 67108864 bytes");
    cli_stream_reader_destroy(&f->reader);
    /* A lower limit, set by the caller. */
    st = protobuf_error(f, pb_stream, sizeof pb_stream, 4, 0);
    assert_int_equal(st.code, WK_ERR_LIMIT);
    assert_int_equal(st.offset, 0);
    assert_int_equal(f->reader.record, 1);
    assert_string_equal(st.msg, "a record of 5 bytes: more than the limit of 4 bytes");
    cli_stream_reader_destroy(&f->reader);
    /* At the limit is allowed. */
    st = protobuf_error(f, pb_stream, sizeof pb_stream - 1, 5, 2);
    assert_int_equal(st.code, WK_ERR_TRUNCATED);
    assert_int_equal(st.offset, 7);
    assert_int_equal(f->reader.record, 3);
}

/* A message that does not decode: the decoder's error, its offset made absolute. */
static void protobuf_bad_message_offset_is_from_the_stream_start(void **state)
{
    stream_fixture *f = *state;
    /* Record 2 is a tag of field 1 with wire type 7, at byte 7. */
    static const uint8_t bad[] = {0x05, 0x0a, 0x01, 'a', 0x10, 0x05, 0x02, 0x0f, 0x00};
    wk_status st = protobuf_error(f, bad, sizeof bad, 0, 1);
    assert_int_equal(st.code, WK_ERR_SYNTAX);
    assert_int_equal(st.offset, 7);
    assert_int_equal(f->reader.record, 2);
    assert_int_equal(f->reader.offset, 6);
    assert_string_equal(st.msg, "$: invalid wire type 7 (field 1)");
}

static void protobuf_stream_needs_a_type(void **state)
{
    stream_fixture *f = *state;
    start(f, "protobuf", pb_stream, sizeof pb_stream);
    const wk_value *v;
    wk_status st;
    assert_int_equal(cli_stream_next(&f->reader, NULL, f->arena, &v, &st), -1);
    assert_int_equal(st.code, WK_ERR_UNSUPPORTED);
    assert_int_equal(f->reader.record, 1);
    assert_string_equal(st.msg, "a Protocol Buffers stream cannot be read without a message type: give a schema "
                                "(-s FILE.proto -m TYPE)");
    cli_stream_reader_destroy(&f->reader);
    /* An empty stream holds no record to fail. */
    start(f, "protobuf", "", 0);
    assert_int_equal(cli_stream_next(&f->reader, NULL, f->arena, &v, &st), 0);
}

/* Each message after its length; read back, the same stream. */
static void append_writes_protobuf_length_prefixes(void **state)
{
    stream_fixture *f = *state;
    wk_decode_opts opts;
    wk_schema *s = event_schema(&opts);
    const wk_format *pb = wk_format_find("protobuf");
    wk_buf out;
    wk_buf_init(&out);
    start(f, "protobuf", pb_stream, sizeof pb_stream);
    const wk_value *v;
    wk_status st;
    /* Values from the reader's arena are kept until the end: no reset between. */
    while (cli_stream_next(&f->reader, &opts, f->arena, &v, &st) == 1)
        assert_int_equal(cli_stream_append(pb, v, NULL, &out, &st), WK_OK);
    assert_int_equal(out.len, sizeof pb_stream);
    assert_memory_equal(out.data, pb_stream, sizeof pb_stream);

    /* 197 bytes of name: a message of 200 bytes, after 0xc8 0x01. */
    char json[256];
    char name[198];
    memset(name, 'y', 197);
    name[197] = '\0';
    snprintf(json, sizeof json, "{\"name\":\"%s\"}", name);
    assert_int_equal(wk_decode(wk_format_find("json"), json, strlen(json), &opts, f->arena, &v, &st), WK_OK);
    wk_buf_clear(&out);
    assert_int_equal(cli_stream_append(pb, v, NULL, &out, &st), WK_OK);
    assert_int_equal(out.len, 202);
    static const uint8_t head[] = {0xc8, 0x01, 0x0a, 0xc5, 0x01, 'y'};
    assert_memory_equal(out.data, head, sizeof head);

    /* An untyped value cannot be written: out is as it was. */
    assert_int_equal(wk_decode(wk_format_find("json"), "[1]", 3, NULL, f->arena, &v, &st), WK_OK);
    assert_int_equal(cli_stream_append(pb, v, NULL, &out, &st), WK_ERR_TYPE);
    assert_int_equal(out.len, 202);
    wk_buf_destroy(&out);
    wk_schema_free(s);
}

static void record_sizes_parse_with_suffixes(void **state)
{
    (void)state;
    uint64_t n = 0;
    assert_true(cli_stream_parse_size("1", &n));
    assert_int_equal(n, 1);
    assert_true(cli_stream_parse_size("64M", &n));
    assert_int_equal(n, UINT64_C(64) << 20);
    assert_true(cli_stream_parse_size("3g", &n));
    assert_int_equal(n, UINT64_C(3) << 30);
    assert_true(cli_stream_parse_size("512k", &n));
    assert_int_equal(n, 512 * 1024);
    assert_true(cli_stream_parse_size("4294967295", &n));
    assert_int_equal(n, UINT32_MAX);
    n = 7;
    assert_false(cli_stream_parse_size("4294967296", &n));
    assert_false(cli_stream_parse_size("4G", &n));
    assert_false(cli_stream_parse_size("0", &n));
    assert_false(cli_stream_parse_size("", &n));
    assert_false(cli_stream_parse_size("-1", &n));
    assert_false(cli_stream_parse_size("1MB", &n));
    assert_false(cli_stream_parse_size("99999999999999999999999", &n));
    assert_false(cli_stream_parse_size(NULL, &n));
    assert_int_equal(n, 7);
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
        T(protobuf_records_follow_their_length),
        T(protobuf_long_record_has_a_two_byte_prefix),
        T(protobuf_final_record_cut_short),
        T(protobuf_length_prefix_cut_short),
        T(protobuf_length_prefix_over_ten_bytes),
        T(protobuf_length_prefix_beyond_64_bits),
        T(protobuf_length_above_what_a_message_holds),
        T(protobuf_length_above_the_record_limit),
        T(protobuf_bad_message_offset_is_from_the_stream_start),
        T(protobuf_stream_needs_a_type),
        T(append_writes_protobuf_length_prefixes),
        T(record_sizes_parse_with_suffixes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
