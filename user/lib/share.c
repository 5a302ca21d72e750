// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* share.c - see share.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "args.h"
#include "config_maps.h"
#include "datapath.h"
#include "netif.h"
#include "lifecycle.h"
#include "log.h"
#include "pin.h"
#include "share.h"
#include "root_next.skel.h"

int mg_share_root_parse(const char *arg, struct mg_share_req *req)
{
	const char *colon = strrchr(arg, ':');
	size_t n = colon ? (size_t)(colon - arg) : 0;

	if (!colon || !n || arg[0] != '/' || n >= sizeof(req->root) ||
	    mg_parse_u32(colon + 1, 0, 0xffffffffu, &req->pos))
		return mg_usage("attach: --root-array wants PINNED_PROG_ARRAY:POS, an "
				"absolute path and a slot number (got '%s')", arg);
	memcpy(req->root, arg, n);
	req->root[n] = '\0';
	req->root_fd = -1;
	req->kind = MG_SHARE_ROOT;
	return 0;
}

/* Which of mtuguard's chain programs (state.h) serves a shared hook: the
 * one of the state's kind, or the single-buffer one with the chain array
 * of its own.  Open: both fds ours to close. */
struct variant {
	int prog, chain;
	bool sb, open;
};

static int variant_get(const struct mg_state *st, bool sb, struct variant *v)
{
	int err = mg_state_xdp_chain(st->dir, sb ? false : mg_xdp_frags_supported(), true,
				     &v->prog, &v->chain);

	v->sb = sb;
	v->open = !err;
	return err;
}

static void variant_close(struct variant *v)
{
	if (v->open) {
		close(v->prog);
		close(v->chain);
	}
	v->open = false;
}

/* The id of a chain program of either kind, 0 if not loaded. */
static __u32 chain_prog_id(const struct mg_state *st, bool frags)
{
	__u32 id = 0;
	int p, c;

	if (mg_state_xdp_chain(st->dir, frags, false, &p, &c))
		return 0;
	mg_obj_id(p, &id);
	close(p);
	close(c);
	return id;
}

/* Whether id is one of mtuguard's XDP programs. */
static bool is_ours(const struct mg_state *st, const struct mtug_iface_cfg *cfg, __u32 id)
{
	return id && (id == cfg->xdp_prog_id || id == chain_prog_id(st, true) ||
		      id == chain_prog_id(st, false));
}

bool mg_share_single_buffer(const struct mg_state *st, const struct mtug_iface_cfg *cfg)
{
	return !mg_xdp_frags_supported() ||
	       (cfg->xdp_prog_id && cfg->xdp_prog_id == chain_prog_id(st, false));
}

/* Record which variant serves the interface (for status). */
static int record(const struct mg_state *st, __u32 ifindex, struct mtug_iface_cfg *cfg,
		  const struct variant *v)
{
	mg_obj_id(v->prog, &cfg->xdp_prog_id);
	return mg_iface_put(st, ifindex, cfg, BPF_EXIST);
}

/* Pin fd at dir/name, over a pin of an earlier, interrupted run. */
static int pin_at(int fd, const char *dir, const char *name)
{
	char path[PATH_MAX];
	int err;

	err = mg_pin_mkdir(dir, MG_PIN_LINKS);
	if (!err)
		err = mg_pin_entry(dir, name, path, sizeof(path));
	if (err < 0)
		return err;
	if (err)
		unlink(path);
	if (bpf_obj_pin(fd, path)) {
		err = -errno;
		mg_err("cannot pin %s: %s", path, strerror(errno));
		return err;
	}
	return 0;
}

/* Open the pin dir/name: its fd, -ENOENT if not there, else an error
 * (printed). */
static int open_pin(const char *dir, const char *name, char *path, size_t len)
{
	int fd, r;

	r = mg_pin_entry(dir, name, path, len);
	if (r <= 0)
		return r ?: -ENOENT;
	fd = bpf_obj_get(path);
	if (fd < 0 && errno != ENOENT)
		mg_err("cannot open %s: %s", path, strerror(errno));
	return fd < 0 ? -errno : fd;
}

static void chained_name(char *buf, size_t len, __u32 ifindex)
{
	snprintf(buf, len, "%s/chained_%u", MG_PIN_LINKS, ifindex);
}

/* The pin of ifindex's root array (links/root_<ifindex>_<pos>): 1 with
 * its name and slot, 0 if none. */
static int root_pin(const char *dir, __u32 ifindex, char *name, size_t len, __u32 *pos)
{
	char path[PATH_MAX], prefix[32];
	struct dirent *de;
	unsigned long p;
	int fd, found = 0;
	char *end;
	DIR *d;

	if (mg_pin_entry(dir, MG_PIN_LINKS, path, sizeof(path)) <= 0)
		return 0;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	snprintf(prefix, sizeof(prefix), "root_%u_", ifindex);
	while (!found && (de = readdir(d))) {
		if (strncmp(de->d_name, prefix, strlen(prefix)))
			continue;
		p = strtoul(de->d_name + strlen(prefix), &end, 10);
		if (*end || p > 0xffffffffu)
			continue;
		snprintf(name, len, "%s/%s", MG_PIN_LINKS, de->d_name);
		*pos = p;
		found = 1;
	}
	closedir(d);
	return found;
}

/* A tail call's target refused by the program array: for an XDP program,
 * the one difference left is multi-buffer or not, and both of mtuguard's
 * kinds were tried where the kernel has both. */
static void refused_line(const char *who, const char *into, const char *nb)
{
	mg_err("%s cannot go into %s on %s: a tail call needs both programs alike "
	       "multi-buffer (BPF_F_XDP_HAS_FRAGS) or not, and %s", who, into, nb,
	       mg_xdp_frags_supported() ? "the program array took neither kind of "
	       "mtuguard's XDP program" : "mtuguard's is single-buffer on this kernel");
}

/* Put target_fd into slot of the chain array of a variant that takes it:
 * the state's, else (multi-buffer kernels) the single-buffer twin's.
 * EINVAL from a program array is its refusal of the other kind. */
static int chain_fill(const struct mg_state *st, __u32 slot, int target_fd,
		      const char *who, const char *nb, struct variant *v)
{
	int err;

	err = variant_get(st, false, v);
	if (err)
		return err;
	if (!bpf_map_update_elem(v->chain, &slot, &target_fd, BPF_ANY))
		return 0;
	err = -errno;
	if (err == -EINVAL && mg_xdp_frags_supported()) {
		mg_dbg("%s is single-buffer: mtuguard's single-buffer XDP program", who);
		variant_close(v);
		err = variant_get(st, true, v);
		if (err)
			return err;
		if (!bpf_map_update_elem(v->chain, &slot, &target_fd, BPF_ANY))
			return 0;
		err = -errno;
	}
	if (err == -EINVAL)
		refused_line(who, "mtuguard's chain", nb);
	else
		mg_err("cannot put %s into mtuguard's chain: %s", who, strerror(-err));
	return err;
}

int mg_share_chain(const struct mg_state *st, __u32 ifindex,
		   struct mtug_iface_cfg *cfg, const struct mg_xdp_holder *h)
{
	char name[48], nb[IF_NAMESIZE], who[64], what[96];
	struct variant v = {};
	__u32 slot = cfg->slot;
	int fd, err;

	mg_ifname_str(ifindex, nb);
	snprintf(who, sizeof(who), "%s (id %u)", h->name[0] ? h->name : "the program",
		 h->id);
	fd = bpf_prog_get_fd_by_id(h->id);
	if (fd < 0) {
		err = -errno;
		mg_err("cannot open %s on %s: %s", who, nb, strerror(errno));
		return err;
	}
	chained_name(name, sizeof(name), ifindex);
	err = pin_at(fd, st->dir, name);
	if (!err)
		err = chain_fill(st, slot, fd, who, nb, &v);
	if (!err) {
		snprintf(what, sizeof(what), "put mtuguard in front of %s", who);
		err = mg_xdp_replace(ifindex, v.prog, fd, h->generic, what);
	}
	if (!err)
		err = record(st, ifindex, cfg, &v);
	variant_close(&v);
	close(fd);
	return err;
}

/* The id of the program in slot i of a program array, 0 if empty. */
static __u32 slot_id(int map_fd, __u32 i)
{
	__u32 id = 0;

	if (bpf_map_lookup_elem(map_fd, &i, &id))
		return 0;
	return id;
}

/* Load the program that follows mtuguard in the root array m (bpf/
 * root_next.bpf.c): it tries n slots from first, and is multi-buffer or
 * not as frags says.  Its fd, or a negative errno: -EINVAL when the
 * kernel refuses it for the array's kind (libbpf's words only with -v). */
static int root_next_load(int m, __u32 first, __u32 n, bool frags)
{
	struct root_next_bpf *skel;
	int fd, err;

	skel = root_next_bpf__open();
	if (!skel)
		return -errno;
	skel->rodata->first_slot = first;
	skel->rodata->n_slots = n < MTUG_ROOT_NEXT_MAX ? n : MTUG_ROOT_NEXT_MAX;
	err = bpf_map__reuse_fd(skel->maps.root_array, m);
	if (!err && frags)
		err = bpf_program__set_flags(skel->progs.mtuguard_root_next,
					     BPF_F_XDP_HAS_FRAGS);
	if (!err)
		err = root_next_bpf__load(skel);
	fd = err ? err : dup(bpf_program__fd(skel->progs.mtuguard_root_next));
	if (fd < 0 && !err)
		fd = -errno;
	root_next_bpf__destroy(skel);
	return fd;
}

int mg_share_root(const struct mg_state *st, __u32 ifindex,
		  struct mtug_iface_cfg *cfg, const struct mg_share_req *req)
{
	struct bpf_map_info info = {};
	struct variant v = {};
	__u32 len = sizeof(info), slot = cfg->slot, id;
	char name[320], nb[IF_NAMESIZE], who[64], into[PATH_MAX + 32];
	bool sb = !mg_xdp_frags_supported();
	int m, next = -1, fd, err;

	mg_ifname_str(ifindex, nb);
	m = req->root_fd >= 0 ? dup(req->root_fd) : bpf_obj_get(req->root);
	if (m < 0) {
		err = -errno;
		mg_err("cannot open the root program array %s: %s", req->root, strerror(errno));
		return err;
	}
	err = bpf_obj_get_info_by_fd(m, &info, &len);
	if (err || info.type != BPF_MAP_TYPE_PROG_ARRAY || req->pos >= info.max_entries) {
		mg_err("%s is not a program array with a slot %u", req->root, req->pos);
		err = -EINVAL;
		goto out;
	}
	id = slot_id(m, req->pos);
	if (id && !is_ours(st, cfg, id)) {
		mg_xdp_prog_str(id, who, sizeof(who));
		mg_err("slot %u of %s holds another program (%s): give a free slot",
		       req->pos, req->root, who);
		err = -EBUSY;
		goto out;
	}
	snprintf(into, sizeof(into), "%s (slot %u)", req->root, req->pos);
	snprintf(name, sizeof(name), "%s/root_%u_%u", MG_PIN_LINKS, ifindex, req->pos);
	err = pin_at(m, st->dir, name);
	if (err)
		goto out;
	/* What mtuguard passes goes on to the slots after its own, tried at
	 * every frame.  The program that tries them is of the array's kind
	 * (the kernel refuses it otherwise), and picks mtuguard's. */
	next = sb ? -EINVAL : root_next_load(m, req->pos + 1,
					     info.max_entries - req->pos - 1, true);
	if (next == -EINVAL) {
		if (!sb)
			mg_dbg("%s is single-buffer: mtuguard's single-buffer XDP program", into);
		sb = true;
		next = root_next_load(m, req->pos + 1, info.max_entries - req->pos - 1, false);
	}
	if (next < 0) {
		err = next;
		if (err == -EINVAL)
			refused_line("the program that follows mtuguard's", into, nb);
		else
			mg_err("cannot load the program that follows mtuguard's in %s: %s",
			       into, strerror(-err));
		goto out;
	}
	err = variant_get(st, sb, &v);
	if (err)
		goto out;
	/* The way on first, then the way in. */
	if (bpf_map_update_elem(v.chain, &slot, &next, BPF_ANY)) {
		err = -errno;
		mg_err("cannot put the program that follows it into mtuguard's chain: %s",
		       strerror(errno));
		goto out;
	}
	fd = v.prog;
	err = bpf_map_update_elem(m, &req->pos, &fd, BPF_ANY) ? -errno : 0;
	if (err == -EINVAL)
		refused_line("mtuguard's XDP program", into, nb);
	else if (err)
		mg_err("cannot put mtuguard's XDP program into %s: %s", into, strerror(-err));
	if (!err)
		err = record(st, ifindex, cfg, &v);
out:
	if (next >= 0)
		close(next);
	variant_close(&v);
	close(m);
	return err;
}

int mg_share_detach(const struct mg_state *st, __u32 ifindex,
		    const struct mtug_iface_cfg *cfg)
{
	char name[320], path[PATH_MAX], nb[IF_NAMESIZE], who[64];
	__u32 slot = cfg->slot, orig = 0, pos, id;
	struct mg_xdp_holder h = {};
	bool gone = mg_ifname(ifindex, nb) == -ENODEV;
	int fd, ofd, p, c, err = 0;

	chained_name(name, sizeof(name), ifindex);
	fd = open_pin(st->dir, name, path, sizeof(path));
	if (fd < 0 && fd != -ENOENT)
		return fd;
	if (fd >= 0) {
		mg_obj_id(fd, &orig);
		mg_xdp_prog_str(orig, who, sizeof(who));
		/* Back first: until it is, the chain must still lead to it. */
		if (!gone && !mg_xdp_holder(ifindex, &h) && is_ours(st, cfg, h.id)) {
			char what[96];

			snprintf(what, sizeof(what), "put %s back", who);
			ofd = bpf_prog_get_fd_by_id(h.id);
			err = ofd < 0 ? -errno :
				mg_xdp_replace(ifindex, fd, ofd, h.generic, what);
			if (ofd < 0)
				mg_err("cannot open mtuguard's program on %s: %s", nb,
				       strerror(-err));
			if (ofd >= 0)
				close(ofd);
		} else if (!gone && h.id != orig) {
			mg_warn("the XDP hook of %s holds %s program %u, neither mtuguard's "
				"nor %s: left alone", nb, h.id ? "" : "no", h.id, who);
		}
		close(fd);
		if (err)
			return err;
		if (unlink(path) && errno != ENOENT)
			mg_warn("cannot unpin %s: %s", path, strerror(errno));
	}
	if (root_pin(st->dir, ifindex, name, sizeof(name), &pos)) {
		fd = open_pin(st->dir, name, path, sizeof(path));
		if (fd >= 0) {
			id = slot_id(fd, pos);
			if (is_ours(st, cfg, id) && bpf_map_delete_elem(fd, &pos) && errno != ENOENT) {
				err = -errno;
				mg_err("cannot empty slot %u of the root array: %s", pos,
				       strerror(errno));
			}
			close(fd);
		}
		if (err)
			return err;
		if (unlink(path) && errno != ENOENT)
			mg_warn("cannot unpin %s: %s", path, strerror(errno));
	}
	/* Last: nothing leads through our program into the slot any more. */
	if (bpf_map_delete_elem(st->map[MG_MAP_CHAIN], &slot) && errno != ENOENT) {
		err = -errno;
		mg_err("cannot empty slot %u of %s: %s", slot, mg_map_name(MG_MAP_CHAIN),
		       strerror(errno));
	}
	if (!mg_state_xdp_chain(st->dir, false, false, &p, &c)) {
		bpf_map_delete_elem(c, &slot);
		close(p);
		close(c);
	}
	return err;
}

bool mg_share_live(const struct mg_state *st, __u32 ifindex,
		   const struct mtug_iface_cfg *cfg)
{
	char name[320], path[PATH_MAX];
	struct mg_xdp_holder h;
	bool live = false;
	__u32 pos;
	int fd;

	if (cfg->attach & MTUG_A_CHAIN)
		return !mg_xdp_holder(ifindex, &h) && is_ours(st, cfg, h.id);
	if (!root_pin(st->dir, ifindex, name, sizeof(name), &pos))
		return false;
	fd = open_pin(st->dir, name, path, sizeof(path));
	if (fd >= 0) {
		live = is_ours(st, cfg, slot_id(fd, pos));
		close(fd);
	}
	return live;
}

int mg_share_req_of(const char *dir, __u32 ifindex, const struct mtug_iface_cfg *cfg,
		    struct mg_share_req *req)
{
	char name[320];
	int err;

	memset(req, 0, sizeof(*req));
	req->root_fd = -1;
	if (cfg->attach & MTUG_A_CHAIN) {
		req->kind = MG_SHARE_CHAIN;
		return 0;
	}
	if (!(cfg->attach & MTUG_A_ROOT))
		return 0;
	if (!root_pin(dir, ifindex, name, sizeof(name), &req->pos)) {
		mg_err("the root program array of this interface is not pinned in %s "
		       "any more: detach it, then attach with --root-array", dir);
		return -ENOENT;
	}
	req->kind = MG_SHARE_ROOT;
	err = mg_pin_path(req->root, sizeof(req->root), dir, name);
	if (err)
		return err;
	/* Held open: the redo's detach unpins it before the attach. */
	req->root_fd = bpf_obj_get(req->root);
	if (req->root_fd < 0) {
		err = -errno;
		mg_err("cannot open %s: %s", req->root, strerror(errno));
	}
	return err;
}

void mg_share_view(const struct mg_state *st, __u32 ifindex,
		   const struct mtug_iface_cfg *cfg, struct mg_share_view *v)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), slot = cfg->slot;
	char name[320], path[PATH_MAX];
	int fd;

	int p, c;

	memset(v, 0, sizeof(*v));
	if (bpf_map_lookup_elem(st->map[MG_MAP_CHAIN], &slot, &v->next_id))
		v->next_id = 0;
	if (!v->next_id && !mg_state_xdp_chain(st->dir, false, false, &p, &c)) {
		if (bpf_map_lookup_elem(c, &slot, &v->next_id))
			v->next_id = 0;
		close(p);
		close(c);
	}
	fd = v->next_id ? bpf_prog_get_fd_by_id(v->next_id) : -1;
	if (fd >= 0) {
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			memcpy(v->next_name, info.name, sizeof(v->next_name) - 1);
		close(fd);
	}
	if (!(cfg->attach & MTUG_A_ROOT) ||
	    !root_pin(st->dir, ifindex, name, sizeof(name), &v->pos))
		return;
	fd = open_pin(st->dir, name, path, sizeof(path));
	if (fd < 0)
		return;
	mg_obj_id(fd, &v->root_map_id);
	/* What the frames mtuguard passes go on to now: the first filled
	 * slot after its own (the chain holds the program that looks). */
	v->next_id = 0;
	v->next_name[0] = '\0';
	for (__u32 i = v->pos + 1; i - v->pos <= MTUG_ROOT_NEXT_MAX && !v->next_id; i++)
		if (bpf_map_lookup_elem(fd, &i, &v->next_id))
			v->next_id = 0;
	close(fd);
	fd = v->next_id ? bpf_prog_get_fd_by_id(v->next_id) : -1;
	if (fd >= 0) {
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			memcpy(v->next_name, info.name, sizeof(v->next_name) - 1);
		close(fd);
	}
}

void mg_share_root_str(const char *dir, __u32 ifindex, const struct mtug_iface_cfg *cfg,
		       char *buf, size_t len)
{
	char name[320], path[PATH_MAX];
	__u32 pos;

	buf[0] = '\0';
	if (!(cfg->attach & MTUG_A_ROOT) || !root_pin(dir, ifindex, name, sizeof(name), &pos) ||
	    mg_pin_path(path, sizeof(path), dir, name))
		return;
	snprintf(buf, len, "%s:%u", path, pos);
}

/* The id of the map pinned at the PATH of "PATH:POS", and POS. */
static int root_id(const char *s, __u32 *id, __u32 *pos)
{
	const char *colon = strrchr(s, ':');
	char path[PATH_MAX];
	int fd;

	if (!colon || (size_t)(colon - s) >= sizeof(path) ||
	    mg_parse_u32(colon + 1, 0, 0xffffffffu, pos))
		return -EINVAL;
	memcpy(path, s, colon - s);
	path[colon - s] = '\0';
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	*id = 0;
	mg_obj_id(fd, id);
	close(fd);
	return 0;
}

bool mg_share_same_root(const char *a, const char *b)
{
	__u32 ia, ib, pa, pb;

	if (!strcmp(a, b))
		return true;
	return !root_id(a, &ia, &pa) && !root_id(b, &ib, &pb) && ia && ia == ib && pa == pb;
}
