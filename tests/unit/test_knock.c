/*
 * test_knock.c - spa-knock's pieces without a network: the client API
 * (datagram built and opened again, port probe, local address), credential
 * files (parse errors with file:line, permissions, save/reload, host
 * patterns, directory search, the lock), and the seed/counter state machine
 * run for thousands of rounds against a model of the server's seed/prev_seed
 * rules with lost knocks, lost connects, crashes at every step and doors that
 * open without a knock.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "cred.h"
#include "session.h"
#include "spa_client.h"
#include "spa_crypto.h"
#include "spa_err.h"
#include "spa_pkt.h"
#include "spa_util.h"

#define AID "0123456789abcdef0123456789abcdef"
#define SEEDHEX "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

static char tmpdir[256];

static int
mk_tmpdir(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_knock.XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
rm_tmpdir(void **state)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* --- client API ---------------------------------------------------------- */

static void
test_build_opens(void **state)
{
	struct spa_knock k;
	struct spa_keys keys;
	struct spa_payload p;
	uint8_t pkt[SPA_PKT_LEN], pkt2[SPA_PKT_LEN];
	uint32_t code;
	char aid[33];

	memset(&k, 0, sizeof(k));
	snprintf(k.aid, sizeof(k.aid), "%s", AID);
	assert_int_equal(spa_hex_decode(SEEDHEX, k.seed, 32), 0);
	memset(k.password, 0xaa, sizeof(k.password));
	memset(k.new_seed, 0x55, sizeof(k.new_seed));
	k.counter = 4242;
	assert_int_equal(spa_ip_parse("10.1.2.3", k.ip), 0);
	k.port = 22;
	k.source_port = 40000;
	k.protocol = SPA_PROTO_TCP;
	assert_int_equal(spa_client_build(&k, pkt), 0);
	assert_int_equal(spa_keys_derive(k.seed, &keys), 0);
	assert_memory_equal(pkt + SPA_PKT_OFF_KEYID, keys.key_id, SPA_KEYID_LEN);
	assert_int_equal(spa_pkt_open(&keys, pkt, sizeof(pkt), &p), 0);
	assert_int_equal(spa_aid_string(&p, aid), 0);
	assert_string_equal(aid, AID);
	assert_memory_equal(p.password, k.password, 32);
	assert_memory_equal(p.new_seed, k.new_seed, 32);
	assert_memory_equal(p.ip, k.ip, 16);
	assert_true(p.counter == 4242);
	assert_int_equal(p.port, 22);
	assert_int_equal(p.source_port, 40000);
	assert_int_equal(p.protocol, SPA_PROTO_TCP);
	assert_true(p.timestamp > 1700000000u);
	assert_int_equal(spa_hotp(keys.hotp, sizeof(keys.hotp), 4242, SPA_HOTP_DIGITS, &code), 0);
	assert_int_equal(p.hotp, code);
	/* Fresh nonce and random every time. */
	assert_int_equal(spa_client_build(&k, pkt2), 0);
	assert_memory_not_equal(pkt + SPA_PKT_OFF_NONCE, pkt2 + SPA_PKT_OFF_NONCE, SPA_NONCE_LEN);
	/* Bad input builds nothing. */
	k.port = 0;
	assert_int_not_equal(spa_client_build(&k, pkt), 0);
	assert_true(spa_is_zero(pkt, sizeof(pkt)));
	k.port = 22;
	k.protocol = 1;
	assert_int_not_equal(spa_client_build(&k, pkt), 0);
	k.protocol = SPA_PROTO_TCP;
	k.aid[0] = '\0';
	assert_int_not_equal(spa_client_build(&k, pkt), 0);
	spa_keys_wipe(&keys);
}

static void
test_send_reaches_socket(void **state)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	struct spa_knock k;
	uint8_t buf[512];
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	memset(&k, 0, sizeof(k));
	snprintf(k.aid, sizeof(k.aid), "x");
	k.port = 22;
	k.protocol = SPA_PROTO_TCP;
	assert_int_equal(spa_client_send((struct sockaddr *)&a, alen, &k), 0);
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), SPA_PKT_LEN);
	assert_int_equal(buf[0], 1);
	close(fd);
}

static void
test_port_probe_and_local_ip(void **state)
{
	struct sockaddr_storage a;
	socklen_t alen;
	uint8_t ip[16];
	char text[64], err[64];
	int l;
	uint16_t port;

	l = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(spa_resolve("127.0.0.1", 0, AF_UNSPEC, &a, &alen, err, sizeof(err)), 0);
	assert_int_equal(bind(l, (struct sockaddr *)&a, alen), 0);
	assert_int_equal(listen(l, 4), 0);
	alen = sizeof(a);
	assert_int_equal(getsockname(l, (struct sockaddr *)&a, &alen), 0);
	assert_int_equal(spa_port_is_open((struct sockaddr *)&a, alen, 1000), 1);
	close(l);
	assert_int_equal(spa_port_is_open((struct sockaddr *)&a, alen, 1000), 0);
	assert_int_equal(spa_local_ip((struct sockaddr *)&a, alen, ip), 0);
	assert_int_equal(spa_ip_format(ip, text, sizeof(text)), 0);
	assert_string_equal(text, "127.0.0.1");
	assert_int_equal(spa_sockaddr_ip((struct sockaddr *)&a, ip, &port), 0);
	assert_int_equal(spa_resolve("no-such-host.invalid", 22, AF_UNSPEC, &a, &alen, err, sizeof(err)),
	    SPA_ERR_RESOLVE);
	assert_true(err[0] != '\0');
}

static void
test_seed_hex(void **state)
{
	char a[65], b[65];
	uint8_t s[32];

	assert_int_equal(spa_seed_hex(a), 0);
	assert_int_equal(spa_seed_hex(b), 0);
	assert_int_equal(strlen(a), 64);
	assert_int_equal(spa_hex_decode(a, s, 32), 0);
	assert_string_not_equal(a, b);
}

/* --- credential files ---------------------------------------------------- */

static const char good_cred[] =
    "# from spa-admin export\n"
    "server = gw.example.org\n"
    "spa_port = 62201\n"
    "aid = " AID "\n"
    "seed = " SEEDHEX "\n"
    "counter = 17\n";

static void
test_cred_parse_good(void **state)
{
	struct cred c;
	char err[CRED_ERRLEN], out[4096];
	struct cred c2;
	int n;

	assert_int_equal(cred_parse(&c, "x.cred", good_cred, strlen(good_cred), err), 0);
	assert_string_equal(c.server, "gw.example.org");
	assert_int_equal(c.spa_port, 62201);
	assert_string_equal(c.aid, AID);
	assert_true(c.counter == 17);
	assert_int_equal(c.seed[31], 0x1f);
	assert_false(c.has_pending || c.has_prev || c.has_pwkey);
	assert_string_equal(c.hosts, "gw.example.org");	/* default: the server */
	/* Round trip with every optional key. */
	c.has_pending = c.has_prev = c.has_pwkey = 1;
	memset(c.pending, 1, 32);
	memset(c.prev, 2, 32);
	memset(c.pwkey, 3, 32);
	snprintf(c.hosts, sizeof(c.hosts), "gw.example.org *.lan 10.0.0.*");
	n = cred_format(&c, out, sizeof(out));
	assert_true(n > 0);
	assert_int_equal(cred_parse(&c2, "y.cred", out, (size_t)n, err), 0);
	assert_memory_equal(c2.pending, c.pending, 32);
	assert_memory_equal(c2.prev, c.prev, 32);
	assert_memory_equal(c2.pwkey, c.pwkey, 32);
	assert_true(c2.has_pending && c2.has_prev && c2.has_pwkey);
	assert_string_equal(c2.hosts, c.hosts);
	assert_true(cred_matches(&c2, "GW.example.org"));
	assert_true(cred_matches(&c2, "box.lan"));
	assert_true(cred_matches(&c2, "10.0.0.7"));
	assert_false(cred_matches(&c2, "10.0.1.7"));
	assert_false(cred_matches(&c2, "example.org"));
}

static void
expect_bad(const char *text, const char *want)
{
	struct cred c;
	char err[CRED_ERRLEN];

	assert_int_not_equal(cred_parse(&c, "bad.cred", text, strlen(text), err), 0);
	if (strstr(err, want) == NULL)
		fail_msg("error '%s' does not contain '%s'", err, want);
}

static void
test_cred_parse_bad(void **state)
{
	expect_bad("server = a\naid = x\nseed = 00\ncounter = 1\n", "bad.cred:3:");
	expect_bad("server = a\naid = x\nseed = " SEEDHEX "\ncounter = -1\n", "bad.cred:4:");
	expect_bad("server = a\naid = x\nseed = " SEEDHEX "\n", "counter");
	expect_bad("aid = x\nseed = " SEEDHEX "\ncounter = 1\n", "server");
	expect_bad("server = a\naid = x\nseed = " SEEDHEX "\ncounter = 1\nspa_port = 0\n", "bad.cred:5:");
	expect_bad("server = a\naid = x\nseed = " SEEDHEX "\ncounter = 1\ncolour = red\n", "bad.cred:5:");
	expect_bad("server = a\naid = 0123456789abcdef0123456789abcdefX\nseed = " SEEDHEX "\ncounter = 1\n",
	    "bad.cred:2:");
	expect_bad("server = a\naid = x\nseed = " SEEDHEX "\ncounter = 1\npending_seed = zz\n", "bad.cred:5:");
	expect_bad("server = a\naid = x\nseed = " SEEDHEX "\ncounter = 1\nhosts = \"\"\n", "bad.cred:5:");
	expect_bad("server = a\nthis is not a key value line\n", "bad.cred:2:");
}

static void
test_cred_file_rules(void **state)
{
	char path[400], err[CRED_ERRLEN];
	struct cred c;
	struct stat st;

	snprintf(path, sizeof(path), "%s/open.cred", tmpdir);
	write_file(path, good_cred, 0644);
	assert_int_not_equal(cred_load(&c, path, err), 0);
	assert_non_null(strstr(err, path));
	write_file(path, good_cred, 0600);
	assert_int_equal(cred_load(&c, path, err), 0);
	assert_string_equal(c.path, path);
	c.counter = 99;
	c.has_pending = 1;
	memset(c.pending, 7, 32);
	assert_int_equal(cred_save(&c), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(cred_load(&c, path, err), 0);
	assert_true(c.counter == 99 && c.has_pending && c.pending[0] == 7);
	snprintf(path, sizeof(path), "%s/missing.cred", tmpdir);
	assert_int_not_equal(cred_load(&c, path, err), 0);
	assert_non_null(strstr(err, "missing.cred"));
}

static void
test_cred_find_and_import(void **state)
{
	char dir[400], p[500], out[4200], err[CRED_ERRLEN];
	struct cred c;

	snprintf(dir, sizeof(dir), "%s/credd", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(p, sizeof(p), "%s/a.cred", dir);
	write_file(p, "server = one.lan\naid = a\nseed = " SEEDHEX "\ncounter = 1\nhosts = \"one.lan *.one\"\n", 0600);
	snprintf(p, sizeof(p), "%s/b.cred", dir);
	write_file(p, "server = two.lan\naid = b\nseed = " SEEDHEX "\ncounter = 1\n", 0600);
	snprintf(p, sizeof(p), "%s/c.cred", dir);
	write_file(p, "server = three.lan\nbroken\n", 0600);
	assert_int_equal(cred_find(dir, "x.one", out, sizeof(out), err), 0);
	assert_non_null(strstr(out, "/a.cred"));
	assert_int_equal(cred_find(dir, "two.lan", out, sizeof(out), err), 0);
	assert_non_null(strstr(out, "/b.cred"));
	/* Nothing serves three.lan: the broken file is named with its line. */
	assert_int_equal(cred_find(dir, "three.lan", out, sizeof(out), err), SPA_ERR_NO_CRED);
	assert_non_null(strstr(err, "c.cred:2"));

	/* Import: installed 0600 with hosts, refuses to overwrite. */
	snprintf(p, sizeof(p), "%s/gw.cred", tmpdir);
	write_file(p, good_cred, 0600);
	snprintf(dir, sizeof(dir), "%s/home/.config/spa-knock", tmpdir);
	assert_int_equal(cred_import(p, dir, "gw *.gw", 0, out, sizeof(out), err), 0);
	assert_non_null(strstr(out, "/spa-knock/gw.cred"));
	assert_int_equal(cred_load(&c, out, err), 0);
	assert_true(cred_matches(&c, "a.gw"));
	assert_int_equal(cred_import(p, dir, NULL, 0, out, sizeof(out), err), SPA_ERR_EXISTS);
	assert_int_equal(cred_import(p, dir, "bad\"host", 1, out, sizeof(out), err), SPA_ERR_CONF_VALUE);
	assert_int_equal(cred_import(p, dir, NULL, 1, out, sizeof(out), err), 0);
}

static void
test_cred_lock_excludes(void **state)
{
	char path[400];
	int fd, st;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/lock.cred", tmpdir);
	fd = cred_lock(path);
	assert_true(fd >= 0);
	pid = fork();
	if (pid == 0) {
		char lp[420];
		int f2;

		snprintf(lp, sizeof(lp), "%s.lock", path);
		f2 = open(lp, O_RDWR);
		_exit(f2 >= 0 && flock(f2, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	cred_unlock(fd);
	fd = cred_lock(path);
	assert_true(fd >= 0);
	cred_unlock(fd);
}

/* --- the seed/counter state machine against a model server -------------- */

#define CRASH (-9999)
#define WINDOW 1000

struct model {
	/* server (DESIGN.md "Seeds", verification step 7) */
	uint8_t S[32], P[32];
	int hasP;
	uint64_t C;
	int granted;		/* a grant waits for the next connect */
	/* the client's disk */
	struct cred disk;
	/* the fake world */
	int64_t clock;
	uint64_t last_sent;	/* counters must strictly increase, never repeat */
	int ops, crash_at;
	int drop_knock_pct, drop_connect_pct, drop_commit_pct, open_without_knock;
	uint64_t rng;
	long accepted, lost_knocks, lost_connects, lost_commits, crashes;
};

static unsigned
rnd(struct model *m, unsigned n)
{
	m->rng ^= m->rng << 13;
	m->rng ^= m->rng >> 7;
	m->rng ^= m->rng << 17;
	return (unsigned)(m->rng % n);
}

static int
crash_now(struct model *m)
{
	return m->ops++ == m->crash_at;
}

static int
m_save(void *ctx, const struct cred *c)
{
	struct model *m = ctx;

	if (crash_now(m))
		return CRASH;
	m->disk = *c;
	return 0;
}

/*
 * spa-knock saves the commit in a child while the relay starts: a commit
 * may be lost (child killed, or never scheduled before a crash) although
 * the session went on; the file then still holds seed + pending.
 */
static int
m_save_commit(void *ctx, const struct cred *c)
{
	struct model *m = ctx;

	if (crash_now(m))
		return CRASH;
	if ((int)rnd(m, 100) < m->drop_commit_pct) {
		m->lost_commits++;
		return 0;
	}
	m->disk = *c;
	return 0;
}

static int
m_knock(void *ctx, const uint8_t seed[32], uint64_t counter, const uint8_t new_seed[32])
{
	struct model *m = ctx;

	if (crash_now(m))
		return CRASH;
	/* Sent only after it was saved, and never twice. */
	assert_true(m->disk.counter >= counter);
	if (counter <= m->last_sent)
		fail_msg("counter %llu sent again (last %llu)", (unsigned long long)counter,
		    (unsigned long long)m->last_sent);
	m->last_sent = counter;
	if ((int)rnd(m, 100) < m->drop_knock_pct) {
		m->lost_knocks++;
		return 0;
	}
	if (counter <= m->C || counter > m->C + WINDOW)
		return 0;
	if (memcmp(seed, m->S, 32) == 0) {
		if (!spa_is_zero(new_seed, 32)) {
			memcpy(m->P, m->S, 32);
			m->hasP = 1;
			memcpy(m->S, new_seed, 32);
		}
	} else if (m->hasP && memcmp(seed, m->P, 32) == 0) {
		if (!spa_is_zero(new_seed, 32))
			memcpy(m->S, new_seed, 32);
	} else {
		return 0;
	}
	m->C = counter;
	m->granted = 1;
	m->accepted++;
	return 0;
}

static int
m_connect(void *ctx, int64_t until)
{
	struct model *m = ctx;

	if (crash_now(m))
		return CRASH;
	if (m->open_without_knock)
		return 1;
	if (m->granted) {
		m->granted = 0;
		if ((int)rnd(m, 100) >= m->drop_connect_pct)
			return 1;
		m->lost_connects++;
	}
	m->clock = until;
	return 0;
}

static int64_t
m_now(void *ctx)
{
	return ((struct model *)ctx)->clock;
}

static int
m_new_seed(void *ctx, uint8_t seed[32])
{
	return spa_seed_generate(seed);
}

/* One spa-knock process: reads the disk, runs, "exits" (or crashes). */
static int
m_round(struct model *m, struct sess_result *res)
{
	struct sess_ops ops = { m, m_save, m_knock, m_connect, m_now, m_new_seed, m_save_commit };
	struct sess_params p;
	struct cred c = m->disk;

	m->clock += 60000;
	p.deadline_ms = m->clock + 20000;
	p.window_ms = 3000;
	p.rotate = 1;
	p.confirm = 1;
	m->granted = 0;
	m->ops = 0;
	return sess_run(&c, &ops, &p, res);
}

static void
test_session_never_locked_out(void **state)
{
	struct model m;
	struct sess_result res;
	int round, rc, clean_ok = 0, rotations = 0;

	memset(&m, 0, sizeof(m));
	m.rng = 0x9e3779b97f4a7c15ull;
	assert_int_equal(spa_seed_generate(m.S), 0);
	memcpy(m.disk.seed, m.S, 32);
	snprintf(m.disk.aid, sizeof(m.disk.aid), "a");
	for (round = 0; round < 20000; round++) {
		int clean = round % 4 == 3;

		m.crash_at = -1;
		m.open_without_knock = 0;
		m.drop_knock_pct = m.drop_connect_pct = m.drop_commit_pct = 0;
		if (!clean) {
			m.drop_knock_pct = (int)rnd(&m, 4) * 25;	/* 0, 25, 50, 75 % */
			m.drop_connect_pct = (int)rnd(&m, 4) * 25;
			m.drop_commit_pct = (int)rnd(&m, 4) * 25;
			if (rnd(&m, 3) == 0)
				m.crash_at = (int)rnd(&m, 12);
			/* A door open without any knock (no firewall in the way), only
			 * when both sides agree: twice in a row would commit two seeds
			 * the server never saw, which one prev_seed cannot undo. */
			if (rnd(&m, 20) == 0 && memcmp(m.disk.seed, m.S, 32) == 0 && !m.disk.has_pending)
				m.open_without_knock = 1;
		}
		rc = m_round(&m, &res);
		if (rc == CRASH)
			m.crashes++;
		if (clean) {
			if (rc != 0)
				fail_msg("locked out at round %d (rc %d)", round, rc);
			clean_ok++;
			/* After a clean login both sides hold the same seed. */
			assert_memory_equal(m.disk.seed, m.S, 32);
			assert_false(m.disk.has_pending);
		}
		if (rc == 0 && res.committed)
			rotations++;
	}
	print_message("# %d clean logins, %d rotations, %ld accepted knocks, %ld lost knocks, "
	    "%ld lost connects, %ld lost commits, %ld crashes\n", clean_ok, rotations, m.accepted,
	    m.lost_knocks, m.lost_connects, m.lost_commits, m.crashes);
	assert_true(m.lost_knocks > 1000 && m.lost_connects > 1000 && m.lost_commits > 1000 &&
	    m.crashes > 1000);
}

/* The pending seed is written before the first knock and reused by later knocks. */
static void
test_session_pending_reused(void **state)
{
	struct model m;
	struct sess_result res;
	uint8_t pending[32];

	memset(&m, 0, sizeof(m));
	m.rng = 12345;
	assert_int_equal(spa_seed_generate(m.S), 0);
	memcpy(m.disk.seed, m.S, 32);
	m.crash_at = -1;
	m.drop_connect_pct = 100;	/* the server rotates, the client never hears */
	assert_int_equal(m_round(&m, &res), SPA_ERR_DOOR_SHUT);
	assert_true(m.disk.has_pending);
	memcpy(pending, m.disk.pending, 32);
	assert_memory_equal(m.S, pending, 32);	/* server took the pending seed */
	assert_true(res.knocks >= 2);
	m.drop_connect_pct = 0;
	assert_int_equal(m_round(&m, &res), 0);
	assert_false(res.used_prev);
	assert_memory_equal(m.disk.seed, pending, 32);
	assert_memory_equal(m.S, pending, 32);
	assert_false(m.disk.has_pending);
}

/* A door that opened without a knock commits a seed the server never saw: prev_seed recovers. */
static void
test_session_prev_fallback(void **state)
{
	struct model m;
	struct sess_result res;

	memset(&m, 0, sizeof(m));
	m.rng = 777;
	assert_int_equal(spa_seed_generate(m.S), 0);
	memcpy(m.disk.seed, m.S, 32);
	m.crash_at = -1;
	m.drop_knock_pct = 100;
	m.open_without_knock = 1;
	assert_int_equal(m_round(&m, &res), 0);
	assert_true(res.committed);
	assert_memory_not_equal(m.disk.seed, m.S, 32);
	m.drop_knock_pct = 0;
	m.open_without_knock = 0;
	assert_int_equal(m_round(&m, &res), 0);
	assert_true(res.used_prev);
	assert_memory_equal(m.disk.seed, m.S, 32);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_opens),
		cmocka_unit_test(test_send_reaches_socket),
		cmocka_unit_test(test_port_probe_and_local_ip),
		cmocka_unit_test(test_seed_hex),
		cmocka_unit_test(test_cred_parse_good),
		cmocka_unit_test(test_cred_parse_bad),
		cmocka_unit_test(test_cred_file_rules),
		cmocka_unit_test(test_cred_find_and_import),
		cmocka_unit_test(test_cred_lock_excludes),
		cmocka_unit_test(test_session_never_locked_out),
		cmocka_unit_test(test_session_pending_reused),
		cmocka_unit_test(test_session_prev_fallback),
	};

	return cmocka_run_group_tests_name("knock", tests, mk_tmpdir, rm_tmpdir);
}
