/*
 * Built-in .proto texts: wirekit/options.proto (always used: it is ours),
 * and the well-known types of google/protobuf/, used only when an import
 * finds no file of that name in the search path or the system include
 * folder.
 *
 * The well-known types are written here from their documented messages and
 * fields (the protobuf language guide and descriptor.proto's documented
 * fields, as of protobuf 3.21): same packages, names, numbers, types,
 * labels and defaults, without the comments and the code-generation options.
 * tests/schema/test_builtin.c checks them field by field against the files
 * of an installed protobuf where there is one.
 *
 * proto/wirekit/options.proto in the repository is the same text as
 * builtin_wirekit_options, installed for protoc users; the test checks that
 * the two stay equal.
 */
#include "internal.h"

static const char builtin_wirekit_options[] =
    "// wirekit/options.proto: the options wirekit reads from .proto files.\n"
    "//\n"
    "// Import it to declare a schema's version, so that the same file also\n"
    "// compiles with protoc:\n"
    "//\n"
    "//     import \"wirekit/options.proto\";\n"
    "//     option (wirekit.version) = \"1.4.0\";\n"
    "//\n"
    "// The version is a Semantic Versioning 2.0.0 version (https://semver.org).\n"
    "// wirekit has this file built in; it is installed beside wirekit's headers\n"
    "// (include/wirekit/options.proto) for protoc's -I.\n"
    "syntax = \"proto2\";\n"
    "\n"
    "package wirekit;\n"
    "\n"
    "import \"google/protobuf/descriptor.proto\";\n"
    "\n"
    "extend google.protobuf.FileOptions {\n"
    "  // The schema's version: MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD].\n"
    "  optional string version = 50501;\n"
    "}\n";

static const char builtin_any[] =
    "syntax = \"proto3\";\n"
    "package google.protobuf;\n"
    "message Any {\n"
    "  string type_url = 1;\n"
    "  bytes value = 2;\n"
    "}\n";

static const char builtin_duration[] =
    "syntax = \"proto3\";\n"
    "package google.protobuf;\n"
    "message Duration {\n"
    "  int64 seconds = 1;\n"
    "  int32 nanos = 2;\n"
    "}\n";

static const char builtin_timestamp[] =
    "syntax = \"proto3\";\n"
    "package google.protobuf;\n"
    "message Timestamp {\n"
    "  int64 seconds = 1;\n"
    "  int32 nanos = 2;\n"
    "}\n";

static const char builtin_empty[] =
    "syntax = \"proto3\";\n"
    "package google.protobuf;\n"
    "message Empty {}\n";

static const char builtin_field_mask[] =
    "syntax = \"proto3\";\n"
    "package google.protobuf;\n"
    "message FieldMask {\n"
    "  repeated string paths = 1;\n"
    "}\n";

static const char builtin_struct[] =
    "syntax = \"proto3\";\n"
    "package google.protobuf;\n"
    "message Struct {\n"
    "  map<string, Value> fields = 1;\n"
    "}\n"
    "message Value {\n"
    "  oneof kind {\n"
    "    NullValue null_value = 1;\n"
    "    double number_value = 2;\n"
    "    string string_value = 3;\n"
    "    bool bool_value = 4;\n"
    "    Struct struct_value = 5;\n"
    "    ListValue list_value = 6;\n"
    "  }\n"
    "}\n"
    "enum NullValue {\n"
    "  NULL_VALUE = 0;\n"
    "}\n"
    "message ListValue {\n"
    "  repeated Value values = 1;\n"
    "}\n";

static const char builtin_wrappers[] =
    "syntax = \"proto3\";\n"
    "package google.protobuf;\n"
    "message DoubleValue { double value = 1; }\n"
    "message FloatValue { float value = 1; }\n"
    "message Int64Value { int64 value = 1; }\n"
    "message UInt64Value { uint64 value = 1; }\n"
    "message Int32Value { int32 value = 1; }\n"
    "message UInt32Value { uint32 value = 1; }\n"
    "message BoolValue { bool value = 1; }\n"
    "message StringValue { string value = 1; }\n"
    "message BytesValue { bytes value = 1; }\n";

static const char builtin_descriptor[] =
    "syntax = \"proto2\";\n"
    "package google.protobuf;\n"
    "option optimize_for = SPEED;\n"
    "\n"
    "message FileDescriptorSet {\n"
    "  repeated FileDescriptorProto file = 1;\n"
    "}\n"
    "\n"
    "message FileDescriptorProto {\n"
    "  optional string name = 1;\n"
    "  optional string package = 2;\n"
    "  repeated string dependency = 3;\n"
    "  repeated int32 public_dependency = 10;\n"
    "  repeated int32 weak_dependency = 11;\n"
    "  repeated DescriptorProto message_type = 4;\n"
    "  repeated EnumDescriptorProto enum_type = 5;\n"
    "  repeated ServiceDescriptorProto service = 6;\n"
    "  repeated FieldDescriptorProto extension = 7;\n"
    "  optional FileOptions options = 8;\n"
    "  optional SourceCodeInfo source_code_info = 9;\n"
    "  optional string syntax = 12;\n"
    "}\n"
    "\n"
    "message DescriptorProto {\n"
    "  optional string name = 1;\n"
    "  repeated FieldDescriptorProto field = 2;\n"
    "  repeated FieldDescriptorProto extension = 6;\n"
    "  repeated DescriptorProto nested_type = 3;\n"
    "  repeated EnumDescriptorProto enum_type = 4;\n"
    "  message ExtensionRange {\n"
    "    optional int32 start = 1;\n"
    "    optional int32 end = 2;\n"
    "    optional ExtensionRangeOptions options = 3;\n"
    "  }\n"
    "  repeated ExtensionRange extension_range = 5;\n"
    "  repeated OneofDescriptorProto oneof_decl = 8;\n"
    "  optional MessageOptions options = 7;\n"
    "  message ReservedRange {\n"
    "    optional int32 start = 1;\n"
    "    optional int32 end = 2;\n"
    "  }\n"
    "  repeated ReservedRange reserved_range = 9;\n"
    "  repeated string reserved_name = 10;\n"
    "}\n"
    "\n"
    "message ExtensionRangeOptions {\n"
    "  repeated UninterpretedOption uninterpreted_option = 999;\n"
    "  extensions 1000 to max;\n"
    "}\n"
    "\n"
    "message FieldDescriptorProto {\n"
    "  enum Type {\n"
    "    TYPE_DOUBLE = 1;\n"
    "    TYPE_FLOAT = 2;\n"
    "    TYPE_INT64 = 3;\n"
    "    TYPE_UINT64 = 4;\n"
    "    TYPE_INT32 = 5;\n"
    "    TYPE_FIXED64 = 6;\n"
    "    TYPE_FIXED32 = 7;\n"
    "    TYPE_BOOL = 8;\n"
    "    TYPE_STRING = 9;\n"
    "    TYPE_GROUP = 10;\n"
    "    TYPE_MESSAGE = 11;\n"
    "    TYPE_BYTES = 12;\n"
    "    TYPE_UINT32 = 13;\n"
    "    TYPE_ENUM = 14;\n"
    "    TYPE_SFIXED32 = 15;\n"
    "    TYPE_SFIXED64 = 16;\n"
    "    TYPE_SINT32 = 17;\n"
    "    TYPE_SINT64 = 18;\n"
    "  }\n"
    "  enum Label {\n"
    "    LABEL_OPTIONAL = 1;\n"
    "    LABEL_REQUIRED = 2;\n"
    "    LABEL_REPEATED = 3;\n"
    "  }\n"
    "  optional string name = 1;\n"
    "  optional int32 number = 3;\n"
    "  optional Label label = 4;\n"
    "  optional Type type = 5;\n"
    "  optional string type_name = 6;\n"
    "  optional string extendee = 2;\n"
    "  optional string default_value = 7;\n"
    "  optional int32 oneof_index = 9;\n"
    "  optional string json_name = 10;\n"
    "  optional FieldOptions options = 8;\n"
    "  optional bool proto3_optional = 17;\n"
    "}\n"
    "\n"
    "message OneofDescriptorProto {\n"
    "  optional string name = 1;\n"
    "  optional OneofOptions options = 2;\n"
    "}\n"
    "\n"
    "message EnumDescriptorProto {\n"
    "  optional string name = 1;\n"
    "  repeated EnumValueDescriptorProto value = 2;\n"
    "  optional EnumOptions options = 3;\n"
    "  message EnumReservedRange {\n"
    "    optional int32 start = 1;\n"
    "    optional int32 end = 2;\n"
    "  }\n"
    "  repeated EnumReservedRange reserved_range = 4;\n"
    "  repeated string reserved_name = 5;\n"
    "}\n"
    "\n"
    "message EnumValueDescriptorProto {\n"
    "  optional string name = 1;\n"
    "  optional int32 number = 2;\n"
    "  optional EnumValueOptions options = 3;\n"
    "}\n"
    "\n"
    "message ServiceDescriptorProto {\n"
    "  optional string name = 1;\n"
    "  repeated MethodDescriptorProto method = 2;\n"
    "  optional ServiceOptions options = 3;\n"
    "}\n"
    "\n"
    "message MethodDescriptorProto {\n"
    "  optional string name = 1;\n"
    "  optional string input_type = 2;\n"
    "  optional string output_type = 3;\n"
    "  optional MethodOptions options = 4;\n"
    "  optional bool client_streaming = 5 [default = false];\n"
    "  optional bool server_streaming = 6 [default = false];\n"
    "}\n"
    "\n"
    "message FileOptions {\n"
    "  optional string java_package = 1;\n"
    "  optional string java_outer_classname = 8;\n"
    "  optional bool java_multiple_files = 10 [default = false];\n"
    "  optional bool java_generate_equals_and_hash = 20 [deprecated = true];\n"
    "  optional bool java_string_check_utf8 = 27 [default = false];\n"
    "  enum OptimizeMode {\n"
    "    SPEED = 1;\n"
    "    CODE_SIZE = 2;\n"
    "    LITE_RUNTIME = 3;\n"
    "  }\n"
    "  optional OptimizeMode optimize_for = 9 [default = SPEED];\n"
    "  optional string go_package = 11;\n"
    "  optional bool cc_generic_services = 16 [default = false];\n"
    "  optional bool java_generic_services = 17 [default = false];\n"
    "  optional bool py_generic_services = 18 [default = false];\n"
    "  optional bool php_generic_services = 42 [default = false];\n"
    "  optional bool deprecated = 23 [default = false];\n"
    "  optional bool cc_enable_arenas = 31 [default = true];\n"
    "  optional string objc_class_prefix = 36;\n"
    "  optional string csharp_namespace = 37;\n"
    "  optional string swift_prefix = 39;\n"
    "  optional string php_class_prefix = 40;\n"
    "  optional string php_namespace = 41;\n"
    "  optional string php_metadata_namespace = 44;\n"
    "  optional string ruby_package = 45;\n"
    "  repeated UninterpretedOption uninterpreted_option = 999;\n"
    "  extensions 1000 to max;\n"
    "  reserved 38;\n"
    "}\n"
    "\n"
    "message MessageOptions {\n"
    "  optional bool message_set_wire_format = 1 [default = false];\n"
    "  optional bool no_standard_descriptor_accessor = 2 [default = false];\n"
    "  optional bool deprecated = 3 [default = false];\n"
    "  reserved 4, 5, 6;\n"
    "  optional bool map_entry = 7;\n"
    "  reserved 8;\n"
    "  reserved 9;\n"
    "  repeated UninterpretedOption uninterpreted_option = 999;\n"
    "  extensions 1000 to max;\n"
    "}\n"
    "\n"
    "message FieldOptions {\n"
    "  optional CType ctype = 1 [default = STRING];\n"
    "  enum CType {\n"
    "    STRING = 0;\n"
    "    CORD = 1;\n"
    "    STRING_PIECE = 2;\n"
    "  }\n"
    "  optional bool packed = 2;\n"
    "  optional JSType jstype = 6 [default = JS_NORMAL];\n"
    "  enum JSType {\n"
    "    JS_NORMAL = 0;\n"
    "    JS_STRING = 1;\n"
    "    JS_NUMBER = 2;\n"
    "  }\n"
    "  optional bool lazy = 5 [default = false];\n"
    "  optional bool unverified_lazy = 15 [default = false];\n"
    "  optional bool deprecated = 3 [default = false];\n"
    "  optional bool weak = 10 [default = false];\n"
    "  repeated UninterpretedOption uninterpreted_option = 999;\n"
    "  extensions 1000 to max;\n"
    "  reserved 4;\n"
    "}\n"
    "\n"
    "message OneofOptions {\n"
    "  repeated UninterpretedOption uninterpreted_option = 999;\n"
    "  extensions 1000 to max;\n"
    "}\n"
    "\n"
    "message EnumOptions {\n"
    "  optional bool allow_alias = 2;\n"
    "  optional bool deprecated = 3 [default = false];\n"
    "  reserved 5;\n"
    "  repeated UninterpretedOption uninterpreted_option = 999;\n"
    "  extensions 1000 to max;\n"
    "}\n"
    "\n"
    "message EnumValueOptions {\n"
    "  optional bool deprecated = 1 [default = false];\n"
    "  repeated UninterpretedOption uninterpreted_option = 999;\n"
    "  extensions 1000 to max;\n"
    "}\n"
    "\n"
    "message ServiceOptions {\n"
    "  optional bool deprecated = 33 [default = false];\n"
    "  repeated UninterpretedOption uninterpreted_option = 999;\n"
    "  extensions 1000 to max;\n"
    "}\n"
    "\n"
    "message MethodOptions {\n"
    "  optional bool deprecated = 33 [default = false];\n"
    "  enum IdempotencyLevel {\n"
    "    IDEMPOTENCY_UNKNOWN = 0;\n"
    "    NO_SIDE_EFFECTS = 1;\n"
    "    IDEMPOTENT = 2;\n"
    "  }\n"
    "  optional IdempotencyLevel idempotency_level = 34 [default = IDEMPOTENCY_UNKNOWN];\n"
    "  repeated UninterpretedOption uninterpreted_option = 999;\n"
    "  extensions 1000 to max;\n"
    "}\n"
    "\n"
    "message UninterpretedOption {\n"
    "  message NamePart {\n"
    "    required string name_part = 1;\n"
    "    required bool is_extension = 2;\n"
    "  }\n"
    "  repeated NamePart name = 2;\n"
    "  optional string identifier_value = 3;\n"
    "  optional uint64 positive_int_value = 4;\n"
    "  optional int64 negative_int_value = 5;\n"
    "  optional double double_value = 6;\n"
    "  optional bytes string_value = 7;\n"
    "  optional string aggregate_value = 8;\n"
    "}\n"
    "\n"
    "message SourceCodeInfo {\n"
    "  repeated Location location = 1;\n"
    "  message Location {\n"
    "    repeated int32 path = 1 [packed = true];\n"
    "    repeated int32 span = 2 [packed = true];\n"
    "    optional string leading_comments = 3;\n"
    "    optional string trailing_comments = 4;\n"
    "    repeated string leading_detached_comments = 6;\n"
    "  }\n"
    "}\n"
    "\n"
    "message GeneratedCodeInfo {\n"
    "  repeated Annotation annotation = 1;\n"
    "  message Annotation {\n"
    "    repeated int32 path = 1 [packed = true];\n"
    "    optional string source_file = 2;\n"
    "    optional int32 begin = 3;\n"
    "    optional int32 end = 4;\n"
    "  }\n"
    "}\n";

typedef struct builtin_file {
    const char *path;
    const char *text;
    size_t len;
} builtin_file;

#define BUILTIN(path, text) {path, text, sizeof text - 1}

static const builtin_file builtin_files[] = {
    BUILTIN("wirekit/options.proto", builtin_wirekit_options),
    BUILTIN("google/protobuf/any.proto", builtin_any),
    BUILTIN("google/protobuf/descriptor.proto", builtin_descriptor),
    BUILTIN("google/protobuf/duration.proto", builtin_duration),
    BUILTIN("google/protobuf/empty.proto", builtin_empty),
    BUILTIN("google/protobuf/field_mask.proto", builtin_field_mask),
    BUILTIN("google/protobuf/struct.proto", builtin_struct),
    BUILTIN("google/protobuf/timestamp.proto", builtin_timestamp),
    BUILTIN("google/protobuf/wrappers.proto", builtin_wrappers),
};

#define BUILTIN_COUNT (sizeof builtin_files / sizeof builtin_files[0])

static const char *const builtin_path_list[BUILTIN_COUNT + 1] = {
    "wirekit/options.proto",
    "google/protobuf/any.proto",
    "google/protobuf/descriptor.proto",
    "google/protobuf/duration.proto",
    "google/protobuf/empty.proto",
    "google/protobuf/field_mask.proto",
    "google/protobuf/struct.proto",
    "google/protobuf/timestamp.proto",
    "google/protobuf/wrappers.proto",
    NULL,
};

const char *wk__builtin_proto(const char *path, size_t *len)
{
    for (size_t i = 0; i < BUILTIN_COUNT; i++) {
        if (strcmp(builtin_files[i].path, path) == 0) {
            if (len) *len = builtin_files[i].len;
            return builtin_files[i].text;
        }
    }
    return NULL;
}

const char *const *wk__builtin_paths(void) { return builtin_path_list; }
