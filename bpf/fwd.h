/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * fwd.h - `ptb forward on`: forward ordinary TCP/UDP by bpf_fib_lookup on
 * their own 5-tuple, so a flow and the ICMP errors about it are always
 * hashed by the same function, even where the NIC's RSS hash would
 * otherwise drive the kernel's ECMP choice.  What does not fit the egress
 * MTU goes to the stack, which sends its own Frag Needed.
 */
#ifndef MTUG_FWD_H
#define MTUG_FWD_H

#include <bpf/bpf_endian.h>

#include "fib.h"
#include "ptb.h"

static __always_inline int fwd_body(void *ctx, bool is_xdp, __u32 l3_off,
				    __u32 l4_off, __u32 l3_proto, __u32 l4_proto,
				    __u32 ifindex)
{
	struct mtug_iface_cfg *icfg;
	struct counts cnt;
	void *data, *data_end;
	struct flow f = {};
	__u32 tot_len;
	__be16 *ports;
	int action;

	icfg = iface_cfg_get(ifindex);
	if (!icfg || !counts_get(&cnt, icfg, l3_proto == ETH_P_IP) ||
	    !(icfg->features & MTUG_F_PTB) ||
	    icfg->ptb_mode != MTUG_PTB_FIB)
		return act_pass(is_xdp);
	ctx_data(ctx, is_xdp, &data, &data_end);
	l3_off &= PTB_OFF_MASK;
	l4_off &= PTB_OFF_MASK;
	f.proto = l4_proto;
	if (l3_proto == ETH_P_IP) {
		struct iphdr *iph = data + l3_off;

		if ((void *)(iph + 1) > data_end)
			return act_pass(is_xdp);
		f.v4 = 1;
		__builtin_memcpy(f.src, &iph->saddr, 4);
		__builtin_memcpy(f.dst, &iph->daddr, 4);
		tot_len = bpf_ntohs(iph->tot_len);
	} else {
		struct ipv6hdr *ip6h = data + l3_off;

		if ((void *)(ip6h + 1) > data_end)
			return act_pass(is_xdp);
		__builtin_memcpy(f.src, &ip6h->saddr, 16);
		__builtin_memcpy(f.dst, &ip6h->daddr, 16);
		tot_len = sizeof(*ip6h) + bpf_ntohs(ip6h->payload_len);
	}
	/* A frame shorter than its IP length goes to the stack, which drops
	 * it.  A jumbo packet past XDP's first buffer is whole in the frame's
	 * later buffers: fib_steer() redirects it only to a device that takes
	 * multi-buffer frames.  Its headers are in the first buffer
	 * (the parser checked), and only those are read or written. */
	if (is_xdp && l3_off + tot_len > (__u32)(data_end - data) &&
	    !xdp_spans_buffers(ctx, l3_off + tot_len))
		return act_pass(is_xdp);
	ports = data + l4_off;
	if ((void *)(ports + 2) > data_end)
		return act_pass(is_xdp);
	f.sport = ports[0];
	f.dport = ports[1];

	/* A locally generated CHECKSUM_PARTIAL segment (veth, generic XDP)
	 * carries only its pseudo-header sum; XDP_REDIRECT would send it out
	 * without anyone completing it.  Such frames go to the stack, which
	 * forwards them with their checksum state intact and, since TC
	 * ingress cleared the skb hash, by the same 5-tuple hash.  A complete
	 * checksum equal to the pseudo sum (1 in 65536) takes the same,
	 * equally correct, path. */
	if (is_xdp) {
		__u32 csum_at = l4_off + (l4_proto == IPPROTO_TCP ? 16 : 6);
		__u8 *cs = data + (csum_at & PTB_OFF_MASK);

		if ((void *)(cs + 2) > data_end)
			return act_pass(is_xdp);
		if ((((__u16)cs[0] << 8) | cs[1]) ==
		    bpf_ntohs(l4_pseudo_fold(f.src, f.dst, f.v4, tot_len - (l4_off - l3_off),
					     l4_proto)))
			return act_pass(is_xdp);
	}

	action = act_pass(is_xdp);
	switch (fib_steer(ctx, is_xdp, l3_off != sizeof(struct ethhdr), ifindex, icfg,
			  l3_off, tot_len, &f, &action)) {
	case STEER_DONE:
		COUNT(&cnt, fwd_steered);
		return action;
	case STEER_DEFER:
		return ACT_DEFER;
	case STEER_STACK:
		COUNT(&cnt, fib_deferred);
		return act_pass(is_xdp);
	case STEER_FRAGS:
		COUNT(&cnt, frags_passed);
		return act_pass(is_xdp);
	case STEER_MISS:
		COUNT(&cnt, fib_miss);
		return act_pass(is_xdp);
	default: /* local, or too big: the stack does the right thing */
		return act_pass(is_xdp);
	}
}

__noinline int mtug_fwd_xdp(struct xdp_md *ctx, __u32 l3_off, __u32 l4_off,
			    __u32 l3_proto, __u32 l4_proto)
{
	return fwd_body(ctx, true, l3_off, l4_off, l3_proto, l4_proto,
			ctx->ingress_ifindex);
}

__noinline int mtug_fwd_tc(struct __sk_buff *skb, __u32 l3_off, __u32 l4_off,
			   __u32 l3_proto, __u32 l4_proto)
{
	return fwd_body(skb, false, l3_off, l4_off, l3_proto, l4_proto,
			skb->ifindex);
}

#endif /* MTUG_FWD_H */
