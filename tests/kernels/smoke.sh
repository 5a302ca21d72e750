#!/bin/bash
# smoke.sh - the kernel matrix's namespace smoke test: mtuguard attached on
# a router between a client and a server, one clamped SYN, one steered
# ICMP Frag Needed, detach.  Runs in each guest of `make test-kernels`
# (and on the host as well, as root).
#
#   cli eth0 ------------ rc  rtr  rs ------------ eth0 srv
#   10.9.1.2 (client)   10.9.1.1    10.9.2.1       10.9.2.2
#   10.9.1.3 (a "hop")
#
# Cases:
#   smoke/attach       `mtuguard attach rc` (default configuration) succeeds;
#                      prints "attach-time: S s", the time it took
#   smoke/attach_time  it took at most SMOKE_ATTACH_MAX seconds (default 30: TCG
#                      guests verify several times slower than the host)
#   smoke/syn_clamped  with `mtu add 10.9.2.0/24 1400`, a SYN with MSS 1460
#                      from cli arrives at srv with MSS 1360 and a correct
#                      checksum, and mss_clamped counts it
#   smoke/ptb_steered  with `ptb mode fib`, a Frag Needed from the hop to
#                      srv quoting srv -> cli is counted ptb_steered and
#                      arrives at srv
#   smoke/detach       `mtuguard detach rc` succeeds and leaves none of
#                      mtuguard's programs on rc (XDP, TC, TCX)
# The pin dir is on a bpffs of the test's own (lib.sh's bpffs_new).
set -u
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"
lib_init ksmoke

ATTACH_MAX=${SMOKE_ATTACH_MAX:-30}
ATTACH_TIMEOUT=${SMOKE_ATTACH_TIMEOUT:-120}    # attach is killed after this
PTBGEN="python3 $MTUG_ROOT/tools/ptbgen.py"
CLI4=10.9.1.2 HOP4=10.9.1.3 RTR4=10.9.1.1 RS4=10.9.2.1 SRV4=10.9.2.2

if ! mtug_ready; then
	fail smoke/attach "$MTUG_BIN not built"
	exit 1
fi

CLI=$(ns_new cli) || exit 1
RTR=$(ns_new rtr) || exit 1
SRV=$(ns_new srv) || exit 1

setup() {
	veth_new "$CLI" eth0 "$RTR" rc &&
	veth_new "$RTR" rs "$SRV" eth0 &&
	ip -n "$CLI" addr add $CLI4/24 dev eth0 &&
	ip -n "$CLI" addr add $HOP4/24 dev eth0 &&
	ip -n "$CLI" route add default via $RTR4 &&
	ip -n "$RTR" addr add $RTR4/24 dev rc &&
	ip -n "$RTR" addr add $RS4/24 dev rs &&
	ip -n "$SRV" addr add $SRV4/24 dev eth0 &&
	ip -n "$SRV" route add default via $RS4 || return 1
	ns_forwarding "$RTR" || return 1
	# Frames XDP redirects into a veth need NAPI on the peer: an XDP
	# program there gives it on every kernel.
	ip -n "$SRV" link set dev eth0 xdpdrv obj "$BUILD/tools/xdp_pass.bpf.o" sec xdp ||
		return 1
	# Neighbours resolved on both hops (a datagram to srv, answered with
	# a port unreachable): fib mode steers only to a nexthop whose link
	# address is known.
	nsx "$CLI" python3 -c 'import socket, sys
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", (sys.argv[1], 9))' $SRV4 &&
	wait_until 5 neigh_known "$RTR" $SRV4 &&
	wait_until 5 neigh_known "$CLI" $RTR4
}

# neigh_known NS ADDR: NS has a link address for ADDR.
neigh_known() {
	ip -n "$1" neigh show "$2" | grep -q lladdr
}

if ! setup; then
	fail smoke/attach "namespace setup failed"
	ns_diag "$CLI" "$RTR" "$SRV"
	exit 1
fi
bpffs_new || { fail smoke/attach "cannot mount a bpffs"; exit 1; }

# ---- attach -------------------------------------------------------------
t0=$(date +%s%N)
out=$(timeout "$ATTACH_TIMEOUT" ip netns exec "$RTR" "$MTUG_BIN" --pin-dir "$MTUG_PIN_DIR" attach rc 2>&1)
rc=$?
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
echo "attach-time: $((ms / 1000)).$(printf %03d $((ms % 1000))) s$([ "$rc" -eq 0 ] || echo " (failed)")"
if [ "$rc" -ne 0 ]; then
	fail smoke/attach "exit status $rc: $(echo "$out" | head -n 3 | tr '\n' ' ')"
	skip smoke/attach_time "not attached"
	skip smoke/syn_clamped "not attached"
	skip smoke/ptb_steered "not attached"
	skip smoke/detach "not attached"
	exit 1
fi
pass smoke/attach
if [ "$ms" -le $((ATTACH_MAX * 1000)) ]; then
	pass smoke/attach_time
else
	fail smoke/attach_time "attach took $ms ms, over ${ATTACH_MAX} s"
fi

# ---- a clamped SYN and a steered PTB ----------------------------------------
echo "40000 80" >"$MTUG_TMP/flows"
cfg_out=$(mtug "$RTR" mtu add 10.9.2.0/24 1400 2>&1 &&
	mtug "$RTR" ptb mode fib --iface rc 2>&1)
cfg_rc=$?
cap_start "$SRV" eth0 "$MTUG_TMP/srv.cap" "$CAP_SYN_FILTER or icmp"
cap=$BG_PID
# shellcheck disable=SC2086 # PTBGEN is a command line
nsx "$CLI" $PTBGEN syn --src $CLI4 --dst $SRV4 --flows "$MTUG_TMP/flows" 2>&1 |
	sed 's/^/# cli: /'
# shellcheck disable=SC2086
nsx "$CLI" $PTBGEN ptb --src $HOP4 --dst $SRV4 --client $CLI4 --flows "$MTUG_TMP/flows" \
	--mtu 1400 2>&1 | sed 's/^/# cli: /'
wait_until 5 grep -q 'need to frag' "$MTUG_TMP/srv.cap"
cap_stop "$cap"

log "capture at srv:"
sed 's/^/#   /' "$MTUG_TMP/srv.cap"
segs=$(cap_segments "$MTUG_TMP/srv.cap" | grep '^S ')
clamped=$(mtug_counter "$RTR" mss_clamped)
steered=$(mtug_counter "$RTR" ptb_steered)
log "SYNs at srv (flags cksum status mss): ${segs:-none}"
log "mss_clamped=$clamped ptb_steered=$steered"
if [ "$cfg_rc" -ne 0 ]; then
	fail smoke/syn_clamped "configuration failed: $cfg_out"
	fail smoke/ptb_steered "configuration failed"
else
	if [ "$segs" = "S - correct 1360" ] || [[ "$segs" == "S 0x"*" correct 1360" ]]; then
		if [ "${clamped:-0}" -ge 1 ]; then
			pass smoke/syn_clamped
		else
			fail smoke/syn_clamped "MSS 1360 at srv but mss_clamped=${clamped:-?}"
		fi
	else
		fail smoke/syn_clamped "srv got: ${segs:-no SYN} (want MSS 1360, checksum correct)"
	fi
	if [ "${steered:-0}" -ne 1 ]; then
		fail smoke/ptb_steered "ptb_steered=${steered:-?}, want 1"
	elif ! grep -q 'need to frag' "$MTUG_TMP/srv.cap"; then
		fail smoke/ptb_steered "counted ptb_steered but srv never got it"
	else
		pass smoke/ptb_steered
	fi
fi
[ "$(fail_count)" -eq 0 ] || {
	mtug "$RTR" stats 2>&1 | sed 's/^/#   /'
	ns_diag "$CLI" "$RTR" "$SRV"
}

# ---- detach ---------------------------------------------------------------
if ! out=$(mtug "$RTR" detach rc 2>&1); then
	fail smoke/detach "$(echo "$out" | head -n 3 | tr '\n' ' ')"
elif ! left=$(nsx "$RTR" bpftool net show dev rc 2>&1); then
	fail smoke/detach "bpftool net show: $left"
elif echo "$left" | grep -q mtuguard; then
	fail smoke/detach "still on rc: $(echo "$left" | grep mtuguard | tr '\n' ' ')"
else
	pass smoke/detach
fi

[ "$(fail_count)" -eq 0 ]
