/*
 * spa_client.c - build and send knocks, probe ports, find the local address.
 *
 * The datagram is built only through the packet codec (spa_pkt_encode); this
 * file adds the parts that touch the network.  Every secret that passes
 * through a stack buffer here is wiped before return.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "spa_client.h"
#include "spa_crypto.h"
#include "spa_err.h"
#include "spa_pkt.h"

void
spa_knock_wipe(struct spa_knock *k)
{
	spa_wipe(k, sizeof(*k));
}

int
spa_client_build(const struct spa_knock *k, uint8_t out[SPA_PKT_LEN])
{
	struct spa_payload p;
	struct spa_keys keys;
	uint8_t nonce[SPA_NONCE_LEN];
	int rc;

	memset(&p, 0, sizeof(p));
	memset(&keys, 0, sizeof(keys));
	memset(out, 0, SPA_PKT_LEN);
	if ((rc = spa_aid_set(&p, k->aid)) != 0)
		goto out;
	if (k->protocol != SPA_PROTO_TCP && k->protocol != SPA_PROTO_UDP) {
		rc = SPA_ERR_PKT_PROTOCOL;
		goto out;
	}
	if (k->port == 0) {
		rc = SPA_ERR_PORT;
		goto out;
	}
	if ((rc = spa_keys_derive(k->seed, &keys)) != 0)
		goto out;
	if ((rc = spa_random(nonce, sizeof(nonce))) != 0 ||
	    (rc = spa_random(&p.random, sizeof(p.random))) != 0)
		goto out;
	memcpy(p.password, k->password, sizeof(p.password));
	p.timestamp = k->timestamp ? k->timestamp : (uint64_t)time(NULL);
	p.counter = k->counter;
	if ((rc = spa_hotp(keys.hotp, sizeof(keys.hotp), k->counter, SPA_HOTP_DIGITS, &p.hotp)) != 0)
		goto out;
	memcpy(p.new_seed, k->new_seed, sizeof(p.new_seed));
	memcpy(p.ip, k->ip, sizeof(p.ip));
	p.port = k->port;
	p.source_port = k->source_port;
	p.protocol = k->protocol;
	rc = spa_pkt_encode(&keys, nonce, &p, out);
out:
	if (rc != 0)
		memset(out, 0, SPA_PKT_LEN);
	spa_payload_wipe(&p);
	spa_keys_wipe(&keys);
	return rc;
}

int
spa_client_send(const struct sockaddr *dst, socklen_t dstlen, const struct spa_knock *k)
{
	uint8_t pkt[SPA_PKT_LEN];
	ssize_t n;
	int fd = -1, rc, saved;

	if ((rc = spa_client_build(k, pkt)) != 0)
		return rc;
	fd = socket(dst->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = SPA_ERR_SYSTEM;
		goto out;
	}
	do
		n = sendto(fd, pkt, sizeof(pkt), 0, dst, dstlen);
	while (n < 0 && errno == EINTR);
	rc = n == (ssize_t)sizeof(pkt) ? 0 : SPA_ERR_SYSTEM;
out:
	saved = errno;
	if (fd >= 0)
		close(fd);
	errno = saved;
	return rc;
}

int
spa_resolve(const char *host, uint16_t port, int family, struct sockaddr_storage *out,
    socklen_t *outlen, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL;
	char service[8];
	int g;

	if (host == NULL || *host == '\0')
		return SPA_ERR_INVALID;
	/*
	 * An address literal needs no resolver: glibc's getaddrinfo asks the
	 * kernel for every local address (AI_ADDRCONFIG, a netlink dump) and
	 * tries nscd first, a millisecond or more on a host with many
	 * addresses, on the path of every ssh login through spa-knock.
	 * Scoped IPv6 ("fe80::1%eth0") fails inet_pton and goes the long way.
	 */
	memset(out, 0, sizeof(*out));
	if (family != AF_INET6) {
		struct sockaddr_in *in = (struct sockaddr_in *)out;

		if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
			in->sin_family = AF_INET;
			in->sin_port = htons(port);
			*outlen = sizeof(*in);
			return 0;
		}
	}
	if (family != AF_INET) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)out;

		if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
			in6->sin6_family = AF_INET6;
			in6->sin6_port = htons(port);
			*outlen = sizeof(*in6);
			return 0;
		}
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_DGRAM;	/* one entry per address */
	hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG;
	snprintf(service, sizeof(service), "%u", (unsigned)port);
	g = getaddrinfo(host, service, &hints, &res);
	if (g == EAI_ADDRFAMILY || g == EAI_NONAME) {
		/* AI_ADDRCONFIG hides literals of a family with no address configured
		 * but loopback; try once more without it so "::1" still works. */
		hints.ai_flags = AI_NUMERICSERV;
		g = getaddrinfo(host, service, &hints, &res);
	}
	if (g != 0 || res == NULL || res->ai_addrlen > sizeof(*out)) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s", g != 0 ? gai_strerror(g) : "no usable address");
		if (res != NULL)
			freeaddrinfo(res);
		return SPA_ERR_RESOLVE;
	}
	memset(out, 0, sizeof(*out));
	memcpy(out, res->ai_addr, res->ai_addrlen);
	*outlen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

int
spa_connect_timeout(int fd, const struct sockaddr *dst, socklen_t dstlen, int timeout_ms)
{
	struct pollfd pfd;
	socklen_t elen = sizeof(int);
	int flags, r, e = 0, rc;

	if ((flags = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return SPA_ERR_SYSTEM;
	r = connect(fd, dst, dstlen);
	if (r == 0) {
		rc = 0;
		goto out;
	}
	if (errno != EINPROGRESS && errno != EINTR) {
		e = errno;
		rc = SPA_ERR_SYSTEM;
		goto out;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	do
		r = poll(&pfd, 1, timeout_ms < 0 ? 0 : timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		e = errno;
		rc = SPA_ERR_SYSTEM;
		goto out;
	}
	if (r == 0) {
		rc = SPA_ERR_TIMEOUT;
		goto out;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) < 0) {
		e = errno;
		rc = SPA_ERR_SYSTEM;
		goto out;
	}
	rc = e == 0 ? 0 : SPA_ERR_SYSTEM;
out:
	(void)fcntl(fd, F_SETFL, flags);
	errno = e;
	return rc;
}

int
spa_port_is_open(const struct sockaddr *dst, socklen_t dstlen, int timeout_ms)
{
	int fd, rc;

	fd = socket(dst->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return SPA_ERR_SYSTEM;
	rc = spa_connect_timeout(fd, dst, dstlen, timeout_ms);
	close(fd);
	if (rc == 0)
		return 1;
	if (rc == SPA_ERR_TIMEOUT)
		return 0;
	switch (errno) {
	case ECONNREFUSED: case EHOSTUNREACH: case ENETUNREACH: case ETIMEDOUT:
	case EHOSTDOWN: case ECONNRESET:
		return 0;
	default:
		return SPA_ERR_SYSTEM;
	}
}

int
spa_sockaddr_ip(const struct sockaddr *sa, uint8_t ip[16], uint16_t *port)
{
	memset(ip, 0, 16);
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		ip[10] = 0xff;
		ip[11] = 0xff;
		memcpy(ip + 12, &in->sin_addr, 4);
		if (port != NULL)
			*port = ntohs(in->sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		memcpy(ip, &in6->sin6_addr, 16);
		if (port != NULL)
			*port = ntohs(in6->sin6_port);
		return 0;
	}
	return SPA_ERR_ADDR;
}

int
spa_local_ip(const struct sockaddr *dst, socklen_t dstlen, uint8_t ip[16])
{
	struct sockaddr_storage me;
	socklen_t melen = sizeof(me);
	int fd, rc = SPA_ERR_SYSTEM, saved;

	fd = socket(dst->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return SPA_ERR_SYSTEM;
	/* connect() on a datagram socket only picks the route and source address. */
	if (connect(fd, dst, dstlen) == 0 &&
	    getsockname(fd, (struct sockaddr *)&me, &melen) == 0)
		rc = spa_sockaddr_ip((struct sockaddr *)&me, ip, NULL);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

int
spa_seed_hex(char out[2 * SPA_SEED_LEN + 1])
{
	uint8_t seed[SPA_SEED_LEN];
	int rc;

	if ((rc = spa_seed_generate(seed)) == 0)
		rc = spa_hex_encode(seed, sizeof(seed), out, 2 * SPA_SEED_LEN + 1);
	spa_wipe(seed, sizeof(seed));
	return rc;
}
