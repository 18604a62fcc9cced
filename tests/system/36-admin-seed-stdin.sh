#!/usr/bin/env bash
# spa-admin takes a seed from standard input ("-"), keeping it out of ps.
# spa-wrap: yes
. "$(dirname "$0")/lib.sh"
A=$SPA_BUILD/spad/spa-admin
printf 'store = sqlite\ndb_path = %s/spad.db\nserver_key = %s/server.key\n' "$T" "$T" >"$T/spad.conf"
adm() { "$A" -c "$T/spad.conf" "$@"; }
echo pw36-hunter >"$T/pw"; chmod 600 "$T/pw"
S1=$(openssl rand -hex 32); S2=$(openssl rand -hex 32)
secret "$S1" "$S2" pw36-hunter
check "init" adm init
check "add --seed - reads the seed from stdin" sh -c "echo $S1 | '$A' -c '$T/spad.conf' add --aid s36 \
	--user alice --ports tcp/22 --password-file '$T/pw' --seed -"
seed_of() { adm show s36 --show-secrets | awk '$1 == "seed" {print $3}'; }
check_eq "the store holds that seed" "$S1" "$(seed_of)"
check "set-seed AID - reads the seed from stdin" sh -c "echo $S2 | '$A' -c '$T/spad.conf' set-seed s36 -"
check_eq "the store holds the new seed" "$S2" "$(seed_of)"
before=$(sqlite3 "$T/spad.db" .dump)
check_fail "a short seed on stdin is refused" sh -c "echo abcd | '$A' -c '$T/spad.conf' set-seed s36 -"
check_fail "an empty stdin is refused" sh -c "'$A' -c '$T/spad.conf' set-seed s36 - </dev/null"
check_fail "--seed - with --password-stdin is refused" sh -c "echo $S1 | '$A' -c '$T/spad.conf' add \
	--aid s36b --user a --ports 22 --password-stdin --seed -"
check_eq "the refusals changed nothing" "$before" "$(sqlite3 "$T/spad.db" .dump)"
finish
