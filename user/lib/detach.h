/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * detach.h - removing what attach added, shared by `detach` and by the
 * rollback of a failed `attach`.
 */
#ifndef MG_DETACH_H
#define MG_DETACH_H

#include "mtuguard.h"
#include "state.h"

/*
 * Remove from ifindex what mtuguard added: the TC filters cfg->attach
 * records or that run our programs, the clsact qdisc only if we created
 * it, the pinned XDP link; then its iface_cfg entry.  Parts already gone
 * (an attach or detach killed part-way) count as removed.  On a partial
 * failure the entry stays, holding only the bits still to undo, so a
 * later detach can finish the job.
 */
int mg_detach_iface(const struct mg_state *st, __u32 ifindex,
		    struct mtug_iface_cfg *cfg);

#endif /* MG_DETACH_H */
