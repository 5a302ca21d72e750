// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * prefix_cache.c - the datapath's prefix_cache (see include/mtuguard.h)
 * against its contract, through the XDP and TC egress programs:
 *   - an entry answers for its address within its generation: a trie
 *     written behind the generation's back is not seen (which shows the
 *     cache is on the path at all), and is seen once it is bumped;
 *   - an entry never answers for another address in its slot;
 *   - generation 0 never uses the cache.
 * Each step sends a SYN with MSS 1460 and reads the MSS that came out.
 * The cache is per CPU: the steps run pinned to one CPU, or a migration
 * between two of them would meet another CPU's (empty) cache.
 */
#include <arpa/inet.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "mtuguard.skel.h"
#include "harness.h"
#include "pktbuild.h"

/* The SYN to dst (IPv4 or IPv6) and the MSS the program leaves in it. */
static int syn_mss(struct harness *h, enum prog_id prog, const char *dst, __u32 *mss)
{
	struct tcp_spec t = { .flags = TH_SYN, .opts = { 2, 4, 0x05, 0xb4 }, .opts_len = 4 };
	struct run_result r;
	struct pkt p;
	size_t tcp;

	pkt_init(&p);
	if (strchr(dst, ':')) {
		struct ip6_spec s = { .dst = dst };

		pkt_eth(&p, NULL, NULL, 0x86dd);
		pkt_ipv6(&p, &s);
	} else {
		struct ip4_spec s = { .dst = dst };

		pkt_eth(&p, NULL, NULL, 0x0800);
		pkt_ipv4(&p, &s);
	}
	tcp = p.len;
	pkt_tcp(&p, &t);
	if (pkt_finish(&p) || harness_run(h, prog, p.data, p.len, 0, 1, &r))
		return -1;
	tcp += r.meta_len;
	if (tcp + 24 > r.out_len)
		return -1;
	*mss = ((__u32)r.out[tcp + 22] << 8) | r.out[tcp + 23];
	return 0;
}

/* Write a prefix into the tries (and prefix_filter) without a new
 * generation: what a CLI killed before its bump would leave. */
static int trie_put(struct harness *h, const char *addr, __u32 len, __u32 mtu)
{
	char text[INET6_ADDRSTRLEN + 8];
	struct mtu_prefix mp = { .prefix = text, .mtu = mtu };

	snprintf(text, sizeof(text), "%s/%u", addr, len);
	return harness_add_prefix(h, &mp);
}

static int set_gen(struct harness *h, __u32 gen)
{
	__u32 k = MTUG_SYNC_GEN;

	return bpf_map_update_elem(bpf_map__fd(h->skel->maps.prefix_sync), &k, &gen, BPF_ANY);
}

/* The cache slot of an IPv4 address. */
static __u32 slot_v4(const char *addr)
{
	__u32 a;

	inet_pton(AF_INET, addr, &a);
	return mtug_prefix_cache_slot(1, &a);
}

#define EXPECT(cond, ...)                                            \
	do {                                                         \
		if (!(cond)) {                                       \
			snprintf(why, sizeof(why), __VA_ARGS__);     \
			return why;                                  \
		}                                                    \
	} while (0)

/* One family, one program: server is inside pfx (len bits). */
static const char *contract(struct harness *h, enum prog_id prog, const char *server,
			    const char *pfx, __u32 len, __u32 overhead)
{
	static char why[200];
	struct cfg_spec cfg = {};
	__u32 mss;

	if (harness_reset(h) || harness_apply_cfg(h, &cfg, 1) || trie_put(h, pfx, len, 1400) ||
	    harness_prefix_gen_bump(h))
		return "setup failed";
	EXPECT(!syn_mss(h, prog, server, &mss) && mss == 1400 - overhead,
	       "%s: first SYN MSS %u, want %u", server, mss, 1400 - overhead);
	/* The trie changes, the generation does not: the entry answers. */
	if (trie_put(h, pfx, len, 1300))
		return "trie write failed";
	EXPECT(!syn_mss(h, prog, server, &mss) && mss == 1400 - overhead,
	       "%s: trie changed without a new generation: MSS %u, want the cached %u",
	       server, mss, 1400 - overhead);
	/* A new generation: the trie's answer. */
	if (harness_prefix_gen_bump(h))
		return "bump failed";
	EXPECT(!syn_mss(h, prog, server, &mss) && mss == 1300 - overhead,
	       "%s: after the bump MSS %u, want %u", server, mss, 1300 - overhead);
	/* Generation 0: no cache, the trie every time. */
	if (set_gen(h, 0) || trie_put(h, pfx, len, 1200))
		return "write failed";
	EXPECT(!syn_mss(h, prog, server, &mss) && mss == 1200 - overhead,
	       "%s: generation 0: MSS %u, want %u from the trie", server, mss,
	       1200 - overhead);
	return NULL;
}

/* Two IPv4 addresses in one slot, one covered (10.2.2.0/25), one not:
 * the entry of one must not answer for the other. */
static const char *same_slot(struct harness *h, enum prog_id prog)
{
	static char why[200], other[INET_ADDRSTRLEN];
	const char *covered = "10.2.2.2";
	struct cfg_spec cfg = {};
	__u32 mss, s = slot_v4(covered);
	int i;

	for (i = 128; i < 256; i++) {
		snprintf(other, sizeof(other), "10.2.2.%d", i);
		if (slot_v4(other) == s)
			break;
	}
	if (i == 256) {
		/* No partner in this /24 (the hash decides): look wider. */
		for (i = 0; i < 65536; i++) {
			snprintf(other, sizeof(other), "10.2.%d.%d", 3 + i / 256, i % 256);
			if (slot_v4(other) == s)
				break;
		}
		if (i == 65536)
			return "no address shares the slot";
	}
	/* other/32 with MTU 0 (no MTU: the clamp ignores it) only so that
	 * prefix_filter lets it through to the cache when it lies outside
	 * the /25's /24. */
	if (harness_reset(h) || harness_apply_cfg(h, &cfg, 1) ||
	    trie_put(h, "10.2.2.0", 25, 1400) || trie_put(h, other, 32, 0) ||
	    harness_prefix_gen_bump(h))
		return "setup failed";
	EXPECT(!syn_mss(h, prog, covered, &mss) && mss == 1360,
	       "%s: MSS %u, want 1360", covered, mss);
	EXPECT(!syn_mss(h, prog, other, &mss) && mss == 1460,
	       "%s (same slot, no prefix): MSS %u, want 1460", other, mss);
	EXPECT(!syn_mss(h, prog, covered, &mss) && mss == 1360,
	       "%s after %s: MSS %u, want 1360", covered, other, mss);
	return NULL;
}

void prefix_cache_tests_run(struct harness *h, const char *filter, int *pass, int *fail)
{
	static const enum prog_id progs[] = { PROG_XDP, PROG_TC_EGRESS };
	cpu_set_t was, one;
	int cpu = sched_getcpu();
	bool pinned = false;

	if (cpu >= 0 && !sched_getaffinity(0, sizeof(was), &was)) {
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		pinned = !sched_setaffinity(0, sizeof(one), &one);
	}

	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		enum prog_id p = progs[i];
		char name[128];
		const char *why;

		snprintf(name, sizeof(name), "%s/prefix_cache_v4_generation", prog_name(p));
		why = contract(h, p, "10.2.2.2", "10.2.2.0", 24, 40);
		report_plain(name, !why, why ? why : "", filter, pass, fail);
		snprintf(name, sizeof(name), "%s/prefix_cache_v6_generation", prog_name(p));
		why = contract(h, p, "2001:db8:2::2", "2001:db8:2::", 48, 60);
		report_plain(name, !why, why ? why : "", filter, pass, fail);
		snprintf(name, sizeof(name), "%s/prefix_cache_same_slot", prog_name(p));
		why = same_slot(h, p);
		report_plain(name, !why, why ? why : "", filter, pass, fail);
	}
	if (pinned)
		sched_setaffinity(0, sizeof(was), &was);
}
