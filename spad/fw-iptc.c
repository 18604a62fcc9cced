/*
 * fw-iptc.c - the iptables backend (libiptc; never the iptables program).
 *
 * Chain <fw_label> in table filter, jumped to from the top of INPUT:
 *   -m state --state ESTABLISHED,RELATED -j ACCEPT
 *   -i lo -j ACCEPT
 *   grants, newest first: -s ADDR -p tcp [--sport S] --dport D -m state --state NEW
 *       -m time --datestop EXPIRY -m comment --comment "<fw_label>:<aid>" -j ACCEPT
 *   block_all: -s ALLOWED -j ACCEPT ...; -j DROP
 *   otherwise: -p tcp --dport P -m state --state NEW -j DROP for each protected port
 * The time match puts each grant's expiry in the kernel: a crashed spad
 * leaves nothing open past open_timeout.  iptables has no "delete on first
 * use", so spad watches conntrack NEW events (libnetfilter_conntrack) and
 * deletes the rule when its first connection appears; established
 * connections keep flowing through the ESTABLISHED rule.
 *
 * Only IPv4 grants for now (libip6tc is not wired up): an IPv6 grant is
 * refused, so the door stays shut.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libiptc/libiptc.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_state.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter/xt_time.h>
#ifdef HAVE_CONNTRACK
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#endif

#include "spa_err.h"
#include "fw-int.h"

#define ENTRY_MAX 1024
#define TABLE "filter"

static const xt_chainlabel input_chain = "INPUT";

struct live {
	struct fw_tuple t;
	time_t expires;
	size_t len;
	uint8_t e[ENTRY_MAX];
};

struct iptc_priv {
	xt_chainlabel chain;	/* the label, in the array type libiptc reads whole */
	struct live *g;
	size_t n, cap;
#ifdef HAVE_CONNTRACK
	struct nfct_handle *ct;
	fw_used_cb used;
	void *arg;
	struct fw *f;
#endif
};

/* An entry under construction. */
struct ent {
	uint8_t b[ENTRY_MAX];
	size_t len;
	int err;
};

static struct ipt_entry *
ent_start(struct ent *x)
{
	memset(x, 0, sizeof(*x));
	x->len = XT_ALIGN(sizeof(struct ipt_entry));
	return (struct ipt_entry *)x->b;
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
	struct ipt_entry *e = (struct ipt_entry *)x->b;
	size_t sz = XT_ALIGN(sizeof(struct xt_standard_target));
	struct xt_entry_target *t;
	size_t n = strlen(target);

	if (x->err || x->len + sz > sizeof(x->b) || n >= sizeof(t->u.user.name))
		return -1;
	e->target_offset = (uint16_t)x->len;
	t = (struct xt_entry_target *)(x->b + x->len);
	t->u.target_size = (uint16_t)sz;
	memcpy(t->u.user.name, target, n + 1);
	x->len += sz;
	e->next_offset = (uint16_t)x->len;
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
	struct ipt_entry *e = (struct ipt_entry *)x->b;

	e->ip.proto = proto;
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

static int
grant_entry(struct ent *x, const char *label, const struct fw_tuple *t, const char *aid, time_t stop)
{
	struct ipt_entry *e = ent_start(x);

	memcpy(&e->ip.src, t->src + 12, 4);
	e->ip.smsk.s_addr = 0xffffffffu;
	m_ports(x, t->proto, t->sport, t->dport);
	m_state(x, XT_STATE_BIT(IP_CT_NEW));
	m_time(x, stop);
	m_comment(x, label, aid);
	return ent_finish(x, "ACCEPT");
}

/* Find a match by name inside e; NULL if absent. */
static const struct xt_entry_match *
find_match(const struct ipt_entry *e, const char *name)
{
	size_t off = sizeof(struct ipt_entry);

	while (off + sizeof(struct xt_entry_match) <= e->target_offset) {
		const struct xt_entry_match *m = (const void *)((const uint8_t *)e + off);

		if (m->u.match_size < sizeof(*m))
			break;
		if (strcmp(m->u.user.name, name) == 0)
			return m;
		off += m->u.match_size;
	}
	return NULL;
}

static int
fail(struct xtc_handle *h, char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "iptables %s: %s", what, iptc_strerror(errno));
	if (h != NULL)
		iptc_free(h);
	return SPA_ERR_SYSTEM;
}

/* Delete every INPUT rule jumping to label. */
static int
unhook(struct xtc_handle *h, const char *label)
{
	const struct ipt_entry *e;
	unsigned i;

again:
	for (i = 0, e = iptc_first_rule("INPUT", h); e != NULL; e = iptc_next_rule(e, h), i++)
		if (strcmp(iptc_get_target(e, h), label) == 0) {
			if (!iptc_delete_num_entry(input_chain, i, h))
				return -1;
			goto again;
		}
	return 0;
}

/* (Re)build the chain: base rules around the live grants in p. */
static int
build(struct fw *f, const struct fw_opts *o, int keep_kernel_grants, char *err, size_t errlen)
{
	struct iptc_priv *p = f->priv;
	const char *l = p->chain;
	struct xtc_handle *h;
	const struct ipt_entry *e;
	struct ipt_entry *ne;
	struct ent x;
	time_t now = time(NULL);
	size_t i;

	if ((h = iptc_init(TABLE)) == NULL)
		return fail(NULL, err, errlen, "init (is the ip_tables module available?)");
	if (iptc_is_chain(l, h) && keep_kernel_grants) {
		/* a previous spad's grants still in force: adopt them */
		for (e = iptc_first_rule(l, h); e != NULL; e = iptc_next_rule(e, h)) {
			const struct xt_entry_match *tm = find_match(e, "time");
			const struct xt_entry_match *cm = find_match(e, "comment");
			const struct xt_entry_match *pm = find_match(e, e->ip.proto == 6 ? "tcp" : "udp");
			struct live *lv;

			if (tm == NULL || cm == NULL || pm == NULL || e->next_offset > ENTRY_MAX ||
			    ((const struct xt_time_info *)tm->data)->date_stop <= (uint32_t)now)
				continue;
			if (p->n == p->cap) {
				size_t cap = p->cap ? p->cap * 2 : 16;
				struct live *ng = realloc(p->g, cap * sizeof(*ng));

				if (ng == NULL)
					break;
				p->g = ng;
				p->cap = cap;
			}
			lv = &p->g[p->n++];
			memset(&lv->t, 0, sizeof(lv->t));
			lv->t.src[10] = lv->t.src[11] = 0xff;
			memcpy(lv->t.src + 12, &e->ip.src, 4);
			lv->t.proto = e->ip.proto;
			lv->t.dport = ((const struct xt_tcp *)pm->data)->dpts[0];
			lv->t.sport = ((const struct xt_tcp *)pm->data)->spts[0];
			lv->expires = ((const struct xt_time_info *)tm->data)->date_stop;
			lv->len = e->next_offset;
			memcpy(lv->e, e, e->next_offset);
			memset(&((struct ipt_entry *)lv->e)->counters, 0, sizeof(struct xt_counters));
		}
	}
	if (unhook(h, l) != 0)
		return fail(h, err, errlen, "removing the jump");
	if (iptc_is_chain(l, h)) {
		if (!iptc_flush_entries(l, h))
			return fail(h, err, errlen, "flush");
	} else if (!iptc_create_chain(l, h))
		return fail(h, err, errlen, "create chain");

	ne = ent_start(&x);
	m_state(&x, XT_STATE_BIT(IP_CT_ESTABLISHED) | XT_STATE_BIT(IP_CT_RELATED));
	m_comment(&x, l, "base");
	if (ent_finish(&x, "ACCEPT") != 0 || !iptc_append_entry(l, ne, h))
		return fail(h, err, errlen, "append established");
	ne = ent_start(&x);
	strcpy(ne->ip.iniface, "lo");
	memset(ne->ip.iniface_mask, 0xff, 3);
	m_comment(&x, l, "base");
	if (ent_finish(&x, "ACCEPT") != 0 || !iptc_append_entry(l, ne, h))
		return fail(h, err, errlen, "append loopback");
	for (i = 0; i < p->n; i++)
		if (!iptc_append_entry(l, (struct ipt_entry *)p->g[i].e, h))
			return fail(h, err, errlen, "restore grant");
	if (o->block_all) {
		for (i = 0; i < o->nallowed; i++) {
			const struct fw_net *n = &o->allowed[i];
			unsigned plen = n->plen >= 96 ? n->plen - 96u : 0;

			if (n->plen < 96 || memcmp(n->addr, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) != 0)
				continue;	/* IPv6: not handled by this backend */
			ne = ent_start(&x);
			memcpy(&ne->ip.src, n->addr + 12, 4);
			ne->ip.smsk.s_addr = plen == 0 ? 0 : htonl(0xffffffffu << (32 - plen));
			m_comment(&x, l, "base");
			if (ent_finish(&x, "ACCEPT") != 0 || !iptc_append_entry(l, ne, h))
				return fail(h, err, errlen, "append allowed");
		}
		ne = ent_start(&x);
		m_comment(&x, l, "base");
		if (ent_finish(&x, "DROP") != 0 || !iptc_append_entry(l, ne, h))
			return fail(h, err, errlen, "append drop");
	} else {
		for (i = 0; i < o->nprotect; i++) {
			ne = ent_start(&x);
			m_ports(&x, o->protect[i].proto, 0, o->protect[i].port);
			m_state(&x, XT_STATE_BIT(IP_CT_NEW));
			m_comment(&x, l, "base");
			if (ent_finish(&x, "DROP") != 0 || !iptc_append_entry(l, ne, h))
				return fail(h, err, errlen, "append protect");
		}
	}
	ne = ent_start(&x);
	m_comment(&x, l, "jump");
	if (ent_finish(&x, l) != 0 || !iptc_insert_entry(input_chain, ne, 0, h))
		return fail(h, err, errlen, "insert jump");
	if (!iptc_commit(h))
		return fail(h, err, errlen, "commit");
	iptc_free(h);
	return 0;
}

/*
 * Same grant rule?  Matches are compared by name and data, not byte for byte:
 * the kernel leaves stray bytes of its own pointer in the names it returns.
 */
static int
same_rule(const struct ipt_entry *a, const struct ipt_entry *b)
{
	size_t off = sizeof(struct ipt_entry);

	if (a->ip.src.s_addr != b->ip.src.s_addr || a->ip.proto != b->ip.proto ||
	    a->target_offset != b->target_offset)
		return 0;
	while (off + sizeof(struct xt_entry_match) <= a->target_offset) {
		const struct xt_entry_match *ma = (const void *)((const uint8_t *)a + off);
		const struct xt_entry_match *mb = (const void *)((const uint8_t *)b + off);

		if (ma->u.match_size != mb->u.match_size || ma->u.match_size < sizeof(*ma) ||
		    off + ma->u.match_size > a->target_offset ||
		    strncmp(ma->u.user.name, mb->u.user.name, sizeof(ma->u.user.name)) != 0 ||
		    memcmp(ma->data, mb->data, ma->u.match_size - sizeof(*ma)) != 0)
			return 0;
		off += ma->u.match_size;
	}
	return off == a->target_offset;
}

/* Delete the rule of p->g[i] from the kernel and forget it. */
static int
drop_live(struct fw *f, size_t i, char *err, size_t errlen)
{
	struct iptc_priv *p = f->priv;
	const char *l = p->chain;
	struct xtc_handle *h;
	const struct ipt_entry *e;
	static struct live gone;	/* the entry leaves p->g before the kernel search */
	const struct ipt_entry *want = (const struct ipt_entry *)gone.e;
	unsigned n;

	gone = p->g[i];
	p->g[i] = p->g[--p->n];
	if ((h = iptc_init(TABLE)) == NULL)
		return fail(NULL, err, errlen, "init");
	for (n = 0, e = iptc_first_rule(l, h); e != NULL; e = iptc_next_rule(e, h), n++) {
		if (same_rule(e, want)) {
			if (!iptc_delete_num_entry(l, n, h) || !iptc_commit(h))
				return fail(h, err, errlen, "delete grant");
			break;
		}
	}
	iptc_free(h);
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
	uint32_t a;
	char err[256];
	int i;

	if (nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO) != AF_INET)
		return NFCT_CB_CONTINUE;
	memset(&t, 0, sizeof(t));
	t.src[10] = t.src[11] = 0xff;
	a = nfct_get_attr_u32(ct, ATTR_ORIG_IPV4_SRC);
	memcpy(t.src + 12, &a, 4);
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

static int
iptc_open_(struct fw *f, const struct fw_opts *o, char *err, size_t errlen)
{
	struct iptc_priv *p;
	int r;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return SPA_ERR_NOMEM;
	f->priv = p;
	snprintf(p->chain, sizeof(p->chain), "%s", o->label);
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
	struct xtc_handle *h;
	struct live *lv;
	struct ent x;
	time_t stop = time(NULL) + (time_t)(timeout_s ? timeout_s : 1);
	int i, r;

	if (!fw_tuple_is_v4(t)) {
		snprintf(err, errlen, "the iptables backend opens IPv4 only");
		return SPA_ERR_INVALID;
	}
	if ((i = find_live(p, t)) >= 0 && (r = drop_live(f, (size_t)i, err, errlen)) != 0)
		return r;
	if (grant_entry(&x, f->opts.label, t, aid, stop) != 0) {
		snprintf(err, errlen, "iptables: rule too large");
		return SPA_ERR_INTERNAL;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct live *ng = realloc(p->g, cap * sizeof(*ng));

		if (ng == NULL)
			return SPA_ERR_NOMEM;
		p->g = ng;
		p->cap = cap;
	}
	if ((h = iptc_init(TABLE)) == NULL)
		return fail(NULL, err, errlen, "init");
	/* after the established and loopback rules, before any drop */
	if (!iptc_insert_entry(p->chain, (struct ipt_entry *)x.b, 2, h) || !iptc_commit(h))
		return fail(h, err, errlen, "insert grant");
	iptc_free(h);
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

	if (p == NULL)
		return;
	if (remove_rules && (h = iptc_init(TABLE)) != NULL) {
		if (unhook(h, p->chain) == 0 && iptc_is_chain(p->chain, h) &&
		    iptc_flush_entries(p->chain, h) && iptc_delete_chain(p->chain, h))
			(void)iptc_commit(h);
		iptc_free(h);
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
	.close = iptc_close_,
};
