/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * act.h - verdicts and hook identity, so one body of code can serve the XDP
 * and the TC programs: each global function returns its program's own
 * action code.
 */
#ifndef MTUG_ACT_H
#define MTUG_ACT_H

#include "proto.h"
#include "settings.h"

enum hook {
	HOOK_XDP,
	HOOK_TC_INGRESS,
	HOOK_TC_EGRESS,
};

static __always_inline int act_pass(bool is_xdp)
{
	return is_xdp ? XDP_PASS : TC_ACT_OK;
}

static __always_inline int act_drop(bool is_xdp)
{
	return is_xdp ? XDP_DROP : TC_ACT_SHOT;
}

/* The context's packet pointers, for either hook: the one place that
 * knows where each context keeps them. */
static __always_inline void ctx_data(void *ctx, bool is_xdp, void **data, void **data_end)
{
	if (is_xdp) {
		*data = (void *)(long)((struct xdp_md *)ctx)->data;
		*data_end = (void *)(long)((struct xdp_md *)ctx)->data_end;
	} else {
		*data = (void *)(long)((struct __sk_buff *)ctx)->data;
		*data_end = (void *)(long)((struct __sk_buff *)ctx)->data_end;
	}
}

/* XDP on a multi-buffer frame: does the frame hold `end` bytes, past the
 * first buffer (data_end)?  Only asked once `end` is past data_end, so a
 * single-buffer frame never pays for the helper call. */
static __always_inline bool xdp_spans_buffers(void *ctx, __u32 end)
{
	return mtug_xdp_frags && bpf_xdp_get_buff_len(ctx) >= end;
}

/* Does the frame hold `end` bytes from its start?  XDP asks the helper
 * only when `end` is past the first buffer. */
static __always_inline bool frame_holds(void *ctx, bool is_xdp, void *data, void *data_end,
					__u32 end)
{
	if (!is_xdp)
		return end <= ((struct __sk_buff *)ctx)->len;
	return end <= (__u32)(data_end - data) || xdp_spans_buffers(ctx, end);
}

/* XDP tells TC ingress "this one is yours" through 4 bytes of metadata in
 * front of the frame: XDP cannot resolve a neighbour, TC can
 * (bpf_redirect_neigh).  The magic keeps foreign metadata from matching. */
#define MTUG_META_DEFER 0x4d544744 /* "MTGD" */
/* The same for an ICMP error XDP cannot check (multi-buffer: the message
 * runs past the first buffer): XDP counted it seen, TC ingress, which
 * makes the message linear, validates it whole and steers it. */
#define MTUG_META_CHECK 0x4d544743 /* "MTGC" */

#endif /* MTUG_ACT_H */
