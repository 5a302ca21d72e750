/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * fib.h - forward a frame by bpf_fib_lookup() on a given 5-tuple: the
 * kernel's own FIB, so the multipath choice is the kernel's ECMP hash
 * (fib_multipath_hash_policy) for that tuple.
 *
 * Used for ICMP errors with the *reversed inner* tuple (the error follows
 * its flow) and, with `ptb forward on`, for ordinary TCP/UDP with their own
 * tuple.  Only the MACs and the TTL / hop limit (with the IPv4 header
 * checksum) change; the L4 bytes are never touched.
 */
#ifndef MTUG_FIB_H
#define MTUG_FIB_H

#include <bpf/bpf_endian.h>
#include <bpf/bpf_core_read.h>

#include "act.h"
#include "csum.h"
#include "flow.h"
#include "pkt.h"
#include "strict.h"


enum steer_result {
	STEER_DONE,     /* redirected: return *action */
	STEER_LOCAL,    /* for this host: pass to the stack */
	STEER_MISS,     /* no usable route: pass to the stack */
	STEER_DEFER,    /* XDP: neighbour unresolved, TC ingress finishes it */
	STEER_TOO_BIG,  /* does not fit the egress MTU: the stack answers */
	STEER_STACK,    /* the kernel would not forward it as it is (strict.h):
			 * the stack's, counted fib_deferred */
	STEER_FRAGS,    /* XDP: a multi-buffer frame for a device that cannot
			 * send one: the stack's, counted frags_passed */
};


/* Decrement the TTL / hop limit in place.  Returns -1 when it would expire
 * (the stack must answer with Time Exceeded). */
static __always_inline int ttl_decrement(void *data, void *data_end,
					 __u32 l3_off, __u32 v4)
{
	if (v4) {
		struct iphdr *iph = data + l3_off;
		__u16 old, new;

		if ((void *)(iph + 1) > data_end || iph->ttl <= 1)
			return -1;
		/* TTL is the high byte of the 16-bit word TTL|protocol. */
		old = ((__u16)iph->ttl << 8) | iph->protocol;
		iph->ttl--;
		new = old - 0x100;
		iph->check = bpf_htons(csum_update16(bpf_ntohs(iph->check), old, new));
	} else {
		struct ipv6hdr *ip6h = data + l3_off;

		if ((void *)(ip6h + 1) > data_end || ip6h->hop_limit <= 1)
			return -1;
		ip6h->hop_limit--;
	}
	return 0;
}

/*
 * XDP: is the frame in more than one buffer?  Without multi-buffer XDP it
 * never is.  Where the kernel lets us read the xdp_buff (rx_dev()'s kfunc),
 * its own flag says so for one load; else the helper gives the whole
 * length, a call on every redirected frame.
 */
static __always_inline bool xdp_multi_buffer(void *ctx, void *data, void *data_end)
{
	if (!mtug_xdp_frags)
		return false;
	if (mtug_dev_view && bpf_ksym_exists(bpf_cast_to_kern_ctx) &&
	    bpf_core_field_exists(struct xdp_buff, flags) &&
	    bpf_core_enum_value_exists(enum xdp_buff_flags, XDP_FLAGS_HAS_FRAGS))
		return ((struct xdp_buff *)bpf_cast_to_kern_ctx(ctx))->flags &
		       bpf_core_enum_value(enum xdp_buff_flags, XDP_FLAGS_HAS_FRAGS);
	return bpf_xdp_get_buff_len(ctx) > (__u64)(data_end - data);
}

/*
 * The bpf_fib_lookup() flags for an IPv4 lookup that gives exactly the
 * answer of a lookup without flags (the kernel's full lookup, ip rules
 * included), at less cost where that is possible.
 *
 * Without flags the helper computes the namespace's uid for the rules and
 * goes through fib_lookup(), which takes the RCU read lock again; with
 * BPF_FIB_LOOKUP_DIRECT it looks the route up in the main table straight.
 * Those calls are a measurable part of a steered PTB (make bench; every
 * return pays the CPU's return mitigation).  The two agree when fib_lookup()
 * itself goes to the main table alone, which it does (ip_fib.h) while the
 * namespace has never had an ip rule of its own (fib_has_custom_rules:
 * set by the first one and never cleared; until then the local table is
 * merged into main) and has no "default" table (253, which it tries after
 * a miss in main).  A VRF adds an l3mdev rule, so an enslaved device never
 * takes the direct path either.  Both are read from the receiving device's
 * namespace on every lookup, so a rule or a table added while attached
 * takes effect at once.
 *
 * IPv6 always takes the full lookup: there the local table is never merged
 * and fib6_lookup() tries it before main, which the direct lookup skips.
 *
 * net is rx_net()'s (NULL, the device unreadable or its namespace read as
 * NULL: the full lookup, rather than read zeros as "no rules").
 */
static __always_inline __u32 fib_flags_v4(struct net *net)
{
	if (!net || !bpf_core_field_exists(struct netns_ipv4, fib_has_custom_rules) ||
	    !bpf_core_field_exists(struct netns_ipv4, fib_default))
		return 0;
	if (net->ipv4.fib_has_custom_rules || net->ipv4.fib_default)
		return 0;
	return BPF_FIB_LOOKUP_DIRECT;
}

/*
 * Look the flow up and, on success, rewrite and redirect the frame.
 * l3_off is the masked offset of the outer IP header, tot_len the outer IP
 * length (for the egress MTU check).  Frames with VLAN tags are never
 * redirected: the nexthop device would get the ingress tags (and XDP cannot
 * transmit on VLAN devices); they go to the stack, counted as fib_miss.
 * What the kernel would not forward (strict.h) goes to the stack too:
 * STEER_STACK before the lookup for the frame itself, after it for the
 * IPv4 reverse-path check, which needs the route out.
 */
static __always_inline enum steer_result
fib_steer(void *ctx, bool is_xdp, bool tagged, __u32 ifindex,
	  const struct mtug_iface_cfg *icfg, __u32 l3_off, __u32 tot_len,
	  const struct flow *f, int *action)
{
	struct fib_scratch *fs;
	struct bpf_fib_lookup *fl;
	struct net_device *dev;
	struct net *net;
	void *data, *data_end;
	struct ethhdr *eth;
	__be32 src4 = 0, dst4 = 0;
	__u32 zero = 0, flags = 0;
	int rc;

	if (tagged)
		return STEER_MISS;
	fs = bpf_map_lookup_elem(&fib_scratch, &zero); /* see maps.h */
	if (!fs)
		return STEER_MISS;
	fl = &fs->fwd;
	ctx_data(ctx, is_xdp, &data, &data_end);
	dev = rx_dev(ctx, is_xdp);
	net = rx_net(dev);
	if (!kernel_would_route(ctx, is_xdp, dev, icfg, data, data_end, l3_off, f,
				&src4, &dst4))
		return STEER_STACK;
	/* Every input the lookup reads without flags, written outright; the
	 * rest (outputs, and tbid / mark which only flags make it read) may
	 * hold the previous lookup's answer. */
	fl->flowinfo = 0; /* = tos for AF_INET */
	fl->ifindex = ifindex;
	fl->l4_protocol = f->proto;
	fl->sport = f->sport;
	fl->dport = f->dport;
	fl->tot_len = tot_len;
	if (f->v4) {
		fl->family = AF_INET;
		__builtin_memcpy(&fl->ipv4_src, f->src, 4);
		__builtin_memcpy(&fl->ipv4_dst, f->dst, 4);
		flags = fib_flags_v4(net);
	} else {
		fl->family = AF_INET6;
		__builtin_memcpy(fl->ipv6_src, f->src, 16);
		__builtin_memcpy(fl->ipv6_dst, f->dst, 16);
	}
	rc = bpf_fib_lookup(ctx, fl, sizeof(*fl), flags);

	/* NOT_FWDED is a local destination *or* no route at all: the helper
	 * maps fib_lookup()'s -ENETUNREACH to it too and we cannot tell them
	 * apart.  Either way the stack is the right place for the frame, and
	 * ptb_local counts both. */
	if (rc == BPF_FIB_LKUP_RET_NOT_FWDED)
		return STEER_LOCAL;
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED)
		return STEER_TOO_BIG;
	/* XDP: TC ingress finishes it, reverse-path check included. */
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH && is_xdp)
		return STEER_DEFER;
	if (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH)
		return STEER_MISS;
	if (f->v4 && !rp_pass(ctx, fs, dev, net, icfg, src4, dst4, ifindex,
				   fl->ifindex, flags))
		return STEER_STACK;
	/* The kernel drops a multi-buffer frame that XDP redirects (or sends
	 * back out with XDP_TX) to a device that does not transmit them; the
	 * stack forwards it anywhere.  What the device can do is what
	 * userspace read when it last wrote the device's iface_cfg entry: a
	 * device mtuguard is not attached to has none, and gets no such
	 * frame from XDP. */
	if (is_xdp && xdp_multi_buffer(ctx, data, data_end)) {
		const struct mtug_iface_cfg *out =
			fl->ifindex == ifindex ? icfg : iface_cfg_get(fl->ifindex);

		if (!out || !(out->xdp_features & MTUG_XDP_ACT_NDO_XMIT_SG))
			return STEER_FRAGS;
	}
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH) {
		struct bpf_redir_neigh nh = {};

		/* TC: the lookup filled in the egress device and the
		 * gateway; let the neighbour layer resolve it. */
		if (f->v4) {
			nh.nh_family = AF_INET;
			nh.ipv4_nh = fl->ipv4_dst;
		} else {
			nh.nh_family = AF_INET6;
			__builtin_memcpy(nh.ipv6_nh, fl->ipv6_dst, 16);
		}
		if (ttl_decrement(data, data_end, l3_off, f->v4))
			return STEER_MISS;
		*action = bpf_redirect_neigh(fl->ifindex, &nh, sizeof(nh), 0);
		return STEER_DONE;
	}

	eth = data;
	if ((void *)(eth + 1) > data_end)
		return STEER_MISS;
	if (ttl_decrement(data, data_end, l3_off, f->v4))
		return STEER_MISS;
	__builtin_memcpy(eth->h_dest, fl->dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, fl->smac, ETH_ALEN);
	/* A nexthop behind the interface the frame came in on (a one-armed
	 * box: router and servers on one segment): XDP_TX sends it back out
	 * there, as the redirect would, without a helper call and through the
	 * driver's own transmit ring. */
	if (is_xdp && fl->ifindex == ifindex)
		*action = XDP_TX;
	else
		*action = bpf_redirect(fl->ifindex, 0);
	return STEER_DONE;
}

#endif /* MTUG_FIB_H */
