#!/bin/bash
# test_share_tc.sh - mtuguard's TC programs beside another owner's on the
# same hooks, as TCX links (kernels with TCX, 6.6+) and as clsact filters
# (the fallback on older kernels; forced with MTUGUARD_TC_HOOK=clsact where
# TCX exists).  `attach` chooses the hook itself in the first case run:
# TCX where the kernel has it (tcx.py probe, its BTF), else clsact; the
# test checks which one it took, in status and on the kernel's hooks, and
# that the probe agrees with the kernel's version (TCX from 6.6):
#
#   A a0 ------------------ b0 B   (mtuguard on b0, `mtu default 1300`,
#                                   ptb mode broadcast: TC ingress too)
#
# The other owner's program (tools/share_tc.bpf.c) counts what reaches it
# and returns TC_ACT_OK, which ends the hook's run.  It sits on b0's
# ingress and egress: as TCX links one attached before mtuguard and one
# after it; as clsact filters at tc's default priority (49152), after
# mtuguard's (28007), on a clsact qdisc of its own.  Then:
#   - status names the hook (tcx / clsact) and shows both directions;
#     the kernel has mtuguard's programs there: first in the TCX link
#     list, or as tc filters with mtuguard's handle, and not the other;
#   - a TCP connection from B: its SYN leaves b0 clamped (A's accepted
#     socket sees MSS 1248 = 1300 - 40 - 12), so mtuguard's egress ran,
#     and the other egress program counted it;
#   - a TCP connection from A: the other ingress program counted it;
#   - detach: the other programs are still on the hooks (TCX: exactly
#     their ids; clsact: their filters and the qdisc) and still count.
#
# timeout: 120
set -u
. "$(dirname "$0")/lib.sh"
lib_init share_tc

if ! mtug_ready || [ ! -f "$BUILD/tools/share_tc.bpf.o" ]; then
	skip "share_tc" "build/mtuguard or build/tools/share_tc.bpf.o not built"
	exit 0
fi
if ! command -v bpftool >/dev/null; then
	skip "share_tc" "no bpftool"
	exit 0
fi
TCX_PY=$MTUG_ROOT/tests/integration/tcx.py

if ! A=$(ns_new a) || ! B=$(ns_new b); then
	fail "share_tc setup" "ip netns add"
	exit 1
fi
veth_new "$A" a0 "$B" b0 || { fail "share_tc setup" "veth"; exit 1; }
ip -n "$A" addr add 10.78.0.1/24 dev a0
ip -n "$B" addr add 10.78.0.2/24 dev b0
bpffs_new || { fail "share_tc setup" "bpffs mount"; exit 1; }

# listen NS ADDR PORT OUT: accept one connection, write its MSS to OUT.
listen() {
	bg "$1" "$4" python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen()
s.settimeout(10)
c, _ = s.accept()
print(c.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG), flush=True)
c.close()' "$2" "$3"
	wait_until 5 tcp_listening "$1" "$3"
}

# connect NS ADDR PORT
connect() {
	nsx "$1" python3 -c '
import socket, sys
socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5).close()' "$2" "$3"
}

# count DIR: the other program's counter (pinned under DIR/maps).  Parsed
# in the shell: a python3 per reading costs seconds in the kernel matrix's
# qemu guests.
count() {
	bpftool -j map lookup pinned "$1/maps/counts" key 0 0 0 0 2>/dev/null |
		sed -n 's/.*"formatted":{"key":0,"value":\([0-9]*\)}.*/\1/p'
}

# prog_id PIN: the id of a pinned program.
prog_id() {
	bpftool -j prog show pinned "$1" 2>/dev/null | sed -n 's/^{"id":\([0-9]*\),.*/\1/p'
}

# other_load NAME: load share_tc.bpf.o into $MTUG_BPFFS/NAME (prog, maps).
other_load() {
	local d=$MTUG_BPFFS/$1
	mkdir -p "$d" && bpftool prog load "$BUILD/tools/share_tc.bpf.o" "$d/prog" \
		pinmaps "$d/maps" >/dev/null
}

# traffic CASE PORT: one connection each way; checks the clamp.
traffic() {
	local c=$1 port=$2 mss
	listen "$A" 10.78.0.1 "$port" "$MTUG_TMP/mss-$c-$port" ||
		{ fail "$c/listen" "no listener"; return 1; }
	connect "$B" 10.78.0.1 "$port" || fail "$c/connect from B" "failed"
	wait_until 5 grep -q . "$MTUG_TMP/mss-$c-$port"
	mss=$(cat "$MTUG_TMP/mss-$c-$port")
	listen "$B" 10.78.0.2 "$port" "$MTUG_TMP/mss-$c-$port-b" ||
		{ fail "$c/listen" "no listener"; return 1; }
	connect "$A" 10.78.0.2 "$port" || fail "$c/connect from A" "failed"
	wait_until 5 grep -q . "$MTUG_TMP/mss-$c-$port-b"
	echo "$mss"
}

# ours_on_hooks HOOK: mtuguard's programs are on b0's hooks as HOOK says
# (TCX links or clsact filters) and not the other way; prints what it saw.
ours_on_hooks() {
	local f t nf ours_in ours_eg
	f=$(tc -n "$B" filter show dev b0 ingress; tc -n "$B" filter show dev b0 egress)
	t=/
	[ "$has_tcx" = 1 ] &&
		t=$(nsx "$B" python3 "$TCX_PY" ids b0 ingress)/$(nsx "$B" python3 "$TCX_PY" ids b0 egress)
	nf=$(echo "$f" | grep -c 'handle 0x6d67 .*mtuguard_tc_')
	ours_in=$(prog_id "$MTUG_PIN_DIR/prog_tc_ingress")
	ours_eg=$(prog_id "$MTUG_PIN_DIR/prog_tc_egress")
	echo "clsact filters of mtuguard: $nf; TCX ids ingress/egress: $t (ours $ours_in/$ours_eg)"
	if [ "$1" = tcx ]; then
		[ "$nf" -eq 0 ] && [[ " ${t%%/*} " == *" $ours_in "* ]] && [[ " ${t#*/} " == *" $ours_eg "* ]]
	else
		[ "$nf" -eq 2 ] && [[ " ${t%%/*} " != *" $ours_in "* ]] && [[ " ${t#*/} " != *" $ours_eg "* ]]
	fi
}

# run_case HOOK default|forced: with "default" attach picks the hook by
# itself, with "forced" MTUGUARD_TC_HOOK=clsact makes it clsact.
run_case() {
	local hook=$1 how=$2 c=share_tc/$1 st in0 eg0 in1 eg1 mss ids ours out seen
	local oin=$MTUG_BPFFS/$hook-in oeg=$MTUG_BPFFS/$hook-eg
	if ! other_load "$hook-in" || ! other_load "$hook-eg"; then
		fail "$c/load" "bpftool prog load"
		return
	fi
	if [ "$hook" = tcx ]; then
		# One before mtuguard, one after.
		nsx "$B" python3 "$TCX_PY" attach "$oeg/prog" b0 egress "$oeg/link" ||
			{ fail "$c/other attach" "tcx egress"; return; }
	else
		if ! tc -n "$B" qdisc add dev b0 clsact ||
		   ! tc -n "$B" filter add dev b0 egress pref 49152 bpf da object-pinned "$oeg/prog" ||
		   ! tc -n "$B" filter add dev b0 ingress pref 49152 bpf da object-pinned "$oin/prog"; then
			fail "$c/other attach" "tc filter add"
			return
		fi
	fi
	unset MTUGUARD_TC_HOOK
	[ "$how" = forced ] && export MTUGUARD_TC_HOOK=clsact
	if ! out=$(mtug "$B" attach b0 2>&1) || ! mtug "$B" mtu default 1300 >/dev/null ||
	   ! mtug "$B" ptb mode broadcast --iface b0 >/dev/null; then
		fail "$c/attach" "$out"
		return
	fi
	unset MTUGUARD_TC_HOOK
	if [ "$hook" = tcx ]; then
		nsx "$B" python3 "$TCX_PY" attach "$oin/prog" b0 ingress "$oin/link" ||
			{ fail "$c/other attach" "tcx ingress"; return; }
	fi
	st=$(mtug "$B" status)
	if echo "$st" | grep -q "tc ($hook) ingress yes egress yes"; then
		pass "$c/status ($hook, $([ "$how" = forced ] && echo "forced by MTUGUARD_TC_HOOK" || echo "chosen by attach"))"
	else
		fail "$c/status" "want 'tc ($hook) ingress yes egress yes' ($how): $st"
	fi
	if seen=$(ours_on_hooks "$hook"); then
		pass "$c/on the kernel's $hook hooks ($seen)"
	else
		fail "$c/on the kernel's $hook hooks" "$seen"
	fi
	in0=$(count "$oin"); eg0=$(count "$oeg")
	mss=$(traffic "$hook" 9001)
	in1=$(count "$oin"); eg1=$(count "$oeg")
	if [ "$mss" = 1248 ]; then
		pass "$c/mtuguard egress clamps beside the other program"
	else
		fail "$c/mtuguard egress clamps beside the other program" "MSS $mss at A, want 1248"
	fi
	if [ "${eg1:-0}" -gt "${eg0:-0}" ] && [ "${in1:-0}" -gt "${in0:-0}" ]; then
		pass "$c/the other programs run beside mtuguard"
	else
		fail "$c/the other programs run beside mtuguard" \
			"ingress $in0 -> $in1, egress $eg0 -> $eg1"
	fi
	if [ "$hook" = tcx ]; then
		ours=$(prog_id "$MTUG_PIN_DIR/prog_tc_egress")
		ids=$(nsx "$B" python3 "$TCX_PY" ids b0 egress)
		if [ "${ids%% *}" = "$ours" ]; then
			pass "$c/mtuguard first on the hook"
		else
			fail "$c/mtuguard first on the hook" "egress ids '$ids', ours $ours"
		fi
	fi
	out=$(mtug "$B" detach b0 2>&1) || fail "$c/detach" "$out"
	if [ "$hook" = tcx ]; then
		ids="$(nsx "$B" python3 "$TCX_PY" ids b0 ingress)/$(nsx "$B" python3 "$TCX_PY" ids b0 egress)"
		want="$(prog_id "$oin/prog")/$(prog_id "$oeg/prog")"
		if [ "$ids" = "$want" ]; then
			pass "$c/detach leaves the other links"
		else
			fail "$c/detach leaves the other links" "ids $ids, want $want"
		fi
	else
		out=$(tc -n "$B" filter show dev b0 ingress; tc -n "$B" filter show dev b0 egress)
		if [ "$(echo "$out" | grep -c 'pref 49152 bpf .*direct-action')" -ge 2 ] &&
		   ! echo "$out" | grep -q 'handle 0x6d67'; then
			pass "$c/detach leaves the other filters"
		else
			fail "$c/detach leaves the other filters" "$out"
		fi
	fi
	in0=$(count "$oin"); eg0=$(count "$oeg")
	traffic "$hook" 9002 >/dev/null
	in1=$(count "$oin"); eg1=$(count "$oeg")
	if [ "${eg1:-0}" -gt "${eg0:-0}" ] && [ "${in1:-0}" -gt "${in0:-0}" ]; then
		pass "$c/the other programs run after detach"
	else
		fail "$c/the other programs run after detach" \
			"ingress $in0 -> $in1, egress $eg0 -> $eg1"
	fi
	# Leave the hooks bare for the next case.
	rm -f "$oin/link" "$oeg/link"
	tc -n "$B" qdisc del dev b0 clsact 2>/dev/null
}

# The probe is the kernel's BTF; upstream TCX came with 6.6 (Debian's
# packages backport none), so the two must agree.
want_tcx=$(python3 -c 'import os
v = tuple(int(x) for x in os.uname().release.split("-")[0].split("+")[0].split(".")[:2])
print(int(v >= (6, 6)))')
if nsx "$B" python3 "$TCX_PY" probe; then has_tcx=1; else has_tcx=0; fi
if [ "$has_tcx" = "$want_tcx" ]; then
	pass "share_tc/probe (TCX $([ "$has_tcx" = 1 ] && echo yes || echo no) on $(uname -r))"
else
	fail "share_tc/probe" "the BTF probe says TCX $has_tcx, the version $(uname -r) says $want_tcx"
fi
if [ "$has_tcx" = 1 ]; then
	run_case tcx default
	run_case clsact forced
else
	skip "share_tc/tcx" "no TCX on $(uname -r)"
	run_case clsact default
fi

[ "$(fail_count)" -eq 0 ]
