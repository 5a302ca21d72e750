#!/bin/bash
# test_cli_netns_owner.sh - one pin directory, two network namespaces.
#
# The state keys interfaces by ifindex, which means something only in its
# own network namespace; a bpffs is shared by every network namespace of a
# mount namespace (here: `ip netns exec` keeps the host bpffs lib.sh mounts).
# So the state records the namespace that made it (user/lib/owner.h), and:
#   - every command from another namespace that reads or writes interfaces
#     is refused with one line, exit 1, and changes nothing (A's
#     interfaces, pins and settings as they were);
#   - prefixes and global settings, the same in every namespace, may be
#     changed from another one;
#   - the owner detaches as usual and leaves no record behind;
#   - afterwards the other namespace may make a state of its own there;
#   - an owner namespace that is deleted leaves a state nobody else may
#     use; `rm -r` of the pin dir (what the error suggests) clears it.
# timeout: 120
set -u
. "$(dirname "$0")/lib.sh"
lib_init cli_netns_owner

if ! mtug_ready; then
	skip "cli_netns_owner" "build/mtuguard not built"
	exit 0
fi

{ A=$(ns_new a) && B=$(ns_new b); } || { fail "netns_owner setup" "ip netns add"; exit 1; }
# The same device names in both, so that "eth0" would resolve either way.
veth_new "$A" eth0 "$A" peer0 || { fail "netns_owner setup" "veth A"; exit 1; }
veth_new "$B" eth0 "$B" peer0 || { fail "netns_owner setup" "veth B"; exit 1; }
bpffs_new || { fail "netns_owner setup" "bpffs mount"; exit 1; }

records() { find "$MTUG_PIN_DIR" -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | grep -c '^netns_[0-9][0-9]*$'; }
# What must not move: A's status, its pins, and its XDP program.
snapshot() {
	mtug "$A" status --json 2>&1
	ls "$MTUG_PIN_DIR" "$MTUG_PIN_DIR/links" 2>&1
	ip -n "$A" -d link show eth0 | grep -o 'prog/xdp id [0-9]*'
	nsx "$A" tc filter show dev eth0 egress 2>&1
}

if ! out=$(mtug "$A" attach eth0 2>&1) || ! mtug "$A" mtu add 10.9.0.0/16 1400 >/dev/null 2>&1; then
	fail "netns_owner setup" "attach in A: $out"
	exit 1
fi
if [ "$(records)" = 1 ]; then
	pass "netns_owner: the state records one namespace"
else
	fail "netns_owner: the state records one namespace" "$(records) records: $(find "$MTUG_PIN_DIR" -mindepth 1 -maxdepth 1 -printf '%f ')"
fi

before=$(snapshot)
cfg=$MTUG_TMP/b.conf
printf 'iface eth0 { mode generic }\n' >"$cfg"
bad=""
while IFS= read -r cmd; do
	# shellcheck disable=SC2086 # the command line is split on purpose
	err=$(mtug "$B" $cmd 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -ne 1 ] || [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ] ||
		[[ $err != *"another network namespace"* ]]; then
		bad="$bad [$cmd: exit $rc, '$err']"
	fi
done <<EOF
status
stats
attach eth0
detach eth0
detach --all
mtu iface eth0 1300
ptb mode fib
enable ptb
apply -f $cfg
show-config
EOF
after=$(snapshot)
if [ -z "$bad" ]; then
	pass "netns_owner: interface commands from another namespace are refused with one line"
else
	fail "netns_owner: interface commands from another namespace are refused with one line" "$bad"
fi
if [ "$before" = "$after" ]; then
	pass "netns_owner: the refused commands changed nothing"
else
	fail "netns_owner: the refused commands changed nothing" \
		"$(diff <(echo "$before") <(echo "$after") | head -n 8 | tr '\n' '|')"
fi
if ip -n "$B" -d link show eth0 | grep -q 'prog/xdp'; then
	fail "netns_owner: nothing attached in B" "B's eth0 has an XDP program"
else
	pass "netns_owner: nothing attached in B"
fi

# Prefixes and global settings from B land in A's state.
if mtug "$B" mtu add 10.8.0.0/16 1300 >/dev/null 2>&1 &&
	mtug "$B" ptb rate 700 >/dev/null 2>&1 &&
	mtug "$B" mtu list | grep -q '10.8.0.0/16' &&
	mtug "$A" mtu list | grep -q '10.8.0.0/16.*1300' &&
	mtug "$A" status | grep -q 'rate 700 pps'; then
	pass "netns_owner: prefixes and global settings from another namespace"
else
	fail "netns_owner: prefixes and global settings from another namespace" \
		"$(mtug "$A" mtu list 2>&1 | tr '\n' '|') $(mtug "$A" status 2>&1 | grep ptb)"
fi

# The owner is not hindered, and its last detach leaves nothing.
if mtug "$A" status >/dev/null 2>&1 && mtug "$A" detach eth0 >/dev/null 2>&1 &&
	[ ! -e "$MTUG_PIN_DIR" ]; then
	pass "netns_owner: the owner detaches, pin dir and record gone"
else
	fail "netns_owner: the owner detaches, pin dir and record gone" \
		"$(find "$MTUG_PIN_DIR" -mindepth 1 -maxdepth 1 -printf '%f ' 2>&1)"
fi

# Now B may have it; and when B's namespace is deleted, A is refused until
# the pin dir is removed by hand.
if out=$(mtug "$B" attach eth0 2>&1) && [ "$(records)" = 1 ]; then
	pass "netns_owner: another namespace attaches once the dir is free"
else
	fail "netns_owner: another namespace attaches once the dir is free" "$out"
fi
ip netns del "$B"
err=$(mtug "$A" attach eth0 2>&1 >/dev/null)
rc=$?
rm -r "$MTUG_PIN_DIR"
if [ "$rc" -eq 1 ] && [[ $err == *"rm -r"* ]] && out=$(mtug "$A" attach eth0 2>&1) &&
	mtug "$A" detach eth0 >/dev/null 2>&1; then
	pass "netns_owner: a deleted owner's state is refused, rm -r clears it"
else
	fail "netns_owner: a deleted owner's state is refused, rm -r clears it" \
		"exit $rc, '$err'; then '$out'"
fi

exit 0
