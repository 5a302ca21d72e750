#!/bin/bash
# test_cli_lifecycle.sh - the CLI's attach/detach life cycle on a veth pair
# between two namespaces, A (where mtuguard runs) and B (the peer):
#
#   - 20 attach/detach cycles while TCP connections and a TCP stream flow;
#   - after the last detach nothing is left: no XDP, no mtuguard filter, no
#     clsact that was not there before, no pin directory;
#   - a clsact (and a foreign filter on it) that existed before survives;
#   - attach, let the CLI exit, and the datapath still clamps: the SYN seen
#     in B and the SYN-ACK seen in A carry MSS = MTU - 40 (IPv4) or
#     MTU - 60 (IPv6), and the counters moved;
#   - attach twice is a no-op; status --json, stats --json (exactly the
#     counter names of include/mtuguard.h, then "interfaces") and bpftool
#     map dump are sane.
# timeout: 300
set -u
. "$(dirname "$0")/lib.sh"
lib_init cli_lifecycle
# The TC side of this test is about clsact filters (handles, priorities,
# qdisc ownership): forced here on kernels with TCX too, which
# test_share_tc.sh and test_loader_crash.sh cover.
export MTUGUARD_TC_HOOK=clsact

if ! mtug_ready; then
	skip "cli_lifecycle" "build/mtuguard not built"
	exit 0
fi

CYCLES=${CYCLES:-20}
{ A=$(ns_new a) && B=$(ns_new b); } || { fail "lifecycle setup" "ip netns add"; exit 1; }
veth_new "$A" a0 "$B" b0 || { fail "lifecycle setup" "veth"; exit 1; }
veth_new "$A" a1 "$A" a1p || { fail "lifecycle setup" "veth a1"; exit 1; }
ip -n "$A" addr add 10.77.0.1/24 dev a0
ip -n "$B" addr add 10.77.0.2/24 dev b0
ip -n "$A" addr add fd00:77::1/64 dev a0 nodad
ip -n "$B" addr add fd00:77::2/64 dev b0 nodad
bpffs_new || { fail "lifecycle setup" "bpffs mount"; exit 1; }

# ---- helpers -----------------------------------------------------------------

# Counter names straight from the X-macro, never listed by hand here.
COUNTERS=$(sed -n '/^#define MTUG_COUNTERS(X)/,/^$/p' "$MTUG_ROOT/include/mtuguard.h" |
	grep -o 'X([a-z_0-9]*)' | sed 's/X(\(.*\))/\1/' | tr '\n' ' ')

has_xdp() { ip -n "$A" -d link show a0 | grep -q 'prog/xdp'; }
has_our_filter() { # ingress|egress
	nsx "$A" tc filter show dev a0 "$1" 2>/dev/null | grep -q 'mtuguard\|0x6d67'
}
has_clsact() { nsx "$A" tc qdisc show dev a0 | grep -q clsact; }

# Everything mtuguard added to a0 is gone, and its pin dir too.
# want_clsact: whether a clsact must remain (it existed before).
check_clean() { # want_clsact
	local why=""
	has_xdp && why="XDP still attached"
	has_our_filter ingress && why="${why:+$why, }ingress filter left"
	has_our_filter egress && why="${why:+$why, }egress filter left"
	if [ "$1" = yes ]; then
		has_clsact || why="${why:+$why, }pre-existing clsact removed"
	else
		has_clsact && why="${why:+$why, }clsact left behind"
	fi
	[ -e "$MTUG_PIN_DIR" ] && why="${why:+$why, }pin dir left"
	echo "$why"
}

check_attached() { # egress(yes|no)
	local why=""
	has_xdp || why="no XDP"
	# ptb mode off (a new interface): no TC ingress filter, only egress.
	has_our_filter ingress && why="${why:+$why, }ingress filter (ptb mode off needs none)"
	if [ "$1" = yes ]; then
		has_our_filter egress || why="${why:+$why, }no egress filter"
	fi
	[ -e "$MTUG_PIN_DIR/links" ] || why="${why:+$why, }no links dir"
	echo "$why"
}

# TCP servers in B, v4 and v6: port 5001 accepts and closes, port 5002 is
# a sink that reads until the peer closes.
cat >"$MTUG_TMP/srv.py" <<'EOF'
import socket, threading

def listener(port):
    s = socket.socket(socket.AF_INET6)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    s.listen(64)
    return s

def sink(c):
    while c.recv(65536):
        pass
    c.close()

def serve_sink(s):
    while True:
        c, _ = s.accept()
        threading.Thread(target=sink, args=(c,), daemon=True).start()

threading.Thread(target=serve_sink, args=(listener(5002),), daemon=True).start()
s = listener(5001)
while True:
    c, _ = s.accept()
    c.close()
EOF
# Traffic from A while we cycle: a short connection every 20 ms (counted
# ok / failed) and one long-lived stream that must never break.
cat >"$MTUG_TMP/load.py" <<'EOF'
import signal, socket, sys, time
dst = sys.argv[1]
stop = False
def on_sig(*_):
    global stop
    stop = True
signal.signal(signal.SIGINT, on_sig)
signal.signal(signal.SIGTERM, on_sig)
ok = failed = slow = sent = 0
stream_err = "none"
errors = set()
stream = socket.create_connection((dst, 5002), timeout=5)
buf = b"x" * 4096
while not stop:
    t = time.monotonic()
    try:
        # 3 s: a SYN lost while veth reconfigures for XDP is resent after
        # 1 s; count that as slow, not failed.
        socket.create_connection((dst, 5001), timeout=3).close()
        ok += 1
        if time.monotonic() - t > 0.9:
            slow += 1
    except OSError as e:
        failed += 1
        errors.add(type(e).__name__)
    try:
        stream.sendall(buf)
        sent += len(buf)
    except OSError as e:
        stream_err = str(e)
    time.sleep(0.02)
stream.close()
print("connects_ok %d connects_failed %d stream_bytes %d stream_error %s" %
      (ok, failed, sent, stream_err.replace(" ", "_")), flush=True)
print("# slow connects (a SYN resent): %d; errors: %s" % (slow, sorted(errors)), flush=True)
EOF
bg "$B" "$MTUG_TMP/srv.log" python3 "$MTUG_TMP/srv.py"
wait_until 5 tcp_listening "$B" 5002 || { fail "lifecycle setup" "server"; exit 1; }

tcp_connect() { # addr
	nsx "$A" timeout 3 bash -c "exec 3<>/dev/tcp/$1/5001" 2>/dev/null
}

# ---- 1. attach/detach cycles under traffic ------------------------------------

# Baseline: no clsact before we start.
if has_clsact; then
	fail "lifecycle: baseline" "a0 already has a clsact"
fi
bg "$A" "$MTUG_TMP/load.log" python3 "$MTUG_TMP/load.py" 10.77.0.2
LOAD_PID=$BG_PID
sleep 0.5

cycle_fail=""
tcp_ok=0
t0=$(date +%s%N)
for ((i = 1; i <= CYCLES; i++)); do
	if ! out=$(mtug "$A" attach a0 2>&1); then
		cycle_fail="cycle $i: attach failed: $out"
		break
	fi
	why=$(check_attached yes)
	[ -n "$why" ] && { cycle_fail="cycle $i after attach: $why"; break; }
	tcp_connect 10.77.0.2 && tcp_ok=$((tcp_ok + 1))
	if ! out=$(mtug "$A" detach a0 2>&1); then
		cycle_fail="cycle $i: detach failed: $out"
		break
	fi
	why=$(check_clean no)
	[ -n "$why" ] && { cycle_fail="cycle $i after detach: $why"; break; }
done
t1=$(date +%s%N)
kill -INT "$LOAD_PID" 2>/dev/null
wait "$LOAD_PID" 2>/dev/null
read -r _ c_ok _ c_failed _ s_bytes _ s_err < <(grep '^connects_ok' "$MTUG_TMP/load.log")
grep '^# slow' "$MTUG_TMP/load.log"
log "$CYCLES cycles in $(((t1 - t0) / 1000000)) ms; during them: ${c_ok:-?} connects ok, ${c_failed:-?} failed, stream ${s_bytes:-?} bytes, stream error ${s_err:-?}"

if [ -n "$cycle_fail" ]; then
	fail "lifecycle: $CYCLES attach/detach cycles" "$cycle_fail"
	ns_diag "$A"
else
	pass "lifecycle: $CYCLES attach/detach cycles"
fi
if [ "$tcp_ok" -eq "$CYCLES" ]; then
	pass "lifecycle: a TCP connect in every attached phase ($tcp_ok/$CYCLES)"
else
	fail "lifecycle: a TCP connect in every attached phase" "$tcp_ok of $CYCLES"
fi
# Attach/detach must not disturb the traffic flowing through.
if [ "${c_failed:-x}" = 0 ] && [ "${c_ok:-0}" -gt 0 ] && [ "${s_err:-x}" = none ] &&
	[ "${s_bytes:-0}" -gt 0 ]; then
	pass "lifecycle: traffic unharmed by the cycles ($c_ok connects, $s_bytes stream bytes)"
else
	fail "lifecycle: traffic unharmed by the cycles" \
		"connects ok ${c_ok:-?} failed ${c_failed:-?}, stream ${s_bytes:-?} bytes, error ${s_err:-?}"
fi

why=$(check_clean no)
if [ -z "$why" ]; then
	pass "lifecycle: nothing left after the last detach"
else
	fail "lifecycle: nothing left after the last detach" "$why"
fi

# ---- 2. a clsact that was there before stays ----------------------------------

nsx "$A" tc qdisc add dev a0 clsact
foreign=no
# Someone else's filter on the same clsact: classic BPF "return 0" (no
# match), since cls_bpf is the one classifier every kernel here has.
if nsx "$A" tc filter add dev a0 egress prio 1 bpf bytecode '1,6 0 0 0,' 2>/dev/null; then
	foreign=yes
fi
mtug "$A" attach a0 >/dev/null
own=$(mtug "$A" status --json | python3 -c \
	'import json,sys; print(json.load(sys.stdin)["interfaces"][0]["own_clsact"])' 2>/dev/null)
mtug "$A" detach a0 >/dev/null
why=$(check_clean yes)
if [ "$foreign" = yes ] && ! nsx "$A" tc filter show dev a0 egress | grep -q bytecode; then
	why="${why:+$why, }foreign filter removed"
fi
[ "$own" = False ] || why="${why:+$why, }own_clsact=$own, want False"
if [ -z "$why" ]; then
	pass "lifecycle: pre-existing clsact (and foreign filter: $foreign) kept"
else
	fail "lifecycle: pre-existing clsact kept" "$why"
fi
nsx "$A" tc qdisc del dev a0 clsact

# ---- 2b. refusals and rollback leave nothing behind -----------------------------

# A pin dir that is not on a bpffs, from inside `ip netns exec` (a private
# mount namespace): mounting one there would vanish with the CLI, so attach
# must refuse with one line and create nothing.
PLAIN=$MTUG_TMP/plain
out=$(nsx "$A" "$MTUG_BIN" --pin-dir "$PLAIN/pins" attach a0 2>&1 >/dev/null)
rc=$?
why=""
[ "$rc" = 1 ] || why="exit $rc, want 1"
[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || why="${why:+$why, }not one line"
[ -e "$PLAIN" ] && why="${why:+$why, }created $PLAIN"
has_xdp && why="${why:+$why, }XDP attached"
if [ -z "$why" ]; then
	pass "lifecycle: attach refused on a non-bpffs pin dir in a private mount namespace"
	log "  $out"
else
	fail "lifecycle: attach refused on a non-bpffs pin dir" "$why: $out"
fi

# A failing step after XDP is up (our TC handle/priority taken by someone
# else's filter, on egress: a new interface in ptb mode off gets no
# ingress filter): attach rolls back everything it did, including the
# state it created on the way (pins, pin dir).
nsx "$A" tc qdisc add dev a0 clsact
nsx "$A" tc filter add dev a0 egress prio 28007 handle 0x6d67 bpf bytecode '1,6 0 0 0,'
out=$(mtug "$A" attach a0 2>&1 >/dev/null)
rc=$?
why=""
[ "$rc" = 1 ] || why="exit $rc, want 1"
has_xdp && why="${why:+$why, }XDP left attached"
has_our_filter ingress && why="${why:+$why, }ingress filter left"
nsx "$A" tc filter show dev a0 egress | grep -q bytecode || why="${why:+$why, }foreign filter gone"
has_clsact || why="${why:+$why, }pre-existing clsact removed"
[ -e "$MTUG_PIN_DIR" ] && why="${why:+$why, }pin dir left: $(find "$MTUG_PIN_DIR" -mindepth 1 -maxdepth 1 -printf '%f ')"
if [ -z "$why" ]; then
	pass "lifecycle: failed attach rolls back everything"
	log "  $out"
else
	fail "lifecycle: failed attach rolls back everything" "$why: $out"
fi
nsx "$A" tc qdisc del dev a0 clsact

# ---- 3. the datapath outlives the CLI ---------------------------------------

# Every CLI run below is its own process under `ip netns exec`, with its
# own private mount namespace: only the host bpffs keeps the pins alive.
mtug "$A" attach a0 >/dev/null || fail "lifecycle: attach" "attach failed"
mtug "$A" mtu add 10.77.0.0/24 1400
mtug "$A" mtu add fd00:77::/64 1300
mtug "$A" stats --reset >/dev/null
sleep 0.5 # nothing of ours runs now but the kernel's datapath

cap_start "$B" b0 "$MTUG_TMP/capb.txt" 'tcp port 5001 and tcp[tcpflags] & tcp-syn != 0 or (ip6 and tcp port 5001)'
CAPB=$BG_PID
cap_start "$A" a0 "$MTUG_TMP/capa.txt" 'tcp port 5001 and tcp[tcpflags] & tcp-syn != 0 or (ip6 and tcp port 5001)'
CAPA=$BG_PID
tcp_connect 10.77.0.2
tcp_connect fd00:77::2
cap_stop "$CAPB" "$CAPA"

# cap_segments prints: flags cksum correct|incorrect mss
syn_b4=$(cap_segments "$MTUG_TMP/capb.txt" | awk '$1 == "S" { print $4 }' | head -2 | tr '\n' ' ')
synack_a=$(cap_segments "$MTUG_TMP/capa.txt" | awk '$1 == "S." { print $4 }' | head -2 | tr '\n' ' ')
log "SYN MSS seen in B: $syn_b4; SYN-ACK MSS seen in A: $synack_a"
# The v4 SYN then the v6 SYN, in connection order.
if [ "$syn_b4" = "1360 1240 " ]; then
	pass "lifecycle: after the CLI exited, SYNs leave clamped (1360 v4, 1240 v6)"
else
	fail "lifecycle: SYNs clamped after the CLI exited" "B saw MSS '$syn_b4', want '1360 1240 '"
fi
if [ "$synack_a" = "1360 1240 " ]; then
	pass "lifecycle: after the CLI exited, SYN-ACKs arrive clamped (XDP)"
else
	fail "lifecycle: SYN-ACKs clamped after the CLI exited" "A saw MSS '$synack_a', want '1360 1240 '"
fi
clamped=$(mtug_counter "$A" mss_clamped)
syns=$(mtug_counter "$A" syn_seen)
log "counters: syn_seen=$syns mss_clamped=$clamped"
if [ "${clamped:-0}" -ge 4 ] && [ "${syns:-0}" -ge 4 ]; then
	pass "lifecycle: counters moved (syn_seen $syns, mss_clamped $clamped)"
else
	fail "lifecycle: counters moved" "syn_seen=${syns:-?} mss_clamped=${clamped:-?}, want >= 4"
fi

# ---- 4. attach twice is a no-op -----------------------------------------------

ids() { # the kernel ids of every pinned map and program, and the XDP prog
	local f
	for f in "$MTUG_PIN_DIR"/*; do
		case $(basename "$f") in
		prog_*) bpftool prog show pinned "$f" | head -1 | cut -d: -f1 ;;
		*) bpftool map show pinned "$f" 2>/dev/null | head -1 | cut -d: -f1 ;;
		esac
	done
	ip -n "$A" -d link show a0 | grep -o 'prog/xdp id [0-9]*'
}
ids_before=$(ids)
out=$(mtug "$A" attach a0 2>&1)
rc=$?
ids_after=$(ids)
nfilt=$(nsx "$A" tc filter show dev a0 egress | grep -c 'handle 0x6d67')
if [ "$rc" = 0 ] && echo "$out" | grep -q 'already attached' &&
	[ "$ids_before" = "$ids_after" ] && [ "$nfilt" = 1 ]; then
	pass "lifecycle: attach twice is a no-op"
else
	fail "lifecycle: attach twice is a no-op" "rc=$rc out='$out' filters=$nfilt ids changed: $([ "$ids_before" = "$ids_after" ] && echo no || echo yes)"
fi

# ---- 4b. the TC ingress filter follows the ptb mode ------------------------------

# Only fib and broadcast need TC ingress (a new interface is in mode off):
# `ptb mode` adds and removes it, egress and the clsact stay, and the
# running state still reads back as a config that changes nothing.
n_ingress() { nsx "$A" tc filter show dev a0 ingress 2>/dev/null | grep -c 'handle 0x6d67'; }
noop_apply() { # true if show-config | apply -f - says "no change"
	mtug "$A" show-config | mtug "$A" apply -f - 2>&1 | grep -qx 'no change'
}
why=""
[ "$(n_ingress)" = 0 ] || why="after attach: $(n_ingress) ingress filters, want 0"
noop_apply || why="${why:+$why, }show-config | apply not a no-op (mode off)"
mtug "$A" ptb mode fib || why="${why:+$why, }ptb mode fib failed"
[ "$(n_ingress)" = 1 ] || why="${why:+$why, }after ptb mode fib: $(n_ingress) ingress filters, want 1"
noop_apply || why="${why:+$why, }show-config | apply not a no-op (mode fib)"
mtug "$A" ptb mode broadcast --iface a0 || why="${why:+$why, }ptb mode broadcast failed"
[ "$(n_ingress)" = 1 ] || why="${why:+$why, }after ptb mode broadcast: $(n_ingress) ingress filters, want 1"
mtug "$A" ptb mode off || why="${why:+$why, }ptb mode off failed"
[ "$(n_ingress)" = 0 ] || why="${why:+$why, }after ptb mode off: $(n_ingress) ingress filters, want 0"
has_our_filter egress || why="${why:+$why, }egress filter gone"
has_clsact || why="${why:+$why, }clsact gone (egress needs it)"
noop_apply || why="${why:+$why, }show-config | apply not a no-op (back to off)"
if [ -z "$why" ]; then
	pass "lifecycle: TC ingress only in ptb mode fib/broadcast (attach 0, fib 1, off 0; apply no-op)"
else
	fail "lifecycle: TC ingress follows the ptb mode" "$why"
fi

# With --no-egress and mode off nothing needs the clsact: none is made,
# `ptb mode fib` makes it, `ptb mode off` deletes it again.
why=""
mtug "$A" attach a1 --no-egress >/dev/null || why="attach a1 --no-egress failed"
c1=$(nsx "$A" tc qdisc show dev a1 | grep -c clsact)
mtug "$A" ptb mode fib --iface a1 || why="${why:+$why, }ptb mode fib --iface a1 failed"
c2=$(nsx "$A" tc qdisc show dev a1 | grep -c clsact)
f2=$(nsx "$A" tc filter show dev a1 ingress 2>/dev/null | grep -c 'handle 0x6d67')
mtug "$A" ptb mode off --iface a1 || why="${why:+$why, }ptb mode off --iface a1 failed"
c3=$(nsx "$A" tc qdisc show dev a1 | grep -c clsact)
[ "$c1/$c2/$f2/$c3" = 0/1/1/0 ] || why="${why:+$why, }clsact after attach/fib/off: $c1/$c2/$c3, ingress filters in fib: $f2 (want 0/1/1/0)"
mtug "$A" detach a1 >/dev/null || why="${why:+$why, }detach a1 failed"
if [ -z "$why" ]; then
	pass "lifecycle: --no-egress in ptb mode off has no clsact; fib adds it, off removes it"
else
	fail "lifecycle: clsact follows the filters (--no-egress)" "$why"
fi

# ---- 5. status, stats, bpftool ------------------------------------------------

st=$(mtug "$A" status --json)
why=$(echo "$st" | python3 -c '
import json, sys
d = json.load(sys.stdin)
i = d["interfaces"]
bad = []
if d.get("attached") is not True: bad.append("attached")
if len(i) != 1: bad.append("%d interfaces" % len(i))
else:
    i = i[0]
    for k, v in (("name", "a0"), ("xdp_mode", "native"), ("xdp_attached", True),
                 ("tc_ingress", False), ("tc_egress", True), ("mss", True),
                 ("ptb", True), ("ptb_mode", "off"), ("own_clsact", True)):
        if i.get(k) != v: bad.append("%s=%r" % (k, i.get(k)))
if d["prefixes"] != {"ipv4": 1, "ipv6": 1}: bad.append("prefixes=%r" % d["prefixes"])
print(", ".join(bad))' 2>&1)
if [ -z "$why" ]; then
	pass "lifecycle: status --json"
else
	fail "lifecycle: status --json" "$why"
fi

why=$(mtug "$A" stats --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
# The counter names, then the per-interface rows (test_cli_iface_counters.sh).
want = sys.argv[1].split() + ["interfaces"]
if list(d.keys()) != want:
    print("keys %r, want %r" % (list(d.keys()), want))
elif not all(isinstance(d[k], int) for k in want[:-1]):
    print("non-integer values")
elif not isinstance(d["interfaces"], list):
    print("interfaces is not a list")' "$COUNTERS" 2>&1)
if [ -z "$why" ]; then
	pass "lifecycle: stats --json has exactly the counter names (and interfaces)"
else
	fail "lifecycle: stats --json" "$why"
fi

why=$(mtug "$A" stats --json --per-cpu | python3 -c '
import json, sys
d = json.load(sys.stdin)
names = sys.argv[1].split()
pc = d.get("per_cpu")
if not isinstance(pc, list) or not pc:
    print("no per_cpu array")
else:
    for n in names:
        if sum(c[n] for c in pc) != d[n]:
            print("%s: per-CPU sum %d != %d" % (n, sum(c[n] for c in pc), d[n]))' "$COUNTERS" 2>&1)
if [ -z "$why" ]; then
	pass "lifecycle: stats --per-cpu sums to the totals"
else
	fail "lifecycle: stats --per-cpu" "$why"
fi

# --watch: rates every second until SIGINT; one JSON object per line.
nsx "$A" timeout --preserve-status -s INT 2.5 "$MTUG_BIN" --pin-dir "$MTUG_PIN_DIR" stats --json --watch 1 \
	>"$MTUG_TMP/watch.txt" 2>&1
rc=$?
nlines=$(wc -l <"$MTUG_TMP/watch.txt")
if [ "$rc" = 0 ] && [ "$nlines" -ge 1 ] &&
	python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$MTUG_TMP/watch.txt"; then
	pass "lifecycle: stats --watch (${nlines} samples, exit 0 on SIGINT)"
else
	fail "lifecycle: stats --watch" "rc=$rc, $nlines lines"
fi

mtug "$A" stats --reset >/dev/null
after=$(mtug_counter "$A" mss_clamped)
if [ "$after" = 0 ]; then
	pass "lifecycle: stats --reset zeroes the counters"
else
	fail "lifecycle: stats --reset" "mss_clamped=$after after reset"
fi

dump_c=$(bpftool map dump pinned "$MTUG_PIN_DIR/counters" 2>&1)
dump_m=$(bpftool map dump pinned "$MTUG_PIN_DIR/mtu_v4" 2>&1)
missing=""
for n in $COUNTERS; do
	echo "$dump_c" | grep -q "\"$n\"" || missing="$missing $n"
done
if [ -z "$missing" ] && echo "$dump_m" | grep -q '"prefixlen": 24' &&
	echo "$dump_m" | grep -q '"mtu": 1400'; then
	pass "lifecycle: bpftool map dump shows counter and MTU field names"
else
	fail "lifecycle: bpftool map dump readable" "missing:${missing:- none}; mtu_v4: $(echo "$dump_m" | tr -d '\n ' | head -c 200)"
fi

# ---- 6. last detach removes everything -----------------------------------------

mtug "$A" detach --all >/dev/null
why=$(check_clean no)
if [ -z "$why" ]; then
	pass "lifecycle: detach --all leaves nothing"
else
	fail "lifecycle: detach --all leaves nothing" "$why"
fi
if [ "$(mtug "$A" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["attached"])')" = False ]; then
	pass "lifecycle: status after detach says not attached"
else
	fail "lifecycle: status after detach" "still attached"
fi

[ "$(fail_count)" -eq 0 ]
