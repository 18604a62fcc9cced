/*
 * spa_crypto.c - spa/1's primitives on OpenSSL 3 (EVP only): HKDF-SHA256,
 * HMAC-SHA256, AES-256-GCM, RFC 4226 HOTP, scrypt; plus the OS CSPRNG and the
 * small helpers secrets need (wipe, constant-time compare, hex).
 *
 * Algorithm objects are fetched once per process: spad opens a packet per
 * datagram that passes the key_id lookup and should not pay for a provider
 * lookup each time.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "spa_crypto.h"
#include "spa_err.h"

static EVP_KDF *hkdf_alg;
static EVP_CIPHER *gcm_alg;
static CRYPTO_ONCE fetch_once = CRYPTO_ONCE_STATIC_INIT;

static void
fetch_algs(void)
{
	hkdf_alg = EVP_KDF_fetch(NULL, "HKDF", NULL);
	gcm_alg = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
}

static int
algs_ready(void)
{
	return CRYPTO_THREAD_run_once(&fetch_once, fetch_algs) && hkdf_alg != NULL && gcm_alg != NULL;
}

int
spa_hkdf_sha256(const uint8_t *ikm, size_t ikmlen, const uint8_t *salt, size_t saltlen,
    const void *info, size_t infolen, uint8_t *out, size_t outlen)
{
	EVP_KDF_CTX *ctx = NULL;
	OSSL_PARAM params[5], *p = params;
	static const uint8_t nosalt[1];
	int r = SPA_ERR_CRYPTO;

	if (!algs_ready() || (ctx = EVP_KDF_CTX_new(hkdf_alg)) == NULL)
		goto out;
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)(uintptr_t)ikm, ikmlen);
	/* An empty salt is HashLen zero bytes (RFC 5869 2.2); OpenSSL does the same for a 0-length salt. */
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    (void *)(uintptr_t)(salt != NULL ? salt : nosalt), salt != NULL ? saltlen : 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)(uintptr_t)info, infolen);
	*p = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(ctx, out, outlen, params) != 1) {
		OPENSSL_cleanse(out, outlen);
		goto out;
	}
	r = SPA_OK;
out:
	EVP_KDF_CTX_free(ctx);
	return r;
}

int
spa_hmac_sha256(const uint8_t *key, size_t keylen, const void *data, size_t len, uint8_t out[32])
{
	unsigned int outlen = 32;

	if (keylen > INT32_MAX)
		return SPA_ERR_INVALID;
	if (HMAC(EVP_sha256(), key, (int)keylen, data, len, out, &outlen) == NULL || outlen != 32)
		return SPA_ERR_CRYPTO;
	return SPA_OK;
}

/* One AES-256-GCM pass; enc selects seal or open.  tag is written (seal) or checked (open). */
static int
gcm(int enc, const uint8_t key[32], const uint8_t iv[12], const uint8_t *aad, size_t aadlen,
    const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16])
{
	EVP_CIPHER_CTX *ctx = NULL;
	int n, r = SPA_ERR_CRYPTO;

	if (len > INT32_MAX || aadlen > INT32_MAX)
		return SPA_ERR_INVALID;
	if (!algs_ready() || (ctx = EVP_CIPHER_CTX_new()) == NULL)
		goto out;
	if (EVP_CipherInit_ex2(ctx, gcm_alg, key, iv, enc, NULL) != 1)
		goto out;
	if (aadlen > 0 && EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aadlen) != 1)
		goto out;
	if (len > 0 && EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1)
		goto out;
	if (!enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag) != 1)
		goto out;
	if (EVP_CipherFinal_ex(ctx, out + len, &n) != 1) {
		r = enc ? SPA_ERR_CRYPTO : SPA_ERR_AUTH;
		goto out;
	}
	if (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag) != 1)
		goto out;
	r = SPA_OK;
out:
	if (r != SPA_OK)
		OPENSSL_cleanse(out, len);
	EVP_CIPHER_CTX_free(ctx);
	return r;
}

int
spa_gcm_seal(const uint8_t key[32], const uint8_t iv[12], const uint8_t *aad, size_t aadlen,
    const uint8_t *pt, size_t len, uint8_t *ct, uint8_t tag[16])
{
	return gcm(1, key, iv, aad, aadlen, pt, len, ct, tag);
}

int
spa_gcm_open(const uint8_t key[32], const uint8_t iv[12], const uint8_t *aad, size_t aadlen,
    const uint8_t *ct, size_t len, const uint8_t tag[16], uint8_t *pt)
{
	uint8_t t[16];
	int r;

	memcpy(t, tag, sizeof(t));
	r = gcm(0, key, iv, aad, aadlen, ct, len, pt, t);
	return r;
}

int
spa_seal(const uint8_t key[32], const void *aad, size_t aadlen, const uint8_t *pt, size_t len,
    uint8_t *out, size_t outcap)
{
	int r;

	if (len > SIZE_MAX - SPA_SEAL_OVERHEAD || outcap < len + SPA_SEAL_OVERHEAD)
		return SPA_ERR_BUF_FULL;
	if ((r = spa_random(out, SPA_GCM_IV_LEN)) != SPA_OK)
		return r;
	return spa_gcm_seal(key, out, aad, aadlen, pt, len, out + SPA_GCM_IV_LEN,
	    out + SPA_GCM_IV_LEN + len);
}

int
spa_unseal(const uint8_t key[32], const void *aad, size_t aadlen, const uint8_t *in, size_t inlen,
    uint8_t *pt, size_t ptcap)
{
	size_t len;

	if (inlen < SPA_SEAL_OVERHEAD)
		return SPA_ERR_BUF_SHORT;
	len = inlen - SPA_SEAL_OVERHEAD;
	if (ptcap < len)
		return SPA_ERR_BUF_FULL;
	return spa_gcm_open(key, in, aad, aadlen, in + SPA_GCM_IV_LEN, len,
	    in + SPA_GCM_IV_LEN + len, pt);
}

int
spa_hotp(const uint8_t *key, size_t keylen, uint64_t counter, unsigned digits, uint32_t *code)
{
	static const uint32_t pow10[] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
	    100000000, 1000000000 };
	uint8_t msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0, off;
	uint32_t bin;
	int i;

	if (digits < 6 || digits > 9 || keylen > INT32_MAX)
		return SPA_ERR_INVALID;
	for (i = 7; i >= 0; i--) {
		msg[i] = (uint8_t)counter;
		counter >>= 8;
	}
	if (HMAC(EVP_sha1(), key, (int)keylen, msg, sizeof(msg), mac, &maclen) == NULL || maclen != 20)
		return SPA_ERR_CRYPTO;
	/* RFC 4226 5.3 dynamic truncation. */
	off = mac[19] & 0x0f;
	bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
	    ((uint32_t)mac[off + 2] << 8) | mac[off + 3];
	*code = bin % pow10[digits];
	OPENSSL_cleanse(mac, sizeof(mac));
	return SPA_OK;
}

int
spa_password_key(const char *password, size_t pwlen, const char *aid, uint8_t out[32])
{
	static const char prefix[] = "spa/1 ";
	char salt[sizeof(prefix) - 1 + 32];
	size_t aidlen = strlen(aid), saltlen = sizeof(prefix) - 1 + aidlen;
	int r = SPA_ERR_CRYPTO;

	if (aidlen > 32)
		return SPA_ERR_TOO_LONG;
	memcpy(salt, prefix, sizeof(prefix) - 1);
	memcpy(salt + sizeof(prefix) - 1, aid, aidlen);
	/* N = 2^15, r = 8, p = 1 needs 32 MiB; allow 64 MiB (DESIGN.md). */
	if (EVP_PBE_scrypt(password, pwlen, (const unsigned char *)salt, saltlen,
	    (uint64_t)1 << 15, 8, 1, (uint64_t)64 << 20, out, 32) == 1)
		r = SPA_OK;
	else
		OPENSSL_cleanse(out, 32);
	return r;
}

int
spa_random(void *buf, size_t len)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len > 0) {
		n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return SPA_ERR_RANDOM;
		}
		p += n;
		len -= (size_t)n;
	}
	return SPA_OK;
}

int
spa_seed_generate(uint8_t seed[SPA_SEED_LEN])
{
	return spa_random(seed, SPA_SEED_LEN);
}

void
spa_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		OPENSSL_cleanse(p, n);
}

void
spa_freezero(void *p, size_t n)
{
	if (p == NULL)
		return;
	spa_wipe(p, n);
	free(p);
}

int
spa_ct_eq(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

int
spa_is_zero(const void *p, size_t n)
{
	const volatile uint8_t *q = p;
	uint8_t acc = 0;
	size_t i;

	for (i = 0; i < n; i++)
		acc |= q[i];
	return acc == 0;
}

int
spa_hex_encode(const uint8_t *in, size_t len, char *out, size_t outcap)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	if (len > (SIZE_MAX - 1) / 2 || outcap < 2 * len + 1)
		return SPA_ERR_BUF_FULL;
	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[2 * len] = '\0';
	return SPA_OK;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
spa_hex_decode(const char *hex, uint8_t *out, size_t outlen)
{
	size_t i;
	int hi, lo;

	if (hex == NULL || strnlen(hex, 2 * outlen + 1) != 2 * outlen)
		return SPA_ERR_HEX;
	for (i = 0; i < outlen; i++) {
		hi = hexval(hex[2 * i]);
		lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			spa_wipe(out, i);
			return SPA_ERR_HEX;
		}
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return SPA_OK;
}
