#!/bin/bash
# test_cli_ifname_bytes.sh - machine-readable output stays valid whatever
# bytes an interface name holds.
#
# Linux accepts any byte in an interface name but '/', ':', whitespace and
# NUL, so a name need not be UTF-8.  JSON and the Prometheus text format
# must be.  Two veths, one with a byte that is never UTF-8 (0xff) and one
# with a Latin-1 byte (0xe9), one attached: `status --json`, `stats --json`
# and `stats --prometheus` must each decode as strict UTF-8 (and the JSON
# parse), and name the interface with the byte as the character of the
# same number (U+00FF, U+00E9: `\u00ff` in JSON).
# timeout: 120
set -u
. "$(dirname "$0")/lib.sh"
lib_init cli_ifname_bytes

if ! mtug_ready; then
	skip "cli_ifname_bytes" "build/mtuguard not built"
	exit 0
fi

NS=$(ns_new a) || { fail "ifname_bytes setup" "ip netns add"; exit 1; }
A=$'v\xff0' B=$'v\xe9x'
if ! ip -n "$NS" link add "$A" type veth peer name "$B" ||
   ! ip -n "$NS" link set "$A" up || ! ip -n "$NS" link set "$B" up; then
	fail "ifname_bytes setup" "veth with non-UTF-8 names"
	exit 1
fi
bpffs_new || { fail "ifname_bytes setup" "bpffs mount"; exit 1; }
if ! out=$(mtug "$NS" attach "$A" 2>&1) || ! out=$(mtug "$NS" attach "$B" 2>&1); then
	fail "ifname_bytes setup" "attach: $out"
	exit 1
fi

# check KIND: the command's stdout ($MTUG_TMP/out), a json document with
# an "interfaces" list or Prometheus text ("prom").
check() {
	python3 - "$MTUG_TMP/out" "$1" <<'PY'
import json, sys
path, kind = sys.argv[1:]
raw = open(path, "rb").read()
try:
    text = raw.decode("utf-8")          # strict: any stray byte fails
except UnicodeDecodeError as e:
    sys.exit("not UTF-8: %s" % e)
want = {"v\u00ff0", "v\u00e9x"}
if kind == "json":
    names = {i["name"] for i in json.loads(text)["interfaces"]}
else:
    names = {l.split('interface="', 1)[1].split('"', 1)[0]
             for l in text.splitlines() if 'interface="' in l}
if names != want:
    sys.exit("names %r, want %r" % (sorted(names), sorted(want)))
PY
}

for c in "status --json:json" "stats --json:json" "stats --prometheus:prom"; do
	cmd=${c%%:*} kind=${c##*:}
	# shellcheck disable=SC2086 # the command line is split on purpose
	if ! mtug "$NS" $cmd >"$MTUG_TMP/out" 2>"$MTUG_TMP/err"; then
		fail "ifname_bytes: $cmd" "exit status: $(head -n 1 "$MTUG_TMP/err")"
	elif why=$(check "$kind" 2>&1); then
		pass "ifname_bytes: $cmd"
	else
		fail "ifname_bytes: $cmd" "$why"
	fi
done

mtug "$NS" detach --all >/dev/null 2>&1
exit "$(fail_count)"
