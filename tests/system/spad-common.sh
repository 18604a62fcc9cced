# tests/system/spad-common.sh - spad's system tests, sourced by
# 41-spad-nftables.sh, 42-spad-iptables.sh and 45-spad-mariadb-*.sh with FW
# (the backend), N (a digit keeping their namespaces apart) and optionally
# STORE (sqlite, the default, or mariadb: the throwaway server of
# services.sh) set.  A client and a server network namespace joined by a
# veth pair; spad runs in the server namespace; spad-testknock builds knocks
# of every kind in the client one.
. "$(dirname "$0")/lib.sh"
STORE=${STORE:-sqlite}
if [ "$STORE" = mariadb ]; then
	SOCK=${SPA_MARIADB_SOCKET:-}
	if [ -z "$SOCK" ] || [ ! -S "$SOCK" ]; then
		skip_nok "spad with the MariaDB store" "no test MariaDB server (services_start failed?)"
		finish
	fi
	DBNAME=spa_test_spad$N
	mariadb --no-defaults --socket="$SOCK" -uroot -e "DROP DATABASE IF EXISTS $DBNAME; CREATE DATABASE $DBNAME"
	at_exit "mariadb --no-defaults --socket='$SOCK' -uroot -e 'DROP DATABASE IF EXISTS $DBNAME'"
	STORE_CONF="store = mariadb
db_socket = $SOCK
db_user = spa_test
db_password_file = ${SPA_MARIADB_PWFILE:-$(dirname "$SOCK")/pw}
db_name = $DBNAME"
else
	STORE_CONF="store = sqlite
db_path = $T/spad.db"
fi

SB=$SPA_BUILD/spad
S=spaDs$N C=spaDc$N
SA=10.77.$N.1 CA=10.77.$N.2 CA2=10.77.$N.3 ALLOWED=10.77.$N.4
# TIMEOUT: long enough for the checks between knock and connect under load;
# they run our programs (spad-testctl, spad-testknock), SPA_SLOW times slower
# under ASan and valgrind.  SETTLE: how long spad takes to act on a knock.
PORT=22 OTHER=2222 TIMEOUT=$((10 + 2 * (SPA_SLOW - 1)))
SETTLE=$(awk -v s="$SPA_SLOW" 'BEGIN { print 0.3 * s }')
CNT=0

for b in spad spa-admin spad-testknock spad-testctl; do
	[ -x "$SB/$b" ] || { nok "binary $b built"; finish; }
done

ns_add $S
ns_add $C
veth_pair $C vD${N}c $CA/24 $S vD${N}s $SA/24
ip -n $C addr add $CA2/24 dev vD${N}c
ip -n $C addr add $ALLOWED/24 dev vD${N}c
wait_for 5 in_ns $C ping -c1 -W1 $SA

# an echo server on PORT and OTHER: greets with "hi", then echoes one line per read
cat >"$T/echo.py" <<'EOF'
import socket, sys, threading
def client(c):
    try:
        c.sendall(b"hi\n")
        while True:
            d = c.recv(100)
            if not d:
                break
            c.sendall(d)
    except OSError:
        pass
    c.close()
def serve(addr, p):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, p)); s.listen(64)
    while True:
        c, _ = s.accept()
        threading.Thread(target=client, args=(c,), daemon=True).start()
ts = [threading.Thread(target=serve, args=(sys.argv[1], int(p)), daemon=True) for p in sys.argv[2:]]
for t in ts: t.start()
for t in ts: t.join()
EOF
# conn.py HOST PORT SRCADDR SPORT [HOLD]: prints open/closed; HOLD: keep the
# connection HOLD seconds, then prove it still carries data (prints alive/dead)
cat >"$T/conn.py" <<'EOF'
import socket, sys, time
host, port, src, sport = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
hold = float(sys.argv[5]) if len(sys.argv) > 5 else 0
s = socket.socket(); s.settimeout(0.6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind((src, sport)); s.connect((host, port))
    ok = s.recv(3) == b"hi\n"
except OSError:
    ok = False
print("open" if ok else "closed", flush=True)
if ok and hold:
    time.sleep(hold)
    try:
        s.sendall(b"ping\n"); s.settimeout(2)
        print("alive" if s.recv(5) == b"ping\n" else "dead")
    except OSError:
        print("dead")
EOF
bg_start echo in_ns $S python3 "$T/echo.py" 0.0.0.0 $PORT $OTHER
ECHO_PID=$BG_PID
wait_for 5 in_ns $S python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1)"

# conn PORT SPORT [SRC]: "open" or "closed" from the client namespace
conn() { in_ns $C python3 "$T/conn.py" $SA "$1" "${3:-$CA}" "$2" 2>/dev/null | head -1; }
# knock ARGS...: one knock as alice (override with --aid/--password/--seed) with the next counter
knock() { CNT=$((CNT + 1)); in_ns $C "$SB/spad-testknock" --to $SA --counter $CNT "$@"; sleep $SETTLE; }
ctl() { in_ns $S "$SB/spad-testctl" "$T/ctl.sock" "$@"; }
counter() { ctl status | awk -F= -v k="$1" '$1 == k {print $2}'; }
seed() { openssl rand -hex 32; }

write_conf() { # write_conf BLOCK_ALL
	cat >"$T/spad.conf" <<EOF
interface = vD${N}s
firewall = $FW
fw_label = spadt$N
block_all = $1
allowed_ips = $ALLOWED/32
protect = tcp/$PORT
open_timeout = $TIMEOUT
$STORE_CONF
server_key = $T/server.key
control_socket = $T/ctl.sock
pid_file = $T/spad.pid
EOF
}
SPAD_PID= STARTS=0
start_spad() {
	# ip netns exec execs spad: $BG_PID is spad itself, signals reach it
	bg_start spad$((++STARTS)) ip netns exec $S "$SB/spad" -f -c "$T/spad.conf"
	SPAD_PID=$BG_PID
	wait_for $((10 * SPA_SLOW)) ctl status
}
stop_spad() { kill "$SPAD_PID" 2>/dev/null; wait "$SPAD_PID" 2>/dev/null; SPAD_PID=; }
at_exit 'cat "$T"/spad*.out >&2'

write_conf yes
check "spad -t accepts the config" "$SB/spad" -t -c "$T/spad.conf"
echo "firewall = bogus" >>"$T/spad.conf"
out=$("$SB/spad" -t -c "$T/spad.conf" 2>&1); rc=$?
check_eq "spad -t refuses a bad config with status 1" 1 "$rc"
case "$out" in *spad.conf:*) ok "the error names file:line";; *) nok "the error names file:line ($out)";; esac
write_conf yes
admin() { "$SB/spa-admin" -c "$T/spad.conf" --sql-dir "$SPA_SRC/sql" "$@"; }
check "spa-admin init: key and schema" admin init
S1=$(seed)
check "spa-admin add alice" sh -c "echo pw-alice | \"$SB/spa-admin\" -c '$T/spad.conf' add --aid alice --seed $S1 --user alice --ports tcp/$PORT --password-stdin"
SB1=$(seed)
check "spa-admin add bob (disabled)" sh -c "echo pw-bob | \"$SB/spa-admin\" -c '$T/spad.conf' add --aid bob --seed $SB1 --user bob --ports tcp/$PORT --disabled --password-stdin"
out=$(admin disable bob 2>&1); rc=$?
check_eq "spa-admin without a running spad: silent" "0 " "$rc $out"
out=$(admin -v disable bob 2>&1)
case "$out" in *"spad not reached"*) ok "spa-admin -v notes that spad was not reached";;
	*) nok "spa-admin -v notes that spad was not reached ($out)";; esac
start_spad
check "spad is running and answers status" ctl status
A="--aid alice --password pw-alice"

# --- a correct knock opens exactly what it asks -----------------------------
check_eq "closed before any knock" closed "$(conn $PORT 5000)"
knock $A --seed $S1 --port $PORT --sport 5000
check_eq "knock accepted" 1 "$(counter accepted)"
check_eq "not from another address" closed "$(conn $PORT 5000 $CA2)"
check_eq "not from another source port" closed "$(conn $PORT 5001)"
check_eq "not another port" closed "$(conn $OTHER 5000)"
# used: conntrack's NEW event for the first connection through the grant
grant_used() { ip netns exec $S $SB/spad-testctl $T/ctl.sock grants | grep -A8 '^aid=alice$' | grep -m1 '^used='; }
grant_is_used() { case "$(grant_used)" in used=0 | "") return 1 ;; esac; }
check_eq "the grant is not used before a connection" used=0 "$(grant_used)"
check_eq "the requested 4-tuple opens" open "$(conn $PORT 5000)"
check "... and spad saw its first connection: the grant is used" wait_for $((5 * SPA_SLOW)) grant_is_used
if [ "$FW" = nftables ]; then
	# (before the refused SYN below, which ends its TIME_WAIT entry; that
	# knocks make no entry is checked in 46: here block_all drops them anyway)
	check "conntrack holds the granted connection" \
		ip netns exec $S grep -q "sport=5000 dport=$PORT " /proc/net/nf_conntrack
fi
check_eq "a second connection is refused" closed "$(conn $PORT 5000)"
out=$(ctl check user=alice rhost=$CA rport=5000 lport=$PORT)
check_eq "control check: the login is covered" ok "$(echo "$out" | head -1)"
out=$(ctl check user=mallory rhost=$CA rport=5000 lport=$PORT)
check_eq "control check: another user is refused" "deny reason=wrong_user" "$(echo $out | cut -d' ' -f1-2)"
out=$(ctl check user=alice rhost=$CA2 rport=5000 lport=$PORT)
check_eq "control check: no grant from elsewhere" "deny reason=no_grant" "$(echo $out)"
check "control grants lists the grant" sh -c "in_ns() { ip netns exec \"\$@\"; }; ip netns exec $S $SB/spad-testctl $T/ctl.sock grants | grep -q aid=alice"

# --- knocks that must open nothing ------------------------------------------
knock --aid alice --password wrong --seed $S1 --port $PORT --sport 5002
check_eq "wrong password: counted" 1 "$(counter password)"
check_eq "wrong password: nothing opens" closed "$(conn $PORT 5002)"
knock $A --seed $(seed) --port $PORT --sport 5003
check_eq "wrong seed: counted as unknown key" 1 "$(counter unknown_key)"
check_eq "wrong seed: nothing opens" closed "$(conn $PORT 5003)"
knock $A --seed $S1 --port $PORT --sport 5004 --out "$T/replay.bin"
check_eq "recorded knock opens" open "$(conn $PORT 5004)"
in_ns $C "$SB/spad-testknock" --replay "$T/replay.bin" --to $SA; sleep $SETTLE
check_eq "replayed datagram: nothing opens" closed "$(conn $PORT 5004)"
check_eq "replayed datagram: counted" 1 "$(counter counter)"
knock $A --seed $S1 --port $PORT --sport 5005 --age 1000
check_eq "stale timestamp: nothing opens" closed "$(conn $PORT 5005)"
check_eq "stale timestamp: counted" 1 "$(counter stale)"
knock $A --seed $S1 --port $OTHER --sport 5006
check_eq "disallowed port: nothing opens" closed "$(conn $OTHER 5006)"
check_eq "disallowed port: counted" 1 "$(counter port)"
knock $A --seed $S1 --port $PORT --sport 5007 --ip $CA2
check_eq "forged address: nothing opens for it" closed "$(conn $PORT 5007 $CA2)"
check_eq "forged address: counted" 1 "$(counter address)"
knock --aid bob --password pw-bob --seed $SB1 --port $PORT --sport 5008
check_eq "disabled client: nothing opens" closed "$(conn $PORT 5008)"

# --- seeds ---------------------------------------------------------------------
S2=$(seed); S3=$(seed); S4=$(seed)
knock $A --seed $S1 --new-seed $S2 --port $PORT --sport 5010
check_eq "knock with a new seed opens" open "$(conn $PORT 5010)"
knock $A --seed $S2 --port $PORT --sport 5011
check_eq "the new seed works" open "$(conn $PORT 5011)"
knock $A --seed $S1 --port $PORT --sport 5012
check_eq "the previous seed still opens (the client may have missed the rotation)" open "$(conn $PORT 5012)"
knock $A --seed $S2 --new-seed $S3 --port $PORT --sport 5013
check_eq "second rotation opens" open "$(conn $PORT 5013)"
knock $A --seed $S1 --port $PORT --sport 5017
check_eq "a seed two rotations old opens nothing" closed "$(conn $PORT 5017)"
# the client never learned that S3 took: it knocks under S2 (prev_seed) again
knock $A --seed $S2 --new-seed $S4 --port $PORT --sport 5014
check_eq "recovery through prev_seed opens" open "$(conn $PORT 5014)"
knock $A --seed $S4 --port $PORT --sport 5015
check_eq "the seed sent under prev_seed is current" open "$(conn $PORT 5015)"
r0=$(counter reloads)
check "spa-admin use-old-seed" admin use-old-seed alice
check_eq "spa-admin told spad to reload (no SIGHUP)" $((r0 + 1)) "$(counter reloads)"
knock $A --seed $S2 --port $PORT --sport 5018
check_eq "after use-old-seed the old seed opens at once" open "$(conn $PORT 5018)"
check "spa-admin disable alice" admin disable alice
knock $A --seed $S2 --port $PORT --sport 5019
check_eq "a disable reaches spad without SIGHUP: nothing opens" closed "$(conn $PORT 5019)"
out=$(admin enable alice 2>&1); rc=$?
check_eq "spa-admin enable alice: silent" "0 " "$rc $out"
out=$(ctl reload); rc=$?
check_eq "reload through the control socket" "0 ok" "$rc $(echo $out)"
knock $A --seed $S2 --port $PORT --sport 5016
check_eq "after use-old-seed the old seed opens" open "$(conn $PORT 5016)"

# --- lifetime of a grant -------------------------------------------------------
knock $A --seed $S2 --port $PORT --sport 5020
sleep $((TIMEOUT + SPA_SLOW))
check_eq "the door closes after open_timeout" closed "$(conn $PORT 5020)"
knock $A --seed $S2 --port $PORT --sport 5021
out=$(in_ns $C python3 "$T/conn.py" $SA $PORT $CA 5021 $((TIMEOUT + 2)) | tr '\n' ' ')
check_eq "an established connection survives the door closing" "open alive " "$out"
knock $A --seed $S2 --port $PORT --sport 5022
kill -HUP "$SPAD_PID"; sleep $SETTLE; sleep 0.2
check "spad still runs after SIGHUP" kill -0 "$SPAD_PID"
check_eq "SIGHUP keeps grants" open "$(conn $PORT 5022)"
knock $A --seed $S2 --port $PORT --sport 5023
ctl established addr=$CA port=$PORT >/dev/null
check_eq "established (admin) closes the door for NEW" closed "$(conn $PORT 5023)"

# --- block_all: loopback, allowed_ips and established traffic --------------------
check_eq "block_all: another port is closed" closed "$(conn $OTHER 5030)"
check_eq "block_all: allowed_ips get in" open "$(conn $OTHER 5031 $ALLOWED)"
check "block_all: loopback works" in_ns $S python3 -c "import socket; socket.create_connection(('127.0.0.1', $OTHER), 1)"
bg_start cecho in_ns $C python3 "$T/echo.py" $CA 7000
wait_for 5 in_ns $C python3 -c "import socket; socket.create_connection(('$CA', 7000), 1)"
out=$(in_ns $S python3 "$T/conn.py" $CA 7000 $SA 0)
check_eq "block_all: outgoing connections get their answers (established)" open "$out"

# --- crash and restart ------------------------------------------------------------
knock $A --seed $S2 --port $PORT --sport 5040
kill -9 "$SPAD_PID"; wait "$SPAD_PID" 2>/dev/null; SPAD_PID=
check_eq "after kill -9 a port without a grant stays closed" closed "$(conn $PORT 5041)"
sleep $((TIMEOUT + SPA_SLOW))
check_eq "after kill -9 the grant expires: door closed" closed "$(conn $PORT 5040)"
start_spad
knock $A --seed $S2 --port $PORT --sport 5042
check_eq "restart reconciles: a knock opens again" open "$(conn $PORT 5042)"
check_eq "restart reconciles: others still closed" closed "$(conn $OTHER 5043)"

# --- junk flood ----------------------------------------------------------------------
# flood.py DST N SECS [RATE]: N junk datagrams within SECS, at most RATE a
# second (0: as fast as it can)
cat >"$T/flood.py" <<'EOF'
import os, socket, sys, time
dst, n, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
rate = float(sys.argv[4]) if len(sys.argv) > 4 else 0
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
start = time.time()
end = start + secs
for i in range(n):
    if time.time() > end:
        break
    if rate and i % 50 == 0 and start + i / rate > time.time():
        time.sleep(max(0, start + i / rate - time.time()))
    s.sendto(b"\x01" + os.urandom(188), (dst, 62201))
EOF
# Under ASan and valgrind spad is SPA_SLOW times slower: there the flood is
# that much thinner and lasts as long as the five knocks take; every valid
# knock must still open.
before=$(counter unknown_key)
if [ "$SPA_SLOW" -gt 1 ]; then RATE=$((20000 / SPA_SLOW)); else RATE=0; fi
bg_start flood in_ns $C python3 "$T/flood.py" $SA 200000 $((8 * SPA_SLOW)) $RATE
FLOOD=$BG_PID
sleep 1
# opens SPORT: the door the knock from SPORT asked for opens
opens() { [ "$(conn $PORT "$1")" = open ]; }
opened=0
for i in 1 2 3 4 5; do
	knock $A --seed $S2 --port $PORT --sport $((5050 + i))
	wait_for $((1 * SPA_SLOW)) opens $((5050 + i)) && opened=$((opened + 1))
done
if [ "$SPA_SLOW" -gt 1 ]; then
	check "the flood lasted through the knocks" kill -0 $FLOOD
	kill $FLOOD
fi
wait $FLOOD 2>/dev/null
check_eq "every valid knock opens during a junk flood" 5 "$opened"
after=$(counter unknown_key)
check "the junk was seen and counted" test "$after" -gt "$((before + 1000))"

# --- clean stop ------------------------------------------------------------------------
stop_spad
check_eq "after a clean stop spad's rules are gone (block_all lifted)" open "$(conn $OTHER 5060)"
check "the pid file is removed" test ! -e "$T/spad.pid"
finish
