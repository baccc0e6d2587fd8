# cli.saas: Network Insight SaaS (a CSP API token exchanged on another origin, the API under
# /ni/api/ni) and vIDM, against the cluster simulator.
start_cluster_sim

section "Network Insight SaaS (a CSP API token) and vIDM, against the cluster simulator"
ko "${CG[@]}" --ni-url "$N1" --ni-csp-url "$N2" --ni-csp-token-file "$WORK/csp.tok" \
    proxy-key rotate --wait --interval 0.5 --deadline 60
rc 0 "proxy-key rotate --wait with --ni-csp-token-file (the CSP exchange on another origin)"
has "  ... the rotation succeeded" "SUCCESS" "$OUT"
has "  ... the CSP exchange was made" "POST /csp/gateway/am/api/auth/api-tokens/authorize 200" "$WORK/csim.log"
has "  ... the requests went under /ni/api/ni" "GET /ni/api/ni/customers/collector/data-encryption-cert/update/status 200" "$WORK/csim.log"
ko KEYOPS_NI_CSP_TOKEN="$CSP_TOK" KEYOPS_NI_CSP_URL="$N2" "${CG[@]}" --ni-url "$N1" --json proxy-key details
rc 0 "proxy-key details with KEYOPS_NI_CSP_TOKEN and KEYOPS_NI_CSP_URL"
jis "  ... the key was last updated by the SaaS user" 'd["lastUpdatedBy"]' csp-user "$OUT"
ko "${CG[@]}" --ni-url "$N1" --ni-csp-url "$N2" --ni-csp-token-file "$WORK/csp-wrong.tok" proxy-key status
if [[ $RC != 0 ]] && grep -q "CSP API token was refused" "$ERR"; then
    ok "a wrong CSP API token: exit $RC, the error says the CSP API token was refused"
else
    bad "a wrong CSP API token is refused clearly" "exit $RC: $(head -c 300 "$ERR")"
fi
ko "${CG[@]}" --ni-url "$N1" --ni-vidm-token-file "$WORK/vidm.tok" --json proxy-key details
rc 0 "proxy-key details with --ni-vidm-token-file (POST /api/ni/auth/token/vidm)"
jis "  ... the key details read" 'd["customerId"]' 1 "$OUT"
has "  ... the vIDM grant was made" "POST /api/ni/auth/token/vidm 200" "$WORK/csim.log"
