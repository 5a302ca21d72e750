/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * counters.h - the datapath's per-CPU counter maps, as userspace sees them:
 *
 *   counters        PERCPU_ARRAY, one struct mtug_counters: the global set
 *   iface_counters  PERCPU_ARRAY, row slot * 2 + MTUG_FAM_V4 / MTUG_FAM_V6:
 *                   the events of one interface and IP family, where slot
 *                   is the interface's iface_cfg.slot (assigned at attach)
 *
 * A lookup of a per-CPU map returns one copy per possible CPU, each in an
 * 8-byte aligned slot of MG_CNT_CPU_SIZE bytes.  Names and offsets come
 * from the MTUG_COUNTERS X-macro, never listed by hand.
 */
#ifndef MG_COUNTERS_H
#define MG_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <net/if.h>
#include <linux/types.h>

#include "mtuguard.h"
#include "state.h"

#define MG_CNT_CPU_SIZE ((sizeof(struct mtug_counters) + 7) & ~(size_t)7)

/* Counter names in struct order, MTUG_NUM_COUNTERS of them. */
extern const char *const mg_counter_names[];

/* False for the counters the datapath keeps global only (packets,
 * parse_skipped): their per-interface rows are always 0. */
bool mg_counter_per_iface(size_t i);

/* Counter i of CPU cpu's copy in a per-CPU lookup buffer. */
__u64 mg_counter_cpu(const void *percpu, int cpu, size_t i);

/* Sum a per-CPU lookup buffer of ncpu copies into total[MTUG_NUM_COUNTERS]. */
void mg_counters_sum(const void *percpu, int ncpu, __u64 *total);

/* "ipv4" or "ipv6". */
const char *mg_family_row_name(enum mtug_family_row f);

/* One interface and family, summed over the CPUs. */
struct mg_iface_counters {
	__u32 ifindex;
	char name[IF_NAMESIZE]; /* "if<N>" when the device is gone */
	enum mtug_family_row family;
	__u64 total[MTUG_NUM_COUNTERS];
};

/*
 * The lowest slot (0..MTUG_IFACE_MAX_ENTRIES-1) no iface_cfg entry uses.
 * Call with the pin dir lock held.  0, or a negative errno (printed).
 */
int mg_iface_slot_find(const struct mg_state *st, __u32 *slot);

/* Zero both rows of slot on every CPU.  0 or a negative errno (printed). */
int mg_iface_slot_zero(const struct mg_state *st, __u32 slot);

/*
 * The rows of every attached interface, ifindex ascending, IPv4 then IPv6:
 * a malloc'ed *out of *n entries (free it).  0 or a negative errno
 * (printed, prefixed with cmd).
 */
int mg_iface_counters_read(const struct mg_state *st, const char *cmd,
			   struct mg_iface_counters **out, int *n);

/* Zero the rows of every attached interface.  0 or a negative errno. */
int mg_iface_counters_reset(const struct mg_state *st);

#endif /* MG_COUNTERS_H */
