/* test_spad_idx.c - the client index: lookup by current and previous key_id, rekey, carry. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "spa_crypto.h"
#include "spa_pkt.h"
#include "idx.h"
#include "store.h"

#define N 500

static struct store_client *
clients(void)
{
	struct store_client *c = calloc(N, sizeof(*c));
	size_t i;

	assert_non_null(c);
	for (i = 0; i < N; i++) {
		snprintf(c[i].aid, sizeof(c[i].aid), "client%04zu", i);
		strcpy(c[i].users, "*");
		c[i].enabled = (i % 10) != 9;	/* every tenth disabled */
		assert_int_equal(spa_seed_generate(c[i].seed), 0);
		assert_int_equal(spa_key_id(c[i].seed, c[i].key_id), 0);
		if (i % 2 == 0) {
			c[i].has_prev = 1;
			assert_int_equal(spa_seed_generate(c[i].prev_seed), 0);
			assert_int_equal(spa_key_id(c[i].prev_seed, c[i].prev_key_id), 0);
		}
		c[i].nports = 1 + i % 6;	/* some inline, some spilled */
		for (size_t p = 0; p < c[i].nports; p++) {
			c[i].ports[p].proto = 6;
			c[i].ports[p].port = (uint16_t)(22 + p);
		}
		c[i].counter = i;
	}
	return c;
}

static void
test_lookup(void **state)
{
	struct store_client *c = clients();
	struct idx *ix;
	struct idx_client *e;
	uint8_t unknown[SPA_KEYID_LEN] = { 1, 2, 3 };
	size_t i, n;
	int prev;

	(void)state;
	assert_int_equal(idx_build(c, N, &ix), 0);
	assert_int_equal(idx_count(ix), N - N / 10);
	for (i = 0; i < N; i++) {
		e = idx_lookup(ix, c[i].key_id, &prev);
		if (!c[i].enabled) {
			assert_null(e);
			continue;
		}
		assert_non_null(e);
		assert_string_equal(e->aid, c[i].aid);
		assert_int_equal(prev, 0);
		assert_int_equal(e->counter, i);
		idx_ports(e, &n);
		assert_int_equal(n, c[i].nports);
		assert_int_equal(idx_ports(e, &n)[n - 1].port, 22 + n - 1);
		if (c[i].has_prev) {
			assert_ptr_equal(idx_lookup(ix, c[i].prev_key_id, &prev), e);
			assert_int_equal(prev, 1);
		}
	}
	assert_null(idx_lookup(ix, unknown, &prev));
	assert_true(sizeof(struct idx_client) <= 256);
	/* one users + ports policy per distinct port list (six of them), shared */
	assert_int_equal(idx_policies(ix), 6);
	assert_string_equal(idx_users(idx_lookup(ix, c[0].key_id, &prev)), "*");
	assert_ptr_equal(idx_lookup(ix, c[0].key_id, &prev)->pol,
	    idx_lookup(ix, c[6].key_id, &prev)->pol);
	idx_free(ix);
	store_clients_free(c, N);
}

static void
test_rekey(void **state)
{
	struct store_client *c = clients();
	uint8_t s1[SPA_SEED_LEN], k1[SPA_KEYID_LEN];
	struct idx *ix;
	struct idx_client *e;
	size_t i;
	int prev;

	(void)state;
	assert_int_equal(idx_build(c, N, &ix), 0);
	/* rotate every enabled client: old key_id becomes prev, fresh one current */
	for (i = 0; i < N; i++) {
		if (!c[i].enabled)
			continue;
		e = idx_lookup(ix, c[i].key_id, &prev);
		assert_non_null(e);
		assert_int_equal(spa_seed_generate(s1), 0);
		assert_int_equal(idx_rekey(ix, e, s1, 1, c[i].seed), 0);
		assert_int_equal(spa_key_id(s1, k1), 0);
		assert_ptr_equal(idx_lookup(ix, k1, &prev), e);
		assert_int_equal(prev, 0);
		assert_ptr_equal(idx_lookup(ix, c[i].key_id, &prev), e);
		assert_int_equal(prev, 1);
		if (c[i].has_prev)
			assert_null(idx_lookup(ix, c[i].prev_key_id, &prev));
	}
	/* every other client still found after all the moves */
	for (i = 0; i < N; i++)
		if (c[i].enabled)
			assert_non_null(idx_lookup(ix, c[i].key_id, &prev));
	idx_free(ix);
	store_clients_free(c, N);
}

static void
test_carry(void **state)
{
	struct store_client *c = clients();
	struct idx *a, *b;
	struct idx_client *e;
	int prev;

	(void)state;
	assert_int_equal(idx_build(c, N, &a), 0);
	e = idx_lookup(a, c[0].key_id, &prev);
	e->counter = 1000;
	assert_non_null(idx_extra(e));
	e->x->replay[0].random = 77;
	e->x->replay[0].time = 5;
	assert_int_equal(idx_build(c, N, &b), 0);
	idx_carry(b, a);
	e = idx_lookup(b, c[0].key_id, &prev);
	assert_int_equal(e->counter, 1000);
	assert_int_equal(e->x->replay[0].random, 77);
	idx_free(a);
	idx_free(b);
	store_clients_free(c, N);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_rekey),
		cmocka_unit_test(test_carry),
	};
	return cmocka_run_group_tests_name("spad_idx", tests, NULL, NULL);
}
