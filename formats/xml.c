/*
 * XML through libxml2, in the W3C XPath 3.1 json-to-xml vocabulary.
 *
 * Without a schema a value is written as the XML representation of JSON of
 * XPath and XQuery Functions and Operators 3.1 (fn:json-to-xml): the
 * elements map, array, string, number, boolean and null in the namespace
 * http://www.w3.org/2005/xpath-functions, with a key attribute on each child
 * of a map. What JSON has no form for (bytes, MessagePack extensions, map
 * keys that are not strings, NaN bits, strings XML 1.0 cannot carry) is
 * marked with attributes in wirekit's own namespace, which fn:xml-to-json
 * ignores, so that every value comes back exactly; docs/mapping.md lists
 * them. Maps whose key is itself a list or a map hold such a member as a
 * <wk:member> element with two children, the key and the value.
 *
 * Decoding builds the value tree straight from libxml2's SAX2 callbacks
 * (no DOM, no text reader: on the benchmark's XML the text reader alone
 * runs at 150-190 MB/s, SAX2 at 330-410 MB/s): every finished value is
 * pushed on a scratch stack, and when a map or array closes its children are
 * copied from the stack into one exact-size array in the caller's arena, as
 * the JSON backend does. Safety: no network (XML_PARSE_NONET), no DTD
 * loading, no entity substitution; a document that declares an entity stops
 * at the declaration (so "billion laughs" costs nothing and an external
 * entity is never opened); nesting and the length of a text are limited.
 * Every parser context gets its own error handler (the SAX2 serror field):
 * libxml2's global error state is never touched.
 *
 * With a message type (wk_decode_opts.type, or a WK_MESSAGE to write), the
 * typed XML mapping of DESIGN.md (docs/mapping.md, "Typed XML"), through the
 * shared typed layer (formats/typed.h) with this file's conventions
 * (xmltyped_conv): see "Typed XML" near the end of the file.
 *
 * Encoding is our own writer straight into the wk_buf, escaping eight
 * bytes at a time: 13 to 28 times faster than xmlTextWriter on the
 * benchmark's corpora, which also escapes less than XML needs here (a
 * carriage return) and cannot mark what it cannot carry.
 */
#include "../model/internal.h"
#include "formats.h"
#include "typed.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <threads.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#define XMLW_NS_FN "http://www.w3.org/2005/xpath-functions"
#define XMLW_NS_WK "urn:x-wirekit:xml"

/* A NaN written as plain "NaN" reads back with these bits. */
#define XMLW_CANONICAL_NAN UINT64_C(0x7FF8000000000000)

/* ------------------------------------------------------------------ */
/* libxml2 itself                                                      */
/* ------------------------------------------------------------------ */

static once_flag xml_once = ONCE_FLAG_INIT;

/* xmlInitParser sets up libxml2's global tables; it is not safe to race. */
static void xml_init_library(void) { xmlInitParser(); }

static void xml_init(void) { call_once(&xml_once, xml_init_library); }

/*
 * XML_PARSE_HUGE lifts libxml2's own fixed limits (256 levels of nesting,
 * 10 MB text nodes), which are below what wirekit lets a caller choose; our
 * callbacks enforce the caller's limits instead. No XML_PARSE_NOENT (it
 * substitutes entities) and no XML_PARSE_DTDLOAD.
 */
#define XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_HUGE)

/*
 * What a decode and a parse_only share: the parser, the input and the first
 * error. It is the first member of both states, so that the callbacks they
 * share can take either.
 */
typedef struct xmlparse {
    xmlParserCtxtPtr ctxt;
    const uint8_t *input;
    size_t input_len;
    wk_status *st;
    wk_code error;          /* the first error, once there is one */
} xmlparse;

static bool xmlparse_converted(const xmlparse *p)
{
    xmlParserInputPtr in = p->ctxt && p->ctxt->inputNr > 0 ? p->ctxt->inputTab[0] : NULL;
    return in && in->buf && in->buf->encoder;
}

/*
 * Where libxml2 is reading, as a byte offset into our input. For a
 * document in another encoding libxml2 reads a UTF-8 copy, and
 * xmlByteConsumed maps back.
 */
static size_t xmlparse_where(const xmlparse *p)
{
    xmlParserInputPtr in = p->ctxt && p->ctxt->inputNr > 0 ? p->ctxt->inputTab[0] : NULL;
    if (!in || !in->base) return 0;
    size_t at;
    if (xmlparse_converted(p)) {
        long n = xmlByteConsumed(p->ctxt);
        at = n < 0 ? 0 : (size_t)n;
    } else {
        at = (size_t)(in->cur - in->base) + in->consumed;
    }
    return at < p->input_len ? at : p->input_len;
}

/*
 * The '<' that opens the markup libxml2 is inside (a start tag it has just
 * read up to its '>', or a declaration), searching back from `at`.
 * Unchanged when the input was converted from another encoding.
 */
static size_t xmlparse_markup_start(const xmlparse *p, size_t at)
{
    if (xmlparse_converted(p)) return at;
    size_t i = at < p->input_len ? at : p->input_len;
    while (i > 0) {
        if (p->input[--i] == '<') return i;
    }
    return at;
}

/* Line and column for an offset we found ourselves. */
static void xmlparse_locate(const xmlparse *p)
{
    if (!p->st) return;
    if (!xmlparse_converted(p)) {
        wk__status_locate(p->st, p->input, p->input_len);
    } else {
        xmlParserInputPtr in = p->ctxt->inputTab[0];
        p->st->line = in->line > 0 ? (uint32_t)in->line : 1;
        p->st->col = in->col > 0 ? (uint32_t)in->col : 1;
    }
}

/* Records the first error and stops libxml2. Returns code. */
static wk_code xmlparse_stop(xmlparse *p, wk_code code)
{
    if (p->error == WK_OK) p->error = code;
    if (p->ctxt) xmlStopParser(p->ctxt);
    return code;
}

static WK__PRINTF(4, 5) void xmlparse_fail(xmlparse *p, wk_code code, size_t offset,
                                           const char *fmt, ...)
{
    if (p->error != WK_OK) return;
    if (p->st) {
        char msg[WK_STATUS_MSG_MAX];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        wk__fail(p->st, code, offset, "%s", msg);
        xmlparse_locate(p);
    }
    xmlparse_stop(p, code);
}

/*
 * libxml2's errors, through the per-context structured handler. Warnings
 * are ignored; the first error stops the parse, namespace errors included
 * (libxml2 only reports those and goes on).
 */
static void xmlparse_error(void *ctx, xmlErrorPtr e)
{
    xmlparse *p = ctx;
    if (!e || e->level == XML_ERR_WARNING || p->error != WK_OK) return;
    size_t at = xmlparse_where(p);
    wk_code code = WK_ERR_SYNTAX;
    switch (e->code) {
    case XML_ERR_NO_MEMORY:
        code = WK_ERR_NOMEM;
        break;
    case XML_ERR_DOCUMENT_END:
        code = WK_ERR_TRAILING;
        break;
    case XML_ERR_UNKNOWN_ENCODING:
    case XML_ERR_UNSUPPORTED_ENCODING:
    case XML_ERR_INVALID_ENCODING:
    case XML_ERR_ENCODING_NAME:
        code = WK_ERR_UTF8;
        break;
    case XML_ERR_INVALID_CHAR:
        /* The same code stands for bytes that are not UTF-8 and for
         * characters XML forbids: tell them apart by the bytes. */
        if (!xmlparse_converted(p) && at < p->input_len &&
            wk__utf8_valid_prefix(p->input + at, p->input_len - at < 4 ? p->input_len - at : 4) == 0)
            code = WK_ERR_UTF8;
        break;
    default:
        break;
    }
    /* A document in another encoding with bytes that encoding cannot read:
     * libxml2 stops converting there (and may say so on its global handler,
     * for which 2.9.14 has no per-parser hook), then runs out of converted
     * text before the input's end and reports the markup as cut. */
    xmlParserInputPtr in = p->ctxt && p->ctxt->inputNr > 0 ? p->ctxt->inputTab[0] : NULL;
    bool bad_encoding = in && in->buf && in->buf->encoder &&
                        (in->buf->error != 0 || (in->cur >= in->end && at < p->input_len));
    if (bad_encoding) code = WK_ERR_UTF8;
    /* Errors where the input ran out are truncations (except those that
     * are about what was read last). */
    if (code == WK_ERR_SYNTAX && at >= p->input_len && e->domain != XML_FROM_NAMESPACE &&
        e->code != XML_ERR_TAG_NAME_MISMATCH && e->code != XML_ERR_INVALID_CHAR &&
        e->code != XML_ERR_ATTRIBUTE_REDEFINED && e->code != XML_ERR_UNDECLARED_ENTITY &&
        e->code != XML_WAR_UNDECLARED_ENTITY)
        code = WK_ERR_TRUNCATED;

    if (p->st) {
        /* libxml2's message, on one line and without its final newline. */
        char text[WK_STATUS_MSG_MAX - 32];
        const char *m = e->message ? e->message : "error";
        if (strcmp(m, "Unregistered error message") == 0) m = "markup not finished";
        size_t n = 0;
        for (; *m && n + 1 < sizeof text; m++) {
            char c = *m == '\n' ? ' ' : *m;
            if (c == ' ' && (n == 0 || text[n - 1] == ' ')) continue;
            text[n++] = c;
        }
        while (n && text[n - 1] == ' ') n--;
        text[n] = '\0';
        if (code == WK_ERR_TRUNCATED)
            wk__fail(p->st, code, p->input_len, "unexpected end of input: %s", text);
        else if (bad_encoding)
            wk__fail(p->st, code, at, "bytes that are not %s, the document's encoding",
                     in->buf->encoder->name ? in->buf->encoder->name : "valid");
        else
            wk__fail(p->st, code, at, "%s", text);
        if (e->line > 0 && e->int2 > 0) {
            p->st->line = (uint32_t)e->line;
            p->st->col = (uint32_t)e->int2;
        } else {
            xmlparse_locate(p);
        }
    }
    xmlparse_stop(p, code);
}

/*
 * Entities: a declaration stops the parse where it stands, so that
 * nothing is ever expanded (billion laughs) or fetched (an external
 * entity). The predefined entities (&lt; and the like) and character
 * references need no declaration and are read as usual.
 */
static void xmlparse_refuse_entity(xmlparse *p, const xmlChar *name)
{
    size_t at = xmlparse_where(p);
    /* Point at the declaration's "<!ENTITY". */
    if (!xmlparse_converted(p)) {
        size_t i = at < p->input_len ? at : p->input_len;
        while (i > 0) {
            i--;
            if (p->input[i] == '<' && p->input_len - i >= 8 &&
                memcmp(p->input + i, "<!ENTITY", 8) == 0) {
                at = i;
                break;
            }
        }
    }
    xmlparse_fail(p, WK_ERR_UNSUPPORTED, at,
                  "the document declares the entity '%.64s': entities are not expanded "
                  "(no DTD entities, internal or external, are read)", (const char *)name);
}

static void xmlparse_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                                 const xmlChar *system_id, xmlChar *content)
{
    (void)type;
    (void)public_id;
    (void)system_id;
    (void)content;
    xmlparse_refuse_entity(ctx, name);
}

static void xmlparse_unparsed_entity_decl(void *ctx, const xmlChar *name, const xmlChar *public_id,
                                          const xmlChar *system_id, const xmlChar *notation)
{
    (void)public_id;
    (void)system_id;
    (void)notation;
    xmlparse_refuse_entity(ctx, name);
}

/* No entity is ever known, so every reference but the predefined ones fails. */
static xmlEntityPtr xmlparse_get_entity(void *ctx, const xmlChar *name)
{
    (void)ctx;
    (void)name;
    return NULL;
}

/* Called for an undeclared entity when libxml2 only warns about it. */
static void xmlparse_reference(void *ctx, const xmlChar *name)
{
    xmlparse *p = ctx;
    xmlparse_fail(p, WK_ERR_SYNTAX, xmlparse_where(p), "reference to the undeclared entity '%.64s'",
                  (const char *)name);
}

/*
 * Runs libxml2 over the input with a SAX2 handler whose user data is
 * `state` (starting with an xmlparse). Returns WK_OK or the first error,
 * which is recorded in p->st.
 */
static wk_code xmlparse_run(xmlparse *p, const xmlSAXHandler *sax, void *state)
{
    if (p->input_len > INT_MAX)
        return wk__fail(p->st, WK_ERR_LIMIT, 0,
                        "XML input of %zu bytes: libxml2 reads at most 2 GiB - 1 bytes at once",
                        p->input_len);
    xml_init();
    p->ctxt = xmlCreatePushParserCtxt((xmlSAXHandler *)sax, state, NULL, 0, NULL);
    if (!p->ctxt) return wk__fail(p->st, WK_ERR_NOMEM, 0, "out of memory creating the XML parser");
    xmlDocPtr doc = xmlCtxtReadMemory(p->ctxt, (const char *)p->input, (int)p->input_len, NULL,
                                      NULL, XML_OPTIONS);
    if (doc) xmlFreeDoc(doc);
    if (p->error == WK_OK && p->ctxt->inputNr == 0) {
        /* libxml2 gives up without a word when it cannot copy the input. */
        xmlparse_stop(p, wk__fail(p->st, WK_ERR_NOMEM, 0, "out of memory reading the XML input"));
    } else if (p->error == WK_OK && !p->ctxt->wellFormed) {
        /* Every error reaches our handler; kept so that none goes unreported. */
        xmlErrorPtr e = xmlCtxtGetLastError(p->ctxt);
        xmlparse_fail(p, WK_ERR_SYNTAX, xmlparse_where(p), "%s",
                      e && e->message ? e->message : "not well-formed");
    }
    xmlFreeParserCtxt(p->ctxt);
    p->ctxt = NULL;
    return p->error;
}

static bool xml_is_space(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* ------------------------------------------------------------------ */
/* Decoding                                                            */
/* ------------------------------------------------------------------ */

typedef enum xmldec_elem {
    XMLDEC_MAP,
    XMLDEC_ARRAY,
    XMLDEC_STRING,
    XMLDEC_NUMBER,
    XMLDEC_BOOLEAN,
    XMLDEC_NULL,
    XMLDEC_MEMBER      /* <wk:member>: a map member whose key is not a string */
} xmldec_elem;

static const char *const xmldec_elem_names[] = {
    "map", "array", "string", "number", "boolean", "null", "wk:member",
};

/* How the text of a scalar element or of a key attribute is to be read. */
enum { XMLDEC_PLAIN, XMLDEC_ESCAPED, XMLDEC_BASE64 };

typedef struct xmldec_scalar {
    uint8_t elem;        /* XMLDEC_STRING, _NUMBER, _BOOLEAN or _NULL */
    uint8_t binary;      /* strings: 0 for text, or WK_BYTES or WK_EXT (base64 text) */
    uint8_t form;        /* text strings: XMLDEC_PLAIN, _ESCAPED (JSON escapes) or _BASE64 */
    int8_t ext_type;
    bool has_bits;       /* numbers: the exact bits of a NaN */
    uint64_t bits;
} xmldec_scalar;

typedef struct xmldec_attr {
    const char *v;       /* NULL when absent; not NUL-terminated */
    size_t n;
} xmldec_attr;

/* One open element. */
typedef struct xmldec_frame {
    size_t start;        /* vals index of its first child (maps, arrays, members) */
    size_t slot;         /* vals index where its member or item begins (its key, in a map) */
    size_t tag;          /* where libxml2 was when it had read the start tag */
    xmldec_scalar scalar;
    uint8_t elem;        /* an xmldec_elem */
} xmldec_frame;

typedef struct xmldec {
    xmlparse p;          /* first: the shared callbacks take it */
    wk_arena *arena;
    uint32_t max_depth;
    uint32_t max_text;
    uint32_t depth;      /* open maps and arrays */
    /* The namespace names libxml2 hands over are interned per document:
     * after the first comparison, comparing pointers is enough. */
    const xmlChar *fn_uri, *wk_uri;
    const xmlChar *names[XMLDEC_MEMBER];   /* the element names, by xmldec_elem */
    const xmlChar *key_name;               /* the attribute name "key" */
    xmldec_attr pending_key;               /* the key of an element being opened, for paths */

    wk_value *vals;      /* finished values; a map's keys and values interleaved */
    size_t nvals, capvals;
    xmldec_frame *frames;
    size_t nframes, capframes;
    char *text;          /* the text of the open scalar element, or scratch for a key */
    size_t ntext, captext;
} xmldec;

static wk_value *xmldec_push(xmldec *d)
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

/* Frames named in an error's path; deeper paths end in "...". */
#define XMLDEC_PATH_FRAMES 24

/*
 * The path of the element whose member or item begins at vals[slot], a
 * child of the innermost of the first `nframes` frames: "$.a[2].b".
 */
static void xmldec_path(xmldec *d, size_t nframes, size_t slot, char *out, size_t cap)
{
    wk_value fake[XMLDEC_PATH_FRAMES];
    wk__path steps[XMLDEC_PATH_FRAMES];
    size_t n = 0;
    bool cut = false;
    for (size_t i = 0; i < nframes; i++) {
        const xmldec_frame *f = &d->frames[i];
        if (f->elem != XMLDEC_MAP && f->elem != XMLDEC_ARRAY) continue;
        if (n == XMLDEC_PATH_FRAMES) {
            cut = true;
            break;
        }
        size_t child = i + 1 < nframes ? d->frames[i + 1].slot : slot;
        size_t end = d->nvals > child ? d->nvals : child;
        if (f->elem == XMLDEC_MAP) {
            /* Members so far, the one being read included once its key is
             * there; a key still in its attribute is shown from there. */
            size_t keys = d->nvals - f->start;
            if (child == d->nvals && d->pending_key.v && xmldec_push(d)) {
                d->nvals--;   /* room for it, shown past the end of the stack */
                d->vals[d->nvals] = (wk_value){.kind = WK_STRING, .len = (uint32_t)d->pending_key.n,
                                               .as.str = d->pending_key.v};
                keys++;
            }
            fake[n] = (wk_value){.kind = WK_MAP, .len = (uint32_t)((keys + 1) / 2),
                                 .as.members = (const wk_member *)(const void *)(d->vals + f->start)};
            steps[n].index = (child - f->start) / 2;
        } else {
            fake[n] = (wk_value){.kind = WK_LIST, .len = (uint32_t)(end - f->start)};
            steps[n].index = child - f->start;
        }
        steps[n].container = &fake[n];
        n++;
    }
    wk__path_format(steps, n, out, cap);
    if (cut) {
        size_t len = strlen(out);
        if (cap - len > 3) memcpy(out + len, "...", 4);
    }
}

/*
 * Records an error about the element whose member or item begins at
 * vals[slot] in the innermost of the first `nframes` frames, with its path
 * in front of the message, and stops the parse.
 */
static WK__PRINTF(6, 7) void xmldec_fail_at(xmldec *d, wk_code code, size_t offset, size_t nframes,
                                            size_t slot, const char *fmt, ...)
{
    if (d->p.error != WK_OK) return;
    if (d->p.st) {
        char path[128], detail[WK_STATUS_MSG_MAX];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(detail, sizeof detail, fmt, ap);
        va_end(ap);
        xmldec_path(d, nframes, slot, path, sizeof path);
        wk__fail(d->p.st, code, offset, "%s: %s", path, detail);
        xmlparse_locate(&d->p);
    }
    xmlparse_stop(&d->p, code);
}

static void xmldec_nomem(xmldec *d, size_t offset)
{
    xmlparse_fail(&d->p, WK_ERR_NOMEM, offset, "out of memory");
}

/* Makes room for `extra` more bytes of text (and a NUL). */
static bool xmldec_text_reserve(xmldec *d, size_t extra)
{
    if (WK__LIKELY(d->captext - d->ntext > extra)) return true;
    size_t cap = d->captext ? d->captext : 256;
    while (cap - d->ntext <= extra) {
        if (cap > SIZE_MAX / 2) return false;
        cap *= 2;
    }
    char *t = realloc(d->text, cap);
    if (!t) return false;
    d->text = t;
    d->captext = cap;
    return true;
}

/* ---- scalar text -> value ---- */

/* Copies s[0..n) into the arena with a NUL after it. */
static char *xml_copy(wk_arena *a, const char *s, size_t n)
{
    char *p = wk__arena_alloc(a, n + 1);
    if (!p) return NULL;
    if (n) memcpy(p, s, n);   /* s is NULL for the text of an element that had none */
    p[n] = '\0';
    return p;
}

/* Removes XML white space from s[0..*n) in place (base64 may be wrapped). */
static void xmldec_squeeze(char *s, size_t *n)
{
    size_t o = 0;
    for (size_t i = 0; i < *n; i++)
        if (!xml_is_space((uint8_t)s[i])) s[o++] = s[i];
    *n = o;
}

/* Drops XML white space from both ends of s[0..*n). */
static void xml_trim(const char **s, size_t *n)
{
    while (*n && xml_is_space((uint8_t)(*s)[0])) {
        (*s)++;
        (*n)--;
    }
    while (*n && xml_is_space((uint8_t)(*s)[*n - 1])) (*n)--;
}

static int xmldec_hex(uint8_t c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Four hex digits, or -1. */
static long xmldec_hex4(const char *p)
{
    long cp = 0;
    for (int k = 0; k < 4; k++) {
        int h = xmldec_hex((uint8_t)p[k]);
        if (h < 0) return -1;
        cp = cp << 4 | h;
    }
    return cp;
}

/*
 * Text with JSON escapes (escaped="true"), decoded into the arena. The
 * result is never longer than the text. Returns WK_OK, WK_ERR_TYPE for a
 * bad escape, WK_ERR_UTF8 for a lone surrogate, or WK_ERR_NOMEM.
 */
static wk_code xmldec_unescape(xmldec *d, const char *s, size_t n, wk_value *out, char *why,
                               size_t whycap)
{
    char *o = wk__arena_alloc(d->arena, n + 1);
    if (!o) return WK_ERR_NOMEM;
    size_t len = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] != '\\') {
            o[len++] = s[i++];
            continue;
        }
        if (i + 1 == n) {
            snprintf(why, whycap, "escaped text ends in a lone backslash");
            return WK_ERR_TYPE;
        }
        char c = s[i + 1];
        static const char simple_in[] = "\"\\/bfnrt", simple_out[] = "\"\\/\b\f\n\r\t";
        const char *k = memchr(simple_in, c, sizeof simple_in - 1);
        if (k && c) {
            o[len++] = simple_out[k - simple_in];
            i += 2;
            continue;
        }
        long cp = c == 'u' && n - i >= 6 ? xmldec_hex4(s + i + 2) : -1;
        if (cp < 0) {
            snprintf(why, whycap, "escaped text holds the bad escape '\\%c'", c);
            return WK_ERR_TYPE;
        }
        i += 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            long lo = n - i >= 6 && s[i] == '\\' && s[i + 1] == 'u' ? xmldec_hex4(s + i + 2) : -1;
            if (lo < 0xDC00 || lo > 0xDFFF) {
                snprintf(why, whycap, "escaped text holds a lone high surrogate \\u%04lX", cp);
                return WK_ERR_UTF8;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            snprintf(why, whycap, "escaped text holds a lone low surrogate \\u%04lX", cp);
            return WK_ERR_UTF8;
        }
        len += wk__utf8_put((uint8_t *)(o + len), (uint32_t)cp);
    }
    o[len] = '\0';
    wk__arena_trim(d->arena, o, n + 1, len + 1);
    *out = (wk_value){.kind = WK_STRING, .len = (uint32_t)len, .as.str = o};
    return WK_OK;
}

/* Base64 text (white space allowed) decoded into the arena as `kind`. */
static wk_code xmldec_base64(xmldec *d, char *s, size_t n, uint8_t kind, int8_t ext_type,
                             wk_value *out, char *why, size_t whycap)
{
    xmldec_squeeze(s, &n);
    size_t cap = n / 4 * 3 + 3;
    uint8_t *o = wk__arena_alloc(d->arena, cap + 1);
    if (!o) return WK_ERR_NOMEM;
    size_t len;
    if (!wk__base64_decode(s, n, o, &len)) {
        snprintf(why, whycap, "'%.*s%s' is not base64", n > 24 ? 24 : (int)n, s, n > 24 ? "..." : "");
        return WK_ERR_TYPE;
    }
    o[len] = '\0';
    wk__arena_trim(d->arena, o, cap + 1, len + 1);
    if (kind == WK_STRING && wk__utf8_valid_prefix(o, len) != len) {
        snprintf(why, whycap, "the base64 text of a string decodes to bytes that are not UTF-8");
        return WK_ERR_UTF8;
    }
    *out = (wk_value){.kind = kind, .ext_type = kind == WK_EXT ? ext_type : 0, .len = (uint32_t)len,
                      .as.str = (const char *)o};
    return WK_OK;
}

/*
 * Number text: the JSON grammar, and also what xs:double allows beyond it
 * ("+1", ".5", "5.", "007", "INF", "-INF", "NaN"), with white space around
 * it. Integer text that fits int64 or uint64 stays an integer; anything
 * with a fraction or an exponent, or too large, is the nearest double.
 */
static wk_code xmldec_number(const char *s, size_t n, wk_value *out, char *why, size_t whycap)
{
    xml_trim(&s, &n);
    if (n == 3 && memcmp(s, "NaN", 3) == 0) {
        uint64_t bits = XMLW_CANONICAL_NAN;
        double d;
        memcpy(&d, &bits, sizeof d);
        *out = wk_value_double(d);
        return WK_OK;
    }
    if ((n == 3 && memcmp(s, "INF", 3) == 0) || (n == 4 && memcmp(s, "+INF", 4) == 0)) {
        *out = wk_value_double(HUGE_VAL);
        return WK_OK;
    }
    if (n == 4 && memcmp(s, "-INF", 4) == 0) {
        *out = wk_value_double(-HUGE_VAL);
        return WK_OK;
    }
    /* [sign] int-digits [. frac-digits] [(e|E) [sign] exp-digits] */
    size_t i = 0;
    bool neg = false, plus = false;
    if (i < n && (s[i] == '-' || s[i] == '+')) {
        neg = s[i] == '-';
        plus = !neg;
        i++;
    }
    size_t int_start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    size_t int_end = i, frac_start = i, frac_end = i;
    bool dot = i < n && s[i] == '.';
    if (dot) {
        frac_start = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        frac_end = i;
    }
    size_t exp_start = i;
    bool exp = i < n && (s[i] == 'e' || s[i] == 'E');
    if (exp) {
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+')) i++;
        size_t digits = i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        if (i == digits) i = n + 1;   /* an exponent needs a digit */
    }
    if (i != n || (int_end == int_start && frac_end == frac_start)) {
        snprintf(why, whycap, "'%.*s%s' is not a number", n > 32 ? 32 : (int)n, s, n > 32 ? "..." : "");
        return WK_ERR_TYPE;
    }

    if (!dot && !exp) {
        /* An integer: exact when it fits int64 or uint64. */
        size_t k = int_start;
        while (k + 1 < int_end && s[k] == '0') k++;
        uint64_t mag = 0;
        bool overflow = int_end - k > 20;
        for (; !overflow && k < int_end; k++) {
            uint64_t digit = (uint64_t)(s[k] - '0');
            if (mag > (UINT64_MAX - digit) / 10) overflow = true;
            else mag = mag * 10 + digit;
        }
        if (!overflow && !neg) {
            *out = wk_value_uint(mag);
            return WK_OK;
        }
        if (!overflow && mag <= (uint64_t)INT64_MAX + 1) {
            *out = wk_value_int(mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag);
            return WK_OK;
        }
    }

    /* wk__parse_double takes the JSON grammar: rewrite other forms into it. */
    bool json_form = !plus && int_end > int_start && (s[int_start] != '0' || int_end - int_start == 1) &&
                     (!dot || frac_end > frac_start);
    const char *text = s;
    size_t len = n;
    char local[128];
    char *heap = NULL;
    if (!json_form) {
        size_t need = n + 2;
        char *buf = need <= sizeof local ? local : (heap = malloc(need));
        if (!buf) return WK_ERR_NOMEM;
        size_t o = 0, k = int_start;
        if (neg) buf[o++] = '-';
        while (k < int_end && s[k] == '0') k++;
        if (k == int_end) buf[o++] = '0';
        memcpy(buf + o, s + k, int_end - k);
        o += int_end - k;
        if (frac_end > frac_start) {
            buf[o++] = '.';
            memcpy(buf + o, s + frac_start, frac_end - frac_start);
            o += frac_end - frac_start;
        }
        if (exp) {
            memcpy(buf + o, s + exp_start, n - exp_start);
            o += n - exp_start;
        }
        text = buf;
        len = o;
    }
    double x;
    bool ok = wk__parse_double(text, len, &x);
    free(heap);
    if (!ok) {
        snprintf(why, whycap, "'%.*s%s' is too large for a double", n > 32 ? 32 : (int)n, s,
                 n > 32 ? "..." : "");
        return WK_ERR_RANGE;
    }
    *out = wk_value_double(x);
    return WK_OK;
}

/*
 * The value that the text s[0..n) of a scalar element, or of a key
 * attribute, stands for. s may be rewritten (base64 white space is
 * squeezed out in place). On failure returns the code, with `why` saying
 * what is wrong.
 */
static wk_code xmldec_scalar_value(xmldec *d, const xmldec_scalar *sc, char *s, size_t n,
                                   wk_value *out, char *why, size_t whycap)
{
    static char empty[1];
    if (!s) s = empty;   /* the text of an element that had none */
    switch ((xmldec_elem)sc->elem) {
    case XMLDEC_STRING:
        if (sc->binary) return xmldec_base64(d, s, n, sc->binary, sc->ext_type, out, why, whycap);
        if (sc->form == XMLDEC_BASE64) return xmldec_base64(d, s, n, WK_STRING, 0, out, why, whycap);
        if (sc->form == XMLDEC_ESCAPED) return xmldec_unescape(d, s, n, out, why, whycap);
        {
            const char *p = xml_copy(d->arena, s, n);
            if (!p) return WK_ERR_NOMEM;
            *out = (wk_value){.kind = WK_STRING, .len = (uint32_t)n, .as.str = p};
        }
        return WK_OK;
    case XMLDEC_NUMBER:
        if (sc->has_bits) {
            const char *t = s;
            size_t tn = n;
            xml_trim(&t, &tn);
            double x;
            memcpy(&x, &sc->bits, sizeof x);
            if (tn != 3 || memcmp(t, "NaN", 3) != 0 || x == x) {
                snprintf(why, whycap, "wk:bits is only for a NaN, with the text NaN");
                return WK_ERR_TYPE;
            }
            *out = wk_value_double(x);
            return WK_OK;
        }
        return xmldec_number(s, n, out, why, whycap);
    case XMLDEC_BOOLEAN: {
        const char *t = s;
        size_t tn = n;
        xml_trim(&t, &tn);
        if ((tn == 4 && memcmp(t, "true", 4) == 0) || (tn == 1 && t[0] == '1')) {
            *out = wk_value_bool(true);
        } else if ((tn == 5 && memcmp(t, "false", 5) == 0) || (tn == 1 && t[0] == '0')) {
            *out = wk_value_bool(false);
        } else {
            snprintf(why, whycap, "'%.*s%s' is not a boolean (true, false, 1 or 0)",
                     tn > 32 ? 32 : (int)tn, t, tn > 32 ? "..." : "");
            return WK_ERR_TYPE;
        }
        return WK_OK;
    }
    case XMLDEC_NULL: {
        const char *t = s;
        size_t tn = n;
        xml_trim(&t, &tn);
        if (tn) {
            snprintf(why, whycap, "a null key must be empty");
            return WK_ERR_TYPE;
        }
        *out = wk_value_null();
        return WK_OK;
    }
    default:
        break;
    }
    snprintf(why, whycap, "not a scalar");
    return WK_ERR_TYPE;
}

/* ---- attributes ---- */

typedef struct xmldec_attrs {
    xmldec_attr key, escaped_key, key_type, key_ext, key_encoding, key_bits;
    xmldec_attr escaped, type, ext, encoding, bits;
} xmldec_attrs;

static bool xmldec_attr_is(const xmldec_attr *a, const char *s)
{
    size_t n = strlen(s);
    return a->v && a->n == n && memcmp(a->v, s, n) == 0;
}

/* An xs:boolean attribute; white space around it allowed. */
static int xmldec_attr_bool(const xmldec_attr *a)
{
    const char *s = a->v;
    size_t n = a->n;
    xml_trim(&s, &n);
    if ((n == 4 && memcmp(s, "true", 4) == 0) || (n == 1 && s[0] == '1')) return 1;
    if ((n == 5 && memcmp(s, "false", 5) == 0) || (n == 1 && s[0] == '0')) return 0;
    return -1;
}

/* An extension type, -128..127. */
static bool xmldec_attr_ext(const xmldec_attr *a, int8_t *out)
{
    const char *s = a->v;
    size_t n = a->n;
    xml_trim(&s, &n);
    size_t i = n && (s[0] == '-' || s[0] == '+');
    if (i == n || n - i > 3) return false;
    int v = 0;
    for (size_t k = i; k < n; k++) {
        if (s[k] < '0' || s[k] > '9') return false;
        v = v * 10 + (s[k] - '0');
    }
    if (s[0] == '-') v = -v;
    if (v < -128 || v > 127) return false;
    *out = (int8_t)v;
    return true;
}

/* Sixteen hex digits: a double's bits. */
static bool xmldec_attr_bits(const xmldec_attr *a, uint64_t *out)
{
    const char *s = a->v;
    size_t n = a->n;
    xml_trim(&s, &n);
    if (n != 16) return false;
    uint64_t v = 0;
    for (size_t k = 0; k < n; k++) {
        int h = xmldec_hex((uint8_t)s[k]);
        if (h < 0) return false;
        v = v << 4 | (uint64_t)h;
    }
    *out = v;
    return true;
}

/*
 * How to read a scalar, from the attributes that describe it: those of an
 * element (type, ext, encoding, escaped, bits) or those of its key
 * (key-type mapped to an element, key-ext, key-encoding, escaped-key,
 * key-bits). `type` is absent for keys, whose bytes and ext kinds come as
 * binary. Returns false with the reason in why.
 */
static bool xmldec_scalar_spec(uint8_t elem, uint8_t binary, const xmldec_attr *ext,
                               const xmldec_attr *encoding, const xmldec_attr *escaped,
                               const xmldec_attr *bits, const char *prefix, xmldec_scalar *sc,
                               char *why, size_t whycap)
{
    *sc = (xmldec_scalar){.elem = elem, .binary = binary};
    if (ext->v) {
        if (binary != WK_EXT || !xmldec_attr_ext(ext, &sc->ext_type)) {
            snprintf(why, whycap, binary == WK_EXT ? "wk:%sext must be an integer from -128 to 127"
                                                   : "wk:%sext is only for an extension",
                     prefix);
            return false;
        }
    } else if (binary == WK_EXT) {
        snprintf(why, whycap, "an extension needs its type in wk:%sext", prefix);
        return false;
    }
    if (encoding->v) {
        if (elem != XMLDEC_STRING || !xmldec_attr_is(encoding, "base64")) {
            snprintf(why, whycap, "%sencoding must be base64, and only on a string", prefix);
            return false;
        }
        if (!binary) sc->form = XMLDEC_BASE64;
    }
    if (escaped->v) {
        int on = xmldec_attr_bool(escaped);
        if (on < 0 || elem != XMLDEC_STRING) {
            snprintf(why, whycap, "escaped%s must be true or false, and only on a string",
                     *prefix ? "-key" : "");
            return false;
        }
        if (on) {
            if (sc->form == XMLDEC_BASE64 || binary) {
                snprintf(why, whycap, "escaped%s and base64 text cannot be combined",
                         *prefix ? "-key" : "");
                return false;
            }
            sc->form = XMLDEC_ESCAPED;
        }
    }
    if (bits->v) {
        if (elem != XMLDEC_NUMBER || !xmldec_attr_bits(bits, &sc->bits)) {
            snprintf(why, whycap, "wk:%sbits must be 16 hex digits, and only on a number", prefix);
            return false;
        }
        sc->has_bits = true;
    }
    return true;
}

/* Copies an attribute value to the text scratch, turning libxml2's "&#38;" back into '&'. */
static bool xmldec_attr_text(xmldec *d, const xmldec_attr *a)
{
    d->ntext = 0;
    if (!xmldec_text_reserve(d, a->n)) return false;
    size_t o = 0;
    for (size_t i = 0; i < a->n;) {
        /* Without entity substitution libxml2 hands over a '&' (from "&amp;"
         * or "&#38;") as the text "&#38;"; no other '&' can reach us. */
        if (a->v[i] == '&' && a->n - i >= 5 && memcmp(a->v + i, "&#38;", 5) == 0) {
            d->text[o++] = '&';
            i += 5;
        } else {
            d->text[o++] = a->v[i++];
        }
    }
    d->ntext = o;
    return true;
}

/* The attribute names of a child of a map: everything about its key. */
static bool xmldec_is_key_attr(const xmldec_attrs *a)
{
    return a->key.v || a->escaped_key.v || a->key_type.v || a->key_ext.v || a->key_encoding.v ||
           a->key_bits.v;
}

/*
 * Reads the key of a map member from its attributes and pushes it. false
 * (after failing the parse) on an error.
 */
static bool xmldec_key(xmldec *d, const xmldec_attrs *a, bool only_key, size_t tag, size_t slot)
{
    char why[160];
    if (!a->key.v) {
        xmldec_fail_at(d, WK_ERR_TYPE, xmlparse_markup_start(&d->p, tag), d->nframes, slot,
                       "a child of a map needs a key attribute");
        return false;
    }
    if (WK__UNLIKELY(a->key.n > d->max_text)) {
        xmldec_fail_at(d, WK_ERR_LIMIT, xmlparse_markup_start(&d->p, tag), d->nframes, slot,
                       "key of %zu bytes, longer than the limit of %u", a->key.n,
                       (unsigned)d->max_text);
        return false;
    }
    wk_value *v;
    bool plain = only_key || (!a->escaped_key.v && !a->key_type.v && !a->key_ext.v &&
                              !a->key_encoding.v && !a->key_bits.v);
    if (WK__LIKELY(plain && !memchr(a->key.v, '&', a->key.n))) {
        /* The common case: a plain string key, copied once. */
        const char *p = xml_copy(d->arena, a->key.v, a->key.n);
        if (!p || !(v = xmldec_push(d))) {
            xmldec_nomem(d, tag);
            return false;
        }
        *v = (wk_value){.kind = WK_STRING, .len = (uint32_t)a->key.n, .as.str = p};
        return true;
    }
    size_t at = xmlparse_markup_start(&d->p, tag);
    if (only_key) {
        /* Only the key's text needs decoding: its other attributes are absent. */
        xmldec_scalar sc = {.elem = XMLDEC_STRING};
        wk_value key;
        wk_code rc = xmldec_attr_text(d, &a->key)
                         ? xmldec_scalar_value(d, &sc, d->text, d->ntext, &key, why, sizeof why)
                         : WK_ERR_NOMEM;
        d->ntext = 0;
        if (rc != WK_OK || !(v = xmldec_push(d))) {
            xmldec_nomem(d, at);
            return false;
        }
        *v = key;
        return true;
    }

    uint8_t elem = XMLDEC_STRING, binary = 0;
    if (a->key_type.v && !xmldec_attr_is(&a->key_type, "string")) {
        if (xmldec_attr_is(&a->key_type, "number")) elem = XMLDEC_NUMBER;
        else if (xmldec_attr_is(&a->key_type, "boolean")) elem = XMLDEC_BOOLEAN;
        else if (xmldec_attr_is(&a->key_type, "null")) elem = XMLDEC_NULL;
        else if (xmldec_attr_is(&a->key_type, "bytes")) binary = WK_BYTES;
        else if (xmldec_attr_is(&a->key_type, "ext")) binary = WK_EXT;
        else {
            xmldec_fail_at(d, WK_ERR_TYPE, at, d->nframes, slot,
                           "wk:key-type '%.*s' is not string, number, boolean, null, bytes or ext",
                           a->key_type.n > 32 ? 32 : (int)a->key_type.n, a->key_type.v);
            return false;
        }
    }
    xmldec_scalar sc;
    if (!xmldec_scalar_spec(elem, binary, &a->key_ext, &a->key_encoding, &a->escaped_key,
                            &a->key_bits, "key-", &sc, why, sizeof why)) {
        xmldec_fail_at(d, WK_ERR_TYPE, at, d->nframes, slot, "%s", why);
        return false;
    }
    wk_value key;
    wk_code rc;
    if (!xmldec_attr_text(d, &a->key)) rc = WK_ERR_NOMEM;
    else rc = xmldec_scalar_value(d, &sc, d->text, d->ntext, &key, why, sizeof why);
    d->ntext = 0;
    if (rc == WK_OK && !(v = xmldec_push(d))) rc = WK_ERR_NOMEM;
    if (rc == WK_ERR_NOMEM) {
        xmldec_nomem(d, at);
        return false;
    }
    if (rc != WK_OK) {
        xmldec_fail_at(d, rc, at, d->nframes, slot, "key: %s", why);
        return false;
    }
    *v = key;
    return true;
}

/* ---- the SAX2 callbacks ---- */

/*
 * Which element of the vocabulary a name is; -1 for none. libxml2 interns
 * names per document, so each name is compared as text once and then by
 * its pointer.
 */
static int xmldec_element(xmldec *d, const xmlChar *name, const xmlChar *uri)
{
    static const char *const texts[] = {"map", "array", "string", "number", "boolean", "null"};
    const char *s = (const char *)name;
    int elem;
    if (uri == NULL || uri == d->fn_uri ||
        (strcmp((const char *)uri, XMLW_NS_FN) == 0 && (d->fn_uri = uri) != NULL)) {
        /* The vocabulary's namespace, or none: the element names alone. */
        switch (s[0]) {
        case 'm': elem = XMLDEC_MAP; break;
        case 'a': elem = XMLDEC_ARRAY; break;
        case 's': elem = XMLDEC_STRING; break;
        case 'n': elem = s[1] == 'u' && s[2] == 'l' ? XMLDEC_NULL : XMLDEC_NUMBER; break;
        case 'b': elem = XMLDEC_BOOLEAN; break;
        default: return -1;
        }
        if (WK__LIKELY(name == d->names[elem])) return elem;
        if (strcmp(s, texts[elem]) != 0) return -1;
        d->names[elem] = name;
        return elem;
    }
    if (uri == d->wk_uri || (strcmp((const char *)uri, XMLW_NS_WK) == 0 && (d->wk_uri = uri) != NULL))
        return strcmp(s, "member") == 0 ? XMLDEC_MEMBER : -1;
    return -1;
}

/*
 * Sorts the attributes of an element into *a. Attributes in namespaces
 * other than ours and the vocabulary's are ignored, as fn:xml-to-json
 * ignores them; any other is an error (returns false after failing).
 */
static bool xmldec_read_attrs(xmldec *d, int count, const xmlChar **attributes, xmldec_attrs *a,
                              size_t at, size_t slot)
{
    memset(a, 0, sizeof *a);
    /* The key first, so that an error about another attribute can name it. */
    for (int i = 0; i < count; i++)
        if (attributes[5 * i + 2] == NULL && strcmp((const char *)attributes[5 * i], "key") == 0)
            d->pending_key = (xmldec_attr){(const char *)attributes[5 * i + 3],
                                           (size_t)(attributes[5 * i + 4] - attributes[5 * i + 3])};
    for (int i = 0; i < count; i++) {
        const xmlChar **attr = attributes + 5 * i;
        const char *name = (const char *)attr[0];
        const xmlChar *uri = attr[2];
        xmldec_attr value = {(const char *)attr[3], (size_t)(attr[4] - attr[3])};
        xmldec_attr *slot_attr = NULL;
        if (uri == NULL) {
            if (strcmp(name, "key") == 0) slot_attr = &a->key;
            else if (strcmp(name, "escaped-key") == 0) slot_attr = &a->escaped_key;
            else if (strcmp(name, "escaped") == 0) slot_attr = &a->escaped;
            else if (strcmp(name, "encoding") == 0) slot_attr = &a->encoding;   /* DESIGN.md's spelling */
        } else if (uri == d->wk_uri ||
                   (strcmp((const char *)uri, XMLW_NS_WK) == 0 && (d->wk_uri = uri) != NULL)) {
            if (strcmp(name, "type") == 0) slot_attr = &a->type;
            else if (strcmp(name, "ext") == 0) slot_attr = &a->ext;
            else if (strcmp(name, "encoding") == 0) slot_attr = &a->encoding;
            else if (strcmp(name, "bits") == 0) slot_attr = &a->bits;
            else if (strcmp(name, "key-type") == 0) slot_attr = &a->key_type;
            else if (strcmp(name, "key-ext") == 0) slot_attr = &a->key_ext;
            else if (strcmp(name, "key-encoding") == 0) slot_attr = &a->key_encoding;
            else if (strcmp(name, "key-bits") == 0) slot_attr = &a->key_bits;
        } else if (uri != d->fn_uri && strcmp((const char *)uri, XMLW_NS_FN) != 0) {
            continue;   /* someone else's attribute */
        }
        if (!slot_attr) {
            xmldec_fail_at(d, WK_ERR_TYPE, at, d->nframes, slot, "unknown attribute '%s%.64s'%s",
                           uri == NULL ? "" : uri == d->wk_uri ? "wk:" : "fn:", name,
                           uri == NULL ? " (attributes of other namespaces are ignored)" : "");
            return false;
        }
        if (slot_attr->v) {
            /* libxml2 rejects true duplicates; this is the pair of spellings. */
            xmldec_fail_at(d, WK_ERR_TYPE, at, d->nframes, slot, "both encoding and wk:encoding");
            return false;
        }
        *slot_attr = value;
    }
    return true;
}

static void xmldec_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                         const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                         int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    (void)prefix;
    (void)nb_namespaces;
    (void)namespaces;
    (void)nb_defaulted;
    xmldec *d = ctx;
    if (d->p.error != WK_OK) return;
    size_t slot = d->nvals;
    size_t tag = xmlparse_where(&d->p);
    d->pending_key.v = NULL;
    int elem = xmldec_element(d, localname, uri);
    xmldec_frame *parent = d->nframes ? &d->frames[d->nframes - 1] : NULL;
    char why[160];

    if (elem < 0) {
        xmldec_fail_at(d, WK_ERR_TYPE, xmlparse_markup_start(&d->p, tag), d->nframes, slot,
                       "<%.64s>%s%.96s%s is not an element of the json-to-xml vocabulary",
                       (const char *)localname, uri ? " in namespace '" : "",
                       uri ? (const char *)uri : "", uri ? "'" : "");
        return;
    }
    if (parent && parent->elem != XMLDEC_MAP && parent->elem != XMLDEC_ARRAY &&
        parent->elem != XMLDEC_MEMBER) {
        xmldec_fail_at(d, WK_ERR_TYPE, xmlparse_markup_start(&d->p, tag), d->nframes - 1,
                       parent->slot, "<%s> holds an element <%s>; only map, array and wk:member do",
                       xmldec_elem_names[parent->elem], xmldec_elem_names[elem]);
        return;
    }
    if (elem == XMLDEC_MEMBER && (!parent || parent->elem != XMLDEC_MAP)) {
        xmldec_fail_at(d, WK_ERR_TYPE, xmlparse_markup_start(&d->p, tag), d->nframes, slot,
                       "<wk:member> outside a map");
        return;
    }
    if (parent && parent->elem == XMLDEC_MEMBER && d->nvals - parent->start >= 2) {
        xmldec_fail_at(d, WK_ERR_TYPE, xmlparse_markup_start(&d->p, tag), d->nframes, slot,
                       "<wk:member> holds more than a key and a value");
        return;
    }

    /* Most elements have no attribute but a plain key: that one is taken
     * as it is; anything else is sorted out in full. */
    xmldec_attrs a;
    bool plain_key = false, more = false;
    if (nb_attributes == 1 && attributes[2] == NULL &&
        (attributes[0] == d->key_name ||
         (strcmp((const char *)attributes[0], "key") == 0 && (d->key_name = attributes[0]) != NULL))) {
        a.key = (xmldec_attr){(const char *)attributes[3], (size_t)(attributes[4] - attributes[3])};
        d->pending_key = a.key;
        plain_key = true;
    } else if (nb_attributes > 0) {
        memset(&a, 0, sizeof a);
        if (!xmldec_read_attrs(d, nb_attributes, attributes, &a, xmlparse_markup_start(&d->p, tag),
                               slot))
            return;
        more = true;
    }
    bool keyed = parent && parent->elem == XMLDEC_MAP && elem != XMLDEC_MEMBER;
    if (!keyed && (plain_key || (more && xmldec_is_key_attr(&a)))) {
        xmldec_fail_at(d, WK_ERR_TYPE, xmlparse_markup_start(&d->p, tag), d->nframes, slot,
                       "a key attribute on <%s>, which is not a child of a map",
                       xmldec_elem_names[elem]);
        return;
    }

    /* How to read the element's own text: wk:type, wk:ext, encoding and
     * escaped belong to strings, wk:bits to numbers. */
    xmldec_scalar sc = {.elem = (uint8_t)elem};
    if (more && (a.type.v || a.ext.v || a.encoding.v || a.escaped.v || a.bits.v)) {
        uint8_t binary = 0;
        bool ok = elem == XMLDEC_STRING || elem == XMLDEC_NUMBER;
        if (!ok) {
            snprintf(why, sizeof why, "<%s> takes no wk:type, wk:ext, wk:bits, encoding or escaped",
                     xmldec_elem_names[elem]);
        } else if (a.type.v && !xmldec_attr_is(&a.type, "string")) {
            if (elem == XMLDEC_STRING && xmldec_attr_is(&a.type, "bytes")) {
                binary = WK_BYTES;
            } else if (elem == XMLDEC_STRING && xmldec_attr_is(&a.type, "ext")) {
                binary = WK_EXT;
            } else {
                ok = false;
                snprintf(why, sizeof why, "wk:type '%.*s' on <%s>: a string may be marked bytes or ext",
                         a.type.n > 32 ? 32 : (int)a.type.n, a.type.v, xmldec_elem_names[elem]);
            }
        }
        if (ok)
            ok = xmldec_scalar_spec((uint8_t)elem, binary, &a.ext, &a.encoding, &a.escaped, &a.bits,
                                    "", &sc, why, sizeof why);
        if (!ok) {
            xmldec_fail_at(d, WK_ERR_TYPE, xmlparse_markup_start(&d->p, tag), d->nframes, slot,
                           "%s", why);
            return;
        }
    }

    if (!keyed) d->pending_key.v = NULL;
    if (keyed) {
        if (!plain_key && !more) {
            xmldec_fail_at(d, WK_ERR_TYPE, xmlparse_markup_start(&d->p, tag), d->nframes, slot,
                           "a child of a map needs a key attribute");
            return;
        }
        if (!xmldec_key(d, &a, !more, tag, slot)) return;
        d->pending_key.v = NULL;
    }

    if (elem == XMLDEC_MAP || elem == XMLDEC_ARRAY) {
        if (WK__UNLIKELY(d->depth >= d->max_depth)) {
            xmldec_fail_at(d, WK_ERR_DEPTH, xmlparse_markup_start(&d->p, tag), d->nframes, slot,
                           "<%s> nested %u deep, deeper than the limit of %u",
                           xmldec_elem_names[elem], (unsigned)d->depth + 1,
                           (unsigned)d->max_depth);
            return;
        }
        d->depth++;
    }
    if (WK__UNLIKELY(d->nframes == d->capframes)) {
        size_t cap = d->capframes ? d->capframes * 2 : 32;
        xmldec_frame *f = realloc(d->frames, cap * sizeof *f);
        if (!f) {
            xmldec_nomem(d, tag);
            return;
        }
        d->frames = f;
        d->capframes = cap;
    }
    d->frames[d->nframes++] = (xmldec_frame){
        .start = d->nvals, .slot = slot, .tag = tag, .scalar = sc, .elem = (uint8_t)elem};
    d->ntext = 0;
}

/* Text: kept for the open scalar element; elsewhere only white space may appear. */
static void xmldec_characters(void *ctx, const xmlChar *ch, int len)
{
    xmldec *d = ctx;
    if (d->p.error != WK_OK || d->nframes == 0 || len <= 0) return;
    xmldec_frame *top = &d->frames[d->nframes - 1];
    size_t n = (size_t)len;
    if (top->elem == XMLDEC_STRING || top->elem == XMLDEC_NUMBER || top->elem == XMLDEC_BOOLEAN) {
        if (WK__UNLIKELY(n > d->max_text - d->ntext)) {
            xmldec_fail_at(d, WK_ERR_LIMIT, xmlparse_markup_start(&d->p, top->tag), d->nframes - 1,
                           top->slot, "<%s> holds more than the limit of %u bytes of text",
                           xmldec_elem_names[top->elem], (unsigned)d->max_text);
            return;
        }
        if (!xmldec_text_reserve(d, n)) {
            xmldec_nomem(d, xmlparse_where(&d->p));
            return;
        }
        memcpy(d->text + d->ntext, ch, n);
        d->ntext += n;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (xml_is_space(ch[i])) continue;
        /* Where the text is: just before libxml2's position, when the bytes
         * are the input's own (not a character reference or CDATA). */
        size_t at = xmlparse_where(&d->p);
        if (!xmlparse_converted(&d->p) && at >= n && memcmp(d->p.input + at - n, ch, n) == 0)
            at = at - n + i;
        if (top->elem == XMLDEC_NULL)
            xmldec_fail_at(d, WK_ERR_TYPE, at, d->nframes - 1, top->slot,
                           "<null> holds text; it must be empty");
        else
            xmldec_fail_at(d, WK_ERR_TYPE, at, d->nframes, d->nvals,
                           "text inside <%s>; only white space may appear between its elements",
                           xmldec_elem_names[top->elem]);
        return;
    }
}

/* Moves the children of a closing map or array into the arena. */
static void xmldec_close_container(xmldec *d, const xmldec_frame *f)
{
    size_t n = d->nvals - f->start;
    bool is_map = f->elem == XMLDEC_MAP;
    d->depth--;
    if (WK__UNLIKELY((is_map ? n / 2 : n) > WK_VALUE_MAX_LEN)) {
        xmldec_fail_at(d, WK_ERR_LIMIT, xmlparse_markup_start(&d->p, f->tag), d->nframes, f->slot,
                       "<%s> with more children than the model's limit of 2^32 - 1",
                       xmldec_elem_names[f->elem]);
        return;
    }
    size_t bytes = n * sizeof(wk_value);   /* a member is a key and a value, back to back */
    void *items = NULL;
    if (bytes) {
        items = wk__arena_alloc(d->arena, bytes);
        if (!items) {
            xmldec_nomem(d, xmlparse_where(&d->p));
            return;
        }
        memcpy(items, d->vals + f->start, bytes);
    }
    d->nvals = f->start;
    wk_value *v = xmldec_push(d);   /* the slot of the first child, or a new one */
    if (!v) {
        xmldec_nomem(d, xmlparse_where(&d->p));
        return;
    }
    if (is_map)
        *v = (wk_value){.kind = WK_MAP, .len = (uint32_t)(n / 2), .as.members = items};
    else
        *v = (wk_value){.kind = WK_LIST, .len = (uint32_t)n, .as.items = items};
}

static void xmldec_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                       const xmlChar *uri)
{
    (void)localname;
    (void)prefix;
    (void)uri;
    xmldec *d = ctx;
    if (d->p.error != WK_OK || d->nframes == 0) return;
    const xmldec_frame f = d->frames[--d->nframes];
    switch ((xmldec_elem)f.elem) {
    case XMLDEC_MAP:
    case XMLDEC_ARRAY:
        xmldec_close_container(d, &f);
        return;
    case XMLDEC_MEMBER:
        if (d->nvals - f.start != 2)
            xmldec_fail_at(d, WK_ERR_TYPE, xmlparse_markup_start(&d->p, f.tag), d->nframes, f.slot,
                           "<wk:member> holds %zu element%s; it needs a key and a value",
                           d->nvals - f.start, d->nvals - f.start == 1 ? "" : "s");
        return;
    case XMLDEC_NULL: {
        wk_value *v = xmldec_push(d);
        if (!v) xmldec_nomem(d, xmlparse_where(&d->p));
        else *v = wk_value_null();
        return;
    }
    default:
        break;
    }
    wk_value value;
    wk_code rc;
    char why[160];
    if (WK__LIKELY(f.elem == XMLDEC_STRING && !f.scalar.binary && f.scalar.form == XMLDEC_PLAIN)) {
        const char *p = xml_copy(d->arena, d->text, d->ntext);
        rc = p ? WK_OK : WK_ERR_NOMEM;
        value = (wk_value){.kind = WK_STRING, .len = (uint32_t)d->ntext, .as.str = p};
    } else {
        rc = xmldec_scalar_value(d, &f.scalar, d->text, d->ntext, &value, why, sizeof why);
    }
    d->ntext = 0;
    wk_value *v = rc == WK_OK ? xmldec_push(d) : NULL;
    if (v) {
        *v = value;
        return;
    }
    if (rc == WK_OK || rc == WK_ERR_NOMEM)
        xmldec_nomem(d, xmlparse_where(&d->p));
    else
        xmldec_fail_at(d, rc, xmlparse_markup_start(&d->p, f.tag), d->nframes, f.slot, "<%s>: %s",
                       xmldec_elem_names[f.elem], why);
}

static const xmlSAXHandler xmldec_sax = {
    .initialized = XML_SAX2_MAGIC,
    .startElementNs = xmldec_start,
    .endElementNs = xmldec_end,
    .characters = xmldec_characters,
    .cdataBlock = xmldec_characters,
    .ignorableWhitespace = xmldec_characters,
    .entityDecl = xmlparse_entity_decl,
    .unparsedEntityDecl = xmlparse_unparsed_entity_decl,
    .getEntity = xmlparse_get_entity,
    .getParameterEntity = xmlparse_get_entity,
    .reference = xmlparse_reference,
    .serror = xmlparse_error,
};

static wk_code xmltyped_decode(const uint8_t *data, size_t len, const wk_decode_opts *opts, wk_arena *a,
                               const wk_value **out, wk_status *st);

static wk_code xml_decode(const uint8_t *data, size_t len, const wk_decode_opts *opts,
                          wk_arena *a, const wk_value **out, wk_status *st)
{
    if (opts && opts->type) return xmltyped_decode(data, len, opts, a, out, st);
    xmldec d;
    memset(&d, 0, sizeof d);
    d.p.input = data;
    d.p.input_len = len;
    d.p.st = st;
    d.arena = a;
    d.max_depth = wk__depth_limit(opts ? opts->max_depth : 0);
    d.max_text = opts && opts->max_text ? opts->max_text : WK_DEFAULT_MAX_TEXT;

    wk_code rc = xmlparse_run(&d.p, &xmldec_sax, &d);
    if (rc == WK_OK) {
        if (d.nvals != 1) {
            rc = wk__fail(st, WK_ERR_TRUNCATED, len, "no XML element in the input");
            if (st) wk__status_locate(st, data, len);
        } else {
            wk_value *root = wk__arena_alloc(a, sizeof *root);
            if (!root) {
                rc = wk__fail(st, WK_ERR_NOMEM, 0, "out of memory");
            } else {
                *root = d.vals[0];
                *out = root;
            }
        }
    }
    free(d.vals);
    free(d.frames);
    free(d.text);
    return rc;
}

/* ------------------------------------------------------------------ */
/* parse_only: libxml2 alone, with handlers that do nothing            */
/* ------------------------------------------------------------------ */

static void xmlnop_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                         const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                         int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    (void)ctx; (void)localname; (void)prefix; (void)uri; (void)nb_namespaces;
    (void)namespaces; (void)nb_attributes; (void)nb_defaulted; (void)attributes;
}

static void xmlnop_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                       const xmlChar *uri)
{
    (void)ctx; (void)localname; (void)prefix; (void)uri;
}

static void xmlnop_characters(void *ctx, const xmlChar *ch, int len)
{
    (void)ctx; (void)ch; (void)len;
}

/* The same safety handlers as decoding: parse_only must be as safe to run. */
static const xmlSAXHandler xmlnop_sax = {
    .initialized = XML_SAX2_MAGIC,
    .startElementNs = xmlnop_start,
    .endElementNs = xmlnop_end,
    .characters = xmlnop_characters,
    .cdataBlock = xmlnop_characters,
    .ignorableWhitespace = xmlnop_characters,
    .entityDecl = xmlparse_entity_decl,
    .unparsedEntityDecl = xmlparse_unparsed_entity_decl,
    .getEntity = xmlparse_get_entity,
    .getParameterEntity = xmlparse_get_entity,
    .reference = xmlparse_reference,
    .serror = xmlparse_error,
};

static wk_code xml_parse_only(const uint8_t *data, size_t len, const wk_decode_opts *opts,
                              wk_status *st)
{
    (void)opts;   /* libxml2 does not recurse on nesting; there is nothing to limit */
    xmlparse p = {NULL, data, len, st, WK_OK};
    return xmlparse_run(&p, &xmlnop_sax, &p);
}

/* ------------------------------------------------------------------ */
/* Encoding                                                            */
/* ------------------------------------------------------------------ */

#define XMLENC_PATH_MAX 64

/*
 * The writer keeps its own cursor into the buffer (o, up to limit, the
 * buffer's capacity) and sets out->len from it at the end: the common
 * write is then a store and an increment.
 */
typedef struct xmlenc {
    wk_buf *out;
    uint8_t *o;
    uint8_t *limit;
    wk_status *st;
    uint32_t max_depth;
    bool pretty;
    bool uses_wk;        /* a marker in wirekit's namespace was written */
    size_t root_attrs;   /* where the root element's attributes begin */
    wk__path path[XMLENC_PATH_MAX];
    struct xmlenc_frame *frames;   /* the walk's stack (xmlenc_value): frames[d] is open at depth d */
    uint32_t frame_cap;
} xmlenc;

/*
 * An element xmlenc_value has opened and not yet closed: a list or map
 * (value NULL, next the child to write), or a <wk:member> whose key is a
 * list or map (v the key, value the value, next 1 while the key is being
 * written and 2 once the value is).
 */
typedef struct xmlenc_frame {
    const wk_value *v;
    const wk_value *value;
    size_t next;
} xmlenc_frame;

#define XMLENC_INLINE_FRAMES 32

/*
 * A level whose container is NULL is a <wk:member> (or one the path does
 * not track): no step of its own, since the map's step already names the
 * member, as the reader's paths do.
 */
static wk_code xmlenc_fail(xmlenc *e, uint32_t depth, wk_code code, const char *what)
{
    wk__path steps[XMLENC_PATH_MAX];
    size_t n = 0;
    for (uint32_t d = 0; d < depth && d < XMLENC_PATH_MAX; d++)
        if (e->path[d].container) steps[n++] = e->path[d];
    char where[160];
    wk__path_format(steps, n, where, sizeof where);
    return wk__fail(e->st, code, 0, "%s: %s", where, what);
}

static wk_code xmlenc_nomem(xmlenc *e) { return wk__fail(e->st, WK_ERR_NOMEM, 0, "out of memory"); }

static bool xmlenc_grow(xmlenc *e, size_t n)
{
    size_t at = (size_t)(e->o - e->out->data);
    e->out->len = at;
    if (wk_buf_reserve(e->out, n) != WK_OK) return false;
    e->o = e->out->data + at;
    e->limit = e->out->data + e->out->cap;
    return true;
}

static inline bool xmlenc_reserve(xmlenc *e, size_t n)
{
    if (WK__LIKELY((size_t)(e->limit - e->o) >= n)) return true;
    return xmlenc_grow(e, n);
}

/* Where the cursor is, as an offset that survives the buffer moving. */
static inline size_t xmlenc_at(const xmlenc *e) { return (size_t)(e->o - e->out->data); }

/* After a reserve. */
static inline void xmlenc_put(xmlenc *e, const char *s, size_t n)
{
    memcpy(e->o, s, n);
    e->o += n;
}

#define XMLENC_LIT(e, lit) xmlenc_put(e, lit, sizeof(lit) - 1)

/*
 * Room every element start reserves: '<', the name, the root's namespace
 * declaration and the fixed attributes of a key, with the slack below.
 */
#define XMLENC_HEAD_ROOM 128

/* Bytes an escape leaves free after what it wrote, for the closing markup. */
#define XMLENC_SLACK 32

/*
 * For every byte of text or of an attribute value: XMLENC_COPY copies as it
 * is, XMLENC_REF is written as a reference, XMLENC_NO cannot be carried by
 * XML 1.0 (a control character other than tab, line feed and carriage
 * return), XMLENC_EF may start U+FFFE or U+FFFF, which XML cannot carry
 * either. The bytes of other multi-byte characters copy (the string has
 * been checked to be UTF-8 before).
 */
enum { XMLENC_COPY, XMLENC_REF, XMLENC_NO, XMLENC_EF };

#define XMLENC_C0(tab, lf, cr)                                                    \
    XMLENC_NO, XMLENC_NO, XMLENC_NO, XMLENC_NO, XMLENC_NO, XMLENC_NO, XMLENC_NO, \
    XMLENC_NO, XMLENC_NO, tab, lf, XMLENC_NO, XMLENC_NO, cr, XMLENC_NO,          \
    XMLENC_NO, XMLENC_NO, XMLENC_NO, XMLENC_NO, XMLENC_NO, XMLENC_NO, XMLENC_NO, \
    XMLENC_NO, XMLENC_NO, XMLENC_NO, XMLENC_NO, XMLENC_NO, XMLENC_NO, XMLENC_NO, \
    XMLENC_NO, XMLENC_NO, XMLENC_NO
#define XMLENC_ROW 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
#define XMLENC_HIGH                                                          \
    XMLENC_ROW, XMLENC_ROW, XMLENC_ROW, XMLENC_ROW, XMLENC_ROW, XMLENC_ROW, \
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, XMLENC_EF, XMLENC_ROW

_Static_assert(XMLENC_COPY == 0, "the tables below write XMLENC_COPY as 0");

/* Text content: '<', '&', '>' (for "]]>") and CR (which parsers would turn into LF). */
static const uint8_t xmlenc_text_class[256] = {
    XMLENC_C0(XMLENC_COPY, XMLENC_COPY, XMLENC_REF),
    0, 0, 0, 0, 0, 0, XMLENC_REF, 0, 0, 0, 0, 0, 0, 0, 0, 0,          /* 0x20: '&' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, XMLENC_REF, 0, XMLENC_REF, 0, /* 0x30: '<' '>' */
    XMLENC_ROW, XMLENC_ROW, XMLENC_ROW, XMLENC_ROW,
    XMLENC_HIGH,
};

/* Attribute values (always in double quotes): also '"', and tab and LF,
 * which attribute-value normalisation would turn into spaces. */
static const uint8_t xmlenc_attr_class[256] = {
    XMLENC_C0(XMLENC_REF, XMLENC_REF, XMLENC_REF),
    0, 0, XMLENC_REF, 0, 0, 0, XMLENC_REF, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20: '"' '&' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, XMLENC_REF, 0, 0, 0,          /* 0x30: '<' */
    XMLENC_ROW, XMLENC_ROW, XMLENC_ROW, XMLENC_ROW,
    XMLENC_HIGH,
};

#define XMLENC_ONES 0x0101010101010101ull

/* Top bit set in every byte of w ^ copies that is zero (and maybe above one). */
#define XMLENC_HAS(w, copies) ((((w) ^ (copies)) - XMLENC_ONES) & ~((w) ^ (copies)))

/*
 * True when a byte of w may need more than a copy: below 0x20, 0xEF, or one
 * of the ASCII characters a, b, c (each given in eight copies). Exact but
 * for a borrow flagging a byte above one that is truly flagged: a false
 * alarm only costs the byte-by-byte path.
 */
static inline bool xmlenc_word_special(uint64_t w, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t t = ((w - XMLENC_ONES * 0x20) & ~w) | XMLENC_HAS(w, XMLENC_ONES * 0xEF) |
                 XMLENC_HAS(w, a) | XMLENC_HAS(w, b) | XMLENC_HAS(w, c);
    return (t & 0x8080808080808080ull) != 0;
}

static inline bool xmlenc_special(uint64_t w, bool attr)
{
    return attr ? xmlenc_word_special(w, XMLENC_ONES * '"', XMLENC_ONES * '&', XMLENC_ONES * '<')
                : xmlenc_word_special(w, XMLENC_ONES * '&', XMLENC_ONES * '<', XMLENC_ONES * '>');
}

/* How escaping a string went. */
enum { XMLENC_OK, XMLENC_BASE64, XMLENC_BAD_UTF8, XMLENC_NOMEM };

/*
 * Appends s[0..len) escaped for text content (attr false) or for an
 * attribute value in double quotes, and leaves XMLENC_SLACK bytes of room
 * after it. XMLENC_BASE64 when the string holds a character XML 1.0 cannot
 * carry (a control character, U+FFFE or U+FFFF): the output is then left
 * partly written, for the caller to rewind. Always inlined, so that each
 * caller gets a copy for its constant `attr`.
 *
 * Eight bytes at a time while none needs a look; the last few bytes of a
 * string are tested as one (overlapping) word too, since most strings are
 * short and a byte-by-byte tail would dominate.
 */
static inline __attribute__((always_inline)) int xmlenc_escape(xmlenc *e, const uint8_t *s,
                                                               size_t len, bool attr)
{
    if (WK__UNLIKELY(wk__utf8_valid_prefix(s, len) != len)) return XMLENC_BAD_UTF8;
    const uint8_t *cls = attr ? xmlenc_attr_class : xmlenc_text_class;
    /* Room for the string as it is: an escape makes more room as it goes,
     * rather than claiming six bytes per byte up front. */
    if (len > SIZE_MAX / 2 || !xmlenc_reserve(e, len + 8 + XMLENC_SLACK)) return XMLENC_NOMEM;
    uint8_t *o = e->o;
    size_t i = 0;
    size_t run = 0;   /* input from here on was copied as it is, to o */
    int rc = XMLENC_OK;
    while (i < len) {
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (xmlenc_special(w, attr)) break;
            memcpy(o, &w, 8);
            o += 8;
            i += 8;
        }
        size_t left = len - i;
        if (left == 0) break;
        if (left < 8) {
            uint64_t w;
            if (len >= 8 && run + 8 <= len) {
                /* The last eight bytes, overlapping ones copied as they are. */
                memcpy(&w, s + len - 8, 8);
                if (!xmlenc_special(w, attr)) {
                    memcpy(o + left - 8, &w, 8);
                    o += left;
                    break;
                }
            } else if (left >= 4) {
                uint32_t lo, hi;
                memcpy(&lo, s + i, 4);
                memcpy(&hi, s + len - 4, 4);
                w = (uint64_t)lo | (uint64_t)hi << 32;
                if (!xmlenc_special(w, attr)) {
                    memcpy(o, &lo, 4);
                    memcpy(o + left - 4, &hi, 4);
                    o += left;
                    break;
                }
            }
        }
        if (WK__UNLIKELY((size_t)(e->limit - o) < left + 8 + XMLENC_SLACK)) {
            /* The rest of the string, one reference and the slack. */
            e->o = o;
            if (!xmlenc_grow(e, left + 8 + XMLENC_SLACK + left / 8 + 64)) return XMLENC_NOMEM;
            o = e->o;
        }
        uint8_t c = s[i++];
        switch (cls[c]) {
        case XMLENC_COPY:
            *o++ = c;
            continue;
        case XMLENC_REF:
            switch (c) {
            case '<': memcpy(o, "&lt;", 4); o += 4; break;
            case '>': memcpy(o, "&gt;", 4); o += 4; break;
            case '&': memcpy(o, "&amp;", 5); o += 5; break;
            case '"': memcpy(o, "&quot;", 6); o += 6; break;
            case '\t': memcpy(o, "&#9;", 4); o += 4; break;
            case '\n': memcpy(o, "&#10;", 5); o += 5; break;
            default: memcpy(o, "&#13;", 5); o += 5; break;
            }
            run = i;
            continue;
        case XMLENC_EF:
            /* Valid UTF-8: two more bytes follow. */
            if (s[i] == 0xBF && (s[i + 1] == 0xBE || s[i + 1] == 0xBF)) {
                rc = XMLENC_BASE64;   /* U+FFFE, U+FFFF */
                goto done;
            }
            *o++ = c;
            continue;
        default:
            rc = XMLENC_BASE64;
            goto done;
        }
    }
done:
    e->o = o;
    return rc;
}

static bool xmlenc_base64(xmlenc *e, const char *data, size_t len)
{
    size_t n = wk__base64_len(len);
    if (!xmlenc_reserve(e, n + XMLENC_SLACK)) return false;
    wk__base64_encode((const uint8_t *)data, len, (char *)e->o);
    e->o += n;
    return true;
}

/* Pretty output: a new line, indented for `depth`. */
static bool xmlenc_newline(xmlenc *e, uint32_t depth)
{
    if (!xmlenc_reserve(e, 1 + (size_t)depth * 2 + XMLENC_HEAD_ROOM)) return false;
    *e->o++ = '\n';
    memset(e->o, ' ', (size_t)depth * 2);
    e->o += (size_t)depth * 2;
    return true;
}

#define XMLENC_INDENT(e, depth) (!(e)->pretty || xmlenc_newline(e, depth))

/* A number's text; NaNs other than the canonical one also need their bits. */
static size_t xmlenc_number_text(const wk_value *v, char *out, bool *nan_bits)
{
    *nan_bits = false;
    if (v->kind == WK_INT) return wk__format_int64(v->as.i, out);
    if (v->kind == WK_UINT) return wk__format_uint64(v->as.u, out);
    double d = v->as.d;
    if (d != d) {
        uint64_t bits;
        memcpy(&bits, &d, sizeof bits);
        *nan_bits = bits != XMLW_CANONICAL_NAN;
        memcpy(out, "NaN", 3);
        return 3;
    }
    if (d == HUGE_VAL) { memcpy(out, "INF", 3); return 3; }
    if (d == -HUGE_VAL) { memcpy(out, "-INF", 4); return 4; }
    return wk__format_double(d, out);
}

/* ` name="<16 hex digits>"`: the bits of a NaN other than the canonical one. */
static bool xmlenc_bits_attr(xmlenc *e, const char *name, double d)
{
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    if (bits == XMLW_CANONICAL_NAN) return true;
    char text[48];
    int n = snprintf(text, sizeof text, " %s=\"%016llx\"", name, (unsigned long long)bits);
    if (!xmlenc_reserve(e, (size_t)n + XMLENC_SLACK)) return false;
    xmlenc_put(e, text, (size_t)n);
    e->uses_wk = true;
    return true;
}

/*
 * The key attributes of a map member whose key is a scalar other than a
 * plain string: key="..." and its kind in wk:key-type, or a string key in
 * base64 (it holds a character XML cannot carry).
 */
static wk_code xmlenc_key_attrs(xmlenc *e, const wk_value *k, uint32_t depth)
{
    char text[WK__DOUBLE_MAX_CHARS + 64];
    size_t n = 0;
    bool nan_bits = false;
    e->uses_wk = true;
    switch ((wk_kind)k->kind) {
    case WK_STRING:
    case WK_BYTES:
    case WK_EXT:
        XMLENC_LIT(e, " key=\"");
        if (!xmlenc_base64(e, k->as.str, k->len)) return xmlenc_nomem(e);
        if (k->kind == WK_STRING) {
            n = (size_t)snprintf(text, sizeof text, "\" wk:key-encoding=\"base64\"");
        } else if (k->kind == WK_BYTES) {
            n = (size_t)snprintf(text, sizeof text, "\" wk:key-type=\"bytes\"");
        } else {
            n = (size_t)snprintf(text, sizeof text, "\" wk:key-type=\"ext\" wk:key-ext=\"%d\"",
                                 (int)k->ext_type);
        }
        break;
    case WK_NULL:
        n = (size_t)snprintf(text, sizeof text, " key=\"\" wk:key-type=\"null\"");
        break;
    case WK_BOOL:
        n = (size_t)snprintf(text, sizeof text, " key=\"%s\" wk:key-type=\"boolean\"",
                             k->as.b ? "true" : "false");
        break;
    case WK_INT:
    case WK_UINT:
    case WK_DOUBLE: {
        char num[WK__DOUBLE_MAX_CHARS];
        size_t len = xmlenc_number_text(k, num, &nan_bits);
        n = (size_t)snprintf(text, sizeof text, " key=\"%.*s\" wk:key-type=\"number\"", (int)len, num);
        break;
    }
    default:
        return xmlenc_fail(e, depth, WK_ERR_INVALID, "map key of unknown kind");
    }
    if (!xmlenc_reserve(e, n + XMLENC_SLACK)) return xmlenc_nomem(e);
    xmlenc_put(e, text, n);
    if (nan_bits && !xmlenc_bits_attr(e, "wk:key-bits", k->as.d)) return xmlenc_nomem(e);
    return WK_OK;
}

/* Room for frames[depth]: the stack doubles, on the heap once past the first frames. */
static WK__NOINLINE wk_code xmlenc_grow_frames(xmlenc *e, xmlenc_frame *inline_frames, uint32_t depth)
{
    size_t cap = (size_t)e->frame_cap * 2;
    if (cap <= depth) cap = (size_t)depth + 1;
    xmlenc_frame *frames = e->frames == inline_frames ? malloc(cap * sizeof *frames)
                                                      : realloc(e->frames, cap * sizeof *frames);
    if (!frames) return xmlenc_nomem(e);
    if (e->frames == inline_frames) memcpy(frames, inline_frames, e->frame_cap * sizeof *frames);
    e->frames = frames;
    e->frame_cap = (uint32_t)cap;
    return WK_OK;
}

/* Element names by kind, each padded to eight bytes so that one store writes it. */
static const char xmlenc_names[][8] = {
    [WK_NULL] = "null", [WK_BOOL] = "boolean", [WK_INT] = "number", [WK_UINT] = "number",
    [WK_DOUBLE] = "number", [WK_STRING] = "string", [WK_BYTES] = "string",
    [WK_EXT] = "string", [WK_LIST] = "array", [WK_MAP] = "map",
};
static const uint8_t xmlenc_name_lens[] = {
    [WK_NULL] = 4, [WK_BOOL] = 7, [WK_INT] = 6, [WK_UINT] = 6, [WK_DOUBLE] = 6,
    [WK_STRING] = 6, [WK_BYTES] = 6, [WK_EXT] = 6, [WK_LIST] = 5, [WK_MAP] = 3,
};

/* What writing a start tag gave: done, or the key must be written again in base64. */
#define XMLENC_RETRY_KEY ((wk_code)-1)

/*
 * The start of an element up to its attributes: the indentation, '<', the
 * name, the namespace on the root, and the attributes of its key (NULL for
 * no key; a scalar otherwise). XMLENC_RETRY_KEY when a string key holds a
 * character XML cannot carry: the caller starts again with key_base64.
 */
static inline __attribute__((always_inline)) wk_code
xmlenc_head(xmlenc *e, const wk_value *key, const wk_value *v, uint32_t depth, bool key_base64)
{
    if ((depth > 0 && !XMLENC_INDENT(e, depth)) || !xmlenc_reserve(e, XMLENC_HEAD_ROOM))
        return xmlenc_nomem(e);
    *e->o++ = '<';
    memcpy(e->o, xmlenc_names[v->kind], 8);
    e->o += xmlenc_name_lens[v->kind];
    if (WK__UNLIKELY(depth == 0)) {
        XMLENC_LIT(e, " xmlns=\"" XMLW_NS_FN "\"");
        e->root_attrs = xmlenc_at(e);
    }
    if (!key) return WK_OK;
    if (WK__LIKELY(key->kind == WK_STRING && !key_base64)) {
        XMLENC_LIT(e, " key=\"");
        switch (xmlenc_escape(e, (const uint8_t *)key->as.str, key->len, true)) {
        case XMLENC_OK: break;
        case XMLENC_BASE64: return XMLENC_RETRY_KEY;
        case XMLENC_NOMEM: return xmlenc_nomem(e);
        default: return xmlenc_fail(e, depth, WK_ERR_UNREPRESENTABLE, "key is not valid UTF-8");
        }
        *e->o++ = '"';
        return WK_OK;
    }
    return xmlenc_key_attrs(e, key, depth);
}

/*
 * A scalar element (v and key, if any, neither lists nor maps). A string
 * (or string key) that turns out to hold a character XML cannot carry is
 * written again from the element's start, in base64. Inlined into the loop
 * over a container's children: most elements are scalars, and a call per
 * element costs as much as writing a short one.
 */
static inline __attribute__((always_inline)) wk_code
xmlenc_scalar(xmlenc *e, const wk_value *key, const wk_value *v, uint32_t depth)
{
    if (v->kind == WK_DOUBLE && !key && depth > 0 && !e->pretty && WK__LIKELY(v->as.d - v->as.d == 0)) {
        /* The array of numbers (coordinates, samples, ...): one reserve, one store for the tag. */
        if (!xmlenc_reserve(e, 8 + WK__DOUBLE_MAX_CHARS + 9)) return xmlenc_nomem(e);
        memcpy(e->o, "<number>", 8);
        e->o += 8;
        e->o += wk__format_double(v->as.d, (char *)e->o);
        XMLENC_LIT(e, "</number>");
        return WK_OK;
    }
    const size_t start = xmlenc_at(e);
    bool key_base64 = false, text_base64 = false;
    wk_code rc;
again:
    e->o = e->out->data + start;
    rc = xmlenc_head(e, key, v, depth, key_base64);
    if (WK__UNLIKELY(rc != WK_OK)) {
        if (rc != XMLENC_RETRY_KEY) return rc;
        key_base64 = true;
        goto again;
    }

    /* At least XMLENC_SLACK bytes of room are left here. */
    switch ((wk_kind)v->kind) {
    case WK_NULL:
        XMLENC_LIT(e, "/>");
        return WK_OK;
    case WK_BOOL:
        if (v->as.b) XMLENC_LIT(e, ">true</boolean>");
        else XMLENC_LIT(e, ">false</boolean>");
        return WK_OK;
    case WK_INT:
    case WK_UINT:
    case WK_DOUBLE: {
        /* The digits go straight into the buffer. */
        if (WK__UNLIKELY(v->kind == WK_DOUBLE && v->as.d != v->as.d) &&
            !xmlenc_bits_attr(e, "wk:bits", v->as.d))
            return xmlenc_nomem(e);
        if (!xmlenc_reserve(e, 1 + WK__DOUBLE_MAX_CHARS + 9)) return xmlenc_nomem(e);
        *e->o++ = '>';
        if (v->kind == WK_DOUBLE && WK__LIKELY(v->as.d - v->as.d == 0)) {
            e->o += wk__format_double(v->as.d, (char *)e->o);
        } else {
            bool nan_bits;
            e->o += xmlenc_number_text(v, (char *)e->o, &nan_bits);
        }
        XMLENC_LIT(e, "</number>");
        return WK_OK;
    }
    case WK_STRING:
        if (v->len == 0) {
            XMLENC_LIT(e, "/>");
            return WK_OK;
        }
        if (WK__LIKELY(!text_base64)) {
            *e->o++ = '>';
            switch (xmlenc_escape(e, (const uint8_t *)v->as.str, v->len, false)) {
            case XMLENC_OK: break;
            case XMLENC_BASE64: text_base64 = true; goto again;
            case XMLENC_NOMEM: return xmlenc_nomem(e);
            default: return xmlenc_fail(e, depth, WK_ERR_UNREPRESENTABLE, "string is not valid UTF-8");
            }
        } else {
            e->uses_wk = true;
            if (!xmlenc_reserve(e, 24)) return xmlenc_nomem(e);
            XMLENC_LIT(e, " wk:encoding=\"base64\">");
            if (!xmlenc_base64(e, v->as.str, v->len)) return xmlenc_nomem(e);
        }
        XMLENC_LIT(e, "</string>");
        return WK_OK;
    default: {   /* WK_BYTES, WK_EXT */
        char attrs[48];
        size_t n = v->kind == WK_BYTES
                       ? (size_t)snprintf(attrs, sizeof attrs, " wk:type=\"bytes\"")
                       : (size_t)snprintf(attrs, sizeof attrs, " wk:type=\"ext\" wk:ext=\"%d\"",
                                          (int)v->ext_type);
        e->uses_wk = true;
        if (!xmlenc_reserve(e, n + 2)) return xmlenc_nomem(e);
        xmlenc_put(e, attrs, n);
        if (v->len == 0) {
            XMLENC_LIT(e, "/>");
            return WK_OK;
        }
        *e->o++ = '>';
        if (!xmlenc_base64(e, v->as.str, v->len)) return xmlenc_nomem(e);
        XMLENC_LIT(e, "</string>");
        return WK_OK;
    }
    }
}

/*
 * One element: v, with the key attributes of `key` when it is a member of
 * a map (NULL otherwise), at `depth` (0 for the root). The walk keeps its
 * own stack of open elements (e->frames, grown as needed), so nesting costs
 * no C stack: it goes down into each list, map or <wk:member> it opens and
 * back up when one is done. Scalar children are written in the loop over
 * their container, with no trip through the walk.
 */
static wk_code xmlenc_value(xmlenc *e, const wk_value *key, const wk_value *v, uint32_t depth,
                            xmlenc_frame *inline_frames)
{
    const uint32_t base = depth;
    xmlenc_frame *f;
    wk_code rc;
write:
    if (WK__UNLIKELY(v->kind > WK_MAP || (key && key->kind > WK_MAP))) {
        if (v->kind == WK_MESSAGE || (key && key->kind == WK_MESSAGE))
            return xmlenc_fail(e, depth, WK_ERR_UNSUPPORTED,
                               "a typed message inside a schema-less value: XML writes a typed message only as the document");
        return xmlenc_fail(e, depth, WK_ERR_INVALID, "value of unknown kind");
    }
    if (WK__UNLIKELY(key && (key->kind == WK_LIST || key->kind == WK_MAP))) {
        /* A member whose key is a list or a map: <wk:member>key value</wk:member>. */
        e->uses_wk = true;
        if (!XMLENC_INDENT(e, depth) || !xmlenc_reserve(e, 11)) return xmlenc_nomem(e);
        XMLENC_LIT(e, "<wk:member>");
        if (depth >= e->frame_cap && (rc = xmlenc_grow_frames(e, inline_frames, depth)) != WK_OK) return rc;
        e->frames[depth] = (xmlenc_frame){key, v, 1};
        if (depth < XMLENC_PATH_MAX) e->path[depth].container = NULL;
        v = key;
        key = NULL;
        depth++;
        goto write;
    }
    if (v->kind != WK_LIST && v->kind != WK_MAP) {
        rc = xmlenc_scalar(e, key, v, depth);
        if (rc != WK_OK) return rc;
        goto done;
    }
    {
        const size_t start = xmlenc_at(e);
        rc = xmlenc_head(e, key, v, depth, false);
        if (rc == XMLENC_RETRY_KEY) {
            e->o = e->out->data + start;
            rc = xmlenc_head(e, key, v, depth, true);
        }
        if (rc != WK_OK) return rc;
    }
    if (depth >= e->max_depth) return xmlenc_fail(e, depth, WK_ERR_DEPTH, "nesting deeper than the limit");
    if (v->len == 0) {
        XMLENC_LIT(e, "/>");
        goto done;
    }
    *e->o++ = '>';
    if (depth >= e->frame_cap && (rc = xmlenc_grow_frames(e, inline_frames, depth)) != WK_OK) return rc;
    e->frames[depth] = (xmlenc_frame){v, NULL, 0};
    if (depth < XMLENC_PATH_MAX) e->path[depth].container = v;
    depth++;

children:
    /* The children of the list or map open at depth - 1, from the next one on. */
    f = &e->frames[depth - 1];
    {
        const wk_value *c = f->v;
        const bool is_map = c->kind == WK_MAP;
        const bool track = depth - 1 < XMLENC_PATH_MAX;
        for (size_t i = f->next, n = c->len; i < n; i++) {
            if (track) e->path[depth - 1].index = i;
            const wk_value *child_key = is_map ? &c->as.members[i].key : NULL;
            const wk_value *child = is_map ? &c->as.members[i].value : &c->as.items[i];
            if (child->kind < WK_LIST && (!child_key || child_key->kind < WK_LIST)) {
                rc = xmlenc_scalar(e, child_key, child, depth);
                if (rc != WK_OK) return rc;
                continue;
            }
            f->next = i;
            key = child_key;
            v = child;
            goto write;
        }
    }
    depth--;
    if (!XMLENC_INDENT(e, depth) || !xmlenc_reserve(e, 3 + 8)) return xmlenc_nomem(e);
    XMLENC_LIT(e, "</");
    memcpy(e->o, xmlenc_names[f->v->kind], 8);
    e->o += xmlenc_name_lens[f->v->kind];
    *e->o++ = '>';

done:
    /* The element at depth is written: on to the next thing its parent holds. */
    if (depth == base) return WK_OK;
    f = &e->frames[depth - 1];
    if (f->value) {
        if (f->next == 1) {
            f->next = 2;
            key = NULL;
            v = f->value;
            goto write;
        }
        depth--;
        if (!XMLENC_INDENT(e, depth) || !xmlenc_reserve(e, 12)) return xmlenc_nomem(e);
        XMLENC_LIT(e, "</wk:member>");
        goto done;
    }
    f->next++;
    goto children;
}

static wk_code xmltyped_encode(xmlenc *e, const wk_value *v, uint32_t flags, const char *root);

static wk_code xml_encode(const wk_value *v, const wk_encode_opts *opts, wk_buf *out,
                          wk_status *st)
{
    static const char decl[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    static const char wk_decl[] = " xmlns:wk=\"" XMLW_NS_WK "\"";
    xmlenc e = {0};
    e.out = out;
    e.st = st;
    e.max_depth = wk__depth_limit(opts ? opts->max_depth : 0);
    e.pretty = opts && (opts->flags & WK_ENCODE_PRETTY);
    if (wk_buf_reserve(out, sizeof decl + XMLENC_HEAD_ROOM) != WK_OK) return xmlenc_nomem(&e);
    e.o = out->data + out->len;
    e.limit = out->data + out->cap;
    XMLENC_LIT(&e, decl);
    xmlenc_frame inline_frames[XMLENC_INLINE_FRAMES];
    e.frames = inline_frames;
    e.frame_cap = XMLENC_INLINE_FRAMES;
    wk_code rc = v->kind == WK_MESSAGE ? xmltyped_encode(&e, v, opts ? opts->flags : 0, opts ? opts->xml_root : NULL)
                                       : xmlenc_value(&e, NULL, v, 0, inline_frames);
    if (e.frames != inline_frames) free(e.frames);
    if (rc == WK_OK && e.uses_wk) {
        /* The wirekit namespace is declared once, on the root, and only
         * when the document uses it: moved in after the root's name. */
        size_t n = sizeof wk_decl - 1;
        if (!xmlenc_reserve(&e, n)) {
            rc = xmlenc_nomem(&e);
        } else {
            uint8_t *at = e.out->data + e.root_attrs;
            memmove(at + n, at, (size_t)(e.o - at));
            memcpy(at, wk_decl, n);
            e.o += n;
        }
    }
    /* On failure wk_encode puts the length back as it was. */
    out->len = xmlenc_at(&e);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Typed XML (a message type given): DESIGN.md's typed XML mapping     */
/* ------------------------------------------------------------------ */

/*
 * Decoding reads the document into a small element tree (names, attributes,
 * text, children, offsets) in a scratch arena, then "shapes" it by the
 * message type into the schema-less tree the shared typed layer applies
 * (formats/typed.h): repeated elements gathered into a list, map entries
 * into a map, scalars as their text (bools as bools, INF as "Infinity"),
 * well-known types' text as their JSON forms. A parallel tree of offsets
 * turns the typed layer's error path into a byte offset. Encoding renders
 * the message with the typed layer and walks the rendered tree alongside
 * the message definitions, writing one element per field.
 */
static const wk__typed_conv xmltyped_conv = {
    .format = "XML",
    .json_names = false,
    .int64_as_string = true,
    .bytes_as_base64 = true,
    .enum_as_name = true,
    .nonfinite_as_string = true,
    .map_keys_as_string = true,
    .number_keys_allowed = false,
    .wire_unknown_kept = false,
    .any_as_json = false,
};

typedef struct txattr {
    const char *name;
    const char *value;
    size_t len;
} txattr;

typedef struct txnode {
    const char *name;        /* local name */
    const char *uri;         /* namespace or NULL */
    size_t offset;           /* of the '<' */
    char *text;              /* character data directly inside */
    size_t text_len, text_cap;
    struct txnode **kids;
    size_t nkids, kids_cap;
    txattr *attrs;
    size_t nattrs;
    bool base64;             /* wk:encoding="base64" */
} txnode;

typedef struct txdec {
    xmlparse p;              /* first: the shared callbacks take either */
    wk_arena *scratch;
    txnode **stack;
    size_t depth, cap;
    txnode *root;
    uint32_t max_depth;
    uint32_t max_text;
} txdec;

static void txdec_nomem(txdec *d) { xmlparse_fail(&d->p, WK_ERR_NOMEM, 0, "out of memory"); }

static void txdec_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                        const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                        int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    (void)prefix; (void)nb_namespaces; (void)namespaces; (void)nb_defaulted;
    txdec *d = ctx;
    if (d->p.error != WK_OK) return;
    size_t at = xmlparse_markup_start(&d->p, xmlparse_where(&d->p));
    if (d->depth >= d->max_depth) {
        xmlparse_fail(&d->p, WK_ERR_DEPTH, at, "nesting deeper than the limit of %u", d->max_depth);
        return;
    }
    txnode *n = wk__arena_alloc(d->scratch, sizeof *n);
    if (!n) { txdec_nomem(d); return; }
    memset(n, 0, sizeof *n);
    n->offset = at;
    n->name = xml_copy(d->scratch, (const char *)localname, strlen((const char *)localname));
    n->uri = uri ? xml_copy(d->scratch, (const char *)uri, strlen((const char *)uri)) : NULL;
    if (!n->name || (uri && !n->uri)) { txdec_nomem(d); return; }
    if (nb_attributes > 0) {
        n->attrs = wk__arena_alloc(d->scratch, (size_t)nb_attributes * sizeof *n->attrs);
        if (!n->attrs) { txdec_nomem(d); return; }
    }
    for (int i = 0; i < nb_attributes; i++) {
        const xmlChar **at5 = attributes + 5 * i;
        const char *name = (const char *)at5[0];
        const char *auri = (const char *)at5[2];
        size_t vlen = (size_t)(at5[4] - at5[3]);
        if (vlen > d->max_text) {
            xmlparse_fail(&d->p, WK_ERR_LIMIT, at, "attribute '%.64s' longer than the limit of %u bytes",
                          name, d->max_text);
            return;
        }
        bool is_wk = auri && strcmp(auri, XMLW_NS_WK) == 0;
        if (strcmp(name, "encoding") == 0 && (!auri || is_wk)) {
            if (vlen != 6 || memcmp(at5[3], "base64", 6) != 0) {
                xmlparse_fail(&d->p, WK_ERR_TYPE, at, "encoding must be \"base64\", got \"%.*s\"",
                              (int)(vlen < 32 ? vlen : 32), (const char *)at5[3]);
                return;
            }
            n->base64 = true;
            continue;
        }
        if (auri) continue;   /* namespaced attributes are someone else's */
        txattr *ta = &n->attrs[n->nattrs];
        ta->name = xml_copy(d->scratch, name, strlen(name));
        ta->value = xml_copy(d->scratch, (const char *)at5[3], vlen);
        ta->len = vlen;
        if (!ta->name || !ta->value) { txdec_nomem(d); return; }
        n->nattrs++;
    }
    if (d->depth > 0) {
        txnode *parent = d->stack[d->depth - 1];
        if (parent->nkids == parent->kids_cap) {
            size_t cap = parent->kids_cap ? parent->kids_cap * 2 : 4;
            txnode **k = wk__arena_alloc(d->scratch, cap * sizeof *k);
            if (!k) { txdec_nomem(d); return; }
            if (parent->nkids) memcpy(k, parent->kids, parent->nkids * sizeof *k);
            parent->kids = k;
            parent->kids_cap = cap;
        }
        parent->kids[parent->nkids++] = n;
    } else {
        d->root = n;
    }
    if (d->depth == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        txnode **s = realloc(d->stack, cap * sizeof *s);
        if (!s) { txdec_nomem(d); return; }
        d->stack = s;
        d->cap = cap;
    }
    d->stack[d->depth++] = n;
}

static void txdec_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
    (void)localname; (void)prefix; (void)uri;
    txdec *d = ctx;
    if (d->p.error != WK_OK || d->depth == 0) return;
    d->depth--;
}

static void txdec_characters(void *ctx, const xmlChar *ch, int len)
{
    txdec *d = ctx;
    if (d->p.error != WK_OK || d->depth == 0 || len <= 0) return;
    txnode *n = d->stack[d->depth - 1];
    size_t need = n->text_len + (size_t)len;
    if (need > d->max_text) {
        xmlparse_fail(&d->p, WK_ERR_LIMIT, xmlparse_where(&d->p),
                      "text of element '%.64s' longer than the limit of %u bytes", n->name, d->max_text);
        return;
    }
    if (need + 1 > n->text_cap) {
        size_t cap = n->text_cap ? n->text_cap * 2 : 32;
        while (cap < need + 1) cap *= 2;
        char *t = wk__arena_alloc(d->scratch, cap);
        if (!t) { txdec_nomem(d); return; }
        if (n->text_len) memcpy(t, n->text, n->text_len);
        n->text = t;
        n->text_cap = cap;
    }
    memcpy(n->text + n->text_len, ch, (size_t)len);
    n->text_len = need;
    n->text[need] = 0;
}

static const xmlSAXHandler txdec_sax = {
    .initialized = XML_SAX2_MAGIC,
    .startElementNs = txdec_start,
    .endElementNs = txdec_end,
    .characters = txdec_characters,
    .cdataBlock = txdec_characters,
    .ignorableWhitespace = txdec_characters,
    .entityDecl = xmlparse_entity_decl,
    .unparsedEntityDecl = xmlparse_unparsed_entity_decl,
    .getEntity = xmlparse_get_entity,
    .getParameterEntity = xmlparse_get_entity,
    .reference = xmlparse_reference,
    .serror = xmlparse_error,
};

/* Where each value of the shaped tree came from: kids parallel to a container's children. */
typedef struct txpos {
    size_t offset;
    struct txpos *kids;
} txpos;

typedef struct txshape {
    wk_arena *a;             /* the caller's: the shaped tree's strings are shared with the result */
    wk_arena *scratch;
    wk_status *st;
    uint32_t max_depth;
    size_t err_offset;
} txshape;

/* One child of a message element: an element, or an attribute. */
typedef struct txentry {
    const char *name;
    const char *uri;
    const txnode *node;      /* NULL for an attribute */
    const char *text;
    size_t len;
    bool base64;
    size_t offset;
} txentry;

static WK__PRINTF(4, 5) wk_code txshape_fail(txshape *s, wk_code code, size_t offset, const char *fmt, ...)
{
    char msg[WK_STATUS_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    s->err_offset = offset;
    return wk__fail(s->st, code, offset, "%s", msg);
}

static wk_code txshape_message(txshape *s, const txnode *el, const wk_message_def *m, uint32_t depth,
                               wk_value *out, txpos *pos);

static bool txshape_is(const char *s, size_t n, const char *lit)
{
    return n == strlen(lit) && memcmp(s, lit, n) == 0;
}

/* The text of an entry, base64 decoded where marked; exact (not trimmed). */
static wk_code txshape_text(txshape *s, const txentry *e, const char **text, size_t *len)
{
    if (!e->base64) {
        *text = e->text ? e->text : "";
        *len = e->len;
        return WK_OK;
    }
    const char *t = e->text ? e->text : "";
    size_t n = e->len;
    xml_trim(&t, &n);
    char *buf = wk__arena_alloc(s->scratch, n / 4 * 3 + 4);
    size_t out_len = 0;
    if (!buf) return txshape_fail(s, WK_ERR_NOMEM, e->offset, "out of memory");
    if (!wk__base64_decode(t, n, (uint8_t *)buf, &out_len))
        return txshape_fail(s, WK_ERR_TYPE, e->offset, "element '%.64s': bad base64 text", e->name);
    *text = buf;
    *len = out_len;
    return WK_OK;
}

/* A scalar field's text as the typed layer takes it. */
static wk_code txshape_scalar(txshape *s, const wk_field_def *f, const txentry *e, wk_value *out)
{
    const char *t = NULL;
    size_t n = 0;
    wk_code rc = txshape_text(s, e, &t, &n);
    if (rc != WK_OK) return rc;
    if (f->type == WK_TYPE_STRING) {
        if (!wk_utf8_valid(t, n))
            return txshape_fail(s, WK_ERR_UTF8, e->offset, "element '%.64s': text is not UTF-8", e->name);
        rc = wk_value_string(s->a, t, n, out);
        return rc == WK_OK ? rc : txshape_fail(s, rc, e->offset, "out of memory");
    }
    xml_trim(&t, &n);
    if (f->type == WK_TYPE_BOOL) {
        if (txshape_is(t, n, "true") || txshape_is(t, n, "1")) { *out = wk_value_bool(true); return WK_OK; }
        if (txshape_is(t, n, "false") || txshape_is(t, n, "0")) { *out = wk_value_bool(false); return WK_OK; }
    } else if (f->type == WK_TYPE_FLOAT || f->type == WK_TYPE_DOUBLE) {
        if (txshape_is(t, n, "INF") || txshape_is(t, n, "+INF")) { t = "Infinity"; n = 8; }
        else if (txshape_is(t, n, "-INF")) { t = "-Infinity"; n = 9; }
    }
    rc = wk_value_string(s->a, t, n, out);
    return rc == WK_OK ? rc : txshape_fail(s, rc, e->offset, "out of memory");
}

/* An element the type does not know: its text, or a map of its attributes and children. */
static wk_code txshape_unknown(txshape *s, const txentry *e, uint32_t depth, wk_value *out, txpos *pos)
{
    pos->offset = e->offset;
    const txnode *n = e->node;
    if (!n || (n->nkids == 0 && n->nattrs == 0)) {
        const char *t = NULL;
        size_t len;
        wk_code rc = txshape_text(s, e, &t, &len);
        if (rc != WK_OK) return rc;
        rc = wk_value_string(s->a, t, len, out);
        return rc == WK_OK ? rc : txshape_fail(s, rc, e->offset, "out of memory");
    }
    if (depth >= s->max_depth)
        return txshape_fail(s, WK_ERR_DEPTH, n->offset, "nesting deeper than the limit of %u", s->max_depth);
    size_t count = n->nattrs + n->nkids;
    wk_member *mem = wk_value_map(s->a, count, out);
    pos->kids = wk__arena_alloc(s->scratch, count * sizeof *pos->kids);
    if (!mem || !pos->kids) return txshape_fail(s, WK_ERR_NOMEM, n->offset, "out of memory");
    for (size_t i = 0; i < count; i++) {
        txentry c = {0};
        if (i < n->nattrs) {
            c = (txentry){n->attrs[i].name, NULL, NULL, n->attrs[i].value, n->attrs[i].len, false, n->offset};
        } else {
            const txnode *k = n->kids[i - n->nattrs];
            c = (txentry){k->name, k->uri, k, k->text, k->text_len, k->base64, k->offset};
        }
        wk_code rc = wk_value_string(s->a, c.name, strlen(c.name), &mem[i].key);
        if (rc != WK_OK) return txshape_fail(s, rc, c.offset, "out of memory");
        rc = txshape_unknown(s, &c, depth + 1, &mem[i].value, &pos->kids[i]);
        if (rc != WK_OK) return rc;
    }
    return WK_OK;
}

/* The JSON form of Struct, Value and ListValue, as the element's text. */
static wk_code txshape_json(txshape *s, const txentry *e, wk_value *out)
{
    const char *t = NULL;
    size_t n = 0;
    wk_code rc = txshape_text(s, e, &t, &n);
    if (rc != WK_OK) return rc;
    const wk_format *json = wk_format_find("json");
    wk_decode_opts o = {0};
    o.max_depth = s->max_depth;
    const wk_value *v;
    wk_status st2;
    if (!json || wk_decode(json, t, n, &o, s->a, &v, &st2) != WK_OK)
        return txshape_fail(s, WK_ERR_TYPE, e->offset, "element '%.64s': expected JSON text: %s", e->name,
                            json ? st2.msg : "no JSON format");
    *out = *v;
    return WK_OK;
}

/* A child of a message element that names field f (not a map or list: one value). */
static wk_code txshape_value(txshape *s, const wk_field_def *f, const txentry *e, uint32_t depth,
                             wk_value *out, txpos *pos)
{
    pos->offset = e->offset;
    if (f->type != WK_TYPE_MESSAGE && f->type != WK_TYPE_GROUP) return txshape_scalar(s, f, e, out);
    switch (wk__wkt_of(f->message)) {
    case WK__WKT_TIMESTAMP: case WK__WKT_DURATION: case WK__WKT_FIELD_MASK: {
        const char *t = NULL;
        size_t n = 0;
        wk_code rc = txshape_text(s, e, &t, &n);
        if (rc != WK_OK) return rc;
        xml_trim(&t, &n);
        rc = wk_value_string(s->a, t, n, out);
        return rc == WK_OK ? rc : txshape_fail(s, rc, e->offset, "out of memory");
    }
    case WK__WKT_WRAPPER:
        if (f->message->field_count == 1) return txshape_scalar(s, &f->message->fields[0], e, out);
        break;
    case WK__WKT_STRUCT: case WK__WKT_VALUE: case WK__WKT_LIST_VALUE:
        return txshape_json(s, e, out);
    default:
        break;
    }
    if (!e->node)
        return txshape_fail(s, WK_ERR_TYPE, e->offset, "attribute '%.64s': field %s is a message, not a scalar",
                            e->name, f->name);
    if (depth >= s->max_depth)
        return txshape_fail(s, WK_ERR_DEPTH, e->offset, "nesting deeper than the limit of %u", s->max_depth);
    return txshape_message(s, e->node, f->message, depth + 1, out, pos);
}

/* The child (or attribute) of a map entry element named `name`. */
static bool txshape_entry_part(const txnode *n, const char *name, txentry *out)
{
    for (size_t i = 0; i < n->nkids; i++) {
        const txnode *k = n->kids[i];
        if (strcmp(k->name, name) == 0) {
            *out = (txentry){k->name, k->uri, k, k->text, k->text_len, k->base64, k->offset};
            return true;
        }
    }
    for (size_t i = 0; i < n->nattrs; i++) {
        if (strcmp(n->attrs[i].name, name) == 0) {
            *out = (txentry){n->attrs[i].name, NULL, NULL, n->attrs[i].value, n->attrs[i].len, false, n->offset};
            return true;
        }
    }
    return false;
}

/* One <field><key>K</key><value>V</value></field> into a member of the map. */
static wk_code txshape_map_entry(txshape *s, const wk_field_def *f, const txentry *e, uint32_t depth,
                                 wk_member *mem, txpos *pos)
{
    pos->offset = e->offset;
    const wk_message_def *entry = f->message;
    const wk_field_def *kf = wk_message_field(entry, 1), *vf = wk_message_field(entry, 2);
    if (!e->node || !kf || !vf)
        return txshape_fail(s, WK_ERR_TYPE, e->offset, "'%.64s': a map entry needs <key> and <value>", e->name);
    txentry k, v;
    if (!txshape_entry_part(e->node, "key", &k))
        return txshape_fail(s, WK_ERR_TYPE, e->offset, "'%.64s': map entry without a <key>", e->name);
    const char *t = NULL;
    size_t n = 0;
    wk_code rc = txshape_text(s, &k, &t, &n);
    if (rc != WK_OK) return rc;
    if (kf->type != WK_TYPE_STRING) xml_trim(&t, &n);
    rc = wk_value_string(s->a, t, n, &mem->key);
    if (rc != WK_OK) return txshape_fail(s, rc, k.offset, "out of memory");
    if (!txshape_entry_part(e->node, "value", &v)) {
        if (vf->type != WK_TYPE_MESSAGE)
            return txshape_fail(s, WK_ERR_TYPE, e->offset, "'%.64s': map entry without a <value>", e->name);
        wk_value_map(s->a, 0, &mem->value);
        return WK_OK;
    }
    txpos ignored = {0};
    return txshape_value(s, vf, &v, depth, &mem->value, &ignored);
}

static const wk_field_def *txshape_field(const wk_message_def *m, const char *name)
{
    const wk_field_def *f = wk_message_field_by_name(m, name, strlen(name));
    if (f) return f;
    for (size_t i = 0; i < m->field_count; i++)
        if (strcmp(m->fields[i].json_name, name) == 0) return &m->fields[i];
    return NULL;
}

static wk_code txshape_message(txshape *s, const txnode *el, const wk_message_def *m, uint32_t depth,
                               wk_value *out, txpos *pos)
{
    pos->offset = el->offset;
    size_t count = el->nattrs + el->nkids;
    txentry *ents = count ? wk__arena_alloc(s->scratch, count * sizeof *ents) : NULL;
    const wk_field_def **fields = count ? wk__arena_alloc(s->scratch, count * sizeof *fields) : NULL;
    int64_t *group = m->field_count ? wk__arena_alloc(s->scratch, m->field_count * sizeof *group) : NULL;
    size_t *fill = m->field_count ? wk__arena_alloc(s->scratch, m->field_count * sizeof *fill) : NULL;
    size_t *gcount = m->field_count ? wk__arena_alloc(s->scratch, m->field_count * sizeof *gcount) : NULL;
    size_t *gfirst = m->field_count ? wk__arena_alloc(s->scratch, m->field_count * sizeof *gfirst) : NULL;
    if ((count && (!ents || !fields)) || (m->field_count && (!group || !fill || !gcount || !gfirst)))
        return txshape_fail(s, WK_ERR_NOMEM, el->offset, "out of memory");
    for (size_t i = 0; i < m->field_count; i++) { group[i] = -1; fill[i] = 0; gcount[i] = 0; gfirst[i] = 0; }
    size_t members = 0, n = 0;
    for (size_t i = 0; i < count; i++) {
        txentry e;
        if (i < el->nattrs) {
            e = (txentry){el->attrs[i].name, NULL, NULL, el->attrs[i].value, el->attrs[i].len, false, el->offset};
        } else {
            const txnode *k = el->kids[i - el->nattrs];
            e = (txentry){k->name, k->uri, k, k->text, k->text_len, k->base64, k->offset};
        }
        const wk_field_def *f = txshape_field(m, e.name);
        if (f && (f->label == WK_LABEL_REPEATED || f->is_map)) {
            size_t fi = (size_t)(f - m->fields);
            if (group[fi] < 0) {
                group[fi] = (int64_t)members++;
                gfirst[fi] = n;
            } else {
                const txentry *first = &ents[gfirst[fi]];
                if ((first->uri == NULL) != (e.uri == NULL) || (first->uri && e.uri && strcmp(first->uri, e.uri) != 0))
                    return txshape_fail(s, WK_ERR_TYPE, e.offset,
                                        "elements '%.64s' in two namespaces ('%.100s' and '%.100s')", e.name,
                                        first->uri ? first->uri : "none", e.uri ? e.uri : "none");
            }
            gcount[fi]++;
        } else {
            members++;
        }
        fields[n] = f;
        ents[n++] = e;
    }
    wk_member *mem = wk_value_map(s->a, members, out);
    pos->kids = members ? wk__arena_alloc(s->scratch, members * sizeof *pos->kids) : NULL;
    if (!mem || (members && !pos->kids)) return txshape_fail(s, WK_ERR_NOMEM, el->offset, "out of memory");
    if (members) memset(pos->kids, 0, members * sizeof *pos->kids);
    size_t next = 0;
    for (size_t i = 0; i < n; i++) {
        const wk_field_def *f = fields[i];
        const txentry *e = &ents[i];
        wk_code rc;
        if (!f) {
            size_t slot = next++;
            rc = wk_value_string(s->a, e->name, strlen(e->name), &mem[slot].key);
            if (rc != WK_OK) return txshape_fail(s, rc, e->offset, "out of memory");
            rc = txshape_unknown(s, e, depth + 1, &mem[slot].value, &pos->kids[slot]);
        } else if (f->label == WK_LABEL_REPEATED || f->is_map) {
            size_t fi = (size_t)(f - m->fields);
            size_t slot = (size_t)group[fi];
            if (fill[fi] == 0) {
                if (slot != next) return txshape_fail(s, WK_ERR_INVALID, e->offset, "internal: member order");
                next++;
                rc = wk_value_string(s->a, f->name, strlen(f->name), &mem[slot].key);
                if (rc != WK_OK) return txshape_fail(s, rc, e->offset, "out of memory");
                bool ok = f->is_map ? wk_value_map(s->a, gcount[fi], &mem[slot].value) != NULL
                                    : wk_value_list(s->a, gcount[fi], &mem[slot].value) != NULL;
                pos->kids[slot].offset = e->offset;
                pos->kids[slot].kids = wk__arena_alloc(s->scratch, gcount[fi] * sizeof(txpos));
                if (!ok || !pos->kids[slot].kids) return txshape_fail(s, WK_ERR_NOMEM, e->offset, "out of memory");
                memset(pos->kids[slot].kids, 0, gcount[fi] * sizeof(txpos));
            }
            size_t k = fill[fi]++;
            txpos *kp = &pos->kids[slot].kids[k];
            if (f->is_map)
                rc = txshape_map_entry(s, f, e, depth + 1, (wk_member *)&mem[slot].value.as.members[k], kp);
            else
                rc = txshape_value(s, f, e, depth + 1, (wk_value *)&mem[slot].value.as.items[k], kp);
        } else {
            size_t slot = next++;
            rc = wk_value_string(s->a, f->name, strlen(f->name), &mem[slot].key);
            if (rc != WK_OK) return txshape_fail(s, rc, e->offset, "out of memory");
            rc = txshape_value(s, f, e, depth + 1, &mem[slot].value, &pos->kids[slot]);
        }
        if (rc != WK_OK) return rc;
    }
    return WK_OK;
}

static wk_code xmltyped_decode(const uint8_t *data, size_t len, const wk_decode_opts *opts, wk_arena *a,
                               const wk_value **out, wk_status *st)
{
    txdec d;
    memset(&d, 0, sizeof d);
    d.p.input = data;
    d.p.input_len = len;
    d.p.st = st;
    d.max_depth = wk__depth_limit(opts->max_depth);
    d.max_text = opts->max_text ? opts->max_text : WK_DEFAULT_MAX_TEXT;
    d.scratch = wk_arena_new(0);
    if (!d.scratch) return wk__fail(st, WK_ERR_NOMEM, 0, "out of memory");
    wk_code rc = xmlparse_run(&d.p, &txdec_sax, &d);
    free(d.stack);
    if (rc == WK_OK && !d.root) {
        rc = wk__fail(st, WK_ERR_TRUNCATED, len, "no XML element in the input");
        if (st) wk__status_locate(st, data, len);
    }
    if (rc == WK_OK) {
        txshape s = {a, d.scratch, st, d.max_depth, 0};
        wk_value tree;
        txpos pos = {0};
        rc = txshape_message(&s, d.root, opts->type, 0, &tree, &pos);
        if (rc != WK_OK) {
            if (st) wk__status_locate(st, data, len);
        } else {
            wk__typed_where where;
            rc = wk__typed_apply(&xmltyped_conv, &tree, opts->type, opts->flags, opts->max_depth, a, out,
                                 &where, st);
            if (rc != WK_OK) {
                const txpos *p = &pos;
                for (size_t k = 0; k < where.depth; k++) {
                    size_t idx = where.frames[k].index;
                    const wk_value *c = where.frames[k].container;
                    if (!p->kids || !c || idx >= c->len) break;
                    p = &p->kids[idx];
                }
                if (st) {
                    st->offset = p->offset;
                    wk__status_locate(st, data, len);
                }
                free(where.frames);
            }
        }
    }
    wk_arena_free(d.scratch);
    return rc;
}

/* ---- typed encoding ---- */

static bool txenc_name_ok(const char *s, size_t n)
{
    if (n == 0) return false;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)s[i];
        bool alpha = ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_' || c >= 0x80;
        if (i == 0 ? !alpha : !(alpha || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
    }
    if (n >= 3 && (s[0] | 0x20) == 'x' && (s[1] | 0x20) == 'm' && (s[2] | 0x20) == 'l') return false;
    return wk__utf8_valid_prefix((const uint8_t *)s, n) == n;
}

/* "<name" (indented), with room for what follows. */
static bool txenc_open(xmlenc *e, const char *name, size_t n, uint32_t depth)
{
    if (depth > 0 && !XMLENC_INDENT(e, depth)) return false;
    if (!xmlenc_reserve(e, n + XMLENC_HEAD_ROOM)) return false;
    *e->o++ = '<';
    xmlenc_put(e, name, n);
    return true;
}

static bool txenc_close(xmlenc *e, const char *name, size_t n, uint32_t depth, bool indent)
{
    if (indent && !XMLENC_INDENT(e, depth)) return false;
    if (!xmlenc_reserve(e, n + 4)) return false;
    XMLENC_LIT(e, "</");
    xmlenc_put(e, name, n);
    *e->o++ = '>';
    return true;
}

/* <name>text</name>: the text escaped, or in base64 when XML cannot carry it. */
static wk_code txenc_text(xmlenc *e, const char *name, size_t n, const char *s, size_t len, uint32_t depth)
{
    if (!txenc_open(e, name, n, depth)) return xmlenc_nomem(e);
    if (len == 0) {
        XMLENC_LIT(e, "/>");
        return WK_OK;
    }
    size_t start = xmlenc_at(e);
    *e->o++ = '>';
    switch (xmlenc_escape(e, (const uint8_t *)s, len, false)) {
    case XMLENC_OK: break;
    case XMLENC_BASE64:
        e->o = e->out->data + start;
        e->uses_wk = true;
        if (!xmlenc_reserve(e, 24)) return xmlenc_nomem(e);
        XMLENC_LIT(e, " wk:encoding=\"base64\">");
        if (!xmlenc_base64(e, s, len)) return xmlenc_nomem(e);
        break;
    case XMLENC_NOMEM: return xmlenc_nomem(e);
    default: return xmlenc_fail(e, depth, WK_ERR_UNREPRESENTABLE, "string is not valid UTF-8");
    }
    return txenc_close(e, name, n, depth, false) ? WK_OK : xmlenc_nomem(e);
}

/* A rendered scalar of field type `type` as text. */
static wk_code txenc_scalar(xmlenc *e, const char *name, size_t n, wk_field_type type, const wk_value *v,
                            uint32_t depth)
{
    char num[64];
    size_t len;
    switch (v->kind) {
    case WK_BOOL: return txenc_text(e, name, n, v->as.b ? "true" : "false", v->as.b ? 4 : 5, depth);
    case WK_INT: len = wk__format_int64(v->as.i, num); break;
    case WK_UINT: len = wk__format_uint64(v->as.u, num); break;
    case WK_DOUBLE:
        if (v->as.d != v->as.d) { memcpy(num, "NaN", 3); len = 3; }
        else if (v->as.d == HUGE_VAL) { memcpy(num, "INF", 3); len = 3; }
        else if (v->as.d == -HUGE_VAL) { memcpy(num, "-INF", 4); len = 4; }
        else if (v->reserved == WK__DOUBLE_AS_FLOAT32) len = wk__format_float32((float)v->as.d, num);
        else len = wk__format_double(v->as.d, num);
        break;
    case WK_STRING:
        if ((type == WK_TYPE_FLOAT || type == WK_TYPE_DOUBLE) && txshape_is(v->as.str, v->len, "Infinity"))
            return txenc_text(e, name, n, "INF", 3, depth);
        if ((type == WK_TYPE_FLOAT || type == WK_TYPE_DOUBLE) && txshape_is(v->as.str, v->len, "-Infinity"))
            return txenc_text(e, name, n, "-INF", 4, depth);
        return txenc_text(e, name, n, v->as.str, v->len, depth);
    case WK_NULL: return txenc_text(e, name, n, "", 0, depth);
    case WK_BYTES: {
        if (!txenc_open(e, name, n, depth) || !xmlenc_reserve(e, 2)) return xmlenc_nomem(e);
        *e->o++ = '>';
        if (!xmlenc_base64(e, v->as.str, v->len)) return xmlenc_nomem(e);
        return txenc_close(e, name, n, depth, false) ? WK_OK : xmlenc_nomem(e);
    }
    default:
        return xmlenc_fail(e, depth, WK_ERR_UNREPRESENTABLE, "a list or map where the field holds a scalar");
    }
    return txenc_text(e, name, n, num, len, depth);
}

static wk_code txenc_message(xmlenc *e, const char *name, size_t n, const wk_message_def *m,
                             const wk_value *v, uint32_t depth);

/* A value the type does not know (schema-less), under its name. */
static wk_code txenc_unknown(xmlenc *e, const char *name, size_t n, const wk_value *v, uint32_t depth)
{
    if (!txenc_name_ok(name, n))
        return xmlenc_fail(e, depth, WK_ERR_UNREPRESENTABLE, "an unknown field whose name is not an XML name");
    if (depth > e->max_depth) return xmlenc_fail(e, depth, WK_ERR_DEPTH, "nesting deeper than the limit");
    if (v->kind == WK_LIST) {
        for (size_t i = 0; i < v->len; i++) {
            if (depth < XMLENC_PATH_MAX) { e->path[depth].container = v; e->path[depth].index = i; }
            wk_code rc = txenc_unknown(e, name, n, &v->as.items[i], depth);
            if (rc != WK_OK) return rc;
        }
        return WK_OK;
    }
    if (v->kind != WK_MAP) return txenc_scalar(e, name, n, WK_TYPE_STRING, v, depth);
    if (!txenc_open(e, name, n, depth)) return xmlenc_nomem(e);
    if (v->len == 0) { XMLENC_LIT(e, "/>"); return WK_OK; }
    *e->o++ = '>';
    for (size_t i = 0; i < v->len; i++) {
        const wk_member *mem = &v->as.members[i];
        if (depth < XMLENC_PATH_MAX) { e->path[depth].container = v; e->path[depth].index = i; }
        if (mem->key.kind != WK_STRING)
            return xmlenc_fail(e, depth + 1, WK_ERR_UNREPRESENTABLE, "an unknown field with a key that is not a string");
        wk_code rc = txenc_unknown(e, mem->key.as.str, mem->key.len, &mem->value, depth + 1);
        if (rc != WK_OK) return rc;
    }
    return txenc_close(e, name, n, depth, true) ? WK_OK : xmlenc_nomem(e);
}

/* One value of field f (an item of a repeated field, or the field's value). */
static wk_code txenc_value(xmlenc *e, const char *name, size_t n, const wk_field_def *f, const wk_value *v,
                           uint32_t depth)
{
    if (f->type != WK_TYPE_MESSAGE && f->type != WK_TYPE_GROUP) return txenc_scalar(e, name, n, f->type, v, depth);
    switch (wk__wkt_of(f->message)) {
    case WK__WKT_TIMESTAMP: case WK__WKT_DURATION: case WK__WKT_FIELD_MASK:
        return txenc_scalar(e, name, n, WK_TYPE_STRING, v, depth);
    case WK__WKT_WRAPPER:
        if (f->message->field_count == 1) return txenc_scalar(e, name, n, f->message->fields[0].type, v, depth);
        break;
    case WK__WKT_STRUCT: case WK__WKT_VALUE: case WK__WKT_LIST_VALUE: {
        const wk_format *json = wk_format_find("json");
        wk_buf b;
        wk_buf_init(&b);
        wk_status st2;
        wk_encode_opts o = {0};
        o.max_depth = e->max_depth;
        if (!json || wk_encode(json, v, &o, &b, &st2) != WK_OK) {
            wk_buf_destroy(&b);
            return xmlenc_fail(e, depth, WK_ERR_UNREPRESENTABLE, json ? st2.msg : "no JSON format");
        }
        wk_code rc = txenc_text(e, name, n, (const char *)b.data, b.len, depth);
        wk_buf_destroy(&b);
        return rc;
    }
    default:
        break;
    }
    return txenc_message(e, name, n, f->message, v, depth);
}

static wk_code txenc_message(xmlenc *e, const char *name, size_t n, const wk_message_def *m,
                             const wk_value *v, uint32_t depth)
{
    if (depth > e->max_depth) return xmlenc_fail(e, depth, WK_ERR_DEPTH, "nesting deeper than the limit");
    if (v->kind != WK_MAP) return xmlenc_fail(e, depth, WK_ERR_INVALID, "a message rendered as no map");
    if (!txenc_open(e, name, n, depth)) return xmlenc_nomem(e);
    if (depth == 0) e->root_attrs = xmlenc_at(e);
    if (v->len == 0) { XMLENC_LIT(e, "/>"); return WK_OK; }
    *e->o++ = '>';
    for (size_t i = 0; i < v->len; i++) {
        const wk_member *mem = &v->as.members[i];
        if (depth < XMLENC_PATH_MAX) { e->path[depth].container = v; e->path[depth].index = i; }
        if (mem->key.kind != WK_STRING)
            return xmlenc_fail(e, depth + 1, WK_ERR_UNREPRESENTABLE, "a field key that is not a name");
        const char *k = mem->key.as.str;
        size_t kn = mem->key.len;
        const wk_field_def *f = wk_message_field_by_name(m, k, kn);
        wk_code rc = WK_OK;
        if (!f) {
            rc = txenc_unknown(e, k, kn, &mem->value, depth + 1);
        } else if (f->is_map && mem->value.kind == WK_MAP) {
            const wk_field_def *vf = wk_message_field(f->message, 2);
            const wk_value *mv = &mem->value;
            for (size_t j = 0; j < mv->len && rc == WK_OK; j++) {
                if (depth + 1 < XMLENC_PATH_MAX) { e->path[depth + 1].container = mv; e->path[depth + 1].index = j; }
                if (!txenc_open(e, k, kn, depth + 1) || !xmlenc_reserve(e, 1)) return xmlenc_nomem(e);
                *e->o++ = '>';
                rc = txenc_scalar(e, "key", 3, WK_TYPE_STRING, &mv->as.members[j].key, depth + 2);
                if (rc == WK_OK && vf) rc = txenc_value(e, "value", 5, vf, &mv->as.members[j].value, depth + 2);
                if (rc == WK_OK && !txenc_close(e, k, kn, depth + 1, true)) return xmlenc_nomem(e);
            }
        } else if (f->label == WK_LABEL_REPEATED && mem->value.kind == WK_LIST) {
            const wk_value *lv = &mem->value;
            for (size_t j = 0; j < lv->len && rc == WK_OK; j++) {
                if (depth + 1 < XMLENC_PATH_MAX) { e->path[depth + 1].container = lv; e->path[depth + 1].index = j; }
                rc = txenc_value(e, k, kn, f, &lv->as.items[j], depth + 1);
            }
        } else {
            rc = txenc_value(e, k, kn, f, &mem->value, depth + 1);
        }
        if (rc != WK_OK) return rc;
    }
    return txenc_close(e, name, n, depth, true) ? WK_OK : xmlenc_nomem(e);
}

static wk_code xmltyped_encode(xmlenc *e, const wk_value *v, uint32_t flags, const char *root)
{
    const wk_message_def *m = v->as.message->type;
    const char *name = root ? root : m->name;
    if (!txenc_name_ok(name, strlen(name)))
        return wk__fail(e->st, WK_ERR_INVALID, 0, "'%.64s' is not an XML element name", name);
    wk_arena *scratch = wk_arena_new(0);
    if (!scratch) return xmlenc_nomem(e);
    wk_value tree;
    wk_code rc = wk__typed_render(&xmltyped_conv, v, flags, e->max_depth, scratch, &tree, e->st);
    if (rc == WK_OK) rc = txenc_message(e, name, strlen(name), m, &tree, 0);
    wk_arena_free(scratch);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Sniffing and the table                                              */
/* ------------------------------------------------------------------ */

static int xml_sniff(const uint8_t *data, size_t len)
{
    size_t i = 0;
    if (len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF) i = 3;
    else if (len >= 4 && ((data[0] == 0xFF && data[1] == 0xFE && data[2] == '<' && data[3] == 0) ||
                          (data[0] == 0xFE && data[1] == 0xFF && data[2] == 0 && data[3] == '<')))
        return 90;   /* UTF-16 with a byte order mark, then '<' */
    while (i < len && xml_is_space(data[i])) i++;
    if (len - i >= 5 && memcmp(data + i, "<?xml", 5) == 0) return 100;
    if (len - i < 2 || data[i] != '<') return 0;
    uint8_t c = data[i + 1];
    if (c == '!' || c == '?' || c == '_' || c == ':' || c >= 0x80 || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
        return 80;
    return 0;
}

/* "libxml2 2.9.14": the library actually linked, not the headers compiled against. */
static const char *xml_backend_version(void)
{
    /* Per thread, so that concurrent callers never share a buffer being written. */
    static _Thread_local char text[64];
    /* xmlParserVersion is "20914" for 2.9.14. */
    long v = strtol(xmlParserVersion, NULL, 10);
    snprintf(text, sizeof text, "libxml2 %ld.%ld.%ld", v / 10000, v / 100 % 100, v % 100);
    return text;
}

static const char *const xml_media_types[] = {"application/xml", "text/xml", NULL};
static const char *const xml_extensions[] = {"xml", NULL};

const wk_format wk__format_xml = {
    "xml",
    NULL,
    xml_media_types,
    xml_extensions,
    true,
    xml_sniff,
    xml_decode,
    xml_encode,
    xml_parse_only,
    xml_backend_version,
};
