#!/bin/bash
# test_share_xdp.sh - mtuguard's XDP program on a hook another program
# holds: in front of it (attach --chain) and in a root program array
# (attach --root-array), with real programs:
#
#   A a0 ------------------ b0 B r0 ------------------ r1 C
#   10.79.0.1 (allowed)      10.79.0.2                   (xdp_pass on r1)
#   10.79.0.9 (denied)
#
#   xdp-filter  Debian's xdp-filter on b0 with a deny rule for 10.79.0.9
#               (single-buffer: mtuguard chains with its single-buffer
#               twin on a multi-buffer kernel):
#               - attach without --chain is refused naming the program
#                 (name and id) and the option, nothing changed;
#               - with --chain: status --json names the chained program,
#                 show-config says "chain on" and apply keeps it,
#                 the allowed client's SYN is clamped (mtu default 1300:
#                 MSS 1248 at B), the denied one is still dropped;
#               - detach puts the filter's own program back (same id),
#                 which still drops the denied client.
#   own         tools/share_xdp.bpf.c's xdp_count_mb on b0: chained, it
#               counts what mtuguard passes; told to redirect, it sends
#               those frames out of r0 (seen arriving on r1 in C); detach
#               puts it back (same id).
#   link        a hook held by a bpf_link (another mtuguard's): --chain is
#               refused in one line.
#   root        xdp_root_mb (katran's xdp_root shape) on b0, xdp_count_mb
#               in slot 1 of its array: mtuguard in slot 0 clamps, and
#               what it passes reaches the counting program; slot 1
#               emptied and xdp_count_late_mb put into slot 3 while
#               attached: what mtuguard passes reaches it at once (status
#               names it); detach empties slot 0, and the root runs slot 1
#               directly again.
#   crash       `attach b0 --chain` and `detach b0` killed with SIGKILL at
#               random points (ITER rounds): the hook always holds the
#               filter's program or mtuguard's with the chain filled, and
#               the same command again finishes the job.
#
# timeout: 600
set -u
. "$(dirname "$0")/lib.sh"
lib_init share_xdp

OBJ=$BUILD/tools/share_xdp.bpf.o
if ! mtug_ready || [ ! -f "$OBJ" ] || [ ! -f "$BUILD/tools/xdp_pass.bpf.o" ]; then
	skip "share_xdp" "build/mtuguard or the test programs not built"
	exit 0
fi
for t in bpftool xdp-filter; do
	if ! command -v $t >/dev/null; then
		skip "share_xdp" "no $t (tools/deps.sh installs it)"
		exit 0
	fi
done
ITER=${ITER:-30}
SEED=${CRASH_SEED:-$$}
RANDOM=$SEED

if ! A=$(ns_new a) || ! B=$(ns_new b) || ! C=$(ns_new c); then
	fail "share_xdp setup" "ip netns add"
	exit 1
fi
if ! veth_new "$A" a0 "$B" b0 || ! veth_new "$B" r0 "$C" r1 ||
   ! ip -n "$A" addr add 10.79.0.1/24 dev a0 || ! ip -n "$A" addr add 10.79.0.9/24 dev a0 ||
   ! ip -n "$B" addr add 10.79.0.2/24 dev b0 || ! bpffs_new; then
	fail "share_xdp setup" "veth, addresses or bpffs"
	exit 1
fi
ip -n "$C" link set dev r1 xdpdrv obj "$BUILD/tools/xdp_pass.bpf.o" sec xdp ||
	{ fail "share_xdp setup" "xdp_pass on r1"; exit 1; }
OWN=$MTUG_BPFFS/own

# ---- helpers ----------------------------------------------------------------------
xdp_id() { ip -n "$B" -d link show b0 2>/dev/null | grep -o 'prog/xdp id [0-9]*' | grep -o '[0-9]*$'; }
prog_id() {
	bpftool -j prog show pinned "$1" 2>/dev/null |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])' 2>/dev/null
}
# le_u32 < bpftool -j lookup output: the value as a number ("" if none)
le_val() {
	python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except Exception:
    sys.exit()
for e in d if isinstance(d, list) else [d]:
    v = e.get("formatted", e).get("value", e.get("value"))
    if isinstance(v, list):
        v = int.from_bytes(bytes(int(b, 16) for b in v), "little")
    print(v)' 2>/dev/null
}
own_count() { bpftool -j map lookup pinned "$OWN/maps/counts" key 0 0 0 0 2>/dev/null | le_val; }
late_count() { bpftool -j map lookup pinned "$OWN/maps/counts" key 2 0 0 0 2>/dev/null | le_val; }
# chain_ids: the programs in mtuguard's chain arrays (both kinds)
chain_ids() {
	local m
	for m in xdp_chain xdp_chain_sb; do
		[ -e "$MTUG_PIN_DIR/$m" ] && bpftool -j map dump pinned "$MTUG_PIN_DIR/$m" 2>/dev/null | le_val
	done
}
ours() { # id: one of mtuguard's XDP programs for a shared hook?
	[ -n "$1" ] && { [ "$1" = "$(prog_id "$MTUG_PIN_DIR/prog_xdp_chain")" ] ||
		[ "$1" = "$(prog_id "$MTUG_PIN_DIR/prog_xdp_chain_sb")" ]; }
}
status_chain() { # "share buffers name id" of the chain from status --json
	mtug "$B" status --json 2>/dev/null | python3 -c '
import json, sys
i = json.load(sys.stdin)["interfaces"][0]
print(i.get("xdp_share"), i.get("xdp_buffers"), i.get("chain", {}).get("name"),
      i.get("chain", {}).get("id"))' 2>/dev/null
}
buffers() { # the kind of XDP program status should name: ours is multi-buffer
	# where the kernel has it (5.18+), unless the program it chains to is not
	if [ "$1" = multi ] && kernel_at_least 5 18; then echo multi; else echo single; fi
}

# listen_mss PORT: accept one connection on B, print its MSS (empty if none)
listen_mss() {
	local out=$MTUG_TMP/mss-$1
	bg "$B" "$out" python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.79.0.2", int(sys.argv[1])))
s.listen()
s.settimeout(6)
c, _ = s.accept()
print(c.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG), flush=True)' "$1"
	wait_until 5 tcp_listening "$B" "$1"
}
# connect_from SRC PORT [TIMEOUT]
connect_from() {
	nsx "$A" python3 -c '
import socket, sys
s = socket.socket()
s.bind((sys.argv[1], 0))
s.settimeout(float(sys.argv[3]))
s.connect(("10.79.0.2", int(sys.argv[2])))' "$1" "$2" "${3:-3}" 2>/dev/null
}
# clamp_check NAME PORT: a connection from the allowed client is clamped
clamp_check() {
	local mss
	listen_mss "$2"
	connect_from 10.79.0.1 "$2" || { fail "$1" "connect failed"; return 1; }
	wait_until 3 grep -q . "$MTUG_TMP/mss-$2"
	mss=$(cat "$MTUG_TMP/mss-$2")
	if [ "$mss" = 1248 ]; then
		pass "$1"
	else
		fail "$1" "MSS '$mss' at B, want 1248"
		return 1
	fi
}
denied_check() { # NAME PORT
	if connect_from 10.79.0.9 "$2" 1; then
		fail "$1" "the denied client connected"
	else
		pass "$1"
	fi
}

# ---- xdp-filter ------------------------------------------------------------------------
section_filter() {
	local fid out st
	if ! nsx "$B" xdp-filter load b0 >/dev/null 2>&1 ||
	   ! nsx "$B" xdp-filter ip 10.79.0.9 --mode src >/dev/null 2>&1; then
		fail "share_xdp/filter setup" "xdp-filter load / ip"
		return
	fi
	nsx "$B" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.79.0.2", 7999)); s.listen(64)
while True:
    s.accept()[0].close()' >/dev/null 2>&1 &
	_LIB_PIDS+=("$!")
	wait_until 5 tcp_listening "$B" 7999
	fid=$(xdp_id)
	if ! out=$(mtug "$B" attach b0 2>&1) && [ "$(echo "$out" | grep -c .)" = 1 ] &&
	   echo "$out" | grep -q "xdpfilt.*id $fid" && echo "$out" | grep -q -- '--chain' &&
	   [ "$(xdp_id)" = "$fid" ] && [ ! -e "$MTUG_PIN_DIR/iface_cfg" ]; then
		pass "share_xdp/filter/refused without --chain, naming it"
	else
		fail "share_xdp/filter/refused without --chain, naming it" "$out (xdp id $(xdp_id), was $fid)"
	fi
	if ! out=$(mtug "$B" attach b0 --chain --mode generic 2>&1) &&
	   [ "$(echo "$out" | grep -c .)" = 1 ] && echo "$out" | grep -q 'native mode' &&
	   [ "$(xdp_id)" = "$fid" ]; then
		pass "share_xdp/filter/--chain in the other mode than the hook's refused"
	else
		fail "share_xdp/filter/--chain in the other mode than the hook's refused" "$out"
	fi
	# A new interface chained by apply.
	printf 'iface b0 {\n\tchain on\n}\n' >"$MTUG_TMP/cfg-new"
	out=$(mtug "$B" apply -f "$MTUG_TMP/cfg-new" 2>&1) || { fail "share_xdp/filter/apply chain on" "$out"; return; }
	if ours "$(xdp_id)"; then
		pass "share_xdp/filter/apply attaches with chain on"
	else
		fail "share_xdp/filter/apply attaches with chain on" "xdp id $(xdp_id): $out"
	fi
	mtug "$B" detach b0 >/dev/null 2>&1
	out=$(mtug "$B" attach b0 --chain 2>&1) || { fail "share_xdp/filter/attach --chain" "$out"; return; }
	mtug "$B" mtu default 1300 >/dev/null
	st=$(status_chain)
	# xdp-filter is single-buffer: so is the program chained to it.
	if ours "$(xdp_id)" && [ "${st%% *}" = chain ] && [ "${st##* }" = "$fid" ] &&
	   [ "$(echo "$st" | cut -d' ' -f2)" = single ]; then
		pass "share_xdp/filter/chained (status: $st)"
	else
		fail "share_xdp/filter/chained" "xdp id $(xdp_id), status '$st', filter $fid"
	fi
	# show-config carries the chain; apply keeps it, and refuses to
	# change it on an attached interface.
	mtug "$B" show-config >"$MTUG_TMP/cfg" 2>&1
	sed 's/chain on/chain off/' "$MTUG_TMP/cfg" >"$MTUG_TMP/cfg-off"
	if grep -q 'chain on' "$MTUG_TMP/cfg" && out=$(mtug "$B" apply -f "$MTUG_TMP/cfg" 2>&1) &&
	   echo "$out" | grep -q 'no change' && ! mtug "$B" apply -f "$MTUG_TMP/cfg-off" >/dev/null 2>&1 &&
	   ours "$(xdp_id)"; then
		pass "share_xdp/filter/show-config and apply carry the chain"
	else
		fail "share_xdp/filter/show-config and apply carry the chain" "$(cat "$MTUG_TMP/cfg") / $out"
	fi
	clamp_check "share_xdp/filter/allowed SYN clamped in front of xdp-filter" 8001
	denied_check "share_xdp/filter/denied source still dropped" 7999
	out=$(mtug "$B" detach b0 2>&1) || fail "share_xdp/filter/detach" "$out"
	if [ "$(xdp_id)" = "$fid" ]; then
		pass "share_xdp/filter/the filter's program back after detach (id $fid)"
	else
		fail "share_xdp/filter/the filter's program back after detach" "xdp id '$(xdp_id)', want $fid"
	fi
	denied_check "share_xdp/filter/denied source dropped after detach" 7999
	section_crash "$fid"
	nsx "$B" xdp-filter unload b0 >/dev/null 2>&1
}

# ---- SIGKILL during chained attach and detach ---------------------------------------------
section_crash() {
	local fid=$1 r cmd ms pid id bad=0 killed=0 why want chain
	for ((r = 0; r < ITER; r++)); do
		if ((r % 2 == 0)); then cmd="attach b0 --chain" want=attached; else cmd="detach b0" want=detached; fi
		# An attach from nothing loads the BPF object and, for this
		# single-buffer filter, mtuguard's single-buffer twin: a few
		# hundred ms; a detach a few ms.
		if ((RANDOM % 3 == 0)); then ms=$((RANDOM % 600)); else ms=$((RANDOM % 40)); fi
		# shellcheck disable=SC2086
		ip netns exec "$B" "$MTUG_BIN" --pin-dir "$MTUG_PIN_DIR" $cmd >/dev/null 2>&1 &
		pid=$!
		sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
		kill -9 $pid 2>/dev/null && killed=$((killed + 1))
		wait $pid 2>/dev/null
		why=""
		# Whatever the kill left: the filter's program, or ours with
		# the filter's in the chain.
		id=$(xdp_id)
		chain=$(chain_ids | tr '\n' ' ')
		if [ "$id" = "$fid" ]; then
			:
		elif ours "$id"; then
			echo " $chain" | grep -qw "$fid" || why="mtuguard on the hook, chain '$chain' without $fid;"
		else
			why="hook holds '$id', neither the filter's ($fid) nor mtuguard's;"
		fi
		# The same command again finishes the job (a detach killed
		# after it was done says so in one line: "not attached" when
		# it got as far as removing the state, "b0 is not attached"
		# when it was killed between the interface and the state).
		# shellcheck disable=SC2086
		if ! mtug "$B" $cmd >"$MTUG_TMP/re.out" 2>&1 &&
		   ! { [ $want = detached ] && [ "$(grep -c . "$MTUG_TMP/re.out")" = 1 ] &&
		       grep -Eq '^mtuguard: (b0 is )?not attached' "$MTUG_TMP/re.out"; }; then
			why="$why '$cmd' again: $(tr '\n' ' ' <"$MTUG_TMP/re.out");"
		fi
		id=$(xdp_id)
		if [ $want = attached ]; then
			if ! ours "$id" || ! echo " $(chain_ids | tr '\n' ' ')" | grep -qw "$fid"; then
				why="$why after '$cmd': hook '$id', chain '$(chain_ids | tr '\n' ' ')';"
			fi
		elif [ "$id" != "$fid" ] || [ -e "$MTUG_PIN_DIR" ]; then
			why="$why after '$cmd': hook '$id' (want $fid), pins: $(find "$MTUG_PIN_DIR" 2>/dev/null | tr '\n' ' ');"
		fi
		if [ -n "$why" ]; then
			bad=$((bad + 1))
			echo "    round $r: '$cmd' killed after ${ms} ms: $why"
			[ "$want" = attached ] && mtug "$B" detach b0 >/dev/null 2>&1
		fi
	done
	mtug "$B" detach b0 >/dev/null 2>&1
	if [ $bad -eq 0 ] && [ "$(xdp_id)" = "$fid" ]; then
		pass "share_xdp/crash ($ITER rounds of chained attach/detach, $killed killed mid-way: the hook never lost the filter, the next command finished)"
	else
		fail "share_xdp/crash" "$bad bad rounds (CRASH_SEED=$SEED), hook '$(xdp_id)' at the end, want $fid"
	fi
}

# ---- a program of our own that counts and redirects ---------------------------------------
section_own() {
	local oid out before after rx0 rx1 r0idx
	if ! mkdir -p "$OWN" ||
	   ! bpftool prog loadall "$OBJ" "$OWN" pinmaps "$OWN/maps" >/dev/null 2>&1 ||
	   ! nsx "$B" bpftool net attach xdpdrv pinned "$OWN/xdp_count_mb" dev b0; then
		fail "share_xdp/own setup" "bpftool prog loadall / net attach"
		return
	fi
	oid=$(xdp_id)
	out=$(mtug "$B" attach b0 --chain 2>&1) || { fail "share_xdp/own/attach --chain" "$out"; return; }
	mtug "$B" mtu default 1300 >/dev/null
	before=$(own_count)
	clamp_check "share_xdp/own/SYN clamped in front of a counting program" 8002
	after=$(own_count)
	if [ "${after:-0}" -gt "${before:-0}" ]; then
		pass "share_xdp/own/the chained program counts what mtuguard passes ($before -> $after)"
	else
		fail "share_xdp/own/the chained program counts what mtuguard passes" "$before -> $after"
	fi
	r0idx=$(ip -n "$B" -o link show r0 | cut -d: -f1)
	bpftool map update pinned "$OWN/maps/redirect_to" key 0 0 0 0 \
		value $((r0idx & 255)) $(((r0idx >> 8) & 255)) 0 0 >/dev/null
	rx0=$(ip -n "$C" -s -j link show r1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])')
	nsx "$A" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(20):
    s.sendto(b"x" * 64, ("10.79.0.2", 9))'
	sleep 0.5
	rx1=$(ip -n "$C" -s -j link show r1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])')
	if [ $((rx1 - rx0)) -ge 20 ]; then
		pass "share_xdp/own/the chained program redirects what mtuguard passes (r1 +$((rx1 - rx0)))"
	else
		fail "share_xdp/own/the chained program redirects what mtuguard passes" "r1 rx $rx0 -> $rx1"
	fi
	bpftool map update pinned "$OWN/maps/redirect_to" key 0 0 0 0 value 0 0 0 0 >/dev/null
	out=$(mtug "$B" detach b0 2>&1) || fail "share_xdp/own/detach" "$out"
	if [ "$(xdp_id)" = "$oid" ]; then
		pass "share_xdp/own/its program back after detach (id $oid)"
	else
		fail "share_xdp/own/its program back after detach" "xdp id '$(xdp_id)', want $oid"
	fi
	nsx "$B" bpftool net detach xdpdrv dev b0
}

# ---- a hook held by a bpf_link -----------------------------------------------------------
section_link() {
	local other=$MTUG_BPFFS/other out
	ip netns exec "$B" "$MTUG_BIN" --pin-dir "$other" attach b0 >/dev/null 2>&1 ||
		{ fail "share_xdp/link setup" "another mtuguard's attach"; return; }
	if ! out=$(mtug "$B" attach b0 --chain 2>&1) && [ "$(echo "$out" | grep -c .)" = 1 ] &&
	   echo "$out" | grep -q 'bpf_link'; then
		pass "share_xdp/link/a hook held by a bpf_link is refused in one line"
	else
		fail "share_xdp/link/a hook held by a bpf_link is refused in one line" "$out"
	fi
	ip netns exec "$B" "$MTUG_BIN" --pin-dir "$other" detach b0 >/dev/null 2>&1
}

# ---- inside a root program array ---------------------------------------------------------
section_root() {
	local rid cid out st before after slot0
	if ! bpftool map update pinned "$OWN/maps/root_array" key 1 0 0 0 \
		value pinned "$OWN/xdp_count_mb" >/dev/null 2>&1 ||
	   ! nsx "$B" bpftool net attach xdpdrv pinned "$OWN/xdp_root_mb" dev b0; then
		fail "share_xdp/root setup" "root array / root program"
		return
	fi
	rid=$(xdp_id)
	cid=$(prog_id "$OWN/xdp_count_mb")
	out=$(mtug "$B" attach b0 --root-array "$OWN/maps/root_array:0" 2>&1) ||
		{ fail "share_xdp/root/attach --root-array" "$out"; return; }
	mtug "$B" mtu default 1300 >/dev/null
	st=$(status_chain)
	if [ "$(xdp_id)" = "$rid" ] && [ "${st%% *}" = root ] && [ "${st##* }" = "$cid" ] &&
	   [ "$(echo "$st" | cut -d' ' -f2)" = "$(buffers multi)" ]; then
		pass "share_xdp/root/in slot 0, the hook left to the root (status: $st)"
	else
		fail "share_xdp/root/in slot 0, the hook left to the root" "xdp id $(xdp_id) (root $rid), status '$st', counter $cid"
	fi
	before=$(own_count)
	clamp_check "share_xdp/root/SYN clamped from slot 0" 8003
	after=$(own_count)
	if [ "${after:-0}" -gt "${before:-0}" ]; then
		pass "share_xdp/root/slot 1 counts what mtuguard passes ($before -> $after)"
	else
		fail "share_xdp/root/slot 1 counts what mtuguard passes" "$before -> $after"
	fi
	# The root's slots change while mtuguard is attached.
	local lid lb la
	lid=$(prog_id "$OWN/xdp_count_late_mb")
	if bpftool map delete pinned "$OWN/maps/root_array" key 1 0 0 0 >/dev/null 2>&1 &&
	   bpftool map update pinned "$OWN/maps/root_array" key 3 0 0 0 \
		value pinned "$OWN/xdp_count_late_mb" >/dev/null 2>&1; then
		lb=$(late_count)
		before=$(own_count)
		clamp_check "share_xdp/root/SYN clamped, slots changed" 8005
		la=$(late_count)
		after=$(own_count)
		st=$(status_chain)
		if [ "${la:-0}" -gt "${lb:-0}" ] && [ "${after:-0}" = "${before:-0}" ] &&
		   [ "${st##* }" = "$lid" ]; then
			pass "share_xdp/root/a slot filled while attached runs next at once ($lb -> $la, status: $st)"
		else
			fail "share_xdp/root/a slot filled while attached runs next at once" "slot 3 $lb -> $la, emptied slot 1 $before -> $after, status '$st' (want id $lid)"
		fi
	else
		fail "share_xdp/root/a slot filled while attached runs next at once" "cannot move slot 1 to slot 3"
	fi
	bpftool map delete pinned "$OWN/maps/root_array" key 3 0 0 0 >/dev/null 2>&1
	bpftool map update pinned "$OWN/maps/root_array" key 1 0 0 0 \
		value pinned "$OWN/xdp_count_mb" >/dev/null 2>&1
	out=$(mtug "$B" detach b0 2>&1) || fail "share_xdp/root/detach" "$out"
	slot0=$(bpftool -j map lookup pinned "$OWN/maps/root_array" key 0 0 0 0 2>/dev/null | le_val)
	before=$(own_count)
	listen_mss 8004
	connect_from 10.79.0.1 8004
	after=$(own_count)
	if [ -z "$slot0" ] && [ "$(xdp_id)" = "$rid" ] && [ "${after:-0}" -gt "${before:-0}" ]; then
		pass "share_xdp/root/detach empties slot 0, slot 1 still runs"
	else
		fail "share_xdp/root/detach empties slot 0, slot 1 still runs" "slot 0 '$slot0', xdp id $(xdp_id) (root $rid), count $before -> $after"
	fi
	nsx "$B" bpftool net detach xdpdrv dev b0
}

section_filter
section_own
section_link
section_root

[ "$(fail_count)" -eq 0 ]
