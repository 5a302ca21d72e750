#!/bin/bash
# vm.sh - run a command on one of Debian's kernel packages, booted in qemu.
#
#   tests/kernels/vm.sh run <5.10|6.1|6.12> [--] <command...>
#   tests/kernels/vm.sh fetch <5.10|6.1|6.12>   download + unpack only
#   tests/kernels/vm.sh update <5.10|6.1|6.12>  look for a newer package
#   tests/kernels/vm.sh kver <5.10|6.1|6.12>    print the cached kernel's release
#
# `run` boots the kernel with qemu's TCG (/dev/kvm is not used: under a
# nested KVM a stock kernel may not boot at all), runs the command as root
# with this checkout as working directory, streams its output to stdout and
# exits with its exit status (124 when the guest timed out, 125 when the
# guest never ran the command or died before it finished).
#
# No guest image: the guest mounts the host's root file system read-only
# over virtio-9p with a tmpfs overlay on top (writes vanish with the guest),
# and this checkout read-write over a second 9p share at the same path, so
# the build is the host's and logs written under the checkout stay.  The
# kernel's own modules, unpacked from its package, appear at
# /lib/modules/<release> in the guest; a small busybox initramfs loads the
# virtio, 9p and overlay modules needed to get there.
#
# Kernels come from deb.debian.org through an apt configuration of this
# script's own (never the host's sources), newest package of the series:
#   5.10  linux-image-5.10.0-N-amd64        bullseye, bullseye-security
#   6.1   linux-image-6.1.0-N-amd64         bookworm, bookworm-security
#   6.12  linux-image-6.12.N+debNN-amd64    trixie, trixie-security
# and stay cached: the first `run` or `fetch` of a series downloads it,
# later runs reuse it without network; `update` looks again.
#
# Environment:
#   VM_CHECKOUT        the checkout to share (default: the one holding vm.sh)
#   MTUG_KERNEL_CACHE  cache directory (default: <checkout>/build/kernels);
#                      several checkouts may share one
#   VM_TIMEOUT         seconds before the guest is killed (default 1800)
#   VM_BOOT_TIMEOUT    seconds the guest has to reach the command (default 120)
#   VM_BOOT_TRIES      boots tried when one does not reach the command (3)
#   VM_MEM             guest memory in MiB (default 2048)
#   VM_CPUS            guest CPUs (default 2)
#   VM_APPEND          extra kernel command line arguments
# The guest's kernel log goes to <checkout>/build/vm/console-<series>.log.
set -u

REPO=$(cd "${VM_CHECKOUT:-$(dirname "${BASH_SOURCE[0]}")/../..}" && pwd -P)
CACHE=${MTUG_KERNEL_CACHE:-$REPO/build/kernels}
VM_DIR=$REPO/build/vm
VM_TIMEOUT=${VM_TIMEOUT:-1800}
VM_MEM=${VM_MEM:-2048}
VM_CPUS=${VM_CPUS:-2}
VM_BOOT_TIMEOUT=${VM_BOOT_TIMEOUT:-120}
VM_BOOT_TRIES=${VM_BOOT_TRIES:-3}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# Modules the initramfs loads (with their dependencies) to reach the
# host's root file system: virtio PCI, 9p over virtio, overlayfs, and the
# virtio RNG so early getrandom() callers do not wait for entropy.
INITRD_MODS="virtio_pci 9pnet_virtio 9p overlay virtio_rng"

die() { echo "vm.sh: $*" >&2; exit 125; }

usage() {
	sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

# series -> package name pattern (extended regex, whole name)
pkg_pattern() {
	case $1 in
	5.10) echo '^linux-image-5\.10\.0-[0-9]+-amd64$' ;;
	6.1) echo '^linux-image-6\.1\.0-[0-9]+-amd64$' ;;
	6.12) echo '^linux-image-6\.12\.[0-9]+\+(deb[0-9]+|bpo)-amd64$' ;;
	*) return 1 ;;
	esac
}

# ---- download -----------------------------------------------------------

# An apt of our own: own sources.list, state, cache, no host config parts.
apt_setup() {
	local a=$CACHE/apt
	mkdir -p "$a/etc/apt.conf.d" "$a/etc/preferences.d" "$a/state/lists/partial" \
		"$a/cache/archives/partial" || return 1
	: >"$a/state/status"
	cat >"$a/apt.conf" <<-EOF
	Dir::Etc "$a/etc";
	Dir::Etc::sourcelist "$a/etc/sources.list";
	Dir::Etc::sourceparts "-";
	Dir::Etc::parts "$a/etc/apt.conf.d";
	Dir::Etc::preferencesparts "$a/etc/preferences.d";
	Dir::State "$a/state";
	Dir::State::status "$a/state/status";
	Dir::Cache "$a/cache";
	APT::Architecture "amd64";
	APT::Architectures { "amd64"; };
	APT::Sandbox::User "root";
	Acquire::Languages "none";
	EOF
	local s="[arch=amd64 signed-by=$KEYRING]"
	cat >"$a/etc/sources.list" <<-EOF
	deb $s $MIRROR/debian bullseye main
	deb $s $MIRROR/debian-security bullseye-security main
	deb $s $MIRROR/debian bookworm main
	deb $s $MIRROR/debian-security bookworm-security main
	deb $s $MIRROR/debian trixie main
	deb $s $MIRROR/debian-security trixie-security main
	EOF
}

apt_run() { APT_CONFIG=$CACHE/apt/apt.conf "$@"; }

apt_update() {
	apt_setup || die "cannot create $CACHE/apt"
	echo "vm.sh: apt-get update (own configuration in $CACHE/apt)" >&2
	apt_run apt-get -qq update >&2 || die "apt-get update failed"
}

# fetch SERIES [force]: make $CACHE/SERIES hold the newest package's
# unpacked tree; reuse what is there unless forced.
fetch() {
	local series=$1 force=${2:-} pat dir pkg old kver moddir m
	pat=$(pkg_pattern "$series") || die "unknown kernel series '$series' (5.10, 6.1, 6.12)"
	dir=$CACHE/$series
	if [ -z "$force" ] && [ -s "$dir/kver" ] && [ -e "$dir/ready" ]; then
		return 0
	fi
	# Indexes younger than an hour do (a matrix fetches three kernels).
	if [ -n "$force" ] ||
		! find "$CACHE/apt/state/lists" -maxdepth 1 -name '*_Packages*' -mmin -60 2>/dev/null |
		grep -q .; then
		apt_update
	fi
	pkg=$(apt_run apt-cache pkgnames linux-image- | grep -E "$pat" | sort -V | tail -n 1)
	[ -n "$pkg" ] || die "no package matches $pat"
	old=$(cat "$dir/package" 2>/dev/null)
	if [ "$pkg" = "$old" ] && [ -e "$dir/ready" ]; then
		echo "vm.sh: $series: $pkg is the newest, already cached" >&2
		return 0
	fi
	echo "vm.sh: $series: downloading $pkg" >&2
	rm -rf "$dir.new"
	mkdir -p "$dir.new" || die "cannot create $dir.new"
	(cd "$dir.new" && apt_run apt-get -qq download "$pkg" >&2) ||
		die "apt-get download $pkg failed"
	dpkg-deb -x "$dir.new"/*.deb "$dir.new/root" || die "dpkg-deb -x failed"
	rm -f "$dir.new"/*.deb
	# Trees from merged-/usr packages keep modules in usr/lib/modules.
	if [ -d "$dir.new/root/usr/lib/modules" ] && [ ! -d "$dir.new/root/lib/modules" ]; then
		mkdir -p "$dir.new/root/lib" &&
			mv "$dir.new/root/usr/lib/modules" "$dir.new/root/lib/modules"
	fi
	kver=
	for m in "$dir.new/root/lib/modules"/*; do
		[ -d "$m" ] && kver=${m##*/} && break
	done
	if [ -z "$kver" ] || [ ! -f "$dir.new/root/boot/vmlinuz-$kver" ]; then
		die "$pkg: no vmlinuz/modules in the package"
	fi
	moddir=$dir.new/root/lib/modules/$kver
	# The packages ship no modules.dep (the host's depmod writes it at
	# install time); the guest's modprobe needs one.
	depmod -b "$dir.new/root" -F "$dir.new/root/boot/System.map-$kver" "$kver" ||
		die "depmod failed"
	[ -s "$moddir/modules.dep" ] || die "depmod wrote no modules.dep"
	echo "$kver" >"$dir.new/kver"
	echo "$pkg" >"$dir.new/package"
	touch "$dir.new/ready"
	rm -rf "$dir.old"
	if [ -d "$dir" ]; then
		mv "$dir" "$dir.old" || die "cannot replace $dir"
	fi
	mv "$dir.new" "$dir" || die "cannot move $dir.new"
	rm -rf "$dir.old"
	echo "vm.sh: $series: $pkg ($kver) in $dir" >&2
}

locked_fetch() {
	mkdir -p "$CACHE" || die "cannot create $CACHE"
	# One fetch at a time per cache: checkouts may share it.
	exec 9>"$CACHE/.lock"
	flock 9 || die "cannot lock $CACHE/.lock"
	fetch "$@"
	exec 9>&-
}

# ---- initramfs ----------------------------------------------------------

# mod_closure MODDIR MOD...: the module files to insmod, dependencies first.
mod_closure() {
	local moddir=$1; shift
	python3 - "$moddir" "$@" <<-'EOF'
	import os, sys
	moddir, want = sys.argv[1], sys.argv[2:]
	deps = {}
	for line in open(os.path.join(moddir, "modules.dep")):
	    path, _, rest = line.partition(":")
	    deps[path] = rest.split()
	byname = {}
	for path in deps:
	    n = os.path.basename(path).split(".ko")[0].replace("-", "_")
	    byname[n] = path
	builtin = set()
	try:
	    for line in open(os.path.join(moddir, "modules.builtin")):
	        builtin.add(os.path.basename(line.strip()).split(".ko")[0].replace("-", "_"))
	except OSError:
	    pass
	order, seen = [], set()
	def visit(path):
	    if path in seen:
	        return
	    seen.add(path)
	    for d in deps.get(path, []):
	        visit(d)
	    order.append(path)
	for n in want:
	    n = n.replace("-", "_")
	    if n in byname:
	        visit(byname[n])
	    elif n not in builtin:
	        sys.exit("module %s: neither a module nor built in" % n)
	print("\n".join(order))
	EOF
}

# make_initrd SERIES OUT: busybox, the modules (decompressed: busybox's
# insmod takes plain .ko only) and the init below.
make_initrd() {
	local series=$1 out=$2 kver moddir t m i=0 list bb
	kver=$(cat "$CACHE/$series/kver")
	moddir=$CACHE/$series/root/lib/modules/$kver
	bb=$(command -v busybox) || die "busybox not found (apt-get install busybox-static)"
	t=$(mktemp -d "$VM_DIR/initrd.XXXXXX") || die "mktemp failed"
	mkdir -p "$t/bin" "$t/mods" "$t/proc" "$t/sys" "$t/dev" "$t/lower" "$t/upper" "$t/newroot"
	cp "$bb" "$t/bin/busybox"
	for a in sh mount umount mkdir insmod cat cp poweroff sleep switch_root; do
		ln -s busybox "$t/bin/$a"
	done
	# shellcheck disable=SC2086 # a list of names
	list=$(mod_closure "$moddir" $INITRD_MODS) || die "module list failed"
	for m in $list; do
		i=$((i + 1))
		case $m in
		*.ko.xz) xz -dc "$moddir/$m" ;;
		*.ko.zst) zstd -qdc "$moddir/$m" ;;
		*.ko.gz) gzip -dc "$moddir/$m" ;;
		*) cat "$moddir/$m" ;;
		esac >"$t/mods/$(printf %02d $i).ko" || die "cannot unpack $m"
	done
	guest_init >"$t/init"
	chmod 755 "$t/init"
	(cd "$t" && find . | busybox cpio -o -H newc 2>/dev/null) | gzip -1 >"$out" ||
		die "cpio failed"
	rm -rf "$t"
}

# The guest's PID 1.  Arguments come on the kernel command line as
# mtug.run=<run dir> mtug.work=<checkout> mtug.mods=<modules dir>.
guest_init() {
	cat <<-'EOF'
	#!/bin/sh
	export PATH=/bin
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	for m in /mods/*.ko; do
		insmod "$m" || echo "init: insmod $m failed"
	done
	for a in $(cat /proc/cmdline); do
		case $a in
		mtug.run=*) run=${a#*=} ;;
		mtug.work=*) work=${a#*=} ;;
		mtug.mods=*) mods=${a#*=} ;;
		esac
	done
	kver=$(cat /proc/sys/kernel/osrelease)
	o=trans=virtio,version=9p2000.L,msize=262144
	fail() { echo "init: $*"; poweroff -f; sleep 5; }
	mount -t 9p -o "$o,ro,cache=loose" hostroot /lower || fail "9p root mount failed"
	mount -t tmpfs -o mode=755 tmpfs /upper
	mkdir -p /upper/u /upper/w
	mount -t overlay overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w /newroot ||
		fail "overlay mount failed"
	r=/newroot
	mount -t proc proc $r/proc
	mount -t sysfs sysfs $r/sys
	mount -t devtmpfs devtmpfs $r/dev
	mkdir -p $r/dev/pts $r/dev/shm
	mount -t devpts -o newinstance,ptmxmode=0666 devpts $r/dev/pts
	mount -t tmpfs tmpfs $r/dev/shm
	mount -t tmpfs -o mode=755 tmpfs $r/run
	mount -t tmpfs -o mode=1777 tmpfs $r/tmp
	# The checkout after the tmpfs mounts: it may live under /tmp or /run.
	mkdir -p "$r$work"
	mount -t 9p -o "$o" work "$r$work" || fail "9p work mount failed"
	mkdir -p "$r/lib/modules/$kver"
	mount -o bind "$r$mods" "$r/lib/modules/$kver"
	mount -t bpf bpf $r/sys/fs/bpf
	mount -t debugfs debugfs $r/sys/kernel/debug
	mount -t tracefs tracefs $r/sys/kernel/tracing 2>/dev/null
	mount -t cgroup2 cgroup2 $r/sys/fs/cgroup 2>/dev/null
	umount /proc /sys /dev
	# PID 1 itself must change root: the kernel's own helpers (modprobe
	# for module autoloading) share its root.  Stage 2 runs on a copy of
	# busybox in the overlay, since switch_root empties the initramfs.
	mkdir -p $r/.mtug
	cp /bin/busybox $r/.mtug/busybox
	cat >$r/.mtug/stage2 <<STAGE2
	b=/.mtug/busybox
	\$b hostname mtug-vm
	# What udev or systemd would make: bash's process substitution
	# <(...) opens /dev/fd/N.
	\$b ln -s /proc/self/fd /dev/fd
	\$b ln -s /proc/self/fd/0 /dev/stdin
	\$b ln -s /proc/self/fd/1 /dev/stdout
	\$b ln -s /proc/self/fd/2 /dev/stderr
	\$b ip link set lo up
	# Output goes out on the second serial port, untranslated.
	\$b stty -F /dev/ttyS1 raw -echo -opost
	export HOME=/root TERM=dumb LANG=C.UTF-8
	export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	: >$run/started
	/bin/bash $run/cmd.sh </dev/null >/dev/ttyS1 2>&1
	echo \$? >$run/rc
	\$b sync
	\$b poweroff -f
	STAGE2
	exec switch_root /newroot /.mtug/busybox sh /.mtug/stage2
	fail "switch_root failed"
	EOF
}

# ---- run ----------------------------------------------------------------

run() {
	local series=$1; shift
	local kver run q rc qpid try i why
	[ "$#" -gt 0 ] || usage
	[ "$(id -u)" -eq 0 ] || die "needs root (9p passthrough of the host's files)"
	command -v qemu-system-x86_64 >/dev/null ||
		die "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"
	case $REPO$CACHE in *[[:space:]]*) die "paths with spaces are not supported" ;; esac
	locked_fetch "$series"
	kver=$(cat "$CACHE/$series/kver")
	mkdir -p "$VM_DIR" || die "cannot create $VM_DIR"
	run=$(mktemp -d "$VM_DIR/run-$series.XXXXXX") || die "mktemp failed"
	make_initrd "$series" "$run/initrd.gz"
	{
		printf 'cd %q || exit 125\n' "$PWD_IN_REPO"
		printf 'exec'
		printf ' %q' "$@"
		printf '\n'
	} >"$run/cmd.sh"
	# shellcheck disable=SC2054 # commas inside qemu options
	q=(qemu-system-x86_64 -accel tcg,thread=multi -cpu max
		-smp "$VM_CPUS" -m "$VM_MEM" -nodefaults -no-reboot -display none
		-kernel "$CACHE/$series/root/boot/vmlinuz-$kver" -initrd "$run/initrd.gz"
		-append "console=ttyS0 panic=-1 random.trust_cpu=on mtug.run=$run mtug.work=$REPO mtug.mods=$CACHE/$series/root/lib/modules/$kver ${VM_APPEND:-}"
		-serial "file:$run/console.log"
		-chardev stdio,id=out,signal=off -serial chardev:out
		-fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap"
		-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
		-fsdev "local,id=work,path=$REPO,security_model=none,multidevs=remap"
		-device virtio-9p-pci,fsdev=work,mount_tag=work
		-device virtio-rng-pci)
	trap '[ -n "${qpid:-}" ] && kill "$qpid" 2>/dev/null; rm -rf "$run"; exit 130' INT TERM
	# A boot that never reaches the command is tried again: now and then
	# a guest dies early in boot under TCG (seen: an int3 Oops while the
	# kernel patches its own text on 6.12).  The command itself runs once.
	for ((try = 1; ; try++)); do
		rm -f "$run/started" "$run/rc"
		timeout -k 10 "$VM_TIMEOUT" "${q[@]}" </dev/null 2>"$run/qemu.err" &
		qpid=$!
		for ((i = 0; i < VM_BOOT_TIMEOUT; i++)); do
			[ -e "$run/started" ] && break
			kill -0 "$qpid" 2>/dev/null || break
			sleep 1
		done
		[ -e "$run/started" ] || kill "$qpid" 2>/dev/null
		wait "$qpid"
		rc=$?
		qpid=
		cp "$run/console.log" "$VM_DIR/console-$series.log" 2>/dev/null
		[ -e "$run/started" ] && break
		why=$(grep -m 1 -E '^init: |Kernel panic|BUG:|Oops' "$run/console.log")
		[ -n "$why" ] || why="no command after ${VM_BOOT_TIMEOUT}s, qemu exit $rc"
		cp "$run/console.log" "$VM_DIR/console-$series.boot$try.log" 2>/dev/null
		if [ "$try" -ge "$VM_BOOT_TRIES" ]; then
			echo "vm.sh: $series ($kver): the guest did not boot, $try tries (last: $why; kernel log: $VM_DIR/console-$series.boot$try.log)" >&2
			cat "$run/qemu.err" >&2
			rm -rf "$run"
			return 125
		fi
		echo "vm.sh: $series ($kver): the guest did not boot ($why; kernel log: $VM_DIR/console-$series.boot$try.log), booting again" >&2
	done
	if [ "$rc" -eq 124 ]; then
		echo "vm.sh: $series: guest killed after ${VM_TIMEOUT}s (kernel log: $VM_DIR/console-$series.log)" >&2
	elif [ -s "$run/rc" ]; then
		rc=$(cat "$run/rc")
	else
		echo "vm.sh: $series ($kver): the command did not finish (qemu exit $rc; kernel log: $VM_DIR/console-$series.log)" >&2
		cat "$run/qemu.err" >&2
		grep -E 'Kernel panic|BUG|Oops' "$run/console.log" | head -n 20 >&2
		rc=125
	fi
	rm -rf "$run"
	return "$rc"
}

cmd=${1:-}
[ "$#" -ge 2 ] || usage
series=$2
shift 2
pkg_pattern "$series" >/dev/null || die "unknown kernel series '$series' (5.10, 6.1, 6.12)"
case $cmd in
run)
	[ "${1:-}" = -- ] && shift
	# The command runs in the caller's directory when that is inside the
	# checkout (it is the same path in the guest), else at the checkout.
	PWD_IN_REPO=$(pwd -P)
	case $PWD_IN_REPO/ in "$REPO"/*) ;; *) PWD_IN_REPO=$REPO ;; esac
	run "$series" "$@"
	;;
fetch) locked_fetch "$series" ;;
update) locked_fetch "$series" force ;;
kver) locked_fetch "$series" && cat "$CACHE/$series/kver" ;;
*) usage ;;
esac
