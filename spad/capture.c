/*
 * capture.c - the sniffer: libpcap in non-blocking mode with a 1 ms block
 * timeout on the configured interface, driven by the main loop's poll on its
 * descriptor (no sleeping, no spinning).  The default BPF program drops everything but
 * IPv4 UDP datagrams of exactly 189 payload bytes with version 1 to the SPA
 * port (libpcap cannot index UDP over IPv6, so spad checks those itself).
 * Link types: Ethernet (with 802.1Q/802.1ad tags), Linux cooked v1 and v2
 * ("any"), raw IP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "spa_buf.h"
#include "spa_err.h"
#include "capture.h"

#define SNAPLEN		512
#define BATCH		1024	/* per wake-up: a block may bring many; the loop still gets its turn */
#define CAP_TIMEOUT_MS	1	/* TPACKET_V3 block timeout */
#define ETH_IPV4	0x0800
#define ETH_IPV6	0x86dd
#define ETH_VLAN	0x8100
#define ETH_QINQ	0x88a8
#define SLL_OUTGOING	4

struct cap {
	pcap_t *p;
	int dlt;
	int fd;
	struct cap_stats st;
	cap_cb cb;
	void *arg;
};

void
cap_filter(uint16_t port, int vlan, char *out, size_t outlen)
{
	char base[256];

	snprintf(base, sizeof(base),
	    "(ip and udp dst port %u and udp[4:2] = 197 and udp[8] = 1) or (ip6 and udp dst port %u)",
	    port, port);
	if (vlan)
		/* "vlan" shifts the offsets of everything after it: it must come last */
		snprintf(out, outlen, "%s or (vlan and (%s))", base, base);
	else
		snprintf(out, outlen, "%s", base);
}

/* Skip the link header; *ethertype gets the network protocol. */
static int
link_header(int dlt, struct spa_buf *b, uint16_t *ethertype)
{
	uint16_t type, pkttype;
	uint8_t v;
	int tags;

	switch (dlt) {
	case DLT_EN10MB:
		if (spa_buf_skip(b, 12) != 0 || spa_buf_get_u16(b, &type) != 0)
			return -1;
		for (tags = 0; (type == ETH_VLAN || type == ETH_QINQ) && tags < 2; tags++)
			if (spa_buf_skip(b, 2) != 0 || spa_buf_get_u16(b, &type) != 0)
				return -1;
		*ethertype = type;
		return 0;
	case DLT_LINUX_SLL:
		if (spa_buf_get_u16(b, &pkttype) != 0 || spa_buf_skip(b, 12) != 0 ||
		    spa_buf_get_u16(b, &type) != 0)
			return -1;
		if (pkttype == SLL_OUTGOING)
			return -2;
		*ethertype = type;
		return 0;
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2:
		if (spa_buf_get_u16(b, &type) != 0 || spa_buf_skip(b, 8) != 0 ||
		    spa_buf_get_u8(b, &v) != 0)
			return -1;
		if (v == SLL_OUTGOING)
			return -2;
		if (spa_buf_skip(b, 9) != 0)
			return -1;
		*ethertype = type;
		return 0;
#endif
	case DLT_RAW:
#ifdef DLT_IPV4
	case DLT_IPV4:
	case DLT_IPV6:
#endif
		if (b->pos >= b->cap)
			return -1;
		v = b->data[b->pos] >> 4;
		*ethertype = v == 4 ? ETH_IPV4 : v == 6 ? ETH_IPV6 : 0;
		return 0;
	default:
		return -1;
	}
}

int
cap_parse(int dlt, const uint8_t *frame, size_t caplen, const uint8_t **payload, size_t *len,
    uint8_t src[16], uint16_t *sport, uint16_t *dport)
{
	struct spa_buf b;
	uint16_t type, tot, frag, ulen;
	uint8_t vihl, proto, nh;
	size_t iphl, start;
	const uint8_t *p;
	int r;

	spa_buf_init_ro(&b, frame, caplen);
	if ((r = link_header(dlt, &b, &type)) != 0)
		return r;
	memset(src, 0, 16);
	if (type == ETH_IPV4) {
		start = b.pos;
		if (spa_buf_get_u8(&b, &vihl) != 0 || (vihl >> 4) != 4)
			return -1;
		iphl = (size_t)(vihl & 0x0f) * 4;
		if (iphl < 20 || spa_buf_skip(&b, 1) != 0 || spa_buf_get_u16(&b, &tot) != 0 ||
		    spa_buf_skip(&b, 2) != 0 || spa_buf_get_u16(&b, &frag) != 0 ||
		    spa_buf_skip(&b, 1) != 0 || spa_buf_get_u8(&b, &proto) != 0 ||
		    spa_buf_skip(&b, 2) != 0 || spa_buf_get_bytes(&b, src + 12, 4) != 0)
			return -1;
		if (proto != 17 || tot < iphl + 8)
			return -1;
		if ((frag & 0x3fff) != 0)	/* MF or an offset: a fragment */
			return -3;
		src[10] = src[11] = 0xff;
		if (spa_buf_skip(&b, iphl - 16) != 0)
			return -1;
		/* trust the IP length over the frame length (Ethernet pads short frames) */
		if (b.cap > start + tot)
			b.cap = start + tot;
	} else if (type == ETH_IPV6) {
		if (spa_buf_get_u8(&b, &vihl) != 0 || (vihl >> 4) != 6 || spa_buf_skip(&b, 3) != 0 ||
		    spa_buf_get_u16(&b, &tot) != 0 || spa_buf_get_u8(&b, &nh) != 0 ||
		    spa_buf_skip(&b, 1) != 0 || spa_buf_get_bytes(&b, src, 16) != 0 ||
		    spa_buf_skip(&b, 16) != 0)
			return -1;
		if (nh == 44)
			return -3;
		if (nh != 17)	/* extension headers before UDP: not a knock we take */
			return -1;
		if (b.cap > b.pos + tot)
			b.cap = b.pos + tot;
	} else
		return -1;
	if (spa_buf_get_u16(&b, sport) != 0 || spa_buf_get_u16(&b, dport) != 0 ||
	    spa_buf_get_u16(&b, &ulen) != 0 || spa_buf_skip(&b, 2) != 0 || ulen < 8)
		return -1;
	if (spa_buf_get_ptr(&b, &p, (size_t)ulen - 8) != 0)
		return -1;	/* truncated */
	*payload = p;
	*len = (size_t)ulen - 8;
	return 0;
}

static void
on_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct cap *c = (struct cap *)user;
	const uint8_t *payload;
	uint8_t src[16];
	uint16_t sport, dport;
	size_t len;
	int r;

	c->st.frames++;
	r = cap_parse(c->dlt, bytes, h->caplen, &payload, &len, src, &sport, &dport);
	if (r == 0)
		c->cb(c->arg, payload, len, src, sport);
	else if (r == -2)
		c->st.outgoing++;
	else if (r == -3)
		c->st.fragments++;
	else
		c->st.unparsed++;
}

int
cap_open(const char *ifname, const char *filter, uint16_t port, struct cap **out, char *err,
    size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "", fbuf[1024];
	struct bpf_program prog;
	struct cap *c;
	const char *dev = ifname != NULL && *ifname != '\0' ? ifname : "any";
	int r;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return SPA_ERR_NOMEM;
	if ((c->p = pcap_create(dev, ebuf)) == NULL) {
		snprintf(err, errlen, "pcap_create %s: %s", dev, ebuf);
		goto fail;
	}
	/*
	 * Not immediate mode: TPACKET_V3 hands over a block of frames when it
	 * fills or CAP_TIMEOUT_MS after its first frame, so a flood wakes spad
	 * at most about once a millisecond instead of once per datagram (in
	 * immediate mode 79% of spad's CPU under flood went to context
	 * switches); a knock waits at most that millisecond more.
	 */
	if (pcap_set_snaplen(c->p, SNAPLEN) != 0 || pcap_set_immediate_mode(c->p, 0) != 0 ||
	    pcap_set_promisc(c->p, 0) != 0 || pcap_set_timeout(c->p, CAP_TIMEOUT_MS) != 0) {
		snprintf(err, errlen, "pcap options on %s: %s", dev, pcap_geterr(c->p));
		goto fail;
	}
	if ((r = pcap_activate(c->p)) < 0) {
		snprintf(err, errlen, "pcap_activate %s: %s", dev, pcap_geterr(c->p));
		goto fail;
	}
	/* only what arrives: the cooked header of "any" says so itself */
	(void)pcap_setdirection(c->p, PCAP_D_IN);
	c->dlt = pcap_datalink(c->p);
	if (c->dlt != DLT_EN10MB && c->dlt != DLT_LINUX_SLL && c->dlt != DLT_RAW
#ifdef DLT_LINUX_SLL2
	    && c->dlt != DLT_LINUX_SLL2
#endif
#ifdef DLT_IPV4
	    && c->dlt != DLT_IPV4 && c->dlt != DLT_IPV6
#endif
	    ) {
		snprintf(err, errlen, "interface %s: link type %s not supported", dev,
		    pcap_datalink_val_to_name(c->dlt));
		goto fail;
	}
	if (filter == NULL || *filter == '\0') {
		cap_filter(port, c->dlt == DLT_EN10MB, fbuf, sizeof(fbuf));
		filter = fbuf;
	}
	if (pcap_compile(c->p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "pcap_filter \"%s\": %s", filter, pcap_geterr(c->p));
		goto fail;
	}
	r = pcap_setfilter(c->p, &prog);
	pcap_freecode(&prog);
	if (r != 0) {
		snprintf(err, errlen, "pcap_setfilter: %s", pcap_geterr(c->p));
		goto fail;
	}
	if (pcap_setnonblock(c->p, 1, ebuf) != 0 || (c->fd = pcap_get_selectable_fd(c->p)) < 0) {
		snprintf(err, errlen, "pcap non-blocking descriptor on %s: %s", dev, ebuf);
		goto fail;
	}
	*out = c;
	return 0;
fail:
	if (c->p != NULL)
		pcap_close(c->p);
	free(c);
	return SPA_ERR_SYSTEM;
}

int
cap_fd(const struct cap *c)
{
	return c->fd;
}

int
cap_dispatch(struct cap *c, cap_cb cb, void *arg)
{
	c->cb = cb;
	c->arg = arg;
	return pcap_dispatch(c->p, BATCH, on_frame, (u_char *)c) < 0 ? -1 : 0;
}

const struct cap_stats *
cap_stats(const struct cap *c)
{
	return &c->st;
}

const char *
cap_error(const struct cap *c)
{
	return pcap_geterr(c->p);
}

void
cap_close(struct cap *c)
{
	if (c == NULL)
		return;
	pcap_close(c->p);
	free(c);
}
