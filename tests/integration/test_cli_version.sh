#!/bin/bash
# test_cli_version.sh - `mtuguard --version` and `mtuguard version`:
#
#   - both print "mtuguard VERSION" (--json: {"version":"VERSION"}), exit
#     0, need no pin directory, and --version wins anywhere on the line;
#     `version` with an argument is a usage error (exit 2, one line);
#   - VERSION is what the build embedded ($BUILD/version.h), and the
#     Makefile writes that header from tools/version.sh, rewriting it only
#     when it changes;
#   - tools/version.sh in a scratch git repository: VERSION+git.HASH before
#     any release tag, the tag on it, TAG+N.gHASH after it, +dirty with
#     uncommitted changes, the VERSION file outside git and in a copy
#     inside another checkout; always a valid Debian version.
# timeout: 60
set -u
. "$(dirname "$0")/lib.sh"
lib_init cli_version

if ! mtug_ready; then
	skip "cli_version" "build/mtuguard not built"
	exit 0
fi
D=$MTUG_TMP
embedded=$(sed -n 's/^#define MG_VERSION "\(.*\)"$/\1/p' "$BUILD/version.h" 2>/dev/null)

# ---- the binary -------------------------------------------------------------
bad=""
for args in "--version" "version" "status --version" "--version mtu add x" "-v --version"; do
	# shellcheck disable=SC2086 # $args is a command line
	out=$(MTUGUARD_PIN_DIR=relative "$MTUG_BIN" $args 2>&1)
	rc=$?
	[ "$rc" = 0 ] && [ "$out" = "mtuguard $embedded" ] || bad="$bad [$args: rc $rc, '$out']"
done
out=$("$MTUG_BIN" --json version 2>&1)
[ "$out" = "{\"version\":\"$embedded\"}" ] || bad="$bad [--json version: '$out']"
python3 -c 'import json, sys; json.loads(sys.argv[1])' "$out" 2>/dev/null || bad="$bad [not JSON]"
err=$("$MTUG_BIN" version extra 2>&1 >/dev/null)
rc=$?
{ [ "$rc" = 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ]; } || bad="$bad [version extra: rc $rc, '$err']"
if [ -n "$embedded" ] && [ -z "$bad" ]; then
	pass "cli_version: --version and version print 'mtuguard $embedded'"
else
	fail "cli_version: --version and version print the version" "embedded '$embedded';$bad"
fi

# ---- the Makefile's header ------------------------------------------------------------
hb=$D/hdr
make -C "$MTUG_ROOT" --no-print-directory -s BUILD="$hb" "$hb/version.h" >"$D/make.log" 2>&1
want=$("$MTUG_ROOT/tools/version.sh")
got=$(sed -n 's/^#define MG_VERSION "\(.*\)"$/\1/p' "$hb/version.h" 2>/dev/null)
touch -d '2000-01-01' "$hb/version.h"
m1=$(stat -c %Y "$hb/version.h")
make -C "$MTUG_ROOT" --no-print-directory -s BUILD="$hb" "$hb/version.h" >>"$D/make.log" 2>&1
m2=$(stat -c %Y "$hb/version.h")
if [ -n "$want" ] && [ "$got" = "$want" ] && [ "$m1" = "$m2" ]; then
	pass "cli_version: make writes tools/version.sh's version ($want), and only when it changes"
else
	fail "cli_version: make writes tools/version.sh's version" \
		"version.sh '$want', header '$got', mtime $m1 -> $m2; $(tail -n 2 "$D/make.log" | tr '\n' ' ')"
fi

# ---- tools/version.sh -------------------------------------------------------------------
R=$D/repo
mkdir -p "$R/tools"
cp "$MTUG_ROOT/tools/version.sh" "$R/tools/"
echo 2.5.0 >"$R/VERSION"
g() { git -C "$R" -c user.name=t -c user.email=t@t -c commit.gpgsign=false "$@" >/dev/null 2>&1; }
v() { "$R/tools/version.sh" 2>&1; }
bad=""
expect() { # WHAT GOT WANT-REGEX
	[[ $2 =~ ^$3$ ]] || bad="$bad [$1: '$2' !~ $3]"
	dpkg --compare-versions "$2" gt 0 2>/dev/null || bad="$bad [$1: '$2' not a Debian version]"
}
expect "no git" "$(v)" '2\.5\.0'
g init -q && g add -A && g commit -q -m one
h=$(git -C "$R" rev-parse --short HEAD)
expect "no tag" "$(v)" "2\.5\.0\+git\.$h"
echo x >>"$R/VERSION.extra" && g add VERSION.extra
expect "dirty" "$(v)" "2\.5\.0\+git\.$h\+dirty"
g commit -q -m two && g tag v2.5.0
expect "on the tag" "$(v)" '2\.5\.0'
echo y >>"$R/VERSION.extra" && g commit -q -a -m three
h=$(git -C "$R" rev-parse --short HEAD)
expect "after the tag" "$(v)" "2\.5\.0\+1\.g$h"
g tag -a -m 'odd' 'v2.6.0"rc'
expect "a tag with a quote" "$(v)" '2\.6\.0\.rc'
mkdir -p "$R/build/copy/tools"
cp "$R/tools/version.sh" "$R/build/copy/tools/"
echo 9.9.9 >"$R/build/copy/VERSION"
expect "a copy inside a checkout" "$("$R/build/copy/tools/version.sh")" '9\.9\.9'
if [ -z "$bad" ]; then
	pass "cli_version: tools/version.sh: VERSION, git describe, dirty, copies"
else
	fail "cli_version: tools/version.sh" "$bad"
fi
[ "$(fail_count)" -eq 0 ]
