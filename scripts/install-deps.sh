#!/usr/bin/env bash
# Installs the Debian 12 packages that building and testing wirekit needs,
# and only those that are missing.
#
#   scripts/install-deps.sh           install what is missing (apt-get, as root or through sudo)
#   scripts/install-deps.sh --check   only list what is missing; exit 1 when something is
#
# On a machine that has everything it asks dpkg and nothing else, so it is
# fast and works offline. Otherwise it runs `apt-get update` once and installs
# the missing packages without their recommends. The Makefile runs it before
# every build, and CI (as root, no stdin) through `make test`.
set -euo pipefail

# What the library links (with its headers), what builds it, and what the
# tests use as oracles and peers. One package a line; keep it in step with
# the pkg-config modules in CMakeLists.txt and cmake/install.cmake.
packages=(
    build-essential     # gcc, make, libc6-dev (gcc + make + libc6-dev also count)
    cmake
    pkg-config
    libyajl-dev         # JSON
    libmsgpack-dev      # MessagePack (libmsgpackc)
    libprotobuf-c-dev   # Protocol Buffers
    libxml2-dev         # XML
    libcmocka-dev       # unit tests
    libmicrohttpd-dev   # examples/gateway, the HTTP service (WK_BUILD_GATEWAY)
    zlib1g-dev          # compressed sizes in the benchmark
    libzstd-dev
    protobuf-compiler   # tests and peers: protoc as the oracle
    libprotobuf-dev     #   and the well-known .proto files
    python3
    python3-protobuf
    python3-msgpack
    jq
    curl                #   requests to examples/gateway in its test
    time                #   GNU time: peak memory in bench/peers/
    valgrind
)

check_only=false
case "${1:-}" in
    "") ;;
    --check) check_only=true ;;
    -h|--help) sed -n '2,11s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "install-deps: unknown argument '$1' (try --help)" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "install-deps: no dpkg here, so this is not Debian; not checking packages." >&2
    echo "install-deps: make sure these (or your system's equivalents) are installed: ${packages[*]}" >&2
    exit 0
fi

# True when the package is installed (not merely known, half-installed or
# removed with its configuration kept). A multi-arch package prints one line
# per installed architecture.
is_installed() {
    dpkg-query -W -f='${db:Status-Status}\n' "$1" 2>/dev/null | grep -qx installed
}

missing=()
for pkg in "${packages[@]}"; do
    if is_installed "$pkg"; then
        continue
    fi
    if [[ $pkg == build-essential ]] && is_installed gcc && is_installed make && is_installed libc6-dev; then
        continue
    fi
    missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
    echo "install-deps: all ${#packages[@]} required Debian packages are present."
    exit 0
fi

echo "install-deps: missing: ${missing[*]}"
if $check_only; then
    exit 1
fi

# Root runs apt-get itself; anyone else goes through sudo, which resets the
# environment (hence `env`) and may ask for a password only where someone can
# type it: without a terminal, `sudo -n` fails at once instead of hanging.
if [[ $(id -u) -eq 0 ]]; then
    as_root=(env DEBIAN_FRONTEND=noninteractive)
elif command -v sudo >/dev/null 2>&1; then
    if [[ -t 0 ]]; then
        as_root=(sudo env DEBIAN_FRONTEND=noninteractive)
    else
        as_root=(sudo -n env DEBIAN_FRONTEND=noninteractive)
    fi
else
    echo "install-deps: error: installing packages needs root, and this is user $(id -un) without sudo." >&2
    echo "install-deps: as root, run: apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi

# Wait for another apt or dpkg run to let go of its lock rather than fail.
apt_opts=(-q -o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0)

echo "install-deps: apt-get update"
"${as_root[@]}" apt-get "${apt_opts[@]}" update
echo "install-deps: apt-get install ${missing[*]}"
"${as_root[@]}" apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}"

still_missing=()
for pkg in "${missing[@]}"; do
    is_installed "$pkg" || still_missing+=("$pkg")
done
if ((${#still_missing[@]})); then
    echo "install-deps: error: still not installed after apt-get: ${still_missing[*]}" >&2
    exit 1
fi
echo "install-deps: installed ${#missing[@]} package(s)."
