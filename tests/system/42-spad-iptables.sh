#!/usr/bin/env bash
# spa-wrap: yes
# spad end to end with the iptables (libiptc) backend (see spad-common.sh).
FW=iptables N=2
. "$(dirname "$0")/spad-common.sh"
