#!/usr/bin/env bash
# 35-faults-mariadb: spa-admin when the MariaDB server goes away: shut down,
# killed (stale socket), stopped or killed while spa-admin is connected and
# in the middle of a verb, and frozen (SIGSTOP, a hung server).  Each time:
# exit status 4 (store unusable, spa-admin(8)), one line on stderr, no hang
# beyond spa-admin's timeouts, the store unchanged; and once the server is
# back, spa-admin works again with the data intact.
# Uses a throwaway server of its own (not the shared one of services.sh,
# which the other tests need running).
# spa-wrap: yes
. "$(dirname "$0")/lib.sh"
ADMIN="$SPA_BUILD/spad/spa-admin"
export SPA_SQL_DIR="$SPA_SRC/sql"
if ! [ -x /usr/sbin/mariadbd ] || ! command -v mariadb-install-db >/dev/null; then
	skip_nok "mariadb faults" "mariadb-server is not installed"; finish
fi
M="$T/mdb"; SOCK="$M/sock"
mkdir -p "$M/data"; chown mysql:mysql "$M" "$M/data"
root() { mariadb --no-defaults --socket="$SOCK" -uroot "$@"; }
mdb_start() {
	/usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$M/data" --socket="$SOCK" \
		--pid-file="$M/pid" --skip-networking --log-error="$M/err.log" \
		--innodb-buffer-pool-size=16M --innodb-log-file-size=8M >/dev/null 2>&1 &
	MDB_PID=$!
	at_exit "kill -CONT $MDB_PID; kill -9 $MDB_PID"
	wait_for 30 mariadb-admin --no-defaults --socket="$SOCK" -uroot ping
}
mdb_stop() { # clean shutdown: the socket goes away
	mariadb-admin --no-defaults --socket="$SOCK" -uroot shutdown >/dev/null 2>&1 || kill "$MDB_PID"
	wait "$MDB_PID" 2>/dev/null
}
mdb_kill() { kill -9 "$MDB_PID"; wait "$MDB_PID" 2>/dev/null; }	# a crash: stale socket

if ! mariadb-install-db --no-defaults --user=mysql --datadir="$M/data" \
	--auth-root-authentication-method=socket --skip-test-db >"$M/install.log" 2>&1 || ! mdb_start; then
	sed 's/^/# /' "$M/install.log" "$M/err.log" 2>/dev/null | tail -20
	skip_nok "mariadb faults" "the throwaway server did not start"; finish
fi
DBPW=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
secret "$DBPW"
printf '%s\n' "$DBPW" >"$T/dbpw"; chmod 600 "$T/dbpw"
root <<SQL
CREATE DATABASE spa_f35;
CREATE USER 'spa_f35'@'localhost' IDENTIFIED BY '$DBPW';
GRANT ALL ON spa_f35.* TO 'spa_f35'@'localhost';
SQL
C="$T/spad.conf"
cat >"$C" <<CONF
store = mariadb
db_socket = $SOCK
db_user = spa_f35
db_password_file = $T/dbpw
db_name = spa_f35
server_key = $T/server.key
CONF
A() { "$ADMIN" -c "$C" "$@"; }
PW='fault-35 password'
printf '%s\n' "$PW" >"$T/pw"; chmod 600 "$T/pw"
for a in alice bob carol dave; do secret_password "$PW" $a; done

check "init" A init
secret_file "$T/server.key"
check "add alice" A add --aid alice --user alice --ports 22 --password-file "$T/pw"
secret $(A show alice --show-secrets | sed -n 's/^seed = //p')
state() { mariadb-dump --no-defaults --socket="$SOCK" -uroot --skip-dump-date --hex-blob --skip-comments spa_f35; }

# same_state DESC: the store is as state saved in $T/before.
same_state() {
	state >"$T/after" 2>&1
	if cmp -s "$T/before" "$T/after"; then ok "$1"; else
		nok "$1: $(diff "$T/before" "$T/after" | grep '^[<>]' | head -2 | cut -c1-160 | paste -sd'|')"
	fi
}
# expect_fail DESC STATUS PATTERN MAXSECS CMD...: CMD exits STATUS within
# MAXSECS seconds and says one line matching PATTERN (grep -E).
expect_fail() {
	local d=$1 want=$2 pat=$3 max=$4 rc lines t0 secs; shift 4
	t0=$(date +%s)
	"$@" >"$T/out" 2>"$T/err" </dev/null; rc=$?
	secs=$(( $(date +%s) - t0 ))
	report "$d" "$want" "$pat" "$max" "$rc" "$secs"
}
report() { # DESC WANT PATTERN MAXSECS RC SECS, stderr in $T/err
	local lines; lines=$(wc -l <"$T/err")
	if [ "$5" = "$2" ] && [ "$lines" = 1 ] && grep -qE "$3" "$T/err" && [ "$6" -le "$4" ]; then
		ok "$1 (exit $5 after $6 s: $(cat "$T/err"))"
	else
		nok "$1 (exit $5, want $2; $6 s, max $4; $lines stderr lines: $(head -c 300 "$T/err"); want /$3/)"
	fi
}
# waiting_for_password PID: spa-admin PID is connected and blocked reading
# stdin (on x86_64: syscall 0, read, on fd 0; elsewhere: it is connected).
waiting_for_password() {
	if [ "$(uname -m)" = x86_64 ]; then
		grep -q '^0 0x0 ' "/proc/$1/syscall"
	else
		mariadb --no-defaults --socket="$SOCK" -uroot -N -e \
			"SELECT count(*) FROM information_schema.processlist WHERE user = 'spa_f35'" | grep -qx 1
	fi
}
# mid_verb DESC FAULT MAXSECS PATTERN AID: start "add AID" reading its password from a FIFO,
# wait until it is connected, apply FAULT (a command), then give it the password.
mid_verb() {
	local d=$1 fault=$2 aid=$5 apid rc t0 secs
	rm -f "$T/pwfifo"; mkfifo "$T/pwfifo"
	"$ADMIN" -c "$C" add --aid "$aid" --user "$aid" --ports 22 --password-stdin \
		<"$T/pwfifo" >"$T/out" 2>"$T/err" &
	apid=$!
	at_exit "kill $apid"
	exec 8>"$T/pwfifo"
	wait_for 30 waiting_for_password "$apid" || nok "$d: spa-admin connected and asked for the password"
	$fault
	t0=$(date +%s)
	trap '' PIPE	# spa-admin may be gone already: that is a failure, not our death
	printf '%s\n' "$PW" >&8; exec 8>&-
	trap - PIPE
	wait "$apid"; rc=$?
	secs=$(( $(date +%s) - t0 ))
	report "$d" 4 "$4" "$3" "$rc" "$secs"
}

state >"$T/before"
# --- server shut down, server crashed -------------------------------------------------
mdb_stop
expect_fail "server shut down: list" 4 'cannot connect' 10 A list
expect_fail "server shut down: add" 4 'cannot connect' 10 A add --aid bob --user bob --ports 22 --password-file "$T/pw"
check "restart" mdb_start
same_state "store unchanged"
mdb_kill
check "crashed server left its socket behind" test -S "$SOCK"
expect_fail "server crashed (stale socket): list" 4 'cannot connect' 10 A list
expect_fail "server crashed (stale socket): set-seed" 4 'cannot connect' 10 A set-seed alice
check "restart after the crash" mdb_start
same_state "store unchanged"
check "works again: list" sh -c "'$ADMIN' -c '$C' list | grep -q '^alice '"
check "works again: add bob" A add --aid bob --user bob --ports 22 --password-file "$T/pw"
secret $(A show bob --show-secrets | sed -n 's/^seed = //p')

# --- while spa-admin is connected ----------------------------------------------------------
state >"$T/before"
mid_verb "server shut down while add runs" mdb_stop 10 'mariadb: .*(gone away|Lost connection|connect)' carol
check "restart" mdb_start
same_state "store unchanged (no carol)"
mid_verb "server crashed while add runs" mdb_kill 10 'mariadb: .*(gone away|Lost connection|connect)' carol
check "restart after the crash" mdb_start
same_state "store unchanged (no carol)"
check "works again: add carol" A add --aid carol --user carol --ports 22 --password-file "$T/pw"
secret $(A show carol --show-secrets | sed -n 's/^seed = //p')

# --- a hung server (SIGSTOP): bounded by spa-admin's connect/read timeouts ----------------
state >"$T/before"
kill -STOP "$MDB_PID"
expect_fail "frozen server: list" 4 'mariadb: ' 40 A list
kill -CONT "$MDB_PID"
freeze() { kill -STOP "$MDB_PID"; }
mid_verb "server frozen while add runs" freeze 40 'mariadb: ' dave
kill -CONT "$MDB_PID"
check "thawed: works again" sh -c "'$ADMIN' -c '$C' list | grep -q '^carol '"
same_state "store unchanged (no dave)"
mdb_stop
finish
