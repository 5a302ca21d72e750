/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * prefix.h - IPv4/IPv6 prefixes as the LPM tries store them.
 */
#ifndef MG_PREFIX_H
#define MG_PREFIX_H

#include <stddef.h>
#include <linux/types.h>

/* Longest text form: full IPv6 address, '/', "128", NUL. */
#define MG_PREFIX_STRLEN 50

struct mg_prefix {
	int family;     /* AF_INET or AF_INET6 */
	__u32 len;      /* prefix length in bits */
	__u8 addr[16];  /* network order; IPv4 uses the first 4 bytes */
};

/*
 * Parse "ADDR/LEN" or a host address "ADDR" (= /32 or /128).  Host bits
 * set beyond LEN are refused rather than masked off: "10.0.0.1/8" is more
 * likely a typo than a wish for 10.0.0.0/8.  IPv4-mapped (::ffff:0:0/96)
 * and IPv4-compatible (::/96) prefixes of /96 or longer are refused: no
 * packet carries such an address, so they would never match (the reason
 * names the IPv4 prefix to write instead).  On error returns -EINVAL and
 * writes a reason (without the prefix itself) to why.
 */
int mg_prefix_parse(const char *s, struct mg_prefix *p, char *why, size_t whylen);

/* "ADDR/LEN" into buf (at least MG_PREFIX_STRLEN bytes). */
void mg_prefix_format(const struct mg_prefix *p, char *buf, size_t len);

/* Order for stable listings: IPv4 before IPv6, then address bytes, then
 * length. */
int mg_prefix_cmp(const struct mg_prefix *a, const struct mg_prefix *b);

/* MTU range for the family: 68 (IPv4) or 1280 (IPv6) to 65535. */
__u32 mg_prefix_mtu_min(int family);

#endif /* MG_PREFIX_H */
