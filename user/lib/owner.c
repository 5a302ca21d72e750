// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* owner.c - see owner.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "log.h"
#include "owner.h"
#include "pin.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71 /* Linux 5.14 */
#endif

/* This process's network namespace cookie: any socket's answers it. */
static int netns_cookie(uint64_t *cookie)
{
	socklen_t len = sizeof(*cookie);
	int fd, err = 0;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, cookie, &len))
		err = -errno;
	close(fd);
	return err;
}

/* The first record in dir (name and cookie) whose cookie is not
 * *except (any record when except is NULL): 1; 0 if there is none (or no
 * dir); a negative errno (printed) if dir cannot be read. */
static int find_record(const char *dir, const uint64_t *except,
		       char name[NAME_MAX + 1], uint64_t *cookie)
{
	const size_t plen = strlen(MG_PIN_OWNER_PREFIX);
	struct dirent *de;
	bool found = false;
	char *end;
	DIR *d;
	int fd, err;

	/* The pin dir is never a symlink (pin.h). */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		err = errno;
		if (fd >= 0)
			close(fd);
		if (err == ENOENT)
			return 0; /* no directory, no record */
		mg_err("cannot read %s: %s%s", dir, strerror(err),
		       (err == EACCES || err == EPERM) && geteuid() ?
			       " (run mtuguard as root)" : "");
		return -err;
	}
	while (!found && (de = readdir(d))) {
		if (strncmp(de->d_name, MG_PIN_OWNER_PREFIX, plen))
			continue;
		errno = 0;
		*cookie = strtoull(de->d_name + plen, &end, 10);
		if (errno || *end || end == de->d_name + plen)
			continue; /* not ours: left alone */
		found = !except || *cookie != *except;
		if (found)
			snprintf(name, NAME_MAX + 1, "%s", de->d_name);
	}
	closedir(d);
	return found;
}

int mg_owner_recorded(const char *dir)
{
	char name[NAME_MAX + 1];
	uint64_t cookie;

	return find_record(dir, NULL, name, &cookie);
}

void mg_owner_remove(const char *dir)
{
	char name[NAME_MAX + 1], path[PATH_MAX];
	uint64_t cookie;

	while (find_record(dir, NULL, name, &cookie) > 0 &&
	       !mg_pin_path(path, sizeof(path), dir, name) && !rmdir(path))
		;
}

int mg_owner_record(const char *dir)
{
	char name[64], path[PATH_MAX];
	uint64_t cookie;
	int err;

	mg_owner_remove(dir);
	err = netns_cookie(&cookie);
	if (err) {
		/* A kernel before 5.14: the state goes unrecorded, as one
		 * made before the record existed. */
		mg_dbg("no network namespace cookie (%s): state not recorded as "
		       "this namespace's", strerror(-err));
		return 0;
	}
	snprintf(name, sizeof(name), MG_PIN_OWNER_PREFIX "%" PRIu64, cookie);
	err = mg_pin_path(path, sizeof(path), dir, name);
	if (err)
		return err;
	if (mkdir(path, 0700)) {
		err = -errno;
		mg_err("cannot create %s: %s", path, strerror(errno));
	}
	return err;
}

int mg_owner_check(const char *dir)
{
	char name[NAME_MAX + 1];
	uint64_t here, cookie;
	int r;

	if (netns_cookie(&here))
		return 0; /* no cookies, so no records */
	r = find_record(dir, &here, name, &cookie);
	if (r <= 0)
		return r; /* ours, or unreadable (printed) */
	mg_err("%s holds the state of another network namespace (netns cookie "
	       "%" PRIu64 ", this one is %" PRIu64 "): run mtuguard in that "
	       "namespace, or give this one a pin directory of its own "
	       "(--pin-dir); if that namespace has been deleted, 'rm -r %s' "
	       "removes what it left", dir, cookie, here, dir);
	return -EXDEV;
}
