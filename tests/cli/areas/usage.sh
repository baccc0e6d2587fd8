# cli.usage: usage errors exit 2, name the culprit and point to the usage, and send no request
# (keyops-sim's request counts).
start_main_sim

section "usage errors: exit 2, the culprit named, the usage on stderr"
admin DELETE stats
usage_err "no command" 'usage|Usage|USAGE' "${G[@]}" "${CC[@]}"
usage_err "unknown global flag" '--bogus-flag' "${G[@]}" "${CC[@]}" --bogus-flag jobs list dsm
usage_err "unknown command" 'frobnicate' "${G[@]}" "${CC[@]}" frobnicate
usage_err "unknown jobs subcommand" 'frobnicate' "${G[@]}" "${CC[@]}" jobs frobnicate dsm
usage_err "unknown KIND" 'nosuchkind' "${G[@]}" "${CC[@]}" jobs list nosuchkind
usage_err "unknown KIND for get" 'nosuchkind' "${G[@]}" "${CC[@]}" jobs get nosuchkind "$UNKNOWN_ID"
usage_err "unknown flag after the command" '--bogus-flag' "${G[@]}" "${CC[@]}" jobs list dsm --bogus-flag
usage_err "--limit abc" '--limit|abc' "${G[@]}" "${CC[@]}" jobs list dsm --limit abc
usage_err "--skip abc" '--skip|abc' "${G[@]}" "${CC[@]}" jobs list dsm --skip abc
usage_err "--status bogus" '--status|bogus' "${G[@]}" "${CC[@]}" jobs list dsm --status bogus
usage_err "--filter without =" '--filter|novalue' "${G[@]}" "${CC[@]}" jobs list dsm --filter novalue
usage_err "--limit without a value" '--limit' "${G[@]}" "${CC[@]}" jobs list dsm --limit
usage_err "jobs get without ID" 'ID|id' "${G[@]}" "${CC[@]}" jobs get dsm
usage_err "jobs cancel without ID" 'ID|id' "${G[@]}" "${CC[@]}" jobs cancel oci
usage_err "jobs wait without ID" 'ID|id' "${G[@]}" "${CC[@]}" jobs wait oci
usage_err "jobs start without a body" '--body' "${G[@]}" "${CC[@]}" jobs start google
usage_err "--body not JSON" '--body|JSON|json' "${G[@]}" "${CC[@]}" jobs start google --body 'not json'
usage_err "--body a JSON array, not an object" '--body|object' "${G[@]}" "${CC[@]}" jobs start google --body '["r1"]'
usage_err "--interval abc" '--interval|abc' "${G[@]}" "${CC[@]}" jobs wait oci "$UNKNOWN_ID" --interval abc
usage_err "--deadline xyz" '--deadline|xyz' "${G[@]}" "${CC[@]}" jobs wait oci "$UNKNOWN_ID" --deadline xyz
usage_err "--timeout abc" '--timeout|abc' "${G[@]}" "${CC[@]}" --timeout abc jobs list dsm
usage_err "--ni-domain-type FOO" '--ni-domain-type|FOO' "${G[@]}" --ni-user "$NI_USER" \
    --ni-password-file "$WORK/ni.pw" --ni-domain-type FOO proxy-key status
usage_err "unknown proxy-key subcommand" 'spin' "${G[@]}" "${NI[@]}" proxy-key spin
usage_err "proxy-key rotate --deadline abc" '--deadline|abc' "${G[@]}" "${NI[@]}" proxy-key rotate --wait --deadline abc
admin GET stats
[[ $(jv 'd["total"]' "$WORK/admin.json") == 0 ]] ||
    note "usage errors sent requests to the server: $(jv 'd["requests"]' "$WORK/admin.json")"
