#!/usr/bin/env bash
# 75-demo.sh - the README's demo command, ./demo.sh, run on the built tree
# ($SPA_BUILD, --no-install --no-build) under a timeout: it exits 0 within a
# minute, each of its five steps prints its success line, and it leaves
# nothing behind (namespaces, user, PAM service, processes, temp dir) nor
# touches the host namespace's firewall.  Then the same demo interrupted
# (SIGINT to its process group, as Ctrl-C does) cleans up too, and a demo whose
# spa-knock does not knock fails the steps that need the knock and exits 1.
. "$(dirname "$0")/lib.sh"
DEMO=$SPA_SRC/demo.sh
export SPA_BUILD
for b in spad/spad spad/spa-admin spa-knock/spa-knock pam_spa/.libs/pam_spa.so; do
	[ -e "$SPA_BUILD/$b" ] || { nok "$SPA_BUILD/$b built"; finish; }
done
[ -x "$DEMO" ] || { nok "demo.sh is executable"; finish; }

leftovers() { # prints whatever a demo left behind, nothing when clean
	ip netns list | grep -Eo '^spaX[cs]\b'
	getent passwd spa-demo
	ls /etc/pam.d/sshd-spademo 2>/dev/null
	ls -d /tmp/spa-demo.* 2>/dev/null
	pgrep -f '/tmp/spa-demo\.[^/]*/sshd-spademo'
}
host_fw() { nft list ruleset 2>/dev/null; }   # read only: the host's own ruleset

fw0=$(host_fw)
t0=$(date +%s%N)
timeout -k 5 150 "$DEMO" --no-install --no-build >"$T/demo.out" 2>&1
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check_eq "demo.sh exits 0" 0 "$rc"
for step in 1 2 3 4 5; do
	line=$(grep -m1 "==> OK step $step:" "$T/demo.out")
	if [ -n "$line" ]; then ok "demo step $step: ${line#*==> OK step $step: }"; else nok "demo step $step printed its success line"; fi
done
check_eq "no step failed" 0 "$(grep -c 'FAILED step' "$T/demo.out")"
check "it says all five steps behaved" grep -q '^All 5 steps behaved as shown' "$T/demo.out"
check "finished in under a minute (${ms} ms)" test "$ms" -lt 60000
check "no secret on screen: seeds only as fingerprints" \
	sh -c "! grep -Eq '[0-9a-f]{64}' '$T/demo.out'"
check_eq "nothing left behind" "" "$(leftovers)"
check_eq "the host namespace's firewall is untouched" "$fw0" "$(host_fw)"
[ "$rc" = 0 ] || sed 's/^/# /' "$T/demo.out"

# Ctrl-C in the middle (after the login, during step 4's timeout): exit 130, all cleaned.
# (a background job of a script starts with SIGINT ignored; a terminal's job does not)
setsid env --default-signal=INT "$DEMO" --no-install --no-build >"$T/int.out" 2>&1 &
dpid=$!
at_exit "kill -9 -- -$dpid"
if wait_for 60 grep -q '^4\. ' "$T/int.out"; then
	sleep 1
	kill -INT -- -"$dpid"
fi
wait_for 20 sh -c "! kill -0 $dpid"
wait "$dpid"; rc=$?
check_eq "interrupted demo exits 130" 130 "$rc"
check "interrupted demo says it cleans up" grep -q 'interrupted, cleaning up' "$T/int.out"
check_eq "interrupted demo left nothing behind" "" "$(leftovers)"

# A spa-knock that never knocks (a copy of the build with it swapped): the
# login and the rotation fail, the demo says so and exits 1.
F=$T/fakebuild
mkdir -p "$F/spa-knock"
ln -s "$SPA_BUILD/spad" "$F/spad"
ln -s "$SPA_BUILD/pam_spa" "$F/pam_spa"
printf '#!/bin/sh\necho "fake spa-knock: no knock" >&2\nexit 5\n' >"$F/spa-knock/spa-knock"
chmod 755 "$F/spa-knock/spa-knock"
SPA_BUILD=$F timeout -k 5 150 "$DEMO" --no-install --no-build >"$T/fail.out" 2>&1
rc=$?
check_eq "demo without a working knock exits 1" 1 "$rc"
check "it reports step 2 (login) as failed" grep -q '==> FAILED step 2:' "$T/fail.out"
check "it reports step 3 (rotation) as failed" grep -q '==> FAILED step 3:' "$T/fail.out"
check "step 1 (door shut) still passes" grep -q '==> OK step 1:' "$T/fail.out"
check_eq "failed demo left nothing behind" "" "$(leftovers)"
finish
