#!/usr/bin/env bash
# scripts/bench build: what keyops costs to build and how big it makes a program, against raw Beast.
#   bench/build/run.sh OUT_DIR
#
# 1. Compiles keyops_get.cpp (header-only keyops), keyops_get_compiled.cpp (keyops::any_client
#    with KEYOPS_SEPARATE_COMPILATION) and beast_get.cpp (one HTTPS GET of one CCKM job each)
#    alternately, KEYOPS_BENCH_COMPILES times each (3), under /usr/bin/time: wall seconds and
#    peak resident memory of each compile; the minimum of each counts. keyops' compiled part
#    (src/compiled.cpp), which a program with separate compilation compiles once, is compiled
#    once and shown on its own line.
# 2. Links both fully statically, as the README's plain build does (Boost.JSON and Boost.URL from
#    Debian's libraries, OpenSSL, zlib where used), with --gc-sections, and strips them.
# 3. Builds the keyops tool with CMake (Release, KEYOPS_STATIC_TOOLS=ON, which compiles with
#    function and data sections and links with --gc-sections) in OUT_DIR/tool and strips it.
# Prints a table, then one line:
#   ratio compile_vs_beast=X memory_vs_beast=Y tool_size_vs_beast=Z client_size_vs_beast=W
#         compile_header_only_vs_beast=XH memory_header_only_vs_beast=YH
#         client_size_compiled_vs_beast=WC
# X and Y are for the separately compiled user TU, XH and YH for the header-only one; W is the
# header-only one-GET program, WC the separately compiled one.
# CXX (g++), CXXFLAGS_EXTRA and CMAKE_BUILD_PARALLEL_LEVEL are honoured.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:?usage: run.sh OUT_DIR}"
mkdir -p "$out"
cxx="${CXX:-g++}"
runs="${KEYOPS_BENCH_COMPILES:-3}"

# The same flags for both: the project's warnings, and the sections that --gc-sections needs.
read -r -a cxxflags <<<"-O2 -std=c++17 -Wall -Wextra -Wpedantic -Werror \
-ffunction-sections -fdata-sections ${CXXFLAGS_EXTRA:-}"
ldflags=(-static -Wl,--gc-sections)
# Each links what it uses: both parse JSON with Boost.JSON; keyops also encodes with Boost.URL
# and decodes gzip with zlib. -ldl: OpenSSL's static libcrypto calls dlopen.
keyops_libs=(-lboost_json -lboost_url -lssl -lcrypto -lz -pthread -ldl)
beast_libs=(-lboost_json -lssl -lcrypto -pthread -ldl)

# compile NAME [SOURCE] [FLAGS...]: one timed compile of SOURCE (NAME.cpp here); appends
# "seconds kilobytes" to OUT/NAME.times.
compile() {
    local name="$1" src="${2:-$here/$1.cpp}"
    shift $(($# < 2 ? $# : 2))
    /usr/bin/time -f '%e %M' -o "$out/$name.time" \
        "$cxx" "${cxxflags[@]}" "$@" -I "$repo/include" -c "$src" -o "$out/$name.o"
    cat "$out/$name.time" >>"$out/$name.times"
}
separate=(-DKEYOPS_SEPARATE_COMPILATION)

# link NAME [OBJECTS] LIBS...: the static binary of NAME.o (and OBJECTS), then its stripped copy
# OUT/NAME.
link() {
    local name="$1"
    shift
    # glibc's warnings about getaddrinfo and dlopen in static programs are expected.
    "$cxx" "${ldflags[@]}" "$out/$name.o" -o "$out/$name.full" "$@" 2>"$out/$name.link.log" || {
        cat "$out/$name.link.log" >&2
        exit 1
    }
    strip -o "$out/$name" "$out/$name.full"
}

rm -f "$out"/*.times
echo "compiling keyops' compiled part once (src/compiled.cpp)" >&2
compile keyops_compiled_part "$repo/src/compiled.cpp" "${separate[@]}"
for ((i = 1; i <= runs; i++)); do
    echo "compile $i of $runs: keyops_get, keyops_get_compiled, beast_get" >&2
    compile keyops_get
    compile keyops_get_compiled "$here/keyops_get_compiled.cpp" "${separate[@]}"
    compile beast_get
done
link keyops_get "${keyops_libs[@]}"
link keyops_get_compiled "$out/keyops_compiled_part.o" "${keyops_libs[@]}"
link beast_get "${beast_libs[@]}"

echo "building the static keyops tool in $out/tool" >&2
cmake -S "$repo" -B "$out/tool" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$cxx" \
    -DKEYOPS_STATIC_TOOLS=ON -DKEYOPS_BUILD_TESTS=OFF -DKEYOPS_BUILD_EXAMPLES=OFF \
    -DKEYOPS_BUILD_BENCH=OFF >"$out/tool.log"
cmake --build "$out/tool" --target keyops-cli >>"$out/tool.log" 2>&1 || {
    cat "$out/tool.log" >&2
    exit 1
}
strip -o "$out/keyops" "$out/tool/tools/keyops/keyops"

min_of() { # min_of FILE COLUMN
    awk -v c="$2" 'NR == 1 || $c < m { m = $c } END { print m }' "$1"
}
size_of() { stat -c %s "$1"; }

c_s=$(min_of "$out/keyops_get_compiled.times" 1)
c_kb=$(min_of "$out/keyops_get_compiled.times" 2)
p_s=$(min_of "$out/keyops_compiled_part.times" 1)
p_kb=$(min_of "$out/keyops_compiled_part.times" 2)
c_size=$(size_of "$out/keyops_get_compiled")
k_s=$(min_of "$out/keyops_get.times" 1)
b_s=$(min_of "$out/beast_get.times" 1)
k_kb=$(min_of "$out/keyops_get.times" 2)
b_kb=$(min_of "$out/beast_get.times" 2)
k_size=$(size_of "$out/keyops_get")
b_size=$(size_of "$out/beast_get")
t_size=$(size_of "$out/keyops")

awk -v ks="$k_s" -v bs="$b_s" -v kkb="$k_kb" -v bkb="$b_kb" -v kz="$k_size" -v bz="$b_size" \
    -v tz="$t_size" -v runs="$runs" -v cs="$c_s" -v ckb="$c_kb" -v ps="$p_s" -v pkb="$p_kb" \
    -v cz="$c_size" 'BEGIN {
    mb = 1000 * 1000
    printf "%-30s %18s %10s %16s\n", "program", "compile s (min " runs ")", "peak MB", "static stripped"
    printf "%-30s %18.2f %10.0f %13.2f MB\n", "keyops one GET (keyops_get)", ks, kkb * 1024 / mb, kz / mb
    printf "%-30s %18.2f %10.0f %13.2f MB\n", "keyops separate (user TU)", cs, ckb * 1024 / mb, cz / mb
    printf "%-30s %18.2f %10.0f %16s\n", "  its compiled part, once", ps, pkb * 1024 / mb, "(in the above)"
    printf "%-30s %18.2f %10.0f %13.2f MB\n", "raw Beast one GET (beast_get)", bs, bkb * 1024 / mb, bz / mb
    printf "%-30s %18s %10s %13.2f MB\n", "keyops tool", "-", "-", tz / mb
    printf "ratio compile_vs_beast=%.2f memory_vs_beast=%.2f tool_size_vs_beast=%.2f client_size_vs_beast=%.2f compile_header_only_vs_beast=%.2f memory_header_only_vs_beast=%.2f client_size_compiled_vs_beast=%.2f\n",
        cs / bs, ckb / bkb, tz / bz, kz / bz, ks / bs, kkb / bkb, cz / bz
}'
