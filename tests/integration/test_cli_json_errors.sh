#!/bin/bash
# test_cli_json_errors.sh - with --json, errors follow bpftool's convention:
# a failing command prints one JSON document, {"error": "..."}, on stdout
# and nothing on stderr, with the same exit status as without --json (2
# usage error, 1 runtime failure), and changes nothing.  --json may stand
# anywhere on the line, also after an option whose own value is wrong.
# A failed `apply --json` puts "error" in its one document, beside its
# "result".  Warnings stay on stderr; a command that succeeds prints no
# "error".
# timeout: 120
set -u
. "$(dirname "$0")/lib.sh"
lib_init cli_json_errors
# clsact filters, as test_cli_badinput.sh: the foreign filter below is one.
export MTUGUARD_TC_HOOK=clsact

if ! mtug_ready; then
	skip "cli_json_errors" "build/mtuguard not built"
	exit 0
fi

NS=$(ns_new a) || { fail "cli_json_errors setup" "ip netns add"; exit 1; }
veth_new "$NS" eth0 "$NS" eth1 || { fail "cli_json_errors setup" "veth"; exit 1; }
veth_new "$NS" fx0 "$NS" fx1 || { fail "cli_json_errors setup" "veth"; exit 1; }
bpffs_new || { fail "cli_json_errors setup" "bpffs mount"; exit 1; }
FRESH=$MTUG_BPFFS/fresh # a pin dir nobody attached in
# fx0 is attached by a second mtuguard with a pin dir of its own: our
# attach of it fails (its XDP hook is taken).
OTHER=$MTUG_BPFFS/other
other() { ip netns exec "$NS" "$MTUG_BIN" --pin-dir "$OTHER" "$@"; }
on_cleanup 'other detach --all'
if ! mtug "$NS" attach eth0 >/dev/null || ! mtug "$NS" mtu add 10.20.0.0/16 1400 ||
	! other attach fx0 >/dev/null; then
	fail "cli_json_errors setup" "attach or mtu add failed"
	exit 1
fi
snapshot() {
	mtug "$NS" mtu list --json 2>&1
	mtug "$NS" status --json 2>&1
}
BEFORE=$(snapshot)

# check OUT: OUT holds exactly one JSON object whose only key is "error",
# a non-empty string that does not repeat the "mtuguard: " prefix of the
# text line.  Prints why not.
check() {
	python3 - "$1" <<'EOF'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
lines = text.splitlines()
if len(lines) != 1:
    sys.exit(f"{len(lines)} lines on stdout, want 1: {text[:200]!r}")
try:
    d = json.loads(lines[0])
except ValueError as e:
    sys.exit(f"not JSON ({e}): {lines[0][:200]!r}")
if not isinstance(d, dict) or list(d) != ["error"]:
    sys.exit(f"not {{\"error\": ...}}: {lines[0][:200]!r}")
e = d["error"]
if not isinstance(e, str) or not e or e.startswith("mtuguard:"):
    sys.exit(f"bad error string: {e!r}")
EOF
}

# One row per case: expected exit status, then the words after
# `mtuguard --pin-dir DIR` (@FRESH@: a pin dir with no state).
CASES=(
	"2 --json bogus"
	"2 --json"
	"2 -j mtu"
	"2 mtu bogus --json"
	"2 --json ptb bogus"
	"2 mtu add 10.0.0.0/33 1400 --json"
	"2 --json mtu list extra"
	"2 show-config --json"
	"2 --lock-timeout x --json status"
	"2 status --json --lock-timeout"
	"2 --json stats --watch 0"
	"2 --json version extra"
	"1 --json attach nosuch0"
	"1 -j attach fx0"
	"1 --json detach eth1"
	"1 mtu del 10.99.0.0/16 --json"
	"1 --json ptb mode fib --iface eth1"
	"1 @FRESH@ --json mtu list"
	"1 @FRESH@ stats --json"
	"1 @FRESH@ --json detach --all"
)
for row in "${CASES[@]}"; do
	eval "set -- $row"
	expect=$1; shift
	pin=(--pin-dir "$MTUG_PIN_DIR")
	if [ "${1:-}" = @FRESH@ ]; then pin=(--pin-dir "$FRESH"); shift; fi
	(cd "$MTUG_TMP" && ip netns exec "$NS" "$MTUG_BIN" "${pin[@]}" "$@") \
		>"$MTUG_TMP/out" 2>"$MTUG_TMP/err"
	rc=$?
	name="json_errors: mtuguard ${row#? }"
	why=""
	if [ "$rc" != "$expect" ]; then
		why="exit $rc, want $expect"
	elif [ -s "$MTUG_TMP/err" ]; then
		why="stderr: $(head -c 200 "$MTUG_TMP/err" | tr '\n' '|')"
	elif ! why=$(check "$MTUG_TMP/out" 2>&1); then
		:
	elif [ "$(snapshot)" != "$BEFORE" ]; then
		why="state changed"
		BEFORE=$(snapshot)
	elif [ -e "$FRESH" ]; then
		why="created the fresh pin dir"
	fi
	if [ -z "$why" ]; then
		pass "$name"
		log "  $(cat "$MTUG_TMP/out")"
	else
		fail "$name" "$why"
	fi
done

# The same error as without --json, word for word.
plain=$(mtug "$NS" mtu del 10.99.0.0/16 2>&1 >/dev/null)
json=$(mtug "$NS" mtu del 10.99.0.0/16 --json 2>/dev/null |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["error"])' 2>&1)
if [ "$plain" = "mtuguard: $json" ]; then
	pass "json_errors: the text of the error is the same"
else
	fail "json_errors: the text of the error is the same" "'$plain' vs '$json'"
fi

# apply --json that fails midway: eth1 is attached, then fx0 fails and
# eth1's attach is rolled back.  One document: the change, "result"
# "rolled back" and "error" naming fx0.
printf 'iface eth0 {}\niface eth1 {}\niface fx0 {}\nprefix 10.20.0.0/16 1400\n' \
	>"$MTUG_TMP/fail.conf"
mtug "$NS" apply --json -f "$MTUG_TMP/fail.conf" >"$MTUG_TMP/out" 2>"$MTUG_TMP/err"
rc=$?
why=$(python3 - "$MTUG_TMP/out" <<'EOF' 2>&1
import json, sys
lines = open(sys.argv[1]).read().splitlines()
if len(lines) != 1:
    sys.exit(f"{len(lines)} lines on stdout, want 1")
d = json.loads(lines[0])
if d.get("result") != "rolled back":
    sys.exit(f"result {d.get('result')!r}")
if not any("eth1" in c for c in d.get("changes", [])):
    sys.exit(f"changes {d.get('changes')!r}")
if "fx0" not in d.get("error", ""):
    sys.exit(f"error {d.get('error')!r}")
EOF
)
[ -z "$why" ] && [ "$rc" != 1 ] && why="exit $rc, want 1"
[ -z "$why" ] && [ -s "$MTUG_TMP/err" ] && why="stderr: $(head -c 200 "$MTUG_TMP/err" | tr '\n' '|')"
[ -z "$why" ] && [ "$(snapshot)" != "$BEFORE" ] && why="state changed"
if [ -z "$why" ]; then
	pass "json_errors: a failed apply --json: one document with result and error"
	log "  $(cat "$MTUG_TMP/out")"
else
	fail "json_errors: a failed apply --json: one document with result and error" \
		"$why; stdout: $(head -c 300 "$MTUG_TMP/out" | tr '\n' '|')"
fi

# Success: no "error", and a warning stays on stderr (apply of a file
# without interfaces, --dry-run: settings not applied).
out=$(mtug "$NS" --json mtu list 2>/dev/null)
err=$(printf 'default-mtu 1400\n' | mtug "$NS" --json apply --dry-run --allow-empty -f - 2>&1 >/dev/null)
if [[ $out == *'"prefixes"'* ]] && [[ $out != *'"error"'* ]] &&
	[[ $err == "mtuguard: warning: "* ]]; then
	pass "json_errors: success prints no error; warnings stay on stderr"
else
	fail "json_errors: success prints no error; warnings stay on stderr" "out '$out', err '$err'"
fi
exit 0
