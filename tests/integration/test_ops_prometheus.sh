#!/bin/bash
# test_ops_prometheus.sh - `mtuguard stats --prometheus` and `--textfile`:
#
#   - the output is parsed by a real Prometheus parser (Debian's
#     python3-prometheus-client; also `promtool check metrics` when the
#     prometheus package is installed) and checked line by line for the
#     exposition rules the lenient parser lets pass (HELP and TYPE before
#     each family's samples, one family once, label syntax);
#   - every counter of include/mtuguard.h is there as mtuguard_<name>_total,
#     type counter, with the value `stats --json` gives (traffic moved it);
#   - every per-interface counter (all but packets and parse_skipped) is
#     there as mtuguard_iface_<name>_total{interface,ifindex,family}, one
#     sample per attached interface and family, equal to `stats --json`
#     "interfaces"; the interfaces attached by apply -f have their own
#     slots (traffic through a0 only leaves a1 at 0);
#   - mtuguard_interface_info per attached interface with its real ifindex,
#     mtuguard_prefixes{family} with the real counts;
#   - --textfile writes atomically (a reader never sees a partial file, the
#     inode changes on each write, no temporary file is left), mode 0644
#     even under umask 077;
#   - not attached: mtuguard_up 0 and exit 0; bad combinations exit 2.
# timeout: 180
set -u
. "$(dirname "$0")/lib.sh"
lib_init ops_prometheus

if ! mtug_ready; then
	skip "ops_prometheus" "build/mtuguard not built"
	exit 0
fi
PY=/usr/bin/python3
if ! $PY -c 'import prometheus_client.parser' 2>/dev/null; then
	skip "ops_prometheus" "python3-prometheus-client not installed (tools/deps.sh)"
	exit 0
fi

{ A=$(ns_new a) && B=$(ns_new b); } || { fail "ops_prometheus setup" "ip netns add"; exit 1; }
{ veth_new "$A" a0 "$B" b0 && veth_new "$A" a1 "$B" b1; } ||
	{ fail "ops_prometheus setup" "veth"; exit 1; }
ip -n "$A" addr add 10.88.0.1/24 dev a0
ip -n "$B" addr add 10.88.0.2/24 dev b0
bpffs_new || { fail "ops_prometheus setup" "bpffs mount"; exit 1; }
D=$MTUG_TMP

cat >"$D/conf" <<'EOF'
default-mtu 1400
iface a0 { ptb-mode fib }
iface a1 { mode generic; mss off }
prefix 10.1.0.0/16 1400
prefix 10.2.0.0/16 1300
prefix 10.3.0.0/16 1300
prefix fd00:1::/48 1380
EOF
if ! mtug "$A" apply -f "$D/conf" >/dev/null; then
	fail "ops_prometheus setup" "apply failed"
	exit 1
fi
# Some traffic through a0 (XDP sees b0's echo replies and a TCP SYN-ACK).
nsx "$B" ping -c 5 -i 0.05 -q 10.88.0.1 >/dev/null 2>&1
nsx "$A" python3 -c 'import socket,time; s=socket.socket(); s.bind(("10.88.0.1",8080)); s.listen(); time.sleep(3)' &
_LIB_PIDS+=($!)
wait_until 3 tcp_listening "$A" 8080
nsx "$B" bash -c 'exec 3<>/dev/tcp/10.88.0.1/8080' 2>/dev/null
sleep 0.2

COUNTERS=$(sed -n '/^#define MTUG_COUNTERS(X)/,/^$/p' "$MTUG_ROOT/include/mtuguard.h" |
	grep -o 'X([a-z_0-9]*)' | sed 's/X(\(.*\))/\1/' | tr '\n' ' ')

mtug "$A" stats --json >"$D/json1"
mtug "$A" stats --prometheus >"$D/prom" 2>"$D/err"
RC=$?
mtug "$A" stats --json >"$D/json2"

# ---- a real parser, and the rules it does not enforce -------------------------

# check.py FILE: parse with prometheus_client, then check the text by hand.
cat >"$D/check.py" <<'PY'
import re, sys
from prometheus_client.parser import text_string_to_metric_families

text = open(sys.argv[1]).read()
fams = {f.name: f for f in text_string_to_metric_families(text)}
errors = []
# Hand checks: HELP then TYPE before the samples of each family, a family
# in one block, metric and label names and values well formed, a value
# that is a number, a newline at the end.
name_re = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
sample_re = re.compile(r"^(%s)(\{(%s=\"(\\\\|\\\"|\\n|[^\"\\\n])*\")(,%s=\"(\\\\|\\\"|\\n|[^\"\\\n])*\")*\})? (\S+)$"
                       % (name_re, name_re, name_re))
helped, typed, done, cur = set(), {}, set(), None
if not text.endswith("\n"):
    errors.append("no newline at the end")
for n, line in enumerate(text.splitlines(), 1):
    m = re.match(r"^# (HELP|TYPE) (%s) (.+)$" % name_re, line)
    if m:
        kind, fam, rest = m.groups()
        if kind == "HELP":
            if fam in helped:
                errors.append("line %d: second HELP for %s" % (n, fam))
            helped.add(fam)
            if cur and cur != fam:
                done.add(cur)
            cur = fam
        else:
            if fam not in helped or fam in typed:
                errors.append("line %d: TYPE of %s not right after its HELP" % (n, fam))
            if rest not in ("counter", "gauge"):
                errors.append("line %d: type %s" % (n, rest))
            typed[fam] = rest
        continue
    m = sample_re.match(line)
    if not m:
        errors.append("line %d: not a sample: %r" % (n, line))
        continue
    name = m.group(1)
    fam = name[:-6] if typed.get(name[:-6]) == "counter" and name.endswith("_total") else name
    if fam not in typed and name in typed:
        fam = name
    if fam not in typed:
        errors.append("line %d: sample of %s without HELP and TYPE" % (n, name))
    elif fam != cur or fam in done:
        errors.append("line %d: sample of %s outside its family block" % (n, name))
    if typed.get(fam) == "counter" and not name.endswith("_total"):
        errors.append("line %d: counter %s without _total" % (n, name))
    try:
        float(m.group(7))
    except ValueError:
        errors.append("line %d: value %r" % (n, m.group(7)))
for e in errors:
    print("#", e)
sys.exit(1 if errors else 0)
PY

# The hand checks are not vacuous: each broken exposition is refused.
n=0
for broken in 'x_total 1' '# HELP x h\nx 1' '# HELP x h\n# TYPE x counter\nx 1' \
	'# HELP x h\n# TYPE x gauge\nx{a="b} 1' '# HELP x h\n# TYPE x gauge\nx one' \
	'# HELP x h\n# TYPE x gauge\nx 1\n# HELP y h\n# TYPE y gauge\ny 1\nx 2'; do
	printf '%b\n' "$broken" >"$D/broken"
	$PY "$D/check.py" "$D/broken" >/dev/null 2>&1 || n=$((n + 1))
done
if [ "$n" = 6 ]; then
	pass "ops_prometheus: the format checker refuses broken expositions"
else
	fail "ops_prometheus: the format checker refuses broken expositions" "$n of 6 refused"
fi

if [ "$RC" = 0 ] && [ ! -s "$D/err" ] && $PY "$D/check.py" "$D/prom"; then
	pass "ops_prometheus: output parses (prometheus_client) and follows the format"
else
	fail "ops_prometheus: output parses (prometheus_client) and follows the format" \
		"rc $RC; $(head -c 300 "$D/err")"
	sed 's/^/# /' "$D/prom"
fi

if command -v promtool >/dev/null 2>&1; then
	if promtool check metrics <"$D/prom" >"$D/promtool" 2>&1; then
		pass "ops_prometheus: promtool check metrics"
	else
		fail "ops_prometheus: promtool check metrics" "$(tr '\n' '|' <"$D/promtool")"
	fi
else
	log "promtool not installed (Debian package prometheus): python parser only"
fi

# ---- content ---------------------------------------------------------------------------

IF_A0=$(ip -n "$A" -o link show a0 | cut -d: -f1)
IF_A1=$(ip -n "$A" -o link show a1 | cut -d: -f1)
$PY - "$D/prom" "$D/json1" "$D/json2" "$COUNTERS" "$IF_A0" "$IF_A1" >"$D/content" 2>&1 <<'PY'
import json, sys
from prometheus_client.parser import text_string_to_metric_families

fams = {f.name: f for f in text_string_to_metric_families(open(sys.argv[1]).read())}
j1, j2 = json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
names = sys.argv[4].split()
ifa0, ifa1 = sys.argv[5], sys.argv[6]
bad = []

def one(fam, labels=None):
    s = [x for x in fams[fam].samples if labels is None or x.labels == labels]
    return s[0].value if len(s) == 1 else None

# The client strips _total off a counter family's name.
for n in names:
    f = fams.get("mtuguard_" + n)
    if not f or f.type != "counter" or not f.documentation:
        bad.append("counter %s missing, untyped or without HELP" % n)
        continue
    s = f.samples
    if len(s) != 1 or s[0].name != "mtuguard_%s_total" % n or s[0].labels:
        bad.append("counter %s: samples %r" % (n, s))
        continue
    if not j1[n] <= s[0].value <= j2[n]:
        bad.append("counter %s: %s not within stats --json %s..%s" % (n, s[0].value, j1[n], j2[n]))
if one("mtuguard_packets") in (None, 0) or one("mtuguard_syn_seen") in (None, 0):
    bad.append("packets / syn_seen did not move")
# Per interface and family: its own metric names, labels, = stats --json.
rows1 = {(r["name"], r["ifindex"], r["family"]): r for r in j1.get("interfaces", [])}
rows2 = {(r["name"], r["ifindex"], r["family"]): r for r in j2.get("interfaces", [])}
keys = sorted((i, x, f) for i, x in (("a0", ifa0), ("a1", ifa1)) for f in ("ipv4", "ipv6"))
if sorted((k[0], str(k[1]), k[2]) for k in rows1) != keys:
    bad.append("stats --json interfaces: %r" % sorted(rows1))
for n in names:
    f = fams.get("mtuguard_iface_" + n)
    if n in ("packets", "parse_skipped"):
        if f is not None:
            bad.append("mtuguard_iface_%s exported (not counted per interface)" % n)
        if "global only" not in fams["mtuguard_" + n].documentation:
            bad.append("HELP of mtuguard_%s does not say it is global only" % n)
        continue
    if not f or f.type != "counter" or not f.documentation:
        bad.append("iface counter %s missing, untyped or without HELP" % n)
        continue
    got = sorted((s.labels.get("interface"), s.labels.get("ifindex"), s.labels.get("family"))
                 for s in f.samples)
    if got != keys or any(len(s.labels) != 3 or s.name != "mtuguard_iface_%s_total" % n
                          for s in f.samples):
        bad.append("iface counter %s: samples %r" % (n, [(s.name, s.labels) for s in f.samples]))
        continue
    for s in f.samples:
        k = (s.labels["interface"], int(s.labels["ifindex"]), s.labels["family"])
        lo, hi = rows1.get(k, {}).get(n), rows2.get(k, {}).get(n)
        if lo is None or hi is None or not lo <= s.value <= hi:
            bad.append("iface %s %r: %s not within stats --json %s..%s" % (n, k, s.value, lo, hi))
a0v4 = one("mtuguard_iface_syn_seen", {"interface": "a0", "ifindex": ifa0, "family": "ipv4"})
a1v4 = one("mtuguard_iface_syn_seen", {"interface": "a1", "ifindex": ifa1, "family": "ipv4"})
if not a0v4 or a1v4 != 0:
    bad.append("iface syn_seen a0/ipv4 %r (want > 0), a1/ipv4 %r (want 0)" % (a0v4, a1v4))
if fams.get("mtuguard_up") is None or one("mtuguard_up") != 1:
    bad.append("mtuguard_up is not 1")
info = fams.get("mtuguard_interface_info")
want = [
    {"interface": "a0", "ifindex": ifa0, "xdp_mode": "native", "ptb_mode": "fib",
     "mss": "on", "ptb": "on", "egress": "on"},
    {"interface": "a1", "ifindex": ifa1, "xdp_mode": "generic", "ptb_mode": "off",
     "mss": "off", "ptb": "on", "egress": "on"},
]
got = sorted([(s.labels, s.value) for s in info.samples], key=lambda x: x[0]["interface"]) if info else None
if info is None or info.type != "gauge" or got != [(w, 1.0) for w in want]:
    bad.append("interface_info: %r" % (got,))
p = fams.get("mtuguard_prefixes")
if p is None or p.type != "gauge" or one("mtuguard_prefixes", {"family": "ipv4"}) != 3 \
        or one("mtuguard_prefixes", {"family": "ipv6"}) != 1:
    bad.append("prefixes: %r" % (p.samples if p else None,))
if one("mtuguard_default_mtu_bytes") != 1400:
    bad.append("default_mtu_bytes")
for b in bad:
    print("#", b)
sys.exit(1 if bad else 0)
PY
rc=$?
if [ "$rc" = 0 ]; then
	pass "ops_prometheus: every counter (= stats --json), per-interface counters, interface_info, prefixes by family"
else
	fail "ops_prometheus: every counter (= stats --json), per-interface counters, interface_info, prefixes by family" \
		"$(tr '\n' '|' <"$D/content" | head -c 600)"
fi

# ---- --textfile ---------------------------------------------------------------------------

TD=$D/textfile
mkdir -p "$TD"
OUT=$TD/mtuguard.prom
(umask 077; mtug "$A" stats --textfile "$OUT") >"$D/out" 2>"$D/err"
RC=$?
mode=$(stat -c %a "$OUT" 2>/dev/null)
if [ "$RC" = 0 ] && [ ! -s "$D/out" ] && [ ! -s "$D/err" ] && [ "$mode" = 644 ] &&
	$PY "$D/check.py" "$OUT" && [ "$(ls -A "$TD")" = mtuguard.prom ]; then
	pass "ops_prometheus: --textfile writes the metrics, mode 0644 under umask 077, nothing else"
else
	fail "ops_prometheus: --textfile writes the metrics, mode 0644 under umask 077, nothing else" \
		"rc $RC, mode $mode, dir: $(find "$TD" -mindepth 1 -maxdepth 1 -printf '%f '); $(head -c 200 "$D/err")"
fi

# Atomic replacement: a writer loop and a reader loop at once; every read
# is a complete exposition, the file is replaced by a new inode (a rename,
# not an in-place rewrite: the old one, held open here so its number cannot
# be reused, is unlinked with its content intact), and no temporary file is
# left behind.
exec 7<"$OUT"
ino1=$(stat -L -c %i /proc/$$/fd/7)
size1=$(stat -L -c %s /proc/$$/fd/7)
(for i in $(seq 60); do mtug "$A" stats --textfile "$OUT" || echo "write $i failed"; done) \
	>"$D/writer" 2>&1 &
WPID=$!
_LIB_PIDS+=("$WPID")
$PY - "$OUT" "$WPID" >"$D/reader" 2>&1 <<'PY'
import os, sys
from prometheus_client.parser import text_string_to_metric_families
path, wpid = sys.argv[1], int(sys.argv[2])
reads = partial = 0
def alive():
    try:
        os.kill(wpid, 0)
        return True
    except OSError:
        return False
while alive() or reads == 0:
    with open(path) as f:
        t = f.read()
    reads += 1
    ok = t.endswith("\n") and "mtuguard_up 1\n" in t and "mtuguard_default_mtu_bytes" in t
    try:
        list(text_string_to_metric_families(t))
    except Exception:
        ok = False
    partial += not ok
print("reads", reads, "partial", partial)
sys.exit(1 if partial else 0)
PY
RRC=$?
wait "$WPID"
ino2=$(stat -c %i "$OUT")
old_gone=0
[ "$(stat -L -c %h /proc/$$/fd/7)" = 0 ] && [ "$(stat -L -c %s /proc/$$/fd/7)" = "$size1" ] &&
	old_gone=1
exec 7<&-
if [ "$RRC" = 0 ] && [ ! -s "$D/writer" ] && [ "$ino1" != "$ino2" ] && [ "$old_gone" = 1 ] &&
	[ "$(ls -A "$TD")" = mtuguard.prom ] && [ "$(stat -c %a "$OUT")" = 644 ]; then
	pass "ops_prometheus: --textfile replaces atomically (temp + rename, no partial read)"
else
	fail "ops_prometheus: --textfile replaces atomically (temp + rename, no partial read)" \
		"reader: $(cat "$D/reader"); writer: $(head -c 200 "$D/writer"); inode $ino1 -> $ino2, old unlinked intact $old_gone; dir: $(find "$TD" -mindepth 1 -maxdepth 1 -printf '%f ')"
fi
log "atomic: $(cat "$D/reader")"

# A directory that does not exist: one error line, exit 1, no litter.
mtug "$A" stats --textfile "$TD/nodir/x.prom" >"$D/out" 2>"$D/err"
RC=$?
if [ "$RC" = 1 ] && [ "$(wc -l <"$D/err")" = 1 ] && [ "$(ls -A "$TD")" = mtuguard.prom ]; then
	pass "ops_prometheus: --textfile into a missing directory fails cleanly"
else
	fail "ops_prometheus: --textfile into a missing directory fails cleanly" \
		"rc $RC; $(tr '\n' '|' <"$D/err")"
fi

# ---- bad combinations, not attached --------------------------------------------------------

ok=1
for args in "--prometheus --json" "--prometheus --per-cpu" "--prometheus --watch 1" \
	"--prometheus --reset" "--textfile" "--textfile $OUT --reset" "--prometheus extra"; do
	# shellcheck disable=SC2086 # $args is several options
	mtug "$A" stats $args >"$D/out" 2>"$D/err"
	rc=$?
	# With --json the one line is {"error": ...} on stdout instead.
	if [[ $args == *--json* ]]; then
		bad=$([ -s "$D/err" ] || ! grep -qx '{"error":.*}' "$D/out" ||
			[ "$(wc -l <"$D/out")" != 1 ] && echo 1)
	else
		bad=$([ "$(wc -l <"$D/err")" != 1 ] || [ -s "$D/out" ] && echo 1)
	fi
	if [ "$rc" != 2 ] || [ -n "$bad" ]; then
		ok=0
		log "stats $args: rc $rc, $(cat "$D/err")"
	fi
done
if [ "$ok" = 1 ]; then
	pass "ops_prometheus: bad option combinations exit 2 with one line"
else
	fail "ops_prometheus: bad option combinations exit 2 with one line" "see log"
fi

mtug "$A" detach --all >/dev/null
mtug "$A" stats --prometheus >"$D/prom0" 2>"$D/err"
RC=$?
mtug "$A" stats --textfile "$OUT" 2>>"$D/err"
RC2=$?
if [ "$RC" = 0 ] && [ "$RC2" = 0 ] && [ ! -s "$D/err" ] && $PY "$D/check.py" "$D/prom0" &&
	[ "$(grep -v '^#' "$D/prom0")" = "mtuguard_up 0" ] && cmp -s "$D/prom0" "$OUT" &&
	[ ! -e "$MTUG_PIN_DIR" ]; then
	pass "ops_prometheus: not attached: mtuguard_up 0 and nothing else, exit 0"
else
	fail "ops_prometheus: not attached: mtuguard_up 0 and nothing else, exit 0" \
		"rc $RC/$RC2; $(tr '\n' '|' <"$D/prom0"); $(head -c 200 "$D/err")"
fi

[ "$(fail_count)" -eq 0 ]
