/*
 * spa_pkt.h - the spa/1 datagram (DESIGN.md, "Wire format, version 1").
 *
 *   0   1  version (1)
 *   1  16  key_id   HKDF(seed, "", "spa/1 key-id", 16)
 *  17  12  nonce
 *  29 144  ciphertext  AES-256-GCM(HKDF(seed, "", "spa/1 enc", 32), nonce, aad = bytes 0..28)
 * 173  16  tag
 *
 * The codec is pure: bytes in, struct out, no I/O, no allocation.
 */
#ifndef SPA_PKT_H
#define SPA_PKT_H

#include <stddef.h>
#include <stdint.h>
#include "spa_crypto.h"

#define SPA_PKT_VERSION		1
#define SPA_PKT_LEN		189
#define SPA_PAYLOAD_LEN		144
#define SPA_KEYID_LEN		16
#define SPA_NONCE_LEN		12
#define SPA_TAG_LEN		16
#define SPA_AAD_LEN		29	/* version + key_id + nonce */
#define SPA_AID_LEN		32
#define SPA_PWKEY_LEN		32
#define SPA_HOTP_DIGITS		8
#define SPA_PKT_OFF_KEYID	1
#define SPA_PKT_OFF_NONCE	17
#define SPA_PKT_OFF_CT		29
#define SPA_PKT_OFF_TAG		173
#define SPA_DEFAULT_PORT	62201

#define SPA_PROTO_TCP		6
#define SPA_PROTO_UDP		17

/* The decrypted payload; field order and sizes as on the wire. */
struct spa_payload {
	char aid[SPA_AID_LEN];		/* ASCII, NUL-padded; not NUL-terminated when 32 long */
	uint8_t password[SPA_PWKEY_LEN];/* spa_password_key() output */
	uint32_t random;
	uint64_t timestamp;
	uint64_t counter;
	uint32_t hotp;
	uint8_t new_seed[SPA_SEED_LEN];	/* all zero: keep the seed */
	uint8_t ip[16];			/* IPv6 or ::ffff:a.b.c.d; all zero: datagram source */
	uint16_t port;
	uint16_t source_port;		/* 0: any */
	uint8_t protocol;		/* SPA_PROTO_TCP or SPA_PROTO_UDP */
	uint8_t reserved[3];		/* zero */
};

/* The three keys a seed names. */
struct spa_keys {
	uint8_t key_id[SPA_KEYID_LEN];
	uint8_t enc[SPA_ENC_KEY_LEN];
	uint8_t hotp[SPA_HOTP_KEY_LEN];
};

/* Derive key_id, encryption and HOTP keys from seed. 0 or SPA_ERR_CRYPTO (k wiped). */
int spa_keys_derive(const uint8_t seed[SPA_SEED_LEN], struct spa_keys *k);
/* Derive only the key_id of seed. 0 or SPA_ERR_CRYPTO. */
int spa_key_id(const uint8_t seed[SPA_SEED_LEN], uint8_t key_id[SPA_KEYID_LEN]);
void spa_keys_wipe(struct spa_keys *k);

/* Serialise p into out[144] (reserved written as given). 0 or SPA_ERR_BUF_*. */
int spa_payload_encode(const struct spa_payload *p, uint8_t out[SPA_PAYLOAD_LEN]);
/* Parse in[144] into p; checks nothing but length. 0 or SPA_ERR_BUF_SHORT. */
int spa_payload_decode(const uint8_t *in, size_t len, struct spa_payload *p);

/*
 * Build a datagram: encode p, seal it under k with nonce, write out[189].
 * 0 or SPA_ERR_*; on error out is zeroed.
 */
int spa_pkt_encode(const struct spa_keys *k, const uint8_t nonce[SPA_NONCE_LEN],
    const struct spa_payload *p, uint8_t out[SPA_PKT_LEN]);

/*
 * Step 1 of verification, no allocation: 0 if pkt is 189 bytes with version 1,
 * else SPA_ERR_PKT_LENGTH or SPA_ERR_PKT_VERSION.  On success *key_id points into pkt.
 */
int spa_pkt_check(const uint8_t *pkt, size_t len, const uint8_t **key_id);

/*
 * Steps 1, 4 and the format half of 5: check, open under k, decode, and reject
 * non-zero reserved bytes, a protocol other than TCP/UDP, and a malformed AID.
 * Does not compare key_id with k->key_id (the caller looked k up by it).
 * 0 or SPA_ERR_PKT_*; on error p is wiped.
 */
int spa_pkt_open(const struct spa_keys *k, const uint8_t *pkt, size_t len, struct spa_payload *p);

/* AID as a NUL-terminated string into out[33]. 0 or SPA_ERR_PKT_AID_FORMAT. */
int spa_aid_string(const struct spa_payload *p, char out[SPA_AID_LEN + 1]);
/* Set p->aid from a string of 1..32 printable ASCII chars. 0 or SPA_ERR_PKT_AID_FORMAT. */
int spa_aid_set(struct spa_payload *p, const char *aid);
/* 0 if aid is 1..32 printable ASCII (0x21..0x7e), else SPA_ERR_PKT_AID_FORMAT. */
int spa_aid_valid(const char *aid);

/* Wipe a payload (it holds the password key and the next seed). */
void spa_payload_wipe(struct spa_payload *p);

#endif /* SPA_PKT_H */
