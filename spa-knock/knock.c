/*
 * knock.c - ProxyCommand and send modes on real sockets (see knock.h).
 *
 * Order matters for "bad input changes nothing": the credential is found and
 * validated, the password obtained, every name resolved and the allowed
 * address known before the lock is taken and the first byte is saved.  The
 * lock then covers reload, knocks, connect and commit, so a second ssh waits
 * and starts from the state the first one left.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cred.h"
#include "knock.h"
#include "pass.h"
#include "pubip.h"
#include "relay.h"
#include "session.h"
#include "spa_client.h"
#include "spa_crypto.h"
#include "spa_err.h"
#include "spa_util.h"

/*
 * After a knock, wait KNOCK_CONNECT_DELAY_MS before the first SYN, then give
 * each SYN KNOCK_CONNECT_STEP_MS (doubling up to the maximum) before it is
 * abandoned and sent again from the same port.
 */
#define KNOCK_CONNECT_DELAY_MS		10
#define KNOCK_CONNECT_STEP_MS		250
#define KNOCK_CONNECT_STEP_MAX_MS	1600

struct knock_net {
	const struct knock_opts *o;
	struct cred *c;
	struct sockaddr_storage srv;	/* where knocks go */
	socklen_t srvlen;
	struct sockaddr_storage dst;	/* the service */
	socklen_t dstlen;
	struct spa_knock k;		/* template: aid, password, ip, port, protocol */
	int fd;				/* TCP socket bound before the knock */
	uint16_t sport;
	int lockfd;			/* the credential's lock (cred_lock) */
	pid_t commit_pid;		/* > 0: a child is saving the commit */
	char err[1024];
};

void
knock_msg(const char *fmt, ...)
{
	va_list ap;

	fputs("spa-knock: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int64_t
net_now_ms(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
net_sleep_ms(int64_t ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (ms > 0 && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* A fresh TCP socket bound to port (0: any); its port into n->sport. */
static int
net_bind(struct knock_net *n, uint16_t port)
{
	struct sockaddr_storage a;
	socklen_t alen;
	int one = 1;
	uint8_t ip[16];

	if (n->fd >= 0)
		close(n->fd);
	n->fd = socket(n->dst.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (n->fd < 0)
		return SPA_ERR_SYSTEM;
	/* The same source port is reused after an aborted SYN: the knock named it. */
	(void)setsockopt(n->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.ss_family = n->dst.ss_family;
	if (a.ss_family == AF_INET) {
		((struct sockaddr_in *)&a)->sin_port = htons(port);
		alen = sizeof(struct sockaddr_in);
	} else {
		((struct sockaddr_in6 *)&a)->sin6_port = htons(port);
		alen = sizeof(struct sockaddr_in6);
	}
	if (bind(n->fd, (struct sockaddr *)&a, alen) < 0)
		return SPA_ERR_SYSTEM;
	alen = sizeof(a);
	if (getsockname(n->fd, (struct sockaddr *)&a, &alen) < 0)
		return SPA_ERR_SYSTEM;
	return spa_sockaddr_ip((struct sockaddr *)&a, ip, &n->sport);
}

static int
net_save(void *ctx, const struct cred *c)
{
	struct knock_net *n = ctx;

	if (cred_save(c) != 0) {
		snprintf(n->err, sizeof(n->err), "cannot save %.800s: %.100s", c->path, strerror(errno));
		return SPA_ERR_CRED;
	}
	return 0;
}

/*
 * Save the commit in a child while the parent starts relaying: the commit
 * need not be durable before the session starts (lost, the file still holds
 * seed + pending, and the next knock under seed re-synchronises, see
 * session.c), and its fsyncs are a few ms on the path of every login.  The
 * child inherits the lock (same open file description) and releases it when
 * it is done, so the next spa-knock still starts from the committed file.
 * If fork fails, the save is done here.
 */
static int
net_save_commit(void *ctx, const struct cred *c)
{
	struct knock_net *n = ctx;
	pid_t pid;
	int rc;

	if (n->lockfd < 0 || (pid = fork()) < 0)
		return net_save(ctx, c);
	if (pid > 0) {
		n->commit_pid = pid;
		return 0;
	}
	/* Child: hold none of the session's descriptors (EOF must reach ssh and the server). */
	close(n->fd);
	close(STDIN_FILENO);
	close(STDOUT_FILENO);
	rc = net_save(ctx, c);
	if (rc != 0)
		knock_msg("warning: %s; the new seed stays pending and is sent again next time", n->err);
	cred_unlock(n->lockfd);
	spa_knock_wipe(&n->k);
	cred_wipe(n->c);
	_exit(rc == 0 ? 0 : 1);
}

/* Wait for the commit child, if any (its warning, if any, is already on stderr). */
static void
net_commit_wait(struct knock_net *n)
{
	int st, e = errno;

	if (n->commit_pid <= 0)
		return;
	while (waitpid(n->commit_pid, &st, 0) < 0 && errno == EINTR)
		;
	n->commit_pid = 0;
	errno = e;
}

static int
net_knock(void *ctx, const uint8_t seed[32], uint64_t counter, const uint8_t new_seed[32])
{
	struct knock_net *n = ctx;
	int rc;

	if (n->o->proxy) {
		if (net_bind(n, 0) != 0) {
			snprintf(n->err, sizeof(n->err), "cannot bind a TCP socket: %s", strerror(errno));
			return SPA_ERR_SYSTEM;
		}
		n->k.source_port = n->sport;
	}
	memcpy(n->k.seed, seed, sizeof(n->k.seed));
	memcpy(n->k.new_seed, new_seed, sizeof(n->k.new_seed));
	n->k.counter = counter;
	rc = spa_client_send((struct sockaddr *)&n->srv, n->srvlen, &n->k);
	spa_wipe(n->k.seed, sizeof(n->k.seed));
	spa_wipe(n->k.new_seed, sizeof(n->k.new_seed));
	if (rc == SPA_ERR_SYSTEM && (errno == EPERM || errno == ENOBUFS || errno == EAGAIN ||
	    errno == EHOSTUNREACH || errno == ECONNREFUSED)) {
		/* A local firewall or a full queue ate it: as good as lost on the way,
		 * and the counter is already spent; the connect fails and we re-knock. */
		if (n->o->verbose)
			knock_msg("knock to %s port %u not sent: %s", n->c->server,
			    (unsigned)n->c->spa_port, strerror(errno));
		return 0;
	}
	if (rc != 0) {
		snprintf(n->err, sizeof(n->err), "cannot send the knock to %s port %u: %s",
		    n->c->server, (unsigned)n->c->spa_port,
		    rc == SPA_ERR_SYSTEM ? strerror(errno) : spa_strerror(rc));
		return rc;
	}
	if (n->o->verbose)
		knock_msg("knock sent to %s port %u (counter %llu, source port %u)", n->c->server,
		    (unsigned)n->c->spa_port, (unsigned long long)counter, (unsigned)n->k.source_port);
	return 0;
}

/* Connect from the announced port with short backoff until until_ms. */
static int
net_connect(void *ctx, int64_t until_ms)
{
	struct knock_net *n = ctx;
	int64_t now, rem, step = KNOCK_CONNECT_STEP_MS;
	int rc, first = 1;

	/*
	 * The knock and a SYN sent right behind it travel together, and the SYN
	 * would reach the server before spad has opened the door (about 2 ms) and
	 * be dropped; the kernel would send it again only after a second.  So the
	 * first SYN waits a few milliseconds.  A SYN is never abandoned sooner than
	 * a round trip could answer it: one that got through uses up the grant,
	 * and abandoning it would make the kernel reset the answer and leave the
	 * door shut (the steps start at 250 ms and double).
	 */
	net_sleep_ms(KNOCK_CONNECT_DELAY_MS);
	for (;;) {
		now = net_now_ms(NULL);
		if (!first && step < KNOCK_CONNECT_STEP_MAX_MS)
			step = step * 2 < KNOCK_CONNECT_STEP_MAX_MS ? step * 2 : KNOCK_CONNECT_STEP_MAX_MS;
		first = 0;
		rem = until_ms - now;
		if (rem <= 0)
			return 0;
		rc = spa_connect_timeout(n->fd, (struct sockaddr *)&n->dst, n->dstlen,
		    (int)(rem < step ? rem : step));
		if (rc == 0)
			return 1;
		if (rc == SPA_ERR_SYSTEM) {
			if (errno == ENETUNREACH || errno == EADDRNOTAVAIL || errno == EAFNOSUPPORT) {
				snprintf(n->err, sizeof(n->err), "cannot connect to %s port %u: %s",
				    n->o->host, (unsigned)n->o->port, strerror(errno));
				return SPA_ERR_SYSTEM;
			}
			/* Refused or unreachable (a REJECT rule): wait a little before retrying. */
			rem = until_ms - net_now_ms(NULL);
			net_sleep_ms(rem < (step + 1) / 2 ? rem : (step + 1) / 2);
		}
		/* Abandon the SYN and retry from the same port, which the knock names. */
		if (net_bind(n, n->sport) != 0)
			return 0;	/* port taken meanwhile: a re-knock names a new one */
	}
}

static int
net_new_seed(void *ctx, uint8_t seed[32])
{
	(void)ctx;
	return spa_seed_generate(seed);
}

/* Credential path for o: -c FILE or the first match in the directory. Exit status. */
static int
knock_find_cred(const struct knock_opts *o, char *path, size_t cap)
{
	char dir[4096], err[CRED_ERRLEN];
	int rc;

	if (o->cred_path != NULL) {
		snprintf(path, cap, "%s", o->cred_path);
		return KX_OK;
	}
	if (cred_dir(dir, sizeof(dir)) != 0) {
		knock_msg("cannot find the credential directory: HOME is not set (use -c FILE)");
		return KX_CRED;
	}
	rc = cred_find(dir, o->host, path, cap, err);
	if (rc == 0)
		return KX_OK;
	if (err[0] != '\0')
		knock_msg("no credential for %s (%s)", o->host, err);
	else
		knock_msg("no credential for %s in %s (spa-knock --import FILE installs one)", o->host, dir);
	return KX_CRED;
}

/* The password field for c: saved key, or prompt + scrypt. Exit status. */
static int
knock_password(const struct cred *c, uint8_t key[32])
{
	char pw[1024], prompt[400];
	int rc;

	if (c->has_pwkey) {
		memcpy(key, c->pwkey, 32);
		return KX_OK;
	}
	snprintf(prompt, sizeof(prompt), "SPA password for %s@%s: ", c->aid, c->server);
	rc = pass_get(prompt, pw, sizeof(pw));
	if (rc != 0) {
		if (rc == SPA_ERR_NOT_FOUND)
			knock_msg("no password: no terminal and SSH_ASKPASS is not set (or use --save-password-key once)");
		else if (rc == SPA_ERR_DENIED)
			knock_msg("no password: askpass program declined");
		else
			knock_msg("cannot read the password: %s", rc == SPA_ERR_SYSTEM ? strerror(errno) : spa_strerror(rc));
		return KX_PASSWORD;
	}
	rc = spa_password_key(pw, strlen(pw), c->aid, key);
	spa_wipe(pw, sizeof(pw));
	if (rc != 0) {
		knock_msg("cannot derive the password key: %s", spa_strerror(rc));
		return KX_SYSTEM;
	}
	return KX_OK;
}

/* Resolve target and server, server in the target's family when it has one. Exit status. */
static int
knock_resolve(struct knock_net *n)
{
	char err[128];
	int fam = AF_UNSPEC;

	if (n->o->proxy) {
		if (spa_resolve(n->o->host, n->o->port, AF_UNSPEC, &n->dst, &n->dstlen, err, sizeof(err)) != 0) {
			knock_msg("cannot resolve %s: %s", n->o->host, err);
			return KX_RESOLVE;
		}
		fam = n->dst.ss_family;
	}
	/* The knock must come from the address the connection will use (ip = 0 means "source"). */
	if (spa_resolve(n->c->server, n->c->spa_port, fam, &n->srv, &n->srvlen, err, sizeof(err)) != 0 &&
	    (fam == AF_UNSPEC ||
	     spa_resolve(n->c->server, n->c->spa_port, AF_UNSPEC, &n->srv, &n->srvlen, err, sizeof(err)) != 0)) {
		knock_msg("cannot resolve the SPA server %s (from %s): %s", n->c->server, n->c->path, err);
		return KX_RESOLVE;
	}
	return KX_OK;
}

int
knock_main(const struct knock_opts *o)
{
	struct knock_net n;
	struct cred c;
	struct sess_ops ops;
	struct sess_params sp;
	struct sess_result res;
	char path[4096], err[CRED_ERRLEN];
	uint8_t pwkey[32];
	int64_t start;
	int lockfd = -1, rc, x;

	memset(&n, 0, sizeof(n));
	memset(&c, 0, sizeof(c));
	n.fd = -1;
	n.lockfd = -1;
	n.o = o;
	n.c = &c;
	if ((x = knock_find_cred(o, path, sizeof(path))) != KX_OK)
		goto out;
	if (cred_load(&c, path, err) != 0) {
		knock_msg("%s", err);
		x = KX_CRED;
		goto out;
	}
	if ((x = knock_password(&c, pwkey)) != KX_OK)
		goto out;
	if ((x = knock_resolve(&n)) != KX_OK)
		goto out;
	if (o->have_allow_ip) {
		memcpy(n.k.ip, o->allow_ip, 16);
	} else if (o->allow_public) {
		if (pubip_get(o->ip_url, o->ca_file, 5000, n.k.ip, err, sizeof(err)) != 0) {
			knock_msg("cannot find the public address: %s", err);
			x = KX_PUBIP;
			goto out;
		}
	}
	memcpy(n.k.aid, c.aid, sizeof(n.k.aid));
	memcpy(n.k.password, pwkey, sizeof(pwkey));
	n.k.port = o->port;
	n.k.protocol = o->protocol;

	if ((lockfd = cred_lock(path)) < 0) {
		knock_msg("cannot lock %s.lock: %s", path, strerror(errno));
		x = KX_CRED;
		goto out;
	}
	/* Another spa-knock may have knocked while we waited: start from the file. */
	if (cred_load(&c, path, err) != 0) {
		knock_msg("%s", err);
		x = KX_CRED;
		goto out;
	}
	if (o->save_pwkey && !c.has_pwkey) {
		memcpy(c.pwkey, pwkey, sizeof(c.pwkey));
		c.has_pwkey = 1;
	}
	n.lockfd = lockfd;
	ops.ctx = &n;
	ops.save = net_save;
	ops.save_commit = o->proxy ? net_save_commit : NULL;
	ops.knock = net_knock;
	ops.connect = net_connect;
	ops.now_ms = net_now_ms;
	ops.new_seed = net_new_seed;
	start = net_now_ms(NULL);
	sp.deadline_ms = start + (int64_t)o->timeout_s * 1000;
	sp.window_ms = o->window_ms;
	sp.rotate = 1;
	sp.confirm = o->proxy;
	rc = sess_run(&c, &ops, &sp, &res);
	if (n.commit_pid > 0)
		close(lockfd);	/* the child holds the lock until its save is done */
	else
		cred_unlock(lockfd);
	lockfd = n.lockfd = -1;
	if (rc == SPA_ERR_DOOR_SHUT) {
		knock_msg("%s port %u stayed closed after %d knock%s in %lld s (server silent: wrong password, seed out of sync, "
		    "or this clock off the server's by more than its max_packet_age?)",
		    o->host, (unsigned)o->port, res.knocks, res.knocks == 1 ? "" : "s",
		    (long long)((net_now_ms(NULL) - start + 500) / 1000));
		x = KX_SHUT;
		goto out;
	}
	if (rc != 0) {
		knock_msg("%s", n.err[0] ? n.err : spa_strerror(rc));
		x = rc == SPA_ERR_CRED ? KX_CRED : KX_SYSTEM;
		goto out;
	}
	if (res.save_failed)
		knock_msg("warning: %s; the new seed stays pending and is sent again next time", n.err);
	if (o->verbose && res.used_prev)
		knock_msg("the door opened under the previous seed: seeds re-synchronised");
	if (!o->proxy) {
		x = KX_OK;
		goto out;
	}
	if (o->verbose)
		knock_msg("connected to %s port %u from port %u", o->host, (unsigned)o->port, (unsigned)n.sport);
	spa_wipe(pwkey, sizeof(pwkey));
	spa_knock_wipe(&n.k);
	cred_wipe(&c);
	rc = relay_run(0, 1, n.fd);
	net_commit_wait(&n);	/* on a normal exit the commit is on disk */
	if (rc != 0) {
		knock_msg("relay to %s port %u failed: %s", o->host, (unsigned)o->port, strerror(errno));
		x = KX_SYSTEM;
		goto out;
	}
	x = KX_OK;
out:
	net_commit_wait(&n);
	cred_unlock(lockfd);
	if (n.fd >= 0)
		close(n.fd);
	spa_wipe(pwkey, sizeof(pwkey));
	spa_knock_wipe(&n.k);
	cred_wipe(&c);
	return x;
}
