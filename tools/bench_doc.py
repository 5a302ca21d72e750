#!/usr/bin/env python3
"""bench_doc.py - put a table that `make bench` wrote into its place in
docs/benchmarks.md (or another markdown file).

  bench_doc.py DOC NAME TABLE.md

DOC holds the block between the lines

  <!-- BEGIN make bench: NAME -->
  <!-- END make bench: NAME -->

and everything between them is replaced by TABLE.md's text; the rest of
DOC is left as it is.  DOC is rewritten atomically (a temporary file
renamed over it).  Exit status 1, DOC unchanged, when the markers are
missing or out of order.
"""
import os
import sys
import tempfile


def replace_block(doc, name, text):
    begin = "<!-- BEGIN make bench: %s -->" % name
    end = "<!-- END make bench: %s -->" % name
    lines = doc.split("\n")
    try:
        b = lines.index(begin)
        e = lines.index(end, b + 1)
    except ValueError:
        raise ValueError("no '%s' ... '%s' block" % (begin, end))
    return "\n".join(lines[:b + 1] + ["", text.strip(), ""] + lines[e:])


def main(argv):
    if len(argv) != 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path, name, table = argv[1:]
    try:
        with open(path) as f:
            doc = f.read()
        with open(table) as f:
            new = replace_block(doc, name, f.read())
    except (OSError, ValueError) as e:
        print("bench_doc: %s: %s" % (path, e), file=sys.stderr)
        return 1
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)),
                               prefix=".bench_doc.")
    with os.fdopen(fd, "w") as f:
        f.write(new)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    print("bench_doc: %s: the '%s' tables written" % (path, name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
