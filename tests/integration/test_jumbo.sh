#!/bin/bash
# test_jumbo.sh - jumbo frames: mtuguard on a router whose links run MTU
# 9000, real Linux TCP through it, IPv4 and IPv6.
#
#   cli eth0 ==== rc  rtr  rs ==== eth0 srv        (every link MTU 9000)
#                      rr
#                      ||
#                      rl  r2  rf ---- eth0 far    (MTU 1500: the small hop)
#
# mtuguard runs native XDP on all three of rtr's interfaces, multi-buffer
# (5.18+): a 9000-byte frame reaches XDP in more than one buffer.
#
# Cases:
#   jumbo/attach_native_mtu_9000   `attach --mode native` on rc and rs,
#                                  veths with MTU 9000 at both ends
#   jumbo/status_says_multi_buffer `status` names both programs multi-buffer
#   jumbo/peer_mtu_raised_while_attached, jumbo/mtu_raised_while_attached
#                                  rr is attached at MTU 1500; then its veth
#                                  peer rl and rr itself go to 9000 (with a
#                                  single-buffer program the peer stayed at
#                                  about 3.5 KB: "mtu greater than device
#                                  maximum")
#   jumbo/v4|v6_srv_download|upload  8 MB each way, byte-exact (sha256 on
#                                  the receiving side), in 9000-byte frames
#                                  that cross XDP
#   jumbo/v4|v6_far_download|upload  the same with far, behind the 1500-byte
#                                  hop whose ICMP errors r2 drops (a PMTUD
#                                  black hole): works only when clamped
#   jumbo/v4|v6_srv_mss_not_clamped  srv sees the client's SYNs with MSS
#                                  8960 / 8940 and correct checksums
#   jumbo/v4|v6_far_mss_clamped    far sees MSS 1460 / 1440 (`mtu add` of
#                                  far's prefixes at 1500), checksums correct
#   jumbo/mss_clamped_counted      mss_clamped counts the four SYNs to far
#   jumbo/jumbo_frames_seen        frames over 8000 bytes reached srv
#   jumbo/fwd_on, jumbo/fwd_*      `ptb mode fib` and `ptb forward on` on rtr,
#                                  then the same transfers and checks again
#   jumbo/fwd_jumbo_redirected_by_xdp  every interface records that its veth
#                                  transmits multi-buffer frames (6.3+): XDP
#                                  redirected the jumbo segments too, none
#                                  went to the stack (frags_passed +0)
#   jumbo/ptb_across_buffers_*     a 3600-byte PTB (2.5 KB of Destination
#                                  Options) in fib mode: XDP hands it to TC
#                                  ingress, which checks it whole and steers
#                                  it to srv; with a bad checksum, invalid
#   jumbo/fwd_unattached_egress_*  rs detached: jumbo segments towards srv
#                                  go to the stack (frags_passed), short
#                                  ones are still redirected, the transfers
#                                  stay byte-exact
#   jumbo/detach
# On a kernel without multi-buffer XDP: `attach` on an MTU-9000 veth fails
# with one line naming the MTU and --mode generic, leaves nothing attached,
# and --mode generic works (jumbo/old_kernel_*); the rest SKIPs.
# timeout: 300
set -u
. "$(dirname "$0")/lib.sh"
lib_init jumbo

SIZE=$((8 * 1024 * 1024))
PORT=8080
MAXT=30 # seconds a transfer may take

if ! mtug_ready; then
	fail jumbo/setup "$MTUG_BIN not built"
	exit 1
fi

# Multi-buffer XDP: the helper and the load flag came together, in 5.18.
frags_supported() {
	bpftool feature probe kernel 2>/dev/null | grep -q '\bbpf_xdp_get_buff_len\b'
}

# ---- a kernel without multi-buffer XDP: the error, then generic mode ------------

if ! frags_supported; then
	A=$(ns_new a) || exit 1
	veth_new "$A" j0 "$A" j1 9000 || { fail jumbo/old_kernel_setup "veth"; exit 1; }
	bpffs_new || { fail jumbo/old_kernel_setup "bpffs"; exit 1; }
	out=$(mtug "$A" attach j0 --mode native 2>&1)
	rc=$?
	log "attach --mode native at MTU 9000: exit $rc: $out"
	lines=$(printf '%s\n' "$out" | grep -c .)
	if [ "$rc" -ne 0 ] && [ "$lines" = 1 ] && [[ "$out" == *"MTU is 9000"* ]] &&
	   [[ "$out" == *"--mode generic"* ]]; then
		pass jumbo/old_kernel_attach_refused_one_line
	else
		fail jumbo/old_kernel_attach_refused_one_line "exit $rc, $lines lines: $out"
	fi
	left=$(ip -n "$A" -d link show j0 | grep -c 'prog/xdp')
	left=$((left + $(tc -n "$A" filter show dev j0 ingress 2>/dev/null | grep -c .)))
	st=$(mtug "$A" status 2>&1)
	if [ "$left" = 0 ] && ! grep -q j0 <<<"$st"; then
		pass jumbo/old_kernel_attach_leaves_nothing
	else
		fail jumbo/old_kernel_attach_leaves_nothing "$left hooks on j0; status: $st"
	fi
	if out=$(mtug "$A" attach j0 --mode generic 2>&1) && grep -q j0 <<<"$(mtug "$A" status 2>&1)"; then
		pass jumbo/old_kernel_generic_mode_at_mtu_9000
	else
		fail jumbo/old_kernel_generic_mode_at_mtu_9000 "$out"
	fi
	mtug "$A" detach --all >/dev/null 2>&1
	skip jumbo/multi_buffer "this kernel has no multi-buffer XDP (5.18+)"
	[ "$(fail_count)" = 0 ]
	exit
fi

CLI=$(ns_new cli) || exit 1
RTR=$(ns_new rtr) || exit 1
SRV=$(ns_new srv) || exit 1
R2=$(ns_new r2) || exit 1
FAR=$(ns_new far) || exit 1

CLI4=10.31.1.2 RC4=10.31.1.1 RS4=10.31.2.1 SRV4=10.31.2.2
RR4=10.31.3.1 RL4=10.31.3.2 RF4=10.31.4.1 FAR4=10.31.4.2
CLI6=fd31:1::2 RC6=fd31:1::1 RS6=fd31:2::1 SRV6=fd31:2::2
RR6=fd31:3::1 RL6=fd31:3::2 RF6=fd31:4::1 FAR6=fd31:4::2

setup() {
	veth_new "$CLI" eth0 "$RTR" rc 9000 &&
	veth_new "$RTR" rs "$SRV" eth0 9000 &&
	veth_new "$RTR" rr "$R2" rl &&
	veth_new "$R2" rf "$FAR" eth0 || return 1
	ns_forwarding "$RTR" && ns_forwarding "$R2" || return 1
	local a ns dev v4 v6
	for a in "$CLI eth0 $CLI4/24 $CLI6/64" "$RTR rc $RC4/24 $RC6/64" \
		 "$RTR rs $RS4/24 $RS6/64" "$SRV eth0 $SRV4/24 $SRV6/64" \
		 "$RTR rr $RR4/24 $RR6/64" "$R2 rl $RL4/24 $RL6/64" \
		 "$R2 rf $RF4/24 $RF6/64" "$FAR eth0 $FAR4/24 $FAR6/64"; do
		read -r ns dev v4 v6 <<<"$a"
		ip -n "$ns" addr add "$v4" dev "$dev" &&
		ip -n "$ns" addr add "$v6" dev "$dev" nodad || return 1
	done
	ip -n "$CLI" route add default via $RC4 && ip -n "$CLI" -6 route add default via $RC6 &&
	ip -n "$SRV" route add default via $RS4 && ip -n "$SRV" -6 route add default via $RS6 &&
	ip -n "$FAR" route add default via $RF4 && ip -n "$FAR" -6 route add default via $RF6 &&
	ip -n "$RTR" route add 10.31.4.0/24 via $RL4 &&
	ip -n "$RTR" -6 route add fd31:4::/64 via $RL6 &&
	ip -n "$R2" route add default via $RR4 && ip -n "$R2" -6 route add default via $RR6 ||
		return 1
	# The small hop is a black hole: r2 drops the errors it would send.
	nsx "$R2" iptables -A OUTPUT -p icmp --icmp-type fragmentation-needed -j DROP &&
	nsx "$R2" ip6tables -A OUTPUT -p icmpv6 --icmpv6-type packet-too-big -j DROP ||
		return 1
	# Endpoints: complete checksums on the wire (each receiver verifies
	# them; a veth would pass CHECKSUM_PARTIAL unverified), and so no
	# TSO either: the segments are real 9000-byte frames.
	for a in "$CLI" "$SRV" "$FAR"; do
		nsx "$a" ethtool -K eth0 tx off >/dev/null 2>&1 || return 1
		nsx "$a" sysctl -qw net.ipv4.tcp_mtu_probing=0 || return 1
	done

	mkdir -p "$MTUG_TMP/www" || return 1
	head -c "$SIZE" /dev/urandom >"$MTUG_TMP/www/big" || return 1
	head -c 100 /dev/urandom >"$MTUG_TMP/www/small" || return 1
	head -c "$SIZE" /dev/urandom >"$MTUG_TMP/up" || return 1
	BIG_SHA=$(sha256sum <"$MTUG_TMP/www/big" | cut -d' ' -f1)
	UP_SHA=$(sha256sum <"$MTUG_TMP/up" | cut -d' ' -f1)
	local ip
	for a in "$SRV $SRV4" "$SRV $SRV6" "$FAR $FAR4" "$FAR $FAR6"; do
		read -r ns ip <<<"$a"
		bg "$ns" "$MTUG_TMP/httpd-$ip.log" python3 "$MTUG_ROOT/tests/integration/httpd.py" \
			"$ip" "$PORT" "$MTUG_TMP/www"
	done
	wait_until 5 tcp_listening "$SRV" "$PORT" && wait_until 5 tcp_listening "$FAR" "$PORT"
}

url() { # HOST
	case $1 in *:*) echo "http://[$1]:$PORT" ;; *) echo "http://$1:$PORT" ;; esac
}

diag() {
	echo "# ---- diagnostics"
	ns_diag "$CLI" "$RTR" "$R2" "$SRV" "$FAR"
	echo "--- mtuguard status / stats"
	mtug "$RTR" status 2>&1 | sed 's/^/  /'
	mtug "$RTR" stats 2>&1 | sed 's/^/  /'
	tail -n 5 "$MTUG_TMP"/httpd-*.log 2>/dev/null | sed 's/^/  /'
}

# transfer NAME HOST: download /big and upload 8 MB, both checked by
# sha256; pass/fail NAME_download and NAME_upload.
transfer() {
	local name=$1 u got sha reply rc
	u=$(url "$2")
	rm -f "$MTUG_TMP/got"
	nsx "$CLI" curl -sS -o "$MTUG_TMP/got" --connect-timeout 3 --max-time "$MAXT" \
		--speed-limit 1024 --speed-time 3 "$u/big" 2>"$MTUG_TMP/curl.err"
	rc=$?
	got=$(stat -c %s "$MTUG_TMP/got" 2>/dev/null || echo 0)
	sha=$(sha256sum <"$MTUG_TMP/got" 2>/dev/null | cut -d' ' -f1)
	if [ "$rc" = 0 ] && [ "$sha" = "$BIG_SHA" ]; then
		pass "${name}_download"
	else
		fail "${name}_download" "curl exit $rc, $got of $SIZE bytes, sha256 ${sha:0:12} want ${BIG_SHA:0:12}: $(head -c 200 "$MTUG_TMP/curl.err")"
		DIAG=1
	fi
	reply=$(nsx "$CLI" curl -sS -H 'Expect:' -T "$MTUG_TMP/up" --connect-timeout 3 \
		--max-time "$MAXT" --speed-limit 1024 --speed-time 3 "$u/up" 2>"$MTUG_TMP/curl.err")
	rc=$?
	if [ "$rc" = 0 ] && [ "$reply" = "$UP_SHA $SIZE" ]; then
		pass "${name}_upload"
	else
		fail "${name}_upload" "curl exit $rc, reply '$reply', want '${UP_SHA:0:12}... $SIZE': $(head -c 200 "$MTUG_TMP/curl.err")"
		DIAG=1
	fi
}

# check_mss NAME FILE MSS: every SYN in a capture carries MSS and a
# correct checksum (at least two of them).
check_mss() {
	local name=$1 f=$2 mss=$3 total good
	cap_segments "$f" | awk '$1 == "S"' >"$f.syn"
	total=$(wc -l <"$f.syn")
	good=$(awk -v m="$mss" '$3 == "correct" && $4 == m' "$f.syn" | wc -l)
	if [ "$total" -ge 2 ] && [ "$good" = "$total" ]; then
		pass "$name"
	else
		fail "$name" "$good of $total SYNs with mss $mss and a correct checksum: $(head -n 3 "$f.syn" | tr '\n' ';')"
	fi
}

DIAG=0
if ! setup; then
	fail jumbo/setup "topology setup failed"
	diag
	exit 1
fi
pass jumbo/setup
bpffs_new || { fail jumbo/setup "cannot mount a bpffs"; exit 1; }

# ---- attach at MTU 9000; raise an attached link's MTU ------------------------------

if out=$(mtug "$RTR" attach rc --mode native 2>&1) &&
   out=$(mtug "$RTR" attach rs --mode native 2>&1); then
	pass jumbo/attach_native_mtu_9000
	st=$(mtug "$RTR" status 2>&1 | grep -c ': xdp native multi-buffer prog ')
	if [ "$st" = 2 ]; then
		pass jumbo/status_says_multi_buffer
	else
		fail jumbo/status_says_multi_buffer "$st of rc, rs: $(mtug "$RTR" status 2>&1)"
	fi
else
	fail jumbo/attach_native_mtu_9000 "$out"
	diag
	exit 1
fi
if ! out=$(mtug "$RTR" attach rr --mode native 2>&1); then
	fail jumbo/attach_native_mtu_1500 "$out"
	exit 1
fi
if out=$(ip -n "$R2" link set rl mtu 9000 2>&1); then
	pass jumbo/peer_mtu_raised_while_attached
else
	fail jumbo/peer_mtu_raised_while_attached "ip link set rl mtu 9000: $out"
fi
if out=$(ip -n "$RTR" link set rr mtu 9000 2>&1) &&
   ip -n "$RTR" -d link show rr | grep -q 'prog/xdp'; then
	pass jumbo/mtu_raised_while_attached
else
	fail jumbo/mtu_raised_while_attached "ip link set rr mtu 9000: $out"
fi

if ! out=$(mtug "$RTR" mtu add 10.31.4.0/24 1500 2>&1) ||
   ! out=$(mtug "$RTR" mtu add fd31:4::/64 1500 2>&1); then
	fail jumbo/mtu_add "$out"
	exit 1
fi
# Neighbours resolved, routes warm, before anything is measured.
for h in $SRV4 $SRV6 $FAR4 $FAR6; do
	wait_until 5 nsx "$CLI" curl -sf --max-time 1 -o /dev/null "$(url "$h")/small" ||
		{ fail jumbo/setup "client cannot reach $h"; diag; exit 1; }
done

SYN4='ip and tcp[tcpflags] & tcp-syn != 0'
SYN6='ip6 and ip6[6] == 6 and ip6[53] & 2 != 0'

# phase NAME: the four transfers, the SYNs both servers saw, the counters.
phase() {
	local p=$1 c0 c1 d n
	c0=$(mtug_counter "$RTR" mss_clamped)
	cap_start "$SRV" eth0 "$MTUG_TMP/srv4.txt" "$SYN4"; D1=$BG_PID
	cap_start "$SRV" eth0 "$MTUG_TMP/srv6.txt" "$SYN6"; D2=$BG_PID
	cap_start "$FAR" eth0 "$MTUG_TMP/far4.txt" "$SYN4"; D3=$BG_PID
	cap_start "$FAR" eth0 "$MTUG_TMP/far6.txt" "$SYN6"; D4=$BG_PID
	cap_start "$SRV" eth0 "$MTUG_TMP/big.txt" "greater 8000"; D5=$BG_PID

	transfer "jumbo/${p}v4_srv" $SRV4
	transfer "jumbo/${p}v6_srv" $SRV6
	transfer "jumbo/${p}v4_far" $FAR4
	transfer "jumbo/${p}v6_far" $FAR6

	cap_stop "$D1" "$D2" "$D3" "$D4" "$D5"
	# srv: the client's MSS untouched (9000 - 40 / 60); far: clamped to
	# its prefix's 1500 (- 40 / 60).
	check_mss "jumbo/${p}v4_srv_mss_not_clamped" "$MTUG_TMP/srv4.txt" 8960
	check_mss "jumbo/${p}v6_srv_mss_not_clamped" "$MTUG_TMP/srv6.txt" 8940
	check_mss "jumbo/${p}v4_far_mss_clamped" "$MTUG_TMP/far4.txt" 1460
	check_mss "jumbo/${p}v6_far_mss_clamped" "$MTUG_TMP/far6.txt" 1440
	# Four connections to far: each SYN clamped by XDP on rc (far's
	# SYN-ACK, from a 1500-byte link, needs nothing).
	c1=$(mtug_counter "$RTR" mss_clamped)
	d=$((${c1:-0} - ${c0:-0}))
	if [ "$d" -ge 4 ]; then
		pass "jumbo/${p}mss_clamped_counted"
	else
		fail "jumbo/${p}mss_clamped_counted" "mss_clamped +$d, want at least 4"
	fi
	n=$(grep -c '^[0-9]' "$MTUG_TMP/big.txt")
	if [ "$n" -gt 0 ]; then
		pass "jumbo/${p}jumbo_frames_seen"
	else
		fail "jumbo/${p}jumbo_frames_seen" "no frame over 8000 bytes reached srv"
	fi
}

phase ""

# ---- ptb mode fib, ptb forward on ---------------------------------------------------

# XDP_REDIRECT into a veth needs NAPI on the receiving peer: GRO on.  With
# it the veth transmits multi-buffer frames too (NETDEV_XDP_ACT_NDO_XMIT_SG),
# which `ptb mode fib` (rewriting every interface's entry) records.
for a in "$CLI eth0" "$SRV eth0" "$R2 rl"; do
	read -r ns dev <<<"$a"
	nsx "$ns" ethtool -K "$dev" gro on >/dev/null 2>&1
done
if out=$(mtug "$RTR" ptb mode fib 2>&1) && out=$(mtug "$RTR" ptb forward on 2>&1); then
	pass jumbo/fwd_on
else
	fail jumbo/fwd_on "$out"
fi
# The kernel tells XDP features from 6.3 on; before, nothing is recorded
# and every multi-buffer frame goes to the stack.
SG=$(mtug "$RTR" status --json 2>/dev/null | python3 -c '
import json, sys
print(" ".join(i["name"] for i in json.load(sys.stdin)["interfaces"] if i["xdp_xmit_sg"]))')
log "interfaces recorded as transmitting multi-buffer frames: ${SG:-none}"
F0=$(mtug_counter "$RTR" frags_passed)
S0=$(mtug_counter "$RTR" fwd_steered)
phase fwd_
F1=$(mtug_counter "$RTR" frags_passed)
S1=$(mtug_counter "$RTR" fwd_steered)
log "ptb forward on: frags_passed +$((F1 - F0)), fwd_steered +$((S1 - S0))"
case " $SG " in
*" rc "*) has_rc=1 ;;
*) has_rc=0 ;;
esac
case "$has_rc $SG " in
"1 "*" rs "*)
	# Every jumbo segment (about 930 per 8 MB) crossed by XDP_REDIRECT.
	if [ "$((F1 - F0))" = 0 ] && [ "$((S1 - S0))" -gt 3000 ]; then
		pass jumbo/fwd_jumbo_redirected_by_xdp
	else
		fail jumbo/fwd_jumbo_redirected_by_xdp "frags_passed +$((F1 - F0)) (want 0), fwd_steered +$((S1 - S0)) (want > 3000)"
		DIAG=1
	fi ;;
*)
	if kernel_at_least 6 3; then
		fail jumbo/fwd_jumbo_redirected_by_xdp "rc and rs not recorded as transmitting multi-buffer frames: '${SG}'"
	elif [ "$((F1 - F0))" -gt 0 ] && [ "$((S1 - S0))" -gt 0 ]; then
		pass jumbo/fwd_jumbo_to_stack_before_6_3
	else
		fail jumbo/fwd_jumbo_to_stack_before_6_3 "frags_passed +$((F1 - F0)), fwd_steered +$((S1 - S0)), want both > 0"
	fi ;;
esac

# A Packet Too Big behind 2.5 KB of Destination Options: 3600 bytes, its
# message past the first buffer XDP gets.  In fib mode XDP hands it to TC
# ingress, which checks it whole and steers it (to srv, the flow's server);
# with a bad checksum TC counts it invalid.  Never steered unchecked.
# send_big_ptb BAD_CSUM: one such frame from cli to rc
send_big_ptb() {
	nsx "$CLI" python3 - "$(ip -n "$RTR" -j link show rc | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')" \
		"$(ip -n "$CLI" -j link show eth0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')" \
		"$CLI6" "$SRV6" "$1" <<'PY'
import socket, struct, sys
dmac, smac, cli, srv, bad = sys.argv[1:6]
A = lambda a: socket.inet_pton(socket.AF_INET6, a)
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def dstopts(nxt, units):      # (units + 1) * 8 bytes of PadN options
    body, rem = b"", (units + 1) * 8 - 2
    while rem >= 2:
        n = min(rem, 257) - (1 if rem - min(rem, 257) == 1 else 0)
        body += bytes([1, n - 2]) + bytes(n - 2)
        rem -= n
    return bytes([nxt, units]) + body + bytes(rem)  # a Pad1 if one is left
# the quoted packet: srv -> cli, TCP, 1002 bytes
tcp = struct.pack("!HHIIBBHHH", 80, 40000, 1, 1, 0x50, 0x10, 65535, 0, 0) + bytes(942)
quote = struct.pack("!IHBB", 6 << 28, len(tcp), 6, 64) + A(srv) + A(cli) + tcp
icmp = struct.pack("!BBHI", 2, 0, 0, 1280) + quote
c = csum(A(cli) + A(srv) + struct.pack("!IxxxB", len(icmp), 58) + icmp)
if bad == "1": c ^= 1
icmp = icmp[:2] + struct.pack("!H", c) + icmp[4:]
ext = dstopts(60, 255) + dstopts(58, 60)
ip6 = struct.pack("!IHBB", 6 << 28, len(ext) + len(icmp), 60, 64) + A(cli) + A(srv)
frame = bytes.fromhex(dmac.replace(":", "")) + bytes.fromhex(smac.replace(":", "")) + b"\x86\xdd" + ip6 + ext + icmp
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
s.send(frame)
print(len(frame))
PY
}
P0=$(mtug_counter "$RTR" ptb_steered)
I0=$(mtug_counter "$RTR" ptb_invalid)
cap_start "$SRV" eth0 "$MTUG_TMP/bigptb.txt" "ip6 and greater 3500"; D6=$BG_PID
len=$(send_big_ptb 0)
wait_until 3 test "$(mtug_counter "$RTR" ptb_steered)" -gt "$P0"
cap_stop "$D6"
P1=$(mtug_counter "$RTR" ptb_steered)
got=$(grep -ci 'packet too big' "$MTUG_TMP/bigptb.txt")
log "a $len-byte PTB: ptb_steered +$((P1 - P0)), $got such frames at srv"
if [ "$((P1 - P0))" = 1 ] && [ "$got" -ge 1 ]; then
	pass jumbo/ptb_across_buffers_checked_and_steered
else
	fail jumbo/ptb_across_buffers_checked_and_steered "ptb_steered +$((P1 - P0)) (want 1), $got frames over 3500 bytes at srv"
	DIAG=1
fi
send_big_ptb 1 >/dev/null
wait_until 3 test "$(mtug_counter "$RTR" ptb_invalid)" -gt "$I0"
I1=$(mtug_counter "$RTR" ptb_invalid)
P2=$(mtug_counter "$RTR" ptb_steered)
if [ "$((I1 - I0))" = 1 ] && [ "$P2" = "$P1" ]; then
	pass jumbo/ptb_across_buffers_bad_csum_invalid
else
	fail jumbo/ptb_across_buffers_bad_csum_invalid "ptb_invalid +$((I1 - I0)) (want 1), ptb_steered +$((P2 - P1)) (want 0)"
	DIAG=1
fi

# A device mtuguard is not attached to: nothing says it takes multi-buffer
# frames, so XDP hands them to the stack, which forwards them; short ones
# are still redirected.  Nothing is lost.
if out=$(mtug "$RTR" detach rs 2>&1); then
	F0=$(mtug_counter "$RTR" frags_passed)
	S0=$(mtug_counter "$RTR" fwd_steered)
	transfer "jumbo/fwd_unattached_egress_v4_srv" $SRV4
	transfer "jumbo/fwd_unattached_egress_v6_srv" $SRV6
	F1=$(mtug_counter "$RTR" frags_passed)
	S1=$(mtug_counter "$RTR" fwd_steered)
	log "egress rs not attached: frags_passed +$((F1 - F0)), fwd_steered +$((S1 - S0))"
	if [ "$((F1 - F0))" -gt 1000 ] && [ "$((S1 - S0))" -gt 0 ]; then
		pass jumbo/fwd_unattached_egress_jumbo_to_stack
	else
		fail jumbo/fwd_unattached_egress_jumbo_to_stack "frags_passed +$((F1 - F0)) (want > 1000), fwd_steered +$((S1 - S0)) (want > 0)"
		DIAG=1
	fi
else
	fail jumbo/fwd_unattached_egress "detach rs: $out"
fi

if out=$(mtug "$RTR" detach --all 2>&1); then
	pass jumbo/detach
else
	fail jumbo/detach "$out"
fi
[ "$DIAG" = 1 ] && diag
[ "$(fail_count)" = 0 ]
