/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * fuzz.h - the datapath property fuzzer (build/fuzz_datapath).
 *
 * Pieces:
 *   gen.c    random packets (structured, fixture mutations, raw bytes,
 *            hostile ICMP) and random map configurations, from a seeded PRNG
 *   model.c  an independent reference model of docs/design.md's datapath
 *            semantics: for one packet, one program and one configuration,
 *            what may come out (verdicts, which bytes may change and to what,
 *            counter deltas), and the checker that compares a run with it
 *   fuzz_datapath.c  the driver: private network namespace, batches,
 *            bpf_prog_test_run through tests/unit/harness.c, reports
 *
 * The packet builder (pktbuild.c), the skeleton wrappers and the independent
 * checksum verifier (harness.c: csum_check) are the unit harness's, linked.
 */
#ifndef MTUG_FUZZ_H
#define MTUG_FUZZ_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "harness.h"

/* ---- PRNG: splitmix64, one stream per batch ------------------------------- */

struct rng {
	__u64 s;
};

static inline __u64 rng_next(struct rng *r)
{
	__u64 z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0. */
static inline __u32 rng_below(struct rng *r, __u32 n)
{
	return (__u32)(rng_next(r) % n);
}

/* True with probability pct percent. */
static inline bool rng_pct(struct rng *r, unsigned pct)
{
	return rng_below(r, 100) < pct;
}

static inline __u32 rng_range(struct rng *r, __u32 lo, __u32 hi)
{
	return lo + rng_below(r, hi - lo + 1);
}

#define PICK(r, arr) ((arr)[rng_below((r), sizeof(arr) / sizeof((arr)[0]))])

/* ---- configuration -------------------------------------------------------- */

#define FZ_MAX_PREFIX 8

struct fz_prefix {
	bool v4;
	__u8 addr[16];
	__u32 len;
	__u32 mtu;
};

struct fz_cfg {
	struct cfg_spec spec; /* what harness_apply_cfg() loads */
	char text[FZ_MAX_PREFIX][64]; /* backing store of spec.prefix[].prefix */
	struct fz_prefix pfx[FZ_MAX_PREFIX];
	int npfx;
};

/* Route MTUs the fuzzer's namespace can give a pmtu lookup (see
 * fuzz_datapath.c, ns_setup): any of these may win, or none. */
extern const __u32 fz_route_mtus[];
extern const int fz_n_route_mtus;

void cfg_random(struct rng *r, struct fz_cfg *c);
/* One line, CLI-like, for reports. */
void cfg_describe(const struct fz_cfg *c, char *buf, size_t len);

/* ---- packets ------------------------------------------------------------- */

/* test_run puts every frame on the namespace's loopback (ifindex 0 / no
 * ctx), whose address is all zero: the fib paths act only on frames
 * addressed to it (bpf/strict.h), so most generated frames are. */
#define FZ_RX_MAC { 0, 0, 0, 0, 0, 0 }

/* Address a frame to the receiving device, unless it is to a group. */
static inline void fz_to_rx(__u8 *frame, size_t len)
{
	static const __u8 rx[6] = FZ_RX_MAC;

	if (len >= 6 && !(frame[0] & 1))
		memcpy(frame, rx, 6);
}

enum gen_kind {
	GEN_STRUCT,   /* random spec through the builder */
	GEN_FIXTURE,  /* a unit fixture, mutated */
	GEN_RAW,      /* random bytes behind an Ethernet header */
	GEN_HOSTILE,  /* forged ICMP errors (see gen_hostile) */
	GEN__COUNT,
};

extern const char *const gen_kind_name[GEN__COUNT];

struct fz_pkt {
	__u8 data[PKT_MAX];
	size_t len;
	enum gen_kind kind;
	char desc[160]; /* how it was made */
};

/* A packet of the given kind (GEN__COUNT: pick one by weight). */
void gen_packet(struct rng *r, enum gen_kind kind, struct fz_pkt *out);

/* Hostile ICMP corpus, deterministic (tests/fuzz/hostile.c). */
enum hostile_class {
	HC_VALID,      /* a genuine PTB: the control group */
	HC_INVALID,    /* must count as ptb_invalid */
	HC_TOO_SMALL,  /* must count as ptb_mtu_too_small */
	HC_IGNORED,    /* not an error we act on: not counted at all */
};

/* ---- reference model ------------------------------------------------------ */

enum flex_kind {
	FLEX_NONE,
	FLEX_PTB_FIB, /* ptb_steered | ptb_local | fib_miss | fib_deferred (reverse
		       * path), or nothing (XDP defer) */
	FLEX_FWD,     /* fwd_steered | fib_miss | fib_deferred (reverse path), or
		       * nothing (local, too big, defer) */
	FLEX_BCAST,   /* ptb_broadcast | ptb_rate_limited, or nothing */
};

enum ptb_class {
	PC_NONE,       /* not a PTB the datapath looks at */
	PC_VALID,
	PC_INVALID,
	PC_TOO_SMALL,
};

#define V_BIT(v) (1u << (v))

struct fz_expect {
	unsigned verdicts;          /* V_BIT(enum verdict) */
	struct mtug_counters cnt;   /* exact deltas, flex group aside */
	enum flex_kind flex;
	/* XDP, a multi-buffer frame in a fib flex group: never redirected
	 * (no device of the fuzzer's is recorded as transmitting one), and
	 * frags_passed is one more outcome of the group */
	bool flex_frags;
	/* XDP: the frame goes to TC ingress tagged MTUG_META_CHECK */
	bool meta_check;
	/* MSS clamp: every MSS option the receiver's walk reaches (mss_at[],
	 * offsets of the values) is lowered to the same target, one of
	 * targets[] (0: no clamp), and never raised */
	bool mss;
	bool mss_counted;           /* mss_clamped / mss_unchanged by outcome */
	size_t tcp_off, tcp_hlen;
	int n_mss;
	size_t mss_at[10];          /* 40 option bytes hold at most 10 */
	__u16 mss_old[10];
	bool xdp_partial;           /* XDP: looks CHECKSUM_PARTIAL, field kept */
	__u16 targets[12];
	int n_targets;
	/* fib forwarding (ptb steer or `ptb forward`): MACs, TTL, IP csum */
	bool fib_edit;
	size_t l3_off;
	bool v4;
	enum ptb_class ptb;
	const char *why_ptb;        /* the model's reason for PC_INVALID */
	const char *path;           /* short name of the model's path */
};

void model_expect(const struct fz_cfg *c, enum prog_id prog, const __u8 *pkt,
		  size_t len, struct fz_expect *e);

/* Compare one run with the model.  Returns true when it holds; otherwise
 * writes the reasons into why. */
bool model_check(const struct fz_expect *e, enum prog_id prog, const __u8 *in,
		 size_t len, const struct run_result *r,
		 const struct mtug_counters *delta, char *why, size_t whylen);

/* Independent PTB validity (docs/design.md "ICMP re-hash"), for the hostile
 * corpus: class of an ICMP error frame for a given configuration. */
enum ptb_class model_ptb_class(const struct fz_cfg *c, const __u8 *pkt, size_t len,
			       const char **why);

/* helpers */
void hexline(FILE *f, const char *tag, const __u8 *b, size_t len);

#endif /* MTUG_FUZZ_H */
