/*
 * schema/internal.h: what the files of the schema subsystem share (wk__
 * names), not installed.
 *
 * Loading a schema goes through four steps, one file each:
 *   lexer.c    .proto text -> tokens, with their line and column
 *   parser.c   tokens -> the definitions of one file (names as written)
 *   schema.c   the main file and its imports, found through the search path
 *   resolve.c  full names, the symbol table (symtab.c), type references
 *              resolved by protobuf's scoping rules, and the semantic checks
 *
 * Every public definition struct (wk_message_def, ...) is the first member
 * of an internal one that adds what the checks need: where each part of the
 * definition was written, and lookup indexes. A pointer to the public struct
 * is a pointer to the internal one. Everything lives in the schema's arena;
 * the lists the parser grows while it reads live in a scratch arena that is
 * freed when loading ends.
 */
#ifndef WIREKIT_SCHEMA_INTERNAL_H
#define WIREKIT_SCHEMA_INTERNAL_H

#include "../model/internal.h"

#include <stdatomic.h>

/* Messages (and groups) nested deeper than this are refused (WK_ERR_DEPTH). */
#define WK__SCHEMA_MAX_DEPTH 100
/* Braces nested deeper than this in an aggregate option value are refused. */
#define WK__SCHEMA_MAX_AGGREGATE_DEPTH 100
/* Imports chained deeper than this are refused. */
#define WK__SCHEMA_MAX_IMPORT_DEPTH 100
/* The largest field number protobuf allows (2^29 - 1). */
#define WK__FIELD_NUMBER_MAX 536870911u
/* The numbers protobuf keeps for itself. */
#define WK__FIELD_RESERVED_FIRST 19000u
#define WK__FIELD_RESERVED_LAST 19999u

/* A position in a source file: 1-based line and column, and the byte offset. */
typedef struct wk__spos {
    uint32_t line;
    uint32_t col;
    size_t offset;
} wk__spos;

/* Records an error at a position of a file; returns code. */
wk_code wk__schema_error(wk_status *st, wk_code code, const char *file, wk__spos pos,
                         const char *fmt, ...) WK__PRINTF(5, 6);

/* ---- lexer.c ---- */

typedef enum wk__tok_kind {
    WK__TOK_EOF,
    WK__TOK_IDENT,   /* [A-Za-z_][A-Za-z0-9_]* */
    WK__TOK_INT,     /* decimal, 0x hex or 0 octal */
    WK__TOK_FLOAT,   /* digits with a '.' or an exponent */
    WK__TOK_STRING,  /* '...' or "...", quotes included in text */
    WK__TOK_SYMBOL   /* one punctuation character */
} wk__tok_kind;

typedef struct wk__token {
    wk__tok_kind kind;
    const char *text;    /* into the source; len bytes */
    size_t len;
    wk__spos pos;
    size_t end;          /* offset just past the token */
    uint64_t int_value;  /* WK__TOK_INT: the value, when !int_overflow */
    bool int_overflow;   /* WK__TOK_INT: more than 2^64 - 1 */
} wk__token;

typedef struct wk__lexer {
    const char *src;
    size_t len;
    size_t at;           /* the next byte to read */
    uint32_t line;
    size_t line_start;   /* offset of the current line's first byte */
    size_t line_extra;   /* bytes of the current line before `at` that are no column of their own */
    /* The error, when wk__lex_next returns false. */
    wk_code err_code;
    wk__spos err_pos;
    char err_msg[160];
} wk__lexer;

void wk__lex_init(wk__lexer *lx, const char *src, size_t len);
/* The next token (EOF at the end); false on a lexical error (lx->err_*). */
bool wk__lex_next(wk__lexer *lx, wk__token *tok);
/*
 * The bytes a string token stands for, escapes resolved, written to out
 * (which needs tok->len bytes; the value is never longer than its token).
 * The token must come from wk__lex_next, which checked its escapes.
 */
size_t wk__lex_string_value(const wk__token *tok, char *out);

/* ---- definitions with their source positions ---- */

typedef struct wk__file wk__file;
typedef struct wk__message wk__message;
typedef struct wk__enum wk__enum;

/* The label as written before a field's type. */
typedef enum wk__written_label {
    WK__LABEL_NONE,
    WK__LABEL_OPTIONAL,
    WK__LABEL_REQUIRED,
    WK__LABEL_REPEATED
} wk__written_label;

/* Where the parts of a field were written, and what resolving it needs. */
typedef struct wk__field_src {
    wk__spos label;          /* the label, when one was written */
    wk__spos type;           /* the type (the key type of a map) */
    wk__spos name;
    wk__spos number;
    wk__spos default_pos;    /* the `default` option's value, when given */
    wk__spos json_name_pos;  /* the `json_name` option's name, when given */
    wk__spos packed_pos;     /* the `packed` option's name, when given */
    uint64_t number_written; /* as written, before the range checks */
    uint32_t decl_index;     /* declaration order in its message */
    uint8_t written_label;   /* wk__written_label */
    uint8_t packed_option;   /* 0: not given, 1: false, 2: true */
    bool number_overflow;    /* the number did not fit 64 bits */
    bool is_group;
} wk__field_src;

struct wk__message {
    wk_message_def def;
    wk__file *file;
    wk__spos name_pos;
    wk__field_src *field_src;       /* parallel to def.fields */
    wk__spos *oneof_name_pos;       /* parallel to def.oneofs */
    wk__spos *reserved_range_pos;   /* parallel to def.reserved.ranges */
    wk__spos *reserved_name_pos;
    wk__spos *extension_range_pos;
    uint32_t *by_name;              /* field indexes sorted by name */
    uint32_t *by_json_name;         /* field indexes sorted by JSON name */
    uint32_t depth;                 /* 0 for a top-level message */
};

struct wk__enum {
    wk_enum_def def;
    wk__file *file;
    wk__spos name_pos;
    wk__spos *value_name_pos;       /* parallel to def.values */
    wk__spos *value_number_pos;
    wk__spos *reserved_range_pos;
    wk__spos *reserved_name_pos;
    wk__spos allow_alias_pos;       /* the option, when given */
    uint32_t *by_name;              /* value indexes sorted by name */
    uint32_t *by_number;            /* value indexes sorted by number, then declaration */
};

/* A field declared in an `extend` block. */
typedef struct wk__extension {
    wk_field_def field;
    wk__field_src src;
    const char *extendee;           /* as written */
    wk__spos extendee_pos;
    const wk_message_def *scope;    /* the message the block is in, NULL at file level */
} wk__extension;

typedef struct wk__method_src {
    wk__spos name;
    wk__spos input;
    wk__spos output;
} wk__method_src;

typedef struct wk__service_src {
    wk__spos name;
    wk__method_src *methods;        /* parallel to the service's methods */
} wk__service_src;

struct wk__file {
    wk_file_def def;
    size_t index;                   /* in the schema's list of files */
    const char *disk_path;          /* as opened: what errors name */
    const char *key;                /* identity: the real path, or "builtin:NAME" */
    int state;                      /* WK__FILE_* */
    wk__spos *import_pos;           /* parallel to def.imports: the path string */
    wk__extension **extension_src;  /* parallel to def.extensions */
    wk__service_src *service_src;   /* parallel to def.services */
    wk__spos package_pos;
    const uint8_t *visible;         /* bitset over file indexes: files whose names it may use */
    const uint8_t *exported;        /* itself and what it imports publicly, transitively */
};

enum { WK__FILE_NEW, WK__FILE_LOADING, WK__FILE_DONE };

/* ---- parser.c ---- */

/*
 * Parses the text of one file into `file` (whose def.path and disk_path are
 * set), allocating the definitions in `arena` and its working lists in
 * `scratch`. Names stay as written; resolve.c completes them.
 */
wk_code wk__parse_file(wk__file *file, const char *text, size_t len, wk_arena *arena,
                       wk_arena *scratch, wk_status *st);

/* ---- symtab.c: full name -> definition ---- */

typedef enum wk__sym_kind {
    WK__SYM_PACKAGE = 1,
    WK__SYM_MESSAGE,
    WK__SYM_ENUM,
    WK__SYM_ENUM_VALUE,
    WK__SYM_FIELD,
    WK__SYM_ONEOF,
    WK__SYM_SERVICE,
    WK__SYM_METHOD,
    WK__SYM_EXTENSION
} wk__sym_kind;

typedef struct wk__symbol {
    const char *name;       /* the full name, without a leading dot: len bytes, not always NUL-terminated */
    size_t len;
    uint32_t hash;
    uint8_t kind;           /* wk__sym_kind; 0 for an empty slot */
    size_t file;            /* the defining file (the first one, for a package) */
    const void *def;        /* wk__message, wk__enum, ...; NULL for a package */
    const char *parent;     /* the full name of the scope it was declared in */
    wk__spos pos;           /* where its name was written */
} wk__symbol;

typedef struct wk__symtab {
    wk__symbol *slots;
    size_t cap;             /* a power of two */
    size_t count;
} wk__symtab;

/* A table for up to `expected` symbols; false when out of memory. */
bool wk__symtab_init(wk__symtab *t, wk_arena *a, size_t expected);
const wk__symbol *wk__symtab_find(const wk__symtab *t, const char *name, size_t len);
/*
 * Adds sym (its hash is computed here). When the name is taken, adds nothing
 * and returns the symbol that has it; otherwise returns NULL. The table
 * must have been sized for every symbol added.
 */
const wk__symbol *wk__symtab_add(wk__symtab *t, const wk__symbol *sym);

/* ---- the schema ---- */

/*
 * A cache another subsystem hangs on a schema (the protobuf-c descriptors of
 * formats/protobuf_desc.c), built lazily from a schema that may be shared
 * between threads: installed once, atomically, and freed with the schema
 * by its own free function.
 */
typedef struct wk__schema_cache wk__schema_cache;
struct wk__schema_cache {
    void (*free)(wk__schema_cache *cache);
};

/* The cache installed on s, or NULL (an acquire load). */
wk__schema_cache *wk__schema_cache_get(const wk_schema *s);
/*
 * Installs c unless a cache is installed already; returns the one that is
 * installed then (c, or the other thread's: the caller frees c when it lost).
 */
wk__schema_cache *wk__schema_cache_install(const wk_schema *s, wk__schema_cache *c);

struct wk_schema {
    wk_arena *arena;
    wk__file **files;               /* imports first, the main file last */
    size_t file_count;
    wk__symtab symbols;
    const wk__message **messages;   /* every message of every file */
    size_t message_count;
    const wk__enum **enums;
    size_t enum_count;
    _Atomic(wk__schema_cache *) cache;  /* see wk__schema_cache; NULL until built */
};

/* ---- resolve.c ---- */

/* Sizes the symbol table for every file of s; then wk__resolve_file in file order. */
wk_code wk__resolve_begin(wk_schema *s, wk_status *st);
/* Names, checks and resolves one file against the files before it. */
wk_code wk__resolve_file(wk_schema *s, wk__file *f, wk_arena *scratch, wk_status *st);
/* The checks that span files (extension numbers) and the lookup lists. */
wk_code wk__resolve_end(wk_schema *s, wk_arena *scratch, wk_status *st);

/* ---- schema.c: loading with settings the tests reach ---- */

typedef struct wk__schema_cfg {
    const char *system_dir;         /* where google/protobuf/ is looked up; NULL: none */
    size_t arena_limit;             /* cap on the schema's arena; 0: none */
    size_t scratch_limit;           /* cap on the working arena; 0: none */
} wk__schema_cfg;

/* wk_schema_load and wk_schema_load_text with settings (text NULL: read path). */
wk_code wk__schema_load(const char *path, const char *text, size_t len, const wk_schema_opts *opts,
                        const wk__schema_cfg *cfg, wk_schema **out, wk_status *st);

/* ---- builtin.c ---- */

/* The built-in text of a .proto file by import path ("google/protobuf/any.proto"), or NULL. */
const char *wk__builtin_proto(const char *path, size_t *len);
/* The import paths with a built-in text, NULL-terminated. */
const char *const *wk__builtin_paths(void);

#endif
