#!/usr/bin/env bash
# 30-store-sqlite: spa-admin and the store on the SQLite backend (store-suite.sh).
. "$(dirname "$0")/lib.sh"
BACKEND=sqlite
write_conf() { # FILE [NAME]
	cat >"$1" <<-CONF
	store = sqlite
	db_path = $T/${2:-spad}.db
	server_key = $T/server.key
	CONF
}
dbfile() { sed -n 's/^db_path = //p' "${1:-$C}"; }
store_dump() { sqlite3 "$(dbfile)" "SELECT quote(aid), quote(users), quote(ports), any_ip, enabled, hex(verifier), hex(seed), hex(key_id), hex(prev_seed), counter, created, updated FROM clients ORDER BY aid; SELECT * FROM schema_version; SELECT count(*) FROM audit; SELECT count(*) FROM grants;"; ls -l --time-style=+ "$(dbfile)" | awk '{print $1}'; }
store_sql() { sqlite3 "$(dbfile)" "$1"; }
store_file_bytes() { cat "$(dbfile)"; }
bad_conf() { printf 'store = sqlite\ndb_path = %s/nonexistent/dir/spad.db\nserver_key = %s/server.key\n' "$T" "$T" >"$1"; }
copy_client() { # AID FROMCONF TOCONF
	sqlite3 "$(dbfile "$2")" ".mode insert clients" "SELECT * FROM clients WHERE aid = '$1'" | sqlite3 "$(dbfile "$3")"
}
command -v sqlite3 >/dev/null || { skip_nok "sqlite store suite" "sqlite3 CLI missing"; finish; }
. "$(dirname "$0")/store-suite.sh"
finish
