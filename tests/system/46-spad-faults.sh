#!/usr/bin/env bash
# spa-wrap: asan
# (not valgrind: there 41, 43, 50 and 51 cover spad, spa-admin and spa-knock, in CI time)
# 46-spad-faults: spad under faults (issue 9).
#  - MariaDB stopped while spad runs: spad stays up, refuses knocks (door
#    shut), logs it once, reconnects by itself when the database is back.
#    This test runs its own MariaDB server (it stops and starts it).
#  - the capture interface going down and up: spad reopens the capture.
#  - a grant's rule deleted or duplicated behind spad's back (both backends):
#    extra rules go on the next reconcile tick; see spad(8) "Reconciliation".
#  - client clock skew beyond max_packet_age (spa-knock's time() shifted by an
#    LD_PRELOAD shim): rejected, counted and logged as stale; spa-knock gives
#    up with status 5 and names the clock among the causes (spad is silent to
#    the client by design, so it cannot say more).
. "$(dirname "$0")/lib.sh"

SB=$SPA_BUILD/spad
for b in spad spa-admin spad-testknock spad-testctl; do
	[ -x "$SB/$b" ] || { nok "binary $b built"; finish; }
done
S=spaF6s C=spaF6c SA=10.240.46.1 CA=10.240.46.2 PORT=22 TIMEOUT=30
ns_add $S
ns_add $C
veth_pair $C vF6c $CA/24 $S vF6s $SA/24
wait_for 5 in_ns $C ping -c1 -W1 $SA
bg_start echo in_ns $S python3 "$SPA_SRC/tests/system/tcp-hi-server.py" $PORT
conn() { in_ns $C python3 "$SPA_SRC/tests/system/tcp-hi-probe.py" $SA $PORT $CA "$1"; }
ctl() { in_ns $S "$SB/spad-testctl" "$T/ctl.sock" "$@"; }
status() { ctl status | awk -F= -v k="$1" '$1 == k {print $2}'; }
CNT=0
knock() { CNT=$((CNT + 1)); in_ns $C "$SB/spad-testknock" --seed $SEED --aid frank --password pw \
	--counter $CNT --port $PORT "$@" --to $SA; sleep 0.4; }
SPAD_PID=
start_spad() { # CONF NAME
	bg_start "$2" ip netns exec $S "$SB/spad" -f -c "$1"
	SPAD_PID=$BG_PID
	wait_for 10 ctl status
}
stop_spad() { kill "$SPAD_PID" 2>/dev/null; wait "$SPAD_PID" 2>/dev/null; SPAD_PID=; }
base_conf() { # FW LABEL
	cat <<-EOF
	interface = vF6s
	firewall = $1
	fw_label = $2
	protect = tcp/$PORT
	open_timeout = $TIMEOUT
	server_key = $T/server.key
	control_socket = $T/ctl.sock
	pid_file = $T/spad.pid
	reconcile_interval = 2
	EOF
}
at_exit 'cat "$T"/*.out >&2'

# ---- MariaDB stopped while spad runs --------------------------------------------
M=$T/mdb
mdb_up() {
	/usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$M/data" --socket="$M/sock" \
		--pid-file="$M/pid" --skip-networking --log-error="$M/err.log" \
		--innodb-buffer-pool-size=16M --innodb-log-file-size=8M >/dev/null 2>&1 &
	MDB_PID=$!
	wait_for 30 mariadb-admin --no-defaults --socket="$M/sock" -uroot ping
}
mdb_down() {
	mariadb-admin --no-defaults --socket="$M/sock" -uroot shutdown >/dev/null 2>&1 || kill "$MDB_PID"
	wait "$MDB_PID" 2>/dev/null
}
mdb_ok=0
if [ -x /usr/sbin/mariadbd ]; then
	mkdir -p "$M/data"; chown mysql:mysql "$M" "$M/data"
	if mariadb-install-db --no-defaults --user=mysql --datadir="$M/data" \
		--auth-root-authentication-method=socket --skip-test-db >"$M/install.log" 2>&1 && mdb_up; then
		at_exit 'mdb_down'
		head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$M/pw"; chmod 600 "$M/pw"
		mariadb --no-defaults --socket="$M/sock" -uroot <<-SQL && mdb_ok=1
			CREATE DATABASE spa_faults;
			CREATE USER 'spa_f'@'localhost' IDENTIFIED BY '$(cat "$M/pw")';
			GRANT ALL ON spa_faults.* TO 'spa_f'@'localhost';
		SQL
	fi
fi
if [ $mdb_ok = 1 ]; then
	{ base_conf nftables spadt46; cat <<-EOF
	store = mariadb
	db_socket = $M/sock
	db_user = spa_f
	db_password_file = $M/pw
	db_name = spa_faults
	EOF
	} >"$T/m.conf"
	"$SB/spa-admin" -c "$T/m.conf" --sql-dir "$SPA_SRC/sql" init >>"$T/log" 2>&1
	SEED=$(openssl rand -hex 32)
	echo pw | "$SB/spa-admin" -c "$T/m.conf" add --aid frank --seed $SEED --user frank --ports tcp/$PORT \
		--password-stdin >>"$T/log" 2>&1
	start_spad "$T/m.conf" mspad
	knock --sport 4001
	check_eq "mariadb: a knock opens while the database runs" open "$(conn 4001)"
	mdb_down
	knock --sport 4002
	knock --sport 4003
	knock --sport 4004
	check "mariadb stopped: spad stays up" kill -0 $SPAD_PID
	check_eq "mariadb stopped: knocks are refused (door shut)" "closed closed" "$(conn 4002) $(conn 4004)"
	check_eq "mariadb stopped: counted as store failures" 3 "$(status store)"
	check_eq "mariadb stopped: status says store_state=down" down "$(status store_state)"
	check_eq "mariadb stopped: logged once, not per knock" 1 "$(grep -c 'event=store_down' "$T/mspad.out")"
	check_eq "mariadb stopped: no reject line per knock" 0 "$(grep -c 'reason=store' "$T/mspad.out")"
	mdb_up
	check "mariadb back: spad reconnects by itself (within 15 s)" wait_for 15 \
		sh -c "ip netns exec $S '$SB/spad-testctl' '$T/ctl.sock' status | grep -qx store_state=up"
	check_eq "mariadb back: logged once" 1 "$(grep -c 'event=store_up' "$T/mspad.out")"
	knock --sport 4005
	check_eq "mariadb back: a knock opens again" open "$(conn 4005)"
	stop_spad
else
	skip_nok "mariadb stopped while spad runs" "could not start a MariaDB server of our own"
fi

# ---- the rest with SQLite -------------------------------------------------------------
sqlite_setup() { # FW LABEL
	rm -f "$T/s.db"
	{ base_conf "$1" "$2"; printf 'store = sqlite\ndb_path = %s\n' "$T/s.db"; } >"$T/s.conf"
	"$SB/spa-admin" -c "$T/s.conf" --sql-dir "$SPA_SRC/sql" init >>"$T/log" 2>&1
	SEED=$(openssl rand -hex 32) CNT=0
	echo pw | "$SB/spa-admin" -c "$T/s.conf" add --aid frank --seed $SEED --user frank --ports tcp/$PORT \
		--password-stdin >>"$T/log" 2>&1
}

# ---- the capture interface going down and up -------------------------------------------
sqlite_setup nftables spadt46
start_spad "$T/s.conf" cspad
knock --sport 4101
check_eq "capture: a knock opens" open "$(conn 4101)"
ip -n $S link set vF6s down
sleep 2
check "capture down: spad stays up" kill -0 $SPAD_PID
ip -n $S link set vF6s up
wait_for 5 in_ns $C ping -c1 -W1 $SA
check "capture: spad reopens the capture when the interface is back (within 15 s)" wait_for 15 \
	sh -c "ip netns exec $S '$SB/spad-testctl' '$T/ctl.sock' status | grep -qx capture_state=up"
knock --sport 4102
check_eq "capture back: a knock opens again" open "$(conn 4102)"
check_eq "capture: the loss was logged once" 1 "$(grep -c 'event=capture_down' "$T/cspad.out")"
cpu=$(awk '{print $14 + $15}' /proc/$SPAD_PID/stat)
check "capture: no busy loop (under 1 s of CPU)" test "$cpu" -lt 100
stop_spad

# ---- grants changed behind spad's back (reconcile_interval = 2) --------------------------
RW=5	# seconds to wait for a reconcile tick
sqlite_setup nftables spadt46
start_spad "$T/s.conf" nspad
L=spadt46
nftx() { in_ns $S nft "$@"; }
knock --sport 4201
nftx delete element inet $L g4 "{ $CA . tcp . 4201 . 22 }"
sleep $RW
check_eq "nftables: a deleted grant is not put back (used or deleted: spad cannot tell; shut)" closed "$(conn 4201)"
nftx add element inet $L g4 "{ $CA . tcp . 4202 . 22 timeout 1h }"
check "nftables: a stranger's element is removed on the next reconcile" wait_for $RW \
	sh -c "! ip netns exec $S nft list set inet $L g4 | grep -q 4202"
check_eq "nftables: ...so it opens nothing" closed "$(conn 4202)"
knock --sport 4203
nftx delete element inet $L g4 "{ $CA . tcp . 4203 . 22 }"
nftx add element inet $L g4 "{ $CA . tcp . 4203 . 22 timeout 1h }"
check "nftables: a grant re-added to outlive spad's is removed" wait_for $RW \
	sh -c "! ip netns exec $S nft list set inet $L g4 | grep -q 4203"
h=$(nftx -a list chain inet $L input | sed -n 's/.*dport 22 drop # handle \([0-9]*\)/\1/p')
nftx delete rule inet $L input handle "$h"
check_eq "nftables: protect rule deleted behind spad's back: door open (the fault)" open "$(conn 4204)"
check "nftables: the base rule is restored on the next reconcile" wait_for $RW \
	sh -c "ip netns exec $S nft list chain inet $L input | grep -q 'dport 22 drop'"
check_eq "nftables: door shut again" closed "$(conn 4205)"
nftx add rule inet $L input tcp dport 22 accept
check "nftables: a rule added to spad's chain is removed" wait_for $RW \
	sh -c "! ip netns exec $S nft list chain inet $L input | grep -q 'dport 22 accept'"
nftx flush chain inet $L knocks
check "nftables: the knocks chain (notrack for spa_port) is restored on the next reconcile" wait_for $RW \
	sh -c "ip netns exec $S nft list chain inet $L knocks | grep -q 'udp dport 62201 notrack'"
knock --sport 4206
check_eq "nftables: after all that a knock opens" open "$(conn 4206)"
# protect mode lets UDP in, so conntrack would keep an entry for each datagram
# (what a junk flood would fill): not for spa_port, which chain knocks untracks
udp_to() { in_ns $C python3 -c "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('$SA', $1))"; }
udp_to 62202
check "nftables: conntrack keeps an entry for a datagram to another UDP port" \
	ip netns exec $S grep -q 'dport=62202 ' /proc/net/nf_conntrack
check_fail "nftables: ... but none for the knocks to spa_port 62201 (notrack)" \
	ip netns exec $S grep -q 'dport=62201 ' /proc/net/nf_conntrack
check "nftables: the repairs were logged" grep -q 'event=reconcile when=tick' "$T/nspad.out"
knock --sport 4207
kill -9 $SPAD_PID; wait $SPAD_PID 2>/dev/null
start_spad "$T/s.conf" nspad2
sleep $RW
check_eq "nftables: a grant that outlived a crash is adopted on restart, not reconciled away" open "$(conn 4207)"
stop_spad

sqlite_setup iptables spadt46
start_spad "$T/s.conf" ispad
ipt() { in_ns $S iptables-legacy "$@"; }
rules() { ipt -S $L | grep -c -- "$1"; }
knock --sport 4301
n=$(ipt -S $L | grep -n "$L:frank" | head -1 | cut -d: -f1)	# line 1 is "-N"
ipt -D $L $((n - 1))
check_eq "iptables: grant rule deleted behind spad's back" 0 "$(rules "$L:frank")"
check "iptables: the live grant's rule comes back (spad knows it unused)" wait_for $RW \
	sh -c "ip netns exec $S iptables-legacy -S $L | grep -q -- '--sport 4301'"
check_eq "iptables: and opens" open "$(conn 4301)"
knock --sport 4302
# the same grant again, living longer
ipt -I $L 3 -s $CA/32 -p tcp --sport 4302 --dport 22 -m state --state NEW \
	-m time --datestop 2037-01-01T00:00:00 -m comment --comment "$L:frank" -j ACCEPT
check_eq "iptables: grant rule duplicated behind spad's back" 2 "$(rules '--sport 4302')"
check "iptables: the duplicate is removed" wait_for $RW \
	sh -c "[ \$(ip netns exec $S iptables-legacy -S $L | grep -c -- '--sport 4302') = 1 ]"
ipt -I $L 3 -s $CA/32 -p tcp --sport 4303 --dport 22 -m comment --comment "$L:mallory" -j ACCEPT
check "iptables: a stranger's rule with spad's label is removed" wait_for $RW \
	sh -c "! ip netns exec $S iptables-legacy -S $L | grep -q mallory"
check_eq "iptables: ...so it opens nothing" closed "$(conn 4303)"
ipt -D INPUT 1
check_eq "iptables: the jump deleted behind spad's back: door open (the fault)" open "$(conn 4304)"
check "iptables: the jump is restored" wait_for $RW sh -c "ip netns exec $S iptables-legacy -S INPUT | grep -q -- '-j $L'"
check_eq "iptables: door shut again" closed "$(conn 4305)"
check_eq "iptables: the duplicated grant still opens once" open "$(conn 4302)"
check "iptables: the repairs were logged" grep -q 'event=reconcile when=tick' "$T/ispad.out"
stop_spad

# ---- client clock skew beyond max_packet_age (the real spa-knock) ------------------------
K=$SPA_BUILD/spa-knock/spa-knock
# a clock 1000 s behind for spa-knock alone: time() shifted by $SKEW (LD_PRELOAD)
cat >"$T/skew.c" <<'EOF'
#include <stdlib.h>
#include <time.h>
time_t time(time_t *t)
{
	struct timespec ts;
	const char *s = getenv("SKEW");
	time_t v;

	clock_gettime(CLOCK_REALTIME, &ts);
	v = ts.tv_sec + (s != NULL ? atol(s) : 0);
	if (t != NULL)
		*t = v;
	return v;
}
EOF
if [ -x "$K" ] && cc -shared -fPIC -o "$T/skew.so" "$T/skew.c"; then
	sqlite_setup nftables spadt46
	echo pwg | "$SB/spa-admin" -c "$T/s.conf" add --aid gina --user gina --ports tcp/$PORT \
		--password-stdin --out "$T/gina.cred" --server $SA >>"$T/log" 2>&1
	chmod 600 "$T/gina.cred"
	start_spad "$T/s.conf" kspad
	export HOME=$T/home; mkdir -p "$HOME"
	in_ns $C "$K" --import "$T/gina.cred" --hosts $SA >>"$T/log" 2>&1
	printf '#!/bin/sh\necho pwg\n' >"$T/askpass"; chmod 755 "$T/askpass"
	export SSH_ASKPASS=$T/askpass SSH_ASKPASS_REQUIRE=force
	# (ASan wants its runtime first in the library list; the shim only wraps time())
	in_ns $C env LD_PRELOAD="$T/skew.so" SKEW=-1000 \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		setsid "$K" -t 3 --window 1000 $SA $PORT \
		</dev/null >/dev/null 2>"$T/skew.err"; rc=$?
	check_eq "clock skew: spa-knock gives up with status 5" 5 "$rc"
	check "clock skew: spa-knock names the clock as a possible cause" grep -q "clock" "$T/skew.err"
	check_eq "clock skew: one line on stderr" 1 "$(wc -l <"$T/skew.err")"
	check "clock skew: spad counts the knocks as stale" test "$(status stale)" -ge 1
	check_eq "clock skew: nothing else counted" 0 "$(status accepted)"
	check "clock skew: spad logs the reason" grep -q 'event=reject reason=stale aid=gina' "$T/kspad.out"
	in_ns $C setsid "$K" -t 5 $SA $PORT </dev/null >/dev/null 2>"$T/noskew.err"; rc=$?
	check_eq "the same spa-knock with the right clock gets in" 0 "$rc"
	stop_spad
else
	skip_nok "client clock skew" "spa-knock not built or no C compiler for the time shim"
fi
finish
