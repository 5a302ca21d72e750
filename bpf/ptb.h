/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ptb.h - ICMP re-hash ("PTB steering").
 *
 * An ICMP Frag Needed / Packet Too Big quotes the packet that did not fit.
 * Behind ECMP the router hashed that ICMP by addresses only, so it may have
 * reached a server that does not own the flow.  Here we take the 5-tuple of
 * the quoted packet, reverse it (the quote is server -> client, the flow is
 * client -> server) and:
 *   fib        forward the error by bpf_fib_lookup on that tuple: the same
 *              nexthop the kernel picks for the flow itself;
 *   broadcast  (TC ingress) clone it to the L2 broadcast address so every
 *              server sees it, the original to the local stack;
 *   off        count only.
 * Nothing is steered before it is validated: outer destination == inner
 * source, ICMP checksum right, advertised MTU at or above the floor.
 */
#ifndef MTUG_PTB_H
#define MTUG_PTB_H

#include <bpf/bpf_endian.h>

#include "act.h"
#include "fib.h"

#define PTB_OFF_MASK       CSUM_OFF_MASK

/* Not real verdicts: XDP turns them into "tag the frame for TC and pass"
 * (MTUG_META_DEFER, MTUG_META_CHECK). */
#define ACT_DEFER       0x100
#define ACT_DEFER_CHECK 0x101

/* ptb_body()'s `deferred`: what XDP did already with a frame TC ingress
 * finishes. */
enum ptb_deferred {
	PTB_FRESH,   /* nothing: count and check it all */
	PTB_CHECKED, /* counted and validated: only the neighbour is left */
	PTB_SEEN,    /* counted as seen only: validate and steer it */
};

/* clang 14 emits a call for __builtin_memcmp on BPF: compare by copying
 * into locals (constant-size __builtin_memcpy is inlined), one u32 for
 * IPv4, two u64 for IPv6.  v4 is a constant at every call. */
static __always_inline bool addr_eq(const void *a, const void *b, __u32 v4)
{
	if (v4) {
		__u32 x, y;

		__builtin_memcpy(&x, a, 4);
		__builtin_memcpy(&y, b, 4);
		return x == y;
	} else {
		__u64 x[2], y[2];

		__builtin_memcpy(x, a, 16);
		__builtin_memcpy(y, b, 16);
		return x[0] == y[0] && x[1] == y[1];
	}
}

/* Is this ICMP type/code one we act on? */
static __always_inline bool ptb_wanted(__u32 v4, __u8 type, __u8 code, __u32 all)
{
	if (v4) {
		if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED)
			return true;
		return all && (type == ICMP_DEST_UNREACH || type == ICMP_TIME_EXCEEDED ||
			       type == ICMP_PARAMETERPROB);
	}
	if (type == ICMPV6_PKT_TOOBIG)
		return true;
	return all && (type == ICMPV6_DEST_UNREACH || type == ICMPV6_TIME_EXCEED ||
		       type == ICMPV6_PARAMPROB);
}

static __always_inline bool is_icmp_error(__u32 v4, __u8 type)
{
	if (v4)
		return type == ICMP_DEST_UNREACH || type == ICMP_SOURCE_QUENCH ||
		       type == ICMP_REDIRECT || type == ICMP_TIME_EXCEEDED ||
		       type == ICMP_PARAMETERPROB;
	return !(type & ICMPV6_INFOMSG_MASK);
}

/* Parse the quoted packet at off (just after the 8-byte ICMP header) into
 * the *reversed* flow.  The outer destination must equal the inner source.
 * end is where the ICMP message ends (the outer IP length): bytes past it
 * (Ethernet padding, anything after the datagram) are not part of the
 * quote and not covered by its checksum, so every read is bounded by end
 * as well as by data_end (which alone is what the verifier needs). */
static __always_inline int ptb_parse_quote(void *data, void *data_end, __u32 off,
					   __u32 end, __u32 v4, const __u8 *outer_dst,
					   struct flow *f)
{
	__u8 proto;
	bool ports = true;

	off &= PTB_OFF_MASK;
	f->v4 = v4;
	if (v4) {
		struct iphdr *iph = data + off;
		__u32 hlen;

		if ((void *)(iph + 1) > data_end || off + sizeof(*iph) > end ||
		    iph->version != 4)
			return -1;
		hlen = iph->ihl * 4;
		if (hlen < sizeof(*iph))
			return -1;
		if (!addr_eq(&iph->saddr, outer_dst, 1))
			return -1;
		/* reversed: the flow runs from the quote's destination */
		__builtin_memcpy(f->src, &iph->daddr, 4);
		__builtin_memcpy(f->dst, &iph->saddr, 4);
		proto = iph->protocol;
		if (iph->frag_off & bpf_htons(IP_OFFSET))
			ports = false; /* no L4 header in a non-first fragment */
		off += hlen;
	} else {
		struct ipv6hdr *ip6h = data + off;

		if ((void *)(ip6h + 1) > data_end || off + sizeof(*ip6h) > end ||
		    ip6h->version != 6)
			return -1;
		if (!addr_eq(&ip6h->saddr, outer_dst, 0))
			return -1;
		__builtin_memcpy(f->src, &ip6h->daddr, 16);
		__builtin_memcpy(f->dst, &ip6h->saddr, 16);
		proto = ip6h->nexthdr;
		off += sizeof(*ip6h);
#pragma unroll
		for (int i = 0; i < MTUG_IPV6_EXT_MAX; i++) {
			struct ipv6_opt_hdr *oh;

			if (proto != IPPROTO_HOPOPTS && proto != IPPROTO_ROUTING &&
			    proto != IPPROTO_DSTOPTS && proto != IPPROTO_FRAGMENT)
				break;
			off &= PTB_OFF_MASK;
			oh = data + off;
			if ((void *)(oh + 1) > data_end || off + sizeof(*oh) > end)
				return -1;
			if (proto == IPPROTO_FRAGMENT) {
				struct frag_hdr *fh = (void *)oh;

				if ((void *)(fh + 1) > data_end || off + sizeof(*fh) > end)
					return -1;
				proto = fh->nexthdr;
				off += sizeof(*fh);
				/* A later fragment: what follows is payload,
				 * not headers. */
				if (fh->frag_off & bpf_htons(0xfff8)) {
					ports = false;
					break;
				}
				continue;
			}
			proto = oh->nexthdr;
			off += ((__u32)oh->hdrlen + 1) * 8;
		}
		/* More extension headers than the walk takes, or a chain that
		 * ends in No Next Header: the transport header, and so the
		 * flow, is unknown.  Steering by the last header's type with
		 * ports 0 would send the error anywhere. */
		if (ports && (proto == IPPROTO_HOPOPTS || proto == IPPROTO_ROUTING ||
			      proto == IPPROTO_DSTOPTS || proto == IPPROTO_FRAGMENT ||
			      proto == IPPROTO_NONE))
			return -1;
	}
	f->proto = proto;
	f->sport = 0;
	f->dport = 0;
	off &= PTB_OFF_MASK;
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_SCTP) {
		__be16 *pp = data + off;

		if (!ports)
			return 0;
		/* The first 4 bytes of every one of them are the ports; an
		 * IPv4 quote may hold only 8 bytes of L4, that is enough. */
		if ((void *)(pp + 2) > data_end || off + 4 > end)
			return -1;
		f->sport = pp[1]; /* reversed */
		f->dport = pp[0];
	} else if ((v4 && proto == IPPROTO_ICMP) || (!v4 && proto == IPPROTO_ICMPV6)) {
		__u8 *t = data + off;

		/* An error about an error must never be acted on. */
		if (!ports)
			return 0;
		if ((void *)(t + 1) > data_end || off + 1 > end || is_icmp_error(v4, t[0]))
			return -1;
	}
	return 0;
}

/* Per-CPU token bucket: rate tokens a second, a burst of one second. */
static __always_inline bool bucket_take(__u32 rate)
{
	struct mtug_bucket *b;
	__u32 zero = 0;
	__u64 now, elapsed, cap;

	b = bpf_map_lookup_elem(&ptb_bucket, &zero);
	if (!b)
		return false;
	if (!rate)
		rate = MTUG_PTB_RATE_DEFAULT;
	cap = (__u64)rate * 1000;
	now = bpf_ktime_get_ns();
	elapsed = now - b->last_ns;
	if (elapsed > 1000000000ULL)
		elapsed = 1000000000ULL; /* also keeps the product below 2^64 */
	b->last_ns = now;
	b->tokens_milli += elapsed * rate / 1000000;
	if (b->tokens_milli > cap)
		b->tokens_milli = cap;
	if (b->tokens_milli < 1000)
		return false;
	b->tokens_milli -= 1000;
	return true;
}

/* Broadcast mode, TC ingress only: a clone of the error to ff:ff:ff:ff:ff:ff
 * out of the interface it came in on, the original on to the local stack.
 * A frame that arrived as broadcast is never sent again: no loops between
 * servers running the same mode. */
static __always_inline int ptb_broadcast(struct __sk_buff *skb,
					 struct counts *cnt,
					 struct mtug_global_cfg *gcfg, __u32 ifindex)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	__u8 macs[2 * ETH_ALEN], clone[2 * ETH_ALEN];

	if ((void *)(eth + 1) > data_end)
		return TC_ACT_OK;
	if ((eth->h_dest[0] & eth->h_dest[1] & eth->h_dest[2] & eth->h_dest[3] &
	     eth->h_dest[4] & eth->h_dest[5]) == 0xff)
		return TC_ACT_OK;
	if (!bucket_take(gcfg->ptb_rate_pps)) {
		COUNT(cnt, ptb_rate_limited);
		return TC_ACT_OK;
	}
	/* The clone leaves from this server, so it carries this server's MAC
	 * (the frame's destination) as its source: keeping the router's
	 * source MAC would teach every learning switch on the LAN that the
	 * router sits behind this port. */
	__builtin_memcpy(macs, eth->h_dest, 2 * ETH_ALEN);
	__builtin_memset(clone, 0xff, ETH_ALEN);
	__builtin_memcpy(clone + ETH_ALEN, macs, ETH_ALEN);
	if (bpf_skb_store_bytes(skb, 0, clone, sizeof(clone), 0))
		return TC_ACT_OK;
	if (bpf_clone_redirect(skb, ifindex, 0) == 0)
		COUNT(cnt, ptb_broadcast);
	/* The original goes up the stack with its own MACs. */
	bpf_skb_store_bytes(skb, 0, macs, sizeof(macs), 0);
	return TC_ACT_OK;
}

/* An ICMP error as ptb_check() found it, for ptb_act(). */
struct ptb_msg {
	struct flow f;   /* the flow it is about: the quote, reversed */
	__u32 l3_off;    /* outer IP header (masked) */
	__u32 tot_len;   /* outer IP length */
};

/* What ptb_check() makes of a frame that parsed as ICMP. */
enum ptb_result {
	PTB_STEER,     /* a valid error we act on: ptb_act() */
	PTB_LEAVE,     /* not ours, or not readable here: pass it untouched */
	PTB_INVALID,   /* fails validation */
	PTB_TOO_SMALL, /* valid, but advertises an MTU under the floor */
	PTB_TO_TC,     /* XDP cannot read it all: TC ingress checks it */
};

/*
 * Validate one ICMP / ICMPv6 error: the outer header, the ICMP header, the
 * checksum over the whole message, the quote (outer destination == inner
 * source) and the advertised MTU against the floor.  Counts ptb_seen (not
 * when `deferred`: XDP did) and what it passes for multi-buffer reasons.
 * data / data_end: the packet, linear for TC (the caller pulled it).
 */
static __always_inline enum ptb_result
ptb_check(void *ctx, enum hook hook, const struct mtug_iface_cfg *icfg,
	  const struct mtug_global_cfg *gcfg, struct counts *cnt, void *data, void *data_end,
	  __u32 l3_off, __u32 l4_off, __u32 v4, __u32 deferred, struct ptb_msg *m)
{
	bool is_xdp = hook == HOOK_XDP;
	__u32 pkt_len = data_end - data, msg_end, mtu, floor, seed = 0;
	__u8 outer_dst[16] = {};
	__u8 type, code;
	int csum;

	l3_off &= PTB_OFF_MASK;
	l4_off &= PTB_OFF_MASK;
	m->l3_off = l3_off;

	/* Outer header: destination and where the message ends (Ethernet
	 * padding after the IP datagram is not part of it). */
	if (v4) {
		struct iphdr *iph = data + l3_off;

		if ((void *)(iph + 1) > data_end)
			return PTB_LEAVE;
		__builtin_memcpy(outer_dst, &iph->daddr, 4);
		m->tot_len = bpf_ntohs(iph->tot_len);
	} else {
		struct ipv6hdr *ip6h = data + l3_off;

		if ((void *)(ip6h + 1) > data_end)
			return PTB_LEAVE;
		__builtin_memcpy(outer_dst, &ip6h->daddr, 16);
		m->tot_len = sizeof(*ip6h) + bpf_ntohs(ip6h->payload_len);
	}
	msg_end = l3_off + m->tot_len;

	{
		__u8 *ih = data + l4_off;

		/* XDP, multi-buffer: an ICMP header past the first buffer
		 * is not read, as a TCP header there is not. */
		if (is_xdp && (void *)(ih + 8) > data_end &&
		    xdp_spans_buffers(ctx, l4_off + 8)) {
			cnt->all->parse_skipped++;
			return PTB_LEAVE;
		}
		if ((void *)(ih + 2) > data_end)
			return PTB_LEAVE; /* not even a type: not ours */
		type = ih[0];
		code = ih[1];
		if (!ptb_wanted(v4, type, code, gcfg->ptb_all_errors))
			return PTB_LEAVE;
		/* In broadcast mode only TC ingress acts (it alone can
		 * clone); XDP leaves the packet alone, uncounted, for it. */
		if (icfg->ptb_mode == MTUG_PTB_BROADCAST && hook != HOOK_TC_INGRESS)
			return PTB_LEAVE;
		if (deferred == PTB_FRESH)
			COUNT(cnt, ptb_seen);
		/* XDP, multi-buffer: a message that runs past the first
		 * buffer (a real PTB, 576 / 1280 bytes, does only behind
		 * kilobytes of headers), if it is no longer than the
		 * messages we check, goes to TC ingress in fib mode, which
		 * validates it whole and steers it; in mode off (broadcast
		 * mode has left already) it is passed untouched and
		 * counted.  A longer one is invalid however it is buffered,
		 * as in TC and in a single buffer: its length says so. */
		if (is_xdp && msg_end > pkt_len && msg_end - l4_off <= CSUM_MAX_LEN &&
		    xdp_spans_buffers(ctx, msg_end)) {
			if (icfg->ptb_mode == MTUG_PTB_FIB)
				return PTB_TO_TC;
			COUNT(cnt, frags_passed);
			return PTB_LEAVE;
		}
		if ((void *)(ih + 8) > data_end)
			return PTB_INVALID;
		if (v4)
			mtu = ((__u32)ih[6] << 8) | ih[7];
		else
			mtu = ((__u32)ih[4] << 24) | ((__u32)ih[5] << 16) |
			      ((__u32)ih[6] << 8) | ih[7];
	}

	if (msg_end > pkt_len || msg_end < l4_off + 8)
		return PTB_INVALID;

	/* ICMPv6 checksums cover a pseudo-header (ipv6hdr's addresses are
	 * 4-byte aligned by type, as l4_pseudo_fold() reads them). */
	if (!v4) {
		struct ipv6hdr *ip6h = data + l3_off;

		if ((void *)(ip6h + 1) > data_end)
			return PTB_INVALID;
		seed = l4_pseudo_fold((const __u8 *)&ip6h->saddr, (const __u8 *)&ip6h->daddr,
				      0, msg_end - l4_off, IPPROTO_ICMPV6);
	}
	csum = csum_region(data, data_end, l4_off, msg_end - l4_off, seed);
	if (csum != 0xffff)
		return PTB_INVALID;

	if (ptb_parse_quote(data, data_end, l4_off + 8, msg_end, v4, outer_dst, &m->f))
		return PTB_INVALID;

	if ((v4 && type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED) ||
	    (!v4 && type == ICMPV6_PKT_TOOBIG)) {
		if (mtu == 0)
			return PTB_INVALID;
		if (v4)
			floor = gcfg->ptb_min_mtu_v4 ? gcfg->ptb_min_mtu_v4 : MTUG_PTB_FLOOR_V4;
		else
			floor = gcfg->ptb_min_mtu_v6 ? gcfg->ptb_min_mtu_v6 : MTUG_PTB_FLOOR_V6;
		if (mtu < floor)
			return PTB_TOO_SMALL;
	}
	return PTB_STEER;
}

/* Act on a valid error as the interface's PTB mode says. */
static __always_inline int ptb_act(void *ctx, enum hook hook, const struct mtug_iface_cfg *icfg,
				   struct mtug_global_cfg *gcfg, struct counts *cnt,
				   __u32 ifindex, const struct ptb_msg *m)
{
	bool is_xdp = hook == HOOK_XDP;
	int action;

	if (icfg->ptb_mode == MTUG_PTB_FIB) {
		action = act_pass(is_xdp);
		switch (fib_steer(ctx, is_xdp, m->l3_off != sizeof(struct ethhdr), ifindex, icfg,
				  m->l3_off, m->tot_len, &m->f, &action)) {
		case STEER_DONE:
			COUNT(cnt, ptb_steered);
			return action;
		case STEER_LOCAL:
			COUNT(cnt, ptb_local);
			return act_pass(is_xdp);
		case STEER_DEFER:
			return ACT_DEFER;
		case STEER_STACK:
			COUNT(cnt, fib_deferred);
			return act_pass(is_xdp);
		case STEER_FRAGS:
			COUNT(cnt, frags_passed);
			return act_pass(is_xdp);
		default:
			COUNT(cnt, fib_miss);
			return act_pass(is_xdp);
		}
	}
	if (icfg->ptb_mode == MTUG_PTB_BROADCAST && !is_xdp)
		return ptb_broadcast(ctx, cnt, gcfg, ifindex);
	return act_pass(is_xdp);
}

/*
 * Handle one ICMP / ICMPv6 packet.  l3_off / l4_off come from the parser;
 * `deferred` (enum ptb_deferred) says what XDP did already with a frame it
 * handed to TC ingress.
 */
static __always_inline int ptb_body(void *ctx, enum hook hook, __u32 l3_off, __u32 l4_off,
				    __u32 l3_proto, __u32 ifindex, __u32 deferred)
{
	bool is_xdp = hook == HOOK_XDP;
	struct mtug_iface_cfg *icfg;
	struct mtug_global_cfg *gcfg;
	struct counts cnt;
	struct ptb_msg m = {};
	void *data, *data_end;
	__u32 v4 = l3_proto == ETH_P_IP;
	enum ptb_result r;

	icfg = iface_cfg_get(ifindex);
	gcfg = global_cfg_get();
	if (!counts_get(&cnt, icfg, v4) || !icfg || !gcfg || !(icfg->features & MTUG_F_PTB))
		return act_pass(is_xdp);
	/* TC: the checksum covers the whole message: make it linear. */
	if (!is_xdp && bpf_skb_pull_data(ctx, ((struct __sk_buff *)ctx)->len))
		return act_pass(is_xdp);
	ctx_data(ctx, is_xdp, &data, &data_end);

	r = ptb_check(ctx, hook, icfg, gcfg, &cnt, data, data_end, l3_off, l4_off, v4,
		      deferred, &m);
	if (r == PTB_STEER)
		return ptb_act(ctx, hook, icfg, gcfg, &cnt, ifindex, &m);
	if (r == PTB_LEAVE)
		return act_pass(is_xdp);
	if (r == PTB_TO_TC)
		return ACT_DEFER_CHECK;
	if (deferred != PTB_CHECKED) {
		if (r == PTB_TOO_SMALL)
			COUNT(&cnt, ptb_mtu_too_small);
		else
			COUNT(&cnt, ptb_invalid);
	}
	return gcfg->ptb_invalid == MTUG_INVALID_DROP ? act_drop(is_xdp) : act_pass(is_xdp);
}

__noinline int mtug_ptb_tc(struct __sk_buff *skb, __u32 l3_off, __u32 l4_off,
			   __u32 l3_proto, __u32 deferred)
{
	return ptb_body(skb, HOOK_TC_INGRESS, l3_off, l4_off, l3_proto, skb->ifindex,
			deferred);
}

#endif /* MTUG_PTB_H */
