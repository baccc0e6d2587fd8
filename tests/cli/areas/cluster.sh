# cli.cluster: a CipherTrust cluster (keyops-sim --nodes 2): node lists, failover while a wait
# runs, a node answering 503, refresh tokens revoked at exit.
start_cluster_sim

section "a CipherTrust cluster (keyops-sim --nodes 2): node URLs, failover, revoked refresh tokens"
revoked() { cadmin "$N2" GET tokens && jv 'd["cckm_refresh_revoked"]' "$WORK/cadmin.json"; }

ko "${CG[@]}" -v --url "$CDEAD,$N2" "${CC[@]}" jobs list oci
rc 0 "jobs list with --url DEAD,NODE2: the refused node is passed over"
has "  ... -v names the node left and the one tried next" "node 127.0.0.1:1 cannot be reached" "$ERR"
ko "${CG[@]}" --url "$CDEAD" --url "$N1" "${CC[@]}" jobs list oci
rc 0 "jobs list with --url repeated (a dead node first)"
usage_err "a node list mixing schemes" "url" "${CG[@]}" --url "$N1,http://127.0.0.1:5" "${CC[@]}" jobs list oci

R0=$(revoked)
ko "${CG[@]}" --url "$N1" "${CC[@]}" jobs list oci
rc 0 "jobs list (a password grant)"
R1=$(revoked)
if [[ $R1 == $((R0 + 1)) ]]; then
    ok "  ... the session's refresh token was revoked at exit (simulator: $R0 -> $R1)"
else
    bad "  ... the session's refresh token was revoked at exit" "revoked count $R0 -> $R1"
fi
cadmin "$N2" GET tokens
jis "  ... no refresh token left live on the server" 'd["cckm_refresh"]' 0 "$WORK/cadmin.json"
cg="$(grep -c 'POST /api/v1/auth/revoke 200' "$WORK/csim.log" || true)"
((cg >= 1)) && ok "  ... the simulator logged POST /api/v1/auth/revoke 200" ||
    bad "  ... the simulator logged POST /api/v1/auth/revoke 200" "$cg lines"

ko "${CG[@]}" --url "$N1,$N2" "${CC[@]}" --json jobs start oci --vault node-kill-1
rc 0 "jobs start oci through the cluster"
NJ=$(json_id)
[[ -n $NJ ]] || die "no id from jobs start"
NARGS=("${CG[@]}" --url "$N1,$N2" "${CC[@]}" jobs wait oci "$NJ" --interval 0.3 --deadline 60)
KCMD=$(redact keyops "${NARGS[@]}")
LEAK=0
RC=0
timeout -k 5 60 "$KEYOPS" "${NARGS[@]}" </dev/null >"$OUT" 2>"$ERR" &
NWAIT=$!
BG_PIDS+=("$NWAIT")
# Past the replication lag (1.5 s; the job runs 3 s), so that node 2 has the job when the wait
# moves there.
sleep 1.7
cadmin "$N2" POST nodes/1/down
wait "$NWAIT" || RC=$?
no_secrets
rc 0 "jobs wait through the cluster while node 1 is taken down: completed"
pyck "  ... the last line names the outcome" waittext "$OUT" 'completed' "$NJ"
has "  ... the simulator closed node 1" "node 1 down" "$WORK/csim.log"
cadmin "$N2" POST nodes/1/up

# A node that answers 503 is passed over at once, for every request.
cadmin "$N2" POST faults '{"route":"/api/v1","node":1,"fault":"503","count":0}'
ko "${CG[@]}" -v --url "$N1,$N2" "${CC[@]}" jobs get oci "$NJ"
rc 0 "jobs get while node 1 answers 503: node 2 answers"
has "  ... -v says node 1 answered 503" "answered 503" "$ERR"
cadmin "$N2" DELETE faults
