/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * config_maps.h - read and write the configuration maps: global_cfg,
 * iface_cfg, and the MTU prefix tries with the datapath's copies of them
 * (prefix_filter, mtu_v6_shards, prefix_sync).  Errors are printed here; they are runtime failures of the map calls.
 */
#ifndef MG_CONFIG_MAPS_H
#define MG_CONFIG_MAPS_H

#include <linux/bpf.h> /* BPF_ANY, BPF_NOEXIST, BPF_EXIST */

#include "mtuguard.h"
#include "config_file.h"
#include "prefix.h"
#include "state.h"

int mg_global_get(const struct mg_state *st, struct mtug_global_cfg *g);
int mg_global_put(const struct mg_state *st, const struct mtug_global_cfg *g);

/* -ENOENT (not printed) when the interface has no entry. */
int mg_iface_get(const struct mg_state *st, __u32 ifindex, struct mtug_iface_cfg *c);
/* flags: BPF_ANY, BPF_NOEXIST or BPF_EXIST.  The entry's mac and
 * rp_filter and xdp_features are written as the kernel has them now
 * (mg_iface_kernel_view), whatever c holds. */
int mg_iface_put(const struct mg_state *st, __u32 ifindex,
		 const struct mtug_iface_cfg *c, __u64 flags);
int mg_iface_del(const struct mg_state *st, __u32 ifindex);

/* Attached ifindexes, ascending, into out (room for max).  Returns the
 * count or a negative errno. */
int mg_iface_list(const struct mg_state *st, __u32 *out, int max);

/*
 * The interfaces a per-interface command applies to: the one named by
 * iface (which must exist and be attached), or every attached one when
 * iface is NULL.  Returns the count or a negative errno (printed).
 */
int mg_iface_targets(const struct mg_state *st, const char *iface, __u32 *out,
		     int max);

/* Store (add or replace) or delete one prefix of the MTU maps, and of the
 * datapath's copies (prefix_filter, mtu_v6_shards), then bump the prefix
 * generation (prefix_cache).  Return a negative errno, not printed
 * (-ENOENT: no such prefix).  A copy or bump that could not be written
 * stays marked in prefix_sync for mg_prefix_copy_sync(). */
int mg_prefix_put(const struct mg_state *st, const struct mg_prefix *p, __u32 mtu);
int mg_prefix_del(const struct mg_state *st, const struct mg_prefix *p);

/* mg_prefix_put() sets the prefix's bits in prefix_filter; after
 * deletions, this recomputes them from the tries: the blocks of the one
 * deleted prefix p, or all of them (p NULL).  A warning is printed on
 * failure, which leaves only stale set bits. */
int mg_prefix_filter_sync(const struct mg_state *st, const struct mg_prefix *p);

/* After a command's prefix changes: where the kernel writes a batch into
 * a map of maps with one grace period (MG_KF_V6_SHARDS), give the IPv6
 * prefixes that went to the short trie tries of their own slots
 * (mg_shards_compact).  Only speeds up the lookups; a failure is a
 * warning. */
void mg_prefix_settle(const struct mg_state *st);

/* With the pin dir lock (mg_state_repair does it): if a CLI stopped in the
 * middle of a prefix change (prefix_sync marked), rebuild mtu_v6_shards
 * from mtu_v6 and bump the prefix generation.  Prints what fails. */
int mg_prefix_copy_sync(const struct mg_state *st);

/* Number of prefixes of one family (AF_INET or AF_INET6). */
int mg_prefix_count(const struct mg_state *st, int family);

/* Every prefix of both maps, sorted (mg_prefix_cmp), into a malloc'ed
 * *list (line 0).  Errors printed, prefixed with cmd. */
int mg_prefix_list(const struct mg_state *st, const char *cmd,
		   struct mg_config_prefix **list, size_t *n);

/* Effective PTB settings (0 in the map means "the default"). */
__u32 mg_global_min_mtu_v4(const struct mtug_global_cfg *g);
__u32 mg_global_min_mtu_v6(const struct mtug_global_cfg *g);
__u32 mg_global_rate(const struct mtug_global_cfg *g);

#endif /* MG_CONFIG_MAPS_H */
