/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * maps.h - every map of the datapath, BTF-defined so that
 * `bpftool map dump pinned <pin-dir>/<name>` prints field names.
 * The loader pins them by these names under the pin directory.
 */
#ifndef MTUG_MAPS_H
#define MTUG_MAPS_H

#include "mtuguard.h"

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* required for LPM tries */
	__uint(max_entries, MTUG_LPM_MAX_ENTRIES);
	__type(key, struct mtug_lpm_v4_key);
	__type(value, struct mtug_mtu_val);
} mtu_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, MTUG_LPM_MAX_ENTRIES);
	__type(key, struct mtug_lpm_v6_key);
	__type(value, struct mtug_mtu_val);
} mtu_v6 SEC(".maps");

/* The inner tries of mtu_v6_shards (created by the CLI as prefixes need
 * them; a slot without one is empty). */
struct mtu_v6_shard {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, MTUG_LPM_MAX_ENTRIES);
	__type(key, struct mtug_lpm_v6_key);
	__type(value, struct mtug_mtu_val);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, MTUG_V6_SHARDS + 1);
	__type(key, __u32); /* mtug_v6_prefix_slot() */
	__array(values, struct mtu_v6_shard);
} mtu_v6_shards SEC(".maps");

/* The CLI's mark and the prefix generation (see mtuguard.h). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} prefix_sync SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MTUG_PREFIX_CACHE_ENTRIES);
	__type(key, __u32);
	__type(value, struct mtug_prefix_cache);
} prefix_cache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MTUG_FILTER_WORDS);
	__type(key, __u32);
	__type(value, __u64); /* see struct comment in mtuguard.h */
} prefix_filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MTUG_IFACE_MAX_ENTRIES);
	__type(key, __u32); /* ifindex */
	__type(value, struct mtug_iface_cfg);
} iface_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MTUG_IFACE_FAST_ENTRIES);
	__type(key, __u32); /* mtug_iface_fast_idx(ifindex) */
	__type(value, struct mtug_iface_fast);
} iface_fast SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mtug_global_cfg);
} global_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mtug_counters);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MTUG_IFACE_COUNTER_ROWS);
	__type(key, __u32); /* slot * 2 + enum mtug_family_row */
	__type(value, struct mtug_counters);
} iface_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mtug_bucket);
} ptb_bucket SEC(".maps");

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

/* Where mtuguard_xdp's frames go on to when it passes them on a shared
 * hook (MTUG_A_CHAIN, MTUG_A_ROOT): the program it took the hook from, or
 * the one after its slot in a root program array; index: the interface's
 * slot.  Filled by the CLI; an empty slot means XDP_PASS. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, MTUG_IFACE_MAX_ENTRIES);
	__type(key, __u32);
	__type(value, __u32);
} xdp_chain SEC(".maps");

#endif /* MTUG_MAPS_H */
