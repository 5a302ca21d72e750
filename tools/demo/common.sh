# shellcheck shell=bash
# common.sh - helpers the demo's scenarios share (on top of
# tests/integration/lib.sh: ns_new, veth_new, nsx, bg, mtug, cap_*).

# shellcheck disable=SC2034 # for the scenarios
PTBGEN=(python3 "$MTUG_ROOT/tools/ptbgen.py")
STALL_SECS=3       # curl gives up on a transfer after this long under 1 KB/s

# mtug_at PINSUBDIR NS args...: the CLI in a namespace, with its own pin
# directory under the demo's bpffs (one mtuguard instance per "machine").
mtug_at() {
	local sub=$1 ns=$2; shift 2
	note "[$ns] mtuguard $*"
	ip netns exec "$ns" "$MTUG_BIN" --pin-dir "$MTUG_BPFFS/$sub" "$@" >>"$DEMO_LOG" 2>&1
}

# counter_at PINSUBDIR NS NAME: one counter of that instance.
counter_at() {
	# shellcheck disable=SC2034 # mtug, called by mtug_counter, reads it
	local MTUG_PIN_DIR=$MTUG_BPFFS/$1
	mtug_counter "$2" "$3"
}

# icmp_in NS: ICMPv4 Destination Unreachable messages (Frag Needed is one)
# the namespace's stack has received so far.
icmp_in() {
	# shellcheck disable=SC2016 # an awk program: the $ are awk's
	nsx "$1" awk '/^Icmp:/ { n++; if (n == 1) for (i = 1; i <= NF; i++) h[$i] = i;
		else print $h["InDestUnreachs"] }' /proc/net/snmp
}

# fw_drops NS...: packets dropped so far by the namespaces' iptables DROP
# rules (the demo's only DROP rules are the ICMP ones).
fw_drops() {
	local ns n=0 c
	for ns in "$@"; do
		c=$(nsx "$ns" iptables -xvnL 2>/dev/null | awk '$3 == "DROP" { s += $1 } END { print s + 0 }')
		n=$((n + c))
	done
	echo "$n"
}

# no_icmp_firewall NS: the "security" rule from the field reports.
no_icmp_firewall() {
	nsx "$1" iptables -A OUTPUT -p icmp --icmp-type fragmentation-needed -j DROP &&
	nsx "$1" iptables -A FORWARD -p icmp --icmp-type fragmentation-needed -j DROP
}

# endpoint_setup NS IFACE: an endpoint as on real hardware: complete
# checksums on the wire (a veth would otherwise pass CHECKSUM_PARTIAL skbs
# on unverified), and no TCP black-hole detection (off by default anyway).
endpoint_setup() {
	nsx "$1" ethtool -K "$2" tx off >/dev/null 2>&1
	nsx "$1" sysctl -qw net.ipv4.tcp_mtu_probing=0
}

# get NS URL OUT MAXSECS [curl args...]: one HTTP GET; sets RC (curl's exit
# status, 28 = gave up), CODE, GOT (bytes), SECS, BACKEND (X-Backend).
get() {
	local ns=$1 url=$2 out=$3 max=$4 t0 t1 w; shift 4
	rm -f "$out" "$out.hdr"
	t0=$(now)
	w=$(nsx "$ns" curl -sS -o "$out" -D "$out.hdr" -w '%{http_code}' \
		--connect-timeout 3 --max-time "$max" \
		--speed-limit 1024 --speed-time "$STALL_SECS" "$@" "$url" 2>>"$DEMO_LOG")
	RC=$?
	t1=$(now)
	CODE=$w
	SECS=$(secs "$t0" "$t1")
	GOT=$(stat -c %s "$out" 2>/dev/null || echo 0)
	BACKEND=$(tr -d '\r' <"$out.hdr" 2>/dev/null | awk -F': ' 'tolower($1) == "x-backend" { print $2 }')
	note "GET $url $*: curl rc=$RC http=$CODE got $GOT bytes in ${SECS}s backend=${BACKEND:-?}"
}

# first_mss FILE FLAGS: the MSS of the first segment with these flags ("S"
# or "S.") in a cap_start capture, "-" if none was seen.
first_mss() {
	local m
	m=$(cap_segments "$1" | awk -v f="$2" '$1 == f { print $4; exit }')
	echo "${m:--}"
}

# ---- ECMP (scenarios 2 and 3) ------------------------------------------------

VIP=10.200.0.1

# parallel_gets NAME CLI_NS URL FIRST N MAXSECS NBACKENDS: N GETs at once,
# transfer i from client address 10.1.0.(FIRST+i-1).  Every transfer has
# an address of its own because a server caches the path MTU per
# destination address: with one shared address, one ICMP reaching a backend
# would rescue all its flows, whichever flow it was about.
# Sets DONE, STALLED, OTHER, and per backend (by X-Backend header "beK")
# B_FLOWS[K], B_STALLED[K].
declare -A B_FLOWS B_STALLED
parallel_gets() {
	local name=$1 cli=$2 url=$3 first=$4 n=$5 max=$6 nb=$7
	local dir=$MTUG_TMP/$name i k pids=() rc code got b
	mkdir -p "$dir"
	for i in $(seq 1 "$n"); do
		nsx "$cli" curl -sS -o "$dir/body.$i" -D "$dir/hdr.$i" \
			-w '%{http_code} %{size_download}\n' \
			--interface "10.1.0.$((first + i - 1))" \
			--connect-timeout 3 --max-time "$max" \
			--speed-limit 1024 --speed-time "$STALL_SECS" "$url" \
			>"$dir/w.$i" 2>"$dir/err.$i" &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}"
		echo $? >"$dir/rc.$((i + 1))"
	done
	DONE=0 STALLED=0 OTHER=0
	for k in $(seq 1 "$nb"); do B_FLOWS[$k]=0 B_STALLED[$k]=0; done
	for i in $(seq 1 "$n"); do
		rc=$(cat "$dir/rc.$i")
		read -r code got <"$dir/w.$i"
		b=$(tr -d '\r' <"$dir/hdr.$i" | awk -F': ' 'tolower($1) == "x-backend" { print $2 }')
		k=${b#be}
		case $k in '' | *[!0-9]*) k="" ;; esac
		[ -n "$k" ] && B_FLOWS[$k]=$((B_FLOWS[$k] + 1))
		if [ "$rc" = 0 ] && [ "$got" = "$ECMP_SIZE" ] && cmp -s "$dir/body.$i" "$MTUG_TMP/ecmp-body"; then
			DONE=$((DONE + 1))
		elif [ "$rc" = 28 ] && [ "$code" = 200 ]; then
			STALLED=$((STALLED + 1))
			[ -n "$k" ] && B_STALLED[$k]=$((B_STALLED[$k] + 1))
		else
			OTHER=$((OTHER + 1))
			note "$name transfer $i: curl rc=$rc http=$code got $got backend ${b:-none}: $(head -c 200 "$dir/err.$i")"
		fi
	done
	note "$name: $n transfers: $DONE complete, $STALLED stalled, $OTHER other"
}

# ecmp_forget_stalled: end the backends' side of the stalled transfers
# (still retransmitting into the void), so the next round's ICMP counts are
# its own.  Needs CONFIG_INET_DIAG_DESTROY; without it they just linger.
ecmp_forget_stalled() {
	local b
	for b in "${BE[@]}"; do
		note "$b: $(nsx "$b" ss -Htn dst 10.1.0.0/24 | wc -l) stalled sockets before ss -K"
		nsx "$b" ss -K -t dst 10.1.0.0/24 >/dev/null 2>&1
		note "$b: $(nsx "$b" ss -Htn dst 10.1.0.0/24 | wc -l) after"
	done
}

# ecmp_body: the reference body every backend serves.
ECMP_SIZE=$((2 * 1024 * 1024))
ecmp_body() {
	[ -s "$MTUG_TMP/ecmp-body" ] && return 0
	python3 - "$MTUG_ROOT/tools" "$ECMP_SIZE" "$MTUG_TMP/ecmp-body" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import ptbgen
with open(sys.argv[3], "wb") as f:
    for c in ptbgen.body_chunks(int(sys.argv[2])):
        f.write(c)
PY
}

# ecmp_hop HOP: the small-MTU hop towards the client answers every packet
# that does not fit with an ICMP error (no rate limit: each flow gets its
# own, so whether a flow stalls depends only on where its ICMP goes).
ecmp_hop() {
	nsx "$1" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.icmp_ratelimit=0
	nsx "$1" sysctl -qw net.ipv4.icmp_msgs_per_sec=1000000 2>/dev/null
}

# ecmp_front FLOWS: what scenarios 2 and 3 share in front of the router R:
# the client C (10.1.0.2, plus 2 x FLOWS addresses from 10.1.0.100, one per
# transfer), the small-MTU hop H (MTU 1400 towards the client) and R's
# address on the link to H, with the routes between them.
ecmp_front() {
	local i
	veth_new "$C" eth0 "$H" hc && veth_new "$H" hr "$R" rc || return 1
	ip -n "$H" link set hc mtu 1400 || return 1
	ip -n "$C" addr add 10.1.0.2/24 dev eth0 || return 1
	for i in $(seq 100 $((100 + 2 * $1 - 1))); do
		echo "address add 10.1.0.$i/24 dev eth0"
	done | ip -n "$C" -batch - || return 1
	ip -n "$C" route add default via 10.1.0.1 &&
	ip -n "$H" addr add 10.1.0.1/24 dev hc &&
	ip -n "$H" addr add 10.3.0.1/24 dev hr &&
	ip -n "$H" route add default via 10.3.0.2 &&
	ip -n "$R" addr add 10.3.0.2/24 dev rc &&
	ip -n "$R" route add 10.1.0.0/24 via 10.3.0.1 || return 1
	endpoint_setup "$C" eth0
	ecmp_hop "$H"
	return 0 # as before: neither of the two tunings is essential
}

# ecmp_off_round NAME: scenarios 2 and 3's round without mtuguard, from
# client address .100, reported.  Sets the caller's off_st (transfers that
# stalled) and its ok=0 when none stalled (the lab did not show the fault);
# uses its NFLOWS.
ecmp_off_round() {
	say "   $(bold "without mtuguard")"
	say_n "     $NFLOWS downloads: "
	ecmp_round "$1" 100 10
	# shellcheck disable=SC2034 # the caller's (see above)
	off_st=$STALLED
	ecmp_forget_stalled
	if [ "$STALLED" -ge 1 ] && [ "$OTHER" = 0 ]; then
		say "$(bad "$STALLED of $NFLOWS stalled")"
	else
		say "$(warn "$STALLED of $NFLOWS stalled"), $DONE complete, $OTHER failed otherwise"
		# shellcheck disable=SC2034 # the caller's (see above)
		ok=0
	fi
}

# ecmp_round NAME FIRST MAXSECS [FN]: the transfers, ICMP counted per
# backend; sets R_FLOWS[NAME.K], R_STALLED[NAME.K], R_ICMP[NAME.K] for the
# table, and R_EXTRA[NAME.K], the round's delta of `FN K` (a counter).
declare -A R_FLOWS R_STALLED R_ICMP R_EXTRA
ecmp_round() {
	local name=$1 first=$2 max=$3 fn=${4:-} i
	local -A i0 e0
	for i in $(seq 1 "$NB"); do
		i0[$i]=$(icmp_in "${BE[$i]}")
		[ -n "$fn" ] && e0[$i]=$($fn "$i")
	done
	parallel_gets "$name" "$C" "http://$VIP/big" "$first" "$NFLOWS" "$max" "$NB"
	for i in $(seq 1 "$NB"); do
		R_FLOWS[$name.$i]=${B_FLOWS[$i]}
		R_STALLED[$name.$i]=${B_STALLED[$i]}
		R_ICMP[$name.$i]=$(($(icmp_in "${BE[$i]}") - i0[$i]))
		[ -n "$fn" ] && R_EXTRA[$name.$i]=$(($($fn "$i") - e0[$i]))
	done
}

# ecmp_table A B [EXTRA_HEADER]: per-backend flows / stalled / ICMP
# received for rounds A and B side by side; with EXTRA_HEADER, B's R_EXTRA
# as a last column.
ecmp_table() {
	local a=$1 b=$2 eh=${3:-} i ta=0 tb=0 sa=0 sb=0 ia=0 ib=0 xb=0 stall
	say "   $(dim "$(printf '%-9s %28s   %28s  %s' "" "--- without mtuguard ---" "--- with mtuguard ---" "")")"
	say "   $(dim "$(printf '%-9s %8s %9s %9s   %8s %9s %9s  %9s' backend flows stalled "ICMP in" flows stalled "ICMP in" "$eh")")"
	for i in $(seq 1 "$NB"); do
		stall=$(printf '%9s' "${R_STALLED[$a.$i]}")
		[ "${R_STALLED[$a.$i]}" -gt 0 ] && stall=$(bad "$stall")
		local stb
		stb=$(printf '%9s' "${R_STALLED[$b.$i]}")
		[ "${R_STALLED[$b.$i]}" -gt 0 ] && stb=$(bad "$stb")
		say "   $(printf '%-9s %8s' "be$i" "${R_FLOWS[$a.$i]}") $stall $(printf '%9s   %8s' "${R_ICMP[$a.$i]}" "${R_FLOWS[$b.$i]}") $stb $(printf '%9s' "${R_ICMP[$b.$i]}")  ${eh:+$(printf '%9s' "${R_EXTRA[$b.$i]}")}"
		ta=$((ta + R_FLOWS[$a.$i])) tb=$((tb + R_FLOWS[$b.$i]))
		sa=$((sa + R_STALLED[$a.$i])) sb=$((sb + R_STALLED[$b.$i]))
		ia=$((ia + R_ICMP[$a.$i])) ib=$((ib + R_ICMP[$b.$i]))
		[ -n "$eh" ] && xb=$((xb + R_EXTRA[$b.$i]))
	done
	say "   $(printf '%-9s %8s %9s %9s   %8s %9s %9s' total "$ta" "$sa" "$ia" "$tb" "$sb" "$ib")  ${eh:+$(printf '%9s' "$xb")}"
}

# ---- --keep and the operator's commands ---------------------------------------

KEEP_INFO=()
# keep_info N "NS NS..." MTUG_NS PINSUB "try command": what --keep prints.
keep_info() {
	local n=$1 nss=$2 mns=$3 sub=$4 try=$5 ns l=""
	for ns in $nss; do l="$l $PREFIX-$ns"; done
	KEEP_INFO+=("$(bold "$n")  namespaces:$l")
	KEEP_INFO+=("   try:        $(cmd "ip netns exec $PREFIX-$try")")
	KEEP_INFO+=("   mtuguard:   $(cmd "ip netns exec $PREFIX-$mns $MTUG_BIN --pin-dir $MTUG_BPFFS/$sub stats")")
}

keep_banner() {
	local l
	say ""
	say "$(bold "== The lab is still up (--keep)")"
	say "   enter any namespace: $(cmd "sudo ip netns exec <namespace> bash")"
	for l in "${KEEP_INFO[@]}"; do say "   $l"; done
	say "   (mtuguard status / detach / stats work the same way; logs in $MTUG_TMP and $DEMO_LOG)"
	say "   tear it all down:    $(cmd "sudo make demo-clean")"
}

operator_commands() {
	say ""
	say "$(bold "== On a real load balancer")"
	say "   $(dim "# 1. tunnel / small-MTU path behind it: clamp the MSS for the prefixes beyond it")"
	say "   $(cmd "mtuguard attach eth0")"
	say "   $(cmd "mtuguard mtu add 10.0.3.0/24 ${S1_MTU:-1450}")"
	say "   $(dim "# 2. your ECMP router: steer each ICMP Frag Needed / Packet Too Big to its flow's server")"
	say "   $(cmd "mtuguard attach eth0")          $(dim "# where the ICMP comes in")"
	say "   $(cmd "mtuguard ptb mode fib --iface eth0")"
	say "   $(cmd "mtuguard ptb forward on")       $(dim "# optional: XDP forwards the flows too, by the same lookup")"
	say "   $(dim "# 3. servers behind an ECMP router you do not run, on one LAN: on every server")"
	say "   $(cmd "mtuguard attach eth0")"
	say "   $(cmd "mtuguard ptb mode broadcast --iface eth0")"
	say "   $(dim "# then watch:") $(cmd "mtuguard stats")"
}
