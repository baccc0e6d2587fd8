# cli.numbers: numbers a field cannot hold (beyond 64 bits): that field alone is reported, --json
# prints what the server sent.
start_main_sim

section "numbers a field cannot hold: that field alone is reported, --json prints what was sent"
ODD_JOB='{"id":"0dd00000-0000-4000-8000-000000000001","overall_status":"completed","version_count":99999999999999999999,"createdAt":"0001-01-01T00:00:00Z","abort":false,"domains":["d1"],"detailed_status":{"d1":"done"},"padding":1.50}'
fault_json=$("$PY" -S -c 'import json, sys; print(json.dumps({"route": sys.argv[1], "fault": "status", "status": 200, "body": sys.argv[2]}))' \
    "${KPATH[dsm]}/0dd00000-0000-4000-8000-000000000001" "$ODD_JOB")
admin POST faults "$fault_json"
ko "${G[@]}" "${CC[@]}" jobs get dsm 0dd00000-0000-4000-8000-000000000001
rc 0 "a job whose version_count is beyond 64 bits is read"
has "  ... the rest of the job is shown" "overall_status: completed" "$OUT"
has "  ... Go's zero time reads as not set" "(not set)" "$OUT"
has "  ... the field is named in a warning" "warning: /version_count" "$ERR"
ko "${G[@]}" "${CC[@]}" --json jobs get dsm 0dd00000-0000-4000-8000-000000000001
rc 0 "  ... --json"
if [[ $(cat "$OUT") == "$ODD_JOB" ]]; then
    ok "  ... --json prints exactly what the server sent"
else
    bad "  ... --json prints exactly what the server sent" "$(head -c 400 "$OUT")"
fi
admin DELETE faults
ODD_PAGE='{"skip":0,"limit":10,"total":2,"resources":['"$ODD_JOB"',{"id":"0dd00000-0000-4000-8000-000000000002","overall_status":"in_progress","version_count":18446744073709551616}]}'
fault_json=$("$PY" -S -c 'import json, sys; print(json.dumps({"route": sys.argv[1], "method": "GET", "fault": "status", "status": 200, "body": sys.argv[2]}))' \
    "${KPATH[dsm]}" "$ODD_PAGE")
admin POST faults "$fault_json"
ko "${G[@]}" "${CC[@]}" --json jobs list dsm --all
rc 0 "a page with numbers no integer holds: jobs list --all --json"
if [[ $(cat "$OUT") == "[$ODD_JOB,"'{"id":"0dd00000-0000-4000-8000-000000000002","overall_status":"in_progress","version_count":18446744073709551616}]' ]]; then
    ok "  ... prints every job exactly as sent"
else
    bad "  ... prints every job exactly as sent" "$(head -c 600 "$OUT")"
fi
ko "${G[@]}" "${CC[@]}" jobs list dsm
rc 0 "  ... the table"
has "  ... warns of each value left out" "warning: /resources/1/version_count" "$ERR"
admin DELETE faults
