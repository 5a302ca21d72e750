#!/bin/bash
# demo.sh - watch the two PMTU failures from the field happen with real
# Linux TCP in network namespaces, and mtuguard fix them.
#
#   tools/demo.sh [--keep] [--only 1,2,3] [--tunnel auto|vxlan|gre|ipip|none]
#   tools/demo.sh --clean
#
#   1  PMTUD black hole: a tunnel with a smaller MTU, a firewall dropping
#      ICMP "Fragmentation Needed"; fixed by the MSS clamp.
#   2  ECMP: the router hashes the ICMP about a flow to the wrong backend;
#      fixed by `ptb mode fib` on the router.
#   3  ECMP behind a router you do not run: fixed by `ptb mode broadcast` on
#      the backends, which share one LAN.
#
# `make demo` runs it after installing the packages and building.  Needs
# root.  Everything lives in namespaces named $MTUG_DEMO_PREFIX-* (default
# mtug-demo-*), a bpffs mounted at /tmp/<prefix>-bpf-*, and /tmp/<prefix>;
# all of it goes at exit (also on Ctrl-C or failure) unless --keep, and
# --clean (`make demo-clean`) removes a kept or stale lab.  The host's own
# interfaces are never touched; all traffic stays inside the namespaces.
#
# stdout: a short report, coloured on a terminal.  build/demo.log: every
# detail.  Exit status: 0 if every scenario passed.
set -u

DEMO_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MTUG_ROOT=$(cd "$DEMO_HOME/.." && pwd)
export MTUG_ROOT
PREFIX=${MTUG_DEMO_PREFIX:-mtug-demo}

KEEP=0 CLEAN=0 ONLY="1,2,3" TUNNEL=auto
usage() { sed -n '2,/^set -u/p' "$0" | sed -n 's/^# \{0,1\}//p'; }
while [ $# -gt 0 ]; do
	case $1 in
	--keep) KEEP=1 ;;
	--clean) CLEAN=1 ;;
	--only) ONLY=${2:-}; shift ;;
	--only=*) ONLY=${1#--only=} ;;
	--tunnel) TUNNEL=${2:-}; shift ;;
	--tunnel=*) TUNNEL=${1#--tunnel=} ;;
	-h | --help) usage; exit 0 ;;
	*) echo "demo.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
case $TUNNEL in auto | vxlan | gre | ipip | none) ;; *)
	echo "demo.sh: --tunnel auto|vxlan|gre|ipip|none" >&2; exit 2 ;;
esac

if [ "$(id -u)" -ne 0 ]; then
	echo "demo.sh: needs root (network namespaces, BPF): sudo make demo" >&2
	exit 1
fi

# demo_clean: remove every trace of a lab with this prefix.  Idempotent.
demo_clean() {
	local ns pid m
	for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }' | grep "^$PREFIX-"); do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null; done
	done
	for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }' | grep "^$PREFIX-"); do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
	done
	for m in /tmp/"$PREFIX"-bpf-*; do
		[ -d "$m" ] || continue
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
		rmdir "$m" 2>/dev/null
	done
	rm -rf "/tmp/$PREFIX"
}

if [ "$CLEAN" = 1 ]; then
	n=$(ip netns list 2>/dev/null | awk '{ print $1 }' | grep -c "^$PREFIX-")
	demo_clean
	echo "demo lab removed ($n namespaces)"
	exit 0
fi

# shellcheck source=../tests/integration/lib.sh
. "$MTUG_ROOT/tests/integration/lib.sh"
mkdir -p "$BUILD"
DEMO_LOG=$BUILD/demo.log
: >"$DEMO_LOG"
# shellcheck source=demo/report.sh
. "$DEMO_HOME/demo/report.sh"
# shellcheck source=demo/common.sh
. "$DEMO_HOME/demo/common.sh"
for f in "$DEMO_HOME"/demo/scenario_*.sh; do
	# shellcheck disable=SC1090 # the scenarios are found when it runs
	. "$f"
done

missing=""
for t in ip tcpdump curl python3 iptables ethtool awk; do
	command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
[ -x "$MTUG_BIN" ] || missing="$missing $MTUG_BIN"
if [ -n "$missing" ]; then
	echo "demo.sh: missing:$missing (run 'sudo make demo', which installs and builds)" >&2
	exit 1
fi

# A stale lab from an interrupted --keep run goes first.
demo_clean

# lib.sh state, with the demo's fixed names (--keep / --clean find them).
MTUG_TAG=$PREFIX
MTUG_TMP=/tmp/$PREFIX
mkdir -p "$MTUG_TMP" || exit 1
_LIB_DIRS+=("$MTUG_TMP")

on_exit() {
	local rc=$?
	if [ "$KEEP" = 1 ]; then
		keep_banner
	else
		lib_cleanup
	fi
	exit "$rc"
}
trap on_exit EXIT
trap 'say ""; say "$(warn "interrupted, cleaning up")"; exit 130' INT
trap 'exit 143' TERM

if ! bpffs_new; then
	echo "demo.sh: cannot mount a bpffs" >&2
	exit 1
fi
[ "$KEEP" = 1 ] && mkdir -p "$MTUG_PIN_DIR"

T_START=$(now)
say "$(bold "mtuguard demo") $(dim "- real Linux TCP in network namespaces, kernel $(uname -r)")"
note "log of $(date), prefix $PREFIX, bpffs $MTUG_BPFFS"

ran=()
for n in 1 2 3; do
	case ",$ONLY," in *",$n,"*) ;; *) continue ;; esac
	ran+=("$n")
	"scenario_$n" || true
	[ -n "${VERDICT[$n]:-}" ] || verdict "$n" FAIL "scenario $n did not finish"
done

T_END=$(now)
failed=0
say ""
say "$(bold "== Summary")"
for n in "${ran[@]}"; do
	if [ "${VERDICT[$n]}" = PASS ]; then v=$(ok PASS); else v=$(bad FAIL); failed=$((failed + 1)); fi
	say "   $v  $n. $(printf '%-26s' "${TITLE[$n]}") ${SUMMARY[$n]}"
done
say "   $(dim "$(printf '%d scenarios in %.0f s; details in %s' "${#ran[@]}" "$(secs "$T_START" "$T_END")" "$DEMO_LOG")")"
operator_commands
[ "$failed" = 0 ]
