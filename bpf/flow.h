/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * flow.h - the 5-tuple the fib paths steer by: a frame's own (`ptb
 * forward on`) or, for an ICMP error, the quoted packet's reversed.
 */
#ifndef MTUG_FLOW_H
#define MTUG_FLOW_H

struct flow {
	__u32 v4;     /* 1 = IPv4 (addresses in the first 4 bytes) */
	__u32 proto;
	__be16 sport;
	__be16 dport;
	__u8 src[16];
	__u8 dst[16];
};

#endif /* MTUG_FLOW_H */
