# The cli test's shared part, sourced by cli_test.sh before the area's own file (areas/NAME.sh):
# the checks' helpers (ok, bad, rc, has, jis, jeq, usage_err...), running keyops (ko, with the
# secret scan no_secrets on every run), the simulator (start_main_sim, start_cluster_sim) and curl
# (cc, ni, admin, server, cc_start), and the area's end (cli_end: the simulators' logs scanned,
# then the closing count line `# cli.NAME: N passed, N failed`).
#
# Expects KEYOPS, SIM (absolute paths of the binaries), CLI_DIR (this folder) and CLI_AREA set.
# Every check runs: a failure is reported and the area goes on (a later check may then fail as a
# consequence); the area exits non-zero at the end if any check failed. Only a failure of the
# harness or the simulator (die) stops the area at once.

for tool in curl python3 timeout; do
    command -v "$tool" >/dev/null || { echo "cli_test: $tool is required" >&2; exit 2; }
done
# The interpreter itself, not a wrapper such as a pyenv shim: the script runs it many times.
PY=$(python3 -c 'import sys; print(sys.executable)')
[[ -x $PY ]] || PY=python3

# The tool must see only what each check gives it: no config file of the user's either.
unset KEYOPS_URL KEYOPS_NI_URL KEYOPS_PASSWORD KEYOPS_TOKEN KEYOPS_NI_PASSWORD KEYOPS_NI_TOKEN \
    KEYOPS_PROFILE KEYOPS_CONFIG

WORK=$(mktemp -d "${TMPDIR:-/tmp}/keyops-cli-$CLI_AREA.XXXXXX")
export XDG_CONFIG_HOME=$WORK/xdg-empty
SIM_PID=
BG_PIDS=()
ENDED=0  # set by cli_end and die: any other exit is the harness stopping unexpectedly
ERR_AT=  # the last command that failed outside a condition (set -e stops there)
set -E
trap 'ERR_AT="${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND"' ERR
finish() {
    local rc=$? p
    set +e
    if [[ $ENDED == 0 ]]; then
        FAILS=$((FAILS + 1))
        echo "FAIL - harness: the area stopped early (exit $rc)${ERR_AT:+ after $ERR_AT}"
    fi
    for p in "${BG_PIDS[@]}"; do
        kill "$p" 2>/dev/null
    done
    if [[ -n $SIM_PID ]]; then
        kill "$SIM_PID" 2>/dev/null
        wait "$SIM_PID" 2>/dev/null
    fi
    rm -rf "$WORK"
    echo "# cli.$CLI_AREA: $CHECKS passed, $FAILS failed"
    ((FAILS == 0)) || exit 1
    exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

OUT=$WORK/stdout # the last keyops run's stdout
ERR=$WORK/stderr # ... and its stderr
KCMD=            # ... and its command line
RC=              # ... and its exit code
LEAK=0           # ... and whether it printed a secret
CHECKS=0
FAILS=0

# Users made for the test, with passwords that appear nowhere else, so a leak can be found.
CC_USER=cli-tester
CC_PW='Cc-pw-Q7v3kX9w'
NI_USER=ni-tester
NI_PW='Ni-pw-M4t8zR2p'
WRONG_PW='Wrong-pw-5fJ1'
SECRETS=$WORK/secrets # every secret handed to the tool or met on the way: never printed
printf '%s\n' "$CC_PW" "$NI_PW" "$WRONG_PW" >"$SECRETS"
printf '%s' "$CC_PW" >"$WORK/cc.pw"
printf '%s' "$NI_PW" >"$WORK/ni.pw"
printf '%s' "$WRONG_PW" >"$WORK/wrong.pw"
printf '%s' admin >"$WORK/admin.pw"

# ------------------------------------------------------------------------------------------------
# JSON helpers (python3, j.py beside this file)
J() { "$PY" -S "$CLI_DIR/j.py" "$@"; }
jv() { J ev "$@"; } # jv EXPR FILE...

# ------------------------------------------------------------------------------------------------
# Reporting
indent() { sed -e 's/^/      /' | head -c 3000; }
show_run() {
    [[ -n $KCMD ]] || return 0
    echo "    command:   $KCMD"
    echo "    exit code: $RC"
    echo "    stdout:"
    indent <"$OUT"
    echo
    echo "    stderr:"
    indent <"$ERR"
    echo
}
ok() {
    CHECKS=$((CHECKS + 1))
    echo "ok - $*"
}
bad() { # bad DESCRIPTION [DETAIL...]: reported; the area goes on
    FAILS=$((FAILS + 1))
    echo "FAIL - $1"
    shift
    local l
    for l in "$@"; do
        echo "    $l"
    done
    show_run
    return 0
}
note() { echo "note - $*"; }
die() { # a failure of the harness or the simulator, not of the tool: the area stops
    FAILS=$((FAILS + 1))
    ENDED=1
    echo "FAIL - harness: $*"
    [[ -f $WORK/curl.err ]] && indent <"$WORK/curl.err"
    exit 1
}
section() { echo "# $*"; }

# ------------------------------------------------------------------------------------------------
# Running keyops
# ko [NAME=VALUE...] ARG...: runs keyops with those environment variables (under a 60 s guard
# against hangs); sets RC, fills $OUT and $ERR, and fails if any known secret was printed.
redact() { # the words, quoted for the shell, with every known secret replaced by <secret>
    local w out=()
    for w in "$@"; do
        if grep -qxF -- "${w#*=}" "$SECRETS"; then
            [[ $w == [A-Z_]*=* ]] && w="${w%%=*}=<secret>" || w='<secret>'
            out+=("$w")
        else
            out+=("$(printf '%q' "$w")")
        fi
    done
    echo "${out[*]}"
}
ko() {
    local envs=()
    while [[ $# -gt 0 && $1 =~ ^[A-Z_]+= ]]; do
        envs+=("$1")
        shift
    done
    KCMD=$(redact "${envs[@]}" keyops "$@")
    LEAK=0
    RC=0
    env "${envs[@]}" timeout -k 5 60 "$KEYOPS" "$@" </dev/null >"$OUT" 2>"$ERR" || RC=$?
    no_secrets
    [[ " $* " != *" --json "*"jobs wait "* ]] || wait_members
}
no_secrets() {
    if grep -qF -f "$SECRETS" "$OUT" "$ERR"; then
        LEAK=1
        bad "no secret printed by: $KCMD" "the output holds: $(grep -ohF -f "$SECRETS" "$OUT" "$ERR" | head -n1)"
    fi
    if grep -qE 'eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]+' "$OUT" "$ERR"; then
        LEAK=1
        bad "no token printed by: $KCMD" "the output holds a JWT"
    fi
    return 0
}
EXTRA_NOTED=0
wait_members() { # notes (once) members of wait --json objects beyond id, outcome, job
    local extra
    extra=$(jv 'sorted({k for x in d for k in x} - {"id", "outcome", "job"}) if isinstance(d, list) else []' "$OUT" 2>/dev/null) || return 0
    if [[ $extra != '[]' && $EXTRA_NOTED == 0 ]]; then
        EXTRA_NOTED=1
        note "jobs wait --json objects carry members beyond id, outcome, job: $extra"
    fi
}
rc() { # rc WANT DESCRIPTION: the last run's exit code
    local want=$1
    shift
    if [[ $RC == "$want" ]]; then
        ok "$* (exit $RC)"
    else
        bad "$*" "expected exit code $want, got $RC"
    fi
}
jeq() { # jeq DESCRIPTION TOOL-JSON-FILE SERVER-JSON-FILE
    local msg
    if msg=$(J eq "$2" "$3"); then
        ok "$1"
    else
        bad "$1" "$msg"
    fi
}
jis() { # jis DESCRIPTION EXPR EXPECTED FILE...: a value computed from JSON files
    local desc=$1 expr=$2 want=$3 got
    shift 3
    got=$(jv "$expr" "$@" 2>&1 | tail -n 1) || true
    if [[ $got == "$want" ]]; then
        ok "$desc"
    else
        bad "$desc" "$expr: expected [$want], got [$got]"
    fi
}
pyck() { # pyck DESCRIPTION MODE ARG...: a j.py check that prints its complaint
    local desc=$1 msg
    shift
    if msg=$(J "$@"); then
        ok "$desc"
    else
        bad "$desc" "$msg"
    fi
}
has() { # has DESCRIPTION TEXT FILE: FILE holds TEXT
    if grep -qF -- "$2" "$3"; then
        ok "$1"
    else
        bad "$1" "no '$2' in: $(head -c 400 "$3")"
    fi
}
hasnt() { # hasnt DESCRIPTION TEXT FILE: FILE does not hold TEXT
    if grep -qF -- "$2" "$3"; then
        bad "$1" "'$2' in: $(head -c 400 "$3")"
    else
        ok "$1"
    fi
}
usage_err() { # usage_err DESCRIPTION NEEDLE-REGEX ARG...: exit 2, stderr names it and the usage
    local desc=$1 needle=$2
    shift 2
    ko "$@"
    if [[ $RC != 2 ]]; then
        bad "$desc" "expected exit code 2, got $RC"
    elif ! grep -qE -- "$needle" "$ERR"; then
        bad "$desc" "stderr does not name /$needle/"
    elif ! grep -qF 'see keyops --help' "$ERR"; then
        bad "$desc" "stderr does not say where the usage is"
    elif (($(wc -l <"$ERR") > 2)); then
        bad "$desc" "more than the one wrong thing and the pointer to --help: $(head -c 300 "$ERR")"
    else
        ok "$desc (exit 2, names /$needle/, points to --help, 2 lines)"
    fi
}
json_id() { jv 'd["id"] if isinstance(d, dict) and "id" in d else ""' "$OUT" 2>/dev/null || true; }

# ------------------------------------------------------------------------------------------------
# The simulator and curl
CA=$WORK/ca.pem
# The state file lets the restart area kill the simulator and start it again where it was.
SIM_ARGS=(--port-file "$WORK/port" --write-ca "$CA" --token-ttl 2 --job-seconds 3 --seed 11
    --log "$WORK/sim.log" --state-file "$WORK/sim.state"
    --user admin:admin --user "$CC_USER:$CC_PW" --ni-user admin:admin --ni-user "$NI_USER:$NI_PW")
start_sim() { # start_sim ADDR:PORT: starts keyops-sim (SIM_PID) and waits for its port file
    rm -f "$WORK/port"
    "$SIM" --listen "$1" "${SIM_ARGS[@]}" >>"$WORK/sim.out" 2>>"$WORK/sim.err" &
    SIM_PID=$!
    for _ in $(seq 200); do
        [[ -s $WORK/port ]] && break
        kill -0 "$SIM_PID" 2>/dev/null || die "keyops-sim exited: $(cat "$WORK/sim.err")"
        sleep 0.05
    done
    [[ -s $WORK/port ]] || die "keyops-sim wrote no port file in 10 s"
}
PORT=
BASE=
G=()
start_main_sim() { # the area's own keyops-sim on a free loopback port: PORT, BASE, G
    section "starting keyops-sim"
    start_sim 127.0.0.1:0
    PORT=$(cat "$WORK/port")
    BASE=https://127.0.0.1:$PORT
    echo "# keyops-sim at $BASE"
    # The usual global options.
    G=(--url "$BASE" --cacert "$CA")
}

CODE=
cj() { # cj METHOD PATH OUTFILE [CURL ARG...]: sets CODE
    local m=$1 p=$2 o=$3
    shift 3
    CODE=$(curl -sS -o "$o" -w '%{http_code}' --cacert "$CA" -X "$m" "$@" "$BASE$p" 2>"$WORK/curl.err") ||
        die "curl $m $p failed"
}
member() { # member NAME FILE: a string member of a flat JSON object (a token), by pattern
    local text
    text=$(<"$2")
    [[ $text =~ \"$1\":\"([^\"]+)\" ]] || die "no $1 in $text"
    echo "${BASH_REMATCH[1]}"
}
now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }
JWT=
JWT_AT=0   # when JWT was issued (ms): tokens live 2 s, so one is reused for at most 1 s
NI_AT=0
cc_jwt() { # a fresh CipherTrust token in JWT
    cj POST /api/v1/auth/tokens "$WORK/tok.json" -H 'Accept: application/json' \
        -d '{"grant_type":"password","username":"admin","password":"admin"}'
    [[ $CODE == 200 ]] || die "CipherTrust login: HTTP $CODE"
    JWT=$(member jwt "$WORK/tok.json")
    JWT_AT=$(now_ms)
    echo "$JWT" >>"$SECRETS"
    member refresh_token "$WORK/tok.json" >>"$SECRETS"
}
NI_TOKEN=
ni_tok() { # a fresh Network Insight token in NI_TOKEN
    cj POST /api/ni/auth/token "$WORK/tok.json" \
        -d '{"username":"admin","password":"admin","domain":{"domain_type":"LOCAL","value":"local"}}'
    [[ $CODE == 200 ]] || die "Network Insight login: HTTP $CODE"
    NI_TOKEN=$(member token "$WORK/tok.json")
    NI_AT=$(now_ms)
    echo "$NI_TOKEN" >>"$SECRETS"
}
cc() { # cc METHOD PATH OUTFILE [CURL ARG...]: a CipherTrust request with a token under 1 s old
    (($(now_ms) - JWT_AT < 1000)) || cc_jwt
    cj "$1" "$2" "$3" -H 'Accept: application/json' -H "Authorization: Bearer $JWT" "${@:4}"
}
ni() { # ni METHOD PATH OUTFILE: a Network Insight request with a token under 1 s old
    (($(now_ms) - NI_AT < 1000)) || ni_tok
    cj "$1" "$2" "$3" -H "Authorization: NetworkInsight $NI_TOKEN" "${@:4}"
}
admin() { # admin METHOD NAME [JSON]: the simulator's admin API
    if [[ $# -ge 3 ]]; then
        cj "$1" "/__sim/$2" "$WORK/admin.json" -d "$3"
    else
        cj "$1" "/__sim/$2" "$WORK/admin.json"
    fi
    [[ $CODE == 2?? ]] || die "$1 /__sim/$2: HTTP $CODE $(cat "$WORK/admin.json")"
}
reset() { # back to the start; tokens are dropped
    admin POST reset
    JWT_AT=0
    NI_AT=0
}
server() { # server PATH OUTFILE: a CipherTrust GET that must answer 200
    cc GET "$1" "$2"
    [[ $CODE == 200 ]] || die "GET $1: HTTP $CODE $(head -c 300 "$2")"
}
cc_start() { # cc_start KIND BODY: starts a job with curl, prints its id
    cc POST "${KPATH[$1]}" "$WORK/started.json" -d "$2"
    [[ $CODE == 201 ]] || die "start $1 $2: HTTP $CODE $(cat "$WORK/started.json")"
    jv 'd["id"]' "$WORK/started.json"
}

CCKM=/api/v1/cckm
NIP=/api/ni/customers/collector/data-encryption-cert
declare -A KPATH=(
    [aws]=$CCKM/aws/synchronization-jobs
    [aws-custom-key-stores]=$CCKM/aws/custom-key-stores/synchronization-jobs
    [aws-bulk]=$CCKM/aws/bulkjob
    [azure]=$CCKM/azure/synchronization-jobs
    [azure-certificates]=$CCKM/azure/certificates/synchronization-jobs
    [azure-secrets]=$CCKM/azure/secrets/synchronization-jobs
    [azure-bulk]=$CCKM/azure/bulkjobs
    [google]=$CCKM/google/synchronization-jobs
    [google-update-all-versions]=$CCKM/google/update-all-versions-jobs
    [oci]=$CCKM/oci/synchronization-jobs
    [sap]=$CCKM/sap/synchronization-jobs
    [sfdc-keys]=$CCKM/sfdc/keys/synchronization-jobs
    [sfdc-certificates]=$CCKM/sfdc/certificates/synchronization-jobs
    [dsm]=$CCKM/dsm/refresh
    [luna-refresh]=$CCKM/hsm/luna/refresh
    [luna-sync]=$CCKM/hsm/luna/synchronize
    [external-cm]=$CCKM/external-cm/refresh
)
LISTABLE=(aws aws-custom-key-stores aws-bulk azure azure-certificates azure-secrets azure-bulk google
    oci sap sfdc-keys sfdc-certificates dsm luna-refresh luna-sync external-cm)
UNKNOWN_ID=00000000-0000-4000-8000-000000000000
started_id() { # started_id KIND BODY: the id of the job keyops just started (--json), or (after a
    # failure, so that the checks after it still have a job) of one started with curl
    local id
    id=$(jv 'd["id"] if isinstance(d, dict) and "id" in d else ""' "$OUT" 2>/dev/null) || id=
    [[ $RC == 0 && $id =~ ^[0-9a-f-]{36}$ ]] || id=$(cc_start "$1" "$2")
    echo "$id"
}

# The usual credentials (the global options G come with the simulator: start_main_sim).
CC=(--user "$CC_USER" --password-file "$WORK/cc.pw")
NI=(--ni-user "$NI_USER" --ni-password-file "$WORK/ni.pw" --ni-domain-type LOCAL --ni-domain local)

# ------------------------------------------------------------------------------------------------
# What several areas start from
seed_ids() { # ids of the simulator's seeded jobs: DSM_A, DSM_B, DSM_VENDOR, AZC_VENDOR
    server "${KPATH[dsm]}?limit=100" "$WORK/dsm-all.json"
    DSM_A=$(jv 'd["resources"][0]["id"]' "$WORK/dsm-all.json")
    DSM_B=$(jv 'd["resources"][2]["id"]' "$WORK/dsm-all.json")
    DSM_VENDOR=$(jv '[r["id"] for r in d["resources"] if r["id"].startswith("d4cbd38e")][0]' "$WORK/dsm-all.json")
    server "${KPATH[azure-certificates]}?limit=100" "$WORK/azc-all.json"
    AZC_VENDOR=$(jv '[r["id"] for r in d["resources"] if r["id"].startswith("1f413972")][0]' "$WORK/azc-all.json")
}
closed_port() { # CLOSED: a loopback port nothing listens on (DEAD, its URL)
    CLOSED=$("$PY" -S -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    DEAD=https://127.0.0.1:$CLOSED
}
other_cert() { # $WORK/other.pem: a CA file that did not sign the simulator's certificate
    if command -v openssl >/dev/null; then
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
            -keyout "$WORK/other.key" -out "$WORK/other.pem" -subj /CN=localhost \
            -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 || die "openssl req failed"
    else
        # Any bundle without the simulator's certificate will do.
        cp /etc/ssl/certs/ca-certificates.crt "$WORK/other.pem" 2>/dev/null || die "no openssl and no CA bundle"
    fi
}

# A CipherTrust cluster (keyops-sim --nodes 2) that also serves Network Insight SaaS (a CSP API
# token) and vIDM: N1, N2 (node URLs), CDEAD (a refused node), CG (its CA), cadmin.
start_cluster_sim() {
    section "starting keyops-sim --nodes 2"
    CSP_TOK='Csp-api-T6w2pQ8z'
    VIDM_TOK='Vidm-tok-R3k9xL1m'
    printf '%s\n' "$CSP_TOK" "$VIDM_TOK" >>"$SECRETS"
    printf '%s' "$CSP_TOK" >"$WORK/csp.tok"
    printf '%s' "$VIDM_TOK" >"$WORK/vidm.tok"
    printf '%s' 'Csp-wrong-Z0z0z0' >"$WORK/csp-wrong.tok"
    echo 'Csp-wrong-Z0z0z0' >>"$SECRETS"
    CCA=$WORK/cluster-ca.pem
    rm -f "$WORK/cports"
    "$SIM" --listen 127.0.0.1:0 --nodes 2 --replication-lag 1500 --port-file "$WORK/cports" \
        --write-ca "$CCA" --token-ttl 30 --job-seconds 3 --seed 5 --log "$WORK/csim.log" \
        --user "$CC_USER:$CC_PW" --ni-user "$NI_USER:$NI_PW" --csp-token "$CSP_TOK" \
        --vidm-token "$VIDM_TOK" >"$WORK/csim.out" 2>&1 &
    CSIM=$!
    BG_PIDS+=("$CSIM")
    for _ in $(seq 200); do
        [[ $(wc -l 2>/dev/null <"$WORK/cports" || echo 0) -ge 2 ]] && break
        kill -0 "$CSIM" 2>/dev/null || die "keyops-sim --nodes 2 exited: $(cat "$WORK/csim.out")"
        sleep 0.05
    done
    [[ $(wc -l 2>/dev/null <"$WORK/cports" || echo 0) -ge 2 ]] ||
        die "keyops-sim --nodes 2 wrote no two ports in 10 s"
    N1=https://127.0.0.1:$(sed -n 1p "$WORK/cports")
    N2=https://127.0.0.1:$(sed -n 2p "$WORK/cports")
    echo "# keyops-sim --nodes 2 at $N1 and $N2"
    CDEAD=https://127.0.0.1:1 # nothing listens on port 1: connections are refused
    CG=(--cacert "$CCA")
}
cadmin() { # cadmin NODE-URL METHOD NAME [JSON]: that node's admin API
    local body=()
    [[ $# -ge 4 ]] && body=(-d "$4")
    CODE=$(curl -sS -o "$WORK/cadmin.json" -w '%{http_code}' --cacert "$CCA" -X "$2" "${body[@]}" \
        "$1/__sim/$3" 2>"$WORK/curl.err") || die "curl $2 $1/__sim/$3 failed"
    [[ $CODE == 2?? ]] || die "$2 /__sim/$3: HTTP $CODE $(cat "$WORK/cadmin.json")"
}

# ------------------------------------------------------------------------------------------------
# The area's end: no secret in any simulator's log (every request the area made), then the count.
cli_end() {
    local log
    for log in "$WORK/sim.log" "$WORK/csim.log"; do
        [[ -f $log ]] || continue
        KCMD=
        if grep -qF -f "$SECRETS" "$log"; then
            bad "the simulator's log ${log##*/} holds no secret" \
                "a password or token on $(grep -cF -f "$SECRETS" "$log") of its lines"
        else
            ok "the simulator's log ${log##*/} holds no secret ($(wc -l <"$log") requests)"
        fi
    done
    ENDED=1
}
