/*
 * protoc as the oracle: every y_*.proto fixture and every .proto file of
 * the Google benchmark corpus (../shared/corpus-ext/protobuf) is compiled by
 * protoc into a descriptor set (--descriptor_set_out --include_imports),
 * read back here by a small protobuf reader, and compared with what wirekit
 * loads from the same files: per file the package, syntax and imports; per
 * message every field's name, number, type, label, JSON name, resolved type
 * name, oneof, proto3_optional, default and explicit packing, the oneofs,
 * nested messages and enums, reserved and extension ranges, map entries;
 * enum values; extensions with their extended message; services' methods.
 * Each file is loaded twice, with the well-known types from /usr/include
 * and from wirekit's built-in copies.
 *
 * Every n_*.proto fixture must fail in protoc too, unless its header says
 * "// wirekit-only: why".
 *
 * Skipped with a message where protoc is not installed (the corpus part
 * where ../shared is absent).
 */
#define _GNU_SOURCE /* mkdtemp, nftw */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "schema/internal.h"
#include "support/files.h"

extern char **environ;

#define DATA_DIR WK_SOURCE_DIR "/tests/data/schema"
#define PROTO_DIR WK_SOURCE_DIR "/proto"
#define CORPUS_DIR WK_SOURCE_DIR "/../shared/corpus-ext/protobuf"

/* ------------------------------------------------------------------ */
/* A descriptor set, read from protoc's output                         */
/* ------------------------------------------------------------------ */

typedef struct pb_range {
    int32_t start;
    int32_t end;
} pb_range;

typedef struct pb_field {
    char *name;
    int32_t number;
    int32_t label;
    int32_t type;
    char *type_name;
    char *extendee;
    char *default_value;
    char *json_name;
    int32_t oneof_index;      /* -1 when absent */
    bool proto3_optional;
    int packed;               /* -1 when not set, else 0 or 1 */
} pb_field;

typedef struct pb_enum_value {
    char *name;
    int32_t number;
} pb_enum_value;

typedef struct pb_enum {
    char *name;
    pb_enum_value *values;
    size_t value_count;
    pb_range *reserved;       /* both ends included, as EnumReservedRange */
    size_t reserved_count;
    char **reserved_names;
    size_t reserved_name_count;
} pb_enum;

typedef struct pb_message pb_message;
struct pb_message {
    char *name;
    pb_field *fields;
    size_t field_count;
    pb_field *extensions;
    size_t extension_count;
    pb_message *nested;
    size_t nested_count;
    pb_enum *enums;
    size_t enum_count;
    pb_range *ext_ranges;     /* end excluded */
    size_t ext_range_count;
    pb_range *reserved;       /* end excluded */
    size_t reserved_count;
    char **reserved_names;
    size_t reserved_name_count;
    char **oneofs;
    size_t oneof_count;
    bool map_entry;
};

typedef struct pb_method {
    char *name;
    char *input;
    char *output;
    bool client_streaming;
    bool server_streaming;
} pb_method;

typedef struct pb_service {
    char *name;
    pb_method *methods;
    size_t method_count;
} pb_service;

typedef struct pb_file {
    char *name;
    char *package;
    char *syntax;
    char **deps;
    size_t dep_count;
    int32_t *public_deps;
    size_t public_count;
    int32_t *weak_deps;
    size_t weak_count;
    pb_message *messages;
    size_t message_count;
    pb_enum *enums;
    size_t enum_count;
    pb_service *services;
    size_t service_count;
    pb_field *extensions;
    size_t extension_count;
} pb_file;

typedef struct pb_reader {
    const uint8_t *p;
    const uint8_t *end;
} pb_reader;

static uint64_t pb_varint(pb_reader *r)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        assert_true(r->p < r->end);
        uint8_t b = *r->p++;
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) return v;
    }
    fail_msg("varint too long");
    return 0;
}

/* The next field's number and wire type; false at the end. */
static bool pb_tag(pb_reader *r, uint32_t *field, uint32_t *wire)
{
    if (r->p >= r->end) return false;
    uint64_t tag = pb_varint(r);
    *field = (uint32_t)(tag >> 3);
    *wire = (uint32_t)(tag & 7);
    return true;
}

static pb_reader pb_sub(pb_reader *r)
{
    uint64_t n = pb_varint(r);
    assert_true(n <= (uint64_t)(r->end - r->p));
    pb_reader sub = {r->p, r->p + n};
    r->p += n;
    return sub;
}

static char *pb_string(pb_reader *r)
{
    pb_reader s = pb_sub(r);
    size_t n = (size_t)(s.end - s.p);
    char *c = malloc(n + 1);
    assert_non_null(c);
    memcpy(c, s.p, n);
    c[n] = '\0';
    return c;
}

static void pb_skip(pb_reader *r, uint32_t wire)
{
    switch (wire) {
    case 0: (void)pb_varint(r); break;
    case 1: assert_true(r->end - r->p >= 8); r->p += 8; break;
    case 2: (void)pb_sub(r); break;
    case 5: assert_true(r->end - r->p >= 4); r->p += 4; break;
    default: fail_msg("wire type %u", wire);
    }
}

/* Grows an array by one zeroed element; returns it. */
static void *pb_push(void **items, size_t *count, size_t size)
{
    *items = realloc(*items, (*count + 1) * size);
    assert_non_null(*items);
    void *slot = (char *)*items + *count * size;
    memset(slot, 0, size);
    (*count)++;
    return slot;
}

#define PB_PUSH(arr, count) pb_push((void **)&(arr), &(count), sizeof *(arr))

static pb_range pb_read_range(pb_reader r)
{
    pb_range range = {0, 0};
    uint32_t f, w;
    while (pb_tag(&r, &f, &w)) {
        if (f == 1 && w == 0) range.start = (int32_t)pb_varint(&r);
        else if (f == 2 && w == 0) range.end = (int32_t)pb_varint(&r);
        else pb_skip(&r, w);
    }
    return range;
}

/* FieldOptions: packed (2). */
static int pb_read_field_options(pb_reader r)
{
    int packed = -1;
    uint32_t f, w;
    while (pb_tag(&r, &f, &w)) {
        if (f == 2 && w == 0) packed = pb_varint(&r) != 0;
        else pb_skip(&r, w);
    }
    return packed;
}

static void pb_read_field(pb_reader r, pb_field *fd)
{
    fd->oneof_index = -1;
    fd->packed = -1;
    uint32_t f, w;
    while (pb_tag(&r, &f, &w)) {
        switch (f) {
        case 1: fd->name = pb_string(&r); break;
        case 2: fd->extendee = pb_string(&r); break;
        case 3: fd->number = (int32_t)pb_varint(&r); break;
        case 4: fd->label = (int32_t)pb_varint(&r); break;
        case 5: fd->type = (int32_t)pb_varint(&r); break;
        case 6: fd->type_name = pb_string(&r); break;
        case 7: fd->default_value = pb_string(&r); break;
        case 8: fd->packed = pb_read_field_options(pb_sub(&r)); break;
        case 9: fd->oneof_index = (int32_t)pb_varint(&r); break;
        case 10: fd->json_name = pb_string(&r); break;
        case 17: fd->proto3_optional = pb_varint(&r) != 0; break;
        default: pb_skip(&r, w); break;
        }
    }
}

static void pb_read_enum(pb_reader r, pb_enum *e)
{
    uint32_t f, w;
    while (pb_tag(&r, &f, &w)) {
        if (f == 1) {
            e->name = pb_string(&r);
        } else if (f == 2) {
            pb_enum_value *v = PB_PUSH(e->values, e->value_count);
            pb_reader vr = pb_sub(&r);
            uint32_t vf, vw;
            while (pb_tag(&vr, &vf, &vw)) {
                if (vf == 1) v->name = pb_string(&vr);
                else if (vf == 2) v->number = (int32_t)pb_varint(&vr);
                else pb_skip(&vr, vw);
            }
        } else if (f == 4) {
            *(pb_range *)PB_PUSH(e->reserved, e->reserved_count) = pb_read_range(pb_sub(&r));
        } else if (f == 5) {
            *(char **)PB_PUSH(e->reserved_names, e->reserved_name_count) = pb_string(&r);
        } else {
            pb_skip(&r, w);
        }
    }
}

/* MessageOptions: map_entry (7). */
static bool pb_read_message_options(pb_reader r)
{
    bool map_entry = false;
    uint32_t f, w;
    while (pb_tag(&r, &f, &w)) {
        if (f == 7 && w == 0) map_entry = pb_varint(&r) != 0;
        else pb_skip(&r, w);
    }
    return map_entry;
}

static void pb_read_message(pb_reader r, pb_message *m)
{
    uint32_t f, w;
    while (pb_tag(&r, &f, &w)) {
        switch (f) {
        case 1: m->name = pb_string(&r); break;
        case 2: pb_read_field(pb_sub(&r), PB_PUSH(m->fields, m->field_count)); break;
        case 3: pb_read_message(pb_sub(&r), PB_PUSH(m->nested, m->nested_count)); break;
        case 4: pb_read_enum(pb_sub(&r), PB_PUSH(m->enums, m->enum_count)); break;
        case 5: *(pb_range *)PB_PUSH(m->ext_ranges, m->ext_range_count) = pb_read_range(pb_sub(&r)); break;
        case 6: pb_read_field(pb_sub(&r), PB_PUSH(m->extensions, m->extension_count)); break;
        case 7: m->map_entry = pb_read_message_options(pb_sub(&r)); break;
        case 8: {
            pb_reader o = pb_sub(&r);
            char **slot = PB_PUSH(m->oneofs, m->oneof_count);
            uint32_t of, ow;
            while (pb_tag(&o, &of, &ow)) {
                if (of == 1) *slot = pb_string(&o);
                else pb_skip(&o, ow);
            }
            break;
        }
        case 9: *(pb_range *)PB_PUSH(m->reserved, m->reserved_count) = pb_read_range(pb_sub(&r)); break;
        case 10: *(char **)PB_PUSH(m->reserved_names, m->reserved_name_count) = pb_string(&r); break;
        default: pb_skip(&r, w); break;
        }
    }
}

static void pb_read_service(pb_reader r, pb_service *s)
{
    uint32_t f, w;
    while (pb_tag(&r, &f, &w)) {
        if (f == 1) {
            s->name = pb_string(&r);
        } else if (f == 2) {
            pb_method *m = PB_PUSH(s->methods, s->method_count);
            pb_reader mr = pb_sub(&r);
            uint32_t mf, mw;
            while (pb_tag(&mr, &mf, &mw)) {
                if (mf == 1) m->name = pb_string(&mr);
                else if (mf == 2) m->input = pb_string(&mr);
                else if (mf == 3) m->output = pb_string(&mr);
                else if (mf == 5) m->client_streaming = pb_varint(&mr) != 0;
                else if (mf == 6) m->server_streaming = pb_varint(&mr) != 0;
                else pb_skip(&mr, mw);
            }
        } else {
            pb_skip(&r, w);
        }
    }
}

static void pb_read_file(pb_reader r, pb_file *file)
{
    uint32_t f, w;
    while (pb_tag(&r, &f, &w)) {
        switch (f) {
        case 1: file->name = pb_string(&r); break;
        case 2: file->package = pb_string(&r); break;
        case 3: *(char **)PB_PUSH(file->deps, file->dep_count) = pb_string(&r); break;
        case 4: pb_read_message(pb_sub(&r), PB_PUSH(file->messages, file->message_count)); break;
        case 5: pb_read_enum(pb_sub(&r), PB_PUSH(file->enums, file->enum_count)); break;
        case 6: pb_read_service(pb_sub(&r), PB_PUSH(file->services, file->service_count)); break;
        case 7: pb_read_field(pb_sub(&r), PB_PUSH(file->extensions, file->extension_count)); break;
        case 10: *(int32_t *)PB_PUSH(file->public_deps, file->public_count) = (int32_t)pb_varint(&r); break;
        case 11: *(int32_t *)PB_PUSH(file->weak_deps, file->weak_count) = (int32_t)pb_varint(&r); break;
        case 12: file->syntax = pb_string(&r); break;
        default: pb_skip(&r, w); break;
        }
    }
}

/* Everything a descriptor set allocated, in one list of blocks, freed together. */
static void pb_free_field(pb_field *f)
{
    free(f->name);
    free(f->type_name);
    free(f->extendee);
    free(f->default_value);
    free(f->json_name);
}

static void pb_free_enum(pb_enum *e)
{
    free(e->name);
    for (size_t i = 0; i < e->value_count; i++) free(e->values[i].name);
    free(e->values);
    free(e->reserved);
    for (size_t i = 0; i < e->reserved_name_count; i++) free(e->reserved_names[i]);
    free(e->reserved_names);
}

static void pb_free_message(pb_message *m)
{
    free(m->name);
    for (size_t i = 0; i < m->field_count; i++) pb_free_field(&m->fields[i]);
    free(m->fields);
    for (size_t i = 0; i < m->extension_count; i++) pb_free_field(&m->extensions[i]);
    free(m->extensions);
    for (size_t i = 0; i < m->nested_count; i++) pb_free_message(&m->nested[i]);
    free(m->nested);
    for (size_t i = 0; i < m->enum_count; i++) pb_free_enum(&m->enums[i]);
    free(m->enums);
    free(m->ext_ranges);
    free(m->reserved);
    for (size_t i = 0; i < m->reserved_name_count; i++) free(m->reserved_names[i]);
    free(m->reserved_names);
    for (size_t i = 0; i < m->oneof_count; i++) free(m->oneofs[i]);
    free(m->oneofs);
}

static void pb_free_file(pb_file *f)
{
    free(f->name);
    free(f->package);
    free(f->syntax);
    for (size_t i = 0; i < f->dep_count; i++) free(f->deps[i]);
    free(f->deps);
    free(f->public_deps);
    free(f->weak_deps);
    for (size_t i = 0; i < f->message_count; i++) pb_free_message(&f->messages[i]);
    free(f->messages);
    for (size_t i = 0; i < f->enum_count; i++) pb_free_enum(&f->enums[i]);
    free(f->enums);
    for (size_t i = 0; i < f->service_count; i++) {
        pb_service *s = &f->services[i];
        free(s->name);
        for (size_t j = 0; j < s->method_count; j++) {
            free(s->methods[j].name);
            free(s->methods[j].input);
            free(s->methods[j].output);
        }
        free(s->methods);
    }
    free(f->services);
    for (size_t i = 0; i < f->extension_count; i++) pb_free_field(&f->extensions[i]);
    free(f->extensions);
}

/* ------------------------------------------------------------------ */
/* Running protoc                                                      */
/* ------------------------------------------------------------------ */

typedef struct oracle {
    char dir[64];       /* a temporary folder */
    bool have_protoc;
    size_t files;       /* compared */
    size_t messages;
    size_t fields;
} oracle;

static bool protoc_present(void)
{
    const char *path = getenv("PATH");
    if (!path) return false;
    char *copy = strdup(path);
    assert_non_null(copy);
    bool found = false;
    for (char *dir = strtok(copy, ":"); dir && !found; dir = strtok(NULL, ":")) {
        char full[1024];
        snprintf(full, sizeof full, "%s/protoc", dir);
        found = access(full, X_OK) == 0;
    }
    free(copy);
    return found;
}

/* Runs protoc with the include folders on `file`; its exit status (stderr kept in dir/stderr.txt). */
static int protoc_run(const oracle *o, const char *const *includes, size_t n, const char *file, const char *out)
{
    char *argv[32];
    char args[16][1100];
    size_t a = 0;
    argv[a++] = "protoc";
    for (size_t i = 0; i < n; i++) {
        snprintf(args[i], sizeof args[i], "-I%s", includes[i]);
        argv[a++] = args[i];
    }
    argv[a++] = "--include_imports";
    char out_arg[1100];
    snprintf(out_arg, sizeof out_arg, "--descriptor_set_out=%s", out);
    argv[a++] = out_arg;
    argv[a++] = (char *)file;
    argv[a] = NULL;
    char err_path[128];
    snprintf(err_path, sizeof err_path, "%s/stderr.txt", o->dir);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    int rc = posix_spawnp(&pid, "protoc", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    assert_int_equal(rc, 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* ------------------------------------------------------------------ */
/* Comparing                                                           */
/* ------------------------------------------------------------------ */

static void check_str(const char *where, const char *what, const char *protoc, const char *ours)
{
    const char *p = protoc ? protoc : "";
    const char *w = ours ? ours : "";
    if (strcmp(p, w) != 0) fail_msg("%s: %s: protoc '%s', wirekit '%s'", where, what, p, w);
}

static void check_int(const char *where, const char *what, long long protoc, long long ours)
{
    if (protoc != ours) fail_msg("%s: %s: protoc %lld, wirekit %lld", where, what, protoc, ours);
}

/* A resolved type as protoc writes it: ".full.Name". */
static void check_type_name(const char *where, const char *protoc, const char *full_name)
{
    char want[1024];
    snprintf(want, sizeof want, ".%s", full_name);
    check_str(where, "type name", protoc, want);
}

static int label_number(wk_label label)
{
    switch (label) {
    case WK_LABEL_REQUIRED: return 2;
    case WK_LABEL_REPEATED: return 3;
    default: return 1; /* SINGULAR and OPTIONAL are both LABEL_OPTIONAL in a descriptor */
    }
}

static void check_field(oracle *o, const char *where, const pb_field *p, const wk_field_def *f,
                        const wk_message_def *containing)
{
    char w[1200];
    snprintf(w, sizeof w, "%s.%s", where, p->name);
    check_str(w, "name", p->name, f->name);
    check_int(w, "number", p->number, f->number);
    check_int(w, "type", p->type, f->type);
    check_int(w, "label", p->label, label_number(f->label));
    check_str(w, "json_name", p->json_name, f->json_name);
    check_str(w, "default", p->default_value, f->default_value);
    check_int(w, "proto3_optional", p->proto3_optional, f->proto3_optional);
    if (p->type == WK_TYPE_MESSAGE || p->type == WK_TYPE_GROUP) check_type_name(w, p->type_name, f->message->full_name);
    else if (p->type == WK_TYPE_ENUM) check_type_name(w, p->type_name, f->enum_def->full_name);
    else if (p->type_name) fail_msg("%s: a type name on a scalar", w);
    if (p->packed >= 0) check_int(w, "packed", p->packed, f->packed);
    if (p->oneof_index >= 0) {
        assert_non_null(containing);
        if (f->oneof_index < 0) fail_msg("%s: not in a oneof in wirekit", w);
        check_int(w, "oneof index", p->oneof_index, f->oneof_index);
    } else if (f->oneof_index >= 0) {
        fail_msg("%s: in a oneof in wirekit only", w);
    }
    o->fields++;
}

static void check_enum(const char *where, const pb_enum *p, const wk_enum_def *e)
{
    char w[1200];
    snprintf(w, sizeof w, "%s.%s", where, p->name);
    check_str(w, "enum name", p->name, e->name);
    check_int(w, "value count", (long long)p->value_count, (long long)e->value_count);
    for (size_t i = 0; i < p->value_count; i++) {
        check_str(w, "value name", p->values[i].name, e->values[i].name);
        check_int(w, p->values[i].name, p->values[i].number, e->values[i].number);
    }
    check_int(w, "reserved ranges", (long long)p->reserved_count, (long long)e->reserved.range_count);
    for (size_t i = 0; i < p->reserved_count; i++) {
        check_int(w, "reserved start", p->reserved[i].start, e->reserved.ranges[i].start);
        check_int(w, "reserved end", p->reserved[i].end, e->reserved.ranges[i].end);
    }
    check_int(w, "reserved names", (long long)p->reserved_name_count, (long long)e->reserved.name_count);
    for (size_t i = 0; i < p->reserved_name_count; i++)
        check_str(w, "reserved name", p->reserved_names[i], e->reserved.names[i]);
}

/* Extensions in protoc's order against wirekit's of the same scope. */
static void check_extensions(oracle *o, const char *where, const pb_field *p, size_t n, const wk_file_def *file,
                             const wk_message_def *scope)
{
    size_t k = 0;
    for (size_t i = 0; i < file->extension_count; i++) {
        const wk_extension_def *x = &file->extensions[i];
        if (x->scope != scope) continue;
        if (k >= n) fail_msg("%s: more extensions in wirekit", where);
        check_type_name(where, p[k].extendee, x->extendee_def->full_name);
        check_field(o, where, &p[k], x->field, NULL);
        k++;
    }
    check_int(where, "extension count", (long long)n, (long long)k);
}

static void check_message(oracle *o, const char *where, const pb_message *p, const wk_message_def *m,
                          const wk_file_def *file)
{
    char w[1200];
    snprintf(w, sizeof w, "%s%s%s", where, where[0] ? "." : "", p->name);
    check_str(w, "full name", w, m->full_name);
    check_int(w, "map_entry", p->map_entry, m->map_entry);
    /* protoc keeps declaration order; wirekit sorts by number. */
    check_int(w, "field count", (long long)p->field_count, (long long)m->field_count);
    for (size_t i = 0; i < p->field_count; i++) {
        const wk_field_def *f = wk_message_field(m, (uint32_t)p->fields[i].number);
        if (!f) fail_msg("%s: no field %d in wirekit", w, p->fields[i].number);
        check_field(o, w, &p->fields[i], f, m);
    }
    check_int(w, "oneof count", (long long)p->oneof_count, (long long)m->oneof_count);
    for (size_t i = 0; i < p->oneof_count; i++) check_str(w, "oneof", p->oneofs[i], m->oneofs[i].name);
    check_int(w, "extension ranges", (long long)p->ext_range_count, (long long)m->extension_range_count);
    for (size_t i = 0; i < p->ext_range_count; i++) {
        check_int(w, "extension range start", p->ext_ranges[i].start, m->extension_ranges[i].start);
        check_int(w, "extension range end", p->ext_ranges[i].end - 1, m->extension_ranges[i].end);
    }
    check_int(w, "reserved ranges", (long long)p->reserved_count, (long long)m->reserved.range_count);
    for (size_t i = 0; i < p->reserved_count; i++) {
        check_int(w, "reserved start", p->reserved[i].start, m->reserved.ranges[i].start);
        check_int(w, "reserved end", p->reserved[i].end - 1, m->reserved.ranges[i].end);
    }
    check_int(w, "reserved names", (long long)p->reserved_name_count, (long long)m->reserved.name_count);
    for (size_t i = 0; i < p->reserved_name_count; i++)
        check_str(w, "reserved name", p->reserved_names[i], m->reserved.names[i]);
    check_int(w, "nested messages", (long long)p->nested_count, (long long)m->message_count);
    for (size_t i = 0; i < p->nested_count; i++) check_message(o, w, &p->nested[i], m->messages[i], file);
    check_int(w, "nested enums", (long long)p->enum_count, (long long)m->enum_count);
    for (size_t i = 0; i < p->enum_count; i++) check_enum(w, &p->enums[i], m->enums[i]);
    check_extensions(o, w, p->extensions, p->extension_count, file, m);
    o->messages++;
}

static void check_file(oracle *o, const pb_file *p, const wk_file_def *f)
{
    const char *w = p->name;
    check_str(w, "package", p->package, f->package);
    check_str(w, "syntax", p->syntax && p->syntax[0] ? p->syntax : "proto2", f->syntax == 3 ? "proto3" : "proto2");
    check_int(w, "imports", (long long)p->dep_count, (long long)f->import_count);
    for (size_t i = 0; i < p->dep_count; i++) check_str(w, "import", p->deps[i], f->imports[i].path);
    for (size_t i = 0; i < f->import_count; i++) {
        bool pub = false, weak = false;
        for (size_t k = 0; k < p->public_count; k++) pub |= p->public_deps[k] == (int32_t)i;
        for (size_t k = 0; k < p->weak_count; k++) weak |= p->weak_deps[k] == (int32_t)i;
        check_int(w, "public import", pub, f->imports[i].is_public);
        check_int(w, "weak import", weak, f->imports[i].is_weak);
    }
    check_int(w, "messages", (long long)p->message_count, (long long)f->message_count);
    const char *pkg = p->package ? p->package : "";
    for (size_t i = 0; i < p->message_count; i++) check_message(o, pkg, &p->messages[i], f->messages[i], f);
    check_int(w, "enums", (long long)p->enum_count, (long long)f->enum_count);
    for (size_t i = 0; i < p->enum_count; i++) check_enum(pkg, &p->enums[i], f->enums[i]);
    check_extensions(o, w, p->extensions, p->extension_count, f, NULL);
    check_int(w, "services", (long long)p->service_count, (long long)f->service_count);
    for (size_t i = 0; i < p->service_count; i++) {
        const pb_service *ps = &p->services[i];
        const wk_service_def *s = &f->services[i];
        check_str(w, "service", ps->name, s->name);
        check_int(w, "methods", (long long)ps->method_count, (long long)s->method_count);
        for (size_t j = 0; j < ps->method_count; j++) {
            check_str(w, "method", ps->methods[j].name, s->methods[j].name);
            check_type_name(w, ps->methods[j].input, s->methods[j].input->full_name);
            check_type_name(w, ps->methods[j].output, s->methods[j].output->full_name);
            check_int(w, "client streaming", ps->methods[j].client_streaming, s->methods[j].client_streaming);
            check_int(w, "server streaming", ps->methods[j].server_streaming, s->methods[j].server_streaming);
        }
    }
    o->files++;
}

/*
 * Compiles `file` with protoc and loads it with wirekit (the well-known
 * types from /usr/include, then built in), with the same include folders,
 * and compares every file of the set.
 */
static void compare(oracle *o, const char *const *includes, size_t n, const char *file)
{
    char out[128];
    snprintf(out, sizeof out, "%s/set.pb", o->dir);
    if (protoc_run(o, includes, n, file, out) != 0) {
        char err_path[128];
        size_t len;
        snprintf(err_path, sizeof err_path, "%s/stderr.txt", o->dir);
        char *err = (char *)wkt_read_file(err_path, &len);
        fail_msg("protoc rejects %s:\n%s", file, err ? err : "");
    }
    size_t len;
    char *bytes = (char *)wkt_read_file(out, &len);
    assert_non_null(bytes);
    pb_file *files = NULL;
    size_t file_count = 0;
    pb_reader r = {(const uint8_t *)bytes, (const uint8_t *)bytes + len};
    uint32_t f, w;
    while (pb_tag(&r, &f, &w)) {
        if (f == 1 && w == 2) pb_read_file(pb_sub(&r), PB_PUSH(files, file_count));
        else pb_skip(&r, w);
    }
    free(bytes);
    assert_true(file_count >= 1);

    for (int pass = 0; pass < 2; pass++) {
        wk__schema_cfg cfg = {pass == 0 ? "/usr/include" : NULL, 0, 0};
        wk_schema_opts opts = {includes, n};
        wk_schema *s = NULL;
        wk_status st;
        if (wk__schema_load(file, NULL, 0, &opts, &cfg, &s, &st) != WK_OK)
            fail_msg("wirekit rejects %s: %s:%u:%u: %s", file, st.file, st.line, st.col, st.msg);
        check_int(file, "file count", (long long)file_count, (long long)wk_schema_file_count(s));
        for (size_t i = 0; i < file_count; i++) {
            const wk_file_def *ours = NULL;
            if (i == file_count - 1) {
                ours = wk_schema_main_file(s);
            } else {
                for (size_t k = 0; k < wk_schema_file_count(s); k++)
                    if (strcmp(wk_schema_file(s, k)->path, files[i].name) == 0) ours = wk_schema_file(s, k);
            }
            if (!ours) fail_msg("%s: wirekit has no %s", file, files[i].name);
            check_file(o, &files[i], ours);
        }
        wk_schema_free(s);
    }
    for (size_t i = 0; i < file_count; i++) pb_free_file(&files[i]);
    free(files);
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */
/* ------------------------------------------------------------------ */

static int oracle_setup(void **state)
{
    oracle *o = calloc(1, sizeof *o);
    assert_non_null(o);
    snprintf(o->dir, sizeof o->dir, "/tmp/wk_oracle_XXXXXX");
    assert_non_null(mkdtemp(o->dir));
    o->have_protoc = protoc_present();
    *state = o;
    return 0;
}

static int oracle_remove(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int oracle_teardown(void **state)
{
    oracle *o = *state;
    nftw(o->dir, oracle_remove, 16, FTW_DEPTH | FTW_PHYS);
    free(o);
    return 0;
}

static int name_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static char **list_fixtures(const char *prefix, size_t *count)
{
    DIR *d = opendir(DATA_DIR);
    assert_non_null(d);
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, prefix, 2) == 0 && len > 6 && strcmp(e->d_name + len - 6, ".proto") == 0)
            *(char **)PB_PUSH(names, n) = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, name_cmp);
    *count = n;
    return names;
}

static void test_fixtures_match_protoc(void **state)
{
    oracle *o = *state;
    if (!o->have_protoc) {
        print_message("skipped: protoc is not installed (apt-get install protobuf-compiler)\n");
        skip();
    }
    size_t n;
    char **names = list_fixtures("y_", &n);
    const char *includes[] = {DATA_DIR, PROTO_DIR};
    for (size_t i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", DATA_DIR, names[i]);
        compare(o, includes, 2, path);
        free(names[i]);
    }
    free(names);
    print_message("%zu fixtures: %zu files, %zu messages, %zu fields as protoc has them\n", n, o->files, o->messages,
                  o->fields);
}

/* The corpus imports its files as benchmarks/...: a folder with that link is the include root. */
static void test_corpus_matches_protoc(void **state)
{
    oracle *o = *state;
    if (!o->have_protoc) {
        print_message("skipped: protoc is not installed (apt-get install protobuf-compiler)\n");
        skip();
    }
    struct stat sb;
    if (stat(CORPUS_DIR "/benchmarks.proto", &sb) != 0) {
        print_message("skipped: no corpus at %s\n", CORPUS_DIR);
        skip();
    }
    char root[128], link_path[160];
    snprintf(root, sizeof root, "%s/root", o->dir);
    assert_int_equal(mkdir(root, 0700), 0);
    snprintf(link_path, sizeof link_path, "%s/benchmarks", root);
    assert_int_equal(symlink(CORPUS_DIR, link_path), 0);
    static const char *const files[] = {
        "benchmarks.proto",
        "google_size.proto",
        "datasets/google_message1/proto2/benchmark_message1_proto2.proto",
        "datasets/google_message1/proto3/benchmark_message1_proto3.proto",
        "datasets/google_message2/benchmark_message2.proto",
        "datasets/google_message3/benchmark_message3.proto",
        "datasets/google_message3/benchmark_message3_1.proto",
        "datasets/google_message3/benchmark_message3_2.proto",
        "datasets/google_message3/benchmark_message3_3.proto",
        "datasets/google_message3/benchmark_message3_4.proto",
        "datasets/google_message3/benchmark_message3_5.proto",
        "datasets/google_message3/benchmark_message3_6.proto",
        "datasets/google_message3/benchmark_message3_7.proto",
        "datasets/google_message3/benchmark_message3_8.proto",
        "datasets/google_message4/benchmark_message4.proto",
        "datasets/google_message4/benchmark_message4_1.proto",
        "datasets/google_message4/benchmark_message4_2.proto",
        "datasets/google_message4/benchmark_message4_3.proto",
    };
    const char *includes[] = {root};
    size_t before_files = o->files;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", link_path, files[i]);
        compare(o, includes, 1, path);
    }
    print_message("corpus: %zu .proto files, %zu file comparisons, %zu messages and %zu fields in all\n",
                  sizeof files / sizeof files[0], o->files - before_files, o->messages, o->fields);
}

static void test_failing_fixtures_fail_in_protoc(void **state)
{
    oracle *o = *state;
    if (!o->have_protoc) {
        print_message("skipped: protoc is not installed (apt-get install protobuf-compiler)\n");
        skip();
    }
    size_t n, only = 0;
    char **names = list_fixtures("n_", &n);
    const char *includes[] = {DATA_DIR, PROTO_DIR};
    for (size_t i = 0; i < n; i++) {
        char path[1024], out[160];
        snprintf(path, sizeof path, "%s/%s", DATA_DIR, names[i]);
        snprintf(out, sizeof out, "%s/n.pb", o->dir);
        size_t len;
        char *text = (char *)wkt_read_file(path, &len);
        assert_non_null(text);
        bool wirekit_only = strstr(text, "\n// wirekit-only: ") != NULL;
        free(text);
        int rc = protoc_run(o, includes, 2, path, out);
        if (wirekit_only) {
            only++;
        } else if (rc == 0) {
            fail_msg("protoc accepts %s (mark it '// wirekit-only: why' if that is meant)", names[i]);
        }
        free(names[i]);
    }
    free(names);
    print_message("%zu failing fixtures, %zu of them rejected by wirekit only\n", n, only);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fixtures_match_protoc, oracle_setup, oracle_teardown),
        cmocka_unit_test_setup_teardown(test_corpus_matches_protoc, oracle_setup, oracle_teardown),
        cmocka_unit_test_setup_teardown(test_failing_fixtures_fail_in_protoc, oracle_setup, oracle_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
