// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * fixtures_ptb.c - ICMP re-hash ("PTB steering") fixtures (docs/design.md
 * "ICMP re-hash", "Counters").
 *
 * Every PTB here is an error from a router (ROUTER4 / ROUTER6) to a VIP,
 * quoting a packet the VIP sent to the client (VIP:80 -> CLIENT:40000), so
 * the flow it is about is CLIENT:40000 -> VIP:80.
 *
 * Three groups:
 *  - validation, in the caller's namespace on loopback, ptb mode off (so
 *    the verdict is always PASS unless ptb_invalid = DROP, and the counters
 *    tell valid (ptb_seen) from invalid (ptb_invalid / ptb_mtu_too_small));
 *  - fib mode and `ptb forward on`, in the harness's private namespace
 *    (.netns, harness.h) where the FIB routes the VIPs: steered frames get
 *    the gateway's MAC (NS_GW_MAC) and mtg_out's (NS_OUT_MAC), TTL / hop
 *    limit - 1, the IPv4 header checksum, and not one ICMP byte changed;
 *  - broadcast mode (TC ingress only), in the private namespace too, so the
 *    clone bpf_clone_redirect sends goes out of a veth there.
 * TC ingress runs with attach = 0 (no XDP on the interface: it does the
 * whole ingress job) unless a case says otherwise; TC egress never touches
 * ICMP (e_egress: packets + 1, nothing else).
 */
#include <string.h>

#include "harness.h"

#define ROUTER4 "192.0.2.254"
#define ROUTER6 "2001:db8:ff::1"
#define CLIENT4 PKT_DEF_V4_SRC
#define CLIENT6 PKT_DEF_V6_SRC
#define VIP4    NS_VIP4
#define VIP6    NS_VIP6

/* Quoted bytes: text, so that a wrong offset shows in a hex dump. */
#define S16   "0123456789abcdef"
#define S64   S16 S16 S16 S16
#define S256  S64 S64 S64 S64
#define S1024 S256 S256 S256 S256

/* ---- quoted packets (VIP -> CLIENT), built from their L3 ------------------ */

/* A 540-byte IPv4 TCP segment: quoted whole, the error is 568 bytes, under
 * the 576 of RFC 1812. */
#define Q4_TCP(vip) {							\
	.no_eth = true, .l3 = L3_V4, .l4 = L4_TCP,			\
	.ip4 = { .src = vip, .dst = CLIENT4, .frag = PKT_IP_DF },	\
	.tcp = { .sport = 80, .dport = 40000, .seq = 1, .ack = 1,	\
		 .flags = TH_ACK | TH_PSH },				\
	PAYLOAD(S256 S64 S64 S64 S16 S16 S16 "abcd") }
/* A 1232-byte IPv6 TCP segment: quoted whole, the error is 1280 bytes. */
#define Q6_TCP(vip) {							\
	.no_eth = true, .l3 = L3_V6, .l4 = L4_TCP,			\
	.ip6 = { .src = vip, .dst = CLIENT6 },				\
	.tcp = { .sport = 80, .dport = 40000, .seq = 1, .ack = 1,	\
		 .flags = TH_ACK | TH_PSH },				\
	PAYLOAD(S1024 S64 S64 S16 "abcd") }

static const struct pkt_spec q4_tcp = Q4_TCP(VIP4);
static const struct pkt_spec q6_tcp = Q6_TCP(VIP6);
static const struct pkt_spec q4_tcp_onearm = Q4_TCP(NS_ONEARM4);
static const struct pkt_spec q6_tcp_onearm = Q6_TCP(NS_ONEARM6);
static const struct pkt_spec q4_tcp_local = Q4_TCP(NS_LOCAL4);
static const struct pkt_spec q6_tcp_local = Q6_TCP(NS_LOCAL6);
static const struct pkt_spec q4_tcp_unres = Q4_TCP(NS_UNRES4);
static const struct pkt_spec q6_tcp_unres = Q6_TCP(NS_UNRES6);
static const struct pkt_spec q4_tcp_unreach = Q4_TCP(NS_UNREACH4);
static const struct pkt_spec q6_tcp_unreach = Q6_TCP(NS_UNREACH6);
static const struct pkt_spec q4_tcp_noroute = Q4_TCP(NS_NOROUTE4);
static const struct pkt_spec q6_tcp_noroute = Q6_TCP(NS_NOROUTE6);
/* A quote of VIP -> client, for the martian cases: the flow it steers
 * by runs from client to vip. */
#define Q4_TCP_TO(vip, client) {					\
	.no_eth = true, .l3 = L3_V4, .l4 = L4_TCP,			\
	.ip4 = { .src = vip, .dst = client, .frag = PKT_IP_DF },	\
	.tcp = { .sport = 80, .dport = 40000, .seq = 1, .ack = 1,	\
		 .flags = TH_ACK | TH_PSH }, PAYLOAD(S64) }
#define Q6_TCP_TO(vip, client) {					\
	.no_eth = true, .l3 = L3_V6, .l4 = L4_TCP,			\
	.ip6 = { .src = vip, .dst = client },				\
	.tcp = { .sport = 80, .dport = 40000, .seq = 1, .ack = 1,	\
		 .flags = TH_ACK | TH_PSH }, PAYLOAD(S64) }
/* The outer destination (the quote's source) martian. */
static const struct pkt_spec q4_from_lbcast = Q4_TCP_TO("255.255.255.255", CLIENT4);
static const struct pkt_spec q4_from_mcast = Q4_TCP_TO("224.0.0.251", CLIENT4);
static const struct pkt_spec q4_from_zero = Q4_TCP_TO("0.0.0.0", CLIENT4);
static const struct pkt_spec q4_from_loopback = Q4_TCP_TO("127.0.0.1", CLIENT4);
static const struct pkt_spec q4_from_class_e = Q4_TCP_TO("240.0.0.1", CLIENT4);
static const struct pkt_spec q6_from_mcast = Q6_TCP_TO("ff0e::1", CLIENT6);
static const struct pkt_spec q6_from_linklocal = Q6_TCP_TO("fe80::2", CLIENT6);
static const struct pkt_spec q6_from_loopback = Q6_TCP_TO("::1", CLIENT6);
static const struct pkt_spec q6_from_mapped = Q6_TCP_TO("::ffff:10.2.2.2", CLIENT6);
/* The flow's source (the quote's destination) martian. */
static const struct pkt_spec q4_to_loopback = Q4_TCP_TO(VIP4, "127.0.0.1");
static const struct pkt_spec q4_to_mcast = Q4_TCP_TO(VIP4, "224.0.0.1");
static const struct pkt_spec q4_to_zero = Q4_TCP_TO(VIP4, "0.0.0.0");
static const struct pkt_spec q4_to_lbcast = Q4_TCP_TO(VIP4, "255.255.255.255");
static const struct pkt_spec q6_to_mcast = Q6_TCP_TO(VIP6, "ff02::1");
static const struct pkt_spec q6_to_linklocal = Q6_TCP_TO(VIP6, "fe80::1");
static const struct pkt_spec q6_to_loopback = Q6_TCP_TO(VIP6, "::1");
static const struct pkt_spec q6_to_unspec = Q6_TCP_TO(VIP6, "::");
static const struct pkt_spec q6_to_mapped = Q6_TCP_TO(VIP6, "::ffff:10.1.1.1");
/* A normal quote, for the controls next to them. */
static const struct pkt_spec q4_short = Q4_TCP_TO(VIP4, CLIENT4);
static const struct pkt_spec q6_short = Q6_TCP_TO(VIP6, CLIENT6);

/* The quote's source is not the outer destination. */
static const struct pkt_spec q4_tcp_other = Q4_TCP("10.2.2.3");
static const struct pkt_spec q6_tcp_other = Q6_TCP("2001:db8:2::3");

/* 1529 bytes: quoted whole, an ICMPv6 message of 1537 bytes, one more than
 * the datapath sums (csum.h: CSUM_MAX_LEN); cut to 1528, exactly 1536. */
static const struct pkt_spec q6_tcp_big = {
	.no_eth = true, .l3 = L3_V6, .l4 = L4_TCP,
	.ip6 = { .src = VIP6, .dst = CLIENT6 },
	.tcp = { .sport = 80, .dport = 40000, .seq = 1, .ack = 1, .flags = TH_ACK },
	PAYLOAD(S1024 S256 S64 S64 S16 S16 S16 "0123456789abc"),
};

/* A 1568-byte IPv4 TCP segment, cut to lengths for the checksum sweep. */
static const struct pkt_spec q4_tcp_big = {
	.no_eth = true, .l3 = L3_V4, .l4 = L4_TCP,
	.ip4 = { .src = VIP4, .dst = CLIENT4, .frag = PKT_IP_DF },
	.tcp = { .sport = 80, .dport = 40000, .seq = 1, .ack = 1, .flags = TH_ACK },
	PAYLOAD(S1024 S256 S256 "0123456789abcdef0123456789ab"),
};

/* Inner IPv4 options: Record Route with one slot (7 bytes + EOL, IHL 7). */
static const struct pkt_spec q4_opts = {
	.no_eth = true, .l3 = L3_V4, .l4 = L4_TCP,
	.ip4 = { .src = VIP4, .dst = CLIENT4, .frag = PKT_IP_DF, IP4_OPTS(7, 7, 4, 0, 0, 0, 0) },
	.tcp = { .sport = 80, .dport = 40000, .flags = TH_ACK }, PAYLOAD(S64),
};
/* Inner IPv6 extension headers: Hop-by-Hop (8) + Destination Options (16). */
static const struct pkt_spec q6_ext = {
	.no_eth = true, .l3 = L3_V6, .l4 = L4_TCP,
	.ip6 = { .src = VIP6, .dst = CLIENT6, .n_ext = 2,
		 .ext = { { IPPROTO_HOPOPTS, 0 }, { IPPROTO_DSTOPTS, 1 } } },
	.tcp = { .sport = 80, .dport = 40000, .flags = TH_ACK }, PAYLOAD(S64),
};
/* More extension headers than the walk takes (MTUG_IPV6_EXT_MAX, 4):
 * the transport header cannot be found, so the quote is invalid. */
static const struct pkt_spec q6_ext5 = {
	.no_eth = true, .l3 = L3_V6, .l4 = L4_TCP,
	.ip6 = { .src = VIP6, .dst = CLIENT6, .n_ext = 5,
		 .ext = { { IPPROTO_HOPOPTS, 0 }, { IPPROTO_DSTOPTS, 0 }, { IPPROTO_DSTOPTS, 0 },
			  { IPPROTO_DSTOPTS, 0 }, { IPPROTO_DSTOPTS, 0 } } },
	.tcp = { .sport = 80, .dport = 40000, .flags = TH_ACK }, PAYLOAD(S64),
};
/* A chain that ends in No Next Header: no transport header, no flow. */
static const struct pkt_spec q6_no_next = {
	.no_eth = true, .l3 = L3_V6, .l4 = L4_RAW, .raw_proto = IPPROTO_NONE,
	.ip6 = { .src = VIP6, .dst = CLIENT6, .n_ext = 1, .ext = { { IPPROTO_DSTOPTS, 0 } } },
	PAYLOAD(S64),
};
/* Exactly as many as the walk takes: parsed, steered. */
static const struct pkt_spec q6_ext4 = {
	.no_eth = true, .l3 = L3_V6, .l4 = L4_TCP,
	.ip6 = { .src = VIP6, .dst = CLIENT6, .n_ext = 4,
		 .ext = { { IPPROTO_HOPOPTS, 0 }, { IPPROTO_DSTOPTS, 0 }, { IPPROTO_ROUTING, 0 },
			  { IPPROTO_DSTOPTS, 0 } } },
	.tcp = { .sport = 80, .dport = 40000, .flags = TH_ACK }, PAYLOAD(S64),
};
/* IPv6 Fragment header: first fragment (ports there) and a later one. */
static const struct pkt_spec q6_frag_first = {
	.no_eth = true, .l3 = L3_V6, .l4 = L4_TCP,
	.ip6 = { .src = VIP6, .dst = CLIENT6, .n_ext = 1,
		 .ext = { { .type = IPPROTO_FRAGMENT, .frag_mf = 1 } } },
	.tcp = { .sport = 80, .dport = 40000, .flags = TH_ACK }, PAYLOAD(S64),
};
static const struct pkt_spec q6_frag_later = {
	.no_eth = true, .l3 = L3_V6, .l4 = L4_RAW, .raw_proto = IPPROTO_TCP,
	.ip6 = { .src = VIP6, .dst = CLIENT6, .n_ext = 1,
		 .ext = { { .type = IPPROTO_FRAGMENT, .frag_off = 100, .frag_mf = 1 } } },
	PAYLOAD(S64),
};
static const struct pkt_spec q6_hbh_frag_later = {
	.no_eth = true, .l3 = L3_V6, .l4 = L4_RAW, .raw_proto = IPPROTO_TCP,
	.ip6 = { .src = VIP6, .dst = CLIENT6, .n_ext = 2,
		 .ext = { { IPPROTO_HOPOPTS, 0 },
			  { .type = IPPROTO_FRAGMENT, .frag_off = 100 } } },
	PAYLOAD(S64),
};
/* IPv4 fragments: the first (MF) has the ports, a later one has none. */
static const struct pkt_spec q4_frag_first = {
	.no_eth = true, .l3 = L3_V4, .l4 = L4_TCP,
	.ip4 = { .src = VIP4, .dst = CLIENT4, .frag = PKT_IP_MF },
	.tcp = { .sport = 80, .dport = 40000, .flags = TH_ACK }, PAYLOAD(S64),
};
static const struct pkt_spec q4_frag_later = {
	.no_eth = true, .l3 = L3_V4, .l4 = L4_RAW, .raw_proto = IPPROTO_TCP,
	.ip4 = { .src = VIP4, .dst = CLIENT4, .frag = PKT_IP_MF | 100 },
	PAYLOAD(S64),
};
/* Other L4 protocols. */
static const struct pkt_spec q4_udp = {
	.no_eth = true, .l3 = L3_V4, .l4 = L4_UDP,
	.ip4 = { .src = VIP4, .dst = CLIENT4 }, .udp = { 53, 40000 }, PAYLOAD(S256),
};
static const struct pkt_spec q6_udp = {
	.no_eth = true, .l3 = L3_V6, .l4 = L4_UDP,
	.ip6 = { .src = VIP6, .dst = CLIENT6 }, .udp = { 53, 40000 }, PAYLOAD(S256),
};
static const struct pkt_spec q4_sctp = {
	.no_eth = true, .l3 = L3_V4, .l4 = L4_RAW, .raw_proto = IPPROTO_SCTP,
	.ip4 = { .src = VIP4, .dst = CLIENT4, .frag = PKT_IP_DF },
	/* common header: ports 80 -> 40000, verification tag, checksum */
	.payload = (const __u8 *)"\x00\x50\x9c\x40\x01\x02\x03\x04\x00\x00\x00\x00",
	.payload_len = 12,
};
/* Echo: not an error, a fine thing to be too big. */
static const struct pkt_spec q4_echo = {
	.no_eth = true, .l3 = L3_V4, .l4 = L4_ICMP,
	.ip4 = { .src = VIP4, .dst = CLIENT4, .frag = PKT_IP_DF },
	.icmp = { .type = 0, .rest = 0x12340001 }, PAYLOAD(S256),
};
static const struct pkt_spec q6_echo = {
	.no_eth = true, .l3 = L3_V6, .l4 = L4_ICMP,
	.ip6 = { .src = VIP6, .dst = CLIENT6 },
	.icmp = { .type = 129, .rest = 0x12340001 }, PAYLOAD(S1024),
};
/* Errors about errors: never acted on. */
static const struct pkt_spec q4_quoted_syn = {
	.no_eth = true, .l3 = L3_V4, .l4 = L4_TCP,
	.ip4 = { .src = CLIENT4, .dst = VIP4 }, .tcp = { .sport = 40000, .dport = 80, .flags = TH_SYN },
};
static const struct pkt_spec q6_quoted_syn = {
	.no_eth = true, .l3 = L3_V6, .l4 = L4_TCP,
	.ip6 = { .src = CLIENT6, .dst = VIP6 }, .tcp = { .sport = 40000, .dport = 80, .flags = TH_SYN },
};
static const struct pkt_spec q4_icmp_err = {
	.no_eth = true, .l3 = L3_V4, .l4 = L4_ICMP,
	.ip4 = { .src = VIP4, .dst = CLIENT4 },
	.icmp = { .type = 3, .code = 3, .inner = &q4_quoted_syn },
};
static const struct pkt_spec q4_icmp_time_exceeded = {
	.no_eth = true, .l3 = L3_V4, .l4 = L4_ICMP,
	.ip4 = { .src = VIP4, .dst = CLIENT4 },
	.icmp = { .type = 11, .code = 0, .inner = &q4_quoted_syn },
};
static const struct pkt_spec q6_icmp_err = {
	.no_eth = true, .l3 = L3_V6, .l4 = L4_ICMP,
	.ip6 = { .src = VIP6, .dst = CLIENT6 },
	.icmp = { .type = 1, .code = 4, .inner = &q6_quoted_syn },
};
static const struct pkt_spec q6_icmp_ptb = {
	.no_eth = true, .l3 = L3_V6, .l4 = L4_ICMP,
	.ip6 = { .src = VIP6, .dst = CLIENT6 },
	.icmp = { .type = 2, .rest = 1280, .inner = &q6_quoted_syn },
};

/* ---- outer packets ------------------------------------------------------------ */

#define OUT4(dst_, ...) .l3 = L3_V4, .ip4 = { .src = ROUTER4, .dst = dst_, __VA_ARGS__ }
#define OUT6(dst_, ...) .l3 = L3_V6, .ip6 = { .src = ROUTER6, .dst = dst_, __VA_ARGS__ }
#define OUT4S(src_, dst_, ...) .l3 = L3_V4, .ip4 = { .src = src_, .dst = dst_, __VA_ARGS__ }
#define OUT6S(src_, dst_, ...) .l3 = L3_V6, .ip6 = { .src = src_, .dst = dst_, __VA_ARGS__ }
/* ICMP type 3 code 4 / ICMPv6 type 2 about `q`, advertising mtu_. */
#define FN4(q, mtu_, ...) .l4 = L4_ICMP, \
	.icmp = { .type = 3, .code = 4, .rest = (mtu_), .inner = &(q), __VA_ARGS__ }
#define TB6(q, mtu_, ...) .l4 = L4_ICMP, \
	.icmp = { .type = 2, .code = 0, .rest = (mtu_), .inner = &(q), __VA_ARGS__ }
/* Any ICMP / ICMPv6 type and code. */
#define ICMPX(t, c, q, ...) .l4 = L4_ICMP, \
	.icmp = { .type = (t), .code = (c), .inner = (q), __VA_ARGS__ }

/* The usual PTBs. */
#define PTB4 OUT4(VIP4), FN4(q4_tcp, 1400)
#define PTB6 OUT6(VIP6), TB6(q6_tcp, 1280)

#define Q_TAG  { 0x8100, 100 }
#define AD_TAG { 0x88a8, 200 }
#define BCAST  { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }

/* Frame offsets: Ethernet 14, IPv4 20 / IPv6 40, ICMP 8. */
#define ICMP4_AT 34
#define ICMP6_AT 54
#define QUOTE4_AT (ICMP4_AT + 8)
#define QUOTE6_AT (ICMP6_AT + 8)

/* ---- expectations -------------------------------------------------------------- */

#define CNT(...)     { .packets = 1, __VA_ARGS__ }
#define C_NONE       CNT()
#define C_SEEN       CNT(.ptb_seen = 1)
#define C_INVALID    CNT(.ptb_seen = 1, .ptb_invalid = 1)
#define C_TOO_SMALL  CNT(.ptb_seen = 1, .ptb_mtu_too_small = 1)
#define C_STEERED    CNT(.ptb_seen = 1, .ptb_steered = 1)
#define C_LOCAL      CNT(.ptb_seen = 1, .ptb_local = 1)
#define C_FIB_MISS   CNT(.ptb_seen = 1, .fib_miss = 1)
#define C_BROADCAST  CNT(.ptb_seen = 1, .ptb_broadcast = 1)
#define C_FWD        CNT(.fwd_steered = 1)
#define C_DEFERRED   CNT(.ptb_seen = 1, .fib_deferred = 1)
#define C_FWD_DEFERRED CNT(.fib_deferred = 1)

#define PASSES(...)  { .verdict = VERDICT_PASS, .cnt = __VA_ARGS__ }
#define DROPS(...)   { .verdict = VERDICT_DROP, .cnt = __VA_ARGS__ }

/* bpf/act.h's MTUG_META_DEFER ("MTGD"), the tag XDP leaves for TC ingress
 * when the neighbour is unresolved; not in include/, so restated here. */
#define META_DEFER 0x4d544744

/* The outer IP header: the first IP layer of the frame. */
static const struct pkt_layer *outer_ip(const struct pkt *p)
{
	for (int i = 0; i < p->nlayers; i++)
		if (p->layer[i].kind == PL_IPV4 || p->layer[i].kind == PL_IPV6)
			return &p->layer[i];
	return NULL;
}

/* TTL / hop limit - 1, and the IPv4 header checksum recomputed from scratch
 * (RFC 1071); nothing else. */
static void edit_ttl(struct pkt *p)
{
	const struct pkt_layer *ip = outer_ip(p);
	__u32 sum = 0;
	size_t hlen;

	if (!ip)
		return;
	if (ip->kind == PL_IPV6) {
		p->data[ip->off + 7]--;
		return;
	}
	p->data[ip->off + 8]--;
	hlen = (p->data[ip->off] & 0x0f) * 4u;
	pkt_put16(p, ip->off + 10, 0);
	for (size_t i = 0; i < hlen; i += 2)
		sum += pkt_get16(p, ip->off + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	pkt_put16(p, ip->off + 10, (__u16)~sum);
}

/* Forwarded: to gateway MAC dst, from interface MAC src, TTL - 1. */
static void edit_forwarded(struct pkt *p, const __u8 dst[6], const __u8 src[6])
{
	memcpy(p->data, dst, 6);
	memcpy(p->data + 6, src, 6);
	edit_ttl(p);
}

/* Forwarded by fib: to the gateway, from mtg_out. */
static void edit_fib(struct pkt *p)
{
	static const __u8 gw[6] = NS_GW_MAC, out[6] = NS_OUT_MAC;

	edit_forwarded(p, gw, out);
}

#define STEERED(c)   { .verdict = VERDICT_REDIRECT, .edit = edit_fib, .cnt = c }

/* Forwarded by fib back out of the ingress (one-armed): to the gateway
 * there, from mtg_in, TTL - 1.  XDP transmits it with XDP_TX, TC
 * redirects it to the same interface. */
static void edit_fib_in(struct pkt *p)
{
	static const __u8 gw[6] = NS_GW_IN_MAC, in[6] = NS_IN_MAC;

	edit_forwarded(p, gw, in);
}

#define STEERED_TX(c) { .verdict = VERDICT_TX, .edit = edit_fib_in, .cnt = c }
static const struct expect e_onearm_tc = {
	.verdict = VERDICT_REDIRECT, .edit = edit_fib_in, .cnt = C_STEERED,
};
static const struct expect e_onearm_fwd_tc = {
	.verdict = VERDICT_REDIRECT, .edit = edit_fib_in, .cnt = C_FWD,
};

/* TC egress leaves ICMP alone (and does not forward). */
static const struct expect e_egress = PASSES(C_NONE);
static const struct expect e_egress2 = PASSES({ .packets = 2 });
/* TC ingress stands back: no iface entry, or XDP on the interface. */
static const struct expect e_nothing = PASSES({});
/* XDP with broadcast mode: the PTB is TC ingress's, XDP passes it uncounted. */
static const struct expect e_xdp_leaves = PASSES(C_NONE);
static const struct expect e_xdp_leaves2 = PASSES({ .packets = 2 });
/* Unresolved neighbour.  XDP: pass, tagged for TC (metadata), counted
 * ptb_seen only (TC finishes it without counting it again).  TC: the
 * neighbour layer resolves it (bpf_redirect_neigh): TTL - 1, MACs left to it. */
static const struct expect e_unres_tc = {
	.verdict = VERDICT_REDIRECT, .edit = edit_ttl, .cnt = C_STEERED,
};
static const struct expect e_unres_fwd_tc = {
	.verdict = VERDICT_REDIRECT, .edit = edit_ttl, .cnt = C_FWD,
};
/* A forwarded segment that is CHECKSUM_PARTIAL (veth, generic XDP): TC keeps
 * ip_summed across its redirect, so it forwards it. */
static const struct expect e_fwd_tc = STEERED(C_FWD);
/* Broadcast mode, TC ingress: the original goes on untouched. */
static const struct expect e_bcast = PASSES(C_BROADCAST);
static const struct expect e_bcast_seen = PASSES(C_SEEN);
static const struct expect e_bcast_invalid = PASSES(C_INVALID);
static const struct expect e_bcast_rate = PASSES({ .packets = 2, .ptb_seen = 2,
						   .ptb_broadcast = 1, .ptb_rate_limited = 1 });
/* Behind XDP (RUN_ICMP_ONLY): packets is XDP's to count. */
static const struct expect e_bcast_behind_xdp = PASSES({ .ptb_seen = 1, .ptb_broadcast = 1 });

/* A SYN with `ptb forward on` and a default MTU of 1400: clamped to 1360
 * by every program, forwarded by the ingress ones; egress only clamps. */
static const struct expect e_syn_egress_clamps = {
	.verdict = VERDICT_PASS, CLAMP_AT(0, 1360),
	.cnt = CNT(.syn_seen = 1, .mss_clamped = 1),
};

/* Deferred to TC by XDP (neighbour unresolved), then refused there by the
 * reverse-path check. */
static const struct expect e_unres_fwd_tc_deferred = PASSES(C_FWD_DEFERRED);
/* Passed, nothing counted but the packet. */
static const struct expect e_pass_uncounted = PASSES(C_NONE);

/* Per-program overrides, TC egress always included. */
#define EGRESS           .exp_on = { [PROG_TC_EGRESS] = &e_egress }
#define ON_TC_IN(e)      .exp_on = { [PROG_TC_INGRESS] = (e), [PROG_TC_EGRESS] = &e_egress }
#define ON_XDP_TC(x, t)  .exp_on = { [PROG_XDP] = (x), [PROG_TC_INGRESS] = (t), \
				     [PROG_TC_EGRESS] = &e_egress }

#define FIB     { .ptb_mode = MTUG_PTB_FIB }
#define FIB_RP(r) { .ptb_mode = MTUG_PTB_FIB, .rp_filter = (r) }
#define FWD     { .ptb_mode = MTUG_PTB_FIB, .global = { .ptb_forward = 1 } }
#define FWD_RP(r) { .ptb_mode = MTUG_PTB_FIB, .global = { .ptb_forward = 1 }, .rp_filter = (r) }
/* TCP data, client -> VIP unless the IP fields say otherwise. */
#define TCP4(...) .l3 = L3_V4, .l4 = L4_TCP, .ip4 = { __VA_ARGS__ },	\
	.tcp = { .flags = TH_ACK | TH_PSH, .seq = 7, .ack = 9 }, PAYLOAD(S64)
#define TCP6(...) .l3 = L3_V6, .l4 = L4_TCP, .ip6 = { __VA_ARGS__ },	\
	.tcp = { .flags = TH_ACK | TH_PSH, .seq = 7, .ack = 9 }, PAYLOAD(S64)
#define L2_MCAST4 { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb }
#define L2_MCAST6 { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 }
#define BCASTM  { .ptb_mode = MTUG_PTB_BROADCAST }
#define ALL_ERRORS { .global = { .ptb_all_errors = 1 } }
#define DROP_INVALID { .global = { .ptb_invalid = MTUG_INVALID_DROP } }

static const struct fixture fixtures[] = {
	/* ==== validation: what the quote may look like ======================== */
	{ .name = "v4_full_quote", .pkt = { PTB4 }, .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v6_full_quote", .pkt = { PTB6 }, .exp = PASSES(C_SEEN), EGRESS },
	/* IPv4 quotes may hold only 8 bytes of L4 (RFC 792). */
	{ .name = "v4_quote_8_bytes_of_l4",
	  .pkt = { OUT4(VIP4), FN4(q4_tcp, 1400, .inner_len = 28) },
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v6_quote_8_bytes_of_l4",
	  .pkt = { OUT6(VIP6), TB6(q6_tcp, 1280, .inner_len = 48) },
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v4_inner_ip_options",
	  .pkt = { OUT4(VIP4), FN4(q4_opts, 1400) }, .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v4_inner_ip_options_8_bytes_of_l4",
	  .pkt = { OUT4(VIP4), FN4(q4_opts, 1400, .inner_len = 28 + 8) },
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v6_inner_hbh_dstopts",
	  .pkt = { OUT6(VIP6), TB6(q6_ext, 1280) }, .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v6_inner_hbh_dstopts_8_bytes_of_l4",
	  .pkt = { OUT6(VIP6), TB6(q6_ext, 1280, .inner_len = 40 + 8 + 16 + 8) },
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v6_inner_frag_first",
	  .pkt = { OUT6(VIP6), TB6(q6_frag_first, 1280) }, .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v6_inner_frag_first_cut_in_ports",
	  .pkt = { OUT6(VIP6), TB6(q6_frag_first, 1280, .inner_len = 40 + 8 + 3) },
	  .exp = PASSES(C_INVALID), EGRESS },
	/* A later fragment has no L4 header: valid without ports. */
	{ .name = "v6_inner_frag_later_no_ports",
	  .pkt = { OUT6(VIP6), TB6(q6_frag_later, 1280) }, .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v6_inner_frag_later_nothing_after",
	  .pkt = { OUT6(VIP6), TB6(q6_frag_later, 1280, .inner_len = 48) },
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v6_inner_hbh_frag_later",
	  .pkt = { OUT6(VIP6), TB6(q6_hbh_frag_later, 1280) }, .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v4_inner_frag_first",
	  .pkt = { OUT4(VIP4), FN4(q4_frag_first, 1400) }, .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v4_inner_frag_later_no_ports",
	  .pkt = { OUT4(VIP4), FN4(q4_frag_later, 1400) }, .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v4_inner_frag_later_nothing_after",
	  .pkt = { OUT4(VIP4), FN4(q4_frag_later, 1400, .inner_len = 20) },
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v4_inner_udp", .pkt = { OUT4(VIP4), FN4(q4_udp, 1400) },
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v6_inner_udp", .pkt = { OUT6(VIP6), TB6(q6_udp, 1280) },
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v4_inner_sctp", .pkt = { OUT4(VIP4), FN4(q4_sctp, 1400) },
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v4_inner_icmp_echo", .pkt = { OUT4(VIP4), FN4(q4_echo, 1400) },
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v6_inner_icmp_echo", .pkt = { OUT6(VIP6), TB6(q6_echo, 1280) },
	  .exp = PASSES(C_SEEN), EGRESS },
	/* A quote of an ICMP error: never acted on. */
	{ .name = "v4_inner_icmp_error",
	  .pkt = { OUT4(VIP4), FN4(q4_icmp_err, 1400) }, .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v4_inner_icmp_time_exceeded",
	  .pkt = { OUT4(VIP4), FN4(q4_icmp_time_exceeded, 1400) },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v4_inner_icmp_error_type_only",
	  .pkt = { OUT4(VIP4), FN4(q4_icmp_err, 1400, .inner_len = 21) },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_inner_icmp_error",
	  .pkt = { OUT6(VIP6), TB6(q6_icmp_err, 1280) }, .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_inner_icmp_packet_too_big",
	  .pkt = { OUT6(VIP6), TB6(q6_icmp_ptb, 1280) }, .exp = PASSES(C_INVALID), EGRESS },

	/* ==== validation: the outer packet ==================================== */
	{ .name = "v4_outer_vlan", .pkt = { .vlan = { Q_TAG }, PTB4 },
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v4_outer_qinq", .pkt = { .vlan = { AD_TAG, Q_TAG }, PTB4 },
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v6_outer_vlan", .pkt = { .vlan = { Q_TAG }, PTB6 },
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v6_outer_qinq", .pkt = { .vlan = { AD_TAG, Q_TAG }, PTB6 },
	  .exp = PASSES(C_SEEN), EGRESS },
	/* Router Alert: IHL 6. */
	{ .name = "v4_outer_ip_options",
	  .pkt = { OUT4(VIP4, IP4_OPTS(148, 4, 0, 0)), FN4(q4_tcp, 1400) },
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v6_outer_hbh",
	  .pkt = { OUT6(VIP6, .n_ext = 1, .ext = { { IPPROTO_HOPOPTS, 0 } }), TB6(q6_tcp, 1200 + 80) },
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v4_bad_icmp_checksum",
	  .pkt = { OUT4(VIP4), FN4(q4_tcp, 1400, .csum_delta = 1) },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_bad_icmp_checksum",
	  .pkt = { OUT6(VIP6), TB6(q6_tcp, 1280, .csum_delta = 0x100) },
	  .exp = PASSES(C_INVALID), EGRESS },
	/* The checksum error in the quoted part, past any header we read. */
	{ .name = "v4_bad_icmp_checksum_quote_cut",
	  .pkt = { OUT4(VIP4), FN4(q4_tcp, 1400, .inner_len = 28, .csum_delta = 0x8000) },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v4_outer_dst_not_inner_src",
	  .pkt = { OUT4(VIP4), FN4(q4_tcp_other, 1400) }, .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_outer_dst_not_inner_src",
	  .pkt = { OUT6(VIP6), TB6(q6_tcp_other, 1280) }, .exp = PASSES(C_INVALID), EGRESS },
	/* Ethernet padding after the datagram is not part of the message. */
	{ .name = "v4_ethernet_padding",
	  .pkt = { OUT4(VIP4, .tot_len_override = 20 + 8 + 28), FN4(q4_tcp, 1400, .inner_len = 28),
		   PAYLOAD("\0\0\0\0\0\0") },
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v6_trailing_bytes",
	  .pkt = { OUT6(VIP6, .plen_override = 8 + 48), TB6(q6_tcp, 1280, .inner_len = 48),
		   PAYLOAD("\0\0\0\0\0\0") },
	  .exp = PASSES(C_SEEN), EGRESS },

	/* The ICMP message is summed up to 1536 bytes (RFC 4443 caps errors
	 * at 1280 in all); past that it cannot be verified: invalid. */
	{ .name = "v6_message_1536_bytes",
	  .pkt = { OUT6(VIP6), TB6(q6_tcp_big, 1500, .inner_len = 1528) },
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v6_message_1537_bytes",
	  .pkt = { OUT6(VIP6), TB6(q6_tcp_big, 1500) }, .exp = PASSES(C_INVALID), EGRESS },
	/* The checksum over every shape of message length: csum_region()
	 * sums 64-byte blocks, then one block each of 32, 16, 8 and 4 bytes
	 * as the length's bits say, then 1-3 bytes.  Each length once right
	 * (seen) and once wrong by one (invalid). */
#define CSUM_LEN4(n)							\
	{ .name = "v4_csum_message_" #n "_bytes",			\
	  .pkt = { OUT4(VIP4), FN4(q4_tcp_big, 1400, .inner_len = (n) - 8) }, \
	  .exp = PASSES(C_SEEN), EGRESS },				\
	{ .name = "v4_csum_message_" #n "_bytes_bad",			\
	  .pkt = { OUT4(VIP4), FN4(q4_tcp_big, 1400, .inner_len = (n) - 8,	\
				  .csum_delta = 1) },			\
	  .exp = PASSES(C_INVALID), EGRESS }
	CSUM_LEN4(36), CSUM_LEN4(37), CSUM_LEN4(38), CSUM_LEN4(39), CSUM_LEN4(40),
	CSUM_LEN4(44), CSUM_LEN4(47), CSUM_LEN4(60), CSUM_LEN4(63), CSUM_LEN4(64),
	CSUM_LEN4(65), CSUM_LEN4(100), CSUM_LEN4(127), CSUM_LEN4(128), CSUM_LEN4(191),
	CSUM_LEN4(511), CSUM_LEN4(512), CSUM_LEN4(513), CSUM_LEN4(556), CSUM_LEN4(1023),
	CSUM_LEN4(1279), CSUM_LEN4(1535), CSUM_LEN4(1536),
#undef CSUM_LEN4
	{ .name = "v4_csum_message_1537_bytes",
	  .pkt = { OUT4(VIP4), FN4(q4_tcp_big, 1400, .inner_len = 1529) },
	  .exp = PASSES(C_INVALID), EGRESS },
	/* A fragmented error: not parsed (docs/design.md "Parsing"), skipped by every
	 * program, not a PTB. */
	{ .name = "v4_outer_later_fragment",
	  .pkt = { OUT4(VIP4, .frag = 100), FN4(q4_tcp, 1400) },
	  .exp = PASSES(CNT(.parse_skipped = 1)) },
	{ .name = "v6_outer_fragment_header",
	  .pkt = { OUT6(VIP6, .n_ext = 1, .ext = { { .type = IPPROTO_FRAGMENT, .frag_mf = 1 } }),
		   TB6(q6_tcp, 1280) },
	  .exp = PASSES(CNT(.parse_skipped = 1)) },

	/* ==== the advertised MTU ============================================= */
	{ .name = "v4_mtu_551_below_floor",
	  .pkt = { OUT4(VIP4), FN4(q4_tcp, 551) }, .exp = PASSES(C_TOO_SMALL), EGRESS },
	{ .name = "v4_mtu_552_floor",
	  .pkt = { OUT4(VIP4), FN4(q4_tcp, 552) }, .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v4_mtu_68",
	  .pkt = { OUT4(VIP4), FN4(q4_tcp, 68) }, .exp = PASSES(C_TOO_SMALL), EGRESS },
	{ .name = "v6_mtu_1279_below_floor",
	  .pkt = { OUT6(VIP6), TB6(q6_tcp, 1279) }, .exp = PASSES(C_TOO_SMALL), EGRESS },
	{ .name = "v6_mtu_1280_floor",
	  .pkt = { OUT6(VIP6), TB6(q6_tcp, 1280) }, .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v4_min_mtu_1000_mtu_999",
	  .pkt = { OUT4(VIP4), FN4(q4_tcp, 999) },
	  .cfg = { .global = { .ptb_min_mtu_v4 = 1000 } },
	  .exp = PASSES(C_TOO_SMALL), EGRESS },
	{ .name = "v4_min_mtu_1000_mtu_1000",
	  .pkt = { OUT4(VIP4), FN4(q4_tcp, 1000) },
	  .cfg = { .global = { .ptb_min_mtu_v4 = 1000 } },
	  .exp = PASSES(C_SEEN), EGRESS },
	/* A configured floor under the default lowers it. */
	{ .name = "v4_min_mtu_500_mtu_500",
	  .pkt = { OUT4(VIP4), FN4(q4_tcp, 500) },
	  .cfg = { .global = { .ptb_min_mtu_v4 = 500 } },
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v6_min_mtu_1400_mtu_1399",
	  .pkt = { OUT6(VIP6), TB6(q6_tcp, 1399) },
	  .cfg = { .global = { .ptb_min_mtu_v6 = 1400 } },
	  .exp = PASSES(C_TOO_SMALL), EGRESS },
	{ .name = "v6_min_mtu_1400_mtu_1400",
	  .pkt = { OUT6(VIP6), TB6(q6_tcp, 1400) },
	  .cfg = { .global = { .ptb_min_mtu_v6 = 1400 } },
	  .exp = PASSES(C_SEEN), EGRESS },
	/* The v4 floor does not apply to v6 and the other way round. */
	{ .name = "v6_min_mtu_v4_only",
	  .pkt = { OUT6(VIP6), TB6(q6_tcp, 1280) },
	  .cfg = { .global = { .ptb_min_mtu_v4 = 9000 } },
	  .exp = PASSES(C_SEEN), EGRESS },
	/* ICMPv6 MTU is 32 bits: 0x00010500 is not 1280. */
	{ .name = "v6_mtu_high_bits",
	  .pkt = { OUT6(VIP6), TB6(q6_tcp, 0x00010500) }, .exp = PASSES(C_SEEN), EGRESS },
	/* MTU 0 (a pre-RFC 1191 router): no MTU at all, counted invalid. */
	{ .name = "v4_mtu_0",
	  .pkt = { OUT4(VIP4), FN4(q4_tcp, 0) }, .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_mtu_0",
	  .pkt = { OUT6(VIP6), TB6(q6_tcp, 0) }, .exp = PASSES(C_INVALID), EGRESS },
	/* ICMPv4: the MTU is the low 16 bits; the high 16 are unused. */
	{ .name = "v4_mtu_unused_bits_set",
	  .pkt = { OUT4(VIP4), FN4(q4_tcp, 0xabcd0000 | 1400) }, .exp = PASSES(C_SEEN), EGRESS },

	/* ==== truncation at every boundary ===================================
	 * "cut": the IP length and the ICMP checksum cover what is there (a
	 * short message).  "trunc": the frame ends early, the IP length claims
	 * the whole message. */
	/* ICMP header: under 2 bytes there is not even a type: not ours. */
	{ .name = "v4_icmp_cut_1",
	  .pkt = { OUT4(VIP4, .tot_len_override = 21), FN4(q4_tcp, 1400), .truncate = ICMP4_AT + 1 },
	  .exp = PASSES(C_NONE), EGRESS },
	{ .name = "v4_icmp_trunc_1",
	  .pkt = { PTB4, .truncate = ICMP4_AT + 1 }, .exp = PASSES(C_NONE), EGRESS },
	{ .name = "v4_icmp_cut_2",
	  .pkt = { OUT4(VIP4, .tot_len_override = 22), FN4(q4_tcp, 1400), .truncate = ICMP4_AT + 2 },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v4_icmp_trunc_2",
	  .pkt = { PTB4, .truncate = ICMP4_AT + 2 }, .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v4_icmp_cut_7",
	  .pkt = { OUT4(VIP4, .tot_len_override = 27), FN4(q4_tcp, 1400), .truncate = ICMP4_AT + 7 },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v4_icmp_trunc_7",
	  .pkt = { PTB4, .truncate = ICMP4_AT + 7 }, .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_icmp_cut_1",
	  .pkt = { OUT6(VIP6, .plen_override = 1), TB6(q6_tcp, 1280), .truncate = ICMP6_AT + 1 },
	  .exp = PASSES(C_NONE), EGRESS },
	{ .name = "v6_icmp_trunc_1",
	  .pkt = { PTB6, .truncate = ICMP6_AT + 1 }, .exp = PASSES(C_NONE), EGRESS },
	{ .name = "v6_icmp_cut_2",
	  .pkt = { OUT6(VIP6, .plen_override = 2), TB6(q6_tcp, 1280), .truncate = ICMP6_AT + 2 },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_icmp_trunc_2",
	  .pkt = { PTB6, .truncate = ICMP6_AT + 2 }, .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_icmp_cut_7",
	  .pkt = { OUT6(VIP6, .plen_override = 7), TB6(q6_tcp, 1280), .truncate = ICMP6_AT + 7 },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_icmp_trunc_7",
	  .pkt = { PTB6, .truncate = ICMP6_AT + 7 }, .exp = PASSES(C_INVALID), EGRESS },
	/* The quoted IP header. */
	{ .name = "v4_quote_cut_0",
	  .pkt = { OUT4(VIP4), ICMPX(3, 4, NULL, .rest = 1400) }, .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v4_quote_trunc_0",
	  .pkt = { PTB4, .truncate = QUOTE4_AT }, .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v4_quote_cut_19",
	  .pkt = { OUT4(VIP4), FN4(q4_tcp, 1400, .inner_len = 19) },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v4_quote_trunc_19",
	  .pkt = { PTB4, .truncate = QUOTE4_AT + 19 }, .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v4_quote_options_cut_in_options",
	  .pkt = { OUT4(VIP4), FN4(q4_opts, 1400, .inner_len = 24) },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_quote_cut_0",
	  .pkt = { OUT6(VIP6), ICMPX(2, 0, NULL, .rest = 1280) }, .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_quote_trunc_0",
	  .pkt = { PTB6, .truncate = QUOTE6_AT }, .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_quote_cut_39",
	  .pkt = { OUT6(VIP6), TB6(q6_tcp, 1280, .inner_len = 39) },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_quote_trunc_39",
	  .pkt = { PTB6, .truncate = QUOTE6_AT + 39 }, .exp = PASSES(C_INVALID), EGRESS },
	/* Inside the quoted extension headers (HBH at 40, DstOpts at 48). */
	{ .name = "v6_quote_cut_41_in_hbh",
	  .pkt = { OUT6(VIP6), TB6(q6_ext, 1280, .inner_len = 41) },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_quote_cut_49_in_dstopts",
	  .pkt = { OUT6(VIP6), TB6(q6_ext, 1280, .inner_len = 49) },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_quote_cut_64_after_ext",
	  .pkt = { OUT6(VIP6), TB6(q6_ext, 1280, .inner_len = 64) },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_quote_cut_67_in_ports",
	  .pkt = { OUT6(VIP6), TB6(q6_ext, 1280, .inner_len = 67) },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_quote_cut_68_ports_whole",
	  .pkt = { OUT6(VIP6), TB6(q6_ext, 1280, .inner_len = 68) },
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v6_quote_trunc_68_in_ext",
	  .pkt = { OUT6(VIP6), TB6(q6_ext, 1280), .truncate = QUOTE6_AT + 68 },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_quote_cut_47_in_frag_header",
	  .pkt = { OUT6(VIP6), TB6(q6_frag_first, 1280, .inner_len = 47) },
	  .exp = PASSES(C_INVALID), EGRESS },
	/* The quoted ports: the IP header alone, 3 bytes, 4 bytes. */
	{ .name = "v4_quote_cut_20_no_l4",
	  .pkt = { OUT4(VIP4), FN4(q4_tcp, 1400, .inner_len = 20) },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v4_quote_trunc_20_no_l4",
	  .pkt = { PTB4, .truncate = QUOTE4_AT + 20 }, .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v4_quote_cut_23_in_ports",
	  .pkt = { OUT4(VIP4), FN4(q4_tcp, 1400, .inner_len = 23) },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v4_quote_trunc_23_in_ports",
	  .pkt = { PTB4, .truncate = QUOTE4_AT + 23 }, .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v4_quote_cut_24_ports_whole",
	  .pkt = { OUT4(VIP4), FN4(q4_tcp, 1400, .inner_len = 24) },
	  .exp = PASSES(C_SEEN), EGRESS },
	/* Every header byte there, but the message is not whole. */
	{ .name = "v4_quote_trunc_24_ports_whole",
	  .pkt = { PTB4, .truncate = QUOTE4_AT + 24 }, .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v4_full_quote_trunc_1_byte",
	  .pkt = { PTB4, .truncate = QUOTE4_AT + 539 }, .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_quote_cut_40_no_l4",
	  .pkt = { OUT6(VIP6), TB6(q6_tcp, 1280, .inner_len = 40) },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_quote_trunc_40_no_l4",
	  .pkt = { PTB6, .truncate = QUOTE6_AT + 40 }, .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_quote_cut_43_in_ports",
	  .pkt = { OUT6(VIP6), TB6(q6_tcp, 1280, .inner_len = 43) },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_quote_trunc_43_in_ports",
	  .pkt = { PTB6, .truncate = QUOTE6_AT + 43 }, .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_quote_cut_44_ports_whole",
	  .pkt = { OUT6(VIP6), TB6(q6_tcp, 1280, .inner_len = 44) },
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v6_quote_trunc_44_ports_whole",
	  .pkt = { PTB6, .truncate = QUOTE6_AT + 44 }, .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_full_quote_trunc_1_byte",
	  .pkt = { PTB6, .truncate = QUOTE6_AT + 1231 }, .exp = PASSES(C_INVALID), EGRESS },
	/* The IP length ends inside the quote, the frame goes on with the
	 * rest of it: bytes past the datagram are not part of the message
	 * (they are not even covered by the checksum) and must not be read
	 * as the quote. */
	{ .name = "v4_ip_len_ends_in_quoted_header",
	  .pkt = { OUT4(VIP4, .tot_len_override = 20 + 8 + 12), FN4(q4_tcp, 1400, .inner_len = 40) },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v4_ip_len_ends_in_quoted_ports",
	  .pkt = { OUT4(VIP4, .tot_len_override = 20 + 8 + 22), FN4(q4_tcp, 1400, .inner_len = 40) },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_ip_len_ends_in_quoted_header",
	  .pkt = { OUT6(VIP6, .plen_override = 8 + 20), TB6(q6_tcp, 1280, .inner_len = 60) },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_ip_len_ends_in_quoted_ports",
	  .pkt = { OUT6(VIP6, .plen_override = 8 + 42), TB6(q6_tcp, 1280, .inner_len = 60) },
	  .exp = PASSES(C_INVALID), EGRESS },
	/* The IP length is shorter than the ICMP header. */
	{ .name = "v4_ip_len_short_of_icmp_header",
	  .pkt = { OUT4(VIP4, .tot_len_override = 20 + 4), FN4(q4_tcp, 1400, .inner_len = 28) },
	  .exp = PASSES(C_INVALID), EGRESS },

	/* ==== `ptb errors frag|all` ============================================ */
	{ .name = "v4_time_exceeded_errors_frag",
	  .pkt = { OUT4(VIP4), ICMPX(11, 0, &q4_tcp) }, .exp = PASSES(C_NONE), EGRESS },
	{ .name = "v4_time_exceeded_errors_all",
	  .pkt = { OUT4(VIP4), ICMPX(11, 0, &q4_tcp) }, .cfg = ALL_ERRORS,
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v4_time_exceeded_errors_all_bad_checksum",
	  .pkt = { OUT4(VIP4), ICMPX(11, 0, &q4_tcp, .csum_delta = 3) }, .cfg = ALL_ERRORS,
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v4_time_exceeded_errors_all_about_an_error",
	  .pkt = { OUT4(VIP4), ICMPX(11, 0, &q4_icmp_err) }, .cfg = ALL_ERRORS,
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v4_host_unreachable_errors_frag",
	  .pkt = { OUT4(VIP4), ICMPX(3, 1, &q4_tcp) }, .exp = PASSES(C_NONE), EGRESS },
	{ .name = "v4_host_unreachable_errors_all",
	  .pkt = { OUT4(VIP4), ICMPX(3, 1, &q4_tcp) }, .cfg = ALL_ERRORS,
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v4_param_problem_errors_all",
	  .pkt = { OUT4(VIP4), ICMPX(12, 0, &q4_tcp, .rest = 0x14000000) }, .cfg = ALL_ERRORS,
	  .exp = PASSES(C_SEEN), EGRESS },
	/* The floor is about Frag Needed: other errors carry no MTU. */
	{ .name = "v4_frag_needed_errors_all_still_floored",
	  .pkt = { OUT4(VIP4), FN4(q4_tcp, 500) }, .cfg = ALL_ERRORS,
	  .exp = PASSES(C_TOO_SMALL), EGRESS },
	{ .name = "v4_echo_request_errors_all",
	  .pkt = { OUT4(VIP4), ICMPX(8, 0, NULL, .rest = 0x10001), PAYLOAD(S64) }, .cfg = ALL_ERRORS,
	  .exp = PASSES(C_NONE), EGRESS },
	{ .name = "v6_time_exceeded_errors_frag",
	  .pkt = { OUT6(VIP6), ICMPX(3, 0, &q6_tcp) }, .exp = PASSES(C_NONE), EGRESS },
	{ .name = "v6_time_exceeded_errors_all",
	  .pkt = { OUT6(VIP6), ICMPX(3, 0, &q6_tcp) }, .cfg = ALL_ERRORS,
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v6_dest_unreachable_errors_frag",
	  .pkt = { OUT6(VIP6), ICMPX(1, 4, &q6_tcp) }, .exp = PASSES(C_NONE), EGRESS },
	{ .name = "v6_dest_unreachable_errors_all",
	  .pkt = { OUT6(VIP6), ICMPX(1, 4, &q6_tcp) }, .cfg = ALL_ERRORS,
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v6_param_problem_errors_all",
	  .pkt = { OUT6(VIP6), ICMPX(4, 0, &q6_tcp, .rest = 6) }, .cfg = ALL_ERRORS,
	  .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v6_echo_request_errors_all",
	  .pkt = { OUT6(VIP6), ICMPX(128, 0, NULL, .rest = 0x10001), PAYLOAD(S64) }, .cfg = ALL_ERRORS,
	  .exp = PASSES(C_NONE), EGRESS },
	{ .name = "v4_frag_needed_wrong_code",
	  .pkt = { OUT4(VIP4), ICMPX(3, 3, &q4_tcp, .rest = 1400) }, .exp = PASSES(C_NONE), EGRESS },

	/* ==== invalid: pass or drop ========================================== */
	{ .name = "v4_invalid_drop_bad_checksum",
	  .pkt = { OUT4(VIP4), FN4(q4_tcp, 1400, .csum_delta = 1) }, .cfg = DROP_INVALID,
	  .exp = DROPS(C_INVALID), EGRESS },
	{ .name = "v6_invalid_drop_bad_checksum",
	  .pkt = { OUT6(VIP6), TB6(q6_tcp, 1280, .csum_delta = 1) }, .cfg = DROP_INVALID,
	  .exp = DROPS(C_INVALID), EGRESS },
	{ .name = "v4_invalid_drop_wrong_src",
	  .pkt = { OUT4(VIP4), FN4(q4_tcp_other, 1400) }, .cfg = DROP_INVALID,
	  .exp = DROPS(C_INVALID), EGRESS },
	{ .name = "v4_invalid_drop_trunc",
	  .pkt = { PTB4, .truncate = QUOTE4_AT + 24 }, .cfg = DROP_INVALID,
	  .exp = DROPS(C_INVALID), EGRESS },
	{ .name = "v4_invalid_drop_mtu_too_small",
	  .pkt = { OUT4(VIP4), FN4(q4_tcp, 551) }, .cfg = DROP_INVALID,
	  .exp = DROPS(C_TOO_SMALL), EGRESS },
	{ .name = "v6_invalid_drop_mtu_too_small",
	  .pkt = { OUT6(VIP6), TB6(q6_tcp, 1279) }, .cfg = DROP_INVALID,
	  .exp = DROPS(C_TOO_SMALL), EGRESS },
	{ .name = "v4_invalid_drop_valid_passes",
	  .pkt = { PTB4 }, .cfg = DROP_INVALID, .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v6_invalid_drop_valid_passes",
	  .pkt = { PTB6 }, .cfg = DROP_INVALID, .exp = PASSES(C_SEEN), EGRESS },
	/* Not a PTB at all: never dropped. */
	{ .name = "v4_invalid_drop_not_a_ptb",
	  .pkt = { OUT4(VIP4), ICMPX(11, 0, &q4_tcp, .csum_delta = 1) }, .cfg = DROP_INVALID,
	  .exp = PASSES(C_NONE), EGRESS },
	{ .name = "v4_invalid_drop_no_type",
	  .pkt = { PTB4, .truncate = ICMP4_AT + 1 }, .cfg = DROP_INVALID,
	  .exp = PASSES(C_NONE), EGRESS },

	/* ==== the feature off, no interface entry ============================== */
	{ .name = "v4_ptb_feature_disabled",
	  .pkt = { PTB4 }, .cfg = { .features_off = MTUG_F_PTB },
	  .exp = PASSES(C_NONE), EGRESS },
	{ .name = "v6_ptb_feature_disabled",
	  .pkt = { PTB6 }, .cfg = { .features_off = MTUG_F_PTB },
	  .exp = PASSES(C_NONE), EGRESS },
	{ .name = "v4_ptb_feature_disabled_invalid_drop",
	  .pkt = { OUT4(VIP4), FN4(q4_tcp, 1400, .csum_delta = 1) },
	  .cfg = { .features_off = MTUG_F_PTB, .global = { .ptb_invalid = MTUG_INVALID_DROP } },
	  .exp = PASSES(C_NONE), EGRESS },
	{ .name = "v4_ptb_no_iface_entry",
	  .pkt = { PTB4 }, .cfg = { .no_iface = true },
	  .exp = PASSES(C_NONE), ON_TC_IN(&e_nothing) },
	/* Behind XDP, in fib / off mode, TC ingress leaves ICMP to XDP. */
	{ .name = "v4_tc_behind_xdp_off_mode",
	  .pkt = { PTB4 }, .cfg = { .attach = MTUG_A_XDP_NATIVE | MTUG_A_TC_INGRESS },
	  .exp = PASSES(C_SEEN), ON_TC_IN(&e_nothing) },
	{ .name = "v6_tc_behind_xdp_generic_off_mode",
	  .pkt = { PTB6 }, .cfg = { .attach = MTUG_A_XDP_GENERIC | MTUG_A_TC_INGRESS },
	  .exp = PASSES(C_SEEN), ON_TC_IN(&e_nothing) },

	/* ==== fib mode (private namespace) ===================================== */
	{ .name = "v4_fib_steered", .netns = true, .cfg = FIB,
	  .pkt = { PTB4 }, .exp = STEERED(C_STEERED), EGRESS },
	{ .name = "v6_fib_steered", .netns = true, .cfg = FIB,
	  .pkt = { PTB6 }, .exp = STEERED(C_STEERED), EGRESS },
	{ .name = "v4_fib_steered_one_armed", .netns = true, .cfg = FIB,
	  .pkt = { OUT4(NS_ONEARM4), FN4(q4_tcp_onearm, 1400) },
	  .exp = STEERED_TX(C_STEERED), ON_TC_IN(&e_onearm_tc) },
	{ .name = "v6_fib_steered_one_armed", .netns = true, .cfg = FIB,
	  .pkt = { OUT6(NS_ONEARM6), TB6(q6_tcp_onearm, 1280) },
	  .exp = STEERED_TX(C_STEERED), ON_TC_IN(&e_onearm_tc) },
	/* The bytes of a Frag Needed behind another ethertype are not IPv4:
	 * passed untouched, nothing counted but the packet. */
	{ .name = "v4_fib_ptb_under_other_ethertype", .netns = true, .cfg = FIB,
	  .pkt = { .ethertype = 0x88b5, PTB4 }, .exp = PASSES(C_NONE) },
	{ .name = "v4_fib_steered_8_bytes_of_l4", .netns = true, .cfg = FIB,
	  .pkt = { OUT4(VIP4), FN4(q4_tcp, 1400, .inner_len = 28) },
	  .exp = STEERED(C_STEERED), EGRESS },
	{ .name = "v6_fib_steered_8_bytes_of_l4", .netns = true, .cfg = FIB,
	  .pkt = { OUT6(VIP6), TB6(q6_tcp, 1280, .inner_len = 48) },
	  .exp = STEERED(C_STEERED), EGRESS },
	{ .name = "v4_fib_steered_inner_ip_options", .netns = true, .cfg = FIB,
	  .pkt = { OUT4(VIP4), FN4(q4_opts, 1400) }, .exp = STEERED(C_STEERED), EGRESS },
	{ .name = "v6_fib_steered_inner_ext_headers", .netns = true, .cfg = FIB,
	  .pkt = { OUT6(VIP6), TB6(q6_ext, 1280) }, .exp = STEERED(C_STEERED), EGRESS },
	{ .name = "v6_fib_steered_inner_4_ext_headers", .netns = true, .cfg = FIB,
	  .pkt = { OUT6(VIP6), TB6(q6_ext4, 1280) }, .exp = STEERED(C_STEERED), EGRESS },
	{ .name = "v6_fib_inner_5_ext_headers_invalid", .netns = true, .cfg = FIB,
	  .pkt = { OUT6(VIP6), TB6(q6_ext5, 1280) }, .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_fib_inner_no_next_header_invalid", .netns = true, .cfg = FIB,
	  .pkt = { OUT6(VIP6), TB6(q6_no_next, 1280) }, .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_fib_steered_inner_frag_later", .netns = true, .cfg = FIB,
	  .pkt = { OUT6(VIP6), TB6(q6_frag_later, 1280) }, .exp = STEERED(C_STEERED), EGRESS },
	{ .name = "v4_fib_steered_inner_frag_later", .netns = true, .cfg = FIB,
	  .pkt = { OUT4(VIP4), FN4(q4_frag_later, 1400) }, .exp = STEERED(C_STEERED), EGRESS },
	{ .name = "v4_fib_steered_inner_icmp_echo", .netns = true, .cfg = FIB,
	  .pkt = { OUT4(VIP4), FN4(q4_echo, 1400) }, .exp = STEERED(C_STEERED), EGRESS },
	{ .name = "v6_fib_steered_inner_icmp_echo", .netns = true, .cfg = FIB,
	  .pkt = { OUT6(VIP6), TB6(q6_echo, 1280) }, .exp = STEERED(C_STEERED), EGRESS },
	{ .name = "v4_fib_steered_inner_udp", .netns = true, .cfg = FIB,
	  .pkt = { OUT4(VIP4), FN4(q4_udp, 1400) }, .exp = STEERED(C_STEERED), EGRESS },
	/* IP options (Router Alert) and a Hop-by-Hop header: the stack's. */
	{ .name = "v4_fib_outer_ip_options_deferred", .netns = true, .cfg = FIB,
	  .pkt = { OUT4(VIP4, IP4_OPTS(148, 4, 0, 0)), FN4(q4_tcp, 1400) },
	  .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v6_fib_outer_hbh_deferred", .netns = true, .cfg = FIB,
	  .pkt = { OUT6(VIP6, .n_ext = 1, .ext = { { IPPROTO_HOPOPTS, 0 } }), TB6(q6_tcp, 1280) },
	  .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v4_fib_steered_ethernet_padding", .netns = true, .cfg = FIB,
	  .pkt = { OUT4(VIP4, .tot_len_override = 20 + 8 + 28), FN4(q4_tcp, 1400, .inner_len = 28),
		   PAYLOAD("\0\0\0\0\0\0") },
	  .exp = STEERED(C_STEERED), EGRESS },
	{ .name = "v4_fib_steered_ttl_2", .netns = true, .cfg = FIB,
	  .pkt = { OUT4(VIP4, .ttl = 2), FN4(q4_tcp, 1400) }, .exp = STEERED(C_STEERED), EGRESS },
	{ .name = "v4_fib_steered_all_errors_time_exceeded", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB, .global = { .ptb_all_errors = 1 } },
	  .pkt = { OUT4(VIP4), ICMPX(11, 0, &q4_tcp) }, .exp = STEERED(C_STEERED), EGRESS },
	{ .name = "v6_fib_steered_all_errors_dest_unreachable", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB, .global = { .ptb_all_errors = 1 } },
	  .pkt = { OUT6(VIP6), ICMPX(1, 4, &q6_tcp) }, .exp = STEERED(C_STEERED), EGRESS },
	/* TTL 1 would expire on the way out: the stack answers it. */
	{ .name = "v4_fib_ttl_1", .netns = true, .cfg = FIB,
	  .pkt = { OUT4(VIP4, .ttl = 1), FN4(q4_tcp, 1400) }, .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v6_fib_hop_limit_1", .netns = true, .cfg = FIB,
	  .pkt = { OUT6(VIP6, .hlim = 1), TB6(q6_tcp, 1280) }, .exp = PASSES(C_DEFERRED), EGRESS },
	/* Never steered unless valid. */
	{ .name = "v4_fib_invalid_checksum", .netns = true, .cfg = FIB,
	  .pkt = { OUT4(VIP4), FN4(q4_tcp, 1400, .csum_delta = 1) },
	  .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v6_fib_invalid_wrong_src", .netns = true, .cfg = FIB,
	  .pkt = { OUT6(VIP6), TB6(q6_tcp_other, 1280) }, .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v4_fib_invalid_trunc", .netns = true, .cfg = FIB,
	  .pkt = { PTB4, .truncate = QUOTE4_AT + 24 }, .exp = PASSES(C_INVALID), EGRESS },
	{ .name = "v4_fib_mtu_too_small", .netns = true, .cfg = FIB,
	  .pkt = { OUT4(VIP4), FN4(q4_tcp, 551) }, .exp = PASSES(C_TOO_SMALL), EGRESS },
	{ .name = "v6_fib_mtu_too_small_drop", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB, .global = { .ptb_invalid = MTUG_INVALID_DROP } },
	  .pkt = { OUT6(VIP6), TB6(q6_tcp, 1279) }, .exp = DROPS(C_TOO_SMALL), EGRESS },
	{ .name = "v4_fib_inner_icmp_error", .netns = true, .cfg = FIB,
	  .pkt = { OUT4(VIP4), FN4(q4_icmp_err, 1400) }, .exp = PASSES(C_INVALID), EGRESS },
	/* VLAN-tagged frames are never redirected (fib.h): to the stack. */
	{ .name = "v4_fib_outer_vlan", .netns = true, .cfg = FIB,
	  .pkt = { .vlan = { Q_TAG }, PTB4 }, .exp = PASSES(C_FIB_MISS), EGRESS },
	{ .name = "v6_fib_outer_qinq", .netns = true, .cfg = FIB,
	  .pkt = { .vlan = { AD_TAG, Q_TAG }, PTB6 }, .exp = PASSES(C_FIB_MISS), EGRESS },
	/* Local destination: the stack's. */
	{ .name = "v4_fib_local", .netns = true, .cfg = FIB,
	  .pkt = { OUT4(NS_LOCAL4), FN4(q4_tcp_local, 1400) }, .exp = PASSES(C_LOCAL), EGRESS },
	{ .name = "v6_fib_local", .netns = true, .cfg = FIB,
	  .pkt = { OUT6(NS_LOCAL6), TB6(q6_tcp_local, 1280) }, .exp = PASSES(C_LOCAL), EGRESS },
	/* No route. */
	{ .name = "v4_fib_unreachable_route", .netns = true, .cfg = FIB,
	  .pkt = { OUT4(NS_UNREACH4), FN4(q4_tcp_unreach, 1400) },
	  .exp = PASSES(C_FIB_MISS), EGRESS },
	{ .name = "v6_fib_unreachable_route", .netns = true, .cfg = FIB,
	  .pkt = { OUT6(NS_UNREACH6), TB6(q6_tcp_unreach, 1280) },
	  .exp = PASSES(C_FIB_MISS), EGRESS },
	/* No route at all: bpf_fib_lookup() answers NOT_FWDED, exactly as
	 * for a local destination (fib_lookup's -ENETUNREACH is mapped to it),
	 * so both count as ptb_local: "handed to the local stack".  Only an
	 * explicit unreachable/blackhole/prohibit route is a fib_miss. */
	{ .name = "v4_fib_no_route", .netns = true, .cfg = FIB,
	  .pkt = { OUT4(NS_NOROUTE4), FN4(q4_tcp_noroute, 1400) },
	  .exp = PASSES(C_LOCAL), EGRESS },
	{ .name = "v6_fib_no_route", .netns = true, .cfg = FIB,
	  .pkt = { OUT6(NS_NOROUTE6), TB6(q6_tcp_noroute, 1280) },
	  .exp = PASSES(C_LOCAL), EGRESS },
	/* Unresolved neighbour: XDP tags it for TC and passes it; TC hands it
	 * to the neighbour layer. */
	{ .name = "v4_fib_unresolved_neighbour", .netns = true, .cfg = FIB,
	  .pkt = { OUT4(NS_UNRES4), FN4(q4_tcp_unres, 1400) },
	  .exp = { .verdict = VERDICT_PASS, .cnt = C_SEEN, .xdp_meta = META_DEFER },
	  ON_TC_IN(&e_unres_tc) },
	{ .name = "v6_fib_unresolved_neighbour", .netns = true, .cfg = FIB,
	  .pkt = { OUT6(NS_UNRES6), TB6(q6_tcp_unres, 1280) },
	  .exp = { .verdict = VERDICT_PASS, .cnt = C_SEEN, .xdp_meta = META_DEFER },
	  ON_TC_IN(&e_unres_tc) },
	/* Off mode with the same route: counted, not steered. */
	{ .name = "v4_fib_route_mode_off", .netns = true,
	  .pkt = { PTB4 }, .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v6_fib_route_mode_off", .netns = true,
	  .pkt = { PTB6 }, .exp = PASSES(C_SEEN), EGRESS },
	{ .name = "v4_fib_feature_disabled", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB, .features_off = MTUG_F_PTB },
	  .pkt = { PTB4 }, .exp = PASSES(C_NONE), EGRESS },
	/* Behind XDP, TC ingress stands back. */
	{ .name = "v4_fib_tc_behind_xdp", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB, .attach = MTUG_A_XDP_NATIVE | MTUG_A_TC_INGRESS },
	  .pkt = { PTB4 }, .exp = STEERED(C_STEERED), ON_TC_IN(&e_nothing) },

	/* ==== `ptb forward on`: ordinary TCP / UDP by the same lookup ========= */
	{ .name = "v4_fwd_tcp_data", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB, .global = { .ptb_forward = 1 } },
	  .pkt = { .l3 = L3_V4, .l4 = L4_TCP, .tcp = { .flags = TH_ACK | TH_PSH, .seq = 7, .ack = 9 },
		   PAYLOAD(S256) },
	  .exp = STEERED(C_FWD), EGRESS },
	{ .name = "v4_fwd_tcp_data_one_armed", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB, .global = { .ptb_forward = 1 } },
	  .pkt = { .l3 = L3_V4, .ip4 = { .dst = NS_ONEARM4 }, .l4 = L4_TCP,
		   .tcp = { .flags = TH_ACK | TH_PSH, .seq = 7, .ack = 9 }, PAYLOAD(S256) },
	  .exp = STEERED_TX(C_FWD), ON_TC_IN(&e_onearm_fwd_tc) },
	{ .name = "v6_fwd_tcp_data_one_armed", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB, .global = { .ptb_forward = 1 } },
	  .pkt = { .l3 = L3_V6, .ip6 = { .dst = NS_ONEARM6 }, .l4 = L4_TCP,
		   .tcp = { .flags = TH_ACK | TH_PSH, .seq = 7, .ack = 9 }, PAYLOAD(S256) },
	  .exp = STEERED_TX(C_FWD), ON_TC_IN(&e_onearm_fwd_tc) },
	{ .name = "v6_fwd_tcp_data", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB, .global = { .ptb_forward = 1 } },
	  .pkt = { .l3 = L3_V6, .l4 = L4_TCP, .tcp = { .flags = TH_ACK | TH_PSH, .seq = 7, .ack = 9 },
		   PAYLOAD(S256) },
	  .exp = STEERED(C_FWD), EGRESS },
	/* Only its pseudo-header sum in the checksum field: XDP_REDIRECT would
	 * send it out never completed, so XDP leaves it to the stack. */
	{ .name = "v4_fwd_tcp_csum_partial", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB, .global = { .ptb_forward = 1 } },
	  .pkt = { .l3 = L3_V4, .l4 = L4_TCP, .tcp = { .flags = TH_ACK | TH_PSH, .seq = 7, .ack = 9,
						     .csum_partial = 1 }, PAYLOAD(S256) },
	  .exp = PASSES(C_NONE), ON_TC_IN(&e_fwd_tc) },
	{ .name = "v6_fwd_tcp_csum_partial", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB, .global = { .ptb_forward = 1 } },
	  .pkt = { .l3 = L3_V6, .l4 = L4_TCP, .tcp = { .flags = TH_ACK | TH_PSH, .seq = 7, .ack = 9,
						     .csum_partial = 1 }, PAYLOAD(S256) },
	  .exp = PASSES(C_NONE), ON_TC_IN(&e_fwd_tc) },
	{ .name = "v4_fwd_udp", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB, .global = { .ptb_forward = 1 } },
	  .pkt = { .l3 = L3_V4, .l4 = L4_UDP, PAYLOAD(S64) },
	  .exp = STEERED(C_FWD), EGRESS },
	{ .name = "v4_fwd_ip_options_deferred", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB, .global = { .ptb_forward = 1 } },
	  .pkt = { .l3 = L3_V4, .l4 = L4_TCP, .ip4 = { IP4_OPTS(148, 4, 0, 0) },
		   .tcp = { .flags = TH_ACK }, PAYLOAD(S64) },
	  .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	/* Larger than mtg_out's MTU (1500): the stack sends the Frag Needed. */
	{ .name = "v4_fwd_too_big", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB, .global = { .ptb_forward = 1 } },
	  .pkt = { .l3 = L3_V4, .l4 = L4_TCP, .ip4 = { .frag = PKT_IP_DF },
		   .tcp = { .flags = TH_ACK }, PAYLOAD(S1024 S1024) },
	  .exp = PASSES(C_NONE), EGRESS },
	{ .name = "v6_fwd_too_big", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB, .global = { .ptb_forward = 1 } },
	  .pkt = { .l3 = L3_V6, .l4 = L4_TCP, .tcp = { .flags = TH_ACK }, PAYLOAD(S1024 S1024) },
	  .exp = PASSES(C_NONE), EGRESS },
	/* Exactly the MTU fits. */
	{ .name = "v4_fwd_exactly_mtu", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB, .global = { .ptb_forward = 1 } },
	  .pkt = { .l3 = L3_V4, .l4 = L4_TCP, .ip4 = { .frag = PKT_IP_DF },
		   .tcp = { .flags = TH_ACK }, PAYLOAD(S1024 S256 S64 S64 S16 S16 S16 "0123") },
	  .exp = STEERED(C_FWD), EGRESS },
	{ .name = "v4_fwd_syn_clamped_and_forwarded", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB, .global = { .ptb_forward = 1, .default_mtu = 1400 } },
	  .pkt = { .l3 = L3_V4, .l4 = L4_TCP,
		   .tcp = { .flags = TH_SYN, TCP_OPTS(TO_MSS(1460), TO_SACKOK, TO_NOP, TO_WS(7)) } },
	  .exp = { .verdict = VERDICT_REDIRECT, CLAMP_AT(0, 1360), .edit = edit_fib,
		   .cnt = CNT(.syn_seen = 1, .mss_clamped = 1, .fwd_steered = 1) },
	  .exp_on = { [PROG_TC_EGRESS] = &e_syn_egress_clamps } },
	{ .name = "v4_fwd_off", .netns = true, .cfg = FIB,
	  .pkt = { .l3 = L3_V4, .l4 = L4_TCP, .tcp = { .flags = TH_ACK }, PAYLOAD(S64) },
	  .exp = PASSES(C_NONE), EGRESS },
	{ .name = "v4_fwd_mode_off", .netns = true, .cfg = { .global = { .ptb_forward = 1 } },
	  .pkt = { .l3 = L3_V4, .l4 = L4_TCP, .tcp = { .flags = TH_ACK }, PAYLOAD(S64) },
	  .exp = PASSES(C_NONE), EGRESS },
	{ .name = "v4_fwd_local", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB, .global = { .ptb_forward = 1 } },
	  .pkt = { .l3 = L3_V4, .l4 = L4_TCP, .ip4 = { .dst = NS_LOCAL4 }, .tcp = { .flags = TH_ACK },
		   PAYLOAD(S64) },
	  .exp = PASSES(C_NONE), EGRESS },
	{ .name = "v4_fwd_unreachable", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB, .global = { .ptb_forward = 1 } },
	  .pkt = { .l3 = L3_V4, .l4 = L4_TCP, .ip4 = { .dst = NS_UNREACH4 },
		   .tcp = { .flags = TH_ACK }, PAYLOAD(S64) },
	  .exp = PASSES(CNT(.fib_miss = 1)), EGRESS },
	{ .name = "v4_fwd_unresolved_neighbour", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB, .global = { .ptb_forward = 1 } },
	  .pkt = { .l3 = L3_V4, .l4 = L4_TCP, .ip4 = { .dst = NS_UNRES4 },
		   .tcp = { .flags = TH_ACK }, PAYLOAD(S64) },
	  .exp = { .verdict = VERDICT_PASS, .cnt = C_NONE, .xdp_meta = META_DEFER },
	  ON_TC_IN(&e_unres_fwd_tc) },
	{ .name = "v6_fwd_unresolved_neighbour", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB, .global = { .ptb_forward = 1 } },
	  .pkt = { .l3 = L3_V6, .l4 = L4_TCP, .ip6 = { .dst = NS_UNRES6 },
		   .tcp = { .flags = TH_ACK }, PAYLOAD(S64) },
	  .exp = { .verdict = VERDICT_PASS, .cnt = C_NONE, .xdp_meta = META_DEFER },
	  ON_TC_IN(&e_unres_fwd_tc) },
	{ .name = "v4_fwd_ttl_1", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_FIB, .global = { .ptb_forward = 1 } },
	  .pkt = { .l3 = L3_V4, .l4 = L4_TCP, .ip4 = { .ttl = 1 }, .tcp = { .flags = TH_ACK },
		   PAYLOAD(S64) },
	  .exp = PASSES(C_FWD_DEFERRED), EGRESS },

	/* ==== never laxer than the kernel (bpf/strict.h) =========================
	 * What Linux's own forwarding would drop or not forward goes to the
	 * stack, counted fib_deferred: PTBs (their outer header and the flow
	 * they steer by) and `ptb forward on` alike, XDP and TC. */
	/* -- L2: not addressed to the interface (PACKET_OTHERHOST), or to
	 * broadcast / multicast: ip_rcv() / ip_forward() never forward it. */
	{ .name = "v4_fib_l2_otherhost", .netns = true, .cfg = FIB,
	  .pkt = { .eth_dst = { 0x02, 0, 0, 0, 0, 0x99 }, PTB4 },
	  .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v4_fib_l2_broadcast", .netns = true, .cfg = FIB,
	  .pkt = { .eth_dst = BCAST, PTB4 }, .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v4_fib_l2_multicast", .netns = true, .cfg = FIB,
	  .pkt = { .eth_dst = L2_MCAST4, PTB4 }, .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v6_fib_l2_otherhost", .netns = true, .cfg = FIB,
	  .pkt = { .eth_dst = { 0x02, 0, 0, 0, 0, 0x99 }, PTB6 },
	  .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v6_fib_l2_multicast", .netns = true, .cfg = FIB,
	  .pkt = { .eth_dst = L2_MCAST6, PTB6 }, .exp = PASSES(C_DEFERRED), EGRESS },
	/* One bit off the interface's address, at each end of it. */
	{ .name = "v4_fib_l2_first_byte_off", .netns = true, .cfg = FIB,
	  .pkt = { .eth_dst = { 0x06, 0, 0, 0, 0, 0x02 }, PTB4 },
	  .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v4_fib_l2_last_byte_off", .netns = true, .cfg = FIB,
	  .pkt = { .eth_dst = { 0x02, 0, 0, 0, 0, 0x03 }, PTB4 },
	  .exp = PASSES(C_DEFERRED), EGRESS },

	/* -- IPv4 outer destination (= the quote's source): limited
	 * broadcast, multicast, zero, loopback, class E. */
	{ .name = "v4_fib_outer_dst_limited_broadcast", .netns = true, .cfg = FIB,
	  .pkt = { OUT4("255.255.255.255"), FN4(q4_from_lbcast, 1400) },
	  .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v4_fib_outer_dst_multicast", .netns = true, .cfg = FIB,
	  .pkt = { OUT4("224.0.0.251"), FN4(q4_from_mcast, 1400) },
	  .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v4_fib_outer_dst_zero", .netns = true, .cfg = FIB,
	  .pkt = { OUT4("0.0.0.0"), FN4(q4_from_zero, 1400) },
	  .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v4_fib_outer_dst_loopback", .netns = true, .cfg = FIB,
	  .pkt = { OUT4("127.0.0.1"), FN4(q4_from_loopback, 1400) },
	  .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v4_fib_outer_dst_class_e", .netns = true, .cfg = FIB,
	  .pkt = { OUT4("240.0.0.1"), FN4(q4_from_class_e, 1400) },
	  .exp = PASSES(C_DEFERRED), EGRESS },
	/* -- IPv4 outer source (the sender of the error). */
	{ .name = "v4_fib_outer_src_loopback", .netns = true, .cfg = FIB,
	  .pkt = { OUT4S("127.0.0.1", VIP4), FN4(q4_tcp, 1400) },
	  .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v4_fib_outer_src_zero", .netns = true, .cfg = FIB,
	  .pkt = { OUT4S("0.0.0.0", VIP4), FN4(q4_tcp, 1400) },
	  .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v4_fib_outer_src_multicast", .netns = true, .cfg = FIB,
	  .pkt = { OUT4S("224.0.0.1", VIP4), FN4(q4_tcp, 1400) },
	  .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v4_fib_outer_src_limited_broadcast", .netns = true, .cfg = FIB,
	  .pkt = { OUT4S("255.255.255.255", VIP4), FN4(q4_tcp, 1400) },
	  .exp = PASSES(C_DEFERRED), EGRESS },
	/* The router's own addresses as the source: martian for the kernel,
	 * whatever rp_filter says (the reverse lookup finds a local route). */
	{ .name = "v4_fib_outer_src_local_ingress_address", .netns = true, .cfg = FIB,
	  .pkt = { OUT4S("192.0.2.1", VIP4), FN4(q4_tcp, 1400) },
	  .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v4_fib_outer_src_local_lo_address", .netns = true, .cfg = FIB,
	  .pkt = { OUT4S(NS_LOCAL4, VIP4), FN4(q4_tcp, 1400) },
	  .exp = PASSES(C_DEFERRED), EGRESS },
	/* -- the flow the error steers by: its source (the quote's
	 * destination) martian. */
	{ .name = "v4_fib_flow_src_loopback", .netns = true, .cfg = FIB,
	  .pkt = { OUT4(VIP4), FN4(q4_to_loopback, 1400) }, .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v4_fib_flow_src_multicast", .netns = true, .cfg = FIB,
	  .pkt = { OUT4(VIP4), FN4(q4_to_mcast, 1400) }, .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v4_fib_flow_src_zero", .netns = true, .cfg = FIB,
	  .pkt = { OUT4(VIP4), FN4(q4_to_zero, 1400) }, .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v4_fib_flow_src_limited_broadcast", .netns = true, .cfg = FIB,
	  .pkt = { OUT4(VIP4), FN4(q4_to_lbcast, 1400) }, .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v4_fib_flow_control", .netns = true, .cfg = FIB,
	  .pkt = { OUT4(VIP4), FN4(q4_short, 1400) }, .exp = STEERED(C_STEERED), EGRESS },
	/* -- the outer IPv4 header: a source route, a bad header checksum. */
	{ .name = "v4_fib_outer_lsrr", .netns = true, .cfg = FIB,
	  .pkt = { OUT4(VIP4, IP4_OPTS(131, 7, 4, 10, 2, 2, 2)), FN4(q4_tcp, 1400) },
	  .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v4_fib_outer_bad_ip_checksum", .netns = true, .cfg = FIB,
	  .pkt = { OUT4(VIP4, .csum_delta = 1), FN4(q4_tcp, 1400) },
	  .exp = PASSES(C_DEFERRED), EGRESS },
	/* -- reverse-path filtering of the error's sender.  ROUTER4 is on
	 * mtg_in's subnet, NS_FAR4 routed out of mtg_out. */
	{ .name = "v4_fib_rp_strict_sender_on_ingress", .netns = true, .cfg = FIB_RP(1),
	  .pkt = { PTB4 }, .exp = STEERED(C_STEERED), EGRESS },
	{ .name = "v4_fib_rp_strict_sender_elsewhere", .netns = true, .cfg = FIB_RP(1),
	  .pkt = { OUT4S(NS_FAR4, VIP4), FN4(q4_tcp, 1400) },
	  .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v4_fib_rp_loose_sender_elsewhere", .netns = true, .cfg = FIB_RP(2),
	  .pkt = { OUT4S(NS_FAR4, VIP4), FN4(q4_tcp, 1400) },
	  .exp = STEERED(C_STEERED), EGRESS },
	{ .name = "v4_fib_rp_off_sender_elsewhere", .netns = true, .cfg = FIB_RP(0),
	  .pkt = { OUT4S(NS_FAR4, VIP4), FN4(q4_tcp, 1400) },
	  .exp = STEERED(C_STEERED), EGRESS },
	{ .name = "v4_fib_rp_loose_sender_no_route", .netns = true, .cfg = FIB_RP(2),
	  .pkt = { OUT4S(NS_NOROUTE4, VIP4), FN4(q4_tcp, 1400) },
	  .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v4_fib_rp_loose_sender_blackhole", .netns = true, .cfg = FIB_RP(2),
	  .pkt = { OUT4S(NS_BLACKHOLE4, VIP4), FN4(q4_tcp, 1400) },
	  .exp = PASSES(C_DEFERRED), EGRESS },
	/* rp_filter off: the kernel forwards from a source it has no route
	 * to; the helper cannot tell that from a local source: deferred. */
	{ .name = "v4_fib_rp_off_sender_no_route", .netns = true, .cfg = FIB_RP(0),
	  .pkt = { OUT4S(NS_NOROUTE4, VIP4), FN4(q4_tcp, 1400) },
	  .exp = PASSES(C_DEFERRED), EGRESS },

	/* -- IPv6: multicast, link-local, loopback, unspecified and
	 * IPv4-mapped addresses. */
	{ .name = "v6_fib_outer_src_multicast", .netns = true, .cfg = FIB,
	  .pkt = { OUT6S("ff02::1", VIP6), TB6(q6_tcp, 1280) }, .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v6_fib_outer_src_link_local", .netns = true, .cfg = FIB,
	  .pkt = { OUT6S("fe80::1", VIP6), TB6(q6_tcp, 1280) }, .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v6_fib_outer_src_link_local_febf", .netns = true, .cfg = FIB,
	  .pkt = { OUT6S("febf::1", VIP6), TB6(q6_tcp, 1280) }, .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v6_fib_outer_src_loopback", .netns = true, .cfg = FIB,
	  .pkt = { OUT6S("::1", VIP6), TB6(q6_tcp, 1280) }, .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v6_fib_outer_src_unspecified", .netns = true, .cfg = FIB,
	  .pkt = { OUT6S("::", VIP6), TB6(q6_tcp, 1280) }, .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v6_fib_outer_src_v4_mapped", .netns = true, .cfg = FIB,
	  .pkt = { OUT6S("::ffff:192.0.2.254", VIP6), TB6(q6_tcp, 1280) },
	  .exp = PASSES(C_DEFERRED), EGRESS },
	/* fec0::/10 (site-local, deprecated) is forwarded like any other. */
	{ .name = "v6_fib_outer_src_fec0_steered", .netns = true, .cfg = FIB,
	  .pkt = { OUT6S("fec0::1", VIP6), TB6(q6_tcp, 1280) }, .exp = STEERED(C_STEERED), EGRESS },
	{ .name = "v6_fib_outer_dst_multicast", .netns = true, .cfg = FIB,
	  .pkt = { OUT6("ff0e::1"), TB6(q6_from_mcast, 1280) }, .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v6_fib_outer_dst_link_local", .netns = true, .cfg = FIB,
	  .pkt = { OUT6("fe80::2"), TB6(q6_from_linklocal, 1280) },
	  .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v6_fib_outer_dst_loopback", .netns = true, .cfg = FIB,
	  .pkt = { OUT6("::1"), TB6(q6_from_loopback, 1280) }, .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v6_fib_outer_dst_v4_mapped", .netns = true, .cfg = FIB,
	  .pkt = { OUT6("::ffff:10.2.2.2"), TB6(q6_from_mapped, 1280) },
	  .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v6_fib_flow_src_multicast", .netns = true, .cfg = FIB,
	  .pkt = { OUT6(VIP6), TB6(q6_to_mcast, 1280) }, .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v6_fib_flow_src_link_local", .netns = true, .cfg = FIB,
	  .pkt = { OUT6(VIP6), TB6(q6_to_linklocal, 1280) }, .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v6_fib_flow_src_loopback", .netns = true, .cfg = FIB,
	  .pkt = { OUT6(VIP6), TB6(q6_to_loopback, 1280) }, .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v6_fib_flow_src_unspecified", .netns = true, .cfg = FIB,
	  .pkt = { OUT6(VIP6), TB6(q6_to_unspec, 1280) }, .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v6_fib_flow_src_v4_mapped", .netns = true, .cfg = FIB,
	  .pkt = { OUT6(VIP6), TB6(q6_to_mapped, 1280) }, .exp = PASSES(C_DEFERRED), EGRESS },
	{ .name = "v6_fib_flow_control", .netns = true, .cfg = FIB,
	  .pkt = { OUT6(VIP6), TB6(q6_short, 1280) }, .exp = STEERED(C_STEERED), EGRESS },
	/* IPv6 has no reverse-path filter (and forwards from local
	 * sources): a sender without a route back is steered. */
	{ .name = "v6_fib_sender_no_route_steered", .netns = true, .cfg = FIB_RP(1),
	  .pkt = { OUT6S(NS_NOROUTE6, VIP6), TB6(q6_tcp, 1280) },
	  .exp = STEERED(C_STEERED), EGRESS },

	/* -- `ptb forward on`: the same rules for ordinary TCP / UDP. */
	{ .name = "v4_fwd_l2_otherhost", .netns = true, .cfg = FWD,
	  .pkt = { .eth_dst = { 0x02, 0, 0, 0, 0, 0x99 }, TCP4() },
	  .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v4_fwd_l2_broadcast", .netns = true, .cfg = FWD,
	  .pkt = { .eth_dst = BCAST, TCP4() }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v6_fwd_l2_multicast", .netns = true, .cfg = FWD,
	  .pkt = { .eth_dst = L2_MCAST6, TCP6() }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v4_fwd_dst_limited_broadcast", .netns = true, .cfg = FWD,
	  .pkt = { TCP4(.dst = "255.255.255.255") }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v4_fwd_dst_multicast", .netns = true, .cfg = FWD,
	  .pkt = { TCP4(.dst = "224.0.0.251") }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v4_fwd_dst_zero", .netns = true, .cfg = FWD,
	  .pkt = { TCP4(.dst = "0.0.0.0") }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v4_fwd_dst_loopback", .netns = true, .cfg = FWD,
	  .pkt = { TCP4(.dst = "127.0.0.1") }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v4_fwd_src_loopback", .netns = true, .cfg = FWD,
	  .pkt = { TCP4(.src = "127.0.0.1") }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v4_fwd_src_zero", .netns = true, .cfg = FWD,
	  .pkt = { TCP4(.src = "0.0.0.0") }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v4_fwd_src_multicast", .netns = true, .cfg = FWD,
	  .pkt = { TCP4(.src = "224.0.0.1") }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v4_fwd_src_limited_broadcast", .netns = true, .cfg = FWD,
	  .pkt = { TCP4(.src = "255.255.255.255") }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v4_fwd_src_local_ingress_address", .netns = true, .cfg = FWD,
	  .pkt = { TCP4(.src = "192.0.2.1") }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v4_fwd_src_local_other_address", .netns = true, .cfg = FWD,
	  .pkt = { TCP4(.src = "198.51.100.1") }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v4_fwd_src_local_lo_address", .netns = true, .cfg = FWD,
	  .pkt = { TCP4(.src = NS_LOCAL4) }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v4_fwd_lsrr", .netns = true, .cfg = FWD,
	  .pkt = { TCP4(IP4_OPTS(131, 7, 4, 10, 2, 2, 2)) }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v4_fwd_bad_ip_checksum", .netns = true, .cfg = FWD,
	  .pkt = { TCP4(.csum_delta = 0x100) }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	/* 20 + 20 + 64 bytes in the frame.  XDP passes a packet longer than
	 * its first buffer before the lookup (fwd.h), uncounted. */
	{ .name = "v4_fwd_ip_len_past_frame", .netns = true, .cfg = FWD,
	  .pkt = { TCP4(.tot_len_override = 20 + 20 + 64 + 1) }, .exp = PASSES(C_FWD_DEFERRED),
	  ON_XDP_TC(&e_pass_uncounted, NULL) },
	{ .name = "v4_fwd_ip_len_under_header", .netns = true, .cfg = FWD,
	  .pkt = { TCP4(.tot_len_override = 19) }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v4_fwd_ip_len_whole_frame", .netns = true, .cfg = FWD,
	  .pkt = { TCP4(.tot_len_override = 20 + 20 + 64) }, .exp = STEERED(C_FWD), EGRESS },
	{ .name = "v4_fwd_rp_strict_client", .netns = true, .cfg = FWD_RP(1),
	  .pkt = { TCP4() }, .exp = STEERED(C_FWD), EGRESS },
	{ .name = "v4_fwd_rp_strict_src_elsewhere", .netns = true, .cfg = FWD_RP(1),
	  .pkt = { TCP4(.src = NS_FAR4) }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v4_fwd_rp_loose_src_elsewhere", .netns = true, .cfg = FWD_RP(2),
	  .pkt = { TCP4(.src = NS_FAR4) }, .exp = STEERED(C_FWD), EGRESS },
	{ .name = "v4_fwd_rp_off_src_elsewhere", .netns = true, .cfg = FWD_RP(0),
	  .pkt = { TCP4(.src = NS_FAR4) }, .exp = STEERED(C_FWD), EGRESS },
	{ .name = "v4_fwd_rp_loose_src_no_route", .netns = true, .cfg = FWD_RP(2),
	  .pkt = { TCP4(.src = NS_NOROUTE4) }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v4_fwd_rp_loose_src_blackhole", .netns = true, .cfg = FWD_RP(2),
	  .pkt = { TCP4(.src = NS_BLACKHOLE4) }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v4_fwd_rp_off_src_no_route", .netns = true, .cfg = FWD_RP(0),
	  .pkt = { TCP4(.src = NS_NOROUTE4) }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	/* conf/all/rp_filter counts as much as the device's own. */
	{ .name = "v4_fwd_rp_strict_one_armed", .netns = true, .cfg = FWD_RP(1),
	  .pkt = { TCP4(.dst = NS_ONEARM4) }, .exp = STEERED_TX(C_FWD),
	  ON_TC_IN(&e_onearm_fwd_tc) },
	/* XDP hands an unresolved neighbour to TC, which checks the source. */
	{ .name = "v4_fwd_rp_strict_unresolved_neighbour", .netns = true, .cfg = FWD_RP(1),
	  .pkt = { TCP4(.src = NS_FAR4, .dst = NS_UNRES4) },
	  .exp = { .verdict = VERDICT_PASS, .cnt = C_NONE, .xdp_meta = META_DEFER },
	  ON_TC_IN(&e_unres_fwd_tc_deferred) },
	{ .name = "v4_fwd_udp_src_multicast", .netns = true, .cfg = FWD,
	  .pkt = { .l3 = L3_V4, .l4 = L4_UDP, .ip4 = { .src = "224.0.0.9" }, PAYLOAD(S64) },
	  .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v6_fwd_src_multicast", .netns = true, .cfg = FWD,
	  .pkt = { TCP6(.src = "ff02::1") }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v6_fwd_src_link_local", .netns = true, .cfg = FWD,
	  .pkt = { TCP6(.src = "fe80::1") }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v6_fwd_src_loopback", .netns = true, .cfg = FWD,
	  .pkt = { TCP6(.src = "::1") }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v6_fwd_src_unspecified", .netns = true, .cfg = FWD,
	  .pkt = { TCP6(.src = "::") }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v6_fwd_src_v4_mapped", .netns = true, .cfg = FWD,
	  .pkt = { TCP6(.src = "::ffff:10.1.1.1") }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v6_fwd_dst_multicast", .netns = true, .cfg = FWD,
	  .pkt = { TCP6(.dst = "ff0e::1") }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v6_fwd_dst_link_local", .netns = true, .cfg = FWD,
	  .pkt = { TCP6(.dst = "fe80::2") }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v6_fwd_dst_loopback", .netns = true, .cfg = FWD,
	  .pkt = { TCP6(.dst = "::1") }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v6_fwd_dst_v4_mapped", .netns = true, .cfg = FWD,
	  .pkt = { TCP6(.dst = "::ffff:10.2.2.2") }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v6_fwd_hop_limit_1", .netns = true, .cfg = FWD,
	  .pkt = { TCP6(.hlim = 1) }, .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	{ .name = "v6_fwd_hbh", .netns = true, .cfg = FWD,
	  .pkt = { TCP6(.n_ext = 1, .ext = { { IPPROTO_HOPOPTS, 0 } }) },
	  .exp = PASSES(C_FWD_DEFERRED), EGRESS },
	/* A Destination Options header is the destination's business. */
	{ .name = "v6_fwd_dstopts_steered", .netns = true, .cfg = FWD,
	  .pkt = { TCP6(.n_ext = 1, .ext = { { IPPROTO_DSTOPTS, 0 } }) },
	  .exp = STEERED(C_FWD), EGRESS },
	{ .name = "v6_fwd_payload_len_past_frame", .netns = true, .cfg = FWD,
	  .pkt = { TCP6(.plen_override = 20 + 64 + 1) }, .exp = PASSES(C_FWD_DEFERRED),
	  ON_XDP_TC(&e_pass_uncounted, NULL) },
	{ .name = "v6_fwd_src_no_route_steered", .netns = true, .cfg = FWD_RP(1),
	  .pkt = { TCP6(.src = NS_NOROUTE6) }, .exp = STEERED(C_FWD), EGRESS },
	/* VLAN-tagged frames stay the fib_miss they were. */
	{ .name = "v4_fwd_vlan_src_multicast", .netns = true, .cfg = FWD,
	  .pkt = { .vlan = { Q_TAG }, TCP4(.src = "224.0.0.1") },
	  .exp = PASSES(CNT(.fib_miss = 1)), EGRESS },


	/* ==== broadcast mode (TC ingress; private namespace) ===================
	 * XDP leaves the PTB to TC ingress, untouched and uncounted. */
	{ .name = "v4_bcast", .netns = true, .cfg = BCASTM, .pkt = { PTB4 },
	  .exp = PASSES(C_NONE), ON_XDP_TC(&e_xdp_leaves, &e_bcast) },
	{ .name = "v6_bcast", .netns = true, .cfg = BCASTM, .pkt = { PTB6 },
	  .exp = PASSES(C_NONE), ON_XDP_TC(&e_xdp_leaves, &e_bcast) },
	{ .name = "v4_bcast_8_bytes_of_l4", .netns = true, .cfg = BCASTM,
	  .pkt = { OUT4(VIP4), FN4(q4_tcp, 1400, .inner_len = 28) },
	  .exp = PASSES(C_NONE), ON_XDP_TC(&e_xdp_leaves, &e_bcast) },
	{ .name = "v4_bcast_outer_vlan", .netns = true, .cfg = BCASTM,
	  .pkt = { .vlan = { Q_TAG }, PTB4 },
	  .exp = PASSES(C_NONE), ON_XDP_TC(&e_xdp_leaves, &e_bcast) },
	/* Already sent to broadcast: never again (no loops). */
	{ .name = "v4_bcast_already_broadcast", .netns = true, .cfg = BCASTM,
	  .pkt = { .eth_dst = BCAST, PTB4 },
	  .exp = PASSES(C_NONE), ON_XDP_TC(&e_xdp_leaves, &e_bcast_seen) },
	{ .name = "v6_bcast_already_broadcast", .netns = true, .cfg = BCASTM,
	  .pkt = { .eth_dst = BCAST, PTB6 },
	  .exp = PASSES(C_NONE), ON_XDP_TC(&e_xdp_leaves, &e_bcast_seen) },
	{ .name = "v4_bcast_invalid", .netns = true, .cfg = BCASTM,
	  .pkt = { OUT4(VIP4), FN4(q4_tcp, 1400, .csum_delta = 1) },
	  .exp = PASSES(C_NONE), ON_XDP_TC(&e_xdp_leaves, &e_bcast_invalid) },
	{ .name = "v6_bcast_mtu_too_small_drop", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_BROADCAST, .global = { .ptb_invalid = MTUG_INVALID_DROP } },
	  .pkt = { OUT6(VIP6), TB6(q6_tcp, 1000) },
	  .exp = DROPS(C_TOO_SMALL), ON_XDP_TC(&e_xdp_leaves, NULL) },
	/* Rate 1 per second: of two back-to-back PTBs the second is over it. */
	{ .name = "v4_bcast_rate_limited", .netns = true, .repeat = 2,
	  .cfg = { .ptb_mode = MTUG_PTB_BROADCAST, .global = { .ptb_rate_pps = 1 } },
	  .pkt = { PTB4 }, .exp = PASSES(C_NONE),
	  .exp_on = { [PROG_XDP] = &e_xdp_leaves2, [PROG_TC_INGRESS] = &e_bcast_rate,
		      [PROG_TC_EGRESS] = &e_egress2 } },
	{ .name = "v6_bcast_rate_limited", .netns = true, .repeat = 2,
	  .cfg = { .ptb_mode = MTUG_PTB_BROADCAST, .global = { .ptb_rate_pps = 1 } },
	  .pkt = { PTB6 }, .exp = PASSES(C_NONE),
	  .exp_on = { [PROG_XDP] = &e_xdp_leaves2, [PROG_TC_INGRESS] = &e_bcast_rate,
		      [PROG_TC_EGRESS] = &e_egress2 } },
	/* Behind XDP in broadcast mode TC ingress still does the PTBs (XDP
	 * counted the packet). */
	{ .name = "v4_bcast_tc_behind_xdp", .netns = true,
	  .cfg = { .ptb_mode = MTUG_PTB_BROADCAST, .attach = MTUG_A_XDP_NATIVE | MTUG_A_TC_INGRESS },
	  .pkt = { PTB4 }, .exp = PASSES(C_NONE), ON_XDP_TC(&e_xdp_leaves, &e_bcast_behind_xdp) },
	{ .name = "v4_bcast_not_a_ptb", .netns = true, .cfg = BCASTM,
	  .pkt = { OUT4(VIP4), ICMPX(11, 0, &q4_tcp) }, .exp = PASSES(C_NONE), EGRESS },
};

const struct fixture_set ptb_fixtures = {
	.name = "ptb",
	.f = fixtures,
	.n = sizeof(fixtures) / sizeof(fixtures[0]),
};
