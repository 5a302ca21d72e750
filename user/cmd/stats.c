// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * stats.c - `mtuguard stats [--json] [--per-cpu] [--watch SECONDS] [--reset]`
 * and `mtuguard stats --prometheus | --textfile PATH` (lib/prometheus.c).
 *
 * The counters map is a PERCPU_ARRAY with one struct mtug_counters; a
 * lookup returns one copy per possible CPU, which we sum.  Beside that
 * global set, each attached interface has two rows (IPv4, IPv6) in
 * iface_counters with its events (counters.h): `--json` adds them as
 * "interfaces", the text output as a section after the global table.
 * `--per-cpu` and `--watch` show the global set only.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "mtuguard.h"
#include "args.h"
#include "cmd.h"
#include "counters.h"
#include "json.h"
#include "lifecycle.h"
#include "log.h"
#include "prometheus.h"
#include "state.h"

#define STATS_WATCH_MAX 86400


static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct snap {
	int ncpu;
	char *percpu;               /* ncpu slots */
	__u64 total[MTUG_NUM_COUNTERS];
	struct timespec at;
	struct mg_iface_counters *ifs; /* per interface and family (malloc'ed) */
	int nifs;
};

static __u64 slot_value(const struct snap *s, int cpu, size_t i)
{
	return mg_counter_cpu(s->percpu, cpu, i);
}

static int snap_read(int fd, struct snap *s)
{
	__u32 key = 0;

	if (bpf_map_lookup_elem(fd, &key, s->percpu)) {
		int err = -errno;

		mg_err("stats: cannot read %s: %s", mg_map_name(MG_MAP_COUNTERS), strerror(errno));
		return err;
	}
	clock_gettime(CLOCK_MONOTONIC, &s->at);
	mg_counters_sum(s->percpu, s->ncpu, s->total);
	return 0;
}

static void print_text(const struct snap *s, bool per_cpu)
{
	size_t i;
	int cpu;

	if (per_cpu) {
		printf("%-18s %s", "counter", "total");
		for (cpu = 0; cpu < s->ncpu; cpu++)
			printf(" cpu%d", cpu);
		putchar('\n');
	}
	for (i = 0; i < MTUG_NUM_COUNTERS; i++) {
		printf("%-18s %llu", mg_counter_names[i],
		       (unsigned long long)s->total[i]);
		for (cpu = 0; per_cpu && cpu < s->ncpu; cpu++)
			printf(" %llu", (unsigned long long)slot_value(s, cpu, i));
		putchar('\n');
	}
}

/* One line per interface and family with its non-zero counters. */
static void print_ifaces_text(const struct mg_iface_counters *ifs, int n)
{
	const char *sep;
	size_t i;
	int k;

	if (!n)
		return;
	printf("\nper interface (packets and parse_skipped are global only):\n");
	for (k = 0; k < n; k++) {
		printf("%s (ifindex %u) %s:", ifs[k].name, ifs[k].ifindex,
		       mg_family_row_name(ifs[k].family));
		sep = " ";
		for (i = 0; i < MTUG_NUM_COUNTERS; i++) {
			if (!mg_counter_per_iface(i) || !ifs[k].total[i])
				continue;
			printf("%s%s %llu", sep, mg_counter_names[i],
			       (unsigned long long)ifs[k].total[i]);
			sep = ", ";
		}
		printf("%s\n", *sep == ' ' ? " -" : "");
	}
}

/* "interfaces": one object per interface and family, the event counters. */
static void json_ifaces(struct mg_json *j, const struct mg_iface_counters *ifs,
			int n)
{
	size_t i;
	int k;

	mg_json_arr_begin(j, "interfaces");
	for (k = 0; k < n; k++) {
		mg_json_obj_begin(j, NULL);
		mg_json_str(j, "name", ifs[k].name);
		mg_json_u64(j, "ifindex", ifs[k].ifindex);
		mg_json_str(j, "family", mg_family_row_name(ifs[k].family));
		for (i = 0; i < MTUG_NUM_COUNTERS; i++)
			if (mg_counter_per_iface(i))
				mg_json_u64(j, mg_counter_names[i], ifs[k].total[i]);
		mg_json_obj_end(j);
	}
	mg_json_arr_end(j);
}

static void print_json(const struct snap *s, bool per_cpu,
		       const struct mg_iface_counters *ifs, int n)
{
	struct mg_json j;
	size_t i;
	int cpu;

	/* Keys are exactly the counter names; --per-cpu adds one array,
	 * the per-interface rows another. */
	mg_json_init(&j, stdout);
	mg_json_obj_begin(&j, NULL);
	for (i = 0; i < MTUG_NUM_COUNTERS; i++)
		mg_json_u64(&j, mg_counter_names[i], s->total[i]);
	if (per_cpu) {
		mg_json_arr_begin(&j, "per_cpu");
		for (cpu = 0; cpu < s->ncpu; cpu++) {
			mg_json_obj_begin(&j, NULL);
			mg_json_u64(&j, "cpu", cpu);
			for (i = 0; i < MTUG_NUM_COUNTERS; i++)
				mg_json_u64(&j, mg_counter_names[i], slot_value(s, cpu, i));
			mg_json_obj_end(&j);
		}
		mg_json_arr_end(&j);
	}
	json_ifaces(&j, ifs, n);
	mg_json_obj_end(&j);
}

static void print_rates(const struct snap *a, const struct snap *b, bool json)
{
	double dt = (b->at.tv_sec - a->at.tv_sec) +
		    (b->at.tv_nsec - a->at.tv_nsec) / 1e9;
	struct mg_json j;
	size_t i;

	if (dt <= 0)
		dt = 1;
	if (json) {
		/* One object per line, same keys, values per second. */
		mg_json_init(&j, stdout);
		mg_json_obj_begin(&j, NULL);
	} else {
		printf("--- per second over %.1f s\n", dt);
	}
	for (i = 0; i < MTUG_NUM_COUNTERS; i++) {
		/* A reset in between makes the delta negative: show 0. */
		double r = b->total[i] >= a->total[i] ?
				   (b->total[i] - a->total[i]) / dt : 0;

		if (json)
			mg_json_double(&j, mg_counter_names[i], r);
		else
			printf("%-18s %.1f\n", mg_counter_names[i], r);
	}
	if (json)
		mg_json_obj_end(&j);
	fflush(stdout);
}

/* Sleep up to sec seconds; false if a signal asked us to stop. */
static bool nap(unsigned int sec)
{
	struct timespec ts = { .tv_sec = sec };

	while (!stop && nanosleep(&ts, &ts) && errno == EINTR)
		;
	return !stop;
}

static int watch(int fd, struct snap *a, struct snap *b, unsigned int sec,
		 bool json)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct snap *t;
	int err;

	/* No SA_RESTART: the signal must cut the sleep short. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	err = snap_read(fd, a);
	while (!err && nap(sec)) {
		err = snap_read(fd, b);
		if (err)
			break;
		print_rates(a, b, json);
		t = a;
		a = b;
		b = t;
	}
	return err;
}

static int reset(const struct mg_state *st, int ncpu)
{
	__u32 key = 0;
	void *zero;
	int err = 0;

	zero = calloc(ncpu, MG_CNT_CPU_SIZE);
	if (!zero) {
		mg_err("stats: out of memory");
		return -ENOMEM;
	}
	/* A per-CPU update writes every CPU's copy at once. */
	if (bpf_map_update_elem(st->map[MG_MAP_COUNTERS], &key, zero, BPF_ANY)) {
		err = -errno;
		mg_err("stats: cannot reset %s: %s", mg_map_name(MG_MAP_COUNTERS), strerror(errno));
	}
	free(zero);
	return err ?: mg_iface_counters_reset(st);
}

/* --prometheus / --textfile: not attached is an answer (mtuguard_up 0),
 * not an error, so a textfile never keeps stale counters.  A state that
 * cannot be examined is an error: mtuguard_up 0 would be a lie. */
static int prometheus(const struct mg_ctx *ctx, const char *textfile,
		      struct mg_state *st, struct snap *a)
{
	struct mg_prom_counters c = { .totals = a->total };
	int err = mg_state_recover(ctx->pin_dir); /* leftovers: not attached */
	bool present;

	if (err >= 0)
		err = mg_state_find(ctx->pin_dir);
	if (err < 0)
		return err;
	present = err > 0;
	err = 0;
	if (present)
		err = mg_state_open(st, ctx->pin_dir, 0, -1);
	if (!err && present)
		err = snap_read(st->map[MG_MAP_COUNTERS], a);
	if (!err && present)
		err = mg_iface_counters_read(st, "stats", &a->ifs, &a->nifs);
	if (err)
		return err;
	c.ifaces = a->ifs;
	c.n_ifaces = a->nifs;
	if (textfile)
		return mg_prom_textfile(textfile, present ? st : NULL, &c);
	return mg_prom_write(stdout, present ? st : NULL, &c);
}

int mg_cmd_stats(const struct mg_ctx *ctx, int argc, char **argv)
{
	bool per_cpu = false, do_reset = false, prom = false;
	const char *watch_s = NULL, *textfile = NULL;
	const struct mg_opt opts[] = {
		{ "--per-cpu", NULL, &per_cpu },
		{ "--reset", NULL, &do_reset },
		{ "--watch", &watch_s, NULL },
		{ "--prometheus", NULL, &prom },
		{ "--textfile", &textfile, NULL },
		{ 0 },
	};
	struct snap a = {}, b = {};
	struct mg_state st;
	char *pos[argc + 1];
	__u32 sec = 0;
	int err, npos, ncpu;

	mg_state_init(&st);
	err = mg_opts_parse("stats", argc, argv, opts, pos, &npos);
	if (!err)
		err = mg_want_args("stats", pos, npos, 0, NULL);
	if (err)
		return err;
	if (watch_s) {
		err = mg_parse_u32(watch_s, 1, STATS_WATCH_MAX, &sec);
		if (err)
			return mg_usage_number("stats", "--watch interval", watch_s,
					       err, 1, STATS_WATCH_MAX);
		if (do_reset || per_cpu)
			return mg_usage("stats: --watch cannot be combined with "
					"--reset or --per-cpu");
	}
	if (prom && textfile)
		return mg_usage("stats: give --prometheus or --textfile PATH, not both");
	if ((prom || textfile) && (ctx->json || per_cpu || watch_s || do_reset))
		return mg_usage("stats: --%s cannot be combined with --json, "
				"--per-cpu, --watch or --reset",
				textfile ? "textfile" : "prometheus");

	ncpu = libbpf_num_possible_cpus();
	if (ncpu <= 0) {
		mg_err("stats: cannot count the possible CPUs: %s", strerror(-ncpu));
		return ncpu ?: -EINVAL;
	}
	a.ncpu = b.ncpu = ncpu;
	a.percpu = calloc(ncpu, MG_CNT_CPU_SIZE);
	b.percpu = calloc(ncpu, MG_CNT_CPU_SIZE);
	if (!a.percpu || !b.percpu) {
		mg_err("stats: out of memory");
		err = -ENOMEM;
		goto out;
	}
	if (prom || textfile) {
		err = prometheus(ctx, textfile, &st, &a);
		goto out;
	}
	/* --reset under the lock: two at once would both print the same
	 * counts, then both clear them. */
	err = do_reset ? mg_state_edit(&st, ctx->pin_dir, 0) :
			 mg_state_open(&st, ctx->pin_dir, 0, -1);
	if (err)
		goto out;
	if (sec) {
		err = watch(st.map[MG_MAP_COUNTERS], &a, &b, sec, ctx->json);
		goto out;
	}
	err = snap_read(st.map[MG_MAP_COUNTERS], &a);
	if (!err)
		err = mg_iface_counters_read(&st, "stats", &a.ifs, &a.nifs);
	if (err)
		goto out;
	/* With --reset: print what was there, then zero it (read-and-clear). */
	if (ctx->json) {
		print_json(&a, per_cpu, a.ifs, a.nifs);
	} else {
		print_text(&a, per_cpu);
		print_ifaces_text(a.ifs, a.nifs);
	}
	if (do_reset)
		err = reset(&st, ncpu);
out:
	mg_state_close(&st);
	free(a.percpu);
	free(b.percpu);
	free(a.ifs);
	return err;
}
