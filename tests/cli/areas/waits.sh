# cli.waits: jobs start (--body, --body-file, the block), jobs cancel, jobs wait: every outcome and
# exit code (worst id wins, unknown ids, --deadline, --cancel-on-deadline, --json and text),
# the live line on a terminal, ten jobs with one list request per round, a wait across token
# expiry.
start_main_sim

section "jobs start, cancel, wait: outcomes and exit codes"
reset
ko "${G[@]}" "${CC[@]}" --json jobs start google --body '{"key_rings":["r1","r2"]}'
rc 0 "jobs start google --body"
cp "$OUT" "$WORK/g1.json"
G1=$(started_id google '{"key_rings":["r1","r2"]}')
jis "  ... prints the new job: in_progress, key_rings r1 r2, cloud gcp" \
    '[d["overall_status"], d["key_rings"], d["cloud"], d["abort"]]' '["in_progress",["r1","r2"],"gcp",false]' "$WORK/g1.json"
server "${KPATH[google]}/$G1" "$WORK/job.json"
jis "  ... the same job the server holds (id, uri, createdAt, key_rings)" \
    '[d[k] == e[k] for k in ("id", "uri", "createdAt", "key_rings", "cloud")]' '[true,true,true,true,true]' \
    "$WORK/g1.json" "$WORK/job.json"

printf '%s' '{"key_rings":["ring-fail"]}' >"$WORK/gfail.body"
ko "${G[@]}" "${CC[@]}" --json jobs start google --body-file "$WORK/gfail.body"
rc 0 "jobs start google --body-file (key ring ring-fail)"
GF=$(started_id google '{"key_rings":["ring-fail"]}')
jis "  ... key_rings [ring-fail]" 'd["key_rings"]' '["ring-fail"]' "$OUT"

printf '%s\n' '{"vaults":["v1"]}' >"$WORK/oci.body"
ko "${G[@]}" "${CC[@]}" --json jobs start oci --body-file "$WORK/oci.body"
rc 0 "jobs start oci --body-file"
O1=$(started_id oci '{"vaults":["v1"]}')
jis "  ... key_vaults [v1], cloud oci" '[d["key_vaults"], d["cloud"]]' '[["v1"],"oci"]' "$OUT"

ko "${G[@]}" "${CC[@]}" jobs start oci --body '{"vaults":["v2"]}'
rc 0 "jobs start oci --body (block output)"
O2=$(J blockid "$OUT")
if [[ -n $O2 ]]; then
    cp "$OUT" "$WORK/o2.txt"
    server "${KPATH[oci]}/$O2" "$WORK/job.json"
    echo '{"id":"'"$O2"'","overall_status":"in_progress"}' >"$WORK/o2.json"
    pyck "  ... a block of name: value lines with id: and overall_status: in_progress" block "$WORK/o2.txt" "$WORK/o2.json"
else
    bad "  ... an id: line" "no 'id: ...' line in stdout"
    O2=$(cc_start oci '{"vaults":["v2"]}')
fi

ko "${G[@]}" "${CC[@]}" --json jobs cancel oci "$O2"
rc 0 "jobs cancel oci ID"
jis "  ... prints the job: abort true, still in_progress" '[d["id"], d["abort"], d["overall_status"]]' \
    "[\"$O2\",true,\"in_progress\"]" "$OUT"

ko "${G[@]}" "${CC[@]}" --json jobs wait google "$G1"
rc 0 "jobs wait google ID (completed)"
server "${KPATH[google]}/$G1" "$WORK/job.json"
jis "  ... [{id, outcome completed, job}]" '[[x["id"], x["outcome"], sorted(x)] for x in d]' \
    "[[\"$G1\",\"completed\",[\"id\",\"job\",\"outcome\"]]]" "$OUT"
jv 'd[0]["job"]' "$OUT" >"$WORK/waited.json" 2>/dev/null || echo null >"$WORK/waited.json"
jeq "  ... the job equals the server's after it ended" "$WORK/waited.json" "$WORK/job.json"

ko "${G[@]}" "${CC[@]}" --json jobs get google "$G1"
jeq "jobs get google --json after the end equals the server's job" "$OUT" "$WORK/job.json"

ko "${G[@]}" "${CC[@]}" --json jobs wait google "$GF" "$G1"
rc 1 "jobs wait failed+completed: worst wins"
server "${KPATH[google]}/$GF" "$WORK/jobf.json"
jis "  ... outcomes failed, completed" '{x["id"]: x["outcome"] for x in d} == {e["a"]: "failed", e["b"]: "completed"}' true \
    "$OUT" <(echo "{\"a\":\"$GF\",\"b\":\"$G1\"}")
jv '[x["job"] for x in d if x["id"] == e["id"]][0]' "$OUT" "$WORK/jobf.json" >"$WORK/waited.json" 2>/dev/null || echo null >"$WORK/waited.json"
jeq "  ... the failed job equals the server's" "$WORK/waited.json" "$WORK/jobf.json"
jis "  ... the server's job: failed, ring-fail detail" '[d["overall_status"], "simulated failure" in d["detailed_status"]["ring-fail"]]' \
    '["failed",true]' "$WORK/jobf.json"

ko "${G[@]}" "${CC[@]}" jobs wait google "$GF"
rc 1 "jobs wait google ID (failed, text)"
pyck "  ... plain lines with the id, the last naming the outcome" waittext "$OUT" 'fail' "$GF"
ko "${G[@]}" "${CC[@]}" jobs wait google "$G1"
rc 0 "jobs wait google ID (completed, text)"
pyck "  ... plain lines with the id, the last naming the outcome" waittext "$OUT" 'complete' "$G1"

ko "${G[@]}" "${CC[@]}" --json jobs wait oci "$O2"
rc 6 "jobs wait after cancel (completed but aborted)"
server "${KPATH[oci]}/$O2" "$WORK/job.json"
jis "  ... outcome completed_aborted" '[[x["id"], x["outcome"]] for x in d]' "[[\"$O2\",\"completed_aborted\"]]" "$OUT"
jv 'd[0]["job"]' "$OUT" >"$WORK/waited.json" 2>/dev/null || echo null >"$WORK/waited.json"
jeq "  ... the job equals the server's (completed, abort true)" "$WORK/waited.json" "$WORK/job.json"
jis "  ... the server's job: completed, abort true" '[d["overall_status"], d["abort"]]' '["completed",true]' "$WORK/job.json"

ko "${G[@]}" "${CC[@]}" --json jobs wait oci "$O2" "$O1"
rc 6 "jobs wait aborted+completed: worst wins"
jis "  ... outcomes" '{x["id"]: x["outcome"] for x in d} == {e["a"]: "completed_aborted", e["b"]: "completed"}' true \
    "$OUT" <(echo "{\"a\":\"$O2\",\"b\":\"$O1\"}")
ko "${G[@]}" "${CC[@]}" jobs wait oci "$O2"
rc 6 "jobs wait after cancel (text)"
pyck "  ... plain lines with the id, the last naming the outcome" waittext "$OUT" 'abort' "$O2"

ko "${G[@]}" "${CC[@]}" --json jobs wait oci "$UNKNOWN_ID"
rc 4 "jobs wait an unknown id"
jis "  ... outcome error, job null" '[[x["id"], x["outcome"], x["job"]] for x in d]' "[[\"$UNKNOWN_ID\",\"error\",null]]" "$OUT"
ko "${G[@]}" "${CC[@]}" jobs wait oci "$O1" "$UNKNOWN_ID"
rc 4 "jobs wait completed+unknown: worst wins"

# --deadline: a 3 s job, a 1 s deadline
G3=$(cc_start google '{"key_rings":["r3"]}')
ko "${G[@]}" "${CC[@]}" --json jobs wait google "$G3" --deadline 1
rc 5 "jobs wait --deadline 1 on a 3 s job"
jis "  ... outcome deadline, the job as last read (in_progress)" '[[x["id"], x["outcome"], x["job"]["overall_status"]] for x in d]' \
    "[[\"$G3\",\"deadline\",\"in_progress\"]]" "$OUT"
server "${KPATH[google]}/$G3" "$WORK/job.json"
jis "  ... the job on the server is not cancelled (abort false)" 'd["abort"]' false "$WORK/job.json"

G4=$(cc_start google '{"key_rings":["r4"]}')
ko "${G[@]}" "${CC[@]}" jobs wait google "$G4" --deadline 1
rc 5 "jobs wait --deadline 1 (text)"
pyck "  ... plain lines with the id, the last naming the outcome" waittext "$OUT" 'deadline' "$G4"

G5=$(cc_start google '{"key_rings":["r5"]}')
ko "${G[@]}" "${CC[@]}" --json jobs wait google "$G5" "$GF" --deadline 1
rc 5 "jobs wait deadline+failed: worst wins"

G6=$(cc_start google '{"key_rings":["r6"]}')
ko "${G[@]}" "${CC[@]}" --json jobs wait google "$G6" --deadline 1 --cancel-on-deadline
rc 5 "jobs wait --deadline 1 --cancel-on-deadline"
jis "  ... outcome deadline or cancelled" '[x["outcome"] in ("deadline", "cancelled") for x in d]' '[true]' "$OUT"
server "${KPATH[google]}/$G6" "$WORK/job.json"
jis "  ... the job on the server has abort true" 'd["abort"]' true "$WORK/job.json"

# ------------------------------------------------------------------------------------------------
section "jobs wait on a terminal: one live progress line"
# script(1) gives the tool a pseudo-terminal as stdout.
command -v script >/dev/null || die "script (util-linux) is required"
GT=$(cc_start google '{"key_rings":["tty-1","tty-2","tty-3"]}')
printf -v TTYCMD '%q ' "$KEYOPS" "${G[@]}" "${CC[@]}" jobs wait google "$GT" --interval 0.5
KCMD="script -qec 'keyops ... jobs wait google $GT --interval 0.5' /dev/null"
RC=0
timeout -k 5 60 script -qec "$TTYCMD" /dev/null </dev/null >"$OUT" 2>"$ERR" || RC=$?
no_secrets
rc 0 "jobs wait on a terminal"
REDRAWS=$(grep -o $'\r\e\[K' "$OUT" | wc -l)
if [[ $REDRAWS -ge 2 ]] && grep -q "3/3 resources" "$OUT" && grep -q "$GT: completed" "$OUT"; then
    ok "  ... the progress line is redrawn in place ($REDRAWS times) up to 3/3 resources"
else
    bad "  ... a live line redrawn with CR and erase-line, ending at 3/3 resources" \
        "redraws: $REDRAWS" "output: $(od -c "$OUT" | head -20)"
fi

# ------------------------------------------------------------------------------------------------
section "jobs wait on ten jobs: one list request per round"
reset
TEN=()
for i in $(seq 10); do
    TEN+=("$(cc_start oci "{\"vaults\":[\"ten-$i\"]}")")
done
admin DELETE stats
ko "${G[@]}" "${CC[@]}" --json jobs wait oci "${TEN[@]}" --interval 1
admin GET stats
cp "$WORK/admin.json" "$WORK/stats.json"
rc 0 "jobs wait on ten oci jobs --interval 1"
jis "  ... ten outcomes, all completed" 'sorted((x["id"], x["outcome"]) for x in d) == sorted((i, "completed") for i in e["ids"])' \
    true "$OUT" <(printf '{"ids":["%s"]}' "$(IFS=,; echo "${TEN[*]}" | sed 's/,/","/g')")
LISTS=$(jv 'd["requests"].get("GET '"${KPATH[oci]}"'", 0)' "$WORK/stats.json")
PERJOB=$(jv '[k for k in d["requests"] if k.startswith("GET '"${KPATH[oci]}"'/")]' "$WORK/stats.json")
if [[ $LISTS -ge 1 && $LISTS -le 5 ]]; then
    ok "  ... GET ${KPATH[oci]} counted $LISTS times (1..5 for 3 s jobs polled every 1 s)"
else
    bad "  ... GET ${KPATH[oci]} counted $LISTS times, expected 1..5" "stats: $(cat "$WORK/stats.json")"
fi
if [[ $PERJOB == '[]' ]]; then
    ok "  ... no per-job GETs"
else
    bad "  ... no per-job GETs" "stats: $(cat "$WORK/stats.json")"
fi
ALLSAME=1
for id in "${TEN[@]}"; do
    server "${KPATH[oci]}/$id" "$WORK/job.json"
    jv '[x["job"] for x in d if x["id"] == e["id"]][0]' "$OUT" "$WORK/job.json" >"$WORK/waited.json" 2>/dev/null ||
        echo null >"$WORK/waited.json"
    if ! msg=$(J eq "$WORK/waited.json" "$WORK/job.json"); then
        ALLSAME=0
        bad "  ... job $id equals the server's" "$msg"
        break
    fi
done
[[ $ALLSAME == 1 ]] && ok "  ... every job equals the server's after it ended"

section "a wait across token expiry (tokens live 2 s, the job 3 s, plus /__sim/expire-tokens)"
reset
EXP=$(cc_start oci '{"vaults":["expiry"]}')
KCMD=$(redact keyops "${G[@]}" "${CC[@]}" --json jobs wait oci "$EXP" --interval 1)
RC=0
timeout -k 5 60 "$KEYOPS" "${G[@]}" "${CC[@]}" --json jobs wait oci "$EXP" --interval 1 \
    </dev/null >"$OUT" 2>"$ERR" &
BG=$!
BG_PIDS+=("$BG")
sleep 1
admin POST expire-tokens
JWT_AT=0
NI_AT=0
EXPIRED=$(jv 'd["expired"]["cckm"]' "$WORK/admin.json")
wait "$BG" || RC=$?
no_secrets
rc 0 "jobs wait with tokens expired under it (expire-tokens expired $EXPIRED CCKM tokens)"
jis "  ... outcome completed" '[x["outcome"] for x in d]' '["completed"]' "$OUT"
