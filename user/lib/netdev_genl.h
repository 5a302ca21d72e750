/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * netdev_genl.h - the kernel's netdev generic-netlink family (6.3+): what a
 * device's driver can do with XDP frames.
 */
#ifndef MG_NETDEV_GENL_H
#define MG_NETDEV_GENL_H

#include <linux/types.h>

/* The device's NETDEV_XDP_ACT_* bits into *features.  -EOPNOTSUPP when
 * the kernel has no netdev family (before 6.3), another negative errno
 * when the query fails; *features is 0 then.  Prints nothing. */
int mg_netdev_xdp_features(__u32 ifindex, __u32 *features);

#endif /* MG_NETDEV_GENL_H */
