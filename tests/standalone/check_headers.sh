#!/usr/bin/env bash
# Every header under include/ compiles on its own, in its own translation unit: it includes
# what it uses, and nothing it needs comes from whatever happened to be included before it.
#   check_headers.sh CXX STD INCLUDE_DIR
set -euo pipefail
cxx=$1 std=$2 inc=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$inc"
find keyops -name '*.hpp' | sort > "$work/headers"
count=$(wc -l < "$work/headers")
check() {
    local h=$1 tu
    tu="$work/$(echo "$h" | tr '/.' '__').cpp"
    printf '#include <%s>\n#include <%s>\n' "$h" "$h" > "$tu" # twice: the guard works too
    if ! "$cxx" -std=c++"$std" -fsyntax-only -Wall -Wextra -Wpedantic -Werror -I"$inc" "$tu" \
            > "$tu.log" 2>&1; then
        echo "FAILED: $h"
        head -20 "$tu.log"
        return 1
    fi
}
export -f check
export work cxx std inc
if xargs -P 2 -n 1 bash -c 'check "$0"' < "$work/headers"; then
    echo "$count passed, 0 failed"
else
    echo "some of $count headers do not compile on their own"
    exit 1
fi
