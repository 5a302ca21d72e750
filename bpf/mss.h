/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * mss.h - clamp the TCP MSS option of SYN and SYN-ACK segments.
 *
 * Only the two MSS bytes and the TCP checksum ever change, and only
 * downwards.  XDP updates the checksum incrementally (RFC 1624); TC uses
 * bpf_l4_csum_replace() so CHECKSUM_PARTIAL skbs stay right.
 */
#ifndef MTUG_MSS_H
#define MTUG_MSS_H

#include "pkt.h"
#include "csum.h"

#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_RST 0x04

enum mss_find {
	MSS_MISSING   = -1, /* walked to the end or to EOL: no MSS option */
	MSS_MALFORMED = -2, /* option length < 2 or past the header */
	MSS_BAD_LEN   = -3, /* an MSS option whose length is not 4 */
};

/* Walk the TCP options, copied to the stack; return the offset of the MSS
 * option from the start of the option area, or an enum mss_find code.
 * optlen <= 40 always (doff is four bits).
 *
 * Why a stack copy: walking the packet in place makes every round's packet
 * pointer carry its own verified range, states stop matching, and the
 * verifier runs out of its 1M-instruction budget.  With a copy the loop
 * state is two small scalars. */
static __always_inline int mss_find(const __u8 *opt, __u32 optlen)
{
	__u32 off = 0;

	/* No round counter: off grows by at least one each round and is
	 * bounded by optlen <= 40, which is all the verifier needs to see the
	 * loop end.  A counter would be tracked precisely and stop the
	 * verifier from pruning rounds whose off ranges nest, and the
	 * verification then blows its budget. */
	while (off < optlen) {
		__u8 kind, len;

		/* off < optlen <= 40, but clang proves that too, drops any
		 * mask, and zero-extends through a register copy the verifier
		 * does not link to the bound.  The empty asm hides the value
		 * from clang so the 0x3f masks on the stack reads survive
		 * (the buffer is 64 bytes). */
		asm volatile("" : "+r"(off));
		kind = opt[off & 0x3f];
		if (kind == TCPOPT_EOL)
			return MSS_MISSING;
		if (kind == TCPOPT_NOP) {
			off++;
			continue;
		}
		if (off + 2 > optlen)
			return MSS_MALFORMED;
		len = opt[(off + 1) & 0x3f];
		if (len < 2 || off + len > optlen)
			return MSS_MALFORMED;
		if (kind == TCPOPT_MSS)
			return len == TCPOLEN_MSS ? (int)off : MSS_BAD_LEN;
		off += len;
	}
	return MSS_MISSING;
}

/* The slow path: copy the options (optlen <= 40 bytes at opt_off) to the
 * stack and walk them.  Returns the MSS option's offset, with its value in
 * *old, or an enum mss_find code (MSS_MALFORMED if the copy fails).
 * A global function (mtug_mss_find_xdp/_tc below): the 40-round walk is
 * then verified once, not once per caller, and its buffer is zeroed only
 * for the SYNs whose first option is not the MSS. */
static __always_inline int mss_find_copy(void *ctx, bool is_xdp, __u32 opt_off,
					 __u32 optlen, __u32 *old)
{
	__u8 opt[64] = {}; /* 40 used; every index is masked with 0x3f */
	int off;

	/* The caller checked it, but a global function's arguments are
	 * unknown scalars to the verifier, and clang tests a 32-bit copy it
	 * does not link to the register it passes on: the (kept) mask bounds
	 * that one to 1..64, the buffer (no change for 1..40). */
	if (!old || optlen == 0 || optlen > TCP_MAX_OPTLEN)
		return MSS_MALFORMED;
	asm volatile("" : "+r"(optlen));
	optlen = ((optlen - 1) & 0x3f) + 1;
	if (is_xdp) {
		if (bpf_xdp_load_bytes(ctx, opt_off, opt, optlen))
			return MSS_MALFORMED;
	} else {
		if (bpf_skb_load_bytes(ctx, opt_off, opt, optlen))
			return MSS_MALFORMED;
	}
	off = mss_find(opt, optlen);
	if (off < 0)
		return off;
	/* off < 40 here; the mask restates it for the verifier. */
	asm volatile("" : "+r"(off));
	off &= 0x3f;
	*old = ((__u32)opt[(off + 2) & 0x3f] << 8) | opt[(off + 3) & 0x3f];
	return off;
}

__noinline int mtug_mss_find_xdp(struct xdp_md *ctx, __u32 opt_off, __u32 optlen,
				 __u32 *old)
{
	return mss_find_copy(ctx, true, opt_off, optlen, old);
}

__noinline int mtug_mss_find_tc(struct __sk_buff *skb, __u32 opt_off, __u32 optlen,
				__u32 *old)
{
	return mss_find_copy(skb, false, opt_off, optlen, old);
}

static __always_inline void mtu_min(__u32 *cur, __u32 v)
{
	if (v && (!*cur || v < *cur))
		*cur = v;
}

/* The two ends of a segment, copied out of the packet so later lookups do
 * not depend on packet pointers (and the verifier need not re-prove them). */
struct ends {
	__u32 v4; /* 1 = IPv4, addresses in the first 4 bytes */
	/* Each end is also its own trie key (prefixlen 32 or 128, which the
	 * IPv4 trie reads as its 8-byte key): no key copies on the stack. */
	struct mtug_lpm_v6_key src;
	struct mtug_lpm_v6_key dst;
};

/* Route MTU towards dst (from src), through bpf_fib_lookup.  tot_len is set
 * to the maximum so the helper reports the route MTU with FRAG_NEEDED
 * before it looks at neighbours.
 * Not inlined: `mtu source pmtu` is rare, and inlined twice (both
 * directions) its lookup struct took 128 bytes of the clamp's stack frame,
 * which the prefix_filter reads then pushed past the verifier's 512-byte
 * limit for a call chain.  A static (not global) function: verified in its
 * caller's context, so its pointer arguments keep their types. */
static __noinline __u32 fib_route_mtu(void *ctx, __u32 ifindex, __u32 v4,
				      const __u8 *src, const __u8 *dst)
{
	struct bpf_fib_lookup fl = {};
	int rc;

	fl.ifindex = ifindex;
	fl.tot_len = 0xffff;
	if (v4) {
		fl.family = AF_INET;
		__builtin_memcpy(&fl.ipv4_src, src, 4);
		__builtin_memcpy(&fl.ipv4_dst, dst, 4);
	} else {
		fl.family = AF_INET6;
		__builtin_memcpy(fl.ipv6_src, src, 16);
		__builtin_memcpy(fl.ipv6_dst, dst, 16);
	}
	/* A forwarding lookup, as if the segment came in on ifindex: the
	 * route the kernel will use, out of whichever interface.  An OUTPUT
	 * lookup would make ifindex the output device, and for IPv4 only
	 * routes out of it match: XDP on a router's ingress interface then
	 * never saw the forward route MTU (tests/integration/
	 * test_diff_netfilter.sh with DIFF_ATTACH=r0).  Where forwarding is
	 * off (a host), the OUTPUT lookup is what there is. */
	rc = bpf_fib_lookup(ctx, &fl, sizeof(fl), 0);
	if (rc == BPF_FIB_LKUP_RET_FWD_DISABLED) {
		fl.ifindex = ifindex;
		fl.tot_len = 0xffff;
		rc = bpf_fib_lookup(ctx, &fl, sizeof(fl), BPF_FIB_LOOKUP_OUTPUT);
	}
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED)
		return fl.mtu_result;
	return 0;
}

static __always_inline bool filter_bit(__u32 bit)
{
	__u32 word = bit >> 6;
	__u64 *w = bpf_map_lookup_elem(&prefix_filter, &word);

	return !w || ((*w >> (bit & 63)) & 1);
}

/* False when prefix_filter proves that no prefix covers the key's
 * address: the bit of mtug_filter_addr_bit(), with the IPv6 one computed
 * from aligned loads (top32 is the address's top 32 bits, host order). */
static __always_inline bool prefix_may_match(__u32 v4, const struct mtug_lpm_v6_key *k,
					     __u32 top32)
{
	__u64 top48;

	if (v4)
		return filter_bit(mtug_filter_v4_bit(k->addr));
	top48 = ((__u64)top32 << 16) | bpf_ntohs(*(const __u16 *)(k->addr + 4));
	return filter_bit(mtug_filter_v6_bit(top48));
}

/* The prefix generation (prefix_sync, see mtuguard.h); 0 = cache unused. */
static __always_inline __u32 prefix_gen(void)
{
	__u32 k = MTUG_SYNC_GEN, *g = bpf_map_lookup_elem(&prefix_sync, &k);

	return g ? *g : 0;
}

/* The MTU the tries give an address (0: no prefix covers it), through
 * prefix_filter and this CPU's prefix_cache (see mtuguard.h).  k->addr
 * is 4-byte aligned. */
static __always_inline __u32 prefix_mtu(__u32 v4, const struct mtug_lpm_v6_key *k,
					__u32 gen)
{
	const __u32 *a = (const __u32 *)k->addr;
	__u32 top32 = v4 ? 0 : v6_top32(k), slot, mtu;
	struct mtug_prefix_cache *c = NULL;
	struct mtug_mtu_val *v;

	if (!prefix_may_match(v4, k, top32))
		return 0;
	if (gen) {
		slot = mtug_prefix_cache_slot(v4, a);
		c = bpf_map_lookup_elem(&prefix_cache, &slot);
		if (c && c->gen == gen && c->v4 == v4 && c->addr[0] == a[0] &&
		    (v4 || (c->addr[1] == a[1] && c->addr[2] == a[2] && c->addr[3] == a[3])))
			return c->mtu;
	}
	if (v4)
		v = bpf_map_lookup_elem(&mtu_v4, k);
	else
		v = mtu_v6_lookup(k, top32);
	mtu = v ? v->mtu : 0;
	if (c) {
		c->gen = gen;
		c->v4 = v4;
		c->mtu = mtu;
		c->addr[0] = a[0];
		c->addr[1] = v4 ? 0 : a[1];
		c->addr[2] = v4 ? 0 : a[2];
		c->addr[3] = v4 ? 0 : a[3];
	}
	return mtu;
}

/* Target MTU for a segment between the two ends: the smallest of every
 * configured source, 0 when nothing applies. */
static __always_inline __u32 mss_target_mtu(void *ctx, __u32 ifindex,
					    const struct ends *e,
					    const struct mtug_iface_cfg *icfg,
					    const struct mtug_global_cfg *gcfg)
{
	__u32 mtu = 0, gen = prefix_gen();

	/* One branch per family, each with its own two lookups: a lookup
	 * call shared by both maps would make the verifier emit the generic
	 * (indirect) map call instead of a direct call to the trie's. */
	if (e->v4) {
		mtu_min(&mtu, prefix_mtu(1, &e->src, gen));
		mtu_min(&mtu, prefix_mtu(1, &e->dst, gen));
	} else {
		mtu_min(&mtu, prefix_mtu(0, &e->src, gen));
		mtu_min(&mtu, prefix_mtu(0, &e->dst, gen));
	}
	mtu_min(&mtu, icfg->mtu);
	if (gcfg) {
		mtu_min(&mtu, gcfg->default_mtu);
		if (gcfg->mtu_source == MTUG_SRC_PMTU) {
			mtu_min(&mtu, fib_route_mtu(ctx, ifindex, e->v4, e->src.addr, e->dst.addr));
			mtu_min(&mtu, fib_route_mtu(ctx, ifindex, e->v4, e->dst.addr, e->src.addr));
		}
	}
	return mtu;
}

/*
 * XDP cannot see skb->ip_summed, but on veth and in generic mode an XDP
 * program does get locally generated CHECKSUM_PARTIAL segments: their
 * checksum field holds only the pseudo-header sum and the payload is summed
 * later, after us.  Updating the field then cancels the MSS change out and
 * the completed checksum is wrong.  Such a segment is recognised by its
 * field equal to the pseudo-header sum AND a full checksum that does not
 * verify (checked only then: SYNs are short and the coincidence is rare).
 * A complete segment whose checksum happens to equal the pseudo sum does
 * verify, so it is updated as usual.  The one miss left: a partial segment
 * whose bytes also happen to verify (about 1 in 65536 partial SYNs), which
 * the peer drops and the sender retransmits.  TC never needs this:
 * bpf_l4_csum_replace() knows ip_summed.
 * Called before anything is written.
 */
static __always_inline bool xdp_csum_partial(void *ctx, void *data, void *data_end,
					     __u32 l4_off, __u32 tcp_len,
					     const struct ends *e, __u16 field)
{
	__u16 ph = l4_pseudo_fold(e->src.addr, e->dst.addr, e->v4, tcp_len, IPPROTO_TCP);
	int full;

	if (bpf_htons(field) != ph)
		return false;
	/* csum_region sums raw memory: seed it with the pseudo-header sum,
	 * in the same (memory) order. */
	full = csum_region(data, data_end, l4_off, tcp_len, ph);
	return full >= 0 && full != 0xffff;
}

/* Largest L4 offset the parser can produce (QinQ + IPv6 + four extension
 * headers of the maximum 2048 bytes), rounded up to a mask. */
#define MTUG_L4_OFF_MASK 0x3fff

/*
 * Clamp one SYN / SYN-ACK, given only the offsets the parser found; the
 * pointers are re-derived from them (a few bounds checks), so that the
 * verifier's states from the parser's many paths (VLAN depths x IPv6
 * extension headers) meet again here.  Inlined into the XDP program (a
 * call costs 8 ns); TC calls it as the global function mtug_mss_tc().  The
 * option walk, a 40-round loop, is a global function of its own
 * (mss_find_copy): verified once, not once per parser path.
 */
static __always_inline int mss_clamp(void *ctx, void *data, void *data_end,
				     bool is_xdp, __u32 l3_off, __u32 l4_off,
				     __u32 l3_proto, __u32 ifindex)
{
	struct mtug_iface_cfg *icfg;
	struct mtug_global_cfg *gcfg;
	struct counts cnt;
	struct tcphdr *tcph;
	struct ends e = {};
	__u32 overhead, mtu, target, old, val_off, optlen, tcp_len;
	__u8 *p;
	int off;

	icfg = iface_cfg_get(ifindex);
	if (!icfg || !counts_get(&cnt, icfg, l3_proto == ETH_P_IP))
		return 0;
	/* The global syn_seen was counted by the caller, for every SYN. */
	if (cnt.iface)
		cnt.iface->syn_seen++;
	if (!(icfg->features & MTUG_F_MSS))
		return 0;
	gcfg = global_cfg_get();
	l3_off &= MTUG_L4_OFF_MASK;
	l4_off &= MTUG_L4_OFF_MASK;
	if (l3_proto == ETH_P_IP) {
		struct iphdr *iph = data + l3_off;

		if ((void *)(iph + 1) > data_end)
			return 0;
		e.v4 = 1;
		e.src.prefixlen = e.dst.prefixlen = 32;
		__builtin_memcpy(e.src.addr, &iph->saddr, 4);
		__builtin_memcpy(e.dst.addr, &iph->daddr, 4);
		tcp_len = bpf_ntohs(iph->tot_len) - (l4_off - l3_off);
	} else {
		struct ipv6hdr *ip6h = data + l3_off;

		if ((void *)(ip6h + 1) > data_end)
			return 0;
		e.src.prefixlen = e.dst.prefixlen = 128;
		__builtin_memcpy(e.src.addr, &ip6h->saddr, 16);
		__builtin_memcpy(e.dst.addr, &ip6h->daddr, 16);
		tcp_len = sizeof(*ip6h) + bpf_ntohs(ip6h->payload_len) - (l4_off - l3_off);
	}
	tcph = data + l4_off;
	if ((void *)(tcph + 1) > data_end)
		return 0;
	optlen = tcph->doff * 4;
	if (optlen < sizeof(*tcph))
		return 0;
	/* The TCP header must lie inside the IP packet its length field
	 * describes: bytes past it (Ethernet padding) are no part of the
	 * segment, and clamping there changes them and breaks a valid
	 * checksum (found by tests/fuzz).  An IP length shorter than the
	 * headers makes tcp_len wrap, caught by the upper bound. */
	if (tcp_len < optlen || tcp_len > 0xffff)
		goto malformed;
	optlen -= sizeof(*tcph);
	if (optlen == 0) {
		COUNT(&cnt, mss_missing);
		return 0;
	}
	if (optlen > TCP_MAX_OPTLEN)
		return 0; /* cannot happen: doff is 4 bits */
	/* Fast path: every common stack sends MSS as the first option.
	 * Read it in place; anything else takes the walk below.  (optlen is
	 * a non-zero multiple of 4 here, so the option fits in it.) */
	p = (__u8 *)(tcph + 1);
	if ((void *)(p + TCPOLEN_MSS) <= data_end &&
	    p[0] == TCPOPT_MSS && p[1] == TCPOLEN_MSS) {
		off = 0;
		old = ((__u32)p[2] << 8) | p[3];
		goto found;
	}
	if (is_xdp)
		off = mtug_mss_find_xdp(ctx, l4_off + sizeof(*tcph), optlen, &old);
	else
		off = mtug_mss_find_tc(ctx, l4_off + sizeof(*tcph), optlen, &old);
	if (off == MSS_MISSING) {
		COUNT(&cnt, mss_missing);
		return 0;
	}
	if (off < 0)
		goto malformed;
	/* off < 40, but a global function's result is an unknown scalar to
	 * the verifier: the mask bounds it for the writes below. */
	asm volatile("" : "+r"(off));
	off &= 0x3f;
found:
	mtu = mss_target_mtu(ctx, ifindex, &e, icfg, gcfg);
	overhead = e.v4 ? MTUG_V4_MSS_OVERHEAD : MTUG_V6_MSS_OVERHEAD;
	if (mtu <= overhead || old <= mtu - overhead) {
		COUNT(&cnt, mss_unchanged);
		return 0;
	}
	target = mtu - overhead;

	/* Offset of the MSS value from the start of the TCP header: decides
	 * whether its bytes straddle two checksum words. */
	val_off = sizeof(*tcph) + off + 2;
	if (is_xdp) {
		bool partial;
		__u16 hc;

		hc = bpf_ntohs(tcph->check);
		partial = xdp_csum_partial(ctx, data, data_end, l4_off, tcp_len, &e, hc);
		/* csum_region's helper calls keep packet pointers in XDP, but
		 * re-derive them so the verifier sees fresh ranges. */
		tcph = data + l4_off;
		p = (__u8 *)tcph + val_off;
		if ((void *)(tcph + 1) > data_end || (void *)(p + 2) > data_end)
			return 0;
		p[0] = target >> 8;
		p[1] = target & 0xff;
		if (!partial)
			tcph->check = bpf_htons(csum_update16(hc, csum_word_at(old, val_off),
							      csum_word_at(target, val_off)));
	} else {
		__be16 nv = bpf_htons(target);
		__u32 csum_off = l4_off + offsetof(struct tcphdr, check);

		/* Store first, then fix the checksum: both helpers
		 * invalidate packet pointers, nothing reads them after. */
		if (bpf_skb_store_bytes(ctx, l4_off + val_off, &nv, 2, 0))
			return 0;
		if (bpf_l4_csum_replace(ctx, csum_off,
					bpf_htons(csum_word_at(old, val_off)),
					bpf_htons(csum_word_at(target, val_off)), 2))
			return 0;
	}
	COUNT(&cnt, mss_clamped);
	return 1;
malformed:
	COUNT(&cnt, mss_malformed);
	return 0;
}

__noinline int mtug_mss_tc(struct __sk_buff *skb, __u32 l3_off, __u32 l4_off,
			   __u32 l3_proto)
{
	return mss_clamp(skb, (void *)(long)skb->data, (void *)(long)skb->data_end,
			 false, l3_off, l4_off, l3_proto, skb->ifindex);
}

#endif /* MTUG_MSS_H */
