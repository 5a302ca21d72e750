// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench_pkt - per-packet cost of mtuguard_xdp, by bpf_prog_test_run.
 *
 *   bench_pkt --netns NS --iface IF [--repeat N] [--rounds R]
 *             [--prefixes 1,1000,100000] [--json FILE] [--only CLASS]
 *             [--frags on|off] [--no-components]
 *
 * --only CLASS runs that one class (its key, e.g. syn6_clamp) and no
 * components: for profiling a path under `perf record`.
 * --frags off loads mtuguard_xdp single-buffer even where the kernel has
 * multi-buffer XDP (the default, as the CLI loads it there: on): the two
 * compared (tools/bench.sh --frags-compare).  The 9000-byte classes run
 * only multi-buffer.  --no-components skips the components.
 *
 * Runs inside network namespace NS (prepared by tools/bench.sh: IF is one
 * end of a veth pair, forwarding on, a route to the PTB flow's server
 * through a permanent neighbour, so bpf_fib_lookup returns SUCCESS).
 *
 * Method.  bpf_prog_test_run with `repeat` runs the program N times on the
 * same buffer; a program that writes to the packet (MSS clamp, the PTB
 * steering's TTL and MACs) would see its own output from the second run on
 * and measure another path.  So every class runs through xdp_wrap
 * (tools/bench.bpf.c): restore the frame from a template, tail-call the
 * program under test.  The overhead of a class is
 *     t(wrap -> mtuguard_xdp) - t(wrap -> xdp_empty)
 * on the same frame, so the restore and the tail call cancel.  For the
 * classes that do not write to the packet we also run both programs
 * directly (no wrapper) as a cross-check of the method.
 *
 * Every run is checked: the counter deltas must be exactly the ones the
 * class claims (SYN clamped: mss_clamped += N, PTB steered: ptb_steered +=
 * N, ...) and the verdict must be the expected one (XDP_REDIRECT for a
 * steered PTB).  A mismatch is reported and makes the exit status 1.
 *
 * Time per packet: the kernel's test_run duration (the loop's time / repeat,
 * an integer number of ns, without the time the task was scheduled out).
 * Wall-clock time around the syscall is useless here: on this kernel every
 * BPF_PROG_TEST_RUN call costs a further 10-40 ms outside the loop (whole
 * 4 ms ticks: something in the call waits for a grace period), which would
 * add 10-40 ns to every packet of a 1M-repeat run.  The runs without an
 * involuntary context switch are counted and reported.
 */
#include <getopt.h>
#include <net/if.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "bench_common.h"
#include "mtuguard.skel.h"
#include "../user/lib/datapath.h"
#include "tools/bench.skel.h"
#include "../user/lib/netif.h"
#include "../user/lib/iface_fast.h"
#include "../user/lib/prefix_filter.h"
#include "../user/lib/v6_shards.h"

#define MAX_CLASSES 24
#define MAX_ROUNDS  64

/* Addresses of the bench flows.  The server prefixes carry MTU 1400. */
#define V4_CLIENT "198.51.100.7"
#define V4_SERVER "10.88.0.1"
/* Routed back out of the ingress interface (bench.sh: 10.89.0.0/16 via a
 * neighbour on it): a one-armed box, where a steered PTB leaves by XDP_TX. */
#define V4_SERVER_1ARM "10.89.0.1"
#define V4_ROUTER "192.0.2.254"
#define V6_CLIENT "2001:db8:100::7"
#define V6_SERVER "2001:db8:88::1"
#define V6_ROUTER "2001:db8:ff::fe"
#define PFX_MTU   1400

struct expect_cnt {
	const char *name;
};

struct pclass {
	const char *key;
	const char *label;
	struct frame f;
	bool mutates;        /* writes to the packet: wrapper only */
	bool fwd;            /* runs with `ptb forward on` (global_cfg) */
	bool ptb_off;        /* runs with the interface's PTB mode off */
	bool cold;           /* a new prefix generation before every run */
	bool chain;          /* the interface chained (attach --chain) in front
			      * of xdp_empty: what mtuguard passes goes on to
			      * it by a tail call */
	bool rp_cold;        /* the reverse-path cache forgets it every run */
	__u32 want_ret;
	const char *want[4]; /* counters that must grow by N; all others 0 */
	const char *target;  /* which target applies, for the report */
	/* results, per prefix configuration */
	double ns[MAX_ROUNDS], base[MAX_ROUNDS];
	double dns[MAX_ROUNDS], dbase[MAX_ROUNDS];
	int clean, runs;
	bool ok;
	char why[256];
};

static struct pclass classes[MAX_CLASSES];
static int nclasses;

static struct mtuguard_bpf *mt;
static struct bench_bpf *bb;
static int ifindex;
static bool frags; /* mtuguard_xdp loaded multi-buffer */
static __u32 repeat = 1000000;
static int rounds = 5;

static const __u8 mac_a[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x01 };
static const __u8 mac_b[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x02 };

static struct pclass *add_class(const char *key, const char *label)
{
	struct pclass *c;

	if (nclasses == MAX_CLASSES)
		die("more classes than MAX_CLASSES");
	c = &classes[nclasses++];

	memset(c, 0, sizeof(*c));
	c->key = key;
	c->label = label;
	c->want_ret = XDP_PASS;
	c->want[0] = "packets";
	return c;
}

/* The class added last, again, with the reverse-path cache's entry for it
 * emptied before every run: the IPv4 fib paths' second lookup. */
static void add_rp_miss_twin(const char *key, const char *label)
{
	struct pclass *prev = &classes[nclasses - 1], *c = add_class(key, label);

	*c = *prev;
	c->key = key;
	c->label = label;
	c->rp_cold = true;
	c->target = "";
}

/* The class added last, again, with a new prefix generation before every
 * run: the tries' path instead of prefix_cache's answer. */
static void add_cache_miss_twin(const char *key, const char *label)
{
	struct pclass *prev = &classes[nclasses - 1], *c = add_class(key, label);

	c->f = prev->f;
	c->mutates = prev->mutates;
	memcpy(c->want, prev->want, sizeof(c->want));
	c->cold = true;
	c->target = "";
}

/* ICMPv4 Frag Needed from the router about a server -> client segment,
 * quoting qlen bytes of it, outer IP length = 28 + qlen. */
static void build_ptb4_to(struct frame *f, const char *server, size_t qlen, bool bad_csum)
{
	struct frame in;
	__u8 opt[12] = { 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2 };
	size_t l3, l4;

	/* the segment that did not fit: 1500 bytes, server -> client */
	build_tcp4(&in, mac_a, mac_b, server, V4_CLIENT, 80, 40000,
		   TCP_ACK | TCP_PSH, opt, sizeof(opt), 1500 - 20 - 32);
	frame_eth(f, mac_a, mac_b, 0x0800);
	l3 = frame_ip4(f, V4_ROUTER, server, 1, 64);
	l4 = f->len;
	memset(f->b + l4, 0, 8);
	f->b[l4] = 3;                 /* destination unreachable */
	f->b[l4 + 1] = 4;             /* fragmentation needed */
	put16(f->b + l4 + 6, PFX_MTU); /* next-hop MTU */
	f->len += 8;
	memcpy(f->b + f->len, in.b + 14, qlen);
	f->len += qlen;
	frame_ip4_finish(f, l3);
	frame_l4_csum(f, l3, l4, 2);
	if (bad_csum)
		f->b[l4 + 2] ^= 0x5a;
}

/* ICMPv6 Packet Too Big from the router about a server -> client segment,
 * quoting qlen bytes of it, outer payload length = 8 + qlen. */
static void build_ptb6(struct frame *f, size_t qlen)
{
	struct frame in;
	size_t l3, l4;

	/* the segment that did not fit: 1500 bytes, server -> client */
	frame_eth(&in, mac_a, mac_b, 0x86dd);
	l3 = frame_ip6(&in, V6_SERVER, V6_CLIENT, 6, 64);
	l4 = frame_tcp(&in, 80, 40000, TCP_ACK | TCP_PSH, NULL, 0, 1500 - 40 - 20);
	frame_ip6_finish(&in, l3);
	frame_l4_csum(&in, l3, l4, 16);
	frame_eth(f, mac_a, mac_b, 0x86dd);
	l3 = frame_ip6(f, V6_ROUTER, V6_SERVER, 58, 64);
	l4 = f->len;
	memset(f->b + l4, 0, 8);
	f->b[l4] = 2;                  /* packet too big */
	put32(f->b + l4 + 4, PFX_MTU); /* MTU */
	f->len += 8;
	memcpy(f->b + f->len, in.b + 14, qlen);
	f->len += qlen;
	frame_ip6_finish(f, l3);
	frame_l4_csum(f, l3, l4, 2);
}

static void build_ptb4(struct frame *f, size_t qlen, bool bad_csum)
{
	build_ptb4_to(f, V4_SERVER, qlen, bad_csum);
}

/* A class of PTBs that fib mode steers, leaving with verdict ret; the
 * caller builds its frame. */
static struct pclass *add_ptb_steer_class(const char *key, const char *label,
					  __u32 ret, const char *target)
{
	struct pclass *c = add_class(key, label);

	c->mutates = true;
	c->want_ret = ret;
	c->want[1] = "ptb_seen";
	c->want[2] = "ptb_steered";
	c->target = target;
	return c;
}

/* An IPv4 PTB that fib mode steers: qlen quoted bytes about a flow to
 * server. */
static void add_ptb_steer(const char *key, const char *label, const char *server,
			  size_t qlen, __u32 ret, const char *target)
{
	struct pclass *c = add_ptb_steer_class(key, label, ret, target);

	build_ptb4_to(&c->f, server, qlen, false);
	c->f.len = c->f.len < 64 ? 64 : c->f.len; /* Ethernet minimum */
}

/* A class of valid PTBs on the interface with its PTB mode off: counted
 * and passed, everything a steered one does before bpf_fib_lookup.  The
 * caller builds its frame. */
static struct pclass *add_ptb_off_class(const char *key, const char *label)
{
	struct pclass *c = add_class(key, label);

	c->ptb_off = true;
	c->want[1] = "ptb_seen";
	c->target = "";
	return c;
}

static void build_classes(void)
{
	struct pclass *c;
	__u8 opt[40];
	size_t n, l3, l4;

	c = add_class("non_ip", "non-IP (ARP)");
	frame_eth(&c->f, mac_a, mac_b, 0x0806);
	memset(c->f.b + 14, 0, 50);
	put16(c->f.b + 14, 1);
	put16(c->f.b + 16, 0x0800);
	c->f.b[18] = 6;
	c->f.b[19] = 4;
	put16(c->f.b + 20, 1);
	c->f.len = 64;
	c->target = "";

	c = add_class("udp", "UDP");
	frame_eth(&c->f, mac_a, mac_b, 0x0800);
	l3 = frame_ip4(&c->f, V4_CLIENT, V4_SERVER, 17, 64);
	l4 = c->f.len;
	memset(c->f.b + l4, 0, 8 + 22);
	put16(c->f.b + l4, 40000);
	put16(c->f.b + l4 + 2, 53);
	put16(c->f.b + l4 + 4, 8 + 22);
	c->f.len += 8 + 22;
	frame_ip4_finish(&c->f, l3);
	frame_l4_csum(&c->f, l3, l4, 6);
	c->target = "";

	c = add_class("tcp_nonsyn", "TCP non-SYN");
	{
		__u8 ts[12] = { 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2 };

		build_tcp4(&c->f, mac_a, mac_b, V4_CLIENT, V4_SERVER, 40000, 80,
			   TCP_ACK, ts, sizeof(ts), 0);
	}
	c->target = "<= 5 ns";

	/* The same through mtuguard_xdp_chain, on an interface chained in
	 * front of xdp_empty (attach --chain): the hop's cost. */
	c = add_class("tcp_nonsyn_chain", "TCP non-SYN, chained (mtuguard_xdp_chain)");
	c->f = classes[nclasses - 2].f;
	c->chain = true;
	c->target = "";

	c = add_class("syn_clamp", "SYN, clamped");
	n = syn_options(opt, 1460);
	build_tcp4(&c->f, mac_a, mac_b, V4_CLIENT, V4_SERVER, 40000, 80,
		   TCP_SYN, opt, n, 0);
	c->mutates = true;
	c->want[1] = "syn_seen";
	c->want[2] = "mss_clamped";
	c->target = "<= 30 ns";

	add_cache_miss_twin("syn_clamp_cold", "SYN, clamped, prefix cache miss");

	c = add_class("syn_small", "SYN, MSS already small");
	n = syn_options(opt, 1200);
	build_tcp4(&c->f, mac_a, mac_b, V4_CLIENT, V4_SERVER, 40000, 80,
		   TCP_SYN, opt, n, 0);
	c->want[1] = "syn_seen";
	c->want[2] = "mss_unchanged";
	c->target = "";

	c = add_class("syn6_clamp", "IPv6 SYN, clamped");
	n = syn_options(opt, 1440);
	frame_eth(&c->f, mac_a, mac_b, 0x86dd);
	l3 = frame_ip6(&c->f, V6_CLIENT, V6_SERVER, 6, 64);
	l4 = frame_tcp(&c->f, 40000, 80, TCP_SYN, opt, n, 0);
	frame_ip6_finish(&c->f, l3);
	frame_l4_csum(&c->f, l3, l4, 16);
	c->mutates = true;
	c->want[1] = "syn_seen";
	c->want[2] = "mss_clamped";
	c->target = "<= 30 ns";

	add_cache_miss_twin("syn6_clamp_cold", "IPv6 SYN, clamped, prefix cache miss");

	c = add_class("tcp_fwd", "TCP data, forwarded (fib)");
	{
		__u8 ts[12] = { 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2 };

		build_tcp4(&c->f, mac_a, mac_b, V4_CLIENT, V4_SERVER, 40000, 80,
			   TCP_ACK | TCP_PSH, ts, sizeof(ts), 8);
	}
	c->mutates = true;
	c->fwd = true;
	c->want_ret = XDP_REDIRECT;
	c->want[1] = "fwd_steered";
	c->target = "";
	add_rp_miss_twin("tcp_fwd_rp_miss", "TCP forwarded, rp cache miss");

	/* What a router with `ptb forward on` does with a SYN flood. */
	c = add_class("syn_fwd", "SYN, clamped and forwarded (fib)");
	n = syn_options(opt, 1460);
	build_tcp4(&c->f, mac_a, mac_b, V4_CLIENT, V4_SERVER, 40000, 80,
		   TCP_SYN, opt, n, 0);
	c->mutates = true;
	c->fwd = true;
	c->want_ret = XDP_REDIRECT;
	c->want[1] = "syn_seen";
	c->want[2] = "mss_clamped";
	c->want[3] = "fwd_steered";
	c->target = "";

	add_ptb_steer("ptb_steer", "PTB steered (fib), 576 B", V4_SERVER, 548,
		      XDP_REDIRECT, "<= 150 ns");
	add_rp_miss_twin("ptb_steer_rp_miss", "PTB steered, rp cache miss");
	add_ptb_steer("ptb_steer_short", "PTB steered (fib), 56 B", V4_SERVER, 28,
		      XDP_REDIRECT, "<= 150 ns");
	/* The same, on a one-armed box: the flow's nexthop is behind the
	 * interface the PTB came in on, so it leaves by XDP_TX, no
	 * bpf_redirect. */
	add_ptb_steer("ptb_steer_tx", "PTB steered (fib) back out, XDP_TX, 576 B",
		      V4_SERVER_1ARM, 548, XDP_TX, "");

	/* Everything a steered PTB does before bpf_fib_lookup (parse,
	 * config, checksum, the quote, the MTU floor) and nothing after: with
	 * the mode off a valid PTB is counted and passed.  The report adds the
	 * lookup and the redirect to it: what the PTB target's path cannot
	 * skip. */
	c = add_ptb_off_class("ptb_off", "PTB validated, mode off (no lookup), 576 B");
	build_ptb4(&c->f, 548, false);

	/* IPv6: Linux quotes as much as fits in 1280 bytes (RFC 4443), so
	 * the checksum covers 1,240 bytes. */
	c = add_ptb_steer_class("ptb6_steer", "IPv6 PTB steered (fib), 1280 B",
				XDP_REDIRECT, "<= 150 ns");
	build_ptb6(&c->f, 1280 - 40 - 8);
	c = add_ptb_off_class("ptb6_off", "IPv6 PTB validated, mode off (no lookup), 1280 B");
	build_ptb6(&c->f, 1280 - 40 - 8);

	c = add_class("ptb_invalid", "PTB invalid (bad csum)");
	build_ptb4(&c->f, 548, true);
	c->want[1] = "ptb_seen";
	c->want[2] = "ptb_invalid";
	c->target = "";

	/* Jumbo frames: a 9000-byte TCP segment, in more than one buffer
	 * (test_run builds the fragments), passes untouched; with `ptb
	 * forward on` XDP looks its route up (out of bp1, MTU 9000) and
	 * leaves it to the stack, bp1 not being recorded as transmitting
	 * multi-buffer frames (frags_passed). */
	if (!frags)
		return;
	c = add_class("tcp_9000", "TCP data, 9000 B (multi-buffer)");
	{
		__u8 ts[12] = { 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2 };

		build_tcp4(&c->f, mac_a, mac_b, V4_CLIENT, V4_SERVER, 40000, 80,
			   TCP_ACK | TCP_PSH, ts, sizeof(ts), 9000 - 20 - 32);
	}
	c->target = "";
	c = add_class("tcp_9000_fwd", "TCP data, 9000 B, forward on: to the stack");
	c->f = classes[nclasses - 2].f;
	c->fwd = true;
	c->want[1] = "frags_passed";
	c->target = "";
}

/* ---- components -------------------------------------------------------------- */

struct comp {
	const char *key, *label;
	struct bpf_program *prog;
	bool lpm; /* depends on the tries' size: run in every configuration */
	bool wrapped; /* rewrites the frame: behind xdp_wrap, against wrap + empty */
	__u32 want_ret;
	double ns[MAX_ROUNDS], base[MAX_ROUNDS];
	double over[8]; /* per configuration, -1 = not run */
};

#define MAX_COMPS 20

static struct comp comps[MAX_COMPS];
static int ncomps;

static void add_comp(const char *key, const char *label, struct bpf_program *p, bool lpm)
{
	struct comp *c;

	if (ncomps == MAX_COMPS)
		die("more components than MAX_COMPS");
	c = &comps[ncomps++];

	c->key = key;
	c->label = label;
	c->prog = p;
	c->lpm = lpm;
	c->want_ret = XDP_PASS;
	for (int i = 0; i < 8; i++)
		c->over[i] = -1;
}

/* A component that steers the bench's 576-byte PTB itself: it rewrites the
 * frame, so it runs behind xdp_wrap, and its verdict is XDP_REDIRECT. */
static void add_steering_comp(const char *key, const char *label, struct bpf_program *p)
{
	add_comp(key, label, p, false);
	comps[ncomps - 1].wrapped = true;
	comps[ncomps - 1].want_ret = XDP_REDIRECT;
}

/* ---- running ------------------------------------------------------------- */

struct run {
	double ns;
	bool clean;
	__u32 retval;
};

static int test_run(int prog_fd, const struct frame *f, __u32 rep, struct run *r)
{
	struct xdp_md ctx = { .data = 0, .data_end = f->len,
			      .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f->b, .data_size_in = f->len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = rep);
	struct rusage ru0, ru1;
	int err;

	getrusage(RUSAGE_THREAD, &ru0);
	err = bpf_prog_test_run_opts(prog_fd, &o);
	getrusage(RUSAGE_THREAD, &ru1);
	if (err)
		return -errno;
	r->retval = o.retval;
	r->clean = ru1.ru_nivcsw == ru0.ru_nivcsw;
	r->ns = o.duration;
	return 0;
}

static void set_forward(__u32 on)
{
	struct mtug_global_cfg gc = { .ptb_forward = on };
	__u32 z = 0;

	if (bpf_map_update_elem(bpf_map__fd(mt->maps.global_cfg), &z, &gc, BPF_ANY))
		die("global_cfg: %s", strerror(errno));
}

/* The interface's configuration as the CLI writes it (both maps). */
static __u32 iface_attach; /* the attach bits set_iface() writes */

static void set_iface(__u32 ptb_mode)
{
	struct mtug_iface_cfg ic = { .features = MTUG_F_MSS | MTUG_F_PTB,
				     .ptb_mode = ptb_mode, .attach = iface_attach };
	__u32 k = ifindex;

	mg_iface_kernel_view(ifindex, &ic); /* as the CLI writes it */
	if (bpf_map_update_elem(bpf_map__fd(mt->maps.iface_cfg), &k, &ic, BPF_ANY) ||
	    mg_iface_fast_put(bpf_map__fd(mt->maps.iface_fast), k, &ic))
		die("iface_cfg: %s", strerror(errno));
}

/* The interface chained to prog_fd (slot 0: set_iface() gives it slot 0),
 * or not. */
static void set_chain(bool on, int prog_fd)
{
	__u32 k = 0;

	iface_attach = on ? MTUG_A_CHAIN : 0;
	set_iface(MTUG_PTB_FIB);
	if (on ? bpf_map_update_elem(bpf_map__fd(mt->maps.xdp_chain), &k, &prog_fd, BPF_ANY) :
		 bpf_map_delete_elem(bpf_map__fd(mt->maps.xdp_chain), &k))
		die("xdp_chain: %s", strerror(errno));
}

static void set_jmp(int prog_fd)
{
	__u32 k = 0;

	if (bpf_map_update_elem(bpf_map__fd(bb->maps.jmp), &k, &prog_fd, BPF_ANY))
		die("prog array update: %s", strerror(errno));
}

static void set_restore(const struct frame *f)
{
	memset(bb->bss->restore_tmpl, 0, sizeof(bb->bss->restore_tmpl));
	memcpy(bb->bss->restore_tmpl, f->b,
	       f->len < sizeof(bb->bss->restore_tmpl) ? f->len
						      : sizeof(bb->bss->restore_tmpl));
}

static void fail_class(struct pclass *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->ok)
		return; /* keep the first reason */
	c->ok = false;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
}

/* Run the class on mtuguard and check that the counters moved exactly as
 * it claims. */
static double run_checked(struct pclass *c, int prog_fd, struct run *r)
{
	int cfd = bpf_map__fd(mt->maps.counters);
	struct mtug_counters a, b;
	int err;

	if (mtug_counters_sum(cfd, &a))
		die("counters: %s", strerror(errno));
	err = test_run(prog_fd, &c->f, repeat, r);
	if (err) {
		fail_class(c, "test_run: %s", strerror(-err));
		return 0;
	}
	mtug_counters_sum(cfd, &b);
	if (r->retval != c->want_ret)
		fail_class(c, "verdict %u, want %u", r->retval, c->want_ret);
	for (int i = 0; i < (int)MTUG_NUM_COUNTERS; i++) {
		__u64 d = ((__u64 *)&b)[i] - ((__u64 *)&a)[i], want = 0;

		for (int j = 0; j < 4 && c->want[j]; j++)
			if (!strcmp(c->want[j], mtug_counter_names[i]))
				want = repeat;
		if (d != want)
			fail_class(c, "counter %s grew by %llu, want %llu",
				   mtug_counter_names[i], (unsigned long long)d,
				   (unsigned long long)want);
	}
	return r->ns;
}

static double run_plain(struct pclass *c, int prog_fd, __u32 want_ret)
{
	struct run r;
	int err = test_run(prog_fd, &c->f, repeat, &r);

	if (err) {
		fail_class(c, "test_run: %s", strerror(-err));
		return 0;
	}
	if (r.retval != want_ret)
		fail_class(c, "baseline verdict %u, want %u", r.retval, want_ret);
	return r.ns;
}

/* ---- prefixes -------------------------------------------------------------- */

static __u64 rng = 0x9e3779b97f4a7c15ULL;

static __u64 xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int v4_count, v6_count;

static void add_v4(__u32 plen, const __u8 *addr, __u32 mtu, bool must)
{
	struct mtug_lpm_v4_key k = { .prefixlen = plen };
	struct mtug_mtu_val v = { .mtu = mtu };

	memcpy(k.addr, addr, 4);
	/* As the CLI does: the filter bits first, then the trie. */
	if (mg_filter_add(bpf_map__fd(mt->maps.prefix_filter), AF_INET, addr, plen))
		die("prefix_filter update: %s", strerror(errno));
	if (bpf_map_update_elem(bpf_map__fd(mt->maps.mtu_v4), &k, &v, BPF_NOEXIST)) {
		if (errno == EEXIST && !must)
			return;
		die("mtu_v4 update: %s", strerror(errno));
	}
	v4_count++;
}

static void add_v6(__u32 plen, const __u8 *addr, __u32 mtu, bool must)
{
	struct mtug_lpm_v6_key k = { .prefixlen = plen };
	struct mtug_mtu_val v = { .mtu = mtu };
	int err;

	memcpy(k.addr, addr, 16);
	if (mg_filter_add(bpf_map__fd(mt->maps.prefix_filter), AF_INET6, addr, plen))
		die("prefix_filter update: %s", strerror(errno));
	if (bpf_map_update_elem(bpf_map__fd(mt->maps.mtu_v6), &k, &v, BPF_NOEXIST)) {
		if (errno == EEXIST && !must)
			return;
		die("mtu_v6 update: %s", strerror(errno));
	}
	err = mg_shards_put(bpf_map__fd(mt->maps.mtu_v6_shards), bpf_map__fd(mt->maps.mtu_v6),
			    &k, &v, true);
	if (err)
		die("mtu_v6_shards update: %s", strerror(-err));
	v6_count++;
}

static void mask(__u8 *a, int bytes, __u32 plen)
{
	for (int i = 0; i < bytes; i++) {
		int keep = (int)plen - i * 8;

		if (keep <= 0)
			a[i] = 0;
		else if (keep < 8)
			a[i] &= 0xff << (8 - keep);
	}
}

/* A new prefix generation, as the CLI bumps it after changing prefixes:
 * prefix_cache entries of the old tries are stale. */
static void new_gen(void)
{
	__u32 k = MTUG_SYNC_GEN, g = 0;
	int fd = bpf_map__fd(mt->maps.prefix_sync);

	if (bpf_map_lookup_elem(fd, &k, &g))
		die("prefix_sync read: %s", strerror(errno));
	g = mtug_prefix_gen_next(g);
	if (bpf_map_update_elem(fd, &k, &g, BPF_ANY))
		die("prefix_sync write: %s", strerror(errno));
}

/* Grow both tries to n entries: random prefixes that never cover the bench
 * addresses (so the lookups' answers do not change, only the tries' size). */
static void fill_prefixes(int n)
{
	if (v4_count == 0) {
		__u8 a4[4], a6[16];

		parse_ip(AF_INET, "10.88.0.0", a4);
		add_v4(16, a4, PFX_MTU, true);
		parse_ip(AF_INET6, "2001:db8:88::", a6);
		add_v6(48, a6, PFX_MTU, true);
	}
	while (v4_count < n) {
		__u64 r = xorshift();
		__u32 sel = r % 100, plen;
		__u8 a[4];

		plen = sel < 50 ? 24 : sel < 70 ? 32 : sel < 85 ? 16 + (r >> 8) % 8
							     : 25 + (r >> 8) % 7;
		memcpy(a, (char *)&r + 3, 4);
		/* 11.0.0.0 - 223.255.255.255 minus the bench's own /8s */
		a[0] = 11 + a[0] % 213;
		if (a[0] == 127 || a[0] == 192 || a[0] == 198)
			continue;
		mask(a, 4, plen);
		add_v4(plen, a, 1280 + (r >> 40) % 200, false);
	}
	while (v6_count < n) {
		__u64 r = xorshift(), r2 = xorshift();
		__u32 sel = r % 100, plen;
		__u8 a[16] = {};

		plen = sel < 40 ? 48 : sel < 60 ? 56 : sel < 80 ? 64 : sel < 90 ? 32 + (r >> 8) % 16
										 : 128;
		memcpy(a, &r2, 8);
		memcpy(a + 8, &r, 8);
		a[0] = 0x20 | (a[0] & 0x1f); /* 2000::/3 */
		if (a[0] == 0x20 && a[1] == 0x01)
			continue; /* not 2001::/16 (the bench's 2001:db8::) */
		mask(a, 16, plen);
		add_v6(plen, a, 1280 + (r >> 40) % 200, false);
	}
	/* As the CLI does after a command's prefixes: each IPv6 prefix into
	 * a trie of its own shard (the bench runs on a kernel where that is
	 * one grace period per batch). */
	{
		int err = mg_shards_compact(bpf_map__fd(mt->maps.mtu_v6_shards),
					    bpf_map__fd(mt->maps.mtu_v6));

		if (err < 0)
			die("mtu_v6_shards: cannot make the tries: %s", strerror(-err));
	}
	new_gen();
}

/* Whether prefix_filter lets the datapath skip the client end's trie
 * lookup in the SYN classes (its bit clear), as it reads it. */
static bool client_filtered(int family)
{
	__u8 a[16] = {};
	__u32 bit, w;
	__u64 v;

	parse_ip(family, family == AF_INET ? V4_CLIENT : V6_CLIENT, a);
	bit = mtug_filter_addr_bit(family == AF_INET, a);
	w = bit / 64;
	if (bpf_map_lookup_elem(bpf_map__fd(mt->maps.prefix_filter), &w, &v))
		die("prefix_filter read: %s", strerror(errno));
	return !((v >> (bit % 64)) & 1);
}

/* ---- memory ------------------------------------------------------------------ */

static long long fdinfo_memlock(int fd)
{
	char path[64], line[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* Memory cgroup (v1 or v2) we moved into, to measure what the map
 * elements really cost (intermediate trie nodes included). */
static char memcg_dir[256], memcg_file[300], memcg_parent_procs[300];

static long long memcg_usage(void)
{
	long long v = -1;
	FILE *f;

	if (!memcg_file[0])
		return -1;
	f = fopen(memcg_file, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static void memcg_enter(void)
{
	static const struct {
		const char *root, *usage;
	} c[] = {
		{ "/sys/fs/cgroup/memory", "memory.usage_in_bytes" },
		{ "/sys/fs/cgroup", "memory.current" },
	};
	char procs[320];
	FILE *f;

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		snprintf(memcg_dir, sizeof(memcg_dir), "%s/mtug-bench-%d", c[i].root,
			 getpid());
		if (mkdir(memcg_dir, 0755))
			continue;
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", memcg_dir);
		f = fopen(procs, "w");
		if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f)) {
			rmdir(memcg_dir);
			continue;
		}
		snprintf(memcg_file, sizeof(memcg_file), "%s/%s", memcg_dir, c[i].usage);
		snprintf(memcg_parent_procs, sizeof(memcg_parent_procs),
			 "%s/cgroup.procs", c[i].root);
		if (memcg_usage() >= 0)
			return;
		memcg_file[0] = 0;
	}
	memcg_dir[0] = 0;
}

static void memcg_leave(void)
{
	FILE *f;

	if (!memcg_dir[0])
		return;
	f = fopen(memcg_parent_procs, "w");
	if (f) {
		fprintf(f, "%d\n", getpid());
		fclose(f);
	}
	/* Map memory stays charged until the maps go: rmdir may fail with
	 * EBUSY now and the cgroup become a zombie; try again at exit. */
	rmdir(memcg_dir);
}

static void memcg_cleanup(void)
{
	if (memcg_dir[0])
		rmdir(memcg_dir);
}

/* ---- verifier / JIT figures ------------------------------------------------- */

static char vlog[1 << 16];

static void prog_sizes(int fd, __u32 *xlated, __u32 *jited)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	*xlated = *jited = 0;
	if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0) {
		*xlated = info.xlated_prog_len;
		*jited = info.jited_prog_len;
	}
}

/* ---- main ------------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr,
		"usage: bench_pkt --netns NS --iface IF [--repeat N] [--rounds R]\n"
		"                 [--prefixes 1,1000,100000] [--json FILE] [--only CLASS]\n"
		"                 [--frags on|off] [--no-components]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "netns", 1, 0, 'n' },   { "iface", 1, 0, 'i' },
		{ "repeat", 1, 0, 'r' },  { "rounds", 1, 0, 'R' },
		{ "prefixes", 1, 0, 'p' }, { "json", 1, 0, 'j' },
		{ "only", 1, 0, 'o' },    { "frags", 1, 0, 'f' },
		{ "no-components", 0, 0, 'C' },
		{ 0 } };
	const char *netns = NULL, *iface = NULL, *json = NULL, *only = NULL;
	char pfx_arg[128] = "1,1000,100000";
	int pfx[8], npfx = 0, opt, mtug_fd, chain_fd, empty_fd, wrap_fd, bad = 0;
	long long mem_before = -1, mem_after = -1;
	__u32 xl = 0, jt = 0, processed = 0;
	double empty_direct[MAX_ROUNDS], comp_empty[MAX_ROUNDS];
	int ptb_idx = -1;
	bool only_found = false, no_comps = false;
	int want_frags = -1; /* -1: as the kernel allows */
	FILE *js = NULL;

	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 'n': netns = optarg; break;
		case 'i': iface = optarg; break;
		case 'r': repeat = strtoul(optarg, NULL, 0); break;
		case 'R': rounds = atoi(optarg); break;
		case 'p': snprintf(pfx_arg, sizeof(pfx_arg), "%s", optarg); break;
		case 'j': json = optarg; break;
		case 'o': only = optarg; break;
		case 'C': no_comps = true; break;
		case 'f':
			if (!strcmp(optarg, "on"))
				want_frags = 1;
			else if (!strcmp(optarg, "off"))
				want_frags = 0;
			else
				usage();
			break;
		default: usage();
		}
	}
	if (!iface || repeat == 0 || rounds < 1 || rounds > MAX_ROUNDS)
		usage();
	for (char *s = strtok(pfx_arg, ","); s && npfx < 8; s = strtok(NULL, ","))
		pfx[npfx++] = atoi(s);

	/* The memory cgroup before the maps exist, so they are charged to it;
	 * the namespace after, so /sys/fs/cgroup is the host's. */
	memcg_enter();
	atexit(memcg_cleanup);
	if (netns)
		netns_enter(netns);
	ifindex = if_nametoindex(iface);
	if (!ifindex)
		die("no interface %s", iface);

	libbpf_set_print(NULL);
	mt = mtuguard_bpf__open();
	if (!mt)
		die("mtuguard skeleton open failed");
	bpf_program__set_log_level(mt->progs.mtuguard_xdp, 4 /* BPF_LOG_STATS */);
	bpf_program__set_log_buf(mt->progs.mtuguard_xdp, vlog, sizeof(vlog));
	frags = want_frags != 0 && mg_xdp_frags_supported();
	if (want_frags == 1 && !frags)
		die("--frags on: this kernel has no multi-buffer XDP");
	/* --frags off: the object as it loads on a kernel without it. */
	if (mg_datapath_prepare_frags(mt, frags) || mtuguard_bpf__load(mt))
		die("mtuguard skeleton load failed: %s", strerror(errno));
	{
		char *p = strstr(vlog, "processed ");

		if (p)
			processed = strtoul(p + 10, NULL, 10);
	}
	bb = bench_bpf__open();
	if (!bb)
		die("bench skeleton open failed: %s", strerror(errno));
	/* the comp_* programs work on mtuguard's own maps */
	if (bpf_map__reuse_fd(bb->maps.mtu_v4, bpf_map__fd(mt->maps.mtu_v4)) ||
	    bpf_map__reuse_fd(bb->maps.mtu_v6_shards, bpf_map__fd(mt->maps.mtu_v6_shards)) ||
	    bpf_map__reuse_fd(bb->maps.iface_cfg, bpf_map__fd(mt->maps.iface_cfg)) ||
	    bpf_map__reuse_fd(bb->maps.iface_fast, bpf_map__fd(mt->maps.iface_fast)) ||
	    bpf_map__reuse_fd(bb->maps.global_cfg, bpf_map__fd(mt->maps.global_cfg)) ||
	    bpf_map__reuse_fd(bb->maps.counters, bpf_map__fd(mt->maps.counters)) ||
	    bpf_map__reuse_fd(bb->maps.iface_counters, bpf_map__fd(mt->maps.iface_counters)) ||
	    bpf_map__reuse_fd(bb->maps.ptb_bucket, bpf_map__fd(mt->maps.ptb_bucket)) ||
	    bpf_map__reuse_fd(bb->maps.prefix_sync, bpf_map__fd(mt->maps.prefix_sync)) ||
	    bpf_map__reuse_fd(bb->maps.fib_scratch, bpf_map__fd(mt->maps.fib_scratch)))
		die("reuse mtuguard maps: %s", strerror(errno));
	/* A tail call needs caller and callee alike multi-buffer or not:
	 * the wrappers take mtuguard_xdp's flag. */
	{
		__u32 frags = bpf_program__flags(mt->progs.mtuguard_xdp) & BPF_F_XDP_HAS_FRAGS;
		struct bpf_program *p;

		bpf_object__for_each_program(p, bb->obj)
			if (bpf_program__type(p) == BPF_PROG_TYPE_XDP &&
			    bpf_program__set_flags(p, bpf_program__flags(p) | frags))
				die("bench program flags: %s", strerror(errno));
	}
	if (bench_bpf__load(bb))
		die("bench skeleton load failed: %s", strerror(errno));
	parse_ip(AF_INET, V4_SERVER, bb->bss->comp_v4[0]);
	parse_ip(AF_INET, V4_CLIENT, bb->bss->comp_v4[1]);
	parse_ip(AF_INET6, V6_SERVER, bb->bss->comp_v6[0]);
	parse_ip(AF_INET6, V6_CLIENT, bb->bss->comp_v6[1]);
	bb->bss->comp_ifindex = ifindex;
	add_comp("call", "bpf-to-bpf call (global function)", bb->progs.comp_call, false);
	add_comp("hash", "iface_cfg hash lookup (hit)", bb->progs.comp_hash, false);
	add_comp("iface", "interface lookup as the datapath does it (iface_fast hit)",
		 bb->progs.comp_iface, false);
	add_comp("lpm4x2", "2 LPM lookups, IPv4 (SYN: both ends)", bb->progs.comp_lpm4, true);
	add_comp("lpm6x2", "2 LPM lookups, IPv6 (SYN: both ends; shard, then short trie on a miss)", bb->progs.comp_lpm6, true);
	add_comp("load_bytes", "bpf_xdp_load_bytes, 20 B", bb->progs.comp_load_bytes, false);
	add_comp("csum64", "bpf_csum_diff, 64 B", bb->progs.comp_csum64, false);
	add_comp("csum512", "bpf_csum_diff, 512 B", bb->progs.comp_csum512, false);
	add_comp("csum_msg", "ICMP checksum check as the PTB path does it, 556 B (BPF loads)",
		 bb->progs.comp_csum_msg, false);
	add_comp("fib", "bpf_fib_lookup (IPv4, success; full: ip rules)", bb->progs.comp_fib, false);
	add_comp("fib_direct", "bpf_fib_lookup (IPv4, success; direct, as mtuguard makes it here)",
		 bb->progs.comp_fib_direct, false);
	add_comp("fib6", "bpf_fib_lookup (IPv6, success)", bb->progs.comp_fib6, false);
	add_comp("redirect", "bpf_redirect (verdict only)", bb->progs.comp_redirect, false);
	add_comp("helper", "helper call that does nothing (bpf_get_numa_node_id)",
		 bb->progs.comp_helper, false);
	add_steering_comp("ptb_min", "the 576-byte PTB steered by a program that does only "
			  "that (checksum, quote, floor, fib, rewrite, redirect)",
			  bb->progs.comp_ptb_min);
	add_steering_comp("ptb_books", "the same with the bookkeeping the design requires "
			  "(interface settings, configured floor, counters)",
			  bb->progs.comp_ptb_books);
	mtug_fd = bpf_program__fd(mt->progs.mtuguard_xdp);
	chain_fd = bpf_program__fd(mt->progs.mtuguard_xdp_chain);
	empty_fd = bpf_program__fd(bb->progs.xdp_empty);
	wrap_fd = bpf_program__fd(bb->progs.xdp_wrap);
	prog_sizes(mtug_fd, &xl, &jt);

	set_iface(MTUG_PTB_FIB);
	set_forward(0);
	build_classes();
	for (int i = 0; i < nclasses; i++) {
		if (!strcmp(classes[i].key, "ptb_steer"))
			ptb_idx = i;
		if (only && !strcmp(classes[i].key, only))
			only_found = true;
	}
	if (only && !only_found)
		die("--only %s: no such class", only);

	if (json) {
		js = fopen(json, "w");
		if (!js)
			die("%s: %s", json, strerror(errno));
		fprintf(js, "{\"repeat\": %u, \"rounds\": %d, \"iface\": \"%s\",\n"
			" \"method\": \"bpf_prog_test_run, repeat; class = restore frame + tail call "
			"into mtuguard_xdp, baseline = same into xdp_empty; median of rounds\",\n"
			" \"prog\": {\"name\": \"mtuguard_xdp\", \"xlated_bytes\": %u, "
			"\"jited_bytes\": %u, \"verifier_processed_insns\": %u, "
			"\"multi_buffer\": %s},\n"
			" \"configs\": [",
			repeat, rounds, iface, xl, jt, processed, frags ? "true" : "false");
	}
	printf("mtuguard_xdp: %u bytes xlated, %u bytes jited, verifier processed %u insns, "
	       "%s\n", xl, jt, processed, frags ? "multi-buffer" : "single-buffer");

	for (int pi = 0; pi < npfx; pi++) {
		double t0 = now_s(), ed;
		int clean = 0, total = 0;

		fill_prefixes(pfx[pi]);
		if (pi == 0)
			mem_before = memcg_usage();
		for (int i = 0; i < nclasses; i++) {
			classes[i].ok = true;
			classes[i].why[0] = 0;
		}
		for (int r = 0; r < rounds; r++) {
			struct run run;

			empty_direct[r] = run_plain(&classes[2], empty_fd, XDP_PASS);
			for (int i = 0; i < nclasses; i++) {
				struct pclass *c = &classes[i];

				if (only && strcmp(c->key, only))
					continue;
				if (c->fwd)
					set_forward(1);
				if (c->ptb_off)
					set_iface(MTUG_PTB_OFF);
				if (c->chain)
					set_chain(true, empty_fd);
				bb->bss->wrap_new_gen = c->cold;
				bb->bss->wrap_rp_cold = c->rp_cold;
				set_restore(&c->f);
				set_jmp(empty_fd);
				c->base[r] = run_plain(c, wrap_fd, XDP_PASS);
				set_jmp(c->chain ? chain_fd : mtug_fd);
				c->ns[r] = run_checked(c, wrap_fd, &run);
				clean += run.clean;
				total++;
				/* the direct cross-check once: prefixes do not
				 * change what it checks */
				if (!c->mutates && pi == 0) {
					c->dbase[r] = run_plain(c, empty_fd, XDP_PASS);
					c->dns[r] = run_checked(c, c->chain ? chain_fd : mtug_fd,
								&run);
				}
				if (c->fwd)
					set_forward(0);
				if (c->ptb_off)
					set_iface(MTUG_PTB_FIB);
				if (c->chain)
					set_chain(false, empty_fd);
				bb->bss->wrap_new_gen = 0;
				bb->bss->wrap_rp_cold = 0;
			}
			/* components, on the big PTB frame (csum512 needs 512 B) */
			for (int i = 0; i < ncomps; i++) {
				struct comp *k = &comps[i];
				struct run kr = {};

				if (only || no_comps || (!k->lpm && pi > 0))
					continue;
				if (k->wrapped) {
					set_restore(&classes[ptb_idx].f);
					set_jmp(empty_fd);
					k->base[r] = run_plain(&classes[ptb_idx], wrap_fd, XDP_PASS);
					set_jmp(bpf_program__fd(k->prog));
				}
				if (test_run(k->wrapped ? wrap_fd : bpf_program__fd(k->prog),
					     &classes[ptb_idx].f, repeat, &kr) ||
				    kr.retval != k->want_ret) {
					fprintf(stderr, "component %s: failed (verdict %u)\n",
						k->key, kr.retval);
					bad = 1;
				}
				k->ns[r] = kr.ns;
			}
			comp_empty[r] = run_plain(&classes[ptb_idx], empty_fd, XDP_PASS);
		}
		for (int i = 0; i < ncomps; i++)
			if (comps[i].lpm || pi == 0)
				comps[i].over[pi] = median(comps[i].ns, rounds) -
						    median(comps[i].wrapped ? comps[i].base :
							   comp_empty, rounds);
		ed = median(empty_direct, rounds);
		printf("\n%d prefixes per family (mtu_v4 %d, mtu_v6 %d): %d rounds x %u, "
		       "%d/%d runs without preemption, %.1f s\n",
		       pfx[pi], v4_count, v6_count, rounds, repeat, clean, total,
		       now_s() - t0);
		printf("  %-28s %9s %9s %9s %9s  %s\n", "class", "ns/pkt", "baseline",
		       "overhead", "direct", "path check");
		printf("  %-28s %9.1f %9s %9s %9s  %s\n", "empty XDP program (XDP_PASS)",
		       ed, "", "", "", "");
		if (js)
			fprintf(js, "%s\n  {\"prefixes\": %d, \"mtu_v4_entries\": %d, "
				"\"mtu_v6_entries\": %d, \"empty_ns\": %.2f, "
				"\"client_end_filtered\": {\"v4\": %s, \"v6\": %s}, \"classes\": [",
				pi ? "," : "", pfx[pi], v4_count, v6_count, ed,
				client_filtered(AF_INET) ? "true" : "false",
				client_filtered(AF_INET6) ? "true" : "false");
		for (int i = 0, printed = 0; i < nclasses; i++) {
			struct pclass *c = &classes[i];
			double ns = median(c->ns, rounds), base = median(c->base, rounds);
			double dov = 0;
			char direct[32] = "";

			if (only && strcmp(c->key, only))
				continue;
			if (!c->mutates && pi == 0) {
				dov = median(c->dns, rounds) - median(c->dbase, rounds);
				snprintf(direct, sizeof(direct), "%+.1f", dov);
			}
			if (!c->ok)
				bad = 1;
			printf("  %-28s %9.1f %9.1f %+9.1f %9s  %s%s%s\n", c->label, ns,
			       base, ns - base, direct, c->ok ? "ok" : "WRONG PATH: ",
			       c->ok ? "" : c->why, "");
			if (js) {
				fprintf(js, "%s\n   {\"key\": \"%s\", \"label\": \"%s\", "
					"\"frame_bytes\": %zu, "
					"\"ns\": %.2f, \"baseline_ns\": %.2f, \"overhead_ns\": %.2f, ",
					printed++ ? "," : "", c->key, c->label, c->f.len, ns, base,
					ns - base);
				if (c->mutates || pi > 0)
					fprintf(js, "\"direct_overhead_ns\": null, ");
				else
					fprintf(js, "\"direct_overhead_ns\": %.2f, ", dov);
				fprintf(js, "\"target\": \"%s\", \"path_ok\": %s, "
					"\"path_check\": \"%s\", \"rounds_ns\": [",
					c->target, c->ok ? "true" : "false",
					c->ok ? "counters and verdict as expected" : c->why);
				for (int r = 0; r < rounds; r++)
					fprintf(js, "%s%.2f", r ? ", " : "", c->ns[r] - c->base[r]);
				fprintf(js, "]}");
			}
		}
		if (js)
			fprintf(js, "]}");
	}

	if (!only && !no_comps)
		printf("\ncomponents, ns over the empty program (median of %d x %u):\n",
		       rounds, repeat);
	for (int i = 0; i < ncomps && !only && !no_comps; i++) {
		printf("  %-40s", comps[i].label);
		for (int pi = 0; pi < npfx; pi++)
			if (comps[i].over[pi] >= 0 || comps[i].lpm)
				printf(" %+7.1f (%d pfx)", comps[i].over[pi], pfx[pi]);
		printf("\n");
	}
	if (js) {
		fprintf(js, "\n ],\n \"components\": [");
		for (int i = 0; i < ncomps && !only && !no_comps; i++) {
			fprintf(js, "%s\n  {\"key\": \"%s\", \"label\": \"%s\", \"overhead_ns\": {",
				i ? "," : "", comps[i].key, comps[i].label);
			for (int pi = 0, n = 0; pi < npfx; pi++)
				if (comps[i].lpm || pi == 0)
					fprintf(js, "%s\"%d\": %.2f", n++ ? ", " : "", pfx[pi],
						comps[i].over[pi]);
			fprintf(js, "}}");
		}
	}

	/* Memory with the last (largest) configuration loaded. */
	mem_after = memcg_usage();
	{
		long long m4 = fdinfo_memlock(bpf_map__fd(mt->maps.mtu_v4));
		long long m6 = fdinfo_memlock(bpf_map__fd(mt->maps.mtu_v6));
		long long tot = 0, cg = -1, shards = 0;
		struct bpf_map *m;

		bpf_object__for_each_map(m, mt->obj) {
			long long v = fdinfo_memlock(bpf_map__fd(m));

			if (v > 0)
				tot += v;
		}
		/* and the tries inside mtu_v6_shards */
		for (__u32 slot = 0; slot <= MTUG_V6_SHORT; slot++) {
			int fd = mg_shards_slot_fd(bpf_map__fd(mt->maps.mtu_v6_shards), slot);

			if (fd < 0)
				continue;
			shards += fdinfo_memlock(fd);
			close(fd);
		}
		tot += shards;
		if (mem_before >= 0 && mem_after >= 0 && npfx > 1)
			cg = mem_after - mem_before;
		printf("\nmemory with %d prefixes per family: mtu_v4 %.1f MiB, mtu_v6 %.1f MiB, "
		       "mtu_v6_shards' tries %.1f MiB, all mtuguard maps %.1f MiB (fdinfo memlock)",
		       v4_count, m4 / 1048576.0, m6 / 1048576.0, shards / 1048576.0,
		       tot / 1048576.0);
		if (cg >= 0)
			printf("; memory cgroup: +%.1f MiB from %d to %d prefixes per family",
			       cg / 1048576.0, pfx[0], v4_count);
		printf("\n");
		if (js)
			fprintf(js, "\n ],\n \"memory\": {\"prefixes_per_family\": %d, "
				"\"mtu_v4_memlock_bytes\": %lld, \"mtu_v6_memlock_bytes\": %lld, "
				"\"mtu_v6_shards_memlock_bytes\": %lld, \"all_maps_memlock_bytes\": %lld, \"memcg_delta_bytes\": %lld, "
				"\"memcg_delta_from_prefixes\": %d},\n \"ok\": %s}\n",
				v4_count, m4, m6, shards, tot, cg, pfx[0], bad ? "false" : "true");
	}
	if (js)
		fclose(js);
	memcg_leave();
	bench_bpf__destroy(bb);
	mtuguard_bpf__destroy(mt);
	return bad;
}
