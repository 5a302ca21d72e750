// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* prefix.c - see prefix.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "mtuguard.h"
#include "args.h"
#include "prefix.h"

/*
 * An IPv4-mapped (::ffff:a.b.c.d) or IPv4-compatible (::a.b.c.d) prefix:
 * no packet on the wire carries such an address (IPv4 traffic is looked
 * up in the IPv4 trie), so it would never match.  Refused, naming the
 * IPv4 prefix meant.  ::/128 and ::1/128 are not IPv4-compatible (RFC
 * 4291); a prefix shorter than /96 is an ordinary IPv6 one.
 */
static bool v4_in_v6(const struct mg_prefix *p, char *why, size_t whylen)
{
	static const __u8 mapped[12] = { [10] = 0xff, [11] = 0xff };
	static const __u8 zero[16];
	struct mg_prefix v4 = { .family = AF_INET };
	char buf[MG_PREFIX_STRLEN];
	bool is_mapped;

	if (p->len < 96)
		return false;
	v4.len = p->len - 96;
	is_mapped = !memcmp(p->addr, mapped, 12);
	if (!is_mapped && memcmp(p->addr, zero, 12))
		return false;
	if (!is_mapped && p->len == 128 &&
	    (!memcmp(p->addr, zero, 16) || (!memcmp(p->addr, zero, 15) && p->addr[15] == 1)))
		return false; /* :: and ::1 */
	memcpy(v4.addr, p->addr + 12, 4);
	mg_prefix_format(&v4, buf, sizeof(buf));
	snprintf(why, whylen, "an IPv4-%s IPv6 prefix never matches (IPv4 "
		 "packets are looked up by their IPv4 addresses): write %s",
		 is_mapped ? "mapped" : "compatible", buf);
	return true;
}

int mg_prefix_parse(const char *s, struct mg_prefix *p, char *why, size_t whylen)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	__u32 max, bits, i;
	int err;

	memset(p, 0, sizeof(*p));
	if (alen == 0 || alen >= sizeof(addr)) {
		snprintf(why, whylen, "not an IPv4 or IPv6 address");
		return -EINVAL;
	}
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	/* inet_pton is strict: four dotted decimals for IPv4 (no octal, no
	 * short forms), and no zone index for IPv6. */
	if (inet_pton(AF_INET, addr, p->addr) == 1) {
		p->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, p->addr) == 1) {
		p->family = AF_INET6;
		max = 128;
	} else {
		snprintf(why, whylen, "not an IPv4 or IPv6 address");
		return -EINVAL;
	}
	p->len = max;
	if (slash) {
		err = mg_parse_u32(slash + 1, 0, max, &p->len);
		if (err) {
			snprintf(why, whylen, "prefix length must be 0-%u", max);
			return -EINVAL;
		}
	}
	for (i = p->len; i < max; i++) {
		bits = p->addr[i / 8] & (0x80u >> (i % 8));
		if (bits) {
			struct mg_prefix net = *p;
			char buf[MG_PREFIX_STRLEN];

			for (i = p->len; i < max; i++)
				net.addr[i / 8] &= ~(0x80u >> (i % 8));
			mg_prefix_format(&net, buf, sizeof(buf));
			snprintf(why, whylen, "host bits set beyond /%u (network is %s)",
				 p->len, buf);
			return -EINVAL;
		}
	}
	if (p->family == AF_INET6 && v4_in_v6(p, why, whylen))
		return -EINVAL;
	return 0;
}

void mg_prefix_format(const struct mg_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(p->family, p->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, "%s/%u", a, p->len);
}

int mg_prefix_cmp(const struct mg_prefix *a, const struct mg_prefix *b)
{
	int c;

	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	c = memcmp(a->addr, b->addr, sizeof(a->addr));
	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

__u32 mg_prefix_mtu_min(int family)
{
	return family == AF_INET ? MTUG_V4_MTU_MIN : MTUG_V6_MTU_MIN;
}
