// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * kfeatures.c - see kfeatures.h.
 *
 * Most probes read the kernel's own BTF (/sys/kernel/btf/vmlinux, which
 * the BPF object needs for CO-RE anyway): a type, member, enumerator or
 * function is there exactly when the kernel has the code behind it, which
 * holds for backported facilities too.  Where nothing in BTF tells, the
 * probe asks the kernel (a tiny program load) or, last, compares the
 * version.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "kfeatures.h"
#include "log.h"

/* The kernel's BTF, loaded once; NULL if it has none (then every BTF
 * probe says no, and the BPF object would not load either). */
static const struct btf *kernel_btf(void)
{
	static struct btf *btf;
	static bool tried;

	if (!tried) {
		tried = true;
		btf = btf__load_vmlinux_btf();
		if (!btf)
			mg_dbg("no kernel BTF (%s): optional facilities taken as absent",
			       strerror(errno));
	}
	return btf;
}

/* Type id of a named type of one kind, or 0. */
static __u32 find(const struct btf *btf, const char *name, __u32 kind)
{
	int id = btf ? btf__find_by_name_kind(btf, name, kind) : -ENOENT;

	return id > 0 ? id : 0;
}

/* Whether the struct or union of type id (typedefs and qualifiers
 * skipped) has a member called name, looking into anonymous members too
 * (bpf_fib_lookup's mtu_result sits in an unnamed union). */
static bool has_member(const struct btf *btf, __u32 id, const char *name, int depth)
{
	const struct btf_member *m;
	const struct btf_type *t;
	const char *n;
	int rid, i;

	rid = btf__resolve_type(btf, id);
	t = rid > 0 ? btf__type_by_id(btf, rid) : NULL;
	if (!t || !btf_is_composite(t) || depth > 8)
		return false;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		n = btf__name_by_offset(btf, m->name_off);
		if (n && *n ? !strcmp(n, name) : has_member(btf, m->type, name, depth + 1))
			return true;
	}
	return false;
}

static bool struct_has(const char *type, __u32 kind, const char *member)
{
	const struct btf *btf = kernel_btf();
	__u32 id = find(btf, type, kind);

	return id && has_member(btf, id, member, 0);
}

static bool enum_has(const char *type, const char *value)
{
	const struct btf *btf = kernel_btf();
	__u32 id = find(btf, type, BTF_KIND_ENUM);
	const struct btf_type *t = id ? btf__type_by_id(btf, id) : NULL;
	const struct btf_enum *e;
	int i;

	if (!t)
		return false;
	e = btf_enum(t);
	for (i = 0; i < btf_vlen(t); i++, e++)
		if (!strcmp(btf__name_by_offset(btf, e->name_off), value))
			return true;
	return false;
}

/* bpf_fib_lookup() fills mtu_result (the route's MTU) from 5.11. */
static int probe_fib_route_mtu(void)
{
	return struct_has("bpf_fib_lookup", BTF_KIND_STRUCT, "mtu_result");
}

/* What bpf/fib.h's fib_flags_v4() tests before it takes the direct
 * lookup: the kfunc (6.2) and the fields it reads (CONFIG_NET_NS,
 * CONFIG_IP_MULTIPLE_TABLES).  bpf/strict.h reads the device through the
 * same kfunc (its address from dev_addr_shadow, 5.17). */
static int probe_fib_direct(void)
{
	return find(kernel_btf(), "bpf_cast_to_kern_ctx", BTF_KIND_FUNC) &&
	       struct_has("possible_net_t", BTF_KIND_TYPEDEF, "net") &&
	       struct_has("netns_ipv4", BTF_KIND_STRUCT, "fib_has_custom_rules") &&
	       struct_has("netns_ipv4", BTF_KIND_STRUCT, "fib_default");
}

/* Multi-buffer XDP came with bpf_xdp_get_buff_len() (5.18): ask the
 * verifier whether an XDP program may call it. */
static int probe_xdp_frags(void)
{
	int r = libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_xdp_get_buff_len, NULL);

	if (r < 0)
		mg_dbg("probe of bpf_xdp_get_buff_len: %s", strerror(-r));
	return r;
}

/* Each device's XDP abilities (net_device.xdp_features, told through the
 * netdev netlink family: user/netdev.c) came in 6.3. */
static int probe_xdp_features(void)
{
	return struct_has("net_device", BTF_KIND_STRUCT, "xdp_features");
}

static int probe_tcx(void)
{
	return enum_has("bpf_attach_type", "BPF_TCX_INGRESS");
}

/* Before 6.8 every read of a map of maps from userspace, and every
 * element of a batched write into one, waits for an RCU grace period of
 * its own, so giving each IPv6 shard its trie costs a grace period per
 * shard, and even finding a prefix's trie costs one.  Nothing in BTF or
 * the UAPI changed with it: the version tells. */
static int probe_v6_shards(void)
{
	unsigned int major, minor;

	if (mg_kernel_version_parse(mg_kernel_release(), &major, &minor))
		return -EINVAL;
	return major > 6 || (major == 6 && minor >= 8);
}

static const struct mg_kfeature_info table[MG_KF_NR] = {
	[MG_KF_FIB_ROUTE_MTU] = { "fib_route_mtu",
		"the route MTU from bpf_fib_lookup (mtu source pmtu)", "5.11",
		probe_fib_route_mtu },
	[MG_KF_FIB_DIRECT] = { "fib_direct",
		"the receiving device read per packet (ptb mode fib, ptb forward: the direct "
		"IPv4 FIB lookup; the MAC, rp_filter and kept route-back answers of their "
		"checks)", "6.2",
		probe_fib_direct },
	[MG_KF_XDP_FRAGS] = { "xdp_frags",
		"multi-buffer XDP (frames larger than a page)", "5.18",
		probe_xdp_frags },
	[MG_KF_XDP_FEATURES] = { "xdp_features",
		"each device's XDP abilities (multi-buffer frames redirected from XDP to "
		"devices that send them)", "6.3",
		probe_xdp_features },
	[MG_KF_TCX] = { "tcx",
		"TC programs attached through TCX links", "6.6",
		probe_tcx },
	[MG_KF_V6_SHARDS] = { "v6_shards",
		"a trie per IPv6 shard (map-in-map reads without an RCU wait, "
		"batched writes with one)",
		"6.8", probe_v6_shards },
};

const struct mg_kfeature_info *mg_kfeature_info(enum mg_kfeature f)
{
	return f < MG_KF_NR ? &table[f] : NULL;
}

bool mg_kfeature(enum mg_kfeature f)
{
	static signed char state[MG_KF_NR]; /* 0 unknown, 1 yes, -1 no */

	if (f >= MG_KF_NR)
		return false;
	if (!state[f])
		state[f] = table[f].probe() > 0 ? 1 : -1;
	return state[f] > 0;
}

const char *mg_kernel_release(void)
{
	static struct utsname u;

	if (!u.release[0] && uname(&u))
		snprintf(u.release, sizeof(u.release), "unknown");
	return u.release;
}

int mg_kernel_version_parse(const char *release, unsigned int *major,
			    unsigned int *minor)
{
	int n = 0;

	if (sscanf(release, "%u.%u%n", major, minor, &n) != 2 || !n)
		return -EINVAL;
	return 0;
}

void mg_kfeature_refusal(enum mg_kfeature f, const char *what, const char *release,
			 char *buf, size_t len)
{
	snprintf(buf, len, "%s needs kernel %s or later (this kernel: %s)", what,
		 f < MG_KF_NR ? table[f].since : "?", release);
}

int mg_kfeature_require(enum mg_kfeature f, const char *what)
{
	char line[256];

	if (mg_kfeature(f))
		return 0;
	mg_kfeature_refusal(f, what, mg_kernel_release(), line, sizeof(line));
	mg_err("%s", line);
	return -EOPNOTSUPP;
}

void mg_kfeatures_line(char *buf, size_t len)
{
	size_t at = 0;
	int f, n;

	buf[0] = '\0';
	for (f = 0; f < MG_KF_NR && at < len; f++) {
		if (mg_kfeature(f))
			n = snprintf(buf + at, len - at, "%s%s yes", f ? ", " : "",
				     table[f].name);
		else
			n = snprintf(buf + at, len - at, "%s%s no (%s)", f ? ", " : "",
				     table[f].name, table[f].since);
		if (n < 0)
			break;
		at += n;
	}
}
