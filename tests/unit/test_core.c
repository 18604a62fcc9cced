/*
 * test_core.c - the codec's refusals (tampering, lengths, version, reserved,
 * protocol, AID), the bounded buffer, HKDF/GCM/seal, hex and error strings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "spa_buf.h"
#include "spa_crypto.h"
#include "spa_err.h"
#include "spa_pkt.h"

static struct spa_keys keys;
static struct spa_payload base;
static uint8_t good[SPA_PKT_LEN];
static const uint8_t nonce[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

static int
setup(void **state)
{
	uint8_t seed[32];
	size_t i;

	for (i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(0x40 + i);
	if (spa_keys_derive(seed, &keys) != SPA_OK)
		return -1;
	memset(&base, 0, sizeof(base));
	spa_aid_set(&base, "0123456789abcdef0123456789abcdef");
	base.counter = 7;
	base.timestamp = 1796300000;
	base.port = 22;
	base.protocol = SPA_PROTO_TCP;
	return spa_pkt_encode(&keys, nonce, &base, good);
}

static void
test_roundtrip(void **state)
{
	struct spa_payload p;

	assert_int_equal(spa_pkt_open(&keys, good, sizeof(good), &p), SPA_OK);
	assert_memory_equal(&p, &base, sizeof(p));
}

/* Flipping any single bit of any byte makes the datagram fail, with the error its position implies. */
static void
test_tamper_every_byte(void **state)
{
	uint8_t pkt[SPA_PKT_LEN];
	struct spa_payload p;
	size_t i;
	int bit, r;

	for (i = 0; i < SPA_PKT_LEN; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(pkt, good, sizeof(pkt));
			pkt[i] ^= (uint8_t)(1u << bit);
			r = spa_pkt_open(&keys, pkt, sizeof(pkt), &p);
			if (i == 0)
				assert_int_equal(r, SPA_ERR_PKT_VERSION);
			else
				assert_int_equal(r, SPA_ERR_PKT_TAG);
			/* A failed open leaves nothing behind. */
			assert_true(spa_is_zero(&p, sizeof(p)));
		}
	}
}

static void
test_wrong_key(void **state)
{
	uint8_t seed[32] = { 0 };
	struct spa_keys other;
	struct spa_payload p;

	assert_int_equal(spa_keys_derive(seed, &other), SPA_OK);
	assert_int_equal(spa_pkt_open(&other, good, sizeof(good), &p), SPA_ERR_PKT_TAG);
}

static void
test_lengths(void **state)
{
	uint8_t big[SPA_PKT_LEN + 64];
	struct spa_payload p;
	const uint8_t *kid;
	size_t n;

	for (n = 0; n < SPA_PKT_LEN; n++) {
		assert_int_equal(spa_pkt_check(good, n, &kid), SPA_ERR_PKT_LENGTH);
		assert_int_equal(spa_pkt_open(&keys, good, n, &p), SPA_ERR_PKT_LENGTH);
	}
	memset(big, 0, sizeof(big));
	memcpy(big, good, sizeof(good));
	for (n = SPA_PKT_LEN + 1; n <= sizeof(big); n++)
		assert_int_equal(spa_pkt_open(&keys, big, n, &p), SPA_ERR_PKT_LENGTH);
	assert_int_equal(spa_pkt_check(NULL, SPA_PKT_LEN, &kid), SPA_ERR_PKT_LENGTH);
	assert_int_equal(spa_pkt_check(good, SPA_PKT_LEN, &kid), SPA_OK);
	assert_ptr_equal(kid, good + 1);
}

static void
test_version(void **state)
{
	uint8_t pkt[SPA_PKT_LEN];
	struct spa_payload p;
	unsigned v;

	memcpy(pkt, good, sizeof(pkt));
	for (v = 0; v < 256; v++) {
		if (v == 1)
			continue;
		pkt[0] = (uint8_t)v;
		assert_int_equal(spa_pkt_check(pkt, sizeof(pkt), NULL), SPA_ERR_PKT_VERSION);
		assert_int_equal(spa_pkt_open(&keys, pkt, sizeof(pkt), &p), SPA_ERR_PKT_VERSION);
	}
}

/* Authentic datagrams whose content is malformed are refused after opening. */
static void
test_bad_content(void **state)
{
	uint8_t pkt[SPA_PKT_LEN];
	struct spa_payload q, p;
	int i;

	for (i = 0; i < 3; i++) {
		q = base;
		q.reserved[i] = 0x80;
		assert_int_equal(spa_pkt_encode(&keys, nonce, &q, pkt), SPA_OK);
		assert_int_equal(spa_pkt_open(&keys, pkt, sizeof(pkt), &p), SPA_ERR_PKT_RESERVED);
	}
	q = base;
	q.protocol = 1;
	assert_int_equal(spa_pkt_encode(&keys, nonce, &q, pkt), SPA_OK);
	assert_int_equal(spa_pkt_open(&keys, pkt, sizeof(pkt), &p), SPA_ERR_PKT_PROTOCOL);
	q.protocol = SPA_PROTO_UDP;
	assert_int_equal(spa_pkt_encode(&keys, nonce, &q, pkt), SPA_OK);
	assert_int_equal(spa_pkt_open(&keys, pkt, sizeof(pkt), &p), SPA_OK);
	/* An AID with junk after its NUL padding, an empty AID, a control character. */
	q = base;
	memset(q.aid, 0, sizeof(q.aid));
	memcpy(q.aid, "ab\0c", 4);
	assert_int_equal(spa_pkt_encode(&keys, nonce, &q, pkt), SPA_OK);
	assert_int_equal(spa_pkt_open(&keys, pkt, sizeof(pkt), &p), SPA_ERR_PKT_AID_FORMAT);
	memset(q.aid, 0, sizeof(q.aid));
	assert_int_equal(spa_pkt_encode(&keys, nonce, &q, pkt), SPA_OK);
	assert_int_equal(spa_pkt_open(&keys, pkt, sizeof(pkt), &p), SPA_ERR_PKT_AID_FORMAT);
	memcpy(q.aid, "a\nb", 3);
	assert_int_equal(spa_pkt_encode(&keys, nonce, &q, pkt), SPA_OK);
	assert_int_equal(spa_pkt_open(&keys, pkt, sizeof(pkt), &p), SPA_ERR_PKT_AID_FORMAT);
}

static void
test_aid(void **state)
{
	struct spa_payload p;
	char s[SPA_AID_LEN + 1];

	assert_int_equal(spa_aid_set(&p, ""), SPA_ERR_PKT_AID_FORMAT);
	assert_int_equal(spa_aid_set(&p, "0123456789abcdef0123456789abcdef0"), SPA_ERR_PKT_AID_FORMAT);
	assert_int_equal(spa_aid_set(&p, "has space"), SPA_ERR_PKT_AID_FORMAT);
	assert_int_equal(spa_aid_set(&p, "0123456789abcdef0123456789abcdef"), SPA_OK);
	assert_int_equal(spa_aid_string(&p, s), SPA_OK);
	assert_string_equal(s, "0123456789abcdef0123456789abcdef");
	assert_int_equal(spa_aid_set(&p, "a"), SPA_OK);
	assert_int_equal(spa_aid_string(&p, s), SPA_OK);
	assert_string_equal(s, "a");
}

static void
test_buf_bounds(void **state)
{
	uint8_t mem[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, out[9];
	struct spa_buf b;
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;

	spa_buf_init_ro(&b, mem, 7);
	assert_int_equal(spa_buf_get_u64(&b, &v64), SPA_ERR_BUF_SHORT);
	assert_int_equal(b.pos, 0);
	assert_int_equal(spa_buf_get_u32(&b, &v32), SPA_OK);
	assert_int_equal(v32, 0x01020304);
	assert_int_equal(spa_buf_get_u32(&b, &v32), SPA_ERR_BUF_SHORT);
	assert_int_equal(spa_buf_get_u16(&b, &v16), SPA_OK);
	assert_int_equal(v16, 0x0506);
	assert_int_equal(spa_buf_get_bytes(&b, out, 2), SPA_ERR_BUF_SHORT);
	assert_int_equal(spa_buf_left(&b), 1);
	assert_int_equal(spa_buf_put_u8(&b, 9), SPA_ERR_BUF_RDONLY);
	assert_int_equal(spa_buf_skip(&b, 1), SPA_OK);
	assert_int_equal(spa_buf_skip(&b, 1), SPA_ERR_BUF_SHORT);

	spa_buf_init(&b, out, 9);
	assert_int_equal(spa_buf_put_u64(&b, 0x1122334455667788ULL), SPA_OK);
	assert_int_equal(out[0], 0x11);
	assert_int_equal(out[7], 0x88);
	assert_int_equal(spa_buf_put_u16(&b, 1), SPA_ERR_BUF_FULL);
	assert_int_equal(spa_buf_put_zero(&b, 2), SPA_ERR_BUF_FULL);
	assert_int_equal(spa_buf_put_u8(&b, 0xee), SPA_OK);
	assert_int_equal(spa_buf_put_bytes(&b, "x", 1), SPA_ERR_BUF_FULL);
	assert_int_equal(out[8], 0xee);
	spa_buf_init(&b, NULL, 100);
	assert_int_equal(spa_buf_put_u8(&b, 1), SPA_ERR_BUF_FULL);
}

/* RFC 5869 A.1 (HKDF-SHA256 with salt and info) and A.3 (empty salt and info). */
static void
test_hkdf(void **state)
{
	uint8_t ikm[22], salt[13], info[10], okm[42], want[42];
	size_t i;

	memset(ikm, 0x0b, sizeof(ikm));
	for (i = 0; i < sizeof(salt); i++)
		salt[i] = (uint8_t)i;
	for (i = 0; i < sizeof(info); i++)
		info[i] = (uint8_t)(0xf0 + i);
	assert_int_equal(spa_hkdf_sha256(ikm, 22, salt, 13, info, 10, okm, 42), SPA_OK);
	assert_int_equal(spa_hex_decode("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
	    "34007208d5b887185865", want, 42), SPA_OK);
	assert_memory_equal(okm, want, 42);
	assert_int_equal(spa_hkdf_sha256(ikm, 22, NULL, 0, "", 0, okm, 42), SPA_OK);
	assert_int_equal(spa_hex_decode("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
	    "9d201395faa4b61a96c8", want, 42), SPA_OK);
	assert_memory_equal(okm, want, 42);
}

static void
test_seal(void **state)
{
	uint8_t key[32] = { 7 }, pt[32], blob[32 + SPA_SEAL_OVERHEAD], out[32];
	size_t i;

	memset(pt, 0xa5, sizeof(pt));
	assert_int_equal(spa_seal(key, "aid:seed", 8, pt, 32, blob, sizeof(blob) - 1), SPA_ERR_BUF_FULL);
	assert_int_equal(spa_seal(key, "aid:seed", 8, pt, 32, blob, sizeof(blob)), SPA_OK);
	assert_int_equal(spa_unseal(key, "aid:seed", 8, blob, sizeof(blob), out, sizeof(out)), SPA_OK);
	assert_memory_equal(out, pt, 32);
	/* Bound to its owner: another AAD, another key or any flipped byte fails. */
	assert_int_equal(spa_unseal(key, "aid:prev", 8, blob, sizeof(blob), out, sizeof(out)), SPA_ERR_AUTH);
	key[0] ^= 1;
	assert_int_equal(spa_unseal(key, "aid:seed", 8, blob, sizeof(blob), out, sizeof(out)), SPA_ERR_AUTH);
	key[0] ^= 1;
	for (i = 0; i < sizeof(blob); i++) {
		blob[i] ^= 0x10;
		assert_int_equal(spa_unseal(key, "aid:seed", 8, blob, sizeof(blob), out, sizeof(out)),
		    SPA_ERR_AUTH);
		blob[i] ^= 0x10;
	}
	assert_int_equal(spa_unseal(key, "aid:seed", 8, blob, SPA_SEAL_OVERHEAD - 1, out, sizeof(out)),
	    SPA_ERR_BUF_SHORT);
	assert_int_equal(spa_unseal(key, "aid:seed", 8, blob, sizeof(blob), out, 31), SPA_ERR_BUF_FULL);
}

static void
test_hex(void **state)
{
	uint8_t b[4] = { 0x00, 0xab, 0xff, 0x10 }, d[4];
	char s[9];

	assert_int_equal(spa_hex_encode(b, 4, s, 8), SPA_ERR_BUF_FULL);
	assert_int_equal(spa_hex_encode(b, 4, s, 9), SPA_OK);
	assert_string_equal(s, "00abff10");
	assert_int_equal(spa_hex_decode("00ABff10", d, 4), SPA_OK);
	assert_memory_equal(d, b, 4);
	assert_int_equal(spa_hex_decode("00abff1", d, 4), SPA_ERR_HEX);
	assert_int_equal(spa_hex_decode("00abff100", d, 4), SPA_ERR_HEX);
	assert_int_equal(spa_hex_decode("00abfg10", d, 4), SPA_ERR_HEX);
	assert_int_equal(spa_hex_decode("", d, 0), SPA_OK);
	assert_int_equal(spa_hex_decode(NULL, d, 4), SPA_ERR_HEX);
}

static void
test_ct_and_random(void **state)
{
	uint8_t a[32], b[32];

	assert_int_equal(spa_seed_generate(a), SPA_OK);
	assert_int_equal(spa_seed_generate(b), SPA_OK);
	assert_false(spa_ct_eq(a, b, 32));
	memcpy(b, a, 32);
	assert_true(spa_ct_eq(a, b, 32));
	b[31] ^= 1;
	assert_false(spa_ct_eq(a, b, 32));
	assert_false(spa_is_zero(a, 32));
	spa_wipe(a, 32);
	assert_true(spa_is_zero(a, 32));
}

static void
test_strerror(void **state)
{
	int c;

	for (c = 0; c >= -140; c--) {
		assert_non_null(spa_strerror(c));
		assert_non_null(spa_errname(c));
	}
	assert_string_equal(spa_errname(SPA_ERR_PKT_TAG), "SPA_ERR_PKT_TAG");
	assert_string_equal(spa_strerror(12345), "unknown error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_tamper_every_byte),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_bad_content),
		cmocka_unit_test(test_aid),
		cmocka_unit_test(test_buf_bounds),
		cmocka_unit_test(test_hkdf),
		cmocka_unit_test(test_seal),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_ct_and_random),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests_name("core", tests, setup, NULL);
}
