/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * datapath.h - settle what the BPF object does on this kernel before it
 * is loaded: everyone who loads it (the CLI, the unit harness, the bench,
 * verifier_stats) calls mg_datapath_prepare() between open and load, so
 * the datapath under test is the datapath that runs.
 */
#ifndef MG_DATAPATH_H
#define MG_DATAPATH_H

#include <stdbool.h>

struct mtuguard_bpf;

/* Multi-buffer XDP (BPF_F_XDP_HAS_FRAGS, bpf_xdp_get_buff_len): 5.18+. */
bool mg_xdp_frags_supported(void);

/* Set the load-time settings (bpf/settings.h) and program flags for the
 * running kernel.  Returns 0 or a negative errno. */
int mg_datapath_prepare(struct mtuguard_bpf *skel);

/* The same, with multi-buffer XDP as told (false: single-buffer, for a
 * tail call into or from a single-buffer program; see share.h). */
int mg_datapath_prepare_frags(struct mtuguard_bpf *skel, bool frags);

#endif /* MG_DATAPATH_H */
