/*
 * idx.h - spad's in-memory client index: key_id -> client, for the current
 * and the previous seed of every enabled client (DESIGN.md step 2).
 *
 * Lookup is O(1) without allocation (open addressing, linear probing on the
 * 16-byte key_id, which is HKDF output and so already uniformly distributed).
 * An entry holds the derived keys, not the seeds, and stays under 256 bytes;
 * the rarely used parts (users, long port lists, replay cache, token bucket)
 * hang off pointers.
 */
#ifndef SPAD_IDX_H
#define SPAD_IDX_H

#include <stddef.h>
#include <stdint.h>

#include "spa_pkt.h"
#include "spa_util.h"

#define IDX_PORTS_INLINE	4
#define IDX_REPLAY		16	/* random values remembered per client */

struct store_client;

/* Per-client state only a packet that passed the tag check ever touches. */
struct idx_extra {
	struct {
		uint32_t random;
		int64_t time;
	} replay[IDX_REPLAY];
	unsigned replay_next;
	double tokens;		/* per-client token bucket */
	int64_t bucket_ms;	/* when tokens was last refilled (monotonic ms) */
	char *users;		/* "alice,bob" or "*" */
	struct spa_portspec *ports;	/* when more than IDX_PORTS_INLINE */
};

struct idx_client {
	char aid[SPA_AID_LEN + 1];
	uint8_t has_prev;
	uint8_t any_ip;
	uint8_t nports;
	uint8_t key_id[SPA_KEYID_LEN];
	uint8_t prev_key_id[SPA_KEYID_LEN];
	uint8_t enc[SPA_ENC_KEY_LEN];		/* SECRET: current seed's keys */
	uint8_t hotp[SPA_HOTP_KEY_LEN];
	uint8_t prev_enc[SPA_ENC_KEY_LEN];	/* SECRET: previous seed's keys */
	uint8_t prev_hotp[SPA_HOTP_KEY_LEN];
	uint8_t verifier[32];
	uint64_t counter;			/* last accepted */
	struct spa_portspec port[IDX_PORTS_INLINE];
	struct idx_extra *x;
};

struct idx;

/*
 * Build an index from n store clients (disabled ones are skipped): keys are
 * derived here.  0, SPA_ERR_NOMEM or SPA_ERR_CRYPTO (*out NULL).
 */
int idx_build(const struct store_client *c, size_t n, struct idx **out);

/* Wipe the keys and free ix (NULL ok). */
void idx_free(struct idx *ix);

/* Number of clients. */
size_t idx_count(const struct idx *ix);

/*
 * The client whose current (*prev = 0) or previous (*prev = 1) key_id is
 * key_id, or NULL.  No allocation, no system call.
 */
struct idx_client *idx_lookup(struct idx *ix, const uint8_t key_id[SPA_KEYID_LEN], int *prev);

/* The client named aid, or NULL (linear: for the control socket only). */
struct idx_client *idx_find_aid(struct idx *ix, const char *aid);

/* The client's allowed ports (inline or in x). */
const struct spa_portspec *idx_ports(const struct idx_client *c, size_t *n);

/*
 * After a seed change: give c new current/previous seeds (keys re-derived,
 * hash slots moved).  0, SPA_ERR_NOMEM or SPA_ERR_CRYPTO (c then removed from
 * lookups: fail closed).
 */
int idx_rekey(struct idx *ix, struct idx_client *c, const uint8_t seed[SPA_SEED_LEN],
    int has_prev, const uint8_t prev_seed[SPA_SEED_LEN]);

/* c->x, allocated on first use; NULL on out of memory. */
struct idx_extra *idx_extra(struct idx_client *c);

/* Carry counters, replay caches and buckets from old to new (same AIDs) across a reload. */
void idx_carry(struct idx *to, const struct idx *from);

#endif /* SPAD_IDX_H */
