/*
 * test_vectors.c - the spa/1 known-answer vectors (tests/data/spa1-vectors.txt,
 * a copy of the design's vectors) and RFC 4226 appendix D, byte for byte.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "spa_crypto.h"
#include "spa_err.h"
#include "spa_pkt.h"
#include <arpa/inet.h>
#include "vectors.h"

static struct vec_block blocks[VEC_MAX_BLOCKS];
static int nblocks;

static int
setup(void **state)
{
	nblocks = vec_read(SPA_TEST_DATA "/spa1-vectors.txt", blocks, VEC_MAX_BLOCKS);
	return nblocks > 0 ? 0 : -1;
}

static const char *
need(const struct vec_block *b, const char *key)
{
	const char *v = vec_get(b, key);

	if (v == NULL)
		fail_msg("vector lacks '%s'", key);
	return v;
}

static void
hex(const struct vec_block *b, const char *key, uint8_t *out, size_t len)
{
	assert_int_equal(spa_hex_decode(need(b, key), out, len), SPA_OK);
}

static uint64_t
num(const struct vec_block *b, const char *key)
{
	return strtoull(need(b, key), NULL, 10);
}

/* Text address to the wire's 16 bytes: "" is all zero, IPv4 is ::ffff:a.b.c.d. */
static void
ip16(const char *text, uint8_t out[16])
{
	memset(out, 0, 16);
	if (*text == '\0')
		return;
	if (inet_pton(AF_INET, text, out + 12) == 1) {
		out[10] = out[11] = 0xff;
		return;
	}
	assert_int_equal(inet_pton(AF_INET6, text, out), 1);
}

/* The payload a block describes (password field from the listed password_key). */
static void
fields(const struct vec_block *b, struct spa_payload *p)
{
	memset(p, 0, sizeof(*p));
	assert_int_equal(spa_aid_set(p, need(b, "aid")), SPA_OK);
	hex(b, "password_key", p->password, sizeof(p->password));
	p->random = (uint32_t)strtoul(need(b, "random"), NULL, 16);
	p->timestamp = num(b, "timestamp");
	p->counter = num(b, "counter");
	p->hotp = (uint32_t)num(b, "hotp");
	hex(b, "new_seed", p->new_seed, sizeof(p->new_seed));
	ip16(need(b, "ip"), p->ip);
	p->port = (uint16_t)num(b, "port");
	p->source_port = (uint16_t)num(b, "source_port");
	p->protocol = (uint8_t)num(b, "protocol");
}

static void
test_block_count(void **state)
{
	int i, packets = 0;

	for (i = 0; i < nblocks; i++)
		packets += vec_get(&blocks[i], "packet") != NULL;
	assert_true(packets >= 3);
	assert_non_null(vec_get(&blocks[0], "hotp8"));
}

static void
test_rfc4226(void **state)
{
	static const uint8_t secret[] = "12345678901234567890";
	static const uint32_t want6[] = { 755224, 287082, 359152, 969429, 338314, 254676, 287922,
	    162583, 399871, 520489 };
	const char *list = need(&blocks[0], "hotp8");
	uint32_t code;
	char *end;
	uint64_t c;

	for (c = 0; c < 10; c++) {
		unsigned long want = strtoul(list, &end, 10);

		assert_ptr_not_equal(end, list);
		list = end;
		assert_int_equal(spa_hotp(secret, 20, c, 8, &code), SPA_OK);
		assert_int_equal(code, want);
		/* RFC 4226 appendix D lists the 6-digit values. */
		assert_int_equal(spa_hotp(secret, 20, c, 6, &code), SPA_OK);
		assert_int_equal(code, want6[c]);
	}
	assert_int_equal(spa_hotp(secret, 20, 0, 5, &code), SPA_ERR_INVALID);
	assert_int_equal(spa_hotp(secret, 20, 0, 10, &code), SPA_ERR_INVALID);
}

static void
test_derivations(void **state)
{
	uint8_t seed[32], want[32], got[32];
	struct spa_keys k;
	uint32_t code;
	int i;

	for (i = 0; i < nblocks; i++) {
		const struct vec_block *b = &blocks[i];
		const char *pw;

		if (vec_get(b, "packet") == NULL)
			continue;
		hex(b, "seed", seed, 32);
		assert_int_equal(spa_keys_derive(seed, &k), SPA_OK);
		hex(b, "key_id", want, 16);
		assert_memory_equal(k.key_id, want, 16);
		assert_int_equal(spa_key_id(seed, got), SPA_OK);
		assert_memory_equal(got, want, 16);
		assert_int_equal(spa_hotp(k.hotp, sizeof(k.hotp), num(b, "counter"), 8, &code), SPA_OK);
		assert_int_equal(code, num(b, "hotp"));
		pw = need(b, "password");
		assert_int_equal(spa_password_key(pw, strlen(pw), need(b, "aid"), got), SPA_OK);
		hex(b, "password_key", want, 32);
		assert_memory_equal(got, want, 32);
	}
}

static void
test_encode(void **state)
{
	uint8_t seed[32], nonce[12], want[SPA_PKT_LEN], out[SPA_PKT_LEN];
	struct spa_payload p;
	struct spa_keys k;
	int i, done = 0;

	for (i = 0; i < nblocks; i++) {
		const struct vec_block *b = &blocks[i];

		if (vec_get(b, "packet") == NULL)
			continue;
		hex(b, "seed", seed, 32);
		hex(b, "nonce", nonce, 12);
		hex(b, "packet", want, SPA_PKT_LEN);
		fields(b, &p);
		assert_int_equal(spa_keys_derive(seed, &k), SPA_OK);
		assert_int_equal(spa_pkt_encode(&k, nonce, &p, out), SPA_OK);
		assert_memory_equal(out, want, SPA_PKT_LEN);
		done++;
	}
	assert_true(done >= 3);
}

static void
test_decode(void **state)
{
	uint8_t seed[32], pkt[SPA_PKT_LEN];
	struct spa_payload want, got;
	char aid[SPA_AID_LEN + 1];
	const uint8_t *key_id;
	struct spa_keys k;
	int i;

	for (i = 0; i < nblocks; i++) {
		const struct vec_block *b = &blocks[i];

		if (vec_get(b, "packet") == NULL)
			continue;
		hex(b, "seed", seed, 32);
		hex(b, "packet", pkt, SPA_PKT_LEN);
		fields(b, &want);
		assert_int_equal(spa_keys_derive(seed, &k), SPA_OK);
		assert_int_equal(spa_pkt_check(pkt, sizeof(pkt), &key_id), SPA_OK);
		assert_memory_equal(key_id, k.key_id, 16);
		assert_int_equal(spa_pkt_open(&k, pkt, sizeof(pkt), &got), SPA_OK);
		assert_int_equal(spa_aid_string(&got, aid), SPA_OK);
		assert_string_equal(aid, need(b, "aid"));
		assert_memory_equal(got.password, want.password, 32);
		assert_int_equal(got.random, want.random);
		assert_int_equal(got.timestamp, want.timestamp);
		assert_int_equal(got.counter, want.counter);
		assert_int_equal(got.hotp, want.hotp);
		assert_memory_equal(got.new_seed, want.new_seed, 32);
		assert_memory_equal(got.ip, want.ip, 16);
		assert_int_equal(got.port, want.port);
		assert_int_equal(got.source_port, want.source_port);
		assert_int_equal(got.protocol, want.protocol);
		assert_memory_equal(&got, &want, sizeof(got));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_count),
		cmocka_unit_test(test_rfc4226),
		cmocka_unit_test(test_derivations),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_decode),
	};

	return cmocka_run_group_tests_name("vectors", tests, setup, NULL);
}
