/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * config_file.h - mtuguard's declarative configuration file (`apply -f FILE`,
 * `show-config`): the parser, a pure function over a buffer, and the
 * writer.  No BPF, no system calls, nothing printed: safe to unit-test and
 * to fuzz.
 *
 * Format (see tools/mtuguard.conf.example and mtuguard(8)): one statement
 * a line (or several separated by ';'), '#' starts a comment, words are
 * separated by blanks.
 *
 *   default-mtu MTU|none           68-65535                 (default none)
 *   mtu-source map|pmtu                                     (default map)
 *   ptb min-mtu V4 V6              68-65535, 1280-65535     (552 1280)
 *   ptb rate PPS                   1-4294967295             (1000)
 *   ptb forward on|off                                      (off)
 *   ptb errors frag|all                                     (frag)
 *   ptb invalid pass|drop                                   (pass)
 *   prefix PREFIX MTU              IPv4 68-65535, IPv6 1280-65535
 *   iface NAME {                   an attached interface; every key optional:
 *       mode native|generic        XDP mode                 (native)
 *       egress on|off              TC egress filter         (on)
 *       mss on|off                 MSS clamp feature        (on)
 *       ptb on|off                 PTB steering feature     (on)
 *       ptb-mode fib|broadcast|off                          (off)
 *       mtu MTU|none               per-interface MTU        (none)
 *       chain on|off               XDP in front of the hook's program (off)
 *       root-array PATH:POS|none   XDP in a root program array's slot (none)
 *   }
 *
 * The file is the whole configuration: a key left out means its default,
 * an interface left out is detached, a prefix left out is deleted.  Every
 * key may appear once (once per block inside a block), every interface and
 * every prefix once.
 */
#ifndef MG_CONFIG_FILE_H
#define MG_CONFIG_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <net/if.h>
#include <linux/types.h>

#include "mtuguard.h"
#include "prefix.h"

/* Longest word the parser takes (a full IPv6 prefix is 43 bytes). */
#define MG_CONFIG_WORD_MAX 255

struct mg_config_iface {
	char name[IF_NAMESIZE];
	__u32 ifindex;      /* 0 from the parser; set by whoever resolves it */
	unsigned int line;  /* where the block starts, 0 if not from a file */
	bool generic;       /* XDP generic (skb) mode, else native */
	bool egress;        /* TC egress filter */
	__u32 features;     /* enum mtug_feature bits */
	__u32 ptb_mode;     /* enum mtug_ptb_mode */
	__u32 mtu;          /* 0 = none */
	bool chain;         /* XDP chained in front of the hook's program */
	char root[MG_CONFIG_WORD_MAX + 1]; /* "PATH:POS" of root-array, "" none */
};

struct mg_config_prefix {
	struct mg_prefix p;
	__u32 mtu;
	unsigned int line;
};

struct mg_config {
	/* Effective values: the defaults (552, 1280, 1000 pps) spelled out,
	 * never the map's 0-means-default. */
	struct mtug_global_cfg global;
	struct mg_config_iface *ifaces;   /* in file order */
	size_t n_ifaces;
	struct mg_config_prefix *prefixes; /* sorted by mg_prefix_cmp() */
	size_t n_prefixes;
};

/* The defaults: no interface, no prefix, default settings. */
void mg_config_init(struct mg_config *c);
void mg_config_free(struct mg_config *c);

/* An interface with the defaults of its block (and of `attach`). */
void mg_config_iface_init(struct mg_config_iface *i);

/*
 * Parse len bytes of buf (any bytes: NULs, no terminator needed).  fname
 * names the file in messages.  Returns 0 with *out filled (free it with
 * mg_config_free), or a negative errno with *out empty and one line
 * "FNAME:LINE: problem" in err (-EINVAL for a bad file, -ENOMEM).
 * Interface names are checked for form only, not looked up.
 */
int mg_config_parse(const char *buf, size_t len, const char *fname,
		    struct mg_config *out, char *err, size_t errlen);

/* Write c in the file format (every key spelled out), so that parsing the
 * output gives c back. */
void mg_config_write(FILE *f, const struct mg_config *c);

/* A name the format can hold: a valid interface name (1-15 bytes, no '/',
 * ':' or blank) without the format's separators ('{' '}' ';' '#'). */
bool mg_config_ifname_ok(const char *name);

/* Words of the format, for messages and the writer. */
const char *mg_config_ptb_mode_name(__u32 mode);
/* "native", "generic" or "none" from the attach bits of an iface_cfg. */
const char *mg_config_xdp_mode_name(__u32 attach);

#endif /* MG_CONFIG_FILE_H */
