#!/usr/bin/env bash
# What a translation unit that uses keyops::any_client with KEYOPS_SEPARATE_COMPILATION includes,
# from the preprocessor's list of included files (-M): no Beast and no OpenSSL header, and none of
# keyops' transports, client machinery or parsers' handlers (they are compiled in keyops::compiled).
#   check_separate.sh CXX STD INCLUDE_DIR
set -euo pipefail
cxx=$1 std=$2 inc=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '#include <keyops/any_client.hpp>\n' > "$work/tu.cpp"
"$cxx" -std=c++"$std" -DKEYOPS_SEPARATE_COMPILATION -I"$inc" -M "$work/tu.cpp" | tr ' \\' '\n\n' |
    grep -v -e '^$' -e ':$' | sort -u > "$work/deps"
bad=$(grep -E '/boost/beast/|/openssl/' "$work/deps" || true)
own=$(sed -n "s|^$inc/||p" "$work/deps" |
    grep -E '^keyops/(transport/beast_transport|transport/exchange|transport/connect|client/client|impl/)' ||
    true)
if [ -n "$bad$own" ]; then
    echo "<keyops/any_client.hpp> with KEYOPS_SEPARATE_COMPILATION includes:"
    printf '%s\n' $bad $own
    exit 1
fi
echo "<keyops/any_client.hpp> with KEYOPS_SEPARATE_COMPILATION: $(wc -l < "$work/deps") files, no Beast, no OpenSSL, no transport"
