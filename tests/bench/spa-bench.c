/*
 * spa-bench.c - the load and timing tool of tests/bench/run.
 *
 *   spa-bench flood  --dst IP [--src IP] [--udp-port P] --rate PPS --count N --seconds S
 *                    --kind rand|b64|badtag|file [--len L] [--keyid HEX] [--file F]
 *       Send junk datagrams with sendmmsg, paced to PPS, stopping at N datagrams or
 *       S seconds, whichever comes first (every flood is bounded).  Prints
 *       "sent=N seconds=S rate=R".
 *   spa-bench probe  --dst IP [--src IP] [--udp-port P] --port P [--sport P]
 *                    [--timeout-ms MS] (--raw FILE | --spa SEEDHEX:AID:PWKEYHEX:COUNTER |
 *                    --client I --counter C)
 *       Send one knock (a prepared datagram, or a spa/1 datagram built here for
 *       explicit credentials or for bench client I of bench-cred.h), then
 *       try a TCP connect to dst:port every 1 ms.  Prints the microseconds from
 *       the knock's send to the first connect that succeeds, or "timeout".
 *   spa-bench keyid --client I
 *       Print bench client I's key_id (for --kind badtag).
 *   spa-bench listen --port P [--seconds S]
 *       Accept and close TCP connections (the service the knocks open).
 *
 * Why C and not a script: a flood of 100,000 datagrams a second on a loaded
 * 2-core machine needs batching (sendmmsg) and a pacer that does not spin.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "spa_crypto.h"
#include "spa_pkt.h"
#include "bench-cred.h"

#define POOL	1024	/* distinct junk datagrams, sent round robin */
#define BATCH	64	/* datagrams per sendmmsg */
#define MAXLEN	1400

struct opts {
	const char *dst, *src, *kind, *keyid, *file, *raw, *spa;
	int udp_port, port, sport, len, timeout_ms, client;
	unsigned long long counter;
	double rate, seconds;
	long count;
};

static void die(const char *what)
{
	fprintf(stderr, "spa-bench: %s\n", what);
	exit(2);
}

static void die_errno(const char *what)
{
	fprintf(stderr, "spa-bench: %s: %s\n", what, strerror(errno));
	exit(2);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void parse(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->udp_port = SPA_DEFAULT_PORT;
	o->len = SPA_PKT_LEN;
	o->timeout_ms = 3000;
	o->kind = "rand";
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (v == NULL)
			die("option without a value (see the comment at the top of spa-bench.c)");
		i++;
		if (!strcmp(a, "--dst")) o->dst = v;
		else if (!strcmp(a, "--src")) o->src = v;
		else if (!strcmp(a, "--kind")) o->kind = v;
		else if (!strcmp(a, "--keyid")) o->keyid = v;
		else if (!strcmp(a, "--file")) o->file = v;
		else if (!strcmp(a, "--raw")) o->raw = v;
		else if (!strcmp(a, "--spa")) o->spa = v;
		else if (!strcmp(a, "--udp-port")) o->udp_port = atoi(v);
		else if (!strcmp(a, "--port")) o->port = atoi(v);
		else if (!strcmp(a, "--sport")) o->sport = atoi(v);
		else if (!strcmp(a, "--len")) o->len = atoi(v);
		else if (!strcmp(a, "--timeout-ms")) o->timeout_ms = atoi(v);
		else if (!strcmp(a, "--rate")) o->rate = atof(v);
		else if (!strcmp(a, "--seconds")) o->seconds = atof(v);
		else if (!strcmp(a, "--count")) o->count = atol(v);
		else if (!strcmp(a, "--client")) o->client = atoi(v);
		else if (!strcmp(a, "--counter")) o->counter = strtoull(v, NULL, 10);
		else {
			fprintf(stderr, "spa-bench: unknown option %s\n", a);
			exit(2);
		}
	}
	if (o->len < 1 || o->len > MAXLEN)
		die("--len must be 1..1400");
}

static void sockaddr_of(const char *ip, int port, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (ip == NULL)
		sa->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (inet_pton(AF_INET, ip, &sa->sin_addr) != 1)
		die("not an IPv4 address");
}

/* A UDP socket bound to src (when given); unconnected, so ICMP errors do not stop a flood. */
static int udp_socket(const char *src)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int sz = 4 << 20;

	if (fd < 0)
		die_errno("socket");
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (src != NULL) {
		sockaddr_of(src, 0, &sa);
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			die_errno("bind (udp source)");
	}
	return fd;
}

/* Read a whole small file (a prepared datagram), dropping one trailing newline. */
static size_t read_packet(const char *path, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		die_errno(path);
	n = fread(buf, 1, cap, f);
	fclose(f);
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n == 0)
		die("empty packet file");
	return n;
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Fill pool[POOL][len] with junk of the given kind. */
static void make_pool(const struct opts *o, uint8_t *pool, size_t *len)
{
	uint8_t keyid[SPA_KEYID_LEN];
	size_t i, j;

	*len = (size_t)o->len;
	if (!strcmp(o->kind, "file")) {
		uint8_t one[MAXLEN];

		if (o->file == NULL)
			die("--kind file needs --file");
		*len = read_packet(o->file, one, sizeof(one));
		for (i = 0; i < POOL; i++)
			memcpy(pool + i * MAXLEN, one, *len);
		return;
	}
	if (spa_random(pool, (size_t)POOL * MAXLEN) != 0)
		die("getrandom failed");
	if (!strcmp(o->kind, "rand"))
		return;
	if (!strcmp(o->kind, "b64")) {
		/* The alphabet fwknop's datagrams use: gets past fwknopd's character checks. */
		for (i = 0; i < (size_t)POOL * MAXLEN; i++)
			pool[i] = (uint8_t)B64[pool[i] & 63];
		return;
	}
	if (!strcmp(o->kind, "badtag")) {
		/* Right length, version 1, a key_id spad knows, random nonce/ciphertext/tag. */
		if (o->keyid == NULL || spa_hex_decode(o->keyid, keyid, sizeof(keyid)) != 0)
			die("--kind badtag needs --keyid (32 hex digits)");
		if (*len != SPA_PKT_LEN)
			die("--kind badtag is 189 bytes long");
		for (i = 0; i < POOL; i++) {
			pool[i * MAXLEN] = SPA_PKT_VERSION;
			for (j = 0; j < SPA_KEYID_LEN; j++)
				pool[i * MAXLEN + SPA_PKT_OFF_KEYID + j] = keyid[j];
		}
		return;
	}
	die("--kind is rand, b64, badtag or file");
}

static int cmd_flood(const struct opts *o)
{
	static uint8_t pool[POOL * MAXLEN];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in dst;
	size_t len;
	long sent = 0, errors = 0;
	double t0, t, end;
	unsigned next = 0;
	int fd, i;

	if (o->dst == NULL || o->rate <= 0 || o->count <= 0 || o->seconds <= 0)
		die("flood needs --dst, --rate, --count and --seconds (every flood is bounded)");
	make_pool(o, pool, &len);
	sockaddr_of(o->dst, o->udp_port, &dst);
	fd = udp_socket(o->src);
	t0 = now_s();
	end = t0 + o->seconds;
	for (;;) {
		long due, n;

		t = now_s();
		if (t >= end || sent >= o->count)
			break;
		due = (long)((t - t0) * o->rate) + 1;
		if (due > o->count)
			due = o->count;
		n = due - sent;
		if (n <= 0) {
			/* Sleep until the next datagram is due (no spinning). */
			double wait = (double)(sent + 1) / o->rate - (t - t0);
			struct timespec ts = { 0, (long)(wait * 1e9) };

			if (wait > 0)
				nanosleep(&ts, NULL);
			continue;
		}
		if (n > BATCH)
			n = BATCH;
		for (i = 0; i < n; i++) {
			iov[i].iov_base = pool + (size_t)(next++ % POOL) * MAXLEN;
			iov[i].iov_len = len;
			memset(&msgs[i], 0, sizeof(msgs[i]));
			msgs[i].msg_hdr.msg_name = &dst;
			msgs[i].msg_hdr.msg_namelen = sizeof(dst);
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		i = sendmmsg(fd, msgs, (unsigned)n, 0);
		if (i < 0) {
			if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
				die_errno("sendmmsg");
			errors++;
			continue;
		}
		sent += i;
	}
	t = now_s() - t0;
	close(fd);
	printf("sent=%ld seconds=%.3f rate=%.0f errors=%ld\n", sent, t, (double)sent / t, errors);
	return 0;
}

/* Build a spa/1 knock from "SEEDHEX:AID:PWKEYHEX:COUNTER" for port/sport over TCP. */
static size_t build_spa(const struct opts *o, uint8_t out[SPA_PKT_LEN])
{
	char spec[512], *seedhex, *aid, *pwhex, *ctr, *save = NULL;
	uint8_t seed[SPA_SEED_LEN], nonce[SPA_NONCE_LEN];
	struct spa_keys k;
	struct spa_payload p;

	memset(&p, 0, sizeof(p));
	if (o->client > 0) {
		struct bench_cred c;

		if (bench_cred((unsigned)o->client, &c) != 0)
			die("bench_cred failed");
		memcpy(seed, c.seed, sizeof(seed));
		memcpy(p.password, c.pwkey, sizeof(p.password));
		if (spa_aid_set(&p, c.aid) != 0)
			die("bad AID");
		p.counter = o->counter;
		spa_wipe(&c, sizeof(c));
	} else {
		if (strlen(o->spa) >= sizeof(spec))
			die("--spa too long");
		strcpy(spec, o->spa);
		seedhex = strtok_r(spec, ":", &save);
		aid = strtok_r(NULL, ":", &save);
		pwhex = strtok_r(NULL, ":", &save);
		ctr = strtok_r(NULL, ":", &save);
		if (seedhex == NULL || aid == NULL || pwhex == NULL || ctr == NULL)
			die("--spa is SEEDHEX:AID:PWKEYHEX:COUNTER");
		if (spa_hex_decode(seedhex, seed, sizeof(seed)) != 0 ||
		    spa_hex_decode(pwhex, p.password, sizeof(p.password)) != 0)
			die("--spa: bad hex");
		if (spa_aid_set(&p, aid) != 0)
			die("--spa: bad AID");
		p.counter = strtoull(ctr, NULL, 10);
	}
	if (spa_keys_derive(seed, &k) != 0)
		die("key derivation failed");
	p.timestamp = (uint64_t)time(NULL);
	if (spa_hotp(k.hotp, sizeof(k.hotp), p.counter, SPA_HOTP_DIGITS, &p.hotp) != 0 ||
	    spa_random(&p.random, sizeof(p.random)) != 0 || spa_random(nonce, sizeof(nonce)) != 0)
		die("hotp/random failed");
	p.port = (uint16_t)o->port;
	p.source_port = (uint16_t)o->sport;
	p.protocol = SPA_PROTO_TCP;
	if (spa_pkt_encode(&k, nonce, &p, out) != 0)
		die("spa_pkt_encode failed");
	spa_keys_wipe(&k);
	spa_payload_wipe(&p);
	spa_wipe(seed, sizeof(seed));
	return SPA_PKT_LEN;
}

/* One non-blocking connect from src:sport; 1 if it completes within ms, else 0. */
static int try_connect(const struct opts *o, const struct sockaddr_in *to, int ms)
{
	struct sockaddr_in from;
	struct pollfd pfd;
	int fd, one = 1, err = 0, ok = 0;
	socklen_t elen = sizeof(err);

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die_errno("socket");
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (o->src != NULL || o->sport != 0) {
		sockaddr_of(o->src, o->sport, &from);
		if (bind(fd, (struct sockaddr *)&from, sizeof(from)) < 0)
			die_errno("bind (tcp source)");
	}
	if (connect(fd, (const struct sockaddr *)to, sizeof(*to)) == 0) {
		ok = 1;
	} else if (errno == EINPROGRESS) {
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, ms) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 &&
		    err == 0)
			ok = 1;
		else if (err != 0)
			usleep((useconds_t)ms * 1000);	/* refused at once: still wait out the 1 ms */
	} else {
		usleep((useconds_t)ms * 1000);
	}
	close(fd);	/* a SYN_SENT socket goes at once: the 4-tuple is free again */
	return ok;
}

static int cmd_probe(const struct opts *o)
{
	uint8_t pkt[MAXLEN];
	struct sockaddr_in udst, tdst;
	size_t len;
	double t0, t;
	int fd;

	if (o->dst == NULL || o->port <= 0 || (o->raw != NULL) + (o->spa != NULL) + (o->client > 0) != 1)
		die("probe needs --dst, --port and one of --raw FILE / --spa SPEC / --client I");
	len = o->raw ? read_packet(o->raw, pkt, sizeof(pkt)) : build_spa(o, pkt);
	sockaddr_of(o->dst, o->udp_port, &udst);
	sockaddr_of(o->dst, o->port, &tdst);
	fd = udp_socket(o->src);
	t0 = now_s();
	if (sendto(fd, pkt, len, 0, (struct sockaddr *)&udst, sizeof(udst)) != (ssize_t)len)
		die_errno("sendto");
	close(fd);
	for (;;) {
		if (try_connect(o, &tdst, 1)) {
			t = now_s();
			printf("%.0f\n", (t - t0) * 1e6);
			return 0;
		}
		if ((now_s() - t0) * 1000 >= o->timeout_ms)
			break;
	}
	printf("timeout\n");
	return 1;
}

static int cmd_listen(const struct opts *o)
{
	struct sockaddr_in sa;
	int fd, c, one = 1;
	double end = o->seconds > 0 ? now_s() + o->seconds : 0;

	sockaddr_of(NULL, o->port, &sa);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die_errno("socket");
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1024) < 0)
		die_errno("bind/listen");
	while (end == 0 || now_s() < end) {
		struct pollfd pfd = { fd, POLLIN, 0 };

		if (poll(&pfd, 1, 500) == 1 && (c = accept(fd, NULL, NULL)) >= 0)
			close(c);
	}
	return 0;
}

static int cmd_keyid(const struct opts *o)
{
	struct bench_cred c;
	uint8_t kid[SPA_KEYID_LEN];
	char hex[2 * SPA_KEYID_LEN + 1];

	if (o->client <= 0 || bench_cred((unsigned)o->client, &c) != 0 || spa_key_id(c.seed, kid) != 0 ||
	    spa_hex_encode(kid, sizeof(kid), hex, sizeof(hex)) != 0)
		die("keyid needs --client I");
	spa_wipe(&c, sizeof(c));
	printf("%s\n", hex);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;

	if (argc < 2)
		die("usage: spa-bench flood|probe|listen OPTIONS");
	parse(argc, argv, &o);
	if (!strcmp(argv[1], "flood"))
		return cmd_flood(&o);
	if (!strcmp(argv[1], "probe"))
		return cmd_probe(&o);
	if (!strcmp(argv[1], "keyid"))
		return cmd_keyid(&o);
	if (!strcmp(argv[1], "listen"))
		return cmd_listen(&o);
	die("unknown command");
	return 2;
}
