// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xdp_pass.bpf.c - an XDP program that passes every frame, for test
 * topologies (not part of mtuguard).
 *
 * A veth only hands XDP_TX frames on to its peer at once when the peer runs
 * an XDP program: veth's XDP_TX flush kicks the peer's NAPI only then
 * (GRO alone gives the peer NAPI, but its XDP_TX frames would wait in the
 * ring for the next packet).  test_ecmp_one_armed.sh puts this on the
 * bridge port facing the router for that reason:
 *   ip link set dev PORT xdpdrv obj build/tools/xdp_pass.bpf.o sec xdp
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
