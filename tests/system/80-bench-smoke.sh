#!/usr/bin/env bash
# The benchmarks (tests/bench/run, issue 8) in smoke mode: tiny counts, a few
# seconds per figure.  One TAP line per figure, "ok" when the figure produced
# a number for every daemon it compares.  Never a timed pass/fail: the
# numbers themselves are not judged here (run tests/bench/run for the table).
. "$(dirname "$0")/lib.sh"
out=$(SPA_BUILD=$SPA_BUILD "$SPA_SRC/tests/bench/run" --smoke 2>"$T/bench.err")
rc=$?
echo "$out" | sed 's/^/# /'
for f in 1 2 3 4 5 6; do
	line=$(echo "$out" | grep "^figure $f: ")
	case "$line" in
	"figure $f: ok") ok "bench figure $f produced its numbers" ;;
	"") nok "bench figure $f produced its numbers (no result line; exit $rc)"; tail -5 "$T/bench.err" | sed 's/^/# /' ;;
	*) nok "bench figure $f produced its numbers (${line#figure $f: })" ;;
	esac
done
finish
