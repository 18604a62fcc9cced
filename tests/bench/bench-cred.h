/*
 * bench-cred.h - the benchmark's clients, derived from their number so that
 * the provisioning tool (bench-prov.c) and the knock sender (spa-bench.c)
 * agree without passing secrets around: client i is AID "bench%07u", seed
 * HMAC-SHA256("spa-bench seed", AID), password field HMAC-SHA256("spa-bench
 * password", AID).  Benchmark credentials only: never use this scheme for
 * anything real.
 */
#ifndef SPA_BENCH_CRED_H
#define SPA_BENCH_CRED_H

#include <stdio.h>
#include <string.h>
#include "spa_crypto.h"
#include "spa_pkt.h"

struct bench_cred {
	char aid[SPA_AID_LEN + 1];
	uint8_t seed[SPA_SEED_LEN];
	uint8_t pwkey[SPA_PWKEY_LEN];
};

static inline int bench_cred(unsigned i, struct bench_cred *c)
{
	static const char ks[] = "spa-bench seed", kp[] = "spa-bench password";

	snprintf(c->aid, sizeof(c->aid), "bench%07u", i);
	if (spa_hmac_sha256((const uint8_t *)ks, sizeof(ks) - 1, c->aid, strlen(c->aid), c->seed) != 0 ||
	    spa_hmac_sha256((const uint8_t *)kp, sizeof(kp) - 1, c->aid, strlen(c->aid), c->pwkey) != 0)
		return -1;
	return 0;
}

#endif
