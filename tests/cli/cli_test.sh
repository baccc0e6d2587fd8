#!/usr/bin/env bash
# End-to-end test of the keyops command-line tool against keyops-sim: every command, the --json
# output compared with what curl reads from the simulator, the table/block/plain outputs, every exit
# code, the environment forms of the options, a wait across token expiry, a wait on ten jobs (one
# list request per round), and that no password or token is ever printed, even with -v.
#
# usage: cli_test.sh KEYOPS_BINARY KEYOPS_SIM_BINARY
# Prints one line per check (`ok - ...` / `FAIL - ...` with the command, its exit code, stdout and
# stderr) and stops at the first failure with a non-zero status. KEEP_GOING=1 runs on past failures
# (a diagnostic mode: later checks may then fail as a consequence) and exits non-zero at the end.
# TLS is verified with the certificate the simulator writes (curl --cacert, never -k).
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: cli_test.sh KEYOPS_BINARY KEYOPS_SIM_BINARY" >&2
    exit 2
fi
abspath() { (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd)" "$(basename "$1")"); }
KEYOPS=$(abspath "$1")
SIM=$(abspath "$2")
[[ -x $KEYOPS ]] || { echo "cli_test: $1 is not an executable file" >&2; exit 2; }
[[ -x $SIM ]] || { echo "cli_test: $2 is not an executable file" >&2; exit 2; }
for tool in curl python3 timeout; do
    command -v "$tool" >/dev/null || { echo "cli_test: $tool is required" >&2; exit 2; }
done
# The interpreter itself, not a wrapper such as a pyenv shim: the script runs it many times.
PY=$(python3 -c 'import sys; print(sys.executable)')
[[ -x $PY ]] || PY=python3
KEEP_GOING=${KEEP_GOING:-0}

# The tool must see only what each check gives it: no config file of the user's either.
unset KEYOPS_URL KEYOPS_NI_URL KEYOPS_PASSWORD KEYOPS_TOKEN KEYOPS_NI_PASSWORD KEYOPS_NI_TOKEN \
    KEYOPS_PROFILE KEYOPS_CONFIG

WORK=$(mktemp -d "${TMPDIR:-/tmp}/keyops-cli-test.XXXXXX")
export XDG_CONFIG_HOME=$WORK/xdg-empty
SIM_PID=
BG_PIDS=()
cleanup() {
    local p
    for p in "${BG_PIDS[@]}"; do
        kill "$p" 2>/dev/null || true
    done
    if [[ -n $SIM_PID ]]; then
        kill "$SIM_PID" 2>/dev/null || true
        wait "$SIM_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
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
# JSON helpers (python3)
cat >"$WORK/j.py" <<'PY'
import json, re, sys

def load(p):
    try:
        with open(p, encoding="utf-8") as f:
            return json.load(f)
    except Exception as e:
        with open(p, encoding="utf-8", errors="replace") as f:
            t = f.read(300)
        print(f"{p.rsplit('/', 1)[-1]} is not JSON ({e}): {t!r}")
        sys.exit(1)

def short(v):
    s = json.dumps(v)
    return s if len(s) < 160 else s[:160] + "..."

def first_diff(a, b, path="$"):
    if type(a) is not type(b):
        return f"{path}: tool {short(a)} vs server {short(b)}"
    if isinstance(a, dict):
        if set(a) != set(b):
            return (f"{path}: keys only in the tool's output {sorted(set(a) - set(b))}, "
                    f"only in the server's {sorted(set(b) - set(a))}")
        for k in a:
            r = first_diff(a[k], b[k], f"{path}.{k}")
            if r:
                return r
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items in the tool's output vs {len(b)} from the server"
        for i, (x, y) in enumerate(zip(a, b)):
            r = first_diff(x, y, f"{path}[{i}]")
            if r:
                return r
        return None
    return None if a == b else f"{path}: tool {short(a)} vs server {short(b)}"

def lines(p):
    with open(p, encoding="utf-8", errors="replace") as f:
        return f.read()

mode = sys.argv[1]
if mode == "eq":  # eq TOOL SERVER: parsed JSON equality, else the first difference
    r = first_diff(load(sys.argv[2]), load(sys.argv[3]))
    if r:
        print(r)
        sys.exit(1)
elif mode == "ev":  # ev EXPR FILE...: d, e, f are the files' JSON; strings print bare
    docs = [load(p) for p in sys.argv[3:]]
    env = dict(zip("def", docs), json=json, re=re)
    v = eval(sys.argv[2], env)
    print(v if isinstance(v, str) else json.dumps(v, separators=(",", ":")))
elif mode == "table":  # table OUT JOBS: a header with ID and STATUS, then one line per job
    text = lines(sys.argv[2])
    jobs = load(sys.argv[3])
    jobs = jobs["resources"] if isinstance(jobs, dict) else jobs
    rows = [l for l in text.splitlines() if l.strip()]
    if not rows or not re.search(r"\bID\b", rows[0]) or not re.search(r"\bSTATUS\b", rows[0]):
        print(f"no header line naming ID and STATUS: first line {rows[0] if rows else ''!r}")
        sys.exit(1)
    if len(rows) != 1 + len(jobs):
        print(f"{len(rows) - 1} lines after the header for {len(jobs)} jobs")
        sys.exit(1)
    for j, row in zip(jobs, rows[1:]):
        if j["id"] not in row or j["overall_status"] not in row:
            print(f"line {row!r} lacks job {j['id']} / {j['overall_status']} (server order)")
            sys.exit(1)
elif mode == "block":  # block OUT JOB: name: value lines with id: and overall_status:
    text = lines(sys.argv[2])
    job = load(sys.argv[3])
    for l in text.splitlines():
        if l.strip() and not l[0].isspace() and not re.match(r"^[A-Za-z_][\w .()/-]*:(\s|$)", l):
            print(f"line {l!r} is not a 'name: value' line")
            sys.exit(1)
    for name in ("id", "overall_status"):
        pat = r"^\s*" + name + r"\s*:\s*" + re.escape(job[name]) + r"\s*$"
        if not re.search(pat, text, re.M):
            print(f"no line '{name}: {job[name]}'")
            sys.exit(1)
elif mode == "blockid":  # blockid OUT: the value of the id: line
    m = re.search(r"^\s*id\s*:\s*(\S+)\s*$", lines(sys.argv[2]), re.M)
    print(m.group(1) if m else "")
elif mode == "waittext":  # waittext OUT OUTCOME-REGEX ID...: plain lines, last names the outcome
    text = lines(sys.argv[2])
    if "\r" in text or "\x1b" in text:
        print("carriage returns or escape sequences (a live line) although stdout is not a terminal")
        sys.exit(1)
    for i in sys.argv[4:]:
        if i not in text:
            print(f"id {i} not printed")
            sys.exit(1)
    rows = [l for l in text.splitlines() if l.strip()]
    if not rows or not re.search(sys.argv[3], rows[-1], re.I):
        print(f"last line {rows[-1] if rows else ''!r} does not name the outcome /{sys.argv[3]}/")
        sys.exit(1)
PY
J() { "$PY" -S "$WORK/j.py" "$@"; }
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
bad() { # bad DESCRIPTION [DETAIL...]
    FAILS=$((FAILS + 1))
    echo "FAIL - $1"
    shift
    local l
    for l in "$@"; do
        echo "    $l"
    done
    show_run
    [[ $KEEP_GOING == 1 ]] || exit 1
}
note() { echo "note - $*"; }
die() { # a failure of the harness or the simulator, not of the tool
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

# ------------------------------------------------------------------------------------------------
# The simulator and curl
section "starting keyops-sim"
CA=$WORK/ca.pem
# The state file lets the restart section kill the simulator and start it again where it was.
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
start_sim 127.0.0.1:0
PORT=$(cat "$WORK/port")
BASE=https://127.0.0.1:$PORT
echo "# keyops-sim at $BASE"

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
    # failure, for KEEP_GOING) of one started with curl
    local id
    id=$(jv 'd["id"] if isinstance(d, dict) and "id" in d else ""' "$OUT" 2>/dev/null) || id=
    [[ $RC == 0 && $id =~ ^[0-9a-f-]{36}$ ]] || id=$(cc_start "$1" "$2")
    echo "$id"
}

# The usual global options and credentials.
G=(--url "$BASE" --cacert "$CA")
CC=(--user "$CC_USER" --password-file "$WORK/cc.pw")
NI=(--ni-user "$NI_USER" --ni-password-file "$WORK/ni.pw" --ni-domain-type LOCAL --ni-domain local)

# ------------------------------------------------------------------------------------------------
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

# ------------------------------------------------------------------------------------------------
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
server "${KPATH[dsm]}?limit=100" "$WORK/dsm-all.json"
DSM_A=$(jv 'd["resources"][0]["id"]' "$WORK/dsm-all.json")
DSM_B=$(jv 'd["resources"][2]["id"]' "$WORK/dsm-all.json")
DSM_VENDOR=$(jv '[r["id"] for r in d["resources"] if r["id"].startswith("d4cbd38e")][0]' "$WORK/dsm-all.json")
server "${KPATH[azure-certificates]}?limit=100" "$WORK/azc-all.json"
AZC_VENDOR=$(jv '[r["id"] for r in d["resources"] if r["id"].startswith("1f413972")][0]' "$WORK/azc-all.json")
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

# ------------------------------------------------------------------------------------------------
section "jobs start, cancel, wait: outcomes and exit codes"
reset
ko "${G[@]}" "${CC[@]}" --json jobs start google --body '{"key_rings":["r1","r2"]}'
rc 0 "jobs start google --body"
cp "$OUT" "$WORK/g1.json"
G1=$(started_id google '{"key_rings":["r1","r2"]}')
jis "  ... prints the new job: in_progress, key_rings r1 r2, cloud gcp" \
    '[d["overall_status"], d["key_rings"], d["cloud"], d["abort"]]' '["in_progress",["r1","r2"],"gcp",false]' "$WORK/g1.json"
server "${KPATH[google]}/$G1" "$WORK/job.json"
jis "  ... the same job the server holds (id, uri, createdAt, key_rings)" \
    '[d[k] == e[k] for k in ("id", "uri", "createdAt", "key_rings", "cloud")]' '[true,true,true,true,true]' \
    "$WORK/g1.json" "$WORK/job.json"

printf '%s' '{"key_rings":["ring-fail"]}' >"$WORK/gfail.body"
ko "${G[@]}" "${CC[@]}" --json jobs start google --body-file "$WORK/gfail.body"
rc 0 "jobs start google --body-file (key ring ring-fail)"
GF=$(started_id google '{"key_rings":["ring-fail"]}')
jis "  ... key_rings [ring-fail]" 'd["key_rings"]' '["ring-fail"]' "$OUT"

printf '%s\n' '{"vaults":["v1"]}' >"$WORK/oci.body"
ko "${G[@]}" "${CC[@]}" --json jobs start oci --body-file "$WORK/oci.body"
rc 0 "jobs start oci --body-file"
O1=$(started_id oci '{"vaults":["v1"]}')
jis "  ... key_vaults [v1], cloud oci" '[d["key_vaults"], d["cloud"]]' '[["v1"],"oci"]' "$OUT"

ko "${G[@]}" "${CC[@]}" jobs start oci --body '{"vaults":["v2"]}'
rc 0 "jobs start oci --body (block output)"
O2=$(J blockid "$OUT")
if [[ -n $O2 ]]; then
    cp "$OUT" "$WORK/o2.txt"
    server "${KPATH[oci]}/$O2" "$WORK/job.json"
    echo '{"id":"'"$O2"'","overall_status":"in_progress"}' >"$WORK/o2.json"
    pyck "  ... a block of name: value lines with id: and overall_status: in_progress" block "$WORK/o2.txt" "$WORK/o2.json"
else
    bad "  ... an id: line" "no 'id: ...' line in stdout"
    O2=$(cc_start oci '{"vaults":["v2"]}')
fi

ko "${G[@]}" "${CC[@]}" --json jobs cancel oci "$O2"
rc 0 "jobs cancel oci ID"
jis "  ... prints the job: abort true, still in_progress" '[d["id"], d["abort"], d["overall_status"]]' \
    "[\"$O2\",true,\"in_progress\"]" "$OUT"

ko "${G[@]}" "${CC[@]}" --json jobs wait google "$G1"
rc 0 "jobs wait google ID (completed)"
server "${KPATH[google]}/$G1" "$WORK/job.json"
jis "  ... [{id, outcome completed, job}]" '[[x["id"], x["outcome"], sorted(x)] for x in d]' \
    "[[\"$G1\",\"completed\",[\"id\",\"job\",\"outcome\"]]]" "$OUT"
jv 'd[0]["job"]' "$OUT" >"$WORK/waited.json" 2>/dev/null || echo null >"$WORK/waited.json"
jeq "  ... the job equals the server's after it ended" "$WORK/waited.json" "$WORK/job.json"

ko "${G[@]}" "${CC[@]}" --json jobs get google "$G1"
jeq "jobs get google --json after the end equals the server's job" "$OUT" "$WORK/job.json"

ko "${G[@]}" "${CC[@]}" --json jobs wait google "$GF" "$G1"
rc 1 "jobs wait failed+completed: worst wins"
server "${KPATH[google]}/$GF" "$WORK/jobf.json"
jis "  ... outcomes failed, completed" '{x["id"]: x["outcome"] for x in d} == {e["a"]: "failed", e["b"]: "completed"}' true \
    "$OUT" <(echo "{\"a\":\"$GF\",\"b\":\"$G1\"}")
jv '[x["job"] for x in d if x["id"] == e["id"]][0]' "$OUT" "$WORK/jobf.json" >"$WORK/waited.json" 2>/dev/null || echo null >"$WORK/waited.json"
jeq "  ... the failed job equals the server's" "$WORK/waited.json" "$WORK/jobf.json"
jis "  ... the server's job: failed, ring-fail detail" '[d["overall_status"], "simulated failure" in d["detailed_status"]["ring-fail"]]' \
    '["failed",true]' "$WORK/jobf.json"

ko "${G[@]}" "${CC[@]}" jobs wait google "$GF"
rc 1 "jobs wait google ID (failed, text)"
pyck "  ... plain lines with the id, the last naming the outcome" waittext "$OUT" 'fail' "$GF"
ko "${G[@]}" "${CC[@]}" jobs wait google "$G1"
rc 0 "jobs wait google ID (completed, text)"
pyck "  ... plain lines with the id, the last naming the outcome" waittext "$OUT" 'complete' "$G1"

ko "${G[@]}" "${CC[@]}" --json jobs wait oci "$O2"
rc 6 "jobs wait after cancel (completed but aborted)"
server "${KPATH[oci]}/$O2" "$WORK/job.json"
jis "  ... outcome completed_aborted" '[[x["id"], x["outcome"]] for x in d]' "[[\"$O2\",\"completed_aborted\"]]" "$OUT"
jv 'd[0]["job"]' "$OUT" >"$WORK/waited.json" 2>/dev/null || echo null >"$WORK/waited.json"
jeq "  ... the job equals the server's (completed, abort true)" "$WORK/waited.json" "$WORK/job.json"
jis "  ... the server's job: completed, abort true" '[d["overall_status"], d["abort"]]' '["completed",true]' "$WORK/job.json"

ko "${G[@]}" "${CC[@]}" --json jobs wait oci "$O2" "$O1"
rc 6 "jobs wait aborted+completed: worst wins"
jis "  ... outcomes" '{x["id"]: x["outcome"] for x in d} == {e["a"]: "completed_aborted", e["b"]: "completed"}' true \
    "$OUT" <(echo "{\"a\":\"$O2\",\"b\":\"$O1\"}")
ko "${G[@]}" "${CC[@]}" jobs wait oci "$O2"
rc 6 "jobs wait after cancel (text)"
pyck "  ... plain lines with the id, the last naming the outcome" waittext "$OUT" 'abort' "$O2"

ko "${G[@]}" "${CC[@]}" --json jobs wait oci "$UNKNOWN_ID"
rc 4 "jobs wait an unknown id"
jis "  ... outcome error, job null" '[[x["id"], x["outcome"], x["job"]] for x in d]' "[[\"$UNKNOWN_ID\",\"error\",null]]" "$OUT"
ko "${G[@]}" "${CC[@]}" jobs wait oci "$O1" "$UNKNOWN_ID"
rc 4 "jobs wait completed+unknown: worst wins"

# --deadline: a 3 s job, a 1 s deadline
G3=$(cc_start google '{"key_rings":["r3"]}')
ko "${G[@]}" "${CC[@]}" --json jobs wait google "$G3" --deadline 1
rc 5 "jobs wait --deadline 1 on a 3 s job"
jis "  ... outcome deadline, the job as last read (in_progress)" '[[x["id"], x["outcome"], x["job"]["overall_status"]] for x in d]' \
    "[[\"$G3\",\"deadline\",\"in_progress\"]]" "$OUT"
server "${KPATH[google]}/$G3" "$WORK/job.json"
jis "  ... the job on the server is not cancelled (abort false)" 'd["abort"]' false "$WORK/job.json"

G4=$(cc_start google '{"key_rings":["r4"]}')
ko "${G[@]}" "${CC[@]}" jobs wait google "$G4" --deadline 1
rc 5 "jobs wait --deadline 1 (text)"
pyck "  ... plain lines with the id, the last naming the outcome" waittext "$OUT" 'deadline' "$G4"

G5=$(cc_start google '{"key_rings":["r5"]}')
ko "${G[@]}" "${CC[@]}" --json jobs wait google "$G5" "$GF" --deadline 1
rc 5 "jobs wait deadline+failed: worst wins"

G6=$(cc_start google '{"key_rings":["r6"]}')
ko "${G[@]}" "${CC[@]}" --json jobs wait google "$G6" --deadline 1 --cancel-on-deadline
rc 5 "jobs wait --deadline 1 --cancel-on-deadline"
jis "  ... outcome deadline or cancelled" '[x["outcome"] in ("deadline", "cancelled") for x in d]' '[true]' "$OUT"
server "${KPATH[google]}/$G6" "$WORK/job.json"
jis "  ... the job on the server has abort true" 'd["abort"]' true "$WORK/job.json"

# ------------------------------------------------------------------------------------------------
section "jobs wait on a terminal: one live progress line"
# script(1) gives the tool a pseudo-terminal as stdout.
command -v script >/dev/null || die "script (util-linux) is required"
GT=$(cc_start google '{"key_rings":["tty-1","tty-2","tty-3"]}')
printf -v TTYCMD '%q ' "$KEYOPS" "${G[@]}" "${CC[@]}" jobs wait google "$GT" --interval 0.5
KCMD="script -qec 'keyops ... jobs wait google $GT --interval 0.5' /dev/null"
RC=0
timeout -k 5 60 script -qec "$TTYCMD" /dev/null </dev/null >"$OUT" 2>"$ERR" || RC=$?
no_secrets
rc 0 "jobs wait on a terminal"
REDRAWS=$(grep -o $'\r\e\[K' "$OUT" | wc -l)
if [[ $REDRAWS -ge 2 ]] && grep -q "3/3 resources" "$OUT" && grep -q "$GT: completed" "$OUT"; then
    ok "  ... the progress line is redrawn in place ($REDRAWS times) up to 3/3 resources"
else
    bad "  ... a live line redrawn with CR and erase-line, ending at 3/3 resources" \
        "redraws: $REDRAWS" "output: $(od -c "$OUT" | head -20)"
fi

# ------------------------------------------------------------------------------------------------
section "jobs wait on ten jobs: one list request per round"
reset
TEN=()
for i in $(seq 10); do
    TEN+=("$(cc_start oci "{\"vaults\":[\"ten-$i\"]}")")
done
admin DELETE stats
ko "${G[@]}" "${CC[@]}" --json jobs wait oci "${TEN[@]}" --interval 1
admin GET stats
cp "$WORK/admin.json" "$WORK/stats.json"
rc 0 "jobs wait on ten oci jobs --interval 1"
jis "  ... ten outcomes, all completed" 'sorted((x["id"], x["outcome"]) for x in d) == sorted((i, "completed") for i in e["ids"])' \
    true "$OUT" <(printf '{"ids":["%s"]}' "$(IFS=,; echo "${TEN[*]}" | sed 's/,/","/g')")
LISTS=$(jv 'd["requests"].get("GET '"${KPATH[oci]}"'", 0)' "$WORK/stats.json")
PERJOB=$(jv '[k for k in d["requests"] if k.startswith("GET '"${KPATH[oci]}"'/")]' "$WORK/stats.json")
if [[ $LISTS -ge 1 && $LISTS -le 5 ]]; then
    ok "  ... GET ${KPATH[oci]} counted $LISTS times (1..5 for 3 s jobs polled every 1 s)"
else
    bad "  ... GET ${KPATH[oci]} counted $LISTS times, expected 1..5" "stats: $(cat "$WORK/stats.json")"
fi
if [[ $PERJOB == '[]' ]]; then
    ok "  ... no per-job GETs"
else
    bad "  ... no per-job GETs" "stats: $(cat "$WORK/stats.json")"
fi
ALLSAME=1
for id in "${TEN[@]}"; do
    server "${KPATH[oci]}/$id" "$WORK/job.json"
    jv '[x["job"] for x in d if x["id"] == e["id"]][0]' "$OUT" "$WORK/job.json" >"$WORK/waited.json" 2>/dev/null ||
        echo null >"$WORK/waited.json"
    if ! msg=$(J eq "$WORK/waited.json" "$WORK/job.json"); then
        ALLSAME=0
        bad "  ... job $id equals the server's" "$msg"
        break
    fi
done
[[ $ALLSAME == 1 ]] && ok "  ... every job equals the server's after it ended"

section "jobs list --all across pages"
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

# ------------------------------------------------------------------------------------------------
section "a wait across token expiry (tokens live 2 s, the job 3 s, plus /__sim/expire-tokens)"
reset
EXP=$(cc_start oci '{"vaults":["expiry"]}')
KCMD=$(redact keyops "${G[@]}" "${CC[@]}" --json jobs wait oci "$EXP" --interval 1)
RC=0
timeout -k 5 60 "$KEYOPS" "${G[@]}" "${CC[@]}" --json jobs wait oci "$EXP" --interval 1 \
    </dev/null >"$OUT" 2>"$ERR" &
BG=$!
BG_PIDS+=("$BG")
sleep 1
admin POST expire-tokens
JWT_AT=0
NI_AT=0
EXPIRED=$(jv 'd["expired"]["cckm"]' "$WORK/admin.json")
wait "$BG" || RC=$?
no_secrets
rc 0 "jobs wait with tokens expired under it (expire-tokens expired $EXPIRED CCKM tokens)"
jis "  ... outcome completed" '[x["outcome"] for x in d]' '["completed"]' "$OUT"

# ------------------------------------------------------------------------------------------------
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

# ------------------------------------------------------------------------------------------------
section "schedule: create, list, run-now, wait, delete (the CipherTrust scheduler)"
reset
SCHED=/api/v1/scheduler
json_id() { jv 'd["id"] if isinstance(d, dict) and "id" in d else ""' "$OUT" 2>/dev/null || true; }
ko "${G[@]}" "${CC[@]}" --json schedule create --name cli-nightly --cloud aws --run-at '0 2 * * *' \
    --kms kms-prod --kms kms-dev --body '{"description":"from the cli test"}'
rc 0 "schedule create with typed flags and --body"
SC=$(json_id)
[[ $SC =~ ^[0-9a-f-]{36}$ ]] && ok "  ... prints the new schedule with its id" ||
    bad "  ... prints the new schedule with its id" "no id in: $(head -c 300 "$OUT")"
jis "  ... name, operation, run_on, run_at, params (as job_config_params), the --body member" \
    '[d["name"], d["operation"], d["run_on"], d["run_at"], [d["job_config_params"][k] for k in ("cloud_name", "kms", "synchronize_all")], d["description"]]' \
    '["cli-nightly","cckm_synchronization","any","0 2 * * *",["aws",["kms-prod","kms-dev"],false],"from the cli test"]' \
    "$OUT"
server "$SCHED/job-configs/$SC" "$WORK/cfg.json"
ko "${G[@]}" "${CC[@]}" --json schedule get "$SC"
rc 0 "schedule get --json"
jeq "  ... equals the server's job config" "$OUT" "$WORK/cfg.json"
ko "${G[@]}" "${CC[@]}" schedule get "$SC"
rc 0 "schedule get (block)"
has "  ... a run_at: line" "0 2 * * *" "$OUT"
has "  ... the operation" "cckm_synchronization" "$OUT"
has "  ... the cloud" "aws" "$OUT"
has "  ... the kms list" "kms-prod, kms-dev" "$OUT"
has "  ... synchronize_all" "synchronize_all:    false" "$OUT"

ko "${G[@]}" "${CC[@]}" --json schedule list
rc 0 "schedule list --json"
server "$SCHED/job-configs" "$WORK/cfgs.json"
jeq "  ... equals the server's page" "$OUT" "$WORK/cfgs.json"
jis "  ... holds the new schedule" '[x["name"] for x in d["resources"] if x["id"] == e["id"]]' \
    '["cli-nightly"]' "$OUT" <(echo "{\"id\":\"$SC\"}")
ko "${G[@]}" "${CC[@]}" schedule list --name cli-nightly
rc 0 "schedule list --name (table)"
has "  ... the table names it" "$SC" "$OUT"
[[ $(grep -c . "$OUT") == 2 ]] && ok "  ... a header and one line" ||
    bad "  ... a header and one line" "$(grep -c . "$OUT") lines"

ko "${G[@]}" "${CC[@]}" schedule create --name cli-nightly --cloud aws --run-at '0 3 * * *' --all
rc 8 "schedule create of a name in use (409)"
usage_err "schedule create without --run-at" 'run-at' schedule create --name x --cloud aws --all
usage_err "schedule create --body that is not an object" 'JSON object' schedule create --body '[1]'
usage_err "schedule wait without a RUN_ID" 'RUN_ID' schedule wait

ko "${G[@]}" "${CC[@]}" --json schedule run-now "$SC"
rc 0 "schedule run-now --json"
RUN=$(json_id)
jis "  ... the run: in_progress, of this schedule" '[d["status"], d["job_config_id"]]' \
    "[\"in_progress\",\"$SC\"]" "$OUT"
ko "${G[@]}" "${CC[@]}" --json schedule wait "$RUN" --interval 0.5
rc 0 "schedule wait RUN_ID (completed)"
server "$SCHED/jobs/$RUN" "$WORK/run.json"
jis "  ... {id, outcome completed, run}" '[d["id"], d["outcome"], sorted(d)]' \
    "[\"$RUN\",\"completed\",[\"id\",\"outcome\",\"run\"]]" "$OUT"
jv 'd["run"]' "$OUT" >"$WORK/waited.json" 2>/dev/null || echo null >"$WORK/waited.json"
jeq "  ... the run equals the server's after it ended" "$WORK/waited.json" "$WORK/run.json"
ko "${G[@]}" "${CC[@]}" schedule wait "$RUN"
rc 0 "schedule wait RUN_ID (text)"
has "  ... names the outcome" "$RUN: completed" "$OUT"
ko "${G[@]}" "${CC[@]}" --json schedule runs --config "$SC"
rc 0 "schedule runs --config ID"
jis "  ... the one run, completed" '[[x["id"], x["status"]] for x in d["resources"]]' \
    "[[\"$RUN\",\"completed\"]]" "$OUT"

ko "${G[@]}" "${CC[@]}" --json schedule create --name cli-fail --cloud aws --run-at '0 4 * * *' \
    --kms kms-fail-demo
SF=$(json_id)
ko "${G[@]}" "${CC[@]}" --json schedule run-now "$SF"
RF=$(json_id)
ko "${G[@]}" "${CC[@]}" schedule wait "$RF" --interval 0.5
rc 1 "schedule wait on a run that fails"
has "  ... the server's error text on stderr" "simulated failure" "$ERR"
ko "${G[@]}" "${CC[@]}" --json schedule run-now "$SF"
RD=$(json_id)
ko "${G[@]}" "${CC[@]}" schedule wait "$RD" --deadline 1
rc 5 "schedule wait --deadline 1 on a 3 s run"

# update: only what is given changes; --clear sends null.
ko "${G[@]}" "${CC[@]}" --json schedule update "$SC" --run-at '15 1 * * *' --clear kms --sync-all true
rc 0 "schedule update --run-at --clear kms --sync-all true"
jis "  ... run_at changed, kms cleared, synchronize_all set, the rest kept" \
    '[d["run_at"], d["job_config_params"]["kms"], d["job_config_params"]["synchronize_all"], d["name"], d["job_config_params"]["cloud_name"], d["description"]]' \
    '["15 1 * * *",[],true,"cli-nightly","aws","from the cli test"]' "$OUT"
ko "${G[@]}" "${CC[@]}" -v schedule update "$SC" --cloud oci
rc 0 "schedule update --cloud alone (the operation is read from the config first)"
has "  ... the config was read for its operation" "GET job config $SC (its operation)" "$ERR"
has "  ... the new cloud" "cloud_name:         oci" "$OUT"
usage_err "schedule update without a change" 'needs a change' schedule update "$SC"
usage_err "schedule update --name ''" 'needs a value' schedule update "$SC" --name ''
usage_err "schedule update --kms with --expiration" 'one operation' schedule update "$SC" \
    --kms k1 --expiration 30d
usage_err "schedule update --clear of an unknown member" 'clear takes' schedule update "$SC" \
    --clear colour
ko "${G[@]}" "${CC[@]}" schedule update "$UNKNOWN_ID" --run-at '0 1 * * *'
rc 4 "schedule update of an unknown config"

ko "${G[@]}" "${CC[@]}" schedule delete "$SC"
rc 0 "schedule delete ID"
ko "${G[@]}" "${CC[@]}" schedule get "$SC"
rc 4 "schedule get after delete"
ko "${G[@]}" "${CC[@]}" schedule delete "$SC"
rc 4 "schedule delete again"
ko "${G[@]}" "${CC[@]}" schedule run-now "$SC"
rc 4 "schedule run-now of a deleted schedule"
ko "${G[@]}" "${CC[@]}" schedule wait "$UNKNOWN_ID"
rc 4 "schedule wait on an unknown run"

# Key rotation: created with typed flags, read back with every parameter, updated, listed.
ko "${G[@]}" "${CC[@]}" --json schedule create --operation key-rotation --name cli-rotate \
    --cloud aws --run-at '0 1 1 * *' --expiration 365d --expire-in 7d --rotation-after 90d \
    --retain-alias true --end-date 2027-12-31T00:00:00Z
rc 0 "schedule create --operation key-rotation"
SK=$(json_id)
jis "  ... operation and parameters" \
    '[d["operation"], d["job_config_params"]["cloud_name"], d["job_config_params"]["expiration"], d["job_config_params"]["expire_in"], d["job_config_params"]["rotation_after"], d["job_config_params"]["aws_param"]["retain_alias"], d["end_date"]]' \
    '["cckm_key_rotation","aws","365d","7d","90d",true,"2027-12-31T00:00:00Z"]' "$OUT"
ko "${G[@]}" "${CC[@]}" schedule get "$SK"
rc 0 "schedule get of a key rotation config"
has "  ... operation" "cckm_key_rotation" "$OUT"
has "  ... expiration" "expiration:         365d" "$OUT"
has "  ... expire_in" "expire_in:          7d" "$OUT"
has "  ... rotation_after" "rotation_after:     90d" "$OUT"
has "  ... retain_alias" "retain_alias:       true" "$OUT"
has "  ... end_date" "end_date:           2027-12-31T00:00:00Z" "$OUT"
hasnt "  ... no start_date (Go's zero time means not set)" "start_date" "$OUT"
server "$SCHED/job-configs/$SK" "$WORK/rot.json"
ko "${G[@]}" "${CC[@]}" --json schedule get "$SK"
jeq "  ... --json equals the server's object" "$OUT" "$WORK/rot.json"
ko "${G[@]}" "${CC[@]}" --json schedule update "$SK" --expiration 30d --clear expire_in \
    --rotate-material true
rc 0 "schedule update of key rotation parameters"
jis "  ... expiration changed, expire_in cleared, rotation_after kept, rotate_material set" \
    '[d["job_config_params"]["expiration"], d["job_config_params"]["expire_in"], d["job_config_params"]["rotation_after"], d["job_config_params"]["aws_param"]["rotate_material"], d["job_config_params"]["aws_param"]["retain_alias"]]' \
    '["30d","","90d",true,true]' "$OUT"
usage_err "schedule create --operation key-rotation with --kms" 'not a parameter' \
    schedule create --operation key-rotation --name x --cloud aws --run-at '* * * * *' --kms k
usage_err "schedule create --expiration 3w" 'days or hours' schedule create \
    --operation key-rotation --name x --cloud aws --run-at '* * * * *' --expiration 3w
usage_err "schedule create --operation backup" 'sync, key-rotation or xks' schedule create \
    --operation backup --name x --run-at '* * * * *'
ko "${G[@]}" "${CC[@]}" --json schedule create --operation xks-credential-rotation --name cli-xks \
    --run-at '0 0 * * 0' --cloud aws
rc 0 "schedule create --operation xks-credential-rotation"
jis "  ... operation and cloud" '[d["operation"], d["job_config_params"]["cloud_name"]]' \
    '["cckm_xks_credential_rotation","aws"]' "$OUT"
SX=$(json_id)

ko "${G[@]}" "${CC[@]}" schedule list --all --limit 1
rc 0 "schedule list --all (pages of one)"
has "  ... a sync config, with its resources" "kms-fail-demo" "$OUT"
has "  ... the rotation config, with its periods" "expiration 30d" "$OUT"
has "  ... the XKS config" "xks-rotation" "$OUT"
has "  ... how many pages it read" "4 job configs in 4 pages" "$ERR"
ko "${G[@]}" "${CC[@]}" --json schedule list --all
rc 0 "schedule list --all --json"
cc GET "$SCHED/job-configs?skip=0&limit=-1" "$WORK/every.json"
jis "  ... every config, as the server lists them with limit=-1" \
    '[x["id"] for x in d["resources"]] == [x["id"] for x in e["resources"]] and d["total"] == len(e["resources"])' \
    true "$OUT" "$WORK/every.json"
ko "${G[@]}" "${CC[@]}" schedule delete "$SK"
rc 0 "schedule delete of the key rotation config"
ko "${G[@]}" "${CC[@]}" schedule delete "$SX"
rc 0 "schedule delete of the XKS config"

# The other reading of run-now: accepted with no body.
ko "${G[@]}" "${CC[@]}" --json schedule create --body \
    '{"name":"cli-raw","operation":"cckm_synchronization","run_at":"*/5 * * * *","cckm_synchronization_params":{"cloud_name":"oci","oci_vaults":["v1"]}}'
rc 0 "schedule create --body alone"
SR=$(json_id)
jis "  ... oci_vaults as sent, run_on defaulted" '[d["job_config_params"]["oci_vaults"], d["run_on"]]' \
    '[["v1"],"any"]' "$OUT"
admin POST run-now-empty '{"empty":true}'
ko "${G[@]}" "${CC[@]}" schedule run-now "$SR"
rc 0 "schedule run-now answered 204 without a body"
has "  ... says the run started, and where to find it" "schedule runs --config $SR" "$ERR"
admin POST run-now-empty '{"empty":false}'
cc GET "$SCHED/jobs?job_config_id=$SR" "$WORK/runs.json"
jis "  ... the run was started all the same" 'len(d["resources"])' 1 "$WORK/runs.json"

# ------------------------------------------------------------------------------------------------
section "credentials, environment forms, --insecure"
reset
ko "${G[@]}" --user admin --password-file "$WORK/admin.pw" jobs list dsm
rc 0 "--user admin --password-file"
ko "${G[@]}" --user "$CC_USER" --password-file "$WORK/cc.pw" --domain root jobs list dsm
rc 0 "--domain root"
ko KEYOPS_PASSWORD="$CC_PW" "${G[@]}" --user "$CC_USER" jobs list dsm
rc 0 "KEYOPS_PASSWORD"
ko KEYOPS_URL="$BASE" --cacert "$CA" "${CC[@]}" --json jobs list dsm
rc 0 "KEYOPS_URL instead of --url"
server "${KPATH[dsm]}" "$WORK/page.json"
jeq "  ... the same page" "$OUT" "$WORK/page.json"
cc_jwt
ko "${G[@]}" --token "$JWT" --json jobs get dsm "$DSM_VENDOR"
rc 0 "--token (a bearer JWT from curl)"
cc_jwt
ko KEYOPS_TOKEN="$JWT" "${G[@]}" --json jobs get dsm "$DSM_VENDOR"
rc 0 "KEYOPS_TOKEN"
cc_jwt
printf '%s\n' "$JWT" >"$WORK/token"
chmod 600 "$WORK/token"
ko "${G[@]}" --token-file "$WORK/token" --json jobs get dsm "$DSM_VENDOR"
rc 0 "--token-file (the token kept out of ps)"
KCMD="keyops ... --password-file - jobs get dsm (password on stdin)"
RC=0
timeout -k 5 60 "$KEYOPS" "${G[@]}" --user "$CC_USER" --password-file - --json \
    jobs get dsm "$DSM_VENDOR" <"$WORK/cc.pw" >"$OUT" 2>"$ERR" || RC=$?
no_secrets
rc 0 "--password-file - reads the password from stdin"
# No secret given and a terminal on stdin: the password is asked for, without echo.
KCMD="keyops ... --user U jobs get dsm (password typed at the prompt)"
RC=0
PW=$(cat "$WORK/cc.pw")
timeout -k 5 60 "$PY" -S -c '
import os, pty, sys, time
pw, argv = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
seen, sent = b"", False
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    if not sent and b"Password for " in seen:
        time.sleep(0.2)
        os.write(fd, pw.encode() + b"\n")
        sent = True
sys.stdout.buffer.write(seen)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
' "$PW" "$KEYOPS" "${G[@]}" --user "$CC_USER" --json jobs get dsm "$DSM_VENDOR" \
    >"$OUT" 2>"$ERR" || RC=$?
no_secrets
rc 0 "--user without a password on a terminal: asked for at the prompt"
if grep -q "Password for $CC_USER: " "$OUT" && ! grep -qF "$PW" "$OUT"; then
    ok "  ... the prompt was shown and the password not echoed"
else
    bad "  ... the prompt was shown and the password not echoed" "$(head -c 300 "$OUT")"
fi
ko --url "$BASE" --insecure "${CC[@]}" jobs list dsm
rc 0 "--insecure without --cacert"
ko KEYOPS_NI_PASSWORD="$NI_PW" "${G[@]}" --ni-user "$NI_USER" --ni-domain-type LOCAL --ni-domain local proxy-key details
rc 0 "KEYOPS_NI_PASSWORD"
ko "${G[@]}" --ni-user "$NI_USER" --ni-password-file "$WORK/ni.pw" --ni-domain-type LDAP --ni-domain corp.example proxy-key details
rc 0 "--ni-domain-type LDAP --ni-domain corp.example"
ni_tok
ko "${G[@]}" --ni-token "$NI_TOKEN" --json proxy-key details
rc 0 "--ni-token (a token from curl)"

section "authentication failures: exit 3"
ko "${G[@]}" --user "$CC_USER" --password-file "$WORK/wrong.pw" jobs list dsm
rc 3 "wrong password (--password-file)"
ko KEYOPS_PASSWORD="$WRONG_PW" "${G[@]}" --user "$CC_USER" jobs wait oci "$UNKNOWN_ID"
rc 3 "wrong password (KEYOPS_PASSWORD), jobs wait"
ko "${G[@]}" --token not-a-jwt jobs list dsm
rc 3 "--token not-a-jwt"
FOREIGN='eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE2MTQ3NTIxNTF9.c2ln'
echo "$FOREIGN" >>"$SECRETS"
ko "${G[@]}" --token "$FOREIGN" jobs get dsm "$DSM_VENDOR"
rc 3 "--token an expired foreign JWT"
ko KEYOPS_TOKEN=not-a-jwt "${G[@]}" jobs list dsm
rc 3 "KEYOPS_TOKEN not-a-jwt"
ko "${G[@]}" --ni-user "$NI_USER" --ni-password-file "$WORK/wrong.pw" --ni-domain-type LOCAL --ni-domain local proxy-key details
rc 3 "wrong Network Insight password"
echo "NiBogusToken0123456789abcdefXYZ" >>"$SECRETS"
ko "${G[@]}" --ni-token NiBogusToken0123456789abcdefXYZ proxy-key status
rc 3 "bad --ni-token"

# ------------------------------------------------------------------------------------------------
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
if command -v openssl >/dev/null; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
        -keyout "$WORK/other.key" -out "$WORK/other.pem" -subj /CN=localhost \
        -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 || die "openssl req failed"
else
    # Any bundle without the simulator's certificate will do.
    cp /etc/ssl/certs/ca-certificates.crt "$WORK/other.pem" 2>/dev/null || die "no openssl and no CA bundle"
fi
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
CLOSED=$("$PY" -S -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
ko --url "https://127.0.0.1:$CLOSED" --cacert "$CA" "${CC[@]}" --timeout 5 jobs list dsm
rc 7 "a closed port"
ko --url "https://127.0.0.1:$CLOSED" --cacert "$CA" "${NI[@]}" --timeout 5 proxy-key status
rc 7 "a closed port: proxy-key status"

# ------------------------------------------------------------------------------------------------
section "--ni-url, --ni-cacert and config file profiles (flag > environment > profile)"
DEAD=https://127.0.0.1:$CLOSED
ko --url "$DEAD" --ni-url "$BASE" --cacert "$CA" "${NI[@]}" --timeout 5 proxy-key status
rc 0 "--ni-url serves proxy-key status while --url points at a closed port"
ko --url "$BASE" --ni-url "$DEAD" --cacert "$CA" "${NI[@]}" --timeout 5 proxy-key status
rc 7 "  ... and --ni-url at a closed port fails it although --url is the live server"
ko --url "$BASE" --ni-url "$DEAD" --cacert "$CA" "${CC[@]}" --timeout 5 jobs list dsm
rc 0 "  ... while jobs commands keep to --url"
ko KEYOPS_NI_URL="$BASE" --url "$DEAD" --cacert "$CA" "${NI[@]}" --timeout 5 proxy-key details
rc 0 "KEYOPS_NI_URL"
ko KEYOPS_NI_URL="$DEAD" --url "$DEAD" --ni-url "$BASE" --cacert "$CA" "${NI[@]}" --timeout 5 \
    proxy-key details
rc 0 "--ni-url wins over KEYOPS_NI_URL"
ko --url "$BASE" --ni-cacert "$CA" "${NI[@]}" --timeout 5 proxy-key status
rc 0 "--ni-cacert alone verifies Network Insight"
ko --url "$BASE" --cacert "$WORK/other.pem" --ni-cacert "$CA" "${NI[@]}" --timeout 5 proxy-key status
rc 0 "--ni-cacert in place of a --cacert that would fail"
ko --url "$BASE" --cacert "$CA" --ni-cacert "$WORK/other.pem" "${NI[@]}" --timeout 5 proxy-key status
rc 7 "  ... and a wrong --ni-cacert fails although --cacert is right"
# A path in --ni-url is the API's base (SaaS puts it under /ni/api/ni).
ko --url "$DEAD" --ni-url "$BASE/api/ni" --cacert "$CA" "${NI[@]}" --json proxy-key details
rc 0 "--ni-url with the base path /api/ni"
ko --url "$BASE" --ni-url "$BASE/elsewhere" --cacert "$CA" "${NI[@]}" proxy-key details
rc 4 "  ... and with a base path the server does not serve: not found"
usage_err "--ni-url that is no URL" "--ni-url must be" --url "$BASE" --ni-url "$BASE?x=1" --cacert "$CA" \
    "${NI[@]}" proxy-key status

# A relative password_file is named from the config file's directory ($WORK).
P=$WORK/profiles.conf
cat >"$P" <<CONF
# profiles for the cli test
[profile sim]
url = $BASE
cacert = $CA
user = $CC_USER
password_file = cc.pw
ni_user = $NI_USER
ni_password_file = $WORK/ni.pw
ni_domain_type = LOCAL
ni_domain = local
timeout = 20s

[profile dead-url]
url = $DEAD
cacert = $CA
user = $CC_USER
password_file = cc.pw
timeout = 5

[profile wrong-pw]
url = $BASE
cacert = $CA
user = $CC_USER
password_file = wrong.pw

[profile split]
url = $DEAD
ni_url = $BASE
cacert = $CA
ni_user = $NI_USER
ni_password_file = ni.pw
timeout = 5
CONF
chmod 644 "$P" # no secret written in it: any mode will do
ko KEYOPS_CONFIG="$P" --profile sim --json jobs list dsm
rc 0 "--profile sim supplies the URL, CA and credentials: jobs list"
server "${KPATH[dsm]}" "$WORK/page.json"
jeq "  ... the same page as the server's" "$OUT" "$WORK/page.json"
ko KEYOPS_CONFIG="$P" KEYOPS_PROFILE=sim --json jobs get dsm "$DSM_VENDOR"
jis "KEYOPS_PROFILE=sim: jobs get" 'd["id"]' "$DSM_VENDOR" "$OUT"
ko KEYOPS_CONFIG="$P" KEYOPS_PROFILE=wrong-pw --profile sim jobs get dsm "$DSM_VENDOR"
rc 0 "--profile wins over KEYOPS_PROFILE"
ko KEYOPS_CONFIG="$P" --profile sim proxy-key details
rc 0 "--profile sim supplies the Network Insight credentials"
ko KEYOPS_CONFIG="$P" --profile dead-url jobs list dsm
rc 7 "a profile's URL is used (a closed port)"
ko KEYOPS_CONFIG="$P" KEYOPS_URL="$BASE" --profile dead-url jobs list dsm
rc 0 "  ... KEYOPS_URL wins over the profile's url"
ko KEYOPS_CONFIG="$P" KEYOPS_URL="$DEAD" --profile sim --timeout 5 jobs list dsm
rc 7 "  ... KEYOPS_URL wins over a good profile url too"
ko KEYOPS_CONFIG="$P" KEYOPS_URL="$DEAD" --url "$BASE" --profile dead-url jobs list dsm
rc 0 "  ... --url wins over KEYOPS_URL and the profile"
ko KEYOPS_CONFIG="$P" --profile wrong-pw jobs list dsm
rc 3 "a profile's password_file is used (a wrong password)"
ko KEYOPS_CONFIG="$P" KEYOPS_PASSWORD="$CC_PW" --profile wrong-pw jobs list dsm
rc 0 "  ... KEYOPS_PASSWORD wins over the profile's password_file"
ko KEYOPS_CONFIG="$P" KEYOPS_PASSWORD="$WRONG_PW" --profile sim jobs list dsm
rc 3 "  ... KEYOPS_PASSWORD wins over a good profile password too"
ko KEYOPS_CONFIG="$P" KEYOPS_PASSWORD="$CC_PW" --password-file "$WORK/wrong.pw" --profile sim \
    jobs list dsm
rc 3 "  ... --password-file wins over KEYOPS_PASSWORD and the profile"
cc_jwt
ko KEYOPS_CONFIG="$P" KEYOPS_TOKEN="$JWT" --profile wrong-pw --json jobs get dsm "$DSM_VENDOR"
rc 0 "KEYOPS_TOKEN puts the profile's user and password aside"
ko KEYOPS_CONFIG="$P" --profile split --json proxy-key status
rc 0 "a profile's ni_url serves proxy-key while its url is a closed port"
ko KEYOPS_CONFIG="$P" --profile split --ni-url "$DEAD" proxy-key status
rc 7 "  ... --ni-url wins over the profile's ni_url"
ko KEYOPS_CONFIG="$P" --profile split "${CC[@]}" jobs list dsm
rc 7 "  ... and jobs commands use its url"
ko KEYOPS_CONFIG="$P" --profile sim -v jobs list dsm
has "-v names the profile and its file" "profile sim of $P" "$ERR"

# The default paths and the profile named default.
mkdir -p "$WORK/xdg/keyops"
sed -e 's/^\[profile sim\]$/[profile default]/' -e "s|= \([a-z]*\.pw\)\$|= $WORK/\1|" "$P" \
    >"$WORK/xdg/keyops/config"
ko XDG_CONFIG_HOME="$WORK/xdg" --json jobs list dsm
rc 0 "\$XDG_CONFIG_HOME/keyops/config's profile default, with no --profile"
ko XDG_CONFIG_HOME="$WORK/xdg" --profile dead-url jobs list dsm
rc 7 "  ... and its other profiles by name"
usage_err "without XDG_CONFIG_HOME, ~/.config/keyops/config is looked for" \
    "no config file at $WORK/home/.config/keyops/config" \
    HOME="$WORK/home" XDG_CONFIG_HOME= --profile sim jobs list dsm
mkdir -p "$WORK/home/.config"
ln -s "$WORK/xdg/keyops" "$WORK/home/.config/keyops"
ko HOME="$WORK/home" XDG_CONFIG_HOME= jobs list dsm
rc 0 "  ... and read there"
ko --cacert "$CA" "${CC[@]}" jobs list dsm
rc 2 "no config file and no --url: as before, no server"

# Secrets written in the file: only in a private file.
L=$WORK/loose.conf
printf '[profile sim]\nurl = %s\ncacert = %s\nuser = %s\npassword = %s\n' \
    "$BASE" "$CA" "$CC_USER" "$CC_PW" >"$L"
chmod 644 "$L"
usage_err "a password in a 0644 config file is refused" \
    "$L holds password \(line 5\) but its mode 0644 .*chmod 600 $L" \
    KEYOPS_CONFIG="$L" --profile sim jobs list dsm
ko KEYOPS_CONFIG="$L" jobs list dsm
rc 2 "  ... even when none of its profiles is asked for"
chmod 640 "$L"
ko KEYOPS_CONFIG="$L" --profile sim jobs list dsm
rc 2 "  ... and in a 0640 one"
chmod 600 "$L"
ko KEYOPS_CONFIG="$L" --profile sim --json jobs list dsm
rc 0 "  ... and used from a 0600 one"

# Mistakes in the file: its name, the line and what is wrong.
B=$WORK/bad.conf
printf '[profile a]\nurl = %s\n\nuser %s\n' "$BASE" "$CC_PW" >"$B"
usage_err "a line without '='" "$B:4: expected 'key = value'" KEYOPS_CONFIG="$B" jobs list dsm
printf '# c\n[profile a]\nurl = %s\nurl2 = x\n' "$BASE" >"$B"
usage_err "an unknown key" "$B:4: unknown key 'url2'" KEYOPS_CONFIG="$B" --profile a jobs list dsm
printf '[profile a]\nuser = a\nuser = b\n' >"$B"
usage_err "a duplicate key" "$B:3: user again \(first on line 2\)" KEYOPS_CONFIG="$B" jobs list dsm
printf 'url = %s\n[profile a]\n' "$BASE" >"$B"
usage_err "a key outside any section" "$B:1: a key outside" KEYOPS_CONFIG="$B" jobs list dsm
printf '[profile a]\ntimeout = soon\n' >"$B"
usage_err "a bad timeout" "$B:2: timeout takes a duration" KEYOPS_CONFIG="$B" jobs list dsm
printf '[profile a]\nuser = x\npassword_file = %s\n' "$WORK/no-such.pw" >"$B"
usage_err "a password_file that cannot be read" "$B:3: password_file: cannot read" \
    KEYOPS_CONFIG="$B" --profile a jobs list dsm
usage_err "an unknown profile" "$P: no profile 'nope'; it has: dead-url, sim, split, wrong-pw" \
    KEYOPS_CONFIG="$P" --profile nope jobs list dsm
usage_err "an unknown KEYOPS_PROFILE" "no profile 'nope'" \
    KEYOPS_CONFIG="$P" KEYOPS_PROFILE=nope jobs list dsm
usage_err "--profile without a config file" "profile 'sim' asked for, but there is no config file" \
    --profile sim jobs list dsm
usage_err "KEYOPS_CONFIG naming no file" "config file $WORK/none.conf \(KEYOPS_CONFIG\)" \
    KEYOPS_CONFIG="$WORK/none.conf" jobs list dsm

# ------------------------------------------------------------------------------------------------
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
SK=$(jv 'd["id"]' "$OUT")
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

# ------------------------------------------------------------------------------------------------
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

# ------------------------------------------------------------------------------------------------
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

# ------------------------------------------------------------------------------------------------
section "a wait across a restart of the simulator (kill -9, then the same port and state file)"
reset
RJ=$(cc_start dsm '{"domains":["restart-1","restart-2"]}')
# --timeout 1 bounds each poll, retries included, so that a 2.5 s outage fails at least one.
RARGS=("${G[@]}" "${CC[@]}" --timeout 1 jobs wait dsm "$RJ" --deadline 90 --interval 0.5)
KCMD=$(redact keyops "${RARGS[@]}")
LEAK=0
RC=0
timeout -k 5 60 "$KEYOPS" "${RARGS[@]}" </dev/null >"$OUT" 2>"$ERR" &
RWAIT=$!
BG_PIDS+=("$RWAIT")
sleep 1
kill -KILL "$SIM_PID"
wait "$SIM_PID" 2>/dev/null || true
kill -0 "$RWAIT" 2>/dev/null || die "the wait ended before the simulator was killed"
sleep 2.5
start_sim "127.0.0.1:$PORT"
wait "$RWAIT" || RC=$?
no_secrets
rc 0 "jobs wait dsm ID --deadline 90 across a kill -9 and restart of the simulator: completed"
pyck "  ... plain lines with the id, the last naming the outcome" waittext "$OUT" 'completed' "$RJ"
if grep -q "server not answering" "$OUT" "$ERR"; then
    ok "  ... the progress lines name the outage ($(grep -c "server not answering" "$OUT") polls failed)"
else
    bad "  ... the progress lines name the outage" "no 'server not answering' line"
fi
JWT_AT=0
server "${KPATH[dsm]}/$RJ" "$WORK/job.json"
jis "  ... the restarted simulator holds the job, completed" '[d["id"], d["overall_status"]]' \
    "[\"$RJ\",\"completed\"]" "$WORK/job.json"

# ------------------------------------------------------------------------------------------------
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
if grep -qF -f "$SECRETS" "$WORK/sim.log"; then
    die "the simulator's log holds a secret"
fi

# ------------------------------------------------------------------------------------------------
section "a CipherTrust cluster (keyops-sim --nodes 2): node URLs, failover, revoked refresh tokens"
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
    [[ $(wc -l <"$WORK/cports" 2>/dev/null || echo 0) -ge 2 ]] && break
    kill -0 "$CSIM" 2>/dev/null || die "keyops-sim --nodes 2 exited: $(cat "$WORK/csim.out")"
    sleep 0.05
done
N1=https://127.0.0.1:$(sed -n 1p "$WORK/cports")
N2=https://127.0.0.1:$(sed -n 2p "$WORK/cports")
CDEAD=https://127.0.0.1:1 # nothing listens on port 1: connections are refused
CG=(--cacert "$CCA")
cadmin() { # cadmin NODE-URL METHOD NAME [JSON]: that node's admin API
    local body=()
    [[ $# -ge 4 ]] && body=(-d "$4")
    CODE=$(curl -sS -o "$WORK/cadmin.json" -w '%{http_code}' --cacert "$CCA" -X "$2" "${body[@]}" \
        "$1/__sim/$3" 2>"$WORK/curl.err") || die "curl $2 $1/__sim/$3 failed"
    [[ $CODE == 2?? ]] || die "$2 /__sim/$3: HTTP $CODE $(cat "$WORK/cadmin.json")"
}
revoked() { cadmin "$N2" GET tokens && jv 'd["cckm_refresh_revoked"]' "$WORK/cadmin.json"; }

ko "${CG[@]}" -v --url "$CDEAD,$N2" "${CC[@]}" jobs list oci
rc 0 "jobs list with --url DEAD,NODE2: the refused node is passed over"
has "  ... -v names the node left and the one tried next" "node 127.0.0.1:1 cannot be reached" "$ERR"
ko "${CG[@]}" --url "$CDEAD" --url "$N1" "${CC[@]}" jobs list oci
rc 0 "jobs list with --url repeated (a dead node first)"
usage_err "a node list mixing schemes" "url" "${CG[@]}" --url "$N1,http://127.0.0.1:5" "${CC[@]}" jobs list oci

R0=$(revoked)
ko "${CG[@]}" --url "$N1" "${CC[@]}" jobs list oci
rc 0 "jobs list (a password grant)"
R1=$(revoked)
if [[ $R1 == $((R0 + 1)) ]]; then
    ok "  ... the session's refresh token was revoked at exit (simulator: $R0 -> $R1)"
else
    bad "  ... the session's refresh token was revoked at exit" "revoked count $R0 -> $R1"
fi
cadmin "$N2" GET tokens
jis "  ... no refresh token left live on the server" 'd["cckm_refresh"]' 0 "$WORK/cadmin.json"
cg="$(grep -c 'POST /api/v1/auth/revoke 200' "$WORK/csim.log" || true)"
((cg >= 1)) && ok "  ... the simulator logged POST /api/v1/auth/revoke 200" ||
    bad "  ... the simulator logged POST /api/v1/auth/revoke 200" "$cg lines"

ko "${CG[@]}" --url "$N1,$N2" "${CC[@]}" --json jobs start oci --vault node-kill-1
rc 0 "jobs start oci through the cluster"
NJ=$(json_id)
[[ -n $NJ ]] || die "no id from jobs start"
NARGS=("${CG[@]}" --url "$N1,$N2" "${CC[@]}" jobs wait oci "$NJ" --interval 0.3 --deadline 60)
KCMD=$(redact keyops "${NARGS[@]}")
LEAK=0
RC=0
timeout -k 5 60 "$KEYOPS" "${NARGS[@]}" </dev/null >"$OUT" 2>"$ERR" &
NWAIT=$!
BG_PIDS+=("$NWAIT")
# Past the replication lag (1.5 s; the job runs 3 s), so that node 2 has the job when the wait
# moves there.
sleep 1.7
cadmin "$N2" POST nodes/1/down
wait "$NWAIT" || RC=$?
no_secrets
rc 0 "jobs wait through the cluster while node 1 is taken down: completed"
pyck "  ... the last line names the outcome" waittext "$OUT" 'completed' "$NJ"
has "  ... the simulator closed node 1" "node 1 down" "$WORK/csim.log"
cadmin "$N2" POST nodes/1/up

# A node that answers 503 is passed over at once, for every request.
cadmin "$N2" POST faults '{"route":"/api/v1","node":1,"fault":"503","count":0}'
ko "${CG[@]}" -v --url "$N1,$N2" "${CC[@]}" jobs get oci "$NJ"
rc 0 "jobs get while node 1 answers 503: node 2 answers"
has "  ... -v says node 1 answered 503" "answered 503" "$ERR"
cadmin "$N2" DELETE faults

# ------------------------------------------------------------------------------------------------
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
if grep -qF -f "$SECRETS" "$WORK/csim.log"; then
    die "the cluster simulator's log holds a secret"
fi

echo "# $CHECKS checks passed, $FAILS failed"
[[ $FAILS == 0 ]]
