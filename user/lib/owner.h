/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * owner.h - which network namespace a pin directory's state serves.
 *
 * The state keys interfaces by ifindex, and an ifindex means something
 * only in its own network namespace.  A pin directory is on a bpffs, which
 * belongs to a mount namespace: two network namespaces that share the
 * mounts (nsenter --net, systemd's NetworkNamespacePath=, a container with
 * the host's bpffs) would otherwise share one state, each reading the
 * other's interfaces as its own, down to detaching them.  So the state
 * records its namespace, as a directory netns_<cookie> beside its pins (a
 * bpffs holds only pins and directories), and a command from another
 * namespace is refused if it reads or writes interfaces.  Prefixes and
 * global settings mean the same everywhere, so `mtu add` and the like run
 * from any namespace (MG_STATE_ANY_NETNS).  The netns cookie is never
 * reused, unlike an inode number.  A state without the record (made before
 * it existed) is not checked.
 */
#ifndef MG_OWNER_H
#define MG_OWNER_H

#include <stdbool.h>

#define MG_PIN_OWNER_PREFIX "netns_"

/* Record this namespace as the owner of the state in dir, replacing any
 * record a killed first attach left. */
int mg_owner_record(const char *dir);

/* 0 if the state in dir is this namespace's (or has no record); else
 * prints one error and returns -EXDEV (or the errno, printed, of a pin
 * dir that cannot be read). */
int mg_owner_check(const char *dir);

/* 1 if dir holds a record: part of a state, if only the first part a
 * killed first attach made; 0 if not (or dir is not there); or a negative
 * errno (printed) if dir cannot be read. */
int mg_owner_recorded(const char *dir);

/* Remove the record (with the rest of the state). */
void mg_owner_remove(const char *dir);

#endif /* MG_OWNER_H */
