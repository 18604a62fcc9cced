/* test_spad_capture.c - frame parsing down to the UDP payload, for every link type. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <pcap/pcap.h>

#include "capture.h"

/* IPv4/UDP 10.0.0.2:5000 -> 10.0.0.1:62201 carrying n bytes of 0xab. */
static size_t
ipv4_udp(uint8_t *p, size_t n, uint16_t frag)
{
	size_t tot = 20 + 8 + n;

	memset(p, 0, tot);
	p[0] = 0x45;
	p[2] = (uint8_t)(tot >> 8);
	p[3] = (uint8_t)tot;
	p[6] = (uint8_t)(frag >> 8);
	p[7] = (uint8_t)frag;
	p[8] = 64;
	p[9] = 17;
	memcpy(p + 12, "\x0a\x00\x00\x02\x0a\x00\x00\x01", 8);
	p[20] = 5000 >> 8;
	p[21] = 5000 & 0xff;
	p[22] = 62201 >> 8;
	p[23] = 62201 & 0xff;
	p[24] = (uint8_t)((8 + n) >> 8);
	p[25] = (uint8_t)(8 + n);
	memset(p + 28, 0xab, n);
	return tot;
}

static void
expect_ok(int dlt, const uint8_t *f, size_t len, size_t want)
{
	const uint8_t *pl;
	uint8_t src[16];
	uint16_t sp, dp;
	size_t n;

	assert_int_equal(cap_parse(dlt, f, len, &pl, &n, src, &sp, &dp), 0);
	assert_int_equal(n, want);
	assert_int_equal(sp, 5000);
	assert_int_equal(dp, 62201);
	assert_memory_equal(src, "\0\0\0\0\0\0\0\0\0\0\xff\xff\x0a\x00\x00\x02", 16);
	assert_int_equal(pl[0], 0xab);
}

static void
test_ethernet(void **state)
{
	uint8_t f[600];
	size_t n;

	(void)state;
	memset(f, 0, 14);
	f[12] = 0x08;
	n = 14 + ipv4_udp(f + 14, 189, 0);
	expect_ok(DLT_EN10MB, f, n, 189);
	/* Ethernet pads: trailing bytes beyond the IP length are ignored */
	expect_ok(DLT_EN10MB, f, n + 20, 189);
	/* truncated capture: refused, not read past */
	assert_int_equal(cap_parse(DLT_EN10MB, f, n - 1, &(const uint8_t *){ NULL }, &(size_t){ 0 },
	    (uint8_t[16]){ 0 }, &(uint16_t){ 0 }, &(uint16_t){ 0 }), -1);
	/* one and two VLAN tags */
	memset(f, 0, 18);
	f[12] = 0x81;
	f[16] = 0x08;
	n = 18 + ipv4_udp(f + 18, 189, 0);
	expect_ok(DLT_EN10MB, f, n, 189);
	memset(f, 0, 22);
	f[12] = 0x88;
	f[13] = 0xa8;
	f[16] = 0x81;
	f[20] = 0x08;
	n = 22 + ipv4_udp(f + 22, 189, 0);
	expect_ok(DLT_EN10MB, f, n, 189);
}

static void
test_cooked(void **state)
{
	uint8_t f[600];
	size_t n;

	(void)state;
	memset(f, 0, 16);
	f[14] = 0x08;
	n = 16 + ipv4_udp(f + 16, 189, 0);
	expect_ok(DLT_LINUX_SLL, f, n, 189);
	f[1] = 4;	/* outgoing */
	assert_int_equal(cap_parse(DLT_LINUX_SLL, f, n, &(const uint8_t *){ NULL }, &(size_t){ 0 },
	    (uint8_t[16]){ 0 }, &(uint16_t){ 0 }, &(uint16_t){ 0 }), -2);
	memset(f, 0, 20);
	f[0] = 0x08;
	n = 20 + ipv4_udp(f + 20, 189, 0);
	expect_ok(DLT_LINUX_SLL2, f, n, 189);
	n = ipv4_udp(f, 189, 0);
	expect_ok(DLT_RAW, f, n, 189);
}

static void
test_refused(void **state)
{
	uint8_t f[600];
	size_t n;

	(void)state;
	n = ipv4_udp(f, 189, 0x2000);	/* more fragments */
	assert_int_equal(cap_parse(DLT_RAW, f, n, &(const uint8_t *){ NULL }, &(size_t){ 0 },
	    (uint8_t[16]){ 0 }, &(uint16_t){ 0 }, &(uint16_t){ 0 }), -3);
	n = ipv4_udp(f, 189, 0);
	f[9] = 6;	/* TCP */
	assert_int_equal(cap_parse(DLT_RAW, f, n, &(const uint8_t *){ NULL }, &(size_t){ 0 },
	    (uint8_t[16]){ 0 }, &(uint16_t){ 0 }, &(uint16_t){ 0 }), -1);
	n = ipv4_udp(f, 189, 0);
	f[25] = 4;	/* UDP length below its header */
	f[24] = 0;
	assert_int_equal(cap_parse(DLT_RAW, f, n, &(const uint8_t *){ NULL }, &(size_t){ 0 },
	    (uint8_t[16]){ 0 }, &(uint16_t){ 0 }, &(uint16_t){ 0 }), -1);
	for (size_t i = 0; i < 48; i++)	/* every truncation fails cleanly */
		assert_int_not_equal(cap_parse(DLT_EN10MB, f, i, &(const uint8_t *){ NULL },
		    &(size_t){ 0 }, (uint8_t[16]){ 0 }, &(uint16_t){ 0 }, &(uint16_t){ 0 }), 0);
}

static void
test_ipv6(void **state)
{
	uint8_t f[600], src[16];
	const uint8_t *pl;
	uint16_t sp, dp;
	size_t n;

	(void)state;
	memset(f, 0, sizeof(f));
	f[0] = 0x60;
	f[4] = 0;
	f[5] = 8 + 189;
	f[6] = 17;
	f[8 + 15] = 2;		/* ::2 */
	f[40] = 0x13;
	f[41] = 0x88;		/* 5000 */
	f[42] = 0xf2;
	f[43] = 0xf9;		/* 62201 */
	f[45] = 8 + 189;
	assert_int_equal(cap_parse(DLT_RAW, f, 40 + 8 + 189, &pl, &n, src, &sp, &dp), 0);
	assert_int_equal(n, 189);
	assert_int_equal(sp, 5000);
	assert_int_equal(src[15], 2);
	f[6] = 44;		/* fragment header */
	assert_int_equal(cap_parse(DLT_RAW, f, 40 + 8 + 189, &pl, &n, src, &sp, &dp), -3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ethernet),
		cmocka_unit_test(test_cooked),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_ipv6),
	};
	return cmocka_run_group_tests_name("spad_capture", tests, NULL, NULL);
}
