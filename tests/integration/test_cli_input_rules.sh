#!/bin/bash
# test_cli_input_rules.sh - input the CLI refuses, and kernel refusals it
# explains:
#
#   - IPv4-mapped and IPv4-compatible IPv6 prefixes (mtu add, mtu del, a
#     config file) are refused with one line naming the IPv4 prefix meant,
#     exit 2, nothing changed; ::1/128 and 64:ff9b::/96 are ordinary;
#   - a native XDP attach refused by veth for its MTU (a peer at MTU 9000)
#     says the interface's MTU, the limit and --mode generic, which then
#     works;
#   - stats --textfile writes through a temporary file nobody can guess:
#     a file in the way of the old name (PATH.<pid>.tmp) does not stop it,
#     nothing is left behind, the result is mode 0644.
set -u
. "$(dirname "$0")/lib.sh"
lib_init cli_input_rules

if ! mtug_ready; then
	skip "cli_input_rules" "build/mtuguard not built"
	exit 0
fi
NS=$(ns_new a) || { fail "input_rules setup" "ip netns add"; exit 1; }
{ veth_new "$NS" a0 "$NS" b0 && veth_new "$NS" j0 "$NS" k0; } ||
	{ fail "input_rules setup" "veth"; exit 1; }
bpffs_new || { fail "input_rules setup" "bpffs mount"; exit 1; }
D=$MTUG_TMP

lines() { if [ -z "$1" ]; then echo 0; else printf '%s\n' "$1" | wc -l; fi; }

# ---- IPv4 in IPv6 prefixes ----------------------------------------------------------------

mtug "$NS" attach a0 >/dev/null || { fail "input_rules setup" "attach a0"; exit 1; }
before=$(mtug "$NS" mtu list 2>&1)
bad=""
while read -r pfx want; do
	for cmd in "mtu add $pfx 1400" "mtu del $pfx"; do
		# shellcheck disable=SC2086 # the command line is split on purpose
		err=$(mtug "$NS" $cmd 2>&1 >/dev/null)
		rc=$?
		[ "$rc" = 2 ] && [ "$(lines "$err")" = 1 ] && [[ $err == *"write $want"* ]] ||
			bad="$bad [$cmd: rc $rc: $err]"
	done
	printf 'iface a0 { }\nprefix %s 1400\n' "$pfx" >"$D/f.conf"
	err=$(mtug "$NS" apply -f "$D/f.conf" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" = 2 ] && [ "$(lines "$err")" = 1 ] && [[ $err == *"f.conf:2:"*"write $want"* ]] ||
		bad="$bad [apply prefix $pfx: rc $rc: $err]"
done <<'EOF'
::ffff:10.0.0.0/104 10.0.0.0/8
::ffff:192.0.2.1 192.0.2.1/32
::ffff:0:0/96 0.0.0.0/0
::10.1.0.0/112 10.1.0.0/16
::192.0.2.9 192.0.2.9/32
EOF
[ "$(mtug "$NS" mtu list 2>&1)" = "$before" ] || bad="$bad [prefixes changed]"
if [ -z "$bad" ]; then
	pass "input_rules: IPv4-mapped and IPv4-compatible prefixes refused, naming the IPv4 prefix"
else
	fail "input_rules: IPv4-mapped and IPv4-compatible prefixes refused" "$bad"
fi
ok=""
for pfx in ::1/128 64:ff9b::/96 ::/0; do
	{ mtug "$NS" mtu add "$pfx" 1400 && mtug "$NS" mtu del "$pfx"; } || ok="$ok $pfx"
done
if [ -z "$ok" ]; then
	pass "input_rules: ::1/128, 64:ff9b::/96 and ::/0 are ordinary prefixes"
else
	fail "input_rules: ::1/128, 64:ff9b::/96 and ::/0 are ordinary prefixes" "refused:$ok"
fi

# ---- the driver's XDP MTU limit ----------------------------------------------------------------

# veth takes native XDP (without multi-buffer support) only while both
# ends have an MTU that fits a page; k0 at 9000 is over it.
ip -n "$NS" link set k0 mtu 9000
out=$(mtug "$NS" attach j0 2>&1)
rc=$?
# Multi-buffer XDP (5.18+) lets veth take it at 9000; before, it must not.
if [ "$rc" = 0 ] && kernel_at_least 5 18; then
	skip "input_rules: native XDP refused for the MTU is explained" \
		"veth took native XDP at MTU 9000 (multi-buffer XDP, kernel $(uname -r))"
	mtug "$NS" detach j0 >/dev/null 2>&1
elif [ "$rc" = 0 ]; then
	fail "input_rules: native XDP refused for the MTU is explained" \
		"veth took native XDP at MTU 9000 on $(uname -r), which has no multi-buffer XDP"
	mtug "$NS" detach j0 >/dev/null 2>&1
else
	why=""
	[ "$rc" = 1 ] || why="exit $rc"
	[ "$(lines "$out")" = 1 ] || why="${why:+$why, }$(lines "$out") lines"
	for w in "j0's MTU is 1500" "about" "--mode generic" "veth"; do
		[[ $out == *"$w"* ]] || why="${why:+$why, }no '$w'"
	done
	if [ -z "$why" ]; then
		pass "input_rules: native XDP refused for the MTU is explained"
		log "  $out"
	else
		fail "input_rules: native XDP refused for the MTU is explained" "$why: $out"
	fi
	if mtug "$NS" attach j0 --mode generic >/dev/null 2>&1; then
		pass "input_rules: --mode generic attaches where native was refused for the MTU"
	else
		fail "input_rules: --mode generic attaches where native was refused for the MTU"
	fi
	mtug "$NS" detach j0 >/dev/null 2>&1
fi

# ---- the textfile's temporary name ----------------------------------------------------------------

TF=$D/tf
mkdir "$TF"
# The CLI as the process bash execs into, so its pid is the shell's $$,
# and a file is already at the name a pid would give.
# shellcheck disable=SC2016 # the script's $1..$3 and $$ are its own
nsx "$NS" bash -c 'touch "$1.$$.tmp" "$1.tmp"; exec "$2" --pin-dir "$3" stats --textfile "$1"' \
	_ "$TF/m.prom" "$MTUG_BIN" "$MTUG_PIN_DIR" >"$D/out" 2>"$D/err"
rc=$?
left=$(find "$TF" -name 'm.prom?*' ! -name '*.tmp' | wc -l)
mode=$(stat -c %a "$TF/m.prom" 2>/dev/null)
if [ "$rc" = 0 ] && grep -qx 'mtuguard_up 1' "$TF/m.prom" && [ "$left" = 0 ] &&
	[ "$mode" = 644 ]; then
	pass "input_rules: stats --textfile: an unguessable temporary name, nothing left, mode 0644"
else
	fail "input_rules: stats --textfile: an unguessable temporary name, nothing left, mode 0644" \
		"rc $rc, mode $mode, $left left: $(tr '\n' '|' <"$D/err")"
fi

mtug "$NS" detach --all >/dev/null 2>&1
[ "$(fail_count)" -eq 0 ]
