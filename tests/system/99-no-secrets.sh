#!/usr/bin/env bash
# 99-no-secrets: no secret a system test used appears in any log they left.
#
# The tests register every seed (hex), password, derived password key (hex),
# database password and server key (hex) with "secret" (lib.sh) in
# $SPA_TMP/secrets.list.  tests/run runs this test after all the others (and
# after the asan and valgrind passes); it searches
#   - tests/logs/ (every test's TAP output and the build, unit, apt logs),
#   - $SPA_TMP/logs/ (each test's $T/log and daemons' $T/*.out, kept by lib.sh),
#   - $SPA_TMP/reports/ (ASan, UBSan and valgrind reports),
#   - every *.log, *.out, *.err, log and syslog* file elsewhere under $SPA_TMP
#     (MariaDB's error log, say), but not the database files,
#   - the system journal since the run started, when journald is running,
# for each value, case-insensitively (so upper-case hex too).  A hit is
# reported as the file and the test that registered the value, never the
# value itself.  A self-check first plants a fake secret in a log and proves
# that the search finds it.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C
LIST="$SPA_TMP/secrets.list"
LOGS=${SPA_LOGDIR:-$SPA_SRC/tests/logs}
MIN=6	# shorter values would match by chance (and are no secrets worth the name)

# log_files: every log to search, one a line (NUL-free paths assumed).
log_files() {
	{
		[ -d "$LOGS" ] && find "$LOGS" -type f ! -name "$SPA_TEST_NAME.log"
		[ -d "$SPA_TMP/logs" ] && find "$SPA_TMP/logs" -type f
		[ -d "$SPA_TMP/reports" ] && find "$SPA_TMP/reports" -type f
		find "$SPA_TMP" \( -path "$SPA_TMP/mariadb/data" -o -path "$SPA_TMP/build-valgrind" \
			-o -path "$SPA_TMP/logs" -o -path "$SPA_TMP/reports" -o -path "$T" \) -prune -o \
			-type f \( -name '*.log' -o -name '*.out' -o -name '*.err' -o -name log \
			-o -name 'syslog*' \) -print
	} | sort -u
}

# search LIST FILES: print "FILE<tab>TEST" for every registered value found
# in one of FILES (a file of paths); the values themselves are never printed.
search() {
	local list=$1 files=$2 pat="$T/patterns" hits="$T/hits" f v name
	: >"$pat"
	while IFS=$'\t' read -r name v; do
		[ "${#v}" -ge "$MIN" ] && printf '%s\n' "$v"
	done <"$list" | sort -u >"$pat"
	[ -s "$pat" ] && [ -s "$files" ] || return 0
	# One pass finds the files holding any value, then name the values' owners.
	tr '\n' '\0' <"$files" | xargs -0 -r grep -a -l -i -F -f "$pat" -- 2>/dev/null >"$hits"
	while read -r f; do
		content "$f" >"$T/content"
		while IFS=$'\t' read -r name v; do
			[ "${#v}" -ge "$MIN" ] || continue
			grep -a -q -i -F -e "$v" -- "$T/content" && printf '%s\t%s\n' "$f" "$name"
		done <"$list"
	done <"$hits" | sort -u
}
# content FILE: what our programs wrote to FILE.  Valgrind's reports start
# with the command line valgrind ran, which holds whatever the test passed as
# arguments (spa-admin set-seed AID HEX): that is the test's doing, not a log
# line of ours, so it is left out.
content() {
	case "$1" in
	*/reports/valgrind/*) grep -a -v '^==[0-9]*== Command: ' -- "$1" ;;
	*) cat -- "$1" ;;
	esac
}

# --- self-check: the search can fail ------------------------------------------
fake=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
plant="$SPA_TMP/logs/$SPA_TEST_NAME-selfcheck"
mkdir -p "$plant"
at_exit "rm -rf '$plant'"
printf 'selfcheck\t%s\n' "$fake" >"$T/fake.list"
printf 'harmless line\nseed is %s, upper case\n' "$(printf %s "$fake" | tr a-f A-F)" >"$plant/planted.log"
printf 'nothing here\n' >"$plant/clean.log"
log_files >"$T/files"
check "self-check: the planted log is among the files searched" grep -qxF "$plant/planted.log" "$T/files"
check_eq "self-check: a planted secret (upper-case hex) is found, in that file only" \
	"$plant/planted.log	selfcheck" "$(search "$T/fake.list" "$T/files")"
rm -rf "$plant"

# --- the real search ----------------------------------------------------------------
if [ ! -s "$LIST" ]; then
	ok "no secrets registered (no test that makes secrets ran) # nothing to search"
	finish
fi
log_files >"$T/files"
nfiles=$(wc -l <"$T/files")
nsec=$(cut -f2- "$LIST" | sort -u | wc -l)
short=$(cut -f2- "$LIST" | sort -u | awk -v m=$MIN 'length($0) < m' | wc -l)
if [ -n "${SPA_RUN_START:-}" ] && command -v journalctl >/dev/null &&
	journalctl --since "@$SPA_RUN_START" -o short >"$SPA_TMP/logs/journal.log" 2>/dev/null &&
	[ -s "$SPA_TMP/logs/journal.log" ]; then
	echo "$SPA_TMP/logs/journal.log" >>"$T/files"
	nfiles=$((nfiles + 1))
fi
[ "$short" = 0 ] || echo "# $short registered values are shorter than $MIN characters: not searched"
check "there are logs to search ($nfiles files)" test "$nfiles" -gt 0
search "$LIST" "$T/files" >"$T/found"
if [ ! -s "$T/found" ]; then
	ok "none of $nsec registered secrets appears in $nfiles log files"
else
	while IFS=$'\t' read -r f name; do
		nok "a secret registered by $name appears in ${f#"$SPA_SRC/"}"
	done <"$T/found"
fi
finish
