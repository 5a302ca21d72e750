#!/usr/bin/env python3
# bench_report.py - turn the raw results of tools/bench.sh into one table
# (stdout, and a markdown file that tools/bench_doc.py puts into
# docs/benchmarks.md) and one JSON document.
#
#   bench_report.py --machine M.json --pkt PKT.json --fwd FWD.jsonl
#                   --elapsed S --out BENCH.json --markdown BENCH.md
#
# Exit status 1 when a measured path was not the one claimed (a per-packet
# class whose counters or verdict did not match, a forwarding case whose
# clamp did not happen or whose XDP forwarding did not carry the traffic),
# or when a part of the benchmark failed to run.  Missed performance
# targets are reported, never an error.
import argparse
import json
import os
import statistics
import sys

CASE_LABELS = {
    "kernel": "kernel forwarding",
    "iptables": "kernel fwd + iptables TCPMSS",
    "iptables_legacy": "kernel fwd + iptables-legacy TCPMSS",
    "nft": "kernel fwd + nft maxseg",
    "mtug_clamp": "mtuguard XDP clamp + kernel fwd",
    "mtug_fwd": "mtuguard clamp + XDP forwarding",
    "floor": "no router (generator -> sink)",
}
CLAMPS = {"iptables", "iptables_legacy", "nft", "mtug_clamp", "mtug_fwd"}
MODES = [("syn", "SYN flood"), ("mixed", "mixed 1:20")]


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def fmt_pfx(n):
    return "{:,}".format(int(n))


def sign(v, nd=0):
    return ("{:+.%df}" % nd).format(v) if v is not None else "-"


def per_packet(pkt, out, problems):
    """Returns the per-packet part of the JSON and the lines of the table."""
    lines = []
    if not pkt:
        problems.append("per-packet benchmark produced no results")
        return None, lines
    if pkt.get("ok") is False:
        # bench_pkt's own checks: a program's verdict (a component's, or a
        # class's baseline) was not the one expected; its stderr says which
        problems.append("per-packet benchmark: a verdict check failed (bench_pkt's output)")
    cfgs = pkt["configs"]
    pf = [c["prefixes"] for c in cfgs]
    lines.append("### Per-packet cost (XDP)")
    lines.append("")
    lines.append("bpf_prog_test_run, {:,} repeats, median of {} round(s). Empty XDP "
                 "program (returns XDP_PASS): {} ns/packet. Columns: ns/packet "
                 "mtuguard_xdp adds over it, with 1 / {} prefixes in each LPM map."
                 .format(pkt["repeat"], pkt["rounds"],
                         " / ".join("%.0f" % c["empty_ns"] for c in cfgs),
                         " / ".join(fmt_pfx(p) for p in pf[1:])))
    lines.append("")
    lines.append("| class | " + " | ".join(fmt_pfx(p) + (" prefix" if p == 1 else "")
                                           for p in pf) + " | target | path check |")
    lines.append("|---|" + "---:|" * len(pf) + "---|---|")
    byk = {}
    for i, cls in enumerate(cfgs[0]["classes"]):
        row = [cls["label"]]
        ok = True
        for c in cfgs:
            k = c["classes"][i]
            row.append(sign(k["overhead_ns"]))
            ok = ok and k["path_ok"]
            byk.setdefault(k["key"], {})[c["prefixes"]] = k["overhead_ns"]
            if not k["path_ok"]:
                problems.append("per-packet class %s (%s prefixes): %s"
                                % (k["label"], fmt_pfx(c["prefixes"]), k["path_check"]))
        row.append(cls["target"] or "")
        row.append("ok" if ok else "WRONG PATH")
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    lines.append("Path check: each run's counter deltas are exactly the class's "
                 "(e.g. mss_clamped += N for a clamped SYN, ptb_steered += N and "
                 "XDP_REDIRECT for a steered PTB, fwd_steered += N for forwarded "
                 "TCP), all other counters unchanged.")
    filt = [c.get("client_end_filtered") for c in cfgs]
    if all(filt):
        lines.append("prefix_filter: the SYN classes' client end (no prefix near it) "
                     "skips its trie lookup, IPv4: {}; IPv6: {} (1 / {} prefixes)."
                     .format(" / ".join("yes" if f["v4"] else "no" for f in filt),
                             " / ".join("yes" if f["v6"] else "no" for f in filt),
                             " / ".join(fmt_pfx(p) for p in pf[1:])))
    prog = pkt.get("prog", {})
    lines.append("mtuguard_xdp: {} bytes xlated, {} bytes JITed, {} instructions "
                 "processed by the verifier.".format(prog.get("xlated_bytes"),
                                                     prog.get("jited_bytes"),
                                                     prog.get("verifier_processed_insns")))
    comps = pkt.get("components") or []
    if comps:
        lines.append("")
        lines.append("What the paths are made of: each operation alone, ns over the empty program:")
        lines.append("")
        lines.append("| operation | " + " | ".join(fmt_pfx(p) + (" prefix" if p == 1 else "")
                                                   for p in pf) + " |")
        lines.append("|---|" + "---:|" * len(pf))
        for k in comps:
            ov = k["overhead_ns"]
            row = [k["label"]] + [sign(ov[str(p)]) if str(p) in ov else "" for p in pf]
            lines.append("| " + " | ".join(row) + " |")
    return byk, lines


def forwarding(rows, problems, mode):
    lines = []
    if rows is None:
        return None, lines
    cases = []
    order = [c for c in CASE_LABELS if any(r["case"] == c for r in rows)]
    med = {}
    for c in order:
        rs = [r for r in rows if r["case"] == c]
        d = {"key": c, "label": CASE_LABELS[c], "rounds": len(rs), "errors": [],
             "checks": []}
        for r in rs:
            if r.get("error"):
                d["errors"].append(r["error"])
        for m, _ in MODES:
            res = [x for r in rs for x in r.get("results", []) if x["mode"] == m]
            mp = [x["mpps"] for x in res]
            syn = sum(x["syn"] for x in res)
            clamped = sum(x["syn_clamped"] for x in res)
            recv = sum(x["received"] for x in res)
            d[m] = {"mpps_rounds": mp,
                    "mpps_median": statistics.median(mp) if mp else None,
                    "received": recv, "syn": syn, "syn_clamped": clamped,
                    "syn_clamped_fraction": (clamped / syn) if syn else None}
            med[(c, m)] = d[m]["mpps_median"]
        # Is the path the one claimed?
        for m, _ in MODES:
            fr = d[m]["syn_clamped_fraction"]
            if fr is None:
                continue
            if c in CLAMPS and fr < 0.999:
                d["checks"].append("%s: only %.1f%% of SYNs arrived clamped" % (m, 100 * fr))
            if c not in CLAMPS and fr > 0.001:
                d["checks"].append("%s: %.1f%% of SYNs arrived clamped without a clamp"
                                   % (m, 100 * fr))
        if c in ("iptables", "iptables_legacy", "nft"):
            rp = [r.get("rule_packets") for r in rs if not r.get("error")]
            if rp and not all(x and x > 0 for x in rp):
                d["checks"].append("the clamp rule matched no packet")
        if c == "mtug_fwd":
            for r in rs:
                if r.get("error"):
                    continue
                recv = sum(x["received"] for x in r.get("results", []))
                if (r.get("fwd_steered") or 0) < recv:
                    d["checks"].append("round %d: fwd_steered %s < received %d"
                                       % (r["round"], r.get("fwd_steered"), recv))
        for e in d["errors"]:
            problems.append("forwarding %s: %s" % (c, e))
        for e in d["checks"]:
            problems.append("forwarding %s: %s" % (c, e))
        cases.append(d)
    for d in cases:
        for m, _ in MODES:
            base = med.get(("iptables", m))
            v = d[m]["mpps_median"]
            d[m]["ratio_to_iptables"] = (v / base) if (v and base) else None
            fl = med.get(("floor", m))
            # ns a packet costs on top of the generator and the sink
            d[m]["ns_above_floor"] = (1e3 / v - 1e3 / fl) if (v and fl and d["key"] != "floor") else None

    lines.append("### Forwarding throughput")
    lines.append("")
    lines.append(
        "client -> router -> sink namespaces over veth, GRO/LRO off; 74-byte TCP "
        "frames from an XDP live-frames generator (tools/trafficgen.c); XDP counter "
        "at the sink. Router receive NAPI %s. Mpps: median of the rounds; router "
        "ns/pkt = 1000/Mpps minus the same for the no-router floor (what the "
        "router adds to the generator and sink)." % (
            "in its own kernel thread (threaded NAPI); the generator runs on the "
            "other CPU" if mode == "threaded" else
            "inline, in the generator's softirq on one CPU"))
    lines.append("")
    lines.append("| case | SYN flood Mpps | vs iptables | mixed 1:20 Mpps | vs iptables "
                 "| router ns/pkt (SYN / mixed) | check |")
    lines.append("|---|---:|---:|---:|---:|---:|---|")
    for d in cases:
        row = [d["label"]]
        for m, _ in MODES:
            v = d[m]["mpps_median"]
            r = d[m]["ratio_to_iptables"]
            row.append("%.3f" % v if v else "-")
            row.append("%.2fx" % r if r else "-")
        nsf = [d[m]["ns_above_floor"] for m, _ in MODES]
        row.append(" / ".join("%.0f" % x for x in nsf) if all(x is not None for x in nsf) else "-")
        if d["errors"]:
            chk = "ERROR"
        elif d["checks"]:
            chk = "WRONG PATH"
        elif d["key"] in CLAMPS:
            chk = "ok: 100% SYNs clamped at sink"
        else:
            chk = "ok: no clamp"
        row.append(chk)
        lines.append("| " + " | ".join(row) + " |")
    return cases, lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--machine", required=True)
    ap.add_argument("--pkt", required=True)
    ap.add_argument("--fwd", required=True)
    ap.add_argument("--elapsed", type=int, default=0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--markdown")
    ap.add_argument("--fwd-mode", default="threaded")
    a = ap.parse_args()

    machine = load_json(a.machine) or {}
    pkt = load_json(a.pkt)
    rows = None
    if os.path.exists(a.fwd):
        with open(a.fwd) as f:
            rows = [json.loads(l) for l in f if l.strip()] or None
    problems = []

    head = ["## Results", "",
            "Measured {} on {} CPUs ({}), kernel {} (SRSO: {}), load average at start {}{}; "
            "whole run {} s.".format(machine.get("date", "?"), machine.get("nproc", "?"),
                                     machine.get("cpu", "?"), machine.get("kernel", "?"),
                                     machine.get("srso", "?"),
                                     machine.get("loadavg_start", "?"),
                                     ", QUICK smoke mode: figures meaningless"
                                     if machine.get("quick") else "", a.elapsed), ""]
    byk, plines = per_packet(pkt, a.out, problems)
    cases, flines = forwarding(rows, problems, a.fwd_mode)

    # Memory
    mlines = []
    mem = (pkt or {}).get("memory")
    if mem:
        mlines.append("### Memory")
        mlines.append("")
        cg = mem.get("memcg_delta_bytes", -1)
        mlines.append(
            "With {} prefixes per family: mtu_v4 {:.1f} MiB, mtu_v6 {:.1f} MiB, the "
            "8,193 tries of mtu_v6_shards {:.1f} MiB, all "
            "mtuguard maps {:.1f} MiB as the kernel accounts them (`memlock` in "
            "fdinfo / bpftool){}.".format(
                fmt_pfx(mem["prefixes_per_family"]), mem["mtu_v4_memlock_bytes"] / 2**20,
                mem["mtu_v6_memlock_bytes"] / 2**20,
                mem.get("mtu_v6_shards_memlock_bytes", 0) / 2**20,
                mem["all_maps_memlock_bytes"] / 2**20,
                "; charged to the memory cgroup while growing the tries from {} to {} "
                "prefixes per family: {:.1f} MiB (trie nodes, intermediate ones "
                "included, and allocator overhead)".format(
                    fmt_pfx(mem["memcg_delta_from_prefixes"]),
                    fmt_pfx(mem["prefixes_per_family"]), cg / 2**20) if cg and cg > 0 else ""))

    # Targets
    targets = []

    def tgt(name, limit, value, text, floor=None, floor_text="", minimal=None,
            alone=None, books=None):
        # alone: (operation, ns) the largest single operation the path
        # cannot skip, measured by itself; minimal / books: the path's
        # prescribed work as a program of its own, without / with the
        # design's bookkeeping (settings, counters)
        met = value is not None and value <= limit
        targets.append({"target": name, "limit": limit, "value": value, "met": met,
                        "measured": text, "floor": floor, "floor_text": floor_text,
                        "minimal": minimal, "alone": alone, "books": books})

    # Sums from the components table: the operations a path cannot
    # do without, each measured alone in this run.
    comp = {k["key"]: {int(p): v for p, v in k["overhead_ns"].items()}
            for k in (pkt.get("components") or [])} if pkt else {}

    def c(key, p=1):
        return comp.get(key, {}).get(p)

    def floor_sum(parts):
        if any(v is None for _, v in parts):
            return None, ""
        return (sum(v for _, v in parts),
                " + ".join("%s %.0f" % (n, v) for n, v in parts))

    if byk:
        p0 = min(byk["tcp_nonsyn"])
        pN = max(byk["tcp_nonsyn"])

        def mid(k):
            # paths that never touch the tries: every configuration
            # measured them, take the median of those measurements
            return statistics.median(byk[k].values())
        v = mid("tcp_nonsyn")
        tgt("TCP non-SYN: <= 5 ns over the empty program", 5, v,
            "%+.0f ns (median of the %d configurations)" % (v, len(byk["tcp_nonsyn"])))
        v4, v6 = byk["syn_clamp"][p0], byk["syn6_clamp"][p0]
        parse = mid("tcp_nonsyn")
        # Trie lookups a SYN of the class does: 1 when prefix_filter skips
        # the client end, else 2 (the components table times 2).
        filt = {c_["prefixes"]: c_.get("client_end_filtered") or {}
                for c_ in (pkt.get("configs") or [])} if pkt else {}

        def lookups(fam, p):
            return 1 if filt.get(p, {}).get(fam) else 2

        def lpm(fam, p):
            v = c("lpm4x2" if fam == "v4" else "lpm6x2", p)
            return None if v is None else v * lookups(fam, p) / 2
        n4 = lookups("v4", p0)
        # (The XDP clamp is inlined: no call.)
        fl, ft = floor_sum([("TCP parse", parse),
                            ("%d LPM lookup%s" % (n4, "s" if n4 > 1 else ""), lpm("v4", p0))])
        cold = ""
        if "syn_clamp_cold" in byk and "syn6_clamp_cold" in byk:
            cold = "; prefix cache miss %+.0f / %+.0f" % (byk["syn_clamp_cold"][p0],
                                                         byk["syn6_clamp_cold"][p0])
        tgt("SYN clamp: <= 30 ns over", 30, max(v4, v6),
            "%+.0f ns (IPv4), %+.0f ns (IPv6), 1 prefix%s" % (v4, v6, cold), fl,
            "IPv4 on a cache miss: " + ft if fl is not None else "")
        # (The XDP PTB path is inlined: no call.)  The mode-off class is
        # the same message on an interface with PTB mode off: it pays for
        # everything a steered one does before the lookup (parse, config,
        # counters, the whole checksum, the quote, the MTU floor) and stops
        # there; a steered one needs the two helpers the design prescribes
        # on top (and the TTL and MAC rewrite, left out).  ptb_min: the
        # IPv4 operations as one program of their own, with nothing of
        # mtuguard's generality (no configuration, counters, VLANs,
        # options): how much of the path the prescribed work takes when it
        # runs together.  ptb_books: the same plus the bookkeeping the
        # design requires (interface settings, floor, counters).
        # IPv4's lookup is the one mtuguard makes in the bench's namespace
        # (no ip rules): the direct one.
        def ptb_target(fam, value, text, off_key, fib_key, fib_label, msg, minimal, books):
            fib = c(fib_key)
            fl, ft = floor_sum([("PTB validated, mode off", mid(off_key)
                                 if off_key in byk else None),
                                (fib_label, fib), ("bpf_redirect", c("redirect"))])
            tgt("PTB steer, %s: <= 150 ns over" % fam, 150, value, text, fl,
                msg + ": " + ft if fl is not None else "", minimal,
                (fib_label, fib) if fib is not None else None, books)

        a_, b_ = mid("ptb_steer"), mid("ptb_steer_short")
        ptb_target("IPv4", max(a_, b_),
                   "%+.0f ns (576-byte ICMP), %+.0f ns (56-byte)" % (a_, b_),
                   "ptb_off", "fib_direct", "bpf_fib_lookup, direct",
                   "576-byte ICMP", c("ptb_min"), c("ptb_books"))
        if "ptb6_steer" in byk:
            v = mid("ptb6_steer")
            ptb_target("IPv6", v, "%+.0f ns (1280-byte ICMPv6)" % v,
                       "ptb6_off", "fib6", "bpf_fib_lookup", "1280-byte ICMPv6", None, None)
        if pN != p0:
            # On a prefix cache miss: a hit never walks the trie, so only
            # the misses show what the prefix count costs.
            ks = ("syn_clamp_cold", "syn6_clamp_cold", "syn_small")
            if not all(k in byk for k in ks):
                ks = ("syn_clamp", "syn6_clamp", "syn_small")
            d = {k: byk[k][pN] - byk[k][p0] for k in ks}
            fl = ft = None
            if None not in (lpm("v4", pN), lpm("v6", pN), lpm("v4", p0), lpm("v6", p0)):
                g4, g6 = lpm("v4", pN) - lpm("v4", p0), lpm("v6", pN) - lpm("v6", p0)
                fl = max(g4, g6)
                ft = ("the trie lookups the SYN does (IPv4 %d, IPv6 %d) alone grow "
                      "%+.0f ns (IPv4), %+.0f ns (IPv6)"
                      % (lookups("v4", pN), lookups("v6", pN), g4, g6))
            tgt("%s prefixes: <= 20 ns more than 1" % fmt_pfx(pN), 20, max(d.values()),
                "SYN clamped, cache miss: %+.0f ns (IPv4), %+.0f ns (IPv6); SYN small "
                "(cache hit) %+.0f ns" % (d[ks[0]], d[ks[1]], d[ks[2]]), fl, ft or "")
    if cases:
        fwd = next((d for d in cases if d["key"] == "mtug_fwd"), None)
        if fwd:
            rs = [fwd[m]["ratio_to_iptables"] for m, _ in MODES]
            if all(r is not None for r in rs):
                targets.append({"target": "mtuguard XDP forwarding: >= 3x the pps of "
                                          "kernel forwarding + iptables TCPMSS",
                                "limit": 3.0, "value": min(rs), "met": min(rs) >= 3.0,
                                "measured": "%.2fx (SYN flood), %.2fx (mixed)" % tuple(rs)})
    tl = []
    if targets:
        tl += ["### Targets", "",
               "Last column: the operations the path cannot do without, each "
               "measured alone in this run (tables above), added up. Run together "
               "they overlap a little (one program entry, the CPU overlapping "
               "work), so the sum can come out a few ns above the whole path; it "
               "shows how much of a path is out of the datapath's hands.", "",
               "| target | measured | met | what it cannot skip, measured alone and added up |",
               "|---|---|---|---|"]
        def verdict(t):
            if t["met"]:
                return "yes"
            mn, fl, al = t.get("minimal"), t.get("floor"), t.get("alone")
            bk = t.get("books")
            if al and al[1] > t["limit"]:
                return "**no** (%s alone costs more)" % al[0]
            # The whole-program measures, where there are some, outrank
            # the sum of parts measured apart.
            if mn is not None and mn > t["limit"]:
                return "**no** (a program doing only that costs more)"
            if bk is not None:
                if bk > t["limit"]:
                    return ("**no** (a program doing only that, with the design's "
                            "bookkeeping, costs more)")
                return ("**no** (by %.0f ns; a program doing only that, with the "
                        "design's bookkeeping: %.0f ns under)"
                        % (t["value"] - t["limit"], t["limit"] - bk))
            if mn is not None:
                return "**no** (by %.0f ns; a program doing only that: %.0f ns under)" % (
                    t["value"] - t["limit"], t["limit"] - mn)
            if fl is not None and fl > t["limit"]:
                return "**no** (the parts it cannot skip add up to more)"
            return "**no**"

        for t in targets:
            fl = t.get("floor")
            tl.append("| %s | %s | %s | %s |" % (
                t["target"], t["measured"], verdict(t),
                ("%+.0f ns (%s)" % (fl, t["floor_text"]) if fl is not None else "") +
                ("; done by a program of its own that does only that, measured "
                 "whole: %+.0f ns" % t["minimal"] if t.get("minimal") is not None
                 else "") +
                ("; the same with the design's bookkeeping (interface settings, "
                 "floor, counters): %+.0f ns" % t["books"]
                 if t.get("books") is not None else "")))

    text = head + plines + [""] + flines + [""] + mlines + [""] + tl
    if problems:
        text += ["", "PROBLEMS (the figures above are not trustworthy):"] + \
                ["- " + p for p in problems]
    out = "\n".join(text).rstrip() + "\n"
    print()
    print(out)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(out)

    doc = {"machine": machine, "elapsed_s": a.elapsed,
           "per_packet": pkt,
           "forwarding": {
               "setup": "namespaces client -> router -> sink, veth, GRO/LRO off on every "
                        "veth; generator: XDP live frames (BPF_F_TEST_XDP_LIVE_FRAMES, "
                        "XDP_TX out of the client veth), 74-byte TCP frames, one flow; "
                        "sink: XDP counter + XDP_DROP; the router's ingress always has "
                        "an XDP program (mtuguard, or a placeholder returning XDP_PASS); "
                        "window of steady state only; Mpps = median of rounds",
               "napi": a.fwd_mode,
               "cases": cases},
           "memory": mem,
           "targets": targets,
           "problems": problems,
           "ok": not problems}
    with open(a.out, "w") as f:
        json.dump(doc, f, indent=1)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
