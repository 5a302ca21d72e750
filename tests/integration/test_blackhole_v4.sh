#!/bin/bash
# test_blackhole_v4.sh - a real IPv4 PMTUD black hole (1400-MTU middle hop,
# ICMP Fragmentation Needed dropped): large transfers stall both ways
# without mtuguard and complete, byte-exact, with it.  See
# blackhole_common.sh for the topology.
# timeout: 300
set -u
FAM=4
. "$(dirname "$0")/blackhole_common.sh"
