/*
 * spa_pkt.c - the spa/1 codec (DESIGN.md "Wire format, version 1").
 *
 * Everything goes through struct spa_buf; the only fixed offsets are the
 * ones the wire format names (the AAD is bytes 0..28).  Nothing allocates.
 */
#include "config.h"

#include <string.h>

#include "spa_buf.h"
#include "spa_err.h"
#include "spa_pkt.h"

static const char info_keyid[] = "spa/1 key-id";
static const char info_enc[] = "spa/1 enc";
static const char info_hotp[] = "spa/1 hotp";

int
spa_key_id(const uint8_t seed[SPA_SEED_LEN], uint8_t key_id[SPA_KEYID_LEN])
{
	return spa_hkdf_sha256(seed, SPA_SEED_LEN, NULL, 0, info_keyid, sizeof(info_keyid) - 1,
	    key_id, SPA_KEYID_LEN);
}

int
spa_keys_derive(const uint8_t seed[SPA_SEED_LEN], struct spa_keys *k)
{
	int r;

	if ((r = spa_key_id(seed, k->key_id)) != SPA_OK ||
	    (r = spa_hkdf_sha256(seed, SPA_SEED_LEN, NULL, 0, info_enc, sizeof(info_enc) - 1,
	    k->enc, sizeof(k->enc))) != SPA_OK ||
	    (r = spa_hkdf_sha256(seed, SPA_SEED_LEN, NULL, 0, info_hotp, sizeof(info_hotp) - 1,
	    k->hotp, sizeof(k->hotp))) != SPA_OK)
		spa_keys_wipe(k);
	return r;
}

void
spa_keys_wipe(struct spa_keys *k)
{
	spa_wipe(k, sizeof(*k));
}

void
spa_payload_wipe(struct spa_payload *p)
{
	spa_wipe(p, sizeof(*p));
}

int
spa_payload_encode(const struct spa_payload *p, uint8_t out[SPA_PAYLOAD_LEN])
{
	struct spa_buf b;
	int r;

	spa_buf_init(&b, out, SPA_PAYLOAD_LEN);
	if ((r = spa_buf_put_bytes(&b, p->aid, sizeof(p->aid))) != SPA_OK ||
	    (r = spa_buf_put_bytes(&b, p->password, sizeof(p->password))) != SPA_OK ||
	    (r = spa_buf_put_u32(&b, p->random)) != SPA_OK ||
	    (r = spa_buf_put_u64(&b, p->timestamp)) != SPA_OK ||
	    (r = spa_buf_put_u64(&b, p->counter)) != SPA_OK ||
	    (r = spa_buf_put_u32(&b, p->hotp)) != SPA_OK ||
	    (r = spa_buf_put_bytes(&b, p->new_seed, sizeof(p->new_seed))) != SPA_OK ||
	    (r = spa_buf_put_bytes(&b, p->ip, sizeof(p->ip))) != SPA_OK ||
	    (r = spa_buf_put_u16(&b, p->port)) != SPA_OK ||
	    (r = spa_buf_put_u16(&b, p->source_port)) != SPA_OK ||
	    (r = spa_buf_put_u8(&b, p->protocol)) != SPA_OK ||
	    (r = spa_buf_put_bytes(&b, p->reserved, sizeof(p->reserved))) != SPA_OK)
		return r;
	return b.pos == SPA_PAYLOAD_LEN ? SPA_OK : SPA_ERR_INTERNAL;
}

int
spa_payload_decode(const uint8_t *in, size_t len, struct spa_payload *p)
{
	struct spa_buf b;
	int r;

	if (len != SPA_PAYLOAD_LEN)
		return SPA_ERR_BUF_SHORT;
	spa_buf_init_ro(&b, in, len);
	if ((r = spa_buf_get_bytes(&b, p->aid, sizeof(p->aid))) != SPA_OK ||
	    (r = spa_buf_get_bytes(&b, p->password, sizeof(p->password))) != SPA_OK ||
	    (r = spa_buf_get_u32(&b, &p->random)) != SPA_OK ||
	    (r = spa_buf_get_u64(&b, &p->timestamp)) != SPA_OK ||
	    (r = spa_buf_get_u64(&b, &p->counter)) != SPA_OK ||
	    (r = spa_buf_get_u32(&b, &p->hotp)) != SPA_OK ||
	    (r = spa_buf_get_bytes(&b, p->new_seed, sizeof(p->new_seed))) != SPA_OK ||
	    (r = spa_buf_get_bytes(&b, p->ip, sizeof(p->ip))) != SPA_OK ||
	    (r = spa_buf_get_u16(&b, &p->port)) != SPA_OK ||
	    (r = spa_buf_get_u16(&b, &p->source_port)) != SPA_OK ||
	    (r = spa_buf_get_u8(&b, &p->protocol)) != SPA_OK ||
	    (r = spa_buf_get_bytes(&b, p->reserved, sizeof(p->reserved))) != SPA_OK) {
		spa_payload_wipe(p);
		return r;
	}
	return SPA_OK;
}

int
spa_pkt_encode(const struct spa_keys *k, const uint8_t nonce[SPA_NONCE_LEN],
    const struct spa_payload *p, uint8_t out[SPA_PKT_LEN])
{
	uint8_t pt[SPA_PAYLOAD_LEN];
	struct spa_buf b;
	uint8_t *ct, *tag;
	int r;

	spa_buf_init(&b, out, SPA_PKT_LEN);
	if ((r = spa_buf_put_u8(&b, SPA_PKT_VERSION)) != SPA_OK ||
	    (r = spa_buf_put_bytes(&b, k->key_id, SPA_KEYID_LEN)) != SPA_OK ||
	    (r = spa_buf_put_bytes(&b, nonce, SPA_NONCE_LEN)) != SPA_OK)
		goto out;
	/* The rest is filled in place by GCM; claim it through the buffer so it is bounds-checked. */
	ct = b.data + b.pos;
	if ((r = spa_buf_put_zero(&b, SPA_PAYLOAD_LEN)) != SPA_OK)
		goto out;
	tag = b.data + b.pos;
	if ((r = spa_buf_put_zero(&b, SPA_TAG_LEN)) != SPA_OK)
		goto out;
	if ((r = spa_payload_encode(p, pt)) != SPA_OK)
		goto out;
	r = spa_gcm_seal(k->enc, nonce, out, SPA_AAD_LEN, pt, SPA_PAYLOAD_LEN, ct, tag);
out:
	spa_wipe(pt, sizeof(pt));
	if (r != SPA_OK)
		memset(out, 0, SPA_PKT_LEN);
	return r;
}

int
spa_pkt_check(const uint8_t *pkt, size_t len, const uint8_t **key_id)
{
	if (pkt == NULL || len != SPA_PKT_LEN)
		return SPA_ERR_PKT_LENGTH;
	if (pkt[0] != SPA_PKT_VERSION)
		return SPA_ERR_PKT_VERSION;
	if (key_id != NULL)
		*key_id = pkt + SPA_PKT_OFF_KEYID;
	return SPA_OK;
}

int
spa_aid_valid(const char *aid)
{
	size_t i, n = strnlen(aid, SPA_AID_LEN + 1);

	if (n == 0 || n > SPA_AID_LEN)
		return SPA_ERR_PKT_AID_FORMAT;
	for (i = 0; i < n; i++)
		if (aid[i] < 0x21 || aid[i] > 0x7e)
			return SPA_ERR_PKT_AID_FORMAT;
	return SPA_OK;
}

int
spa_aid_string(const struct spa_payload *p, char out[SPA_AID_LEN + 1])
{
	size_t n = 0, i;

	while (n < SPA_AID_LEN && p->aid[n] != '\0')
		n++;
	/* NUL padding must be all NUL: "ab\0c" is not an AID. */
	for (i = n; i < SPA_AID_LEN; i++)
		if (p->aid[i] != '\0')
			return SPA_ERR_PKT_AID_FORMAT;
	memcpy(out, p->aid, n);
	out[n] = '\0';
	return spa_aid_valid(out);
}

int
spa_aid_set(struct spa_payload *p, const char *aid)
{
	int r;

	if ((r = spa_aid_valid(aid)) != SPA_OK)
		return r;
	memset(p->aid, 0, sizeof(p->aid));
	memcpy(p->aid, aid, strlen(aid));
	return SPA_OK;
}

int
spa_pkt_open(const struct spa_keys *k, const uint8_t *pkt, size_t len, struct spa_payload *p)
{
	uint8_t pt[SPA_PAYLOAD_LEN];
	char aid[SPA_AID_LEN + 1];
	const uint8_t *key_id, *nonce, *ct, *tag;
	struct spa_buf b;
	int r;

	memset(p, 0, sizeof(*p));
	if ((r = spa_pkt_check(pkt, len, &key_id)) != SPA_OK)
		return r;
	spa_buf_init_ro(&b, pkt, len);
	if ((r = spa_buf_skip(&b, 1 + SPA_KEYID_LEN)) != SPA_OK ||
	    (r = spa_buf_get_ptr(&b, &nonce, SPA_NONCE_LEN)) != SPA_OK ||
	    (r = spa_buf_get_ptr(&b, &ct, SPA_PAYLOAD_LEN)) != SPA_OK ||
	    (r = spa_buf_get_ptr(&b, &tag, SPA_TAG_LEN)) != SPA_OK)
		return SPA_ERR_PKT_LENGTH;
	r = spa_gcm_open(k->enc, nonce, pkt, SPA_AAD_LEN, ct, SPA_PAYLOAD_LEN, tag, pt);
	if (r != SPA_OK) {
		r = r == SPA_ERR_AUTH ? SPA_ERR_PKT_TAG : r;
		goto out;
	}
	if ((r = spa_payload_decode(pt, sizeof(pt), p)) != SPA_OK)
		goto out;
	if (!spa_is_zero(p->reserved, sizeof(p->reserved)))
		r = SPA_ERR_PKT_RESERVED;
	else if (p->protocol != SPA_PROTO_TCP && p->protocol != SPA_PROTO_UDP)
		r = SPA_ERR_PKT_PROTOCOL;
	else
		r = spa_aid_string(p, aid);
out:
	spa_wipe(pt, sizeof(pt));
	if (r != SPA_OK)
		spa_payload_wipe(p);
	return r;
}
