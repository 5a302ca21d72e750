#!/bin/bash
# test_fuzz_fast.sh - the fast pass of the robustness fuzzing, for
# `make test` (about 40 s on 2 cores; the long run is `make fuzz`):
#
#   - build/fuzz_datapath for FUZZ_FAST_TIME seconds (default 25): random and
#     mutated packets through the XDP and TC programs under random
#     configurations, every run checked against the reference model
#     (tests/fuzz/model.c); prints the seed, the counts, and any failing
#     packet as hex with the command that reproduces it;
#   - each libFuzzer target on the userspace parsers (prefixes, numbers,
#     the config file) for FUZZ_FAST_LF seconds (default 4).
#
# FUZZ_SEED=S picks the seed of both (default 1, so that two runs test the
# same inputs; always printed).
# timeout: 300
set -u
. "$(dirname "$0")/lib.sh"
lib_init fuzz_fast

DP=$BUILD/fuzz_datapath
T=${FUZZ_FAST_TIME:-25}
LF_T=${FUZZ_FAST_LF:-4}
SEED=${FUZZ_SEED:-1}
if ! [[ $SEED =~ ^[1-9][0-9]*$ ]]; then
	fail "fuzz/seed" "FUZZ_SEED wants a whole number of 1 or more, not '$SEED'"
	exit 1
fi

# ---- datapath ------------------------------------------------------------------
if [ ! -x "$DP" ]; then
	fail "fuzz/datapath" "$DP not built (make)"
else
	log "datapath: seed $SEED, $T s"
	# The fuzzer prints its own PASS/FAIL lines (one per program) and the
	# counts; it runs in a private network namespace of its own.
	"$DP" --seed "$SEED" --count 0 --time "$T" --max-fail 10
	rc=$?
	[ $rc -le 1 ] || fail "fuzz/datapath" "exit status $rc"
fi

# ---- libFuzzer -------------------------------------------------------------------
if ! make -C "$MTUG_ROOT" --no-print-directory -s fuzz-bins BUILD="$BUILD" >"$MTUG_TMP/lf-build.log" 2>&1; then
	sed 's/^/    /' "$MTUG_TMP/lf-build.log" | tail -n 5
	skip "fuzz/libfuzzer" "cannot build the libFuzzer targets (clang -fsanitize=fuzzer, libclang-rt-14-dev)"
	exit 0
fi
for bin in "$BUILD"/fuzz/lf_*; do
	[ -x "$bin" ] || continue
	name=${bin##*/lf_}
	work=$MTUG_TMP/corpus-$name
	mkdir -p "$work"
	seeds=()
	[ -d "$MTUG_ROOT/tests/fuzz/corpus/$name" ] && seeds=("$MTUG_ROOT/tests/fuzz/corpus/$name")
	log "libFuzzer $name: seed $SEED, $LF_T s"
	# New inputs go to a scratch corpus; crash files to the temp dir.
	(cd "$MTUG_TMP" && "$bin" "$work" "${seeds[@]}" -seed="$SEED" -max_total_time="$LF_T" \
		-artifact_prefix="$MTUG_TMP/$name-" -print_final_stats=1) \
		>"$MTUG_TMP/lf-$name.log" 2>&1
	rc=$?
	runs=$(grep -o 'Done [0-9]* runs' "$MTUG_TMP/lf-$name.log" | grep -o '[0-9]*')
	if [ $rc -eq 0 ]; then
		pass "fuzz/libfuzzer/$name (${runs:-?} inputs in ${LF_T} s)"
	else
		grep -E 'ERROR|runtime error|SUMMARY|Test unit written' "$MTUG_TMP/lf-$name.log" |
			head -n 5 | sed 's/^/    /'
		for a in "$MTUG_TMP/$name-"*; do
			[ -f "$a" ] && echo "    input (hex): $(od -An -tx1 -v "$a" | tr -d ' \n' | head -c 400)"
		done
		fail "fuzz/libfuzzer/$name" "libFuzzer exit $rc after ${runs:-?} inputs"
	fi
done
exit 0
