#!/bin/sh
# version.sh - print mtuguard's version.
#
# In a git checkout: from `git describe` (release tags are vMAJOR.MINOR.PATCH):
#   on a tag v1.2.0                      1.2.0
#   3 commits after it, at abc1234       1.2.0+3.gabc1234
#   no release tag yet                   <VERSION>+git.abc1234
#   uncommitted changes                  ... +dirty
# Anywhere else (a release tarball, the Debian build's copy of the tree):
# the VERSION file.  Only [0-9A-Za-z.+~] come out, so the version is also a
# valid Debian version.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd -P)
base=$(sed -n '1p' "$root/VERSION")
v=$base
# Only a checkout whose top is this tree: a copy inside another checkout
# (build/deb/...) must not take that checkout's version.
top=$(git -C "$root" rev-parse --show-toplevel 2>/dev/null || true)
if [ -n "$top" ] && [ "$(cd "$top" && pwd -P)" = "$root" ]; then
	if d=$(git -C "$root" describe --tags --match 'v[0-9]*' --dirty 2>/dev/null); then
		v=$(printf '%s\n' "${d#v}" | sed -e 's/-dirty$/+dirty/' \
			-e 's/-\([0-9][0-9]*\)-g\([0-9a-f]*\)/+\1.g\2/')
	elif d=$(git -C "$root" describe --always --dirty 2>/dev/null); then
		v=$base+git.$(printf '%s\n' "$d" | sed 's/-dirty$/+dirty/')
	fi
fi
printf '%s\n' "$v" | sed 's/[^0-9A-Za-z.+~]/./g'
