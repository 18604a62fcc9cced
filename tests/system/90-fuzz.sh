#!/usr/bin/env bash
# Fuzz smoke test: build the libFuzzer targets (clang, ASan+UBSan) from the
# lib sources, replay the saved regression inputs, then fuzz each target for
# a bounded time from its seed corpus.  One TAP line per target.
# Longer runs: tests/fuzz/README.
. "$(dirname "$0")/lib.sh"
FUZZ=$SPA_SRC/tests/fuzz
SECS=${SPA_FUZZ_SECONDS:-20}
targets=$(cd "$FUZZ" && ls fuzz_*.c | sed 's/\.c$//')

if ! command -v clang >/dev/null 2>&1; then
	for t in $targets; do skip_nok "$t fuzzes without a crash" "clang is not installed"; done
	finish
fi
if ! "$FUZZ/build.sh" "$T/out" "$SPA_BUILD" >"$T/build.log" 2>&1; then
	sed 's/^/# /' "$T/build.log" | tail -20
	for t in $targets; do nok "$t builds with -fsanitize=fuzzer,address,undefined"; done
	finish
fi
# fuzz_one T: replay T's regressions, then fuzz it; its TAP line (and any
# diagnostics) go to $T/T.tap, printed in order once every target is done.
fuzz_one() {
	local t=$1 opts dict reg runs
	mkdir -p "$T/corpus/$t" "$T/crash/$t"
	cp "$FUZZ/corpus/$t"/* "$T/corpus/$t/" 2>/dev/null
	opts="-rss_limit_mb=2048 -timeout=10 -print_final_stats=1"
	dict=""
	[ -f "$FUZZ/$t.dict" ] && dict="-dict=$FUZZ/$t.dict"
	reg=$(find "$FUZZ/regress/$t" -type f ! -name '.*' 2>/dev/null)
	if [ -n "$reg" ] && ! "$T/out/$t" $opts $reg >"$T/$t.regress.log" 2>&1; then
		sed 's/^/# /' "$T/$t.regress.log" | grep -m5 'ERROR\|SUMMARY\|Running'
		echo "not ok - $t replays tests/fuzz/regress/$t without a crash"
		return
	fi
	if "$T/out/$t" $opts $dict -max_total_time="$SECS" -artifact_prefix="$T/crash/$t/" \
		"$T/corpus/$t" >"$T/$t.log" 2>&1; then
		runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$T/$t.log" | grep -o '[0-9]*$')
		echo "ok - $t: regressions replayed, ${SECS}s of fuzzing without a crash (${runs:-?} runs)"
	else
		grep -m5 'ERROR\|SUMMARY\|Test unit written' "$T/$t.log" | sed 's/^/# /'
		# Keep the input where a person can find it after the scratch dir is gone.
		mkdir -p "${SPA_TMP}/fuzz-crashes"
		cp "$T/crash/$t"/* "${SPA_TMP}/fuzz-crashes/" 2>/dev/null
		echo "not ok - $t fuzzes ${SECS}s without a crash (inputs copied to $SPA_TMP/fuzz-crashes)"
	fi
}
# one target per core at a time (each is single-threaded), bounded by timeout
export -f fuzz_one; export T FUZZ SECS SPA_TMP
NJ=$(nproc 2>/dev/null || echo 1)
for t in $targets; do
	while [ "$(jobs -rp | wc -l)" -ge "$NJ" ]; do wait -n; done
	timeout -k 5 $((SECS * 3 + 60)) bash -c 'fuzz_one "$1"' fuzz_one "$t" >"$T/$t.tap" 2>&1 &
done
wait
for t in $targets; do
	if grep -q '^ok - ' "$T/$t.tap"; then
		grep -v '^ok - ' "$T/$t.tap"; ok "$(grep -m1 '^ok - ' "$T/$t.tap" | cut -c6-)"
	else
		grep -v '^not ok - ' "$T/$t.tap"
		nok "$(grep -m1 '^not ok - ' "$T/$t.tap" | cut -c10- | grep . || echo "$t: no result (killed after $((SECS * 3 + 60))s?)")"
	fi
done
finish
