// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* attach.c - see attach.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach.h"
#include "config_maps.h"
#include "counters.h"
#include "detach.h"
#include "log.h"
#include "netif.h"
#include "share.h"
#include "tc.h"
#include "xdp.h"

#define XDP_BITS (MTUG_A_XDP_NATIVE | MTUG_A_XDP_GENERIC)
#define TC_BITS  (MTUG_A_TC_INGRESS | MTUG_A_TC_EGRESS)

/*
 * Crash safety, per interface.  The iface_cfg entry is written ahead of
 * every step and records what is about to be added (write-ahead): the XDP
 * mode before the link, MTUG_A_OWN_CLSACT before the qdisc (asked first
 * whether one is there), a filter's bit before the filter.  So at any
 * kill point the entry records at least what of ours is live, and:
 *   - mg_attach_missing() tells what it records but is not live (an
 *     interrupted attach), for `attach` (which then redoes it) and
 *     `status` (which shows it);
 *   - mg_detach_iface() removes whatever of ours is there and takes
 *     missing parts as done.
 */

static __u32 prog_id(const struct mg_state *st, enum mg_prog_id p)
{
	__u32 id = 0;

	if (st->prog[p] >= 0)
		mg_obj_id(st->prog[p], &id);
	return id;
}

bool mg_attach_needs_ingress(const struct mtug_iface_cfg *cfg)
{
	/* Behind XDP the TC ingress program works only in fib mode (it
	 * clears the skb hash and finishes the frames XDP deferred for
	 * neighbour resolution) and broadcast mode (it clones); anywhere
	 * else it returns at once, but the hook still costs something on
	 * every packet.  Without XDP it would do the whole ingress job. */
	return cfg->ptb_mode == MTUG_PTB_FIB || cfg->ptb_mode == MTUG_PTB_BROADCAST ||
	       !(cfg->attach & XDP_BITS);
}

const char *mg_attach_tc_str(__u32 attach)
{
	switch (attach & TC_BITS) {
	case TC_BITS:
		return "tc ingress+egress";
	case MTUG_A_TC_INGRESS:
		return "tc ingress";
	case MTUG_A_TC_EGRESS:
		return "tc egress";
	default:
		return "no tc";
	}
}

/* Our XDP link of ifindex is pinned, attached there, runs our program,
 * and in the mode cfg records. */
static bool xdp_live(const struct mg_state *st, __u32 ifindex,
		     const struct mtug_iface_cfg *cfg)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	__u32 want = prog_id(st, MG_PROG_XDP) ?: cfg->xdp_prog_id, id;
	bool attached;

	if (cfg->attach & (MTUG_A_CHAIN | MTUG_A_ROOT))
		return mg_share_live(st, ifindex, cfg);
	if (mg_xdp_query(st->dir, ifindex, &attached, &id) || !attached ||
	    (want && id != want))
		return false;
	if (bpf_xdp_query(ifindex, 0, &q))
		return false;
	return cfg->attach & MTUG_A_XDP_GENERIC ? q.skb_prog_id == id :
						   q.drv_prog_id == id;
}

/* Our TC program is there in one direction (a TCX link or a filter at
 * our handle and priority, as cfg records the hook) and runs our
 * program. */
static bool filter_live(const struct mg_state *st, __u32 ifindex,
			const struct mtug_iface_cfg *cfg, bool ingress)
{
	__u32 want = prog_id(st, ingress ? MG_PROG_TC_INGRESS : MG_PROG_TC_EGRESS);
	__u32 id;

	if (mg_tc_query(st->dir, ifindex, cfg->attach, ingress, &id))
		return false;
	return !want || id == want;
}

int mg_tc_query(const char *dir, __u32 ifindex, __u32 attach, bool ingress,
		__u32 *prog_id)
{
	if (attach & MTUG_A_TCX)
		return mg_tcx_query(dir, ifindex, ingress, prog_id);
	return mg_tc_filter_query(ifindex, ingress, MG_TC_PRIO, prog_id);
}

__u32 mg_attach_missing(const struct mg_state *st, __u32 ifindex,
			const struct mtug_iface_cfg *cfg)
{
	__u32 missing = 0;

	/* Every attach adds XDP: an entry without it is an interrupted one
	 * (of a build that wrote the bits last). */
	if (!(cfg->attach & XDP_BITS))
		missing |= MTUG_A_XDP_NATIVE;
	else if (!xdp_live(st, ifindex, cfg))
		missing |= cfg->attach & XDP_BITS;
	if ((cfg->attach & MTUG_A_TC_INGRESS || mg_attach_needs_ingress(cfg)) &&
	    !filter_live(st, ifindex, cfg, true))
		missing |= MTUG_A_TC_INGRESS;
	if (cfg->attach & MTUG_A_TC_EGRESS && !filter_live(st, ifindex, cfg, false))
		missing |= MTUG_A_TC_EGRESS;
	return missing;
}

void mg_attach_missing_str(__u32 missing, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s",
		 missing & XDP_BITS ? "xdp" : "",
		 missing & XDP_BITS && missing & TC_BITS ? ", " : "",
		 missing & TC_BITS ? mg_attach_tc_str(missing) : "");
}

/* Make sure the clsact qdisc is there, recording MTUG_A_OWN_CLSACT before
 * creating it (so a kill right after cannot leave ours unowned). */
static int clsact_ensure(const struct mg_state *st, __u32 ifindex,
			 struct mtug_iface_cfg *cfg)
{
	bool created, claimed = false;
	int err;

	if (!(cfg->attach & MTUG_A_OWN_CLSACT)) {
		err = mg_tc_clsact_exists(ifindex);
		if (err < 0)
			return err;
		if (err)
			return 0; /* someone's: used, never deleted */
		cfg->attach |= MTUG_A_OWN_CLSACT;
		err = mg_iface_put(st, ifindex, cfg, BPF_EXIST);
		if (err)
			return err;
		claimed = true;
	}
	err = mg_tc_clsact_create(ifindex, &created);
	if (err || created || !claimed)
		return err; /* (there already with the bit: one we made) */
	/* Someone made one between our question and our create: not ours. */
	cfg->attach &= ~MTUG_A_OWN_CLSACT;
	return mg_iface_put(st, ifindex, cfg, BPF_EXIST);
}

/* Delete the clsact qdisc if mtuguard made it and no filter of ours is
 * left on it (egress needs it as much as ingress). */
static int clsact_release(__u32 ifindex, struct mtug_iface_cfg *cfg)
{
	int err;

	if (!(cfg->attach & MTUG_A_OWN_CLSACT) || cfg->attach & TC_BITS)
		return 0;
	err = mg_tc_clsact_destroy(ifindex);
	if (!err)
		cfg->attach &= ~MTUG_A_OWN_CLSACT;
	return err;
}

/* A filter add that failed: the bit written ahead for it (and the clsact
 * made for it) would stand for a filter that is not there, and a rollback
 * would then try to remove it from under whoever holds our handle. */
static void tc_add_undo(const struct mg_state *st, __u32 ifindex,
			struct mtug_iface_cfg *cfg, __u32 bit)
{
	cfg->attach &= ~bit;
	clsact_release(ifindex, cfg);
	if (!(cfg->attach & TC_BITS))
		cfg->tc_prio = 0;
	mg_iface_put(st, ifindex, cfg, BPF_EXIST);
}

/* Add our TC program in one direction as a TCX link, falling back to
 * clsact where the kernel refuses TCX (no kernel BTF told beforehand).
 * cfg is written first with the hook and the direction's bit. */
static int tcx_add(const struct mg_state *st, __u32 ifindex,
		   struct mtug_iface_cfg *cfg, bool ingress)
{
	__u32 bit = ingress ? MTUG_A_TC_INGRESS : MTUG_A_TC_EGRESS, id;
	int err;

	cfg->attach |= bit;
	err = mg_iface_put(st, ifindex, cfg, BPF_EXIST);
	if (err)
		return err;
	err = mg_tcx_attach(st->dir, ifindex, ingress,
			    st->prog[ingress ? MG_PROG_TC_INGRESS : MG_PROG_TC_EGRESS]);
	/* Falls back only while no link of ours is on the other direction:
	 * one hook per interface. */
	if (err == -EOPNOTSUPP && mg_tcx_query(st->dir, ifindex, !ingress, &id)) {
		mg_dbg("no TCX on this kernel: clsact filters");
		cfg->attach &= ~(MTUG_A_TCX | bit);
		return mg_iface_put(st, ifindex, cfg, BPF_EXIST) ?: 1;
	}
	if (err) {
		cfg->attach &= ~bit;
		mg_iface_put(st, ifindex, cfg, BPF_EXIST);
	}
	return err;
}

/* Add our filter in one direction; cfg (with any new settings) is written
 * with its bit first.  Nothing to do if it is there already. */
static int tc_add(const struct mg_state *st, __u32 ifindex,
		  struct mtug_iface_cfg *cfg, bool ingress)
{
	__u32 bit = ingress ? MTUG_A_TC_INGRESS : MTUG_A_TC_EGRESS;
	int err;

	if (cfg->attach & MTUG_A_TCX) {
		if (filter_live(st, ifindex, cfg, ingress)) {
			cfg->attach |= bit;
			return mg_iface_put(st, ifindex, cfg, BPF_EXIST);
		}
		err = tcx_add(st, ifindex, cfg, ingress);
		if (err <= 0)
			return err;
		/* 1: fell back to clsact */
	}
	err = clsact_ensure(st, ifindex, cfg);
	if (err)
		return err;
	cfg->tc_prio = MG_TC_PRIO;
	cfg->attach |= bit;
	err = mg_iface_put(st, ifindex, cfg, BPF_EXIST);
	if (err || filter_live(st, ifindex, cfg, ingress))
		return err;
	err = mg_tc_filter_add(ifindex, ingress,
			       st->prog[ingress ? MG_PROG_TC_INGRESS : MG_PROG_TC_EGRESS],
			       cfg->tc_prio);
	if (err)
		tc_add_undo(st, ifindex, cfg, bit);
	return err;
}

/* Remove our filter in one direction (and the clsact we made, if it was
 * the last), then write cfg. */
static int tc_del(const struct mg_state *st, __u32 ifindex,
		  struct mtug_iface_cfg *cfg, bool ingress)
{
	__u32 bit = ingress ? MTUG_A_TC_INGRESS : MTUG_A_TC_EGRESS;
	int err;

	if (cfg->attach & MTUG_A_TCX)
		err = mg_tcx_detach(st->dir, ifindex, ingress);
	else
		err = mg_tc_filter_del(ifindex, ingress, cfg->tc_prio ?: MG_TC_PRIO,
				       prog_id(st, ingress ? MG_PROG_TC_INGRESS :
							     MG_PROG_TC_EGRESS));
	if (err)
		return err;
	cfg->attach &= ~bit;
	err = clsact_release(ifindex, cfg);
	if (!(cfg->attach & TC_BITS))
		cfg->tc_prio = 0;
	return mg_iface_put(st, ifindex, cfg, BPF_EXIST) ?: err;
}

int mg_attach_ingress_sync(const struct mg_state *st, __u32 ifindex,
			   struct mtug_iface_cfg *cfg)
{
	int err;

	if (mg_attach_needs_ingress(cfg))
		return tc_add(st, ifindex, cfg, true);
	/* The settings first: from then on nothing needs the filter. */
	err = mg_iface_put(st, ifindex, cfg, BPF_EXIST);
	if (err || (!(cfg->attach & MTUG_A_TC_INGRESS) && !filter_live(st, ifindex, cfg, true)))
		return err;
	return tc_del(st, ifindex, cfg, true);
}

int mg_attach_settings_restore(const struct mg_state *st, __u32 ifindex,
			       struct mtug_iface_cfg *cfg,
			       const struct mtug_iface_cfg *old)
{
	cfg->features = old->features;
	cfg->ptb_mode = old->ptb_mode;
	cfg->mtu = old->mtu;
	if (st->prog[MG_PROG_TC_INGRESS] < 0)
		return mg_iface_put(st, ifindex, cfg, BPF_EXIST);
	return mg_attach_ingress_sync(st, ifindex, cfg);
}

/* The XDP hook is someone else's: without a share asked for, or held
 * through a bpf_link, a refusal (printed) naming the program. */
static int hook_taken(__u32 ifindex, const struct mg_xdp_holder *h,
		      const struct mg_share_req *share)
{
	char nb[IF_NAMESIZE], who[64];

	mg_ifname_str(ifindex, nb);
	snprintf(who, sizeof(who), "%s%sid %u", h->name, h->name[0] ? ", " : "", h->id);
	if (h->link) {
		mg_err("cannot attach XDP on %s: another program (%s) holds the hook "
		       "through a bpf_link, which only its owner can replace", nb, who);
		return -EBUSY;
	}
	if (!share || share->kind != MG_SHARE_CHAIN) {
		mg_err("cannot attach XDP on %s: another program (%s) holds the hook; "
		       "'mtuguard attach %s --chain' runs mtuguard in front of it", nb,
		       who, nb);
		return -EBUSY;
	}
	return 0;
}

/* Attach with cfg's settings and slot: the entry first (write-ahead, see
 * above), then XDP (alone, chained in front of the hook's program, or in
 * a root array's slot: share), then the TC filters this interface needs. */
static int attach_entry(const struct mg_state *st, __u32 ifindex, bool generic,
			bool egress, const struct mg_share_req *share,
			struct mtug_iface_cfg *cfg)
{
	enum mg_share_kind kind = share ? share->kind : MG_SHARE_NONE;
	struct mg_xdp_holder h = {};
	char nb[IF_NAMESIZE];
	int err;

	if (kind != MG_SHARE_ROOT) {
		err = mg_xdp_holder(ifindex, &h);
		if (err)
			return err;
		/* Our own program there (a link of an entry gone astray) is
		 * for mg_xdp_attach() to judge. */
		if (h.id && h.id != prog_id(st, MG_PROG_XDP)) {
			err = hook_taken(ifindex, &h, share);
			if (err)
				return err;
			generic = h.generic; /* the hook's mode is its owner's */
		} else if (kind == MG_SHARE_CHAIN) {
			mg_note("no program on the XDP hook of %s to chain: attached alone",
				mg_ifname_str(ifindex, nb));
			kind = MG_SHARE_NONE;
		}
	}
	/* The egress filter is recorded as intended before anything is
	 * added: an attach killed between XDP and the filter then leaves an
	 * entry that mg_attach_missing() sees as interrupted, not a complete
	 * one.  (Ingress needs no bit here: mg_attach_missing() derives it
	 * from the PTB mode.) */
	cfg->attach = (generic ? MTUG_A_XDP_GENERIC : MTUG_A_XDP_NATIVE) |
		      (egress ? MTUG_A_TC_EGRESS : 0) |
		      (mg_tcx_wanted() ? MTUG_A_TCX : 0) |
		      (kind == MG_SHARE_CHAIN ? MTUG_A_CHAIN : 0) |
		      (kind == MG_SHARE_ROOT ? MTUG_A_ROOT : 0);
	cfg->xdp_prog_id = prog_id(st, MG_PROG_XDP);
	cfg->tc_prio = egress && !(cfg->attach & MTUG_A_TCX) ? MG_TC_PRIO : 0;
	err = mg_iface_put(st, ifindex, cfg, BPF_NOEXIST);
	if (err)
		return err;
	if (kind == MG_SHARE_CHAIN)
		err = mg_share_chain(st, ifindex, cfg, &h);
	else if (kind == MG_SHARE_ROOT)
		err = mg_share_root(st, ifindex, cfg, share);
	else
		err = mg_xdp_attach(st->dir, ifindex, st->prog[MG_PROG_XDP], generic);
	if (!err && mg_attach_needs_ingress(cfg))
		err = tc_add(st, ifindex, cfg, true);
	if (!err && egress)
		err = tc_add(st, ifindex, cfg, false);
	else if (err)
		/* The egress filter recorded ahead was never tried: the
		 * rollback must not go after a filter at our handle that is
		 * someone else's (a filter running our program still goes). */
		cfg->attach &= ~MTUG_A_TC_EGRESS;
	if (err)
		/* Roll back what this attach did; the error is printed. */
		mg_detach_iface(st, ifindex, cfg);
	return err;
}

int mg_attach_iface(const struct mg_state *st, __u32 ifindex, bool generic,
		    bool egress, const struct mg_share_req *share,
		    struct mtug_iface_cfg *cfg)
{
	int err;

	/* A slot of its own in iface_counters, zeroed before the entry that
	 * points the datapath at it is visible: a slot another interface
	 * used before starts clean.  Free slots are nobody's, so zeroing one
	 * is harmless even if the entry below then fails. */
	err = mg_iface_slot_find(st, &cfg->slot);
	if (!err)
		err = mg_iface_slot_zero(st, cfg->slot);
	/* The entry goes in first, so the datapath finds its features from
	 * the very first packet. */
	return err ?: attach_entry(st, ifindex, generic, egress, share, cfg);
}

int mg_attach_redo(const struct mg_state *st, __u32 ifindex, bool generic,
		   bool egress, const struct mg_share_req *share,
		   const struct mtug_iface_cfg *old)
{
	struct mtug_iface_cfg cfg = *old;
	struct mg_share_req was;
	int err;

	/* Shared as before unless told otherwise (before the detach, which
	 * unpins what tells it). */
	err = share ? 0 : mg_share_req_of(st->dir, ifindex, old, &was);
	if (err)
		return err;
	/* Take off what is there (the missing parts count as done), then
	 * attach anew; the settings and the counter slot stay. */
	err = mg_detach_iface(st, ifindex, &cfg);
	cfg = *old;
	if (!err)
		err = attach_entry(st, ifindex, generic, egress, share ?: &was, &cfg);
	if (!share && was.root_fd >= 0)
		close(was.root_fd);
	return err;
}

int mg_attach_xdp_mode(const struct mg_state *st, __u32 ifindex,
		       struct mtug_iface_cfg *cfg, bool generic)
{
	bool was_generic = cfg->attach & MTUG_A_XDP_GENERIC;
	char nb[IF_NAMESIZE];
	int err, e;

	if (cfg->attach & (MTUG_A_CHAIN | MTUG_A_ROOT)) {
		mg_err("%s shares its XDP hook: its mode is the hook owner's (detach and "
		       "attach again to change it)", mg_ifname_str(ifindex, nb));
		return -EINVAL;
	}

	/* A link cannot change its mode: detach, then attach anew (the
	 * entry records the new mode first). */
	err = mg_xdp_detach(st->dir, ifindex);
	if (err)
		return err;
	cfg->attach &= ~XDP_BITS;
	cfg->attach |= generic ? MTUG_A_XDP_GENERIC : MTUG_A_XDP_NATIVE;
	err = mg_iface_put(st, ifindex, cfg, BPF_EXIST);
	if (!err)
		err = mg_xdp_attach(st->dir, ifindex, st->prog[MG_PROG_XDP], generic);
	if (err) {
		cfg->attach &= ~XDP_BITS;
		cfg->attach |= was_generic ? MTUG_A_XDP_GENERIC : MTUG_A_XDP_NATIVE;
		e = mg_iface_put(st, ifindex, cfg, BPF_EXIST);
		if (!e)
			mg_xdp_attach(st->dir, ifindex, st->prog[MG_PROG_XDP], was_generic);
		return err;
	}
	cfg->xdp_prog_id = prog_id(st, MG_PROG_XDP);
	return mg_iface_put(st, ifindex, cfg, BPF_EXIST);
}

int mg_attach_egress(const struct mg_state *st, __u32 ifindex,
		     struct mtug_iface_cfg *cfg, bool on)
{
	return on ? tc_add(st, ifindex, cfg, false) : tc_del(st, ifindex, cfg, false);
}

/* An attached interface is left as it runs: an option asking for other
 * than that is refused, rather than answered "nothing to do" as if it had
 * been granted.  Only options given count: a bare attach asks for none. */
