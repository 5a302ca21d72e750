# shellcheck shell=bash
# blackhole_common.sh - the PMTUD black-hole test, for IPv4 and IPv6.
# Sourced by test_blackhole_v4.sh (FAM=4) and test_blackhole_v6.sh (FAM=6).
#
# Topology (four namespaces, real Linux TCP at both ends):
#
#   cli ----------- r1 ============== r2 ----------- srv
#   eth0         rc    rr    1400    rl    rs         eth0
#   MTU 1500    1500  1400          1400  1500        MTU 1500
#   net 1 (client)     net 2 (small hop)     net 3 (server)
#
# Both endpoints have MTU 1500, so each advertises MSS 1460 (v6: 1440) and
# nothing tells either one about the 1400 hop in the middle.  The small hop
# is a real L3 hop: r1 and r2 each forward onto a 1400-MTU link, so a full
# size DF packet makes the router itself generate ICMP "Fragmentation
# Needed" (v6: "Packet Too Big") -- r1 for client->server packets, r2 for
# server->client -- and each router's firewall drops it in OUTPUT (ICMP the
# router generates itself) and FORWARD (ICMP from further hops).  That is a
# real black hole in both directions: the TCP handshake and the HTTP
# headers (small) get through, the first full-size data segment never does.
#
# Why a middle hop with routers rather than a veth whose two ends differ in
# MTU: a veth checks the receiving end's MTU only for non-GSO skbs, so with
# TSO on a 1500-byte-segment super-packet passes a "1400" veth end and
# nothing stalls.  A router's forwarding MTU check validates each GSO
# segment (skb_gso_validate_network_len), so it holds with any offloads
# (measured: the stall is the same with the endpoints' default offloads,
# TSO and TX checksum on).
#
# TX checksum offload is turned off on the two endpoints: their packets then
# leave with complete checksums, as from a real NIC, and the receiving
# endpoint verifies every checksum (a veth passes CHECKSUM_PARTIAL skbs
# through unverified, which would hide a wrong checksum written by the
# datapath).  PARTIAL skbs are the subject of test_tc_csum_offload.sh.
#
# mtuguard runs on r1's client-facing interface rc: XDP clamps the client's
# SYN on the way in (that fixes the download: the server's segments), TC
# egress clamps the server's SYN-ACK on the way out (that fixes the upload:
# the client's segments), with `mtu add <server net> 1400`.
#
# Environment: MTUG_BH_STANDIN=tcpmss uses iptables/ip6tables TCPMSS in r1
# instead of mtuguard (validates the topology and the test on its own).

set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

T=blackhole_v$FAM
lib_init "bh$FAM"

SIZE=$((4 * 1024 * 1024))   # the big transfer, both ways
STALL_SECS=3                # curl gives up after this long under 1 KB/s
STALL_MAX=5                 # ... or after this long in all (an upload fills
                            # the socket buffer first, which keeps curl's
                            # speed average up for a while)
PORT=8080

if [ "$FAM" = 4 ]; then
	CLI_IP=10.0.1.2 R1C_IP=10.0.1.1 R1R_IP=10.0.2.1 R2L_IP=10.0.2.2
	R2S_IP=10.0.3.1 SRV_IP=10.0.3.2 PLEN=24 SRV_NET=10.0.3.0/24
	CLI_NET=10.0.1.0/24
	URL_HOST=$SRV_IP
	IPT=iptables ICMP_MATCH="-p icmp --icmp-type fragmentation-needed"
	MSS_CLAMPED=1360
	NODAD=""
else
	CLI_IP=fd00:1::2 R1C_IP=fd00:1::1 R1R_IP=fd00:2::1 R2L_IP=fd00:2::2
	R2S_IP=fd00:3::1 SRV_IP=fd00:3::2 PLEN=64 SRV_NET=fd00:3::/64
	CLI_NET=fd00:1::/64
	URL_HOST="[$SRV_IP]"
	IPT=ip6tables ICMP_MATCH="-p icmpv6 --icmpv6-type packet-too-big"
	MSS_CLAMPED=1340
	NODAD=nodad
fi

CLI=$(ns_new cli) || exit 1
R1=$(ns_new r1) || exit 1
R2=$(ns_new r2) || exit 1
SRV=$(ns_new srv) || exit 1

setup() {
	veth_new "$CLI" eth0 "$R1" rc || return 1
	veth_new "$R1" rr "$R2" rl 1400 || return 1
	veth_new "$R2" rs "$SRV" eth0 || return 1
	ns_forwarding "$R1" && ns_forwarding "$R2" || return 1

	# shellcheck disable=SC2086 # $NODAD is empty or one word
	{
		ip -n "$CLI" addr add "$CLI_IP/$PLEN" dev eth0 $NODAD &&
		ip -n "$R1" addr add "$R1C_IP/$PLEN" dev rc $NODAD &&
		ip -n "$R1" addr add "$R1R_IP/$PLEN" dev rr $NODAD &&
		ip -n "$R2" addr add "$R2L_IP/$PLEN" dev rl $NODAD &&
		ip -n "$R2" addr add "$R2S_IP/$PLEN" dev rs $NODAD &&
		ip -n "$SRV" addr add "$SRV_IP/$PLEN" dev eth0 $NODAD
	} || return 1
	ip -n "$CLI" route add default via "$R1C_IP" || return 1
	ip -n "$SRV" route add default via "$R2S_IP" || return 1
	ip -n "$R1" route add "$SRV_NET" via "$R2L_IP" || return 1
	ip -n "$R2" route add "$CLI_NET" via "$R1R_IP" || return 1

	# The black hole: each router drops the ICMP error it would send.
	local r
	for r in "$R1" "$R2"; do
		# shellcheck disable=SC2086 # $ICMP_MATCH is a match of several words
		nsx "$r" $IPT -A OUTPUT $ICMP_MATCH -j DROP || return 1
		# shellcheck disable=SC2086 # $ICMP_MATCH is a match of several words
		nsx "$r" $IPT -A FORWARD $ICMP_MATCH -j DROP || return 1
	done

	# Endpoints: complete checksums on the wire (see the header), no
	# kernel black-hole detection (it is off by default; make it sure).
	for r in "$CLI" "$SRV"; do
		nsx "$r" ethtool -K eth0 tx off >/dev/null 2>&1 || return 1
		nsx "$r" sysctl -qw net.ipv4.tcp_mtu_probing=0 || return 1
	done

	# Data: a random file to download, another to upload.
	mkdir -p "$MTUG_TMP/www" || return 1
	head -c "$SIZE" /dev/urandom >"$MTUG_TMP/www/big" || return 1
	head -c 100 /dev/urandom >"$MTUG_TMP/www/small" || return 1
	head -c "$SIZE" /dev/urandom >"$MTUG_TMP/up" || return 1
	BIG_SHA=$(sha256sum <"$MTUG_TMP/www/big" | cut -d' ' -f1)
	UP_SHA=$(sha256sum <"$MTUG_TMP/up" | cut -d' ' -f1)

	bg "$SRV" "$MTUG_TMP/httpd.log" python3 "$MTUG_ROOT/tests/integration/httpd.py" \
		"$SRV_IP" "$PORT" "$MTUG_TMP/www"
	wait_until 5 tcp_listening "$SRV" "$PORT" || { echo "# server did not start"; cat "$MTUG_TMP/httpd.log"; return 1; }
	# Neighbours and routes resolved before anything is timed (no ping
	# on the machine: a small HTTP request does it).
	wait_until 5 nsx "$CLI" curl -sf --max-time 1 -o /dev/null "http://$URL_HOST:$PORT/small" ||
		{ echo "# client cannot reach the server"; return 1; }
}

diag() {
	echo "# ---- diagnostics"
	ns_diag "$CLI" "$R1" "$R2" "$SRV"
	for r in "$R1" "$R2"; do
		echo "--- $r ICMP drops"; nsx "$r" $IPT -vnL OUTPUT | sed 's/^/  /'
	done
	if [ -n "$MTUG_PIN_DIR" ] && [ -x "$MTUG_BIN" ]; then
		echo "--- mtuguard status / stats"
		mtug "$R1" status --json 2>&1 | sed 's/^/  /'
		mtug "$R1" stats --json 2>&1 | sed 's/^/  /'
	fi
	echo "--- httpd log"; tail -n 20 "$MTUG_TMP/httpd.log" | sed 's/^/  /'
	if [ -s "$MTUG_TMP/syn.txt" ]; then
		echo "--- SYNs seen by the server"; head -n 20 "$MTUG_TMP/syn.txt" | sed 's/^/  /'
	fi
}

# icmp_dropped: ICMP errors dropped so far by both routers' OUTPUT rules.
icmp_dropped() {
	local r n=0 c
	for r in "$R1" "$R2"; do
		c=$(nsx "$r" $IPT -xvnL OUTPUT | awk '$3 == "DROP" { s += $1 } END { print s + 0 }')
		n=$((n + c))
	done
	echo "$n"
}

# download NAME MAXSECS: GET /big into $MTUG_TMP/NAME; sets RC, CODE, SECS, GOT.
download() {
	local out=$MTUG_TMP/$1 max=$2 t0 t1 w
	rm -f "$out"
	t0=$(date +%s.%N)
	w=$(nsx "$CLI" curl -sS -o "$out" -w '%{http_code}' --connect-timeout 3 \
		--max-time "$max" --speed-limit 1024 --speed-time "$STALL_SECS" \
		"http://$URL_HOST:$PORT/big" 2>"$MTUG_TMP/$1.err")
	RC=$?
	t1=$(date +%s.%N)
	CODE=$w
	SECS=$(python3 -c "print('%.2f' % ($t1 - $t0))")
	GOT=$(stat -c %s "$out" 2>/dev/null || echo 0)
}

# upload NAME MAXSECS: PUT $MTUG_TMP/up; sets RC, SECS, REPLY.
upload() {
	local max=$2 t0 t1
	t0=$(date +%s.%N)
	REPLY=$(nsx "$CLI" curl -sS -H 'Expect:' -T "$MTUG_TMP/up" --connect-timeout 3 \
		--max-time "$max" --speed-limit 1024 --speed-time "$STALL_SECS" \
		"http://$URL_HOST:$PORT/up" 2>"$MTUG_TMP/$1.err")
	RC=$?
	t1=$(date +%s.%N)
	SECS=$(python3 -c "print('%.2f' % ($t1 - $t0))")
}

if ! setup; then
	fail "${T}_setup" "topology setup failed"
	diag
	exit 1
fi
pass "${T}_setup"

# ---- without mtuguard: small works, large stalls --------------------------

w=$(nsx "$CLI" curl -sS --max-time 5 "http://$URL_HOST:$PORT/small" | wc -c)
if [ "$w" = 100 ]; then
	pass "${T}_small_transfer_without_mtuguard"
else
	fail "${T}_small_transfer_without_mtuguard" "got $w of 100 bytes: topology broken"
fi

d0=$(icmp_dropped)
download stall $STALL_MAX
log "download without mtuguard: curl rc=$RC http=$CODE got $GOT of $SIZE bytes in ${SECS}s"
# 28 = curl's timeout (the low-speed limit); 200 = the headers made it.
if [ "$RC" = 28 ] && [ "$CODE" = 200 ] && [ "$GOT" -lt "$SIZE" ]; then
	pass "${T}_download_stalls_without_mtuguard"
else
	fail "${T}_download_stalls_without_mtuguard" \
		"expected a stall after the headers: curl rc=$RC http=$CODE got $GOT of $SIZE bytes"
	diag
fi

upload stall $STALL_MAX
log "upload without mtuguard: curl rc=$RC reply='$REPLY' in ${SECS}s"
if [ "$RC" = 28 ] && [ -z "$REPLY" ]; then
	pass "${T}_upload_stalls_without_mtuguard"
else
	fail "${T}_upload_stalls_without_mtuguard" "expected a stall: curl rc=$RC reply='$REPLY'"
	diag
fi
d1=$(icmp_dropped)
log "ICMP errors generated by the routers and dropped: $((d1 - d0))"
if [ "$((d1 - d0))" -gt 0 ]; then
	pass "${T}_icmp_black_holed"
else
	fail "${T}_icmp_black_holed" "no ICMP error was dropped: the stall has another cause"
	diag
fi

# ---- with mtuguard ---------------------------------------------------------

# Start over: nothing learnt from the stalled connections.
nsx "$CLI" ip tcp_metrics flush all >/dev/null 2>&1
nsx "$SRV" ip tcp_metrics flush all >/dev/null 2>&1

bpffs_new || { fail "${T}_bpffs" "cannot mount a bpffs"; exit 1; }

STANDIN=${MTUG_BH_STANDIN:-}
if [ "$STANDIN" = tcpmss ]; then
	log "stand-in: $IPT TCPMSS --set-mss $MSS_CLAMPED in r1 instead of mtuguard"
	nsx "$R1" $IPT -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN \
		-j TCPMSS --set-mss "$MSS_CLAMPED"
elif [ ! -x "$MTUG_BIN" ]; then
	skip "${T}_with_mtuguard" "$MTUG_BIN not built"
	exit 0
else
	if out=$(mtug "$R1" attach rc --mode native 2>&1); then
		pass "${T}_attach"
	else
		fail "${T}_attach" "mtuguard attach rc failed: $out"
		diag
		exit 1
	fi
	if out=$(mtug "$R1" mtu add "$SRV_NET" 1400 2>&1); then
		pass "${T}_mtu_add"
	else
		fail "${T}_mtu_add" "mtuguard mtu add $SRV_NET 1400 failed: $out"
		diag
		exit 1
	fi
	C0_CLAMPED=$(mtug_counter "$R1" mss_clamped)
	C0_SYN=$(mtug_counter "$R1" syn_seen)
	log "counters before: mss_clamped=$C0_CLAMPED syn_seen=$C0_SYN"
fi

# The SYNs the server receives and the SYN-ACKs the client receives.
cap_start "$SRV" eth0 "$MTUG_TMP/syn.txt" "$CAP_SYN_FILTER"; SRV_DUMP=$BG_PID
cap_start "$CLI" eth0 "$MTUG_TMP/synack.txt" "$CAP_SYN_FILTER"; CLI_DUMP=$BG_PID

download good 20
log "download with mtuguard: curl rc=$RC http=$CODE got $GOT bytes in ${SECS}s"
got_sha=$(sha256sum <"$MTUG_TMP/good" 2>/dev/null | cut -d' ' -f1)
if [ "$RC" = 0 ] && [ "$GOT" = "$SIZE" ] && [ "$got_sha" = "$BIG_SHA" ]; then
	pass "${T}_download_with_mtuguard"
else
	fail "${T}_download_with_mtuguard" \
		"curl rc=$RC http=$CODE got $GOT of $SIZE bytes, sha256 ${got_sha:0:12} want ${BIG_SHA:0:12}"
	cat "$MTUG_TMP/good.err"
	diag
fi

upload good 20
log "upload with mtuguard: curl rc=$RC reply='$REPLY' in ${SECS}s"
if [ "$RC" = 0 ] && [ "$REPLY" = "$UP_SHA $SIZE" ]; then
	pass "${T}_upload_with_mtuguard"
else
	fail "${T}_upload_with_mtuguard" "curl rc=$RC reply='$REPLY' want '${UP_SHA:0:12}... $SIZE'"
	cat "$MTUG_TMP/good.err"
	diag
fi

cap_stop "$SRV_DUMP" "$CLI_DUMP"

# What the endpoints saw: every SYN at the server and every SYN-ACK at the
# client carries the clamped MSS and a checksum tcpdump verified (the
# endpoints' checksums are complete, so tcpdump checks them exactly).
check_syns() { # name file flags
	local name=$1 f=$2 fl=$3 total good
	cap_segments "$f" | awk -v fl="$fl" '$1 == fl' >"$f.$name"
	total=$(wc -l <"$f.$name")
	good=$(awk -v m="$MSS_CLAMPED" '$3 == "correct" && $4 == m' "$f.$name" | wc -l)
	log "$name: $total segments, $good with mss $MSS_CLAMPED and a correct checksum"
	if [ "$total" -ge 2 ] && [ "$good" = "$total" ]; then
		pass "${T}_$name"
	else
		fail "${T}_$name" "$good of $total segments with mss $MSS_CLAMPED and a correct checksum"
		sed 's/^/  /' "$f.$name" | head -n 10
	fi
}
check_syns syn_clamped_at_server "$MTUG_TMP/syn.txt" S
check_syns synack_clamped_at_client "$MTUG_TMP/synack.txt" S.

if [ -z "$STANDIN" ]; then
	C1_CLAMPED=$(mtug_counter "$R1" mss_clamped)
	C1_SYN=$(mtug_counter "$R1" syn_seen)
	log "counters after: mss_clamped=$C1_CLAMPED syn_seen=$C1_SYN"
	# Two connections: two SYNs (XDP) and two SYN-ACKs (TC egress).
	if [ -n "$C1_CLAMPED" ] && [ -n "$C0_CLAMPED" ] &&
	   [ "$((C1_CLAMPED - C0_CLAMPED))" -ge 4 ] && [ "$((C1_SYN - C0_SYN))" -ge 4 ]; then
		pass "${T}_counters"
	else
		fail "${T}_counters" "mss_clamped $C0_CLAMPED -> $C1_CLAMPED, syn_seen $C0_SYN -> $C1_SYN (want +4 each)"
		diag
	fi
	mtug "$R1" detach rc >/dev/null 2>&1
fi

[ "$(fail_count)" = 0 ]
