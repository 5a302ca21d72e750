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
#   smoke/kernel_facilities  status --json names this kernel's release and,
#                      for each optional facility, available exactly when the
#                      kernel is at least the version it came with upstream
#                      (fib_route_mtu 5.11, fib_direct 6.2, xdp_frags 5.18,
#                      xdp_features 6.3, tcx 6.6, v6_shards 6.8; Debian's packages backport
#                      none); prints "kernel-facilities: ..."
#   smoke/pmtu         `mtu source pmtu` works from 5.11 on; before, it and
#                      an apply file with mtu-source pmtu are refused with
#                      the one line naming both versions, and nothing changes
#   smoke/syn_clamped  with `mtu add 10.9.2.0/24 1400`, a SYN with MSS 1460
#                      from cli arrives at srv with MSS 1360 and a correct
#                      checksum, and mss_clamped counts it
#   smoke/ptb_steered  with `ptb mode fib`, a Frag Needed from the hop to
#                      srv quoting srv -> cli is counted ptb_steered and
#                      arrives at srv
#   smoke/v6_apply     an apply of 10,000 IPv6 /48s (thousands of shards)
#                      succeeds within SMOKE_APPLY_MAX seconds (default 60)
#                      and mtu_v6 holds them; prints "apply-time: S s"
#   smoke/detach       `mtuguard detach rc` succeeds and leaves none of
#                      mtuguard's programs on rc (XDP, TC, TCX)
# The pin dir is on a bpffs of the test's own (lib.sh's bpffs_new).
set -u
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"
lib_init ksmoke

ATTACH_MAX=${SMOKE_ATTACH_MAX:-30}
APPLY_MAX=${SMOKE_APPLY_MAX:-60}
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
	skip smoke/kernel_facilities "not attached"
	skip smoke/pmtu "not attached"
	skip smoke/syn_clamped "not attached"
	skip smoke/ptb_steered "not attached"
	skip smoke/v6_apply "not attached"
	skip smoke/detach "not attached"
	exit 1
fi
pass smoke/attach
if [ "$ms" -le $((ATTACH_MAX * 1000)) ]; then
	pass smoke/attach_time
else
	fail smoke/attach_time "attach took $ms ms, over ${ATTACH_MAX} s"
fi

# ---- kernel facilities --------------------------------------------------------
# The versions are this test's own, not read from the CLI's table.
res=$(mtug "$RTR" status --json 2>&1 | python3 -c '
import json, os, sys
want = {"fib_route_mtu": "5.11", "fib_direct": "6.2", "xdp_frags": "5.18",
        "xdp_features": "6.3", "tcx": "6.6", "v6_shards": "6.8"}
rel = os.uname().release
ver = lambda s: tuple(int(x) for x in s.split("-")[0].split("+")[0].split(".")[:2])
try:
    k = json.load(sys.stdin)["kernel"]
    f = k["facilities"]
except Exception as e:
    print("FAIL no kernel facilities in status --json (%s)" % e); sys.exit()
bad = []
if k.get("release") != rel:
    bad.append("release %r, uname %r" % (k.get("release"), rel))
for name, since in want.items():
    e = f.get(name)
    if e is None:
        bad.append("%s missing" % name); continue
    exp = ver(rel) >= ver(since)
    if e.get("available") is not exp or e.get("since") != since:
        bad.append("%s: available %r since %r, want %r since %s"
                   % (name, e.get("available"), e.get("since"), exp, since))
print(("FAIL " + "; ".join(bad)) if bad else "OK " + ", ".join(
    "%s %s" % (n, "yes" if e.get("available") else "no") for n, e in f.items()))
')
echo "kernel-facilities: ${res#* }"
case $res in
OK*) pass smoke/kernel_facilities ;;
*) fail smoke/kernel_facilities "${res#FAIL }" ;;
esac

# ---- mtu source pmtu -----------------------------------------------------------
has_pmtu=$(python3 -c 'import os
v = tuple(int(x) for x in os.uname().release.split("-")[0].split("+")[0].split(".")[:2])
print(int(v >= (5, 11)))')
printf 'iface rc { mode native }\nmtu-source pmtu\n' >"$MTUG_TMP/pmtu.conf"
out=$(mtug "$RTR" mtu source pmtu 2>&1)
rc=$?
if [ "$has_pmtu" = 1 ]; then
	if [ "$rc" -eq 0 ] && out=$(mtug "$RTR" mtu source map 2>&1); then
		pass smoke/pmtu
	else
		fail smoke/pmtu "mtu source pmtu/map on $(uname -r): $out"
	fi
else
	want="mtuguard: mtu source pmtu needs kernel 5.11 or later (this kernel: $(uname -r))"
	out2=$(mtug "$RTR" apply -f "$MTUG_TMP/pmtu.conf" 2>&1)
	rc2=$?
	want2="mtuguard: $MTUG_TMP/pmtu.conf: mtu-source pmtu needs kernel 5.11 or later (this kernel: $(uname -r))"
	src=$(mtug "$RTR" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["mtu_source"])')
	if [ "$rc" -eq 0 ] || [ "$out" != "$want" ]; then
		fail smoke/pmtu "mtu source pmtu: exit $rc, said '$out'"
	elif [ "$rc2" -eq 0 ] || [ "$out2" != "$want2" ]; then
		fail smoke/pmtu "apply mtu-source pmtu: exit $rc2, said '$out2'"
	elif [ "$src" != map ]; then
		fail smoke/pmtu "mtu source is $src after the refusals"
	else
		pass smoke/pmtu
	fi
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

# ---- 10,000 IPv6 prefixes in one apply -------------------------------------
python3 - "$MTUG_TMP/v6.conf" <<'PY'
import random, sys
r = random.Random(1)
seen = set()
while len(seen) < 10000:
    seen.add(0x2400 << 32 | r.getrandbits(32))
with open(sys.argv[1], "w") as f:
    f.write("iface rc { mode native }\n")
    for a in sorted(seen):
        h = "%012x" % a
        f.write("prefix %s:%s:%s::/48 1400\n" % (h[0:4], h[4:8], h[8:12]))
PY
t0=$(date +%s%N)
out=$(timeout $((APPLY_MAX * 3)) ip netns exec "$RTR" "$MTUG_BIN" --pin-dir "$MTUG_PIN_DIR" \
	apply -f "$MTUG_TMP/v6.conf" 2>&1 >/dev/null)
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
echo "apply-time: $((ms / 1000)).$(printf %03d $((ms % 1000))) s (10,000 IPv6 prefixes)$([ "$rc" -eq 0 ] || echo " (failed)")"
n6=$(mtug "$RTR" status --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["prefixes"]["ipv6"])')
if [ "$rc" -ne 0 ]; then
	fail smoke/v6_apply "exit status $rc: $(echo "$out" | head -n 3 | tr '\n' ' ')"
elif [ "$n6" != 10000 ]; then
	fail smoke/v6_apply "status counts ${n6:-?} IPv6 prefixes, not 10000"
elif [ "$ms" -gt $((APPLY_MAX * 1000)) ]; then
	fail smoke/v6_apply "apply took $ms ms, over ${APPLY_MAX} s"
else
	pass smoke/v6_apply
fi

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
