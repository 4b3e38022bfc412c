/*
 * The built-in formats, and finding one by name, media type, extension or
 * by its bytes.
 */
#include "../model/internal.h"
#include "formats.h"

#include <strings.h>
#include <string.h>

/* The order decides ties when sniffing, and the order of reports. */
static const wk_format *const registry_formats[] = {
    &wk__format_json,
    &wk__format_msgpack,
    &wk__format_protobuf,
    &wk__format_xml,
    NULL,
};

const wk_format *const *wk_formats(void) { return registry_formats; }

bool wk__format_list_has(const char *const *list, const char *s, size_t len)
{
    if (!list) return false;
    for (; *list; list++)
        if (strlen(*list) == len && strncasecmp(*list, s, len) == 0) return true;
    return false;
}

static const wk_format *registry_by_extension(const char *ext, size_t len)
{
    for (const wk_format *const *f = registry_formats; *f; f++)
        if (wk__format_list_has((*f)->extensions, ext, len)) return *f;
    return NULL;
}

/*
 * A media type: "type/subtype; params", parsed as wk_media_type_parse
 * parses it (formats/media_type.c), so that the two always agree: either
 * the whole type is one a format lists, or its structured syntax suffix
 * ("+json") names a format (as in "application/vnd.acme.order+json").
 */
static const wk_format *registry_by_media_type(const char *s)
{
    wk_media_type mt;
    if (wk_media_type_parse(s, strlen(s), &mt, NULL) != WK_OK) return NULL;
    return mt.format;
}

const wk_format *wk_format_find(const char *name)
{
    if (!name || !*name) return NULL;
    if (strchr(name, '/')) return registry_by_media_type(name);
    if (name[0] == '.') return registry_by_extension(name + 1, strlen(name + 1));
    size_t len = strlen(name);
    for (const wk_format *const *f = registry_formats; *f; f++) {
        if (strcasecmp((*f)->name, name) == 0) return *f;
        if (wk__format_list_has((*f)->aliases, name, len)) return *f;
    }
    return registry_by_extension(name, len);
}

const wk_format *wk_format_for_path(const char *path)
{
    if (!path) return NULL;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base) return NULL;
    return registry_by_extension(dot + 1, strlen(dot + 1));
}

const wk_format *wk_format_sniff(const uint8_t *data, size_t len)
{
    const wk_format *best = NULL;
    int best_score = 0;
    for (const wk_format *const *f = registry_formats; *f; f++) {
        if (!(*f)->sniff) continue;
        int score = (*f)->sniff(data, len);
        if (score > best_score) {
            best = *f;
            best_score = score;
        }
    }
    return best_score >= 50 ? best : NULL;
}

wk_code wk_decode(const wk_format *f, const void *data, size_t len, const wk_decode_opts *opts,
                  wk_arena *a, const wk_value **out, wk_status *st)
{
    if (!f || !a || !out || (!data && len))
        return wk__fail(st, WK_ERR_INVALID, 0, "wk_decode: format, arena and output are required");
    wk__ok(st);
    if (WK__UNLIKELY(opts && (opts->flags & WK__DECODE_PREFIX))) {
        /* The library's own bit, wk_decode_prefix's alone: a caller's flags
         * that happen to hold it must not let trailing bytes pass (or write
         * through a NULL status). */
        wk_decode_opts o = *opts;
        o.flags &= ~WK__DECODE_PREFIX;
        return f->decode(data ? data : "", len, &o, a, out, st);
    }
    return f->decode(data ? data : "", len, opts, a, out, st);
}

wk_code wk_decode_prefix(const wk_format *f, const void *data, size_t len, const wk_decode_opts *opts,
                         wk_arena *a, const wk_value **out, size_t *used, wk_status *st)
{
    if (!f || !a || !out || !used || (!data && len))
        return wk__fail(st, WK_ERR_INVALID, 0, "wk_decode_prefix: format, arena and outputs are required");
    if (strcmp(f->name, "msgpack") != 0)
        return wk__fail(st, WK_ERR_UNSUPPORTED, 0,
                        "wk_decode_prefix: %s values are not read one from the front of a stream "
                        "(MessagePack's are)", f->name);
    wk_status local;
    if (!st) st = &local;
    wk__ok(st);
    wk_decode_opts o = opts ? *opts : (wk_decode_opts){0};
    o.flags |= WK__DECODE_PREFIX;
    wk_code rc = f->decode(data ? data : "", len, &o, a, out, st);
    if (rc == WK_OK) {
        *used = st->offset;
        st->offset = 0;
    }
    return rc;
}

wk_code wk_encode(const wk_format *f, const wk_value *v, const wk_encode_opts *opts, wk_buf *out,
                  wk_status *st)
{
    if (!f || !v || !out)
        return wk__fail(st, WK_ERR_INVALID, 0, "wk_encode: format, value and buffer are required");
    wk__ok(st);
    size_t mark = out->len;
    wk_code rc = f->encode(v, opts, out, st);
    if (rc != WK_OK) out->len = mark;
    return rc;
}

wk_code wk_parse_only(const wk_format *f, const void *data, size_t len, const wk_decode_opts *opts,
                      wk_status *st)
{
    if (!f || (!data && len))
        return wk__fail(st, WK_ERR_INVALID, 0, "wk_parse_only: format is required");
    wk__ok(st);
    if (!f->parse_only)
        return wk__fail(st, WK_ERR_UNSUPPORTED, 0, "%s has no parse-only mode", f->name);
    return f->parse_only(data ? data : "", len, opts, st);
}
