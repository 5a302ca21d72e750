#!/bin/bash
# test_ecmp_one_armed.sh - test_ecmp_crafted.sh on a one-armed router: the
# client, the router and the backends share one LAN, so the ICMP errors
# mtuguard steers leave by the interface they came in on (XDP_TX).  See the
# header of test_ecmp_crafted.sh.
# timeout: 300
ECMP_ONE_ARMED=1 exec bash "$(dirname "$0")/test_ecmp_crafted.sh"
