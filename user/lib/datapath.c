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
	return mg_datapath_prepare_frags(skel, mg_xdp_frags_supported());
}

int mg_datapath_prepare_frags(struct mtuguard_bpf *skel, bool frags)
{
	struct bpf_program *xdp[] = { skel->progs.mtuguard_xdp,
				      skel->progs.mtuguard_xdp_chain };
	int err = 0;
	size_t i;

	skel->rodata->mtug_xdp_frags = frags;
	if (!frags)
		return 0;
	/* A multi-buffer program runs on single-buffer frames too, and it
	 * is what a driver needs for an MTU above one buffer (jumbo frames). */
	for (i = 0; !err && i < sizeof(xdp) / sizeof(xdp[0]); i++)
		err = bpf_program__set_flags(xdp[i], bpf_program__flags(xdp[i]) |
					     BPF_F_XDP_HAS_FRAGS);
	return err ? (err < 0 ? err : -err) : 0;
}
