"""Builds the large inputs of the peer comparison, deterministically.

    make_input.py jsonl OUT.jsonl MB CORPUS [EXT]
        A JSON Lines file of at least MB megabytes (10^6 bytes): the records of
        the bundled corpus (CORPUS/**/*.json, arrays of records split into one
        record a line, other messages whole) and, when EXT (a folder with
        twitter.json and citm_catalog.json) is given, the twitter statuses and
        citm events, taken in turn and over again until the size is reached.
    make_input.py doc OUT.json MB EXT
        One JSON document of about MB megabytes: {"statuses": [...],
        "events": [...]}, twitter statuses and citm events repeated (the input
        of the first JSON -> MessagePack comparison, kept as it was).

Prints one line saying what was written. No randomness: the same corpus gives
the same bytes.
"""
import json
import os
import sys

# Messages that are batches: the path, from the top, to the array whose items
# become the records ('*' walks every item of an array).
SPLIT = {
    'chat/conversation.json': ('messages',),
    'chat/notifications.json': ('notifications',),
    'logs/app-logs.json': ('records',),
    'orders/events-batch.json': ('events',),
    'telemetry/device-small.json': ('readings',),
    'telemetry/fleet-batch.json': ('devices', '*', 'readings'),
}


def items(value, path):
    if not path:
        yield from value
        return
    head, rest = path[0], path[1:]
    if head == '*':
        for item in value:
            yield from items(item, rest)
    else:
        yield from items(value[head], rest)


def line(record):
    # Compact, UTF-8 as it is (no \u escapes), as a JSON Lines producer writes.
    return json.dumps(record, ensure_ascii=False, separators=(',', ':')).encode() + b'\n'


def corpus_records(corpus):
    """(source label, records) for every message of the bundled corpus, by path."""
    found = []
    for root, dirs, files in os.walk(corpus):
        dirs.sort()
        for name in sorted(files):
            if name.endswith('.json'):
                full = os.path.join(root, name)
                found.append(os.path.relpath(full, corpus).replace(os.sep, '/'))
    for rel in sorted(found):
        with open(os.path.join(corpus, rel), encoding='utf-8') as f:
            message = json.load(f)
        if rel in SPLIT:
            yield rel, list(items(message, SPLIT[rel]))
        else:
            yield rel, [message]


def ext_records(ext):
    with open(os.path.join(ext, 'twitter.json'), encoding='utf-8') as f:
        yield 'twitter.json statuses', json.load(f)['statuses']
    with open(os.path.join(ext, 'citm_catalog.json'), encoding='utf-8') as f:
        yield 'citm_catalog.json events', list(json.load(f)['events'].values())


def make_jsonl(out, mb, corpus, ext):
    sources = list(corpus_records(corpus))
    if ext:
        sources += list(ext_records(ext))
    lines = [line(r) for _, records in sources for r in records]
    target = int(mb * 1_000_000)
    size = count = 0
    with open(out, 'wb') as f:
        while size < target:
            for one in lines:
                f.write(one)
                size += len(one)
                count += 1
                if size >= target:
                    break
    origin = 'corpus/' + (' + twitter statuses + citm events' if ext else '')
    print(f'{out}: {size / 1e6:.1f} MB, {count} records of {len(lines)} distinct ({origin})')


def make_doc(out, mb, ext):
    with open(os.path.join(ext, 'twitter.json'), encoding='utf-8') as f:
        statuses = json.load(f)['statuses']
    with open(os.path.join(ext, 'citm_catalog.json'), encoding='utf-8') as f:
        events = list(json.load(f)['events'].values())
    doc = {'statuses': [], 'events': []}
    step = len(json.dumps(statuses, ensure_ascii=False, separators=(',', ':')).encode())
    step += len(json.dumps(events, separators=(',', ':')).encode())
    size = 0
    while size < mb * 1_000_000:
        doc['statuses'].extend(statuses)
        doc['events'].extend(events)
        size += step
    with open(out, 'w', encoding='utf-8') as f:
        json.dump(doc, f, ensure_ascii=False, separators=(',', ':'))
    print(f'{out}: {os.path.getsize(out) / 1e6:.1f} MB, one document '
          f'({len(doc["statuses"])} twitter statuses, {len(doc["events"])} citm events)')


def main(argv):
    if len(argv) >= 5 and argv[1] == 'jsonl':
        make_jsonl(argv[2], float(argv[3]), argv[4], argv[5] if len(argv) > 5 and argv[5] else None)
    elif len(argv) == 5 and argv[1] == 'doc':
        make_doc(argv[2], float(argv[3]), argv[4])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv)
