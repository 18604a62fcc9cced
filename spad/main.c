/*
 * main.c - spad: sniff, verify, grant.  Reads spad.conf, opens the store,
 * the firewall, the capture handle and the control socket as root, then runs
 * as `user` with only CAP_NET_ADMIN and CAP_NET_RAW.  One epoll loop drives
 * everything: the capture descriptor, the control socket, signals (signalfd)
 * and a one-second timer for expiry; nothing spins and nothing sleeps.
 *
 * Exit status: 0 clean stop (or -t: config fine), 1 bad usage or config,
 * 2 start-up failed (store, firewall, capture, privileges).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_LIBCAP
#include <sys/capability.h>
#endif

#include "spa_crypto.h"
#include "spa_ctl.h"
#include "spa_err.h"
#include "ctlsrv.h"
#include "log.h"
#include "spad.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0"
#endif

enum { EV_CAP = 1, EV_CTL, EV_SIG, EV_TIMER, EV_FW };

int64_t
spad_now(void)
{
	return (int64_t)time(NULL);
}

int64_t
spad_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
spad_fw_opts(const struct spad_config *c, struct fw_opts *o, char *err, size_t errlen)
{
	size_t i;

	memset(o, 0, sizeof(*o));
	if (c->fw_label == NULL || strlen(c->fw_label) > FW_LABEL_MAX || !fw_label_valid(c->fw_label)) {
		snprintf(err, errlen, "%s: fw_label must be 1..%d of A-Z a-z 0-9 _ -", c->file, FW_LABEL_MAX);
		return SPA_ERR_INVALID;
	}
	memcpy(o->label, c->fw_label, strlen(c->fw_label) + 1);
	o->block_all = c->block_all;
	for (i = 0; i < c->n_allowed_ips && i < FW_NETS_MAX; i++) {
		memcpy(o->allowed[i].addr, c->allowed_ips[i].addr, 16);
		o->allowed[i].plen = (uint8_t)c->allowed_ips[i].prefix;
	}
	o->nallowed = i;
	for (i = 0; i < c->n_protect && i < FW_PROTECT_MAX; i++) {
		o->protect[i].proto = c->protect[i].proto;
		o->protect[i].port = c->protect[i].port;
	}
	o->nprotect = i;
	o->notrack_udp_port = c->spa_port;
	return 0;
}

static void
vfy_setup(struct spad *s)
{
	s->v.ix = s->ix;
	s->v.st = s->st;
	s->v.fw = s->fw;
	s->v.gt = &s->gt;
	s->v.open_timeout = s->cfg.open_timeout;
	s->v.max_packet_age = s->cfg.max_packet_age;
	s->v.hotp_window = s->cfg.hotp_window;
	s->v.change_seeds = s->cfg.change_seeds;
	s->v.gateway = s->gateway;
	/* a record outlives its firewall grant so a login a little later still finds it */
	s->gt.keep = 600;
}

static int
load_index(struct spad *s, struct store *st, struct idx **out, char *err, size_t errlen)
{
	struct store_client *c = NULL;
	size_t n = 0;
	int r;

	if ((r = store_client_list(st, 1, &c, &n)) != 0) {
		snprintf(err, errlen, "loading clients: %s", store_errmsg(st));
		return r;
	}
	r = idx_build(c, n, out);
	store_clients_free(c, n);
	if (r != 0)
		snprintf(err, errlen, "building the client index: %s", spa_strerror(r));
	return r;
}

/* The firewall against spad's grants (spad(8) "Reconciliation"); a repair is worth a warning. */
static void
reconcile(struct spad *s, const char *when)
{
	char err[512];
	unsigned fixed = 0;

	if (fw_reconcile(s->fw, spad_now(), &fixed, err, sizeof(err)) != 0)
		log_msg(LOG_ERR, "event=reconcile_failed when=%s error=\"%s\"", when, err);
	else if (fixed > 0)
		log_msg(LOG_WARNING, "event=reconcile when=%s fixed=%u note=\"the firewall was changed "
		    "behind spad's back\"", when, fixed);
}

int
spad_reload(struct spad *s, char *err, size_t errlen)
{
	struct spad_config nc;
	struct store *nst = NULL;
	struct idx *nix = NULL;
	struct fw_opts o;
	char e[SPAD_CONF_ERRLEN];
	int r;

	memset(&nc, 0, sizeof(nc));
	if ((r = spad_config_load(&nc, s->cfg.file, e)) != 0) {
		snprintf(err, errlen, "%s", e);
		return r;
	}
	if ((r = spad_fw_opts(&nc, &o, err, errlen)) != 0)
		goto fail;
	if ((r = store_open(&nc, s->key, 1, 0, &nst, e)) != 0) {
		snprintf(err, errlen, "store: %s", e);
		goto fail;
	}
	if ((r = load_index(s, nst, &nix, err, errlen)) != 0)
		goto fail;
	if ((r = fw_reconfigure(s->fw, &o, err, errlen)) != 0)
		goto fail;
	idx_carry(nix, s->ix);
	idx_free(s->ix);
	store_close(s->st);
	s->ix = nix;
	s->st = nst;
	spad_config_free(&s->cfg);
	s->cfg = nc;
	vfy_setup(s);
	s->v.store_down = 0;	/* a fresh connection */
	s->reloads++;
	reconcile(s, "reload");
	log_msg(LOG_INFO, "event=reload clients=%zu grants=%zu", idx_count(s->ix), s->gt.n);
	return 0;
fail:
	idx_free(nix);
	store_close(nst);
	spad_config_free(&nc);
	return r;
}

#define RETRY_MAX_S	10	/* backoff ceiling for a lost store or capture handle */


static unsigned
backoff_next(unsigned cur)
{
	return cur == 0 ? 1 : cur * 2 > RETRY_MAX_S ? RETRY_MAX_S : cur * 2;
}

/*
 * The store went away (MariaDB stopped, network): verify.c refuses knocks at
 * step 11 meanwhile.  Reconnect, and re-read the clients (another gateway
 * may have moved their counters and seeds on); quietly until it works.
 */
static void
store_retry(struct spad *s)
{
	struct store *nst = NULL;
	struct idx *nix = NULL;
	char e[SPAD_CONF_ERRLEN], err[SPAD_CONF_ERRLEN + 128];

	if (spad_mono_ms() < s->store_retry_ms)
		return;
	if (store_open(&s->cfg, s->key, 1, 0, &nst, e) != 0 ||
	    load_index(s, nst, &nix, err, sizeof(err)) != 0) {
		store_close(nst);
		s->store_backoff = backoff_next(s->store_backoff);
		s->store_retry_ms = spad_mono_ms() + 1000 * (int64_t)s->store_backoff;
		return;
	}
	idx_carry(nix, s->ix);
	idx_free(s->ix);
	store_close(s->st);
	s->ix = nix;
	s->st = nst;
	vfy_setup(s);
	s->v.store_down = 0;
	s->store_backoff = 0;
	s->store_reconnects++;
	log_msg(LOG_NOTICE, "event=store_up store=%s clients=%zu", store_backend(s->st), idx_count(s->ix));
}

static int
epoll_add(int ep, int fd, int tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)tag };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* A pcap error (interface down, gone): drop the handle, log once, reopen from the timer. */
static void
cap_lost(struct spad *s)
{
	log_msg(LOG_ERR, "event=capture_down interface=%s error=\"%s\" note=\"reopening\"",
	    s->cfg.interface != NULL ? s->cfg.interface : "any", cap_error(s->cap));
	(void)epoll_ctl(s->epfd, EPOLL_CTL_DEL, cap_fd(s->cap), NULL);
	cap_close(s->cap);
	s->cap = NULL;
	s->cap_backoff = 1;
	s->cap_retry_ms = spad_mono_ms() + 1000;
}

static void
cap_retry(struct spad *s)
{
	char err[512];

	if (spad_mono_ms() < s->cap_retry_ms)
		return;
	if (cap_open(s->cfg.interface, s->cfg.pcap_filter, s->cfg.spa_port, &s->cap, err,
	    sizeof(err)) != 0 || epoll_add(s->epfd, cap_fd(s->cap), EV_CAP) != 0) {
		cap_close(s->cap);
		s->cap = NULL;
		s->cap_backoff = backoff_next(s->cap_backoff);
		s->cap_retry_ms = spad_mono_ms() + 1000 * (int64_t)s->cap_backoff;
		return;
	}
	s->cap_reopens++;
	log_msg(LOG_NOTICE, "event=capture_up interface=%s", s->cfg.interface != NULL ? s->cfg.interface : "any");
}

/* Grant records of this gateway still live in the store: pam_spa may ask about them. */
static void
restore_grants(struct spad *s)
{
	struct store_grant *sg = NULL;
	struct idx_client *c;
	struct grant g;
	size_t i, n = 0;

	if (store_grant_list(s->st, s->gateway, spad_now(), &sg, &n) != 0)
		return;
	for (i = 0; i < n; i++) {
		memset(&g, 0, sizeof(g));
		memcpy(g.aid, sg[i].aid, sizeof(g.aid));
		memcpy(g.t.src, sg[i].ip, 16);
		g.t.sport = sg[i].source_port;
		g.t.dport = sg[i].port;
		g.t.proto = sg[i].protocol;
		g.created = sg[i].created;
		g.expires = sg[i].expires;
		g.store_id = sg[i].id;
		if ((c = idx_find_aid(s->ix, g.aid)) != NULL)
			snprintf(g.users, sizeof(g.users), "%s", idx_users(c));
		(void)grant_add(&s->gt, &g);
	}
	free(sg);
}

/*
 * The pid file.  spad writes it as root and may then run as `user`, who can
 * remove it on exit only if its directory is the user's: so a missing
 * directory (/run/spad outside systemd) is created owned by the user, and the
 * file itself is handed to the user and kept open.  Where the directory stays
 * someone else's (systemd's RuntimeDirectory, removed by systemd anyway),
 * spad empties the file on exit instead: no stale pid is left behind either way.
 */
static int pid_fd = -1;

static int
write_pid(const char *path, const char *user, char *err, size_t errlen)
{
	struct passwd *pw = NULL;
	struct stat sb;
	char buf[32], dir[4096], *slash;
	int n;

	if (path == NULL || *path == '\0')
		return 0;
	if (user != NULL && *user != '\0' && strcmp(user, "root") != 0 && (pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "user %s: no such user", user);
		return SPA_ERR_INVALID;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (stat(dir, &sb) != 0) {
			if (errno != ENOENT || mkdir(dir, 0755) != 0 ||
			    (pw != NULL && chown(dir, pw->pw_uid, pw->pw_gid) != 0)) {
				snprintf(err, errlen, "pid_file directory %.256s: %s", dir, strerror(errno));
				return SPA_ERR_SYSTEM;
			}
		} else if (pw != NULL && sb.st_uid != pw->pw_uid)
			log_msg(LOG_NOTICE, "event=pid_file_note path=%s note=\"directory not owned by %s: "
			    "the file is emptied, not removed, on exit\"", path, user);
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (spa_file_write_atomic(path, buf, (size_t)n, 0644) != 0 ||
	    (pid_fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)) < 0 ||
	    (pw != NULL && fchown(pid_fd, pw->pw_uid, pw->pw_gid) != 0)) {
		snprintf(err, errlen, "pid_file %s: %s", path, strerror(errno));
		return SPA_ERR_SYSTEM;
	}
	return 0;
}

/* Remove the pid file, or empty it where spad may no longer remove it. */
static void
remove_pid(const char *path)
{
	if (pid_fd < 0)
		return;
	if (unlink(path) != 0)
		(void)!ftruncate(pid_fd, 0);
	close(pid_fd);
	pid_fd = -1;
}

/* Become user, keeping only CAP_NET_ADMIN and CAP_NET_RAW; no core dumps either way. */
static int
drop_privileges(const char *user, char *err, size_t errlen)
{
	struct passwd *pw;

	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (user == NULL || *user == '\0' || strcmp(user, "root") == 0)
		return 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "user %s: no such user", user);
		return SPA_ERR_INVALID;
	}
#ifdef HAVE_LIBCAP
	{
		cap_value_t keep[] = { CAP_NET_ADMIN, CAP_NET_RAW };
		cap_t caps;
		int r;

		if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0 || initgroups(user, pw->pw_gid) != 0 ||
		    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0 ||
		    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0) {
			snprintf(err, errlen, "becoming %s: %s", user, strerror(errno));
			return SPA_ERR_SYSTEM;
		}
		if ((caps = cap_init()) == NULL) {
			snprintf(err, errlen, "cap_init: %s", strerror(errno));
			return SPA_ERR_SYSTEM;
		}
		r = cap_set_flag(caps, CAP_PERMITTED, 2, keep, CAP_SET) != 0 ||
		    cap_set_flag(caps, CAP_EFFECTIVE, 2, keep, CAP_SET) != 0 || cap_set_proc(caps) != 0;
		cap_free(caps);
		if (r) {
			snprintf(err, errlen, "keeping CAP_NET_ADMIN, CAP_NET_RAW: %s", strerror(errno));
			return SPA_ERR_SYSTEM;
		}
		(void)prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
		(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	}
	return 0;
#else
	snprintf(err, errlen, "user %s: spad was built without libcap and cannot keep CAP_NET_ADMIN", user);
	return SPA_ERR_INVALID;
#endif
}

static void
on_payload(void *arg, const uint8_t *payload, size_t len, const uint8_t src[16], uint16_t sport)
{
	struct spad *s = arg;

	(void)vfy_packet(&s->v, payload, len, src, sport, spad_now(), spad_mono_ms());
}

static void
on_used(void *arg, const struct fw_tuple *t)
{
	struct spad *s = arg;

	grant_mark_used(&s->gt, t, spad_now());
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: spad [-f] [-t] [-c FILE]\n"
	    "  -c, --config FILE  configuration (default %s)\n"
	    "  -f, --foreground   stay in the foreground, log to stderr\n"
	    "  -t, --test         check the configuration and exit (0: fine, 1: not)\n"
	    "  -V, --version      print the version\n"
	    "  -h, --help         this text\n", SPAD_CONF_DEFAULT);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "test", no_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct spad s;
	const char *conf = SPAD_CONF_DEFAULT;
	char err[SPAD_CONF_ERRLEN + 128], e[SPAD_CONF_ERRLEN];
	struct fw_opts fo;
	struct epoll_event evs[16];
	struct group *gr;
	sigset_t mask;
	int ch, fg = 0, test = 0, ep = -1, sfd = -1, tfd = -1, lfd = -1, efd, rc = 2, running = 1, i, n;

	while ((ch = getopt_long(argc, argv, "c:ftVh", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': conf = optarg; break;
		case 'f': fg = 1; break;
		case 't': test = 1; break;
		case 'V': printf("spad %s\n", PACKAGE_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 1;
	}
	if (spad_config_load(&s.cfg, conf, e) != 0) {
		fprintf(stderr, "spad: %s\n", e);
		return 1;
	}
	if (spad_fw_opts(&s.cfg, &fo, err, sizeof(err)) != 0) {
		fprintf(stderr, "spad: %s\n", err);
		spad_config_free(&s.cfg);
		return 1;
	}
	if (test) {
		printf("%s: configuration ok\n", conf);
		spad_config_free(&s.cfg);
		return 0;
	}
	log_open("spad", fg, s.cfg.log_level > 0 ? s.cfg.log_level : LOG_INFO);
	snprintf(s.gateway, sizeof(s.gateway), "%s", s.cfg.gateway != NULL ? s.cfg.gateway : "");
	if (s.gateway[0] == '\0' && gethostname(s.gateway, sizeof(s.gateway) - 1) != 0)
		snprintf(s.gateway, sizeof(s.gateway), "spad");
	s.started = spad_now();

	/* everything that needs root, before dropping it */
	if (store_key_load(s.cfg.server_key, s.key, e) != 0) {
		log_msg(LOG_ERR, "event=start_failed what=server_key error=\"%s\"", e);
		goto out;
	}
	if (store_open(&s.cfg, s.key, 1, 0, &s.st, e) != 0) {
		log_msg(LOG_ERR, "event=start_failed what=store error=\"%s\"", e);
		goto out;
	}
	if (load_index(&s, s.st, &s.ix, err, sizeof(err)) != 0) {
		log_msg(LOG_ERR, "event=start_failed what=clients error=\"%s\"", err);
		goto out;
	}
	if (fw_open(spad_fw_name(s.cfg.firewall), &fo, &s.fw, err, sizeof(err)) != 0) {
		log_msg(LOG_ERR, "event=start_failed what=firewall error=\"%s\"", err);
		goto out;
	}
	vfy_setup(&s);
	restore_grants(&s);
	if (cap_open(s.cfg.interface, s.cfg.pcap_filter, s.cfg.spa_port, &s.cap, err, sizeof(err)) != 0) {
		log_msg(LOG_ERR, "event=start_failed what=capture error=\"%s\"", err);
		goto out;
	}
	gr = getgrnam(SPA_CTL_GROUP);
	if (s.cfg.control_socket != NULL && *s.cfg.control_socket != '\0' &&
	    (lfd = ctlsrv_listen(s.cfg.control_socket, gr != NULL ? gr->gr_gid : (gid_t)-1, err,
	    sizeof(err))) < 0) {
		log_msg(LOG_ERR, "event=start_failed what=control_socket error=\"%s\"", err);
		goto out;
	}
	if (write_pid(s.cfg.pid_file, s.cfg.user, err, sizeof(err)) != 0) {
		log_msg(LOG_ERR, "event=start_failed what=pid_file error=\"%s\"", err);
		goto out;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0 ||
	    (tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) < 0 ||
	    (s.epfd = ep = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		log_msg(LOG_ERR, "event=start_failed what=descriptors error=\"%s\"", strerror(errno));
		goto out;
	}
	{
		struct itimerspec it = { .it_interval = { 1, 0 }, .it_value = { 1, 0 } };

		timerfd_settime(tfd, 0, &it, NULL);
	}
	if (epoll_add(ep, cap_fd(s.cap), EV_CAP) != 0 || epoll_add(ep, sfd, EV_SIG) != 0 ||
	    epoll_add(ep, tfd, EV_TIMER) != 0 || (lfd >= 0 && epoll_add(ep, lfd, EV_CTL) != 0) ||
	    ((efd = fw_event_fd(s.fw)) >= 0 && epoll_add(ep, efd, EV_FW) != 0)) {
		log_msg(LOG_ERR, "event=start_failed what=epoll error=\"%s\"", strerror(errno));
		goto out;
	}
	if (drop_privileges(s.cfg.user, err, sizeof(err)) != 0) {
		log_msg(LOG_ERR, "event=start_failed what=privileges error=\"%s\"", err);
		goto out;
	}
	log_msg(LOG_INFO, "event=start version=%s interface=%s port=%u firewall=%s store=%s clients=%zu "
	    "grants=%zu user=%s", PACKAGE_VERSION, s.cfg.interface != NULL ? s.cfg.interface : "any",
	    s.cfg.spa_port, fw_name(s.fw), store_backend(s.st), idx_count(s.ix), s.gt.n,
	    s.cfg.user != NULL ? s.cfg.user : "root");

	while (running) {
		n = epoll_wait(ep, evs, (int)(sizeof(evs) / sizeof(evs[0])), -1);
		if (n < 0 && errno != EINTR) {
			log_msg(LOG_ERR, "event=epoll_failed error=\"%s\"", strerror(errno));
			break;
		}
		for (i = 0; i < n; i++) {
			switch (evs[i].data.u32) {
			case EV_CAP:
				if (s.cap != NULL && ((evs[i].events & (EPOLLERR | EPOLLHUP)) != 0 ||
				    cap_dispatch(s.cap, on_payload, &s) != 0))
					cap_lost(&s);
				break;
			case EV_CTL:
				ctlsrv_accept(&s, lfd);
				break;
			case EV_FW:
				fw_events(s.fw, on_used, &s);
				break;
			case EV_TIMER: {
				uint64_t ticks;

				(void)!read(tfd, &ticks, sizeof(ticks));
				fw_tick(s.fw, spad_now());
				grant_expire(&s.gt, spad_now());
				if (s.v.store_down)
					store_retry(&s);
				if (s.cap == NULL)
					cap_retry(&s);
				if (s.ticks % s.cfg.reconcile_interval == 0)
					reconcile(&s, "tick");
				/* the store's grant rows only serve restarts: prune them now and then */
				if (++s.ticks % 60 == 0 && !s.v.store_down &&
				    store_grant_expire(s.st, spad_now() - (int64_t)s.gt.keep, NULL) != 0)
					log_msg(LOG_WARNING, "event=store_error what=grant_expire error=\"%s\"",
					    store_errmsg(s.st));
				break;
			}
			case EV_SIG: {
				struct signalfd_siginfo si;

				while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
					if (si.ssi_signo == SIGHUP) {
						if (spad_reload(&s, err, sizeof(err)) != 0)
							log_msg(LOG_ERR, "event=reload_failed error=\"%s\"", err);
					} else {
						log_msg(LOG_INFO, "event=stop signal=%u", si.ssi_signo);
						running = 0;
					}
				}
				break;
			}
			}
		}
	}
	rc = 0;
out:
	/* a clean stop removes spad's rules; a failed start leaves the door as shut as it was */
	if (s.fw != NULL)
		fw_close(s.fw, rc == 0);
	cap_close(s.cap);
	if (lfd >= 0) {
		close(lfd);
		if (rc == 0)
			(void)unlink(s.cfg.control_socket);
	}
	if (s.cfg.pid_file != NULL)
		remove_pid(s.cfg.pid_file);
	if (ep >= 0)
		close(ep);
	if (sfd >= 0)
		close(sfd);
	if (tfd >= 0)
		close(tfd);
	idx_free(s.ix);
	store_close(s.st);
	grant_free(&s.gt);
	spa_wipe(s.key, sizeof(s.key));
	spad_config_free(&s.cfg);
	return rc;
}
