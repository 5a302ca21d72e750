// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * share_xdp.bpf.c - other owners' programs for the tests of a shared
 * hook (not part of mtuguard): tests/integration/test_share_*.sh load
 * them with bpftool and put mtuguard beside, in front of or under them.
 *
 *   xdp_count[_mb]  an XDP program that counts, then redirects to the
 *                   ifindex in redirect_to[0] if one is set, else passes
 *   xdp_count_late_mb  counts in a counter of its own and passes: a
 *                   program put into a root array's slot later
 *   xdp_root_mb     shaped like katran's xdp_root: tries the slots of
 *                   root_array in order, runs the first one filled, and
 *                   passes (counted) when none is
 *
 * The _mb programs are multi-buffer (BPF_F_XDP_HAS_FRAGS, 5.18+): a tail
 * call needs caller and callee alike, and mtuguard's XDP program is
 * multi-buffer on kernels that have it.  (One object has one root: a
 * program array takes the flag of the first program that uses it.)  The
 * TC program is in share_tc.bpf.c, which loads on every kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define ROOT_SLOTS 4

enum { C_XDP, C_ROOT_EMPTY, C_LATE, C_NR };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, C_NR);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} redirect_to SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, ROOT_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} root_array SEC(".maps");

static __always_inline void count(__u32 i)
{
	__u64 *v = bpf_map_lookup_elem(&counts, &i);

	if (v)
		__sync_fetch_and_add(v, 1);
}

static __always_inline int xdp_count_run(void)
{
	__u32 zero = 0, *to = bpf_map_lookup_elem(&redirect_to, &zero);

	count(C_XDP);
	if (to && *to)
		return bpf_redirect(*to, 0);
	return XDP_PASS;
}

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	return xdp_count_run();
}

SEC("xdp.frags")
int xdp_count_mb(struct xdp_md *ctx)
{
	return xdp_count_run();
}

SEC("xdp.frags")
int xdp_count_late_mb(struct xdp_md *ctx)
{
	count(C_LATE);
	return XDP_PASS;
}

static __always_inline int xdp_root_run(struct xdp_md *ctx)
{
	int i;

	for (i = 0; i < ROOT_SLOTS; i++)
		bpf_tail_call(ctx, &root_array, i);
	count(C_ROOT_EMPTY);
	return XDP_PASS;
}

SEC("xdp.frags")
int xdp_root_mb(struct xdp_md *ctx)
{
	return xdp_root_run(ctx);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
