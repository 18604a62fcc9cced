#!/usr/bin/env bash
# The Debian packages build from a copy of the tree (dpkg-buildpackage -b),
# lintian finds no error, and the packages, unpacked into a throwaway root with
# dpkg -x (nothing installed on the machine), hold a spad that checks a
# configuration with -t.  Bounded: the build gets 240 s, lintian 120 s.
. "$(dirname "$0")/lib.sh"
V=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$SPA_SRC/debian/changelog")
ARCH=$(dpkg --print-architecture)
MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
PKGS="spad spa-knock libpam-spa libspacore0 libspacore-dev"

# A clean copy: no build trees, logs, test scratch or VCS data.
mkdir -p "$T/src/spa"
( cd "$SPA_SRC" && tar --exclude=./.git --exclude='./build' --exclude='./build-*' \
	--exclude=./tests/logs --exclude=./tests/tmp --exclude=./autom4te.cache -cf - . ) |
	tar -x -C "$T/src/spa"
if ( cd "$T/src/spa" && DEB_BUILD_OPTIONS="nocheck parallel=2" DEB_BUILD_PROFILES=nocheck \
	timeout -k 5 240 dpkg-buildpackage -b -us -uc ) >"$T/build.log" 2>&1; then
	ok "dpkg-buildpackage -b -us -uc builds in a copy of the tree"
else
	nok "dpkg-buildpackage -b -us -uc builds in a copy of the tree"; tail -25 "$T/build.log" | sed 's/^/# /'
fi
for p in $PKGS; do
	check "package $p built" test -f "$T/src/${p}_${V}_${ARCH}.deb"
done
if [ -f "$T/src/spa_${V}_${ARCH}.changes" ]; then
	timeout -k 5 120 lintian --fail-on error "$T/src/spa_${V}_${ARCH}.changes" >"$T/lintian.log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then ok "lintian reports no error"; else
		nok "lintian reports no error (status $rc)"; grep '^E:' "$T/lintian.log" | sed 's/^/# /'; fi
	grep '^W:' "$T/lintian.log" | sed 's/^/# lintian: /'	# shown, not counted
else
	nok "lintian reports no error (no .changes file)"
fi

# --- unpack into a throwaway root ---------------------------------------------
R=$T/root
mkdir -p "$R"
for p in $PKGS; do
	[ -f "$T/src/${p}_${V}_${ARCH}.deb" ] && dpkg -x "$T/src/${p}_${V}_${ARCH}.deb" "$R"
done
for f in usr/sbin/spad usr/sbin/spa-admin usr/bin/spa-knock "lib/$MA/security/pam_spa.so" \
	"usr/lib/$MA/libspacore.so.0" usr/include/spacore/spa_pkt.h "usr/lib/$MA/pkgconfig/spacore.pc" \
	lib/systemd/system/spad.service etc/spad/spad.conf usr/share/doc/spad/examples/spad.conf.example \
	usr/share/man/man8/spad.8.gz usr/share/man/man7/spa-protocol.7.gz; do
	check "packaged: /$f" test -e "$R/$f"
done
check_eq "spad's store schemas are packaged" yes \
	"$(ls "$R"/usr/share/spa/sql/sqlite/*.sql >/dev/null 2>&1 && echo yes)"
mkdir -p "$T/ctl"
dpkg-deb -e "$T/src/spad_${V}_${ARCH}.deb" "$T/ctl" 2>/dev/null
check "spad's postinst is valid sh and creates the spad system user" \
	bash -c "sh -n '$T/ctl/postinst' && grep -q 'getent passwd spad' '$T/ctl/postinst' && grep -q 'adduser --system' '$T/ctl/postinst'"
check "spad.service is enabled through the package's postinst" grep -q 'deb-systemd-helper.*spad.service' "$T/ctl/postinst"

# --- the unpacked spad checks a configuration ------------------------------------
# The packaged default configuration, pointed at this test's own directory.
W=$T/w; mkdir -p "$W"; chmod 0700 "$W"
conf=$W/spad.conf
sed -e "s|^db_path = .*|db_path = $W/spad.db|" -e "s|^server_key = .*|server_key = $W/server.key|" \
	-e "s|^control_socket = .*|control_socket = $W/control.sock|" -e "s|^pid_file = .*|pid_file = $W/spad.pid|" \
	-e "s|^user = .*|user = nobody|" -e "/^pid_file =/d" "$R/etc/spad/spad.conf" >"$conf" 2>/dev/null
echo "pid_file = $W/spad.pid" >>"$conf"
export LD_LIBRARY_PATH=$R/usr/lib/$MA
if [ -x "$R/usr/sbin/spa-admin" ]; then
	check "the unpacked spa-admin initialises a store from the packaged schemas" \
		env SPA_SQL_DIR="$R/usr/share/spa/sql" "$R/usr/sbin/spa-admin" -c "$conf" init
fi
spad=$R/usr/sbin/spad
if "$spad" --help 2>&1 | grep -q -- '-t'; then
	check "the unpacked spad -t accepts the packaged configuration" "$spad" -t -c "$conf"
	printf 'no_such_key = 1\n' >>"$conf"
	out=$("$spad" -t -c "$conf" 2>&1); rc=$?
	check_eq "spad -t refuses an unknown key with status 1" 1 "$rc"
	check "and names file and line" grep -q "$conf:[0-9]" <<<"$out"
else
	# TODO: spad without -t (not merged yet): at least the binary runs.
	check "the unpacked spad runs (--version; -t missing)" "$spad" --version
fi
finish
