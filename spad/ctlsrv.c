/*
 * ctlsrv.c - the control socket server: check (pam_spa), grants, status,
 * reload, allow and established (spa-admin).  The peer's credentials are
 * checked before a byte is read; every request is parsed by the strict
 * codec in lib/spa_ctl.c and answered within a short deadline, so a stuck
 * client delays the daemon by at most that.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "spa_ctl.h"
#include "spa_err.h"
#include "spa_util.h"
#include "ctlsrv.h"
#include "log.h"
#include "spad.h"

#define CTL_DEADLINE_MS	1000

/* One response at a time: the writer is 64 KiB, too big for the stack. */
static struct spa_ctl_writer w;

int
ctlsrv_listen(const char *path, gid_t gid, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	mode_t old;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "control_socket %s: path too long", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	(void)unlink(path);
	old = umask(0117);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 16) != 0) {
		umask(old);
		snprintf(err, errlen, "control_socket %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	umask(old);
	if (gid != (gid_t)-1 && chown(path, (uid_t)-1, gid) != 0) {
		snprintf(err, errlen, "control_socket %s: chown: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void
error(const char *reason, const char *message)
{
	spa_ctl_begin(&w, SPA_CTL_ERROR);
	spa_ctl_add(&w, "reason", reason);
	if (message != NULL)
		spa_ctl_add(&w, "message", message);
}

static int
get_port(const struct spa_ctl_msg *m, const char *key, int required, uint16_t *port)
{
	uint64_t v;
	int r = spa_ctl_get_u64(m, 0, key, required ? 1 : 0, 65535, &v);

	if (r == SPA_ERR_NOT_FOUND && !required) {
		*port = 0;
		return 0;
	}
	if (r != 0)
		return r;
	*port = (uint16_t)v;
	return 0;
}

static int
get_proto(const struct spa_ctl_msg *m, uint8_t *proto)
{
	const char *p = spa_ctl_get(m, 0, "proto");

	if (p == NULL || strcmp(p, "tcp") == 0)
		*proto = 6;
	else if (strcmp(p, "udp") == 0)
		*proto = 17;
	else
		return SPA_ERR_CTL_PROTO;
	return 0;
}

/*
 * Without a grace from pam_spa, a login may come at most this long after the
 * grant's firewall window closed: sshd's default LoginGraceTime, the longest a
 * connection that got through may take to reach the account stage.
 */
#define CHECK_LOGIN_GRACE 120

static void
do_check(struct spad *s, const struct spa_ctl_msg *m)
{
	const char *user = spa_ctl_get(m, 0, "user"), *rhost = spa_ctl_get(m, 0, "rhost");
	uint16_t rport, lport;
	uint64_t grace = 0;
	uint8_t addr[16];
	struct grant *g;
	int64_t now = spad_now();
	int r;

	if (user == NULL || rhost == NULL || spa_ip_parse(rhost, addr) != 0 ||
	    spa_is_zero(addr, 16) || get_port(m, "rport", 1, &rport) != 0 ||
	    get_port(m, "lport", 1, &lport) != 0 ||
	    ((r = spa_ctl_get_u64(m, 0, "grace", 0, 86400, &grace)) != 0 && r != SPA_ERR_NOT_FOUND)) {
		error("bad_request", "check needs user, rhost, rport, lport");
		return;
	}
	g = grant_match(&s->gt, addr, rport, lport, 6, now, 0, user);
	spa_ctl_begin(&w, SPA_CTL_DENY);
	if (g == NULL) {
		spa_ctl_add(&w, "reason", "no_grant");
		log_msg(LOG_NOTICE, "event=check result=deny reason=no_grant user=%s rhost=%s rport=%u lport=%u",
		    user, rhost, rport, lport);
	} else if (grace > 0 ? now - g->created > (int64_t)grace :
	    now > g->expires + CHECK_LOGIN_GRACE) {
		spa_ctl_add(&w, "reason", "expired");
		spa_ctl_add(&w, "aid", g->aid);
		log_msg(LOG_NOTICE, "event=check result=deny reason=expired aid=%s user=%s rhost=%s "
		    "rport=%u lport=%u", g->aid, user, rhost, rport, lport);
	} else if (!grant_user_ok(g->users, user)) {
		spa_ctl_add(&w, "reason", "wrong_user");
		spa_ctl_add(&w, "aid", g->aid);
		log_msg(LOG_NOTICE, "event=check result=deny reason=wrong_user aid=%s user=%s rhost=%s "
		    "rport=%u lport=%u", g->aid, user, rhost, rport, lport);
	} else {
		if (g->used == 0)
			g->used = now;
		spa_ctl_begin(&w, SPA_CTL_OK);
		spa_ctl_add(&w, "aid", g->aid);
		log_msg(LOG_INFO, "event=check result=ok aid=%s user=%s rhost=%s rport=%u lport=%u", g->aid,
		    user, rhost, rport, lport);
	}
}

static void
do_grants(struct spad *s)
{
	char a[64];
	size_t i;

	spa_ctl_begin(&w, SPA_CTL_OK);
	spa_ctl_add_u64(&w, "count", s->gt.n);
	for (i = 0; i < s->gt.n; i++) {
		const struct grant *g = &s->gt.g[i];

		fw_addr_format(g->t.src, a, sizeof(a));
		spa_ctl_record(&w);
		spa_ctl_add(&w, "aid", g->aid);
		spa_ctl_add(&w, "addr", a);
		spa_ctl_add_u64(&w, "sport", g->t.sport);
		spa_ctl_add_u64(&w, "port", g->t.dport);
		spa_ctl_add(&w, "proto", g->t.proto == 6 ? "tcp" : "udp");
		spa_ctl_add(&w, "users", g->users);
		spa_ctl_add_u64(&w, "created", (uint64_t)g->created);
		spa_ctl_add_u64(&w, "expires", (uint64_t)g->expires);
		spa_ctl_add_u64(&w, "used", (uint64_t)g->used);
	}
}

static void
do_status(struct spad *s)
{
	const struct cap_stats *cs = s->cap != NULL ? cap_stats(s->cap) : NULL;
	size_t i;

	spa_ctl_begin(&w, SPA_CTL_OK);
	spa_ctl_add_u64(&w, "uptime", (uint64_t)(spad_now() - s->started));
	spa_ctl_add_u64(&w, "clients", s->ix != NULL ? idx_count(s->ix) : 0);
	spa_ctl_add_u64(&w, "grants", s->gt.n);
	spa_ctl_add_u64(&w, "reloads", s->reloads);
	spa_ctl_add(&w, "store_state", s->v.store_down ? "down" : "up");
	spa_ctl_add_u64(&w, "store_reconnects", s->store_reconnects);
	spa_ctl_add(&w, "capture_state", s->cap != NULL ? "up" : "down");
	spa_ctl_add_u64(&w, "capture_reopens", s->cap_reopens);
	spa_ctl_add_u64(&w, "packets", s->v.packets);
	for (i = 0; i < VFY_N; i++)
		spa_ctl_add_u64(&w, vfy_reason_name((enum vfy_reason)i), s->v.count[i]);
	if (cs != NULL) {
		spa_ctl_add_u64(&w, "frames", cs->frames);
		spa_ctl_add_u64(&w, "frames_unparsed", cs->unparsed);
		spa_ctl_add_u64(&w, "frames_fragment", cs->fragments);
	}
	spa_ctl_add_u64(&w, "ctl_requests", s->ctl_requests);
	spa_ctl_add_u64(&w, "ctl_refused", s->ctl_refused);
}

static void
do_reload(struct spad *s)
{
	char err[512];

	if (spad_reload(s, err, sizeof(err)) != 0)
		error("reload_failed", err);
	else
		spa_ctl_begin(&w, SPA_CTL_OK);
}

static void
do_allow(struct spad *s, const struct spa_ctl_msg *m)
{
	const char *addr = spa_ctl_get(m, 0, "addr"), *aid = spa_ctl_get(m, 0, "aid");
	const char *users = spa_ctl_get(m, 0, "users");
	struct grant g;
	uint64_t timeout;
	char err[256], tup[96];

	memset(&g, 0, sizeof(g));
	if (addr == NULL || spa_ip_parse(addr, g.t.src) != 0 || spa_is_zero(g.t.src, 16) ||
	    (spa_ip_is_v4(g.t.src) && spa_is_zero(g.t.src + 12, 4)) ||	/* 0.0.0.0 */
	    get_port(m, "port", 1, &g.t.dport) != 0 || get_port(m, "sport", 0, &g.t.sport) != 0 ||
	    get_proto(m, &g.t.proto) != 0 || spa_ctl_get_u64(m, 0, "timeout", 1, 86400, &timeout) != 0 ||
	    (aid != NULL && strlen(aid) > SPA_AID_LEN) || (users != NULL && strlen(users) >= GRANT_USERS_MAX)) {
		error("bad_request", "allow needs addr, port, proto, timeout");
		return;
	}
	snprintf(g.aid, sizeof(g.aid), "%s", aid != NULL ? aid : "admin");
	snprintf(g.users, sizeof(g.users), "%s", users != NULL ? users : "");
	g.created = spad_now();
	g.expires = g.created + (int64_t)timeout;
	fw_tuple_format(&g.t, tup, sizeof(tup));
	if (fw_grant(s->fw, &g.t, g.aid, (unsigned)timeout, err, sizeof(err)) != 0) {
		error("firewall", err);
		return;
	}
	(void)grant_add(&s->gt, &g);
	log_msg(LOG_INFO, "event=allow aid=%s grant=%s timeout=%u", g.aid, tup, (unsigned)timeout);
	spa_ctl_begin(&w, SPA_CTL_OK);
}

static void
do_established(struct spad *s, const struct spa_ctl_msg *m)
{
	const char *addr = spa_ctl_get(m, 0, "addr"), *aid = spa_ctl_get(m, 0, "aid");
	const char *proto = spa_ctl_get(m, 0, "proto");
	uint16_t port, sport;
	uint8_t a[16], pr = 0;
	char err[256];
	size_t i, n = 0;

	if (addr == NULL || spa_ip_parse(addr, a) != 0 || get_port(m, "port", 0, &port) != 0 ||
	    get_port(m, "sport", 0, &sport) != 0 || (proto != NULL && get_proto(m, &pr) != 0)) {
		error("bad_request", "established needs addr");
		return;
	}
	for (i = 0; i < s->gt.n; i++) {
		struct grant *g = &s->gt.g[i];

		if (memcmp(g->t.src, a, 16) != 0 || (port != 0 && g->t.dport != port) ||
		    (sport != 0 && g->t.sport != sport) || (pr != 0 && g->t.proto != pr) ||
		    (aid != NULL && strcmp(aid, g->aid) != 0) || g->expires <= spad_now())
			continue;
		/* NEW refused from now on; conntrack keeps established flows */
		if (fw_revoke(s->fw, &g->t, err, sizeof(err)) != 0)
			log_msg(LOG_ERR, "event=revoke_failed aid=%s error=\"%s\"", g->aid, err);
		if (g->used == 0)
			g->used = spad_now();
		g->expires = spad_now();
		n++;
	}
	if (n == 0) {
		spa_ctl_begin(&w, SPA_CTL_DENY);
		spa_ctl_add(&w, "reason", "no_grant");
		return;
	}
	log_msg(LOG_INFO, "event=established addr=%s count=%zu", addr, n);
	spa_ctl_begin(&w, SPA_CTL_OK);
	spa_ctl_add_u64(&w, "count", n);
}

static void
serve(struct spad *s, int fd)
{
	struct spa_ctl_msg *m = NULL;
	uid_t uid = (uid_t)-1;
	int r;

	if ((r = spa_ctl_peer_allowed(fd, NULL, &uid)) != 0) {
		s->ctl_refused++;
		log_msg(LOG_WARNING, "event=ctl_refused uid=%ld", (long)uid);
		error("permission", NULL);
		goto send;
	}
	if ((r = spa_ctl_recv(fd, &m, CTL_DEADLINE_MS)) != 0) {
		if (r == SPA_ERR_CTL_PROTO) {
			error("bad_request", "malformed frame");
			goto send;
		}
		return;
	}
	s->ctl_requests++;
	if (spa_ctl_is(m, SPA_CTL_CHECK))
		do_check(s, m);
	else if (spa_ctl_is(m, SPA_CTL_GRANTS))
		do_grants(s);
	else if (spa_ctl_is(m, SPA_CTL_STATUS))
		do_status(s);
	else if (spa_ctl_is(m, SPA_CTL_RELOAD))
		do_reload(s);
	else if (spa_ctl_is(m, SPA_CTL_ALLOW))
		do_allow(s, m);
	else if (spa_ctl_is(m, SPA_CTL_ESTABLISHED))
		do_established(s, m);
	else
		error("unknown_verb", NULL);
	spa_ctl_msg_free(m);
send:
	if (spa_ctl_send(fd, &w, CTL_DEADLINE_MS) != 0 && w.err != 0) {
		/* a listing too long for one frame: say so instead */
		error("too_long", NULL);
		(void)spa_ctl_send(fd, &w, CTL_DEADLINE_MS);
	}
}

void
ctlsrv_accept(struct spad *s, int lfd)
{
	int fd, n;

	for (n = 0; n < 16; n++) {
		if ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) < 0)
			return;
		serve(s, fd);
		close(fd);
	}
}
