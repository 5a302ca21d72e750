# shellcheck shell=bash
# lib.sh - shared helpers for mtuguard's integration tests.
#
# Source it from a test script, after `set -u`:
#
#   . "$(dirname "$0")/lib.sh"
#   lib_init blackhole4          # unique tag, trap cleanup EXIT INT TERM
#   C=$(ns_new cli)              # network namespace "mtug-blackhole4-<pid><rand>-cli"
#   R=$(ns_new rtr)
#   veth_new "$C" eth0 "$R" rc0  # a veth pair between two namespaces
#   bpffs_new                    # bpffs on a host temp dir, sets MTUG_PIN_DIR
#   mtug "$R" attach rc0         # the CLI inside a namespace, with --pin-dir
#   pass "name" / fail "name" "why" / skip "name" "why"
#
# Everything a helper creates (namespaces, background processes, bpffs
# mounts, temp dirs) is recorded and removed by lib_cleanup, which lib_init
# installs as the EXIT/INT/TERM trap: cleanup runs on every exit path.
# Tests may add their own steps with on_cleanup 'shell command'.
#
# Why the bpffs lives on the host: `ip netns exec` gives the command a
# private mount namespace with a fresh /sys, so a bpffs mounted at
# /sys/fs/bpf inside it vanishes with its pins (and the pinned XDP link)
# when the command exits.  A bpffs mounted on the host at a temp path is
# visible from every `ip netns exec` and outlives each CLI run.
#
# Nothing here touches the host's own interfaces: veth pairs are created
# directly inside the test namespaces.

# Repository root and build directory (run.sh exports BUILD).
MTUG_ROOT=${MTUG_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$MTUG_ROOT/$BUILD ;; esac
MTUG_BIN=${MTUG_BIN:-$BUILD/mtuguard}

MTUG_TAG=""        # unique per run: mtug-<name>-<pid><random>
MTUG_TMP=""        # private temp dir, removed at cleanup
MTUG_BPFFS=""      # host bpffs mount point (bpffs_new)
MTUG_PIN_DIR=""    # pin dir inside it, passed as --pin-dir by mtug()
_LIB_NS=()         # namespaces to delete
_LIB_PIDS=()       # background pids to kill
_LIB_MOUNTS=()     # mount points to unmount
_LIB_DIRS=()       # dirs to remove
_LIB_HOOKS=()      # extra cleanup commands (run first, last added first)
_LIB_CLEANED=0
_LIB_FAILS=0

log() { echo "# $*"; }

# ---- results ---------------------------------------------------------------

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1 (${2:-failed})"; _LIB_FAILS=$((_LIB_FAILS + 1)); }
skip() { echo "SKIP: $1 (${2:-skipped})"; }
# Number of fail() calls so far (for a script's exit status).
fail_count() { echo "$_LIB_FAILS"; }

# ---- setup and cleanup -------------------------------------------------------

# lib_init NAME: set MTUG_TAG and MTUG_TMP, install the cleanup trap.
# Must be called in the main shell (not in $(...)).
lib_init() {
	local name=${1:-test}
	if [ "$(id -u)" -ne 0 ]; then
		skip "$name" "needs root"
		exit 0
	fi
	MTUG_TAG="mtug-$name-$$$RANDOM"
	MTUG_TMP=$(mktemp -d "/tmp/$MTUG_TAG.XXXXXX") || exit 1
	_LIB_DIRS+=("$MTUG_TMP")
	trap lib_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# on_cleanup 'command': run it at cleanup, before the generic steps.
on_cleanup() { _LIB_HOOKS+=("$1"); }

lib_cleanup() {
	local i ns pid m d
	[ "$_LIB_CLEANED" = 1 ] && return 0
	_LIB_CLEANED=1
	set +e
	_lib_sync_ns
	for ((i = ${#_LIB_HOOKS[@]} - 1; i >= 0; i--)); do
		eval "${_LIB_HOOKS[$i]}" >/dev/null 2>&1
	done
	for pid in "${_LIB_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	# Anything else still running inside our own namespaces was started by
	# this test; end it so the namespaces can go.
	for ns in "${_LIB_NS[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill "$pid" 2>/dev/null
		done
	done
	for pid in "${_LIB_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	for ns in "${_LIB_NS[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -9 "$pid" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	for m in "${_LIB_MOUNTS[@]}"; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	for d in "${_LIB_DIRS[@]}"; do
		case $d in /tmp/mtug*) rm -rf "$d" ;; esac
	done
	return 0
}

# ns_new SUFFIX: create namespace "$MTUG_TAG-SUFFIX" with lo up, print its
# name.  Call as NS=$(ns_new x) -- registration happens through a file
# because $(...) runs in a subshell.
ns_new() {
	local ns="$MTUG_TAG-$1"
	ip netns add "$ns" || return 1
	echo "$ns" >>"$MTUG_TMP/.namespaces"
	ip -n "$ns" link set lo up
	echo "$ns"
}

# veth_new NS1 IF1 NS2 IF2 [MTU]: a veth pair IF1 (in NS1) <-> IF2 (in NS2),
# both up.  Created inside NS1, so no name ever exists on the host.
veth_new() {
	local ns1=$1 if1=$2 ns2=$3 if2=$4 mtu=${5:-}
	ip -n "$ns1" link add "$if1" type veth peer name "$if2" netns "$ns2" || return 1
	if [ -n "$mtu" ]; then
		ip -n "$ns1" link set "$if1" mtu "$mtu"
		ip -n "$ns2" link set "$if2" mtu "$mtu"
	fi
	ip -n "$ns1" link set "$if1" up
	ip -n "$ns2" link set "$if2" up
}

# ecmp_backend NS ADDR4 ADDR6 GW4 GW6 VIP4 VIP6: an ECMP test's backend:
# addresses (with prefix length) on its eth0 (already up), the VIPs on lo,
# default routes via GW4 / GW6, reverse-path filtering off.
ecmp_backend() {
	local ns=$1
	ip -n "$ns" addr add "$2" dev eth0 &&
	ip -n "$ns" addr add "$3" dev eth0 nodad &&
	ip -n "$ns" addr add "$6/32" dev lo &&
	ip -n "$ns" addr add "$7/128" dev lo nodad &&
	ip -n "$ns" route add default via "$4" &&
	ip -n "$ns" -6 route add default via "$5" || return 1
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0
}

# nsx NS command...: run a command in a namespace.
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# ns_forwarding NS: enable IPv4 and IPv6 forwarding in a namespace.
ns_forwarding() {
	nsx "$1" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
}

# bg NS LOG command...: start a command in the background inside a
# namespace, output to LOG; sets BG_PID.  Killed at cleanup.  Call in the
# main shell (not in $(...)), or the pid is not recorded.
BG_PID=""
bg() {
	local ns=$1 out=$2; shift 2
	ip netns exec "$ns" "$@" >"$out" 2>&1 &
	BG_PID=$!
	_LIB_PIDS+=("$BG_PID")
}

# bpffs_new: mount a bpffs on a host temp dir; sets MTUG_BPFFS and
# MTUG_PIN_DIR (=$MTUG_BPFFS/pins) for mtug().  Main shell only.
# No '.' anywhere in the path: libbpf's bpf_object__pin_maps() turns every
# '.' of a pin path into '_' (sanitize_pin_path), so /tmp/mtug.XXXX/pins
# would pin somewhere else, or fail.  Mode 0700: mtuguard refuses a pin
# dir below a bpffs root others may write to (a bare mount is 1777).
bpffs_new() {
	MTUG_BPFFS=$(mktemp -d "/tmp/$MTUG_TAG-bpf-XXXXXX") || return 1
	_LIB_DIRS+=("$MTUG_BPFFS")
	mount -t bpf -o mode=0700 bpf "$MTUG_BPFFS" || return 1
	_LIB_MOUNTS+=("$MTUG_BPFFS")
	MTUG_PIN_DIR=$MTUG_BPFFS/pins
}

# mtug NS args...: run the CLI inside a namespace with the test's pin dir.
mtug() {
	local ns=$1; shift
	ip netns exec "$ns" "$MTUG_BIN" --pin-dir "$MTUG_PIN_DIR" "$@"
}

# mtug_ready: true if the CLI is built and answers --help.
mtug_ready() {
	[ -x "$MTUG_BIN" ] && "$MTUG_BIN" --help >/dev/null 2>&1
}

# mtug_start_fib NS IFACE: mtuguard on an ECMP router as the ECMP tests
# set it up: a fresh bpffs, IFACE attached (native XDP), `ptb mode fib` on
# it.  Returns 0; 2 when the CLI is not built; 1 on failure.  Sets
# MTUG_START_ERR to the reason.
mtug_start_fib() {
	local out
	MTUG_START_ERR=""
	mtug_ready || { MTUG_START_ERR="$MTUG_BIN not built"; return 2; }
	bpffs_new || { MTUG_START_ERR="cannot mount a bpffs"; return 1; }
	if ! out=$(mtug "$1" attach "$2" --mode native 2>&1) ||
	   ! out=$(mtug "$1" ptb mode fib --iface "$2" 2>&1); then
		# shellcheck disable=SC2034 # read by the tests that source lib.sh
		MTUG_START_ERR="mtuguard attach $2 / ptb mode fib failed: $out"
		return 1
	fi
}

# iface_fast_mirror: the datapath's iface_fast array against iface_cfg (bpftool
# dumps of both): every tagged entry must hold its interface's iface_cfg
# and sit at ifindex mod the array size; every interface must be cached
# (the tests' ifindexes never collide).  Prints the differences, nothing when they agree.
# (Dumps go through files: the array's JSON is over the 128 KiB a single
# command-line argument may hold.)
iface_fast_mirror() {
	bpftool -j map dump pinned "$MTUG_PIN_DIR/iface_cfg" >"$MTUG_TMP/cfg.json" 2>&1
	bpftool -j map dump pinned "$MTUG_PIN_DIR/iface_fast" >"$MTUG_TMP/fast.json" 2>&1
	python3 - "$MTUG_TMP/cfg.json" "$MTUG_TMP/fast.json" <<'PY' 2>&1
import json, sys
try:
    cfg = {e["formatted"]["key"]: e["formatted"]["value"] for e in json.load(open(sys.argv[1]))}
    fast = [e["formatted"] for e in json.load(open(sys.argv[2]))]
except Exception as e:
    print("cannot read the maps: %s" % e)
    sys.exit()
bad, seen = [], set()
for e in fast:
    v = e["value"]
    tag = v["ifindex"]
    if not tag:
        continue
    seen.add(tag)
    if e["key"] != tag % len(fast):
        bad.append("entry %d holds ifindex %d" % (e["key"], tag))
    if cfg.get(tag) != v["cfg"]:
        bad.append("ifindex %d: iface_fast %r, iface_cfg %r" % (tag, v["cfg"], cfg.get(tag)))
for k in cfg:
    if k not in seen:
        bad.append("ifindex %d not cached" % k)
print("; ".join(bad))
PY
}
# mtug_counter NS NAME: print one counter from `stats --json` (0 if absent,
# empty on error).
mtug_counter() {
	mtug "$1" stats --json 2>/dev/null | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except Exception:
    sys.exit(1)
# Accept {"name": n}, {"counters": {...}} or {"total": {...}}.
for k in ("counters", "total"):
    if isinstance(d.get(k), dict):
        d = d[k]
print(int(d.get(sys.argv[1], 0)))' "$2"
}

# wait_until SECONDS command...: poll every 0.1 s until the command succeeds;
# false on timeout.
wait_until() {
	local t=$1 i; shift
	for ((i = 0; i < t * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# kernel_at_least MAJOR MINOR: true if the running kernel is that version
# or later.
kernel_at_least() {
	local M m
	IFS=. read -r M m _ <<<"$(uname -r)"
	m=${m%%[!0-9]*}
	[ "$M" -gt "$1" ] || { [ "$M" -eq "$1" ] && [ "${m:-0}" -ge "$2" ]; }
}

# tcp_listening NS PORT: true if something listens on TCP PORT in NS.
tcp_listening() {
	nsx "$1" ss -Htln "sport = :$2" 2>/dev/null | grep -q .
}

# ns_diag NS...: print addresses, link counters, routes and firewall rules
# of each namespace (for failure diagnostics).
ns_diag() {
	local ns
	for ns in "$@"; do
		echo "--- $ns"
		ip -n "$ns" -s link 2>&1 | sed 's/^/  /'
		ip -n "$ns" addr 2>&1 | grep -E 'inet6? ' | sed 's/^/  /'
		ip -n "$ns" route 2>&1 | sed 's/^/  route /'
		ip -n "$ns" -6 route 2>&1 | sed 's/^/  route6 /'
		nsx "$ns" iptables -S 2>/dev/null | grep -v '^-P' | sed 's/^/  ipt /'
		nsx "$ns" ip6tables -S 2>/dev/null | grep -v '^-P' | sed 's/^/  ip6t /'
	done
}

# Pick up namespaces created in subshells by ns_new.
_lib_sync_ns() {
	local ns
	[ -f "$MTUG_TMP/.namespaces" ] || return 0
	while read -r ns; do
		case " ${_LIB_NS[*]} " in *" $ns "*) ;; *) _LIB_NS+=("$ns") ;; esac
	done <"$MTUG_TMP/.namespaces"
}

# ---- packet captures ---------------------------------------------------------

# cap_start NS IFACE OUT FILTER: tcpdump -vv in the background, text into
# OUT; returns once it listens (bounded).  Sets BG_PID.  Main shell only.
cap_start() {
	local ns=$1 ifc=$2 out=$3 filter=$4
	bg "$ns" "$out" tcpdump -l -n -vv -i "$ifc" "$filter"
	wait_until 5 grep -q 'listening on' "$out"
}

# cap_stop PID...: stop captures started by cap_start (after a short grace
# so the last packets are printed).
cap_stop() {
	sleep 0.3
	kill "$@" 2>/dev/null
	wait "$@" 2>/dev/null
	return 0
}

# cap_segments FILE: one line per TCP segment in a `tcpdump -vv` text
# capture: "FLAGS CKSUM STATUS MSS", e.g. "S 0xc792 correct 1460" or
# "S. 0x1832 incorrect 1360" (MSS "-" when the segment has none).
# shellcheck disable=SC2034 # read by the tests that source lib.sh
CAP_SYN_FILTER='(tcp[tcpflags] & tcp-syn != 0) or (ip6[6] == 6 and ip6[53] & 2 != 0)'
cap_segments() {
	python3 - "$1" <<'PY'
import re, sys
segs, cur = [], ""
for line in open(sys.argv[1], errors="replace"):
    if re.match(r"^\d", line):
        if cur:
            segs.append(cur)
        cur = line.strip()
    elif line.startswith((" ", "\t")):
        cur += " " + line.strip()
if cur:
    segs.append(cur)
for s in segs:
    f = re.search(r"Flags \[([^\]]*)\]", s)
    c = re.search(r"cksum (0x[0-9a-f]+) \((correct|incorrect)", s)
    m = re.search(r"\bmss (\d+)", s)
    if f:
        print(f.group(1), c.group(1) if c else "-", c.group(2) if c else "-",
              m.group(1) if m else "-")
PY
}
