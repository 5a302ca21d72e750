// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xdp.c - see xdp.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "datapath.h"
#include "netif.h"
#include "log.h"
#include "pin.h"
#include "xdp.h"

/* <dir>/links/xdp_<ifindex> into buf, examined without following a
 * symlink (pin.h): 1 if it is there, 0 if not, else a negative errno
 * (printed). */
static int link_path(char *buf, size_t len, const char *dir, __u32 ifindex)
{
	char name[32];

	snprintf(name, sizeof(name), "%s/xdp_%u", MG_PIN_LINKS, ifindex);
	return mg_pin_entry(dir, name, buf, len);
}

/* A driver's single-buffer XDP limit is a page less its headroom and
 * tail (veth 3520, mlx5 3498, bnxt 3502, virtio 3506, i40e 3046): an MTU
 * above the lowest of them may be why a driver refuses. */
#define MG_XDP_ONE_BUFFER_MIN 3000

void mg_xdp_refusal_text(int err, bool generic, const char *name, const char *drv,
			 __u32 mtu, bool frags, long page, char *buf, size_t len)
{
	char limit[192] = "";
	bool big = mtu > MG_XDP_ONE_BUFFER_MIN;

	buf[0] = '\0';
	if (err == -EBUSY || err == -EEXIST) {
		snprintf(buf, len, " (another XDP program is attached)");
		return;
	}
	if (generic)
		return;
	if (err == -EOPNOTSUPP && !big) {
		snprintf(buf, len, " (the driver has no native XDP: try --mode generic)");
		return;
	}
	/* ERANGE is how veth (and others) refuse for the MTU; other drivers
	 * say EINVAL or EOPNOTSUPP, which at a large MTU is most likely the
	 * same refusal. */
	if (err != -ERANGE && !(big && (err == -EINVAL || err == -EOPNOTSUPP)))
		return;
	/* veth's limit: a page less XDP_PACKET_HEADROOM (256), the aligned
	 * struct skb_shared_info (320 on 64-bit) and the Ethernet header. */
	if (frags)
		snprintf(limit, sizeof(limit), ", over what it takes even with "
			 "multi-buffer XDP");
	else if (!strcmp(drv, "veth") && page > 0)
		snprintf(limit, sizeof(limit), "; this kernel has no multi-buffer XDP "
			 "(5.18+), and a veth takes it then only while both ends of the "
			 "pair have an MTU of at most about %ld", page - 256 - 320 - 14);
	else
		snprintf(limit, sizeof(limit), "; this kernel has no multi-buffer XDP "
			 "(5.18+), so a frame must fit one page");
	snprintf(buf, len, " (the driver%s%s refuses native XDP at this MTU: "
		 "%s's MTU is %u%s; lower the MTU, or attach with --mode generic)",
		 drv[0] ? " " : "", drv, name, mtu, limit);
}

/* Why the driver refused XDP, in words, for the error line.  BPF_LINK_CREATE
 * carries no extack message, so the words and numbers are ours. */
static void refusal_hint(int err, bool generic, __u32 ifindex, char *buf, size_t len)
{
	char name[IF_NAMESIZE], drv[32] = "";
	__u32 mtu = 0;

	name[0] = '\0';
	if (!generic && err != -EBUSY && err != -EEXIST) {
		mg_ifname(ifindex, name);
		mtu = mg_iface_link_mtu(name);
		mg_iface_driver(name, drv, sizeof(drv));
	}
	mg_xdp_refusal_text(err, generic, name, drv, mtu, mg_xdp_frags_supported(),
			    sysconf(_SC_PAGESIZE), buf, len);
}

int mg_xdp_attach(const char *dir, __u32 ifindex, int prog_fd, bool generic)
{
	DECLARE_LIBBPF_OPTS(bpf_link_create_opts, opts,
			    .flags = generic ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE);
	char path[PATH_MAX], nb[IF_NAMESIZE], hint[384];
	int fd, err;

	err = mg_pin_mkdir(dir, MG_PIN_LINKS);
	if (err)
		return err;
	err = link_path(path, sizeof(path), dir, ifindex);
	if (err < 0)
		return err;
	fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts);
	if (fd < 0) {
		err = -errno;
		refusal_hint(err, generic, ifindex, hint, sizeof(hint));
		mg_err("cannot attach XDP (%s mode) on %s: %s%s",
		       generic ? "generic" : "native", mg_ifname_str(ifindex, nb),
		       strerror(-err), hint);
		return err;
	}
	err = mg_pin_link(fd, path);
	close(fd);
	return err;
}

int mg_xdp_detach(const char *dir, __u32 ifindex)
{
	char path[PATH_MAX], nb[IF_NAMESIZE];
	int fd, err;

	err = link_path(path, sizeof(path), dir, ifindex);
	if (err <= 0)
		return err; /* no link: 0 */
	err = 0;
	fd = bpf_obj_get(path);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		err = -errno;
		mg_err("cannot open %s: %s", path, strerror(errno));
		return err;
	}
	/* Detach explicitly: dropping the last reference by unpinning frees
	 * the link only later (RCU, then a work item), and an immediate
	 * re-attach would find the old program still there. */
	if (bpf_link_detach(fd)) {
		err = -errno;
		if (err != -ENOLINK && err != -EINVAL)
			mg_dbg("link detach on %s: %s", mg_ifname_str(ifindex, nb),
			       strerror(-err));
		err = 0;
	}
	close(fd);
	if (unlink(path) && errno != ENOENT) {
		err = -errno;
		mg_err("cannot unpin %s: %s", path, strerror(errno));
	}
	return err;
}

int mg_xdp_query(const char *dir, __u32 ifindex, bool *attached, __u32 *prog_id)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd, err;

	*attached = false;
	*prog_id = 0;
	err = link_path(path, sizeof(path), dir, ifindex);
	if (err <= 0)
		return err ?: -ENOENT;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	close(fd);
	if (err)
		return err;
	/* A link whose device went away stays pinned but reports ifindex 0. */
	*attached = info.xdp.ifindex == ifindex;
	*prog_id = info.prog_id;
	return 0;
}

void mg_xdp_prog_str(__u32 id, char *buf, size_t len)
{
	struct bpf_prog_info info = {};
	__u32 ilen = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);

	if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &ilen) && info.name[0])
		snprintf(buf, len, "%s, id %u", info.name, id);
	else
		snprintf(buf, len, "id %u", id);
	if (fd >= 0)
		close(fd);
}

/* Whether an XDP bpf_link holds prog_id on ifindex.  Link info has no
 * network namespace: the program id tells this hook's link from one on
 * the same ifindex of another namespace. */
static bool held_by_link(__u32 ifindex, __u32 prog_id)
{
	struct bpf_link_info info;
	__u32 id = 0, len;
	bool found = false;
	int fd;

	while (!found && !bpf_link_get_next_id(id, &id)) {
		fd = bpf_link_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		found = !bpf_obj_get_info_by_fd(fd, &info, &len) &&
			info.type == BPF_LINK_TYPE_XDP && info.xdp.ifindex == ifindex &&
			info.prog_id == prog_id;
		close(fd);
	}
	return found;
}

int mg_xdp_holder(__u32 ifindex, struct mg_xdp_holder *h)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	char nb[IF_NAMESIZE];
	int err, fd;

	memset(h, 0, sizeof(*h));
	err = bpf_xdp_query(ifindex, 0, &q);
	if (err) {
		mg_err("cannot query the XDP hook of %s: %s", mg_ifname_str(ifindex, nb),
		       strerror(-err));
		return err;
	}
	h->id = q.drv_prog_id ?: q.skb_prog_id;
	h->generic = !q.drv_prog_id;
	if (!h->id)
		return 0;
	h->link = held_by_link(ifindex, h->id);
	fd = bpf_prog_get_fd_by_id(h->id);
	if (fd >= 0) {
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			memcpy(h->name, info.name, sizeof(h->name) - 1);
		close(fd);
	}
	return 0;
}

int mg_xdp_replace(__u32 ifindex, int new_fd, int old_fd, bool generic,
		   const char *what)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = old_fd);
	char nb[IF_NAMESIZE];
	int err;

	err = bpf_xdp_attach(ifindex, new_fd,
			     (generic ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE) |
			     XDP_FLAGS_REPLACE, &opts);
	if (err)
		mg_err("cannot %s on %s: %s%s", what, mg_ifname_str(ifindex, nb),
		       strerror(-err), err == -EBUSY ?
		       " (a bpf_link holds the hook: only its owner can replace it)" :
		       err == -EEXIST ? " (the hook changed hands meanwhile)" : "");
	return err;
}
