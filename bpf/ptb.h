/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* ptb.h - placeholder, replaced by the ICMP re-hash work. */
#ifndef MTUG_PTB_H
#define MTUG_PTB_H

static __always_inline int ptb_handle(void *ctx, struct pkt *pk,
				      struct mtug_iface_cfg *icfg,
				      struct mtug_global_cfg *gcfg,
				      bool ingress, __u64 *redirect_rc)
{
	return 0;
}

static __always_inline int fwd_handle(void *ctx, struct pkt *pk, __u64 *redirect_rc)
{
	return 0;
}
#endif
