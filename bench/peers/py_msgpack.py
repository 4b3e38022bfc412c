"""The Python peer: JSON -> MessagePack with the standard json module and msgpack.

    py_msgpack.py lines IN.jsonl OUT.msgpack-stream   each line: json.loads, msgpack.packb, write
    py_msgpack.py doc IN.json OUT.msgpack             the whole document: json.load, msgpack.packb

What a user would script; nothing tuned beyond reading and writing in binary
mode with Python's default buffering.
"""
import json
import sys

import msgpack


def lines(src, dst):
    with open(src, 'rb') as f, open(dst, 'wb') as out:
        for line in f:
            if line.strip():
                out.write(msgpack.packb(json.loads(line)))


def doc(src, dst):
    with open(src, 'rb') as f:
        value = json.load(f)
    with open(dst, 'wb') as out:
        out.write(msgpack.packb(value))


if __name__ == '__main__':
    if len(sys.argv) != 4 or sys.argv[1] not in ('lines', 'doc'):
        sys.exit(__doc__)
    (lines if sys.argv[1] == 'lines' else doc)(sys.argv[2], sys.argv[3])
