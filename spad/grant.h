/*
 * grant.h - the grant records spad keeps in memory: who was let in through
 * which tuple and when, so pam_spa can ask whether a login came through a
 * knock.  The firewall holds the grants themselves (fw.h); a record lives on
 * after its firewall element is consumed or expired, for `keep` seconds.
 */
#ifndef SPAD_GRANT_H
#define SPAD_GRANT_H

#include <stddef.h>
#include <stdint.h>

#include "fw.h"
#include "spa_pkt.h"

#define GRANT_USERS_MAX 256

struct grant {
	char aid[SPA_AID_LEN + 1];
	char users[GRANT_USERS_MAX];	/* "alice,bob" or "*" */
	struct fw_tuple t;
	int64_t created;		/* Unix seconds */
	int64_t expires;		/* end of the firewall grant */
	int64_t used;			/* first connection or login seen; 0 = not yet */
	int64_t store_id;		/* row in the store's grants table, 0 = none */
};

struct grant_tab {
	struct grant *g;
	size_t n, cap;
	unsigned keep;			/* seconds a record outlives its expiry */
};

/* Add (or refresh, same aid and tuple) a record. 0 or SPA_ERR_NOMEM. */
int grant_add(struct grant_tab *gt, const struct grant *g);

/*
 * The newest record covering a connection from addr:rport to lport created at
 * most max_age seconds before now (max_age 0: any kept record), or NULL.  With
 * user != NULL a record that allows user is preferred over a newer one that
 * does not, so two grants for one address never refuse a user one of them allows.
 */
struct grant *grant_match(struct grant_tab *gt, const uint8_t addr[16], uint16_t rport,
    uint16_t lport, uint8_t proto, int64_t now, unsigned max_age, const char *user);

/* Mark the records of tuple t used at now (first connection seen). */
void grant_mark_used(struct grant_tab *gt, const struct fw_tuple *t, int64_t now);

/* 1 if user may log in under users ("*" or a comma list), else 0. */
int grant_user_ok(const char *users, const char *user);

/* Drop records whose expiry + keep lies before now; returns how many. */
size_t grant_expire(struct grant_tab *gt, int64_t now);

/* Free everything. */
void grant_free(struct grant_tab *gt);

#endif /* SPAD_GRANT_H */
