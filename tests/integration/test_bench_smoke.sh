#!/bin/bash
# test_bench_smoke.sh - `make bench` in smoke mode (tools/bench.sh --quick):
# tiny repeat counts, one round, short windows.  Checks that the benchmark
# runs to the end, prints its table and writes valid JSON with the expected
# keys, and that every measured path was the one claimed (clamped SYNs
# arrive clamped, steered PTBs are steered, ...).  No timing thresholds:
# the figures of a smoke run mean nothing.
# timeout: 300
set -u
. "$(dirname "$0")/lib.sh"
lib_init bench_smoke

for b in "$BUILD/tools/bench_pkt" "$BUILD/tools/trafficgen"; do
	if [ ! -x "$b" ]; then
		skip "bench_smoke" "$b not built"
		exit 0
	fi
done

# Bad options are refused before anything runs: exit 2, one line naming
# the option, no JSON.  (A zero count would otherwise run the whole bench,
# and an option the PTB series ignores would go unnoticed.)
bad=""
while IFS='|' read -r args word; do
	rm -f "$MTUG_TMP/refused.json"
	# shellcheck disable=SC2086 # the arguments are split on purpose
	err=$(BUILD=$BUILD timeout 10 "$MTUG_ROOT/tools/bench.sh" $args \
		--out "$MTUG_TMP/refused.json" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -ne 2 ] || [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ] ||
		[[ $err != *"$word"* ]] || [ -e "$MTUG_TMP/refused.json" ]; then
		bad="$bad [$args: exit $rc, '$err']"
	fi
done <<'EOF'
--rounds 0|--rounds
--repeat 1e6|--repeat
--fwd-rounds -3|--fwd-rounds
--seconds 0|--seconds
--seconds fast|--seconds
--ptb-series 0|--ptb-series
--ptb-series 3 --no-fwd|--no-fwd
--ptb-series 3 --threaded|--threaded
--ptb-series 3 --seconds 1|--seconds
--turbo|--turbo
--compare 2|--against
--compare 2 --against /nonexistent|/nonexistent
--against .|--compare
--compare 2 --ptb-series 2 --against .|one at a time
--compare 0 --against .|--compare
--compare 2 --no-fwd --against .|--no-fwd
EOF
if [ -z "$bad" ]; then
	pass "bench_smoke_bad_options"
else
	fail "bench_smoke_bad_options" "$bad"
fi

out=$MTUG_TMP/bench.json
# The tables go into a copy of docs/benchmarks.md (--doc); the real one
# must stay as it is (a quick run never writes it on its own).
DOC=$MTUG_ROOT/docs/benchmarks.md
doc_sum=$(sha256sum <"$DOC")
cp "$DOC" "$MTUG_TMP/doc.md"
cp "$DOC" "$MTUG_TMP/doc-series.md"
log=$MTUG_TMP/bench.log
start=$(date +%s)
BUILD=$BUILD timeout 120 "$MTUG_ROOT/tools/bench.sh" --quick --out "$out" \
	--doc "$MTUG_TMP/doc.md" >"$log" 2>&1
rc=$?
elapsed=$(( $(date +%s) - start ))
log "bench.sh --quick: exit $rc after $elapsed s"

if [ "$rc" -eq 124 ]; then
	fail "bench_smoke_runs" "timed out after 120 s"
elif [ ! -s "$out" ] || [ "$rc" -ne 0 ]; then
	fail "bench_smoke_runs" "exit $rc$([ -s "$out" ] || echo ', no JSON written')"
else
	pass "bench_smoke_runs"
fi

missing=""
for h in "## Results" "### Per-packet cost (XDP)" "### Forwarding throughput" \
	"### Memory" "### Targets" "| TCP non-SYN |" "| SYN, clamped |" \
	"| PTB steered (fib), 576 B |" "| kernel fwd + iptables TCPMSS |" \
	"| mtuguard clamp + XDP forwarding |"; do
	grep -qF -- "$h" "$log" || missing="$missing '$h'"
done
if [ -z "$missing" ]; then
	pass "bench_smoke_table"
else
	fail "bench_smoke_table" "not printed:$missing"
fi

# JSON: parses, has the keys the tables and the tools read.
python3 - "$out" >"$MTUG_TMP/json.check" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
need = {
    "": ["machine", "per_packet", "forwarding", "memory", "targets", "ok"],
    "machine": ["nproc", "kernel", "cpu", "srso"],
    "per_packet": ["repeat", "rounds", "prog", "configs", "components", "memory"],
    "forwarding": ["setup", "cases"],
    "memory": ["prefixes_per_family", "mtu_v4_memlock_bytes", "mtu_v6_memlock_bytes"],
}
errs = []
for sect, keys in need.items():
    obj = d if not sect else d.get(sect)
    if not isinstance(obj, dict):
        errs.append("no object %r" % sect)
        continue
    errs += ["%s.%s missing" % (sect or "top", k) for k in keys if k not in obj]
pp = d.get("per_packet") or {}
cfgs = pp.get("configs") or []
if len(cfgs) != 3:
    errs.append("per_packet: %d prefix configurations, want 3" % len(cfgs))
want = {"non_ip", "udp", "tcp_nonsyn", "syn_clamp", "syn_small", "syn6_clamp",
        "ptb_steer", "ptb_off", "ptb6_steer", "ptb6_off", "ptb_invalid"}
for c in cfgs:
    keys = {k["key"] for k in c.get("classes", [])}
    if want - keys:
        errs.append("prefixes %s: classes missing %s" % (c.get("prefixes"), sorted(want - keys)))
    for k in c.get("classes", []):
        for f in ("ns", "baseline_ns", "overhead_ns", "path_ok"):
            if f not in k:
                errs.append("class %s: %s missing" % (k.get("key"), f))
    if "empty_ns" not in c:
        errs.append("prefixes %s: empty_ns missing" % c.get("prefixes"))
# the steered PTB done by a program that does only that, without and with
# the design's bookkeeping: measured, and carried into the PTB target's row
comps = {k.get("key"): k for k in pp.get("components") or []}
for k in ("ptb_min", "ptb_books"):
    if "1" not in (comps.get(k) or {}).get("overhead_ns", {}):
        errs.append("component %s not measured" % k)
ptb = {t["target"].split(":")[0]: t for t in d.get("targets", [])
       if t["target"].startswith("PTB steer")}
if (ptb.get("PTB steer, IPv4") or {}).get("minimal") is None:
    errs.append("IPv4 PTB target without the minimal program's figure")
if (ptb.get("PTB steer, IPv4") or {}).get("books") is None:
    errs.append("IPv4 PTB target without the figure with the design's bookkeeping")
if (ptb.get("PTB steer, IPv6") or {}).get("alone") is None:
    errs.append("IPv6 PTB target without the IPv6 lookup's figure")
cases = {c["key"]: c for c in (d.get("forwarding") or {}).get("cases", [])}
for k in ("kernel", "iptables", "nft", "mtug_clamp", "mtug_fwd"):
    c = cases.get(k)
    if not c:
        errs.append("forwarding case %s missing" % k)
        continue
    for m in ("syn", "mixed"):
        if not isinstance(c.get(m), dict) or "mpps_median" not in c[m] \
                or "ratio_to_iptables" not in c[m]:
            errs.append("forwarding %s.%s incomplete" % (k, m))
if not any("forwarding" in t["target"] for t in d.get("targets", [])):
    errs.append("no forwarding target in targets")
print("\n".join(errs) if errs else "ok")
sys.exit(1 if errs else 0)
EOF
rc=$?
if [ "$rc" -eq 0 ]; then
	pass "bench_smoke_json"
else
	fail "bench_smoke_json" "$(head -n 3 "$MTUG_TMP/json.check" | tr '\n' ';')"
fi

# Every path measured is the one claimed (bench_report.py's checks).
problems=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print("; ".join(d.get("problems", [])))' "$out" 2>/dev/null)
if python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1])).get("ok") else 1)' "$out" 2>/dev/null; then
	pass "bench_smoke_paths"
else
	fail "bench_smoke_paths" "${problems:-no verdict in the JSON}"
fi

# --ptb-series: two runs, the PTB figures of each (three programs, two
# lookups), side by side.
# And the aggregator refuses a run whose own checks failed, or one without
# a figure (here: the main run's per-packet JSON, doctored).
series=$MTUG_TMP/bench_ptb.json
BUILD=$BUILD timeout 60 "$MTUG_ROOT/tools/bench.sh" --quick --ptb-series 2 --doc "$MTUG_TMP/doc-series.md" \
	--out "$series" >"$MTUG_TMP/series.log" 2>&1
rc=$?
python3 - "$series" "$out" "$MTUG_ROOT/tools/bench_ptb_series.py" "$MTUG_TMP" \
	>"$MTUG_TMP/series.check" 2>&1 <<'EOF'
import json, os, subprocess, sys
series, main, tool, tmp = sys.argv[1:]
errs = []
d = json.load(open(series))
if len(d.get("runs", [])) != 2:
    errs.append("%d runs in the series, not 2" % len(d.get("runs", [])))
keys = [r.get("key") for r in d.get("rows", [])]
if keys != ["ptb_min", "ptb_books", "mtuguard", "fib", "fib_direct"]:
    errs.append("rows %s" % keys)
for r in d.get("runs", []):
    if not all(isinstance(r.get(k), (int, float)) for k in keys):
        errs.append("run without a figure: %s" % r)
pkt = json.load(open(main))["per_packet"]
for name, bad, why in (
        ("failed check", dict(pkt, ok=False), "check failed"),
        ("no ptb_books", dict(pkt, components=[
            c for c in pkt["components"] if c["key"] != "ptb_books"]),
         "no figure for ptb_books")):
    src, dst = os.path.join(tmp, "doctored.json"), os.path.join(tmp, "doctored.out")
    json.dump(bad, open(src, "w"))
    if os.path.exists(dst):
        os.unlink(dst)
    p = subprocess.run([sys.executable, tool, dst, src], capture_output=True, text=True)
    if p.returncode != 1 or os.path.exists(dst) or why not in p.stderr:
        errs.append("%s: exit %d, %s, stderr %r" % (
            name, p.returncode, "wrote its JSON" if os.path.exists(dst) else "no JSON",
            p.stderr.strip()[-80:]))
print("\n".join(errs) if errs else "ok")
sys.exit(1 if errs else 0)
EOF
crc=$?
if [ "$rc" -ne 0 ]; then
	fail "bench_smoke_ptb_series" "bench.sh --ptb-series 2: exit $rc"
	cat "$MTUG_TMP/series.log"
elif ! grep -qF "| the same with the design's bookkeeping |" "$MTUG_TMP/series.log"; then
	fail "bench_smoke_ptb_series" "no table printed"
	cat "$MTUG_TMP/series.log"
elif [ "$crc" -ne 0 ]; then
	fail "bench_smoke_ptb_series" "$(head -n 3 "$MTUG_TMP/series.check" | tr '\n' ';')"
else
	pass "bench_smoke_ptb_series"
fi

# --compare: this tree's build against itself given as another checkout,
# two loads each: a table with both builds' figures and their difference
# for every class, and each load's figures in the JSON.
cmp=$MTUG_TMP/bench_compare.json
BUILD=$BUILD timeout 60 "$MTUG_ROOT/tools/bench.sh" --quick --compare 2 --against "$MTUG_ROOT" \
	--out "$cmp" >"$MTUG_TMP/compare.log" 2>&1
rc=$?
why=$(python3 - "$cmp" <<'EOF' 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
keys = [c["key"] for c in d["classes"]]
errs = []
if len(keys) < 10 or "ptb_steer" not in keys or "syn_clamp" not in keys:
    errs.append("classes %s" % keys)
for c in d["classes"]:
    b = c["builds"]
    if len(b) != 2 or not all(x and isinstance(x["mean"], (int, float)) for x in b):
        errs.append("%s: %s" % (c["key"], b))
if sorted(len(v) for v in d["loads"].values()) != [2, 2]:
    errs.append("loads %s" % {k: len(v) for k, v in d["loads"].items()})
print("; ".join(errs[:3]))
EOF
)
if [ "$rc" -eq 0 ] && [ -z "$why" ] && grep -q '^| SYN, clamped | .* +- .* | .* +- .* | [-+][0-9.]* +- ' "$MTUG_TMP/compare.log"; then
	pass "bench_smoke_compare"
else
	fail "bench_smoke_compare" "exit $rc${why:+, $why}"
	cat "$MTUG_TMP/compare.log"
fi

# The docs: each run rewrote its block of the copy and nothing else of
# it; docs/benchmarks.md itself is untouched.
python3 - "$DOC" "$MTUG_TMP/doc.md" "$MTUG_TMP/doc-series.md" >"$MTUG_TMP/doc.check" 2>&1 <<'EOF'
import re, sys
orig, doc, ser = (open(p).read() for p in sys.argv[1:])
def split(text, name):
    m = re.search(r"(<!-- BEGIN make bench: %s -->\n)(.*?)(<!-- END make bench: %s -->)"
                  % (name, name), text, re.S)
    return (text[:m.start(2)] + text[m.end(2):], m.group(2)) if m else (None, None)
errs = []
for text, name, want in ((doc, "tables", "QUICK smoke mode"),
                         (ser, "ptb-series", "2 runs of the per-packet bench")):
    rest, block = split(text, name)
    orest, oblock = split(orig, name)
    if rest is None or orest is None:
        errs.append("%s: no block" % name)
    elif rest != orest:
        errs.append("%s: text outside the block changed" % name)
    elif want not in block:
        errs.append("%s: the block lacks %r" % (name, want))
print("\n".join(errs) if errs else "ok")
sys.exit(1 if errs else 0)
EOF
rc=$?
if [ "$rc" -eq 0 ] && [ "$(sha256sum <"$DOC")" = "$doc_sum" ]; then
	pass "bench_smoke_doc (--doc rewrites only its block; docs/benchmarks.md untouched)"
else
	fail "bench_smoke_doc" "$(head -n 3 "$MTUG_TMP/doc.check" | tr '\n' ';') docs/benchmarks.md $([ "$(sha256sum <"$DOC")" = "$doc_sum" ] && echo untouched || echo CHANGED)"
fi

if [ "$(fail_count)" -ne 0 ]; then
	echo "--- bench.sh output"
	cat "$log"
fi
exit 0
