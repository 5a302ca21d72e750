// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * status.c - `mtuguard status [--json]`: what is attached where and the
 * global settings.  Attach state is checked live (XDP link, TC filters),
 * not only taken from the bookkeeping in iface_cfg.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "mtuguard.h"
#include "args.h"
#include "attach.h"
#include "config_maps.h"
#include "cmd.h"
#include "config_file.h"
#include "datapath.h"
#include "netif.h"
#include "json.h"
#include "kfeatures.h"
#include "lifecycle.h"
#include "log.h"
#include "pin.h"
#include "share.h"
#include "state.h"
#include "tc.h"
#include "xdp.h"

static const char *const ptb_modes[] = {
	[MTUG_PTB_OFF] = "off",
	[MTUG_PTB_FIB] = "fib",
	[MTUG_PTB_BROADCAST] = "broadcast",
};

static const char *ptb_mode_name(__u32 m)
{
	return m < sizeof(ptb_modes) / sizeof(ptb_modes[0]) ? ptb_modes[m] : "unknown";
}

struct iface_view {
	__u32 ifindex;
	char name[IF_NAMESIZE];
	bool exists;
	struct mtug_iface_cfg cfg;
	const char *xdp_mode;
	bool xdp_attached;
	__u32 xdp_prog_id;
	bool tc_ingress, tc_egress;
	__u32 missing; /* recorded parts not live: an interrupted attach */
	__u32 link_mtu;
	struct mg_share_view share; /* a shared XDP hook (share.h) */
	bool xdp_single;            /* the XDP program is single-buffer */
};

static void view_iface(const struct mg_state *st, __u32 ifindex, struct iface_view *v)
{
	__u32 id;

	memset(v, 0, sizeof(*v));
	v->ifindex = ifindex;
	v->exists = mg_ifname(ifindex, v->name) == 0;
	mg_iface_get(st, ifindex, &v->cfg);
	v->xdp_mode = mg_config_xdp_mode_name(v->cfg.attach);
	if (v->cfg.attach & (MTUG_A_CHAIN | MTUG_A_ROOT)) {
		v->xdp_attached = mg_share_live(st, ifindex, &v->cfg);
		if (v->cfg.attach & MTUG_A_ROOT)
			v->xdp_mode = "root-array";
		v->xdp_prog_id = v->cfg.xdp_prog_id;
		mg_share_view(st, ifindex, &v->cfg, &v->share);
		v->xdp_single = mg_share_single_buffer(st, &v->cfg);
	} else {
		if (mg_xdp_query(st->dir, ifindex, &v->xdp_attached, &v->xdp_prog_id))
			v->xdp_prog_id = 0;
		v->xdp_single = !mg_xdp_frags_supported();
	}
	if (!v->xdp_prog_id)
		v->xdp_prog_id = v->cfg.xdp_prog_id;
	/* Live, at our priority whatever the entry records. */
	if (v->exists) {
		v->tc_ingress = !mg_tc_query(st->dir, ifindex, v->cfg.attach, true, &id);
		v->tc_egress = !mg_tc_query(st->dir, ifindex, v->cfg.attach, false, &id);
	}
	if (v->exists) {
		v->link_mtu = mg_iface_link_mtu(v->name);
		v->missing = mg_attach_missing(st, ifindex, &v->cfg);
	}
}

/* The kernel's optional facilities, one line: what runs here. */
static void kernel_text(void)
{
	char line[512];

	mg_kfeatures_line(line, sizeof(line));
	printf("kernel:      %s: %s\n", mg_kernel_release(), line);
}

/* "kernel": {"release": ..., "facilities": {"tcx": {"available": ...,
 * "since": "6.6"}, ...}} */
static void kernel_json(struct mg_json *j)
{
	const struct mg_kfeature_info *k;
	int f;

	mg_json_obj_begin(j, "kernel");
	mg_json_str(j, "release", mg_kernel_release());
	mg_json_obj_begin(j, "facilities");
	for (f = 0; f < MG_KF_NR; f++) {
		k = mg_kfeature_info(f);
		mg_json_obj_begin(j, k->name);
		mg_json_bool(j, "available", mg_kfeature(f));
		mg_json_str(j, "since", k->since);
		mg_json_str(j, "gives", k->gives);
		mg_json_obj_end(j);
	}
	mg_json_obj_end(j);
	mg_json_obj_end(j);
}

static void mtu_text(char *buf, size_t len, __u32 mtu)
{
	if (mtu)
		snprintf(buf, len, "%u", mtu);
	else
		snprintf(buf, len, "none");
}

/* ", chained to NAME (id N)" / ", in slot P of root array M, then ..." */
static void share_text(const struct iface_view *v, char *buf, size_t len)
{
	char next[48] = "";

	if (v->share.next_id)
		snprintf(next, sizeof(next), "%s (id %u)", v->share.next_name,
			 v->share.next_id);
	if (v->cfg.attach & MTUG_A_CHAIN)
		snprintf(buf, len, ", chained to %s", next[0] ? next : "nothing");
	else if (v->cfg.attach & MTUG_A_ROOT)
		snprintf(buf, len, ", in slot %u of root array %u%s%s", v->share.pos,
			 v->share.root_map_id, next[0] ? ", then " : "", next);
	else
		buf[0] = '\0';
}

static void print_text(const struct mg_state *st, const struct mtug_global_cfg *g,
		       int n4, int n6, const struct iface_view *v, int n)
{
	char mtu[16], what[64], note[160], share[128];
	int i;

	mtu_text(mtu, sizeof(mtu), g->default_mtu);
	printf("pin dir:     %s\n", st->dir);
	kernel_text();
	printf("mtu source:  %s\n", g->mtu_source == MTUG_SRC_PMTU ? "pmtu" : "map");
	printf("default mtu: %s\n", mtu);
	printf("prefixes:    %d ipv4, %d ipv6\n", n4, n6);
	printf("ptb:         min-mtu %u %u, rate %u pps, forward %s, errors %s, invalid %s\n",
	       mg_global_min_mtu_v4(g), mg_global_min_mtu_v6(g), mg_global_rate(g),
	       g->ptb_forward ? "on" : "off", g->ptb_all_errors ? "all" : "frag",
	       g->ptb_invalid == MTUG_INVALID_DROP ? "drop" : "pass");
	printf("interfaces:  %d\n", n);
	for (i = 0; i < n; i++) {
		mtu_text(mtu, sizeof(mtu), v[i].cfg.mtu);
		note[0] = '\0';
		if (v[i].missing) {
			mg_attach_missing_str(v[i].missing, what, sizeof(what));
			snprintf(note, sizeof(note), " [interrupted attach, %s missing: "
				 "'mtuguard attach %s' completes it]", what, v[i].name);
		}
		share_text(&v[i], share, sizeof(share));
		printf("  %s (ifindex %u)%s%s: xdp %s %s-buffer prog %u%s%s, tc (%s) ingress %s egress %s, "
		       "mss %s, ptb %s, ptb mode %s, mtu %s, link mtu %u, xdp xmit-sg %s\n",
		       v[i].name, v[i].ifindex, v[i].exists ? "" : " [device gone]", note,
		       v[i].xdp_mode, v[i].xdp_single ? "single" : "multi", v[i].xdp_prog_id,
		       v[i].xdp_attached ? "" : " (not attached!)", share,
		       v[i].cfg.attach & MTUG_A_TCX ? "tcx" : "clsact",
		       v[i].tc_ingress ? "yes" : "no", v[i].tc_egress ? "yes" : "no",
		       v[i].cfg.features & MTUG_F_MSS ? "on" : "off",
		       v[i].cfg.features & MTUG_F_PTB ? "on" : "off",
		       ptb_mode_name(v[i].cfg.ptb_mode), mtu, v[i].link_mtu,
		       v[i].cfg.xdp_features & MTUG_XDP_ACT_NDO_XMIT_SG ? "yes" : "no");
	}
}

static void print_json(const struct mg_state *st, const struct mtug_global_cfg *g,
		       int n4, int n6, const struct iface_view *v, int n)
{
	struct mg_json j;
	int i;

	mg_json_init(&j, stdout);
	mg_json_obj_begin(&j, NULL);
	mg_json_bool(&j, "attached", true);
	mg_json_str(&j, "pin_dir", st->dir);
	kernel_json(&j);
	mg_json_str(&j, "mtu_source", g->mtu_source == MTUG_SRC_PMTU ? "pmtu" : "map");
	mg_json_u64_or_null(&j, "default_mtu", g->default_mtu);
	mg_json_obj_begin(&j, "prefixes");
	mg_json_u64(&j, "ipv4", n4);
	mg_json_u64(&j, "ipv6", n6);
	mg_json_obj_end(&j);
	mg_json_obj_begin(&j, "ptb");
	mg_json_u64(&j, "min_mtu_v4", mg_global_min_mtu_v4(g));
	mg_json_u64(&j, "min_mtu_v6", mg_global_min_mtu_v6(g));
	mg_json_u64(&j, "rate_pps", mg_global_rate(g));
	mg_json_bool(&j, "forward", g->ptb_forward);
	mg_json_str(&j, "errors", g->ptb_all_errors ? "all" : "frag");
	mg_json_str(&j, "invalid", g->ptb_invalid == MTUG_INVALID_DROP ? "drop" : "pass");
	mg_json_obj_end(&j);
	mg_json_arr_begin(&j, "interfaces");
	for (i = 0; i < n; i++) {
		mg_json_obj_begin(&j, NULL);
		mg_json_str(&j, "name", v[i].name);
		mg_json_u64(&j, "ifindex", v[i].ifindex);
		mg_json_bool(&j, "exists", v[i].exists);
		mg_json_str(&j, "xdp_mode", v[i].xdp_mode);
		mg_json_bool(&j, "xdp_attached", v[i].xdp_attached);
		mg_json_u64(&j, "xdp_prog_id", v[i].xdp_prog_id);
		mg_json_str(&j, "xdp_buffers", v[i].xdp_single ? "single" : "multi");
		mg_json_str(&j, "xdp_share", v[i].cfg.attach & MTUG_A_CHAIN ? "chain" :
			    v[i].cfg.attach & MTUG_A_ROOT ? "root" : "none");
		if (v[i].cfg.attach & MTUG_A_ROOT) {
			mg_json_u64(&j, "root_array_id", v[i].share.root_map_id);
			mg_json_u64(&j, "root_slot", v[i].share.pos);
		}
		if (v[i].cfg.attach & (MTUG_A_CHAIN | MTUG_A_ROOT)) {
			mg_json_obj_begin(&j, "chain");
			mg_json_str(&j, "name", v[i].share.next_name);
			mg_json_u64(&j, "id", v[i].share.next_id);
			mg_json_obj_end(&j);
		}
		mg_json_bool(&j, "interrupted", v[i].missing);
		mg_json_bool(&j, "tc_ingress", v[i].tc_ingress);
		mg_json_bool(&j, "tc_egress", v[i].tc_egress);
		mg_json_str(&j, "tc_hook", v[i].cfg.attach & MTUG_A_TCX ? "tcx" : "clsact");
		mg_json_u64(&j, "tc_prio", v[i].cfg.tc_prio);
		mg_json_u64(&j, "tc_handle", v[i].cfg.tc_prio ? MG_TC_HANDLE : 0);
		mg_json_bool(&j, "own_clsact", v[i].cfg.attach & MTUG_A_OWN_CLSACT);
		mg_json_bool(&j, "mss", v[i].cfg.features & MTUG_F_MSS);
		mg_json_bool(&j, "ptb", v[i].cfg.features & MTUG_F_PTB);
		mg_json_str(&j, "ptb_mode", ptb_mode_name(v[i].cfg.ptb_mode));
		mg_json_u64_or_null(&j, "mtu", v[i].cfg.mtu);
		mg_json_u64(&j, "link_mtu", v[i].link_mtu);
		/* As read at the entry's last write: XDP redirects multi-buffer
		 * frames to the interface only when true. */
		mg_json_bool(&j, "xdp_xmit_sg", v[i].cfg.xdp_features & MTUG_XDP_ACT_NDO_XMIT_SG);
		mg_json_obj_end(&j);
	}
	mg_json_arr_end(&j);
	mg_json_obj_end(&j);
}

static int not_attached(const struct mg_ctx *ctx)
{
	struct mg_json j;

	if (!ctx->json) {
		printf("not attached (pin dir %s)\n", ctx->pin_dir);
		kernel_text();
		return 0;
	}
	mg_json_init(&j, stdout);
	mg_json_obj_begin(&j, NULL);
	mg_json_bool(&j, "attached", false);
	mg_json_str(&j, "pin_dir", ctx->pin_dir);
	kernel_json(&j);
	mg_json_arr_begin(&j, "interfaces");
	mg_json_arr_end(&j);
	mg_json_obj_end(&j);
	return 0;
}

int mg_cmd_status(const struct mg_ctx *ctx, int argc, char **argv)
{
	static struct iface_view views[MTUG_IFACE_MAX_ENTRIES];
	__u32 list[MTUG_IFACE_MAX_ENTRIES];
	struct mtug_global_cfg g;
	struct mg_state st;
	char *pos[argc + 1];
	int err, npos, n, n4, n6, i;

	mg_state_init(&st);
	err = mg_opts_parse("status", argc, argv, NULL, pos, &npos);
	if (!err)
		err = mg_want_args("status", pos, npos, 0, NULL);
	if (err)
		return err;
	/* No state is an answer here, not an error; nor are the leftovers
	 * of an interrupted first attach (removed, saying so on stderr).  A
	 * state that cannot be examined (not root, a pin dir that is a file)
	 * is an error. */
	err = mg_state_recover(ctx->pin_dir);
	if (err >= 0)
		err = mg_state_find(ctx->pin_dir);
	if (err < 0)
		return err; /* cannot tell: never "not attached" */
	if (!err)
		return not_attached(ctx);

	err = mg_state_open(&st, ctx->pin_dir, 0, -1);
	if (!err)
		err = mg_global_get(&st, &g);
	if (err)
		goto out;
	n = mg_iface_list(&st, list, MTUG_IFACE_MAX_ENTRIES);
	if (n < 0) {
		err = n;
		goto out;
	}
	for (i = 0; i < n; i++)
		view_iface(&st, list[i], &views[i]);
	n4 = mg_prefix_count(&st, AF_INET);
	n6 = mg_prefix_count(&st, AF_INET6);
	if (ctx->json)
		print_json(&st, &g, n4, n6, views, n);
	else
		print_text(&st, &g, n4, n6, views, n);
out:
	mg_state_close(&st);
	return err;
}
