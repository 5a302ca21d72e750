#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""tcpload.py - TCP traffic for tests/integration/test_concurrency.sh.

    tcpload.py serve PORT          echo server on [::]:PORT (v4 and v6), TCP
                                   and UDP
    tcpload.py ping SECONDS ADDR PORT RATE [STOPFILE]
        UDP echo requests at RATE a second; prints "sent=N received=M"
        (a reply later than 1 s counts as lost)
    tcpload.py load SECONDS ADDR4 ADDR6 PORT [STOPFILE]
        for SECONDS, short connections one after the other, alternating
        families: connect, send 2000 bytes, read them back, close.  Prints
        "conns=N fail=M bytes=B" at the end; a failure is a refused,
        reset or timed-out connection (2 s) or short data.
    Both stop early when STOPFILE exists.
"""
import os
import socket
import sys
import threading
import time


def udp_echo(port):
    u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    u.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    u.bind(("::", port))
    while True:
        d, a = u.recvfrom(2048)
        u.sendto(d, a)


def stopped(stop):
    return stop is not None and os.path.exists(stop)


def ping(secs, addr, port, rate, stop=None):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    u = socket.socket(fam, socket.SOCK_DGRAM)
    u.connect((addr, port))
    u.setblocking(False)
    sent, got = {}, set()
    start = time.time()
    n = 0
    while True:
        now = time.time()
        if now - start >= secs or (n % 50 == 0 and stopped(stop)):
            break
        if n < (now - start) * rate:
            sent[n] = now
            u.send(b"%d" % n)
            n += 1
        try:
            while True:
                d = u.recv(2048)
                k = int(d)
                if k in sent and time.time() - sent[k] <= 1.0:
                    got.add(k)
        except (BlockingIOError, ValueError):
            pass
        time.sleep(0.0005)
    end = time.time() + 1.0
    while time.time() < end and len(got) < len(sent):
        try:
            d = u.recv(2048)
            k = int(d)
            if k in sent and time.time() - sent[k] <= 1.0:
                got.add(k)
        except (BlockingIOError, ValueError):
            time.sleep(0.001)
    print("sent=%d received=%d" % (len(sent), len(got)))


def serve(port):
    threading.Thread(target=udp_echo, args=(port,), daemon=True).start()
    s = socket.socket(socket.AF_INET6)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    s.listen(512)

    def echo(c):
        try:
            c.settimeout(5)
            while True:
                d = c.recv(65536)
                if not d:
                    break
                c.sendall(d)
        except OSError:
            pass
        finally:
            c.close()

    while True:
        c, _ = s.accept()
        threading.Thread(target=echo, args=(c,), daemon=True).start()


def load(secs, a4, a6, port, stop=None):
    end = time.time() + secs
    n = fail = total = 0
    msg = bytes(range(256)) * 8
    msg = msg[:2000]
    fails = []
    while time.time() < end and not stopped(stop):
        fam, addr = (socket.AF_INET, a4) if n % 2 == 0 else (socket.AF_INET6, a6)
        n += 1
        try:
            c = socket.socket(fam)
            c.settimeout(2)
            c.connect((addr, port))
            c.sendall(msg)
            got = b""
            while len(got) < len(msg):
                d = c.recv(65536)
                if not d:
                    break
                got += d
            c.close()
            if got != msg:
                raise OSError("short data %d" % len(got))
            total += len(got)
        except OSError as e:
            fail += 1
            if len(fails) < 5:
                fails.append("%s: %s" % (addr, e))
    print("conns=%d fail=%d bytes=%d" % (n, fail, total))
    for f in fails:
        print("failure: " + f)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]))
    elif len(sys.argv) in (6, 7) and sys.argv[1] == "ping":
        ping(float(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5]),
             sys.argv[6] if len(sys.argv) == 7 else None)
    elif len(sys.argv) in (6, 7) and sys.argv[1] == "load":
        load(float(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5]),
             sys.argv[6] if len(sys.argv) == 7 else None)
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
