// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* netdev_genl.c - see netdev_genl.h.  Two requests on one generic-netlink socket:
 * the family's id by name (CTRL_CMD_GETFAMILY), then DEV_GET for the
 * device.  The constants are <linux/netdev.h>'s, spelled out here because
 * the build's kernel headers may predate the family. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "netdev_genl.h"

#define NETDEV_FAMILY_NAME        "netdev"
#define NETDEV_CMD_DEV_GET        1
#define NETDEV_A_DEV_IFINDEX      1
#define NETDEV_A_DEV_XDP_FEATURES 3 /* u64 */

#define NL_BUF 4096

struct nl_req {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[64];
};

static void put_attr(struct nl_req *r, __u16 type, const void *v, __u16 len)
{
	struct nlattr *a = (void *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, v, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/* Send r and read its one answer into buf: the answer's genl payload
 * (attributes) in *attrs / *len, or a negative errno. */
static int transact(int fd, struct nl_req *r, char *buf, struct nlattr **attrs, int *len)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	ssize_t n;

	if (send(fd, r, r->nh.nlmsg_len, 0) < 0)
		return -errno;
	n = recv(fd, buf, NL_BUF, 0);
	if (n < 0)
		return -errno;
	if (!NLMSG_OK(nh, (size_t)n))
		return -EBADMSG;
	if (nh->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *e = NLMSG_DATA(nh);

		return e->error ? e->error : -EBADMSG;
	}
	if (nh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return -EBADMSG;
	*attrs = (struct nlattr *)((char *)NLMSG_DATA(nh) + GENL_HDRLEN);
	*len = nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	return 0;
}

/* The attribute of type `type` among len bytes of attributes, or NULL. */
static struct nlattr *find_attr(struct nlattr *a, int len, __u16 type)
{
	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len) {
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		len -= NLA_ALIGN(a->nla_len);
		a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	}
	return NULL;
}

/* Copy the value of attribute `type` (size bytes at least) into out. */
static int get_attr(struct nlattr *attrs, int len, __u16 type, void *out, size_t size)
{
	struct nlattr *a = find_attr(attrs, len, type);

	if (!a || a->nla_len < NLA_HDRLEN + size)
		return -EBADMSG;
	memcpy(out, (char *)a + NLA_HDRLEN, size);
	return 0;
}

static void req_init(struct nl_req *r, __u16 type, __u8 cmd, __u32 seq)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = NLM_F_REQUEST;
	r->nh.nlmsg_seq = seq;
	r->gh.cmd = cmd;
	r->gh.version = 1;
}

int mg_netdev_xdp_features(__u32 ifindex, __u32 *features)
{
	char buf[NL_BUF] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlattr *attrs;
	struct nl_req r;
	__u16 family;
	__u64 v;
	int fd, len, err;

	*features = 0;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;

	req_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	put_attr(&r, CTRL_ATTR_FAMILY_NAME, NETDEV_FAMILY_NAME, sizeof(NETDEV_FAMILY_NAME));
	err = transact(fd, &r, buf, &attrs, &len);
	if (err == -ENOENT)
		err = -EOPNOTSUPP; /* no such family: a kernel before 6.3 */
	if (!err)
		err = get_attr(attrs, len, CTRL_ATTR_FAMILY_ID, &family, sizeof(family));
	if (err)
		goto out;

	req_init(&r, family, NETDEV_CMD_DEV_GET, 2);
	put_attr(&r, NETDEV_A_DEV_IFINDEX, &ifindex, sizeof(ifindex));
	err = transact(fd, &r, buf, &attrs, &len);
	if (!err)
		err = get_attr(attrs, len, NETDEV_A_DEV_XDP_FEATURES, &v, sizeof(v));
	if (!err)
		*features = (__u32)v;
out:
	close(fd);
	return err;
}
