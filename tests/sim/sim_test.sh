#!/usr/bin/env bash
# Drives keyops-sim with curl, a client nobody here wrote: every route, both auth flows, paging,
# filters, sort, cancel, the 409, the token cap, every fault, gzip, IPv6, --plain, bad requests
# and a clean SIGTERM. TLS is verified against the certificate the simulator writes (no -k).
#
# usage: sim_test.sh PATH/TO/keyops-sim
# Prints one line per check; stops with a message and a non-zero status at the first failure.
set -u -o pipefail

SIM=${1:?usage: sim_test.sh PATH/TO/keyops-sim}
command -v curl >/dev/null || { echo "sim_test: curl is required" >&2; exit 1; }
command -v python3 >/dev/null || { echo "sim_test: python3 is required" >&2; exit 1; }
# The interpreter itself, not a wrapper such as a pyenv shim: the script runs it hundreds of times.
PY=$(python3 -c 'import sys; print(sys.executable)')
[[ -x $PY ]] || PY=python3

WORK=$(mktemp -d "${TMPDIR:-/tmp}/keyops-sim-test.XXXXXX")
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do
        kill "$p" 2>/dev/null
    done
    wait 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

B=$WORK/body    # last response body
H=$WORK/headers # last response headers
CHECKS=0
T_START=$SECONDS

fail() {
    echo "FAIL: $*" >&2
    if [[ -s $B ]]; then
        echo "--- last body (first 400 bytes):" >&2
        head -c 400 "$B" >&2
        echo >&2
    fi
    exit 1
}
pass() {
    CHECKS=$((CHECKS + 1))
    echo "ok   $*"
}
check() { # check DESCRIPTION ACTUAL EXPECTED
    [[ "$2" == "$3" ]] || fail "$1: expected [$3], got [$2]"
    pass "$1"
}
check_match() { # check_match DESCRIPTION ACTUAL EXTENDED-REGEX
    [[ "$2" =~ $3 ]] || fail "$1: [$2] does not match /$3/"
    pass "$1"
}

# start_sim NAME ARGS...: starts an instance in $WORK/NAME; sets PID, PORT, DIR.
start_sim() {
    local name=$1
    shift
    DIR=$WORK/$name
    mkdir -p "$DIR"
    "$SIM" --port-file "$DIR/port" "$@" >"$DIR/stdout" 2>"$DIR/stderr" &
    PID=$!
    PIDS+=("$PID")
    for _ in $(seq 100); do
        [[ -s $DIR/port ]] && break
        kill -0 "$PID" 2>/dev/null || fail "$name: keyops-sim exited: $(cat "$DIR/stderr")"
        sleep 0.05
    done
    [[ -s $DIR/port ]] || fail "$name: no port file after 5 s"
    PORT=$(cat "$DIR/port")
}

# req METHOD PATH [CURL ARGS...]: sets CODE and RC (curl's exit status); body in $B, headers in $H.
req() {
    local method=$1 path=$2
    shift 2
    RC=0
    : >"$B"
    : >"$H"
    CODE=$(curl -sS -o "$B" -D "$H" -w '%{http_code}' --cacert "$CA" -X "$method" "$@" \
        "$BASE$path" 2>"$WORK/curl.err") || RC=$?
}

# jget EXPR [FILE]: evaluates a Python expression over the JSON body `d` (the last response, or
# FILE); strings print bare.
jget() {
    "$PY" -S - "$1" "${2:-$B}" <<'PY'
import json, sys
d = json.load(open(sys.argv[2], encoding="utf-8"))
v = eval(sys.argv[1])
print(v if isinstance(v, str) else json.dumps(v, separators=(",", ":")))
PY
}

header() { # header NAME: the value of a response header in $H (case-insensitive)
    grep -i "^$1:" "$H" | head -n1 | cut -d: -f2- | tr -d '\r' | sed 's/^ *//'
}

ACCEPT=(-H 'Accept: application/json')

section() { echo "== $* (at $((SECONDS - T_START)) s)"; }

cckm_login() { # sets JWT and RT
    req POST /api/v1/auth/tokens "${ACCEPT[@]}" \
        -d '{"grant_type":"password","username":"admin","password":"admin"}'
    [[ $CODE == 200 ]] || fail "password grant: HTTP $CODE"
    JWT=$(jget 'd["jwt"]')
    RT=$(jget 'd["refresh_token"]')
    AUTH=(-H 'Accept: application/json' -H "Authorization: Bearer $JWT")
}

ni_login() { # ni_login USER PASSWORD: sets NI_TOKEN
    req POST /api/ni/auth/token \
        -d "{\"username\":\"$1\",\"password\":\"$2\",\"domain\":{\"domain_type\":\"LOCAL\",\"value\":\"local\"}}"
    NI_TOKEN=$(jget 'd.get("token","")' 2>/dev/null)
}

admin() { # admin METHOD PATH [JSON]
    if [[ $# -ge 3 ]]; then
        req "$1" "$2" -d "$3"
    else
        req "$1" "$2"
    fi
}

fault() { # fault JSON: installs a fault rule
    admin POST /__sim/faults "$1"
    [[ $CODE == 201 ]] || fail "POST /__sim/faults $1: HTTP $CODE $(cat "$B")"
}

# ---------------------------------------------------------------------------------------------
section "help and start-up"
"$SIM" --help >"$WORK/help.txt" || fail "--help exited non-zero"
for word in --listen --port-file --plain --cert --key --write-ca --user --ni-user --token-ttl \
    --job-seconds --seed --log --state-file --fault latency status close_before close_after close_mid_body truncate \
    slow_body malformed oversize expire_tokens /__sim/faults /__sim/reset /__sim/expire-tokens \
    /__sim/stats /__sim/tokens /__sim/rotation-fail /__sim/jobs /api/v1/auth/tokens /api/ni/auth/token bulkjob \
    update-all-versions-jobs hsm/luna/synchronize external-cm/refresh data-encryption-cert/details \
    /api/v1/scheduler job-configs run-now /__sim/run-now-empty; do
    grep -q -- "$word" "$WORK/help.txt" || fail "--help does not mention $word"
done
pass "--help documents every flag, route, fault and admin endpoint"
"$SIM" --bogus >/dev/null 2>&1
check "unknown flag exits 2" "$?" 2
"$SIM" --job-seconds 5-3 >/dev/null 2>&1
check "--job-seconds MIN-MAX with MIN above MAX exits 2" "$?" 2

start_sim main --write-ca "$WORK/main/ca.pem" --job-seconds 2 --seed 42 \
    --ni-user admin:admin --ni-user capuser:cappw --log "$WORK/main/log"
MAIN_PID=$PID
MAIN_PORT=$PORT
CA=$WORK/main/ca.pem
BASE=https://127.0.0.1:$PORT
check "first stdout line" "$(head -n1 "$WORK/main/stdout")" "listening on https://127.0.0.1:$PORT"
check_match "port file holds the port" "$PORT" '^[0-9]+$'
req GET /api/v1/cckm/dsm/refresh
check "TLS verifies against --write-ca for 127.0.0.1 (no token: 401)" "$CODE" 401
BASE=https://localhost:$PORT
req GET /api/v1/cckm/dsm/refresh
check "TLS verifies for localhost" "$CODE" 401
BASE=https://127.0.0.1:$PORT

# ---------------------------------------------------------------------------------------------
section "CipherTrust Manager authentication"
req POST /api/v1/auth/tokens "${ACCEPT[@]}" -d '{"grant_type":"password","username":"admin","password":"admin"}'
check "password grant" "$CODE" 200
check "token response fields in order" "$(jget 'list(d)')" \
    '["jwt","duration","token_type","client_id","refresh_token","refresh_token_id","refresh_token_expires_in"]'
check "duration" "$(jget 'd["duration"]')" 300
check "token_type" "$(jget 'd["token_type"]')" Bearer
JWT=$(jget 'd["jwt"]')
RT=$(jget 'd["refresh_token"]')
RTID=$(jget 'd["refresh_token_id"]')
check "jwt payload: iss, preferred_username, exp - iat = 300" "$("$PY" -S - "$JWT" <<'PY'
import base64, json, sys
h, p, s = sys.argv[1].split(".")
pad = lambda x: x + "=" * (-len(x) % 4)
hd = json.loads(base64.urlsafe_b64decode(pad(h)))
pl = json.loads(base64.urlsafe_b64decode(pad(p)))
print(hd["alg"], hd["typ"], pl["iss"], pl["preferred_username"], pl["exp"] - pl["iat"], "jwtid" in pl, "sub" in pl, len(s) > 0)
PY
)" "HS256 JWT kylo admin 300 True True True"
AUTH=(-H 'Accept: application/json' -H "Authorization: Bearer $JWT")
req POST /api/v1/auth/tokens "${ACCEPT[@]}" -d '{"grant_type":"password","username":"admin","password":"nope"}'
check "wrong password: 401" "$CODE" 401
check "wrong password: CCKM error shape" "$(jget '[d["code"], d["codeDesc"].split(":")[0]]')" '[1,"NCERRUnauthorized"]'
req POST /api/v1/auth/tokens -d '{"grant_type":"password","username":"admin","password":"admin"}'
check "token request without Accept: application/json: 400" "$CODE" 400
check "  ... NCERRBadRequest code 15" "$(jget '[d["code"], d["codeDesc"].split(":")[0]]')" '[15,"NCERRBadRequest"]'
req POST /api/v1/auth/tokens "${ACCEPT[@]}" -d 'not json'
check "token request with a malformed body: 400" "$CODE" 400
req POST /api/v1/auth/tokens "${ACCEPT[@]}" -d '{"grant_type":"client_credential"}'
check "unsupported grant: 400 NCERRInvalidParamValue" "$CODE/$(jget 'd["code"]')" 400/9
req POST /api/v1/auth/tokens "${ACCEPT[@]}" -d "{\"grant_type\":\"refresh_token\",\"refresh_token\":\"$RT\"}"
check "refresh grant" "$CODE" 200
check "refresh grant keeps the refresh token" "$(jget 'd["refresh_token"]')/$(jget 'd["refresh_token_id"]')" "$RT/$RTID"
check_match "refresh grant gives a new jwt" "$(jget 'd["jwt"]')" '^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$'
req POST /api/v1/auth/tokens "${ACCEPT[@]}" -d "{\"grant_type\":\"refresh_token\",\"refresh_token\":\"$RT\",\"renew_refresh_token\":true}"
check "renew_refresh_token" "$CODE" 200
RT2=$(jget 'd["refresh_token"]')
[[ $RT2 != "$RT" ]] || fail "renew_refresh_token returned the same refresh token"
pass "renew_refresh_token issues a new refresh token"
req POST /api/v1/auth/tokens "${ACCEPT[@]}" -d "{\"grant_type\":\"refresh_token\",\"refresh_token\":\"$RT\"}"
check "the renewed-away refresh token: 401" "$CODE" 401
req POST /api/v1/auth/tokens "${ACCEPT[@]}" -d '{"grant_type":"refresh_token","refresh_token":"unknown"}'
check "unknown refresh token: 401" "$CODE" 401
req GET /api/v1/cckm/dsm/refresh "${ACCEPT[@]}"
check "no bearer token: 401" "$CODE" 401
check "  ... code 1" "$(jget 'd["code"]')" 1
req GET /api/v1/cckm/dsm/refresh "${ACCEPT[@]}" -H 'Authorization: Bearer not-a-jwt'
check "malformed bearer token: 401" "$CODE" 401
check_match "  ... says malformed" "$(jget 'd["codeDesc"]')" 'NCERRUnauthorized: Token is malformed'
req GET /api/v1/cckm/dsm/refresh "${ACCEPT[@]}" -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE2MTQ3NTIxNTF9.c2ln'
check "a foreign, long-expired token: 401" "$CODE" 401
check_match "  ... Token is expired by" "$(jget 'd["codeDesc"]')" '^NCERRUnauthorized: Token is expired by [0-9hms]+s$'
req GET /api/v1/cckm/dsm/refresh -H "Authorization: Bearer $JWT"
check "no Accept: application/json: 400" "$CODE" 400
check "  ... NCERRBadRequest" "$(jget 'd["codeDesc"].split(":")[0]')" NCERRBadRequest

# ---------------------------------------------------------------------------------------------
section "every CCKM job kind: list, start, get, cancel"
# path|start body field|list filter|extra body members
KINDS=(
    'aws/synchronization-jobs|kms|kms|,"regions":["us-east-1"],"synchronize_all":false'
    'aws/custom-key-stores/synchronization-jobs|kms|kms|,"synchronize_all":false'
    'aws/bulkjob|kms|kms|'
    'azure/synchronization-jobs|key_vaults|key_vaults|,"synchronize_all":false'
    'azure/certificates/synchronization-jobs|key_vaults|key_vaults|,"synchronize_all":false'
    'azure/secrets/synchronization-jobs|key_vaults|key_vaults|,"synchronize_all":false'
    'azure/bulkjobs|key_vaults|key_vaults|'
    'google/synchronization-jobs|key_rings|key_rings|,"synchronize_all":false'
    'oci/synchronization-jobs|vaults|vaults|,"synchronize_all":false'
    'sap/synchronization-jobs|groups||'
    'sfdc/keys/synchronization-jobs|organizations|organizations|,"synchronize_all":false'
    'sfdc/certificates/synchronization-jobs|organizations|organizations|,"synchronize_all":false'
    'dsm/refresh|domains|domains|'
    'hsm/luna/refresh|partitions||'
    'hsm/luna/synchronize|partitions||'
    'external-cm/refresh|domains||'
)
i=0
for entry in "${KINDS[@]}"; do
    IFS='|' read -r kpath field filter extra <<<"$entry"
    P=/api/v1/cckm/$kpath
    i=$((i + 1))
    req GET "$P" "${AUTH[@]}"
    check "$kpath: list" "$CODE" 200
    check "$kpath: list envelope and initial jobs" \
        "$(jget '[list(d)[:3], d["skip"], d["limit"], d["total"] >= 3, len(d["resources"]) == min(d["total"], 10)]')" \
        '[["skip","limit","total"],0,10,true,true]'
    req POST "$P" "${AUTH[@]}" -d "{\"$field\":[\"k$i-a\",\"k$i-b\"]$extra}"
    check "$kpath: start" "$CODE" 201
    cp "$B" "$WORK/started.json"
    ID=$(jget 'd["id"]')
    # Cancel at once: the job runs only --job-seconds.
    req POST "$P/$ID/cancel" "${AUTH[@]}"
    check "$kpath: cancel" "$CODE/$(jget '[d["abort"], d["overall_status"]]')" '200/[true,"in_progress"]'
    check "$kpath: new job fields" \
        "$(jget '[d["uri"] == "kylo:kylo:cckm:synchronize:" + d["id"], d["overall_status"], d["abort"], "completed_at" in d, list(d)[:6]]' "$WORK/started.json")" \
        '[true,"in_progress",false,false,["id","uri","account","application","devAccount","createdAt"]]'
    req GET "$P/$ID" "${AUTH[@]}"
    check "$kpath: get one" "$CODE/$(jget 'd["id"]')" "200/$ID"
    if [[ -n $filter ]]; then
        req GET "$P?$filter=k$i-b" "${AUTH[@]}"
        check "$kpath: filter $filter" "$(jget '[d["total"], d["resources"][0]["id"]]')" "[1,\"$ID\"]"
    fi
    req GET "$P/00000000-0000-4000-8000-000000000000" "${AUTH[@]}"
    check "$kpath: unknown id" "$CODE/$(jget '"%d/%s" % (d["code"], d["codeDesc"])')" \
        "404/16/NCERRResourceNotFound: Resource not found"
done
req GET /api/v1/cckm/azure/certificates/synchronization-jobs/1f413972-499e-498c-9543-77c2da7d71e4 "${AUTH[@]}"
check "Azure certificates seed job served verbatim" "$(jget '[d["overall_status"], d["sync_item"], d["cloud"], list(d)[-2:]]')" \
    '["failed","azure-certificate","AzureCloud",["abort","sync_item"]]'
req GET /api/v1/cckm/oci/synchronization-jobs?vaults=5e9ee2f1-1b90-4b7d-b319-2b0848e78e75 "${AUTH[@]}"
check "OCI vaults filter matches key_vaults (seed job and an initial job)" "$(jget 'sorted(r["id"] for r in d["resources"])[0]')" \
    45f1c056-ad1f-41b7-bf68-2b2909e51ab9
req POST /api/v1/cckm/azure/synchronization-jobs "${AUTH[@]}" -d '{"key_vaults":"not-an-array"}'
check "start body with a wrong type: 400 code 9" "$CODE/$(jget 'd["code"]')" 400/9
req POST /api/v1/cckm/azure/synchronization-jobs "${AUTH[@]}" -d '{"synchronize_all":false}'
check "start body naming nothing: 400" "$CODE" 400
req POST /api/v1/cckm/azure/synchronization-jobs "${AUTH[@]}" -d '{"synchronize_all":true}'
check "synchronize_all:true starts a job over every vault" "$CODE/$(jget 'len(d["key_vaults"])')" 201/2
req POST /api/v1/cckm/dsm/refresh "${AUTH[@]}" -d '[1,2'
check "malformed start body: 400 NCERRBadRequest" "$CODE/$(jget 'd["code"]')" 400/15
req DELETE /api/v1/cckm/dsm/refresh "${AUTH[@]}"
check "wrong method: 405 with Allow" "$CODE/$(header Allow)" "405/GET, POST"
req GET /api/v1/cckm/nothing-here "${AUTH[@]}"
check "unknown route: 404" "$CODE/$(jget 'd["code"]')" 404/16

section "Google update-all-versions"
UAV=/api/v1/cckm/google/update-all-versions-jobs
req POST $UAV "${AUTH[@]}" -d '{"key_id":"k-123","operation":"disable"}'
check "start" "$CODE" 201
UAV_ID=$(jget 'd["id"]')
check "job fields" "$(jget '[d["uri"].startswith("kylo:kylo:cckm:update_all_versions:"), d["job_id"] == d["id"], d["key_id"], d["operation"], 1 <= d["version_count"] <= 4, d["detailed_status"]["completed"], d["overall_status"]]')" \
    '[true,true,"k-123","disable",true,[],"in_progress"]'
req POST $UAV "${AUTH[@]}" -d '{"key_id":"k-fail","operation":"enable"}'
UAV_FAIL=$(jget 'd["id"]')
req POST $UAV "${AUTH[@]}" -d '{"key_id":"k","operation":"explode"}'
check "bad operation: 400 code 9" "$CODE/$(jget 'd["code"]')" 400/9
req GET $UAV "${AUTH[@]}"
check "no list: 405" "$CODE" 405
req POST "$UAV/$UAV_ID/cancel" "${AUTH[@]}"
check "no cancel: 404" "$CODE" 404
req GET $UAV/778a1024-dc18-49cb-833b-cfd6c000c090 "${AUTH[@]}"
check "seed job verbatim" "$(jget '[d["detailed_status"]["completed"], d["version_count"], d["operation"], list(d)]')" \
    '[["2","1"],2,"disable",["id","uri","account","createdAt","updatedAt","completed_at","overall_status","detailed_status","job_id","key_id","version_count","operation","abort"]]'

# ---------------------------------------------------------------------------------------------
section "paging, filters and sort (DSM)"
DSM=/api/v1/cckm/dsm/refresh
req POST $DSM "${AUTH[@]}" -d '{"domains":["p-1","p-2"]}'
JOB_A=$(jget 'd["id"]')
req POST $DSM "${AUTH[@]}" -d '{"domains":["p-fail"]}'
JOB_FAIL=$(jget 'd["id"]')
# Among the two jobs just started and a seed job long completed: the DSM job that the kinds'
# loop above started and cancelled ends --job-seconds after it, which may or may not have
# passed by now, so the filter is not asked about every job.
req GET "$DSM?id=$JOB_A,$JOB_FAIL,d4cbd38e-845e-4f75-9e71-15280084986e&overall_status=in_progress" "${AUTH[@]}"
check "overall_status=in_progress" "$(jget '[d["total"], sorted(r["id"] for r in d["resources"])]')" \
    "$("$PY" -S -c 'import sys,json;print(json.dumps([2,sorted(sys.argv[1:])],separators=(",",":")))' "$JOB_A" "$JOB_FAIL")"
req GET "$DSM?limit=1000" "${AUTH[@]}"
TOTAL=$(jget 'd["total"]')
check "total counts every job (4 initial + 3 started)" "$TOTAL" 7
req GET "$DSM?skip=0&limit=2" "${AUTH[@]}"
check "limit=2" "$(jget '[d["skip"], d["limit"], d["total"], len(d["resources"])]')" "[0,2,$TOTAL,2]"
req GET "$DSM?skip=$((TOTAL - 1))&limit=2" "${AUTH[@]}"
check "skip to the last page" "$(jget '[d["skip"], len(d["resources"])]')" "[$((TOTAL - 1)),1]"
req GET "$DSM?skip=100" "${AUTH[@]}"
check "skip past the end" "$(jget '[d["total"], d["resources"]]')" "[$TOTAL,[]]"
req GET "$DSM?id=$JOB_A&id=d4cbd38e-845e-4f75-9e71-15280084986e&sort=id" "${AUTH[@]}"
check "repeated id filter" "$(jget '[r["id"] for r in d["resources"]]')" \
    "$("$PY" -S -c 'import sys,json;print(json.dumps(sorted(sys.argv[1:]),separators=(",",":")))' "$JOB_A" d4cbd38e-845e-4f75-9e71-15280084986e)"
req GET "$DSM?id=$JOB_A,$JOB_FAIL" "${AUTH[@]}"
check "comma-separated id filter" "$(jget 'd["total"]')" 2
req GET "$DSM?overall_status=failed&limit=100" "${AUTH[@]}"
check "overall_status=failed" "$(jget 'sorted(set(r["overall_status"] for r in d["resources"]))')" '["failed"]'
req GET "$DSM?domains=6070915c%2D0ab4%2D4e7e%2Dbf4d%2D31dd31214874&limit=100" "${AUTH[@]}"
check "percent-encoded domains filter" "$(jget 'all("6070915c-0ab4-4e7e-bf4d-31dd31214874" in r["domains"] for r in d["resources"]) and d["total"] >= 2')" true
req GET "$DSM?domains=p-1&domains=p-fail" "${AUTH[@]}"
check "repeated domains filter" "$(jget 'd["total"]')" 2
req GET "$DSM?limit=100" "${AUTH[@]}"
check "default sort: -createdAt" "$(jget 'd["resources"][0]["id"]')" "$JOB_FAIL"
check "  ... seed job (2021) last" "$(jget 'd["resources"][-1]["id"]')" d4cbd38e-845e-4f75-9e71-15280084986e
req GET "$DSM?limit=100&sort=createdAt" "${AUTH[@]}"
check "sort=createdAt" "$(jget '[d["resources"][0]["id"], d["resources"][-1]["id"]]')" "[\"d4cbd38e-845e-4f75-9e71-15280084986e\",\"$JOB_FAIL\"]"
req GET "$DSM?limit=100&sort=-id" "${AUTH[@]}"
check "sort=-id" "$(jget '[r["id"] for r in d["resources"]] == sorted([r["id"] for r in d["resources"]], reverse=True)')" true
req GET "$DSM?limit=100&sort=overall_status,-createdAt" "${AUTH[@]}"
check "sort=overall_status,-createdAt" "$(jget '[r["overall_status"] for r in d["resources"]] == sorted(r["overall_status"] for r in d["resources"])')" true
for bad in 'limit=0' 'limit=1001' 'limit=ten' 'skip=-1' 'skip=x' 'overall_status=done' 'sort=name' 'sort=-color'; do
    req GET "$DSM?$bad" "${AUTH[@]}"
    check "bad query $bad: 400 NCERRInvalidParamValue" "$CODE/$(jget 'd["code"]')/$(jget 'd["codeDesc"].split(":")[0]')" 400/9/NCERRInvalidParamValue
done

# ---------------------------------------------------------------------------------------------
section "job progress, cancel semantics"
now_ms() { echo $(($(date +%s%N) / 1000000)); }
sleep_until() { # sleep_until EPOCH_MS
    local left=$(($1 - $(now_ms)))
    [[ $left -gt 0 ]] && sleep "$(printf '%d.%03d' $((left / 1000)) $((left % 1000)))"
    return 0
}
req POST $DSM "${AUTH[@]}" -d '{"domains":["p-1","p-2"]}'
P_START=$(now_ms)
JOB_P=$(jget 'd["id"]')
check "detailed_status at the start" "$(jget 'd["detailed_status"]')" '{"p-1":"synchronizing"}'
sleep_until $((P_START + 1300))
req GET "$DSM/$JOB_P" "${AUTH[@]}"
check "halfway: first domain done, second running" "$(jget 'd["detailed_status"]')" \
    '{"p-1":"domain synchronized successfully","p-2":"synchronizing"}'
req POST $DSM "${AUTH[@]}" -d '{"domains":["c-1","c-2"]}'
JOB_C=$(jget 'd["id"]')
req POST "$DSM/$JOB_C/cancel" "${AUTH[@]}"
check "cancel in_progress: abort true at once" "$CODE/$(jget '[d["overall_status"], d["abort"]]')" '200/["in_progress",true]'
req GET "$DSM/$JOB_C" "${AUTH[@]}"
check "cancelled job still in_progress with abort true" "$(jget '[d["overall_status"], d["abort"]]')" '["in_progress",true]'
sleep 1.2
req GET "$DSM/$JOB_C" "${AUTH[@]}"
check "cancelled job ends completed with abort true" "$(jget '[d["overall_status"], d["abort"], "completed_at" in d]')" '["completed",true,true]'
req POST "$DSM/$JOB_C/cancel" "${AUTH[@]}"
check "cancel a completed job: 409" "$CODE/$(jget 'd["code"]')" 409/15
req POST "$DSM/d4cbd38e-845e-4f75-9e71-15280084986e/cancel" "${AUTH[@]}"
check "cancel the seed job: 409" "$CODE" 409
req POST "$DSM/00000000-0000-4000-8000-000000000000/cancel" "${AUTH[@]}"
check "cancel an unknown job: 404" "$CODE" 404
sleep_until $((P_START + 2200))
req GET "$DSM/$JOB_P" "${AUTH[@]}"
check "job ends completed" "$(jget '[d["overall_status"], d["abort"], list(d["detailed_status"].values()), "completed_at" in d]')" \
    '["completed",false,["domain synchronized successfully","domain synchronized successfully"],true]'
check "completed_at before updatedAt, after createdAt" "$(jget 'd["createdAt"] < d["completed_at"] and d["completed_at"][:19] <= d["updatedAt"][:19]')" true
req GET "$DSM/$JOB_FAIL" "${AUTH[@]}"
check "a resource named *fail* fails the job" "$(jget '[d["overall_status"], d["detailed_status"]["p-fail"]]')" \
    '["failed","domain synchronization failed: simulated failure"]'
req POST "$DSM/$JOB_P/cancel" "${AUTH[@]}"
check "cancel a finished job: 409" "$CODE" 409
req GET "$UAV/$UAV_ID" "${AUTH[@]}"
check "update-all-versions ends completed with every version" "$(jget '[d["overall_status"], d["detailed_status"]["completed"] == [str(v) for v in range(d["version_count"], 0, -1)], "completed_at" in d]')" '["completed",true,true]'
req GET "$UAV/$UAV_FAIL" "${AUTH[@]}"
check "update-all-versions of a *fail* key ends failed" "$(jget 'd["overall_status"]')" failed

# ---------------------------------------------------------------------------------------------
section "Network Insight"
req POST /api/ni/auth/token -d '{"username":"admin","password":"admin","domain":{"domain_type":"LOCAL","value":"local"}}'
check "LOCAL login" "$CODE" 200
check "token and expiry (epoch ms, ~300 s ahead)" "$(jget 'list(d) == ["token","expiry"] and d["expiry"] > 1e12 and abs(d["expiry"] / 1000 - __import__("time").time() - 300) < 5')" true
NI_TOKEN=$(jget 'd["token"]')
NI=(-H "Authorization: NetworkInsight $NI_TOKEN")
req POST /api/ni/auth/token -d '{"username":"admin","password":"admin","domain":{"domain_type":"LDAP","value":"corp.example"}}'
check "LDAP login" "$CODE" 200
LDAP_TOKEN=$(jget 'd["token"]')
req POST /api/ni/auth/token -d '{"username":"admin","password":"bad","domain":{"domain_type":"LOCAL","value":"local"}}'
check "wrong password: 401" "$CODE" 401
check "  ... Network Insight error shape" "$(jget '[list(d), d["code"], list(d["details"][0]), type(d["details"][0]["target"]).__name__]')" \
    '[["code","message","details"],401,["code","message","target"],"list"]'
req POST /api/ni/auth/token -d '{"username":"admin","password":"admin","domain":{"domain_type":"SAML"}}'
check "bad domain_type: 400" "$CODE" 400
NIP=/api/ni/customers/collector/data-encryption-cert
req GET $NIP/details
check "no Authorization: 401" "$CODE/$(jget 'd["code"]')" 401/401
req GET $NIP/details -H "Authorization: Bearer $NI_TOKEN"
check "wrong scheme: 401" "$CODE" 401
req GET $NIP/details -H "Authorization: NetworkInsight nope"
check "unknown token: 401" "$CODE" 401
req GET $NIP/details "${NI[@]}"
check "details" "$CODE/$(jget '[list(d), d["customerId"], d["lifetime"], d["remainingValidity"], d["lastUpdatedBy"]]')" \
    '200/[["customerId","lifetime","remainingValidity","lastUpdatedAt","lastUpdatedBy"],1,"365","335","admin"]'
UPDATED0=$(jget 'd["lastUpdatedAt"]')
req GET $NIP/update/status "${NI[@]}"
check "status before any rotation: 404" "$CODE/$(jget 'd["code"]')" 404/404
req POST $NIP/update "${NI[@]}"
check "rotate" "$CODE/$(jget 'd')" '200/{"customerId":1,"status":"SUBMITTED","failedCollectorIds":[]}'
req POST $NIP/update "${NI[@]}"
check "rotate while one runs: 409" "$CODE/$(jget 'd["code"]')" 409/409
sleep 0.4
req GET $NIP/update/status "${NI[@]}"
check "status IN_PROGRESS" "$(jget 'd["status"]')" IN_PROGRESS
req POST $NIP/update "${NI[@]}"
check "rotate while IN_PROGRESS: 409" "$CODE" 409
sleep 1.8
req GET $NIP/update/status "${NI[@]}"
check "status SUCCESS" "$(jget '[d["status"], d["failedCollectorIds"]]')" '["SUCCESS",[]]'
req GET $NIP/details "${NI[@]}"
check "lastUpdatedAt moved to the rotation" "$(jget "d['lastUpdatedAt'] > $UPDATED0 and d['remainingValidity'] == '365'")" true
UPDATED1=$(jget 'd["lastUpdatedAt"]')
admin POST /__sim/rotation-fail '{"collectors":["c-17","c-42"]}'
check "admin: rotation-fail" "$CODE" 200
req POST $NIP/update "${NI[@]}"
check "rotate again after SUCCESS" "$CODE" 200
sleep 2.1
req GET $NIP/update/status "${NI[@]}"
check "status FAILED with failedCollectorIds" "$(jget '[d["status"], d["failedCollectorIds"]]')" '["FAILED",["c-17","c-42"]]'
req GET $NIP/details "${NI[@]}"
check "a failed rotation leaves lastUpdatedAt" "$(jget 'd["lastUpdatedAt"]')" "$UPDATED1"
req GET $NIP/update/status -H "Authorization: NetworkInsight $LDAP_TOKEN"
check "the LDAP token works" "$CODE" 200
req DELETE /api/ni/auth/token -H "Authorization: NetworkInsight $LDAP_TOKEN"
check "DELETE token: 204" "$CODE" 204
req GET $NIP/update/status -H "Authorization: NetworkInsight $LDAP_TOKEN"
check "released token: 401" "$CODE" 401
req GET /api/ni/nothing "${NI[@]}"
check "unknown NI route: 404 in NI shape" "$CODE/$(jget 'd["code"]')" 404/404

section "Network Insight token cap"
CAP_BODY='{"username":"capuser","password":"cappw","domain":{"domain_type":"LOCAL","value":"local"}}'
# One curl, 100 POSTs over one keep-alive connection.
CAP_URLS=()
for _ in $(seq 100); do
    CAP_URLS+=("$BASE/api/ni/auth/token")
done
mapfile -t CAP_TOKENS < <(curl -sS --cacert "$CA" -d "$CAP_BODY" "${CAP_URLS[@]}" |
    grep -oE '"token":"[^"]+"' | cut -d'"' -f4)
check "100 tokens for one user" "${#CAP_TOKENS[@]}" 100
req POST /api/ni/auth/token -d "$CAP_BODY"
check "the 101st: 401" "$CODE" 401
check_match "  ... says why" "$(jget 'd["message"]')" 'Maximum number of valid tokens'
req POST /api/ni/auth/token -d '{"username":"admin","password":"admin","domain":{"domain_type":"LOCAL","value":"local"}}'
check "another user is not capped" "$CODE" 200
req DELETE /api/ni/auth/token -H "Authorization: NetworkInsight ${CAP_TOKENS[0]}"
check "DELETE one of the 100" "$CODE" 204
req POST /api/ni/auth/token -d "$CAP_BODY"
check "then the next login works" "$CODE" 200
req POST /api/ni/auth/token -d "$CAP_BODY"
check "and the one after is capped again" "$CODE" 401
req GET $NIP/details -H "Authorization: NetworkInsight ${CAP_TOKENS[99]}"
check "the capped user's tokens still work" "$CODE" 200
admin POST /__sim/expire-tokens
check "admin: expire-tokens counts the live tokens" "$CODE/$(jget 'd["expired"]["ni"] >= 100')" 200/true
req POST /api/ni/auth/token -d "$CAP_BODY"
check "expired tokens do not count against the cap" "$CODE" 200
CAP_LAST=$(jget 'd["token"]')
admin GET /__sim/tokens
check "admin: tokens counts the live NI tokens" "$CODE/$(jget 'd["ni"]')" 200/1
req DELETE /api/ni/auth/token -H "Authorization: NetworkInsight $CAP_LAST"
check "DELETE the last one" "$CODE" 204
admin GET /__sim/tokens
check "admin: a released NI token is not live" "$(jget 'd["ni"]')" 0

# ---------------------------------------------------------------------------------------------
section "token expiry"
cckm_login
req GET $DSM "${AUTH[@]}"
check "fresh jwt works" "$CODE" 200
admin POST /__sim/expire-tokens
req GET $DSM "${AUTH[@]}"
check "after /__sim/expire-tokens: 401" "$CODE" 401
check_match "  ... Token is expired by Ns" "$(jget 'd["codeDesc"]')" '^NCERRUnauthorized: Token is expired by [0-9]+s$'
req POST /api/v1/auth/tokens "${ACCEPT[@]}" -d "{\"grant_type\":\"refresh_token\",\"refresh_token\":\"$RT\"}"
check "the refresh token survives expire-tokens" "$CODE" 200
JWT=$(jget 'd["jwt"]')
AUTH=(-H 'Accept: application/json' -H "Authorization: Bearer $JWT")
req GET $DSM "${AUTH[@]}"
check "the refreshed jwt works" "$CODE" 200
admin POST /__sim/expire-tokens '{"refresh":true}'
check "expire-tokens with refresh" "$(jget 'd["expired"]["refresh"] >= 1')" true
req POST /api/v1/auth/tokens "${ACCEPT[@]}" -d "{\"grant_type\":\"refresh_token\",\"refresh_token\":\"$RT\"}"
check "an expired refresh token: 401" "$CODE" 401
cckm_login
ni_login admin admin
NI=(-H "Authorization: NetworkInsight $NI_TOKEN")

# A second instance with short lifetimes: tokens expire by themselves.
start_sim short --write-ca "$WORK/short/ca.pem" --token-ttl 2 --refresh-ttl 2 --seed 42
SHORT_PID=$PID
SAVE_CA=$CA SAVE_BASE=$BASE
CA=$WORK/short/ca.pem
BASE=https://127.0.0.1:$PORT
cckm_login
check "short instance: duration" "$(curl -sS --cacert "$CA" "${ACCEPT[@]}" -d '{"username":"admin","password":"admin"}' "$BASE/api/v1/auth/tokens" | "$PY" -S -c 'import json,sys;print(json.load(sys.stdin)["duration"])')" 2
cckm_login
req GET $DSM "${AUTH[@]}"
check "short instance: the jwt works at first" "$CODE" 200
ni_login admin admin
sleep 2.3
req GET $DSM "${AUTH[@]}"
check "jwt past its exp: 401" "$CODE" 401
check_match "  ... Token is expired by Ns" "$(jget 'd["codeDesc"]')" '^NCERRUnauthorized: Token is expired by [0-9]+s$'
req GET $NIP/details -H "Authorization: NetworkInsight $NI_TOKEN"
check "NI token past its expiry: 401" "$CODE" 401
req POST /api/v1/auth/tokens "${ACCEPT[@]}" -d "{\"grant_type\":\"refresh_token\",\"refresh_token\":\"$RT\"}"
check "refresh token idle past --refresh-ttl: 401" "$CODE" 401
cckm_login
req GET "$DSM?limit=100&sort=createdAt" "${AUTH[@]}"
SHORT_IDS=$(jget '[r["id"] for r in d["resources"]]')
CA=$SAVE_CA BASE=$SAVE_BASE

# ---------------------------------------------------------------------------------------------
section "gzip"
cckm_login
req GET "$DSM?limit=100" "${AUTH[@]}" --compressed
check "--compressed: Content-Encoding gzip" "$CODE/$(header Content-Encoding)" 200/gzip
check "  ... decodes to the list" "$(jget 'd["total"] > 0')" true
req GET "$DSM?limit=100" "${AUTH[@]}"
check "no Accept-Encoding: identity" "$(header Content-Encoding)" ""
RAW=$(curl -sS --cacert "$CA" "${AUTH[@]}" -H 'Accept-Encoding: gzip' "$BASE$DSM?limit=100" | "$PY" -S -c 'import gzip,json,sys;print(json.loads(gzip.decompress(sys.stdin.buffer.read()))["total"] > 0)')
check "the gzip bytes are a real gzip stream" "$RAW" True

# ---------------------------------------------------------------------------------------------
section "faults"
admin DELETE /__sim/stats
check "admin: DELETE stats" "$(jget 'd')" '{"total":0,"requests":{}}'

fault '{"route":"/api/v1/cckm/dsm","fault":"latency","ms":700,"count":1}'
check "fault rule echoed with an id" "$(jget '[d["fault"], d["ms"], d["count"], d["remaining"], d["id"] > 0]')" '["latency",700,1,1,true]'
S=$(date +%s%N)
req GET $DSM "${AUTH[@]}"
E=$((($(date +%s%N) - S) / 1000000))
check "latency: 200" "$CODE" 200
[[ $E -ge 690 ]] || fail "latency: answered in ${E} ms"
pass "latency: answered after ${E} ms"
S=$(date +%s%N)
req GET $DSM "${AUTH[@]}"
E=$((($(date +%s%N) - S) / 1000000))
[[ $E -lt 690 ]] || fail "latency count 1 applied twice (${E} ms)"
pass "latency count 1: the next request is quick (${E} ms)"

fault '{"route":"*","fault":"status","status":429,"retry_after":"2","count":2}'
req GET $DSM "${AUTH[@]}"
check "429 with Retry-After seconds" "$CODE/$(header Retry-After)" 429/2
req GET $NIP/details "${NI[@]}"
check "429 on every route, in the NI shape there" "$CODE/$(jget 'd["code"]')/$(header Retry-After)" 429/429/2
req GET $DSM "${AUTH[@]}"
check "after count 2 the route answers again" "$CODE" 200

fault '{"route":"/api/v1/auth/tokens","fault":"503","retry_after":"date:30","count":1}'
req POST /api/v1/auth/tokens "${ACCEPT[@]}" -d '{"username":"admin","password":"admin"}'
check "503 on the token route" "$CODE/$(jget 'd["code"]')" 503/14
check_match "  ... Retry-After as an HTTP date" "$(header Retry-After)" '^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$'
req POST /api/v1/auth/tokens "${ACCEPT[@]}" -d '{"username":"admin","password":"admin"}'
check "  ... then the token route works" "$CODE" 200

fault '{"route":"/api/v1/cckm","method":"GET","fault":"status","status":500,"count":1}'
req POST $DSM "${AUTH[@]}" -d '{"domains":["m-1"]}'
check "method filter: a POST is not faulted" "$CODE" 201
req GET $DSM "${AUTH[@]}"
check "500 NCERRInternalServerError" "$CODE/$(jget 'd["code"]')/$(jget 'd["codeDesc"].split(":")[0]')" 500/14/NCERRInternalServerError

fault '{"route":"/api/v1/cckm/dsm","fault":"status","status":502,"body":"html","count":1}'
req GET $DSM "${AUTH[@]}"
check "a proxy's HTML error page" "$CODE/$(header Content-Type)/$(head -c 6 "$B")" "502/text/html/<html>"
fault '{"route":"/api/v1/cckm/dsm","fault":"status","status":503,"body":"empty","count":1}'
req GET $DSM "${AUTH[@]}"
check "an empty 503" "$CODE/$(wc -c <"$B" | tr -d ' ')" 503/0

fault '{"route":"/api/v1/cckm/dsm","fault":"close_before","count":1}'
req GET $DSM "${AUTH[@]}"
check "close_before: curl sees an empty reply (52)" "$RC" 52

# close_after: a normal answer that does not announce the close, then the server's close_notify
# and FIN; curl, which reuses the connection for its second URL, has to reconnect.
fault '{"route":"/api/v1/cckm/dsm","fault":"close_after","count":1}'
CLOSE_AFTER=$(curl -sS --cacert "$CA" "${AUTH[@]}" -o /dev/null -o /dev/null \
    -w '%{http_code} %{num_connects}\n' "$BASE$DSM" "$BASE$DSM" 2>"$WORK/curl.err" | tr '\n' ' ')
check "close_after: both 200, the second on a new connection" "$CLOSE_AFTER" "200 1 200 1 "
fault '{"route":"/api/v1/cckm/dsm","fault":"close_after","count":1}'
req GET $DSM "${AUTH[@]}"
check "close_after: 200 without Connection: close" "$CODE/$(grep -ci '^connection: close' "$H")" 200/0

fault '{"route":"/api/v1/cckm/dsm","fault":"close_mid_body","count":1}'
req GET "$DSM?limit=100" "${AUTH[@]}"
[[ $RC -ne 0 ]] || fail "close_mid_body: curl succeeded"
"$PY" -S -c 'import json,sys;json.load(open(sys.argv[1]))' "$B" 2>/dev/null && fail "close_mid_body: whole body arrived"
pass "close_mid_body: curl fails (exit $RC) with a partial body"

fault '{"route":"/api/v1/cckm/dsm","fault":"truncate","bytes":10,"count":1}'
req GET "$DSM?limit=100" "${AUTH[@]}"
check "truncate: curl exit 18 (partial file) after 10 bytes" "$RC/$(wc -c <"$B" | tr -d ' ')" 18/10

fault '{"route":"/api/ni","fault":"slow_body","ms":15,"count":1}'
S=$(date +%s%N)
req GET $NIP/update/status "${NI[@]}"
E=$((($(date +%s%N) - S) / 1000000))
LEN=$(wc -c <"$B" | tr -d ' ')
check "slow_body: whole body" "$CODE/$(jget 'd["status"]')" 200/FAILED
[[ $E -ge $((LEN * 15 - 50)) ]] || fail "slow_body: $LEN bytes in ${E} ms"
pass "slow_body: $LEN bytes in ${E} ms"

fault '{"route":"/api/v1/cckm/dsm","fault":"malformed","count":1}'
req GET $DSM "${AUTH[@]}"
check "malformed: 200" "$CODE" 200
"$PY" -S -c 'import json,sys;json.load(open(sys.argv[1]))' "$B" 2>/dev/null && fail "malformed: body parsed as JSON"
pass "malformed: the body is not JSON"

fault '{"route":"/api/v1/cckm/dsm","fault":"oversize","count":1}'
req GET $DSM "${AUTH[@]}"
check "oversize: 200, 20 MiB, still valid JSON" "$CODE/$(wc -c <"$B" | tr -d ' ')/$(jget 'd["total"] > 0')" "200/20971520/true"
fault '{"route":"/api/ni","fault":"oversize","bytes":100000,"count":1}'
req GET $NIP/details "${NI[@]}" --compressed
check "oversize with bytes and gzip" "$CODE/$(header Content-Encoding)/$(wc -c <"$B" | tr -d ' ')" 200/gzip/100000

fault '{"route":"/api/v1/cckm/dsm","fault":"expire_tokens","count":1}'
req GET $DSM "${AUTH[@]}"
check "expire_tokens fault: the request's token is expired" "$CODE" 401
cckm_login
ni_login admin admin
NI=(-H "Authorization: NetworkInsight $NI_TOKEN")

fault '[{"route":"/api/v1/cckm/oci","fault":"503"},{"route":"/api/v1/cckm/google","fault":"latency","ms":10}]'
check "an array of rules" "$(jget '[f["fault"] for f in d["faults"]]')" '["status","latency"]'
DEL_ID=$(jget 'd["faults"][1]["id"]')
admin GET /__sim/faults
check "GET /__sim/faults lists the unlimited rules" "$(jget '[(f["route"], f["count"]) for f in d["faults"]]')" \
    '[["/api/v1/cckm/oci",0],["/api/v1/cckm/google",0]]'
req GET /api/v1/cckm/oci/synchronization-jobs "${AUTH[@]}"
req GET /api/v1/cckm/oci/synchronization-jobs "${AUTH[@]}"
check "count 0: faulted until cleared" "$CODE" 503
admin DELETE "/__sim/faults/$DEL_ID"
check "DELETE /__sim/faults/{id}" "$CODE" 200
admin DELETE /__sim/faults
check "DELETE /__sim/faults" "$(jget 'd["cleared"]')" 1
req GET /api/v1/cckm/oci/synchronization-jobs "${AUTH[@]}"
check "cleared: answers again" "$CODE" 200
admin POST /__sim/faults '{"route":"x","fault":"latency"}'
check "bad rule: 400" "$CODE" 400
admin POST /__sim/faults '{"fault":"explode"}'
check "unknown fault: 400" "$CODE" 400

admin GET /__sim/stats
check "stats count the client's requests per method and path" \
    "$(jget '[d["requests"]["GET /api/v1/cckm/dsm/refresh"] >= 10, d["requests"]["GET /api/v1/cckm/oci/synchronization-jobs"], d["total"] == sum(d["requests"].values()), not any(k.split(" ")[1].startswith("/__sim") for k in d["requests"])]')" \
    '[true,3,true,true]'

# ---------------------------------------------------------------------------------------------
section "reset"
req GET "$DSM?limit=100&sort=createdAt" "${AUTH[@]}"
BEFORE_RESET=$(jget 'len(d["resources"])')
admin POST /__sim/reset
check "admin: reset" "$CODE" 200
req GET $DSM "${AUTH[@]}"
check "reset drops the tokens" "$CODE" 401
cckm_login
req GET "$DSM?limit=100&sort=createdAt" "${AUTH[@]}"
check "reset drops the started jobs ($BEFORE_RESET -> 4)" "$(jget 'd["total"]')" 4
check "the same --seed gives the same initial job ids" "$(jget '[r["id"] for r in d["resources"]]')" "$SHORT_IDS"
req GET "$DSM/$JOB_A" "${AUTH[@]}"
check "a started job is gone" "$CODE" 404
admin GET /__sim/stats
check "reset zeroes the stats (4 requests since)" "$(jget 'd["total"]')" 4
ni_login admin admin
NI=(-H "Authorization: NetworkInsight $NI_TOKEN")
req GET $NIP/update/status "${NI[@]}"
check "reset forgets the rotation" "$CODE" 404

# ---------------------------------------------------------------------------------------------
section "bad requests, limits, concurrency"
req GET $DSM "${AUTH[@]}" -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' a)"
check "header over 16 KiB: 431" "$CODE" 431
head -c 2000000 /dev/zero | tr '\0' ' ' >"$WORK/big.json"
req POST $DSM "${AUTH[@]}" --data-binary "@$WORK/big.json"
check "body over 1 MiB: 413" "$CODE" 413
req GET "$DSM" "${AUTH[@]}" --request-target 'no-slash'
check "a target that is not origin-form: 400" "$CODE" 400
HTTP_ON_TLS=$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$MAIN_PORT/api/v1/cckm/dsm/refresh")
check "plain HTTP on the HTTPS port: 400" "$HTTP_ON_TLS" 400
exec 3<>"/dev/tcp/127.0.0.1/$MAIN_PORT"
printf '\x16\x03\x01\x00\x05hello' >&3
exec 3>&-
req GET $DSM "${AUTH[@]}"
check "still serving after the bad requests" "$CODE" 200
check "keep-alive: curl reuses the connection" \
    "$(curl -sS -o /dev/null -o /dev/null -w '%{num_connects},' --cacert "$CA" "${AUTH[@]}" "$BASE$DSM" "$BASE$DSM")" "1,0,"
seq 60 | xargs -P 30 -I{} curl -sS -o /dev/null -w '%{http_code}\n' --cacert "$CA" "${AUTH[@]}" \
    "$BASE$DSM?limit=100" >"$WORK/par.txt"
check "60 requests on 30 concurrent connections" "$(grep -c '^200$' "$WORK/par.txt")" 60

# ---------------------------------------------------------------------------------------------
section "--plain, --fault, IPv6"
start_sim plain --plain --fault '/api/ni:status:status=503,retry_after=1,count=1' \
    --fault '*:latency:ms=1' --user alice:s3cret --user bob:pw
check "--plain first line" "$(head -n1 "$WORK/plain/stdout")" "listening on http://127.0.0.1:$PORT"
SAVE_BASE=$BASE
BASE=http://127.0.0.1:$PORT
req POST /api/ni/auth/token -d '{"username":"admin","password":"admin","domain":{"domain_type":"LOCAL"}}'
check "--fault installs a rule at start" "$CODE/$(header Retry-After)" 503/1
req POST /api/ni/auth/token -d '{"username":"admin","password":"admin","domain":{"domain_type":"LOCAL"}}'
check "  ... for count requests" "$CODE" 200
admin GET /__sim/faults
check "  ... the latency rule stays" "$(jget '[f["fault"] for f in d["faults"]]')" '["latency"]'
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GARBAGE NONSENSE\r\n\r\n' >&3
GARBAGE=$(timeout 5 head -c 12 <&3)
exec 3>&-
check "a malformed request line: 400" "$GARBAGE" "HTTP/1.1 400"
req POST /api/v1/auth/tokens "${ACCEPT[@]}" -d '{"username":"alice","password":"s3cret"}'
check "--plain keeps serving; --user alice logs in" "$CODE" 200
req POST /api/v1/auth/tokens "${ACCEPT[@]}" -d '{"username":"admin","password":"admin"}'
check "--user replaces the default admin" "$CODE" 401
BASE=$SAVE_BASE
"$SIM" --plain --fault 'nope' >/dev/null 2>&1
check "a bad --fault exits 2" "$?" 2

if "$PY" -S -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null; then
    start_sim v6 --listen '[::1]:0' --write-ca "$WORK/v6/ca.pem"
    check "IPv6 first line" "$(head -n1 "$WORK/v6/stdout")" "listening on https://[::1]:$PORT"
    c=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$WORK/v6/ca.pem" "${ACCEPT[@]}" \
        -d '{"username":"admin","password":"admin"}' "https://[::1]:$PORT/api/v1/auth/tokens")
    check "IPv6 with TLS verified for ::1" "$c" 200
else
    echo "skip IPv6: no ::1 on this machine"
fi

if command -v openssl >/dev/null; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
        -keyout "$WORK/own.key" -out "$WORK/own.crt" -subj /CN=localhost \
        -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 || fail "openssl req failed"
    start_sim own --cert "$WORK/own.crt" --key "$WORK/own.key" --write-ca "$WORK/own/ca.pem"
    cmp -s "$WORK/own.crt" "$WORK/own/ca.pem" || fail "--write-ca did not write the --cert file"
    c=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$WORK/own.crt" "${ACCEPT[@]}" \
        -d '{"username":"admin","password":"admin"}' "https://127.0.0.1:$PORT/api/v1/auth/tokens")
    check "--cert/--key serve the given certificate" "$c" 200
else
    echo "skip --cert/--key: no openssl command"
fi

NONLOOP=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+\.' | grep -v '^127\.' | head -n1 || true)
if [[ -n $NONLOOP ]]; then
    start_sim wide --plain --listen 0.0.0.0:0
    c=$(curl -sS -o /dev/null -w '%{http_code}' "http://$NONLOOP:$PORT/__sim/stats")
    check "admin API from a non-loopback address ($NONLOOP): 403" "$c" 403
else
    echo "skip non-loopback admin check: no non-loopback address"
fi

# ---------------------------------------------------------------------------------------------
section "restart with --state-file"
SAVE_BASE=$BASE
SAVE_CA=$CA
STATE=$WORK/restart.state
start_sim restart --write-ca "$WORK/restart/ca.pem" --job-seconds 3 --state-file "$STATE"
R_PID=$PID
R_PORT=$PORT
CA=$WORK/restart/ca.pem
BASE=https://127.0.0.1:$R_PORT
cckm_login
req POST /api/v1/cckm/dsm/refresh "${AUTH[@]}" -d '{"domains":["r-1","r-2"]}'
check "restart: job started" "$CODE" 201
R_JOB=$(jget 'd["id"]')
ni_login admin admin
req POST /api/ni/customers/collector/data-encryption-cert/update -H "Authorization: NetworkInsight $NI_TOKEN"
check "restart: rotation started" "$CODE" 200
[[ $(stat -c %a "$STATE") == 600 ]] || fail "the state file is not mode 0600"
kill -KILL "$R_PID"
wait "$R_PID" 2>/dev/null || true
cp "$WORK/restart/ca.pem" "$WORK/restart-ca-before.pem"
rm -f "$WORK/restart/port"
start_sim restart --listen "127.0.0.1:$R_PORT" --write-ca "$WORK/restart/ca.pem" --job-seconds 3 \
    --state-file "$STATE"
R_PID=$PID
check "restart: same port" "$PORT" "$R_PORT"
cmp -s "$WORK/restart-ca-before.pem" "$WORK/restart/ca.pem" || fail "restart: another certificate"
pass "restart: the same certificate"
req GET "/api/v1/cckm/dsm/refresh/$R_JOB" "${AUTH[@]}"
check "restart: the token issued before is accepted, the job is there" "$CODE" 200
check "restart: the job still runs" "$(jget 'd["overall_status"]')" in_progress
req GET /api/ni/customers/collector/data-encryption-cert/update/status -H "Authorization: NetworkInsight $NI_TOKEN"
check "restart: the Network Insight token and the rotation are there" "$CODE" 200
admin GET /__sim/stats
check "restart: the request counts are kept" "$(jget 'd["requests"]["POST /api/v1/cckm/dsm/refresh"]')" 1
admin GET /__sim/jobs
check "restart: /__sim/jobs lists the job" \
    "$(jget "[j['overall_status'] for j in d['jobs'] if j['id'] == '$R_JOB' and j['kind'] == 'dsm']")" \
    '["in_progress"]'
sleep 3.2
req GET "/api/v1/cckm/dsm/refresh/$R_JOB" "${AUTH[@]}"
check "restart: the job ends on time, by the wall clock" "$(jget 'd["overall_status"]')" completed
req POST /api/v1/cckm/dsm/refresh "${AUTH[@]}" -d '{"domains":["r-3"]}'
[[ $(jget 'd["id"]') != "$R_JOB" ]] || fail "restart: an id issued twice"
pass "restart: new ids differ from those issued before"
echo '{"version":1' >"$WORK/bad.state"
"$SIM" --state-file "$WORK/bad.state" >/dev/null 2>"$WORK/bad.err"
check "a damaged state file: exit 1" "$?" 1
grep -q 'state file' "$WORK/bad.err" || fail "no message naming the state file"
pass "a damaged state file is named"
kill "$R_PID"
wait "$R_PID" 2>/dev/null || true
BASE=$SAVE_BASE
CA=$SAVE_CA

# ---------------------------------------------------------------------------------------------
section "log and shutdown"
LOG=$WORK/main/log
grep -qE ' GET /api/v1/cckm/dsm/refresh 200 [0-9]+ms$' "$LOG" || fail "log lacks a GET line"
grep -qE ' GET /api/v1/cckm/dsm/refresh 429 [0-9]+ms fault=status$' "$LOG" || fail "log lacks the fault"
pass "one log line per request: method, path, status, latency, fault"
grep -qF "$JWT" "$LOG" && fail "the log holds a jwt"
grep -qF "$NI_TOKEN" "$LOG" && fail "the log holds a Network Insight token"
grep -q 'admin:admin\|"password"\|Authorization\|Bearer' "$LOG" && fail "the log holds a secret"
grep -q 'limit=\|domains=' "$LOG" && fail "the log holds a query string"
pass "the log holds no token, password, header or query string"
kill -TERM "$MAIN_PID"
wait "$MAIN_PID"
check "SIGTERM: exit status 0" "$?" 0
kill -INT "$SHORT_PID"
wait "$SHORT_PID"
check "SIGINT: exit status 0" "$?" 0
grep -q 'stopping on signal' "$LOG" || fail "no shutdown line in the log"
pass "shutdown logged"

echo "all $CHECKS checks passed in $((SECONDS - T_START)) s"
