/*
 * store-mariadb.c - the MariaDB backend (libmariadb): several spad gateways
 * can share one database or a Galera cluster.  The knock update runs in an
 * InnoDB transaction with the client row locked (SELECT ... FOR UPDATE) and
 * a compare-and-set UPDATE; on Galera a conflicting commit on another node
 * fails certification (deadlock error) and is reported as a lost race.
 *
 * Statements are built as text: every string goes through
 * mysql_real_escape_string into quotes, every blob as X'hex', numbers are
 * formatted from integers, so no input reaches SQL unquoted.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include "spa_err.h"
#include "spad_config.h"
#include "store-int.h"

#define M(st) ((MYSQL *)(st)->be)
#define CLIENT_COLS "aid, users, ports, any_ip, enabled, verifier, seed, key_id, prev_seed, " \
	"prev_key_id, counter, created, updated, last_seen"

/* A statement under construction; err set once anything did not fit. */
struct qb {
	char buf[4096];
	size_t len;
	int err;
};

static void
qb_raw(struct qb *q, const char *s)
{
	size_t n = strlen(s);

	if (q->err || q->len + n >= sizeof(q->buf)) {
		q->err = 1;
		return;
	}
	memcpy(q->buf + q->len, s, n + 1);
	q->len += n;
}

static void
qb_str(struct qb *q, MYSQL *m, const char *s)
{
	size_t n = strlen(s);

	if (q->err || q->len + 2 * n + 3 >= sizeof(q->buf)) {
		q->err = 1;
		return;
	}
	q->buf[q->len++] = '\'';
	q->len += mysql_real_escape_string(m, q->buf + q->len, s, (unsigned long)n);
	q->buf[q->len++] = '\'';
	q->buf[q->len] = 0;
}

static void
qb_blob(struct qb *q, const uint8_t *p, size_t n)
{
	if (q->err || q->len + 2 * n + 4 >= sizeof(q->buf)) {
		q->err = 1;
		return;
	}
	qb_raw(q, "X'");
	if (spa_hex_encode(p, n, q->buf + q->len, sizeof(q->buf) - q->len) != 0) {
		q->err = 1;
		return;
	}
	q->len += 2 * n;
	qb_raw(q, "'");
}

static void
qb_i64(struct qb *q, int64_t v)
{
	char t[32];

	snprintf(t, sizeof(t), "%" PRId64, v);
	qb_raw(q, t);
}

static void
qb_u64(struct qb *q, uint64_t v)
{
	char t[32];

	snprintf(t, sizeof(t), "%" PRIu64, v);
	qb_raw(q, t);
}

static int
my_fail(struct store *st, int code, const char *what)
{
	unsigned e = mysql_errno(M(st));

	switch (e) {
	case ER_LOCK_DEADLOCK:
		code = SPA_ERR_STORE_RACE;
		break;
	case ER_LOCK_WAIT_TIMEOUT:
		code = SPA_ERR_STORE_BUSY;
		break;
	case ER_DUP_ENTRY:
		code = SPA_ERR_EXISTS;
		break;
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
		code = SPA_ERR_STORE_CONNECT;
		break;
	}
	return store_fail(st, code, "mariadb: %s: %s", what, mysql_error(M(st)));
}

static int
my_query(struct store *st, const struct qb *q, const char *what)
{
	if (q->err)
		return store_fail(st, SPA_ERR_TOO_LONG, "mariadb: %s: statement too long", what);
	if (mysql_real_query(M(st), q->buf, (unsigned long)q->len) != 0)
		return my_fail(st, SPA_ERR_STORE, what);
	return 0;
}

static int
my_simple(struct store *st, const char *sql, const char *what)
{
	struct qb q = { .len = 0, .err = 0 };

	qb_raw(&q, sql);
	return my_query(st, &q, what);
}

static int
my_open(struct store *st, const struct spad_config *cfg, int create)
{
	MYSQL *m;
	/*
	 * Bounded waits: a server that is down fails the connect within 5 s, one
	 * that hangs (frozen, overloaded, a dead network path) fails each read or
	 * write within 10 s instead of blocking spa-admin or spad forever.  Row
	 * lock waits end first (5 s, below) so they report "busy", not "lost".
	 */
	unsigned timeout = 5, io_timeout = 10;

	(void)create;	/* the database itself is made by the DBA: CREATE DATABASE + GRANT */
	m = mysql_init(NULL);
	if (m == NULL)
		return store_fail(st, SPA_ERR_NOMEM, "mariadb: out of memory");
	st->be = m;
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &io_timeout);
	mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout);
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (mysql_real_connect(m, cfg->db_host, cfg->db_user, cfg->db_password, cfg->db_name,
	    cfg->db_port, cfg->db_socket, CLIENT_FOUND_ROWS) == NULL)
		return store_fail(st, SPA_ERR_STORE_CONNECT, "mariadb: cannot connect to %s%s%s "
		    "database '%s': %s", cfg->db_socket ? cfg->db_socket :
		    cfg->db_host ? cfg->db_host : "localhost", cfg->db_socket ? "" : ":",
		    cfg->db_socket ? "" : (cfg->db_port ? "port" : "default port"),
		    cfg->db_name ? cfg->db_name : "", mysql_error(m));
	return my_simple(st, "SET SESSION innodb_lock_wait_timeout = 5", "lock wait timeout");
}

static void
my_close(struct store *st)
{
	mysql_close(M(st));
	st->be = NULL;
}

static int
my_begin(struct store *st)
{
	return my_simple(st, "START TRANSACTION", "begin");
}

static int
my_commit(struct store *st)
{
	int rc = my_simple(st, "COMMIT", "commit");

	if (rc != 0)
		mysql_rollback(M(st));
	return rc;
}

static void
my_rollback(struct store *st)
{
	mysql_rollback(M(st));
}

/* Run q and return its result set (NULL with rc set on failure). */
static MYSQL_RES *
my_select(struct store *st, const struct qb *q, const char *what, int *rc)
{
	MYSQL_RES *res;

	if ((*rc = my_query(st, q, what)) != 0)
		return NULL;
	res = mysql_store_result(M(st));
	if (res == NULL)
		*rc = my_fail(st, SPA_ERR_STORE, what);
	return res;
}

static int
my_schema_version(struct store *st, int *v)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	struct qb q = { .len = 0, .err = 0 };
	int rc, have;

	*v = 0;
	qb_raw(&q, "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() "
	    "AND table_name = 'schema_version'");
	if ((res = my_select(st, &q, "schema_version", &rc)) == NULL)
		return rc;
	row = mysql_fetch_row(res);
	have = row != NULL && row[0] != NULL && atoi(row[0]) > 0;
	mysql_free_result(res);
	if (!have)
		return 0;
	q.len = 0;
	qb_raw(&q, "SELECT version FROM schema_version");
	if ((res = my_select(st, &q, "schema_version", &rc)) == NULL)
		return rc;
	row = mysql_fetch_row(res);
	if (row != NULL && row[0] != NULL)
		*v = atoi(row[0]);
	else
		rc = store_fail(st, SPA_ERR_STORE_SCHEMA, "mariadb: schema_version table is empty");
	mysql_free_result(res);
	return rc;
}

static int
my_exec_script(struct store *st, const char *sql)
{
	MYSQL *m = M(st);
	MYSQL_RES *res;
	int rc = 0, status;

	if (mysql_set_server_option(m, MYSQL_OPTION_MULTI_STATEMENTS_ON) != 0)
		return my_fail(st, SPA_ERR_STORE, "multi statements");
	if (mysql_real_query(m, sql, (unsigned long)strlen(sql)) != 0) {
		rc = my_fail(st, SPA_ERR_STORE, "migration");
		goto out;
	}
	do {
		res = mysql_store_result(m);
		if (res != NULL)
			mysql_free_result(res);
		status = mysql_next_result(m);
		if (status > 0) {
			rc = my_fail(st, SPA_ERR_STORE, "migration");
			break;
		}
	} while (status == 0);
out:
	mysql_set_server_option(m, MYSQL_OPTION_MULTI_STATEMENTS_OFF);
	return rc;
}

static int
get_blob(struct store *st, MYSQL_ROW row, unsigned long *lens, int i, uint8_t *out, size_t len,
    int *present)
{
	if (present != NULL)
		*present = 0;
	if (row[i] == NULL && present != NULL)
		return 0;
	if (row[i] == NULL || lens[i] != len)
		return store_fail(st, SPA_ERR_STORE, "mariadb: column %d has %lu bytes, not %zu", i,
		    row[i] ? lens[i] : 0UL, len);
	memcpy(out, row[i], len);
	if (present != NULL)
		*present = 1;
	return 0;
}

static int
get_text(struct store *st, MYSQL_ROW row, unsigned long *lens, int i, char *out, size_t cap)
{
	if (row[i] == NULL || lens[i] >= cap || memchr(row[i], 0, lens[i]) != NULL)
		return store_fail(st, SPA_ERR_STORE, "mariadb: column %d missing or too long", i);
	memcpy(out, row[i], lens[i]);
	out[lens[i]] = 0;
	return 0;
}

static int64_t
get_i64(MYSQL_ROW row, int i)
{
	return row[i] != NULL ? strtoll(row[i], NULL, 10) : 0;
}

static int
read_row(struct store *st, MYSQL_ROW row, unsigned long *lens, struct store_row *r)
{
	int rc, pk = 0;

	memset(r, 0, sizeof(*r));
	if ((rc = get_text(st, row, lens, 0, r->aid, sizeof(r->aid))) != 0 ||
	    (rc = get_text(st, row, lens, 1, r->users, sizeof(r->users))) != 0 ||
	    (rc = get_text(st, row, lens, 2, r->ports, sizeof(r->ports))) != 0)
		return rc;
	r->any_ip = (int)get_i64(row, 3);
	r->enabled = (int)get_i64(row, 4);
	if ((rc = get_blob(st, row, lens, 5, r->verifier, 32, NULL)) != 0 ||
	    (rc = get_blob(st, row, lens, 6, r->seed, STORE_SEALED_LEN, NULL)) != 0 ||
	    (rc = get_blob(st, row, lens, 7, r->key_id, SPA_KEYID_LEN, NULL)) != 0 ||
	    (rc = get_blob(st, row, lens, 8, r->prev_seed, STORE_SEALED_LEN, &r->has_prev)) != 0 ||
	    (rc = get_blob(st, row, lens, 9, r->prev_key_id, SPA_KEYID_LEN, &pk)) != 0)
		return rc;
	if (pk != r->has_prev)
		return store_fail(st, SPA_ERR_STORE, "mariadb: %s: prev_seed without prev_key_id",
		    r->aid);
	r->counter = row[10] != NULL ? strtoull(row[10], NULL, 10) : 0;
	r->created = get_i64(row, 11);
	r->updated = get_i64(row, 12);
	r->last_seen = get_i64(row, 13);
	return 0;
}

static int
my_row_get(struct store *st, const char *aid, int for_update, struct store_row *r)
{
	struct qb q = { .len = 0, .err = 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;
	int rc;

	qb_raw(&q, "SELECT " CLIENT_COLS " FROM clients WHERE aid = ");
	qb_str(&q, M(st), aid);
	if (for_update)
		qb_raw(&q, " FOR UPDATE");
	if ((res = my_select(st, &q, "select client", &rc)) == NULL)
		return rc;
	row = mysql_fetch_row(res);
	if (row == NULL)
		rc = SPA_ERR_NOT_FOUND;
	else
		rc = read_row(st, row, mysql_fetch_lengths(res), r);
	mysql_free_result(res);
	return rc;
}

static int
my_row_list(struct store *st, int enabled_only, struct store_row **rows, size_t *n)
{
	struct qb q = { .len = 0, .err = 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;
	struct store_row *v = NULL;
	size_t cnt = 0, nr;
	int rc = 0;

	qb_raw(&q, enabled_only ?
	    "SELECT " CLIENT_COLS " FROM clients WHERE enabled = 1 ORDER BY aid" :
	    "SELECT " CLIENT_COLS " FROM clients ORDER BY aid");
	if ((res = my_select(st, &q, "list clients", &rc)) == NULL)
		return rc;
	nr = (size_t)mysql_num_rows(res);
	if (nr > 0 && (v = calloc(nr, sizeof(*v))) == NULL) {
		rc = store_fail(st, SPA_ERR_NOMEM, "out of memory");
		goto out;
	}
	while (cnt < nr && (row = mysql_fetch_row(res)) != NULL) {
		if ((rc = read_row(st, row, mysql_fetch_lengths(res), &v[cnt])) != 0)
			goto out;
		cnt++;
	}
out:
	mysql_free_result(res);
	if (rc != 0) {
		spa_freezero(v, nr * sizeof(*v));
		return rc;
	}
	*rows = v;
	*n = cnt;
	return 0;
}

/* "users = ..., ..., last_seen = ..." in CLIENT_COLS order after aid. */
static void
qb_row_values(struct qb *q, MYSQL *m, const struct store_row *r, int assign)
{
	static const char *const cols[] = { "users", "ports", "any_ip", "enabled", "verifier",
	    "seed", "key_id", "prev_seed", "prev_key_id", "counter", "created", "updated",
	    "last_seen" };
	int i;

	for (i = 0; i < 13; i++) {
		if (i > 0)
			qb_raw(q, ", ");
		if (assign) {
			qb_raw(q, cols[i]);
			qb_raw(q, " = ");
		}
		switch (i) {
		case 0: qb_str(q, m, r->users); break;
		case 1: qb_str(q, m, r->ports); break;
		case 2: qb_i64(q, r->any_ip); break;
		case 3: qb_i64(q, r->enabled); break;
		case 4: qb_blob(q, r->verifier, 32); break;
		case 5: qb_blob(q, r->seed, STORE_SEALED_LEN); break;
		case 6: qb_blob(q, r->key_id, SPA_KEYID_LEN); break;
		case 7:
			if (r->has_prev)
				qb_blob(q, r->prev_seed, STORE_SEALED_LEN);
			else
				qb_raw(q, "NULL");
			break;
		case 8:
			if (r->has_prev)
				qb_blob(q, r->prev_key_id, SPA_KEYID_LEN);
			else
				qb_raw(q, "NULL");
			break;
		case 9: qb_u64(q, r->counter); break;
		case 10: qb_i64(q, r->created); break;
		case 11: qb_i64(q, r->updated); break;
		case 12: qb_i64(q, r->last_seen); break;
		}
	}
}

static int
my_row_insert(struct store *st, const struct store_row *r)
{
	struct qb q = { .len = 0, .err = 0 };
	int rc;

	qb_raw(&q, "INSERT INTO clients (" CLIENT_COLS ") VALUES (");
	qb_str(&q, M(st), r->aid);
	qb_raw(&q, ", ");
	qb_row_values(&q, M(st), r, 0);
	qb_raw(&q, ")");
	rc = my_query(st, &q, "insert client");
	spa_wipe(&q, sizeof(q));
	return rc;
}

static int
my_row_update(struct store *st, const struct store_row *r, const struct store_cas *cas,
    int *changed)
{
	struct qb q = { .len = 0, .err = 0 };
	int rc;

	*changed = 0;
	qb_raw(&q, "UPDATE clients SET ");
	qb_row_values(&q, M(st), r, 1);
	qb_raw(&q, " WHERE aid = ");
	qb_str(&q, M(st), r->aid);
	if (cas != NULL) {
		qb_raw(&q, " AND counter < ");
		qb_u64(&q, cas->counter_below);
		qb_raw(&q, " AND key_id = ");
		qb_blob(&q, cas->key_id, SPA_KEYID_LEN);
	}
	rc = my_query(st, &q, "update client");
	if (rc == 0)
		*changed = (int)mysql_affected_rows(M(st));
	spa_wipe(&q, sizeof(q));
	return rc;
}

static int
my_row_delete(struct store *st, const char *aid, int *changed)
{
	struct qb q = { .len = 0, .err = 0 };
	int rc;

	qb_raw(&q, "DELETE FROM clients WHERE aid = ");
	qb_str(&q, M(st), aid);
	rc = my_query(st, &q, "delete client");
	*changed = rc == 0 ? (int)mysql_affected_rows(M(st)) : 0;
	return rc;
}

static int
my_audit_insert(struct store *st, const struct store_audit *a)
{
	struct qb q = { .len = 0, .err = 0 };

	qb_raw(&q, "INSERT INTO audit (time, aid, src_ip, ip, port, source_port, protocol, counter, "
	    "rotated, gateway) VALUES (");
	qb_i64(&q, a->time);
	qb_raw(&q, ", ");
	qb_str(&q, M(st), a->aid);
	qb_raw(&q, ", ");
	qb_blob(&q, a->src_ip, 16);
	qb_raw(&q, ", ");
	qb_blob(&q, a->ip, 16);
	qb_raw(&q, ", ");
	qb_i64(&q, a->port);
	qb_raw(&q, ", ");
	qb_i64(&q, a->source_port);
	qb_raw(&q, ", ");
	qb_i64(&q, a->protocol);
	qb_raw(&q, ", ");
	qb_u64(&q, a->counter);
	qb_raw(&q, ", ");
	qb_i64(&q, a->rotated);
	qb_raw(&q, ", ");
	qb_str(&q, M(st), a->gateway);
	qb_raw(&q, ")");
	return my_query(st, &q, "insert audit");
}

static int
my_audit_list(struct store *st, const char *aid, size_t max, struct store_audit **out, size_t *n)
{
	struct qb q = { .len = 0, .err = 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;
	unsigned long *lens;
	struct store_audit *v = NULL, *a;
	size_t cnt = 0, nr;
	int rc = 0;

	qb_raw(&q, "SELECT id, time, aid, src_ip, ip, port, source_port, protocol, counter, "
	    "rotated, gateway FROM audit");
	if (aid != NULL) {
		qb_raw(&q, " WHERE aid = ");
		qb_str(&q, M(st), aid);
	}
	qb_raw(&q, " ORDER BY time DESC, id DESC LIMIT ");
	qb_u64(&q, max);
	if ((res = my_select(st, &q, "list audit", &rc)) == NULL)
		return rc;
	nr = (size_t)mysql_num_rows(res);
	if (nr > 0 && (v = calloc(nr, sizeof(*v))) == NULL) {
		rc = store_fail(st, SPA_ERR_NOMEM, "out of memory");
		goto out;
	}
	while (cnt < nr && (row = mysql_fetch_row(res)) != NULL) {
		lens = mysql_fetch_lengths(res);
		a = &v[cnt];
		a->id = get_i64(row, 0);
		a->time = get_i64(row, 1);
		if ((rc = get_text(st, row, lens, 2, a->aid, sizeof(a->aid))) != 0 ||
		    (rc = get_blob(st, row, lens, 3, a->src_ip, 16, NULL)) != 0 ||
		    (rc = get_blob(st, row, lens, 4, a->ip, 16, NULL)) != 0)
			goto out;
		a->port = (uint16_t)get_i64(row, 5);
		a->source_port = (uint16_t)get_i64(row, 6);
		a->protocol = (uint8_t)get_i64(row, 7);
		a->counter = row[8] != NULL ? strtoull(row[8], NULL, 10) : 0;
		a->rotated = (int)get_i64(row, 9);
		if ((rc = get_text(st, row, lens, 10, a->gateway, sizeof(a->gateway))) != 0)
			goto out;
		cnt++;
	}
out:
	mysql_free_result(res);
	if (rc != 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = cnt;
	return 0;
}

static int
my_grant_insert(struct store *st, struct store_grant *g)
{
	struct qb q = { .len = 0, .err = 0 };
	int rc;

	qb_raw(&q, "INSERT INTO grants (aid, ip, source_port, port, protocol, created, expires, "
	    "gateway) VALUES (");
	qb_str(&q, M(st), g->aid);
	qb_raw(&q, ", ");
	qb_blob(&q, g->ip, 16);
	qb_raw(&q, ", ");
	qb_i64(&q, g->source_port);
	qb_raw(&q, ", ");
	qb_i64(&q, g->port);
	qb_raw(&q, ", ");
	qb_i64(&q, g->protocol);
	qb_raw(&q, ", ");
	qb_i64(&q, g->created);
	qb_raw(&q, ", ");
	qb_i64(&q, g->expires);
	qb_raw(&q, ", ");
	qb_str(&q, M(st), g->gateway);
	qb_raw(&q, ")");
	rc = my_query(st, &q, "insert grant");
	if (rc == 0)
		g->id = (int64_t)mysql_insert_id(M(st));
	return rc;
}

static int
my_grant_delete(struct store *st, int64_t id, int *changed)
{
	struct qb q = { .len = 0, .err = 0 };
	int rc;

	qb_raw(&q, "DELETE FROM grants WHERE id = ");
	qb_i64(&q, id);
	rc = my_query(st, &q, "delete grant");
	*changed = rc == 0 ? (int)mysql_affected_rows(M(st)) : 0;
	return rc;
}

static int
my_grant_expire(struct store *st, int64_t now, size_t *n)
{
	struct qb q = { .len = 0, .err = 0 };
	int rc;

	qb_raw(&q, "DELETE FROM grants WHERE expires <= ");
	qb_i64(&q, now);
	rc = my_query(st, &q, "expire grants");
	*n = rc == 0 ? (size_t)mysql_affected_rows(M(st)) : 0;
	return rc;
}

static int
my_grant_list(struct store *st, const char *gateway, int64_t now, struct store_grant **out,
    size_t *n)
{
	struct qb q = { .len = 0, .err = 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;
	unsigned long *lens;
	struct store_grant *v = NULL, *g;
	size_t cnt = 0, nr;
	int rc = 0;

	qb_raw(&q, "SELECT id, aid, ip, source_port, port, protocol, created, expires, gateway "
	    "FROM grants WHERE expires > ");
	qb_i64(&q, now);
	if (gateway != NULL) {
		qb_raw(&q, " AND gateway = ");
		qb_str(&q, M(st), gateway);
	}
	qb_raw(&q, " ORDER BY id");
	if ((res = my_select(st, &q, "list grants", &rc)) == NULL)
		return rc;
	nr = (size_t)mysql_num_rows(res);
	if (nr > 0 && (v = calloc(nr, sizeof(*v))) == NULL) {
		rc = store_fail(st, SPA_ERR_NOMEM, "out of memory");
		goto out;
	}
	while (cnt < nr && (row = mysql_fetch_row(res)) != NULL) {
		lens = mysql_fetch_lengths(res);
		g = &v[cnt];
		g->id = get_i64(row, 0);
		if ((rc = get_text(st, row, lens, 1, g->aid, sizeof(g->aid))) != 0 ||
		    (rc = get_blob(st, row, lens, 2, g->ip, 16, NULL)) != 0)
			goto out;
		g->source_port = (uint16_t)get_i64(row, 3);
		g->port = (uint16_t)get_i64(row, 4);
		g->protocol = (uint8_t)get_i64(row, 5);
		g->created = get_i64(row, 6);
		g->expires = get_i64(row, 7);
		if ((rc = get_text(st, row, lens, 8, g->gateway, sizeof(g->gateway))) != 0)
			goto out;
		cnt++;
	}
out:
	mysql_free_result(res);
	if (rc != 0) {
		free(v);
		return rc;
	}
	*out = v;
	*n = cnt;
	return 0;
}

const struct store_ops store_mariadb_ops = {
	.name = "mariadb",
	.open = my_open,
	.close = my_close,
	.begin = my_begin,
	.commit = my_commit,
	.rollback = my_rollback,
	.schema_version = my_schema_version,
	.exec_script = my_exec_script,
	.row_get = my_row_get,
	.row_list = my_row_list,
	.row_insert = my_row_insert,
	.row_update = my_row_update,
	.row_delete = my_row_delete,
	.audit_insert = my_audit_insert,
	.audit_list = my_audit_list,
	.grant_insert = my_grant_insert,
	.grant_delete = my_grant_delete,
	.grant_expire = my_grant_expire,
	.grant_list = my_grant_list,
};
