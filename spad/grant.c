/*
 * grant.c - the in-memory grant records (see grant.h).  A plain array: grants
 * live for seconds and a host sees few at a time.
 */
#include <stdlib.h>
#include <string.h>

#include "spa_err.h"
#include "grant.h"

static int
same_tuple(const struct fw_tuple *a, const struct fw_tuple *b)
{
	return memcmp(a->src, b->src, 16) == 0 && a->sport == b->sport && a->dport == b->dport &&
	    a->proto == b->proto;
}

int
grant_add(struct grant_tab *gt, const struct grant *g)
{
	struct grant *n;
	size_t i;

	for (i = 0; i < gt->n; i++)
		if (same_tuple(&gt->g[i].t, &g->t) && strcmp(gt->g[i].aid, g->aid) == 0) {
			gt->g[i] = *g;
			return 0;
		}
	if (gt->n == gt->cap) {
		size_t cap = gt->cap ? gt->cap * 2 : 16;

		if ((n = realloc(gt->g, cap * sizeof(*n))) == NULL)
			return SPA_ERR_NOMEM;
		gt->g = n;
		gt->cap = cap;
	}
	gt->g[gt->n++] = *g;
	return 0;
}

struct grant *
grant_match(struct grant_tab *gt, const uint8_t addr[16], uint16_t rport, uint16_t lport,
    uint8_t proto, int64_t now, unsigned max_age, const char *user)
{
	struct grant *best = NULL;
	int best_ok = 0, ok;
	size_t i;

	for (i = 0; i < gt->n; i++) {
		struct grant *g = &gt->g[i];

		if (memcmp(g->t.src, addr, 16) != 0 || g->t.dport != lport || g->t.proto != proto)
			continue;
		if (g->t.sport != 0 && g->t.sport != rport)
			continue;
		if (max_age != 0 && now - g->created > (int64_t)max_age)
			continue;
		if (g->created > now + 5)	/* clock stepped back: not trustworthy */
			continue;
		ok = user != NULL && grant_user_ok(g->users, user);
		if (best == NULL || ok > best_ok || (ok == best_ok && g->created > best->created)) {
			best = g;
			best_ok = ok;
		}
	}
	return best;
}

void
grant_mark_used(struct grant_tab *gt, const struct fw_tuple *t, int64_t now)
{
	size_t i;

	for (i = 0; i < gt->n; i++)
		if (same_tuple(&gt->g[i].t, t) && gt->g[i].used == 0)
			gt->g[i].used = now;
}

int
grant_user_ok(const char *users, const char *user)
{
	size_t ul = strlen(user);
	const char *p = users, *e;

	if (ul == 0)
		return 0;
	while (*p != '\0') {
		while (*p == ',' || *p == ' ')
			p++;
		for (e = p; *e != '\0' && *e != ',' && *e != ' '; e++)
			;
		if ((e - p == 1 && *p == '*') || ((size_t)(e - p) == ul && memcmp(p, user, ul) == 0))
			return 1;
		p = e;
	}
	return 0;
}

size_t
grant_expire(struct grant_tab *gt, int64_t now)
{
	size_t i, j, dropped = 0;

	for (i = 0, j = 0; i < gt->n; i++) {
		if (gt->g[i].expires + (int64_t)gt->keep < now) {
			dropped++;
			continue;
		}
		gt->g[j++] = gt->g[i];
	}
	gt->n = j;
	return dropped;
}

void
grant_free(struct grant_tab *gt)
{
	free(gt->g);
	gt->g = NULL;
	gt->n = gt->cap = 0;
}
