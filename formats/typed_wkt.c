/*
 * The well-known types (the files of google/protobuf/) whose JSON forms are not
 * their fields: recognising them, and the text forms of Timestamp
 * (RFC 3339), Duration ("1.5s") and FieldMask paths (lowerCamelCase).
 */
#include "typed.h"

#include <stdio.h>

wk__wkt wk__wkt_of(const wk_message_def *m)
{
    if (!m || !m->full_name || strncmp(m->full_name, "google.protobuf.", 16) != 0)
        return WK__WKT_NONE;
    const char *n = m->full_name + 16;
    static const struct { const char *name; wk__wkt kind; } names[] = {
        {"Timestamp", WK__WKT_TIMESTAMP}, {"Duration", WK__WKT_DURATION},
        {"DoubleValue", WK__WKT_WRAPPER}, {"FloatValue", WK__WKT_WRAPPER},
        {"Int64Value", WK__WKT_WRAPPER},  {"UInt64Value", WK__WKT_WRAPPER},
        {"Int32Value", WK__WKT_WRAPPER},  {"UInt32Value", WK__WKT_WRAPPER},
        {"BoolValue", WK__WKT_WRAPPER},   {"StringValue", WK__WKT_WRAPPER},
        {"BytesValue", WK__WKT_WRAPPER},  {"Struct", WK__WKT_STRUCT},
        {"Value", WK__WKT_VALUE},         {"ListValue", WK__WKT_LIST_VALUE},
        {"FieldMask", WK__WKT_FIELD_MASK}, {"Empty", WK__WKT_EMPTY},
        {"Any", WK__WKT_ANY},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(n, names[i].name) == 0) return names[i].kind;
    return WK__WKT_NONE;
}

bool wk__wkt_is_null_value(const wk_enum_def *e)
{
    return e && e->full_name && strcmp(e->full_name, "google.protobuf.NullValue") == 0;
}

/* ---- calendar ---- */

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t wkt_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void wkt_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    unsigned doe = (unsigned)(days - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static unsigned wkt_days_in_month(int64_t y, unsigned m)
{
    static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the range RFC 3339 can write. */
#define WKT_TIMESTAMP_MIN INT64_C(-62135596800)
#define WKT_TIMESTAMP_MAX INT64_C(253402300799)
/* 10000 years, the range of google.protobuf.Duration. */
#define WKT_DURATION_MAX INT64_C(315576000000)

/* Exactly n decimal digits at s; false when one is not a digit. */
static bool wkt_digits(const char *s, size_t n, unsigned *out)
{
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return true;
}

/* ".d{1,9}" at s[*i]: the nanoseconds it stands for (none: 0). */
static bool wkt_fraction(const char *s, size_t len, size_t *i, int32_t *nanos)
{
    *nanos = 0;
    if (*i >= len || s[*i] != '.') return true;
    (*i)++;
    size_t start = *i;
    int32_t v = 0;
    while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
        if (*i - start == 9) return false;
        v = v * 10 + (s[*i] - '0');
        (*i)++;
    }
    size_t n = *i - start;
    if (n == 0) return false;
    for (size_t k = n; k < 9; k++) v *= 10;
    *nanos = v;
    return true;
}

bool wk__timestamp_parse(const char *s, size_t len, int64_t *seconds, int32_t *nanos,
                         const char **why)
{
    unsigned y, mo, d, h, mi, sec;
    *why = "expected an RFC 3339 timestamp such as \"1972-01-01T10:00:20.021Z\"";
    if (len < 20 || !wkt_digits(s, 4, &y) || s[4] != '-' || !wkt_digits(s + 5, 2, &mo) ||
        s[7] != '-' || !wkt_digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
        !wkt_digits(s + 11, 2, &h) || s[13] != ':' || !wkt_digits(s + 14, 2, &mi) ||
        s[16] != ':' || !wkt_digits(s + 17, 2, &sec))
        return false;
    size_t i = 19;
    if (!wkt_fraction(s, len, &i, nanos)) return false;
    int64_t offset = 0;
    if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    } else if (i + 6 <= len && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
        unsigned oh, om;
        if (!wkt_digits(s + i + 1, 2, &oh) || !wkt_digits(s + i + 4, 2, &om)) return false;
        if (oh > 23 || om > 59) {
            *why = "the timestamp's UTC offset is out of range";
            return false;
        }
        offset = (int64_t)(oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
        i += 6;
    } else {
        return false;
    }
    if (i != len) return false;
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > wkt_days_in_month(y, mo) || h > 23 || mi > 59 ||
        sec > 59) {
        *why = "the timestamp names a date or time that does not exist";
        return false;
    }
    int64_t t = wkt_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
    if (t < WKT_TIMESTAMP_MIN || t > WKT_TIMESTAMP_MAX) {
        *why = "the timestamp is outside 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z";
        return false;
    }
    *seconds = t;
    return true;
}

/* ".021", ".000340", ".000000001": 3, 6 or 9 digits, none for 0. */
static size_t wkt_write_fraction(int64_t nanos, char *out)
{
    if (nanos == 0) return 0;
    if (nanos % 1000000 == 0) return (size_t)sprintf(out, ".%03d", (int)(nanos / 1000000));
    if (nanos % 1000 == 0) return (size_t)sprintf(out, ".%06d", (int)(nanos / 1000));
    return (size_t)sprintf(out, ".%09d", (int)nanos);
}

size_t wk__timestamp_format_seconds(int64_t seconds, char *out)
{
    int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
    int64_t rem = seconds - days * 86400;
    int64_t y;
    unsigned mo, d;
    wkt_civil_from_days(days, &y, &mo, &d);
    return (size_t)sprintf(out, "%04d-%02u-%02uT%02d:%02d:%02d", (int)y, mo, d, (int)(rem / 3600),
                           (int)(rem / 60 % 60), (int)(rem % 60));
}

bool wk__timestamp_format(int64_t seconds, int64_t nanos, char *out, size_t *len, const char **why)
{
    if (nanos < 0 || nanos > 999999999) {
        *why = "Timestamp nanos must be 0 to 999999999";
        return false;
    }
    if (seconds < WKT_TIMESTAMP_MIN || seconds > WKT_TIMESTAMP_MAX) {
        *why = "Timestamp is outside 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z";
        return false;
    }
    size_t n = wk__timestamp_format_seconds(seconds, out);
    n += wkt_write_fraction(nanos, out + n);
    out[n++] = 'Z';
    out[n] = '\0';
    *len = n;
    return true;
}

bool wk__duration_parse(const char *s, size_t len, int64_t *seconds, int32_t *nanos,
                        const char **why)
{
    *why = "expected a duration such as \"1.5s\" or \"-0.000340012s\"";
    size_t i = 0;
    bool neg = i < len && s[i] == '-';
    i += neg;
    size_t start = i;
    int64_t sec = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        if (sec > WKT_DURATION_MAX) break;
        sec = sec * 10 + (s[i] - '0');
        i++;
    }
    if (i == start) return false;
    if (!wkt_fraction(s, len, &i, nanos)) return false;
    if (i + 1 != len || s[i] != 's') return false;
    if (sec > WKT_DURATION_MAX) {
        *why = "the duration is outside -315576000000s to 315576000000s";
        return false;
    }
    *seconds = neg ? -sec : sec;
    if (neg) *nanos = -*nanos;
    return true;
}

bool wk__duration_format(int64_t seconds, int64_t nanos, char *out, size_t *len, const char **why)
{
    if (seconds < -WKT_DURATION_MAX || seconds > WKT_DURATION_MAX || nanos < -999999999 ||
        nanos > 999999999 || (seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0)) {
        *why = "Duration is out of range, or its seconds and nanos differ in sign";
        return false;
    }
    bool neg = seconds < 0 || nanos < 0;
    uint64_t s = seconds < 0 ? (uint64_t)-seconds : (uint64_t)seconds;
    int64_t ns = nanos < 0 ? -nanos : nanos;
    size_t n = (size_t)sprintf(out, "%s%llu", neg ? "-" : "", (unsigned long long)s);
    n += wkt_write_fraction(ns, out + n);
    out[n++] = 's';
    out[n] = '\0';
    *len = n;
    return true;
}

bool wk__field_path_to_camel(const char *s, size_t len, char *out, size_t cap, size_t *out_len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') return false;
        if (c == '_') {
            if (i + 1 >= len || s[i + 1] < 'a' || s[i + 1] > 'z') return false;
            c = (char)(s[++i] - 'a' + 'A');
        }
        if (n >= cap) return false;
        out[n++] = c;
    }
    *out_len = n;
    return true;
}

bool wk__field_path_to_snake(const char *s, size_t len, char *out, size_t cap, size_t *out_len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '_') return false;
        if (c >= 'A' && c <= 'Z') {
            if (n >= cap) return false;
            out[n++] = '_';
            c = (char)(c - 'A' + 'a');
        }
        if (n >= cap) return false;
        out[n++] = c;
    }
    *out_len = n;
    return true;
}


/* A message named `name` (full name, len bytes) in `m` or the messages nested in it. */
static const wk_message_def *wkt_find_nested(const wk_message_def *m, const char *name, size_t len)
{
    const char *full = m->full_name;
    size_t same = 0;
    while (full && same < len && full[same] != '\0' && full[same] == name[same]) same++;
    if (full && same == len && full[len] == '\0') return m;
    for (size_t i = 0; i < m->message_count; i++) {
        const wk_message_def *found = wkt_find_nested(m->messages[i], name, len);
        if (found) return found;
    }
    return NULL;
}

static const wk_message_def *wkt_find_in_file(const wk_file_def *f, const char *name, size_t len,
                                              unsigned depth)
{
    if (!f || depth > 64) return NULL;
    for (size_t i = 0; i < f->message_count; i++) {
        const wk_message_def *found = wkt_find_nested(f->messages[i], name, len);
        if (found) return found;
    }
    for (size_t i = 0; i < f->import_count; i++) {
        const wk_message_def *found = wkt_find_in_file(f->imports[i].file, name, len, depth + 1);
        if (found) return found;
    }
    return NULL;
}

const wk_message_def *wk__typed_resolve_url(const wk_message_def *root, const char *url, size_t len)
{
    size_t start = len;
    while (start > 0 && url[start - 1] != '/') start--;
    if (start == 0 || start == len || !root) return NULL;
    return wkt_find_in_file(root->file, url + start, len - start, 0);
}
