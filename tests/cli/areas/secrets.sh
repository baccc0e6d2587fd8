# cli.secrets: a server that echoes credentials (every secret shown redacted), and -v runs of every
# credential form, failed logins and a wait through a token refresh, none printing a secret
# (the scan of lib.sh's ko checks every run of every area; this area looks for leaks on purpose).
start_main_sim
seed_ids

section "a server that echoes credentials: every secret redacted (the scan checks every run)"
# The job call's error echoes the JWT the login gave; the login's echoes the password.
admin POST faults '{"route":"/api/v1/cckm","fault":"status","status":400,"body":"echo"}'
ko "${G[@]}" "${CC[@]}" jobs list dsm
rc 7 "an error body echoing the Authorization header (--user, the JWT)"
has "  ... the echoed JWT is shown redacted" "Authorization: Bearer <redacted>" "$ERR"
ko "${G[@]}" "${CC[@]}" --json jobs get dsm "$DSM_VENDOR"
rc 7 "  ... and with --json"
has "  ... the echoed JWT is shown redacted (--json)" "<redacted>" "$ERR"
admin DELETE faults
admin POST faults '{"route":"/api/v1/auth/tokens","fault":"status","status":400,"body":"echo"}'
ko "${G[@]}" "${CC[@]}" jobs list dsm
has "an error body echoing the login body: the password is shown redacted" '"password":"<redacted>"' "$ERR"
admin DELETE faults
admin POST faults '{"route":"/api/ni/customers","fault":"status","status":400,"body":"echo"}'
ko "${G[@]}" "${NI[@]}" proxy-key details
rc 7 "a Network Insight error echoing the Authorization header"
has "  ... the echoed Network Insight token is shown redacted" "NetworkInsight <redacted>" "$ERR"
admin DELETE faults
admin POST faults '{"route":"/api/ni/auth/token","fault":"status","status":400,"body":"echo"}'
ko "${G[@]}" "${NI[@]}" proxy-key details
has "a Network Insight login error echoing its body: the password is shown redacted" '<redacted>' "$ERR"
admin DELETE faults


section "-v never prints a password or a token"
reset
vcheck() { # vcheck DESCRIPTION ARG...: a -v run (the secret scan runs on every run)
    local desc=$1
    shift
    ko "$@"
    if [[ $LEAK == 1 ]]; then
        return 0 # already reported
    elif [[ ! -s $ERR && ! -s $OUT ]]; then
        bad "$desc" "no output at all"
    else
        ok "$desc: exit $RC, no secret in $(wc -c <"$OUT") bytes of stdout, $(wc -c <"$ERR") of stderr"
        [[ -s $ERR ]] || VQUIET=$((VQUIET + 1))
    fi
}
VQUIET=0
vcheck "-v --password-file jobs list" "${G[@]}" -v "${CC[@]}" jobs list dsm
vcheck "-v KEYOPS_PASSWORD jobs get" KEYOPS_PASSWORD="$CC_PW" "${G[@]}" -v --user "$CC_USER" jobs get dsm "$DSM_VENDOR"
vcheck "-v wrong password" "${G[@]}" -v --user "$CC_USER" --password-file "$WORK/wrong.pw" jobs list dsm
cc_jwt
vcheck "-v --token" "${G[@]}" -v --token "$JWT" --json jobs list dsm
cc_jwt
vcheck "-v KEYOPS_TOKEN" KEYOPS_TOKEN="$JWT" "${G[@]}" -v jobs list dsm
vcheck "-v --token not-a-jwt" "${G[@]}" -v --token not-a-jwt jobs list dsm
O9=$(cc_start oci '{"vaults":["verbose"]}')
vcheck "-v jobs wait (through a token expiry)" "${G[@]}" -v "${CC[@]}" jobs wait oci "$O9" --interval 1
vcheck "-v --ni-password-file proxy-key rotate --wait" "${G[@]}" -v "${NI[@]}" proxy-key rotate --wait
rc 0 "  ... proxy-key rotate --wait (text, SUCCESS)"
vcheck "-v KEYOPS_NI_PASSWORD proxy-key details" KEYOPS_NI_PASSWORD="$NI_PW" "${G[@]}" -v --ni-user "$NI_USER" \
    --ni-domain-type LOCAL --ni-domain local proxy-key details
ni_tok
vcheck "-v --ni-token proxy-key status" "${G[@]}" -v --ni-token "$NI_TOKEN" proxy-key status
vcheck "-v wrong Network Insight password" "${G[@]}" -v --ni-user "$NI_USER" --ni-password-file "$WORK/wrong.pw" \
    --ni-domain-type LOCAL --ni-domain local proxy-key details
((VQUIET == 0)) || note "$VQUIET of the -v runs printed nothing at all on stderr (so the secret scan saw no verbose log there)"
