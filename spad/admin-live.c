/*
 * admin-live.c - the verbs that talk to a running spad over its control
 * socket (lib/spa_ctl.h): grants, status, allow, established.  They never
 * touch the firewall themselves: spad owns it.  A spad that cannot be
 * reached (no socket, refused, permission, silence) is one line and exit 6;
 * an answer that is not a well-formed "ok" is never taken for success.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spa_crypto.h"
#include "spa_ctl.h"
#include "spa_err.h"
#include "spa_util.h"
#include "admin.h"

#define LIVE_TIMEOUT_MS	5000

enum { OPT_SPORT = 256, OPT_TIMEOUT, OPT_USERS, OPT_PORT };

/* One request at a time; the writer is 64 KiB, too big for the stack. */
static struct spa_ctl_writer w;

/* The verb's -S PATH, else spa-admin's -S PATH, else the config's control_socket.  Exit status. */
static int
socket_path(struct admin *a, const char *opt, const char **path)
{
	int rc;

	if (opt == NULL)
		opt = a->ctl_socket;
	if (opt != NULL) {
		*path = opt;
		return 0;
	}
	if ((rc = admin_load_config(a)) != 0)
		return rc;
	*path = a->cfg.control_socket != NULL ? a->cfg.control_socket : SPA_CTL_SOCKET_DEFAULT;
	return 0;
}

/*
 * Send w to spad at path, *out = the answer.  Exit status: 0 (any verb
 * back: the caller looks at it), ADMIN_NO_SPAD (unreachable, silent,
 * refused us) or ADMIN_INTERNAL (malformed answer, a request we built badly).
 */
static int
call(const char *path, struct spa_ctl_msg **out)
{
	const char *reason;
	int r;

	*out = NULL;
	r = spa_ctl_call(path, &w, out, LIVE_TIMEOUT_MS);
	switch (r) {
	case 0:
		break;
	case SPA_ERR_CTL_CONNECT:
	case SPA_ERR_TIMEOUT:
		admin_err("spad not reachable at %s: %s (is spad running? root or group "
		    SPA_CTL_GROUP " needed)", path, r == SPA_ERR_TIMEOUT ? "no answer" :
		    "cannot connect");
		return ADMIN_NO_SPAD;
	case SPA_ERR_CTL_PROTO:
		admin_err("spad at %s: malformed answer", path);
		return ADMIN_INTERNAL;
	default:
		admin_err("control request: %s", spa_strerror(r));
		return ADMIN_INTERNAL;
	}
	if (spa_ctl_is(*out, SPA_CTL_ERROR)) {
		reason = spa_ctl_get(*out, 0, "reason");
		if (reason != NULL && strcmp(reason, "permission") == 0) {
			admin_err("spad at %s refused us: run as root or in group " SPA_CTL_GROUP, path);
			spa_ctl_msg_free(*out);
			*out = NULL;
			return ADMIN_NO_SPAD;
		}
	}
	return 0;
}

/* An "error" answer as one line; exit status for it. */
static int
spad_error(const char *verb, const struct spa_ctl_msg *m)
{
	const char *reason = spa_ctl_get(m, 0, "reason"), *msg = spa_ctl_get(m, 0, "message");

	if (!spa_ctl_is(m, SPA_CTL_ERROR)) {
		admin_err("%s: unexpected answer '%s' from spad", verb, m->verb);
		return ADMIN_INTERNAL;
	}
	admin_err("%s: spad says %s%s%s", verb, reason != NULL ? reason : "error",
	    msg != NULL ? ": " : "", msg != NULL ? msg : "");
	return reason != NULL && strcmp(reason, "bad_request") == 0 ? ADMIN_USAGE : ADMIN_INTERNAL;
}

/* Only -S/--socket; exit status, *sock set. */
static int
plain_opts(const char *verb, int argc, char **argv, const char **sock)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 'S' }, { NULL, 0, NULL, 0 } };
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "S:", opts, NULL)) != -1) {
		if (ch != 'S')
			return admin_usage(verb);
		*sock = optarg;
	}
	return optind == argc ? 0 : admin_usage(verb);
}

static void
fmt_time(uint64_t t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0 || localtime_r(&tt, &tm) == NULL || strftime(out, cap, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(out, cap, "-");
}

static int
live_grants(struct admin *a, int argc, char **argv)
{
	const char *sock = NULL, *path;
	struct spa_ctl_msg *m = NULL;
	uint64_t count, sport, port, created, expires, used;
	char src[80], cr[32], ex[32], us[32];
	size_t i;
	int rc;

	if ((rc = plain_opts("grants", argc, argv, &sock)) != 0 || (rc = socket_path(a, sock, &path)) != 0)
		return rc;
	spa_ctl_begin(&w, SPA_CTL_GRANTS);
	if ((rc = call(path, &m)) != 0)
		return rc;
	if (!spa_ctl_is(m, SPA_CTL_OK)) {
		rc = spad_error("grants", m);
		goto out;
	}
	if (spa_ctl_get_u64(m, 0, "count", 0, SPA_CTL_MAX_RECORDS, &count) != 0 || count != m->nrecords) {
		admin_err("grants: spad's listing is inconsistent");
		rc = ADMIN_INTERNAL;
		goto out;
	}
	printf("%-32s %-40s %-9s %-16s %-19s %-19s %s\n", "AID", "SOURCE", "PORT", "USERS",
	    "CREATED", "EXPIRES", "USED");
	for (i = 1; i <= m->nrecords; i++) {
		const char *aid = spa_ctl_get(m, i, "aid"), *addr = spa_ctl_get(m, i, "addr");
		const char *proto = spa_ctl_get(m, i, "proto"), *users = spa_ctl_get(m, i, "users");

		if (aid == NULL || addr == NULL || proto == NULL || users == NULL ||
		    spa_ctl_get_u64(m, i, "sport", 0, 65535, &sport) != 0 ||
		    spa_ctl_get_u64(m, i, "port", 1, 65535, &port) != 0 ||
		    spa_ctl_get_u64(m, i, "created", 0, UINT64_MAX, &created) != 0 ||
		    spa_ctl_get_u64(m, i, "expires", 0, UINT64_MAX, &expires) != 0 ||
		    spa_ctl_get_u64(m, i, "used", 0, UINT64_MAX, &used) != 0) {
			admin_err("grants: record %zu from spad is incomplete", i);
			rc = ADMIN_INTERNAL;
			goto out;
		}
		/* addr:sport, [v6]:sport; "*" = any source port */
		if (sport == 0)
			snprintf(src, sizeof(src), strchr(addr, ':') ? "[%s]:*" : "%s:*", addr);
		else
			snprintf(src, sizeof(src), strchr(addr, ':') ? "[%s]:%u" : "%s:%u", addr,
			    (unsigned)sport);
		fmt_time(created, cr, sizeof(cr));
		fmt_time(expires, ex, sizeof(ex));
		fmt_time(used, us, sizeof(us));
		printf("%-32s %-40s %s/%-5u %-16s %-19s %-19s %s\n", aid, src, proto, (unsigned)port,
		    users[0] != '\0' ? users : "-", cr, ex, us);
	}
out:
	spa_ctl_msg_free(m);
	return rc;
}

static int
live_status(struct admin *a, int argc, char **argv)
{
	const char *sock = NULL, *path;
	struct spa_ctl_msg *m = NULL;
	size_t i;
	int rc;

	if ((rc = plain_opts("status", argc, argv, &sock)) != 0 || (rc = socket_path(a, sock, &path)) != 0)
		return rc;
	spa_ctl_begin(&w, SPA_CTL_STATUS);
	if ((rc = call(path, &m)) != 0)
		return rc;
	if (!spa_ctl_is(m, SPA_CTL_OK))
		rc = spad_error("status", m);
	else
		for (i = 0; i < m->nfields; i++)
			if (m->field[i].rec == 0)
				printf("%s = %s\n", m->field[i].key, m->field[i].value);
	spa_ctl_msg_free(m);
	return rc;
}

/* PORT as "22", "tcp/22" or "udp/53".  0 or ADMIN_USAGE (printed). */
static int
parse_portspec(const char *text, struct spa_portspec *p)
{
	size_t n = 0, bad = 0;

	if (spa_ports_parse(text, p, 1, &n, &bad) != 0 || n != 1) {
		admin_err("allow: port '%.40s': one port such as 22, tcp/22 or udp/53", text);
		return ADMIN_USAGE;
	}
	return 0;
}

/* The users AID may log in as, from the store (allow without --users). */
static int
store_users(struct admin *a, const char *aid, char users[STORE_USERS_MAX])
{
	struct store_client c;
	int rc;

	if ((rc = admin_open_store(a, 1)) != 0)
		return rc;
	if ((rc = store_client_get(a->st, aid, &c)) != 0) {
		if (rc == SPA_ERR_NOT_FOUND)
			admin_err("allow: no client '%s' in the store (give --users to allow anyway)", aid);
		else
			admin_err("allow: %s", store_errmsg(a->st));
		return admin_exit_for(rc);
	}
	snprintf(users, STORE_USERS_MAX, "%s", c.users);
	store_client_wipe(&c);
	return 0;
}

static int
live_allow(struct admin *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 'S' },
		{ "sport", required_argument, NULL, OPT_SPORT },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "users", required_argument, NULL, OPT_USERS }, { NULL, 0, NULL, 0 } };
	const char *sock = NULL, *path, *users = NULL, *aid, *ip;
	char ubuf[STORE_USERS_MAX], ipbuf[64], sportbuf[8];
	struct spa_portspec ps;
	struct spa_ctl_msg *m = NULL;
	uint16_t sport = 0;
	unsigned long timeout = 0;
	uint8_t addr[16];
	char *end;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "S:", opts, NULL)) != -1) {
		switch (ch) {
		case 'S': sock = optarg; break;
		case OPT_USERS: users = optarg; break;
		case OPT_SPORT:
			if (spa_port_parse(optarg, &sport) != 0) {
				admin_err("allow: --sport '%.20s': a port 1-65535", optarg);
				return ADMIN_USAGE;
			}
			break;
		case OPT_TIMEOUT:
			timeout = strtoul(optarg, &end, 10);
			if (optarg[0] < '0' || optarg[0] > '9' || *end != '\0' || timeout < 1 ||
			    timeout > 86400) {
				admin_err("allow: --timeout '%.20s': seconds, 1-86400", optarg);
				return ADMIN_USAGE;
			}
			break;
		default: return admin_usage("allow");
		}
	}
	if (optind != argc - 3)
		return admin_usage("allow");
	aid = argv[optind];
	ip = argv[optind + 1];
	if (store_aid_check(aid) != 0) {
		admin_err("allow: bad AID '%.40s': 1 to 32 characters of A-Z a-z 0-9 . _ -", aid);
		return ADMIN_USAGE;
	}
	if (spa_ip_parse(ip, addr) != 0 || spa_is_zero(addr, 16)) {
		admin_err("allow: '%.60s' is not an IPv4 or IPv6 address", ip);
		return ADMIN_USAGE;
	}
	if ((rc = parse_portspec(argv[optind + 2], &ps)) != 0)
		return rc;
	if (users != NULL && (users[0] == '\0' || strlen(users) >= STORE_USERS_MAX ||
	    !spa_ctl_value_ok(users))) {
		admin_err("allow: --users '%.60s': login names separated by commas, or *", users);
		return ADMIN_USAGE;
	}
	if (users == NULL) {
		if ((rc = store_users(a, aid, ubuf)) != 0)
			return rc;
		users = ubuf;
	}
	if ((rc = socket_path(a, sock, &path)) != 0)
		return rc;
	if (timeout == 0)
		timeout = (admin_load_config(a) == 0 && a->cfg.open_timeout > 0) ? a->cfg.open_timeout : 30;
	/* textual form spad parses back: IPv4-mapped shown as a.b.c.d */
	if (spa_ip_format(addr, ipbuf, sizeof(ipbuf)) != 0)
		snprintf(ipbuf, sizeof(ipbuf), "%s", ip);
	snprintf(sportbuf, sizeof(sportbuf), "%u", (unsigned)sport);
	spa_ctl_begin(&w, SPA_CTL_ALLOW);
	spa_ctl_add(&w, "addr", ipbuf);
	spa_ctl_add_u64(&w, "port", ps.port);
	spa_ctl_add(&w, "proto", ps.proto == SPA_PROTO_UDP ? "udp" : "tcp");
	spa_ctl_add_u64(&w, "timeout", timeout);
	if (sport != 0)
		spa_ctl_add_u64(&w, "sport", sport);
	spa_ctl_add(&w, "aid", aid);
	spa_ctl_add(&w, "users", users);
	if ((rc = call(path, &m)) != 0)
		return rc;
	if (!spa_ctl_is(m, SPA_CTL_OK))
		rc = spad_error("allow", m);
	else
		printf("allowed %s: %s/%u from %s source port %s for %lus, users %s\n", aid,
		    ps.proto == SPA_PROTO_UDP ? "udp" : "tcp", (unsigned)ps.port, ipbuf,
		    sport != 0 ? sportbuf : "any", timeout, users);
	spa_ctl_msg_free(m);
	return rc;
}

/* established for one address; *n += grants closed.  Exit status (2: none). */
static int
established_one(const char *path, const char *aid, const char *addr, uint16_t port, uint64_t *n)
{
	struct spa_ctl_msg *m = NULL;
	uint64_t c = 0;
	int rc;

	spa_ctl_begin(&w, SPA_CTL_ESTABLISHED);
	spa_ctl_add(&w, "addr", addr);
	if (port != 0)
		spa_ctl_add_u64(&w, "port", port);
	spa_ctl_add(&w, "aid", aid);
	if ((rc = call(path, &m)) != 0)
		return rc;
	if (spa_ctl_is(m, SPA_CTL_OK) && spa_ctl_get_u64(m, 0, "count", 0, UINT64_MAX, &c) == 0)
		*n += c;
	else if (spa_ctl_is(m, SPA_CTL_DENY))
		rc = ADMIN_NOT_FOUND;
	else
		rc = spad_error("established", m);
	spa_ctl_msg_free(m);
	return rc;
}

static int
live_established(struct admin *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 'S' },
		{ "port", required_argument, NULL, OPT_PORT }, { NULL, 0, NULL, 0 } };
	const char *sock = NULL, *path, *aid;
	struct spa_ctl_msg *m = NULL;
	uint64_t n = 0, expires, now = (uint64_t)time(NULL);
	uint16_t port = 0;
	uint8_t addr[16];
	char ipbuf[64];
	size_t i, j;
	int ch, rc, r;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "S:", opts, NULL)) != -1) {
		if (ch == 'S')
			sock = optarg;
		else if (ch == OPT_PORT && spa_port_parse(optarg, &port) == 0)
			;
		else if (ch == OPT_PORT) {
			admin_err("established: --port '%.20s': a port 1-65535", optarg);
			return ADMIN_USAGE;
		} else
			return admin_usage("established");
	}
	if (optind != argc - 1 && optind != argc - 2)
		return admin_usage("established");
	aid = argv[optind];
	if (store_aid_check(aid) != 0) {
		admin_err("established: bad AID '%.40s': 1 to 32 characters of A-Z a-z 0-9 . _ -", aid);
		return ADMIN_USAGE;
	}
	if (optind == argc - 2 && (spa_ip_parse(argv[optind + 1], addr) != 0 ||
	    spa_ip_format(addr, ipbuf, sizeof(ipbuf)) != 0)) {
		admin_err("established: '%.60s' is not an IPv4 or IPv6 address", argv[optind + 1]);
		return ADMIN_USAGE;
	}
	if ((rc = socket_path(a, sock, &path)) != 0)
		return rc;
	if (optind == argc - 2) {
		rc = established_one(path, aid, ipbuf, port, &n);
		goto done;
	}
	/* no address given: every address AID holds a live grant from */
	spa_ctl_begin(&w, SPA_CTL_GRANTS);
	if ((rc = call(path, &m)) != 0)
		return rc;
	if (!spa_ctl_is(m, SPA_CTL_OK)) {
		rc = spad_error("established", m);
		goto out;
	}
	rc = ADMIN_NOT_FOUND;
	for (i = 1; i <= m->nrecords; i++) {
		const char *ga = spa_ctl_get(m, i, "aid"), *gaddr = spa_ctl_get(m, i, "addr");

		if (ga == NULL || gaddr == NULL || strcmp(ga, aid) != 0 ||
		    spa_ctl_get_u64(m, i, "expires", 0, UINT64_MAX, &expires) != 0 || expires < now)
			continue;
		for (j = 1; j < i; j++)	/* one request per address */
			if (spa_ctl_get(m, j, "addr") != NULL && strcmp(spa_ctl_get(m, j, "addr"), gaddr) == 0 &&
			    spa_ctl_get(m, j, "aid") != NULL && strcmp(spa_ctl_get(m, j, "aid"), aid) == 0)
				break;
		if (j < i)
			continue;
		r = established_one(path, aid, gaddr, port, &n);
		if (r != 0 && r != ADMIN_NOT_FOUND) {
			rc = r;
			goto out;
		}
		if (r == 0)
			rc = 0;
	}
out:
	spa_ctl_msg_free(m);
done:
	if (rc == ADMIN_NOT_FOUND)
		admin_err("established: no live grant for %s", aid);
	else if (rc == 0)
		printf("%llu grant(s) of %s closed for new connections\n", (unsigned long long)n, aid);
	return rc;
}

int
admin_live(struct admin *a, int argc, char **argv)
{
	if (strcmp(argv[0], "grants") == 0)
		return live_grants(a, argc, argv);
	if (strcmp(argv[0], "status") == 0)
		return live_status(a, argc, argv);
	if (strcmp(argv[0], "allow") == 0)
		return live_allow(a, argc, argv);
	return live_established(a, argc, argv);
}
