// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * config_file.c - see config_file.h.
 *
 * A lexer turns the buffer into words and the four separators '{' '}' ';'
 * and newline; a statement is the words up to a separator.  Top-level
 * statements are settings, prefixes and `iface NAME {`, which opens a block
 * of interface statements closed by '}'.  Every error carries the line of
 * the statement it is about.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "args.h"
#include "config_file.h"

#define MAX_WORDS 8 /* longest statement: "ptb min-mtu V4 V6" */

enum tok { T_WORD, T_LBRACE, T_RBRACE, T_SEMI, T_NL, T_EOF };

struct lexer {
	const char *buf;
	size_t len, pos;
	unsigned int line; /* of the next byte */
	const char *fname;
	char *err;
	size_t errlen;
};

struct stmt {
	int n;
	unsigned int line; /* of its first word, or of its separator */
	enum tok end;
	char w[MAX_WORDS][MG_CONFIG_WORD_MAX + 1];
};

static const char *const onoff[] = { "off", "on", NULL };
static const char *const xdp_modes[] = { "native", "generic", NULL };
static const char *const sources[] = { [MTUG_SRC_MAP] = "map",
				       [MTUG_SRC_PMTU] = "pmtu", NULL };
static const char *const errors_words[] = { "frag", "all", NULL };
static const char *const invalid_words[] = { [MTUG_INVALID_PASS] = "pass",
					     [MTUG_INVALID_DROP] = "drop", NULL };
static const char *const ptb_modes[] = {
	[MTUG_PTB_OFF] = "off",
	[MTUG_PTB_FIB] = "fib",
	[MTUG_PTB_BROADCAST] = "broadcast",
	NULL,
};

const char *mg_config_ptb_mode_name(__u32 mode)
{
	return mode <= MTUG_PTB_BROADCAST ? ptb_modes[mode] : "off";
}

const char *mg_config_xdp_mode_name(__u32 attach)
{
	return attach & MTUG_A_XDP_GENERIC ? "generic" :
	       attach & MTUG_A_XDP_NATIVE ? "native" : "none";
}

static int errf(struct lexer *lx, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "FNAME:LINE: message" into the caller's buffer; returns -EINVAL. */
static int errf(struct lexer *lx, unsigned int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!lx->errlen)
		return -EINVAL;
	n = snprintf(lx->err, lx->errlen, "%s:%u: ", lx->fname, line);
	if (n >= 0 && (size_t)n < lx->errlen) {
		va_start(ap, fmt);
		vsnprintf(lx->err + n, lx->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* ---- lexer ----------------------------------------------------------------- */

static bool is_sep(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '{' ||
	       c == '}' || c == ';' || c == '#';
}

/* Next token; a word goes to word (NUL-terminated).  *line gets the line
 * the token is on.  Returns the token or a negative errno. */
static int lex(struct lexer *lx, char *word, unsigned int *line)
{
	unsigned char c;
	size_t n;

	for (;;) {
		if (lx->pos >= lx->len) {
			*line = lx->line;
			return T_EOF;
		}
		c = lx->buf[lx->pos];
		if (c == ' ' || c == '\t' || c == '\r') {
			lx->pos++;
		} else if (c == '#') {
			while (lx->pos < lx->len && lx->buf[lx->pos] != '\n')
				lx->pos++;
		} else {
			break;
		}
	}
	*line = lx->line;
	lx->pos++;
	switch (c) {
	case '\n':
		lx->line++;
		return T_NL;
	case '{':
		return T_LBRACE;
	case '}':
		return T_RBRACE;
	case ';':
		return T_SEMI;
	}
	lx->pos--;
	for (n = 0; lx->pos < lx->len; n++, lx->pos++) {
		c = lx->buf[lx->pos];
		if (is_sep(c))
			break;
		if (c < 0x20 || c == 0x7f)
			return errf(lx, lx->line, "invalid character 0x%02x", c);
		if (n == MG_CONFIG_WORD_MAX)
			return errf(lx, lx->line, "word too long (at most %d bytes)",
				    MG_CONFIG_WORD_MAX);
		word[n] = c;
	}
	word[n] = '\0';
	return T_WORD;
}

/* Words up to the next separator.  An empty statement has n == 0. */
static int read_stmt(struct lexer *lx, struct stmt *s)
{
	unsigned int line;
	int t;

	s->n = 0;
	for (;;) {
		t = lex(lx, s->n < MAX_WORDS ? s->w[s->n] : s->w[MAX_WORDS - 1], &line);
		if (t < 0)
			return t;
		if (s->n == 0)
			s->line = line;
		if (t != T_WORD) {
			s->end = t;
			return 0;
		}
		if (s->n == MAX_WORDS)
			return errf(lx, s->line, "too many words in '%s ...'", s->w[0]);
		s->n++;
	}
}

/* ---- values ------------------------------------------------------------------ */

/* s->n must be first + n: "KEY: expected KEY USAGE". */
static int want(struct lexer *lx, const struct stmt *s, int first, int n,
		const char *key, const char *usage)
{
	if (s->n == first + n)
		return 0;
	return errf(lx, s->line, "%s: expected '%s %s'%s", key, key, usage,
		    s->n > first + n ? ", with nothing after it" : "");
}

static int num(struct lexer *lx, const struct stmt *s, const char *key,
	       const char *what, const char *w, __u32 min, __u32 max, __u32 *out)
{
	int err = mg_parse_u32(w, min, max, out);

	if (err == -ERANGE)
		return errf(lx, s->line, "%s: %s '%s' out of range (%u-%u)", key,
			    what, w, min, max);
	if (err)
		return errf(lx, s->line, "%s: %s '%s' is not a number", key, what, w);
	return 0;
}

/* MTU 68-65535 or "none" (0). */
static int mtu_or_none(struct lexer *lx, const struct stmt *s, const char *key,
		       const char *w, __u32 *out)
{
	if (!strcmp(w, "none")) {
		*out = 0;
		return 0;
	}
	return num(lx, s, key, "MTU", w, MTUG_V4_MTU_MIN, MTUG_MTU_MAX, out);
}

static int word(struct lexer *lx, const struct stmt *s, const char *key,
		const char *w, const char *const *words, const char *hint,
		__u32 *out)
{
	int i = mg_parse_word(w, words);

	if (i < 0)
		return errf(lx, s->line, "%s: unknown value '%s' (%s)", key, w, hint);
	*out = i;
	return 0;
}

/* Each key once: seen[k] is the line it was first set on. */
static int once(struct lexer *lx, const struct stmt *s, unsigned int *seen,
		const char *key)
{
	if (*seen)
		return errf(lx, s->line, "duplicate '%s' (first set at line %u)",
			    key, *seen);
	*seen = s->line;
	return 0;
}

/* ---- statements ---------------------------------------------------------------- */

enum gkey { G_DEFAULT_MTU, G_SOURCE, G_MIN_MTU, G_RATE, G_FORWARD, G_ERRORS,
	    G_INVALID, G__NR };
enum ikey { I_MODE, I_EGRESS, I_MSS, I_PTB, I_PTB_MODE, I_MTU, I_CHAIN, I_ROOT, I__NR };

struct parser {
	struct lexer lx;
	struct mg_config *c;
	size_t cap_ifaces, cap_prefixes;
	size_t n4, n6;
	unsigned int seen[G__NR];
};

bool mg_config_ifname_ok(const char *name)
{
	size_t n = strlen(name), i;

	if (n == 0 || n >= IF_NAMESIZE || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = name[i];

		/* The kernel's rule ('/', ':'), and what the lexer splits on. */
		if (c <= 0x20 || c == 0x7f || c == '/' || c == ':' || is_sep(c))
			return false;
	}
	return true;
}

static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
	size_t c;
	void *p;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 16;
	p = realloc(*arr, c * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = c;
	return 0;
}

static int stmt_prefix(struct parser *ps, const struct stmt *s)
{
	struct lexer *lx = &ps->lx;
	struct mg_config_prefix *e;
	struct mg_prefix p;
	char why[128];
	size_t *count;
	__u32 mtu;
	int err;

	err = want(lx, s, 1, 2, "prefix", "PREFIX MTU");
	if (err)
		return err;
	if (mg_prefix_parse(s->w[1], &p, why, sizeof(why)))
		return errf(lx, s->line, "prefix: bad prefix '%s': %s", s->w[1], why);
	err = num(lx, s, "prefix", p.family == AF_INET ? "IPv4 MTU" : "IPv6 MTU",
		  s->w[2], mg_prefix_mtu_min(p.family), MTUG_MTU_MAX, &mtu);
	if (err)
		return err;
	count = p.family == AF_INET ? &ps->n4 : &ps->n6;
	if (*count == MTUG_LPM_MAX_ENTRIES)
		return errf(lx, s->line, "too many %s prefixes (at most %u)",
			    p.family == AF_INET ? "IPv4" : "IPv6",
			    MTUG_LPM_MAX_ENTRIES);
	if (grow((void **)&ps->c->prefixes, &ps->cap_prefixes, ps->c->n_prefixes,
		 sizeof(*e)))
		return -ENOMEM;
	e = &ps->c->prefixes[ps->c->n_prefixes++];
	e->p = p;
	e->mtu = mtu;
	e->line = s->line;
	(*count)++;
	return 0;
}

static int stmt_ptb(struct parser *ps, const struct stmt *s)
{
	struct mtug_global_cfg *g = &ps->c->global;
	struct lexer *lx = &ps->lx;
	const char *sub = s->n > 1 ? s->w[1] : "";
	int err;

	if (!strcmp(sub, "min-mtu")) {
		err = want(lx, s, 2, 2, "ptb min-mtu", "V4 V6");
		if (!err)
			err = once(lx, s, &ps->seen[G_MIN_MTU], "ptb min-mtu");
		if (!err)
			err = num(lx, s, "ptb min-mtu", "IPv4 MTU", s->w[2],
				  MTUG_V4_MTU_MIN, MTUG_MTU_MAX, &g->ptb_min_mtu_v4);
		if (!err)
			err = num(lx, s, "ptb min-mtu", "IPv6 MTU", s->w[3],
				  MTUG_V6_MTU_MIN, MTUG_MTU_MAX, &g->ptb_min_mtu_v6);
		return err;
	}
	if (!strcmp(sub, "rate")) {
		err = want(lx, s, 2, 1, "ptb rate", "PPS");
		if (!err)
			err = once(lx, s, &ps->seen[G_RATE], "ptb rate");
		if (!err)
			err = num(lx, s, "ptb rate", "rate", s->w[2], 1, 0xffffffffu,
				  &g->ptb_rate_pps);
		return err;
	}
	if (!strcmp(sub, "forward")) {
		err = want(lx, s, 2, 1, "ptb forward", "on|off");
		if (!err)
			err = once(lx, s, &ps->seen[G_FORWARD], "ptb forward");
		if (!err)
			err = word(lx, s, "ptb forward", s->w[2], onoff, "on or off",
				   &g->ptb_forward);
		return err;
	}
	if (!strcmp(sub, "errors")) {
		err = want(lx, s, 2, 1, "ptb errors", "frag|all");
		if (!err)
			err = once(lx, s, &ps->seen[G_ERRORS], "ptb errors");
		if (!err)
			err = word(lx, s, "ptb errors", s->w[2], errors_words,
				   "frag or all", &g->ptb_all_errors);
		return err;
	}
	if (!strcmp(sub, "invalid")) {
		err = want(lx, s, 2, 1, "ptb invalid", "pass|drop");
		if (!err)
			err = once(lx, s, &ps->seen[G_INVALID], "ptb invalid");
		if (!err)
			err = word(lx, s, "ptb invalid", s->w[2], invalid_words,
				   "pass or drop", &g->ptb_invalid);
		return err;
	}
	if (!*sub)
		return errf(lx, s->line, "ptb: missing setting (min-mtu, rate, "
			    "forward, errors or invalid)");
	return errf(lx, s->line, "ptb: unknown setting '%s' (min-mtu, rate, "
		    "forward, errors or invalid)", sub);
}

static int stmt_top(struct parser *ps, const struct stmt *s)
{
	struct mtug_global_cfg *g = &ps->c->global;
	struct lexer *lx = &ps->lx;
	const char *key = s->w[0];
	int err;

	if (!strcmp(key, "default-mtu")) {
		err = want(lx, s, 1, 1, key, "MTU|none");
		if (!err)
			err = once(lx, s, &ps->seen[G_DEFAULT_MTU], key);
		if (!err)
			err = mtu_or_none(lx, s, key, s->w[1], &g->default_mtu);
		return err;
	}
	if (!strcmp(key, "mtu-source")) {
		err = want(lx, s, 1, 1, key, "map|pmtu");
		if (!err)
			err = once(lx, s, &ps->seen[G_SOURCE], key);
		if (!err)
			err = word(lx, s, key, s->w[1], sources, "map or pmtu",
				   &g->mtu_source);
		return err;
	}
	if (!strcmp(key, "ptb"))
		return stmt_ptb(ps, s);
	if (!strcmp(key, "prefix"))
		return stmt_prefix(ps, s);
	if (!strcmp(key, "iface"))
		return errf(lx, s->line, "iface: expected 'iface NAME {' (the '{' on "
			    "the same line)");
	return errf(lx, s->line, "unknown keyword '%s' (default-mtu, mtu-source, "
		    "ptb, prefix or iface)", key);
}

/* "root-array PATH:POS|none": an absolute path and a slot number. */
static int root_array(struct lexer *lx, const struct stmt *s, struct mg_config_iface *i)
{
	const char *w = s->w[1], *colon = strrchr(w, ':');
	__u32 pos;

	if (!strcmp(w, "none")) {
		i->root[0] = '\0';
		return 0;
	}
	if (w[0] != '/' || !colon || colon == w + 1 ||
	    mg_parse_u32(colon + 1, 0, 0xffffffffu, &pos))
		return errf(lx, s->line, "iface %s: root-array wants PATH:POS (an "
			    "absolute path and a slot number) or none, not '%s'",
			    i->name, w);
	snprintf(i->root, sizeof(i->root), "%s", w); /* a word: fits */
	return 0;
}

static int stmt_iface(struct parser *ps, const struct stmt *s,
		      struct mg_config_iface *i, unsigned int *seen)
{
	struct lexer *lx = &ps->lx;
	const char *key = s->w[0];
	__u32 v = 0;
	int err, k;

	static const char *const keys[] = {
		[I_MODE] = "mode", [I_EGRESS] = "egress", [I_MSS] = "mss",
		[I_PTB] = "ptb", [I_PTB_MODE] = "ptb-mode", [I_MTU] = "mtu",
		[I_CHAIN] = "chain", [I_ROOT] = "root-array", NULL,
	};
	static const char *const usage[] = {
		[I_MODE] = "native|generic", [I_EGRESS] = "on|off",
		[I_MSS] = "on|off", [I_PTB] = "on|off",
		[I_PTB_MODE] = "fib|broadcast|off", [I_MTU] = "MTU|none",
		[I_CHAIN] = "on|off", [I_ROOT] = "PATH:POS|none",
	};

	k = mg_parse_word(key, keys);
	if (k < 0)
		return errf(lx, s->line, "iface %s: unknown key '%s' (mode, egress, "
			    "mss, ptb, ptb-mode, mtu, chain or root-array)", i->name, key);
	err = want(lx, s, 1, 1, key, usage[k]);
	if (!err)
		err = once(lx, s, &seen[k], key);
	if (err)
		return err;
	switch (k) {
	case I_MODE:
		err = word(lx, s, key, s->w[1], xdp_modes, "native or generic", &v);
		i->generic = v == 1;
		break;
	case I_EGRESS:
		err = word(lx, s, key, s->w[1], onoff, "on or off", &v);
		i->egress = v;
		break;
	case I_MSS:
	case I_PTB:
		err = word(lx, s, key, s->w[1], onoff, "on or off", &v);
		if (!err) {
			__u32 bit = k == I_MSS ? MTUG_F_MSS : MTUG_F_PTB;

			i->features = v ? i->features | bit : i->features & ~bit;
		}
		break;
	case I_PTB_MODE:
		err = word(lx, s, key, s->w[1], ptb_modes, "fib, broadcast or off",
			   &i->ptb_mode);
		break;
	case I_CHAIN:
		err = word(lx, s, key, s->w[1], onoff, "on or off", &v);
		i->chain = v;
		break;
	case I_ROOT:
		err = root_array(lx, s, i);
		break;
	default:
		err = mtu_or_none(lx, s, key, s->w[1], &i->mtu);
	}
	if (!err && i->chain && i->root[0])
		err = errf(lx, s->line, "iface %s: chain and root-array exclude each "
			   "other", i->name);
	return err;
}

/* After "iface NAME {": statements up to the closing '}'. */
static int block_iface(struct parser *ps, const struct stmt *open)
{
	struct mg_config *c = ps->c;
	struct lexer *lx = &ps->lx;
	unsigned int seen[I__NR] = {};
	struct mg_config_iface *i;
	struct stmt s;
	size_t k;
	int err;

	if (open->n != 2 || strcmp(open->w[0], "iface"))
		return errf(lx, open->line, "'{' opens only an interface block "
			    "('iface NAME {')");
	if (!mg_config_ifname_ok(open->w[1]))
		return errf(lx, open->line, "iface: bad interface name '%s' "
			    "(1-%d bytes, no '/' or ':')", open->w[1], IF_NAMESIZE - 1);
	for (k = 0; k < c->n_ifaces; k++)
		if (!strcmp(c->ifaces[k].name, open->w[1]))
			return errf(lx, open->line, "duplicate iface %s (first at "
				    "line %u)", open->w[1], c->ifaces[k].line);
	if (c->n_ifaces == MTUG_IFACE_MAX_ENTRIES)
		return errf(lx, open->line, "too many interfaces (at most %u)",
			    MTUG_IFACE_MAX_ENTRIES);
	if (grow((void **)&c->ifaces, &ps->cap_ifaces, c->n_ifaces, sizeof(*i)))
		return -ENOMEM;
	i = &c->ifaces[c->n_ifaces++];
	mg_config_iface_init(i);
	memcpy(i->name, open->w[1], strlen(open->w[1]) + 1); /* checked: < 16 */
	i->line = open->line;

	for (;;) {
		err = read_stmt(lx, &s);
		if (err)
			return err;
		if (s.end == T_LBRACE)
			return errf(lx, s.line, "iface %s: unexpected '{' (blocks do "
				    "not nest; missing '}'?)", i->name);
		if (s.n) {
			err = stmt_iface(ps, &s, i, seen);
			if (err)
				return err;
		}
		if (s.end == T_RBRACE)
			return 0;
		if (s.end == T_EOF)
			return errf(lx, open->line, "iface %s: '{' never closed by '}'",
				    i->name);
	}
}

static int cmp_prefix_line(const void *a, const void *b)
{
	const struct mg_config_prefix *x = a, *y = b;
	int c = mg_prefix_cmp(&x->p, &y->p);

	if (c)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Sort the prefixes and refuse a prefix given twice (naming the earliest
 * repeat in the file). */
static int check_prefixes(struct parser *ps)
{
	struct mg_config *c = ps->c;
	const struct mg_config_prefix *dup = NULL, *first = NULL;
	char buf[MG_PREFIX_STRLEN];
	size_t i;

	if (!c->n_prefixes)
		return 0; /* and no qsort(NULL, 0, ...): its pointer is nonnull */
	qsort(c->prefixes, c->n_prefixes, sizeof(*c->prefixes), cmp_prefix_line);
	for (i = 1; i < c->n_prefixes; i++) {
		if (mg_prefix_cmp(&c->prefixes[i - 1].p, &c->prefixes[i].p))
			continue;
		if (!dup || c->prefixes[i].line < dup->line) {
			dup = &c->prefixes[i];
			first = &c->prefixes[i - 1];
		}
	}
	if (!dup)
		return 0;
	/* The first of a run of equal prefixes is the first in the file. */
	while (first > c->prefixes && !mg_prefix_cmp(&first[-1].p, &dup->p))
		first--;
	mg_prefix_format(&dup->p, buf, sizeof(buf));
	return errf(&ps->lx, dup->line, "duplicate prefix %s (first at line %u)",
		    buf, first->line);
}

void mg_config_iface_init(struct mg_config_iface *i)
{
	memset(i, 0, sizeof(*i));
	i->egress = true;
	i->features = MTUG_F_MSS | MTUG_F_PTB;
	i->ptb_mode = MTUG_PTB_OFF;
}

void mg_config_init(struct mg_config *c)
{
	memset(c, 0, sizeof(*c));
	c->global.mtu_source = MTUG_SRC_MAP;
	c->global.ptb_min_mtu_v4 = MTUG_PTB_FLOOR_V4;
	c->global.ptb_min_mtu_v6 = MTUG_PTB_FLOOR_V6;
	c->global.ptb_rate_pps = MTUG_PTB_RATE_DEFAULT;
	c->global.ptb_invalid = MTUG_INVALID_PASS;
}

void mg_config_free(struct mg_config *c)
{
	free(c->ifaces);
	free(c->prefixes);
	mg_config_init(c);
}

int mg_config_parse(const char *buf, size_t len, const char *fname,
		    struct mg_config *out, char *err, size_t errlen)
{
	struct parser *ps;
	struct stmt s;
	int e = 0;

	mg_config_init(out);
	if (errlen)
		err[0] = '\0';
	/* The parser state is small; the statement (8 words) is on the stack. */
	ps = calloc(1, sizeof(*ps));
	if (!ps) {
		snprintf(err, errlen, "%s: out of memory", fname);
		return -ENOMEM;
	}
	ps->lx = (struct lexer){ .buf = buf, .len = len, .line = 1, .fname = fname,
				 .err = err, .errlen = errlen };
	ps->c = out;

	while (!e) {
		e = read_stmt(&ps->lx, &s);
		if (e)
			break;
		if (s.end == T_LBRACE) {
			e = block_iface(ps, &s);
			continue;
		}
		if (s.n)
			e = stmt_top(ps, &s);
		if (!e && s.end == T_RBRACE)
			e = errf(&ps->lx, s.line, "unexpected '}'");
		if (s.end == T_EOF)
			break;
	}
	if (!e)
		e = check_prefixes(ps);
	if (e == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", fname);
	if (e)
		mg_config_free(out);
	free(ps);
	return e;
}

/* ---- writer ------------------------------------------------------------------ */

static void put_mtu(FILE *f, const char *key, __u32 mtu)
{
	if (mtu)
		fprintf(f, "%s %u\n", key, mtu);
	else
		fprintf(f, "%s none\n", key);
}

void mg_config_write(FILE *f, const struct mg_config *c)
{
	const struct mtug_global_cfg *g = &c->global;
	char buf[MG_PREFIX_STRLEN];
	size_t i;

	put_mtu(f, "default-mtu", g->default_mtu);
	fprintf(f, "mtu-source %s\n", g->mtu_source == MTUG_SRC_PMTU ? "pmtu" : "map");
	fprintf(f, "ptb min-mtu %u %u\n", g->ptb_min_mtu_v4, g->ptb_min_mtu_v6);
	fprintf(f, "ptb rate %u\n", g->ptb_rate_pps);
	fprintf(f, "ptb forward %s\n", g->ptb_forward ? "on" : "off");
	fprintf(f, "ptb errors %s\n", g->ptb_all_errors ? "all" : "frag");
	fprintf(f, "ptb invalid %s\n",
		g->ptb_invalid == MTUG_INVALID_DROP ? "drop" : "pass");
	for (i = 0; i < c->n_ifaces; i++) {
		const struct mg_config_iface *it = &c->ifaces[i];

		fprintf(f, "\niface %s {\n", it->name);
		fprintf(f, "\tmode %s\n", it->generic ? "generic" : "native");
		fprintf(f, "\tegress %s\n", it->egress ? "on" : "off");
		fprintf(f, "\tmss %s\n", it->features & MTUG_F_MSS ? "on" : "off");
		fprintf(f, "\tptb %s\n", it->features & MTUG_F_PTB ? "on" : "off");
		fprintf(f, "\tptb-mode %s\n", mg_config_ptb_mode_name(it->ptb_mode));
		fputc('\t', f);
		put_mtu(f, "mtu", it->mtu);
		fprintf(f, "\tchain %s\n", it->chain ? "on" : "off");
		fprintf(f, "\troot-array %s\n", it->root[0] ? it->root : "none");
		fputs("}\n", f);
	}
	if (c->n_prefixes)
		fputc('\n', f);
	for (i = 0; i < c->n_prefixes; i++) {
		mg_prefix_format(&c->prefixes[i].p, buf, sizeof(buf));
		fprintf(f, "prefix %s %u\n", buf, c->prefixes[i].mtu);
	}
}
