/*
 * spa_util.c - addresses, port lists and the two file helpers every secret
 * goes through.
 *
 * The parsers are strict on purpose: a port list decides which doors a
 * client may open, so "22x", "+22", "tcp/0" or an empty item are errors, not
 * guesses.  spa_file_read checks the descriptor it reads (fstat), never the
 * path, so a file swapped between check and use is caught; symlinks are
 * refused outright.  spa_file_write_atomic is the only way secrets reach
 * disk: temp file, fsync, rename, fsync of the directory.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "spa_crypto.h"
#include "spa_err.h"
#include "spa_pkt.h"
#include "spa_util.h"

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

int
spa_ip_parse(const char *text, uint8_t out[16])
{
	memset(out, 0, 16);
	if (text == NULL)
		return SPA_ERR_ADDR;
	if (text[0] == '\0')
		return 0;
	if (strlen(text) >= INET6_ADDRSTRLEN)
		return SPA_ERR_ADDR;
	if (strchr(text, ':') != NULL)
		return inet_pton(AF_INET6, text, out) == 1 ? 0 : SPA_ERR_ADDR;
	/* glibc's inet_pton takes exactly four decimal parts, no leading zeros. */
	if (inet_pton(AF_INET, text, out + 12) != 1) {
		memset(out, 0, 16);
		return SPA_ERR_ADDR;
	}
	memcpy(out, v4mapped, sizeof(v4mapped));
	return 0;
}

int
spa_ip_is_v4(const uint8_t ip[16])
{
	return memcmp(ip, v4mapped, sizeof(v4mapped)) == 0;
}

int
spa_ip_format(const uint8_t ip[16], char *out, size_t outcap)
{
	char tmp[INET6_ADDRSTRLEN];
	const char *r;

	if (outcap == 0)
		return SPA_ERR_BUF_FULL;
	out[0] = '\0';
	if (spa_is_zero(ip, 16))
		return 0;
	if (spa_ip_is_v4(ip))
		r = inet_ntop(AF_INET, ip + 12, tmp, sizeof(tmp));
	else
		r = inet_ntop(AF_INET6, ip, tmp, sizeof(tmp));
	if (r == NULL)
		return SPA_ERR_INTERNAL;
	if (strlen(tmp) >= outcap)
		return SPA_ERR_BUF_FULL;
	memcpy(out, tmp, strlen(tmp) + 1);
	return 0;
}

/* Strict decimal port in s[0..n): 1..5 digits, no sign, no leading zero, 1..65535. */
static int
port_parse_n(const char *s, size_t n, uint16_t *port)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0 || n > 5 || s[0] == '0')
		return SPA_ERR_PORT;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return SPA_ERR_PORT;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return SPA_ERR_PORT;
	*port = (uint16_t)v;
	return 0;
}

int
spa_port_parse(const char *text, uint16_t *port)
{
	if (text == NULL)
		return SPA_ERR_PORT;
	return port_parse_n(text, strlen(text), port);
}

static int
is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* One item "tcp/22", "udp/53" or "22" in s[0..n), blanks already trimmed. */
static int
item_parse(const char *s, size_t n, struct spa_portspec *ps)
{
	ps->proto = SPA_PROTO_TCP;
	if (n >= 4 && s[3] == '/') {
		if (strncasecmp(s, "tcp", 3) == 0)
			ps->proto = SPA_PROTO_TCP;
		else if (strncasecmp(s, "udp", 3) == 0)
			ps->proto = SPA_PROTO_UDP;
		else
			return SPA_ERR_PORT;
		s += 4;
		n -= 4;
	}
	return port_parse_n(s, n, &ps->port);
}

int
spa_ports_parse(const char *text, struct spa_portspec *out, size_t max, size_t *n, size_t *bad)
{
	const char *s, *end, *comma;
	size_t count = 0, item = 0, i;
	int rc;

	*n = 0;
	if (text == NULL)
		return SPA_ERR_PORT;
	for (s = text; is_blank(*s); s++)
		;
	if (*s == '\0')			/* an empty list: no ports at all */
		return 0;
	for (s = text;; s = comma + 1, item++) {
		struct spa_portspec ps;
		const char *a = s, *b;

		comma = strchr(s, ',');
		end = comma != NULL ? comma : s + strlen(s);
		b = end;
		while (a < b && is_blank(*a))
			a++;
		while (b > a && is_blank(b[-1]))
			b--;
		if ((rc = item_parse(a, (size_t)(b - a), &ps)) != 0) {
			if (bad != NULL)
				*bad = item;
			return rc;
		}
		for (i = 0; i < count; i++)
			if (out[i].proto == ps.proto && out[i].port == ps.port)
				break;
		if (i == count) {
			if (count == max)
				return SPA_ERR_TOO_LONG;
			out[count++] = ps;
		}
		if (comma == NULL)
			break;
	}
	*n = count;
	return 0;
}

int
spa_ports_format(const struct spa_portspec *p, size_t n, char *out, size_t outcap)
{
	size_t off = 0, i;

	if (outcap == 0)
		return SPA_ERR_BUF_FULL;
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		const char *proto;
		int w;

		if (p[i].proto == SPA_PROTO_TCP)
			proto = "tcp";
		else if (p[i].proto == SPA_PROTO_UDP)
			proto = "udp";
		else
			return SPA_ERR_PORT;
		if (p[i].port == 0)
			return SPA_ERR_PORT;
		w = snprintf(out + off, outcap - off, "%s%s/%u", i > 0 ? "," : "", proto,
		    (unsigned)p[i].port);
		if (w < 0 || (size_t)w >= outcap - off) {
			out[0] = '\0';
			return SPA_ERR_BUF_FULL;
		}
		off += (size_t)w;
	}
	return 0;
}

int
spa_file_read(const char *path, size_t maxsize, int secret, char **data, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	size_t cap, got = 0;
	int fd, rc, saved;

	*data = NULL;
	*len = 0;
	/* O_NONBLOCK: opening a FIFO must not hang before fstat refuses it. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return errno == ELOOP ? SPA_ERR_FILE_TYPE : SPA_ERR_SYSTEM;
	if (fstat(fd, &st) != 0) {
		rc = SPA_ERR_SYSTEM;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = SPA_ERR_FILE_TYPE;
		goto out;
	}
	if (secret && ((st.st_uid != geteuid() && st.st_uid != 0) || (st.st_mode & 077) != 0)) {
		rc = SPA_ERR_FILE_PERM;
		goto out;
	}
	if (st.st_size < 0 || (uint64_t)st.st_size > maxsize) {
		rc = SPA_ERR_FILE_SIZE;
		goto out;
	}
	/* The size may change under us: read to EOF, never past maxsize. */
	cap = (size_t)st.st_size + 1;
	if ((buf = malloc(cap)) == NULL) {
		rc = SPA_ERR_NOMEM;
		goto out;
	}
	for (;;) {
		ssize_t r;

		if (got + 1 == cap) {
			size_t ncap = cap < 4096 ? 4096 : cap * 2;
			char c1, *nb;

			/* Full: the usual case is EOF right here, so probe one byte. */
			do
				r = read(fd, &c1, 1);
			while (r < 0 && errno == EINTR);
			if (r == 0)
				break;
			if (r < 0 || got >= maxsize) {
				rc = r < 0 ? SPA_ERR_SYSTEM : SPA_ERR_FILE_SIZE;
				goto out;
			}
			if (maxsize < SIZE_MAX && ncap > maxsize + 1)
				ncap = maxsize + 1;
			if ((nb = malloc(ncap)) == NULL) {
				rc = SPA_ERR_NOMEM;
				goto out;
			}
			memcpy(nb, buf, got);
			spa_freezero(buf, cap);
			buf = nb;
			cap = ncap;
			buf[got++] = c1;
			c1 = 0;
			continue;
		}
		r = read(fd, buf + got, cap - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = SPA_ERR_SYSTEM;
			goto out;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	buf = NULL;
	rc = 0;
out:
	saved = errno;
	if (buf != NULL)
		spa_freezero(buf, cap);
	close(fd);
	errno = saved;
	return rc;
}

/* Write all of data[len] to fd, riding out EINTR and short writes. */
static int
write_all(int fd, const uint8_t *data, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, data, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

int
spa_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	const char *slash, *base;
	char *tmp = NULL, *dir = NULL;
	size_t dlen;
	int fd = -1, dfd = -1, rc = SPA_ERR_SYSTEM, saved;

	if (path == NULL || path[0] == '\0' || (data == NULL && len > 0)) {
		errno = EINVAL;
		return SPA_ERR_SYSTEM;
	}
	slash = strrchr(path, '/');
	base = slash != NULL ? slash + 1 : path;
	if (*base == '\0') {
		errno = EISDIR;
		return SPA_ERR_SYSTEM;
	}
	dlen = slash == NULL ? 1 : slash == path ? 1 : (size_t)(slash - path);
	if ((dir = slash == NULL ? strdup(".") : strndup(path, dlen)) == NULL) {
		errno = ENOMEM;
		return SPA_ERR_SYSTEM;
	}
	/* Dot-prefixed temp next to the target, so rename stays on one file system. */
	if (asprintf(&tmp, "%s/.%s.XXXXXX", dir, base) < 0) {
		tmp = NULL;
		errno = ENOMEM;
		goto out;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		free(tmp);
		tmp = NULL;		/* nothing to unlink */
		goto out;
	}
	if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0)
		goto out;
	if (close(fd) != 0) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto out;
	free(tmp);
	tmp = NULL;			/* it is the target now */
	/* Make the rename itself durable; some file systems cannot sync a directory. */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		goto out;
	if (fsync(dfd) != 0 && errno != EINVAL)
		goto out;
	rc = 0;
out:
	saved = errno;
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	free(dir);
	errno = saved;
	return rc;
}

int
spa_read_line(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	ssize_t r;
	char ch;

	if (cap == 0)
		return SPA_ERR_TOO_LONG;
	for (;;) {
		r = read(fd, &ch, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			spa_wipe(buf, cap);
			return SPA_ERR_SYSTEM;
		}
		if (r == 0 || ch == '\n')
			break;
		if (n + 1 >= cap) {
			spa_wipe(buf, cap);
			return SPA_ERR_TOO_LONG;
		}
		buf[n++] = ch;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return SPA_OK;
}

int
spa_tty_read_secret(int fd, const char *prompt, char *buf, size_t cap)
{
	struct termios old, quiet;
	int rc;

	if (write(fd, prompt, strlen(prompt)) < 0 || tcgetattr(fd, &old) != 0)
		return SPA_ERR_SYSTEM;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0)
		return SPA_ERR_SYSTEM;
	rc = spa_read_line(fd, buf, cap);
	if (tcsetattr(fd, TCSAFLUSH, &old) != 0 && rc == SPA_OK)
		rc = SPA_ERR_SYSTEM;
	(void)!write(fd, "\n", 1);
	if (rc != SPA_OK)
		spa_wipe(buf, cap);
	return rc;
}
