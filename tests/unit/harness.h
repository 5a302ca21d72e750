/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * harness.h - table-driven unit tests of the datapath through
 * BPF_PROG_TEST_RUN.
 *
 * A fixture is: an input packet (struct pkt_spec), the map configuration,
 * and what each program must do with it: verdict, output bytes (the input
 * plus explicit edits, never the datapath's own output) and counter deltas.
 * The harness runs it through every program it names and prints one line
 *   PASS: <prog>/<fixture>   or   FAIL: <prog>/<fixture> (<why>)
 * with a hex diff and the counter differences on the lines before a FAIL.
 *
 * How to add fixtures: see the comment at the top of main.c.
 */
#ifndef MTUG_HARNESS_H
#define MTUG_HARNESS_H

#include <stdbool.h>
#include <stdio.h>

#include "mtuguard.h"
#include "pktbuild.h"

enum prog_id {
	PROG_XDP,
	PROG_TC_INGRESS,
	PROG_TC_EGRESS,
	PROG__COUNT,
};

#define ON_XDP        (1u << PROG_XDP)
#define ON_TC_INGRESS (1u << PROG_TC_INGRESS)
#define ON_TC_EGRESS  (1u << PROG_TC_EGRESS)
#define ON_ALL        (ON_XDP | ON_TC_INGRESS | ON_TC_EGRESS)

/* Program-independent verdicts; the harness maps them to XDP_* / TC_ACT_*. */
enum verdict {
	VERDICT_PASS,     /* XDP_PASS / TC_ACT_UNSPEC (on to the next program) */
	VERDICT_DROP,     /* XDP_DROP / TC_ACT_SHOT */
	VERDICT_REDIRECT, /* XDP_REDIRECT / TC_ACT_REDIRECT */
	VERDICT_TX,       /* XDP_TX (no TC equivalent) */
};

/* One LPM entry: "10.1.0.0/16" or "2001:db8::/32". */
struct mtu_prefix {
	const char *prefix;
	__u32 mtu;
};

/* Map configuration for one case.  The default (all zero) is: iface_cfg
 * for ifindex 1 (loopback, where test_run puts every packet) with
 * MTUG_F_MSS | MTUG_F_PTB and nothing else, global_cfg all zero, empty
 * tries. */
/* How the interface's iface_fast entry (the datapath's direct-mapped copy
 * of iface_cfg) is set; the datapath must act on iface_cfg in every case. */
enum fast_mode {
	FAST_CACHED = 0, /* a copy, as the CLI writes it */
	FAST_EMPTY,      /* empty tag, but cfg bytes that would act differently */
	FAST_OTHER,      /* held by a colliding ifindex with another cfg */
};

struct cfg_spec {
	bool no_iface;          /* no iface_cfg entry at all */
	enum fast_mode fast;
	__u32 features_off;     /* MTUG_F_* bits cleared from the default */
	__u32 iface_mtu;
	__u32 ptb_mode;
	__u32 attach;           /* MTUG_A_* bits (TC ingress stands back
				 * behind XDP) */
	struct mtug_global_cfg global;
	struct mtu_prefix prefix[8]; /* ends at the first NULL .prefix */
	__u32 rp_filter;        /* netns fixtures: the ingress device's IPv4
				 * rp_filter (conf/all is 0) */
	/* netns fixtures: an iface_cfg entry for mtg_jumbo as well, as if
	 * mtuguard were attached there, whose kernel view says these XDP
	 * features (NETDEV_XDP_ACT_* bits) instead of the veth's own. */
	bool jumbo_attached;
	__u32 jumbo_xdp_features;
};

struct expect {
	enum verdict verdict;
	/* The expected output is the input with these edits, in this order: */
	struct {
		bool on;
		__u8 opt_off;   /* MSS option's offset in the TCP option area */
		__u16 value;    /* its new value; the TCP checksum is then
				 * recomputed from scratch */
		bool second;    /* a second MSS option, at opt_off2, gets
				 * the same value */
		__u8 opt_off2;
	} mss;
	/* Anything else (PTB: MACs, TTL, ...).  Recompute the checksums you
	 * expect to change with pkt_refresh_csums(). */
	void (*edit)(struct pkt *out);
	struct mtug_counters cnt; /* counter deltas, summed over CPUs */
	/* XDP only: the 4 bytes of metadata the program must leave in front
	 * of the frame (native order, e.g. MTUG_META_DEFER); 0 = it must
	 * leave none.  Read through test_run's ctx_out (xdp_md.data is the
	 * metadata length); the output bytes compared are those after it. */
	__u32 xdp_meta;
};

/* MSS option at byte `at` of the option area now reads `v`. */
#define CLAMP_AT(at, v) .mss = { .on = true, .opt_off = (at), .value = (v) }
#define CLAMP_AT2(at, at2, v) \
	.mss = { .on = true, .opt_off = (at), .value = (v), .second = true, .opt_off2 = (at2) }

struct fixture {
	const char *name;
	unsigned progs;             /* ON_* bits; 0 = ON_ALL */
	struct pkt_spec pkt;
	struct cfg_spec cfg;
	struct expect exp;          /* for every program ... */
	const struct expect *exp_on[PROG__COUNT]; /* ... unless given here */
	/* Run inside the harness's private network namespace (see "netns"
	 * below), on its ingress device: iface_cfg is set for that ifindex and
	 * test_run gets it in ctx_in (xdp_md.ingress_ifindex, __sk_buff.ifindex),
	 * so bpf_fib_lookup / bpf_clone_redirect see a real topology.  Default:
	 * the caller's namespace, loopback (ifindex 1), no ctx. */
	bool netns;
	unsigned repeat;            /* test_run repeat count, 0 = 1; counter
				     * deltas are over all the runs */
};

struct fixture_set {
	const char *name;
	const struct fixture *f;
	size_t n;
};

/* The fixture tables (one file each), listed in main.c. */
extern const struct fixture_set mss_fixtures;
extern const struct fixture_set ptb_fixtures;
extern const struct fixture_set jumbo_fixtures;

/* Plain (non-fixture) tests, no BPF, no root: the harness checking itself
 * (selftest.c) and the loader's pure helpers (user_helpers.c). */
void selftests_run(const char *filter, int *pass, int *fail);
void user_tests_run(const char *filter, int *pass, int *fail);
void iface_fast_tests_run(const char *filter, int *pass, int *fail);
void prefix_filter_tests_run(const char *filter, int *pass, int *fail);
void v6_shards_tests_run(const char *filter, int *pass, int *fail);
/* The kernel facility table (user_kfeatures.c). */
void kfeatures_tests_run(const char *filter, int *pass, int *fail);
/* The table of maps against the BPF object (user_maps.c). */
void maps_tests_run(const char *filter, int *pass, int *fail);
/* The configuration file parser and writer (user_config.c). */
void config_tests_run(const char *filter, int *pass, int *fail);
/* Their PASS/FAIL line, when name contains filter (or filter is NULL). */
void report_plain(const char *name, bool ok, const char *why, const char *filter,
		  int *pass, int *fail);

/* ---- harness ------------------------------------------------------------- */

struct mtuguard_bpf;

/* The private network namespace of .netns fixtures: created on first use
 * with unshare(CLONE_NEWNET), anonymous (no /run/netns name), held only by
 * an fd of this process, so the kernel destroys it, devices and all, on
 * every exit path (even a crash).  The process returns to its own
 * namespace after each case.  Topology (fixed addresses, see netns.c):
 *
 *   mtg_in  (ingress, MAC 02:00:00:00:00:02 = the builder's default
 *            destination MAC) <-veth-> mtg_inp (02:00:00:00:00:01)
 *   mtg_out (egress, NS_OUT_MAC)  <-veth-> mtg_outp
 *   forwarding on (IPv4, IPv6);  lo holds NS_LOCAL4 / NS_LOCAL6;
 *   NS_VIP4 / NS_VIP6 prefixes via a gateway with a PERMANENT neighbour
 *     entry (NS_GW_MAC) out of mtg_out;
 *   NS_ONEARM4 / NS_ONEARM6 prefixes via a gateway with a PERMANENT
 *     neighbour entry (NS_GW_IN_MAC) out of mtg_in, the ingress itself;
 *   NS_UNRES4 / NS_UNRES6 prefixes via a gateway with no neighbour entry;
 *   NS_UNREACH4 / NS_UNREACH6 prefixes: "unreachable" routes;
 *   NS_NOROUTE4 / NS_NOROUTE6: no route at all (there is no default);
 *   NS_JUMBO4 / NS_JUMBO6 prefixes via a gateway with a PERMANENT
 *     neighbour entry (NS_GW_JUMBO_MAC) out of mtg_jumbo (NS_JUMBO_MAC,
 *     MTU 9000);
 *   PKT_DEF_V4_SRC's / PKT_DEF_V6_SRC's prefixes (the clients) via a
 *     resolved gateway out of mtg_in: a route back to their source;
 *   NS_FAR4's prefix via the gateway out of mtg_out (a source strict
 *     rp_filter refuses on mtg_in), NS_BLACKHOLE4 a blackhole route;
 *   conf/all/rp_filter 0, mtg_in's own the fixture's (cfg_spec.rp_filter).
 */
#define NS_OUT_MAC  { 0x02, 0x00, 0x00, 0x00, 0x0b, 0x01 }
#define NS_GW_MAC   { 0x02, 0x00, 0x00, 0x00, 0x0c, 0x02 }
#define NS_VIP4     "10.2.2.2"      /* = PKT_DEF_V4_DST */
#define NS_VIP6     "2001:db8:2::2" /* = PKT_DEF_V6_DST */
#define NS_IN_MAC   { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 }
#define NS_GW_IN_MAC { 0x02, 0x00, 0x00, 0x00, 0x0c, 0x04 }
#define NS_ONEARM4  "10.4.4.4"
#define NS_ONEARM6  "2001:db8:4::4"
#define NS_LOCAL4   "10.9.9.9"
#define NS_LOCAL6   "2001:db8:9::9"
#define NS_UNRES4   "10.3.3.3"
#define NS_UNRES6   "2001:db8:3::3"
#define NS_UNREACH4 "10.66.6.6"
#define NS_UNREACH6 "2001:db8:66::6"
#define NS_NOROUTE4 "10.77.7.7"
#define NS_NOROUTE6 "2001:db8:77::7"
/* Behind mtg_jumbo (MTU 9000), via a PERMANENT neighbour (NS_GW_JUMBO_MAC). */
#define NS_JUMBO_MAC    { 0x02, 0x00, 0x00, 0x00, 0x0d, 0x01 }
#define NS_GW_JUMBO_MAC { 0x02, 0x00, 0x00, 0x00, 0x0c, 0x05 }
#define NS_JUMBO4   "10.5.5.5"
#define NS_JUMBO6   "2001:db8:5::5"
#define NS_FAR4      "10.8.8.8"
#define NS_BLACKHOLE4 "10.6.6.6"

struct harness_netns {
	int state;          /* 0 = not yet, 1 = ready, -1 = setup failed */
	int orig_fd;        /* the namespace we came from */
	int test_fd;        /* the private one (keeps it alive) */
	__u32 in_ifindex;   /* mtg_in */
	__u32 jumbo_ifindex; /* mtg_jumbo */
	char err[256];      /* why setup failed */
};

struct harness {
	struct mtuguard_bpf *skel;
	int prog_fd[PROG__COUNT];
	int ncpus;
	bool verbose; /* hex dump every case, not only failures */
	/* test_run takes no struct xdp_md for XDP (before 5.15): no
	 * ingress_ifindex, no metadata length.  Cases that need the
	 * ingress interface are skipped on XDP. */
	bool xdp_no_ctx;
	struct harness_netns ns;
};

/* netns.c: set up (once) and enter the private namespace / go back. */
int netns_enter(struct harness *h);
int netns_leave(struct harness *h);
void netns_close(struct harness *h);

/* Set before harness_open(): load the datapath as on kernels before 6.2,
 * where it cannot read the receiving device (bpf/settings.h,
 * mtug_dev_view). */
extern bool harness_no_dev_view;
int harness_open(struct harness *h);
void harness_close(struct harness *h);
/* Empty every map (tries, iface_cfg, global_cfg, counters, bucket, the
 * fib paths' scratch and kept reverse-path answers). */
int harness_reset(struct harness *h);
/* iface_cfg goes to ifindex. */
int harness_apply_cfg(struct harness *h, const struct cfg_spec *c, __u32 ifindex);
/* One prefix into the tries as the CLI writes it (prefix_filter bits,
 * then mtu_v4, or mtu_v6 and its shard), but no new generation. */
int harness_add_prefix(struct harness *h, const struct mtu_prefix *mp);
/* A new prefix generation (prefix_sync), as the CLI bumps it after
 * changing prefixes; harness_apply_cfg does it for every case. */
int harness_prefix_gen_bump(struct harness *h);
/* Counters summed over all CPUs. */
int harness_counters(struct harness *h, struct mtug_counters *sum);

struct run_result {
	__u32 retval;
	__u8 out[PKT_MAX + 64]; /* XDP: metadata, then the frame */
	__u32 out_len;          /* the whole of out */
	__u32 meta_len;         /* XDP: metadata length (ctx_out data) */
};
/* ifindex: 0 = no ctx for TC and ingress_ifindex 0 (loopback) for XDP;
 * otherwise the device test_run puts the packet on.  repeat 0 = 1. */
int harness_run(struct harness *h, enum prog_id prog, const __u8 *in, size_t len,
		__u32 ifindex, unsigned repeat, struct run_result *r);

enum case_result {
	CASE_PASS,
	CASE_FAIL,
	CASE_SKIP,
};

/* The first buffer test_run gives an XDP program (net/bpf/test_run.c):
 * one page less XDP's headroom and the skb_shared_info at its end (3520
 * bytes on x86-64).  A longer frame is multi-buffer: XDP sees this much
 * between data and data_end, the rest in fragments.  Kernels without
 * multi-buffer XDP (mg_xdp_frags_supported) refuse a longer frame, so its
 * XDP cases SKIP there.  TC's test_run takes an skb of at most one page
 * less its head- and tailroom (about 3.7 KB), always linear: longer
 * frames SKIP in TC. */
__u32 harness_xdp_buf_len(void);

/* Run one fixture through one program and print its PASS/FAIL/SKIP line. */
enum case_result harness_case(struct harness *h, const struct fixture *f,
			      enum prog_id prog);

const char *prog_name(enum prog_id prog);

/* prefix_cache.c: the cache's contract, through the programs. */
void prefix_cache_tests_run(struct harness *h, const char *filter, int *pass, int *fail);
/* rp_cache.c: the reverse-path check as the routes change. */
void rp_cache_tests_run(struct harness *h, const char *filter, int *pass, int *fail);

/* ---- independent checks --------------------------------------------------- */

enum csum_state {
	CSUM_NA,  /* nothing verifiable (not IP, cut short) */
	CSUM_OK,
	CSUM_BAD,
};

/* Verify the checksums of an Ethernet frame from scratch (RFC 1071): the
 * IPv4 header, then TCP, UDP, ICMPv6 (pseudo-header + whole segment) or
 * ICMP (whole message) when the L4 segment is complete and unfragmented.
 * CSUM_OK only if every checksum it could verify is right; *what names the
 * last one looked at (the bad one for CSUM_BAD).  Knows nothing of the
 * builder or the datapath. */
enum csum_state csum_check(const __u8 *frame, size_t len, const char **what);

void hexdiff(FILE *f, const __u8 *want, size_t wlen, const __u8 *got, size_t glen);

#endif /* MTUG_HARNESS_H */
