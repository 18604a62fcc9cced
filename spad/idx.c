/*
 * idx.c - the client index (see idx.h): an array of clients plus a table of
 * slots, each slot the 1-based number of a client's entry tagged with which
 * of its key_ids it holds.  Linear probing; deletion shifts back, so there
 * are no tombstones and lookups stay short after many seed rotations.
 */
#include <stdlib.h>
#include <string.h>

#include "spa_crypto.h"
#include "spa_err.h"
#include "idx.h"
#include "store.h"

#define PREV_BIT 0x80000000u

struct idx {
	struct idx_client *c;
	size_t n;
	uint32_t *slot;		/* 0 empty, else (client number + 1) | PREV_BIT */
	size_t mask;		/* slots - 1 */
};

static size_t
hash(const uint8_t key_id[SPA_KEYID_LEN])
{
	uint64_t h;

	memcpy(&h, key_id, sizeof(h));
	return (size_t)h;
}

static const uint8_t *
slot_key(const struct idx *ix, uint32_t s)
{
	const struct idx_client *c = &ix->c[(s & ~PREV_BIT) - 1];

	return (s & PREV_BIT) ? c->prev_key_id : c->key_id;
}

static void
slot_insert(struct idx *ix, uint32_t s)
{
	size_t i = hash(slot_key(ix, s)) & ix->mask;

	while (ix->slot[i] != 0)
		i = (i + 1) & ix->mask;
	ix->slot[i] = s;
}

static void
slot_remove(struct idx *ix, uint32_t s)
{
	size_t i = hash(slot_key(ix, s)) & ix->mask, j, k;

	while (ix->slot[i] != s) {
		if (ix->slot[i] == 0)
			return;
		i = (i + 1) & ix->mask;
	}
	/* backward shift: move up every later entry whose home lies at or before the hole */
	ix->slot[i] = 0;
	for (j = (i + 1) & ix->mask; ix->slot[j] != 0; j = (j + 1) & ix->mask) {
		k = hash(slot_key(ix, ix->slot[j])) & ix->mask;
		if (((j - k) & ix->mask) >= ((j - i) & ix->mask)) {
			ix->slot[i] = ix->slot[j];
			ix->slot[j] = 0;
			i = j;
		}
	}
}

static int
derive(const uint8_t seed[SPA_SEED_LEN], uint8_t key_id[SPA_KEYID_LEN], uint8_t enc[SPA_ENC_KEY_LEN],
    uint8_t hotp[SPA_HOTP_KEY_LEN])
{
	struct spa_keys k;
	int r;

	if ((r = spa_keys_derive(seed, &k)) != 0)
		return r;
	memcpy(key_id, k.key_id, SPA_KEYID_LEN);
	memcpy(enc, k.enc, SPA_ENC_KEY_LEN);
	memcpy(hotp, k.hotp, SPA_HOTP_KEY_LEN);
	spa_keys_wipe(&k);
	return 0;
}

static void
extra_free(struct idx_extra *x)
{
	if (x == NULL)
		return;
	free(x->users);
	free(x->ports);
	free(x);
}

int
idx_build(const struct store_client *sc, size_t n, struct idx **out)
{
	struct idx *ix;
	size_t i, m, want, slots = 16;
	int r = SPA_ERR_NOMEM;

	*out = NULL;
	if ((ix = calloc(1, sizeof(*ix))) == NULL)
		return SPA_ERR_NOMEM;
	want = 4 * (n + 1);	/* two key_ids per client, load factor <= 1/2 */
	while (slots < want)
		slots <<= 1;
	ix->mask = slots - 1;
	if ((ix->slot = calloc(slots, sizeof(*ix->slot))) == NULL ||
	    (n > 0 && (ix->c = calloc(n, sizeof(*ix->c))) == NULL))
		goto out;
	for (i = 0, m = 0; i < n; i++) {
		const struct store_client *s = &sc[i];
		struct idx_client *c = &ix->c[m];

		if (!s->enabled)
			continue;
		memcpy(c->aid, s->aid, sizeof(c->aid) - 1);
		c->any_ip = s->any_ip != 0;
		c->counter = s->counter;
		memcpy(c->verifier, s->verifier, sizeof(c->verifier));
		if ((r = derive(s->seed, c->key_id, c->enc, c->hotp)) != 0)
			goto out;
		if (s->has_prev) {
			c->has_prev = 1;
			if ((r = derive(s->prev_seed, c->prev_key_id, c->prev_enc, c->prev_hotp)) != 0)
				goto out;
		}
		c->nports = (uint8_t)(s->nports > 255 ? 255 : s->nports);
		r = SPA_ERR_NOMEM;
		if ((c->x = calloc(1, sizeof(*c->x))) == NULL ||
		    (c->x->users = strdup(s->users)) == NULL)
			goto out;
		if (c->nports <= IDX_PORTS_INLINE)
			memcpy(c->port, s->ports, c->nports * sizeof(c->port[0]));
		else if ((c->x->ports = malloc(c->nports * sizeof(c->port[0]))) == NULL)
			goto out;
		else
			memcpy(c->x->ports, s->ports, c->nports * sizeof(c->port[0]));
		m++;
		ix->n = m;
		slot_insert(ix, (uint32_t)m);
		if (c->has_prev)
			slot_insert(ix, (uint32_t)m | PREV_BIT);
	}
	*out = ix;
	return 0;
out:
	idx_free(ix);
	return r;
}

void
idx_free(struct idx *ix)
{
	size_t i;

	if (ix == NULL)
		return;
	for (i = 0; i < ix->n; i++)
		extra_free(ix->c[i].x);
	if (ix->c != NULL)
		spa_freezero(ix->c, ix->n * sizeof(*ix->c));
	free(ix->slot);
	free(ix);
}

size_t
idx_count(const struct idx *ix)
{
	return ix->n;
}

struct idx_client *
idx_lookup(struct idx *ix, const uint8_t key_id[SPA_KEYID_LEN], int *prev)
{
	size_t i = hash(key_id) & ix->mask;
	uint32_t s;

	while ((s = ix->slot[i]) != 0) {
		if (memcmp(slot_key(ix, s), key_id, SPA_KEYID_LEN) == 0) {
			*prev = (s & PREV_BIT) != 0;
			return &ix->c[(s & ~PREV_BIT) - 1];
		}
		i = (i + 1) & ix->mask;
	}
	return NULL;
}

struct idx_client *
idx_find_aid(struct idx *ix, const char *aid)
{
	size_t i;

	for (i = 0; i < ix->n; i++)
		if (strcmp(ix->c[i].aid, aid) == 0)
			return &ix->c[i];
	return NULL;
}

const struct spa_portspec *
idx_ports(const struct idx_client *c, size_t *n)
{
	*n = c->nports;
	return c->nports <= IDX_PORTS_INLINE ? c->port : c->x->ports;
}

int
idx_rekey(struct idx *ix, struct idx_client *c, const uint8_t seed[SPA_SEED_LEN], int has_prev,
    const uint8_t prev_seed[SPA_SEED_LEN])
{
	uint32_t num = (uint32_t)(c - ix->c) + 1;
	int r;

	slot_remove(ix, num);
	if (c->has_prev)
		slot_remove(ix, num | PREV_BIT);
	c->has_prev = 0;
	spa_wipe(c->prev_enc, sizeof(c->prev_enc));
	spa_wipe(c->prev_hotp, sizeof(c->prev_hotp));
	if ((r = derive(seed, c->key_id, c->enc, c->hotp)) != 0)
		goto fail;
	if (has_prev) {
		if ((r = derive(prev_seed, c->prev_key_id, c->prev_enc, c->prev_hotp)) != 0)
			goto fail;
		c->has_prev = 1;
	}
	slot_insert(ix, num);
	if (c->has_prev)
		slot_insert(ix, num | PREV_BIT);
	return 0;
fail:
	/* out of the index until the next reload: it cannot knock with stale keys */
	spa_wipe(c->enc, sizeof(c->enc));
	spa_wipe(c->hotp, sizeof(c->hotp));
	c->has_prev = 0;
	return r;
}

struct idx_extra *
idx_extra(struct idx_client *c)
{
	if (c->x == NULL)
		c->x = calloc(1, sizeof(*c->x));
	return c->x;
}

void
idx_carry(struct idx *to, const struct idx *from)
{
	size_t i, j = 0;
	int c;

	/* both were built from store_client_list, which sorts by AID: one merge walk */
	for (i = 0; i < to->n && j < from->n; ) {
		struct idx_client *t = &to->c[i];
		const struct idx_client *f = &from->c[j];

		if ((c = strcmp(t->aid, f->aid)) < 0) {
			i++;
			continue;
		}
		if (c > 0) {
			j++;
			continue;
		}
		if (f->x != NULL && t->x != NULL) {
			memcpy(t->x->replay, f->x->replay, sizeof(t->x->replay));
			t->x->replay_next = f->x->replay_next;
			t->x->tokens = f->x->tokens;
			t->x->bucket_ms = f->x->bucket_ms;
		}
		/* a knock accepted here after the store was read must not be replayable */
		if (f->counter > t->counter)
			t->counter = f->counter;
		i++;
		j++;
	}
}
