/*
 * cli/manifest.c: the corpus.txt of a folder of sample messages (see manifest.h).
 */
#include "manifest.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The longest line a manifest may have: generous, and a bound on bad input. */
#define MANIFEST_MAX_LINE 4096

static bool manifest_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Splits line[0..len) into at most `max` words separated by blanks; returns how many, max + 1 for more. */
static size_t manifest_words(const char *line, size_t len, const char **words, size_t *lens, size_t max)
{
    size_t n = 0, i = 0;
    while (i < len) {
        while (i < len && manifest_space(line[i])) i++;
        if (i == len) break;
        size_t start = i;
        while (i < len && !manifest_space(line[i])) i++;
        if (n == max) return max + 1;
        words[n] = line + start;
        lens[n] = i - start;
        n++;
    }
    return n;
}

static char *manifest_dup(const char *s, size_t len)
{
    char *p = malloc(len + 1);
    if (!p) return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

static bool manifest_fail(cli_manifest *m, char *why, size_t cap, const char *reason)
{
    snprintf(why, cap, "%s", reason);
    cli_manifest_free(m);
    return false;
}

bool cli_manifest_parse(const char *text, size_t len, cli_manifest *m, unsigned *line, char *why, size_t cap)
{
    memset(m, 0, sizeof *m);
    *line = 0;
    size_t pos = 0;
    while (pos < len) {
        ++*line;
        const char *end = memchr(text + pos, '\n', len - pos);
        size_t n = end ? (size_t)(end - (text + pos)) : len - pos;
        const char *l = text + pos;
        pos += n + (end != NULL);
        if (n && l[n - 1] == '\r') n--;
        if (n > MANIFEST_MAX_LINE) return manifest_fail(m, why, cap, "line too long");
        if (memchr(l, '\0', n)) return manifest_fail(m, why, cap, "a NUL byte in the line");
        const char *w[4];
        size_t wl[4];
        size_t count = manifest_words(l, n, w, wl, 3);
        if (count == 0 || w[0][0] == '#') continue;
        if (wl[0] == 6 && memcmp(w[0], "schema", 6) == 0) {
            if (count != 2) return manifest_fail(m, why, cap, "'schema' takes one file name");
            if (m->schema) return manifest_fail(m, why, cap, "'schema' given twice");
            if (!(m->schema = manifest_dup(w[1], wl[1]))) return manifest_fail(m, why, cap, "out of memory");
        } else if (wl[0] == 7 && memcmp(w[0], "include", 7) == 0) {
            if (count != 2) return manifest_fail(m, why, cap, "'include' takes one folder");
            if (m->include_count == CLI_MANIFEST_MAX_INCLUDES)
                return manifest_fail(m, why, cap, "too many 'include' lines");
            if (!(m->includes[m->include_count] = manifest_dup(w[1], wl[1])))
                return manifest_fail(m, why, cap, "out of memory");
            m->include_count++;
        } else if (wl[0] == 4 && memcmp(w[0], "type", 4) == 0) {
            if (count != 3) return manifest_fail(m, why, cap, "'type' takes a file pattern and a message type");
            cli_manifest_type *t = realloc(m->types, (m->type_count + 1) * sizeof *t);
            if (!t) return manifest_fail(m, why, cap, "out of memory");
            m->types = t;
            t[m->type_count].pattern = manifest_dup(w[1], wl[1]);
            t[m->type_count].type = manifest_dup(w[2], wl[2]);
            m->type_count++;
            if (!t[m->type_count - 1].pattern || !t[m->type_count - 1].type)
                return manifest_fail(m, why, cap, "out of memory");
        } else {
            snprintf(why, cap, "unknown directive '%.*s' (schema, include or type)", (int)(wl[0] > 40 ? 40 : wl[0]),
                     w[0]);
            cli_manifest_free(m);
            return false;
        }
    }
    if (m->type_count && !m->schema) {
        *line = 0;
        return manifest_fail(m, why, cap, "'type' lines need a 'schema' line");
    }
    return true;
}

const char *cli_manifest_type_of(const cli_manifest *m, const char *base)
{
    for (size_t i = 0; i < m->type_count; i++)
        if (fnmatch(m->types[i].pattern, base, FNM_PERIOD) == 0) return m->types[i].type;
    return NULL;
}

void cli_manifest_free(cli_manifest *m)
{
    free(m->schema);
    for (size_t i = 0; i < m->include_count; i++) free(m->includes[i]);
    for (size_t i = 0; i < m->type_count; i++) {
        free(m->types[i].pattern);
        free(m->types[i].type);
    }
    free(m->types);
    memset(m, 0, sizeof *m);
}
