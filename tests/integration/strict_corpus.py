#!/usr/bin/env python3
"""strict_corpus.py - frames a router must not forward more readily than
Linux does (test_strict_fib.sh).

    strict_corpus.py list
        one line per case: "ID KIND NAME", KIND one of
          fwd     ordinary TCP/UDP the router forwards (`ptb forward on`
                  forwards it from XDP: fwd_steered)
          ptb     a valid Frag Needed / Packet Too Big about a flow through
                  the router (steered from XDP: ptb_steered)
          strict  something Linux's forwarding drops or hands to its slow
                  path: mtuguard must leave it to the stack (fib_deferred)

    strict_corpus.py send --iface IF --src-mac MAC --router-mac MAC --run R
        send every case once, as raw Ethernet frames, in ID order, marked
        as run R (a digit)

    strict_corpus.py sniff --iface IF --where NAME --run R
        print "ready", then one token per received frame that carries a
        case's marker of run R: "NAME orig ID" (the case's own frame,
        forwarded) or "NAME err ID" (an ICMP error quoting it).  Frames
        this host sends, and late answers to an earlier run, are not
        counted.

    strict_corpus.py compare KERNEL_LOG MTUG_LOG
        PASS/FAIL lines: every token of the run with mtuguard must be in
        the run without it (as many times), and every fwd / ptb case
        must have arrived behind the router in both runs.

Topology (fixed addresses, test_strict_fib.sh builds it):
    snd eth0 10.1.0.2 (+ 10.1.0.3, a "hop" that sends the PTBs),
             fd00:1::2 (+ fd00:1::3)
    rtr rc   10.1.0.1 / fd00:1::1, rb 10.2.0.1 / fd00:2::1, lo 10.9.9.9;
             default routes out of rb; rp_filter 1
    beh eth0 10.2.0.2 / fd00:2::2, VIPs 10.200.0.1 / fd00:200::1 on lo
Every frame carries a marker: "MTGS<run><id>" in the payload of TCP/UDP
cases, "MTGP<run><id>" in the quoted payload of the ICMP cases (so an ICMP
error a router sends about a TCP/UDP case is told apart from an ICMP case).
"""
import argparse
import ipaddress
import re
import select
import socket
import struct
import sys
import time

SND4, HOP4, RTR4, RTR4_B, RTR4_LO = "10.1.0.2", "10.1.0.3", "10.1.0.1", "10.2.0.1", "10.9.9.9"
BEH4, VIP4, BEHNET4 = "10.2.0.2", "10.200.0.1", "10.2.0.77"
SND6, HOP6, RTR6, VIP6, BEHNET6 = "fd00:1::2", "fd00:1::3", "fd00:1::1", "fd00:200::1", "fd00:2::77"
FAR4 = "198.51.100.9"  # routed out of rb by the default route

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def a4(x):
    return ipaddress.IPv4Address(x).packed


def a6(x):
    return ipaddress.IPv6Address(x).packed


def mac(x):
    return bytes(int(b, 16) for b in x.split(":"))


def ip4(src, dst, proto, payload, ttl=64, opts=b"", bad_csum=False):
    ihl = (20 + len(opts)) // 4
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, 20 + len(opts) + len(payload), 0x1234,
                      0x4000, ttl, proto, 0, a4(src), a4(dst)) + opts
    c = csum(hdr) ^ (0x0101 if bad_csum else 0)
    return hdr[:10] + struct.pack("!H", c) + hdr[12:] + payload


def ip6(src, dst, nh, payload, hlim=64, hbh=False):
    if hbh:
        # Hop-by-Hop, 8 bytes: next header, length 0, PadN of 4
        payload = struct.pack("!BB", nh, 0) + b"\x01\x04\0\0\0\0" + payload
        nh = 0
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nh, hlim, a6(src), a6(dst)) + payload


def l4sum(fam, src, dst, proto, seg):
    if fam == 4:
        ph = a4(src) + a4(dst) + struct.pack("!BBH", 0, proto, len(seg))
    else:
        ph = a6(src) + a6(dst) + struct.pack("!I3xB", len(seg), proto)
    return csum(ph + seg)


def udp(src, dst, sport, dport, data):
    fam = 6 if ":" in src else 4
    seg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    c = l4sum(fam, src, dst, 17, seg) or 0xFFFF
    return seg[:6] + struct.pack("!H", c) + seg[8:]


def tcp(src, dst, sport, dport, data, flags=0x18):
    fam = 6 if ":" in src else 4
    seg = struct.pack("!HHIIBBHHH", sport, dport, 1000, 2000, 5 << 4, flags, 64240, 0, 0) + data
    c = l4sum(fam, src, dst, 6, seg)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


RUN = 0  # the run digit the markers carry (send --run)


def marker(kind, i):
    return (b"MTGS" if kind == "s" else b"MTGP") + b"%d%04d" % (RUN, i) + b"." * 55


# ---- the cases ------------------------------------------------------------------

class Case:
    def __init__(self, kind, name, build, l2=None):
        self.kind, self.name, self.build, self.l2 = kind, name, build, l2


def udp4_case(src=SND4, dst=VIP4, ttl=64, opts=b"", bad_csum=False):
    return lambda i: (0x0800, ip4(src, dst, 17, udp(src, dst, 40000 + i, 5000, marker("s", i)),
                                  ttl, opts, bad_csum))


def tcp4_case(src=SND4, dst=VIP4):
    return lambda i: (0x0800, ip4(src, dst, 6, tcp(src, dst, 40000 + i, 80, marker("s", i))))


def udp6_case(src=SND6, dst=VIP6, hlim=64, hbh=False):
    return lambda i: (0x86DD, ip6(src, dst, 17, udp(src, dst, 40000 + i, 5000, marker("s", i)),
                                  hlim, hbh))


def ptb4_case(src=HOP4, dst=VIP4, client=SND4, ttl=64, opts=b"", bad_csum=False):
    """Frag Needed from src to dst about dst:80 -> client:port (the quote's
    source is the outer destination, as a genuine one's is)."""
    def build(i):
        inner = ip4(dst, client, 6, tcp(dst, client, 80, 40000 + i, marker("p", i) * 6))
        msg = struct.pack("!BBHHH", 3, 4, 0, 0, 1400) + inner[:548]
        msg = msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]
        return 0x0800, ip4(src, dst, 1, msg, ttl, opts, bad_csum)
    return build


def ptb6_case(src=HOP6, dst=VIP6, client=SND6, hlim=64, hbh=False):
    def build(i):
        inner = ip6(dst, client, 6, tcp(dst, client, 80, 40000 + i, marker("p", i) * 6))
        body = struct.pack("!BBHI", 2, 0, 0, 1280) + inner[:1232]
        c = l4sum(6, src, dst, 58, body)
        body = body[:2] + struct.pack("!H", c) + body[4:]
        return 0x86DD, ip6(src, dst, 58, body, hlim, hbh)
    return build


LSRR = bytes([131, 7, 4]) + a4(BEH4) + b"\0"  # loose source route, then EOL
RA = bytes([148, 4, 0, 0])                     # router alert
BCAST, MCAST4, MCAST6, OTHER = "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:fb", "33:33:00:00:00:01", \
    "02:00:00:00:00:99"

CASES = [
    # the controls: forwarded from XDP
    Case("fwd", "udp4", udp4_case()),
    Case("fwd", "tcp4", tcp4_case()),
    Case("fwd", "udp6", udp6_case()),
    Case("fwd", "udp4_to_behind_net", udp4_case(dst=BEH4)),
    Case("ptb", "ptb4", ptb4_case()),
    Case("ptb", "ptb6", ptb6_case()),
    # L2: not to the router's address
    Case("strict", "udp4_l2_otherhost", udp4_case(), OTHER),
    Case("strict", "udp4_l2_broadcast", udp4_case(), BCAST),
    Case("strict", "udp4_l2_multicast", udp4_case(), MCAST4),
    Case("strict", "udp6_l2_multicast", udp6_case(), MCAST6),
    Case("strict", "ptb4_l2_otherhost", ptb4_case(), OTHER),
    Case("strict", "ptb4_l2_broadcast", ptb4_case(), BCAST),
    # IPv4 destinations
    Case("strict", "udp4_dst_limited_broadcast", udp4_case(dst="255.255.255.255")),
    Case("strict", "udp4_dst_multicast", udp4_case(dst="224.0.0.251")),
    Case("strict", "udp4_dst_zero", udp4_case(dst="0.0.0.0")),
    Case("strict", "udp4_dst_loopback", udp4_case(dst="127.0.0.1")),
    Case("strict", "udp4_dst_class_e", udp4_case(dst="240.0.0.1")),
    # IPv4 sources
    Case("strict", "udp4_src_loopback", udp4_case(src="127.0.0.1")),
    Case("strict", "udp4_src_zero", udp4_case(src="0.0.0.0")),
    Case("strict", "udp4_src_multicast", udp4_case(src="224.0.0.1")),
    Case("strict", "udp4_src_limited_broadcast", udp4_case(src="255.255.255.255")),
    Case("strict", "udp4_src_router_ingress", udp4_case(src=RTR4)),
    Case("strict", "udp4_src_router_other", udp4_case(src=RTR4_B)),
    Case("strict", "udp4_src_router_lo", udp4_case(src=RTR4_LO)),
    Case("strict", "udp4_src_behind_net", udp4_case(src=BEHNET4)),
    Case("strict", "udp4_src_far", udp4_case(src=FAR4)),
    Case("strict", "tcp4_src_behind_net", tcp4_case(src=BEHNET4)),
    # IPv4 header
    Case("strict", "udp4_lsrr", udp4_case(opts=LSRR)),
    Case("strict", "udp4_router_alert", udp4_case(opts=RA)),
    Case("strict", "udp4_ttl_1", udp4_case(ttl=1)),
    Case("strict", "udp4_bad_ip_checksum", udp4_case(bad_csum=True)),
    # IPv6
    Case("strict", "udp6_src_multicast", udp6_case(src="ff02::1")),
    Case("strict", "udp6_src_link_local", udp6_case(src="fe80::1")),
    Case("strict", "udp6_src_loopback", udp6_case(src="::1")),
    Case("strict", "udp6_src_unspecified", udp6_case(src="::")),
    Case("strict", "udp6_src_v4_mapped", udp6_case(src="::ffff:10.1.0.2")),
    Case("strict", "udp6_dst_multicast", udp6_case(dst="ff0e::1")),
    Case("strict", "udp6_dst_link_local", udp6_case(dst="fe80::2")),
    Case("strict", "udp6_dst_loopback", udp6_case(dst="::1")),
    Case("strict", "udp6_dst_v4_mapped", udp6_case(dst="::ffff:10.200.0.1")),
    Case("strict", "udp6_hop_limit_1", udp6_case(hlim=1)),
    Case("strict", "udp6_hbh", udp6_case(hbh=True)),
    # PTBs: the outer header, the sender, the flow steered by
    Case("strict", "ptb4_dst_limited_broadcast", ptb4_case(dst="255.255.255.255")),
    Case("strict", "ptb4_dst_multicast", ptb4_case(dst="224.0.0.251")),
    Case("strict", "ptb4_dst_zero", ptb4_case(dst="0.0.0.0")),
    Case("strict", "ptb4_src_loopback", ptb4_case(src="127.0.0.1")),
    Case("strict", "ptb4_src_zero", ptb4_case(src="0.0.0.0")),
    Case("strict", "ptb4_src_multicast", ptb4_case(src="224.0.0.1")),
    Case("strict", "ptb4_src_limited_broadcast", ptb4_case(src="255.255.255.255")),
    Case("strict", "ptb4_src_router", ptb4_case(src=RTR4)),
    Case("strict", "ptb4_src_behind_net", ptb4_case(src=BEHNET4)),
    Case("strict", "ptb4_src_far", ptb4_case(src=FAR4)),
    Case("strict", "ptb4_flow_src_loopback", ptb4_case(client="127.0.0.1")),
    Case("strict", "ptb4_flow_src_multicast", ptb4_case(client="224.0.0.1")),
    Case("strict", "ptb4_lsrr", ptb4_case(opts=LSRR)),
    Case("strict", "ptb4_ttl_1", ptb4_case(ttl=1)),
    Case("strict", "ptb4_bad_ip_checksum", ptb4_case(bad_csum=True)),
    Case("strict", "ptb6_src_multicast", ptb6_case(src="ff02::1")),
    Case("strict", "ptb6_src_link_local", ptb6_case(src="fe80::1")),
    Case("strict", "ptb6_dst_multicast", ptb6_case(dst="ff0e::1")),
    Case("strict", "ptb6_flow_src_loopback", ptb6_case(client="::1")),
    Case("strict", "ptb6_hop_limit_1", ptb6_case(hlim=1)),
    Case("strict", "ptb6_hbh", ptb6_case(hbh=True)),
]


def cmd_list(_):
    for i, c in enumerate(CASES, 1):
        print(i, c.kind, c.name)


def cmd_send(a):
    global RUN
    RUN = a.run
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    for i, c in enumerate(CASES, 1):
        etype, l3 = c.build(i)
        dst = mac(c.l2) if c.l2 else mac(a.router_mac)
        frame = dst + mac(a.src_mac) + struct.pack("!H", etype) + l3
        s.send(frame)
        time.sleep(0.002)


MARK = re.compile(rb"MTG([SP])(\d)(\d{4})")


def classify(frame, run):
    """(kind, id) of one received frame, None if it carries no marker of
    this run."""
    m = MARK.search(frame)
    if not m or int(m.group(2)) != run:
        return None
    etype = struct.unpack("!H", frame[12:14])[0]
    proto = None
    if etype == 0x0800 and len(frame) >= 34:
        proto = frame[23]
    elif etype == 0x86DD and len(frame) >= 54:
        proto = frame[20]
    icmp = proto in (1, 58)
    if m.group(1) == b"S" and icmp:
        return "err", int(m.group(3))
    return "orig", int(m.group(3))


def cmd_sniff(a):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((a.iface, 0))
    print("ready", flush=True)
    while True:
        r, _, _ = select.select([s], [], [], 1.0)
        if not r:
            continue
        frame, addr = s.recvfrom(65535)
        if addr[2] == PACKET_OUTGOING:
            continue
        t = classify(frame, a.run)
        if t:
            print(a.where, t[0], t[1], flush=True)


def tokens(path):
    out = {}
    for line in open(path):
        f = line.split()
        if len(f) == 3 and f[1] in ("orig", "err"):
            k = (f[0], f[1], int(f[2]))
            out[k] = out.get(k, 0) + 1
    return out


def cmd_compare(a):
    k, m = tokens(a.kernel), tokens(a.mtug)
    bad = 0
    for i, c in enumerate(CASES, 1):
        extra = [t for t in m if t[2] == i and m[t] > k.get(t, 0)]
        got_k = k.get(("behind", "orig", i), 0)
        got_m = m.get(("behind", "orig", i), 0)
        name = "strict/%s/%s" % (c.kind, c.name)
        if extra:
            bad += 1
            print("FAIL: %s (with mtuguard: %s; without: %s)" % (
                name, ", ".join("%s %s x%d" % (t[0], t[1], m[t]) for t in sorted(extra)),
                ", ".join("%s %s x%d" % (t[0], t[1], k[t]) for t in sorted(k) if t[2] == i)
                or "nothing"))
        elif c.kind != "strict" and (got_k != 1 or got_m != 1):
            bad += 1
            print("FAIL: %s (arrived behind %d time(s) without mtuguard, %d with it)"
                  % (name, got_k, got_m))
        else:
            print("PASS: %s (behind the router: %s without mtuguard, %s with it)" % (
                name, "arrived" if got_k else "nothing", "arrived" if got_m else "nothing"))
    return 1 if bad else 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list")
    s = sub.add_parser("send")
    s.add_argument("--iface", required=True)
    s.add_argument("--src-mac", required=True)
    s.add_argument("--router-mac", required=True)
    s.add_argument("--run", type=int, choices=range(10), required=True)
    s = sub.add_parser("sniff")
    s.add_argument("--iface", required=True)
    s.add_argument("--where", required=True)
    s.add_argument("--run", type=int, choices=range(10), required=True)
    s = sub.add_parser("compare")
    s.add_argument("kernel")
    s.add_argument("mtug")
    a = p.parse_args()
    return {"list": cmd_list, "send": cmd_send, "sniff": cmd_sniff,
            "compare": cmd_compare}[a.cmd](a) or 0


if __name__ == "__main__":
    sys.exit(main())
