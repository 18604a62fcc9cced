# tests/system/store-suite.sh - the store test suite, sourced by
# 30-store-sqlite.sh and 31-store-mariadb.sh after they define:
#   BACKEND            sqlite | mariadb
#   write_conf FILE    a spad.conf for a fresh, empty store
#   store_dump         the whole store as text (binary columns in hex)
#   store_sql SQL      run one statement against the store
#   store_file_bytes   the raw bytes that hold the store (for the sealing check)
#   bad_conf FILE      a spad.conf pointing at a store that cannot be reached
# Every verb, every error path (exit status, one line on stderr, store unchanged).
# Every seed, password, derived key and server key it makes or reads is
# registered with "secret" (lib.sh) for 99-no-secrets.sh.

ADMIN="$SPA_BUILD/spad/spa-admin"
RACE="$SPA_BUILD/tests/store-race"
export SPA_SQL_DIR="$SPA_SRC/sql"
C="$T/spad.conf"
write_conf "$C"
printf 'correct horse\n' >"$T/pw"; chmod 600 "$T/pw"
A() { "$ADMIN" -c "$C" "$@"; }

# expect_fail DESC STATUS CMD...: CMD exits STATUS, says one line, store unchanged.
expect_fail() {
	local d=$1 want=$2 rc lines; shift 2
	store_dump >"$T/before" 2>&1
	"$@" >"$T/out" 2>"$T/err"; rc=$?
	store_dump >"$T/after" 2>&1
	lines=$(wc -l <"$T/err")
	if [ "$rc" = "$want" ] && [ "$lines" = 1 ] && cmp -s "$T/before" "$T/after"; then
		ok "$BACKEND: $d (exit $rc: $(cat "$T/err"))"
	else
		nok "$BACKEND: $d (exit $rc, want $want; $lines stderr lines: $(head -c 300 "$T/err"); store $(cmp -s "$T/before" "$T/after" && echo unchanged || echo CHANGED))"
	fi
}

# --- init -----------------------------------------------------------------
check "$BACKEND: init creates key and schema" A init
check_eq "$BACKEND: server key is 0600, 32 bytes" "600 32" "$(stat -c '%a %s' "$T/server.key")"
secret_file "$T/server.key"
expect_fail "init on an initialised store" 3 A init
check_eq "$BACKEND: migrate on a current store is a no-op" "schema 2 (unchanged)" "$(A migrate 2>&1)"

# --- add -------------------------------------------------------------------
SEED=5eed5eed00112233445566778899aabbccddeeff00112233445566778899aabb
secret "$SEED"; secret_password 'correct horse' alice
out=$(A add --aid alice --seed $SEED --user alice,bob --ports tcp/22,udp/53 \
	--password-file "$T/pw" --out "$T/alice.cred" --server gw.example 2>"$T/err")
check_eq "$BACKEND: add prints the AID" alice "$out"
check_eq "$BACKEND: credential file is 0600" 600 "$(stat -c %a "$T/alice.cred")"
check_eq "$BACKEND: credential file format" \
	"server = gw.example|spa_port = 62201|aid = alice|seed = $SEED|counter = 0" \
	"$(grep -v '^#' "$T/alice.cred" | paste -sd'|')"
check "$BACKEND: credential header names the AID" grep -q '^# spa-knock credential for alice, exported ' "$T/alice.cred"
rid=$(printf 'any-ip pw\n' | A add --user '*' --ports 2222 --any-ip --password-stdin 2>>"$T/log")
secret_password 'any-ip pw' "$rid"
check "$BACKEND: add without --aid makes a 32-hex-digit AID ($rid)" test "$(printf %s "$rid" | grep -cE '^[0-9a-f]{32}$')" = 1
# The registered derived key is the one spa-admin used: verifier = HMAC(server key, key).
check_eq "$BACKEND: verifier is HMAC-SHA256(server key, scrypt password key)" \
	"$(python3 -c 'import hmac, hashlib, sys
print(hmac.new(open(sys.argv[1], "rb").read(), bytes.fromhex(sys.argv[2]), hashlib.sha256).hexdigest())' \
		"$T/server.key" "$(pw_key 'correct horse' alice)")" \
	"$(store_sql "SELECT lower(hex(verifier)) FROM clients WHERE aid = 'alice'" | tail -1)"
check "$BACKEND: list shows both" sh -c "'$ADMIN' -c '$C' list | grep -q '^alice .*enabled.*alice,bob.*tcp/22,udp/53' && '$ADMIN' -c '$C' list | grep -q '^$rid .*any-ip'"

expect_fail "duplicate AID" 3 A add --aid alice --user alice --ports 22 --password-file "$T/pw"
expect_fail "seed too short" 1 A add --aid bob --seed abcd --user bob --ports 22 --password-file "$T/pw"
expect_fail "seed not hex" 1 A add --aid bob --seed "${SEED%?}g" --user bob --ports 22 --password-file "$T/pw"
expect_fail "bad port list" 1 A add --aid bob --user bob --ports tcp/22,tcp/99999 --password-file "$T/pw"
expect_fail "bad protocol" 1 A add --aid bob --user bob --ports sctp/22 --password-file "$T/pw"
expect_fail "bad AID" 1 A add --aid 'bo b;drop' --user bob --ports 22 --password-file "$T/pw"
expect_fail "AID too long" 1 A add --aid 0123456789abcdef0123456789abcdefX --user bob --ports 22 --password-file "$T/pw"
expect_fail "bad user list" 1 A add --aid bob --user 'bob,,eve' --ports 22 --password-file "$T/pw"
expect_fail "missing --ports" 1 A add --aid bob --user bob --password-file "$T/pw"
expect_fail "empty password" 1 sh -c "printf '\n' | '$ADMIN' -c '$C' add --aid bob --user bob --ports 22 --password-stdin"
expect_fail "password file readable by others" 1 sh -c "cp '$T/pw' '$T/pw2'; chmod 644 '$T/pw2'; '$ADMIN' -c '$C' add --aid bob --user bob --ports 22 --password-file '$T/pw2'"
expect_fail "unknown verb" 1 A frobnicate
expect_fail "unknown option" 1 A list --bogus

# --- show / export -----------------------------------------------------------
check "$BACKEND: show has no secret by default" sh -c "'$ADMIN' -c '$C' show alice | grep -q '^users = alice,bob' && ! '$ADMIN' -c '$C' show alice | grep -qi '$SEED'"
check "$BACKEND: show --show-secrets prints the seed" sh -c "'$ADMIN' -c '$C' show alice --show-secrets | grep -q '^seed = $SEED'"
check "$BACKEND: export writes a fresh credential" A export alice --out "$T/alice2.cred" --server gw.example
check_eq "$BACKEND: exported credential matches" "$(grep -v '^#' "$T/alice.cred")" "$(grep -v '^#' "$T/alice2.cred")"
expect_fail "show unknown AID" 2 A show nobody
expect_fail "export unknown AID" 2 A export nobody --out "$T/x.cred"
check "$BACKEND: export of unknown AID wrote no file" test ! -e "$T/x.cred"

# --- sealing -------------------------------------------------------------------
store_file_bytes >"$T/raw"
od -An -tx1 -v "$T/raw" | tr -d ' \n' >"$T/raw.hex"
check "$BACKEND: seed in hex absent from the store" sh -c "! grep -qi '$SEED' '$T/raw'"
check "$BACKEND: seed bytes absent from the store" sh -c "! grep -qi '$SEED' '$T/raw.hex'"
check "$BACKEND: the store does hold the sealed rows (the check can see bytes)" sh -c "grep -qi \"\$(printf alice | od -An -tx1 | tr -d ' \n')\" '$T/raw.hex'"
check "$BACKEND: password absent from the store" sh -c "! grep -qa 'correct horse' '$T/raw'"

# --- passwd, enable/disable, set-seed, use-old-seed, remove ---------------------
store_dump >"$T/d1"
secret_password 'new pw' alice
check "$BACKEND: passwd from stdin" sh -c "printf 'new pw\n' | '$ADMIN' -c '$C' passwd alice --password-stdin"
store_dump >"$T/d2"
check "$BACKEND: passwd changed the verifier" sh -c "! cmp -s '$T/d1' '$T/d2'"
expect_fail "passwd unknown AID" 2 sh -c "printf 'p\n' | '$ADMIN' -c '$C' passwd nobody --password-stdin"
check "$BACKEND: disable" A disable alice
check "$BACKEND: list shows disabled" sh -c "'$ADMIN' -c '$C' list | grep -q '^alice .*disabled'"
check "$BACKEND: enable" A enable alice
check "$BACKEND: list shows enabled" sh -c "'$ADMIN' -c '$C' list | grep -q '^alice .*enabled'"
expect_fail "disable unknown AID" 2 A disable nobody
expect_fail "enable unknown AID" 2 A enable nobody
S2=00000000000000000000000000000000000000000000000000000000000000ff
secret "$S2"
check "$BACKEND: set-seed HEX" A set-seed alice $S2
check "$BACKEND: set-seed took" sh -c "'$ADMIN' -c '$C' show alice --show-secrets | grep -q '^seed = $S2'"
new=$(A set-seed alice 2>>"$T/log")
secret "$new"
check "$BACKEND: set-seed without HEX prints the new seed" sh -c "'$ADMIN' -c '$C' show alice --show-secrets | grep -q '^seed = $new\$'"
expect_fail "set-seed bad hex" 1 A set-seed alice 1234
expect_fail "set-seed all-zero seed" 1 A set-seed alice 0000000000000000000000000000000000000000000000000000000000000000
expect_fail "set-seed unknown AID" 2 A set-seed nobody $S2
expect_fail "use-old-seed without a previous seed" 2 A use-old-seed alice
expect_fail "use-old-seed unknown AID" 2 A use-old-seed nobody

# --- the racing update (two processes, exactly one winner per round) -----------
secret_password 'correct horse' racer
check "$BACKEND: add racer" A add --aid racer --user '*' --ports 22 --password-file "$T/pw"
if out=$("$RACE" "$C" racer 200 2>&1); then ok "$BACKEND: racing knock update: $out"; else nok "$BACKEND: racing knock update: $out"; fi
check "$BACKEND: racer's audit rows are there" sh -c "'$ADMIN' -c '$C' show racer --audit 3 | grep -c '^knock = ' | grep -qx 3"
prev=$(A show racer --show-secrets | sed -n 's/^prev_seed = //p')
secret "$prev" "$(A show racer --show-secrets | sed -n 's/^seed = //p')"
check "$BACKEND: use-old-seed" A use-old-seed racer
check_eq "$BACKEND: use-old-seed made prev_seed current" "$prev" "$(A show racer --show-secrets | sed -n 's/^seed = //p')"
check_eq "$BACKEND: export carries the accepted counter" "counter = 200" "$(A export racer --out - | grep '^counter')"

check "$BACKEND: remove" A remove "$rid"
expect_fail "remove unknown AID" 2 A remove "$rid"

# --- store, key and schema errors ------------------------------------------------
bad_conf "$T/bad.conf"
expect_fail "unreachable store" 4 "$ADMIN" -c "$T/bad.conf" list
head -c 32 /dev/urandom >"$T/other.key"; chmod 600 "$T/other.key"
secret_file "$T/other.key"
sed "s|^server_key = .*|server_key = $T/other.key|" "$C" >"$T/otherkey.conf"
expect_fail "wrong server key cannot open the seeds" 4 "$ADMIN" -c "$T/otherkey.conf" list
sed "s|^server_key = .*|server_key = $T/missing.key|" "$C" >"$T/nokey.conf"
expect_fail "missing server key" 4 "$ADMIN" -c "$T/nokey.conf" list
chmod 644 "$T/server.key"
expect_fail "server key readable by others" 4 A list
chmod 600 "$T/server.key"
printf 'store = oracle\n' >"$T/junk.conf"
expect_fail "bad config file (file:line)" 1 "$ADMIN" -c "$T/junk.conf" list
check "$BACKEND: config error names file:line" sh -c "grep -q 'junk.conf:1:' '$T/err'"
store_sql "UPDATE schema_version SET version = 99"
expect_fail "unknown schema version" 4 A list
expect_fail "add on an unknown schema version" 4 A add --aid carol --user c --ports 22 --password-file "$T/pw"
expect_fail "migrate refuses a newer schema" 4 A migrate
store_sql "UPDATE schema_version SET version = 2"
check "$BACKEND: store usable again" A list

# --- migration from schema 1 ---------------------------------------------------------
C1="$T/v1.conf"
write_conf "$C1" v1
check "$BACKEND: init --to 1" "$ADMIN" -c "$C1" init --to 1
expect_fail "a v1 store is refused until migrated" 4 "$ADMIN" -c "$C1" list
copy_client alice "$C" "$C1"
check_eq "$BACKEND: migrate 1 -> 2" "schema 2 (was 1)" "$("$ADMIN" -c "$C1" migrate 2>&1)"
check "$BACKEND: client survives the migration" sh -c "'$ADMIN' -c '$C1' show alice --show-secrets | grep -q '^seed = $new\$'"

# --- live verbs, help ----------------------------------------------------------------
# (-S: a socket nobody serves, whatever runs on this machine)
for v in "grants" "status" "allow alice 10.1.2.3 tcp/22" "established alice"; do
	expect_fail "${v%% *} needs spad (status 6)" 6 A $v -S "$T/no-spad.sock"
done
for v in init migrate add passwd remove set-seed use-old-seed enable disable list show export grants status allow established; do
	check "$BACKEND: $v --help" sh -c "'$ADMIN' $v --help | grep -q '^usage: spa-admin'"
done

# --- every seed left in the stores, including those spa-admin made itself ------------
for cf in "$C" "$C1"; do
	for aid in $("$ADMIN" -c "$cf" list 2>/dev/null | awk 'NR > 1 {print $1}'); do
		secret $("$ADMIN" -c "$cf" show "$aid" --show-secrets 2>/dev/null | sed -n 's/^\(prev_\)\{0,1\}seed = //p')
	done
done
