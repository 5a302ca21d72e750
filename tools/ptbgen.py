#!/usr/bin/env python3
"""ptbgen.py - traffic tools for mtuguard's ECMP tests (misrouted ICMP).

    ptbgen.py flows N [--seed S] [--base P] [--width W]
        print N distinct flows, one "CPORT VPORT" a line: client port in
        [P, P + W), VIP port one of 8 well-known ones

    ptbgen.py syn --src CLIENT --dst VIP --flows FILE [--gap-us U]
        send one TCP SYN per flow, CLIENT:CPORT -> VIP:VPORT (raw IP socket,
        full IP header written here, valid checksums)

    ptbgen.py ptb --src HOP --dst VIP --client CLIENT --flows FILE
                  [--mtu M] [--bad-csum] [--gap-us U]
        send one ICMP "Fragmentation Needed" (IPv4 type 3 code 4) or ICMPv6
        "Packet Too Big" (type 2) per flow from HOP to VIP, quoting the reply
        the VIP would have sent: VIP:VPORT -> CLIENT:CPORT, TCP, full-size,
        DF.  As much of it as a router quotes (576 bytes in all for IPv4,
        1280 for IPv6).  Checksum valid unless --bad-csum.

    ptbgen.py sniff --iface IF --vip V [--vip V6]
        print, for every frame received on IF (not sent), one line
          SYN <fam> <cport> <vport>          a TCP SYN to a VIP
          PTB <fam> <cport> <vport> <mtu>    a PTB quoting VIP -> client
        after a first line "ready".  Flushed line by line.

    ptbgen.py tally --flows FILE --fam F NAME=SNIFFLOG...
        compare, flow by flow, the backend that got the SYN and the one that
        got the PTB; print "key=value" lines (see the code) for the shell.

    ptbgen.py serve --addr A --port P --size N --name NAME
        tiny HTTP/1.0 server: any request gets N deterministic bytes with
        header "X-Backend: NAME" (GET /small: the first 100 of them).  Logs
        one line per connection.

    ptbgen.py body-sha --size N
        sha256 of the body `serve` sends.

Family (4 or 6) always follows the form of the addresses.
"""
import argparse
import hashlib
import ipaddress
import random
import socket
import struct
import sys
import threading
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
IPPROTO_ICMPV6 = 58


# ---- checksums and headers -------------------------------------------------

def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def fam_of(addr):
    return 6 if ":" in addr else 4


def pseudo(fam, src, dst, proto, length):
    s = ipaddress.ip_address(src).packed
    d = ipaddress.ip_address(dst).packed
    if fam == 4:
        return s + d + struct.pack("!BBH", 0, proto, length)
    return s + d + struct.pack("!I3xB", length, proto)


def ip_header(fam, src, dst, proto, payload_len, ttl=64, df=True, ident=0):
    s = ipaddress.ip_address(src).packed
    d = ipaddress.ip_address(dst).packed
    if fam == 4:
        h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, ident,
                        0x4000 if df else 0, ttl, proto, 0, s, d)
        return h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return struct.pack("!IHBB16s16s", 6 << 28, payload_len, proto, ttl, s, d)


def tcp_segment(fam, src, dst, sport, dport, flags, seq=1, ack=0, payload=b"",
                opts=b"", fix_csum=True):
    off = (20 + len(opts)) // 4
    h = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags,
                    64240, 0, 0) + opts
    seg = h + payload
    if fix_csum:
        c = csum(pseudo(fam, src, dst, 6, len(seg)) + seg)
        seg = seg[:16] + struct.pack("!H", c) + seg[18:]
    return seg


def raw_socket(fam):
    # IPPROTO_RAW: we write the IP header ourselves (hdrincl, IPv6 too), so
    # the kernel computes no checksum behind our back (it would for a plain
    # ICMPv6 raw socket) and --bad-csum stays bad.
    af = socket.AF_INET if fam == 4 else socket.AF_INET6
    return socket.socket(af, socket.SOCK_RAW, socket.IPPROTO_RAW)


def send_all(fam, dst, packets, gap_us):
    s = raw_socket(fam)
    addr = (dst, 0) if fam == 4 else (dst, 0, 0, 0)
    for p in packets:
        for attempt in range(50):
            try:
                s.sendto(p, addr)
                break
            except (BlockingIOError, OSError) as e:
                if getattr(e, "errno", None) not in (11, 105):  # EAGAIN, ENOBUFS
                    raise
                time.sleep(0.01)
        if gap_us:
            time.sleep(gap_us / 1e6)
    s.close()


def read_flows(path):
    out = []
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) >= 2:
                out.append((int(p[0]), int(p[1])))
    return out


# ---- subcommands -----------------------------------------------------------

def cmd_flows(a):
    rnd = random.Random(a.seed)
    vports = [80, 443, 8080, 8443, 3000, 5000, 9000, 25]
    seen = set()
    while len(seen) < a.n:
        f = (rnd.randrange(a.base, a.base + a.width), rnd.choice(vports))
        if f not in seen:
            seen.add(f)
            print("%d %d" % f)


def cmd_syn(a):
    fam = fam_of(a.dst)
    pkts = []
    for i, (cport, vport) in enumerate(read_flows(a.flows)):
        mss = struct.pack("!BBH", 2, 4, 1460 if fam == 4 else 1440)
        seg = tcp_segment(fam, a.src, a.dst, cport, vport, 0x02,
                          seq=1000 + i, opts=mss)
        pkts.append(ip_header(fam, a.src, a.dst, 6, len(seg), ident=i) + seg)
    send_all(fam, a.dst, pkts, a.gap_us)
    print("sent %d SYN" % len(pkts))


def build_ptb(fam, hop, vip, client, cport, vport, mtu, bad_csum, ident=0):
    # The packet that did not fit: the VIP's full-size reply to the client.
    full = 1500 if fam == 4 else 1500
    hdr_len = 20 if fam == 4 else 40
    data_len = full - hdr_len - 20
    payload = bytes((i * 7 + cport) & 0xFF for i in range(data_len))
    seg = tcp_segment(fam, vip, client, vport, cport, 0x18, seq=5000, ack=1001,
                      payload=payload)
    inner = ip_header(fam, vip, client, 6, len(seg), ttl=63, ident=ident) + seg
    # A router quotes as much as fits in 576 (IPv4) / 1280 (IPv6) bytes.
    room = (576 - 20 - 8) if fam == 4 else (1280 - 40 - 8)
    inner = inner[:room]
    if fam == 4:
        icmp = struct.pack("!BBHHH", 3, 4, 0, 0, mtu) + inner
        c = csum(icmp)
    else:
        icmp = struct.pack("!BBHI", 2, 0, 0, mtu) + inner
        c = csum(pseudo(6, hop, vip, IPPROTO_ICMPV6, len(icmp)) + icmp)
    if bad_csum:
        c ^= 0x5A5A
    icmp = icmp[:2] + struct.pack("!H", c) + icmp[4:]
    proto = 1 if fam == 4 else IPPROTO_ICMPV6
    return ip_header(fam, hop, vip, proto, len(icmp), ttl=64, df=False,
                     ident=ident) + icmp


def cmd_ptb(a):
    fam = fam_of(a.dst)
    pkts = [build_ptb(fam, a.src, a.dst, a.client, cport, vport, a.mtu,
                      a.bad_csum, ident=i)
            for i, (cport, vport) in enumerate(read_flows(a.flows))]
    send_all(fam, a.dst, pkts, a.gap_us)
    print("sent %d PTB (mtu %d%s)" % (len(pkts), a.mtu,
                                      ", bad checksum" if a.bad_csum else ""))


def parse_frame(buf, vips):
    """-> ("SYN", fam, cport, vport) / ("PTB", fam, cport, vport, mtu) / None"""
    off = 12
    et = struct.unpack_from("!H", buf, off)[0]
    off += 2
    while et in (0x8100, 0x88A8):
        et = struct.unpack_from("!H", buf, off + 2)[0]
        off += 4
    if et == 0x0800:
        fam = 4
        ihl = (buf[off] & 0xF) * 4
        proto = buf[off + 9]
        src, dst = buf[off + 12:off + 16], buf[off + 16:off + 20]
        l4 = off + ihl
    elif et == 0x86DD:
        fam = 6
        proto = buf[off + 6]
        src, dst = buf[off + 8:off + 24], buf[off + 24:off + 40]
        l4 = off + 40
    else:
        return None
    if dst not in vips:
        return None
    if proto == 6:
        sport, dport = struct.unpack_from("!HH", buf, l4)
        flags = buf[l4 + 13]
        if flags & 0x02 and not flags & 0x10:
            return ("SYN", fam, sport, dport)
        return None
    if (fam == 4 and proto == 1 and buf[l4] == 3 and buf[l4 + 1] == 4) or \
       (fam == 6 and proto == IPPROTO_ICMPV6 and buf[l4] == 2):
        if fam == 4:
            mtu = struct.unpack_from("!H", buf, l4 + 6)[0]
            q = l4 + 8
            qihl = (buf[q] & 0xF) * 4
            qproto = buf[q + 9]
            ql4 = q + qihl
        else:
            mtu = struct.unpack_from("!I", buf, l4 + 4)[0]
            q = l4 + 8
            qproto = buf[q + 6]
            ql4 = q + 40
        if qproto != 6:
            return None
        vport, cport = struct.unpack_from("!HH", buf, ql4)
        return ("PTB", fam, cport, vport, mtu)
    return None


def cmd_sniff(a):
    vips = set(ipaddress.ip_address(v).packed for v in a.vip)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((a.iface, 0))
    print("ready", flush=True)
    while True:
        buf, addr = s.recvfrom(65535)
        if addr[2] == PACKET_OUTGOING:
            continue
        try:
            r = parse_frame(buf, vips)
        except (struct.error, IndexError):
            r = None
        if r:
            print(" ".join(str(x) for x in r), flush=True)


def load_sniff(path):
    syn, ptb = {}, {}
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) >= 4 and p[0] in ("SYN", "PTB"):
                key = (int(p[1]), int(p[2]), int(p[3]))
                d = syn if p[0] == "SYN" else ptb
                d[key] = d.get(key, 0) + 1
    return syn, ptb


def cmd_tally(a):
    flows = read_flows(a.flows)
    backends = []
    for spec in a.logs:
        name, path = spec.split("=", 1)
        backends.append((name, load_sniff(path)))
    fam = a.fam
    n = len(flows)
    syn_at, ptb_at = {}, {}
    per_syn = {name: 0 for name, _ in backends}
    per_ptb = {name: 0 for name, _ in backends}
    dup_syn = dup_ptb = 0
    for cport, vport in flows:
        k = (fam, cport, vport)
        for name, (syn, ptb) in backends:
            if k in syn:
                per_syn[name] += 1
                dup_syn += k in syn_at
                syn_at[k] = name
            if k in ptb:
                per_ptb[name] += ptb[k]
                dup_ptb += (k in ptb_at) + ptb[k] - 1
                ptb_at.setdefault(k, []).extend([name] * ptb[k])
    with_syn = sum(1 for f in flows if (fam,) + f in syn_at)
    with_ptb = sum(1 for f in flows if (fam,) + f in ptb_at)
    both = [(fam,) + f for f in flows if (fam,) + f in syn_at and (fam,) + f in ptb_at]
    right = sum(1 for k in both if ptb_at[k] == [syn_at[k]])
    wrong = len(both) - right
    print("flows=%d" % n)
    print("syn_seen=%d" % with_syn)
    print("ptb_seen=%d" % with_ptb)
    print("ptb_total=%d" % sum(per_ptb.values()))
    print("matched=%d" % len(both))
    print("right=%d" % right)
    print("wrong=%d" % wrong)
    print("dup_syn=%d" % dup_syn)
    print("dup_ptb=%d" % dup_ptb)
    print("wrong_pct=%.1f" % (100.0 * wrong / len(both) if both else 0.0))
    print("syn_per_backend=%s" % ",".join("%s:%d" % kv for kv in per_syn.items()))
    print("ptb_per_backend=%s" % ",".join("%s:%d" % kv for kv in per_ptb.items()))


# ---- HTTP server -------------------------------------------------------------

def body_block():
    out = bytearray()
    h = b"mtuguard-ecmp"
    while len(out) < 65536:
        h = hashlib.sha256(h).digest()
        out += h
    return bytes(out[:65536])


def body_chunks(size):
    blk = body_block()
    left = size
    while left > 0:
        n = min(left, len(blk))
        yield blk[:n]
        left -= n


def cmd_body_sha(a):
    h = hashlib.sha256()
    for c in body_chunks(a.size):
        h.update(c)
    print(h.hexdigest())


def cmd_serve(a):
    fam = fam_of(a.addr)
    ls = socket.socket(socket.AF_INET if fam == 4 else socket.AF_INET6,
                       socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a.addr, a.port))
    ls.listen(128)
    print("listening on %s port %d as %s" % (a.addr, a.port, a.name), flush=True)
    lock = threading.Lock()

    def log(msg):
        with lock:
            print(msg, flush=True)

    def handle(c, peer):
        c.settimeout(a.timeout)
        sent = 0
        try:
            req = b""
            while b"\r\n\r\n" not in req and len(req) < 8192:
                b = c.recv(4096)
                if not b:
                    return
                req += b
            size = a.size
            if req.split(b" ")[1:2] == [b"/small"]:
                size = 100
            hdr = ("HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n"
                   "Content-Length: %d\r\nX-Backend: %s\r\n\r\n" % (size, a.name))
            c.sendall(hdr.encode())
            for chunk in body_chunks(size):
                c.sendall(chunk)
                sent += len(chunk)
            log("done %s port %d sent %d" % (peer[0], peer[1], sent))
        except OSError as e:
            log("abort %s port %d sent %d: %s" % (peer[0], peer[1], sent, e))
        finally:
            c.close()

    while True:
        c, peer = ls.accept()
        threading.Thread(target=handle, args=(c, peer), daemon=True).start()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)

    q = sub.add_parser("flows")
    q.add_argument("n", type=int)
    q.add_argument("--seed", type=int, default=1)
    q.add_argument("--base", type=int, default=20000)
    q.add_argument("--width", type=int, default=1000)
    q.set_defaults(fn=cmd_flows)

    q = sub.add_parser("syn")
    q.add_argument("--src", required=True)
    q.add_argument("--dst", required=True)
    q.add_argument("--flows", required=True)
    q.add_argument("--gap-us", type=int, default=500)
    q.set_defaults(fn=cmd_syn)

    q = sub.add_parser("ptb")
    q.add_argument("--src", required=True)
    q.add_argument("--dst", required=True)
    q.add_argument("--client", required=True)
    q.add_argument("--flows", required=True)
    q.add_argument("--mtu", type=int, default=1400)
    q.add_argument("--bad-csum", action="store_true")
    q.add_argument("--gap-us", type=int, default=500)
    q.set_defaults(fn=cmd_ptb)

    q = sub.add_parser("sniff")
    q.add_argument("--iface", required=True)
    q.add_argument("--vip", action="append", required=True)
    q.set_defaults(fn=cmd_sniff)

    q = sub.add_parser("tally")
    q.add_argument("--flows", required=True)
    q.add_argument("--fam", type=int, required=True)
    q.add_argument("logs", nargs="+")
    q.set_defaults(fn=cmd_tally)

    q = sub.add_parser("serve")
    q.add_argument("--addr", required=True)
    q.add_argument("--port", type=int, required=True)
    q.add_argument("--size", type=int, required=True)
    q.add_argument("--name", required=True)
    q.add_argument("--timeout", type=float, default=20)
    q.set_defaults(fn=cmd_serve)

    q = sub.add_parser("body-sha")
    q.add_argument("--size", type=int, required=True)
    q.set_defaults(fn=cmd_body_sha)

    a = p.parse_args()
    try:
        a.fn(a)
    except (BrokenPipeError, KeyboardInterrupt):
        pass


if __name__ == "__main__":
    main()
