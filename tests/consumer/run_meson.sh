#!/usr/bin/env bash
# keyops as a Meson subproject: copies tests/consumer/meson_subproject and consumer.cpp into a
# scratch directory, links subprojects/keyops to the source tree, then meson setup and compile.
# The program must run as expected, and keyops's tests, tools and examples must not have been
# built (they are off when keyops is a subproject).
#   run_meson.sh KEYOPS_SOURCE_DIR WORK_DIR
set -euo pipefail
keyops=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work/src/subprojects"
cp "$here/meson_subproject/meson.build" "$here/consumer.cpp" "$work/src/"
ln -s "$keyops" "$work/src/subprojects/keyops"
meson setup "$work/build" "$work/src"
meson compile -C "$work/build" -j 1
targets=$(meson introspect --targets "$work/build")
for t in keyops_compiled keyops_unit_tests keyops-sim endpoints_tour; do
    if grep -q "\"name\": \"$t\"" <<<"$targets"; then
        echo "keyops as a subproject defined its target $t" >&2
        exit 1
    fi
done
grep -q '"name": "consumer"' <<<"$targets"
out=$("$work/build/consumer")
echo "$out"
grep -qx 'GET /api/v1/cckm/oci/synchronization-jobs/abc completed 1' <<<"$out"
grep -q '^call failed as expected: ' <<<"$out"
