#!/usr/bin/env bash
# package.deb_contents: the two Debian packages package.deb made, read and unpacked without
# installing (dpkg-deb -I, -c, -x):
#   keyops      its control fields; the static keyops and keyops-sim, the man page and the bash, zsh
#               and fish completions, each where Debian's tools look and each equal to what the
#               packaged tool prints; Depends naming the package of every library keyops-sim loads
#               and nothing else; the unpacked tools run: --version, --help, and a real call
#               (list, start, wait) against the unpacked keyops-sim on loopback
#   keyops-dev  its control fields and Depends (Boost, OpenSSL and zlib -dev packages); every
#               header of include/, the CMake package and keyops.pc in the multiarch folder
#   both        everything under /usr, no file in both
# usage: deb_contents.sh DEBS WORK SOURCE_DIR VERSION
set -uo pipefail
[[ $# == 4 ]] || { echo "usage: deb_contents.sh DEBS WORK SOURCE_DIR VERSION" >&2; exit 2; }
DEBS=$1 WORK=$2 SOURCE_DIR=$3 VERSION=$4
TEST_NAME=package.deb_contents
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

# field DEB NAME: a control field's value
field() { dpkg-deb -f "$1" "$2"; }
# dep_names DEPENDS: the package names a Depends field lists, one a line (versions and
# architectures left out, alternatives each)
dep_names() { tr ',|' '\n' <<<"$1" | sed 's/^ *//; s/[ :(].*//' | grep -v '^$'; }
# depends_has DESC DEPENDS NAME...: each NAME is one of the packages DEPENDS lists
depends_has() {
    local desc=$1 deps=$2 name missing=()
    shift 2
    for name in "$@"; do
        dep_names "$deps" | grep -qxF -- "$name" || missing+=("$name")
    done
    if ((${#missing[@]} == 0)); then
        ok "$desc"
    else
        bad "$desc" "Depends: $deps" "missing: ${missing[*]}"
    fi
}

echo "# control fields"
for deb in "$TOOLS_DEB" "$DEV_DEB"; do
    name=${deb##*/}
    name=${name%%_*}
    check "$name: Package is $name" test "$(field "$deb" Package)" = "$name"
    check "$name: Version is $VERSION" test "$(field "$deb" Version)" = "$VERSION"
    check "$name: Architecture is dpkg's, $ARCH" test "$(field "$deb" Architecture)" = "$ARCH"
    for f in Maintainer Description Section Priority; do
        check "$name: $f is set" test -n "$(field "$deb" "$f")"
    done
    # The first line of Description is the package's own summary.
    summary=$(field "$deb" Description | head -n 1)
    [[ $name == keyops ]] && tools_summary=$summary || dev_summary=$summary
done
check "keyops and keyops-dev have summaries of their own" test "$tools_summary" != "$dev_summary"
check "keyops: Section utils" test "$(field "$TOOLS_DEB" Section)" = utils
check "keyops-dev: Section libdevel" test "$(field "$DEV_DEB" Section)" = libdevel
dev_deps=$(field "$DEV_DEB" Depends)
depends_has "keyops-dev: Depends on the -dev packages of Boost, OpenSSL and zlib" "$dev_deps" \
    libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libssl-dev zlib1g-dev

echo "# unpacked (dpkg-deb -x)"
root=$WORK/unpacked
mkdir -p "$root"
check "dpkg-deb -x keyops" dpkg-deb -x "$TOOLS_DEB" "$root"
check "dpkg-deb -x keyops-dev" dpkg-deb -x "$DEV_DEB" "$root"
dpkg-deb -c "$TOOLS_DEB" | awk '{ print $NF }' | grep -v '/$' | sort >"$WORK/tools.list"
dpkg-deb -c "$DEV_DEB" | awk '{ print $NF }' | grep -v '/$' | sort >"$WORK/dev.list"
outside=$(cat "$WORK/tools.list" "$WORK/dev.list" | grep -v '^\./usr/'
    grep -h '^\./usr/local/' "$WORK/tools.list" "$WORK/dev.list")
check "every file is under /usr, none under /usr/local" test -z "$outside"
check "no file is in both packages" test -z "$(comm -12 "$WORK/tools.list" "$WORK/dev.list")"

bin=$root/usr/bin
for tool in keyops keyops-sim; do
    check "keyops holds /usr/bin/$tool, executable" test -x "$bin/$tool"
    check "/usr/bin/$tool is stripped" sh -c "! file -b '$bin/$tool' | grep -q 'not stripped'"
done
check "/usr/bin/keyops is statically linked" sh -c "file -b '$bin/keyops' | grep -q 'statically linked'"

# Depends of keyops: the package of every library the binaries load, found as dpkg knows it.
needed=$(for tool in keyops keyops-sim; do readelf -d "$bin/$tool"; done |
    sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u)
want=()
for so in $needed; do
    pkg=$(dpkg-query -S "*/$MULTIARCH/$so" 2>/dev/null | head -n 1 | sed 's/[:,].*//')
    if [[ -n $pkg ]]; then
        want+=("$pkg")
    else
        bad "dpkg knows the package of $so, which keyops-sim loads"
    fi
done
tools_deps=$(field "$TOOLS_DEB" Depends)
depends_has "keyops: Depends names the packages of what keyops-sim loads (${needed//$'\n'/ })" \
    "$tools_deps" "${want[@]}"
extra=$(dep_names "$tools_deps" | grep -vxF -f <(printf '%s\n' "${want[@]}"))
check "keyops: Depends names nothing else (no -dev, no OpenSSL: the tools are static)" test -z "$extra"

echo "# the tool, from the unpacked package"
ver=$("$bin/keyops" --version 2>&1)
check "keyops --version: keyops $VERSION" test "$(head -n 1 <<<"$ver")" = "keyops $VERSION"
"$bin/keyops" --help >"$WORK/help" 2>&1
check "keyops --help: exit 0, the usage" grep -q '^  jobs list KIND' "$WORK/help"
"$bin/keyops-sim" --help >"$WORK/sim-help" 2>&1
check "keyops-sim --help: exit 0" test -s "$WORK/sim-help"
sim_call "$bin"

echo "# the man page and the completions"
man=$root/usr/share/man/man1/keyops.1.gz
check "the man page: /usr/share/man/man1/keyops.1.gz, gzip" gzip -t "$man"
"$bin/keyops" man >"$WORK/keyops.1"
check "the man page is what keyops man prints" cmp -s <(gzip -dc "$man") "$WORK/keyops.1"
check "the man page starts with .TH KEYOPS 1" sh -c "gzip -dc '$man' | grep -q '^\.TH KEYOPS 1'"
bash_c=$root/usr/share/bash-completion/completions/keyops
zsh_c=$root/usr/share/zsh/vendor-completions/_keyops
fish_c=$root/usr/share/fish/vendor_completions.d/keyops.fish
for pair in "bash:$bash_c" "zsh:$zsh_c" "fish:$fish_c"; do
    shell=${pair%%:*} file=${pair#*:}
    check "$shell completion: ${file#"$root"}" test -s "$file"
    check "$shell completion is what keyops completion $shell prints" \
        cmp -s "$file" <("$bin/keyops" completion "$shell")
done
check "zsh completion starts with #compdef keyops" test "$(head -n 1 "$zsh_c")" = "#compdef keyops"
check "fish completion completes keyops" grep -q '^complete -c keyops ' "$fish_c"
# bash: loaded as bash-completion loads it, it completes the subcommands and kinds.
words=$(bash --norc --noprofile -c '
    source "$1" || exit 1
    complete -p keyops | grep -q -- "-F _keyops" || exit 1
    COMP_WORDS=(keyops jobs ""); COMP_CWORD=2; _keyops; echo "${COMPREPLY[*]}"
    COMP_WORDS=(keyops jobs list o); COMP_CWORD=3; _keyops; echo "${COMPREPLY[*]}"' bash "$bash_c")
check "bash completion: keyops jobs <TAB> offers list and wait" \
    grep -qE '(^| )list( .*)? wait( |$)' <<<"$(head -n 1 <<<"$words")"
check "bash completion: keyops jobs list o<TAB> offers oci" grep -qw oci <<<"$(sed -n 2p <<<"$words")"

echo "# the headers, the CMake package, keyops.pc"
(cd "$SOURCE_DIR/include" && find keyops -name '*.hpp' | sort) >"$WORK/headers.src"
(cd "$root/usr/include" 2>/dev/null && find keyops -name '*.hpp' | sort) >"$WORK/headers.deb"
check "keyops-dev holds every header of include/ under /usr/include, and no other" \
    cmp -s "$WORK/headers.src" "$WORK/headers.deb"
check "the headers are include/'s" diff -r "$SOURCE_DIR/include/keyops" "$root/usr/include/keyops"
lib=$root/usr/lib/$MULTIARCH
for f in cmake/keyops/keyopsConfig.cmake cmake/keyops/keyopsConfigVersion.cmake \
    cmake/keyops/keyopsTargets.cmake pkgconfig/keyops.pc; do
    check "keyops-dev holds /usr/lib/$MULTIARCH/$f" test -s "$lib/$f"
done
check "keyops.pc: Version $VERSION" grep -qx "Version: $VERSION" "$lib/pkgconfig/keyops.pc"
check "keyopsConfigVersion.cmake: version $VERSION" \
    grep -q "set(PACKAGE_VERSION \"$VERSION\")" "$lib/cmake/keyops/keyopsConfigVersion.cmake"
