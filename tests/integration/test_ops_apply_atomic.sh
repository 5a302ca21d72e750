#!/bin/bash
# test_ops_apply_atomic.sh - commands that change several things end with
# the whole change or none of it, also when a signal comes midway.
#
#   - a full prefix table (262,144 IPv4 prefixes) is replaced by another
#     full one in one apply (deletions first: never "table full");
#   - TRIALS (default 6) times, an apply that turns state OLD (one
#     interface, 200,000 prefixes) into state NEW (two interfaces, other
#     settings, half the prefixes deleted, a quarter changed, 100,000 new)
#     gets SIGINT, SIGTERM or SIGHUP at a random moment: afterwards the
#     running state (show-config) is exactly OLD or exactly NEW, and a run
#     that rolled back says so in one line;
#   - `ptb mode fib` and `disable mss` over IFACES (default 100) interfaces
#     each get a signal at a random moment, until MODE_HITS (default 3) of
#     them landed midway (at most MODE_TRIES runs, default 80): afterwards
#     every interface has the old setting or every one the new, and one
#     that rolled back says so in one line.
#
# The CLI runs in the background with the three signals at their default
# (a background job of a script starts with SIGINT ignored, and the CLI
# leaves an ignored signal ignored), as its own process: $! is its pid.
set -u
. "$(dirname "$0")/lib.sh"
lib_init ops_apply_atomic

if ! mtug_ready; then
	skip "ops_apply_atomic" "build/mtuguard not built"
	exit 0
fi
TRIALS=${TRIALS:-6}
MODE_TRIES=${MODE_TRIES:-80}
MODE_HITS=${MODE_HITS:-3}
IFACES=${IFACES:-100}
N=${N:-200000}
FULL=262144 # MTUG_LPM_MAX_ENTRIES

NS=$(ns_new a) || { fail "apply_atomic setup" "ip netns add"; exit 1; }
for ((i = 0; i < IFACES; i++)); do
	veth_new "$NS" "a$i" "$NS" "b$i" || { fail "apply_atomic setup" "veth $i"; exit 1; }
done
bpffs_new || { fail "apply_atomic setup" "bpffs mount"; exit 1; }
D=$MTUG_TMP
SIGS=(INT TERM HUP)

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# cli_bg args...: the CLI in the background, signals at their default;
# sets PID (env and ip netns exec exec it: the same process).
cli_bg() {
	local i shell
	env --default-signal=INT,TERM,HUP ip netns exec "$NS" "$MTUG_BIN" \
		--pin-dir "$MTUG_PIN_DIR" "$@" >"$D/out" 2>"$D/err" &
	PID=$!
	# Until it execs, the child is a copy of this shell with this
	# script's traps: a signal then would run the cleanup in it.
	shell=$(readlink /proc/$$/exe)
	for ((i = 0; i < 400; i++)); do
		[ "$(readlink "/proc/$PID/exe" 2>/dev/null)" != "$shell" ] && break
		sleep 0.005
	done
}
# ms_sleep MS
ms_sleep() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }
digest() { mtug "$NS" show-config 2>&1 | sha256sum | cut -c1-16; }
# apply_timed FILE [args]: apply in the foreground; rc in RC, ms in MS.
apply_timed() {
	local t0 f=$1; shift
	t0=$(now_ms)
	mtug "$NS" apply -f "$f" "$@" >"$D/out" 2>"$D/err"
	RC=$?
	MS=$(( $(now_ms) - t0 ))
}

# ---- full table replaced by another full table -----------------------------------

python3 - "$D" "$FULL" <<'PY'
import sys
d, n = sys.argv[1], int(sys.argv[2])
for name, first in (("full11", 11), ("full10", 10)):
    with open("%s/%s.conf" % (d, name), "w") as f:
        f.write("iface a0 { }\n")
        for i in range(n):
            f.write("prefix %d.%d.%d.%d/32 1400\n" % (first, i >> 16 & 255, i >> 8 & 255, i & 255))
PY
apply_timed "$D/full11.conf"
r1="$RC"
# full10 sorts before full11: walked in order, each add would come before
# the deletion that makes room for it.
apply_timed "$D/full10.conf"
count=$(mtug "$NS" mtu list | grep -c '^10\.')
if [ "$r1" = 0 ] && [ "$RC" = 0 ] && [ "$count" = "$FULL" ] &&
	! mtug "$NS" mtu list | grep -q '^11\.'; then
	pass "apply_atomic: a full prefix table replaced by another full one ($MS ms)"
else
	fail "apply_atomic: a full prefix table replaced by another full one" \
		"rc $r1/$RC, $count of $FULL new prefixes; err: $(head -3 "$D/err" | tr '\n' '|')"
fi
mtug "$NS" detach --all >/dev/null 2>&1
rm -f "$D/full10.conf" "$D/full11.conf"

# ---- interrupted applies ---------------------------------------------------------------

python3 - "$D" "$N" <<'PY'
import sys
d, n = sys.argv[1], int(sys.argv[2])
v6 = n // 10

def pfx(i):
    if i % 10 == 9:  # one in ten IPv6
        return "fd00:%x:%x::/48" % (i >> 16, i & 0xffff)
    return "10.%d.%d.%d/32" % (i >> 16 & 255, i >> 8 & 255, i & 255)

with open(d + "/old.conf", "w") as f:
    f.write("iface a0 { }\n")
    for i in range(n):
        f.write("prefix %s 1400\n" % pfx(i))
with open(d + "/new.conf", "w") as f:
    f.write("default-mtu 1460\nptb rate 500\n")
    f.write("iface a0 { ptb-mode fib; mtu 1450 }\niface a1 { mode generic }\n")
    for i in range(n // 2, n + n // 2):
        f.write("prefix %s %d\n" % (pfx(i), 1300 if i < 3 * n // 4 else 1400))
PY

apply_timed "$D/old.conf"
[ "$RC" = 0 ] || { fail "apply_atomic setup" "apply old: $(head -2 "$D/err")"; exit 1; }
D_OLD=$(digest)
# Twice, the shorter time counts (the machine may be busy).
T_NEW=999999
for i in 1 2; do
	apply_timed "$D/new.conf"
	[ "$RC" = 0 ] || { fail "apply_atomic setup" "apply new: $(head -2 "$D/err")"; exit 1; }
	[ "$MS" -lt "$T_NEW" ] && T_NEW=$MS
	D_NEW=$(digest)
	apply_timed "$D/old.conf"
	{ [ "$RC" = 0 ] && [ "$(digest)" = "$D_OLD" ]; } ||
		{ fail "apply_atomic setup" "apply old again: $(head -2 "$D/err")"; exit 1; }
done
log "old -> new takes $T_NEW ms, new -> old $MS ms"

bad="" rolled=0 done_=0 early=0
for ((t = 0; t < TRIALS; t++)); do
	sig=${SIGS[t % 3]}
	# A moment between 5% and 95% of a whole run.
	delay=$(( T_NEW * (5 + RANDOM % 91) / 100 ))
	cli_bg apply -f "$D/new.conf"
	ms_sleep "$delay"
	kill -s "$sig" "$PID" 2>/dev/null
	wait "$PID"
	rc=$?
	got=$(digest)
	what="SIG$sig after $delay ms: rc $rc"
	if [ "$got" = "$D_OLD" ]; then
		what="$what, old state"
		if [ "$rc" = 1 ]; then
			rolled=$((rolled + 1))
			# One line saying what happened (and nothing else).
			[ "$(wc -l <"$D/err")" = 1 ] && grep -q "interrupted by SIG$sig" "$D/err" ||
				bad="$bad [$what, err: $(tr '\n' '|' <"$D/err")]"
		elif [ "$rc" -gt 128 ]; then
			early=$((early + 1)) # before the lock: nothing was changed
		else
			bad="$bad [$what: old state, but exit $rc]"
		fi
	elif [ "$got" = "$D_NEW" ]; then
		what="$what, new state"
		done_=$((done_ + 1))
		apply_timed "$D/old.conf"
		{ [ "$RC" = 0 ] && [ "$(digest)" = "$D_OLD" ]; } ||
			{ bad="$bad [cannot go back to old: $(head -2 "$D/err")]"; break; }
	else
		what="$what, NEITHER old nor new: $(mtug "$NS" status 2>&1 | grep -E 'prefixes|interfaces' | tr '\n' ' ')"
		bad="$bad [$what, err: $(head -3 "$D/err" | tr '\n' '|')]"
		# Back to a known state for the next trial.
		apply_timed "$D/old.conf"
	fi
	log "trial $t: $what"
done
if [ -z "$bad" ]; then
	pass "apply_atomic: $TRIALS interrupted applies: old or new, never between ($rolled rolled back, $done_ completed, $early before the lock)"
else
	fail "apply_atomic: $TRIALS interrupted applies: old or new, never between" "$bad"
fi
if [ "$rolled" -gt 0 ]; then
	pass "apply_atomic: a signal midway rolls back and says so in one line"
else
	skip "apply_atomic: a signal midway rolls back and says so in one line" \
		"no trial landed midway"
fi

# ---- ptb mode over many interfaces -------------------------------------------------------

{
	for ((i = 0; i < IFACES; i++)); do
		echo "iface a$i { }"
	done
} >"$D/many.conf"
apply_timed "$D/many.conf"
[ "$RC" = 0 ] || { fail "apply_atomic setup" "apply many: $(head -2 "$D/err")"; exit 1; }
# field NAME: the set of values of an interface field in status --json.
field() {
	mtug "$NS" status --json | python3 -c '
import json, sys
print(" ".join(sorted(set(str(i[sys.argv[1]]) for i in json.load(sys.stdin)["interfaces"]))))' "$1"
}

# interrupted WHAT FIELD OLD NEW UNDO...: the command WHAT over every
# interface (FIELD from OLD to NEW) gets a signal at random moments until
# MODE_HITS of them landed midway (or MODE_TRIES runs); UNDO goes back.
# Each time every interface must show OLD (rolled back, said in one line)
# or NEW, never a mix.
interrupted() {
	local what=$1 fld=$2 old=$3 new=$4 t_cmd t0 bad="" hits=0 tries=0 sig delay rc m
	shift 4
	t0=$(now_ms)
	# shellcheck disable=SC2086 # the command's words
	mtug "$NS" $what >/dev/null 2>&1
	t_cmd=$(( $(now_ms) - t0 ))
	mtug "$NS" "$@" >/dev/null 2>&1
	log "$what over $IFACES interfaces takes $t_cmd ms"
	[ "$(field "$fld")" = "$old" ] || { fail "apply_atomic: interrupted $what: setup" "$fld: $(field "$fld")"; return; }
	while [ "$tries" -lt "$MODE_TRIES" ] && [ "$hits" -lt "$MODE_HITS" ]; do
		sig=${SIGS[tries % 3]}
		tries=$((tries + 1))
		delay=$(( RANDOM % (t_cmd + 3) ))
		# shellcheck disable=SC2086
		cli_bg $what
		ms_sleep "$delay"
		kill -s "$sig" "$PID" 2>/dev/null
		wait "$PID"
		rc=$?
		m=$(field "$fld")
		case $m:$rc in
		"$old":1)
			hits=$((hits + 1))
			log "try $tries: SIG$sig after $delay ms: rolled back"
			[ "$(wc -l <"$D/err")" = 1 ] && grep -q "interrupted by SIG$sig" "$D/err" ||
				bad="$bad [SIG$sig: rolled back, err: $(tr '\n' '|' <"$D/err")]" ;;
		"$old":*) ;; # before the lock: nothing changed
		"$new":*) mtug "$NS" "$@" >/dev/null 2>&1 ;;
		*)
			hits=$((hits + 1))
			log "try $tries: SIG$sig after $delay ms: rc $rc, $fld $m"
			bad="$bad [SIG$sig after $delay ms: rc $rc, $fld '$m', err: $(tr '\n' '|' <"$D/err")]"
			mtug "$NS" "$@" >/dev/null 2>&1 ;;
		esac
	done
	if [ -n "$bad" ]; then
		fail "apply_atomic: interrupted $what over $IFACES interfaces: all or none" "$bad"
	elif [ "$hits" -gt 0 ]; then
		pass "apply_atomic: interrupted $what over $IFACES interfaces: all or none ($hits of $tries signals midway, each rolled back)"
	else
		skip "apply_atomic: interrupted $what over $IFACES interfaces: all or none" \
			"none of $tries signals landed midway"
	fi
}

interrupted "ptb mode fib" ptb_mode off fib ptb mode off
interrupted "disable mss" mss True False enable mss

mtug "$NS" detach --all >/dev/null 2>&1
[ "$(fail_count)" -eq 0 ]
