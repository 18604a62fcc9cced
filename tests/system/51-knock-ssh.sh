#!/usr/bin/env bash
# End to end: a real OpenSSH client with only "ProxyCommand spa-knock %h %p"
# in its config logs in to a real sshd (own config, port, host key) that spad
# (nftables, SQLite) keeps behind a closed door, in two network namespaces.
# Ten logins with the seed rotating; a knock dropped on the way; a connect
# that fails after the server rotated; two concurrent logins on one
# credential; a wrong password.  The store's seed is compared with the
# client's after each scenario.
# spa-wrap: yes
. "$(dirname "$0")/lib.sh"
K=$SPA_BUILD/spa-knock/spa-knock
A=$SPA_BUILD/spad/spa-admin
D=$SPA_BUILD/spad/spad
for b in "$K" "$A" "$D"; do [ -x "$b" ] || { nok "binary $b built"; finish; }; done
# client -- router -- server, so a datagram can be lost on the way (router's forward chain).
C=spaK51c; R=spaK51r; S=spaK51s; SA=10.251.0.2; CA=10.251.1.1
ns_add $C; ns_add $R; ns_add $S
veth_pair $C k51c $CA/24 $R k51rc 10.251.1.254/24
veth_pair $R k51rs 10.251.0.254/24 $S k51s $SA/24
ip -n $C route add default via 10.251.1.254
ip -n $S route add default via 10.251.0.254
in_ns $R sysctl -qw net.ipv4.ip_forward=1
wait_for 5 in_ns $C ping -c1 -W1 $SA
umask 077

# --- server: spad + sshd ------------------------------------------------------
cat >"$T/spad.conf" <<EOF
interface = k51s
firewall = nftables
fw_label = spaK51
block_all = no
protect = tcp/2222
open_timeout = 5
store = sqlite
db_path = $T/spad.db
server_key = $T/server.key
control_socket = $T/ctl.sock
pid_file = $T/spad.pid
EOF
adm() { "$A" -c "$T/spad.conf" --sql-dir "$SPA_SRC/sql" "$@"; }
check "spa-admin init" adm init
echo pw-alice >"$T/pw"
check "spa-admin add alice, export a credential" adm add --aid alice --user root --ports tcp/2222 \
	--password-file "$T/pw" --out "$T/alice.cred" --server $SA
bg_start spad ip netns exec $S "$D" -f -c "$T/spad.conf"
wait_for $((10 * SPA_SLOW)) test -S "$T/ctl.sock"

ssh-keygen -q -t ed25519 -N '' -f "$T/id"
cp "$T/id.pub" "$T/authorized_keys"
# sshd_config: the shipped example (UsePAM off here: pam_spa is 61's subject)
check "sshd_config from the shipped example" sshd_config_make $SA \
	"AuthorizedKeysFile $T/authorized_keys" "PermitRootLogin prohibit-password"
sed -i 's/^UsePAM yes$/UsePAM no/' "$T/sshd_config"
check "... with UsePAM no" grep -qx "UsePAM no" "$T/sshd_config"
bg_start sshd ip netns exec $S /usr/sbin/sshd -D -e -f "$T/sshd_config"
wait_for $((5 * SPA_SLOW)) in_ns $S "$K" --check $SA 2222

# --- client: credential imported, ssh_config with only the ProxyCommand ------
export HOME=$T/home
mkdir -p "$HOME"
check "spa-knock --import" in_ns $C "$K" --import "$T/alice.cred" --hosts "$SA gw.test"
cred=$HOME/.config/spa-knock/alice.cred
check_eq "imported 0600" 600 "$(stat -c %a "$cred")"
# ssh_config: the shipped example, names filled in; the ProxyCommand is its own.
# Under ASan and valgrind (SPA_SLOW) spa-knock's default deadline and connect
# window scale (else slow knocks would re-knock and use extra counters).
KO=; [ "$SPA_SLOW" -eq 1 ] || KO=" -t $((20 * SPA_SLOW)) --window $((3000 * SPA_SLOW))"
sed -e "s/^Host gw.example.org/Host gw/" -e "s/HostName gw.example.org/HostName $SA/" \
	-e "s/Port 22\$/Port 2222/" -e "s/User alice/User root/" -e "s|ProxyCommand spa-knock|ProxyCommand $K$KO|" \
	"$SPA_SRC/ssh/ssh_config" >"$T/ssh_config"
cat >>"$T/ssh_config" <<EOF
	IdentityFile $T/id
	UserKnownHostsFile $T/known_hosts
	StrictHostKeyChecking accept-new
	BatchMode yes
	ConnectTimeout $((30 * SPA_SLOW))
EOF
printf '#!/bin/sh\necho pw-alice\n' >"$T/askpass"; chmod 755 "$T/askpass"
printf '#!/bin/sh\necho wrong\n' >"$T/badpass"; chmod 755 "$T/badpass"
export SSH_ASKPASS=$T/askpass SSH_ASKPASS_REQUIRE=force
login() { in_ns $C setsid ssh -F "$T/ssh_config" gw "$@" 2>>"$T/ssh.err"; }
key() { sed -n "s/^$1 = //p" "$cred"; }
store_seed() { adm show alice --show-secrets | sed -n 's/^seed = //p'; }
synced() { [ "$(key seed)" = "$(store_seed)" ]; }

check_eq "the door is shut before any knock" 1 "$(in_ns $C "$K" --check $SA 2222 >/dev/null; echo $?)"
check_eq "ssh through spa-knock runs a command" "hello from $(hostname)" "$(login echo hello from '$(hostname)')"
check "client and store agree on the rotated seed" synced
check_eq "counter 1 after the first login" 1 "$(key counter)"
check_eq "the door is shut again after the login" 1 "$(in_ns $C "$K" --check $SA 2222 >/dev/null; echo $?)"

# A wrong password: the server stays silent, a clear line, exit 5, then a good login.
seed=$(key seed)
SSH_ASKPASS=$T/badpass in_ns $C setsid "$K" -t $((3 * SPA_SLOW)) --window $((1000 * SPA_SLOW)) $SA 2222 </dev/null >/dev/null 2>"$T/e"; rc=$?
check_eq "wrong password: exit 5" 5 "$rc"
check "wrong password: says the port stayed closed" grep -q "stayed closed" "$T/e"
check_eq "wrong password: committed seed unchanged" "$seed" "$(key seed)"

# Save the derived key once; later logins need no password source at all.
out=$(in_ns $C setsid ssh -F "$T/ssh_config" -o ProxyCommand="$K$KO --save-password-key %h %p" gw echo saved 2>>"$T/ssh.err")
check_eq "login with --save-password-key" saved "$out"
check "the derived key is saved, the password is not" sh -c "grep -q '^password_key = ' '$cred' && ! grep -q pw-alice '$cred'"
unset SSH_ASKPASS

# Ten logins, the seed rotating every time.
seeds=""; fails=0
for i in $(seq 1 10); do
	[ "$(login echo ok)" = ok ] || fails=$((fails + 1))
	seeds="$seeds $(key seed)"
done
check_eq "ten logins" 0 "$fails"
check_eq "ten different seeds" 10 "$(echo $seeds | tr ' ' '\n' | sort -u | wc -l)"
check "in sync after ten rotations" synced

# A knock lost on purpose (drop rule on the router between): re-knock.
in_ns $R nft -f - <<EOF
table inet k51 {
	chain out {
		type filter hook forward priority 0; policy accept;
		udp dport 62201 counter drop
	}
}
EOF
check "drop rule in place" in_ns $R nft list table inet k51
( login echo after-loss >"$T/lost.out" ) & lp=$!
wait_for $((10 * SPA_SLOW)) sh -c "ip netns exec $R nft list table inet k51 | grep -q 'packets [1-9]'"
check "a knock was really dropped on the way" sh -c "ip netns exec $R nft list table inet k51 | grep -q 'packets [1-9]'"
in_ns $R nft delete table inet k51
wait $lp
check_eq "knock dropped on the way: login after a re-knock" after-loss "$(cat "$T/lost.out")"
check "in sync after the lost knock" synced

# The server rotates but the connect fails (SYNs dropped): the client keeps the
# pending seed; the next login knocks under the server's prev_seed and recovers.
in_ns $C nft -f - <<EOF
table inet k51 {
	chain out {
		type filter hook output priority 0; policy accept;
		tcp dport 2222 drop
	}
}
EOF
seed=$(key seed)
in_ns $C setsid "$K" -t $((3 * SPA_SLOW)) --window $((1000 * SPA_SLOW)) $SA 2222 </dev/null >/dev/null 2>"$T/e"; rc=$?
in_ns $C nft delete table inet k51
check_eq "connect blocked: exit 5" 5 "$rc"
check "connect blocked: the new seed stays pending" grep -q "^pending_seed = " "$cred"
pend=$(key pending_seed)
check_eq "connect blocked: the store already rotated to the pending seed" "$pend" "$(store_seed)"
check_eq "connect blocked: the committed seed is kept" "$seed" "$(key seed)"
check_eq "next login recovers" ok "$(login echo ok)"
check_eq "it committed the same pending seed" "$pend" "$(key seed)"
check "in sync after the failed connect" synced

# Two ssh logins at once with one credential file.
c0=$(key counter)
( login echo one >"$T/c1" ) & p1=$!
( login echo two >"$T/c2" ) & p2=$!
wait $p1; wait $p2
check_eq "two concurrent logins" "one two" "$(cat "$T/c1") $(cat "$T/c2")"
check_eq "two knocks, two counters" $((c0 + 2)) "$(key counter)"
check "in sync after the concurrent logins" synced

# A host the credential does not serve: exit 3, file untouched.
before=$(sha256sum "$cred")
in_ns $C setsid "$K" other.host 22 </dev/null >/dev/null 2>"$T/e"; rc=$?
check_eq "unknown host: exit 3" 3 "$rc"
check_eq "unknown host: credential untouched" "$before" "$(sha256sum "$cred")"
# the secrets this test used, for 99-no-secrets.sh
secret_password pw-alice alice
secret_file "$T/server.key"
secret $seeds $seed $pend "$(key seed)" "$(key prev_seed)" "$(key pending_seed)" "$(key password_key)" "$(store_seed)"
[ "$_spa_fail" = 0 ] || { echo "# ssh stderr:"; sed 's/^/# /' "$T/ssh.err"; echo "# spad:"; sed 's/^/# /' "$T/spad.out"; }
finish
