// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * mtuguard.bpf.c - the datapath: one parser, one MSS clamp, one PTB re-hash
 * and one fib forwarder, shared by three programs:
 *
 *   mtuguard_xdp         ingress, at the driver hook: everything.
 *   mtuguard_xdp_chain   the same, going on to the program it shares the
 *                        hook with for what it passes (user/lib/share.h).
 *   mtuguard_tc_egress   egress: the MSS clamp (what XDP cannot see).
 *   mtuguard_tc_ingress  behind XDP it only does what XDP cannot: broadcast
 *                        mode (cloning) and the frames XDP deferred to it
 *                        for neighbour resolution.  On an interface without
 *                        XDP it does the whole ingress job.
 *
 * The heavy parts take the offsets the parser found and re-derive their
 * pointers from them, so the verifier's states from the parser's many
 * paths (VLAN depth x IPv6 extension headers) meet again.  They are
 * global (separately verified) functions taking the context and scalars
 * only, which every supported kernel's verifier takes; XDP inlines the
 * PTB path alone, where a call's cost counts most (make bench) and the
 * verifier has the headroom.  Inlining the SYN clamp as well saved a SYN
 * less than it cost the PTB path (docs/benchmarks.md).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "proto.h"
#include "maps.h"
#include "parse.h"
#include "mss.h"
#include "ptb.h"
#include "fwd.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* In TC the headers we read may sit in paged data; pull at most this much
 * into the linear area, only when it is not already there.  (The PTB path
 * pulls the whole message for its checksum.) */
#define MTUG_TC_PULL_LEN 256

enum run_flags {
	RUN_DEFERRED  = 1, /* XDP counted and checked it; finish the steering */
	RUN_ICMP_ONLY = 2, /* behind XDP in broadcast mode: ICMP only */
	RUN_CHECK     = 4, /* XDP counted it seen; check it and steer it */
};

static __always_inline int process(void *ctx, void *data, void *data_end,
				   enum hook hook, __u32 flags)
{
	bool is_xdp = hook == HOOK_XDP;
	bool quiet = flags & (RUN_DEFERRED | RUN_ICMP_ONLY | RUN_CHECK);
	struct mtug_global_cfg *gcfg;
	struct cursor c = { .pos = data, .end = data_end };
	struct mtug_counters *cnt;
	struct ethhdr *eth;
	struct iphdr *iph;
	struct ipv6hdr *ip6h;
	__u32 zero = 0, l3_off, l4_off, l3_proto;
	int proto;

	cnt = bpf_map_lookup_elem(&counters, &zero);
	if (!cnt)
		return act_pass(is_xdp);
	if (!quiet)
		cnt->packets++;

	proto = parse_eth(&c, &eth);
	if (proto < 0)
		goto skip;
	l3_off = c.pos - data;
	l3_proto = proto;
	if (proto == ETH_P_IP)
		proto = parse_ip4(&c, &iph);
	else if (proto == ETH_P_IPV6)
		proto = parse_ip6(&c, &ip6h);
	else
		return act_pass(is_xdp);
	if (proto < 0)
		goto skip;
	l4_off = c.pos - data;

	if ((proto == IPPROTO_ICMP && l3_proto == ETH_P_IP) ||
	    (proto == IPPROTO_ICMPV6 && l3_proto == ETH_P_IPV6)) {
		if (hook == HOOK_TC_EGRESS)
			return TC_ACT_OK;
		/* XDP: inline, where a call's cost counts on the steered
		 * PTB's budget (make bench) and the verifier has the
		 * headroom on every kernel.  TC: a global function. */
		if (is_xdp)
			return ptb_body(ctx, HOOK_XDP, l3_off, l4_off, l3_proto,
					((struct xdp_md *)ctx)->ingress_ifindex, PTB_FRESH);
		return mtug_ptb_tc(ctx, l3_off, l4_off, l3_proto,
				   flags & RUN_DEFERRED ? PTB_CHECKED :
				   flags & RUN_CHECK ? PTB_SEEN : PTB_FRESH);
	}
	if (flags & (RUN_ICMP_ONLY | RUN_CHECK))
		return act_pass(is_xdp);

	if (proto == IPPROTO_TCP) {
		struct tcphdr *tcph;

		if (parse_tcp(&c, &tcph) < 0)
			goto skip;
		if (!quiet && tcph->syn && !tcph->rst) {
			cnt->syn_seen++;
			/* A global function, verified once (mss.h). */
			if (is_xdp)
				mtug_mss_xdp(ctx, l3_off, l4_off, l3_proto);
			else
				mtug_mss_tc(ctx, l3_off, l4_off, l3_proto);
		}
	} else if (proto != IPPROTO_UDP) {
		return act_pass(is_xdp);
	}

	/* TCP or UDP: forward by fib only if `ptb forward on`.  The global
	 * switch is checked here so the common case costs one array lookup. */
	if (hook == HOOK_TC_EGRESS)
		return TC_ACT_OK;
	gcfg = global_cfg_get();
	if (!gcfg || !gcfg->ptb_forward)
		return act_pass(is_xdp);
	/* A global function, verified once: inlined in XDP, the verifier
	 * walked the forward path once per parser path into it, which took
	 * older kernels' verifiers to their limit. */
	if (is_xdp)
		return mtug_fwd_xdp(ctx, l3_off, l4_off, l3_proto, proto);
	return mtug_fwd_tc(ctx, l3_off, l4_off, l3_proto, proto);
skip:
	if (!quiet)
		cnt->parse_skipped++;
	return act_pass(is_xdp);
}

/* Tag the frame for TC ingress (MTUG_META_DEFER or MTUG_META_CHECK) and
 * pass it.  If the driver has no metadata room the frame goes untagged:
 * TC ingress behind XDP leaves it alone, and the kernel forwards it by its
 * own choice. */
static __always_inline int xdp_defer(struct xdp_md *ctx, __u32 tag)
{
	void *data, *meta;

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(__u32)))
		return XDP_PASS;
	data = (void *)(long)ctx->data;
	meta = (void *)(long)ctx->data_meta;
	if (meta + sizeof(__u32) > data)
		return XDP_PASS;
	*(__u32 *)meta = tag;
	return XDP_PASS;
}

/* A frame mtuguard passes goes on to the program it shares the hook with
 * (attach --chain, --root-array), if any: a tail call does not come back,
 * so that program's verdict is the frame's.  An empty slot: XDP_PASS. */
static __always_inline int xdp_next(struct xdp_md *ctx)
{
	struct mtug_iface_cfg *icfg = iface_cfg_get(ctx->ingress_ifindex);

	if (icfg && icfg->attach & (MTUG_A_CHAIN | MTUG_A_ROOT))
		bpf_tail_call(ctx, &xdp_chain, icfg->slot);
	return XDP_PASS;
}

static __always_inline int xdp_run(struct xdp_md *ctx, bool chain)
{
	int act;

	act = process(ctx, (void *)(long)ctx->data, (void *)(long)ctx->data_end, HOOK_XDP, 0);
	/* Deferred frames go on too: the metadata for TC stays with them. */
	if (act == ACT_DEFER)
		act = xdp_defer(ctx, MTUG_META_DEFER);
	else if (act == ACT_DEFER_CHECK)
		act = xdp_defer(ctx, MTUG_META_CHECK);
	return chain && act == XDP_PASS ? xdp_next(ctx) : act;
}

SEC("xdp")
int mtuguard_xdp(struct xdp_md *ctx)
{
	return xdp_run(ctx, false);
}

/* The same on a shared hook (user/lib/share.h), a program of its own: a tail
 * call anywhere in a program makes the JIT carry the tail call count
 * through every bpf-to-bpf call of it, which the hook's sole owner need
 * not pay.  Loaded by the CLI only when a hook is shared. */
SEC("xdp")
int mtuguard_xdp_chain(struct xdp_md *ctx)
{
	return xdp_run(ctx, true);
}

static __always_inline int tc_verdict(int act)
{
	return act == TC_ACT_OK ? TC_ACT_UNSPEC : act;
}

static __always_inline int tc_run(struct __sk_buff *skb, enum hook hook, __u32 flags)
{
	__u32 len = skb->len;
	__u32 want = len < MTUG_TC_PULL_LEN ? len : MTUG_TC_PULL_LEN;
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	int act;

	if (data + want > data_end) {
		bpf_skb_pull_data(skb, want);
		data = (void *)(long)skb->data;
		data_end = (void *)(long)skb->data_end;
	}
	act = process(skb, data, data_end, hook, flags);
	/* ACT_DEFER* cannot come out of TC (it does what they defer). */
	return tc_verdict(act == ACT_DEFER || act == ACT_DEFER_CHECK ? TC_ACT_OK : act);
}

SEC("tc")
int mtuguard_tc_ingress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *meta = (void *)(long)skb->data_meta;
	struct mtug_iface_cfg *icfg = iface_cfg_get(skb->ifindex);
	__u32 flags = 0;

	if (!icfg)
		return TC_ACT_UNSPEC;
	/* fib mode: the kernel's ECMP must hash a flow by its 5-tuple, as
	 * bpf_fib_lookup() does for its ICMP errors.  With policy 1 the kernel
	 * uses skb->hash instead whenever one is set (a NIC's RSS hash, or a
	 * local sender's random txhash carried over veth), so clear it and let
	 * the flow dissector compute the 5-tuple hash. */
	if (icfg->ptb_mode == MTUG_PTB_FIB && (icfg->features & MTUG_F_PTB))
		bpf_set_hash_invalid(skb);
	if (meta + sizeof(__u32) <= data && *(__u32 *)meta == MTUG_META_DEFER)
		flags = RUN_DEFERRED;
	else if (meta + sizeof(__u32) <= data && *(__u32 *)meta == MTUG_META_CHECK)
		flags = RUN_CHECK;
	else if (icfg->attach & (MTUG_A_XDP_NATIVE | MTUG_A_XDP_GENERIC)) {
		/* XDP did the ingress work already. */
		if (icfg->ptb_mode != MTUG_PTB_BROADCAST)
			return TC_ACT_UNSPEC;
		flags = RUN_ICMP_ONLY;
	}
	return tc_run(skb, HOOK_TC_INGRESS, flags);
}

SEC("tc")
int mtuguard_tc_egress(struct __sk_buff *skb)
{
	return tc_run(skb, HOOK_TC_EGRESS, 0);
}
