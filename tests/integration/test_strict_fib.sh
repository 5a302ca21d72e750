#!/bin/bash
# test_strict_fib.sh - a router that runs mtuguard forwards nothing Linux
# alone would not: the corpus of tests/integration/strict_corpus.py through
# a router namespace twice, once without mtuguard and once with it (XDP
# native, `ptb mode fib`, `ptb forward on`), rp_filter 1 on the router.
#
#   snd eth0 ------------- rc  rtr  rb ------------- eth0 beh
#   10.1.0.2, .3 (hop)    10.1.0.1  10.2.0.1        10.2.0.2, VIPs on lo
#   fd00:1::2, ::3        fd00:1::1 fd00:2::1       fd00:2::2
#                         lo 10.9.9.9; default routes out of rb
#
# Captures on beh's eth0 (what crossed the router) and on snd's eth0 (what
# came back: the router's ICMP errors, anything it sent back out of rc)
# record every frame that carries a case's marker.  With mtuguard each of
# those must have been there without it too (a subset, case by case); the
# ordinary flows and the valid PTBs must cross in both runs, and with
# mtuguard be forwarded from XDP (fwd_steered / ptb_steered count exactly
# them) while every other case is counted fib_deferred.
set -u
. "$(dirname "$0")/lib.sh"
lib_init strict_fib

CORPUS=(python3 "$MTUG_ROOT/tests/integration/strict_corpus.py")

if ! mtug_ready; then
	skip "strict/setup" "$MTUG_BIN not built"
	exit 0
fi

SND=$(ns_new snd) || exit 1
RTR=$(ns_new rtr) || exit 1
BEH=$(ns_new beh) || exit 1

setup() {
	veth_new "$SND" eth0 "$RTR" rc &&
	veth_new "$RTR" rb "$BEH" eth0 || return 1
	ip -n "$SND" addr add 10.1.0.2/24 dev eth0 &&
	ip -n "$SND" addr add 10.1.0.3/24 dev eth0 &&
	ip -n "$SND" addr add fd00:1::2/64 dev eth0 nodad &&
	ip -n "$SND" addr add fd00:1::3/64 dev eth0 nodad &&
	ip -n "$SND" route add default via 10.1.0.1 &&
	ip -n "$SND" -6 route add default via fd00:1::1 &&
	ip -n "$RTR" addr add 10.1.0.1/24 dev rc &&
	ip -n "$RTR" addr add fd00:1::1/64 dev rc nodad &&
	ip -n "$RTR" addr add 10.2.0.1/24 dev rb &&
	ip -n "$RTR" addr add fd00:2::1/64 dev rb nodad &&
	ip -n "$RTR" addr add 10.9.9.9/32 dev lo &&
	ip -n "$RTR" route add default via 10.2.0.2 &&
	ip -n "$RTR" -6 route add default via fd00:2::2 &&
	ip -n "$BEH" addr add 10.2.0.2/24 dev eth0 &&
	ip -n "$BEH" addr add fd00:2::2/64 dev eth0 nodad &&
	ip -n "$BEH" addr add 10.200.0.1/32 dev lo &&
	ip -n "$BEH" addr add fd00:200::1/128 dev lo nodad &&
	ip -n "$BEH" route add default via 10.2.0.1 &&
	ip -n "$BEH" -6 route add default via fd00:2::1 || return 1
	ns_forwarding "$RTR" || return 1
	# The router checks sources strictly; nobody rate-limits the ICMP
	# errors the captures compare; a neighbour that does not answer
	# (a frame sent back out towards fe80::2) fails within the capture's
	# window, not seconds later.  Empty ratemasks exempt every ICMP type
	# from both the per-peer and the global limit; the global limit's own
	# sysctls (icmp_msgs_per_sec) belong to each namespace only on newer
	# kernels (5.10 has them in the initial one alone).
	nsx "$RTR" sysctl -qw net.ipv6.neigh.rc.mcast_solicit=1 \
		net.ipv6.neigh.rc.retrans_time_ms=100 net.ipv4.neigh.rc.mcast_solicit=1 \
		net.ipv4.neigh.rc.retrans_time_ms=100 || return 1
	nsx "$RTR" sysctl -qw net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.rc.rp_filter=1 \
		net.ipv4.conf.rb.rp_filter=1 net.ipv4.icmp_ratemask=0 \
		net.ipv6.icmp.ratemask= || return 1
	nsx "$BEH" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0 \
		net.ipv4.icmp_ratemask=0 net.ipv6.icmp.ratemask= || return 1
	# XDP_REDIRECT into a veth needs NAPI on the receiving peer: an XDP
	# program there gives it on every kernel (GRO does only from 5.13).
	ip -n "$BEH" link set dev eth0 xdpdrv obj "$BUILD/tools/xdp_pass.bpf.o" sec xdp ||
		return 1
	# Every neighbour resolved before anything is compared.
	local snd rc rb beh
	snd=$(mac_of "$SND" eth0) rc=$(mac_of "$RTR" rc) rb=$(mac_of "$RTR" rb)
	beh=$(mac_of "$BEH" eth0)
	neigh "$SND" eth0 "$rc" 10.1.0.1 fd00:1::1 &&
	neigh "$RTR" rc "$snd" 10.1.0.2 10.1.0.3 fd00:1::2 fd00:1::3 &&
	neigh "$RTR" rb "$beh" 10.2.0.2 fd00:2::2 &&
	neigh "$BEH" eth0 "$rb" 10.2.0.1 fd00:2::1 || return 1
	# The link-local addresses the kernel gave the veths are tentative
	# until DAD ends, and a router sends no ICMPv6 Redirect from a
	# tentative source: the runs compare only once DAD is over, so both
	# see the same Redirects (udp6_dst_link_local goes back out of rc).
	wait_until 10 no_tentative "$SND" && wait_until 10 no_tentative "$RTR" &&
		wait_until 10 no_tentative "$BEH"
}

# no_tentative NS: true once no address in NS is still in DAD.
# shellcheck disable=SC2317 # called through wait_until
no_tentative() { [ -z "$(ip -n "$1" -6 addr show tentative)" ]; }

mac_of() { ip -n "$1" -br link show "$2" | awk '{print $3}'; }

# neigh NS DEV MAC ADDR...: permanent neighbour entries.
neigh() {
	local ns=$1 dev=$2 mac=$3 a
	shift 3
	for a in "$@"; do
		ip -n "$ns" neigh replace "$a" lladdr "$mac" nud permanent dev "$dev" || return 1
	done
}

# run NAME DIGIT: both captures, the corpus once (its markers carry DIGIT,
# so a late answer to an earlier run is not counted), the tokens into
# $MTUG_TMP/NAME.
run() {
	local name=$1 digit=$2 p1 p2
	bg "$BEH" "$MTUG_TMP/$name.behind" "${CORPUS[@]}" sniff --iface eth0 --where behind \
		--run "$digit"
	p1=$BG_PID
	bg "$SND" "$MTUG_TMP/$name.back" "${CORPUS[@]}" sniff --iface eth0 --where back \
		--run "$digit"
	p2=$BG_PID
	if ! wait_until 5 grep -q '^ready' "$MTUG_TMP/$name.behind" ||
	   ! wait_until 5 grep -q '^ready' "$MTUG_TMP/$name.back"; then
		fail "strict/$name/capture" "sniffers did not start"
		return 1
	fi
	nsx "$SND" "${CORPUS[@]}" send --iface eth0 --src-mac "$SND_MAC" --router-mac "$RTR_MAC" \
		--run "$digit" ||
		{ fail "strict/$name/send" "the corpus could not be sent"; return 1; }
	sleep 1.5
	kill "$p1" "$p2" 2>/dev/null
	wait "$p1" "$p2" 2>/dev/null
	cat "$MTUG_TMP/$name.behind" "$MTUG_TMP/$name.back" >"$MTUG_TMP/$name.tokens"
}

# counters: "fwd_steered ptb_steered fib_deferred" from one stats read.
counters() {
	mtug "$RTR" stats --json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
d = d.get("counters", d.get("total", d))
print(*(int(d.get(k, 0)) for k in ("fwd_steered", "ptb_steered", "fib_deferred")))'
}

if ! setup; then
	fail "strict/setup" "topology"
	ns_diag "$SND" "$RTR" "$BEH"
	exit 1
fi
RTR_MAC=$(mac_of "$RTR" rc)
SND_MAC=$(mac_of "$SND" eth0)

"${CORPUS[@]}" list >"$MTUG_TMP/list" || { fail "strict/setup" "corpus list"; exit 1; }
N_FWD=$(awk '$2 == "fwd"' "$MTUG_TMP/list" | wc -l)
N_PTB=$(awk '$2 == "ptb"' "$MTUG_TMP/list" | wc -l)
N_STRICT=$(awk '$2 == "strict"' "$MTUG_TMP/list" | wc -l)

# 1. Linux alone.
run kernel 1 || exit 1

# 2. The same router with mtuguard on its ingress.
bpffs_new || { fail "strict/setup" "cannot mount a bpffs"; exit 1; }
if ! out=$(mtug "$RTR" attach rc --mode native 2>&1) ||
   ! out=$(mtug "$RTR" ptb mode fib --iface rc 2>&1) ||
   ! out=$(mtug "$RTR" ptb forward on 2>&1); then
	fail "strict/setup" "mtuguard: $out"
	exit 1
fi
# What the CLI recorded for kernels where the datapath cannot read the
# device: rc's MAC and the rp_filter in force on it.
rec=$(bpftool -j map dump pinned "$MTUG_PIN_DIR/iface_cfg" 2>&1 | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    v = e["formatted"]["value"]
    if e["formatted"]["key"] == int(sys.argv[1]):
        print("%s %d" % (":".join("%02x" % b for b in v["mac"][:6]), v["rp_filter"]))
' "$(nsx "$RTR" cat /sys/class/net/rc/ifindex)")
if [ "$rec" = "$RTR_MAC 1" ]; then
	pass "strict/recorded (iface_cfg of rc: mac $RTR_MAC, rp_filter 1)"
else
	fail "strict/recorded" "iface_cfg of rc holds '$rec', want '$RTR_MAC 1'"
fi
read -r s0 p0 d0 <<<"$(counters)"
run mtuguard 2 || exit 1
read -r s1 p1 d1 <<<"$(counters)"

"${CORPUS[@]}" compare "$MTUG_TMP/kernel.tokens" "$MTUG_TMP/mtuguard.tokens"
cmp_rc=$?

fwd=$((s1 - s0)) ptb=$((p1 - p0)) def=$((d1 - d0))
if [ "$fwd" -eq "$N_FWD" ] && [ "$ptb" -eq "$N_PTB" ]; then
	pass "strict/steered_from_xdp (fwd_steered +$fwd of $N_FWD flows, ptb_steered +$ptb of $N_PTB PTBs)"
else
	fail "strict/steered_from_xdp" "fwd_steered +$fwd (want $N_FWD), ptb_steered +$ptb (want $N_PTB)"
fi
if [ "$def" -eq "$N_STRICT" ]; then
	pass "strict/deferred_counted (fib_deferred +$def, $N_STRICT cases)"
else
	fail "strict/deferred_counted" "fib_deferred +$def, want $N_STRICT"
fi
if [ "$(fail_count)" -ne 0 ] || [ "$cmp_rc" -ne 0 ]; then
	log "tokens without mtuguard: $(wc -l <"$MTUG_TMP/kernel.tokens"), with: $(wc -l <"$MTUG_TMP/mtuguard.tokens")"
	mtug "$RTR" stats 2>&1 | sed 's/^/# /'
fi
exit 0
