// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* mntns.c - see mntns.h. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "log.h"
#include "mntns.h"

/* Since 6.18 the initial namespaces have fixed inode numbers (uapi
 * linux/nsfs.h); dynamic ones start at 0xF0000000, so this one can only
 * be the initial mount namespace. */
#define MG_MNT_NS_INIT_INO 0xEFFFFFF8U

static int ns_of(pid_t pid, struct stat *st)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	return stat(path, st);
}

static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	int ppid = 0;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* "pid (comm) state ppid ...": comm may hold spaces and parens. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
		return 0;
	return ppid;
}

/* PID 1 if inspectable, else the farthest ancestor that is; 0 if none. */
static pid_t reference(void)
{
	struct stat st;
	pid_t pid, best = 0;

	if (ns_of(1, &st) == 0)
		return 1;
	for (pid = getppid(); pid > 1; pid = parent_of(pid)) {
		if (ns_of(pid, &st))
			break;
		best = pid;
	}
	return best;
}

bool mg_mntns_is_shared(void)
{
	struct stat self, ref;
	pid_t pid;

	if (ns_of(getpid(), &self))
		return false;
	if (self.st_ino == MG_MNT_NS_INIT_INO)
		return true;
	pid = reference();
	if (!pid) {
		/* Nothing to compare with and nothing suggests a private
		 * namespace either. */
		mg_dbg("cannot inspect any ancestor's mount namespace");
		return true;
	}
	if (ns_of(pid, &ref))
		return false;
	mg_dbg("mount namespace: ours %lu, pid %d's %lu",
	       (unsigned long)self.st_ino, (int)pid, (unsigned long)ref.st_ino);
	return self.st_dev == ref.st_dev && self.st_ino == ref.st_ino;
}

bool mg_mntns_path_shared(const char *path)
{
	char there[PATH_MAX + 32];
	struct stat a, b;
	pid_t pid;

	if (mg_mntns_is_shared())
		return true;
	pid = reference();
	if (!pid)
		return true;
	snprintf(there, sizeof(there), "/proc/%d/root%s", (int)pid, path);
	if (stat(path, &a) || stat(there, &b))
		return false;
	return a.st_dev == b.st_dev;
}
