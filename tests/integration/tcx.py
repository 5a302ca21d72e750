#!/usr/bin/env python3
"""tcx.py - TCX links for the tests of a shared TC hook (iproute2 and
bpftool of Debian 12 predate TCX), through the bpf() system call.

  tcx.py attach PINNED_PROG IFNAME ingress|egress LINK_PIN
        attach the pinned program as a TCX link at the end of the hook and
        pin the link (removing the pin detaches it)
  tcx.py ids IFNAME ingress|egress
        the ids of the programs on the hook, in the order they run
  tcx.py probe
        exit 0 if the kernel has TCX (its BTF names BPF_TCX_INGRESS)

Run inside the interface's network namespace (ip netns exec).
"""
import ctypes
import os
import socket
import struct
import sys

SYS_BPF = 321  # x86_64
BPF_OBJ_PIN, BPF_OBJ_GET, BPF_PROG_QUERY, BPF_LINK_CREATE = 6, 7, 16, 28
TCX = {"ingress": 46, "egress": 47}

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr, 128)
    r = libc.syscall(SYS_BPF, cmd, buf, 128)
    if r < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return r, buf.raw


def obj_get(path):
    p = ctypes.create_string_buffer(path.encode())
    return bpf(BPF_OBJ_GET, struct.pack("QII", ctypes.addressof(p), 0, 0))[0]


def obj_pin(fd, path):
    p = ctypes.create_string_buffer(path.encode())
    bpf(BPF_OBJ_PIN, struct.pack("QII", ctypes.addressof(p), fd, 0))


def link_create(prog_fd, ifindex, atype):
    return bpf(BPF_LINK_CREATE, struct.pack("IIII", prog_fd, ifindex, atype, 0))[0]


def ids(ifindex, atype):
    arr = (ctypes.c_uint32 * 64)()
    attr = struct.pack("IIIIQI", ifindex, atype, 0, 0, ctypes.addressof(arr), 64)
    _, out = bpf(BPF_PROG_QUERY, attr)
    cnt = struct.unpack_from("I", out, 24)[0]
    return list(arr[:cnt])


def main(argv):
    if argv[1:2] == ["probe"]:
        # As mtuguard asks: the kernel's BTF names BPF_TCX_INGRESS.
        try:
            with open("/sys/kernel/btf/vmlinux", "rb") as f:
                return 0 if b"\0BPF_TCX_INGRESS\0" in f.read() else 1
        except OSError:
            return 1
    if argv[1:2] == ["attach"] and len(argv) == 6:
        fd = obj_get(argv[2])
        lfd = link_create(fd, socket.if_nametoindex(argv[3]), TCX[argv[4]])
        obj_pin(lfd, argv[5])
        return 0
    if argv[1:2] == ["ids"] and len(argv) == 4:
        try:
            print(" ".join(str(i) for i in ids(socket.if_nametoindex(argv[2]),
                                               TCX[argv[3]])))
        except OSError as e:
            if e.errno != 2:  # no TCX entry on the device yet: none
                raise
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
