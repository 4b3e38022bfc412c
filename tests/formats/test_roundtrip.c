/*
 * Round trips between JSON and MessagePack through the value model.
 *
 * JSON -> MessagePack -> JSON for every .json file of the sample corpus
 * (corpus/) and of the shared real-world corpus (../shared/corpus-ext/json):
 * the value survives exactly and the JSON written at the end is byte for
 * byte the compact JSON of the original. MessagePack -> JSON -> MessagePack
 * for every .msgpack file of corpus/: values without bin, ext or non-string
 * keys come back byte-identical; bin and ext come back as the base64
 * strings and {"$ext": ...} objects JSON carries them as. Plus hand-written
 * values against MessagePack bytes known from the specification.
 *
 * Every field of a wk_value is read through the V_* macros below, so that a
 * change of the node layout touches only those lines.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/internal.h"
#include "support/files.h"

/* ---- the only lines that know the layout of struct wk_value ---- */

#define V_KIND(v) ((v)->kind)
#define V_EXT_TYPE(v) ((v)->ext_type)
#define V_BOOL(v) ((v)->as.b)
#define V_INT(v) ((v)->as.i)
#define V_UINT(v) ((v)->as.u)
#define V_DOUBLE(v) ((v)->as.d)
#define V_STR(v) ((v)->as.str)      /* STRING, BYTES, EXT */
#define V_LEN(v) ((v)->len)      /* byte length of STRING, BYTES, EXT */
#define V_COUNT(v) ((v)->len)       /* children of LIST and MAP */
#define V_ITEMS(v) ((v)->as.items)
#define V_MEMBERS(v) ((v)->as.members)

#define CORPUS_DIR WK_SOURCE_DIR "/corpus"
#define CORPUS_EXT_JSON_DIR WK_SOURCE_DIR "/../shared/corpus-ext/json"

static const wk_format *json, *msgpack;

static int setup_group(void **state)
{
    (void)state;
    json = wk_format_find("json");
    msgpack = wk_format_find("msgpack");
    return json && msgpack ? 0 : -1;
}

/* ---- small helpers ---- */

static const char *show(const void *data, size_t len)
{
    static char out[4][400];
    static int which;
    char *o = out[which++ & 3];
    const uint8_t *p = data;
    size_t n = 0;
    for (size_t i = 0; i < len && n + 8 < sizeof out[0]; i++) {
        uint8_t c = p[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') o[n++] = (char)c;
        else n += (size_t)snprintf(o + n, 8, "\\x%02x", c);
    }
    if (len > 0 && n + 8 >= sizeof out[0]) n += (size_t)snprintf(o + n, 8, "...");
    o[n] = '\0';
    return o;
}

/* Compares two byte strings; on a difference, says where and fails. */
static void check_bytes(const char *file, int line, const char *what, const void *got,
                        size_t got_len, const void *want, size_t want_len)
{
    if (got_len == want_len && (want_len == 0 || memcmp(got, want, want_len) == 0)) return;
    size_t at = 0;
    const uint8_t *g = got, *w = want;
    while (at < got_len && at < want_len && g[at] == w[at]) at++;
    size_t from = at > 16 ? at - 16 : 0;
    print_error("%s: differ at byte %zu (lengths %zu, expected %zu)\n"
                "  expected ...%s\n       got ...%s\n",
                what, at, got_len, want_len,
                show(w + from, want_len - from < 64 ? want_len - from : 64),
                show(g + from, got_len - from < 64 ? got_len - from : 64));
    _fail(file, line);
}

/* An independent base64 (RFC 4648, padded), for what JSON must carry. */
static char *base64(const uint8_t *in, size_t n, size_t *out_len)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc((n + 2) / 3 * 4 + 1);
    assert_non_null(out);
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t chunk = (uint32_t)in[i] << 16;
        if (i + 1 < n) chunk |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n) chunk |= in[i + 2];
        out[o++] = alphabet[chunk >> 18 & 63];
        out[o++] = alphabet[chunk >> 12 & 63];
        out[o++] = i + 1 < n ? alphabet[chunk >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? alphabet[chunk & 63] : '=';
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

/* ---- encoding and decoding with a label for failures ---- */

static const wk_value *decode(const char *file, int line, const char *label, const wk_format *f,
                              const void *data, size_t len, wk_arena *a)
{
    const wk_value *v = NULL;
    wk_status st;
    wk_code rc = wk_decode(f, data, len, NULL, a, &v, &st);
    if (rc != WK_OK) {
        print_error("%s: %s decode: %s at %zu (%u:%u): %s\n", label, f->name, wk_code_name(rc),
                    st.offset, st.line, st.col, st.msg);
        _fail(file, line);
    }
    return v;
}

static void encode(const char *file, int line, const char *label, const wk_format *f,
                   const wk_value *v, wk_buf *out)
{
    wk_status st;
    wk_buf_clear(out);
    wk_code rc = wk_encode(f, v, NULL, out, &st);
    if (rc != WK_OK) {
        print_error("%s: %s encode: %s: %s\n", label, f->name, wk_code_name(rc), st.msg);
        _fail(file, line);
    }
}

/*
 * JSON -> MessagePack -> JSON. The value read back from MessagePack equals
 * the original, and its JSON is byte for byte the original's compact JSON.
 */
static void check_json_via_msgpack(const char *file, int line, const char *label,
                                   const void *text, size_t len)
{
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    wk_buf mp, compact, back;
    wk_buf_init(&mp);
    wk_buf_init(&compact);
    wk_buf_init(&back);

    const wk_value *v = decode(file, line, label, json, text, len, a);
    encode(file, line, label, msgpack, v, &mp);
    const wk_value *v2 = decode(file, line, label, msgpack, mp.data, mp.len, a);
    if (!wk_value_equal(v, v2)) {
        print_error("%s: the value read back from MessagePack differs from the JSON's\n", label);
        _fail(file, line);
    }
    encode(file, line, label, json, v, &compact);
    encode(file, line, label, json, v2, &back);
    check_bytes(file, line, label, back.data, back.len, compact.data, compact.len);

    wk_buf_destroy(&back);
    wk_buf_destroy(&compact);
    wk_buf_destroy(&mp);
    wk_arena_free(a);
}

/* ---- what JSON must make of a MessagePack value ---- */

/* True when v holds no bin, no ext and only string keys: JSON carries it unchanged. */
static bool json_native(const wk_value *v, int depth)
{
    assert_true(depth < 1000);
    switch ((wk_kind)V_KIND(v)) {
    case WK_BYTES:
    case WK_EXT:
        return false;
    case WK_LIST:
        for (size_t i = 0; i < V_COUNT(v); i++)
            if (!json_native(&V_ITEMS(v)[i], depth + 1)) return false;
        return true;
    case WK_MAP:
        for (size_t i = 0; i < V_COUNT(v); i++)
            if (V_KIND(&V_MEMBERS(v)[i].key) != WK_STRING ||
                !json_native(&V_MEMBERS(v)[i].value, depth + 1))
                return false;
        return true;
    default:
        return true;
    }
}

static bool string_is(const wk_value *v, const char *s, size_t n)
{
    return V_KIND(v) == WK_STRING && V_LEN(v) == n && memcmp(V_STR(v), s, n) == 0;
}

static bool image_fail(const char *why, const wk_value *mp, const wk_value *js)
{
    print_error("%s (MessagePack %s, JSON %s)\n", why, wk_kind_name((wk_kind)V_KIND(mp)),
                wk_kind_name((wk_kind)V_KIND(js)));
    return false;
}

/*
 * Whether js (decoded from the JSON written for mp) is what the JSON
 * mapping promises: bin as its base64 string, ext as
 * {"$ext":{"type":T,"data":"<base64>"[,"timestamp":...]}}, a non-string key
 * as the string of its compact JSON, and everything else unchanged.
 */
static bool json_image(const wk_value *mp, const wk_value *js, int depth)
{
    assert_true(depth < 1000);
    switch ((wk_kind)V_KIND(mp)) {
    case WK_BYTES: {
        size_t n;
        char *b64 = base64((const uint8_t *)V_STR(mp), V_LEN(mp), &n);
        bool ok = string_is(js, b64, n);
        if (!ok) print_error("bin of %zu bytes: expected the string \"%s\"\n", (size_t)V_LEN(mp), b64);
        free(b64);
        return ok ? true : image_fail("bin is not its base64 string", mp, js);
    }
    case WK_EXT: {
        if (V_KIND(js) != WK_MAP || V_COUNT(js) != 1 || !string_is(&V_MEMBERS(js)[0].key, "$ext", 4))
            return image_fail("ext is not {\"$ext\": ...}", mp, js);
        const wk_value *body = &V_MEMBERS(js)[0].value;
        const wk_value *type = wk_map_get(body, "type");
        const wk_value *data = wk_map_get(body, "data");
        if (!type || V_KIND(type) != WK_INT || V_INT(type) != V_EXT_TYPE(mp))
            return image_fail("ext type differs", mp, js);
        size_t n;
        char *b64 = base64((const uint8_t *)V_STR(mp), V_LEN(mp), &n);
        bool ok = data && string_is(data, b64, n);
        free(b64);
        if (!ok) return image_fail("ext data is not its base64 string", mp, js);
        size_t members = V_COUNT(body);
        if (members == 3 && V_EXT_TYPE(mp) == -1 && wk_map_get(body, "timestamp")) return true;
        return members == 2 ? true : image_fail("ext has unexpected members", mp, js);
    }
    case WK_LIST:
        if (V_KIND(js) != WK_LIST || V_COUNT(js) != V_COUNT(mp))
            return image_fail("list differs", mp, js);
        for (size_t i = 0; i < V_COUNT(mp); i++)
            if (!json_image(&V_ITEMS(mp)[i], &V_ITEMS(js)[i], depth + 1)) return false;
        return true;
    case WK_MAP:
        if (V_KIND(js) != WK_MAP || V_COUNT(js) != V_COUNT(mp))
            return image_fail("map differs", mp, js);
        for (size_t i = 0; i < V_COUNT(mp); i++) {
            const wk_value *key = &V_MEMBERS(mp)[i].key;
            const wk_value *jkey = &V_MEMBERS(js)[i].key;
            if (V_KIND(key) == WK_STRING) {
                if (!wk_value_equal(key, jkey)) return image_fail("key differs", key, jkey);
            } else if (V_KIND(key) == WK_BYTES) {
                if (!json_image(key, jkey, depth + 1)) return false;
            } else {
                /* The key's own compact JSON, as a string. */
                wk_buf text;
                wk_buf_init(&text);
                bool ok = wk_encode(json, key, NULL, &text, NULL) == WK_OK &&
                          string_is(jkey, (const char *)text.data, text.len);
                wk_buf_destroy(&text);
                if (!ok) return image_fail("non-string key is not its JSON text", key, jkey);
            }
            if (!json_image(&V_MEMBERS(mp)[i].value, &V_MEMBERS(js)[i].value, depth + 1))
                return false;
        }
        return true;
    default:
        if (!wk_value_equal(mp, js)) return image_fail("scalar differs", mp, js);
        return true;
    }
}

/*
 * MessagePack -> JSON -> MessagePack. Values JSON carries natively come
 * back byte-identical; others must come back as the JSON mapping says.
 */
static void check_msgpack_via_json(const char *file, int line, const char *label,
                                   const void *data, size_t len, bool corpus_file)
{
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    wk_buf js, mp;
    wk_buf_init(&js);
    wk_buf_init(&mp);

    const wk_value *v = decode(file, line, label, msgpack, data, len, a);
    encode(file, line, label, json, v, &js);
    const wk_value *v2 = decode(file, line, label, json, js.data, js.len, a);
    encode(file, line, label, msgpack, v2, &mp);
    bool native = json_native(v, 0);
    if (corpus_file)
        print_message("  %s: %zu bytes, %s\n", label, len,
                      native ? "byte-identical" : "has bin/ext/non-string keys: mapped");
    if (native) {
        if (!wk_value_equal(v, v2)) {
            print_error("%s: the value read back from JSON differs\n", label);
            _fail(file, line);
        }
        check_bytes(file, line, label, mp.data, mp.len, data, len);
    } else if (!json_image(v, v2, 0)) {
        print_error("%s: the JSON does not carry the value as the mapping says\n", label);
        _fail(file, line);
    }

    wk_buf_destroy(&mp);
    wk_buf_destroy(&js);
    wk_arena_free(a);
}

/* ================================================================== */
/* Corpora                                                             */
/* ================================================================== */

static size_t run_json_folder(const char *dir)
{
    size_t n;
    char **paths = wkt_find_files(dir, NULL, ".json", &n);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        uint8_t *text = wkt_read_file(paths[i], &len);
        if (!text) fail_msg("%s: %s", paths[i], strerror(errno));
        check_json_via_msgpack(__FILE__, __LINE__, paths[i], text, len);
        free(text);
    }
    wkt_free_names(paths, n);
    return n;
}

static void test_corpus_json_via_msgpack(void **state)
{
    (void)state;
    size_t n = run_json_folder(CORPUS_DIR);
    print_message("%zu .json files under %s\n", n, CORPUS_DIR);
    if (n == 0) skip();
}

static void test_corpus_ext_json_via_msgpack(void **state)
{
    (void)state;
    if (!wkt_is_dir(CORPUS_EXT_JSON_DIR)) {
        print_message("%s is absent: skipping the shared corpus\n", CORPUS_EXT_JSON_DIR);
        skip();
    }
    size_t n = run_json_folder(CORPUS_EXT_JSON_DIR);
    print_message("%zu .json files under %s\n", n, CORPUS_EXT_JSON_DIR);
    assert_true(n > 0);
}

static void test_corpus_msgpack_via_json(void **state)
{
    (void)state;
    size_t n;
    char **paths = wkt_find_files(CORPUS_DIR, NULL, ".msgpack", &n);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        uint8_t *data = wkt_read_file(paths[i], &len);
        if (!data) fail_msg("%s: %s", paths[i], strerror(errno));
        check_msgpack_via_json(__FILE__, __LINE__, paths[i], data, len, true);
        free(data);
    }
    print_message("%zu .msgpack files under %s\n", n, CORPUS_DIR);
    wkt_free_names(paths, n);
    if (n == 0) skip();
}

/* ================================================================== */
/* Hand-written values                                                 */
/* ================================================================== */

/* JSON text -> MessagePack bytes, exactly. */
static void check_json_to_msgpack(const char *file, int line, const char *text, size_t text_len,
                                  const char *want, size_t want_len)
{
    wk_arena *a = wk_arena_new(0);
    wk_buf mp;
    wk_buf_init(&mp);
    const wk_value *v = decode(file, line, text, json, text, text_len, a);
    encode(file, line, text, msgpack, v, &mp);
    check_bytes(file, line, show(text, text_len), mp.data, mp.len, want, want_len);
    wk_buf_destroy(&mp);
    wk_arena_free(a);
}
#define JSON_TO_MP(text, bytes) \
    check_json_to_msgpack(__FILE__, __LINE__, text, sizeof(text) - 1, bytes, sizeof(bytes) - 1)

static void test_json_to_msgpack_bytes(void **state)
{
    (void)state;
    JSON_TO_MP("null", "\xC0");
    JSON_TO_MP("true", "\xC3");
    JSON_TO_MP("false", "\xC2");
    /* Integers in their smallest form. */
    JSON_TO_MP("0", "\x00");
    JSON_TO_MP("-0", "\x00");
    JSON_TO_MP("127", "\x7F");
    JSON_TO_MP("128", "\xCC\x80");
    JSON_TO_MP("255", "\xCC\xFF");
    JSON_TO_MP("256", "\xCD\x01\x00");
    JSON_TO_MP("65535", "\xCD\xFF\xFF");
    JSON_TO_MP("65536", "\xCE\x00\x01\x00\x00");
    JSON_TO_MP("4294967295", "\xCE\xFF\xFF\xFF\xFF");
    JSON_TO_MP("4294967296", "\xCF\x00\x00\x00\x01\x00\x00\x00\x00");
    JSON_TO_MP("9223372036854775807", "\xCF\x7F\xFF\xFF\xFF\xFF\xFF\xFF\xFF");
    JSON_TO_MP("9223372036854775808", "\xCF\x80\x00\x00\x00\x00\x00\x00\x00");
    JSON_TO_MP("18446744073709551615", "\xCF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF");
    JSON_TO_MP("-1", "\xFF");
    JSON_TO_MP("-32", "\xE0");
    JSON_TO_MP("-33", "\xD0\xDF");
    JSON_TO_MP("-128", "\xD0\x80");
    JSON_TO_MP("-129", "\xD1\xFF\x7F");
    JSON_TO_MP("-32768", "\xD1\x80\x00");
    JSON_TO_MP("-32769", "\xD2\xFF\xFF\x7F\xFF");
    JSON_TO_MP("-2147483648", "\xD2\x80\x00\x00\x00");
    JSON_TO_MP("-2147483649", "\xD3\xFF\xFF\xFF\xFF\x7F\xFF\xFF\xFF");
    JSON_TO_MP("-9223372036854775808", "\xD3\x80\x00\x00\x00\x00\x00\x00\x00");
    /* Doubles: float32 when it holds the value exactly, else float64. */
    JSON_TO_MP("1.5", "\xCA\x3F\xC0\x00\x00");
    JSON_TO_MP("1e2", "\xCA\x42\xC8\x00\x00");
    JSON_TO_MP("-0.0", "\xCA\x80\x00\x00\x00");
    JSON_TO_MP("18446744073709551616", "\xCA\x5F\x80\x00\x00");
    JSON_TO_MP("0.1", "\xCB\x3F\xB9\x99\x99\x99\x99\x99\x9A");
    JSON_TO_MP("1e300", "\xCB\x7E\x37\xE4\x3C\x88\x00\x75\x9C");
    JSON_TO_MP("5e-324", "\xCB\x00\x00\x00\x00\x00\x00\x00\x01");
    /* Strings: fixstr up to 31 bytes, then str8, str16. */
    JSON_TO_MP("\"\"", "\xA0");
    JSON_TO_MP("\"a\"", "\xA1" "a");
    JSON_TO_MP("\"\\u00e9\\u0000\"", "\xA3\xC3\xA9\x00");
    JSON_TO_MP("\"0123456789012345678901234567890\"", "\xBF" "0123456789012345678901234567890");
    JSON_TO_MP("\"01234567890123456789012345678901\"",
               "\xD9\x20" "01234567890123456789012345678901");
    /* Containers: fixarray/fixmap up to 15, then array16/map16. */
    JSON_TO_MP("[1,[],{}]", "\x93\x01\x90\x80");
    JSON_TO_MP("{\"a\":1,\"b\":[true,null],\"c\":-1}",
               "\x83\xA1" "a" "\x01\xA1" "b" "\x92\xC3\xC0\xA1" "c" "\xFF");
    JSON_TO_MP("[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14]",
               "\x9F\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0A\x0B\x0C\x0D\x0E");
    JSON_TO_MP("[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]",
               "\xDC\x00\x10\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0A\x0B\x0C\x0D\x0E\x0F");
    JSON_TO_MP("{\"a\":0,\"b\":1,\"c\":2,\"d\":3,\"e\":4,\"f\":5,\"g\":6,\"h\":7,"
               "\"i\":8,\"j\":9,\"k\":10,\"l\":11,\"m\":12,\"n\":13,\"o\":14,\"p\":15}",
               "\xDE\x00\x10\xA1" "a" "\x00\xA1" "b" "\x01\xA1" "c" "\x02\xA1" "d" "\x03"
               "\xA1" "e" "\x04\xA1" "f" "\x05\xA1" "g" "\x06\xA1" "h" "\x07"
               "\xA1" "i" "\x08\xA1" "j" "\x09\xA1" "k" "\x0A\xA1" "l" "\x0B"
               "\xA1" "m" "\x0C\xA1" "n" "\x0D\xA1" "o" "\x0E\xA1" "p" "\x0F");
    /* Duplicate keys stay, in order. */
    JSON_TO_MP("{\"a\":1,\"a\":2}", "\x82\xA1" "a" "\x01\xA1" "a" "\x02");

    /* str16: 256 bytes. */
    char text[300], want[300];
    text[0] = '"';
    memset(text + 1, 'x', 256);
    text[257] = '"';
    memcpy(want, "\xDA\x01\x00", 3);
    memset(want + 3, 'x', 256);
    check_json_to_msgpack(__FILE__, __LINE__, text, 258, want, 259);
}

/* Hand-written documents through JSON -> MessagePack -> JSON. */
static void test_json_via_msgpack_handwritten(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "{\"id\":505874924095815681,\"big\":18446744073709551615,\"min\":-9223372036854775808,"
        "\"past\":18446744073709551616,\"d\":[0.1,1.5,-0.0,5e-324,1.7976931348623157e308,1e300],"
        "\"s\":\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\n\\u0000\",\"raw\":\"\xE6\x97\xA5\","
        "\"n\":null,\"t\":true,\"f\":false,\"l\":[[],{},[[1]]],\"dup\":1,\"dup\":2}",
        "[1,-1,127,128,-33,65536,4294967296,-2147483649,1e2,1E-2,0.5,\"\"]",
        "\"top-level string\"",
        "-12345678901234",
        "true",
        "null",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        check_json_via_msgpack(__FILE__, __LINE__, docs[i], docs[i], strlen(docs[i]));
}

#define MP_VIA_JSON(bytes) \
    check_msgpack_via_json(__FILE__, __LINE__, #bytes, bytes, sizeof(bytes) - 1, false)

/* MessagePack in its smallest forms comes back byte-identical through JSON. */
static void test_msgpack_via_json_byte_identical(void **state)
{
    (void)state;
    MP_VIA_JSON("\xC0");
    MP_VIA_JSON("\x85\xA1" "a" "\x01\xA1" "b" "\xCB\x3F\xB9\x99\x99\x99\x99\x99\x9A"
                "\xA1" "c" "\x93\xC3\xC2\xC0\xA1" "d" "\xCA\x3F\xC0\x00\x00"
                "\xA1" "e" "\xD3\x80\x00\x00\x00\x00\x00\x00\x00");
    MP_VIA_JSON("\x94\xCF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xD0\xDF\xCD\x01\x00\xE0");
    MP_VIA_JSON("\x92\xA2\xC3\xA9\xD9\x20" "01234567890123456789012345678901");
    MP_VIA_JSON("\x82\xA1" "x" "\x90\xA1" "y" "\x80");
    MP_VIA_JSON("\xCA\x80\x00\x00\x00");                          /* -0.0 */
    MP_VIA_JSON("\xCB\x00\x00\x00\x00\x00\x00\x00\x01");          /* 5e-324 */
    MP_VIA_JSON("\xA3" "a" "\x00" "b");                           /* embedded NUL */
}

/* MessagePack -> JSON text, exactly, then -> MessagePack, exactly. */
static void check_msgpack_json_msgpack(const char *file, int line, const char *mp_in,
                                       size_t mp_len, const char *want_json, size_t json_len,
                                       const char *want_mp, size_t want_mp_len)
{
    wk_arena *a = wk_arena_new(0);
    wk_buf js, mp;
    wk_buf_init(&js);
    wk_buf_init(&mp);
    const char *label = show(mp_in, mp_len);
    const wk_value *v = decode(file, line, label, msgpack, mp_in, mp_len, a);
    encode(file, line, label, json, v, &js);
    check_bytes(file, line, label, js.data, js.len, want_json, json_len);
    const wk_value *v2 = decode(file, line, label, json, js.data, js.len, a);
    encode(file, line, label, msgpack, v2, &mp);
    check_bytes(file, line, label, mp.data, mp.len, want_mp, want_mp_len);
    if (!json_image(v, v2, 0)) _fail(file, line);
    wk_buf_destroy(&mp);
    wk_buf_destroy(&js);
    wk_arena_free(a);
}
#define MP_JSON_MP(mp_in, want_json, want_mp)                                             \
    check_msgpack_json_msgpack(__FILE__, __LINE__, mp_in, sizeof(mp_in) - 1, want_json, \
                               sizeof(want_json) - 1, want_mp, sizeof(want_mp) - 1)

/* bin, ext and non-string keys: what JSON carries, and what comes back. */
static void test_msgpack_via_json_bin_ext_keys(void **state)
{
    (void)state;
    /* bin 8 with 3 bytes and an empty one: base64 strings. */
    MP_JSON_MP("\x82\xA3" "bin" "\xC4\x03\x01\x02\x03\xA5" "empty" "\xC4\x00",
               "{\"bin\":\"AQID\",\"empty\":\"\"}",
               "\x82\xA3" "bin" "\xA4" "AQID" "\xA5" "empty" "\xA0");
    MP_JSON_MP("\xC4\x05\x00\x01\x02\xFF\xFE", "\"AAEC//4=\"", "\xA8" "AAEC//4=");
    /* fixext 2 of type 5. */
    MP_JSON_MP("\xD5\x05" "ab", "{\"$ext\":{\"type\":5,\"data\":\"YWI=\"}}",
               "\x81\xA4" "$ext" "\x82\xA4" "type" "\x05\xA4" "data" "\xA4" "YWI=");
    /* The timestamp extension (fixext 4 of type -1): 1970-01-01. */
    MP_JSON_MP("\x81\xA1" "t" "\xD6\xFF\x00\x00\x00\x00",
               "{\"t\":{\"$ext\":{\"type\":-1,\"data\":\"AAAAAA==\","
               "\"timestamp\":\"1970-01-01T00:00:00Z\"}}}",
               "\x81\xA1" "t" "\x81\xA4" "$ext" "\x83\xA4" "type" "\xFF\xA4" "data"
               "\xA8" "AAAAAA==" "\xA9" "timestamp" "\xB4" "1970-01-01T00:00:00Z");
    /* ext 8 with 3 bytes of type -128. */
    MP_JSON_MP("\xC7\x03\x80\x01\x02\x03", "{\"$ext\":{\"type\":-128,\"data\":\"AQID\"}}",
               "\x81\xA4" "$ext" "\x82\xA4" "type" "\xD0\x80\xA4" "data" "\xA4" "AQID");
    /* Scalar keys that are not strings become the string of their JSON. */
    MP_JSON_MP("\x83\x01\xA1" "a" "\xC3\xA1" "b" "\xC0\xA1" "c",
               "{\"1\":\"a\",\"true\":\"b\",\"null\":\"c\"}",
               "\x83\xA1" "1" "\xA1" "a" "\xA4" "true" "\xA1" "b" "\xA4" "null" "\xA1" "c");
    MP_JSON_MP("\x81\xC4\x01\xFF\x01", "{\"/w==\":1}", "\x81\xA4" "/w==" "\x01");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_to_msgpack_bytes),
        cmocka_unit_test(test_json_via_msgpack_handwritten),
        cmocka_unit_test(test_msgpack_via_json_byte_identical),
        cmocka_unit_test(test_msgpack_via_json_bin_ext_keys),
        cmocka_unit_test(test_corpus_json_via_msgpack),
        cmocka_unit_test(test_corpus_msgpack_via_json),
        cmocka_unit_test(test_corpus_ext_json_via_msgpack),
    };
    return cmocka_run_group_tests(tests, setup_group, NULL);
}
