# cli.restart: a wait across a kill -9 and restart of the simulator (the same port and state file).
start_main_sim

section "a wait across a restart of the simulator (kill -9, then the same port and state file)"
reset
RJ=$(cc_start dsm '{"domains":["restart-1","restart-2"]}')
# --timeout 1 bounds each poll, retries included, so that a 2.5 s outage fails at least one.
RARGS=("${G[@]}" "${CC[@]}" --timeout 1 jobs wait dsm "$RJ" --deadline 90 --interval 0.5)
KCMD=$(redact keyops "${RARGS[@]}")
LEAK=0
RC=0
timeout -k 5 60 "$KEYOPS" "${RARGS[@]}" </dev/null >"$OUT" 2>"$ERR" &
RWAIT=$!
BG_PIDS+=("$RWAIT")
sleep 1
kill -KILL "$SIM_PID"
wait "$SIM_PID" 2>/dev/null || true
kill -0 "$RWAIT" 2>/dev/null || die "the wait ended before the simulator was killed"
sleep 2.5
start_sim "127.0.0.1:$PORT"
wait "$RWAIT" || RC=$?
no_secrets
rc 0 "jobs wait dsm ID --deadline 90 across a kill -9 and restart of the simulator: completed"
pyck "  ... plain lines with the id, the last naming the outcome" waittext "$OUT" 'completed' "$RJ"
if grep -q "server not answering" "$OUT" "$ERR"; then
    ok "  ... the progress lines name the outage ($(grep -c "server not answering" "$OUT") polls failed)"
else
    bad "  ... the progress lines name the outage" "no 'server not answering' line"
fi
JWT_AT=0
server "${KPATH[dsm]}/$RJ" "$WORK/job.json"
jis "  ... the restarted simulator holds the job, completed" '[d["id"], d["overall_status"]]' \
    "[\"$RJ\",\"completed\"]" "$WORK/job.json"
