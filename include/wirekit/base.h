/*
 * wirekit/base.h: what every other wirekit header builds on.
 *
 * The export macro, the library's version, the error codes and the status
 * record that every fallible call fills. A function that can fail returns a
 * wk_code and, when the caller passes a wk_status (NULL is allowed
 * everywhere), also records where and why it failed: the byte offset into
 * the input, the line and column for text formats, and a message that names
 * the field path where there is one. Filling a status never allocates.
 *
 * Thread safety: nothing here has global state; distinct statuses may be
 * used from distinct threads freely.
 */
#ifndef WIREKIT_BASE_H
#define WIREKIT_BASE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(WK_BUILDING_SHARED) && defined(__GNUC__)
#  define WK_API __attribute__((visibility("default")))
#else
#  define WK_API
#endif

#define WK_VERSION_MAJOR 0
#define WK_VERSION_MINOR 1
#define WK_VERSION_PATCH 0
/* Kept in step with the three numbers above by the test suite. */
#define WK_VERSION_STRING "0.1.0"

/* The version of the library actually linked, e.g. "0.1.0". */
WK_API const char *wk_version(void);

/*
 * Every error code, with its name and the sentence that describes it. One
 * list makes the enum, wk_code_name() and wk_code_message().
 */
#define WK_CODE_MAP(XX)                                                       \
    XX(OK, "success")                                                         \
    XX(NOMEM, "out of memory")                                                \
    XX(SYNTAX, "syntax error")                                                \
    XX(UTF8, "invalid UTF-8")                                                 \
    XX(TRUNCATED, "unexpected end of input")                                  \
    XX(TRAILING, "unexpected data after the end of the value")                \
    XX(DEPTH, "nesting deeper than the limit")                                \
    XX(LIMIT, "size limit exceeded")                                          \
    XX(RANGE, "number out of range")                                          \
    XX(TYPE, "value of the wrong type")                                       \
    XX(UNREPRESENTABLE, "value cannot be represented in the target format")   \
    XX(UNSUPPORTED, "operation not supported by this format")                 \
    XX(INVALID, "invalid argument")                                           \
    XX(NOT_FOUND, "not found")                                                \
    XX(IO, "input/output error")

typedef enum wk_code {
#define WK__CODE_ENUM(name, text) WK_ERR_##name,
    WK_CODE_MAP(WK__CODE_ENUM)
#undef WK__CODE_ENUM
    WK_CODE_COUNT
} wk_code;

/* WK_OK is the spelling for success; WK_ERR_OK is the same value. */
#define WK_OK WK_ERR_OK

/* "SYNTAX" for WK_ERR_SYNTAX; "UNKNOWN" for a value outside the enum. */
WK_API const char *wk_code_name(wk_code code);
/* "syntax error" for WK_ERR_SYNTAX; never NULL. */
WK_API const char *wk_code_message(wk_code code);

#define WK_STATUS_MSG_MAX 256
#define WK_STATUS_FILE_MAX 256

/*
 * Where and why a call failed. offset is the byte offset into the input
 * (0 when the error has no position); line and col are 1-based and set only
 * for text formats (0 otherwise). file names the file the position is in
 * when the call read files itself (a .proto schema and its imports), and is
 * empty otherwise. msg is a NUL-terminated sentence, with the field path
 * first where there is one ("$.items[3]: ..."). After a successful call,
 * code is WK_OK and msg and file are empty.
 */
typedef struct wk_status {
    wk_code code;
    size_t offset;
    uint32_t line;
    uint32_t col;
    char file[WK_STATUS_FILE_MAX];
    char msg[WK_STATUS_MSG_MAX];
} wk_status;

/* Clears a status to WK_OK. NULL is allowed (does nothing). */
WK_API void wk_status_clear(wk_status *st);

#ifdef __cplusplus
}
#endif

#endif
