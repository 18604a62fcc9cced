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
 * helpers the header, and everything else is written once.  A host without
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
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libiptc/libiptc.h>
#include <libiptc/libip6tc.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_state.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter/xt_time.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#ifdef HAVE_CONNTRACK
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#endif

#include "spa_err.h"
#include "fw-int.h"

#define ENTRY_MAX 1024
#define TABLE "filter"

static const xt_chainlabel input_chain = "INPUT";
static const uint8_t v4pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

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
	struct nfct_handle *ct;
	fw_used_cb used;
	void *arg;
	struct fw *f;
#endif
};

/* ---- the entry header of either family ---------------------------------------- */

static size_t
e_hdr(int v6)
{
	return XT_ALIGN(v6 ? sizeof(struct ip6t_entry) : sizeof(struct ipt_entry));
}

static uint16_t
e_toff(const void *e, int v6)
{
	return v6 ? ((const struct ip6t_entry *)e)->target_offset : ((const struct ipt_entry *)e)->target_offset;
}

static uint16_t
e_noff(const void *e, int v6)
{
	return v6 ? ((const struct ip6t_entry *)e)->next_offset : ((const struct ipt_entry *)e)->next_offset;
}

static void
e_set_offs(void *e, int v6, uint16_t toff, uint16_t noff)
{
	if (v6) {
		((struct ip6t_entry *)e)->target_offset = toff;
		((struct ip6t_entry *)e)->next_offset = noff;
	} else {
		((struct ipt_entry *)e)->target_offset = toff;
		((struct ipt_entry *)e)->next_offset = noff;
	}
}

static void
e_zero_counters(void *e, int v6)
{
	if (v6)
		memset(&((struct ip6t_entry *)e)->counters, 0, sizeof(struct xt_counters));
	else
		memset(&((struct ipt_entry *)e)->counters, 0, sizeof(struct xt_counters));
}

/* Source address (16 bytes, IPv4-mapped for v4) with prefix length in family terms. */
static void
e_set_src(void *e, int v6, const uint8_t a[16], unsigned plen)
{
	unsigned i;

	if (v6) {
		struct ip6t_entry *x = e;

		memcpy(&x->ipv6.src, a, 16);
		for (i = 0; i < 128; i++)
			if (i < plen)
				x->ipv6.smsk.s6_addr[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	} else {
		struct ipt_entry *x = e;

		memcpy(&x->ip.src, a + 12, 4);
		x->ip.smsk.s_addr = plen == 0 ? 0 : htonl(0xffffffffu << (32 - plen));
	}
}

static void
e_get_src(const void *e, int v6, uint8_t out[16])
{
	if (v6)
		memcpy(out, &((const struct ip6t_entry *)e)->ipv6.src, 16);
	else {
		memcpy(out, v4pfx, sizeof(v4pfx));
		memcpy(out + 12, &((const struct ipt_entry *)e)->ip.src, 4);
	}
}

static void
e_set_proto(void *e, int v6, uint8_t proto)
{
	if (v6) {
		((struct ip6t_entry *)e)->ipv6.proto = proto;
		((struct ip6t_entry *)e)->ipv6.flags |= IP6T_F_PROTO;	/* else proto is ignored */
	} else
		((struct ipt_entry *)e)->ip.proto = proto;
}

static uint8_t
e_proto(const void *e, int v6)
{
	return v6 ? (uint8_t)((const struct ip6t_entry *)e)->ipv6.proto : (uint8_t)((const struct ipt_entry *)e)->ip.proto;
}

static void
e_set_lo(void *e, int v6)
{
	if (v6) {
		strcpy(((struct ip6t_entry *)e)->ipv6.iniface, "lo");
		memset(((struct ip6t_entry *)e)->ipv6.iniface_mask, 0xff, 3);
	} else {
		strcpy(((struct ipt_entry *)e)->ip.iniface, "lo");
		memset(((struct ipt_entry *)e)->ip.iniface_mask, 0xff, 3);
	}
}

/* ---- building entries ------------------------------------------------------------- */

/* An entry under construction. */
struct ent {
	uint8_t b[ENTRY_MAX];
	size_t len;
	int v6;
	int err;
};

static void *
ent_start(struct ent *x, int v6)
{
	memset(x, 0, sizeof(*x));
	x->v6 = v6;
	x->len = e_hdr(v6);
	return x->b;
}

static void *
ent_match(struct ent *x, const char *name, uint8_t rev, size_t datalen)
{
	size_t sz = XT_ALIGN(sizeof(struct xt_entry_match) + datalen);
	struct xt_entry_match *m;

	if (x->len + sz > sizeof(x->b)) {
		x->err = 1;
		return NULL;
	}
	m = (struct xt_entry_match *)(x->b + x->len);
	m->u.match_size = (uint16_t)sz;
	snprintf(m->u.user.name, sizeof(m->u.user.name), "%s", name);
	m->u.user.revision = rev;
	x->len += sz;
	return m->data;
}

/* Close the entry with target ("ACCEPT", "DROP" or a chain name). */
static int
ent_finish(struct ent *x, const char *target)
{
	size_t sz = XT_ALIGN(sizeof(struct xt_standard_target));
	struct xt_entry_target *t;
	size_t n = strlen(target);
	size_t toff = x->len;

	if (x->err || x->len + sz > sizeof(x->b) || n >= sizeof(t->u.user.name))
		return -1;
	t = (struct xt_entry_target *)(x->b + x->len);
	t->u.target_size = (uint16_t)sz;
	memcpy(t->u.user.name, target, n + 1);
	x->len += sz;
	e_set_offs(x->b, x->v6, (uint16_t)toff, (uint16_t)x->len);
	return 0;
}

static void
m_state(struct ent *x, unsigned mask)
{
	struct xt_state_info *s = ent_match(x, "state", 0, sizeof(*s));

	if (s != NULL)
		s->statemask = mask;
}

static void
m_ports(struct ent *x, uint8_t proto, uint16_t sport, uint16_t dport)
{
	e_set_proto(x->b, x->v6, proto);
	if (proto == 6) {
		struct xt_tcp *t = ent_match(x, "tcp", 0, sizeof(*t));

		if (t == NULL)
			return;
		t->spts[0] = sport;
		t->spts[1] = sport != 0 ? sport : 0xffff;
		t->dpts[0] = t->dpts[1] = dport;
	} else {
		struct xt_udp *u = ent_match(x, "udp", 0, sizeof(*u));

		if (u == NULL)
			return;
		u->spts[0] = sport;
		u->spts[1] = sport != 0 ? sport : 0xffff;
		u->dpts[0] = u->dpts[1] = dport;
	}
}

static void
m_comment(struct ent *x, const char *label, const char *what)
{
	struct xt_comment_info *c = ent_match(x, "comment", 0, sizeof(*c));

	if (c != NULL)
		snprintf(c->comment, sizeof(c->comment), "%s:%s", label, what);
}

static void
m_time(struct ent *x, time_t stop)
{
	struct xt_time_info *t = ent_match(x, "time", 0, sizeof(*t));

	if (t == NULL)
		return;
	t->date_start = 0;
	t->date_stop = (uint32_t)stop;
	t->daytime_start = XT_TIME_MIN_DAYTIME;
	t->daytime_stop = XT_TIME_MAX_DAYTIME;
	t->monthdays_match = XT_TIME_ALL_MONTHDAYS;
	t->weekdays_match = XT_TIME_ALL_WEEKDAYS;
}

static void
m_icmp6(struct ent *x, uint8_t type)
{
	struct ip6t_icmp *i;

	e_set_proto(x->b, 1, IPPROTO_ICMPV6);
	if ((i = ent_match(x, "icmp6", 0, sizeof(*i))) == NULL)
		return;
	i->type = type;
	i->code[0] = 0;
	i->code[1] = 0xff;
}

static int
grant_entry(struct ent *x, const char *label, const struct fw_tuple *t, const char *aid, time_t stop)
{
	int v6 = !fw_tuple_is_v4(t);
	void *e = ent_start(x, v6);

	e_set_src(e, v6, t->src, v6 ? 128 : 32);
	m_ports(x, t->proto, t->sport, t->dport);
	m_state(x, XT_STATE_BIT(IP_CT_NEW));
	m_time(x, stop);
	m_comment(x, label, aid);
	return ent_finish(x, "ACCEPT");
}

/* Find a match by name inside e; NULL if absent. */
static const struct xt_entry_match *
find_match(const void *e, int v6, const char *name)
{
	size_t off = e_hdr(v6), toff = e_toff(e, v6);

	while (off + sizeof(struct xt_entry_match) <= toff) {
		const struct xt_entry_match *m = (const void *)((const uint8_t *)e + off);

		if (m->u.match_size < sizeof(*m))
			break;
		if (strcmp(m->u.user.name, name) == 0)
			return m;
		off += m->u.match_size;
	}
	return NULL;
}

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

/*
 * Same grant rule?  Matches are compared by name and data, not byte for byte:
 * the kernel leaves stray bytes of its own pointer in the names it returns.
 */
static int
same_rule(const void *a, const void *b, int v6)
{
	size_t off = e_hdr(v6), toff = e_toff(a, v6);
	uint8_t sa[16], sb[16];

	e_get_src(a, v6, sa);
	e_get_src(b, v6, sb);
	if (memcmp(sa, sb, 16) != 0 || e_proto(a, v6) != e_proto(b, v6) || toff != e_toff(b, v6))
		return 0;
	while (off + sizeof(struct xt_entry_match) <= toff) {
		const struct xt_entry_match *ma = (const void *)((const uint8_t *)a + off);
		const struct xt_entry_match *mb = (const void *)((const uint8_t *)b + off);

		if (ma->u.match_size != mb->u.match_size || ma->u.match_size < sizeof(*ma) ||
		    off + ma->u.match_size > toff ||
		    strncmp(ma->u.user.name, mb->u.user.name, sizeof(ma->u.user.name)) != 0 ||
		    memcmp(ma->data, mb->data, ma->u.match_size - sizeof(*ma)) != 0)
			return 0;
		off += ma->u.match_size;
	}
	return off == toff;
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
static int
on_ct(enum nf_conntrack_msg_type type, struct nf_conntrack *ct, void *data)
{
	struct iptc_priv *p = data;
	struct fw_tuple t;
	uint8_t l3 = nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO);
	uint32_t a;
	char err[256];
	int i;

	(void)type;
	memset(&t, 0, sizeof(t));
	if (l3 == AF_INET) {
		memcpy(t.src, v4pfx, sizeof(v4pfx));
		a = nfct_get_attr_u32(ct, ATTR_ORIG_IPV4_SRC);
		memcpy(t.src + 12, &a, 4);
	} else if (l3 == AF_INET6) {
		const void *s6 = nfct_get_attr(ct, ATTR_ORIG_IPV6_SRC);

		if (s6 == NULL)
			return NFCT_CB_CONTINUE;
		memcpy(t.src, s6, 16);
	} else
		return NFCT_CB_CONTINUE;
	t.proto = nfct_get_attr_u8(ct, ATTR_ORIG_L4PROTO);
	if (t.proto != 6 && t.proto != 17)
		return NFCT_CB_CONTINUE;
	t.sport = ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_SRC));
	t.dport = ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_DST));
	if ((i = find_live(p, &t)) < 0) {
		t.sport = 0;	/* a grant for any source port */
		if ((i = find_live(p, &t)) < 0)
			return NFCT_CB_CONTINUE;
	}
	t = p->g[i].t;
	(void)drop_live(p->f, (size_t)i, err, sizeof(err));
	if (p->used != NULL)
		p->used(p->arg, &t);
	return NFCT_CB_CONTINUE;
}
#endif

static const char *
comment_of(const void *e, int v6)
{
	const struct xt_entry_match *m = find_match(e, v6, "comment");

	return m != NULL ? ((const struct xt_comment_info *)m->data)->comment : "";
}

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
	if ((p->ct = nfct_open(CONNTRACK, NF_NETLINK_CONNTRACK_NEW)) == NULL) {
		snprintf(err, errlen, "conntrack events: %s", strerror(errno));
		free(p);
		f->priv = NULL;
		return SPA_ERR_SYSTEM;
	}
	nfct_callback_register(p->ct, NFCT_T_NEW, on_ct, p);
	{
		int fd = nfct_fd(p->ct), fl = fcntl(fd, F_GETFL);

		(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	}
#endif
	if ((r = build(f, o, 1, err, errlen)) != 0) {
#ifdef HAVE_CONNTRACK
		nfct_close(p->ct);
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

	return nfct_fd(p->ct);
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
	(void)nfct_catch(p->ct);	/* non-blocking: returns when the socket is drained */
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
	nfct_close(p->ct);
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
