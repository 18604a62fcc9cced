#!/usr/bin/env bash
# demo.sh - spa end to end on this machine, in under a minute (run as root):
#
#   sudo ./demo.sh [--no-install] [--no-build]
#
# Installs the Debian packages it needs when they are missing, builds the
# project into build/ when it is not built (or reuses the build that is
# there), then, in two throwaway network namespaces (client spaXc 10.230.0.1,
# server spaXs 10.230.0.2) with the embedded SQLite store and the nftables
# backend: provisions a client with spa-admin, starts spad and an sshd whose
# PAM account stack has pam_spa, and shows step by step that
#   1. the SSH port does not answer,
#   2. ssh with "ProxyCommand spa-knock -c CRED %h %p" logs in and runs a command,
#   3. the seed rotated,
#   4. an ssh without a knock is refused (and pam_spa refuses it even when the
#      door is opened by hand),
#   5. spad's counters.
# Everything it makes (namespaces, processes, the demo user spa-demo, the PAM
# service /etc/pam.d/sshd-spademo, a temporary directory) is removed when it
# ends, also on Ctrl-C or failure.  The firewall of the machine's own network
# namespace is never touched: spad and nft run only inside spaXs.
#
# Options: --no-install  do not check or install Debian packages
#          --no-build    do not build; use the binaries in SPA_BUILD
# Environment: SPA_BUILD  the build directory (default: build/, or the source
#                         directory itself when it was configured in place)
# Exit status: 0 every step behaved as shown, 1 a step did not, 2 setup failed
# (packages, build, namespaces, daemons), 130/143 interrupted.
set -u
SRC=$(cd "$(dirname "$0")" && pwd)
START=$(date +%s%N)
install=1 build=1
for a in "$@"; do
	case $a in
	--no-install) install=0 ;;
	--no-build) build=0 ;;
	-h|--help) sed -n '2,/^set -u/{/^set -u/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	*) echo "demo.sh: unknown option '$a' (see --help)" >&2; exit 2 ;;
	esac
done

# --- names -------------------------------------------------------------------
NC=spaXc NS=spaXs            # client and server network namespaces
CA=10.230.0.1 SA=10.230.0.2  # their addresses (one veth pair)
DUSER=spa-demo               # the login the demo creates and removes
SVC=sshd-spademo             # sshd's program name = its PAM service name
PAMFILE=/etc/pam.d/$SVC
LABEL=spademo                # spad's nftables table: inet spademo
MARK="written by spa demo.sh, removed when it ends"
T=""; owned=0 created_user=0 created_pam=0 created_runsshd=0 cleaned=0
PIDS=()

say() { printf '%s\n' "$*"; }
die() { say "demo.sh: $*" >&2; exit 2; }

# --- cleanup (EXIT, INT, TERM) -----------------------------------------------
cleanup() {
	[ "$cleaned" = 1 ] || [ "$owned" = 0 ] && return
	cleaned=1
	local p n
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for n in $NS $NC; do
		# whatever still runs inside our namespaces was started by this demo
		for p in $(ip netns pids "$n" 2>/dev/null); do kill "$p" 2>/dev/null; done
	done
	sleep 0.2
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	for n in $NS $NC; do ip netns del "$n" 2>/dev/null; done
	[ "$created_user" = 1 ] && userdel "$DUSER" 2>/dev/null
	[ "$created_pam" = 1 ] && rm -f "$PAMFILE"
	[ "$created_runsshd" = 1 ] && rmdir /run/sshd 2>/dev/null
	[ -n "$T" ] && rm -rf "$T"
}
trap cleanup EXIT
trap 'say; say "demo.sh: interrupted, cleaning up"; exit 130' INT
trap 'exit 143' TERM

[ "$(id -u)" -eq 0 ] || die "run me as root (sudo ./demo.sh): I create network namespaces, a user and a PAM service"
# one demo at a time (fixed names): the lock is on this script itself
exec 9<"$0"
flock -w 90 9 || die "another demo.sh is still running"
owned=1   # from here on the names above are ours, and cleanup removes them
# what a killed run (kill -9) may have left behind is ours to remove; anything else is not
if getent passwd $DUSER >/dev/null; then
	getent passwd $DUSER | grep -q "spa demo.sh" || die "a user '$DUSER' exists and is not the demo's: remove it or edit DUSER"
	userdel $DUSER 2>/dev/null
fi
if [ -f "$PAMFILE" ]; then
	grep -q "$MARK" "$PAMFILE" || die "$PAMFILE exists and is not the demo's"
fi
for n in $NS $NC; do ip netns del "$n" 2>/dev/null; done

# --- Debian packages ---------------------------------------------------------
PKGS="iproute2 nftables openssh-server openssh-client libpam-modules passwd procps coreutils"
[ "$build" = 1 ] && PKGS="$PKGS build-essential autoconf automake libtool pkg-config libssl-dev
 libpcap-dev libpam0g-dev libsqlite3-dev libnftables-dev libcap-dev"
if [ "$install" = 1 ]; then
	missing=""
	for p in $PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		say "Installing Debian packages:$missing"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -q >/tmp/spa-demo-apt.log 2>&1 &&
			apt-get install -y -q --no-install-recommends $missing >>/tmp/spa-demo-apt.log 2>&1 ||
			{ tail -15 /tmp/spa-demo-apt.log; die "apt-get failed (log: /tmp/spa-demo-apt.log)"; }
		# the package's own sshd is not part of the demo
		[[ $missing == *openssh-server* ]] && { systemctl stop ssh 2>/dev/null || true; }
	fi
fi
for c in ip nft sshd ssh ssh-keygen useradd userdel; do
	PATH=$PATH:/usr/sbin:/sbin command -v "$c" >/dev/null || die "'$c' not found (apt-get install iproute2 nftables openssh-server openssh-client passwd)"
done

# --- build -------------------------------------------------------------------
if [ -z "${SPA_BUILD:-}" ]; then
	# configured in place (./configure && make, as in the README)? then that is the build
	if [ -f "$SRC/config.status" ]; then SPA_BUILD=$SRC; else SPA_BUILD=$SRC/build; fi
fi
BLOG=$SPA_BUILD/demo-build.log
if [ "$build" = 1 ]; then
	mkdir -p "$SPA_BUILD" || die "cannot create $SPA_BUILD"
	if [ -f "$SPA_BUILD/Makefile" ]; then
		say "Bringing the build in $SPA_BUILD up to date (make -j2; log: $BLOG)"
		make -C "$SPA_BUILD" -j2 >"$BLOG" 2>&1 || { tail -20 "$BLOG"; die "make failed (log: $BLOG)"; }
	else
		say "Building into $SPA_BUILD (autogen, configure, make -j2: a few minutes; log: $BLOG)"
		{ (cd "$SRC" && ./autogen.sh) && (cd "$SPA_BUILD" &&
			"$SRC/configure" --with-sqlite=yes --with-nftables=yes --with-pcap=yes --with-pam=yes &&
			make -j2); } >"$BLOG" 2>&1 || { tail -20 "$BLOG"; die "the build failed (log: $BLOG)"; }
	fi
	rm -f "$BLOG"
fi
SPAD=$SPA_BUILD/spad/spad ADMIN=$SPA_BUILD/spad/spa-admin KNOCK=$SPA_BUILD/spa-knock/spa-knock
PAMMOD=$SPA_BUILD/pam_spa/.libs/pam_spa.so
for b in "$SPAD" "$ADMIN" "$KNOCK" "$PAMMOD"; do
	[ -e "$b" ] || die "$b is missing: build the project (configure found no SQLite/nftables/pcap/PAM?)"
done
export PATH=$SPA_BUILD/spad:$SPA_BUILD/spa-knock:$PATH:/usr/sbin:/sbin
export SPA_SQL_DIR=$SRC/sql

DEMO_START=$(date +%s%N)

# --- output helpers ----------------------------------------------------------
nfail=0
heading() { say; say "$*"; say "${*//?/=}"; }
note() { say "  # $*"; }
indent() { sed 's/^/      /'; }
# run WHERE CMD: show "[WHERE]$ CMD", run it (bash, in $T, in WHERE's namespace),
# print its output indented; output in $OUT, exit status in $RC.
run() {
	local where=$1 cmd=$2 ns
	case $where in client) ns=$NC ;; server) ns=$NS ;; esac
	say "  [$where]\$ $cmd"
	# in the background and waited for: a Ctrl-C then ends the wait and runs
	# the INT trap at once, whatever the command does with its own SIGINT
	(cd "$T" && exec ip netns exec "$ns" bash -c "$cmd") </dev/null >"$T/.out" 2>&1 &
	wait $!
	RC=$?
	OUT=$(cat "$T/.out")
	[ -z "$OUT" ] || printf '%s\n' "$OUT" | indent
	[ "$RC" = 0 ] || say "      (exit status $RC)"
}
pass() { say "  ==> OK step $1: $2"; }
fail() { say "  ==> FAILED step $1: $2"; nfail=$((nfail + 1)); }
setup_ok() { "$@" >>"$T/setup.log" 2>&1 || { sed 's/^/    /' "$T/setup.log" | tail -15; die "setup failed: $*"; }; }
wait_for() { # wait_for SECONDS CMD...: poll every 50 ms
	local end=$(( $(date +%s%N) + $1 * 1000000000 )); shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s%N)" -lt "$end" ] || return 1
		sleep 0.05
	done
}
fpr() { printf '%s' "$1" | sha256sum | cut -c1-12; }   # short fingerprint of a secret
field() { sed -n "s/^$1 = //p"; }                     # field KEY < "key = value" lines
# --- setup -------------------------------------------------------------------
heading "Setup: two network namespaces, a provisioned client, spad and sshd"
T=$(mktemp -d /tmp/spa-demo.XXXXXX) || die "mktemp failed"
chmod 0755 "$T"   # the demo user's sshd child reads its authorized_keys below it
umask 077
note "working directory $T (removed at the end); binaries from $SPA_BUILD"
setup_ok ip netns add $NC
setup_ok ip netns add $NS
setup_ok ip link add spaXc0 netns $NC type veth peer name spaXs0 netns $NS
setup_ok ip -n $NC addr add $CA/24 dev spaXc0
setup_ok ip -n $NS addr add $SA/24 dev spaXs0
for n in $NC $NS; do setup_ok ip -n $n link set lo up; done
setup_ok ip -n $NC link set spaXc0 up
setup_ok ip -n $NS link set spaXs0 up
wait_for 5 ip netns exec $NC ping -c1 -W1 $SA || die "the namespaces cannot reach each other"
note "client: namespace $NC, $CA    server: namespace $NS, $SA"

cat >"$T/spad.conf" <<EOF
# spad.conf for the demo
interface = spaXs0
spa_port = 62201
firewall = nftables
fw_label = $LABEL
block_all = no
protect = tcp/22
open_timeout = 10
change_seeds = yes
store = sqlite
db_path = $T/spad.db
server_key = $T/server.key
control_socket = $T/ctl.sock
pid_file = $T/spad.pid
EOF
note "spad.conf: nftables table inet $LABEL shuts tcp/22; SQLite store $T/spad.db"
echo "demo password $$" >"$T/password"
run server "spa-admin -c spad.conf init"
[ "$RC" = 0 ] || die "spa-admin init failed"
run server "spa-admin -c spad.conf add --aid demo --user $DUSER --ports tcp/22 --password-file password"
[ "$RC" = 0 ] || die "spa-admin add failed"
run server "spa-admin -c spad.conf export demo --out demo.cred --server $SA"
[ "$RC" = 0 ] && [ -s "$T/demo.cred" ] || die "spa-admin export failed"
note "demo.cred (0600) is the client's credential; both namespaces share this filesystem"

# spad in the server namespace, in the foreground, its log in spad.log
# (own session: a Ctrl-C reaches the demo, whose cleanup then stops spad and sshd)
setsid ip netns exec $NS "$SPAD" -f -c "$T/spad.conf" >"$T/spad.log" 2>&1 &
PIDS+=($!)
say "  [server]\$ spad -f -c spad.conf &        (log: spad.log)"
wait_for 10 test -S "$T/ctl.sock" || { indent <"$T/spad.log"; die "spad did not start"; }
grep 'event=start' "$T/spad.log" | indent

# the demo user, with a key pair for public-key login
mkdir -m 0755 "$T/home" "$T/authorized_keys"
setup_ok useradd --system --no-create-home --home-dir "$T/home" --shell /bin/sh \
	--comment "temporary user of spa demo.sh" $DUSER
created_user=1
chown $DUSER "$T/home"
setup_ok ssh-keygen -q -t ed25519 -N '' -C spa-demo -f "$T/id"
setup_ok ssh-keygen -q -t ed25519 -N '' -C spa-demo-host -f "$T/hostkey"
install -m 0644 "$T/id.pub" "$T/authorized_keys/$DUSER"
note "user $DUSER created (removed at the end), public-key login with key ./id"

# sshd: own config, host key and port 22 in the server namespace, UsePAM yes.
# OpenSSH names its PAM service after its program name: run it as sshd-spademo.
pamline=$(grep -v '^[[:space:]]*#' "$SRC/ssh/pam.d-sshd" 2>/dev/null | grep pam_spa.so | head -1)
[ -n "$pamline" ] || pamline="account required pam_spa.so socket=/run/spad/control.sock grace=60"
pamline=$(printf '%s' "$pamline" | sed "s|[^ ]*pam_spa\.so|$PAMMOD|; s|socket=[^ ]*|socket=$T/ctl.sock|")
created_pam=1
cat >"$PAMFILE" <<EOF
# /etc/pam.d/$SVC: $MARK.
# Debian's sshd stack with pam_spa first in account (the line from ssh/pam.d-sshd).
@include common-auth
$pamline
@include common-account
@include common-session-noninteractive
@include common-password
EOF
# sshd takes the first value it reads for a keyword: the demo's own lines
# (address, host key, paths, the demo user) come first, then ssh/sshd_config.
cat >"$T/sshd_config" <<EOF
ListenAddress $SA
HostKey $T/hostkey
PidFile $T/sshd.pid
AuthorizedKeysFile $T/authorized_keys/%u
PermitRootLogin no
AllowUsers $DUSER
StrictModes no
UseDNS no
PrintMotd no
EOF
if [ -f "$SRC/ssh/sshd_config" ]; then
	grep -Ev '^[[:space:]]*(#|$)' "$SRC/ssh/sshd_config" >>"$T/sshd_config"
	sshd_from="ssh/sshd_config + the demo's address, host key and paths"
else
	printf '%s\n' "Port 22" "UsePAM yes" "PubkeyAuthentication yes" "PasswordAuthentication no" \
		"KbdInteractiveAuthentication no" >>"$T/sshd_config"
	sshd_from="port 22, UsePAM yes, public-key logins only"
fi
[ -d /run/sshd ] || { mkdir -p /run/sshd && chmod 0755 /run/sshd && created_runsshd=1; }
ln -s "$(command -v sshd)" "$T/$SVC"
setsid ip netns exec $NS "$T/$SVC" -D -E "$T/sshd.log" -f "$T/sshd_config" &
PIDS+=($!)
say "  [server]\$ $T/$SVC -D -E sshd.log -f sshd_config &   (symlink to sshd: PAM service $SVC)"
wait_for 10 grep -q "Server listening" "$T/sshd.log" || { indent <"$T/sshd.log"; die "sshd did not start"; }
note "sshd_config: $sshd_from"
note "$PAMFILE (removed at the end):"
grep -v '^#' "$PAMFILE" | indent

# the client: an ssh_config, the password for spa-knock from SSH_ASKPASS
# ssh/ssh_config's entry (when there) pointed at the demo server, then the demo's key
: >"$T/ssh_config"
if [ -f "$SRC/ssh/ssh_config" ]; then
	grep -Ev '^[[:space:]]*(#|$)' "$SRC/ssh/ssh_config" | sed -E "s/gw\.example\.org/$SA/g;
		s/^([[:space:]]*User[[:space:]]+).*/\1$DUSER/;
		s|^([[:space:]]*ProxyCommand[[:space:]]+).*|\1spa-knock -c $T/demo.cred %h %p|" >>"$T/ssh_config"
fi
cat >>"$T/ssh_config" <<EOF
Host *
	IdentityFile $T/id
	UserKnownHostsFile $T/known_hosts
	StrictHostKeyChecking accept-new
	BatchMode yes
	ConnectTimeout 5
	LogLevel ERROR
EOF
note "client's ssh_config:"
indent <"$T/ssh_config"
printf '#!/bin/sh\ncat %s/password\n' "$T" >"$T/askpass"
chmod 0700 "$T/askpass"
export SSH_ASKPASS=$T/askpass SSH_ASKPASS_REQUIRE=force
note "client: ssh_config names the key and known_hosts; spa-knock reads the"
note "client's password from SSH_ASKPASS=./askpass (interactively it asks on the terminal)"
SSH="ssh -F ssh_config"
# fingerprint: a filter that shows each seed as the start of its sha256, never the seed
cat >"$T/fingerprint" <<'EOF'
#!/bin/sh
while IFS= read -r l; do
	case $l in
	"seed = "*|"prev_seed = "*|"pending_seed = "*|"prev_seed_client = "*)
		printf '%s = sha256:%s...\n' "${l%% = *}" "$(printf %s "${l#* = }" | sha256sum | cut -c1-12)" ;;
	*) printf '%s\n' "$l" ;;
	esac
done
EOF
chmod 0755 "$T/fingerprint"

# --- 1 -----------------------------------------------------------------------
heading "1. Without a knock, the SSH port does not answer"
note "spad's table drops every new connection to tcp/22 that no knock granted"
run client "$SSH -o ProxyCommand=none -o ConnectTimeout=3 $DUSER@$SA 'id -un'"
if [ "$RC" = 255 ] && [[ $OUT == *"timed out"* || $OUT == *refused* ]]; then
	pass 1 "port 22 on $SA does not answer (ssh exit $RC)"
else
	fail 1 "expected a connect that times out or is refused, ssh exited $RC"
fi

# --- 2 -----------------------------------------------------------------------
heading "2. ssh with spa-knock as ProxyCommand: knock, connect, log in"
note "spa-knock sends one UDP datagram (the knock), connects from the source port it"
note "announced, and relays; at login pam_spa asks spad whether a grant covers it"
before=$("$ADMIN" -c "$T/spad.conf" show demo --show-secrets 2>/dev/null)
run client "$SSH -o ProxyCommand='spa-knock -c demo.cred %h %p' $DUSER@$SA 'id -un; hostname; echo \$SSH_CONNECTION'"
first=${OUT%%$'\n'*}
note "spad's log (the knock accepted, pam_spa's question answered):"
grep -E 'event=(accept|check)' "$T/spad.log" | indent
note "sshd's log:"
grep -E 'Accepted publickey' "$T/sshd.log" | indent
if [ "$RC" = 0 ] && [ "$first" = "$DUSER" ] && grep -q "event=check result=ok aid=demo user=$DUSER" "$T/spad.log"; then
	pass 2 "logged in as $DUSER through a knock; pam_spa confirmed the grant"
else
	fail 2 "ssh exited $RC, printed '$first' (expected $DUSER and a pam_spa check ok in spad's log)"
fi

# --- 3 -----------------------------------------------------------------------
heading "3. The knock rotated the seed (shown as fingerprints, never the secret)"
after=$("$ADMIN" -c "$T/spad.conf" show demo --show-secrets 2>/dev/null)
s0=$(field seed <<<"$before") s1=$(field seed <<<"$after") p1=$(field prev_seed <<<"$after")
k0=$(field key_id <<<"$before") k1=$(field key_id <<<"$after")
cs=$(field seed <"$T/demo.cred")
run server "spa-admin -c spad.conf show demo --show-secrets | grep -E '^(counter|key_id|prev_key_id|seed|prev_seed) ' | ./fingerprint"
run client "grep -E '^(counter|seed) ' demo.cred | ./fingerprint"
note "before the knock it was: key_id = $k0, seed = sha256:$(fpr "$s0")..."
if [ -n "$s0" ] && [ -n "$s1" ] && [ "$s0" != "$s1" ] && [ "$k0" != "$k1" ] && [ "$p1" = "$s0" ] && [ "$cs" = "$s1" ]; then
	pass 3 "seed and key id changed, the old seed is prev_seed, client and server agree"
else
	fail 3 "expected a new seed and key id in the store, the old seed as prev_seed, the same seed in demo.cred"
fi

# --- 4 -----------------------------------------------------------------------
heading "4. Without a knock: refused by the firewall, and by pam_spa even with the door open"
run client "$SSH -o ProxyCommand=none -o ConnectTimeout=3 $DUSER@$SA 'id -un'"
shut_rc=$RC shut_out=$OUT
note "the grant admitted one connection; the door is shut again"
note "now open port 22 by hand in the server's firewall (an admin's mistake, say):"
run server "nft insert rule inet $LABEL input tcp dport 22 accept comment by-hand"
run client "$SSH -o ProxyCommand=none $DUSER@$SA 'id -un'"
hand_rc=$RC hand_out=$OUT
note "sshd's log (the key was fine; PAM's account stack said no):"
grep -E 'Access denied|PAM' "$T/sshd.log" | grep -v 'Accepted' | indent
note "spad's log (pam_spa asked; no grant covers that connection):"
grep 'event=check result=deny' "$T/spad.log" | indent
h=$(ip netns exec $NS nft -a list chain inet $LABEL input 2>/dev/null | sed -n 's/.*by-hand.*# handle \([0-9]*\).*/\1/p')
[ -n "$h" ] && run server "nft delete rule inet $LABEL input handle $h"
if [ "$shut_rc" = 255 ] && [[ $shut_out == *"timed out"* || $shut_out == *refused* ]] &&
	[ "$hand_rc" != 0 ] && [[ $hand_out != *"$DUSER"* ]] &&
	grep -q "Access denied for user $DUSER by PAM account configuration" "$T/sshd.log" &&
	grep -q "event=check result=deny" "$T/spad.log"; then
	pass 4 "no knock, no connection; a door opened by hand still gets no login (pam_spa)"
else
	fail 4 "expected a connect timeout, then a login refused by PAM (ssh exited $shut_rc, then $hand_rc)"
fi

# --- 5 -----------------------------------------------------------------------
heading "5. spad's counters"
run server "spa-admin -c spad.conf status"
if [ "$RC" = 0 ]; then
	note "packets: knocks seen; accepted: verified, door opened; length ... firewall: knocks"
	note "rejected, by reason; ctl_requests: pam_spa's questions (and this one)"
	acc=$(field accepted <<<"$OUT") ctl=$(field ctl_requests <<<"$OUT")
	if [ "${acc:-0}" -ge 1 ] 2>/dev/null && [ "${ctl:-0}" -ge 2 ] 2>/dev/null; then
		pass 5 "spad counted $acc accepted knock(s) and $ctl control requests (pam_spa's checks)"
	else
		fail 5 "spa-admin status shows accepted = ${acc:-?}, ctl_requests = ${ctl:-?} (expected >= 1 and >= 2)"
	fi
else
	note "spa-admin status could not ask spad (exit $RC); spad's log instead:"
	run server "grep -o 'event=[a-z_]*\( result=[a-z]*\)\{0,1\}' spad.log | sort | uniq -c"
	if grep -Eq '[1-9][0-9]* event=accept$' <<<"$OUT" && grep -Eq 'event=check result=ok' <<<"$OUT" &&
		grep -Eq 'event=check result=deny' <<<"$OUT"; then
		pass 5 "spad's log counts the accepted knock, pam_spa's granted and refused checks"
	else
		fail 5 "spad's log lacks an accepted knock or pam_spa's checks"
	fi
fi

# --- end ---------------------------------------------------------------------
now=$(date +%s%N)
ms=$(( (now - DEMO_START) / 1000000 )) prep=$(( (DEMO_START - START) / 1000000 ))
took="$((ms / 1000)).$(printf %03d $((ms % 1000))) s, plus $((prep / 1000)).$(printf %03d $((prep % 1000))) s checking packages and build"
heading "Done"
note "cleaning up: processes, namespaces $NC $NS, user $DUSER, $PAMFILE, $T"
if [ "$nfail" = 0 ]; then
	say "All 5 steps behaved as shown ($took)."
	exit 0
fi
say "$nfail of 5 steps did not behave as shown: spad.log and sshd.log follow."
say "  spad.log:"; indent <"$T/spad.log"
say "  sshd.log:"; indent <"$T/sshd.log"
exit 1
