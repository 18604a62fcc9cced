/* test_spad_grant.c - grant records (matching for pam_spa) and the fw helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "spa_util.h"
#include "fw.h"
#include "grant.h"

static void
test_users(void **state)
{
	(void)state;
	assert_true(grant_user_ok("*", "root"));
	assert_true(grant_user_ok("alice,bob", "bob"));
	assert_true(grant_user_ok("alice, bob", "alice"));
	assert_false(grant_user_ok("alice,bob", "ali"));
	assert_false(grant_user_ok("alice,bob", "alicebob"));
	assert_false(grant_user_ok("", "alice"));
	assert_false(grant_user_ok("alice", ""));
}

static void
test_match(void **state)
{
	struct grant_tab gt = { .keep = 60 };
	struct grant g;
	uint8_t a[16], other[16];

	(void)state;
	assert_int_equal(spa_ip_parse("10.0.0.2", a), 0);
	assert_int_equal(spa_ip_parse("10.0.0.3", other), 0);
	memset(&g, 0, sizeof(g));
	strcpy(g.aid, "alice");
	strcpy(g.users, "alice");
	memcpy(g.t.src, a, 16);
	g.t.sport = 5000;
	g.t.dport = 22;
	g.t.proto = 6;
	g.created = 1000;
	g.expires = 1030;
	assert_int_equal(grant_add(&gt, &g), 0);
	assert_non_null(grant_match(&gt, a, 5000, 22, 6, 1010, 0, NULL));
	assert_null(grant_match(&gt, a, 5001, 22, 6, 1010, 0, NULL));
	assert_null(grant_match(&gt, other, 5000, 22, 6, 1010, 0, NULL));
	assert_null(grant_match(&gt, a, 5000, 23, 6, 1010, 0, NULL));
	assert_null(grant_match(&gt, a, 5000, 22, 17, 1010, 0, NULL));
	assert_null(grant_match(&gt, a, 5000, 22, 6, 1100, 30, NULL));	/* older than max_age */
	g.t.sport = 0;					/* any source port */
	assert_int_equal(grant_add(&gt, &g), 0);
	assert_non_null(grant_match(&gt, a, 6000, 22, 6, 1010, 0, NULL));
	grant_mark_used(&gt, &g.t, 1011);
	assert_int_equal(grant_match(&gt, a, 6000, 22, 6, 1010, 0, NULL)->used, 1011);
	assert_int_equal(grant_expire(&gt, 1089), 0);
	assert_int_equal(grant_expire(&gt, 1091), 2);
	assert_int_equal(gt.n, 0);
	grant_free(&gt);
}

/* Two grants cover one connection: the one that allows the user wins, else the newest. */
static void
test_match_prefers_user(void **state)
{
	struct grant_tab gt = { .keep = 60 };
	struct grant g, *m;
	uint8_t a[16];

	(void)state;
	assert_int_equal(spa_ip_parse("10.0.0.2", a), 0);
	memset(&g, 0, sizeof(g));
	memcpy(g.t.src, a, 16);
	g.t.dport = 22;
	g.t.proto = 6;
	g.expires = 1030;
	strcpy(g.aid, "a-alice");
	strcpy(g.users, "alice");
	g.created = 1000;
	assert_int_equal(grant_add(&gt, &g), 0);
	strcpy(g.aid, "b-bob");
	strcpy(g.users, "bob");
	g.t.sport = 4000;
	g.created = 1005;
	assert_int_equal(grant_add(&gt, &g), 0);
	m = grant_match(&gt, a, 4000, 22, 6, 1010, 0, "alice");
	assert_non_null(m);
	assert_string_equal(m->aid, "a-alice");
	m = grant_match(&gt, a, 4000, 22, 6, 1010, 0, "bob");
	assert_string_equal(m->aid, "b-bob");
	m = grant_match(&gt, a, 4000, 22, 6, 1010, 0, "carol");	/* nobody's: the newest, to name */
	assert_string_equal(m->aid, "b-bob");
	m = grant_match(&gt, a, 4000, 22, 6, 1010, 0, NULL);
	assert_string_equal(m->aid, "b-bob");
	grant_free(&gt);
}

static void
test_nets(void **state)
{
	struct fw_opts o;
	uint8_t a[16];

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_int_equal(fw_nets_parse("10.0.0.0/8, 192.0.2.7 2001:db8::/32", &o), 0);
	assert_int_equal(o.nallowed, 3);
	assert_int_equal(o.allowed[0].plen, 104);
	assert_int_equal(o.allowed[1].plen, 128);
	assert_int_equal(spa_ip_parse("10.9.8.7", a), 0);
	assert_true(fw_net_match(&o.allowed[0], a));
	assert_false(fw_net_match(&o.allowed[1], a));
	assert_int_equal(spa_ip_parse("2001:db8:1::1", a), 0);
	assert_true(fw_net_match(&o.allowed[2], a));
	assert_int_not_equal(fw_nets_parse("10.0.0.1/8", &o), 0);	/* host bits set */
	assert_int_not_equal(fw_nets_parse("10.0.0.0/33", &o), 0);
	assert_int_not_equal(fw_nets_parse("nonsense", &o), 0);
	assert_true(fw_label_valid("spad"));
	assert_false(fw_label_valid(""));
	assert_false(fw_label_valid("a;b"));
	assert_false(fw_label_valid("abcdefghijabcdefghijabcdefghij"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_users),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_match_prefers_user),
		cmocka_unit_test(test_nets),
	};
	return cmocka_run_group_tests_name("spad_grant", tests, NULL, NULL);
}
