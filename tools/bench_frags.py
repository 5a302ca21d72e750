#!/usr/bin/env python3
"""bench_frags.py - mtuguard_xdp loaded multi-buffer (as the CLI loads it
on 5.18+) against the same object loaded single-buffer, over N pairs of
per-packet runs (`tools/bench.sh --frags-compare N`).

The two loads run alternately, so the machine's drift from run to run
falls on both alike; each pair's difference is taken within the pair, and
the table shows their median.  Usage:

  bench_frags.py OUT.json MULTI1.json SINGLE1.json [MULTI2.json SINGLE2.json ...]

Prints a markdown table (per class: multi-buffer and single-buffer
overhead over the empty program, medians of the runs, and the median of
the pairs' differences) and writes it with every run's figures to
OUT.json.  The limit: on the small-frame classes (frames under 128 bytes)
the multi-buffer program costs at most 1 ns more.  Exits 1 when a run
failed its verdict checks or lacks a figure (then nothing is written), or
when a small-frame class is over the limit.
"""
import json
import statistics
import sys

LIMIT = 1.0
SMALL = 128


def run_classes(path, multi):
    d = json.load(open(path))
    if d.get("ok") is not True:
        raise ValueError("%s: a verdict or counter check failed" % path)
    if d.get("prog", {}).get("multi_buffer") is not multi:
        raise ValueError("%s: not a %s run" % (path, "multi-buffer" if multi else
                                               "single-buffer"))
    cfg = next((c for c in d.get("configs", []) if c.get("prefixes") == 1), None)
    if not cfg:
        raise ValueError("%s: no run with 1 prefix" % path)
    return {c["key"]: c for c in cfg["classes"] if c.get("path_ok")}


def main(argv):
    if len(argv) < 4 or (len(argv) - 2) % 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out, paths = argv[1], argv[2:]
    try:
        pairs = [(run_classes(paths[i], True), run_classes(paths[i + 1], False))
                 for i in range(0, len(paths), 2)]
    except (OSError, ValueError, KeyError) as e:
        print("bench_frags.py: %s" % e, file=sys.stderr)
        return 1
    keys = [k for k in pairs[0][0]]
    rows, over = [], []
    for k in keys:
        m = [p[0][k]["overhead_ns"] for p in pairs if k in p[0]]
        s = [p[1][k]["overhead_ns"] for p in pairs if k in p[1]]
        diffs = [p[0][k]["overhead_ns"] - p[1][k]["overhead_ns"]
                 for p in pairs if k in p[0] and k in p[1]]
        c = pairs[0][0][k]
        small = c["frame_bytes"] < SMALL
        row = {"key": k, "label": c["label"], "frame_bytes": c["frame_bytes"],
               "multi_ns": statistics.median(m),
               "single_ns": statistics.median(s) if s else None,
               "diff_ns": statistics.median(diffs) if diffs else None,
               "diff_min_ns": min(diffs) if diffs else None,
               "diff_max_ns": max(diffs) if diffs else None,
               "small_frame": small, "multi_runs": m, "single_runs": s}
        if small and row["diff_ns"] is not None and row["diff_ns"] > LIMIT:
            over.append(k)
        rows.append(row)

    print("| class | frame | multi-buffer ns | single-buffer ns | difference, median of %d pairs (range) |"
          % len(pairs))
    print("|---|---|---|---|---|")
    for r in rows:
        if r["single_ns"] is None:
            print("| %s | %d B | %.1f | (multi-buffer only) | |" % (r["label"], r["frame_bytes"],
                                                                 r["multi_ns"]))
            continue
        print("| %s | %d B | %.1f | %.1f | %+.1f (%+.1f .. %+.1f)%s |"
              % (r["label"], r["frame_bytes"], r["multi_ns"], r["single_ns"], r["diff_ns"],
                 r["diff_min_ns"], r["diff_max_ns"],
                 " **over %.0f ns**" % LIMIT if r["key"] in over else ""))
    print()
    print("Limit: at most %.0f ns more on every class with frames under %d bytes: %s"
          % (LIMIT, SMALL, "met" if not over else "NOT met (%s)" % ", ".join(over)))
    json.dump({"pairs": len(pairs), "limit_ns": LIMIT, "small_frame_bytes": SMALL,
               "met": not over, "classes": rows}, open(out, "w"), indent=1)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
