# shellcheck shell=bash
# scenario_2.sh - ICMP lost behind ECMP, fixed on the router (ptb mode fib).
#
#   client ---- hop ------------- rtr ==== ECMP ==== be1 .. be4
#   eth0      hc    hr          rc    bN            eth0, VIP 10.200.0.1 on lo
#   MTU 1500  1400  1500        1500  1500          MTU 1500
#   10.1.0.X  10.1.0.1 10.3.0.1 10.3.0.2 10.2.N.1   10.2.N.2
#
# rtr has a multipath route to the VIP over the four backends, with
# fib_multipath_hash_policy=1: TCP flows spread over them.  The hop's link
# towards the client is 1400, so every full-size packet a backend sends
# makes the hop answer with a real ICMP Frag Needed, source 10.3.0.1,
# destination the VIP.  rtr has no ports to hash that ICMP by, so all of it
# goes to one backend: the flows on the others never learn the path MTU and
# stall.  Nothing drops ICMP here; it is misrouted.
#
# mtuguard on rtr's rc (where the ICMP arrives): `ptb mode fib` hashes each
# ICMP by the 5-tuple quoted inside it and sends it to that flow's backend.
# The flows themselves must be hashed by the same 5-tuple: rtr's kernel
# would use the skb hash they arrive with (the client socket's random txhash
# here, the NIC's RSS hash on real hardware), so in fib mode mtuguard's TC
# ingress program clears that hash and the kernel dissects the 5-tuple.
#
# XDP_REDIRECT into a veth needs NAPI on the peer: GRO on on every backend.

S2_NB=4
S2_FLOWS=20

s2_setup() {
	local i B nh=""
	ecmp_front $S2_FLOWS || return 1
	nsx "$R" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.fib_multipath_hash_policy=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 || return 1
	for i in $(seq 1 $S2_NB); do
		B=${BE[$i]}
		veth_new "$R" "b$i" "$B" eth0 || return 1
		ip -n "$R" addr add "10.2.$i.1/24" dev "b$i" &&
		ip -n "$B" addr add "10.2.$i.2/24" dev eth0 &&
		ip -n "$B" addr add "$VIP/32" dev lo &&
		ip -n "$B" route add default via "10.2.$i.1" || return 1
		endpoint_setup "$B" eth0
		nsx "$B" ethtool -K eth0 gro on >/dev/null 2>&1
		nh="$nh nexthop via 10.2.$i.2 dev b$i"
		bg "$B" "$MTUG_TMP/s2-be$i.log" "${PTBGEN[@]}" serve --addr "$VIP" --port 80 \
			--size "$ECMP_SIZE" --name "be$i" --timeout 20
	done
	# shellcheck disable=SC2086
	ip -n "$R" route add $VIP/32 $nh || return 1
	for i in $(seq 1 $S2_NB); do
		wait_until 5 tcp_listening "${BE[$i]}" 80 || return 1
	done
	ecmp_body || return 1
	wait_until 5 nsx "$C" curl -sf --max-time 1 -o /dev/null "http://$VIP/small"
}

scenario_2() {
	local C H R BE=() i NB=$S2_NB NFLOWS=$S2_FLOWS ok=1 off_st fix_done st0 steered
	# shellcheck disable=SC2034 # demo.sh prints it
	TITLE[2]="ECMP, ptb mode fib"
	hdr 2 "ICMP lost behind ECMP: the router sends every \"Frag Needed\" to one backend"
	{ C=$(ns_new s2-client) && H=$(ns_new s2-hop) && R=$(ns_new s2-rtr); } ||
		{ verdict 2 FAIL "cannot create namespaces"; return 1; }
	for i in $(seq 1 $NB); do
		BE[i]=$(ns_new "s2-be$i") || { verdict 2 FAIL "cannot create namespaces"; return 1; }
	done
	if ! s2_setup; then
		ns_diag "$C" "$H" "$R" >>"$DEMO_LOG" 2>&1
		verdict 2 FAIL "lab setup failed"
		return 1
	fi
	say "   client -- hop (MTU 1400 towards the client) -- router == ECMP == be1..be$NB (VIP $VIP)"
	say "   router: $(cmd "fib_multipath_hash_policy=1"), $(cmd "ip route add $VIP nexthop via be1 ... nexthop via be$NB")"
	say "   $NFLOWS parallel downloads of $(mb "$ECMP_SIZE") from the VIP, each from its own client address"
	keep_info 2 "s2-client s2-hop s2-rtr $(printf 's2-be%s ' $(seq 1 $NB))" s2-rtr s2-rtr \
		"s2-client curl -o /dev/null http://$VIP/big"

	ecmp_off_round off

	say "   $(bold "with mtuguard on the router"): $(cmd "mtuguard attach rc; mtuguard ptb mode fib --iface rc")"
	if ! mtug_at s2-rtr "$R" attach rc || ! mtug_at s2-rtr "$R" ptb mode fib --iface rc; then
		verdict 2 FAIL "mtuguard attach / ptb mode fib failed"
		return 1
	fi
	st0=$(counter_at s2-rtr "$R" ptb_steered)
	say_n "     $NFLOWS downloads: "
	ecmp_round fib $((100 + NFLOWS)) 20
	steered=$(( $(counter_at s2-rtr "$R" ptb_steered) - st0 ))
	fix_done=$DONE
	if [ "$DONE" = "$NFLOWS" ]; then
		say "$(ok "$DONE of $NFLOWS complete")"
	else
		say "$(bad "$DONE of $NFLOWS complete") ($STALLED stalled, $OTHER failed otherwise)"; ok=0
	fi
	ecmp_table off fib
	say "   mtuguard counters on the router: ptb_steered $steered (ICMP to its flow's backend)"
	[ "$steered" -ge 1 ] || ok=0
	mtug_at s2-rtr "$R" stats

	if [ "$ok" = 1 ]; then
		verdict 2 PASS "$NFLOWS transfers: $off_st stalled without, $fix_done of $NFLOWS complete with mtuguard"
	else
		ns_diag "$C" "$H" "$R" >>"$DEMO_LOG" 2>&1
		verdict 2 FAIL "$NFLOWS transfers: $off_st stalled without, $fix_done of $NFLOWS complete with mtuguard"
	fi
}
