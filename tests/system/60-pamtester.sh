#!/usr/bin/env bash
# 60-pamtester.sh - the built pam_spa.so under the real libpam, driven by
# pamtester through PAM service files of its own in /etc/pam.d (removed on
# exit), asking a running spad (nftables, SQLite, in a network namespace)
# about grants made by a real knock and by `spa-admin allow`.  A small fake
# control server remains only for what spad never sends: a garbage answer.
. "$(dirname "$0")/lib.sh"

MOD="$SPA_BUILD/pam_spa/.libs/pam_spa.so"
A=$SPA_BUILD/spad/spa-admin
D=$SPA_BUILD/spad/spad
TK=$SPA_BUILD/spad/spad-testknock
if [ ! -f "$MOD" ] || ! command -v pamtester >/dev/null || ! command -v python3 >/dev/null; then
	skip_nok "pam_spa under pamtester" "needs $MOD, pamtester and python3"
	finish
fi
for b in "$A" "$D" "$TK"; do [ -x "$b" ] || { nok "binary $b built"; finish; }; done
SOCK="$T/ctl.sock"
SVC="spa-test60-$$"

# --- spad in a server namespace, a client namespace that knocks -------------------
S=spaE60s C=spaE60c SA=10.220.60.1 CA=10.220.60.2 SA6=fd22:60::1 CA6=fd22:60::2
ns_add $S; ns_add $C
veth_pair $C e60c $CA/24 $S e60s $SA/24
ip -n $C addr add $CA6/64 dev e60c nodad
ip -n $S addr add $SA6/64 dev e60s nodad
wait_for 5 in_ns $C ping -c1 -W1 $SA
umask 077
cat >"$T/spad.conf" <<EOF
interface = e60s
firewall = nftables
fw_label = spaE60
block_all = no
protect = tcp/22
open_timeout = 30
store = sqlite
db_path = $T/spad.db
server_key = $T/server.key
control_socket = $SOCK
pid_file = $T/spad.pid
EOF
adm() { "$A" -c "$T/spad.conf" --sql-dir "$SPA_SRC/sql" "$@"; }
SEED=$(openssl rand -hex 32)
check "spa-admin init" adm init
check "spa-admin add c60: users alice and bob" sh -c "echo pw60 | '$A' -c '$T/spad.conf' add --aid c60 \
	--seed $SEED --user alice,bob --ports tcp/22 --password-stdin"
bg_start spad ip netns exec $S "$D" -f -c "$T/spad.conf"
SPAD_PID=$BG_PID
check "spad answers on its control socket" wait_for 10 adm status
# the knock: c60 asks for port 22 from source port 40000
check "a real knock from $CA, source port 40000" in_ns $C "$TK" --to $SA --aid c60 --password pw60 \
	--seed $SEED --counter 1 --port 22 --sport 40000
check "spad made the grant" wait_for 3 sh -c "'$A' -S '$SOCK' grants | grep -q '^c60 *$CA:40000 *tcp/22 *alice,bob '"
check "an IPv6 grant through spa-admin allow (users from the store)" \
	adm allow c60 $CA6 tcp/22 --sport 40000 --timeout 60
requests() { adm status | sed -n 's/^ctl_requests = //p'; }

# --- PAM service files --------------------------------------------------------------
# svc NAME ARGS...: /etc/pam.d/NAME using the built module by absolute path in
# account and auth; pam_permit after it, so a PAM_IGNORE (console) ends in success.
svc() {
	local name=$1; shift
	at_exit "rm -f '/etc/pam.d/$name'"
	cat >"/etc/pam.d/$name" <<EOF
# spa system test 60 (temporary)
auth     required $MOD $*
auth     required pam_permit.so
account  required $MOD $*
account  required pam_permit.so
EOF
}
svc "$SVC" "socket=$SOCK grace=60"
svc "$SVC-strict" "socket=$SOCK strict"
svc "$SVC-typo" "socket=$SOCK gracee=60"
svc "$SVC-gone" "socket=$T/nothing-here.sock"
svc "$SVC-grace" "socket=$SOCK grace=2"

CONN="$CA 40000 $SA 22"
# pt SERVICE USER OP [pamtester options...]
pt() { local s=$1 u=$2 op=$3; shift 3; pamtester "$@" "$s" "$u" "$op"; }
ssh_login() { pt "$1" "$2" "$3" -I rhost="${4%% *}" -E "SSH_CONNECTION=$4"; }

check "account: alice through the grant is allowed" ssh_login "$SVC" alice acct_mgmt "$CONN"
check "auth: alice through the grant is allowed" ssh_login "$SVC" alice authenticate "$CONN"
check "spad answered ok for the 4-tuple and user" \
	grep -q "event=check result=ok aid=c60 user=alice rhost=$CA rport=40000 lport=22" "$T/spad.out"
check "account: bob (also allowed by the grant) is allowed" ssh_login "$SVC" bob acct_mgmt "$CONN"
check_fail "account: mallory (not in the grant's users) is refused" ssh_login "$SVC" mallory acct_mgmt "$CONN"
check_fail "auth: mallory is refused" ssh_login "$SVC" mallory authenticate "$CONN"
check "spad said wrong_user for mallory" \
	grep -q "event=check result=deny reason=wrong_user aid=c60 user=mallory rhost=$CA" "$T/spad.out"
check_fail "account: a neighbour's source port is refused" \
	ssh_login "$SVC" alice acct_mgmt "$CA 40001 $SA 22"
check "spad said no_grant for the neighbour's port" \
	grep -q "event=check result=deny reason=no_grant user=alice rhost=$CA rport=40001 lport=22" "$T/spad.out"
check_fail "account: another address is refused" \
	ssh_login "$SVC" alice acct_mgmt "10.220.60.3 40000 $SA 22"
check_fail "account: another local port is refused" \
	ssh_login "$SVC" alice acct_mgmt "$CA 40000 $SA 2222"
check "account: IPv6 through the grant is allowed" \
	ssh_login "$SVC" alice acct_mgmt "$CA6 40000 $SA6 22"
check_fail "account: PAM_RHOST disagreeing with SSH_CONNECTION is refused" \
	pt "$SVC" alice acct_mgmt -I rhost=10.220.60.9 -E "SSH_CONNECTION=$CONN"
check_fail "account: PAM_RHOST without SSH_CONNECTION is refused" \
	pt "$SVC" alice acct_mgmt -I rhost=$CA
check_fail "account: malformed SSH_CONNECTION is refused" \
	ssh_login "$SVC" alice acct_mgmt "$CA 40000 $SA"
n=$(requests)
check "account: console login (no remote host) is ignored, the stack decides" pt "$SVC" alice acct_mgmt
check_eq "console login did not ask spad (only the status calls)" "$((n + 1))" "$(requests)"
check_fail "account: console login with strict is refused" pt "$SVC-strict" alice acct_mgmt
check_fail "account: a typo in the options refuses even a granted login" \
	ssh_login "$SVC-typo" alice acct_mgmt "$CONN"
check_fail "account: spad unreachable refuses" ssh_login "$SVC-gone" alice acct_mgmt "$CONN"
check_fail "auth: spad unreachable refuses" ssh_login "$SVC-gone" alice authenticate "$CONN"

CONN2="$CA 40002 $SA 22"
in_ns $C "$TK" --to $SA --aid c60 --password pw60 --seed $SEED --counter 2 --port 22 --sport 40002
wait_for 3 sh -c "'$A' -S '$SOCK' grants | grep -q '^c60 *$CA:40002 '"
check "account: alice within grace=2 of a fresh knock is allowed" ssh_login "$SVC-grace" alice acct_mgmt "$CONN2"
sleep 3
check_fail "account: the same login after grace=2 is refused" ssh_login "$SVC-grace" alice acct_mgmt "$CONN2"
check "spad said the knock is too old (expired)" \
	grep -q "event=check result=deny reason=expired aid=c60 user=alice rhost=$CA" "$T/spad.out"
check "account: with grace=60 the same login still passes" ssh_login "$SVC" alice acct_mgmt "$CONN"
kill "$SPAD_PID"; wait "$SPAD_PID" 2>/dev/null
check_fail "account: spad stopped refuses" ssh_login "$SVC" alice acct_mgmt "$CONN"

# --- what spad never sends: a fake that answers garbage -------------------------
cat >"$T/fakespad.py" <<'EOF'
import socket, sys
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sys.argv[1]); srv.listen(8)
while True:
    c, _ = srv.accept()
    try:
        c.recv(65536)
        c.sendall(b"\x00\x00\x00\x04OK\r\n")
    except OSError:
        pass
    c.close()
EOF
rm -f "$SOCK"
bg_start fakespad python3 "$T/fakespad.py" "$SOCK"
check "fake (garbage) control server listens" wait_for 5 test -S "$SOCK"
check_fail "account: a malformed answer from spad refuses" ssh_login "$SVC" alice acct_mgmt "$CONN"

# The module exports only the PAM entry points and needs neither a DB client nor pcap nor crypto.
check_eq "pam_spa.so exports only pam_sm_*" "pam_sm_acct_mgmt pam_sm_authenticate pam_sm_setcred" \
	"$(nm -D --defined-only "$MOD" | awk '{print $3}' | sort | xargs)"
check_fail "pam_spa.so links no libmariadb, libpcap or libcrypto" \
	sh -c "readelf -d '$MOD' | grep NEEDED | grep -E 'mariadb|pcap|crypto'"
finish
