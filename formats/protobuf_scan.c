/*
 * The pre-scan of Protocol Buffers wire bytes, and the rewrites between
 * group-delimited and length-delimited fields.
 *
 * protobuf-c's unpack recurses once per nested message with no limit, gives
 * no reason or offset when it fails, and rejects wire types 3 and 4 (proto2
 * groups). So before it sees any bytes, one linear pass with an explicit
 * stack checks them against the schema: every tag, varint and length, the
 * wire type of every known field, packed contents, and the nesting depth.
 * Errors carry the byte offset and the field path.
 *
 * Groups are rewritten, in a second and third pass over the same walker
 * (sizes first, then bytes), only when the input holds any: a group field of
 * the schema becomes a length-delimited field of the same number (declared
 * to protobuf-c as a message), and an unknown group field is wrapped whole
 * in a length-delimited field of its number, so that its bytes come back
 * unchanged as an unknown field. After protobuf-c packs a message whose type
 * reaches group fields, the same walker turns them back into groups.
 *
 * The pass also notes when a singular message field occurs twice in one
 * message; wk__pb_merge then rewrites the bytes so that it occurs once (see
 * protobuf.c for why).
 */
#include "protobuf_internal.h"

#include <stdio.h>
#include <stdlib.h>

#define PBSCAN_LOCAL_FRAMES 32
#define PBSCAN_PATH_STEPS 24

/* Which way a rewrite goes. */
typedef enum wk__pb_dir {
    WK__PB_TO_LEN,     /* groups -> length-delimited, before protobuf-c unpacks */
    WK__PB_TO_GROUPS   /* length-delimited group fields -> groups, after it packs */
} wk__pb_dir;

typedef enum pbscan_mode {
    PBSCAN_CHECK,     /* check only */
    PBSCAN_SIZE,      /* check and record the rewritten size of every container */
    PBSCAN_EMIT       /* write the rewritten bytes */
} pbscan_mode;

typedef enum pbscan_kind {
    PBSCAN_ROOT,
    PBSCAN_LEN,       /* a length-delimited message field */
    PBSCAN_GROUP,     /* a group field on the wire (TO_LEN) */
    PBSCAN_LEN_GROUP  /* a group field written length-delimited (TO_GROUPS) */
} pbscan_kind;

typedef struct pbscan_frame {
    const wk__pb_message *m;
    const wk__pb_field *field;   /* the field this frame is the value of (NULL for the root) */
    size_t start;                /* offset of the first byte of its content */
    size_t tag_off;              /* offset of its tag */
    size_t end;                  /* end of its content (a group: its enclosing message's end) */
    size_t out_len;              /* SIZE: the rewritten length of the content so far */
    size_t rec;                  /* index of its record */
    uint8_t kind;                /* pbscan_kind */
    uint8_t tag_len;
    uint64_t seen;               /* merge bits of the singular message fields met */
} pbscan_frame;

typedef struct pbscan {
    const uint8_t *data;
    size_t len;
    wk__pb_dir dir;
    pbscan_mode mode;
    uint32_t max_depth;
    bool unknown_error;          /* fail on the first unknown field */
    wk_status *st;
    pbscan_frame local[PBSCAN_LOCAL_FRAMES];
    pbscan_frame *frames;
    size_t cap;
    size_t depth;                /* frames in use */
    size_t *recs;                /* SIZE and EMIT: content size of each container, in order opened */
    size_t nrec, caprec;
    uint8_t *out;                /* EMIT */
    size_t out_at;
    size_t run_start, run_end;   /* EMIT: input bytes to copy verbatim, not yet copied */
    wk__pb_scan_result res;
} pbscan;

/* ---- paths ---- */

void wk__pb_path_format(const wk__pb_step *steps, size_t n, char *out, size_t cap)
{
    size_t at = 0;
    if (cap == 0) return;
    at += (size_t)snprintf(out, cap, "$");
    for (size_t i = 0; i < n && at < cap; i++) {
        const char *name = steps[i].field ? steps[i].field->name : "?";
        if (steps[i].index >= 0)
            at += (size_t)snprintf(out + at, cap - at, ".%s[%lld]", name, (long long)steps[i].index);
        else
            at += (size_t)snprintf(out + at, cap - at, ".%s", name);
    }
}

/*
 * Skips one field's payload (the tag already read) generically, groups
 * included, within data[p..end). Returns the offset after it, or SIZE_MAX.
 * Used only on bytes already checked, to count repeated elements for paths.
 */
static size_t pbscan_skip_checked(const uint8_t *data, size_t p, size_t end, uint32_t wt)
{
    uint64_t v;
    size_t nest = 0;
    for (;;) {
        size_t n;
        switch (wt) {
        case WK__PB_VARINT:
            n = wk__pb_varint(data + p, data + end, &v);
            if (!n) return SIZE_MAX;
            p += n;
            break;
        case WK__PB_I64: p += 8; break;
        case WK__PB_I32: p += 4; break;
        case WK__PB_LEN:
            n = wk__pb_varint(data + p, data + end, &v);
            if (!n || v > end - p - n) return SIZE_MAX;
            p += n + (size_t)v;
            break;
        case WK__PB_SGROUP: nest++; break;
        case WK__PB_EGROUP:
            if (nest == 0) return SIZE_MAX;
            nest--;
            break;
        default: return SIZE_MAX;
        }
        if (p > end) return SIZE_MAX;
        if (nest == 0) return p;
        n = wk__pb_varint(data + p, data + end, &v);
        if (!n) return SIZE_MAX;
        p += n;
        wt = (uint32_t)(v & 7);
    }
}

/* How many fields `number` come in data[start..before) at the top level of a message. */
static int64_t pbscan_count(const uint8_t *data, size_t start, size_t before, uint32_t number)
{
    int64_t count = 0;
    size_t p = start;
    while (p < before) {
        uint64_t tag;
        size_t n = wk__pb_varint(data + p, data + before, &tag);
        if (!n) break;
        p += n;
        if ((uint32_t)(tag >> 3) == number) count++;
        if ((tag & 7) == WK__PB_EGROUP) break;
        p = pbscan_skip_checked(data, p, before, (uint32_t)(tag & 7));
        if (p == SIZE_MAX) break;
    }
    return count;
}

/* The path of the frames open, then of `field` at tag offset `tag_off` in the innermost one. */
static void pbscan_path(const pbscan *s, const wk__pb_field *field, size_t tag_off, char *out,
                        size_t cap)
{
    wk__pb_step steps[PBSCAN_PATH_STEPS] = {{0}};
    size_t n = 0;
    for (size_t i = 1; i < s->depth && n < PBSCAN_PATH_STEPS; i++) {
        const pbscan_frame *f = &s->frames[i];
        int64_t index = -1;
        if (f->field->repeated)
            index = pbscan_count(s->data, s->frames[i - 1].start, f->tag_off, f->field->number);
        steps[n++] = (wk__pb_step){f->field->def, index};
    }
    if (field && n < PBSCAN_PATH_STEPS) {
        int64_t index = -1;
        if (field->repeated && s->depth)
            index = pbscan_count(s->data, s->frames[s->depth - 1].start, tag_off, field->number);
        steps[n++] = (wk__pb_step){field->def, index};
    }
    wk__pb_path_format(steps, n, out, cap);
    if (n == PBSCAN_PATH_STEPS) {
        size_t len = strlen(out);
        if (cap - len > 3) memcpy(out + len, "...", 4);
    }
}

static WK__PRINTF(5, 6) wk_code pbscan_fail(pbscan *s, wk_code code, const wk__pb_field *field,
                                             size_t offset, const char *fmt, ...)
{
    if (!s->st) return code;
    char path[160];
    char detail[WK_STATUS_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    pbscan_path(s, field, offset, path, sizeof path);
    return wk__fail(s->st, code, offset, "%s: %s", path, detail);
}

static const char *pbscan_wire_name(uint32_t wt)
{
    static const char *const names[] = {"varint", "64-bit", "length-delimited", "start-group",
                                        "end-group", "32-bit", "6", "7"};
    return names[wt & 7];
}

/* ---- the walker ---- */

static bool pbscan_push(pbscan *s, const pbscan_frame *f)
{
    if (s->depth == s->cap) {
        if (s->cap > SIZE_MAX / 2 / sizeof *s->frames) return false;
        size_t cap = s->cap * 2;
        pbscan_frame *p;
        if (s->frames == s->local) {
            p = malloc(cap * sizeof *p);
            if (p) memcpy(p, s->local, s->cap * sizeof *p);
        } else {
            p = realloc(s->frames, cap * sizeof *p);
        }
        if (!p) return false;
        s->frames = p;
        s->cap = cap;
    }
    s->frames[s->depth++] = *f;
    return true;
}

static bool pbscan_new_rec(pbscan *s, size_t *index)
{
    if (s->mode == PBSCAN_EMIT) {
        *index = s->nrec++;
        return true;
    }
    if (s->mode != PBSCAN_SIZE) return true;
    if (s->nrec == s->caprec) {
        size_t cap = s->caprec ? s->caprec * 2 : 64;
        size_t *p = realloc(s->recs, cap * sizeof *p);
        if (!p) return false;
        s->recs = p;
        s->caprec = cap;
    }
    *index = s->nrec;
    s->recs[s->nrec++] = 0;
    return true;
}

/* EMIT: copies the pending run of verbatim input bytes. */
static inline void pbscan_flush(pbscan *s)
{
    if (s->run_end > s->run_start) {
        memcpy(s->out + s->out_at, s->data + s->run_start, s->run_end - s->run_start);
        s->out_at += s->run_end - s->run_start;
    }
    s->run_start = s->run_end = 0;
}

static inline void pbscan_put(pbscan *s, const void *p, size_t n)
{
    pbscan_flush(s);
    memcpy(s->out + s->out_at, p, n);
    s->out_at += n;
}

static inline void pbscan_put_varint(pbscan *s, uint64_t v)
{
    pbscan_flush(s);
    s->out_at += wk__pb_put_varint(s->out + s->out_at, v);
}

/*
 * Output bytes a verbatim field of `n` bytes at `from` adds to the innermost
 * frame. EMIT gathers adjacent fields into one run, copied at once.
 */
static inline void pbscan_copy(pbscan *s, size_t from, size_t n)
{
    if (s->mode == PBSCAN_SIZE) {
        s->frames[s->depth - 1].out_len += n;
    } else if (s->mode == PBSCAN_EMIT) {
        if (s->run_end != from || s->run_end == s->run_start) {
            pbscan_flush(s);
            s->run_start = from;
        }
        s->run_end = from + n;
    }
}

/* Opens a container frame: writes its header (EMIT), or starts its record (SIZE). */
static wk_code pbscan_open(pbscan *s, pbscan_frame *f, size_t tag_len)
{
    f->tag_len = (uint8_t)tag_len;
    f->out_len = 0;
    if (s->depth + 1 > s->max_depth)
        return pbscan_fail(s, WK_ERR_DEPTH, f->field, f->tag_off,
                           "message nested %zu deep, deeper than the limit of %u", s->depth + 1,
                           s->max_depth);
    if (!pbscan_new_rec(s, &f->rec))
        return pbscan_fail(s, WK_ERR_NOMEM, f->field, f->tag_off, "out of memory");
    if (s->mode == PBSCAN_EMIT) {
        size_t content = s->recs[f->rec];
        uint32_t number = f->field ? f->field->number : 0;
        switch ((pbscan_kind)f->kind) {
        case PBSCAN_LEN:
            pbscan_put(s, s->data + f->tag_off, tag_len);
            pbscan_put_varint(s, content);
            break;
        case PBSCAN_GROUP:
            pbscan_put_varint(s, (uint64_t)number << 3 | WK__PB_LEN);
            pbscan_put_varint(s, content);
            break;
        case PBSCAN_LEN_GROUP:
            pbscan_put_varint(s, (uint64_t)number << 3 | WK__PB_SGROUP);
            break;
        case PBSCAN_ROOT:
            break;
        }
    }
    if (!pbscan_push(s, f)) return pbscan_fail(s, WK_ERR_NOMEM, f->field, f->tag_off, "out of memory");
    if (s->depth > s->res.depth) s->res.depth = (uint32_t)s->depth;
    return WK_OK;
}

/* Closes the innermost frame. */
static void pbscan_close(pbscan *s)
{
    pbscan_frame *f = &s->frames[--s->depth];
    uint32_t number = f->field ? f->field->number : 0;
    if (s->mode == PBSCAN_SIZE) {
        s->recs[f->rec] = f->out_len;
        if (s->depth) {
            size_t total = f->out_len;
            switch ((pbscan_kind)f->kind) {
            case PBSCAN_LEN: total += f->tag_len + wk__pb_varint_size(f->out_len); break;
            case PBSCAN_GROUP:
                total += wk__pb_varint_size((uint64_t)number << 3 | WK__PB_LEN) +
                         wk__pb_varint_size(f->out_len);
                break;
            case PBSCAN_LEN_GROUP:
                total += wk__pb_varint_size((uint64_t)number << 3 | WK__PB_SGROUP) +
                         wk__pb_varint_size((uint64_t)number << 3 | WK__PB_EGROUP);
                break;
            case PBSCAN_ROOT: break;
            }
            s->frames[s->depth - 1].out_len += total;
        }
    } else if (s->mode == PBSCAN_EMIT && f->kind == PBSCAN_LEN_GROUP) {
        pbscan_put_varint(s, (uint64_t)number << 3 | WK__PB_EGROUP);
    }
}

/*
 * An unknown group field starting at tag_off, its start tag read (p is
 * after it). Checks its contents generically, with the nesting depth
 * counted on top of the frames open; returns the offset after its end tag.
 */
static wk_code pbscan_unknown_group(pbscan *s, uint32_t number, size_t tag_off, size_t p, size_t end,
                                    size_t *after)
{
    const uint8_t *data = s->data;
    size_t nest = 1;
    uint32_t numbers_local[16];
    uint32_t *numbers = numbers_local;   /* the open groups' numbers */
    size_t cap = 16;
    wk_code rc = WK_OK;
    numbers[0] = number;
    while (nest) {
        uint64_t tag, v;
        size_t field_off = p;
        if (p >= end) {
            rc = pbscan_fail(s, WK_ERR_TRUNCATED, NULL, tag_off,
                             "unknown group field %u has no end-group tag before the end of its message",
                             number);
            goto done;
        }
        size_t n = wk__pb_varint(data + p, data + end, &tag);
        if (!n || n > 5 || tag >> 3 > WK__PB_MAX_NUMBER) {
            rc = pbscan_fail(s, n ? WK_ERR_SYNTAX : WK_ERR_TRUNCATED, NULL, field_off,
                             "malformed tag in unknown group field %u", number);
            goto done;
        }
        p += n;
        uint32_t wt = (uint32_t)(tag & 7), fn = (uint32_t)(tag >> 3);
        if (fn == 0 || wt > 5) {
            rc = pbscan_fail(s, WK_ERR_SYNTAX, NULL, field_off,
                             fn == 0 ? "field number 0 in unknown group field %u"
                                     : "invalid wire type in unknown group field %u",
                             number);
            goto done;
        }
        switch (wt) {
        case WK__PB_VARINT:
            n = wk__pb_varint(data + p, data + end, &v);
            if (!n) {
                rc = pbscan_fail(s, (size_t)(end - p) >= 10 ? WK_ERR_SYNTAX : WK_ERR_TRUNCATED, NULL,
                                 p, "malformed varint in unknown group field %u", number);
                goto done;
            }
            p += n;
            break;
        case WK__PB_I64:
        case WK__PB_I32: {
            size_t need = wt == WK__PB_I64 ? 8 : 4;
            if (end - p < need) {
                rc = pbscan_fail(s, WK_ERR_TRUNCATED, NULL, p, "unknown group field %u cut short", number);
                goto done;
            }
            p += need;
            break;
        }
        case WK__PB_LEN:
            n = wk__pb_varint(data + p, data + end, &v);
            if (!n || v > end - p - n) {
                rc = pbscan_fail(s, WK_ERR_TRUNCATED, NULL, p,
                                 "length in unknown group field %u runs past the end of its message",
                                 number);
                goto done;
            }
            p += n + (size_t)v;
            break;
        case WK__PB_SGROUP:
            if (s->depth + nest + 1 > s->max_depth) {
                rc = pbscan_fail(s, WK_ERR_DEPTH, NULL, field_off,
                                 "group nested %zu deep, deeper than the limit of %u",
                                 s->depth + nest + 1, s->max_depth);
                goto done;
            }
            if (nest == cap) {
                uint32_t *bigger = numbers == numbers_local ? malloc(2 * cap * sizeof *bigger)
                                                            : realloc(numbers, 2 * cap * sizeof *bigger);
                if (!bigger) {
                    rc = pbscan_fail(s, WK_ERR_NOMEM, NULL, field_off, "out of memory");
                    goto done;
                }
                if (numbers == numbers_local) memcpy(bigger, numbers_local, sizeof numbers_local);
                numbers = bigger;
                cap *= 2;
            }
            numbers[nest++] = fn;
            break;
        case WK__PB_EGROUP:
            if (numbers[nest - 1] != fn) {
                rc = pbscan_fail(s, WK_ERR_SYNTAX, NULL, field_off,
                                 "end-group tag for field %u inside group field %u", fn,
                                 numbers[nest - 1]);
                goto done;
            }
            nest--;
            break;
        }
    }
    *after = p;
done:
    if (numbers != numbers_local) free(numbers);
    return rc;
}

/* Checks the contents of a packed field data[p..p+n). */
static wk_code pbscan_packed(pbscan *s, const wk__pb_field *f, size_t tag_off, size_t p, size_t n)
{
    if (f->wire == WK__PB_VARINT) {
        const uint8_t *q = s->data + p, *end = q + n;
        while (q < end) {
            if (*q < 0x80) {
                q++;
                continue;
            }
            uint64_t v;
            size_t k = wk__pb_varint(q, end, &v);
            if (!k)
                return pbscan_fail(s, (size_t)(end - q) >= 10 ? WK_ERR_SYNTAX : WK_ERR_TRUNCATED, f,
                                   (size_t)(q - s->data),
                                   (size_t)(end - q) >= 10 ? "varint longer than 10 bytes in packed field"
                                                           : "packed field ends inside a varint");
            q += k;
        }
        return WK_OK;
    }
    size_t size = f->wire == WK__PB_I64 ? 8 : 4;
    if (n % size)
        return pbscan_fail(s, WK_ERR_SYNTAX, f, tag_off,
                           "packed %s field of %zu bytes, not a multiple of %zu",
                           wk_field_type_name(f->def->type), n, size);
    return WK_OK;
}

static wk_code pbscan_walk(pbscan *s, const wk__pb_message *root)
{
    const uint8_t *data = s->data;
    size_t p = 0;
    wk_code rc;
    s->frames = s->local;
    s->cap = PBSCAN_LOCAL_FRAMES;
    s->depth = 0;
    pbscan_frame rootf = {root, NULL, 0, 0, s->len, 0, 0, PBSCAN_ROOT, 0, 0};
    rc = pbscan_open(s, &rootf, 0);
    if (rc != WK_OK) return rc;
    const bool to_len = s->dir == WK__PB_TO_LEN;

    for (;;) {
        pbscan_frame *top = &s->frames[s->depth - 1];
        if (p == top->end) {
            if (top->kind == PBSCAN_GROUP) {
                rc = pbscan_fail(s, WK_ERR_TRUNCATED, NULL, top->tag_off,
                                 "group field %u has no end-group tag before the end of its message",
                                 top->field->number);
                goto out;
            }
            pbscan_close(s);
            if (s->depth == 0) break;
            continue;
        }
        size_t tag_off = p;
        uint64_t tag;
        size_t n = wk__pb_varint(data + p, data + top->end, &tag);
        if (WK__UNLIKELY(!n || n > 5 || (tag >> 3) > WK__PB_MAX_NUMBER)) {
            if (!n && (size_t)(top->end - p) < 10) {
                rc = pbscan_fail(s, WK_ERR_TRUNCATED, NULL, tag_off, "input ends inside a tag");
            } else {
                rc = pbscan_fail(s, WK_ERR_SYNTAX, NULL, tag_off,
                                 "malformed tag: a varint longer than 5 bytes or a field number above 2^29-1");
            }
            goto out;
        }
        p += n;
        uint32_t wt = (uint32_t)(tag & 7);
        uint32_t number = (uint32_t)(tag >> 3);
        if (WK__UNLIKELY(wt > 5)) {
            rc = pbscan_fail(s, WK_ERR_SYNTAX, NULL, tag_off, "invalid wire type %u (field %u)", wt, number);
            goto out;
        }
        if (WK__UNLIKELY(number == 0)) {
            rc = pbscan_fail(s, WK_ERR_SYNTAX, NULL, tag_off, "field number 0 is not allowed");
            goto out;
        }
        if (WK__UNLIKELY(wt == WK__PB_EGROUP)) {
            if (top->kind == PBSCAN_GROUP && top->field->number == number) {
                pbscan_close(s);
                continue;
            }
            rc = pbscan_fail(s, WK_ERR_SYNTAX, NULL, tag_off,
                             "end-group tag for field %u without a matching start-group tag", number);
            goto out;
        }
        const wk__pb_field *f = top->m ? wk__pb_field_find(top->m, number) : NULL;
        if (WK__UNLIKELY(!f && s->unknown_error)) {
            rc = pbscan_fail(s, WK_ERR_TYPE, NULL, tag_off, "unknown field %u in %s", number,
                             top->m->def->full_name);
            goto out;
        }
        if (f) {
            bool ok = wt == f->wire || (f->packable && wt == WK__PB_LEN) ||
                      (!to_len && f->wire == WK__PB_SGROUP && wt == WK__PB_LEN);
            if (WK__UNLIKELY(!ok)) {
                rc = pbscan_fail(s, WK_ERR_TYPE, f, tag_off, "wire type %u (%s) for a %s field", wt,
                                 pbscan_wire_name(wt), wk_field_type_name(f->def->type));
                goto out;
            }
        }
        uint64_t v;
        switch (wt) {
        case WK__PB_VARINT:
            n = wk__pb_varint(data + p, data + top->end, &v);
            if (WK__UNLIKELY(!n)) {
                bool overlong = (size_t)(top->end - p) >= 10;
                rc = pbscan_fail(s, overlong ? WK_ERR_SYNTAX : WK_ERR_TRUNCATED, f, tag_off,
                                 overlong ? "varint longer than 10 bytes at offset %zu"
                                          : "input ends inside a varint at offset %zu",
                                 p);
                if (s->st) s->st->offset = p;
                goto out;
            }
            p += n;
            break;
        case WK__PB_I64:
        case WK__PB_I32: {
            size_t need = wt == WK__PB_I64 ? 8 : 4;
            if (WK__UNLIKELY((size_t)(top->end - p) < need)) {
                rc = pbscan_fail(s, WK_ERR_TRUNCATED, f, tag_off,
                                 "%zu-byte value cut short: %zu bytes left", need, (size_t)(top->end - p));
                goto out;
            }
            p += need;
            break;
        }
        case WK__PB_LEN: {
            n = wk__pb_varint(data + p, data + top->end, &v);
            if (WK__UNLIKELY(!n || v > (uint64_t)(top->end - p - n))) {
                if (!n && (size_t)(top->end - p) >= 10)
                    rc = pbscan_fail(s, WK_ERR_SYNTAX, f, tag_off, "length varint longer than 10 bytes");
                else if (!n)
                    rc = pbscan_fail(s, WK_ERR_TRUNCATED, f, tag_off, "input ends inside a length");
                else
                    rc = pbscan_fail(s, WK_ERR_TRUNCATED, f, tag_off,
                                     "length %llu runs past the end of its message (%zu bytes left)",
                                     (unsigned long long)v, (size_t)(top->end - p - n));
                goto out;
            }
            p += n;
            size_t content = (size_t)v;
            if (f && f->ctype == PROTOBUF_C_TYPE_MESSAGE) {
                if (!f->repeated && to_len) {
                    uint64_t bit = (uint64_t)1 << f->merge_bit;
                    if (top->seen & bit) s->res.needs_merge = true;
                    top->seen |= bit;
                }
                pbscan_frame child = {f->message, f, p, tag_off, p + content, 0, 0,
                                      f->wire == WK__PB_SGROUP ? PBSCAN_LEN_GROUP : PBSCAN_LEN, 0, 0};
                rc = pbscan_open(s, &child, p - n - tag_off);
                if (rc != WK_OK) goto out;
                continue;
            }
            if (f && f->packable) {
                rc = pbscan_packed(s, f, tag_off, p, content);
                if (rc != WK_OK) goto out;
            }
            p += content;
            break;
        }
        case WK__PB_SGROUP:
            if (f) {
                if (!f->repeated) {
                    uint64_t bit = (uint64_t)1 << f->merge_bit;
                    if (top->seen & bit) s->res.needs_merge = true;
                    top->seen |= bit;
                }
                pbscan_frame child = {f->message, f, p, tag_off, top->end, 0, 0, PBSCAN_GROUP, 0, 0};
                s->res.has_groups = true;
                rc = pbscan_open(s, &child, p - tag_off);
                if (rc != WK_OK) goto out;
                continue;
            } else {
                size_t after = 0;
                rc = pbscan_unknown_group(s, number, tag_off, p, top->end, &after);
                if (rc != WK_OK) goto out;
                if (to_len) {
                    s->res.has_groups = s->res.unknown_groups = true;
                    size_t whole = after - tag_off;
                    if (s->mode == PBSCAN_SIZE) {
                        top->out_len += wk__pb_varint_size((uint64_t)number << 3 | WK__PB_LEN) +
                                        wk__pb_varint_size(whole) + whole;
                    } else if (s->mode == PBSCAN_EMIT) {
                        pbscan_put_varint(s, (uint64_t)number << 3 | WK__PB_LEN);
                        pbscan_put_varint(s, whole);
                        pbscan_put(s, data + tag_off, whole);
                    }
                    p = after;
                    continue;
                }
                p = after;
            }
            break;
        }
        pbscan_copy(s, tag_off, p - tag_off);
    }
    rc = WK_OK;
out:
    if (s->frames != s->local) free(s->frames);
    s->frames = s->local;
    return rc;
}

static void pbscan_init(pbscan *s, const uint8_t *data, size_t len, wk__pb_dir dir, pbscan_mode mode,
                        uint32_t max_depth, wk_status *st)
{
    s->data = data;
    s->len = len;
    s->dir = dir;
    s->mode = mode;
    s->max_depth = max_depth;
    s->st = st;
    s->recs = NULL;
    s->nrec = s->caprec = 0;
    s->out = NULL;
    s->out_at = 0;
    s->res = (wk__pb_scan_result){false, false, 0, false};
    s->unknown_error = false;
    s->run_start = s->run_end = 0;
}

/* After a SIZE pass: the EMIT pass into the arena. */
static wk_code pbscan_emit(pbscan *s, const wk__pb_message *m, wk_arena *arena, uint8_t **out,
                           size_t *out_len)
{
    size_t total = s->nrec ? s->recs[0] : 0;
    s->out = wk_arena_alloc(arena, total ? total : 1);
    if (!s->out) return wk__fail(s->st, WK_ERR_NOMEM, 0, "out of memory rewriting groups");
    s->mode = PBSCAN_EMIT;
    s->nrec = 0;
    s->out_at = 0;
    s->run_start = s->run_end = 0;
    wk_code rc = pbscan_walk(s, m);
    if (rc != WK_OK) return rc;
    pbscan_flush(s);
    *out = s->out;
    *out_len = s->out_at;
    return WK_OK;
}

wk_code wk__pb_check(const wk__pb_message *m, const uint8_t *data, size_t len, uint32_t max_depth,
                     bool unknown_error, wk_arena *arena, const uint8_t **out, size_t *out_len,
                     wk__pb_scan_result *res, wk_status *st)
{
    pbscan s;
    /* A type with group fields most likely meets groups: size while checking. */
    pbscan_init(&s, data, len, WK__PB_TO_LEN, m->reaches_groups ? PBSCAN_SIZE : PBSCAN_CHECK, max_depth, st);
    s.unknown_error = unknown_error;
    wk_code rc = pbscan_walk(&s, m);
    *res = s.res;
    *out = data;
    *out_len = len;
    if (rc == WK_OK && s.res.has_groups) {
        if (s.mode == PBSCAN_CHECK) {
            s.mode = PBSCAN_SIZE;
            s.res = (wk__pb_scan_result){false, false, 0, false};
            rc = pbscan_walk(&s, m);
            *res = s.res;
        }
        uint8_t *rewritten = NULL;
        if (rc == WK_OK) rc = pbscan_emit(&s, m, arena, &rewritten, out_len);
        if (rc == WK_OK) *out = rewritten;
    }
    free(s.recs);
    return rc;
}

wk_code wk__pb_to_groups(const wk__pb_message *m, const uint8_t *data, size_t len, wk_arena *arena,
                         uint8_t **out, size_t *out_len, wk_status *st)
{
    pbscan s;
    pbscan_init(&s, data, len, WK__PB_TO_GROUPS, PBSCAN_SIZE, UINT32_MAX, st);
    wk_code rc = pbscan_walk(&s, m);
    if (rc == WK_OK) rc = pbscan_emit(&s, m, arena, out, out_len);
    free(s.recs);
    return rc;
}

bool wk__pb_is_wrapped_group(uint32_t number, const uint8_t *data, size_t len)
{
    uint64_t tag;
    size_t n = wk__pb_varint(data, data + len, &tag);
    if (!n || tag != ((uint64_t)number << 3 | WK__PB_SGROUP)) return false;
    size_t after = pbscan_skip_checked(data, n, len, WK__PB_SGROUP);
    /* pbscan_skip_checked counts the start tag as the first nesting level,
     * so it stops after the matching end tag. */
    if (after != len) return false;
    /* The last tag must be this group's end tag. */
    size_t k = wk__pb_varint_size((uint64_t)number << 3 | WK__PB_EGROUP);
    if (len < n + k) return false;
    uint64_t end_tag = 0;
    return wk__pb_varint(data + len - k, data + len, &end_tag) == k &&
           end_tag == ((uint64_t)number << 3 | WK__PB_EGROUP);
}

/* ---- merging repeated occurrences of singular message fields ---- */

typedef struct pbmerge_buf {
    uint8_t *p;
    size_t len, cap;
    bool nomem;
} pbmerge_buf;

static void pbmerge_put(pbmerge_buf *b, const void *data, size_t n)
{
    if (b->nomem || n == 0) return;
    if (b->cap - b->len < n) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->len < n) cap *= 2;
        uint8_t *p = realloc(b->p, cap);
        if (!p) {
            b->nomem = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void pbmerge_put_varint(pbmerge_buf *b, uint64_t v)
{
    uint8_t tmp[10];
    pbmerge_put(b, tmp, wk__pb_put_varint(tmp, v));
}

/* One field of a message: where its tag and its payload are. */
typedef struct pbmerge_entry {
    size_t tag_off, payload_off, end;   /* payload: after a LEN field's length */
    const wk__pb_field *f;              /* NULL when unknown */
    size_t group;                       /* the index of the first occurrence it merges with */
    bool is_message;                    /* a message field, length-delimited */
    size_t group_last;                  /* for a group's first occurrence: its last one */
} pbmerge_entry;

static bool pbmerge_message(const wk__pb_message *m, const uint8_t *data, size_t len, pbmerge_buf *out);

/* Writes the payload of a message field, merged and canonical, with its length. */
static bool pbmerge_payload(const wk__pb_message *m, const uint8_t *data, size_t len, pbmerge_buf *out)
{
    pbmerge_buf child = {0};
    bool ok = pbmerge_message(m, data, len, &child);
    if (ok && !child.nomem) {
        pbmerge_put_varint(out, child.len);
        pbmerge_put(out, child.p, child.len);
    }
    ok = ok && !child.nomem;
    free(child.p);
    return ok;
}

static bool pbmerge_message(const wk__pb_message *m, const uint8_t *data, size_t len, pbmerge_buf *out)
{
    /* The fields of this level. The bytes are checked and hold no groups of the schema. */
    size_t cap = 16, n = 0;
    pbmerge_entry *e = malloc(cap * sizeof *e);
    if (!e) return false;
    size_t p = 0;
    while (p < len) {
        uint64_t tag = 0, v = 0;
        size_t tag_off = p;
        p += wk__pb_varint(data + p, data + len, &tag);
        uint32_t wt = (uint32_t)(tag & 7);
        size_t payload = p;
        if (wt == WK__PB_LEN) {
            p += wk__pb_varint(data + p, data + len, &v);
            payload = p;
            p += (size_t)v;
        } else {
            p = pbscan_skip_checked(data, p, len, wt);
            if (p == SIZE_MAX) {
                free(e);
                return false;
            }
        }
        if (n == cap) {
            pbmerge_entry *bigger = realloc(e, 2 * cap * sizeof *e);
            if (!bigger) {
                free(e);
                return false;
            }
            e = bigger;
            cap *= 2;
        }
        const wk__pb_field *f = wk__pb_field_find(m, (uint32_t)(tag >> 3));
        e[n] = (pbmerge_entry){tag_off, payload, p, f, n, f && f->ctype == PROTOBUF_C_TYPE_MESSAGE && wt == WK__PB_LEN, n};
        /* A singular message field merges with its previous occurrence, unless a
         * different member of its oneof came in between (which cleared it). */
        if (e[n].is_message && !f->repeated) {
            for (size_t j = n; j-- > 0;) {
                if (!e[j].f) continue;
                if (e[j].f == f) {
                    e[n].group = e[j].group;
                    break;
                }
                if (f->oneof && e[j].f->oneof && e[j].f->quantifier_offset == f->quantifier_offset) break;
            }
        }
        n++;
    }
    bool ok = true;
    /* The merged message is written where its last occurrence was, so that it
     * keeps its place after any other member of its oneof. */
    for (size_t i = 0; i < n; i++) e[e[i].group].group_last = i;
    for (size_t i = 0; i < n && ok; i++) {
        const pbmerge_entry *x = &e[i];
        if (!x->is_message) {
            pbmerge_put(out, data + x->tag_off, x->end - x->tag_off);
            continue;
        }
        if (e[x->group].group_last != i) continue;    /* merged into the last occurrence */
        size_t first = x->group;
        x = &e[first];
        uint64_t tag;
        size_t tag_len = wk__pb_varint(data + x->tag_off, data + x->end, &tag);
        pbmerge_put(out, data + x->tag_off, tag_len);   /* the tag as it was; a new length follows */
        if (i == first) {
            ok = pbmerge_payload(x->f->message, data + x->payload_off, x->end - x->payload_off, out);
            continue;
        }
        pbmerge_buf cat = {0};
        for (size_t j = first; j <= i; j++)
            if (e[j].group == first && e[j].is_message)
                pbmerge_put(&cat, data + e[j].payload_off, e[j].end - e[j].payload_off);
        ok = !cat.nomem && pbmerge_payload(x->f->message, cat.p, cat.len, out);
        free(cat.p);
    }
    free(e);
    return ok && !out->nomem;
}

wk_code wk__pb_merge(const wk__pb_message *m, const uint8_t *data, size_t len, wk_arena *arena,
                     const uint8_t **out, size_t *out_len)
{
    pbmerge_buf b = {0};
    bool ok = pbmerge_message(m, data, len, &b);
    uint8_t *p = ok ? wk_arena_alloc(arena, b.len ? b.len : 1) : NULL;
    if (p) {
        if (b.len) memcpy(p, b.p, b.len);
        *out = p;
        *out_len = b.len;
    }
    free(b.p);
    return p ? WK_OK : WK_ERR_NOMEM;
}
