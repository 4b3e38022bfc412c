"""Times whole-process conversions, wirekit against a peer, and prints a Markdown table.

    compare.py --wirekit W --runs N --tmp DIR --jsonl FILE [--doc FILE]
               [--skip NAME=REASON ...] [--no-input NAME=REASON ...] [--only NAME,...]
               [--header-file FILE]

Conversions (NAME):
  jsonl-jsonl    JSON Lines -> compact JSON Lines    wirekit convert --from jsonl --to jsonl | jq -c .
  jsonl-msgpack  JSON Lines -> MessagePack stream    wirekit convert --from jsonl --to msgpack-stream
                                                     | python3 json.loads + msgpack.packb per line
  json-msgpack   one JSON document -> MessagePack    wirekit convert --to msgpack | python3 json.load + packb

For each: one warm-up run of each command, then N runs in turns (wirekit,
peer, wirekit, peer, ...). A run is one whole process, timed by the wall clock
from before its start to after its exit, with its CPU time (user + system,
from wait4) and its peak resident memory (GNU time's %M, where /usr/bin/time
is installed; else "—"). Each output is deleted before the next run (untimed),
so every run writes a new file. The ratio is the peer's wall time over
wirekit's, pair by pair (above 1: wirekit is faster). Then both outputs are
converted by wirekit to compact JSON (Lines) and compared byte for byte; when
they differ, the values are compared in Python and the kinds of difference are
listed under the table.

--skip NAME=REASON leaves out NAME's peer (wirekit is still timed) and says
why; --no-input NAME=REASON leaves out the conversion, for want of its input.
Progress goes to standard error, the table to standard output. Standard
library only; run with /usr/bin/python3.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = '/usr/bin/python3'


def conversions(wk, inputs):
    """name -> the conversion: label, input, the two commands, how to read each output back."""
    jsonl, doc = inputs.get('jsonl'), inputs.get('doc')
    peer_py = os.path.join(HERE, 'py_msgpack.py')
    return {
        'jsonl-jsonl': dict(
            label='JSON Lines → compact JSON Lines', input=jsonl, ext='jsonl',
            wirekit=lambda i, o: ([wk, 'convert', '--stream', '--from', 'jsonl', '--to', 'jsonl', i, '-o', o], None),
            peer_name='jq -c .',
            peer=lambda i, o: (['jq', '-c', '.', i], o),
            read_back=['--from', 'jsonl', '--to', 'jsonl'], lines=True),
        'jsonl-msgpack': dict(
            label='JSON Lines → MessagePack stream', input=jsonl, ext='msgpack-stream',
            wirekit=lambda i, o: ([wk, 'convert', '--stream', '--from', 'jsonl', '--to', 'msgpack-stream', i, '-o', o],
                                  None),
            peer_name='Python json + msgpack',
            peer=lambda i, o: ([PYTHON, peer_py, 'lines', i, o], None),
            read_back=['--from', 'msgpack-stream', '--to', 'jsonl'], lines=True),
        'json-msgpack': dict(
            label='JSON document → MessagePack', input=doc, ext='msgpack',
            wirekit=lambda i, o: ([wk, 'convert', '--from', 'json', '--to', 'msgpack', i, '-o', o], None),
            peer_name='Python json + msgpack',
            peer=lambda i, o: ([PYTHON, peer_py, 'doc', i, o], None),
            read_back=['--from', 'msgpack', '--to', 'json'], lines=False),
    }


GNU_TIME = '/usr/bin/time'


def run_once(cmd, stdout_path, rss_file):
    """(wall s, CPU s, peak RSS bytes or None) of one whole process; stops everything if it fails.

    CPU is user + system time from wait4(), the process and what it waited
    for. The peak RSS comes from GNU time (-f %M), when installed: the rusage
    of a child that Python starts counts the memory of Python itself (the
    child shares it until exec), so it is read one process further down.
    """
    for path in (stdout_path, rss_file):
        if path and os.path.exists(path):
            os.unlink(path)
    full = [GNU_TIME, '-f', '%M', '-o', rss_file] + cmd if rss_file else cmd
    out = open(stdout_path, 'wb') if stdout_path else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(full, stdin=subprocess.DEVNULL, stdout=out)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    finally:
        if stdout_path:
            out.close()
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f'peers: {" ".join(cmd)} failed (exit status {code})')
    cpu = usage.ru_utime + usage.ru_stime
    if not rss_file:
        return wall, cpu, None
    with open(rss_file) as f:
        return wall, cpu, int(f.read().split()[-1]) * 1024


def timed(conv, tmp, runs, with_peer):
    """Warm-up, then runs in turns; the output files of the last runs are left in tmp."""
    src = conv['input']
    out_wk = os.path.join(tmp, 'out.wirekit.' + conv['ext'])
    out_peer = os.path.join(tmp, 'out.peer.' + conv['ext'])
    cmds = [conv['wirekit'](src, out_wk)]
    if with_peer:
        cmds.append(conv['peer'](src, out_peer))
    rss_file = os.path.join(tmp, 'rss') if os.access(GNU_TIME, os.X_OK) else None
    for cmd, redirect in cmds:
        run_once(cmd, redirect, rss_file)
    # wall[i], cpu[i], rss[i]: the runs of cmds[i].
    wall, cpu, rss = ([[] for _ in cmds] for _ in range(3))
    for n in range(runs):
        for i, (cmd, redirect) in enumerate(cmds):
            w, c, r = run_once(cmd, redirect, rss_file)
            wall[i].append(w)
            cpu[i].append(c)
            rss[i].append(r)
        print(f'peers:   run {n + 1}/{runs}: ' + ', '.join(f'{w[-1]:.3f} s' for w in wall), file=sys.stderr)
    return wall, cpu, rss, out_wk, out_peer


def read_back(wk, conv, path, dst):
    subprocess.run([wk, 'convert'] + conv['read_back'] + [path, '-o', dst], check=True)


def same_file(a, b):
    if os.path.getsize(a) != os.path.getsize(b):
        return False
    with open(a, 'rb') as fa, open(b, 'rb') as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


def value_diffs(a, b, path='$'):
    """(path, a, b) for each place where two decoded JSON values differ, types included."""
    if type(a) is not type(b):
        yield path, a, b
    elif isinstance(a, dict):
        if list(a) != list(b):
            yield path, list(a), list(b)
        for k in a:
            if k in b:
                yield from value_diffs(a[k], b[k], f'{path}.{k}')
    elif isinstance(a, list):
        if len(a) != len(b):
            yield path, f'{len(a)} items', f'{len(b)} items'
        for i, (x, y) in enumerate(zip(a, b)):
            yield from value_diffs(x, y, f'{path}[{i}]')
    elif a != b:
        yield path, a, b


def kind_of(a, b):
    if type(a) is int and type(b) is int and float(a) == float(b):
        return 'integers beyond 2^53 rounded to the nearest double'
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) \
            and not isinstance(b, bool) and a == b:
        return 'the same number as an integer on one side, a float on the other'
    if isinstance(a, float) and isinstance(b, float):
        return 'floats of different value'
    if isinstance(a, list) and isinstance(b, list):
        return 'keys in a different order, or arrays of different length'
    return 'other differences'


def explain(norm_wk, norm_peer, peer_name, lines):
    """Lines under the table saying how the two outputs differ."""
    kinds = {}   # kind -> [count, first example]
    records = differing = 0

    def add(path, a, b):
        entry = kinds.setdefault(kind_of(a, b), [0, None])
        entry[0] += 1
        if entry[1] is None:
            entry[1] = f'at {path}: wirekit {json.dumps(a, ensure_ascii=False)[:80]}, ' \
                       f'{peer_name} {json.dumps(b, ensure_ascii=False)[:80]}'

    with open(norm_wk, 'rb') as fa, open(norm_peer, 'rb') as fb:
        if lines:
            ta, tb = fa.readlines(), fb.readlines()
            records = max(len(ta), len(tb))
            if len(ta) != len(tb):
                add('$', f'{len(ta)} records', f'{len(tb)} records')
            for n, (x, y) in enumerate(zip(ta, tb), 1):
                if x != y:
                    differing += 1
                    for path, a, b in value_diffs(json.loads(x), json.loads(y), f'record {n}'):
                        add(path, a, b)
        else:
            records = differing = 1
            for path, a, b in value_diffs(json.load(fa), json.load(fb)):
                add(path, a, b)
    out = [f'{differing} of {records} record(s) differ:' if lines else 'the documents differ:']
    for kind, (count, example) in sorted(kinds.items(), key=lambda kv: -kv[1][0]):
        out.append(f'{count} × {kind} (first {example})')
    return out


def fmt_ratio(r):
    return f'{statistics.median(r):.2f}× ({min(r):.2f}–{max(r):.2f})'


def mb(rss):
    return '—' if None in rss else f'{max(rss) / 1e6:.0f}'


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--wirekit', required=True)
    ap.add_argument('--runs', type=int, default=7)
    ap.add_argument('--tmp', required=True)
    ap.add_argument('--jsonl')
    ap.add_argument('--doc')
    ap.add_argument('--skip', action='append', default=[], metavar='NAME=REASON')
    ap.add_argument('--no-input', action='append', default=[], metavar='NAME=REASON')
    ap.add_argument('--only', default='')
    ap.add_argument('--header-file', help='lines to print above the table')
    args = ap.parse_args()
    if args.runs < 1:
        sys.exit('peers: RUNS must be at least 1')

    convs = conversions(args.wirekit, {'jsonl': args.jsonl, 'doc': args.doc})
    skips = dict(s.split('=', 1) for s in args.skip)
    absent = dict(s.split('=', 1) for s in args.no_input)
    only = [n for n in args.only.split(',') if n]
    for name in list(skips) + list(absent) + only:
        if name not in convs:
            sys.exit(f'peers: no conversion named {name} (there are {", ".join(convs)})')

    rows, notes = [], []
    for name, conv in convs.items():
        if only and name not in only:
            continue
        if name in absent or not conv['input']:
            notes.append(f'{conv["label"]}: not run: {absent.get(name, "no input")}')
            continue
        with_peer = name not in skips
        size = os.path.getsize(conv['input'])
        print(f'peers: {name}: wirekit' + (f' vs {conv["peer_name"]}' if with_peer else ' alone')
              + f', {size / 1e6:.1f} MB, {args.runs} runs in turns', file=sys.stderr)
        wall, cpu, rss, out_wk, out_peer = timed(conv, args.tmp, args.runs, with_peer)
        label = f'{conv["label"]} ({conv["peer_name"]})'
        cells = [label, f'{size / 1e6:.1f}', f'{statistics.median(wall[0]):.3f}']
        if not with_peer:
            cells += ['—', '—', f'{statistics.median(cpu[0]):.3f} / —', f'{mb(rss[0])} / —', '—']
            notes.append(f'{label}: peer not run: {skips[name]}')
            rows.append(cells)
            continue
        ratio = [p / w for w, p in zip(wall[0], wall[1])]
        norm_wk, norm_peer = out_wk + '.norm', out_peer + '.norm'
        read_back(args.wirekit, conv, out_wk, norm_wk)
        read_back(args.wirekit, conv, out_peer, norm_peer)
        same = same_file(norm_wk, norm_peer)
        if not same:
            notes.append(f'{label}: ' + '\n  - '.join(explain(norm_wk, norm_peer, conv['peer_name'], conv['lines'])))
        cells += [f'{statistics.median(wall[1]):.3f}', fmt_ratio(ratio),
                  f'{statistics.median(cpu[0]):.3f} / {statistics.median(cpu[1]):.3f}',
                  f'{mb(rss[0])} / {mb(rss[1])}', 'yes' if same else f'no (note {len(notes)})']
        rows.append(cells)
        for p in (norm_wk, norm_peer):
            os.unlink(p)

    if args.header_file:
        with open(args.header_file, encoding='utf-8') as f:
            sys.stdout.write(f.read())
        print()
    head = ['conversion (peer)', 'input MB', 'wirekit median s', 'peer median s',
            'peer / wirekit: median (min–max)', 'CPU s median: wirekit / peer',
            'peak RSS MB: wirekit / peer', 'same output']
    print('| ' + ' | '.join(head) + ' |')
    print('|' + '|'.join(['---'] + ['---:'] * 6 + ['---']) + '|')
    for cells in rows:
        print('| ' + ' | '.join(cells) + ' |')
    if notes:
        print()
        for n, note in enumerate(notes, 1):
            print(f'{n}. {note}')


if __name__ == '__main__':
    main()
