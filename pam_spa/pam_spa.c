/*
 * pam_spa.c - PAM module: a login only through a live SPA grant.
 *
 * For `account` (which covers public-key logins) and `auth`, the module takes
 * the user, PAM_RHOST and sshd's SSH_CONNECTION ("rip rport lip lport") and
 * asks spad over its control socket ("check", see spa_ctl.h) whether a live
 * grant covers exactly this TCP connection and allows this user.  spad holds
 * the grants; this module holds no state, no secret and links no database or
 * capture library.
 *
 * Fail closed: each entry point starts from a refusal and exactly one path,
 * a well-formed "ok" from spad, turns it into PAM_SUCCESS.  A login with no
 * remote side at all (console) is PAM_IGNORE unless `strict`.
 *
 * Options: socket=PATH (default /run/spad/control.sock), grace=SECONDS (how
 * old the knock may be; sent to spad), timeout=MS (whole exchange with spad,
 * default 3000), strict, debug.  Any other option is logged and denies: a
 * typo must not open anything.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#define PAM_SM_AUTH
#define PAM_SM_ACCOUNT
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "spa_ctl.h"
#include "spa_err.h"

#define PAM_SPA_TIMEOUT_MS	3000
#define PAM_SPA_GRACE_MAX	86400

struct pam_spa_opts {
	const char *socket;
	unsigned long grace;	/* 0: spad's own limit */
	int timeout_ms;
	int strict;
	int debug;
};

/* The connection as sshd saw it, addresses in canonical text. */
struct pam_spa_conn {
	char rip[INET6_ADDRSTRLEN];
	char lip[INET6_ADDRSTRLEN];
	unsigned long rport;
	unsigned long lport;
};

/* Strict decimal in [min, max]: no sign, no space, no leading zero. 0 or -1. */
static int parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *v)
{
	unsigned long n = 0;
	size_t i;

	if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0') || strlen(s) > 10)
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		n = n * 10 + (unsigned long)(s[i] - '0');
	}
	if (n < min || n > max)
		return -1;
	*v = n;
	return 0;
}

/* Parse the module arguments; on an unknown or bad one, log it and return -1. */
static int parse_opts(pam_handle_t *pamh, int argc, const char **argv, struct pam_spa_opts *o)
{
	unsigned long v;
	int i;

	o->socket = SPA_CTL_SOCKET_DEFAULT;
	o->grace = 0;
	o->timeout_ms = PAM_SPA_TIMEOUT_MS;
	o->strict = 0;
	o->debug = 0;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "debug") == 0) {
			o->debug = 1;
		} else if (strcmp(a, "strict") == 0) {
			o->strict = 1;
		} else if (strncmp(a, "socket=", 7) == 0 && a[7] == '/') {
			o->socket = a + 7;
		} else if (strncmp(a, "grace=", 6) == 0 &&
			   parse_ulong(a + 6, 0, PAM_SPA_GRACE_MAX, &o->grace) == 0) {
			;
		} else if (strncmp(a, "timeout=", 8) == 0 && parse_ulong(a + 8, 1, 60000, &v) == 0) {
			o->timeout_ms = (int)v;
		} else {
			pam_syslog(pamh, LOG_ERR, "deny reason=bad_option option=\"%.64s\" "
				   "(known: socket=/PATH grace=0..%d timeout=1..60000 strict debug)",
				   a, PAM_SPA_GRACE_MAX);
			return -1;
		}
	}
	return 0;
}

/*
 * Parse an address into 16 bytes (IPv4 as ::ffff:a.b.c.d) and its canonical
 * text (IPv4 and IPv4-mapped as dotted quad).  0 or -1.
 */
static int parse_addr(const char *s, uint8_t bin[16], char *text, size_t textcap)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	struct in_addr a4;

	memset(bin, 0, 16);
	if (inet_pton(AF_INET, s, &a4) == 1) {
		memcpy(bin, mapped, sizeof(mapped));
		memcpy(bin + 12, &a4, 4);
	} else if (inet_pton(AF_INET6, s, bin) != 1) {
		return -1;
	}
	if (memcmp(bin, mapped, sizeof(mapped)) == 0)
		return inet_ntop(AF_INET, bin + 12, text, (socklen_t)textcap) != NULL ? 0 : -1;
	return inet_ntop(AF_INET6, bin, text, (socklen_t)textcap) != NULL ? 0 : -1;
}

/*
 * Parse SSH_CONNECTION: exactly "rip rport lip lport", single spaces.
 * rbin gets the remote address in 16 bytes.  0 or -1.
 */
static int parse_ssh_connection(const char *s, struct pam_spa_conn *c, uint8_t rbin[16])
{
	char buf[256], *tok[4], *p;
	uint8_t lbin[16];
	size_t n;

	if (strlen(s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, strlen(s) + 1);
	p = buf;
	for (n = 0; n < 4; n++) {
		tok[n] = p;
		p = strchr(p, ' ');
		if (n < 3) {
			if (p == NULL)
				return -1;
			*p++ = '\0';
		}
	}
	if (p != NULL)		/* a fifth field */
		return -1;
	if (parse_addr(tok[0], rbin, c->rip, sizeof(c->rip)) != 0 ||
	    parse_ulong(tok[1], 1, 65535, &c->rport) != 0 ||
	    parse_addr(tok[2], lbin, c->lip, sizeof(c->lip)) != 0 ||
	    parse_ulong(tok[3], 1, 65535, &c->lport) != 0)
		return -1;
	return 0;
}

/* Ask spad; returns PAM_SUCCESS only for a well-formed "ok", else fail_rc. */
static int ask_spad(pam_handle_t *pamh, const struct pam_spa_opts *o, const char *user,
		    const struct pam_spa_conn *c, int fail_rc)
{
	struct spa_ctl_writer *w = NULL;
	struct spa_ctl_msg *r = NULL;
	const char *reason, *aid;
	int rc = fail_rc, err;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		pam_syslog(pamh, LOG_ERR, "deny user=%s rhost=%s reason=no_memory", user, c->rip);
		goto out;
	}
	spa_ctl_begin(w, SPA_CTL_CHECK);
	spa_ctl_add(w, "user", user);
	spa_ctl_add(w, "rhost", c->rip);
	spa_ctl_add_u64(w, "rport", c->rport);
	spa_ctl_add(w, "laddr", c->lip);
	spa_ctl_add_u64(w, "lport", c->lport);
	if (o->grace > 0)
		spa_ctl_add_u64(w, "grace", o->grace);
	if (o->debug)
		pam_syslog(pamh, LOG_DEBUG, "check user=%s rhost=%s rport=%lu lport=%lu grace=%lu socket=%s",
			   user, c->rip, c->rport, c->lport, o->grace, o->socket);

	err = spa_ctl_call(o->socket, w, &r, o->timeout_ms);
	if (err == SPA_ERR_CTL_CONNECT || err == SPA_ERR_SYSTEM || err == SPA_ERR_INVALID) {
		pam_syslog(pamh, LOG_ERR, "deny user=%s rhost=%s reason=spad_unreachable socket=%s error=\"%s\"",
			   user, c->rip, o->socket, strerror(errno));
		goto out;
	}
	if (err == SPA_ERR_TIMEOUT) {
		pam_syslog(pamh, LOG_ERR, "deny user=%s rhost=%s reason=spad_timeout socket=%s timeout_ms=%d",
			   user, c->rip, o->socket, o->timeout_ms);
		goto out;
	}
	if (err != 0) {
		pam_syslog(pamh, LOG_ERR, "deny user=%s rhost=%s reason=spad_malformed_answer socket=%s",
			   user, c->rip, o->socket);
		goto out;
	}
	reason = spa_ctl_get(r, 0, "reason");
	if (spa_ctl_is(r, SPA_CTL_DENY)) {
		pam_syslog(pamh, LOG_NOTICE, "deny user=%s rhost=%s rport=%lu lport=%lu reason=%.64s",
			   user, c->rip, c->rport, c->lport, reason != NULL ? reason : "unspecified");
		goto out;
	}
	if (spa_ctl_is(r, SPA_CTL_ERROR)) {
		pam_syslog(pamh, LOG_ERR, "deny user=%s rhost=%s reason=spad_error spad_reason=%.64s",
			   user, c->rip, reason != NULL ? reason : "unspecified");
		goto out;
	}
	aid = spa_ctl_get(r, 0, "aid");
	if (!spa_ctl_is(r, SPA_CTL_OK) || aid == NULL || aid[0] == '\0') {
		pam_syslog(pamh, LOG_ERR, "deny user=%s rhost=%s reason=spad_malformed_answer verb=%.32s",
			   user, c->rip, r->verb);
		goto out;
	}
	pam_syslog(pamh, LOG_INFO, "allow user=%s rhost=%s rport=%lu lport=%lu aid=%.64s",
		   user, c->rip, c->rport, c->lport, aid);
	rc = PAM_SUCCESS;	/* the one path to success */
out:
	spa_ctl_msg_free(r);
	free(w);
	return rc;
}

/* The decision shared by auth and account; fail_rc is the entry's refusal code. */
static int pam_spa_decide(pam_handle_t *pamh, int argc, const char **argv, int fail_rc)
{
	struct pam_spa_opts o;
	struct pam_spa_conn c;
	const void *item = NULL;
	const char *user = NULL, *rhost = NULL, *sshconn;
	uint8_t rbin[16], hbin[16];
	char htext[INET6_ADDRSTRLEN];
	int rc = fail_rc;

	if (parse_opts(pamh, argc, argv, &o) != 0)
		goto out;
	if (pam_get_user(pamh, &user, NULL) != PAM_SUCCESS || user == NULL || user[0] == '\0') {
		pam_syslog(pamh, LOG_ERR, "deny reason=no_user");
		goto out;
	}
	if (!spa_ctl_value_ok(user) || strlen(user) > 256) {
		pam_syslog(pamh, LOG_ERR, "deny reason=bad_user_name");
		goto out;
	}
	if (pam_get_item(pamh, PAM_RHOST, &item) == PAM_SUCCESS && item != NULL)
		rhost = item;
	if (rhost != NULL && rhost[0] == '\0')
		rhost = NULL;
	sshconn = pam_getenv(pamh, "SSH_CONNECTION");
	if (sshconn != NULL && sshconn[0] == '\0')
		sshconn = NULL;

	if (sshconn == NULL && rhost == NULL) {
		if (o.strict) {
			pam_syslog(pamh, LOG_NOTICE, "deny user=%s reason=no_remote_host (strict)", user);
			goto out;
		}
		if (o.debug)
			pam_syslog(pamh, LOG_DEBUG, "ignore user=%s reason=no_remote_host", user);
		rc = PAM_IGNORE;
		goto out;
	}
	if (sshconn == NULL) {
		/* a remote login we cannot pin to a TCP connection: nothing to check against */
		pam_syslog(pamh, LOG_NOTICE, "deny user=%s rhost=%.64s reason=no_ssh_connection", user, rhost);
		goto out;
	}
	if (parse_ssh_connection(sshconn, &c, rbin) != 0) {
		pam_syslog(pamh, LOG_ERR, "deny user=%s reason=bad_ssh_connection value=\"%.100s\"",
			   user, spa_ctl_value_ok(sshconn) ? sshconn : "(unprintable)");
		goto out;
	}
	/* PAM_RHOST may be a host name (UseDNS yes); an address must agree with SSH_CONNECTION */
	if (rhost != NULL && parse_addr(rhost, hbin, htext, sizeof(htext)) == 0 &&
	    memcmp(hbin, rbin, sizeof(rbin)) != 0) {
		pam_syslog(pamh, LOG_ERR, "deny user=%s rhost=%s reason=rhost_mismatch ssh_connection=%s",
			   user, htext, c.rip);
		goto out;
	}
	rc = ask_spad(pamh, &o, user, &c, fail_rc);
out:
	return rc;
}

PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)flags;
	return pam_spa_decide(pamh, argc, argv, PAM_PERM_DENIED);
}

PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)flags;
	return pam_spa_decide(pamh, argc, argv, PAM_AUTH_ERR);
}

/* pam_spa establishes no credentials; success here grants nothing by itself. */
PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}
