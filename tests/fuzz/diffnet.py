#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""diffnet.py - the SYN corpus of the netfilter differential test
(tests/integration/test_diff_netfilter.sh) and its judge.

    diffnet.py corpus                       print the corpus (name, hex)
    diffnet.py run VARIANT OUT.json NS_C NS_S [NS_C NS_S]...
        inject every SYN of the corpus with AF_PACKET from the client
        namespace NS_C (interface c0, to the router's MAC) and capture
        what the server namespace NS_S receives on s0; one pair of
        namespaces per side (kernel, mtuguard), all captured at once
    diffnet.py judge VARIANT RUN.json
        compare side 0 (the kernel) with side 1 (mtuguard), print PASS/FAIL
        lines, list every difference with its reason

The judge knows three behaviours, each written from its source:
  design   docs/design.md "MSS clamp": the receiver's walk: EOL ends it, NOP
           is one byte, a length under 2 or past the header ends it, every
           other option (an MSS option whose length is not 4 included) is
           stepped over, every MSS option of length 4 reached is lowered
           (the receiver takes the last), a missing one is not inserted,
           the checksum is right at any offset
  xt       net/netfilter/xt_TCPMSS.c tcpmss_mangle_packet(): optlen() makes
           EOL and a zero length one-byte steps; only kind 2 length 4 is
           taken; the checksum is updated with inet_proto_csum_replace2()
           on the value as one 16-bit word, whatever its alignment; a
           missing MSS is inserted (536 / 1220 at most) when there is no
           payload and room; never raises the MSS
  nft      net/netfilter/nft_exthdr.c nft_exthdr_tcp_set_eval(): the same
           optlen() walk, the first kind 2 whatever its length (>= 4) is
           rewritten in bytes 2-3, same checksum update, never raises
mtuguard's output must be the design's, with a valid checksum, on every
SYN.  The kernel's must be byte-identical to mtuguard's, or equal to its
own simulated behaviour; the simulation says why it differs from the design
(the reasons are printed; an unexplained difference fails the test).
"""
import ctypes
import json
import os
import select
import socket
import struct
import sys
import time

# ---- constants of the test topology (test_diff_netfilter.sh) -----------------

ROUTER_C_MAC = bytes.fromhex("020000d1ff01")  # router's client-side MAC
CLIENT_MAC = bytes.fromhex("020000d1ff02")
CLIENT4, SERVER4 = "10.81.0.2", "10.82.0.2"
CLIENT6, SERVER6 = "fd81::2", "fd82::2"
SPORT_BASE = 20000

# Target MTU of each variant: the MSS the design asks = MTU - 40 / - 60.
# (set: `mtu default 1400`, nft/iptables 1360 / 1340; pmtu_fwd: server-side
# link MTU 1400; pmtu_rev: client-side link MTU 1380.)
VARIANTS = {
    "xt_set":      {"mtu": 1400, "kernel": "xt"},
    "nft_set":     {"mtu": 1400, "kernel": "nft"},
    "xt_pmtu_fwd": {"mtu": 1400, "kernel": "xt"},
    "xt_pmtu_rev": {"mtu": 1380, "kernel": "xt"},
    "nft_rtmtu":   {"mtu": 1400, "kernel": "nft"},
    # mtuguard on the client-facing interface only (XDP sees the SYN, no
    # TC egress on the server side): the forward route MTU must still count
    "xt_pmtu_fwd_r0_only": {"mtu": 1400, "kernel": "xt"},
}

# ---- packet building ------------------------------------------------------------


def csum16(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def tcp_csum_ok(v6, src, dst, seg):
    if v6:
        ph = src + dst + struct.pack("!I3xB", len(seg), 6)
    else:
        ph = src + dst + struct.pack("!xBH", 6, len(seg))
    return csum16(ph + seg) == 0xFFFF


def tcp_set_csum(v6, src, dst, seg):
    seg = bytearray(seg)
    seg[16:18] = b"\0\0"
    if v6:
        ph = src + dst + struct.pack("!I3xB", len(seg), 6)
    else:
        ph = src + dst + struct.pack("!xBH", 6, len(seg))
    c = (~csum16(ph + bytes(seg))) & 0xFFFF
    seg[16:18] = struct.pack("!H", c)
    return bytes(seg)


def build(case):
    """Ethernet frame of one corpus case."""
    v6 = case["v6"]
    opts = bytes.fromhex(case["opts"])
    opts += b"\0" * (-len(opts) % 4)  # EOL padding
    payload = bytes.fromhex(case.get("payload", ""))
    doff = (20 + len(opts)) // 4
    tcp = struct.pack("!HHIIBBHHH", SPORT_BASE + case["id"], 80, case["id"] * 1000,
                      1000 if case["flags"] & 0x10 else 0, doff << 4, case["flags"],
                      64240, 0, 0) + opts + payload
    if v6:
        src, dst = socket.inet_pton(socket.AF_INET6, CLIENT6), socket.inet_pton(socket.AF_INET6, SERVER6)
        ext = bytes.fromhex(case.get("ext", ""))
        tcp = tcp_set_csum(True, src, dst, tcp)
        nh = 0 if ext else 6
        ip = struct.pack("!IHBB", 6 << 28, len(ext) + len(tcp), nh, 64) + src + dst
        return ROUTER_C_MAC + CLIENT_MAC + b"\x86\xdd" + ip + ext + tcp
    src, dst = socket.inet_aton(CLIENT4), socket.inet_aton(SERVER4)
    ipo = bytes.fromhex(case.get("ipopts", ""))
    ipo += b"\0" * (-len(ipo) % 4)
    tcp = tcp_set_csum(False, src, dst, tcp)
    ihl = (20 + len(ipo)) // 4
    ip = bytearray(struct.pack("!BBHHHBBH", 0x40 | ihl, 0, ihl * 4 + len(tcp), case["id"],
                               0x4000, 64, 6, 0) + src + dst + ipo)
    ip[10:12] = struct.pack("!H", (~csum16(bytes(ip))) & 0xFFFF)
    return ROUTER_C_MAC + CLIENT_MAC + b"\x08\x00" + bytes(ip) + tcp


# ---- the corpus --------------------------------------------------------------------


def M(v):
    return "0204%04x" % v


NOP, EOL = "01", "00"
WS, SACK = "030307", "0402"
TS = "080a" + "00000001" + "00000000"
UNK4, UNK5 = "fd04abcd", "fd05abcdef"

# (name, options builder taking the MSS value)
LAYOUTS = [
    ("mss_only", lambda m: M(m)),
    ("linux", lambda m: M(m) + SACK + TS + NOP + WS),
    ("freebsd", lambda m: M(m) + NOP + WS + SACK + TS),
    ("windows", lambda m: M(m) + NOP + WS + NOP + NOP + SACK),
    ("mss_after_1_nop", lambda m: NOP + M(m) + NOP + WS),
    ("mss_after_2_nops", lambda m: NOP + NOP + M(m)),
    ("mss_after_3_nops", lambda m: NOP * 3 + M(m) + NOP),
    ("mss_after_ws_odd", lambda m: WS + M(m) + NOP),
    ("mss_after_sackok", lambda m: SACK + M(m) + NOP + NOP),
    ("mss_after_ts", lambda m: TS + M(m) + SACK),
    ("mss_after_nop_ts_odd", lambda m: NOP + TS + M(m) + NOP),
    ("mss_after_unknown", lambda m: UNK4 + M(m)),
    ("mss_after_unknown_odd", lambda m: UNK5 + M(m)),
    ("mss_last_in_40_bytes", lambda m: NOP + WS + SACK + NOP + NOP + TS + NOP + NOP +
     "1e10" + "000102030405060708090a0b0c0d" + M(m)),
    ("mss_after_35_nops_odd", lambda m: NOP * 35 + M(m) + NOP),
    ("mss_after_36_nops", lambda m: NOP * 36 + M(m)),
    ("no_options", lambda m: ""),
    ("no_mss", lambda m: SACK + TS + NOP + WS),
    ("only_nops", lambda m: NOP * 4),
    ("eol_before_mss", lambda m: NOP + EOL + M(m) + NOP + NOP),
    ("eol_first", lambda m: EOL + M(m) + "000000"),
    ("mss_len_3", lambda m: "0203" + "%02x" % (m >> 8) + NOP),
    ("mss_len_5", lambda m: "0205%04x00" % m + NOP * 3),
    ("mss_len_6", lambda m: "0206%04x0000" % m + NOP * 2),
    ("mss_len_2", lambda m: "0202" + NOP * 2),
    ("mss_len_3_then_mss", lambda m: "020305" + M(m) + NOP),
    ("mss_len_5_then_mss", lambda m: "0205%04x00" % m + M(m) + NOP * 3),
    ("opt_len_0_then_mss", lambda m: "0800" + M(m) + NOP + NOP),
    ("opt_len_1_then_mss", lambda m: NOP + "0801" + M(m) + NOP),
    ("opt_past_end_before_mss", lambda m: NOP + NOP + "080a" + M(m)),
    ("mss_cut_by_header_end", lambda m: NOP + NOP + "0204"),
    ("two_mss_options", lambda m: M(m) + M(1200)),
    ("two_mss_last_big", lambda m: M(1200) + M(m)),
    ("two_mss_both_big_odd", lambda m: NOP + M(m) + NOP + NOP + NOP + M(m + 1) + EOL * 4),
]

MSS_ABOVE = 1460
VALUES = [0, 536, 1200, 1319, 1320, 1321, 1339, 1340, 1341, 1359, 1360, 1361, 1460, 8960, 65535]


def corpus():
    cases = []

    def add(name, v6, flags, opts, **kw):
        c = {"id": len(cases), "name": name, "v6": v6, "flags": flags, "opts": opts}
        c.update(kw)
        cases.append(c)

    for fam, v6 in (("v4", False), ("v6", True)):
        for fl, flags in (("syn", 0x02), ("synack", 0x12)):
            for lname, lay in LAYOUTS:
                add("%s_%s_%s" % (fam, fl, lname), v6, flags, lay(MSS_ABOVE))
        # MSS values around every target, at an even and an odd offset
        for v in VALUES:
            add("%s_syn_mss_%d" % (fam, v), v6, 0x02, M(v))
            add("%s_syn_mss_%d_odd" % (fam, v), v6, 0x02, NOP + M(v) + NOP * 3)
        # with data (TCP Fast Open): never grows, never inserts
        for lname, lay in LAYOUTS[:2] + LAYOUTS[4:5] + LAYOUTS[16:18]:
            add("%s_syn_data_%s" % (fam, lname), v6, 0x02, lay(MSS_ABOVE),
                payload="48454c4c4f20544650")
        # other flags
        add("%s_syn_ece_cwr" % fam, v6, 0xC2, M(MSS_ABOVE))
        add("%s_syn_fin" % fam, v6, 0x03, NOP + M(MSS_ABOVE) + NOP * 3)
    # IPv4 options (IHL > 5), IPv6 extension headers
    for lname, lay in LAYOUTS[:1] + LAYOUTS[4:5] + LAYOUTS[10:11] + LAYOUTS[17:18] + LAYOUTS[19:20]:
        add("v4_syn_ipopts_%s" % lname, False, 0x02, lay(MSS_ABOVE), ipopts="94040000")
        add("v4_syn_ipopts_odd_%s" % lname, False, 0x02, lay(MSS_ABOVE), ipopts="01010101" + "94040000")
        # Hop-by-Hop (PadN) then Destination Options (PadN) then TCP
        add("v6_syn_ext_%s" % lname, True, 0x02, lay(MSS_ABOVE),
            ext="3c00" + "0104" + "00000000" + "0600" + "0104" + "00000000")
    return cases


# ---- injection and capture ----------------------------------------------------------

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def setns(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise OSError(e, "setns %s: %s" % (path, os.strerror(e)))
    finally:
        os.close(fd)


def ns_path(ns):
    return "/run/netns/" + ns


def run(variant, out, pairs):
    cases = corpus()
    frames = [build(c) for c in cases]
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    sides = []
    for ns_c, ns_s in pairs:
        setns(ns_path(ns_s))
        cap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
        cap.bind(("s0", 3))
        cap.setblocking(False)
        setns(ns_path(ns_c))
        tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        tx.bind(("c0", 0))
        sides.append({"cap": cap, "tx": tx, "got": {}})
    if libc.setns(home, CLONE_NEWNET) != 0:
        raise OSError("setns back")

    def drain(timeout):
        end = time.time() + timeout
        while True:
            left = end - time.time()
            if left <= 0:
                return
            r, _, _ = select.select([s["cap"] for s in sides], [], [], left)
            if not r:
                return
            for s in sides:
                if s["cap"] not in r:
                    continue
                while True:
                    try:
                        data, addr = s["cap"].recvfrom(65535)
                    except BlockingIOError:
                        break
                    if addr[2] == socket.PACKET_OUTGOING:
                        continue
                    sport = sport_of(data)
                    if sport is not None and SPORT_BASE <= sport < SPORT_BASE + len(cases):
                        s["got"].setdefault(sport - SPORT_BASE, data.hex())

    # In small groups, so no queue overflows; then wait for stragglers.
    for i in range(0, len(frames), 16):
        for f in frames[i:i + 16]:
            for s in sides:
                s["tx"].send(f)
        drain(0.02)
    for _ in range(30):
        if all(len(s["got"]) == len(cases) for s in sides):
            break
        drain(0.1)
    result = [{"sent": len(cases), "got": {str(k): v for k, v in s["got"].items()}} for s in sides]
    with open(out, "w") as f:
        json.dump({"variant": variant, "sides": result}, f)


def sport_of(frame):
    et = struct.unpack("!H", frame[12:14])[0]
    if et == 0x0800 and len(frame) >= 34 and frame[23] == 6:
        off = 14 + (frame[14] & 15) * 4
    elif et == 0x86DD and len(frame) >= 54:
        nh, off = frame[20], 54
        while nh in (0, 43, 60) and off + 2 <= len(frame):
            nh, off = frame[off], off + (frame[off + 1] + 1) * 8
        if nh != 6:
            return None
    else:
        return None
    if off + 2 > len(frame):
        return None
    return struct.unpack("!H", frame[off:off + 2])[0]


# ---- the three behaviours ---------------------------------------------------------------


def split(frame):
    """(v6, ip header bytes incl. ext headers, tcp segment, src, dst)"""
    if frame[12:14] == b"\x08\x00":
        ihl = (frame[14] & 15) * 4
        tot = struct.unpack("!H", frame[16:18])[0]
        ip = frame[14:14 + ihl]
        return False, ip, frame[14 + ihl:14 + tot], ip[12:16], ip[16:20]
    plen = struct.unpack("!H", frame[18:20])[0]
    nh, off = frame[20], 54
    while nh in (0, 43, 60):
        nh, off = frame[off], off + (frame[off + 1] + 1) * 8
    ip = frame[14:off]
    return True, ip, frame[off:54 + plen], ip[8:24], ip[24:40]


def rfc1624(check, old, new):
    """HC' = ~(~HC + ~m + m'), 16-bit words as given."""
    s = ((~check) & 0xFFFF) + ((~old) & 0xFFFF) + new
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def design(seg, target):
    """-> (segment, note): the design's clamp, the receiver's walk (Linux
    tcp_parse_options): EOL ends it, NOP is one byte, a length under 2 or
    past the options ends it, everything else is stepped over by its
    length, and every MSS option of length 4 on the way is lowered."""
    hl = (seg[12] >> 4) * 4
    opt = seg[20:hl]
    s = bytearray(seg)
    i, seen, clamped, end = 0, 0, [], "end"
    while i < len(opt):
        k = opt[i]
        if k == 0:
            end = "EOL"
            break
        if k == 1:
            i += 1
            continue
        if i + 2 > len(opt) or opt[i + 1] < 2 or i + opt[i + 1] > len(opt):
            end = "malformed"
            break
        if k == 2 and opt[i + 1] == 4:
            seen += 1
            old = struct.unpack("!H", opt[i + 2:i + 4])[0]
            if old > target:
                s[20 + i + 2:20 + i + 4] = struct.pack("!H", target)
                clamped.append(i)
        i += opt[i + 1]
    note = "walk ended at %s (offset %d); " % (end, i)
    if clamped:
        note += "MSS -> %d at option offset %s" % (target, ",".join(map(str, clamped)))
    elif seen:
        note += "MSS <= %d: unchanged" % target
    else:
        note += "no MSS option reached: missing"
    return bytes(s), note


def k_optlen(opt, i):
    if opt[i] <= 1 or i + 1 >= len(opt) or opt[i + 1] == 0:
        return 1
    return opt[i + 1]


def kernel_sim(kind, v6, seg, newmss, tags):
    """The kernel's result for the segment (None = dropped), with tags
    naming where it departs from the design."""
    hl = (seg[12] >> 4) * 4
    s = bytearray(seg)
    check = struct.unpack("!H", seg[16:18])[0]
    if kind == "xt":
        i = 20
        while i <= hl - 4:
            if s[i] == 2 and s[i + 1] == 4:
                old = struct.unpack("!H", s[i + 2:i + 4])[0]
                tags.append(("first", i - 20))
                if old <= newmss:
                    return bytes(s)
                s[i + 2:i + 4] = struct.pack("!H", newmss)
                s[16:18] = struct.pack("!H", rfc1624(check, old, newmss))
                if (i - 20) % 2:
                    tags.append("odd")
                tags.append(("found", i - 20))
                return bytes(s)
            i += k_optlen(s, i)
        if len(seg) > hl or hl >= 60:
            return bytes(s)
        # insert an MSS option right after the fixed header
        m = min(newmss, 1220 if v6 else 536)
        s = bytearray(seg[:20]) + struct.pack("!BBH", 2, 4, m) + seg[20:]
        s[12] = ((hl + 4) // 4) << 4 | (s[12] & 15)
        tags.append(("inserted", m))
        return bytes(s)  # checksum: completed by the caller
    # nft
    i = 20
    while i < hl - 1:
        optl = k_optlen(s, i)
        if s[i] != 2:
            i += optl
            continue
        if i + optl > hl or optl < 4:
            tags.append(("stopped", i - 20))
            return bytes(s)
        old = struct.unpack("!H", s[i + 2:i + 4])[0]
        tags.append(("first", i - 20))
        if old <= newmss:
            return bytes(s)
        s[i + 2:i + 4] = struct.pack("!H", newmss)
        s[16:18] = struct.pack("!H", rfc1624(check, old, newmss))
        if (i - 20) % 2:
            tags.append("odd")
        tags.append(("found", i - 20))
        if optl != 4:
            tags.append(("badlen", optl))
        return bytes(s)
    return bytes(s)


def reason(kind, tags, dnote, ksum_ok):
    """(key, text): why the kernel departs from the design, from the
    simulation's tags and the design's verdict on the same segment."""
    out, keys = [], []
    for t in tags:
        if t == "odd":
            keys.append("odd_offset_csum" if not ksum_ok else "odd_offset")
            out.append("kernel's TCP checksum is wrong: the MSS value sits at an odd "
                       "offset and is updated as an aligned 16-bit word" if not ksum_ok else
                       "MSS at an odd offset (checksum happens to be right)")
        elif t[0] == "inserted":
            keys.append("inserts_mss_%d" % t[1])
            out.append("xt_TCPMSS inserts a missing MSS option (MSS %d)" % t[1])
        elif t[0] == "badlen":
            keys.append("rewrites_len_%d_mss" % t[1])
            out.append("nft rewrites an MSS option whose length is %d, not 4" % t[1])
        elif t[0] == "stopped" and "MSS ->" in dnote:
            keys.append("stops_at_short_mss")
            out.append("nft stops at an MSS option shorter than 4 and leaves the MSS "
                       "option behind it, which the receiver takes, unclamped")
        elif t[0] == "first" and "MSS ->" in dnote and \
                any(int(o) > t[1] for o in dnote.split("at option offset ")[1].split(",")):
            keys.append("first_mss_only")
            out.append("the kernel stops at the first MSS option and leaves a later "
                       "one, which the receiver takes, unclamped")
        elif t[0] == "found" and t[1] >= int(dnote.split("(offset ")[1].split(")")[0]):
            if "ended at EOL" in dnote:
                keys.append("past_eol")
                out.append("the kernel walks past EOL and clamps an MSS option behind it")
            elif "ended at malformed" in dnote:
                keys.append("over_len_0_1")
                out.append("the kernel steps over an option of length 0 or 1 and clamps "
                           "the MSS option behind it")
    return "+".join(keys), "; ".join(out)


def judge(variant, path):
    cases = corpus()
    v = VARIANTS[variant]
    d = json.load(open(path))
    kgot, mgot = d["sides"][0]["got"], d["sides"][1]["got"]
    npass = nfail = same = explained = 0
    rows = []

    def res(ok, name, why):
        nonlocal npass, nfail
        print("%s: diff/%s/%s (%s)" % ("PASS" if ok else "FAIL", variant, name, why))
        if ok:
            npass += 1
        else:
            nfail += 1

    for c in cases:
        sent = build(c)
        v6, sip, sseg, src, dst = split(sent)
        target = v["mtu"] - (60 if v6 else 40)
        want, dnote = design(sseg, target)
        if want != sseg:
            want = tcp_set_csum(v6, src, dst, want)
        m = mgot.get(str(c["id"]))
        k = kgot.get(str(c["id"]))
        # mtuguard: exactly the design's segment, a valid checksum, IP
        # header as forwarded (only TTL / hop limit and IP checksum).
        if m is None:
            res(False, c["name"], "mtuguard side: segment lost")
            continue
        m = bytes.fromhex(m)
        mv6, mip, mseg, _, _ = split(m)
        if mseg != want or not tcp_csum_ok(v6, src, dst, mseg):
            res(False, c["name"], "mtuguard's segment is not the design's (%s): sent %s got %s "
                "want %s" % (dnote, sseg.hex(), mseg.hex(), want.hex()))
            continue
        if k is None:
            res(False, c["name"], "kernel side: segment lost (dropped?)")
            continue
        k = bytes.fromhex(k)
        if k[14:] == m[14:]:
            same += 1
            continue
        kv6, kip, kseg, _, _ = split(k)
        tags = []
        newmss = target
        ksim = kernel_sim(v["kernel"], v6, sseg, newmss, tags)
        if ksim is not None and any(isinstance(t, tuple) and t[0] == "inserted" for t in tags):
            ksim = tcp_set_csum(v6, src, dst, ksim)
        ksum_ok = tcp_csum_ok(v6, src, dst, kseg)
        if ksim != kseg:
            res(False, c["name"], "kernel and mtuguard differ and the kernel's output is not "
                "its modelled behaviour either: sent %s kernel %s mtuguard %s" %
                (sseg.hex(), kseg.hex(), mseg.hex()))
            continue
        key, why = reason(v["kernel"], tags, dnote, ksum_ok)
        if not why:
            res(False, c["name"], "difference without a known reason: kernel %s mtuguard %s" %
                (kseg.hex(), mseg.hex()))
            continue
        explained += 1
        rows.append((c["name"], key, why, dnote))
    # Every difference, one line each (in the test log), then one result
    # line per reason with the cases it covers.
    groups = {}
    for name, key, why, dnote in rows:
        print("    differs: %s/%s: kernel: %s; mtuguard: %s, checksum valid" %
              (variant, name, why, dnote))
        groups.setdefault((key, why), []).append(name)
    for (key, why), names in sorted(groups.items(), key=lambda x: -len(x[1])):
        res(True, "differs_" + key, "%d SYNs, kernel: %s; mtuguard as docs/design.md, checksum "
            "valid: %s" % (len(names), why, " ".join(names)))
    print("# %s: %d SYN variants, %d byte-identical, %d differ (every difference explained "
          "above), %d failed" % (variant, len(cases), same, explained, nfail))
    res(nfail == 0, "summary", "%d SYNs: %d identical, %d explained differences, mtuguard "
        "= docs/design.md on all" % (len(cases), same, explained) if nfail == 0 else
        "%d failures" % nfail)
    return 0 if nfail == 0 else 1


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "corpus":
        for c in corpus():
            print(c["name"], build(c).hex())
        return 0
    if len(sys.argv) >= 6 and sys.argv[1] == "run":
        pairs = list(zip(sys.argv[4::2], sys.argv[5::2]))
        run(sys.argv[2], sys.argv[3], pairs)
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "judge":
        return judge(sys.argv[2], sys.argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
