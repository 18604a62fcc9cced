/*
 * store-race.c - two processes race the store's knock update, many rounds.
 *
 *   store-race CONF AID ROUNDS
 *
 * Each round both children learn the current key_id, meet at a barrier, and
 * call store_knock with the same counter and the same new seed (the same
 * datagram seen by two gateways).  Exactly one must win each round; after
 * the last round the stored counter is ROUNDS and seed/prev_seed follow the
 * rotation rule.  Prints a summary line; exit 0 only if all of that holds.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spa_crypto.h"
#include "spa_err.h"
#include "../spad/spad_config.h"
#include "store.h"

#define MAX_ROUNDS 10000

struct shared {
	pthread_barrier_t bar;
	int result[MAX_ROUNDS + 1][2];
};

static void
round_seed(unsigned r, uint8_t seed[SPA_SEED_LEN])
{
	memset(seed, 0, SPA_SEED_LEN);
	memcpy(seed, "race", 4);
	seed[4] = (uint8_t)(r >> 8);
	seed[5] = (uint8_t)r;
	seed[31] = 1;
}

static int
open_store(const char *conf, struct store **st)
{
	struct spad_config cfg;
	uint8_t key[STORE_KEY_LEN];
	char err[STORE_ERRLEN];
	int rc;

	if ((rc = spad_config_load(&cfg, conf, err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return rc;
	}
	rc = store_key_load(cfg.server_key, key, err);
	if (rc == 0)
		rc = store_open(&cfg, key, 1, 0, st, err);
	if (rc != 0)
		fprintf(stderr, "%s\n", err);
	spa_wipe(key, sizeof(key));
	spad_config_free(&cfg);
	return rc;
}

static void
child(struct shared *sh, int me, const char *conf, const char *aid, unsigned rounds)
{
	struct store *st = NULL;
	struct store_client c;
	struct store_knock k;
	unsigned r;
	int rc = open_store(conf, &st);

	for (r = 1; r <= rounds; r++) {
		pthread_barrier_wait(&sh->bar);
		memset(&k, 0, sizeof(k));
		if (rc == 0 && store_client_get(st, aid, &c) == 0) {
			memcpy(k.used_key_id, c.key_id, SPA_KEYID_LEN);
			store_client_wipe(&c);
		}
		k.aid = aid;
		k.counter = r;
		k.change_seeds = 1;
		k.protocol = 6;
		k.port = 22;
		k.gateway = me ? "gw1" : "gw0";
		round_seed(r, k.new_seed);
		pthread_barrier_wait(&sh->bar);
		sh->result[r][me] = rc != 0 ? -1000 : store_knock(st, &k, NULL);
		if (sh->result[r][me] != 0 && sh->result[r][me] != SPA_ERR_STORE_RACE)
			fprintf(stderr, "child %d round %u: %s\n", me, r, store_errmsg(st));
		pthread_barrier_wait(&sh->bar);
	}
	store_close(st);
	_exit(0);
}

int
main(int argc, char **argv)
{
	struct shared *sh;
	pthread_barrierattr_t ba;
	struct store *st = NULL;
	struct store_client c;
	uint8_t want[SPA_SEED_LEN], wantprev[SPA_SEED_LEN];
	unsigned rounds, r, wins[2] = { 0, 0 }, bad = 0;
	pid_t pid[2];
	int i, status;

	if (argc != 4 || (rounds = (unsigned)atoi(argv[3])) < 2 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: store-race CONF AID ROUNDS(2..%d)\n", MAX_ROUNDS);
		return 2;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 2;
	pthread_barrierattr_init(&ba);
	pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED);
	pthread_barrier_init(&sh->bar, &ba, 2);
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		if (pid[i] == 0)
			child(sh, i, argv[1], argv[2], rounds);
	}
	for (i = 0; i < 2; i++)
		waitpid(pid[i], &status, 0);
	for (r = 1; r <= rounds; r++) {
		int w0 = sh->result[r][0] == 0, w1 = sh->result[r][1] == 0;
		if (w0 + w1 != 1) {
			bad++;
			fprintf(stderr, "round %u: results %d and %d\n", r, sh->result[r][0],
			    sh->result[r][1]);
		}
		wins[0] += (unsigned)w0;
		wins[1] += (unsigned)w1;
	}
	if (open_store(argv[1], &st) != 0 || store_client_get(st, argv[2], &c) != 0) {
		fprintf(stderr, "cannot read the client back\n");
		return 1;
	}
	round_seed(rounds, want);
	round_seed(rounds - 1, wantprev);
	if (c.counter != rounds || !spa_ct_eq(c.seed, want, SPA_SEED_LEN) || !c.has_prev ||
	    !spa_ct_eq(c.prev_seed, wantprev, SPA_SEED_LEN)) {
		fprintf(stderr, "final state wrong: counter %llu\n", (unsigned long long)c.counter);
		bad++;
	}
	store_client_wipe(&c);
	store_close(st);
	printf("rounds %u, wins %u + %u, bad rounds %u\n", rounds, wins[0], wins[1], bad);
	return bad == 0 ? 0 : 1;
}
