# cli.credentials: every credential form (--password-file, stdin, the prompt, KEYOPS_PASSWORD,
# --token, --token-file, KEYOPS_TOKEN, Network Insight's), KEYOPS_URL, --insecure, and exit 3 for
# each kind of refused credential.
start_main_sim
seed_ids

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
