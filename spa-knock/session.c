/*
 * session.c - counter and seed state machine of a knock (see session.h).
 *
 * Why this order keeps the client from being locked out, against a server
 * that keeps seed S and prev P (DESIGN.md "Seeds"):
 *   - knock lost: the server still has S = seed; the next knock under seed works.
 *   - knock seen, connect lost (or crash before the commit was saved): the
 *     server has S = pending, P = seed; the next knock under seed is a knock
 *     under P with new_seed = the same pending, so S stays pending and the
 *     door opens; then the client commits exactly what the server holds.
 *   - door open without a knock (no firewall): the client commits a seed the
 *     server never saw; knocks under it fail, the one knock under prev_seed
 *     (= the server's S) succeeds and re-synchronises both sides.
 *   - counters are saved before the datagram leaves, so a crash can skip a
 *     counter but never send one twice; the server accepts any increase
 *     within its look-ahead window.
 */
#include "config.h"

#include <string.h>

#include "session.h"
#include "spa_crypto.h"
#include "spa_err.h"

/* One knock under seed and a connect attempt until until_ms. 1 open, 0 shut, < 0 error. */
static int
sess_attempt(struct cred *c, const struct sess_ops *ops, const struct sess_params *p,
    const uint8_t seed[32], int64_t until_ms, struct sess_result *res)
{
	static const uint8_t zero[32];
	int rc;

	c->counter++;
	if ((rc = ops->save(ops->ctx, c)) != 0)
		return rc;
	if ((rc = ops->knock(ops->ctx, seed, c->counter, p->rotate ? c->pending : zero)) != 0)
		return rc;
	res->knocks++;
	if (!p->confirm)
		return 1;
	return ops->connect(ops->ctx, until_ms);
}

/* The door opened after a knock under knocked: make pending the seed. */
static void
sess_commit(struct cred *c, const struct sess_ops *ops, const uint8_t knocked[32],
    struct sess_result *res)
{
	uint8_t k[32];

	memcpy(k, knocked, sizeof(k));	/* knocked may point into c */
	memcpy(c->prev, k, sizeof(c->prev));
	c->has_prev = 1;
	memcpy(c->seed, c->pending, sizeof(c->seed));
	spa_wipe(c->pending, sizeof(c->pending));
	c->has_pending = 0;
	spa_wipe(k, sizeof(k));
	res->committed = 1;
	if ((ops->save_commit != NULL ? ops->save_commit : ops->save)(ops->ctx, c) != 0)
		res->save_failed = 1;
}

int
sess_run(struct cred *c, const struct sess_ops *ops, const struct sess_params *p,
    struct sess_result *res)
{
	int64_t now, until;
	int rc, first = 1;

	memset(res, 0, sizeof(*res));
	if (p->rotate && !c->has_pending) {
		if ((rc = ops->new_seed(ops->ctx, c->pending)) != 0)
			return rc;
		c->has_pending = 1;
		/* Saved together with the first counter, before anything is sent. */
	}
	/* Knocks under the committed seed; leave one window for prev_seed. */
	for (;;) {
		now = ops->now_ms(ops->ctx);
		if (!first && now + (c->has_prev && p->confirm ? 2 : 1) * p->window_ms > p->deadline_ms)
			break;
		first = 0;
		until = now + p->window_ms;
		if (until > p->deadline_ms)
			until = p->deadline_ms;
		rc = sess_attempt(c, ops, p, c->seed, until, res);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			if (p->rotate && p->confirm)
				sess_commit(c, ops, c->seed, res);
			return 0;
		}
		if (!p->confirm)
			return 0;
	}
	if (c->has_prev && p->confirm) {
		now = ops->now_ms(ops->ctx);
		until = now + p->window_ms;
		if (until > p->deadline_ms)
			until = p->deadline_ms;
		rc = sess_attempt(c, ops, p, c->prev, until, res);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			res->used_prev = 1;
			if (p->rotate)
				sess_commit(c, ops, c->prev, res);
			return 0;
		}
	}
	return SPA_ERR_DOOR_SHUT;
}
