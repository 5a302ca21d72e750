#!/bin/bash
# guest.sh - what `make test-kernels` runs inside each guest (through
# tests/kernels/vm.sh): the verifier's figures, the unit suite, the
# datapath fuzzer, the smoke test, and the integration tests
# test_share_tc, test_strict_fib and test_cli_input_rules.  Full logs go to LOGDIR; stdout gets
# a summary, one item a line:
#
#   kernel: <uname -r>
#   rcu_expedited: 0|1
#   verifier: <program>: processed N insns ... | FAILED (...): <error>
#   unit: N passed, N failed, N skipped
#   fuzz: PASS|FAIL (seed S, N packets: xdp N runs, tc_ingress N, ...)
#   smoke: PASS|FAIL|SKIP: smoke/<case> ...
#   attach-time: S s
#   apply-time: S s (10,000 IPv6 prefixes)
#   kernel-facilities: <name> yes|no, ...
#   share-tc: PASS|FAIL (<hooks>; N passed, N failed, N skipped)
#   strict-fib: PASS|FAIL (N passed, N failed, N skipped)
#   input-rules: PASS|FAIL (N passed, N failed, N skipped)
#   times: verifier S s, unit S s, smoke S s, share-tc S s, strict-fib S s,
#          fuzz S s (beside unit)
#   first-error: <the first failure>        (only when something failed)
#
# The fuzzer runs GUEST_FUZZ_COUNT packets (default 1000) of seed
# GUEST_FUZZ_SEED (default 1), the same packets on every kernel and run,
# at the same time as the unit suite.
# test_strict_no_dev_view is left to the host: on 5.10 and 6.1 the unit
# suite's fib cases already run that path (no bpf_cast_to_kern_ctx).
#
# Usage: tests/kernels/guest.sh LOGDIR
# Exit status: 0 when all of them passed.
# Environment: BUILD (default build), UNIT_TIMEOUT (s, default 150),
# FUZZ_TIMEOUT (150), SMOKE_TIMEOUT (150), SHARE_TC_TIMEOUT (150),
# STRICT_TIMEOUT (200), INPUT_TIMEOUT (100).
set -u
cd "$(dirname "$0")/../.." || exit 1
log=${1:?usage: guest.sh LOGDIR}
BUILD=${BUILD:-build}
export BUILD
UNIT_TIMEOUT=${UNIT_TIMEOUT:-150}
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-150}
SMOKE_TIMEOUT=${SMOKE_TIMEOUT:-150}
SHARE_TC_TIMEOUT=${SHARE_TC_TIMEOUT:-150}
STRICT_TIMEOUT=${STRICT_TIMEOUT:-200}
INPUT_TIMEOUT=${INPUT_TIMEOUT:-100}
FUZZ_COUNT=${GUEST_FUZZ_COUNT:-1000}
FUZZ_SEED=${GUEST_FUZZ_SEED:-1}
mkdir -p "$log" || exit 1
first=""
times=()

# took NAME T0: note how long NAME took since T0 (date +%s).
took() { times+=("$1 $(($(date +%s) - $2)) s"); }

# counts LOG: "N passed, N failed, N skipped" of a test's PASS/FAIL/SKIP lines.
counts() {
	echo "$(grep -c '^PASS:' "$1") passed, $(grep -c '^FAIL:' "$1") failed," \
		"$(grep -c '^SKIP:' "$1") skipped"
}

# verdict NAME RC LOG TIMEOUT DETAILS: the summary line "NAME: PASS|FAIL
# (DETAILS)"; the first failure becomes first-error.
verdict() {
	local name=$1 rc=$2 log=$3 limit=$4 details=$5 f
	if [ "$rc" -eq 0 ] && ! grep -q '^FAIL:' "$log"; then
		echo "$name: PASS ($details)"
		return
	fi
	echo "$name: FAIL ($details)"
	f=$(grep -m 1 '^FAIL:' "$log")
	case $rc in
	124|137) f="killed after $limit s${f:+, $f}" ;;
	*) [ -n "$f" ] || f="exit status $rc" ;;
	esac
	[ -n "$first" ] || first="$name: $f"
}

echo "kernel: $(uname -r)"
# Left as the kernel has it after boot: attach must be timed with normal
# RCU grace periods.
echo "rcu_expedited: $(cat /sys/kernel/rcu_expedited 2>/dev/null || echo -)"

t0=$(date +%s)
"$BUILD/tools/verifier_stats" >"$log/verifier.txt" 2>&1
sed 's/^/verifier: /' "$log/verifier.txt"
took verifier "$t0"

# The datapath fuzzer, a fixed number of packets, beside the unit suite:
# each keeps one of the guest's two CPUs busy, and neither shares anything
# with the other (its own BPF object, its own network namespace).  On
# kernels without multi-buffer XDP it leaves XDP out for frames over one
# buffer, and before 5.15 it runs XDP without a struct xdp_md (it never
# needs the ingress interface); it says so in its log.
tf=$(date +%s)
(
	timeout -k 5 "$FUZZ_TIMEOUT" "$BUILD/fuzz_datapath" --seed "$FUZZ_SEED" \
		--count "$FUZZ_COUNT" --max-fail 10 >"$log/fuzz.txt" 2>&1
	echo $? >"$log/fuzz.rc"
	date +%s >"$log/fuzz.end"
) &
fpid=$!

# run.sh makes a log directory of its own under $BUILD/test-logs; the
# new one is the unit suite's (for the last words of a killed run).
before=$(ls -d "$BUILD"/test-logs/run-* 2>/dev/null)
t0=$(date +%s)
timeout -k 5 "$UNIT_TIMEOUT" tests/run.sh unit >"$log/unit.txt" 2>&1
urc=$?
took unit "$t0"
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

wait "$fpid"
frc=$(cat "$log/fuzz.rc" 2>/dev/null || echo 1)
times+=("fuzz $(($(cat "$log/fuzz.end" 2>/dev/null || date +%s) - tf)) s (beside unit)")
fd=$(awk -v seed="$FUZZ_SEED" -v n="$FUZZ_COUNT" '
	/^(PASS|FAIL): fuzz\// { split($2, p, "/"); r = r sep p[2] " " substr($3, 2) " runs"; sep = ", " }
	/^# multi-buffer for XDP/ && /not run/ { mb = $8 }
	END {
		printf "seed %s, %s packets: %s", seed, n, (r == "" ? "no result" : r)
		if (mb != "") printf "; %s multi-buffer frames not run on XDP", mb
	}' "$log/fuzz.txt")
verdict fuzz "$frc" "$log/fuzz.txt" "$FUZZ_TIMEOUT" "$fd"

t0=$(date +%s)
timeout -k 5 "$SMOKE_TIMEOUT" tests/kernels/smoke.sh >"$log/smoke.txt" 2>&1
src=$?
took smoke "$t0"
grep -E '^(PASS|FAIL|SKIP):' "$log/smoke.txt" | sed 's/^/smoke: /'
grep -E '^(attach-time|apply-time|kernel-facilities):' "$log/smoke.txt"
if [ "$src" -ne 0 ] && [ -z "$first" ]; then
	f=$(grep -m 1 '^FAIL:' "$log/smoke.txt")
	first="smoke: ${f:-exit status $src}"
	[ "$src" -eq 124 ] && first="smoke: killed after $SMOKE_TIMEOUT s"
fi

# mtuguard's TC programs beside another owner's: clsact chosen by attach
# before 6.6, TCX from 6.6 (and clsact forced there).
t0=$(date +%s)
timeout -k 5 "$SHARE_TC_TIMEOUT" tests/integration/test_share_tc.sh >"$log/share-tc.txt" 2>&1
rc=$?
took share-tc "$t0"
hooks=$(sed -n 's/^PASS: share_tc\/[a-z]*\/status (\(.*\))$/\1/p' "$log/share-tc.txt" |
	paste -sd ';' | sed 's/;/; /g')
verdict share-tc "$rc" "$log/share-tc.txt" "$SHARE_TC_TIMEOUT" \
	"${hooks:+$hooks; }$(counts "$log/share-tc.txt")"

# The fib paths never laxer than the kernel, through a real router; before
# 6.2 with the MAC and rp_filter the CLI recorded.
t0=$(date +%s)
timeout -k 5 "$STRICT_TIMEOUT" tests/integration/test_strict_fib.sh >"$log/strict-fib.txt" 2>&1
rc=$?
took strict-fib "$t0"
verdict strict-fib "$rc" "$log/strict-fib.txt" "$STRICT_TIMEOUT" "$(counts "$log/strict-fib.txt")"

# The CLI's input rules and the driver refusals it explains: before 5.18
# (no multi-buffer XDP) veth refuses native XDP at MTU 9000, and attach
# must say why in one line.
t0=$(date +%s)
timeout -k 5 "$INPUT_TIMEOUT" tests/integration/test_cli_input_rules.sh >"$log/input-rules.txt" 2>&1
rc=$?
took input-rules "$t0"
verdict input-rules "$rc" "$log/input-rules.txt" "$INPUT_TIMEOUT" "$(counts "$log/input-rules.txt")"

echo "times: $(printf '%s\n' "${times[@]}" | paste -sd ',' | sed 's/,/, /g')"

if [ -n "$first" ]; then
	echo "first-error: $first"
	exit 1
fi
exit 0
