#!/bin/bash
# test_ecmp_real_tcp.sh - real TCP behind ECMP with a small-MTU hop: the
# hop's real ICMP Frag Needed / Packet Too Big goes to the wrong backend
# without mtuguard (transfers stall) and to the flow's backend with it
# (all transfers complete, bytes verified).  IPv4 and IPv6.
#
# Topology (namespaces, all veth):
#
#   cli eth0 ------ hc  hop  hr ------ rc  rtr  bN ------ eth0 beN  (N = 1..4)
#   MTU 1500      1400       1500   1500       1500      1500, VIP on lo
#   10.1.0.X      10.1.0.1   10.3.0.1  10.3.0.2  10.2.N.1   10.2.N.2
#   fd00:1::X     fd00:1::1  fd00:3::1 fd00:3::2 fd00:2:N::1 fd00:2:N::2
#
#   VIP 10.200.0.1/32, fd00:200::1/128: a multipath route in rtr over the
#   four backends, net.ipv{4,6}.fib_multipath_hash_policy=1.  Every backend
#   serves the same 2 MB body on VIP port 80 (tools/ptbgen.py serve, which
#   names itself in an X-Backend header).
#
# Client and backends have MTU 1500, so the client's SYN says MSS 1460
# (v6: 1440) and the backends send full 1500-byte packets; only the hop's
# client side (hc) is 1400.  The hop forwards them onto hc, which they do
# not fit: it answers each with a real ICMP Frag Needed (Packet Too Big),
# source its own address 10.3.0.1 (fd00:3::1), destination the VIP.  That
# ICMP enters rtr on its client-facing interface rc, so that is where
# mtuguard attaches.  Nothing drops ICMP here: the problem is misrouting,
# not a black hole.  rtr hashes the ICMP (no ports) by its outer addresses,
# so all of it reaches one backend; the flows on the three others never
# learn the path MTU (tcp_mtu_probing=0 on the backends) and stall.
#
# Determinism:
#  - The hop's ICMP rate limits are off (icmp_ratelimit=0, icmp_msgs_per_sec
#    high): every packet that does not fit gets its ICMP, so a flow whose
#    ICMP reaches its backend recovers at once, and one that stalls does so
#    whatever the timing.
#  - 20 flows over 4 backends: all of them on the one backend that gets the
#    ICMP (no stall) has probability 4^-20.
#  - Every transfer has a client address of its own (10.1.0.100-159,
#    fd00:1::100-159; 20 per phase).  A backend caches the path MTU per
#    destination address (route exception) and every socket towards that
#    address uses it, so with one shared client address a single ICMP
#    reaching a backend would rescue all its flows, whoever the ICMP was
#    about, and the outcome would depend on timing.  With one address per
#    flow a transfer completes if and only if an ICMP about *its* flow
#    reaches *its* backend, and nothing learnt in one phase can help the
#    next; the test checks that no backend has a cached path MTU for a
#    phase's addresses before it starts.
#
# Why the kernel's hash matters: a locally generated TCP segment carries its
# socket's random txhash as an L4 skb hash; veth and forwarding keep it
# (across namespaces too), and fib_multipath_hash() with policy 1 uses an L4
# skb hash when present instead of dissecting the packet (a NIC's L4 RSS
# hash plays the same part on a real router).  bpf_fib_lookup() on the
# quoted 5-tuple would then disagree with the kernel for about 3 flows in 4
# (measured before the fix: 12-17 of 20 stalled with `ptb mode fib`).
# mtuguard's TC ingress program therefore clears the skb hash on a fib-mode
# interface, and the test asserts that `ptb mode fib` alone completes every
# transfer; then again with `ptb forward on`, where XDP forwards the flows
# themselves by the same lookup.
#
# TX checksum offload is off on the client: its segments then reach rtr with
# complete checksums, as frames from a real NIC do.  (With offload on, veth
# hands rtr CHECKSUM_PARTIAL frames; XDP's forwarder recognises them by
# their pseudo-header-only checksum and leaves them to the stack, see
# bpf/fwd.h and the unit fixtures *_fwd_tcp_csum_partial.)
#
# XDP_REDIRECT into a veth (rc -> bN) needs NAPI on the receiving peer, the
# backend's eth0: an XDP program there or GRO on.  Without it veth drops
# redirected frames, so every backend turns GRO on (ethtool -K).
# timeout: 300
set -u
. "$(dirname "$0")/lib.sh"

T=ecmp_real_tcp
lib_init ecmpt

NB=4
NFLOWS=${ECMP_TCP_FLOWS:-20}
SIZE=$((2 * 1024 * 1024))
PORT=80
STALL_SECS=3      # curl gives up after this long under 1 KB/s
VIP4=10.200.0.1 VIP6=fd00:200::1
PTBGEN=(python3 "$MTUG_ROOT/tools/ptbgen.py")

CLI=$(ns_new cli) || exit 1
HOP=$(ns_new hop) || exit 1
RTR=$(ns_new rtr) || exit 1
BE=()
for i in $(seq 1 $NB); do
	BE[i]=$(ns_new "be$i") || exit 1
done

setup() {
	local i nh4="" nh6="" B
	veth_new "$CLI" eth0 "$HOP" hc || return 1
	ip -n "$HOP" link set hc mtu 1400 || return 1
	# Complete checksums from the client, as from a real NIC (see the header).
	nsx "$CLI" ethtool -K eth0 tx off >/dev/null || return 1
	veth_new "$HOP" hr "$RTR" rc || return 1
	# Client addresses: .2 / ::2 for setup, one per transfer (header).
	ip -n "$CLI" addr add 10.1.0.2/24 dev eth0 &&
	ip -n "$CLI" addr add fd00:1::2/64 dev eth0 nodad || return 1
	for i in $(seq 100 $((100 + 3 * NFLOWS - 1))); do
		echo "address add 10.1.0.$i/24 dev eth0"
		echo "address add fd00:1::$i/64 dev eth0 nodad"
	done | ip -n "$CLI" -batch - || return 1
	ip -n "$CLI" route add default via 10.1.0.1 &&
	ip -n "$CLI" -6 route add default via fd00:1::1 &&
	ip -n "$HOP" addr add 10.1.0.1/24 dev hc &&
	ip -n "$HOP" addr add fd00:1::1/64 dev hc nodad &&
	ip -n "$HOP" addr add 10.3.0.1/24 dev hr &&
	ip -n "$HOP" addr add fd00:3::1/64 dev hr nodad &&
	ip -n "$HOP" route add default via 10.3.0.2 &&
	ip -n "$HOP" -6 route add default via fd00:3::2 &&
	ip -n "$RTR" addr add 10.3.0.2/24 dev rc &&
	ip -n "$RTR" addr add fd00:3::2/64 dev rc nodad &&
	ip -n "$RTR" route add 10.1.0.0/24 via 10.3.0.1 &&
	ip -n "$RTR" -6 route add fd00:1::/64 via fd00:3::1 || return 1
	ns_forwarding "$HOP" && ns_forwarding "$RTR" || return 1
	# The ICMP source: no rate limit (see the header).
	nsx "$HOP" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 || return 1
	nsx "$HOP" sysctl -qw net.ipv4.icmp_msgs_per_sec=1000000 2>/dev/null
	nsx "$RTR" sysctl -qw net.ipv4.fib_multipath_hash_policy=1 \
		net.ipv6.fib_multipath_hash_policy=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 || return 1
	for i in $(seq 1 $NB); do
		B=${BE[$i]}
		veth_new "$RTR" "b$i" "$B" eth0 || return 1
		nsx "$RTR" sysctl -qw "net.ipv4.conf.b$i.rp_filter=0"
		ip -n "$RTR" addr add "10.2.$i.1/24" dev "b$i" &&
		ip -n "$RTR" addr add "fd00:2:$i::1/64" dev "b$i" nodad &&
		ecmp_backend "$B" "10.2.$i.2/24" "fd00:2:$i::2/64" \
			"10.2.$i.1" "fd00:2:$i::1" $VIP4 $VIP6 || return 1
		# The backends need PMTUD: no MTU probing, no black-hole help.
		nsx "$B" sysctl -qw net.ipv4.tcp_mtu_probing=0 || return 1
		# NAPI on the redirect target (see the header).
		nsx "$B" ethtool -K eth0 gro on >/dev/null || return 1
		nh4="$nh4 nexthop via 10.2.$i.2 dev b$i"
		nh6="$nh6 nexthop via fd00:2:$i::2 dev b$i"
		bg "$B" "$MTUG_TMP/be$i.http4" "${PTBGEN[@]}" serve --addr "$VIP4" --port "$PORT" \
			--size "$SIZE" --name "be$i" --timeout 15
		bg "$B" "$MTUG_TMP/be$i.http6" "${PTBGEN[@]}" serve --addr "$VIP6" --port "$PORT" \
			--size "$SIZE" --name "be$i" --timeout 15
	done
	# shellcheck disable=SC2086 # the nexthop list is several words
	ip -n "$RTR" route add $VIP4/32 $nh4 || return 1
	# shellcheck disable=SC2086 # the nexthop list is several words
	ip -n "$RTR" -6 route add $VIP6/128 $nh6 || return 1
	for i in $(seq 1 $NB); do
		wait_until 5 tcp_listening "${BE[$i]}" $PORT ||
			{ echo "# server in be$i did not start"; return 1; }
		wait_until 5 grep -q listening "$MTUG_TMP/be$i.http6" ||
			{ echo "# v6 server in be$i did not start"; return 1; }
	done
	BODY_SHA=$("${PTBGEN[@]}" body-sha --size "$SIZE")
}

# icmp_in BACKEND FAM: ICMP Frag Needed (v4: all Dest Unreachable) / Packet
# Too Big received so far by a backend's stack.
icmp_in() {
	if [ "$2" = 4 ]; then
		# shellcheck disable=SC2016 # an awk program: the $ are awk's
		nsx "$1" awk '/^Icmp:/ { n++; if (n == 1) for (i = 1; i <= NF; i++) h[$i] = i;
			else print $h["InDestUnreachs"] }' /proc/net/snmp
	else
		# shellcheck disable=SC2016 # an awk program: the $ are awk's
		nsx "$1" awk '$1 == "Icmp6InPktTooBigs" { print $2 }' /proc/net/snmp6
	fi
}

# tcp_csum_errors NS: TCP segments (v4 + v6) dropped for a bad checksum.
tcp_csum_errors() {
	# shellcheck disable=SC2016 # an awk program: the $ are awk's
	nsx "$1" awk '/^Tcp:/ { n++; if (n == 1) for (i = 1; i <= NF; i++) h[$i] = i;
		else v4 = $h["InCsumErrors"] }
		$1 == "Tcp6InCsumErrors" { v6 = $2 } END { print v4 + v6 }' /proc/net/snmp /proc/net/snmp6
}

# pmtu_cached BACKEND ADDR: the cached path MTU towards ADDR, or nothing.
pmtu_cached() {
	ip -n "$1" route get "$2" 2>/dev/null | grep -o 'mtu [0-9]*' | head -n 1
}

diag() {
	echo "# ---- diagnostics"
	ns_diag "$HOP" "$RTR"
	local i
	for i in $(seq 1 $NB); do
		echo "--- be$i: ICMPv4 dest unreach in $(icmp_in "${BE[$i]}" 4)," \
			"ICMPv6 too big in $(icmp_in "${BE[$i]}" 6)," \
			"TCP checksum errors in $(tcp_csum_errors "${BE[$i]}")"
		tail -n 5 "$MTUG_TMP/be$i.http4" "$MTUG_TMP/be$i.http6" | sed 's/^/  /'
	done
	if [ -n "$MTUG_PIN_DIR" ] && [ -x "$MTUG_BIN" ]; then
		echo "--- mtuguard status / stats"
		mtug "$RTR" status 2>&1 | sed 's/^/  /'
		mtug "$RTR" stats --json 2>&1 | sed 's/^/  /'
	fi
}

# client_addr FAM N: the client address number N (100 ...).
client_addr() {
	if [ "$1" = 4 ]; then echo "10.1.0.$2"; else echo "fd00:1::$2"; fi
}

# transfers NAME FAM FIRST MAXSECS: NFLOWS parallel GETs of the body from
# the VIP, flow i from client address FIRST + i - 1.  Sets DONE (complete
# and byte-exact), STALLED, OTHER, and prints per-backend details.
transfers() {
	local name=$1 fam=$2 first=$3 max=$4 url i j dir=$MTUG_TMP/$1 pids=() b
	local -A icmp0 icmp1
	if [ "$fam" = 4 ]; then url="http://$VIP4:$PORT/big"; else url="http://[$VIP6]:$PORT/big"; fi
	mkdir -p "$dir"
	for i in $(seq 1 $NB); do
		icmp0[$i]=$(icmp_in "${BE[$i]}" "$fam")
	done
	for i in $(seq 1 "$NFLOWS"); do
		nsx "$CLI" curl -sS -o "$dir/body.$i" -D "$dir/hdr.$i" \
			-w '%{local_port} %{http_code} %{size_download} %{time_total}\n' \
			--interface "$(client_addr "$fam" $((first + i - 1)))" \
			--connect-timeout 3 --max-time "$max" \
			--speed-limit 1024 --speed-time $STALL_SECS "$url" \
			>"$dir/w.$i" 2>"$dir/err.$i" &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}"
		echo $? >"$dir/rc.$((i + 1))"
	done
	DONE=0 STALLED=0 OTHER=0
	local -A done_on stall_on
	for i in $(seq 1 "$NFLOWS"); do
		local rc sha port code got
		rc=$(cat "$dir/rc.$i")
		read -r port code got _ <"$dir/w.$i"
		b=$(tr -d '\r' <"$dir/hdr.$i" | awk -F': ' 'tolower($1) == "x-backend" { print $2 }')
		b=${b:-none}
		sha=$(sha256sum "$dir/body.$i" 2>/dev/null | cut -d' ' -f1)
		if [ "$rc" = 0 ] && [ "$got" = "$SIZE" ] && [ "$sha" = "$BODY_SHA" ]; then
			DONE=$((DONE + 1)); done_on[$b]=$((${done_on[$b]:-0} + 1))
		elif [ "$rc" = 28 ] && [ "$code" = 200 ]; then
			STALLED=$((STALLED + 1)); stall_on[$b]=$((${stall_on[$b]:-0} + 1))
		else
			OTHER=$((OTHER + 1))
			echo "# $name flow $i: curl rc=$rc http=$code got $got port $port backend $b: $(head -c 200 "$dir/err.$i")"
		fi
	done
	local s="" k learnt
	for i in $(seq 1 $NB); do
		icmp1[$i]=$(icmp_in "${BE[$i]}" "$fam")
		k=be$i
		learnt=0
		for j in $(seq "$first" $((first + NFLOWS - 1))); do
			[ -n "$(pmtu_cached "${BE[$i]}" "$(client_addr "$fam" "$j")")" ] &&
				learnt=$((learnt + 1))
		done
		s="$s be$i(done ${done_on[$k]:-0} stalled ${stall_on[$k]:-0} icmp_in $((icmp1[$i] - icmp0[$i])) pmtu_learnt $learnt)"
	done
	log "$name: $NFLOWS transfers of $SIZE bytes: $DONE complete, $STALLED stalled, $OTHER other;$s"
}

# fresh FAM FIRST: true if no backend has a cached path MTU towards any of
# the phase's client addresses.
fresh() {
	local i j
	for i in $(seq 1 $NB); do
		for j in $(seq "$2" $(($2 + NFLOWS - 1))); do
			[ -z "$(pmtu_cached "${BE[$i]}" "$(client_addr "$1" "$j")")" ] || return 1
		done
	done
}

if ! setup; then
	fail "${T}_setup" "topology setup failed"
	diag
	exit 1
fi
# Routes and neighbours resolved before anything is timed: a 100-byte GET
# (it fits the hop, so no backend learns a path MTU from it).
if ! wait_until 5 nsx "$CLI" curl -sf --max-time 1 -o /dev/null "http://$VIP4:$PORT/small" ||
   ! wait_until 5 nsx "$CLI" curl -sf --max-time 1 -o /dev/null "http://[$VIP6]:$PORT/small"; then
	fail "${T}_setup" "client cannot reach the VIP"
	diag
	exit 1
fi
pass "${T}_setup"

# First client address of each phase.
FIRST_OFF=100 FIRST_FIB=$((100 + NFLOWS)) FIRST_FWD=$((100 + 2 * NFLOWS))
declare -A RESULT

# ---- without mtuguard: some transfers stall ---------------------------------

for fam in 4 6; do
	transfers "off_v$fam" "$fam" $FIRST_OFF 8
	RESULT[off$fam]="$STALLED of $NFLOWS stalled"
	if [ "$STALLED" -ge 1 ] && [ "$OTHER" = 0 ]; then
		pass "${T}_v${fam}_stalls_without_mtuguard"
	else
		fail "${T}_v${fam}_stalls_without_mtuguard" \
			"$STALLED of $NFLOWS stalled ($DONE complete, $OTHER other), want at least 1 stall"
		diag
	fi
done

# ---- with mtuguard ---------------------------------------------------------

mtug_start_fib "$RTR" rc
case $? in
0) pass "${T}_attach" ;;
2) skip "${T}_with_mtuguard" "$MTUG_START_ERR"; exit "$(fail_count)" ;;
*) fail "${T}_attach" "$MTUG_START_ERR"; diag; exit 1 ;;
esac

counter() { mtug_counter "$RTR" "$1"; }

# `ptb mode fib` alone: TC ingress clears the skb hash on a fib-mode
# interface, so the kernel's ECMP hashes each flow by its 5-tuple (instead of
# the sender's random txhash carried over veth), exactly as bpf_fib_lookup()
# hashes the reversed quote of its ICMP errors: every transfer completes.
for fam in 4 6; do
	fresh "$fam" $FIRST_FIB || log "warning: a backend already has a path MTU for a fib_only_v$fam address"
	s0=$(counter ptb_steered)
	transfers "fib_only_v$fam" "$fam" $FIRST_FIB 20
	s1=$(counter ptb_steered)
	log "fib_only_v$fam: ptb_steered +$((s1 - s0))"
	RESULT[fib$fam]="$DONE of $NFLOWS complete"
	if [ "$DONE" = "$NFLOWS" ] && [ "$((s1 - s0))" -ge 1 ]; then
		pass "${T}_v${fam}_fib_mode_all_complete"
	else
		fail "${T}_v${fam}_fib_mode_all_complete" \
			"$DONE of $NFLOWS complete ($STALLED stalled, $OTHER other), ptb_steered +$((s1 - s0))"
		diag
	fi
done

if ! out=$(mtug "$RTR" ptb forward on 2>&1); then
	fail "${T}_ptb_forward_on" "ptb forward on failed: $out"
	diag
	exit 1
fi
for fam in 4 6; do
	if fresh "$fam" $FIRST_FWD; then
		pass "${T}_v${fam}_no_cached_pmtu_before"
	else
		fail "${T}_v${fam}_no_cached_pmtu_before" "a backend already knows the path MTU to a client address of this phase"
	fi
	s0=$(counter ptb_steered) f0=$(counter fwd_steered)
	transfers "fib_fwd_v$fam" "$fam" $FIRST_FWD 20
	s1=$(counter ptb_steered) f1=$(counter fwd_steered)
	log "fib_fwd_v$fam: ptb_steered +$((s1 - s0)) fwd_steered +$((f1 - f0))"
	RESULT[fwd$fam]="$DONE of $NFLOWS complete"
	if [ "$DONE" = "$NFLOWS" ]; then
		pass "${T}_v${fam}_all_complete_with_mtuguard"
	else
		fail "${T}_v${fam}_all_complete_with_mtuguard" \
			"$DONE of $NFLOWS complete and byte-exact ($STALLED stalled, $OTHER other)"
		diag
	fi
	if [ "$((s1 - s0))" -ge 1 ] && [ "$((f1 - f0))" -ge 1 ]; then
		pass "${T}_v${fam}_counters"
	else
		fail "${T}_v${fam}_counters" "ptb_steered +$((s1 - s0)) fwd_steered +$((f1 - f0)), want > 0 each"
		diag
	fi
done

log "summary: without mtuguard v4 ${RESULT[off4]}, v6 ${RESULT[off6]};" \
	"ptb mode fib alone v4 ${RESULT[fib4]}, v6 ${RESULT[fib6]};" \
	"fib + forward v4 ${RESULT[fwd4]:-?}, v6 ${RESULT[fwd6]:-?}"
mtug "$RTR" stats --json 2>/dev/null | tr -d '\n' | sed 's/^/# stats: /'; echo
mtug "$RTR" detach --all >/dev/null 2>&1
exit "$(fail_count)"
