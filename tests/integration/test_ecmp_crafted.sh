#!/bin/bash
# test_ecmp_crafted.sh - ICMP errors behind ECMP follow their flow with
# mtuguard `ptb mode fib`, and land on the wrong backend without it.
# Crafted packets, IPv4 and IPv6.
#
# Topology (namespaces, all veth):
#
#                                    +-- b1 ---- eth0  be1  (VIP on lo)
#   cli eth0 ------------ rc  rtr  --+-- b2 ---- eth0  be2  (VIP on lo)
#   10.1.0.2 (client)   10.1.0.1     +-- b3 ---- eth0  be3  (VIP on lo)
#   10.1.0.3 (a "hop")               +-- b4 ---- eth0  be4  (VIP on lo)
#   fd00:1::2, fd00:1::3  fd00:1::1      10.2.N.1 / fd00:2:N::1 on bN,
#                                        10.2.N.2 / fd00:2:N::2 on eth0
#
#   VIP 10.200.0.1/32 and fd00:200::1/128: a multipath route in rtr over
#   the four backends, net.ipv{4,6}.fib_multipath_hash_policy=1 (L4 hash).
#
# For each of FLOWS flows (client port, VIP port) the client first sends a
# real TCP SYN client:cport -> VIP:vport through rtr; a sniffer in each
# backend records who got it (tools/ptbgen.py sniff).  Then the "hop"
# address on the client side sends an ICMP Frag Needed (ICMPv6 Packet Too
# Big), MTU 1400, valid checksum, to the VIP, quoting the backend's reply
# VIP:vport -> client:cport.  Linux hashes that ICMP by its outer header
# only (hop -> VIP), so every one of them goes to one backend: about 3 in 4
# land on a backend that does not own the flow.  With mtuguard attached on
# rtr's client-facing interface rc (XDP native) and `ptb mode fib`, each
# one is forwarded by bpf_fib_lookup on the reversed quoted 5-tuple, i.e.
# to the flow's own backend: all of them, and ptb_steered counts each.
#
# XDP_REDIRECT into a veth (rc -> bN) needs NAPI on the receiving peer,
# the backend's eth0: an XDP program there or GRO on.  Without it veth
# drops redirected frames, so every backend turns GRO on (ethtool -K).
#
# ECMP_ONE_ARMED=1 (test_ecmp_one_armed.sh) builds the one-armed variant:
# client, rtr and the backends on one LAN (a bridge in its own namespace),
# rtr with a single interface rc; the multipath route's nexthops are on rc
# itself, so mtuguard sends each steered ICMP back out of rc with XDP_TX.
# veth passes XDP_TX frames on to its peer at once only when the peer runs
# an XDP program (GRO is not enough there: the frames would wait for the
# peer's next packet), so the bridge's port facing rtr runs
# tools/xdp_pass.bpf.c.  rtr sends no redirects and the client accepts
# none, so the client's traffic to the VIP keeps going through rtr.
# timeout: 300
set -u
. "$(dirname "$0")/lib.sh"

ONE_ARMED=${ECMP_ONE_ARMED:-0}
if [ "$ONE_ARMED" = 1 ]; then
	T=ecmp_one_armed
	lib_init ecmp1
	NB=2         # backends
else
	T=ecmp_crafted
	lib_init ecmpc
	NB=4         # backends
fi
FLOWS=${ECMP_FLOWS:-128}
BAD=20               # PTBs per invalid case
VIP4=10.200.0.1 VIP6=fd00:200::1
CLI4=10.1.0.2 HOP4=10.1.0.3 RTR4=10.1.0.1
CLI6=fd00:1::2 HOP6=fd00:1::3 RTR6=fd00:1::1
PTBGEN=(python3 "$MTUG_ROOT/tools/ptbgen.py")
NH4=""               # the VIP's IPv4 multipath nexthops (setup)

CLI=$(ns_new cli) || exit 1
RTR=$(ns_new rtr) || exit 1
BE=()
for i in $(seq 1 $NB); do
	BE[i]=$(ns_new "be$i") || exit 1
done
[ "$ONE_ARMED" = 1 ] && { LAN=$(ns_new lan) || exit 1; }

# The interface of rtr the backend i is reached through.
be_dev() { if [ "$ONE_ARMED" = 1 ]; then echo rc; else echo "b$1"; fi; }

# lan_port PORT NS IFACE: a bridge port PORT in LAN, its peer IFACE in NS.
lan_port() {
	veth_new "$LAN" "$1" "$2" "$3" && ip -n "$LAN" link set "$1" master br0
}

# One LAN: a bridge in LAN, one port each for cli, rtr and the backends.
setup_lan() {
	local i
	ip -n "$LAN" link add br0 type bridge &&
	ip -n "$LAN" link set br0 up &&
	lan_port pcli "$CLI" eth0 &&
	lan_port prtr "$RTR" rc || return 1
	for i in $(seq 1 $NB); do
		lan_port "pbe$i" "${BE[$i]}" eth0 || return 1
	done
	# An XDP program on the XDP_TX target (see the header).
	ip -n "$LAN" link set dev prtr xdpdrv obj "$BUILD/tools/xdp_pass.bpf.o" sec xdp ||
		return 1
	nsx "$RTR" sysctl -qw net.ipv4.conf.all.send_redirects=0 \
		net.ipv4.conf.rc.send_redirects=0 || return 1
	nsx "$CLI" sysctl -qw net.ipv4.conf.all.accept_redirects=0 \
		net.ipv4.conf.eth0.accept_redirects=0 net.ipv6.conf.all.accept_redirects=0 \
		net.ipv6.conf.eth0.accept_redirects=0 || return 1
}

setup() {
	local i nh6=""
	if [ "$ONE_ARMED" = 1 ]; then
		setup_lan || return 1
	else
		veth_new "$CLI" eth0 "$RTR" rc || return 1
	fi
	ip -n "$CLI" addr add $CLI4/24 dev eth0 &&
	ip -n "$CLI" addr add $HOP4/24 dev eth0 &&
	ip -n "$CLI" addr add $CLI6/64 dev eth0 nodad &&
	ip -n "$CLI" addr add $HOP6/64 dev eth0 nodad &&
	ip -n "$CLI" route add default via $RTR4 &&
	ip -n "$CLI" -6 route add default via $RTR6 &&
	ip -n "$RTR" addr add $RTR4/24 dev rc &&
	ip -n "$RTR" addr add $RTR6/64 dev rc nodad || return 1
	ns_forwarding "$RTR" || return 1
	nsx "$RTR" sysctl -qw net.ipv4.fib_multipath_hash_policy=1 \
		net.ipv6.fib_multipath_hash_policy=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 || return 1
	for i in $(seq 1 $NB); do
		if [ "$ONE_ARMED" = 1 ]; then
			ecmp_backend "${BE[$i]}" "10.1.0.$((10 + i))/24" "fd00:1::$((10 + i))/64" \
				$RTR4 $RTR6 $VIP4 $VIP6 || return 1
			NH4="$NH4 nexthop via 10.1.0.$((10 + i)) dev rc"
			nh6="$nh6 nexthop via fd00:1::$((10 + i)) dev rc"
			continue
		fi
		veth_new "$RTR" "b$i" "${BE[$i]}" eth0 || return 1
		nsx "$RTR" sysctl -qw "net.ipv4.conf.b$i.rp_filter=0"
		ip -n "$RTR" addr add "10.2.$i.1/24" dev "b$i" &&
		ip -n "$RTR" addr add "fd00:2:$i::1/64" dev "b$i" nodad || return 1
		ecmp_backend "${BE[$i]}" "10.2.$i.2/24" "fd00:2:$i::2/64" \
			"10.2.$i.1" "fd00:2:$i::1" $VIP4 $VIP6 || return 1
		# NAPI on the redirect target (see the header).
		nsx "${BE[$i]}" ethtool -K eth0 gro on >/dev/null || return 1
		NH4="$NH4 nexthop via 10.2.$i.2 dev b$i"
		nh6="$nh6 nexthop via fd00:2:$i::2 dev b$i"
	done
	# shellcheck disable=SC2086 # the nexthop list is several words
	ip -n "$RTR" route add $VIP4/32 $NH4 || return 1
	# shellcheck disable=SC2086 # the nexthop list is several words
	ip -n "$RTR" -6 route add $VIP6/128 $nh6 || return 1

	for i in $(seq 1 $NB); do
		bg "${BE[$i]}" "$MTUG_TMP/be$i.sniff" "${PTBGEN[@]}" sniff --iface eth0 \
			--vip $VIP4 --vip $VIP6
	done
	for i in $(seq 1 $NB); do
		wait_until 5 grep -q '^ready' "$MTUG_TMP/be$i.sniff" ||
			{ echo "# sniffer in be$i did not start"; return 1; }
	done
	# Resolve every neighbour before anything is counted: a few SYNs
	# (ports outside the measured ranges) spread over all backends.
	"${PTBGEN[@]}" flows 64 --seed 999 --base 1000 >"$MTUG_TMP/warm"
	nsx "$CLI" "${PTBGEN[@]}" syn --src "$CLI4" --dst "$VIP4" --flows "$MTUG_TMP/warm" >/dev/null &&
	nsx "$CLI" "${PTBGEN[@]}" syn --src "$CLI6" --dst "$VIP6" --flows "$MTUG_TMP/warm" >/dev/null ||
		return 1
	sleep 1
	# ... and again, now that the first ones resolved them.
	nsx "$CLI" "${PTBGEN[@]}" syn --src "$CLI4" --dst "$VIP4" --flows "$MTUG_TMP/warm" >/dev/null
	nsx "$CLI" "${PTBGEN[@]}" syn --src "$CLI6" --dst "$VIP6" --flows "$MTUG_TMP/warm" >/dev/null
	return 0
}

sniff_logs() {
	local i
	for i in $(seq 1 $NB); do
		printf ' be%d=%s' "$i" "$MTUG_TMP/be$i.sniff"
	done
}

# tally FLOWSFILE FAM: sets TALLY_* from `ptbgen.py tally`.
tally() {
	local k v
	# shellcheck disable=SC2046 # one argument per sniff log
	while IFS='=' read -r k v; do
		printf -v "TALLY_$k" '%s' "$v"
	done < <("${PTBGEN[@]}" tally --flows "$1" --fam "$2" $(sniff_logs))
}

# wait_tally FLOWSFILE FAM KEY N: poll until TALLY_KEY >= N (5 s at most).
wait_tally() {
	local i v
	for ((i = 0; i < 50; i++)); do
		tally "$1" "$2"
		v=TALLY_$3
		[ "${!v:-0}" -ge "$4" ] && return 0
		sleep 0.1
	done
	return 1
}

tally_line() {
	# shellcheck disable=SC2154 # TALLY_* are set by tally()
	echo "flows=$TALLY_flows syn_seen=$TALLY_syn_seen ptb_seen=$TALLY_ptb_seen" \
		"ptb_total=$TALLY_ptb_total right=$TALLY_right wrong=$TALLY_wrong" \
		"(${TALLY_wrong_pct}%) dup_syn=$TALLY_dup_syn dup_ptb=$TALLY_dup_ptb" \
		"syn_per_backend=$TALLY_syn_per_backend ptb_per_backend=$TALLY_ptb_per_backend"
}

diag() {
	echo "# ---- diagnostics"
	ns_diag "$RTR"
	ip -n "$RTR" neigh 2>&1 | sed 's/^/  neigh /'
	if [ "$ONE_ARMED" = 1 ]; then
		nsx "$RTR" ethtool -S rc 2>&1 | grep -E 'xdp|drop' | sed 's/^/  rc /'
		ip -n "$LAN" -s link show prtr 2>&1 | sed 's/^/  /'
	fi
	local i
	for i in $(seq 1 $NB); do
		echo "--- be$i sniffer: $(grep -c '^SYN' "$MTUG_TMP/be$i.sniff") SYN," \
			"$(grep -c '^PTB' "$MTUG_TMP/be$i.sniff") PTB"
	done
	if [ -n "$MTUG_PIN_DIR" ] && [ -x "$MTUG_BIN" ]; then
		echo "--- mtuguard status / stats"
		mtug "$RTR" status 2>&1 | sed 's/^/  /'
		mtug "$RTR" stats --json 2>&1 | sed 's/^/  /'
	fi
}

# run_phase NAME FAM SEED [flush]: SYNs, then PTBs, for FLOWS new flows;
# sets TALLY_*, and FLOWFILE.  With "flush", rtr forgets its neighbours
# between the two, so XDP finds them unresolved and defers to TC.
run_phase() {
	local name=$1 fam=$2 seed=$3 flush=${4:-} cli vip hop i
	if [ "$fam" = 4 ]; then cli=$CLI4 vip=$VIP4 hop=$HOP4; else cli=$CLI6 vip=$VIP6 hop=$HOP6; fi
	FLOWFILE=$MTUG_TMP/flows.$name
	# Each phase its own client ports: the sniffer logs keep everything.
	"${PTBGEN[@]}" flows "$FLOWS" --seed "$seed" --base $((10000 + seed * 1000)) >"$FLOWFILE"
	nsx "$CLI" "${PTBGEN[@]}" syn --src "$cli" --dst "$vip" --flows "$FLOWFILE" >/dev/null ||
		{ echo "# sending SYNs failed"; return 1; }
	wait_tally "$FLOWFILE" "$fam" syn_seen "$FLOWS" ||
		{ echo "# $name: not every SYN reached a backend: $(tally_line)"; return 1; }
	if [ "$flush" = flush ]; then
		for i in $(seq 1 $NB); do
			ip -n "$RTR" -"$fam" neigh flush dev "$(be_dev "$i")"
		done
		log "$name: rtr neighbours towards the backends: $(ip -n "$RTR" -"$fam" neigh show |
			grep -c " dev $(be_dev 1)")"
	fi
	nsx "$CLI" "${PTBGEN[@]}" ptb --src "$hop" --dst "$vip" --client "$cli" --mtu 1400 \
		--flows "$FLOWFILE" >/dev/null || { echo "# sending PTBs failed"; return 1; }
	wait_tally "$FLOWFILE" "$fam" ptb_total "$FLOWS" ||
		{ echo "# $name: not every PTB reached a backend: $(tally_line)"; return 1; }
	sleep 0.2 # duplicates, if any, show up too
	tally "$FLOWFILE" "$fam"
	log "$name: $(tally_line)"
}

if ! setup; then
	fail "${T}_setup" "topology setup failed"
	diag
	exit 1
fi
pass "${T}_setup"

# ---- without mtuguard: the kernel sends the ICMP where it likes -------------

declare -A WRONG_PCT
seed=1
for fam in 4 6; do
	if run_phase "off_v$fam" "$fam" $seed; then
		WRONG_PCT[$fam]=$TALLY_wrong_pct
		# 30 % of the flows at least: with four backends about 75 %.
		# shellcheck disable=SC2154 # TALLY_* are set by tally()
		if [ "$TALLY_matched" = "$FLOWS" ] &&
		   [ "$((TALLY_wrong * 100))" -ge "$((FLOWS * 30))" ]; then
			pass "${T}_v${fam}_misrouted_without_mtuguard"
		else
			fail "${T}_v${fam}_misrouted_without_mtuguard" \
				"wrong backend for $TALLY_wrong of $FLOWS PTBs (${TALLY_wrong_pct}%), want >= 30%"
			diag
		fi
	else
		fail "${T}_v${fam}_misrouted_without_mtuguard" "phase failed"
		diag
	fi
	seed=$((seed + 1))
done

# ---- with mtuguard ptb mode fib ---------------------------------------------

mtug_start_fib "$RTR" rc
case $? in
0) pass "${T}_attach" ;;
2) skip "${T}_with_mtuguard" "$MTUG_START_ERR"; exit "$(fail_count)" ;;
*) fail "${T}_attach" "$MTUG_START_ERR"; diag; exit 1 ;;
esac

# counter NAME: one counter, or an error line and empty.
counter() { mtug_counter "$RTR" "$1"; }

# fib_case FAM SUFFIX [flush]: one phase with mtuguard; every PTB on its
# flow's backend, ptb_seen and ptb_steered +FLOWS.
fib_case() {
	local fam=$1 sfx=$2 flush=${3:-} s0 s1 seen0 seen1
	s0=$(counter ptb_steered) seen0=$(counter ptb_seen)
	if run_phase "fib_v$fam$sfx" "$fam" $seed "$flush"; then
		s1=$(counter ptb_steered) seen1=$(counter ptb_seen)
		log "fib_v$fam$sfx: ptb_seen +$((seen1 - seen0)) ptb_steered +$((s1 - s0))"
		if [ "$TALLY_right" = "$FLOWS" ] && [ "$TALLY_wrong" = 0 ] &&
		   [ "$TALLY_dup_ptb" = 0 ]; then
			pass "${T}_v${fam}_ptb_follows_flow_with_mtuguard$sfx"
		else
			fail "${T}_v${fam}_ptb_follows_flow_with_mtuguard$sfx" \
				"right backend for $TALLY_right of $FLOWS PTBs, wrong $TALLY_wrong, duplicates $TALLY_dup_ptb"
			diag
		fi
		if [ "$((s1 - s0))" = "$FLOWS" ] && [ "$((seen1 - seen0))" = "$FLOWS" ]; then
			pass "${T}_v${fam}_ptb_steered_counter$sfx"
		else
			fail "${T}_v${fam}_ptb_steered_counter$sfx" \
				"ptb_steered +$((s1 - s0)), ptb_seen +$((seen1 - seen0)), want +$FLOWS each"
			diag
		fi
	else
		fail "${T}_v${fam}_ptb_follows_flow_with_mtuguard$sfx" "phase failed"
		diag
	fi
	seed=$((seed + 1))
}

for fam in 4 6; do
	fib_case "$fam" ""
done
# The same with rtr's neighbours towards the backends flushed after the
# SYNs: XDP's lookup says "no neighbour", tags the frame and passes it; TC
# ingress finishes with bpf_redirect_neigh, which resolves the neighbour.
for fam in 4 6; do
	fib_case "$fam" _neigh_unresolved flush
done

# ---- the kernel's routing policy, not only its main table ---------------------
#
# mtuguard looks IPv4 up in the main table straight (BPF_FIB_LOOKUP_DIRECT)
# only while that is what the kernel's full lookup does too: the namespace
# has never had an ip rule of its own and has no "default" table (253)
# (bpf/fib.h).  Each variant of this test breaks one of the two, in rtr,
# which had neither so far; the other variant's condition holds still, so
# each check is tested alone (both are one-way: a namespace keeps its
# default table and its custom-rules mark for good).  IPv6 always takes the
# full lookup; the ip rule variant runs for it all the same.
#   crafted:   the VIP's route only in table "default", which the kernel
#              tries after a miss in main (IPv4 only: IPv6 has no rule
#              for that table).
#   one-armed: an ip rule: the client's traffic takes table 100, whose
#              route to the VIP has the first backend only.  The SYNs follow
#              it, so their PTBs must too.
policy_routes() { # ACTION FAM: add/del the policy variant's routes
	local act=$1 fam=$2 vip cli first
	if [ "$fam" = 4 ]; then vip=$VIP4/32 cli=$CLI4; else vip=$VIP6/128 cli=$CLI6; fi
	if [ "$ONE_ARMED" = 1 ]; then
		if [ "$fam" = 4 ]; then first="via 10.1.0.11 dev rc"; else first="via fd00:1::11 dev rc"; fi
		# shellcheck disable=SC2086 # $first is a nexthop of several words
		ip -n "$RTR" -"$fam" rule "$act" from "$cli" lookup 100 pref 100 &&
		ip -n "$RTR" -"$fam" route "$act" "$vip" table 100 $first
	else
		# IPv4 only (see above)
		# shellcheck disable=SC2086 # the nexthop list is several words
		if [ "$act" = add ]; then
			ip -n "$RTR" route del "$vip" &&
			ip -n "$RTR" route add "$vip" table default $NH4
		else
			ip -n "$RTR" route del "$vip" table default &&
			ip -n "$RTR" route add "$vip" $NH4
		fi
	fi
}
if [ "$ONE_ARMED" = 1 ]; then policy=_ip_rule; else policy=_route_in_default_table; fi
for fam in 4 6; do
	[ "$ONE_ARMED" = 0 ] && [ "$fam" = 6 ] && continue
	if policy_routes add "$fam"; then
		log "rtr routing policy (v$fam$policy): $(ip -n "$RTR" -"$fam" rule show | tr '\n' ';')"
		fib_case "$fam" "$policy"
		policy_routes del "$fam" ||
			fail "${T}_v${fam}_policy_restore" "could not undo the $policy routes"
	else
		fail "${T}_v${fam}_ptb_follows_flow_with_mtuguard$policy" "could not set up the routes"
	fi
done

# ---- invalid PTBs are never steered -------------------------------------------

# bad_case NAME FAM COUNTER ptbgen-args...: send BAD PTBs (fresh flows, no
# SYN needed), expect COUNTER +BAD, ptb_steered +0, and each one still
# delivered (invalid ones are passed to the stack by default).
bad_case() {
	local name=$1 fam=$2 cname=$3 cli vip hop f c0 c1 s0 s1 t
	shift 3
	if [ "$fam" = 4 ]; then cli=$CLI4 vip=$VIP4 hop=$HOP4; else cli=$CLI6 vip=$VIP6 hop=$HOP6; fi
	f=$MTUG_TMP/flows.$name
	"${PTBGEN[@]}" flows "$BAD" --seed "$seed" --base $((10000 + seed * 1000)) >"$f"
	seed=$((seed + 1))
	c0=$(counter "$cname") s0=$(counter ptb_steered)
	nsx "$CLI" "${PTBGEN[@]}" ptb --src "$hop" --dst "$vip" --client "$cli" \
		--flows "$f" "$@" >/dev/null
	wait_tally "$f" "$fam" ptb_total $BAD
	t=$TALLY_ptb_total
	c1=$(counter "$cname") s1=$(counter ptb_steered)
	log "$name: $cname +$((c1 - c0)), ptb_steered +$((s1 - s0)), delivered $t of $BAD"
	if [ "$((c1 - c0))" = $BAD ] && [ "$s1" = "$s0" ] && [ "$t" = $BAD ]; then
		pass "${T}_$name"
	else
		fail "${T}_$name" "$cname +$((c1 - c0)) ptb_steered +$((s1 - s0)) delivered $t, want +$BAD, +0, $BAD"
		diag
	fi
}

bad_case v4_bad_checksum_not_steered 4 ptb_invalid --bad-csum --mtu 1400
bad_case v6_bad_checksum_not_steered 6 ptb_invalid --bad-csum --mtu 1400
bad_case v4_mtu_below_floor_not_steered 4 ptb_mtu_too_small --mtu 500
bad_case v6_mtu_below_floor_not_steered 6 ptb_mtu_too_small --mtu 1200
# A floor set by the CLI.
if out=$(mtug "$RTR" ptb min-mtu 1450 1450 2>&1); then
	bad_case v4_mtu_below_set_floor_not_steered 4 ptb_mtu_too_small --mtu 1400
	bad_case v6_mtu_below_set_floor_not_steered 6 ptb_mtu_too_small --mtu 1400
	mtug "$RTR" ptb min-mtu 552 1280 >/dev/null 2>&1
else
	fail "${T}_ptb_min_mtu" "ptb min-mtu 1450 1450 failed: $out"
fi

log "misrouted without mtuguard: v4 ${WRONG_PCT[4]:-?}%, v6 ${WRONG_PCT[6]:-?}% of $FLOWS flows, $NB backends"
mtug "$RTR" stats --json 2>/dev/null | tr -d '\n' | sed 's/^/# stats: /'; echo
mtug "$RTR" detach --all >/dev/null 2>&1
exit "$(fail_count)"
