/*
 * idx.c - the client index (see idx.h): an array of clients plus a table of
 * slots, each slot the 1-based number of a client's entry tagged with which
 * of its key_ids it holds.  Linear probing; deletion shifts back, so there
 * are no tombstones and lookups stay short after many seed rotations.
 * Users + ports policies are interned while building (a temporary hash
 * table); clients point at their shared copy.
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
	size_t n, cap;		/* clients in use, allocated (all wiped on free) */
	uint32_t *slot;		/* 0 empty, else (client number + 1) | PREV_BIT */
	size_t mask;		/* slots - 1 */
	struct idx_policy **pol;	/* the interned policies, to free them */
	size_t npol;
};

/* Build-time table of policies for interning: open addressing on a hash. */
struct pol_tab {
	struct idx_policy **p;
	uint64_t *h;
	size_t mask;
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

static uint64_t
pol_hash(const char *users, const struct spa_portspec *p, size_t n)
{
	uint64_t h = 14695981039346656037u;
	size_t i;

	for (; *users != '\0'; users++)
		h = (h ^ (uint8_t)*users) * 1099511628211u;
	h = (h ^ 0xff) * 1099511628211u;
	for (i = 0; i < n; i++) {
		h = (h ^ p[i].proto) * 1099511628211u;
		h = (h ^ (p[i].port & 0xff)) * 1099511628211u;
		h = (h ^ (p[i].port >> 8)) * 1099511628211u;
	}
	return h;
}

/* The shared copy of s's users + ports, made on first sight; NULL: out of memory. */
static const struct idx_policy *
pol_intern(struct idx *ix, struct pol_tab *t, const struct store_client *s)
{
	size_t n = s->nports > STORE_PORTS_MAX ? STORE_PORTS_MAX : s->nports;
	uint64_t h = pol_hash(s->users, s->ports, n);
	size_t i = (size_t)h & t->mask, k;
	struct idx_policy *p, **np;

	for (; (p = t->p[i]) != NULL; i = (i + 1) & t->mask) {
		if (t->h[i] != h || p->nports != n || strcmp(p->users, s->users) != 0)
			continue;
		for (k = 0; k < n; k++)
			if (p->port[k].port != s->ports[k].port || p->port[k].proto != s->ports[k].proto)
				break;
		if (k == n)
			return p;
	}
	if ((np = realloc(ix->pol, (ix->npol + 1) * sizeof(*np))) == NULL)
		return NULL;
	ix->pol = np;
	if ((p = calloc(1, sizeof(*p) + n * sizeof(p->port[0]))) == NULL)
		return NULL;
	if ((p->users = strdup(s->users)) == NULL) {
		free(p);
		return NULL;
	}
	p->nports = n;
	memcpy(p->port, s->ports, n * sizeof(p->port[0]));
	ix->pol[ix->npol++] = p;
	t->p[i] = p;
	t->h[i] = h;
	return p;
}

int
idx_build(const struct store_client *sc, size_t n, struct idx **out)
{
	struct idx *ix;
	struct pol_tab pt = { NULL, NULL, 0 };
	size_t i, m, want, slots = 16;
	int r = SPA_ERR_NOMEM;

	*out = NULL;
	if ((ix = calloc(1, sizeof(*ix))) == NULL)
		return SPA_ERR_NOMEM;
	/* two key_ids per client at most, load factor <= 3/4 */
	want = (2 * (n + 1) * 4 + 2) / 3;
	while (slots < want)
		slots <<= 1;
	ix->mask = slots - 1;
	/* at most n distinct policies: a table of twice that, freed below */
	for (pt.mask = 15; pt.mask < 2 * n; pt.mask = pt.mask * 2 + 1)
		;
	if ((ix->slot = calloc(slots, sizeof(*ix->slot))) == NULL ||
	    (n > 0 && (ix->c = calloc(n, sizeof(*ix->c))) == NULL) ||
	    (pt.p = calloc(pt.mask + 1, sizeof(*pt.p))) == NULL ||
	    (pt.h = calloc(pt.mask + 1, sizeof(*pt.h))) == NULL)
		goto out;
	ix->cap = n;
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
		r = SPA_ERR_NOMEM;
		if ((c->pol = pol_intern(ix, &pt, s)) == NULL)
			goto out;
		m++;
		ix->n = m;
		slot_insert(ix, (uint32_t)m);
		if (c->has_prev)
			slot_insert(ix, (uint32_t)m | PREV_BIT);
	}
	*out = ix;
	ix = NULL;
	r = 0;
out:
	free(pt.p);
	free(pt.h);
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
		free(ix->c[i].x);
	if (ix->c != NULL)
		spa_freezero(ix->c, ix->cap * sizeof(*ix->c));
	for (i = 0; i < ix->npol; i++) {
		free(ix->pol[i]->users);
		free(ix->pol[i]);
	}
	free(ix->pol);
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
	*n = c->pol->nports;
	return c->pol->port;
}

const char *
idx_users(const struct idx_client *c)
{
	return c->pol->users;
}

size_t
idx_policies(const struct idx *ix)
{
	return ix->npol;
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
		/* the new index has no extras yet: give t one when f had one */
		if (f->x != NULL && idx_extra(t) != NULL) {
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
