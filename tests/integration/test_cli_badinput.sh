#!/bin/bash
# test_cli_badinput.sh - every bad invocation of the CLI gets exactly one
# "mtuguard: ..." line on stderr, nothing on stdout, the documented exit
# status (2 usage error, 1 runtime failure), and changes nothing: the
# output of `mtu list --json` and `status --json` is the same before and
# after each one.  With --json an error is JSON on stdout instead:
# test_cli_json_errors.sh.
# timeout: 120
set -u
. "$(dirname "$0")/lib.sh"
lib_init cli_badinput
# The TC side of this test is about clsact filters (handles, priorities,
# qdisc ownership): forced here on kernels with TCX too, which
# test_share_tc.sh and test_loader_crash.sh cover.
export MTUGUARD_TC_HOOK=clsact

if ! mtug_ready; then
	skip "cli_badinput" "build/mtuguard not built"
	exit 0
fi

NS=$(ns_new a) || { fail "cli_badinput setup" "ip netns add"; exit 1; }
veth_new "$NS" eth0 "$NS" eth1 || { fail "cli_badinput setup" "veth"; exit 1; }
bpffs_new || { fail "cli_badinput setup" "bpffs mount"; exit 1; }
FRESH=$MTUG_BPFFS/fresh # a pin dir nobody attached in

# Some state worth protecting: an attached interface, prefixes of both
# families and non-default settings.
setup_ok=1
mtug "$NS" attach eth0 >/dev/null || setup_ok=0
mtug "$NS" mtu add 10.20.0.0/16 1400 || setup_ok=0
mtug "$NS" mtu add fd00:20::/48 1300 || setup_ok=0
mtug "$NS" mtu default 1450 || setup_ok=0
mtug "$NS" ptb rate 77 || setup_ok=0
if [ "$setup_ok" != 1 ]; then
	fail "cli_badinput setup" "attach or mtu add failed"
	exit 1
fi

# Filters at our handle and priority that are not ours: the TC programs
# of a second mtuguard with a pin dir of its own.  fx0 is attached by it
# (XDP and egress); fe0 has its egress program; fi0 is attached by us,
# after eth0 (so an every-interface command changes eth0 first), with
# its ingress program where `ptb mode fib` would put ours.
OTHER=$MTUG_BPFFS/other
other() { ip netns exec "$NS" "$MTUG_BIN" --pin-dir "$OTHER" "$@"; }
foreign_filter() { # DEV ingress|egress
	nsx "$NS" tc filter add dev "$1" "$2" prio 28007 handle 0x6d67 \
		bpf object-pinned "$OTHER/prog_tc_$2" da
}
on_cleanup 'other detach --all'
for pair in fx0:fx1 fe0:fe1 fi0:fi1; do
	veth_new "$NS" "${pair%:*}" "$NS" "${pair#*:}" || setup_ok=0
done
other attach fx0 >/dev/null || setup_ok=0
nsx "$NS" tc qdisc add dev fe0 clsact || setup_ok=0
foreign_filter fe0 egress || setup_ok=0
mtug "$NS" attach fi0 >/dev/null || setup_ok=0
foreign_filter fi0 ingress || setup_ok=0
if [ "$setup_ok" != 1 ]; then
	fail "cli_badinput setup" "foreign filters"
	exit 1
fi

snapshot() {
	mtug "$NS" mtu list --json 2>&1
	mtug "$NS" status --json 2>&1
}
BEFORE=$(snapshot)

# One row per case: expected exit status, then the words after
# `mtuguard --pin-dir DIR` (shell-quoted; @FRESH@ switches to a pin dir
# with no state, @NOPIN@ runs without our --pin-dir; relative paths are
# in the test's temp dir).
CASES=(
	# usage errors: exit 2
	"2 bogus"
	"2"
	"2 --bogus status"
	"2 mtu"
	"2 mtu bogus"
	"2 ptb"
	"2 ptb bogus"
	"2 attach"
	"2 attach eth0 eth1"
	"2 attach eth0 --mode turbo"
	"2 attach eth0 --mode"
	"2 attach eth0 --bogus"
	"2 mtu add 256.1.1.1/24 1400"
	"2 mtu add 10.0.0.0/33 1400"
	"2 mtu add ::/129 1400"
	"2 mtu add garbage 1400"
	"2 mtu add 10.0.0.0/ 1400"
	"2 mtu add 10.0.0.0/8x 1400"
	"2 mtu add 10.0.0.1/8 1400"
	"2 mtu add fd00::1/64 1400"
	"2 mtu add fe80::1%eth0 1400"
	"2 mtu add 10.0.0.0/8 67"
	"2 mtu add 10.0.0.0/8 65536"
	"2 mtu add fd00::/64 1279"
	"2 mtu add fd00::/64 70000"
	"2 mtu add 10.0.0.0/8 1400x"
	"2 mtu add 10.0.0.0/8 -5"
	"2 mtu add 10.0.0.0/8 0x578"
	"2 mtu add 10.0.0.0/8 ' 1400'"
	"2 mtu add 10.0.0.0/8 99999999999999999999"
	"2 mtu add 10.0.0.0/8"
	"2 mtu add"
	"2 mtu add 10.0.0.0/8 1400 1500"
	"2 mtu del"
	"2 mtu del 10.0.0.0/33"
	"2 mtu del 10.20.0.0/16 extra"
	"2 mtu list extra"
	"2 mtu list --bogus"
	"2 mtu default"
	"2 mtu default abc"
	"2 mtu default 0"
	"2 mtu default 67"
	"2 mtu iface eth0"
	"2 mtu iface eth0 12"
	"2 mtu source"
	"2 mtu source foo"
	"2 ptb mode"
	"2 ptb mode turbo"
	"2 ptb mode fib --iface"
	"2 ptb min-mtu 67 1280"
	"2 ptb min-mtu 552 1279"
	"2 ptb min-mtu 552 65536"
	"2 ptb min-mtu 552"
	"2 ptb min-mtu 552 1280 9"
	"2 ptb rate 0"
	"2 ptb rate fast"
	"2 ptb rate 10pps"
	"2 ptb forward maybe"
	"2 ptb forward"
	"2 ptb errors some"
	"2 ptb invalid maybe"
	"2 enable foo"
	"2 enable"
	"2 disable mss ptb"
	"2 enable mss --iface"
	"2 stats --watch 0"
	"2 stats --watch 1x"
	"2 stats --watch"
	"2 stats extra"
	"2 stats --watch 1 --reset"
	"2 stats --prometheus --textfile both.prom"
	"2 status extra"
	"2 enable mss --iface eth0 --iface eth1"
	"2 apply -f a.conf --file b.conf"
	"2 attach eth0 --mode native --mode generic"
	"2 detach"
	"2 detach eth0 --all"
	"2 detach eth0 eth1"
	"2 @NOPIN@ --pin-dir relative/dir status"
	"2 @NOPIN@ --pin-dir /sys/fs/bpf/x/. status"
	"2 @NOPIN@ --pin-dir /sys/fs/bpf/../bpf/x status"
	"2 status --pin-dir"
	# runtime failures: exit 1
	"1 attach nosuch0"
	"1 attach eth0eth0eth0eth0eth0"
	"1 attach eth0 --mode generic"
	"1 attach eth0 --no-egress"
	"1 mtu iface nosuch0 1400"
	"1 mtu iface eth1 1400"
	"1 enable mss --iface nosuch0"
	"1 disable ptb --iface eth1"
	"1 ptb mode fib --iface nosuch0"
	"1 ptb mode fib --iface eth1"
	"1 detach eth1"
	"1 detach nosuch0"
	"1 mtu del 10.99.0.0/16"
	"1 mtu del fd00:99::/48"
	# a filter not ours in the way: attach rolls back (never touching it),
	# ptb mode undoes what it did on every interface
	"1 attach fx0"
	"1 attach fe0"
	"1 ptb mode fib"
	"1 ptb mode broadcast --iface fi0"
	# commands that need state, before any attach
	"1 @FRESH@ mtu list"
	"1 @FRESH@ mtu add 10.0.0.0/8 1400"
	"1 @FRESH@ mtu del 10.0.0.0/8"
	"1 @FRESH@ mtu default 1400"
	"1 @FRESH@ mtu source pmtu"
	"1 @FRESH@ ptb rate 10"
	"1 @FRESH@ ptb mode fib"
	"1 @FRESH@ enable mss"
	"1 @FRESH@ stats"
	"1 @FRESH@ detach eth0"
	"1 @FRESH@ detach --all"
)

run_case() { # expect words...
	local expect=$1; shift
	local pin=(--pin-dir "$MTUG_PIN_DIR")
	case ${1:-} in
	@FRESH@) pin=(--pin-dir "$FRESH"); shift ;;
	@NOPIN@) pin=(); shift ;;
	esac
	# From the temp dir: a relative path in a case lands there.
	(cd "$MTUG_TMP" && ip netns exec "$NS" "$MTUG_BIN" "${pin[@]}" "$@") \
		>"$MTUG_TMP/out" 2>"$MTUG_TMP/err"
	echo $? >"$MTUG_TMP/rc"
}

n=0
for row in "${CASES[@]}"; do
	eval "set -- $row"
	expect=$1
	name="badinput: mtuguard ${row#? }"
	[ "$row" = 2 ] && name="badinput: mtuguard (no command)"
	run_case "$@"
	rc=$(cat "$MTUG_TMP/rc")
	nerr=$(wc -l <"$MTUG_TMP/err")
	why=""
	if [ "$rc" != "$expect" ]; then
		why="exit $rc, want $expect"
	elif [ "$nerr" != 1 ]; then
		why="$nerr lines on stderr, want 1"
	elif ! grep -q '^mtuguard: ' "$MTUG_TMP/err"; then
		why="stderr does not start with 'mtuguard: '"
	elif [ -s "$MTUG_TMP/out" ]; then
		why="output on stdout"
	elif [ "$(snapshot)" != "$BEFORE" ]; then
		why="state changed"
	elif [ -e "$FRESH" ]; then
		why="created the fresh pin dir"
	fi
	if [ -n "$why" ]; then
		fail "$name" "$why; stderr: $(head -c 300 "$MTUG_TMP/err" | tr '\n' '|')"
		# Later cases compare against the state as it is now.
		BEFORE=$(snapshot)
	else
		pass "$name"
		log "  $(cat "$MTUG_TMP/err")"
	fi
	n=$((n + 1))
done
log "$n bad invocations"

# The same errors must not depend on where the options go: global options
# after the command work too, and -h is never an error.
if mtug "$NS" mtu -h >/dev/null 2>&1 && mtug "$NS" attach --help >/dev/null 2>&1 &&
	"$MTUG_BIN" --help >/dev/null 2>&1; then
	pass "badinput: help exits 0"
else
	fail "badinput: help exits 0" "-h or --help failed"
fi

# Good input still works after all that.
if mtug "$NS" mtu add 10.30.0.0/16 1400 && mtug "$NS" mtu del 10.30.0.0/16 &&
	[ "$(snapshot)" = "$BEFORE" ]; then
	pass "badinput: good input still accepted"
else
	fail "badinput: good input still accepted" "mtu add/del failed"
fi

# An attached interface whose device is deleted keeps its entry; status
# names it if<N>, and `detach if<N>` removes it alone (the others stay).
why=""
if veth_new "$NS" gone0 "$NS" gone1 && mtug "$NS" attach gone0 >/dev/null; then
	idx=$(ip -n "$NS" -o link show gone0 | cut -d: -f1)
	ip -n "$NS" link del gone0
	out=$(mtug "$NS" detach "if$idx" 2>&1)
	[ "$out" = "detached if$idx" ] || why="detach if$idx said '$out'"
	mtug "$NS" status --json | grep -q "\"if$idx\"" && why="${why:+$why, }if$idx still attached"
	[ "$(snapshot)" = "$BEFORE" ] || why="${why:+$why, }other state changed"
else
	why="setup: veth or attach gone0 failed"
fi
if [ -z "$why" ]; then
	pass "badinput: detach if<N> removes an interface whose device is gone"
else
	fail "badinput: detach if<N> removes an interface whose device is gone" "$why"
fi

# A pin dir that exists, is not on a bpffs and holds files is refused: a
# bpffs mounted on it would hide them (--pin-dir /etc would hide /etc).
# Run in the host's mount namespace (nsenter --net), where the CLI would
# mount one; `ip netns exec`'s private one is refused for another reason.
full=$MTUG_TMP/full
mkdir -p "$full" && echo keep >"$full/keep"
err=$(nsenter --net="/run/netns/$NS" "$MTUG_BIN" --pin-dir "$full" attach eth1 2>&1 >/dev/null)
rc=$?
if grep -q " $full " /proc/mounts; then
	umount "$full"
	why="a bpffs was mounted over it"
elif [ "$rc" -ne 1 ] || [[ $err != *"not empty"* ]]; then
	why="exit $rc, '$err'"
elif [ "$(ls "$full")" != keep ] || [ "$(cat "$full/keep")" != keep ]; then
	why="its content changed: $(find "$full" -mindepth 1 -maxdepth 1 -printf '%f ')"
else
	why=""
fi
if [ -z "$why" ]; then
	pass "badinput: a non-empty directory off bpffs is not mounted over"
else
	fail "badinput: a non-empty directory off bpffs is not mounted over" "$why"
fi

mtug "$NS" detach --all >/dev/null
[ "$(fail_count)" -eq 0 ]
