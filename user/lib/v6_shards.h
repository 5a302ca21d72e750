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
 *
 * sharded: whether slots other than the short one are used at all; the
 * kernel's MG_KF_V6_SHARDS (before 6.8 every read or write of a slot
 * waits for an RCU grace period), the same in every call on one map.
 * Not sharded, every prefix lives in the short trie.
 */
#ifndef MG_V6_SHARDS_H
#define MG_V6_SHARDS_H

#include <stdbool.h>

#include "mtuguard.h"

/* Copy a prefix of mtu_v6 (new or with a new MTU) into the trie of its
 * slot, or into the short trie while that slot has none (or when not
 * sharded).  Writes no slot of the outer map, but the short trie's the
 * first time (made with mtu_v6's BTF, as the datapath's template). */
int mg_shards_put(int shards_fd, int v6_fd, const struct mtug_lpm_v6_key *k,
		  const struct mtug_mtu_val *v, bool sharded);

/* Remove a prefix from wherever it is; one that is not there is no error. */
int mg_shards_del(int shards_fd, const struct mtug_lpm_v6_key *k, bool sharded);

/* Sharded only: move the /32-or-longer prefixes of the short trie into
 * fresh tries of their own slots, batched.  Every step leaves the answers
 * unchanged.  Returns the number of tries made, or a negative errno. */
int mg_shards_compact(int shards_fd, int v6_fd);

/* Make the copy mtu_v6 again, in place: every trie holds exactly the
 * prefixes it should (the short trie made if needed; no other trie is
 * made or removed). */
int mg_shards_rebuild(int shards_fd, int v6_fd, bool sharded);

/* A new fd of the trie in a slot (close it), or a negative errno:
 * -ENOENT when the slot has none. */
int mg_shards_slot_fd(int shards_fd, __u32 slot);

/* 0 when the tries hold exactly mtu_v6's prefixes and MTUs, each where it
 * should be and only there; 1 when not; or a negative errno.  For tests. */
int mg_shards_differ(int shards_fd, int v6_fd, bool sharded);

#endif /* MG_V6_SHARDS_H */
