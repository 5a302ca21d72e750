/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * parse.h - header parsing with a cursor, xdp-tools style.
 *
 * Every parse_*() takes the cursor, checks bounds against data_end, moves the
 * cursor past the header and returns the next protocol (or header length),
 * or a negative PARSE_* code.  Nothing here writes to the packet.
 */
#ifndef MTUG_PARSE_H
#define MTUG_PARSE_H

#include <bpf/bpf_endian.h>

#include "proto.h"

struct cursor {
	void *pos;
	void *end;
};

enum parse_err {
	PARSE_SKIP = -2,  /* truncated / fragment / AH / ESP: pass, counted */
};

/* Ethernet plus up to MTUG_VLAN_MAX 802.1Q / 802.1ad tags.  Returns the
 * inner ethertype in host order. */
static __always_inline int parse_eth(struct cursor *c, struct ethhdr **eth_out)
{
	struct ethhdr *eth = c->pos;
	__u16 proto;

	if ((void *)(eth + 1) > c->end)
		return PARSE_SKIP;
	c->pos = eth + 1;
	*eth_out = eth;
	proto = bpf_ntohs(eth->h_proto);

#pragma unroll
	for (int i = 0; i < MTUG_VLAN_MAX; i++) {
		struct vlan_hdr *vh = c->pos;

		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			break;
		if ((void *)(vh + 1) > c->end)
			return PARSE_SKIP;
		proto = bpf_ntohs(vh->h_vlan_encapsulated_proto);
		c->pos = vh + 1;
	}
	if (proto == ETH_P_8021Q || proto == ETH_P_8021AD)
		return PARSE_SKIP; /* a third tag: more than we promise to walk */
	return proto;
}

/* IPv4 with options.  Returns the L4 protocol.  Non-first fragments carry
 * no L4 header and are skipped; a first fragment is parsed normally. */
static __always_inline int parse_ip4(struct cursor *c, struct iphdr **ip_out)
{
	struct iphdr *iph = c->pos;
	__u32 hlen;

	if ((void *)(iph + 1) > c->end)
		return PARSE_SKIP;
	if (iph->version != 4)
		return PARSE_SKIP;
	hlen = iph->ihl * 4;
	if (hlen < sizeof(*iph))
		return PARSE_SKIP;
	if (c->pos + hlen > c->end)
		return PARSE_SKIP;
	if (iph->frag_off & bpf_htons(IP_OFFSET))
		return PARSE_SKIP;
	/* AH and ESP hide the L4 header: skipped and counted, as parse_ip6
	 * does (returning them as an L4 protocol passed them uncounted). */
	if (iph->protocol == IPPROTO_AH || iph->protocol == IPPROTO_ESP)
		return PARSE_SKIP;
	c->pos += hlen;
	*ip_out = iph;
	return iph->protocol;
}

/* IPv6 with a bounded walk of Hop-by-Hop, Routing and Destination Options.
 * Fragment, AH, ESP and anything past the walk limit are skipped. */
static __always_inline int parse_ip6(struct cursor *c, struct ipv6hdr **ip6_out)
{
	struct ipv6hdr *ip6h = c->pos;
	__u8 nexthdr;

	if ((void *)(ip6h + 1) > c->end)
		return PARSE_SKIP;
	if (ip6h->version != 6)
		return PARSE_SKIP;
	c->pos = ip6h + 1;
	*ip6_out = ip6h;
	nexthdr = ip6h->nexthdr;

#pragma unroll
	for (int i = 0; i < MTUG_IPV6_EXT_MAX; i++) {
		struct ipv6_opt_hdr *oh = c->pos;

		if (nexthdr != IPPROTO_HOPOPTS && nexthdr != IPPROTO_ROUTING &&
		    nexthdr != IPPROTO_DSTOPTS)
			break;
		if ((void *)(oh + 1) > c->end)
			return PARSE_SKIP;
		nexthdr = oh->nexthdr;
		/* hdrlen is in 8-octet units, not counting the first 8 */
		c->pos += ((__u32)oh->hdrlen + 1) * 8;
	}
	switch (nexthdr) {
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_DSTOPTS:
	case IPPROTO_FRAGMENT:
	case IPPROTO_AH:
	case IPPROTO_ESP:
		return PARSE_SKIP;
	}
	return nexthdr;
}

/* TCP: returns the header length (doff * 4) when the whole header, options
 * included, is inside the packet. */
static __always_inline int parse_tcp(struct cursor *c, struct tcphdr **tcp_out)
{
	struct tcphdr *tcph = c->pos;
	__u32 hlen;

	if ((void *)(tcph + 1) > c->end)
		return PARSE_SKIP;
	hlen = tcph->doff * 4;
	if (hlen < sizeof(*tcph))
		return PARSE_SKIP;
	if (c->pos + hlen > c->end)
		return PARSE_SKIP;
	*tcp_out = tcph;
	return hlen;
}

#endif /* MTUG_PARSE_H */
