/*
 * wirekit/wirekit.h: the whole public API in one include.
 *
 * wirekit puts JSON, XML, Protocol Buffers and MessagePack behind one
 * interface: every format decodes into one value tree (value.h) held by an
 * arena (arena.h), and encodes from it into a growable buffer (buf.h). The
 * formats themselves are listed and found in format.h; message schemas
 * (.proto files) are loaded through schema.h; errors are codes and statuses
 * from base.h.
 */
#ifndef WIREKIT_WIREKIT_H
#define WIREKIT_WIREKIT_H

#include <wirekit/base.h>
#include <wirekit/arena.h>
#include <wirekit/buf.h>
#include <wirekit/value.h>
#include <wirekit/format.h>
#include <wirekit/schema.h>
#include <wirekit/schema_diff.h>
#include <wirekit/protobuf.h>
#include <wirekit/versioning.h>

#endif
