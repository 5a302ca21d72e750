// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * fixtures_jumbo.c - frames longer than one buffer (docs/design.md "Parsing":
 * multi-buffer frames; jumbo frames up to MTU 9000).
 *
 * test_run gives a multi-buffer XDP program the first 3520 bytes of a
 * longer frame between data and data_end and the rest in fragments
 * (harness.h, harness_xdp_buf_len), as a driver does with a 9000-byte
 * frame.  TC's test_run takes at most about 3.7 KB, always linear.  So:
 *  - 9000-byte frames run through XDP only;
 *  - frames of about 3.6 KB run through every program: multi-buffer in
 *    XDP, one linear skb in TC, which is how TC may see them too;
 *  - where the kernel has no multi-buffer XDP, the XDP cases of frames
 *    over 3520 bytes SKIP (the kernel refuses them, as drivers refuse a
 *    single-buffer program on a jumbo MTU).
 * What XDP does with a multi-buffer frame: it reads headers only in the
 * first buffer (a header past it: parse_skipped, untouched); a SYN whose
 * TCP header and options are there is clamped whatever follows (the
 * checksum update is incremental); a PTB whose message runs past it is
 * passed untouched, counted frags_passed, if no longer than a message
 * mtuguard checks (1536 bytes), and invalid if longer; `ptb forward on`
 * leaves a packet longer than the first buffer to the stack
 * (frags_passed).
 *
 * Unless a case says otherwise: MSS and PTB on, default MTU 1400 (target
 * MSS 1360 / 1340), PTB mode off.
 */
#include <string.h>

#include "harness.h"

#define MSS4 1360
#define MSS6 1340
#define DEF_CFG { .global = { .default_mtu = 1400 } }
#define LINUX_OPTS TO_MSS(1460), TO_SACKOK, TO_TS(0x01020304, 0), TO_NOP, TO_WS(7)

/* Frame lengths: Ethernet 14, IPv4 20 / IPv6 40, TCP 20 (+ options),
 * UDP 8, ICMP 8. */
#define TCP4_FRAME(n) ((n) - 14 - 20 - 20)
#define TCP6_FRAME(n) ((n) - 14 - 40 - 20)
#define SYN4_FRAME(n) ((n) - 14 - 20 - 40) /* LINUX_OPTS: 20 bytes of options */
#define SYN6_FRAME(n) ((n) - 14 - 40 - 40)

#define ACK4(n, ...) { .l3 = L3_V4, .ip4 = { __VA_ARGS__ }, .l4 = L4_TCP, \
	.tcp = { .flags = TH_ACK | TH_PSH, .seq = 7, .ack = 9 }, .fill = TCP4_FRAME(n) }
/* n bytes of frame, then t bytes after the IP packet. */
#define ACK4_TRAILER(n, t, ...) { .l3 = L3_V4, .ip4 = { __VA_ARGS__ }, .l4 = L4_TCP, \
	.tcp = { .flags = TH_ACK | TH_PSH, .seq = 7, .ack = 9 }, .fill = TCP4_FRAME(n), \
	.trailer = (t) }
#define ACK6(n, ...) { .l3 = L3_V6, .ip6 = { __VA_ARGS__ }, .l4 = L4_TCP, \
	.tcp = { .flags = TH_ACK | TH_PSH, .seq = 7, .ack = 9 }, .fill = TCP6_FRAME(n) }
#define SYN4(n, ...) { .l3 = L3_V4, .l4 = L4_TCP, \
	.tcp = { .flags = TH_SYN, TCP_OPTS(LINUX_OPTS), __VA_ARGS__ }, .fill = SYN4_FRAME(n) }
#define SYN6(n, ...) { .l3 = L3_V6, .l4 = L4_TCP, \
	.tcp = { .flags = TH_SYN, TCP_OPTS(LINUX_OPTS), __VA_ARGS__ }, .fill = SYN6_FRAME(n) }

#define CNT(...)     { .packets = 1, __VA_ARGS__ }
#define C_NONE       CNT()
#define C_CLAMPED    CNT(.syn_seen = 1, .mss_clamped = 1)
#define C_SKIPPED    CNT(.parse_skipped = 1)
#define C_SEEN       CNT(.ptb_seen = 1)
#define C_INVALID    CNT(.ptb_seen = 1, .ptb_invalid = 1)
#define C_FRAGS      CNT(.frags_passed = 1)
#define C_PTB_FRAGS  CNT(.ptb_seen = 1, .frags_passed = 1)
#define C_FWD        CNT(.fwd_steered = 1)

/* bpf/act.h's MTUG_META_CHECK ("MTGC"): XDP hands TC ingress an ICMP
 * error it cannot check in its first buffer. */
#define META_CHECK 0x4d544743

#define PASSES(...)  { .verdict = VERDICT_PASS, .cnt = __VA_ARGS__ }
#define DROPS(...)   { .verdict = VERDICT_DROP, .cnt = __VA_ARGS__ }
#define CLAMPED(at, v, ...) { .verdict = VERDICT_PASS, CLAMP_AT(at, v), .cnt = __VA_ARGS__ }

/* TC egress leaves ICMP alone and forwards nothing. */
static const struct expect e_egress = PASSES(C_NONE);
#define EGRESS .exp_on = { [PROG_TC_EGRESS] = &e_egress }

/* ---- forwarded out of mtg_jumbo (MTU 9000) ---------------------------------- */

static void edit_ttl(struct pkt *p)
{
	const struct pkt_layer *ip = NULL;
	__u32 sum = 0;

	for (int i = 0; i < p->nlayers && !ip; i++)
		if (p->layer[i].kind == PL_IPV4 || p->layer[i].kind == PL_IPV6)
			ip = &p->layer[i];
	if (!ip)
		return;
	if (ip->kind == PL_IPV6) {
		p->data[ip->off + 7]--;
		return;
	}
	p->data[ip->off + 8]--;
	pkt_put16(p, ip->off + 10, 0);
	for (size_t i = 0; i < 20; i += 2)
		sum += pkt_get16(p, ip->off + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	pkt_put16(p, ip->off + 10, (__u16)~sum);
}

/* To the gateway behind mtg_jumbo, from mtg_jumbo, TTL - 1. */
static void edit_jumbo(struct pkt *p)
{
	static const __u8 gw[6] = NS_GW_JUMBO_MAC, dev[6] = NS_JUMBO_MAC;

	memcpy(p->data, gw, 6);
	memcpy(p->data + 6, dev, 6);
	edit_ttl(p);
}

#define VIA_JUMBO(c) { .verdict = VERDICT_REDIRECT, .edit = edit_jumbo, .cnt = c }

/* ---- PTBs ------------------------------------------------------------------------ */

#define ROUTER4 "192.0.2.254"
#define ROUTER6 "2001:db8:ff::1"

/* What a VIP sent to the client, quoted: n bytes of IP packet. */
#define QUOTE4(vip, n) { .no_eth = true, .l3 = L3_V4, .l4 = L4_TCP, \
	.ip4 = { .src = vip, .dst = PKT_DEF_V4_SRC, .frag = PKT_IP_DF }, \
	.tcp = { .sport = 80, .dport = 40000, .seq = 1, .ack = 1, .flags = TH_ACK }, \
	.fill = (n) - 40 }
#define QUOTE6(vip, n) { .no_eth = true, .l3 = L3_V6, .l4 = L4_TCP, \
	.ip6 = { .src = vip, .dst = PKT_DEF_V6_SRC }, \
	.tcp = { .sport = 80, .dport = 40000, .seq = 1, .ack = 1, .flags = TH_ACK }, \
	.fill = (n) - 60 }

/* 9000-byte IP packets: the errors quote 8972 / 8952 bytes. */
static const struct pkt_spec q4_8972 = QUOTE4(PKT_DEF_V4_DST, 8972);
static const struct pkt_spec q6_8952 = QUOTE6(PKT_DEF_V6_DST, 8952);
/* A 3600-byte frame: 3558 bytes quoted. */
static const struct pkt_spec q4_3558 = QUOTE4(PKT_DEF_V4_DST, 3558);
/* A 1002-byte quote behind 2536 bytes of outer extension headers: the
 * 1010-byte message runs from 2590 to 3600, across the first buffer's end. */
static const struct pkt_spec q6_1002 = QUOTE6(PKT_DEF_V6_DST, 1002);
static const struct pkt_spec q6_1002_jumbo = QUOTE6(NS_JUMBO6, 1002);
/* A short quote, behind 3.5 KB of extension headers. */
static const struct pkt_spec q6_100 = QUOTE6(PKT_DEF_V6_DST, 100);
/* A PTB as usual: 568 bytes, in the first buffer. */
static const struct pkt_spec q4_540 = QUOTE4(PKT_DEF_V4_DST, 540);
/* The same from a VIP behind mtg_jumbo. */
static const struct pkt_spec q4_540_jumbo = QUOTE4(NS_JUMBO4, 540);

#define FN4(q) .l4 = L4_ICMP, .icmp = { .type = 3, .code = 4, .rest = 1400, .inner = &(q) }
#define TB6(q, ...) .l4 = L4_ICMP, \
	.icmp = { .type = 2, .rest = 1280, .inner = &(q), __VA_ARGS__ }
/* Hop-by-Hop of 2048 bytes, Destination Options of 488. */
#define BIG_EXT .n_ext = 2, .ext = { { IPPROTO_HOPOPTS, 255 }, { IPPROTO_DSTOPTS, 60 } }
/* The same length without a Hop-by-Hop header, which fib mode leaves to
 * the stack (never laxer than the kernel: every router reads it). */
#define BIG_DST_EXT .n_ext = 2, .ext = { { IPPROTO_DSTOPTS, 255 }, { IPPROTO_DSTOPTS, 60 } }

#define DROP_INVALID { .global = { .ptb_invalid = MTUG_INVALID_DROP } }
#define FWD_ON { .ptb_mode = MTUG_PTB_FIB, .global = { .ptb_forward = 1, .default_mtu = 1400 } }
/* The same, with mtuguard on mtg_jumbo too, whose driver does (SG) or
 * does not (NO_SG: plain XDP transmits only) send multi-buffer frames. */
#define XMIT        4  /* NETDEV_XDP_ACT_NDO_XMIT */
#define FWD_ON_SG { .ptb_mode = MTUG_PTB_FIB, .jumbo_attached = true, \
	.jumbo_xdp_features = XMIT | MTUG_XDP_ACT_NDO_XMIT_SG, \
	.global = { .ptb_forward = 1, .default_mtu = 1400 } }
#define FWD_ON_NO_SG { .ptb_mode = MTUG_PTB_FIB, .jumbo_attached = true, \
	.jumbo_xdp_features = XMIT, .global = { .ptb_forward = 1, .default_mtu = 1400 } }

/* TC: a valid PTB, steered out of mtg_jumbo. */
static const struct expect e_ptb_via_jumbo = VIA_JUMBO(CNT(.ptb_seen = 1, .ptb_steered = 1));
static const struct expect e_tc_seen = PASSES(C_SEEN);
static const struct expect e_tc_invalid_drop = DROPS(C_INVALID);
static const struct expect e_tc_invalid = PASSES(C_INVALID);
static const struct expect e_tc_fwd_jumbo = VIA_JUMBO(C_FWD);
static const struct expect e_tc_clamped6 = CLAMPED(0, MSS6, C_CLAMPED);

static const struct fixture fixtures[] = {
	/* ==== untouched at every size ======================================== */
	/* Exactly the first buffer, one byte past it, a page, 9000 bytes of IP. */
	{ .name = "jumbo_v4_tcp_frame_3520", .pkt = ACK4(3520), .exp = PASSES(C_NONE) },
	{ .name = "jumbo_v4_tcp_frame_3521", .pkt = ACK4(3521), .exp = PASSES(C_NONE) },
	{ .name = "jumbo_v6_tcp_frame_3600", .pkt = ACK6(3600), .exp = PASSES(C_NONE) },
	{ .name = "jumbo_v4_tcp_frame_4096", .progs = ON_XDP, .pkt = ACK4(4096),
	  .exp = PASSES(C_NONE) },
	{ .name = "jumbo_v4_tcp_frame_7041", .progs = ON_XDP, .pkt = ACK4(7041),
	  .exp = PASSES(C_NONE) },
	{ .name = "jumbo_v4_tcp_9000", .progs = ON_XDP, .pkt = ACK4(9014),
	  .exp = PASSES(C_NONE) },
	{ .name = "jumbo_v6_tcp_9000", .progs = ON_XDP, .pkt = ACK6(9014),
	  .exp = PASSES(C_NONE) },
	{ .name = "jumbo_v4_tcp_9000_vlan", .progs = ON_XDP,
	  .pkt = { .vlan = { { 0x8100, 100 } }, .l3 = L3_V4, .l4 = L4_TCP,
		   .tcp = { .flags = TH_ACK }, .fill = 8960 },
	  .exp = PASSES(C_NONE) },
	{ .name = "jumbo_v4_udp_9000", .progs = ON_XDP,
	  .pkt = { .l3 = L3_V4, .l4 = L4_UDP, .fill = 9000 - 28 }, .exp = PASSES(C_NONE) },
	{ .name = "jumbo_v6_udp_9000", .progs = ON_XDP,
	  .pkt = { .l3 = L3_V6, .l4 = L4_UDP, .fill = 9000 - 48 }, .exp = PASSES(C_NONE) },
	/* Not an error: a fine thing to be big. */
	{ .name = "jumbo_v4_icmp_echo_9000", .progs = ON_XDP,
	  .pkt = { .l3 = L3_V4, .l4 = L4_ICMP, .icmp = { .type = 8, .rest = 0x12340001 },
		   .fill = 9000 - 28 },
	  .exp = PASSES(C_NONE) },
	{ .name = "jumbo_v6_icmp_echo_9000", .progs = ON_XDP,
	  .pkt = { .l3 = L3_V6, .l4 = L4_ICMP, .icmp = { .type = 128, .rest = 0x12340001 },
		   .fill = 9000 - 48 },
	  .exp = PASSES(C_NONE) },

	/* ==== SYNs with data: clamped, checksum valid ========================== */
	{ .name = "jumbo_v4_syn_8000_bytes_of_data", .progs = ON_XDP,
	  .pkt = { .l3 = L3_V4, .l4 = L4_TCP, .tcp = { .flags = TH_SYN, TCP_OPTS(LINUX_OPTS) },
		   .fill = 8000 },
	  .cfg = DEF_CFG, .exp = CLAMPED(0, MSS4, C_CLAMPED) },
	{ .name = "jumbo_v6_syn_8000_bytes_of_data", .progs = ON_XDP,
	  .pkt = { .l3 = L3_V6, .l4 = L4_TCP, .tcp = { .flags = TH_SYN, TCP_OPTS(LINUX_OPTS) },
		   .fill = 8000 },
	  .cfg = DEF_CFG, .exp = CLAMPED(0, MSS6, C_CLAMPED) },
	{ .name = "jumbo_v4_syn_ack_9000", .progs = ON_XDP,
	  .pkt = SYN4(9014, .flags = TH_SYN | TH_ACK, .ack = 1000),
	  .cfg = DEF_CFG, .exp = CLAMPED(0, MSS4, C_CLAMPED) },
	/* Multi-buffer in XDP, linear in TC. */
	{ .name = "jumbo_v4_syn_frame_3600", .pkt = SYN4(3600),
	  .cfg = DEF_CFG, .exp = CLAMPED(0, MSS4, C_CLAMPED) },
	{ .name = "jumbo_v6_syn_frame_3600", .pkt = SYN6(3600),
	  .cfg = DEF_CFG, .exp = CLAMPED(0, MSS6, C_CLAMPED) },
	/* CHECKSUM_PARTIAL (a local sender over veth, generic XDP; TCP Fast
	 * Open puts kilobytes of data in a SYN): too long to sum, the field
	 * matching the pseudo-header sum says partial, so XDP writes the MSS
	 * and keeps the field.  TC knows ip_summed (test_tc_csum_offload.sh). */
	{ .name = "jumbo_v4_syn_8000_bytes_csum_partial", .progs = ON_XDP,
	  .pkt = { .l3 = L3_V4, .l4 = L4_TCP,
		   .tcp = { .flags = TH_SYN, TCP_OPTS(LINUX_OPTS), .csum_partial = 1 },
		   .fill = 8000 },
	  .cfg = DEF_CFG, .exp = CLAMPED(0, MSS4, C_CLAMPED) },
	{ .name = "jumbo_v6_syn_2000_bytes_csum_partial", .progs = ON_XDP,
	  .pkt = { .l3 = L3_V6, .l4 = L4_TCP,
		   .tcp = { .flags = TH_SYN, TCP_OPTS(LINUX_OPTS), .csum_partial = 1 },
		   .fill = 2000 },
	  .cfg = DEF_CFG, .exp = CLAMPED(0, MSS6, C_CLAMPED) },
	/* The TCP header past the first buffer (3.5 KB of extension
	 * headers), or its options across the end of it: XDP cannot read
	 * them, leaves the SYN untouched and counts it; TC, linear, clamps. */
	{ .name = "jumbo_v6_syn_header_in_second_buffer",
	  .pkt = { .l3 = L3_V6, .ip6 = { .n_ext = 2, .ext = { { IPPROTO_HOPOPTS, 255 },
							      { IPPROTO_DSTOPTS, 180 } } },
		   .l4 = L4_TCP, .tcp = { .flags = TH_SYN, TCP_OPTS(LINUX_OPTS) } },
	  .cfg = DEF_CFG, .exp = PASSES(C_SKIPPED),
	  .exp_on = { [PROG_TC_INGRESS] = &e_tc_clamped6, [PROG_TC_EGRESS] = &e_tc_clamped6 } },
	{ .name = "jumbo_v6_syn_options_across_buffers",
	  .pkt = { .l3 = L3_V6, .ip6 = { .n_ext = 2, .ext = { { IPPROTO_HOPOPTS, 255 },
							      { IPPROTO_DSTOPTS, 173 } } },
		   .l4 = L4_TCP, .tcp = { .flags = TH_SYN, TCP_OPTS(LINUX_OPTS) }, .fill = 100 },
	  .cfg = DEF_CFG, .exp = PASSES(C_SKIPPED),
	  .exp_on = { [PROG_TC_INGRESS] = &e_tc_clamped6, [PROG_TC_EGRESS] = &e_tc_clamped6 } },

	/* ==== PTBs ============================================================== */
	/* A usual PTB at the front of a multi-buffer frame (8 KB of trailing
	 * bytes behind the datagram): validated from the first buffer. */
	{ .name = "jumbo_v4_ptb_then_8000_trailing_bytes", .progs = ON_XDP,
	  .pkt = { .l3 = L3_V4, .ip4 = { .src = ROUTER4, .dst = PKT_DEF_V4_DST,
					 .tot_len_override = 20 + 8 + 540 },
		   FN4(q4_540), .fill = 8000 },
	  .exp = PASSES(C_SEEN) },
	/* A message of a length mtuguard checks, across the first buffer's
	 * end: passed untouched and counted, never invalid, never dropped. */
	{ .name = "jumbo_v6_ptb_across_buffers",
	  .pkt = { .l3 = L3_V6, .ip6 = { .src = ROUTER6, .dst = PKT_DEF_V6_DST, BIG_EXT },
		   TB6(q6_1002) },
	  .exp = PASSES(C_PTB_FRAGS), .exp_on = { [PROG_TC_INGRESS] = &e_tc_seen,
						  [PROG_TC_EGRESS] = &e_egress } },
	{ .name = "jumbo_v6_ptb_across_buffers_invalid_drop", .cfg = DROP_INVALID,
	  .pkt = { .l3 = L3_V6, .ip6 = { .src = ROUTER6, .dst = PKT_DEF_V6_DST, BIG_EXT },
		   TB6(q6_1002) },
	  .exp = PASSES(C_PTB_FRAGS), .exp_on = { [PROG_TC_INGRESS] = &e_tc_seen,
						  [PROG_TC_EGRESS] = &e_egress } },
	/* ... even a bad one: XDP cannot tell, the stack checks it again. */
	{ .name = "jumbo_v6_ptb_across_buffers_bad_csum_drop", .cfg = DROP_INVALID,
	  .pkt = { .l3 = L3_V6, .ip6 = { .src = ROUTER6, .dst = PKT_DEF_V6_DST, BIG_EXT },
		   TB6(q6_1002, .csum_delta = 1) },
	  .exp = PASSES(C_PTB_FRAGS), .exp_on = { [PROG_TC_INGRESS] = &e_tc_invalid_drop,
						  [PROG_TC_EGRESS] = &e_egress } },
	/* fib mode: XDP counts it seen and tags it for TC ingress, which
	 * validates it whole and steers it out of the jumbo link (as TC
	 * alone, without XDP in front, does here). */
	{ .name = "jumbo_v6_ptb_across_buffers_fib", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB },
	  .pkt = { .l3 = L3_V6, .ip6 = { .src = ROUTER6, .dst = NS_JUMBO6, BIG_DST_EXT },
		   TB6(q6_1002_jumbo) },
	  .exp = { .verdict = VERDICT_PASS, .cnt = C_SEEN, .xdp_meta = META_CHECK },
	  .exp_on = { [PROG_TC_INGRESS] = &e_ptb_via_jumbo, [PROG_TC_EGRESS] = &e_egress } },
	/* The same with a bad checksum: XDP cannot tell, TC finds it. */
	{ .name = "jumbo_v6_ptb_across_buffers_fib_bad_csum", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB },
	  .pkt = { .l3 = L3_V6, .ip6 = { .src = ROUTER6, .dst = NS_JUMBO6, BIG_DST_EXT },
		   TB6(q6_1002_jumbo, .csum_delta = 1) },
	  .exp = { .verdict = VERDICT_PASS, .cnt = C_SEEN, .xdp_meta = META_CHECK },
	  .exp_on = { [PROG_TC_INGRESS] = &e_tc_invalid, [PROG_TC_EGRESS] = &e_egress } },
	/* The ICMP header past the first buffer, or across its end: XDP
	 * cannot read it, leaves the frame untouched and counts it; TC,
	 * linear, finds a valid PTB. */
	{ .name = "jumbo_v6_icmp_header_in_second_buffer",
	  .pkt = { .l3 = L3_V6, .ip6 = { .src = ROUTER6, .dst = PKT_DEF_V6_DST, .n_ext = 2,
					 .ext = { { IPPROTO_HOPOPTS, 255 },
						  { IPPROTO_DSTOPTS, 184 } } },
		   TB6(q6_100) },
	  .exp = PASSES(C_SKIPPED), .exp_on = { [PROG_TC_INGRESS] = &e_tc_seen,
						[PROG_TC_EGRESS] = &e_egress } },
	{ .name = "jumbo_v6_icmp_header_across_buffers",
	  .pkt = { .l3 = L3_V6, .ip6 = { .src = ROUTER6, .dst = PKT_DEF_V6_DST, .n_ext = 2,
					 .ext = { { IPPROTO_HOPOPTS, 255 },
						  { IPPROTO_DSTOPTS, 176 } } },
		   TB6(q6_100) },
	  .exp = PASSES(C_SKIPPED), .exp_on = { [PROG_TC_INGRESS] = &e_tc_seen,
						[PROG_TC_EGRESS] = &e_egress } },
	/* Hostile: ICMP errors of 3.6 and 9 KB, longer than any message
	 * mtuguard checks: invalid however they are buffered, dropped under
	 * `ptb invalid drop`, as in TC. */
	{ .name = "jumbo_v4_ptb_frame_3600",
	  .pkt = { .l3 = L3_V4, .ip4 = { .src = ROUTER4, .dst = PKT_DEF_V4_DST }, FN4(q4_3558) },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "jumbo_v4_ptb_frame_3600_drop", .cfg = DROP_INVALID,
	  .pkt = { .l3 = L3_V4, .ip4 = { .src = ROUTER4, .dst = PKT_DEF_V4_DST }, FN4(q4_3558) },
	  .exp = DROPS(C_INVALID), EGRESS },
	{ .name = "jumbo_v4_ptb_9000", .progs = ON_XDP,
	  .pkt = { .l3 = L3_V4, .ip4 = { .src = ROUTER4, .dst = PKT_DEF_V4_DST }, FN4(q4_8972) },
	  .exp = PASSES(C_INVALID) },
	{ .name = "jumbo_v4_ptb_9000_drop", .progs = ON_XDP, .cfg = DROP_INVALID,
	  .pkt = { .l3 = L3_V4, .ip4 = { .src = ROUTER4, .dst = PKT_DEF_V4_DST }, FN4(q4_8972) },
	  .exp = DROPS(C_INVALID) },
	{ .name = "jumbo_v6_ptb_9000_drop", .progs = ON_XDP, .cfg = DROP_INVALID,
	  .pkt = { .l3 = L3_V6, .ip6 = { .src = ROUTER6, .dst = PKT_DEF_V6_DST }, TB6(q6_8952) },
	  .exp = DROPS(C_INVALID) },
	{ .name = "jumbo_v4_ptb_9000_fib", .progs = ON_XDP, .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB },
	  .pkt = { .l3 = L3_V4, .ip4 = { .src = ROUTER4, .dst = PKT_DEF_V4_DST }, FN4(q4_8972) },
	  .exp = PASSES(C_INVALID) },
	/* The IP length says 9000, the frame holds 4000: cut, invalid. */
	{ .name = "jumbo_v4_ptb_9000_cut_at_4000", .progs = ON_XDP,
	  .pkt = { .l3 = L3_V4, .ip4 = { .src = ROUTER4, .dst = PKT_DEF_V4_DST }, FN4(q4_8972),
		   .truncate = 4000 },
	  .exp = PASSES(C_INVALID) },

	/* ==== `ptb forward on` =================================================== */
	/* Whole in the first buffer: redirected, by XDP too. */
	{ .name = "jumbo_v4_fwd_tcp_frame_3000", .netns = true, .cfg = FWD_ON,
	  .pkt = ACK4(3000, .dst = NS_JUMBO4), .exp = VIA_JUMBO(C_FWD), EGRESS },
	/* Longer than the first buffer, for a device mtuguard is not attached
	 * to (so nothing says it takes multi-buffer frames): XDP leaves it to
	 * the stack, which forwards it; TC ingress (no XDP in front)
	 * redirects it. */
	{ .name = "jumbo_v4_fwd_tcp_frame_3600", .netns = true, .cfg = FWD_ON,
	  .pkt = ACK4(3600, .dst = NS_JUMBO4), .exp = PASSES(C_FRAGS),
	  .exp_on = { [PROG_TC_INGRESS] = &e_tc_fwd_jumbo, [PROG_TC_EGRESS] = &e_egress } },
	{ .name = "jumbo_v6_fwd_tcp_frame_3600", .netns = true, .cfg = FWD_ON,
	  .pkt = ACK6(3600, .dst = NS_JUMBO6), .exp = PASSES(C_FRAGS),
	  .exp_on = { [PROG_TC_INGRESS] = &e_tc_fwd_jumbo, [PROG_TC_EGRESS] = &e_egress } },
	{ .name = "jumbo_v4_fwd_tcp_9000", .progs = ON_XDP, .netns = true, .cfg = FWD_ON,
	  .pkt = ACK4(9014, .dst = NS_JUMBO4), .exp = PASSES(C_FRAGS) },
	{ .name = "jumbo_v6_fwd_tcp_9000", .progs = ON_XDP, .netns = true, .cfg = FWD_ON,
	  .pkt = ACK6(9014, .dst = NS_JUMBO6), .exp = PASSES(C_FRAGS) },
	{ .name = "jumbo_v4_fwd_udp_9000", .progs = ON_XDP, .netns = true, .cfg = FWD_ON,
	  .pkt = { .l3 = L3_V4, .ip4 = { .dst = NS_JUMBO4 }, .l4 = L4_UDP, .fill = 9000 - 28 },
	  .exp = PASSES(C_FRAGS) },
	/* Behind the 1500-byte mtg_out: too big for the route, the stack
	 * answers. */
	{ .name = "jumbo_v4_fwd_tcp_9000_small_egress", .progs = ON_XDP, .netns = true,
	  .cfg = FWD_ON, .pkt = ACK4(9014), .exp = PASSES(C_NONE) },
	/* For a device that sends multi-buffer frames: redirected by XDP,
	 * every buffer as it came but the MACs and the TTL. */
	{ .name = "jumbo_v4_fwd_tcp_9000_to_sg_device", .progs = ON_XDP, .netns = true,
	  .cfg = FWD_ON_SG, .pkt = ACK4(9014, .dst = NS_JUMBO4), .exp = VIA_JUMBO(C_FWD) },
	{ .name = "jumbo_v6_fwd_tcp_9000_to_sg_device", .progs = ON_XDP, .netns = true,
	  .cfg = FWD_ON_SG, .pkt = ACK6(9014, .dst = NS_JUMBO6), .exp = VIA_JUMBO(C_FWD) },
	{ .name = "jumbo_v4_fwd_udp_9000_to_sg_device", .progs = ON_XDP, .netns = true,
	  .cfg = FWD_ON_SG,
	  .pkt = { .l3 = L3_V4, .ip4 = { .dst = NS_JUMBO4 }, .l4 = L4_UDP, .fill = 9000 - 28 },
	  .exp = VIA_JUMBO(C_FWD) },
	{ .name = "jumbo_v4_fwd_tcp_frame_3600_to_sg_device", .progs = ON_XDP, .netns = true,
	  .cfg = FWD_ON_SG, .pkt = ACK4(3600, .dst = NS_JUMBO4), .exp = VIA_JUMBO(C_FWD) },
	/* For one whose XDP transmit takes single buffers only: the stack's. */
	{ .name = "jumbo_v4_fwd_tcp_9000_to_no_sg_device", .progs = ON_XDP, .netns = true,
	  .cfg = FWD_ON_NO_SG, .pkt = ACK4(9014, .dst = NS_JUMBO4), .exp = PASSES(C_FRAGS) },
	{ .name = "jumbo_v6_fwd_tcp_9000_to_no_sg_device", .progs = ON_XDP, .netns = true,
	  .cfg = FWD_ON_NO_SG, .pkt = ACK6(9014, .dst = NS_JUMBO6), .exp = PASSES(C_FRAGS) },
	/* The IP packet fits the first buffer, the frame does not (trailing
	 * bytes in a second buffer): still a multi-buffer frame. */
	{ .name = "jumbo_v4_fwd_tcp_3000_trailer_1000", .progs = ON_XDP, .netns = true,
	  .cfg = FWD_ON, .pkt = ACK4_TRAILER(3000, 1000, .dst = NS_JUMBO4),
	  .exp = PASSES(C_FRAGS) },
	{ .name = "jumbo_v4_fwd_tcp_3000_trailer_1000_to_no_sg_device", .progs = ON_XDP,
	  .netns = true, .cfg = FWD_ON_NO_SG,
	  .pkt = ACK4_TRAILER(3000, 1000, .dst = NS_JUMBO4), .exp = PASSES(C_FRAGS) },
	{ .name = "jumbo_v4_fwd_tcp_3000_trailer_1000_to_sg_device", .progs = ON_XDP,
	  .netns = true, .cfg = FWD_ON_SG,
	  .pkt = ACK4_TRAILER(3000, 1000, .dst = NS_JUMBO4), .exp = VIA_JUMBO(C_FWD) },
	/* A PTB about a flow behind mtg_jumbo, in a frame with trailing bytes
	 * in a second buffer: steered only to a device that takes it. */
	{ .name = "jumbo_v4_ptb_fib_trailer_3000", .progs = ON_XDP, .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB },
	  .pkt = { .l3 = L3_V4, .ip4 = { .src = ROUTER4, .dst = NS_JUMBO4 }, FN4(q4_540_jumbo),
		   .trailer = 3000 },
	  .exp = PASSES(C_PTB_FRAGS) },
	{ .name = "jumbo_v4_ptb_fib_trailer_3000_to_sg_device", .progs = ON_XDP, .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB, .jumbo_attached = true,
		   .jumbo_xdp_features = XMIT | MTUG_XDP_ACT_NDO_XMIT_SG },
	  .pkt = { .l3 = L3_V4, .ip4 = { .src = ROUTER4, .dst = NS_JUMBO4 }, FN4(q4_540_jumbo),
		   .trailer = 3000 },
	  .exp = VIA_JUMBO(CNT(.ptb_seen = 1, .ptb_steered = 1)) },
	/* A SYN with 8 KB of data: clamped, then left to the stack. */
	{ .name = "jumbo_v4_fwd_syn_8000_bytes_of_data", .progs = ON_XDP, .netns = true,
	  .cfg = FWD_ON,
	  .pkt = { .l3 = L3_V4, .ip4 = { .dst = NS_JUMBO4 }, .l4 = L4_TCP,
		   .tcp = { .flags = TH_SYN, TCP_OPTS(LINUX_OPTS) }, .fill = 8000 },
	  .exp = CLAMPED(0, MSS4, CNT(.syn_seen = 1, .mss_clamped = 1, .frags_passed = 1)) },
	/* Shorter than its IP length: to the stack (which drops it), not
	 * counted as spanning buffers. */
	{ .name = "jumbo_v4_fwd_tcp_9000_cut_at_4000", .progs = ON_XDP, .netns = true,
	  .cfg = FWD_ON, .pkt = { .l3 = L3_V4, .ip4 = { .dst = NS_JUMBO4 }, .l4 = L4_TCP,
				  .tcp = { .flags = TH_ACK }, .fill = 8960, .truncate = 4000 },
	  .exp = PASSES(C_NONE) },
};

const struct fixture_set jumbo_fixtures = {
	.name = "jumbo",
	.f = fixtures,
	.n = sizeof(fixtures) / sizeof(fixtures[0]),
};
