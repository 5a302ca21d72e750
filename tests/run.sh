#!/bin/bash
# run.sh - run mtuguard's tests and print one summary line:
#   N passed, N failed, N skipped
#
# Every test program prints one line per case:
#   PASS: <name>    FAIL: <name> (<why>)    SKIP: <name> (<why>)
# and may print anything else (details, diagnostics) on other lines.
#
# Usage: tests/run.sh [unit|integration|all] [name-filter]
set -u
cd "$(dirname "$0")/.."

what=${1:-all}
filter=${2:-}
BUILD=${BUILD:-build}
export BUILD
# One log directory per run, so runs side by side never mix their logs;
# $BUILD/test-logs/latest points at the newest.
log_dir=$BUILD/test-logs/run-$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$log_dir"
ln -sfn "$(basename "$log_dir")" "$BUILD/test-logs/latest"

pass=0 fail=0 skip=0

run_one() { # name command...
	local name=$1; shift
	local log="$log_dir/$name.log"
	echo "== $name"
	"$@" >"$log" 2>&1
	local rc=$?
	grep -E '^(PASS|FAIL|SKIP):' "$log"
	local p f s
	p=$(grep -c '^PASS:' "$log")
	f=$(grep -c '^FAIL:' "$log")
	s=$(grep -c '^SKIP:' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		# A crash or an error outside any case is a failure too.
		echo "FAIL: $name (exit status $rc, see $log)"
		tail -n 20 "$log" | sed 's/^/    /'
		f=1
	elif [ "$f" -ne 0 ]; then
		echo "   (details in $log)"
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
}

if [ "$what" = unit ] || [ "$what" = all ]; then
	run_one unit "$BUILD/unit_tests" $filter
fi

if [ "$what" = integration ] || [ "$what" = all ]; then
	for t in tests/integration/test_*.sh; do
		[ -e "$t" ] || continue
		n=$(basename "$t" .sh)
		if [ -n "$filter" ] && [[ "$n" != *"$filter"* ]]; then
			continue
		fi
		run_one "$n" "$t"
	done
fi

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
