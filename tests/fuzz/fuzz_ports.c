/*
 * fuzz_ports.c - libFuzzer target for the address and port-list parsers.
 * Whatever is accepted must format and parse back to the same value, and
 * every accepted port must be 1..65535 over TCP or UDP.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spa_err.h"
#include "spa_pkt.h"
#include "spa_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXP 64

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spa_portspec ps[MAXP], ps2[MAXP];
	char *text, out[MAXP * 10 + 1], ipt[64];
	uint8_t ip[16], ip2[16];
	size_t n, n2, bad, i;
	uint16_t port;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	if (spa_ports_parse(text, ps, MAXP, &n, &bad) == 0) {
		if (n > MAXP)
			abort();
		for (i = 0; i < n; i++)
			if (ps[i].port == 0 || (ps[i].proto != SPA_PROTO_TCP && ps[i].proto != SPA_PROTO_UDP))
				abort();
		if (spa_ports_format(ps, n, out, sizeof(out)) != 0)
			abort();
		/* member by member: C leaves padding unspecified (memcmp of the
		 * structs aborted on stack garbage in the byte after proto) */
		if (spa_ports_parse(out, ps2, MAXP, &n2, NULL) != 0 || n2 != n)
			abort();
		for (i = 0; i < n; i++)
			if (ps[i].proto != ps2[i].proto || ps[i].port != ps2[i].port)
				abort();
	}
	if (spa_port_parse(text, &port) == 0 && port == 0)
		abort();
	if (spa_ip_parse(text, ip) == 0) {
		if (spa_ip_format(ip, ipt, sizeof(ipt)) != 0)
			abort();
		if (spa_ip_parse(ipt, ip2) != 0 || memcmp(ip, ip2, 16) != 0)
			abort();
	}
	free(text);
	return 0;
}
