/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xdp.h - the XDP program through a bpf_link pinned at
 * <pin-dir>/links/xdp_<ifindex>: the pin keeps it attached after the CLI
 * exits, and no other tool can silently replace it.
 */
#ifndef MG_XDP_H
#define MG_XDP_H

#include <stdbool.h>
#include <linux/types.h>

int mg_xdp_attach(const char *dir, __u32 ifindex, int prog_fd, bool generic);

/* Detach and unpin; 0 if there was no link. */
int mg_xdp_detach(const char *dir, __u32 ifindex);

/* Whether the pinned link exists and is still attached, and its program. */
int mg_xdp_query(const char *dir, __u32 ifindex, bool *attached, __u32 *prog_id);

#endif /* MG_XDP_H */
