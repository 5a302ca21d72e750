// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * root_next.bpf.c - where mtuguard's XDP program goes on to from slot POS
 * of a root program array (attach --root-array): the slots after POS, in
 * order, each time, as the root itself tries its slots (katran's xdp_root
 * shape).  A slot filled or emptied while mtuguard is attached counts from
 * the next frame on.
 *
 * Loaded by the CLI for each interface attached that way, over the root's
 * own array (bpf_map__reuse_fd): a tail call goes only into a map the
 * program was loaded with.  It sits in mtuguard's xdp_chain at the
 * interface's slot, so it must be of the kind (multi-buffer or not) of
 * both mtuguard's program there and the root's array, which the kernel
 * checks at load.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "mtuguard.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* The slots to try: [first_slot, first_slot + n_slots), n_slots at most
 * MTUG_ROOT_NEXT_MAX (the loop's bound for the verifier). */
const volatile __u32 first_slot = 0;
const volatile __u32 n_slots = 0;

/* The root's array; max_entries here is replaced by the root's own. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} root_array SEC(".maps");

SEC("xdp")
int mtuguard_root_next(struct xdp_md *ctx)
{
	/* A tail call into an empty slot falls through to the next one; the
	 * first filled slot's program gives the frame's verdict. */
	for (__u32 i = 0; i < MTUG_ROOT_NEXT_MAX; i++) {
		if (i >= n_slots)
			break;
		bpf_tail_call(ctx, &root_array, first_slot + i);
	}
	return XDP_PASS;
}
