/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * v6_shards.h - keep the datapath's mtu_v6_shards (see include/mtuguard.h)
 * a copy of the authoritative mtu_v6 trie.  Plain map fds, so the CLI, the
 * unit harness and the benchmark share it.  Return 0 or a negative errno,
 * print nothing.
 */
#ifndef MG_V6_SHARDS_H
#define MG_V6_SHARDS_H

#include "mtuguard.h"

/* Give every empty slot an empty trie (first attach, before the state is
 * complete: a slot without a trie would hide its prefixes). */
int mg_shards_populate(int shards_fd);

/* Copy a prefix of mtu_v6 (new or with a new MTU) into its slot. */
int mg_shards_put(int shards_fd, const struct mtug_lpm_v6_key *k,
		  const struct mtug_mtu_val *v);

/* Remove a prefix from its slot; one that is not there is no error. */
int mg_shards_del(int shards_fd, const struct mtug_lpm_v6_key *k);

/* Make the copy mtu_v6 again: each slot gets a fresh trie holding its
 * prefixes, swapped in whole, so a packet sees the old or the new slot. */
int mg_shards_rebuild(int shards_fd, int v6_fd);

/* A new fd of the trie in a slot (close it), or a negative errno:
 * -ENOENT when the slot has none. */
int mg_shards_slot_fd(int shards_fd, __u32 slot);

/* 0 when the slots hold exactly mtu_v6's prefixes and MTUs, each in its
 * own slot; 1 when not; or a negative errno.  For tests. */
int mg_shards_differ(int shards_fd, int v6_fd);

#endif /* MG_V6_SHARDS_H */
