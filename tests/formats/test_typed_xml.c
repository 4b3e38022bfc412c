/*
 * Tests of typed XML (formats/xml.c with formats/typed_*.c), as DESIGN.md
 * maps it: the root element is the message's name, one child element per
 * field named by the proto field name, repeated fields as repeated
 * elements, maps as repeated <field><key/><value/></field>, scalars as
 * text (NaN, INF, -INF), bytes base64, enums by name, the well-known types
 * in their JSON text forms. The golden all.xml is the golden all.json
 * written as typed XML; every value round-trips XML <-> JSON <-> Protocol
 * Buffers; input is read liberally (attributes, whitespace, any order,
 * namespaces); type errors carry the path and the position.
 */
#define _POSIX_C_SOURCE 200809L   /* strdup */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "typed_fixture.h"

static const wk_format *tx_xml, *tx_pb;

static const char *const samples[] = {
    "{}",
    "{\"fDouble\": 1.5, \"fFloat\": 0.1, \"fInt64\": \"-9223372036854775808\", \"fUint64\": \"18446744073709551615\","
    " \"fInt32\": -2147483648, \"fFixed64\": \"18446744073709551615\", \"fFixed32\": 4294967295, \"fBool\": true,"
    " \"fString\": \"h\\u00e9llo\\u0000\", \"fBytes\": \"AAEC/w==\", \"fUint32\": 4294967295, \"fColor\": \"GREEN\","
    " \"fSfixed32\": -1, \"fSfixed64\": \"-2\", \"fSint32\": -3, \"fSint64\": \"-4\", \"optInt32\": 0, \"otherName\": \"r\"}",
    "{\"fDouble\": \"NaN\", \"fFloat\": \"-Infinity\", \"rFloat\": [1e-45, 3.4028235e38, -0.0, \"Infinity\"]}",
    "{\"fDouble\": -0.0, \"fFloat\": 16777217}",
    "{\"items\": [{\"name\": \"a\", \"price\": 2}, {}], \"rColor\": [\"RED\", 99], \"rInt64\": [\"1\", \"-1\"],"
    " \"rBytes\": [\"\", \"-_8\"], \"rString\": [\"x\", \"\", \" spaced \\n\"], \"rInt32\": [0, 0]}",
    "{\"mStringInt32\": {\"a\": 1, \"b\": 0, \"\": 2}, \"mInt32String\": {\"-5\": \"x\"}, \"mInt64Item\": {\"9\": {\"count\": 1}},"
    " \"mBoolColor\": {\"true\": \"RED\", \"false\": 0}, \"mUint64Double\": {\"18446744073709551615\": \"NaN\"},"
    " \"mValue\": {\"k\": [1, \"two\", null, {\"z\": true}]}}",
    "{\"oItem\": {}}",
    "{\"oString\": \"\"}",
    "{\"oInt32\": 0}",
    "{\"ts\": \"1972-01-01T10:00:20.021Z\", \"dur\": \"-1.000340012s\", \"rTs\": [\"0001-01-01T00:00:00Z\","
    " \"9999-12-31T23:59:59.999999999Z\"]}",
    "{\"wDouble\": 1, \"wFloat\": 0.5, \"wInt64\": \"5\", \"wUint64\": 6, \"wInt32\": 0, \"wUint32\": 8,"
    " \"wBool\": false, \"wString\": \"s\", \"wBytes\": \"AQ==\"}",
    "{\"wDouble\": \"-Infinity\", \"wFloat\": \"NaN\", \"wString\": \"\"}",
    "{\"st\": {\"a\": {\"b\": [1.5, false, null, \"s\"]}}, \"val\": null, \"lst\": [1, \"x\", [], {}],"
    " \"mask\": \"fooBar,baz.quxQuux\", \"empty\": {}}",
    "{\"val\": \"<&>\"}",
    "{\"any\": {\"@type\": \"type.googleapis.com/wktest.Item\", \"name\": \"x\", \"count\": 2}}",
    "{\"fString\": \"ctl\\u0001\\u001f <&> ]]> \\r\"}",
    "{\"child\": {\"child\": {\"fInt32\": 1, \"items\": [{\"count\": -7}]}}}",
};

static int tx_group_setup(void **state)
{
    tx_xml = wk_format_find("xml");
    tx_pb = wk_format_find("protobuf");
    return tf_group_setup(state);
}

/* A copy of what tf_encode wrote (its buffer is reused). */
static char *tx_encode(const wk_format *f, const wk_value *v, uint32_t flags, size_t *len)
{
    size_t n;
    const char *s = tf_encode(f, v, flags, &n);
    char *copy = malloc(n + 1);
    memcpy(copy, s, n + 1);
    if (len) *len = n;
    return copy;
}

static const wk_value *tx_xml_in(const char *text, uint32_t flags)
{
    return tf_decode(tx_xml, text, strlen(text), flags);
}

/* XML in (typed), canonical JSON out. */
static char *tx_json_of_xml(const char *text)
{
    return tx_encode(tf_json, tx_xml_in(text, 0), 0, NULL);
}

/* ---- golden ---- */

static void test_golden(void **state)
{
    (void)state;
    size_t jn, xn;
    char *json = tf_read("all.json", &jn);
    char *xml = tf_read("all.xml", &xn);
    const wk_value *v = tf_decode(tf_json, json, jn, 0);
    char *got = tx_encode(tx_xml, v, WK_ENCODE_PRETTY, NULL);
    /* The golden file ends with a new line; the encoder writes none. */
    assert_true(xn > 0 && xml[xn - 1] == '\n');
    xml[xn - 1] = '\0';
    assert_string_equal(got, xml);
    free(got);

    /* Read back: the same message, but for the unknown field, which XML keeps as text. */
    const wk_value *back = tf_decode(tx_xml, xml, xn - 1, 0);
    const wk_value *vd = tf_decode(tf_json, json, jn, WK_DECODE_UNKNOWN_DROP);
    const wk_value *bd = tf_decode(tx_xml, xml, xn - 1, WK_DECODE_UNKNOWN_DROP);
    assert_true(wk_value_equal(vd, bd));
    assert_int_equal(back->as.message->unknown_count, 1);
    assert_string_equal(back->as.message->unknown[0].key.as.str, "zzz");
    assert_string_equal(back->as.message->unknown[0].value.as.str, "1");

    /* Compact output reads back the same. */
    got = tx_encode(tx_xml, back, 0, &xn);
    assert_true(strncmp(got, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<All><f_double>1.5</f_double>", 66) == 0);
    assert_true(wk_value_equal(back, tf_decode(tx_xml, got, xn, 0)));
    free(got);
    free(json);
    free(xml);
}

/* ---- round trips ---- */

static void test_round_trips(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        for (int defaults = 0; defaults < 2; defaults++) {
            uint32_t flags = defaults ? WK_ENCODE_EMIT_DEFAULTS : 0;
            const wk_value *v = tf_decode(tf_json, samples[i], strlen(samples[i]), 0);
            size_t n;
            char *xml = tx_encode(tx_xml, v, flags, &n);
            const wk_value *back = tf_decode(tx_xml, xml, n, 0);
            if (!wk_value_equal(v, back)) fail_msg("sample %zu does not round-trip through %s", i, xml);
            /* XML -> JSON gives the canonical JSON of the sample. */
            char *json = tx_encode(tf_json, v, 0, NULL);
            char *json2 = tx_encode(tf_json, back, 0, NULL);
            assert_string_equal(json2, json);
            /* Protocol Buffers -> XML -> Protocol Buffers. */
            size_t pn;
            char *pb = tx_encode(tx_pb, v, 0, &pn);
            const wk_value *from_pb = tf_decode(tx_pb, pb, pn, 0);
            free(xml);
            xml = tx_encode(tx_xml, from_pb, flags, &n);
            const wk_value *back2 = tf_decode(tx_xml, xml, n, 0);
            if (!wk_value_equal(v, back2)) fail_msg("sample %zu does not round-trip pb -> XML: %s", i, xml);
            size_t pn2;
            char *pb2 = tx_encode(tx_pb, back2, 0, &pn2);
            assert_int_equal(pn2, pn);
            assert_memory_equal(pb2, pb, pn);
            free(pb);
            free(pb2);
            free(xml);
            free(json);
            free(json2);
        }
    }
}

/* ---- what is written ---- */

static void test_encoding_forms(void **state)
{
    (void)state;
    const char *in = "{\"fFloat\": 0.1, \"fDouble\": \"-Infinity\", \"rFloat\": [\"NaN\", \"Infinity\"],"
                     " \"fInt64\": \"-5\", \"fBytes\": \"AQI=\", \"fColor\": \"GREEN\", \"fBool\": true,"
                     " \"mBoolColor\": {\"true\": \"RED\"}}";
    char *got = tx_encode(tx_xml, tf_decode(tf_json, in, strlen(in), 0), 0, NULL);
    assert_string_equal(got, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<All><f_double>-INF</f_double>"
                             "<f_float>0.1</f_float><f_int64>-5</f_int64><f_bool>true</f_bool>"
                             "<f_bytes>AQI=</f_bytes><f_color>GREEN</f_color><r_float>NaN</r_float>"
                             "<r_float>INF</r_float><m_bool_color><key>true</key><value>RED</value>"
                             "</m_bool_color></All>");
    free(got);

    /* A string XML 1.0 cannot carry: base64, marked, the namespace declared on the root. */
    in = "{\"fString\": \"a\\u0001\", \"rString\": [\"ok\"]}";
    got = tx_encode(tx_xml, tf_decode(tf_json, in, strlen(in), 0), 0, NULL);
    assert_string_equal(got, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<All xmlns:wk=\"urn:x-wirekit:xml\">"
                             "<f_string wk:encoding=\"base64\">YQE=</f_string><r_string>ok</r_string></All>");
    free(got);

    /* Unknown fields read from XML are written back as XML. */
    got = tx_encode(tx_xml, tx_xml_in("<All><x a=\"1\"><y>2</y><y>3</y></x><f_int32>4</f_int32></All>", 0), 0, NULL);
    assert_string_equal(got, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<All><f_int32>4</f_int32>"
                             "<x><a>1</a><y>2</y><y>3</y></x></All>");
    free(got);
}

/* The root element's name can be chosen; any root name reads back. */
static void test_xml_root(void **state)
{
    (void)state;
    const char *in = "{\"fInt32\": 4}";
    const wk_value *v = tf_decode(tf_json, in, strlen(in), 0);
    wk_buf b;
    wk_buf_init(&b);
    wk_status st;
    wk_encode_opts o = {.xml_root = "order-v1"};
    assert_int_equal(wk_encode(tx_xml, v, &o, &b, &st), WK_OK);
    const char want[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<order-v1><f_int32>4</f_int32></order-v1>";
    assert_int_equal(b.len, sizeof want - 1);
    assert_memory_equal(b.data, want, sizeof want - 1);
    assert_true(wk_value_equal(v, tx_xml_in(want, 0)));
    /* Not an XML name: refused, the buffer as it was. */
    wk_buf_clear(&b);
    o.xml_root = "1st";
    assert_int_equal(wk_encode(tx_xml, v, &o, &b, &st), WK_ERR_INVALID);
    assert_string_equal(st.msg, "'1st' is not an XML element name");
    assert_int_equal(b.len, 0);
    wk_buf_destroy(&b);
}

/* ---- what is read ---- */

static void test_input_forms(void **state)
{
    (void)state;
    /* Attributes for scalar fields, whitespace around scalars, any order, a json_name, numbers for enums. */
    char *got = tx_json_of_xml("<?xml version=\"1.0\"?>\n<Whatever f_int32=\" 7 \" f_color=\"2\">\n"
                               "  <r_int32> 2 </r_int32>\n  <f_bool>\n true\n </f_bool>\n"
                               "  <r_int32>1</r_int32>\n  <otherName>n</otherName>\n"
                               "  <f_double>INF</f_double><f_float>-INF</f_float>\n"
                               "  <r_color>1</r_color><r_color> GREEN </r_color>\n"
                               "  <m_int32_string value=\"v\"><key> 3 </key></m_int32_string>\n"
                               "  <f_item count=\"2\"><name> x </name></f_item>\n</Whatever>");
    assert_string_equal(got, "{\"fDouble\":\"Infinity\",\"fFloat\":\"-Infinity\",\"fInt32\":7,\"fBool\":true,"
                             "\"fItem\":{\"name\":\" x \",\"count\":2},\"fColor\":\"GREEN\",\"otherName\":\"n\","
                             "\"rInt32\":[2,1],\"rColor\":[\"RED\",\"GREEN\"],\"mInt32String\":{\"3\":\"v\"}}");
    free(got);

    /* Namespaces are ignored, and so are attributes in namespaces. */
    got = tx_json_of_xml("<a:All xmlns:a=\"urn:a\" xmlns:b=\"urn:b\" b:note=\"x\"><a:f_int32>1</a:f_int32>"
                         "<f_string xmlns=\"urn:c\">s</f_string></a:All>");
    assert_string_equal(got, "{\"fInt32\":1,\"fString\":\"s\"}");
    free(got);

    /* base64 strings, marked either way; CDATA; entities. */
    got = tx_json_of_xml("<All xmlns:wk=\"urn:x-wirekit:xml\"><f_string wk:encoding=\"base64\">YQE=</f_string>"
                         "<r_string encoding=\"base64\">eA==</r_string><r_string><![CDATA[<&>]]>&amp;&#65;</r_string></All>");
    assert_string_equal(got, "{\"fString\":\"a\\u0001\",\"rString\":[\"x\",\"<&>&A\"]}");
    free(got);

    /* Struct, Value, ListValue as JSON text; an empty message element. */
    got = tx_json_of_xml("<All><st> {\"a\": [1, null]} </st><val>\"s\"</val><lst>[]</lst><empty/><o_item/></All>");
    assert_string_equal(got, "{\"oItem\":{},\"st\":{\"a\":[1.0,null]},\"val\":\"s\",\"lst\":[],\"empty\":{}}");
    free(got);
}

/* ---- errors ---- */

static void check_error(const char *xml, uint32_t flags, wk_code code, const char *msg_start, uint32_t line,
                        uint32_t col)
{
    wk_status st = tf_decode_fail(tx_xml, xml, strlen(xml), flags);
    if (st.code != code || strncmp(st.msg, msg_start, strlen(msg_start)) != 0 || st.line != line ||
        st.col != col)
        fail_msg("%s: got %s %u:%u %s; want %s %u:%u %s...", xml, wk_code_name(st.code), st.line, st.col, st.msg,
                 wk_code_name(code), line, col, msg_start);
}

static void test_type_errors(void **state)
{
    (void)state;
    check_error("<All>\n  <f_int32>abc</f_int32>\n</All>", 0, WK_ERR_TYPE, "$.f_int32:", 2, 3);
    check_error("<All>\n  <items><count>1</count></items>\n  <items>\n    <count>x</count></items>\n</All>", 0,
                WK_ERR_TYPE, "$.items[1].count:", 4, 5);
    check_error("<All><f_bool>yes</f_bool></All>", 0, WK_ERR_TYPE, "$.f_bool:", 1, 6);
    check_error("<All><f_int32>2147483648</f_int32></All>", 0, WK_ERR_RANGE, "$.f_int32:", 1, 6);
    check_error("<All><f_color>BLUE</f_color></All>", 0, WK_ERR_TYPE, "$.f_color:", 1, 6);
    check_error("<All><f_bytes>@@</f_bytes></All>", 0, WK_ERR_TYPE, "$.f_bytes:", 1, 6);
    check_error("<All><ts>yesterday</ts></All>", 0, WK_ERR_TYPE, "$.ts:", 1, 6);
    check_error("<All>\n<m_int64_item><key>1</key><value><count>z</count></value></m_int64_item></All>", 0,
                WK_ERR_TYPE, "$.m_int64_item.1.count:", 2, 1);
    check_error("<All><f_int32>1</f_int32><f_int32>2</f_int32></All>", 0, WK_ERR_TYPE, "$.f_int32: field f_int32 is given twice", 1, 26);
    check_error("<All><o_string>a</o_string><o_int32>1</o_int32></All>", 0, WK_ERR_TYPE,
                "$.o_int32: o_string and o_int32 are both set", 1, 28);
    check_error("<All f_item=\"1\"/>", 0, WK_ERR_TYPE, "attribute 'f_item'", 1, 1);
    check_error("<All><st>{nope</st></All>", 0, WK_ERR_TYPE, "element 'st': expected JSON text", 1, 6);
    check_error("<All>\n<m_string_int32><value>1</value></m_string_int32></All>", 0, WK_ERR_TYPE,
                "'m_string_int32': map entry without a <key>", 2, 1);
    check_error("<All xmlns:a=\"urn:a\"><r_int32>1</r_int32><a:r_int32>2</a:r_int32></All>", 0, WK_ERR_TYPE,
                "elements 'r_int32' in two namespaces", 1, 42);
    check_error("<All><f_string encoding=\"hex\">00</f_string></All>", 0, WK_ERR_TYPE, "encoding must be", 1, 6);
    /* Syntax errors are libxml2's, with its position. */
    wk_status st = tf_decode_fail(tx_xml, "<All><f_int32>1</All>", 21, 0);
    assert_int_equal(st.code, WK_ERR_SYNTAX);
    /* Depth. */
    wk_decode_opts o = {0};
    o.type = tf_all;
    o.max_depth = 2;
    const wk_value *v;
    const char *deep = "<All><child><child><f_int32>1</f_int32></child></child></All>";
    assert_int_equal(wk_decode(tx_xml, deep, strlen(deep), &o, tf_arena, &v, &st), WK_ERR_DEPTH);
}

/* ---- unknown elements ---- */

static void test_unknown_fields(void **state)
{
    (void)state;
    const char *in = "<All>\n<f_int32>1</f_int32>\n<extra> t </extra>\n<tree k=\"v\"><leaf>1</leaf></tree></All>";
    const wk_value *v = tx_xml_in(in, 0);
    const wk_message *m = v->as.message;
    assert_int_equal(m->unknown_count, 2);
    assert_string_equal(m->unknown[0].key.as.str, "extra");
    assert_string_equal(m->unknown[0].value.as.str, " t ");
    assert_string_equal(m->unknown[1].key.as.str, "tree");
    assert_int_equal(m->unknown[1].value.kind, WK_MAP);
    char *json = tx_encode(tf_json, v, 0, NULL);
    assert_string_equal(json, "{\"fInt32\":1,\"extra\":\" t \",\"tree\":{\"k\":\"v\",\"leaf\":\"1\"}}");
    free(json);

    v = tx_xml_in(in, WK_DECODE_UNKNOWN_DROP);
    assert_int_equal(v->as.message->unknown_count, 0);

    check_error(in, WK_DECODE_UNKNOWN_ERROR, WK_ERR_TYPE, "$.extra", 3, 1);

    /* Unknown fields read from Protocol Buffers (field 99 = 1) have no XML name: left out. */
    v = tf_decode(tx_pb, "\x98\x06\x01", 3, 0);
    assert_int_equal(v->as.message->unknown_count, 1);
    json = tx_encode(tx_xml, v, 0, NULL);
    assert_string_equal(json, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<All/>");
    free(json);

    /* An unknown member whose name XML cannot carry fails to write, naming it. */
    const char *bad = "{\"a b\": 1}";
    wk_buf out;
    wk_buf_init(&out);
    wk_status st;
    assert_int_equal(wk_encode(tx_xml, tf_decode(tf_json, bad, strlen(bad), 0), NULL, &out, &st),
                     WK_ERR_UNREPRESENTABLE);
    assert_int_equal(out.len, 0);
    wk_buf_destroy(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, tf_setup, tf_teardown)
        T(test_xml_root),
        T(test_golden),
        T(test_round_trips),
        T(test_encoding_forms),
        T(test_input_forms),
        T(test_type_errors),
        T(test_unknown_fields),
#undef T
    };
    return cmocka_run_group_tests(tests, tx_group_setup, tf_group_teardown);
}
