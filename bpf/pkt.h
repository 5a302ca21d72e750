/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * pkt.h - what the parser found about one packet, handed to the MSS and
 * PTB handlers.  Offsets are from the start of the frame (the MAC header),
 * which is where both XDP's data and clsact's skb->data point.
 */
#ifndef MTUG_PKT_H
#define MTUG_PKT_H

#include <bpf/bpf_endian.h>

#include "mtuguard.h"
#include "maps.h"

/* The interface's configuration: its iface_fast entry when the tag names
 * it (an inlined array access), else the iface_cfg hash (a collision in
 * iface_fast, or a pin dir written before iface_fast existed).  A reader
 * racing a userspace update of the entry may see some fields old and some
 * new, for that one packet: each field is a naturally aligned u32 that
 * never tears, and userspace empties the tag before an entry changes
 * hands, so a packet never sees another interface's configuration. */
static __always_inline struct mtug_iface_cfg *iface_cfg_get(__u32 ifindex)
{
	__u32 idx = mtug_iface_fast_idx(ifindex);
	struct mtug_iface_fast *f = bpf_map_lookup_elem(&iface_fast, &idx);

	if (f && f->ifindex == ifindex)
		return &f->cfg;
	return bpf_map_lookup_elem(&iface_cfg, &ifindex);
}

static __always_inline struct mtug_global_cfg *global_cfg_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&global_cfg, &zero);
}

/* The global counter set and, when the interface is known, its per-family
 * row in iface_counters: every event is counted in both. */
struct counts {
	struct mtug_counters *all;
	struct mtug_counters *iface; /* NULL: interface not configured */
};

static __always_inline bool counts_get(struct counts *c,
				       const struct mtug_iface_cfg *icfg, bool v4)
{
	__u32 zero = 0, row;

	c->all = bpf_map_lookup_elem(&counters, &zero);
	c->iface = NULL;
	if (!c->all)
		return false;
	if (icfg) {
		row = icfg->slot * 2 + (v4 ? MTUG_FAM_V4 : MTUG_FAM_V6);
		c->iface = bpf_map_lookup_elem(&iface_counters, &row);
	}
	return true;
}

#define COUNT(c, field)                          \
	do {                                     \
		(c)->all->field++;               \
		if ((c)->iface)                  \
			(c)->iface->field++;     \
	} while (0)

/* The top 32 bits of an IPv6 key's address, host order, by one aligned
 * load (the address is at offset 4 of the key): mtug_v6_top32() reads
 * byte by byte for userspace's buffers, which is 4 loads and 6 shifts or
 * ors here, and the IPv6 SYN path needs it for both ends. */
static __always_inline __u32 v6_top32(const struct mtug_lpm_v6_key *k)
{
	return bpf_ntohl(*(const __u32 *)k->addr);
}

/* Longest match of mtu_v6, through its shards (see mtuguard.h); top32 is
 * the key's top 32 bits, host order. */
static __always_inline struct mtug_mtu_val *
mtu_v6_lookup(const struct mtug_lpm_v6_key *k, __u32 top32)
{
	struct mtug_mtu_val *v = NULL;
	__u32 slot = mtug_v6_shard(top32);
	void *trie;

	trie = bpf_map_lookup_elem(&mtu_v6_shards, &slot);
	if (trie)
		v = bpf_map_lookup_elem(trie, k);
	if (!v) {
		slot = MTUG_V6_SHORT;
		trie = bpf_map_lookup_elem(&mtu_v6_shards, &slot);
		if (trie)
			v = bpf_map_lookup_elem(trie, k);
	}
	return v;
}

#endif /* MTUG_PKT_H */
