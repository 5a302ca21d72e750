// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* tc.c - see tc.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "netif.h"
#include "kfeatures.h"
#include "log.h"
#include "pin.h"
#include "tc.h"

static const char *dir_name(bool ingress)
{
	return ingress ? "ingress" : "egress";
}

/* Walk one read of the qdisc dump: at its end 1 if a clsact qdisc of
 * ifindex was in it, else 0; -EAGAIN for more to read. */
static int parse_answer(const struct nlmsghdr *nh, ssize_t n, __u32 ifindex,
			int *found)
{
	const struct rtattr *rta;
	const struct tcmsg *t;
	int len;

	for (; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
		if (nh->nlmsg_type == NLMSG_DONE)
			return *found;
		if (nh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nh);

			return e->error ?: *found;
		}
		if (nh->nlmsg_type != RTM_NEWQDISC)
			continue;
		t = NLMSG_DATA(nh);
		if ((__u32)t->tcm_ifindex != ifindex)
			continue;
		rta = (const struct rtattr *)((const char *)t + NLMSG_ALIGN(sizeof(*t)));
		len = nh->nlmsg_len - NLMSG_LENGTH(sizeof(*t));
		for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
			if (rta->rta_type == TCA_KIND &&
			    !strncmp(RTA_DATA(rta), "clsact", RTA_PAYLOAD(rta)))
				*found = 1;
	}
	return -EAGAIN;
}

int mg_tc_clsact_exists(__u32 ifindex)
{
	/* libbpf has no qdisc query, and a filter query fails alike with or
	 * without the qdisc: dump the qdiscs (the kernel does not filter a
	 * dump by device; a get answers only with NLM_F_ECHO, which also
	 * notifies every `tc monitor`) and look for a clsact on ifindex. */
	struct {
		struct nlmsghdr nh;
		struct tcmsg tc;
	} req = {
		.nh = {
			.nlmsg_len = sizeof(req),
			.nlmsg_type = RTM_GETQDISC,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			.nlmsg_seq = 1,
		},
		.tc = {
			.tcm_family = AF_UNSPEC,
			.tcm_ifindex = ifindex,
		},
	};
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 5 };
	char nb[IF_NAMESIZE];
	long buf[2048];
	int fd, err, found = 0;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
	} else {
		do {
			n = recv(fd, buf, sizeof(buf), 0);
			err = n < 0 ? -errno :
				      parse_answer((struct nlmsghdr *)buf, n, ifindex,
						   &found);
		} while (err == -EAGAIN && n > 0);
	}
	if (fd >= 0)
		close(fd);
	if (err < 0)
		mg_err("cannot query the qdiscs of %s: %s",
		       mg_ifname_str(ifindex, nb), strerror(-err));
	return err;
}

int mg_tc_clsact_create(__u32 ifindex, bool *created)
{
	char nb[IF_NAMESIZE];
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
	int err;

	*created = false;
	err = bpf_tc_hook_create(&hook);
	if (err == -EEXIST)
		return 0;
	if (err) {
		mg_err("cannot create the clsact qdisc on %s: %s",
		       mg_ifname_str(ifindex, nb), strerror(-err));
		return err;
	}
	*created = true;
	return 0;
}

int mg_tc_clsact_destroy(__u32 ifindex)
{
	char nb[IF_NAMESIZE];
	/* Both attach points together is what makes libbpf delete the
	 * qdisc itself rather than flush one direction's filters. */
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
	int err;

	err = bpf_tc_hook_destroy(&hook);
	if (err == -ENOENT || err == -EINVAL || err == -ENODEV)
		return 0; /* already gone, or the device went away */
	if (err)
		mg_err("cannot delete the clsact qdisc on %s: %s",
		       mg_ifname_str(ifindex, nb), strerror(-err));
	return err;
}

int mg_tc_filter_add(__u32 ifindex, bool ingress, int prog_fd, __u32 prio)
{
	char nb[IF_NAMESIZE];
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = ingress ? BPF_TC_INGRESS : BPF_TC_EGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = MG_TC_HANDLE,
			    .priority = prio, .prog_fd = prog_fd);
	int err;

	/* No BPF_TC_F_REPLACE: a filter already at our handle/priority is
	 * someone's (or a stale one of ours) and must not be overwritten. */
	err = bpf_tc_attach(&hook, &opts);
	if (err)
		mg_err("cannot attach the TC %s filter on %s: %s%s",
		       dir_name(ingress), mg_ifname_str(ifindex, nb), strerror(-err),
		       err == -EEXIST ? " (a filter already uses our handle/priority)" : "");
	return err;
}

int mg_tc_filter_query(__u32 ifindex, bool ingress, __u32 prio, __u32 *prog_id)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = ingress ? BPF_TC_INGRESS : BPF_TC_EGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = MG_TC_HANDLE,
			    .priority = prio);
	int err;

	err = bpf_tc_query(&hook, &opts);
	if (err)
		return err == -EINVAL || err == -ENODEV ? -ENOENT : err;
	*prog_id = opts.prog_id;
	return 0;
}

int mg_tc_filter_del(__u32 ifindex, bool ingress, __u32 prio, __u32 expect_id)
{
	char nb[IF_NAMESIZE];
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = ingress ? BPF_TC_INGRESS : BPF_TC_EGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = MG_TC_HANDLE,
			    .priority = prio);
	__u32 id = 0;
	int err;

	err = mg_tc_filter_query(ifindex, ingress, prio, &id);
	if (err == -ENOENT)
		return 0;
	if (err) {
		mg_err("cannot query the TC %s filter on %s: %s",
		       dir_name(ingress), mg_ifname_str(ifindex, nb), strerror(-err));
		return err;
	}
	if (expect_id && id != expect_id) {
		mg_warn("TC %s filter at handle 0x%x prio %u on %s runs "
			"program %u, not ours (%u): left alone",
			dir_name(ingress), MG_TC_HANDLE, prio,
			mg_ifname_str(ifindex, nb), id, expect_id);
		return 0;
	}
	err = bpf_tc_detach(&hook, &opts);
	if (err && err != -ENOENT) {
		mg_err("cannot detach the TC %s filter on %s: %s",
		       dir_name(ingress), mg_ifname_str(ifindex, nb), strerror(-err));
		return err;
	}
	return 0;
}

/* ---- TCX ------------------------------------------------------------------ */

/* Debian's kernel headers (6.1) predate TCX (6.6): the values of enum
 * bpf_attach_type, which the kernel keeps stable. */
#define MG_BPF_TCX_INGRESS 46
#define MG_BPF_TCX_EGRESS  47
#define MG_BPF_F_BEFORE    (1U << 3)

void mg_tcx_pin_name(char *buf, size_t len, __u32 ifindex, bool ingress)
{
	snprintf(buf, len, "%s/tcx_%s_%u", MG_PIN_LINKS, dir_name(ingress), ifindex);
}

bool mg_tcx_wanted(void)
{
	const char *force = getenv("MTUGUARD_TC_HOOK");

	if (force && !strcmp(force, "clsact"))
		return false;
	return mg_kfeature(MG_KF_TCX);
}

int mg_tcx_attach(const char *dir, __u32 ifindex, bool ingress, int prog_fd)
{
	/* BPF_F_BEFORE with no relative program: first on the hook.  Ours
	 * pass what they do not act on with TC_ACT_UNSPEC (TCX_NEXT), so the
	 * programs behind still see every frame; first, ours see every frame
	 * whatever the others return. */
	DECLARE_LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = MG_BPF_F_BEFORE);
	char path[PATH_MAX], name[48], nb[IF_NAMESIZE];
	int fd, err;

	err = mg_pin_mkdir(dir, MG_PIN_LINKS);
	if (err)
		return err;
	mg_tcx_pin_name(name, sizeof(name), ifindex, ingress);
	err = mg_pin_entry(dir, name, path, sizeof(path));
	if (err < 0)
		return err;
	/* A kernel without TCX knows no such attach type: EINVAL. */
	fd = bpf_link_create(prog_fd, ifindex,
			     ingress ? MG_BPF_TCX_INGRESS : MG_BPF_TCX_EGRESS, &opts);
	if (fd < 0) {
		err = -errno;
		if (err == -EINVAL)
			return -EOPNOTSUPP;
		mg_err("cannot attach the TCX %s program on %s: %s", dir_name(ingress),
		       mg_ifname_str(ifindex, nb), strerror(-err));
		return err;
	}
	err = mg_pin_link(fd, path);
	close(fd);
	return err;
}

int mg_tcx_detach(const char *dir, __u32 ifindex, bool ingress)
{
	char path[PATH_MAX], name[48];
	int fd, err;

	mg_tcx_pin_name(name, sizeof(name), ifindex, ingress);
	err = mg_pin_entry(dir, name, path, sizeof(path));
	if (err <= 0)
		return err;
	fd = bpf_obj_get(path);
	if (fd < 0 && errno != ENOENT) {
		err = -errno;
		mg_err("cannot open %s: %s", path, strerror(errno));
		return err;
	}
	/* Explicitly, as for XDP: the last reference going frees the link
	 * only later, and a re-attach meanwhile would find it there. */
	if (fd >= 0) {
		bpf_link_detach(fd);
		close(fd);
	}
	if (unlink(path) && errno != ENOENT) {
		err = -errno;
		mg_err("cannot unpin %s: %s", path, strerror(errno));
		return err;
	}
	return 0;
}

int mg_tcx_query(const char *dir, __u32 ifindex, bool ingress, __u32 *prog_id)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	char path[PATH_MAX], name[48];
	int fd, err;

	mg_tcx_pin_name(name, sizeof(name), ifindex, ingress);
	err = mg_pin_entry(dir, name, path, sizeof(path));
	if (err <= 0)
		return err ?: -ENOENT;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	close(fd);
	if (err)
		return err;
	/* The headers have no tcx member: its ifindex is the first word of
	 * the union, where the xdp member's is.  A link whose device went
	 * away reports 0. */
	if (info.xdp.ifindex != ifindex)
		return -ENOENT;
	*prog_id = info.prog_id;
	return 0;
}
