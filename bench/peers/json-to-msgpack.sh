#!/usr/bin/env bash
# Whole-process JSON -> MessagePack conversion: `wirekit convert` against what a
# user would script instead (Python's json + msgpack modules), on the same
# large JSON document, run in turns so that both see the same machine.
#
#   bench/peers/json-to-msgpack.sh [WIREKIT] [RUNS]
#
# The document is built from ../shared/corpus-ext/json (twitter statuses and
# citm_catalog events repeated to about 40 MB) into a temporary folder.
set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
wirekit=${1:-$here/build/cli/wirekit}
runs=${2:-7}
data=${WK_CORPUS_EXT:-$here/../shared/corpus-ext/json}
python=/usr/bin/python3

[[ -x $wirekit ]] || { echo "no wirekit binary at $wirekit (run 'make build')" >&2; exit 2; }
[[ -d $data ]] || { echo "no benchmark data at $data" >&2; exit 2; }
$python -c 'import msgpack' 2>/dev/null || { echo "python3-msgpack is not installed" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

$python - "$data" "$tmp/big.json" <<'PY'
import json, sys
src, dst = sys.argv[1], sys.argv[2]
statuses = json.load(open(src + '/twitter.json'))['statuses']
events = list(json.load(open(src + '/citm_catalog.json'))['events'].values())
doc = {'statuses': [], 'events': []}
size = 0
while size < 40_000_000:
    doc['statuses'].extend(statuses)
    doc['events'].extend(events)
    size += len(json.dumps(statuses, ensure_ascii=False, separators=(',', ':')).encode())
    size += len(json.dumps(events, separators=(',', ':')).encode())
with open(dst, 'w', encoding='utf-8') as f:
    json.dump(doc, f, ensure_ascii=False, separators=(',', ':'))
PY

cat > "$tmp/peer.py" <<'PY'
import json, msgpack, sys
with open(sys.argv[1], 'rb') as f:
    doc = json.load(f)
with open(sys.argv[2], 'wb') as f:
    f.write(msgpack.packb(doc))
PY

# One warm-up each, then RUNS timed pairs; wall-clock seconds via python's
# monotonic clock around each whole process.
$python - "$runs" "$wirekit" "$tmp" <<'PY'
import statistics, subprocess, sys, time
runs, wirekit, tmp = int(sys.argv[1]), sys.argv[2], sys.argv[3]
a = [wirekit, 'convert', tmp + '/big.json', '--to', 'msgpack', '-o', tmp + '/out.wk.msgpack']
b = ['/usr/bin/python3', tmp + '/peer.py', tmp + '/big.json', tmp + '/out.py.msgpack']
def once(cmd):
    t = time.monotonic()
    subprocess.run(cmd, check=True)
    return time.monotonic() - t
once(a); once(b)
ta, tb, ratio = [], [], []
for _ in range(runs):
    x = once(a); y = once(b)
    ta.append(x); tb.append(y); ratio.append(y / x)
size = __import__('os').path.getsize(tmp + '/big.json')
print(f'input: {size / 1e6:.1f} MB of JSON; {runs} runs each, in turns')
print(f'wirekit convert      median {statistics.median(ta):.3f} s  (min {min(ta):.3f}, max {max(ta):.3f})')
print(f'python json+msgpack  median {statistics.median(tb):.3f} s  (min {min(tb):.3f}, max {max(tb):.3f})')
print(f'speed-up (python / wirekit, pair by pair): median {statistics.median(ratio):.2f}x '
      f'(min {min(ratio):.2f}x, max {max(ratio):.2f}x)')
PY

# Both must have written the same value.
"$wirekit" convert "$tmp/out.py.msgpack" --to json -o "$tmp/py.json"
"$wirekit" convert "$tmp/out.wk.msgpack" --to json -o "$tmp/wk.json"
if cmp -s "$tmp/py.json" "$tmp/wk.json"; then
    echo "outputs: the same value"
else
    echo "outputs differ" >&2
    exit 1
fi
