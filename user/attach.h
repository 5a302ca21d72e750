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

#include "mtuguard.h"
#include "state.h"

/*
 * Make sure the pin dir and the state in it exist (the first attach loads
 * and pins the BPF object), and open it with its programs, holding the pin
 * dir lock.  Release it with mg_state_release(), which also removes state
 * that ends up with no interface.
 */
int mg_state_acquire(const char *dir, struct mg_state *st);

/*
 * Attach XDP (generic or native) and the TC filters (ingress, and egress
 * if asked) to ifindex, which must not be attached yet.  cfg gives the
 * initial features, MTU and PTB mode; its attach bookkeeping and its
 * counter slot (the lowest free one, its rows zeroed) are filled in.
 * The entry goes in first, so the datapath sees its settings from the
 * first packet.  On failure what was done is undone (errors printed).
 */
int mg_attach_iface(const struct mg_state *st, __u32 ifindex, bool generic,
		    bool egress, struct mtug_iface_cfg *cfg);

/* Re-attach the XDP program of an attached interface in another mode
 * (the TC filters stay).  If the new mode fails, the old one is restored. */
int mg_attach_xdp_mode(const struct mg_state *st, __u32 ifindex,
		       struct mtug_iface_cfg *cfg, bool generic);

/* Add or remove the TC egress filter of an attached interface. */
int mg_attach_egress(const struct mg_state *st, __u32 ifindex,
		     struct mtug_iface_cfg *cfg, bool on);

#endif /* MG_ATTACH_H */
