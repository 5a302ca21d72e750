#!/bin/bash
# test_cli_v6_shards.sh - the CLI keeps the datapath's sharded copy of the
# IPv6 prefixes (mtu_v6_shards, see include/mtuguard.h) equal to mtu_v6,
# read back with bpftool only:
#   - attach makes no trie; after `mtu add` / `mtu del` / `apply`, each
#     prefix of mtu_v6 sits with its MTU in exactly one trie: its slot's
#     (the hash of its /32) when that slot has a trie, else the short one
#     (slot 8192, where every prefix below /32 is); nothing else is in any
#     trie; and where the kernel has v6_shards (status), every /32-or-longer
#     prefix has its slot's trie after the command;
#   - an interrupted change (prefix_sync marked, mtu_v6 changed behind the
#     copy's back, as a CLI killed between the two writes leaves it) is
#     rebuilt by the next writing command, which clears the mark; a reading
#     command (status) changes nothing;
#   - every prefix change bumps the prefix generation (prefix_sync[1], which
#     invalidates the datapath's prefix_cache) exactly once, IPv4 too; the
#     repair bumps it as well, status does not;
#   - bpftool map dump reads mtu_v6_shards (the inner trie ids of the
#     slots that have one).
# timeout: 120
set -u
. "$(dirname "$0")/lib.sh"
lib_init cli_v6_shards

T=cli_v6_shards
if ! mtug_ready; then
	skip "$T" "build/mtuguard not built"
	exit 0
fi
{ A=$(ns_new a) && B=$(ns_new b); } || { fail "$T setup" "ip netns add"; exit 1; }
veth_new "$A" a0 "$B" b0 || { fail "$T setup" "veth"; exit 1; }
bpffs_new || { fail "$T setup" "bpffs mount"; exit 1; }
out=$(mtug "$A" attach a0 --mode native 2>&1) || { fail "$T setup" "attach: $out"; exit 1; }

# Whether this kernel gives each IPv6 shard its trie (status --json).
SHARDED=$(mtug "$A" status --json | python3 -c '
import json, sys
print(int(json.load(sys.stdin)["kernel"]["facilities"]["v6_shards"]["available"]))')

# The slots of mtu_v6_shards that hold a trie, as bpftool -j map dump
# prints them, into $MTUG_TMP/outer.json.  Without v6_shards (before 6.8)
# reading a slot waits for a grace period, 8,193 of them minutes, and the
# CLI never uses a slot but the short one: only that one is read.
outer_dump() {
	if [ "$SHARDED" = 1 ]; then
		bpftool -j map dump pinned "$MTUG_PIN_DIR/mtu_v6_shards" >"$MTUG_TMP/outer.json" 2>&1
	elif ! bpftool -j map lookup pinned "$MTUG_PIN_DIR/mtu_v6_shards" key 0 32 0 0 \
		>"$MTUG_TMP/outer.json" 2>/dev/null; then
		echo "[]" >"$MTUG_TMP/outer.json"
	else
		python3 -c 'import json, sys
print(json.dumps([json.load(open(sys.argv[1]))]))' "$MTUG_TMP/outer.json" >"$MTUG_TMP/outer1.json" &&
			mv "$MTUG_TMP/outer1.json" "$MTUG_TMP/outer.json"
	fi
}

# Differences between mtu_v6 and its copy, nothing when they agree.  Every
# trie there is is read (the slots' and the short one).
copy_why() {
	bpftool -j map dump pinned "$MTUG_PIN_DIR/mtu_v6" >"$MTUG_TMP/v6.json" 2>&1
	outer_dump
	python3 - "$MTUG_TMP" "$SHARDED" <<'PY' 2>&1
import ipaddress, json, subprocess, sys
tmp, sharded = sys.argv[1], sys.argv[2] == "1"
SHARDS, SHORT = 8192, 8192
def slot(addr, plen):
    if plen < 32:
        return SHORT
    top32 = int.from_bytes(ipaddress.IPv6Address(addr).packed[:4], "big")
    return ((top32 * 0x9e3779b1) & 0xffffffff) >> (32 - 13)
def entries(dump):
    # mtu_v6 has BTF ("formatted"); the inner tries, made by the CLI, not
    out = {}
    for e in dump:
        if "formatted" in e:
            f = e["formatted"]
            plen, a, mtu = f["key"]["prefixlen"], bytes(f["key"]["addr"]), f["value"]["mtu"]
        else:
            k = bytes(int(x, 16) for x in e["key"])
            plen, a = int.from_bytes(k[:4], "little"), k[4:20]
            mtu = int.from_bytes(bytes(int(x, 16) for x in e["value"]), "little")
        out["%s/%d" % (ipaddress.IPv6Address(a), plen)] = mtu
    return out
try:
    want = entries(json.load(open(tmp + "/v6.json")))
    # no BTF for a map of maps: key and value (the trie's id) are bytes
    le = lambda v: int.from_bytes(bytes(int(x, 16) for x in v), "little")
    outer = {le(e["key"]): le(e["value"]) for e in json.load(open(tmp + "/outer.json"))}
except Exception as e:
    print("cannot read the maps: %s" % e); sys.exit()
def where(p):
    a, l = p.split("/")
    s = slot(a, int(l))
    return s if s in outer else SHORT
bad, have = [], {}
for s in sorted(outer):
    r = subprocess.run(["bpftool", "-j", "map", "dump", "id", str(outer[s])],
                       capture_output=True, text=True)
    try:
        got = entries(json.loads(r.stdout))
    except Exception:
        bad.append("slot %d: cannot dump trie id %s" % (s, outer[s])); continue
    for p, mtu in got.items():
        if where(p) != s:
            bad.append("%s in slot %d, belongs in %d" % (p, s, where(p)))
        elif p in have:
            bad.append("%s twice" % p)
        have[p] = mtu
for p in sorted(set(want) | set(have)):
    if want.get(p) != have.get(p):
        bad.append("%s: mtu_v6 %s, copy %s" % (p, want.get(p), have.get(p)))
    a, l = p.split("/")
    if sharded and p in want and int(l) >= 32 and where(p) == SHORT:
        bad.append("%s: no trie of its own" % p)
    if not sharded and set(outer) - {SHORT}:
        bad.append("tries in slots %s on a kernel without v6_shards" % sorted(set(outer) - {SHORT}))
print("; ".join(bad))
PY
}
mark() { # prefix_sync[0]
	bpftool -j map lookup pinned "$MTUG_PIN_DIR/prefix_sync" key 0 0 0 0 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["formatted"]["value"])'
}
gen() { # prefix_sync[1]
	bpftool -j map lookup pinned "$MTUG_PIN_DIR/prefix_sync" key 1 0 0 0 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["formatted"]["value"])'
}
gen_check() { # name, generation before, how many bumps
	local now
	now=$(gen)
	if [ "$now" = "$(($2 + $3))" ]; then
		pass "$T/generation: $1"
	else
		fail "$T/generation: $1" "prefix_sync[1] $2 -> $now, want +$3"
	fi
}
check() { # name, extra prefixes to look for
	local name=$1 why; shift
	why=$(copy_why "$@")
	if [ -z "$why" ]; then pass "$T/$name"; else fail "$T/$name" "$why"; fi
}

tries() { # how many slots of mtu_v6_shards hold a trie (see outer_dump)
	outer_dump
	python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$MTUG_TMP/outer.json"
}
n=$(tries)
if [ "$n" = 0 ]; then pass "$T/attach makes no trie"; else fail "$T/attach makes no trie" "$n tries"; fi

P48=2001:db8:1::/48 P64=2001:db8:1:2::/64 P128=2a00:1::7/128 SHORT=2000::/3 P32=2001:db8::/32
g=$(gen)
for p in "$P48 1400" "$P64 1300" "$P128 1480" "$SHORT 1450" "$P32 1420" "10.1.0.0/16 1400"; do
	# shellcheck disable=SC2086 # $p is "PREFIX MTU"
	out=$(mtug "$A" mtu add $p 2>&1) || fail "$T/add" "mtu add $p: $out"
done
check "add" "$P48" "$P64" "$P128" "$SHORT" "$P32"
gen_check "6 adds (5 IPv6, 1 IPv4)" "$g" 6
g=$(gen)
out=$(mtug "$A" mtu add "$P64" 1350 2>&1) || fail "$T/change" "$out"
check "change mtu" "$P64"
gen_check "change" "$g" 1
g=$(gen)
{ out=$(mtug "$A" mtu del "$P48" 2>&1) && out=$(mtug "$A" mtu del "$SHORT" 2>&1); } ||
	fail "$T/del" "$out"
check "del" "$P48" "$SHORT"
gen_check "2 dels" "$g" 2
g=$(gen)
out=$(mtug "$A" mtu del 10.1.0.0/16 2>&1) || fail "$T/del v4" "$out"
gen_check "IPv4 del" "$g" 1

# apply: a config file that drops some, keeps one, adds others.
cat >"$MTUG_TMP/conf" <<CONF
iface a0 { mode native }
prefix $P64 1350
prefix $P128 1480
prefix $P32 1420
prefix 2001:db8:77::/48 1400
prefix fc00::/7 1380
CONF
out=$(mtug "$A" apply -f "$MTUG_TMP/conf" 2>&1) || fail "$T/apply" "$out"
check "apply" "$P128" "$P32" "2001:db8:77::/48" "fc00::/7"

# A CLI killed between mtu_v6 and the copy: the mark set, mtu_v6 changed
# alone (one prefix removed, one added).  status reads and repairs nothing;
# the next writing command rebuilds the copy and clears the mark.
hex() { python3 -c '
import ipaddress, sys
a, l = sys.argv[1].split("/")
print(" ".join(str(b) for b in int(l).to_bytes(4, "little") + ipaddress.IPv6Address(a).packed))' "$1"; }
# shellcheck disable=SC2046 # a key's bytes are separate words
{ bpftool map update pinned "$MTUG_PIN_DIR/prefix_sync" key 0 0 0 0 value 1 0 0 0 &&
	bpftool map delete pinned "$MTUG_PIN_DIR/mtu_v6" key $(hex "$P64") &&
	bpftool map update pinned "$MTUG_PIN_DIR/mtu_v6" key $(hex fd00:5::/64) value 0xdc 5 0 0; } ||
	fail "$T/crash setup" "bpftool"
why=$(copy_why "$P64" fd00:5::/64)
if [[ $why == *"2001:db8:1:2::/64: mtu_v6 None, copy 1350"* ]] &&
   [[ $why == *"fd00:5::/64: mtu_v6 1500, copy None"* ]] && [ "$(mark)" = 1 ]; then
	pass "$T/drift is seen"
else
	fail "$T/drift is seen" "copy_why '$why', mark $(mark)"
fi
g=$(gen)
mtug "$A" status >/dev/null 2>&1
gen_check "status" "$g" 0
if [ "$(copy_why "$P64" fd00:5::/64)" = "$why" ] && [ "$(mark)" = 1 ]; then
	pass "$T/status repairs nothing"
else
	fail "$T/status repairs nothing" "mark $(mark)"
fi
out=$(mtug "$A" mtu add 10.2.0.0/16 1400 2>&1) || fail "$T/next command" "$out"
gen_check "repair and the IPv4 add" "$g" 2
why=$(copy_why "$P64" fd00:5::/64)
if [ -z "$why" ] && [ "$(mark)" = 0 ]; then
	pass "$T/next writing command rebuilds"
else
	fail "$T/next writing command rebuilds" "${why:-copy agrees} mark $(mark)"
fi
exit "$(fail_count)"
