/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * lifecycle.h - a pin directory's state from its first attach to its last
 * detach: made (the BPF object loaded and pinned), opened to be changed
 * and repaired, rid of what an interrupted command left, taken down.
 * state.h only finds and opens what is there.
 *
 * Crash safety: the first attach pins every map and program, THEN makes
 * the marker <pin-dir>/state_complete, and only then attaches anything;
 * the last detach removes the marker first, then the pins.  So pins
 * without the marker are always the leftovers of a first attach (or a
 * last detach) killed part-way, with nothing attached through them: the
 * next command that finds them and may change the state removes them
 * under the pin dir lock (mg_state_settle) and goes on as if there were
 * no state.
 */
#ifndef MG_LIFECYCLE_H
#define MG_LIFECYCLE_H

#include <stdbool.h>

#include "state.h"

/*
 * With the pin dir lock held: make an incomplete state whole or remove
 * it.  Every pin there without the marker (a build before the marker) is
 * adopted: 0.  Only some: every pin, the links and the pin dir are
 * removed: 1 (nothing printed).  Complete or absent: 0.  Or a negative
 * errno (printed).
 */
int mg_state_settle(const char *dir);

/* mg_state_settle() for a command that holds no lock: takes it, and
 * prints "removed the leftovers of an interrupted attach in DIR" when it
 * removed some.  Returns the same; a pin dir that cannot be examined is an
 * error (printed). */
int mg_state_recover(const char *dir);

/* Repair what a command killed midway left behind, with the pin dir lock
 * held (st opened with it): iface_fast brought in line with iface_cfg, and
 * the datapath's copies of the prefixes rebuilt if a prefix change stopped
 * half-way (mg_prefix_copy_sync).  Errors printed. */
int mg_state_repair(const struct mg_state *st);

/*
 * Open the state of dir for a command that changes it: the leftovers of an
 * interrupted attach removed (then "not attached (removed the leftovers
 * ...)" and -ENOENT), the state opened under the pin dir lock with
 * flags | MG_STATE_LOCK (mg_state_open), then repaired (mg_state_repair).
 * Close it with mg_state_close().
 */
int mg_state_edit(struct mg_state *st, const char *dir, unsigned int flags);

/* Load the BPF object and pin its maps and programs in dir (first
 * attach).  Pins that already exist are reused, not replaced. */
int mg_state_create(const char *dir);

/*
 * The XDP program of a shared hook (mtuguard_xdp_chain, share.h) and the
 * program array it goes on through: loaded on first need with the state's
 * maps, multi-buffer (frags) or not.  Of the kind of the state's XDP
 * program: pinned as prog_xdp_chain, with the state's xdp_chain.  Single-
 * buffer where the state's is multi-buffer (a shared hook whose other
 * program is single-buffer): prog_xdp_chain_sb, with a chain array of its
 * own, xdp_chain_sb (a program array takes the kind of the first program
 * that uses it).  Its fds into *prog_fd and
 * *chain_fd (close them), or a negative errno (printed).  With create
 * false, -ENOENT (not printed) if it is not there.
 */
#define MG_PIN_PROG_XDP_CHAIN    "prog_xdp_chain"
#define MG_PIN_PROG_XDP_CHAIN_SB "prog_xdp_chain_sb"
#define MG_PIN_CHAIN_SB          "xdp_chain_sb"
int mg_state_xdp_chain(const char *dir, bool frags, bool create, int *prog_fd,
		       int *chain_fd);

/*
 * Make sure the pin dir and the state in it exist (the first attach loads
 * and pins the BPF object), and open it with its programs, holding the pin
 * dir lock, repaired.  Release it with mg_state_release(), which also
 * removes state that ends up with no interface.
 */
int mg_state_acquire(const char *dir, struct mg_state *st);

/*
 * With no interface left, unpin every map and program and remove the pin
 * directory (unmounting a bpffs mtuguard mounted).  Closes st either way.
 * Returns 1 if it tore the state down, 0 if interfaces remain.
 */
int mg_state_release(struct mg_state *st);

/* Remove the marker, then unpin every map and program, any XDP link left
 * (detached) and the links dir (last detach, a failed first attach, or
 * leftovers).  Best effort. */
void mg_state_unpin_all(const char *dir);

#endif /* MG_LIFECYCLE_H */
