#!/usr/bin/env bash
# The soak test: keyops-sim with faults switched on and off at random and killed and started
# again now and then, while keyops-soak waits for JOBS jobs and rotates the proxy key in a loop.
#   run_soak.sh KEYOPS_SIM KEYOPS_SOAK [SECONDS] [JOBS]      (defaults 600 and 500)
# The simulator listens on a free loopback port with a state file, so that each restart (on the
# same port) serves the same jobs. Every 2 to 5 seconds the chaos loop clears the fault rules or
# installs one or two drawn from FAULTS; the first restart comes at a quarter of the run, the
# next ones 60 to 120 s apart, each after 1 to 3 s down. The chaos begins once every job is
# started and ends when the driver does. Exit status: the driver's (1 for any wrong outcome,
# growing descriptors or resident set), or 1 if the simulator died on its own, no restart or no
# fault happened, or the driver printed no result line. Everything is stopped on exit.
set -euo pipefail

if [[ $# -lt 2 || $# -gt 4 ]]; then
    echo "usage: run_soak.sh KEYOPS_SIM KEYOPS_SOAK [SECONDS] [JOBS]" >&2
    exit 2
fi
SIM=$1
DRIVER=$2
RUN_SECONDS=${3:-600}
JOBS=${4:-500}
[[ $RUN_SECONDS =~ ^[1-9][0-9]*$ && $RUN_SECONDS -ge 20 ]] || { echo "run_soak: SECONDS must be 20 or more" >&2; exit 2; }
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || { echo "run_soak: JOBS must be a positive integer" >&2; exit 2; }
command -v curl >/dev/null || { echo "run_soak: curl is required" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/keyops-soak.XXXXXX")
SIM_PID=
DRIVER_PID=
cleanup() {
    local p
    for p in "$DRIVER_PID" "$SIM_PID"; do
        if [[ -n $p ]]; then
            kill "$p" 2>/dev/null || true
            wait "$p" 2>/dev/null || true
        fi
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Jobs last from JMIN to JMAX seconds, so that they end all through the run; a rotation JMIN.
JMIN=$((RUN_SECONDS / 40 > 4 ? RUN_SECONDS / 40 : 4))
JMAX=$((RUN_SECONDS - (RUN_SECONDS / 20 > 10 ? RUN_SECONDS / 20 : 10)))
TTL=$((RUN_SECONDS / 30 > 10 ? RUN_SECONDS / 30 : 10))
CA=$WORK/ca.pem
SIM_ARGS=(--port-file "$WORK/port" --write-ca "$CA" --state-file "$WORK/sim.state"
    --job-seconds "$JMIN-$JMAX" --token-ttl "$TTL" --seed 20261201 --log "$WORK/sim.log")
start_sim() { # start_sim ADDR:PORT
    rm -f "$WORK/port"
    "$SIM" --listen "$1" "${SIM_ARGS[@]}" >>"$WORK/sim.out" 2>>"$WORK/sim.err" &
    SIM_PID=$!
    local _
    for _ in $(seq 200); do
        [[ -s $WORK/port ]] && return 0
        if ! kill -0 "$SIM_PID" 2>/dev/null; then
            echo "run_soak: keyops-sim did not start: $(tail -n 5 "$WORK/sim.err")" >&2
            exit 1
        fi
        sleep 0.05
    done
    echo "run_soak: keyops-sim wrote no port file in 10 s" >&2
    exit 1
}
start_sim 127.0.0.1:0
PORT=$(cat "$WORK/port")
BASE=https://127.0.0.1:$PORT
echo "run_soak: keyops-sim at $BASE, jobs of $JMIN to $JMAX s, tokens of $TTL s; $JOBS jobs, $RUN_SECONDS s"

admin() { # admin METHOD PATH [JSON]: best effort (the simulator may be down)
    local data=()
    [[ $# -ge 3 ]] && data=(-d "$3")
    curl -sS --max-time 5 --cacert "$CA" -o /dev/null -X "$1" "${data[@]}" "$BASE$2" 2>/dev/null || true
}

FAULTS=(
    '{"route":"*","fault":"latency","ms":300}'
    '{"route":"/api/v1/cckm","method":"GET","fault":"status","status":503,"retry_after":"1"}'
    '{"route":"/api/v1/cckm","fault":"429","retry_after":"1","count":6}'
    '{"route":"/api/ni","fault":"503","retry_after":"date:1","count":4}'
    '{"route":"*","fault":"500","count":3}'
    '{"route":"/api/v1/cckm","method":"GET","fault":"close_mid_body","count":4}'
    '{"route":"*","method":"GET","fault":"truncate","count":4}'
    '{"route":"*","fault":"close_before","count":3}'
    '{"route":"*","fault":"close_after","count":6}'
    '{"route":"*","fault":"expire_tokens","count":1}'
    '{"route":"/api/v1/auth/tokens","fault":"503","retry_after":"1","count":2}'
    '{"route":"/api/ni/auth/token","fault":"close_mid_body","count":2}'
    '{"route":"*","method":"GET","fault":"slow_body","ms":1,"count":2}'
)

"$DRIVER" --url "$BASE" --ca "$CA" --seconds "$RUN_SECONDS" --jobs "$JOBS" >"$WORK/driver.log" 2>&1 &
DRIVER_PID=$!
SHOWN=0
show_driver() { # prints the driver's lines not shown yet
    local n
    n=$(wc -l <"$WORK/driver.log")
    if ((n > SHOWN)); then
        sed -n "$((SHOWN + 1)),${n}p" "$WORK/driver.log"
        SHOWN=$n
    fi
}
for _ in $(seq 1200); do
    grep -q 'jobs started' "$WORK/driver.log" && break
    kill -0 "$DRIVER_PID" 2>/dev/null || break
    sleep 0.1
done
show_driver

T0=$SECONDS
NEXT_RESTART=$((T0 + RUN_SECONDS / 4))
RESTARTS=0
SWITCHES=0
while kill -0 "$DRIVER_PID" 2>/dev/null; do
    sleep "$((2 + RANDOM % 4))"
    kill -0 "$DRIVER_PID" 2>/dev/null || break
    if ! kill -0 "$SIM_PID" 2>/dev/null; then
        echo "run_soak: FAIL: keyops-sim died on its own: $(tail -n 5 "$WORK/sim.err")"
        exit 1
    fi
    if ((SECONDS >= NEXT_RESTART)); then
        down=$((1 + RANDOM % 3))
        kill -KILL "$SIM_PID"
        wait "$SIM_PID" 2>/dev/null || true
        sleep "$down"
        start_sim "127.0.0.1:$PORT"
        RESTARTS=$((RESTARTS + 1))
        echo "run_soak: at $((SECONDS - T0)) s: keyops-sim killed (SIGKILL) and started again after $down s"
        NEXT_RESTART=$((SECONDS + 60 + RANDOM % 61))
    elif ((RANDOM % 3 == 0)); then
        admin DELETE /__sim/faults
        SWITCHES=$((SWITCHES + 1))
    else
        for _ in $(seq $((1 + RANDOM % 2))); do
            admin POST /__sim/faults "${FAULTS[RANDOM % ${#FAULTS[@]}]}"
        done
        ((RANDOM % 4 != 0)) || admin POST /__sim/expire-tokens
        SWITCHES=$((SWITCHES + 1))
    fi
    show_driver
done
RC=0
wait "$DRIVER_PID" || RC=$?
DRIVER_PID=
show_driver
echo "run_soak: $RESTARTS restarts, $SWITCHES fault switches in $((SECONDS - T0)) s"
RESULT=$(grep '^soak jobs=' "$WORK/driver.log" || true)
if [[ -z $RESULT ]]; then
    echo "run_soak: FAIL: the driver printed no result line (exit $RC)"
    exit 1
fi
if ((RESTARTS == 0 || SWITCHES == 0)); then
    echo "run_soak: FAIL: the run saw no restart or no fault switch"
    exit 1
fi
if grep -q 'eyJ[A-Za-z0-9_-]\{10,\}\.' "$WORK/driver.log" "$WORK/sim.log"; then
    echo "run_soak: FAIL: a secret in the driver's output or the simulator's log"
    exit 1
fi
[[ $RC == 0 ]] || echo "run_soak: FAIL: the driver exited $RC"
exit "$RC"
