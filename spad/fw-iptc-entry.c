/*
 * fw-iptc-entry.c - building and reading the rules of the iptables backend
 * (fw-iptc.c) as libiptc wants them: one entry header of either family,
 * then matches, then a standard target, each XT_ALIGNed, at most ENTRY_MAX
 * bytes.  An entry that would not fit is refused by ent_finish(), never cut.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <libiptc/libiptc.h>
#include <libiptc/libip6tc.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_state.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter/xt_time.h>
#include <linux/netfilter_ipv6/ip6_tables.h>

#include "fw-iptc-entry.h"

const uint8_t v4pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

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

uint16_t
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

void
e_zero_counters(void *e, int v6)
{
	if (v6)
		memset(&((struct ip6t_entry *)e)->counters, 0, sizeof(struct xt_counters));
	else
		memset(&((struct ipt_entry *)e)->counters, 0, sizeof(struct xt_counters));
}

/* Source address (16 bytes, IPv4-mapped for v4) with prefix length in family terms. */
void
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

void
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

uint8_t
e_proto(const void *e, int v6)
{
	return v6 ? (uint8_t)((const struct ip6t_entry *)e)->ipv6.proto : (uint8_t)((const struct ipt_entry *)e)->ip.proto;
}

void
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


void *
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
int
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

void
m_state(struct ent *x, unsigned mask)
{
	struct xt_state_info *s = ent_match(x, "state", 0, sizeof(*s));

	if (s != NULL)
		s->statemask = mask;
}

void
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

void
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

void
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

int
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
const struct xt_entry_match *
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

/*
 * Same grant rule?  Matches are compared by name and data, not byte for byte:
 * the kernel leaves stray bytes of its own pointer in the names it returns.
 */
int
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

const char *
comment_of(const void *e, int v6)
{
	const struct xt_entry_match *m = find_match(e, v6, "comment");

	return m != NULL ? ((const struct xt_comment_info *)m->data)->comment : "";
}
