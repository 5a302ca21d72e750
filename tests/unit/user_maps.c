// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * user_maps.c - the one table of maps (MTUG_MAPS, mtuguard.h) against the
 * BPF object: every map of the table is in the object by its name, with
 * the type, key and value sizes, max_entries and flags that the loader
 * checks pinned maps against (user/lib/state.c); and the object has no map
 * beyond the table but its own scratch space and libbpf's internal ones,
 * so a map defined by hand in bpf/maps.h, or a table entry that says
 * something else than the definition, fails here.  Only opens the object
 * (no load, no root).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "../../user/lib/state.h"
#include "harness.h"
#include "mtuguard.skel.h"

/* Maps the datapath keeps to itself: never pinned, not in the table. */
static const char *const private_maps[] = { "fib_scratch" };

static bool in_table(const char *name)
{
	for (int i = 0; i < MG_MAP_NR; i++)
		if (!strcmp(mg_map_desc(i)->name, name))
			return true;
	for (size_t i = 0; i < sizeof(private_maps) / sizeof(private_maps[0]); i++)
		if (!strcmp(private_maps[i], name))
			return true;
	return false;
}

void maps_tests_run(const char *filter, int *pass, int *fail)
{
	struct mtuguard_bpf *skel = mtuguard_bpf__open();
	const struct bpf_map *map;
	char name[128], why[256];
	bool ok;

	if (!skel) {
		report_plain("user/maps/open", false, strerror(errno), filter, pass, fail);
		return;
	}
	for (int i = 0; i < MG_MAP_NR; i++) {
		const struct mg_map_desc *d = mg_map_desc(i);

		snprintf(name, sizeof(name), "user/maps/%s", d->name);
		map = bpf_object__find_map_by_name(skel->obj, d->name);
		if (!map) {
			report_plain(name, false, "not in the BPF object", filter, pass, fail);
			continue;
		}
		ok = bpf_map__type(map) == d->type &&
		     bpf_map__key_size(map) == d->key_size &&
		     bpf_map__value_size(map) == d->value_size &&
		     bpf_map__max_entries(map) == d->max_entries &&
		     bpf_map__map_flags(map) == d->flags &&
		     !strcmp(mg_map_name(i), d->name);
		snprintf(why, sizeof(why), "object type %u key %u value %u entries %u "
			 "flags %#x, table %u/%u/%u/%u/%#x", bpf_map__type(map),
			 bpf_map__key_size(map), bpf_map__value_size(map),
			 bpf_map__max_entries(map), bpf_map__map_flags(map), d->type,
			 d->key_size, d->value_size, d->max_entries, d->flags);
		report_plain(name, ok, why, filter, pass, fail);
	}
	why[0] = '\0';
	bpf_object__for_each_map(map, skel->obj) {
		if (bpf_map__is_internal(map) || in_table(bpf_map__name(map)))
			continue;
		snprintf(why + strlen(why), sizeof(why) - strlen(why), "%s%s",
			 why[0] ? ", " : "", bpf_map__name(map));
	}
	report_plain("user/maps/none_beside_the_table", !why[0], why, filter, pass, fail);
	mtuguard_bpf__destroy(skel);
}
