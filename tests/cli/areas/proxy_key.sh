# cli.proxy_key: proxy-key details, status, rotate and rotate --wait (SUCCESS, FAILED, a 409,
# --deadline) compared with the server's objects.
start_main_sim

section "proxy-key"
reset
ko "${G[@]}" "${NI[@]}" --json proxy-key details
rc 0 "proxy-key details --json"
ni GET "$NIP/details" "$WORK/details.json"
jeq "  ... equals the server's details" "$OUT" "$WORK/details.json"
ko "${G[@]}" "${NI[@]}" proxy-key details
rc 0 "proxy-key details (text)"
if grep -q "$(jv 'd["remainingValidity"]' "$WORK/details.json")" "$OUT"; then
    ok "  ... shows remainingValidity"
else
    bad "  ... shows remainingValidity" "not in stdout"
fi
# Before any rotation the server answers 404: no rotation requested, exit 0 (it was exit 4, a
# "not found", before the servers' facts were corrected).
ko "${G[@]}" "${NI[@]}" --json proxy-key status
rc 0 "proxy-key status --json before any rotation (server 404)"
if [[ $(cat "$OUT") == null ]]; then ok "  ... prints null"; else bad "  ... prints null" "$(head -c 200 "$OUT")"; fi
ko "${G[@]}" "${NI[@]}" proxy-key status
rc 0 "proxy-key status before any rotation"
has "  ... says no rotation was requested" "no rotation requested" "$OUT"

ko "${G[@]}" "${NI[@]}" --json proxy-key rotate --wait
rc 0 "proxy-key rotate --wait (SUCCESS)"
ni GET "$NIP/update/status" "$WORK/status.json"
jis "  ... the last status object: SUCCESS" 'd.get("status")' SUCCESS "$OUT"
jeq "  ... equals the server's status" "$OUT" "$WORK/status.json"
ko "${G[@]}" "${NI[@]}" --json proxy-key status
rc 0 "proxy-key status --json"
jeq "  ... equals the server's status" "$OUT" "$WORK/status.json"
ko "${G[@]}" "${NI[@]}" --json proxy-key details
ni GET "$NIP/details" "$WORK/details.json"
jeq "proxy-key details --json after a rotation equals the server's" "$OUT" "$WORK/details.json"
jis "  ... lastUpdatedBy is the rotating user" 'd["lastUpdatedBy"]' "$NI_USER" "$WORK/details.json"

ko "${G[@]}" "${NI[@]}" --json proxy-key rotate
rc 0 "proxy-key rotate (no wait)"
printf '%s' '{"customerId":1,"status":"SUBMITTED","failedCollectorIds":[]}' >"$WORK/submitted.json"
jeq "  ... prints the server's object" "$OUT" "$WORK/submitted.json"
ko "${G[@]}" "${NI[@]}" proxy-key rotate
rc 8 "proxy-key rotate while a rotation runs (server 409)"

reset
admin POST rotation-fail
ko "${G[@]}" "${NI[@]}" --json proxy-key rotate --wait
rc 1 "proxy-key rotate --wait (FAILED)"
ni GET "$NIP/update/status" "$WORK/status.json"
jis "  ... status FAILED, failedCollectorIds" '[d.get("status"), d.get("failedCollectorIds")]' \
    '["FAILED",["collector-1","collector-2"]]' "$OUT"
jeq "  ... equals the server's status" "$OUT" "$WORK/status.json"
ko "${G[@]}" "${NI[@]}" --json proxy-key status
[[ $RC == 1 ]] || note "proxy-key status when the last rotation FAILED: exit $RC"
jeq "proxy-key status --json after a failed rotation equals the server's" "$OUT" "$WORK/status.json"

reset
ko "${G[@]}" "${NI[@]}" proxy-key rotate --wait --deadline 1
rc 5 "proxy-key rotate --wait --deadline 1 on a 3 s rotation"
