#!/bin/bash
# test_cli_pin_trust.sh - the pin directory is root's alone, and a command
# that cannot read the state fails instead of answering "not attached".
#
#   - the CLI creates the pin dir (and what it makes above it) owned by
#     root, mode 0700;
#   - an existing pin dir owned by another user, or writable by group or
#     others, and a pin dir below a bpffs root mounted without -o mode=0700
#     (1777), are refused with one line, and nothing is pinned there;
#   - the hint for mounting a bpffs says -o mode=0700;
#   - a pin dir given as a symlink (another user's, or root's) is refused;
#     links/ swapped for a symlink into another state is never followed
#     (the other state's interface keeps its XDP program);
#   - a held lock makes a writing command fail after --lock-timeout with a
#     line naming the holder's pid, instead of hanging;
#   - as an unprivileged user (setpriv nobody), with a pin dir that is a
#     regular file, or a dangling symlink: status, show-config, stats,
#     stats --prometheus, stats --textfile and mtu list exit non-zero with
#     one line on stderr, and never print "not attached", the defaults or
#     mtuguard_up 0.
set -u
. "$(dirname "$0")/lib.sh"
lib_init cli_pin_trust

if ! mtug_ready; then
	skip "cli_pin_trust" "build/mtuguard not built"
	exit 0
fi
if ! command -v setpriv >/dev/null; then
	skip "cli_pin_trust" "needs setpriv (util-linux)"
	exit 0
fi

# Two namespaces whose first veth has the same ifindex (2), so that an XDP
# link pin of one state names an interface of the other too.
{ A=$(ns_new a) && B=$(ns_new b); } || { fail "pin_trust setup" "ip netns add"; exit 1; }
{ ip -n "$A" link add a0 type veth peer name a1 && ip -n "$A" link set a0 up &&
	ip -n "$A" link set a1 up &&
	ip -n "$B" link add b0 type veth peer name b1 && ip -n "$B" link set b0 up &&
	ip -n "$B" link set b1 up; } || { fail "pin_trust setup" "veth"; exit 1; }
bpffs_new || { fail "pin_trust setup" "bpffs mount"; exit 1; }
BPFFS=$MTUG_BPFFS
NOBODY=65534

has_xdp() { ip -n "$1" -d link show "$2" | grep -q 'prog/xdp'; }
lines() { if [ -z "$1" ]; then echo 0; else printf '%s\n' "$1" | wc -l; fi; }
# run_cli NS PIN-DIR args...: the CLI with that pin dir; sets RC and ERR
# (stdout in $MTUG_TMP/out).
run_cli() {
	local ns=$1 dir=$2; shift 2
	nsx "$ns" "$MTUG_BIN" --pin-dir "$dir" "$@" >"$MTUG_TMP/out" 2>"$MTUG_TMP/err"
	RC=$?
	ERR=$(cat "$MTUG_TMP/err")
}
# refused NAME WORD: RC 1, one stderr line holding WORD, else fail.
refused() {
	local why=""
	[ "$RC" = 1 ] || why="exit $RC, want 1"
	[ "$(lines "$ERR")" = 1 ] || why="${why:+$why, }$(lines "$ERR") stderr lines"
	[[ $ERR == *"$2"* ]] || why="${why:+$why, }no '$2' in the message"
	if [ -z "$why" ]; then
		pass "$1"
		log "  $ERR"
	else
		fail "$1" "$why: $ERR"
	fi
}

# ---- 1. what the CLI creates ---------------------------------------------------------

P=$BPFFS/x/pins
run_cli "$A" "$P" attach a0
if [ "$RC" = 0 ] && [ "$(stat -c '%u %a' "$BPFFS/x" "$P" | tr '\n' ' ')" = "0 700 0 700 " ]; then
	pass "pin_trust: the pin dir and its parent made by the CLI are root's, mode 0700"
else
	fail "pin_trust: the pin dir and its parent made by the CLI are root's, mode 0700" \
		"rc $RC: $(stat -c '%n %u %a' "$BPFFS/x" "$P" 2>&1 | tr '\n' ' ') $ERR"
fi
run_cli "$A" "$P" detach --all

# ---- 2. pin dirs another user could change -------------------------------------------

# NAME DIR: attach into DIR refused with one line naming the problem, and
# nothing pinned there, no XDP on a0.
attach_refused() {
	local name=$1 dir=$2 word=$3
	run_cli "$A" "$dir" attach a0
	refused "$name" "$word"
	if has_xdp "$A" a0 || [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
		fail "$name: nothing done" "xdp on a0 or pins in $dir: $(find "$dir" -mindepth 1 -maxdepth 1 -printf '%f ' 2>&1)"
		run_cli "$A" "$dir" detach --all
	fi
}

mkdir "$BPFFS/evil" && chown "$NOBODY" "$BPFFS/evil"
attach_refused "pin_trust: a pin dir made in advance by another user is refused" \
	"$BPFFS/evil" "owned by uid $NOBODY"

mkdir "$BPFFS/open" && chmod 0777 "$BPFFS/open"
attach_refused "pin_trust: a pin dir writable by others is refused" "$BPFFS/open" \
	"writable by group or others"

# A bpffs mounted the plain way (mode 1777): anyone may make the pin dir.
{ OPEN=$(mktemp -d "/tmp/$MTUG_TAG-open-XXXXXX") && _LIB_DIRS+=("$OPEN") &&
	mount -t bpf bpf "$OPEN" && _LIB_MOUNTS+=("$OPEN"); } ||
	{ fail "pin_trust setup" "second bpffs"; exit 1; }
attach_refused "pin_trust: a pin dir on a bpffs mounted without mode=0700 is refused" \
	"$OPEN/pins" "mode=0700"
[ -e "$OPEN/pins" ] && fail "pin_trust: nothing made on the open bpffs" "$OPEN/pins exists"

# The hint for a lab mount recommends a safe one.
run_cli "$A" "$MTUG_TMP/plain/pins" attach a0
refused "pin_trust: the hint for a bpffs of one's own says -o mode=0700" \
	"mount -t bpf -o mode=0700 bpf DIR"

# ---- 3. symlinks -----------------------------------------------------------------------

PA=$BPFFS/pa PB=$BPFFS/pb
{ run_cli "$A" "$PA" attach a0 && [ "$RC" = 0 ]; } || fail "pin_trust setup" "attach a0: $ERR"
{ run_cli "$B" "$PB" attach b0 && [ "$RC" = 0 ]; } || fail "pin_trust setup" "attach b0: $ERR"

ln -s "$PA" "$MTUG_TMP/lnk" && chown -h "$NOBODY" "$MTUG_TMP/lnk"
run_cli "$A" "$MTUG_TMP/lnk" status
refused "pin_trust: a pin dir given as another user's symlink is refused" "symlink"
ln -s "$PA" "$MTUG_TMP/rootlnk"
run_cli "$A" "$MTUG_TMP/rootlnk" status
refused "pin_trust: a pin dir given as a symlink is refused" "symlink"

ia=$(ip -n "$A" -o link show a0 | cut -d: -f1)
ib=$(ip -n "$B" -o link show b0 | cut -d: -f1)
if [ "$ia" != "$ib" ]; then
	skip "pin_trust: links/ as a symlink into another state" "ifindexes $ia and $ib differ"
else
	# Swap A's links/ for a symlink to B's: A's detach a0 would unpin
	# and detach B's link of b0 (the same ifindex).
	mv "$PA/links" "$PA/links_old" && ln -s "$PB/links" "$PA/links"
	run_cli "$A" "$PA" detach a0
	refused "pin_trust: links/ as a symlink: detach refused" "symlink"
	if has_xdp "$B" b0 && [ -e "$PB/links/xdp_$ib" ]; then
		pass "pin_trust: links/ as a symlink: the other state's interface keeps its XDP"
	else
		fail "pin_trust: links/ as a symlink: the other state's interface keeps its XDP" \
			"b0 lost its XDP program or its link pin"
	fi
	run_cli "$A" "$PA" status
	refused "pin_trust: links/ as a symlink: status refused" "symlink"
	rm "$PA/links" && mv "$PA/links_old" "$PA/links"
fi

# ---- 4. a held lock ---------------------------------------------------------------------

# One process that takes the lock and keeps it (as a hung or hostile
# holder would): its pid is the one /proc/locks names.
python3 -c '
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(60)' "$PA" >"$MTUG_TMP/holder" &
HOLDER=$!
_LIB_PIDS+=("$HOLDER")
wait_until 5 grep -q locked "$MTUG_TMP/holder" || fail "pin_trust setup" "lock holder"
t0=$(date +%s%N)
nsx "$A" timeout 20 "$MTUG_BIN" --pin-dir "$PA" --lock-timeout 1 mtu add 10.1.0.0/16 1400 \
	>"$MTUG_TMP/out" 2>"$MTUG_TMP/err"
RC=$? ERR=$(cat "$MTUG_TMP/err")
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
refused "pin_trust: a held lock: mtu add fails after --lock-timeout 1" "locked by pid $HOLDER"
if [ "$RC" = 1 ] && [ "$ms" -lt 5000 ]; then
	pass "pin_trust: a held lock: --lock-timeout 1 waits $ms ms"
else
	fail "pin_trust: a held lock: --lock-timeout 1 waits about a second" "$ms ms (rc $RC)"
fi
# The default wait is bounded too (a few seconds, not forever).
t0=$(date +%s%N)
nsx "$A" timeout 40 "$MTUG_BIN" --pin-dir "$PA" mtu add 10.1.0.0/16 1400 \
	>"$MTUG_TMP/out" 2>"$MTUG_TMP/err"
RC=$? ERR=$(cat "$MTUG_TMP/err")
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
if [ "$RC" = 1 ] && [ "$ms" -lt 30000 ] && [[ $ERR == *"locked by pid $HOLDER"* ]]; then
	pass "pin_trust: a held lock: the default wait is bounded ($ms ms)"
else
	fail "pin_trust: a held lock: the default wait is bounded" "$ms ms, rc $RC: $ERR"
fi
run_cli "$A" "$PA" --lock-timeout 0 ptb rate 500
refused "pin_trust: a held lock: --lock-timeout 0 fails at once" "locked by"
kill "$HOLDER" 2>/dev/null
wait "$HOLDER" 2>/dev/null
run_cli "$A" "$PA" mtu add 10.1.0.0/16 1400
if [ "$RC" = 0 ]; then
	pass "pin_trust: the lock free again, mtu add works"
else
	fail "pin_trust: the lock free again, mtu add works" "$ERR"
fi
run_cli "$A" "$PA" --lock-timeout x status
if [ "$RC" = 2 ]; then
	pass "pin_trust: --lock-timeout x is a usage error"
else
	fail "pin_trust: --lock-timeout x is a usage error" "rc $RC"
fi

# ---- 5. a state that cannot be read ------------------------------------------------------

# readers NAME RUNNER...: every reading command through RUNNER (a prefix
# command) fails with one line (with --json: {"error": ...} on stdout,
# nothing on stderr) and prints no false answer.
readers() {
	local name=$1 cmd bad="" one; shift
	local tf=$MTUG_TMP/tf/m.prom
	for cmd in "status" "status --json" "show-config" "stats" "stats --json" \
		"stats --prometheus" "stats --textfile $tf" "mtu list"; do
		# shellcheck disable=SC2086 # the command line is split on purpose
		"$@" $cmd >"$MTUG_TMP/out" 2>"$MTUG_TMP/err"
		RC=$?
		ERR=$(cat "$MTUG_TMP/err")
		one=1
		if [[ $cmd == *--json* ]]; then
			[ -z "$ERR" ] && [ "$(wc -l <"$MTUG_TMP/out")" = 1 ] &&
				grep -q '^{"error":' "$MTUG_TMP/out" || one=0
		else
			[ "$(lines "$ERR")" = 1 ] || one=0
		fi
		if [ "$RC" = 0 ] || [ "$one" != 1 ] ||
			grep -qE 'not attached|mtuguard_up|default-mtu|"attached"' \
				"$MTUG_TMP/out" "$MTUG_TMP/err" ||
			[ -e "$tf" ]; then
			bad="$bad [$cmd: rc $RC, out '$(head -c 80 "$MTUG_TMP/out" | tr '\n' ' ')', err '$ERR']"
			rm -f "$tf"
		fi
	done
	if [ -z "$bad" ]; then
		pass "$name"
		log "  $ERR"
	else
		fail "$name" "$bad"
	fi
}
mkdir -p "$MTUG_TMP/tf" && chmod 0777 "$MTUG_TMP/tf" && chmod 0755 "$MTUG_TMP"
as_nobody() { nsx "$A" setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups "$MTUG_BIN" --pin-dir "$PA" "$@"; }
readers "pin_trust: as an unprivileged user (bpffs mode 0700) every reader fails" as_nobody
# The bpffs and the pin dir open for reading (0755): the pins themselves
# are what the user cannot open.
chmod 0755 "$BPFFS" "$PA"
readers "pin_trust: as an unprivileged user (pin dir 0755) every reader fails" as_nobody
chmod 0700 "$BPFFS" "$PA"

touch "$MTUG_TMP/file"
as_file() { nsx "$A" "$MTUG_BIN" --pin-dir "$MTUG_TMP/file" "$@"; }
readers "pin_trust: a pin dir that is a regular file: every reader fails" as_file
ln -s "$MTUG_TMP/nowhere" "$MTUG_TMP/dangling"
as_dangling() { nsx "$A" "$MTUG_BIN" --pin-dir "$MTUG_TMP/dangling" "$@"; }
readers "pin_trust: a pin dir that is a dangling symlink: every reader fails" as_dangling
as_dangling_below() { nsx "$A" "$MTUG_BIN" --pin-dir "$MTUG_TMP/dangling/pins" "$@"; }
readers "pin_trust: a pin dir below a dangling symlink: every reader fails" as_dangling_below

# Root, the state readable: the same commands still answer.
run_cli "$A" "$PA" stats --prometheus
if [ "$RC" = 0 ] && grep -qx 'mtuguard_up 1' "$MTUG_TMP/out"; then
	pass "pin_trust: root still reads the state (mtuguard_up 1)"
else
	fail "pin_trust: root still reads the state (mtuguard_up 1)" "rc $RC: $ERR"
fi

run_cli "$A" "$PA" detach --all
run_cli "$B" "$PB" detach --all
[ "$(fail_count)" -eq 0 ]
