# shellcheck shell=bash
# scenario_3.sh - ICMP lost behind an ECMP router the servers do not run,
# fixed on the servers (ptb mode broadcast).
#
#   client ---- hop ------------ rtr --- lan ---[ sw: bridge ]--- eth0 be1 .. be4
#   eth0      hc    hr         rc    lan                             10.4.0.1N
#   MTU 1500  1400  1500             10.4.0.1/24                     VIP on lo
#
# The same failure as scenario 2, but the ECMP router is someone else's:
# plain Linux, fib_multipath_hash_policy=1, a multipath route to the VIP
# over the four backends' LAN addresses, no mtuguard.  It sends all the
# hop's ICMP Frag Needed to one backend.  The backends share one L2
# segment (a bridge in its own namespace, the "switch") and each runs
# mtuguard on its LAN interface in `ptb mode broadcast`: the backend that
# gets an ICMP error passes it to its own stack and sends a clone to the
# Ethernet broadcast address, so every backend's stack sees it (Linux takes
# a unicast-IP frame with a broadcast MAC, drop_unicast_in_l2_multicast is
# 0 by default), and the one that owns the flow lowers its path MTU.  The
# router drops the clone (it does not forward frames not sent to its MAC);
# a clone is never broadcast again.

S3_NB=4
S3_FLOWS=20

s3_setup() {
	local i B nh=""
	ecmp_front $S3_FLOWS || return 1
	nsx "$R" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.fib_multipath_hash_policy=1 || return 1
	# The LAN: a bridge in the switch namespace, one port per machine.
	ip -n "$W" link add br0 type bridge && ip -n "$W" link set br0 up || return 1
	veth_new "$R" lan "$W" p0 && ip -n "$W" link set p0 master br0 || return 1
	ip -n "$R" addr add 10.4.0.1/24 dev lan || return 1
	for i in $(seq 1 $S3_NB); do
		B=${BE[$i]}
		veth_new "$B" eth0 "$W" "p$i" && ip -n "$W" link set "p$i" master br0 || return 1
		ip -n "$B" addr add "10.4.0.1$i/24" dev eth0 &&
		ip -n "$B" addr add "$VIP/32" dev lo &&
		ip -n "$B" route add default via 10.4.0.1 || return 1
		endpoint_setup "$B" eth0
		nh="$nh nexthop via 10.4.0.1$i dev lan"
		bg "$B" "$MTUG_TMP/s3-be$i.log" "${PTBGEN[@]}" serve --addr "$VIP" --port 80 \
			--size "$ECMP_SIZE" --name "be$i" --timeout 20
	done
	# shellcheck disable=SC2086
	ip -n "$R" route add $VIP/32 $nh || return 1
	for i in $(seq 1 $S3_NB); do
		wait_until 5 tcp_listening "${BE[$i]}" 80 || return 1
	done
	ecmp_body || return 1
	wait_until 5 nsx "$C" curl -sf --max-time 1 -o /dev/null "http://$VIP/small"
}

# s3_bcast K: the broadcast clones backend K's mtuguard has sent.
s3_bcast() { counter_at "s3-be$1" "${BE[$1]}" ptb_broadcast; }

# mac NS IFACE: an interface's MAC address.
mac() { ip -n "$1" -o link show "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }

# s3_clone_macs FILE: "TOTAL FROM_ROUTER" -- the broadcast ICMP frames the
# switch saw, and how many of them carried the router's MAC as source.
s3_clone_macs() {
	awk -v r="$(mac "$R" lan)" '$3 == ">" && $4 == "ff:ff:ff:ff:ff:ff," { n++; if ($2 == r) m++ }
		END { print n + 0, m + 0 }' "$1"
}

scenario_3() {
	local C H R W BE=() i NB=$S3_NB NFLOWS=$S3_FLOWS ok=1 off_st fix_done tot=0 dump clones from_rtr
	# shellcheck disable=SC2034 # demo.sh prints it
	TITLE[3]="ECMP, ptb mode broadcast"
	hdr 3 "The same, behind an ECMP router you do not run: the servers share the ICMP"
	{ C=$(ns_new s3-client) && H=$(ns_new s3-hop) && R=$(ns_new s3-rtr) && W=$(ns_new s3-switch); } ||
		{ verdict 3 FAIL "cannot create namespaces"; return 1; }
	for i in $(seq 1 $NB); do
		BE[i]=$(ns_new "s3-be$i") || { verdict 3 FAIL "cannot create namespaces"; return 1; }
	done
	if ! s3_setup; then
		ns_diag "$C" "$H" "$R" "$W" >>"$DEMO_LOG" 2>&1
		verdict 3 FAIL "lab setup failed"
		return 1
	fi
	say "   client -- hop (MTU 1400) -- router (not yours: plain Linux ECMP) -- LAN switch -- be1..be$NB (VIP $VIP)"
	keep_info 3 "s3-client s3-hop s3-rtr s3-switch $(printf 's3-be%s ' $(seq 1 $NB))" s3-be1 s3-be1 \
		"s3-client curl -o /dev/null http://$VIP/big"

	ecmp_off_round off3

	say "   $(bold "with mtuguard on every backend"): $(cmd "mtuguard attach eth0; mtuguard ptb mode broadcast --iface eth0")"
	for i in $(seq 1 $NB); do
		if ! mtug_at "s3-be$i" "${BE[$i]}" attach eth0 ||
		   ! mtug_at "s3-be$i" "${BE[$i]}" ptb mode broadcast --iface eth0; then
			verdict 3 FAIL "mtuguard attach / ptb mode broadcast failed on be$i"
			return 1
		fi
	done
	# What the clones look like on the LAN (the switch's own port sees
	# every broadcast).
	bg "$W" "$MTUG_TMP/s3-lan.txt" tcpdump -l -n -e -i br0 'icmp and ether broadcast'
	dump=$BG_PID
	wait_until 5 grep -q 'listening on' "$MTUG_TMP/s3-lan.txt"
	say_n "     $NFLOWS downloads: "
	ecmp_round bc $((100 + NFLOWS)) 20 s3_bcast
	cap_stop "$dump"
	fix_done=$DONE
	if [ "$DONE" = "$NFLOWS" ]; then
		say "$(ok "$DONE of $NFLOWS complete")"
	else
		say "$(bad "$DONE of $NFLOWS complete") ($STALLED stalled, $OTHER failed otherwise)"; ok=0
	fi
	ecmp_table off3 bc "broadcast"
	for i in $(seq 1 $NB); do
		tot=$((tot + ${R_EXTRA[bc.$i]}))
		mtug_at "s3-be$i" "${BE[$i]}" stats
	done
	read -r clones from_rtr < <(s3_clone_macs "$MTUG_TMP/s3-lan.txt")
	say "   mtuguard counters: ptb_broadcast $tot (clones of the misrouted ICMP sent to the LAN; the switch saw $clones)"
	[ "$tot" -ge 1 ] || ok=0
	if [ "$from_rtr" -gt 0 ]; then
		# Measured with a datapath that keeps the original source MAC.
		say "   $(bad "$from_rtr of the $clones clones carry the router's MAC as their source"): the switch then learns"
		say "   the router's MAC on the sending backend's port (MAC flapping) and delivers the other backends'"
		say "   replies to that backend instead of the router.  The clone must carry its own interface's MAC."
		ok=0
	fi

	if [ "$ok" = 1 ]; then
		verdict 3 PASS "$NFLOWS transfers: $off_st stalled without, $fix_done of $NFLOWS complete with mtuguard"
	else
		ns_diag "$C" "$H" "$R" "$W" "${BE[@]:1}" >>"$DEMO_LOG" 2>&1
		verdict 3 FAIL "$NFLOWS transfers: $off_st stalled without, $fix_done of $NFLOWS complete with mtuguard"
	fi
}
