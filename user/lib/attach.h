/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * attach.h - attaching the programs to an interface, shared by `attach`
 * and `apply`.  Every step is recorded in the interface's iface_cfg entry
 * (the attach bits) as it succeeds, so mg_detach_iface() can undo exactly
 * what was done.
 */
#ifndef MG_ATTACH_H
#define MG_ATTACH_H

#include <stdbool.h>
#include <stddef.h>

#include "mtuguard.h"
#include "state.h"

struct mg_share_req;

/*
 * Attach XDP (generic or native) and the TC filters (ingress if the PTB
 * mode needs it, egress if asked) to ifindex, which must not be attached
 * yet.  cfg gives the initial features, MTU and PTB mode; its attach
 * bookkeeping and its counter slot (the lowest free one, its rows zeroed)
 * are filled in.  The entry goes in first and records each step before it
 * is taken (see attach.c), so the datapath sees its settings from the
 * first packet and a kill at any point leaves what mg_attach_missing()
 * and mg_detach_iface() understand.  On failure what was done is undone
 * (errors printed).
 */
int mg_attach_iface(const struct mg_state *st, __u32 ifindex, bool generic,
		    bool egress, const struct mg_share_req *share,
		    struct mtug_iface_cfg *cfg);

/* The parts old->attach records (or every attach adds) that are not live
 * on ifindex: attach bits, 0 if none (a whole attach). */
__u32 mg_attach_missing(const struct mg_state *st, __u32 ifindex,
			const struct mtug_iface_cfg *old);
/* Those bits as words: "xdp, tc ingress+egress". */
void mg_attach_missing_str(__u32 missing, char *buf, size_t len);

/* Redo an interrupted attach: remove what of it is there, attach anew
 * with these arguments, keeping old's settings and counter slot. */
int mg_attach_redo(const struct mg_state *st, __u32 ifindex, bool generic,
		   bool egress, const struct mg_share_req *share,
		   const struct mtug_iface_cfg *old);

/* Re-attach the XDP program of an attached interface in another mode
 * (the TC filters stay).  If the new mode fails, the old one is restored. */
int mg_attach_xdp_mode(const struct mg_state *st, __u32 ifindex,
		       struct mtug_iface_cfg *cfg, bool generic);

/* Add or remove the TC egress filter of an attached interface. */
int mg_attach_egress(const struct mg_state *st, __u32 ifindex,
		     struct mtug_iface_cfg *cfg, bool on);

/* Whether cfg's interface needs the TC ingress filter: PTB mode fib or
 * broadcast (or no XDP). */
bool mg_attach_needs_ingress(const struct mtug_iface_cfg *cfg);

/* Write cfg (new settings of an attached interface), adding the TC
 * ingress filter if they need it and removing it if not (with the clsact
 * qdisc mtuguard made, once no filter of ours is left on it). */
int mg_attach_ingress_sync(const struct mg_state *st, __u32 ifindex,
			   struct mtug_iface_cfg *cfg);

/* Put an attached interface's settings (features, PTB mode, MTU) back to
 * old's in cfg, its current entry, and sync the TC ingress filter to
 * them; the attach bookkeeping in cfg stays as the steps since left it.
 * Opened without the programs (enable, disable), a command cannot have
 * added or removed a filter: then only the entry is written.  The undo
 * of apply and of the per-interface commands. */
int mg_attach_settings_restore(const struct mg_state *st, __u32 ifindex,
			       struct mtug_iface_cfg *cfg,
			       const struct mtug_iface_cfg *old);

/* 0 and the program id if our TC program is on ifindex in one direction
 * (a TCX link or a clsact filter, as the attach bits record), -ENOENT if
 * not, or another negative errno. */
int mg_tc_query(const char *dir, __u32 ifindex, __u32 attach, bool ingress,
		__u32 *prog_id);

/* The TC filters of attach bits as words: "tc ingress+egress", "tc
 * egress", "tc ingress", "no tc". */
const char *mg_attach_tc_str(__u32 attach);

#endif /* MG_ATTACH_H */
