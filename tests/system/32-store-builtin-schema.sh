#!/usr/bin/env bash
# spa-admin carries its schema (sql/embed.sh): init and migrate need no files,
# and what they create is exactly what the shipped sql/ files create.
. "$(dirname "$0")/lib.sh"
A=$SPA_BUILD/spad/spa-admin
unset SPA_SQL_DIR
conf() { # conf DIR
	printf 'store = sqlite\ndb_path = %s/spad.db\nserver_key = %s/server.key\n' "$1" "$1" >"$1/spad.conf"
}
mkdir -p "$T/a" "$T/b" "$T/c"
conf "$T/a"; conf "$T/b"; conf "$T/c"
check "init with the built-in schema" "$A" -c "$T/a/spad.conf" init
check "init from the sql/ files" "$A" -c "$T/b/spad.conf" --sql-dir "$SPA_SRC/sql" init
check_eq "both schemas are identical" "$(sqlite3 "$T/b/spad.db" .schema)" "$(sqlite3 "$T/a/spad.db" .schema)"
check "init --to 1 then migrate with the built-in schema" \
	sh -c "'$A' -c '$T/c/spad.conf' init --to 1 && '$A' -c '$T/c/spad.conf' migrate"
check_eq "migrated schema equals a fresh one" "$(sqlite3 "$T/a/spad.db" .schema)" "$(sqlite3 "$T/c/spad.db" .schema)"
check_fail "--sql-dir naming a missing directory fails" "$A" -c "$T/c/spad.conf" --sql-dir "$T/none" init
echo hunter2 >"$T/pw"; chmod 600 "$T/pw"
check "add works on the built-in schema" "$A" -c "$T/a/spad.conf" add --user alice --ports tcp/22 \
	--password-file "$T/pw" --aid builtin1
finish
