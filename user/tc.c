// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* tc.c - see tc.h. */
#include <errno.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "iface.h"
#include "log.h"
#include "tc.h"

static const char *dir_name(bool ingress)
{
	return ingress ? "ingress" : "egress";
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
