#!/bin/bash
# matrix.sh - `make test-kernels`: the unit suite, the datapath fuzzer, the
# smoke test and the integration tests test_share_tc, test_strict_fib and
# test_cli_input_rules on each of Debian's kernel packages, each booted in
# qemu (tests/kernels/vm.sh runs tests/kernels/guest.sh in it).  Per
# kernel: its details (the verifier's figures per program, the unit and
# fuzz summaries, the smoke cases, the time attach took, the share-tc,
# strict-fib and input-rules summaries, the time each part took), then one
# line
#   PASS: kernel <series> (<release>, <wall time> s)
#   FAIL: kernel <series> (<release>, <wall time> s): <first error>
#   SKIP: kernel <series> (<why>)          (package not cached, no network)
# and at the end "N passed, N failed, N skipped" over the kernels.
#
# Usage: tests/kernels/matrix.sh [SERIES...]   (default: 5.10 6.1 6.12)
# Environment: KERNEL_TIMEOUT (s per guest, default 540), BUILD, and
# vm.sh's (MTUG_KERNEL_CACHE to share downloaded kernels).  Logs:
# $BUILD/test-logs/kernels-<time>/ (SERIES.txt: the guest's output;
# SERIES/: its verifier, unit, fuzz, smoke, share-tc, strict-fib and
# input-rules logs).
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
TIMEOUT=${KERNEL_TIMEOUT:-540}
# A boot that does not reach the command is tried once more, after at
# most a minute: bounded, each kernel takes at most TIMEOUT + 60 s.
export VM_BOOT_TIMEOUT=${VM_BOOT_TIMEOUT:-60} VM_BOOT_TRIES=${VM_BOOT_TRIES:-2}
if [ "$#" -gt 0 ]; then
	series=("$@")
else
	series=(5.10 6.1 6.12)
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "matrix.sh: needs root" >&2
	exit 1
fi
case $BUILD in /*) b=$BUILD ;; *) b=$PWD/$BUILD ;; esac
logs=$b/test-logs/kernels-$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$logs" || exit 1

pass=0 fail=0 skip=0
for s in "${series[@]}"; do
	echo "== kernel $s"
	if ! tests/kernels/vm.sh fetch "$s" >"$logs/$s.fetch" 2>&1; then
		echo "SKIP: kernel $s (no package: $(tail -n 1 "$logs/$s.fetch"))"
		skip=$((skip + 1))
		continue
	fi
	t0=$(date +%s)
	VM_TIMEOUT=$TIMEOUT tests/kernels/vm.sh run "$s" -- \
		env BUILD="$BUILD" tests/kernels/guest.sh "$logs/$s" >"$logs/$s.txt" 2>&1
	rc=$?
	t=$(($(date +%s) - t0))
	kver=$(sed -n 's/^kernel: //p' "$logs/$s.txt" | head -n 1)
	[ -n "$kver" ] || kver=$(tests/kernels/vm.sh kver "$s" 2>/dev/null)
	grep -E '^(rcu_expedited|verifier|unit|fuzz|smoke|attach-time|apply-time|kernel-facilities|share-tc|strict-fib|input-rules|times):' \
		"$logs/$s.txt" |
		sed 's/^/    /'
	if [ "$rc" -eq 0 ]; then
		echo "PASS: kernel $s ($kver, $t s)"
		pass=$((pass + 1))
		continue
	fi
	why=$(sed -n 's/^first-error: //p' "$logs/$s.txt" | head -n 1)
	if [ -z "$why" ]; then
		case $rc in
		124) why="guest killed after $TIMEOUT s" ;;
		*) why=$(grep -m 1 '^vm.sh:' "$logs/$s.txt") ;;
		esac
		[ -n "$why" ] || why="exit status $rc"
	fi
	echo "FAIL: kernel $s ($kver, $t s): $why"
	echo "    (details in $logs/$s.txt and $logs/$s/)"
	fail=$((fail + 1))
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
