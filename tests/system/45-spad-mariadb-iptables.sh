#!/usr/bin/env bash
# spad end to end with the iptables backend and the MariaDB store (see spad-common.sh).
FW=iptables N=6 STORE=mariadb
. "$(dirname "$0")/spad-common.sh"
