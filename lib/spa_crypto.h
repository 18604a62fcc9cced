/*
 * spa_crypto.h - the primitives spa/1 is built from, all on OpenSSL EVP,
 * plus the small helpers around secrets: wiping, constant-time compare, hex.
 */
#ifndef SPA_CRYPTO_H
#define SPA_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define SPA_SEED_LEN	32
#define SPA_HOTP_KEY_LEN 20
#define SPA_ENC_KEY_LEN	32
#define SPA_GCM_IV_LEN	12
#define SPA_GCM_TAG_LEN	16
#define SPA_SEAL_OVERHEAD (SPA_GCM_IV_LEN + SPA_GCM_TAG_LEN)

/* HKDF-SHA256 (RFC 5869) of ikm with salt (may be NULL/0) and info, into out[outlen]. 0 or SPA_ERR_CRYPTO. */
int spa_hkdf_sha256(const uint8_t *ikm, size_t ikmlen, const uint8_t *salt, size_t saltlen,
    const void *info, size_t infolen, uint8_t *out, size_t outlen);

/* HMAC-SHA256 of data under key into out[32]. 0 or SPA_ERR_CRYPTO. */
int spa_hmac_sha256(const uint8_t *key, size_t keylen, const void *data, size_t len, uint8_t out[32]);

/* AES-256-GCM seal: ct[len] and tag[16] from pt[len]; ct may equal pt. 0 or SPA_ERR_CRYPTO. */
int spa_gcm_seal(const uint8_t key[32], const uint8_t iv[12], const uint8_t *aad, size_t aadlen,
    const uint8_t *pt, size_t len, uint8_t *ct, uint8_t tag[16]);

/* AES-256-GCM open: pt[len] from ct[len] if tag verifies; 0, SPA_ERR_AUTH (pt wiped) or SPA_ERR_CRYPTO. */
int spa_gcm_open(const uint8_t key[32], const uint8_t iv[12], const uint8_t *aad, size_t aadlen,
    const uint8_t *ct, size_t len, const uint8_t tag[16], uint8_t *pt);

/*
 * Seal a secret at rest: out = iv(12) || ct(len) || tag(16) with a fresh random IV.
 * outcap must be >= len + SPA_SEAL_OVERHEAD.  aad binds the blob to its owner (AID).
 * 0, SPA_ERR_BUF_FULL, SPA_ERR_RANDOM or SPA_ERR_CRYPTO.
 */
int spa_seal(const uint8_t key[32], const void *aad, size_t aadlen, const uint8_t *pt, size_t len,
    uint8_t *out, size_t outcap);
/* Inverse of spa_seal: pt[inlen - 28]; 0, SPA_ERR_AUTH, SPA_ERR_BUF_SHORT or SPA_ERR_CRYPTO. */
int spa_unseal(const uint8_t key[32], const void *aad, size_t aadlen, const uint8_t *in, size_t inlen,
    uint8_t *pt, size_t ptcap);

/* RFC 4226 HOTP: the digits-digit (6..9) value for counter under key. Sets *code; 0 or SPA_ERR_*. */
int spa_hotp(const uint8_t *key, size_t keylen, uint64_t counter, unsigned digits, uint32_t *code);

/*
 * The password field: scrypt(password, salt = "spa/1 " || aid, N=2^15, r=8, p=1) into out[32].
 * aid is the AID as stored (no NUL padding).  0, SPA_ERR_TOO_LONG or SPA_ERR_CRYPTO.
 */
int spa_password_key(const char *password, size_t pwlen, const char *aid, uint8_t out[32]);

/* len bytes from the OS CSPRNG (getrandom, retried on EINTR). 0 or SPA_ERR_RANDOM. */
int spa_random(void *buf, size_t len);
/* A fresh 32-byte seed. 0 or SPA_ERR_RANDOM. */
int spa_seed_generate(uint8_t seed[SPA_SEED_LEN]);

/* Wipe n bytes so the compiler cannot elide it. */
void spa_wipe(void *p, size_t n);
/* Wipe and free (p may be NULL). */
void spa_freezero(void *p, size_t n);
/* 1 if a[0..n) == b[0..n), else 0, in time independent of the contents. */
int spa_ct_eq(const void *a, const void *b, size_t n);
/* 1 if all n bytes are zero (constant time), else 0. */
int spa_is_zero(const void *p, size_t n);

/* Lower-case hex of in[len] into out (outcap >= 2*len+1, NUL-terminated). 0 or SPA_ERR_BUF_FULL. */
int spa_hex_encode(const uint8_t *in, size_t len, char *out, size_t outcap);
/* Exactly outlen bytes from hex (exactly 2*outlen hex digits, either case). 0 or SPA_ERR_HEX. */
int spa_hex_decode(const char *hex, uint8_t *out, size_t outlen);

#endif /* SPA_CRYPTO_H */
