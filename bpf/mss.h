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

#include <bpf/bpf_endian.h>
#include <bpf/bpf_core_read.h>

#include "act.h"
#include "pkt.h"
#include "csum.h"

/* Largest L4 offset the parser can produce (QinQ + IPv6 + four extension
 * headers of the maximum 2048 bytes), rounded up to a mask. */
#define MTUG_L4_OFF_MASK 0x3fff

/* What mss_walk() found, as bits of its result. */
#define MSS_WALK_SEEN      1 /* an MSS option of length 4 was reached */
#define MSS_WALK_CLAMPED   2 /* ... and at least one was lowered */
#define MSS_WALK_MALFORMED 4 /* the walk ended on a bad length */

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

	/* The helper reports the route MTU (mtu_result) from 5.11 on: an
	 * older kernel gives none (the CLI refuses `mtu source pmtu` there),
	 * and the field's CO-RE relocation would fail. */
	if (!bpf_core_field_exists(struct bpf_fib_lookup, mtu_result))
		return 0;
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
 * the peer drops and the sender retransmits.  A segment that cannot be
 * summed here (longer than csum_region() sums, or running past XDP's first
 * buffer: a SYN with kilobytes of data on a jumbo link, such as a local
 * TCP Fast Open SYN) counts as partial when its field matches: a complete
 * checksum matches 1 time in 65536, a partial one always.  TC never needs
 * this: bpf_l4_csum_replace() knows ip_summed.
 *
 * field is the checksum field as it came (host order).  The common
 * layouts (mss_only_first) ask once the new MSS value is written, so that
 * only a clamp pays for the test: adj (memory order) is then what storing
 * the updated checksum would add to the sum (new minus field), and with it
 * the sum is that of the segment as it would leave, which verifies exactly
 * when the segment as it came did (the update is RFC 1624's).  The full
 * walk asks before it writes anything (adj 0).
 */
/* The rare half of xdp_csum_partial(): the segment's full sum.  A global
 * function: the blocks are verified once, not once for every way the walk
 * ends, and stay out of the clamp's code. */
__noinline int mtug_tcp_sum_xdp(struct xdp_md *ctx, __u32 l4_off, __u32 len, __u32 seed)
{
	return csum_region((void *)(long)ctx->data, (void *)(long)ctx->data_end, l4_off, len,
			   seed);
}

static __always_inline bool xdp_csum_partial(void *ctx, __u32 l4_off, __u32 tcp_len,
					     const struct ends *e, __u16 field, __u32 adj)
{
	__u16 ph = l4_pseudo_fold(e->src.addr, e->dst.addr, e->v4, tcp_len, IPPROTO_TCP);

	if (bpf_htons(field) != ph)
		return false;
	/* csum_region sums raw memory: seed it with the pseudo-header sum,
	 * in the same (memory) order. */
	return mtug_tcp_sum_xdp(ctx, l4_off, tcp_len, ph + adj) != 0xffff;
}

/*
 * The layouts every common stack sends (Linux with and without
 * timestamps, Windows, macOS, FreeBSD: MSS first, then SACK permitted,
 * timestamps, window scale, NOPs and EOLs in a few fixed arrangements),
 * recognised a 32-bit word at a time: true when the option area is one of
 * them, so that the receiver's walk (below) would step from the MSS option
 * at offset 0 over options none of which is an MSS option and end at the
 * end of the area or at an EOL.  Then the first option is the only MSS
 * option the receiver reads.  Each recognised word is whole options
 * (lengths 2, 3, 4 and 10, each inside the words it spans), so the walk's
 * positions coincide with the words'.  Anything else is left to the full
 * walk: false only costs the words read so far.  Writes nothing.
 */
static __always_inline bool mss_only_first(const __u8 *o, void *data_end, __u32 optlen)
{
	/* In words, and opaque: tested against the copy, the verifier's
	 * bounds on optlen itself stay as they were, and each way out of
	 * here would otherwise enter the full walk with bounds of its own. */
	__u32 words = optlen >> 2, next = 1;

	barrier_var(words);
	if ((void *)(o + 4) > data_end ||
	    (*(const __u32 *)o & bpf_htonl(0xffff0000)) != bpf_htonl(0x02040000))
		return false;
#pragma unroll
	for (__u32 w = 1; w < TCP_MAX_OPTLEN / 4; w++) {
		const __u32 *p = (const __u32 *)(o + 4 * w);
		__u32 v;

		if (w != next)
			continue;
		if (w >= words)
			return true;
		if ((void *)(p + 1) > data_end)
			return false;
		v = *p;
		if (v == bpf_htonl(0x0402080a) || v == bpf_htonl(0x0101080a)) {
			/* SACK permitted or two NOPs, then timestamps (10) */
			if (w + 3 > words)
				return false;
			next = w + 3;
		} else if ((v & bpf_htonl(0xffffff00)) == bpf_htonl(0x01030300) ||
			   v == bpf_htonl(0x01010402) || v == bpf_htonl(0x01010101)) {
			/* NOP and window scale; two NOPs and SACK permitted;
			 * four NOPs */
			next = w + 1;
		} else {
			/* EOL, or SACK permitted and EOL: the receiver stops */
			return (v & bpf_htonl(0xff000000)) == 0 ||
			       (v & bpf_htonl(0xffffff00)) == bpf_htonl(0x04020000);
		}
	}
	return true;
}

/* Lower the MSS option at p (option-area offset pos, value old) to target.
 * XDP: the bytes, and *hc the checksum to store at the end.  TC: the
 * helpers, which invalidate every packet pointer (the caller re-derives
 * them); false when one of them fails. */
static __always_inline bool mss_store(void *ctx, bool is_xdp, __u8 *p, __u32 l4_off,
				      __u32 pos, __u32 old, __u32 target, __u16 *hc)
{
	__u32 val_off = sizeof(struct tcphdr) + pos + 2;
	__be16 nv;

	if (is_xdp) {
		p[2] = target >> 8;
		p[3] = target & 0xff;
		*hc = csum_update16(*hc, csum_word_at(old, val_off), csum_word_at(target, val_off));
		return true;
	}
	nv = bpf_htons(target);
	return !bpf_skb_store_bytes(ctx, l4_off + val_off, &nv, 2, 0) &&
	       !bpf_l4_csum_replace(ctx, l4_off + offsetof(struct tcphdr, check),
				    bpf_htons(csum_word_at(old, val_off)),
				    bpf_htons(csum_word_at(target, val_off)), 2);
}

/*
 * Walk the TCP options as the receiver does (Linux tcp_parse_options, and
 * other stacks alike) and lower every MSS option of length 4 it reaches to
 * target (0: lower nothing, only report).  The receiver stops at EOL and at
 * an option whose length is under 2 or runs past the option area, steps
 * over every other option by its length (an MSS option whose length is not
 * 4 included) and takes the last MSS option of length 4: so every one the
 * walk reaches is clamped, and nothing it does not reach is touched.
 *
 * Works on the packet in place; the parser already checked that the whole
 * TCP header, options included, is in the linear data (parse_tcp).  XDP
 * updates the checksum incrementally, once at the end, unless the segment
 * is a partial one (xdp_csum_partial(), from tcp_len and the ends e); TC
 * stores each value and fixes the checksum with bpf_l4_csum_replace(),
 * re-deriving the packet pointers after each.
 *
 * Part of the clamp, a global function per hook: verified once, not once
 * per parser path.
 *
 * The common layouts first (mss_only_first): a few word compares instead
 * of the walk's branches at every position.
 *
 * Unrolled over the 40 byte positions of the option area, each position
 * either the start of an option (pos == next) or not: every read is at a
 * constant offset from the option area, and the verifier's states at a
 * position differ only in where the next option starts.  A loop over the
 * options instead (off += len) leaves each verifier its own way to lose
 * the bound: 6.1 gives up on the sequence of branches, 6.18 stops pruning
 * once the loop counter and off are both tracked exactly.
 *
 * optlen <= 40 (doff is four bits) is not tested here on purpose: with
 * that bound known, the tests against optlen become decidable for the
 * verifier whenever next is a constant, which only adds states.  The
 * positions bound the walk, and data_end every read, whatever optlen says.
 */
static __always_inline int mss_walk(void *ctx, bool is_xdp, __u32 l4_off, __u32 optlen,
				    __u32 target, __u32 tcp_len, const struct ends *e)
{
	void *data, *data_end;
	struct tcphdr *tcph;
	__u32 next = 0, res = 0, old;
	bool partial = false;
	__u16 hc = 0;
	__u8 *o;

	l4_off &= MTUG_L4_OFF_MASK;
	ctx_data(ctx, is_xdp, &data, &data_end);
	if (is_xdp) {
		tcph = data + l4_off;
		if ((void *)(tcph + 1) > data_end)
			return MSS_WALK_MALFORMED;
		hc = bpf_ntohs(tcph->check);
	}
	o = data + ((l4_off + sizeof(*tcph)) & MTUG_L4_OFF_MASK);
	if (mss_only_first(o, data_end, optlen)) {
		if ((void *)(o + TCPOLEN_MSS) > data_end)
			return MSS_WALK_MALFORMED;
		res = MSS_WALK_SEEN;
		old = ((__u32)o[2] << 8) | o[3];
		if (!target || old <= target)
			return res;
		res |= MSS_WALK_CLAMPED;
		if (!mss_store(ctx, is_xdp, o, l4_off, 0, old, target, &hc) || !is_xdp)
			return res;
		/* XDP: the partial test once the MSS is written, so that it
		 * costs only a clamp (see xdp_csum_partial). */
		tcph = data + l4_off;
		if ((void *)(tcph + 1) > data_end)
			return res;
		if (!xdp_csum_partial(ctx, l4_off, tcp_len, e, bpf_ntohs(tcph->check),
				      bpf_htons(hc) + bpf_htons((__u16)~bpf_ntohs(tcph->check))))
			tcph->check = bpf_htons(hc);
		return res;
	}
	/* The walk decides it before anything is written: made at its end,
	 * the test would be verified once for every way the walk ends. */
	if (is_xdp && target)
		partial = xdp_csum_partial(ctx, l4_off, tcp_len, e, hc, 0);
#pragma unroll
	for (__u32 pos = 0; pos < TCP_MAX_OPTLEN; pos++) {
		__u32 kind, len;
		__u8 *p;

		if (pos != next)
			continue; /* inside the option that started before */
		if (pos >= optlen)
			break;
		p = data + ((l4_off + sizeof(*tcph) + pos) & MTUG_L4_OFF_MASK);
		if ((void *)(p + 1) > data_end)
			goto malformed;
		kind = p[0];
		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			next = pos + 1;
			continue;
		}
		if (pos + 2 > optlen || (void *)(p + 2) > data_end)
			goto malformed;
		len = p[1];
		if (len < 2 || pos + len > optlen)
			goto malformed;
		next = pos + len;
		if (kind != TCPOPT_MSS || len != TCPOLEN_MSS)
			continue;
		if ((void *)(p + TCPOLEN_MSS) > data_end)
			goto malformed;
		res |= MSS_WALK_SEEN;
		old = ((__u32)p[2] << 8) | p[3];
		if (!target || old <= target)
			continue;
		res |= MSS_WALK_CLAMPED;
		if (!mss_store(ctx, is_xdp, p, l4_off, pos, old, target, &hc))
			return res;
		/* TC: both helpers invalidate the packet pointers. */
		if (!is_xdp)
			ctx_data(ctx, false, &data, &data_end);
	}
	goto done;
malformed:
	res |= MSS_WALK_MALFORMED;
done:
	/* XDP: the checksum of every change so far, however the walk ended,
	 * unless the segment is a partial one. */
	if (is_xdp && (res & MSS_WALK_CLAMPED) && !partial) {
		tcph = data + l4_off;
		if ((void *)(tcph + 1) > data_end)
			return res;
		tcph->check = bpf_htons(hc);
	}
	return res;
}

/*
 * Clamp one SYN / SYN-ACK, given only the offsets the parser found; the
 * pointers are re-derived from them (a few bounds checks).  A global
 * function per hook (mtug_mss_xdp, mtug_mss_tc): ctx and scalars only,
 * which every kernel's verifier takes, verified once rather than once per
 * parser path (VLAN depths x IPv6 extension headers), which would double
 * the verifier's work on 5.10 and 6.1 (docs/kernels.md).
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
	__u32 overhead, mtu, target, optlen, tcp_len;
	int res;

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
	mtu = mss_target_mtu(ctx, ifindex, &e, icfg, gcfg);
	overhead = e.v4 ? MTUG_V4_MSS_OVERHEAD : MTUG_V6_MSS_OVERHEAD;
	target = mtu > overhead ? mtu - overhead : 0;
	res = mss_walk(ctx, is_xdp, l4_off, optlen, target, tcp_len, &e);
	if (res & MSS_WALK_MALFORMED)
		COUNT(&cnt, mss_malformed);
	if (!(res & MSS_WALK_SEEN)) {
		if (!(res & MSS_WALK_MALFORMED))
			COUNT(&cnt, mss_missing);
		return 0;
	}
	if (!(res & MSS_WALK_CLAMPED)) {
		COUNT(&cnt, mss_unchanged);
		return 0;
	}
	COUNT(&cnt, mss_clamped);
	return 1;
malformed:
	COUNT(&cnt, mss_malformed);
	return 0;
}

__noinline int mtug_mss_xdp(struct xdp_md *ctx, __u32 l3_off, __u32 l4_off,
			    __u32 l3_proto)
{
	return mss_clamp(ctx, (void *)(long)ctx->data, (void *)(long)ctx->data_end,
			 true, l3_off, l4_off, l3_proto, ctx->ingress_ifindex);
}

__noinline int mtug_mss_tc(struct __sk_buff *skb, __u32 l3_off, __u32 l4_off,
			   __u32 l3_proto)
{
	return mss_clamp(skb, (void *)(long)skb->data, (void *)(long)skb->data_end,
			 false, l3_off, l4_off, l3_proto, skb->ifindex);
}

#endif /* MTUG_MSS_H */
