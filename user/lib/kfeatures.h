/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * kfeatures.h - the optional kernel facilities mtuguard uses, one table:
 * each has a name (as `status` prints it), what it gives, the first kernel
 * version that has it and a probe of the running kernel.  Probes run once
 * per process, on first use.  The BPF object makes the same choices at
 * load time by its own means (CO-RE checks, bpf_ksym_exists); this table is
 * the CLI's view, for refusing what the kernel cannot give and for telling
 * the operator what runs.
 */
#ifndef MG_KFEATURES_H
#define MG_KFEATURES_H

#include <stdbool.h>
#include <stddef.h>

enum mg_kfeature {
	MG_KF_FIB_ROUTE_MTU, /* bpf_fib_lookup reports the route MTU */
	MG_KF_FIB_DIRECT,    /* the direct IPv4 FIB lookup */
	MG_KF_XDP_FRAGS,     /* multi-buffer XDP */
	MG_KF_XDP_FEATURES,  /* devices' XDP abilities, told by the kernel */
	MG_KF_TCX,           /* TCX links */
	MG_KF_V6_SHARDS,     /* one RCU wait per batched map-in-map write */
	MG_KF_NR,
};

struct mg_kfeature_info {
	const char *name;  /* as status prints it: fib_route_mtu, ... */
	const char *gives; /* what mtuguard does with it, one phrase */
	const char *since; /* first kernel version that has it: "5.11" */
	/* 1: the running kernel has it, 0: not, or a negative errno (the
	 * probe itself failed: taken as "not"). */
	int (*probe)(void);
};

/* The table's entry of f. */
const struct mg_kfeature_info *mg_kfeature_info(enum mg_kfeature f);

/* Whether the running kernel gives f (probed once). */
bool mg_kfeature(enum mg_kfeature f);

/* The running kernel's release (uname -r). */
const char *mg_kernel_release(void);

/*
 * The one line that refuses what without f, into buf:
 *   "<what> needs kernel <since> or later (this kernel: <release>)"
 * Pure: the release is given, for tests.
 */
void mg_kfeature_refusal(enum mg_kfeature f, const char *what, const char *release,
			 char *buf, size_t len);

/* 0 when the kernel gives f; else prints the refusal (prefix: what the
 * caller names, e.g. "mtu source pmtu") and returns -EOPNOTSUPP. */
int mg_kfeature_require(enum mg_kfeature f, const char *what);

/* "fib_route_mtu yes, fib_direct no (6.2), ..." for status. */
void mg_kfeatures_line(char *buf, size_t len);

/* Parse "6.1.0-57-amd64" into major and minor; -EINVAL if not. */
int mg_kernel_version_parse(const char *release, unsigned int *major,
			    unsigned int *minor);

#endif /* MG_KFEATURES_H */
