#!/usr/bin/env bash
# End-to-end test of the keyops command-line tool against keyops-sim: every command, the --json
# output compared with what curl reads from the simulator, the table/block/plain outputs, every exit
# code, the environment forms of the options, a wait across token expiry, a wait on ten jobs (one
# list request per round), and that no password or token is ever printed, even with -v.
#
# usage: cli_test.sh KEYOPS_BINARY KEYOPS_SIM_BINARY [AREA...]
# The checks are in areas (areas.list, in order; each is areas/AREA.sh, with the helpers of
# lib.sh). One AREA: that area runs here, against a keyops-sim of its own on a free loopback port
# with a temporary folder of its own, so that areas can run at the same time (CTest runs each as
# the test cli.AREA). No AREA, or several: each runs in turn as its own process, then a line per
# area. Prints one line per check (`ok - ...` / `FAIL - ...` with the command, its exit code,
# stdout and stderr); every check of an area runs, and the area ends with the line
# `# cli.AREA: N passed, N failed` and a non-zero status if any check failed.
# TLS is verified with the certificate the simulator writes (curl --cacert, never -k).
set -euo pipefail

CLI_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mapfile -t CLI_AREAS < <(sed -e 's/#.*//' "$CLI_DIR/areas.list" | awk 'NF { print $1 }')
if [[ $# -lt 2 ]]; then
    echo "usage: cli_test.sh KEYOPS_BINARY KEYOPS_SIM_BINARY [AREA...]" >&2
    echo "areas: ${CLI_AREAS[*]}" >&2
    exit 2
fi
abspath() { (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd)" "$(basename "$1")"); }
KEYOPS=$(abspath "$1")
SIM=$(abspath "$2")
[[ -x $KEYOPS ]] || { echo "cli_test: $1 is not an executable file" >&2; exit 2; }
[[ -x $SIM ]] || { echo "cli_test: $2 is not an executable file" >&2; exit 2; }
shift 2
for area in "$@"; do
    [[ -f $CLI_DIR/areas/$area.sh && " ${CLI_AREAS[*]} " == *" $area "* ]] ||
        { echo "cli_test: no area '$area'; the areas: ${CLI_AREAS[*]}" >&2; exit 2; }
done

if [[ $# -ne 1 ]]; then
    [[ $# -gt 0 ]] || set -- "${CLI_AREAS[@]}"
    failed=()
    counts=()
    for area in "$@"; do
        start=$SECONDS
        rc=0
        bash "${BASH_SOURCE[0]}" "$KEYOPS" "$SIM" "$area" | tee "${TMPDIR:-/tmp}/keyops-cli-$area.log.$$" ||
            rc=$?
        counts+=("$(tail -n 1 "${TMPDIR:-/tmp}/keyops-cli-$area.log.$$"), $((SECONDS - start)) s")
        rm -f "${TMPDIR:-/tmp}/keyops-cli-$area.log.$$"
        [[ $rc == 0 ]] || failed+=("$area")
    done
    echo "# areas:"
    printf '%s\n' "${counts[@]}"
    if [[ ${#failed[@]} -gt 0 ]]; then
        echo "# failed: ${failed[*]}"
        exit 1
    fi
    exit 0
fi

CLI_AREA=$1
# shellcheck source=lib.sh
source "$CLI_DIR/lib.sh"
# shellcheck source=/dev/null
source "$CLI_DIR/areas/$CLI_AREA.sh"
cli_end
