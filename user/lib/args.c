// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* args.c - see args.h. */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "args.h"
#include "log.h"

int mg_parse_u32(const char *s, __u32 min, __u32 max, __u32 *out)
{
	unsigned long long v = 0;
	const char *p;

	if (!s || !*s)
		return -EINVAL;
	/* strtoul() would accept " 12", "+12", "-12" and "0x1c"; we want
	 * exactly a decimal number, so walk the digits ourselves. */
	for (p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		v = v * 10 + (unsigned)(*p - '0');
		if (v > 0xffffffffULL)
			return -ERANGE;
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = (__u32)v;
	return 0;
}

int mg_parse_word(const char *s, const char *const *words)
{
	int i;

	for (i = 0; words[i]; i++)
		if (!strcmp(s, words[i]))
			return i;
	return -EINVAL;
}

int mg_usage_number(const char *cmd, const char *what, const char *s, int err,
		    __u32 min, __u32 max)
{
	if (err == -ERANGE)
		return mg_usage("%s: %s '%s' out of range (%u-%u)", cmd, what, s,
				min, max);
	return mg_usage("%s: %s '%s' is not a number", cmd, what, s);
}

static const struct mg_opt *find_opt(const struct mg_opt *opts, const char *arg,
				     size_t len)
{
	for (; opts && opts->name; opts++)
		if (strlen(opts->name) == len && !strncmp(opts->name, arg, len))
			return opts;
	return NULL;
}

/* The bits (by index) of every option that sets what o sets. */
static unsigned long long same_target(const struct mg_opt *opts,
				      const struct mg_opt *o)
{
	unsigned long long bits = 0;
	int i;

	for (i = 0; opts[i].name; i++)
		if (opts[i].value == o->value && opts[i].flag == o->flag)
			bits |= 1ULL << i;
	return bits;
}

int mg_opts_parse(const char *cmd, int argc, char **argv,
		  const struct mg_opt *opts, char **pos, int *npos)
{
	unsigned long long seen = 0; /* by index in opts: no command has 64 */
	int i, n = 0;

	for (i = 0; i < argc; i++) {
		const char *arg = argv[i], *eq;
		const struct mg_opt *o;
		size_t len;
		int bit;

		if (arg[0] != '-' || isdigit((unsigned char)arg[1])) {
			pos[n++] = argv[i];
			continue;
		}
		eq = strchr(arg, '=');
		len = eq ? (size_t)(eq - arg) : strlen(arg);
		o = find_opt(opts, arg, len);
		if (!o)
			return mg_usage("%s: unknown option '%s'", cmd, arg);
		/* Twice is a typo or a wish for two (--iface a --iface b):
		 * taking the last one silently would act on what was not
		 * meant. */
		bit = o - opts;
		if (seen & (1ULL << bit))
			return mg_usage("%s: option '%s' given twice", cmd, o->name);
		seen |= same_target(opts, o); /* -f and --file are one */
		if (o->flag) {
			if (eq)
				return mg_usage("%s: option '%.*s' takes no value",
						cmd, (int)len, arg);
			*o->flag = true;
			continue;
		}
		if (eq) {
			*o->value = eq + 1;
		} else {
			if (i + 1 >= argc)
				return mg_usage("%s: option '%s' needs a value",
						cmd, arg);
			*o->value = argv[++i];
		}
		if (!**o->value)
			return mg_usage("%s: option '%s' needs a value", cmd,
					o->name);
	}
	*npos = n;
	return 0;
}

int mg_want_args(const char *cmd, char **pos, int npos, int want,
		 const char *const *names)
{
	if (npos < want)
		return mg_usage("%s: missing %s", cmd, names[npos]);
	if (npos > want)
		return mg_usage("%s: unexpected argument '%s'", cmd, pos[want]);
	return 0;
}
