#!/usr/bin/env bash
# Runs a test binary against a fresh keyops-sim on a free loopback port over HTTPS.
#   with_sim.sh KEYOPS_SIM TEST_BINARY [ARGS...]
# The binary finds the simulator through KEYOPS_SIM_URL and KEYOPS_SIM_CA. Access tokens live
# 2 s and jobs run 2 s, so that renewal and progress happen within the tests. The simulator serves
# three cluster nodes (KEYOPS_SIM_URL is the first, KEYOPS_SIM_NODES all three) with a replication
# lag of 800 ms between them.
set -euo pipefail
sim=$1
shift
dir=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$dir"
}
trap cleanup EXIT

"$sim" --listen 127.0.0.1:0 --port-file "$dir/port" --write-ca "$dir/ca.pem" \
    --token-ttl 2 --job-seconds 2 --seed 7 --nodes 3 --replication-lag 800 \
    --log "$dir/sim.log" >"$dir/stdout" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
    [ -s "$dir/port" ] && break
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "with_sim.sh: keyops-sim did not start:" >&2
        cat "$dir/stdout" >&2
        exit 1
    fi
    sleep 0.1
done
[ -s "$dir/port" ] || { echo "with_sim.sh: no port from keyops-sim" >&2; exit 1; }

export KEYOPS_SIM_URL="https://127.0.0.1:$(sed -n 1p "$dir/port")"
KEYOPS_SIM_NODES=
while read -r p; do
    KEYOPS_SIM_NODES="${KEYOPS_SIM_NODES:+$KEYOPS_SIM_NODES,}https://127.0.0.1:$p"
done <"$dir/port"
export KEYOPS_SIM_NODES
export KEYOPS_SIM_CA="$dir/ca.pem"
status=0
"$@" || status=$?
if [ "$status" -ne 0 ]; then
    echo "--- keyops-sim log (last 40 lines)" >&2
    tail -n 40 "$dir/sim.log" >&2 || true
fi
exit "$status"
