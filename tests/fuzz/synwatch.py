#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""synwatch.py - record the MSS of every TCP SYN / SYN-ACK an interface
receives (tests/integration/test_concurrency.sh).

    synwatch.py IFACE OUT     one line per SYN received (not sent) on IFACE:
                              "TIME FAM FLAGS MSS CSUM" (TIME: Unix seconds,
                              MSS "-" if none, CSUM ok|bad), after a first
                              line "ready"; runs until killed
    synwatch.py judge OPS SYNS FAM:NONE:... see judge()
"""
import socket
import struct
import sys
import time


def csum16(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def parse(f):
    et = struct.unpack("!H", f[12:14])[0]
    if et == 0x0800 and len(f) >= 34 and f[23] == 6:
        ihl = (f[14] & 15) * 4
        tot = struct.unpack("!H", f[16:18])[0]
        src, dst, seg, fam = f[26:30], f[30:34], f[14 + ihl:14 + tot], 4
        ph = src + dst + struct.pack("!xBH", 6, len(seg))
    elif et == 0x86DD and len(f) >= 54 and f[20] == 6:
        plen = struct.unpack("!H", f[18:20])[0]
        src, dst, seg, fam = f[22:38], f[38:54], f[54:54 + plen], 6
        ph = src + dst + struct.pack("!I3xB", len(seg), 6)
    else:
        return None
    if len(seg) < 20 or not seg[13] & 0x02:
        return None
    hl = (seg[12] >> 4) * 4
    mss, i, opt = "-", 20, seg
    while i < hl:
        k = opt[i]
        if k == 0:
            break
        if k == 1:
            i += 1
            continue
        if i + 1 >= hl or opt[i + 1] < 2:
            break
        if k == 2 and opt[i + 1] == 4:
            mss = str(struct.unpack("!H", opt[i + 2:i + 4])[0])
            break
        i += opt[i + 1]
    ok = "ok" if csum16(ph + seg) == 0xFFFF else "bad"
    return "%d %s %s %s" % (fam, "SA" if seg[13] & 0x10 else "S", mss, ok)


def watch(iface, out):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((iface, 3))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    with open(out, "w", buffering=1) as o:
        o.write("ready\n")
        while True:
            data, addr = s.recvfrom(65535)
            if addr[2] == socket.PACKET_OUTGOING:
                continue
            r = parse(data)
            if r:
                o.write("%.6f %s\n" % (time.time(), r))


def judge(ops_path, syn_paths, none_mss, eps=0.3):
    """OPS lines: "START END FAM MTU|none" (the op's wall-clock window and
    the MTU it leaves for that family).  Every SYN's MSS must be the target
    of a value that could be in effect when it was clamped (within eps
    before its capture): the one before the op that ends after it, or the
    op's own.  eps covers the time from the clamp on the router to the
    capture on the server, which a loaded machine stretches past 100 ms
    (11 of 113,000 SYNs at load average 7).  none_mss: {fam: MSS seen
    when nothing clamps}."""
    ops = {4: [], 6: []}
    for line in open(ops_path):
        a, b, fam, v = line.split()
        ops[int(fam)].append((float(a), float(b), v))
    # timeline per family: value k is possible from ops[k].start until
    # ops[k+1].end (value before the first op: "none").
    def target(fam, v):
        if v == "none":
            return none_mss[fam]
        m = int(v) - (40 if fam == 4 else 60)
        return min(m, none_mss[fam])

    spans = {}
    for fam, lst in ops.items():
        sp = []
        prev_end = float("inf") if not lst else lst[0][1]
        sp.append((float("-inf"), prev_end, target(fam, "none")))
        for k, (a, b, v) in enumerate(lst):
            end = lst[k + 1][1] if k + 1 < len(lst) else float("inf")
            sp.append((a, end, target(fam, v)))
        spans[fam] = sp
    n = bad = csum_bad = 0
    seen = {}
    examples = []
    for p in syn_paths:
        for line in open(p):
            f = line.split()
            if len(f) != 5:
                continue
            t, fam, flags, mss, ok = float(f[0]), int(f[1]), f[2], f[3], f[4]
            n += 1
            if ok != "ok":
                csum_bad += 1
                if len(examples) < 5:
                    examples.append("bad checksum: " + line.strip())
            if mss == "-":
                bad += 1
                continue
            mss = int(mss)
            seen[mss] = seen.get(mss, 0) + 1
            allowed = {v for (a, b, v) in spans[fam] if a <= t and b >= t - eps}
            if mss not in allowed:
                bad += 1
                if len(examples) < 5:
                    examples.append("%s: MSS %d, allowed then %s" % (line.strip(), mss, sorted(allowed)))
    print("syns=%d wrong=%d csum_bad=%d values=%s" % (
        n, bad, csum_bad, ",".join("%d:%d" % kv for kv in sorted(seen.items()))))
    for e in examples:
        print("example: " + e)
    return 0 if bad == 0 and csum_bad == 0 and n > 0 else 1


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "judge":
        none = {4: int(sys.argv[3]), 6: int(sys.argv[4])}
        sys.exit(judge(sys.argv[2], sys.argv[5:], none))
    if len(sys.argv) == 3:
        watch(sys.argv[1], sys.argv[2])
    print(__doc__, file=sys.stderr)
    sys.exit(2)
