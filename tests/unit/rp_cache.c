// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rp_cache.c - the fib paths' reverse-path check (bpf/strict.h, rp_pass())
 * follows the kernel's routing as it changes, through the XDP and TC
 * ingress programs, with `ptb forward on`, in the harness's namespace:
 * one TCP segment from NS_FAR4 (routed out of mtg_out) to NS_VIP4 again
 * and again while the routes, the addresses and rp_filter change under
 * it.  Where the kernel lets the datapath keep the lookup's answer (the
 * rp cache), every change must reach it on the next packet; where it does
 * not, the same steps hold trivially.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "pktbuild.h"

enum outcome { STEERED, DEFERRED, OTHER };

static const char *const outcome_name[] = { "steered", "deferred", "something else" };

/* One segment through prog: steered (redirect, fwd_steered +1), deferred
 * (pass, fib_deferred +1) or anything else. */
static enum outcome send_one(struct harness *h, enum prog_id prog)
{
	struct tcp_spec t = { .flags = TH_ACK, .seq = 1, .ack = 1 };
	struct ip4_spec s = { .src = NS_FAR4, .dst = NS_VIP4 };
	struct mtug_counters a, b;
	struct run_result r;
	struct pkt p;
	/* XDP_REDIRECT / TC_ACT_REDIRECT; XDP_PASS / TC_ACT_UNSPEC (TC passes
	 * with "unspecified", so that other programs behind it still run) */
	__u32 redirect = prog == PROG_XDP ? 4 : 7, pass = prog == PROG_XDP ? 2 : (__u32)-1;

	pkt_init(&p);
	pkt_eth(&p, NULL, NULL, 0x0800);
	pkt_ipv4(&p, &s);
	pkt_tcp(&p, &t);
	pkt_bytes(&p, "0123456789abcdef", 16);
	if (pkt_finish(&p) || harness_counters(h, &a) ||
	    harness_run(h, prog, p.data, p.len, h->ns.in_ifindex, 1, &r) ||
	    harness_counters(h, &b))
		return OTHER;
	if (r.retval == redirect && b.fwd_steered == a.fwd_steered + 1 &&
	    b.fib_deferred == a.fib_deferred)
		return STEERED;
	if (r.retval == pass && b.fib_deferred == a.fib_deferred + 1 &&
	    b.fwd_steered == a.fwd_steered)
		return DEFERRED;
	return OTHER;
}

static int sh(const char *cmd)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s >/dev/null 2>&1", cmd);
	return system(buf) ? -1 : 0;
}

static int set_rp(struct harness *h, __u32 rp)
{
	struct cfg_spec cfg = { .ptb_mode = MTUG_PTB_FIB, .global = { .ptb_forward = 1 },
				.rp_filter = rp };

	/* The configuration, not the counters or the rp cache. */
	return harness_apply_cfg(h, &cfg, h->ns.in_ifindex);
}

#define ROUTE_FAR  "ip route replace 10.8.8.0/24 via 198.51.100.2 dev mtg_out"

/* Each step: a change (a command, or an rp_filter), then what the next
 * segment must meet. */
struct step {
	const char *what;
	const char *cmd;
	int rp;             /* -1: leave it */
	enum outcome want;
};

static const struct step steps[] = {
	{ "loose, route back out of mtg_out", NULL, 2, STEERED },
	{ "the same again (an answer kept, if any)", NULL, -1, STEERED },
	{ "route back replaced by a blackhole", "ip route replace blackhole 10.8.8.0/24", -1,
	  DEFERRED },
	{ "route back restored", ROUTE_FAR, -1, STEERED },
	{ "the source made a local address", "ip addr add " NS_FAR4 "/32 dev lo", -1, DEFERRED },
	{ "the local address removed", "ip addr del " NS_FAR4 "/32 dev lo", -1, STEERED },
	{ "strict: route back not via mtg_in", NULL, 1, DEFERRED },
	{ "strict: a more specific route back via mtg_in",
	  "ip route add " NS_FAR4 "/32 via 192.0.2.5 dev mtg_in", -1, STEERED },
	{ "strict: that route deleted", "ip route del " NS_FAR4 "/32", -1, DEFERRED },
	{ "loose again", NULL, 2, STEERED },
	{ "route back deleted (no route)", "ip route del 10.8.8.0/24", -1, DEFERRED },
	{ "route back added again", ROUTE_FAR, -1, STEERED },
};

static const char *run_steps(struct harness *h, enum prog_id prog)
{
	static char why[256];
	const char *ret = NULL;

	if (harness_reset(h) || set_rp(h, 2))
		return "setup failed";
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]) && !ret; i++) {
		const struct step *s = &steps[i];
		enum outcome o;

		if ((s->cmd && sh(s->cmd)) || (s->rp >= 0 && set_rp(h, s->rp))) {
			snprintf(why, sizeof(why), "step %zu (%s): the change failed", i + 1,
				 s->what);
			ret = why;
			break;
		}
		o = send_one(h, prog);
		if (o != s->want) {
			snprintf(why, sizeof(why), "step %zu (%s): %s, want %s", i + 1, s->what,
				 outcome_name[o], outcome_name[s->want]);
			ret = why;
		}
	}
	/* The namespace as netns.c built it, whatever happened. */
	sh("ip addr del " NS_FAR4 "/32 dev lo");
	sh("ip route del " NS_FAR4 "/32");
	sh(ROUTE_FAR);
	set_rp(h, 0);
	return ret;
}

void rp_cache_tests_run(struct harness *h, const char *filter, int *pass, int *fail)
{
	static const enum prog_id progs[] = { PROG_XDP, PROG_TC_INGRESS };

	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		char name[96];
		const char *why;

		snprintf(name, sizeof(name), "%s/rp_follows_routing", prog_name(progs[i]));
		if (filter && !strstr(name, filter))
			continue;
		if (progs[i] == PROG_XDP && h->xdp_no_ctx) {
			printf("SKIP: %s (this kernel's test_run takes no struct xdp_md (5.15+), "
			       "and the steps need the ingress interface)\n", name);
			continue;
		}
		if (netns_enter(h)) {
			report_plain(name, false, h->ns.err, filter, pass, fail);
			continue;
		}
		why = run_steps(h, progs[i]);
		if (netns_leave(h))
			why = why ? why : h->ns.err;
		report_plain(name, !why, why ? why : "", filter, pass, fail);
	}
}
