#!/bin/bash
# mkdeb.sh - `make deb`: mtuguard's Debian package, built with Debian's own
# tooling (debian/, dpkg-buildpackage, lintian) from a copy of the tree.
#
#   BUILD=build tools/mkdeb.sh      -> $BUILD/deb/mtuguard_<version>_amd64.deb
#   LINTIAN=no                      skip lintian
#
# The version is tools/version.sh's: a snapshot of a git checkout gets a
# debian/changelog entry of its own in the copy, so the package, the
# source and `mtuguard --version` carry the same version.  The copy holds
# the files git knows (tracked or not ignored), or outside git everything
# but the build directory; the working tree is never written.  Output:
# the .deb, its -dbgsym .ddeb, the native source (.dsc, .tar.xz), the
# .buildinfo and .changes, and lintian.txt.  Exit status non-zero if the
# build fails or lintian reports an error or a warning (every tag that is
# expected is overridden, with the reason, in debian/*lintian-overrides).
set -euo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd -P)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac

for t in dpkg-buildpackage dpkg-parsechangelog dh; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "mkdeb.sh: $t not found (dpkg-dev, debhelper: tools/deps.sh)" >&2
		exit 1
	fi
done

version=$(tools/version.sh)
out=$BUILD/deb
src=$out/mtuguard-$version
rm -rf "$out"
mkdir -p "$src"

top=$(git rev-parse --show-toplevel 2>/dev/null || true)
if [ -n "$top" ] && [ "$(cd "$top" && pwd -P)" = "$ROOT" ]; then
	git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar --null -T - -cf - | tar -xf - -C "$src"
else
	tar --exclude="./${BUILD#"$ROOT"/}" --exclude=./.git -cf - . | tar -xf - -C "$src"
fi
echo "$version" >"$src/VERSION"

# A snapshot: its own changelog entry, dated by its commit.
if [ "$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)" != "$version" ]; then
	maint=$(sed -n 's/^Maintainer: //p' "$src/debian/control")
	date=$(git log -1 --format=%cD 2>/dev/null || date -R)
	{
		printf 'mtuguard (%s) unstable; urgency=medium\n\n' "$version"
		printf '  * Snapshot of the source tree at %s.\n\n' "$version"
		printf ' -- %s  %s\n\n' "$maint" "$date"
		cat "$ROOT/debian/changelog"
	} >"$src/debian/changelog"
fi

echo "mkdeb.sh: building mtuguard $version in $src"
# The copy builds into its own build/: our BUILD, and the variables of the
# make that runs us (MAKEFLAGS carries command-line ones), must not reach
# its Makefile, whose clean would remove $out.
(cd "$src" && env -u BUILD -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES dpkg-buildpackage -us -uc --build=full -j"$(nproc)") \
	>"$out/build.log" 2>&1 || {
	tail -n 30 "$out/build.log" >&2
	echo "mkdeb.sh: dpkg-buildpackage failed (log: $out/build.log)" >&2
	exit 1
}
deb=$(ls "$out"/mtuguard_"$version"_*.deb)

if [ "${LINTIAN:-yes}" != no ]; then
	if ! command -v lintian >/dev/null 2>&1; then
		echo "mkdeb.sh: lintian not found (tools/deps.sh; LINTIAN=no skips it)" >&2
		exit 1
	fi
	# Overridden tags are listed too, so the log shows what was waived.
	if ! lintian -I --fail-on error,warning --show-overrides --tag-display-limit 0 \
		"$out"/mtuguard_"$version"_*.changes >"$out/lintian.txt" 2>&1; then
		cat "$out/lintian.txt" >&2
		echo "mkdeb.sh: lintian found errors or warnings ($out/lintian.txt)" >&2
		exit 1
	fi
	echo "mkdeb.sh: lintian: $(grep -c '^[EWIPX]:' "$out/lintian.txt") tag(s), $(grep -c '^O:' "$out/lintian.txt") overridden ($out/lintian.txt)"
fi
echo "$deb"
