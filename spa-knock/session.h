/*
 * session.h - the counter and seed rules of one knock-and-connect, apart from
 * any I/O, so a test can drive them with a fake clock, network and disk.
 *
 * The rules (DESIGN.md, "Seeds", normative):
 *   - every knock uses a counter never sent before, saved before it is sent;
 *   - the next seed is saved as pending before the first knock that carries
 *     it, and reused by every knock until one opens the door;
 *   - knocks go under the committed seed; only when the door stays shut does
 *     one knock go under prev_seed (the seed the last commit replaced);
 *   - once the door opened: prev_seed := the seed knocked under,
 *     seed := pending, pending cleared, saved.
 */
#ifndef SESSION_H
#define SESSION_H

#include <stdint.h>
#include "cred.h"

struct sess_ops {
	void *ctx;
	/* Persist c (atomically). 0 or an error: the knock is then not sent. */
	int (*save)(void *ctx, const struct cred *c);
	/* Send one knock sealed under seed with counter and new_seed (zero: keep). 0 or error. */
	int (*knock)(void *ctx, const uint8_t seed[32], uint64_t counter, const uint8_t new_seed[32]);
	/* Try to reach the service until until_ms: 1 door open (connected), 0 shut, < 0 fatal. */
	int (*connect)(void *ctx, int64_t until_ms);
	/* Monotonic milliseconds. */
	int64_t (*now_ms)(void *ctx);
	/* A fresh seed. 0 or error. */
	int (*new_seed)(void *ctx, uint8_t seed[32]);
	/*
	 * Persist c after the door opened (the commit); may finish after it
	 * returns, since a lost commit only leaves the pending seed pending.
	 * NULL: save.  0 or an error (the commit stays pending).
	 */
	int (*save_commit)(void *ctx, const struct cred *c);
};

struct sess_params {
	int64_t deadline_ms;	/* give up at this now_ms() */
	int64_t window_ms;	/* how long each knock's connect may take */
	int rotate;		/* carry a new seed (else new_seed is zero and nothing is committed) */
	int confirm;		/* call connect (else knock once and return) */
};

struct sess_result {
	int knocks;		/* datagrams sent */
	int used_prev;		/* the door opened under prev_seed */
	int committed;		/* a new seed was committed (and saved, unless save_failed) */
	int save_failed;	/* the commit could not be saved: the pending seed stays */
};

/*
 * Run the rules on c until the door opens, the deadline passes or an op fails.
 * 0 (door open, or knock sent when !confirm), SPA_ERR_DOOR_SHUT, or the
 * failing op's error.  c always mirrors what was last saved or about to be.
 */
int sess_run(struct cred *c, const struct sess_ops *ops, const struct sess_params *p,
    struct sess_result *res);

#endif /* SESSION_H */
