/*
 * fw-ct.c - conntrack NEW events for the firewall backends (fw-ct.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "fw-ct.h"

struct fw_ct {
	struct nfct_handle *h;
	fw_ct_fn fn;
	void *arg;
};

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static int
on_new(enum nf_conntrack_msg_type type, struct nf_conntrack *ct, void *data)
{
	struct fw_ct *c = data;
	struct fw_tuple t;
	uint8_t l3 = nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO);
	uint32_t a;

	(void)type;
	memset(&t, 0, sizeof(t));
	if (l3 == AF_INET) {
		memcpy(t.src, v4mapped, sizeof(v4mapped));
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
	c->fn(c->arg, &t);
	return NFCT_CB_CONTINUE;
}

struct fw_ct *
fw_ct_open(fw_ct_fn fn, void *arg, char *err, size_t errlen)
{
	struct fw_ct *c;
	int fd, fl;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "conntrack events: out of memory");
		return NULL;
	}
	c->fn = fn;
	c->arg = arg;
	if ((c->h = nfct_open(CONNTRACK, NF_NETLINK_CONNTRACK_NEW)) == NULL) {
		snprintf(err, errlen, "conntrack events: %s", strerror(errno));
		free(c);
		return NULL;
	}
	nfct_callback_register(c->h, NFCT_T_NEW, on_new, c);
	fd = nfct_fd(c->h);
	if ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		snprintf(err, errlen, "conntrack events: non-blocking socket: %s", strerror(errno));
		nfct_close(c->h);
		free(c);
		return NULL;
	}
	return c;
}

int
fw_ct_fd(const struct fw_ct *c)
{
	return c != NULL ? nfct_fd(c->h) : -1;
}

void
fw_ct_read(struct fw_ct *c)
{
	if (c != NULL)
		(void)nfct_catch(c->h);	/* non-blocking: returns when the socket is drained */
}

void
fw_ct_close(struct fw_ct *c)
{
	if (c == NULL)
		return;
	nfct_close(c->h);
	free(c);
}
