/*
 * gateway: a small HTTP service that takes orders in any of wirekit's four
 * formats and any 1.x version of the order schema, and answers in the format
 * and version the client asks for.
 *
 *     POST /orders       body: an acme.orders.Order, as its Content-Type says
 *                        -> 201, the stored order (with an id and the time it
 *                           was received) as Accept asks
 *     GET  /orders/{id}  -> 200, a stored order as Accept asks
 *
 * Content-Type and Accept name the format and the schema version:
 *
 *     application/vnd.acme.order+json; version=1.0.0
 *     application/vnd.acme.order+msgpack; version=1.1.0   (also +xml, +protobuf)
 *     application/json, application/msgpack, ...          (the current version)
 *
 * This is the example of linking the codec API into a service; the parts to
 * copy are in the order a request meets them:
 *
 *   1. Load every version of the schema once, at start-up (schemas_load).
 *      A loaded schema is read-only and may be shared by all threads.
 *   2. Parse Content-Type with wk_media_type_parse: it gives the format and
 *      the declared version. Pick the schema to read that version with
 *      (version_for_reading), refusing another major version with 415.
 *   3. Decode the body in one arena per request (wk_decode with the order
 *      type of that version), then bring it to the current schema with
 *      wk_message_migrate: fields are matched by number, so a renamed field
 *      carries its value over.
 *   4. Work on the current version only (here: give it an id and a time).
 *   5. Pick the answer's format and version from Accept (negotiate),
 *      migrate back to that version if it is an older one, and wk_encode.
 *   6. Free the arena: everything the request decoded goes with it.
 *
 * libmicrohttpd runs the HTTP side on a small pool of its own threads; the
 * wirekit calls are safe there because each request has its own arena and
 * buffers, and the schemas are only read. The one shared thing, the store of
 * recent orders, has a mutex.
 */
#define _POSIX_C_SOURCE 200809L

#include <wirekit/wirekit.h>
#include <wirekit/versioning.h>

#include <microhttpd.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

/* 413's name before libmicrohttpd 0.9.74. */
#ifndef MHD_HTTP_CONTENT_TOO_LARGE
#define MHD_HTTP_CONTENT_TOO_LARGE 413
#endif

/* The message this service takes, and the vendor media type that names it. */
#define ORDER_TYPE "acme.orders.Order"
#define ORDER_MEDIA_NAME "vnd.acme.order"

/*
 * The major version of the order schema this code is written for. Within one
 * major version field numbers keep their meaning, so the code below may set
 * fields by number whatever minor version it holds; schema files of another
 * major version are not loaded, and data declared as one is refused.
 */
#define SERVICE_MAJOR 1
#define ORDER_FIELD_ID 1           /* string id = 1; */
#define ORDER_FIELD_RECEIVED_AT 5  /* google.protobuf.Timestamp received_at = 5; */

#define MAX_VERSIONS 32            /* schema files loaded at most */
#define STORE_CAPACITY 1024        /* orders kept for GET; the oldest go first */
#define POOL_THREADS 4             /* libmicrohttpd's worker threads */
#define CONNECTION_TIMEOUT 30      /* seconds a connection may stay idle */
#define MAX_DEPTH 64               /* nesting a request may have (orders are shallow) */
#define MAX_ACCEPT_ENTRIES 32      /* media ranges of one Accept header considered */
/* A decoded tree takes more room than its bytes: this much per body byte, at most. */
#define ARENA_BYTES_PER_BODY_BYTE 64

/* One version of the order schema, as loaded from its .proto file. */
typedef struct order_version {
    wk_schema *schema;
    const wk_message_def *order;
    wk_semver version;             /* points into the schema's file definition */
    const char *text;              /* "1.1.0" */
    char path[512];
} order_version;

/* An order kept for GET /orders/{id}: its MessagePack encoding, current version. */
typedef struct stored_order {
    char id[32];
    uint8_t *data;
    size_t len;
} stored_order;

typedef struct gateway {
    order_version versions[MAX_VERSIONS];   /* by version, oldest first */
    size_t version_count;
    const order_version *current;           /* the newest: what the service works on */
    size_t max_body;
    char supported[512];                    /* what the service reads and writes, for error bodies */

    pthread_mutex_t lock;                   /* guards what follows */
    uint64_t last_id;
    stored_order store[STORE_CAPACITY];
    size_t store_next;                      /* the slot the next order goes to */
} gateway;

/* What an answer is written as. */
typedef struct reply_type {
    const wk_format *format;
    const order_version *version;
    bool vendor;   /* application/vnd.acme.order+FORMAT, else the format's own media type */
} reply_type;

/* Per request (libmicrohttpd's connection closure): the body as it arrives. */
typedef struct request {
    const char *method;
    const char *url;
    const char *order_id;    /* GET /orders/{id}: the id; NULL for POST /orders */
    wk_buf body;
    bool too_large;          /* more than max_body arrived; the rest is discarded */
    const wk_format *in_format;
    const order_version *in_version;
    reply_type out;
    bool answered;           /* a response is queued: ignore whatever else comes */
} request;

/* ---- schemas ---- */

static int schemas_compare(const void *a, const void *b)
{
    const order_version *x = a, *y = b;
    return wk_semver_cmp(&x->version, &y->version);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/*
 * Loads every *.proto file in `dir` that defines acme.orders.Order with a
 * version of SERVICE_MAJOR. Each file is loaded on its own (imports resolve
 * from the folder), so that the versions, which share names, never meet.
 */
static bool schemas_load(gateway *g, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "gateway: cannot open the schema folder %s: %s\n", dir, strerror(errno));
        return false;
    }
    const char *include_dirs[] = {dir};
    wk_schema_opts opts = {include_dirs, 1};
    bool ok = true;
    struct dirent *e;
    while (ok && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !ends_with(e->d_name, ".proto")) continue;
        order_version v = {0};
        snprintf(v.path, sizeof v.path, "%s/%s", dir, e->d_name);
        wk_status st;
        if (wk_schema_load(v.path, &opts, &v.schema, &st) != WK_OK) {
            fprintf(stderr, "%s:%u:%u: error: %s\n", st.file, st.line, st.col, st.msg);
            ok = false;
            break;
        }
        v.order = wk_schema_message(v.schema, ORDER_TYPE);
        v.text = wk_schema_main_file(v.schema)->version;
        if (!v.order) {
            /* Not a version of the order (an imported file, say). */
            wk_schema_free(v.schema);
            continue;
        }
        if (!v.text || wk_semver_parse(v.text, strlen(v.text), &v.version, &st) != WK_OK) {
            fprintf(stderr, "gateway: %s: no valid (wirekit.version) option: %s\n", v.path,
                    v.text ? st.msg : "the option is missing");
            wk_schema_free(v.schema);
            ok = false;
            break;
        }
        if (v.version.major != SERVICE_MAJOR) {
            fprintf(stderr, "gateway: %s: version %s not loaded: this service speaks %d.x\n",
                    v.path, v.text, SERVICE_MAJOR);
            wk_schema_free(v.schema);
            continue;
        }
        for (size_t i = 0; i < g->version_count; i++)
            if (wk_semver_cmp(&g->versions[i].version, &v.version) == 0) {
                fprintf(stderr, "gateway: %s and %s both declare version %s\n",
                        g->versions[i].path, v.path, v.text);
                ok = false;
            }
        if (ok && g->version_count == MAX_VERSIONS) {
            fprintf(stderr, "gateway: more than %d versions in %s\n", MAX_VERSIONS, dir);
            ok = false;
        }
        if (!ok) {
            wk_schema_free(v.schema);
            break;
        }
        g->versions[g->version_count++] = v;
    }
    closedir(d);
    if (ok && g->version_count == 0) {
        fprintf(stderr, "gateway: no version %d.x of %s in %s\n", SERVICE_MAJOR, ORDER_TYPE, dir);
        ok = false;
    }
    if (!ok) return false;
    qsort(g->versions, g->version_count, sizeof g->versions[0], schemas_compare);
    g->current = &g->versions[g->version_count - 1];
    return true;
}

/*
 * The schema to read data of the declared version with. A version of
 * another major is refused (NULL). Within ours, the newest loaded patch of
 * the same minor; data of a minor we lack is read by the oldest newer one
 * (a minor version only adds), and data newer than everything we have by the
 * current schema, which keeps the fields it does not know.
 */
static const order_version *version_for_reading(const gateway *g, const wk_media_type *mt)
{
    if (!mt->has_version || (mt->version.major == SERVICE_MAJOR && mt->version_parts < 2))
        return g->current;
    if (mt->version.major != SERVICE_MAJOR) return NULL;
    const order_version *same_minor = NULL;
    for (size_t i = 0; i < g->version_count; i++)
        if (g->versions[i].version.minor == mt->version.minor) same_minor = &g->versions[i];
    if (same_minor) return same_minor;
    for (size_t i = 0; i < g->version_count; i++)
        if (g->versions[i].version.minor > mt->version.minor) return &g->versions[i];
    return g->current;
}

/*
 * The version to write for a reader of the declared version: the same
 * minor if we have it, else the newest older one (a reader of a newer minor
 * reads older data). NULL when the reader is older than all we have, or of
 * another major.
 */
static const order_version *version_for_writing(const gateway *g, const wk_media_type *mt)
{
    if (!mt->has_version || (mt->version.major == SERVICE_MAJOR && mt->version_parts < 2))
        return g->current;
    if (mt->version.major != SERVICE_MAJOR) return NULL;
    const order_version *best = NULL;
    for (size_t i = 0; i < g->version_count; i++)
        if (g->versions[i].version.minor <= mt->version.minor) best = &g->versions[i];
    return best;
}

/* Appends to a fixed buffer, cutting what does not fit. */
static void append(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t cap, const char *fmt, ...)
{
    size_t used = strlen(buf);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, cap - used, fmt, ap);
    va_end(ap);
}

/* "application/vnd.acme.order+json, +msgpack, ... (or application/json, ...), versions 1.0.0, 1.1.0" */
static void schemas_describe(gateway *g)
{
    const wk_format *const *formats = wk_formats();
    char *s = g->supported;
    size_t cap = sizeof g->supported;
    s[0] = '\0';
    for (size_t i = 0; formats[i]; i++)
        if (i == 0) append(s, cap, "application/%s+%s", ORDER_MEDIA_NAME, formats[i]->name);
        else append(s, cap, ", +%s", formats[i]->name);
    append(s, cap, " (or ");
    for (size_t i = 0; formats[i]; i++) append(s, cap, "%s%s", i ? ", " : "", formats[i]->media_types[0]);
    append(s, cap, "), version%s ", g->version_count > 1 ? "s" : "");
    for (size_t i = 0; i < g->version_count; i++) append(s, cap, "%s%s", i ? ", " : "", g->versions[i].text);
}

/* A declared version as it was written: "2", "2.1" or "2.0.0-beta". */
static void describe_version(char *buf, size_t cap, const wk_media_type *mt)
{
    const wk_semver *v = &mt->version;
    if (mt->version_parts == 1) snprintf(buf, cap, "%" PRIu64, v->major);
    else if (mt->version_parts == 2) snprintf(buf, cap, "%" PRIu64 ".%" PRIu64, v->major, v->minor);
    else
        snprintf(buf, cap, "%" PRIu64 ".%" PRIu64 ".%" PRIu64 "%s%.*s", v->major, v->minor, v->patch,
                 v->prerelease_len ? "-" : "", (int)v->prerelease_len, v->prerelease_len ? v->prerelease : "");
}

/* ---- replies ---- */

static enum MHD_Result reply(struct MHD_Connection *c, request *r, unsigned status,
                             const char *content_type, const void *body, size_t len,
                             const char *const *headers)
{
    struct MHD_Response *res =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!res) return MHD_NO;
    MHD_add_response_header(res, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    for (; headers && headers[0]; headers += 2) MHD_add_response_header(res, headers[0], headers[1]);
    enum MHD_Result rc = MHD_queue_response(c, status, res);
    MHD_destroy_response(res);
    r->answered = true;
    fprintf(stderr, "%s %s -> %u\n", r->method, r->url, status);
    return rc;
}

/* An error: the status and one line of text saying what was wrong. */
static enum MHD_Result reply_error(struct MHD_Connection *c, request *r, unsigned status,
                                   const char *const *headers, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static enum MHD_Result reply_error(struct MHD_Connection *c, request *r, unsigned status,
                                   const char *const *headers, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text - 1, fmt, ap);
    va_end(ap);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof text - 1 ? (size_t)n : sizeof text - 2;
    text[len++] = '\n';
    return reply(c, r, status, "text/plain; charset=utf-8", text, len, headers);
}

/*
 * Encodes `order` (a message of the current version) as `out` says and
 * sends it: migrated back first when an older version was asked for,
 * leaving out what that version does not have.
 */
static enum MHD_Result reply_order(struct MHD_Connection *c, request *r, const gateway *g,
                                   unsigned status, const wk_value *order, const reply_type *out,
                                   wk_arena *a, const char *const *headers)
{
    wk_status st;
    if (out->version != g->current) {
        wk_migrate_opts back = {.flags = WK_DECODE_UNKNOWN_DROP};
        if (wk_message_migrate(order, out->version->order, &back, a, &order, &st) != WK_OK)
            return reply_error(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL,
                               "cannot write the order as version %s: %s", out->version->text, st.msg);
    }
    wk_buf body;
    wk_buf_init(&body);
    if (wk_encode(out->format, order, NULL, &body, &st) != WK_OK) {
        wk_buf_destroy(&body);
        return reply_error(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL,
                           "cannot write the order in %s: %s", out->format->name, st.msg);
    }
    char type[256];
    wk_media_type_format(type, sizeof type, out->vendor ? ORDER_MEDIA_NAME : NULL, out->format,
                         &out->version->version);
    enum MHD_Result rc = reply(c, r, status, type, body.data, body.len, headers);
    wk_buf_destroy(&body);
    return rc;
}

/* ---- content negotiation ---- */

/* s[0..*len) without the spaces and tabs around it. */
static const char *trim(const char *s, size_t *len)
{
    while (*len && (*s == ' ' || *s == '\t')) s++, (*len)--;
    while (*len && (s[*len - 1] == ' ' || s[*len - 1] == '\t')) (*len)--;
    return s;
}

/* One media range of an Accept header, with its weight in thousandths. */
typedef struct accept_entry {
    const char *text;
    size_t len;
    unsigned q;
} accept_entry;

/* An RFC 9110 weight: "0", "0.5", "1", "1.000"; false for anything else. */
static bool parse_weight(const char *s, size_t len, unsigned *q)
{
    s = trim(s, &len);
    if (len == 0 || (s[0] != '0' && s[0] != '1') || len > 5 || (len > 1 && s[1] != '.')) return false;
    unsigned value = (unsigned)(s[0] - '0') * 1000, scale = 100;
    for (size_t i = 2; i < len; i++, scale /= 10) {
        if (s[i] < '0' || s[i] > '9') return false;
        value += (unsigned)(s[i] - '0') * scale;
    }
    if (value > 1000) return false;
    *q = value;
    return true;
}

/*
 * The weight of one media range: its q parameter, 1 without one. The
 * parameters are split at ';' outside quoted strings.
 */
static bool entry_weight(const char *s, size_t len, unsigned *q)
{
    *q = 1000;
    bool quoted = false;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i + 1 < len && quoted && s[i] == '\\') { i++; continue; }
        if (i < len && s[i] == '"') quoted = !quoted;
        if (i < len && (quoted || s[i] != ';')) continue;
        if (start > 0) {   /* a parameter, not the type itself */
            size_t plen = i - start;
            const char *p = trim(s + start, &plen);
            if (plen >= 2 && (p[0] == 'q' || p[0] == 'Q')) {
                size_t k = 1;
                while (k < plen && (p[k] == ' ' || p[k] == '\t')) k++;
                if (k < plen && p[k] == '=' && !parse_weight(p + k + 1, plen - k - 1, q)) return false;
            }
        }
        start = i + 1;
    }
    return true;
}

/* Whether a media range is the one for any type, or for any application type: all we write. */
static bool is_wildcard(const char *s, size_t len)
{
    size_t n = strcspn(s, ";");
    if (n > len) n = len;
    const char *t = trim(s, &n);
    return (n == 3 && memcmp(t, "*/*", 3) == 0) ||
           (n == 13 && strncasecmp(t, "application/*", 13) == 0);
}

/* Whether a parsed media type names our order (or no particular message at all). */
static bool names_order(const wk_media_type *mt)
{
    return mt->name_len == 0 ||
           (mt->name_len == strlen(ORDER_MEDIA_NAME) &&
            strncasecmp(mt->name, ORDER_MEDIA_NAME, mt->name_len) == 0);
}

/*
 * Picks the answer's format and version from an Accept header: among the
 * media ranges we can serve, the one with the highest weight (the first of
 * equals). The ranges for any type and any application type, no header
 * or an empty one mean `fallback` at the current version. Ranges that do not parse are skipped,
 * as are more than MAX_ACCEPT_ENTRIES of them. False when nothing fits.
 */
static bool negotiate(const gateway *g, const char *accept, const wk_format *fallback,
                      reply_type *out)
{
    *out = (reply_type){fallback, g->current, true};
    if (!accept || strspn(accept, " \t,") == strlen(accept)) return true;

    accept_entry entries[MAX_ACCEPT_ENTRIES];
    size_t count = 0;
    bool quoted = false;
    const char *start = accept;
    for (const char *p = accept;; p++) {
        if (*p && quoted && *p == '\\' && p[1]) { p++; continue; }
        if (*p == '"') quoted = !quoted;
        if (*p && (quoted || *p != ',')) continue;
        size_t len = (size_t)(p - start);
        const char *text = trim(start, &len);
        unsigned q;
        if (len && count < MAX_ACCEPT_ENTRIES && entry_weight(text, len, &q) && q > 0) {
            /* Insertion keeps equal weights in the order they were written. */
            size_t i = count++;
            while (i > 0 && entries[i - 1].q < q) entries[i] = entries[i - 1], i--;
            entries[i] = (accept_entry){text, len, q};
        }
        if (!*p) break;
        start = p + 1;
    }

    for (size_t i = 0; i < count; i++) {
        if (is_wildcard(entries[i].text, entries[i].len)) return true;
        wk_media_type mt;
        if (wk_media_type_parse(entries[i].text, entries[i].len, &mt, NULL) != WK_OK ||
            !mt.format || !names_order(&mt))
            continue;
        const order_version *v = version_for_writing(g, &mt);
        if (!v) continue;
        *out = (reply_type){mt.format, v, mt.name_len > 0};
        return true;
    }
    return false;
}

/* ---- the store of recent orders ---- */

/* Keeps a copy of the encoding under `id`, dropping the oldest order when full. */
static bool store_put(gateway *g, const char *id, const wk_buf *encoded)
{
    uint8_t *copy = malloc(encoded->len ? encoded->len : 1);
    if (!copy) return false;
    memcpy(copy, encoded->data, encoded->len);
    pthread_mutex_lock(&g->lock);
    stored_order *slot = &g->store[g->store_next];
    free(slot->data);
    snprintf(slot->id, sizeof slot->id, "%s", id);
    slot->data = copy;
    slot->len = encoded->len;
    g->store_next = (g->store_next + 1) % STORE_CAPACITY;
    pthread_mutex_unlock(&g->lock);
    return true;
}

/* Copies the encoding of order `id` into `out`; false when it is not kept. */
static bool store_get(gateway *g, const char *id, wk_buf *out)
{
    bool found = false;
    pthread_mutex_lock(&g->lock);
    for (size_t i = 0; i < STORE_CAPACITY && !found; i++)
        if (g->store[i].data && strcmp(g->store[i].id, id) == 0)
            found = wk_buf_append(out, g->store[i].data, g->store[i].len) == WK_OK;
    pthread_mutex_unlock(&g->lock);
    return found;
}

/* ---- orders ---- */

/*
 * The order with its id and received time set: a new message (the decoded
 * one is read-only) with the same fields and unknown fields, and fields
 * ORDER_FIELD_ID and ORDER_FIELD_RECEIVED_AT replaced. Fields are kept in
 * number order, as wk_message requires.
 */
static wk_code order_stamp(const wk_value *in, const char *id, const struct timespec *now,
                           wk_arena *a, const wk_value **out)
{
    const wk_message *old = in->as.message;
    const wk_field_def *id_field = wk_message_field(old->type, ORDER_FIELD_ID);
    const wk_field_def *time_field = wk_message_field(old->type, ORDER_FIELD_RECEIVED_AT);
    const wk_message_def *timestamp = time_field ? time_field->message : NULL;
    if (!id_field || id_field->type != WK_TYPE_STRING || !timestamp)
        return WK_ERR_INVALID;   /* not the schema this code was written for */

    /* google.protobuf.Timestamp { int64 seconds = 1; int32 nanos = 2; }: a
     * field without presence is left out at its default, so nanos may be. */
    wk_value when;
    int32_t nanos = (int32_t)(now->tv_nsec / 1000000 * 1000000);   /* milliseconds */
    wk_message *t = wk_value_message(a, timestamp, 2, 0, &when);
    if (!t) return WK_ERR_NOMEM;
    wk_field_value *tf = (wk_field_value *)t->fields;
    tf[0] = (wk_field_value){wk_message_field(timestamp, 1), wk_value_int(now->tv_sec)};
    tf[1] = (wk_field_value){wk_message_field(timestamp, 2), wk_value_int(nanos)};
    t->field_count = nanos ? 2 : 1;

    wk_value id_value;
    wk_code rc = wk_value_string(a, id, strlen(id), &id_value);
    if (rc != WK_OK) return rc;

    wk_value *result = wk_arena_alloc(a, sizeof *result);
    wk_message *m = result ? wk_value_message(a, old->type, old->field_count + 2, 0, result) : NULL;
    if (!m) return WK_ERR_NOMEM;
    wk_field_value *fields = (wk_field_value *)m->fields;
    size_t n = 0;
    bool id_done = false, time_done = false;
    for (size_t i = 0; i <= old->field_count; i++) {
        uint32_t number = i < old->field_count ? old->fields[i].field->number : UINT32_MAX;
        if (!id_done && number >= ORDER_FIELD_ID) {
            fields[n++] = (wk_field_value){id_field, id_value};
            id_done = true;
        }
        if (!time_done && number >= ORDER_FIELD_RECEIVED_AT) {
            fields[n++] = (wk_field_value){time_field, when};
            time_done = true;
        }
        if (i < old->field_count && number != ORDER_FIELD_ID && number != ORDER_FIELD_RECEIVED_AT)
            fields[n++] = old->fields[i];
    }
    m->field_count = (uint32_t)n;
    m->unknown = old->unknown;
    m->unknown_count = old->unknown_count;
    *out = result;
    return WK_OK;
}

/* Where a decode failed, as a client can use it: line and column for text, else the byte. */
static void describe_position(char *buf, size_t cap, const wk_format *f, const wk_status *st)
{
    if (f->is_text && st->line)
        snprintf(buf, cap, "line %u, column %u: ", st->line, st->col);
    else if (st->offset)
        snprintf(buf, cap, "byte %zu: ", st->offset);
    else
        buf[0] = '\0';
}

/* POST /orders, once the whole body is in. */
static enum MHD_Result post_order(gateway *g, struct MHD_Connection *c, request *r)
{
    if (r->too_large)
        return reply_error(c, r, MHD_HTTP_CONTENT_TOO_LARGE, NULL,
                           "the body is larger than the limit of %zu bytes", g->max_body);
    if (r->body.len == 0)
        return reply_error(c, r, MHD_HTTP_BAD_REQUEST, NULL, "the body is empty: it must hold an order");

    /* One arena per request, capped so that no body can make it grow without bound. */
    wk_arena *a = wk_arena_new(0);
    if (!a) return MHD_NO;
    wk_arena_set_limit(a, g->max_body * ARENA_BYTES_PER_BODY_BYTE + ((size_t)1 << 20));

    enum MHD_Result rc;
    wk_status st;
    const wk_value *order;
    wk_decode_opts in = {.type = r->in_version->order, .max_depth = MAX_DEPTH};
    if (wk_decode(r->in_format, r->body.data, r->body.len, &in, a, &order, &st) != WK_OK) {
        char where[64];
        describe_position(where, sizeof where, r->in_format, &st);
        rc = reply_error(c, r, st.code == WK_ERR_NOMEM ? MHD_HTTP_CONTENT_TOO_LARGE : MHD_HTTP_BAD_REQUEST,
                         NULL, "not a valid %s %s in %s: %s%s", ORDER_TYPE, r->in_version->text,
                         r->in_format->name, where, st.msg);
        goto done;
    }
    /* Older minor versions become the current one, field by field by number;
     * fields of newer ones that the older schema kept as unknown (by name,
     * from JSON or MessagePack) are read into the current schema's fields. */
    wk_migrate_opts up = {.source = r->in_format};
    if (r->in_version != g->current &&
        wk_message_migrate(order, g->current->order, &up, a, &order, &st) != WK_OK) {
        /* Out of memory here is the request's arena cap: too big a body, as for the decode. */
        rc = reply_error(c, r, st.code == WK_ERR_NOMEM ? MHD_HTTP_CONTENT_TOO_LARGE : MHD_HTTP_BAD_REQUEST, NULL,
                         "cannot read version %s as %s: %s", r->in_version->text, g->current->text, st.msg);
        goto done;
    }

    char id[32];
    pthread_mutex_lock(&g->lock);
    uint64_t number = ++g->last_id;
    pthread_mutex_unlock(&g->lock);
    snprintf(id, sizeof id, "ord-%" PRIu64, number);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    wk_code stamped = order_stamp(order, id, &now, a, &order);
    if (stamped != WK_OK) {
        rc = stamped == WK_ERR_NOMEM
                 ? reply_error(c, r, MHD_HTTP_CONTENT_TOO_LARGE, NULL,
                               "the order needs more memory than this service gives one request")
                 : reply_error(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, "cannot give the order an id");
        goto done;
    }

    /* Kept as MessagePack, which writes back every field, unknown ones too. */
    wk_buf kept;
    wk_buf_init(&kept);
    bool stored = wk_encode(wk_format_find("msgpack"), order, NULL, &kept, &st) == WK_OK &&
                  store_put(g, id, &kept);
    wk_buf_destroy(&kept);
    if (!stored) {
        rc = reply_error(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, "cannot store the order");
        goto done;
    }

    char location[64];
    snprintf(location, sizeof location, "/orders/%s", id);
    const char *headers[] = {MHD_HTTP_HEADER_LOCATION, location, NULL};
    rc = reply_order(c, r, g, MHD_HTTP_CREATED, order, &r->out, a, headers);
done:
    wk_arena_free(a);
    return rc;
}

/* GET /orders/{id}: the stored order, decoded from its MessagePack copy. */
static enum MHD_Result get_order(gateway *g, struct MHD_Connection *c, request *r)
{
    const char *id = r->order_id;
    wk_buf kept;
    wk_buf_init(&kept);
    if (!store_get(g, id, &kept)) {
        wk_buf_destroy(&kept);
        return reply_error(c, r, MHD_HTTP_NOT_FOUND, NULL,
                           "no order %s here (the last %d orders are kept)", id, STORE_CAPACITY);
    }
    wk_arena *a = wk_arena_new(0);
    enum MHD_Result rc = MHD_NO;
    wk_status st;
    const wk_value *order;
    wk_decode_opts in = {.type = g->current->order};
    const char *headers[] = {MHD_HTTP_HEADER_VARY, MHD_HTTP_HEADER_ACCEPT, NULL};
    if (!a) goto done;
    if (wk_decode(wk_format_find("msgpack"), kept.data, kept.len, &in, a, &order, &st) != WK_OK)
        rc = reply_error(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, "the stored order does not read back: %s",
                         st.msg);
    else
        rc = reply_order(c, r, g, MHD_HTTP_OK, order, &r->out, a, headers);
done:
    wk_arena_free(a);
    wk_buf_destroy(&kept);
    return rc;
}

/*
 * The first call for a request, with the headers but no body yet: route it
 * and check what can be checked before reading the body. An error answered
 * here saves receiving a body that would be thrown away.
 */
static enum MHD_Result start_request(gateway *g, struct MHD_Connection *c, request *r)
{
    static const char orders_prefix[] = "/orders/";
    const char *url = r->url;
    const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);

    if (strncmp(url, orders_prefix, sizeof orders_prefix - 1) == 0 && url[sizeof orders_prefix - 1] &&
        !strchr(url + sizeof orders_prefix - 1, '/')) {
        if (strcmp(r->method, MHD_HTTP_METHOD_GET) != 0 && strcmp(r->method, MHD_HTTP_METHOD_HEAD) != 0) {
            const char *allow[] = {MHD_HTTP_HEADER_ALLOW, "GET, HEAD", NULL};
            return reply_error(c, r, MHD_HTTP_METHOD_NOT_ALLOWED, allow, "%s /orders/{id} is not allowed: use GET",
                               r->method);
        }
        /* Orders were sent in some format; asked for none, JSON. */
        if (!negotiate(g, accept, wk_format_find("json"), &r->out))
            return reply_error(c, r, MHD_HTTP_NOT_ACCEPTABLE, NULL,
                               "cannot answer as any of \"%s\": this service writes %s", accept, g->supported);
        /* Answered on the next call: a response queued before the request
         * is complete makes libmicrohttpd close the connection. */
        r->order_id = url + sizeof orders_prefix - 1;
        return MHD_YES;
    }
    if (strcmp(url, "/orders") != 0)
        return reply_error(c, r, MHD_HTTP_NOT_FOUND, NULL, "no such resource: %s (try POST /orders)", url);
    if (strcmp(r->method, MHD_HTTP_METHOD_POST) != 0) {
        const char *allow[] = {MHD_HTTP_HEADER_ALLOW, "POST", NULL};
        return reply_error(c, r, MHD_HTTP_METHOD_NOT_ALLOWED, allow, "%s /orders is not allowed: use POST",
                           r->method);
    }

    /* A declared length over the limit is refused before any of it is read. */
    const char *length = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (length && strtoull(length, NULL, 10) > g->max_body)
        return reply_error(c, r, MHD_HTTP_CONTENT_TOO_LARGE, NULL,
                           "the body is larger than the limit of %zu bytes", g->max_body);

    const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (!type)
        return reply_error(c, r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, NULL,
                           "a Content-Type is required: this service reads %s", g->supported);
    wk_media_type mt;
    wk_status st;
    if (wk_media_type_parse(type, strlen(type), &mt, &st) != WK_OK)
        return reply_error(c, r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, NULL,
                           "Content-Type \"%s\" does not parse: %s", type, st.msg);
    if (!mt.format || !names_order(&mt))
        return reply_error(c, r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, NULL,
                           "unsupported Content-Type \"%s\": this service reads %s", type, g->supported);
    r->in_format = mt.format;
    r->in_version = version_for_reading(g, &mt);
    if (!r->in_version) {
        char declared[64];
        describe_version(declared, sizeof declared, &mt);
        return reply_error(c, r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, NULL,
                           "version %s of %s is not supported: this service reads %s", declared, ORDER_TYPE,
                           g->supported);
    }
    if (!negotiate(g, accept, r->in_format, &r->out))
        return reply_error(c, r, MHD_HTTP_NOT_ACCEPTABLE, NULL,
                           "cannot answer as any of \"%s\": this service writes %s", accept, g->supported);
    return MHD_YES;   /* now receive the body */
}

/* libmicrohttpd calls this once with the headers, then per piece of body, then once more. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **req_cls)
{
    (void)version;
    gateway *g = cls;
    request *r = *req_cls;
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r) return MHD_NO;
        wk_buf_init(&r->body);
        r->method = method;
        r->url = url;
        *req_cls = r;
        return start_request(g, c, r);
    }
    if (r->answered) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        /* Past the limit (a chunked body has no length to check first), keep
         * reading but drop the bytes, and answer 413 at the end. */
        if (!r->too_large && (r->body.len + *upload_data_size > g->max_body ||
                              wk_buf_append(&r->body, upload_data, *upload_data_size) != WK_OK)) {
            r->too_large = true;
            wk_buf_destroy(&r->body);
            wk_buf_init(&r->body);
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    return r->order_id ? get_order(g, c, r) : post_order(g, c, r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode why)
{
    (void)cls, (void)c, (void)why;
    request *r = *req_cls;
    if (!r) return;
    wk_buf_destroy(&r->body);
    free(r);
    *req_cls = NULL;
}

/* ---- start-up ---- */

static void usage(FILE *out)
{
    fprintf(out,
            "usage: gateway [--port N] [--bind ADDRESS] [--schemas DIR] [--max-body BYTES]\n"
            "\n"
            "An HTTP service that takes acme.orders.Order messages in JSON, XML, MessagePack or\n"
            "Protocol Buffers, in any %d.x version of the schema, and answers as Accept asks.\n"
            "\n"
            "  --port N          TCP port (default 8080); 0 picks a free one\n"
            "  --bind ADDRESS    IPv4 or IPv6 address to listen on (default 127.0.0.1)\n"
            "  --schemas DIR     folder of the order schema's versions, one .proto file each\n"
            "                    (default %s)\n"
            "  --max-body BYTES  largest request body, with an optional K or M suffix (default 1M)\n"
            "\n"
            "Prints \"listening on http://ADDRESS:PORT\" when ready; stops on SIGINT or SIGTERM.\n",
            SERVICE_MAJOR, GATEWAY_SCHEMA_DIR);
}

/* "1048576", "512K", "1M" -> bytes; false when it is not a size from 1 byte to 1 GiB. */
static bool parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(s, &end, 10);
    if (end == s || errno || *s == '-') return false;
    if ((*end == 'K' || *end == 'k') && n <= (1ull << 30)) n <<= 10, end++;
    else if ((*end == 'M' || *end == 'm') && n <= (1ull << 20)) n <<= 20, end++;
    if (*end || n == 0 || n > (1ull << 30)) return false;
    *out = (size_t)n;
    return true;
}

int main(int argc, char **argv)
{
    unsigned long port = 8080;
    const char *bind_address = "127.0.0.1";
    const char *schema_dir = GATEWAY_SCHEMA_DIR;
    size_t max_body = (size_t)1 << 20;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        bool known = strcmp(arg, "--port") == 0 || strcmp(arg, "--bind") == 0 ||
                     strcmp(arg, "--schemas") == 0 || strcmp(arg, "--max-body") == 0;
        if (!known || !value) {
            fprintf(stderr, known ? "gateway: %s needs a value\n" : "gateway: unknown option %s\n", arg);
            usage(stderr);
            return 2;
        }
        i++;
        char *end;
        if (strcmp(arg, "--port") == 0) {
            errno = 0;
            port = strtoul(value, &end, 10);
            if (end == value || *end || errno || port > 65535) {
                fprintf(stderr, "gateway: --port takes 0 to 65535, not %s\n", value);
                return 2;
            }
        } else if (strcmp(arg, "--bind") == 0) {
            bind_address = value;
        } else if (strcmp(arg, "--schemas") == 0) {
            schema_dir = value;
        } else if (!parse_size(value, &max_body)) {
            fprintf(stderr, "gateway: --max-body takes 1 byte to 1G (e.g. 4096, 512K, 2M), not %s\n", value);
            return 2;
        }
    }

    /* The listening address: IPv4 or IPv6, whichever the text is. */
    struct sockaddr_in v4 = {0};
    struct sockaddr_in6 v6 = {0};
    const struct sockaddr *address;
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
    if (inet_pton(AF_INET, bind_address, &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons((uint16_t)port);
        address = (const struct sockaddr *)&v4;
    } else if (inet_pton(AF_INET6, bind_address, &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons((uint16_t)port);
        address = (const struct sockaddr *)&v6;
        flags |= MHD_USE_IPv6;
    } else {
        fprintf(stderr, "gateway: --bind takes an IPv4 or IPv6 address, not %s\n", bind_address);
        return 2;
    }

    static gateway g;   /* large (the store), and shared with every thread */
    g.max_body = max_body;
    if (pthread_mutex_init(&g.lock, NULL) != 0 || !schemas_load(&g, schema_dir)) return 1;
    schemas_describe(&g);

    /* SIGINT and SIGTERM are blocked here, before libmicrohttpd starts its
     * threads (which inherit the mask), and taken by sigwait below: the
     * shutdown then runs as ordinary code on the main thread. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);   /* a client that hangs up is an error return, not a signal */

    struct MHD_Daemon *daemon = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_request, &g,
        MHD_OPTION_SOCK_ADDR, address,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)POOL_THREADS,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CONNECTION_TIMEOUT,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_END);
    int status = 1;
    if (!daemon) {
        fprintf(stderr, "gateway: cannot listen on %s port %lu\n", bind_address, port);
        goto done;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    fprintf(stderr, "gateway: %s %s, reading %s\n", ORDER_TYPE, g.current->text, g.supported);
    printf(flags & MHD_USE_IPv6 ? "listening on http://[%s]:%u\n" : "listening on http://%s:%u\n",
           bind_address, info ? (unsigned)info->port : (unsigned)port);
    fflush(stdout);

    int signal_number;
    sigwait(&stop_signals, &signal_number);
    fprintf(stderr, "gateway: %s, stopping\n", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
    MHD_stop_daemon(daemon);
    status = 0;
done:
    for (size_t i = 0; i < STORE_CAPACITY; i++) free(g.store[i].data);
    for (size_t i = 0; i < g.version_count; i++) wk_schema_free(g.versions[i].schema);
    pthread_mutex_destroy(&g.lock);
    return status;
}
