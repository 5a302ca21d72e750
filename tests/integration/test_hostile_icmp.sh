#!/bin/bash
# test_hostile_icmp.sh - the hostile ICMP corpus through bpf_prog_test_run
# (build/fuzz_datapath --hostile, tests/fuzz/hostile.c): forged Frag Needed /
# Packet Too Big -- random inner tuples, outer destination != inner source,
# MTU 0 / 68 / 500 / below 1280, bad checksums, cut quotes, ports only in
# Ethernet padding, quotes of ICMP errors, IP length past the frame, the wrong
# family inside, unwanted types -- next to genuine ones, through the XDP and
# TC ingress programs in fib mode (routes exist: a genuine error IS steered),
# fib mode with `ptb invalid drop`, with `ptb errors all`, and broadcast
# mode; random forgeries judged by the reference model; floods of 10,000 with
# test_run repeat.  Nothing forged is steered or broadcast, and every packet
# is counted under its class's counter.  The flood through real namespaces
# is test_hostile_icmp_flood.sh.
# timeout: 120
set -u
. "$(dirname "$0")/lib.sh"
lib_init hostile_icmp

DP=$BUILD/fuzz_datapath
if [ ! -x "$DP" ]; then
	fail "hostile/setup" "$DP not built (make)"
	exit 1
fi
"$DP" --hostile
rc=$?
[ $rc -le 1 ] || fail "hostile/run" "exit status $rc"
exit 0
