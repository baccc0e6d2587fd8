# cli.errors: exit 7 for server faults (500, silence past --timeout, a closed connection, a body
# that is not JSON), TLS failures (a wrong --cacert, none) and a closed port; jobs wait riding out
# a 500 until its --deadline.
start_main_sim
seed_ids

section "network, TLS and server errors: exit 7"
admin POST faults '{"route":"/api/v1/cckm","fault":"status","status":500}'
ko "${G[@]}" "${CC[@]}" --timeout 5 jobs list dsm
rc 7 "server answers 500 on /api/v1/cckm: jobs list"
ko "${G[@]}" "${CC[@]}" --timeout 5 jobs get dsm "$DSM_VENDOR"
rc 7 "server answers 500: jobs get"
ko "${G[@]}" "${CC[@]}" --timeout 5 --json jobs wait dsm "$DSM_VENDOR" --deadline 3
rc 5 "server answers 500: jobs wait rides it out until its --deadline"
jis "  ... outcome deadline" '[x["outcome"] for x in d]' '["deadline"]' "$OUT"
if grep -q "its last poll failed" "$ERR"; then
    ok "  ... the deadline message names the outage"
else
    bad "  ... the deadline message names the outage" "$(head -c 400 "$ERR")"
fi
admin DELETE faults
# A server that never answers within --timeout: exit 7 whatever the credentials.
admin POST faults '{"route":"/api/v1/cckm","fault":"latency","ms":4000}'
ko "${G[@]}" "${CC[@]}" --timeout 2 jobs get dsm "$DSM_VENDOR"
rc 7 "a server silent past --timeout, with --user"
cc_jwt
ko "${G[@]}" --token "$JWT" --timeout 2 jobs get dsm "$DSM_VENDOR"
rc 7 "a server silent past --timeout, with --token"
admin DELETE faults
admin POST faults '{"route":"/api/ni","fault":"status","status":500}'
ko "${G[@]}" "${NI[@]}" --timeout 5 proxy-key details
rc 7 "server answers 500 on /api/ni: proxy-key details"
admin DELETE faults
admin POST faults '{"route":"/api/v1/cckm","fault":"close_before"}'
ko "${G[@]}" "${CC[@]}" --timeout 5 jobs list dsm
rc 7 "the server closes the connection without a response"
admin DELETE faults
admin POST faults '{"route":"/api/v1/cckm","fault":"malformed"}'
ko "${G[@]}" "${CC[@]}" --timeout 5 jobs list dsm
rc 7 "the server's body is not JSON"
admin DELETE faults
other_cert
ko --url "$BASE" --cacert "$WORK/other.pem" "${CC[@]}" --timeout 5 jobs list dsm
rc 7 "--cacert a certificate that did not sign the server's (TLS failure)"
# The login request is where a --user run meets TLS first: it names the refused check too.
if grep -Eq "certificate verify failed.*: (self-signed certificate|unable to get local issuer)" "$ERR"; then
    ok "  ... the password path names the check that refused the certificate"
else
    bad "  ... the password path names the check that refused the certificate" \
        "$(head -c 400 "$ERR")"
fi
ko --url "$BASE" "${CC[@]}" --timeout 5 jobs list dsm
rc 7 "no --cacert, no --insecure: the self-signed certificate is refused"
closed_port
ko --url "https://127.0.0.1:$CLOSED" --cacert "$CA" "${CC[@]}" --timeout 5 jobs list dsm
rc 7 "a closed port"
ko --url "https://127.0.0.1:$CLOSED" --cacert "$CA" "${NI[@]}" --timeout 5 proxy-key status
rc 7 "a closed port: proxy-key status"
