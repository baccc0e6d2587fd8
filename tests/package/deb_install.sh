#!/usr/bin/env bash
# package.deb_install: the two Debian packages package.deb made, installed by dpkg into a scratch
# root (dpkg --root, never this machine's own), whose dpkg database starts as a copy of this
# machine's: the packages' Depends must be met by what is installed here, as `apt install` would
# need them met. Then, from that root: the installed tool runs, a real call against the installed
# keyops-sim; tests/consumer's program builds against the installed headers and runs, found by
# find_package(keyops) in CMake and by pkg-config; and removing the packages leaves no file.
# usage: deb_install.sh DEBS WORK SOURCE_DIR VERSION GENERATOR CXX [LAUNCHER]
set -uo pipefail
[[ $# == 6 || $# == 7 ]] ||
    { echo "usage: deb_install.sh DEBS WORK SOURCE_DIR VERSION GENERATOR CXX [LAUNCHER]" >&2; exit 2; }
DEBS=$1 WORK=$2 SOURCE_DIR=$3 VERSION=$4 GENERATOR=$5 CXX=$6
# The compiler launcher (ccache): the build's, or else the one CMake takes from the environment.
LAUNCHER=${7:-${CMAKE_CXX_COMPILER_LAUNCHER:-}}
TEST_NAME=package.deb_install
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

root=$WORK/root
admin=$root/var/lib/dpkg
mkdir -p "$admin/info" "$admin/updates" "$admin/triggers" "$root/var/log"
cp /var/lib/dpkg/status "$admin/status"
touch "$admin/available"
# An empty file list for each package installed here, so that dpkg does not warn of each one's.
(cd "$admin/info" && dpkg-query -W -f '${binary:Package}.list\n' | xargs -r touch)
# dpkg DPKG-ARGS...: dpkg on the scratch root only.
sdpkg() { dpkg --root="$root" --force-not-root --log="$root/var/log/dpkg.log" "$@"; }

echo "# installed (dpkg --root)"
check "dpkg -i keyops-dev and keyops: their Depends are met, they install" \
    sdpkg -i "$DEV_DEB" "$TOOLS_DEB"
for pkg in keyops keyops-dev; do
    check "dpkg -s $pkg: install ok installed, version $VERSION" sh -c \
        "dpkg --root='$root' -s $pkg | grep -qx 'Status: install ok installed' &&
         dpkg --root='$root' -s $pkg | grep -qx 'Version: $VERSION'"
done
check "dpkg -L keyops lists /usr/bin/keyops" sh -c "dpkg --root='$root' -L keyops | grep -qx /usr/bin/keyops"
check "dpkg -S finds the owner of keyops.pc" \
    sh -c "dpkg --root='$root' -S /usr/lib/$MULTIARCH/pkgconfig/keyops.pc | grep -q '^keyops-dev:'"

echo "# the installed tool"
bin=$root/usr/bin
check "keyops --version: keyops $VERSION" sh -c "'$bin/keyops' --version | head -n 1 | grep -qx 'keyops $VERSION'"
sim_call "$bin"

echo "# a program built against the installed package: find_package(keyops)"
# tests/consumer/installed's project, with CMAKE_PREFIX_PATH the root's /usr.
consumer=$WORK/consumer-cmake
launcher=()
[[ -n $LAUNCHER ]] && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER="${LAUNCHER// /;}")
if cmake -S "$SOURCE_DIR/tests/consumer/installed" -B "$consumer" -G "$GENERATOR" \
    -DCMAKE_CXX_COMPILER="$CXX" "${launcher[@]}" -DCMAKE_BUILD_TYPE= -DCMAKE_CXX_FLAGS=-O0 \
    -DCMAKE_PREFIX_PATH="$root/usr" >"$WORK/consumer-cmake.log" 2>&1; then
    ok "find_package(keyops) in the installed root: configured"
else
    bad "find_package(keyops) in the installed root: configured" "$(tail -n 30 "$WORK/consumer-cmake.log")"
fi
found=$(sed -n 's/^keyops_DIR:PATH=//p' "$consumer/CMakeCache.txt" 2>/dev/null)
check "find_package(keyops) found /usr/lib/$MULTIARCH/cmake/keyops of the root ($found)" \
    test "$found" = "$root/usr/lib/$MULTIARCH/cmake/keyops"
if cmake --build "$consumer" >>"$WORK/consumer-cmake.log" 2>&1; then
    ok "the consumer builds against the installed headers"
else
    bad "the consumer builds against the installed headers" "$(tail -n 30 "$WORK/consumer-cmake.log")"
fi
# The include folder it compiled with is the root's.
check "... with the root's /usr/include" grep -rqF -- "$root/usr/include" "$consumer"
consumer_runs() { # consumer_runs DESC PROGRAM: prints what tests/consumer/consumer.cpp prints
    local out
    out=$("$2" 2>&1)
    if grep -qx 'GET /api/v1/cckm/oci/synchronization-jobs/abc completed 1' <<<"$out" &&
        grep -q '^call failed as expected: ' <<<"$out"; then
        ok "$1"
    else
        bad "$1" "$out"
    fi
}
consumer_runs "the consumer (find_package) runs" "$consumer/consumer"

echo "# a program built against the installed package: pkg-config"
export PKG_CONFIG_PATH=$root/usr/lib/$MULTIARCH/pkgconfig
flags=$(pkg-config --cflags --libs keyops 2>"$WORK/pkg-config.err")
check "pkg-config --cflags --libs keyops: found in the root ($flags)" test -n "$flags"
inc=$(sed -n 's/.*-I\([^ ]*\).*/\1/p' <<<"$(pkg-config --cflags-only-I keyops)")
check "... its -I is the root's /usr/include" test "$(realpath -m "$inc")" = "$(realpath "$root/usr/include")"
mkdir -p "$WORK/consumer-pc"
# Compiled, then linked: a compiler launcher such as ccache caches the compilation alone.
# shellcheck disable=SC2046 # the flags are words
if $LAUNCHER "$CXX" -std=c++17 -O0 $(pkg-config --cflags keyops) -c \
    "$SOURCE_DIR/tests/consumer/consumer.cpp" -o "$WORK/consumer-pc/consumer.o" \
    >"$WORK/consumer-pc.log" 2>&1 &&
    "$CXX" "$WORK/consumer-pc/consumer.o" -o "$WORK/consumer-pc/consumer" \
        $(pkg-config --libs keyops) >>"$WORK/consumer-pc.log" 2>&1; then
    ok "the consumer builds with pkg-config's flags"
else
    bad "the consumer builds with pkg-config's flags" "$(tail -n 30 "$WORK/consumer-pc.log")"
fi
consumer_runs "the consumer (pkg-config) runs" "$WORK/consumer-pc/consumer"

echo "# removed (dpkg -r)"
check "dpkg -r keyops keyops-dev" sdpkg -r keyops keyops-dev
left=$(cd "$root" && if [[ -d usr ]]; then find usr -type f -o -type l; fi)
check "no file of the packages is left in the root" test -z "$left"
