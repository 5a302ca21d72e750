#!/bin/bash
# headers.sh - every header of the tree compiles on its own: the BPF side's
# (bpf/*.h, with only vmlinux.h and libbpf's helper headers before it, as
# a .bpf.c starts) and the shared one (include/mtuguard.h, for userspace).
# A header that needs another includes it.  One PASS or FAIL line each.
set -u
cd "$(dirname "$0")/.." || exit 1
CLANG=${CLANG:-clang}
CC=${CC:-cc}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

for h in bpf/*.h; do
	printf '#include "vmlinux.h"\n#include <bpf/bpf_helpers.h>\n#include "%s"\n' \
		"${h#bpf/}" >"$tmp/h.c"
	if out=$("$CLANG" -g -O2 --target=bpf -D__TARGET_ARCH_x86 -Wall -Werror -Iinclude \
		-Ivmlinux -Ibpf -fsyntax-only "$tmp/h.c" 2>&1); then
		echo "PASS: headers/$h"
	else
		echo "FAIL: headers/$h (does not compile on its own)"
		printf '%s\n' "$out" | grep -m 3 error | sed 's/^/    /'
	fi
done
for h in include/*.h; do
	printf '#include "%s"\n' "${h#include/}" >"$tmp/h.c"
	if out=$("$CC" -Wall -Werror -Iinclude -fsyntax-only "$tmp/h.c" 2>&1); then
		echo "PASS: headers/$h"
	else
		echo "FAIL: headers/$h (does not compile on its own)"
		printf '%s\n' "$out" | grep -m 3 error | sed 's/^/    /'
	fi
done
exit 0
