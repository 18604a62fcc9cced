/*
 * store-sqlite.c - the SQLite backend: one file, no server.  Writers take
 * the database lock up front (BEGIN IMMEDIATE) so two processes updating the
 * same client serialise; the compare-and-set in the UPDATE then decides.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "spa_err.h"
#include "spad_config.h"
#include "store-int.h"

#define CLIENT_COLS "aid, users, ports, any_ip, enabled, verifier, seed, key_id, prev_seed, " \
	"prev_key_id, counter, created, updated, last_seen"

#define DB(st) ((sqlite3 *)(st)->be)

#define SQ_BUSY_MS 10000	/* how long a writer waits for another's lock */

/*
 * A failure as an SPA_ERR_* code: a lock held beyond the busy timeout is
 * STORE_BUSY, a file or directory we may not write (read-only mount,
 * permissions) is STORE_CONNECT, "store unusable", not an internal error.
 */
static int
sq_fail(struct store *st, int code, const char *what)
{
	const char *hint = "";

	switch (sqlite3_errcode(DB(st))) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		code = SPA_ERR_STORE_BUSY;
		hint = " (another process held it longer than the 10 s busy timeout)";
		break;
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
		code = SPA_ERR_STORE_CONNECT;
		hint = " (the store file or its directory is not writable)";
		break;
	}
	return store_fail(st, code, "sqlite: %s: %s%s", what, sqlite3_errmsg(DB(st)), hint);
}

static int
sq_prepare(struct store *st, const char *sql, sqlite3_stmt **s)
{
	if (sqlite3_prepare_v2(DB(st), sql, -1, s, NULL) != SQLITE_OK)
		return sq_fail(st, SPA_ERR_STORE, "prepare");
	return 0;
}

static int
sq_open(struct store *st, const struct spad_config *cfg, int create)
{
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

	if (create)
		flags |= SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(cfg->db_path, &db, flags, NULL) != SQLITE_OK) {
		store_fail(st, SPA_ERR_STORE_CONNECT, "sqlite: cannot open %s: %s%s", cfg->db_path,
		    db != NULL ? sqlite3_errmsg(db) : "out of memory",
		    create ? "" : " (run 'spa-admin init' first?)");
		sqlite3_close(db);
		return SPA_ERR_STORE_CONNECT;
	}
	st->be = db;
	sqlite3_busy_timeout(db, SQ_BUSY_MS);
	sqlite3_extended_result_codes(db, 0);
	/* A quick read proves the file is a database at all. */
	if (sqlite3_exec(db, "PRAGMA foreign_keys = ON; SELECT count(*) FROM sqlite_master",
	    NULL, NULL, NULL) != SQLITE_OK)
		return sq_fail(st, SPA_ERR_STORE_CONNECT, cfg->db_path);
	/*
	 * WAL: a commit appends to the -wal file and syncs it once, where the
	 * rollback journal cost four syncs plus a create and an unlink.  The mode
	 * is stored in the file, so spad and spa-admin agree.  SQLite gives the
	 * -wal and -shm files the database file's mode (0600), whatever the umask.
	 * synchronous = FULL: every commit is on disk before it returns - the
	 * knock's counter compare-and-set must survive a power loss, or the last
	 * datagram could be replayed within max_packet_age after a reboot.  Only
	 * the grant record relaxes this (sq_grant_insert).
	 */
	if (sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL",
	    NULL, NULL, NULL) != SQLITE_OK)
		return sq_fail(st, SPA_ERR_STORE_CONNECT, cfg->db_path);
	return 0;
}

static void
sq_close(struct store *st)
{
	sqlite3_close(DB(st));
	st->be = NULL;
}

static int
sq_exec(struct store *st, const char *sql, const char *what)
{
	if (sqlite3_exec(DB(st), sql, NULL, NULL, NULL) != SQLITE_OK)
		return sq_fail(st, SPA_ERR_STORE, what);
	return 0;
}

static int
sq_begin(struct store *st)
{
	return sq_exec(st, "BEGIN IMMEDIATE", "begin");
}

static int
sq_commit(struct store *st)
{
	int rc = sq_exec(st, "COMMIT", "commit");

	if (rc != 0)
		sqlite3_exec(DB(st), "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static void
sq_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(DB(st)))
		sqlite3_exec(DB(st), "ROLLBACK", NULL, NULL, NULL);
}

static int
sq_schema_version(struct store *st, int *v)
{
	sqlite3_stmt *s = NULL;
	int rc;

	*v = 0;
	rc = sq_prepare(st, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
	    "AND name = 'schema_version'", &s);
	if (rc != 0)
		return rc;
	if (sqlite3_step(s) != SQLITE_ROW) {
		rc = sq_fail(st, SPA_ERR_STORE, "schema_version");
		goto out;
	}
	if (sqlite3_column_int(s, 0) == 0)
		goto out;
	sqlite3_finalize(s);
	s = NULL;
	if ((rc = sq_prepare(st, "SELECT version FROM schema_version", &s)) != 0)
		goto out;
	if (sqlite3_step(s) == SQLITE_ROW)
		*v = sqlite3_column_int(s, 0);
	else
		rc = store_fail(st, SPA_ERR_STORE_SCHEMA, "sqlite: schema_version table is empty");
out:
	sqlite3_finalize(s);
	return rc;
}

static int
sq_exec_script(struct store *st, const char *sql)
{
	return sq_exec(st, sql, "migration");
}

/* Copy a blob column of exactly len bytes; NULL gives *present = 0. */
static int
col_blob(struct store *st, sqlite3_stmt *s, int i, uint8_t *out, size_t len, int *present)
{
	const void *p = sqlite3_column_blob(s, i);
	int n = sqlite3_column_bytes(s, i);

	if (present != NULL)
		*present = 0;
	if (sqlite3_column_type(s, i) == SQLITE_NULL && present != NULL)
		return 0;
	if (p == NULL || (size_t)n != len)
		return store_fail(st, SPA_ERR_STORE, "sqlite: column %d has %d bytes, not %zu", i, n,
		    len);
	memcpy(out, p, len);
	if (present != NULL)
		*present = 1;
	return 0;
}

static int
col_text(struct store *st, sqlite3_stmt *s, int i, char *out, size_t cap)
{
	const unsigned char *p = sqlite3_column_text(s, i);

	if (p == NULL || (size_t)snprintf(out, cap, "%s", (const char *)p) >= cap)
		return store_fail(st, SPA_ERR_STORE, "sqlite: column %d missing or too long", i);
	return 0;
}

static int
read_row(struct store *st, sqlite3_stmt *s, struct store_row *r)
{
	int rc, pk = 0;

	memset(r, 0, sizeof(*r));
	if ((rc = col_text(st, s, 0, r->aid, sizeof(r->aid))) != 0 ||
	    (rc = col_text(st, s, 1, r->users, sizeof(r->users))) != 0 ||
	    (rc = col_text(st, s, 2, r->ports, sizeof(r->ports))) != 0)
		return rc;
	r->any_ip = sqlite3_column_int(s, 3);
	r->enabled = sqlite3_column_int(s, 4);
	if ((rc = col_blob(st, s, 5, r->verifier, 32, NULL)) != 0 ||
	    (rc = col_blob(st, s, 6, r->seed, STORE_SEALED_LEN, NULL)) != 0 ||
	    (rc = col_blob(st, s, 7, r->key_id, SPA_KEYID_LEN, NULL)) != 0 ||
	    (rc = col_blob(st, s, 8, r->prev_seed, STORE_SEALED_LEN, &r->has_prev)) != 0 ||
	    (rc = col_blob(st, s, 9, r->prev_key_id, SPA_KEYID_LEN, &pk)) != 0)
		return rc;
	if (pk != r->has_prev)
		return store_fail(st, SPA_ERR_STORE, "sqlite: %s: prev_seed without prev_key_id",
		    r->aid);
	r->counter = (uint64_t)sqlite3_column_int64(s, 10);
	r->created = sqlite3_column_int64(s, 11);
	r->updated = sqlite3_column_int64(s, 12);
	r->last_seen = sqlite3_column_int64(s, 13);
	return 0;
}

static int
sq_row_get(struct store *st, const char *aid, int for_update, struct store_row *r)
{
	sqlite3_stmt *s = NULL;
	int rc, step;

	(void)for_update;	/* BEGIN IMMEDIATE already holds the write lock */
	if ((rc = sq_prepare(st, "SELECT " CLIENT_COLS " FROM clients WHERE aid = ?", &s)) != 0)
		return rc;
	sqlite3_bind_text(s, 1, aid, -1, SQLITE_STATIC);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		rc = read_row(st, s, r);
	else if (step == SQLITE_DONE)
		rc = SPA_ERR_NOT_FOUND;
	else
		rc = sq_fail(st, SPA_ERR_STORE, "select client");
	sqlite3_finalize(s);
	return rc;
}

static int
sq_row_list(struct store *st, int enabled_only, struct store_row **rows, size_t *n)
{
	sqlite3_stmt *s = NULL;
	struct store_row *v = NULL, *nv;
	size_t cap = 0, cnt = 0;
	int rc, step;

	rc = sq_prepare(st, enabled_only ?
	    "SELECT " CLIENT_COLS " FROM clients WHERE enabled = 1 ORDER BY aid" :
	    "SELECT " CLIENT_COLS " FROM clients ORDER BY aid", &s);
	if (rc != 0)
		return rc;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			nv = calloc(cap, sizeof(*nv));
			if (nv == NULL) {
				rc = store_fail(st, SPA_ERR_NOMEM, "out of memory");
				goto out;
			}
			if (cnt > 0)
				memcpy(nv, v, cnt * sizeof(*v));
			spa_freezero(v, cnt * sizeof(*v));
			v = nv;
		}
		if ((rc = read_row(st, s, &v[cnt])) != 0)
			goto out;
		cnt++;
	}
	if (step != SQLITE_DONE)
		rc = sq_fail(st, SPA_ERR_STORE, "list clients");
out:
	sqlite3_finalize(s);
	if (rc != 0) {
		spa_freezero(v, cap * sizeof(*v));
		return rc;
	}
	*rows = v;
	*n = cnt;
	return 0;
}

/* Bind the columns after aid, in CLIENT_COLS order, starting at parameter i. */
static void
bind_row(sqlite3_stmt *s, int i, const struct store_row *r)
{
	sqlite3_bind_text(s, i++, r->users, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, i++, r->ports, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, i++, r->any_ip);
	sqlite3_bind_int(s, i++, r->enabled);
	sqlite3_bind_blob(s, i++, r->verifier, 32, SQLITE_STATIC);
	sqlite3_bind_blob(s, i++, r->seed, STORE_SEALED_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(s, i++, r->key_id, SPA_KEYID_LEN, SQLITE_STATIC);
	if (r->has_prev) {
		sqlite3_bind_blob(s, i++, r->prev_seed, STORE_SEALED_LEN, SQLITE_STATIC);
		sqlite3_bind_blob(s, i++, r->prev_key_id, SPA_KEYID_LEN, SQLITE_STATIC);
	} else {
		sqlite3_bind_null(s, i++);
		sqlite3_bind_null(s, i++);
	}
	sqlite3_bind_int64(s, i++, (sqlite3_int64)r->counter);
	sqlite3_bind_int64(s, i++, r->created);
	sqlite3_bind_int64(s, i++, r->updated);
	sqlite3_bind_int64(s, i++, r->last_seen);
}

static int
sq_row_insert(struct store *st, const struct store_row *r)
{
	sqlite3_stmt *s = NULL;
	int rc, step;

	rc = sq_prepare(st, "INSERT INTO clients (" CLIENT_COLS ") VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &s);
	if (rc != 0)
		return rc;
	sqlite3_bind_text(s, 1, r->aid, -1, SQLITE_STATIC);
	bind_row(s, 2, r);
	step = sqlite3_step(s);
	if (step == SQLITE_CONSTRAINT)
		rc = SPA_ERR_EXISTS;
	else if (step != SQLITE_DONE)
		rc = sq_fail(st, SPA_ERR_STORE, "insert client");
	sqlite3_finalize(s);
	return rc;
}

static int
sq_row_update(struct store *st, const struct store_row *r, const struct store_cas *cas,
    int *changed)
{
	sqlite3_stmt *s = NULL;
	int rc;

	*changed = 0;
	rc = sq_prepare(st, cas != NULL ?
	    "UPDATE clients SET users = ?, ports = ?, any_ip = ?, enabled = ?, "
	    "verifier = ?, seed = ?, key_id = ?, prev_seed = ?, prev_key_id = ?, counter = ?, "
	    "created = ?, updated = ?, last_seen = ? "
	    "WHERE aid = ? AND counter < ? AND key_id = ?" :
	    "UPDATE clients SET users = ?, ports = ?, any_ip = ?, enabled = ?, "
	    "verifier = ?, seed = ?, key_id = ?, prev_seed = ?, prev_key_id = ?, counter = ?, "
	    "created = ?, updated = ?, last_seen = ? WHERE aid = ?", &s);
	if (rc != 0)
		return rc;
	bind_row(s, 1, r);
	sqlite3_bind_text(s, 14, r->aid, -1, SQLITE_STATIC);
	if (cas != NULL) {
		sqlite3_bind_int64(s, 15, (sqlite3_int64)cas->counter_below);
		sqlite3_bind_blob(s, 16, cas->key_id, SPA_KEYID_LEN, SQLITE_STATIC);
	}
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = sq_fail(st, SPA_ERR_STORE, "update client");
	else
		*changed = sqlite3_changes(DB(st));
	sqlite3_finalize(s);
	return rc;
}

static int
sq_row_delete(struct store *st, const char *aid, int *changed)
{
	sqlite3_stmt *s = NULL;
	int rc;

	*changed = 0;
	if ((rc = sq_prepare(st, "DELETE FROM clients WHERE aid = ?", &s)) != 0)
		return rc;
	sqlite3_bind_text(s, 1, aid, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = sq_fail(st, SPA_ERR_STORE, "delete client");
	else
		*changed = sqlite3_changes(DB(st));
	sqlite3_finalize(s);
	return rc;
}

static int
sq_audit_insert(struct store *st, const struct store_audit *a)
{
	sqlite3_stmt *s = NULL;
	int rc;

	rc = sq_prepare(st, "INSERT INTO audit (time, aid, src_ip, ip, port, source_port, protocol, "
	    "counter, rotated, gateway) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &s);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(s, 1, a->time);
	sqlite3_bind_text(s, 2, a->aid, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 3, a->src_ip, 16, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, a->ip, 16, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, a->port);
	sqlite3_bind_int(s, 6, a->source_port);
	sqlite3_bind_int(s, 7, a->protocol);
	sqlite3_bind_int64(s, 8, (sqlite3_int64)a->counter);
	sqlite3_bind_int(s, 9, a->rotated);
	sqlite3_bind_text(s, 10, a->gateway, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = sq_fail(st, SPA_ERR_STORE, "insert audit");
	sqlite3_finalize(s);
	return rc;
}

/* Grow *v (element size sz) to hold one more; 0 or SPA_ERR_NOMEM. */
static int
grow(void **v, size_t *cap, size_t cnt, size_t sz)
{
	void *nv;

	if (cnt < *cap)
		return 0;
	nv = realloc(*v, (*cap ? *cap * 2 : 16) * sz);
	if (nv == NULL)
		return SPA_ERR_NOMEM;
	*v = nv;
	*cap = *cap ? *cap * 2 : 16;
	return 0;
}

static int
sq_audit_list(struct store *st, const char *aid, size_t max, struct store_audit **out, size_t *n)
{
	sqlite3_stmt *s = NULL;
	struct store_audit *v = NULL, *a;
	size_t cap = 0, cnt = 0;
	int rc, step;

	rc = sq_prepare(st, "SELECT id, time, aid, src_ip, ip, port, source_port, protocol, counter, "
	    "rotated, gateway FROM audit WHERE ?1 IS NULL OR aid = ?1 ORDER BY time DESC, id DESC "
	    "LIMIT ?2", &s);
	if (rc != 0)
		return rc;
	if (aid != NULL)
		sqlite3_bind_text(s, 1, aid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		if (grow((void **)&v, &cap, cnt, sizeof(*v)) != 0) {
			rc = store_fail(st, SPA_ERR_NOMEM, "out of memory");
			goto out;
		}
		a = &v[cnt];
		memset(a, 0, sizeof(*a));
		a->id = sqlite3_column_int64(s, 0);
		a->time = sqlite3_column_int64(s, 1);
		if ((rc = col_text(st, s, 2, a->aid, sizeof(a->aid))) != 0 ||
		    (rc = col_blob(st, s, 3, a->src_ip, 16, NULL)) != 0 ||
		    (rc = col_blob(st, s, 4, a->ip, 16, NULL)) != 0)
			goto out;
		a->port = (uint16_t)sqlite3_column_int(s, 5);
		a->source_port = (uint16_t)sqlite3_column_int(s, 6);
		a->protocol = (uint8_t)sqlite3_column_int(s, 7);
		a->counter = (uint64_t)sqlite3_column_int64(s, 8);
		a->rotated = sqlite3_column_int(s, 9);
		if ((rc = col_text(st, s, 10, a->gateway, sizeof(a->gateway))) != 0)
			goto out;
		cnt++;
	}
	if (step != SQLITE_DONE)
		rc = sq_fail(st, SPA_ERR_STORE, "list audit");
out:
	sqlite3_finalize(s);
	if (rc != 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = cnt;
	return 0;
}

static int
sq_grant_insert(struct store *st, struct store_grant *g)
{
	sqlite3_stmt *s = NULL;
	int rc;

	/*
	 * The grant record commits without a sync of its own (synchronous =
	 * NORMAL in WAL mode: in the -wal file, so it survives a crash of spad,
	 * and on disk with the next knock's synced commit or checkpoint).  What a
	 * power loss can take is the record of a grant whose firewall rule the
	 * same power loss took too; the counter update it follows was synced.
	 */
	if ((rc = sq_exec(st, "PRAGMA synchronous = NORMAL", "synchronous")) != 0)
		return rc;
	rc = sq_prepare(st, "INSERT INTO grants (aid, ip, source_port, port, protocol, created, "
	    "expires, gateway) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &s);
	if (rc != 0)
		goto out;
	sqlite3_bind_text(s, 1, g->aid, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, g->ip, 16, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, g->source_port);
	sqlite3_bind_int(s, 4, g->port);
	sqlite3_bind_int(s, 5, g->protocol);
	sqlite3_bind_int64(s, 6, g->created);
	sqlite3_bind_int64(s, 7, g->expires);
	sqlite3_bind_text(s, 8, g->gateway, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = sq_fail(st, SPA_ERR_STORE, "insert grant");
	else
		g->id = sqlite3_last_insert_rowid(DB(st));
out:
	sqlite3_finalize(s);
	/* back to synced commits for everything else, whatever happened above */
	if (sqlite3_exec(DB(st), "PRAGMA synchronous = FULL", NULL, NULL, NULL) != SQLITE_OK &&
	    rc == 0)
		rc = sq_fail(st, SPA_ERR_STORE, "synchronous");
	return rc;
}

static int
sq_grant_delete(struct store *st, int64_t id, int *changed)
{
	sqlite3_stmt *s = NULL;
	int rc;

	*changed = 0;
	if ((rc = sq_prepare(st, "DELETE FROM grants WHERE id = ?", &s)) != 0)
		return rc;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = sq_fail(st, SPA_ERR_STORE, "delete grant");
	else
		*changed = sqlite3_changes(DB(st));
	sqlite3_finalize(s);
	return rc;
}

static int
sq_grant_expire(struct store *st, int64_t now, size_t *n)
{
	sqlite3_stmt *s = NULL;
	int rc;

	*n = 0;
	if ((rc = sq_prepare(st, "DELETE FROM grants WHERE expires <= ?", &s)) != 0)
		return rc;
	sqlite3_bind_int64(s, 1, now);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = sq_fail(st, SPA_ERR_STORE, "expire grants");
	else
		*n = (size_t)sqlite3_changes(DB(st));
	sqlite3_finalize(s);
	return rc;
}

static int
sq_grant_list(struct store *st, const char *gateway, int64_t now, struct store_grant **out,
    size_t *n)
{
	sqlite3_stmt *s = NULL;
	struct store_grant *v = NULL, *g;
	size_t cap = 0, cnt = 0;
	int rc, step;

	rc = sq_prepare(st, "SELECT id, aid, ip, source_port, port, protocol, created, expires, "
	    "gateway FROM grants WHERE expires > ?1 AND (?2 IS NULL OR gateway = ?2) ORDER BY id", &s);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(s, 1, now);
	if (gateway != NULL)
		sqlite3_bind_text(s, 2, gateway, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		if (grow((void **)&v, &cap, cnt, sizeof(*v)) != 0) {
			rc = store_fail(st, SPA_ERR_NOMEM, "out of memory");
			goto out;
		}
		g = &v[cnt];
		memset(g, 0, sizeof(*g));
		g->id = sqlite3_column_int64(s, 0);
		if ((rc = col_text(st, s, 1, g->aid, sizeof(g->aid))) != 0 ||
		    (rc = col_blob(st, s, 2, g->ip, 16, NULL)) != 0)
			goto out;
		g->source_port = (uint16_t)sqlite3_column_int(s, 3);
		g->port = (uint16_t)sqlite3_column_int(s, 4);
		g->protocol = (uint8_t)sqlite3_column_int(s, 5);
		g->created = sqlite3_column_int64(s, 6);
		g->expires = sqlite3_column_int64(s, 7);
		if ((rc = col_text(st, s, 8, g->gateway, sizeof(g->gateway))) != 0)
			goto out;
		cnt++;
	}
	if (step != SQLITE_DONE)
		rc = sq_fail(st, SPA_ERR_STORE, "list grants");
out:
	sqlite3_finalize(s);
	if (rc != 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = cnt;
	return 0;
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.schema_version = sq_schema_version,
	.exec_script = sq_exec_script,
	.row_get = sq_row_get,
	.row_list = sq_row_list,
	.row_insert = sq_row_insert,
	.row_update = sq_row_update,
	.row_delete = sq_row_delete,
	.audit_insert = sq_audit_insert,
	.audit_list = sq_audit_list,
	.grant_insert = sq_grant_insert,
	.grant_delete = sq_grant_delete,
	.grant_expire = sq_grant_expire,
	.grant_list = sq_grant_list,
};
