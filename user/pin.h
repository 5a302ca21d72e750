/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * pin.h - the pin directory: where it is, making sure it sits on a bpffs
 * that outlives this process, locking it, removing it.
 *
 * Layout under the pin directory (all names relative to it):
 *   mtu_v4 mtu_v6 iface_cfg global_cfg counters ptb_bucket   maps
 *   prog_xdp prog_tc_ingress prog_tc_egress                  programs
 *   links/xdp_<ifindex>                                      XDP bpf_links
 *   state_complete   empty dir: every map and program above is pinned
 *                    (made last by the first attach, removed first by the
 *                    last detach; see mg_state_settle() in state.h)
 *   mtuguard_mounted     empty dir: mtuguard mounted this bpffs itself
 */
#ifndef MG_PIN_H
#define MG_PIN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define MG_PIN_DIR_DEFAULT "/sys/fs/bpf/mtuguard"
#define MG_PIN_DIR_ENV     "MTUGUARD_PIN_DIR"
#define MG_PIN_LINKS       "links"
#define MG_PIN_OWN_MOUNT   "mtuguard_mounted" /* no dots: bpffs refuses them */
#define MG_PIN_COMPLETE    "state_complete"

/* What mg_pin_dir_prepare() did, so a failed attach can undo it. */
struct mg_pin_prep {
	bool mounted;          /* we mounted a bpffs on the pin dir */
	char created[PATH_MAX]; /* top-most directory we created, "" if none */
};

/* dir/name into buf; -ENAMETOOLONG if it does not fit (printed). */
int mg_pin_path(char *buf, size_t len, const char *dir, const char *name);

/* Normalise a --pin-dir value: absolute, no trailing slashes.  Returns a
 * usage error (printed) for a bad value. */
int mg_pin_dir_check(const char *in, char *out, size_t len);

/*
 * Make dir exist on a bpffs that survives this process.  If it is not on a
 * bpffs, create it and mount one there, unless this process runs in a mount
 * namespace other than PID 1's (as under `ip netns exec`): such a mount
 * vanishes when the process exits and silently takes the pinned XDP links
 * with it, so that case is refused with one error line.
 */
int mg_pin_dir_prepare(const char *dir, struct mg_pin_prep *prep);

/* Undo mg_pin_dir_prepare() (only what it did). */
void mg_pin_dir_undo(const char *dir, const struct mg_pin_prep *prep);

/* Remove the (empty) pin dir: unmount first if mtuguard mounted it.
 * Problems are warnings: the datapath is already gone by then. */
void mg_pin_dir_remove(const char *dir);

/* Exclusive lock on the pin dir for commands that change state; returns
 * an fd to close, or a negative errno (printed), or -EAGAIN (not printed)
 * if the directory was removed while we waited for the lock. */
int mg_pin_lock(const char *dir);

#endif /* MG_PIN_H */
