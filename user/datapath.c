// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * datapath.c - see datapath.h.
 */
#include <errno.h>

#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "datapath.h"
#include "kfeatures.h"
#include "mtuguard.skel.h"

bool mg_xdp_frags_supported(void)
{
	/* The table's probe, so status says what the datapath does. */
	return mg_kfeature(MG_KF_XDP_FRAGS);
}

int mg_datapath_prepare(struct mtuguard_bpf *skel)
{
	bool frags = mg_xdp_frags_supported();
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
