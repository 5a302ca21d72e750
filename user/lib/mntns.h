/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * mntns.h - does a mount made by this process outlive it?
 *
 * `ip netns exec` runs the command in a private mount namespace: a bpffs
 * mounted there, with the pins and pinned XDP links in it, vanishes when
 * the command exits.  We compare our mount namespace with a reference
 * process that outlives us: PID 1, or, where PID 1 cannot be inspected
 * (/proc/1/ns is not readable without CAP_SYS_PTRACE when PID 1 holds
 * capabilities we lack, as under some VM inits), the farthest ancestor we
 * can inspect.
 */
#ifndef MG_MNTNS_H
#define MG_MNTNS_H

#include <stdbool.h>

/* True if we share the reference process's mount namespace. */
bool mg_mntns_is_shared(void);

/* True if path names the same filesystem for the reference process as for
 * us (so a bpffs there is not private to our namespace). */
bool mg_mntns_path_shared(const char *path);

#endif /* MG_MNTNS_H */
