#!/usr/bin/env bash
# spa-wrap: asan
# (valgrind: 41 covers the same script; another ~5 minutes is too much)
# spad end to end with the iptables (libiptc) backend (see spad-common.sh).
FW=iptables N=2
. "$(dirname "$0")/spad-common.sh"
