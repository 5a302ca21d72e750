#!/bin/bash
# test_strict_no_dev_view.sh - the fib paths' "never laxer than the kernel"
# checks as they run on kernels before 6.2, on this one: there the datapath
# cannot read the receiving device (no bpf_cast_to_kern_ctx) and takes the
# interface's MAC and rp_filter from what the CLI recorded in iface_cfg.
# build/unit_tests -D loads the object that way (bpf/settings.h,
# mtug_dev_view 0); this runs the fixtures of fib mode and `ptb forward on`
# and rp_follows_routing through it, named no_dev_view/<prog>/<case>.
set -u
. "$(dirname "$0")/lib.sh"
lib_init strict_no_dev_view

UT=$BUILD/unit_tests
if [ ! -x "$UT" ]; then
	fail "no_dev_view/setup" "$UT not built (make)"
	exit 0
fi
for f in _fib_ _fwd_ rp_follows; do
	"$UT" -D "$f" >"$MTUG_TMP/out" 2>&1
	rc=$?
	grep -E '^(PASS|FAIL|SKIP): ' "$MTUG_TMP/out" | sed -E 's/^(PASS|FAIL|SKIP): /\1: no_dev_view\//'
	n=$(grep -cE '^PASS: ' "$MTUG_TMP/out")
	if [ "$rc" -ne 0 ] && ! grep -q '^FAIL: ' "$MTUG_TMP/out"; then
		fail "no_dev_view/$f" "unit_tests -D exit status $rc"
		tail -n 5 "$MTUG_TMP/out" | sed 's/^/# /'
	elif [ "$n" -eq 0 ]; then
		fail "no_dev_view/$f" "no case ran"
	fi
done
exit 0
