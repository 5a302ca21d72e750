#!/bin/bash
# test_ops_apply.sh - `mtuguard apply -f FILE` and `show-config` in a
# network namespace (veth pairs a0-b0, a1-b1, and lo, whose driver has no
# native XDP, for a runtime failure):
#
#   - a first apply attaches and sets everything the file says, one line
#     per change; the same file again prints exactly "no change";
#   - show-config | apply -f - is a no-op, also for state made by hand with
#     the imperative commands, and show-config is stable;
#   - bad files of many kinds (syntax, ranges, duplicates, unknown
#     interface, ...) exit 2 (1 for an unknown interface or an unreadable
#     file) with one stderr line naming FILE:LINE, and leave
#     `status --json` and `mtu list --json` unchanged;
#   - a runtime failure midway (native XDP on lo) rolls back what the apply
#     had done, and says so;
#   - --dry-run changes nothing; in-place changes (XDP mode, egress,
#     features, MTUs, prefixes); an apply that detaches an interface; a
#     file with no interface (empty, or truncated before its interfaces)
#     is refused while one is attached, and detaches everything with
#     --allow-empty;
#   - the shipped example config is valid.
# timeout: 120
set -u
. "$(dirname "$0")/lib.sh"
lib_init ops_apply

if ! mtug_ready; then
	skip "ops_apply" "build/mtuguard not built"
	exit 0
fi

NS=$(ns_new a) || { fail "ops_apply setup" "ip netns add"; exit 1; }
{ veth_new "$NS" a0 "$NS" b0 && veth_new "$NS" a1 "$NS" b1; } ||
	{ fail "ops_apply setup" "veth"; exit 1; }
bpffs_new || { fail "ops_apply setup" "bpffs mount"; exit 1; }
D=$MTUG_TMP

snapshot() {
	mtug "$NS" mtu list --json 2>&1
	mtug "$NS" status --json 2>&1
}

# run_apply FILE [args]: apply, output in $D/out, $D/err, status in RC.
run_apply() {
	local f=$1; shift
	mtug "$NS" apply -f "$f" "$@" >"$D/out" 2>"$D/err"
	RC=$?
}

# json_check PYTHON-EXPR: evaluate with s = status --json, m = mtu list --json.
json_check() {
	local s m
	s=$(mtug "$NS" status --json 2>/dev/null)
	m=$(mtug "$NS" mtu list --json 2>/dev/null || echo '{"prefixes": []}')
	/usr/bin/python3 - "$s" "$m" "$1" <<'PY'
import json, sys
s = json.loads(sys.argv[1]); m = json.loads(sys.argv[2])
ifs = {i["name"]: i for i in s.get("interfaces", [])}
pfx = {p["prefix"]: p["mtu"] for p in m["prefixes"]}
ok = eval("(" + sys.argv[3] + ")")
if not ok:
    print("# state:", json.dumps(s), json.dumps(m))
sys.exit(0 if ok else 1)
PY
}

ifindex() { ip -n "$NS" -o link show "$1" | cut -d: -f1; }
has_xdp() { ip -n "$NS" -d link show "$1" | grep -q 'prog/xdp'; }

# ---- first apply, then the same file again -------------------------------------

cat >"$D/f1.conf" <<'EOF'
# mtuguard test config
default-mtu 1450
mtu-source map
ptb rate 250
ptb min-mtu 600 1300
ptb invalid drop

iface a0 {
	mode native
	ptb-mode fib
	mtu 1420
}
iface a1 { mode generic; egress off; mss on; ptb off }   # compact form

prefix 10.20.0.0/16 1400
prefix 192.0.2.7 1300
prefix fd00:20::/48 1380
EOF

run_apply "$D/f1.conf"
if [ "$RC" = 0 ] && grep -qx 'attach a0 (xdp native, tc ingress+egress)' "$D/out" &&
	grep -qx 'attach a1 (xdp generic, no tc)' "$D/out" &&
	grep -qx 'add prefix 192.0.2.7/32 mtu 1300' "$D/out" &&
	grep -qx 'set ptb rate 1000 -> 250' "$D/out" &&
	json_check 's["default_mtu"] == 1450 and s["ptb"]["rate_pps"] == 250 and
		s["ptb"]["min_mtu_v4"] == 600 and s["ptb"]["min_mtu_v6"] == 1300 and
		s["ptb"]["invalid"] == "drop" and
		ifs["a0"]["xdp_mode"] == "native" and ifs["a0"]["ptb_mode"] == "fib" and
		ifs["a0"]["mtu"] == 1420 and ifs["a0"]["tc_egress"] and
		ifs["a1"]["xdp_mode"] == "generic" and not ifs["a1"]["tc_egress"] and
		ifs["a1"]["mss"] and not ifs["a1"]["ptb"] and len(ifs) == 2 and
		pfx == {"10.20.0.0/16": 1400, "192.0.2.7/32": 1300, "fd00:20::/48": 1380}' &&
	has_xdp a0 && has_xdp a1; then
	pass "ops_apply: first apply attaches and sets what the file says"
else
	fail "ops_apply: first apply attaches and sets what the file says" \
		"rc $RC; out: $(tr '\n' '|' <"$D/out"); err: $(tr '\n' '|' <"$D/err")"
fi
log "first apply: $(wc -l <"$D/out") changes"

BEFORE=$(snapshot)
run_apply "$D/f1.conf"
if [ "$RC" = 0 ] && [ "$(cat "$D/out")" = "no change" ] && [ ! -s "$D/err" ] &&
	[ "$(snapshot)" = "$BEFORE" ]; then
	pass "ops_apply: applying the same file again reports no change"
else
	fail "ops_apply: applying the same file again reports no change" \
		"rc $RC; out: $(tr '\n' '|' <"$D/out")"
fi

# ---- show-config round trips ---------------------------------------------------------

mtug "$NS" show-config >"$D/show1.conf" 2>"$D/err"
mtug "$NS" show-config | mtug "$NS" apply -f - >"$D/out" 2>>"$D/err"
RC=$?
mtug "$NS" show-config >"$D/show2.conf"
if [ "$RC" = 0 ] && [ "$(cat "$D/out")" = "no change" ] && [ ! -s "$D/err" ] &&
	cmp -s "$D/show1.conf" "$D/show2.conf" && [ "$(snapshot)" = "$BEFORE" ] &&
	grep -qx 'iface a1 {' "$D/show1.conf" && grep -qx 'ptb rate 250' "$D/show1.conf"; then
	pass "ops_apply: show-config | apply -f - is a no-op"
else
	fail "ops_apply: show-config | apply -f - is a no-op" \
		"rc $RC; out: $(tr '\n' '|' <"$D/out"); err: $(tr '\n' '|' <"$D/err")"
fi

# State made by hand with the imperative commands round-trips as well.
# mtu source pmtu needs the kernel's fib_route_mtu (5.11): without it the
# source stays map and there is one difference less to undo.
PMTU=$(mtug "$NS" status --json | python3 -c '
import json, sys
print(int(json.load(sys.stdin)["kernel"]["facilities"]["fib_route_mtu"]["available"]))')
if [ "$PMTU" = 1 ]; then SRC=pmtu NUNDO=8; else SRC=map NUNDO=7; fi
mtug "$NS" mtu add 10.99.0.0/16 1280 && mtug "$NS" mtu source $SRC &&
	mtug "$NS" ptb forward on && mtug "$NS" ptb errors all &&
	mtug "$NS" ptb mode broadcast --iface a1 && mtug "$NS" disable mss --iface a0 &&
	mtug "$NS" mtu iface a1 1300 && mtug "$NS" mtu default none
HAND=$(snapshot)
mtug "$NS" show-config >"$D/hand.conf"
run_apply "$D/hand.conf"
if [ "$RC" = 0 ] && [ "$(cat "$D/out")" = "no change" ] && [ "$(snapshot)" = "$HAND" ] &&
	grep -qx "mtu-source $SRC" "$D/hand.conf" && grep -qx 'default-mtu none' "$D/hand.conf" &&
	grep -qx 'prefix 10.99.0.0/16 1280' "$D/hand.conf"; then
	pass "ops_apply: show-config of hand-made state applies as no change"
else
	fail "ops_apply: show-config of hand-made state applies as no change" \
		"rc $RC; out: $(tr '\n' '|' <"$D/out")"
fi

# Back to f1: exactly the hand-made differences are undone.
run_apply "$D/f1.conf"
if [ "$RC" = 0 ] && [ "$(snapshot)" = "$BEFORE" ] &&
	grep -qx 'del prefix 10.99.0.0/16' "$D/out" &&
	grep -qx 'set a0 mss off -> on' "$D/out" &&
	grep -qx 'set a1 ptb-mode broadcast -> off' "$D/out" &&
	{ [ "$SRC" = map ] || grep -qx 'set mtu-source pmtu -> map' "$D/out"; } &&
	[ "$(wc -l <"$D/out")" = "$NUNDO" ]; then
	pass "ops_apply: re-applying the file undoes hand-made changes, one line each"
else
	fail "ops_apply: re-applying the file undoes hand-made changes, one line each" \
		"rc $RC; out: $(tr '\n' '|' <"$D/out")"
fi

# ---- bad files change nothing ---------------------------------------------------------

# Every bad file starts with changes that a partial apply would make
# visible (a new prefix, a detach of a1, other settings), then its error.
GOOD_HEAD='default-mtu 1300
prefix 10.50.0.0/16 1400
iface a0 { mode generic }'

# bad NAME EXIT LINE 'body' - the body follows GOOD_HEAD (3 lines), so an
# error on the body's first line is at line 4.
BAD=()
bad() { BAD+=("$1|$2|$3|$4"); }
bad syntax         2 4 'bogus 1'
bad missing-value  2 4 'default-mtu'
bad extra-word     2 4 'mtu-source map extra'
bad v4-mtu-range   2 5 '
prefix 10.60.0.0/16 67'
bad v6-mtu-range   2 4 'prefix fd00:60::/48 1279'
bad mtu-too-big    2 4 'ptb min-mtu 552 65536'
bad rate-zero      2 4 'ptb rate 0'
bad not-a-number   2 4 'ptb rate 10pps'
bad bad-word       2 4 'ptb forward maybe'
bad ptb-sub        2 4 'ptb turbo on'
bad host-bits      2 4 'prefix 10.60.0.1/16 1400'
bad bad-prefix     2 4 'prefix 10.60.0.0/33 1400'
bad dup-setting    2 4 'default-mtu 1400'
bad dup-prefix     2 4 'prefix 10.50.0.0/16 1300'
bad dup-iface      2 4 'iface a0 { }'
bad dup-key        2 6 'iface a1 {
mode native
mode generic
}'
bad iface-key      2 5 'iface a1 {
speed 10g
}'
bad iface-value    2 4 'iface a1 { mss maybe }'
bad iface-mtu      2 4 'iface a1 { mtu 12 }'
bad ptb-mode       2 4 'iface a1 { ptb-mode turbo }'
bad unclosed       2 4 'iface a1 {
mss on'
bad stray-brace    2 4 '}'
bad nested         2 5 'iface a1 {
iface b1 {
}'
bad no-brace       2 4 'iface a1'
bad ifname         2 4 'iface a/1 { }'
bad ifname-long    2 4 'iface abcdefghijklmnop { }'
bad control-char   2 4 "prefix 10.60.0.0/16 14$(printf '\001')00"
bad unknown-iface  1 4 'iface nosuch0 { }'

BEFORE=$(snapshot)
for row in "${BAD[@]}"; do
	IFS='|' read -r name want line body <<<"$row"
	body=${row#*|*|*|}
	f="$D/bad-$name.conf"
	printf '%s\n%s\n' "$GOOD_HEAD" "$body" >"$f"
	run_apply "$f"
	nerr=$(wc -l <"$D/err")
	why=""
	if [ "$RC" != "$want" ]; then
		why="exit $RC, want $want"
	elif [ "$nerr" != 1 ]; then
		why="$nerr lines on stderr, want 1"
	elif ! grep -q "^mtuguard: $f:$line: " "$D/err"; then
		why="stderr does not name $f:$line"
	elif [ -s "$D/out" ]; then
		why="output on stdout"
	elif [ "$(snapshot)" != "$BEFORE" ]; then
		why="state changed"
		BEFORE=$(snapshot)
	fi
	if [ -n "$why" ]; then
		fail "ops_apply: bad file ($name) changes nothing" \
			"$why; stderr: $(head -c 300 "$D/err" | tr '\n' '|')"
	else
		pass "ops_apply: bad file ($name) changes nothing"
		log "  $(cat "$D/err")"
	fi
done

# NUL bytes, an unreadable file, a missing -f.
printf 'default-mtu 1300\nprefix 10.60.0.0/16\0 1400\n' >"$D/bad-nul.conf"
run_apply "$D/bad-nul.conf"
r1="$RC $(wc -l <"$D/err") $(grep -c "bad-nul.conf:2: " "$D/err")"
run_apply "$D/nonexistent.conf"
r2="$RC $(wc -l <"$D/err")"
mtug "$NS" apply >/dev/null 2>"$D/err"
r3="$? $(wc -l <"$D/err")"
if [ "$r1" = "2 1 1" ] && [ "$r2" = "1 1" ] && [ "$r3" = "2 1" ] &&
	[ "$(snapshot)" = "$BEFORE" ]; then
	pass "ops_apply: NUL byte, unreadable file, missing -f change nothing"
else
	fail "ops_apply: NUL byte, unreadable file, missing -f change nothing" \
		"nul: $r1, unreadable: $r2, no -f: $r3"
fi

# ---- runtime failure midway: rollback -------------------------------------------------

# b0 gets attached first (file order), then lo fails in native mode: the
# apply must detach b0 again and leave everything as it was.
cat >"$D/rollback.conf" <<'EOF'
default-mtu 1450
ptb rate 250
ptb min-mtu 600 1300
ptb invalid drop
iface a0 { mode native; ptb-mode fib; mtu 1420 }
iface a1 { mode generic; egress off; ptb off }
iface b0 { }
iface lo { mode native }
prefix 10.20.0.0/16 1400
prefix 192.0.2.7 1300
EOF
run_apply "$D/rollback.conf"
if [ "$RC" = 1 ] && grep -q 'rolled back' "$D/err" && grep -qx 'attach b0 (xdp native, tc egress)' "$D/out" &&
	[ "$(snapshot)" = "$BEFORE" ] && ! has_xdp b0 && ! has_xdp lo &&
	! nsx "$NS" tc qdisc show dev b0 | grep -q clsact; then
	pass "ops_apply: a failure midway rolls back (attach of b0 undone)"
else
	fail "ops_apply: a failure midway rolls back (attach of b0 undone)" \
		"rc $RC; out: $(tr '\n' '|' <"$D/out"); err: $(tr '\n' '|' <"$D/err")"
fi
log "rollback: $(tr '\n' '|' <"$D/err")"

# --json: one JSON document on stdout, the text's change lines in
# "changes" and how it ended in "result"; for the dry run and for the
# same failure midway.
run_apply "$D/rollback.conf" --dry-run
grep -v '^dry run: ' "$D/out" >"$D/dry.txt"
run_apply "$D/rollback.conf" --dry-run --json
rc_dry=$RC
cp "$D/out" "$D/dry.json"
run_apply "$D/rollback.conf" --json
why=$(python3 - "$D/dry.txt" "$D/dry.json" "$D/out" <<'PY' 2>&1
import json, sys
text = open(sys.argv[1]).read().splitlines()
try:
    dry, real = json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
except ValueError as e:
    sys.exit("not JSON: %s" % e)
if dry != {"dry_run": True, "changes": text, "result": "dry run"}:
    print("dry run: %r, text %r" % (dry, text))
if real.get("result") != "rolled back" or real.get("dry_run") is not False or \
        real.get("changes") != text[:len(real.get("changes", []))]:
    print("failed apply: %r" % real)
PY
)
[ "$rc_dry/$RC" = 0/1 ] || why="${why:+$why, }exit $rc_dry/$RC, want 0/1"
[ "$(snapshot)" = "$BEFORE" ] || why="${why:+$why, }state changed"
if [ -z "$why" ]; then
	pass "ops_apply: --json prints one document with the changes and the result"
else
	fail "ops_apply: --json prints one document with the changes and the result" "$why"
fi

# A mode change that fails restores the old mode, and undoes the earlier
# attach.
mtug "$NS" attach lo --mode generic >/dev/null
mtug "$NS" show-config >"$D/with-lo.conf"
BEFORE=$(snapshot)
sed 's/^iface lo {$/iface b0 { }\n&/' "$D/with-lo.conf" |
	sed '/^iface lo {$/,/^}$/s/mode generic/mode native/' >"$D/lo-native.conf"
run_apply "$D/lo-native.conf"
if [ "$RC" = 1 ] && grep -qx 'set lo mode generic -> native' "$D/out" &&
	grep -q 'rolled back' "$D/err" && [ "$(snapshot)" = "$BEFORE" ] &&
	has_xdp lo && ! has_xdp b0; then
	pass "ops_apply: a failed XDP mode change rolls back"
else
	fail "ops_apply: a failed XDP mode change rolls back" \
		"rc $RC; out: $(tr '\n' '|' <"$D/out"); err: $(tr '\n' '|' <"$D/err")"
fi
mtug "$NS" detach lo >/dev/null

# ---- dry run, in-place changes, detaching -------------------------------------------

cat >"$D/f3.conf" <<'EOF'
default-mtu none
ptb forward on
iface a0 {
	mode generic
	egress off
	ptb-mode broadcast
	mtu none
}
iface a1 { mode native; egress on; ptb on }
prefix 10.20.0.0/16 1380
prefix fd00:30::/48 1400
EOF
BEFORE=$(snapshot)
run_apply "$D/f3.conf" --dry-run
if [ "$RC" = 0 ] && [ "$(snapshot)" = "$BEFORE" ] && grep -q '^dry run: ' "$D/out" &&
	grep -qx 'set a0 mode native -> generic' "$D/out"; then
	pass "ops_apply: --dry-run prints the changes and makes none"
else
	fail "ops_apply: --dry-run prints the changes and makes none" \
		"rc $RC; out: $(tr '\n' '|' <"$D/out")"
fi
grep -v '^dry run: ' "$D/out" >"$D/dry.out"

run_apply "$D/f3.conf"
if [ "$RC" = 0 ] && cmp -s "$D/out" "$D/dry.out" &&
	json_check 's["default_mtu"] is None and s["ptb"]["forward"] and
		s["ptb"]["rate_pps"] == 1000 and
		ifs["a0"]["xdp_mode"] == "generic" and not ifs["a0"]["tc_egress"] and
		ifs["a0"]["ptb_mode"] == "broadcast" and ifs["a0"]["mtu"] is None and
		ifs["a0"]["xdp_attached"] and ifs["a1"]["xdp_mode"] == "native" and
		ifs["a1"]["tc_egress"] and ifs["a1"]["ptb"] and ifs["a1"]["xdp_attached"] and
		pfx == {"10.20.0.0/16": 1380, "fd00:30::/48": 1400}' &&
	grep -qx 'set prefix 10.20.0.0/16 mtu 1400 -> 1380' "$D/out" &&
	grep -qx 'del prefix 192.0.2.7/32' "$D/out" &&
	grep -qx 'add prefix fd00:30::/48 mtu 1400' "$D/out"; then
	pass "ops_apply: in-place changes (mode, egress, features, MTUs, prefixes) as dry-run said"
else
	fail "ops_apply: in-place changes (mode, egress, features, MTUs, prefixes) as dry-run said" \
		"rc $RC; out: $(tr '\n' '|' <"$D/out"); err: $(tr '\n' '|' <"$D/err")"
fi
run_apply "$D/f3.conf"
if [ "$RC" = 0 ] && [ "$(cat "$D/out")" = "no change" ]; then
	pass "ops_apply: in-place changes applied twice: no change"
else
	fail "ops_apply: in-place changes applied twice: no change" "out: $(tr '\n' '|' <"$D/out")"
fi

# Drop a1 from the file: it is detached, a0 stays untouched.
grep -v '^iface a1' "$D/f3.conf" >"$D/f4.conf"
A0=$(json_check 'print(ifs["a0"]) or True')
run_apply "$D/f4.conf"
if [ "$RC" = 0 ] && [ "$(cat "$D/out")" = "detach a1" ] && ! has_xdp a1 &&
	! nsx "$NS" tc qdisc show dev a1 | grep -q clsact && has_xdp a0 &&
	json_check 'list(ifs) == ["a0"]' && [ "$(json_check 'print(ifs["a0"]) or True')" = "$A0" ]; then
	pass "ops_apply: an interface left out of the file is detached"
else
	fail "ops_apply: an interface left out of the file is detached" \
		"rc $RC; out: $(tr '\n' '|' <"$D/out"); err: $(tr '\n' '|' <"$D/err")"
fi

# A file with no interface (empty, or truncated before its iface blocks)
# would detach everything: refused while an interface is attached, unless
# --allow-empty; then everything is detached (and the state goes).
printf '# nothing\n' >"$D/empty.conf"
printf 'default-mtu 1400\nprefix 10.20.0.0/16 1380\n' >"$D/truncated.conf"
before=$(snapshot)
why=""
for f in empty truncated; do
	run_apply "$D/$f.conf"
	[ "$RC" = 2 ] && [ ! -s "$D/out" ] && [ "$(wc -l <"$D/err")" = 1 ] &&
		grep -q -- '--allow-empty' "$D/err" ||
		why="$why [$f: rc $RC; out: $(tr '\n' '|' <"$D/out"); err: $(tr '\n' '|' <"$D/err")]"
done
[ "$(snapshot)" = "$before" ] && has_xdp a0 || why="$why [state changed]"
if [ -z "$why" ]; then
	pass "ops_apply: a file with no interface is refused while one is attached"
else
	fail "ops_apply: a file with no interface is refused while one is attached" "$why"
fi
run_apply "$D/empty.conf" --allow-empty
if [ "$RC" = 0 ] && [ "$(cat "$D/out")" = "detach a0" ] && ! has_xdp a0 &&
	[ ! -e "$MTUG_PIN_DIR" ] && mtug "$NS" status | grep -q 'not attached'; then
	pass "ops_apply: a file with no interface and --allow-empty detaches everything"
else
	fail "ops_apply: a file with no interface and --allow-empty detaches everything" \
		"rc $RC; out: $(tr '\n' '|' <"$D/out"); err: $(tr '\n' '|' <"$D/err")"
fi
run_apply "$D/empty.conf"
r1="$RC $(cat "$D/out")"
mtug "$NS" show-config | mtug "$NS" apply -f - >"$D/out" 2>&1
r2="$? $(cat "$D/out")"
if [ "$r1" = "0 no change" ] && [ "$r2" = "0 no change" ] && [ ! -e "$MTUG_PIN_DIR" ]; then
	pass "ops_apply: not attached: empty file and show-config | apply are no-ops"
else
	fail "ops_apply: not attached: empty file and show-config | apply are no-ops" \
		"empty: $r1; show-config: $r2"
fi

# ---- the shipped example ---------------------------------------------------------------

# It names eth0 and eth1: give the namespace those.
veth_new "$NS" eth0 "$NS" eth1 2>/dev/null
run_apply "$MTUG_ROOT/tools/mtuguard.conf.example" --dry-run
if [ "$RC" = 0 ] && grep -qx 'attach eth0 (xdp native, tc ingress+egress)' "$D/out" &&
	[ ! -e "$MTUG_PIN_DIR" ]; then
	pass "ops_apply: tools/mtuguard.conf.example is a valid config"
else
	fail "ops_apply: tools/mtuguard.conf.example is a valid config" \
		"rc $RC; err: $(tr '\n' '|' <"$D/err")"
fi

mtug "$NS" detach --all >/dev/null 2>&1
[ "$(fail_count)" -eq 0 ]
