// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* detach.c - see detach.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config_maps.h"
#include "detach.h"
#include "netif.h"
#include "share.h"
#include "tc.h"
#include "xdp.h"

/* Our filter in one direction: removed if cfg records it, or if it is
 * there and runs our program (cfg may lag behind after a kill).  A filter
 * that is gone already counts as removed. */
static int drop_filter(const struct mg_state *st, __u32 ifindex,
		       struct mtug_iface_cfg *cfg, bool ingress)
{
	__u32 bit = ingress ? MTUG_A_TC_INGRESS : MTUG_A_TC_EGRESS;
	enum mg_prog_id p = ingress ? MG_PROG_TC_INGRESS : MG_PROG_TC_EGRESS;
	__u32 id = 0, live;
	int err;

	/* A pinned TCX link is ours whatever the bits say. */
	err = mg_tcx_detach(st->dir, ifindex, ingress);
	if (err)
		return err;
	if (cfg->attach & MTUG_A_TCX) {
		cfg->attach &= ~bit;
		return 0;
	}
	if (st->prog[p] >= 0)
		mg_obj_id(st->prog[p], &id);
	if (!(cfg->attach & bit) &&
	    (!id || mg_tc_filter_query(ifindex, ingress, MG_TC_PRIO, &live) ||
	     live != id))
		return 0;
	err = mg_tc_filter_del(ifindex, ingress, cfg->tc_prio ?: MG_TC_PRIO, id);
	if (!err)
		cfg->attach &= ~bit;
	return err;
}

int mg_detach_iface(const struct mg_state *st, __u32 ifindex,
		    struct mtug_iface_cfg *cfg)
{
	const __u32 tc_bits = MTUG_A_TC_INGRESS | MTUG_A_TC_EGRESS;
	char name[IF_NAMESIZE];
	bool gone = mg_ifname(ifindex, name) == -ENODEV;
	int err = 0, e;

	/* When the device went away the kernel dropped its qdisc and
	 * filters, and the XDP link only needs unpinning. */
	if (gone) {
		err = mg_tcx_detach(st->dir, ifindex, true);
		e = mg_tcx_detach(st->dir, ifindex, false);
		err = err ?: e;
		if (!err)
			cfg->attach &= ~(tc_bits | MTUG_A_OWN_CLSACT);
	} else {
		err = drop_filter(st, ifindex, cfg, true);
		e = drop_filter(st, ifindex, cfg, false);
		err = err ?: e;
	}
	/* Only after our filters are off it, and only if we made it. */
	if ((cfg->attach & MTUG_A_OWN_CLSACT) && !(cfg->attach & tc_bits)) {
		e = mg_tc_clsact_destroy(ifindex);
		if (!e)
			cfg->attach &= ~MTUG_A_OWN_CLSACT;
		err = err ?: e;
	}
	/* A shared hook first (the other owner's program back on it, our
	 * program out of the root array), whatever the bits say: its pins
	 * tell.  Then, the same way, our own link. */
	e = mg_share_detach(st, ifindex, cfg);
	if (!e)
		cfg->attach &= ~(MTUG_A_CHAIN | MTUG_A_ROOT);
	err = err ?: e;
	e = e ?: mg_xdp_detach(st->dir, ifindex);
	if (!e && !(cfg->attach & (MTUG_A_CHAIN | MTUG_A_ROOT)))
		cfg->attach &= ~(MTUG_A_XDP_NATIVE | MTUG_A_XDP_GENERIC);
	err = err ?: e;
	if (!(cfg->attach & tc_bits)) {
		cfg->tc_prio = 0;
		cfg->attach &= ~MTUG_A_TCX;
	}
	if (cfg->attach) {
		/* Keep what is left to undo for the next try. */
		mg_iface_put(st, ifindex, cfg, BPF_ANY);
		return err;
	}
	e = mg_iface_del(st, ifindex);
	return err ?: e;
}
