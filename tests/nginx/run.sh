#!/usr/bin/env bash
# Runs a program against nginx on loopback over HTTPS, then stops nginx.
#
#     tests/nginx/run.sh PROGRAM [ARGS...]
#
# In a fresh temporary directory: a test CA, an unrelated second CA, and a server certificate for
# DNS:localhost only (no IP address in it), made with the openssl command-line tool; an nginx.conf
# (no daemon, one process, everything under the temporary directory) listening on
# 127.0.0.1:PORT with TLS, a free port; keep-alive; gzip for application/json. nginx serves the
# files of tests/fixtures where the client asks for them:
#
#   /api/v1/cckm/oci/synchronization-jobs                                    oci_sync_list.json
#   /api/v1/cckm/dsm/refresh                                                 dsm_refresh_list.json
#   /api/v1/cckm/azure/certificates/synchronization-jobs/1f413972-...-77c2da7d71e4
#                                                                            azure_certificates_job.json
#   /api/v1/cckm/google/update-all-versions-jobs/778a1024-...-cfd6c000c090  google_update_all_versions_job.json
#   /api/v1/cckm/azure/certificates/synchronization-jobs                     a list of 200 copies of
#                                                                            azure_certificates_job.json
#
# Under /api/ JSON goes out gzip-encoded (and so chunked: its length is not known in advance).
# Under /chunked/api/ the same files go out without gzip but still chunked: an identity
# sub_filter (built into nginx) makes nginx drop the Content-Length. Anything else is a 404.
#
# PROGRAM runs with these variables, and its exit status is this script's:
#   KEYOPS_NGINX_PORT        the port on 127.0.0.1
#   KEYOPS_NGINX_CA          PEM of the CA that signed the server certificate
#   KEYOPS_NGINX_OTHER_CA    PEM of an unrelated CA
#   KEYOPS_NGINX_ACCESS_LOG  nginx's access log, one line per request (see log_format below)
#   KEYOPS_NGINX_DIR         the temporary directory
#   KEYOPS_FIXTURES          the fixture directory
#
# Environment: KEYOPS_FIXTURES (default tests/fixtures), NGINX (default: nginx on PATH, else
# /usr/sbin/nginx), KEYOPS_NGINX_NO_ACCESS_LOG=1 to log no requests (benchmarks),
# KEYOPS_NGINX_KEEP=1 to keep the temporary directory. Installs nothing: Debian's nginx-light (or nginx) and openssl
# must be there (scripts/install-deps test).
set -euo pipefail

if [ "$#" -lt 1 ]; then
    echo "usage: tests/nginx/run.sh PROGRAM [ARGS...]" >&2
    exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fixtures="${KEYOPS_FIXTURES:-$here/../fixtures}"
fixtures="$(cd "$fixtures" && pwd)"

nginx_bin="${NGINX:-}"
if [ -z "$nginx_bin" ]; then
    nginx_bin="$(command -v nginx || true)"
    [ -n "$nginx_bin" ] || nginx_bin=/usr/sbin/nginx
fi
if [ ! -x "$nginx_bin" ]; then
    echo "nginx/run.sh: nginx not found (Debian: apt-get install nginx-light, or scripts/install-deps test)" >&2
    exit 1
fi
if ! command -v openssl >/dev/null 2>&1; then
    echo "nginx/run.sh: the openssl command-line tool is not found (Debian: apt-get install openssl)" >&2
    exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/keyops-nginx.XXXXXX")"
nginx_pid=""
watchdog_pid=""

stop_nginx() {
    [ -n "$nginx_pid" ] || return 0
    if kill -0 "$nginx_pid" 2>/dev/null; then
        kill -TERM "$nginx_pid" 2>/dev/null || true
        local i
        for i in $(seq 50); do
            kill -0 "$nginx_pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$nginx_pid" 2>/dev/null; then
            echo "nginx/run.sh: nginx did not stop on SIGTERM within 5 s; killing it" >&2
            kill -KILL "$nginx_pid" 2>/dev/null || true
        fi
    fi
    wait "$nginx_pid" 2>/dev/null || true
    nginx_pid=""
}

# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
    stop_nginx
    if [ -n "$watchdog_pid" ]; then
        kill "$watchdog_pid" 2>/dev/null || true
        wait "$watchdog_pid" 2>/dev/null || true
    fi
    if [ "${KEYOPS_NGINX_KEEP:-0}" = 1 ]; then
        echo "nginx/run.sh: kept $work" >&2
    else
        rm -rf "$work"
    fi
}
# A signal ends the program first (it runs in the background so that the signal is seen at once),
# then this script, whose EXIT trap stops nginx.
program_pid=""
# shellcheck disable=SC2317 # run by the traps below
on_signal() {
    if [ -n "$program_pid" ]; then
        kill -TERM "$program_pid" 2>/dev/null || true
        wait "$program_pid" 2>/dev/null || true
    fi
    exit "$1"
}
trap cleanup EXIT
trap 'on_signal 129' HUP
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

# --- certificates ---------------------------------------------------------------------------------

# make_ca NAME COMMON-NAME: NAME.key and NAME.pem, a self-signed CA valid for two days.
make_ca() {
    cat >"$work/$1.cnf" <<EOF
[req]
distinguished_name = dn
prompt = no
x509_extensions = ext
[dn]
CN = $2
[ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EOF
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
        -config "$work/$1.cnf" -keyout "$work/$1.key" -out "$work/$1.pem" 2>"$work/openssl.log" || {
        cat "$work/openssl.log" >&2
        echo "nginx/run.sh: openssl could not make the CA $1" >&2
        exit 1
    }
}

make_ca ca "keyops nginx test CA"
make_ca other-ca "keyops unrelated test CA"

cat >"$work/server.ext" <<'EOF'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
if ! {
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
        -keyout "$work/server.key" -out "$work/server.csr" &&
        openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" \
            -set_serial "0x$(openssl rand -hex 8)" -days 2 -extfile "$work/server.ext" \
            -out "$work/server.pem"
} 2>"$work/openssl.log"; then
    cat "$work/openssl.log" >&2
    echo "nginx/run.sh: openssl could not make the server certificate" >&2
    exit 1
fi

# --- the files nginx serves -----------------------------------------------------------------------

www="$work/www"
api="$www/api/v1/cckm"
mkdir -p "$api/oci" "$api/dsm" "$api/azure/certificates/synchronization-jobs" \
    "$api/google/update-all-versions-jobs" "$work/chunked-root" "$work/tmp"
# A list is stored as "<path>.json" next to the directory of its jobs (see try_files below).
cp "$fixtures/oci_sync_list.json" "$api/oci/synchronization-jobs.json"
cp "$fixtures/dsm_refresh_list.json" "$api/dsm/refresh.json"
cp "$fixtures/azure_certificates_job.json" \
    "$api/azure/certificates/synchronization-jobs/1f413972-499e-498c-9543-77c2da7d71e4"
cp "$fixtures/google_update_all_versions_job.json" \
    "$api/google/update-all-versions-jobs/778a1024-dc18-49cb-833b-cfd6c000c090"
{
    printf '{"skip": 0, "limit": 200, "total": 200, "resources": [\n'
    for i in $(seq 200); do
        [ "$i" -eq 1 ] || printf ',\n'
        cat "$fixtures/azure_certificates_job.json"
    done
    printf ']}\n'
} >"$api/azure/certificates/synchronization-jobs.json"
# /chunked/api/... is served from chunked-root/chunked/api/..., the same files.
ln -s "$www" "$work/chunked-root/chunked"

# --- nginx ----------------------------------------------------------------------------------------

if [ "${KEYOPS_NGINX_NO_ACCESS_LOG:-0}" = 1 ]; then
    access_log="access_log off;"
else
    access_log="access_log $work/access.log keyops;"
fi

# write_conf PORT
write_conf() {
    cat >"$work/nginx.conf" <<EOF
daemon off;
master_process off;
pid $work/nginx.pid;
error_log $work/error.log notice;

events {
    worker_connections 256;
}

http {
    client_body_temp_path $work/tmp/body;
    proxy_temp_path $work/tmp/proxy;
    fastcgi_temp_path $work/tmp/fastcgi;
    uwsgi_temp_path $work/tmp/uwsgi;
    scgi_temp_path $work/tmp/scgi;

    # user agent | method | URI | status | Content-Encoding | Transfer-Encoding | gzip ratio |
    # connection serial | requests on that connection | body bytes sent
    log_format keyops '\$http_user_agent|\$request_method|\$request_uri|\$status|'
                      '\$sent_http_content_encoding|\$sent_http_transfer_encoding|\$gzip_ratio|'
                      '\$connection|\$connection_requests|\$body_bytes_sent';
    $access_log

    types {
        application/json json;
    }
    default_type application/json;

    keepalive_timeout 300s;
    keepalive_requests 1000000;

    gzip on;
    gzip_types application/json;
    gzip_min_length 0;
    gzip_proxied any;

    server {
        listen 127.0.0.1:$1 ssl;
        server_name localhost;
        ssl_certificate $work/server.pem;
        ssl_certificate_key $work/server.key;
        ssl_protocols TLSv1.2 TLSv1.3;

        root $www;

        location /api/ {
            try_files \$uri \$uri.json =404;
        }

        location /chunked/ {
            root $work/chunked-root;
            try_files \$uri \$uri.json =404;
            gzip off;
            # Replaces a string by itself: the body is unchanged, but its length is no longer
            # known when the headers go out, so nginx sends it chunked.
            sub_filter_types application/json;
            sub_filter '"abort"' '"abort"';
            sub_filter_once off;
        }

        location / {
            return 404;
        }
    }
}
EOF
}

# A free port: the kernel's choice through python3 if it is there, else a random one; nginx
# binding it decides, and a port taken meanwhile means another try.
pick_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
    else
        echo $((20000 + RANDOM % 40000))
    fi
}

port_answers() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

port=""
for attempt in 1 2 3 4 5; do
    candidate="$(pick_port)"
    write_conf "$candidate"
    : >"$work/error.log"
    rm -f "$work/nginx.pid"
    "$nginx_bin" -p "$work" -c "$work/nginx.conf" -e "$work/error.log" \
        >"$work/nginx.stdout" 2>&1 &
    nginx_pid=$!
    for i in $(seq 100); do
        if ! kill -0 "$nginx_pid" 2>/dev/null; then
            break
        fi
        # nginx writes its pid file once it listens; only then is the port its own.
        if [ "$(cat "$work/nginx.pid" 2>/dev/null)" = "$nginx_pid" ] &&
            port_answers "$candidate"; then
            port="$candidate"
            break
        fi
        sleep 0.05
    done
    [ -z "$port" ] || break
    if kill -0 "$nginx_pid" 2>/dev/null; then
        stop_nginx
        echo "nginx/run.sh: nginx did not answer on port $candidate within 5 s" >&2
        cat "$work/error.log" "$work/nginx.stdout" >&2
        exit 1
    fi
    wait "$nginx_pid" 2>/dev/null || true
    nginx_pid=""
    if grep -q "Address already in use" "$work/error.log" "$work/nginx.stdout"; then
        echo "nginx/run.sh: port $candidate is taken (try $attempt); another one" >&2
        continue
    fi
    echo "nginx/run.sh: nginx failed to start:" >&2
    cat "$work/error.log" "$work/nginx.stdout" >&2
    exit 1
done
if [ -z "$port" ]; then
    echo "nginx/run.sh: no free port found for nginx" >&2
    exit 1
fi

# Should this script be killed outright (SIGKILL: no trap runs), nginx goes too within a second.
script_pid=$$
(
    # (A zombie, not yet reaped, counts as gone.)
    while kill -0 "$script_pid" 2>/dev/null &&
        ! grep -qs '^[0-9]* ([^)]*) Z' "/proc/$script_pid/stat"; do
        sleep 1
    done
    kill -TERM "$nginx_pid" 2>/dev/null
) </dev/null >/dev/null 2>&1 &
watchdog_pid=$!

echo "nginx/run.sh: nginx $("$nginx_bin" -v 2>&1 | sed 's|.*/||') on https://localhost:$port (pid $nginx_pid, $work)"

export KEYOPS_NGINX_PORT="$port"
export KEYOPS_NGINX_CA="$work/ca.pem"
export KEYOPS_NGINX_OTHER_CA="$work/other-ca.pem"
export KEYOPS_NGINX_ACCESS_LOG="$work/access.log"
export KEYOPS_NGINX_DIR="$work"
export KEYOPS_FIXTURES="$fixtures"

status=0
"$@" <&0 &
program_pid=$!
wait "$program_pid" || status=$?
program_pid=""

if ! kill -0 "$nginx_pid" 2>/dev/null; then
    echo "nginx/run.sh: nginx died while the program ran:" >&2
    cat "$work/error.log" >&2
    [ "$status" -ne 0 ] || status=1
fi
stop_nginx
exit "$status"
