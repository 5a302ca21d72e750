#!/bin/bash
# bench.sh - `make bench`: mtuguard's per-packet cost, forwarding throughput
# against iptables TCPMSS / nft maxseg, and map memory, side by side in one
# run.  Prints its tables and writes them as JSON (default build/bench.json)
# and markdown (build/bench.md), and a full run puts the markdown into
# docs/benchmarks.md (tools/bench_doc.py, between its "make bench" markers).
#
#   tools/bench.sh [--quick] [--rounds N] [--repeat N] [--fwd-rounds N]
#                  [--seconds S] [--threaded] [--no-pkt] [--no-fwd] [--out FILE]
#                  [--doc FILE | --no-doc]
#   tools/bench.sh --ptb-series N [--quick] [--rounds N] [--repeat N] [--out FILE]
#                  [--doc FILE | --no-doc]
#   tools/bench.sh --frags-compare N [--quick] [--rounds N] [--repeat N] [--out FILE]
#   tools/bench.sh --compare N --against DIR [--against DIR ...] [--quick]
#                  [--rounds N] [--repeat N] [--out FILE]
#
#   --quick       smoke mode (tests/integration/test_bench_smoke.sh): tiny
#                 repeat counts, one round, short windows; checks that it all
#                 runs, prints and writes the JSON.  Its figures mean nothing.
#   --rounds N    per-packet rounds (5), --repeat N test_run repeats (1M)
#   --fwd-rounds N, --seconds S   forwarding rounds (9) and window (0.5 s)
#   --threaded    router NAPI in its own kthread (default: inline, see below)
#   --ptb-series N  only this: the per-packet bench N times (1 prefix), and
#                 the steered 576-byte IPv4 PTB of each run by mtuguard, by
#                 the minimal program and by it with the design's
#                 bookkeeping (tools/bench_ptb_series.py); JSON default
#                 build/bench_ptb.json
#   --doc FILE    the markdown file whose tables a run rewrites (default
#                 docs/benchmarks.md for a run that measures everything:
#                 neither --quick, --no-pkt nor --no-fwd); --no-doc: none.
#                 A run with a problem never rewrites it.
#   --frags-compare N  only this: N pairs of per-packet runs (1 prefix, no
#                 components), mtuguard_xdp multi-buffer (as the CLI loads
#                 it on 5.18+) and single-buffer (bench_pkt --frags off)
#                 alternately; per class the median difference of the pairs
#                 (tools/bench_frags.py); at most 1 ns on the small-frame
#                 classes.  JSON default build/bench_frags.json
#   --compare N   only this: this tree's build against the build of each
#                 --against DIR (another checkout, built; e.g. a git
#                 worktree of the commit before a change): N loads of each
#                 build's mtuguard_xdp, in a random order each round (1
#                 prefix, no components); per class the mean over the loads
#                 and its standard error, and the difference to each other
#                 build (tools/bench_compare.py).  One load is not a
#                 figure: the JIT places each load anew, and a class's cost
#                 moves with it by more than the changes it is asked about
#                 (docs/benchmarks.md).  JSON default build/bench_compare.json
#
# 1. Per-packet (tools/bench_pkt.c): bpf_prog_test_run, 1M repeats, median
#    of rounds, for each packet class and an empty XDP program, with 1,
#    1,000 and 100,000 prefixes in each LPM map; plus the cost of the single
#    operations the datapath is made of (tools/bench.bpf.c), and memory.
#    Runs in its own namespace with a veth pair, a route and a permanent
#    neighbour so that bpf_fib_lookup succeeds for the steered PTB.
# 2. Forwarding (tools/trafficgen.c): client -> router -> sink namespaces,
#    veth, GRO off everywhere; the generator (XDP live frames) injects 74-byte
#    frames into the router's veth; XDP counter at the sink.  Cases, each
#    round in turn so that noise spreads over all of them:
#       kernel          kernel forwarding alone
#       iptables        + iptables -t mangle ... -j TCPMSS (Debian's
#                       iptables, nf_tables backend)
#       iptables_legacy + the same rule through iptables-legacy (x_tables)
#       nft             + nft ... tcp option maxseg size set
#       mtug_clamp      mtuguard XDP clamp (CLI attach), kernel forwarding
#       mtug_fwd        mtuguard clamp + `ptb forward on` (XDP forwarding)
#       floor           no router: generator -> sink on one veth (the
#                       generator's and sink's own cost, for reading the rest)
#    The router's ingress veth always has an XDP program (mtuguard, or a
#    placeholder returning XDP_PASS): veth runs the NAPI that XDP_TX'd
#    frames need only with XDP or GRO, and GRO stays off for every case.
#    Generator, router and sink run on one CPU (the router's NAPI inline in
#    the generator's softirq): deterministic, but every case's rate also
#    carries the generator's and the sink's cost (the "floor" case), which
#    the table's "router ns/pkt" column takes out.  With --threaded the
#    router's NAPI gets its own kthread; on veth the cross-CPU hand-off
#    costs more than it frees (every case about halves).
#
# Everything lives in namespaces named mtugb-<pid><rand>-*, with a bpffs on a
# host temp dir for the CLI's pins; all of it is removed on every exit path.
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
MTUG=$BUILD/mtuguard
TOOLS=$BUILD/tools

threaded=0 quick=0 rounds="" fwd_rounds="" seconds="" repeat="" do_pkt=1 do_fwd=1 out=""
series="" # run count of --ptb-series; empty: the whole bench
doc=""    # markdown file to rewrite the tables of; none: no file
fcomp=""  # pair count of --frags-compare
ccomp=""  # load count of --compare
against=() # the other builds' checkouts
while [ $# -gt 0 ]; do
	case $1 in
	--rounds|--seconds|--repeat|--out|--fwd-rounds|--ptb-series|--doc|--frags-compare|--compare|--against)
		{ [ $# -ge 2 ] && [ -n "$2" ]; } || { echo "bench.sh: $1 wants a value" >&2; exit 2; } ;;
	esac
	case $1 in
	--quick) quick=1 ;;
	--rounds) rounds=$2; shift ;;
	--seconds) seconds=$2; shift ;;
	--repeat) repeat=$2; shift ;;
	--no-pkt) do_pkt=0 ;;
	--no-fwd) do_fwd=0 ;;
	--threaded) threaded=1 ;;
	--out) out=$2; shift ;;
	--fwd-rounds) fwd_rounds=$2; shift ;;
	--ptb-series) series=$2; shift ;;
	--doc) doc=$2; shift ;;
	--no-doc) doc=none ;;
	--frags-compare) fcomp=$2; shift ;;
	--compare) ccomp=$2; shift ;;
	--against) against+=("$2"); shift ;;
	-h|--help) sed -n '2,49p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
# Counts are whole numbers of at least 1, the window a positive number of
# seconds: anything else would surface minutes later as a tool's error, or
# not at all (a zero count).
for opt in "--rounds:$rounds" "--repeat:$repeat" "--fwd-rounds:$fwd_rounds" \
	"--ptb-series:$series" "--frags-compare:$fcomp" "--compare:$ccomp"; do
	v=${opt#*:}
	[ -z "$v" ] || [[ $v =~ ^[1-9][0-9]*$ ]] && continue
	echo "bench.sh: ${opt%%:*} wants a whole number of 1 or more, not '$v'" >&2
	exit 2
done
if [ -n "$seconds" ] && ! [[ $seconds =~ ^[0-9]*\.?[0-9]+$ && $seconds =~ [1-9] ]]; then
	echo "bench.sh: --seconds wants a positive number of seconds, not '$seconds'" >&2
	exit 2
fi
n=0
for v in "$series" "$fcomp" "$ccomp"; do [ -z "$v" ] || n=$((n + 1)); done
if [ "$n" -gt 1 ]; then
	echo "bench.sh: --ptb-series, --frags-compare and --compare are separate runs: one at a time" >&2
	exit 2
fi
if [ -n "$ccomp" ] && [ ${#against[@]} = 0 ]; then
	echo "bench.sh: --compare wants at least one --against DIR" >&2
	exit 2
fi
if [ -z "$ccomp" ] && [ ${#against[@]} -gt 0 ]; then
	echo "bench.sh: --against goes with --compare" >&2
	exit 2
fi
for d in "${against[@]}"; do
	[ -x "$d/build/tools/bench_pkt" ] ||
		{ echo "bench.sh: --against $d: no $d/build/tools/bench_pkt (build it there)" >&2; exit 2; }
done
# The series and the comparison run the per-packet bench only: refuse what
# would be ignored.
if [ -n "$series$fcomp$ccomp" ]; then
	only=--compare
	[ -n "$series" ] && only=--ptb-series
	[ -n "$fcomp" ] && only=--frags-compare
	for opt in "--no-pkt:$do_pkt:0" "--no-fwd:$do_fwd:0" "--threaded:$threaded:1" \
		"--fwd-rounds:${fwd_rounds:+x}:x" "--seconds:${seconds:+x}:x"; do
		IFS=: read -r name val given <<<"$opt"
		if [ "$val" = "$given" ]; then
			echo "bench.sh: $name does not apply to $only (per-packet runs only)" >&2
			exit 2
		fi
	done
fi
if [ -z "$out" ]; then
	out=$BUILD/bench.json
	[ -n "$series" ] && out=$BUILD/bench_ptb.json
	[ -n "$fcomp" ] && out=$BUILD/bench_frags.json
	[ -n "$ccomp" ] && out=$BUILD/bench_compare.json
fi
# The tables go into the docs only from a run that measured everything
# with its real counts, unless a file is named.
if [ -z "$doc" ]; then
	doc=none
	[ "$quick" = 0 ] && [ "$do_pkt" = 1 ] && [ "$do_fwd" = 1 ] && doc=$ROOT/docs/benchmarks.md
fi
if [ "$quick" = 1 ]; then
	: "${rounds:=1}" "${fwd_rounds:=1}" "${seconds:=0.2}" "${repeat:=1000}"
	warmup=0.1 prefixes=1,10,100
else
	: "${rounds:=5}" "${fwd_rounds:=9}" "${seconds:=0.5}" "${repeat:=1000000}"
	warmup=0.2 prefixes=1,1000,100000
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "bench.sh: needs root (namespaces, XDP, bpffs)" >&2
	exit 1
fi
for b in "$TOOLS/bench_pkt" "$TOOLS/trafficgen"; do
	[ -x "$b" ] || { echo "bench.sh: $b missing: run make" >&2; exit 1; }
done

TAG="mtugb-$$$RANDOM"
TMP=$(mktemp -d "/tmp/$TAG-XXXXXX") || exit 1
NSLIST=()
BPFFS=""

cleanup() {
	set +e
	local ns pid
	for ns in "${NSLIST[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill "$pid" 2>/dev/null
		done
	done
	for ns in "${NSLIST[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "$BPFFS" ]; then
		umount "$BPFFS" 2>/dev/null || umount -l "$BPFFS" 2>/dev/null
	fi
	# bench_pkt's memory cgroups (it removes its own; a killed run leaves
	# an empty one, which rmdir takes; one still in use is refused).
	rmdir /sys/fs/cgroup/memory/mtug-bench-* /sys/fs/cgroup/mtug-bench-* 2>/dev/null
	case $TMP in /tmp/mtugb-*) rm -rf "$TMP" ;; esac
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ns_new() { # suffix -> name
	local ns="$TAG-$1"
	ip netns add "$ns" || return 1
	NSLIST+=("$ns")
	ip -n "$ns" link set lo up
}
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
log() { echo "# $*" >&2; }

# ---- machine ---------------------------------------------------------------

CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
NPROC=$(nproc)
KERNEL=$(uname -r)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
# Every kernel `ret` pays for this mitigation when it is on: it is why a
# helper call costs what the components table says.
SRSO=$(cat /sys/devices/system/cpu/vulnerabilities/spec_rstack_overflow 2>/dev/null || echo unknown)
START=$(date +%s)
python3 - "$TMP/machine.json" "$NPROC" "$KERNEL" "$CPU" "$LOAD0" "$quick" "$SRSO" <<'EOF'
import json, sys, datetime
f, nproc, kernel, cpu, load, quick, srso = sys.argv[1:]
json.dump({"nproc": int(nproc), "kernel": kernel, "cpu": cpu,
           "loadavg_start": load, "quick": quick == "1", "srso": srso,
           "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")},
          open(f, "w"))
EOF
echo "mtuguard bench: $NPROC CPUs ($CPU), kernel $KERNEL, SRSO: $SRSO, load $LOAD0$([ "$quick" = 1 ] && echo ", QUICK (smoke) mode")"

# The per-packet bench's namespace: a veth pair, routes and permanent
# neighbours so that bpf_fib_lookup succeeds for the steered classes.
pkt_ns_up() {
	P=$TAG-pkt
	ns_new pkt || return 1
	# bp0 has the address the frames are sent to (bench_pkt.c's mac_a):
	# fib mode acts only on frames addressed to the interface.
	ip -n "$P" link add bp0 address 02:00:5e:00:00:01 type veth peer name bp1
	ip -n "$P" addr add 192.0.2.1/24 dev bp0
	ip -n "$P" addr add 10.66.0.1/24 dev bp1
	# A jumbo link out, so that the 9000-byte forwarded class finds its
	# route and goes to the stack only because bp1 is not recorded as
	# transmitting multi-buffer frames from XDP.
	ip -n "$P" link set bp1 mtu 9000
	ip -n "$P" link set bp0 up
	ip -n "$P" link set bp1 up
	ip -n "$P" addr add 2001:db8:ff::1/64 dev bp0 nodad
	ip -n "$P" addr add 2001:db8:66::1/64 dev bp1 nodad
	nsx "$P" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.forwarding=1 \
		net.ipv6.conf.all.forwarding=1
	ip -n "$P" route add 10.88.0.0/16 via 10.66.0.2 dev bp1
	ip -n "$P" -6 route add 2001:db8:88::/48 via 2001:db8:66::2 dev bp1
	ip -n "$P" -6 neigh add 2001:db8:66::2 lladdr 02:00:5e:00:00:09 nud permanent dev bp1
	ip -n "$P" neigh add 10.66.0.2 lladdr 02:00:5e:00:00:09 nud permanent dev bp1
	# one-armed: back out of the ingress (the XDP_TX class)
	ip -n "$P" route add 10.89.0.0/16 via 192.0.2.9 dev bp0
	ip -n "$P" neigh add 192.0.2.9 lladdr 02:00:5e:00:00:0a nud permanent dev bp0
	# the clients, behind a gateway on bp0: the route back to their
	# source that the reverse-path check looks up
	ip -n "$P" route add 198.51.100.0/24 via 192.0.2.7 dev bp0
	ip -n "$P" neigh add 192.0.2.7 lladdr 02:00:5e:00:00:0b nud permanent dev bp0
	ip -n "$P" -6 route add 2001:db8:100::/48 via 2001:db8:ff::7 dev bp0
	ip -n "$P" -6 neigh add 2001:db8:ff::7 lladdr 02:00:5e:00:00:0b nud permanent dev bp0
}

# ---- --ptb-series: the steered IPv4 PTB over N runs, nothing else -------------

if [ -n "$series" ]; then
	echo
	echo "== 576-byte IPv4 PTB steered: $series run(s) of the per-packet bench, 1 prefix, $repeat x $rounds round(s) each"
	pkt_ns_up || exit 1
	runs=()
	for i in $(seq "$series"); do
		"$TOOLS/bench_pkt" --netns "$P" --iface bp0 --repeat "$repeat" --rounds "$rounds" \
			--prefixes 1 --json "$TMP/series-$i.json" >"$TMP/series-$i.out" 2>&1 || {
			cat "$TMP/series-$i.out" >&2
			echo "bench.sh: per-packet run $i of $series failed" >&2
			exit 1
		}
		runs+=("$TMP/series-$i.json")
		echo "   run $i of $series done"
	done
	mkdir -p "$(dirname "$out")"
	echo
	python3 "$ROOT/tools/bench_ptb_series.py" "$out" "${runs[@]}" || exit 1
	echo
	echo "JSON: $out   ($(( $(date +%s) - START )) s)"
	if [ "$doc" != none ]; then
		python3 "$ROOT/tools/bench_doc.py" "$doc" ptb-series "${out%.json}.md" || exit 1
	fi
	exit 0
fi

# ---- --frags-compare: multi-buffer against single-buffer, N pairs --------------

if [ -n "$fcomp" ]; then
	echo
	echo "== mtuguard_xdp multi-buffer and single-buffer: $fcomp pair(s) of per-packet runs, alternating, 1 prefix, $repeat x $rounds round(s) each"
	if ! bpftool feature probe kernel 2>/dev/null | grep -q '\bbpf_xdp_get_buff_len\b'; then
		echo "bench.sh: this kernel has no multi-buffer XDP: nothing to compare" >&2
		exit 1
	fi
	pkt_ns_up || exit 1
	runs=()
	for i in $(seq "$fcomp"); do
		# Which load goes first alternates too, so neither always runs
		# on a warmer (or busier) machine.
		order="on off"
		[ $((i % 2)) = 0 ] && order="off on"
		for m in $order; do
			"$TOOLS/bench_pkt" --netns "$P" --iface bp0 --repeat "$repeat" --rounds "$rounds" \
				--prefixes 1 --no-components --frags "$m" --json "$TMP/frags-$m-$i.json" \
				>"$TMP/frags-$m-$i.out" 2>&1 || {
				cat "$TMP/frags-$m-$i.out" >&2
				echo "bench.sh: per-packet run $i ($m) of $fcomp failed" >&2
				exit 1
			}
		done
		runs+=("$TMP/frags-on-$i.json" "$TMP/frags-off-$i.json")
		echo "   pair $i of $fcomp done"
	done
	mkdir -p "$(dirname "$out")"
	echo
	python3 "$ROOT/tools/bench_frags.py" "$out" "${runs[@]}"
	rc=$?
	echo
	echo "JSON: $out   ($(( $(date +%s) - START )) s)"
	exit $rc
fi

# ---- --compare: this build against others, N loads each -----------------------

if [ -n "$ccomp" ]; then
	builds=("$ROOT" "${against[@]}")
	echo
	echo "== mtuguard_xdp of ${#builds[@]} builds: $ccomp load(s) each, a random order each round, 1 prefix, $repeat x $rounds round(s) each"
	pkt_ns_up || exit 1
	runs=()
	for i in $(seq "$ccomp"); do
		for k in $(shuf -e "${!builds[@]}"); do
			b=${builds[k]}
			bp=$b/build/tools/bench_pkt
			[ "$k" = 0 ] && bp=$TOOLS/bench_pkt
			# An older build's bench_pkt may not know --no-components:
			# it then measures the components too, which costs time only.
			nc=--no-components
			grep -q -- --no-components "$bp" || nc=""
			# shellcheck disable=SC2086 # nc: one word or none
			"$bp" --netns "$P" --iface bp0 --repeat "$repeat" --rounds "$rounds" \
				--prefixes 1 $nc --json "$TMP/cmp-$k-$i.json" >"$TMP/cmp-$k-$i.out" 2>&1 || {
				cat "$TMP/cmp-$k-$i.out" >&2
				echo "bench.sh: load $i of $b failed" >&2
				exit 1
			}
		done
		echo "   round $i of $ccomp done"
	done
	mkdir -p "$(dirname "$out")"
	echo
	args=()
	for k in "${!builds[@]}"; do
		label=${builds[k]}
		[ "$k" = 0 ] && label="this tree"
		args+=("--build" "$label")
		for i in $(seq "$ccomp"); do args+=("$TMP/cmp-$k-$i.json"); done
	done
	python3 "$ROOT/tools/bench_compare.py" "$out" "${args[@]}"
	rc=$?
	echo
	echo "JSON: $out   ($(( $(date +%s) - START )) s)"
	exit $rc
fi

# ---- 1. per-packet -----------------------------------------------------------

pkt_ok=1
if [ "$do_pkt" = 1 ]; then
	echo
	echo "== per-packet cost: bpf_prog_test_run x $repeat, median of $rounds round(s)"
	pkt_ns_up || exit 1
	"$TOOLS/bench_pkt" --netns "$P" --iface bp0 --repeat "$repeat" --rounds "$rounds" \
		--prefixes "$prefixes" --json "$TMP/pkt.json" || pkt_ok=0
	ip netns del "$P"
fi

# ---- 2. forwarding -------------------------------------------------------------

CASES=(kernel iptables iptables_legacy nft mtug_clamp mtug_fwd floor)
: >"$TMP/fwd.jsonl"

rtr_reset() { # remove whatever a case put on the router
	nsx "$R" iptables -t mangle -F FORWARD 2>/dev/null
	nsx "$R" iptables-legacy -t mangle -F FORWARD 2>/dev/null
	nsx "$R" nft delete table inet mtugb 2>/dev/null
	if [ -n "$BPFFS" ] && [ -e "$BPFFS/pins" ]; then
		nsx "$R" "$MTUG" --pin-dir "$BPFFS/pins" detach --all >/dev/null 2>&1
	fi
	ip -n "$R" link set in0 xdp off 2>/dev/null
}

mtug() { nsx "$R" "$MTUG" --pin-dir "$BPFFS/pins" "$@"; }

# stats --json -> one counter (0 when absent)
mtug_counter() {
	mtug stats --json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
for k in ("counters", "total"):
    if isinstance(d.get(k), dict):
        d = d[k]
print(int(d.get(sys.argv[1], 0)))' "$1"
}

# case_setup CASE: configure the router; echo the trafficgen options.
case_setup() {
	case $1 in
	kernel) ;;
	iptables)
		nsx "$R" iptables -t mangle -A FORWARD -d 10.77.2.0/24 -p tcp \
			--tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1360 || return 1 ;;
	iptables_legacy)
		nsx "$R" iptables-legacy -t mangle -A FORWARD -d 10.77.2.0/24 -p tcp \
			--tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1360 || return 1 ;;
	nft)
		nsx "$R" nft -f - <<-'EOF' || return 1
		table inet mtugb {
			chain clamp {
				type filter hook forward priority mangle; policy accept;
				ip daddr 10.77.2.0/24 tcp flags & (syn | rst) == syn counter tcp option maxseg size set 1360
			}
		}
		EOF
		;;
	mtug_clamp|mtug_fwd)
		mtug attach in0 >/dev/null || return 1
		mtug mtu add 10.77.2.0/24 1400 >/dev/null || return 1
		if [ "$1" = mtug_fwd ]; then
			mtug ptb mode fib --iface in0 >/dev/null || return 1
			mtug ptb forward on >/dev/null || return 1
		fi
		;;
	floor) ;;
	esac
}

# rule_packets CASE: packets the case's clamp rule matched (iptables/nft)
rule_packets() {
	case $1 in
	iptables) nsx "$R" iptables -t mangle -L FORWARD -v -x -n 2>/dev/null | awk '/TCPMSS/ {print $1; exit}' ;;
	iptables_legacy) nsx "$R" iptables-legacy -t mangle -L FORWARD -v -x -n 2>/dev/null | awk '/TCPMSS/ {print $1; exit}' ;;
	nft) nsx "$R" nft list table inet mtugb 2>/dev/null | sed -n 's/.*counter packets \([0-9]*\).*/\1/p' | head -n 1 ;;
	*) echo "" ;;
	esac
}

if [ "$do_fwd" = 1 ]; then
	echo
	echo "== forwarding: client -> router -> sink, XDP live-frames generator, $fwd_rounds round(s) of ${seconds}s per case and traffic"
	command -v iptables-legacy >/dev/null || log "iptables-legacy not installed: that case is skipped"
	C=$TAG-cli R=$TAG-rtr S=$TAG-snk
	ns_new cli && ns_new rtr && ns_new snk || exit 1
	ip -n "$C" link add eth0 type veth peer name in0 netns "$R"
	ip -n "$R" link add out0 type veth peer name eth0 netns "$S"
	# floor: generator straight into the sink, same kind of veth
	ip -n "$C" link add eth1 type veth peer name eth1 netns "$S"
	ip -n "$C" addr add 10.77.1.2/24 dev eth0
	ip -n "$R" addr add 10.77.1.1/24 dev in0
	ip -n "$R" addr add 10.77.2.1/24 dev out0
	ip -n "$S" addr add 10.77.2.2/24 dev eth0
	for l in "$C eth0" "$C eth1" "$R in0" "$R out0" "$S eth0" "$S eth1"; do
		read -r ns dev <<<"$l"
		ip -n "$ns" link set "$dev" up
		# same offload state for every case: no GRO/LRO on any hop
		nsx "$ns" ethtool -K "$dev" gro off lro off rx-gro-list off >/dev/null 2>&1
	done
	nsx "$R" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.in0.rp_filter=0 \
		net.ipv4.conf.all.send_redirects=0
	SNK_MAC=$(nsx "$S" cat /sys/class/net/eth0/address)
	SNK1_MAC=$(nsx "$S" cat /sys/class/net/eth1/address)
	RTR_MAC=$(nsx "$R" cat /sys/class/net/in0/address)
	if [ "$threaded" = 1 ]; then
		# The router's receive NAPI in its own kernel thread, so that the
		# generator's CPU time is not the router's.  (The sink's NAPI runs
		# in the router's thread: scheduled from there.)  `threaded` can
		# only be set while the veth has NAPI: GRO on for a moment; the
		# flag stays for the NAPI the XDP attach creates later.
		for l in "$R in0" "$S eth1"; do
			read -r ns dev <<<"$l"
			nsx "$ns" ethtool -K "$dev" gro on >/dev/null 2>&1
			nsx "$ns" sh -c "echo 1 > /sys/class/net/$dev/threaded" 2>/dev/null
			nsx "$ns" ethtool -K "$dev" gro off >/dev/null 2>&1
			if [ "$(nsx "$ns" cat "/sys/class/net/$dev/threaded")" != 1 ]; then
				log "could not make $dev's NAPI threaded: measuring inline"
				threaded=0
			fi
		done
	fi
	echo "   router NAPI: $([ "$threaded" = 1 ] && echo "threaded (own kthread)" || echo "inline (softirq of the generator's CPU)")"
	ip -n "$R" neigh replace 10.77.2.2 lladdr "$SNK_MAC" nud permanent dev out0
	# The CLI's pins on a host bpffs (`ip netns exec` has a private /sys).
	BPFFS=$TMP/bpffs
	{ mkdir -p "$BPFFS" && mount -t bpf -o mode=0700 bpf "$BPFFS"; } || { echo "bench.sh: bpffs mount failed" >&2; exit 1; }
	if ! "$MTUG" --help >/dev/null 2>&1; then
		log "build/mtuguard not usable: mtuguard cases fail"
	fi

	for ((r = 1; r <= fwd_rounds; r++)); do
		for c in "${CASES[@]}"; do
			if [ "$c" = iptables_legacy ] && ! command -v iptables-legacy >/dev/null; then
				continue
			fi
			rtr_reset
			err=""
			case_setup "$c" >"$TMP/setup.log" 2>&1 || err="setup failed: $(tr '\n' ' ' <"$TMP/setup.log" | cut -c1-200)"
			before=$(rule_packets "$c")
			steered0=0
			[ "$c" = mtug_fwd ] && [ -z "$err" ] && steered0=$(mtug_counter fwd_steered)
			res=""
			if [ -z "$err" ]; then
				if [ "$c" = floor ]; then
					args=(--cli-if eth1 --snk-if eth1 --dst-mac "$SNK1_MAC")
				else
					args=(--cli-if eth0 --snk-if eth0 --dst-mac "$RTR_MAC")
					case $c in mtug_*) ;; *) args+=(--rtr-ns "$R" --rtr-if in0) ;; esac
				fi
				res=$("$TOOLS/trafficgen" --cli-ns "$C" --snk-ns "$S" "${args[@]}" \
					--modes syn,mixed --seconds "$seconds" --warmup "$warmup" \
					--mss-max 1360 ${GEN_BATCH:+--batch $GEN_BATCH} 2>"$TMP/gen.err") ||
					err="trafficgen failed: $(tr '\n' ' ' <"$TMP/gen.err" | cut -c1-200)"
			fi
			after=$(rule_packets "$c")
			steered=""
			if [ "$c" = mtug_fwd ] && [ -z "$err" ]; then
				steered=$(( $(mtug_counter fwd_steered) - steered0 ))
			fi
			printf '%s\n' "$res" | python3 -c '
import json, sys
case, rnd, err, before, after, steered = sys.argv[1:]
res = [json.loads(l) for l in sys.stdin if l.strip()]
print(json.dumps({"case": case, "round": int(rnd), "error": err or None,
                  "rule_packets": (int(after) - int(before or 0)) if after else None,
                  "fwd_steered": int(steered) if steered else None,
                  "results": res}))' "$c" "$r" "$err" "${before:-}" "${after:-}" "$steered" >>"$TMP/fwd.jsonl"
			printf '  round %d %-16s %s\n' "$r" "$c" \
				"$(if [ -n "$err" ]; then echo "ERROR: $err"; else
					echo "$res" | python3 -c 'import json,sys
print("  ".join("%s %.3f Mpps" % (d["mode"], d["mpps"]) for d in map(json.loads, sys.stdin)))'; fi)"
		done
	done
	rtr_reset
fi

# ---- table + JSON ------------------------------------------------------------------

ELAPSED=$(( $(date +%s) - START ))
mkdir -p "$(dirname "$out")"
python3 "$ROOT/tools/bench_report.py" --machine "$TMP/machine.json" \
	--pkt "$TMP/pkt.json" --fwd "$TMP/fwd.jsonl" --elapsed "$ELAPSED" \
	--out "$out" --markdown "${out%.json}.md" \
	--fwd-mode "$([ "$threaded" = 1 ] && echo threaded || echo inline)"
rc=$?
echo
echo "JSON: $out   markdown table: ${out%.json}.md   ($ELAPSED s)"
[ "$pkt_ok" = 1 ] && [ "$rc" = 0 ] || exit 1
if [ "$doc" != none ]; then
	python3 "$ROOT/tools/bench_doc.py" "$doc" tables "${out%.json}.md" || exit 1
fi
