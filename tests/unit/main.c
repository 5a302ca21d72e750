// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * main.c - the unit test runner.
 *
 *   build/unit_tests [-v] [-D] [FILTER]
 *
 * Runs every fixture of every table through every program it names and
 * prints one line per case and program:
 *   PASS: <prog>/<fixture>      FAIL: <prog>/<fixture> (<why>)
 *   SKIP: <prog>/<fixture> (<why>)  (TC test_run refuses frames with a cut
 *                                    IP header, XDP still runs them; XDP
 *                                    cannot run multi-buffer frames on a
 *                                    kernel without multi-buffer XDP)
 * FILTER is a substring of "<prog>/<fixture>" (e.g. "xdp/", "v6_", "lpm").
 * -v hex dumps every case, not only the failing ones.  -D loads the
 * datapath as on kernels before 6.2: the fib paths do not read the
 * receiving device but use what the CLI recorded in iface_cfg (the
 * harness writes it as the CLI does).  Needs root.
 * Before the fixtures run the harness's own checks (selftest.c, names
 * selftest/...) and tests of the loader's pure helpers (user_helpers.c,
 * names user/...).
 *
 * Adding fixtures:
 *  - To an existing table: add an entry to its array (fixtures_mss.c).
 *    Build the input with struct pkt_spec (pktbuild.h), the map config with
 *    struct cfg_spec, the expectation with struct expect (harness.h).  The
 *    expected output is the input plus explicit edits (CLAMP_AT or an
 *    .edit function), never a run of the datapath.  .progs limits the
 *    programs (ON_XDP | ON_TC_INGRESS | ON_TC_EGRESS, 0 = all three);
 *    .exp_on[PROG_...] overrides .exp for one program (e.g. TC ingress
 *    standing back behind XDP, or PTB broadcast only in TC ingress).
 *  - Cases that need a real FIB, neighbours or devices (fib / broadcast
 *    mode) set .netns: they run in a private, anonymous network namespace
 *    the harness builds once (harness.h, netns.c).  .repeat runs test_run
 *    several times (rate limits); expect.xdp_meta checks the metadata XDP
 *    leaves in front of the frame (fixtures_ptb.c has examples of each).
 *  - A new table (e.g. fixtures_ptb.c): define a `const struct fixture_set`,
 *    declare it in harness.h next to mss_fixtures and list it in sets[]
 *    below.  The Makefile builds every .c file in tests/unit.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static const struct fixture_set *const sets[] = {
	&mss_fixtures,
	&ptb_fixtures,
	&jumbo_fixtures,
};

int main(int argc, char **argv)
{
	const char *filter = NULL;
	struct harness h;
	int pass = 0, fail = 0, skip = 0, opt;
	bool verbose = false;

	while ((opt = getopt(argc, argv, "vDh")) != -1) {
		switch (opt) {
		case 'v':
			verbose = true;
			break;
		case 'D':
			harness_no_dev_view = true;
			break;
		default:
			fprintf(stderr, "usage: %s [-v] [-D] [FILTER]\n", argv[0]);
			return 2;
		}
	}
	if (optind < argc)
		filter = argv[optind];

	setvbuf(stdout, NULL, _IOLBF, 0);
	selftests_run(filter, &pass, &fail);
	user_tests_run(filter, &pass, &fail);
	iface_fast_tests_run(filter, &pass, &fail);
	prefix_filter_tests_run(filter, &pass, &fail);
	v6_shards_tests_run(filter, &pass, &fail);
	kfeatures_tests_run(filter, &pass, &fail);
	config_tests_run(filter, &pass, &fail);
	maps_tests_run(filter, &pass, &fail);

	if (harness_open(&h)) {
		printf("FAIL: unit/setup (cannot load build/mtuguard.bpf.o; root needed)\n");
		return 1;
	}
	h.verbose = verbose;
	prefix_cache_tests_run(&h, filter, &pass, &fail);
	rp_cache_tests_run(&h, filter, &pass, &fail);

	for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
		for (size_t i = 0; i < sets[s]->n; i++) {
			const struct fixture *f = &sets[s]->f[i];
			unsigned progs = f->progs ? f->progs : ON_ALL;

			for (int p = 0; p < PROG__COUNT; p++) {
				char name[256];

				if (!(progs & (1u << p)))
					continue;
				snprintf(name, sizeof(name), "%s/%s", prog_name(p), f->name);
				if (filter && !strstr(name, filter))
					continue;
				switch (harness_case(&h, f, p)) {
				case CASE_PASS: pass++; break;
				case CASE_FAIL: fail++; break;
				case CASE_SKIP: skip++; break;
				}
			}
		}
	}
	harness_close(&h);
	printf("unit: %d passed, %d failed, %d skipped\n", pass, fail, skip);
	return fail ? 1 : 0;
}
