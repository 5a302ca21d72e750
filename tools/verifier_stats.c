// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * verifier_stats - load each program of mtuguard's BPF object on the
 * running kernel and print what the verifier says about it, one line per
 * program:
 *
 *   mtuguard_xdp: processed 4321 insns (limit 1000000) max_states_per_insn ...
 *   mtuguard_tc_ingress: FAILED (Permission denied): <the verifier's error>
 *
 * Usage: verifier_stats [-v|-vv] (-v: the whole verifier log of each
 *                               program; -vv: libbpf's debug messages too,
 *                               CO-RE relocations among them)
 * Exit status: 0 when every program loaded, 1 otherwise.
 *
 * Each program is loaded alone (a fresh object with only that program set
 * to autoload), so one program the kernel refuses does not hide the
 * figures of the others.  The object is first prepared for the running
 * kernel as every loader does (mg_datapath_prepare); a program that leaves
 * out of autoload is left out here too.  The log level is BPF_LOG_STATS
 * only: the verifier then logs its statistics and its error messages, not
 * every instruction.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "mtuguard.skel.h"
#include "mtuguard.h"
#include "root_next.skel.h"
#include "../user/lib/datapath.h"

#define LOG_STATS 4 /* BPF_LOG_STATS */
#define LOG_SIZE (1 << 20)

static char vlog[LOG_SIZE];

static int print_all(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return vfprintf(stderr, fmt, ap);
}

/* The verifier's verdict: the line before "processed ..." (its error on
 * failure), skipping the other statistics lines. */
static void error_line(const char *log, char *out, size_t n)
{
	const char *end = strstr(log, "processed ");
	const char *s, *e;

	if (!end)
		end = log + strlen(log);
	out[0] = '\0';
	e = end;
	while (e > log) {
		while (e > log && (e[-1] == '\n' || e[-1] == ' '))
			e--;
		s = e;
		while (s > log && s[-1] != '\n')
			s--;
		if (s == e)
			break;
		if (strncmp(s, "verification time", 17) && strncmp(s, "stack depth", 11) &&
		    strncmp(s, "-- END PROG LOAD LOG --", 23)) {
			snprintf(out, n, "%.*s", (int)(e - s), s);
			return;
		}
		e = s;
	}
}

/* The statistics line "processed N insns ...", without its newline. */
static void stats_line(const char *log, char *out, size_t n)
{
	const char *s = strstr(log, "processed ");
	size_t len;

	out[0] = '\0';
	if (!s)
		return;
	len = strcspn(s, "\n");
	snprintf(out, n, "%.*s", (int)len, s);
}

/* One program's line from its load's result and verifier log (vlog). */
static void report(const char *name, int err, int verbose)
{
	char stats[512], err_line[512];

	stats_line(vlog, stats, sizeof(stats));
	if (err) {
		error_line(vlog, err_line, sizeof(err_line));
		printf("%s: FAILED (%s): %s%s%s\n", name, strerror(-err),
		       err_line[0] ? err_line : "no verifier message",
		       stats[0] ? "; " : "", stats);
	} else {
		printf("%s: %s\n", name, stats[0] ? stats : "loaded, no statistics in the log");
	}
	if (verbose)
		printf("--- %s: verifier log\n%s--- end\n", name, vlog);
	fflush(stdout);
}

static int load_one(const char *name, int verbose)
{
	struct mtuguard_bpf *skel;
	struct bpf_program *prog, *me = NULL;
	int err;

	skel = mtuguard_bpf__open();
	if (!skel) {
		printf("%s: FAILED (cannot open the object: %s)\n", name, strerror(errno));
		return -1;
	}
	/* As the loader settles it for this kernel, then this program alone. */
	err = mg_datapath_prepare(skel);
	if (err) {
		printf("%s: FAILED (cannot prepare the object: %s)\n", name, strerror(-err));
		mtuguard_bpf__destroy(skel);
		return -1;
	}
	bpf_object__for_each_program(prog, skel->obj) {
		if (strcmp(bpf_program__name(prog), name)) {
			bpf_program__set_autoload(prog, false);
			continue;
		}
		me = prog;
	}
	if (!me) {
		printf("%s: FAILED (not in the object)\n", name);
		mtuguard_bpf__destroy(skel);
		return -1;
	}
	vlog[0] = '\0';
	bpf_program__set_log_level(me, LOG_STATS);
	bpf_program__set_log_buf(me, vlog, sizeof(vlog));
	err = mtuguard_bpf__load(skel);
	report(name, err, verbose);
	mtuguard_bpf__destroy(skel);
	return err ? -1 : 0;
}

/* The program that follows mtuguard in a root array (attach --root-array),
 * at its largest: every slot it may try, of the kind the datapath is. */
static int load_root_next(int verbose)
{
	const char *name = "mtuguard_root_next";
	struct root_next_bpf *skel;
	int err;

	skel = root_next_bpf__open();
	if (!skel) {
		printf("%s: FAILED (cannot open the object: %s)\n", name, strerror(errno));
		return -1;
	}
	skel->rodata->first_slot = 1;
	skel->rodata->n_slots = MTUG_ROOT_NEXT_MAX;
	err = bpf_map__set_max_entries(skel->maps.root_array, MTUG_ROOT_NEXT_MAX + 1);
	if (!err && mg_xdp_frags_supported())
		err = bpf_program__set_flags(skel->progs.mtuguard_root_next,
					     BPF_F_XDP_HAS_FRAGS);
	vlog[0] = '\0';
	if (!err)
		err = bpf_program__set_log_level(skel->progs.mtuguard_root_next, LOG_STATS) ?:
		      bpf_program__set_log_buf(skel->progs.mtuguard_root_next, vlog,
					       sizeof(vlog)) ?:
		      root_next_bpf__load(skel);
	report(name, err, verbose);
	root_next_bpf__destroy(skel);
	return err ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct mtuguard_bpf *skel;
	struct bpf_program *prog;
	char **names = NULL;
	int verbose = 0, n = 0, i, failed = 0;

	if (argc == 2 && !strcmp(argv[1], "-v")) {
		verbose = 1;
	} else if (argc == 2 && !strcmp(argv[1], "-vv")) {
		verbose = 2;
	} else if (argc != 1) {
		fprintf(stderr, "usage: verifier_stats [-v|-vv]\n");
		return 2;
	}
	if (!verbose)
		libbpf_set_print(NULL);
	else if (verbose > 1)
		libbpf_set_print(print_all);
	/* The program list, from the object as the loader opens it. */
	skel = mtuguard_bpf__open();
	if (!skel) {
		fprintf(stderr, "verifier_stats: cannot open the BPF object: %s\n",
			strerror(errno));
		return 1;
	}
	/* The programs the loader would load on this kernel. */
	if (mg_datapath_prepare(skel)) {
		fprintf(stderr, "verifier_stats: cannot prepare the BPF object\n");
		return 1;
	}
	bpf_object__for_each_program(prog, skel->obj) {
		if (!bpf_program__autoload(prog))
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		if (!names || !(names[n] = strdup(bpf_program__name(prog)))) {
			fprintf(stderr, "verifier_stats: out of memory\n");
			return 1;
		}
		n++;
	}
	mtuguard_bpf__destroy(skel);
	for (i = 0; i < n; i++) {
		if (load_one(names[i], verbose))
			failed = 1;
		free(names[i]);
	}
	free(names);
	if (load_root_next(verbose))
		failed = 1;
	return failed;
}
