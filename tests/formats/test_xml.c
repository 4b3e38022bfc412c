/*
 * Tests of the XML backend (formats/xml.c): the json-to-xml vocabulary and
 * wirekit's markers, decoded and encoded exactly; the golden files under
 * tests/data/xml (y_*.xml decode to the y_*.json beside them, n_*.xml fail
 * as n_expected.txt says); safety (entities never expanded or fetched,
 * nesting and text limits, a tiny fixed arena); round trips JSON -> XML ->
 * JSON and MessagePack -> XML -> MessagePack over the corpora; parse_only,
 * sniffing and the table.
 *
 * Every field of a wk_value is read or written through the V_* macros
 * below, so that a change of the node layout touches only those lines.
 */
#define _POSIX_C_SOURCE 200809L   /* mkdtemp, mkfifo, fork */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <float.h>
#include <math.h>
#include <signal.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

#include "model/internal.h"
#include "support/files.h"
#include "support/values.h"

/* ---- the only lines that know the layout of struct wk_value ---- */

#define V_KIND(v) ((v)->kind)
#define V_EXT_TYPE(v) ((v)->ext_type)
#define V_BOOL(v) ((v)->as.b)
#define V_INT(v) ((v)->as.i)
#define V_DOUBLE(v) ((v)->as.d)
#define V_STR(v) ((v)->as.str)      /* STRING, BYTES, EXT */
#define V_LEN(v) ((v)->len)         /* byte length of STRING, BYTES, EXT */
#define V_COUNT(v) ((v)->len)       /* children of LIST and MAP */
#define V_ITEMS(v) ((v)->as.items)
#define V_MEMBERS(v) ((v)->as.members)

#define DATA_DIR WK_SOURCE_DIR "/tests/data/xml"
#define CORPUS_DIR WK_SOURCE_DIR "/corpus"
#define CORPUS_EXT_JSON_DIR WK_SOURCE_DIR "/../shared/corpus-ext/json"

#define NS "xmlns=\"http://www.w3.org/2005/xpath-functions\""
#define WKNS "xmlns:wk=\"urn:x-wirekit:xml\""
#define DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

static const wk_format *xml, *json, *msgpack;
static wk_arena *arena;   /* a fresh heap arena for every test */

static int setup_group(void **state)
{
    (void)state;
    xml = wk_format_find("xml");
    json = wk_format_find("json");
    msgpack = wk_format_find("msgpack");
    return xml && json && msgpack ? 0 : -1;
}

static int setup(void **state)
{
    (void)state;
    arena = wk_arena_new(0);
    return arena ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    wk_arena_free(arena);
    arena = NULL;
    return 0;
}

/* ---- small helpers ---- */

/* The bytes as a C literal would spell them, for failure messages. */
static const char *show(const void *data, size_t len)
{
    static char out[4][600];
    static int which;
    char *o = out[which++ & 3];
    const uint8_t *p = data;
    size_t n = 0;
    for (size_t i = 0; i < len && n + 8 < sizeof out[0]; i++) {
        uint8_t c = p[i];
        if (c == '"' || c == '\\') n += (size_t)snprintf(o + n, 8, "\\%c", c);
        else if (c >= 0x20 && c < 0x7f) o[n++] = (char)c;
        else if (c == '\n') n += (size_t)snprintf(o + n, 8, "\\n");
        else n += (size_t)snprintf(o + n, 8, "\\x%02x", c);
    }
    if (len > 0 && n + 8 >= sizeof out[0]) n += (size_t)snprintf(o + n, 8, "...");
    o[n] = '\0';
    return o;
}

static void check_bytes(const char *file, int line, const void *got, size_t got_len,
                        const void *want, size_t want_len)
{
    if (got_len == want_len && (want_len == 0 || memcmp(got, want, want_len) == 0)) return;
    size_t at = 0;
    const uint8_t *g = got, *w = want;
    while (at < got_len && at < want_len && g[at] == w[at]) at++;
    size_t from = at > 40 ? at - 40 : 0;
    print_error("differ at byte %zu (lengths %zu, expected %zu)\n  expected ...\"%s\"\n"
                "       got ...\"%s\"\n",
                at, got_len, want_len, show(w + from, want_len - from), show(g + from, got_len - from));
    _fail(file, line);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* ---- decoding and encoding ---- */

static const wk_value *decode_with(const char *file, int line, const wk_format *f, const void *data,
                                   size_t len, const wk_decode_opts *opts, wk_arena *a)
{
    const wk_value *v = NULL;
    wk_status st;
    wk_code rc = wk_decode(f, data, len, opts, a, &v, &st);
    if (rc != WK_OK || v == NULL || st.code != WK_OK || st.msg[0] != '\0') {
        print_error("%s decode of \"%s\": %s at %zu (%u:%u): %s\n", f->name, show(data, len),
                    wk_code_name(rc), st.offset, st.line, st.col, st.msg);
        _fail(file, line);
    }
    return v;
}
#define DECODE(lit) decode_with(__FILE__, __LINE__, xml, lit, sizeof(lit) - 1, NULL, arena)
#define DECODE_JSON(lit) decode_with(__FILE__, __LINE__, json, lit, sizeof(lit) - 1, NULL, arena)

static void encode_with(const char *file, int line, const wk_format *f, const wk_value *v,
                        uint32_t flags, wk_buf *out)
{
    wk_encode_opts opts = {.flags = flags, .max_depth = 0};
    wk_status st;
    wk_buf_clear(out);
    wk_code rc = wk_encode(f, v, &opts, out, &st);
    if (rc != WK_OK || st.code != WK_OK) {
        print_error("%s encode: %s: %s\n", f->name, wk_code_name(rc), st.msg);
        _fail(file, line);
    }
}

/* Encodes v as XML and compares the whole output with the expected text. */
static void check_encodes(const char *file, int line, wk_value v, uint32_t flags, const char *want,
                          size_t want_len)
{
    wk_buf out;
    wk_buf_init(&out);
    encode_with(file, line, xml, &v, flags, &out);
    check_bytes(file, line, out.data, out.len, want, want_len);
    wk_buf_destroy(&out);
}
#define ASSERT_ENCODES(v, lit) check_encodes(__FILE__, __LINE__, v, 0, lit, sizeof(lit) - 1)
#define ASSERT_ENCODES_PRETTY(v, lit) \
    check_encodes(__FILE__, __LINE__, v, WK_ENCODE_PRETTY, lit, sizeof(lit) - 1)

/*
 * v -> XML -> value, compact and pretty: the value comes back exactly (bit
 * for bit for doubles).
 */
static void check_round_trip(const char *file, int line, wk_value v)
{
    wk_buf out;
    wk_buf_init(&out);
    for (int pretty = 0; pretty < 2; pretty++) {
        encode_with(file, line, xml, &v, pretty ? WK_ENCODE_PRETTY : 0, &out);
        const wk_value *back = decode_with(file, line, xml, out.data, out.len, NULL, arena);
        if (!wk_value_equal(&v, back)) {
            print_error("the value read back differs; the XML was \"%s\"\n", show(out.data, out.len));
            wk_buf_destroy(&out);
            _fail(file, line);
        }
    }
    wk_buf_destroy(&out);
}
#define ASSERT_ROUND_TRIP(v) check_round_trip(__FILE__, __LINE__, v)

/* A decode that must fail as described; *out untouched; the same code without a status. */
typedef struct bad_case {
    const char *text;
    size_t len;
    wk_code code;
    size_t offset;
    uint32_t line, col;
} bad_case;

#define BAD(lit, code, off, ln, cl) {lit, sizeof(lit) - 1, WK_ERR_##code, off, ln, cl}

static bool run_bad_case(const bad_case *c, const wk_decode_opts *opts, const char *label)
{
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    const wk_value sentinel = wk_value_int(7);
    const wk_value *v = &sentinel;
    wk_status st;
    memset(&st, 0xAB, sizeof st);
    wk_code rc = wk_decode(xml, c->text, c->len, opts, a, &v, &st);
    wk_code rc_nostatus = wk_decode(xml, c->text, c->len, opts, a, &v, NULL);
    wk_arena_free(a);
    bool ok = rc == c->code && st.code == c->code && st.offset == c->offset &&
              st.line == c->line && st.col == c->col && v == &sentinel &&
              rc_nostatus == c->code && st.msg[0] != '\0' && strlen(st.msg) < sizeof st.msg;
    if (!ok)
        print_error("%s: expected %s at %zu (%u:%u), got %s at %zu (%u:%u) \"%s\"%s%s\n",
                    label ? label : show(c->text, c->len), wk_code_name(c->code), c->offset,
                    c->line, c->col, wk_code_name(rc), st.offset, st.line, st.col, st.msg,
                    v == &sentinel ? "" : " [*out was written]",
                    rc_nostatus == c->code ? "" : " [other code without a status]");
    return ok;
}

static void run_bad_cases(const char *file, int line, const bad_case *cases, size_t n,
                          const wk_decode_opts *opts)
{
    size_t failed = 0;
    for (size_t i = 0; i < n; i++)
        if (!run_bad_case(&cases[i], opts, NULL)) failed++;
    if (failed) {
        print_error("%zu of %zu cases wrong\n", failed, n);
        _fail(file, line);
    }
}
#define RUN_BAD(cases) run_bad_cases(__FILE__, __LINE__, cases, sizeof cases / sizeof cases[0], NULL)

/* ---- value builders (tests/support/values.h) on this test's arena ---- */

#define mk_strn(s, len) wkt_strn(arena, (s), (len))
#define mk_str(s) wkt_str(arena, (s))
#define mk_bytes(data, len) wkt_bytes(arena, (data), (len))
#define mk_ext(type, data, len) wkt_ext(arena, (type), (data), (len))
#define mk_list(...) wkt_list(arena, __VA_ARGS__)
#define mk_map(...) wkt_map(arena, __VA_ARGS__)
#define mk_obj(...) wkt_obj(arena, __VA_ARGS__)

static wk_value mk_bits(uint64_t bits)
{
    double d;
    memcpy(&d, &bits, sizeof d);
    return wk_value_double(d);
}

/* ================================================================== */
/* libxml2 set up from many threads at once                            */
/* ================================================================== */

#define THREADS 8

static int thread_decode(void *arg)
{
    (void)arg;
    static const char doc[] = "<map " NS "><array key=\"a\"><number>1</number><string>x</string>"
                              "</array><null key=\"b\"/></map>";
    int bad = 0;
    for (int i = 0; i < 50; i++) {
        wk_arena *a = wk_arena_new(0);
        const wk_value *v;
        wk_buf out;
        wk_buf_init(&out);
        if (wk_decode(xml, doc, sizeof doc - 1, NULL, a, &v, NULL) != WK_OK ||
            wk_encode(xml, v, NULL, &out, NULL) != WK_OK ||
            wk_parse_only(xml, out.data, out.len, NULL, NULL) != WK_OK || V_COUNT(v) != 2)
            bad++;
        /* An error too: each parser reports to its own handler. */
        if (wk_decode(xml, "<map", 4, NULL, a, &v, NULL) != WK_ERR_TRUNCATED) bad++;
        wk_buf_destroy(&out);
        wk_arena_free(a);
    }
    return bad;
}

/*
 * The first XML calls of this process, from eight threads at once: libxml2
 * is initialised once (call_once) and every decode works. Runs first.
 */
static void test_first_use_from_threads(void **state)
{
    (void)state;
    thrd_t threads[THREADS];
    for (int i = 0; i < THREADS; i++) assert_int_equal(thrd_create(&threads[i], thread_decode, NULL), thrd_success);
    int bad = 0;
    for (int i = 0; i < THREADS; i++) {
        int res;
        assert_int_equal(thrd_join(threads[i], &res), thrd_success);
        bad += res;
    }
    assert_int_equal(bad, 0);
}

/* ================================================================== */
/* The table                                                           */
/* ================================================================== */

static void test_table(void **state)
{
    (void)state;
    assert_string_equal(xml->name, "xml");
    assert_true(xml->is_text);
    assert_ptr_equal(wk_format_find("xml"), xml);
    assert_ptr_equal(wk_format_find("XML"), xml);
    assert_ptr_equal(wk_format_find("application/xml"), xml);
    assert_ptr_equal(wk_format_find("text/xml"), xml);
    assert_ptr_equal(wk_format_find("text/xml; charset=utf-8"), xml);
    assert_ptr_equal(wk_format_find("application/vnd.acme.order+xml; version=1.2.0"), xml);
    assert_ptr_equal(wk_format_find(".xml"), xml);
    assert_ptr_equal(wk_format_for_path("dir/orders.xml"), xml);
    assert_non_null(xml->decode);
    assert_non_null(xml->encode);
    assert_non_null(xml->parse_only);
    /* "libxml2 2.9.14": the linked library, MAJOR.MINOR.MICRO. */
    const char *version = xml->backend_version();
    unsigned major, minor, micro;
    char tail;
    assert_int_equal(sscanf(version, "libxml2 %u.%u.%u%c", &major, &minor, &micro, &tail), 3);
    assert_int_equal(major, 2);
    assert_true(minor >= 9);
}

static void test_sniff(void **state)
{
    (void)state;
    static const char *const yes[] = {
        "<?xml version=\"1.0\"?><null/>", " \n\t<map/>", "\xEF\xBB\xBF<?xml version=\"1.0\"?><a/>",
        "<!-- c --><a/>", "<!DOCTYPE map><map/>", "<j:map/>", "<_x/>",
    };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        const wk_format *f = wk_format_sniff((const uint8_t *)yes[i], strlen(yes[i]));
        if (f != xml) print_error("\"%s\" is not sniffed as XML\n", show(yes[i], strlen(yes[i])));
        assert_ptr_equal(f, xml);
    }
    assert_int_equal(xml->sniff((const uint8_t *)"<?xml version=\"1.0\"?>", 21), 100);
    static const uint8_t utf16le[] = {0xFF, 0xFE, '<', 0, 'a', 0, '/', 0, '>', 0};
    assert_ptr_equal(wk_format_sniff(utf16le, sizeof utf16le), xml);
    static const char *const no[] = {"{\"a\":1}", "[1]", "<", "< a/>", "<1/>", "hello", ""};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_int_equal(xml->sniff((const uint8_t *)no[i], strlen(no[i])), 0);
    /* JSON keeps JSON. */
    assert_ptr_equal(wk_format_sniff((const uint8_t *)"{\"a\":\"<b/>\"}", 12), json);
}

/* ================================================================== */
/* Golden files                                                        */
/* ================================================================== */

/* Every y_NAME.xml decodes to what y_NAME.json decodes to, exactly. */
static void test_golden_accepted(void **state)
{
    (void)state;
    size_t file_count;
    char **paths = wkt_find_files(DATA_DIR, "y_", ".xml", &file_count);
    assert_true(file_count >= 20);
    size_t failed = 0;
    wk_buf out;
    wk_buf_init(&out);
    for (size_t i = 0; i < file_count; i++) {
        const char *path = paths[i];
        size_t len, jlen;
        uint8_t *text = wkt_read_file(path, &len);
        assert_non_null(text);
        char jpath[1024];
        snprintf(jpath, sizeof jpath, "%.*s.json", (int)(strlen(path) - 4), path);
        uint8_t *jtext = wkt_read_file(jpath, &jlen);
        if (!jtext) {
            print_error("%s: no %s beside it\n", base_name(path), base_name(jpath));
            failed++;
            free(text);
            continue;
        }
        wk_arena *a = wk_arena_new(0);
        const wk_value *v = NULL, *want = NULL, *again = NULL;
        wk_status st;
        if (wk_decode(xml, text, len, NULL, a, &v, &st) != WK_OK) {
            print_error("%s: %s at %zu (%u:%u): %s\n", base_name(path), wk_code_name(st.code),
                        st.offset, st.line, st.col, st.msg);
            failed++;
        } else if (wk_decode(json, jtext, jlen, NULL, a, &want, &st) != WK_OK) {
            print_error("%s: %s\n", base_name(jpath), st.msg);
            failed++;
        } else if (!wk_value_equal(v, want)) {
            wk_buf_clear(&out);
            wk_encode(json, v, NULL, &out, NULL);
            print_error("%s: decodes to %s\n", base_name(path), show(out.data, out.len));
            failed++;
        } else if (wk_parse_only(xml, text, len, NULL, &st) != WK_OK) {
            print_error("%s: parse_only: %s\n", base_name(path), st.msg);
            failed++;
        } else if (wk_buf_clear(&out), wk_encode(xml, v, NULL, &out, NULL) != WK_OK ||
                   wk_decode(xml, out.data, out.len, NULL, a, &again, NULL) != WK_OK ||
                   !wk_value_equal(v, again)) {
            print_error("%s: does not come back through our own XML\n", base_name(path));
            failed++;
        }
        wk_arena_free(a);
        free(jtext);
        free(text);
    }
    print_message("%zu y_*.xml files\n", file_count);
    wk_buf_destroy(&out);
    wkt_free_names(paths, file_count);
    assert_int_equal(failed, 0);
}

static wk_code code_by_name(const char *name)
{
    for (int c = 0; c < WK_CODE_COUNT; c++)
        if (strcmp(wk_code_name((wk_code)c), name) == 0) return (wk_code)c;
    print_error("no code named %s\n", name);
    fail();
    return WK_OK;
}

/* Every n_*.xml fails with the code and position n_expected.txt gives it, and is listed there. */
static void test_golden_rejected(void **state)
{
    (void)state;
    size_t len;
    uint8_t *manifest = wkt_read_file(DATA_DIR "/n_expected.txt", &len);
    assert_non_null(manifest);
    size_t file_count;
    char **paths = wkt_find_files(DATA_DIR, "n_", ".xml", &file_count);
    bool *listed = calloc(file_count + 1, 1);
    assert_non_null(listed);
    size_t cases = 0, failed = 0;
    char *text = (char *)manifest;
    text[len > 0 ? len - 1 : 0] = '\0';
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || line[0] == '\0') continue;
        char name[128], code[32];
        size_t offset;
        unsigned ln, col;
        assert_int_equal(sscanf(line, "%127s %31s %zu %u %u", name, code, &offset, &ln, &col), 5);
        char path[512];
        snprintf(path, sizeof path, "%s/%s", DATA_DIR, name);
        size_t n;
        uint8_t *data = wkt_read_file(path, &n);
        if (!data) {
            print_error("%s is listed but absent\n", name);
            failed++;
            continue;
        }
        for (size_t i = 0; i < file_count; i++)
            if (strcmp(base_name(paths[i]), name) == 0) listed[i] = true;
        bad_case c = {(const char *)data, n, code_by_name(code), offset, ln, col};
        if (!run_bad_case(&c, NULL, name)) failed++;
        cases++;
        free(data);
    }
    for (size_t i = 0; i < file_count; i++)
        if (!listed[i]) {
            print_error("%s is not in n_expected.txt\n", base_name(paths[i]));
            failed++;
        }
    print_message("%zu n_*.xml cases\n", cases);
    free(listed);
    wkt_free_names(paths, file_count);
    free(manifest);
    assert_true(cases >= 40);
    assert_int_equal(failed, 0);
}

/* ================================================================== */
/* Encoding                                                            */
/* ================================================================== */

static void test_encode_every_kind(void **state)
{
    (void)state;
    wk_value v = mk_obj(10, "n", wk_value_null(), "t", wk_value_bool(true), "f", wk_value_bool(false),
                        "i", wk_value_int(-42), "u", wk_value_uint(UINT64_MAX), "d", wk_value_double(1.5),
                        "s", mk_str("x"), "e", mk_str(""),
                        "l", mk_list(4, wk_value_int(1), mk_str("y"), mk_list(0), mk_obj(0)),
                        "m", mk_obj(1, "k", wk_value_null()));
    ASSERT_ENCODES(v, DECL "<map " NS "><null key=\"n\"/><boolean key=\"t\">true</boolean>"
                          "<boolean key=\"f\">false</boolean><number key=\"i\">-42</number>"
                          "<number key=\"u\">18446744073709551615</number><number key=\"d\">1.5</number>"
                          "<string key=\"s\">x</string><string key=\"e\"/><array key=\"l\"><number>1</number>"
                          "<string>y</string><array/><map/></array><map key=\"m\"><null key=\"k\"/></map></map>");
    ASSERT_ROUND_TRIP(v);
    /* Scalars at the top. */
    ASSERT_ENCODES(wk_value_null(), DECL "<null " NS "/>");
    ASSERT_ENCODES(wk_value_bool(true), DECL "<boolean " NS ">true</boolean>");
    ASSERT_ENCODES(wk_value_int(INT64_MIN), DECL "<number " NS ">-9223372036854775808</number>");
    ASSERT_ENCODES(mk_str("top"), DECL "<string " NS ">top</string>");
    ASSERT_ENCODES(mk_str(""), DECL "<string " NS "/>");
    ASSERT_ENCODES(mk_list(0), DECL "<array " NS "/>");
    ASSERT_ENCODES(mk_obj(0), DECL "<map " NS "/>");
}

static void test_encode_doubles(void **state)
{
    (void)state;
    /* Shortest round-trip text, with a '.' or an exponent. */
    wk_value v = mk_list(8, wk_value_double(1.0), wk_value_double(0.1), wk_value_double(-0.0),
                         wk_value_double(1e300), wk_value_double(5e-324), wk_value_double(-2.5e-7),
                         wk_value_double(123456789012345680.0), wk_value_double(DBL_MAX));
    ASSERT_ENCODES(v, DECL "<array " NS "><number>1.0</number><number>0.1</number><number>-0.0</number>"
                          "<number>1e300</number><number>5e-324</number><number>-2.5e-7</number>"
                          "<number>1.2345678901234568e17</number>"
                          "<number>1.7976931348623157e308</number></array>");
    ASSERT_ROUND_TRIP(v);
}

static void test_encode_pretty(void **state)
{
    (void)state;
    wk_value v = mk_obj(4, "a", mk_list(2, wk_value_int(1), mk_obj(1, "b", mk_list(0))), "s",
                        mk_str(" two  spaces\n"), "e", mk_obj(0),
                        "k", mk_map(1, mk_list(1, wk_value_null()), wk_value_bool(true)));
    ASSERT_ENCODES_PRETTY(v, DECL "<map " NS " " WKNS ">\n"
                                 "  <array key=\"a\">\n"
                                 "    <number>1</number>\n"
                                 "    <map>\n"
                                 "      <array key=\"b\"/>\n"
                                 "    </map>\n"
                                 "  </array>\n"
                                 "  <string key=\"s\"> two  spaces\n</string>\n"
                                 "  <map key=\"e\"/>\n"
                                 "  <map key=\"k\">\n"
                                 "    <wk:member>\n"
                                 "      <array>\n"
                                 "        <null/>\n"
                                 "      </array>\n"
                                 "      <boolean>true</boolean>\n"
                                 "    </wk:member>\n"
                                 "  </map>\n"
                                 "</map>");
    ASSERT_ROUND_TRIP(v);
    ASSERT_ENCODES_PRETTY(wk_value_int(7), DECL "<number " NS ">7</number>");
}

static void test_encode_escaping(void **state)
{
    (void)state;
    /* Text: <, &, > and CR are references; tab, LF and quotes are not. */
    wk_value v = mk_obj(1, "k<&>\"'\t\n\r.", mk_str("a<b&c>d]]>e\"f'g\th\ni\rj"));
    ASSERT_ENCODES(v, DECL "<map " NS "><string key=\"k&lt;&amp;>&quot;'&#9;&#10;&#13;.\">"
                          "a&lt;b&amp;c&gt;d]]&gt;e\"f'g\th\ni&#13;j</string></map>");
    ASSERT_ROUND_TRIP(v);
    /* Long strings: the escapes inside and at the ends of eight-byte words. */
    static const char longer[] = "0123456&89ABCDEF<0123456789abcdef>01234567\r";
    v = mk_obj(1, longer, mk_str(longer));
    ASSERT_ENCODES(v, DECL "<map " NS "><string key=\"0123456&amp;89ABCDEF&lt;0123456789abcdef>01234567&#13;\">"
                          "0123456&amp;89ABCDEF&lt;0123456789abcdef&gt;01234567&#13;</string></map>");
    ASSERT_ROUND_TRIP(v);
    /* Multi-byte characters copy as they are, U+FFFD and U+10FFFF included. */
    v = mk_str("caf\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80 \xEF\xBF\xBD \xEF\xBC\x81 \xF4\x8F\xBF\xBF \xC2\x85\x7F");
    ASSERT_ENCODES(v, DECL "<string " NS ">caf\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80 \xEF\xBF\xBD "
                          "\xEF\xBC\x81 \xF4\x8F\xBF\xBF \xC2\x85\x7F</string>");
    ASSERT_ROUND_TRIP(v);
    /* Every length from 0 to 40 with a '<' at every place, through the tail paths. */
    char buf[48];
    for (size_t len = 0; len <= 40; len++) {
        for (size_t at = 0; at <= len; at++) {
            memset(buf, 'x', len);
            if (at < len) buf[at] = '<';
            ASSERT_ROUND_TRIP(mk_obj(1, "k", mk_strn(buf, len)));
            ASSERT_ROUND_TRIP(mk_map(1, mk_strn(buf, len), wk_value_null()));
        }
    }
}

/* Strings with characters XML 1.0 cannot carry are written in base64, keys too. */
static void test_encode_base64_strings(void **state)
{
    (void)state;
    ASSERT_ENCODES(mk_strn("a\0b", 3), DECL "<string " NS " " WKNS " wk:encoding=\"base64\">YQBi</string>");
    ASSERT_ENCODES(mk_map(1, mk_str("\x01"), mk_str("v\x1F")),
                   DECL "<map " NS " " WKNS "><string key=\"AQ==\" wk:key-encoding=\"base64\" "
                        "wk:encoding=\"base64\">dh8=</string></map>");
    /* U+FFFE and U+FFFF are not XML characters either. */
    ASSERT_ENCODES(mk_str("\xEF\xBF\xBE"), DECL "<string " NS " " WKNS " wk:encoding=\"base64\">77++</string>");
    ASSERT_ENCODES(mk_str("\xEF\xBF\xBF"), DECL "<string " NS " " WKNS " wk:encoding=\"base64\">77+/</string>");
    /* Every C0 control character, alone and in a longer string, value and key. */
    for (unsigned c = 0; c < 0x20; c++) {
        char s[40];
        memset(s, 'y', sizeof s);
        s[0] = (char)c;
        s[25] = (char)c;
        wk_buf out;
        wk_buf_init(&out);
        wk_value one = mk_strn(s, 1);
        encode_with(__FILE__, __LINE__, xml, &one, 0, &out);
        assert_int_equal(wk_buf_append(&out, "", 1), WK_OK);   /* a C string for strstr */
        bool base64 = strstr((const char *)out.data, "base64") != NULL;
        /* Tab, LF and CR are XML characters: written as they are (CR as &#13;). */
        assert_int_equal(base64, !(c == '\t' || c == '\n' || c == '\r'));
        wk_buf_destroy(&out);
        ASSERT_ROUND_TRIP(one);
        ASSERT_ROUND_TRIP(mk_strn(s + 1, 30));
        ASSERT_ROUND_TRIP(mk_obj(2, "k", mk_strn(s, 40), "l", mk_strn(s + 20, 10)));
        ASSERT_ROUND_TRIP(mk_map(1, mk_strn(s, 40), mk_strn(s, 2)));
    }
}

static void test_encode_bytes_and_ext(void **state)
{
    (void)state;
    wk_value v = mk_list(5, mk_bytes("\x01\x02\x03", 3), mk_bytes("", 0),
                         mk_ext(-1, "\x00\x00\x00\x00", 4), mk_ext(127, "ab", 2), mk_ext(-128, "", 0));
    ASSERT_ENCODES(v, DECL "<array " NS " " WKNS "><string wk:type=\"bytes\">AQID</string>"
                          "<string wk:type=\"bytes\"/><string wk:type=\"ext\" wk:ext=\"-1\">AAAAAA==</string>"
                          "<string wk:type=\"ext\" wk:ext=\"127\">YWI=</string>"
                          "<string wk:type=\"ext\" wk:ext=\"-128\"/></array>");
    ASSERT_ROUND_TRIP(v);
    /* At the top, the namespace goes on that element. */
    ASSERT_ENCODES(mk_bytes("\xFF", 1), DECL "<string " NS " " WKNS " wk:type=\"bytes\">/w==</string>");
    ASSERT_ROUND_TRIP(mk_bytes("\xFF", 1));
}

/* Map keys of every kind. */
static void test_encode_keys(void **state)
{
    (void)state;
    wk_value v = mk_map(11, wk_value_null(), mk_str("a"), wk_value_bool(true), mk_str("b"),
                        wk_value_bool(false), mk_str("c"), wk_value_int(-5), mk_str("d"),
                        wk_value_uint(UINT64_MAX), mk_str("e"), wk_value_double(2.5), mk_str("f"),
                        wk_value_double(HUGE_VAL), mk_str("g"), mk_bytes("\x00\xFF", 2), mk_str("h"),
                        mk_ext(3, "x", 1), mk_str("i"), mk_list(2, wk_value_int(1), wk_value_int(2)),
                        mk_str("j"), mk_obj(1, "in", wk_value_null()), mk_str("k"));
    ASSERT_ENCODES(v, DECL "<map " NS " " WKNS ">"
                          "<string key=\"\" wk:key-type=\"null\">a</string>"
                          "<string key=\"true\" wk:key-type=\"boolean\">b</string>"
                          "<string key=\"false\" wk:key-type=\"boolean\">c</string>"
                          "<string key=\"-5\" wk:key-type=\"number\">d</string>"
                          "<string key=\"18446744073709551615\" wk:key-type=\"number\">e</string>"
                          "<string key=\"2.5\" wk:key-type=\"number\">f</string>"
                          "<string key=\"INF\" wk:key-type=\"number\">g</string>"
                          "<string key=\"AP8=\" wk:key-type=\"bytes\">h</string>"
                          "<string key=\"eA==\" wk:key-type=\"ext\" wk:key-ext=\"3\">i</string>"
                          "<wk:member><array><number>1</number><number>2</number></array><string>j</string></wk:member>"
                          "<wk:member><map><null key=\"in\"/></map><string>k</string></wk:member></map>");
    ASSERT_ROUND_TRIP(v);
    /* A key that is a map whose keys are maps, and members in members. */
    wk_value deep = mk_map(1, mk_map(1, mk_map(1, mk_bytes("k", 1), mk_list(0)), mk_ext(1, "", 0)),
                           mk_map(1, mk_list(1, mk_str("x")), wk_value_null()));
    ASSERT_ROUND_TRIP(deep);
}

/* NaN and the infinities: NaN, INF, -INF; other NaNs keep their bits. */
static void test_encode_non_finite(void **state)
{
    (void)state;
    wk_value v = mk_list(6, mk_bits(UINT64_C(0x7FF8000000000000)), mk_bits(UINT64_C(0xFFF8000000000000)),
                         mk_bits(UINT64_C(0x7FF0000000000001)), wk_value_double(HUGE_VAL),
                         wk_value_double(-HUGE_VAL), mk_bits(UINT64_C(0x7FFC000000000000)));
    ASSERT_ENCODES(v, DECL "<array " NS " " WKNS "><number>NaN</number>"
                          "<number wk:bits=\"fff8000000000000\">NaN</number>"
                          "<number wk:bits=\"7ff0000000000001\">NaN</number>"
                          "<number>INF</number><number>-INF</number>"
                          "<number wk:bits=\"7ffc000000000000\">NaN</number></array>");
    ASSERT_ROUND_TRIP(v);
    const wk_value *back = DECODE("<array " NS "><number>NaN</number><number>INF</number>"
                                  "<number>+INF</number><number> -INF </number></array>");
    uint64_t bits;
    double d = V_DOUBLE(&V_ITEMS(back)[0]);
    memcpy(&bits, &d, sizeof bits);
    assert_true(bits == UINT64_C(0x7FF8000000000000));
    assert_true(V_DOUBLE(&V_ITEMS(back)[1]) == HUGE_VAL);
    assert_true(V_DOUBLE(&V_ITEMS(back)[2]) == HUGE_VAL);
    assert_true(V_DOUBLE(&V_ITEMS(back)[3]) == -HUGE_VAL);
    /* NaN keys too. */
    wk_value keys = mk_map(2, mk_bits(UINT64_C(0x7FF8000000000000)), wk_value_int(1),
                           mk_bits(UINT64_C(0xFFF0000000000002)), wk_value_int(2));
    ASSERT_ENCODES(keys, DECL "<map " NS " " WKNS "><number key=\"NaN\" wk:key-type=\"number\">1</number>"
                             "<number key=\"NaN\" wk:key-type=\"number\" wk:key-bits=\"fff0000000000002\">2"
                             "</number></map>");
    ASSERT_ROUND_TRIP(keys);
}

static void test_encode_failures(void **state)
{
    (void)state;
    wk_buf out;
    wk_buf_init(&out);
    wk_status st;
    /* What was in the buffer stays; nothing is appended on failure. */
    assert_int_equal(wk_buf_append(&out, "keep", 4), WK_OK);
    wk_value bad = mk_obj(1, "a", mk_list(1, mk_strn("\xC3", 1)));
    assert_int_equal(wk_encode(xml, &bad, NULL, &out, &st), WK_ERR_UNREPRESENTABLE);
    assert_string_equal(st.msg, "$.a[0]: string is not valid UTF-8");
    assert_int_equal(out.len, 4);
    bad = mk_map(1, mk_strn("\xFF", 1), wk_value_null());
    assert_int_equal(wk_encode(xml, &bad, NULL, &out, &st), WK_ERR_UNREPRESENTABLE);
    assert_int_equal(out.len, 4);
    /* Depth: 3 levels pass a limit of 3, 4 do not. */
    wk_value three = mk_list(1, mk_list(1, mk_list(0)));
    wk_encode_opts opts = {.flags = 0, .max_depth = 3};
    assert_int_equal(wk_encode(xml, &three, &opts, &out, &st), WK_OK);
    out.len = 4;
    wk_value four = mk_list(1, three);
    assert_int_equal(wk_encode(xml, &four, &opts, &out, &st), WK_ERR_DEPTH);
    assert_string_equal(st.msg, "$[0][0][0]: nesting deeper than the limit");
    assert_int_equal(out.len, 4);
    /* A kind outside the model. */
    wk_value odd = wk_value_null();
    odd.kind = 99;
    assert_int_equal(wk_encode(xml, &odd, NULL, &out, &st), WK_ERR_INVALID);
    assert_int_equal(out.len, 4);
    /* Appending after what was there, the namespace in the right place. */
    wk_value b = mk_bytes("a", 1);
    assert_int_equal(wk_encode(xml, &b, NULL, &out, &st), WK_OK);
    check_bytes(__FILE__, __LINE__, out.data, out.len,
                "keep" DECL "<string " NS " " WKNS " wk:type=\"bytes\">YQ==</string>",
                sizeof("keep" DECL "<string " NS " " WKNS " wk:type=\"bytes\">YQ==</string>") - 1);
    wk_buf_destroy(&out);
}

/*
 * A failure inside a <wk:member> (a map member whose key is a list or a
 * map) formatted the error's path with a step for the member that was
 * never set: a NULL container, read by the path formatter (a crash), or
 * one left over from an earlier sibling. The member has no step of its
 * own; the map's step names it.
 */
static void test_encode_error_inside_member(void **state)
{
    (void)state;
    wk_buf out;
    wk_buf_init(&out);
    wk_status st;
    /* The key list is one level too deep. */
    wk_value keyed = mk_map(1, mk_list(1, wk_value_int(1)), wk_value_null());
    wk_encode_opts opts = {.max_depth = 2};
    assert_int_equal(wk_encode(xml, &keyed, &opts, &out, &st), WK_ERR_DEPTH);
    assert_string_equal(st.msg, "$[0]: nesting deeper than the limit");
    assert_int_equal(out.len, 0);
    /* A bad value in the member's value, after a sibling list at the member's depth. */
    wk_value odd = wk_value_null();
    odd.kind = 99;
    wk_value two = mk_obj(2, "a", mk_list(1, mk_list(2, wk_value_int(1), wk_value_int(2))),
                          "b", mk_map(1, mk_list(0), mk_list(2, wk_value_null(), odd)));
    assert_int_equal(wk_encode(xml, &two, NULL, &out, &st), WK_ERR_INVALID);
    assert_string_equal(st.msg, "$.b[0][1]: value of unknown kind");
    assert_int_equal(out.len, 0);
    /* The same inside the key, a map in a list. */
    wk_value in_key = mk_map(1, mk_list(1, mk_obj(1, "k", odd)), wk_value_int(3));
    assert_int_equal(wk_encode(xml, &in_key, NULL, &out, &st), WK_ERR_INVALID);
    assert_string_equal(st.msg, "$[0][0].k: value of unknown kind");
    assert_int_equal(out.len, 0);
    wk_buf_destroy(&out);
}

/* Deep trees, written on a thread with a 64 KiB stack. */
typedef struct deep_job {
    const wk_value *v;
    uint32_t max_depth;
    wk_buf out;
    wk_status st;
    wk_code rc;
} deep_job;

static void *deep_encode(void *arg)
{
    deep_job *j = arg;
    wk_encode_opts opts = {.max_depth = j->max_depth};
    j->rc = wk_encode(xml, j->v, &opts, &j->out, &j->st);
    return NULL;
}

static wk_code encode_on_small_stack(deep_job *j)
{
    pthread_attr_t attr;
    pthread_t t;
    assert_int_equal(pthread_attr_init(&attr), 0);
    assert_int_equal(pthread_attr_setstacksize(&attr, 64 * 1024), 0);
    assert_int_equal(pthread_create(&t, &attr, deep_encode, j), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    pthread_attr_destroy(&attr);
    return j->rc;
}

/*
 * The writer keeps its own stack of open elements: nesting costs no C
 * stack, so lists at WK_MAX_DEPTH_LIMIT, and maps whose keys are maps
 * (each a <wk:member> around a key and a value), are written on a thread
 * whose stack is far too small for a frame a level, and read back.
 */
static void test_encode_deep_on_a_small_stack(void **state)
{
    (void)state;
    wk_value deep = wk_value_int(7);
    for (size_t i = 0; i < WK_MAX_DEPTH_LIMIT; i++) deep = mk_list(1, deep);
    deep_job j = {.v = &deep, .max_depth = WK_MAX_DEPTH_LIMIT};
    wk_buf_init(&j.out);
    assert_int_equal(encode_on_small_stack(&j), WK_OK);
    const wk_value *back;
    wk_decode_opts dopts = {.max_depth = WK_MAX_DEPTH_LIMIT + 1};
    wk_status st;
    assert_int_equal(wk_decode(xml, j.out.data, j.out.len, &dopts, arena, &back, &st), WK_OK);
    assert_true(wk_value_equal(back, &deep));
    size_t with_number = j.out.len;
    /* One level fewer allowed: the error names the path down to the list too deep. */
    wk_buf_clear(&j.out);
    j.max_depth = WK_MAX_DEPTH_LIMIT - 1;
    assert_int_equal(encode_on_small_stack(&j), WK_ERR_DEPTH);
    assert_int_equal(j.out.len, 0);
    assert_int_equal(strncmp(j.st.msg, "$[0][0][0]", 10), 0);

    /* Keys that are maps, 3000 deep: member in member. */
    wk_value key = mk_str("k");
    for (size_t i = 0; i < 3000; i++) key = mk_map(1, key, wk_value_int((int64_t)i));
    wk_value keyed = mk_map(1, key, mk_str("v"));
    j.v = &keyed;
    j.max_depth = WK_MAX_DEPTH_LIMIT;
    wk_buf_clear(&j.out);
    assert_int_equal(encode_on_small_stack(&j), WK_OK);
    assert_int_equal(wk_decode(xml, j.out.data, j.out.len, &dopts, arena, &back, &st), WK_OK);
    assert_true(wk_value_equal(back, &keyed));
    assert_true(j.out.len > with_number);
    wk_buf_destroy(&j.out);
}

/* Large strings grow the buffer as they go, escapes and all. */
static void test_encode_large_strings(void **state)
{
    (void)state;
    size_t n = 3 << 20;
    char *s = malloc(n);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++) s[i] = "ab<&\r>\"x"[i % 8];
    wk_value v = mk_obj(1, "k", mk_strn(s, n));
    ASSERT_ROUND_TRIP(v);
    v = mk_map(1, mk_strn(s, n), wk_value_null());
    ASSERT_ROUND_TRIP(v);
    free(s);
}

/* ================================================================== */
/* Decoding                                                            */
/* ================================================================== */

static void test_decode_every_kind(void **state)
{
    (void)state;
    const wk_value *v = DECODE("<map " NS "><null key=\"n\"/><boolean key=\"t\">true</boolean>"
                               "<number key=\"i\">-42</number><number key=\"u\">18446744073709551615</number>"
                               "<number key=\"d\">1.5</number><string key=\"s\">x</string>"
                               "<array key=\"l\"><number>1</number></array><map key=\"m\"/></map>");
    assert_int_equal(V_KIND(v), WK_MAP);
    assert_int_equal(V_COUNT(v), 8);
    const wk_member *m = V_MEMBERS(v);
    assert_int_equal(V_KIND(&m[0].value), WK_NULL);
    assert_true(V_BOOL(&m[1].value));
    assert_int_equal(V_KIND(&m[2].value), WK_INT);
    assert_int_equal(V_INT(&m[2].value), -42);
    assert_int_equal(V_KIND(&m[3].value), WK_UINT);
    assert_int_equal(V_KIND(&m[4].value), WK_DOUBLE);
    assert_true(V_DOUBLE(&m[4].value) == 1.5);
    assert_int_equal(V_KIND(&m[5].value), WK_STRING);
    assert_int_equal(V_LEN(&m[5].value), 1);
    assert_int_equal(V_STR(&m[5].value)[1], '\0');   /* the NUL the model promises */
    assert_int_equal(V_KIND(&m[6].value), WK_LIST);
    assert_int_equal(V_COUNT(&m[7].value), 0);
    assert_ptr_equal(wk_map_get(v, "d"), &m[4].value);
}

/* Number text: the JSON grammar and xs:double's forms; integers stay exact. */
static void test_decode_numbers(void **state)
{
    (void)state;
    static const struct { const char *text; wk_kind kind; int64_t i; double d; } cases[] = {
        {"0", WK_INT, 0, 0}, {"-0", WK_INT, 0, 0}, {"+7", WK_INT, 7, 0}, {"007", WK_INT, 7, 0},
        {"9007199254740993", WK_INT, INT64_C(9007199254740993), 0},
        {"-9223372036854775808", WK_INT, INT64_MIN, 0}, {" \t\n42\r\n", WK_INT, 42, 0},
        {"1.0", WK_DOUBLE, 0, 1.0}, {"5.", WK_DOUBLE, 0, 5.0}, {".5", WK_DOUBLE, 0, 0.5},
        {"-.5", WK_DOUBLE, 0, -0.5}, {"1e2", WK_DOUBLE, 0, 100.0}, {"1E-2", WK_DOUBLE, 0, 0.01},
        {"-0.0", WK_DOUBLE, 0, -0.0}, {"00.10", WK_DOUBLE, 0, 0.1}, {"+1.5e+1", WK_DOUBLE, 0, 15.0},
        {"18446744073709551616", WK_DOUBLE, 0, 18446744073709551616.0},
        {"-9223372036854775809", WK_DOUBLE, 0, -9223372036854775808.0},
        {"1e-400", WK_DOUBLE, 0, 0.0}, {"5e-324", WK_DOUBLE, 0, 5e-324},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char doc[128];
        int n = snprintf(doc, sizeof doc, "<number " NS ">%s</number>", cases[i].text);
        const wk_value *v = decode_with(__FILE__, __LINE__, xml, doc, (size_t)n, NULL, arena);
        if (V_KIND(v) != cases[i].kind) print_error("\"%s\": kind %s\n", cases[i].text, wk_kind_name((wk_kind)V_KIND(v)));
        assert_int_equal(V_KIND(v), cases[i].kind);
        if (cases[i].kind == WK_INT) {
            assert_int_equal(V_INT(v), cases[i].i);
        } else {
            double got = V_DOUBLE(v);
            assert_memory_equal(&got, &cases[i].d, sizeof got);
        }
    }
    uint64_t u = 0;
    const wk_value *v = DECODE("<number " NS ">18446744073709551615</number>");
    assert_int_equal(V_KIND(v), WK_UINT);
    memcpy(&u, &v->as, sizeof u);
    assert_true(u == UINT64_MAX);
    static const bad_case bad[] = {
        BAD("<number " NS "/>", TYPE, 0, 1, 1),
        BAD("<number " NS ">1 2</number>", TYPE, 0, 1, 1),
        BAD("<number " NS ">0x10</number>", TYPE, 0, 1, 1),
        BAD("<number " NS ">1e</number>", TYPE, 0, 1, 1),
        BAD("<number " NS ">.</number>", TYPE, 0, 1, 1),
        BAD("<number " NS ">-</number>", TYPE, 0, 1, 1),
        BAD("<number " NS ">Infinity</number>", TYPE, 0, 1, 1),
        BAD("<number " NS ">nan</number>", TYPE, 0, 1, 1),
        BAD("<number " NS ">-NaN</number>", TYPE, 0, 1, 1),
        BAD("<array " NS ">\n<number>1e999</number></array>", RANGE, 55, 2, 1),
    };
    RUN_BAD(bad);
}

/* Every marker, values and keys, read back; and each misuse of one. */
static void test_decode_markers(void **state)
{
    (void)state;
    const wk_value *v = DECODE("<map " NS " " WKNS ">"
                               "<null key=\" \" wk:key-type=\"null\"/>"
                               "<null key=\"1\" wk:key-type=\"boolean\"/>"
                               "<null key=\"007\" wk:key-type=\"number\"/>"
                               "<null key=\"AQ\" wk:key-type=\"bytes\"/>"
                               "<null key=\"\" wk:key-type=\"ext\" wk:key-ext=\"-7\"/>"
                               "<null key=\"k\" wk:key-type=\"string\"/>"
                               "<null key=\"a\\u0041\" escaped-key=\"true\"/>"
                               "<null key=\"QQ==\" wk:key-encoding=\"base64\"/>"
                               "<string key=\"b\" wk:type=\"bytes\"> AQ\nID </string>"
                               "<string key=\"x\" wk:type=\"ext\" wk:ext=\"+5\">YWI=</string>"
                               "<string key=\"s\" wk:type=\"string\">plain</string>"
                               "<number key=\"nan\" wk:bits=\"7FF0000000000001\"> NaN </number>"
                               "</map>");
    wk_value want = mk_map(12, wk_value_null(), wk_value_null(), wk_value_bool(true), wk_value_null(),
                           wk_value_int(7), wk_value_null(), mk_bytes("\x01", 1), wk_value_null(),
                           mk_ext(-7, "", 0), wk_value_null(), mk_str("k"), wk_value_null(),
                           mk_str("aA"), wk_value_null(), mk_str("A"), wk_value_null(),
                           mk_str("b"), mk_bytes("\x01\x02\x03", 3), mk_str("x"), mk_ext(5, "ab", 2),
                           mk_str("s"), mk_str("plain"), mk_str("nan"), mk_bits(UINT64_C(0x7FF0000000000001)));
    assert_true(wk_value_equal(v, &want));
    static const bad_case bad[] = {
        BAD("<map " NS " " WKNS "><null key=\"x\" wk:key-type=\"null\"/></map>", TYPE, 81, 1, 82),
        BAD("<map " NS " " WKNS "><null key=\"2\" wk:key-type=\"boolean\"/></map>", TYPE, 81, 1, 82),
        BAD("<map " NS " " WKNS "><null key=\"x\" wk:key-type=\"number\"/></map>", TYPE, 81, 1, 82),
        BAD("<map " NS " " WKNS "><null key=\"A\" wk:key-type=\"bytes\"/></map>", TYPE, 81, 1, 82),
        BAD("<map " NS " " WKNS "><null key=\"\" wk:key-type=\"ext\"/></map>", TYPE, 81, 1, 82),
        BAD("<map " NS " " WKNS "><null key=\"\" wk:key-ext=\"1\"/></map>", TYPE, 81, 1, 82),
        BAD("<map " NS " " WKNS "><null key=\"1\" wk:key-type=\"number\" wk:key-bits=\"7ff0000000000001\"/></map>",
            TYPE, 81, 1, 82),
        BAD("<map " NS " " WKNS "><null key=\"NaN\" wk:key-type=\"number\" wk:key-bits=\"0\"/></map>",
            TYPE, 81, 1, 82),
        BAD("<map " NS "><null key=\"\\x\" escaped-key=\"true\"/></map>", TYPE, 52, 1, 53),
        BAD("<map " NS "><null key=\"x\" escaped-key=\"maybe\"/></map>", TYPE, 52, 1, 53),
        BAD("<map " NS " " WKNS "><null key=\"/w==\" wk:key-encoding=\"base64\"/></map>", UTF8, 81, 1, 82),
        BAD("<map " NS " " WKNS "><null key=\"x\" wk:type=\"bytes\"/></map>", TYPE, 81, 1, 82),
        BAD("<map " NS " " WKNS "><number key=\"x\" wk:bits=\"7ff0000000000001\">1</number></map>",
            TYPE, 81, 1, 82),
        BAD("<map " NS " " WKNS "><string key=\"x\" wk:type=\"ext\">AA==</string></map>", TYPE, 81, 1, 82),
        BAD("<map " NS " " WKNS "><string key=\"x\" wk:type=\"bytes\" escaped=\"true\">AA==</string></map>",
            TYPE, 81, 1, 82),
        BAD("<map " NS " " WKNS "><string key=\"x\" wk:encoding=\"hex\">00</string></map>", TYPE, 81, 1, 82),
        BAD("<map " NS " " WKNS "><string key=\"x\" encoding=\"base64\" wk:encoding=\"base64\">AA==</string></map>",
            TYPE, 81, 1, 82),
        BAD("<map " NS "><array key=\"x\" escaped=\"true\"/></map>", TYPE, 52, 1, 53),
        BAD("<map " NS " xmlns:f=\"http://www.w3.org/2005/xpath-functions\"><null f:key=\"x\"/></map>",
            TYPE, 101, 1, 102),
    };
    RUN_BAD(bad);
}

/* Depth: the limit counts maps and arrays, as JSON's does; 100000 levels fail cleanly. */
static void test_decode_depth(void **state)
{
    (void)state;
    size_t levels = 100000;
    size_t cap = levels * 16 + 100;
    char *doc = malloc(cap);
    assert_non_null(doc);
    size_t n = (size_t)snprintf(doc, cap, "<array " NS ">");
    size_t first = n;
    for (size_t i = 1; i < levels; i++) n += (size_t)snprintf(doc + n, cap - n, "<array>");
    for (size_t i = 0; i < levels; i++) n += (size_t)snprintf(doc + n, cap - n, "</array>");
    /* The 513th <array> is the first too deep. */
    bad_case c = {doc, n, WK_ERR_DEPTH, first + 511 * 7, 1, (uint32_t)(first + 511 * 7 + 1)};
    assert_true(run_bad_case(&c, NULL, "100000 nested arrays"));
    wk_decode_opts opts = {0};
    opts.max_depth = WK_MAX_DEPTH_LIMIT + 5;   /* clamped to 10000 */
    c.offset = first + 9999 * 7;
    c.col = (uint32_t)c.offset + 1;
    assert_true(run_bad_case(&c, &opts, "100000 nested arrays, limit 10000"));
    /* parse_only has no limit of its own, and libxml2 does not recurse. */
    assert_int_equal(wk_parse_only(xml, doc, n, NULL, NULL), WK_OK);

    /* Exactly at the limit: fine. */
    opts.max_depth = 3;
    static const char three[] = "<array " NS "><map><array key=\"a\"><number>1</number></array></map></array>";
    const wk_value *v = decode_with(__FILE__, __LINE__, xml, three, sizeof three - 1, &opts, arena);
    assert_int_equal(V_COUNT(v), 1);
    static const bad_case four[] = {
        BAD("<array " NS "><map><array key=\"a\"><array/></array></map></array>", DEPTH, 74, 1, 75),
    };
    run_bad_cases(__FILE__, __LINE__, four, 1, &opts);

    /* Scalars never nest: the second level of strings is an error at once. */
    n = (size_t)snprintf(doc, cap, "<string " NS ">");
    for (size_t i = 1; i < levels; i++) n += (size_t)snprintf(doc + n, cap - n, "<string>");
    bad_case s = {doc, n, WK_ERR_TYPE, 55, 1, 56};
    assert_true(run_bad_case(&s, NULL, "nested strings"));
    /* Nor do members: a member in a member is outside a map. */
    n = (size_t)snprintf(doc, cap, "<map " NS " " WKNS ">");
    for (size_t i = 0; i < levels; i++) n += (size_t)snprintf(doc + n, cap - n, "<wk:member>");
    bad_case m = {doc, n, WK_ERR_TYPE, 92, 1, 93};
    assert_true(run_bad_case(&m, NULL, "nested members"));
    free(doc);
}

/* The text of one element, or one attribute, is limited (opts->max_text). */
static void test_decode_text_limit(void **state)
{
    (void)state;
    char *doc = malloc(8192);
    assert_non_null(doc);
    wk_decode_opts opts = {0};
    opts.max_text = 1000;
    /* 1000 bytes pass, in one piece or in many (references cut text into pieces). */
    size_t n = (size_t)snprintf(doc, 8192, "<array " NS "><string>");
    memset(doc + n, 'x', 1000);
    n += 1000;
    n += (size_t)snprintf(doc + n, 8192 - n, "</string></array>");
    const wk_value *v = decode_with(__FILE__, __LINE__, xml, doc, n, &opts, arena);
    assert_int_equal(V_LEN(&V_ITEMS(v)[0]), 1000);
    n = (size_t)snprintf(doc, 8192, "<array " NS "><string>");
    for (int i = 0; i < 200; i++) n += (size_t)snprintf(doc + n, 8192 - n, "ab&amp;c");
    n += (size_t)snprintf(doc + n, 8192 - n, "</string></array>");
    v = decode_with(__FILE__, __LINE__, xml, doc, n, &opts, arena);
    assert_int_equal(V_LEN(&V_ITEMS(v)[0]), 800);
    /* 1001 do not: the error points at the element. */
    n = (size_t)snprintf(doc, 8192, "<array " NS ">\n <string>");
    memset(doc + n, 'x', 1001);
    n += 1001;
    n += (size_t)snprintf(doc + n, 8192 - n, "</string></array>");
    bad_case c = {doc, n, WK_ERR_LIMIT, 56, 2, 2};
    assert_true(run_bad_case(&c, &opts, "1001 bytes of text"));
    n = (size_t)snprintf(doc, 8192, "<array " NS ">\n <string>");
    for (int i = 0; i < 201; i++) n += (size_t)snprintf(doc + n, 8192 - n, "ab&amp;cd");
    n += (size_t)snprintf(doc + n, 8192 - n, "</string></array>");
    c.len = n;
    assert_true(run_bad_case(&c, &opts, "1005 bytes of text in pieces"));
    /* Keys too. */
    n = (size_t)snprintf(doc, 8192, "<map " NS "><null key=\"");
    memset(doc + n, 'k', 1001);
    n += 1001;
    n += (size_t)snprintf(doc + n, 8192 - n, "\"/></map>");
    bad_case k = {doc, n, WK_ERR_LIMIT, 52, 1, 53};
    assert_true(run_bad_case(&k, &opts, "a key of 1001 bytes"));
    /* The default is 64 MiB. */
    assert_int_equal(WK_DEFAULT_MAX_TEXT, 64u << 20);
    free(doc);
}

/* A tiny fixed arena: every size either fits or fails with NOMEM, never a crash. */
static void test_decode_fixed_arena(void **state)
{
    (void)state;
    static const char doc[] =
        "<map " NS " " WKNS "><array key=\"list\"><number>1</number><number>-2.5</number>"
        "<string>some text</string><null/><boolean>true</boolean></array>"
        "<map key=\"nested\"><string key=\"deeper\" wk:type=\"bytes\">AQIDBA==</string>"
        "<string key=\"esc\" escaped=\"true\">a\\nb</string>"
        "<string key=\"b64\" wk:encoding=\"base64\">YQFi</string></map>"
        "<wk:member><array><number>1</number></array><string wk:type=\"ext\" wk:ext=\"4\">eA==</string></wk:member>"
        "<number key=\"1\" wk:key-type=\"number\">18446744073709551615</number></map>";
    const wk_value *ref = DECODE(doc);
    size_t fits = 0, nomem = 0, first_fit = 0;
    for (size_t size = 64; size <= 4096; size += 8) {
        void *mem = malloc(size);
        assert_non_null(mem);
        wk_arena *a = wk_arena_new_fixed(mem, size);
        if (!a) {
            free(mem);
            continue;
        }
        const wk_value sentinel = wk_value_null();
        const wk_value *v = &sentinel;
        wk_status st;
        wk_code rc = wk_decode(xml, doc, sizeof doc - 1, NULL, a, &v, &st);
        if (rc != WK_OK && rc != WK_ERR_NOMEM) print_error("size %zu: %s: %s\n", size, wk_code_name(rc), st.msg);
        assert_true(rc == WK_OK || rc == WK_ERR_NOMEM);
        assert_int_equal(st.code, rc);
        if (rc == WK_ERR_NOMEM) {
            assert_int_equal(fits, 0);   /* once a size fits, every larger one must */
            assert_ptr_equal(v, &sentinel);
            assert_true(st.offset <= sizeof doc - 1);
            nomem++;
        } else {
            if (!fits) first_fit = size;
            fits++;
            assert_true(wk_value_equal(v, ref));
            assert_true((const char *)v >= (const char *)mem && (const char *)v < (const char *)mem + size);
        }
        wk_arena_free(a);
        free(mem);
    }
    print_message("fixed arena: NOMEM below %zu bytes (%zu sizes), fits from there (%zu sizes)\n",
                  first_fit, nomem, fits);
    assert_true(nomem > 10);
    assert_true(fits > 10);
}

/* Every prefix of a document fails cleanly; so do documents with a byte changed. */
static void test_decode_damaged_documents(void **state)
{
    (void)state;
    static const char doc[] =
        "<?xml version=\"1.0\"?>\n<map " NS " " WKNS "><array key=\"a&amp;b\"><number>1.5</number>"
        "<string><![CDATA[x<y]]>&#233;</string><!-- c --><null/></array>"
        "<string key=\"k\" wk:type=\"bytes\">AQID</string><wk:member><null/><boolean>1</boolean></wk:member></map>";
    size_t len = sizeof doc - 1;
    for (size_t n = 0; n < len; n++) {
        wk_arena *a = wk_arena_new(0);
        const wk_value *v;
        wk_status st;
        wk_code rc = wk_decode(xml, doc, n, NULL, a, &v, &st);
        if (rc == WK_OK) print_error("the prefix of %zu bytes decoded\n", n);
        assert_int_not_equal(rc, WK_OK);
        assert_true(st.offset <= n);
        wk_arena_free(a);
    }
    char *copy = malloc(len);
    assert_non_null(copy);
    uint32_t seed = 12345;
    size_t ok = 0;
    for (int round = 0; round < 3000; round++) {
        memcpy(copy, doc, len);
        for (int k = 0; k < 1 + round % 3; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % len;
            seed = seed * 1103515245u + 12345u;
            copy[at] = (char)(seed >> 16);
        }
        wk_arena *a = wk_arena_new(0);
        const wk_value *v;
        wk_status st;
        wk_code rc = wk_decode(xml, copy, len, NULL, a, &v, &st);
        if (rc == WK_OK) ok++;
        else assert_true(st.offset <= len && st.msg[0] != '\0');
        (void)wk_parse_only(xml, copy, len, NULL, &st);
        wk_arena_free(a);
    }
    print_message("%zu of 3000 damaged documents still decoded\n", ok);
    free(copy);
}

/* A document's external entities and DTD are never opened: a FIFO would block. */
static void test_external_resources_never_opened(void **state)
{
    (void)state;
    char dir[] = "/tmp/wirekit-xml-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char fifo[64], doc[512];
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    /* Each document is before, the FIFO's path, after. */
    static const char *const parts[][2] = {
        {"<!DOCTYPE string [ <!ENTITY xxe SYSTEM \"file://", "\"> ]><string " NS ">&xxe;</string>"},
        {"<!DOCTYPE string [ <!ENTITY % pe SYSTEM \"file://", "\"> %pe; ]><string " NS ">x</string>"},
        {"<!DOCTYPE string SYSTEM \"file://", "\"><string " NS ">x</string>"},
        {"<!DOCTYPE string [ <!ENTITY xxe SYSTEM \"", "\"> ]><string " NS ">&xxe;</string>"},
        {"<!DOCTYPE string [ <!ENTITY u SYSTEM \"file://", "\" NDATA gif> ]><string " NS ">x</string>"},
    };
    static const wk_code expected[] = {WK_ERR_UNSUPPORTED, WK_ERR_UNSUPPORTED, WK_OK,
                                       WK_ERR_UNSUPPORTED, WK_ERR_UNSUPPORTED};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        int n = snprintf(doc, sizeof doc, "%s%s%s", parts[i][0], fifo, parts[i][1]);
        for (int mode = 0; mode < 2; mode++) {
            pid_t pid = fork();
            assert_true(pid >= 0);
            if (pid == 0) {
                /* Opening the FIFO for reading would block with no writer. */
                alarm(20);
                wk_arena *a = wk_arena_new(0);
                const wk_value *v;
                wk_code rc = mode == 0 ? wk_decode(xml, doc, (size_t)n, NULL, a, &v, NULL)
                                       : wk_parse_only(xml, doc, (size_t)n, NULL, NULL);
                _exit(rc == expected[i] ? 0 : 10 + (int)rc);
            }
            int status = 0;
            assert_int_equal(waitpid(pid, &status, 0), pid);
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                print_error("document %zu (%s): %s %d\n", i, mode ? "parse_only" : "decode",
                            WIFSIGNALED(status) ? "killed by signal" : "exit", WIFSIGNALED(status)
                                                                                ? WTERMSIG(status)
                                                                                : WEXITSTATUS(status));
            assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        }
    }
    unlink(fifo);
    rmdir(dir);
}

/* Billion laughs stops at the first declaration: no time, no memory. */
static void test_billion_laughs_is_cheap(void **state)
{
    (void)state;
    size_t len;
    uint8_t *doc = wkt_read_file(DATA_DIR "/n_billion_laughs.xml", &len);
    assert_non_null(doc);
    clock_t start = clock();
    for (int i = 0; i < 100; i++) {
        wk_arena *a = wk_arena_new(0);
        const wk_value *v;
        wk_status st;
        assert_int_equal(wk_decode(xml, doc, len, NULL, a, &v, &st), WK_ERR_UNSUPPORTED);
        assert_int_equal(wk_arena_used(a), 0);
        assert_int_equal(wk_parse_only(xml, doc, len, NULL, &st), WK_ERR_UNSUPPORTED);
        wk_arena_free(a);
    }
    double seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
    print_message("200 refusals in %.3f s\n", seconds);
    assert_true(seconds < 5.0);
    free(doc);
}

static void test_decode_arguments(void **state)
{
    (void)state;
    const wk_value *v = NULL;
    wk_status st;
    assert_int_equal(wk_decode(xml, NULL, 0, NULL, arena, &v, &st), WK_ERR_TRUNCATED);
    assert_int_equal(st.offset, 0);
    assert_null(v);
    assert_int_equal(wk_parse_only(xml, NULL, 0, NULL, &st), WK_ERR_TRUNCATED);
    /* The status of a success is clean. */
    assert_int_equal(wk_decode(xml, "<null/>", 7, NULL, arena, &v, &st), WK_OK);
    assert_int_equal(st.code, WK_OK);
    assert_string_equal(st.msg, "");
}

/* parse_only checks XML, not the vocabulary. */
static void test_parse_only(void **state)
{
    (void)state;
    wk_status st;
    static const char other[] = "<html><body class=\"x\">not the vocabulary</body></html>";
    assert_int_equal(wk_parse_only(xml, other, sizeof other - 1, NULL, &st), WK_OK);
    assert_int_equal(wk_parse_only(xml, "<a>", 3, NULL, &st), WK_ERR_TRUNCATED);
    assert_int_equal(st.offset, 3);
    assert_int_equal(wk_parse_only(xml, "<a></b>", 7, NULL, &st), WK_ERR_SYNTAX);
    assert_int_equal(st.line, 1);
    assert_int_equal(st.col, 8);
}

/* ================================================================== */
/* Round trips over the corpora                                        */
/* ================================================================== */

/*
 * JSON -> XML -> JSON: the value comes back exactly and its compact JSON is
 * byte for byte the original's; the same through pretty XML.
 */
static void check_json_via_xml(const char *label, const uint8_t *text, size_t len)
{
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    wk_buf x, j1, j2;
    wk_buf_init(&x);
    wk_buf_init(&j1);
    wk_buf_init(&j2);
    const wk_value *v = decode_with(__FILE__, __LINE__, json, text, len, NULL, a);
    encode_with(__FILE__, __LINE__, json, v, 0, &j1);
    for (int pretty = 0; pretty < 2; pretty++) {
        encode_with(__FILE__, __LINE__, xml, v, pretty ? WK_ENCODE_PRETTY : 0, &x);
        const wk_value *back = decode_with(__FILE__, __LINE__, xml, x.data, x.len, NULL, a);
        if (!wk_value_equal(v, back)) {
            print_error("%s: the value read back from XML differs\n", label);
            fail();
        }
        encode_with(__FILE__, __LINE__, json, back, 0, &j2);
        check_bytes(__FILE__, __LINE__, j2.data, j2.len, j1.data, j1.len);
        assert_int_equal(wk_parse_only(xml, x.data, x.len, NULL, NULL), WK_OK);
    }
    wk_buf_destroy(&j2);
    wk_buf_destroy(&j1);
    wk_buf_destroy(&x);
    wk_arena_free(a);
}

/*
 * MessagePack -> XML -> MessagePack: the value comes back exactly, and its
 * MessagePack is byte for byte what MessagePack alone writes for it.
 */
static void check_msgpack_via_xml(const char *label, const uint8_t *data, size_t len)
{
    wk_arena *a = wk_arena_new(0);
    assert_non_null(a);
    wk_buf x, m1, m2;
    wk_buf_init(&x);
    wk_buf_init(&m1);
    wk_buf_init(&m2);
    const wk_value *v = decode_with(__FILE__, __LINE__, msgpack, data, len, NULL, a);
    encode_with(__FILE__, __LINE__, msgpack, v, 0, &m1);
    encode_with(__FILE__, __LINE__, xml, v, 0, &x);
    const wk_value *back = decode_with(__FILE__, __LINE__, xml, x.data, x.len, NULL, a);
    if (!wk_value_equal(v, back)) {
        print_error("%s: the value read back from XML differs\n", label);
        fail();
    }
    encode_with(__FILE__, __LINE__, msgpack, back, 0, &m2);
    check_bytes(__FILE__, __LINE__, m2.data, m2.len, m1.data, m1.len);
    wk_buf_destroy(&m2);
    wk_buf_destroy(&m1);
    wk_buf_destroy(&x);
    wk_arena_free(a);
}

static size_t run_folder(const char *dir, const char *suffix, bool is_json)
{
    size_t file_count;
    char **paths = wkt_find_files(dir, NULL, suffix, &file_count);
    for (size_t i = 0; i < file_count; i++) {
        size_t len;
        uint8_t *data = wkt_read_file(paths[i], &len);
        assert_non_null(data);
        if (is_json) {
            check_json_via_xml(paths[i], data, len);
            /* And the same document as MessagePack. */
            wk_arena *a = wk_arena_new(0);
            wk_buf mp;
            wk_buf_init(&mp);
            const wk_value *v = decode_with(__FILE__, __LINE__, json, data, len, NULL, a);
            encode_with(__FILE__, __LINE__, msgpack, v, 0, &mp);
            check_msgpack_via_xml(paths[i], mp.data, mp.len);
            wk_buf_destroy(&mp);
            wk_arena_free(a);
        } else {
            check_msgpack_via_xml(paths[i], data, len);
        }
        free(data);
    }
    wkt_free_names(paths, file_count);
    return file_count;
}

static void test_corpus_round_trips(void **state)
{
    (void)state;
    size_t nj = run_folder(CORPUS_DIR, ".json", true);
    size_t nm = run_folder(CORPUS_DIR, ".msgpack", false);
    print_message("%zu .json and %zu .msgpack files under %s\n", nj, nm, CORPUS_DIR);
    if (nj + nm == 0) skip();
}

static void test_corpus_ext_round_trips(void **state)
{
    (void)state;
    if (!wkt_is_dir(CORPUS_EXT_JSON_DIR)) {
        print_message("%s is absent: skipping the shared corpus\n", CORPUS_EXT_JSON_DIR);
        skip();
    }
    size_t n = run_folder(CORPUS_EXT_JSON_DIR, ".json", true);
    print_message("%zu .json files under %s\n", n, CORPUS_EXT_JSON_DIR);
    assert_true(n > 0);
}

/* MessagePack that uses every kind and marker comes back byte for byte. */
static void test_msgpack_every_kind_via_xml(void **state)
{
    (void)state;
    static const struct { const char *bytes; size_t len; } docs[] = {
#define MP(lit) {lit, sizeof(lit) - 1}
        MP("\x8A"
           "\xC0\xA1n"                                  /* nil key */
           "\xC3\xC2"                                   /* true: false */
           "\x01\xCF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF"   /* 1: uint64 max */
           "\xD3\x80\x00\x00\x00\x00\x00\x00\x00\xCA\x3F\xC0\x00\x00"   /* int64 min: 1.5f */
           "\xCB\x3F\xB9\x99\x99\x99\x99\x99\x9A\xCB\x7F\xF0\x00\x00\x00\x00\x00\x00" /* 0.1: +inf */
           "\xC4\x02\x00\xFF\xC7\x03\x05\x01\x02\x03"    /* bin key: ext 8 */
           "\xD6\xFF\x00\x00\x00\x01\xD4\x80\x7F"        /* timestamp key: fixext 1 type -128 */
           "\x92\x01\x02\x81\xA1k\x90"                   /* [1,2] key: {"k": []} */
           "\x81\x80\xC0\xA3\x00\x01\x1F"                /* {{}: nil} key: "\0\1\x1F" */
           "\xA2\x0D\x0A\xCA\x7F\xC0\x00\x01"            /* "\r\n": float32 NaN with payload */
           ),
        MP("\x93\xCA\xFF\xC0\x00\x00\xCB\x7F\xF8\x00\x00\x00\x00\x00\x00\xCB\xFF\xF0\x00\x00\x00\x00\x00\x00"),
        MP("\xC4\x00"),
        MP("\xA5\xEF\xBF\xBE\x3C\x26"),
        MP("\xDC\x00\x10\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0A\x0B\x0C\x0D\x0E\x0F"),
#undef MP
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        check_msgpack_via_xml(show(docs[i].bytes, docs[i].len), (const uint8_t *)docs[i].bytes, docs[i].len);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_use_from_threads),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_golden_accepted),
        cmocka_unit_test(test_golden_rejected),
        cmocka_unit_test_setup_teardown(test_encode_every_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encode_doubles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encode_pretty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encode_escaping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encode_base64_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encode_bytes_and_ext, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encode_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encode_non_finite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encode_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encode_error_inside_member, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encode_deep_on_a_small_stack, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encode_large_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode_every_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode_markers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode_depth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode_text_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode_fixed_arena, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode_damaged_documents, setup, teardown),
        cmocka_unit_test(test_external_resources_never_opened),
        cmocka_unit_test(test_billion_laughs_is_cheap),
        cmocka_unit_test_setup_teardown(test_decode_arguments, setup, teardown),
        cmocka_unit_test(test_parse_only),
        cmocka_unit_test(test_corpus_round_trips),
        cmocka_unit_test(test_corpus_ext_round_trips),
        cmocka_unit_test(test_msgpack_every_kind_via_xml),
    };
    return cmocka_run_group_tests(tests, setup_group, NULL);
}
