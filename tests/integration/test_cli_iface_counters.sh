#!/bin/bash
# test_cli_iface_counters.sh - per-interface, per-family counters
# (iface_counters, `stats --json` "interfaces", plain `stats`):
#
#   C4 (IPv4 client) --c4/r4-- R --rs/s0-- S (server, IPv4 + IPv6)
#   C6 (IPv6 client) --c6/r6--/
#
# mtuguard runs in R on r4 and r6 (not rs) with `mtu default 1400`.  Real
# Linux TCP connects from C4 over IPv4 and from C6 over IPv6: each
# connection is a SYN in at r4/r6 (XDP) and a SYN-ACK out of it (TC egress),
# both clamped.  Checked:
#   - the two interfaces have distinct slots (iface_cfg.slot, bpftool);
#   - syn_seen / mss_clamped land in r4/ipv4 and r6/ipv6 (2 per connection)
#     and are 0 in r4/ipv6 and r6/ipv4; the sum over the rows equals the
#     global syn_seen and mss_clamped; packets / parse_skipped are not
#     per-interface keys; plain `stats` prints the same rows;
#   - detach r4 leaves its old rows non-zero in the map (the datapath and
#     detach do not clear them) and r6's counts intact; attaching r4 again
#     reuses the lowest free slot and starts it at zero, and counting goes
#     on there;
#   - `stats --reset` zeroes the interface rows too (after traffic moved
#     them).
# timeout: 120
set -u
. "$(dirname "$0")/lib.sh"
lib_init cli_iface_counters

T=cli_iface_counters
if ! mtug_ready; then
	skip "$T" "build/mtuguard not built"
	exit 0
fi

N=${N:-5} # connections per family

{ C4=$(ns_new c4) && C6=$(ns_new c6) && R=$(ns_new r) && S=$(ns_new s); } ||
	{ fail "$T setup" "ip netns add"; exit 1; }
{ veth_new "$C4" c4 "$R" r4 && veth_new "$C6" c6 "$R" r6 && veth_new "$R" rs "$S" s0; } ||
	{ fail "$T setup" "veth"; exit 1; }
ns_forwarding "$R"
ip -n "$C4" addr add 10.79.4.2/24 dev c4
ip -n "$C4" route add default via 10.79.4.1
ip -n "$C6" addr add fd79:6::2/64 dev c6 nodad
ip -n "$C6" route add default via fd79:6::1
ip -n "$R" addr add 10.79.4.1/24 dev r4
ip -n "$R" addr add fd79:6::1/64 dev r6 nodad
ip -n "$R" addr add 10.79.9.1/24 dev rs
ip -n "$R" addr add fd79:9::1/64 dev rs nodad
ip -n "$S" addr add 10.79.9.2/24 dev s0
ip -n "$S" addr add fd79:9::2/64 dev s0 nodad
ip -n "$S" route add default via 10.79.9.1
ip -n "$S" route add default via fd79:9::1
bpffs_new || { fail "$T setup" "bpffs mount"; exit 1; }
D=$MTUG_TMP

# A listener on both families that accepts and closes, for as long as the test.
bg "$S" "$D/server.log" python3 -c '
import select, socket
ls = []
for fam, addr in ((socket.AF_INET, "10.79.9.2"), (socket.AF_INET6, "fd79:9::2")):
    s = socket.socket(fam)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, 8079))
    s.listen(64)
    ls.append(s)
while True:
    for s in select.select(ls, [], [])[0]:
        s.accept()[0].close()'
wait_until 5 tcp_listening "$S" 8079 || { fail "$T setup" "server not listening"; exit 1; }

# connect NS ADDR N: N TCP connections; prints how many succeeded.
connect() {
	nsx "$1" python3 -c '
import socket, sys
ok = 0
for _ in range(int(sys.argv[2])):
    try:
        socket.create_connection((sys.argv[1], 8079), timeout=3).close()
        ok += 1
    except OSError:
        pass
print(ok)' "$2" "$3"
}

if ! mtug "$R" attach r4 >/dev/null || ! mtug "$R" attach r6 >/dev/null ||
	! mtug "$R" mtu default 1400; then
	fail "$T setup" "attach / mtu default failed"
	exit 1
fi
IF_R4=$(ip -n "$R" -o link show r4 | cut -d: -f1)
IF_R6=$(ip -n "$R" -o link show r6 | cut -d: -f1)

# slots: "ifindex=slot ..." from bpftool's dump of iface_cfg.
slots() {
	bpftool -j map dump pinned "$MTUG_PIN_DIR/iface_cfg" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join("%d=%d" % (e["formatted"]["key"], e["formatted"]["value"]["slot"])
               for e in sorted(d, key=lambda e: e["formatted"]["key"])))'
}
check_mirror() {
	local why
	why=$(iface_fast_mirror)
	if [ -z "$why" ]; then
		pass "$T: iface_fast mirrors iface_cfg $1"
	else
		fail "$T: iface_fast mirrors iface_cfg $1" "$why"
	fi
}

# row_sum ROW FIELD: a field of one iface_counters row summed over the CPUs.
row_sum() {
	bpftool -j map lookup pinned "$MTUG_PIN_DIR/iface_counters" \
		key $(($1 & 255)) $(($1 >> 8 & 255)) 0 0 2>/dev/null |
		python3 -c '
import json, sys
d = json.load(sys.stdin)
d = d.get("formatted", d)
print(sum(v["value"][sys.argv[1]] for v in d["values"]))' "$2"
}

# ---- distinct slots ---------------------------------------------------------------

S1=$(slots)
log "slots after attach: $S1 (r4 $IF_R4, r6 $IF_R6)"
if [ "$S1" = "$(printf '%s\n' "$IF_R4=0" "$IF_R6=1" | sort -t= -k1n | tr '\n' ' ' | sed 's/ $//')" ]; then
	pass "$T: attach gives each interface the lowest free slot (0, 1)"
else
	fail "$T: attach gives each interface the lowest free slot (0, 1)" "iface_cfg slots: '$S1'"
fi

check_mirror "after attach"
mtug "$R" disable mss --iface r4 >/dev/null
mtug "$R" ptb mode fib --iface r6 >/dev/null
mtug "$R" mtu iface r6 1380 >/dev/null
check_mirror "after disable / ptb mode / mtu iface"
mtug "$R" enable mss --iface r4 >/dev/null
mtug "$R" ptb mode off --iface r6 >/dev/null
mtug "$R" mtu iface r6 none >/dev/null

# ---- traffic: IPv4 through r4, IPv6 through r6 ---------------------------------------

# Neighbours resolved first, so no SYN waits for ND/ARP and is resent.
nsx "$C4" ping -c 2 -i 0.2 -W 2 -q 10.79.9.2 >/dev/null 2>&1
nsx "$C6" ping -c 2 -i 0.2 -W 2 -q fd79:9::2 >/dev/null 2>&1
connect "$C4" 10.79.9.2 1 >/dev/null
connect "$C6" fd79:9::2 1 >/dev/null
mtug "$R" stats --reset >/dev/null
ok4=$(connect "$C4" 10.79.9.2 "$N")
ok6=$(connect "$C6" fd79:9::2 "$N")
sleep 0.2
mtug "$R" stats --json >"$D/json1" 2>"$D/err1"
mtug "$R" stats >"$D/text1" 2>>"$D/err1"
log "connections: ipv4 $ok4/$N, ipv6 $ok6/$N"

# check.py JSON R4 R6 WANT4 WANT6: rows and sums as described at the top.
cat >"$D/check.py" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
r4, r6, w4, w6 = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
bad = []
rows = {(i["ifindex"], i["family"]): i for i in d.get("interfaces", [])}
if sorted(rows) != sorted([(r4, "ipv4"), (r4, "ipv6"), (r6, "ipv4"), (r6, "ipv6")]):
    bad.append("rows %r" % sorted(rows))
else:
    want = {(r4, "ipv4"): w4, (r4, "ipv6"): 0, (r6, "ipv4"): 0, (r6, "ipv6"): w6}
    for k, w in want.items():
        for c in ("syn_seen", "mss_clamped"):
            if rows[k][c] != w:
                bad.append("%s/%s %s=%d, want %d" % (rows[k]["name"], k[1], c, rows[k][c], w))
    for c in ("syn_seen", "mss_clamped", "mss_unchanged", "ptb_seen"):
        s = sum(r[c] for r in rows.values())
        if s != d[c]:
            bad.append("sum of %s over the rows %d != global %d" % (c, s, d[c]))
    for r in rows.values():
        for c in ("packets", "parse_skipped"):
            if c in r:
                bad.append("%s is a per-interface key" % c)
    if rows[(r4, "ipv4")]["name"] != "r4" or rows[(r6, "ipv6")]["name"] != "r6":
        bad.append("names")
print("; ".join(bad))
PY
why=$(python3 "$D/check.py" "$D/json1" "$IF_R4" "$IF_R6" $((2 * N)) $((2 * N)) 2>&1)
[ "$ok4" = "$N" ] && [ "$ok6" = "$N" ] || why="connections $ok4/$ok6 of $N; $why"
[ -s "$D/err1" ] && why="$why; stderr: $(head -c 200 "$D/err1")"
if [ -z "$why" ]; then
	pass "$T: IPv4 SYNs count in r4/ipv4, IPv6 SYNs in r6/ipv6, 0 elsewhere, rows sum to the global"
else
	fail "$T: IPv4 SYNs count in r4/ipv4, IPv6 SYNs in r6/ipv6, 0 elsewhere, rows sum to the global" "$why"
	tr -d '\n' <"$D/json1" | sed 's/^/# /'; echo
fi

w=$((2 * N))
if grep -qx "r4 (ifindex $IF_R4) ipv4: syn_seen $w, mss_clamped $w" "$D/text1" &&
	grep -qx "r4 (ifindex $IF_R4) ipv6: -" "$D/text1" &&
	grep -qx "r6 (ifindex $IF_R6) ipv6: syn_seen $w, mss_clamped $w" "$D/text1"; then
	pass "$T: plain stats prints the interface rows"
else
	fail "$T: plain stats prints the interface rows" "$(grep ifindex "$D/text1" | tr '\n' '|')"
fi

# ---- detach, re-attach: the slot comes back zeroed -------------------------------------

S4=${S1#*"$IF_R4="}; S4=${S4%% *}
ROW4=$((S4 * 2))
mtug "$R" detach r4 >/dev/null
check_mirror "after detach r4"
left=$(row_sum "$ROW4" syn_seen)
mtug "$R" stats --json >"$D/json2"
mtug "$R" attach r4 >/dev/null
check_mirror "after re-attach"
S2=$(slots)
mtug "$R" stats --json >"$D/json3"
log "slots after re-attach: $S2; r4's old row $ROW4 held syn_seen=$left after detach"
why=$(python3 - "$D/json2" "$D/json3" "$IF_R4" "$IF_R6" "$w" <<'PY'
import json, sys
j2, j3 = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
r4, r6, w = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
bad = []
rows2 = {(i["ifindex"], i["family"]): i for i in j2["interfaces"]}
rows3 = {(i["ifindex"], i["family"]): i for i in j3["interfaces"]}
if sorted(rows2) != [(r6, "ipv4"), (r6, "ipv6")]:
    bad.append("after detach rows %r" % sorted(rows2))
for fam in ("ipv4", "ipv6"):
    r = rows3.get((r4, fam))
    if r is None:
        bad.append("no r4/%s row after re-attach" % fam)
    elif any(v for k, v in r.items() if k not in ("name", "ifindex", "family")):
        bad.append("r4/%s not zero after re-attach: %r" % (fam, r))
r = rows3.get((r6, "ipv6"))
if r is None or r["syn_seen"] != w:
    bad.append("r6/ipv6 syn_seen %r, want %d (untouched)" % (r and r["syn_seen"], w))
print("; ".join(bad))
PY
)
[ "$S2" = "$S1" ] || why="${why:+$why; }slots $S1 -> $S2 (want the same)"
[ "${left:-0}" -gt 0 ] || why="${why:+$why; }old row $ROW4 was already 0 after detach (syn_seen '$left'): nothing to prove"
if [ -z "$why" ]; then
	pass "$T: detach + re-attach reuses the slot, its rows start at zero, r6 untouched"
else
	fail "$T: detach + re-attach reuses the slot, its rows start at zero, r6 untouched" "$why"
fi

mtug "$R" stats --reset >/dev/null
ok4=$(connect "$C4" 10.79.9.2 2)
ok6=$(connect "$C6" fd79:9::2 1)
sleep 0.2
mtug "$R" stats --json >"$D/json4"
why=$(python3 "$D/check.py" "$D/json4" "$IF_R4" "$IF_R6" 4 2 2>&1)
[ "$ok4" = 2 ] && [ "$ok6" = 1 ] || why="connections $ok4 of 2, $ok6 of 1; $why"
if [ -z "$why" ]; then
	pass "$T: the re-attached interface counts in its slot again"
else
	fail "$T: the re-attached interface counts in its slot again" "$why"
fi

# ---- --reset -----------------------------------------------------------------------------

mtug "$R" stats --reset >/dev/null
mtug "$R" stats --json >"$D/json5"
why=$(python3 - "$D/json5" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
bad = ["%s/%s" % (r["name"], r["family"]) for r in d["interfaces"]
       if any(v for k, v in r.items() if k not in ("name", "ifindex", "family"))]
if len(d["interfaces"]) != 4:
    bad.append("%d rows" % len(d["interfaces"]))
print(" ".join(bad))
PY
)
if [ -z "$why" ]; then
	pass "$T: stats --reset zeroes the interface rows"
else
	fail "$T: stats --reset zeroes the interface rows" "not zero: $why"
fi

# --reset takes the pin dir lock (two at once would print the same counts
# and both clear them): it waits for a holder, which touches a file just
# before it lets go.  A plain stats does not wait.
flock -x "$MTUG_PIN_DIR" -c "sleep 2; touch '$D/released'" &
holder=$!
sleep 0.5
mtug "$R" stats >/dev/null
plain=$([ -e "$D/released" ] && echo waited || echo "did not wait")
mtug "$R" stats --reset >/dev/null
reset=$([ -e "$D/released" ] && echo waited || echo "did not wait")
wait "$holder"
if [ "$plain" = "did not wait" ] && [ "$reset" = waited ]; then
	pass "$T: stats --reset holds the pin dir lock, stats does not"
else
	fail "$T: stats --reset holds the pin dir lock, stats does not" \
		"stats $plain, stats --reset $reset"
fi

mtug "$R" detach --all >/dev/null
[ "$(fail_count)" -eq 0 ]
