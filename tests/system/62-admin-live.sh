#!/usr/bin/env bash
# spa-wrap: asan
# (not valgrind: there 41, 43, 50 and 51 cover spad, spa-admin and spa-knock, in CI time)
# 62-admin-live.sh - spa-admin's verbs that talk to a running spad over its
# control socket: grants, status, allow, established.  spad (nftables,
# SQLite) in a server namespace, knocks and connects from a client one.
# Also: spad unreachable (no socket, not running, not allowed) is one line
# and exit status 6, and bad input is status 1 before anything is sent.
. "$(dirname "$0")/lib.sh"
A=$SPA_BUILD/spad/spa-admin
D=$SPA_BUILD/spad/spad
TK=$SPA_BUILD/spad/spad-testknock
for b in "$A" "$D" "$TK"; do [ -x "$b" ] || { nok "binary $b built"; finish; }; done

S=spaE62s C=spaE62c SA=10.220.62.1 CA=10.220.62.2 CA2=10.220.62.3 PORT=2262
ns_add $S; ns_add $C
veth_pair $C e62c $CA/24 $S e62s $SA/24
ip -n $C addr add $CA2/24 dev e62c
wait_for 5 in_ns $C ping -c1 -W1 $SA
umask 077
cat >"$T/spad.conf" <<EOF
interface = e62s
firewall = nftables
fw_label = spaE62
block_all = no
protect = tcp/$PORT
open_timeout = 8
store = sqlite
db_path = $T/spad.db
server_key = $T/server.key
control_socket = $T/ctl.sock
pid_file = $T/spad.pid
EOF
adm() { "$A" -c "$T/spad.conf" --sql-dir "$SPA_SRC/sql" "$@"; }
SEED=$(openssl rand -hex 32)
check "spa-admin init" adm init
check "spa-admin add alice62" sh -c "echo pw | '$A' -c '$T/spad.conf' add --aid alice62 --seed $SEED \
	--user u62a,u62b --ports tcp/$PORT --password-stdin"
# a listener on PORT in the server namespace
bg_start listen in_ns $S python3 -c "
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', $PORT)); s.listen(64)
while True:
    c, _ = s.accept(); c.close()"
CNT=0
knock() { CNT=$((CNT + 1)); in_ns $C "$TK" --to $SA --aid alice62 --password pw --seed $SEED \
	--counter $CNT --port $PORT "$@"; sleep 0.3; }
# conn SPORT [SRC]: exit 0 if a connection from SRC:SPORT gets through
conn() { in_ns $C nc -z -w1 -s "${2:-$CA}" -p "$1" $SA $PORT; }

# --- spad not there ----------------------------------------------------------------
for v in grants status "allow alice62 $CA $PORT --users x" "established alice62"; do
	out=$(adm $v 2>&1 >/dev/null); rc=$?
	check_eq "spad not running: '$v' exits 6" 6 "$rc"
	check_eq "spad not running: '$v' says so in one line" 1 "$(echo "$out" | wc -l)"
done
case "$out" in *"not reachable at $T/ctl.sock"*) ok "the line names the socket";;
	*) nok "the line names the socket ($out)";; esac
out=$("$A" -S "$T/none.sock" status 2>&1); rc=$?
check_eq "-S names another socket: exit 6" "6" "$rc"
case "$out" in *"$T/none.sock"*) ok "... and the message names it";; *) nok "... and the message names it ($out)";; esac

bg_start spad ip netns exec $S "$D" -f -c "$T/spad.conf"
SPAD_PID=$BG_PID
check "spad answers status" wait_for 10 adm status

# --- status ---------------------------------------------------------------------------
out=$(adm status); rc=$?
check_eq "status exits 0" 0 "$rc"
check_eq "status: every line is 'name = number' or 'name_state = up|down'" 0 \
	"$(echo "$out" | grep -cvE '^([a-z_]+ = [0-9]+|[a-z_]+_state = (up|down))$')"
check_eq "status: clients = 1" "clients = 1" "$(echo "$out" | grep '^clients = ')"
check_eq "status: accepted = 0" "accepted = 0" "$(echo "$out" | grep '^accepted = ')"
check "status: -S after the verb works too" sh -c "'$A' -c /nonexistent status -S '$T/ctl.sock' | grep -q '^uptime = '"

# --- grants ---------------------------------------------------------------------------
out=$(adm grants); rc=$?
check_eq "grants with none: exit 0, only the header" "0 1" "$rc $(echo "$out" | wc -l)"
check "grants: header names the columns" sh -c "echo '$out' | head -1 | grep -q '^AID  *SOURCE  *PORT  *USERS  *CREATED  *EXPIRES  *USED\$'"
knock --sport 5000
check_eq "status: accepted = 1 after a knock" "accepted = 1" "$(adm status | grep '^accepted = ')"
row=$(adm grants | awk '$1 == "alice62"')
check_eq "grants: the knock's row (aid, source, port, users, not used)" \
	"alice62 $CA:5000 tcp/$PORT u62a,u62b -" "$(echo "$row" | awk '{print $1, $2, $3, $4, $NF}')"
check "the grant opens" conn 5000
used_col() { [ "$(adm grants | awk '$1 == "alice62" && $2 == "'$CA':5000" {print $NF}')" != - ]; }
check "grants: its first connection fills USED (conntrack)" wait_for 5 used_col

# --- allow ------------------------------------------------------------------------------
out=$(adm allow alice62 $CA2 tcp/$PORT --sport 6000 --timeout 5); rc=$?
check_eq "allow: exit 0" 0 "$rc"
check_eq "allow: says what it did" \
	"allowed alice62: tcp/$PORT from $CA2 source port 6000 for 5s, users u62a,u62b" "$out"
check_fail "allow: another source port stays shut" conn 6001 $CA2
check_fail "allow: another address stays shut" conn 6000 $CA
check "allow: the allowed 4-tuple opens" conn 6000 $CA2
check "allow: listed with the client's users from the store" \
	sh -c "'$A' -c '$T/spad.conf' grants | awk '\$1 == \"alice62\" && \$2 == \"$CA2:6000\" && \$4 == \"u62a,u62b\"' | grep -q ."
check "allow: spad logged it" grep -q "event=allow aid=alice62" "$T/spad.out"
out=$(adm allow ghost62 $CA2 $PORT 2>&1); rc=$?
check_eq "allow: an AID not in the store without --users: exit 2" 2 "$rc"
check "allow: any AID with --users, any source port" adm allow ghost62 $CA2 $PORT --users '*' --timeout 5
check "allow: ... opens from any port" conn 6100 $CA2
check "allow: ... listed as port *, users *" \
	sh -c "'$A' -c '$T/spad.conf' grants | awk '\$1 == \"ghost62\" && \$2 == \"$CA2:*\" && \$4 == \"*\"' | grep -q ."
for bad in "alice62 not-an-ip $PORT" "alice62 $CA2 tcp/0" "alice62 $CA2 sctp/22" "alice62 $CA2 $PORT --timeout 0" \
	"alice62 $CA2 $PORT --sport 70000" "bad/aid $CA2 $PORT" "alice62 $CA2" "alice62 0.0.0.0 $PORT"; do
	n=$(adm grants | wc -l)
	adm allow $bad >/dev/null 2>"$T/e"; rc=$?
	check_eq "allow $bad: exit 1, one line, nothing added" "1 1 $n" "$rc $(wc -l <"$T/e") $(adm grants | wc -l)"
done

out=$(in_ns $S "$SPA_BUILD/spad/spad-testctl" "$T/ctl.sock" allow addr=0.0.0.0 port=$PORT proto=tcp timeout=5 | head -1)
check_eq "spad itself refuses allow for 0.0.0.0" error "$out"

# --- established ------------------------------------------------------------------------
# let the grants above run out (open_timeout, --timeout), so the counts below are exact
sleep 8
knock --sport 5100
knock --sport 5101
out=$(adm established alice62 $CA --port $PORT); rc=$?
check_eq "established AID IP: both live grants from $CA" "0 2 grant(s) of alice62 closed for new connections" "$rc $out"
check_fail "established: NEW refused from then on" conn 5100
check_fail "established: also the other one" conn 5101
knock --sport 5200
adm allow alice62 $CA2 $PORT --sport 6200 --timeout 8 >/dev/null
out=$(adm established alice62); rc=$?
check_eq "established AID: every address it holds a live grant from" "0 2 grant(s) of alice62 closed for new connections" "$rc $out"
check_fail "established AID: $CA's grant closed" conn 5200
check_fail "established AID: $CA2's grant closed" conn 6200 $CA2
out=$(adm established alice62 $CA 2>&1); rc=$?
check_eq "established again at once: nothing live from $CA any more, exit 2" 2 "$rc"
out=$(adm established alice62 2>&1); rc=$?
check_eq "established with nothing live: exit 2" 2 "$rc"
check "established with nothing live: says so" sh -c "echo '$out' | grep -q 'no live grant for alice62'"
out=$(adm established alice62 $CA2 2>&1); rc=$?
check_eq "established AID IP with nothing live: exit 2" 2 "$rc"
adm established alice62 not-an-ip >/dev/null 2>&1; rc=$?
check_eq "established with a bad address: exit 1" 1 "$rc"

# --- who may ask --------------------------------------------------------------------------
if getent passwd nobody >/dev/null && command -v setpriv >/dev/null; then
	out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$A" -S "$T/ctl.sock" status 2>&1); rc=$?
	check_eq "a user neither root nor in group spad: exit 6" 6 "$rc"
	check_eq "... with one line" 1 "$(echo "$out" | wc -l)"
else
	skip_nok "control socket refuses other users" "needs user nobody and setpriv"
fi

# --- spad gone ----------------------------------------------------------------------------
[ "$_spa_fail" = 0 ] || sed 's/^/# /' "$T/spad.out"
kill "$SPAD_PID"; wait "$SPAD_PID" 2>/dev/null
adm grants >/dev/null 2>&1; rc=$?
check_eq "spad stopped: grants exits 6" 6 "$rc"
finish
