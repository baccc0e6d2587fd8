# cli.habits: the command line as its users expect: options anywhere, durations with units,
# --no-progress, --, typed start flags, --auth-domain, --version, shell completions, the man page.
start_main_sim
seed_ids

section "the command line as its users' habits expect"
ko jobs list dsm "${G[@]}" "${CC[@]}" --json
rc 0 "global options after the command"
ko "${G[@]}" jobs "${CC[@]}" get dsm "$DSM_VENDOR"
rc 0 "global options between the command's words"
ko "${G[@]}" "${CC[@]}" jobs wait dsm "$DSM_VENDOR" --interval 500ms --deadline 1m
rc 0 "durations with units (--interval 500ms --deadline 1m)"
has "  ... a job read once is '1 poll'" "1 poll" "$OUT"
usage_err "a duration with an unknown unit" '--deadline|5y' "${G[@]}" "${CC[@]}" jobs wait dsm "$DSM_VENDOR" --deadline 5y
O10=$(cc_start oci '{"vaults":["no-progress"]}')
ko "${G[@]}" "${CC[@]}" --no-progress jobs wait oci "$O10" --interval 200ms
rc 0 "--no-progress"
if (($(wc -l <"$OUT") == 1)); then
    ok "  ... only the result line"
else
    bad "  ... only the result line" "$(head -c 400 "$OUT")"
fi
ko "${G[@]}" "${CC[@]}" -- jobs list dsm
rc 0 "-- before the command"
usage_err "after --, an option is an argument" "unknown command '--json'" "${G[@]}" "${CC[@]}" -- --json
# Typed start flags: the library's modelled bodies.
ko "${G[@]}" "${CC[@]}" jobs start google --key-ring projects/p/locations/global/keyRings/r1
rc 0 "jobs start google --key-ring"
has "  ... the job holds the key ring" "projects/p/locations/global/keyRings/r1" "$OUT"
ko "${G[@]}" "${CC[@]}" jobs start sap --group sap-group-prod --group sap-group-dev
rc 0 "jobs start sap --group (SAP's documented body)"
has "  ... the job holds both groups" "sap-group-prod, sap-group-dev" "$OUT"
ko "${G[@]}" "${CC[@]}" jobs start dsm --domain refresh-me
rc 0 "jobs start dsm --domain (a domain to refresh, not the login domain)"
has "  ... the job holds the domain" "refresh-me" "$OUT"
ko "${G[@]}" "${CC[@]}" jobs start oci --all
rc 0 "jobs start oci --all"
ko "${G[@]}" "${CC[@]}" jobs start azure --key-vault kv1 --take-cloud-key-backup
rc 0 "jobs start azure --key-vault --take-cloud-key-backup"
usage_err "a flag of another kind" '--key-ring' "${G[@]}" "${CC[@]}" jobs start aws --key-ring r
usage_err "a kind without a documented body takes --body only" 'luna-sync' "${G[@]}" "${CC[@]}" jobs start luna-sync --all
usage_err "typed flags and --body together" 'not both' "${G[@]}" "${CC[@]}" jobs start google --key-ring r --body '{}'
usage_err "a sync body with no resource and no --all" '--kms' "${G[@]}" "${CC[@]}" jobs start aws --region us-east-1
usage_err "--filter the kind does not have" "no filter 'kms'" "${G[@]}" "${CC[@]}" jobs list dsm --filter kms=x
ko "${G[@]}" "${CC[@]}" jobs list sap --filter groups=sap-group-prod
rc 0 "jobs list sap --filter groups= (SAP's documented filter)"
ko "${G[@]}" "${CC[@]}" --json jobs start sap-keys --body '{"keys":["k1"]}'
rc 0 "jobs start sap-keys (SAP key jobs)"
SK=$(json_id)
ko "${G[@]}" "${CC[@]}" jobs wait sap-keys "$SK" --interval 200ms --deadline 30s
rc 0 "jobs wait sap-keys: waited on by GET, as it has no list"

ko "${G[@]}" "${CC[@]}" jobs start oci --vault progress-a --vault progress-b
rc 0 "jobs start oci --vault --vault"
has "  ... a fresh job counts what is done, not what is listed" "progress:       0 of 2 done" "$OUT"
ko "${G[@]}" "${CC[@]}" --auth-domain tenant-1 jobs list dsm
rc 0 "--auth-domain (a tenant of CipherTrust as a service)"
ko --version
rc 0 "--version"
has "  ... names the Boost it was built with" "Boost 1.81" "$OUT"
has "  ... and OpenSSL" "OpenSSL" "$OUT"
has "  ... and zlib" "zlib" "$OUT"

ko completion bash
rc 0 "completion bash"
if bash -n "$OUT" && grep -q "jobs list" "$OUT" && grep -q -- "--cancel-on-deadline" "$OUT"; then
    ok "  ... a bash script naming the commands and their options"
else
    bad "  ... a bash script naming the commands and their options" "$(head -c 300 "$OUT")"
fi
ko completion zsh
rc 0 "completion zsh"
has "  ... a zsh completion function" "compdef _keyops keyops" "$OUT"
ko completion fish
rc 0 "completion fish"
has "  ... fish completions of the subcommands" "__fish_seen_subcommand_from jobs" "$OUT"
usage_err "completion for an unknown shell" 'tcsh' completion tcsh
ko man
rc 0 "man"
has "  ... a man page" ".TH KEYOPS 1" "$OUT"
has "  ... made from the usage text" "cancel\-on\-deadline" "$OUT"
