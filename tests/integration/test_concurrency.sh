#!/bin/bash
# test_concurrency.sh - the CLI changing state while traffic flows:
#
#   client C --veth-- router R --veth-- server S       (+ R --veth-- D x3)
#   10.81.0.2            r0   r1        10.82.0.2
#   fd81::2                             fd82::2
#
# mtuguard on r0 and r1 (XDP native + TC).  Traffic all along: short TCP
# connections C -> S alternating IPv4 / IPv6 (tests/fuzz/tcpload.py, each
# one echoes 2000 bytes) and a 200/s UDP echo ("ping"); a sniffer at S records the MSS of
# every SYN and one at C of every SYN-ACK (tests/fuzz/synwatch.py).
#
#  1. baseline: the traffic alone, no CLI.
#  2. OPS (default 10000) `mtu add` / `mtu del` operations on the client
#     prefixes (10.81.0.0/24, fd81::/64), cycling per family through MTU
#     1400, MTU 1300, deleted; each op's start and end time logged.  Every
#     SYN and SYN-ACK carries the target of a value in effect when it was
#     clamped (the old or the new one), with a valid checksum; no connection
#     fails and no ping is lost beyond the baseline; the CLI never fails.
#  3. CYCLES (default 100) attach / detach of three other interfaces of R
#     while the traffic flows on r0 / r1 with a fixed target: every SYN
#     clamped to exactly that target, nothing lost, r0 / r1 still attached
#     with the same XDP program at the end.
# timeout: 600
set -u
. "$(dirname "$0")/lib.sh"
lib_init concurrency

if ! mtug_ready; then
	skip "concurrency/setup" "build/mtuguard not built"
	exit 0
fi
OPS=${OPS:-10000}
CYCLES=${CYCLES:-100}
BASE_T=${BASE_T:-5}
TOOLS=$MTUG_ROOT/tests/fuzz
PORT=7777

{ C=$(ns_new c) && R=$(ns_new r) && S=$(ns_new s) && D=$(ns_new d); } ||
	{ fail "concurrency/setup" "ip netns add"; exit 1; }
setup() {
	local i
	veth_new "$C" c0 "$R" r0 && veth_new "$R" r1 "$S" s0 || return 1
	ip -n "$C" addr add 10.81.0.2/24 dev c0 && ip -n "$C" addr add fd81::2/64 dev c0 nodad &&
	ip -n "$R" addr add 10.81.0.1/24 dev r0 && ip -n "$R" addr add fd81::1/64 dev r0 nodad &&
	ip -n "$R" addr add 10.82.0.1/24 dev r1 && ip -n "$R" addr add fd82::1/64 dev r1 nodad &&
	ip -n "$S" addr add 10.82.0.2/24 dev s0 && ip -n "$S" addr add fd82::2/64 dev s0 nodad &&
	ip -n "$C" route add default via 10.81.0.1 && ip -n "$C" -6 route add default via fd81::1 &&
	ip -n "$S" route add default via 10.82.0.1 && ip -n "$S" -6 route add default via fd82::1 ||
		return 1
	nsx "$R" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	# Complete checksums from both ends (no CHECKSUM_PARTIAL across the
	# veths), so the sniffers can verify every clamped SYN's checksum.
	nsx "$C" ethtool -K c0 tx off >/dev/null 2>&1 && nsx "$S" ethtool -K s0 tx off >/dev/null 2>&1 || return 1
	for i in 1 2 3; do
		veth_new "$R" x$i "$D" y$i || return 1
	done
}
setup || { fail "concurrency/setup" "topology"; exit 1; }
bpffs_new || { fail "concurrency/setup" "bpffs mount"; exit 1; }
for i in r0 r1; do
	out=$(mtug "$R" attach $i 2>&1) || { fail "concurrency/setup" "attach $i: $out"; exit 1; }
done
# The CLI without `ip netns exec` where no interface is involved: map
# updates only, through the host bpffs.
M() { "$MTUG_BIN" --pin-dir "$MTUG_PIN_DIR" "$@"; }
xdp_id() { ip -n "$R" -d link show "$1" | grep -o 'prog/xdp id [0-9]*' | grep -o '[0-9]*$'; }
XDP0=$(xdp_id r0) XDP1=$(xdp_id r1)

bg "$S" "$MTUG_TMP/server.log" python3 "$TOOLS/tcpload.py" serve $PORT
wait_until 5 tcp_listening "$S" $PORT || { fail "concurrency/setup" "server"; exit 1; }

# traffic_start PHASE [SECONDS]: connections + ping + sniffers, for that
# long (default: until traffic_wait).
traffic_start() { # phase seconds
	local p=$1 t=${2:-600}
	STOP=$MTUG_TMP/stop-$p
	bg "$S" "$MTUG_TMP/syn-$p.log" python3 "$TOOLS/synwatch.py" s0 "$MTUG_TMP/syn-$p.txt"
	W1=$BG_PID
	bg "$C" "$MTUG_TMP/synack-$p.log" python3 "$TOOLS/synwatch.py" c0 "$MTUG_TMP/synack-$p.txt"
	W2=$BG_PID
	wait_until 5 grep -q ready "$MTUG_TMP/syn-$p.txt" && wait_until 5 grep -q ready "$MTUG_TMP/synack-$p.txt"
	bg "$C" "$MTUG_TMP/load-$p.txt" python3 "$TOOLS/tcpload.py" load "$t" 10.82.0.2 fd82::2 $PORT "$STOP"
	L=$BG_PID
	bg "$C" "$MTUG_TMP/ping-$p.txt" python3 "$TOOLS/tcpload.py" ping "$t" 10.82.0.2 $PORT 200 "$STOP"
	P=$BG_PID
}
traffic_wait() { # phase -> sets CONNS FAILS LOSS
	local p=$1
	touch "$STOP"
	wait "$L" "$P" 2>/dev/null
	sleep 0.3
	kill "$W1" "$W2" 2>/dev/null
	wait "$W1" "$W2" 2>/dev/null
	CONNS=$(grep -o 'conns=[0-9]*' "$MTUG_TMP/load-$p.txt" | cut -d= -f2)
	FAILS=$(grep -o 'fail=[0-9]*' "$MTUG_TMP/load-$p.txt" | cut -d= -f2)
	SENT=$(grep -o 'sent=[0-9]*' "$MTUG_TMP/ping-$p.txt" | cut -d= -f2)
	RECV=$(grep -o 'received=[0-9]*' "$MTUG_TMP/ping-$p.txt" | cut -d= -f2)
	LOSS=$(( ${SENT:-0} - ${RECV:-0} ))
	grep failure "$MTUG_TMP/load-$p.txt" | head -n 3 | sed 's/^/    /'
}

# ---- 1. baseline ----------------------------------------------------------------
M mtu default none >/dev/null
traffic_start base "$BASE_T"
sleep "$BASE_T"
traffic_wait base
B_FAILS=${FAILS:-0} B_LOSS=$LOSS
log "baseline: $CONNS connections ($B_FAILS failed), ping $SENT sent, $B_LOSS lost"
if [ "${CONNS:-0}" -gt 0 ]; then
	pass "concurrency/baseline ($CONNS connections, $B_FAILS failed; $SENT pings, $B_LOSS lost)"
else
	fail "concurrency/baseline" "no traffic ($(cat "$MTUG_TMP/load-base.txt"))"
	exit 1
fi

# ---- 2. OPS mtu add / del under traffic ---------------------------------------------
traffic_start ops
sleep 0.5
ops_log=$MTUG_TMP/ops.txt
: >"$ops_log"
cli_fail=0
t0=$EPOCHREALTIME
for ((i = 0; i < OPS; i++)); do
	if ((i % 2)); then fam=6 pfx=fd81::/64; else fam=4 pfx=10.81.0.0/24; fi
	case $(( (i / 2) % 3 )) in
	0) v=1400; a=$EPOCHREALTIME; M mtu add $pfx 1400 >/dev/null 2>>"$MTUG_TMP/cli.err" || cli_fail=$((cli_fail + 1)) ;;
	1) v=1300; a=$EPOCHREALTIME; M mtu add $pfx 1300 >/dev/null 2>>"$MTUG_TMP/cli.err" || cli_fail=$((cli_fail + 1)) ;;
	2) v=none; a=$EPOCHREALTIME; M mtu del $pfx >/dev/null 2>>"$MTUG_TMP/cli.err" || cli_fail=$((cli_fail + 1)) ;;
	esac
	echo "$a $EPOCHREALTIME $fam $v" >>"$ops_log"
done
t1=$EPOCHREALTIME
traffic_wait ops
dur=$(python3 -c "print('%.1f' % ($t1 - $t0))")
log "$OPS ops in $dur s; traffic: $CONNS connections ($FAILS failed), ping $SENT sent, $LOSS lost"
if [ "$cli_fail" -eq 0 ]; then
	pass "concurrency/mtu_ops ($OPS mtu add/del operations in $dur s, none failed)"
else
	fail "concurrency/mtu_ops" "$cli_fail of $OPS CLI operations failed: $(sort "$MTUG_TMP/cli.err" | uniq -c | head -n 3 | tr '\n' ' ')"
fi
if [ "${FAILS:-1}" -le "$B_FAILS" ] && [ "$LOSS" -le "$B_LOSS" ] && [ "${CONNS:-0}" -gt 0 ]; then
	pass "concurrency/mtu_ops_traffic ($CONNS connections, $FAILS failed; $SENT pings, $LOSS lost; baseline $B_FAILS / $B_LOSS)"
else
	fail "concurrency/mtu_ops_traffic" "$FAILS of $CONNS connections failed, $LOSS of $SENT pings lost (baseline $B_FAILS, $B_LOSS)"
fi
# SYNs (at S) and SYN-ACKs (at C): 1460 / 1440 when nothing clamps.
if out=$(python3 "$TOOLS/synwatch.py" judge "$ops_log" 1460 1440 \
	"$MTUG_TMP/syn-ops.txt" "$MTUG_TMP/synack-ops.txt"); then
	pass "concurrency/mtu_ops_mss (every SYN / SYN-ACK has the old or the new target: $out)"
else
	printf '%s\n' "$out" | sed 's/^/    /'
	fail "concurrency/mtu_ops_mss" "$(echo "$out" | head -n 1)"
fi

# ---- 3. attach / detach other interfaces under traffic ---------------------------------
M mtu add 10.81.0.0/24 1400 >/dev/null && M mtu add fd81::/64 1400 >/dev/null
: >"$MTUG_TMP/ops3.txt" # no op changes the target: it is fixed
traffic_start attach
sleep 0.3
ad_fail=0
t0=$EPOCHREALTIME
for ((i = 0; i < CYCLES; i++)); do
	for x in x1 x2 x3; do
		mtug "$R" attach $x >/dev/null 2>>"$MTUG_TMP/ad.err" || ad_fail=$((ad_fail + 1))
	done
	for x in x2 x1 x3; do
		mtug "$R" detach $x >/dev/null 2>>"$MTUG_TMP/ad.err" || ad_fail=$((ad_fail + 1))
	done
done
t1=$EPOCHREALTIME
traffic_wait attach
dur=$(python3 -c "print('%.1f' % ($t1 - $t0))")
if [ "$ad_fail" -eq 0 ]; then
	pass "concurrency/attach_detach ($((CYCLES * 6)) attach/detach of x1..x3 in $dur s, none failed)"
else
	fail "concurrency/attach_detach" "$ad_fail of $((CYCLES * 6)) failed: $(sort "$MTUG_TMP/ad.err" | uniq -c | head -n 3 | tr '\n' ' ')"
fi
if [ "${FAILS:-1}" -le "$B_FAILS" ] && [ "$LOSS" -le "$B_LOSS" ] && [ "${CONNS:-0}" -gt 0 ]; then
	pass "concurrency/attach_detach_traffic ($CONNS connections on r0/r1, $FAILS failed; $SENT pings, $LOSS lost)"
else
	fail "concurrency/attach_detach_traffic" "$FAILS of $CONNS connections failed, $LOSS of $SENT pings lost (baseline $B_FAILS, $B_LOSS)"
fi
# With no op in the log every SYN must carry exactly the fixed target,
# which the judge takes as the "nothing configured" value.
if out=$(python3 "$TOOLS/synwatch.py" judge "$MTUG_TMP/ops3.txt" 1360 1340 \
	"$MTUG_TMP/syn-attach.txt" "$MTUG_TMP/synack-attach.txt"); then
	pass "concurrency/attach_detach_mss (every SYN / SYN-ACK clamped to 1360 / 1340: $out)"
else
	printf '%s\n' "$out" | sed 's/^/    /'
	fail "concurrency/attach_detach_mss" "$(echo "$out" | head -n 1)"
fi
why=""
[ "$(xdp_id r0)" = "$XDP0" ] || why="r0 XDP program changed ($XDP0 -> $(xdp_id r0))"
[ "$(xdp_id r1)" = "$XDP1" ] || why="$why r1 XDP program changed"
for x in x1 x2 x3; do
	ip -n "$R" -d link show $x | grep -q 'prog/xdp' && why="$why $x still has XDP"
done
st=$(mtug "$R" status 2>&1)
echo "$st" | grep -q r0 && echo "$st" | grep -q r1 || why="$why status lost r0/r1"
if [ -z "$why" ]; then
	pass "concurrency/attach_detach_state (r0, r1 kept their XDP program; x1..x3 clean)"
else
	fail "concurrency/attach_detach_state" "$why"
fi
mtug "$R" detach --all >/dev/null 2>&1
exit 0
