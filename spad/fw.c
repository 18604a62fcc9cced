/*
 * fw.c - backend dispatch and the small parsers every backend shares
 * (allowed networks, tuples, labels).
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spa_err.h"
#include "fw-int.h"

static const struct fw_ops *const backends[] = {
#ifdef HAVE_NFTABLES
	&fw_nft_ops,
#endif
#ifdef HAVE_IPTC
	&fw_iptc_ops,
#endif
	NULL
};

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

int
fw_label_valid(const char *label)
{
	size_t i, n = strlen(label);

	if (n == 0 || n > FW_LABEL_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)label[i]) && label[i] != '_' && label[i] != '-')
			return 0;
	return 1;
}

int
fw_open(const char *backend, const struct fw_opts *o, struct fw **out, char *err, size_t errlen)
{
	const struct fw_ops *ops = NULL;
	struct fw *f;
	size_t i;
	int r;

	*out = NULL;
	for (i = 0; backends[i] != NULL; i++)
		if (strcmp(backends[i]->name, backend) == 0)
			ops = backends[i];
	if (ops == NULL) {
		snprintf(err, errlen, "firewall backend '%s' is not built in", backend);
		return SPA_ERR_INVALID;
	}
	if (!fw_label_valid(o->label)) {
		snprintf(err, errlen, "fw_label '%s' must be 1..%d of A-Z a-z 0-9 _ -", o->label,
		    FW_LABEL_MAX);
		return SPA_ERR_INVALID;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return SPA_ERR_NOMEM;
	}
	f->ops = ops;
	f->opts = *o;
	if ((r = ops->open(f, o, err, errlen)) != 0) {
		free(f);
		return r;
	}
	*out = f;
	return 0;
}

int
fw_reconfigure(struct fw *f, const struct fw_opts *o, char *err, size_t errlen)
{
	int r;

	if (strcmp(o->label, f->opts.label) != 0) {
		snprintf(err, errlen, "fw_label cannot change on reload (restart spad)");
		return SPA_ERR_INVALID;
	}
	if ((r = f->ops->reconfigure(f, o, err, errlen)) == 0)
		f->opts = *o;
	return r;
}

int
fw_grant(struct fw *f, const struct fw_tuple *t, const char *aid, unsigned timeout_s,
    char *err, size_t errlen)
{
	if (t->proto != 6 && t->proto != 17) {
		snprintf(err, errlen, "protocol %u", t->proto);
		return SPA_ERR_INVALID;
	}
	return f->ops->grant(f, t, aid, timeout_s, err, errlen);
}

int
fw_revoke(struct fw *f, const struct fw_tuple *t, char *err, size_t errlen)
{
	return f->ops->revoke(f, t, err, errlen);
}

int
fw_event_fd(const struct fw *f)
{
	return f->ops->event_fd != NULL ? f->ops->event_fd(f) : -1;
}

void
fw_events(struct fw *f, fw_used_cb used, void *arg)
{
	if (f->ops->events != NULL)
		f->ops->events(f, used, arg);
}

void
fw_tick(struct fw *f, time_t now)
{
	if (f->ops->tick != NULL)
		f->ops->tick(f, now);
}

int
fw_reconcile(struct fw *f, time_t now, unsigned *fixed, char *err, size_t errlen)
{
	*fixed = 0;
	return f->ops->reconcile != NULL ? f->ops->reconcile(f, now, fixed, err, errlen) : 0;
}

const char *
fw_name(const struct fw *f)
{
	return f->ops->name;
}

void
fw_close(struct fw *f, int remove_rules)
{
	if (f == NULL)
		return;
	f->ops->close(f, remove_rules);
	free(f);
}

int
fw_tuple_is_v4(const struct fw_tuple *t)
{
	return memcmp(t->src, v4mapped, sizeof(v4mapped)) == 0;
}

void
fw_addr_format(const uint8_t addr[16], char *out, size_t outlen)
{
	if (memcmp(addr, v4mapped, sizeof(v4mapped)) == 0)
		inet_ntop(AF_INET, addr + 12, out, (socklen_t)outlen);
	else
		inet_ntop(AF_INET6, addr, out, (socklen_t)outlen);
}

void
fw_tuple_format(const struct fw_tuple *t, char *out, size_t outlen)
{
	char a[INET6_ADDRSTRLEN];

	fw_addr_format(t->src, a, sizeof(a));
	if (fw_tuple_is_v4(t))
		snprintf(out, outlen, "%s:%u->%u/%s", a, t->sport, t->dport, t->proto == 6 ? "tcp" : "udp");
	else
		snprintf(out, outlen, "[%s]:%u->%u/%s", a, t->sport, t->dport, t->proto == 6 ? "tcp" : "udp");
}

/* Parse one "addr[/len]" (len in the address family's own terms). */
static int
net_parse(const char *s, struct fw_net *n)
{
	char buf[64], *slash, *end;
	unsigned long len;
	int v4;

	if (strlen(s) >= sizeof(buf))
		return SPA_ERR_ADDR;
	strcpy(buf, s);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	memset(n, 0, sizeof(*n));
	if (inet_pton(AF_INET, buf, n->addr + 12) == 1) {
		memcpy(n->addr, v4mapped, sizeof(v4mapped));
		v4 = 1;
	} else if (inet_pton(AF_INET6, buf, n->addr) == 1) {
		v4 = 0;
	} else
		return SPA_ERR_ADDR;
	len = v4 ? 32 : 128;
	if (slash != NULL) {
		if (*slash < '0' || *slash > '9')
			return SPA_ERR_ADDR;
		len = strtoul(slash, &end, 10);
		if (*end != '\0' || len > (v4 ? 32UL : 128UL))
			return SPA_ERR_ADDR;
	}
	n->plen = (uint8_t)(v4 ? 96 + len : len);
	/* a network, not a host with bits set beyond the prefix */
	for (unsigned i = n->plen; i < 128; i++)
		if (n->addr[i / 8] & (0x80 >> (i % 8)))
			return SPA_ERR_ADDR;
	return 0;
}

int
fw_nets_parse(const char *text, struct fw_opts *o)
{
	char item[80];
	const char *p = text, *e;
	size_t len;
	int r;

	o->nallowed = 0;
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != ',' && *e != ' ' && *e != '\t'; e++)
			;
		len = (size_t)(e - p);
		if (len >= sizeof(item))
			return SPA_ERR_ADDR;
		memcpy(item, p, len);
		item[len] = '\0';
		if (o->nallowed == FW_NETS_MAX)
			return SPA_ERR_TOO_LONG;
		if ((r = net_parse(item, &o->allowed[o->nallowed])) != 0)
			return r;
		o->nallowed++;
		p = e;
	}
	return 0;
}

int
fw_net_match(const struct fw_net *net, const uint8_t addr[16])
{
	unsigned full = net->plen / 8, rest = net->plen % 8;

	if (memcmp(net->addr, addr, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((net->addr[full] ^ addr[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}
