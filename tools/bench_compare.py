#!/usr/bin/env python3
"""bench_compare.py - builds of mtuguard_xdp against each other, over N
loads of each (`tools/bench.sh --compare N --against DIR ...`).

One load of the program gives steady figures, but the JIT places every
load anew, and on CPUs where code placement matters (return thunks,
branch alignment) a class's cost moves with the placement by more than
the few ns a change is asked about.  So each build is loaded N times, in a
random order each round, and a class's figure is the mean over the loads
with its standard error; the difference to the first build comes with
the standard error of the difference.  Usage:

  bench_compare.py OUT.json --build LABEL RUN.json... --build LABEL RUN.json...

Prints a markdown table and writes it with every load's figures to
OUT.json.  Exits 1 when a run failed its verdict or counter checks or
cannot be read (then nothing is written).
"""
import json
import math
import statistics
import sys


def load(path):
    d = json.load(open(path))
    if d.get("ok") is not True:
        raise ValueError("%s: a verdict or counter check failed" % path)
    cfg = next((c for c in d.get("configs", []) if c.get("prefixes") == 1), None)
    if not cfg:
        raise ValueError("%s: no run with 1 prefix" % path)
    return {c["key"]: c for c in cfg["classes"] if c.get("path_ok", True)}


def mean_se(v):
    m = statistics.mean(v)
    return m, (statistics.stdev(v) / math.sqrt(len(v)) if len(v) > 1 else float("nan"))


def main(argv):
    if len(argv) < 4 or argv[2] != "--build":
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out, builds = argv[1], []
    args = argv[2:]
    try:
        while args:
            if args[0] != "--build" or len(args) < 3:
                raise ValueError("want --build LABEL RUN.json... for each build")
            label, args = args[1], args[2:]
            runs = []
            while args and args[0] != "--build":
                runs.append(load(args[0]))
                args = args[1:]
            if not runs:
                raise ValueError("build %s: no runs" % label)
            builds.append((label, runs))
    except (OSError, ValueError, KeyError) as e:
        print("bench_compare.py: %s" % e, file=sys.stderr)
        return 1
    if len(builds) < 2:
        print("bench_compare.py: want two builds or more", file=sys.stderr)
        return 2
    first = builds[0][1]
    keys = list(first[0])
    table = []
    hdr = "| class | " + " | ".join(b[0] for b in builds) + " | " + \
        " | ".join("%s - %s" % (builds[0][0], b[0]) for b in builds[1:]) + " |"
    print("Per class: ns over the empty program, mean of the loads +- its standard"
          " error (%s loads each)." % ", ".join(str(len(b[1])) for b in builds))
    print()
    print(hdr)
    print("|---" * (2 * len(builds)) + "|")
    for k in keys:
        stats = []
        for _, runs in builds:
            v = [r[k]["overhead_ns"] for r in runs if k in r]
            stats.append(mean_se(v) if v else None)
        cells = ["%.1f +- %.1f" % s if s else "-" for s in stats]
        diffs = []
        for s in stats[1:]:
            if s and stats[0]:
                d = stats[0][0] - s[0]
                se = math.hypot(stats[0][1], s[1])
                diffs.append("%+.1f +- %.1f" % (d, se))
            else:
                diffs.append("-")
        name = first[0][k].get("label", k)
        print("| %s | %s | %s |" % (name, " | ".join(cells), " | ".join(diffs)))
        table.append({"key": k, "name": name,
                      "builds": [{"label": b[0], "mean": s[0], "se": s[1]} if s else None
                                 for b, s in zip(builds, stats)]})
    json.dump({"classes": table,
               "loads": {b[0]: [{k: r[k]["overhead_ns"] for k in r} for r in b[1]]
                         for b in builds}},
              open(out, "w"), indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
