/*
 * fuzz_pkt.c - libFuzzer target for the spa/1 codec under the keys of the
 * first shared test vector (seed 00 01 .. 1f).
 *
 * Every input goes through spa_pkt_check, spa_pkt_open and
 * spa_payload_decode as the daemon would see it.  A forged datagram never
 * gets past the GCM tag, so inputs of exactly 144 bytes are also taken as a
 * plaintext payload: decoded, sealed with spa_pkt_encode and opened again,
 * which drives the post-decryption checks (reserved, protocol, AID) and
 * checks the round trip.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spa_err.h"
#include "spa_pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct spa_keys keys;
static int have_keys;

static void
init_keys(void)
{
	uint8_t seed[SPA_SEED_LEN];
	size_t i;

	for (i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)i;
	if (spa_keys_derive(seed, &keys) != 0)
		abort();
	have_keys = 1;
}

static int
format_error(int rc)
{
	return rc == SPA_ERR_PKT_RESERVED || rc == SPA_ERR_PKT_PROTOCOL ||
	    rc == SPA_ERR_PKT_AID_FORMAT;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t nonce[SPA_NONCE_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	struct spa_payload p, p2;
	uint8_t pkt[SPA_PKT_LEN], enc1[SPA_PAYLOAD_LEN], enc2[SPA_PAYLOAD_LEN];
	char aid[SPA_AID_LEN + 1];
	const uint8_t *kid = NULL;
	int rc;

	if (!have_keys)
		init_keys();
	rc = spa_pkt_check(data, size, &kid);
	if (rc == 0 && (size != SPA_PKT_LEN || kid != data + 1))
		abort();
	rc = spa_pkt_open(&keys, data, size, &p);
	if (rc == 0) {
		if (spa_aid_string(&p, aid) != 0)
			abort();
	} else if (!spa_is_zero(&p, sizeof(p))) {
		abort();	/* a failed open must leave nothing behind */
	}
	rc = spa_payload_decode(data, size, &p);
	if ((rc == 0) != (size == SPA_PAYLOAD_LEN))
		abort();
	if (size != SPA_PAYLOAD_LEN || rc != 0)
		return 0;

	/* Round trip: plaintext -> datagram -> plaintext. */
	if (spa_payload_encode(&p, enc1) != 0 || memcmp(enc1, data, SPA_PAYLOAD_LEN) != 0)
		abort();
	if (spa_pkt_encode(&keys, nonce, &p, pkt) != 0)
		return 0;	/* encode may refuse a malformed payload */
	if (spa_pkt_check(pkt, sizeof(pkt), &kid) != 0 ||
	    memcmp(kid, keys.key_id, SPA_KEYID_LEN) != 0)
		abort();
	rc = spa_pkt_open(&keys, pkt, sizeof(pkt), &p2);
	if (rc == 0) {
		if (spa_payload_encode(&p2, enc2) != 0 || memcmp(enc1, enc2, sizeof(enc1)) != 0)
			abort();
	} else if (!format_error(rc)) {
		abort();
	}
	/* One flipped bit anywhere must fail the tag (or the header checks). */
	pkt[data[0] % SPA_PKT_LEN] ^= (uint8_t)(1u << (data[1] % 8));
	rc = spa_pkt_open(&keys, pkt, sizeof(pkt), &p2);
	if (rc == 0)
		abort();
	spa_payload_wipe(&p);
	spa_payload_wipe(&p2);
	return 0;
}
