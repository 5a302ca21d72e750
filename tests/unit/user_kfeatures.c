// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * user_kfeatures.c - unit tests of user/lib/kfeatures.c: the table is whole
 * (a name, what it gives, a version, a probe per facility), the version
 * parser, the refusal line word for word, and each probe of the running
 * kernel against the version the table names: the kernels this project
 * tests on (Debian's packages, the host's) have each facility exactly from
 * that version on, so a probe that looks at the wrong thing shows here on
 * one of them (make test-kernels runs this suite on 5.10, 6.1 and 6.12).
 */
#include <stdio.h>
#include <string.h>

#include "../../user/lib/kfeatures.h"
#include "harness.h"

struct version_case {
	const char *in;
	int ok;
	unsigned int major, minor;
};

static const struct version_case version_cases[] = {
	{ "5.10.0-46-amd64", 1, 5, 10 },
	{ "6.1.0-57-amd64", 1, 6, 1 },
	{ "6.12.57+deb13-amd64", 1, 6, 12 },
	{ "6.18.44-fc-v1045", 1, 6, 18 },
	{ "7.0", 1, 7, 0 },
	{ "6", 0 },
	{ "", 0 },
	{ "unknown", 0 },
};

static bool at_least(const char *release, const char *since)
{
	unsigned int a, b, x, y;

	if (mg_kernel_version_parse(release, &a, &b) || mg_kernel_version_parse(since, &x, &y))
		return false;
	return a > x || (a == x && b >= y);
}

void kfeatures_tests_run(const char *filter, int *pass, int *fail)
{
	const char *rel = mg_kernel_release();
	char name[160], why[256], line[256];
	unsigned int major, minor;
	int f;

	for (size_t i = 0; i < sizeof(version_cases) / sizeof(version_cases[0]); i++) {
		const struct version_case *c = &version_cases[i];
		int err = mg_kernel_version_parse(c->in, &major, &minor);
		bool ok = c->ok ? !err && major == c->major && minor == c->minor : err != 0;

		snprintf(name, sizeof(name), "user/kernel_version(\"%s\")", c->in);
		snprintf(why, sizeof(why), "got %s %u.%u", err ? "error" : "", err ? 0 : major,
			 err ? 0 : minor);
		report_plain(name, ok, why, filter, pass, fail);
	}

	mg_kfeature_refusal(MG_KF_FIB_ROUTE_MTU, "mtu source pmtu", "5.10.0-46-amd64", line,
			    sizeof(line));
	report_plain("user/kfeature_refusal(fib_route_mtu)",
		     !strcmp(line, "mtu source pmtu needs kernel 5.11 or later (this kernel: "
				   "5.10.0-46-amd64)"),
		     line, filter, pass, fail);

	for (f = 0; f < MG_KF_NR; f++) {
		const struct mg_kfeature_info *k = mg_kfeature_info(f);
		bool want, got;

		snprintf(name, sizeof(name), "user/kfeature(%d: %s)", f, k && k->name ? k->name : "?");
		if (!k || !k->name || !k->gives || !k->since || !k->probe ||
		    mg_kernel_version_parse(k->since, &major, &minor)) {
			report_plain(name, false, "table entry incomplete", filter, pass, fail);
			continue;
		}
		want = at_least(rel, k->since);
		got = mg_kfeature(f);
		snprintf(name, sizeof(name), "user/kfeature(%s on %s)", k->name, rel);
		snprintf(why, sizeof(why), "probe says %s, the table's %s says %s", got ? "yes" : "no",
			 k->since, want ? "yes" : "no");
		report_plain(name, want == got, why, filter, pass, fail);
	}
	mg_kfeatures_line(line, sizeof(line));
	report_plain("user/kfeatures_line", strstr(line, "fib_route_mtu ") == line &&
		     strstr(line, ", v6_shards ") != NULL, line, filter, pass, fail);
}
