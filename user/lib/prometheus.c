// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* prometheus.c - see prometheus.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "config_maps.h"
#include "config_file.h"
#include "netif.h"
#include "json.h"
#include "log.h"
#include "prometheus.h"

struct counter_help {
	const char *name;
	const char *help;
};

/* HELP texts by counter name.  A counter added to MTUG_COUNTERS without a
 * line here still gets exported, with a generic text. */
static const struct counter_help helps[] = {
	{ "packets", "Packets seen by the mtuguard programs (every hook, every attached interface; global only, not counted per interface)." },
	{ "syn_seen", "TCP SYN and SYN-ACK segments seen." },
	{ "mss_clamped", "SYN and SYN-ACK segments whose MSS option was lowered." },
	{ "mss_unchanged", "SYN and SYN-ACK segments whose MSS was already at or below the target." },
	{ "mss_missing", "SYN and SYN-ACK segments without an MSS option (none is inserted)." },
	{ "mss_malformed", "SYN and SYN-ACK segments with malformed TCP options, left untouched." },
	{ "ptb_seen", "ICMP Fragmentation Needed / Packet Too Big messages seen." },
	{ "ptb_steered", "PTB messages redirected to the nexthop of the flow they quote (fib mode)." },
	{ "ptb_broadcast", "PTB messages cloned to the L2 broadcast address (broadcast mode)." },
	{ "ptb_local", "PTB messages for a local or unrouted destination, passed to the stack." },
	{ "ptb_invalid", "PTB messages that failed validation (checksum, addresses, quoted packet)." },
	{ "ptb_mtu_too_small", "PTB messages advertising an MTU below the configured floor." },
	{ "ptb_rate_limited", "Broadcast clones of PTB messages suppressed by the rate limit." },
	{ "fib_miss", "FIB lookups without a usable nexthop; the packet went to the stack." },
	{ "fib_deferred", "Packets fib mode or ptb forward left to the stack because Linux's own forwarding would drop them or not forward them (not addressed to the interface, martian or multicast addresses, IP options, TTL, reverse-path filter)." },
	{ "fwd_steered", "Ordinary TCP/UDP packets forwarded by FIB lookup (ptb forward on)." },
	{ "parse_skipped", "Packets not parsed (fragments, AH/ESP, unknown headers), passed untouched (global only, not counted per interface)." },
	{ "frags_passed", "Multi-buffer XDP frames passed untouched because the part mtuguard must read spans buffers (a PTB message, a forwarded packet)." },
};

static const char *help_of(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(helps) / sizeof(helps[0]); i++)
		if (!strcmp(helps[i].name, name))
			return helps[i].help;
	return "mtuguard datapath counter.";
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value: backslash, double quote and newline escaped.  The format
 * wants UTF-8 and has no numeric escape: a byte of an interface name that
 * is not part of valid UTF-8 is written as the character of the same number
 * (0xff as U+00FF, what --json writes as \u00ff). */
static void label(FILE *f, const char *key, const char *v, bool first)
{
	fprintf(f, "%s%s=\"", first ? "" : ",", key);
	for (; *v; v++) {
		unsigned char b = *v;

		if (b >= 0x80) {
			int n = mg_utf8_len((const unsigned char *)v);

			if (n) {
				fwrite(v, 1, n, f);
				v += n - 1;
			} else {
				fputc(0xc0 | b >> 6, f);
				fputc(0x80 | (b & 0x3f), f);
			}
		} else if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
	fputc('"', f);
}

static int write_ifaces(FILE *f, const struct mg_state *st)
{
	static __u32 list[MTUG_IFACE_MAX_ENTRIES];
	struct mtug_iface_cfg c;
	char name[IF_NAMESIZE], idx[16];
	int n, i;

	n = mg_iface_list(st, list, MTUG_IFACE_MAX_ENTRIES);
	if (n < 0)
		return n;
	family(f, "mtuguard_interface_info", "gauge",
	       "An interface mtuguard is attached to, with its settings (always 1).");
	for (i = 0; i < n; i++) {
		if (mg_iface_get(st, list[i], &c))
			continue; /* detached meanwhile */
		mg_ifname(list[i], name);
		snprintf(idx, sizeof(idx), "%u", list[i]);
		fputs("mtuguard_interface_info{", f);
		label(f, "interface", name, true);
		label(f, "ifindex", idx, false);
		label(f, "xdp_mode", mg_config_xdp_mode_name(c.attach), false);
		label(f, "ptb_mode", mg_config_ptb_mode_name(c.ptb_mode), false);
		label(f, "mss", c.features & MTUG_F_MSS ? "on" : "off", false);
		label(f, "ptb", c.features & MTUG_F_PTB ? "on" : "off", false);
		label(f, "egress", c.attach & MTUG_A_TC_EGRESS ? "on" : "off", false);
		fputs("} 1\n", f);
	}
	return 0;
}

/* One labelled sample per interface and family for counter i. */
static void write_iface_counter(FILE *f, const struct mg_prom_counters *c,
				size_t i)
{
	const struct mg_iface_counters *r;
	char name[96], help[256], idx[16];
	int k;

	snprintf(name, sizeof(name), "mtuguard_iface_%s_total", mg_counter_names[i]);
	snprintf(help, sizeof(help), "%s By interface and IP family.",
		 help_of(mg_counter_names[i]));
	family(f, name, "counter", help);
	for (k = 0; k < c->n_ifaces; k++) {
		r = &c->ifaces[k];
		snprintf(idx, sizeof(idx), "%u", r->ifindex);
		fprintf(f, "%s{", name);
		label(f, "interface", r->name, true);
		label(f, "ifindex", idx, false);
		label(f, "family", mg_family_row_name(r->family), false);
		fprintf(f, "} %llu\n", (unsigned long long)r->total[i]);
	}
}

/* The global set, no labels, then the per-interface event counters under
 * their own names (mtuguard_iface_*), so the two never collide. */
static void write_counters(FILE *f, const struct mg_prom_counters *c)
{
	char name[96];
	size_t i;

	for (i = 0; i < MTUG_NUM_COUNTERS; i++) {
		snprintf(name, sizeof(name), "mtuguard_%s_total", mg_counter_names[i]);
		family(f, name, "counter", help_of(mg_counter_names[i]));
		fprintf(f, "%s %llu\n", name, (unsigned long long)c->totals[i]);
	}
	for (i = 0; c->n_ifaces && i < MTUG_NUM_COUNTERS; i++)
		if (mg_counter_per_iface(i))
			write_iface_counter(f, c, i);
}

int mg_prom_write(FILE *f, const struct mg_state *st,
		  const struct mg_prom_counters *c)
{
	struct mtug_global_cfg g;
	int err;

	family(f, "mtuguard_up", "gauge",
	       "1 if the mtuguard datapath is loaded (state in the pin directory), else 0.");
	fprintf(f, "mtuguard_up %d\n", st ? 1 : 0);
	if (!st)
		goto out;
	write_counters(f, c);
	err = write_ifaces(f, st);
	if (err)
		return err;
	family(f, "mtuguard_prefixes", "gauge", "Prefixes in the MTU maps, by IP family.");
	fprintf(f, "mtuguard_prefixes{family=\"ipv4\"} %d\n", mg_prefix_count(st, AF_INET));
	fprintf(f, "mtuguard_prefixes{family=\"ipv6\"} %d\n", mg_prefix_count(st, AF_INET6));
	err = mg_global_get(st, &g);
	if (err)
		return err;
	family(f, "mtuguard_default_mtu_bytes", "gauge",
	       "The global default MTU of the MSS clamp (0 = none).");
	fprintf(f, "mtuguard_default_mtu_bytes %u\n", g.default_mtu);
out:
	if (fflush(f) || ferror(f)) {
		err = -(errno ?: EIO);
		mg_err("stats: cannot write the metrics: %s", strerror(-err));
		return err;
	}
	return 0;
}

int mg_prom_textfile(const char *path, const struct mg_state *st,
		     const struct mg_prom_counters *c)
{
	char tmp[PATH_MAX];
	FILE *f = NULL;
	int fd, err;

	/* Next to path, so the rename stays on one filesystem; not ending in
	 * .prom, so the collector never reads it half written; a name nobody
	 * can guess (mkstemp), so nobody can put something in its way in a
	 * directory others may write to. */
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		mg_err("stats: path too long: %s", path);
		return -ENAMETOOLONG;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		mg_err("stats: cannot create a temporary file next to %s: %s", path,
		       strerror(errno));
		return err;
	}
	/* Readable by node_exporter (mkstemp makes it 0600). */
	if (fchmod(fd, 0644) || !(f = fdopen(fd, "w"))) {
		err = -errno;
		mg_err("stats: cannot write %s: %s", tmp, strerror(errno));
		close(fd);
		goto fail;
	}
	err = mg_prom_write(f, st, c);
	if (!err && fsync(fileno(f))) {
		err = -errno;
		mg_err("stats: cannot sync %s: %s", tmp, strerror(errno));
	}
	if (fclose(f) && !err) {
		err = -errno;
		mg_err("stats: cannot write %s: %s", tmp, strerror(errno));
	}
	if (err)
		goto fail;
	if (rename(tmp, path)) {
		err = -errno;
		mg_err("stats: cannot rename %s to %s: %s", tmp, path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	unlink(tmp);
	return err;
}
