/*
 * verify.c - DESIGN.md's verification pipeline, step by step in its order.
 * Steps 1-4 touch only the packet, the index and a fixed bucket table; the
 * store is first touched at step 11 and only by a packet that passed all
 * the cryptographic and policy checks.
 */
#include <stdio.h>
#include <string.h>

#include "spa_crypto.h"
#include "spa_err.h"
#include "spa_pkt.h"
#include "spa_util.h"
#include "log.h"
#include "store.h"
#include "verify.h"

/* Token buckets (RFC 4226 7.3 throttling): burst and refill per second. */
#define SRC_BURST	30.0f
#define SRC_RATE	5.0f
#define CLIENT_BURST	20.0
#define CLIENT_RATE	2.0

static const char *const names[VFY_N] = {
	[VFY_ACCEPTED] = "accepted",
	[VFY_LENGTH] = "length",
	[VFY_VERSION] = "version",
	[VFY_UNKNOWN_KEY] = "unknown_key",
	[VFY_RATE_SOURCE] = "rate_source",
	[VFY_RATE_CLIENT] = "rate_client",
	[VFY_TAG] = "tag",
	[VFY_FORMAT] = "format",
	[VFY_AID] = "aid",
	[VFY_STALE] = "stale",
	[VFY_COUNTER] = "counter",
	[VFY_HOTP] = "hotp",
	[VFY_REPLAY] = "replay",
	[VFY_PASSWORD] = "password",
	[VFY_PORT] = "port",
	[VFY_ADDRESS] = "address",
	[VFY_RACE] = "race",
	[VFY_STORE] = "store",
	[VFY_FIREWALL] = "firewall",
};

const char *
vfy_reason_name(enum vfy_reason r)
{
	return (unsigned)r < VFY_N ? names[r] : "?";
}

static int
src_bucket_take(struct vfy *v, const uint8_t src[16], int64_t now_ms)
{
	uint32_t h = 2166136261u;
	size_t i;
	float t;

	for (i = 0; i < 16; i++)
		h = (h ^ src[i]) * 16777619u;
	i = h % (sizeof(v->src) / sizeof(v->src[0]));
	if (memcmp(v->src[i].addr, src, 16) != 0 || v->src[i].ms == 0) {
		memcpy(v->src[i].addr, src, 16);
		v->src[i].tokens = SRC_BURST;
		v->src[i].ms = now_ms;
	}
	t = v->src[i].tokens + (float)(now_ms - v->src[i].ms) * SRC_RATE / 1000.0f;
	v->src[i].tokens = t > SRC_BURST ? SRC_BURST : t;
	v->src[i].ms = now_ms;
	if (v->src[i].tokens < 1.0f)
		return 0;
	v->src[i].tokens -= 1.0f;
	return 1;
}

static int
client_bucket_take(struct idx_extra *x, int64_t now_ms)
{
	double t;

	if (x->bucket_ms == 0) {
		x->tokens = CLIENT_BURST;
		x->bucket_ms = now_ms;
	}
	t = x->tokens + (double)(now_ms - x->bucket_ms) * CLIENT_RATE / 1000.0;
	x->tokens = t > CLIENT_BURST ? CLIENT_BURST : t;
	x->bucket_ms = now_ms;
	if (x->tokens < 1.0)
		return 0;
	x->tokens -= 1.0;
	return 1;
}

/* Step 8: seen within the age window?  Remembers it when not. */
static int
replay_seen(struct idx_extra *x, uint32_t random, int64_t now, unsigned age)
{
	size_t i;

	for (i = 0; i < IDX_REPLAY; i++)
		if (x->replay[i].time != 0 && x->replay[i].random == random &&
		    now - (int64_t)x->replay[i].time <= 2 * (int64_t)age)
			return 1;
	x->replay[x->replay_next].random = random;
	x->replay[x->replay_next].time = (uint32_t)now;
	x->replay_next = (x->replay_next + 1) % IDX_REPLAY;
	return 0;
}

static int
port_allowed(const struct idx_client *c, uint16_t port, uint8_t proto)
{
	const struct spa_portspec *p;
	size_t i, n;

	p = idx_ports(c, &n);
	for (i = 0; i < n; i++)
		if (p[i].port == port && p[i].proto == proto)
			return 1;
	return 0;
}

static enum vfy_reason
count(struct vfy *v, enum vfy_reason r, int64_t now_ms, const struct idx_client *c,
    const uint8_t src[16])
{
	char a[64];

	v->count[r]++;
	/* junk (steps 1-2) is only counted; later failures log, rate-limited per reason */
	if (r > VFY_UNKNOWN_KEY && r != VFY_ACCEPTED && !(r == VFY_STORE && v->store_down) &&
	    log_limited_check((unsigned)r, now_ms / 1000, LOG_NOTICE)) {
		/* only a line that will be written pays for formatting the address */
		fw_addr_format(src, a, sizeof(a));
		log_limited((unsigned)r, now_ms / 1000, LOG_NOTICE, "event=reject reason=%s aid=%s src=%s",
		    names[r], c != NULL ? c->aid : "-", a);
	}
	return r;
}

enum vfy_reason
vfy_packet(struct vfy *v, const uint8_t *pkt, size_t len, const uint8_t src[16], uint16_t sport,
    int64_t now, int64_t now_ms)
{
	struct spa_keys k;
	struct spa_payload p;
	struct idx_client *c;
	struct idx_extra *x;
	struct store_knock kn;
	struct store_knock_result res;
	struct store_grant sg;
	struct grant g;
	const uint8_t *key_id;
	uint8_t ver[32], grant_ip[16];
	uint32_t hotp;
	char err[256], tup[96], a[64];
	int prev, r, rotated;
	enum vfy_reason out;

	v->packets++;
	(void)sport;
	/* 1. length and version */
	if ((r = spa_pkt_check(pkt, len, &key_id)) != 0)
		return count(v, r == SPA_ERR_PKT_LENGTH ? VFY_LENGTH : VFY_VERSION, now_ms, NULL, src);
	/* 2. key_id -> client */
	if ((c = idx_lookup(v->ix, key_id, &prev)) == NULL)
		return count(v, VFY_UNKNOWN_KEY, now_ms, NULL, src);
	/* 3. rate limits */
	if (!src_bucket_take(v, src, now_ms))
		return count(v, VFY_RATE_SOURCE, now_ms, c, src);
	if ((x = idx_extra(c)) == NULL)
		return count(v, VFY_STORE, now_ms, c, src);
	if (!client_bucket_take(x, now_ms))
		return count(v, VFY_RATE_CLIENT, now_ms, c, src);
	/* 4. open under the keys of the seed the key_id names (plus format half of 5) */
	memcpy(k.key_id, key_id, SPA_KEYID_LEN);
	memcpy(k.enc, prev ? c->prev_enc : c->enc, sizeof(k.enc));
	memcpy(k.hotp, prev ? c->prev_hotp : c->hotp, sizeof(k.hotp));
	r = spa_pkt_open(&k, pkt, len, &p);
	if (r != 0) {
		out = r == SPA_ERR_PKT_TAG || r == SPA_ERR_AUTH ? VFY_TAG : VFY_FORMAT;
		goto out;
	}
	/* 5. the AID inside is the indexed client's */
	if (strnlen(c->aid, sizeof(c->aid)) > SPA_AID_LEN ||
	    !spa_ct_eq(p.aid, c->aid, strnlen(c->aid, sizeof(c->aid))) ||
	    (strlen(c->aid) < SPA_AID_LEN && !spa_is_zero(p.aid + strlen(c->aid),
	    SPA_AID_LEN - strlen(c->aid)))) {
		out = VFY_AID;
		goto out;
	}
	/* 6. age */
	if ((p.timestamp > (uint64_t)now && p.timestamp - (uint64_t)now > v->max_packet_age) ||
	    (p.timestamp <= (uint64_t)now && (uint64_t)now - p.timestamp > v->max_packet_age)) {
		out = VFY_STALE;
		goto out;
	}
	/* 7. counter window and HOTP */
	if (p.counter <= c->counter || p.counter - c->counter > v->hotp_window) {
		out = VFY_COUNTER;
		goto out;
	}
	if (spa_hotp(k.hotp, sizeof(k.hotp), p.counter, SPA_HOTP_DIGITS, &hotp) != 0 ||
	    !spa_ct_eq(&hotp, &p.hotp, sizeof(hotp))) {
		out = VFY_HOTP;
		goto out;
	}
	/* 8. random not seen within the age window */
	if (replay_seen(x, p.random, now, v->max_packet_age)) {
		out = VFY_REPLAY;
		goto out;
	}
	/* 9. password verifier */
	if (store_verifier(v->st, p.password, ver) != 0 || !spa_ct_eq(ver, c->verifier, sizeof(ver))) {
		out = VFY_PASSWORD;
		goto out;
	}
	/* 10. port, protocol and address rule */
	if (!port_allowed(c, p.port, p.protocol)) {
		out = VFY_PORT;
		goto out;
	}
	if (spa_is_zero(p.ip, sizeof(p.ip)))
		memcpy(grant_ip, src, 16);
	else if (memcmp(p.ip, src, 16) == 0 || c->any_ip)
		memcpy(grant_ip, p.ip, 16);
	else {
		out = VFY_ADDRESS;
		goto out;
	}
	/* 11. atomic store update: compare-and-set on the counter, seed rotation */
	memset(&kn, 0, sizeof(kn));
	memset(&res, 0, sizeof(res));
	kn.aid = c->aid;
	memcpy(kn.used_key_id, key_id, SPA_KEYID_LEN);
	kn.counter = p.counter;
	memcpy(kn.new_seed, p.new_seed, sizeof(kn.new_seed));
	kn.change_seeds = v->change_seeds;
	memcpy(kn.src_ip, src, 16);
	memcpy(kn.ip, grant_ip, 16);
	kn.port = p.port;
	kn.source_port = p.source_port;
	kn.protocol = p.protocol;
	kn.gateway = v->gateway;
	if (v->store_down) {
		spa_wipe(&kn, sizeof(kn));
		out = VFY_STORE;
		goto out;
	}
	r = store_knock(v->st, &kn, &res);
	spa_wipe(&kn, sizeof(kn));
	if (r == SPA_ERR_STORE_RACE) {
		out = VFY_RACE;
		goto out;
	}
	if (r == SPA_ERR_STORE_CONNECT) {
		/* logged once here; main.c reconnects with backoff and says when it is back */
		v->store_down = 1;
		log_msg(LOG_ERR, "event=store_down error=\"%s\" note=\"knocks are refused until the "
		    "store is back\"", store_errmsg(v->st));
		out = VFY_STORE;
		goto out;
	}
	if (r != 0) {
		log_msg(LOG_ERR, "event=store_error aid=%s error=\"%s\"", c->aid, store_errmsg(v->st));
		out = VFY_STORE;
		goto out;
	}
	c->counter = p.counter;
	rotated = res.rotated;
	if (rotated && idx_rekey(v->ix, c, res.seed, res.has_prev, res.prev_seed) != 0)
		log_msg(LOG_ERR, "event=rekey_failed aid=%s", c->aid);
	spa_wipe(&res, sizeof(res));
	/* 12. firewall grant, then the grant record */
	memset(&g, 0, sizeof(g));
	memcpy(g.aid, c->aid, sizeof(g.aid));
	snprintf(g.users, sizeof(g.users), "%s", idx_users(c));
	memcpy(g.t.src, grant_ip, 16);
	g.t.sport = p.source_port;
	g.t.dport = p.port;
	g.t.proto = p.protocol;
	g.created = now;
	g.expires = now + v->open_timeout;
	fw_tuple_format(&g.t, tup, sizeof(tup));
	if (fw_grant(v->fw, &g.t, c->aid, v->open_timeout, err, sizeof(err)) != 0) {
		log_msg(LOG_ERR, "event=firewall_error aid=%s grant=%s error=\"%s\"", c->aid, tup, err);
		out = VFY_FIREWALL;
		goto out;
	}
	memset(&sg, 0, sizeof(sg));
	memcpy(sg.aid, c->aid, sizeof(sg.aid));
	memcpy(sg.ip, grant_ip, 16);
	sg.source_port = p.source_port;
	sg.port = p.port;
	sg.protocol = p.protocol;
	sg.created = g.created;
	sg.expires = g.expires;
	snprintf(sg.gateway, sizeof(sg.gateway), "%s", v->gateway != NULL ? v->gateway : "");
	if (store_grant_add(v->st, &sg) == 0)
		g.store_id = sg.id;
	if (grant_add(v->gt, &g) != 0)
		log_msg(LOG_ERR, "event=grant_record_failed aid=%s", c->aid);
	fw_addr_format(src, a, sizeof(a));
	log_msg(LOG_INFO, "event=accept aid=%s src=%s grant=%s timeout=%u seed=%s%s", c->aid, a, tup,
	    v->open_timeout, rotated ? "rotated" : "kept", prev ? " under=prev_seed" : "");
	out = VFY_ACCEPTED;
out:
	spa_keys_wipe(&k);
	spa_payload_wipe(&p);
	spa_wipe(ver, sizeof(ver));
	return count(v, out, now_ms, c, src);
}
