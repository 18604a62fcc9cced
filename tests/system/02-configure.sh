#!/usr/bin/env bash
# configure: each backend can be switched off and the tree still builds and
# passes its unit tests; asking for a missing library names the Debian package.
. "$(dirname "$0")/lib.sh"

# A pkg-config directory with every .pc file of the machine but one.
pc_without() {
	local dir=$T/pc-$1 d f
	mkdir -p "$dir"
	for d in $(pkg-config --variable pc_path pkg-config | tr ':' ' '); do
		[ -d "$d" ] || continue
		for f in "$d"/*.pc; do
			[ -e "$f" ] && [ "$(basename "$f")" != "$1.pc" ] && ln -sf "$f" "$dir/"
		done
	done
	echo "$dir"
}
# configure_fails_naming PC-MODULE OPTION PACKAGE
configure_fails_naming() {
	local dir out
	dir=$(pc_without "$1")
	mkdir -p "$T/cf-$1"
	out=$(cd "$T/cf-$1" && PKG_CONFIG_LIBDIR=$dir "$SPA_SRC/configure" "$2" 2>&1)
	[ $? -ne 0 ] && printf '%s\n' "$out" | tail -1 | grep -q "apt-get install $3"
}
check "--with-sqlite=yes without sqlite3.pc fails naming libsqlite3-dev" \
	configure_fails_naming sqlite3 --with-sqlite=yes libsqlite3-dev
check "--with-nftables=yes without libnftables.pc fails naming libnftables-dev" \
	configure_fails_naming libnftables --with-nftables=yes libnftables-dev
check "--with-mariadb=yes without libmariadb.pc fails naming libmariadb-dev" \
	configure_fails_naming libmariadb --with-mariadb=yes libmariadb-dev
check "OpenSSL missing fails naming libssl-dev" configure_fails_naming libcrypto "" libssl-dev
check_fail "--with-sqlite=maybe is refused" sh -c "cd '$T' && '$SPA_SRC/configure' --with-sqlite=maybe"
# auto without the library: configure succeeds and says the backend is off.
auto_off() {
	local dir
	dir=$(pc_without libmariadb)
	mkdir -p "$T/auto"
	(cd "$T/auto" && PKG_CONFIG_LIBDIR=$dir "$SPA_SRC/configure") >"$T/auto.out" 2>&1 &&
	grep -q 'mariadb: no' "$T/auto.out"
}
check "--with-mariadb=auto without the library configures with the backend off" auto_off

# Minimal and alternative builds compile warning-free and pass the unit tests.
variant() { # variant NAME CONFIGURE-ARGS...
	local n=$1; shift
	mkdir -p "$T/$n"
	(cd "$T/$n" && "$SPA_SRC/configure" --enable-werror "$@" && make -j2 && make -j2 check) >"$T/$n.log" 2>&1
}
check "build without mariadb, iptables, curl, conntrack, libcap" \
	variant v1 --with-mariadb=no --with-iptc=no --with-curl=no --with-conntrack=no --with-libcap=no
check "build without sqlite, nftables, pcap, pam, cmocka (no spad, no pam_spa)" \
	variant v2 --with-sqlite=no --with-nftables=no --with-pcap=no --with-pam=no --with-cmocka=no
check "v2 built no spad and no pam_spa" sh -c "! test -e '$T/v2/spad/spad' && ! test -e '$T/v2/pam_spa/.libs/pam_spa.so'"
check "v2 still built spa-admin (MariaDB store) and spa-knock" \
	test -x "$T/v2/spad/spa-admin" -a -x "$T/v2/spa-knock/spa-knock"
finish
