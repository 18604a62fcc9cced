#!/usr/bin/env bash
# 60-pamtester.sh - the built pam_spa.so under the real libpam, driven by
# pamtester through PAM service files of its own in /etc/pam.d (removed on
# exit), asking a control socket that speaks spa_ctl (see lib/spa_ctl.h).
#
# TODO(spad): the control socket here is a small fake spad (python3) with one
# grant: alice and bob from 10.60.0.2:40000 (or [fd60::2]:40000) to port 22.
# Once spad serves its control socket (the "check" verb), switch this test to
# a running spad in a namespace with a real knock, and keep the fake only for
# the answers spad never gives (garbage, silence).
. "$(dirname "$0")/lib.sh"

MOD="$SPA_BUILD/pam_spa/.libs/pam_spa.so"
if [ ! -f "$MOD" ] || ! command -v pamtester >/dev/null || ! command -v python3 >/dev/null; then
	skip_nok "pam_spa under pamtester" "needs $MOD, pamtester and python3"
	finish
fi
SOCK="$T/control.sock"
REQS="$T/requests"
SVC="spa-test60-$$"

# --- fake spad ------------------------------------------------------------------
cat >"$T/fakespad.py" <<'EOF'
import os, socket, struct, sys
path, reqlog, mode = sys.argv[1], sys.argv[2], sys.argv[3]
GRANT_HOSTS = {"10.60.0.2", "fd60::2"}
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(8)
def recv_exact(c, n):
    b = b""
    while len(b) < n:
        x = c.recv(n - len(b))
        if not x:
            raise EOFError
        b += x
    return b
def frame(lines):
    body = "".join(l + "\n" for l in lines).encode()
    return struct.pack(">I", len(body)) + body
while True:
    c, _ = srv.accept()
    try:
        n = struct.unpack(">I", recv_exact(c, 4))[0]
        body = recv_exact(c, n).decode()
        with open(reqlog, "a") as f:
            f.write(body.replace("\n", " ") + "\n")
        lines = body.split("\n")[:-1]
        verb, kv = lines[0], dict(l.split("=", 1) for l in lines[1:])
        if mode == "garbage":
            c.sendall(b"\x00\x00\x00\x04OK\r\n")
        elif verb != "check":
            c.sendall(frame(["error", "reason=unknown_verb"]))
        elif kv.get("rhost") not in GRANT_HOSTS or kv.get("rport") != "40000" or kv.get("lport") != "22":
            c.sendall(frame(["deny", "reason=no_grant"]))
        elif kv.get("user") not in ("alice", "bob"):
            c.sendall(frame(["deny", "reason=wrong_user"]))
        else:
            c.sendall(frame(["ok", "aid=60606060606060606060606060606060"]))
    except Exception:
        pass
    finally:
        c.close()
EOF
start_fake() { # start_fake MODE
	rm -f "$SOCK"
	bg_start fakespad python3 "$T/fakespad.py" "$SOCK" "$REQS" "$1"
	FAKE_PID=$BG_PID
	wait_for 5 test -S "$SOCK"
}
start_fake normal || nok "fake spad listens on $SOCK"

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

CONN="10.60.0.2 40000 10.60.0.1 22"
# pt SERVICE USER OP [pamtester options...]
pt() { local s=$1 u=$2 op=$3; shift 3; pamtester "$@" "$s" "$u" "$op"; }
ssh_login() { pt "$1" "$2" "$3" -I rhost="${4%% *}" -E "SSH_CONNECTION=$4"; }

check "account: alice through the grant is allowed" ssh_login "$SVC" alice acct_mgmt "$CONN"
check "auth: alice through the grant is allowed" ssh_login "$SVC" alice authenticate "$CONN"
check_eq "the request carried the 4-tuple, user and grace" \
	"check user=alice rhost=10.60.0.2 rport=40000 laddr=10.60.0.1 lport=22 grace=60 " \
	"$(head -1 "$REQS")"
check "account: bob (also allowed by the grant) is allowed" ssh_login "$SVC" bob acct_mgmt "$CONN"
check_fail "account: mallory (not in the grant's users) is refused" ssh_login "$SVC" mallory acct_mgmt "$CONN"
check_fail "auth: mallory is refused" ssh_login "$SVC" mallory authenticate "$CONN"
check_fail "account: a neighbour's source port is refused" \
	ssh_login "$SVC" alice acct_mgmt "10.60.0.2 40001 10.60.0.1 22"
check_fail "account: another address is refused" \
	ssh_login "$SVC" alice acct_mgmt "10.60.0.3 40000 10.60.0.1 22"
check_fail "account: another local port is refused" \
	ssh_login "$SVC" alice acct_mgmt "10.60.0.2 40000 10.60.0.1 2222"
check "account: IPv6 through the grant is allowed" \
	ssh_login "$SVC" alice acct_mgmt "fd60::2 40000 fd60::1 22"
check_fail "account: PAM_RHOST disagreeing with SSH_CONNECTION is refused" \
	pt "$SVC" alice acct_mgmt -I rhost=10.60.0.9 -E "SSH_CONNECTION=$CONN"
check_fail "account: PAM_RHOST without SSH_CONNECTION is refused" \
	pt "$SVC" alice acct_mgmt -I rhost=10.60.0.2
check_fail "account: malformed SSH_CONNECTION is refused" \
	ssh_login "$SVC" alice acct_mgmt "10.60.0.2 40000 10.60.0.1"
n=$(wc -l <"$REQS")
check "account: console login (no remote host) is ignored, the stack decides" pt "$SVC" alice acct_mgmt
check_eq "console login did not ask spad" "$n" "$(wc -l <"$REQS")"
check_fail "account: console login with strict is refused" pt "$SVC-strict" alice acct_mgmt
check_fail "account: a typo in the options refuses even a granted login" \
	ssh_login "$SVC-typo" alice acct_mgmt "$CONN"
check_fail "account: spad unreachable refuses" ssh_login "$SVC-gone" alice acct_mgmt "$CONN"
check_fail "auth: spad unreachable refuses" ssh_login "$SVC-gone" alice authenticate "$CONN"

kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null
start_fake garbage || nok "fake spad (garbage) listens"
check_fail "account: a malformed answer from spad refuses" ssh_login "$SVC" alice acct_mgmt "$CONN"

# The module exports only the PAM entry points and needs neither a DB client nor pcap nor crypto.
check_eq "pam_spa.so exports only pam_sm_*" "pam_sm_acct_mgmt pam_sm_authenticate pam_sm_setcred" \
	"$(nm -D --defined-only "$MOD" | awk '{print $3}' | sort | xargs)"
check_fail "pam_spa.so links no libmariadb, libpcap or libcrypto" \
	sh -c "readelf -d '$MOD' | grep NEEDED | grep -E 'mariadb|pcap|crypto'"
finish
