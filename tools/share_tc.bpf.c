// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * share_tc.bpf.c - another owner's TC program for the tests of a shared
 * TC hook (not part of mtuguard): it counts what reaches it in counts[0]
 * and passes it with TC_ACT_OK, as most TC programs do, which ends the
 * hook's run: whatever would come after it on the hook is not run.
 * tests/integration/test_share_tc.sh puts it beside mtuguard's programs,
 * as a TCX link or a clsact filter.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("tc")
int tc_count(struct __sk_buff *skb)
{
	__u32 zero = 0;
	__u64 *v = bpf_map_lookup_elem(&counts, &zero);

	if (v)
		__sync_fetch_and_add(v, 1);
	return 0; /* TC_ACT_OK */
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
