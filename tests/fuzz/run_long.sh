#!/bin/bash
# run_long.sh - `make fuzz`: the long robustness run.  Same output
# protocol as tests/run.sh (PASS/FAIL/SKIP lines, then "N passed, N failed,
# N skipped"); logs in $BUILD/fuzz-logs/.
#
#   FUZZ_SEED=S    seed of the datapath fuzzer and of libFuzzer (default 1,
#                  so that two runs test the same inputs; always printed)
#   FUZZ_COUNT=N   packets through the datapath fuzzer, each through the
#                  three programs (default 5,000,000: about a minute)
#   FUZZ_TIME=SEC  seconds per libFuzzer target (default 60)
#   CRASH_ITER=N   loader-crash rounds (default 500)
#   CONC_OPS=N     mtu add/del operations under traffic (default 10000; the
#                  same 10,000 run in `make test`), CONC_CYCLES attach/detach
#                  rounds (default 300)
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
export BUILD
SEED=${FUZZ_SEED:-1}
if ! [[ $SEED =~ ^[1-9][0-9]*$ ]]; then
	echo "run_long.sh: FUZZ_SEED wants a whole number of 1 or more, not '$SEED'" >&2
	exit 2
fi
COUNT=${FUZZ_COUNT:-5000000}
LF_T=${FUZZ_TIME:-60}
logs=$BUILD/fuzz-logs
mkdir -p "$logs"
pass=0 fail=0 skip=0

run_one() { # name command...
	local name=$1; shift
	local log="$logs/$name.log" rc p f s
	echo "== $name"
	"$@" >"$log" 2>&1
	rc=$?
	grep -E '^(PASS|FAIL|SKIP):|^# ' "$log"
	p=$(grep -c '^PASS:' "$log") f=$(grep -c '^FAIL:' "$log") s=$(grep -c '^SKIP:' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $name (exit status $rc, see $log)"
		tail -n 20 "$log" | sed 's/^/    /'
		f=1
	fi
	# the fuzzer's failing packets, as hex, with the command to repeat
	grep -E '^--- failure|^    (why|in|out|repro):' "$log" | head -n 60
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
}

echo "# make fuzz: seed $SEED, $COUNT packets, libFuzzer ${LF_T} s per target"
run_one fuzz_datapath "$BUILD/fuzz_datapath" --seed "$SEED" --count "$COUNT" --max-fail 50
run_one fuzz_hostile "$BUILD/fuzz_datapath" --hostile

lf() { # name
	local name=$1 bin work seeds=$PWD/tests/fuzz/corpus/$1
	bin=$(cd "$BUILD/fuzz" && pwd)/lf_$name
	work=$(mktemp -d "/tmp/mtug-lf-$name-XXXXXX")
	mkdir -p "$work/corpus"
	(cd "$work" && "$bin" "$work/corpus" "$seeds" \
		-seed="$SEED" -max_total_time="$LF_T" -artifact_prefix="$work/" \
		-print_final_stats=1) \
		>"$work/log" 2>&1
	local rc=$? runs
	runs=$(grep -o 'Done [0-9]* runs' "$work/log" | grep -o '[0-9]*')
	if [ $rc -eq 0 ]; then
		echo "PASS: fuzz/libfuzzer/$name (${runs:-?} inputs in $LF_T s, corpus $(find "$work/corpus" -type f | wc -l))"
	else
		grep -E 'ERROR|runtime error|SUMMARY' "$work/log" | head -n 5
		for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do
			[ -f "$a" ] && echo "    input (hex): $(od -An -tx1 -v "$a" | tr -d ' \n' | head -c 600)"
		done
		echo "FAIL: fuzz/libfuzzer/$name (libFuzzer exit $rc after ${runs:-?} inputs)"
	fi
	rm -rf "$work"
}
for bin in "$BUILD"/fuzz/lf_*; do
	[ -x "$bin" ] || continue
	n=${bin##*/lf_}
	run_one "libfuzzer_$n" lf "$n"
done

run_one concurrency env OPS="${CONC_OPS:-10000}" CYCLES="${CONC_CYCLES:-300}" \
	tests/integration/test_concurrency.sh
run_one loader_crash env ITER="${CRASH_ITER:-500}" tests/integration/test_loader_crash.sh
run_one hostile_flood env FLOOD_N="${FLOOD_N:-3000}" tests/integration/test_hostile_icmp_flood.sh

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
