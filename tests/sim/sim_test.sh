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
    slow_body malformed oversize expire_tokens throttle_text oci_quota TooManyRequests /__sim/faults /__sim/reset /__sim/expire-tokens \
    /__sim/stats /__sim/tokens /__sim/rotation-fail /__sim/jobs /api/v1/auth/tokens /api/ni/auth/token bulkjob \
    update-all-versions-jobs hsm/luna/synchronize external-cm/refresh data-encryption-cert/details \
    /api/v1/scheduler job-configs run-now /__sim/run-now-empty job_config_params cckm_key_rotation \
    cckm_xks_credential_rotation database_backup 'limit=-1' labels; do
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
# Thales' own clients send no Accept (Go, PowerShell) or */* (Python's requests): served.
req POST /api/v1/auth/tokens -H 'Accept:' -d '{"grant_type":"password","username":"admin","password":"admin"}'
check "token request with no Accept header: 200" "$CODE" 200
req POST /api/v1/auth/tokens -H 'Accept: */*' -d '{"grant_type":"password","username":"admin","password":"admin"}'
check "token request with Accept: */*: 200" "$CODE" 200
req POST /api/v1/auth/tokens -H 'Accept: text/html, application/*;q=0.5' -d '{"grant_type":"password","username":"admin","password":"admin"}'
check "token request with Accept: text/html, application/*;q=0.5: 200" "$CODE" 200
req POST /api/v1/auth/tokens -H 'Accept: text/html' -d '{"grant_type":"password","username":"admin","password":"admin"}'
check "token request with Accept: text/html only: 400" "$CODE" 400
check "  ... NCERRBadRequest code 15" "$(jget '[d["code"], d["codeDesc"].split(":")[0]]')" '[15,"NCERRBadRequest"]'
req POST /api/v1/auth/tokens -H 'Accept: application/json;q=0, text/plain' -d '{"grant_type":"password","username":"admin","password":"admin"}'
check "token request with Accept: application/json;q=0, text/plain: 400" "$CODE" 400
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
req GET /api/v1/cckm/dsm/refresh -H 'Accept:' -H "Authorization: Bearer $JWT"
check "a list with no Accept header: 200" "$CODE/$(jget 'd["total"] > 0')" 200/true
req GET /api/v1/cckm/dsm/refresh -H 'Accept: */*' -H "Authorization: Bearer $JWT"
check "a list with Accept: */*: 200" "$CODE" 200
req GET /api/v1/cckm/dsm/refresh -H 'Accept: text/plain' -H 'Accept: application/json' -H "Authorization: Bearer $JWT"
check "two Accept fields, one of them application/json: 200" "$CODE" 200
req GET /api/v1/cckm/dsm/refresh -H 'Accept: text/html' -H "Authorization: Bearer $JWT"
check "Accept: text/html only: 400" "$CODE" 400
check "  ... NCERRBadRequest" "$(jget 'd["codeDesc"].split(":")[0]')" NCERRBadRequest

# ---------------------------------------------------------------------------------------------
section "CipherTrust refresh tokens: list, read, delete"
TOKENS=/api/v1/auth/tokens
LOGIN='"grant_type":"password","username":"admin","password":"admin"'
req POST $TOKENS -H 'Accept:' -d "{$LOGIN,\"labels\":[\"keyops-test\",\"ci\"]}"
check "password grant with labels" "$CODE" 200
L1_RT=$(jget 'd["refresh_token"]')
L1_ID=$(jget 'd["refresh_token_id"]')
req POST $TOKENS -H 'Accept:' -d "{$LOGIN,\"labels\":[\"keyops-test\"]}"
L2_RT=$(jget 'd["refresh_token"]')
L2_ID=$(jget 'd["refresh_token_id"]')
req POST $TOKENS "${ACCEPT[@]}" -d "{$LOGIN,\"labels\":\"keyops-test\"}"
check "labels that are not an array: 400 code 9" "$CODE/$(jget 'd["code"]')" 400/9
req GET $TOKENS -H 'Accept:'
check "listing refresh tokens needs a bearer token: 401" "$CODE" 401
req GET $TOKENS -H 'Accept:' -H "Authorization: Bearer $JWT"
check "list refresh tokens (no Accept header)" "$CODE" 200
check "  ... the list envelope, 10 a page" "$(jget '[list(d), d["skip"], d["limit"], d["total"] >= 5, len(d["resources"]) == min(d["total"], 10)]')" \
    '[["skip","limit","total","resources"],0,10,true,true]'
check "  ... a token's members, in order" "$(jget 'list(d["resources"][0])')" \
    '["id","uri","account","application","devAccount","createdAt","updatedAt","expiresAt","labels","client_id","user_id","username"]'
check "  ... newest first" "$(jget 'd["resources"][0]["id"]')" "$L2_ID"
for secret in "$RT" "$L1_RT" "$L2_RT" "$JWT"; do
    grep -qF -- "$secret" "$B" && fail "the token list holds a token"
done
pass "  ... and no token itself"
req GET "$TOKENS?labels=keyops-test" "${AUTH[@]}"
check "labels filter, one label" "$(jget '[d["total"], [r["id"] for r in d["resources"]]]')" "[2,[\"$L2_ID\",\"$L1_ID\"]]"
req GET "$TOKENS?labels=keyops-test,ci" "${AUTH[@]}"
check "labels filter, a comma list: tokens with every label" "$(jget '[d["total"], [r["id"] for r in d["resources"]]]')" "[1,[\"$L1_ID\"]]"
req GET "$TOKENS?labels=ci&labels=keyops-test" "${AUTH[@]}"
check "labels filter, repeated" "$(jget '[r["id"] for r in d["resources"]]')" "[\"$L1_ID\"]"
req GET "$TOKENS?labels=nobody" "${AUTH[@]}"
check "labels filter matching nothing" "$(jget '[d["total"], d["resources"]]')" '[0,[]]'
req GET "$TOKENS?labels=keyops-test&limit=1" "${AUTH[@]}"
check "paging: limit=1" "$(jget '[d["skip"], d["limit"], d["total"], [r["id"] for r in d["resources"]]]')" "[0,1,2,[\"$L2_ID\"]]"
req GET "$TOKENS?labels=keyops-test&skip=1&limit=1" "${AUTH[@]}"
check "paging: skip=1&limit=1" "$(jget '[r["id"] for r in d["resources"]]')" "[\"$L1_ID\"]"
req GET "$TOKENS?skip=0&limit=-1" "${AUTH[@]}"
check "paging: limit=-1 lists every token on one page, -1 echoed" "$(jget '[d["limit"], len(d["resources"]) == d["total"], d["total"] >= 5]')" '[-1,true,true]'
for bad in 'limit=0' 'limit=-2' 'limit=1001' 'skip=-1'; do
    req GET "$TOKENS?$bad" "${AUTH[@]}"
    check "refresh token list, bad $bad: 400 code 9" "$CODE/$(jget 'd["code"]')" 400/9
done
req GET "$TOKENS/$L1_ID" -H 'Accept: */*' -H "Authorization: Bearer $JWT"
check "read one refresh token" "$CODE/$(jget '[d["id"], d["uri"].endswith(d["id"]), d["labels"], d["username"], d["user_id"].startswith("local|"), d["expiresAt"] > d["createdAt"]]')" \
    "200/[\"$L1_ID\",true,[\"keyops-test\",\"ci\"],\"admin\",true,true]"
grep -qF -- "$L1_RT" "$B" && fail "a refresh token's record holds the token"
pass "  ... without the token itself"
req PUT "$TOKENS/$L1_ID" "${AUTH[@]}"
check "PUT a refresh token: 405 with Allow" "$CODE/$(header Allow)" "405/GET, DELETE"
req PATCH $TOKENS "${AUTH[@]}"
check "PATCH the token list: 405 with Allow" "$CODE/$(header Allow)" "405/GET, POST"
req DELETE "$TOKENS/$L1_ID" "${AUTH[@]}"
check "DELETE a refresh token: 204" "$CODE" 204
req GET "$TOKENS/$L1_ID" "${AUTH[@]}"
check "  ... then reading it: 404" "$CODE/$(jget 'd["code"]')" 404/16
req DELETE "$TOKENS/$L1_ID" "${AUTH[@]}"
check "  ... deleting it again: 404" "$CODE" 404
req GET "$TOKENS?labels=keyops-test" "${AUTH[@]}"
check "  ... and it is no longer listed" "$(jget '[r["id"] for r in d["resources"]]')" "[\"$L2_ID\"]"
req POST $TOKENS "${ACCEPT[@]}" -d "{\"grant_type\":\"refresh_token\",\"refresh_token\":\"$L1_RT\"}"
check "  ... nor usable" "$CODE" 401
req POST $TOKENS "${ACCEPT[@]}" -d "{\"grant_type\":\"refresh_token\",\"refresh_token\":\"$L2_RT\",\"renew_refresh_token\":true}"
L3_RT=$(jget 'd["refresh_token"]')
L3_ID=$(jget 'd["refresh_token_id"]')
req GET "$TOKENS?labels=keyops-test" "${AUTH[@]}"
check "a renewed refresh token keeps its labels; the old one is gone" "$(jget '[(r["id"], r["labels"]) for r in d["resources"]]')" \
    "[[\"$L3_ID\",[\"keyops-test\"]]]"
req GET "$TOKENS/$L2_ID" "${AUTH[@]}"
check "  ... reading the renewed-away one: 404" "$CODE" 404

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
section "scheduler: job configs as Thales' Go client writes them"
SCH=/api/v1/scheduler
ZERO=0001-01-01T00:00:00Z
CFG_KEYS='["id","uri","account","devAccount","application","createdAt","updatedAt","name","description","operation","run_at","run_on","disabled","start_date","end_date","job_config_params"]'
# Go marshals every member: "" for strings not given, null for the other operations' parameters
# and for lists not given, the zero time for dates not set.
GO_NULLS='"cckm_key_rotation_params":null,"cckm_xks_credential_rotation_params":null,"database_backup_params":null'
req GET "$SCH/job-configs" -H 'Accept:' -H "Authorization: Bearer $JWT"
check "list job configs with no Accept header" "$CODE/$(jget '[d["total"], d["resources"][0]["name"]]')" '200/[1,"sim-nightly-aws"]'
check "  ... the seed config: every member, in order" "$(jget 'list(d["resources"][0])')" "$CFG_KEYS"
check "  ... its answer" "$(jget '{k: v for k, v in d["resources"][0].items() if k not in ("id", "uri", "createdAt", "updatedAt")}')" \
    '{"account":"kylo:kylo:admin:accounts:kylo","devAccount":"ncryptify:gemalto:admin:accounts:gemalto","application":"ncryptify:gemalto:admin:apps:kylo","name":"sim-nightly-aws","description":"","operation":"cckm_synchronization","run_at":"0 2 * * *","run_on":"any","disabled":false,"start_date":"0001-01-01T00:00:00Z","end_date":"0001-01-01T00:00:00Z","job_config_params":{"cloud_name":"aws","kms":["kms-prod","kms-dev"],"oci_vaults":[],"synchronize_all":false}}'
SEED_CFG=$(jget 'd["resources"][0]["id"]')

GO_SYNC='{"name":"go-sync","description":"","operation":"cckm_synchronization","run_on":"","run_at":"0 2 * * *","disabled":false,"start_date":"0001-01-01T00:00:00Z","end_date":"0001-01-01T00:00:00Z","cckm_synchronization_params":{"cloud_name":"aws","kms":["kms-a","kms-b"],"oci_vaults":null,"synchronize_all":false},'$GO_NULLS'}'
req POST $SCH/job-configs -H 'Accept:' -H "Authorization: Bearer $JWT" -d "$GO_SYNC"
check "create a synchronization config from Go's body" "$CODE" 201
check "  ... every member, in order" "$(jget 'list(d)')" "$CFG_KEYS"
check "  ... run_on any, dates not set, params under job_config_params" \
    "$(jget '[d["uri"] == "kylo:kylo:scheduler:job-configs:" + d["id"], d["run_on"], d["description"], d["disabled"], d["start_date"], d["end_date"], d["createdAt"] == d["updatedAt"], d["job_config_params"]]')" \
    '[true,"any","",false,"0001-01-01T00:00:00Z","0001-01-01T00:00:00Z",true,{"cloud_name":"aws","kms":["kms-a","kms-b"],"oci_vaults":[],"synchronize_all":false}]'
SYNC_CFG=$(jget 'd["id"]')
cp "$B" "$WORK/go-sync.json"
req GET "$SCH/job-configs/$SYNC_CFG" "${AUTH[@]}"
check "  ... read back: 200" "$CODE" 200
check "  ... read back the same" "$(cmp -s "$B" "$WORK/go-sync.json" && echo same)" same
req POST $SCH/job-configs "${AUTH[@]}" -d "$GO_SYNC"
check "  ... the same name again: 409" "$CODE" 409

GO_ROT='{"name":"go-rotate","description":"rotate AWS keys","operation":"cckm_key_rotation","run_on":"","run_at":"0 3 * * 0","disabled":false,"start_date":"2026-01-01T00:00:00Z","end_date":"0001-01-01T00:00:00Z","cckm_synchronization_params":null,"cckm_key_rotation_params":{"cloud_name":"aws","expiration":"365d","expire_in":"","rotation_after":"90d","aws_param":{"retain_alias":true,"rotate_material":false}},"cckm_xks_credential_rotation_params":null,"database_backup_params":null}'
req POST $SCH/job-configs "${AUTH[@]}" -d "$GO_ROT"
check "create a key rotation config from Go's body" "$CODE" 201
check "  ... every member, in order" "$(jget 'list(d)')" "$CFG_KEYS"
check "  ... its answer" "$(jget '[d["operation"], d["description"], d["run_on"], d["start_date"], d["end_date"], "cckm_key_rotation_params" in d, d["job_config_params"]]')" \
    '["cckm_key_rotation","rotate AWS keys","any","2026-01-01T00:00:00Z","0001-01-01T00:00:00Z",false,{"cloud_name":"aws","expiration":"365d","expire_in":"","rotation_after":"90d","aws_param":{"retain_alias":true,"rotate_material":false}}]'
ROT_CFG=$(jget 'd["id"]')
req POST $SCH/job-configs "${AUTH[@]}" -d '{"name":"rot-min","operation":"cckm_key_rotation","run_at":"0 3 * * *","cckm_key_rotation_params":{"cloud_name":"oci"}}'
check "a key rotation config with only cloud_name: every parameter answered" "$CODE/$(jget 'd["job_config_params"]')" \
    '201/{"cloud_name":"oci","expiration":"","expire_in":"","rotation_after":"","aws_param":{"retain_alias":false,"rotate_material":false}}'
req POST $SCH/job-configs "${AUTH[@]}" -d '{"name":"go-xks","description":"","operation":"cckm_xks_credential_rotation","run_on":"","run_at":"0 4 * * *","disabled":false,"start_date":"0001-01-01T00:00:00Z","end_date":"0001-01-01T00:00:00Z","cckm_synchronization_params":null,"cckm_key_rotation_params":null,"cckm_xks_credential_rotation_params":{"cloud_name":"aws"},"database_backup_params":null}'
check "an XKS credential rotation config" "$CODE/$(jget '[d["operation"], d["job_config_params"]]')" \
    '201/["cckm_xks_credential_rotation",{"cloud_name":"aws"}]'
XKS_CFG=$(jget 'd["id"]')
req POST $SCH/job-configs "${AUTH[@]}" -d '{"name":"go-backup","description":"","operation":"database_backup","run_on":"","run_at":"0 1 * * *","disabled":true,"start_date":"2026-02-01T00:00:00+01:00","end_date":"2027-02-01T00:00:00.5Z","cckm_synchronization_params":null,"cckm_key_rotation_params":null,"cckm_xks_credential_rotation_params":null,"database_backup_params":{"backupKey":"bk-1","connection":"","description":"nightly","do_scp":false,"tiedToHSM":true,"retentionCount":7,"scope":"domain","filters":[{"resourceType":"Keys","resourceQuery":{"name":"k1"}},{"resourceType":"users","resourceQuery":"{\"username\":\"admin\"}"}]}}'
check "a database backup config" "$CODE/$(jget '[d["operation"], d["disabled"], d["start_date"], d["end_date"], d["job_config_params"]]')" \
    '201/["database_backup",true,"2026-02-01T00:00:00+01:00","2027-02-01T00:00:00.5Z",{"backupKey":"bk-1","connection":"","description":"nightly","do_scp":false,"tiedToHSM":true,"retentionCount":7,"scope":"domain","filters":[{"resourceType":"Keys","resourceQuery":{"name":"k1"}},{"resourceType":"users","resourceQuery":"{\"username\":\"admin\"}"}]}]'
BACKUP_CFG=$(jget 'd["id"]')
req POST $SCH/job-configs "${AUTH[@]}" -d '{"name":"backup-min","operation":"database_backup","run_at":"0 1 * * *"}'
check "a backup config without parameters: every parameter answered" "$CODE/$(jget 'd["job_config_params"]')" \
    '201/{"backupKey":"","connection":"","description":"","do_scp":false,"tiedToHSM":false,"retentionCount":0,"scope":"","filters":[]}'

# refuse DESCRIPTION BODY WORD: a create refused with 400 code 9, its message naming WORD.
refuse() {
    req POST $SCH/job-configs "${AUTH[@]}" -d "$2"
    check "$1: 400 naming $3" "$CODE/$(jget 'd["code"]')/$(jget "'$3' in d['message']")" 400/9/true
}
SYNC_HEAD='"name":"bad","operation":"cckm_synchronization","run_at":"0 2 * * *"'
ROT_HEAD='"name":"bad","operation":"cckm_key_rotation","run_at":"0 2 * * *"'
BAK_HEAD='"name":"bad","operation":"database_backup","run_at":"0 2 * * *"'
refuse "kms as a string (the Ansible collection's bug)" "{$SYNC_HEAD,\"cckm_synchronization_params\":{\"cloud_name\":\"aws\",\"kms\":\"k1\"}}" kms
refuse "synchronize_all as a string" "{$SYNC_HEAD,\"cckm_synchronization_params\":{\"cloud_name\":\"aws\",\"synchronize_all\":\"true\"}}" synchronize_all
refuse "oci_vaults with a number in it" "{$SYNC_HEAD,\"cckm_synchronization_params\":{\"cloud_name\":\"oci\",\"oci_vaults\":[1]}}" oci_vaults
refuse "cloud_name as a number" "{$SYNC_HEAD,\"cckm_synchronization_params\":{\"cloud_name\":1,\"kms\":[\"k\"]}}" cloud_name
refuse "no cloud_name" "{$SYNC_HEAD,\"cckm_synchronization_params\":{\"kms\":[\"k\"]}}" cloud_name
refuse "neither kms nor oci_vaults nor synchronize_all" "{$SYNC_HEAD,\"cckm_synchronization_params\":{\"cloud_name\":\"aws\",\"kms\":null}}" synchronize_all
refuse "params as a string" "{$SYNC_HEAD,\"cckm_synchronization_params\":\"aws\"}" cckm_synchronization_params
refuse "another operation's params, not null" "{$SYNC_HEAD,\"cckm_synchronization_params\":{\"cloud_name\":\"aws\",\"kms\":[\"k\"]},\"cckm_key_rotation_params\":{\"cloud_name\":\"aws\"}}" cckm_key_rotation_params
refuse "disabled as a string" "{$SYNC_HEAD,\"disabled\":\"false\",\"cckm_synchronization_params\":{\"cloud_name\":\"aws\",\"synchronize_all\":true}}" disabled
refuse "start_date not RFC 3339" "{$SYNC_HEAD,\"start_date\":\"2026-01-01 00:00\",\"cckm_synchronization_params\":{\"cloud_name\":\"aws\",\"synchronize_all\":true}}" start_date
refuse "end_date as a number" "{$SYNC_HEAD,\"end_date\":20260101,\"cckm_synchronization_params\":{\"cloud_name\":\"aws\",\"synchronize_all\":true}}" end_date
refuse "run_on as a number" "{$SYNC_HEAD,\"run_on\":1,\"cckm_synchronization_params\":{\"cloud_name\":\"aws\",\"synchronize_all\":true}}" run_on
refuse "run_at not cron" '{"name":"bad","operation":"cckm_synchronization","run_at":"soon","cckm_synchronization_params":{"cloud_name":"aws","synchronize_all":true}}' run_at
refuse "no name" '{"name":"","operation":"cckm_synchronization","run_at":"0 2 * * *","cckm_synchronization_params":{"cloud_name":"aws","synchronize_all":true}}' name
refuse "no operation" '{"name":"bad","operation":"","run_at":"0 2 * * *"}' operation
refuse "an unknown operation" '{"name":"bad","operation":"cckm_explode","run_at":"0 2 * * *"}' operation
refuse "rotation_after in hours" "{$ROT_HEAD,\"cckm_key_rotation_params\":{\"cloud_name\":\"aws\",\"rotation_after\":\"12h\"}}" rotation_after
refuse "expiration not a duration" "{$ROT_HEAD,\"cckm_key_rotation_params\":{\"cloud_name\":\"aws\",\"expiration\":\"soon\"}}" expiration
refuse "aws_param.retain_alias as a string" "{$ROT_HEAD,\"cckm_key_rotation_params\":{\"cloud_name\":\"aws\",\"aws_param\":{\"retain_alias\":\"yes\"}}}" retain_alias
refuse "aws_param as a list" "{$ROT_HEAD,\"cckm_key_rotation_params\":{\"cloud_name\":\"aws\",\"aws_param\":[]}}" aws_param
refuse "key rotation without cloud_name" "{$ROT_HEAD,\"cckm_key_rotation_params\":{\"expiration\":\"30d\"}}" cloud_name
refuse "retentionCount below 0" "{$BAK_HEAD,\"database_backup_params\":{\"retentionCount\":-1}}" retentionCount
refuse "retentionCount as a string" "{$BAK_HEAD,\"database_backup_params\":{\"retentionCount\":\"7\"}}" retentionCount
refuse "do_scp as a number" "{$BAK_HEAD,\"database_backup_params\":{\"do_scp\":1}}" do_scp
refuse "an unknown scope" "{$BAK_HEAD,\"database_backup_params\":{\"scope\":\"galaxy\"}}" scope
refuse "filters as an object" "{$BAK_HEAD,\"database_backup_params\":{\"filters\":{}}}" filters
refuse "a filter without resourceType" "{$BAK_HEAD,\"database_backup_params\":{\"filters\":[{\"resourceQuery\":{}}]}}" resourceType
refuse "a filter's resourceQuery a string that is no object" "{$BAK_HEAD,\"database_backup_params\":{\"filters\":[{\"resourceType\":\"Keys\",\"resourceQuery\":\"k1\"}]}}" resourceQuery
req POST $SCH/job-configs "${AUTH[@]}" -d '{"name":"x","operation":"cckm_synchronization"'
check "a body that is not JSON: 400 code 15" "$CODE/$(jget 'd["code"]')" 400/15

section "scheduler: PATCH as the server reads it"
# Go's PATCH: "" keeps (name, operation, cloud_name, run_on), null clears (kms), the zero time
# leaves a date as it is.
req PATCH "$SCH/job-configs/$SYNC_CFG" "${AUTH[@]}" -d '{"name":"","description":"","operation":"","run_on":"","run_at":"30 3 * * *","disabled":false,"start_date":"0001-01-01T00:00:00Z","end_date":"0001-01-01T00:00:00Z","cckm_synchronization_params":{"cloud_name":"","kms":null,"oci_vaults":null,"synchronize_all":true},'"$GO_NULLS"'}'
check "Go's PATCH: 200" "$CODE" 200
check "  ... \"\" keeps, null clears kms, run_at changed" \
    "$(jget '[d["id"], d["name"], d["operation"], d["run_on"], d["run_at"], d["start_date"], d["job_config_params"], d["updatedAt"] != d["createdAt"], list(d) == '"$CFG_KEYS"']')" \
    "[\"$SYNC_CFG\",\"go-sync\",\"cckm_synchronization\",\"any\",\"30 3 * * *\",\"$ZERO\",{\"cloud_name\":\"aws\",\"kms\":[],\"oci_vaults\":[],\"synchronize_all\":true},true,true]"
req PATCH "$SCH/job-configs/$SYNC_CFG" "${AUTH[@]}" -d '{"job_config_params":{"kms":["kms-c"]}}'
check "PATCH with job_config_params: members merged, absent ones kept" "$CODE/$(jget 'd["job_config_params"]')" \
    '200/{"cloud_name":"aws","kms":["kms-c"],"oci_vaults":[],"synchronize_all":true}'
req PATCH "$SCH/job-configs/$SYNC_CFG" "${AUTH[@]}" -d '{"operation":"cckm_synchronization","cckm_synchronization_params":{"oci_vaults":["v-1"]}}'
check "PATCH naming the same operation" "$CODE/$(jget 'd["job_config_params"]["oci_vaults"]')" '200/["v-1"]'
req PATCH "$SCH/job-configs/$SYNC_CFG" "${AUTH[@]}" -d '{"operation":"cckm_key_rotation","cckm_key_rotation_params":{"cloud_name":"aws"}}'
check "PATCH changing the operation: 400" "$CODE/$(jget 'd["code"]')/$(jget '"operation" in d["message"]')" 400/9/true
req PATCH "$SCH/job-configs/$SYNC_CFG" "${AUTH[@]}" -d '{"cckm_synchronization_params":{"kms":["a"]},"job_config_params":{"kms":["b"]}}'
check "PATCH with params under both names: 400" "$CODE" 400
req PATCH "$SCH/job-configs/$SYNC_CFG" "${AUTH[@]}" -d '{"cckm_synchronization_params":{"kms":"k1"}}'
check "PATCH kms as a string: 400" "$CODE/$(jget '"kms" in d["message"]')" 400/true
req PATCH "$SCH/job-configs/$SYNC_CFG" "${AUTH[@]}" -d '{"cckm_synchronization_params":{"synchronize_all":"no"}}'
check "PATCH synchronize_all as a string: 400" "$CODE" 400
req PATCH "$SCH/job-configs/$SEED_CFG" "${AUTH[@]}" -d '{"cckm_synchronization_params":{"kms":null}}'
check "PATCH clearing the only list without synchronize_all: 400" "$CODE/$(jget '"synchronize_all" in d["message"]')" 400/true
req PATCH "$SCH/job-configs/$SEED_CFG" "${AUTH[@]}" -d '{"run_at":"soon"}'
check "PATCH run_at not cron: 400" "$CODE" 400
req GET "$SCH/job-configs/$SEED_CFG" "${AUTH[@]}"
check "  ... a refused PATCH changes nothing" "$(jget '[d["run_at"], d["job_config_params"]["kms"], d["updatedAt"] == d["createdAt"]]')" '["0 2 * * *",["kms-prod","kms-dev"],true]'
req PATCH "$SCH/job-configs/$SEED_CFG" "${AUTH[@]}" -d '{"id":"00000000-0000-4000-8000-000000000000"}'
check "PATCH changing the id: 400" "$CODE/$(jget '"id" in d["message"]')" 400/true
req PATCH "$SCH/job-configs/$SEED_CFG" "${AUTH[@]}" -d "{\"id\":\"$SEED_CFG\",\"uri\":\"\",\"createdAt\":\"$ZERO\",\"account\":null}"
check "PATCH repeating the id, uri empty, createdAt the zero time: 200" "$CODE/$(jget 'd["id"]')" "200/$SEED_CFG"
req PATCH "$SCH/job-configs/$SYNC_CFG" "${AUTH[@]}" -d '{"name":"sim-nightly-aws"}'
check "PATCH to a name in use: 409" "$CODE" 409
req PATCH "$SCH/job-configs/$ROT_CFG" "${AUTH[@]}" -d '{"description":"","start_date":"0001-01-01T00:00:00Z","cckm_key_rotation_params":{"cloud_name":"","expiration":"","aws_param":{"rotate_material":true}}}'
check "PATCH key rotation: \"\" and the zero time keep, aws_param merged" \
    "$CODE/$(jget '[d["description"], d["start_date"], d["job_config_params"]]')" \
    '200/["rotate AWS keys","2026-01-01T00:00:00Z",{"cloud_name":"aws","expiration":"365d","expire_in":"","rotation_after":"90d","aws_param":{"retain_alias":true,"rotate_material":true}}]'
req PATCH "$SCH/job-configs/$ROT_CFG" "${AUTH[@]}" -d '{"description":null,"start_date":null,"end_date":"2027-01-01T00:00:00Z","run_on":null,"cckm_key_rotation_params":{"expiration":null,"expire_in":"7d","aws_param":null}}'
check "PATCH key rotation: null clears" \
    "$CODE/$(jget '[d["description"], d["start_date"], d["end_date"], d["run_on"], d["job_config_params"]]')" \
    "200/[\"\",\"$ZERO\",\"2027-01-01T00:00:00Z\",\"any\",{\"cloud_name\":\"aws\",\"expiration\":\"\",\"expire_in\":\"7d\",\"rotation_after\":\"90d\",\"aws_param\":{\"retain_alias\":false,\"rotate_material\":false}}]"
req PATCH "$SCH/job-configs/$ROT_CFG" "${AUTH[@]}" -d '{"cckm_synchronization_params":{"cloud_name":"aws"}}'
check "PATCH with another operation's params: 400" "$CODE/$(jget '"cckm_synchronization_params" in d["message"]')" 400/true
req PATCH "$SCH/job-configs/$ROT_CFG" "${AUTH[@]}" -d '{"cckm_synchronization_params":null,"cckm_key_rotation_params":{"expire_in":5}}'
check "PATCH expire_in as a number: 400" "$CODE/$(jget '"expire_in" in d["message"]')" 400/true
req PATCH "$SCH/job-configs/$ROT_CFG" "${AUTH[@]}" -d '{"cckm_key_rotation_params":{"cloud_name":null}}'
check "PATCH clearing cloud_name: 400" "$CODE/$(jget '"cloud_name" in d["message"]')" 400/true
req PATCH "$SCH/job-configs/$BACKUP_CFG" "${AUTH[@]}" -d '{"disabled":false,"database_backup_params":{"backupKey":"","retentionCount":null,"filters":null,"scope":""}}'
check "PATCH backup: null clears the count and filters, \"\" keeps" "$CODE/$(jget '[d["disabled"], d["job_config_params"]]')" \
    '200/[false,{"backupKey":"bk-1","connection":"","description":"nightly","do_scp":false,"tiedToHSM":true,"retentionCount":0,"scope":"domain","filters":[]}]'
req PATCH "$SCH/job-configs/$BACKUP_CFG" "${AUTH[@]}" -d '[]'
check "PATCH with a body that is not an object: 400" "$CODE" 400
req PATCH "$SCH/job-configs/00000000-0000-4000-8000-000000000000" "${AUTH[@]}" -d '{}'
check "PATCH an unknown config: 404" "$CODE" 404

section "scheduler: lists, runs of every operation"
for n in 1 2 3 4 5; do
    req POST $SCH/job-configs "${AUTH[@]}" -d "{\"name\":\"extra-$n\",\"operation\":\"cckm_xks_credential_rotation\",\"run_at\":\"0 5 * * *\",\"cckm_xks_credential_rotation_params\":{\"cloud_name\":\"aws\"}}"
    [[ $CODE == 201 ]] || fail "create extra-$n: HTTP $CODE"
done
req GET "$SCH/job-configs" "${AUTH[@]}"
check "job configs: the default page holds 10" "$(jget '[d["limit"], d["total"], len(d["resources"])]')" '[10,12,10]'
req GET "$SCH/job-configs?skip=0&limit=-1" "${AUTH[@]}"
check "limit=-1: every config on one page, -1 echoed" "$(jget '[d["skip"], d["limit"], d["total"], len(d["resources"]), all(list(r) == '"$CFG_KEYS"' for r in d["resources"])]')" '[0,-1,12,12,true]'
req GET "$SCH/job-configs?skip=10&limit=-1" "${AUTH[@]}"
check "skip=10&limit=-1: the rest" "$(jget '[d["total"], len(d["resources"])]')" '[12,2]'
req GET "$SCH/job-configs?name=go-rotate" "${AUTH[@]}"
check "name filter" "$(jget '[r["id"] for r in d["resources"]]')" "[\"$ROT_CFG\"]"
for bad in 'limit=0' 'limit=-2' 'limit=1001' 'limit=x' 'skip=-1'; do
    req GET "$SCH/job-configs?$bad" "${AUTH[@]}"
    check "job configs, bad $bad: 400 code 9" "$CODE/$(jget 'd["code"]')" 400/9
    req GET "$SCH/jobs?$bad" "${AUTH[@]}"
    check "scheduler jobs, bad $bad: 400 code 9" "$CODE/$(jget 'd["code"]')" 400/9
done
req GET "$SCH/job-configs" -H 'Accept: text/html' -H "Authorization: Bearer $JWT"
check "job configs with Accept: text/html only: 400" "$CODE" 400

req POST $SCH/job-configs "${AUTH[@]}" -d '{"name":"rot-fail","operation":"cckm_key_rotation","run_at":"0 3 * * *","cckm_key_rotation_params":{"cloud_name":"aws-fail"}}'
FAIL_CFG=$(jget 'd["id"]')
RUN_IDS=()
for cfg in "$SYNC_CFG" "$ROT_CFG" "$XKS_CFG" "$BACKUP_CFG" "$FAIL_CFG"; do
    req POST "$SCH/job-configs/$cfg/run-now" -H 'Accept:' -H "Authorization: Bearer $JWT"
    [[ $CODE == 201 ]] || fail "run-now $cfg: HTTP $CODE"
    RUN_IDS+=("$(jget 'd["id"]')")
    echo "$(jget '[d["operation"], d["status"], d["detail"]]')" >>"$WORK/runs-started"
done
check "run-now of each operation: a run of the config's operation, its detail fitting" "$(tr '\n' ' ' <"$WORK/runs-started")" \
    '["cckm_synchronization","in_progress","synchronizing: 0 of 2 resources done"] ["cckm_key_rotation","in_progress","rotating keys: 0 of 2 keys done"] ["cckm_xks_credential_rotation","in_progress","rotating XKS credentials: 0 of 1 credential done"] ["database_backup","in_progress","backing up: 0 of 1 backup done"] ["cckm_key_rotation","in_progress","rotating keys: 0 of 2 keys done"] '
req GET "$SCH/jobs?limit=-1" "${AUTH[@]}"
check "scheduler jobs, limit=-1: every run on one page" "$(jget '[d["limit"], d["total"], len(d["resources"])]')" '[-1,6,6]'
req GET "$SCH/jobs?limit=2" "${AUTH[@]}"
check "  ... and paged" "$(jget '[d["limit"], d["total"], len(d["resources"])]')" '[2,6,2]'
sleep 2.2
: >"$WORK/runs-done"
for run in "${RUN_IDS[@]}"; do
    req GET "$SCH/jobs/$run" "${AUTH[@]}"
    echo "$(jget '[d["status"], d["detail"], d.get("error", "")]')" >>"$WORK/runs-done"
done
check "the runs end: completed, or failed for a *fail* cloud" "$(tr '\n' ' ' <"$WORK/runs-done")" \
    '["completed","2 resources synchronized",""] ["completed","2 keys rotated",""] ["completed","1 credential rotated",""] ["completed","1 backup completed",""] ["failed","key rotation failed","aws-fail-key-1: simulated failure"] '
req GET "$SCH/jobs?job_config_id=$BACKUP_CFG&status=completed" "${AUTH[@]}"
check "runs filtered by config and status" "$(jget '[(r["id"], r["operation"]) for r in d["resources"]]')" "[[\"${RUN_IDS[3]}\",\"database_backup\"]]"
req DELETE "$SCH/job-configs/$XKS_CFG" "${AUTH[@]}"
check "DELETE a config: 204" "$CODE" 204
req GET "$SCH/job-configs/$XKS_CFG" "${AUTH[@]}"
check "  ... then 404" "$CODE/$(jget 'd["code"]')" 404/16
req GET "$SCH/jobs/${RUN_IDS[2]}" "${AUTH[@]}"
check "  ... its runs stay" "$CODE" 200

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

# OCI's throttling passed through in the error text, whatever the status; and a quota error
# that is not throttling.
OCI=/api/v1/cckm/oci/synchronization-jobs
fault '{"route":"/api/v1/cckm/oci/synchronization-jobs","method":"POST","fault":"throttle_text","count":1}'
check "throttle_text rule: status 500 by default" "$(jget '[d["fault"], d["status"], d["count"]]')" '["throttle_text",500,1]'
req POST $OCI "${AUTH[@]}" -d '{"vaults":["v-1"]}'
check "throttle_text on a start: 500, NCERRInternalServerError" "$CODE/$(jget '[d["code"], d["codeDesc"].split(":")[0]]')" '500/[14,"NCERRInternalServerError"]'
check_match "  ... the message passes OCI's TooManyRequests through" "$(jget 'd["message"]')" \
    '^OCI service error: TooManyRequests\. Request was throttled\. Please retry the request later\. \(opc-request-id: [0-9A-F]{32}/[0-9A-F]{32}/[0-9A-F]{32}\)$'
check "  ... and codeDesc too" "$(jget '"TooManyRequests" in d["codeDesc"]')" true
cp "$B" "$WORK/throttle.json"
req POST $OCI "${AUTH[@]}" -d '{"vaults":["v-1"]}'
check "  ... count 1: the next start works" "$CODE" 201
fault '{"route":"/api/v1/cckm/oci","method":"GET","fault":"throttle_text","status":429,"count":1}'
req GET $OCI "${AUTH[@]}"
check "throttle_text on a read, status 429" "$CODE/$(jget '[d["code"], "TooManyRequests" in d["message"]]')" '429/[15,true]'
fault '{"route":"/api/v1/scheduler","fault":"throttle_text","status":503,"retry_after":"1","count":1}'
req GET /api/v1/scheduler/job-configs "${AUTH[@]}"
check "throttle_text with status 503 and Retry-After" "$CODE/$(header Retry-After)/$(jget '[d["code"], "TooManyRequests" in d["message"]]')" '503/1/[14,true]'
fault '{"route":"/api/v1/cckm/oci","fault":"oci_quota","count":1}'
check "oci_quota rule: status 429 by default" "$(jget '[d["fault"], d["status"]]')" '["oci_quota",429]'
req POST $OCI "${AUTH[@]}" -d '{"vaults":["v-1"]}'
check "oci_quota: 429, a quota error without TooManyRequests" \
    "$CODE/$(jget '[d["code"], "LimitExceeded" in d["message"], "TooManyRequests" in d["message"] or "TooManyRequests" in d["codeDesc"]]')" \
    '429/[15,true,false]'
fault '{"route":"/api/ni","fault":"throttle_text","count":1}'
req GET $NIP/details "${NI[@]}"
check "throttle_text on Network Insight: its error shape" "$CODE/$(jget '[d["code"], "TooManyRequests" in d["message"]]')" '500/[500,true]'
admin POST /__sim/faults '{"fault":"throttle_text","status":99}'
check "throttle_text with a bad status: 400" "$CODE" 400
start_sim throttle --plain --fault '/api/v1/cckm:throttle_text:status=429,count=1' --fault '/api/v1/cckm:oci_quota:status=400,count=1'
SAVE_BASE=$BASE
BASE=http://127.0.0.1:$PORT
req GET /api/v1/cckm/dsm/refresh
check "--fault ROUTE:throttle_text:status=429,count=1" "$CODE/$(jget '"TooManyRequests" in d["message"]')" 429/true
req GET /api/v1/cckm/dsm/refresh
check "--fault ROUTE:oci_quota:status=400,count=1" "$CODE/$(jget '"LimitExceeded" in d["message"]')" 400/true
req GET /api/v1/cckm/dsm/refresh
check "  ... then the route answers (401 without a token)" "$CODE" 401
BASE=$SAVE_BASE

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
# Jobs run 10 s: time for the requests, the kill and the restart below on a loaded machine, the
# job still running after them.
start_sim restart --write-ca "$WORK/restart/ca.pem" --job-seconds 10 --state-file "$STATE"
R_PID=$PID
R_PORT=$PORT
CA=$WORK/restart/ca.pem
BASE=https://127.0.0.1:$R_PORT
cckm_login
req POST /api/v1/cckm/dsm/refresh "${AUTH[@]}" -d '{"domains":["r-1","r-2"]}'
check "restart: job started" "$CODE" 201
R_JOB=$(jget 'd["id"]')
R_T0=$(date +%s.%N)
req POST /api/v1/scheduler/job-configs "${AUTH[@]}" -d '{"name":"r-rotate","description":"","operation":"cckm_key_rotation","run_on":"","run_at":"0 3 * * *","disabled":false,"start_date":"0001-01-01T00:00:00Z","end_date":"0001-01-01T00:00:00Z","cckm_synchronization_params":null,"cckm_key_rotation_params":{"cloud_name":"aws","expiration":"30d","expire_in":"","rotation_after":"","aws_param":null},"cckm_xks_credential_rotation_params":null,"database_backup_params":null}'
check "restart: key rotation config created" "$CODE" 201
R_CFG=$(jget 'd["id"]')
cp "$B" "$WORK/r-cfg.json"
req POST "/api/v1/scheduler/job-configs/$R_CFG/run-now" "${AUTH[@]}"
R_RUN=$(jget 'd["id"]')
req POST /api/v1/auth/tokens "${ACCEPT[@]}" -d '{"username":"admin","password":"admin","labels":["restart"]}'
R_RTID=$(jget 'd["refresh_token_id"]')
ni_login admin admin
req POST /api/ni/customers/collector/data-encryption-cert/update -H "Authorization: NetworkInsight $NI_TOKEN"
check "restart: rotation started" "$CODE" 200
[[ $(stat -c %a "$STATE") == 600 ]] || fail "the state file is not mode 0600"
kill -KILL "$R_PID"
wait "$R_PID" 2>/dev/null || true
cp "$WORK/restart/ca.pem" "$WORK/restart-ca-before.pem"
rm -f "$WORK/restart/port"
start_sim restart --listen "127.0.0.1:$R_PORT" --write-ca "$WORK/restart/ca.pem" --job-seconds 10 \
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
req GET "/api/v1/scheduler/job-configs/$R_CFG" "${AUTH[@]}"
check "restart: the scheduler config is there, as answered before" "$CODE/$(cmp -s "$B" "$WORK/r-cfg.json" && echo same)" 200/same
req GET "/api/v1/scheduler/jobs/$R_RUN" "${AUTH[@]}"
check "restart: its run is there" "$CODE/$(jget 'd["operation"]')" 200/cckm_key_rotation
req GET "/api/v1/auth/tokens?labels=restart" "${AUTH[@]}"
check "restart: the refresh token is listed with its labels" "$(jget '[(r["id"], r["labels"]) for r in d["resources"]]')" "[[\"$R_RTID\",[\"restart\"]]]"
admin GET /__sim/stats
check "restart: the request counts are kept" "$(jget 'd["requests"]["POST /api/v1/cckm/dsm/refresh"]')" 1
admin GET /__sim/jobs
check "restart: /__sim/jobs lists the job" \
    "$(jget "[j['overall_status'] for j in d['jobs'] if j['id'] == '$R_JOB' and j['kind'] == 'dsm']")" \
    '["in_progress"]'
sleep "$(python3 -c "import sys, time; print(max(0.0, float(sys.argv[1]) + 10.3 - time.time()))" "$R_T0")"
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
for secret in "$L1_RT" "$L2_RT" "$L3_RT" "$RT"; do
    grep -qF -- "$secret" "$LOG" && fail "the log holds a refresh token"
done
grep -qE ' GET /api/v1/auth/tokens 200 [0-9]+ms$' "$LOG" || fail "log lacks the refresh token list"
grep -qE ' POST /api/v1/cckm/oci/synchronization-jobs 500 [0-9]+ms fault=throttle_text$' "$LOG" ||
    fail "log lacks the throttle_text fault"
grep -qE ' POST /api/v1/cckm/oci/synchronization-jobs 429 [0-9]+ms fault=oci_quota$' "$LOG" ||
    fail "log lacks the oci_quota fault"
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
