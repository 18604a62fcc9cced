/*
 * spa_client.h - the client half of the original spa_lib API: build and send
 * a knock, test whether a port answers, find the local address toward a
 * server, generate a seed.  The public-address lookup (libcurl) lives in
 * spa-knock so that the library links only OpenSSL.
 */
#ifndef SPA_CLIENT_H
#define SPA_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include "spa_pkt.h"

/* Everything one knock says; secrets are wiped by spa_knock_wipe(). */
struct spa_knock {
	char aid[SPA_AID_LEN + 1];		/* NUL-terminated, 1..32 printable */
	uint8_t seed[SPA_SEED_LEN];		/* the seed the datagram is sealed under */
	uint8_t password[SPA_PWKEY_LEN];	/* spa_password_key() output */
	uint64_t counter;			/* HOTP moving factor */
	uint8_t new_seed[SPA_SEED_LEN];		/* all zero: keep the seed */
	uint8_t ip[16];				/* address to allow; all zero: datagram source */
	uint16_t port;				/* service port */
	uint16_t source_port;			/* 0: any */
	uint8_t protocol;			/* SPA_PROTO_TCP / SPA_PROTO_UDP */
	uint64_t timestamp;			/* 0: now */
};

/* Wipe a knock description (seeds, password key). */
void spa_knock_wipe(struct spa_knock *k);

/*
 * Build the 189-byte datagram for k with a fresh nonce and random field.
 * 0 or SPA_ERR_* (invalid AID, crypto, random); out is zeroed on error.
 */
int spa_client_build(const struct spa_knock *k, uint8_t out[SPA_PKT_LEN]);

/*
 * Build a datagram for k and send it over UDP to dst.
 * 0, SPA_ERR_SYSTEM (errno set) or a spa_client_build() error.
 */
int spa_client_send(const struct sockaddr *dst, socklen_t dstlen, const struct spa_knock *k);

/*
 * Resolve host (name or literal) and port into *out.  family is AF_UNSPEC,
 * AF_INET or AF_INET6; with AF_UNSPEC the first address getaddrinfo gives.
 * 0, SPA_ERR_RESOLVE (err, if not NULL, gets gai_strerror text) or SPA_ERR_INVALID.
 */
int spa_resolve(const char *host, uint16_t port, int family, struct sockaddr_storage *out,
    socklen_t *outlen, char *err, size_t errlen);

/*
 * Whether a TCP connect to dst completes within timeout_ms.
 * 1 open, 0 closed (refused, unreachable or timed out), SPA_ERR_SYSTEM on a local failure.
 */
int spa_port_is_open(const struct sockaddr *dst, socklen_t dstlen, int timeout_ms);

/*
 * Connect fd (a non-blocking-capable TCP socket) to dst within timeout_ms.
 * 0 connected, SPA_ERR_TIMEOUT, SPA_ERR_SYSTEM (errno: ECONNREFUSED, ...).
 * fd is left blocking.
 */
int spa_connect_timeout(int fd, const struct sockaddr *dst, socklen_t dstlen, int timeout_ms);

/*
 * The local address the kernel would use toward dst (UDP connect +
 * getsockname; nothing is sent) as 16 bytes (IPv4-mapped for IPv4).
 * 0 or SPA_ERR_SYSTEM.
 */
int spa_local_ip(const struct sockaddr *dst, socklen_t dstlen, uint8_t ip[16]);

/* The address and port of sa as 16 bytes (IPv4-mapped) and host order. 0 or SPA_ERR_ADDR. */
int spa_sockaddr_ip(const struct sockaddr *sa, uint8_t ip[16], uint16_t *port);

/* A fresh seed as 64 lower-case hex digits into out[65]. 0 or SPA_ERR_RANDOM. */
int spa_seed_hex(char out[2 * SPA_SEED_LEN + 1]);

#endif /* SPA_CLIENT_H */
