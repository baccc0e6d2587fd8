#!/usr/bin/env bash
# keyops used without a build system: the compiler alone builds tests/consumer/consumer.cpp, and
# the program must run as expected.
#   run_compiler.sh pkgconfig CXX WORK_DIR PREFIX
#       g++ $(pkg-config --cflags --libs keyops), keyops.pc from the prefix consumer.install made
#   run_compiler.sh plain CXX WORK_DIR PAGE INCLUDE_DIR
#       g++ -std=c++17 -I INCLUDE_DIR with exactly the link flags of the plain g++ line of docs/guides/building-with-keyops.md
set -euo pipefail
mode=$1 cxx=$2 work=$3
src=$(cd "$(dirname "$0")" && pwd)/consumer.cpp
rm -rf "$work"
mkdir -p "$work"
case "$mode" in
pkgconfig)
    prefix=$4
    pc=$(find "$prefix" -name keyops.pc -path '*/pkgconfig/*' | head -1)
    [ -n "$pc" ] || { echo "no keyops.pc under $prefix" >&2; exit 1; }
    export PKG_CONFIG_PATH=$(dirname "$pc")
    flags=$(pkg-config --cflags --libs keyops)
    echo "pkg-config --cflags --libs keyops: $flags"
    # The include directory it names is the installed one, not the source tree's.
    case "$flags" in
    *"-I$prefix/"*) ;;
    *) echo "keyops.pc does not point into $prefix" >&2; exit 1 ;;
    esac
    # shellcheck disable=SC2086 # the flags are words
    "$cxx" -std=c++17 -O0 "$src" -o "$work/consumer" $flags
    ;;
plain)
    readme=$4 include=$5
    # The page's line: g++ -std=c++17 -I keyops/include my_agent.cpp LINK FLAGS...
    line=$(grep -E '^g\+\+ -std=c\+\+17 -I [^ ]+ my_agent\.cpp ' "$readme" | head -1)
    [ -n "$line" ] || { echo "the page has no plain g++ line" >&2; exit 1; }
    link=${line#* my_agent.cpp }
    echo "the page's link flags: $link"
    # shellcheck disable=SC2086
    "$cxx" -std=c++17 -O0 -I "$include" "$src" -o "$work/consumer" $link
    ;;
*)
    echo "run_compiler.sh: unknown mode $mode" >&2
    exit 2
    ;;
esac
out=$("$work/consumer")
echo "$out"
grep -qx 'GET /api/v1/cckm/oci/synchronization-jobs/abc completed 1' <<<"$out"
grep -q '^call failed as expected: ' <<<"$out"
