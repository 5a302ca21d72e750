#!/bin/bash
# test_blackhole_v6.sh - a real IPv6 PMTUD black hole (1400-MTU middle hop,
# ICMPv6 Packet Too Big dropped): large transfers stall both ways without
# mtuguard and complete, byte-exact, with it.  See blackhole_common.sh for
# the topology.
# timeout: 300
set -u
FAM=6
. "$(dirname "$0")/blackhole_common.sh"
