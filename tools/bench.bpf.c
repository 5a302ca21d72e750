// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench.bpf.c - the helper programs of `make bench` (not part of mtuguard):
 *
 *   xdp_empty    returns XDP_PASS: the per-packet baseline, and the
 *                placeholder XDP program on the router's ingress veth in the
 *                kernel-forwarding rounds (a veth only runs NAPI, which
 *                XDP_TX / XDP_REDIRECT into it need, with an XDP program or
 *                GRO on; we keep GRO off everywhere).
 *   xdp_wrap     per-packet bench: restores the frame from a template,
 *                optionally bumps the prefix generation (wrap_new_gen) or
 *                forgets the reverse-path answer for the frame's IPv4
 *                addresses (wrap_rp_cold), then tail-calls jmp[0]
 *                (mtuguard_xdp or xdp_empty).
 *                bpf_prog_test_run with repeat runs a program N times on
 *                the *same* buffer, so without the restore every round
 *                after the first would see an already clamped MSS or a
 *                decremented TTL and measure another path.  The restore and
 *                the tail call cost the same in front of xdp_empty, which is
 *                what the overhead is measured against.
 *   xdp_gen      traffic generator for BPF_F_TEST_XDP_LIVE_FRAMES: writes a
 *                SYN or a data segment into the frame (live-mode pages are
 *                recycled with whatever the router wrote into them: TTL,
 *                MACs, MSS) and returns XDP_TX (out of the client's veth).
 *   xdp_sink     counts what reaches the sink, per CPU, and drops it; also
 *                counts SYNs and SYNs whose MSS arrived clamped, so a round
 *                proves the clamp really happened on the path measured.
 *   comp_*       the single operations the datapath is made of, each alone
 *                (per-packet bench, "components"): what a path costs can
 *                be read against what its helpers and lookups cost.  The
 *                maps are mtuguard's own (bench_pkt reuses their fds).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "proto.h"
#include "maps.h" /* mtuguard's maps, for the comp_* programs */
#include "pkt.h"  /* iface_cfg_get(), as the datapath looks an interface up */
#include "csum.h" /* csum_region(), as the PTB path checks a message */
#include "fib.h"  /* ttl_decrement(), fib_flags_v4(): as mtuguard steers */

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define BENCH_RESTORE_BIG   80 /* covers an IPv6 SYN's MSS option (74..77) */
#define BENCH_RESTORE_SMALL 64 /* every bench frame is at least this long */
#define BENCH_GEN_LEN       74 /* generator frame: eth + ip + tcp + 20 bytes */

/* ---- per-packet: restore, then tail call ------------------------------- */

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} jmp SEC(".maps");

__u8 restore_tmpl[BENCH_RESTORE_BIG];
/* 1: a new prefix generation before every run, so mtuguard's prefix_cache
 * never answers and every SYN asks the tries ("cache miss" classes).  The
 * same bump runs in front of xdp_empty, so its cost cancels. */
__u32 wrap_new_gen;
/* 1: empty the reverse-path cache's entry for the template's IPv4
 * addresses (an untagged frame's, at 26 and 30) before every run, so every
 * forwarded IPv4 frame looks its route back up ("rp cache miss" classes).
 * The same runs in front of xdp_empty. */
__u32 wrap_rp_cold;

SEC("xdp")
int xdp_empty(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp")
int xdp_wrap(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	if (data + BENCH_RESTORE_BIG <= data_end)
		__builtin_memcpy(data, restore_tmpl, BENCH_RESTORE_BIG);
	else if (data + BENCH_RESTORE_SMALL <= data_end)
		__builtin_memcpy(data, restore_tmpl, BENCH_RESTORE_SMALL);
	else
		return XDP_ABORTED;
	if (wrap_new_gen) {
		__u32 k = MTUG_SYNC_GEN, *g = bpf_map_lookup_elem(&prefix_sync, &k);

		if (g)
			*g = mtug_prefix_gen_next(*g);
	}
	if (wrap_rp_cold) {
		__u32 zero = 0, s, d;
		struct fib_scratch *fs = bpf_map_lookup_elem(&fib_scratch, &zero);

		__builtin_memcpy(&s, restore_tmpl + 26, 4);
		__builtin_memcpy(&d, restore_tmpl + 30, 4);
		if (fs)
			fs->rp_cache[rp_cache_slot(s, d)].dev = 0;
	}
	bpf_tail_call(ctx, &jmp, 0);
	return XDP_ABORTED; /* the tail call failed: the bench notices */
}

/* ---- traffic generator --------------------------------------------------- */

__u8 gen_syn[BENCH_GEN_LEN];
__u8 gen_data[BENCH_GEN_LEN];
__u32 gen_period = 1; /* one SYN every gen_period frames; 1 = SYN flood */
__u64 gen_seq;

SEC("xdp")
int xdp_gen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 period = gen_period;
	__u64 n = gen_seq++; /* one generator at a time: no atomics needed */

	if (data + BENCH_GEN_LEN > data_end)
		return XDP_ABORTED;
	if (period <= 1 || n % period == 0)
		__builtin_memcpy(data, gen_syn, BENCH_GEN_LEN);
	else
		__builtin_memcpy(data, gen_data, BENCH_GEN_LEN);
	return XDP_TX;
}

/* ---- sink counter ---------------------------------------------------------- */

struct sink_stats {
	__u64 packets;
	__u64 syn;
	__u64 syn_clamped; /* SYN whose first option is MSS <= sink_mss_max */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sink_stats);
} sink SEC(".maps");

__u32 sink_mss_max;

SEC("xdp")
int xdp_sink(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct sink_stats *s;
	struct ethhdr *eth = data;
	struct iphdr *iph = (void *)(eth + 1);
	struct tcphdr *th = (void *)(iph + 1);
	__u8 *opt = (void *)(th + 1);
	__u32 zero = 0;

	s = bpf_map_lookup_elem(&sink, &zero);
	if (!s)
		return XDP_DROP;
	s->packets++;
	/* Only the generator's own layout: IPv4 without options, TCP. */
	if ((void *)(opt + 4) > data_end || eth->h_proto != bpf_htons(0x0800) ||
	    iph->ihl != 5 || iph->protocol != 6)
		return XDP_DROP;
	if ((((__u8 *)th)[13] & 0x06) == 0x02) {
		s->syn++;
		if (opt[0] == 2 && opt[1] == 4 &&
		    (((__u32)opt[2] << 8) | opt[3]) <= sink_mss_max)
			s->syn_clamped++;
	}
	return XDP_DROP;
}

/* ---- components ------------------------------------------------------------ */

__u8 comp_v4[2][4];   /* the SYN's two ends */
__u8 comp_v6[2][16];
__u32 comp_ifindex;   /* for iface_cfg and the fib lookup */
__u32 comp_sink;      /* keeps results alive */

__noinline int comp_callee(struct xdp_md *ctx)
{
	return ctx->rx_queue_index == 12345;
}

SEC("xdp")
int comp_call(struct xdp_md *ctx)
{
	return comp_callee(ctx) ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int comp_hash(struct xdp_md *ctx)
{
	__u32 k = comp_ifindex;
	struct mtug_iface_cfg *c = bpf_map_lookup_elem(&iface_cfg, &k);

	return c ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int comp_iface(struct xdp_md *ctx)
{
	struct mtug_iface_cfg *c = iface_cfg_get(comp_ifindex);

	return c ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int comp_lpm4(struct xdp_md *ctx)
{
	struct mtug_lpm_v4_key k = { .prefixlen = 32 };
	struct mtug_mtu_val *a, *b;

	__builtin_memcpy(k.addr, comp_v4[0], 4);
	a = bpf_map_lookup_elem(&mtu_v4, &k);
	__builtin_memcpy(k.addr, comp_v4[1], 4);
	b = bpf_map_lookup_elem(&mtu_v4, &k);
	comp_sink = (a ? a->mtu : 0) + (b ? b->mtu : 0);
	return XDP_PASS;
}

SEC("xdp")
int comp_lpm6(struct xdp_md *ctx)
{
	struct mtug_lpm_v6_key k = { .prefixlen = 128 };
	struct mtug_mtu_val *a, *b;

	__builtin_memcpy(k.addr, comp_v6[0], 16);
	a = mtu_v6_lookup(&k, v6_top32(&k));
	__builtin_memcpy(k.addr, comp_v6[1], 16);
	b = mtu_v6_lookup(&k, v6_top32(&k));
	comp_sink = (a ? a->mtu : 0) + (b ? b->mtu : 0);
	return XDP_PASS;
}

SEC("xdp")
int comp_load_bytes(struct xdp_md *ctx)
{
	__u8 b[20];

	if (bpf_xdp_load_bytes(ctx, 34, b, sizeof(b)))
		return XDP_DROP;
	comp_sink = b[3];
	return XDP_PASS;
}

SEC("xdp")
int comp_csum64(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	if (data + 64 > data_end)
		return XDP_DROP;
	comp_sink = bpf_csum_diff(0, 0, data, 64, 0);
	return XDP_PASS;
}

SEC("xdp")
int comp_csum512(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	if (data + 512 > data_end)
		return XDP_DROP;
	comp_sink = bpf_csum_diff(0, 0, data, 512, 0);
	return XDP_PASS;
}

/* The PTB path's checksum check, as the datapath does it: csum_region()
 * over the ICMP message of the frame (IPv4, no options, so from byte 34
 * to the end of the IP length).  XDP_PASS only if it verifies. */
SEC("xdp")
int comp_csum_msg(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *iph = data + 14;
	int sum;

	if ((void *)(iph + 1) > data_end || bpf_ntohs(iph->tot_len) < 28)
		return XDP_DROP;
	sum = csum_region(data, data_end, 34, bpf_ntohs(iph->tot_len) - 20, 0);
	comp_sink = sum;
	return sum == 0xffff ? XDP_PASS : XDP_DROP;
}

/* The lookup a steered PTB makes: the reversed flow of the bench's PTB
 * (client -> server, TCP 40000 -> 80), the outer length of the message.
 * direct: as mtuguard makes it for IPv4 (fib_flags_v4(): the main table
 * straight while that is exact, the namespace's check included); else the
 * full lookup, ip rules and all. */
static __always_inline int comp_fib_lookup(struct xdp_md *ctx, bool v4, bool direct)
{
	struct bpf_fib_lookup fl = {};

	fl.ifindex = comp_ifindex;
	fl.l4_protocol = IPPROTO_TCP;
	fl.sport = bpf_htons(40000);
	fl.dport = bpf_htons(80);
	if (v4) {
		fl.family = AF_INET;
		fl.tot_len = 576;
		__builtin_memcpy(&fl.ipv4_src, comp_v4[1], 4);
		__builtin_memcpy(&fl.ipv4_dst, comp_v4[0], 4);
	} else {
		fl.family = AF_INET6;
		fl.tot_len = 1280;
		__builtin_memcpy(fl.ipv6_src, comp_v6[1], 16);
		__builtin_memcpy(fl.ipv6_dst, comp_v6[0], 16);
	}
	return bpf_fib_lookup(ctx, &fl, sizeof(fl), direct ? fib_flags_v4(rx_net(rx_dev(ctx, true))) : 0) ==
			       BPF_FIB_LKUP_RET_SUCCESS ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int comp_fib(struct xdp_md *ctx)
{
	return comp_fib_lookup(ctx, true, false);
}

SEC("xdp")
int comp_fib_direct(struct xdp_md *ctx)
{
	return comp_fib_lookup(ctx, true, true);
}

SEC("xdp")
int comp_fib6(struct xdp_md *ctx)
{
	return comp_fib_lookup(ctx, false, false);
}

SEC("xdp")
int comp_redirect(struct xdp_md *ctx)
{
	/* the verdict only: test_run does not carry the redirect out */
	return bpf_redirect(comp_ifindex, 0) == XDP_REDIRECT ? XDP_PASS : XDP_DROP;
}

/* The price of one helper call as such: bpf_get_numa_node_id() only reads
 * a per-CPU variable (the verifier does not inline it), so what this costs
 * over the empty program is the call and, above all, the return: on a CPU
 * with the SRSO "Safe RET" mitigation every kernel `ret` goes through a
 * return thunk.  bpf_fib_lookup() makes many such calls inside. */
SEC("xdp")
int comp_helper(struct xdp_md *ctx)
{
	comp_sink = bpf_get_numa_node_id();
	return XDP_PASS;
}

/* The least a steered PTB can cost: one program that does only what the
 * design asks of the 576-byte IPv4 Frag Needed the bench steers, with the
 * layout known in advance (no VLANs, no IP options, no IPv6): the ICMP
 * checksum over the whole message (csum_region, the fastest form found),
 * the quote's source against the outer destination, the MTU floor,
 * bpf_fib_lookup on the reversed quoted 5-tuple (the direct way where it
 * is exact, as mtuguard does: fib_flags_v4()), the TTL and MAC rewrite,
 * bpf_redirect.  Two programs run it, behind xdp_wrap (they rewrite the
 * frame), against xdp_wrap + xdp_empty:
 *   comp_ptb_min    nothing else: no configuration, no counters;
 *   comp_ptb_books  plus the bookkeeping the design cannot do without, in
 *                   its plainest form: the interface's settings (PTB
 *                   enabled, mode fib), the configured floor, and the
 *                   counters a steered PTB moves (packets, ptb_seen,
 *                   ptb_steered; global and per interface).
 * What mtuguard_xdp costs above comp_ptb_books is the price of its
 * generality (any frame, any quote); what comp_ptb_books costs above 150
 * ns is out of any implementation's hands on this machine. */
static __always_inline int ptb_min_body(struct xdp_md *ctx, bool books)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + 14;
	__u8 *icmp = data + 34;
	struct iphdr *q = data + 42;
	__be16 *qports = data + 62;
	struct mtug_iface_cfg *icfg;
	struct mtug_global_cfg *gcfg;
	struct fib_scratch *fs;
	struct bpf_fib_lookup *fl;
	struct counts cnt = {};
	__u32 zero = 0, len, floor = MTUG_PTB_FLOOR_V4;

	if (books) {
		icfg = iface_cfg_get(ctx->ingress_ifindex);
		gcfg = global_cfg_get();
		if (!icfg || !gcfg || !counts_get(&cnt, icfg, true))
			return XDP_PASS;
		cnt.all->packets++;
		if (!(icfg->features & MTUG_F_PTB) || icfg->ptb_mode != MTUG_PTB_FIB)
			return XDP_PASS;
		if (gcfg->ptb_min_mtu_v4)
			floor = gcfg->ptb_min_mtu_v4;
	}
	if ((void *)(qports + 2) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || iph->ihl != 5 ||
	    iph->protocol != IPPROTO_ICMP || icmp[0] != 3 || icmp[1] != 4)
		return XDP_PASS;
	if (books)
		COUNT(&cnt, ptb_seen);
	len = bpf_ntohs(iph->tot_len);
	if (len < 20 + 8 + 20 + 4 || len > 1500 ||
	    csum_region(data, data_end, 34, len - 20, 0) != 0xffff)
		return XDP_DROP;
	if (q->saddr != iph->daddr || q->ihl != 5 ||
	    (((__u32)icmp[6] << 8) | icmp[7]) < floor)
		return XDP_DROP;
	fs = bpf_map_lookup_elem(&fib_scratch, &zero);
	if (!fs)
		return XDP_DROP;
	fl = &fs->fwd;
	fl->family = AF_INET;
	fl->flowinfo = 0;
	fl->ifindex = ctx->ingress_ifindex;
	fl->l4_protocol = q->protocol;
	fl->sport = qports[1];
	fl->dport = qports[0];
	fl->tot_len = len;
	fl->ipv4_src = q->daddr;
	fl->ipv4_dst = q->saddr;
	if (bpf_fib_lookup(ctx, fl, sizeof(*fl), fib_flags_v4(rx_net(rx_dev(ctx, true)))) !=
	    BPF_FIB_LKUP_RET_SUCCESS)
		return XDP_PASS;
	/* packet pointers are void after a helper that may change the frame */
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	if ((void *)(eth + 1) > data_end || ttl_decrement(data, data_end, 14, 1))
		return XDP_PASS;
	__builtin_memcpy(eth->h_dest, fl->dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, fl->smac, ETH_ALEN);
	if (books)
		COUNT(&cnt, ptb_steered);
	return bpf_redirect(fl->ifindex, 0);
}

SEC("xdp")
int comp_ptb_min(struct xdp_md *ctx)
{
	return ptb_min_body(ctx, false);
}

SEC("xdp")
int comp_ptb_books(struct xdp_md *ctx)
{
	return ptb_min_body(ctx, true);
}
