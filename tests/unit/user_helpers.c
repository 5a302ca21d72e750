// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * user_helpers.c - unit tests of the loader's pure helpers (user/lib/prefix.c,
 * user/lib/args.c, the driver-refusal words of user/lib/xdp.c): no BPF, no
 * root.  One PASS/FAIL line per table row, named
 * user/<helper>(<input>).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../../user/lib/args.h"
#include "../../user/lib/json.h"
#include "../../user/lib/prefix.h"
#include "../../user/lib/xdp.h"
#include "harness.h"

struct prefix_case {
	const char *in;
	int family;         /* 0 = must be refused */
	__u32 len;
	const char *addr;   /* expected address, textual */
	const char *text;   /* expected mg_prefix_format() output */
};

static const struct prefix_case prefix_cases[] = {
	{ "10.1.0.0/16",         AF_INET,  16,  "10.1.0.0",     "10.1.0.0/16" },
	{ "10.1.2.3",            AF_INET,  32,  "10.1.2.3",     "10.1.2.3/32" },
	{ "0.0.0.0/0",           AF_INET,  0,   "0.0.0.0",      "0.0.0.0/0" },
	{ "2001:db8::/32",       AF_INET6, 32,  "2001:db8::",   "2001:db8::/32" },
	{ "2001:0db8:0000::/48", AF_INET6, 48,  "2001:db8::",   "2001:db8::/48" },
	{ "::/0",                AF_INET6, 0,   "::",           "::/0" },
	{ "2001:db8::1",         AF_INET6, 128, "2001:db8::1",  "2001:db8::1/128" },
	{ "::/128",              AF_INET6, 128, "::",           "::/128" },
	{ "::1",                 AF_INET6, 128, "::1",          "::1/128" },
	{ "::/95",               AF_INET6, 95,  "::",           "::/95" },
	{ "64:ff9b::/96",        AF_INET6, 96,  "64:ff9b::",    "64:ff9b::/96" },
	{ "::fffe:a00:0/104",    AF_INET6, 104, "::fffe:a00:0", "::fffe:a00:0/104" },
	/* refused (text: a part of the reason) */
	{ "::ffff:10.0.0.0/104", 0, 0, NULL, "write 10.0.0.0/8" },  /* IPv4-mapped */
	{ "::ffff:0:0/96",       0, 0, NULL, "write 0.0.0.0/0" },
	{ "::ffff:192.0.2.1",    0, 0, NULL, "write 192.0.2.1/32" },
	{ "::10.0.0.0/104",      0, 0, NULL, "IPv4-compatible" },
	{ "::/96",               0, 0, NULL, "write 0.0.0.0/0" },
	{ "::2",                 0, 0, NULL, "write 0.0.0.2/32" },
	{ "::ffff:10.0.0.1/104", 0, 0, NULL, "host bits" },
	{ "10.0.0.1/8" },        /* host bits set */
	{ "2001:db8::1/64" },
	{ "10.0.0.0/33" },
	{ "2001:db8::/129" },
	{ "10.0.0.0/" },
	{ "10.0.0.0/-1" },
	{ "10.0.0.0/+8" },
	{ "10.0.0.0/0x8" },
	{ "10.0.0.0/ 8" },
	{ "10.0.0.0/8 " },
	{ "10.0.0/8" },          /* short IPv4 form */
	{ "010.0.0.0/8" },       /* octal-looking octet */
	{ "fe80::1%eth0/64" },
	{ "" },
	{ "/8" },
	{ "example.com/24" },
};

static bool prefix_case(const struct prefix_case *c, char *why, size_t n)
{
	struct mg_prefix p;
	__u8 want[16] = {};
	char msg[128] = "", text[MG_PREFIX_STRLEN];
	int err = mg_prefix_parse(c->in, &p, msg, sizeof(msg));

	if (!c->family) {
		if (err == 0) {
			snprintf(why, n, "accepted, expected refusal");
			return false;
		}
		if (!msg[0]) {
			snprintf(why, n, "refused without a reason");
			return false;
		}
		if (c->text && !strstr(msg, c->text)) {
			snprintf(why, n, "reason '%s' does not say '%s'", msg, c->text);
			return false;
		}
		return true;
	}
	if (err) {
		snprintf(why, n, "refused: %s", msg);
		return false;
	}
	inet_pton(c->family, c->addr, want);
	if (p.family != c->family || p.len != c->len ||
	    memcmp(p.addr, want, c->family == AF_INET ? 4 : 16)) {
		snprintf(why, n, "got family %d len %u", p.family, p.len);
		return false;
	}
	mg_prefix_format(&p, text, sizeof(text));
	if (strcmp(text, c->text)) {
		snprintf(why, n, "formats as %s, expected %s", text, c->text);
		return false;
	}
	return true;
}

struct u32_case {
	const char *in;
	__u32 min, max;
	int err;
	__u32 val;
};

/* The MTU ranges of docs/design.md: IPv4 68-65535, IPv6 1280-65535. */
static const struct u32_case u32_cases[] = {
	{ "1400",       MTUG_V4_MTU_MIN, MTUG_MTU_MAX, 0, 1400 },
	{ "68",         MTUG_V4_MTU_MIN, MTUG_MTU_MAX, 0, 68 },
	{ "65535",      MTUG_V4_MTU_MIN, MTUG_MTU_MAX, 0, 65535 },
	{ "67",         MTUG_V4_MTU_MIN, MTUG_MTU_MAX, -ERANGE },
	{ "65536",      MTUG_V4_MTU_MIN, MTUG_MTU_MAX, -ERANGE },
	{ "1279",       MTUG_V6_MTU_MIN, MTUG_MTU_MAX, -ERANGE },
	{ "1280",       MTUG_V6_MTU_MIN, MTUG_MTU_MAX, 0, 1280 },
	{ "4294967296", 0, 0xffffffff, -ERANGE },
	{ "",           0, 100, -EINVAL },
	{ "-1",         0, 100, -EINVAL },
	{ "+1",         0, 100, -EINVAL },
	{ " 1",         0, 100, -EINVAL },
	{ "0x10",       0, 100, -EINVAL },
	{ "10k",        0, 100, -EINVAL },
};

static bool u32_case(const struct u32_case *c, char *why, size_t n)
{
	__u32 v = 0xdeadbeef;
	int err = mg_parse_u32(c->in, c->min, c->max, &v);

	if (err != c->err) {
		snprintf(why, n, "returned %d, expected %d", err, c->err);
		return false;
	}
	if (!err && v != c->val) {
		snprintf(why, n, "value %u, expected %u", v, c->val);
		return false;
	}
	return true;
}

/* mg_json_str(): what a string becomes in the JSON text.  Interface names
 * can hold any byte but '/', ':', whitespace and NUL. */
struct json_case {
	const char *name;
	const char *in;
	const char *out; /* the JSON text, quotes included */
};

static const struct json_case json_cases[] = {
	{ "ascii",          "eth0",              "\"eth0\"" },
	{ "escapes",        "a\"b\\c\n\x01",      "\"a\\\"b\\\\c\\n\\u0001\"" },
	{ "utf8_2byte",     "caf\xc3\xa9",         "\"caf\xc3\xa9\"" },
	{ "utf8_3byte",     "\xe2\x82\xac" "0",    "\"\xe2\x82\xac" "0\"" },
	{ "utf8_4byte",     "\xf0\x9f\x90\xa7",     "\"\xf0\x9f\x90\xa7\"" },
	{ "lone_byte",      "eth\xff",           "\"eth\\u00ff\"" },
	{ "lone_cont",      "\x80x",             "\"\\u0080x\"" },
	{ "truncated",      "a\xc3",             "\"a\\u00c3\"" },
	{ "truncated_3",    "\xe2\x82",          "\"\\u00e2\\u0082\"" },
	{ "overlong",       "\xc0\xaf",          "\"\\u00c0\\u00af\"" },
	{ "overlong_3",     "\xe0\x80\xaf",      "\"\\u00e0\\u0080\\u00af\"" },
	{ "surrogate",      "\xed\xa0\x80",      "\"\\u00ed\\u00a0\\u0080\"" },
	{ "above_10ffff",   "\xf4\x90\x80\x80",  "\"\\u00f4\\u0090\\u0080\\u0080\"" },
	{ "latin1_name",    "v\xe9th0",          "\"v\\u00e9th0\"" },
};

static bool json_case(const struct json_case *c, char *why, size_t n)
{
	struct mg_json j;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool ok;

	if (!f) {
		snprintf(why, n, "open_memstream failed");
		return false;
	}
	mg_json_init(&j, f);
	mg_json_str(&j, NULL, c->in);
	fclose(f);
	/* a top-level value ends with a newline */
	ok = len == strlen(c->out) + 1 && !strncmp(buf, c->out, len - 1) && buf[len - 1] == '\n';
	if (!ok)
		snprintf(why, n, "wrote %.*s, expected %s", (int)len, buf, c->out);
	free(buf);
	return ok;
}

/* The words a driver's refusal of XDP gets: each row's text must hold
 * every one of want ("|"-separated), or be empty where want is "". */
struct refusal_case {
	const char *name;
	int err;
	bool generic;
	const char *drv;
	__u32 mtu;
	bool frags;
	const char *want;
};

static const struct refusal_case refusal_cases[] = {
	{ "busy", -EBUSY, false, "veth", 1500, true, "another XDP program is attached" },
	{ "no_native", -EOPNOTSUPP, false, "dummy", 1500, true,
	  "no native XDP|--mode generic" },
	{ "veth_erange_old", -ERANGE, false, "veth", 9000, false,
	  "the driver veth refuses native XDP at this MTU|t0's MTU is 9000|"
	  "no multi-buffer XDP (5.18+)|at most about 3506|--mode generic" },
	{ "veth_erange_frags", -ERANGE, false, "veth", 65000, true,
	  "t0's MTU is 65000|even with multi-buffer XDP|--mode generic" },
	{ "i40e_einval_big", -EINVAL, false, "i40e", 9000, false,
	  "the driver i40e refuses native XDP at this MTU|t0's MTU is 9000|"
	  "must fit one page|--mode generic" },
	{ "bnxt_eopnotsupp_big", -EOPNOTSUPP, false, "bnxt_en", 9000, true,
	  "the driver bnxt_en refuses|t0's MTU is 9000|--mode generic" },
	{ "einval_small", -EINVAL, false, "i40e", 1500, false, "" },
	{ "generic_erange", -ERANGE, true, "veth", 9000, false, "" },
	{ "enomem", -ENOMEM, false, "veth", 9000, false, "" },
};

static bool refusal_case(const struct refusal_case *c, char *why, size_t n)
{
	char out[384], want[256], *w, *save = NULL;

	mg_xdp_refusal_text(c->err, c->generic, "t0", c->drv, c->mtu, c->frags, 4096,
			    out, sizeof(out));
	if (!c->want[0]) {
		snprintf(why, n, "wrote \"%.200s\", expected nothing", out);
		return !out[0];
	}
	snprintf(want, sizeof(want), "%s", c->want);
	for (w = strtok_r(want, "|", &save); w; w = strtok_r(NULL, "|", &save)) {
		if (!strstr(out, w)) {
			snprintf(why, n, "no \"%.60s\" in \"%.180s\"", w, out);
			return false;
		}
	}
	return true;
}

/* Run one table row through its check and report it under the name the
 * format gives. */
#define RUN_ROW(check, row, ...)                                        \
	do {                                                            \
		bool ok_;                                               \
									\
		why[0] = '\0';                                          \
		ok_ = check(row, why, sizeof(why));                     \
		snprintf(name, sizeof(name), __VA_ARGS__);              \
		report_plain(name, ok_, why, filter, pass, fail);       \
	} while (0)

#define ROWS(table) (sizeof(table) / sizeof((table)[0]))

void user_tests_run(const char *filter, int *pass, int *fail)
{
	char name[128], why[256];

	for (size_t i = 0; i < ROWS(prefix_cases); i++)
		RUN_ROW(prefix_case, &prefix_cases[i], "user/prefix_parse(\"%s\")",
			prefix_cases[i].in);
	for (size_t i = 0; i < ROWS(u32_cases); i++)
		RUN_ROW(u32_case, &u32_cases[i], "user/parse_u32(\"%s\",%u-%u)",
			u32_cases[i].in, u32_cases[i].min, u32_cases[i].max);
	for (size_t i = 0; i < ROWS(json_cases); i++)
		RUN_ROW(json_case, &json_cases[i], "user/json_str(%s)", json_cases[i].name);
	for (size_t i = 0; i < ROWS(refusal_cases); i++)
		RUN_ROW(refusal_case, &refusal_cases[i], "user/xdp_refusal_text(%s)",
			refusal_cases[i].name);
	{
		bool ok = mg_prefix_mtu_min(AF_INET) == 68 && mg_prefix_mtu_min(AF_INET6) == 1280;

		snprintf(why, sizeof(why), "IPv4 %u, IPv6 %u", mg_prefix_mtu_min(AF_INET),
			 mg_prefix_mtu_min(AF_INET6));
		report_plain("user/prefix_mtu_min", ok, why, filter, pass, fail);
	}
}
