// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* pin.c - see pin.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "log.h"
#include "mntns.h"
#include "pin.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

int mg_pin_path(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= len) {
		mg_err("path too long: %s/%s", dir, name);
		return -ENAMETOOLONG;
	}
	return 0;
}

/* Whether path has a "." or ".." component. */
static bool has_dot_part(const char *path)
{
	const char *p = path;

	while ((p = strchr(p, '/'))) {
		p++;
		if (p[0] == '.' && (p[1] == '/' || !p[1] ||
				    (p[1] == '.' && (p[2] == '/' || !p[2]))))
			return true;
	}
	return false;
}

int mg_pin_dir_check(const char *in, char *out, size_t len)
{
	size_t i, n = 0;

	if (in[0] != '/')
		return mg_usage("pin directory '%s' must be an absolute path", in);
	/* One spelling per directory: the last detach removes the directory
	 * by this name, which "X/." would defeat, and "a/../b" would hide
	 * where the state really is. */
	if (has_dot_part(in))
		return mg_usage("pin directory '%s' must not contain '.' or '..' "
				"components", in);
	/* Leave room for the longest name we put below it. */
	if (strlen(in) + 64 >= len)
		return mg_usage("pin directory '%s' is too long", in);
	for (i = 0; in[i]; i++) /* "//" is "/" */
		if (in[i] != '/' || !n || out[n - 1] != '/')
			out[n++] = in[i];
	while (n > 1 && out[n - 1] == '/')
		n--;
	out[n] = '\0';
	return 0;
}

static bool is_bpffs(const char *path)
{
	struct statfs sfs;

	return statfs(path, &sfs) == 0 && sfs.f_type == BPF_FS_MAGIC;
}

static int refuse_private(const char *dir, bool need_mount)
{
	mg_err("%s %s, and a bpffs mounted from this private mount namespace "
	       "(ip netns exec?) vanishes when mtuguard exits, detaching "
	       "everything: mount a bpffs on a shared path on the host "
	       "(mount -t bpf bpf DIR) and pass --pin-dir DIR/...",
	       dir, need_mount ? "is not on a bpffs" :
				 "is on a bpffs private to this mount namespace");
	return -EPERM;
}

/* Whether dir has no entry but "." and ".." (false if unreadable). */
static bool dir_empty(const char *dir)
{
	struct dirent *de;
	bool empty = true;
	DIR *d = opendir(dir);

	if (!d)
		return false;
	while (empty && (de = readdir(d)))
		empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
	closedir(d);
	return empty;
}

/* Deepest existing ancestor of dir into anc. */
static void existing_ancestor(const char *dir, char *anc, size_t len)
{
	struct stat st;
	char *slash;

	snprintf(anc, len, "%s", dir);
	while (stat(anc, &st) != 0) {
		slash = strrchr(anc, '/');
		if (!slash || slash == anc) {
			snprintf(anc, len, "/");
			return;
		}
		*slash = '\0';
	}
}

/* mkdir -p, recording the top-most directory created. */
static int mkdir_p(const char *dir, char *created, size_t len)
{
	char path[PATH_MAX];
	char *p;

	snprintf(path, sizeof(path), "%s", dir);
	for (p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(path, 0700) == 0) {
			if (!created[0])
				snprintf(created, len, "%s", path);
		} else if (errno != EEXIST) {
			int err = -errno;
			const char *base = strrchr(path, '/');

			/* bpffs refuses names with a dot: say so, EPERM alone
			 * is a puzzle for root. */
			mg_err("cannot create %s: %s%s", path, strerror(-err),
			       err == -EPERM && base && strchr(base, '.') ?
				       " (a bpffs allows no '.' in names)" : "");
			return err;
		}
		*p = c;
		if (!c)
			return 0;
	}
}

/* rmdir dir and its parents up to and including top. */
static void rmdir_up_to(const char *dir, const char *top)
{
	char path[PATH_MAX];
	char *slash;

	snprintf(path, sizeof(path), "%s", dir);
	for (;;) {
		if (rmdir(path))
			return;
		if (!strcmp(path, top))
			return;
		slash = strrchr(path, '/');
		if (!slash || slash == path)
			return;
		*slash = '\0';
	}
}

int mg_pin_dir_prepare(const char *dir, struct mg_pin_prep *prep)
{
	char anc[PATH_MAX], marker[PATH_MAX];
	struct stat st;
	int err;

	memset(prep, 0, sizeof(*prep));
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			mg_err("pin directory %s is not a directory", dir);
			return -ENOTDIR;
		}
		if (is_bpffs(dir))
			return mg_mntns_path_shared(dir) ? 0 : refuse_private(dir, false);
		if (!dir_empty(dir)) {
			mg_err("pin directory %s is not on a bpffs and not empty: a "
			       "bpffs mounted there would hide what it holds; give a "
			       "new or empty directory, or one on a bpffs", dir);
			return -ENOTEMPTY;
		}
	} else {
		existing_ancestor(dir, anc, sizeof(anc));
		if (is_bpffs(anc)) {
			if (!mg_mntns_path_shared(anc))
				return refuse_private(dir, false);
			return mkdir_p(dir, prep->created, sizeof(prep->created));
		}
	}

	/* Not on a bpffs: mount one, but only where it outlives us.  Checked
	 * before anything is created, so a refusal leaves no trace. */
	if (!mg_mntns_is_shared())
		return refuse_private(dir, true);
	err = mkdir_p(dir, prep->created, sizeof(prep->created));
	if (err)
		goto fail;
	if (mount("bpf", dir, "bpf", 0, "mode=0700")) {
		err = -errno;
		mg_err("cannot mount a bpffs on %s: %s", dir, strerror(errno));
		goto fail;
	}
	prep->mounted = true;
	/* Remember across processes that this mount is ours to undo. */
	err = mg_pin_path(marker, sizeof(marker), dir, MG_PIN_OWN_MOUNT);
	if (!err && mkdir(marker, 0700)) {
		err = -errno;
		mg_err("cannot create %s: %s", marker, strerror(errno));
	}
	if (err)
		goto fail;
	mg_dbg("mounted a bpffs on %s", dir);
	return 0;
fail:
	mg_pin_dir_undo(dir, prep);
	return err;
}

void mg_pin_dir_undo(const char *dir, const struct mg_pin_prep *prep)
{
	if (prep->mounted && umount2(dir, 0) && umount2(dir, MNT_DETACH))
		mg_warn("cannot unmount %s: %s", dir, strerror(errno));
	if (prep->created[0])
		rmdir_up_to(dir, prep->created);
}

void mg_pin_dir_remove(const char *dir)
{
	char marker[PATH_MAX];
	struct stat st;

	if (mg_pin_path(marker, sizeof(marker), dir, MG_PIN_OWN_MOUNT))
		return;
	if (stat(marker, &st) == 0) {
		rmdir(marker);
		/* Plain unmount first; a lazy one if some process still holds
		 * a file of it open (the filesystem is empty by now). */
		if (umount2(dir, 0) && umount2(dir, MNT_DETACH))
			mg_warn("cannot unmount the bpffs on %s: %s", dir,
				strerror(errno));
	}
	if (rmdir(dir) && errno != ENOENT)
		mg_warn("cannot remove %s: %s", dir, strerror(errno));
}

int mg_pin_lock(const char *dir)
{
	struct stat held, now;
	int fd, err;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		mg_err("cannot open %s: %s", dir, strerror(errno));
		return err;
	}
	if (flock(fd, LOCK_EX)) {
		err = -errno;
		mg_err("cannot lock %s: %s", dir, strerror(errno));
		close(fd);
		return err;
	}
	/* While we waited, a detach may have removed the directory (it does
	 * so holding the lock): then the lock guards nothing. */
	if (fstat(fd, &held) || stat(dir, &now) || held.st_dev != now.st_dev ||
	    held.st_ino != now.st_ino) {
		close(fd);
		return -EAGAIN;
	}
	return fd;
}
