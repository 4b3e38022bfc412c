/*
 * Tests for formats/registry.c: the list of built-in formats, finding one by
 * name, alias, media type, extension, path or content, and the argument
 * checks and dispatch of wk_decode, wk_encode and wk_parse_only.
 *
 * The dispatch tests use a fake format defined here, so that they check the
 * registry's own promises (status cleared, output restored on failure, ...)
 * whatever the real backends do.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/internal.h"

static const wk_format *json_format(void) { return wk_formats()[0]; }
static const wk_format *msgpack_format(void) { return wk_formats()[1]; }

static size_t list_count(const char *const *list)
{
    size_t n = 0;
    if (list)
        while (list[n]) n++;
    return n;
}

/* The NULL-terminated list holds exactly the expected strings, in any order. */
static void assert_list_is(const char *const *list, const char *const *expected, size_t n)
{
    assert_int_equal(list_count(list), n);
    for (size_t i = 0; i < n; i++) {
        bool found = false;
        for (size_t j = 0; list[j]; j++)
            if (strcmp(list[j], expected[i]) == 0) found = true;
        if (!found) print_error("missing \"%s\"\n", expected[i]);
        assert_true(found);
    }
}

/* ======================= the list ======================= */

static void test_formats_order(void **state)
{
    (void)state;
    const wk_format *const *all = wk_formats();
    assert_non_null(all);
    assert_non_null(all[0]);
    assert_string_equal(all[0]->name, "json");
    assert_non_null(all[1]);
    assert_string_equal(all[1]->name, "msgpack");
    /* Then the backends added since (protobuf, xml), each once. */
    size_t n = 2, xml = 0;
    for (; all[n]; n++) {
        assert_true(n < 8);
        for (size_t k = 0; k < n; k++) assert_string_not_equal(all[k]->name, all[n]->name);
        if (strcmp(all[n]->name, "xml") == 0) xml++;
    }
    assert_int_equal(xml, 1);
    /* The same constant list every time. */
    assert_ptr_equal(wk_formats(), all);
}

static void test_json_table(void **state)
{
    (void)state;
    const wk_format *f = json_format();
    assert_string_equal(f->name, "json");
    assert_int_equal(list_count(f->aliases), 0);
    static const char *const media[] = {"application/json", "text/json"};
    assert_list_is(f->media_types, media, 2);
    static const char *const ext[] = {"json"};
    assert_list_is(f->extensions, ext, 1);
    assert_true(f->is_text);
}

static void test_msgpack_table(void **state)
{
    (void)state;
    const wk_format *f = msgpack_format();
    assert_string_equal(f->name, "msgpack");
    static const char *const aliases[] = {"mp", "messagepack"};
    assert_list_is(f->aliases, aliases, 2);
    static const char *const media[] = {"application/msgpack", "application/x-msgpack",
                                        "application/vnd.msgpack"};
    assert_list_is(f->media_types, media, 3);
    static const char *const ext[] = {"msgpack", "mp", "mpk"};
    assert_list_is(f->extensions, ext, 3);
    assert_false(f->is_text);
}

static void test_formats_have_codecs(void **state)
{
    (void)state;
    for (const wk_format *const *f = wk_formats(); *f; f++) {
        assert_non_null((*f)->sniff);
        assert_non_null((*f)->decode);
        assert_non_null((*f)->encode);
        assert_non_null((*f)->parse_only);
    }
}

/*
 * Every name a table gives leads back to that table: the name, each alias,
 * each media type (also with a parameter), each extension with a dot, and a
 * path ending in each extension. Media types are lower case and extensions
 * carry no dot, as format.h requires.
 */
static void test_every_table_name_finds_its_format(void **state)
{
    (void)state;
    for (const wk_format *const *fp = wk_formats(); *fp; fp++) {
        const wk_format *f = *fp;
        assert_non_null(f->name);
        assert_ptr_equal(wk_format_find(f->name), f);
        for (size_t i = 0; f->aliases && f->aliases[i]; i++)
            assert_ptr_equal(wk_format_find(f->aliases[i]), f);
        assert_non_null(f->media_types);
        for (size_t i = 0; f->media_types[i]; i++) {
            const char *mt = f->media_types[i];
            for (const char *c = mt; *c; c++) assert_false(*c >= 'A' && *c <= 'Z');
            assert_ptr_equal(wk_format_find(mt), f);
            char with_param[128];
            snprintf(with_param, sizeof with_param, "%s; charset=utf-8", mt);
            assert_ptr_equal(wk_format_find(with_param), f);
        }
        assert_non_null(f->extensions);
        for (size_t i = 0; f->extensions[i]; i++) {
            const char *ext = f->extensions[i];
            assert_null(strchr(ext, '.'));
            char buf[128];
            snprintf(buf, sizeof buf, ".%s", ext);
            assert_ptr_equal(wk_format_find(buf), f);
            snprintf(buf, sizeof buf, "dir/file.%s", ext);
            assert_ptr_equal(wk_format_for_path(buf), f);
        }
    }
}

/* ======================= wk_format_find ======================= */

static void test_find_by_name(void **state)
{
    (void)state;
    assert_ptr_equal(wk_format_find("json"), json_format());
    assert_ptr_equal(wk_format_find("JSON"), json_format());
    assert_ptr_equal(wk_format_find("Json"), json_format());
    assert_ptr_equal(wk_format_find("msgpack"), msgpack_format());
    assert_ptr_equal(wk_format_find("MsgPack"), msgpack_format());
    assert_ptr_equal(wk_format_find("MSGPACK"), msgpack_format());
}

static void test_find_by_alias(void **state)
{
    (void)state;
    assert_ptr_equal(wk_format_find("mp"), msgpack_format());
    assert_ptr_equal(wk_format_find("MP"), msgpack_format());
    assert_ptr_equal(wk_format_find("messagepack"), msgpack_format());
    assert_ptr_equal(wk_format_find("MessagePack"), msgpack_format());
}

static void test_find_by_media_type(void **state)
{
    (void)state;
    static const struct { const char *name; int format; } cases[] = {
        {"application/json", 0},
        {"APPLICATION/JSON", 0},
        {"Application/Json", 0},
        {"text/json", 0},
        {"application/json; charset=utf-8", 0},
        {"application/json;charset=utf-8", 0},
        {"application/json ; charset=utf-8", 0},
        {"application/json\t; charset=utf-8", 0},
        {"application/json;", 0},
        {"application/msgpack", 1},
        {"application/x-msgpack", 1},
        {"application/vnd.msgpack", 1},
        {"application/x-msgpack; q=0.9", 1},
        /* Vendor trees name the format by their structured syntax suffix. */
        {"application/vnd.acme.order+json; version=1.2.0", 0},
        {"application/vnd.acme.order+json", 0},
        {"application/problem+json", 0},
        {"application/vnd.acme.order+JSON;version=2", 0},
        {"application/vnd.acme.order+msgpack", 1},
        {"application/vnd.acme.order+msgpack; version=1.2.0", 1},
        {"application/vnd.acme.order+mp", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const wk_format *want = wk_formats()[cases[i].format];
        const wk_format *got = wk_format_find(cases[i].name);
        if (got != want)
            print_error("\"%s\": got %s, want %s\n", cases[i].name, got ? got->name : "NULL", want->name);
        assert_ptr_equal(got, want);
    }
}

static void test_find_by_extension(void **state)
{
    (void)state;
    assert_ptr_equal(wk_format_find(".json"), json_format());
    assert_ptr_equal(wk_format_find(".JSON"), json_format());
    assert_ptr_equal(wk_format_find(".msgpack"), msgpack_format());
    assert_ptr_equal(wk_format_find(".mp"), msgpack_format());
    assert_ptr_equal(wk_format_find(".mpk"), msgpack_format());
    assert_ptr_equal(wk_format_find(".MPK"), msgpack_format());
}

static void test_find_unknown(void **state)
{
    (void)state;
    static const char *const unknown[] = {
        "yaml", "jso", "jsonx", "json ", " json", "msgpackx", "m", "mpkk",
        ".yaml", ".js", ".jsonl", ".", "..json", ".json.", "text/plain", "application/yaml",
        "application/jsonx", "application/json-seq", "application/x-json5", "json/application",
        "application/vnd.acme.order+yaml", "application/vnd.acme+", "application/", "/", "+json",
        "json; charset=utf-8", "foo; a=b/c",
    };
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        const wk_format *got = wk_format_find(unknown[i]);
        if (got) print_error("\"%s\" found %s\n", unknown[i], got->name);
        assert_null(got);
    }
    assert_null(wk_format_find(NULL));
    assert_null(wk_format_find(""));
}

/* ======================= wk_format_for_path ======================= */

static void test_for_path(void **state)
{
    (void)state;
    assert_ptr_equal(wk_format_for_path("a/b/orders.json"), json_format());
    assert_ptr_equal(wk_format_for_path("orders.json"), json_format());
    assert_ptr_equal(wk_format_for_path("/abs/path/orders.JSON"), json_format());
    assert_ptr_equal(wk_format_for_path("x.MSGPACK"), msgpack_format());
    assert_ptr_equal(wk_format_for_path("x.msgpack"), msgpack_format());
    assert_ptr_equal(wk_format_for_path("data.mp"), msgpack_format());
    assert_ptr_equal(wk_format_for_path("data.mpk"), msgpack_format());
    assert_ptr_equal(wk_format_for_path("archive.tar.json"), json_format());
    assert_ptr_equal(wk_format_for_path("dir.msgpack/x.json"), json_format());

    assert_null(wk_format_for_path("noext"));
    assert_null(wk_format_for_path(".hidden"));
    assert_null(wk_format_for_path("a/b/.json"));          /* a hidden file, not an extension */
    assert_null(wk_format_for_path("dir.json/file"));
    assert_null(wk_format_for_path("orders.json.gz"));
    assert_null(wk_format_for_path("file."));
    assert_null(wk_format_for_path("orders.yaml"));
    assert_null(wk_format_for_path("dir/"));
    assert_null(wk_format_for_path(""));
    assert_null(wk_format_for_path(NULL));
    /* A path is not a name or a media type. */
    assert_null(wk_format_for_path("json"));
    assert_null(wk_format_for_path("application/json"));
}

/* ======================= sniffing ======================= */

static const wk_format *sniff_str(const char *s)
{
    return wk_format_sniff((const uint8_t *)s, strlen(s));
}

static const wk_format *sniff_bytes(const uint8_t *data, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);   /* exactly len bytes, for ASan */
    assert_non_null(copy);
    if (len) memcpy(copy, data, len);
    const wk_format *f = wk_format_sniff(copy, len);
    free(copy);
    return f;
}

static void test_sniff_json(void **state)
{
    (void)state;
    assert_ptr_equal(sniff_str("{}"), json_format());
    assert_ptr_equal(sniff_str("{\"a\":1}"), json_format());
    assert_ptr_equal(sniff_str("[1,2]"), json_format());
    assert_ptr_equal(sniff_str("[]"), json_format());
    assert_ptr_equal(sniff_str("  \n\t{\"a\": [true, null]}\n"), json_format());
    assert_ptr_equal(sniff_str("\r\n[ 1 ]"), json_format());
}

static void test_sniff_msgpack(void **state)
{
    (void)state;
    static const uint8_t fixmap[] = {0x81, 0xA1, 'a', 0x01};                 /* {"a": 1} */
    static const uint8_t fixarray[] = {0x92, 0x01, 0x02};                    /* [1, 2] */
    static const uint8_t map16[] = {0xDE, 0x00, 0x01, 0xA1, 'k', 0xC3};      /* {"k": true} */
    static const uint8_t array16[] = {0xDC, 0x00, 0x02, 0xC0, 0xCB, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0};
    static const uint8_t nested[] = {0x82, 0xA2, 'i', 'd', 0x07, 0xA4, 't', 'a', 'g', 's',
                                     0x92, 0xA1, 'x', 0xA1, 'y'};           /* {"id":7,"tags":["x","y"]} */
    assert_ptr_equal(sniff_bytes(fixmap, sizeof fixmap), msgpack_format());
    assert_ptr_equal(sniff_bytes(fixarray, sizeof fixarray), msgpack_format());
    assert_ptr_equal(sniff_bytes(map16, sizeof map16), msgpack_format());
    assert_ptr_equal(sniff_bytes(array16, sizeof array16), msgpack_format());
    assert_ptr_equal(sniff_bytes(nested, sizeof nested), msgpack_format());
}

static void test_sniff_nothing(void **state)
{
    (void)state;
    assert_null(wk_format_sniff(NULL, 0));
    assert_null(sniff_bytes((const uint8_t *)"", 0));
    static const uint8_t never_used[] = {0xC1, 0xC1, 0xC1, 0xC1};            /* 0xC1 is never MessagePack */
    assert_null(sniff_bytes(never_used, sizeof never_used));
    assert_null(sniff_str("hello world"));
    assert_null(sniff_str("   "));
    /* XML is sniffed by its own backend (tests/formats/test_xml.c). */
    assert_string_equal(wk_format_sniff((const uint8_t *)"<?xml version=\"1.0\"?><a/>", 25)->name, "xml");
}

/* ======================= argument errors ======================= */

static void dirty_status(wk_status *st)
{
    memset(st, 0x7E, sizeof *st);
    st->msg[sizeof st->msg - 1] = '\0';
}

static void assert_invalid_status(const wk_status *st, const char *msg)
{
    assert_int_equal(st->code, WK_ERR_INVALID);
    assert_int_equal(st->offset, 0);
    assert_int_equal(st->line, 0);
    assert_int_equal(st->col, 0);
    assert_string_equal(st->msg, msg);
}

static const char decode_invalid_msg[] = "wk_decode: format, arena and output are required";
static const char encode_invalid_msg[] = "wk_encode: format, value and buffer are required";
static const char parse_invalid_msg[] = "wk_parse_only: format is required";

static void test_decode_argument_errors(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    static const wk_value untouched = {.kind = WK_NULL, .as.i = 0};
    const wk_value *const sentinel = &untouched;
    const wk_value *out = sentinel;
    wk_status st;

    dirty_status(&st);
    assert_int_equal(wk_decode(NULL, "[]", 2, NULL, a, &out, &st), WK_ERR_INVALID);
    assert_invalid_status(&st, decode_invalid_msg);
    assert_ptr_equal(out, sentinel);

    dirty_status(&st);
    assert_int_equal(wk_decode(json_format(), "[]", 2, NULL, NULL, &out, &st), WK_ERR_INVALID);
    assert_invalid_status(&st, decode_invalid_msg);
    assert_ptr_equal(out, sentinel);

    dirty_status(&st);
    assert_int_equal(wk_decode(json_format(), "[]", 2, NULL, a, NULL, &st), WK_ERR_INVALID);
    assert_invalid_status(&st, decode_invalid_msg);

    /* NULL data is only allowed with length 0. */
    dirty_status(&st);
    assert_int_equal(wk_decode(json_format(), NULL, 5, NULL, a, &out, &st), WK_ERR_INVALID);
    assert_invalid_status(&st, decode_invalid_msg);
    assert_ptr_equal(out, sentinel);

    /* No status is fine too. */
    assert_int_equal(wk_decode(NULL, "[]", 2, NULL, a, &out, NULL), WK_ERR_INVALID);
    assert_ptr_equal(out, sentinel);
    assert_int_equal(wk_arena_used(a), 0);
    wk_arena_free(a);
}

static void test_encode_argument_errors(void **state)
{
    (void)state;
    wk_buf out;
    wk_buf_init(&out);
    assert_int_equal(wk_buf_append(&out, "kept", 4), WK_OK);
    wk_value v = wk_value_int(1);
    wk_status st;

    dirty_status(&st);
    assert_int_equal(wk_encode(NULL, &v, NULL, &out, &st), WK_ERR_INVALID);
    assert_invalid_status(&st, encode_invalid_msg);
    dirty_status(&st);
    assert_int_equal(wk_encode(json_format(), NULL, NULL, &out, &st), WK_ERR_INVALID);
    assert_invalid_status(&st, encode_invalid_msg);
    dirty_status(&st);
    assert_int_equal(wk_encode(json_format(), &v, NULL, NULL, &st), WK_ERR_INVALID);
    assert_invalid_status(&st, encode_invalid_msg);
    assert_int_equal(wk_encode(NULL, &v, NULL, &out, NULL), WK_ERR_INVALID);

    assert_int_equal(out.len, 4);
    assert_memory_equal(out.data, "kept", 4);
    wk_buf_destroy(&out);
}

static void test_parse_only_argument_errors(void **state)
{
    (void)state;
    wk_status st;
    dirty_status(&st);
    assert_int_equal(wk_parse_only(NULL, "[]", 2, NULL, &st), WK_ERR_INVALID);
    assert_invalid_status(&st, parse_invalid_msg);
    dirty_status(&st);
    assert_int_equal(wk_parse_only(json_format(), NULL, 3, NULL, &st), WK_ERR_INVALID);
    assert_invalid_status(&st, parse_invalid_msg);
    assert_int_equal(wk_parse_only(NULL, NULL, 0, NULL, NULL), WK_ERR_INVALID);
}

/* ======================= dispatch, through a fake format ======================= */

static struct {
    int decode_calls, encode_calls, parse_calls;
    const uint8_t *data;
    size_t len;
    const void *opts;
    wk_arena *arena;
    wk_code status_code_seen;     /* st->code when the backend was entered */
    char status_msg_seen[8];
    wk_code result;               /* what the fake returns */
} fake;

static const wk_value fake_value = {.kind = WK_BOOL, .as.b = true};

static wk_code fake_decode(const uint8_t *data, size_t len, const wk_decode_opts *opts, wk_arena *a,
                           const wk_value **out, wk_status *st)
{
    fake.decode_calls++;
    fake.data = data;
    fake.len = len;
    fake.opts = opts;
    fake.arena = a;
    if (st) {
        fake.status_code_seen = st->code;
        memcpy(fake.status_msg_seen, st->msg, sizeof fake.status_msg_seen);
    }
    if (fake.result != WK_OK) return wk__fail(st, fake.result, 3, "fake failure");
    *out = &fake_value;
    return WK_OK;
}

static wk_code fake_encode(const wk_value *v, const wk_encode_opts *opts, wk_buf *out, wk_status *st)
{
    (void)v;
    fake.encode_calls++;
    fake.opts = opts;
    if (st) fake.status_code_seen = st->code;
    /* Writes something before it fails, as a real encoder part way through would. */
    if (wk_buf_append(out, "PARTIAL", 7) != WK_OK) return WK_ERR_NOMEM;
    if (fake.result != WK_OK) return wk__fail(st, fake.result, 0, "$[2]: cannot");
    return WK_OK;
}

static wk_code fake_parse_only(const uint8_t *data, size_t len, const wk_decode_opts *opts, wk_status *st)
{
    fake.parse_calls++;
    fake.data = data;
    fake.len = len;
    fake.opts = opts;
    if (st) fake.status_code_seen = st->code;
    return fake.result;
}

static const wk_format fake_format = {
    .name = "fake",
    .media_types = (const char *const[]){"application/x-fake", NULL},
    .extensions = (const char *const[]){"fake", NULL},
    .decode = fake_decode,
    .encode = fake_encode,
    .parse_only = fake_parse_only,
};

static const wk_format fake_without_parse_only = {
    .name = "fake2",
    .decode = fake_decode,
    .encode = fake_encode,
};

static int fake_reset(void **state)
{
    (void)state;
    memset(&fake, 0, sizeof fake);
    return 0;
}

static void test_decode_dispatch(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    wk_decode_opts opts = {.flags = 0, .max_depth = 7};
    const wk_value *out = NULL;
    wk_status st;
    dirty_status(&st);
    static const char text[] = "abc";
    assert_int_equal(wk_decode(&fake_format, text, 3, &opts, a, &out, &st), WK_OK);
    assert_int_equal(fake.decode_calls, 1);
    assert_ptr_equal(fake.data, text);
    assert_int_equal(fake.len, 3);
    assert_ptr_equal(fake.opts, &opts);
    assert_ptr_equal(fake.arena, a);
    assert_ptr_equal(out, &fake_value);
    /* The status is cleared before the backend runs. */
    assert_int_equal(fake.status_code_seen, WK_OK);
    assert_int_equal(fake.status_msg_seen[0], '\0');
    assert_int_equal(st.code, WK_OK);
    assert_int_equal(st.offset, 0);
    assert_int_equal(st.line, 0);
    assert_int_equal(st.col, 0);
    assert_string_equal(st.msg, "");
    wk_arena_free(a);
}

/* NULL data with length 0 reaches the backend as a valid empty buffer. */
static void test_decode_null_empty_input(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    const wk_value *out = NULL;
    assert_int_equal(wk_decode(&fake_format, NULL, 0, NULL, a, &out, NULL), WK_OK);
    assert_int_equal(fake.decode_calls, 1);
    assert_non_null(fake.data);
    assert_int_equal(fake.len, 0);
    assert_null(fake.opts);
    wk_arena_free(a);
}

static void test_decode_failure_passes_through(void **state)
{
    (void)state;
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    const wk_value *out = NULL;
    wk_status st;
    dirty_status(&st);
    fake.result = WK_ERR_SYNTAX;
    assert_int_equal(wk_decode(&fake_format, "x", 1, NULL, a, &out, &st), WK_ERR_SYNTAX);
    assert_null(out);
    assert_int_equal(st.code, WK_ERR_SYNTAX);
    assert_int_equal(st.offset, 3);
    assert_string_equal(st.msg, "fake failure");
    wk_arena_free(a);
}

static void test_encode_dispatch_appends(void **state)
{
    (void)state;
    wk_buf out;
    wk_buf_init(&out);
    assert_int_equal(wk_buf_append(&out, "head:", 5), WK_OK);
    wk_encode_opts opts = {.flags = WK_ENCODE_PRETTY, .max_depth = 0};
    wk_status st;
    dirty_status(&st);
    wk_value v = wk_value_int(1);
    assert_int_equal(wk_encode(&fake_format, &v, &opts, &out, &st), WK_OK);
    assert_int_equal(fake.encode_calls, 1);
    assert_ptr_equal(fake.opts, &opts);
    assert_int_equal(fake.status_code_seen, WK_OK);
    assert_int_equal(st.code, WK_OK);
    assert_string_equal(st.msg, "");
    assert_int_equal(out.len, 12);
    assert_memory_equal(out.data, "head:PARTIAL", 12);
    wk_buf_destroy(&out);
}

/* A failed encode leaves the buffer at the length it had. */
static void test_encode_failure_restores_length(void **state)
{
    (void)state;
    wk_buf out;
    wk_buf_init(&out);
    assert_int_equal(wk_buf_append(&out, "head:", 5), WK_OK);
    wk_status st;
    dirty_status(&st);
    wk_value v = wk_value_int(1);
    fake.result = WK_ERR_UNREPRESENTABLE;
    assert_int_equal(wk_encode(&fake_format, &v, NULL, &out, &st), WK_ERR_UNREPRESENTABLE);
    assert_int_equal(fake.encode_calls, 1);
    assert_int_equal(out.len, 5);
    assert_memory_equal(out.data, "head:", 5);
    assert_int_equal(st.code, WK_ERR_UNREPRESENTABLE);
    assert_string_equal(st.msg, "$[2]: cannot");
    /* Also with no status. */
    assert_int_equal(wk_encode(&fake_format, &v, NULL, &out, NULL), WK_ERR_UNREPRESENTABLE);
    assert_int_equal(out.len, 5);
    wk_buf_destroy(&out);
}

static void test_parse_only_dispatch(void **state)
{
    (void)state;
    wk_decode_opts opts = {.flags = 0, .max_depth = 3};
    wk_status st;
    dirty_status(&st);
    static const char text[] = "xyz";
    assert_int_equal(wk_parse_only(&fake_format, text, 3, &opts, &st), WK_OK);
    assert_int_equal(fake.parse_calls, 1);
    assert_ptr_equal(fake.data, text);
    assert_int_equal(fake.len, 3);
    assert_ptr_equal(fake.opts, &opts);
    assert_int_equal(fake.status_code_seen, WK_OK);
    assert_int_equal(st.code, WK_OK);

    /* NULL data with length 0 reaches it as a valid empty buffer. */
    assert_int_equal(wk_parse_only(&fake_format, NULL, 0, NULL, NULL), WK_OK);
    assert_int_equal(fake.parse_calls, 2);
    assert_non_null(fake.data);
    assert_int_equal(fake.len, 0);

    fake.result = WK_ERR_TRUNCATED;
    assert_int_equal(wk_parse_only(&fake_format, text, 3, NULL, NULL), WK_ERR_TRUNCATED);
}

static void test_parse_only_unsupported(void **state)
{
    (void)state;
    wk_status st;
    dirty_status(&st);
    assert_int_equal(wk_parse_only(&fake_without_parse_only, "x", 1, NULL, &st), WK_ERR_UNSUPPORTED);
    assert_int_equal(st.code, WK_ERR_UNSUPPORTED);
    assert_int_equal(st.offset, 0);
    assert_int_equal(st.line, 0);
    assert_int_equal(st.col, 0);
    assert_string_equal(st.msg, "fake2 has no parse-only mode");
    assert_int_equal(fake.parse_calls, 0);
    assert_int_equal(wk_parse_only(&fake_without_parse_only, "x", 1, NULL, NULL), WK_ERR_UNSUPPORTED);
}

/* A format outside the registry is not found by any of its names. */
static void test_fake_format_not_registered(void **state)
{
    (void)state;
    assert_null(wk_format_find("fake"));
    assert_null(wk_format_find("application/x-fake"));
    assert_null(wk_format_find(".fake"));
    assert_null(wk_format_for_path("a.fake"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formats_order),
        cmocka_unit_test(test_json_table),
        cmocka_unit_test(test_msgpack_table),
        cmocka_unit_test(test_formats_have_codecs),
        cmocka_unit_test(test_every_table_name_finds_its_format),
        cmocka_unit_test(test_find_by_name),
        cmocka_unit_test(test_find_by_alias),
        cmocka_unit_test(test_find_by_media_type),
        cmocka_unit_test(test_find_by_extension),
        cmocka_unit_test(test_find_unknown),
        cmocka_unit_test(test_for_path),
        cmocka_unit_test(test_sniff_json),
        cmocka_unit_test(test_sniff_msgpack),
        cmocka_unit_test(test_sniff_nothing),
        cmocka_unit_test(test_decode_argument_errors),
        cmocka_unit_test(test_encode_argument_errors),
        cmocka_unit_test(test_parse_only_argument_errors),
        cmocka_unit_test_setup(test_decode_dispatch, fake_reset),
        cmocka_unit_test_setup(test_decode_null_empty_input, fake_reset),
        cmocka_unit_test_setup(test_decode_failure_passes_through, fake_reset),
        cmocka_unit_test_setup(test_encode_dispatch_appends, fake_reset),
        cmocka_unit_test_setup(test_encode_failure_restores_length, fake_reset),
        cmocka_unit_test_setup(test_parse_only_dispatch, fake_reset),
        cmocka_unit_test_setup(test_parse_only_unsupported, fake_reset),
        cmocka_unit_test(test_fake_format_not_registered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
