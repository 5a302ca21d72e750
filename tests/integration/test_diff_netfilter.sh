#!/bin/bash
# test_diff_netfilter.sh - differential test of the MSS clamp against the
# kernel's own: the same corpus of 225 SYN / SYN-ACK variants (option
# layouts, MSS values around the target, IPv4 options, IPv6 extension
# headers, data; IPv4 and IPv6) through two identical router namespaces,
#
#   client C --veth-- router R --veth-- server S
#
# one with netfilter's clamp, one with mtuguard attached (XDP + TC on both
# router interfaces, through the CLI), real forwarding on both.  Frames are
# injected with AF_PACKET on the client's veth and captured with AF_PACKET
# on the server's (tests/fuzz/diffnet.py).  Variants:
#
#   xt_set       iptables/ip6tables TCPMSS --set-mss 1360/1340
#                vs  mtuguard `mtu default 1400`
#   nft_set      nft `tcp option maxseg size set 1360/1340`
#                vs  the same
#   xt_pmtu_fwd  TCPMSS --clamp-mss-to-pmtu, server-side link MTU 1400
#                vs  mtuguard `mtu source pmtu`
#   xt_pmtu_rev  TCPMSS --clamp-mss-to-pmtu, client-side link MTU 1380
#                vs  the same
#   nft_rtmtu    nft `tcp option maxseg size set rt mtu`, server MTU 1400
#                vs  the same
#   xt_pmtu_fwd_r0_only  as xt_pmtu_fwd, mtuguard on the client side r0
#                only: the XDP program alone must see the forward route MTU
#
# mtuguard's output must be docs/design.md's on every SYN, with a valid checksum;
# the kernel's must be byte-identical (from the IP header on) or be the
# kernel's modelled behaviour, and then every difference is listed with its
# reason.  docs/netfilter.md summarises what this finds.
# timeout: 120
set -u
. "$(dirname "$0")/lib.sh"
lib_init diff_netfilter

if ! mtug_ready; then
	skip "diff/setup" "build/mtuguard not built"
	exit 0
fi
for t in iptables ip6tables nft python3; do
	if ! command -v $t >/dev/null; then
		skip "diff/setup" "$t missing (tools/deps.sh)"
		exit 0
	fi
done
DIFFNET=$MTUG_ROOT/tests/fuzz/diffnet.py

bpffs_new || { fail "diff/setup" "bpffs mount"; exit 1; }

# One client / router / server triplet.  MACs and addresses are the same on
# both sides (separate namespaces), so forwarded frames compare byte for byte.
triplet() { # tag -> sets C_$tag R_$tag S_$tag
	local t=$1 c r s
	c=$(ns_new "c$t") && r=$(ns_new "r$t") && s=$(ns_new "s$t") || return 1
	veth_new "$c" c0 "$r" r0 || return 1
	veth_new "$r" r1 "$s" s0 || return 1
	ip -n "$c" link set c0 address 02:00:00:d1:ff:02
	ip -n "$r" link set r0 address 02:00:00:d1:ff:01
	ip -n "$r" link set r1 address 02:00:00:d1:ff:03
	ip -n "$s" link set s0 address 02:00:00:d1:ff:04
	ip -n "$c" addr add 10.81.0.2/24 dev c0
	ip -n "$c" addr add fd81::2/64 dev c0 nodad
	ip -n "$r" addr add 10.81.0.1/24 dev r0
	ip -n "$r" addr add fd81::1/64 dev r0 nodad
	ip -n "$r" addr add 10.82.0.1/24 dev r1
	ip -n "$r" addr add fd82::1/64 dev r1 nodad
	ip -n "$s" addr add 10.82.0.2/24 dev s0
	ip -n "$s" addr add fd82::2/64 dev s0 nodad
	ip -n "$r" neigh replace 10.82.0.2 lladdr 02:00:00:d1:ff:04 dev r1 nud permanent
	ip -n "$r" neigh replace fd82::2 lladdr 02:00:00:d1:ff:04 dev r1 nud permanent
	ip -n "$r" neigh replace 10.81.0.2 lladdr 02:00:00:d1:ff:02 dev r0 nud permanent
	ip -n "$r" neigh replace fd81::2 lladdr 02:00:00:d1:ff:02 dev r0 nud permanent
	nsx "$r" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
		net.ipv4.conf.r0.rp_filter=0
	# Nothing answers the SYNs (no RSTs crossing the router).
	nsx "$s" nft 'add table inet q; add chain inet q in { type filter hook prerouting priority -400; }; add rule inet q in meta l4proto tcp drop'
	eval "C_$t=$c R_$t=$r S_$t=$s"
}
C_k="" R_k="" S_k="" C_m="" R_m="" S_m="" # set by triplet
triplet k || { fail "diff/setup" "kernel topology"; exit 1; }
triplet m || { fail "diff/setup" "mtuguard topology"; exit 1; }

# DIFF_ATTACH: the router interfaces mtuguard is attached to (both by
# default; "r0" alone shows the pmtu source missing the forward route MTU
# of IPv4, see docs/netfilter.md).
for i in ${DIFF_ATTACH:-r0 r1}; do
	if ! out=$(mtug "$R_m" attach "$i" 2>&1); then
		fail "diff/setup" "mtuguard attach $i: $out"
		exit 1
	fi
done
log "mtuguard attached on ${DIFF_ATTACH:-r0 r1}: $(mtug "$R_m" status 2>&1 | head -n 3 | tr '\n' ' ')"

# ---- per variant configuration -------------------------------------------------

kernel_clear() {
	nsx "$R_k" iptables -t mangle -F
	nsx "$R_k" ip6tables -t mangle -F
	nsx "$R_k" nft delete table inet mg 2>/dev/null
	return 0
}

set_mtu() { # client-side MTU, server-side MTU, on both triplets
	local t c r s
	for t in k m; do
		eval "c=\$C_$t r=\$R_$t s=\$S_$t"
		ip -n "$c" link set c0 mtu "$1"
		ip -n "$r" link set r0 mtu "$1"
		ip -n "$r" link set r1 mtu "$2"
		ip -n "$s" link set s0 mtu "$2"
	done
}

# shellcheck disable=SC2054 # "SYN,RST" is one iptables word
XT=(-p tcp --tcp-flags SYN,RST SYN -j TCPMSS)
NFT_CHAIN='add table inet mg; add chain inet mg fw { type filter hook forward priority mangle; }'

configure() { # variant
	kernel_clear
	case $1 in
	xt_set)
		set_mtu 1500 1500
		nsx "$R_k" iptables -t mangle -A FORWARD "${XT[@]}" --set-mss 1360 &&
		nsx "$R_k" ip6tables -t mangle -A FORWARD "${XT[@]}" --set-mss 1340 &&
		mtug "$R_m" mtu source map && mtug "$R_m" mtu default 1400 ;;
	nft_set)
		set_mtu 1500 1500
		nsx "$R_k" nft "$NFT_CHAIN;
			add rule inet mg fw meta nfproto ipv4 tcp flags & (syn|rst) == syn tcp option maxseg size set 1360;
			add rule inet mg fw meta nfproto ipv6 tcp flags & (syn|rst) == syn tcp option maxseg size set 1340" &&
		mtug "$R_m" mtu source map && mtug "$R_m" mtu default 1400 ;;
	xt_pmtu_fwd | xt_pmtu_rev | xt_pmtu_fwd_r0_only)
		if [ "$1" = xt_pmtu_rev ]; then set_mtu 1380 1500; else set_mtu 1500 1400; fi
		if [ "$1" = xt_pmtu_fwd_r0_only ]; then
			mtug "$R_m" detach r1 || return 1
		fi
		nsx "$R_k" iptables -t mangle -A FORWARD "${XT[@]}" --clamp-mss-to-pmtu &&
		nsx "$R_k" ip6tables -t mangle -A FORWARD "${XT[@]}" --clamp-mss-to-pmtu &&
		mtug "$R_m" mtu default none && mtug "$R_m" mtu source pmtu ;;
	nft_rtmtu)
		set_mtu 1500 1400
		nsx "$R_k" nft "$NFT_CHAIN;
			add rule inet mg fw tcp flags & (syn|rst) == syn tcp option maxseg size set rt mtu" &&
		mtug "$R_m" mtu default none && mtug "$R_m" mtu source pmtu ;;
	esac
}

# ---- run --------------------------------------------------------------------------

VARIANTS=${DIFF_VARIANTS:-"xt_set nft_set xt_pmtu_fwd xt_pmtu_rev nft_rtmtu xt_pmtu_fwd_r0_only"}
total=0
for v in $VARIANTS; do
	if ! configure "$v" >"$MTUG_TMP/cfg-$v.log" 2>&1; then
		sed 's/^/    /' "$MTUG_TMP/cfg-$v.log"
		fail "diff/$v/setup" "could not configure the variant"
		continue
	fi
	sleep 0.2
	before=$(mtug_counter "$R_m" mss_clamped)
	if ! python3 "$DIFFNET" run "$v" "$MTUG_TMP/$v.json" "$C_k" "$S_k" "$C_m" "$S_m" \
		>"$MTUG_TMP/run-$v.log" 2>&1; then
		sed 's/^/    /' "$MTUG_TMP/run-$v.log" | tail -n 10
		fail "diff/$v/run" "injection / capture failed"
		continue
	fi
	after=$(mtug_counter "$R_m" mss_clamped)
	log "$v: mtuguard mss_clamped +$((after - before))"
	python3 "$DIFFNET" judge "$v" "$MTUG_TMP/$v.json"
	total=$((total + $(python3 "$DIFFNET" corpus | wc -l)))
done
log "$total SYN injections per side in all ($(wc -w <<<"$VARIANTS") variants)"
exit 0
