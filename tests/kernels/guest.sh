#!/bin/bash
# guest.sh - what `make test-kernels` runs inside each guest (through
# tests/kernels/vm.sh): the verifier's figures, the unit suite, the smoke
# test.  Full logs go to LOGDIR; stdout gets a summary, one item a line:
#
#   kernel: <uname -r>
#   rcu_expedited: 0|1
#   verifier: <program>: processed N insns ... | FAILED (...): <error>
#   unit: N passed, N failed, N skipped
#   smoke: PASS|FAIL|SKIP: smoke/<case> ...
#   attach-time: S s
#   apply-time: S s (10,000 IPv6 prefixes)
#   kernel-facilities: <name> yes|no, ...
#   first-error: <the first failure>        (only when something failed)
#
# Usage: tests/kernels/guest.sh LOGDIR
# Exit status: 0 when the unit suite and the smoke test passed.
# Environment: BUILD (default build), UNIT_TIMEOUT (s, default 150),
# SMOKE_TIMEOUT (s, default 150).
set -u
cd "$(dirname "$0")/../.." || exit 1
log=${1:?usage: guest.sh LOGDIR}
BUILD=${BUILD:-build}
export BUILD
UNIT_TIMEOUT=${UNIT_TIMEOUT:-150}
SMOKE_TIMEOUT=${SMOKE_TIMEOUT:-150}
mkdir -p "$log" || exit 1
first=""

echo "kernel: $(uname -r)"
# Left as the kernel has it after boot: attach must be timed with normal
# RCU grace periods.
echo "rcu_expedited: $(cat /sys/kernel/rcu_expedited 2>/dev/null || echo -)"

"$BUILD/tools/verifier_stats" >"$log/verifier.txt" 2>&1
sed 's/^/verifier: /' "$log/verifier.txt"

# run.sh makes a log directory of its own under $BUILD/test-logs; the
# new one is the unit suite's (for the last words of a killed run).
before=$(ls -d "$BUILD"/test-logs/run-* 2>/dev/null)
timeout -k 5 "$UNIT_TIMEOUT" tests/run.sh unit >"$log/unit.txt" 2>&1
urc=$?
sum=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log/unit.txt" | tail -n 1)
if [ "$urc" -eq 124 ] || [ "$urc" -eq 137 ]; then
	last=""
	for d in "$BUILD"/test-logs/run-*; do
		case $before in *"$d"*) continue ;; esac
		[ -f "$d/unit.log" ] && last=$(grep -v '^$' "$d/unit.log" | tail -n 1)
	done
	sum="killed after $UNIT_TIMEOUT s${last:+, last line: $last}"
fi
echo "unit: ${sum:-no summary (exit status $urc)}"
if [ "$urc" -ne 0 ]; then
	f=$(grep -m 1 '^FAIL:' "$log/unit.txt")
	first="unit: ${f:-$sum}"
fi

timeout -k 5 "$SMOKE_TIMEOUT" tests/kernels/smoke.sh >"$log/smoke.txt" 2>&1
src=$?
grep -E '^(PASS|FAIL|SKIP):' "$log/smoke.txt" | sed 's/^/smoke: /'
grep -E '^(attach-time|apply-time|kernel-facilities):' "$log/smoke.txt"
if [ "$src" -ne 0 ] && [ -z "$first" ]; then
	f=$(grep -m 1 '^FAIL:' "$log/smoke.txt")
	first="smoke: ${f:-exit status $src}"
	[ "$src" -eq 124 ] && first="smoke: killed after $SMOKE_TIMEOUT s"
fi

if [ -n "$first" ]; then
	echo "first-error: $first"
	exit 1
fi
exit 0
