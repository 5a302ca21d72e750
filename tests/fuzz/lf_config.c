// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * lf_config.c - libFuzzer target: the configuration file parser
 * (user/lib/config_file.c, `mtuguard apply -f`).
 *
 * Properties, for any bytes:
 *  - no crash, no leak, no sanitizer report;
 *  - an error is -EINVAL or -ENOMEM with one line "FNAME:LINE: ..." whose
 *    LINE is within the file (1 .. lines + 1), and leaves the output empty;
 *  - a file that parses, written back with mg_config_write(), parses again
 *    to the same configuration, and writing that gives the same text
 *    (show-config | apply -f - is a no-op).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_file.h"

static char *write_cfg(const struct mg_config *c, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		abort();
	mg_config_write(f, c);
	fclose(f);
	return buf;
}

static void same(const struct mg_config *a, const struct mg_config *b)
{
	if (memcmp(&a->global, &b->global, sizeof(a->global)) ||
	    a->n_ifaces != b->n_ifaces || a->n_prefixes != b->n_prefixes)
		abort();
	for (size_t i = 0; i < a->n_ifaces; i++) {
		const struct mg_config_iface *x = &a->ifaces[i], *y = &b->ifaces[i];

		if (strcmp(x->name, y->name) || x->generic != y->generic ||
		    x->egress != y->egress || x->features != y->features ||
		    x->ptb_mode != y->ptb_mode || x->mtu != y->mtu)
			abort();
	}
	for (size_t i = 0; i < a->n_prefixes; i++)
		if (mg_prefix_cmp(&a->prefixes[i].p, &b->prefixes[i].p) ||
		    a->prefixes[i].mtu != b->prefixes[i].mtu)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_config c, c2;
	char err[512], *out, *out2;
	size_t len, len2, lines = 1;
	int rc;

	if (size > 64 * 1024)
		return 0;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	err[0] = '\0';
	rc = mg_config_parse((const char *)data, size, "f", &c, err, sizeof(err));
	if (rc) {
		unsigned long line;
		char *end;

		if (rc != -EINVAL && rc != -ENOMEM)
			abort();
		if (c.n_ifaces || c.n_prefixes || c.ifaces || c.prefixes)
			abort();
		if (rc == -EINVAL) {
			if (strncmp(err, "f:", 2))
				abort();
			line = strtoul(err + 2, &end, 10);
			if (end == err + 2 || *end != ':' || line < 1 || line > lines)
				abort();
			if (strchr(err, '\n'))
				abort();
		}
		return 0;
	}
	out = write_cfg(&c, &len);
	err[0] = '\0';
	if (mg_config_parse(out, len, "written", &c2, err, sizeof(err))) {
		fprintf(stderr, "written config does not parse: %s\n---\n%s---\n", err, out);
		abort();
	}
	same(&c, &c2);
	out2 = write_cfg(&c2, &len2);
	if (len != len2 || memcmp(out, out2, len))
		abort();
	free(out);
	free(out2);
	mg_config_free(&c);
	mg_config_free(&c2);
	return 0;
}
