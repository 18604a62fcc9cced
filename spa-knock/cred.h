/*
 * cred.h - spa-knock credential files: parse, validate, save atomically,
 * lock, find by host name, import.
 *
 * A credential file is "key = value" (lib/spa_conf.h), written by
 * `spa-admin export` with server, spa_port, aid, seed, counter; spa-knock adds
 * pending_seed, prev_seed, password_key and hosts when it saves.
 */
#ifndef CRED_H
#define CRED_H

#include <stddef.h>
#include <stdint.h>
#include "spa_conf.h"
#include "spa_crypto.h"
#include "spa_pkt.h"

#define CRED_SERVER_MAX	255
#define CRED_HOSTS_MAX	1023
#define CRED_ERRLEN	SPA_CONF_ERRLEN

struct cred {
	char path[4096];		/* where it was loaded from / is saved to */
	char server[CRED_SERVER_MAX + 1];
	uint16_t spa_port;
	char aid[SPA_AID_LEN + 1];
	uint8_t seed[SPA_SEED_LEN];	/* committed seed */
	uint64_t counter;		/* last counter sent or accepted */
	int has_pending;
	uint8_t pending[SPA_SEED_LEN];	/* written before a knock, committed once the door opened */
	int has_prev;
	uint8_t prev[SPA_SEED_LEN];	/* the seed the last commit replaced */
	int has_pwkey;
	uint8_t pwkey[SPA_PWKEY_LEN];	/* saved password field (--save-password-key) */
	char hosts[CRED_HOSTS_MAX + 1];	/* space/comma separated names or fnmatch patterns */
};

/* Parse text[len] named file into c (wiped first).  0 or SPA_ERR_CONF_* / SPA_ERR_CRED, err "file:line: ...". */
int cred_parse(struct cred *c, const char *file, const char *text, size_t len, char err[CRED_ERRLEN]);

/* Load path (0600, owned by the caller) into c; sets c->path.  0 or SPA_ERR_*, err says what and where. */
int cred_load(struct cred *c, const char *path, char err[CRED_ERRLEN]);

/* Format c as a credential file into out[cap] (NUL-terminated). Returns length, or SPA_ERR_BUF_FULL. */
int cred_format(const struct cred *c, char *out, size_t cap);

/* Write c to c->path atomically with mode 0600. 0 or SPA_ERR_SYSTEM (errno set). */
int cred_save(const struct cred *c);

/* 1 if host matches one of c->hosts (exact, case-insensitive, or fnmatch pattern), else 0. */
int cred_matches(const struct cred *c, const char *host);

/*
 * Take the exclusive lock that serialises knocks with the credential at path
 * (flock on "path.lock", created 0600).  Returns the lock fd (>= 0) or SPA_ERR_SYSTEM.
 */
int cred_lock(const char *path);
/* Release a lock from cred_lock (fd < 0 is ignored). */
void cred_unlock(int fd);

/* The credential directory: $XDG_CONFIG_HOME/spa-knock or ~/.config/spa-knock into out. 0 or SPA_ERR_*. */
int cred_dir(char *out, size_t cap);

/*
 * Find the first *.cred in dir (in name order) whose hosts match host; its
 * path into out.  SPA_ERR_NO_CRED when none matches (err names a malformed
 * file met on the way, if any), else 0.
 */
int cred_find(const char *dir, const char *host, char *out, size_t cap, char err[CRED_ERRLEN]);

/*
 * Install the credential file src into dir (created 0700) as NAME.cred, NAME
 * being src's base name without ".cred", serving hosts (NULL: as in src).  Refuses to overwrite unless force.
 * The installed path into out.  0 or SPA_ERR_*, err says why.
 */
int cred_import(const char *src, const char *dir, const char *hosts, int force, char *out,
    size_t cap, char err[CRED_ERRLEN]);

/*
 * The checks of cred_import on a parsed credential c, no I/O: hosts (NULL:
 * keep c's) must be a host list, src's base name without ".cred" must be a
 * usable name (not empty, no leading dot, < 250 bytes); sets c->path to
 * dir/NAME.cred.  0 or SPA_ERR_*, err says why (c->hosts may be set then).
 */
int cred_import_prepare(struct cred *c, const char *src, const char *dir, const char *hosts,
    char err[CRED_ERRLEN]);

/* Set c->hosts from a list of names/patterns. 0 or SPA_ERR_CONF_VALUE (c unchanged). */
int cred_set_hosts(struct cred *c, const char *hosts);

/* Wipe c. */
void cred_wipe(struct cred *c);

#endif /* CRED_H */
