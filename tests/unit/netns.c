// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * netns.c - the private network namespace of the .netns fixtures (fib and
 * broadcast modes need a real FIB, neighbours and devices).  See harness.h
 * ("The private network namespace") for the topology.
 *
 * The namespace is anonymous: unshare(CLONE_NEWNET) without a name under
 * /run/netns, kept alive only by ns.test_fd.  When the process ends, by
 * any path, the fd goes and the kernel removes the namespace with its veth
 * pairs.  Nothing on the host is touched: the `ip` commands run as
 * children of this process while it is inside the new namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define NS_IN_DEV  "mtg_in"
#define NS_OUT_DEV "mtg_out"

/* Everything the fixtures rely on.  Addresses: harness.h (NS_*). */
static const char *const setup_cmds[] = {
	"ip link set lo up",
	"ip link add " NS_IN_DEV " address 02:00:00:00:00:02 type veth"
	" peer name mtg_inp address 02:00:00:00:00:01",
	"ip link add " NS_OUT_DEV " address 02:00:00:00:0b:01 type veth"
	" peer name mtg_outp address 02:00:00:00:0b:02",
	"ip link set " NS_IN_DEV " up",
	"ip link set mtg_inp up",
	"ip link set " NS_OUT_DEV " up",
	"ip link set mtg_outp up",
	"ip addr add 192.0.2.1/24 dev " NS_IN_DEV,
	"ip addr add 198.51.100.1/24 dev " NS_OUT_DEV,
	"ip -6 addr add 2001:db8:f0::1/64 dev " NS_IN_DEV " nodad",
	"ip -6 addr add 2001:db8:f1::1/64 dev " NS_OUT_DEV " nodad",
	/* the local VIP */
	"ip addr add " NS_LOCAL4 "/32 dev lo",
	"ip -6 addr add " NS_LOCAL6 "/128 dev lo nodad",
	/* the routed VIP, via a resolved gateway */
	"ip neigh replace 198.51.100.2 lladdr 02:00:00:00:0c:02 dev " NS_OUT_DEV " nud permanent",
	"ip -6 neigh replace 2001:db8:f1::2 lladdr 02:00:00:00:0c:02 dev " NS_OUT_DEV
	" nud permanent",
	"ip route add 10.2.2.0/24 via 198.51.100.2 dev " NS_OUT_DEV,
	"ip -6 route add 2001:db8:2::/64 via 2001:db8:f1::2 dev " NS_OUT_DEV,
	/* one-armed: via a resolved gateway behind the ingress interface */
	"ip neigh replace 192.0.2.4 lladdr 02:00:00:00:0c:04 dev " NS_IN_DEV " nud permanent",
	"ip -6 neigh replace 2001:db8:f0::4 lladdr 02:00:00:00:0c:04 dev " NS_IN_DEV
	" nud permanent",
	"ip route add 10.4.4.0/24 via 192.0.2.4 dev " NS_IN_DEV,
	"ip -6 route add 2001:db8:4::/64 via 2001:db8:f0::4 dev " NS_IN_DEV,
	/* via a gateway nobody has resolved */
	"ip route add 10.3.3.0/24 via 198.51.100.3 dev " NS_OUT_DEV,
	"ip -6 route add 2001:db8:3::/64 via 2001:db8:f1::3 dev " NS_OUT_DEV,
	/* a jumbo link: MTU 9000, via a resolved gateway */
	"ip link add mtg_jumbo address 02:00:00:00:0d:01 mtu 9000 type veth"
	" peer name mtg_jumbop address 02:00:00:00:0d:02 mtu 9000",
	"ip link set mtg_jumbo up",
	"ip link set mtg_jumbop up",
	"ip addr add 203.0.113.1/24 dev mtg_jumbo",
	"ip -6 addr add 2001:db8:f2::1/64 dev mtg_jumbo nodad",
	"ip neigh replace 203.0.113.2 lladdr 02:00:00:00:0c:05 dev mtg_jumbo nud permanent",
	"ip -6 neigh replace 2001:db8:f2::2 lladdr 02:00:00:00:0c:05 dev mtg_jumbo"
	" nud permanent",
	"ip route add 10.5.5.0/24 via 203.0.113.2 dev mtg_jumbo",
	"ip -6 route add 2001:db8:5::/64 via 2001:db8:f2::2 dev mtg_jumbo",
	/* explicitly unreachable */
	"ip route add unreachable 10.66.0.0/16",
	"ip -6 route add unreachable 2001:db8:66::/48",
	/* NS_NOROUTE*: nothing */
	/* the clients (PKT_DEF_V*_SRC) behind a resolved gateway on the
	 * ingress side: the route back the reverse-path check wants */
	"ip neigh replace 192.0.2.5 lladdr 02:00:00:00:0c:06 dev " NS_IN_DEV " nud permanent",
	"ip -6 neigh replace 2001:db8:f0::5 lladdr 02:00:00:00:0c:06 dev " NS_IN_DEV
	" nud permanent",
	"ip route add 10.1.1.0/24 via 192.0.2.5 dev " NS_IN_DEV,
	"ip -6 route add 2001:db8:1::/64 via 2001:db8:f0::5 dev " NS_IN_DEV,
	/* sources routed out of the other side (strict rp_filter refuses
	 * them on the ingress), sources with a blackhole route */
	"ip route add 10.8.8.0/24 via 198.51.100.2 dev " NS_OUT_DEV,
	"ip route add blackhole " NS_BLACKHOLE4 "/32",
};

static const char *const sysctls[][2] = {
	{ "/proc/sys/net/ipv4/ip_forward", "1" },
	{ "/proc/sys/net/ipv6/conf/all/forwarding", "1" },
	{ "/proc/sys/net/ipv6/conf/default/forwarding", "1" },
	{ "/proc/sys/net/ipv6/conf/default/accept_dad", "0" },
	/* IPv4 settings are inherited from the caller's namespace: rp_filter
	 * is each fixture's (cfg_spec.rp_filter on the ingress device). */
	{ "/proc/sys/net/ipv4/conf/all/rp_filter", "0" },
	{ "/proc/sys/net/ipv4/conf/default/rp_filter", "0" },
};

static int write_file(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	int err;

	if (!f)
		return -1;
	err = fputs(val, f) < 0;
	err |= fclose(f) != 0;
	return err ? -1 : 0;
}

/* Run one command, its output captured for the error message. */
static int run_cmd(struct harness_netns *ns, const char *cmd)
{
	char buf[512], out[160] = "";
	size_t n = 0;
	FILE *p;
	int st;

	snprintf(buf, sizeof(buf), "%s 2>&1", cmd);
	p = popen(buf, "r");
	if (!p) {
		snprintf(ns->err, sizeof(ns->err), "%s: %s", cmd, strerror(errno));
		return -1;
	}
	while (fgets(buf, sizeof(buf), p))
		if (n < sizeof(out) - 1)
			n += snprintf(out + n, sizeof(out) - n, "%s", buf);
	st = pclose(p);
	if (st != 0) {
		out[strcspn(out, "\n")] = '\0';
		snprintf(ns->err, sizeof(ns->err), "'%s' failed: %s", cmd, out);
		return -1;
	}
	return 0;
}

static int netns_setup(struct harness *h)
{
	struct harness_netns *ns = &h->ns;

	ns->orig_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (ns->orig_fd < 0) {
		snprintf(ns->err, sizeof(ns->err), "open /proc/self/ns/net: %s", strerror(errno));
		return -1;
	}
	if (unshare(CLONE_NEWNET)) {
		snprintf(ns->err, sizeof(ns->err), "unshare(CLONE_NEWNET): %s", strerror(errno));
		return -1;
	}
	/* From here on we are inside: every failure must go back. */
	ns->test_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (ns->test_fd < 0) {
		snprintf(ns->err, sizeof(ns->err), "open new netns: %s", strerror(errno));
		goto back;
	}
	for (size_t i = 0; i < sizeof(sysctls) / sizeof(sysctls[0]); i++)
		if (write_file(sysctls[i][0], sysctls[i][1])) {
			snprintf(ns->err, sizeof(ns->err), "%s: %s", sysctls[i][0], strerror(errno));
			goto back;
		}
	for (size_t i = 0; i < sizeof(setup_cmds) / sizeof(setup_cmds[0]); i++)
		if (run_cmd(ns, setup_cmds[i]))
			goto back;
	ns->in_ifindex = if_nametoindex(NS_IN_DEV);
	ns->jumbo_ifindex = if_nametoindex("mtg_jumbo");
	if (!ns->in_ifindex || !ns->jumbo_ifindex) {
		snprintf(ns->err, sizeof(ns->err), "if_nametoindex(%s, mtg_jumbo): %s", NS_IN_DEV,
			 strerror(errno));
		goto back;
	}
	if (setns(ns->orig_fd, CLONE_NEWNET)) {
		snprintf(ns->err, sizeof(ns->err), "setns back: %s", strerror(errno));
		return -1;
	}
	return 0;
back:
	if (setns(ns->orig_fd, CLONE_NEWNET))
		fprintf(stderr, "netns: cannot go back to the original namespace: %s\n",
			strerror(errno));
	return -1;
}

int netns_enter(struct harness *h)
{
	struct harness_netns *ns = &h->ns;

	if (ns->state == 0) {
		ns->state = netns_setup(h) ? -1 : 1;
		if (ns->state < 0) {
			/* Drop the half-built namespace now. */
			if (ns->test_fd >= 0)
				close(ns->test_fd);
			ns->test_fd = -1;
			fprintf(stderr, "netns setup failed: %s\n", ns->err);
		}
	}
	if (ns->state < 0)
		return -1;
	if (setns(ns->test_fd, CLONE_NEWNET)) {
		snprintf(ns->err, sizeof(ns->err), "setns: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int netns_leave(struct harness *h)
{
	if (setns(h->ns.orig_fd, CLONE_NEWNET)) {
		snprintf(h->ns.err, sizeof(h->ns.err), "setns back: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void netns_close(struct harness *h)
{
	if (h->ns.test_fd >= 0)
		close(h->ns.test_fd); /* the last reference: the kernel removes it */
	if (h->ns.orig_fd >= 0)
		close(h->ns.orig_fd);
	h->ns.test_fd = h->ns.orig_fd = -1;
	h->ns.state = 0;
}
