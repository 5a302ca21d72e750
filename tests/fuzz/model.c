// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * model.c - a reference model of the datapath, written from docs/design.md
 * ("Parsing", "MSS clamp", "ICMP re-hash", "Counters") and the program
 * structure of bpf/mtuguard.bpf.c (which program does what, which
 * counters it owns), never from the BPF code's arithmetic.
 *
 * For one input it says what may come out:
 *   - the verdicts allowed (PASS always; DROP only for an invalid ICMP error
 *     under `ptb invalid drop`; REDIRECT only for a valid PTB in fib mode or
 *     a TCP/UDP packet under `ptb forward on`);
 *   - which bytes may change: the two MSS bytes and the TCP checksum, only
 *     for a SYN with a well-formed MSS option above target; on a redirect
 *     the MACs, the TTL / hop limit (decremented by one) and the IPv4
 *     header checksum; nothing else, ever;
 *   - the counter deltas, exactly, except for the group a fib lookup
 *     decides (steered / local / miss), where exactly one (or, for a
 *     deferral, none) must move, consistently with the verdict.
 * Multi-buffer frames (longer than harness_xdp_buf_len()): XDP sees only
 * the first buffer between data and data_end, so a header past it is not
 * read; a PTB message or a forwarded packet that runs past it is passed
 * untouched and counted frags_passed (docs/design.md "Parsing").
 * Checksums: a valid one (by harness.c's independent verifier) must stay
 * valid, and the one's-complement sum over the TCP header (checksum field
 * included) must not change: a wrong checksum stays exactly as wrong.
 */
#include <string.h>

#include "fuzz.h"

#define ETH_HLEN 14
#define FZ_META_DEFER 0x4d544744 /* bpf/act.h MTUG_META_DEFER, "MTGD" */
#define FZ_META_CHECK 0x4d544743 /* bpf/act.h MTUG_META_CHECK, "MTGC" */

static __u16 rd16(const __u8 *b)
{
	return (__u16)(b[0] << 8 | b[1]);
}

static __u32 rd32(const __u8 *b)
{
	return (__u32)b[0] << 24 | (__u32)b[1] << 16 | (__u32)b[2] << 8 | b[3];
}


/* 0x0000 and 0xffff are the same number in one's complement. */
static __u16 oc_norm(__u16 v)
{
	return v == 0xffff ? 0 : v;
}

/* ---- configuration lookups ------------------------------------------------ */

static __u32 lpm(const struct fz_cfg *c, bool v4, const __u8 *addr)
{
	__u32 best_len = 0, mtu = 0;
	bool found = false;

	for (int i = 0; i < c->npfx; i++) {
		const struct fz_prefix *p = &c->pfx[i];
		bool match = true;

		if (p->v4 != v4)
			continue;
		for (__u32 b = 0; b < p->len && match; b++) {
			__u8 m = 0x80 >> (b % 8);

			if ((p->addr[b / 8] & m) != (addr[b / 8] & m))
				match = false;
		}
		if (match && (!found || p->len > best_len)) {
			found = true;
			best_len = p->len;
			mtu = p->mtu;
		}
	}
	return mtu;
}

static void minnz(__u32 *cur, __u32 v)
{
	if (v && (!*cur || v < *cur))
		*cur = v;
}

/* ---- PTB validity (docs/design.md "ICMP re-hash"), independent of ptb.h -------- */

static bool icmp_is_error(bool v4, __u8 type)
{
	if (v4)
		return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
	return type < 128;
}

static bool ptb_wanted(bool v4, __u8 type, __u8 code, bool all)
{
	if (v4)
		return (type == 3 && code == 4) ||
		       (all && (type == 3 || type == 11 || type == 12));
	return type == 2 || (all && (type == 1 || type == 3 || type == 4));
}

/* The longest ICMP message mtuguard checksums (ptb.h: 24 x 64 bytes).  Above
 * it a message is refused: RFC 1812 / RFC 4443 cap errors at 576 / 1280. */
#define PTB_MAX_MSG 1536

/*
 * Classify an ICMP error the datapath decided to look at.  l3_off / l4_off
 * as the outer parse found them, len the frame length.  The quote must lie
 * inside the ICMP message (the IP length says where it ends, Ethernet
 * padding is not part of it).
 */
static enum ptb_class classify(const struct fz_cfg *c, const __u8 *pkt, size_t len,
			       bool v4, size_t l3_off, size_t l4_off,
			       const char **why)
{
	const struct mtug_global_cfg *g = &c->spec.global;
	size_t msg_end, q, end;
	__u32 sum = 0, mtu, floor;
	const __u8 *outer_dst;
	bool ports = true;
	__u8 type, code, proto;

	*why = "";
	if (l4_off + 8 > len) {
		*why = "ICMP header cut";
		return PC_INVALID;
	}
	type = pkt[l4_off];
	code = pkt[l4_off + 1];
	if (v4) {
		msg_end = l3_off + rd16(pkt + l3_off + 2);
		outer_dst = pkt + l3_off + 16;
	} else {
		msg_end = l3_off + 40 + rd16(pkt + l3_off + 4);
		outer_dst = pkt + l3_off + 24;
	}
	if (msg_end > len || msg_end < l4_off + 8) {
		*why = "IP length disagrees with the frame";
		return PC_INVALID;
	}
	if (msg_end - l4_off > PTB_MAX_MSG) {
		*why = "ICMP message longer than checksummed";
		return PC_INVALID;
	}
	if (!v4) {
		__u32 ml = (__u32)(msg_end - l4_off);

		sum = pkt_sum16(pkt + l3_off + 8, 32, 0);
		sum += (ml >> 16) + (ml & 0xffff) + 58;
	}
	sum = pkt_sum16(pkt + l4_off, msg_end - l4_off, sum);
	if (pkt_fold(sum) != 0xffff) {
		*why = "bad ICMP checksum";
		return PC_INVALID;
	}

	/* The quote: inner IP header and the start of its L4. */
	q = l4_off + 8;
	end = msg_end;
	if (v4) {
		size_t ihl;

		if (q + 20 > end || pkt[q] >> 4 != 4) {
			*why = "quote: no inner IPv4 header";
			return PC_INVALID;
		}
		ihl = (pkt[q] & 0x0f) * 4u;
		if (ihl < 20) {
			*why = "quote: inner IHL < 5";
			return PC_INVALID;
		}
		if (memcmp(pkt + q + 12, outer_dst, 4)) {
			*why = "outer destination != inner source";
			return PC_INVALID;
		}
		if (rd16(pkt + q + 6) & 0x1fff)
			ports = false;
		proto = pkt[q + 9];
		q += ihl;
	} else {
		if (q + 40 > end || pkt[q] >> 4 != 6) {
			*why = "quote: no inner IPv6 header";
			return PC_INVALID;
		}
		if (memcmp(pkt + q + 8, outer_dst, 16)) {
			*why = "outer destination != inner source";
			return PC_INVALID;
		}
		proto = pkt[q + 6];
		q += 40;
		for (int i = 0; i < 4; i++) {
			if (proto != 0 && proto != 43 && proto != 60 && proto != 44)
				break;
			if (q + 2 > end) {
				*why = "quote: inner extension header cut";
				return PC_INVALID;
			}
			if (proto == 44) {
				if (q + 8 > end) {
					*why = "quote: inner fragment header cut";
					return PC_INVALID;
				}
				proto = pkt[q];
				q += 8;
				if (rd16(pkt + q - 8 + 2) & 0xfff8) {
					ports = false; /* payload follows */
					break;
				}
				continue;
			}
			proto = pkt[q];
			q += (pkt[q + 1] + 1u) * 8;
		}
		if (ports && (proto == 0 || proto == 43 || proto == 60 || proto == 44)) {
			*why = "quote: more extension headers than the walk takes";
			return PC_INVALID;
		}
		if (ports && proto == 59) {
			*why = "quote: the chain ends in No Next Header";
			return PC_INVALID;
		}
	}
	if (proto == 6 || proto == 17 || proto == 132) {
		if (ports && q + 4 > end) {
			*why = "quote: inner ports cut";
			return PC_INVALID;
		}
	} else if ((v4 && proto == 1) || (!v4 && proto == 58)) {
		if (ports && (q + 1 > end || icmp_is_error(v4, pkt[q]))) {
			*why = q + 1 > end ? "quote: inner ICMP type cut" :
					     "quote of an ICMP error";
			return PC_INVALID;
		}
	}

	if ((v4 && type == 3 && code == 4) || (!v4 && type == 2)) {
		mtu = v4 ? rd16(pkt + l4_off + 6) : rd32(pkt + l4_off + 4);
		if (mtu == 0) {
			*why = "MTU 0";
			return PC_INVALID;
		}
		if (v4)
			floor = g->ptb_min_mtu_v4 ? g->ptb_min_mtu_v4 : MTUG_PTB_FLOOR_V4;
		else
			floor = g->ptb_min_mtu_v6 ? g->ptb_min_mtu_v6 : MTUG_PTB_FLOOR_V6;
		if (mtu < floor) {
			*why = "MTU below the floor";
			return PC_TOO_SMALL;
		}
	}
	return PC_VALID;
}

/* ---- the model -------------------------------------------------------------- */

struct parsed {
	bool v4;
	size_t l3_off, l4_off;
	__u8 proto;
};

enum parse_res {
	P_OK,
	P_NOT_IP,  /* pass, not counted */
	P_SKIP,    /* pass, parse_skipped */
};

static enum parse_res parse(const __u8 *pkt, size_t len, struct parsed *p)
{
	size_t off = ETH_HLEN;
	__u16 type;

	if (len < ETH_HLEN)
		return P_SKIP;
	type = rd16(pkt + 12);
	for (int i = 0; i < 2 && (type == 0x8100 || type == 0x88a8); i++) {
		if (off + 4 > len)
			return P_SKIP;
		type = rd16(pkt + off + 2);
		off += 4;
	}
	if (type == 0x8100 || type == 0x88a8)
		return P_SKIP; /* a third tag */
	p->l3_off = off;
	if (type == 0x0800) {
		size_t ihl;

		if (off + 20 > len || pkt[off] >> 4 != 4)
			return P_SKIP;
		ihl = (pkt[off] & 0x0f) * 4u;
		if (ihl < 20 || off + ihl > len)
			return P_SKIP;
		if (rd16(pkt + off + 6) & 0x1fff)
			return P_SKIP; /* non-first fragment */
		p->proto = pkt[off + 9];
		if (p->proto == 50 || p->proto == 51)
			return P_SKIP; /* ESP, AH */
		p->v4 = true;
		p->l4_off = off + ihl;
		return P_OK;
	}
	if (type == 0x86DD) {
		size_t pos = off + 40;
		__u8 nh;

		if (off + 40 > len || pkt[off] >> 4 != 6)
			return P_SKIP;
		nh = pkt[off + 6];
		/* docs/design.md: a bounded walk of HBH, Routing, DstOpts (4 headers) */
		for (int i = 0; i < 4 && (nh == 0 || nh == 43 || nh == 60); i++) {
			if (pos + 2 > len)
				return P_SKIP;
			nh = pkt[pos];
			pos += (pkt[pos + 1] + 1u) * 8;
		}
		if (nh == 0 || nh == 43 || nh == 60 || nh == 44 || nh == 50 || nh == 51)
			return P_SKIP;
		p->v4 = false;
		p->proto = nh;
		p->l4_off = pos; /* may lie past the frame: L4 checks catch it */
		return P_OK;
	}
	return P_NOT_IP;
}

static void mss_model(const struct fz_cfg *c, const __u8 *pkt, size_t first,
		      const struct parsed *p, struct fz_expect *e)
{
	const struct cfg_spec *s = &c->spec;
	size_t t = p->l4_off, optlen = (pkt[t + 12] >> 4) * 4u - 20, off = 0;
	const __u8 *opt = pkt + t + 20;
	__u32 map = 0, ovh = p->v4 ? 40 : 60, cands[16];
	int nc = 0;

	if (s->no_iface || (s->features_off & MTUG_F_MSS)) {
		e->path = "syn: mss feature off";
		return;
	}
	/* The TCP header must lie inside the IP packet (its length field):
	 * past it is padding, not segment. */
	{
		const __u8 *ip = pkt + p->l3_off;
		long ip_end = (long)p->l3_off + (p->v4 ? rd16(ip + 2) : 40 + rd16(ip + 4));

		if ((long)(t + optlen + 20) > ip_end) {
			e->cnt.mss_malformed = 1;
			e->path = "syn: TCP header past the IP length";
			return;
		}
	}
	if (optlen == 0) {
		e->cnt.mss_missing = 1;
		e->path = "syn: no options";
		return;
	}
	/* The receiver's walk (Linux tcp_parse_options): EOL ends it, NOP
	 * is one byte, a length under 2 or past the options ends it,
	 * everything else is stepped over; every MSS option of length 4 on
	 * the way counts. */
	e->n_mss = 0;
	while (off < optlen && opt[off] != 0) {
		if (opt[off] == 1) {
			off++;
			continue;
		}
		if (off + 2 > optlen || opt[off + 1] < 2 || off + opt[off + 1] > optlen) {
			e->cnt.mss_malformed = 1;
			break;
		}
		if (opt[off] == 2 && opt[off + 1] == 4) {
			e->mss_at[e->n_mss] = t + 20 + off + 2;
			e->mss_old[e->n_mss++] = rd16(opt + off + 2);
		}
		off += opt[off + 1];
	}
	if (e->n_mss == 0) {
		if (!e->cnt.mss_malformed)
			e->cnt.mss_missing = 1;
		e->path = e->cnt.mss_malformed ? "syn: malformed option" : "syn: no MSS option";
		return;
	}
	minnz(&map, lpm(c, p->v4, pkt + p->l3_off + (p->v4 ? 12 : 8)));
	minnz(&map, lpm(c, p->v4, pkt + p->l3_off + (p->v4 ? 16 : 24)));
	minnz(&map, s->iface_mtu);
	minnz(&map, s->global.default_mtu);
	cands[nc++] = map;
	if (s->global.mtu_source == MTUG_SRC_PMTU) {
		for (int i = 0; i < fz_n_route_mtus; i++) {
			__u32 m = map;

			minnz(&m, fz_route_mtus[i]);
			cands[nc++] = m;
		}
	}
	e->mss = true;
	e->tcp_off = t;
	e->tcp_hlen = (pkt[t + 12] >> 4) * 4u;
	e->n_targets = 0;
	for (int i = 0; i < nc; i++) {
		__u16 v = cands[i] > ovh ? cands[i] - ovh : 0;
		bool dup = false;

		for (int j = 0; j < e->n_targets; j++)
			dup |= e->targets[j] == v;
		if (!dup)
			e->targets[e->n_targets++] = v;
	}
	/* XDP cannot see CHECKSUM_PARTIAL: a segment whose checksum field
	 * holds just the pseudo-header sum and whose full checksum does not
	 * verify, or cannot be summed (longer than PTB_MAX_MSG, or past the
	 * first buffer), is taken for one, and its field left alone (mss.h). */
	{
		const __u8 *ip = pkt + p->l3_off;
		size_t tl = p->v4 ? (size_t)rd16(ip + 2) - (t - p->l3_off) :
				    40 + (size_t)rd16(ip + 4) - (t - p->l3_off);
		__u32 ph = 6 + (__u32)(tl >> 16) + (__u32)(tl & 0xffff);

		ph = pkt_sum16(ip + (p->v4 ? 12 : 8), p->v4 ? 8 : 32, ph);
		if (rd16(pkt + t + 16) == pkt_fold(ph) &&
		    (p->v4 ? rd16(ip + 2) : 40 + rd16(ip + 4)) >= t - p->l3_off &&
		    (tl > PTB_MAX_MSG || t + tl > first ||
		     pkt_fold(pkt_sum16(pkt + t, tl, ph)) != 0xffff))
			e->xdp_partial = true;
	}
	/* The outcome decides clamped vs unchanged (checked in model_check). */
	e->mss_counted = true;
	e->path = "syn: MSS option";
}

/* ---- never laxer than the kernel (DESIGN.md "ICMP re-hash") ----------------- */

/* IPv4 addresses never forwarded to or from: 0/8, 127/8, 224/3. */
static bool v4_never(const __u8 *a)
{
	return a[0] == 0 || a[0] == 127 || a[0] >= 224;
}

/* IPv6: multicast, link-local, and the first 80 bits zero (unspecified,
 * loopback, IPv4-compatible and IPv4-mapped). */
static bool v6_never(const __u8 *a)
{
	static const __u8 zero[10];

	return a[0] == 0xff || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) || !memcmp(a, zero, 10);
}

/*
 * What the fib paths must leave to the stack whatever the FIB says: a
 * frame not addressed to the receiving device's MAC (the fuzzer's
 * loopback: FZ_RX_MAC), an outer header the kernel would not forward as
 * it is (IPv4: options, TTL <= 1, a length outside [20, frame], a bad
 * header checksum; IPv6: hop limit <= 1, a Hop-by-Hop header, a payload
 * length past the frame), and an address above in the outer header or as
 * the flow's source (flow_src).  The reverse-path check depends on the
 * FIB and stays in the flex group.
 */
static const char *strict_refuses(const __u8 *pkt, size_t len, const struct parsed *p,
				  const __u8 *flow_src)
{
	static const __u8 rx_mac[6] = FZ_RX_MAC;
	const __u8 *ip = pkt + p->l3_off;
	size_t avail = len - p->l3_off;

	if (memcmp(pkt, rx_mac, 6))
		return "not addressed to the device";
	if (p->v4) {
		size_t tot = rd16(ip + 2);

		if (ip[0] != 0x45)
			return "IPv4 options";
		if (ip[8] <= 1)
			return "TTL";
		if (tot < 20 || tot > avail)
			return "IPv4 length";
		if (pkt_fold(pkt_sum16(ip, 20, 0)) != 0xffff)
			return "IPv4 header checksum";
		if (v4_never(ip + 12) || v4_never(ip + 16) || v4_never(flow_src))
			return "IPv4 address";
		return NULL;
	}
	if (ip[7] <= 1)
		return "hop limit";
	if (ip[6] == 0)
		return "Hop-by-Hop header";
	if (40u + rd16(ip + 4) > avail)
		return "IPv6 length";
	if (v6_never(ip + 8) || v6_never(ip + 24) || v6_never(flow_src))
		return "IPv6 address";
	return NULL;
}

/* A fib path's outcomes once the frame passed every rule: redirected (the
 * MACs, the TTL and the IPv4 header checksum rewritten) or left to the
 * stack.  XDP hands a multi-buffer frame to the stack instead, counted
 * frags_passed, unless the device it is for is recorded as transmitting
 * them (fib.h), which none of the fuzzer's is. */
static void fib_outcome(enum prog_id prog, size_t len, size_t first,
			const struct parsed *p, struct fz_expect *e)
{
	if (prog == PROG_XDP && len > first) {
		e->flex_frags = true;
		return;
	}
	e->verdicts |= V_BIT(VERDICT_REDIRECT);
	e->fib_edit = true;
	e->l3_off = p->l3_off;
	e->v4 = p->v4;
}

static void fwd_model(const struct fz_cfg *c, enum prog_id prog, const __u8 *pkt,
		      size_t len, size_t first, const struct parsed *p, struct fz_expect *e)
{
	const struct cfg_spec *s = &c->spec;

	if (s->no_iface || (s->features_off & MTUG_F_PTB) || s->ptb_mode != MTUG_PTB_FIB)
		return;
	/* XDP: an IP length past the frame goes to the stack (fwd.h). */
	if (prog == PROG_XDP) {
		const __u8 *ip = pkt + p->l3_off;
		size_t tot = p->v4 ? rd16(ip + 2) : 40u + rd16(ip + 4);

		if (p->l3_off + tot > first && p->l3_off + tot > len) {
			e->path = "fwd: IP length past the frame, left to the stack";
			return;
		}
	}
	if (p->l4_off + 4 > first)
		return;
	/* XDP leaves what looks like a CHECKSUM_PARTIAL segment (checksum
	 * field = pseudo-header sum) to the stack, which can complete it
	 * (fwd.h); and one without a checksum field in the frame. */
	if (prog == PROG_XDP) {
		size_t at = p->l4_off + (p->proto == 6 ? 16 : 6);
		const __u8 *ip = pkt + p->l3_off;
		__u32 tot = p->v4 ? rd16(ip + 2) : 40u + rd16(ip + 4);
		__u32 l4len = tot - (__u32)(p->l4_off - p->l3_off); /* u32, may wrap */
		__u32 ph = p->proto + (l4len >> 16) + (l4len & 0xffff);

		if (at + 2 > first)
			return;
		ph = pkt_sum16(ip + (p->v4 ? 12 : 8), p->v4 ? 8 : 32, ph);
		if (rd16(pkt + at) == pkt_fold(ph)) {
			e->path = "fwd: looks CHECKSUM_PARTIAL, left to the stack";
			return;
		}
	}
	if (p->l3_off != ETH_HLEN) {
		/* VLAN-tagged frames are never redirected (fib.h) */
		e->cnt.fib_miss = 1;
		return;
	}
	e->path = strict_refuses(pkt, len, p, pkt + p->l3_off + (p->v4 ? 12 : 8));
	if (e->path) {
		e->cnt.fib_deferred = 1;
		return;
	}
	e->path = "fwd";
	e->flex = FLEX_FWD;
	fib_outcome(prog, len, first, p, e);
}

static void ptb_model(const struct fz_cfg *c, enum prog_id prog, const __u8 *pkt,
		      size_t len, size_t first, const struct parsed *p, struct fz_expect *e)
{
	const struct cfg_spec *s = &c->spec;
	const struct mtug_global_cfg *g = &s->global;
	enum ptb_class cls;
	size_t msg_end;

	if (s->no_iface || (s->features_off & MTUG_F_PTB)) {
		e->path = "icmp: ptb feature off";
		return;
	}
	/* XDP: an ICMP header past the first buffer is not read (ptb.h). */
	if (first < len && p->l4_off + 8 > first && p->l4_off + 8 <= len) {
		e->cnt.parse_skipped = 1;
		e->path = "icmp: header past the first buffer";
		return;
	}
	if (p->l4_off + 2 > first) {
		e->path = "icmp: no type";
		return;
	}
	if (!ptb_wanted(p->v4, pkt[p->l4_off], pkt[p->l4_off + 1], g->ptb_all_errors)) {
		e->path = "icmp: not an error we act on";
		return;
	}
	/* Broadcast mode is TC ingress's alone (it can clone). */
	if (s->ptb_mode == MTUG_PTB_BROADCAST && prog != PROG_TC_INGRESS) {
		e->path = "icmp: broadcast mode, left to TC";
		return;
	}
	e->cnt.ptb_seen = 1;
	/* XDP: a message past the first buffer, of a length that is
	 * checked, in the frame: tagged for TC ingress in fib mode, else
	 * passed untouched and counted (ptb.h).  Longer than that it is
	 * invalid however it is buffered. */
	msg_end = p->l3_off + (p->v4 ? rd16(pkt + p->l3_off + 2) : 40u + rd16(pkt + p->l3_off + 4));
	if (prog == PROG_XDP && msg_end > first && msg_end - p->l4_off <= PTB_MAX_MSG &&
	    msg_end <= len) {
		if (s->ptb_mode == MTUG_PTB_FIB) {
			e->meta_check = true;
			e->path = "icmp: message past the first buffer, to TC";
			return;
		}
		e->cnt.frags_passed = 1;
		e->path = "icmp: message past the first buffer, passed";
		return;
	}
	cls = classify(c, pkt, first, p->v4, p->l3_off, p->l4_off, &e->why_ptb);
	e->ptb = cls;
	if (cls == PC_INVALID || cls == PC_TOO_SMALL) {
		if (cls == PC_INVALID)
			e->cnt.ptb_invalid = 1;
		else
			e->cnt.ptb_mtu_too_small = 1;
		if (g->ptb_invalid == MTUG_INVALID_DROP)
			e->verdicts = V_BIT(VERDICT_DROP);
		e->path = cls == PC_INVALID ? "icmp: invalid" : "icmp: mtu too small";
		return;
	}
	e->path = "icmp: valid";
	if (s->ptb_mode == MTUG_PTB_FIB) {
		if (p->l3_off != ETH_HLEN) {
			e->cnt.fib_miss = 1;
			e->path = "icmp: valid, tagged: fib_miss";
			return;
		}
		/* The flow steered by runs from the quote's destination. */
		e->path = strict_refuses(pkt, len, p,
					 pkt + p->l4_off + 8 + (p->v4 ? 16 : 24));
		if (e->path) {
			e->cnt.fib_deferred = 1;
			return;
		}
		e->flex = FLEX_PTB_FIB;
		fib_outcome(prog, len, first, p, e);
		e->path = "icmp: valid, fib";
	} else if (s->ptb_mode == MTUG_PTB_BROADCAST) {
		bool bcast = true;

		for (int i = 0; i < 6; i++)
			bcast &= pkt[i] == 0xff;
		if (!bcast)
			e->flex = FLEX_BCAST;
		e->path = bcast ? "icmp: valid, arrived as broadcast" : "icmp: valid, broadcast";
	}
}

void model_expect(const struct fz_cfg *c, enum prog_id prog, const __u8 *pkt,
		  size_t len, struct fz_expect *e)
{
	const struct cfg_spec *s = &c->spec;
	bool quiet = false;
	struct parsed p = {};
	/* What the program sees between data and data_end: XDP the first
	 * buffer of a multi-buffer frame (harness.h), TC the whole skb. */
	size_t first = prog == PROG_XDP && len > harness_xdp_buf_len() ?
		       harness_xdp_buf_len() : len;

	memset(e, 0, sizeof(*e));
	e->verdicts = V_BIT(VERDICT_PASS);
	e->path = "pass";

	/* Which program does what (mtuguard.bpf.c): TC ingress runs only on
	 * attached interfaces and, behind XDP, only for broadcast-mode ICMP. */
	if (prog == PROG_TC_INGRESS) {
		if (s->no_iface) {
			e->path = "tc ingress: not attached";
			return;
		}
		if (s->attach & (MTUG_A_XDP_NATIVE | MTUG_A_XDP_GENERIC)) {
			if (s->ptb_mode != MTUG_PTB_BROADCAST) {
				e->path = "tc ingress: behind XDP";
				return;
			}
			quiet = true; /* ICMP only, XDP counted the packet */
		}
	}
	if (!quiet)
		e->cnt.packets = 1;

	switch (parse(pkt, first, &p)) {
	case P_NOT_IP:
		e->path = "not IP";
		return;
	case P_SKIP:
		goto skip;
	case P_OK:
		break;
	}

	if ((p.v4 && p.proto == 1) || (!p.v4 && p.proto == 58)) {
		if (prog == PROG_TC_EGRESS) {
			e->path = "icmp on egress";
			return;
		}
		ptb_model(c, prog, pkt, len, first, &p, e);
		return;
	}
	if (quiet) {
		e->path = "tc ingress behind XDP: not ICMP";
		return;
	}
	if (p.proto == 6) {
		size_t t = p.l4_off, hlen;
		__u8 flags;

		if (t + 20 > first)
			goto skip;
		hlen = (pkt[t + 12] >> 4) * 4u;
		if (hlen < 20 || t + hlen > first)
			goto skip;
		flags = pkt[t + 13];
		e->path = "tcp";
		if ((flags & 0x06) == 0x02) {
			e->cnt.syn_seen = 1;
			mss_model(c, pkt, first, &p, e);
		}
	} else if (p.proto != 17) {
		e->path = "other L4";
		return;
	}
	if (prog == PROG_TC_EGRESS || !s->global.ptb_forward)
		return;
	fwd_model(c, prog, pkt, len, first, &p, e);
	return;
skip:
	if (!quiet)
		e->cnt.parse_skipped = 1;
	e->path = "skipped";
}

enum ptb_class model_ptb_class(const struct fz_cfg *c, const __u8 *pkt, size_t len,
			       const char **why)
{
	struct parsed p = {};

	*why = "";
	if (parse(pkt, len, &p) != P_OK || !((p.v4 && p.proto == 1) || (!p.v4 && p.proto == 58)))
		return PC_NONE;
	if (p.l4_off + 2 > len ||
	    !ptb_wanted(p.v4, pkt[p.l4_off], pkt[p.l4_off + 1], c->spec.global.ptb_all_errors))
		return PC_NONE;
	return classify(c, pkt, len, p.v4, p.l3_off, p.l4_off, why);
}

/* ---- the checker ------------------------------------------------------------ */

struct why {
	char *buf;
	size_t len, used;
};

static void why_add(struct why *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#include <stdarg.h>

static void why_add(struct why *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->used + 4 >= w->len)
		return;
	if (w->used)
		w->used += snprintf(w->buf + w->used, w->len - w->used, "; ");
	if (w->used >= w->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(w->buf + w->used, w->len - w->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		w->used += (size_t)n;
	if (w->used >= w->len)
		w->used = w->len - 1;
}

static enum verdict verdict_of(enum prog_id prog, __u32 rc, bool *known)
{
	*known = true;
	if (prog == PROG_XDP) {
		switch (rc) {
		case 1: return VERDICT_DROP;
		case 2: return VERDICT_PASS;
		case 3: return VERDICT_TX;
		case 4: return VERDICT_REDIRECT;
		}
	} else {
		switch (rc) {
		case (__u32)-1: return VERDICT_PASS; /* TC_ACT_UNSPEC */
		case 2: return VERDICT_DROP;
		case 7: return VERDICT_REDIRECT;
		}
	}
	*known = false;
	return VERDICT_PASS;
}

static const char *const verdict_names[] = { "PASS", "DROP", "REDIRECT", "TX" };

bool model_check(const struct fz_expect *e, enum prog_id prog, const __u8 *in,
		 size_t len, const struct run_result *r,
		 const struct mtug_counters *d, char *whybuf, size_t whylen)
{
	struct why w = { .buf = whybuf, .len = whylen, .used = 0 };
	static bool allowed[PKT_MAX];
	bool known, redirect;
	enum verdict v;
	const char *what;
	__u64 flex_sum = 0;

	/* XDP output starts with the metadata the program left, if any. */
	const __u8 *out = r->out + r->meta_len;
	size_t out_len = r->out_len - r->meta_len;

	whybuf[0] = '\0';
	v = verdict_of(prog, r->retval, &known);
	if (!known)
		why_add(&w, "unknown return code %u", r->retval);
	else if (!(e->verdicts & V_BIT(v)))
		why_add(&w, "verdict %s not allowed here", verdict_names[v]);
	redirect = known && v == VERDICT_REDIRECT;

	if (out_len != len) {
		why_add(&w, "output length %zu, input %zu", out_len, len);
		goto counters;
	}

	memset(allowed, 0, len);
	if (redirect && e->fib_edit) {
		size_t l3 = e->l3_off;

		for (int i = 0; i < 12; i++)
			allowed[i] = true;
		if (e->v4) {
			allowed[l3 + 8] = allowed[l3 + 10] = allowed[l3 + 11] = true;
			if (out[l3 + 8] != (__u8)(in[l3 + 8] - 1) || in[l3 + 8] <= 1)
				why_add(&w, "redirected with TTL %u -> %u", in[l3 + 8],
					out[l3 + 8]);
			{
				size_t ihl = (in[l3] & 0x0f) * 4u;
				__u16 a = oc_norm(pkt_fold(pkt_sum16(in + l3, ihl, 0)));
				__u16 b = oc_norm(pkt_fold(pkt_sum16(out + l3, ihl, 0)));

				if (a != b)
					why_add(&w, "IPv4 header checksum error changed on redirect "
						"(sum %04x -> %04x)", a, b);
			}
		} else {
			allowed[l3 + 7] = true;
			if (out[l3 + 7] != (__u8)(in[l3 + 7] - 1) || in[l3 + 7] <= 1)
				why_add(&w, "redirected with hop limit %u -> %u", in[l3 + 7],
					out[l3 + 7]);
		}
	}
	if (e->mss) {
		bool ok = false, clamped = false;

		for (int i = 0; i < e->n_mss; i++) {
			allowed[e->mss_at[i]] = allowed[e->mss_at[i] + 1] = true;
			clamped |= rd16(out + e->mss_at[i]) != e->mss_old[i];
		}
		allowed[e->tcp_off + 16] = allowed[e->tcp_off + 17] = true;
		/* One target for every option of the segment. */
		for (int k = 0; k < e->n_targets && !ok; k++) {
			__u16 t = e->targets[k];
			bool all = true;

			for (int i = 0; i < e->n_mss; i++)
				all &= rd16(out + e->mss_at[i]) ==
				       (t && e->mss_old[i] > t ? t : e->mss_old[i]);
			ok = all;
		}
		if (!ok) {
			char list[160] = "";
			size_t n = 0;

			for (int i = 0; i < e->n_mss && n < sizeof(list) - 16; i++)
				n += snprintf(list + n, sizeof(list) - n, "%s%u->%u", i ? "," : "",
					      e->mss_old[i], rd16(out + e->mss_at[i]));
			n += snprintf(list + n, sizeof(list) - n, "; targets");
			for (int k = 0; k < e->n_targets && n < sizeof(list) - 8; k++)
				n += snprintf(list + n, sizeof(list) - n, " %u", e->targets[k]);
			why_add(&w, "MSS options %s", list);
		}
		/* Only the MSS and the checksum changed: the sum over the
		 * TCP header must stay what it was -- unless XDP took the
		 * segment for CHECKSUM_PARTIAL: then the field stays. */
		if (prog == PROG_XDP && e->xdp_partial) {
			if (rd16(out + e->tcp_off + 16) != rd16(in + e->tcp_off + 16))
				why_add(&w, "checksum field of a CHECKSUM_PARTIAL-looking segment "
					"changed");
		} else {
			__u16 a = oc_norm(pkt_fold(pkt_sum16(in + e->tcp_off, e->tcp_hlen, 0)));
			__u16 b = oc_norm(pkt_fold(pkt_sum16(out + e->tcp_off, e->tcp_hlen, 0)));

			if (a != b)
				why_add(&w, "TCP checksum not updated right (header sum %04x -> %04x)",
					a, b);
		}
		if (e->mss_counted) {
			if (d->mss_clamped != (clamped ? 1u : 0u) ||
			    d->mss_unchanged != (clamped ? 0u : 1u))
				why_add(&w, "MSS %s but mss_clamped +%llu mss_unchanged +%llu",
					clamped ? "clamped" : "unchanged",
					(unsigned long long)d->mss_clamped,
					(unsigned long long)d->mss_unchanged);
		}
	}
	{
		int ndiff = 0;

		for (size_t i = 0; i < len; i++) {
			if (out[i] == in[i] || allowed[i])
				continue;
			if (ndiff++ < 4)
				why_add(&w, "byte %zu changed %02x -> %02x", i, in[i], out[i]);
		}
		if (ndiff > 4)
			why_add(&w, "%d bytes changed in all", ndiff);
	}
	if (csum_check(in, len, &what) == CSUM_OK) {
		enum csum_state cs = csum_check(out, out_len, &what);

		if (cs != CSUM_OK)
			why_add(&w, "%s checksum valid before, %s after", what,
				cs == CSUM_BAD ? "invalid" : "unverifiable");
	}

counters:
#define CMP(name)                                                               \
	if (d->name != e->cnt.name) {                                           \
		why_add(&w, #name " +%llu, model +%llu",                        \
			(unsigned long long)d->name, (unsigned long long)e->cnt.name); \
	}
	/* Exact, except the group the outcome decides. */
	CMP(packets) CMP(syn_seen) CMP(mss_missing) CMP(mss_malformed)
	CMP(ptb_seen) CMP(ptb_invalid) CMP(ptb_mtu_too_small) CMP(parse_skipped)
	if (!e->flex_frags) {
		CMP(frags_passed)
	}
	if (!e->mss_counted) {
		CMP(mss_clamped) CMP(mss_unchanged)
	}
	switch (e->flex) {
	case FLEX_NONE:
		CMP(ptb_steered) CMP(ptb_local) CMP(fib_miss) CMP(fwd_steered)
		CMP(ptb_broadcast) CMP(ptb_rate_limited) CMP(fib_deferred)
		break;
	case FLEX_PTB_FIB:
		/* fib_deferred: the reverse-path check, which the FIB decides */
		CMP(fwd_steered) CMP(ptb_broadcast) CMP(ptb_rate_limited)
		flex_sum = d->ptb_steered + d->ptb_local + d->fib_miss + d->fib_deferred +
			   (e->flex_frags ? d->frags_passed : 0);
		if (flex_sum > 1)
			why_add(&w, "steered/local/fib_miss/fib_deferred moved %llu times",
				(unsigned long long)flex_sum);
		if ((d->ptb_steered == 1) != redirect)
			why_add(&w, "ptb_steered +%llu with verdict %s",
				(unsigned long long)d->ptb_steered, redirect ? "REDIRECT" : "not REDIRECT");
		if (flex_sum == 0 && prog != PROG_XDP)
			why_add(&w, "a valid PTB in fib mode counted nowhere");
		break;
	case FLEX_FWD:
		CMP(ptb_steered) CMP(ptb_local) CMP(ptb_broadcast) CMP(ptb_rate_limited)
		flex_sum = d->fwd_steered + d->fib_miss + d->fib_deferred +
			   (e->flex_frags ? d->frags_passed : 0);
		if (flex_sum > 1)
			why_add(&w, "fwd_steered/fib_miss/fib_deferred moved %llu times",
				(unsigned long long)flex_sum);
		if ((d->fwd_steered == 1) != redirect)
			why_add(&w, "fwd_steered +%llu with verdict %s",
				(unsigned long long)d->fwd_steered, redirect ? "REDIRECT" : "not REDIRECT");
		break;
	case FLEX_BCAST:
		CMP(ptb_steered) CMP(ptb_local) CMP(fib_miss) CMP(fwd_steered) CMP(fib_deferred)
		flex_sum = d->ptb_broadcast + d->ptb_rate_limited;
		if (flex_sum > 1)
			why_add(&w, "broadcast/rate_limited moved %llu times",
				(unsigned long long)flex_sum);
		break;
	}
#undef CMP
	/* Metadata: XDP's "check it" tag exactly where the model says (a
	 * message past the first buffer in fib mode: passed, only seen
	 * counted); else only the "defer to TC" tag, only when a fib lookup
	 * found no neighbour (nothing counted, passed). */
	if (e->meta_check) {
		__u32 meta = 0;

		if (r->meta_len >= 4)
			memcpy(&meta, r->out + r->meta_len - 4, 4);
		if (r->meta_len != 4 || meta != FZ_META_CHECK || redirect)
			why_add(&w, "XDP metadata %u bytes (0x%08x), want the check tag",
				r->meta_len, meta);
	} else if (r->meta_len) {
		__u32 meta = 0;

		if (r->meta_len >= 4)
			memcpy(&meta, r->out + r->meta_len - 4, 4);
		if (prog != PROG_XDP || r->meta_len != 4 || meta != FZ_META_DEFER ||
		    (e->flex != FLEX_PTB_FIB && e->flex != FLEX_FWD) || redirect || flex_sum)
			why_add(&w, "XDP metadata %u bytes (0x%08x) here", r->meta_len, meta);
	}
	return w.used == 0;
}

void hexline(FILE *f, const char *tag, const __u8 *b, size_t len)
{
	fprintf(f, "%s", tag);
	for (size_t i = 0; i < len; i++)
		fprintf(f, "%02x", b[i]);
	fputc('\n', f);
}
