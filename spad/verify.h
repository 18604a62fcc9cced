/*
 * verify.h - the verification pipeline (DESIGN.md, normative order, cheapest
 * first) and the grant it ends in.  A datagram that fails steps 1-4 costs no
 * allocation, no store access and no log line: only a counter.
 */
#ifndef SPAD_VERIFY_H
#define SPAD_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "fw.h"
#include "grant.h"
#include "idx.h"

struct store;

/* Outcomes, each with its own counter (names from vfy_reason_name). */
enum vfy_reason {
	VFY_ACCEPTED = 0,
	VFY_LENGTH,		/* 1: not 189 bytes */
	VFY_VERSION,		/* 1: version byte not 1 */
	VFY_UNKNOWN_KEY,	/* 2: key_id names no enabled client */
	VFY_RATE_SOURCE,	/* 3: source address over its bucket */
	VFY_RATE_CLIENT,	/* 3: client over its bucket */
	VFY_TAG,		/* 4: GCM tag failed */
	VFY_FORMAT,		/* 4/5: reserved bytes, protocol, AID format */
	VFY_AID,		/* 5: AID is not the key_id's client */
	VFY_STALE,		/* 6: timestamp too old or too new */
	VFY_COUNTER,		/* 7: counter outside (last, last + window] */
	VFY_HOTP,		/* 7: HOTP wrong */
	VFY_REPLAY,		/* 8: random seen before */
	VFY_PASSWORD,		/* 9: verifier mismatch */
	VFY_PORT,		/* 10: port/protocol not allowed */
	VFY_ADDRESS,		/* 10: address rule */
	VFY_RACE,		/* 11: lost the counter compare-and-set: a replay */
	VFY_STORE,		/* 11: store failed (door stays shut) */
	VFY_FIREWALL,		/* 12: firewall failed */
	VFY_N
};

/* Everything the pipeline needs; the daemon owns the pointed-to objects. */
struct vfy {
	struct idx *ix;
	struct store *st;
	struct fw *fw;
	struct grant_tab *gt;
	unsigned open_timeout, max_packet_age, hotp_window;
	int change_seeds;
	const char *gateway;
	uint64_t count[VFY_N];
	uint64_t packets;
	/* the store was lost: knocks stop at step 11 (door shut, no log line each)
	 * until main.c reconnects and clears it */
	int store_down;
	/* per-source token buckets: a fixed table, overwritten on collision (no allocation) */
	struct {
		uint8_t addr[16];
		float tokens;
		int64_t ms;
	} src[1024];
};

/* Counter name ("tag", "stale", ...) of r. */
const char *vfy_reason_name(enum vfy_reason r);

/*
 * Run one datagram (payload of a UDP packet from src:sport) through the
 * pipeline at wall-clock now and monotonic now_ms; on success the firewall
 * is open and a grant recorded.  Returns the outcome (also counted).
 */
enum vfy_reason vfy_packet(struct vfy *v, const uint8_t *pkt, size_t len, const uint8_t src[16],
    uint16_t sport, int64_t now, int64_t now_ms);

#endif /* SPAD_VERIFY_H */
