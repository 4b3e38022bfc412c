/* formats/formats.h: the backend tables, for the registry. Not installed. */
#ifndef WIREKIT_FORMATS_H
#define WIREKIT_FORMATS_H

#include <wirekit/format.h>

extern const wk_format wk__format_json;
extern const wk_format wk__format_msgpack;
extern const wk_format wk__format_protobuf;
extern const wk_format wk__format_xml;

/*
 * Whether a format's NULL-terminated list of names (NULL allowed) holds
 * s[0..len), ignoring ASCII case. The registry and the media type parser
 * both match names this way.
 */
bool wk__format_list_has(const char *const *list, const char *s, size_t len);

#endif
