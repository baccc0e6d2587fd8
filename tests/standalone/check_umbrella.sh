#!/usr/bin/env bash
# What the two umbrella headers pull in, from the preprocessor's list of included files (-M).
#   check_umbrella.sh all CXX STD INCLUDE_DIR
#       <keyops/keyops.hpp> reaches every header under include/keyops but three, each included
#       on purpose on its own: src.hpp, which compiles Boost.JSON and Boost.URL (and keyops' part
#       with KEYOPS_SEPARATE_COMPILATION) in one file; any_client.hpp, the concrete client,
#       whose header-only form compiles every operation wherever it is included; and
#       parse/detail/reference.hpp, the parse through boost::json::basic_parser that the tests
#       and the parse benchmark compare keyops' scanner against.
#   check_umbrella.sh core CXX STD INCLUDE_DIR
#       <keyops/core.hpp>, preprocessed as with -fno-exceptions, includes no OpenSSL header and
#       nothing of Asio or Beast beyond what Beast's HTTP message types,
#       <boost/asio/error.hpp> and <boost/asio/cancellation_type.hpp> (the enum of the
#       cancellation types the machines take) bring: no socket, timer, executor or TLS stream. It reaches no
#       header of the transports, the client or the driven waits either.
set -euo pipefail
mode=$1 cxx=$2 std=$3 inc=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The files a translation unit made of the given lines includes, one a line.
deps() {
    printf '%s\n' "$@" > "$work/tu.cpp"
    "$cxx" -std=c++"$std" -fno-exceptions -I"$inc" -M "$work/tu.cpp" | tr ' \\' '\n\n' |
        grep -v -e '^$' -e ':$' | sort -u
}
case "$mode" in
all)
    (cd "$inc" && find keyops -name '*.hpp' ! -path keyops/src.hpp ! -path keyops/any_client.hpp \
        ! -path keyops/parse/detail/reference.hpp | sort) > "$work/headers"
    deps '#include <keyops/keyops.hpp>' | sed -n "s|^$inc/||p" > "$work/reached"
    missing=$(comm -23 "$work/headers" "$work/reached")
    if [ -n "$missing" ]; then
        echo "not reachable from <keyops/keyops.hpp>:"
        echo "$missing"
        exit 1
    fi
    echo "<keyops/keyops.hpp> reaches all $(wc -l < "$work/headers") headers"
    ;;
core)
    deps '#include <keyops/core.hpp>' > "$work/core"
    deps '#include <boost/beast/http/message.hpp>' '#include <boost/beast/http/string_body.hpp>' \
        '#include <boost/asio/error.hpp>' '#include <boost/asio/cancellation_type.hpp>' |
        grep -E '/boost/(asio|beast)/' > "$work/allowed"
    bad=$(grep -E '/openssl/' "$work/core" || true)
    extra=$(grep -E '/boost/(asio|beast)/' "$work/core" | comm -23 - "$work/allowed")
    io=$(sed -n "s|^$inc/||p" "$work/core" |
        grep -E '^keyops/(transport|client)/|^keyops/wait/(wait\.hpp|detail/drivers\.hpp)$' ||
            true)
    if [ -n "$bad$extra$io" ]; then
        echo "<keyops/core.hpp> includes what it must not:"
        printf '%s\n' $bad $extra $io
        exit 1
    fi
    if ! grep -q "^$inc/keyops/request/build.hpp$" "$work/core" ||
        ! grep -q "^$inc/keyops/parse/parse.hpp$" "$work/core"; then
        echo "<keyops/core.hpp> lacks the builder or the parsers"
        exit 1
    fi
    echo "<keyops/core.hpp>: $(grep -c "^$inc/keyops/" "$work/core") keyops headers, no OpenSSL," \
        "$(wc -l < "$work/allowed") Asio/Beast headers allowed, $(grep -cE '/boost/(asio|beast)/' "$work/core") used"
    ;;
*)
    echo "check_umbrella.sh: unknown mode $mode" >&2
    exit 2
    ;;
esac
