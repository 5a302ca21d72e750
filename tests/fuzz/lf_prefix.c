// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * lf_prefix.c - libFuzzer target: mg_prefix_parse() (user/lib/prefix.c).
 *
 * Properties, for any input bytes (as a C string):
 *  - no crash, no sanitizer report, returns 0 or -EINVAL;
 *  - on -EINVAL a reason is written; on 0: family AF_INET/AF_INET6, length
 *    within 0..32 / 0..128, no host bit set beyond the length, the address
 *    is what inet_pton makes of the text before '/', and format -> parse
 *    gives the same prefix back.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[128], why[256], buf[MG_PREFIX_STRLEN], a[128];
	struct mg_prefix p, q;
	__u8 addr[16] = { 0 };
	const char *slash;
	__u32 max;
	int err;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	why[0] = '\0';
	err = mg_prefix_parse(s, &p, why, sizeof(why));
	if (err) {
		if (err != -EINVAL || !why[0])
			abort();
		return 0;
	}
	if (p.family != AF_INET && p.family != AF_INET6)
		abort();
	max = p.family == AF_INET ? 32 : 128;
	if (p.len > max)
		abort();
	for (__u32 i = p.len; i < max; i++)
		if (p.addr[i / 8] & (0x80u >> (i % 8)))
			abort();
	/* the address part, as inet_pton reads it */
	slash = strchr(s, '/');
	snprintf(a, sizeof(a), "%.*s", (int)(slash ? slash - s : (long)strlen(s)), s);
	if (inet_pton(p.family, a, addr) != 1 ||
	    memcmp(addr, p.addr, p.family == AF_INET ? 4 : 16))
		abort();
	if (!slash && p.len != max)
		abort();
	mg_prefix_format(&p, buf, sizeof(buf));
	if (mg_prefix_parse(buf, &q, why, sizeof(why)) || mg_prefix_cmp(&p, &q))
		abort();
	return 0;
}
