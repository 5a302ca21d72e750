// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * gen.c - random configurations and packets for the datapath fuzzer.
 *
 * Packets come four ways:
 *   struct   a random struct pkt_spec through the unit builder: VLAN tags,
 *            IPv4 options, IPv6 extension headers, TCP option layouts from
 *            a grammar (good, odd, malformed), ICMP errors quoting random
 *            packets; sometimes a wrong checksum, a cut frame, padding
 *   fixture  a unit fixture (tests/unit/fixtures_*.c), built, then 1-4
 *            byte mutations, checksums refreshed half the time so the
 *            mutated options are still reached by a "valid" packet
 *   raw      random bytes behind a likely Ethernet header
 *   hostile  forged ICMP errors (random inner tuples, outer dst != inner
 *            src, MTU 0/68/500, bad checksums, cut quotes, quotes of ICMP
 *            errors) mixed with genuine ones
 * Some struct and hostile frames are multi-buffer for XDP (longer than
 * harness_xdp_buf_len(), up to 9 KB): long payloads and quotes, kilobytes
 * of IPv6 extension headers that push the headers towards or past the
 * first buffer's end, or trailing bytes behind the IP packet.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

const char *const gen_kind_name[GEN__COUNT] = {
	[GEN_STRUCT] = "struct",
	[GEN_FIXTURE] = "fixture",
	[GEN_RAW] = "raw",
	[GEN_HOSTILE] = "hostile",
};

/* Other fixture tables, if the unit tests grow them (weak: optional). */
extern const struct fixture_set ptb_fixtures __attribute__((weak));
extern const struct fixture_set jumbo_fixtures __attribute__((weak));

/* ---- addresses -------------------------------------------------------------- */

/* Pools the configurations' prefixes and the namespace's routes know
 * (fuzz_datapath.c, ns_setup): 10.99/16 has a route MTU, 10.250.0.1 and
 * 2001:db8:250::1 are local, 10.97/16 is on-link without neighbours. */
static const char *const v4_pool[] = {
	"10.1.1.1", "10.2.2.2", "10.1.200.7", "10.99.0.5", "10.99.3.3", "10.250.0.1",
	"10.97.0.9", "192.0.2.2", "192.0.2.77", "198.51.100.1", "127.0.0.1",
	"0.0.0.0", "255.255.255.255", "224.0.0.1", "10.2.9.9",
};
static const char *const v6_pool[] = {
	"2001:db8:1::1", "2001:db8:2::2", "2001:db8:99::5", "2001:db8:99:1::9",
	"2001:db8:250::1", "2001:db8:ff::2", "2001:db8:97::3", "fe80::1", "::1",
	"ff02::1", "::", "2001:db8:2::77", "2001:db8:1:2::3",
};

static char addrbuf[8][64];
static int addrslot;

static const char *rand_addr(struct rng *r, bool v4)
{
	char *b = addrbuf[addrslot++ % 8];
	__u8 a[16];

	if (rng_pct(r, 80))
		return v4 ? PICK(r, v4_pool) : PICK(r, v6_pool);
	for (int i = 0; i < 16; i++)
		a[i] = (__u8)rng_next(r);
	if (!v4 && rng_pct(r, 70)) {
		a[0] = 0x20;
		a[1] = 0x01;
		a[2] = 0x0d;
		a[3] = 0xb8;
	}
	inet_ntop(v4 ? AF_INET : AF_INET6, a, b, 64);
	return b;
}

/* ---- configuration ------------------------------------------------------------ */

static const __u32 mtu_v4_vals[] = { 68, 576, 1000, 1280, 1300, 1400, 1420, 1450,
				     1480, 1492, 1500, 9000, 65535 };
static const __u32 mtu_v6_vals[] = { 1280, 1300, 1400, 1420, 1450, 1480, 1492, 1500,
				     9000, 65535 };

static __u32 rand_mtu(struct rng *r, bool v4)
{
	if (rng_pct(r, 80))
		return v4 ? PICK(r, mtu_v4_vals) : PICK(r, mtu_v6_vals);
	return rng_range(r, v4 ? 68 : 1280, 65535);
}

static const char *const v4_prefixes[] = {
	"10.1.0.0/16", "10.2.2.0/24", "10.0.0.0/8", "10.99.0.0/16", "10.2.2.2/32",
	"0.0.0.0/0", "10.1.1.0/24", "192.0.2.0/24", "10.250.0.1/32",
};
static const char *const v6_prefixes[] = {
	"2001:db8:1::/48", "2001:db8:2::/64", "2001:db8::/32", "2001:db8:99::/48",
	"::/0", "2001:db8:2::2/128", "2001:db8:1::/64", "fe80::/10",
};

static void add_prefix(struct fz_cfg *c, const char *text, __u32 mtu)
{
	struct fz_prefix *p = &c->pfx[c->npfx];
	char buf[64], *slash;

	snprintf(buf, sizeof(buf), "%s", text);
	slash = strchr(buf, '/');
	*slash = '\0';
	p->v4 = !strchr(buf, ':');
	memset(p->addr, 0, sizeof(p->addr));
	inet_pton(p->v4 ? AF_INET : AF_INET6, buf, p->addr);
	p->len = (__u32)atoi(slash + 1);
	p->mtu = mtu;
	snprintf(c->text[c->npfx], sizeof(c->text[0]), "%s", text);
	c->spec.prefix[c->npfx].prefix = c->text[c->npfx];
	c->spec.prefix[c->npfx].mtu = mtu;
	c->npfx++;
}

void cfg_random(struct rng *r, struct fz_cfg *c)
{
	struct cfg_spec *s = &c->spec;
	struct mtug_global_cfg *g = &s->global;
	static const __u32 rates[] = { 0, 1, 3, 1000 };
	int n;

	memset(c, 0, sizeof(*c));
	s->no_iface = rng_pct(r, 5);
	if (rng_pct(r, 12))
		s->features_off |= MTUG_F_MSS;
	if (rng_pct(r, 12))
		s->features_off |= MTUG_F_PTB;
	s->iface_mtu = rng_pct(r, 25) ? rand_mtu(r, true) : 0;
	s->ptb_mode = rng_below(r, 3);
	switch (rng_below(r, 4)) {
	case 0: s->attach = 0; break;
	case 1: s->attach = MTUG_A_TC_INGRESS | MTUG_A_TC_EGRESS; break;
	case 2: s->attach = MTUG_A_XDP_NATIVE | MTUG_A_TC_INGRESS | MTUG_A_TC_EGRESS; break;
	default: s->attach = MTUG_A_XDP_GENERIC | MTUG_A_TC_INGRESS; break;
	}
	g->default_mtu = rng_pct(r, 50) ? rand_mtu(r, true) : 0;
	g->mtu_source = rng_pct(r, 25) ? MTUG_SRC_PMTU : MTUG_SRC_MAP;
	g->ptb_min_mtu_v4 = rng_pct(r, 20) ? rng_range(r, 68, 1500) : 0;
	g->ptb_min_mtu_v6 = rng_pct(r, 20) ? rng_range(r, 1280, 1500) : 0;
	g->ptb_rate_pps = PICK(r, rates);
	g->ptb_forward = rng_pct(r, 20);
	g->ptb_all_errors = rng_pct(r, 25);
	g->ptb_invalid = rng_pct(r, 30) ? MTUG_INVALID_DROP : MTUG_INVALID_PASS;
	n = rng_below(r, 7);
	for (int i = 0; i < n && c->npfx < FZ_MAX_PREFIX; i++) {
		bool v4 = rng_pct(r, 55);
		const char *t = v4 ? PICK(r, v4_prefixes) : PICK(r, v6_prefixes);
		bool dup = false;

		for (int j = 0; j < c->npfx; j++)
			dup |= !strcmp(c->text[j], t);
		if (!dup)
			add_prefix(c, t, rand_mtu(r, v4));
	}
}

void cfg_describe(const struct fz_cfg *c, char *buf, size_t len)
{
	const struct cfg_spec *s = &c->spec;
	const struct mtug_global_cfg *g = &s->global;
	static const char *const modes[] = { "off", "fib", "broadcast" };
	size_t n;

	n = snprintf(buf, len,
		     "%s features=%s%s iface_mtu=%u ptb_mode=%s attach=0x%x default=%u "
		     "source=%s min_mtu=%u/%u rate=%u forward=%u errors=%s invalid=%s prefixes:",
		     s->no_iface ? "NO-IFACE" : "iface",
		     s->features_off & MTUG_F_MSS ? "-" : "mss",
		     s->features_off & MTUG_F_PTB ? "" : "+ptb", s->iface_mtu,
		     modes[s->ptb_mode % 3], s->attach, g->default_mtu,
		     g->mtu_source == MTUG_SRC_PMTU ? "pmtu" : "map", g->ptb_min_mtu_v4,
		     g->ptb_min_mtu_v6, g->ptb_rate_pps, g->ptb_forward,
		     g->ptb_all_errors ? "all" : "frag",
		     g->ptb_invalid ? "drop" : "pass");
	for (int i = 0; i < c->npfx && n < len; i++)
		n += snprintf(buf + n, len - n, " %s=%u", c->text[i], c->pfx[i].mtu);
}

/* ---- TCP options grammar ------------------------------------------------------- */

static const __u16 mss_vals[] = { 0, 1, 88, 536, 1200, 1220, 1240, 1260, 1340, 1360,
				  1380, 1400, 1440, 1452, 1460, 8960, 65535 };

/* The layouts common stacks send, MSS first (the datapath reads these by
 * whole words, the rest byte by byte): 'M' the MSS value, 'T' a timestamp
 * byte, 'W' a window scale; random values, so that a timestamp can hold
 * what looks like an MSS option. */
#define LAYOUT(s) { s, sizeof(s) - 1 }
static const struct {
	const char *b;
	size_t n;
} stack_layouts[] = {
	LAYOUT("\x02\x04MM\x04\x02\x08\x0aTTTTTTTT\x01\x03\x03W"), /* Linux */
	LAYOUT("\x02\x04MM\x04\x02\x08\x0aTTTTTTTT"),                 /* Linux, no WS */
	LAYOUT("\x02\x04MM\x01\x01\x04\x02\x01\x03\x03W"),             /* Linux, no TS */
	LAYOUT("\x02\x04MM\x01\x03\x03W\x01\x01\x04\x02"),             /* Windows */
	LAYOUT("\x02\x04MM\x01\x03\x03W\x01\x01\x08\x0aTTTTTTTT\x04\x02\x00\x00"), /* macOS */
	LAYOUT("\x02\x04MM\x01\x03\x03W\x04\x02\x08\x0aTTTTTTTT"),     /* FreeBSD */
	LAYOUT("\x02\x04MM\x01\x01\x01\x01"),
	LAYOUT("\x02\x04MM"),
};
#undef LAYOUT

/* Append random options to o (at most 40 bytes); returns the length.
 * One in eight start with a common stack's layout, maybe cut short, which
 * the random options after it (if any) may extend or break. */
static __u8 rand_tcp_opts(struct rng *r, __u8 *o)
{
	__u8 n = 0, limit = (__u8)rng_range(r, 0, 40);

	if (rng_pct(r, 15))
		limit = 40;
	if (rng_pct(r, 12)) {
		__u32 k = rng_below(r, sizeof(stack_layouts) / sizeof(stack_layouts[0]));
		const char *l = stack_layouts[k].b;
		__u16 v = rng_pct(r, 85) ? PICK(r, mss_vals) : (__u16)rng_next(r);

		for (size_t i = 0; i < stack_layouts[k].n; i++) {
			char c = l[i];

			o[n++] = c == 'M' ? (i == 2 ? v >> 8 : v & 0xff) :
				 c == 'T' ? (__u8)rng_next(r) :
				 c == 'W' ? (__u8)rng_below(r, 15) : (__u8)c;
		}
		/* Cut short: an option that runs past the area. */
		if (rng_pct(r, 25))
			n = (__u8)rng_range(r, 4, n);
		if (rng_pct(r, 50))
			return n;
		if (limit < n)
			limit = n + (__u8)rng_below(r, 40 - n + 1);
	}
	while (n < limit) {
		__u8 room = limit - n;
		__u32 k = rng_below(r, 100);

		if (k < 30 && room >= 4) {          /* MSS, good */
			__u16 v = rng_pct(r, 85) ? PICK(r, mss_vals) : (__u16)rng_next(r);

			o[n++] = 2; o[n++] = 4; o[n++] = v >> 8; o[n++] = v & 0xff;
		} else if (k < 50) {                /* NOP */
			o[n++] = 1;
		} else if (k < 55) {                /* EOL, and maybe junk behind it */
			o[n++] = 0;
			if (rng_pct(r, 50))
				break;
		} else if (k < 62 && room >= 3) {   /* WS */
			o[n++] = 3; o[n++] = 3; o[n++] = (__u8)rng_below(r, 15);
		} else if (k < 68 && room >= 2) {   /* SACK permitted */
			o[n++] = 4; o[n++] = 2;
		} else if (k < 76 && room >= 10) {  /* timestamps */
			o[n++] = 8; o[n++] = 10;
			for (int i = 0; i < 8; i++)
				o[n++] = (__u8)rng_next(r);
		} else if (k < 82 && room >= 2) {   /* unknown kind, fitting length */
			__u8 l = (__u8)rng_range(r, 2, room < 12 ? room : 12);

			o[n++] = (__u8)rng_range(r, 5, 254);
			o[n++] = l;
			for (int i = 2; i < l; i++)
				o[n++] = (__u8)rng_next(r);
		} else if (k < 88 && room >= 2) {   /* MSS with a bad length */
			static const __u8 bad[] = { 0, 1, 2, 3, 5, 6, 8, 40 };
			__u8 l = PICK(r, bad);

			o[n++] = 2; o[n++] = l;
			for (int i = 2; i < l && n < limit; i++)
				o[n++] = (__u8)rng_next(r);
		} else if (k < 94 && room >= 2) {   /* some kind with length 0/1/too long */
			o[n++] = (__u8)rng_range(r, 3, 30);
			o[n++] = rng_pct(r, 50) ? (__u8)rng_below(r, 2) : (__u8)(room + rng_range(r, 1, 20));
		} else {                            /* a random byte */
			o[n++] = (__u8)rng_next(r);
		}
	}
	return n;
}

/* ---- structured packets ------------------------------------------------------- */

static const __u16 v4_icmp_mtus[] = { 0, 1, 68, 296, 500, 551, 552, 553, 576, 1000,
				      1279, 1280, 1300, 1400, 1480, 1500, 9000, 65535 };
static const __u32 v6_icmp_mtus[] = { 0, 68, 500, 1279, 1280, 1281, 1400, 1480,
				      1500, 9000, 65535, 65536, 0xffffffffu };

static __u8 payload_buf[4][256];

static void rand_ip4(struct rng *r, struct ip4_spec *ip, const char *src, const char *dst)
{
	ip->src = src;
	ip->dst = dst;
	ip->ttl = rng_pct(r, 10) ? (__u8)rng_below(r, 3) : (__u8)rng_range(r, 2, 255);
	if (rng_pct(r, 15)) {
		static const __u16 frags[] = { 0x4000, 0x2000, 1, 185, 0x2001, 0x1fff };

		ip->frag = PICK(r, frags);
	} else if (rng_pct(r, 50)) {
		ip->frag = 0x4000;
	}
	if (rng_pct(r, 15)) {
		ip->opts_len = (__u8)rng_range(r, 1, 40);
		for (int i = 0; i < ip->opts_len; i++)
			ip->opts[i] = rng_pct(r, 50) ? 1 : (__u8)rng_next(r);
	}
	if (rng_pct(r, 3))
		ip->ihl_override = (__u8)rng_below(r, 16);
	if (rng_pct(r, 4))
		ip->tot_len_override = (__u16)rng_range(r, 1, 200);
	if (rng_pct(r, 4))
		ip->csum_delta = (__u16)rng_range(r, 1, 0xffff);
}

static void rand_ip6(struct rng *r, struct ip6_spec *ip, const char *src, const char *dst)
{
	static const __u8 ext_types[] = { IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_DSTOPTS,
					  IPPROTO_DSTOPTS, IPPROTO_FRAGMENT };

	ip->src = src;
	ip->dst = dst;
	ip->hlim = rng_pct(r, 10) ? (__u8)rng_below(r, 3) : (__u8)rng_range(r, 2, 255);
	if (rng_pct(r, 25)) {
		ip->n_ext = (__u8)rng_range(r, 1, 6);
		for (int i = 0; i < ip->n_ext; i++) {
			ip->ext[i].type = rng_pct(r, 10) ? IPPROTO_FRAGMENT :
				PICK(r, ext_types);
			ip->ext[i].hdrlen = rng_pct(r, 80) ? (__u8)rng_below(r, 3) :
					    rng_pct(r, 75) ? (__u8)rng_below(r, 40) :
							     (__u8)rng_range(r, 100, 255);
			ip->ext[i].frag_off = rng_pct(r, 50) ? 0 : (__u16)rng_below(r, 0x2000);
			ip->ext[i].frag_mf = rng_pct(r, 50);
		}
	}
	if (rng_pct(r, 4))
		ip->plen_override = (__u16)rng_range(r, 1, 300);
}

/* A packet to quote inside an ICMP error: L3 onwards, no Ethernet. */
static void rand_inner(struct rng *r, struct pkt_spec *in, bool v4, const char *src,
		       const char *dst, int depth, struct pkt_spec *inner2)
{
	__u32 k = rng_below(r, 100);

	memset(in, 0, sizeof(*in));
	in->no_eth = true;
	in->l3 = v4 ? L3_V4 : L3_V6;
	if (v4) {
		in->ip4.src = src;
		in->ip4.dst = dst;
		in->ip4.ttl = 64;
		in->ip4.frag = rng_pct(r, 90) ? 0x4000 : (rng_pct(r, 50) ? 185 : 0x2000);
		if (rng_pct(r, 10)) {
			in->ip4.opts_len = 4;
			in->ip4.opts[0] = 0x94;
			in->ip4.opts[1] = 4;
		}
	} else {
		in->ip6.src = src;
		in->ip6.dst = dst;
		if (rng_pct(r, 15)) {
			in->ip6.n_ext = (__u8)rng_range(r, 1, 5);
			for (int i = 0; i < in->ip6.n_ext; i++) {
				static const __u8 t[] = { IPPROTO_HOPOPTS, IPPROTO_ROUTING,
							  IPPROTO_DSTOPTS, IPPROTO_FRAGMENT };

				in->ip6.ext[i].type = PICK(r, t);
				in->ip6.ext[i].hdrlen = (__u8)rng_below(r, 2);
				in->ip6.ext[i].frag_off = rng_pct(r, 70) ? 0 : 100;
			}
		}
	}
	if (k < 55) {
		in->l4 = L4_TCP;
		in->tcp.sport = (__u16)rng_range(r, 1, 65535);
		in->tcp.dport = rng_pct(r, 50) ? 80 : (__u16)rng_range(r, 1, 65535);
		in->tcp.flags = TH_ACK | TH_PSH;
		in->tcp.seq = (__u32)rng_next(r);
	} else if (k < 75) {
		in->l4 = L4_UDP;
		in->udp.sport = (__u16)rng_range(r, 1, 65535);
		in->udp.dport = (__u16)rng_range(r, 1, 65535);
	} else if (k < 85 && depth == 0 && inner2) {
		/* An ICMP error quoting an ICMP error: never acted on. */
		in->l4 = L4_ICMP;
		in->icmp.type = v4 ? (rng_pct(r, 50) ? 3 : 11) : (rng_pct(r, 50) ? 2 : 1);
		in->icmp.code = v4 && in->icmp.type == 3 ? 4 : 0;
		in->icmp.rest = 1400;
		rand_inner(r, inner2, v4, dst, src, 1, NULL);
		in->icmp.inner = inner2;
		in->icmp.inner_len = 28;
	} else if (k < 90) {
		in->l4 = L4_ICMP; /* echo request / reply */
		in->icmp.type = v4 ? (rng_pct(r, 50) ? 8 : 0) : (rng_pct(r, 50) ? 128 : 129);
		in->icmp.rest = (__u32)rng_next(r);
	} else {
		static const __u8 raw[] = { 132 /* SCTP */, 47 /* GRE */, 50, 51, 4, 41,
					    59 /* No Next Header */ };
		__u8 *b = payload_buf[3];

		in->l4 = L4_RAW;
		in->raw_proto = PICK(r, raw);
		for (int i = 0; i < 16; i++)
			b[i] = (__u8)rng_next(r);
		in->payload = b;
		in->payload_len = 16;
	}
}

/* An ICMP / ICMPv6 error, genuine or forged in one or several ways. */
static void rand_icmp(struct rng *r, struct pkt_spec *s, bool v4, struct pkt_spec *inner,
		      struct pkt_spec *inner2, bool hostile_bias)
{
	const char *outer_src = rand_addr(r, v4), *outer_dst = rand_addr(r, v4);
	const char *in_src, *in_dst;
	__u32 k;

	s->l4 = L4_ICMP;
	k = rng_below(r, 100);
	if (v4) {
		if (k < 75) {
			s->icmp.type = 3; s->icmp.code = 4;
		} else if (k < 85) {
			s->icmp.type = 3; s->icmp.code = (__u8)rng_below(r, 16);
		} else if (k < 92) {
			s->icmp.type = PICK(r, ((const __u8[]){ 11, 12, 5, 4 }));
			s->icmp.code = (__u8)rng_below(r, 2);
		} else {
			s->icmp.type = (__u8)rng_next(r); s->icmp.code = (__u8)rng_next(r);
		}
		s->icmp.rest = rng_pct(r, 85) ? PICK(r, v4_icmp_mtus) : (__u16)rng_next(r);
	} else {
		if (k < 75)
			s->icmp.type = 2;
		else if (k < 88)
			s->icmp.type = PICK(r, ((const __u8[]){ 1, 3, 4, 128, 129, 135 }));
		else
			s->icmp.type = (__u8)rng_next(r);
		s->icmp.code = rng_pct(r, 90) ? 0 : (__u8)rng_next(r);
		s->icmp.rest = rng_pct(r, 85) ? PICK(r, v6_icmp_mtus) : (__u32)rng_next(r);
	}
	/* The quoted packet went from the outer destination (us) to someone:
	 * its source must be the outer destination, unless forged. */
	in_src = rng_pct(r, hostile_bias ? 60 : 85) ? outer_dst : rand_addr(r, v4);
	in_dst = rand_addr(r, v4);
	rand_inner(r, inner, rng_pct(r, 95) ? v4 : !v4, in_src, in_dst, 0, inner2);
	s->icmp.inner = inner;
	if (rng_pct(r, hostile_bias ? 30 : 15)) {
		static const __u16 cuts[] = { 1, 8, 19, 20, 21, 22, 23, 24, 27, 28, 39, 40,
					      41, 43, 44, 47, 48, 60 };

		s->icmp.inner_len = PICK(r, cuts);
	}
	if (rng_pct(r, hostile_bias ? 20 : 8))
		s->icmp.csum_delta = (__u16)rng_range(r, 1, 0xffff);
	if (v4)
		rand_ip4(r, &s->ip4, outer_src, outer_dst);
	else
		rand_ip6(r, &s->ip6, outer_src, outer_dst);
}

static void frame_finish(struct rng *r, struct pkt *p, struct fz_pkt *out, bool allow_cut)
{
	size_t len = p->len;

	memcpy(out->data, p->data, len);
	/* Ethernet padding behind the IP packet */
	if (rng_pct(r, 6) && len + 32 < 1600) {
		size_t n = rng_range(r, 1, 32);

		for (size_t i = 0; i < n; i++)
			out->data[len + i] = rng_pct(r, 50) ? 0 : (__u8)rng_next(r);
		len += n;
	}
	/* Trailing bytes into a second buffer and beyond */
	if (rng_pct(r, 2)) {
		__u32 buf = harness_xdp_buf_len();
		size_t to = rng_range(r, buf - 32, rng_pct(r, 50) ? buf + 64 : 9100);

		if (to > PKT_MAX)
			to = PKT_MAX;
		for (size_t i = len; i < to; i++)
			out->data[i] = rng_pct(r, 50) ? 0 : (__u8)rng_next(r);
		if (to > len)
			len = to;
	}
	if (allow_cut && rng_pct(r, 6) && len > 14)
		len = rng_range(r, 14, (__u32)len - 1);
	out->len = len;
}

static void gen_struct(struct rng *r, struct fz_pkt *out, bool hostile)
{
	static struct pkt_spec s, inner, inner2;
	static struct pkt p;
	bool v4 = rng_pct(r, 55);
	__u32 k = rng_below(r, 100);
	int nvlan;

	memset(&s, 0, sizeof(s));
	nvlan = rng_pct(r, 85) ? 0 : (int)rng_range(r, 1, 3);
	for (int i = 0; i < nvlan; i++) {
		s.vlan[i].tpid = rng_pct(r, 50) ? 0x8100 : 0x88a8;
		s.vlan[i].tci = (__u16)rng_below(r, 4096);
	}
	if (rng_pct(r, 3)) {
		static const __u8 bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

		memcpy(s.eth_dst, bc, 6);
	}
	s.l3 = v4 ? L3_V4 : L3_V6;
	if (hostile || (k >= 60 && k < 88)) {
		rand_icmp(r, &s, v4, &inner, &inner2, hostile);
		snprintf(out->desc, sizeof(out->desc), "%s icmp type %u code %u%s%s",
			 v4 ? "v4" : "v6", s.icmp.type, s.icmp.code,
			 s.icmp.inner_len ? " cut-quote" : "",
			 s.icmp.csum_delta ? " bad-csum" : "");
	} else {
		const char *src = rand_addr(r, v4), *dst = rand_addr(r, v4);

		if (v4)
			rand_ip4(r, &s.ip4, src, dst);
		else
			rand_ip6(r, &s.ip6, src, dst);
		if (k < 60) {
			static const __u8 flagset[] = { TH_SYN, TH_SYN, TH_SYN, TH_SYN | TH_ACK,
							TH_SYN | TH_ACK, TH_SYN | TH_RST,
							TH_ACK, TH_SYN | TH_FIN | TH_ECE };

			s.l4 = L4_TCP;
			s.tcp.flags = rng_pct(r, 90) ? PICK(r, flagset) : (__u8)rng_next(r);
			s.tcp.seq = (__u32)rng_next(r);
			s.tcp.sport = (__u16)rng_range(r, 1, 65535);
			s.tcp.dport = (__u16)rng_range(r, 1, 65535);
			s.tcp.opts_len = rand_tcp_opts(r, s.tcp.opts);
			if (rng_pct(r, 4))
				s.tcp.doff_override = (__u8)rng_below(r, 16);
			if (rng_pct(r, 8))
				s.tcp.csum_delta = (__u16)rng_range(r, 1, 0xffff);
			snprintf(out->desc, sizeof(out->desc), "%s tcp flags 0x%02x opts %u",
				 v4 ? "v4" : "v6", s.tcp.flags, s.tcp.opts_len);
		} else if (k < 94) {
			s.l4 = L4_UDP;
			s.udp.sport = (__u16)rng_range(r, 1, 65535);
			s.udp.dport = (__u16)rng_range(r, 1, 65535);
			snprintf(out->desc, sizeof(out->desc), "%s udp", v4 ? "v4" : "v6");
		} else if (k < 98) {
			static const __u8 raw[] = { IPPROTO_AH, IPPROTO_ESP, 47, 132, 4, 41, 253 };

			s.l4 = L4_RAW;
			s.raw_proto = PICK(r, raw);
			snprintf(out->desc, sizeof(out->desc), "%s raw proto %u",
				 v4 ? "v4" : "v6", s.raw_proto);
		} else {
			s.ethertype = rng_pct(r, 50) ? 0x0806 : (__u16)rng_next(r);
			s.l3 = L3_NONE;
			snprintf(out->desc, sizeof(out->desc), "ethertype 0x%04x", s.ethertype);
		}
	}
	if (rng_pct(r, 20) || s.l4 == L4_RAW || s.l3 == L3_NONE) {
		__u8 *b = payload_buf[0];
		__u16 n = (__u16)rng_range(r, 1, 120);

		for (int i = 0; i < n; i++)
			b[i] = (__u8)rng_next(r);
		s.payload = b;
		s.payload_len = n;
	}
	/* Jumbo: a long payload (TCP, UDP, a long quote), around the first
	 * buffer's end or up to 9 KB. */
	if (rng_pct(r, 5)) {
		__u32 buf = harness_xdp_buf_len();
		__u16 n = (__u16)(rng_pct(r, 50) ? rng_range(r, buf - 200, buf + 200) :
					  rng_range(r, 1000, 9000));

		if (s.l4 == L4_ICMP && s.icmp.inner && s.l3 == L3_V6 && rng_pct(r, 50)) {
			/* A message of a length that is checked, behind
			 * 2-3.5 KB of extension headers: across the end of
			 * the first buffer, or not quite. */
			s.ip6.n_ext = 2;
			s.ip6.ext[0] = (struct ip6_ext_spec){ .type = IPPROTO_HOPOPTS, .hdrlen = 255 };
			s.ip6.ext[1] = (struct ip6_ext_spec){ .type = IPPROTO_DSTOPTS,
							      .hdrlen = (__u8)rng_below(r, 181) };
			n = (__u16)rng_below(r, 1400);
		}
		if (s.l4 == L4_ICMP && s.icmp.inner)
			inner.fill = n;
		else
			s.fill = n;
		snprintf(out->desc + strlen(out->desc), sizeof(out->desc) - strlen(out->desc),
			 " +%u", n);
	}
	if (pkt_build(&p, &s) < 0) {
		/* The builder refused (e.g. too long): fall back to raw bytes. */
		memset(out->data, 0, 64);
		out->data[12] = 0x08;
		out->len = 64;
		snprintf(out->desc, sizeof(out->desc), "builder refused: %s", p.err);
		return;
	}
	frame_finish(r, &p, out, true);
}

/* ---- fixture mutations ---------------------------------------------------------- */

static const struct fixture_set *fixture_sets(int i)
{
	if (i == 0)
		return &mss_fixtures;
	if (i == 1 && &ptb_fixtures)
		return &ptb_fixtures;
	if (i == 2 && &ptb_fixtures && &jumbo_fixtures)
		return &jumbo_fixtures;
	return NULL;
}

static void gen_fixture(struct rng *r, struct fz_pkt *out)
{
	static struct pkt p;
	const struct fixture_set *fs;
	const struct fixture *f;
	int nsets = 0, m;
	size_t len;
	char *d = out->desc;

	while (fixture_sets(nsets))
		nsets++;
	fs = fixture_sets(rng_below(r, nsets));
	f = &fs->f[rng_below(r, fs->n)];
	if (pkt_build(&p, &f->pkt) < 0) {
		gen_struct(r, out, false);
		return;
	}
	len = p.len;
	m = rng_range(r, 1, 4);
	int n = snprintf(d, sizeof(out->desc), "%s/%s:", fs->name, f->name);
	for (int i = 0; i < m && len > 0; i++) {
		const struct pkt_layer *tcp = pkt_find(&p, PL_TCP, 0);
		size_t at;
		__u32 op = rng_below(r, 100);

		/* Aim at the TCP options half the time. */
		if (tcp && rng_pct(r, 50) && (size_t)tcp->off + tcp->hlen <= len)
			at = tcp->off + 12 + rng_below(r, tcp->hlen - 12);
		else
			at = rng_below(r, (__u32)len);
		if (op < 40) {
			p.data[at] ^= (__u8)(1u << rng_below(r, 8));
			n += snprintf(d + n, sizeof(out->desc) - n, " flip@%zu", at);
		} else if (op < 80) {
			static const __u8 interesting[] = { 0, 1, 2, 3, 4, 5, 0x7f, 0x80, 0xff,
							    0x45, 0x60, 0x50, 0xf0, 0x12 };

			p.data[at] = rng_pct(r, 60) ? PICK(r, interesting) : (__u8)rng_next(r);
			n += snprintf(d + n, sizeof(out->desc) - n, " set@%zu", at);
		} else if (op < 90 && len > 14) {
			len = rng_range(r, 14, (__u32)len - 1);
			n += snprintf(d + n, sizeof(out->desc) - n, " cut@%zu", len);
		} else if (len + 16 < 1500) {
			size_t k = rng_range(r, 1, 16);

			for (size_t j = 0; j < k; j++)
				p.data[len + j] = (__u8)rng_next(r);
			len += k;
			n += snprintf(d + n, sizeof(out->desc) - n, " grow+%zu", k);
		}
		if ((size_t)n >= sizeof(out->desc))
			n = sizeof(out->desc) - 1;
	}
	p.len = len;
	if (rng_pct(r, 50)) {
		/* Checksums right again for the mutated bytes, where the
		 * builder's layers still say where they are. */
		pkt_refresh_csums(&p);
		if ((size_t)n < sizeof(out->desc) - 8)
			snprintf(d + n, sizeof(out->desc) - n, " +csum");
	}
	memcpy(out->data, p.data, len);
	out->len = len;
}

/* ---- raw bytes -------------------------------------------------------------------- */

static void gen_raw(struct rng *r, struct fz_pkt *out)
{
	static const __u16 types[] = { 0x0800, 0x0800, 0x86dd, 0x86dd, 0x8100, 0x88a8, 0x0806 };
	size_t len = rng_range(r, 14, 200);

	for (size_t i = 0; i < len; i++)
		out->data[i] = (__u8)rng_next(r);
	if (rng_pct(r, 85)) {
		__u16 t = PICK(r, types);

		out->data[12] = t >> 8;
		out->data[13] = t & 0xff;
		if (len > 14 && rng_pct(r, 60))
			out->data[14] = t == 0x86dd ? 0x60 : 0x45;
		if (len > 23 && rng_pct(r, 50) && t == 0x0800)
			out->data[23] = PICK(r, ((const __u8[]){ 1, 6, 17 }));
		if (len > 20 && rng_pct(r, 50) && t == 0x86dd)
			out->data[20] = PICK(r, ((const __u8[]){ 58, 6, 17, 0, 60 }));
	}
	out->len = len;
	snprintf(out->desc, sizeof(out->desc), "raw %zu bytes", len);
}

void gen_packet(struct rng *r, enum gen_kind kind, struct fz_pkt *out)
{
	if (kind == GEN__COUNT) {
		__u32 k = rng_below(r, 100);

		kind = k < 50 ? GEN_STRUCT : k < 80 ? GEN_FIXTURE : k < 90 ? GEN_RAW : GEN_HOSTILE;
	}
	out->kind = kind;
	switch (kind) {
	case GEN_FIXTURE:
		gen_fixture(r, out);
		break;
	case GEN_RAW:
		gen_raw(r, out);
		break;
	case GEN_HOSTILE:
		gen_struct(r, out, true);
		break;
	default:
		gen_struct(r, out, false);
		break;
	}
	/* Mostly to the receiving device: the fib paths act on nothing else. */
	if (rng_pct(r, 90))
		fz_to_rx(out->data, out->len);
}
