// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* prefix.c - see prefix.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "mtuguard.h"
#include "args.h"
#include "prefix.h"

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
