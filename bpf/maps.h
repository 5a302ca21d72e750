/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * maps.h - every map of the datapath, BTF-defined so that
 * `bpftool map dump pinned <pin-dir>/<name>` prints field names.  Those
 * the loader pins (by these names, under the pin directory) come from the
 * one table of them, MTUG_MAPS in mtuguard.h; the datapath's own scratch
 * space (fib_scratch) is defined below.
 */
#ifndef MTUG_MAPS_H
#define MTUG_MAPS_H

#include "mtuguard.h"

/* The inner tries of mtu_v6_shards (created by the CLI as prefixes need
 * them; a slot without one is empty). */
struct mtu_v6_shard {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, MTUG_LPM_MAX_ENTRIES);
	__type(key, struct mtug_lpm_v6_key);
	__type(value, struct mtug_mtu_val);
};

/* The columns of MTUG_MAPS as BTF map definitions.  BPF_F_NO_PREALLOC is
 * what LPM tries require; 0 elsewhere is the default. */
#define MTUG_VALUE(T) __type(value, T);
#define MTUG_INNER(T) __array(values, T);
#define MTUG_BPF_MAP(ID, NAME, TYPE, KEY, VALUE, MAX_ENTRIES, FLAGS) \
	struct {                                                     \
		__uint(type, BPF_MAP_TYPE_##TYPE);                   \
		__uint(map_flags, FLAGS);                            \
		__uint(max_entries, MAX_ENTRIES);                    \
		__type(key, KEY);                                    \
		VALUE                                                \
	} NAME SEC(".maps");

MTUG_MAPS(MTUG_BPF_MAP)

#undef MTUG_BPF_MAP
#undef MTUG_INNER
#undef MTUG_VALUE

/* One answer of the reverse-path lookup (strict.h, rp_pass()): valid for
 * that device, source, destination and egress while the device's
 * namespace's route generation is gen. */
struct rp_cache_entry {
	__u64 dev;     /* the receiving net_device, as a number; 0 = empty */
	__u64 addrs;   /* src | dst << 32 (network order words) */
	__u64 oif_gen; /* oif | gen << 32 */
	__u32 rev_ifindex; /* the route back's device */
	__u32 ok;          /* the route back is unicast */
};

#define RP_CACHE_BITS 8

struct fib_scratch {
	struct bpf_fib_lookup fwd;
	struct bpf_fib_lookup rev;
	struct rp_cache_entry rp_cache[1 << RP_CACHE_BITS];
};

/* Scratch space for bpf_fib_lookup()'s 64-byte argument, off the stack
 * (two copies: the lookup out, and the reverse-path lookup, which must not
 * overwrite its answer): on the stack it pushed the forwarding functions'
 * frames past what the verifier's 512-byte limit allows under a program
 * that has the MSS clamp inlined (see mtuguard.bpf.c).  With them, the
 * reverse-path answers this CPU has looked up (strict.h, rp_pass()).  Per
 * CPU, and safe to share: fib_steer() is never re-entered on a CPU (XDP
 * and TC ingress run in softirq, never nested in each other, and no
 * helper it calls runs another program). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fib_scratch);
} fib_scratch SEC(".maps");

#endif /* MTUG_MAPS_H */
