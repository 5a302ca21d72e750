/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * prometheus.h - `mtuguard stats --prometheus | --textfile PATH`: the Prometheus
 * text exposition format (version 0.0.4).
 *
 * What is there, and only that:
 *   mtuguard_up                    gauge, 1 if the datapath is loaded
 *   mtuguard_<counter>_total       counter, one per field of struct
 *                                  mtug_counters, summed over the CPUs
 *                                  (the global set, no labels)
 *   mtuguard_iface_<counter>_total{interface,ifindex,family="ipv4"|"ipv6"}
 *                                  counter, per attached interface and IP
 *                                  family (iface_counters), every counter
 *                                  but packets and parse_skipped, which the
 *                                  datapath keeps global only
 *   mtuguard_interface_info{interface,ifindex,xdp_mode,ptb_mode,mss,ptb,
 *                           egress} 1   per attached interface
 *   mtuguard_prefixes{family="ipv4"|"ipv6"}   gauge, prefixes in the maps
 *   mtuguard_default_mtu_bytes     gauge, 0 = none
 * Not attached: only mtuguard_up 0, so a textfile never keeps stale
 * counters.
 */
#ifndef MG_PROMETHEUS_H
#define MG_PROMETHEUS_H

#include <stdio.h>
#include <linux/types.h>

#include "mtuguard.h"
#include "counters.h"
#include "state.h"

/* The counters to export, summed over the CPUs. */
struct mg_prom_counters {
	const __u64 *totals;                    /* MTUG_NUM_COUNTERS, struct order */
	const struct mg_iface_counters *ifaces; /* per interface and family */
	int n_ifaces;
};

/* Write the exposition for st (NULL: not attached, c unused) with the
 * counters c.  Returns 0 or a negative errno (printed). */
int mg_prom_write(FILE *f, const struct mg_state *st,
		  const struct mg_prom_counters *c);

/* The same into path atomically: a temporary file next to it with a name
 * nobody can guess (mkstemp: PATH.XXXXXX), mode 0644, synced, then renamed
 * over path. */
int mg_prom_textfile(const char *path, const struct mg_state *st,
		     const struct mg_prom_counters *c);

#endif /* MG_PROMETHEUS_H */
