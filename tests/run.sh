#!/bin/bash
# run.sh - run mtuguard's tests and print one summary line:
#   N passed, N failed, N skipped
#
# Every test program prints one line per case:
#   PASS: <name>    FAIL: <name> (<why>)    SKIP: <name> (<why>)
# and may print anything else (details, diagnostics) on other lines.
#
# Usage: tests/run.sh [GROUP] [name-filter]
#   all          everything (make test): unit, integration, lint
#   check        unit, the CLI tests (test_cli_*) and lint (make check)
#   unit         build/unit_tests (the filter is its case filter)
#   integration  tests/integration/test_*.sh
#   cli          tests/integration/test_cli_*.sh, four at a time
#                (CLI_JOBS=N to change it)
#   lint         shellcheck on the shell tests and tools (tests/lint.sh)
#
# Every test runs under a timeout: the number in a "# timeout: SECONDS"
# line of its script's leading comment (300 s without one; 120 s for unit and
# lint), or TEST_TIMEOUT=SECONDS for all of them.  A test that runs out is
# sent SIGTERM (its cleanup trap runs), SIGKILL 20 s later, and counts as
# failed.  The slowest tests are listed at the end.
set -u
cd "$(dirname "$0")/.." || exit 1

what=${1:-all}
filter=${2:-}
BUILD=${BUILD:-build}
export BUILD
case $what in
all|check|unit|integration|cli|lint) ;;
*) echo "usage: tests/run.sh [all|check|unit|integration|cli|lint] [name-filter]" >&2; exit 2 ;;
esac
if [ -n "${TEST_TIMEOUT:-}" ] && ! [[ $TEST_TIMEOUT =~ ^[1-9][0-9]*$ ]]; then
	echo "run.sh: TEST_TIMEOUT wants a whole number of seconds, not '$TEST_TIMEOUT'" >&2
	exit 2
fi
# One log directory per run, so runs side by side never mix their logs;
# $BUILD/test-logs/latest points at the newest.
log_dir=$BUILD/test-logs/run-$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$log_dir"
ln -sfn "$(basename "$log_dir")" "$BUILD/test-logs/latest"

pass=0 fail=0 skip=0
times=() # "seconds name"

# timeout_of SCRIPT DEFAULT: the "# timeout: N" line of the script's
# leading comment, else DEFAULT; TEST_TIMEOUT overrides both.
timeout_of() {
	local t
	t=$(awk 'NR > 1 && !/^#/ { exit } /^# timeout: [1-9][0-9]*$/ { print $3; exit }' "$1" 2>/dev/null)
	echo "${TEST_TIMEOUT:-${t:-$2}}"
}

# start NAME TIMEOUT COMMAND...: run a test in the background, its output
# in its log, its exit status and end time beside it.
start() {
	local name=$1 limit=$2; shift 2
	local log="$log_dir/$name.log"
	date +%s >"$log.start"
	(
		timeout -k 20 "$limit" "$@" >"$log" 2>&1 </dev/null
		echo $? >"$log.rc"
		date +%s >"$log.end"
	) &
	echo "$!" >"$log.pid"
}

# finish NAME TIMEOUT: wait for it, print its result lines, count them.
finish() {
	local name=$1 limit=$2
	local log="$log_dir/$name.log" rc
	wait "$(cat "$log.pid")"
	echo "== $name"
	rc=$(cat "$log.rc" 2>/dev/null || echo 1)
	times+=("$(( $(cat "$log.end") - $(cat "$log.start") )) $name")
	rm -f "$log.pid" "$log.rc" "$log.start" "$log.end"
	grep -E '^(PASS|FAIL|SKIP):' "$log"
	local p f s
	p=$(grep -c '^PASS:' "$log")
	f=$(grep -c '^FAIL:' "$log")
	s=$(grep -c '^SKIP:' "$log")
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "FAIL: $name (timed out after $limit s, see $log)"
		tail -n 20 "$log" | sed 's/^/    /'
		f=$((f + 1))
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		# A crash or an error outside any case is a failure too.
		echo "FAIL: $name (exit status $rc, see $log)"
		tail -n 20 "$log" | sed 's/^/    /'
		f=1
	elif [ "$f" -ne 0 ]; then
		echo "   (details in $log)"
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
}

run_one() { # name timeout command...
	start "$@"
	finish "$1" "$2"
}

run_scripts() { # glob
	local t n
	for t in $1; do
		[ -e "$t" ] || continue
		n=$(basename "$t" .sh)
		if [ -n "$filter" ] && [[ "$n" != *"$filter"* ]]; then
			continue
		fi
		run_one "$n" "$(timeout_of "$t" 300)" "$t"
	done
}

# run_parallel GLOB JOBS: as run_scripts, up to JOBS at a time (each test
# has its own namespaces, bpffs and pin dir): the next starts as soon as
# one ends; results in the scripts' order.
run_parallel() {
	local t n i next=0 shown=0 running names=() limits=() scripts=()
	for t in $1; do
		[ -e "$t" ] || continue
		n=$(basename "$t" .sh)
		if [ -n "$filter" ] && [[ "$n" != *"$filter"* ]]; then
			continue
		fi
		names+=("$n")
		limits+=("$(timeout_of "$t" 300)")
		scripts+=("$t")
	done
	while [ "$shown" -lt "${#names[@]}" ]; do
		running=0
		for ((i = shown; i < next; i++)); do
			[ -e "$log_dir/${names[i]}.log.end" ] || running=$((running + 1))
		done
		while [ "$next" -lt "${#names[@]}" ] && [ "$running" -lt "$2" ]; do
			start "${names[next]}" "${limits[next]}" "${scripts[next]}"
			next=$((next + 1)) running=$((running + 1))
		done
		while [ "$shown" -lt "$next" ] && [ -e "$log_dir/${names[shown]}.log.end" ]; do
			finish "${names[shown]}" "${limits[shown]}"
			shown=$((shown + 1))
		done
		[ "$shown" -lt "${#names[@]}" ] && sleep 0.2
	done
}

# Lint needs only the CPU, the tests mostly wait on the kernel: lint runs
# beside them and is reported last.
lint_limit=${TEST_TIMEOUT:-120}
case $what in
all|check|lint) start lint "$lint_limit" tests/lint.sh ;;
esac
case $what in
all|check|unit)
	# shellcheck disable=SC2086 # no filter: no argument
	run_one unit "${TEST_TIMEOUT:-120}" "$BUILD/unit_tests" $filter ;;
esac
case $what in
all|integration) run_scripts 'tests/integration/test_*.sh' ;;
# The CLI tests mostly wait on the kernel (RCU, netlink): several at once.
check|cli) run_parallel 'tests/integration/test_cli_*.sh' "${CLI_JOBS:-4}" ;;
esac
case $what in
all|check|lint) finish lint "$lint_limit" ;;
esac

printf '%s\n' "${times[@]}" | sort -rn >"$log_dir/durations"
echo "slowest: $(head -n 5 "$log_dir/durations" | awk '{ printf "%s%s %d s", (NR > 1 ? ", " : ""), $2, $1 }')"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
