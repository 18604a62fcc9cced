/*
 * spa_util.h - small shared parsers and file helpers: addresses, port lists,
 * secret files read with fstat checks and written atomically.
 */
#ifndef SPA_UTIL_H
#define SPA_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Parse an IPv4 or IPv6 address into 16 bytes (IPv4 as ::ffff:a.b.c.d); "" gives all zero.
 * Strict inet_pton syntax: no blanks, prefixes, zone ids or shorthand IPv4. 0 or SPA_ERR_ADDR.
 */
int spa_ip_parse(const char *text, uint8_t out[16]);
/* Format 16 bytes: IPv4-mapped as dotted quad, others as IPv6, all zero as "". 0 or SPA_ERR_BUF_FULL. */
int spa_ip_format(const uint8_t ip[16], char *out, size_t outcap);
/* 1 if ip is an IPv4-mapped address. */
int spa_ip_is_v4(const uint8_t ip[16]);

struct spa_portspec {
	uint8_t proto;	/* SPA_PROTO_TCP / SPA_PROTO_UDP */
	uint16_t port;	/* 1..65535 */
};
/*
 * Parse "tcp/22,udp/53,443" (bare port = tcp; "tcp"/"udp" in any case) into out[max];
 * duplicates are removed, blanks around items ignored, an empty or blank text is an
 * empty list.  An empty item, another protocol or a port as spa_port_parse refuses it
 * is SPA_ERR_PORT (*bad set to the item's 0-based index if bad != NULL); more than max
 * distinct items is SPA_ERR_TOO_LONG.  *n is 0 on error.
 */
int spa_ports_parse(const char *text, struct spa_portspec *out, size_t max, size_t *n, size_t *bad);
/* Format a port list as "tcp/22,udp/53". 0, SPA_ERR_BUF_FULL or SPA_ERR_PORT (port 0 / bad protocol). */
int spa_ports_format(const struct spa_portspec *p, size_t n, char *out, size_t outcap);
/* Parse a decimal port 1..65535: digits only, no sign, blanks or leading zero. 0 or SPA_ERR_PORT. */
int spa_port_parse(const char *text, uint16_t *port);

/*
 * Read a whole file of at most maxsize bytes into a NUL-terminated malloc'd buffer.
 * With secret != 0 the file must be a regular file owned by the caller (or root)
 * with no group/other permission bits; checks use fstat on the open descriptor.
 * A symbolic link as the last component is refused (SPA_ERR_FILE_TYPE), as are
 * directories, FIFOs and devices.  Internal copies are wiped; the caller frees a
 * secret with spa_freezero(*data, *len + 1).
 * 0, SPA_ERR_SYSTEM (errno set), SPA_ERR_FILE_PERM, SPA_ERR_FILE_TYPE, SPA_ERR_FILE_SIZE, SPA_ERR_NOMEM.
 */
int spa_file_read(const char *path, size_t maxsize, int secret, char **data, size_t *len);

/*
 * Replace path with data[len] atomically: temp file in the same directory
 * (mode as given), write, fsync, rename, fsync the directory.  On any error
 * the old file is untouched and the temp file (".name.XXXXXX") removed; the one
 * exception is a failing fsync of the directory, after the rename.
 * 0 or SPA_ERR_SYSTEM with errno set (ENOSPC, EROFS, EACCES ...).
 */
int spa_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode);

/*
 * Read one line from fd into buf[cap], NUL-terminated, the newline and a
 * trailing CR dropped; end of file ends the line.  0, SPA_ERR_TOO_LONG (buf
 * wiped: a secret is refused, never truncated) or SPA_ERR_SYSTEM.
 */
int spa_read_line(int fd, char *buf, size_t cap);

/*
 * Write prompt to the terminal fd and read a line with echo off, then restore
 * the terminal.  Fails with SPA_ERR_SYSTEM rather than read with echo on.
 */
int spa_tty_read_secret(int fd, const char *prompt, char *buf, size_t cap);

#endif /* SPA_UTIL_H */
