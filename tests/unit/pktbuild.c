// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * pktbuild.c - see pktbuild.h.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "pktbuild.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86DD
#define PROTO_NONE     59

static const __u8 def_eth_dst[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const __u8 def_eth_src[6] = { 0x02, 0, 0, 0, 0, 0x01 };

static void set_err(struct pkt *p, const char *err)
{
	if (!p->err)
		p->err = err;
}

/* Reserve n zeroed bytes at the end, return their offset or -1. */
static int grow(struct pkt *p, size_t n)
{
	size_t off = p->len;

	if (p->err)
		return -1;
	if (p->len + n > PKT_MAX) {
		set_err(p, "packet too large");
		return -1;
	}
	memset(p->data + off, 0, n);
	p->len += n;
	return (int)off;
}

static struct pkt_layer *add_layer(struct pkt *p, enum pkt_layer_kind kind,
				   size_t hlen, __u16 id)
{
	struct pkt_layer *l;
	int off;

	if (p->nlayers >= PKT_MAX_LAYERS) {
		set_err(p, "too many layers");
		return NULL;
	}
	off = grow(p, hlen);
	if (off < 0)
		return NULL;
	l = &p->layer[p->nlayers++];
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->off = off;
	l->hlen = hlen;
	l->id = id;
	return l;
}

void pkt_put16(struct pkt *p, size_t off, __u16 v)
{
	p->data[off] = v >> 8;
	p->data[off + 1] = v & 0xff;
}

__u16 pkt_get16(const struct pkt *p, size_t off)
{
	return (__u16)(p->data[off] << 8 | p->data[off + 1]);
}

static void put32(struct pkt *p, size_t off, __u32 v)
{
	pkt_put16(p, off, v >> 16);
	pkt_put16(p, off + 2, v & 0xffff);
}

static void addr(struct pkt *p, int af, const char *s, __u8 *dst)
{
	if (inet_pton(af, s, dst) != 1)
		set_err(p, "bad address");
}

void pkt_init(struct pkt *p)
{
	p->len = 0;
	p->nlayers = 0;
	p->err = NULL;
}

void pkt_eth(struct pkt *p, const __u8 *dst, const __u8 *src, __u16 ethertype)
{
	struct pkt_layer *l = add_layer(p, PL_ETH, 14, 0);

	if (!l)
		return;
	memcpy(p->data + l->off, dst ? dst : def_eth_dst, 6);
	memcpy(p->data + l->off + 6, src ? src : def_eth_src, 6);
	if (ethertype) {
		pkt_put16(p, l->off + 12, ethertype);
		l->keep_next = 1;
	}
}

void pkt_vlan(struct pkt *p, __u16 tpid, __u16 tci)
{
	struct pkt_layer *l = add_layer(p, PL_VLAN, 4, tpid);

	if (l)
		pkt_put16(p, l->off, tci);
}

void pkt_ipv4(struct pkt *p, const struct ip4_spec *s)
{
	size_t optlen = (s->opts_len + 3u) & ~3u;
	struct pkt_layer *l = add_layer(p, PL_IPV4, 20 + optlen, ETHERTYPE_IPV4);
	__u8 *h;

	if (!l)
		return;
	if (optlen > 40) {
		set_err(p, "IPv4 options longer than 40 bytes");
		return;
	}
	h = p->data + l->off;
	h[0] = 0x40 | (s->ihl_override ? s->ihl_override : (20 + optlen) / 4);
	h[1] = s->tos;
	pkt_put16(p, l->off + 4, s->id);
	pkt_put16(p, l->off + 6, s->frag);
	h[8] = s->ttl ? s->ttl : 64;
	addr(p, AF_INET, s->src ? s->src : PKT_DEF_V4_SRC, h + 12);
	addr(p, AF_INET, s->dst ? s->dst : PKT_DEF_V4_DST, h + 16);
	memcpy(h + 20, s->opts, s->opts_len); /* the rest stays 0 = EOL */
	if (s->tot_len_override) {
		pkt_put16(p, l->off + 2, s->tot_len_override);
		l->keep_len = 1;
	}
	l->csum_delta = s->csum_delta;
}

void pkt_ipv6(struct pkt *p, const struct ip6_spec *s)
{
	struct pkt_layer *l = add_layer(p, PL_IPV6, 40, ETHERTYPE_IPV6);
	__u8 *h;

	if (!l)
		return;
	h = p->data + l->off;
	put32(p, l->off, 6u << 28 | (__u32)s->tclass << 20 | (s->flow & 0xfffff));
	h[7] = s->hlim ? s->hlim : 64;
	addr(p, AF_INET6, s->src ? s->src : PKT_DEF_V6_SRC, h + 8);
	addr(p, AF_INET6, s->dst ? s->dst : PKT_DEF_V6_DST, h + 24);
	if (s->plen_override) {
		pkt_put16(p, l->off + 4, s->plen_override);
		l->keep_len = 1;
	}
	for (int i = 0; i < s->n_ext && i < 6; i++)
		pkt_ipv6_ext(p, &s->ext[i]);
}

void pkt_ipv6_ext(struct pkt *p, const struct ip6_ext_spec *s)
{
	size_t hlen = s->type == IPPROTO_FRAGMENT ? 8 : ((size_t)s->hdrlen + 1) * 8;
	struct pkt_layer *l = add_layer(p, PL_IPV6_EXT, hlen, s->type);
	__u8 *h;

	if (!l)
		return;
	h = p->data + l->off;
	switch (s->type) {
	case IPPROTO_FRAGMENT:
		pkt_put16(p, l->off + 2, (__u16)(s->frag_off << 3 | (s->frag_mf ? 1 : 0)));
		put32(p, l->off + 4, 0x12345678); /* identification */
		break;
	case IPPROTO_ROUTING:
		h[1] = s->hdrlen;
		h[2] = 4; /* routing type (SRH); segments left stays 0 */
		break;
	default: /* Hop-by-Hop / Destination Options: PadN options fill the
		  * area (each at most 2 + 255 bytes; a last lone byte is a Pad1) */
		h[1] = s->hdrlen;
		for (size_t at = 2; at < hlen;) {
			size_t n = hlen - at > 257 ? 257 : hlen - at;

			if (hlen - at - n == 1)
				n--; /* leave two bytes, not one, for the last */
			if (n == 1) {
				h[at++] = 0; /* Pad1 */
				continue;
			}
			h[at] = 1;              /* PadN */
			h[at + 1] = (__u8)(n - 2); /* its data length */
			at += n;
		}
		break;
	}
}

void pkt_tcp(struct pkt *p, const struct tcp_spec *s)
{
	size_t optlen = (s->opts_len + 3u) & ~3u;
	struct pkt_layer *l = add_layer(p, PL_TCP, 20 + optlen, IPPROTO_TCP);
	__u8 *h;

	if (!l)
		return;
	if (optlen > 40) {
		set_err(p, "TCP options longer than 40 bytes");
		return;
	}
	h = p->data + l->off;
	pkt_put16(p, l->off, s->sport ? s->sport : PKT_DEF_SPORT);
	pkt_put16(p, l->off + 2, s->dport ? s->dport : PKT_DEF_DPORT);
	put32(p, l->off + 4, s->seq);
	put32(p, l->off + 8, s->ack);
	h[12] = (s->doff_override ? s->doff_override : (20 + optlen) / 4) << 4;
	h[13] = s->flags;
	pkt_put16(p, l->off + 14, s->win ? s->win : 64240);
	memcpy(h + 20, s->opts, s->opts_len); /* the rest stays 0 = EOL */
	l->csum_delta = s->csum_delta;
	l->csum_partial = s->csum_partial;
}

void pkt_udp(struct pkt *p, __u16 sport, __u16 dport)
{
	struct pkt_layer *l = add_layer(p, PL_UDP, 8, IPPROTO_UDP);

	if (!l)
		return;
	pkt_put16(p, l->off, sport);
	pkt_put16(p, l->off + 2, dport);
}

static void icmp(struct pkt *p, enum pkt_layer_kind kind, __u16 id, __u8 type,
		 __u8 code, __u32 rest, __u16 csum_delta)
{
	struct pkt_layer *l = add_layer(p, kind, 8, id);

	if (!l)
		return;
	p->data[l->off] = type;
	p->data[l->off + 1] = code;
	put32(p, l->off + 4, rest);
	l->csum_delta = csum_delta;
}

void pkt_icmp4(struct pkt *p, __u8 type, __u8 code, __u32 rest, __u16 csum_delta)
{
	icmp(p, PL_ICMP4, IPPROTO_ICMP, type, code, rest, csum_delta);
}

void pkt_icmp6(struct pkt *p, __u8 type, __u8 code, __u32 rest, __u16 csum_delta)
{
	icmp(p, PL_ICMP6, IPPROTO_ICMPV6, type, code, rest, csum_delta);
}

void pkt_raw(struct pkt *p, __u8 proto, const void *b, size_t n)
{
	struct pkt_layer *l = add_layer(p, PL_RAW, n, proto);

	if (l && n)
		memcpy(p->data + l->off, b, n);
}

void pkt_bytes(struct pkt *p, const void *b, size_t n)
{
	int off = grow(p, n);

	if (off >= 0 && n)
		memcpy(p->data + off, b, n);
}

/* ---- checksums ---------------------------------------------------------- */

/* One's complement sum of big-endian 16-bit words, not yet folded; an odd
 * trailing byte is padded with zero (RFC 1071). */
__u32 pkt_sum16(const __u8 *b, size_t n, __u32 sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (__u32)(b[i] << 8 | b[i + 1]);
	if (n & 1)
		sum += (__u32)b[n - 1] << 8;
	return sum;
}

__u16 pkt_fold(__u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* Store ~sum, with csum_delta added in one's complement: an incremental
 * update (RFC 1624) keeps exactly that error, a recomputation would not. */
static void store_csum(struct pkt *p, size_t off, __u32 sum, __u16 delta)
{
	__u16 c = (__u16)~pkt_fold(sum);

	if (delta)
		c = pkt_fold((__u32)c + delta);
	pkt_put16(p, off, c);
}

/* End of the IP packet a layer sits in, by the IP length field, never
 * past the buffer. */
static size_t ip_end(const struct pkt *p, const struct pkt_layer *ip)
{
	size_t end;

	if (ip->kind == PL_IPV4)
		end = ip->off + pkt_get16(p, ip->off + 2);
	else
		end = ip->off + 40 + pkt_get16(p, ip->off + 4);
	return end < p->len ? end : p->len;
}

static void l4_csum(struct pkt *p, int i)
{
	struct pkt_layer *l = &p->layer[i];
	const struct pkt_layer *ip = NULL;
	size_t end, csum_off, seglen;
	__u32 sum = 0;

	for (int j = i - 1; j >= 0 && !ip; j--)
		if (p->layer[j].kind == PL_IPV4 || p->layer[j].kind == PL_IPV6)
			ip = &p->layer[j];
	switch (l->kind) {
	case PL_TCP:   csum_off = 16; break;
	case PL_UDP:   csum_off = 6; break;
	case PL_ICMP4:
	case PL_ICMP6: csum_off = 2; break;
	default:       return;
	}
	end = ip ? ip_end(p, ip) : p->len;
	if (end < (size_t)l->off + csum_off + 2)
		return;
	seglen = end - l->off;
	pkt_put16(p, l->off + csum_off, 0);
	if (l->kind == PL_UDP)
		pkt_put16(p, l->off + 4, (__u16)seglen);

	if (ip && l->kind != PL_ICMP4) {
		if (ip->kind == PL_IPV4) {
			sum = pkt_sum16(p->data + ip->off + 12, 8, 0);
			sum += l->id + seglen;
		} else {
			sum = pkt_sum16(p->data + ip->off + 8, 32, 0);
			sum += (__u32)(seglen >> 16) + (__u32)(seglen & 0xffff) + l->id;
		}
	}
	if (l->csum_partial) {
		/* What tcp_v4/v6_send_check leave for the device: the folded
		 * pseudo-header sum, not complemented, payload not summed. */
		pkt_put16(p, l->off + csum_off, pkt_fold(sum));
		return;
	}
	sum = pkt_sum16(p->data + l->off, seglen, sum);
	store_csum(p, l->off + csum_off, sum, l->csum_delta);
	if (l->kind == PL_UDP && pkt_get16(p, l->off + csum_off) == 0)
		pkt_put16(p, l->off + csum_off, 0xffff);
}

void pkt_refresh_csums(struct pkt *p)
{
	/* Innermost first: an ICMP quote is opaque bytes, so there is only
	 * ever one L4 layer, but keep the order right anyway. */
	for (int i = p->nlayers - 1; i >= 0; i--)
		l4_csum(p, i);
	for (int i = 0; i < p->nlayers; i++) {
		struct pkt_layer *l = &p->layer[i];
		size_t hlen = (p->data[l->off] & 0x0f) * 4u;

		if (l->kind != PL_IPV4 || l->off + hlen > p->len)
			continue;
		pkt_put16(p, l->off + 10, 0);
		store_csum(p, l->off + 10, pkt_sum16(p->data + l->off, hlen, 0), l->csum_delta);
	}
}

int pkt_finish(struct pkt *p)
{
	if (p->err)
		return -1;
	for (int i = 0; i < p->nlayers; i++) {
		struct pkt_layer *l = &p->layer[i];
		const struct pkt_layer *next = i + 1 < p->nlayers ? &p->layer[i + 1] : NULL;
		__u16 id = next ? next->id : 0;

		switch (l->kind) {
		case PL_ETH:
			if (!l->keep_next)
				pkt_put16(p, l->off + 12, id);
			break;
		case PL_VLAN:
			pkt_put16(p, l->off + 2, id);
			break;
		case PL_IPV4:
			p->data[l->off + 9] = next ? (__u8)id : PROTO_NONE;
			if (!l->keep_len)
				pkt_put16(p, l->off + 2, (__u16)(p->len - l->off));
			break;
		case PL_IPV6:
			p->data[l->off + 6] = next ? (__u8)id : PROTO_NONE;
			if (!l->keep_len)
				pkt_put16(p, l->off + 4, (__u16)(p->len - l->off - 40));
			break;
		case PL_IPV6_EXT:
			p->data[l->off] = next ? (__u8)id : PROTO_NONE;
			break;
		default:
			break;
		}
	}
	pkt_refresh_csums(p);
	return p->err ? -1 : 0;
}

void pkt_truncate(struct pkt *p, size_t len)
{
	if (len < p->len)
		p->len = len;
}

const struct pkt_layer *pkt_find(const struct pkt *p, enum pkt_layer_kind kind, int n)
{
	for (int i = 0; i < p->nlayers; i++)
		if (p->layer[i].kind == kind && n-- == 0)
			return &p->layer[i];
	return NULL;
}

/* ---- declarative spec ------------------------------------------------------ */

static bool all_zero(const __u8 *b, size_t n)
{
	while (n--)
		if (*b++)
			return false;
	return true;
}

int pkt_build(struct pkt *p, const struct pkt_spec *s)
{
	pkt_init(p);
	if (!s->no_eth) {
		pkt_eth(p, all_zero(s->eth_dst, 6) ? NULL : s->eth_dst,
			all_zero(s->eth_src, 6) ? NULL : s->eth_src, s->ethertype);
		for (int i = 0; i < 3 && s->vlan[i].tpid; i++)
			pkt_vlan(p, s->vlan[i].tpid, s->vlan[i].tci);
	}
	if (s->l3 == L3_V4)
		pkt_ipv4(p, &s->ip4);
	else if (s->l3 == L3_V6)
		pkt_ipv6(p, &s->ip6);

	switch (s->l4) {
	case L4_TCP:
		pkt_tcp(p, &s->tcp);
		break;
	case L4_UDP:
		pkt_udp(p, s->udp.sport ? s->udp.sport : PKT_DEF_SPORT,
			s->udp.dport ? s->udp.dport : 53);
		break;
	case L4_ICMP:
		if (s->l3 == L3_V6)
			pkt_icmp6(p, s->icmp.type, s->icmp.code, s->icmp.rest, s->icmp.csum_delta);
		else
			pkt_icmp4(p, s->icmp.type, s->icmp.code, s->icmp.rest, s->icmp.csum_delta);
		if (s->icmp.inner) {
			struct pkt inner;
			size_t n;

			if (pkt_build(&inner, s->icmp.inner) < 0) {
				set_err(p, inner.err);
				return -1;
			}
			n = inner.len;
			if (s->icmp.inner_len && s->icmp.inner_len < n)
				n = s->icmp.inner_len;
			pkt_bytes(p, inner.data, n);
		}
		break;
	case L4_RAW:
		pkt_raw(p, s->raw_proto, s->payload, s->payload_len);
		break;
	case L4_NONE:
		break;
	}
	if (s->l4 != L4_RAW && s->payload_len)
		pkt_bytes(p, s->payload, s->payload_len);
	if (s->fill) {
		int off = grow(p, s->fill);

		for (size_t i = 0; off >= 0 && i < s->fill; i++)
			p->data[off + i] = "0123456789abcdef"[i % 16];
	}
	if (pkt_finish(p) < 0)
		return -1;
	if (s->truncate)
		pkt_truncate(p, s->truncate);
	if (s->trailer && grow(p, s->trailer) < 0)
		return -1;
	return 0;
}
