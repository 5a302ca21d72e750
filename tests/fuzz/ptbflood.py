#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""ptbflood.py - floods of forged (and genuine) ICMP errors for
tests/integration/test_hostile_icmp_flood.sh.

    ptbflood.py send IFACE DSTMAC CLASS FAM N [--seed S]
        send N frames of one class with AF_PACKET out of IFACE to DSTMAC:
        ICMP "Fragmentation Needed" (FAM 4) or ICMPv6 "Packet Too Big"
        (FAM 6) from the hop to the VIP.  Classes:
          genuine        quote VIP:80 -> client:random port, MTU 1400/1280+
          random_tuple   inner source random (not the VIP), random ports
          outer_ne_inner inner source another of the router's addresses
          bad_csum       ICMP checksum off by a random amount
          mtu_0          advertised MTU 0
          mtu_small      68 / 500 (IPv4), 1000 (IPv6): below the floor
          cut_quote      the quote cut before the inner ports
          quote_error    quoting an ICMP error (an error about an error)
          len_past_frame IP length longer than the frame
    ptbflood.py classes        list the classes and the counter each must hit
"""
import random
import socket
import struct
import sys

VIP4, VIP6 = "10.200.0.1", "fd00:200::1"
HOP4, HOP6 = "10.1.0.3", "fd00:1::3"
CLIENT4, CLIENT6 = "10.1.0.2", "fd00:1::2"
OTHER4, OTHER6 = "10.1.0.1", "fd00:1::1"   # the router itself

# class -> counter it must be counted under
CLASSES = {
    "genuine": "ptb_steered",
    "random_tuple": "ptb_invalid",
    "outer_ne_inner": "ptb_invalid",
    "bad_csum": "ptb_invalid",
    "mtu_0": "ptb_invalid",
    "mtu_small": "ptb_mtu_too_small",
    "cut_quote": "ptb_invalid",
    "quote_error": "ptb_invalid",
    "len_past_frame": "ptb_invalid",
}


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def a4(s):
    return socket.inet_pton(socket.AF_INET, s)


def a6(s):
    return socket.inet_pton(socket.AF_INET6, s)


def ip4(src, dst, proto, payload, tot=None, ttl=64):
    h = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, tot or 20 + len(payload),
                              random.getrandbits(16), 0x4000, ttl, proto, 0, src, dst))
    h[10:12] = struct.pack("!H", csum(bytes(h)))
    return bytes(h) + payload


def ip6(src, dst, nh, payload, plen=None, hlim=64):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload) if plen is None else plen,
                       nh, hlim, src, dst) + payload


def tcp(src, dst, sport, dport, v6, data=b"x" * 64):
    seg = bytearray(struct.pack("!HHIIBBHHH", sport, dport, random.getrandbits(32),
                                random.getrandbits(32), 0x50, 0x18, 502, 0, 0) + data)
    ph = (src + dst + struct.pack("!I3xB", len(seg), 6)) if v6 else \
        (src + dst + struct.pack("!xBH", 6, len(seg)))
    seg[16:18] = struct.pack("!H", csum(ph + bytes(seg)))
    return bytes(seg)


def icmp_msg(v6, typ, code, rest, body, src, dst, delta=0):
    m = bytearray(struct.pack("!BBHI", typ, code, 0, rest) + body)
    if v6:
        ph = src + dst + struct.pack("!I3xB", len(m), 58)
        c = csum(ph + bytes(m))
    else:
        c = csum(bytes(m))
    if delta:
        c = (c + delta) % 0xFFFF or 0xFFFF
    m[2:4] = struct.pack("!H", c)
    return bytes(m)


def rand_addr(v6, avoid):
    while True:
        if v6:
            a = "2001:db8:%x:%x::%x" % (random.getrandbits(16), random.getrandbits(16),
                                        random.randint(1, 0xffff))
        else:
            a = "%d.%d.%d.%d" % (random.randint(1, 223), random.getrandbits(8),
                                 random.getrandbits(8), random.randint(1, 254))
        if a != avoid:
            return a


def frame(cls, v6):
    A = a6 if v6 else a4
    vip, hop, client = (VIP6, HOP6, CLIENT6) if v6 else (VIP4, HOP4, CLIENT4)
    inner_src, inner_dst = vip, client
    sport, dport = 80, random.randint(1024, 65535)
    mtu = 1280 + random.getrandbits(8) if v6 else 1400
    delta, cut, plen_extra = 0, None, 0
    if cls == "random_tuple":
        inner_src, inner_dst = rand_addr(v6, vip), rand_addr(v6, vip)
        sport, dport = random.randint(1, 65535), random.randint(1, 65535)
    elif cls == "outer_ne_inner":
        inner_src = OTHER6 if v6 else OTHER4
    elif cls == "bad_csum":
        delta = random.randint(1, 0xFFFE)
    elif cls == "mtu_0":
        mtu = 0
    elif cls == "mtu_small":
        mtu = 1000 if v6 else random.choice((68, 500))
    elif cls == "cut_quote":
        cut = random.choice((1, 8, 20, 22, 39, 40, 42)) if v6 else random.choice((1, 8, 19, 20, 22))
    elif cls == "len_past_frame":
        plen_extra = random.randint(1, 400)
    si, di = A(inner_src), A(inner_dst)
    if cls == "quote_error":
        # the inner packet is itself an ICMP error quoting a UDP datagram
        udp = struct.pack("!HHHH", 53, 33434, 8, 0)
        q = ip6(A(client), si, 17, udp) if v6 else ip4(A(client), si, 17, udp)
        err = icmp_msg(v6, 1 if v6 else 3, 4 if v6 else 3, 0, q, si, A(client))
        quoted = ip6(si, di, 58, err) if v6 else ip4(si, di, 1, err)
    else:
        seg = tcp(si, di, sport, dport, v6)
        quoted = ip6(si, di, 6, seg) if v6 else ip4(si, di, 6, seg)
    if cut is not None:
        quoted = quoted[:cut]
    outer_src, outer_dst = A(hop), A(vip)
    if v6:
        msg = icmp_msg(True, 2, 0, mtu, quoted, outer_src, outer_dst, delta)
        pkt = ip6(outer_src, outer_dst, 58, msg, plen=len(msg) + plen_extra)
        et = b"\x86\xdd"
    else:
        msg = icmp_msg(False, 3, 4, mtu & 0xFFFF, quoted, outer_src, outer_dst, delta)
        pkt = ip4(outer_src, outer_dst, 1, msg, tot=20 + len(msg) + plen_extra)
        et = b"\x08\x00"
    return et, pkt


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "classes":
        for c, counter in CLASSES.items():
            print(c, counter)
        return 0
    if len(sys.argv) < 7 or sys.argv[1] != "send":
        print(__doc__, file=sys.stderr)
        return 2
    iface, dstmac, cls, fam, n = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
    seed = int(sys.argv[8]) if len(sys.argv) > 8 and sys.argv[7] == "--seed" else 1
    random.seed("%s-%s-%d" % (cls, fam, seed))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    src_mac = s.getsockname()[4]
    dst = bytes.fromhex(dstmac.replace(":", ""))
    sent = 0
    for _ in range(n):
        et, pkt = frame(cls, fam == "6")
        while True:
            try:
                s.send(dst + src_mac + et + pkt)
                break
            except BlockingIOError:
                continue
            except OSError as e:
                if e.errno == 105:  # ENOBUFS: the queue is full, try again
                    continue
                raise
        sent += 1
    print("sent", sent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
