// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * selftest.c - the harness checks itself: the packet builder against a
 * published checksum and against the independent verifier, for every
 * protocol the fixtures use (including the ICMP quotes PTB fixtures need).
 * Names selftest/...; no BPF, no root.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

/* The IPv4 header of Wikipedia's "Internet checksum" example:
 * 4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7, checksum 0xb861. */
static bool ipv4_known_vector(char *why, size_t n)
{
	static const __u8 want[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
				       0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01,
				       0xc0, 0xa8, 0x00, 0xc7 };
	const struct pkt_spec s = {
		.l3 = L3_V4, .l4 = L4_UDP,
		.ip4 = { .src = "192.168.0.1", .dst = "192.168.0.199", .frag = PKT_IP_DF,
			 .tot_len_override = 0x73 },
	};
	static struct pkt p;

	if (pkt_build(&p, &s) < 0) {
		snprintf(why, n, "builder: %s", p.err);
		return false;
	}
	if (memcmp(p.data + 14, want, sizeof(want))) {
		snprintf(why, n, "header checksum 0x%04x, expected 0xb861", pkt_get16(&p, 24));
		return false;
	}
	return true;
}

static const struct pkt_spec quoted_syn4 = {
	.no_eth = true, .l3 = L3_V4, .l4 = L4_TCP,
	.ip4 = { .src = "10.2.2.2", .dst = "192.0.2.9", .frag = PKT_IP_DF },
	.tcp = { .sport = 80, .dport = 40000, .flags = TH_SYN | TH_ACK,
		 TCP_OPTS(TO_MSS(1460), TO_SACKOK, TO_TS(1, 2), TO_NOP, TO_WS(7)) },
	PAYLOAD("some bytes of data"),
};

static const struct pkt_spec quoted_syn6 = {
	.no_eth = true, .l3 = L3_V6, .l4 = L4_TCP,
	.ip6 = { .src = "2001:db8:2::2", .dst = "2001:db8:9::9" },
	.tcp = { .sport = 80, .dport = 40000, .flags = TH_ACK, TCP_OPTS(TO_NOP, TO_NOP, TO_TS(1, 2)) },
	PAYLOAD("more bytes of data, odd length"),
};

struct verify_case {
	const char *name;
	struct pkt_spec s;
	enum csum_state want;
	const char *what; /* the verifier's name of the checksum it judged */
};

static const struct verify_case verify_cases[] = {
	{ "tcp4_odd_payload",
	  { .l3 = L3_V4, .l4 = L4_TCP, .tcp = { .flags = TH_SYN, TCP_OPTS(TO_MSS(1460)) },
	    PAYLOAD("abc") }, CSUM_OK, "TCP" },
	{ "tcp4_bad",
	  { .l3 = L3_V4, .l4 = L4_TCP, .tcp = { .flags = TH_SYN, .csum_delta = 1 } },
	  CSUM_BAD, "TCP" },
	{ "ip4_header_bad",
	  { .l3 = L3_V4, .l4 = L4_TCP, .ip4 = { .csum_delta = 0x100 } }, CSUM_BAD, "IPv4 header" },
	{ "tcp6_ext_headers",
	  { .l3 = L3_V6, .l4 = L4_TCP, .tcp = { .flags = TH_SYN, TCP_OPTS(TO_NOP, TO_MSS(1440)) },
	    .ip6 = { .n_ext = 2, .ext = { { IPPROTO_HOPOPTS, 0 }, { IPPROTO_DSTOPTS, 2 } } },
	    .vlan = { { 0x88a8, 1 }, { 0x8100, 2 } } }, CSUM_OK, "TCP" },
	{ "udp4", { .l3 = L3_V4, .l4 = L4_UDP, PAYLOAD("hello") }, CSUM_OK, "UDP" },
	{ "udp6", { .l3 = L3_V6, .l4 = L4_UDP, PAYLOAD("hello") }, CSUM_OK, "UDP" },
	{ "icmp4_frag_needed_quote",
	  { .l3 = L3_V4, .l4 = L4_ICMP,
	    .ip4 = { .src = "192.0.2.1", .dst = "10.2.2.2" },
	    .icmp = { .type = 3, .code = 4, .rest = 1400, .inner = &quoted_syn4 } },
	  CSUM_OK, "ICMP" },
	{ "icmp4_quote_cut_to_28",
	  { .l3 = L3_V4, .l4 = L4_ICMP,
	    .icmp = { .type = 3, .code = 4, .rest = 1400, .inner = &quoted_syn4, .inner_len = 28 } },
	  CSUM_OK, "ICMP" },
	{ "icmp4_bad",
	  { .l3 = L3_V4, .l4 = L4_ICMP,
	    .icmp = { .type = 3, .code = 4, .rest = 1400, .inner = &quoted_syn4, .csum_delta = 7 } },
	  CSUM_BAD, "ICMP" },
	{ "icmp6_packet_too_big_quote",
	  { .l3 = L3_V6, .l4 = L4_ICMP,
	    .ip6 = { .src = "2001:db8:ff::1", .dst = "2001:db8:2::2" },
	    .icmp = { .type = 2, .code = 0, .rest = 1280, .inner = &quoted_syn6 } },
	  CSUM_OK, "ICMPv6" },
	{ "icmp6_bad",
	  { .l3 = L3_V6, .l4 = L4_ICMP,
	    .icmp = { .type = 2, .rest = 1280, .inner = &quoted_syn6, .csum_delta = 0x8000 } },
	  CSUM_BAD, "ICMPv6" },
};

void selftests_run(const char *filter, int *pass, int *fail)
{
	static struct pkt p;
	char name[128], why[256] = "";
	bool ok;

	ok = ipv4_known_vector(why, sizeof(why));
	report_plain("selftest/ipv4_header_known_vector", ok, why, filter, pass, fail);

	for (size_t i = 0; i < sizeof(verify_cases) / sizeof(verify_cases[0]); i++) {
		const struct verify_case *c = &verify_cases[i];
		const char *what = "";
		enum csum_state st = CSUM_NA;

		why[0] = '\0';
		ok = pkt_build(&p, &c->s) == 0;
		if (!ok)
			snprintf(why, sizeof(why), "builder: %s", p.err);
		else
			st = csum_check(p.data, p.len, &what);
		if (ok && (st != c->want || strcmp(what, c->what))) {
			ok = false;
			snprintf(why, sizeof(why), "verifier says %s for %s, expected %s for %s",
				 st == CSUM_OK ? "ok" : st == CSUM_BAD ? "bad" : "n/a", what,
				 c->want == CSUM_OK ? "ok" : c->want == CSUM_BAD ? "bad" : "n/a",
				 c->what);
		}
		snprintf(name, sizeof(name), "selftest/builder_vs_verifier_%s", c->name);
		report_plain(name, ok, why, filter, pass, fail);
	}
}
