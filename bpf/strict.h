/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * strict.h - the fib paths are never laxer than the kernel.
 *
 * bpf_fib_lookup() answers "where would this go", not "would Linux forward
 * this at all": it does none of the checks ip_rcv(), ip_route_input_slow(),
 * fib_validate_source(), ip_forward(), ipv6_rcv() and ip6_forward() make
 * before a frame is forwarded.  A frame that fails one of them is handed
 * to the stack (XDP_PASS / TC_ACT_OK, counted fib_deferred), which then
 * drops it, delivers it or forwards it as it always does.  Deferring is
 * always safe, so where the exact rule would cost a lookup the check is
 * the simpler, stricter one (each says so).
 *
 * For a PTB the rules hold for its outer header (what the kernel itself
 * would forward) and for the flow it steers by (the reversed quoted tuple:
 * its source must not be an address Linux never forwards from); for
 * `ptb forward on` the two are the same packet.
 */
#ifndef MTUG_STRICT_H
#define MTUG_STRICT_H

#include <bpf/bpf_endian.h>
#include <bpf/bpf_core_read.h>

#include "act.h"
#include "csum.h"
#include "flow.h"
#include "pkt.h"
#include "settings.h"

#define PACKET_HOST 0

/* libbpf 1.1 (Debian 12) has no bpf_ksym_exists(): a weak extern that the
 * kernel lacks resolves to 0, and the verifier drops the code behind the
 * test. */
#ifndef bpf_ksym_exists
#define bpf_ksym_exists(sym) (!!(sym))
#endif

/* The program's context as the kernel's own object (struct xdp_buff or
 * struct sk_buff), for reading the receiving device.  Weak: kernels before
 * 6.2 lack it, and the CLI's copy in iface_cfg stands in. */
extern void *bpf_cast_to_kern_ctx(void *obj) __ksym __weak;

/* The receiving device, or NULL where it cannot be read.  The loads walk
 * kernel pointers; the verifier makes them fault-safe (a fault reads 0). */
static __always_inline struct net_device *rx_dev(void *ctx, bool is_xdp)
{
	if (!mtug_dev_view || !bpf_ksym_exists(bpf_cast_to_kern_ctx))
		return NULL;
	if (is_xdp)
		return ((struct xdp_buff *)bpf_cast_to_kern_ctx(ctx))->rxq->dev;
	return ((struct sk_buff *)bpf_cast_to_kern_ctx(ctx))->dev;
}

/* The receiving device's namespace, read once per frame for everything
 * that needs it (fib_flags_v4(), the reverse-path check and its cache),
 * or NULL where the device cannot be read. */
static __always_inline struct net *rx_net(struct net_device *dev)
{
	if (!dev || !bpf_core_field_exists(possible_net_t, net))
		return NULL;
	return dev->nd_net.net;
}

/*
 * L2: ip_rcv() drops PACKET_OTHERHOST, ip_forward() and ip6_forward()
 * anything but PACKET_HOST (broadcast and multicast destinations go to
 * the stack, which delivers them locally or drops them).  PACKET_HOST is
 * eth_type_trans()'s "destination is the device's address".  TC has the
 * kernel's own answer in pkt_type; XDP runs before eth_type_trans() and
 * compares with the device's address: read from the device where the
 * kernel lets us (dev_addr_shadow, the copy of dev_addr every address
 * change writes), else the one the CLI recorded.
 */
static __always_inline bool l2_to_us(void *ctx, bool is_xdp, struct net_device *dev,
				     const struct mtug_iface_cfg *icfg,
				     const struct ethhdr *eth)
{
	/* 8-byte loads, the 6 address bytes kept: the frame's 8 bytes are
	 * inside its Ethernet header, the device's inside its 32-byte
	 * dev_addr_shadow. */
	const union {
		__u8 b[8];
		__u64 v;
	} mask = { .b = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	const __u64 m = mask.v;
	const __u64 *dst = (const __u64 *)eth->h_dest;
	__u64 a;

	if (!is_xdp)
		return ((struct __sk_buff *)ctx)->pkt_type == PACKET_HOST;
	/* Opaque: knowing the Ethernet header 2-byte aligned, the compiler
	 * reads the 6 bytes as three 16-bit loads and joins them. */
	barrier_var(dst);
	a = *dst & m;
	if (dev && bpf_core_field_exists(dev->dev_addr_shadow))
		return a == (*(const __u64 *)dev->dev_addr_shadow & m);
	return a == (*(const __u64 *)icfg->mac & m);
}

/*
 * IPv4 addresses the kernel never forwards to or from, by their first
 * byte: 0/8 (zeronet: martian source and destination), 127/8 (loopback:
 * martian without route_localnet) and 224/3: multicast (never unicast-
 * forwarded; martian as a source), 255.255.255.255 (limited broadcast) and
 * 240/4, which the kernel would forward by a route (stricter: deferred).
 * Subnet broadcasts are the fib lookup's (RTN_BROADCAST: ptb_local).
 */
static __always_inline bool v4_martian(const void *a)
{
	__u8 b = *(const __u8 *)a;

	return (__u8)(b - 1) >= 223 || b == 127;
}

/*
 * IPv6: ff00::/8 (multicast: never unicast-forwarded, dropped as a
 * source), fe80::/10 (link-local: ip6_forward() refuses it as a source,
 * and it is no destination beyond the link) and ::/80, which holds the
 * unspecified and loopback addresses (ipv6_rcv(), ip6_forward()) and the
 * IPv4-mapped ::ffff:0:0/96 and IPv4-compatible ::/96 ones, which never
 * belong on the wire (RFC 4291) but which Linux routes (stricter:
 * deferred).  a is 4-byte aligned or packet data.
 */
static __always_inline bool v6_martian(const void *a)
{
	const __u32 *w = a;
	__u8 b0 = ((const __u8 *)a)[0], b1 = ((const __u8 *)a)[1];

	return b0 == 0xff || (b0 == 0xfe && (b1 & 0xc0) == 0x80) ||
	       (w[0] | w[1] | (w[2] & bpf_htonl(0xffff0000))) == 0;
}

/*
 * The outer IPv4 header as the kernel forwards it without more ado: no
 * options (IHL 5: every option, source routes and router alert first,
 * needs the stack), a TTL that survives the hop (ip_forward() answers
 * Time Exceeded at 1), a total length no shorter than the header
 * (ip_rcv_core() drops the rest; the caller checks that the frame holds
 * it) and a right header checksum.
 */
static __always_inline bool v4_hdr_ok(const struct iphdr *iph)
{
	const __u32 *w = (const void *)iph;
	/* The fields from the words the checksum reads anyway: version and
	 * IHL, total length; TTL. */
	__u32 h0 = bpf_ntohl(w[0]), h2 = bpf_ntohl(w[2]), len = h0 & 0xffff;
	__u64 s;

	if ((h0 >> 24) != 0x45 || (h2 >> 24) <= 1 || len < sizeof(*iph))
		return false;
	/* Summed as raw words (RFC 1071 2.B: the order does not matter). */
	s = (__u64)w[0] + w[1] + w[2] + w[3] + w[4];
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	return csum_fold32((__u32)s) == 0xffff;
}

/* IPv6: a hop limit that survives the hop and no Hop-by-Hop header (every
 * router reads it: router alert, jumbograms, options whose type says
 * drop).  The caller checks that the frame holds the payload length
 * (ipv6_rcv()). */
static __always_inline bool v6_hdr_ok(const struct ipv6hdr *ip6h)
{
	return ip6h->hop_limit > 1 && ip6h->nexthdr != IPPROTO_HOPOPTS;
}

/*
 * Everything about the frame itself (L2, the outer IP header, the
 * addresses of the outer header and of the flow): false when the kernel
 * would not forward it.  For IPv4 *src4 / *dst4 get the outer addresses,
 * for the reverse-path check after the lookup.
 */
static __always_inline bool kernel_would_route(void *ctx, bool is_xdp, struct net_device *dev,
					       const struct mtug_iface_cfg *icfg,
					       void *data, void *data_end, __u32 l3_off,
					       const struct flow *f, __be32 *src4, __be32 *dst4)
{
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end || !l2_to_us(ctx, is_xdp, dev, icfg, eth))
		return false;
	l3_off &= CSUM_OFF_MASK;
	if (f->v4) {
		struct iphdr *iph = data + l3_off;

		if ((void *)(iph + 1) > data_end || !v4_hdr_ok(iph) ||
		    !frame_holds(ctx, is_xdp, data, data_end, l3_off + bpf_ntohs(iph->tot_len)) ||
		    v4_martian(&iph->saddr) || v4_martian(f->src) || v4_martian(f->dst))
			return false;
		*src4 = iph->saddr;
		*dst4 = iph->daddr;
		return true;
	} else {
		struct ipv6hdr *ip6h = data + l3_off;

		return (void *)(ip6h + 1) <= data_end && v6_hdr_ok(ip6h) &&
		       frame_holds(ctx, is_xdp, data, data_end,
				   l3_off + sizeof(*ip6h) + bpf_ntohs(ip6h->payload_len)) &&
		       !v6_martian(&ip6h->saddr) && !v6_martian(f->src) && !v6_martian(f->dst);
	}
}

/*
 * The IPv4 reverse-path filter in force on the receiving device: the
 * larger of conf/all/rp_filter and the device's own (IN_DEV_RPFILTER),
 * read from the device where the kernel lets us, so a sysctl change
 * takes effect at once; else what the CLI recorded.  A device without
 * IPv4 configuration is treated as strict.
 */
static __always_inline __u32 rx_rp_filter(struct net_device *dev, struct net *net,
					  const struct mtug_iface_cfg *icfg)
{
	struct in_device *idev;
	int own, all;

	if (!dev || !bpf_core_field_exists(possible_net_t, net))
		return icfg->rp_filter;
	idev = dev->ip_ptr;
	if (!idev || !net)
		return 1;
	own = idev->cnf.data[IPV4_DEVCONF_RP_FILTER - 1];
	all = net->ipv4.devconf_all->data[IPV4_DEVCONF_RP_FILTER - 1];
	return own > all ? own : all;
}

/*
 * fib_validate_source() for a frame the forward lookup routed out of oif:
 * the route back to its source, looked up as the kernel does (from the
 * frame's destination, no ports, oif as the input interface the ip rules
 * see; the helper also wants forwarding on there, which the kernel does
 * not: stricter).
 *   rp_filter 1 (strict): a unicast route whose nexthop is the receiving
 *     interface.  The kernel accepts any nexthop of a multipath route;
 *     the helper picks one, so a multipath route back is stricter here.
 *   rp_filter 2 (loose): any unicast route.
 *   rp_filter 0: the kernel refuses only a source that is one of this
 *     host's addresses; the helper cannot tell a local route (NOT_FWDED)
 *     from no route at all, so here too a unicast route back is wanted
 *     (stricter: a source without one is deferred).
 * IPv6 has no such check in the kernel (no rp_filter, local sources are
 * forwarded).
 *
 * The lookup is a second bpf_fib_lookup() per frame, so its answer is
 * kept per CPU (fib_scratch.rp_cache, direct-mapped by the addresses) for
 * as long as the kernel keeps its own cached routes: the namespace's
 * rt_genid, which every route, rule, address and link change bumps
 * (rt_cache_flush(); a deleted route that a lookup ever returned
 * included).  Only where the answer depends on nothing but the key:
 * the device readable (rx_dev()) and the direct lookup in force (no ip
 * rules of the namespace's own, no default table: fib_flags_v4()).  The
 * rp_filter is applied to the kept answer afresh on every frame.  The
 * device is keyed by its address: root-loaded programs may compare
 * pointers.
 */
static __always_inline __u32 rp_cache_slot(__be32 src, __be32 dst)
{
	return (((src ^ dst) * 0x9e3779b1u) >> (32 - RP_CACHE_BITS)) &
	       ((1u << RP_CACHE_BITS) - 1);
}

static __always_inline bool rp_pass(void *ctx, struct fib_scratch *fs, struct net_device *dev,
				    struct net *net, const struct mtug_iface_cfg *icfg,
				    __be32 src, __be32 dst, __u32 iif, __u32 oif, __u32 flags)
{
	struct bpf_fib_lookup *rev = &fs->rev;
	struct rp_cache_entry *e = NULL;
	__u64 addrs = src | (__u64)dst << 32, oif_gen = 0;
	__u32 ok, rev_if;
	int rc;

	if (dev && net && flags == BPF_FIB_LOOKUP_DIRECT &&
	    bpf_core_field_exists(struct netns_ipv4, rt_genid)) {
		e = &fs->rp_cache[rp_cache_slot(src, dst)];
		oif_gen = oif | (__u64)(__u32)net->ipv4.rt_genid.counter << 32;
		if (e->dev == (__u64)dev && e->addrs == addrs && e->oif_gen == oif_gen)
			return e->ok &&
			       (e->rev_ifindex == iif || rx_rp_filter(dev, net, icfg) != 1);
	}
	rev->family = AF_INET;
	rev->flowinfo = 0;
	rev->l4_protocol = 0;
	rev->sport = 0;
	rev->dport = 0;
	/* Not 0: from TC the helper then checks the frame itself against
	 * the MTU of the route back's device (a jumbo frame would fail it);
	 * 1 passes any route MTU.  TC on older kernels (5.10) checks the
	 * frame whatever tot_len says, once the route is found: FRAG_NEEDED
	 * there means a unicast route too (its device filled in). */
	rev->tot_len = 1;
	rev->ifindex = oif;
	rev->ipv4_src = dst;
	rev->ipv4_dst = src;
	rc = bpf_fib_lookup(ctx, rev, sizeof(*rev), flags);
	ok = rc == BPF_FIB_LKUP_RET_SUCCESS || rc == BPF_FIB_LKUP_RET_NO_NEIGH ||
	     rc == BPF_FIB_LKUP_RET_FRAG_NEEDED;
	rev_if = rev->ifindex;
	if (e) {
		e->dev = (__u64)dev;
		e->addrs = addrs;
		e->oif_gen = oif_gen;
		e->rev_ifindex = rev_if;
		e->ok = ok;
	}
	/* The rp_filter only matters for a route back through another
	 * interface: read then. */
	return ok && (rev_if == iif || rx_rp_filter(dev, net, icfg) != 1);
}

#endif /* MTUG_STRICT_H */
