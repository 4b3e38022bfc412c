#!/usr/bin/env bash
# Whole-process JSON -> Protocol Buffers: `wirekit convert` with a schema
# against Google's python3-protobuf (json_format.Parse + SerializeToString),
# on a ~25 MB trace document (bench/peers/trace.proto), run in turns. Both
# outputs must be the same bytes.
#
#   bench/peers/json-to-protobuf.sh [WIREKIT] [RUNS] [MEGABYTES]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
wirekit=${1:-$here/../../build/cli/wirekit}
runs=${2:-5}
megabytes=${3:-25}
python=/usr/bin/python3

[[ -x $wirekit ]] || { echo "no wirekit binary at $wirekit (run 'make build')" >&2; exit 2; }
command -v protoc >/dev/null || { echo "protoc is not installed (protobuf-compiler)" >&2; exit 2; }
$python -c 'import google.protobuf' 2>/dev/null || { echo "python3-protobuf is not installed" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

$python "$here/make_trace.py" "$tmp/trace.json" "$megabytes"
cp "$here/trace.proto" "$tmp/"
(cd "$tmp" && protoc --python_out=. trace.proto)
cat > "$tmp/peer.py" <<'PY'
import sys
sys.path.insert(0, sys.argv[3])
from google.protobuf import json_format
import trace_pb2
with open(sys.argv[1], 'rb') as f:
    message = json_format.Parse(f.read(), trace_pb2.TracesData())
with open(sys.argv[2], 'wb') as f:
    f.write(message.SerializeToString())
PY

$python - "$runs" "$wirekit" "$tmp" <<'PY'
import os, statistics, subprocess, sys, time
runs, wirekit, tmp = int(sys.argv[1]), sys.argv[2], sys.argv[3]
a = [wirekit, 'convert', tmp + '/trace.json', '-s', tmp + '/trace.proto', '-m', 'bench.trace.TracesData',
     '--to', 'protobuf', '-o', tmp + '/out.wk.pb']
b = ['/usr/bin/python3', tmp + '/peer.py', tmp + '/trace.json', tmp + '/out.py.pb', tmp]
def once(cmd):
    t = time.monotonic()
    subprocess.run(cmd, check=True)
    return time.monotonic() - t
once(a); once(b)
ta, tb, ratio = [], [], []
for _ in range(runs):
    x = once(a); y = once(b)
    ta.append(x); tb.append(y); ratio.append(y / x)
size = os.path.getsize(tmp + '/trace.json')
print(f'input: {size / 1e6:.1f} MB of JSON; {runs} runs each, in turns')
print(f'wirekit convert           median {statistics.median(ta):.3f} s  (min {min(ta):.3f}, max {max(ta):.3f})')
print(f'python3-protobuf          median {statistics.median(tb):.3f} s  (min {min(tb):.3f}, max {max(tb):.3f})')
print(f'speed-up (python / wirekit, pair by pair): median {statistics.median(ratio):.2f}x '
      f'(min {min(ratio):.2f}x, max {max(ratio):.2f}x)')
PY

if cmp -s "$tmp/out.wk.pb" "$tmp/out.py.pb"; then
    echo "outputs: identical bytes"
else
    echo "outputs differ" >&2
    exit 1
fi
