#!/usr/bin/env bash
# spa-wrap: asan
# (not valgrind: there 41, 43, 50 and 51 cover spad, spa-admin and spa-knock, in CI time)
# 44-spad-ipv6: spad over IPv6 with both firewall backends.  A client and a
# server namespace joined by a veth pair with IPv6 (fd00:f::/64) and IPv4
# addresses; a knock sent over IPv6 opens exactly the requested IPv6 tuple
# and nothing else (not another address, source port or port, not the same
# tuple over IPv4, not a second connection), and an IPv6 network in
# allowed_ips gets in under block_all while another IPv6 address does not.
. "$(dirname "$0")/lib.sh"

SB=$SPA_BUILD/spad
for b in spad spa-admin spad-testknock spad-testctl; do
	[ -x "$SB/$b" ] || { nok "binary $b built"; finish; }
done
PORT=22 OTHER=2222 TIMEOUT=10	# long enough for the checks between knock and connect under load
SA=fd00:f::1 CA=fd00:f::2 CA2=fd00:f::3 ALLOWED=fd00:f::4
SA4=10.240.44.1 CA4=10.240.44.2

# conn HOST PORT SRC SPORT: "open" if the echo server greets us within 0.6 s
cat >"$T/conn.py" <<'EOF'
import socket, sys
host, port, src, sport = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
fam = socket.AF_INET6 if ":" in host else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM); s.settimeout(0.6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind((src, sport)); s.connect((host, port))
    ok = s.recv(3) == b"hi\n"
except OSError:
    ok = False
print("open" if ok else "closed")
EOF
cat >"$T/echo.py" <<'EOF'
import socket, sys, threading
def client(c):
    try:
        c.sendall(b"hi\n"); c.recv(100)
    except OSError:
        pass
    c.close()
def serve(p):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::", p)); s.listen(64)
    while True:
        c, _ = s.accept()
        threading.Thread(target=client, args=(c,), daemon=True).start()
ts = [threading.Thread(target=serve, args=(int(p),), daemon=True) for p in sys.argv[1:]]
for t in ts: t.start()
for t in ts: t.join()
EOF

run_backend() { # FW I
	local FW=$1 I=$2 S=spaF4s$2 C=spaF4c$2 CNT=0 SEED out
	local L=spadt6$I
	ns_add $S
	ns_add $C
	veth_pair $C vF4${I}c $CA4/24 $S vF4${I}s $SA4/24
	ip -n $S addr add $SA/64 dev vF4${I}s nodad
	ip -n $C addr add $CA/64 dev vF4${I}c nodad
	# deprecated: never chosen as a source address, usable when bound explicitly
	ip -n $C addr add $CA2/64 dev vF4${I}c nodad preferred_lft 0
	ip -n $C addr add $ALLOWED/64 dev vF4${I}c nodad preferred_lft 0
	wait_for 5 in_ns $C ping -6 -c1 -W1 $SA
	bg_start echo$I in_ns $S python3 "$T/echo.py" $PORT $OTHER
	wait_for 5 in_ns $S python3 -c "import socket; socket.create_connection(('::1', $PORT), 1)"
	conn() { in_ns $C python3 "$T/conn.py" "${3:-$SA}" "$1" "${4:-$CA}" "$2" 2>/dev/null; }
	ctl() { in_ns $S "$SB/spad-testctl" "$T/ctl$I.sock" "$@"; }
	counter() { ctl status | awk -F= -v k="$1" '$1 == k {print $2}'; }

	cat >"$T/spad$I.conf" <<-EOF
	interface = vF4${I}s
	firewall = $FW
	fw_label = $L
	block_all = yes
	allowed_ips = $ALLOWED/128, 10.240.44.250/32
	open_timeout = $TIMEOUT
	store = sqlite
	db_path = $T/spad$I.db
	server_key = $T/server$I.key
	control_socket = $T/ctl$I.sock
	pid_file = $T/spad$I.pid
	EOF
	"$SB/spa-admin" -c "$T/spad$I.conf" --sql-dir "$SPA_SRC/sql" init >>"$T/log" 2>&1
	SEED=$(openssl rand -hex 32)
	echo pw6 | "$SB/spa-admin" -c "$T/spad$I.conf" add --aid dave --seed $SEED --user dave \
		--ports tcp/$PORT --password-stdin >>"$T/log" 2>&1
	bg_start spad$I ip netns exec $S "$SB/spad" -f -c "$T/spad$I.conf"
	local SPAD=$BG_PID
	wait_for 10 ctl status
	knock() { CNT=$((CNT + 1)); in_ns $C "$SB/spad-testknock" --seed $SEED --aid dave --password pw6 \
		--counter $CNT --port $PORT "$@"; sleep 0.4; }

	check_eq "$FW: IPv6 closed before any knock" closed "$(conn $PORT 6000)"
	check_eq "$FW: IPv4 closed before any knock" closed "$(conn $PORT 6000 $SA4 $CA4)"
	knock --sport 6001 --to $SA
	check_eq "$FW: knock over IPv6 accepted" 1 "$(counter accepted)"
	if [ $FW = iptables ]; then
		check "$FW: the grant is a rule in ip6 filter with comment $L:dave" sh -c \
			"ip netns exec $S ip6tables-legacy -S $L | grep -- '-s $CA/128' | grep -q '\"$L:dave\"'"
		check "$FW: no IPv4 rule for it" sh -c "! ip netns exec $S iptables-legacy -S $L | grep -q dave"
	else
		check "$FW: the grant is an element of the IPv6 set" sh -c \
			"ip netns exec $S nft list set inet $L g6 | grep -q 6001"
	fi
	check_eq "$FW: not from another IPv6 address" closed "$(conn $PORT 6001 $SA $CA2)"
	check_eq "$FW: not from another source port" closed "$(conn $PORT 6002)"
	check_eq "$FW: not another port" closed "$(conn $OTHER 6001)"
	check_eq "$FW: not the same tuple over IPv4" closed "$(conn $PORT 6001 $SA4 $CA4)"
	check_eq "$FW: the requested IPv6 tuple opens" open "$(conn $PORT 6001)"
	out=$(ctl check user=dave rhost=$CA rport=6001 lport=$PORT | head -1)
	check_eq "$FW: control check covers the IPv6 login" ok "$out"
	sleep 0.5	# the iptables backend deletes the rule on the conntrack event
	check_eq "$FW: a second IPv6 connection is refused" closed "$(conn $PORT 6001)"
	knock --sport 6003 --to $SA
	sleep $((TIMEOUT + 1))
	check_eq "$FW: the IPv6 grant closes after open_timeout" closed "$(conn $PORT 6003)"
	knock --sport 6004 --to $SA --ip $CA2
	check_eq "$FW: a forged IPv6 address opens nothing" closed "$(conn $PORT 6004 $SA $CA2)"
	check_eq "$FW: IPv6 allowed_ips get in under block_all" open "$(conn $OTHER 6005 $SA $ALLOWED)"
	check_eq "$FW: another IPv6 address does not" closed "$(conn $OTHER 6006 $SA $CA2)"
	check "$FW: IPv6 loopback works" in_ns $S python3 -c "import socket; socket.create_connection(('::1', $OTHER), 1)"
	kill $SPAD; wait $SPAD 2>/dev/null
	check_eq "$FW: after a clean stop IPv6 is open again (rules gone)" open "$(conn $OTHER 6007 $SA $CA2)"
	if [ $FW = iptables ]; then
		check_fail "$FW: the ip6 chain is gone" ip netns exec $S ip6tables-legacy -S $L
	fi
}

run_backend nftables 1
run_backend iptables 2
finish
