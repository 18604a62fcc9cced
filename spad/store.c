/*
 * store.c - the backend-independent half of the store: the server key file,
 * sealing seeds at rest, validation, migrations and the knock transaction.
 * A backend (store-sqlite.c, store-mariadb.c) only moves rows in and out.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "spa_err.h"
#include "spad_config.h"
#include "store-int.h"

int
store_fail(struct store *st, int code, const char *fmt, ...)
{
	va_list ap;

	if (st == NULL)
		return code;
	va_start(ap, fmt);
	vsnprintf(st->err, sizeof(st->err), fmt, ap);
	va_end(ap);
	return code;
}

const char *
store_errmsg(const struct store *st)
{
	return st == NULL ? "no store" : st->err;
}

const char *
store_backend(const struct store *st)
{
	return st->ops->name;
}

/* ---- server key ------------------------------------------------------------ */

int
store_key_load(const char *path, uint8_t key[STORE_KEY_LEN], char err[STORE_ERRLEN])
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	rc = spa_file_read(path, 4096, 1, &data, &len);
	if (rc != 0) {
		/* "No such file or directory" says more than "system call failed" */
		snprintf(err, STORE_ERRLEN, "%s: server key: %s", path,
		    rc == SPA_ERR_SYSTEM ? strerror(errno) : spa_strerror(rc));
		rc = SPA_ERR_KEYFILE;
		goto out;
	}
	if (len != STORE_KEY_LEN) {
		snprintf(err, STORE_ERRLEN, "%s: server key must be exactly %d bytes, not %zu",
		    path, STORE_KEY_LEN, len);
		rc = SPA_ERR_KEYFILE;
		goto out;
	}
	memcpy(key, data, STORE_KEY_LEN);
	rc = 0;
out:
	spa_freezero(data, len);
	return rc;
}

int
store_key_create(const char *path, char err[STORE_ERRLEN])
{
	uint8_t key[STORE_KEY_LEN];
	struct stat sb;
	int rc;

	if (lstat(path, &sb) == 0) {
		snprintf(err, STORE_ERRLEN, "%s: server key exists already", path);
		return SPA_ERR_EXISTS;
	}
	rc = spa_random(key, sizeof(key));
	if (rc == 0)
		rc = spa_file_write_atomic(path, key, sizeof(key), 0600);
	if (rc != 0)
		snprintf(err, STORE_ERRLEN, "%s: cannot create server key: %s", path,
		    rc == SPA_ERR_SYSTEM ? strerror(errno) : spa_strerror(rc));
	spa_wipe(key, sizeof(key));
	return rc;
}

/* ---- open/close --------------------------------------------------------------- */

int
store_open(const struct spad_config *cfg, const uint8_t key[STORE_KEY_LEN], int check_schema,
    int create, struct store **out, char err[STORE_ERRLEN])
{
	const struct store_ops *ops = NULL;
	struct store *st;
	int rc, v = 0;

	*out = NULL;
	switch (cfg->store) {
	case SPAD_STORE_SQLITE:
#ifdef STORE_WITH_SQLITE
		ops = &store_sqlite_ops;
#endif
		break;
	case SPAD_STORE_MARIADB:
#ifdef STORE_WITH_MARIADB
		ops = &store_mariadb_ops;
#endif
		break;
	}
	if (ops == NULL) {
		snprintf(err, STORE_ERRLEN, "store '%s' is not built in (configure found no library)",
		    spad_store_name(cfg->store));
		return SPA_ERR_INVALID;
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL) {
		snprintf(err, STORE_ERRLEN, "out of memory");
		return SPA_ERR_NOMEM;
	}
	st->ops = ops;
	memcpy(st->key, key, STORE_KEY_LEN);
	rc = ops->open(st, cfg, create);
	if (rc != 0)
		goto fail;
	if (check_schema) {
		rc = ops->schema_version(st, &v);
		if (rc != 0)
			goto fail;
		if (v == 0) {
			rc = store_fail(st, SPA_ERR_STORE_SCHEMA,
			    "%s store holds no schema: run 'spa-admin init'", ops->name);
			goto fail;
		}
		if (v != STORE_SCHEMA_VERSION) {
			rc = store_fail(st, SPA_ERR_STORE_SCHEMA,
			    "%s store has schema version %d, this program knows %d%s", ops->name, v,
			    STORE_SCHEMA_VERSION, v < STORE_SCHEMA_VERSION ?
			    ": run 'spa-admin migrate'" : ": upgrade spa first");
			goto fail;
		}
	}
	*out = st;
	return 0;
fail:
	snprintf(err, STORE_ERRLEN, "%s", st->err);
	store_close(st);
	return rc;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->be != NULL)
		st->ops->close(st);
	spa_wipe(st->key, sizeof(st->key));
	free(st);
}

/* ---- schema ------------------------------------------------------------------ */

int
store_schema_version(struct store *st, int *version)
{
	return st->ops->schema_version(st, version);
}

int
store_migrate(struct store *st, const char *sql_dir, int target, int *from, int *to)
{
	char path[PATH_MAX], *sql = NULL;
	size_t len = 0;
	int rc, v, now;

	if (target == 0)
		target = STORE_SCHEMA_VERSION;
	if (target < 1 || target > STORE_SCHEMA_VERSION)
		return store_fail(st, SPA_ERR_INVALID, "no schema version %d (known: 1..%d)", target,
		    STORE_SCHEMA_VERSION);
	rc = st->ops->schema_version(st, &v);
	if (rc != 0)
		return rc;
	if (from != NULL)
		*from = v;
	if (v > target)
		return store_fail(st, SPA_ERR_STORE_SCHEMA,
		    "%s store has schema version %d, newer than %d: nothing to do downwards",
		    st->ops->name, v, target);
	for (; v < target; v++) {
		if (sql_dir == NULL) {
			/* The schema compiled into the program (sql/embed.sh). */
			const char *text = store_sql_embedded(st->ops->name, v + 1);

			snprintf(path, sizeof(path), "built-in %s/v%d.sql", st->ops->name, v + 1);
			if (text == NULL || (sql = strdup(text)) == NULL)
				return store_fail(st, text == NULL ? SPA_ERR_INTERNAL : SPA_ERR_NOMEM,
				    "%s: not available", path);
		} else {
			if ((size_t)snprintf(path, sizeof(path), "%s/%s/v%d.sql", sql_dir,
			    st->ops->name, v + 1) >= sizeof(path))
				return store_fail(st, SPA_ERR_TOO_LONG, "%s: path too long", sql_dir);
			rc = spa_file_read(path, 1 << 20, 0, &sql, &len);
			if (rc != 0)
				return store_fail(st, rc, "%s: %s", path,
				    rc == SPA_ERR_SYSTEM ? strerror(errno) : spa_strerror(rc));
		}
		rc = st->ops->begin(st);
		if (rc == 0)
			rc = st->ops->exec_script(st, sql);
		if (rc == 0)
			rc = st->ops->schema_version(st, &now);
		if (rc == 0 && now != v + 1)
			rc = store_fail(st, SPA_ERR_STORE_SCHEMA,
			    "%s did not set schema_version to %d", path, v + 1);
		if (rc == 0)
			rc = st->ops->commit(st);
		else
			st->ops->rollback(st);
		free(sql);
		sql = NULL;
		if (rc != 0)
			return rc;
	}
	if (to != NULL)
		*to = v;
	return 0;
}

/* ---- sealing ----------------------------------------------------------------- */

/* AAD binding a sealed blob to its field and client: "field\0aid". */
static size_t
seal_aad(const char *field, const char *aid, uint8_t *aad, size_t cap)
{
	size_t fl = strlen(field), al = strlen(aid);

	if (fl + 1 + al > cap)
		return 0;
	memcpy(aad, field, fl);
	aad[fl] = 0;
	memcpy(aad + fl + 1, aid, al);
	return fl + 1 + al;
}

static int
seal_seed(struct store *st, const char *field, const char *aid, const uint8_t seed[SPA_SEED_LEN],
    uint8_t out[STORE_SEALED_LEN])
{
	uint8_t aad[64];
	size_t n = seal_aad(field, aid, aad, sizeof(aad));
	int rc;

	if (n == 0)
		return store_fail(st, SPA_ERR_INTERNAL, "AAD too long");
	rc = spa_seal(st->key, aad, n, seed, SPA_SEED_LEN, out, STORE_SEALED_LEN);
	if (rc != 0)
		return store_fail(st, rc, "cannot seal %s of %s: %s", field, aid, spa_strerror(rc));
	return 0;
}

static int
unseal_seed(struct store *st, const char *field, const char *aid,
    const uint8_t in[STORE_SEALED_LEN], uint8_t seed[SPA_SEED_LEN])
{
	uint8_t aad[64];
	size_t n = seal_aad(field, aid, aad, sizeof(aad));
	int rc;

	if (n == 0)
		return store_fail(st, SPA_ERR_INTERNAL, "AAD too long");
	rc = spa_unseal(st->key, aad, n, in, STORE_SEALED_LEN, seed, SPA_SEED_LEN);
	if (rc != 0)
		return store_fail(st, rc, "%s of %s does not open under the server key "
		    "(wrong server_key, or the row was tampered with)", field, aid);
	return 0;
}

/* row -> client: unseal, parse ports. */
static int
row_to_client(struct store *st, const struct store_row *r, struct store_client *c)
{
	int rc;

	memset(c, 0, sizeof(*c));
	snprintf(c->aid, sizeof(c->aid), "%s", r->aid);
	snprintf(c->users, sizeof(c->users), "%s", r->users);
	rc = spa_ports_parse(r->ports, c->ports, STORE_PORTS_MAX, &c->nports, NULL);
	if (rc != 0)
		return store_fail(st, SPA_ERR_STORE, "client %s: stored port list '%s' is bad",
		    r->aid, r->ports);
	c->any_ip = r->any_ip;
	c->enabled = r->enabled;
	memcpy(c->verifier, r->verifier, 32);
	memcpy(c->key_id, r->key_id, SPA_KEYID_LEN);
	c->has_prev = r->has_prev;
	if (r->has_prev)
		memcpy(c->prev_key_id, r->prev_key_id, SPA_KEYID_LEN);
	c->counter = r->counter;
	c->created = r->created;
	c->updated = r->updated;
	c->last_seen = r->last_seen;
	rc = unseal_seed(st, "seed", r->aid, r->seed, c->seed);
	if (rc == 0 && r->has_prev)
		rc = unseal_seed(st, "prev_seed", r->aid, r->prev_seed, c->prev_seed);
	if (rc != 0)
		store_client_wipe(c);
	return rc;
}

/* ---- clients ----------------------------------------------------------------- */

int
store_aid_check(const char *aid)
{
	size_t i, n = strlen(aid);

	if (n == 0 || n > STORE_AID_MAX)
		return SPA_ERR_PKT_AID_FORMAT;
	for (i = 0; i < n; i++) {
		char ch = aid[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'))
			return SPA_ERR_PKT_AID_FORMAT;
	}
	return 0;
}

int
store_verifier(const struct store *st, const uint8_t field[SPA_PWKEY_LEN], uint8_t out[32])
{
	return spa_hmac_sha256(st->key, STORE_KEY_LEN, field, SPA_PWKEY_LEN, out);
}

static int
check_aid(struct store *st, const char *aid)
{
	if (store_aid_check(aid) != 0)
		return store_fail(st, SPA_ERR_PKT_AID_FORMAT,
		    "bad AID '%.40s': 1 to 32 characters of A-Z a-z 0-9 . _ -", aid);
	return 0;
}

int
store_client_add(struct store *st, const struct store_client *c)
{
	struct store_row r;
	int rc;

	memset(&r, 0, sizeof(r));
	if ((rc = check_aid(st, c->aid)) != 0)
		return rc;
	if (c->users[0] == 0 || c->nports == 0)
		return store_fail(st, SPA_ERR_INVALID, "client %s: needs users and ports", c->aid);
	snprintf(r.aid, sizeof(r.aid), "%s", c->aid);
	snprintf(r.users, sizeof(r.users), "%s", c->users);
	if (spa_ports_format(c->ports, c->nports, r.ports, sizeof(r.ports)) != 0)
		return store_fail(st, SPA_ERR_TOO_LONG, "client %s: port list too long", c->aid);
	r.any_ip = c->any_ip ? 1 : 0;
	r.enabled = c->enabled ? 1 : 0;
	memcpy(r.verifier, c->verifier, 32);
	if ((rc = spa_key_id(c->seed, r.key_id)) != 0 ||
	    (rc = seal_seed(st, "seed", c->aid, c->seed, r.seed)) != 0)
		return store_fail(st, rc, "client %s: cannot seal seed", c->aid);
	if (c->has_prev) {
		r.has_prev = 1;
		if ((rc = spa_key_id(c->prev_seed, r.prev_key_id)) != 0 ||
		    (rc = seal_seed(st, "prev_seed", c->aid, c->prev_seed, r.prev_seed)) != 0)
			return store_fail(st, rc, "client %s: cannot seal prev_seed", c->aid);
	}
	r.counter = c->counter;
	r.created = r.updated = (int64_t)time(NULL);
	r.last_seen = 0;
	/*
	 * In a transaction although it is one statement: when the server hangs
	 * and we give up (read timeout), an INSERT already sent would still be
	 * applied once the server wakes up, after we reported failure; an
	 * unanswered BEGIN leaves nothing behind.
	 */
	if ((rc = st->ops->begin(st)) != 0)
		return rc;
	rc = st->ops->row_insert(st, &r);
	if (rc == 0)
		rc = st->ops->commit(st);
	else
		st->ops->rollback(st);
	if (rc == SPA_ERR_EXISTS)
		store_fail(st, rc, "client %s exists already", c->aid);
	return rc;
}

int
store_client_get(struct store *st, const char *aid, struct store_client *c)
{
	struct store_row r;
	int rc;

	memset(c, 0, sizeof(*c));
	if ((rc = check_aid(st, aid)) != 0)
		return rc;
	rc = st->ops->row_get(st, aid, 0, &r);
	if (rc == SPA_ERR_NOT_FOUND)
		return store_fail(st, rc, "no client %s", aid);
	if (rc != 0)
		return rc;
	return row_to_client(st, &r, c);
}

int
store_client_remove(struct store *st, const char *aid)
{
	int rc, changed = 0;

	if ((rc = check_aid(st, aid)) != 0)
		return rc;
	if ((rc = st->ops->begin(st)) != 0)	/* see store_client_add */
		return rc;
	rc = st->ops->row_delete(st, aid, &changed);
	if (rc == 0 && changed == 0)
		rc = store_fail(st, SPA_ERR_NOT_FOUND, "no client %s", aid);
	if (rc == 0)
		rc = st->ops->commit(st);
	else
		st->ops->rollback(st);
	return rc;
}

/*
 * Read-modify-write of one row under a write transaction, so an admin change
 * and a concurrent knock never overwrite each other.  edit() changes r.
 */
typedef int (*row_edit_fn)(struct store *st, struct store_row *r, const void *arg);

static int
row_modify(struct store *st, const char *aid, row_edit_fn edit, const void *arg)
{
	struct store_row r;
	int rc, changed = 0;

	if ((rc = check_aid(st, aid)) != 0)
		return rc;
	if ((rc = st->ops->begin(st)) != 0)
		return rc;
	rc = st->ops->row_get(st, aid, 1, &r);
	if (rc == SPA_ERR_NOT_FOUND)
		store_fail(st, rc, "no client %s", aid);
	if (rc == 0)
		rc = edit(st, &r, arg);
	if (rc == 0) {
		r.updated = (int64_t)time(NULL);
		rc = st->ops->row_update(st, &r, NULL, &changed);
	}
	if (rc == 0 && changed != 1)
		rc = store_fail(st, SPA_ERR_NOT_FOUND, "no client %s", aid);
	if (rc == 0)
		rc = st->ops->commit(st);
	else
		st->ops->rollback(st);
	spa_wipe(&r, sizeof(r));
	return rc;
}

static int
edit_verifier(struct store *st, struct store_row *r, const void *arg)
{
	memcpy(r->verifier, arg, 32);
	return 0;
}

int
store_client_set_verifier(struct store *st, const char *aid, const uint8_t verifier[32])
{
	return row_modify(st, aid, edit_verifier, verifier);
}

static int
edit_seed(struct store *st, struct store_row *r, const void *arg)
{
	int rc;

	if ((rc = spa_key_id(arg, r->key_id)) != 0)
		return store_fail(st, rc, "cannot derive key_id");
	if ((rc = seal_seed(st, "seed", r->aid, arg, r->seed)) != 0)
		return rc;
	r->has_prev = 0;
	memset(r->prev_seed, 0, sizeof(r->prev_seed));
	memset(r->prev_key_id, 0, sizeof(r->prev_key_id));
	return 0;
}

int
store_client_set_seed(struct store *st, const char *aid, const uint8_t seed[SPA_SEED_LEN])
{
	return row_modify(st, aid, edit_seed, seed);
}

static int
edit_use_old(struct store *st, struct store_row *r, const void *arg)
{
	uint8_t seed[SPA_SEED_LEN];
	int rc;

	(void)arg;
	if (!r->has_prev)
		return store_fail(st, SPA_ERR_NOT_FOUND, "client %s has no previous seed", r->aid);
	rc = unseal_seed(st, "prev_seed", r->aid, r->prev_seed, seed);
	if (rc == 0)
		rc = seal_seed(st, "seed", r->aid, seed, r->seed);
	if (rc == 0)
		memcpy(r->key_id, r->prev_key_id, SPA_KEYID_LEN);
	spa_wipe(seed, sizeof(seed));
	return rc;
}

int
store_client_use_old_seed(struct store *st, const char *aid)
{
	return row_modify(st, aid, edit_use_old, NULL);
}

static int
edit_enabled(struct store *st, struct store_row *r, const void *arg)
{
	r->enabled = *(const int *)arg ? 1 : 0;
	return 0;
}

int
store_client_set_enabled(struct store *st, const char *aid, int on)
{
	return row_modify(st, aid, edit_enabled, &on);
}

int
store_client_list(struct store *st, int enabled_only, struct store_client **out, size_t *n)
{
	struct store_row *rows = NULL;
	struct store_client *c = NULL;
	size_t i, nr = 0;
	int rc;

	*out = NULL;
	*n = 0;
	rc = st->ops->row_list(st, enabled_only, &rows, &nr);
	if (rc != 0)
		return rc;
	if (nr > 0) {
		c = calloc(nr, sizeof(*c));
		if (c == NULL) {
			rc = store_fail(st, SPA_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	for (i = 0; i < nr; i++) {
		rc = row_to_client(st, &rows[i], &c[i]);
		if (rc != 0) {
			store_clients_free(c, nr);
			c = NULL;
			goto out;
		}
	}
	*out = c;
	*n = nr;
out:
	spa_freezero(rows, nr * sizeof(*rows));
	return rc;
}

void
store_client_wipe(struct store_client *c)
{
	spa_wipe(c->seed, sizeof(c->seed));
	spa_wipe(c->prev_seed, sizeof(c->prev_seed));
	spa_wipe(c->verifier, sizeof(c->verifier));
}

void
store_clients_free(struct store_client *c, size_t n)
{
	spa_freezero(c, n * sizeof(*c));
}

/* ---- the knock ----------------------------------------------------------------- */

/* The rotation rules of DESIGN.md "Seeds" applied to r (inside the transaction). */
static int
knock_apply(struct store *st, const struct store_knock *k, struct store_row *r, int *rotated)
{
	uint8_t cur[SPA_SEED_LEN];
	int under_seed, rc = 0;

	*rotated = 0;
	if (!r->enabled)
		return store_fail(st, SPA_ERR_NOT_FOUND, "client %s is disabled", k->aid);
	if (r->counter >= k->counter)
		return store_fail(st, SPA_ERR_STORE_RACE,
		    "client %s: counter %llu not above stored %llu (replay or lost race)", k->aid,
		    (unsigned long long)k->counter, (unsigned long long)r->counter);
	if (spa_ct_eq(k->used_key_id, r->key_id, SPA_KEYID_LEN))
		under_seed = 1;
	else if (r->has_prev && spa_ct_eq(k->used_key_id, r->prev_key_id, SPA_KEYID_LEN))
		under_seed = 0;
	else
		return store_fail(st, SPA_ERR_STORE_RACE,
		    "client %s: the packet's seed is no longer current", k->aid);
	if (k->change_seeds && !spa_is_zero(k->new_seed, SPA_SEED_LEN)) {
		if (under_seed) {
			rc = unseal_seed(st, "seed", r->aid, r->seed, cur);
			if (rc == 0)
				rc = seal_seed(st, "prev_seed", r->aid, cur, r->prev_seed);
			if (rc != 0)
				goto out;
			memcpy(r->prev_key_id, r->key_id, SPA_KEYID_LEN);
			r->has_prev = 1;
		}
		if ((rc = seal_seed(st, "seed", r->aid, k->new_seed, r->seed)) != 0)
			goto out;
		if ((rc = spa_key_id(k->new_seed, r->key_id)) != 0)
			goto out;
		*rotated = 1;
	}
	r->counter = k->counter;
out:
	spa_wipe(cur, sizeof(cur));
	return rc;
}

int
store_knock(struct store *st, const struct store_knock *k, struct store_knock_result *res)
{
	struct store_row r;
	struct store_cas cas;
	struct store_audit a;
	int rc, changed = 0, rotated = 0;
	int64_t now = (int64_t)time(NULL);

	memset(&r, 0, sizeof(r));
	if (res != NULL)
		memset(res, 0, sizeof(*res));
	if ((rc = check_aid(st, k->aid)) != 0)
		return rc;
	if (k->counter == 0 || k->counter > (uint64_t)INT64_MAX)
		return store_fail(st, SPA_ERR_INVALID, "counter out of range");
	if ((rc = st->ops->begin(st)) != 0)
		return rc;
	rc = st->ops->row_get(st, k->aid, 1, &r);
	if (rc == SPA_ERR_NOT_FOUND)
		store_fail(st, rc, "no client %s", k->aid);
	if (rc != 0)
		goto fail;
	/* CAS on what we read: a concurrent writer that slipped past the lock loses here. */
	cas.counter_below = k->counter;
	memcpy(cas.key_id, r.key_id, SPA_KEYID_LEN);
	if ((rc = knock_apply(st, k, &r, &rotated)) != 0)
		goto fail;
	r.last_seen = r.updated = now;
	if ((rc = st->ops->row_update(st, &r, &cas, &changed)) != 0)
		goto fail;
	if (changed != 1) {
		rc = store_fail(st, SPA_ERR_STORE_RACE, "client %s: lost the counter race", k->aid);
		goto fail;
	}
	memset(&a, 0, sizeof(a));
	a.time = now;
	snprintf(a.aid, sizeof(a.aid), "%s", k->aid);
	memcpy(a.src_ip, k->src_ip, 16);
	memcpy(a.ip, k->ip, 16);
	a.port = k->port;
	a.source_port = k->source_port;
	a.protocol = k->protocol;
	a.counter = k->counter;
	a.rotated = rotated;
	snprintf(a.gateway, sizeof(a.gateway), "%s", k->gateway != NULL ? k->gateway : "");
	if ((rc = st->ops->audit_insert(st, &a)) != 0)
		goto fail;
	if ((rc = st->ops->commit(st)) != 0)
		goto out;
	if (res != NULL) {
		res->rotated = rotated;
		res->counter = r.counter;
		memcpy(res->key_id, r.key_id, SPA_KEYID_LEN);
		rc = unseal_seed(st, "seed", r.aid, r.seed, res->seed);
		if (rc == 0 && r.has_prev) {
			res->has_prev = 1;
			memcpy(res->prev_key_id, r.prev_key_id, SPA_KEYID_LEN);
			rc = unseal_seed(st, "prev_seed", r.aid, r.prev_seed, res->prev_seed);
		}
	}
	goto out;
fail:
	st->ops->rollback(st);
out:
	spa_wipe(&r, sizeof(r));
	return rc;
}

/* ---- grants and audit ------------------------------------------------------------ */

int
store_grant_add(struct store *st, struct store_grant *g)
{
	int rc;

	if ((rc = check_aid(st, g->aid)) != 0)
		return rc;
	return st->ops->grant_insert(st, g);
}

int
store_grant_remove(struct store *st, int64_t id)
{
	int rc, changed = 0;

	rc = st->ops->grant_delete(st, id, &changed);
	if (rc == 0 && changed == 0)
		rc = store_fail(st, SPA_ERR_NOT_FOUND, "no grant %lld", (long long)id);
	return rc;
}

int
store_grant_expire(struct store *st, int64_t now, size_t *n)
{
	size_t dummy;

	return st->ops->grant_expire(st, now, n != NULL ? n : &dummy);
}

int
store_grant_list(struct store *st, const char *gateway, int64_t now, struct store_grant **out,
    size_t *n)
{
	return st->ops->grant_list(st, gateway, now, out, n);
}

int
store_audit_list(struct store *st, const char *aid, size_t max, struct store_audit **out,
    size_t *n)
{
	return st->ops->audit_list(st, aid, max, out, n);
}
