/*
 * test_ctl.c - the control-socket codec (spa_ctl): round trips through the
 * builder and the parser, every malformed input rejected, and the socket
 * helpers (deadlines, truncated frames, peer credentials) over real sockets.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "spa_buf.h"
#include "spa_ctl.h"
#include "spa_err.h"

static struct spa_ctl_writer W;	/* 64 KiB: not on the stack */

/* Parse a body given as a C string (no NUL inside). */
static int parse_str(const char *s, struct spa_ctl_msg **m)
{
	return spa_ctl_parse((const uint8_t *)s, strlen(s), m);
}

static void reject(const char *body)
{
	struct spa_ctl_msg *m = (void *)1;

	assert_int_equal(parse_str(body, &m), SPA_ERR_CTL_PROTO);
	assert_null(m);
}

static void test_round_trip_check(void **state)
{
	const uint8_t *f;
	size_t n;
	struct spa_ctl_msg *m;
	uint64_t v;

	(void)state;
	spa_ctl_begin(&W, SPA_CTL_CHECK);
	spa_ctl_add(&W, "user", "alice");
	spa_ctl_add(&W, "rhost", "2001:db8::1");
	spa_ctl_add_u64(&W, "rport", 40022);
	spa_ctl_addf(&W, "lport", "%d", 22);
	spa_ctl_add(&W, "note", "a=b c ~!");	/* '=' and spaces in a value are fine */
	spa_ctl_add(&W, "empty", "");
	assert_int_equal(spa_ctl_finish(&W, &f, &n), 0);
	assert_int_equal(f[0], 0);
	assert_int_equal(((size_t)f[2] << 8 | f[3]), n - 4);
	assert_int_equal(spa_ctl_parse_frame(f, n, &m), 0);
	assert_true(spa_ctl_is(m, "check"));
	assert_false(spa_ctl_is(m, "ok"));
	assert_int_equal(m->nfields, 6);
	assert_int_equal(m->nrecords, 0);
	assert_string_equal(spa_ctl_get(m, 0, "user"), "alice");
	assert_string_equal(spa_ctl_get(m, 0, "rhost"), "2001:db8::1");
	assert_string_equal(spa_ctl_get(m, 0, "note"), "a=b c ~!");
	assert_string_equal(spa_ctl_get(m, 0, "empty"), "");
	assert_null(spa_ctl_get(m, 0, "grace"));
	assert_null(spa_ctl_get(m, 1, "user"));
	assert_int_equal(spa_ctl_get_u64(m, 0, "rport", 1, 65535, &v), 0);
	assert_int_equal(v, 40022);
	assert_int_equal(spa_ctl_get_u64(m, 0, "grace", 0, 10, &v), SPA_ERR_NOT_FOUND);
	assert_int_equal(spa_ctl_get_u64(m, 0, "user", 0, 10, &v), SPA_ERR_CTL_PROTO);
	assert_int_equal(spa_ctl_get_u64(m, 0, "rport", 1, 1024, &v), SPA_ERR_CTL_PROTO);
	spa_ctl_msg_free(m);
}

static void test_round_trip_records(void **state)
{
	const uint8_t *f;
	size_t n, i;
	struct spa_ctl_msg *m;
	uint64_t v;
	char aid[8];

	(void)state;
	spa_ctl_begin(&W, SPA_CTL_OK);
	spa_ctl_add_u64(&W, "count", 3);
	for (i = 0; i < 3; i++) {
		spa_ctl_record(&W);
		snprintf(aid, sizeof(aid), "aid%zu", i);
		spa_ctl_add(&W, "aid", aid);		/* same key in every record */
		spa_ctl_add_u64(&W, "port", 22 + i);
	}
	assert_int_equal(spa_ctl_finish(&W, &f, &n), 0);
	assert_int_equal(spa_ctl_parse_frame(f, n, &m), 0);
	assert_true(spa_ctl_is(m, "ok"));
	assert_int_equal(m->nrecords, 3);
	assert_int_equal(spa_ctl_get_u64(m, 0, "count", 0, 1000, &v), 0);
	assert_int_equal(v, 3);
	assert_null(spa_ctl_get(m, 0, "aid"));
	assert_string_equal(spa_ctl_get(m, 1, "aid"), "aid0");
	assert_string_equal(spa_ctl_get(m, 3, "aid"), "aid2");
	assert_int_equal(spa_ctl_get_u64(m, 2, "port", 1, 65535, &v), 0);
	assert_int_equal(v, 23);
	assert_null(spa_ctl_get(m, 4, "aid"));
	spa_ctl_msg_free(m);

	/* an empty record and a verb alone are well formed */
	assert_int_equal(parse_str("ok\n-\n", &m), 0);
	assert_int_equal(m->nrecords, 1);
	assert_int_equal(m->nfields, 0);
	spa_ctl_msg_free(m);
	assert_int_equal(parse_str("status\n", &m), 0);
	assert_true(spa_ctl_is(m, "status"));
	spa_ctl_msg_free(m);
}

static void test_get_u64_strict(void **state)
{
	struct spa_ctl_msg *m;
	uint64_t v = 7;

	(void)state;
	assert_int_equal(parse_str("ok\na=0\nb=01\nc=-1\nd=+1\ne=1x\nf=\ng=18446744073709551615\n"
				   "h=18446744073709551616\ni= 1\n", &m), 0);
	assert_int_equal(spa_ctl_get_u64(m, 0, "a", 0, UINT64_MAX, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(spa_ctl_get_u64(m, 0, "g", 0, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	v = 7;
	assert_int_equal(spa_ctl_get_u64(m, 0, "b", 0, UINT64_MAX, &v), SPA_ERR_CTL_PROTO);
	assert_int_equal(spa_ctl_get_u64(m, 0, "c", 0, UINT64_MAX, &v), SPA_ERR_CTL_PROTO);
	assert_int_equal(spa_ctl_get_u64(m, 0, "d", 0, UINT64_MAX, &v), SPA_ERR_CTL_PROTO);
	assert_int_equal(spa_ctl_get_u64(m, 0, "e", 0, UINT64_MAX, &v), SPA_ERR_CTL_PROTO);
	assert_int_equal(spa_ctl_get_u64(m, 0, "f", 0, UINT64_MAX, &v), SPA_ERR_CTL_PROTO);
	assert_int_equal(spa_ctl_get_u64(m, 0, "h", 0, UINT64_MAX, &v), SPA_ERR_CTL_PROTO);
	assert_int_equal(spa_ctl_get_u64(m, 0, "i", 0, UINT64_MAX, &v), SPA_ERR_CTL_PROTO);
	assert_int_equal(v, 7);		/* untouched on failure */
	spa_ctl_msg_free(m);
}

static void test_parse_rejects(void **state)
{
	char big[SPA_CTL_MAX_VALUE + 16], key[SPA_CTL_MAX_KEY + 8];

	(void)state;
	reject("");			/* no verb */
	reject("\n");			/* empty verb */
	reject("user=alice\n");		/* first line is not a verb */
	reject("=x\n");
	reject("Check\n");		/* upper case */
	reject("check1\n");		/* digit */
	reject("che-ck\n");
	reject("check");		/* no final newline */
	reject("check\nuser=alice");	/* truncated last line */
	reject("check\r\nuser=alice\r\n");	/* CR */
	reject("check\n\n");		/* empty line */
	reject("check\nuser\n");	/* no '=' */
	reject("check\n=alice\n");	/* empty key */
	reject("check\nUser=alice\n");	/* bad key chars */
	reject("check\nus-er=alice\n");
	reject("check\nus er=alice\n");
	reject("check\nuser1=alice\n");
	reject("check\nuser=al\tice\n");	/* tab in value */
	reject("check\nuser=al\x7fice\n");	/* DEL */
	reject("check\nuser=al\xc3\xa9\n");	/* non-ASCII */
	reject("check\nuser=a\nuser=b\n");	/* duplicate key in a record */
	reject("ok\n-\naid=a\naid=b\n");
	reject("ok\n--\n");			/* not a record line, not a field */
	reject("ok\n-x\n");

	/* verb and key length limits: 32 passes, 33 fails */
	memset(key, 'k', SPA_CTL_MAX_KEY);
	key[SPA_CTL_MAX_KEY] = '\0';
	snprintf(big, sizeof(big), "%s\n", key);
	{
		struct spa_ctl_msg *m;

		assert_int_equal(parse_str(big, &m), 0);
		spa_ctl_msg_free(m);
		snprintf(big, sizeof(big), "ok\n%s=1\n", key);
		assert_int_equal(parse_str(big, &m), 0);
		spa_ctl_msg_free(m);
	}
	key[SPA_CTL_MAX_KEY] = 'k';
	key[SPA_CTL_MAX_KEY + 1] = '\0';
	snprintf(big, sizeof(big), "%s\n", key);
	reject(big);
	snprintf(big, sizeof(big), "ok\n%s=1\n", key);
	reject(big);
}

static void test_parse_rejects_nul(void **state)
{
	static const uint8_t nul1[] = "check\nuser=al\0ice\n";
	static const uint8_t nul2[] = "check\0\nuser=alice\n";
	struct spa_ctl_msg *m = (void *)1;

	(void)state;
	assert_int_equal(spa_ctl_parse(nul1, sizeof(nul1) - 1, &m), SPA_ERR_CTL_PROTO);
	assert_null(m);
	assert_int_equal(spa_ctl_parse(nul2, sizeof(nul2) - 1, &m), SPA_ERR_CTL_PROTO);
	/* the C string's own NUL counted in the length */
	assert_int_equal(spa_ctl_parse((const uint8_t *)"ok\n", 4, &m), SPA_ERR_CTL_PROTO);
	assert_int_equal(spa_ctl_parse(NULL, 3, &m), SPA_ERR_CTL_PROTO);
}

/* Fill buf with "ok\n" + lines of the form fmt(i) and parse. */
static int parse_many(const char *fmt, size_t count, size_t vlen)
{
	size_t cap = 2 * SPA_CTL_MAX_BODY, pos = 0, i;
	char *buf = malloc(cap);
	struct spa_ctl_msg *m = NULL;
	int rc;

	assert_non_null(buf);
	pos += (size_t)snprintf(buf, cap, "ok\n");
	for (i = 0; i < count && pos + 64 + vlen < cap; i++) {
		if (strcmp(fmt, "-") == 0) {
			pos += (size_t)snprintf(buf + pos, cap - pos, "-\n");
		} else {
			/* keys unique: a..z letters from i */
			char k[8];
			size_t j, x = i;

			for (j = 0; j < 4; j++, x /= 26)
				k[j] = (char)('a' + x % 26);
			k[4] = '\0';
			pos += (size_t)snprintf(buf + pos, cap - pos, "%s=", k);
			memset(buf + pos, 'v', vlen);
			pos += vlen;
			buf[pos++] = '\n';
		}
	}
	assert_int_equal(i, count);
	rc = spa_ctl_parse((const uint8_t *)buf, pos, &m);
	spa_ctl_msg_free(m);
	free(buf);
	return rc;
}

static void test_parse_bounds(void **state)
{
	(void)state;
	assert_int_equal(parse_many("k", SPA_CTL_MAX_FIELDS, 1), 0);
	assert_int_equal(parse_many("k", SPA_CTL_MAX_FIELDS + 1, 1), SPA_ERR_CTL_PROTO);
	assert_int_equal(parse_many("-", SPA_CTL_MAX_RECORDS, 0), 0);
	assert_int_equal(parse_many("-", SPA_CTL_MAX_RECORDS + 1, 0), SPA_ERR_CTL_PROTO);
	assert_int_equal(parse_many("k", 1, SPA_CTL_MAX_VALUE), 0);
	assert_int_equal(parse_many("k", 1, SPA_CTL_MAX_VALUE + 1), SPA_ERR_CTL_PROTO);
	/* 70 values of 1000 bytes: over SPA_CTL_MAX_BODY */
	assert_int_equal(parse_many("k", 70, 1000), SPA_ERR_CTL_PROTO);
}

static void test_frame_checks(void **state)
{
	static const uint8_t zero[] = { 0, 0, 0, 0 };
	static const uint8_t huge[] = { 0, 1, 0, 1 };	/* 65537 */
	static const uint8_t max[] = { 0, 1, 0, 0 };	/* 65536 */
	static const uint8_t good[] = { 0, 0, 0, 3, 'o', 'k', '\n' };
	static const uint8_t trailing[] = { 0, 0, 0, 3, 'o', 'k', '\n', 'x' };
	struct spa_ctl_msg *m = (void *)1;
	struct spa_buf b;
	uint32_t n;

	(void)state;
	spa_buf_init_ro(&b, zero, 3);
	assert_int_equal(spa_ctl_frame_len(&b, &n), SPA_ERR_BUF_SHORT);
	spa_buf_init_ro(&b, zero, 4);
	assert_int_equal(spa_ctl_frame_len(&b, &n), SPA_ERR_CTL_PROTO);
	spa_buf_init_ro(&b, huge, 4);
	assert_int_equal(spa_ctl_frame_len(&b, &n), SPA_ERR_CTL_PROTO);
	spa_buf_init_ro(&b, max, 4);
	assert_int_equal(spa_ctl_frame_len(&b, &n), 0);
	assert_int_equal(n, 65536);

	assert_int_equal(spa_ctl_parse_frame(good, sizeof(good), &m), 0);
	assert_true(spa_ctl_is(m, "ok"));
	spa_ctl_msg_free(m);
	assert_int_equal(spa_ctl_parse_frame(good, 3, &m), SPA_ERR_CTL_PROTO);	/* short length */
	assert_null(m);
	assert_int_equal(spa_ctl_parse_frame(good, sizeof(good) - 1, &m), SPA_ERR_CTL_PROTO);	/* truncated */
	assert_int_equal(spa_ctl_parse_frame(trailing, sizeof(trailing), &m), SPA_ERR_CTL_PROTO);
	assert_int_equal(spa_ctl_parse_frame(zero, sizeof(zero), &m), SPA_ERR_CTL_PROTO);
	assert_int_equal(spa_ctl_parse_frame(huge, sizeof(huge), &m), SPA_ERR_CTL_PROTO);
}

static void test_builder_rejects(void **state)
{
	const uint8_t *f;
	size_t n, i;
	char big[SPA_CTL_MAX_VALUE + 2];

	(void)state;
	spa_ctl_begin(&W, "Check");
	assert_int_equal(spa_ctl_finish(&W, &f, &n), SPA_ERR_INVALID);
	spa_ctl_begin(&W, "");
	assert_int_equal(spa_ctl_finish(&W, &f, &n), SPA_ERR_INVALID);

	spa_ctl_begin(&W, "check");
	spa_ctl_add(&W, "user", "ali\nce");	/* newline would smuggle a field */
	spa_ctl_add(&W, "rhost", "fine");	/* no-op after the first error */
	assert_int_equal(spa_ctl_finish(&W, &f, &n), SPA_ERR_INVALID);

	spa_ctl_begin(&W, "check");
	spa_ctl_add(&W, "user", "\x7f");
	assert_int_equal(spa_ctl_finish(&W, &f, &n), SPA_ERR_INVALID);
	spa_ctl_begin(&W, "check");
	spa_ctl_add(&W, "us=er", "x");
	assert_int_equal(spa_ctl_finish(&W, &f, &n), SPA_ERR_INVALID);
	spa_ctl_begin(&W, "check");
	spa_ctl_add(&W, "user", NULL);
	assert_int_equal(spa_ctl_finish(&W, &f, &n), SPA_ERR_INVALID);

	spa_ctl_begin(&W, "check");
	spa_ctl_add(&W, "user", "a");
	spa_ctl_add(&W, "user", "b");
	assert_int_equal(spa_ctl_finish(&W, &f, &n), SPA_ERR_EXISTS);
	spa_ctl_begin(&W, "check");
	spa_ctl_add(&W, "users", "a");		/* a prefix is not a duplicate */
	spa_ctl_add(&W, "user", "b");
	assert_int_equal(spa_ctl_finish(&W, &f, &n), 0);

	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	spa_ctl_begin(&W, "check");
	spa_ctl_add(&W, "user", big);
	assert_int_equal(spa_ctl_finish(&W, &f, &n), SPA_ERR_INVALID);
	spa_ctl_begin(&W, "check");
	spa_ctl_addf(&W, "user", "%s", big);
	assert_int_equal(spa_ctl_finish(&W, &f, &n), SPA_ERR_TOO_LONG);

	/* the body fills up: 64 KiB / ~1 KiB lines */
	big[SPA_CTL_MAX_VALUE] = '\0';
	spa_ctl_begin(&W, "ok");
	for (i = 0; i < 80; i++) {
		spa_ctl_record(&W);
		spa_ctl_add(&W, "v", big);
	}
	assert_int_equal(spa_ctl_finish(&W, &f, &n), SPA_ERR_TOO_LONG);

	spa_ctl_begin(&W, "ok");
	for (i = 0; i <= SPA_CTL_MAX_RECORDS; i++)
		spa_ctl_record(&W);
	assert_int_equal(spa_ctl_finish(&W, &f, &n), SPA_ERR_TOO_LONG);
}

/* ---- sockets ------------------------------------------------------------------ */

static void test_io_socketpair(void **state)
{
	struct spa_ctl_msg *m;
	int sv[2];
	static const uint8_t bad_len[] = { 0, 2, 0, 0 };
	static const uint8_t half[] = { 0, 0, 0, 9, 'o', 'k' };
	static const uint8_t bad_body[] = { 0, 0, 0, 3, 'O', 'K', '\n' };

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	spa_ctl_begin(&W, "status");
	assert_int_equal(spa_ctl_send(sv[0], &W, 1000), 0);
	assert_int_equal(spa_ctl_recv(sv[1], &m, 1000), 0);
	assert_true(spa_ctl_is(m, "status"));
	spa_ctl_msg_free(m);

	/* nothing arrives: the deadline holds */
	assert_int_equal(spa_ctl_recv(sv[1], &m, 100), SPA_ERR_TIMEOUT);
	assert_null(m);
	/* half a header, then silence */
	assert_int_equal(write(sv[0], "\0\0", 2), 2);
	assert_int_equal(spa_ctl_recv(sv[1], &m, 100), SPA_ERR_TIMEOUT);
	close(sv[0]);
	close(sv[1]);

	/* oversize length is refused before any body is read */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(write(sv[0], bad_len, sizeof(bad_len)), sizeof(bad_len));
	assert_int_equal(spa_ctl_recv(sv[1], &m, 1000), SPA_ERR_CTL_PROTO);
	close(sv[0]);
	close(sv[1]);

	/* truncated frame: peer closes mid-body */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(write(sv[0], half, sizeof(half)), sizeof(half));
	close(sv[0]);
	assert_int_equal(spa_ctl_recv(sv[1], &m, 1000), SPA_ERR_CTL_CONNECT);
	close(sv[1]);

	/* a whole frame with a bad body */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(write(sv[0], bad_body, sizeof(bad_body)), sizeof(bad_body));
	assert_int_equal(spa_ctl_recv(sv[1], &m, 1000), SPA_ERR_CTL_PROTO);
	close(sv[0]);

	/* sending to a closed peer: an error, not SIGPIPE */
	spa_ctl_begin(&W, "status");
	assert_int_equal(spa_ctl_send(sv[1], &W, 1000), SPA_ERR_CTL_CONNECT);
	close(sv[1]);
}

static void test_io_connect(void **state)
{
	char path[200], longpath[200];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct spa_ctl_msg *m;
	int fd = 5, ls, c;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/spa-test-ctl-%d.sock", (int)getpid());
	unlink(path);
	assert_int_equal(spa_ctl_connect(path, 100, &fd), SPA_ERR_CTL_CONNECT);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(fd, -1);
	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(spa_ctl_connect(longpath, 100, &fd), SPA_ERR_INVALID);
	assert_int_equal(spa_ctl_connect("", 100, &fd), SPA_ERR_INVALID);

	ls = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(ls >= 0);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(ls, 4), 0);

	/* a server that accepts and never answers: spa_ctl_call times out */
	spa_ctl_begin(&W, "status");
	assert_int_equal(spa_ctl_call(path, &W, &m, 150), SPA_ERR_TIMEOUT);
	assert_null(m);
	c = accept(ls, NULL, NULL);
	assert_true(c >= 0);
	{
		uid_t uid = 12345;

		/* we are the peer: the answer depends on who runs the test */
		if (getuid() == 0) {
			assert_int_equal(spa_ctl_peer_allowed(c, NULL, &uid), 0);
			assert_int_equal(uid, 0);
		} else {
			spa_ctl_peer_allowed(c, NULL, &uid);
			assert_int_equal(uid, getuid());
		}
	}
	close(c);
	close(ls);
	unlink(path);
}

/* A child that drops to nobody connects; the parent checks its credentials. */
static void test_peer_nobody(void **state)
{
	char path[200];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct passwd *pw;
	uid_t uid = 0;
	gid_t gid;
	pid_t pid;
	int ls, c, st;
	char grname[64];

	(void)state;
	if (getuid() != 0 || (pw = getpwnam("nobody")) == NULL) {
		skip();
		return;
	}
	gid = pw->pw_gid;
	{
		/* nobody's primary group by name (nogroup on Debian) */
		struct group *g = getgrgid(gid);

		assert_non_null(g);
		snprintf(grname, sizeof(grname), "%s", g->gr_name);
	}
	snprintf(path, sizeof(path), "/tmp/spa-test-peer-%d.sock", (int)getpid());
	unlink(path);
	ls = socket(AF_UNIX, SOCK_STREAM, 0);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(chmod(path, 0777), 0);
	assert_int_equal(listen(ls, 4), 0);
	for (int round = 0; round < 3; round++) {
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			int fd;

			if (setgid(gid) != 0 || setuid(pw->pw_uid) != 0)
				_exit(2);
			_exit(spa_ctl_connect(path, 1000, &fd) == 0 ? (pause(), 0) : 3);
		}
		c = accept(ls, NULL, NULL);
		assert_true(c >= 0);
		if (round == 0) {
			/* group that nobody is not in (root's) */
			assert_int_equal(spa_ctl_peer_allowed(c, "root", &uid), SPA_ERR_CTL_PEER);
			assert_int_equal(uid, pw->pw_uid);
		} else if (round == 1) {
			/* a group that does not exist admits root only */
			assert_int_equal(spa_ctl_peer_allowed(c, "spa-no-such-group", &uid), SPA_ERR_CTL_PEER);
		} else {
			assert_int_equal(spa_ctl_peer_allowed(c, grname, &uid), 0);
		}
		close(c);
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	close(ls);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_check),
		cmocka_unit_test(test_round_trip_records),
		cmocka_unit_test(test_get_u64_strict),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_rejects_nul),
		cmocka_unit_test(test_parse_bounds),
		cmocka_unit_test(test_frame_checks),
		cmocka_unit_test(test_builder_rejects),
		cmocka_unit_test(test_io_socketpair),
		cmocka_unit_test(test_io_connect),
		cmocka_unit_test(test_peer_nobody),
	};

	/* SIGPIPE keeps its default action: test_io_socketpair proves MSG_NOSIGNAL */
	return cmocka_run_group_tests_name("spa_ctl", tests, NULL, NULL);
}
