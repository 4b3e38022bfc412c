/*
 * tests/support/files.c: file helpers the test executables share.
 */
#define _POSIX_C_SOURCE 200809L

#include "files.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static int files_name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **wkt_list_dir(const char *dir, const char *skip_prefix, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) return NULL;
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || (skip_prefix && strncmp(e->d_name, skip_prefix, strlen(skip_prefix)) == 0))
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown) break;
            names = grown;
        }
        if (!(names[count] = strdup(e->d_name))) break;
        count++;
    }
    closedir(d);
    if (count) qsort(names, count, sizeof *names, files_name_cmp);
    *n = count;
    return names;
}

void wkt_free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
}

int wkt_is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

typedef struct files_found {
    char **paths;
    size_t count, cap;
} files_found;

static int files_has_affixes(const char *name, const char *prefix, const char *suffix)
{
    size_t n = strlen(name), s = strlen(suffix);
    return strncmp(name, prefix, strlen(prefix)) == 0 && n > s && strcmp(name + n - s, suffix) == 0;
}

/* Adds the matching files under dir to *found; false when memory runs out. */
static int files_walk(const char *dir, const char *prefix, const char *suffix, files_found *found)
{
    DIR *d = opendir(dir);
    if (!d) return 1;
    int ok = 1;
    struct dirent *e;
    while (ok && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        char *path = malloc(len);
        if (!path) {
            ok = 0;
            break;
        }
        snprintf(path, len, "%s/%s", dir, e->d_name);
        struct stat sb;
        int known = stat(path, &sb) == 0;
        if (known && S_ISDIR(sb.st_mode)) {
            ok = files_walk(path, prefix, suffix, found);
        } else if (known && S_ISREG(sb.st_mode) && files_has_affixes(e->d_name, prefix, suffix)) {
            if (found->count == found->cap) {
                size_t cap = found->cap ? found->cap * 2 : 16;
                char **grown = realloc(found->paths, cap * sizeof *grown);
                if (!grown) {
                    free(path);
                    ok = 0;
                    break;
                }
                found->paths = grown;
                found->cap = cap;
            }
            found->paths[found->count++] = path;
            continue;
        }
        free(path);
    }
    closedir(d);
    return ok;
}

char **wkt_find_files(const char *dir, const char *prefix, const char *suffix, size_t *n)
{
    files_found found = {NULL, 0, 0};
    if (!files_walk(dir, prefix ? prefix : "", suffix ? suffix : "", &found)) {
        wkt_free_names(found.paths, found.count);
        *n = 0;
        return NULL;
    }
    if (found.count) qsort(found.paths, found.count, sizeof *found.paths, files_name_cmp);
    *n = found.count;
    return found.paths;
}
