# cli.watch: jobs watch against a simulator that starts and ends jobs of every kind at a steady
# rate (--scenario) and honours `sort` only where it is documented (--sort documented): the
# events of every job (started once, ended once, as the server ends it; some start and end between
# two rounds), across a kill -9 of the watch and a restart from its cursor, and Ctrl-C (exit 130,
# the cursor saved); --once, --since, an error event, and the usage errors. The Network Insight
# proxy key's rotations beside the jobs: followed, failed, and one made between two runs.
SIM_ARGS+=(--scenario steady:240:48 --sort documented --job-seconds 1-4)
start_main_sim
WATCH=("${G[@]}" "${CC[@]}" jobs watch)

section "usage errors"
usage_err "jobs watch of a kind without a list" "no list endpoint" \
    "${WATCH[@]}" google-update-all-versions
usage_err "jobs watch --since that is not a time" "RFC 3339" "${WATCH[@]}" --since yesterday
usage_err "jobs watch --interval 0" "interval" "${WATCH[@]}" --interval 0
printf 'not a cursor' >"$WORK/bad.cursor"
usage_err "jobs watch --cursor FILE that is not a cursor" "not a watch cursor" \
    "${WATCH[@]}" --cursor "$WORK/bad.cursor"

nd() { # nd NDJSON-FILE JSON-FILE: the lines as one JSON array
    "$PY" -c 'import json, sys; json.dump([json.loads(l) for l in open(sys.argv[1])], open(sys.argv[2], "w"))' "$1" "$2"
}
# Every line of FILE... an event object with the members its schema gives.
events_ok() { # events_ok DESCRIPTION FILE...
    local why
    why=$("$PY" - "$@" <<'EOF'
import json, sys
kinds = set()
for path in sys.argv[2:]:
    for n, line in enumerate(open(path), 1):
        try:
            e = json.loads(line)
        except ValueError:
            print(f"{path}:{n}: not JSON: {line[:80]}"); sys.exit()
        t = e.get("event")
        if t == "error":
            need = ["kind", "message", "seen"]
        elif t in ("started", "progress", "completed", "aborted", "failed", "vanished"):
            need = ["kind", "id", "state", "time", "seen", "job"]
        else:
            print(f"{path}:{n}: unknown event {t!r}"); sys.exit()
        missing = [m for m in need if m not in e]
        if missing:
            print(f"{path}:{n}: {t} without {missing}"); sys.exit()
        if e["kind"] == "proxy-key":
            if e["job"] is not None or (t == "failed") != ("failed_collector_ids" in e):
                print(f"{path}:{n}: a rotation event with a job, or failed_collector_ids amiss"); sys.exit()
        elif t not in ("error", "vanished") and (e["job"] or {}).get("id") != e["id"]:
            print(f"{path}:{n}: the job is not job {e['id']}"); sys.exit()
EOF
)
    if [[ -z $why ]]; then ok "$1"; else bad "$1" "$why"; fi
}

section "--once: the jobs running now, as started events"
ko "${WATCH[@]}" --once
rc 0 "jobs watch --once: exit 0"
events_ok "  ... one event object a line" "$OUT"
nd "$OUT" "$WORK/once.json"
jis "  ... only started events, of in_progress jobs" \
    'sorted({(e["event"], e["state"]) for e in d})' '[["started","in_progress"]]' "$WORK/once.json"

section "a watch with --cursor, killed (-9) and started again, then stopped with Ctrl-C"
CUR=$WORK/watch.cursor
reset # the scenario starts again here: its 48 jobs within 12 s from now
W_START=$(date -u +%s)
watch_bg() { # watch_bg OUTFILE: the watch in the background, its own pid in WPID (no wrapper:
    # the kill -9 must reach the tool itself)
    "$KEYOPS" "${WATCH[@]}" --cursor "$CUR" --interval 0.5s </dev/null >"$1" 2>>"$WORK/watch.err" &
    WPID=$!
    BG_PIDS+=("$WPID")
}
watch_bg "$WORK/w1.out"
sleep 4
kill -KILL "$WPID"
wait "$WPID" 2>/dev/null || true # (bash reports the kill)
[[ -s $CUR ]] && ok "  ... the cursor file was written before the kill" ||
    bad "  ... the cursor file was written before the kill" "no $CUR"
sleep 2
watch_bg "$WORK/w2.out"
sleep 5
kill -INT "$WPID"
RC=0
for _ in $(seq 100); do # at most 10 s for the round in flight and the cursor
    kill -0 "$WPID" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$WPID" 2>/dev/null && bad "jobs watch ends within 10 s of SIGINT" && kill -KILL "$WPID"
wait "$WPID" || RC=$?
KCMD="keyops jobs watch --cursor FILE (Ctrl-C)"
rc 130 "jobs watch stopped by SIGINT: exit 130"
jis "  ... the cursor saved is a version 1 cursor naming every listed kind" \
    '[d["keyops_watch"], len(d["kinds"])]' "[1,${#LISTABLE[@]}]" "$CUR"
[[ ! -e $CUR.tmp ]] && ok "  ... no $CUR.tmp left" || bad "  ... no cursor.tmp left"
# The scenario's 48 jobs are made within 12 s of the start and end within 4 s after.
sleep $((W_START + 18 - $(date -u +%s) > 0 ? W_START + 18 - $(date -u +%s) : 0))
ko "${WATCH[@]}" --cursor "$CUR" --once
rc 0 "jobs watch --cursor FILE --once after the scenario: exit 0"
cp "$OUT" "$WORK/w3.out"
events_ok "  ... every line of the three runs is an event object" "$WORK/w1.out" "$WORK/w2.out" \
    "$WORK/w3.out"
for kind in "${LISTABLE[@]}"; do
    server "${KPATH[$kind]}?limit=1000" "$WORK/list-$kind.json"
done
why=$("$PY" - "$WORK" "$W_START" "${LISTABLE[@]}" <<'EOF'
import json, sys, datetime
work, start, kinds = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
events = {}
for f in ("w1", "w2", "w3"):
    for line in open(f"{work}/{f}.out"):
        e = json.loads(line)
        if e["event"] != "error":
            events.setdefault((e["kind"], e["id"]), []).append(e["event"])
problems, checked, between, progress = [], 0, 0, 0
for kind in kinds:
    for j in json.load(open(f"{work}/list-{kind}.json"))["resources"]:
        created = datetime.datetime.fromisoformat(j["createdAt"].replace("Z", "+00:00")).timestamp()
        ev = events.get((kind, j["id"]), [])
        progress += ev.count("progress")
        if created < start + 3:  # the first watch's baseline may have taken it as ended before
            continue
        checked += 1
        end = "failed" if j["overall_status"] == "failed" else "aborted" if j.get("abort") else "completed"
        ends = [x for x in ev if x != "progress" and x != "started"]
        if ev[:1] != ["started"] or ev.count("started") != 1 or ends != [end]:
            problems.append(f"{kind} {j['id']} ({j['overall_status']}): {ev}")
        if ev == ["started", end]:
            between += 1
dups = [k for k, ev in events.items() if ev.count("started") > 1]
if problems or dups or checked < 24:
    print(f"{checked} jobs checked; {problems[:5]} {dups[:5]}")
else:
    print(f"OK {checked} {between} {progress}")
EOF
)
if [[ $why == OK* ]]; then
    read -r _ checked between progress <<<"$why"
    ok "  ... every job made after the watch began: started once, then ended once as the server ended it ($checked jobs; $between with no progress between; $progress progress events in all)"
else
    bad "  ... every job made after the watch began: started once, then ended once" "$why"
fi

section "--since: every job created after a time, ended ones too"
SINCE=$(date -u -d "@$((W_START + 6))" +%Y-%m-%dT%H:%M:%SZ)
ko "${WATCH[@]}" --once --since "$SINCE" oci azure
rc 0 "jobs watch --once --since $SINCE oci azure: exit 0"
why=$("$PY" - "$OUT" "$WORK" "$SINCE" <<'EOF'
import json, sys, datetime
out, work, since = sys.argv[1:4]
t = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
got = {}
for line in open(out):
    e = json.loads(line)
    got.setdefault((e["kind"], e["id"]), []).append(e["event"])
want = {(k, j["id"]) for k in ("oci", "azure")
        for j in json.load(open(f"{work}/list-{k}.json"))["resources"]
        if t(j["createdAt"]) > t(since)}
extra = [k for k in got if k[0] not in ("oci", "azure")]
if set(got) != want or extra or any(ev[0] != "started" or len(ev) != 2 for ev in got.values()):
    print(f"want {sorted(want)}, got {got}")
else:
    print(f"OK {len(want)}")
EOF
)
[[ $why == OK* ]] && ok "  ... exactly the oci and azure jobs created after it, each started then ended (${why#OK })" ||
    bad "  ... exactly the oci and azure jobs created after it" "$why"

section "a kind whose list fails: an error event, the others read"
admin POST faults "{\"route\":\"${KPATH[dsm]}\",\"fault\":\"status\",\"status\":503}"
ko "${WATCH[@]}" --once --since "$SINCE" dsm oci
rc 7 "jobs watch --once dsm oci, dsm's list answering 503: exit 7"
nd "$OUT" "$WORK/errors.json"
jis "  ... an error event for dsm naming the status, oci's events as before" \
    '[sorted({e["kind"] for e in d if e["event"] == "error"}),
      any("503" in e.get("message", "") for e in d), any(e["kind"] == "oci" for e in d)]' \
    '[["dsm"],true,true]' "$WORK/errors.json"
admin DELETE faults

section "proxy-key: the rotations beside the jobs, into one output and one cursor"
reset
PK=("${G[@]}" "${CC[@]}" "${NI[@]}" jobs watch)
PCUR=$WORK/pk.cursor
ko "${PK[@]}" proxy-key --once --cursor "$PCUR"
rc 0 "jobs watch proxy-key --once, no rotation yet: exit 0"
[[ ! -s $OUT ]] && ok "  ... no event" || bad "  ... no event" "$(head -3 "$OUT")"
jis "  ... the cursor has the key, and no rotation" \
    '[d["proxy_key"]["rotations"], "status" in d["proxy_key"], d["proxy_key"]["open"]]' \
    '[0,false,false]' "$PCUR"
"$KEYOPS" "${PK[@]}" oci proxy-key --cursor "$PCUR" --interval 0.3s </dev/null \
    >"$WORK/pk1.out" 2>>"$WORK/watch.err" &
WPID=$!
BG_PIDS+=("$WPID")
sleep 1
ko "${G[@]}" "${NI[@]}" proxy-key rotate --wait --interval 0.2
rc 0 "proxy-key rotate --wait while the watch runs: exit 0"
admin POST rotation-fail '{"collectors":["collector-7"]}'
ko "${G[@]}" "${NI[@]}" proxy-key rotate --wait --interval 0.2
sleep 1
kill -INT "$WPID"
RC=0
wait "$WPID" || RC=$?
KCMD="keyops jobs watch oci proxy-key --cursor FILE (Ctrl-C)"
rc 130 "jobs watch oci proxy-key stopped by SIGINT: exit 130"
events_ok "  ... every line is an event object" "$WORK/pk1.out"
nd "$WORK/pk1.out" "$WORK/pk1.json"
jis "  ... rotation 1 started and completed at the key's new time, rotation 2 started and failed with its collectors" \
    '[[e["event"], e["id"]] for e in d if e["kind"] == "proxy-key" and e["event"] != "progress"] + [[e["time"] is not None for e in d if e["kind"] == "proxy-key" and e["event"] == "completed"], [e["failed_collector_ids"] for e in d if e["event"] == "failed" and e["kind"] == "proxy-key"]]' \
    '[["started","1"],["completed","1"],["started","2"],["failed","2"],[true],[["collector-7"]]]' \
    "$WORK/pk1.json"
jis "  ... the cursor has both: the kinds and the rotations" \
    '[list(d["kinds"]), d["proxy_key"]["rotations"], d["proxy_key"]["status"]]' \
    '[["oci"],2,"FAILED"]' "$PCUR"
ko "${G[@]}" "${NI[@]}" proxy-key rotate --wait --interval 0.2
ko "${PK[@]}" proxy-key --once --cursor "$PCUR"
rc 0 "a rotation made while no watch ran, then jobs watch proxy-key --once: exit 0"
nd "$OUT" "$WORK/pk2.json"
jis "  ... started then completed, as rotation 3" \
    '[[e["event"], e["id"], e["state"]] for e in d]' \
    '[["started","3","SUCCESS"],["completed","3","SUCCESS"]]' "$WORK/pk2.json"
ko "${PK[@]}" proxy-key --once --cursor "$PCUR"
[[ ! -s $OUT ]] && ok "  ... and not again from the cursor" || bad "  ... and not again" "$(cat "$OUT")"

cli_end
