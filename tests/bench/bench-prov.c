/*
 * bench-prov.c - fill a SQLite store with the benchmark's clients (bench-cred.h).
 *
 *   bench-prov CONF SQLDIR FIRST LAST
 *
 * Creates the server key and the schema through the store API when they are
 * missing, then inserts clients FIRST..LAST.  A million clients through
 * store_client_add (one transaction each) would take the better part of an
 * hour, so the rows are written here in one transaction with the store's
 * sealing ("field\0aid" as AAD, spa_seal under the server key); afterwards
 * the last client is read back through store_client_get, so a change in
 * the store's format fails here, loudly, instead of timing nonsense.
 * Exit 0 on success, 1 otherwise.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spa_crypto.h"
#include "spa_err.h"
#include "spad_config.h"
#include "store.h"
#include "bench-cred.h"

#define SEALED_LEN (SPA_SEED_LEN + SPA_SEAL_OVERHEAD)

static int seal_seed(const uint8_t key[32], const char *aid, const uint8_t seed[SPA_SEED_LEN],
    uint8_t out[SEALED_LEN])
{
	uint8_t aad[64];
	size_t al = strlen(aid);

	memcpy(aad, "seed", 5);	/* "seed" and its NUL */
	memcpy(aad + 5, aid, al);
	return spa_seal(key, aad, 5 + al, seed, SPA_SEED_LEN, out, SEALED_LEN);
}

static int bulk(const char *path, const uint8_t key[32], struct store *st, unsigned first,
    unsigned last)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	struct bench_cred c;
	uint8_t sealed[SEALED_LEN], kid[SPA_KEYID_LEN], ver[32];
	int64_t now = (int64_t)time(NULL);
	unsigned i;
	int rc = 1;

	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA synchronous = OFF; BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO clients (aid, users, ports, any_ip, enabled, verifier, "
		"seed, key_id, counter, created, updated, last_seen) VALUES "
		"(?, '*', 'tcp/22', 0, 1, ?, ?, ?, 0, ?, ?, 0)", -1, &s, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench-prov: %s: %s\n", path, sqlite3_errmsg(db));
		goto out;
	}
	for (i = first; i <= last; i++) {
		if (bench_cred(i, &c) != 0 || spa_key_id(c.seed, kid) != 0 ||
		    store_verifier(st, c.pwkey, ver) != 0 || seal_seed(key, c.aid, c.seed, sealed) != 0) {
			fprintf(stderr, "bench-prov: crypto failed at client %u\n", i);
			goto out;
		}
		sqlite3_bind_text(s, 1, c.aid, -1, SQLITE_TRANSIENT);
		sqlite3_bind_blob(s, 2, ver, sizeof(ver), SQLITE_TRANSIENT);
		sqlite3_bind_blob(s, 3, sealed, sizeof(sealed), SQLITE_TRANSIENT);
		sqlite3_bind_blob(s, 4, kid, sizeof(kid), SQLITE_TRANSIENT);
		sqlite3_bind_int64(s, 5, now);
		sqlite3_bind_int64(s, 6, now);
		if (sqlite3_step(s) != SQLITE_DONE) {
			fprintf(stderr, "bench-prov: insert %s: %s\n", c.aid, sqlite3_errmsg(db));
			goto out;
		}
		sqlite3_reset(s);
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench-prov: commit: %s\n", sqlite3_errmsg(db));
		goto out;
	}
	rc = 0;
out:
	spa_wipe(&c, sizeof(c));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return rc;
}

int main(int argc, char **argv)
{
	struct spad_config cfg;
	struct store *st = NULL;
	struct store_client back;
	struct bench_cred c;
	uint8_t key[STORE_KEY_LEN];
	char err[STORE_ERRLEN], cerr[SPAD_CONF_ERRLEN];
	unsigned first, last;
	int version = 0, rc = 1;

	if (argc != 5) {
		fprintf(stderr, "usage: bench-prov CONF SQLDIR FIRST LAST\n");
		return 1;
	}
	first = (unsigned)strtoul(argv[3], NULL, 10);
	last = (unsigned)strtoul(argv[4], NULL, 10);
	memset(&cfg, 0, sizeof(cfg));
	if (spad_config_load(&cfg, argv[1], cerr) != 0) {
		fprintf(stderr, "bench-prov: %s\n", cerr);
		return 1;
	}
	(void)store_key_create(cfg.server_key, err);	/* SPA_ERR_EXISTS is fine */
	if (store_key_load(cfg.server_key, key, err) != 0 ||
	    store_open(&cfg, key, 0, 1, &st, err) != 0) {
		fprintf(stderr, "bench-prov: %s\n", err);
		goto out;
	}
	if (store_schema_version(st, &version) != 0 ||
	    (version == 0 && store_migrate(st, argv[2], 0, NULL, NULL) != 0)) {
		fprintf(stderr, "bench-prov: schema: %s\n", store_errmsg(st));
		goto out;
	}
	if (first <= last && bulk(cfg.db_path, key, st, first, last) != 0)
		goto out;
	/* Read one back through the store: proves the rows are what spad expects. */
	if (first <= last) {
		if (bench_cred(last, &c) != 0 || store_client_get(st, c.aid, &back) != 0 ||
		    !spa_ct_eq(back.seed, c.seed, SPA_SEED_LEN)) {
			fprintf(stderr, "bench-prov: client %s does not read back (store format changed?): %s\n",
			    c.aid, store_errmsg(st));
			goto out;
		}
		store_client_wipe(&back);
	}
	rc = 0;
out:
	spa_wipe(key, sizeof(key));
	spa_wipe(&c, sizeof(c));
	store_close(st);
	spad_config_free(&cfg);
	return rc;
}
