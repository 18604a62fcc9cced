/*
 * test_store.c - the store's logic on the SQLite backend: sealing round
 * trip (and no seed bytes in the file), the compare-and-set, the seed
 * rotation rules, admin seed edits, wrong server key, migrations, WAL mode
 * with owner-only -wal/-shm files; and the spad.conf parser's defaults and
 * file:line errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "spa_crypto.h"
#include "spa_err.h"
#include "spa_pkt.h"
#include "../../spad/spad_config.h"
#include "store.h"

static char dir[] = "/tmp/test_store.XXXXXX";
static char dbpath[256];
static const uint8_t key[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

static struct store *
fresh_store(int version)
{
	struct spad_config cfg;
	struct store *st = NULL;
	char err[STORE_ERRLEN];

	snprintf(dbpath, sizeof(dbpath), "%s/s%d.db", dir, rand());
	assert_int_equal(spad_config_defaults(&cfg), 0);
	free(cfg.db_path);
	cfg.db_path = strdup(dbpath);
	assert_int_equal(store_open(&cfg, key, 0, 1, &st, err), 0);
	assert_int_equal(store_migrate(st, SPA_SQL_DIR, version, NULL, NULL), 0);
	spad_config_free(&cfg);
	return st;
}

static void
mkseed(uint8_t s[32], uint8_t v)
{
	memset(s, v, 32);
}

static void
add(struct store *st, const char *aid, uint8_t seedbyte)
{
	struct store_client c;

	memset(&c, 0, sizeof(c));
	snprintf(c.aid, sizeof(c.aid), "%s", aid);
	snprintf(c.users, sizeof(c.users), "*");
	c.ports[0].proto = SPA_PROTO_TCP;
	c.ports[0].port = 22;
	c.nports = 1;
	c.enabled = 1;
	mkseed(c.seed, seedbyte);
	assert_int_equal(store_client_add(st, &c), 0);
}

static int
knock(struct store *st, const char *aid, const uint8_t used_seed[32], uint64_t counter,
    uint8_t newbyte, int change)
{
	struct store_knock k;

	memset(&k, 0, sizeof(k));
	k.aid = aid;
	assert_int_equal(spa_key_id(used_seed, k.used_key_id), 0);
	k.counter = counter;
	if (newbyte)
		mkseed(k.new_seed, newbyte);
	k.change_seeds = change;
	k.protocol = SPA_PROTO_TCP;
	k.port = 22;
	return store_knock(st, &k, NULL);
}

static void
test_seal_roundtrip(void **state)
{
	struct store *st = fresh_store(0);
	struct store_client c;
	uint8_t s[32], *hay;
	char *data = NULL;
	size_t len = 0, i;

	(void)state;
	add(st, "alice", 0xa7);
	assert_int_equal(store_client_add(st, &(struct store_client){ .aid = "alice",
	    .users = "*", .nports = 1, .ports = { { SPA_PROTO_TCP, 22 } } }), SPA_ERR_EXISTS);
	assert_int_equal(store_client_get(st, "alice", &c), 0);
	mkseed(s, 0xa7);
	assert_memory_equal(c.seed, s, 32);
	assert_int_equal(c.has_prev, 0);
	assert_int_equal(store_client_get(st, "bob", &c), SPA_ERR_NOT_FOUND);
	store_close(st);
	/* The file must not hold 8 consecutive seed bytes anywhere. */
	assert_int_equal(spa_file_read(dbpath, 1 << 24, 0, &data, &len), 0);
	hay = (uint8_t *)data;
	for (i = 0; i + 8 <= len; i++)
		assert_false(memcmp(hay + i, s, 8) == 0);
	free(data);
}

/* WAL mode: a writer leaves -wal and -shm beside the file, with its mode (0600) under umask 022. */
static void
test_wal(void **state)
{
	struct store *st = fresh_store(0), *st2 = NULL;
	struct spad_config cfg;
	struct store_grant g;
	char p[300], err[STORE_ERRLEN];
	uint8_t seed[32];
	struct stat sb;
	mode_t old;

	(void)state;
	store_close(st);
	assert_int_equal(chmod(dbpath, 0600), 0);	/* what spa-admin's umask 077 gives */
	old = umask(022);
	spad_config_defaults(&cfg);
	free(cfg.db_path);
	cfg.db_path = strdup(dbpath);
	assert_int_equal(store_open(&cfg, key, 1, 0, &st, err), 0);
	add(st, "alice", 0x21);
	/* a second handle (spa-admin beside spad) reads what the first committed */
	assert_int_equal(store_open(&cfg, key, 1, 0, &st2, err), 0);
	memset(&g, 0, sizeof(g));
	snprintf(g.aid, sizeof(g.aid), "alice");
	g.port = 22;
	g.protocol = SPA_PROTO_TCP;
	g.expires = 2000000000;
	assert_int_equal(store_grant_add(st, &g), 0);	/* synchronous = NORMAL inside */
	mkseed(seed, 0x21);
	assert_int_equal(knock(st2, "alice", seed, 1, 0, 0), 0);
	snprintf(p, sizeof(p), "%s-wal", dbpath);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	snprintf(p, sizeof(p), "%s-shm", dbpath);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	umask(old);
	store_close(st2);
	store_close(st);
	/* the last handle closed: checkpointed into the file, -wal removed */
	snprintf(p, sizeof(p), "%s-wal", dbpath);
	assert_int_equal(stat(p, &sb), -1);
	spad_config_free(&cfg);
}

static void
test_wrong_key(void **state)
{
	struct store *st = fresh_store(0), *st2 = NULL;
	struct spad_config cfg;
	struct store_client c;
	uint8_t other[32] = { 9 };
	char err[STORE_ERRLEN];

	(void)state;
	add(st, "alice", 0x11);
	store_close(st);
	spad_config_defaults(&cfg);
	free(cfg.db_path);
	cfg.db_path = strdup(dbpath);
	assert_int_equal(store_open(&cfg, other, 1, 0, &st2, err), 0);
	assert_int_equal(store_client_get(st2, "alice", &c), SPA_ERR_AUTH);
	store_close(st2);
	spad_config_free(&cfg);
}

static void
test_cas_and_rotation(void **state)
{
	struct store *st = fresh_store(0);
	struct store_client c;
	uint8_t s1[32], s2[32], s3[32], s4[32];

	(void)state;
	mkseed(s1, 1); mkseed(s2, 2); mkseed(s3, 3); mkseed(s4, 4);
	add(st, "alice", 1);
	/* under seed, no new seed: counter moves, seed stays */
	assert_int_equal(knock(st, "alice", s1, 5, 0, 1), 0);
	/* same counter again, and a lower one: replay */
	assert_int_equal(knock(st, "alice", s1, 5, 0, 1), SPA_ERR_STORE_RACE);
	assert_int_equal(knock(st, "alice", s1, 4, 0, 1), SPA_ERR_STORE_RACE);
	/* change_seeds off: new seed ignored */
	assert_int_equal(knock(st, "alice", s1, 6, 2, 0), 0);
	assert_int_equal(store_client_get(st, "alice", &c), 0);
	assert_memory_equal(c.seed, s1, 32);
	assert_int_equal(c.has_prev, 0);
	assert_int_equal(c.counter, 6);
	assert_true(c.last_seen > 0);
	/* under seed with new seed: prev := seed, seed := new */
	assert_int_equal(knock(st, "alice", s1, 7, 2, 1), 0);
	assert_int_equal(store_client_get(st, "alice", &c), 0);
	assert_memory_equal(c.seed, s2, 32);
	assert_memory_equal(c.prev_seed, s1, 32);
	/* under prev_seed: seed := new, prev unchanged */
	assert_int_equal(knock(st, "alice", s1, 8, 3, 1), 0);
	assert_int_equal(store_client_get(st, "alice", &c), 0);
	assert_memory_equal(c.seed, s3, 32);
	assert_memory_equal(c.prev_seed, s1, 32);
	/* a seed that is neither: refused, nothing changes */
	assert_int_equal(knock(st, "alice", s2, 9, 4, 1), SPA_ERR_STORE_RACE);
	assert_int_equal(store_client_get(st, "alice", &c), 0);
	assert_int_equal(c.counter, 8);
	/* use-old-seed: seed := prev_seed */
	assert_int_equal(store_client_use_old_seed(st, "alice"), 0);
	assert_int_equal(store_client_get(st, "alice", &c), 0);
	assert_memory_equal(c.seed, s1, 32);
	/* set-seed: outright, prev forgotten */
	assert_int_equal(store_client_set_seed(st, "alice", s4), 0);
	assert_int_equal(store_client_get(st, "alice", &c), 0);
	assert_memory_equal(c.seed, s4, 32);
	assert_int_equal(c.has_prev, 0);
	assert_int_equal(store_client_use_old_seed(st, "alice"), SPA_ERR_NOT_FOUND);
	/* disabled: no knock */
	assert_int_equal(store_client_set_enabled(st, "alice", 0), 0);
	assert_int_equal(knock(st, "alice", s4, 20, 0, 1), SPA_ERR_NOT_FOUND);
	assert_int_equal(knock(st, "nobody", s4, 20, 0, 1), SPA_ERR_NOT_FOUND);
	store_client_wipe(&c);
	store_close(st);
}

static void
test_list_and_audit(void **state)
{
	struct store *st = fresh_store(0);
	struct store_client *c = NULL;
	struct store_audit *a = NULL;
	uint8_t s[32];
	size_t n = 0;

	(void)state;
	add(st, "b", 2);
	add(st, "a", 1);
	assert_int_equal(store_client_set_enabled(st, "b", 0), 0);
	assert_int_equal(store_client_list(st, 1, &c, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(c[0].aid, "a");
	store_clients_free(c, n);
	assert_int_equal(store_client_list(st, 0, &c, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(c[1].aid, "b");
	store_clients_free(c, n);
	mkseed(s, 1);
	assert_int_equal(knock(st, "a", s, 1, 0, 1), 0);
	assert_int_equal(knock(st, "a", s, 2, 9, 1), 0);
	assert_int_equal(store_audit_list(st, "a", 10, &a, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(a[0].counter, 2);
	assert_int_equal(a[0].rotated, 1);
	free(a);
	store_close(st);
}

static void
test_migrate(void **state)
{
	struct store *st = fresh_store(1);
	int v = 0, from = 0, to = 0;

	(void)state;
	assert_int_equal(store_schema_version(st, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(store_migrate(st, SPA_SQL_DIR, 0, &from, &to), 0);
	assert_int_equal(from, 1);
	assert_int_equal(to, 2);
	add(st, "x", 5);
	assert_int_equal(store_migrate(st, SPA_SQL_DIR, 1, NULL, NULL), SPA_ERR_STORE_SCHEMA);
	store_close(st);
}

static void
test_config(void **state)
{
	struct spad_config c;
	char err[SPAD_CONF_ERRLEN];
	const char *good = "store = mariadb\ndb_port = 3307\nallowed_ips = 10.0.0.0/8, ::1\n"
	    "protect = tcp/22,tcp/2222\nchange_seeds = no\n";

	(void)state;
	assert_int_equal(spad_config_parse(&c, "t.conf", good, strlen(good), err), 0);
	assert_int_equal(c.store, SPAD_STORE_MARIADB);
	assert_int_equal(c.db_port, 3307);
	assert_int_equal(c.n_allowed_ips, 2);
	assert_int_equal(c.allowed_ips[0].prefix, 104);
	assert_int_equal(c.n_protect, 2);
	assert_int_equal(c.change_seeds, 0);
	assert_int_equal(c.spa_port, 62201);
	assert_string_equal(c.db_path, SPAD_DB_PATH_DEFAULT);
	spad_config_free(&c);
	assert_int_not_equal(spad_config_parse(&c, "t.conf", "\nstore = oracle\n", 16, err), 0);
	assert_non_null(strstr(err, "t.conf:2:"));
	assert_int_not_equal(spad_config_parse(&c, "t.conf", "protect = tcp/0\n", 16, err), 0);
	assert_non_null(strstr(err, "t.conf:1:"));
	assert_int_not_equal(spad_config_parse(&c, "t.conf", "allowed_ips = 1.2.3.4/33\n", 25,
	    err), 0);
	assert_int_not_equal(spad_config_parse(&c, "t.conf", "bogus = 1\n", 10, err), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seal_roundtrip),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_wal),
		cmocka_unit_test(test_cas_and_rotation),
		cmocka_unit_test(test_list_and_audit),
		cmocka_unit_test(test_migrate),
		cmocka_unit_test(test_config),
	};
	char cmd[300];
	int rc;

	if (mkdtemp(dir) == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
