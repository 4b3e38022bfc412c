/*
 * wirekit/schema.h: message schemas, read from .proto files.
 *
 * A wk_schema is one .proto file with everything it imports, parsed by
 * wirekit's own parser (proto2 and proto3) and resolved: every field's type
 * points at its message or enum definition. The definitions are plain
 * structs, read-only once loaded, owned by the schema and freed with it.
 * Loading reports syntax and semantic errors with the file, line and column
 * (wk_status.file, .line, .col).
 *
 * A schema declares its own version with a file option,
 *     option (wirekit.version) = "1.4.0";
 * whose extension is defined in wirekit/options.proto, which wirekit ships
 * (and resolves built in), so that the same file also compiles with protoc.
 *
 * Imports are looked up in the including file's folder, then in each
 * include folder in order. The well-known types (the files in google/protobuf/)
 * resolve with no protoc installed: from the system include folder where
 * Debian's libprotobuf-dev puts them, else from built-in definitions.
 *
 * Thread safety: a loaded schema may be read from many threads at once.
 *
 *     wk_schema *s;
 *     wk_status st;
 *     const char *dirs[] = {"protos"};
 *     wk_schema_opts o = {dirs, 1};
 *     if (wk_schema_load("protos/order.proto", &o, &s, &st) != WK_OK)
 *         fprintf(stderr, "%s:%u:%u: error: %s\n", st.file, st.line, st.col, st.msg);
 *     const wk_message_def *order = wk_schema_message(s, "acme.Order");
 *     ...
 *     wk_schema_free(s);
 */
#ifndef WIREKIT_SCHEMA_H
#define WIREKIT_SCHEMA_H

#include <wirekit/base.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Field types, numbered as in descriptor.proto (FieldDescriptorProto.Type). */
typedef enum wk_field_type {
    WK_TYPE_DOUBLE = 1,
    WK_TYPE_FLOAT = 2,
    WK_TYPE_INT64 = 3,
    WK_TYPE_UINT64 = 4,
    WK_TYPE_INT32 = 5,
    WK_TYPE_FIXED64 = 6,
    WK_TYPE_FIXED32 = 7,
    WK_TYPE_BOOL = 8,
    WK_TYPE_STRING = 9,
    WK_TYPE_GROUP = 10,
    WK_TYPE_MESSAGE = 11,
    WK_TYPE_BYTES = 12,
    WK_TYPE_UINT32 = 13,
    WK_TYPE_ENUM = 14,
    WK_TYPE_SFIXED32 = 15,
    WK_TYPE_SFIXED64 = 16,
    WK_TYPE_SINT32 = 17,
    WK_TYPE_SINT64 = 18
} wk_field_type;

/* "double", "sint64", "message", ...: the .proto keyword ("group" for GROUP). */
WK_API const char *wk_field_type_name(wk_field_type type);

/*
 * Cardinality. SINGULAR is a proto3 field without presence (a default value
 * is not written); OPTIONAL has presence (proto2 optional, proto3 optional,
 * a oneof member, and every singular message field); REQUIRED is proto2's.
 * A map field is REPEATED, with is_map set and an entry message.
 */
typedef enum wk_label {
    WK_LABEL_SINGULAR,
    WK_LABEL_OPTIONAL,
    WK_LABEL_REQUIRED,
    WK_LABEL_REPEATED
} wk_label;

typedef struct wk_file_def wk_file_def;
typedef struct wk_message_def wk_message_def;
typedef struct wk_enum_def wk_enum_def;
typedef struct wk_field_def wk_field_def;

/* Where a definition is written: the file as it was imported, 1-based line and column. */
typedef struct wk_source_pos {
    const char *file;
    uint32_t line;
    uint32_t col;
} wk_source_pos;

/* What kind of constant an option's value is. */
typedef enum wk_option_kind {
    WK_OPTION_IDENT,      /* an identifier: SPEED, true, inf, acme.Color.RED */
    WK_OPTION_NUMBER,     /* a number with its sign: 5, -0x10, 1.5e3, -inf */
    WK_OPTION_STRING,     /* a string (adjacent strings joined) */
    WK_OPTION_AGGREGATE   /* a text-format message in braces */
} wk_option_kind;

/*
 * An option as written. name is its full name as in the source, custom
 * options in parentheses ("deprecated", "(wirekit.version)",
 * "(acme.rules).max_len"); value is the constant: an identifier or number
 * as written, a string's content with escapes resolved (cut at a NUL byte
 * it may hold), or the text of an aggregate value ("{ a: 1 }": comments
 * left out, each run of space between tokens made one space). kind says
 * which. The pseudo-options `default` and `json_name` are not listed: they
 * are wk_field_def.default_value and .json_name.
 */
typedef struct wk_option {
    const char *name;
    const char *value;
    wk_option_kind kind;
    wk_source_pos pos;
} wk_option;

/* A range of field (or enum) numbers, both ends included. */
typedef struct wk_range {
    int32_t start;
    int32_t end;
} wk_range;

/* reserved numbers and names of a message or enum. */
typedef struct wk_reserved {
    const wk_range *ranges;
    size_t range_count;
    const char *const *names;
    size_t name_count;
} wk_reserved;

typedef struct wk_enum_value_def {
    const char *name;
    int32_t number;
    const wk_option *options;
    size_t option_count;
    wk_source_pos pos;
} wk_enum_value_def;

struct wk_enum_def {
    const char *name;                 /* "Status" */
    const char *full_name;            /* "acme.Order.Status" */
    const wk_file_def *file;
    const wk_message_def *parent;     /* NULL at file level */
    const wk_enum_value_def *values;  /* in declaration order; the first is the default */
    size_t value_count;
    bool allow_alias;
    bool closed;                      /* proto2: unknown numbers are not values of the enum */
    wk_reserved reserved;
    const wk_option *options;
    size_t option_count;
    wk_source_pos pos;
};

typedef struct wk_oneof_def {
    const char *name;
    const wk_field_def *const *fields;  /* its members, in declaration order */
    size_t field_count;
    bool synthetic;                     /* made for a proto3 `optional` field */
    const wk_option *options;
    size_t option_count;
    wk_source_pos pos;
} wk_oneof_def;

struct wk_field_def {
    const char *name;                 /* as declared: "order_id" */
    const char *json_name;            /* [json_name = "..."] or lowerCamelCase: "orderId" */
    bool explicit_json_name;          /* json_name was given as an option */
    uint32_t number;
    wk_field_type type;
    wk_label label;
    const char *type_name;            /* for MESSAGE, GROUP, ENUM: as written ("Item", ".acme.Item") */
    const wk_message_def *message;    /* MESSAGE and GROUP: the resolved type (the entry for a map) */
    const wk_enum_def *enum_def;      /* ENUM: the resolved type */
    const wk_message_def *containing; /* the message the field belongs to */
    int32_t oneof_index;              /* into containing->oneofs, or -1 */
    bool is_map;                      /* map<K, V>: message is the entry, key = 1, value = 2 */
    bool packed;                      /* repeated scalars written packed (proto3 default) */
    bool proto3_optional;             /* declared `optional` in a proto3 file */
    bool deprecated;
    /*
     * proto2 [default = ...] as text, NULL when none; written as protoc writes
     * it in a descriptor: integers in decimal, doubles in the shortest of %.15g
     * and %.17g that reads back, floats of %.6g and %.9g ("inf", "-inf",
     * "nan"), bool "true"/"false",
     * an enum's value name, a string's content with escapes resolved, bytes
     * with \n \r \t \" \' \\ escaped and other unprintable bytes as \ooo.
     */
    const char *default_value;
    const wk_option *options;
    size_t option_count;
    wk_source_pos pos;
};

struct wk_message_def {
    const char *name;                 /* "Item" */
    const char *full_name;            /* "acme.Order.Item" */
    const wk_file_def *file;
    const wk_message_def *parent;     /* NULL at file level */
    const wk_field_def *fields;       /* sorted by number */
    size_t field_count;
    const wk_oneof_def *oneofs;       /* in declaration order, synthetic ones included */
    size_t oneof_count;
    const wk_message_def *const *messages;  /* nested messages, in declaration order */
    size_t message_count;
    const wk_enum_def *const *enums;        /* nested enums */
    size_t enum_count;
    wk_reserved reserved;
    const wk_range *extension_ranges;
    size_t extension_range_count;
    bool map_entry;                   /* the synthetic entry message of a map field */
    const wk_option *options;
    size_t option_count;
    wk_source_pos pos;
};

typedef struct wk_import_def {
    const char *path;                 /* as written in the import statement */
    const wk_file_def *file;          /* the resolved file */
    bool is_public;
    bool is_weak;
} wk_import_def;

/*
 * A field declared in an `extend` block (kept, not applied to messages).
 * field->containing is the extended message, as in extendee_def.
 */
typedef struct wk_extension_def {
    const char *extendee;             /* as written */
    const wk_field_def *field;
    const wk_message_def *extendee_def; /* the resolved extended message */
    const wk_message_def *scope;      /* the message the extend block is in; NULL at file level */
} wk_extension_def;

typedef struct wk_method_def {
    const char *name;
    const char *input_type;           /* as written */
    const char *output_type;
    const wk_message_def *input;      /* the resolved types */
    const wk_message_def *output;
    bool client_streaming;
    bool server_streaming;
    const wk_option *options;
    size_t option_count;
    wk_source_pos pos;
} wk_method_def;

typedef struct wk_service_def {
    const char *name;
    const char *full_name;
    const wk_method_def *methods;
    size_t method_count;
    const wk_option *options;
    size_t option_count;
    wk_source_pos pos;
} wk_service_def;

struct wk_file_def {
    const char *path;                 /* as loaded or imported */
    const char *package;              /* "" when none */
    int syntax;                       /* 2 or 3 */
    const char *version;              /* option (wirekit.version), or NULL */
    const wk_import_def *imports;
    size_t import_count;
    const wk_message_def *const *messages;  /* top-level, in declaration order */
    size_t message_count;
    const wk_enum_def *const *enums;
    size_t enum_count;
    const wk_service_def *services;
    size_t service_count;
    const wk_extension_def *extensions;
    size_t extension_count;
    const wk_option *options;
    size_t option_count;
    const struct wk_schema *schema;   /* the schema the file was loaded into */
};

typedef struct wk_schema wk_schema;

typedef struct wk_schema_opts {
    const char *const *include_dirs;  /* searched in order after the importing file's folder */
    size_t include_count;
} wk_schema_opts;

/*
 * Loads a .proto file and everything it imports. opts may be NULL. On
 * failure *out is untouched and st says where (st->file, line, col) and why:
 * a syntax error, a duplicate field number or name, a number out of range
 * or in 19000-19999, an unknown type, a missing import, an import cycle.
 * st->file is the file as it was opened (the path given, or the folder an
 * import was found in joined with its path); columns count characters.
 * Codes: WK_ERR_SYNTAX (the text does not parse), WK_ERR_INVALID (it parses
 * but breaks a rule: duplicates, ranges, unknown types, cycles...),
 * WK_ERR_NOT_FOUND (an import found nowhere; the message lists the paths
 * tried), WK_ERR_IO (a file that cannot be read; line 0 for the main file),
 * WK_ERR_DEPTH (messages or aggregate values nested deeper than 100, imports
 * chained deeper than 100 files), WK_ERR_UNSUPPORTED (editions),
 * WK_ERR_NOMEM.
 */
WK_API wk_code wk_schema_load(const char *path, const wk_schema_opts *opts, wk_schema **out,
                              wk_status *st);

/* The same from text in memory; `name` is the file name used in errors and imports. */
WK_API wk_code wk_schema_load_text(const char *name, const char *text, size_t len,
                                   const wk_schema_opts *opts, wk_schema **out, wk_status *st);

/* Frees the schema and every definition in it. NULL is allowed. */
WK_API void wk_schema_free(wk_schema *s);

/* The file that was loaded (not an import). */
WK_API const wk_file_def *wk_schema_main_file(const wk_schema *s);

/* Every file of the schema, imports first, the main file last. */
WK_API size_t wk_schema_file_count(const wk_schema *s);
WK_API const wk_file_def *wk_schema_file(const wk_schema *s, size_t i);

/*
 * A message or enum by full name ("acme.Order", a leading dot allowed), or
 * by its short name when exactly one definition in the schema has it.
 * NULL when there is none.
 */
WK_API const wk_message_def *wk_schema_message(const wk_schema *s, const char *name);
WK_API const wk_enum_def *wk_schema_enum(const wk_schema *s, const char *name);

/* A field by number (binary search), or NULL. */
WK_API const wk_field_def *wk_message_field(const wk_message_def *m, uint32_t number);
/* A field by its declared name or its JSON name, or NULL. */
WK_API const wk_field_def *wk_message_field_by_name(const wk_message_def *m, const char *name,
                                                    size_t len);
/* An enum value by name, or by number (the first declared with it), or NULL. */
WK_API const wk_enum_value_def *wk_enum_value_by_name(const wk_enum_def *e, const char *name,
                                                      size_t len);
WK_API const wk_enum_value_def *wk_enum_value_by_number(const wk_enum_def *e, int32_t number);

/* ---- Semantic Versioning 2.0.0 ---- */

/*
 * A parsed version. prerelease and build point into the text that was
 * parsed (not NUL-terminated; length 0 when absent).
 */
typedef struct wk_semver {
    uint64_t major;
    uint64_t minor;
    uint64_t patch;
    const char *prerelease;
    size_t prerelease_len;
    const char *build;
    size_t build_len;
} wk_semver;

/*
 * Parses "MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]" exactly as SemVer 2.0.0
 * defines it (no leading zeros, no "v" prefix). WK_ERR_SYNTAX with the
 * offset of the offending character otherwise.
 */
WK_API wk_code wk_semver_parse(const char *text, size_t len, wk_semver *out, wk_status *st);

/* <0, 0, >0 by SemVer precedence (build metadata is ignored). */
WK_API int wk_semver_cmp(const wk_semver *a, const wk_semver *b);

#ifdef __cplusplus
}
#endif

#endif
