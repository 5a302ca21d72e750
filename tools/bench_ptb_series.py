#!/usr/bin/env python3
"""bench_ptb_series.py - the 576-byte IPv4 PTB, steered, over N runs of the
per-packet bench (`tools/bench.sh --ptb-series N`).

One run of the per-packet bench moves by a few ns from the last (the
machine's speed drifts), and the IPv4 PTB target sits within that of what
the prescribed work costs.  So this puts three figures of the same runs
side by side, each run's figures measured together:

  ptb_min     the prescribed work alone, a program of its own
  ptb_books   the same with the bookkeeping the design requires
  mtuguard    mtuguard_xdp on the same frame (class ptb_steer)

and, for reference, bpf_fib_lookup alone, both ways (full, and direct as
mtuguard makes it in the bench's namespace).  Usage:

  bench_ptb_series.py OUT.json RUN.json...

Prints a markdown table (median, range, runs over the limit), writes it to
OUT.md (OUT.json's name with .md) and every run's figures to OUT.json.
Exits 1 when a run failed its verdict checks or lacks a figure: then
nothing is written.
"""
import json
import os
import statistics
import sys

LIMIT = 150.0
ROWS = [
    ("ptb_min", "the prescribed work alone"),
    ("ptb_books", "the same with the design's bookkeeping"),
    ("mtuguard", "`mtuguard_xdp`"),
    ("fib", "`bpf_fib_lookup` alone, full (ip rules)"),
    ("fib_direct", "`bpf_fib_lookup` alone, direct (as mtuguard makes it here)"),
]


def run_figures(path):
    d = json.load(open(path))
    if d.get("ok") is not True:
        raise ValueError("%s: a verdict or counter check failed" % path)
    comps = {c["key"]: c["overhead_ns"].get("1") for c in d.get("components", [])}
    cfg = next((c for c in d.get("configs", []) if c.get("prefixes") == 1), None)
    cls = next((k for k in (cfg or {}).get("classes", []) if k["key"] == "ptb_steer"),
               None)
    fig = {"ptb_min": comps.get("ptb_min"), "ptb_books": comps.get("ptb_books"),
           "fib": comps.get("fib"), "fib_direct": comps.get("fib_direct"),
           "mtuguard": cls["overhead_ns"] if cls and cls.get("path_ok") else None}
    missing = [k for k, v in fig.items() if v is None]
    if missing:
        raise ValueError("%s: no figure for %s" % (path, ", ".join(missing)))
    return fig


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out, paths = argv[1], argv[2:]
    try:
        runs = [run_figures(p) for p in paths]
    except (OSError, ValueError, KeyError) as e:
        print("bench_ptb_series: %s" % e, file=sys.stderr)
        return 1
    rows = []
    for key, label in ROWS:
        v = [r[key] for r in runs]
        rows.append({"key": key, "label": label, "median": statistics.median(v),
                     "min": min(v), "max": max(v),
                     "over_limit": sum(1 for x in v if x > LIMIT)})
    diff = [r["mtuguard"] - r["ptb_books"] for r in runs]
    n = len(runs)
    lines = ["576-byte IPv4 PTB steered (fib), ns over the empty program, "
             "%d runs of the per-packet bench (1 prefix):" % n, "",
             "| | median | range | runs over %.0f |" % LIMIT, "|---|---:|---:|---:|"]
    for r in rows:
        lines.append("| %s | %+.1f | %+.0f to %+.0f | %d of %d |" % (
            r["label"], r["median"], r["min"], r["max"], r["over_limit"], n))
    lines += ["", "`mtuguard_xdp` minus the program with the bookkeeping: median "
              "%+.1f ns, %+.0f to %+.0f." % (statistics.median(diff), min(diff),
                                              max(diff))]
    print("\n".join(lines))
    with open(os.path.splitext(out)[0] + ".md", "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(out, "w") as f:
        json.dump({"limit_ns": LIMIT, "runs": runs, "rows": rows,
                   "mtuguard_minus_books": {"median": statistics.median(diff),
                                            "min": min(diff), "max": max(diff)}},
                  f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
