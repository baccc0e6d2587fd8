# cli.jobs: jobs list (--json equals the server's page for every listable kind and every
# filter, the table), jobs get (--json, the block, unknown ids), the cases the spec leaves open
# (a 409, a 405, a refused body), jobs list --all across pages.
start_main_sim

section "jobs list: --json equals the server's page"
reset
for kind in "${LISTABLE[@]}"; do
    ko "${G[@]}" "${CC[@]}" --json jobs list "$kind"
    server "${KPATH[$kind]}" "$WORK/page.json"
    if [[ $RC == 0 ]]; then
        jeq "jobs list $kind --json: exit 0, the page GET ${KPATH[$kind]} returns" "$OUT" "$WORK/page.json"
    else
        rc 0 "jobs list $kind --json"
    fi
done
# list_vs TOOL-ARGS... -- QUERY: the tool's page against curl's for QUERY on dsm/oci/google
list_vs() {
    local kind=$1 args=() q
    shift
    while [[ $1 != -- ]]; do
        args+=("$1")
        shift
    done
    q=$2
    ko "${G[@]}" "${CC[@]}" --json jobs list "$kind" "${args[@]}"
    server "${KPATH[$kind]}?$q" "$WORK/page.json"
    if [[ $RC == 0 ]]; then
        jeq "jobs list $kind ${args[*]} --json equals GET ?$q (total $(jv 'd["total"]' "$WORK/page.json"))" \
            "$OUT" "$WORK/page.json"
    else
        rc 0 "jobs list $kind ${args[*]} --json"
    fi
}
seed_ids
list_vs dsm --status failed -- 'overall_status=failed'
list_vs dsm --status completed -- 'overall_status=completed'
list_vs dsm --status in_progress -- 'overall_status=in_progress'
list_vs dsm --id "$DSM_A" -- "id=$DSM_A"
list_vs dsm --id "$DSM_A" --id "$DSM_B" -- "id=$DSM_A&id=$DSM_B"
list_vs oci --filter vaults=5e9ee2f1-1b90-4b7d-b319-2b0848e78e75 -- 'vaults=5e9ee2f1-1b90-4b7d-b319-2b0848e78e75'
list_vs dsm --filter domains=domain-fail-demo -- 'domains=domain-fail-demo'
list_vs dsm --sort createdAt -- 'sort=createdAt'
list_vs dsm --sort -createdAt -- 'sort=-createdAt'
list_vs dsm --sort overall_status,-id -- 'sort=overall_status,-id'
list_vs dsm --limit 2 -- 'limit=2'
list_vs dsm --limit 2 --skip 1 -- 'limit=2&skip=1'
list_vs dsm --skip 3 -- 'skip=3'
list_vs google --status completed --sort id --limit 1 --skip 1 -- 'overall_status=completed&sort=id&limit=1&skip=1'

ko "${G[@]}" "${CC[@]}" jobs list dsm
server "${KPATH[dsm]}" "$WORK/page.json"
rc 0 "jobs list dsm (table)"
pyck "jobs list dsm without --json: a header with ID and STATUS, one line per job" table "$OUT" "$WORK/page.json"
ko "${G[@]}" "${CC[@]}" jobs list dsm --status failed
server "${KPATH[dsm]}?overall_status=failed" "$WORK/page.json"
pyck "jobs list dsm --status failed (table): one line per job" table "$OUT" "$WORK/page.json"

# ------------------------------------------------------------------------------------------------
section "jobs get"
for pair in "dsm $DSM_VENDOR" "dsm $DSM_B" "azure-certificates $AZC_VENDOR" \
    "google-update-all-versions 778a1024-dc18-49cb-833b-cfd6c000c090" \
    "oci 45f1c056-ad1f-41b7-bf68-2b2909e51ab9"; do
    read -r kind id <<<"$pair"
    ko "${G[@]}" "${CC[@]}" --json jobs get "$kind" "$id"
    server "${KPATH[$kind]}/$id" "$WORK/job.json"
    if [[ $RC == 0 ]]; then
        jeq "jobs get $kind $id --json: exit 0, equals the server's job" "$OUT" "$WORK/job.json"
    else
        rc 0 "jobs get $kind $id --json"
    fi
done
ko "${G[@]}" "${CC[@]}" jobs get dsm "$DSM_VENDOR"
server "${KPATH[dsm]}/$DSM_VENDOR" "$WORK/job.json"
rc 0 "jobs get dsm ID (block)"
pyck "jobs get without --json: name: value lines with id: and overall_status:" block "$OUT" "$WORK/job.json"
ko "${G[@]}" "${CC[@]}" jobs get dsm "$UNKNOWN_ID"
rc 4 "jobs get an unknown id"
ko "${G[@]}" "${CC[@]}" --json jobs get oci "$UNKNOWN_ID"
rc 4 "jobs get --json an unknown id"
ko "${G[@]}" "${CC[@]}" jobs cancel oci "$UNKNOWN_ID"
rc 4 "jobs cancel an unknown id"
# Cases the spec gives no exit code for: reported, not judged.
ko "${G[@]}" "${CC[@]}" jobs cancel dsm "$DSM_VENDOR"
rc 8 "jobs cancel of a finished job (server 409)"
ko "${G[@]}" "${CC[@]}" jobs list google-update-all-versions
note "jobs list google-update-all-versions (no list route, server 405): exit $RC"
ko "${G[@]}" "${CC[@]}" jobs start google --body '{"synchronize_all":false}'
note "jobs start with a body the server refuses (400 NCERRInvalidParamValue): exit $RC"


section "jobs list --all across pages"
# The pages of the seeded jobs plus ten finished oci jobs started with curl.
reset
TEN=()
for i in $(seq 10); do
    TEN+=("$(cc_start oci "{\"vaults\":[\"ten-$i\"]}")")
done
for _ in $(seq 100); do
    server "${KPATH[oci]}?limit=1000&overall_status=in_progress" "$WORK/running.json"
    [[ $(jv '[x["id"] for x in d["resources"] if x["id"] in e["ids"]]' "$WORK/running.json" \
        <(printf '{"ids":["%s"]}' "$(IFS=,; echo "${TEN[*]}" | sed 's/,/","/g')")) != '[]' ]] || break
    sleep 0.25
done
server "${KPATH[oci]}?limit=1000" "$WORK/all.json"
jv 'd["resources"]' "$WORK/all.json" >"$WORK/all-resources.json"
admin DELETE stats
ko "${G[@]}" "${CC[@]}" --json jobs list oci --all --limit 2
rc 0 "jobs list oci --all --limit 2 ($(jv 'd["total"]' "$WORK/all.json") jobs)"
jeq "  ... one array equal to GET ?limit=1000's resources" "$OUT" "$WORK/all-resources.json"
admin GET stats
PAGES=$(jv 'd["requests"].get("GET '"${KPATH[oci]}"'", 0)' "$WORK/admin.json")
WANT_PAGES=$(jv '(d["total"] + 1) // 2' "$WORK/all.json")
if [[ $PAGES -ge $WANT_PAGES && $PAGES -le $((WANT_PAGES + 1)) ]]; then
    ok "  ... fetched in $PAGES pages of 2"
else
    bad "  ... fetched in pages of 2" "expected $WANT_PAGES or $((WANT_PAGES + 1)) list requests, got $PAGES"
fi
server "${KPATH[oci]}?limit=1000&overall_status=completed" "$WORK/all.json"
jv 'd["resources"]' "$WORK/all.json" >"$WORK/all-resources.json"
ko "${G[@]}" "${CC[@]}" --json jobs list oci --all --limit 3 --status completed
rc 0 "jobs list oci --all --limit 3 --status completed"
jeq "  ... equals GET ?limit=1000&overall_status=completed" "$OUT" "$WORK/all-resources.json"
server "${KPATH[oci]}?limit=1000" "$WORK/all.json"
ko "${G[@]}" "${CC[@]}" jobs list oci --all --limit 4
rc 0 "jobs list oci --all --limit 4 (table)"
pyck "  ... a header and one line per job of every page" table "$OUT" "$WORK/all.json"
