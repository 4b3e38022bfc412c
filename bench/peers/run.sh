#!/usr/bin/env bash
# Whole-process conversion throughput: `wirekit convert` against what a user
# would use instead, on the same large input, run in turns so that both see
# the same machine. Prints a Markdown table (progress goes to stderr).
#
#   bench/peers/run.sh [WIREKIT] [RUNS]
#
#   WIREKIT  the wirekit binary (default: build/cli/wirekit; use a Release build)
#   RUNS     timed runs of each command, after one warm-up each (default: 7)
#
# Conversions, each checked for the same output (both read back by wirekit as
# compact JSON Lines and compared byte for byte):
#   jsonl-jsonl    JSON Lines -> compact JSON Lines   peer: jq -c .               (Debian: jq)
#   jsonl-msgpack  JSON Lines -> MessagePack stream   peer: python3 json + msgpack (Debian: python3-msgpack)
#   json-msgpack   one ~40 MB JSON document -> MessagePack, same peer; needs the
#                  twitter/citm files of ../shared/corpus-ext/json
#
# The JSON Lines input (~50 MB) is built deterministically from the records of
# corpus/ (bench/peers/make_input.py), plus the twitter statuses and citm
# events when ../shared/corpus-ext/json is there. A peer that is not installed
# is skipped with a note; wirekit is still timed. Peak memory comes from GNU
# time (Debian: time) when installed.
#
# Environment:
#   WK_CORPUS_EXT  the folder of twitter.json and citm_catalog.json
#                  (default: ../shared/corpus-ext/json beside the checkout)
#   WK_PEERS_EXT   0: build the JSON Lines input from corpus/ alone
#   WK_PEERS_MB    the size of the JSON Lines input in MB (default: 50)
#   WK_PEERS_ONLY  a comma-separated list of the conversions to run
set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
peers=$here/bench/peers
wirekit=${1:-$here/build/cli/wirekit}
runs=${2:-7}
ext=${WK_CORPUS_EXT:-$here/../shared/corpus-ext/json}
mb=${WK_PEERS_MB:-50}
python=/usr/bin/python3

[[ -x $wirekit ]] || { echo "peers: no wirekit binary at $wirekit (run 'make build')" >&2; exit 2; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "peers: RUNS must be a positive number, not '$runs'" >&2; exit 2; }
[[ -x $python ]] || { echo "peers: $python is needed to build the input and time the runs" >&2; exit 2; }
wirekit=$(cd "$(dirname "$wirekit")" && pwd)/$(basename "$wirekit")

args=()
if ! command -v jq >/dev/null 2>&1; then
    echo "peers: jq is not installed (Debian package jq): JSON Lines -> JSON Lines times wirekit alone" >&2
    args+=(--skip "jsonl-jsonl=jq is not installed (Debian package jq)")
fi
if ! $python -c 'import msgpack' 2>/dev/null; then
    echo "peers: python3-msgpack is not installed: the MessagePack conversions time wirekit alone" >&2
    args+=(--skip "jsonl-msgpack=python3-msgpack is not installed (Debian package python3-msgpack)")
    args+=(--skip "json-msgpack=python3-msgpack is not installed (Debian package python3-msgpack)")
fi
have_ext=false
[[ -f $ext/twitter.json && -f $ext/citm_catalog.json ]] && have_ext=true
if ! $have_ext; then
    echo "peers: no twitter.json and citm_catalog.json in $ext: JSON Lines from corpus/ alone, no single document" >&2
    args+=(--no-input "json-msgpack=no twitter.json and citm_catalog.json in ${WK_CORPUS_EXT:-../shared/corpus-ext/json}")
fi
[[ -x /usr/bin/time ]] ||
    echo "peers: GNU time is not installed (Debian package time): no peak memory figures" >&2
[[ -n ${WK_PEERS_ONLY:-} ]] && args+=(--only "$WK_PEERS_ONLY")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The inputs.
jsonl_ext=
[[ $have_ext == true && ${WK_PEERS_EXT:-1} != 0 ]] && jsonl_ext=$ext
$python "$peers/make_input.py" jsonl "$tmp/input.jsonl" "$mb" "$here/corpus" "$jsonl_ext" >"$tmp/made"
args+=(--jsonl "$tmp/input.jsonl")
if $have_ext; then
    $python "$peers/make_input.py" doc "$tmp/input.json" 40 "$ext" >>"$tmp/made"
    args+=(--doc "$tmp/input.json")
fi

# What ran, and where: the machine and build lines of `wirekit bench`, the peers' versions.
{
    echo '```'
    "$wirekit" bench --formats json,msgpack --min-time 0.01 "$here/corpus/chat/message.json" 2>/dev/null |
        grep -E '^(machine|build|libs):' || echo "machine: $(uname -m), $(nproc) cores (wirekit bench said nothing)"
    if command -v jq >/dev/null 2>&1; then echo "jq:      $(jq --version)"; fi
    $python - <<'PY'
import sys
try:
    import msgpack
    impl = 'C extension' if msgpack.Packer.__module__ != 'msgpack.fallback' else 'pure Python'
    extra = f', msgpack {".".join(map(str, msgpack.version))} ({impl})'
except ImportError:
    extra = ', no msgpack module'
print(f'python:  {sys.version.split()[0]}{extra}')
PY
    sed 's|^[^:]*/input\.|input.|' "$tmp/made"
    echo "load:    $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) (1, 5, 15 min averages, before the runs)"
    echo "runs:    $runs timed per command after one warm-up, in turns (wirekit, peer, ...); whole processes"
    echo '```'
} >"$tmp/header"

$python "$peers/compare.py" --wirekit "$wirekit" --runs "$runs" --tmp "$tmp" --header-file "$tmp/header" "${args[@]}"
