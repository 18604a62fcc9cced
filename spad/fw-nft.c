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
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nftables/libnftables.h>

#include "spa_err.h"
#include "fw-int.h"

#define SCRIPT_MAX 16384

struct nft_priv {
	struct nft_ctx *ctx;
};

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
	}
out:
	if (r != 0) {
		nft_ctx_free(p->ctx);
		free(p);
		f->priv = NULL;
	}
	return r;
}

/* "g4 { 10.0.0.2 . tcp . 5000 . 22" without the closing brace. */
static void
element(struct script *s, const struct fw_tuple *t)
{
	char a[64];
	int v4 = fw_tuple_is_v4(t);
	const char *proto = t->proto == 6 ? "tcp" : "udp";

	fw_addr_format(t->src, a, sizeof(a));
	if (t->sport != 0)
		sadd(s, "%s { %s . %s . %u . %u", v4 ? "g4" : "g6", a, proto, t->sport, t->dport);
	else
		sadd(s, "%s { %s . %s . %u", v4 ? "ga4" : "ga6", a, proto, t->dport);
}

static int
nft_grant(struct fw *f, const struct fw_tuple *t, const char *aid, unsigned timeout_s,
    char *err, size_t errlen)
{
	struct script s;
	const char *l = f->opts.label;

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
	return run(f, &s, err, errlen);
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
	return run(f, &s, err, errlen);
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
	nft_ctx_free(p->ctx);
	free(p);
	f->priv = NULL;
}

const struct fw_ops fw_nft_ops = {
	.name = "nftables",
	.open = nft_open,
	.reconfigure = nft_reconfigure,
	.grant = nft_grant,
	.revoke = nft_revoke,
	.event_fd = NULL,
	.events = NULL,
	.tick = NULL,
	.close = nft_close,
};
