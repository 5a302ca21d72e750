#!/bin/bash
# test_tc_csum_offload.sh - the TC egress clamp on locally generated SYNs,
# which carry CHECKSUM_PARTIAL, keeps the TCP checksum right, IPv4 and IPv6.
#
#   cli ------------------ rtr ------------------ srv
#   eth0 (mtuguard here)  rc   rs                 eth0
#   tx on / tx off        tx off on both          tx on (default)
#
# mtuguard is attached to the CLIENT's own veth with `mtu default 1400`:
# the client's SYN is clamped by the TC egress program, the server's
# SYN-ACK by XDP on the way in.  No MTU is actually small here: the test is
# about checksums, and every connection must still work.
#
# What Linux does with a locally generated SYN (measured, see the baseline
# cases): TCP always hands it down as CHECKSUM_PARTIAL, the TCP checksum
# field holding only the pseudo-header sum (the "seed"), and the TC egress
# hook runs before the device's checksum offload decision.  Then:
#   - client tx off: the client's own stack completes the checksum right
#     after TC egress, so the SYN on the wire (tcpdump at rtr's rc) has a
#     complete checksum that tcpdump verifies exactly: it must be "correct"
#     with the clamped MSS.  A datapath that wrote the checksum field of a
#     PARTIAL skb, or changed the MSS without it being covered, fails here.
#   - client tx on: the SYN leaves the client still PARTIAL and veth passes
#     it on as such, so tcpdump at rtr's rc shows the seed ("incorrect"),
#     with or without mtuguard.  The seed depends only on the addresses and
#     the length, so with mtuguard it must be exactly the baseline's value:
#     a PARTIAL skb's checksum field must not be touched.  rtr has tx off on
#     rs, so it completes the checksum in software from that seed and the
#     MSS bytes as the clamp left them; the server's capture must show it
#     "correct" with the clamped MSS, and the server's kernel, which
#     verifies complete checksums, must accept the SYN (the transfer works).
# rtr has tx off on rc too, so the server's SYN-ACK reaches the client with a
# complete checksum and the client's own kernel verifies what XDP rewrote.
# timeout: 300
set -u
. "$(dirname "$0")/lib.sh"

T=tc_csum
lib_init tccsum

SIZE=$((1024 * 1024))
PORT=8080

CLI=$(ns_new cli) || exit 1
RTR=$(ns_new rtr) || exit 1
SRV=$(ns_new srv) || exit 1

setup() {
	veth_new "$CLI" eth0 "$RTR" rc || return 1
	veth_new "$RTR" rs "$SRV" eth0 || return 1
	ns_forwarding "$RTR" || return 1
	{
		ip -n "$CLI" addr add 10.0.1.2/24 dev eth0 &&
		ip -n "$RTR" addr add 10.0.1.1/24 dev rc &&
		ip -n "$RTR" addr add 10.0.3.1/24 dev rs &&
		ip -n "$SRV" addr add 10.0.3.2/24 dev eth0 &&
		ip -n "$CLI" addr add fd00:1::2/64 dev eth0 nodad &&
		ip -n "$RTR" addr add fd00:1::1/64 dev rc nodad &&
		ip -n "$RTR" addr add fd00:3::1/64 dev rs nodad &&
		ip -n "$SRV" addr add fd00:3::2/64 dev eth0 nodad &&
		ip -n "$CLI" route add default via 10.0.1.1 &&
		ip -n "$SRV" route add default via 10.0.3.1 &&
		ip -n "$CLI" -6 route add default via fd00:1::1 &&
		ip -n "$SRV" -6 route add default via fd00:3::1
	} || return 1
	nsx "$RTR" ethtool -K rc tx off >/dev/null || return 1
	nsx "$RTR" ethtool -K rs tx off >/dev/null || return 1

	mkdir -p "$MTUG_TMP/www" || return 1
	head -c "$SIZE" /dev/urandom >"$MTUG_TMP/www/blob" || return 1
	BLOB_SHA=$(sha256sum <"$MTUG_TMP/www/blob" | cut -d' ' -f1)
	bg "$SRV" "$MTUG_TMP/httpd4.log" python3 "$MTUG_ROOT/tests/integration/httpd.py" \
		10.0.3.2 "$PORT" "$MTUG_TMP/www"
	bg "$SRV" "$MTUG_TMP/httpd6.log" python3 "$MTUG_ROOT/tests/integration/httpd.py" \
		fd00:3::2 "$PORT" "$MTUG_TMP/www"
	# 10 s: a loaded machine (make test beside a build) took more than 5
	# once to get the first answer through.
	wait_until 10 nsx "$CLI" curl -sf --max-time 1 -o /dev/null "http://10.0.3.2:$PORT/blob" ||
		{ echo "# no answer from the IPv4 server in 10 s"; cat "$MTUG_TMP/httpd4.log"; return 1; }
	wait_until 10 nsx "$CLI" curl -sf --max-time 1 -o /dev/null "http://[fd00:3::2]:$PORT/blob" ||
		{ echo "# no answer from the IPv6 server in 10 s"; cat "$MTUG_TMP/httpd6.log"; return 1; }
}

diag() {
	echo "# ---- diagnostics"
	ns_diag "$CLI" "$RTR" "$SRV"
	nsx "$CLI" ethtool -k eth0 | grep -E 'tx-checksum|segmentation-offload' | sed 's/^/  cli /'
	if [ -n "$MTUG_PIN_DIR" ] && [ -x "$MTUG_BIN" ]; then
		echo "--- mtuguard status / stats"
		mtug "$CLI" status --json 2>&1 | sed 's/^/  /'
		mtug "$CLI" stats --json 2>&1 | sed 's/^/  /'
	fi
	local f
	for f in peer srv cli; do
		echo "--- capture $f"; grep -v '^tcpdump\|^listening\|packets' "$MTUG_TMP/$f.txt" 2>/dev/null | head -n 8 | sed 's/^/  /'
	done
}

# transfer FAM TX: set the client's TX checksum offload, download the blob
# once while capturing SYNs at the client's peer (rtr rc), at the server
# and at the client.  Sets OK (1 if byte-exact), WHY, PEER_SYN, SRV_SYN,
# CLI_SYNACK (cap_segments lines: "FLAGS CKSUM STATUS MSS").
transfer() {
	local fam=$1 tx=$2 host p1 p2 p3 out=$MTUG_TMP/got rc sha
	[ "$fam" = 4 ] && host=10.0.3.2 || host="[fd00:3::2]"
	nsx "$CLI" ethtool -K eth0 tx "$tx" >/dev/null 2>&1
	if ! nsx "$CLI" ethtool -k eth0 | grep -q "^tx-checksumming: $tx"; then
		OK=0 WHY="cannot set tx $tx on the client's veth"
		return
	fi
	nsx "$CLI" ip tcp_metrics flush all >/dev/null 2>&1
	cap_start "$RTR" rc "$MTUG_TMP/peer.txt" "$CAP_SYN_FILTER"; p1=$BG_PID
	cap_start "$SRV" eth0 "$MTUG_TMP/srv.txt" "$CAP_SYN_FILTER"; p2=$BG_PID
	cap_start "$CLI" eth0 "$MTUG_TMP/cli.txt" "$CAP_SYN_FILTER"; p3=$BG_PID
	rm -f "$out"
	nsx "$CLI" curl -sS -o "$out" --connect-timeout 3 --max-time 8 \
		"http://$host:$PORT/blob" 2>"$MTUG_TMP/curl.err"
	rc=$?
	cap_stop "$p1" "$p2" "$p3"
	sha=$(sha256sum <"$out" 2>/dev/null | cut -d' ' -f1)
	if [ "$rc" = 0 ] && [ "$sha" = "$BLOB_SHA" ]; then
		OK=1 WHY=""
	else
		OK=0 WHY="transfer failed: curl rc=$rc $(head -c 200 "$MTUG_TMP/curl.err")"
	fi
	PEER_SYN=$(cap_segments "$MTUG_TMP/peer.txt" | awk '$1 == "S"' | head -n1)
	SRV_SYN=$(cap_segments "$MTUG_TMP/srv.txt" | awk '$1 == "S"' | head -n1)
	CLI_SYNACK=$(cap_segments "$MTUG_TMP/cli.txt" | awk '$1 == "S."' | head -n1)
	log "v$fam tx $tx: transfer ok=$OK; SYN at peer [$PEER_SYN], SYN at server [$SRV_SYN], SYN-ACK at client [$CLI_SYNACK]"
}

# field N LINE: the Nth word of a cap_segments line.
field() { echo "$2" | awk -v n="$1" '{ print $n }'; }

# seg_is LINE STATUS MSS: the segment's checksum status and MSS.
seg_is() { [ "$(field 3 "$1")" = "$2" ] && [ "$(field 4 "$1")" = "$3" ]; }

if ! setup; then
	fail "${T}_setup" "topology setup failed"
	diag
	exit 1
fi
pass "${T}_setup"

declare -A SEED SEED_STATUS FULL CLAMP
FULL[4]=1460 CLAMP[4]=1360 FULL[6]=1440 CLAMP[6]=1340

# ---- baseline, no mtuguard ---------------------------------------------------
for fam in 4 6; do
	transfer "$fam" on
	SEED[$fam]=$(field 2 "$PEER_SYN") SEED_STATUS[$fam]=$(field 3 "$PEER_SYN")
	if [ "$OK" = 1 ] && seg_is "$SRV_SYN" correct "${FULL[$fam]}" &&
	   [ -n "${SEED[$fam]}" ] && [ "${SEED[$fam]}" != - ]; then
		pass "${T}_v${fam}_baseline_tx_on"
		log "v$fam: a PARTIAL SYN leaves the client with cksum ${SEED[$fam]} (${SEED_STATUS[$fam]} at the peer)"
	else
		fail "${T}_v${fam}_baseline_tx_on" "${WHY:-SYN at server [$SRV_SYN], at peer [$PEER_SYN]}"
		diag
	fi
	transfer "$fam" off
	if [ "$OK" = 1 ] && seg_is "$PEER_SYN" correct "${FULL[$fam]}" &&
	   seg_is "$SRV_SYN" correct "${FULL[$fam]}"; then
		pass "${T}_v${fam}_baseline_tx_off"
	else
		fail "${T}_v${fam}_baseline_tx_off" "${WHY:-SYN at peer [$PEER_SYN], at server [$SRV_SYN]}"
		diag
	fi
done

# ---- mtuguard on the client's own veth --------------------------------------
if [ ! -x "$MTUG_BIN" ]; then
	skip "${T}_with_mtuguard" "$MTUG_BIN not built"
	exit 0
fi
bpffs_new || { fail "${T}_bpffs" "cannot mount a bpffs"; exit 1; }
if out=$(mtug "$CLI" attach eth0 --mode native 2>&1) &&
   out=$(mtug "$CLI" mtu default 1400 2>&1); then
	pass "${T}_attach"
else
	fail "${T}_attach" "mtuguard attach eth0 / mtu default 1400 in the client failed: $out"
	diag
	exit 1
fi
c0=$(mtug_counter "$CLI" mss_clamped)

for fam in 4 6; do
	# Software checksum right after TC egress: verified exactly at the peer.
	transfer "$fam" off
	if [ "$OK" = 1 ] && seg_is "$PEER_SYN" correct "${CLAMP[$fam]}" &&
	   seg_is "$SRV_SYN" correct "${CLAMP[$fam]}"; then
		pass "${T}_v${fam}_clamped_tx_off"
	else
		fail "${T}_v${fam}_clamped_tx_off" \
			"${WHY:-want mss ${CLAMP[$fam]} and a correct checksum: SYN at peer [$PEER_SYN], at server [$SRV_SYN]}"
		diag
	fi
	synack_off=$CLI_SYNACK

	# PARTIAL on the wire: the seed untouched, completed by rtr in software.
	transfer "$fam" on
	if [ "${SEED_STATUS[$fam]}" = incorrect ]; then
		peer_ok() { [ "$(field 2 "$PEER_SYN")" = "${SEED[$fam]}" ] && [ "$(field 4 "$PEER_SYN")" = "${CLAMP[$fam]}" ]; }
		peer_want="cksum field = the seed ${SEED[$fam]}"
	else
		# The kernel completed the checksum before the wire after all
		# (baseline showed it correct): then it must be correct here.
		peer_ok() { seg_is "$PEER_SYN" correct "${CLAMP[$fam]}"; }
		peer_want="a correct checksum"
	fi
	if [ "$OK" = 1 ] && peer_ok && seg_is "$SRV_SYN" correct "${CLAMP[$fam]}"; then
		pass "${T}_v${fam}_clamped_tx_on"
	else
		fail "${T}_v${fam}_clamped_tx_on" \
			"${WHY:-want mss ${CLAMP[$fam]}, $peer_want at the peer and a correct checksum at the server: SYN at peer [$PEER_SYN], at server [$SRV_SYN]}"
		diag
	fi

	# The server's SYN-ACK, clamped by XDP at the client, checksum complete.
	if seg_is "$synack_off" correct "${CLAMP[$fam]}" &&
	   seg_is "$CLI_SYNACK" correct "${CLAMP[$fam]}"; then
		pass "${T}_v${fam}_synack_clamped_by_xdp"
	else
		fail "${T}_v${fam}_synack_clamped_by_xdp" \
			"want mss ${CLAMP[$fam]} and a correct checksum: SYN-ACK at client [$synack_off] and [$CLI_SYNACK]"
	fi
done

c1=$(mtug_counter "$CLI" mss_clamped)
log "mss_clamped: $c0 -> $c1"
# Four connections, each with a SYN (TC egress) and a SYN-ACK (XDP).
if [ -n "$c0" ] && [ -n "$c1" ] && [ "$((c1 - c0))" -ge 8 ]; then
	pass "${T}_counters"
else
	fail "${T}_counters" "mss_clamped $c0 -> $c1, want at least +8"
	diag
fi

# ---- without the egress program: the SYN is no longer clamped ------------
# (so the clamp seen above was the TC egress program's)
if mtug "$CLI" detach eth0 >/dev/null 2>&1 &&
   out=$(mtug "$CLI" attach eth0 --mode native --no-egress 2>&1) &&
   out=$(mtug "$CLI" mtu default 1400 2>&1); then
	transfer 4 off
	if [ "$OK" = 1 ] && seg_is "$PEER_SYN" correct "${FULL[4]}" &&
	   seg_is "$CLI_SYNACK" correct "${CLAMP[4]}"; then
		pass "${T}_no_egress_leaves_syn"
	else
		fail "${T}_no_egress_leaves_syn" \
			"${WHY:-want SYN at peer with mss ${FULL[4]}, SYN-ACK at client with ${CLAMP[4]}: [$PEER_SYN] [$CLI_SYNACK]}"
		diag
	fi
else
	fail "${T}_no_egress_leaves_syn" "detach / attach --no-egress failed: ${out:-}"
	diag
fi
mtug "$CLI" detach eth0 >/dev/null 2>&1

# ---- XDP on a veth sees CHECKSUM_PARTIAL skbs too -----------------------
# A veth hands the peer's skb to XDP (native or generic) as it is: with tx
# on at the client, the client's SYN reaches XDP on rtr's rc still PARTIAL,
# its checksum field the seed.  An RFC 1624 update applied to the seed is
# wrong: when the checksum is completed later (here rtr's rs, tx off; in
# real life a NIC's offload) it comes out wrong and the server drops the
# SYN.  This is mtuguard on the host side of a container's veth.  No
# software completion anywhere (every veth tx on) would hide it: the
# receivers trust PARTIAL skbs.
bpffs_new || { fail "${T}_bpffs" "cannot mount a second bpffs"; exit 1; }
if out=$(mtug "$RTR" attach rc --mode native 2>&1) &&
   out=$(mtug "$RTR" mtu default 1400 2>&1); then
	for fam in 4 6; do
		transfer "$fam" on
		if [ "$OK" = 1 ] && seg_is "$SRV_SYN" correct "${CLAMP[$fam]}"; then
			pass "${T}_v${fam}_xdp_partial_syn"
		else
			fail "${T}_v${fam}_xdp_partial_syn" \
				"XDP on rtr's veth clamped a CHECKSUM_PARTIAL SYN: ${WHY:+$WHY; }SYN at peer [$PEER_SYN], at server [$SRV_SYN], want mss ${CLAMP[$fam]} and a correct checksum"
		fi
	done
	log "rtr mss_clamped=$(mtug_counter "$RTR" mss_clamped)"
	mtug "$RTR" detach rc >/dev/null 2>&1
else
	fail "${T}_xdp_partial_syn" "mtuguard attach rc in the router failed: $out"
fi

[ "$(fail_count)" = 0 ]
