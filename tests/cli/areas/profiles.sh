# cli.profiles: --ni-url, KEYOPS_NI_URL, --ni-cacert; config file profiles (url, CA, credentials,
# ni_url), the precedence flag > environment > profile per field, the default paths and the
# profile default, secrets only in a private file, and the file's mistakes named with their line.
start_main_sim
seed_ids
closed_port # CLOSED, DEAD
other_cert  # $WORK/other.pem

section "--ni-url, --ni-cacert and config file profiles (flag > environment > profile)"
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
