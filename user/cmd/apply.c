// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * apply.c - `mtuguard apply -f FILE [--dry-run]` and `mtuguard show-config`.
 *
 * apply reads the whole file, parses and validates it (config_file.c), resolves
 * every interface name, and only then takes the pin dir lock and brings the
 * running state to match: interfaces attached or updated (XDP mode, egress
 * filter, settings), global settings, prefixes (deletions first, so that
 * a full table can be replaced by another), detaches, in that order (the
 * steps that may fail at run time come first).  Each change is one line on
 * stdout as it is made; nothing to do prints "no change".  Each change
 * done is recorded in an undo log, and a failure midway, or SIGINT,
 * SIGTERM or SIGHUP (caught while the lock is held, see sig.h), undoes
 * them in reverse order: the run ends with the whole change or none of it
 * (short of SIGKILL).  With --json the same lines go into one JSON
 * document with how the run ended.
 *
 * A file that names no interface would detach every one: while any is
 * attached that needs --allow-empty, so that an empty or truncated file
 * (a reload half-way through an edit) cannot take the datapath down.
 *
 * show-config prints the running state in the same format, so
 * `show-config | apply -f -` changes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "mtuguard.h"
#include "args.h"
#include "attach.h"
#include "config_maps.h"
#include "cmd.h"
#include "config_file.h"
#include "detach.h"
#include "netif.h"
#include "json.h"
#include "kfeatures.h"
#include "lifecycle.h"
#include "log.h"
#include "share.h"
#include "pin.h"
#include "sig.h"
#include "state.h"

#define CONFIG_MAX_BYTES (256u << 20) /* far above 2 x 262144 prefixes */

/* ---- the running state as a configuration ---------------------------------- */

/*
 * Read what runs in st into c (mg_config_free it): the global settings
 * with their defaults spelled out, the attached interfaces (name, ifindex;
 * "if<N>" for a device gone) and every prefix.  Without state (st NULL)
 * that is the defaults.
 */
static int read_running(const struct mg_state *st, const char *cmd,
			struct mg_config *c)
{
	static __u32 list[MTUG_IFACE_MAX_ENTRIES];
	struct mtug_global_cfg g;
	struct mtug_iface_cfg ic;
	int err, n, i;

	mg_config_init(c);
	if (!st)
		return 0;
	err = mg_global_get(st, &g);
	if (err)
		return err;
	c->global = g;
	c->global.ptb_min_mtu_v4 = mg_global_min_mtu_v4(&g);
	c->global.ptb_min_mtu_v6 = mg_global_min_mtu_v6(&g);
	c->global.ptb_rate_pps = mg_global_rate(&g);
	c->global.ptb_forward = !!g.ptb_forward;
	c->global.ptb_all_errors = !!g.ptb_all_errors;

	n = mg_iface_list(st, list, MTUG_IFACE_MAX_ENTRIES);
	if (n < 0)
		return n;
	c->ifaces = calloc(n ? n : 1, sizeof(*c->ifaces));
	if (!c->ifaces) {
		mg_err("%s: out of memory", cmd);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		struct mg_config_iface *it = &c->ifaces[c->n_ifaces];

		if (mg_iface_get(st, list[i], &ic))
			continue; /* detached meanwhile */
		mg_config_iface_init(it);
		it->ifindex = list[i];
		mg_ifname(list[i], it->name);
		it->generic = ic.attach & MTUG_A_XDP_GENERIC;
		it->egress = ic.attach & MTUG_A_TC_EGRESS;
		it->features = ic.features & (MTUG_F_MSS | MTUG_F_PTB);
		it->ptb_mode = ic.ptb_mode;
		it->mtu = ic.mtu;
		it->chain = ic.attach & MTUG_A_CHAIN;
		mg_share_root_str(st->dir, list[i], &ic, it->root, sizeof(it->root));
		c->n_ifaces++;
	}
	err = mg_prefix_list(st, cmd, &c->prefixes, &c->n_prefixes);
	if (err)
		mg_config_free(c);
	return err;
}

/* ---- show-config ---------------------------------------------------------------- */

int mg_cmd_show_config(const struct mg_ctx *ctx, int argc, char **argv)
{
	struct mg_config c;
	struct mg_state st;
	char *pos[argc + 1];
	bool present;
	size_t i, k;
	int err, npos;

	mg_state_init(&st);
	err = mg_opts_parse("show-config", argc, argv, NULL, pos, &npos);
	if (!err)
		err = mg_want_args("show-config", pos, npos, 0, NULL);
	/* Its output is the file format, never JSON: say so rather than
	 * hand a JSON reader text. */
	if (!err && ctx->json)
		err = mg_usage("show-config: prints the configuration file format "
			       "only; as JSON, the same state is in 'status --json' "
			       "and 'mtu list --json'");
	if (err)
		return err;
	err = mg_state_recover(ctx->pin_dir); /* leftovers: not attached */
	if (err >= 0)
		err = mg_state_find(ctx->pin_dir);
	if (err < 0)
		return err; /* cannot tell: never the defaults */
	present = err > 0;
	if (present) {
		err = mg_state_open(&st, ctx->pin_dir, 0, -1);
		if (err)
			return err;
	}
	err = read_running(present ? &st : NULL, "show-config", &c);
	mg_state_close(&st);
	if (err)
		return err;

	printf("# mtuguard configuration: the running state of %s\n", ctx->pin_dir);
	if (!present)
		printf("# (not attached: the defaults)\n");
	/* What the format cannot hold is named in a comment and left out, so
	 * that applying this output detaches it. */
	for (i = 0, k = 0; i < c.n_ifaces; i++) {
		char name[IF_NAMESIZE];

		if (mg_ifname(c.ifaces[i].ifindex, name))
			printf("# ifindex %u is attached but its device is gone\n",
			       c.ifaces[i].ifindex);
		else if (!mg_config_ifname_ok(name))
			printf("# ifindex %u is attached, but its name cannot be "
			       "written here\n", c.ifaces[i].ifindex);
		else
			c.ifaces[k++] = c.ifaces[i];
	}
	c.n_ifaces = k;
	mg_config_write(stdout, &c);
	mg_config_free(&c);
	return 0;
}

/* ---- apply: input ------------------------------------------------------------- */

/* The whole file (or stdin for "-") into a malloc'ed buffer. */
static int read_file(const char *path, char **buf, size_t *len)
{
	size_t cap = 0, n = 0;
	char *b = NULL, *nb;
	ssize_t r;
	int fd, err = 0;

	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	if (fd < 0) {
		err = -errno;
		mg_err("apply: cannot open %s: %s", path, strerror(errno));
		return err;
	}
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > CONFIG_MAX_BYTES) {
				mg_err("apply: %s is too large (over %u MiB)", path,
				       CONFIG_MAX_BYTES >> 20);
				err = -EFBIG;
				break;
			}
			nb = realloc(b, cap);
			if (!nb) {
				mg_err("apply: out of memory");
				err = -ENOMEM;
				break;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			mg_err("apply: cannot read %s: %s", path, strerror(errno));
			break;
		}
		if (r == 0)
			break;
		n += r;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	if (err) {
		free(b);
		return err;
	}
	*buf = b;
	*len = n;
	return 0;
}

/* Every interface of the file must exist, each only once. */
static int resolve_ifaces(struct mg_config *c, const char *fname)
{
	size_t i, k;

	for (i = 0; i < c->n_ifaces; i++) {
		struct mg_config_iface *it = &c->ifaces[i];

		it->ifindex = if_nametoindex(it->name);
		if (!it->ifindex) {
			mg_err("%s:%u: unknown interface '%s'", fname, it->line, it->name);
			return -ENODEV;
		}
		for (k = 0; k < i; k++)
			if (c->ifaces[k].ifindex == it->ifindex)
				return mg_usage("%s:%u: iface %s is the same interface as "
						"%s (line %u)", fname, it->line, it->name,
						c->ifaces[k].name, c->ifaces[k].line);
	}
	return 0;
}

/* ---- apply: changes and their undo ------------------------------------------------ */

enum undo_kind {
	U_ATTACHED,  /* undo: detach */
	U_XDP_MODE,  /* undo: back to the old mode (flag: was generic) */
	U_EGRESS,    /* undo: egress filter back (flag: was on) */
	U_IFCFG,     /* undo: features, mtu, ptb_mode of cfg back */
	U_GLOBAL,    /* undo: global_cfg back */
	U_PREFIX,    /* undo: mtu back (flag: existed) or delete */
	U_DETACHED,  /* undo: attach again as cfg (flag: generic, flag2: egress) */
};

struct undo {
	enum undo_kind kind;
	bool flag, flag2;
	__u32 ifindex;
	union {
		struct mtug_iface_cfg cfg;
		struct mtug_global_cfg g;
		struct {
			struct mg_prefix p;
			__u32 mtu;
		} pfx;
	};
};

struct applier {
	const struct mg_state *st;
	bool dry;
	struct mg_json *j; /* --json: changes go in its "changes" array */
	size_t changes;
	struct undo *log;
	size_t n_log, cap_log;
};

/* Log a change made; then, between two changes, a signal caught turns
 * into -EINTR, which rolls everything back (the change just made too). */
static int record(struct applier *a, const struct undo *u)
{
	struct undo *l;

	if (a->n_log == a->cap_log) {
		size_t c = a->cap_log ? a->cap_log * 2 : 64;

		l = realloc(a->log, c * sizeof(*l));
		if (!l) {
			mg_err("apply: out of memory");
			return -ENOMEM;
		}
		a->log = l;
		a->cap_log = c;
	}
	a->log[a->n_log++] = *u;
	return mg_sig_caught() ? -EINTR : 0;
}

/* One change line; true if the change is to be made (not a dry run). */
static bool change(struct applier *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool change(struct applier *a, const char *fmt, ...)
{
	char line[256]; /* the longest: two IPv6 prefixes' worth */
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (a->j)
		mg_json_str(a->j, NULL, line);
	else
		printf("%s\n", line);
	a->changes++;
	return !a->dry;
}

static const char *onoff(bool on)
{
	return on ? "on" : "off";
}

static void mtu_str(char *buf, size_t len, __u32 mtu)
{
	if (mtu)
		snprintf(buf, len, "%u", mtu);
	else
		snprintf(buf, len, "none");
}

/* The XDP share w asks for (chain, root-array) as a request. */
static int want_share(const struct mg_config_iface *w, struct mg_share_req *req)
{
	memset(req, 0, sizeof(*req));
	req->root_fd = -1;
	if (w->chain)
		req->kind = MG_SHARE_CHAIN;
	else if (w->root[0])
		return mg_share_root_parse(w->root, req);
	return 0;
}

static const char *share_str(bool chain, const char *root)
{
	return chain ? "chain" : root[0] ? root : "alone";
}

static int do_attach(struct applier *a, const struct mg_config_iface *w)
{
	struct mg_share_req share;
	struct mtug_iface_cfg cfg = {
		.features = w->features, .mtu = w->mtu, .ptb_mode = w->ptb_mode,
	};
	struct undo u = { .kind = U_ATTACHED, .ifindex = w->ifindex };
	int err;

	/* The filters it will have: the TC ingress one if the mode needs it. */
	cfg.attach = MTUG_A_XDP_NATIVE;
	cfg.attach = (mg_attach_needs_ingress(&cfg) ? MTUG_A_TC_INGRESS : 0) |
		     (w->egress ? MTUG_A_TC_EGRESS : 0);
	err = want_share(w, &share);
	if (err)
		return err;
	if (!change(a, "attach %s (xdp %s%s%s, %s)", w->name,
		    w->generic ? "generic" : "native",
		    w->chain || w->root[0] ? ", " : "",
		    w->chain || w->root[0] ? share_str(w->chain, w->root) : "",
		    mg_attach_tc_str(cfg.attach)))
		return 0;
	err = mg_attach_iface(a->st, w->ifindex, w->generic, w->egress, &share, &cfg);
	return err ?: record(a, &u);
}

/* An interface that stays attached: XDP mode, egress filter, settings. */
static int do_update(struct applier *a, const struct mg_config_iface *w,
		     struct mtug_iface_cfg *cur)
{
	__u32 want_xdp = w->generic ? MTUG_A_XDP_GENERIC : MTUG_A_XDP_NATIVE;
	__u32 xdp = cur->attach & (MTUG_A_XDP_NATIVE | MTUG_A_XDP_GENERIC);
	bool egress = cur->attach & MTUG_A_TC_EGRESS;
	struct undo u = { .ifindex = w->ifindex };
	struct mtug_iface_cfg next;
	char o[16], n[16], root[MG_CONFIG_WORD_MAX + 1];
	bool set = false, chain = cur->attach & MTUG_A_CHAIN;
	int err;

	/* How the XDP program shares its hook is set at attach. */
	mg_share_root_str(a->st->dir, w->ifindex, cur, root, sizeof(root));
	if (chain != w->chain || !root[0] != !w->root[0] ||
	    (root[0] && !mg_share_same_root(root, w->root))) {
		mg_err("apply: %s: its XDP hook share changes (%s -> %s): detach it "
		       "first (leave it out of the file, apply, put it back, apply)",
		       w->name, share_str(chain, root), share_str(w->chain, w->root));
		return -EINVAL;
	}

	if (xdp != want_xdp &&
	    change(a, "set %s mode %s -> %s", w->name,
		   mg_config_xdp_mode_name(cur->attach),
		   mg_config_xdp_mode_name(want_xdp))) {
		u.kind = U_XDP_MODE;
		u.flag = xdp == MTUG_A_XDP_GENERIC;
		err = mg_attach_xdp_mode(a->st, w->ifindex, cur, w->generic);
		if (!err)
			err = record(a, &u);
		if (err)
			return err;
	}
	if (egress != w->egress &&
	    change(a, "set %s egress %s -> %s", w->name, onoff(egress),
		   onoff(w->egress))) {
		u.kind = U_EGRESS;
		u.flag = egress;
		err = mg_attach_egress(a->st, w->ifindex, cur, w->egress);
		if (!err)
			err = record(a, &u);
		if (err)
			return err;
	}

	/* The settings: one line each, one map update for all. */
	if ((cur->features ^ w->features) & MTUG_F_MSS)
		set |= change(a, "set %s mss %s -> %s", w->name,
			      onoff(cur->features & MTUG_F_MSS),
			      onoff(w->features & MTUG_F_MSS));
	if ((cur->features ^ w->features) & MTUG_F_PTB)
		set |= change(a, "set %s ptb %s -> %s", w->name,
			      onoff(cur->features & MTUG_F_PTB),
			      onoff(w->features & MTUG_F_PTB));
	if (cur->ptb_mode != w->ptb_mode)
		set |= change(a, "set %s ptb-mode %s -> %s", w->name,
			      mg_config_ptb_mode_name(cur->ptb_mode),
			      mg_config_ptb_mode_name(w->ptb_mode));
	if (cur->mtu != w->mtu) {
		mtu_str(o, sizeof(o), cur->mtu);
		mtu_str(n, sizeof(n), w->mtu);
		set |= change(a, "set %s mtu %s -> %s", w->name, o, n);
	}
	if (!set)
		return 0;
	/* cur carries the attach bookkeeping the steps above updated. */
	next = *cur;
	next.features = (cur->features & ~(MTUG_F_MSS | MTUG_F_PTB)) | w->features;
	next.ptb_mode = w->ptb_mode;
	next.mtu = w->mtu;
	u.kind = U_IFCFG;
	u.cfg = *cur;
	/* The settings, and the TC ingress filter the PTB mode needs. */
	err = mg_attach_ingress_sync(a->st, w->ifindex, &next);
	return err ?: record(a, &u);
}

/* An interface whose attach was interrupted (a kill part-way): attached
 * again as w says, keeping its settings; do_update() goes on from there. */
static int do_repair(struct applier *a, const struct mg_config_iface *w,
		     struct mtug_iface_cfg *cur)
{
	struct undo u = { .kind = U_ATTACHED, .ifindex = w->ifindex };
	char what[64];
	__u32 missing;
	int err;

	missing = mg_attach_missing(a->st, w->ifindex, cur);
	if (!missing)
		return 0;
	mg_attach_missing_str(missing, what, sizeof(what));
	if (!change(a, "reattach %s (an interrupted attach: %s missing)", w->name,
		    what))
		return 0;
	err = mg_attach_redo(a->st, w->ifindex, w->generic, w->egress, NULL, cur);
	/* (Shared as before: the redo takes that from the pins.) */
	if (!err)
		err = mg_iface_get(a->st, w->ifindex, cur);
	return err ?: record(a, &u);
}

static int do_global(struct applier *a, const struct mtug_global_cfg *cur,
		     const struct mtug_global_cfg *w)
{
	struct undo u = { .kind = U_GLOBAL };
	char o[16], n[16];
	bool set = false;
	int err;

	if (cur->default_mtu != w->default_mtu) {
		mtu_str(o, sizeof(o), cur->default_mtu);
		mtu_str(n, sizeof(n), w->default_mtu);
		set |= change(a, "set default-mtu %s -> %s", o, n);
	}
	if (cur->mtu_source != w->mtu_source)
		set |= change(a, "set mtu-source %s -> %s",
			      cur->mtu_source == MTUG_SRC_PMTU ? "pmtu" : "map",
			      w->mtu_source == MTUG_SRC_PMTU ? "pmtu" : "map");
	if (cur->ptb_min_mtu_v4 != w->ptb_min_mtu_v4 ||
	    cur->ptb_min_mtu_v6 != w->ptb_min_mtu_v6)
		set |= change(a, "set ptb min-mtu %u %u -> %u %u", cur->ptb_min_mtu_v4,
			      cur->ptb_min_mtu_v6, w->ptb_min_mtu_v4,
			      w->ptb_min_mtu_v6);
	if (cur->ptb_rate_pps != w->ptb_rate_pps)
		set |= change(a, "set ptb rate %u -> %u", cur->ptb_rate_pps,
			      w->ptb_rate_pps);
	if (cur->ptb_forward != w->ptb_forward)
		set |= change(a, "set ptb forward %s -> %s", onoff(cur->ptb_forward),
			      onoff(w->ptb_forward));
	if (cur->ptb_all_errors != w->ptb_all_errors)
		set |= change(a, "set ptb errors %s -> %s",
			      cur->ptb_all_errors ? "all" : "frag",
			      w->ptb_all_errors ? "all" : "frag");
	if (cur->ptb_invalid != w->ptb_invalid)
		set |= change(a, "set ptb invalid %s -> %s",
			      cur->ptb_invalid == MTUG_INVALID_DROP ? "drop" : "pass",
			      w->ptb_invalid == MTUG_INVALID_DROP ? "drop" : "pass");
	if (!set)
		return 0;
	err = mg_global_get(a->st, &u.g); /* the raw map value, for the undo */
	if (!err)
		err = mg_global_put(a->st, w);
	return err ?: record(a, &u);
}

static int prefix_put(struct applier *a, const struct mg_config_prefix *w,
		      const struct mg_config_prefix *cur)
{
	struct undo u = { .kind = U_PREFIX, .flag = cur != NULL };
	char buf[MG_PREFIX_STRLEN];
	bool go;
	int err;

	mg_prefix_format(&w->p, buf, sizeof(buf));
	if (cur)
		go = change(a, "set prefix %s mtu %u -> %u", buf, cur->mtu, w->mtu);
	else
		go = change(a, "add prefix %s mtu %u", buf, w->mtu);
	if (!go)
		return 0;
	u.pfx.p = w->p;
	u.pfx.mtu = cur ? cur->mtu : 0;
	err = mg_prefix_put(a->st, &w->p, w->mtu);
	if (err) {
		mg_err("apply: cannot store prefix %s: %s%s", buf, strerror(-err),
		       err == -ENOSPC ? " (table full)" : "");
		return err;
	}
	return record(a, &u);
}

static int prefix_del(struct applier *a, const struct mg_config_prefix *cur)
{
	struct undo u = { .kind = U_PREFIX, .flag = true };
	char buf[MG_PREFIX_STRLEN];
	int err;

	mg_prefix_format(&cur->p, buf, sizeof(buf));
	if (!change(a, "del prefix %s", buf))
		return 0;
	u.pfx.p = cur->p;
	u.pfx.mtu = cur->mtu;
	err = mg_prefix_del(a->st, &cur->p);
	if (err && err != -ENOENT) {
		mg_err("apply: cannot delete prefix %s: %s", buf, strerror(-err));
		return err;
	}
	return record(a, &u);
}

/* Walk both sorted lists at once: the deletions in a first pass, the new
 * and changed prefixes in a second, so that the tries never hold more
 * than the larger of the two sets (one full set can replace another). */
static int do_prefixes(struct applier *a, const struct mg_config *cur,
		       const struct mg_config *w)
{
	size_t i, k;
	int err = 0, c, pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0, k = 0; !err && (i < w->n_prefixes || k < cur->n_prefixes);) {
			if (i == w->n_prefixes)
				c = 1;
			else if (k == cur->n_prefixes)
				c = -1;
			else
				c = mg_prefix_cmp(&w->prefixes[i].p, &cur->prefixes[k].p);
			if (c < 0) {
				if (pass)
					err = prefix_put(a, &w->prefixes[i], NULL);
				i++;
			} else if (c > 0) {
				if (!pass)
					err = prefix_del(a, &cur->prefixes[k]);
				k++;
			} else {
				if (pass && w->prefixes[i].mtu != cur->prefixes[k].mtu)
					err = prefix_put(a, &w->prefixes[i],
							 &cur->prefixes[k]);
				i++;
				k++;
			}
		}
	}
	return err;
}

static int do_detach(struct applier *a, const struct mg_config_iface *cur)
{
	struct undo u = { .kind = U_DETACHED, .ifindex = cur->ifindex };
	int err;

	if (!change(a, "detach %s", cur->name))
		return 0;
	err = mg_iface_get(a->st, cur->ifindex, &u.cfg);
	if (err)
		return 0; /* detached meanwhile */
	u.flag = u.cfg.attach & MTUG_A_XDP_GENERIC;
	u.flag2 = u.cfg.attach & MTUG_A_TC_EGRESS;
	err = mg_detach_iface(a->st, cur->ifindex, &u.cfg);
	if (err)
		return err;
	return record(a, &u);
}

/* Undo one change; 0 or a negative errno (printed). */
static int undo_one(const struct applier *a, const struct undo *u)
{
	struct mg_share_req share = { .root_fd = -1 };
	struct mtug_iface_cfg cfg;
	int err;

	switch (u->kind) {
	case U_ATTACHED:
		if (mg_iface_get(a->st, u->ifindex, &cfg))
			return 0;
		return mg_detach_iface(a->st, u->ifindex, &cfg);
	case U_XDP_MODE:
	case U_EGRESS:
	case U_IFCFG:
		err = mg_iface_get(a->st, u->ifindex, &cfg);
		if (err) {
			mg_err("apply: cannot undo on ifindex %u: not attached any more",
			       u->ifindex);
			return err;
		}
		if (u->kind == U_XDP_MODE)
			return mg_attach_xdp_mode(a->st, u->ifindex, &cfg, u->flag);
		if (u->kind == U_EGRESS)
			return mg_attach_egress(a->st, u->ifindex, &cfg, u->flag);
		return mg_attach_settings_restore(a->st, u->ifindex, &cfg, &u->cfg);
	case U_GLOBAL:
		return mg_global_put(a->st, &u->g);
	case U_PREFIX:
		err = u->flag ? mg_prefix_put(a->st, &u->pfx.p, u->pfx.mtu) :
				mg_prefix_del(a->st, &u->pfx.p);
		if (err && err != -ENOENT) {
			char buf[MG_PREFIX_STRLEN];

			mg_prefix_format(&u->pfx.p, buf, sizeof(buf));
			mg_err("apply: cannot restore prefix %s: %s", buf, strerror(-err));
			return err;
		}
		return 0;
	case U_DETACHED:
		cfg = u->cfg;
		/* Chained again in front of the program the detach put back.
		 * (A root array's slot is not restored: its pin went with the
		 * detach; the attach then finds the hook taken and says so.) */
		share.kind = u->cfg.attach & MTUG_A_CHAIN ? MG_SHARE_CHAIN : MG_SHARE_NONE;
		return mg_attach_iface(a->st, u->ifindex, u->flag, u->flag2, &share, &cfg);
	}
	return 0;
}

/* Undo the log; false if some step could not be undone (printed).  After
 * a failure (its error printed) two lines frame the rollback; after a
 * signal (err -EINTR) one line says what happened. */
static bool rollback(struct applier *a, int err)
{
	int sig = err == -EINTR ? mg_sig_caught() : 0;
	size_t i, failed = 0;

	if (sig)
		mg_sig_ack();
	if (!a->n_log) {
		if (sig)
			mg_err("apply: interrupted by %s before any change: the running "
			       "state is as it was", mg_sig_name(sig));
		else
			mg_err("apply: failed before any change: the running state is "
			       "as it was");
		return true;
	}
	if (!sig)
		mg_err("apply: failed: rolling back the %zu change%s made", a->n_log,
		       a->n_log == 1 ? "" : "s");
	for (i = a->n_log; i-- > 0;)
		if (undo_one(a, &a->log[i]))
			failed++;
	if (failed)
		mg_err("apply: %s%s%srollback incomplete (%zu of %zu steps failed): "
		       "see 'mtuguard status'", sig ? "interrupted by " : "",
		       sig ? mg_sig_name(sig) : "", sig ? ": " : "", failed, a->n_log);
	else if (sig)
		mg_err("apply: interrupted by %s: rolled back the %zu change%s made, "
		       "the running state is as it was", mg_sig_name(sig), a->n_log,
		       a->n_log == 1 ? "" : "s");
	else
		mg_err("apply: rolled back: the running state is as it was");
	return !failed;
}

/* --json: the document opens before the first change line. */
static void json_begin(struct applier *a, struct mg_json *j)
{
	mg_json_init(j, stdout);
	mg_json_obj_begin(j, NULL);
	mg_json_bool(j, "dry_run", a->dry);
	mg_json_arr_begin(j, "changes");
	a->j = j;
}

/* After the changes (err: the one that failed): roll back, and say how it
 * ended, as the text's last line or the JSON document's "result". */
static void finish(struct applier *a, int err)
{
	bool whole = err && !a->dry ? rollback(a, err) : true;
	const char *result = err ? (whole ? "rolled back" : "rollback incomplete") :
			     !a->changes ? "no change" :
			     a->dry ? "dry run" : "applied";

	if (a->j) {
		mg_json_arr_end(a->j);
		mg_json_str(a->j, "result", result);
		/* What failed, in this document rather than in a second. */
		mg_log_json_errors(a->j);
		mg_json_obj_end(a->j);
	} else if (!err && !a->changes) {
		printf("no change\n");
	} else if (!err && a->dry) {
		printf("dry run: %zu change%s, none made\n", a->changes,
		       a->changes == 1 ? "" : "s");
	}
}

static bool config_has_settings(const struct mg_config *c)
{
	struct mg_config def;

	mg_config_init(&def);
	return c->n_prefixes ||
	       memcmp(&def.global, &c->global, sizeof(def.global));
}

static bool has_iface(const struct mg_config *c, __u32 ifindex)
{
	size_t i;

	for (i = 0; i < c->n_ifaces; i++)
		if (c->ifaces[i].ifindex == ifindex)
			return true;
	return false;
}

/*
 * Bring st (NULL: no state, dry run only) to match w, cur being what runs
 * now.  Interfaces first (attach or update, in file order), then settings
 * and prefixes, detaches last; without any interface in w settings and
 * prefixes are moot (the state goes with the last detach).
 */
static int apply_config(struct applier *a, const struct mg_config *w,
			const struct mg_config *cur)
{
	struct mtug_iface_cfg ic;
	size_t i;
	int err = a->dry || !mg_sig_caught() ? 0 : -EINTR;

	for (i = 0; !err && i < w->n_ifaces; i++) {
		const struct mg_config_iface *it = &w->ifaces[i];

		if (!has_iface(cur, it->ifindex))
			err = do_attach(a, it);
		else if (!mg_iface_get(a->st, it->ifindex, &ic)) {
			err = do_repair(a, it, &ic);
			if (!err)
				err = do_update(a, it, &ic);
		}
	}
	if (!err && w->n_ifaces) {
		err = do_global(a, &cur->global, &w->global);
		if (!err)
			err = do_prefixes(a, cur, w);
	}
	for (i = 0; !err && i < cur->n_ifaces; i++)
		if (!has_iface(w, cur->ifaces[i].ifindex))
			err = do_detach(a, &cur->ifaces[i]);
	return err;
}

int mg_cmd_apply(const struct mg_ctx *ctx, int argc, char **argv)
{
	const char *file = NULL, *fname;
	bool dry = false, allow_empty = false, present;
	const struct mg_opt opts[] = {
		{ "-f", &file, NULL },
		{ "--file", &file, NULL },
		{ "--dry-run", NULL, &dry },
		{ "--allow-empty", NULL, &allow_empty },
		{ 0 },
	};
	struct mg_config want, cur;
	struct applier a = {};
	struct mg_json j;
	struct mg_state st;
	char *pos[argc + 1], *buf = NULL, why[512];
	size_t len = 0;
	int err, npos;

	mg_state_init(&st);
	mg_config_init(&want);
	mg_config_init(&cur);
	err = mg_opts_parse("apply", argc, argv, opts, pos, &npos);
	if (!err)
		err = mg_want_args("apply", pos, npos, 0, NULL);
	if (!err && !file)
		err = mg_usage("apply: missing -f FILE (or -f - for stdin)");
	if (err)
		return err;
	fname = strcmp(file, "-") ? file : "<stdin>";

	/* Everything is read and checked before the state is touched. */
	err = read_file(file, &buf, &len);
	if (err)
		return err;
	err = mg_config_parse(buf, len, fname, &want, why, sizeof(why));
	free(buf);
	if (err) {
		mg_err("%s", why);
		return err == -EINVAL ? -MG_EUSAGE : err;
	}
	if (want.global.mtu_source == MTUG_SRC_PMTU) {
		char what[PATH_MAX + 32];

		snprintf(what, sizeof(what), "%s: mtu-source pmtu", fname);
		err = mg_kfeature_require(MG_KF_FIB_ROUTE_MTU, what);
		if (err)
			goto out;
	}
	err = resolve_ifaces(&want, fname);
	if (err)
		goto out;

	/* The leftovers of an interrupted first attach go first (saying
	 * so); then there is either a whole state or none. */
	err = mg_state_recover(ctx->pin_dir);
	if (err >= 0)
		err = mg_state_find(ctx->pin_dir);
	if (err < 0)
		goto out;
	present = err > 0;
	err = 0;
	if (dry)
		err = present ? mg_state_open(&st, ctx->pin_dir, 0, -1) : 0;
	else if (want.n_ifaces)
		err = mg_state_acquire(ctx->pin_dir, &st);
	else if (present)
		err = mg_state_edit(&st, ctx->pin_dir, MG_STATE_PROGS);
	if (err)
		goto out;
	present = st.map[MG_MAP_GLOBAL_CFG] >= 0;
	err = read_running(present ? &st : NULL, "apply", &cur);
	if (err)
		goto out;
	/* Under the lock, against what runs now: nothing has changed yet. */
	if (!want.n_ifaces && cur.n_ifaces && !allow_empty) {
		err = mg_usage("apply: %s names no interface: applying it would detach "
			       "all %zu attached (an empty or truncated file?); give "
			       "--allow-empty if that is what you want", fname,
			       cur.n_ifaces);
		goto out;
	}

	if (!want.n_ifaces && config_has_settings(&want))
		mg_warn("%s names no interface: its settings and prefixes are not "
			"applied (they live only while an interface is attached)",
			fname);
	a.st = present ? &st : NULL;
	a.dry = dry;
	if (ctx->json)
		json_begin(&a, &j);
	err = apply_config(&a, &want, &cur);
	finish(&a, err);
	/* Prefixes deleted (or an added one rolled back): their filter bits
	 * are recomputed once, here, not per prefix; and new IPv6 prefixes
	 * get their tries in one batch. */
	if (a.st && !dry && a.changes) {
		mg_prefix_filter_sync(a.st, NULL);
		mg_prefix_settle(a.st);
	}
out:
	/* Tears the state down if no interface is left (or a first apply
	 * failed and rolled back). */
	if (st.map[MG_MAP_IFACE_CFG] >= 0 && !dry)
		mg_state_release(&st);
	else
		mg_state_close(&st);
	free(a.log);
	mg_config_free(&want);
	mg_config_free(&cur);
	return err;
}
