// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* netif.c - see netif.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "netif.h"
#include "netdev_genl.h"
#include "kfeatures.h"
#include "log.h"

__u32 mg_ifname_index(const char *name)
{
	/* if_nametoindex() would truncate a longer name into another. */
	return strlen(name) < IF_NAMESIZE ? if_nametoindex(name) : 0;
}

int mg_ifname_resolve(const char *name, __u32 *ifindex)
{
	__u32 idx = mg_ifname_index(name);

	if (!idx) {
		mg_err("unknown interface '%s'", name);
		return -ENODEV;
	}
	*ifindex = idx;
	return 0;
}

int mg_ifname(__u32 ifindex, char *buf)
{
	if (if_indextoname(ifindex, buf))
		return 0;
	snprintf(buf, IF_NAMESIZE, "if%u", ifindex);
	return -ENODEV;
}

const char *mg_ifname_str(__u32 ifindex, char *buf)
{
	mg_ifname(ifindex, buf);
	return buf;
}

__u32 mg_iface_link_mtu(const char *name)
{
	struct ifreq ifr = {};
	int fd;
	__u32 mtu = 0;

	/* An ioctl rather than /sys/class/net: /sys may belong to another
	 * network namespace than ours (nsenter without a fresh sysfs). */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFMTU, &ifr) == 0)
		mtu = ifr.ifr_mtu;
	close(fd);
	return mtu;
}

void mg_iface_driver(const char *name, char *buf, size_t len)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = {};
	int fd;

	buf[0] = '\0';
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_data = (void *)&info;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0)
		snprintf(buf, len, "%.*s", (int)sizeof(info.driver), info.driver);
	close(fd);
}

/* An integer sysctl under /proc/sys/net/ipv4/conf (this process's network
 * namespace, whatever /sys is), or -1. */
static int conf_int(const char *dev, const char *name)
{
	char path[96], buf[32];
	FILE *f;
	int v = -1;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/%s", dev, name);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		v = atoi(buf);
	fclose(f);
	return v;
}

void mg_iface_kernel_view(__u32 ifindex, struct mtug_iface_cfg *c)
{
	char name[IF_NAMESIZE];
	struct ifreq ifr = {};
	int fd, all, own;

	memset(c->mac, 0, sizeof(c->mac));
	c->rp_filter = 1;
	/* 0 before 6.3, where the kernel does not say.  Not even asked
	 * there: a kernel without the "netdev" netlink family answers the
	 * request for it by running modprobe for a module of that name,
	 * every time (seconds per hundred interface writes in a slow VM). */
	c->xdp_features = 0;
	if (mg_kfeature(MG_KF_XDP_FEATURES))
		mg_netdev_xdp_features(ifindex, &c->xdp_features);
	if (mg_ifname(ifindex, name))
		return;
	all = conf_int("all", "rp_filter");
	own = conf_int(name, "rp_filter");
	if (all >= 0 && own >= 0)
		c->rp_filter = all > own ? all : own;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0)
		memcpy(c->mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
}
