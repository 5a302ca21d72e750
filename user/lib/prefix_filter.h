/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * prefix_filter.h - keep the datapath's prefix_filter bitmap (see
 * include/mtuguard.h) a superset of what the MTU tries need.  Plain map
 * fds, so the CLI, the unit harness and the benchmark share it.  Return 0
 * or a negative errno, print nothing.
 */
#ifndef MG_PREFIX_FILTER_H
#define MG_PREFIX_FILTER_H

#include "mtuguard.h"

/* Before a prefix (AF_INET / AF_INET6, network-order bytes, length) goes
 * into its trie: set the bits of every block it touches. */
int mg_filter_add(int filter_fd, int family, const __u8 *addr, __u32 len);

/* After deletions: recompute the bitmap from the two tries and write the
 * words that changed. */
int mg_filter_rebuild(int filter_fd, int v4_fd, int v6_fd);

/* After one prefix was deleted from its trie: recompute only the words its
 * blocks are in (the whole bitmap if those are many). */
int mg_filter_forget(int filter_fd, int v4_fd, int v6_fd, int family,
		     const __u8 *addr, __u32 len);

#endif /* MG_PREFIX_FILTER_H */
