/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * v6_shards.h - keep the datapath's mtu_v6_shards (see include/mtuguard.h)
 * a copy of the authoritative mtu_v6 trie.  Plain map fds, so the CLI, the
 * unit harness and the benchmark share it.  Return 0 or a negative errno,
 * print nothing.
 *
 * A slot holds a trie only once it is needed; a /32-or-longer prefix
 * whose slot has none lives in the short trie (MTUG_V6_SHORT), which
 * gives the datapath the same answers, a little slower with many
 * prefixes (v6_shards.c says why).  mg_shards_compact() gives such
 * prefixes tries of their own.
 */
#ifndef MG_V6_SHARDS_H
#define MG_V6_SHARDS_H

#include "mtuguard.h"

/* Copy a prefix of mtu_v6 (new or with a new MTU) into the trie of its
 * slot, or into the short trie while that slot has none.  Writes no slot
 * of the outer map, but the short trie's the first time. */
int mg_shards_put(int shards_fd, const struct mtug_lpm_v6_key *k,
		  const struct mtug_mtu_val *v);

/* Remove a prefix from wherever it is; one that is not there is no error. */
int mg_shards_del(int shards_fd, const struct mtug_lpm_v6_key *k);

/* Move the /32-or-longer prefixes of the short trie into fresh tries of
 * their own slots, batched (a kernel before 6.8 waits a grace period per
 * slot written).  Every step leaves the answers unchanged.  Returns the
 * number of tries made, or a negative errno. */
int mg_shards_compact(int shards_fd);

/* Make the copy mtu_v6 again, in place: every trie holds exactly the
 * prefixes it should (the short trie made if needed; no other trie is
 * made or removed). */
int mg_shards_rebuild(int shards_fd, int v6_fd);

/* A new fd of the trie in a slot (close it), or a negative errno:
 * -ENOENT when the slot has none. */
int mg_shards_slot_fd(int shards_fd, __u32 slot);

/* 0 when the tries hold exactly mtu_v6's prefixes and MTUs, each where it
 * should be and only there; 1 when not; or a negative errno.  For tests. */
int mg_shards_differ(int shards_fd, int v6_fd);

#endif /* MG_V6_SHARDS_H */
