# cli.monitoring: keyops check (a monitoring plugin: each state with its exit code, the status
# line and the performance data) and keyops metrics (Prometheus' text, accepted by promtool,
# --textfile, a server down).
start_main_sim

PERF_RE="^'[a-z_]+'=[0-9.e+-]+(s)?;[^; ]*;[^; ]*;[0-9.]*;[^; ]*$"
plugin() { # plugin WANT-EXIT STATE DESCRIPTION: the status line and every performance datum
    local want=$1 state=$2 desc=$3 line perfs p
    if [[ $RC != "$want" ]]; then
        bad "$desc" "expected exit $want ($state), got $RC"
        return
    fi
    line=$(head -n 1 "$OUT")
    if (($(wc -l <"$OUT") != 1)) || [[ $line != "KEYOPS "*" $state - "* ]]; then
        bad "$desc" "not one status line 'KEYOPS NAME $state - ...': $line"
        return
    fi
    perfs=
    if [[ $line == *"| "* ]]; then
        perfs=${line#*| }
        for p in $perfs; do
            if ! [[ $p =~ $PERF_RE ]]; then
                bad "$desc" "performance datum '$p' is not 'label'=value[UOM];warn;crit;min;max"
                return
            fi
        done
    fi
    ok "$desc (exit $want, one status line${perfs:+, performance data})"
}

section "check jobs"
reset
ko "${G[@]}" "${CC[@]}" check jobs
plugin 0 OK "check jobs: no job failed or was aborted in the last 24h"
has "  ... names the window and the kinds" "in the last 24h (16 kinds)" "$OUT"
# The simulator's seeded jobs: one failed and one cancelled of every kind, days old.
ko "${G[@]}" "${CC[@]}" check jobs --window 30d oci dsm
plugin 1 WARNING "check jobs --window 30d oci dsm: the seeded failed and aborted jobs"
has "  ... counts them per kind" "oci: 1 failed, 1 aborted" "$OUT"
has "  ... performance data with the default warning threshold 0" "'problems'=4;0;;0;" "$OUT"
ko "${G[@]}" "${CC[@]}" check jobs --window 30d --warning 1 --critical 3 oci dsm
plugin 2 CRITICAL "check jobs --warning 1 --critical 3: 4 problems"
ko "${G[@]}" "${CC[@]}" check jobs --window 30d --warning 10 --critical 20 oci dsm
plugin 0 OK "check jobs --warning 10 --critical 20: 4 problems"
ko "${G[@]}" "${CC[@]}" check jobs --window 30d --warning @0:3 oci dsm
plugin 0 OK "check jobs --warning @0:3 (alert inside 0..3): 4 problems"
# A job of 3 s (the simulator's --job-seconds), looked at while it runs.
cc_start oci '{"vaults":["stuck-vault"]}' >/dev/null
sleep 0.6
ko "${G[@]}" "${CC[@]}" check jobs --running-longer 500ms --critical 0 oci
plugin 2 CRITICAL "check jobs --running-longer 500ms: a job running for longer"
has "  ... names it" "oci: 1 running too long" "$OUT"
has "  ... its performance datum" "'running_too_long'=1;;;0;" "$OUT"
ko "${G[@]}" "${CC[@]}" check jobs --window soon
plugin 3 UNKNOWN "check jobs --window soon: a bad flag is UNKNOWN"
closed_port
ko --url "$DEAD" --cacert "$CA" "${CC[@]}" check jobs
plugin 3 UNKNOWN "check jobs against a closed port: UNKNOWN"
has "  ... with the reason" "refused" "$OUT"
ko "${G[@]}" --user "$CC_USER" --password-file "$WORK/wrong.pw" check jobs
plugin 3 UNKNOWN "check jobs with a wrong password: UNKNOWN"

section "check proxy-key"
ko "${G[@]}" "${NI[@]}" check proxy-key
plugin 0 OK "check proxy-key: 335 days left, warning below 30, critical below 7"
has "  ... the days as performance data, with the thresholds" "'remaining_days'=335;30:;7:;0;" "$OUT"
ko "${G[@]}" "${NI[@]}" check proxy-key --warning 400d --critical 100d
plugin 1 WARNING "check proxy-key --warning 400d: fewer than 400 days left"
ko "${G[@]}" "${NI[@]}" check proxy-key --warning 500 --critical 400
plugin 2 CRITICAL "check proxy-key --critical 400: fewer than 400 days left"
admin POST rotation-fail
ko "${G[@]}" "${NI[@]}" proxy-key rotate --wait --interval 0.2
ko "${G[@]}" "${NI[@]}" check proxy-key
plugin 2 CRITICAL "check proxy-key after a FAILED rotation"
has "  ... names the failed collectors" "the last rotation FAILED (collectors: collector-1 collector-2)" "$OUT"
ko "${G[@]}" --ni-user "$NI_USER" --ni-password-file "$WORK/wrong.pw" check proxy-key
plugin 3 UNKNOWN "check proxy-key with a wrong password: UNKNOWN"

section "check login"
reset
ko "${G[@]}" "${CC[@]}" "${NI[@]}" check login
plugin 0 OK "check login: both servers accept the credentials"
has "  ... the time of each as performance data" "'network_insight'=" "$OUT"
ko "${G[@]}" "${CC[@]}" check login --critical 0.000001
plugin 2 CRITICAL "check login --critical 0.000001 (seconds): too slow"
ko "${G[@]}" --user "$CC_USER" --password-file "$WORK/wrong.pw" check login
plugin 3 UNKNOWN "check login with a wrong password: UNKNOWN"
has "  ... with the reason" "CipherTrust Manager:" "$OUT"
ko check login
plugin 3 UNKNOWN "check login without credentials: UNKNOWN"

section "metrics"
reset
ko "${G[@]}" "${CC[@]}" "${NI[@]}" metrics
rc 0 "metrics: exit 0"
if promtool check metrics <"$OUT" >"$WORK/promtool.out" 2>&1; then
    ok "  ... promtool check metrics accepts it"
else
    bad "  ... promtool check metrics accepts it" "$(cat "$WORK/promtool.out")"
fi
has "  ... jobs per kind and state" 'keyops_jobs{kind="oci",state="failed"} 1' "$OUT"
has "  ... the last end per kind and outcome" 'keyops_job_last_end_timestamp_seconds{kind="dsm",outcome="aborted"}' "$OUT"
has "  ... the proxy key's validity in seconds" 'keyops_proxy_key_remaining_validity_seconds 28944000' "$OUT"
has "  ... both servers up" 'keyops_up{server="network_insight"} 1' "$OUT"
ko "${G[@]}" "${NI[@]}" proxy-key rotate --wait --interval 0.2
ko "${G[@]}" "${NI[@]}" metrics --textfile "$WORK/keyops.prom"
rc 0 "metrics --textfile FILE: exit 0"
[[ -s $WORK/keyops.prom && ! -e $WORK/keyops.prom.tmp ]] && ok "  ... FILE written, no FILE.tmp left" ||
    bad "  ... FILE written, no FILE.tmp left"
has "  ... the last rotation's state" 'keyops_proxy_key_rotation{state="SUCCESS"} 1' "$WORK/keyops.prom"
if promtool check metrics <"$WORK/keyops.prom" >"$WORK/promtool.out" 2>&1; then
    ok "  ... promtool check metrics accepts the file"
else
    bad "  ... promtool check metrics accepts the file" "$(cat "$WORK/promtool.out")"
fi
closed_port
ko "${G[@]}" "${CC[@]}" --ni-url "$DEAD" "${NI[@]}" metrics
rc 7 "metrics with Network Insight down: exit 7"
has "  ... keyops_up 0 for it" 'keyops_up{server="network_insight"} 0' "$OUT"
has "  ... CipherTrust Manager's metrics still there" 'keyops_up{server="ciphertrust"} 1' "$OUT"
has "  ... the reason on stderr" "Network Insight" "$ERR"

cli_end
