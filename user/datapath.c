// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * datapath.c - see datapath.h.
 */
#include <errno.h>

#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "datapath.h"
#include "mtuguard.skel.h"

bool mg_xdp_frags_supported(void)
{
	static int known = -1;

	/* The helper and the load flag came together, in 5.18. */
	if (known < 0)
		known = libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_xdp_get_buff_len,
						NULL) == 1;
	return known;
}

int mg_datapath_prepare(struct mtuguard_bpf *skel)
{
	return mg_datapath_prepare_frags(skel, mg_xdp_frags_supported());
}

int mg_datapath_prepare_frags(struct mtuguard_bpf *skel, bool frags)
{
	int err;

	skel->rodata->mtug_xdp_frags = frags;
	if (!frags)
		return 0;
	/* A multi-buffer program runs on single-buffer frames too, and it
	 * is what a driver needs for an MTU above one buffer (jumbo frames). */
	err = bpf_program__set_flags(skel->progs.mtuguard_xdp,
				     bpf_program__flags(skel->progs.mtuguard_xdp) |
				     BPF_F_XDP_HAS_FRAGS);
	return err ? (err < 0 ? err : -err) : 0;
}
