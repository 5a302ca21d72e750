// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* counters.c - see counters.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "config_maps.h"
#include "counters.h"
#include "netif.h"
#include "log.h"

const char *const mg_counter_names[] = {
#define MG_NAME(n) #n,
	MTUG_COUNTERS(MG_NAME)
#undef MG_NAME
};

static const size_t counter_offs[] = {
#define MG_OFF(n) offsetof(struct mtug_counters, n),
	MTUG_COUNTERS(MG_OFF)
#undef MG_OFF
};

_Static_assert(sizeof(counter_offs) / sizeof(counter_offs[0]) == MTUG_NUM_COUNTERS,
	       "MTUG_COUNTERS and struct mtug_counters disagree");

bool mg_counter_per_iface(size_t i)
{
	/* See include/mtuguard.h, iface_counters. */
	return counter_offs[i] != offsetof(struct mtug_counters, packets) &&
	       counter_offs[i] != offsetof(struct mtug_counters, parse_skipped);
}

__u64 mg_counter_cpu(const void *percpu, int cpu, size_t i)
{
	__u64 v;

	memcpy(&v, (const char *)percpu + (size_t)cpu * MG_CNT_CPU_SIZE +
			   counter_offs[i], sizeof(v));
	return v;
}

void mg_counters_sum(const void *percpu, int ncpu, __u64 *total)
{
	size_t i;
	int cpu;

	for (i = 0; i < MTUG_NUM_COUNTERS; i++) {
		total[i] = 0;
		for (cpu = 0; cpu < ncpu; cpu++)
			total[i] += mg_counter_cpu(percpu, cpu, i);
	}
}

const char *mg_family_row_name(enum mtug_family_row f)
{
	return f == MTUG_FAM_V6 ? "ipv6" : "ipv4";
}

/* A buffer for one per-CPU row (zeroed), or NULL (printed). */
static void *percpu_buf(int *ncpu)
{
	void *buf;

	*ncpu = libbpf_num_possible_cpus();
	if (*ncpu <= 0) {
		mg_err("cannot count the possible CPUs: %s", strerror(-*ncpu));
		return NULL;
	}
	buf = calloc(*ncpu, MG_CNT_CPU_SIZE);
	if (!buf)
		mg_err("out of memory");
	return buf;
}

int mg_iface_slot_find(const struct mg_state *st, __u32 *slot)
{
	static __u32 list[MTUG_IFACE_MAX_ENTRIES];
	static bool used[MTUG_IFACE_MAX_ENTRIES];
	struct mtug_iface_cfg c;
	int n, i;

	n = mg_iface_list(st, list, MTUG_IFACE_MAX_ENTRIES);
	if (n < 0)
		return n;
	memset(used, 0, sizeof(used));
	for (i = 0; i < n; i++)
		if (!mg_iface_get(st, list[i], &c) && c.slot < MTUG_IFACE_MAX_ENTRIES)
			used[c.slot] = true;
	for (i = 0; i < MTUG_IFACE_MAX_ENTRIES; i++) {
		if (!used[i]) {
			*slot = i;
			return 0;
		}
	}
	mg_err("no free counter slot (%d interfaces attached)", n);
	return -ENOSPC;
}

int mg_iface_slot_zero(const struct mg_state *st, __u32 slot)
{
	int fd = st->map[MG_MAP_IFACE_CNT], ncpu, err = 0;
	__u32 row;
	void *zero;

	zero = percpu_buf(&ncpu);
	if (!zero)
		return -ENOMEM;
	/* A per-CPU update writes every CPU's copy at once. */
	for (row = slot * 2; !err && row <= slot * 2 + MTUG_FAM_V6; row++) {
		if (bpf_map_update_elem(fd, &row, zero, BPF_ANY)) {
			err = -errno;
			mg_err("cannot zero %s[%u]: %s", mg_map_name(MG_MAP_IFACE_CNT), row,
			       strerror(errno));
		}
	}
	free(zero);
	return err;
}

/* Append the two rows of one attached interface to out. */
static int read_iface(const struct mg_state *st, const char *cmd, __u32 ifindex,
		      void *buf, int ncpu, struct mg_iface_counters *out, int *n)
{
	struct mg_iface_counters *r;
	struct mtug_iface_cfg c;
	int f;
	__u32 row;

	if (mg_iface_get(st, ifindex, &c))
		return 0; /* detached meanwhile */
	if (c.slot >= MTUG_IFACE_MAX_ENTRIES) {
		mg_dbg("%s: ifindex %u has no valid counter slot (%u)", cmd, ifindex,
		       c.slot);
		return 0;
	}
	for (f = MTUG_FAM_V4; f <= MTUG_FAM_V6; f++) {
		row = c.slot * 2 + f;
		if (bpf_map_lookup_elem(st->map[MG_MAP_IFACE_CNT], &row, buf)) {
			int err = -errno;

			mg_err("%s: cannot read %s[%u]: %s", cmd, mg_map_name(MG_MAP_IFACE_CNT),
			       row, strerror(errno));
			return err;
		}
		r = &out[(*n)++];
		memset(r, 0, sizeof(*r));
		r->ifindex = ifindex;
		mg_ifname(ifindex, r->name);
		r->family = f;
		mg_counters_sum(buf, ncpu, r->total);
	}
	return 0;
}

int mg_iface_counters_read(const struct mg_state *st, const char *cmd,
			   struct mg_iface_counters **out, int *n)
{
	static __u32 list[MTUG_IFACE_MAX_ENTRIES];
	int nif, i, ncpu, err = 0;
	void *buf;

	*out = NULL;
	*n = 0;
	nif = mg_iface_list(st, list, MTUG_IFACE_MAX_ENTRIES);
	if (nif < 0)
		return nif;
	buf = percpu_buf(&ncpu);
	*out = calloc(nif ? nif * 2 : 1, sizeof(**out));
	if (!buf || !*out) {
		err = -ENOMEM;
		if (buf)
			mg_err("%s: out of memory", cmd);
		goto out;
	}
	for (i = 0; !err && i < nif; i++)
		err = read_iface(st, cmd, list[i], buf, ncpu, *out, n);
out:
	free(buf);
	if (err) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return err;
}

int mg_iface_counters_reset(const struct mg_state *st)
{
	static __u32 list[MTUG_IFACE_MAX_ENTRIES];
	struct mtug_iface_cfg c;
	int n, i, err = 0;

	n = mg_iface_list(st, list, MTUG_IFACE_MAX_ENTRIES);
	if (n < 0)
		return n;
	for (i = 0; !err && i < n; i++)
		if (!mg_iface_get(st, list[i], &c) && c.slot < MTUG_IFACE_MAX_ENTRIES)
			err = mg_iface_slot_zero(st, c.slot);
	return err;
}
