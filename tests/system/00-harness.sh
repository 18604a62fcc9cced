#!/usr/bin/env bash
# The harness itself: namespaces are created and removed, checks can fail.
. "$(dirname "$0")/lib.sh"
ns_add spa00a
ns_add spa00b
check "namespace created" ip netns exec spa00a true
check "veth pair joins two namespaces" veth_pair spa00a v00a 10.200.0.1/24 spa00b v00b 10.200.0.2/24
check "ping across the pair" in_ns spa00a ping -c1 -W2 10.200.0.2
check_fail "a failing command is seen as failing" false
check "binaries were built" test -x "$SPA_BUILD/spa-knock/spa-knock" -o -e "$SPA_BUILD/lib/libspacore-int.la"
finish
