/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * pktbuild.h - a small packet builder for the unit tests.
 *
 * Two levels:
 *
 *  1. A layer API (pkt_eth, pkt_vlan, pkt_ipv4, ... , pkt_finish): append
 *     headers one after another, then pkt_finish() fills in what links them
 *     (ethertypes, protocol / next-header fields, IP lengths) and every
 *     checksum (IPv4 header, TCP/UDP/ICMP/ICMPv6 with pseudo-header).
 *
 *  2. A declarative struct pkt_spec (used by the fixture tables) that
 *     pkt_build() turns into layer calls.  An ICMP error quoting a packet
 *     points .icmp.inner at another spec, built without Ethernet, finished
 *     on its own and quoted (optionally cut to .icmp.inner_len bytes).
 *
 * Every field left 0 gets a sensible default; "0 = auto" means pkt_finish()
 * computes it.  Fields named *_override exist only to build broken packets.
 * csum_delta fields store a checksum that is wrong by exactly that amount
 * (added in one's complement): an incremental update (RFC 1624) keeps such
 * an error as it is, a recomputation from scratch would hide it.
 */
#ifndef MTUG_PKTBUILD_H
#define MTUG_PKTBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h> /* IPPROTO_* */
#include <linux/types.h>

/* Room for a 9000-byte IP packet behind Ethernet and VLAN tags, and more:
 * multi-buffer XDP frames (harness.h, harness_xdp_buf_len). */
#define PKT_MAX        10240
#define PKT_MAX_LAYERS 16

/* Defaults used when a spec leaves them empty. */
#define PKT_DEF_V4_SRC "10.1.1.1"
#define PKT_DEF_V4_DST "10.2.2.2"
#define PKT_DEF_V6_SRC "2001:db8:1::1"
#define PKT_DEF_V6_DST "2001:db8:2::2"
#define PKT_DEF_SPORT  40000
#define PKT_DEF_DPORT  80

/* TCP flags */
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20
#define TH_ECE 0x40
#define TH_CWR 0x80

/* TCP option bytes, for TCP_OPTS(...) */
#define TO_EOL          0
#define TO_NOP          1
#define TO_MSS(v)       2, 4, (__u8)((v) >> 8), (__u8)((v) & 0xff)
#define TO_WS(s)        3, 3, (s)
#define TO_SACKOK       4, 2
#define TO_TS(a, b)     8, 10, (__u8)((a) >> 24), (__u8)((a) >> 16), \
			(__u8)((a) >> 8), (__u8)(a), (__u8)((b) >> 24), \
			(__u8)((b) >> 16), (__u8)((b) >> 8), (__u8)(b)

/* Inline byte arrays in specs: the field and its length in one go. */
#define PKT_BYTES(field, ...) \
	.field = { __VA_ARGS__ }, .field##_len = sizeof((__u8[]){ __VA_ARGS__ })
#define TCP_OPTS(...) PKT_BYTES(opts, __VA_ARGS__)
#define IP4_OPTS(...) PKT_BYTES(opts, __VA_ARGS__)
#define PAYLOAD(str)  .payload = (const __u8 *)(str), .payload_len = sizeof(str) - 1

enum pkt_layer_kind {
	PL_ETH,
	PL_VLAN,
	PL_IPV4,
	PL_IPV6,
	PL_IPV6_EXT, /* Hop-by-Hop, Routing, Destination Options, Fragment */
	PL_TCP,
	PL_UDP,
	PL_ICMP4,
	PL_ICMP6,
	PL_RAW,      /* opaque bytes with an IP protocol number (AH, ESP, ...) */
};

struct pkt_layer {
	enum pkt_layer_kind kind;
	__u16 off;   /* from the start of the buffer */
	__u16 hlen;  /* header length */
	__u16 id;    /* what the previous layer calls it: ethertype or IP proto */
	__u8 keep_next;  /* next-protocol field set explicitly, keep it */
	__u8 keep_len;   /* length field set explicitly, keep it */
	__u16 csum_delta; /* added (one's complement) to the computed checksum */
	__u8 csum_partial; /* store the pseudo-header sum only, as Linux does
			    * for a CHECKSUM_PARTIAL segment */
};

struct pkt {
	__u8 data[PKT_MAX];
	size_t len;
	int nlayers;
	struct pkt_layer layer[PKT_MAX_LAYERS];
	const char *err; /* first builder error, NULL when fine */
};

/* ---- layer API ----------------------------------------------------------- */

struct ip4_spec {
	const char *src, *dst; /* NULL = PKT_DEF_V4_* */
	__u8 ttl;              /* 0 = 64 */
	__u8 tos;
	__u16 id;
	__u16 frag;            /* host order: IP_DF / IP_MF bits | offset in 8-byte units */
	__u8 opts[40];         /* raw IPv4 options, padded with EOL to 4 bytes */
	__u8 opts_len;
	__u8 ihl_override;     /* 0 = auto */
	__u16 tot_len_override;/* 0 = auto */
	__u16 csum_delta;      /* added (one's complement) to the correct header checksum */
};

#define PKT_IP_DF 0x4000
#define PKT_IP_MF 0x2000

struct ip6_ext_spec {
	__u8 type;       /* IPPROTO_HOPOPTS / ROUTING / DSTOPTS / FRAGMENT */
	__u8 hdrlen;     /* 8-octet units after the first 8 (Fragment: ignored) */
	__u16 frag_off;  /* Fragment: offset in 8-byte units */
	__u8 frag_mf;    /* Fragment: more fragments */
};

struct ip6_spec {
	const char *src, *dst; /* NULL = PKT_DEF_V6_* */
	__u8 hlim;             /* 0 = 64 */
	__u8 tclass;
	__u32 flow;
	__u8 n_ext;
	struct ip6_ext_spec ext[6];
	__u16 plen_override;   /* 0 = auto */
};

struct tcp_spec {
	__u16 sport, dport;    /* 0 = PKT_DEF_SPORT / PKT_DEF_DPORT */
	__u32 seq, ack;
	__u8 flags;            /* TH_* */
	__u16 win;             /* 0 = 64240 */
	__u8 opts[40];         /* raw options, padded with EOL to 4 bytes */
	__u8 opts_len;
	__u8 doff_override;    /* 0 = auto */
	__u16 csum_delta;      /* added (one's complement) to the correct checksum */
	__u8 csum_partial;     /* checksum field = pseudo-header sum (offload) */
};

struct pkt_spec; /* for ICMP quotes */

struct icmp_spec {
	__u8 type, code;
	__u32 rest;            /* bytes 4..7 (e.g. next-hop MTU / MTU), host order */
	const struct pkt_spec *inner; /* quoted packet, built from its L3 */
	__u16 inner_len;       /* quote at most this many bytes, 0 = all */
	__u16 csum_delta;
};

void pkt_init(struct pkt *p);
void pkt_eth(struct pkt *p, const __u8 *dst, const __u8 *src, __u16 ethertype);
void pkt_vlan(struct pkt *p, __u16 tpid, __u16 tci);
void pkt_ipv4(struct pkt *p, const struct ip4_spec *s);
void pkt_ipv6(struct pkt *p, const struct ip6_spec *s);
void pkt_ipv6_ext(struct pkt *p, const struct ip6_ext_spec *s);
void pkt_tcp(struct pkt *p, const struct tcp_spec *s);
void pkt_udp(struct pkt *p, __u16 sport, __u16 dport);
void pkt_icmp4(struct pkt *p, __u8 type, __u8 code, __u32 rest, __u16 csum_delta);
void pkt_icmp6(struct pkt *p, __u8 type, __u8 code, __u32 rest, __u16 csum_delta);
void pkt_raw(struct pkt *p, __u8 proto, const void *b, size_t n);
void pkt_bytes(struct pkt *p, const void *b, size_t n); /* payload */
/* Link the layers, fill lengths and every checksum.  Returns 0 or -1 (see
 * p->err). */
int pkt_finish(struct pkt *p);
/* Recompute every checksum from scratch (after an explicit edit). */
void pkt_refresh_csums(struct pkt *p);

/* RFC 1071 arithmetic the builder uses, for other independent checkers
 * (the fuzzer's model): the sum of big-endian 16-bit words, an odd trailing
 * byte padded with zero, not folded; and the fold to 16 bits. */
__u32 pkt_sum16(const __u8 *b, size_t n, __u32 sum);
__u16 pkt_fold(__u32 sum);
void pkt_truncate(struct pkt *p, size_t len);
/* Layer lookup: the n-th (from 0) layer of that kind, or NULL. */
const struct pkt_layer *pkt_find(const struct pkt *p, enum pkt_layer_kind kind, int n);

/* Field access in network order. */
void pkt_put16(struct pkt *p, size_t off, __u16 v);
__u16 pkt_get16(const struct pkt *p, size_t off);

/* ---- declarative spec ------------------------------------------------------ */

enum pkt_l3 { L3_NONE, L3_V4, L3_V6 };
enum pkt_l4 { L4_NONE, L4_TCP, L4_UDP, L4_ICMP, L4_RAW };

struct vlan_spec {
	__u16 tpid; /* ETH_P_8021Q / ETH_P_8021AD; 0 ends the list */
	__u16 tci;
};

struct pkt_spec {
	bool no_eth;               /* start at L3 (quoted packets) */
	__u8 eth_dst[6], eth_src[6]; /* all zero = defaults */
	__u16 ethertype;           /* 0 = from the next layer */
	struct vlan_spec vlan[3];
	enum pkt_l3 l3;
	struct ip4_spec ip4;
	struct ip6_spec ip6;
	enum pkt_l4 l4;
	struct tcp_spec tcp;
	struct { __u16 sport, dport; } udp; /* 0 = PKT_DEF_SPORT / 53 */
	struct icmp_spec icmp;     /* L4_ICMP: ICMPv4 over IPv4, ICMPv6 over IPv6 */
	__u8 raw_proto;            /* L4_RAW: its IP protocol number */
	const __u8 *payload;       /* after L4 (L4_RAW: the raw bytes) */
	__u16 payload_len;
	__u16 fill;                /* then this many bytes of text ("0123...
				    * cdef" over and over): large frames */
	__u16 truncate;            /* cut the finished frame to this length, 0 = keep */
	__u16 trailer;             /* then this many zero bytes after the IP
				    * packet, in no length field (L2 padding) */
};

int pkt_build(struct pkt *p, const struct pkt_spec *s);

#endif /* MTUG_PKTBUILD_H */
