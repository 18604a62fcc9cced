#!/usr/bin/env bash
# 61-pam-e2e.sh - pam_spa end to end: a real sshd (UsePAM yes, public-key
# logins, its own PAM service with the built pam_spa.so in `account`) behind
# spad (nftables), and real ssh clients in two namespaces that a third one
# masquerades, so the server sees both as one address.
#   (a) ssh through "ProxyCommand spa-knock %h %p" logs in and runs a command;
#   (b) the door opened by hand (nft rule in the server namespace), no knock:
#       refused by PAM;
#   (c) a knock by a client provisioned for user A does not let user B in;
#   (d) the neighbour behind the same NAT cannot ride the other's grant: not
#       at the firewall (another source port), not at PAM (door opened by
#       hand: its source port is not the knock's).
# The ssh client config, sshd config and PAM line are the shipped examples
# ssh/ssh_config, ssh/sshd_config and ssh/pam.d-sshd, filled in with sed.
#
# sshd names its PAM service after the name it runs under (OpenSSH:
# SSHD_PAM_SERVICE is __progname), so a symlink spae61-sshd-PID -> sshd gets
# /etc/pam.d/spae61-sshd-PID, made and removed here; /etc/pam.d/sshd is
# never touched.  pam_spa logs through syslog(3): sshd runs in a mount
# namespace of its own whose /dev is a copy with /dev/log pointing at a
# datagram socket of this test, so pam_spa's lines land in $T/syslog without
# touching the machine's /dev.  spad logs every check it answers and sshd
# the PAM refusal: the checks read all three.
. "$(dirname "$0")/lib.sh"
K=$SPA_BUILD/spa-knock/spa-knock
A=$SPA_BUILD/spad/spa-admin
D=$SPA_BUILD/spad/spad
TK=$SPA_BUILD/spad/spad-testknock
MOD=$SPA_BUILD/pam_spa/.libs/pam_spa.so
for b in "$K" "$A" "$D" "$TK" "$MOD" /usr/sbin/sshd /usr/bin/ssh; do
	[ -e "$b" ] || { skip_nok "pam_spa end to end" "needs $b"; finish; }
done
command -v nc >/dev/null || { skip_nok "pam_spa end to end" "needs nc (netcat-openbsd)"; finish; }

# --- namespaces: A and B behind NAT N; server S -----------------------------------
S=spaE61s; N=spaE61n; CA=spaE61a; CB=spaE61b
SA=10.220.0.1 NAT=10.220.0.254 AA=10.220.1.1 BA=10.220.2.1
ns_add $S; ns_add $N; ns_add $CA; ns_add $CB
veth_pair $N e61ns $NAT/24 $S e61s $SA/24
veth_pair $N e61na 10.220.1.254/24 $CA e61a $AA/24
veth_pair $N e61nb 10.220.2.254/24 $CB e61b $BA/24
ip -n $CA route add default via 10.220.1.254
ip -n $CB route add default via 10.220.2.254
in_ns $N sysctl -qw net.ipv4.ip_forward=1
in_ns $N nft -f - <<EOF
table ip e61nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "e61ns" masquerade
	}
}
EOF
check "A reaches the server through the NAT" wait_for 5 in_ns $CA ping -c1 -W1 $SA
check "B reaches the server through the NAT" wait_for 5 in_ns $CB ping -c1 -W1 $SA
umask 077

# --- test users ---------------------------------------------------------------------
UA=spae61a UB=spae61b
for u in $UA $UB; do
	userdel $u 2>/dev/null
	useradd -M -N -d /nonexistent -s /bin/sh $u || { nok "useradd $u"; finish; }
	at_exit "userdel $u"
	usermod -p '*' $u
done
mkdir -p "$T/keys"; chmod 755 "$T/keys"
for u in $UA $UB; do
	ssh-keygen -q -t ed25519 -N '' -f "$T/id-$u"
	cp "$T/id-$u.pub" "$T/keys/$u"; chmod 644 "$T/keys/$u"
done

# --- spad ---------------------------------------------------------------------------
cat >"$T/spad.conf" <<EOF
interface = e61s
firewall = nftables
fw_label = spaE61
block_all = no
protect = tcp/2222
open_timeout = 30
store = sqlite
db_path = $T/spad.db
server_key = $T/server.key
control_socket = $T/ctl.sock
pid_file = $T/spad.pid
EOF
adm() { "$A" -c "$T/spad.conf" --sql-dir "$SPA_SRC/sql" "$@"; }
check "spa-admin init" adm init
echo pw-a61 >"$T/pw"
check "spa-admin add: client a61 may log in as $UA only" adm add --aid a61 --user $UA \
	--ports tcp/2222 --password-file "$T/pw" --out "$T/a61.cred" --server $SA
RAWSEED=$(openssl rand -hex 32)
check "spa-admin add: client raw61 (known seed, for hand-made knocks)" sh -c \
	"echo pw-raw | '$A' -c '$T/spad.conf' add --aid raw61 --seed $RAWSEED --user $UA --ports tcp/2222 --password-stdin"
bg_start spad ip netns exec $S "$D" -f -c "$T/spad.conf"
SPAD_OUT=$T/spad.out
check "spad answers on its control socket" wait_for 10 adm status

# --- sshd from the shipped sshd_config, PAM service from the shipped pam.d line -------
SVC=spae61-sshd-$$
ln -s /usr/sbin/sshd "$T/$SVC"
check "sshd_config from the shipped example" sshd_config_make $SA \
	"AuthorizedKeysFile $T/keys/%u" "PermitRootLogin no" "LogLevel VERBOSE"
check "the shipped sshd_config has UsePAM yes" grep -qx "UsePAM yes" "$T/sshd_config"
# The stack around pam_spa is hermetic (pam_permit): the check is pam_spa's alone.
at_exit "rm -f '/etc/pam.d/$SVC'"
{
	echo "# spa system test 61 (temporary)"
	echo "auth     required pam_deny.so"
	grep -v '^#' "$SPA_SRC/ssh/pam.d-sshd" | grep . |
		sed -e "s|pam_spa.so|$MOD|" -e "s|/run/spad/control.sock|$T/ctl.sock|"
	echo "account  required pam_permit.so"
	echo "session  required pam_permit.so"
	echo "password required pam_deny.so"
} >"/etc/pam.d/$SVC"
check "the PAM service uses the built module with grace=60" \
	grep -q "^account required $MOD socket=$T/ctl.sock grace=60\$" "/etc/pam.d/$SVC"
check "sshd -t accepts the config" in_ns $S "$T/$SVC" -t -f "$T/sshd_config"
# syslog catcher, and sshd's private /dev with /dev/log -> it
bg_start syslog python3 -c "
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])
with open(sys.argv[2], 'ab', buffering=0) as f:
    while True:
        f.write(s.recv(65536).rstrip(b'\\0\\n') + b'\\n')" "$T/log.sock" "$T/syslog"
wait_for 5 test -S "$T/log.sock"
cat >"$T/sshd-ns.sh" <<EOF
#!/bin/sh
# in sshd's own mount namespace: /dev = tmpfs with the host's device nodes bound in
set -e
mkdir -p "$T/olddev"
mount --rbind /dev "$T/olddev"
mount -t tmpfs -o mode=755 spae61dev /dev
for n in null zero full random urandom tty ptmx; do
	touch /dev/\$n; mount --bind "$T/olddev/\$n" /dev/\$n
done
mkdir /dev/pts /dev/shm; mount --rbind "$T/olddev/pts" /dev/pts
ln -s /proc/self/fd /dev/fd
ln -s "$T/log.sock" /dev/log
exec "$T/$SVC" -D -e -f "$T/sshd_config"
EOF
chmod 755 "$T/sshd-ns.sh"
bg_start sshd ip netns exec $S unshare -m --propagation private "$T/sshd-ns.sh"
SSHD_OUT=$T/sshd.out
wait_for 5 sh -c "grep -q 'listening on' '$SSHD_OUT'"
# the door: open on loopback of the server only, shut from outside
check "sshd listens (from the server namespace)" wait_for 5 in_ns $S sh -c "nc -z -w1 $SA 2222"
check_fail "the door is shut for A before any knock" in_ns $CA nc -z -w1 $SA 2222

# --- clients -------------------------------------------------------------------------
# ssh_config from the shipped example; HOME per client namespace.
sed -e "s/^Host gw.example.org/Host gw61/" -e "s/HostName gw.example.org/HostName $SA/" \
	-e "s/Port 22\$/Port 2222/" -e "s/User alice/User $UA/" -e "s|ProxyCommand spa-knock|ProxyCommand $K|" \
	"$SPA_SRC/ssh/ssh_config" >"$T/ssh_config"
cat >>"$T/ssh_config" <<EOF
	# test only
	IdentityFile $T/id-$UA
	IdentitiesOnly yes
	UserKnownHostsFile $T/known_hosts
	StrictHostKeyChecking accept-new
	BatchMode yes
	ConnectTimeout 20
EOF
check "ssh -G: the example's ProxyCommand is spa-knock" \
	sh -c "ssh -F '$T/ssh_config' -G gw61 | grep -qx 'proxycommand $K %h %p'"
mkdir -p "$T/home-a" "$T/home-b"
check "A imports the credential of a61" \
	env HOME="$T/home-a" "$K" --import "$T/a61.cred" --hosts "$SA"
printf '#!/bin/sh\necho pw-a61\n' >"$T/askpass"; chmod 755 "$T/askpass"
# on_a|on_b CMD...: run in the client namespace with its own HOME
on_a() { in_ns $CA env HOME="$T/home-a" SSH_ASKPASS="$T/askpass" SSH_ASKPASS_REQUIRE=force setsid "$@"; }
on_b() { in_ns $CB env HOME="$T/home-b" setsid "$@"; }
# mark: remember where the logs end; since_sshd/since_spad: what came after
mark() { M_SSHD=$(stat -c %s "$SSHD_OUT"); M_SPAD=$(stat -c %s "$SPAD_OUT"); }
since_sshd() { tail -c +$((M_SSHD + 1)) "$SSHD_OUT"; }
since_spad() { tail -c +$((M_SPAD + 1)) "$SPAD_OUT"; }
# door_open ADDR / door_shut: a hand-made accept rule at the top of spad's chain
door_open() {
	in_ns $S nft insert rule inet spaE61 input ip saddr "$1" tcp dport 2222 accept comment \"e61-hand\"
}
door_shut() {
	local h
	for h in $(in_ns $S nft -a list chain inet spaE61 input | sed -n 's/.*"e61-hand".*handle \([0-9]*\).*/\1/p'); do
		in_ns $S nft delete rule inet spaE61 input handle "$h"
	done
}
at_exit door_shut

# --- (a) a real login through spa-knock ---------------------------------------------
mark
out=$(on_a ssh -F "$T/ssh_config" gw61 'echo "$(id -un) via $SSH_CONNECTION"' 2>>"$T/ssh.err" </dev/null)
check_eq "(a) ssh through spa-knock logs in as $UA and runs a command" "$UA via" "$(echo "$out" | cut -d' ' -f1-2)"
rport=$(echo "$out" | awk '{print $4}')
check_eq "(a) sshd saw the NAT address" "$NAT" "$(echo "$out" | awk '{print $3}')"
check "(a) pam_spa's own log line: allow, this 4-tuple, user and aid" \
	grep -q "pam_spa(${SVC}:account): allow user=$UA rhost=$NAT rport=$rport lport=2222 aid=a61" "$T/syslog"
check "(a) spad allowed the PAM check for this 4-tuple and user" \
	sh -c "tail -c +$((M_SPAD + 1)) '$SPAD_OUT' | grep -q 'event=check result=ok aid=a61 user=$UA rhost=$NAT rport=$rport lport=2222'"
check "(a) spa-admin grants lists the used grant" \
	sh -c "'$A' -S '$T/ctl.sock' grants | awk '\$1 == \"a61\" && \$2 == \"$NAT:$rport\" && \$3 == \"tcp/2222\" && \$4 == \"$UA\" && \$NF != \"-\"' | grep -q ."
check_fail "(a) the door is shut again after the login" in_ns $CA nc -z -w1 $SA 2222

# --- (b) door opened by hand, no knock: PAM refuses ---------------------------------
check "(b) door opened by hand for the NAT address" door_open $NAT
check "(b) the port now answers without a knock" in_ns $CA nc -z -w1 $SA 2222
mark
out=$(on_a ssh -F "$T/ssh_config" -o ProxyCommand=none gw61 echo in 2>>"$T/ssh.err" </dev/null); rc=$?
check_eq "(b) ssh without a knock is refused" "255 " "$rc $out"
check "(b) sshd: refused by the PAM account stack" \
	sh -c "tail -c +$((M_SSHD + 1)) '$SSHD_OUT' | grep -q 'Access denied for user $UA by PAM account configuration'"
check "(b) sshd: the public key itself was good" \
	sh -c "tail -c +$((M_SSHD + 1)) '$SSHD_OUT' | grep -q 'Accepted key ED25519 .* found at $T/keys/$UA:1'"
check "(b) pam_spa's own log line: deny, no_grant" \
	grep -q "pam_spa(${SVC}:account): deny user=$UA rhost=$NAT rport=[0-9]* lport=2222 reason=no_grant" "$T/syslog"
check "(b) spad: pam_spa asked and was told no_grant" \
	sh -c "tail -c +$((M_SPAD + 1)) '$SPAD_OUT' | grep -q 'event=check result=deny reason=no_grant user=$UA rhost=$NAT'"
door_shut
check_fail "(b) hand rule removed: the door is shut" in_ns $CA nc -z -w1 $SA 2222

# --- (c) a knock for user A does not let user B in ----------------------------------
mark
out=$(on_a ssh -F "$T/ssh_config" -o User=$UB -o IdentityFile="$T/id-$UB" gw61 echo in 2>>"$T/ssh.err" </dev/null); rc=$?
check_eq "(c) $UB through a61's knock is refused" "255 " "$rc $out"
check "(c) the knock opened the door: sshd found $UB's key good" \
	sh -c "tail -c +$((M_SSHD + 1)) '$SSHD_OUT' | grep -q 'Accepted key ED25519 .* found at $T/keys/$UB:1'"
check "(c) sshd: refused by the PAM account stack" \
	sh -c "tail -c +$((M_SSHD + 1)) '$SSHD_OUT' | grep -q 'Access denied for user $UB by PAM account configuration'"
check "(c) pam_spa's own log line: deny, wrong_user" \
	grep -q "pam_spa(${SVC}:account): deny user=$UB rhost=$NAT rport=[0-9]* lport=2222 reason=wrong_user" "$T/syslog"
check "(c) spad: wrong_user for a61's grant" \
	sh -c "tail -c +$((M_SPAD + 1)) '$SPAD_OUT' | grep -q 'event=check result=deny reason=wrong_user aid=a61 user=$UB rhost=$NAT'"
out=$(on_a ssh -F "$T/ssh_config" gw61 id -un 2>>"$T/ssh.err" </dev/null)
check_eq "(c) $UA still logs in through the same credential" "$UA" "$out"

# --- (d) the neighbour behind the same NAT: firewall -----------------------------------
CNT=0
rawknock() { CNT=$((CNT + 1)); in_ns $CA "$TK" --to $SA --aid raw61 --password pw-raw --seed $RAWSEED \
	--counter $CNT --port 2222 "$@"; sleep 0.3; }
rawknock --sport 41000
check "(d) A's knock for source port 41000 made a grant for the NAT address" \
	sh -c "'$A' -S '$T/ctl.sock' grants | awk '\$1 == \"raw61\" && \$2 == \"$NAT:41000\"' | grep -q ."
opened=""
for p in 0 0 0 40999 41001 42000 2222 62201; do
	if [ $p = 0 ]; then on_b nc -z -w1 $SA 2222 && opened="$opened any"
	else on_b nc -z -w1 -p $p $SA 2222 && opened="$opened $p"; fi
done
check_eq "(d) B gets nothing through A's live grant from other source ports" "" "$opened"
check "(d) the grant was live all along: A connects from port 41000" in_ns $CA nc -z -w2 -p 41000 $SA 2222
check_fail "(d) after A connected, B from port 41000 gets nothing either (grant consumed, NAT port taken)" on_b nc -z -w1 -p 41000 $SA 2222
# The firewall sees only NAT-address:port; a neighbour that binds exactly the
# knocked port before A connects does reach sshd (the NAT keeps a free port),
# and pam_spa still refuses it as any user the grant does not name.
rawknock --sport 41010
mark
out=$(on_b ssh -F "$T/ssh_config" -o ProxyCommand="nc -w 5 -p 41010 %h %p" -o User=$UB \
	-o IdentityFile="$T/id-$UB" gw61 echo in 2>>"$T/ssh.err" </dev/null); rc=$?
check_eq "(d) B on the exact knocked port, as $UB: refused" "255 " "$rc $out"
check "(d) ... it did reach sshd from the NAT address, port 41010" \
	sh -c "tail -c +$((M_SSHD + 1)) '$SSHD_OUT' | grep -q 'Connection from $NAT port 41010 on $SA port 2222'"
check "(d) ... and was refused by pam_spa: wrong_user for raw61's grant" \
	sh -c "tail -c +$((M_SPAD + 1)) '$SPAD_OUT' | grep -q 'event=check result=deny reason=wrong_user aid=raw61 user=$UB rhost=$NAT'"

# --- (d) the neighbour behind the same NAT: PAM ---------------------------------------
# A logs in and keeps its session; the door is opened by hand for the NAT
# address; B holds even A's user's key, but its connection's source port is
# not the one A knocked for.
( on_a ssh -F "$T/ssh_config" gw61 'echo started; sleep 6; echo done' >"$T/a-session" 2>>"$T/ssh.err" </dev/null ) &
apid=$!
wait_for 20 grep -q started "$T/a-session"
check "(d) A is logged in" grep -q started "$T/a-session"
aport=$("$A" -S "$T/ctl.sock" grants | awk '$1 == "a61" && $NF != "-" {split($2, x, ":"); p = x[2]} END {print p}')
door_open $NAT
mark
out=$(on_b ssh -F "$T/ssh_config" -o ProxyCommand=none gw61 echo in 2>>"$T/ssh.err" </dev/null); rc=$?
door_shut
check_eq "(d) B with $UA's key, door open by hand: refused" "255 " "$rc $out"
bport=$(tail -c +$((M_SPAD + 1)) "$SPAD_OUT" | sed -n "s/.*event=check result=deny reason=no_grant user=$UA rhost=$NAT rport=\([0-9]*\) lport=2222.*/\1/p" | head -1)
check "(d) spad: no_grant for B's connection (source port ${bport:-?}, A's grant is port ${aport:-?})" \
	test -n "$bport" -a -n "$aport" -a "$bport" != "$aport"
check "(d) sshd: refused by the PAM account stack" \
	sh -c "tail -c +$((M_SSHD + 1)) '$SSHD_OUT' | grep -q 'Access denied for user $UA by PAM account configuration'"
check "(d) pam_spa's own log line: deny for B's source port, no_grant" \
	grep -q "pam_spa(${SVC}:account): deny user=$UA rhost=$NAT rport=$bport lport=2222 reason=no_grant" "$T/syslog"
wait $apid
check_eq "(d) A's session was not disturbed" "started done" "$(cat "$T/a-session" | xargs)"

[ "$_spa_fail" = 0 ] || { echo "# ssh stderr:"; sed 's/^/# /' "$T/ssh.err" | tail -40
	echo "# sshd:"; sed 's/^/# /' "$SSHD_OUT" | tail -60; echo "# syslog:"; sed 's/^/# /' "$T/syslog" | tail -20; echo "# spad:"; sed 's/^/# /' "$SPAD_OUT" | tail -40; }
finish
