/*
 * knock.h - spa-knock's two knocking modes on real sockets: ProxyCommand
 * (knock, connect, relay) and send (knock only).
 *
 * Exit status of spa-knock (the table spa-knock(1) documents):
 *   0  success: the relayed connection ended / knock sent / port open / value printed
 *   1  --check: the port did not answer
 *   2  usage: bad option or argument, bad port, bad address
 *   3  credential: none for this host, unreadable, group/world-readable, malformed
 *      (message names file:line), or cannot be saved
 *   4  name resolution failed (credential's server or the target host)
 *   5  the door stayed shut until the deadline (server silent, wrong password,
 *      seeds out of sync, port not allowed)
 *   6  network or system error (socket, send, relay)
 *   7  no password: no terminal and no SSH_ASKPASS, or askpass declined
 *   8  public address lookup failed (--public-ip, --allow-public-ip)
 * On statuses 2, 3, 4, 7 and 8 the credential file is left exactly as it was;
 * on 5 and 6 only its counter and pending seed have advanced (both must be
 * saved before a datagram leaves), the committed seed is unchanged.
 */
#ifndef KNOCK_H
#define KNOCK_H

#include <stdint.h>

enum knock_exit {
	KX_OK = 0,
	KX_CLOSED = 1,
	KX_USAGE = 2,
	KX_CRED = 3,
	KX_RESOLVE = 4,
	KX_SHUT = 5,
	KX_SYSTEM = 6,
	KX_PASSWORD = 7,
	KX_PUBIP = 8,
};

struct knock_opts {
	const char *cred_path;		/* -c FILE, or NULL: search the credential directory */
	const char *host;		/* target host (selects the credential) */
	uint16_t port;			/* service port */
	uint8_t protocol;		/* SPA_PROTO_TCP / SPA_PROTO_UDP */
	int allow_public;		/* --allow-public-ip */
	int have_allow_ip;		/* --allow-ip given */
	uint8_t allow_ip[16];		/* --allow-ip */
	const char *ip_url;		/* --ip-url */
	const char *ca_file;		/* --ca-file */
	int timeout_s;			/* overall deadline */
	int window_ms;			/* connect window per knock */
	int save_pwkey;			/* --save-password-key */
	int proxy;			/* 1: connect and relay; 0: knock only */
	int verbose;
};

/* Run one knock (and, in proxy mode, the relay); messages on stderr. Returns an exit status. */
int knock_main(const struct knock_opts *o);

/* Print "spa-knock: " + message + newline on stderr. */
void knock_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* KNOCK_H */
