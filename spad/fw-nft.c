/*
 * fw-nft.c - the nftables backend (libnftables; never the nft program).
 *
 * One table "inet <fw_label>" holds four sets of grants with kernel timeouts:
 * g4/g6 keyed (source, protocol, source port, service port) and ga4/ga6 keyed
 * (source, protocol, service port) for knocks that named no source port.  The
 * accept rule deletes the element it matched on the connection's first
 * packet, so each grant admits exactly one NEW connection, and the kernel
 * drops elements whose timeout ran out: a crashed spad leaves nothing open.
 * The protocol is part of the key (the DESIGN's set has tcp only) so one set
 * serves TCP and UDP grants.
 *
 * The sets are declared "dynamic" as the kernel makes them (the rule deletes
 * from them): declared otherwise, re-adding them on a reload fails with EEXIST.
 * On start the chain is rebuilt in one transaction while the sets are kept:
 * grants still live in the kernel survive a restart or a reload as they are.
 *
 * Reconciliation (fw_reconcile): the chains as listed (input, and knocks,
 * which leaves UDP to spa_port untracked) are compared with the listing
 * taken after spad last built them, and rebuilt when they differ (a
 * rule deleted, duplicated or added behind spad's back).  Set elements spad
 * did not grant, or whose expiry lies beyond spad's, are deleted.  A grant
 * missing from its set is NOT put back: the kernel deletes an element on its
 * first connection, so spad cannot tell a used grant from a deleted one, and
 * when in doubt the door stays shut (the client knocks again).
 *
 * With libnetfilter_conntrack, spad also listens to the kernel's NEW
 * connection events: the first connection a grant let in marks it used
 * (fw_events), as the iptables backend does.  Without them (not built in,
 * or the kernel refuses the subscription) nothing else changes: a grant's
 * use is then known only when pam_spa asks about its connection.
 */

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nftables/libnftables.h>

#include "spa_err.h"
#include "fw-int.h"
#ifdef HAVE_CONNTRACK
#include "fw-ct.h"
#endif

#define SCRIPT_MAX 16384

/* A grant spad made, kept until its expiry (used or not: the kernel knows). */
struct ngrant {
	char set[4];		/* g4, ga4, g6, ga6 */
	char key[96];		/* as element_key() writes it and nft lists it */
	time_t expires;
	int used;		/* conntrack saw its first connection */
};

struct nft_priv {
	struct nft_ctx *ctx;
	struct ngrant *g;
	size_t n, cap;
	char *chain_text;	/* both chains as listed right after spad built them */
#ifdef HAVE_CONNTRACK
	struct fw_ct *ct;	/* NULL: no conntrack events */
	fw_used_cb used;
	void *arg;
#endif
};

static const char *const sets[] = { "g4", "ga4", "g6", "ga6" };

static unsigned reconcile_set(struct fw *f, const char *set, time_t now, int adopt);
#ifdef HAVE_CONNTRACK
static void on_ct(void *arg, const struct fw_tuple *c);
#endif

struct script {
	char buf[SCRIPT_MAX];
	size_t len;
	int overflow;
};

static void __attribute__((format(printf, 2, 3)))
sadd(struct script *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(s->buf + s->len, sizeof(s->buf) - s->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(s->buf) - s->len)
		s->overflow = 1;
	else
		s->len += (size_t)n;
}

/* Run a script as one transaction; on failure err gets nft's first error line. */
static int
run(struct fw *f, const struct script *s, char *err, size_t errlen)
{
	struct nft_priv *p = f->priv;
	const char *e;
	size_t n;

	if (s->overflow) {
		snprintf(err, errlen, "nftables script too long");
		return SPA_ERR_TOO_LONG;
	}
	if (nft_run_cmd_from_buffer(p->ctx, s->buf) == 0) {
		nft_ctx_get_error_buffer(p->ctx);	/* drain */
		return 0;
	}
	e = nft_ctx_get_error_buffer(p->ctx);
	if (e == NULL || *e == '\0')
		e = "unknown error";
	n = strcspn(e, "\n");
	snprintf(err, errlen, "nftables: %.*s", (int)n, e);
	return SPA_ERR_SYSTEM;
}

/* Run a listing command; a malloc'd copy of its output, or NULL (no such object). */
static char *
list(struct fw *f, const char *kind, const char *what)
{
	struct nft_priv *p = f->priv;
	char cmd[128];
	const char *o;

	snprintf(cmd, sizeof(cmd), "list %s inet %s %s", kind, f->opts.label, what);
	nft_ctx_get_output_buffer(p->ctx);	/* drop anything left */
	if (nft_run_cmd_from_buffer(p->ctx, cmd) != 0) {
		nft_ctx_get_error_buffer(p->ctx);
		return NULL;
	}
	o = nft_ctx_get_output_buffer(p->ctx);
	return strdup(o != NULL ? o : "");
}

/* Both chains as listed, one malloc'd text; NULL if either is missing. */
static char *
chains(struct fw *f)
{
	char *in, *kn, *both = NULL;

	if ((in = list(f, "chain", "input")) != NULL && (kn = list(f, "chain", "knocks")) != NULL) {
		if (asprintf(&both, "%s%s", in, kn) < 0)
			both = NULL;
		free(kn);
	}
	free(in);
	return both;
}

/* Remember how the chains look right after spad built them. */
static void
snapshot(struct fw *f)
{
	struct nft_priv *p = f->priv;

	free(p->chain_text);
	p->chain_text = chains(f);
}

static void
add_sets(struct script *s, const char *l)
{
	sadd(s, "add table inet %s\n", l);
	sadd(s, "add set inet %s g4 { type ipv4_addr . inet_proto . inet_service . inet_service; "
	    "flags dynamic,timeout; }\n", l);
	sadd(s, "add set inet %s ga4 { type ipv4_addr . inet_proto . inet_service; "
	    "flags dynamic,timeout; }\n", l);
	sadd(s, "add set inet %s g6 { type ipv6_addr . inet_proto . inet_service . inet_service; "
	    "flags dynamic,timeout; }\n", l);
	sadd(s, "add set inet %s ga6 { type ipv6_addr . inet_proto . inet_service; "
	    "flags dynamic,timeout; }\n", l);
}

/*
 * The input chain, rebuilt from scratch: flushed and refilled in the same
 * transaction.  No anonymous sets: those of the flushed rules still hold
 * their names until the commit, and new ones would collide (EEXIST).
 */
static void
add_chain(struct script *s, const struct fw_opts *o)
{
	const char *l = o->label;
	char a[64];
	static const char *const nd[] = { "nd-neighbor-solicit", "nd-neighbor-advert",
		"nd-router-solicit", "nd-router-advert" };
	size_t i;

	/* knocks are read from the capture, never delivered: not tracked */
	sadd(s, "add chain inet %s knocks { type filter hook prerouting priority raw; }\n", l);
	sadd(s, "flush chain inet %s knocks\n", l);
	if (o->notrack_udp_port != 0)
		sadd(s, "add rule inet %s knocks udp dport %u notrack\n", l, o->notrack_udp_port);
	sadd(s, "add chain inet %s input { type filter hook input priority filter - 5; policy %s; }\n",
	    l, o->block_all ? "drop" : "accept");
	sadd(s, "flush chain inet %s input\n", l);
	sadd(s, "add rule inet %s input ct state established,related accept\n", l);
	sadd(s, "add rule inet %s input iif lo accept\n", l);
	sadd(s, "add rule inet %s input ip saddr . meta l4proto . th sport . th dport @g4 ct state new "
	    "delete @g4 { ip saddr . meta l4proto . th sport . th dport } accept\n", l);
	sadd(s, "add rule inet %s input ip saddr . meta l4proto . th dport @ga4 ct state new "
	    "delete @ga4 { ip saddr . meta l4proto . th dport } accept\n", l);
	sadd(s, "add rule inet %s input ip6 saddr . meta l4proto . th sport . th dport @g6 ct state new "
	    "delete @g6 { ip6 saddr . meta l4proto . th sport . th dport } accept\n", l);
	sadd(s, "add rule inet %s input ip6 saddr . meta l4proto . th dport @ga6 ct state new "
	    "delete @ga6 { ip6 saddr . meta l4proto . th dport } accept\n", l);
	if (o->block_all) {
		/* IPv6 needs neighbour discovery to reach anything at all */
		for (i = 0; i < sizeof(nd) / sizeof(nd[0]); i++)
			sadd(s, "add rule inet %s input icmpv6 type %s accept\n", l, nd[i]);
		for (i = 0; i < o->nallowed; i++) {
			const struct fw_net *n = &o->allowed[i];
			int v4 = n->plen >= 96 && memcmp(n->addr, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0;

			fw_addr_format(n->addr, a, sizeof(a));
			sadd(s, "add rule inet %s input %s saddr %s/%u accept\n", l, v4 ? "ip" : "ip6", a,
			    v4 ? n->plen - 96u : n->plen);
		}
	} else {
		for (i = 0; i < o->nprotect; i++)
			sadd(s, "add rule inet %s input ct state new meta l4proto %s th dport %u drop\n", l,
			    o->protect[i].proto == 6 ? "tcp" : "udp", o->protect[i].port);
	}
}

static int
nft_reconfigure(struct fw *f, const struct fw_opts *o, char *err, size_t errlen)
{
	struct script *s;
	int r;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return SPA_ERR_NOMEM;
	add_sets(s, o->label);
	add_chain(s, o);
	r = run(f, s, err, errlen);
	free(s);
	if (r == 0)
		snapshot(f);
	return r;
}

static int
nft_open(struct fw *f, const struct fw_opts *o, char *err, size_t errlen)
{
	struct nft_priv *p;
	struct script *s;
	int r;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return SPA_ERR_NOMEM;
	if ((p->ctx = nft_ctx_new(NFT_CTX_DEFAULT)) == NULL) {
		free(p);
		snprintf(err, errlen, "nft_ctx_new failed");
		return SPA_ERR_SYSTEM;
	}
	nft_ctx_buffer_output(p->ctx);
	nft_ctx_buffer_error(p->ctx);
	f->priv = p;
	r = nft_reconfigure(f, o, err, errlen);
	if (r == SPA_ERR_SYSTEM) {
		/* a table of another shape (older spad, hand-made): replace it, start closed */
		if ((s = calloc(1, sizeof(*s))) == NULL) {
			r = SPA_ERR_NOMEM;
			goto out;
		}
		sadd(s, "add table inet %s\ndelete table inet %s\n", o->label, o->label);
		add_sets(s, o->label);
		add_chain(s, o);
		r = run(f, s, err, errlen);
		free(s);
		if (r == 0)
			snapshot(f);
	}
	if (r == 0)
		for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
			(void)reconcile_set(f, sets[i], time(NULL), 1);
#ifdef HAVE_CONNTRACK
	if (r == 0) {
		char cterr[128];

		p->ct = fw_ct_open(on_ct, p, cterr, sizeof(cterr));	/* optional: see the top */
	}
#endif
out:
	if (r != 0) {
		nft_ctx_free(p->ctx);
		free(p);
		f->priv = NULL;
	}
	return r;
}

/* The set of t and its key as nft lists it: "10.0.0.2 . tcp . 5000 . 22". */
static const char *
element_key(const struct fw_tuple *t, char *out, size_t outlen)
{
	char a[64];
	int v4 = fw_tuple_is_v4(t);
	const char *proto = t->proto == 6 ? "tcp" : "udp";

	fw_addr_format(t->src, a, sizeof(a));
	if (t->sport != 0) {
		snprintf(out, outlen, "%s . %s . %u . %u", a, proto, t->sport, t->dport);
		return v4 ? "g4" : "g6";
	}
	snprintf(out, outlen, "%s . %s . %u", a, proto, t->dport);
	return v4 ? "ga4" : "ga6";
}

/* "g4 { 10.0.0.2 . tcp . 5000 . 22" without the closing brace. */
static void
element(struct script *s, const struct fw_tuple *t)
{
	char k[128];
	const char *set = element_key(t, k, sizeof(k));

	sadd(s, "%s { %s", set, k);
}

static ssize_t
find_key(const struct nft_priv *p, const char *set, const char *key)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->g[i].set, set) == 0 && strcmp(p->g[i].key, key) == 0)
			return (ssize_t)i;
	return -1;
}

/* Note a grant (replacing one of the same key).  Out of memory: the
 * reconciler takes the element for a stranger and closes it: fail closed. */
static void
remember_key(struct nft_priv *p, const char *set, const char *key, time_t expires)
{
	ssize_t i = find_key(p, set, key);

	if (i < 0) {
		if (strlen(key) >= sizeof(p->g[0].key))
			return;
		if (p->n == p->cap) {
			size_t cap = p->cap ? p->cap * 2 : 16;
			struct ngrant *ng = realloc(p->g, cap * sizeof(*ng));

			if (ng == NULL)
				return;
			p->g = ng;
			p->cap = cap;
		}
		i = (ssize_t)p->n++;
		snprintf(p->g[i].set, sizeof(p->g[i].set), "%s", set);
		snprintf(p->g[i].key, sizeof(p->g[i].key), "%s", key);
	}
	p->g[i].expires = expires;
	p->g[i].used = 0;	/* a new grant, or a repeated knock: the kernel re-added it */
}

static void
remember(struct nft_priv *p, const struct fw_tuple *t, time_t expires)
{
	char k[128];
	const char *set = element_key(t, k, sizeof(k));

	remember_key(p, set, k, expires);
}

static void
forget(struct nft_priv *p, const struct fw_tuple *t)
{
	char k[128];
	const char *set = element_key(t, k, sizeof(k));
	ssize_t i = find_key(p, set, k);

	if (i >= 0)
		p->g[i] = p->g[--p->n];
}

#ifdef HAVE_CONNTRACK
/* A new connection: the first one a live grant let in marks the grant used
 * (the kernel already deleted its element). */
static void
on_ct(void *arg, const struct fw_tuple *c)
{
	struct nft_priv *p = arg;
	struct fw_tuple t = *c;
	char k[128];
	const char *set;
	ssize_t i;
	int any;

	for (any = 0; any < 2; any++) {
		if (any)
			t.sport = 0;	/* a grant for any source port */
		set = element_key(&t, k, sizeof(k));
		if ((i = find_key(p, set, k)) < 0 || p->g[i].used || p->g[i].expires < time(NULL))
			continue;
		p->g[i].used = 1;
		if (p->used != NULL)
			p->used(p->arg, &t);
		return;
	}
}
#endif

static int
nft_grant(struct fw *f, const struct fw_tuple *t, const char *aid, unsigned timeout_s,
    char *err, size_t errlen)
{
	struct script s;
	const char *l = f->opts.label;
	int r;

	(void)aid;
	if (timeout_s == 0)
		timeout_s = 1;
	/* add, delete, add: a repeated knock restarts the timeout of an existing element */
	s.len = 0;
	s.overflow = 0;
	sadd(&s, "add element inet %s ", l);
	element(&s, t);
	sadd(&s, " timeout %us }\ndelete element inet %s ", timeout_s, l);
	element(&s, t);
	sadd(&s, " }\nadd element inet %s ", l);
	element(&s, t);
	sadd(&s, " timeout %us }\n", timeout_s);
	if ((r = run(f, &s, err, errlen)) != 0)
		return r;
	remember(f->priv, t, time(NULL) + (time_t)timeout_s);
	return 0;
}

static int
nft_revoke(struct fw *f, const struct fw_tuple *t, char *err, size_t errlen)
{
	struct script s;
	const char *l = f->opts.label;

	/* add first so the delete cannot fail on an element already consumed */
	s.len = 0;
	s.overflow = 0;
	sadd(&s, "add element inet %s ", l);
	element(&s, t);
	sadd(&s, " timeout 1s }\ndelete element inet %s ", l);
	element(&s, t);
	sadd(&s, " }\n");
	forget(f->priv, t);
	return run(f, &s, err, errlen);
}

/* "1h2m3s400ms" -> seconds (a fraction counts as one more); -1 when it does not parse. */
static long
parse_duration(const char *s)
{
	long total = 0, ms = 0, v;

	if (!isdigit((unsigned char)*s))
		return -1;
	while (isdigit((unsigned char)*s)) {
		for (v = 0; isdigit((unsigned char)*s) && v < 100000000; s++)
			v = v * 10 + (*s - '0');
		if (s[0] == 'm' && s[1] == 's') {
			ms = v;
			s += 2;
		} else if (*s == 'd' || *s == 'h' || *s == 'm' || *s == 's') {
			total += v * (*s == 'd' ? 86400 : *s == 'h' ? 3600 : *s == 'm' ? 60 : 1);
			s++;
		} else
			return -1;
	}
	return total + (ms > 0);
}

/*
 * Walk the elements of one set as listed: delete those spad did not grant
 * or that expire later than its grant, and return how many; with adopt,
 * take them all as spad's own instead (a restart: the table is spad's, and
 * what a previous spad granted keeps its time).
 */
static unsigned
reconcile_set(struct fw *f, const char *set, time_t now, int adopt)
{
	struct nft_priv *p = f->priv;
	const char *l = f->opts.label;
	char *text, *e, *close, *item, *save = NULL, key[128], mine[128];
	struct script s;
	unsigned fixed = 0;
	size_t i;

	if ((text = list(f, "set", set)) == NULL)
		return 0;
	if ((e = strstr(text, "elements = {")) == NULL ||
	    (close = strchr(e, '}')) == NULL) {
		free(text);
		return 0;
	}
	e += strlen("elements = {");
	*close = '\0';
	for (item = strtok_r(e, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
		const char *x;
		long left = -1;
		size_t n;
		int ok = 0;

		while (isspace((unsigned char)*item))
			item++;
		n = (x = strstr(item, " timeout ")) != NULL ? (size_t)(x - item) : strcspn(item, "\n");
		while (n > 0 && isspace((unsigned char)item[n - 1]))
			n--;
		if (n == 0 || n >= sizeof(key))
			continue;
		memcpy(key, item, n);
		key[n] = '\0';
		if ((x = strstr(item, " expires ")) != NULL)
			left = parse_duration(x + strlen(" expires "));
		if (adopt) {
			if (left >= 0)
				remember_key(p, set, key, now + left);
			continue;
		}
		ok = (i = (size_t)find_key(p, set, key)) != (size_t)-1 && left >= 0 &&
		    now + left <= p->g[i].expires + 1;
		if (ok)
			continue;
		s.len = 0;
		s.overflow = 0;
		sadd(&s, "delete element inet %s %s { %s }\n", l, set, key);
		if (run(f, &s, mine, sizeof(mine)) == 0)
			fixed++;
	}
	free(text);
	return fixed;
}

static int
nft_reconcile(struct fw *f, time_t now, unsigned *fixed, char *err, size_t errlen)
{
	struct nft_priv *p = f->priv;
	char *cur;
	size_t i;
	int r;

	for (i = 0; i < p->n; )
		if (p->g[i].expires < now)
			p->g[i] = p->g[--p->n];
		else
			i++;
	cur = chains(f);
	if (cur == NULL || p->chain_text == NULL || strcmp(cur, p->chain_text) != 0) {
		free(cur);
		if ((r = nft_reconfigure(f, &f->opts, err, errlen)) != 0)
			return r;
		(*fixed)++;
	} else
		free(cur);
	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		*fixed += reconcile_set(f, sets[i], now, 0);
	return 0;
}

static void
nft_close(struct fw *f, int remove_rules)
{
	struct nft_priv *p = f->priv;
	struct script s;
	char err[256];

	if (p == NULL)
		return;
	if (remove_rules) {
		s.len = 0;
		s.overflow = 0;
		sadd(&s, "add table inet %s\ndelete table inet %s\n", f->opts.label, f->opts.label);
		(void)run(f, &s, err, sizeof(err));
	}
#ifdef HAVE_CONNTRACK
	fw_ct_close(p->ct);
#endif
	nft_ctx_free(p->ctx);
	free(p->chain_text);
	free(p->g);
	free(p);
	f->priv = NULL;
}

#ifdef HAVE_CONNTRACK
static int
nft_event_fd(const struct fw *f)
{
	const struct nft_priv *p = f->priv;

	return fw_ct_fd(p->ct);
}

static void
nft_events(struct fw *f, fw_used_cb used, void *arg)
{
	struct nft_priv *p = f->priv;

	p->used = used;
	p->arg = arg;
	fw_ct_read(p->ct);
}
#endif

const struct fw_ops fw_nft_ops = {
	.name = "nftables",
	.open = nft_open,
	.reconfigure = nft_reconfigure,
	.grant = nft_grant,
	.revoke = nft_revoke,
#ifdef HAVE_CONNTRACK
	.event_fd = nft_event_fd,
	.events = nft_events,
#else
	.event_fd = NULL,
	.events = NULL,
#endif
	.tick = NULL,
	.reconcile = nft_reconcile,
	.close = nft_close,
};
