# tests/system/services.sh - sourced by tests/run: services the system tests
# share, started once per run and stopped at the end.
#
# services_start: a throwaway MariaDB server of our own: its own data
# directory under $SPA_TMP, its own socket, no TCP (--skip-networking),
# database spa_test with user spa_test (password from $SPA_TMP/mariadb/pw).
# Exports SPA_MARIADB_SOCKET (empty when it could not start, and the MariaDB
# tests then fail with a reason) and SPA_MARIADB_PWFILE.
# services_stop: shut it down cleanly (mariadb-admin shutdown, then TERM).

services_start() {
	local d="$SPA_TMP/mariadb" i
	export SPA_MARIADB_SOCKET="" SPA_MARIADB_PWFILE="$d/pw"
	command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || {
		echo "services: mariadbd not installed"; return 1; }
	rm -rf "$d"; mkdir -p "$d/data"; chown mysql:mysql "$d" "$d/data" 2>/dev/null
	mariadb-install-db --no-defaults --user=mysql --datadir="$d/data" \
		--auth-root-authentication-method=socket --skip-test-db >"$d/install.log" 2>&1 || {
		echo "services: mariadb-install-db failed"; cat "$d/install.log"; return 1; }
	/usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$d/data" --socket="$d/sock" \
		--pid-file="$d/pid" --skip-networking --log-error="$d/err.log" \
		--innodb-buffer-pool-size=16M --innodb-log-file-size=8M >/dev/null 2>&1 &
	_spa_mariadb_pid=$!
	for i in $(seq 1 300); do	# at most 30 s
		mariadb-admin --no-defaults --socket="$d/sock" -uroot ping >/dev/null 2>&1 && break
		kill -0 "$_spa_mariadb_pid" 2>/dev/null || { echo "services: mariadbd died"; cat "$d/err.log"; return 1; }
		sleep 0.1
	done
	mariadb-admin --no-defaults --socket="$d/sock" -uroot ping >/dev/null 2>&1 || {
		echo "services: mariadbd did not answer within 30 s"; cat "$d/err.log"; return 1; }
	head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$d/pw"; chmod 600 "$d/pw"
	mariadb --no-defaults --socket="$d/sock" -uroot <<-SQL || { echo "services: setup SQL failed"; return 1; }
		CREATE DATABASE spa_test;
		CREATE USER 'spa_test'@'localhost' IDENTIFIED BY '$(cat "$d/pw")';
		GRANT ALL ON \`spa\_test%\`.* TO 'spa_test'@'localhost';
		FLUSH PRIVILEGES;
	SQL
	export SPA_MARIADB_SOCKET="$d/sock"
	echo "services: mariadbd pid $_spa_mariadb_pid on $d/sock"
}

services_stop() {
	local d="$SPA_TMP/mariadb" i
	[ -n "${_spa_mariadb_pid:-}" ] || return 0
	mariadb-admin --no-defaults --socket="$d/sock" -uroot shutdown >/dev/null 2>&1 ||
		kill "$_spa_mariadb_pid" 2>/dev/null
	for i in $(seq 1 100); do
		kill -0 "$_spa_mariadb_pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$_spa_mariadb_pid" 2>/dev/null
	wait "$_spa_mariadb_pid" 2>/dev/null
	_spa_mariadb_pid=""
}
