#!/usr/bin/env bash
# spa-knock refuses core dumps of its secrets (issue 9, least privilege):
# it makes itself non-dumpable (PR_SET_DUMPABLE 0) and sets its core limit to
# 0 first thing in main, before a credential is read.  Run as nobody and held
# in the password prompt (an askpass program that sleeps), it must show the
# kernel's mark of a non-dumpable process - /proc/PID/* owned by root although
# the process is nobody's, while its askpass child (dumpable again after
# execve) is owned by nobody - and a SIGABRT must leave no core file where a
# plain process run the same way leaves one.  No network is needed: the
# knock never gets past the prompt.
. "$(dirname "$0")/lib.sh"
K=$SPA_BUILD/spa-knock/spa-knock
[ -x "$K" ] || { nok "spa-knock is built"; finish; }
id nobody >/dev/null 2>&1 || { skip_nok "spa-knock is not dumpable" "no user nobody"; finish; }
NG=$(id -gn nobody)
D=$T/home
mkdir -p "$D/.config/spa-knock" "$T/bin"
cp "$K" "$T/bin/spa-knock"		# the build tree may not be readable by nobody
printf '#!/bin/sh\nexec sleep 30\n' >"$T/bin/ask"
chmod 0755 "$T/bin" "$T/bin/spa-knock" "$T/bin/ask"
printf 'server = 192.0.2.1\naid = nodump\nseed = %s\ncounter = 0\n' \
	"$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')" >"$D/.config/spa-knock/gw.cred"
chmod 0600 "$D/.config/spa-knock/gw.cred"
chmod 0700 "$D" "$D/.config" "$D/.config/spa-knock"
chown -R nobody:"$NG" "$D"

# as_nobody CMD...: run CMD as nobody in $D with core dumps allowed (exec: $! is CMD's pid).
as_nobody() {
	cd "$D" && ulimit -c unlimited &&
		exec setpriv --reuid=nobody --regid="$NG" --clear-groups env HOME="$D" "$@"
}

(as_nobody SSH_ASKPASS="$T/bin/ask" SSH_ASKPASS_REQUIRE=force "$T/bin/spa-knock" 192.0.2.1 22 \
	</dev/null >/dev/null 2>"$T/err") &
KP=$!
at_exit "kill -9 $KP; pkill -9 -P $KP"
wait_for 5 pgrep -P $KP sleep
AP=$(pgrep -P $KP sleep | head -1)
at_exit "kill -9 ${AP:-0}"
check_eq "spa-knock runs as nobody, waiting in the askpass prompt" "65534 yes" \
	"$(awk '/^Uid:/ {print $2}' /proc/$KP/status) $([ -n "$AP" ] && echo yes)"
check_eq "spa-knock is not dumpable: /proc/PID/status owned by root" 0 "$(stat -c %u /proc/$KP/status)"
check_eq "its askpass child (dumpable after execve): /proc/PID/status owned by nobody" 65534 "$(stat -c %u /proc/${AP:-0}/status 2>/dev/null)"
check_eq "spa-knock's core limit is 0" "0 0" "$(awk '/^Max core file size/ {print $5, $6}' /proc/$KP/limits)"

# SIGABRT: a plain process run the same way dumps core (when the kernel's
# core_pattern writes a file in the working directory); spa-knock must not.
pat=$(cat /proc/sys/kernel/core_pattern)
(as_nobody sleep 30) &
SP=$!
at_exit "kill -9 $SP"
sleep 0.3
kill -ABRT $SP; wait $SP 2>/dev/null
sleep 0.3
if [ "$(find "$D" -maxdepth 1 -name 'core*' | wc -l)" -ge 1 ] && [ "${pat#|}" = "$pat" ]; then
	ok "control: a plain process killed with SIGABRT leaves a core in its directory"
	rm -f "$D"/core*
	kill -ABRT $KP; wait $KP 2>/dev/null
	sleep 0.3
	check_eq "spa-knock killed with SIGABRT leaves no core" 0 "$(find "$D" -maxdepth 1 -name 'core*' | wc -l)"
else
	ok "control: plain SIGABRT leaves a core # SKIP core_pattern '$pat' writes no file here"
	ok "spa-knock killed with SIGABRT leaves no core # SKIP as above"
fi
rm -f "$D"/core*
finish
