/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * pin.h - the pin directory: where it is, making sure it sits on a bpffs
 * that outlives this process and that nobody but root can change, locking
 * it, removing it.
 *
 * Trust: whoever can write to the pin directory, or replace it, decides
 * what root's next command detaches, loads or leaves running.  So the pin
 * directory must be owned by root (or the user running mtuguard) and not
 * writable by group or others, and so must every directory above it that
 * is on a bpffs (where a user could otherwise put a directory of their own
 * in its place); a symlink on the way is followed only outside a bpffs and
 * only if root (or that user) owns it, and the pin directory itself is
 * never one.  Nothing under the pin directory is reached through a symlink
 * (mg_pin_entry()).  The CLI creates what it needs with mode 0700.
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

/* Create the directory NAME under the pin dir, root's alone (0700); an
 * existing one is fine.  One error line on failure. */
int mg_pin_mkdir(const char *dir, const char *name);

/* Pin the bpf_link fd at path; if that fails, detach the link (closing
 * the caller's last reference would not detach one already attached
 * elsewhere) and say so in one line.  The caller still closes fd. */
int mg_pin_link(int fd, const char *path);

/* Normalise a --pin-dir value: absolute, no trailing slashes.  Returns a
 * usage error (printed) for a bad value. */
int mg_pin_dir_check(const char *in, char *out, size_t len);

/*
 * Check dir and the path to it by the rules above.  0 with *exists telling
 * whether dir is there (a directory), or a negative errno (printed): a
 * rule broken, a path that cannot be examined (EACCES for a user who is
 * not root), dir not a directory, a dangling symlink on the way.
 */
int mg_pin_dir_verify(const char *dir, bool *exists);

/*
 * dir/name into path (len bytes), examined without following a symlink:
 * 1 if it is there, 0 if not, else a negative errno (printed), -ELOOP for
 * a symlink.  name may have a directory part ("links/xdp_3"): the
 * directory is examined first the same way.
 */
int mg_pin_entry(const char *dir, const char *name, char *path, size_t len);

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

/* Seconds mg_pin_lock() waits at most (--lock-timeout); 0: one try. */
#define MG_LOCK_TIMEOUT_DEFAULT 10
#define MG_LOCK_TIMEOUT_MAX     86400
void mg_pin_lock_timeout_set(unsigned int sec);

/*
 * Exclusive lock on the pin dir for commands that change state; returns
 * an fd to give to mg_pin_unlock(), or a negative errno (printed), or
 * -EAGAIN (not printed) if the directory was removed while we waited.
 * The wait is bounded (mg_pin_lock_timeout_set()); on timeout the message
 * names the process that holds the lock when /proc/locks tells.  While
 * the lock is held SIGINT, SIGTERM and SIGHUP are caught (sig.h).
 */
int mg_pin_lock(const char *dir);
void mg_pin_unlock(int fd);

#endif /* MG_PIN_H */
