/* formats/formats.h: the backend tables, for the registry. Not installed. */
#ifndef WIREKIT_FORMATS_H
#define WIREKIT_FORMATS_H

#include <wirekit/format.h>

extern const wk_format wk__format_json;
extern const wk_format wk__format_msgpack;
extern const wk_format wk__format_protobuf;
extern const wk_format wk__format_xml;

#endif
