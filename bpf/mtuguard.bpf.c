// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * mtuguard.bpf.c - the datapath: one parser, one MSS clamp and one PTB
 * re-hash, shared by the XDP ingress program and the two TC programs.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "proto.h"
#include "maps.h"
#include "parse.h"
#include "mss.h"
#include "ptb.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* In TC the headers we read may sit in paged data; pull at most this much
 * into the linear area, only when it is not already there.  Enough for an
 * outer QinQ + IPv6 + ICMPv6 + the quoted IPv6 header and L4 ports. */
#define MTUG_TC_PULL_LEN 512

enum verdict {
	V_PASS,
	V_DROP,
	V_REDIRECT, /* bpf_redirect*() already chose the target */
};

static __always_inline enum verdict process(void *ctx, void *data, void *data_end,
					    __u32 ifindex, bool is_xdp, bool ingress,
					    __u64 *redirect_rc)
{
	struct mtug_iface_cfg *icfg;
	struct mtug_global_cfg *gcfg;
	struct cursor c = { .pos = data, .end = data_end };
	struct pkt pk = {};
	__u32 zero = 0;
	int proto;

	pk.cnt = bpf_map_lookup_elem(&counters, &zero);
	if (!pk.cnt)
		return V_PASS;
	pk.cnt->packets++;
	pk.data = data;
	pk.data_end = data_end;
	pk.ifindex = ifindex;
	pk.is_xdp = is_xdp;

	proto = parse_eth(&c, &pk.eth);
	if (proto < 0)
		goto skip;
	pk.l3_off = c.pos - data;
	pk.l3_proto = proto;
	if (proto == ETH_P_IP)
		proto = parse_ip4(&c, &pk.iph);
	else if (proto == ETH_P_IPV6)
		proto = parse_ip6(&c, &pk.ip6h);
	else
		return V_PASS;
	if (proto < 0)
		goto skip;
	pk.l4_proto = proto;
	pk.l4_off = c.pos - data;
	pk.l4 = c.pos;

	if (proto == IPPROTO_TCP) {
		struct tcphdr *tcph;
		__u8 flags;

		if (parse_tcp(&c, &tcph) < 0)
			goto skip;
		flags = ((__u8 *)tcph)[13];
		if ((flags & (TCP_FLAG_SYN | TCP_FLAG_RST)) == TCP_FLAG_SYN) {
			pk.cnt->syn_seen++;
			if (is_xdp)
				mtug_mss_xdp(ctx, pk.l3_off, pk.l4_off, pk.l3_proto);
			else
				mtug_mss_tc(ctx, pk.l3_off, pk.l4_off, pk.l3_proto);
			/* After a TC rewrite packet pointers are stale:
			 * SYNs are never forwarded by fib. */
			return V_PASS;
		}
	} else if ((proto == IPPROTO_ICMP && pk.l3_proto == ETH_P_IP) ||
		   (proto == IPPROTO_ICMPV6 && pk.l3_proto == ETH_P_IPV6)) {
		icfg = iface_cfg_get(ifindex);
		gcfg = global_cfg_get();
		if (!icfg || !gcfg)
			return V_PASS;
		return ptb_handle(ctx, &pk, icfg, gcfg, ingress, redirect_rc);
	}
	if (ingress && (proto == IPPROTO_TCP || proto == IPPROTO_UDP)) {
		icfg = iface_cfg_get(ifindex);
		gcfg = global_cfg_get();
		if (icfg && gcfg && gcfg->ptb_forward &&
		    (icfg->features & MTUG_F_PTB) && icfg->ptb_mode == MTUG_PTB_FIB)
			return fwd_handle(ctx, &pk, redirect_rc);
	}
	return V_PASS;
skip:
	pk.cnt->parse_skipped++;
	return V_PASS;
}

SEC("xdp")
int mtuguard_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 rc = XDP_PASS;

	switch (process(ctx, data, data_end, ctx->ingress_ifindex, true, true, &rc)) {
	case V_DROP:
		return XDP_DROP;
	case V_REDIRECT:
		return rc;
	default:
		return XDP_PASS;
	}
}

static __always_inline int tc_run(struct __sk_buff *skb, bool ingress)
{
	__u32 len = skb->len;
	__u32 want = len < MTUG_TC_PULL_LEN ? len : MTUG_TC_PULL_LEN;
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	__u64 rc = TC_ACT_OK;

	if (data + want > data_end) {
		bpf_skb_pull_data(skb, want);
		data = (void *)(long)skb->data;
		data_end = (void *)(long)skb->data_end;
	}

	switch (process(skb, data, data_end, skb->ifindex, false, ingress, &rc)) {
	case V_DROP:
		return TC_ACT_SHOT;
	case V_REDIRECT:
		return rc;
	default:
		return TC_ACT_OK;
	}
}

SEC("tc")
int mtuguard_tc_ingress(struct __sk_buff *skb)
{
	return tc_run(skb, true);
}

SEC("tc")
int mtuguard_tc_egress(struct __sk_buff *skb)
{
	return tc_run(skb, false);
}
