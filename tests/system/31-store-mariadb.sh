#!/usr/bin/env bash
# 31-store-mariadb: spa-admin and the store on the MariaDB backend
# (store-suite.sh), against the throwaway server services.sh started.
. "$(dirname "$0")/lib.sh"
BACKEND=mariadb
SOCK=${SPA_MARIADB_SOCKET:-}
if [ -z "$SOCK" ] || [ ! -S "$SOCK" ]; then
	skip_nok "mariadb store suite" "no test MariaDB server (services_start failed?)"
	finish
fi
PWFILE=${SPA_MARIADB_PWFILE:-$(dirname "$SOCK")/pw}
root() { mariadb --no-defaults --socket="$SOCK" -uroot "$@"; }
write_conf() { # FILE [NAME]
	local db=spa_test_${2:-main}
	root -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
	cat >"$1" <<-CONF
	store = mariadb
	db_socket = $SOCK
	db_user = spa_test
	db_password_file = $PWFILE
	db_name = $db
	server_key = $T/server.key
	CONF
}
dbname() { sed -n 's/^db_name = //p' "${1:-$C}"; }
at_exit "root -e 'DROP DATABASE IF EXISTS spa_test_main; DROP DATABASE IF EXISTS spa_test_v1'"
store_dump() { mariadb-dump --no-defaults --socket="$SOCK" -uroot --skip-dump-date --hex-blob --skip-comments "$(dbname)"; }
store_sql() { root "$(dbname)" -e "$1"; }
store_file_bytes() {
	# the logical dump both ways, and InnoDB's own files for this database
	store_dump; mariadb-dump --no-defaults --socket="$SOCK" -uroot "$(dbname)"
	cat "$(dirname "$SOCK")/data/$(dbname)"/*.ibd 2>/dev/null
}
bad_conf() { sed "s|^db_socket = .*|db_socket = $T/no-such.sock|" "$C" >"$1"; }
copy_client() { # AID FROMCONF TOCONF
	mariadb-dump --no-defaults --socket="$SOCK" -uroot --no-create-info --hex-blob --skip-comments \
		--where="aid = '$1'" "$(dbname "$2")" clients | root "$(dbname "$3")"
}
. "$(dirname "$0")/store-suite.sh"
finish
