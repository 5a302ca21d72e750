// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * user_config.c - unit tests of the configuration file parser and writer
 * (user/lib/config_file.c, `mtuguard apply` / `show-config`): no BPF, no root.
 * Names user/config/...
 *
 *  - good files: parsed, then written back (mg_config_write) and compared
 *    with the canonical text expected; the text parses to itself again;
 *  - bad files: refused with "FILE:LINE: problem", the expected line and
 *    words in the message, and *out left empty;
 *  - mutations: a seeded PRNG damages a valid file 20,000 ways (bytes
 *    flipped, separators and NULs inserted, cuts); every result either
 *    parses and round-trips, or is refused with a well-formed message;
 *  - error buffers too small (or of size 0) are never overrun.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../user/lib/config_file.h"
#include "harness.h"

#define DEFAULTS \
	"default-mtu none\nmtu-source map\nptb min-mtu 552 1280\nptb rate 1000\n" \
	"ptb forward off\nptb errors frag\nptb invalid pass\n"

struct good_case {
	const char *name;
	const char *in;
	const char *out; /* mg_config_write of the result */
};

static const struct good_case good_cases[] = {
	{ "empty", "", DEFAULTS },
	{ "comments_blanks", "# only a comment\n\n   \t\n# another\r\n", DEFAULTS },
	{ "settings",
	  "default-mtu 1400\nmtu-source pmtu\nptb min-mtu 600 1300 # floors\n"
	  "ptb rate 5\nptb forward on\nptb errors all\nptb invalid drop\n",
	  "default-mtu 1400\nmtu-source pmtu\nptb min-mtu 600 1300\nptb rate 5\n"
	  "ptb forward on\nptb errors all\nptb invalid drop\n" },
	{ "semicolons_crlf", "default-mtu 1400; ptb rate 7;\r\nptb forward on\r\n",
	  "default-mtu 1400\nmtu-source map\nptb min-mtu 552 1280\nptb rate 7\n"
	  "ptb forward on\nptb errors frag\nptb invalid pass\n" },
	{ "no_final_newline", "default-mtu 1400",
	  "default-mtu 1400\nmtu-source map\nptb min-mtu 552 1280\nptb rate 1000\n"
	  "ptb forward off\nptb errors frag\nptb invalid pass\n" },
	{ "iface_defaults", "iface eth0 {\n}\n",
	  DEFAULTS "\niface eth0 {\n\tmode native\n\tegress on\n\tmss on\n\tptb on\n"
	  "\tptb-mode off\n\tmtu none\n\tchain off\n\troot-array none\n}\n" },
	{ "iface_full",
	  "iface eth1 {\n  mode generic\n  egress off\n  mss off\n  ptb off\n"
	  "  ptb-mode broadcast\n  mtu 1450  # hop\n}\n",
	  DEFAULTS "\niface eth1 {\n\tmode generic\n\tegress off\n\tmss off\n\tptb off\n"
	  "\tptb-mode broadcast\n\tmtu 1450\n\tchain off\n\troot-array none\n}\n" },
	{ "iface_compact_order",
	  "iface b { ptb-mode fib; mtu 1400 } iface a { mode generic }\n",
	  DEFAULTS "\niface b {\n\tmode native\n\tegress on\n\tmss on\n\tptb on\n"
	  "\tptb-mode fib\n\tmtu 1400\n\tchain off\n\troot-array none\n}\n\niface a {\n\tmode generic\n\tegress on\n"
	  "\tmss on\n\tptb on\n\tptb-mode off\n\tmtu none\n\tchain off\n\troot-array none\n}\n" },
	{ "iface_share",
	  "iface c { chain on }\niface d { root-array /sys/fs/bpf/xdp_root/root_array:3 }\n",
	  DEFAULTS "\niface c {\n\tmode native\n\tegress on\n\tmss on\n\tptb on\n"
	  "\tptb-mode off\n\tmtu none\n\tchain on\n\troot-array none\n}\n"
	  "\niface d {\n\tmode native\n\tegress on\n\tmss on\n\tptb on\n"
	  "\tptb-mode off\n\tmtu none\n\tchain off\n"
	  "\troot-array /sys/fs/bpf/xdp_root/root_array:3\n}\n" },
	{ "prefixes_sorted",
	  "prefix fd00::/48 1380\nprefix 10.0.0.0/8 1400\nprefix 10.0.0.0/16 1300\n"
	  "prefix 192.0.2.1 1280\nprefix 2001:0db8::/32 1280\nprefix ::/0 1500\n",
	  DEFAULTS "\nprefix 10.0.0.0/8 1400\nprefix 10.0.0.0/16 1300\n"
	  "prefix 192.0.2.1/32 1280\nprefix ::/0 1500\nprefix 2001:db8::/32 1280\n"
	  "prefix fd00::/48 1380\n" },
	{ "mtu_limits", "default-mtu 68\nprefix 10.0.0.0/8 65535\nprefix ::/0 1280\n",
	  "default-mtu 68\nmtu-source map\nptb min-mtu 552 1280\nptb rate 1000\n"
	  "ptb forward off\nptb errors frag\nptb invalid pass\n"
	  "\nprefix 10.0.0.0/8 65535\nprefix ::/0 1280\n" },
	{ "rate_max", "ptb rate 4294967295\n",
	  "default-mtu none\nmtu-source map\nptb min-mtu 552 1280\nptb rate 4294967295\n"
	  "ptb forward off\nptb errors frag\nptb invalid pass\n" },
};

struct bad_case {
	const char *name;
	const char *in;
	unsigned int line;
	const char *words; /* must appear in the message */
};

static const struct bad_case bad_cases[] = {
	{ "unknown_keyword", "\n\nbogus 1\n", 3, "unknown keyword 'bogus'" },
	{ "missing_value", "default-mtu\n", 1, "expected 'default-mtu MTU|none'" },
	{ "extra_word", "mtu-source map pmtu\n", 1, "nothing after" },
	{ "mtu_low", "default-mtu 67\n", 1, "out of range (68-65535)" },
	{ "mtu_zero", "default-mtu 0\n", 1, "out of range" },
	{ "mtu_high", "default-mtu 65536\n", 1, "out of range" },
	{ "mtu_text", "default-mtu big\n", 1, "not a number" },
	{ "mtu_sign", "default-mtu +1400\n", 1, "not a number" },
	{ "mtu_hex", "default-mtu 0x578\n", 1, "not a number" },
	{ "mtu_huge", "default-mtu 99999999999999999999\n", 1, "out of range" },
	{ "source_word", "mtu-source route\n", 1, "unknown value 'route'" },
	{ "ptb_missing", "ptb\n", 1, "missing setting" },
	{ "ptb_unknown", "ptb mode fib\n", 1, "unknown setting 'mode'" },
	{ "min_mtu_v6", "ptb min-mtu 552 1279\n", 1, "IPv6 MTU '1279' out of range" },
	{ "min_mtu_one", "ptb min-mtu 552\n", 1, "expected 'ptb min-mtu V4 V6'" },
	{ "rate_zero", "ptb rate 0\n", 1, "out of range" },
	{ "forward_word", "ptb forward yes\n", 1, "unknown value 'yes'" },
	{ "errors_word", "ptb errors some\n", 1, "frag or all" },
	{ "invalid_word", "ptb invalid reject\n", 1, "pass or drop" },
	{ "dup_setting", "ptb rate 5\n# x\nptb rate 6\n", 3, "first set at line 1" },
	{ "dup_default", "default-mtu none\ndefault-mtu none\n", 2, "duplicate 'default-mtu'" },
	{ "prefix_bad", "prefix 10.0.0.0/33 1400\n", 1, "bad prefix '10.0.0.0/33'" },
	{ "prefix_host_bits", "prefix 10.0.0.1/8 1400\n", 1, "host bits" },
	{ "prefix_v6_mtu", "prefix fd00::/8 1279\n", 1, "IPv6 MTU '1279' out of range" },
	{ "prefix_no_mtu", "prefix 10.0.0.0/8\n", 1, "expected 'prefix PREFIX MTU'" },
	{ "prefix_dup", "prefix 10.0.0.0/8 1400\nprefix 10.0.0.0/8 1400\n", 2,
	  "duplicate prefix 10.0.0.0/8 (first at line 1)" },
	{ "prefix_dup_forms", "prefix 2001:db8::/32 1400\n\nprefix 2001:0db8:0::/32 1300\n", 3,
	  "first at line 1" },
	{ "prefix_dup_earliest",
	  "prefix 10.9.0.0/16 1400\nprefix 10.1.0.0/16 1400\nprefix 10.1.0.0/16 1400\n"
	  "prefix 10.9.0.0/16 1400\n", 3, "duplicate prefix 10.1.0.0/16" },
	{ "iface_no_brace", "iface eth0\n{\n}\n", 1, "the '{' on the same line" },
	{ "iface_no_name", "iface {\n}\n", 1, "'iface NAME {'" },
	{ "iface_two_names", "iface a b {\n}\n", 1, "'iface NAME {'" },
	{ "brace_other", "prefix {\n", 1, "opens only an interface block" },
	{ "iface_name_long", "iface abcdefghijklmnop {}\n", 1, "bad interface name" },
	{ "iface_name_slash", "iface a/b {}\n", 1, "bad interface name" },
	{ "iface_name_colon", "iface a:1 {}\n", 1, "bad interface name" },
	{ "iface_name_dot", "iface . {}\n", 1, "bad interface name" },
	{ "iface_dup", "iface a {}\n\niface a { mss off }\n", 3, "duplicate iface a (first at line 1)" },
	{ "iface_key", "iface a {\n  speed 10\n}\n", 2, "unknown key 'speed'" },
	{ "iface_share_both", "iface a {\n chain on\n root-array /r:1\n}\n", 3,
	  "chain and root-array exclude each other" },
	{ "iface_root_relative", "iface a { root-array r:1 }\n", 1, "root-array wants PATH:POS" },
	{ "iface_root_no_pos", "iface a { root-array /r }\n", 1, "root-array wants PATH:POS" },
	{ "iface_root_bad_pos", "iface a { root-array /r:x }\n", 1, "root-array wants PATH:POS" },
	{ "iface_key_dup", "iface a {\n mss on\n mss off\n}\n", 3, "duplicate 'mss' (first set at line 2)" },
	{ "iface_value", "iface a { egress maybe }\n", 1, "unknown value 'maybe'" },
	{ "iface_mode", "iface a { mode offload }\n", 1, "native or generic" },
	{ "iface_ptb_mode", "iface a { ptb-mode on }\n", 1, "fib, broadcast or off" },
	{ "iface_mtu", "iface a { mtu 67 }\n", 1, "out of range" },
	{ "iface_missing_value", "iface a { mtu }\n", 1, "expected 'mtu MTU|none'" },
	{ "iface_unclosed", "# x\niface a {\n mss on\n", 2, "never closed" },
	{ "iface_nested", "iface a {\niface b {\n}\n}\n", 2, "do not nest" },
	{ "stray_close", "default-mtu 1400 }\n", 1, "unexpected '}'" },
	{ "stray_close_alone", "\n}\n", 2, "unexpected '}'" },
	{ "control_char", "default-mtu 14\00100\n", 1, "invalid character 0x01" },
	{ "del_char", "ptb rate 1\177\n", 1, "invalid character 0x7f" },
	{ "too_many_words", "ptb min-mtu 1 2 3 4 5 6 7 8 9\n", 1, "too many words" },
};

/* Parse, write, compare; then parse the written text again. */
static bool good_case(const struct good_case *c, char *why, size_t n)
{
	struct mg_config cfg, again;
	char err[256], *text = NULL, *text2 = NULL;
	size_t len = 0, len2 = 0;
	FILE *f;
	bool ok = false;

	if (mg_config_parse(c->in, strlen(c->in), "t.conf", &cfg, err, sizeof(err))) {
		snprintf(why, n, "refused: %s", err);
		return false;
	}
	f = open_memstream(&text, &len);
	mg_config_write(f, &cfg);
	fclose(f);
	if (strcmp(text, c->out)) {
		snprintf(why, n, "wrote \"%.200s\"", text);
		goto out;
	}
	if (mg_config_parse(text, len, "again", &again, err, sizeof(err))) {
		snprintf(why, n, "own output refused: %s", err);
		goto out;
	}
	f = open_memstream(&text2, &len2);
	mg_config_write(f, &again);
	fclose(f);
	mg_config_free(&again);
	ok = !strcmp(text, text2);
	if (!ok)
		snprintf(why, n, "second round differs");
out:
	mg_config_free(&cfg);
	free(text);
	free(text2);
	return ok;
}

static bool bad_case(const struct bad_case *c, char *why, size_t n)
{
	struct mg_config cfg;
	char err[256], prefix[32];
	size_t len = strlen(c->in);
	int r;

	/* The control-character rows hold their byte in the literal. */
	r = mg_config_parse(c->in, len, "t.conf", &cfg, err, sizeof(err));
	if (r != -EINVAL) {
		snprintf(why, n, "returned %d, want -EINVAL", r);
		if (!r)
			mg_config_free(&cfg);
		return false;
	}
	snprintf(prefix, sizeof(prefix), "t.conf:%u: ", c->line);
	if (strncmp(err, prefix, strlen(prefix)) || !strstr(err, c->words) ||
	    strchr(err, '\n')) {
		snprintf(why, n, "message \"%s\", want \"%s...%s\"", err, prefix, c->words);
		return false;
	}
	if (cfg.ifaces || cfg.prefixes || cfg.n_ifaces || cfg.n_prefixes) {
		snprintf(why, n, "output not emptied");
		return false;
	}
	return true;
}

/* splitmix64 */
static __u64 rnd(__u64 *s)
{
	__u64 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static const char seed_conf[] =
	"# seed\ndefault-mtu 1400\nmtu-source pmtu\nptb min-mtu 600 1300\n"
	"ptb rate 100; ptb forward on\nptb errors all\nptb invalid drop\n"
	"iface eth0 {\n\tmode generic\n\tegress off\n\tmss on\n\tptb off\n"
	"\tptb-mode broadcast\n\tmtu 1450\n}\niface eth1 { ptb-mode fib }\n"
	"prefix 10.0.0.0/8 1400\nprefix fd00::/48 1380\nprefix 192.0.2.7 1300\n";

/* One mutated file: parsed and, if accepted, round-tripped. */
static bool mutant(const char *buf, size_t len, char *why, size_t n)
{
	struct mg_config cfg, again;
	char err[256], *text = NULL;
	size_t tlen = 0, lines = 1, i;
	unsigned int line;
	FILE *f;
	int r;

	for (i = 0; i < len; i++)
		lines += buf[i] == '\n';
	memset(err, 'x', sizeof(err));
	r = mg_config_parse(buf, len, "m", &cfg, err, sizeof(err));
	if (r) {
		if (r != -EINVAL || !memchr(err, '\0', sizeof(err)) ||
		    sscanf(err, "m:%u: ", &line) != 1 || line < 1 || line > lines ||
		    strlen(err) < 6) {
			snprintf(why, n, "refusal %d \"%.100s\"", r, err);
			return false;
		}
		return true;
	}
	f = open_memstream(&text, &tlen);
	mg_config_write(f, &cfg);
	fclose(f);
	mg_config_free(&cfg);
	r = mg_config_parse(text, tlen, "w", &again, err, sizeof(err));
	free(text);
	if (r) {
		snprintf(why, n, "accepted, but its output refused: %s", err);
		return false;
	}
	mg_config_free(&again);
	return true;
}

static bool mutations(char *why, size_t n, int *count)
{
	static const char inserts[] = "{};#\n \t\0\x01/:.0123456789-";
	size_t seed_len = sizeof(seed_conf) - 1;
	char buf[sizeof(seed_conf) + 64];
	__u64 s = 0x6d7475677561726dULL; /* fixed: reproducible */
	int i, k, edits;

	for (i = 0; i < 20000; i++) {
		size_t len = seed_len, pos;

		memcpy(buf, seed_conf, seed_len);
		edits = 1 + rnd(&s) % 4;
		for (k = 0; k < edits; k++) {
			pos = len ? rnd(&s) % len : 0;
			switch (rnd(&s) % 4) {
			case 0: /* flip a byte */
				if (len)
					buf[pos] = rnd(&s);
				break;
			case 1: /* insert a separator, digit or control byte */
				if (len + 1 < sizeof(buf)) {
					memmove(buf + pos + 1, buf + pos, len - pos);
					buf[pos] = inserts[rnd(&s) % (sizeof(inserts) - 1)];
					len++;
				}
				break;
			case 2: /* delete a byte */
				if (len) {
					memmove(buf + pos, buf + pos + 1, len - pos - 1);
					len--;
				}
				break;
			default: /* cut */
				len = pos;
			}
		}
		if (!mutant(buf, len, why, n)) {
			*count = i;
			return false;
		}
	}
	*count = i;
	return true;
}

/* Messages are cut to the buffer, always terminated; size 0 is allowed. */
static bool small_buffers(char *why, size_t n)
{
	static const char in[] = "default-mtu 1400\nprefix 10.0.0.1/8 1400\n";
	struct mg_config cfg;
	char err[16];
	size_t sz;

	for (sz = 1; sz <= sizeof(err); sz++) {
		memset(err, 'x', sizeof(err));
		if (mg_config_parse(in, sizeof(in) - 1, "file.conf", &cfg, err, sz) != -EINVAL ||
		    strnlen(err, sz) >= sz || (sz < sizeof(err) && err[sz] != 'x')) {
			snprintf(why, n, "errlen %zu overrun or unterminated", sz);
			return false;
		}
	}
	if (mg_config_parse(in, sizeof(in) - 1, "file.conf", &cfg, NULL, 0) != -EINVAL) {
		snprintf(why, n, "errlen 0 not refused");
		return false;
	}
	return true;
}

void config_tests_run(const char *filter, int *pass, int *fail)
{
	char name[128], why[512];
	int count = 0;
	bool ok;

	for (size_t i = 0; i < sizeof(good_cases) / sizeof(good_cases[0]); i++) {
		why[0] = '\0';
		ok = good_case(&good_cases[i], why, sizeof(why));
		snprintf(name, sizeof(name), "user/config/good/%s", good_cases[i].name);
		report_plain(name, ok, why, filter, pass, fail);
	}
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		why[0] = '\0';
		ok = bad_case(&bad_cases[i], why, sizeof(why));
		snprintf(name, sizeof(name), "user/config/bad/%s", bad_cases[i].name);
		report_plain(name, ok, why, filter, pass, fail);
	}
	if (!filter || strstr("user/config/mutations", filter)) {
		/* Short enough that "mutant N: " and all of it fit in why. */
		char mwhy[sizeof(why) - 64];

		why[0] = mwhy[0] = '\0';
		ok = mutations(mwhy, sizeof(mwhy), &count);
		if (!ok)
			snprintf(why, sizeof(why), "mutant %d: %s", count, mwhy);
		report_plain("user/config/mutations", ok, why, filter, pass, fail);
	}
	why[0] = '\0';
	ok = small_buffers(why, sizeof(why));
	report_plain("user/config/small_error_buffers", ok, why, filter, pass, fail);
}
