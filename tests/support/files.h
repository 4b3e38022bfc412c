/*
 * tests/support/files.h: file helpers the test executables share.
 */
#ifndef WIREKIT_TESTS_SUPPORT_FILES_H
#define WIREKIT_TESTS_SUPPORT_FILES_H

#include <stddef.h>
#include <stdint.h>

/* The whole file, malloc'd with a NUL after its bytes (*len, when len is not NULL, their count);
 * NULL when it cannot be read. */
uint8_t *wkt_read_file(const char *path, size_t *len);

/* True when the path names a folder. */
int wkt_is_dir(const char *path);

#endif
