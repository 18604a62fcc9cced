/*
 * fake-spad.c - a stand-in SPA server for spa-knock's system tests, so the
 * client can be tested before and apart from spad.
 *
 *   fake-spad -c CRED -w PASSWORD -p SERVICE_PORT -s STATE [-l ADDR] [-u UDP_PORT]
 *             [--drop N] [--hold N]
 *
 * Decodes each datagram with spa_pkt_open under the seed or prev_seed it
 * holds and applies DESIGN.md's rules (counter window, HOTP, password,
 * seed/prev_seed rotation).  The "door" is a TCP listener on SERVICE_PORT that
 * exists only after an accepted knock and takes one connection, which must
 * come from the announced source port; it answers "hello COUNTER\n" and
 * echoes.  --drop N ignores the next N valid knocks (lost datagrams); --hold N
 * accepts and rotates on the next N but keeps the door shut (lost connects).
 * STATE, when it exists, is the server's state at start (else CRED's).
 * After every accepted knock STATE gets "seed prev counter" in hex/decimal;
 * one line per datagram on stdout says what happened.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "spa_client.h"
#include "spa_conf.h"
#include "spa_crypto.h"
#include "spa_err.h"
#include "spa_pkt.h"
#include "spa_util.h"

static uint8_t S[32], P[32], pw[32];
static int hasP;
static uint64_t C;
static char aid[33];
static const char *state_path;

static void
save_state(void)
{
	char s[65], p[65], text[200];
	int n;

	spa_hex_encode(S, 32, s, sizeof(s));
	spa_hex_encode(P, 32, p, sizeof(p));
	n = snprintf(text, sizeof(text), "%s %s %" PRIu64 "\n", s, hasP ? p : "-", C);
	if (spa_file_write_atomic(state_path, text, (size_t)n, 0600) != 0)
		perror("state");
}

static int
listen_on(int fam, uint16_t port)
{
	struct sockaddr_in6 a;
	int fd, one = 1, zero = 0;

	fd = socket(fam, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_port = htons(port);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 4) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Check one datagram; 1 and *sport and *ctr when it opens the door. */
static int
judge(const uint8_t *pkt, size_t len, uint16_t *sport, uint64_t *ctr, uint16_t service)
{
	struct spa_keys k;
	struct spa_payload p;
	const uint8_t *kid;
	uint8_t kidS[16], kidP[16];
	uint32_t code;
	char a[33], ip[64];
	int underP = 0, rc = 0;

	if (spa_pkt_check(pkt, len, &kid) != 0) {
		printf("reject length/version\n");
		return 0;
	}
	spa_key_id(S, kidS);
	spa_key_id(P, kidP);
	if (memcmp(kid, kidS, 16) == 0)
		spa_keys_derive(S, &k);
	else if (hasP && memcmp(kid, kidP, 16) == 0) {
		spa_keys_derive(P, &k);
		underP = 1;
	} else {
		printf("reject unknown key_id\n");
		return 0;
	}
	if (spa_pkt_open(&k, pkt, len, &p) != 0) {
		printf("reject tag\n");
		goto out;
	}
	if (spa_aid_string(&p, a) != 0 || strcmp(a, aid) != 0) {
		printf("reject aid\n");
		goto out;
	}
	if (p.counter <= C || p.counter > C + 1000) {
		printf("reject counter %" PRIu64 " (last %" PRIu64 ")\n", p.counter, C);
		goto out;
	}
	spa_hotp(k.hotp, sizeof(k.hotp), p.counter, SPA_HOTP_DIGITS, &code);
	if (code != p.hotp) {
		printf("reject hotp\n");
		goto out;
	}
	if (!spa_ct_eq(p.password, pw, 32)) {
		printf("reject password\n");
		goto out;
	}
	if (p.port != service || p.protocol != SPA_PROTO_TCP) {
		printf("reject port %u proto %u\n", p.port, p.protocol);
		goto out;
	}
	if ((uint64_t)time(NULL) - p.timestamp + 120 > 240) {
		printf("reject stale\n");
		goto out;
	}
	C = p.counter;
	if (!spa_is_zero(p.new_seed, 32)) {
		if (!underP) {
			memcpy(P, S, 32);
			hasP = 1;
		}
		memcpy(S, p.new_seed, 32);
	}
	save_state();
	spa_ip_format(p.ip, ip, sizeof(ip));
	printf("accept counter=%" PRIu64 " sport=%u under=%s rotated=%d ip=%s\n", p.counter,
	    p.source_port, underP ? "prev" : "seed", !spa_is_zero(p.new_seed, 32), ip[0] ? ip : "source");
	*sport = p.source_port;
	*ctr = p.counter;
	rc = 1;
out:
	spa_payload_wipe(&p);
	spa_keys_wipe(&k);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = { { "drop", 1, NULL, 'D' }, { "hold", 1, NULL, 'H' }, { 0, 0, 0, 0 } };
	const char *cred = NULL, *password = NULL, *seedv, *ctrv;
	struct spa_conf conf;
	char err[SPA_CONF_ERRLEN];
	uint16_t service = 0, udpport = SPA_DEFAULT_PORT, sport = 0;
	uint64_t ctr = 0;
	int drop = 0, hold = 0, ch, u, lfd = -1, cfd = -1;
	struct sockaddr_in6 a;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((ch = getopt_long(argc, argv, "c:w:p:s:u:", lo, NULL)) != -1) {
		switch (ch) {
		case 'c': cred = optarg; break;
		case 'w': password = optarg; break;
		case 'p': service = (uint16_t)atoi(optarg); break;
		case 's': state_path = optarg; break;
		case 'u': udpport = (uint16_t)atoi(optarg); break;
		case 'D': drop = atoi(optarg); break;
		case 'H': hold = atoi(optarg); break;
		default: return 2;
		}
	}
	if (!cred || !password || !service || !state_path)
		return 2;
	memset(&conf, 0, sizeof(conf));
	if (spa_conf_load(&conf, cred, 0, NULL, err) != 0 || spa_conf_require(&conf, "seed", &seedv, err) ||
	    spa_conf_require(&conf, "counter", &ctrv, err) ||
	    spa_hex_decode(spa_conf_get(&conf, "seed", NULL), S, 32) != 0) {
		fprintf(stderr, "fake-spad: %s\n", err);
		return 2;
	}
	C = strtoull(ctrv, NULL, 10);
	snprintf(aid, sizeof(aid), "%s", spa_conf_get(&conf, "aid", NULL));
	{
		/* A restarted server keeps its state, as spad's store does. */
		FILE *f = fopen(state_path, "r");
		char s[80], p[80];
		unsigned long long c;

		if (f != NULL && fscanf(f, "%70s %70s %llu", s, p, &c) == 3) {
			spa_hex_decode(s, S, 32);
			hasP = spa_hex_decode(p, P, 32) == 0;
			C = c;
		}
		if (f != NULL)
			fclose(f);
	}
	spa_password_key(password, strlen(password), aid, pw);
	spa_conf_free(&conf);
	save_state();

	u = socket(AF_INET6, SOCK_DGRAM, 0);
	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_port = htons(udpport);
	if (u < 0 || bind(u, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("fake-spad: udp");
		return 1;
	}
	printf("ready\n");
	for (;;) {
		struct pollfd pf[3] = { { u, POLLIN, 0 }, { lfd, POLLIN, 0 }, { cfd, POLLIN, 0 } };
		uint8_t buf[2048];
		ssize_t n;

		if (poll(pf, 3, -1) < 0)
			continue;
		if (pf[0].revents & POLLIN) {
			n = recv(u, buf, sizeof(buf), 0);
			if (n > 0 && drop > 0) {
				drop--;
				printf("dropped a datagram on purpose\n");
			} else if (n > 0 && judge(buf, (size_t)n, &sport, &ctr, service)) {
				if (hold > 0) {
					hold--;
					printf("door kept shut on purpose\n");
				} else if (lfd < 0 && (lfd = listen_on(AF_INET6, service)) < 0) {
					perror("fake-spad: listen");
				}
			}
		}
		if (lfd >= 0 && (pf[1].revents & POLLIN)) {
			struct sockaddr_in6 peer;
			socklen_t pl = sizeof(peer);
			int fd = accept(lfd, (struct sockaddr *)&peer, &pl);

			if (fd >= 0 && ntohs(peer.sin6_port) != sport) {
				printf("refused connection from port %u (announced %u)\n", ntohs(peer.sin6_port), sport);
				close(fd);
			} else if (fd >= 0) {
				/* The door closes behind the first connection. */
				close(lfd);
				lfd = -1;
				if (cfd >= 0)
					close(cfd);
				cfd = fd;
				n = snprintf((char *)buf, sizeof(buf), "hello %" PRIu64 "\n", ctr);
				(void)!write(cfd, buf, (size_t)n);
				printf("connected from port %u\n", sport);
			}
		}
		if (cfd >= 0 && (pf[2].revents & (POLLIN | POLLHUP))) {
			n = read(cfd, buf, sizeof(buf));
			if (n <= 0) {
				close(cfd);
				cfd = -1;
			} else {
				(void)!write(cfd, buf, (size_t)n);
			}
		}
	}
}
