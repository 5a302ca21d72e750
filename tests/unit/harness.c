// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * harness.c - skeleton, maps, test_run, counters, the independent checksum
 * verifier and the hex diff.  See harness.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "mtuguard.skel.h"
#include "../../user/lib/datapath.h"
#include "harness.h"
#include "../../user/lib/netif.h"
#include "../../user/lib/iface_fast.h"
#include "../../user/lib/prefix_filter.h"
#include "../../user/lib/kfeatures.h"
#include "../../user/lib/v6_shards.h"

#define LOOPBACK_IFINDEX 1

static const char *const prog_names[PROG__COUNT] = {
	[PROG_XDP]        = "xdp",
	[PROG_TC_INGRESS] = "tc_ingress",
	[PROG_TC_EGRESS]  = "tc_egress",
};

const char *prog_name(enum prog_id prog)
{
	return prog_names[prog];
}

/* ---- skeleton and maps ----------------------------------------------------- */

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* Does test_run refuse a struct xdp_md for XDP (kernels before 5.15)
 * while it runs the same frame without one? */
static bool xdp_refuses_ctx(int prog_fd)
{
	__u8 frame[64] = {}, out[128];
	struct xdp_md xin = { .data = 0, .data_end = sizeof(frame) };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = sizeof(frame),
		    .data_out = out, .data_size_out = sizeof(out),
		    .ctx_in = &xin, .ctx_size_in = sizeof(xin));

	if (!bpf_prog_test_run_opts(prog_fd, &opts) || errno != EINVAL)
		return false;
	opts.ctx_in = NULL;
	opts.ctx_size_in = 0;
	opts.data_size_out = sizeof(out);
	return !bpf_prog_test_run_opts(prog_fd, &opts);
}

bool harness_no_dev_view;

int harness_open(struct harness *h)
{
	int err;

	memset(h, 0, sizeof(*h));
	h->ns.orig_fd = h->ns.test_fd = -1;
	libbpf_set_print(libbpf_print);
	h->ncpus = libbpf_num_possible_cpus();
	if (h->ncpus <= 0) {
		fprintf(stderr, "libbpf_num_possible_cpus: %d\n", h->ncpus);
		return -1;
	}
	/* No pinning: the maps carry no pinning attribute, the loader pins
	 * them itself.  A test run leaves nothing behind. */
	h->skel = mtuguard_bpf__open();
	if (!h->skel) {
		fprintf(stderr, "mtuguard_bpf__open: %s\n", strerror(errno));
		return -1;
	}
	err = mg_datapath_prepare(h->skel);
	h->skel->rodata->mtug_dev_view = !harness_no_dev_view;
	if (!err)
		err = mtuguard_bpf__load(h->skel);
	if (err) {
		fprintf(stderr, "mtuguard_bpf__load: %s\n", strerror(-err));
		mtuguard_bpf__destroy(h->skel);
		h->skel = NULL;
		return -1;
	}
	h->prog_fd[PROG_XDP] = bpf_program__fd(h->skel->progs.mtuguard_xdp);
	h->prog_fd[PROG_TC_INGRESS] = bpf_program__fd(h->skel->progs.mtuguard_tc_ingress);
	h->prog_fd[PROG_TC_EGRESS] = bpf_program__fd(h->skel->progs.mtuguard_tc_egress);
	h->xdp_no_ctx = xdp_refuses_ctx(h->prog_fd[PROG_XDP]);
	return 0;
}

void harness_close(struct harness *h)
{
	netns_close(h);
	mtuguard_bpf__destroy(h->skel);
	h->skel = NULL;
}

/* Delete every key of a map (hash or LPM trie). */
static int map_clear(int fd, size_t key_size)
{
	__u8 key[64];

	if (key_size > sizeof(key))
		return -1;
	while (bpf_map_get_next_key(fd, NULL, key) == 0)
		if (bpf_map_delete_elem(fd, key))
			return -1;
	return 0;
}

/* Empty one MTU trie, clearing each prefix's prefix_filter bits as the CLI
 * does (a whole-bitmap rebuild per case costs about 20 ms). */
static int trie_clear(struct mtuguard_bpf *s, int family)
{
	int v4_fd = bpf_map__fd(s->maps.mtu_v4), v6_fd = bpf_map__fd(s->maps.mtu_v6);
	int fd = family == AF_INET ? v4_fd : v6_fd;
	struct mtug_lpm_v6_key key; /* the larger key fits both */

	while (bpf_map_get_next_key(fd, NULL, &key) == 0)
		if (bpf_map_delete_elem(fd, &key) ||
		    (family == AF_INET6 &&
		     mg_shards_del(bpf_map__fd(s->maps.mtu_v6_shards), &key,
				   mg_kfeature(MG_KF_V6_SHARDS))) ||
		    mg_filter_forget(bpf_map__fd(s->maps.prefix_filter), v4_fd, v6_fd,
				     family, key.addr, key.prefixlen))
			return -1;
	return 0;
}

/* Zero every entry of a plain array, in one batch. */
static int array_zero_all(int fd, size_t value_size, __u32 n)
{
	__u32 *keys = calloc(n, sizeof(*keys)), i, count = n;
	void *vals = calloc(n, value_size);
	int err = -1;

	if (keys && vals) {
		for (i = 0; i < n; i++)
			keys[i] = i;
		err = bpf_map_update_batch(fd, keys, vals, &count, NULL);
	}
	free(keys);
	free(vals);
	return err;
}

/* Zero the single entry of an array (per-CPU or not). */
static int map_zero(int fd, size_t value_size, int copies)
{
	__u32 zero = 0;
	size_t sz = ((value_size + 7) & ~(size_t)7) * copies;
	void *v = calloc(1, sz);
	int err;

	if (!v)
		return -1;
	err = bpf_map_update_elem(fd, &zero, v, BPF_ANY);
	free(v);
	return err;
}

int harness_reset(struct harness *h)
{
	struct mtuguard_bpf *s = h->skel;

	if (trie_clear(s, AF_INET) || trie_clear(s, AF_INET6) ||
	    map_clear(bpf_map__fd(s->maps.iface_cfg), sizeof(__u32)) ||
	    array_zero_all(bpf_map__fd(s->maps.iface_fast), sizeof(struct mtug_iface_fast),
			   MTUG_IFACE_FAST_ENTRIES) ||

	    map_zero(bpf_map__fd(s->maps.global_cfg), sizeof(struct mtug_global_cfg), 1) ||
	    map_zero(bpf_map__fd(s->maps.counters), sizeof(struct mtug_counters), h->ncpus) ||
	    map_zero(bpf_map__fd(s->maps.ptb_bucket), sizeof(struct mtug_bucket), h->ncpus) ||
	    /* the kept reverse-path answers too: no case (or program) may
	     * lean on what an earlier one looked up */
	    map_zero(bpf_map__fd(s->maps.fib_scratch), bpf_map__value_size(s->maps.fib_scratch),
		     h->ncpus))
		return -1;
	return 0;
}

/* "10.1.0.0/16" or "2001:db8::/32" into an LPM update. */
int harness_add_prefix(struct harness *h, const struct mtu_prefix *mp)
{
	struct mtug_mtu_val val = { .mtu = mp->mtu };
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	unsigned long len;

	snprintf(buf, sizeof(buf), "%s", mp->prefix);
	slash = strchr(buf, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	len = strtoul(slash + 1, NULL, 10);
	if (strchr(buf, ':')) {
		struct mtug_lpm_v6_key k = { .prefixlen = len };
		int fd, err;

		if (len > 128 || inet_pton(AF_INET6, buf, k.addr) != 1 ||
		    mg_filter_add(bpf_map__fd(h->skel->maps.prefix_filter), AF_INET6,
				  k.addr, len))
			return -1;
		if (bpf_map_update_elem(bpf_map__fd(h->skel->maps.mtu_v6), &k, &val, BPF_ANY))
			return -1;
		fd = bpf_map__fd(h->skel->maps.mtu_v6_shards);
		/* As the CLI does: the short trie first, then, where the
		 * kernel makes that cheap, a trie of the prefix's own. */
		err = mg_shards_put(fd, bpf_map__fd(h->skel->maps.mtu_v6), &k, &val,
				    mg_kfeature(MG_KF_V6_SHARDS));
		if (!err && mg_kfeature(MG_KF_V6_SHARDS))
			err = mg_shards_compact(fd, bpf_map__fd(h->skel->maps.mtu_v6));
		return err < 0 ? err : 0;
	} else {
		struct mtug_lpm_v4_key k = { .prefixlen = len };

		if (len > 32 || inet_pton(AF_INET, buf, k.addr) != 1 ||
		    mg_filter_add(bpf_map__fd(h->skel->maps.prefix_filter), AF_INET,
				  k.addr, len))
			return -1;
		return bpf_map_update_elem(bpf_map__fd(h->skel->maps.mtu_v4), &k, &val, BPF_ANY);
	}
}

/* The device's own IPv4 rp_filter (conf/all stays 0, netns.c). */
static int set_rp_filter(__u32 ifindex, __u32 v)
{
	char name[IF_NAMESIZE], path[96];
	FILE *f;
	int err;

	if (!if_indextoname(ifindex, name))
		return -1;
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter", name);
	f = fopen(path, "we");
	if (!f)
		return -1;
	err = fprintf(f, "%u\n", v) < 0;
	err |= fclose(f) != 0;
	return err ? -1 : 0;
}

int harness_apply_cfg(struct harness *h, const struct cfg_spec *c, __u32 ifindex)
{
	__u32 zero = 0;

	if (!c->no_iface) {
		struct mtug_iface_cfg ic = {
			.features = (MTUG_F_MSS | MTUG_F_PTB) & ~c->features_off,
			.mtu = c->iface_mtu,
			.ptb_mode = c->ptb_mode,
			.attach = c->attach,
		};

		int fast_fd = bpf_map__fd(h->skel->maps.iface_fast);

		/* Only a private namespace's device (netns fixtures, the
		 * fuzzer's): never the caller's loopback. */
		if (ifindex != LOOPBACK_IFINDEX && set_rp_filter(ifindex, c->rp_filter))
			return -1;
		/* As the CLI writes them (mg_iface_put). */
		mg_iface_kernel_view(ifindex, &ic);

		if (bpf_map_update_elem(bpf_map__fd(h->skel->maps.iface_cfg),
					&ifindex, &ic, BPF_ANY))
			return -1;
		if (c->fast == FAST_CACHED) {
			if (mg_iface_fast_put(fast_fd, ifindex, &ic))
				return -1;
		} else {
			/* A configuration that clamps every SYN to 576 and
			 * does nothing else: wrong for every fixture using it. */
			struct mtug_iface_fast decoy = {
				.ifindex = c->fast == FAST_OTHER ?
					   ifindex + MTUG_IFACE_FAST_ENTRIES : 0,
				.cfg = { .features = MTUG_F_MSS, .mtu = 576 },
			};
			__u32 idx = mtug_iface_fast_idx(ifindex);

			if (bpf_map_update_elem(fast_fd, &idx, &decoy, BPF_ANY))
				return -1;
		}
	}
	if (c->jumbo_attached) {
		struct mtug_iface_cfg jc = { .features = MTUG_F_MSS | MTUG_F_PTB };

		mg_iface_kernel_view(h->ns.jumbo_ifindex, &jc);
		jc.xdp_features = c->jumbo_xdp_features;
		if (bpf_map_update_elem(bpf_map__fd(h->skel->maps.iface_cfg),
					&h->ns.jumbo_ifindex, &jc, BPF_ANY))
			return -1;
	}
	if (bpf_map_update_elem(bpf_map__fd(h->skel->maps.global_cfg), &zero,
				&c->global, BPF_ANY))
		return -1;
	for (size_t i = 0; i < sizeof(c->prefix) / sizeof(c->prefix[0]) && c->prefix[i].prefix; i++)
		if (harness_add_prefix(h, &c->prefix[i])) {
			fprintf(stderr, "    bad prefix in fixture: %s\n", c->prefix[i].prefix);
			return -1;
		}
	return harness_prefix_gen_bump(h);
}

/* As the CLI does after a prefix change: a new generation, so no
 * prefix_cache entry of an earlier case answers in this one.  Counted
 * here, not read back: a generation must never repeat in the process,
 * whatever a test writes into prefix_sync. */
int harness_prefix_gen_bump(struct harness *h)
{
	static __u32 gen;
	__u32 k = MTUG_SYNC_GEN;

	gen = mtug_prefix_gen_next(gen);
	return bpf_map_update_elem(bpf_map__fd(h->skel->maps.prefix_sync), &k, &gen, BPF_ANY);
}

int harness_counters(struct harness *h, struct mtug_counters *sum)
{
	struct mtug_counters *per_cpu = calloc(h->ncpus, sizeof(*per_cpu));
	__u32 zero = 0;
	int err;

	if (!per_cpu)
		return -1;
	memset(sum, 0, sizeof(*sum));
	err = bpf_map_lookup_elem(bpf_map__fd(h->skel->maps.counters), &zero, per_cpu);
	for (int cpu = 0; !err && cpu < h->ncpus; cpu++) {
#define ADD(name) sum->name += per_cpu[cpu].name;
		MTUG_COUNTERS(ADD)
#undef ADD
	}
	free(per_cpu);
	return err;
}

int harness_run(struct harness *h, enum prog_id prog, const __u8 *in, size_t len,
		__u32 ifindex, unsigned repeat, struct run_result *r)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = in,
		.data_size_in = len,
		.data_out = r->out,
		.data_size_out = sizeof(r->out),
		.repeat = repeat ? repeat : 1,
	);
	/* XDP always gets a ctx, so that ctx_out reports the metadata the
	 * program left (data = its length; data_out starts with it).
	 * ingress_ifindex 0 keeps test_run's default rxq (loopback). */
	struct xdp_md xin = { .data = 0, .data_end = len, .ingress_ifindex = ifindex };
	struct xdp_md xout = {};
	struct __sk_buff sin = { .ifindex = ifindex };
	int err;

	if (prog == PROG_XDP && h->xdp_no_ctx) {
		if (ifindex)
			return -EOPNOTSUPP;
	} else if (prog == PROG_XDP) {
		opts.ctx_in = &xin;
		opts.ctx_size_in = sizeof(xin);
		opts.ctx_out = &xout;
		opts.ctx_size_out = sizeof(xout);
	} else if (ifindex) {
		opts.ctx_in = &sin;
		opts.ctx_size_in = sizeof(sin);
	}
	err = bpf_prog_test_run_opts(h->prog_fd[prog], &opts);
	if (err)
		return -errno;
	r->retval = opts.retval;
	r->out_len = opts.data_size_out;
	r->meta_len = prog == PROG_XDP ? xout.data : 0;
	if (r->meta_len > r->out_len)
		return -ERANGE;
	return 0;
}

__u32 harness_xdp_buf_len(void)
{
	static __u32 len;

	if (!len) {
		/* XDP_PACKET_HEADROOM; SKB_DATA_ALIGN(sizeof(struct
		 * skb_shared_info)), the size from the kernel's BTF (320
		 * bytes with the default 17 fragments, the fallback). */
		long page = sysconf(_SC_PAGESIZE), line = sysconf(_SC_LEVEL1_DCACHE_LINESIZE);
		struct btf *btf = btf__load_vmlinux_btf();
		__s64 shinfo = 320;

		if (btf) {
			__s32 id = btf__find_by_name_kind(btf, "skb_shared_info", BTF_KIND_STRUCT);

			if (id > 0 && btf__resolve_size(btf, id) > 0)
				shinfo = btf__resolve_size(btf, id);
			btf__free(btf);
		}
		if (page <= 0)
			page = 4096;
		if (line <= 0)
			line = 64;
		shinfo = (shinfo + line - 1) / line * line;
		len = (__u32)(page - 256 - shinfo);
	}
	return len;
}

/* ---- verdicts -------------------------------------------------------------- */

static __u32 verdict_code(enum prog_id prog, enum verdict v)
{
	if (prog == PROG_XDP) {
		switch (v) {
		case VERDICT_PASS:     return XDP_PASS;
		case VERDICT_DROP:     return XDP_DROP;
		case VERDICT_REDIRECT: return XDP_REDIRECT;
		case VERDICT_TX:       return XDP_TX;
		}
	} else {
		switch (v) {
		case VERDICT_PASS:     return (__u32)TC_ACT_UNSPEC;
		case VERDICT_DROP:     return TC_ACT_SHOT;
		case VERDICT_REDIRECT: return TC_ACT_REDIRECT;
		case VERDICT_TX:       break;
		}
	}
	return 0xdead;
}

static const char *retval_name(enum prog_id prog, __u32 rc)
{
	static const char *const xdp[] = { "XDP_ABORTED", "XDP_DROP", "XDP_PASS",
					   "XDP_TX", "XDP_REDIRECT" };
	static char buf[32];

	if (prog == PROG_XDP && rc < 5)
		return xdp[rc];
	if (prog != PROG_XDP) {
		switch ((int)rc) {
		case TC_ACT_UNSPEC:   return "TC_ACT_UNSPEC";
		case TC_ACT_OK:       return "TC_ACT_OK";
		case TC_ACT_SHOT:     return "TC_ACT_SHOT";
		case TC_ACT_REDIRECT: return "TC_ACT_REDIRECT";
		}
	}
	snprintf(buf, sizeof(buf), "%u", rc);
	return buf;
}

/* ---- independent checksum verifier --------------------------------------- */

/* RFC 1071 section 4.1, over big-endian 16-bit words. */
static __u16 rfc1071_sum(const __u8 *addr, size_t count)
{
	__u32 sum = 0;

	while (count > 1) {
		sum += (__u32)addr[0] << 8 | addr[1];
		addr += 2;
		count -= 2;
	}
	if (count > 0)
		sum += (__u32)addr[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

static __u16 rd16(const __u8 *b)
{
	return (__u16)(b[0] << 8 | b[1]);
}

/* L4 checksums this verifier knows: where the field is, whether a
 * pseudo-header is summed. */
static bool l4_known(__u8 proto, bool v6, size_t *field, bool *pseudo)
{
	switch (proto) {
	case 6:  *field = 16; *pseudo = true; return true;      /* TCP */
	case 17: *field = 6;  *pseudo = true; return true;      /* UDP */
	case 1:  *field = 2;  *pseudo = false; return !v6;     /* ICMP */
	case 58: *field = 2;  *pseudo = true; return v6;       /* ICMPv6 */
	}
	return false;
}

static const char *l4_name(__u8 proto)
{
	switch (proto) {
	case 6:  return "TCP";
	case 17: return "UDP";
	case 1:  return "ICMP";
	case 58: return "ICMPv6";
	}
	return "L4";
}

enum csum_state csum_check(const __u8 *frame, size_t len, const char **what)
{
	static __u8 buf[40 + PKT_MAX]; /* pseudo-header + L4 segment */
	enum csum_state ip_state = CSUM_NA;
	size_t off = 14, seg_off, seg_len, ph_len = 0, field;
	const __u8 *src, *dst;
	bool v6, pseudo;
	__u16 type;
	__u8 proto;

	*what = "";
	if (len < 14)
		return CSUM_NA;
	type = rd16(frame + 12);
	for (int tags = 0; (type == 0x8100 || type == 0x88a8) && tags < 3; tags++) {
		if (off + 4 > len)
			return CSUM_NA;
		type = rd16(frame + off + 2);
		off += 4;
	}
	if (type == 0x0800) {
		const __u8 *ip = frame + off;
		size_t ihl, tot;

		if (off + 20 > len || ip[0] >> 4 != 4)
			return CSUM_NA;
		ihl = (ip[0] & 0x0f) * 4u;
		tot = rd16(ip + 2);
		if (ihl < 20 || off + ihl > len)
			return CSUM_NA;
		if (rfc1071_sum(ip, ihl) != 0xffff) {
			*what = "IPv4 header";
			return CSUM_BAD;
		}
		ip_state = CSUM_OK;
		*what = "IPv4 header";
		/* A fragment is not a whole L4 segment; a cut packet neither. */
		if ((rd16(ip + 6) & 0x3fff) || tot < ihl || off + tot > len)
			return ip_state;
		v6 = false;
		proto = ip[9];
		src = ip + 12;
		dst = ip + 16;
		seg_off = off + ihl;
		seg_len = tot - ihl;
	} else if (type == 0x86DD) {
		const __u8 *ip6 = frame + off;
		size_t end, pos = off + 40;

		if (off + 40 > len || ip6[0] >> 4 != 6)
			return CSUM_NA;
		end = off + 40 + rd16(ip6 + 4);
		if (end > len)
			return CSUM_NA;
		proto = ip6[6];
		while (proto == 0 || proto == 43 || proto == 60) { /* HBH, Routing, DstOpts */
			if (pos + 8 > end)
				return CSUM_NA;
			proto = frame[pos];
			pos += (frame[pos + 1] + 1u) * 8;
		}
		if (pos > end)
			return CSUM_NA;
		v6 = true;
		src = ip6 + 8;
		dst = ip6 + 24;
		seg_off = pos;
		seg_len = end - pos;
	} else {
		return CSUM_NA;
	}

	if (!l4_known(proto, v6, &field, &pseudo) || seg_len < field + 2 || seg_len > PKT_MAX)
		return ip_state;
	if (proto == 17 && !v6 && rd16(frame + seg_off + field) == 0)
		return ip_state; /* UDP over IPv4 without a checksum */
	if (pseudo && !v6) {
		/* saddr, daddr, zero, protocol, L4 length */
		memcpy(buf, src, 4);
		memcpy(buf + 4, dst, 4);
		buf[8] = 0;
		buf[9] = proto;
		buf[10] = seg_len >> 8;
		buf[11] = seg_len & 0xff;
		ph_len = 12;
	} else if (pseudo) {
		/* saddr, daddr, 32-bit length, 3 zero bytes, next header */
		memcpy(buf, src, 16);
		memcpy(buf + 16, dst, 16);
		buf[32] = seg_len >> 24;
		buf[33] = seg_len >> 16;
		buf[34] = seg_len >> 8;
		buf[35] = seg_len & 0xff;
		buf[36] = buf[37] = buf[38] = 0;
		buf[39] = proto;
		ph_len = 40;
	}
	memcpy(buf + ph_len, frame + seg_off, seg_len);
	*what = l4_name(proto);
	return rfc1071_sum(buf, ph_len + seg_len) == 0xffff ? CSUM_OK : CSUM_BAD;
}

/* ---- hex diff ------------------------------------------------------------- */

static void hexrow(FILE *f, const char *tag, const __u8 *b, size_t len, size_t row)
{
	fprintf(f, "    %04zx %s", row, tag);
	for (size_t i = row; i < row + 16; i++) {
		if (i < len)
			fprintf(f, " %02x", b[i]);
		else
			fprintf(f, "   ");
	}
	fputc('\n', f);
}

static bool row_same(const __u8 *want, size_t wlen, const __u8 *got, size_t glen,
		     size_t row)
{
	size_t max = wlen > glen ? wlen : glen;

	for (size_t i = row; i < row + 16 && i < max; i++)
		if (i >= wlen || i >= glen || want[i] != got[i])
			return false;
	return true;
}

/* Every row of a frame up to 512 bytes; of a longer one the rows that
 * differ, with one row either side, and "..." for the rest. */
void hexdiff(FILE *f, const __u8 *want, size_t wlen, const __u8 *got, size_t glen)
{
	size_t max = wlen > glen ? wlen : glen;
	bool skipped = false;

	fprintf(f, "    expected %zu bytes, got %zu bytes\n", wlen, glen);
	for (size_t row = 0; row < max; row += 16) {
		if (row_same(want, wlen, got, glen, row)) {
			if (max > 512 && (row < 16 || row_same(want, wlen, got, glen, row - 16)) &&
			    (row + 16 >= max || row_same(want, wlen, got, glen, row + 16))) {
				if (!skipped)
					fprintf(f, "    ...\n");
				skipped = true;
				continue;
			}
			hexrow(f, "   ", want, wlen, row);
			skipped = false;
			continue;
		}
		skipped = false;
		hexrow(f, "exp", want, wlen, row);
		hexrow(f, "got", got, glen, row);
		fprintf(f, "            ");
		for (size_t i = row; i < row + 16 && i < max; i++)
			fprintf(f, "%s", i < wlen && i < glen && want[i] == got[i] ? "   " : " ^^");
		fputc('\n', f);
	}
}

void report_plain(const char *name, bool ok, const char *why, const char *filter,
		  int *pass, int *fail)
{
	if (filter && !strstr(name, filter))
		return;
	if (ok) {
		printf("PASS: %s\n", name);
		(*pass)++;
	} else {
		printf("FAIL: %s (%s)\n", name, why);
		(*fail)++;
	}
}

/* ---- one case ---------------------------------------------------------------- */

struct why {
	char buf[512];
	size_t len;
};

static void why_add(struct why *w, const char *fmt, ...)
{
	va_list ap;

	if (w->len >= sizeof(w->buf) - 1)
		return;
	if (w->len)
		w->len += snprintf(w->buf + w->len, sizeof(w->buf) - w->len, "; ");
	if (w->len >= sizeof(w->buf) - 1)
		return;
	va_start(ap, fmt);
	w->len += vsnprintf(w->buf + w->len, sizeof(w->buf) - w->len, fmt, ap);
	va_end(ap);
	if (w->len > sizeof(w->buf) - 1)
		w->len = sizeof(w->buf) - 1;
}

/* Expected output: the input, then the fixture's explicit edits. */
static int expected_output(const struct expect *e, const struct pkt *in,
			   struct pkt *want, struct why *w)
{
	memcpy(want, in, sizeof(*want));
	if (e->mss.on) {
		const struct pkt_layer *tcp = pkt_find(want, PL_TCP, 0);
		size_t at;

		if (!tcp) {
			why_add(w, "fixture: MSS edit but no TCP layer");
			return -1;
		}
		for (int i = 0; i < (e->mss.second ? 2 : 1); i++) {
			unsigned opt_off = i ? e->mss.opt_off2 : e->mss.opt_off;

			at = tcp->off + 20 + opt_off;
			if (at + 4 > want->len || want->data[at] != 2 || want->data[at + 1] != 4) {
				why_add(w, "fixture: no MSS option at option offset %u", opt_off);
				return -1;
			}
			pkt_put16(want, at + 2, e->mss.value);
		}
		pkt_refresh_csums(want);
	}
	if (e->edit)
		e->edit(want);
	return 0;
}

/* Does the spec ask for a wrong checksum somewhere? */
static bool csum_corrupted(const struct pkt_spec *s)
{
	return s->ip4.csum_delta ||
	       (s->l4 == L4_TCP && (s->tcp.csum_delta || s->tcp.csum_partial)) ||
	       (s->l4 == L4_ICMP && s->icmp.csum_delta);
}

/* The kernel's test_run refuses (EINVAL) an skb whose ethertype says IPv4
 * or IPv6 but whose base IP header is cut, and one longer than a page
 * less its head- and tailroom.  Only XDP sees those frames. */
static const char *tc_refuses(enum prog_id prog, const struct pkt *in)
{
	__u16 type;

	if (prog == PROG_XDP || in->len < 14)
		return NULL;
	if (in->len > harness_xdp_buf_len())
		return "test_run takes no skb over a page with its head- and tailroom";
	/* skb->protocol is the outer ethertype: behind VLAN tags the kernel
	 * does not look, so only untagged frames are refused. */
	type = pkt_get16(in, 12);
	if ((type == 0x0800 && in->len < 14 + 20) || (type == 0x86DD && in->len < 14 + 40))
		return "test_run refuses an skb with a cut IP header";
	return NULL;
}

enum case_result harness_case(struct harness *h, const struct fixture *f,
			      enum prog_id prog)
{
	const struct expect *e = f->exp_on[prog] ? f->exp_on[prog] : &f->exp;
	static struct pkt in, want;
	static struct run_result r;
	struct mtug_counters before, after;
	enum csum_state in_cs, out_cs;
	struct why w = { .len = 0 };
	const char *what;
	const __u8 *out;
	__u32 ifindex = LOOPBACK_IFINDEX, ctx_ifindex = 0, out_len;
	bool bytes_ok = true, in_ns = false;
	const char *refused;
	int err;

	if (pkt_build(&in, &f->pkt) < 0) {
		why_add(&w, "fixture: builder: %s", in.err);
		goto out;
	}
	if (expected_output(e, &in, &want, &w) < 0)
		goto out;

	/* The builder and the verifier are written independently: on every
	 * checksum both understand they must agree, unless the fixture asks
	 * for a wrong one (csum_delta). */
	in_cs = csum_check(in.data, in.len, &what);
	if (in_cs == CSUM_BAD && !csum_corrupted(&f->pkt)) {
		why_add(&w, "fixture: builder and verifier disagree on the input %s checksum", what);
		goto out;
	}
	if (csum_check(want.data, want.len, &what) == CSUM_BAD && !csum_corrupted(&f->pkt)) {
		why_add(&w, "fixture: expected output has a bad %s checksum", what);
		goto out;
	}

	if (prog == PROG_XDP && in.len > harness_xdp_buf_len() && !mg_xdp_frags_supported()) {
		printf("SKIP: %s/%s (a multi-buffer frame: this kernel has no multi-buffer XDP)\n",
		       prog_name(prog), f->name);
		return CASE_SKIP;
	}
	if (f->netns) {
		if (netns_enter(h)) {
			why_add(&w, "netns: %s", h->ns.err);
			goto out;
		}
		in_ns = true;
		ifindex = ctx_ifindex = h->ns.in_ifindex;
	}
	if (harness_reset(h) || harness_apply_cfg(h, &f->cfg, ifindex)) {
		why_add(&w, "map setup: %s", strerror(errno));
		goto out;
	}
	if (harness_counters(h, &before)) {
		why_add(&w, "counters: %s", strerror(errno));
		goto out;
	}
	err = harness_run(h, prog, in.data, in.len, ctx_ifindex, f->repeat, &r);
	if (in_ns) {
		in_ns = false;
		if (netns_leave(h)) {
			why_add(&w, "netns: %s", h->ns.err);
			goto out;
		}
	}
	if (err == -EOPNOTSUPP) {
		printf("SKIP: %s/%s (this kernel's test_run takes no struct xdp_md (5.15+), "
		       "and the case needs the ingress interface)\n", prog_name(prog), f->name);
		return CASE_SKIP;
	}
	if (err == -EINVAL && (refused = tc_refuses(prog, &in))) {
		printf("SKIP: %s/%s (%s)\n", prog_name(prog), f->name, refused);
		return CASE_SKIP;
	}
	if (err) {
		why_add(&w, "test_run: %s", strerror(-err));
		goto out;
	}
	if (harness_counters(h, &after)) {
		why_add(&w, "counters: %s", strerror(errno));
		goto out;
	}
	/* The frame is what follows the XDP metadata. */
	out = r.out + r.meta_len;
	out_len = r.out_len - r.meta_len;
	if (prog == PROG_XDP) {
		__u32 meta = 0;

		if (r.meta_len >= sizeof(meta))
			memcpy(&meta, r.out + r.meta_len - sizeof(meta), sizeof(meta));
		if (e->xdp_meta && (r.meta_len != sizeof(meta) || meta != e->xdp_meta))
			why_add(&w, "XDP metadata: %u bytes (0x%08x), expected 4 bytes 0x%08x",
				r.meta_len, meta, e->xdp_meta);
		else if (!e->xdp_meta && r.meta_len)
			why_add(&w, "XDP metadata: %u bytes (0x%08x), expected none",
				r.meta_len, meta);
	}

	if (r.retval != verdict_code(prog, e->verdict))
		why_add(&w, "verdict %s, expected %s", retval_name(prog, r.retval),
			retval_name(prog, verdict_code(prog, e->verdict)));

	if (out_len != want.len || memcmp(out, want.data, want.len)) {
		bytes_ok = false;
		why_add(&w, "output bytes differ");
	}

#define CMP(name)                                                              \
	if (after.name - before.name != e->cnt.name) {                         \
		why_add(&w, #name " +%llu, expected +%llu",                    \
			(unsigned long long)(after.name - before.name),        \
			(unsigned long long)e->cnt.name);                      \
	}
	MTUG_COUNTERS(CMP)
#undef CMP

	out_cs = csum_check(out, out_len, &what);
	if (in_cs == CSUM_OK && out_cs != CSUM_OK)
		why_add(&w, "%s checksum %s after the program (valid before)", what,
			out_cs == CSUM_BAD ? "invalid" : "unverifiable");

	if (!bytes_ok || (h->verbose && w.len == 0)) {
		fprintf(stdout, "    %s/%s: input %zu bytes\n", prog_name(prog), f->name, in.len);
		hexdiff(stdout, want.data, want.len, out, out_len);
	}
out:
	if (in_ns && netns_leave(h))
		why_add(&w, "netns: %s", h->ns.err);
	if (w.len) {
		printf("FAIL: %s/%s (%s)\n", prog_name(prog), f->name, w.buf);
		return CASE_FAIL;
	}
	printf("PASS: %s/%s\n", prog_name(prog), f->name);
	return CASE_PASS;
}
