#!/bin/sh
# deps.sh - install the Debian packages mtuguard's build, tests, demo,
# benchmarks and Debian package need.  Idempotent: installs only what is
# missing, and does not touch apt at all when everything is there.
#
#   tools/deps.sh           install what is missing (as root)
#   tools/deps.sh --check   only say what is missing (exit 1 if anything);
#                           make test, check, demo, bench and deb run this
set -eu

PKGS="clang llvm make gcc pkg-config libbpf-dev libelf-dev zlib1g-dev bpftool
      iproute2 iptables nftables tcpdump python3 iperf3 ethtool procps kmod
      curl python3-prometheus-client groff-base man-db
      libclang-rt-14-dev qemu-system-x86 busybox-static shellcheck git
      debhelper dpkg-dev lintian xdp-tools"

check=0
case ${1:-} in
--check) check=1 ;;
"") ;;
*) echo "usage: tools/deps.sh [--check]" >&2; exit 2 ;;
esac

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	exit 0
fi

if [ "$check" = 1 ]; then
	echo "deps.sh: missing packages:$missing (install them with: sudo tools/deps.sh)" >&2
	exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages:$missing (run as root to install)" >&2
	exit 1
fi

echo "deps.sh: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # one argument per package
apt-get install -y -qq --no-install-recommends $missing >/dev/null
