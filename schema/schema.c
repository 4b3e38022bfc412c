/*
 * Loading a schema: the main .proto file and everything it imports, then
 * resolving them (resolve.c); and the public lookups on a loaded schema.
 *
 * An import is looked up, in order: in the importing file's folder, in each
 * include folder, and, for google/protobuf/..., in the system include folder
 * (/usr/include, where Debian's libprotobuf-dev puts the well-known types);
 * failing all of them, in wirekit's built-in texts (builtin.c).
 * wirekit/options.proto is always the built-in one. A file reached by two
 * import paths is one file: files are known by their real path.
 *
 * Imports are loaded depth first; the files being loaded form a stack, and
 * an import of a file on that stack is a cycle, reported with its path.
 * Files are resolved in the order they finished loading, so that each comes
 * after everything it imports.
 *
 * All a schema holds is in one arena owned by it. The parser's working
 * lists, and file texts while they are parsed, are freed before loading
 * returns.
 */
#define _DEFAULT_SOURCE 1 /* realpath */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define SCHEMA_SYSTEM_DIR "/usr/include"
/* A .proto file larger than this is refused rather than read. */
#define SCHEMA_MAX_FILE_SIZE ((size_t)256 << 20)

wk_code wk__schema_error(wk_status *st, wk_code code, const char *file, wk__spos pos, const char *fmt, ...)
{
    if (!st) return code;
    st->code = code;
    st->offset = pos.offset;
    st->line = pos.line;
    st->col = pos.col;
    snprintf(st->file, sizeof st->file, "%s", file ? file : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->msg, sizeof st->msg, fmt, ap);
    va_end(ap);
    return code;
}

const char *wk_field_type_name(wk_field_type type)
{
    static const char *const names[] = {
        NULL,      "double",  "float", "int64",   "uint64",   "int32",    "fixed64", "fixed32", "bool",  "string",
        "group",   "message", "bytes", "uint32",  "enum",     "sfixed32", "sfixed64", "sint32", "sint64",
    };
    if ((unsigned)type == 0 || (unsigned)type >= sizeof names / sizeof names[0]) return "unknown";
    return names[type];
}

/* ------------------------------------------------------------------ */
/* Reading files                                                       */
/* ------------------------------------------------------------------ */

typedef struct loader {
    wk_schema *s;
    wk_arena *scratch;
    const wk_schema_opts *opts;
    const char *system_dir;
    wk_status *st;
    wk__file **all;         /* every file met so far (scratch) */
    size_t all_count;
    size_t all_cap;
    wk__file **stack;       /* the files being loaded, outermost first */
    size_t depth;
    wk__file **done;        /* loaded files in the order they finished */
    size_t done_count;
} loader;

/*
 * Reads the whole file into a malloc'd buffer (*text, *len). Returns 0 or
 * an errno value (EISDIR for a folder, EFBIG past the size limit).
 */
static int schema_read(const char *path, char **text, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        return e;
    }
    if (S_ISDIR(sb.st_mode)) {
        close(fd);
        return EISDIR;
    }
    size_t cap = S_ISREG(sb.st_mode) && sb.st_size > 0 ? (size_t)sb.st_size + 1 : 4096;
    if (cap > SCHEMA_MAX_FILE_SIZE + 1) {
        close(fd);
        return EFBIG;
    }
    char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        return ENOMEM;
    }
    size_t n = 0;
    for (;;) {
        if (n == cap) {
            if (cap > SCHEMA_MAX_FILE_SIZE) {
                free(buf);
                close(fd);
                return EFBIG;
            }
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                close(fd);
                return ENOMEM;
            }
            buf = grown;
            cap *= 2;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            free(buf);
            close(fd);
            return e;
        }
        if (got == 0) break;
        n += (size_t)got;
    }
    close(fd);
    *text = buf;
    *len = n;
    return 0;
}

static char *loader_strdup(loader *ld, const char *s)
{
    size_t n = strlen(s);
    char *c = wk__arena_alloc(ld->s->arena, n + 1);
    if (c) memcpy(c, s, n + 1);
    return c;
}

/* "dir/path", or path alone when dir is empty. */
static char *loader_join(loader *ld, const char *dir, size_t dir_len, const char *path)
{
    size_t pn = strlen(path);
    bool slash = dir_len > 0 && dir[dir_len - 1] != '/';
    char *out = wk__arena_alloc(ld->scratch, dir_len + slash + pn + 1);
    if (!out) return NULL;
    memcpy(out, dir, dir_len);
    if (slash) out[dir_len] = '/';
    memcpy(out + dir_len + slash, path, pn + 1);
    return out;
}

/* A file's identity: its real path when it has one. */
static const char *loader_key(loader *ld, const char *path)
{
    char *real = realpath(path, NULL);
    const char *key = loader_strdup(ld, real ? real : path);
    free(real);
    return key;
}

static wk__file *loader_find(const loader *ld, const char *key)
{
    for (size_t i = 0; i < ld->all_count; i++)
        if (strcmp(ld->all[i]->key, key) == 0) return ld->all[i];
    return NULL;
}

static wk__file *loader_new_file(loader *ld, const char *path, const char *disk_path, const char *key)
{
    if (ld->all_count == ld->all_cap) {
        size_t cap = ld->all_cap ? ld->all_cap * 2 : 16;
        wk__file **all = wk__arena_alloc(ld->scratch, cap * sizeof *all);
        if (!all) return NULL;
        if (ld->all_count) memcpy(all, ld->all, ld->all_count * sizeof *all);
        ld->all = all;
        ld->all_cap = cap;
        /* The stack and the finished list never hold more files than `all`. */
        wk__file **stack = wk__arena_alloc(ld->scratch, cap * sizeof *stack);
        wk__file **done = wk__arena_alloc(ld->scratch, cap * sizeof *done);
        if (!stack || !done) return NULL;
        if (ld->depth) memcpy(stack, ld->stack, ld->depth * sizeof *stack);
        if (ld->done_count) memcpy(done, ld->done, ld->done_count * sizeof *done);
        ld->stack = stack;
        ld->done = done;
    }
    wk__file *f = wk__arena_alloc(ld->s->arena, sizeof *f);
    if (!f) return NULL;
    memset(f, 0, sizeof *f);
    f->def.path = loader_strdup(ld, path);
    f->def.schema = ld->s;
    f->disk_path = loader_strdup(ld, disk_path);
    f->key = key;
    if (!f->def.path || !f->disk_path) return NULL;
    ld->all[ld->all_count++] = f;
    return f;
}

static wk_code loader_nomem(loader *ld, const char *file)
{
    return wk__schema_error(ld->st, WK_ERR_NOMEM, file, (wk__spos){0, 0, 0}, "out of memory");
}

static wk_code loader_import(loader *ld, wk__file *from, size_t index, wk__file **out);

/*
 * Parses one file's text (freeing `owned`, when not NULL, once parsed),
 * then loads its imports.
 */
static wk_code loader_file(loader *ld, wk__file *f, const char *text, size_t len, char *owned)
{
    wk_code rc = wk__parse_file(f, text, len, ld->s->arena, ld->scratch, ld->st);
    free(owned);
    if (rc != WK_OK) return rc;
    f->state = WK__FILE_LOADING;
    ld->stack[ld->depth++] = f;
    for (size_t i = 0; i < f->def.import_count; i++) {
        wk__file *dep;
        rc = loader_import(ld, f, i, &dep);
        if (rc != WK_OK) return rc;
        ((wk_import_def *)&f->def.imports[i])->file = &dep->def;
    }
    ld->depth--;
    f->state = WK__FILE_DONE;
    ld->done[ld->done_count++] = f;
    return WK_OK;
}

/* The cycle that importing `target` from the top of the stack closes, as "a -> b -> a". */
static wk_code loader_cycle(loader *ld, wk__file *from, size_t index, const wk__file *target)
{
    char text[WK_STATUS_MSG_MAX];
    size_t n = 0;
    size_t start = 0;
    while (start < ld->depth && ld->stack[start] != target) start++;
    for (size_t i = start; i < ld->depth && n < sizeof text; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%s -> ", ld->stack[i]->def.path);
    if (n < sizeof text) snprintf(text + n, sizeof text - n, "%s", target->def.path);
    return wk__schema_error(ld->st, WK_ERR_INVALID, from->disk_path, from->import_pos[index], "import cycle: %s",
                            text);
}

/* Loads (or finds) the built-in text of `path`. */
static wk_code loader_builtin(loader *ld, wk__file *from, size_t index, const char *path, wk__file **out)
{
    size_t len;
    const char *text = wk__builtin_proto(path, &len);
    char key[PATH_MAX];
    snprintf(key, sizeof key, "builtin:%s", path);
    wk__file *f = loader_find(ld, key);
    if (f) {
        if (f->state == WK__FILE_LOADING) return loader_cycle(ld, from, index, f);
        *out = f;
        return WK_OK;
    }
    const char *k = loader_strdup(ld, key);
    if (!k || !(f = loader_new_file(ld, path, path, k))) return loader_nomem(ld, from->disk_path);
    *out = f;
    return loader_file(ld, f, text, len, NULL);
}

static wk_code loader_import(loader *ld, wk__file *from, size_t index, wk__file **out)
{
    const char *path = from->def.imports[index].path;
    wk__spos at = from->import_pos[index];
    if (ld->depth >= WK__SCHEMA_MAX_IMPORT_DEPTH)
        return wk__schema_error(ld->st, WK_ERR_DEPTH, from->disk_path, at,
                                "imports nested deeper than %d files", WK__SCHEMA_MAX_IMPORT_DEPTH);
    if (strcmp(path, "wirekit/options.proto") == 0) return loader_builtin(ld, from, index, path, out);

    /* The folders to look in: the importing file's, the include folders,
     * and the system one for the well-known types. */
    bool from_builtin = strncmp(from->key, "builtin:", 8) == 0;
    const char *slash = strrchr(from->disk_path, '/');
    size_t nincludes = ld->opts ? ld->opts->include_count : 0;
    const char *const *includes = ld->opts ? ld->opts->include_dirs : NULL;
    char searched[WK_STATUS_MSG_MAX];
    size_t searched_len = 0;
    searched[0] = '\0';
    for (size_t step = 0; step <= nincludes + 1; step++) {
        const char *dir;
        size_t dir_len;
        if (step == 0) {
            if (from_builtin) continue;
            dir = from->disk_path;
            dir_len = slash ? (size_t)(slash - from->disk_path) + 1 : 0;
        } else if (step <= nincludes) {
            dir = includes[step - 1];
            if (!dir) continue;
            dir_len = strlen(dir);
        } else {
            if (!ld->system_dir || strncmp(path, "google/protobuf/", 16) != 0) continue;
            dir = ld->system_dir;
            dir_len = strlen(dir);
        }
        char *candidate = loader_join(ld, dir, dir_len, path);
        if (!candidate) return loader_nomem(ld, from->disk_path);
        if (searched_len < sizeof searched)
            searched_len += (size_t)snprintf(searched + searched_len, sizeof searched - searched_len, "%s%s",
                                             searched_len ? ", " : "", candidate);
        struct stat sb;
        if (stat(candidate, &sb) != 0) {
            if (errno == ENOENT || errno == ENOTDIR) continue;
            return wk__schema_error(ld->st, WK_ERR_IO, from->disk_path, at, "cannot read \"%s\": %s", candidate,
                                    strerror(errno));
        }
        if (S_ISDIR(sb.st_mode)) continue; /* a folder of that name is not the file */
        const char *key = loader_key(ld, candidate);
        if (!key) return loader_nomem(ld, from->disk_path);
        wk__file *f = loader_find(ld, key);
        if (f) {
            if (f->state == WK__FILE_LOADING) return loader_cycle(ld, from, index, f);
            *out = f;
            return WK_OK;
        }
        char *text;
        size_t len;
        int err = schema_read(candidate, &text, &len);
        if (err == ENOMEM) return loader_nomem(ld, from->disk_path);
        if (err)
            return wk__schema_error(ld->st, WK_ERR_IO, from->disk_path, at, "cannot read \"%s\": %s", candidate,
                                    err == EFBIG ? "the file is too large" : strerror(err));
        f = loader_new_file(ld, path, candidate, key);
        if (!f) {
            free(text);
            return loader_nomem(ld, from->disk_path);
        }
        *out = f;
        return loader_file(ld, f, text, len, text);
    }
    if (wk__builtin_proto(path, NULL)) return loader_builtin(ld, from, index, path, out);
    return wk__schema_error(ld->st, WK_ERR_NOT_FOUND, from->disk_path, at, "cannot find \"%s\"; looked for %s", path,
                            searched_len ? searched : "it in no folder");
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */
/* ------------------------------------------------------------------ */

wk_code wk__schema_load(const char *path, const char *text, size_t len, const wk_schema_opts *opts,
                        const wk__schema_cfg *cfg, wk_schema **out, wk_status *st)
{
    if (!path || !out || (opts && opts->include_count && !opts->include_dirs))
        return wk__fail(st, WK_ERR_INVALID, 0, "wk_schema_load: no path, no result pointer, or no include folders");
    char *owned = NULL;
    if (!text) {
        int err = schema_read(path, &owned, &len);
        if (err)
            return wk__schema_error(st, err == ENOMEM ? WK_ERR_NOMEM : WK_ERR_IO, path, (wk__spos){0, 0, 0},
                                    "cannot read the file: %s", err == EFBIG ? "it is too large" : strerror(err));
        text = owned;
    }
    wk_arena *arena = wk_arena_new(0);
    wk_arena *scratch = wk_arena_new(0);
    wk_schema *s = arena ? wk__arena_alloc(arena, sizeof *s) : NULL;
    if (!arena || !scratch || !s) {
        free(owned);
        wk_arena_free(arena);
        wk_arena_free(scratch);
        return wk__schema_error(st, WK_ERR_NOMEM, path, (wk__spos){0, 0, 0}, "out of memory");
    }
    memset(s, 0, sizeof *s);
    s->arena = arena;
    if (cfg && cfg->arena_limit) wk_arena_set_limit(arena, cfg->arena_limit);
    if (cfg && cfg->scratch_limit) wk_arena_set_limit(scratch, cfg->scratch_limit);

    loader ld;
    memset(&ld, 0, sizeof ld);
    ld.s = s;
    ld.scratch = scratch;
    ld.opts = opts;
    ld.system_dir = cfg ? cfg->system_dir : SCHEMA_SYSTEM_DIR;
    ld.st = st;

    wk_code rc;
    const char *key = loader_key(&ld, path);
    wk__file *main_file = key ? loader_new_file(&ld, path, path, key) : NULL;
    if (!main_file) {
        free(owned);
        rc = loader_nomem(&ld, path);
    } else {
        rc = loader_file(&ld, main_file, text, len, owned);
    }
    if (rc == WK_OK) {
        s->files = wk__arena_alloc(arena, ld.done_count * sizeof *s->files);
        if (!s->files) {
            rc = loader_nomem(&ld, path);
        } else {
            memcpy(s->files, ld.done, ld.done_count * sizeof *s->files);
            s->file_count = ld.done_count;
            for (size_t i = 0; i < s->file_count; i++) s->files[i]->index = i;
            rc = wk__resolve_begin(s, st);
            for (size_t i = 0; rc == WK_OK && i < s->file_count; i++)
                rc = wk__resolve_file(s, s->files[i], scratch, st);
            if (rc == WK_OK) rc = wk__resolve_end(s, scratch, st);
        }
    }
    wk_arena_free(scratch);
    if (rc != WK_OK) {
        wk_arena_free(arena);
        return rc;
    }
    wk__ok(st);
    *out = s;
    return WK_OK;
}

wk_code wk_schema_load(const char *path, const wk_schema_opts *opts, wk_schema **out, wk_status *st)
{
    wk__schema_cfg cfg = {SCHEMA_SYSTEM_DIR, 0, 0};
    return wk__schema_load(path, NULL, 0, opts, &cfg, out, st);
}

wk_code wk_schema_load_text(const char *name, const char *text, size_t len, const wk_schema_opts *opts,
                            wk_schema **out, wk_status *st)
{
    if (!text && len) return wk__fail(st, WK_ERR_INVALID, 0, "wk_schema_load_text: no text");
    wk__schema_cfg cfg = {SCHEMA_SYSTEM_DIR, 0, 0};
    return wk__schema_load(name, text ? text : "", len, opts, &cfg, out, st);
}

void wk_schema_free(wk_schema *s)
{
    if (!s) return;
    wk__schema_cache *c = atomic_load_explicit(&s->cache, memory_order_acquire);
    if (c) c->free(c);
    wk_arena_free(s->arena);
}

wk__schema_cache *wk__schema_cache_get(const wk_schema *s)
{
    return atomic_load_explicit(&((wk_schema *)(uintptr_t)s)->cache, memory_order_acquire);
}

wk__schema_cache *wk__schema_cache_install(const wk_schema *s, wk__schema_cache *c)
{
    wk__schema_cache *expected = NULL;
    wk_schema *w = (wk_schema *)(uintptr_t)s;
    if (atomic_compare_exchange_strong_explicit(&w->cache, &expected, c, memory_order_acq_rel,
                                                memory_order_acquire))
        return c;
    return expected;
}

/* ------------------------------------------------------------------ */
/* Lookups                                                             */
/* ------------------------------------------------------------------ */

const wk_file_def *wk_schema_main_file(const wk_schema *s)
{
    return s && s->file_count ? &s->files[s->file_count - 1]->def : NULL;
}

size_t wk_schema_file_count(const wk_schema *s) { return s ? s->file_count : 0; }

const wk_file_def *wk_schema_file(const wk_schema *s, size_t i)
{
    return s && i < s->file_count ? &s->files[i]->def : NULL;
}

/* Whether full_name is name or ends in "." + name. */
static bool schema_suffix(const char *full_name, const char *name, size_t n)
{
    size_t fl = strlen(full_name);
    if (fl == n) return memcmp(full_name, name, n) == 0;
    return fl > n && full_name[fl - n - 1] == '.' && memcmp(full_name + fl - n, name, n) == 0;
}

/* The symbol of that kind by full name, or by a unique name suffix ("Order", "Order.Item"). */
static const void *schema_lookup(const wk_schema *s, const char *name, int kind)
{
    if (!s || !name) return NULL;
    bool absolute = name[0] == '.';
    if (absolute) name++;
    size_t n = strlen(name);
    const wk__symbol *sym = wk__symtab_find(&s->symbols, name, n);
    if (sym && sym->kind == kind) return sym->def;
    if (absolute || n == 0) return NULL;
    const void *found = NULL;
    if (kind == WK__SYM_MESSAGE) {
        for (size_t i = 0; i < s->message_count; i++) {
            if (!schema_suffix(s->messages[i]->def.full_name, name, n)) continue;
            if (found) return NULL;
            found = s->messages[i];
        }
    } else {
        for (size_t i = 0; i < s->enum_count; i++) {
            if (!schema_suffix(s->enums[i]->def.full_name, name, n)) continue;
            if (found) return NULL;
            found = s->enums[i];
        }
    }
    return found;
}

const wk_message_def *wk_schema_message(const wk_schema *s, const char *name)
{
    const wk__message *m = schema_lookup(s, name, WK__SYM_MESSAGE);
    return m ? &m->def : NULL;
}

const wk_enum_def *wk_schema_enum(const wk_schema *s, const char *name)
{
    const wk__enum *e = schema_lookup(s, name, WK__SYM_ENUM);
    return e ? &e->def : NULL;
}

const wk_field_def *wk_message_field(const wk_message_def *m, uint32_t number)
{
    if (!m) return NULL;
    size_t lo = 0, hi = m->field_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint32_t at = m->fields[mid].number;
        if (at == number) return &m->fields[mid];
        if (at < number) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

static int schema_name_cmp(const char *a, const char *b, size_t bn)
{
    size_t an = strlen(a);
    size_t n = an < bn ? an : bn;
    int c = memcmp(a, b, n);
    if (c) return c;
    return an < bn ? -1 : an > bn;
}

/* Binary search of an index sorted by the name at base + i * stride. */
static const void *schema_find_name(const void *base, size_t stride, size_t offset, const uint32_t *index,
                                    size_t count, const char *name, size_t len)
{
    if (!index) return NULL;
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *item = (const char *)base + (size_t)index[mid] * stride;
        int c = schema_name_cmp(*(const char *const *)(item + offset), name, len);
        if (c == 0) {
            /* The first of equal names (enum values cannot repeat, fields cannot either). */
            return item;
        }
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

const wk_field_def *wk_message_field_by_name(const wk_message_def *m, const char *name, size_t len)
{
    if (!m || !name || m->field_count == 0) return NULL;
    const wk__message *im = (const wk__message *)m;
    const wk_field_def *f = schema_find_name(m->fields, sizeof *m->fields, offsetof(wk_field_def, name),
                                             im->by_name, m->field_count, name, len);
    if (!f)
        f = schema_find_name(m->fields, sizeof *m->fields, offsetof(wk_field_def, json_name), im->by_json_name,
                             m->field_count, name, len);
    return f;
}

const wk_enum_value_def *wk_enum_value_by_name(const wk_enum_def *e, const char *name, size_t len)
{
    if (!e || !name || e->value_count == 0) return NULL;
    const wk__enum *ie = (const wk__enum *)e;
    return schema_find_name(e->values, sizeof *e->values, offsetof(wk_enum_value_def, name), ie->by_name,
                            e->value_count, name, len);
}

const wk_enum_value_def *wk_enum_value_by_number(const wk_enum_def *e, int32_t number)
{
    if (!e || e->value_count == 0) return NULL;
    const wk__enum *ie = (const wk__enum *)e;
    /* The first index whose value is not below number: ties are in declaration order. */
    size_t lo = 0, hi = e->value_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e->values[ie->by_number[mid]].number < number) lo = mid + 1;
        else hi = mid;
    }
    if (lo < e->value_count && e->values[ie->by_number[lo]].number == number) return &e->values[ie->by_number[lo]];
    return NULL;
}
