#!/usr/bin/env bash
# make install DESTDIR=... puts every part where a system looks for it, with
# sane modes, pam_spa.so exporting only pam_sm_*, libspacore usable through
# its .pc; make uninstall then leaves no file behind (empty directories may
# stay).  Reuses $SPA_BUILD when it is configured, else configures one in $T.
. "$(dirname "$0")/lib.sh"
ROOT=$T/root
B=$SPA_BUILD
if [ ! -f "$B/Makefile" ]; then
	B=$T/build; mkdir -p "$B"
	( cd "$B" && "$SPA_SRC/configure" --enable-werror && make -j2 ) >"$T/build.log" 2>&1 ||
		{ nok "configure and build in $B"; tail -20 "$T/build.log" | sed 's/^/# /'; finish; }
fi
# The installation directories as configure set them (fully expanded by make).
mkvar() {
	printf 'spa-print-var:\n\t@echo $(%s)\n' "$1" |
		make --no-print-directory -s -C "$B" -f Makefile -f - spa-print-var
}
for v in sysconfdir bindir sbindir libdir includedir pkgconfigdir pamdir mandir systemdsystemunitdir docdir pkgdatadir; do
	printf -v "$v" '%s' "$(mkvar $v)"
done
# on NAME: 1 if configure enabled the automake conditional NAME.
on() { grep -q "^S\\[\"${1}_TRUE\"\\]=\"\"\$" "$B/config.status"; }

# This check keeps the layout below honest: on a machine with every -dev
# package (tests/run installs them) every part is built, so every part is checked.
parts=""
for c in BUILD_SPAD BUILD_ADMIN HAVE_PAM; do on $c || parts="$parts $c"; done
check_eq "configure enabled every part (spad, spa-admin, pam_spa)" "" "${parts# }"

if ( cd "$B" && make -j2 install DESTDIR="$ROOT" ) >"$T/install.log" 2>&1; then
	ok "make install DESTDIR=..."
else
	nok "make install DESTDIR=..."; tail -20 "$T/install.log" | sed 's/^/# /'
fi

# --- layout ------------------------------------------------------------------
expect=()
on BUILD_SPAD && expect+=("$sbindir/spad" "$systemdsystemunitdir/spad.service" "$sysconfdir/spad/spad.conf.example")
on BUILD_ADMIN && expect+=("$sbindir/spa-admin")
expect+=("$bindir/spa-knock")
on HAVE_PAM && expect+=("$pamdir/pam_spa.so")
expect+=("$libdir/libspacore.so" "$libdir/libspacore.so.0" "$pkgconfigdir/spacore.pc")
for h in spa_err.h spa_buf.h spa_crypto.h spa_pkt.h spa_util.h spa_conf.h spa_ctl.h spa_client.h; do
	expect+=("$includedir/spacore/$h")
done
expect+=("$mandir/man8/spad.8" "$mandir/man5/spad.conf.5" "$mandir/man8/spa-admin.8"
	"$mandir/man1/spa-knock.1" "$mandir/man8/pam_spa.8" "$mandir/man7/spa-protocol.7")
nsql=0
while IFS= read -r s; do
	expect+=("$pkgdatadir/sql/${s#"$SPA_SRC/sql/"}"); nsql=$((nsql + 1))
done < <(find "$SPA_SRC/sql" -name '*.sql' | sort)
check "the source has store schemas in sql/ ($nsql)" test "$nsql" -gt 0
for f in "${expect[@]}"; do
	check "installed: $f" test -f "$ROOT$f"
done
check_fail "no pam_spa.la or static archive in the PAM directory" \
	bash -c "ls '$ROOT$pamdir' | grep -v '^pam_spa\.so\$'"

# --- modes -------------------------------------------------------------------
mode() { stat -c %a "$1" 2>/dev/null; }
for f in "$sbindir/spad" "$sbindir/spa-admin" "$bindir/spa-knock"; do
	[ -e "$ROOT$f" ] && check_eq "mode of $f" 755 "$(mode "$ROOT$f")"
done
if [ -e "$ROOT$pamdir/pam_spa.so" ]; then
	check "pam_spa.so is writable by its owner only" bash -c "[ \$(( 0\$(stat -c %a '$ROOT$pamdir/pam_spa.so') & 022 )) -eq 0 ]"
fi
for f in "$systemdsystemunitdir/spad.service" "$pkgconfigdir/spacore.pc" "$includedir/spacore/spa_pkt.h" \
	"$mandir/man8/spad.8"; do
	[ -e "$ROOT$f" ] && check_eq "mode of $f" 644 "$(mode "$ROOT$f")"
done
check_eq "nothing installed world-writable, setuid or setgid" "" \
	"$(find "$ROOT" \( -perm -o+w -o -perm /6000 \) ! -type l -printf '%P ' 2>/dev/null)"
check_eq "the unit names the installed spad" "" \
	"$(grep -h '^ExecStart' "$ROOT$systemdsystemunitdir/spad.service" 2>/dev/null | grep -v "=$sbindir/spad ")"

# --- exported symbols ----------------------------------------------------------
syms() { nm -D --defined-only "$1" 2>/dev/null | awk '$2 ~ /^[TDBRVWiu]$/ {print $3}'; }
if [ -e "$ROOT$pamdir/pam_spa.so" ]; then
	s=$(syms "$ROOT$pamdir/pam_spa.so")
	check "pam_spa.so exports pam_sm_acct_mgmt and pam_sm_authenticate" \
		bash -c "grep -qx pam_sm_acct_mgmt <<<'$s' && grep -qx pam_sm_authenticate <<<'$s'"
	check_eq "pam_spa.so exports only pam_sm_*" "" "$(grep -v '^pam_sm_' <<<"$s" | tr '\n' ' ')"
	check_eq "pam_spa.so links no database client or libpcap" "" \
		"$(objdump -p "$ROOT$pamdir/pam_spa.so" | awk '/NEEDED/ {print $2}' | grep -E 'pcap|mariadb|mysql|sqlite' | tr '\n' ' ')"
fi
check_eq "libspacore exports only spa_*" "" \
	"$(syms "$ROOT$libdir/libspacore.so" | grep -v '^spa_' | tr '\n' ' ')"

# --- the library through its .pc ------------------------------------------------
cat >"$T/use.c" <<'C'
#include <stdio.h>
#include <spa_err.h>
#include <spa_pkt.h>
#include <spa_crypto.h>
int main(void)
{
	uint8_t seed[32], id[SPA_KEYID_LEN];
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)i;
	if (spa_key_id(seed, id) != SPA_OK)
		return 1;
	for (int i = 0; i < SPA_KEYID_LEN; i++)
		printf("%02x", id[i]);
	printf("\n");
	return 0;
}
C
pc() { PKG_CONFIG_SYSROOT_DIR=$ROOT PKG_CONFIG_PATH=$ROOT$pkgconfigdir pkg-config "$@" spacore; }
check "pkg-config finds spacore in the DESTDIR" pc --exists
check "a program builds against the installed header and library" \
	bash -c "cc -o '$T/use' '$T/use.c' \$(PKG_CONFIG_SYSROOT_DIR='$ROOT' PKG_CONFIG_PATH='$ROOT$pkgconfigdir' pkg-config --cflags --libs spacore)"
check_eq "and computes the shared key_id vector" 8965a1087ba6eba9a6a69eaccb4fcb45 \
	"$(LD_LIBRARY_PATH=$ROOT$libdir "$T/use" 2>&1)"

# --- uninstall -------------------------------------------------------------------
if ( cd "$B" && make uninstall DESTDIR="$ROOT" ) >"$T/uninstall.log" 2>&1; then
	ok "make uninstall DESTDIR=..."
else
	nok "make uninstall DESTDIR=..."; tail -20 "$T/uninstall.log" | sed 's/^/# /'
fi
left=$(cd "$ROOT" && find . ! -type d -printf '%P ' 2>/dev/null)
check_eq "make uninstall leaves no file behind" "" "${left% }"
finish
