// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * hostile.c - the hostile ICMP corpus (build/fuzz_datapath --hostile):
 * forged "Fragmentation Needed" / "Packet Too Big" messages through the XDP
 * and TC ingress programs with PTB steering on, in the fuzzer's private
 * namespace where a genuine error *is* steered (routes and neighbours
 * exist), so "not steered" means "refused", not "could not be".
 *
 * Classes, each a PASS/FAIL line per program and configuration:
 *   genuine v4/v6 (the control group: steered / broadcast)
 *   outer dst != inner src, random inner tuples, MTU 0 / 68 / 500 / 1279,
 *   bad checksums, cut quotes, inner ports only in Ethernet padding,
 *   a quote of an ICMP error, IP length past the frame, unwanted types,
 *   a flood of forged errors (test_run repeat) and of genuine ones
 *   (broadcast token bucket)
 * Every case states its class (valid / invalid / too small / ignored); the
 * independent model (model.c) must agree with the statement, and the
 * datapath must count it under exactly that counter, never steer or
 * broadcast what is not valid, and (ptb invalid drop) drop exactly what is
 * not valid.
 */
#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "mtuguard.skel.h"
#include "fuzz.h"

#define SERVER4 "10.1.1.1"      /* us: the outer destination, inner source */
#define CLIENT4 "198.51.100.7"
#define ROUTER4 "192.0.2.9"
#define SERVER6 "2001:db8:1::1"
#define CLIENT6 "2001:db8:77::7"
#define ROUTER6 "2001:db8:ff::9"

static int npass, nfail;
static const char *cur_cfg = "";

static void result(bool ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#include <stdarg.h>

static void result(bool ok, const char *name, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("%s: hostile/%s (%s)\n", ok ? "PASS" : "FAIL", name, buf);
	if (ok)
		npass++;
	else
		nfail++;
}

/* ---- packets ------------------------------------------------------------------- */

struct hpkt {
	struct pkt_spec outer, inner, inner2;
};

static void genuine4(struct hpkt *h, __u16 mtu)
{
	memset(h, 0, sizeof(*h));
	h->inner = (struct pkt_spec){
		.no_eth = true, .l3 = L3_V4,
		.ip4 = { .src = SERVER4, .dst = CLIENT4, .frag = PKT_IP_DF },
		.l4 = L4_TCP,
		.tcp = { .sport = 80, .dport = 40001, .flags = TH_ACK | TH_PSH, .seq = 7 },
		.payload = (const __u8 *)"0123456789abcdef", .payload_len = 16,
	};
	h->outer = (struct pkt_spec){
		.l3 = L3_V4, .ip4 = { .src = ROUTER4, .dst = SERVER4 },
		.l4 = L4_ICMP,
		.icmp = { .type = 3, .code = 4, .rest = mtu, .inner = &h->inner },
	};
}

static void genuine6(struct hpkt *h, __u32 mtu)
{
	memset(h, 0, sizeof(*h));
	h->inner = (struct pkt_spec){
		.no_eth = true, .l3 = L3_V6,
		.ip6 = { .src = SERVER6, .dst = CLIENT6 },
		.l4 = L4_TCP,
		.tcp = { .sport = 443, .dport = 40002, .flags = TH_ACK, .seq = 9 },
		.payload = (const __u8 *)"0123456789abcdef", .payload_len = 16,
	};
	h->outer = (struct pkt_spec){
		.l3 = L3_V6, .ip6 = { .src = ROUTER6, .dst = SERVER6 },
		.l4 = L4_ICMP,
		.icmp = { .type = 2, .code = 0, .rest = mtu, .inner = &h->inner },
	};
}

static int build(const struct hpkt *h, struct pkt *p)
{
	if (pkt_build(p, &h->outer) < 0) {
		printf("    builder: %s\n", p->err);
		return -1;
	}
	fz_to_rx(p->data, p->len); /* fib mode acts on nothing else */
	return 0;
}

/* ---- configurations ---------------------------------------------------------------- */

enum hcfg {
	HCFG_FIB,       /* ptb mode fib, invalid pass */
	HCFG_FIB_DROP,  /* ptb mode fib, invalid drop */
	HCFG_FIB_ALL,   /* fib, every ICMP error type */
	HCFG_BCAST,     /* broadcast (TC ingress acts, XDP stands back) */
	HCFG__COUNT,
};

static const char *const hcfg_name[HCFG__COUNT] = { "fib", "fib_drop", "fib_all", "bcast" };

static void hcfg_make(enum hcfg k, struct fz_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->spec.ptb_mode = k == HCFG_BCAST ? MTUG_PTB_BROADCAST : MTUG_PTB_FIB;
	c->spec.global.ptb_invalid = k == HCFG_FIB_DROP ? MTUG_INVALID_DROP : MTUG_INVALID_PASS;
	c->spec.global.ptb_all_errors = k == HCFG_FIB_ALL;
	c->spec.global.ptb_rate_pps = 1000000; /* the bucket is tested apart */
}

/* ---- running ------------------------------------------------------------------------ */

struct tally {
	unsigned runs, steered, bcast, invalid, small, seen, dropped, redirect, wrong;
	char first_wrong[256];
};

static void counters_delta(struct harness *h, struct mtug_counters *prev,
			   struct mtug_counters *d)
{
	struct mtug_counters now;

	harness_counters(h, &now);
#define SUB(name) d->name = now.name - prev->name;
	MTUG_COUNTERS(SUB)
#undef SUB
	*prev = now;
}

/*
 * Run one frame through one program under one configuration, expecting
 * class `want`.  Steering is expected for a valid one in fib mode,
 * broadcast (or rate limiting) in broadcast mode on TC ingress.
 */
static void run_one(struct harness *h, const struct fz_cfg *c, enum prog_id prog,
		    const __u8 *b, size_t len, enum hostile_class want,
		    struct mtug_counters *prev, struct tally *t)
{
	static struct run_result r;
	struct mtug_counters d;
	const char *why = "";
	enum ptb_class model = model_ptb_class(c, b, len, &why);
	bool bcast_mode = c->spec.ptb_mode == MTUG_PTB_BROADCAST;
	bool acts = !(bcast_mode && prog == PROG_XDP);
	bool drop = c->spec.global.ptb_invalid == MTUG_INVALID_DROP;
	unsigned redirect_rc = prog == PROG_XDP ? 4 : 7;
	unsigned drop_rc = prog == PROG_XDP ? 1 : 2;
	char w[256] = "";
	int err;

	static const enum ptb_class want_model[] = {
		[HC_VALID] = PC_VALID, [HC_INVALID] = PC_INVALID,
		[HC_TOO_SMALL] = PC_TOO_SMALL, [HC_IGNORED] = PC_NONE,
	};

	t->runs++;
	if (model != want_model[want])
		snprintf(w, sizeof(w), "case says class %d, the model %d (%s)", want, model, why);
	err = harness_run(h, prog, b, len, 0, 1, &r);
	if (err) {
		snprintf(w, sizeof(w), "test_run: %s", strerror(-err));
		goto out;
	}
	counters_delta(h, prev, &d);
	t->steered += d.ptb_steered;
	t->bcast += d.ptb_broadcast;
	t->invalid += d.ptb_invalid;
	t->small += d.ptb_mtu_too_small;
	t->seen += d.ptb_seen;
	t->redirect += r.retval == redirect_rc;
	t->dropped += r.retval == drop_rc;

	if (!acts) {
		/* XDP in broadcast mode leaves ICMP to TC, uncounted */
		if (d.ptb_seen || r.retval != 2 || memcmp(r.out + r.meta_len, b, len))
			snprintf(w, sizeof(w), "XDP acted in broadcast mode");
		goto out;
	}
	switch (want) {
	case HC_VALID:
		if (!bcast_mode && (d.ptb_steered != 1 || r.retval != redirect_rc))
			snprintf(w, sizeof(w), "genuine error not steered (steered +%llu, rc %u)",
				 (unsigned long long)d.ptb_steered, r.retval);
		if (bcast_mode && d.ptb_broadcast + d.ptb_rate_limited != 1)
			snprintf(w, sizeof(w), "genuine error neither broadcast nor rate limited");
		break;
	case HC_INVALID:
	case HC_TOO_SMALL:
		if (d.ptb_steered || d.ptb_broadcast || r.retval == redirect_rc)
			snprintf(w, sizeof(w), "FORGED ERROR STEERED (steered +%llu, broadcast "
				 "+%llu, rc %u)", (unsigned long long)d.ptb_steered,
				 (unsigned long long)d.ptb_broadcast, r.retval);
		else if (want == HC_INVALID && (d.ptb_invalid != 1 || d.ptb_mtu_too_small))
			snprintf(w, sizeof(w), "ptb_invalid +%llu, ptb_mtu_too_small +%llu "
				 "(want invalid)", (unsigned long long)d.ptb_invalid,
				 (unsigned long long)d.ptb_mtu_too_small);
		else if (want == HC_TOO_SMALL && (d.ptb_mtu_too_small != 1 || d.ptb_invalid))
			snprintf(w, sizeof(w), "ptb_invalid +%llu, ptb_mtu_too_small +%llu "
				 "(want too small)", (unsigned long long)d.ptb_invalid,
				 (unsigned long long)d.ptb_mtu_too_small);
		else if (d.ptb_seen != 1)
			snprintf(w, sizeof(w), "ptb_seen +%llu", (unsigned long long)d.ptb_seen);
		else if (drop != (r.retval == drop_rc))
			snprintf(w, sizeof(w), "verdict %u with invalid %s", r.retval,
				 drop ? "drop" : "pass");
		else if (!drop && memcmp(r.out + r.meta_len, b, len))
			snprintf(w, sizeof(w), "a refused error was modified");
		break;
	case HC_IGNORED:
		if (d.ptb_seen || d.ptb_invalid || d.ptb_mtu_too_small || d.ptb_steered ||
		    d.ptb_broadcast || r.retval != (prog == PROG_XDP ? 2u : (unsigned)-1 /* TC_ACT_UNSPEC */) ||
		    memcmp(r.out + r.meta_len, b, len))
			snprintf(w, sizeof(w), "ignored type acted on (seen +%llu, rc %u)",
				 (unsigned long long)d.ptb_seen, r.retval);
		break;
	}
out:
	if (w[0] && !t->wrong++) {
		snprintf(t->first_wrong, sizeof(t->first_wrong), "%s", w);
		printf("    %s/%s: %s\n", cur_cfg, prog_name(prog), w);
		hexline(stdout, "    in:  ", b, len);
		if (!err)
			hexline(stdout, "    out: ", r.out + r.meta_len, r.out_len - r.meta_len);
	}
}

static void report(const char *cname, enum prog_id prog, const char *cls,
		   const struct tally *t, enum hostile_class want)
{
	char name[160];

	snprintf(name, sizeof(name), "%s/%s/%s", cname, prog_name(prog), cls);
	if (t->wrong) {
		result(false, name, "%u of %u wrong: %s", t->wrong, t->runs, t->first_wrong);
		return;
	}
	switch (want) {
	case HC_VALID:
		result(true, name, "%u genuine, steered %u, broadcast %u", t->runs, t->steered,
		       t->bcast);
		break;
	case HC_INVALID:
		result(true, name, "%u forged, none steered, ptb_invalid +%u%s", t->runs,
		       t->invalid, t->dropped ? ", dropped" : "");
		break;
	case HC_TOO_SMALL:
		result(true, name, "%u forged, none steered, ptb_mtu_too_small +%u%s", t->runs,
		       t->small, t->dropped ? ", dropped" : "");
		break;
	case HC_IGNORED:
		result(true, name, "%u not acted on, nothing counted", t->runs);
		break;
	}
}

/* ---- the corpus ------------------------------------------------------------------------ */

/* A case makes variant i (of n) of its packet. */
struct hcase {
	const char *name;
	enum hostile_class want;
	int n;
	bool (*make)(struct rng *r, int i, struct pkt *p);
};

static bool c_genuine4(struct rng *r, int i, struct pkt *p)
{
	static const __u16 mtus[] = { 552, 576, 1280, 1400, 1480, 1500 };
	struct hpkt h;

	(void)r;
	genuine4(&h, mtus[i % 6]);
	return !build(&h, p);
}

static bool c_genuine6(struct rng *r, int i, struct pkt *p)
{
	static const __u32 mtus[] = { 1280, 1400, 1480, 1500, 9000 };
	struct hpkt h;

	(void)r;
	genuine6(&h, mtus[i % 5]);
	if (i % 2) { /* inner extension headers must parse */
		h.inner.ip6.n_ext = 2;
		h.inner.ip6.ext[0].type = IPPROTO_HOPOPTS;
		h.inner.ip6.ext[1].type = IPPROTO_DSTOPTS;
	}
	return !build(&h, p);
}

static char abuf[4][64];

static const char *rand4(struct rng *r, int slot)
{
	snprintf(abuf[slot], 64, "%u.%u.%u.%u", rng_range(r, 1, 223), (unsigned)rng_below(r, 256),
		 (unsigned)rng_below(r, 256), rng_range(r, 1, 254));
	return abuf[slot];
}

static const char *rand6(struct rng *r, int slot)
{
	snprintf(abuf[slot], 64, "2001:db8:%x:%x::%x", (unsigned)rng_below(r, 65536),
		 (unsigned)rng_below(r, 65536), rng_range(r, 1, 65535));
	return abuf[slot];
}

/* Random inner tuples: the attacker does not know our address, so the
 * quoted source is not the outer destination. */
static bool c_random_tuple4(struct rng *r, int i, struct pkt *p)
{
	struct hpkt h;

	(void)i;
	genuine4(&h, 1400);
	do
		h.inner.ip4.src = rand4(r, 0);
	while (!strcmp(h.inner.ip4.src, SERVER4));
	h.inner.ip4.dst = rand4(r, 1);
	h.inner.tcp.sport = (__u16)rng_range(r, 1, 65535);
	h.inner.tcp.dport = (__u16)rng_range(r, 1, 65535);
	if (rng_pct(r, 30)) {
		h.inner.l4 = L4_UDP;
		h.inner.udp.sport = h.inner.tcp.sport;
		h.inner.udp.dport = h.inner.tcp.dport;
	}
	return !build(&h, p);
}

static bool c_random_tuple6(struct rng *r, int i, struct pkt *p)
{
	struct hpkt h;

	(void)i;
	genuine6(&h, 1400);
	h.inner.ip6.src = rand6(r, 0);
	h.inner.ip6.dst = rand6(r, 1);
	h.inner.tcp.sport = (__u16)rng_range(r, 1, 65535);
	h.inner.tcp.dport = (__u16)rng_range(r, 1, 65535);
	return !build(&h, p);
}

/* Outer destination another address of ours than the quoted source. */
static bool c_outer_ne_inner4(struct rng *r, int i, struct pkt *p)
{
	struct hpkt h;

	(void)r;
	genuine4(&h, 1400);
	h.outer.ip4.dst = i ? "10.1.1.2" : "10.250.0.1";
	return !build(&h, p);
}

static bool c_outer_ne_inner6(struct rng *r, int i, struct pkt *p)
{
	struct hpkt h;

	(void)r;
	genuine6(&h, 1400);
	h.outer.ip6.dst = i ? "2001:db8:1::2" : "2001:db8:250::1";
	return !build(&h, p);
}

static bool c_mtu0_4(struct rng *r, int i, struct pkt *p)
{
	struct hpkt h;

	(void)r; (void)i;
	genuine4(&h, 0);
	return !build(&h, p);
}

static bool c_mtu0_6(struct rng *r, int i, struct pkt *p)
{
	struct hpkt h;

	(void)r; (void)i;
	genuine6(&h, 0);
	return !build(&h, p);
}

static bool c_small4(struct rng *r, int i, struct pkt *p)
{
	static const __u16 mtus[] = { 68, 500, 551, 1, 296 };
	struct hpkt h;

	(void)r;
	genuine4(&h, mtus[i % 5]);
	return !build(&h, p);
}

static bool c_small6(struct rng *r, int i, struct pkt *p)
{
	static const __u32 mtus[] = { 68, 500, 1279, 1 };
	struct hpkt h;

	(void)r;
	genuine6(&h, mtus[i % 4]);
	return !build(&h, p);
}

static bool c_bad_csum4(struct rng *r, int i, struct pkt *p)
{
	struct hpkt h;

	(void)i;
	genuine4(&h, 1400);
	h.outer.icmp.csum_delta = (__u16)rng_range(r, 1, 0xfffe);
	return !build(&h, p);
}

static bool c_bad_csum6(struct rng *r, int i, struct pkt *p)
{
	struct hpkt h;

	(void)i;
	genuine6(&h, 1400);
	h.outer.icmp.csum_delta = (__u16)rng_range(r, 1, 0xfffe);
	return !build(&h, p);
}

/* Quotes cut before the inner ports (v4: 20 bytes of header + 4 of ports). */
static bool c_cut_quote4(struct rng *r, int i, struct pkt *p)
{
	static const __u16 cuts[] = { 1, 8, 19, 20, 21, 23 };
	struct hpkt h;

	(void)r;
	genuine4(&h, 1400);
	h.outer.icmp.inner_len = cuts[i % 6];
	return !build(&h, p);
}

static bool c_cut_quote6(struct rng *r, int i, struct pkt *p)
{
	static const __u16 cuts[] = { 1, 20, 39, 40, 43 };
	struct hpkt h;

	(void)r;
	genuine6(&h, 1400);
	h.outer.icmp.inner_len = cuts[i % 5];
	return !build(&h, p);
}

/* The smallest quotes that do carry the ports are genuine: RFC 792's
 * 20 + 8 bytes for IPv4, 40 + 4 for IPv6. */
static bool c_min_quote(struct rng *r, int i, struct pkt *p)
{
	struct hpkt h;

	(void)r;
	if (i % 2) {
		genuine6(&h, 1400);
		h.outer.icmp.inner_len = 44;
	} else {
		genuine4(&h, 1400);
		h.outer.icmp.inner_len = i % 4 ? 24 : 28;
	}
	return !build(&h, p);
}

/* The quote stops after the inner IP header; the "ports" follow the IP
 * packet as Ethernet padding, outside the checksummed ICMP message. */
static bool c_ports_in_padding(struct rng *r, int i, struct pkt *p)
{
	struct hpkt h;

	(void)r;
	if (i % 2) {
		genuine6(&h, 1400);
		h.outer.icmp.inner_len = 40;
	} else {
		genuine4(&h, 1400);
		h.outer.icmp.inner_len = 20;
	}
	if (build(&h, p))
		return false;
	/* inner sport 80 / 443, dport 40001 / 40002, as a full quote has */
	p->data[p->len++] = 0x00;
	p->data[p->len++] = i % 2 ? 0xbb : 0x50;
	p->data[p->len++] = 0x9c;
	p->data[p->len++] = i % 2 ? 0x42 : 0x41;
	return true;
}

static bool c_quote_of_error(struct rng *r, int i, struct pkt *p)
{
	struct hpkt h;
	bool v6 = i % 2;

	(void)r;
	if (v6) {
		genuine6(&h, 1400);
		h.inner.l4 = L4_ICMP;
		h.inner.icmp.type = i % 4 == 1 ? 2 : 1; /* PTB / dest unreachable */
		h.inner.icmp.rest = 1300;
		h.inner2 = h.inner;
		h.inner2.l4 = L4_UDP;
		h.inner2.icmp = (struct icmp_spec){ 0 };
		h.inner.icmp.inner = &h.inner2;
	} else {
		genuine4(&h, 1400);
		h.inner.l4 = L4_ICMP;
		h.inner.icmp.type = i % 4 == 0 ? 3 : 11;
		h.inner.icmp.code = i % 4 == 0 ? 4 : 0;
		h.inner.icmp.rest = 1300;
		h.inner2 = h.inner;
		h.inner2.l4 = L4_UDP;
		h.inner2.icmp = (struct icmp_spec){ 0 };
		h.inner.icmp.inner = &h.inner2;
	}
	return !build(&h, p);
}

/* A quoted ICMP echo is a real flow: acted on. */
static bool c_quote_of_echo(struct rng *r, int i, struct pkt *p)
{
	struct hpkt h;

	(void)r;
	if (i % 2) {
		genuine6(&h, 1400);
		h.inner.l4 = L4_ICMP;
		h.inner.icmp.type = 128;
	} else {
		genuine4(&h, 1400);
		h.inner.l4 = L4_ICMP;
		h.inner.icmp.type = 8;
	}
	return !build(&h, p);
}

static bool c_ip_len_past_frame(struct rng *r, int i, struct pkt *p)
{
	struct hpkt h;

	(void)r;
	if (i % 2) {
		genuine6(&h, 1400);
		h.outer.ip6.plen_override = 400;
	} else {
		genuine4(&h, 1400);
		h.outer.ip4.tot_len_override = 400;
	}
	return !build(&h, p);
}

/* The wrong family inside: an IPv6 quote in an ICMPv4 error and back. */
static bool c_family_mismatch(struct rng *r, int i, struct pkt *p)
{
	struct hpkt h, o;

	(void)r;
	if (i % 2) {
		genuine6(&h, 1400);
		genuine4(&o, 1400);
		h.inner = o.inner; /* quoted IPv4 in ICMPv6 */
	} else {
		genuine4(&h, 1400);
		genuine6(&o, 1400);
		h.inner = o.inner;
	}
	h.outer.icmp.inner = &h.inner;
	return !build(&h, p);
}

/* Not Frag Needed / Packet Too Big: left alone unless `ptb errors all`. */
static bool c_other_types(struct rng *r, int i, struct pkt *p)
{
	static const __u8 t4[][2] = { { 3, 1 }, { 3, 3 }, { 11, 0 }, { 12, 0 }, { 8, 0 }, { 0, 0 } };
	static const __u8 t6[][2] = { { 1, 4 }, { 3, 0 }, { 4, 1 }, { 128, 0 }, { 135, 0 } };
	struct hpkt h;

	(void)r;
	if (i % 2) {
		genuine6(&h, 1400);
		h.outer.icmp.type = t6[(i / 2) % 5][0];
		h.outer.icmp.code = t6[(i / 2) % 5][1];
	} else {
		genuine4(&h, 1400);
		h.outer.icmp.type = t4[(i / 2) % 6][0];
		h.outer.icmp.code = t4[(i / 2) % 6][1];
	}
	return !build(&h, p);
}

static const struct hcase cases[] = {
	{ "genuine_v4", HC_VALID, 6, c_genuine4 },
	{ "genuine_v6", HC_VALID, 6, c_genuine6 },
	{ "min_quote", HC_VALID, 6, c_min_quote },
	{ "quote_of_echo", HC_VALID, 2, c_quote_of_echo },
	{ "random_inner_tuples_v4", HC_INVALID, 200, c_random_tuple4 },
	{ "random_inner_tuples_v6", HC_INVALID, 200, c_random_tuple6 },
	{ "outer_dst_ne_inner_src_v4", HC_INVALID, 2, c_outer_ne_inner4 },
	{ "outer_dst_ne_inner_src_v6", HC_INVALID, 2, c_outer_ne_inner6 },
	{ "mtu_0_v4", HC_INVALID, 1, c_mtu0_4 },
	{ "mtu_0_v6", HC_INVALID, 1, c_mtu0_6 },
	{ "mtu_68_500_v4", HC_TOO_SMALL, 5, c_small4 },
	{ "mtu_below_1280_v6", HC_TOO_SMALL, 4, c_small6 },
	{ "bad_checksum_v4", HC_INVALID, 50, c_bad_csum4 },
	{ "bad_checksum_v6", HC_INVALID, 50, c_bad_csum6 },
	{ "cut_quote_v4", HC_INVALID, 6, c_cut_quote4 },
	{ "cut_quote_v6", HC_INVALID, 5, c_cut_quote6 },
	{ "ports_in_eth_padding", HC_INVALID, 2, c_ports_in_padding },
	{ "quote_of_icmp_error", HC_INVALID, 4, c_quote_of_error },
	{ "ip_length_past_frame", HC_INVALID, 2, c_ip_len_past_frame },
	{ "inner_family_mismatch", HC_INVALID, 2, c_family_mismatch },
	{ "other_icmp_types", HC_IGNORED, 10, c_other_types },
};

/* Flood: one forged and one genuine error, test_run with repeat. */
static void flood(struct harness *h, enum hcfg k, enum prog_id prog)
{
	const int N = 10000;
	struct fz_cfg c;
	struct mtug_counters prev, d;
	struct hpkt hp;
	static struct pkt p;
	static __u8 out[PKT_MAX];
	char name[96];
	int err;

	hcfg_make(k, &c);
	harness_reset(h);
	harness_apply_cfg(h, &c.spec, 1);
	harness_counters(h, &prev);
	genuine4(&hp, 1400);
	hp.inner.ip4.src = "10.1.1.2"; /* forged: not the outer destination */
	build(&hp, &p);
	{
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p.data, .data_size_in = p.len,
			    .data_out = out, .data_size_out = sizeof(out), .repeat = N);
		err = bpf_prog_test_run_opts(h->prog_fd[prog], &o);
	}
	counters_delta(h, &prev, &d);
	snprintf(name, sizeof(name), "%s/%s/flood_forged", hcfg_name[k], prog_name(prog));
	if (err)
		result(false, name, "test_run: %s", strerror(errno));
	else if (prog == PROG_XDP && k == HCFG_BCAST)
		result(d.ptb_seen == 0 && d.ptb_broadcast == 0, name,
		       "%d runs, XDP stands back in broadcast mode: seen +%llu", N,
		       (unsigned long long)d.ptb_seen);
	else
		result(d.ptb_steered == 0 && d.ptb_broadcast == 0 && d.ptb_invalid == (__u64)N &&
		       d.ptb_seen == (__u64)N, name,
		       "%d runs: ptb_seen +%llu, ptb_invalid +%llu, steered +%llu, broadcast +%llu",
		       N, (unsigned long long)d.ptb_seen, (unsigned long long)d.ptb_invalid,
		       (unsigned long long)d.ptb_steered, (unsigned long long)d.ptb_broadcast);
}

/* Broadcast-mode rate limit: a flood of genuine errors at a budget of 100/s
 * (burst 100) broadcasts at most about that many; the rest is counted. */
static void flood_bcast(struct harness *h)
{
	const int N = 5000;
	struct fz_cfg c;
	struct mtug_counters prev, d;
	struct hpkt hp;
	static struct pkt p;
	static __u8 out[PKT_MAX];
	char name[96];
	int err;

	hcfg_make(HCFG_BCAST, &c);
	c.spec.global.ptb_rate_pps = 100;
	harness_reset(h);
	harness_apply_cfg(h, &c.spec, 1);
	harness_counters(h, &prev);
	genuine4(&hp, 1400);
	build(&hp, &p);
	{
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p.data, .data_size_in = p.len,
			    .data_out = out, .data_size_out = sizeof(out), .repeat = N);
		err = bpf_prog_test_run_opts(h->prog_fd[PROG_TC_INGRESS], &o);
	}
	counters_delta(h, &prev, &d);
	snprintf(name, sizeof(name), "bcast/tc_ingress/flood_genuine_rate_limited");
	if (err) {
		result(false, name, "test_run: %s", strerror(errno));
		return;
	}
	/* burst of 100 per CPU, plus what refills while the flood runs */
	result(d.ptb_broadcast + d.ptb_rate_limited == (__u64)N && d.ptb_broadcast >= 1 &&
	       d.ptb_broadcast <= 100 * 2 + 50 && d.ptb_steered == 0, name,
	       "%d genuine at 100/s: broadcast +%llu, rate limited +%llu", N,
	       (unsigned long long)d.ptb_broadcast, (unsigned long long)d.ptb_rate_limited);
}

/* A genuine error that arrived as an L2 broadcast is never sent again. */
static void no_rebroadcast(struct harness *h)
{
	struct fz_cfg c;
	struct mtug_counters prev, d;
	struct hpkt hp;
	static struct pkt p;
	static struct run_result r;
	int err;

	hcfg_make(HCFG_BCAST, &c);
	harness_reset(h);
	harness_apply_cfg(h, &c.spec, 1);
	harness_counters(h, &prev);
	genuine4(&hp, 1400);
	memset(hp.outer.eth_dst, 0xff, 6);
	build(&hp, &p);
	err = harness_run(h, PROG_TC_INGRESS, p.data, p.len, 0, 1, &r);
	counters_delta(h, &prev, &d);
	result(!err && d.ptb_broadcast == 0 && d.ptb_seen == 1 && r.retval == (__u32)-1 /* TC_ACT_UNSPEC */ &&
	       !memcmp(r.out + r.meta_len, p.data, p.len), "bcast/tc_ingress/no_rebroadcast",
	       "arrived as broadcast: broadcast +%llu, passed unchanged",
	       (unsigned long long)d.ptb_broadcast);
}

/* Random hostile packets (gen.c, GEN_HOSTILE) judged by the model alone:
 * steered or broadcast only when valid, and counted in the model's class. */
static void random_hostile(struct harness *h, enum hcfg k, enum prog_id prog, int n)
{
	struct rng r = { .s = 0x686f7374696c65ULL + k * 7 + prog };
	static struct fz_pkt fp;
	static struct run_result res;
	struct fz_cfg c;
	struct mtug_counters prev, d;
	unsigned bad = 0, cls[4] = { 0 }, steered = 0, refused = 0, frags = 0;
	char name[96], first[300] = "";

	hcfg_make(k, &c);
	harness_reset(h);
	harness_apply_cfg(h, &c.spec, 1);
	harness_counters(h, &prev);
	for (int i = 0; i < n; i++) {
		const char *why;
		enum ptb_class pc;
		int err;

		gen_packet(&r, GEN_HOSTILE, &fp);
		pc = model_ptb_class(&c, fp.data, fp.len, &why);
		err = harness_run(h, prog, fp.data, fp.len, 0, 1, &res);
		if (err) {
			refused++;
			continue;
		}
		counters_delta(h, &prev, &d);
		cls[pc]++;
		steered += d.ptb_steered + d.ptb_broadcast;
		if ((d.ptb_steered || d.ptb_broadcast) && pc != PC_VALID) {
			if (!bad++)
				snprintf(first, sizeof(first), "%s steered, model: %s", fp.desc, why);
			hexline(stdout, "    steered forged: ", fp.data, fp.len);
		} else if (d.frags_passed || (d.parse_skipped && prog == PROG_XDP &&
						fp.len > harness_xdp_buf_len()) ||
			   (res.meta_len == 4 && !memcmp(res.out, "CGTM", 4))) {
			/* XDP, a message or ICMP header across the first
			 * buffer's end: passed untouched, neither valid nor
			 * invalid; in fib mode a message so placed goes to
			 * TC ingress to be checked, tagged MTUG_META_CHECK
			 * (little-endian "MTGC" in front of the frame). */
			frags++;
			if (prog != PROG_XDP || fp.len <= harness_xdp_buf_len() ||
			    res.retval != 2 || d.ptb_invalid || d.ptb_mtu_too_small ||
			    memcmp(res.out + res.meta_len, fp.data, fp.len)) {
				if (!bad++)
					snprintf(first, sizeof(first), "%s: frags_passed / "
						 "parse_skipped but not passed untouched by XDP",
						 fp.desc);
				hexline(stdout, "    across buffers: ", fp.data, fp.len);
			}
		} else if (!(prog == PROG_XDP && k == HCFG_BCAST) &&
			   ((pc == PC_INVALID) != (d.ptb_invalid == 1) ||
			    (pc == PC_TOO_SMALL) != (d.ptb_mtu_too_small == 1))) {
			if (!bad++)
				snprintf(first, sizeof(first), "%s: model class %d, invalid +%llu "
					 "too small +%llu (%s)", fp.desc, pc,
					 (unsigned long long)d.ptb_invalid,
					 (unsigned long long)d.ptb_mtu_too_small, why);
			hexline(stdout, "    misclassified: ", fp.data, fp.len);
		}
	}
	snprintf(name, sizeof(name), "%s/%s/random_forgeries", hcfg_name[k], prog_name(prog));
	if (bad)
		result(false, name, "%u of %d wrong, first: %s", bad, n, first);
	else
		result(true, name, "%d packets: %u valid (%u steered/broadcast), %u invalid, "
		       "%u too small, %u not acted on, %u passed across buffers, %u refused "
		       "by test_run", n, cls[PC_VALID], steered, cls[PC_INVALID],
		       cls[PC_TOO_SMALL], cls[PC_NONE], frags, refused);
}

int hostile_run(struct harness *h, bool verbose)
{
	static const enum prog_id progs[] = { PROG_XDP, PROG_TC_INGRESS };
	struct rng r = { .s = 0x5eed };
	static struct pkt p;
	unsigned total = 0;

	(void)verbose;
	for (int k = 0; k < HCFG__COUNT; k++) {
		struct fz_cfg c;

		hcfg_make(k, &c);
		cur_cfg = hcfg_name[k];
		for (size_t pi = 0; pi < 2; pi++) {
			enum prog_id prog = progs[pi];

			for (size_t ci = 0; ci < sizeof(cases) / sizeof(cases[0]); ci++) {
				const struct hcase *hc = &cases[ci];
				enum hostile_class want = hc->want;
				struct mtug_counters prev;
				struct tally t = { 0 };

				/* Under `ptb errors all` the other error types are
				 * acted on: genuine ones are valid. */
				if (k == HCFG_FIB_ALL && !strcmp(hc->name, "other_icmp_types"))
					continue;
				harness_reset(h);
				harness_apply_cfg(h, &c.spec, 1);
				harness_counters(h, &prev);
				for (int i = 0; i < hc->n; i++) {
					if (!hc->make(&r, i, &p)) {
						t.wrong++;
						snprintf(t.first_wrong, sizeof(t.first_wrong),
							 "could not build variant %d", i);
						continue;
					}
					run_one(h, &c, prog, p.data, p.len, want, &prev, &t);
				}
				total += t.runs;
				if (prog == PROG_XDP && k == HCFG_BCAST) {
					char name[160];

					snprintf(name, sizeof(name), "%s/%s/%s", hcfg_name[k],
						 prog_name(prog), hc->name);
					if (t.wrong)
						result(false, name, "%s", t.first_wrong);
					else
						result(true, name, "%u left to TC ingress, uncounted",
						       t.runs);
					continue;
				}
				report(hcfg_name[k], prog, hc->name, &t, want);
			}
			random_hostile(h, k, prog, 2000);
			total += 2000;
			flood(h, k, prog);
			total += 10000;
		}
	}
	flood_bcast(h);
	no_rebroadcast(h);
	total += 5001;
	printf("# hostile ICMP: %u packets tried (named classes, random forgeries, floods)\n",
	       total);
	printf("hostile: %d passed, %d failed\n", npass, nfail);
	return nfail;
}
