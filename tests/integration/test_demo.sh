#!/bin/bash
# test_demo.sh - `make demo` as a user runs it, non-interactively: the demo
# (tools/demo.sh) must exit 0, print a PASS line for each of its three
# scenarios and no colour (stdout is not a terminal), and leave nothing
# behind: no namespace, bpffs mount or temp dir of its own.  Its own
# prefix, so a lab a user keeps (--keep) is never touched.  Then --keep and
# --clean: the lab stays up after a --keep run, and --clean removes it.
# timeout: 300
set -u
. "$(dirname "$0")/lib.sh"
lib_init demo

P="mtug-demotest$$"
DEMO=$MTUG_ROOT/tools/demo.sh
OUT=$MTUG_TMP/out

leftovers() { # what a lab with prefix P left behind, one line each
	ip netns list 2>/dev/null | awk '{ print $1 }' | grep "^$P-"
	grep " /tmp/$P-bpf-" /proc/self/mounts | awk '{ print $2 }'
	ls -d /tmp/"$P" /tmp/"$P"-bpf-* 2>/dev/null
}
on_cleanup "MTUG_DEMO_PREFIX=$P $DEMO --clean"

if ! mtug_ready; then
	skip demo "$MTUG_BIN not built"
	exit 0
fi

t0=$(date +%s)
MTUG_DEMO_PREFIX=$P "$DEMO" >"$OUT" 2>&1 </dev/null
rc=$?
t1=$(date +%s)
log "demo: exit status $rc in $((t1 - t0)) s"
sed 's/^/  | /' "$OUT"

if [ "$rc" = 0 ]; then
	pass demo_exit_status
else
	fail demo_exit_status "tools/demo.sh exited $rc"
fi
for n in 1 2 3; do
	if grep -Eq "^ +PASS +$n\. " "$OUT"; then
		pass "demo_scenario_$n"
	else
		fail "demo_scenario_$n" "no PASS line for scenario $n: $(grep -E "^ +(PASS|FAIL) +$n\. " "$OUT" | sed 's/^ *//')"
	fi
done
if grep -q $'\e\[' "$OUT"; then
	fail demo_no_colour "escape sequences in the output although stdout is not a terminal"
else
	pass demo_no_colour
fi
if [ $((t1 - t0)) -le 120 ]; then
	pass demo_under_two_minutes
else
	fail demo_under_two_minutes "took $((t1 - t0)) s"
fi
left=$(leftovers)
if [ -z "$left" ]; then
	pass demo_cleans_up
else
	fail demo_cleans_up "left behind: ${left//$'\n'/ }"
fi

# --keep leaves the lab up (one scenario is enough), --clean takes it down.
MTUG_DEMO_PREFIX=$P "$DEMO" --keep --only 1 >"$OUT.keep" 2>&1 </dev/null
rc=$?
n=$(ip netns list | awk '{ print $1 }' | grep -c "^$P-")
if [ "$rc" = 0 ] && [ "$n" = 4 ] && grep -q "ip netns exec $P-s1-client" "$OUT.keep" &&
   ip netns exec "$P-s1-client" curl -sf --max-time 3 -o /dev/null http://10.0.3.2/small; then
	pass demo_keep
else
	fail demo_keep "exit $rc, $n namespaces up (want 4), or no way in printed, or the lab does not answer"
	sed 's/^/  | /' "$OUT.keep"
fi
MTUG_DEMO_PREFIX=$P "$DEMO" --clean >/dev/null 2>&1
MTUG_DEMO_PREFIX=$P "$DEMO" --clean >/dev/null 2>&1
rc=$?
left=$(leftovers)
if [ "$rc" = 0 ] && [ -z "$left" ]; then
	pass demo_clean
else
	fail demo_clean "second --clean exit $rc; left behind: ${left//$'\n'/ }"
fi
exit "$(fail_count)"
