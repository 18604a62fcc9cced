/*
 * testknock.c - a knock sender for spad's system tests (not installed):
 * builds one spa/1 datagram with lib/spa_pkt.h from explicit fields, so a
 * test can make every kind of bad knock (wrong password, stale timestamp,
 * replay, foreign address) as easily as a good one.
 *
 *   spad-testknock --seed HEX --aid AID --password PW --counter N --port P
 *       [--sport S] [--proto tcp|udp] [--ip ADDR] [--new-seed HEX]
 *       [--age SECONDS] [--random R] [--to ADDR] [--spa-port 62201]
 *       [--from-port N] [--out FILE]
 *   spad-testknock --replay FILE --to ADDR [--spa-port P]
 *
 * Exit 0 when the datagram was sent, 1 on bad arguments, 2 on failure.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "spa_crypto.h"
#include "spa_pkt.h"
#include "spa_util.h"

static int
send_to(const uint8_t *pkt, size_t len, const char *to, uint16_t port, uint16_t from)
{
	struct sockaddr_in6 sa;
	uint8_t a[16];
	int fd, one = 1;

	if (spa_ip_parse(to, a) != 0)
		return 1;
	memset(&sa, 0, sizeof(sa));
	sa.sin6_family = AF_INET6;
	memcpy(&sa.sin6_addr, a, 16);
	sa.sin6_port = htons(port);
	if ((fd = socket(AF_INET6, SOCK_DGRAM, 0)) < 0)
		return 2;
	if (from != 0) {
		struct sockaddr_in6 b;

		memset(&b, 0, sizeof(b));
		b.sin6_family = AF_INET6;
		b.sin6_port = htons(from);
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&b, sizeof(b)) != 0) {
			close(fd);
			return 2;
		}
	}
	if (sendto(fd, pkt, len, 0, (struct sockaddr *)&sa, sizeof(sa)) != (ssize_t)len) {
		close(fd);
		return 2;
	}
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option o[] = {
		{ "seed", 1, NULL, 's' }, { "aid", 1, NULL, 'a' }, { "password", 1, NULL, 'p' },
		{ "counter", 1, NULL, 'c' }, { "port", 1, NULL, 'P' }, { "sport", 1, NULL, 'S' },
		{ "proto", 1, NULL, 'r' }, { "ip", 1, NULL, 'i' }, { "new-seed", 1, NULL, 'n' },
		{ "age", 1, NULL, 'g' }, { "random", 1, NULL, 'R' }, { "to", 1, NULL, 't' },
		{ "spa-port", 1, NULL, 'd' }, { "from-port", 1, NULL, 'f' }, { "out", 1, NULL, 'o' },
		{ "replay", 1, NULL, 'x' }, { "reserved", 1, NULL, 'z' }, { NULL, 0, NULL, 0 },
	};
	struct spa_payload p;
	struct spa_keys k;
	uint8_t seed[SPA_SEED_LEN], nonce[SPA_NONCE_LEN], pkt[SPA_PKT_LEN];
	const char *password = NULL, *to = "127.0.0.1", *out = NULL, *replay = NULL, *aid = NULL;
	long age = 0;
	int ch, have_seed = 0, have_random = 0, rc;
	uint16_t spa_port = SPA_DEFAULT_PORT, from = 0;
	FILE *f;

	memset(&p, 0, sizeof(p));
	p.protocol = SPA_PROTO_TCP;
	while ((ch = getopt_long(argc, argv, "", o, NULL)) != -1) {
		switch (ch) {
		case 's': if (spa_hex_decode(optarg, seed, sizeof(seed)) != 0) return 1; have_seed = 1; break;
		case 'a': aid = optarg; break;
		case 'p': password = optarg; break;
		case 'c': p.counter = strtoull(optarg, NULL, 10); break;
		case 'P': p.port = (uint16_t)atoi(optarg); break;
		case 'S': p.source_port = (uint16_t)atoi(optarg); break;
		case 'r': p.protocol = strcmp(optarg, "udp") == 0 ? SPA_PROTO_UDP : SPA_PROTO_TCP; break;
		case 'i': if (spa_ip_parse(optarg, p.ip) != 0) return 1; break;
		case 'n': if (spa_hex_decode(optarg, p.new_seed, SPA_SEED_LEN) != 0) return 1; break;
		case 'g': age = atol(optarg); break;
		case 'R': p.random = (uint32_t)strtoul(optarg, NULL, 10); have_random = 1; break;
		case 't': to = optarg; break;
		case 'd': spa_port = (uint16_t)atoi(optarg); break;
		case 'f': from = (uint16_t)atoi(optarg); break;
		case 'o': out = optarg; break;
		case 'x': replay = optarg; break;
		case 'z': p.reserved[0] = (uint8_t)atoi(optarg); break;
		default: return 1;
		}
	}
	if (replay != NULL) {
		if ((f = fopen(replay, "rb")) == NULL || fread(pkt, 1, sizeof(pkt), f) != sizeof(pkt))
			return 2;
		fclose(f);
		return send_to(pkt, sizeof(pkt), to, spa_port, from);
	}
	if (!have_seed || aid == NULL || password == NULL || spa_aid_set(&p, aid) != 0)
		return 1;
	if (spa_password_key(password, strlen(password), aid, p.password) != 0)
		return 2;
	p.timestamp = (uint64_t)(time(NULL) - age);
	if (!have_random && spa_random(&p.random, sizeof(p.random)) != 0)
		return 2;
	if (spa_keys_derive(seed, &k) != 0 || spa_hotp(k.hotp, sizeof(k.hotp), p.counter, SPA_HOTP_DIGITS,
	    &p.hotp) != 0 || spa_random(nonce, sizeof(nonce)) != 0)
		return 2;
	if (spa_pkt_encode(&k, nonce, &p, pkt) != 0) {
		/* the encoder refuses non-zero reserved bytes: patch them in the clear payload instead */
		return 2;
	}
	spa_keys_wipe(&k);
	if (out != NULL) {
		if ((f = fopen(out, "wb")) == NULL || fwrite(pkt, 1, sizeof(pkt), f) != sizeof(pkt))
			return 2;
		fclose(f);
	}
	rc = send_to(pkt, sizeof(pkt), to, spa_port, from);
	spa_payload_wipe(&p);
	return rc;
}
