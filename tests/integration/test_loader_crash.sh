#!/bin/bash
# test_loader_crash.sh - `mtuguard attach` and `detach` killed with SIGKILL
# at random points, then recovered by the next command.
#
# Namespace A holds a0 and a1 (veth, peers in B); the pin directory is on a
# host bpffs (lib.sh).  ITER (default 60) rounds; each one starts the next
# command of a cycle
#     attach a0 | attach a1 | detach a1 | detach a0 | attach a0 | detach --all
# and kills it with SIGKILL after a random delay: 0-20 ms mostly, 0-250 ms
# one time in three (an attach from nothing loads and pins the BPF object,
# ~150 ms; one on existing state takes ~7 ms, a detach ~4 ms).  Then:
#   - `status` must not crash (exit 0, or 1 with one clear "mtuguard: ..."
#     line on stderr), must list every interface where XDP of ours runs, and
#     flag one it lists without it "not attached" (no silently detached or
#     stray datapath);
#   - the next command -- the same again, or after a killed attach half
#     the time `detach` of that interface -- must finish: exit 0, or exit 1
#     with one clear line when there is nothing left to do ("not attached");
#   - the result must be exactly the intended state: attached = XDP link
#     pinned and running the pinned program, the TC egress filter and no
#     ingress one (ptb mode off needs none), the interface in status; detached = no XDP, no mtuguard filter, no clsact
#     we made; nothing attached = no pin directory left.  (The TC programs
#     are TCX links on kernels with TCX, clsact filters elsewhere.)
# At the end: attach, real TCP through a0 is clamped, detach --all, clean.
# A failure prints the exact state left behind (pins, XDP, filters, status)
# for the first bad round of each kind, then every kind with its count; after a bad round the test cleans up by hand (ip link xdp off, tc
# qdisc del, rm the pins) so rounds are judged independently.
# timeout: 300
set -u
. "$(dirname "$0")/lib.sh"
lib_init loader_crash

if ! mtug_ready; then
	skip "crash/setup" "build/mtuguard not built"
	exit 0
fi
ITER=${ITER:-60}
SEED=${CRASH_SEED:-$$}
RANDOM=$SEED

{ A=$(ns_new a) && B=$(ns_new b); } || { fail "crash/setup" "ip netns add"; exit 1; }
{ veth_new "$A" a0 "$B" b0 && veth_new "$A" a1 "$B" b1; } || { fail "crash/setup" "veth"; exit 1; }
ip -n "$A" addr add 10.77.0.1/24 dev a0 && ip -n "$B" addr add 10.77.0.2/24 dev b0
bpffs_new || { fail "crash/setup" "bpffs mount"; exit 1; }
PIN=$MTUG_PIN_DIR

# ---- state inspection ----------------------------------------------------------
xdp_id() { ip -n "$A" -d link show "$1" 2>/dev/null | grep -o 'prog/xdp id [0-9]*' | grep -o '[0-9]*$'; }
# Our TC program in one direction: a clsact filter at our handle, or (TCX
# kernels) a TCX link running the pinned program.
our_filter() {
	local id
	nsx "$A" tc filter show dev "$1" "$2" 2>/dev/null | grep -q 'handle 0x6d67' && return 0
	id=$(bpftool -j prog show pinned "$PIN/prog_tc_$2" 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' 2>/dev/null)
	[ -n "$id" ] && nsx "$A" python3 "$MTUG_ROOT/tests/integration/tcx.py" ids "$1" "$2" 2>/dev/null |
		grep -qw "$id"
}
has_clsact() { nsx "$A" tc qdisc show dev "$1" 2>/dev/null | grep -q clsact; }
pinned_xdp_prog() { bpftool -j prog show pinned "$PIN/prog_xdp" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' 2>/dev/null; }

dump_state() {
	echo "    --- state left behind"
	echo "    pins: $(cd "$MTUG_BPFFS" 2>/dev/null && find . | sort | tr '\n' ' ')"
	for i in a0 a1; do
		echo "    $i: xdp id '$(xdp_id $i)', ingress filter $(our_filter $i ingress && echo yes || echo no)," \
			"egress filter $(our_filter $i egress && echo yes || echo no), clsact $(has_clsact $i && echo yes || echo no)"
	done
	echo "    pinned prog_xdp id '$(pinned_xdp_prog)'"
	mtug "$A" status 2>&1 | sed 's/^/    status: /'
}

# attached IFACE -> "" or why not
attached_why() {
	local i=$1 why="" id pid
	id=$(xdp_id "$i")
	pid=$(pinned_xdp_prog)
	[ -n "$id" ] || why="no XDP on $i"
	[ -n "$id" ] && [ "$id" != "$pid" ] && why="$why XDP on $i is prog $id, pinned prog_xdp is '$pid';"
	[ -e "$PIN/links/xdp_$(ip -n "$A" -o link show "$i" | cut -d: -f1)" ] || why="$why XDP link of $i not pinned;"
	our_filter "$i" ingress && why="$why ingress filter on $i (ptb mode off needs none);"
	our_filter "$i" egress || why="$why no egress filter on $i;"
	mtug "$A" status 2>/dev/null | grep -qw "$i" || why="$why status does not list $i;"
	echo "$why"
}
detached_why() {
	local i=$1 why=""
	[ -z "$(xdp_id "$i")" ] || why="XDP left on $i;"
	our_filter "$i" ingress && why="$why ingress filter left on $i;"
	our_filter "$i" egress && why="$why egress filter left on $i;"
	has_clsact "$i" && why="$why clsact left on $i;"
	mtug "$A" status 2>/dev/null | grep -qw "$i" && why="$why status still lists $i;"
	echo "$why"
}

# status must agree with reality: an interface where XDP of ours runs is
# listed; one listed without it is flagged "not attached" on its line.
status_why() {
	local out rc err i listed running why=""
	out=$(mtug "$A" status 2>"$MTUG_TMP/st.err"); rc=$?
	err=$(cat "$MTUG_TMP/st.err")
	if [ $rc -gt 1 ]; then
		echo "status exit $rc (crash?): $err"
		return
	fi
	if [ $rc -ne 0 ] && { [ "$(echo "$err" | grep -c .)" -ne 1 ] || ! echo "$err" | grep -q '^mtuguard: '; }; then
		echo "status exit $rc without one clear line: '$err'"
		return
	fi
	for i in a0 a1; do
		local line
		line=$(echo "$out" | grep -w "$i" | head -n 1)
		listed=no running=no
		[ -n "$line" ] && listed=yes
		[ -n "$(xdp_id $i)" ] && running=yes
		# Running but not listed: a datapath nobody knows about.  Listed
		# but not running: only if status says so on the line.
		if [ $running = yes ] && [ $listed = no ]; then
			why="$why $i: XDP running, not listed by status;"
		elif [ $running = no ] && [ $listed = yes ] && ! echo "$line" | grep -q 'not attached'; then
			why="$why $i: listed by status as attached, no XDP: '$line';"
		fi
	done
	echo "$why"
}

one_clear_line() { # stderr file
	[ "$(grep -c . "$1")" -eq 1 ] && grep -q '^mtuguard: ' "$1"
}

# ---- the rounds -----------------------------------------------------------------------
CYCLE=("attach a0" "attach a1" "detach a1" "detach a0" "attach a0" "detach --all")
declare -A WANT=([a0]=detached [a1]=detached)
apply_want() { # command -> updates WANT
	case $1 in
	"attach a0") WANT[a0]=attached ;;
	"attach a1") WANT[a1]=attached ;;
	"detach a0") WANT[a0]=detached ;;
	"detach a1") WANT[a1]=detached ;;
	"detach --all") WANT[a0]=detached WANT[a1]=detached ;;
	esac
}

# Remove everything without the CLI: XDP, clsact, the pin directory.
hard_reset() {
	local i
	for i in a0 a1; do
		ip -n "$A" link set "$i" xdp off 2>/dev/null
		nsx "$A" tc qdisc del dev "$i" clsact 2>/dev/null
	done
	rm -rf "$PIN" 2>/dev/null
}

bad=0 killed=0 finished=0 retry_msgs=0
declare -A PHASES=() SIGS=()
for ((r = 0; r < ITER; r++)); do
	cmd=${CYCLE[$((r % ${#CYCLE[@]}))]}
	if ((RANDOM % 3 == 0)); then ms=$((RANDOM % 250)); else ms=$((RANDOM % 20)); fi
	delay=$(printf '0.%03d' "$ms")
	# shellcheck disable=SC2086 # $cmd is a command line
	ip netns exec "$A" "$MTUG_BIN" --pin-dir "$PIN" $cmd >"$MTUG_TMP/run.out" 2>"$MTUG_TMP/run.err" &
	pid=$!
	sleep "$delay"
	if kill -9 $pid 2>/dev/null; then
		killed=$((killed + 1))
	else
		finished=$((finished + 1))
	fi
	wait $pid 2>/dev/null
	# The next command: the same again, or for a killed attach half the
	# time the detach of that interface (undo instead of redo).
	next=$cmd
	if [[ $cmd == attach* ]] && ((RANDOM % 2)); then
		next="detach ${cmd#attach }"
	fi
	apply_want "$next"
	why=""
	# 1. status right after the crash
	sw=$(status_why)
	[ -n "$sw" ] && why="after kill: $sw"
	# 2. the next command
	# shellcheck disable=SC2086 # $next is a command line
	mtug "$A" $next >"$MTUG_TMP/re.out" 2>"$MTUG_TMP/re.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		if [ $rc -eq 1 ] && one_clear_line "$MTUG_TMP/re.err" && [[ $next == detach* ]]; then
			retry_msgs=$((retry_msgs + 1))
			PHASES["$(head -c 60 "$MTUG_TMP/re.err")"]=1
		else
			why="$why '$next' exit $rc: $(tr '\n' ' ' <"$MTUG_TMP/re.err")"
		fi
	fi
	# 3. exactly the intended state
	for i in a0 a1; do
		if [ "${WANT[$i]}" = attached ]; then
			w=$(attached_why $i)
		else
			w=$(detached_why $i)
		fi
		[ -n "$w" ] && why="$why $w"
	done
	# The datapath's copy of iface_cfg agrees with it after a command that
	# succeeded (a kill between the two writes is repaired by the next
	# writing command's resync).
	if [ $rc -eq 0 ] && [ -e "$PIN/iface_fast" ]; then
		w=$(iface_fast_mirror)
		[ -n "$w" ] && why="$why iface_fast: $w;"
	fi
	# Nothing attached: no pinned object left (an empty directory, from an
	# attach killed before it pinned anything, is harmless and tolerated).
	if [ "${WANT[a0]}" = detached ] && [ "${WANT[a1]}" = detached ] && [ -e "$PIN" ] &&
		[ -n "$(find "$PIN" -not -type d)" ]; then
		why="$why pins left with nothing attached: $(cd "$PIN" && find . -not -type d | tr '\n' ' ');"
	fi
	if [ -n "$why" ]; then
		bad=$((bad + 1))
		sig=$(echo "$cmd killed, then $next: $why" | sed -E 's/[0-9]+/N/g')
		SIGS["$sig"]=$(( ${SIGS["$sig"]:-0} + 1 ))
		if [ "${SIGS["$sig"]}" -eq 1 ]; then # the first of each kind
			echo "    round $r: '$cmd' killed after ${delay}s, then '$next' said '$(cat "$MTUG_TMP/re.out" "$MTUG_TMP/re.err" | tr '\n' ' ' | head -c 100)': $why"
			dump_state
		fi
		# Back to a clean slate by hand (the CLI could not), so every
		# round is judged on its own.
		hard_reset
		WANT[a0]=detached WANT[a1]=detached
	fi
done
log "seed $SEED: $r rounds, $killed killed mid-way, $finished had finished; $retry_msgs retries answered with one clear line"
for m in "${!PHASES[@]}"; do log "  message seen: $m"; done
for m in "${!SIGS[@]}"; do log "  ${SIGS[$m]} x $m"; done
if [ $bad -eq 0 ]; then
	pass "crash/kill_recover ($r rounds of attach/detach killed with SIGKILL at random points, $killed mid-way: every next status, attach, detach recovered)"
else
	fail "crash/kill_recover" "$bad rounds left a wrong state (seed $SEED, CRASH_SEED=$SEED to repeat)"
fi

# ---- the datapath still works after all that ----------------------------------------------
mtug "$A" detach --all >/dev/null 2>&1
why=""
mtug "$A" attach a0 >/dev/null 2>"$MTUG_TMP/fin.err" || why="attach: $(cat "$MTUG_TMP/fin.err")"
mtug "$A" mtu default 1400 >/dev/null 2>&1
bg "$B" "$MTUG_TMP/srv.log" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.77.0.2", 7000)); s.listen(8)
while True:
    c, _ = s.accept(); c.close()'
wait_until 5 tcp_listening "$B" 7000
before=$(mtug_counter "$A" mss_clamped)
nsx "$A" python3 -c '
import socket
for _ in range(5):
    c = socket.create_connection(("10.77.0.2", 7000), timeout=2); c.close()' || why="$why TCP through a0 failed;"
after=$(mtug_counter "$A" mss_clamped)
[ "$((after - before))" -ge 5 ] || why="$why mss_clamped +$((after - before)) for 5 connections;"
mtug "$A" detach --all >/dev/null 2>&1
for i in a0 a1; do w=$(detached_why $i); [ -n "$w" ] && why="$why $w"; done
[ -n "$(find "$PIN" -not -type d 2>/dev/null)" ] && why="$why pins left"
if [ -z "$why" ]; then
	pass "crash/datapath_after (attach, 5 SYN-ACKs clamped, detach --all: clean)"
else
	dump_state
	fail "crash/datapath_after" "$why"
fi
exit 0
