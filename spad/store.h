/*
 * store.h - the client store: one interface, two backends (store-sqlite.c,
 * store-mariadb.c), chosen at run time by the config key "store".  Callers
 * (spad, spa-admin) never know which backend runs.
 *
 * What is kept (DESIGN.md "Store"): per client the AID, login users, allowed
 * ports, any_ip, the password verifier HMAC-SHA256(server key, password field),
 * the seed and previous seed SEALED with spa_seal under the server key (AAD
 * binds each blob to its AID and field), their key_ids in clear (for spad's
 * index), the last accepted counter, enabled, and timestamps; a grants table;
 * an audit row per accepted knock; schema_version.
 *
 * Secrets: struct store_client carries UNSEALED seeds when it comes out of
 * the store; wipe it with store_client_wipe() / store_clients_free().  The
 * server key is held by the store handle and wiped by store_close().
 *
 * Threads: a handle is used by one thread at a time.  Every function returns
 * 0 or a negative SPA_ERR_* code; store_errmsg() then says what failed in one
 * line (never a secret).
 */
#ifndef SPAD_STORE_H
#define SPAD_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "spa_crypto.h"
#include "spa_pkt.h"
#include "spa_util.h"

struct spad_config;
struct store;

/* The schema version this code reads and writes (sql/<backend>/vN.sql). */
#define STORE_SCHEMA_VERSION	2

#define STORE_AID_MAX		SPA_AID_LEN	/* 32 printable ASCII characters at most */
#define STORE_USERS_MAX		256		/* "alice,bob" or "*", NUL included */
#define STORE_PORTS_MAX		32
#define STORE_ERRLEN		512
#define STORE_KEY_LEN		32		/* server key file: exactly 32 bytes */

/* One client, seeds unsealed.  has_prev == 0: no previous seed (prev_* zero). */
struct store_client {
	char aid[STORE_AID_MAX + 1];		/* NUL-terminated */
	char users[STORE_USERS_MAX];		/* comma list of login names, or "*" */
	struct spa_portspec ports[STORE_PORTS_MAX];
	size_t nports;
	int any_ip;				/* 1: the packet may name any address */
	int enabled;
	uint8_t verifier[32];			/* HMAC-SHA256(server key, password field) */
	uint8_t seed[SPA_SEED_LEN];		/* SECRET */
	uint8_t key_id[SPA_KEYID_LEN];		/* spa_key_id(seed) */
	int has_prev;
	uint8_t prev_seed[SPA_SEED_LEN];	/* SECRET */
	uint8_t prev_key_id[SPA_KEYID_LEN];	/* spa_key_id(prev_seed) */
	uint64_t counter;			/* last accepted counter (0: none yet) */
	int64_t created, updated, last_seen;	/* Unix seconds; last_seen 0 = never */
};

/* ---- opening -------------------------------------------------------------- */

/*
 * Read the server key file (spa_file_read with secret checks: 0600, owner,
 * exactly 32 bytes).  0, SPA_ERR_KEYFILE (err says why) or SPA_ERR_*.
 */
int store_key_load(const char *path, uint8_t key[STORE_KEY_LEN], char err[STORE_ERRLEN]);

/* Create path with 32 random bytes, mode 0600, atomically; SPA_ERR_EXISTS if it exists. */
int store_key_create(const char *path, char err[STORE_ERRLEN]);

/*
 * Open the store cfg->store names ("sqlite": cfg->db_path; "mariadb": cfg->db_*),
 * keeping a copy of key.  With check_schema != 0 the schema_version must be
 * exactly STORE_SCHEMA_VERSION (spad and every spa-admin verb but init/migrate):
 * SPA_ERR_STORE_SCHEMA otherwise.  SQLite: the file must exist unless create.
 * On failure *out is NULL and err holds one line.
 * 0, SPA_ERR_STORE_CONNECT, SPA_ERR_STORE_SCHEMA, SPA_ERR_INVALID (unknown store), SPA_ERR_*.
 */
int store_open(const struct spad_config *cfg, const uint8_t key[STORE_KEY_LEN], int check_schema,
    int create, struct store **out, char err[STORE_ERRLEN]);

/* Close, wiping the key copy.  st may be NULL. */
void store_close(struct store *st);

/* One line saying what the last failing call on st failed at (never a secret). */
const char *store_errmsg(const struct store *st);

/* "sqlite" or "mariadb". */
const char *store_backend(const struct store *st);

/* ---- schema ------------------------------------------------------------------ */

/* Current schema version into *version; 0 if the store holds no schema yet. */
int store_schema_version(struct store *st, int *version);

/*
 * Apply the migrations sql_dir/BACKEND/vN.sql, N = current+1 .. target, in order
 * (target 0 = STORE_SCHEMA_VERSION).  A store newer than target is
 * SPA_ERR_STORE_SCHEMA.  from and to (may be NULL) report the versions.
 */
int store_migrate(struct store *st, const char *sql_dir, int target, int *from, int *to);

/* ---- clients (spa-admin) -------------------------------------------------- */

/* Validate an AID: 1..32 chars of [A-Za-z0-9._-].  0 or SPA_ERR_PKT_AID_FORMAT. */
int store_aid_check(const char *aid);

/* verifier = HMAC-SHA256(server key, field).  spad uses it to check step 9. */
int store_verifier(const struct store *st, const uint8_t field[SPA_PWKEY_LEN], uint8_t out[32]);

/*
 * Insert c (key_ids are computed here from the seeds; created/updated = now).
 * 0, SPA_ERR_EXISTS, SPA_ERR_PKT_AID_FORMAT, SPA_ERR_STORE*.
 */
int store_client_add(struct store *st, const struct store_client *c);

/* Fetch one client (any enabled state) into *c, seeds unsealed.  0, SPA_ERR_NOT_FOUND, SPA_ERR_AUTH (sealed blob does not open under this key), SPA_ERR_STORE*. */
int store_client_get(struct store *st, const char *aid, struct store_client *c);

/* Delete a client (its grants and audit rows stay).  0 or SPA_ERR_NOT_FOUND. */
int store_client_remove(struct store *st, const char *aid);

/* Replace the verifier (spa-admin passwd).  0 or SPA_ERR_NOT_FOUND. */
int store_client_set_verifier(struct store *st, const char *aid, const uint8_t verifier[32]);

/*
 * spa-admin set-seed: seed := seed; prev_seed cleared (a re-key: no old
 * credential keeps working).  Counter kept.  0 or SPA_ERR_NOT_FOUND.
 */
int store_client_set_seed(struct store *st, const char *aid, const uint8_t seed[SPA_SEED_LEN]);

/* spa-admin use-old-seed: seed := prev_seed (prev kept).  SPA_ERR_NOT_FOUND if no client or no prev_seed. */
int store_client_use_old_seed(struct store *st, const char *aid);

/* enabled := on.  0 or SPA_ERR_NOT_FOUND. */
int store_client_set_enabled(struct store *st, const char *aid, int on);

/* ---- clients (spad) ----------------------------------------------------------- */

/*
 * Load every client (enabled_only: only enabled ones) into a malloc'd array,
 * seeds unsealed, sorted by AID.  One query.  Free with store_clients_free().
 * A row whose seal does not open fails the whole call with SPA_ERR_AUTH
 * (wrong server key): spad must not start with half its clients.
 */
int store_client_list(struct store *st, int enabled_only, struct store_client **out, size_t *n);

/* Wipe and free an array from store_client_list (NULL ok). */
void store_clients_free(struct store_client *c, size_t n);

/* Wipe one client's secrets. */
void store_client_wipe(struct store_client *c);

/* What spad accepted: input of store_knock. */
struct store_knock {
	const char *aid;
	uint8_t used_key_id[SPA_KEYID_LEN];	/* key_id the datagram carried (seed or prev_seed) */
	uint64_t counter;			/* the datagram's counter */
	uint8_t new_seed[SPA_SEED_LEN];		/* all zero: keep */
	int change_seeds;			/* spad.conf change_seeds */
	/* audit fields */
	uint8_t src_ip[16];			/* datagram source (IPv4-mapped or IPv6) */
	uint8_t ip[16];				/* address granted */
	uint16_t port, source_port;
	uint8_t protocol;
	const char *gateway;			/* this gateway's name (NULL: "") */
};

/* What the store now holds: spad updates its index from it. */
struct store_knock_result {
	int rotated;				/* 1 if the seed changed */
	uint8_t key_id[SPA_KEYID_LEN];		/* current seed's key_id after the update */
	int has_prev;
	uint8_t prev_key_id[SPA_KEYID_LEN];
	uint8_t seed[SPA_SEED_LEN];		/* SECRET: current seed (wipe after use) */
	uint8_t prev_seed[SPA_SEED_LEN];	/* SECRET */
	uint64_t counter;			/* == k->counter */
};

/*
 * The atomic knock update (DESIGN.md step 11), in ONE transaction:
 *  - compare-and-set: fails unless the stored counter < k->counter;
 *  - the datagram's key_id must still be the stored seed's or prev_seed's;
 *  - seed rotation when new_seed is non-zero and change_seeds is on:
 *      under seed:      prev_seed := seed, seed := new_seed
 *      under prev_seed: seed := new_seed, prev_seed unchanged;
 *  - counter := k->counter, last_seen := now, one audit row.
 * Two callers (two processes or gateways) racing with the same or
 * overlapping counters: exactly one gets 0, the others SPA_ERR_STORE_RACE
 * (a replay: drop the packet) and nothing changes for them.
 * 0, SPA_ERR_STORE_RACE (counter not greater, key_id no longer current, or
 * lost a concurrent commit), SPA_ERR_NOT_FOUND, SPA_ERR_STORE_BUSY, SPA_ERR_STORE*.
 * res may be NULL; when given, wipe res->seed/prev_seed after use.
 */
int store_knock(struct store *st, const struct store_knock *k, struct store_knock_result *res);

/* ---- grants and audit -------------------------------------------------------- */

struct store_grant {
	int64_t id;				/* set by store_grant_add */
	char aid[STORE_AID_MAX + 1];
	uint8_t ip[16];				/* source address allowed */
	uint16_t source_port;			/* 0: any */
	uint16_t port;				/* service port */
	uint8_t protocol;
	int64_t created, expires;		/* Unix seconds */
	char gateway[64];			/* which gateway made it */
};

/* Record a grant; g->id is set.  0 or SPA_ERR_STORE*. */
int store_grant_add(struct store *st, struct store_grant *g);
/* Remove one grant by id.  0 or SPA_ERR_NOT_FOUND. */
int store_grant_remove(struct store *st, int64_t id);
/* Delete grants with expires <= now; *n (may be NULL) gets how many. */
int store_grant_expire(struct store *st, int64_t now, size_t *n);
/* Grants of gateway (NULL: all) not expired at now, malloc'd array; free(). */
int store_grant_list(struct store *st, const char *gateway, int64_t now, struct store_grant **out,
    size_t *n);

struct store_audit {
	int64_t id;
	int64_t time;
	char aid[STORE_AID_MAX + 1];
	uint8_t src_ip[16], ip[16];
	uint16_t port, source_port;
	uint8_t protocol;
	uint64_t counter;
	int rotated;
	char gateway[64];
};

/* The newest max audit rows of aid (NULL: all clients), newest first; free(). */
int store_audit_list(struct store *st, const char *aid, size_t max, struct store_audit **out,
    size_t *n);

#endif /* SPAD_STORE_H */
