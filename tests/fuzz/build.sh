#!/usr/bin/env bash
# tests/fuzz/build.sh - build (and optionally run) the libFuzzer targets.
#
#   tests/fuzz/build.sh [-r SECONDS] OUTDIR [BUILDDIR]
#
# Compiles every tests/fuzz/fuzz_*.c with clang -fsanitize=fuzzer,address,undefined
# straight from the lib/*.c sources into OUTDIR; a target that needs more
# (say spa-knock/cred.c) lists those sources, relative to the top of the tree,
# one a line, in tests/fuzz/<target>.srcs (their directories go on -I).  config.h comes from BUILDDIR
# (a configured build tree); without one a minimal config.h is written to
# OUTDIR.  With -r, each target first replays tests/fuzz/regress/<target>/
# (inputs that once crashed) and then fuzzes for SECONDS, starting from a
# working copy of tests/fuzz/corpus/<target>/ in OUTDIR/corpus/<target>/;
# crashes land in OUTDIR/crash/<target>/.  Exit status: 0 all good,
# 1 build failed, 2 a target found a crash.
# Environment: CLANG (default clang), FUZZ_RSS_MB (default 2048).
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
run=0
if [ "${1:-}" = -r ]; then run=$2; shift 2; fi
[ $# -ge 1 ] || { echo "usage: $0 [-r SECONDS] OUTDIR [BUILDDIR]" >&2; exit 1; }
out=$1
build=${2:-}
cc=${CLANG:-clang}
mkdir -p "$out" || exit 1
out=$(cd "$out" && pwd)

if [ -n "$build" ] && [ -f "$build/config.h" ]; then
	cfg=$(cd "$build" && pwd)
else
	cfg=$out/cfg
	mkdir -p "$cfg"
	printf '/* minimal config.h for the fuzz build */\n#define _GNU_SOURCE 1\n' >"$cfg/config.h"
fi

# The parsers and codec only: no program, no backend.
libsrc="$src/lib/spa_err.c $src/lib/spa_buf.c $src/lib/spa_crypto.c $src/lib/spa_pkt.c
	$src/lib/spa_util.c $src/lib/spa_conf.c $src/lib/spa_ctl.c"
flags="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
	-fno-sanitize-recover=undefined -I$cfg -I$src/lib"
ocflags=$(pkg-config --cflags openssl 2>/dev/null)
olibs=$(pkg-config --libs openssl 2>/dev/null || echo -lcrypto)

targets=""
for f in "$here"/fuzz_*.c; do
	t=$(basename "$f" .c)
	extra="" inc=""
	if [ -f "$here/$t.srcs" ]; then
		for x in $(grep -v '^#' "$here/$t.srcs"); do
			[ -f "$src/$x" ] || { echo "build.sh: $t.srcs: no $x" >&2; exit 1; }
			extra="$extra $src/$x"
			case " $inc " in *" -I$src/$(dirname "$x") "*) ;; *) inc="$inc -I$src/$(dirname "$x")" ;; esac
		done
	fi
	# shellcheck disable=SC2086
	if ! $cc $flags $inc $ocflags -o "$out/$t" "$f" $extra $libsrc $olibs; then
		echo "build.sh: $t failed to build" >&2
		exit 1
	fi
	targets="$targets $t"
done
echo "build.sh: built$targets in $out"
[ "$run" != 0 ] || exit 0

status=0
for t in $targets; do
	rm -rf "$out/corpus/$t" "$out/crash/$t"
	mkdir -p "$out/corpus/$t" "$out/crash/$t"
	cp "$here/corpus/$t"/* "$out/corpus/$t/" 2>/dev/null
	opts="-rss_limit_mb=${FUZZ_RSS_MB:-2048} -timeout=10 -print_final_stats=1"
	dict=""
	[ -f "$here/$t.dict" ] && dict="-dict=$here/$t.dict"
	reg=$(find "$here/regress/$t" -type f ! -name '.*' 2>/dev/null)
	if [ -n "$reg" ]; then
		# shellcheck disable=SC2086
		if ! "$out/$t" $opts $reg >"$out/$t.regress.log" 2>&1; then
			echo "build.sh: $t crashes on a regression input (see $out/$t.regress.log)"
			status=2
			continue
		fi
	fi
	# shellcheck disable=SC2086
	if "$out/$t" $opts $dict -max_total_time="$run" -artifact_prefix="$out/crash/$t/" \
		"$out/corpus/$t" >"$out/$t.log" 2>&1; then
		echo "build.sh: $t ran ${run}s: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/$t.log" | grep -o '[0-9]*$') runs, no crash"
	else
		echo "build.sh: $t FOUND A CRASH: $(ls "$out/crash/$t" | head -3) (log $out/$t.log)"
		status=2
	fi
done
exit $status
