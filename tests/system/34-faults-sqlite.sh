#!/usr/bin/env bash
# 34-faults-sqlite: spa-admin against a SQLite store it cannot write (a
# read-only bind mount in a private mount namespace: root ignores file
# modes), a store another process holds locked (sqlite3 CLI, BEGIN
# EXCLUSIVE: in WAL mode, which the store uses, that stops writers, not
# readers), and server key files that are missing, too open, foreign, of
# the wrong size or not a regular file.
# Every fault: the documented exit status (4: store unusable, spa-admin(8)),
# one line on stderr naming the cause, the store unchanged, and no hang
# beyond the busy timeout (10 s).
# spa-wrap: yes
. "$(dirname "$0")/lib.sh"
ADMIN="$SPA_BUILD/spad/spa-admin"
export SPA_SQL_DIR="$SPA_SRC/sql"
command -v sqlite3 >/dev/null || { skip_nok "sqlite faults" "sqlite3 CLI missing"; finish; }
D="$T/db"; DB="$D/spad.db"; KEY="$T/server.key"; C="$T/spad.conf"
mkdir -p "$D"
printf 'store = sqlite\ndb_path = %s\nserver_key = %s\n' "$DB" "$KEY" >"$C"
A() { "$ADMIN" -c "$C" "$@"; }
PW='fault-34 password'
printf '%s\n' "$PW" >"$T/pw"; chmod 600 "$T/pw"
secret_password "$PW" alice; secret_password "$PW" bob

check "init" A init
secret_file "$KEY"
check "add alice" A add --aid alice --user alice --ports 22 --password-file "$T/pw"
secret $(A show alice --show-secrets | sed -n 's/^seed = //p')

# state: the whole store, logically, and the database file's bytes.
state() { sqlite3 "$DB" .dump; }
# expect_fail DESC STATUS PATTERN MAXSECS CMD...: CMD exits STATUS within
# MAXSECS seconds, says one line matching PATTERN (grep -E), store unchanged.
expect_fail() {
	local d=$1 want=$2 pat=$3 max=$4 rc lines t0 secs; shift 4
	[ -n "${LOCK_PID:-}" ] || state >"$T/before" 2>&1	# (lock_for took it)
	t0=$(date +%s)
	"$@" >"$T/out" 2>"$T/err" </dev/null; rc=$?
	secs=$(( $(date +%s) - t0 ))
	wait_unlocked
	state >"$T/after" 2>&1
	lines=$(wc -l <"$T/err")
	if [ "$rc" = "$want" ] && [ "$lines" = 1 ] && grep -qE "$pat" "$T/err" &&
		[ "$secs" -le "$max" ] && cmp -s "$T/before" "$T/after"; then
		ok "$d (exit $rc after ${secs}s: $(cat "$T/err"))"
	else
		nok "$d (exit $rc, want $want; ${secs}s, max $max; $lines stderr lines: $(head -c 300 "$T/err"); want /$pat/; store $(cmp -s "$T/before" "$T/after" && echo unchanged || echo CHANGED))"
	fi
}
wait_unlocked() {
	if [ -n "${LOCK_HELD:-}" ]; then
		printf 'COMMIT;\n' >&7; exec 7>&-; LOCK_HELD=""
	fi
	[ -z "${LOCK_PID:-}" ] || { wait "$LOCK_PID" 2>/dev/null; LOCK_PID=""; }
}

# --- read-only store -------------------------------------------------------------
# ro CMD...: run CMD with $D bind-mounted read-only, in a mount namespace of its own.
ro() {
	unshare -m --propagation private sh -c \
		'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" && shift && exec "$@"' \
		sh "$D" "$@"
}
check_fail "read-only mount is in effect (touch fails)" ro touch "$D/x"
# WAL mode needs to write its -shm index even to read: reads fail too.
RO='not writable|read-?only'
expect_fail "read-only store: list" 4 "$RO" 15 ro "$ADMIN" -c "$C" list
expect_fail "read-only store: show" 4 "$RO" 15 ro "$ADMIN" -c "$C" show alice
expect_fail "read-only store: add" 4 "$RO" 15 \
	ro "$ADMIN" -c "$C" add --aid bob --user bob --ports 22 --password-file "$T/pw"
expect_fail "read-only store: set-seed" 4 "$RO" 15 ro "$ADMIN" -c "$C" set-seed alice
expect_fail "read-only store: disable" 4 "$RO" 15 ro "$ADMIN" -c "$C" disable alice
expect_fail "read-only store: remove" 4 "$RO" 15 ro "$ADMIN" -c "$C" remove alice
expect_fail "read-only store: passwd" 4 "$RO" 15 \
	ro "$ADMIN" -c "$C" passwd alice --password-file "$T/pw"
mkdir -p "$T/ro2"
printf 'store = sqlite\ndb_path = %s/new.db\nserver_key = %s\n' "$D" "$KEY" >"$T/new.conf"
expect_fail "read-only directory: init of a new store" 4 'new\.db' 15 ro "$ADMIN" -c "$T/new.conf" init
check "read-only directory: init left no file" test ! -e "$D/new.db"
check "writable again: add works" A add --aid bob --user bob --ports 22 --password-file "$T/pw"
secret $(A show bob --show-secrets | sed -n 's/^seed = //p')

# --- locked store -------------------------------------------------------------------
# lock_for SECS: another process (sqlite3) takes an exclusive lock (no
# reader, no writer gets in) and releases it SECS seconds later; with SECS
# "held" it keeps it until wait_unlocked releases it (so a slow start of the
# program under test, e.g. scrypt under valgrind, cannot outlast the lock).
# Sets LOCK_PID; wait_unlocked waits for it.  Bounded by timeout 90 in any case.
lock_for() {
	state >"$T/before" 2>&1
	rm -f "$T/lock.in"; mkfifo "$T/lock.in"
	timeout 90 sqlite3 "$DB" <"$T/lock.in" >"$T/lock.out" 2>&1 &
	LOCK_PID=$!
	at_exit "kill $LOCK_PID"
	exec 7>"$T/lock.in"
	printf 'BEGIN EXCLUSIVE;\nSELECT count(*) FROM clients;\n' >&7
	# held once a writer cannot get in; the SECS count from then
	wait_for 5 sh -c "! sqlite3 -cmd '.timeout 0' '$DB' 'BEGIN IMMEDIATE; ROLLBACK;' >/dev/null 2>&1" ||
		nok "lock: sqlite3 holds the exclusive lock ($(head -c 200 "$T/lock.out"))"
	if [ "$1" = held ]; then
		LOCK_HELD=1
	else
		{ sleep "$1"; printf 'COMMIT;\n' >&7; } &
		exec 7>&-
	fi
}
lock_for held	# until add has given up: past spa-admin's 10 s busy timeout
expect_fail "locked store: add gives up after the busy timeout" 4 'locked' $((12 + 3 * SPA_SLOW)) \
	A add --aid carol --user carol --ports 22 --password-file "$T/pw"
lock_for 3
t0=$(date +%s)
check "locked store: readers get in at once (WAL): list" sh -c "'$ADMIN' -c '$C' list | grep -q '^alice '"
check "... without waiting for the lock" test $(( $(date +%s) - t0 )) -le 2
wait_unlocked
lock_for 2
t0=$(date +%s)
check "lock released after 2 s: a waiting set-seed succeeds" sh -c "'$ADMIN' -c '$C' set-seed alice >/dev/null"
secs=$(( $(date +%s) - t0 ))
check "... and it waited for the lock (${secs}s)" test "$secs" -ge 1 -a "$secs" -le 9
wait_unlocked
secret $(A show alice --show-secrets | sed -n 's/^seed = //p')
check "store still consistent" sh -c "sqlite3 '$DB' 'PRAGMA integrity_check' | grep -qx ok"

# --- server key file faults -----------------------------------------------------------
cp -p "$KEY" "$T/good.key"
key_case() { # DESC PATTERN SETUP: the key file made bad by SETUP, then restored
	local d=$1 pat=$2; shift 2
	rm -rf "$KEY"; cp -p "$T/good.key" "$KEY"
	eval "$*"
	expect_fail "server key $d: list" 4 "$pat" 10 A list
	expect_fail "server key $d: add" 4 "$pat" 10 A add --aid dave --user d --ports 22 --password-file "$T/pw"
	rm -rf "$KEY"; cp -p "$T/good.key" "$KEY"
}
key_case "missing" 'server\.key.*(No such file|not found|missing)' 'rm -f "$KEY"'
key_case "mode 0640" 'server\.key' 'chmod 640 "$KEY"'
key_case "mode 0604" 'server\.key' 'chmod 604 "$KEY"'
key_case "owned by nobody" 'server\.key' 'chown nobody "$KEY"'
key_case "31 bytes" 'server\.key.*32 bytes' 'head -c 31 "$T/good.key" >"$KEY"'
key_case "33 bytes" 'server\.key.*32 bytes' 'cat "$T/good.key" >"$KEY"; printf x >>"$KEY"'
key_case "empty" 'server\.key.*32 bytes' ': >"$KEY"'
key_case "a directory" 'server\.key' 'rm -f "$KEY"; mkdir -m 700 "$KEY"'
key_case "a symlink to the right key" 'server\.key' 'rm -f "$KEY"; ln -s "$T/good.key" "$KEY"'
key_case "a FIFO" 'server\.key' 'rm -f "$KEY"; mkfifo -m 600 "$KEY"'
head -c 31 "$T/good.key" >"$T/short.key"; chmod 600 "$T/short.key"
printf 'store = sqlite\ndb_path = %s/fresh.db\nserver_key = %s\n' "$T" "$T/short.key" >"$T/fresh.conf"
expect_fail "init with an existing bad key" 4 'short\.key' 10 "$ADMIN" -c "$T/fresh.conf" init
check_eq "init left the bad key alone" "31" "$(stat -c %s "$T/short.key")"
check "the right key works again" A list
finish
