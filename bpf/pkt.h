/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * pkt.h - what the parser found about one packet, handed to the MSS and
 * PTB handlers.  Offsets are from the start of the frame (the MAC header),
 * which is where both XDP's data and clsact's skb->data point.
 */
#ifndef MTUG_PKT_H
#define MTUG_PKT_H

#include "mtuguard.h"

struct pkt {
	void *data;
	void *data_end;
	struct mtug_counters *cnt;
	__u32 ifindex;
	__u32 l3_off;
	__u32 l4_off;
	__u16 l3_proto; /* ETH_P_IP or ETH_P_IPV6, host order */
	__u8 l4_proto;
	__u8 is_xdp;
	struct ethhdr *eth;
	struct iphdr *iph;     /* valid when l3_proto == ETH_P_IP */
	struct ipv6hdr *ip6h;  /* valid when l3_proto == ETH_P_IPV6 */
	void *l4;
};

static __always_inline struct mtug_iface_cfg *iface_cfg_get(__u32 ifindex)
{
	return bpf_map_lookup_elem(&iface_cfg, &ifindex);
}

static __always_inline struct mtug_global_cfg *global_cfg_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&global_cfg, &zero);
}

#endif /* MTUG_PKT_H */
