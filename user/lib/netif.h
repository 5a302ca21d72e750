/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * netif.h - network interfaces by name and index, in the network namespace
 * the CLI runs in.
 */
#ifndef MG_NETIF_H
#define MG_NETIF_H

#include <stddef.h>
#include <net/if.h>
#include <linux/types.h>

#include "mtuguard.h"

/* Name to ifindex, or 0 if there is no such device (nothing printed). */
__u32 mg_ifname_index(const char *name);

/* Name to ifindex; prints "unknown interface" and returns -ENODEV. */
int mg_ifname_resolve(const char *name, __u32 *ifindex);

/* ifindex to name into buf (IF_NAMESIZE); "if<N>" and -ENODEV if gone. */
int mg_ifname(__u32 ifindex, char *buf);

/* The name for messages: buf (IF_NAMESIZE) holding the name or "if<N>". */
const char *mg_ifname_str(__u32 ifindex, char *buf);

/* The device MTU, or 0 if it cannot be read. */
__u32 mg_iface_link_mtu(const char *name);

/* The device's driver name (ethtool's) into buf, "" if it cannot be read. */
void mg_iface_driver(const char *name, char *buf, size_t len);

/* What the datapath needs to know about the device and cannot read from
 * the kernel on every kernel, into c's kernel-view fields (bpf/strict.h,
 * bpf/fib.h): its MAC address (mac[6..7] zero), the IPv4 rp_filter the
 * kernel applies to it (the larger of conf/all and its own) and its XDP
 * features.  What cannot be read is left at what keeps the datapath
 * strictest: MAC all zero (no frame is for it), rp_filter 1, no XDP
 * features (no multi-buffer frame is redirected to it). */
void mg_iface_kernel_view(__u32 ifindex, struct mtug_iface_cfg *c);

#endif /* MG_NETIF_H */
