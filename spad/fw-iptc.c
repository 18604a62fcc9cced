/*
 * fw-iptc.c - the iptables backend (libiptc and libip6tc; never the
 * iptables program).
 *
 * Chain <fw_label> in table filter of both families (ip and ip6), jumped to
 * from the top of INPUT:
 *   -m state --state ESTABLISHED,RELATED -j ACCEPT
 *   -i lo -j ACCEPT
 *   grants, newest first: -s ADDR -p tcp [--sport S] --dport D -m state --state NEW
 *       -m time --datestop EXPIRY -m comment --comment "<fw_label>:<aid>" -j ACCEPT
 *   block_all: (ip6: ICMPv6 neighbour discovery -j ACCEPT;) -s ALLOWED -j ACCEPT ...; -j DROP
 *   otherwise: -p tcp --dport P -m state --state NEW -j DROP for each protected port
 * A grant goes to the family of its address; allowed_ips to theirs.  The time
 * match puts each grant's expiry in the kernel: a crashed spad leaves nothing
 * open past open_timeout.  iptables has no "delete on first use", so spad
 * watches conntrack NEW events (libnetfilter_conntrack, both families) and
 * deletes the rule when its first connection appears; established
 * connections keep flowing through the ESTABLISHED rule.
 *
 * The two libraries differ only in the entry header (ipt_entry, ip6t_entry)
 * and their function prefix: struct fam wraps the functions, the e_*
 * helpers of fw-iptc-entry.c the header (that file builds and reads the
 * rules' bytes), and everything else is written once.  A host without
 * IPv6 (no /proc/net/if_inet6) has no IPv6 door to guard: the ip6 family is
 * skipped there; anywhere else failing to set it up fails the start.
 *
 * fw_reconcile() compares each family's chain and jump with what spad
 * built and the grants it holds: when anything differs (a base or grant rule
 * deleted, duplicated, moved or added behind spad's back) the chain is
 * rebuilt from spad's state in one commit.  A grant rule deleted while spad
 * holds it live comes back: spad sees every grant's first connection itself
 * (conntrack), so it knows that grant unused.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libiptc/libiptc.h>
#include <libiptc/libip6tc.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/xt_state.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter/xt_time.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#ifdef HAVE_CONNTRACK
#include "fw-ct.h"
#endif

#include "spa_err.h"
#include "fw-int.h"
#include "fw-iptc-entry.h"

#define TABLE "filter"

static const xt_chainlabel input_chain = "INPUT";

/* One address family's library, behind entry-agnostic wrappers. */
struct fam {
	int v6;
	const char *name;
	struct xtc_handle *(*init)(const char *table);
	const void *(*first)(const char *chain, struct xtc_handle *h);
	const void *(*next)(const void *e, struct xtc_handle *h);
	const char *(*target)(const void *e, struct xtc_handle *h);
	int (*del_num)(const char *chain, unsigned n, struct xtc_handle *h);
	int (*insert)(const char *chain, const void *e, unsigned n, struct xtc_handle *h);
	int (*append)(const char *chain, const void *e, struct xtc_handle *h);
	int (*is_chain)(const char *chain, struct xtc_handle *h);
	int (*flush)(const char *chain, struct xtc_handle *h);
	int (*create)(const char *chain, struct xtc_handle *h);
	int (*del_chain)(const char *chain, struct xtc_handle *h);
	int (*commit)(struct xtc_handle *h);
	void (*free)(struct xtc_handle *h);
	const char *(*strerror)(int err);
};

#define FAMILY(P, E, V6, NAME) \
static struct xtc_handle *P##_w_init(const char *t) { return P##_init(t); } \
static const void *P##_w_first(const char *c, struct xtc_handle *h) { return P##_first_rule(c, h); } \
static const void *P##_w_next(const void *e, struct xtc_handle *h) \
	{ return P##_next_rule((const E *)e, h); } \
static const char *P##_w_target(const void *e, struct xtc_handle *h) \
	{ return P##_get_target((const E *)e, h); } \
static int P##_w_del_num(const char *c, unsigned n, struct xtc_handle *h) \
	{ return P##_delete_num_entry(c, n, h); } \
static int P##_w_insert(const char *c, const void *e, unsigned n, struct xtc_handle *h) \
	{ return P##_insert_entry(c, (const E *)e, n, h); } \
static int P##_w_append(const char *c, const void *e, struct xtc_handle *h) \
	{ return P##_append_entry(c, (const E *)e, h); } \
static int P##_w_is_chain(const char *c, struct xtc_handle *h) { return P##_is_chain(c, h); } \
static int P##_w_flush(const char *c, struct xtc_handle *h) { return P##_flush_entries(c, h); } \
static int P##_w_create(const char *c, struct xtc_handle *h) { return P##_create_chain(c, h); } \
static int P##_w_del_chain(const char *c, struct xtc_handle *h) { return P##_delete_chain(c, h); } \
static int P##_w_commit(struct xtc_handle *h) { return P##_commit(h); } \
static void P##_w_free(struct xtc_handle *h) { P##_free(h); } \
static const char *P##_w_strerror(int e) { return P##_strerror(e); } \
static const struct fam P##_fam = { V6, NAME, P##_w_init, P##_w_first, P##_w_next, P##_w_target, \
	P##_w_del_num, P##_w_insert, P##_w_append, P##_w_is_chain, P##_w_flush, P##_w_create, \
	P##_w_del_chain, P##_w_commit, P##_w_free, P##_w_strerror };

FAMILY(iptc, struct ipt_entry, 0, "iptables")
FAMILY(ip6tc, struct ip6t_entry, 1, "ip6tables")

struct live {
	struct fw_tuple t;
	time_t expires;
	size_t len;
	uint8_t e[ENTRY_MAX];
};

struct iptc_priv {
	xt_chainlabel chain;	/* the label, in the array type libiptc reads whole */
	const struct fam *fams[2];
	size_t nfams;
	struct live *g;
	size_t n, cap;
#ifdef HAVE_CONNTRACK
	struct fw_ct *ct;
	fw_used_cb used;
	void *arg;
	struct fw *f;
#endif
};

/* ---- the kernel side ---------------------------------------------------------------- */

static int
fail(const struct fam *fm, struct xtc_handle *h, char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s %s: %s", fm->name, what, fm->strerror(errno));
	if (h != NULL)
		fm->free(h);
	return SPA_ERR_SYSTEM;
}

/* Delete every INPUT rule jumping to label. */
static int
unhook(const struct fam *fm, struct xtc_handle *h, const char *label)
{
	const void *e;
	unsigned i;

again:
	for (i = 0, e = fm->first("INPUT", h); e != NULL; e = fm->next(e, h), i++)
		if (strcmp(fm->target(e, h), label) == 0) {
			if (!fm->del_num(input_chain, i, h))
				return -1;
			goto again;
		}
	return 0;
}

static int
live_push(struct iptc_priv *p, struct live **out)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct live *ng = realloc(p->g, cap * sizeof(*ng));

		if (ng == NULL)
			return SPA_ERR_NOMEM;
		p->g = ng;
		p->cap = cap;
	}
	*out = &p->g[p->n++];
	return 0;
}

/* Read a grant rule of the chain back into a live record; -1 if e is none. */
static int
adopt(const void *e, int v6, time_t now, struct live *lv)
{
	const struct xt_entry_match *tm = find_match(e, v6, "time");
	const struct xt_entry_match *cm = find_match(e, v6, "comment");
	const struct xt_entry_match *pm = find_match(e, v6, e_proto(e, v6) == 6 ? "tcp" : "udp");

	if (tm == NULL || cm == NULL || pm == NULL || e_noff(e, v6) > ENTRY_MAX ||
	    ((const struct xt_time_info *)tm->data)->date_stop <= (uint32_t)now)
		return -1;
	memset(&lv->t, 0, sizeof(lv->t));
	e_get_src(e, v6, lv->t.src);
	lv->t.proto = e_proto(e, v6);
	lv->t.dport = ((const struct xt_tcp *)pm->data)->dpts[0];
	lv->t.sport = ((const struct xt_tcp *)pm->data)->spts[0];
	lv->expires = ((const struct xt_time_info *)tm->data)->date_stop;
	lv->len = e_noff(e, v6);
	memcpy(lv->e, e, lv->len);
	e_zero_counters(lv->e, v6);
	return 0;
}

static int
append_base(const struct fam *fm, struct xtc_handle *h, const char *l, struct ent *x,
    const char *target, char *err, size_t errlen, const char *what)
{
	m_comment(x, l, "base");
	if (ent_finish(x, target) != 0 || !fm->append(l, x->b, h))
		return fail(fm, h, err, errlen, what);
	return 0;
}

/* (Re)build one family's chain: base rules around the live grants of that family. */
static int
build_fam(struct fw *f, const struct fam *fm, const struct fw_opts *o, int keep_kernel_grants,
    char *err, size_t errlen)
{
	static const uint8_t nd[] = { 133, 134, 135, 136 };	/* router/neighbour solicit/advert */
	struct iptc_priv *p = f->priv;
	const char *l = p->chain;
	struct xtc_handle *h;
	const void *e;
	struct live *lv, tmp;
	struct ent x;
	time_t now = time(NULL);
	size_t i;
	int v6 = fm->v6, r;

	if ((h = fm->init(TABLE)) == NULL)
		return fail(fm, NULL, err, errlen, "init (is the ip_tables/ip6_tables module available?)");
	if (fm->is_chain(l, h) && keep_kernel_grants) {
		/* a previous spad's grants still in force: adopt them */
		for (e = fm->first(l, h); e != NULL; e = fm->next(e, h)) {
			if (adopt(e, v6, now, &tmp) != 0)
				continue;
			if (live_push(p, &lv) != 0)
				break;
			*lv = tmp;
		}
	}
	if (unhook(fm, h, l) != 0)
		return fail(fm, h, err, errlen, "removing the jump");
	if (fm->is_chain(l, h)) {
		if (!fm->flush(l, h))
			return fail(fm, h, err, errlen, "flush");
	} else if (!fm->create(l, h))
		return fail(fm, h, err, errlen, "create chain");

	ent_start(&x, v6);
	m_state(&x, XT_STATE_BIT(IP_CT_ESTABLISHED) | XT_STATE_BIT(IP_CT_RELATED));
	if ((r = append_base(fm, h, l, &x, "ACCEPT", err, errlen, "append established")) != 0)
		return r;
	e_set_lo(ent_start(&x, v6), v6);
	if ((r = append_base(fm, h, l, &x, "ACCEPT", err, errlen, "append loopback")) != 0)
		return r;
	for (i = 0; i < p->n; i++)
		if (fw_tuple_is_v4(&p->g[i].t) == !v6 && !fm->append(l, p->g[i].e, h))
			return fail(fm, h, err, errlen, "restore grant");
	if (o->block_all) {
		/* IPv6 needs neighbour discovery to reach anything at all */
		for (i = 0; v6 && i < sizeof(nd); i++) {
			ent_start(&x, 1);
			m_icmp6(&x, nd[i]);
			if ((r = append_base(fm, h, l, &x, "ACCEPT", err, errlen, "append icmpv6")) != 0)
				return r;
		}
		for (i = 0; i < o->nallowed; i++) {
			const struct fw_net *n = &o->allowed[i];
			int is4 = n->plen >= 96 && memcmp(n->addr, v4pfx, sizeof(v4pfx)) == 0;

			if (is4 == v6)
				continue;	/* the other family's */
			e_set_src(ent_start(&x, v6), v6, n->addr, is4 ? n->plen - 96u : n->plen);
			if ((r = append_base(fm, h, l, &x, "ACCEPT", err, errlen, "append allowed")) != 0)
				return r;
		}
		ent_start(&x, v6);
		if ((r = append_base(fm, h, l, &x, "DROP", err, errlen, "append drop")) != 0)
			return r;
	} else {
		for (i = 0; i < o->nprotect; i++) {
			ent_start(&x, v6);
			m_ports(&x, o->protect[i].proto, 0, o->protect[i].port);
			m_state(&x, XT_STATE_BIT(IP_CT_NEW));
			if ((r = append_base(fm, h, l, &x, "DROP", err, errlen, "append protect")) != 0)
				return r;
		}
	}
	ent_start(&x, v6);
	m_comment(&x, l, "jump");
	if (ent_finish(&x, l) != 0 || !fm->insert(input_chain, x.b, 0, h))
		return fail(fm, h, err, errlen, "insert jump");
	if (!fm->commit(h))
		return fail(fm, h, err, errlen, "commit");
	fm->free(h);
	return 0;
}

static int
build(struct fw *f, const struct fw_opts *o, int keep_kernel_grants, char *err, size_t errlen)
{
	struct iptc_priv *p = f->priv;
	size_t i;
	int r;

	for (i = 0; i < p->nfams; i++)
		if ((r = build_fam(f, p->fams[i], o, keep_kernel_grants, err, errlen)) != 0)
			return r;
	return 0;
}

static const struct fam *
fam_of(const struct fw_tuple *t)
{
	return fw_tuple_is_v4(t) ? &iptc_fam : &ip6tc_fam;
}

static int
fam_enabled(const struct iptc_priv *p, const struct fam *fm)
{
	size_t i;

	for (i = 0; i < p->nfams; i++)
		if (p->fams[i] == fm)
			return 1;
	return 0;
}

/* Delete the rule of p->g[i] from the kernel and forget it. */
static int
drop_live(struct fw *f, size_t i, char *err, size_t errlen)
{
	struct iptc_priv *p = f->priv;
	const char *l = p->chain;
	struct xtc_handle *h;
	const void *e;
	static struct live gone;	/* the entry leaves p->g before the kernel search */
	const struct fam *fm;
	unsigned n;

	gone = p->g[i];
	p->g[i] = p->g[--p->n];
	fm = fam_of(&gone.t);
	if ((h = fm->init(TABLE)) == NULL)
		return fail(fm, NULL, err, errlen, "init");
	for (n = 0, e = fm->first(l, h); e != NULL; e = fm->next(e, h), n++) {
		if (same_rule(e, gone.e, fm->v6)) {
			if (!fm->del_num(l, n, h) || !fm->commit(h))
				return fail(fm, h, err, errlen, "delete grant");
			break;
		}
	}
	fm->free(h);
	return 0;
}

static int
find_live(const struct iptc_priv *p, const struct fw_tuple *t)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (memcmp(p->g[i].t.src, t->src, 16) == 0 && p->g[i].t.sport == t->sport &&
		    p->g[i].t.dport == t->dport && p->g[i].t.proto == t->proto)
			return (int)i;
	return -1;
}

#ifdef HAVE_CONNTRACK
/* A new connection: if a grant let it in, the grant is used; delete its rule. */
static void
on_ct(void *arg, const struct fw_tuple *c)
{
	struct iptc_priv *p = arg;
	struct fw_tuple t = *c;
	char err[256];
	int i;

	if ((i = find_live(p, &t)) < 0) {
		t.sport = 0;	/* a grant for any source port */
		if ((i = find_live(p, &t)) < 0)
			return;
	}
	t = p->g[i].t;
	(void)drop_live(p->f, (size_t)i, err, sizeof(err));
	if (p->used != NULL)
		p->used(p->arg, &t);
}
#endif

/* Base rules build_fam() makes for o in this family. */
static size_t
base_count(const struct fw_opts *o, int v6)
{
	size_t i, n = 2;

	if (!o->block_all)
		return n + o->nprotect;
	for (i = 0; i < o->nallowed; i++) {
		const struct fw_net *x = &o->allowed[i];
		int is4 = x->plen >= 96 && memcmp(x->addr, v4pfx, sizeof(v4pfx)) == 0;

		n += is4 != v6;
	}
	return n + 1 + (v6 ? 4 : 0);
}

/* 1 if the family's jump and chain are exactly what spad built around its live grants. */
static int
fam_intact(struct fw *f, const struct fam *fm, struct xtc_handle *h, time_t now)
{
	struct iptc_priv *p = f->priv;
	const char *l = p->chain;
	char base[64];
	const void *e;
	unsigned char *seen;
	size_t i, pos, nbase = 0;
	int v6 = fm->v6, ok = 1, phase = 0;

	for (pos = 0, i = 0, e = fm->first("INPUT", h); e != NULL; e = fm->next(e, h), pos++)
		if (strcmp(fm->target(e, h), l) == 0 && (i++ > 0 || pos > 0))
			return 0;	/* a second jump, or not first */
	if (i != 1 || !fm->is_chain(l, h))
		return 0;
	if ((seen = calloc(p->n + 1, 1)) == NULL)
		return 0;
	snprintf(base, sizeof(base), "%s:base", l);
	for (pos = 0, e = fm->first(l, h); e != NULL && ok; e = fm->next(e, h), pos++) {
		if (strcmp(comment_of(e, v6), base) == 0) {
			nbase++;
			if (pos >= 2)
				phase = 1;	/* the grants are behind us */
			continue;
		}
		if (pos < 2 || phase == 1) {
			ok = 0;		/* a grant where base rules belong */
			break;
		}
		for (i = 0; i < p->n; i++)
			if (!seen[i] && fw_tuple_is_v4(&p->g[i].t) == !v6 && same_rule(e, p->g[i].e, v6))
				break;
		if (i == p->n)
			ok = 0;		/* not one of spad's, or a duplicate */
		else
			seen[i] = 1;
	}
	for (i = 0; i < p->n && ok; i++)
		if (!seen[i] && fw_tuple_is_v4(&p->g[i].t) == !v6 && p->g[i].expires > now)
			ok = 0;		/* a live grant's rule is gone */
	free(seen);
	return ok && nbase == base_count(&f->opts, v6);
}

static int
iptc_reconcile(struct fw *f, time_t now, unsigned *fixed, char *err, size_t errlen)
{
	struct iptc_priv *p = f->priv;
	struct xtc_handle *h;
	size_t i;
	int r, intact;

	for (i = 0; i < p->nfams; i++) {
		const struct fam *fm = p->fams[i];

		if ((h = fm->init(TABLE)) == NULL)
			return fail(fm, NULL, err, errlen, "init");
		intact = fam_intact(f, fm, h, now);
		fm->free(h);
		if (intact)
			continue;
		if ((r = build_fam(f, fm, &f->opts, 0, err, errlen)) != 0)
			return r;
		(*fixed)++;
	}
	return 0;
}

static int
iptc_open_(struct fw *f, const struct fw_opts *o, char *err, size_t errlen)
{
	struct iptc_priv *p;
	int r;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return SPA_ERR_NOMEM;
	f->priv = p;
	snprintf(p->chain, sizeof(p->chain), "%s", o->label);
	p->fams[p->nfams++] = &iptc_fam;
	if (access("/proc/net/if_inet6", F_OK) == 0)
		p->fams[p->nfams++] = &ip6tc_fam;
#ifdef HAVE_CONNTRACK
	p->f = f;
	/* listen before the rules go in so no first connection is missed */
	if ((p->ct = fw_ct_open(on_ct, p, err, errlen)) == NULL) {
		free(p);
		f->priv = NULL;
		return SPA_ERR_SYSTEM;
	}
#endif
	if ((r = build(f, o, 1, err, errlen)) != 0) {
#ifdef HAVE_CONNTRACK
		fw_ct_close(p->ct);
#endif
		free(p->g);
		free(p);
		f->priv = NULL;
	}
	return r;
}

static int
iptc_reconfigure(struct fw *f, const struct fw_opts *o, char *err, size_t errlen)
{
	return build(f, o, 0, err, errlen);
}

static int
iptc_grant(struct fw *f, const struct fw_tuple *t, const char *aid, unsigned timeout_s,
    char *err, size_t errlen)
{
	struct iptc_priv *p = f->priv;
	const struct fam *fm = fam_of(t);
	struct xtc_handle *h;
	struct live *lv;
	struct ent x;
	time_t stop = time(NULL) + (time_t)(timeout_s ? timeout_s : 1);
	int i, r;

	if (!fam_enabled(p, fm)) {
		snprintf(err, errlen, "IPv6 is not available on this host");
		return SPA_ERR_INVALID;
	}
	if ((i = find_live(p, t)) >= 0 && (r = drop_live(f, (size_t)i, err, errlen)) != 0)
		return r;
	if (grant_entry(&x, f->opts.label, t, aid, stop) != 0) {
		snprintf(err, errlen, "iptables: rule too large");
		return SPA_ERR_INTERNAL;
	}
	/* room first, so a rule in the kernel always has its record */
	if (p->n == p->cap) {
		if ((r = live_push(p, &lv)) != 0)
			return r;
		p->n--;
	}
	if ((h = fm->init(TABLE)) == NULL)
		return fail(fm, NULL, err, errlen, "init");
	/* after the established and loopback rules, before any drop */
	if (!fm->insert(p->chain, x.b, 2, h) || !fm->commit(h))
		return fail(fm, h, err, errlen, "insert grant");
	fm->free(h);
	lv = &p->g[p->n++];
	lv->t = *t;
	lv->expires = stop;
	lv->len = x.len;
	memcpy(lv->e, x.b, x.len);
	return 0;
}

static int
iptc_revoke(struct fw *f, const struct fw_tuple *t, char *err, size_t errlen)
{
	int i = find_live(f->priv, t);

	return i < 0 ? 0 : drop_live(f, (size_t)i, err, errlen);
}

static int
iptc_event_fd(const struct fw *f)
{
#ifdef HAVE_CONNTRACK
	const struct iptc_priv *p = f->priv;

	return fw_ct_fd(p->ct);
#else
	(void)f;
	return -1;
#endif
}

static void
iptc_events(struct fw *f, fw_used_cb used, void *arg)
{
#ifdef HAVE_CONNTRACK
	struct iptc_priv *p = f->priv;

	p->used = used;
	p->arg = arg;
	fw_ct_read(p->ct);
#else
	(void)f;
	(void)used;
	(void)arg;
#endif
}

static void
iptc_tick(struct fw *f, time_t now)
{
	struct iptc_priv *p = f->priv;
	char err[256];
	size_t i;

	for (i = 0; i < p->n; )
		if (p->g[i].expires <= now)
			(void)drop_live(f, i, err, sizeof(err));
		else
			i++;
}

static void
iptc_close_(struct fw *f, int remove_rules)
{
	struct iptc_priv *p = f->priv;
	struct xtc_handle *h;
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; remove_rules && i < p->nfams; i++) {
		const struct fam *fm = p->fams[i];

		if ((h = fm->init(TABLE)) == NULL)
			continue;
		if (unhook(fm, h, p->chain) == 0 && fm->is_chain(p->chain, h) &&
		    fm->flush(p->chain, h) && fm->del_chain(p->chain, h))
			(void)fm->commit(h);
		fm->free(h);
	}
#ifdef HAVE_CONNTRACK
	fw_ct_close(p->ct);
#endif
	free(p->g);
	free(p);
	f->priv = NULL;
}

const struct fw_ops fw_iptc_ops = {
	.name = "iptables",
	.open = iptc_open_,
	.reconfigure = iptc_reconfigure,
	.grant = iptc_grant,
	.revoke = iptc_revoke,
	.event_fd = iptc_event_fd,
	.events = iptc_events,
	.tick = iptc_tick,
	.reconcile = iptc_reconcile,
	.close = iptc_close_,
};
