/*
 * tests/support/files.c: file helpers the test executables share.
 */
#include "files.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

uint8_t *wkt_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    uint8_t *data = malloc(cap + 1);
    while (data) {
        n += fread(data + n, 1, cap - n, f);
        if (n < cap) break;
        cap *= 2;
        uint8_t *grown = realloc(data, cap + 1);
        if (!grown) free(data);
        data = grown;
    }
    int failed = ferror(f);
    fclose(f);
    if (!data || failed) {
        free(data);
        return NULL;
    }
    data[n] = '\0';
    if (len) *len = n;
    return data;
}

int wkt_is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}
