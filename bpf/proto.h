/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * proto.h - protocol constants that vmlinux.h cannot give us (they are
 * #defines in the uapi headers, not types), and walk limits.
 */
#ifndef MTUG_PROTO_H
#define MTUG_PROTO_H

#define ETH_ALEN       6
#define ETH_P_IP       0x0800
#define ETH_P_IPV6     0x86DD
#define ETH_P_8021Q    0x8100
#define ETH_P_8021AD   0x88A8

#define IP_MF          0x2000
#define IP_OFFSET      0x1FFF

#define IPPROTO_HOPOPTS  0
#define IPPROTO_ROUTING  43
#define IPPROTO_FRAGMENT 44
#define IPPROTO_ICMPV6   58
#define IPPROTO_NONE     59
#define IPPROTO_DSTOPTS  60

#define TCPOPT_EOL     0
#define TCPOPT_NOP     1
#define TCPOPT_MSS     2
#define TCPOLEN_MSS    4
#define TCP_MAX_OPTLEN 40

#define ICMP_DEST_UNREACH   3
#define ICMP_FRAG_NEEDED    4 /* a code of ICMP_DEST_UNREACH */
#define ICMP_SOURCE_QUENCH  4
#define ICMP_REDIRECT       5
#define ICMP_TIME_EXCEEDED  11
#define ICMP_PARAMETERPROB  12
#define ICMPV6_DEST_UNREACH 1
#define ICMPV6_PKT_TOOBIG   2
#define ICMPV6_TIME_EXCEED  3
#define ICMPV6_PARAMPROB    4
#define ICMPV6_INFOMSG_MASK 0x80 /* types 128-255 are informational */

#define TC_ACT_UNSPEC   (-1)
#define TC_ACT_OK       0
#define TC_ACT_SHOT     2
#define TC_ACT_REDIRECT 7

#define AF_INET  2
#define AF_INET6 10

#define MTUG_VLAN_MAX     2 /* 802.1ad + 802.1Q */
#define MTUG_IPV6_EXT_MAX 4 /* HBH, Routing, DstOpts (twice) */

#endif /* MTUG_PROTO_H */
