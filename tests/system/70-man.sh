#!/usr/bin/env bash
# The manual pages render without a single warning, through groff and man.
. "$(dirname "$0")/lib.sh"
pages="spad.8 spad.conf.5 spa-admin.8 spa-knock.1 pam_spa.8 spa-protocol.7"
sections="NAME SYNOPSIS DESCRIPTION OPTIONS FILES 'EXIT STATUS' EXAMPLES 'SEE ALSO'"
# lint PAGE: groff's and man's warnings (and a missing section) go to stdout.
lint() {
	local f=$SPA_SRC/man/$1 s
	[ -f "$f" ] || { echo "missing: $f"; return; }
	groff -man -ww -z "$f" 2>&1
	LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$f" 2>&1 >/dev/null
	eval "set -- $sections"
	for s in "$@"; do grep -q "^\.SH \"\?$s\"\?\$" "$f" || echo "no section $s"; done
}
for p in $pages; do
	out=$(lint "$p")
	if [ -z "$out" ]; then ok "man page $p renders without warnings"; else
		nok "man page $p renders without warnings"; printf '%s\n' "$out" | sed 's/^/# /'; fi
done
finish
