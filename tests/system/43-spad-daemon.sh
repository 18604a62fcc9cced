#!/usr/bin/env bash
# spad as a daemon (capturing on "any": the Linux cooked header): --version,
# --help, -t, runs as `user` with only
# CAP_NET_ADMIN and CAP_NET_RAW, not dumpable, pid file, a knock still works
# after the drop, SIGTERM removes its rules.
# spa-wrap: yes
. "$(dirname "$0")/lib.sh"
SB=$SPA_BUILD/spad
S=spaDs3 C=spaDc3 SA=10.77.3.1 CA=10.77.3.2
check "spad --version" sh -c "'$SB/spad' --version | grep -q '^spad '"
check "spad --help" sh -c "'$SB/spad' --help | grep -q -- '-t'"
check_fail "spad rejects an unknown option" "$SB/spad" --bogus
check_fail "spad -t fails on a missing file" "$SB/spad" -t -c "$T/nonexistent.conf"
ns_add $S
ns_add $C
veth_pair $C vD3c $CA/24 $S vD3s $SA/24
mkdir -p "$T/db"
cat >"$T/spad.conf" <<EOF
interface = any
firewall = nftables
fw_label = spadt3
protect = tcp/22
open_timeout = 10
store = sqlite
db_path = $T/db/spad.db
server_key = $T/server.key
control_socket = $T/ctl.sock
pid_file = $T/run/spad.pid
user = nobody
EOF
"$SB/spa-admin" -c "$T/spad.conf" --sql-dir "$SPA_SRC/sql" init >>"$T/log" 2>&1
SEED=$(openssl rand -hex 32)
echo pw | "$SB/spa-admin" -c "$T/spad.conf" add --aid carol --seed $SEED --user carol --ports tcp/22 --password-stdin >>"$T/log" 2>&1
chown -R nobody "$T/db"
bg_start spad ip netns exec $S "$SB/spad" -f -c "$T/spad.conf"
PID=$BG_PID
# gone PID: spad exited (a zombie until this shell reaps it counts as gone)
gone() { ! kill -0 "$1" 2>/dev/null || grep -q '^State:[[:space:]]*Z' "/proc/$1/status"; }
# spad drops privileges after it made the control socket and the pid file:
# wait for the drop itself (slow under ASan and valgrind), then check it
wait_for $((10 * SPA_SLOW)) test -S "$T/ctl.sock"
wait_for $((10 * SPA_SLOW)) grep -q '^Uid:[[:space:]]*65534' "/proc/$PID/status"
check_eq "pid file holds spad's pid" "$PID" "$(cat "$T/run/spad.pid" 2>/dev/null)"
check_eq "the missing pid file directory is created for the user" nobody "$(stat -c %U "$T/run" 2>/dev/null)"
check_eq "runs as nobody" 65534 "$(awk '/^Uid:/ {print $2}' /proc/$PID/status)"
# The kernel gives a non-dumpable process's /proc files to root: spad runs as
# nobody, so root-owned means PR_SET_DUMPABLE 0 (no core of its seeds and keys).
check_eq "not dumpable (its /proc entries stay root's)" root "$(stat -c %U /proc/$PID/status)"
check_eq "keeps only CAP_NET_ADMIN and CAP_NET_RAW" 0000000000003000 "$(awk '/^CapEff:/ {print $2}' /proc/$PID/status)"
check_eq "permitted set the same" 0000000000003000 "$(awk '/^CapPrm:/ {print $2}' /proc/$PID/status)"
check "its table is installed" ip netns exec $S nft list table inet spadt3
ip netns exec $C "$SB/spad-testknock" --seed $SEED --aid carol --password pw --counter 1 --port 22 --sport 6000 --to $SA
check "a knock after the privilege drop is granted" \
	wait_for $((5 * SPA_SLOW)) sh -c "ip netns exec $S nft list set inet spadt3 g4 | grep -q 6000"
kill -TERM $PID
wait_for $((5 * SPA_SLOW)) gone $PID
check_fail "SIGTERM: spad's table is gone" ip netns exec $S nft list table inet spadt3
check "SIGTERM: spad (as nobody) removed its pid file" test ! -e "$T/run/spad.pid"
# a pid file in a directory the user does not own (systemd's RuntimeDirectory
# is root's): spad cannot remove it as nobody, so it empties it
sed -i "s|^pid_file = .*|pid_file = $T/spad.pid|" "$T/spad.conf"
bg_start spad2 ip netns exec $S "$SB/spad" -f -c "$T/spad.conf"
PID=$BG_PID
wait_for $((10 * SPA_SLOW)) test -s "$T/spad.pid"
check_eq "pid file in a root-owned directory holds spad's pid" "$PID" "$(cat "$T/spad.pid" 2>/dev/null)"
# SIGTERM before the drop would find root able to remove the file
wait_for $((10 * SPA_SLOW)) grep -q '^Uid:[[:space:]]*65534' "/proc/$PID/status"
kill -TERM $PID
wait_for $((5 * SPA_SLOW)) gone $PID
check_eq "SIGTERM: that pid file is left empty (no stale pid)" "" "$(cat "$T/spad.pid" 2>/dev/null)"
finish
