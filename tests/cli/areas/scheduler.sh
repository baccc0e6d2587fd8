# cli.scheduler: schedule create (typed flags, --body, --operation key-rotation and
# xks-credential-rotation), get, list (--name, --all), update, run-now (also answered 204 without
# a body), wait, runs, delete, and their usage errors and exit codes.
start_main_sim

section "schedule: create, list, run-now, wait, delete (the CipherTrust scheduler)"
reset
SCHED=/api/v1/scheduler
ko "${G[@]}" "${CC[@]}" --json schedule create --name cli-nightly --cloud aws --run-at '0 2 * * *' \
    --kms kms-prod --kms kms-dev --body '{"description":"from the cli test"}'
rc 0 "schedule create with typed flags and --body"
SC=$(json_id)
[[ $SC =~ ^[0-9a-f-]{36}$ ]] && ok "  ... prints the new schedule with its id" ||
    bad "  ... prints the new schedule with its id" "no id in: $(head -c 300 "$OUT")"
jis "  ... name, operation, run_on, run_at, params (as job_config_params), the --body member" \
    '[d["name"], d["operation"], d["run_on"], d["run_at"], [d["job_config_params"][k] for k in ("cloud_name", "kms", "synchronize_all")], d["description"]]' \
    '["cli-nightly","cckm_synchronization","any","0 2 * * *",["aws",["kms-prod","kms-dev"],false],"from the cli test"]' \
    "$OUT"
server "$SCHED/job-configs/$SC" "$WORK/cfg.json"
ko "${G[@]}" "${CC[@]}" --json schedule get "$SC"
rc 0 "schedule get --json"
jeq "  ... equals the server's job config" "$OUT" "$WORK/cfg.json"
ko "${G[@]}" "${CC[@]}" schedule get "$SC"
rc 0 "schedule get (block)"
has "  ... a run_at: line" "0 2 * * *" "$OUT"
has "  ... the operation" "cckm_synchronization" "$OUT"
has "  ... the cloud" "aws" "$OUT"
has "  ... the kms list" "kms-prod, kms-dev" "$OUT"
has "  ... synchronize_all" "synchronize_all:    false" "$OUT"

ko "${G[@]}" "${CC[@]}" --json schedule list
rc 0 "schedule list --json"
server "$SCHED/job-configs" "$WORK/cfgs.json"
jeq "  ... equals the server's page" "$OUT" "$WORK/cfgs.json"
jis "  ... holds the new schedule" '[x["name"] for x in d["resources"] if x["id"] == e["id"]]' \
    '["cli-nightly"]' "$OUT" <(echo "{\"id\":\"$SC\"}")
ko "${G[@]}" "${CC[@]}" schedule list --name cli-nightly
rc 0 "schedule list --name (table)"
has "  ... the table names it" "$SC" "$OUT"
[[ $(grep -c . "$OUT") == 2 ]] && ok "  ... a header and one line" ||
    bad "  ... a header and one line" "$(grep -c . "$OUT") lines"

ko "${G[@]}" "${CC[@]}" schedule create --name cli-nightly --cloud aws --run-at '0 3 * * *' --all
rc 8 "schedule create of a name in use (409)"
usage_err "schedule create without --run-at" 'run-at' schedule create --name x --cloud aws --all
usage_err "schedule create --body that is not an object" 'JSON object' schedule create --body '[1]'
usage_err "schedule wait without a RUN_ID" 'RUN_ID' schedule wait

ko "${G[@]}" "${CC[@]}" --json schedule run-now "$SC"
rc 0 "schedule run-now --json"
RUN=$(json_id)
jis "  ... the run: in_progress, of this schedule" '[d["status"], d["job_config_id"]]' \
    "[\"in_progress\",\"$SC\"]" "$OUT"
ko "${G[@]}" "${CC[@]}" --json schedule wait "$RUN" --interval 0.5
rc 0 "schedule wait RUN_ID (completed)"
server "$SCHED/jobs/$RUN" "$WORK/run.json"
jis "  ... {id, outcome completed, run}" '[d["id"], d["outcome"], sorted(d)]' \
    "[\"$RUN\",\"completed\",[\"id\",\"outcome\",\"run\"]]" "$OUT"
jv 'd["run"]' "$OUT" >"$WORK/waited.json" 2>/dev/null || echo null >"$WORK/waited.json"
jeq "  ... the run equals the server's after it ended" "$WORK/waited.json" "$WORK/run.json"
ko "${G[@]}" "${CC[@]}" schedule wait "$RUN"
rc 0 "schedule wait RUN_ID (text)"
has "  ... names the outcome" "$RUN: completed" "$OUT"
ko "${G[@]}" "${CC[@]}" --json schedule runs --config "$SC"
rc 0 "schedule runs --config ID"
jis "  ... the one run, completed" '[[x["id"], x["status"]] for x in d["resources"]]' \
    "[[\"$RUN\",\"completed\"]]" "$OUT"

ko "${G[@]}" "${CC[@]}" --json schedule create --name cli-fail --cloud aws --run-at '0 4 * * *' \
    --kms kms-fail-demo
SF=$(json_id)
ko "${G[@]}" "${CC[@]}" --json schedule run-now "$SF"
RF=$(json_id)
ko "${G[@]}" "${CC[@]}" schedule wait "$RF" --interval 0.5
rc 1 "schedule wait on a run that fails"
has "  ... the server's error text on stderr" "simulated failure" "$ERR"
ko "${G[@]}" "${CC[@]}" --json schedule run-now "$SF"
RD=$(json_id)
ko "${G[@]}" "${CC[@]}" schedule wait "$RD" --deadline 1
rc 5 "schedule wait --deadline 1 on a 3 s run"

# update: only what is given changes; --clear sends null.
ko "${G[@]}" "${CC[@]}" --json schedule update "$SC" --run-at '15 1 * * *' --clear kms --sync-all true
rc 0 "schedule update --run-at --clear kms --sync-all true"
jis "  ... run_at changed, kms cleared, synchronize_all set, the rest kept" \
    '[d["run_at"], d["job_config_params"]["kms"], d["job_config_params"]["synchronize_all"], d["name"], d["job_config_params"]["cloud_name"], d["description"]]' \
    '["15 1 * * *",[],true,"cli-nightly","aws","from the cli test"]' "$OUT"
ko "${G[@]}" "${CC[@]}" -v schedule update "$SC" --cloud oci
rc 0 "schedule update --cloud alone (the operation is read from the config first)"
has "  ... the config was read for its operation" "GET job config $SC (its operation)" "$ERR"
has "  ... the new cloud" "cloud_name:         oci" "$OUT"
usage_err "schedule update without a change" 'needs a change' schedule update "$SC"
usage_err "schedule update --name ''" 'needs a value' schedule update "$SC" --name ''
usage_err "schedule update --kms with --expiration" 'one operation' schedule update "$SC" \
    --kms k1 --expiration 30d
usage_err "schedule update --clear of an unknown member" 'clear takes' schedule update "$SC" \
    --clear colour
ko "${G[@]}" "${CC[@]}" schedule update "$UNKNOWN_ID" --run-at '0 1 * * *'
rc 4 "schedule update of an unknown config"

ko "${G[@]}" "${CC[@]}" schedule delete "$SC"
rc 0 "schedule delete ID"
ko "${G[@]}" "${CC[@]}" schedule get "$SC"
rc 4 "schedule get after delete"
ko "${G[@]}" "${CC[@]}" schedule delete "$SC"
rc 4 "schedule delete again"
ko "${G[@]}" "${CC[@]}" schedule run-now "$SC"
rc 4 "schedule run-now of a deleted schedule"
ko "${G[@]}" "${CC[@]}" schedule wait "$UNKNOWN_ID"
rc 4 "schedule wait on an unknown run"

# Key rotation: created with typed flags, read back with every parameter, updated, listed.
ko "${G[@]}" "${CC[@]}" --json schedule create --operation key-rotation --name cli-rotate \
    --cloud aws --run-at '0 1 1 * *' --expiration 365d --expire-in 7d --rotation-after 90d \
    --retain-alias true --end-date 2027-12-31T00:00:00Z
rc 0 "schedule create --operation key-rotation"
SK=$(json_id)
jis "  ... operation and parameters" \
    '[d["operation"], d["job_config_params"]["cloud_name"], d["job_config_params"]["expiration"], d["job_config_params"]["expire_in"], d["job_config_params"]["rotation_after"], d["job_config_params"]["aws_param"]["retain_alias"], d["end_date"]]' \
    '["cckm_key_rotation","aws","365d","7d","90d",true,"2027-12-31T00:00:00Z"]' "$OUT"
ko "${G[@]}" "${CC[@]}" schedule get "$SK"
rc 0 "schedule get of a key rotation config"
has "  ... operation" "cckm_key_rotation" "$OUT"
has "  ... expiration" "expiration:         365d" "$OUT"
has "  ... expire_in" "expire_in:          7d" "$OUT"
has "  ... rotation_after" "rotation_after:     90d" "$OUT"
has "  ... retain_alias" "retain_alias:       true" "$OUT"
has "  ... end_date" "end_date:           2027-12-31T00:00:00Z" "$OUT"
hasnt "  ... no start_date (Go's zero time means not set)" "start_date" "$OUT"
server "$SCHED/job-configs/$SK" "$WORK/rot.json"
ko "${G[@]}" "${CC[@]}" --json schedule get "$SK"
jeq "  ... --json equals the server's object" "$OUT" "$WORK/rot.json"
ko "${G[@]}" "${CC[@]}" --json schedule update "$SK" --expiration 30d --clear expire_in \
    --rotate-material true
rc 0 "schedule update of key rotation parameters"
jis "  ... expiration changed, expire_in cleared, rotation_after kept, rotate_material set" \
    '[d["job_config_params"]["expiration"], d["job_config_params"]["expire_in"], d["job_config_params"]["rotation_after"], d["job_config_params"]["aws_param"]["rotate_material"], d["job_config_params"]["aws_param"]["retain_alias"]]' \
    '["30d","","90d",true,true]' "$OUT"
usage_err "schedule create --operation key-rotation with --kms" 'not a parameter' \
    schedule create --operation key-rotation --name x --cloud aws --run-at '* * * * *' --kms k
usage_err "schedule create --expiration 3w" 'days or hours' schedule create \
    --operation key-rotation --name x --cloud aws --run-at '* * * * *' --expiration 3w
usage_err "schedule create --operation backup" 'sync, key-rotation or xks' schedule create \
    --operation backup --name x --run-at '* * * * *'
ko "${G[@]}" "${CC[@]}" --json schedule create --operation xks-credential-rotation --name cli-xks \
    --run-at '0 0 * * 0' --cloud aws
rc 0 "schedule create --operation xks-credential-rotation"
jis "  ... operation and cloud" '[d["operation"], d["job_config_params"]["cloud_name"]]' \
    '["cckm_xks_credential_rotation","aws"]' "$OUT"
SX=$(json_id)

ko "${G[@]}" "${CC[@]}" schedule list --all --limit 1
rc 0 "schedule list --all (pages of one)"
has "  ... a sync config, with its resources" "kms-fail-demo" "$OUT"
has "  ... the rotation config, with its periods" "expiration 30d" "$OUT"
has "  ... the XKS config" "xks-rotation" "$OUT"
has "  ... how many pages it read" "4 job configs in 4 pages" "$ERR"
ko "${G[@]}" "${CC[@]}" --json schedule list --all
rc 0 "schedule list --all --json"
cc GET "$SCHED/job-configs?skip=0&limit=-1" "$WORK/every.json"
jis "  ... every config, as the server lists them with limit=-1" \
    '[x["id"] for x in d["resources"]] == [x["id"] for x in e["resources"]] and d["total"] == len(e["resources"])' \
    true "$OUT" "$WORK/every.json"
ko "${G[@]}" "${CC[@]}" schedule delete "$SK"
rc 0 "schedule delete of the key rotation config"
ko "${G[@]}" "${CC[@]}" schedule delete "$SX"
rc 0 "schedule delete of the XKS config"

# The other reading of run-now: accepted with no body.
ko "${G[@]}" "${CC[@]}" --json schedule create --body \
    '{"name":"cli-raw","operation":"cckm_synchronization","run_at":"*/5 * * * *","cckm_synchronization_params":{"cloud_name":"oci","oci_vaults":["v1"]}}'
rc 0 "schedule create --body alone"
SR=$(json_id)
jis "  ... oci_vaults as sent, run_on defaulted" '[d["job_config_params"]["oci_vaults"], d["run_on"]]' \
    '[["v1"],"any"]' "$OUT"
admin POST run-now-empty '{"empty":true}'
ko "${G[@]}" "${CC[@]}" schedule run-now "$SR"
rc 0 "schedule run-now answered 204 without a body"
has "  ... says the run started, and where to find it" "schedule runs --config $SR" "$ERR"
admin POST run-now-empty '{"empty":false}'
cc GET "$SCHED/jobs?job_config_id=$SR" "$WORK/runs.json"
jis "  ... the run was started all the same" 'len(d["resources"])' 1 "$WORK/runs.json"
