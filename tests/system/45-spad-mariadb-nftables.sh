#!/usr/bin/env bash
# spad end to end with the nftables backend and the MariaDB store (see spad-common.sh).
FW=nftables N=5 STORE=mariadb
. "$(dirname "$0")/spad-common.sh"
