/*
 * admin.h - spa-admin: the provisioning CLI.  admin.c holds the verb table
 * and main(); each admin-*.c file implements a group of verbs.
 *
 * EXIT STATUS (copy for spa-admin(8)):
 *   0  success.
 *   1  usage error or bad input: unknown verb or option, bad AID, a seed that
 *      is not 64 hex digits, a bad port or user list, an unreadable or empty
 *      password, a bad configuration file.
 *   2  not found: no client with that AID (or, for use-old-seed, no previous seed).
 *   3  already exists: a client with that AID, or (init) an initialised store.
 *   4  store unusable: cannot reach or open it, not initialised, a schema
 *      version this spa-admin does not know, or a server key file that is
 *      missing or bad (or does not open the stored seeds); a SQLite store
 *      that cannot be written or that another process keeps locked for longer
 *      than the busy timeout (10 s); the MariaDB server gone or not answering.
 *   5  internal error: out of memory, a failed write, a store error.
 *   6  the verb needs spad's control socket, which is not available
 *      (grants, status, allow, established).
 * On any non-zero status the store is unchanged and stderr holds one line.
 */
#ifndef SPAD_ADMIN_H
#define SPAD_ADMIN_H

#include <stddef.h>
#include <stdint.h>
#include "spad_config.h"
#include "store.h"

enum admin_exit {
	ADMIN_OK = 0,
	ADMIN_USAGE = 1,
	ADMIN_NOT_FOUND = 2,
	ADMIN_EXISTS = 3,
	ADMIN_STORE = 4,
	ADMIN_INTERNAL = 5,
	ADMIN_NO_SPAD = 6,
};

#define ADMIN_PASSWORD_MAX 1024

/* Global state every verb gets. */
struct admin {
	const char *conf_path;		/* -c FILE */
	const char *sql_dir;		/* --sql-dir, $SPA_SQL_DIR, or NULL: the built-in schema */
	const char *ctl_socket;		/* -S PATH: spad's control socket, NULL: the config's */
	struct spad_config cfg;		/* loaded by admin_load_config */
	int cfg_loaded;
	struct store *st;		/* opened by admin_open_store */
	uint8_t key[STORE_KEY_LEN];	/* SECRET */
	int verbose;			/* -v: notes on stderr */
};

struct admin_verb {
	const char *name;
	int (*run)(struct admin *a, int argc, char **argv);	/* returns an exit status */
	const char *synopsis;
	const char *help;		/* man-page style text for "VERB --help" */
};

/* Print "spa-admin: " + message to stderr (one line). */
void admin_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Map an SPA_ERR_* code to the exit status above. */
int admin_exit_for(int code);

/* Load -c FILE into a->cfg; prints and returns an exit status. */
int admin_load_config(struct admin *a);
/* Load config and key, open the store (check_schema: must be current). */
int admin_open_store(struct admin *a, int check_schema);
/* Close the store and wipe everything. */
void admin_close(struct admin *a);

/* Password options shared by add and passwd. */
struct admin_pw {
	const char *file;		/* --password-file */
	int from_stdin;			/* --password-stdin */
};
/* Get the password and turn it into verifier = HMAC(server key, scrypt field). */
int admin_password_verifier(struct admin *a, const struct admin_pw *pw, const char *aid,
    uint8_t verifier[32]);

/* Parse a 64-hex-digit seed; prints the error.  Exit status. */
int admin_parse_seed(const char *hex, uint8_t seed[SPA_SEED_LEN]);

/* Write the credential file for c (path "-" = stdout), 0600, atomically. */
int admin_write_cred(struct admin *a, const struct store_client *c, const char *server,
    const char *path);

/*
 * After a change spad must see (seed, enabled, password, removal): ask a
 * running spad to reload over its control socket.  Best effort: silent when
 * spad is not running (a note with -v); a warning when spad refuses.
 */
void admin_notify_spad(struct admin *a);

/* "VERB: usage" for a bad option; returns ADMIN_USAGE. */
int admin_usage(const char *verb);
/* Print verb's help if argv has -h/--help anywhere; returns 1 if printed. */
int admin_want_help(const char *verb, int argc, char **argv);

/* verbs */
int admin_init(struct admin *a, int argc, char **argv);
int admin_migrate(struct admin *a, int argc, char **argv);
int admin_add(struct admin *a, int argc, char **argv);
int admin_passwd(struct admin *a, int argc, char **argv);
int admin_remove(struct admin *a, int argc, char **argv);
int admin_enable(struct admin *a, int argc, char **argv);
int admin_disable(struct admin *a, int argc, char **argv);
int admin_list(struct admin *a, int argc, char **argv);
int admin_show(struct admin *a, int argc, char **argv);
int admin_export(struct admin *a, int argc, char **argv);
int admin_set_seed(struct admin *a, int argc, char **argv);
int admin_use_old_seed(struct admin *a, int argc, char **argv);
int admin_live(struct admin *a, int argc, char **argv);

#endif /* SPAD_ADMIN_H */
