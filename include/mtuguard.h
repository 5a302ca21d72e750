/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * mtuguard.h - everything the BPF datapath and the userspace loader share:
 * map key/value layouts, the counter set, feature bits, modes and limits.
 *
 * Never copy a struct from here by hand: include this header on both sides.
 */
#ifndef MTUGUARD_H
#define MTUGUARD_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* ---- limits ------------------------------------------------------------ */

#define MTUG_LPM_MAX_ENTRIES   262144 /* per family; bench loads 100,000 */
#define MTUG_IFACE_MAX_ENTRIES 1024
#define MTUG_IFACE_FAST_ENTRIES 1024 /* power of two: see iface_fast */
#define MTUG_V4_MTU_MIN        68
#define MTUG_V6_MTU_MIN        1280
#define MTUG_MTU_MAX           65535
#define MTUG_V4_MSS_OVERHEAD   40 /* IPv4 header 20 + TCP header 20 */
#define MTUG_V6_MSS_OVERHEAD   60 /* IPv6 header 40 + TCP header 20 */
#define MTUG_PTB_FLOOR_V4      552
#define MTUG_PTB_FLOOR_V6      1280
#define MTUG_PTB_RATE_DEFAULT  1000 /* broadcast clones per second per CPU */

/* ---- feature bits (struct mtug_iface_cfg.features) ---------------------- */

enum mtug_feature {
	MTUG_F_MSS = 1u << 0, /* clamp MSS in SYN / SYN-ACK */
	MTUG_F_PTB = 1u << 1, /* re-hash ICMP Frag Needed / Packet Too Big */
};

/* ---- attach state bits (struct mtug_iface_cfg.attach) -------------------
 * Kept in the pinned iface_cfg map so that a later CLI run knows exactly
 * what an earlier one added and removes only that.
 */
enum mtug_attach_bit {
	MTUG_A_XDP_NATIVE  = 1u << 0,
	MTUG_A_XDP_GENERIC = 1u << 1,
	MTUG_A_TC_INGRESS  = 1u << 2,
	MTUG_A_TC_EGRESS   = 1u << 3,
	MTUG_A_OWN_CLSACT  = 1u << 4, /* mtuguard created the clsact qdisc */
	MTUG_A_TCX         = 1u << 5, /* the TC programs are TCX links, not
				       * clsact filters (chosen at attach) */
	/* XDP shares the hook (attach --chain): mtuguard_xdp replaced
	 * another owner's program on the hook (netlink, no link), which it
	 * runs by a tail call (xdp_chain) for the frames it passes. */
	MTUG_A_CHAIN       = 1u << 6,
	/* XDP runs in a slot of another owner's root program array (attach
	 * --root-array): the hook is not ours; mtuguard_xdp goes on into the
	 * program the CLI put in xdp_chain for the frames it passes. */
	MTUG_A_ROOT        = 1u << 7,
};

enum mtug_ptb_mode {
	MTUG_PTB_OFF       = 0, /* count only */
	MTUG_PTB_FIB       = 1, /* bpf_fib_lookup on the reversed inner tuple */
	MTUG_PTB_BROADCAST = 2, /* TC ingress: clone to L2 broadcast */
};

enum mtug_mtu_source {
	MTUG_SRC_MAP  = 0, /* prefix / interface / default maps */
	MTUG_SRC_PMTU = 1, /* also the route MTU towards both ends */
};

enum mtug_invalid_action {
	MTUG_INVALID_PASS = 0,
	MTUG_INVALID_DROP = 1,
};

/* ---- map layouts -------------------------------------------------------- */

/* LPM trie keys: prefixlen first, address bytes in network order. */
struct mtug_lpm_v4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct mtug_lpm_v6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

struct mtug_mtu_val {
	__u32 mtu;
};

/* iface_cfg: HASH, key = ifindex (__u32). */
struct mtug_iface_cfg {
	__u32 features; /* enum mtug_feature bits */
	__u32 mtu;      /* per-interface MTU, 0 = unset */
	__u32 ptb_mode; /* enum mtug_ptb_mode */
	__u32 attach;   /* enum mtug_attach_bit, userspace bookkeeping */
	__u32 xdp_prog_id;
	__u32 tc_prio;  /* priority of our clsact filters, 0 = none */
	__u32 slot;     /* this interface's rows in iface_counters, assigned
			 * by userspace at attach (< MTUG_IFACE_MAX_ENTRIES) */
	/* What the kernel said about the interface when userspace last wrote
	 * this entry: its IPv4 rp_filter (the larger of conf/all and its own,
	 * as the kernel applies it) and its MAC address (6 bytes, then 2
	 * zero).  The fib paths use them only on kernels where they cannot
	 * read the device itself (bpf/fib.h, rx_dev()). */
	__u32 rp_filter;
	__u8 mac[8];
	/* The device's XDP features as the kernel's netdev netlink family
	 * gave them at that write (NETDEV_XDP_ACT_* bits; 0 where the kernel
	 * does not tell, before 6.3).  XDP redirects a multi-buffer frame
	 * only to a device that has MTUG_XDP_ACT_NDO_XMIT_SG: the kernel
	 * drops one sent to any other. */
	__u32 xdp_features;
};

/* attach --root-array: how many slots after mtuguard's the program that
 * follows it (bpf/root_next.bpf.c) tries, at most. */
#define MTUG_ROOT_NEXT_MAX 32

/* NETDEV_XDP_ACT_NDO_XMIT_SG of <linux/netdev.h> (6.3+; the build's
 * headers may be older): the device transmits multi-buffer frames that XDP
 * redirects to it. */
#define MTUG_XDP_ACT_NDO_XMIT_SG 64

/*
 * iface_fast: ARRAY of MTUG_IFACE_FAST_ENTRIES, a direct-mapped copy of
 * iface_cfg for the datapath, index mtug_iface_fast_idx(ifindex).  An
 * array lookup is inlined by the verifier (a load and a compare); the hash
 * lookup it replaces cost 29 ns a packet on the SYN, PTB and forwarding
 * paths (make bench, "iface_cfg hash lookup").  An entry serves only the
 * interface named in its ifindex tag: an interface whose index collides
 * with one already cached falls back to iface_cfg, which stays the
 * authority (userspace writes it first and the copy after).
 */
struct mtug_iface_fast {
	__u32 ifindex; /* 0 = empty */
	struct mtug_iface_cfg cfg;
};

static inline __u32 mtug_iface_fast_idx(__u32 ifindex)
{
	return ifindex & (MTUG_IFACE_FAST_ENTRIES - 1);
}

/*
 * prefix_filter: ARRAY of __u64 words, a bitmap of the address blocks that
 * some prefix of mtu_v4 / mtu_v6 touches.  A clear bit proves that no
 * prefix covers an address of the block, and the datapath then skips that
 * trie lookup (11-50 ns each, more as the trie deepens; the bit test is an
 * inlined array read).  Typically only the clients' end of a SYN is
 * skipped: operators list the few server or tunnel prefixes that need it.
 * Each address tests one bit (mtug_filter_addr_bit()):
 *   IPv4: one bit per /24, words [0, MTUG_FILTER_V4_WORDS).
 *   IPv6: the words after the IPv4 ones.  An address's word is the hash of
 *         its /32, its bit in the word the hash of its /48.  A prefix of
 *         /48 or longer sets its /48's bit; a shorter one sets every bit
 *         of the words of the /32s it covers or lies in (all IPv6 words
 *         once those are at least as many).  One word read per end: a
 *         /32 covers 65,536 /48s, so a prefix shorter than /48 cannot set
 *         /48 bits one by one, and a second, /32 bitmap (the first design)
 *         cost a second read per end (2 ns of an IPv6 SYN's 32, make
 *         bench).
 * The CLI sets a prefix's bits before it inserts the prefix and clears
 * bits only by recomputing them from the tries after deletions, so a bit
 * is never clear while a prefix needs it: at worst a stale set bit costs
 * one lookup that finds nothing.
 */
#define MTUG_FILTER_V4_BITS     24
#define MTUG_FILTER_V6_WORD_LOG 17 /* 2^17 words, 1 MiB */
#define MTUG_FILTER_V4_WORDS    (1u << (MTUG_FILTER_V4_BITS - 6))
#define MTUG_FILTER_V6_WORDS    (1u << MTUG_FILTER_V6_WORD_LOG)
#define MTUG_FILTER_WORDS       (MTUG_FILTER_V4_WORDS + MTUG_FILTER_V6_WORDS)
#define MTUG_FILTER_V6_HASH     0x9e3779b97f4a7c15ULL
#define MTUG_FILTER_V6_BASE     (MTUG_FILTER_V4_WORDS * 64) /* first IPv6 bit */

/* Bit of an IPv4 address (network order bytes): its /24. */
static inline __u32 mtug_filter_v4_bit(const __u8 *a)
{
	return ((__u32)a[0] << 16) | ((__u32)a[1] << 8) | a[2];
}

static inline __u64 mtug_v6_top48(const __u8 *a)
{
	return ((__u64)a[0] << 40) | ((__u64)a[1] << 32) | ((__u64)a[2] << 24) |
	       ((__u64)a[3] << 16) | ((__u64)a[4] << 8) | a[5];
}

static inline __u32 mtug_v6_top32(const __u8 *a)
{
	return ((__u32)a[0] << 24) | ((__u32)a[1] << 16) | ((__u32)a[2] << 8) | a[3];
}

/* First filter bit (counted from word 0) of the word of a /32 value. */
static inline __u32 mtug_filter_v6_word_bit(__u32 top32)
{
	return MTUG_FILTER_V6_BASE +
	       (__u32)(((__u64)top32 * MTUG_FILTER_V6_HASH) >> (64 - MTUG_FILTER_V6_WORD_LOG)) * 64;
}

/* Filter bit (counted from word 0) of a /48 value: in its /32's word. */
static inline __u32 mtug_filter_v6_bit(__u64 top48)
{
	return mtug_filter_v6_word_bit((__u32)(top48 >> 16)) +
	       (__u32)((top48 * MTUG_FILTER_V6_HASH) >> 58);
}

/* The bit the datapath tests for one end of a segment; the address may
 * match a prefix only if it is set.  (The datapath computes the same bit
 * from aligned word loads: bpf/mss.h, prefix_may_match().) */
static inline __u32 mtug_filter_addr_bit(__u32 v4, const __u8 *a)
{
	return v4 ? mtug_filter_v4_bit(a) : mtug_filter_v6_bit(mtug_v6_top48(a));
}

/*
 * mtu_v6_shards: ARRAY_OF_MAPS of MTUG_V6_SHARDS + 1 LPM tries, the
 * datapath's copy of mtu_v6 cut into small tries.  mtu_v6 stays the
 * authority (what the CLI lists and bpftool dumps); the CLI writes it first
 * and the copy after, under a mark in prefix_sync, and an interrupted
 * change is rebuilt from it by the next command.
 *   A prefix of /32 or longer lies in one /32, and goes to the shard of
 *   that /32's hash (mtug_v6_shard()); shorter ones go to the last slot,
 *   MTUG_V6_SHORT.  Lookup: the address's shard, then, if nothing matched
 *   there, the short trie: any match in the shard is longer than any in
 *   the short trie, so this is the longest match of mtu_v6.
 *   A slot may hold no trie (the lookup takes it as empty): the CLI makes
 *   tries only as prefixes need them, and a /32-or-longer prefix whose
 *   shard has none lives in the short trie, which keeps the lookup the
 *   longest match (user/lib/v6_shards.c).
 * Why: a trie lookup walks one node per level, and 100,000 IPv6 prefixes
 * are about 17 levels deep: the two lookups of a SYN cost 85 ns more than
 * with 1 prefix (make bench, "2 LPM lookups, IPv6").  8,192 shards hold
 * about 12 prefixes each.  IPv4 needs no shards: its prefix_filter is
 * exact per /24 and its tries were within the budget.
 */
#define MTUG_V6_SHARD_BITS 13
#define MTUG_V6_SHARDS     (1u << MTUG_V6_SHARD_BITS)
#define MTUG_V6_SHORT      MTUG_V6_SHARDS /* slot of the prefixes under /32 */
#define MTUG_V6_SHARD_LEN  32
#define MTUG_V6_SHARD_HASH 0x9e3779b1u

/* The shard of an address, from its top 32 bits (mtug_v6_top32()). */
static inline __u32 mtug_v6_shard(__u32 top32)
{
	return (top32 * MTUG_V6_SHARD_HASH) >> (32 - MTUG_V6_SHARD_BITS);
}

/* The slot a prefix of mtu_v6 is copied to. */
static inline __u32 mtug_v6_prefix_slot(const __u8 *a, __u32 len)
{
	return len >= MTUG_V6_SHARD_LEN ? mtug_v6_shard(mtug_v6_top32(a)) : MTUG_V6_SHORT;
}

/*
 * prefix_sync: ARRAY of two __u32.
 *   [MTUG_SYNC_MARK] nonzero while a CLI changes prefixes: mtu_v6_shards
 *       and the cache below may be behind the tries; the next writing
 *       command rebuilds the shards and bumps the generation.
 *   [MTUG_SYNC_GEN] the prefix generation: the CLI bumps it after every
 *       change to mtu_v4 / mtu_v6 (never back to 0).  0: no change yet,
 *       the cache is not used.
 *
 * prefix_cache: PERCPU_ARRAY of MTUG_PREFIX_CACHE_ENTRIES, the datapath's
 * memory of its last trie lookups, direct-mapped by a hash of the address.
 * An entry answers only for its exact address and only in the generation
 * it was filled in.  Why: a load balancer's SYNs run between many clients
 * (whose end prefix_filter skips) and a few VIPs, so the VIP end asks the
 * trie the same question again and again, and the trie lookup is a helper
 * call (11-12 ns here, its return paying the SRSO cost) against a few
 * inlined loads (make bench: a clamped SYN 28 to 20 ns (IPv4), 31 to 23
 * (IPv6)).  Per CPU, so an entry is only ever written by the CPU that reads
 * it, and a program runs to its end on its CPU (softirq, or BH disabled
 * for TC egress) before another on the same CPU can look at the entry.
 * The CLI writes the tries first and bumps the generation after, so no
 * entry outlives the command that made it stale.
 */
#define MTUG_SYNC_MARK 0
#define MTUG_SYNC_GEN  1
#define MTUG_PREFIX_CACHE_BITS    10
#define MTUG_PREFIX_CACHE_ENTRIES (1u << MTUG_PREFIX_CACHE_BITS)

/* The generation after g: never 0, which means "cache unused". */
static inline __u32 mtug_prefix_gen_next(__u32 g)
{
	return g + 1 ? g + 1 : 1;
}

/* The prefix_cache slot of an address: its 32-bit words (network order)
 * folded by xor, then hashed; IPv4 has one word. */
static inline __u32 mtug_prefix_cache_slot(__u32 v4, const __u32 *a)
{
	__u32 x = v4 ? a[0] : a[0] ^ a[1] ^ a[2] ^ a[3];

	return (x * MTUG_V6_SHARD_HASH) >> (32 - MTUG_PREFIX_CACHE_BITS);
}

struct mtug_prefix_cache {
	__u32 gen;     /* prefix_sync[MTUG_SYNC_GEN] when filled; 0 = empty */
	__u32 v4;      /* 1 = IPv4: addr[0] only, addr[1..3] zero */
	__u32 mtu;     /* the tries' answer, 0 = no prefix covers addr */
	__u32 pad;
	__u32 addr[4]; /* network order, as in the packet */
};

/* global_cfg: ARRAY of one entry, key 0. */
struct mtug_global_cfg {
	__u32 default_mtu;    /* 0 = none */
	__u32 mtu_source;     /* enum mtug_mtu_source */
	__u32 ptb_min_mtu_v4; /* 0 = MTUG_PTB_FLOOR_V4 */
	__u32 ptb_min_mtu_v6; /* 0 = MTUG_PTB_FLOOR_V6 */
	__u32 ptb_rate_pps;   /* broadcast clone budget per CPU, 0 = default */
	__u32 ptb_forward;    /* 1 = forward ordinary TCP/UDP by fib too */
	__u32 ptb_all_errors; /* 1 = every ICMP error type, not just PTB */
	__u32 ptb_invalid;    /* enum mtug_invalid_action */
};

/* ptb_bucket: PERCPU_ARRAY of one entry, the broadcast token bucket. */
struct mtug_bucket {
	__u64 last_ns;
	__u64 tokens_milli; /* tokens x 1000, for sub-token refill precision */
};

/*
 * The counter set.  X-macro so that the struct, the CLI's names and the
 * JSON keys can never drift apart.  Order is the struct order.
 */
#define MTUG_COUNTERS(X)      \
	X(packets)            \
	X(syn_seen)           \
	X(mss_clamped)        \
	X(mss_unchanged)      \
	X(mss_missing)        \
	X(mss_malformed)      \
	X(ptb_seen)           \
	X(ptb_steered)        \
	X(ptb_broadcast)      \
	X(ptb_local)          \
	X(ptb_invalid)        \
	X(ptb_mtu_too_small)  \
	X(ptb_rate_limited)   \
	X(fib_miss)           \
	X(fib_deferred)       \
	X(fwd_steered)        \
	X(parse_skipped)      \
	X(frags_passed)

struct mtug_counters {
#define MTUG_COUNTER_FIELD(name) __u64 name;
	MTUG_COUNTERS(MTUG_COUNTER_FIELD)
#undef MTUG_COUNTER_FIELD
};

#define MTUG_NUM_COUNTERS (sizeof(struct mtug_counters) / sizeof(__u64))

/*
 * iface_counters: PERCPU_ARRAY of struct mtug_counters, two rows per
 * interface slot: row slot * 2 + MTUG_FAM_V4 / MTUG_FAM_V6.  They count
 * the events of one interface and family (SYNs, clamps, PTBs, ...), beside
 * the global set in `counters`.  `packets` and `parse_skipped` stay global
 * only: counting them per interface would cost the fast path a lookup.
 */
enum mtug_family_row {
	MTUG_FAM_V4 = 0,
	MTUG_FAM_V6 = 1,
};
#define MTUG_IFACE_COUNTER_ROWS (MTUG_IFACE_MAX_ENTRIES * 2)

/*
 * The maps of the datapath that the CLI pins and opens, each described
 * once, here:
 *
 *   X(ID, NAME, TYPE, KEY, VALUE, MAX_ENTRIES, FLAGS)
 *
 * ID      userspace's index, MG_MAP_<ID> (user/lib/state.h)
 * NAME    the map in the BPF object, and its pin in the pin directory
 * TYPE    BPF_MAP_TYPE_<TYPE>
 * KEY     the key's type
 * VALUE   MTUG_VALUE(type), or for a map of maps MTUG_INNER(struct): the
 *         inner map's BTF definition (bpf/maps.h); userspace sees a map id
 *         (__u32).  Whoever expands the table defines both.
 *
 * bpf/maps.h defines the maps from it (BTF-defined, so that `bpftool map
 * dump` prints field names), user/lib/state.c the layout it checks every
 * pinned map against, and a unit test compares the BPF object with it.
 * Maps the datapath keeps to itself (fib_scratch) are not here.
 */
#define MTUG_MAPS(X)                                                                     \
	X(MTU_V4, mtu_v4, LPM_TRIE, struct mtug_lpm_v4_key,                              \
	  MTUG_VALUE(struct mtug_mtu_val), MTUG_LPM_MAX_ENTRIES, BPF_F_NO_PREALLOC)      \
	X(MTU_V6, mtu_v6, LPM_TRIE, struct mtug_lpm_v6_key,                              \
	  MTUG_VALUE(struct mtug_mtu_val), MTUG_LPM_MAX_ENTRIES, BPF_F_NO_PREALLOC)      \
	/* key: mtug_v6_prefix_slot() */                                                 \
	X(V6_SHARDS, mtu_v6_shards, ARRAY_OF_MAPS, __u32,                                \
	  MTUG_INNER(struct mtu_v6_shard), MTUG_V6_SHARDS + 1, 0)                        \
	/* the CLI's mark and the prefix generation (prefix_cache above) */              \
	X(SYNC, prefix_sync, ARRAY, __u32, MTUG_VALUE(__u32), 2, 0)                      \
	X(CACHE, prefix_cache, PERCPU_ARRAY, __u32,                                      \
	  MTUG_VALUE(struct mtug_prefix_cache), MTUG_PREFIX_CACHE_ENTRIES, 0)            \
	X(FILTER, prefix_filter, ARRAY, __u32, MTUG_VALUE(__u64), MTUG_FILTER_WORDS, 0)  \
	/* key: ifindex */                                                               \
	X(IFACE_CFG, iface_cfg, HASH, __u32,                                             \
	  MTUG_VALUE(struct mtug_iface_cfg), MTUG_IFACE_MAX_ENTRIES, 0)                  \
	/* key: mtug_iface_fast_idx(ifindex) */                                          \
	X(IFACE_FAST, iface_fast, ARRAY, __u32,                                          \
	  MTUG_VALUE(struct mtug_iface_fast), MTUG_IFACE_FAST_ENTRIES, 0)                \
	X(GLOBAL_CFG, global_cfg, ARRAY, __u32, MTUG_VALUE(struct mtug_global_cfg), 1, 0) \
	X(COUNTERS, counters, PERCPU_ARRAY, __u32, MTUG_VALUE(struct mtug_counters), 1, 0) \
	/* key: slot * 2 + enum mtug_family_row */                                       \
	X(IFACE_CNT, iface_counters, PERCPU_ARRAY, __u32,                                \
	  MTUG_VALUE(struct mtug_counters), MTUG_IFACE_COUNTER_ROWS, 0)                  \
	X(BUCKET, ptb_bucket, PERCPU_ARRAY, __u32, MTUG_VALUE(struct mtug_bucket), 1, 0) \
	/* Where mtuguard_xdp's frames go on to when it passes them on a */             \
	/* shared hook (MTUG_A_CHAIN, MTUG_A_ROOT): the program it took the */           \
	/* hook from, or the one after its slot in a root program array; */             \
	/* index: the interface's slot.  Filled by the CLI; an empty slot */            \
	/* means XDP_PASS. */                                                            \
	X(CHAIN, xdp_chain, PROG_ARRAY, __u32, MTUG_VALUE(__u32), MTUG_IFACE_MAX_ENTRIES, 0)

#endif /* MTUGUARD_H */
