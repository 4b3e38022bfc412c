#!/usr/bin/env bash
# test_install: install a wirekit build into a temporary prefix and use it
# the three ways a user would: find_package(wirekit) with CMake, pkg-config
# with the shared library, and pkg-config --static with libwirekit.a. Each
# build of examples/hello must run and print its exact line; the installed
# CLI must answer --help.
#
#   test_install.sh BUILD_DIR SOURCE_DIR
#
# Registered in tests/CMakeLists.txt. Exit 0 pass, 1 fail. A sanitizer build
# (WK_SANITIZE=ON in BUILD_DIR's cache) installs instrumented libraries, so
# the examples are compiled and linked with the same -fsanitize flags.
set -euo pipefail

if (($# != 2)); then
    echo "usage: $0 BUILD_DIR SOURCE_DIR" >&2
    exit 2
fi
build_dir=$(cd "$1" && pwd)
source_dir=$(cd "$2" && pwd)
if [[ ! -f $build_dir/CMakeCache.txt || ! -f $source_dir/examples/hello/main.c ]]; then
    echo "test_install: $build_dir is not a CMake build folder, or $source_dir not wirekit's sources" >&2
    exit 2
fi

# Run from a build driven by make (make test), the outer make's jobserver
# and an inherited DESTDIR must not reach the builds and the install below.
unset MAKEFLAGS MFLAGS MAKELEVEL DESTDIR

work=$(mktemp -d "${TMPDIR:-/tmp}/wk-install-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

step() { printf '\n== test_install: %s\n' "$*"; }
fail() { printf 'test_install: FAIL: %s\n' "$*" >&2; exit 1; }

cache_value() {   # NAME -> its value in BUILD_DIR's CMakeCache.txt, or nothing
    sed -n "s/^$1:[A-Z]*=//p" "$build_dir/CMakeCache.txt" | head -n 1
}
cc=$(cache_value CMAKE_C_COMPILER)
cc=${cc:-cc}
version=$(cache_value CMAKE_PROJECT_VERSION)
sanitize_flags=()
case "$(cache_value WK_SANITIZE)" in
    ON|on|1|TRUE|true|YES|yes) sanitize_flags=(-fsanitize=address,undefined -fno-omit-frame-pointer) ;;
esac
echo "build: $build_dir (compiler $cc, version ${version:-?}${sanitize_flags:+, sanitizers on})"

prefix="$work/prefix"
step "cmake --install into $prefix"
cmake --install "$build_dir" --prefix "$prefix" >"$work/install.log" 2>&1 ||
    { cat "$work/install.log" >&2; fail "cmake --install failed"; }

# The layout. libdir is lib or lib/<multiarch>, whatever the build chose.
pc_file=$(find "$prefix" -name wirekit.pc -path '*/pkgconfig/*' | head -n 1)
[[ -n $pc_file ]] || fail "no wirekit.pc installed"
libdir=$(dirname "$(dirname "$pc_file")")
expect_files=(
    "$prefix/bin/wirekit"
    "$libdir/libwirekit.so"
    "$libdir/libwirekit.a"
    "$libdir/cmake/wirekit/wirekitConfig.cmake"
    "$libdir/cmake/wirekit/wirekitConfigVersion.cmake"
    "$libdir/cmake/wirekit/wirekitTargets.cmake"
)
[[ -n $version ]] && expect_files+=("$libdir/libwirekit.so.$version" "$libdir/libwirekit.so.${version%%.*}")
for header in "$source_dir"/include/wirekit/*.h; do
    expect_files+=("$prefix/include/wirekit/$(basename "$header")")
done
for f in "${expect_files[@]}"; do
    [[ -e $f ]] || fail "not installed: ${f#"$prefix"/}"
done
extra_headers=$(find "$prefix/include" -type f ! -path "$prefix/include/wirekit/*")
[[ -z $extra_headers ]] || fail "headers installed outside include/wirekit: $extra_headers"
echo "layout ok: ${#expect_files[@]} files, libdir ${libdir#"$prefix"/}"

# The example's expected line for one input with a known MessagePack size:
# fixmap(5); "id" 7; "name" "wirekit"; "tags" ["a","b"]; "ok" true; "none" nil
# = 1 + (3+1) + (5+8) + (5+1+2+2) + (3+1) + (5+1) = 38 bytes in the smallest
# encodings, which MessagePack writers use.
sample_json='{"id":7,"name":"wirekit","tags":["a","b"],"ok":true,"none":null}'
sample_line="round trip ok: ${#sample_json} bytes of JSON -> 38 bytes of MessagePack"
default_line_re='^round trip ok: [0-9]+ bytes of JSON -> [0-9]+ bytes of MessagePack$'

# run_hello NAME BINARY [env assignments...]: the example with no argument,
# with the sample, and with broken JSON (which must fail, not say "ok").
run_hello() {
    local name=$1 binary=$2
    shift 2
    local out
    out=$(env "$@" "$binary") || fail "$name: exited $? on its built-in sample"
    [[ $out =~ $default_line_re ]] || fail "$name: built-in sample printed '$out'"
    out=$(env "$@" "$binary" "$sample_json") || fail "$name: exited $? on $sample_json"
    [[ $out == "$sample_line" ]] || fail "$name: printed '$out', expected '$sample_line'"
    local rc=0
    out=$(env "$@" "$binary" '{"id": [1, 2' 2>"$work/err") || rc=$?
    [[ $rc == 1 ]] || fail "$name: broken JSON exited $rc (expected 1), printed '$out'"
    [[ -s $work/err ]] || fail "$name: broken JSON gave no message on stderr"
    echo "$name ok: $sample_line"
}

# 1. The installed CLI runs from its own RPATH, without LD_LIBRARY_PATH.
step "installed bin/wirekit --help"
runpath=$(readelf -d "$prefix/bin/wirekit" | sed -n 's/.*(\(RUNPATH\|RPATH\)).*\[\(.*\)\]/\2/p')
[[ $runpath == *'$ORIGIN'* ]] || fail "bin/wirekit has no \$ORIGIN run path (has '$runpath')"
env -u LD_LIBRARY_PATH "$prefix/bin/wirekit" --help >"$work/help.out" 2>&1 ||
    { cat "$work/help.out" >&2; fail "bin/wirekit --help exited non-zero"; }
resolved=$(env -u LD_LIBRARY_PATH ldd "$prefix/bin/wirekit" | sed -n 's/^[[:space:]]*libwirekit\.so[^ ]* => \([^ ]*\).*/\1/p')
resolved=$(readlink -f "$resolved")
[[ $resolved == "$(readlink -f "$libdir")"/* ]] || fail "bin/wirekit loads libwirekit from '$resolved', not from $libdir"
echo "bin/wirekit ok (run path $runpath)"

# 2. CMake: find_package(wirekit), shared and static targets.
cmake_flags=()
if ((${#sanitize_flags[@]})); then
    cmake_flags=("-DCMAKE_C_FLAGS=${sanitize_flags[*]}" "-DCMAKE_EXE_LINKER_FLAGS=${sanitize_flags[*]}")
fi
for variant in shared static; do
    step "CMake find_package, $variant"
    hello_build="$work/hello-cmake-$variant"
    static_flag=OFF
    [[ $variant == static ]] && static_flag=ON
    cmake -S "$source_dir/examples/hello" -B "$hello_build" \
        -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
        -DHELLO_STATIC=$static_flag "${cmake_flags[@]}" >"$work/cmake.log" 2>&1 ||
        { cat "$work/cmake.log" >&2; fail "configuring examples/hello ($variant) failed"; }
    found=$(sed -n 's/^wirekit_DIR:[A-Z]*=//p' "$hello_build/CMakeCache.txt")
    [[ $found == "$libdir/cmake/wirekit" ]] || fail "find_package found wirekit in '$found', not in the test prefix"
    cmake --build "$hello_build" >"$work/build.log" 2>&1 ||
        { cat "$work/build.log" >&2; fail "building examples/hello ($variant) with CMake failed"; }
    needed=$(readelf -d "$hello_build/hello" | grep NEEDED || true)
    if [[ $variant == static ]]; then
        [[ $needed != *libwirekit* ]] || fail "the static CMake build still needs libwirekit.so"
    else
        [[ $needed == *libwirekit.so* ]] || fail "the shared CMake build does not need libwirekit.so"
    fi
    # CMake puts the imported library's folder in the build RPATH.
    run_hello "cmake-$variant" "$hello_build/hello" -u LD_LIBRARY_PATH
done

# 3. pkg-config, with the example's own Makefile in a copy of it.
export PKG_CONFIG_PATH="$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
step "pkg-config"
pc() { local words; read -r -a words <<<"$(pkg-config "$@")"; echo "${words[*]}"; }   # one space between words
[[ $(pkg-config --variable=prefix wirekit) == "$prefix" ]] ||
    fail "pkg-config prefix is '$(pkg-config --variable=prefix wirekit)', not $prefix"
[[ -z $version || $(pkg-config --modversion wirekit) == "$version" ]] ||
    fail "pkg-config version $(pkg-config --modversion wirekit), expected $version"
pc_libs=$(pc --libs wirekit)
[[ $pc_libs == "-L$libdir -lwirekit" ]] || fail "pkg-config --libs wirekit gave '$pc_libs'"
pc_cflags=$(pc --cflags wirekit)
[[ " $pc_cflags " == *" -I$prefix/include "* ]] || fail "pkg-config --cflags wirekit gave '$pc_cflags'"
pc_static=" $(pc --static --libs wirekit) "
for lib in -lwirekit -lyajl -lmsgpackc -lm; do
    [[ $pc_static == *" $lib "* ]] || fail "pkg-config --static --libs wirekit lacks $lib: '$pc_static'"
done
echo "--cflags: $pc_cflags"
echo "--libs: $pc_libs"
echo "--static --libs:$pc_static"

cp -R "$source_dir/examples/hello" "$work/hello-pc"
make_vars=(CC="$cc" CFLAGS="-O2 -Wall -Wextra -Werror ${sanitize_flags[*]}" LDFLAGS="${sanitize_flags[*]}")
for variant in shared static; do
    step "pkg-config, $variant"
    target=hello
    [[ $variant == static ]] && target=hello-static
    make -C "$work/hello-pc" "${make_vars[@]}" "$target" >"$work/make.log" 2>&1 ||
        { cat "$work/make.log" >&2; fail "building examples/hello ($variant) with pkg-config failed"; }
    cat "$work/make.log"
    needed=$(readelf -d "$work/hello-pc/$target" | grep NEEDED || true)
    if [[ $variant == static ]]; then
        [[ $needed != *libwirekit* ]] || fail "hello-static still needs libwirekit.so"
        run_hello "pkg-config-static" "$work/hello-pc/$target" -u LD_LIBRARY_PATH
    else
        [[ $needed == *libwirekit.so* ]] || fail "hello does not need libwirekit.so"
        run_hello "pkg-config-shared" "$work/hello-pc/$target" LD_LIBRARY_PATH="$libdir"
    fi
done

printf '\ntest_install: all checks passed\n'
