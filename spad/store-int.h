/*
 * store-int.h - what a store backend implements.  The backends only move
 * rows in and out of SQL; sealing, validation, the rotation rules and the
 * transaction shape of a knock live once, in store.c.
 */
#ifndef SPAD_STORE_INT_H
#define SPAD_STORE_INT_H

#include "store.h"

#define STORE_SEALED_LEN	(SPA_SEED_LEN + SPA_SEAL_OVERHEAD)
#define STORE_PORTS_TEXT	(STORE_PORTS_MAX * 10)

/* A client row as stored: seeds sealed, ports as text. */
struct store_row {
	char aid[STORE_AID_MAX + 1];
	char users[STORE_USERS_MAX];
	char ports[STORE_PORTS_TEXT];
	int any_ip, enabled;
	uint8_t verifier[32];
	uint8_t seed[STORE_SEALED_LEN];
	uint8_t key_id[SPA_KEYID_LEN];
	int has_prev;
	uint8_t prev_seed[STORE_SEALED_LEN];
	uint8_t prev_key_id[SPA_KEYID_LEN];
	uint64_t counter;
	int64_t created, updated, last_seen;
};

/* Extra WHERE terms of a compare-and-set update. */
struct store_cas {
	uint64_t counter_below;			/* AND counter < ? */
	uint8_t key_id[SPA_KEYID_LEN];		/* AND key_id = ? */
};

struct store_ops {
	const char *name;
	int (*open)(struct store *st, const struct spad_config *cfg, int create);
	void (*close)(struct store *st);
	/* A write transaction (SQLite BEGIN IMMEDIATE, MariaDB START TRANSACTION). */
	int (*begin)(struct store *st);
	/* Commit; a lost concurrent commit is SPA_ERR_STORE_RACE. */
	int (*commit)(struct store *st);
	void (*rollback)(struct store *st);
	/* 0 when no schema_version table exists. */
	int (*schema_version)(struct store *st, int *v);
	/* Run a migration script (several statements). */
	int (*exec_script)(struct store *st, const char *sql);
	/* for_update: lock the row until commit/rollback.  SPA_ERR_NOT_FOUND. */
	int (*row_get)(struct store *st, const char *aid, int for_update, struct store_row *r);
	/* malloc'd array sorted by aid */
	int (*row_list)(struct store *st, int enabled_only, struct store_row **rows, size_t *n);
	/* SPA_ERR_EXISTS on a duplicate aid */
	int (*row_insert)(struct store *st, const struct store_row *r);
	/* every column but aid/created; *changed = rows matched (0 or 1) */
	int (*row_update)(struct store *st, const struct store_row *r, const struct store_cas *cas,
	    int *changed);
	int (*row_delete)(struct store *st, const char *aid, int *changed);
	int (*audit_insert)(struct store *st, const struct store_audit *a);
	int (*audit_list)(struct store *st, const char *aid, size_t max, struct store_audit **out,
	    size_t *n);
	int (*grant_insert)(struct store *st, struct store_grant *g);
	int (*grant_delete)(struct store *st, int64_t id, int *changed);
	int (*grant_expire)(struct store *st, int64_t now, size_t *n);
	int (*grant_list)(struct store *st, const char *gateway, int64_t now,
	    struct store_grant **out, size_t *n);
};

struct store {
	const struct store_ops *ops;
	void *be;				/* backend state */
	uint8_t key[STORE_KEY_LEN];		/* SECRET */
	char err[STORE_ERRLEN];
};

/* Set st->err (printf style); returns code so callers can "return store_fail(...)". */
int store_fail(struct store *st, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#ifdef STORE_WITH_SQLITE
extern const struct store_ops store_sqlite_ops;
#endif
#ifdef STORE_WITH_MARIADB
extern const struct store_ops store_mariadb_ops;
#endif

#endif /* SPAD_STORE_INT_H */
