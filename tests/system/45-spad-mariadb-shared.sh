#!/usr/bin/env bash
# 45-spad-mariadb-shared: two spad gateways sharing one MariaDB store.  The
# very same datagram reaches both at once: exactly one opens its door (the
# store's compare-and-set on the counter), the other counts it as a race.
# A later knock works on either gateway, and a datagram one gateway accepted
# is refused by the other.
. "$(dirname "$0")/lib.sh"

SB=$SPA_BUILD/spad
SOCK=${SPA_MARIADB_SOCKET:-}
if [ -z "$SOCK" ] || [ ! -S "$SOCK" ]; then
	skip_nok "two gateways on one MariaDB store" "no test MariaDB server (services_start failed?)"
	finish
fi
for b in spad spa-admin spad-testknock spad-testctl; do
	[ -x "$SB/$b" ] || { nok "binary $b built"; finish; }
done
DB=spa_test_shared PORT=22
root() { mariadb --no-defaults --socket="$SOCK" -uroot "$@"; }
root -e "DROP DATABASE IF EXISTS $DB; CREATE DATABASE $DB"
at_exit "mariadb --no-defaults --socket='$SOCK' -uroot -e 'DROP DATABASE IF EXISTS $DB'"

C=spaF5c
ns_add $C
SPADS=()
for g in 1 2; do
	S=spaF5s$g
	ns_add $S
	veth_pair $C vF5c$g 10.240.5$g.2/24 $S vF5s$g 10.240.5$g.1/24
	cat >"$T/gw$g.conf" <<-EOF
	interface = vF5s$g
	firewall = nftables
	fw_label = spadt5$g
	protect = tcp/$PORT
	open_timeout = 20
	store = mariadb
	db_socket = $SOCK
	db_user = spa_test
	db_password_file = ${SPA_MARIADB_PWFILE:-$(dirname "$SOCK")/pw}
	db_name = $DB
	server_key = $T/server.key
	control_socket = $T/ctl$g.sock
	pid_file = $T/gw$g.pid
	gateway = gw$g
	EOF
	bg_start echo$g in_ns $S python3 "$SPA_SRC/tests/system/tcp-hi-server.py" $PORT
done
"$SB/spa-admin" -c "$T/gw1.conf" --sql-dir "$SPA_SRC/sql" init >>"$T/log" 2>&1
SEED=$(openssl rand -hex 32)
check "one client in the shared store" sh -c "echo pw | '$SB/spa-admin' -c '$T/gw1.conf' add --aid erin \
	--seed $SEED --user erin --ports tcp/$PORT --password-stdin"
for g in 1 2; do
	bg_start spad$g ip netns exec spaF5s$g "$SB/spad" -f -c "$T/gw$g.conf"
	SPADS+=($BG_PID)
	wait_for 10 in_ns spaF5s$g "$SB/spad-testctl" "$T/ctl$g.sock" status
done
at_exit 'cat "$T"/spad*.out >&2'
conn() { in_ns $C python3 "$SPA_SRC/tests/system/tcp-hi-probe.py" 10.240.5$1.1 $PORT 10.240.5$1.2 $2; }
counter() { in_ns spaF5s$1 "$SB/spad-testctl" "$T/ctl$1.sock" status | awk -F= -v k="$2" '$1 == k {print $2}'; }
wait_for 5 in_ns $C ping -c1 -W1 10.240.51.1
wait_for 5 in_ns $C ping -c1 -W1 10.240.52.1

# one datagram (recorded, sent to the client's own loopback only), its
# address field zero: "grant the datagram's source", valid at either gateway
in_ns $C "$SB/spad-testknock" --seed $SEED --aid erin --password pw --counter 1 --port $PORT \
	--sport 7001 --to 127.0.0.1 --out "$T/knock.bin" >>"$T/log" 2>&1
in_ns $C "$SB/spad-testknock" --replay "$T/knock.bin" --to 10.240.51.1 & k1=$!
in_ns $C "$SB/spad-testknock" --replay "$T/knock.bin" --to 10.240.52.1 & k2=$!
wait $k1 $k2
sleep 1
a1=$(counter 1 accepted) a2=$(counter 2 accepted)
r1=$(counter 1 race) r2=$(counter 2 race)
check_eq "the same datagram at both gateways: exactly one accepts" 1 "$((a1 + a2))"
check_eq "the other counts it as a race (the store's counter CAS)" 1 "$((r1 + r2))"
o1=$(conn 1 7001) o2=$(conn 2 7001)
check_eq "exactly one door opens" "1" "$( (echo $o1; echo $o2) | grep -c '^open$')"
winner=1 loser=2
[ "$a2" = 1 ] && winner=2 loser=1
# a new knock at the gateway that lost works (its counter is higher)
in_ns $C "$SB/spad-testknock" --seed $SEED --aid erin --password pw --counter 2 --port $PORT \
	--sport 7002 --to 10.240.5$loser.1 --out "$T/knock2.bin"
sleep 0.5
check_eq "a fresh knock opens at the other gateway" open "$(conn $loser 7002)"
in_ns $C "$SB/spad-testknock" --replay "$T/knock2.bin" --to 10.240.5$winner.1
sleep 0.5
check_eq "that datagram replayed at the first gateway opens nothing" closed "$(conn $winner 7002)"
check "and is refused there (stale counter: race)" test "$(counter $winner race)" -ge 1
finish
