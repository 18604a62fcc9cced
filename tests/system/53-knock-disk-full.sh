#!/usr/bin/env bash
# The disk fills while spa-knock saves its credential file: spa-knock refuses
# to send (the counter it would use is not durable), says so in one line, exits
# with status 3 (the credential could not be saved), and the old file survives
# byte for byte.
. "$(dirname "$0")/lib.sh"
K=$SPA_BUILD/spa-knock/spa-knock
umask 077
mkdir -p "$T/mnt"
cat >"$T/run.sh" <<EOS
#!/bin/sh
# In a private mount namespace: a 64 KiB tmpfs holds the credential, then is filled.
set -u
mount -t tmpfs -o size=64k,mode=0700 spa53 "$T/mnt" || exit 90
cat >"$T/mnt/gw.cred" <<EOC
server = 127.0.0.1
spa_port = 62201
aid = 0123456789abcdef0123456789abcdef
seed = \$("$K" --generate-seed)
counter = 7
EOC
chmod 600 "$T/mnt/gw.cred"
cp "$T/mnt/gw.cred" "$T/before.cred"
# fill the file system to the last block
dd if=/dev/zero of="$T/mnt/fill" bs=4k 2>/dev/null
printf '#!/bin/sh\necho sesame\n' >"$T/askpass"; chmod 755 "$T/askpass"
SSH_ASKPASS=$T/askpass SSH_ASKPASS_REQUIRE=force setsid "$K" -c "$T/mnt/gw.cred" send 127.0.0.1 22 \
	</dev/null >"$T/out" 2>"$T/err"
echo \$? >"$T/rc"
cp "$T/mnt/gw.cred" "$T/after.cred"
ls -A "$T/mnt" >"$T/ls"
umount "$T/mnt"
EOS
chmod 755 "$T/run.sh"
check "private mount namespace with a full tmpfs" unshare -m --propagation private "$T/run.sh"
check_eq "spa-knock exits 3 (credential not saved)" 3 "$(cat "$T/rc" 2>/dev/null)"
check_eq "one line on stderr" 1 "$(wc -l <"$T/err")"
check "the line names the credential file and the full disk" \
	grep -qi "gw.cred.*\(no space\|space left\)" "$T/err"
check "the old credential file is intact" cmp -s "$T/before.cred" "$T/after.cred"
check_eq "no temporary file is left beside it (only the lock file)" "fill gw.cred gw.cred.lock" "$(sort "$T/ls" | paste -sd' ')"
check "nothing was sent (no knock without a durable counter)" test ! -s "$T/out"
finish
