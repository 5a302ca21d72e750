# shellcheck shell=bash
# scenario_1.sh - the PMTUD black hole (seeds: the homelab VPN, the IPsec
# hybrid cloud, "Path MTU discovery in practice").
#
#   client ----- r1 ======= tunnel ======= r2 ----- server
#   eth0  10.0.1.2   rc   10.0.9.1  10.0.9.2   rs    eth0 10.0.3.2
#   MTU 1500        1500   tunnel MTU (1450)   1500  MTU 1500
#                        underlay rr -- rl (10.0.2.0/24, MTU 1500)
#
# Both ends have MTU 1500 and advertise MSS 1460; neither knows about the
# tunnel between the two gateways.  A full-size DF packet is too big for
# the tunnel, so the gateway forwarding it (r2 for the server's data)
# answers with ICMP "Fragmentation Needed" -- and the firewall on both
# gateways drops that ICMP: small requests work, a large download hangs.
# mtuguard on r1's client side clamps the SYN's MSS to the tunnel MTU - 40
# (`mtu add <server net> <tunnel MTU>`) and the download completes.
#
# Why two gateways, not a tunnel ending on the server: a server that is a
# tunnel endpoint knows the tunnel MTU and advertises a matching MSS
# itself, so TCP never sends anything too big: no black hole.
#
# The tunnel: the first of vxlan, gre, ipip that the kernel can create in a
# namespace (--tunnel picks one).  VXLAN first: the gre and ipip modules
# create fallback devices (gre0, tunl0) in every namespace, the host's
# included, on load.  None available: a 1400-MTU link between r1 and r2
# (the routers still generate, and drop, the ICMP), said so in the report.

S1_SIZE=$((8 * 1024 * 1024))
S1_MTU=""

# s1_tunnel R1 R2: create the tunnel, set S1_TUN (kind) and S1_MTU.
s1_tunnel() {
	local r1=$1 r2=$2 kinds k ok=""
	if [ "$TUNNEL" = auto ]; then kinds="vxlan gre ipip"; else kinds=$TUNNEL; fi
	for k in $kinds; do
		[ "$k" = none ] && break
		case $k in
		gre) modprobe -q ip_gre 2>/dev/null ;;
		*) modprobe -q "$k" 2>/dev/null ;;
		esac
		if s1_tunnel_add "$r1" t0 "$k" 10.0.2.1 10.0.2.2 rr &&
		   s1_tunnel_add "$r2" t0 "$k" 10.0.2.2 10.0.2.1 rl; then
			ok=$k
			break
		fi
		ip -n "$r1" link del t0 2>/dev/null
		note "no $k tunnel in a namespace here"
	done
	if [ -n "$ok" ]; then
		S1_TUN=$ok
		S1_MTU=$(ip -n "$r1" -o link show t0 | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
		ip -n "$r1" addr add 10.0.9.1/30 dev t0 &&
		ip -n "$r2" addr add 10.0.9.2/30 dev t0 &&
		ip -n "$r1" link set t0 up && ip -n "$r2" link set t0 up &&
		ip -n "$r1" route add 10.0.3.0/24 via 10.0.9.2 dev t0 &&
		ip -n "$r2" route add 10.0.1.0/24 via 10.0.9.1 dev t0
	else
		# No tunnel: the small hop is the r1 -- r2 link itself.
		S1_TUN=none
		S1_MTU=1400
		ip -n "$r1" link set rr mtu 1400 && ip -n "$r2" link set rl mtu 1400 &&
		ip -n "$r1" route add 10.0.3.0/24 via 10.0.2.2 &&
		ip -n "$r2" route add 10.0.1.0/24 via 10.0.2.1
	fi
}

s1_tunnel_add() { # NS DEV KIND LOCAL REMOTE LOWER
	case $3 in
	vxlan) ip -n "$1" link add "$2" type vxlan id 42 local "$4" remote "$5" dstport 4789 dev "$6" ;;
	gre | ipip) ip -n "$1" link add "$2" type "$3" local "$4" remote "$5" ttl 64 ;;
	*) return 1 ;;
	esac 2>>"$DEMO_LOG"
}

s1_setup() {
	veth_new "$C" eth0 "$R1" rc && veth_new "$R1" rr "$R2" rl &&
	veth_new "$R2" rs "$S" eth0 || return 1
	ip -n "$C" addr add 10.0.1.2/24 dev eth0 &&
	ip -n "$R1" addr add 10.0.1.1/24 dev rc &&
	ip -n "$R1" addr add 10.0.2.1/24 dev rr &&
	ip -n "$R2" addr add 10.0.2.2/24 dev rl &&
	ip -n "$R2" addr add 10.0.3.1/24 dev rs &&
	ip -n "$S" addr add 10.0.3.2/24 dev eth0 &&
	ip -n "$C" route add default via 10.0.1.1 &&
	ip -n "$S" route add default via 10.0.3.1 || return 1
	nsx "$R1" sysctl -qw net.ipv4.ip_forward=1 && nsx "$R2" sysctl -qw net.ipv4.ip_forward=1 || return 1
	s1_tunnel "$R1" "$R2" || return 1
	no_icmp_firewall "$R1" && no_icmp_firewall "$R2" || return 1
	endpoint_setup "$C" eth0 && endpoint_setup "$S" eth0 || return 1
	ecmp_body_s1 || return 1
	bg "$S" "$MTUG_TMP/s1-server.log" "${PTBGEN[@]}" serve --addr 10.0.3.2 --port 80 \
		--size "$S1_SIZE" --name server --timeout 20
	wait_until 5 tcp_listening "$S" 80 || return 1
	wait_until 5 nsx "$C" curl -sf --max-time 1 -o /dev/null http://10.0.3.2/small
}

ecmp_body_s1() {
	python3 "$MTUG_ROOT/tools/ptbgen.py" body-sha --size "$S1_SIZE" >"$MTUG_TMP/s1-sha"
}

s1_get_big() { # NAME MAXSECS
	get "$C" http://10.0.3.2/big "$MTUG_TMP/s1-$1" "$2"
	SHA_OK=0
	[ "$RC" = 0 ] && [ "$GOT" = "$S1_SIZE" ] &&
		[ "$(sha256sum <"$MTUG_TMP/s1-$1" | cut -d' ' -f1)" = "$(cat "$MTUG_TMP/s1-sha")" ] && SHA_OK=1
}

# s1_jumbo R1: one line about jumbo frames: r1 gets a second link at MTU
# 9000 (a veth pair of its own), mtuguard attaches to it in native XDP mode
# and lets it go again.  Native XDP at that MTU takes a kernel with
# multi-buffer XDP (5.18+); elsewhere the line shows the CLI's refusal.
s1_jumbo() {
	local r1=$1 err
	ip -n "$r1" link add j0 mtu 9000 type veth peer name j1 mtu 9000 &&
		ip -n "$r1" link set j0 up && ip -n "$r1" link set j1 up || return 1
	say_n "   jumbo frames: r1's link j0 has MTU 9000: $(cmd "mtuguard attach j0")  "
	if mtug_at s1-r1 "$r1" attach j0 --mode native; then
		# The kind of program as status names it.
		mtug_at s1-r1 "$r1" status
		say "$(ok attached) (native XDP, $(grep -o 'j0 (ifindex [0-9]*): xdp native [a-z]*-buffer' \
			"$DEMO_LOG" | tail -n 1 | sed 's/.* //'))"
		mtug_at s1-r1 "$r1" detach j0
	else
		err=$(grep '^mtuguard: ' "$DEMO_LOG" | tail -n 1)
		say "$(warn "refused"): ${err#mtuguard: }"
	fi
	ip -n "$r1" link del j0
}

scenario_1() {
	local C R1 R2 S what what2 d0 d1 d2 mss0 mss1 mssa c_syn c_cl ok=1 t_fix
	# shellcheck disable=SC2034 # demo.sh prints it
	TITLE[1]="tunnel black hole"
	hdr 1 "PMTUD black hole: a tunnel, and a firewall that drops ICMP \"Fragmentation Needed\""
	{ C=$(ns_new s1-client) && R1=$(ns_new s1-r1) && R2=$(ns_new s1-r2) && S=$(ns_new s1-server); } ||
		{ verdict 1 FAIL "cannot create namespaces"; return 1; }
	if ! s1_setup; then
		ns_diag "$C" "$R1" "$R2" "$S" >>"$DEMO_LOG" 2>&1
		verdict 1 FAIL "lab setup failed"
		return 1
	fi
	if [ "$S1_TUN" = none ]; then
		what="link, MTU 1400"
		case $TUNNEL in
		auto) what2="no VXLAN, GRE or IPIP tunnel can be created in a namespace here" ;;
		none) what2="--tunnel none" ;;
		*) what2="no $TUNNEL tunnel can be created in a namespace here" ;;
		esac
		say "   $(warn "$what2: a 1400-MTU link between r1 and r2 stands in for the tunnel")"
	else
		what="$S1_TUN tunnel, MTU $S1_MTU"
	fi
	say "   client -- r1 == $what == r2 -- server      $(dim "both ends MTU 1500")"
	say "   firewall on r1 and r2: $(cmd "iptables -A OUTPUT -p icmp --icmp-type fragmentation-needed -j DROP")"
	keep_info 1 "s1-client s1-r1 s1-r2 s1-server" s1-r1 s1-r1 \
		"s1-client curl -o /dev/null http://10.0.3.2/big"

	# ---- without mtuguard
	say "   $(bold "without mtuguard")"
	get "$C" http://10.0.3.2/small "$MTUG_TMP/s1-small" 5
	if [ "$RC" = 0 ] && [ "$GOT" = 100 ]; then
		say "     GET /small  100 B    $(ok complete) in $SECS s     $(dim "(small packets fit through)")"
	else
		say "     GET /small  100 B    $(bad "failed") (curl rc $RC)"; ok=0
	fi
	cap_start "$S" eth0 "$MTUG_TMP/s1-syn0.txt" "$CAP_SYN_FILTER"; local dump=$BG_PID
	d0=$(fw_drops "$R1" "$R2")
	say_n "     GET /big    $(printf '%-9s' "$(mb $S1_SIZE)")"
	s1_get_big stall 8
	d1=$(fw_drops "$R1" "$R2")
	cap_stop "$dump"
	mss0=$(first_mss "$MTUG_TMP/s1-syn0.txt" S)
	if [ "$RC" = 28 ] && [ "$CODE" = 200 ] && [ "$GOT" -lt "$S1_SIZE" ]; then
		say "$(bad STALLED) with $(mb "$GOT") of it received; curl gave up at $SECS s"
	else
		say "$(warn "did not stall") (curl rc $RC, $(mb "$GOT") in $SECS s)"; ok=0
	fi
	say "     SYN at the server: mss $(bold "$mss0")     ICMP Frag Needed dropped by the firewall: $(bold $((d1 - d0)))"
	[ "$mss0" = 1460 ] && [ $((d1 - d0)) -gt 0 ] || ok=0
	local stall_secs=$SECS stall_got=$GOT

	# ---- with mtuguard
	nsx "$C" ip tcp_metrics flush all >/dev/null 2>&1
	nsx "$S" ip tcp_metrics flush all >/dev/null 2>&1
	say "   $(bold "with mtuguard on r1"): $(cmd "mtuguard attach rc; mtuguard mtu add 10.0.3.0/24 $S1_MTU")"
	if ! mtug_at s1-r1 "$R1" attach rc || ! mtug_at s1-r1 "$R1" mtu add 10.0.3.0/24 "$S1_MTU"; then
		verdict 1 FAIL "mtuguard attach / mtu add failed"
		return 1
	fi
	cap_start "$S" eth0 "$MTUG_TMP/s1-syn1.txt" "$CAP_SYN_FILTER"; local dump1=$BG_PID
	cap_start "$C" eth0 "$MTUG_TMP/s1-synack1.txt" "$CAP_SYN_FILTER"; local dump2=$BG_PID
	d1=$(fw_drops "$R1" "$R2")
	say_n "     GET /big    $(printf '%-9s' "$(mb $S1_SIZE)")"
	s1_get_big fixed 20
	t_fix=$SECS
	d2=$(fw_drops "$R1" "$R2")
	cap_stop "$dump1" "$dump2"
	mss1=$(first_mss "$MTUG_TMP/s1-syn1.txt" S)
	mssa=$(first_mss "$MTUG_TMP/s1-synack1.txt" S.)
	if [ "$SHA_OK" = 1 ]; then
		say "$(ok complete) in $SECS s, sha256 ok"
	else
		say "$(bad "failed") (curl rc $RC, $(mb "$GOT") in $SECS s)"; ok=0
	fi
	say "     SYN at the server: mss $(bold "$mss1")     SYN-ACK at the client: mss $(bold "$mssa")     ICMP dropped: $((d2 - d1))"
	[ "$mss1" = $((S1_MTU - 40)) ] && [ "$mssa" = $((S1_MTU - 40)) ] || ok=0
	c_syn=$(counter_at s1-r1 "$R1" syn_seen)
	c_cl=$(counter_at s1-r1 "$R1" mss_clamped)
	say "     mtuguard counters on r1: syn_seen $c_syn, mss_clamped $c_cl"
	[ "${c_cl:-0}" -ge 2 ] || ok=0
	mtug_at s1-r1 "$R1" stats
	s1_jumbo "$R1"

	if [ "$ok" = 1 ]; then
		verdict 1 PASS "$(mb $S1_SIZE): stalled without (gave up at $stall_secs s), $t_fix s with mtuguard; SYN mss $mss0 -> $mss1"
	else
		ns_diag "$C" "$R1" "$R2" "$S" >>"$DEMO_LOG" 2>&1
		verdict 1 FAIL "$(mb $S1_SIZE) without: $(mb "$stall_got") in $stall_secs s; with: curl rc $RC in $t_fix s; SYN mss $mss0 -> $mss1"
	fi
}
