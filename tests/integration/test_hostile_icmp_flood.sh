#!/bin/bash
# test_hostile_icmp_flood.sh - floods of forged ICMP errors through real
# namespaces, mtuguard attached with the CLI:
#
#   cli eth0 ---- rc  rtr  --+-- b1 ---- eth0 be1   (VIP on lo)
#   10.1.0.2 / .3 (hop)      +-- b2 ---- eth0 be2   (VIP on lo)
#
#   VIP 10.200.0.1 / fd00:200::1: a multipath route in rtr over be1, be2.
#   mtuguard on rc (XDP native + TC), `ptb mode fib --iface rc`.
#
# From the hop, FLOOD_N (default 500) frames per class and family, sent as
# fast as AF_PACKET goes (tests/fuzz/ptbflood.py): random inner tuples,
# outer destination != inner source, bad checksums, MTU 0, MTU below the
# floor, cut quotes, quotes of ICMP errors, IP length past the frame, and the
# genuine errors as the control.  For every class: ptb_seen +N, nothing
# forged steered or broadcast, the class's counter +N (ptb_invalid or
# ptb_mtu_too_small), the genuine ones all steered.  Then `ptb invalid drop`:
# not one forged error reaches a backend.  Then `ptb mode broadcast` with
# `ptb rate 100`: no forged error broadcast, the genuine flood cut to the
# token bucket's budget, the rest counted ptb_rate_limited.
# timeout: 600
set -u
. "$(dirname "$0")/lib.sh"
lib_init hostile_flood

if ! mtug_ready; then
	skip "hostile_flood/setup" "build/mtuguard not built"
	exit 0
fi
N=${FLOOD_N:-500}
FLOOD=(python3 "$MTUG_ROOT/tests/fuzz/ptbflood.py")
VIP4=10.200.0.1 VIP6=fd00:200::1

{ CLI=$(ns_new cli) && RTR=$(ns_new rtr) && BE1=$(ns_new be1) && BE2=$(ns_new be2); } ||
	{ fail "hostile_flood/setup" "ip netns add"; exit 1; }

setup() {
	local i be
	veth_new "$CLI" eth0 "$RTR" rc || return 1
	ip -n "$RTR" link set rc address 02:00:00:f1:00:01
	ip -n "$CLI" addr add 10.1.0.2/24 dev eth0 &&
	ip -n "$CLI" addr add 10.1.0.3/24 dev eth0 &&
	ip -n "$CLI" addr add fd00:1::2/64 dev eth0 nodad &&
	ip -n "$CLI" addr add fd00:1::3/64 dev eth0 nodad &&
	ip -n "$RTR" addr add 10.1.0.1/24 dev rc &&
	ip -n "$RTR" addr add fd00:1::1/64 dev rc nodad || return 1
	for i in 1 2; do
		eval "be=\$BE$i"
		veth_new "$RTR" b$i "$be" eth0 || return 1
		ip -n "$be" link set eth0 address 02:00:00:f1:0$i:02
		ip -n "$RTR" addr add 10.2.$i.1/24 dev b$i &&
		ip -n "$RTR" addr add fd00:2:$i::1/64 dev b$i nodad &&
		ip -n "$be" addr add 10.2.$i.2/24 dev eth0 &&
		ip -n "$be" addr add fd00:2:$i::2/64 dev eth0 nodad &&
		ip -n "$be" addr add $VIP4/32 dev lo &&
		ip -n "$be" addr add $VIP6/128 dev lo &&
		ip -n "$be" route add default via 10.2.$i.1 &&
		ip -n "$be" -6 route add default via fd00:2:$i::1 || return 1
		ip -n "$RTR" neigh replace 10.2.$i.2 lladdr 02:00:00:f1:0$i:02 dev b$i nud permanent
		ip -n "$RTR" neigh replace fd00:2:$i::2 lladdr 02:00:00:f1:0$i:02 dev b$i nud permanent
		# XDP_REDIRECT into a veth needs NAPI on the peer: GRO on.
		nsx "$be" ethtool -K eth0 gro on >/dev/null 2>&1
		# Count the ICMP errors each backend receives.
		nsx "$be" nft 'add table inet c; add counter inet c ptb;
			add chain inet c pre { type filter hook prerouting priority -400; };
			add rule inet c pre icmp type destination-unreachable counter name ptb;
			add rule inet c pre icmpv6 type packet-too-big counter name ptb' || return 1
	done
	ip -n "$RTR" neigh replace 10.1.0.3 lladdr "$(ip -n "$CLI" -br link show eth0 | awk '{print $3}')" dev rc nud permanent
	nsx "$RTR" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		net.ipv4.fib_multipath_hash_policy=1 net.ipv6.fib_multipath_hash_policy=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.rc.rp_filter=0
	ip -n "$RTR" route add $VIP4/32 nexthop via 10.2.1.2 dev b1 nexthop via 10.2.2.2 dev b2 &&
	ip -n "$RTR" -6 route add $VIP6/128 nexthop via fd00:2:1::2 dev b1 nexthop via fd00:2:2::2 dev b2
}
setup || { fail "hostile_flood/setup" "topology"; exit 1; }
bpffs_new || { fail "hostile_flood/setup" "bpffs mount"; exit 1; }
if ! out=$(mtug "$RTR" attach rc 2>&1) || ! mtug "$RTR" ptb mode fib --iface rc >/dev/null; then
	fail "hostile_flood/setup" "attach: $out"
	exit 1
fi

COUNTERS=(ptb_seen ptb_steered ptb_broadcast ptb_invalid ptb_mtu_too_small ptb_rate_limited ptb_local fib_miss fib_deferred)
snap() { # -> "name=value ..." of the counters
	mtug "$RTR" stats --json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
for k in ("counters", "total"):
    if isinstance(d.get(k), dict):
        d = d[k]
print(" ".join("%s=%d" % (n, int(d.get(n, 0))) for n in sys.argv[1:]))' "${COUNTERS[@]}"
}
val() { # snap name
	local kv
	for kv in $1; do [ "${kv%%=*}" = "$2" ] && echo "${kv#*=}" && return; done
	echo 0
}
be_ptbs() { # total ICMP errors received by the backends
	local n=0 be c
	for be in "$BE1" "$BE2"; do
		c=$(nsx "$be" nft list counter inet c ptb 2>/dev/null | grep -o 'packets [0-9]*' | grep -o '[0-9]*')
		n=$((n + ${c:-0}))
	done
	echo $n
}

MAC=02:00:00:f1:00:01
sent_total=0
# flood CLASS FAM N: send and wait for ptb_seen to account for all of them.
flood() {
	local cls=$1 fam=$2 n=$3 b a i
	b=$(val "$(snap)" ptb_seen)
	nsx "$CLI" "${FLOOD[@]}" send eth0 "$MAC" "$cls" "$fam" "$n" --seed "$RANDOM" >/dev/null || return 1
	sent_total=$((sent_total + n))
	for i in $(seq 50); do
		a=$(val "$(snap)" ptb_seen)
		[ $((a - b)) -ge "$n" ] && return 0
		sleep 0.1
	done
	return 0
}

# check PHASE CLASS FAM N WANT_COUNTER: the deltas of one flood
check() {
	local phase=$1 cls=$2 fam=$3 n=$4 want=$5 before=$6 after=$7 why="" c d
	for c in "${COUNTERS[@]}"; do
		d=$(( $(val "$after" "$c") - $(val "$before" "$c") ))
		case $c in
		ptb_seen) [ "$d" -eq "$n" ] || why="$why ptb_seen +$d (sent $n);" ;;
		"$want") [ "$d" -eq "$n" ] || why="$why $c +$d (want +$n);" ;;
		ptb_rate_limited) ;;
		*) [ "$d" -eq 0 ] || why="$why $c +$d;" ;;
		esac
	done
	if [ -z "$why" ]; then
		pass "hostile_flood/$phase/$cls/v$fam ($n sent: $want +$n, nothing else)"
	else
		fail "hostile_flood/$phase/$cls/v$fam" "${why% ;}"
	fi
}

FORGED=$("${FLOOD[@]}" classes | awk '$1 != "genuine" {print $1}')

# ---- phase 1: fib mode, invalid pass ----------------------------------------------------
for fam in 4 6; do
	for cls in genuine $FORGED; do
		want=$("${FLOOD[@]}" classes | awk -v c="$cls" '$1 == c {print $2}')
		before=$(snap)
		flood "$cls" "$fam" "$N" || { fail "hostile_flood/fib/$cls/v$fam" "send failed"; continue; }
		check fib "$cls" "$fam" "$N" "$want" "$before" "$(snap)"
	done
done

# ---- phase 2: fib mode, invalid drop: no forged error reaches a backend -----------------
mtug "$RTR" ptb invalid drop >/dev/null
be_before=$(be_ptbs)
n2=0
for fam in 4 6; do
	for cls in $FORGED; do
		want=$("${FLOOD[@]}" classes | awk -v c="$cls" '$1 == c {print $2}')
		before=$(snap)
		flood "$cls" "$fam" "$N" || { fail "hostile_flood/drop/$cls/v$fam" "send failed"; continue; }
		check drop "$cls" "$fam" "$N" "$want" "$before" "$(snap)"
		n2=$((n2 + N))
	done
done
sleep 0.5
be_after=$(be_ptbs)
if [ "$be_after" -eq "$be_before" ]; then
	pass "hostile_flood/drop/backends_untouched ($n2 forged errors dropped, backends received 0)"
else
	fail "hostile_flood/drop/backends_untouched" "backends received $((be_after - be_before)) of $n2 forged errors"
fi
# genuine errors still steered, and do reach the backends
before=$(snap)
flood genuine 4 "$N"
check drop genuine 4 "$N" ptb_steered "$before" "$(snap)"
sleep 0.5
got=$(( $(be_ptbs) - be_after ))
if [ "$got" -eq "$N" ]; then
	pass "hostile_flood/drop/genuine_delivered ($N genuine errors steered, all received by the backends)"
else
	fail "hostile_flood/drop/genuine_delivered" "backends received $got of $N steered errors"
fi

# ---- phase 3: broadcast mode, rate 100/s ----------------------------------------------------
mtug "$RTR" ptb invalid pass >/dev/null
mtug "$RTR" ptb mode broadcast --iface rc >/dev/null
mtug "$RTR" ptb rate 100 >/dev/null
for fam in 4 6; do
	for cls in random_tuple bad_csum mtu_small quote_error; do
		want=$("${FLOOD[@]}" classes | awk -v c="$cls" '$1 == c {print $2}')
		before=$(snap)
		flood "$cls" "$fam" "$N"
		check bcast "$cls" "$fam" "$N" "$want" "$before" "$(snap)"
	done
done
G=$((N * 4))
before=$(snap)
t0=$(date +%s.%N)
flood genuine 4 "$G"
t1=$(date +%s.%N)
after=$(snap)
b=$(( $(val "$after" ptb_broadcast) - $(val "$before" ptb_broadcast) ))
r=$(( $(val "$after" ptb_rate_limited) - $(val "$before" ptb_rate_limited) ))
s=$(( $(val "$after" ptb_steered) - $(val "$before" ptb_steered) ))
# budget: a burst of one second (100) per CPU, plus 100/s per CPU meanwhile
cpus=$(nproc)
budget=$(python3 -c "import math; print(int(math.ceil(($t1 - $t0 + 1.5) * 100 * $cpus)))")
if [ $((b + r)) -eq "$G" ] && [ "$b" -ge 1 ] && [ "$b" -le "$budget" ] && [ "$s" -eq 0 ]; then
	pass "hostile_flood/bcast/genuine_rate_limited ($G genuine: broadcast $b (budget $budget), rate limited $r)"
else
	fail "hostile_flood/bcast/genuine_rate_limited" "broadcast $b + rate limited $r of $G (budget $budget), steered $s"
fi
log "frames sent: $sent_total"
exit 0
