#!/bin/bash
# test_deb.sh - `make deb` and the package it builds:
#
#   - make deb succeeds: dpkg-buildpackage from a copy of the tree, then
#     lintian without an error or a warning (tools/mkdeb.sh);
#   - the package is mtuguard_<tools/version.sh>_amd64.deb and holds exactly
#     the binary, the man page, the systemd unit, the bash completion, the
#     example configuration, the copyright and the changelog, with their
#     modes; the unit runs /usr/sbin/mtuguard; it depends on libbpf1;
#   - its maintainer scripts never start, stop or enable mtuguard.service;
#   - `apt-get install ./mtuguard_...deb` into a throwaway root, then
#     `mtuguard --version` there prints the package's version and `man -w`
#     finds the page; `apt-get purge` removes every file again.
#
# The throwaway root is the host's / under an overlay whose writes go to a
# tmpfs, both mounted in a private mount namespace (unshare -m): when that
# namespace ends, every write is gone, whatever happened.  The host's
# package database is never written; the test checks that mtuguard's
# status there is the same before and after.
# timeout: 600
set -u
. "$(dirname "$0")/lib.sh"
lib_init deb

for t in dpkg-buildpackage dh lintian unshare; do
	if ! command -v "$t" >/dev/null 2>&1; then
		skip "deb" "$t not installed (tools/deps.sh)"
		exit 0
	fi
done
D=$MTUG_TMP
B=$D/build
host_status=$(dpkg-query -W -f='${Status} ${Version}' mtuguard 2>/dev/null)

# ---- make deb --------------------------------------------------------------------
version=$("$MTUG_ROOT/tools/version.sh")
if make -C "$MTUG_ROOT" --no-print-directory deb BUILD="$B" >"$D/make.log" 2>&1; then
	pass "deb: make deb builds and lintian reports no error or warning ($(grep -o 'lintian: .*tag(s), [0-9]* overridden' "$D/make.log"))"
else
	sed 's/^/    /' "$D/make.log" | tail -n 30
	fail "deb: make deb" "$(tail -n 1 "$D/make.log")"
	exit 1
fi
DEB=$B/deb/mtuguard_${version}_amd64.deb
if [ ! -f "$DEB" ]; then
	fail "deb: the package is mtuguard_${version}_amd64.deb" "$(ls "$B/deb")"
	exit 1
fi

# ---- contents -----------------------------------------------------------------------
dpkg-deb -c "$DEB" | awk '$1 !~ /^d/ { print $1, $6 }' | sort >"$D/contents"
want=$(printf '%s\n' \
	"-rw-r--r-- ./lib/systemd/system/mtuguard.service" \
	"-rwxr-xr-x ./usr/sbin/mtuguard" \
	"-rw-r--r-- ./usr/share/bash-completion/completions/mtuguard" \
	"-rw-r--r-- ./usr/share/doc/mtuguard/changelog.gz" \
	"-rw-r--r-- ./usr/share/doc/mtuguard/copyright" \
	"-rw-r--r-- ./usr/share/doc/mtuguard/mtuguard.conf.example" \
	"-rw-r--r-- ./usr/share/lintian/overrides/mtuguard" \
	"-rw-r--r-- ./usr/share/man/man8/mtuguard.8.gz" | sort)
mkdir -p "$D/x"
dpkg-deb -x "$DEB" "$D/x"
why=""
[ "$(cat "$D/contents")" = "$want" ] || why="contents: $(tr '\n' '|' <"$D/contents")"
[ "$(dpkg-deb -f "$DEB" Package Version Architecture | tr '\n' ' ')" = \
	"Package: mtuguard Version: $version Architecture: amd64 " ] ||
	why="$why control: $(dpkg-deb -f "$DEB" Package Version Architecture | tr '\n' ' ')"
dpkg-deb -f "$DEB" Depends | grep -q 'libbpf1' || why="$why Depends: $(dpkg-deb -f "$DEB" Depends)"
u=$D/x/lib/systemd/system/mtuguard.service
if [ "$(grep -c '^Exec[A-Za-z]*=.*/usr/sbin/mtuguard ' "$u")" != 3 ] || grep -v '^#' "$u" | grep -q '/usr/local'; then
	why="$why unit: $(grep '^Exec' "$u" | tr '\n' '|')"
fi
cmp -s "$D/x/usr/share/bash-completion/completions/mtuguard" \
	"$MTUG_ROOT/tools/mtuguard.bash-completion" || why="$why completion differs"
zcat "$D/x/usr/share/man/man8/mtuguard.8.gz" | cmp -s - "$MTUG_ROOT/tools/mtuguard.8" ||
	why="$why man page differs"
if [ -z "$why" ]; then
	pass "deb: contents, modes, control fields, the unit's paths"
else
	fail "deb: contents, modes, control fields, the unit's paths" "$why"
fi

# ---- maintainer scripts ---------------------------------------------------------------------
mkdir -p "$D/ctl"
dpkg-deb -e "$DEB" "$D/ctl"
bad=""
for s in "$D"/ctl/preinst "$D"/ctl/postinst "$D"/ctl/prerm "$D"/ctl/postrm; do
	[ -f "$s" ] || continue
	sh -n "$s" || bad="$bad ${s##*/}:syntax"
	# Re-enabling a unit the administrator had enabled (was-enabled) is
	# dh's upgrade path; starting, stopping or enabling it outright is not.
	grep -Eq 'deb-systemd-invoke (start|stop|restart)|systemctl (start|stop|restart|enable)' "$s" &&
		bad="$bad ${s##*/}:$(grep -Eo 'deb-systemd-invoke [a-z]+|systemctl [a-z]+' "$s" | tr '\n' ' ')"
	if grep -q 'deb-systemd-helper enable' "$s" &&
		! grep -B2 'deb-systemd-helper enable' "$s" | grep -q 'was-enabled'; then
		bad="$bad ${s##*/}:enable-without-was-enabled"
	fi
done
if [ -z "$bad" ]; then
	pass "deb: maintainer scripts never start, stop or enable mtuguard.service"
else
	fail "deb: maintainer scripts never start, stop or enable mtuguard.service" "$bad"
fi

# ---- install, run, purge in a throwaway root -------------------------------------------------
# shellcheck disable=SC2016 # the script runs in the private namespace
unshare -m bash -c '
set -u
D=$1 DEB=$2
mount --make-rprivate / || exit 1
mkdir -p "$D/ovl"
mount -t tmpfs tmpfs "$D/ovl" || exit 1
mkdir "$D/ovl/up" "$D/ovl/work" "$D/ovl/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$D/ovl/up,workdir=$D/ovl/work" "$D/ovl/root" || exit 1
R=$D/ovl/root
mount -t proc proc "$R/proc" || exit 1
mount --rbind /dev "$R/dev" || exit 1
# No service may start inside (there is no systemd here anyway).
printf "#!/bin/sh\nexit 101\n" >"$R/usr/sbin/policy-rc.d"
chmod 0755 "$R/usr/sbin/policy-rc.d"
cp "$DEB" "$R/tmp/mtuguard.deb"
inroot() { chroot "$R" env DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"; }
echo "== install"
inroot apt-get install -y --no-install-recommends /tmp/mtuguard.deb 2>&1 | tail -n 5
echo "status=$(inroot dpkg-query -W -f="\${Status} \${Version}" mtuguard 2>&1)"
echo "version=$(inroot mtuguard --version 2>&1)"
echo "man=$(inroot man -w mtuguard 2>&1)"
echo "files=$(inroot dpkg -L mtuguard 2>/dev/null | wc -l)"
echo "== purge"
inroot apt-get purge -y mtuguard 2>&1 | tail -n 3
echo "after=$(inroot dpkg-query -W -f="\${Status}" mtuguard 2>&1)"
left=""
for f in /usr/sbin/mtuguard /lib/systemd/system/mtuguard.service /usr/share/man/man8/mtuguard.8.gz \
	/usr/share/bash-completion/completions/mtuguard /usr/share/doc/mtuguard; do
	[ -e "$R$f" ] && left="$left $f"
done
echo "left=$left"
' _ "$D" "$DEB" >"$D/root.log" 2>&1
rc=$?
get() { sed -n "s/^$1=//p" "$D/root.log" | head -n 1; }
if [ "$rc" = 0 ] && [ "$(get status)" = "install ok installed $version" ] &&
	[ "$(get version)" = "mtuguard $version" ] &&
	[ "$(get man)" = /usr/share/man/man8/mtuguard.8.gz ]; then
	pass "deb: apt-get install into a throwaway root; mtuguard --version there: $(get version)"
else
	sed 's/^/    /' "$D/root.log" | tail -n 30
	fail "deb: apt-get install into a throwaway root" \
		"rc $rc, status '$(get status)', version '$(get version)', man '$(get man)'"
fi
if [ "$rc" = 0 ] && [[ $(get after) != *"ok installed"* ]] && [ -z "$(get left)" ]; then
	pass "deb: apt-get purge removes it again"
else
	fail "deb: apt-get purge removes it again" "status '$(get after)', left:$(get left)"
fi
now_status=$(dpkg-query -W -f='${Status} ${Version}' mtuguard 2>/dev/null)
if [ "$now_status" = "$host_status" ] && ! mountpoint -q "$D/ovl" 2>/dev/null; then
	pass "deb: the host's package database and mounts are as before"
else
	fail "deb: the host's package database and mounts are as before" \
		"mtuguard on the host: '$host_status' -> '$now_status'"
fi
[ "$(fail_count)" -eq 0 ]
