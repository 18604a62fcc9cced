/*
 * idx.h - spad's in-memory client index: key_id -> client, for the current
 * and the previous seed of every enabled client (DESIGN.md step 2).
 *
 * Lookup is O(1) without allocation (open addressing, linear probing on the
 * 16-byte key_id, which is HKDF output and so already uniformly distributed).
 * An entry holds the derived keys, not the seeds, and stays under 256 bytes
 * with its hash slots: users and ports are an interned policy shared by every
 * client that has the same ones, and the replay cache and token bucket are
 * allocated only for a client whose key_id has been seen.
 */
#ifndef SPAD_IDX_H
#define SPAD_IDX_H

#include <stddef.h>
#include <stdint.h>

#include "spa_pkt.h"
#include "spa_util.h"

#define IDX_REPLAY		16	/* random values remembered per client */

struct store_client;

/*
 * A users + ports policy, interned: clients with the same login users and
 * port list (most of them, in a large deployment) share one.
 */
struct idx_policy {
	char *users;			/* "alice,bob" or "*" */
	size_t nports;
	struct spa_portspec port[];
};

/*
 * Per-client state only a packet with the client's key_id ever touches:
 * allocated on the first such packet, so an idle client costs nothing here.
 */
struct idx_extra {
	struct {
		uint32_t random;
		uint32_t time;	/* Unix seconds (unsigned 32 bits: until 2106) */
	} replay[IDX_REPLAY];
	unsigned replay_next;
	double tokens;		/* per-client token bucket */
	int64_t bucket_ms;	/* when tokens was last refilled (monotonic ms) */
};

/*
 * What verification needs, and no more: 232 bytes on LP64, about 248 a client
 * with its share of the hash slots.
 */
struct idx_client {
	uint8_t key_id[SPA_KEYID_LEN];
	uint8_t prev_key_id[SPA_KEYID_LEN];
	uint8_t enc[SPA_ENC_KEY_LEN];		/* SECRET: current seed's keys */
	uint8_t prev_enc[SPA_ENC_KEY_LEN];	/* SECRET: previous seed's keys */
	uint8_t verifier[32];
	uint64_t counter;			/* last accepted */
	const struct idx_policy *pol;		/* shared: never NULL once built */
	struct idx_extra *x;			/* NULL until the first packet */
	uint8_t hotp[SPA_HOTP_KEY_LEN];		/* SECRET */
	uint8_t prev_hotp[SPA_HOTP_KEY_LEN];	/* SECRET */
	uint8_t has_prev;
	uint8_t any_ip;
	char aid[SPA_AID_LEN + 1];
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

/* The client's allowed ports (its shared policy's). */
const struct spa_portspec *idx_ports(const struct idx_client *c, size_t *n);

/* The client's login users, "alice,bob" or "*" (its shared policy's). */
const char *idx_users(const struct idx_client *c);

/* Number of distinct users + ports policies the clients share. */
size_t idx_policies(const struct idx *ix);

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
