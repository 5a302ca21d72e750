// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* pin.c - see pin.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>

#include <bpf/bpf.h>

#include "log.h"
#include "mntns.h"
#include "pin.h"
#include "sig.h"

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

int mg_pin_mkdir(const char *dir, const char *name)
{
	char path[PATH_MAX];
	int err;

	err = mg_pin_path(path, sizeof(path), dir, name);
	if (err)
		return err;
	if (mkdir(path, 0700) && errno != EEXIST) {
		err = -errno;
		mg_err("cannot create %s: %s", path, strerror(errno));
	}
	return err;
}

int mg_pin_link(int fd, const char *path)
{
	int err = 0;

	if (bpf_obj_pin(fd, path)) {
		err = -errno;
		mg_err("cannot pin %s: %s", path, strerror(errno));
		bpf_link_detach(fd);
	}
	return err;
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

/* ---- trust ------------------------------------------------------------------- */

/* " (run mtuguard as root)" after a permission error of a user who is
 * not root, else "". */
static const char *perm_hint(int err)
{
	return (err == EACCES || err == EPERM) && geteuid() ?
		       " (run mtuguard as root)" : "";
}

static int examine_error(const char *path, int err)
{
	mg_err("cannot examine %s: %s%s", path, strerror(err), perm_hint(err));
	return -err;
}

static bool trusted_owner(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

/* A directory on the way to the pin dir, or the pin dir itself (pin). */
static int check_dir(const char *path, const struct stat *st, const char *dir,
		     bool pin)
{
	char what[PATH_MAX + 64];

	if (pin)
		snprintf(what, sizeof(what), "pin directory %s", path);
	else
		snprintf(what, sizeof(what), "%s (on the bpffs above pin directory %s)",
			 path, dir);
	if (!trusted_owner(st->st_uid)) {
		mg_err("%s is owned by uid %u, not root: its owner could swap or "
		       "remove what mtuguard keeps there; %s", what,
		       (unsigned int)st->st_uid, pin ?
		       "remove it, or give another --pin-dir" :
		       "chown root, or give another --pin-dir");
		return -EPERM;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		mg_err("%s is writable by group or others (mode %04o): any user could "
		       "%s; chmod go-w %s (a bpffs mounted without -o mode=0700 is "
		       "open to all)", what, (unsigned int)(st->st_mode & 07777),
		       pin ? "swap or remove what mtuguard keeps there" :
			     "put a pin directory of their own in its place",
		       path);
		return -EPERM;
	}
	return 0;
}

/* A symlink on the way to the pin dir (never the pin dir itself). */
static int check_link(const char *path, const struct stat *st, const char *dir,
		      bool parent_bpf)
{
	if (parent_bpf) {
		mg_err("%s is a symlink on a bpffs: mtuguard does not follow one on "
		       "the way to its pin directory %s; give the path without it",
		       path, dir);
		return -ELOOP;
	}
	if (!trusted_owner(st->st_uid)) {
		mg_err("%s is a symlink owned by uid %u, not root: mtuguard does not "
		       "follow it to its pin directory %s", path,
		       (unsigned int)st->st_uid, dir);
		return -ELOOP;
	}
	return 0;
}

/*
 * Walk path one component at a time (lstat, so no symlink is followed
 * unseen).  top: path is the pin dir as given, its last component the pin
 * dir; else the real path of a symlink met on the way to it.
 */
static int walk(const char *path, const char *dir, bool top, bool *exists)
{
	char p[PATH_MAX], real[PATH_MAX];
	bool parent_bpf = false, bpf, last;
	struct stat st;
	size_t i, n = strlen(path);
	int err;

	*exists = false;
	if (n >= sizeof(p)) {
		mg_err("path too long: %s", path);
		return -ENAMETOOLONG;
	}
	for (i = 1; i <= n; i++) {
		if (i < n && path[i] != '/')
			continue;
		memcpy(p, path, i);
		p[i] = '\0';
		last = i == n;
		if (lstat(p, &st)) {
			if (errno == ENOENT && top)
				return 0; /* not there (yet) */
			return examine_error(p, errno);
		}
		if (S_ISLNK(st.st_mode)) {
			if (!top)
				return examine_error(p, ELOOP); /* changed under us */
			if (last) {
				mg_err("pin directory %s is a symlink: give the directory "
				       "itself", p);
				return -ELOOP;
			}
			err = check_link(p, &st, dir, parent_bpf);
			if (err)
				return err;
			if (!realpath(p, real)) {
				if (errno != ENOENT)
					return examine_error(p, errno);
				mg_err("%s is a symlink to a path that does not exist "
				       "(on the way to pin directory %s)", p, dir);
				return -ENOENT;
			}
			err = walk(real, dir, false, exists);
			if (err)
				return err;
			parent_bpf = is_bpffs(real);
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (last && top)
				mg_err("pin directory %s is not a directory", p);
			else
				mg_err("%s is not a directory (on the way to pin "
				       "directory %s)", p, dir);
			return -ENOTDIR;
		}
		bpf = is_bpffs(p);
		if (bpf || (last && top)) {
			err = check_dir(p, &st, dir, last && top);
			if (err)
				return err;
		}
		parent_bpf = bpf;
	}
	*exists = true;
	return 0;
}

int mg_pin_dir_verify(const char *dir, bool *exists)
{
	return walk(dir, dir, true, exists);
}

int mg_pin_entry(const char *dir, const char *name, char *path, size_t len)
{
	const char *slash = strrchr(name, '/');
	struct stat st;
	int err;

	if (slash) {
		char sub[NAME_MAX + 1];
		size_t n = slash - name;

		if (n >= sizeof(sub))
			return -ENAMETOOLONG;
		memcpy(sub, name, n);
		sub[n] = '\0';
		err = mg_pin_entry(dir, sub, path, len);
		if (err <= 0)
			return err;
	}
	err = mg_pin_path(path, len, dir, name);
	if (err)
		return err;
	if (lstat(path, &st)) {
		if (errno == ENOENT)
			return 0;
		return examine_error(path, errno);
	}
	if (S_ISLNK(st.st_mode)) {
		mg_err("%s is a symlink: mtuguard never follows one in its pin "
		       "directory; remove it", path);
		return -ELOOP;
	}
	return 1;
}

/* ---- preparing it ---------------------------------------------------------------- */

static int refuse_private(const char *dir, bool need_mount)
{
	mg_err("%s %s, and a bpffs mounted from this private mount namespace "
	       "(ip netns exec?) vanishes when mtuguard exits, detaching "
	       "everything: mount a bpffs on a shared path on the host "
	       "(mount -t bpf -o mode=0700 bpf DIR) and pass --pin-dir DIR/...",
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
		/* 0700 whatever the umask: root's alone (see pin.h). */
		if (mkdir(path, 0700) == 0 && chmod(path, 0700) == 0) {
			if (!created[0])
				snprintf(created, len, "%s", path);
		} else if (errno != EEXIST) {
			int err = -errno;
			const char *base = strrchr(path, '/');

			/* bpffs refuses names with a dot: say so, EPERM alone
			 * is a puzzle for root. */
			mg_err("cannot create %s: %s%s", path, strerror(-err),
			       err == -EPERM && base && strchr(base, '.') ?
				       " (a bpffs allows no '.' in names)" :
				       perm_hint(-err));
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
	bool exists;
	int err;

	memset(prep, 0, sizeof(*prep));
	err = mg_pin_dir_verify(dir, &exists);
	if (err)
		return err;
	if (exists) {
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
			err = mkdir_p(dir, prep->created, sizeof(prep->created));
			/* What we made, checked as any other (nobody else can
			 * have made it: the path above passed). */
			if (!err)
				err = mg_pin_dir_verify(dir, &exists);
			if (err)
				mg_pin_dir_undo(dir, prep);
			return err;
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

	if (mg_pin_entry(dir, MG_PIN_OWN_MOUNT, marker, sizeof(marker)) > 0) {
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

/* ---- the lock ------------------------------------------------------------------ */

static unsigned int lock_timeout = MG_LOCK_TIMEOUT_DEFAULT;

void mg_pin_lock_timeout_set(unsigned int sec)
{
	lock_timeout = sec;
}

/* The process holding a flock on the file st is, from /proc/locks (lines
 * "N: FLOCK  ADVISORY  WRITE PID MAJ:MIN:INODE 0 EOF", waiters marked
 * "->"); 0 if it does not tell (no /proc, another pid namespace). */
static pid_t lock_holder(const struct stat *st)
{
	unsigned int maj, min;
	unsigned long ino;
	char line[256], *p;
	pid_t found = 0;
	int pid;
	FILE *f;

	f = fopen("/proc/locks", "re");
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		p = strstr(line, "FLOCK");
		if (!p || strstr(line, "->"))
			continue;
		if (sscanf(p, "FLOCK %*s %*s %d %x:%x:%lu", &pid, &maj, &min, &ino) == 4 &&
		    pid > 0 && maj == major(st->st_dev) && min == minor(st->st_dev) &&
		    ino == st->st_ino)
			found = pid;
	}
	fclose(f);
	return found;
}

static int lock_timed_out(const char *dir, int fd)
{
	char path[64], comm[64] = "", who[128] = "another process";
	struct stat st;
	pid_t pid = 0;
	FILE *f;

	if (!fstat(fd, &st))
		pid = lock_holder(&st);
	if (pid) {
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
		f = fopen(path, "re");
		if (f) {
			if (fgets(comm, sizeof(comm), f))
				comm[strcspn(comm, "\n")] = '\0';
			fclose(f);
		}
		snprintf(who, sizeof(who), comm[0] ? "pid %d (%s)" : "pid %d",
			 (int)pid, comm);
	}
	mg_err("pin directory %s is locked by %s%s: another mtuguard command is "
	       "changing it; try again when it is done, or wait longer with "
	       "--lock-timeout SECONDS", dir, who,
	       lock_timeout ? "" : " (--lock-timeout 0: no wait)");
	return -EBUSY;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int mg_pin_lock(const char *dir)
{
	long long deadline = now_ms() + lock_timeout * 1000LL, left;
	struct timespec nap;
	struct stat held, now;
	long step = 5; /* ms, doubled up to 100 */
	int fd, err;

	/* O_NOFOLLOW: the pin dir is never a symlink (mg_pin_dir_verify). */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		mg_err("cannot open %s: %s%s", dir, strerror(errno), perm_hint(errno));
		return err;
	}
	/* Polled, not a blocking flock(): a holder that never lets go (a
	 * hung or hostile process) must not hang every command behind it. */
	while (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			err = -errno;
			mg_err("cannot lock %s: %s", dir, strerror(errno));
			close(fd);
			return err;
		}
		left = deadline - now_ms();
		if (left <= 0) {
			err = lock_timed_out(dir, fd);
			close(fd);
			return err;
		}
		nap.tv_sec = 0;
		nap.tv_nsec = (left < step ? left : step) * 1000000L;
		nanosleep(&nap, NULL);
		if (step < 100)
			step *= 2;
	}
	/* While we waited, a detach may have removed the directory (it does
	 * so holding the lock): then the lock guards nothing. */
	if (fstat(fd, &held) || lstat(dir, &now) || held.st_dev != now.st_dev ||
	    held.st_ino != now.st_ino) {
		close(fd);
		return -EAGAIN;
	}
	mg_sig_hold();
	return fd;
}

void mg_pin_unlock(int fd)
{
	if (fd < 0)
		return;
	close(fd); /* releases the flock */
	mg_sig_release();
}
