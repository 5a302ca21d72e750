// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * fuzz_datapath.c - property fuzzing of the XDP and TC programs through
 * BPF_PROG_TEST_RUN.
 *
 *   build/fuzz_datapath [--seed S] [--count N] [--time SEC] [--batch-size B]
 *                       [--batch K] [--kind struct|fixture|raw|hostile]
 *                       [--max-fail F] [--no-netns] [-v]
 *   build/fuzz_datapath --hostile          the hostile ICMP corpus (hostile.c)
 *
 * Every batch draws a random map configuration (prefix MTUs, interface and
 * default MTU, features on/off, PTB mode off/fib/broadcast, attach bits, MTU
 * source map/pmtu, PTB floor, rate, forward, errors, invalid pass/drop),
 * then B packets, each run through mtuguard_xdp, mtuguard_tc_ingress and
 * mtuguard_tc_egress and checked against the reference model (model.c).
 * Batch K of seed S is always the same: rerun one with --seed S --batch K -v.
 * The seed is 1 unless --seed gives another, so two runs of the same build
 * test the same packets; it is printed either way.
 *
 * The run happens in a private network namespace (unshare) with a few
 * routes, neighbours and local addresses, so fib lookups have something to
 * find (steering, ptb_local, fib_miss, route MTUs) and nothing depends on
 * the host.  Output: PASS/FAIL lines per program and property class, the
 * counts of what was tried, and for every failure the packet as hex, the
 * configuration and the reason.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"
#include "../../user/lib/datapath.h"

/* Route MTUs ns_setup() creates (and the veth's 1500): what a pmtu lookup
 * may find.  The model allows any of them to win (see model.c). */
const __u32 fz_route_mtus[] = { 1300, 1350, 1280, 1500 };
const int fz_n_route_mtus = sizeof(fz_route_mtus) / sizeof(fz_route_mtus[0]);

int hostile_run(struct harness *h, bool verbose); /* hostile.c */

static const char *const ns_cmds[] = {
	"ip link set lo up",
	"ip link add f0 type veth peer name f1",
	"ip link set f0 up",
	"ip link set f1 up",
	"ip addr add 192.0.2.1/24 dev f0",
	"ip addr add 10.250.0.1/32 dev f0",
	"ip -6 addr add 2001:db8:ff::1/64 dev f0 nodad",
	"ip -6 addr add 2001:db8:250::1/128 dev f0 nodad",
	"ip neigh replace 192.0.2.2 lladdr 02:00:00:00:02:02 dev f0 nud permanent",
	"ip -6 neigh replace 2001:db8:ff::2 lladdr 02:00:00:00:02:02 dev f0 nud permanent",
	"ip route add 10.0.0.0/8 via 192.0.2.2 dev f0",
	"ip route add 10.99.0.0/16 via 192.0.2.2 dev f0 mtu lock 1300",
	"ip route add 10.97.0.0/16 dev f0",
	"ip route add 10.98.0.0/16 dev lo mtu lock 1280",
	"ip -6 route add 2001:db8::/32 via 2001:db8:ff::2 dev f0",
	"ip -6 route add 2001:db8:99::/48 via 2001:db8:ff::2 dev f0 mtu 1350",
	"ip -6 route add 2001:db8:97::/48 dev f0",
	"sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.forwarding=1 "
	"net.ipv4.conf.lo.forwarding=1 net.ipv6.conf.all.forwarding=1",
	/* IPv4 settings come from the caller's namespace: no reverse-path
	 * filter here (routes back exist for the genuine errors' senders). */
	"sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 "
	"net.ipv4.conf.lo.rp_filter=0",
	/* Broadcast mode's bpf_clone_redirect() really sends its clone, on
	 * loopback here, and this namespace's stack would learn route MTU
	 * exceptions from those errors, which later pmtu lookups would see.
	 * Nothing ICMP reaches the stack. */
	"nft 'add table inet fz; add chain inet fz pre { type filter hook prerouting "
	"priority -400; }; add rule inet fz pre meta l4proto { icmp, ipv6-icmp } drop'",
};

static int ns_setup(void)
{
	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < sizeof(ns_cmds) / sizeof(ns_cmds[0]); i++) {
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "%s >/dev/null 2>&1", ns_cmds[i]);
		if (system(cmd)) {
			fprintf(stderr, "namespace setup failed: %s\n", ns_cmds[i]);
			return -1;
		}
	}
	return 0;
}

/* ---- statistics ------------------------------------------------------------------ */

struct stats {
	__u64 packets;             /* generated */
	__u64 by_kind[GEN__COUNT];
	__u64 runs[PROG__COUNT];
	__u64 fails[PROG__COUNT];
	__u64 tc_refused;          /* test_run refused the skb (cut IP header, too long) */
	__u64 multi_buf;           /* frames XDP gets in more than one buffer */
	__u64 xdp_refused;         /* ... not run: no multi-buffer XDP here */
	__u64 frags_passed;
	__u64 batches;
	/* outcomes seen, all programs */
	__u64 clamped, unchanged, missing, malformed, skipped;
	__u64 ptb_valid, ptb_invalid, ptb_small, steered, local, fib_miss, deferred, fwd,
	      bcast, ratelim, dropped;
	__u64 csum_valid_in;       /* runs whose input had valid checksums */
};

static struct stats st;

static void stats_add(const struct mtug_counters *d)
{
	st.clamped += d->mss_clamped;
	st.unchanged += d->mss_unchanged;
	st.missing += d->mss_missing;
	st.malformed += d->mss_malformed;
	st.skipped += d->parse_skipped;
	st.ptb_invalid += d->ptb_invalid;
	st.ptb_small += d->ptb_mtu_too_small;
	st.steered += d->ptb_steered;
	st.local += d->ptb_local;
	st.fib_miss += d->fib_miss;
	st.deferred += d->fib_deferred;
	st.fwd += d->fwd_steered;
	st.bcast += d->ptb_broadcast;
	st.ratelim += d->ptb_rate_limited;
	st.frags_passed += d->frags_passed;
}

static void counters_sub(struct mtug_counters *d, const struct mtug_counters *a,
			 const struct mtug_counters *b)
{
#define SUB(name) d->name = a->name - b->name;
	MTUG_COUNTERS(SUB)
#undef SUB
}

/* TC's test_run refuses an skb whose ethertype says IPv4/IPv6 but whose
 * IP header is cut, and one over a page with its head- and tailroom (as
 * the unit harness notes). */
static bool tc_may_refuse(const __u8 *b, size_t len)
{
	__u16 t = len >= 14 ? (__u16)(b[12] << 8 | b[13]) : 0;

	return (t == 0x0800 && len < 14 + 20) || (t == 0x86dd && len < 14 + 40) ||
	       len > harness_xdp_buf_len();
}

/* ---- one packet ----------------------------------------------------------------------- */

struct opts {
	__u64 seed;
	__u64 count;       /* packets, 0 = until --time */
	double time_limit; /* seconds, 0 = none */
	unsigned batch_size;
	long only_batch;   /* -1 = all */
	int kind;          /* GEN__COUNT = mixed */
	unsigned max_fail;
	bool netns;
	bool verbose;
	bool hostile;
};

static unsigned nfail_printed;

static void report_failure(const struct opts *o, __u64 batch, unsigned idx,
			   enum prog_id prog, const struct fz_cfg *c,
			   const struct fz_pkt *p, const struct run_result *r,
			   const struct fz_expect *e, const char *why)
{
	char cfgtxt[1024];

	if (nfail_printed++ >= o->max_fail)
		return;
	cfg_describe(c, cfgtxt, sizeof(cfgtxt));
	printf("--- failure %u: %s seed %llu batch %llu case %u (%s: %s)\n", nfail_printed,
	       prog_name(prog), (unsigned long long)o->seed, (unsigned long long)batch, idx,
	       gen_kind_name[p->kind], p->desc);
	printf("    why:    %s\n", why);
	printf("    model:  %s%s%s\n", e->path, e->why_ptb && *e->why_ptb ? ": " : "",
	       e->why_ptb ? e->why_ptb : "");
	printf("    config: %s\n", cfgtxt);
	hexline(stdout, "    in:     ", p->data, p->len);
	if (r)
		hexline(stdout, "    out:    ", r->out + r->meta_len, r->out_len - r->meta_len);
	if (r && r->meta_len)
		hexline(stdout, "    meta:   ", r->out, r->meta_len);
	printf("    repro:  build/fuzz_datapath --seed %llu --batch %llu -v\n",
	       (unsigned long long)o->seed, (unsigned long long)batch);
	fflush(stdout);
}

static void run_batch(struct harness *h, const struct opts *o, __u64 batch)
{
	struct rng r = { .s = o->seed ^ (0x9e3779b97f4a7c15ULL * (batch + 1)) };
	static struct fz_pkt p;
	static struct run_result res;
	struct mtug_counters before, after, d;
	struct fz_cfg c;
	struct fz_expect e;
	char why[1024];

	rng_next(&r);
	cfg_random(&r, &c);
	if (harness_reset(h) || harness_apply_cfg(h, &c.spec, 1)) {
		fprintf(stderr, "map setup failed: %s\n", strerror(errno));
		exit(2);
	}
	if (o->verbose) {
		char cfgtxt[1024];

		cfg_describe(&c, cfgtxt, sizeof(cfgtxt));
		printf("batch %llu: %s\n", (unsigned long long)batch, cfgtxt);
	}
	harness_counters(h, &before);
	st.batches++;
	for (unsigned i = 0; i < o->batch_size; i++) {
		gen_packet(&r, (enum gen_kind)o->kind, &p);
		st.packets++;
		st.by_kind[p.kind]++;
		if (p.len > harness_xdp_buf_len())
			st.multi_buf++;
		for (int prog = 0; prog < PROG__COUNT; prog++) {
			int err;

			if (prog == PROG_XDP && p.len > harness_xdp_buf_len() &&
			    !mg_xdp_frags_supported()) {
				st.xdp_refused++;
				continue;
			}
			model_expect(&c, prog, p.data, p.len, &e);
			err = harness_run(h, prog, p.data, p.len, 0, 1, &res);
			if (err == -EINVAL && prog != PROG_XDP && tc_may_refuse(p.data, p.len)) {
				st.tc_refused++;
				if (getenv("FZ_SHOW_REFUSED"))
					hexline(stdout, "refused: ", p.data, p.len < 60 ? p.len : 60);
				continue;
			}
			st.runs[prog]++;
			if (err) {
				snprintf(why, sizeof(why), "test_run: %s", strerror(-err));
				st.fails[prog]++;
				report_failure(o, batch, i, prog, &c, &p, NULL, &e, why);
				continue;
			}
			harness_counters(h, &after);
			counters_sub(&d, &after, &before);
			before = after;
			stats_add(&d);
			if (e.ptb == PC_VALID)
				st.ptb_valid++;
			if (prog == PROG_XDP ? res.retval == 1 : res.retval == 2)
				st.dropped++;
			if (!model_check(&e, prog, p.data, p.len, &res, &d, why, sizeof(why))) {
				st.fails[prog]++;
				report_failure(o, batch, i, prog, &c, &p, &res, &e, why);
			} else if (o->verbose) {
				printf("  ok %s case %u %s: %s\n", prog_name(prog), i, p.desc, e.path);
			}
		}
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [--seed S] [--count N] [--time SEC] [--batch-size B] [--batch K]\n"
		"          [--kind struct|fixture|raw|hostile] [--max-fail F] [--no-netns] [-v]\n"
		"       %s --hostile [-v]\n", argv0, argv0);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "time", required_argument, NULL, 't' },
		{ "batch-size", required_argument, NULL, 'b' },
		{ "batch", required_argument, NULL, 'k' },
		{ "kind", required_argument, NULL, 'K' },
		{ "max-fail", required_argument, NULL, 'm' },
		{ "no-netns", no_argument, NULL, 'N' },
		{ "hostile", no_argument, NULL, 'H' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct opts o = {
		.seed = 1,
		.count = 20000,
		.batch_size = 200,
		.only_batch = -1,
		.kind = GEN__COUNT,
		.max_fail = 20,
		.netns = true,
	};
	struct harness h;
	double t0;
	int opt, fails = 0;

	while ((opt = getopt_long(argc, argv, "vh", lopts, NULL)) != -1) {
		switch (opt) {
		case 's': o.seed = strtoull(optarg, NULL, 0); break;
		case 'n': o.count = strtoull(optarg, NULL, 0); break;
		case 't': o.time_limit = atof(optarg); break;
		case 'b': o.batch_size = (unsigned)atoi(optarg); break;
		case 'k': o.only_batch = atol(optarg); break;
		case 'm': o.max_fail = (unsigned)atoi(optarg); break;
		case 'N': o.netns = false; break;
		case 'H': o.hostile = true; break;
		case 'v': o.verbose = true; break;
		case 'K':
			for (o.kind = 0; o.kind < GEN__COUNT; o.kind++)
				if (!strcmp(optarg, gen_kind_name[o.kind]))
					break;
			if (o.kind == GEN__COUNT) {
				usage(argv[0]);
				return 2;
			}
			break;
		default:
			usage(argv[0]);
			return 2;
		}
	}
	if (!o.batch_size)
		o.batch_size = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (o.netns && ns_setup()) {
		printf("FAIL: fuzz/setup (private network namespace)\n");
		return 1;
	}
	if (harness_open(&h)) {
		printf("FAIL: fuzz/setup (cannot load the BPF object; root needed)\n");
		return 1;
	}
	if (o.hostile) {
		fails = hostile_run(&h, o.verbose);
		harness_close(&h);
		return fails ? 1 : 0;
	}

	printf("# fuzz_datapath seed %llu, %s, batches of %u packets x 3 programs\n",
	       (unsigned long long)o.seed,
	       o.only_batch >= 0 ? "one batch" : "random configurations", o.batch_size);
	/* The fuzzer never needs the ingress interface: without a ctx the
	 * frame arrives on the namespace's loopback, as with ifindex 0. */
	if (h.xdp_no_ctx)
		printf("# XDP through test_run without a struct xdp_md (this kernel takes "
		       "none before 5.15): the metadata the program leaves is not seen\n");
	t0 = now_s();
	if (o.only_batch >= 0) {
		run_batch(&h, &o, (__u64)o.only_batch);
	} else {
		for (__u64 b = 0;; b++) {
			if (o.count && st.packets >= o.count)
				break;
			if (o.time_limit > 0 && now_s() - t0 >= o.time_limit)
				break;
			run_batch(&h, &o, b);
		}
	}
	harness_close(&h);

	printf("# %llu packets in %llu configurations, %.1f s: struct %llu, fixture "
	       "mutations %llu, raw %llu, hostile %llu\n",
	       (unsigned long long)st.packets, (unsigned long long)st.batches, now_s() - t0,
	       (unsigned long long)st.by_kind[GEN_STRUCT],
	       (unsigned long long)st.by_kind[GEN_FIXTURE],
	       (unsigned long long)st.by_kind[GEN_RAW],
	       (unsigned long long)st.by_kind[GEN_HOSTILE]);
	printf("# runs: xdp %llu, tc_ingress %llu, tc_egress %llu (TC refused %llu cut or "
	       "long frames)\n",
	       (unsigned long long)st.runs[PROG_XDP],
	       (unsigned long long)st.runs[PROG_TC_INGRESS],
	       (unsigned long long)st.runs[PROG_TC_EGRESS], (unsigned long long)st.tc_refused);
	printf("# multi-buffer for XDP (over %u bytes): %llu frames, %s; frags_passed %llu\n",
	       harness_xdp_buf_len(), (unsigned long long)st.multi_buf,
	       mg_xdp_frags_supported() ? "run" : "not run (no multi-buffer XDP here)",
	       (unsigned long long)st.frags_passed);
	printf("# outcomes: mss clamped %llu, unchanged %llu, missing %llu, malformed %llu; "
	       "parse skipped %llu; ptb valid %llu, invalid %llu, too small %llu, steered %llu, "
	       "local %llu, fib_miss %llu, fib_deferred %llu, fwd_steered %llu, broadcast %llu, "
	       "rate limited %llu; "
	       "dropped %llu\n",
	       (unsigned long long)st.clamped, (unsigned long long)st.unchanged,
	       (unsigned long long)st.missing, (unsigned long long)st.malformed,
	       (unsigned long long)st.skipped, (unsigned long long)st.ptb_valid,
	       (unsigned long long)st.ptb_invalid, (unsigned long long)st.ptb_small,
	       (unsigned long long)st.steered, (unsigned long long)st.local,
	       (unsigned long long)st.fib_miss, (unsigned long long)st.deferred,
	       (unsigned long long)st.fwd,
	       (unsigned long long)st.bcast, (unsigned long long)st.ratelim,
	       (unsigned long long)st.dropped);
	for (int prog = 0; prog < PROG__COUNT; prog++) {
		if (st.fails[prog]) {
			printf("FAIL: fuzz/%s (%llu of %llu runs broke an invariant, seed %llu)\n",
			       prog_name(prog), (unsigned long long)st.fails[prog],
			       (unsigned long long)st.runs[prog], (unsigned long long)o.seed);
			fails++;
		} else {
			printf("PASS: fuzz/%s (%llu runs, seed %llu)\n", prog_name(prog),
			       (unsigned long long)st.runs[prog], (unsigned long long)o.seed);
		}
	}
	return fails ? 1 : 0;
}
