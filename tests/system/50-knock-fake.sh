#!/usr/bin/env bash
# spa-knock against tests/fake-spad (a stand-in server that decodes every
# datagram with spa_pkt_open and applies the seed/prev_seed rules): the
# ProxyCommand relay with half-close, counters and seed rotation, a lost
# knock, a lost connect after the server rotated, two concurrent knocks on one
# credential, IPv6, --allow-ip, --check, --local-ip, --public-ip, and every
# bad-input case with its exit status and an untouched credential file.
# spa-wrap: yes
. "$(dirname "$0")/lib.sh"
K=$SPA_BUILD/spa-knock/spa-knock
F=$SPA_BUILD/tests/fake-spad
[ -x "$F" ] || (cd "$SPA_BUILD/tests" && make fake-spad >/dev/null 2>&1)
C=spaK50c; S=spaK50s
ns_add $C; ns_add $S
veth_pair $C k50c 10.250.0.1/24 $S k50s 10.250.0.2/24
ip -n $C addr add fd50::1/64 dev k50c nodad
ip -n $S addr add fd50::2/64 dev k50s nodad

cred=$T/gw.cred
umask 077
cat >"$cred" <<EOF
# as written by spa-admin export
server = 10.250.0.2
spa_port = 62201
aid = 0123456789abcdef0123456789abcdef
seed = $($K --generate-seed)
counter = 41
EOF
chmod 600 "$cred"
printf '#!/bin/sh\necho sesame\n' >"$T/askpass"; chmod 755 "$T/askpass"
export SSH_ASKPASS=$T/askpass SSH_ASKPASS_REQUIRE=force
key() { sed -n "s/^$1 = //p" "$2"; }
# the seeds and passwords this test uses, for 99-no-secrets.sh
secret "$(key seed "$cred")"; secret_password sesame "$(key aid "$cred")"
cred_secrets() { local f; for f in seed pending_seed prev_seed password_key; do secret "$(key $f "$1")"; done; }
start_fake() { # start_fake [--drop N] [--hold N]
	[ -n "${FAKE_PID:-}" ] && { kill "$FAKE_PID"; wait "$FAKE_PID" 2>/dev/null; }
	# ip netns exec execs the server, so $BG_PID is the server itself.
	bg_start fake ip netns exec $S "$F" -c "$cred" -w sesame -p 2222 -s "$T/state" "$@"
	FAKE_PID=$BG_PID
	wait_for $((5 * SPA_SLOW)) grep -q ready "$T/fake.out"
}
# Under ASan and valgrind (SPA_SLOW) both ends are slower: the default deadline
# and connect window scale with them (else slow knocks would re-knock)
KO=; [ "$SPA_SLOW" -eq 1 ] || KO="-t $((20 * SPA_SLOW)) --window $((3000 * SPA_SLOW))"
knock() { in_ns $C setsid "$K" $KO "$@"; }
synced() { # the client's committed seed is the server's seed
	[ "$(key seed "$cred")" = "$(cut -d' ' -f1 "$T/state")" ]
}

rm -f "$T/state"
start_fake
seed0=$(key seed "$cred")
out=$(echo ping | knock -c "$cred" 10.250.0.2 2222 2>"$T/err"); rc=$?
check_eq "ProxyCommand relay: banner, echo through half-close, exit 0" "hello 42/ping/0" "$(echo "$out" | paste -sd/)/$rc"
check_eq "counter 41 -> 42 saved" 42 "$(key counter "$cred")"
check "seed rotated and committed, server agrees" synced
check_eq "prev_seed is the replaced seed" "$seed0" "$(key prev_seed "$cred")"
check_fail "no pending seed left" grep -q pending_seed "$cred"
check_eq "credential still 0600" 600 "$(stat -c %a "$cred")"
check "knock named the TCP source port" grep -q "connected from port" "$T/fake.out"

# Ten logins, the seed rotating each time.
seeds=""; fails=0
for i in $(seq 1 10); do
	echo x | knock -c "$cred" 10.250.0.2 2222 >/dev/null 2>>"$T/err" || fails=$((fails + 1))
	seeds="$seeds $(key seed "$cred")"
done
check_eq "ten logins succeed" 0 "$fails"
check_eq "ten distinct seeds" 10 "$(echo $seeds | tr ' ' '\n' | sort -u | wc -l)"
check "still in sync after ten rotations" synced
check_eq "counter 52 after eleven logins" 52 "$(key counter "$cred")"

# A knock lost on the way: the client re-knocks with a new counter.
start_fake --drop 1
out=$(echo x | knock -c "$cred" -t $((15 * SPA_SLOW)) --window $((1000 * SPA_SLOW)) 10.250.0.2 2222 2>>"$T/err")
check_eq "lost knock: login after a re-knock" "hello 54" "$(echo "$out" | head -1)"
check "lost knock: in sync" synced

# The server rotated but the door stayed shut (lost connect): the next knock
# goes under the old seed (the server's prev_seed) with the same pending seed.
start_fake --hold 1
out=$(echo x | knock -c "$cred" -t $((15 * SPA_SLOW)) --window $((1000 * SPA_SLOW)) 10.250.0.2 2222 2>>"$T/err")
check_eq "lost connect after rotation: login" "hello 56" "$(echo "$out" | head -1)"
check "second knock went under the server's prev_seed" grep -q "under=prev" "$T/fake.out"
check "lost connect: in sync" synced

# A crash between send and commit: knock accepted, connection lost, then
# killed with the pending seed on disk; the next run recovers.
start_fake --hold 100
echo x | knock -c "$cred" -t $((2 * SPA_SLOW)) --window $((500 * SPA_SLOW)) 10.250.0.2 2222 >/dev/null 2>&1
check "pending seed kept after the door stayed shut" grep -q pending_seed "$cred"
pend=$(key pending_seed "$cred")
start_fake
check_eq "server state was kept across the restart" "$pend" "$(cut -d' ' -f1 "$T/state")"
out=$(echo x | knock -c "$cred" 10.250.0.2 2222 2>>"$T/err")
check "recovered with the same pending seed" test "$(key seed "$cred")" = "$pend"

# Two spa-knock at once on one credential: both get in, no counter twice.
c0=$(key counter "$cred")
( echo a | knock -c "$cred" 10.250.0.2 2222 >"$T/p1" 2>&1 ) & p1=$!
( echo b | knock -c "$cred" 10.250.0.2 2222 >"$T/p2" 2>&1 ) & p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
check_eq "two concurrent logins both succeed" "0 0" "$r1 $r2"
check_eq "counter advanced by exactly two" $((c0 + 2)) "$(key counter "$cred")"
check "in sync after the race" synced
check_eq "no counter accepted twice" "$(grep -c '^accept' "$T/fake.out")" "$(grep '^accept' "$T/fake.out" | cut -d' ' -f2 | sort -u | wc -l)"

# IPv6 and a host name (resolved through a private /etc/hosts), --allow-ip, send mode.
printf '127.0.0.1 localhost\nfd50::2 gw6.test\n' >"$T/hosts"
sed -i 's/^server = .*/server = gw6.test/' "$cred"
out=$(echo x | in_ns $C unshare -m sh -c "mount --bind '$T/hosts' /etc/hosts && exec setsid '$K' -c '$cred' gw6.test 2222" 2>>"$T/err")
check "IPv6 by name: login" sh -c "echo '$out' | grep -q '^hello'"
check "IPv6 by name: the knock came over IPv6 (source address allowed)" grep -q "ip=source" "$T/fake.out"
sed -i 's/^server = .*/server = 10.250.0.2/' "$cred"
check "IPv6: in sync" synced
out=$(echo x | knock -c "$cred" --allow-ip 10.250.0.1 10.250.0.2 2222 2>>"$T/err")
check "--allow-ip goes into the datagram" grep -q "ip=10.250.0.1" "$T/fake.out"
check "send: knock only, exit 0" knock -c "$cred" send 10.250.0.2 2222
check "send: the server accepted it" wait_for $((3 * SPA_SLOW)) sh -c "tail -1 '$T/fake.out' | grep -q ^accept"
echo x | knock -c "$cred" 10.250.0.2 2222 >/dev/null 2>&1
check "after send, a login still syncs" synced

# The other modes.
check_eq "--local-ip names the source toward the server" 10.250.0.1 "$(in_ns $C "$K" --local-ip 10.250.0.2)"
check_eq "--local-ip -c uses the credential's server" 10.250.0.1 "$(in_ns $C "$K" -c "$cred" --local-ip)"
in_ns $S nc -lk 3333 </dev/null >/dev/null 2>&1 &
ncpid=$!; at_exit "kill $ncpid"
wait_for $((3 * SPA_SLOW)) in_ns $C "$K" --check 10.250.0.2 3333
in_ns $C "$K" --check 10.250.0.2 3333 >/dev/null; check_eq "--check open port: exit 0" 0 $?
in_ns $C "$K" --check 10.250.0.2 3334 >/dev/null; check_eq "--check closed port: exit 1" 1 $?
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/k.pem" -out "$T/c.pem" -days 1 \
	-subj /CN=10.250.0.2 -addext subjectAltName=IP:10.250.0.2 >/dev/null 2>&1
cat >"$T/https.py" <<EOF
import http.server, ssl
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        b = (self.client_address[0] + "\n").encode()
        self.send_response(200); self.send_header("Content-Length", str(len(b))); self.end_headers(); self.wfile.write(b)
    def log_message(self, *a): pass
s = http.server.HTTPServer(("10.250.0.2", 8443), H)
c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); c.load_cert_chain("$T/c.pem", "$T/k.pem")
s.socket = c.wrap_socket(s.socket, server_side=True)
s.serve_forever()
EOF
bg_start https in_ns $S python3 "$T/https.py"
wait_for $((5 * SPA_SLOW)) in_ns $C "$K" --check 10.250.0.2 8443
check_eq "--public-ip over HTTPS" 10.250.0.1 "$(in_ns $C "$K" --public-ip --ip-url https://10.250.0.2:8443/ --ca-file "$T/c.pem")"
in_ns $C "$K" --public-ip --ip-url https://10.250.0.2:8443/ >/dev/null 2>"$T/e"; rc=$?
check_eq "--public-ip refuses an untrusted certificate: exit 8" 8 "$rc"
echo x | knock -c "$cred" --allow-public-ip --ip-url https://10.250.0.2:8443/ --ca-file "$T/c.pem" 10.250.0.2 2222 >/dev/null 2>&1
check_eq "--allow-public-ip: login" 0 $?
check_eq "--generate-seed: 64 hex digits" 1 "$($K --generate-seed | grep -cE '^[0-9a-f]{64}$')"

# Bad input: one line on stderr, the documented status, the file untouched.
bad() { # bad DESC STATUS PATTERN FILE ARGS...
	local d=$1 want=$2 pat=$3 f=$4 before after rc; shift 4
	before=$(sha256sum "$f" | cut -d' ' -f1)
	echo x | HOME=$T/home knock "$@" >/dev/null 2>"$T/e"; rc=$?
	after=$(sha256sum "$f" | cut -d' ' -f1)
	check_eq "$d: exit $want" "$want" "$rc"
	check_eq "$d: one line on stderr" 1 "$(wc -l <"$T/e")"
	check "$d: message says '$pat'" grep -q -- "$pat" "$T/e"
	check_eq "$d: credential untouched" "$before" "$after"
}
mkdir -p "$T/home/.config/spa-knock"
bad "no credential for the host" 3 "no credential for nosuch.host" "$cred" nosuch.host 22
bad "bad port" 2 "bad port '70000'" "$cred" -c "$cred" 10.250.0.2 70000
cp "$cred" "$T/open.cred"; chmod 644 "$T/open.cred"
bad "group/world-readable credential" 3 "open.cred" "$T/open.cred" -c "$T/open.cred" 10.250.0.2 2222
sed 's/^counter = .*/counter = lots/' "$cred" >"$T/mal.cred"; chmod 600 "$T/mal.cred"
bad "malformed credential" 3 "mal.cred:6" "$T/mal.cred" -c "$T/mal.cred" 10.250.0.2 2222
bad "unreadable credential" 3 "none.cred" "$cred" -c "$T/none.cred" 10.250.0.2 2222
bad "DNS failure for the target" 4 "cannot resolve no-such-host.invalid" "$cred" -c "$cred" no-such-host.invalid 22
sed 's/^server = .*/server = no-such-server.invalid/' "$cred" >"$T/dns.cred"; chmod 600 "$T/dns.cred"
bad "DNS failure for the server" 4 "no-such-server.invalid" "$T/dns.cred" -c "$T/dns.cred" 10.250.0.2 2222
bad "unknown option" 2 "unknown option" "$cred" --frobnicate 10.250.0.2 2222
SSH_ASKPASS= bad "no password source" 7 "no password" "$cred" -c "$cred" 10.250.0.2 2222

# The server silent: a clear message at the deadline, the committed seed kept.
kill "$FAKE_PID"; wait "$FAKE_PID" 2>/dev/null; FAKE_PID=
seed=$(key seed "$cred")
echo x | knock -c "$cred" -t $((3 * SPA_SLOW)) --window $((1000 * SPA_SLOW)) 10.250.0.2 2222 >/dev/null 2>"$T/e"; rc=$?
check_eq "server silent: exit 5" 5 "$rc"
check "server silent: says the port stayed closed" grep -q "2222 stayed closed after" "$T/e"
check_eq "server silent: one line on stderr" 1 "$(wc -l <"$T/e")"
check_eq "server silent: committed seed unchanged" "$seed" "$(key seed "$cred")"
for f in "$T"/*.cred "$cred"; do [ -f "$f" ] && cred_secrets "$f"; done
[ "$_spa_fail" = 0 ] || { echo "# stderr of the logins:"; sed 's/^/# /' "$T/err"; echo "# fake-spad:"; sed 's/^/# /' "$T/fake.out"; }
finish
