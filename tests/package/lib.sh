# shellcheck shell=bash disable=SC2034 # the variables are the sourcing script's
# The package tests' shared part, sourced by deb_contents.sh and deb_install.sh: the checks'
# helpers (every check runs and is reported; the script fails at the end if one did), the two
# packages' names, and keyops-sim started on loopback for a real call.
#
# Expects DEBS (the folder package.deb left the packages in), WORK (a scratch folder of the test's
# own, emptied here) and VERSION (the project's) set.

for tool in dpkg dpkg-deb timeout; do
    command -v "$tool" >/dev/null || { echo "$0: $tool is required" >&2; exit 2; }
done
ARCH=$(dpkg --print-architecture)
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)

rm -rf "$WORK"
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd) # absolute: CMake and dpkg are given paths under it
[[ -d $DEBS ]] && DEBS=$(cd "$DEBS" && pwd)
TOOLS_DEB=$DEBS/keyops_${VERSION}_$ARCH.deb
DEV_DEB=$DEBS/keyops-dev_${VERSION}_$ARCH.deb
# The tool must see no configuration of the user's.
unset KEYOPS_URL KEYOPS_NI_URL KEYOPS_PASSWORD KEYOPS_TOKEN KEYOPS_NI_PASSWORD KEYOPS_NI_TOKEN \
    KEYOPS_PROFILE KEYOPS_CONFIG
export XDG_CONFIG_HOME=$WORK/xdg-empty

CHECKS=0
FAILS=0
SIM_PID=
ok() {
    CHECKS=$((CHECKS + 1))
    echo "ok - $*"
}
bad() { # bad DESCRIPTION [DETAIL...]
    FAILS=$((FAILS + 1))
    echo "FAIL - $1"
    shift
    local l
    for l in "$@"; do
        echo "    $l"
    done
}
check() { # check DESCRIPTION COMMAND...: the command succeeds
    local desc=$1
    shift
    if "$@" >"$WORK/check.out" 2>&1; then
        ok "$desc"
    else
        bad "$desc" "command: $*" "$(head -c 2000 "$WORK/check.out")"
    fi
}
finish() {
    local rc=$?
    if [[ -n $SIM_PID ]]; then
        kill "$SIM_PID" 2>/dev/null
        wait "$SIM_PID" 2>/dev/null
    fi
    echo "# $TEST_NAME: $CHECKS passed, $FAILS failed"
    ((FAILS == 0 && rc == 0)) || exit 1
}
trap finish EXIT

for deb in "$TOOLS_DEB" "$DEV_DEB"; do
    [[ -f $deb ]] || {
        bad "package.deb made ${deb##*/}" "$(ls -l "$DEBS" 2>&1)"
        exit 1
    }
done

# sim_call BINDIR: starts BINDIR/keyops-sim on loopback and, with BINDIR/keyops, logs in, lists the
# oci jobs, starts one and waits for it to complete, TLS verified against the certificate the
# simulator writes.
sim_call() {
    local bin=$1 port='' out=$WORK/sim-call
    mkdir -p "$out"
    printf admin >"$out/pw"
    "$bin/keyops-sim" --listen 127.0.0.1:0 --port-file "$out/port" --write-ca "$out/ca.pem" \
        --job-seconds 1 >"$out/sim.out" 2>"$out/sim.err" &
    SIM_PID=$!
    for _ in $(seq 200); do
        [[ -s $out/port ]] && break
        kill -0 "$SIM_PID" 2>/dev/null || break
        sleep 0.05
    done
    port=$(cat "$out/port" 2>/dev/null) || true
    if [[ -z $port ]]; then
        bad "$bin/keyops-sim starts and writes its port" "$(cat "$out/sim.err")"
        return
    fi
    ok "$bin/keyops-sim listens on 127.0.0.1:$port"
    local g=(--url "https://127.0.0.1:$port" --cacert "$out/ca.pem" --user admin
        --password-file "$out/pw")
    if timeout 60 "$bin/keyops" "${g[@]}" --json jobs list oci >"$out/list.json" 2>"$out/err" &&
        grep -q '"resources":\[{"id":"' "$out/list.json"; then
        ok "keyops jobs list oci against it: a page of jobs"
    else
        bad "keyops jobs list oci against it: a page of jobs" "$(head -c 600 "$out/list.json" "$out/err")"
    fi
    local id=
    if timeout 60 "$bin/keyops" "${g[@]}" --json jobs start oci --vault v1 >"$out/start.json" \
        2>"$out/err"; then
        id=$(sed -n 's/^{"id":"\([0-9a-f-]*\)".*/\1/p' "$out/start.json")
    fi
    if [[ -z $id ]]; then
        bad "keyops jobs start oci: a new job's id" "$(head -c 600 "$out/start.json" "$out/err")"
    elif timeout 60 "$bin/keyops" "${g[@]}" jobs wait oci "$id" --interval 0.2 >"$out/wait" \
        2>"$out/err" && grep -q "^$id: completed" "$out/wait"; then
        ok "keyops jobs start oci, then jobs wait: $id completed"
    else
        bad "keyops jobs wait oci $id: completed" "$(head -c 600 "$out/wait" "$out/err")"
    fi
    kill "$SIM_PID" 2>/dev/null
    wait "$SIM_PID" 2>/dev/null
    SIM_PID=
}
