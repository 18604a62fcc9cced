# tests/system/lib.sh - sourced by every system test.
#
# A system test is an executable tests/system/NN-name.sh that sources this
# file, prints one TAP line per check ("ok - what" / "not ok - what") and
# cleans up everything it made (namespaces, processes, files) in at_exit
# handlers, which run also when it fails or is interrupted.
#
# Environment (set by tests/run; defaults let a script run alone):
#   SPA_SRC    absolute source directory
#   SPA_BUILD  absolute build directory (binaries in $SPA_BUILD/spad/spad ...)
#   SPA_TMP    scratch directory for this run
#   SPA_MARIADB_SOCKET  socket of the throwaway MariaDB server (empty: none)
#   SPA_PASS   "" (plain), asan or valgrind: which pass of tests/run this is
#   SPA_SLOW   slow-down factor of that pass (below)
#
# Logs: at exit $T/log and $T/*.out (daemons' output) are copied to
# $SPA_TMP/logs/[PASS/]NAME/ before $T is removed, so 99-no-secrets.sh can
# search them.  A test that captures syslog should write it there too.
#
# Secrets: "secret VALUE..." registers every seed (hex), password, derived
# password key (hex), database password and server key (hex) a test makes or
# reads; 99-no-secrets.sh fails if any of them shows up in a log.
set -u
SPA_SRC=${SPA_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SPA_BUILD=${SPA_BUILD:-$SPA_SRC/build}
SPA_TMP=${SPA_TMP:-/tmp/spa-tests}
mkdir -p "$SPA_TMP"
# SPA_SLOW: how many times slower our programs run in this pass (1 plain, 3
# under ASan, 10 under valgrind); scale waits on them: wait_for $((5 * SPA_SLOW)).
case "${SPA_PASS:-}" in
asan) SPA_SLOW=${SPA_SLOW:-3} ;;
valgrind) SPA_SLOW=${SPA_SLOW:-10} ;;
*) SPA_SLOW=${SPA_SLOW:-1} ;;
esac
SPA_TEST_NAME=$(basename "$0" .sh)
T=$(mktemp -d "$SPA_TMP/$SPA_TEST_NAME.XXXXXX")
chmod 0755 "$T"
_spa_fail=0
_spa_exit_cmds=()

# at_exit CMD...: run CMD (as a string, via eval) on exit, last registered first.
at_exit() { _spa_exit_cmds=("$*" "${_spa_exit_cmds[@]}"); }
_spa_on_exit() {
	local c
	for c in "${_spa_exit_cmds[@]}"; do eval "$c" >/dev/null 2>&1 || true; done
	_spa_keep_logs
	rm -rf "$T"
}
# Keep the logs of this run (the daemons are stopped by now).
_spa_keep_logs() {
	local d="$SPA_TMP/logs/${SPA_PASS:+$SPA_PASS/}$SPA_TEST_NAME" f
	for f in "$T/log" "$T"/*.out; do
		[ -f "$f" ] || continue
		mkdir -p "$d" && cp -p "$f" "$d/" 2>/dev/null
	done
}
trap _spa_on_exit EXIT
trap 'exit 130' INT TERM

ok()   { echo "ok - $*"; }
nok()  { echo "not ok - $*"; _spa_fail=1; }
# check DESC CMD...: ok if CMD exits 0.  check_fail DESC CMD...: ok if CMD exits non-zero.
check()      { local d=$1; shift; if "$@" >>"$T/log" 2>&1; then ok "$d"; else nok "$d"; fi; }
check_fail() { local d=$1; shift; if "$@" >>"$T/log" 2>&1; then nok "$d"; else ok "$d"; fi; }
# check_eq DESC EXPECTED ACTUAL
check_eq()   { if [ "$2" = "$3" ]; then ok "$1"; else nok "$1 (expected '$2', got '$3')"; fi; }
# skip DESC WHY: a check that cannot run here; counted as a failure by tests/run.
skip_nok()   { nok "$1 # cannot run: $2"; }
# finish: end the script with the right status.
finish() { exit $_spa_fail; }

# ns_add NAME: create a network namespace (removed on exit) with loopback up.
# Use a name unique to your test (prefix it with the test's number).
ns_add() {
	ip netns del "$1" 2>/dev/null || true
	ip netns add "$1" || return 1
	at_exit "ip netns del '$1'"
	ip -n "$1" link set lo up
}
# veth_pair NS1 IF1 ADDR1/LEN NS2 IF2 ADDR2/LEN: join two namespaces.
veth_pair() {
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4" || return 1
	ip -n "$1" addr add "$3" dev "$2"
	ip -n "$4" addr add "$6" dev "$5"
	ip -n "$1" link set "$2" up
	ip -n "$4" link set "$5" up
}
# in_ns NS CMD...: run CMD in namespace NS.
in_ns() { local n=$1; shift; ip netns exec "$n" "$@"; }
# wait_for SECONDS CMD...: poll CMD every 50 ms until it succeeds or time runs out.
wait_for() {
	local end=$(( $(date +%s%N) + $1 * 1000000000 )); shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s%N)" -lt "$end" ] || return 1
		sleep 0.05
	done
}
# bg_start NAME CMD...: start CMD in the background, killed on exit; pid in $BG_PID.
# "in_ns NS CMD" becomes "ip netns exec NS CMD", which execs CMD: $BG_PID is
# then CMD itself (a shell function would run in a subshell whose death
# leaves CMD running).
bg_start() {
	local n=$1; shift
	if [ "$1" = in_ns ]; then shift; set -- ip netns exec "$@"; fi
	"$@" >"$T/$n.out" 2>&1 &
	BG_PID=$!
	at_exit "kill $BG_PID; sleep 0.2; kill -9 $BG_PID"
}

# secret VALUE...: register values that must never appear in any log (one a
# line in $SPA_TMP/secrets.list, 0600, after the test's name and a tab).
# Hex values are searched case-insensitively.  Empty values are ignored.
secret() {
	local v
	( umask 077; touch "$SPA_TMP/secrets.list" )
	for v in "$@"; do
		[ -n "$v" ] && printf '%s\t%s\n' "$SPA_TEST_NAME" "$v" >>"$SPA_TMP/secrets.list"
	done
	return 0
}
# secret_file FILE...: register the bytes of a key file, in hex.
secret_file() {
	local f
	for f in "$@"; do [ -s "$f" ] && secret "$(od -An -tx1 -v "$f" | tr -d ' \n')"; done
	return 0
}
# pw_key PASSWORD AID: the spa/1 derived password key in hex,
# scrypt(password, "spa/1 " || AID, N=2^15, r=8, p=1, 32) (DESIGN: wire format).
pw_key() {
	python3 -c 'import hashlib, sys
print(hashlib.scrypt(sys.argv[1].encode(), salt=b"spa/1 " + sys.argv[2].encode(),
    n=1 << 15, r=8, p=1, maxmem=64 << 20, dklen=32).hex())' "$1" "$2"
}
# secret_password PASSWORD AID: register a password and its derived key.
secret_password() { secret "$1" "$(pw_key "$1" "$2")"; }

# sshd_config_make ADDR [LINE...]: $T/sshd_config from the shipped
# ssh/sshd_config (the file users copy) on port 2222, listening on ADDR,
# with a fresh host key and its pid file in $T, StrictModes off (files in
# $T), then each LINE.  sshd takes a keyword's first value: to change one
# the shipped file sets (UsePAM), edit the result.  Makes /run/sshd.
sshd_config_make() {
	local a=$1 l; shift
	mkdir -p /run/sshd
	[ -e "$T/hostkey" ] || ssh-keygen -q -t ed25519 -N '' -f "$T/hostkey"
	sed -e 's/^Port 22$/Port 2222/' "$SPA_SRC/ssh/sshd_config" >"$T/sshd_config"
	{
		echo "# test only"
		echo "ListenAddress $a"
		echo "HostKey $T/hostkey"
		echo "PidFile $T/sshd.pid"
		echo "StrictModes no"
		for l in "$@"; do echo "$l"; done
	} >>"$T/sshd_config"
	grep -qx 'Port 2222' "$T/sshd_config"
}
