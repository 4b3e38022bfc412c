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

/*
 * The names in a folder, sorted, without those starting with '.' or with
 * `skip_prefix` (NULL: none); *n receives the count. NULL (with *n 0) when
 * the folder cannot be read. Free with wkt_free_names.
 */
char **wkt_list_dir(const char *dir, const char *skip_prefix, size_t *n);
void wkt_free_names(char **names, size_t n);

/*
 * The regular files under a folder and its subfolders (names starting with
 * '.' left out) whose names start with `prefix` and end with `suffix` (a
 * name must be longer than the suffix), as "dir/sub/name" paths sorted;
 * *n receives the count. NULL (with *n 0) when there is none, or when
 * memory runs out. Free with wkt_free_names.
 */
char **wkt_find_files(const char *dir, const char *prefix, const char *suffix, size_t *n);

#endif
