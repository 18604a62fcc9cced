#!/usr/bin/env bash
# spa-wrap: yes
# spad end to end with the nftables backend (see spad-common.sh).
FW=nftables N=1
. "$(dirname "$0")/spad-common.sh"
