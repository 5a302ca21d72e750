/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * iface_fast.h - keep the datapath's direct-mapped iface_fast array in step
 * with the authoritative iface_cfg hash (see struct mtug_iface_fast).
 * Plain map fds, so the CLI, the unit harness and the benchmark share it.
 * Return 0 or a negative errno, print nothing.
 */
#ifndef MG_IFACE_FAST_H
#define MG_IFACE_FAST_H

#include "mtuguard.h"

/* After iface_cfg[ifindex] = *c: copy it into its iface_fast entry if the
 * entry is empty or already this interface's. */
int mg_iface_fast_put(int fast_fd, __u32 ifindex, const struct mtug_iface_cfg *c);

/* After iface_cfg[ifindex] was deleted: empty its iface_fast entry and hand
 * the entry to another configured interface of the same index, if any. */
int mg_iface_fast_del(int fast_fd, int cfg_fd, __u32 ifindex);

/* Make iface_fast agree with iface_cfg again (a CLI killed between the two
 * writes leaves the copy behind): every writing CLI run starts with it. */
int mg_iface_fast_sync(int fast_fd, int cfg_fd);

#endif /* MG_IFACE_FAST_H */
