// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * lf_u32.c - libFuzzer target: mg_parse_u32() (user/lib/args.c), the number
 * parser behind every MTU, rate and prefix length on the command line.
 *
 * Input: 4 bytes min, 4 bytes max, then the word.  Property: the result
 * equals a reference parser's (decimal digits only, no sign, no blanks,
 * no empty word, value within [min, max]; -ERANGE for too big or out of
 * range, -EINVAL for anything not digits), and *out is written only on
 * success.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

static int ref(const char *s, __u32 min, __u32 max, __u32 *out)
{
	unsigned long long v = 0;
	bool big = false;

	if (!*s)
		return -EINVAL;
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return -EINVAL;
	for (const char *p = s; *p; p++) {
		v = v * 10 + (unsigned)(*p - '0');
		if (v > 0xffffffffULL) {
			big = true;
			break;
		}
	}
	if (big || v < min || v > max)
		return -ERANGE;
	*out = (__u32)v;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[64];
	__u32 min, max, a = 0xdeadbeef, b = 0xdeadbeef;
	int ra, rb;

	if (size < 8 || size - 8 >= sizeof(s))
		return 0;
	memcpy(&min, data, 4);
	memcpy(&max, data + 4, 4);
	memcpy(s, data + 8, size - 8);
	s[size - 8] = '\0';
	ra = mg_parse_u32(s, min, max, &a);
	rb = ref(s, min, max, &b);
	/* a word with a non-digit after an overflowing prefix: either error
	 * is a refusal, and both parsers must refuse */
	if ((ra == 0) != (rb == 0))
		abort();
	if (ra == 0 && a != b)
		abort();
	if (ra && a != 0xdeadbeef)
		abort();
	if (ra && ra != -EINVAL && ra != -ERANGE)
		abort();
	return 0;
}
