/*
 * spa_ctl.c - the control-socket protocol: a strict line codec on bytes and
 * the few socket calls around it (connect, send, receive, peer check).
 *
 * The parser is a pure function of its input so a fuzzer can drive it; it
 * rejects rather than repairs: anything outside the grammar in spa_ctl.h is
 * SPA_ERR_CTL_PROTO.  Every socket call runs against one deadline so a stuck
 * peer costs a PAM login at most the caller's timeout.
 */
#include "config.h"	/* _GNU_SOURCE: struct ucred, getgrouplist */

#include "spa_ctl.h"

#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "spa_err.h"

static int key_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || c == '_';
}

static int value_char(uint8_t c)
{
	return c >= 0x20 && c <= 0x7e;
}

/* A verb or key of n bytes at p. */
static int key_ok_n(const uint8_t *p, size_t n)
{
	size_t i;

	if (n == 0 || n > SPA_CTL_MAX_KEY)
		return 0;
	for (i = 0; i < n; i++)
		if (!key_char(p[i]))
			return 0;
	return 1;
}

int spa_ctl_key_ok(const char *s)
{
	return s != NULL && key_ok_n((const uint8_t *)s, strnlen(s, SPA_CTL_MAX_KEY + 1));
}

int spa_ctl_value_ok(const char *s)
{
	size_t i, n;

	if (s == NULL)
		return 0;
	n = strnlen(s, SPA_CTL_MAX_VALUE + 1);
	if (n > SPA_CTL_MAX_VALUE)
		return 0;
	for (i = 0; i < n; i++)
		if (!value_char((uint8_t)s[i]))
			return 0;
	return 1;
}

int spa_ctl_frame_len(struct spa_buf *b, uint32_t *len)
{
	uint32_t n;
	int rc;

	if ((rc = spa_buf_get_u32(b, &n)) != 0)
		return rc;
	if (n == 0 || n > SPA_CTL_MAX_BODY)
		return SPA_ERR_CTL_PROTO;
	*len = n;
	return 0;
}

void spa_ctl_msg_free(struct spa_ctl_msg *m)
{
	if (m == NULL)
		return;
	if (m->text != NULL) {
		/* the body may carry user names and addresses: do not leave them in the heap */
		explicit_bzero(m->text, m->textlen);
		free(m->text);
	}
	free(m->field);
	free(m);
}

/* Is key already in record rec (fields[0..n) are in order, so scan back)? */
static int dup_in_record(const struct spa_ctl_msg *m, size_t rec, const char *key)
{
	size_t i;

	for (i = m->nfields; i-- > 0 && m->field[i].rec == rec;)
		if (strcmp(m->field[i].key, key) == 0)
			return 1;
	return 0;
}

int spa_ctl_parse(const uint8_t *body, size_t len, struct spa_ctl_msg **out)
{
	struct spa_ctl_msg *m = NULL;
	size_t i, lines = 0, pos, start, eq;
	int rc = SPA_ERR_CTL_PROTO;

	*out = NULL;
	if (body == NULL || len == 0 || len > SPA_CTL_MAX_BODY || body[len - 1] != '\n')
		return SPA_ERR_CTL_PROTO;
	/* one pass for the character set, which also bounds the field table */
	for (i = 0; i < len; i++) {
		if (body[i] == '\n')
			lines++;
		else if (!value_char(body[i]))
			return SPA_ERR_CTL_PROTO;
	}
	if (lines - 1 > SPA_CTL_MAX_FIELDS + SPA_CTL_MAX_RECORDS)
		return SPA_ERR_CTL_PROTO;

	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->text = malloc(len)) == NULL ||
	    (lines > 1 && (m->field = calloc(lines - 1, sizeof(*m->field))) == NULL)) {
		rc = SPA_ERR_NOMEM;
		goto out;
	}
	memcpy(m->text, body, len);
	m->textlen = len;

	for (pos = 0; pos < len; pos = i + 1) {
		start = pos;
		for (i = pos; m->text[i] != '\n'; i++)
			;	/* stops: text[len - 1] is '\n' */
		m->text[i] = '\0';
		if (start == 0) {
			if (!key_ok_n((const uint8_t *)m->text, i))
				goto out;
			memcpy(m->verb, m->text, i);
			m->verb[i] = '\0';
			continue;
		}
		if (i - start == 1 && m->text[start] == '-') {
			if (m->nrecords == SPA_CTL_MAX_RECORDS)
				goto out;
			m->nrecords++;
			continue;
		}
		for (eq = start; eq < i && m->text[eq] != '='; eq++)
			;
		if (eq == i || !key_ok_n((const uint8_t *)m->text + start, eq - start) ||
		    i - eq - 1 > SPA_CTL_MAX_VALUE || m->nfields == SPA_CTL_MAX_FIELDS)
			goto out;
		m->text[eq] = '\0';
		if (dup_in_record(m, m->nrecords, m->text + start))
			goto out;
		m->field[m->nfields].key = m->text + start;
		m->field[m->nfields].value = m->text + eq + 1;
		m->field[m->nfields].rec = m->nrecords;
		m->nfields++;
	}
	*out = m;
	m = NULL;
	rc = 0;
out:
	spa_ctl_msg_free(m);
	return rc;
}

int spa_ctl_parse_frame(const uint8_t *frame, size_t len, struct spa_ctl_msg **out)
{
	struct spa_buf b;
	uint32_t n;

	*out = NULL;
	if (frame == NULL)
		return SPA_ERR_CTL_PROTO;
	spa_buf_init_ro(&b, frame, len);
	if (spa_ctl_frame_len(&b, &n) != 0 || spa_buf_left(&b) != n)
		return SPA_ERR_CTL_PROTO;
	return spa_ctl_parse(frame + SPA_CTL_HDR, n, out);
}

const char *spa_ctl_get(const struct spa_ctl_msg *m, size_t rec, const char *key)
{
	size_t i;

	if (m == NULL || key == NULL)
		return NULL;
	for (i = 0; i < m->nfields; i++)
		if (m->field[i].rec == rec && strcmp(m->field[i].key, key) == 0)
			return m->field[i].value;
	return NULL;
}

int spa_ctl_get_u64(const struct spa_ctl_msg *m, size_t rec, const char *key,
		    uint64_t min, uint64_t max, uint64_t *v)
{
	const char *s = spa_ctl_get(m, rec, key);
	uint64_t n = 0;
	size_t i;

	if (s == NULL)
		return SPA_ERR_NOT_FOUND;
	if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0'))
		return SPA_ERR_CTL_PROTO;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return SPA_ERR_CTL_PROTO;
		if (n > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return SPA_ERR_CTL_PROTO;
		n = n * 10 + (uint64_t)(s[i] - '0');
	}
	if (n < min || n > max)
		return SPA_ERR_CTL_PROTO;
	*v = n;
	return 0;
}

int spa_ctl_is(const struct spa_ctl_msg *m, const char *verb)
{
	return m != NULL && verb != NULL && strcmp(m->verb, verb) == 0;
}

/* ---- builder ---------------------------------------------------------------- */

static void w_fail(struct spa_ctl_writer *w, int err)
{
	if (w->err == 0)
		w->err = err;
}

static void w_put(struct spa_ctl_writer *w, const void *p, size_t n)
{
	if (w->err == 0 && spa_buf_put_bytes(&w->b, p, n) != 0)
		w_fail(w, SPA_ERR_TOO_LONG);
}

void spa_ctl_begin(struct spa_ctl_writer *w, const char *verb)
{
	w->nfields = 0;
	w->nrecords = 0;
	w->err = 0;
	w->done = 0;
	spa_buf_init(&w->b, w->frame, sizeof(w->frame));
	if (spa_buf_put_zero(&w->b, SPA_CTL_HDR) != 0)
		w_fail(w, SPA_ERR_INTERNAL);
	if (!spa_ctl_key_ok(verb)) {
		w_fail(w, SPA_ERR_INVALID);
		return;
	}
	w_put(w, verb, strlen(verb));
	w_put(w, "\n", 1);
	w->rec_start = w->b.pos;
}

/* Does a line "key=" start somewhere in the current record's bytes? */
static int w_dup(const struct spa_ctl_writer *w, const char *key)
{
	size_t klen = strlen(key), p = w->rec_start, end = w->b.pos;

	while (p < end) {
		if (end - p > klen && memcmp(w->frame + p, key, klen) == 0 && w->frame[p + klen] == '=')
			return 1;
		while (p < end && w->frame[p] != '\n')
			p++;
		p++;
	}
	return 0;
}

void spa_ctl_add(struct spa_ctl_writer *w, const char *key, const char *value)
{
	if (w->err != 0 || w->done)
		return;
	if (!spa_ctl_key_ok(key) || !spa_ctl_value_ok(value)) {
		w_fail(w, SPA_ERR_INVALID);
		return;
	}
	if (w->nfields == SPA_CTL_MAX_FIELDS) {
		w_fail(w, SPA_ERR_TOO_LONG);
		return;
	}
	if (w_dup(w, key)) {
		w_fail(w, SPA_ERR_EXISTS);
		return;
	}
	w_put(w, key, strlen(key));
	w_put(w, "=", 1);
	w_put(w, value, strlen(value));
	w_put(w, "\n", 1);
	w->nfields++;
}

void spa_ctl_add_u64(struct spa_ctl_writer *w, const char *key, uint64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	spa_ctl_add(w, key, num);
}

void spa_ctl_addf(struct spa_ctl_writer *w, const char *key, const char *fmt, ...)
{
	char value[SPA_CTL_MAX_VALUE + 2];
	va_list ap;
	int n;

	if (w->err != 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n > SPA_CTL_MAX_VALUE) {
		w_fail(w, SPA_ERR_TOO_LONG);
		return;
	}
	spa_ctl_add(w, key, value);
}

void spa_ctl_record(struct spa_ctl_writer *w)
{
	if (w->err != 0 || w->done)
		return;
	if (w->nrecords == SPA_CTL_MAX_RECORDS) {
		w_fail(w, SPA_ERR_TOO_LONG);
		return;
	}
	w_put(w, "-\n", 2);
	w->nrecords++;
	w->rec_start = w->b.pos;
}

int spa_ctl_finish(struct spa_ctl_writer *w, const uint8_t **frame, size_t *len)
{
	struct spa_buf hdr;
	size_t n;

	if (w->err != 0)
		return w->err;
	n = w->b.pos - SPA_CTL_HDR;
	if (n == 0 || n > SPA_CTL_MAX_BODY)
		return SPA_ERR_INTERNAL;
	spa_buf_init(&hdr, w->frame, SPA_CTL_HDR);
	if (spa_buf_put_u32(&hdr, (uint32_t)n) != 0)
		return SPA_ERR_INTERNAL;
	w->done = 1;
	*frame = w->frame;
	*len = w->b.pos;
	return 0;
}

/* ---- I/O ---------------------------------------------------------------------- */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds until deadline, 0 when passed. */
static int left_ms(int64_t deadline)
{
	int64_t d = deadline - now_ms();

	return d <= 0 ? 0 : d > 0x7fffffff ? 0x7fffffff : (int)d;
}

/* Wait for events on fd until deadline: 0, SPA_ERR_TIMEOUT or SPA_ERR_SYSTEM. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n;

	for (;;) {
		n = poll(&p, 1, left_ms(deadline));
		if (n > 0)
			return 0;	/* readable, writable or an error the next call reports */
		if (n == 0)
			return SPA_ERR_TIMEOUT;
		if (errno != EINTR)
			return SPA_ERR_SYSTEM;
	}
}

int spa_ctl_connect(const char *path, int timeout_ms, int *fd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int64_t deadline = now_ms() + (timeout_ms < 0 ? 0 : timeout_ms);
	int s, rc, e;

	*fd = -1;
	if (path == NULL || path[0] == '\0' || strlen(path) >= sizeof(sa.sun_path))
		return SPA_ERR_INVALID;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return SPA_ERR_SYSTEM;
	for (;;) {
		if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			break;
		if (errno == EINTR)
			continue;
		/* a unix listener with a full backlog answers EAGAIN: retry briefly */
		if (errno == EAGAIN && left_ms(deadline) > 0) {
			poll(NULL, 0, left_ms(deadline) < 10 ? left_ms(deadline) : 10);
			continue;
		}
		rc = errno == EAGAIN ? SPA_ERR_TIMEOUT : SPA_ERR_CTL_CONNECT;
		e = errno;
		close(s);
		errno = e;	/* callers log why: ENOENT, ECONNREFUSED, EACCES */
		return rc;
	}
	*fd = s;
	return 0;
}

int spa_ctl_send(int fd, struct spa_ctl_writer *w, int timeout_ms)
{
	int64_t deadline = now_ms() + (timeout_ms < 0 ? 0 : timeout_ms);
	const uint8_t *p;
	size_t n;
	ssize_t k;
	int rc;

	if (!w->done && (rc = spa_ctl_finish(w, &p, &n)) != 0)
		return rc;
	p = w->frame;
	n = w->b.pos;
	while (n > 0) {
		k = send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (k > 0) {
			p += k;
			n -= (size_t)k;
			continue;
		}
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if ((rc = wait_fd(fd, POLLOUT, deadline)) != 0)
				return rc;
			continue;
		}
		return SPA_ERR_CTL_CONNECT;
	}
	return 0;
}

/* Read exactly n bytes before deadline: 0, SPA_ERR_TIMEOUT or SPA_ERR_CTL_CONNECT. */
static int read_full(int fd, uint8_t *p, size_t n, int64_t deadline)
{
	ssize_t k;
	int rc;

	while (n > 0) {
		k = recv(fd, p, n, MSG_DONTWAIT);
		if (k > 0) {
			p += k;
			n -= (size_t)k;
			continue;
		}
		if (k == 0)
			return SPA_ERR_CTL_CONNECT;	/* closed mid-frame */
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if ((rc = wait_fd(fd, POLLIN, deadline)) != 0)
				return rc;
			continue;
		}
		return SPA_ERR_CTL_CONNECT;
	}
	return 0;
}

int spa_ctl_recv(int fd, struct spa_ctl_msg **out, int timeout_ms)
{
	int64_t deadline = now_ms() + (timeout_ms < 0 ? 0 : timeout_ms);
	uint8_t hdr[SPA_CTL_HDR], *body = NULL;
	struct spa_buf b;
	uint32_t n = 0;
	int rc;

	*out = NULL;
	if ((rc = read_full(fd, hdr, sizeof(hdr), deadline)) != 0)
		goto out;
	spa_buf_init_ro(&b, hdr, sizeof(hdr));
	if ((rc = spa_ctl_frame_len(&b, &n)) != 0)
		goto out;
	if ((body = malloc(n)) == NULL) {
		rc = SPA_ERR_NOMEM;
		goto out;
	}
	if ((rc = read_full(fd, body, n, deadline)) != 0)
		goto out;
	rc = spa_ctl_parse(body, n, out);
out:
	if (body != NULL) {
		explicit_bzero(body, n);
		free(body);
	}
	return rc;
}

int spa_ctl_call(const char *path, struct spa_ctl_writer *w, struct spa_ctl_msg **out,
		 int timeout_ms)
{
	int64_t deadline = now_ms() + (timeout_ms < 0 ? 0 : timeout_ms);
	int fd = -1, rc;

	*out = NULL;
	if ((rc = spa_ctl_connect(path, left_ms(deadline), &fd)) != 0)
		goto out;
	if ((rc = spa_ctl_send(fd, w, left_ms(deadline))) != 0)
		goto out;
	rc = spa_ctl_recv(fd, out, left_ms(deadline));
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Is the user uid a member of gid (primary or supplementary, from the user database)? */
static int user_in_group(uid_t uid, gid_t gid)
{
	struct passwd pw, *pwp = NULL;
	gid_t *groups = NULL;
	char pwbuf[4096];
	int i, n = 64, found = 0;

	if (getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &pwp) != 0 || pwp == NULL)
		return 0;
	if (pw.pw_gid == gid)
		return 1;
	for (;;) {
		gid_t *g = realloc(groups, (size_t)n * sizeof(*groups));
		int want = n;

		if (g == NULL)
			goto out;
		groups = g;
		if (getgrouplist(pw.pw_name, pw.pw_gid, groups, &want) >= 0) {
			n = want;
			break;
		}
		if (want <= n || want > 65536)
			goto out;
		n = want;
	}
	for (i = 0; i < n; i++)
		if (groups[i] == gid)
			found = 1;
out:
	free(groups);
	return found;
}

int spa_ctl_peer_allowed(int fd, const char *group, uid_t *uid)
{
	struct ucred cr;
	socklen_t crlen = sizeof(cr);
	struct group gr, *grp = NULL;
	char grbuf[16384];

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) != 0 || crlen != sizeof(cr))
		return SPA_ERR_SYSTEM;
	if (uid != NULL)
		*uid = cr.uid;
	if (cr.uid == 0)
		return 0;
	if (getgrnam_r(group != NULL ? group : SPA_CTL_GROUP, &gr, grbuf, sizeof(grbuf), &grp) != 0 ||
	    grp == NULL)
		return SPA_ERR_CTL_PEER;
	if (cr.gid == gr.gr_gid || user_in_group(cr.uid, gr.gr_gid))
		return 0;
	return SPA_ERR_CTL_PEER;
}
