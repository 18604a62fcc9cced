/*
 * admin-client.c - spa-admin verbs on client rows: add, passwd, remove,
 * enable, disable, list, show, export.  Every input is checked before the
 * store is touched, so a refusal leaves the store as it was.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spa_crypto.h"
#include "spa_err.h"
#include "spa_util.h"
#include "admin.h"

/* "*" or login names separated by commas.  1 if fine. */
static int
users_ok(const char *s)
{
	size_t len = 0;
	const char *p;

	if (strcmp(s, "*") == 0)
		return 1;
	if (s[0] == 0 || strlen(s) >= STORE_USERS_MAX)
		return 0;
	for (p = s; ; p++) {
		if (*p == ',' || *p == 0) {
			if (len == 0 || len > 32)
				return 0;
			if (*p == 0)
				return 1;
			len = 0;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
		    (len > 0 && ((*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))))
			return 0;
		len++;
	}
}

/* A fresh AID: a random (version 4) UUID as 32 hex digits. */
static int
random_aid(char aid[STORE_AID_MAX + 1])
{
	uint8_t u[16];

	if (spa_random(u, sizeof(u)) != 0)
		return SPA_ERR_RANDOM;
	u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);
	u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
	return spa_hex_encode(u, sizeof(u), aid, STORE_AID_MAX + 1);
}

static int
store_error(struct admin *a, int rc)
{
	admin_err("%s", store_errmsg(a->st));
	return admin_exit_for(rc);
}

/* The single AID argument of a verb without options. */
static int
one_aid(const char *verb, int argc, char **argv, const char **aid)
{
	if (argc != 2 || argv[1][0] == '-')
		return admin_usage(verb);
	if (store_aid_check(argv[1]) != 0) {
		admin_err("bad AID '%.40s': 1 to 32 characters of A-Z a-z 0-9 . _ -", argv[1]);
		return ADMIN_USAGE;
	}
	*aid = argv[1];
	return 0;
}

enum { OPT_PWFILE = 256, OPT_PWSTDIN, OPT_ANYIP, OPT_SERVER, OPT_DISABLED, OPT_SECRETS,
	OPT_AUDIT };

int
admin_add(struct admin *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "aid", required_argument, NULL, 'a' }, { "seed", required_argument, NULL, 's' },
		{ "user", required_argument, NULL, 'u' }, { "ports", required_argument, NULL, 'p' },
		{ "any-ip", no_argument, NULL, OPT_ANYIP }, { "out", required_argument, NULL, 'o' },
		{ "server", required_argument, NULL, OPT_SERVER },
		{ "disabled", no_argument, NULL, OPT_DISABLED },
		{ "password-file", required_argument, NULL, OPT_PWFILE },
		{ "password-stdin", no_argument, NULL, OPT_PWSTDIN }, { NULL, 0, NULL, 0 } };
	struct store_client c;
	struct admin_pw pw = { NULL, 0 };
	const char *aid = NULL, *seed = NULL, *users = NULL, *ports = NULL, *out = NULL;
	const char *server = NULL;
	size_t bad = 0;
	int ch, rc;

	memset(&c, 0, sizeof(c));
	c.enabled = 1;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'a': aid = optarg; break;
		case 's': seed = optarg; break;
		case 'u': users = optarg; break;
		case 'p': ports = optarg; break;
		case 'o': out = optarg; break;
		case OPT_ANYIP: c.any_ip = 1; break;
		case OPT_SERVER: server = optarg; break;
		case OPT_DISABLED: c.enabled = 0; break;
		case OPT_PWFILE: pw.file = optarg; break;
		case OPT_PWSTDIN: pw.from_stdin = 1; break;
		default: return admin_usage("add");
		}
	}
	if (optind != argc || users == NULL || ports == NULL || (pw.file && pw.from_stdin) ||
	    (pw.from_stdin && seed != NULL && strcmp(seed, "-") == 0))
		return admin_usage("add");
	if (aid != NULL && store_aid_check(aid) != 0) {
		admin_err("--aid '%.40s': 1 to 32 characters of A-Z a-z 0-9 . _ -", aid);
		return ADMIN_USAGE;
	}
	if (!users_ok(users)) {
		admin_err("--user '%.60s': login names separated by commas, or *", users);
		return ADMIN_USAGE;
	}
	if (spa_ports_parse(ports, c.ports, STORE_PORTS_MAX, &c.nports, &bad) != 0) {
		admin_err("--ports '%.60s': item %zu is not a port (tcp/22, udp/53, 443)", ports,
		    bad + 1);
		return ADMIN_USAGE;
	}
	if (seed != NULL) {
		if ((rc = admin_parse_seed(seed, c.seed)) != 0)
			return rc;
	} else if (spa_seed_generate(c.seed) != 0) {
		admin_err("no random bytes for a seed");
		return ADMIN_INTERNAL;
	}
	if (aid != NULL)
		snprintf(c.aid, sizeof(c.aid), "%s", aid);
	else if (random_aid(c.aid) != 0) {
		admin_err("no random bytes for an AID");
		rc = ADMIN_INTERNAL;
		goto out;
	}
	snprintf(c.users, sizeof(c.users), "%s", users);
	if ((rc = admin_open_store(a, 1)) != 0)
		goto out;
	/* Refuse a duplicate before asking for a password. */
	{
		struct store_client old;
		int g = store_client_get(a->st, c.aid, &old);

		store_client_wipe(&old);
		if (g == 0) {
			admin_err("client %s exists already", c.aid);
			rc = ADMIN_EXISTS;
			goto out;
		}
		if (g != SPA_ERR_NOT_FOUND) {
			rc = store_error(a, g);
			goto out;
		}
	}
	if ((rc = admin_password_verifier(a, &pw, c.aid, c.verifier)) != 0)
		goto out;
	if ((rc = store_client_add(a->st, &c)) != 0) {
		rc = store_error(a, rc);
		goto out;
	}
	if (out != NULL && (rc = admin_write_cred(a, &c, server, out)) != 0) {
		/* No half-done add: take the client out again. */
		store_client_remove(a->st, c.aid);
		goto out;
	}
	if (out == NULL || strcmp(out, "-") != 0)
		printf("%s\n", c.aid);
	admin_notify_spad(a);
out:
	store_client_wipe(&c);
	return rc;
}

int
admin_passwd(struct admin *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "password-file", required_argument, NULL, OPT_PWFILE },
		{ "password-stdin", no_argument, NULL, OPT_PWSTDIN }, { NULL, 0, NULL, 0 } };
	struct admin_pw pw = { NULL, 0 };
	struct store_client c;
	uint8_t verifier[32];
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == OPT_PWFILE)
			pw.file = optarg;
		else if (ch == OPT_PWSTDIN)
			pw.from_stdin = 1;
		else
			return admin_usage("passwd");
	}
	if (optind != argc - 1 || (pw.file && pw.from_stdin))
		return admin_usage("passwd");
	if (store_aid_check(argv[optind]) != 0) {
		admin_err("bad AID '%.40s': 1 to 32 characters of A-Z a-z 0-9 . _ -", argv[optind]);
		return ADMIN_USAGE;
	}
	if ((rc = admin_open_store(a, 1)) != 0)
		return rc;
	rc = store_client_get(a->st, argv[optind], &c);
	store_client_wipe(&c);
	if (rc != 0)
		return store_error(a, rc);
	if ((rc = admin_password_verifier(a, &pw, argv[optind], verifier)) != 0)
		return rc;
	rc = store_client_set_verifier(a->st, argv[optind], verifier);
	spa_wipe(verifier, sizeof(verifier));
	if (rc != 0)
		return store_error(a, rc);
	admin_notify_spad(a);
	return 0;
}

int
admin_remove(struct admin *a, int argc, char **argv)
{
	const char *aid = NULL;
	int rc;

	if ((rc = one_aid("remove", argc, argv, &aid)) != 0 || (rc = admin_open_store(a, 1)) != 0)
		return rc;
	if ((rc = store_client_remove(a->st, aid)) != 0)
		return store_error(a, rc);
	admin_notify_spad(a);
	return 0;
}

static int
set_enabled(struct admin *a, const char *verb, int argc, char **argv, int on)
{
	const char *aid = NULL;
	int rc;

	if ((rc = one_aid(verb, argc, argv, &aid)) != 0 || (rc = admin_open_store(a, 1)) != 0)
		return rc;
	if ((rc = store_client_set_enabled(a->st, aid, on)) != 0)
		return store_error(a, rc);
	admin_notify_spad(a);
	return 0;
}

int
admin_enable(struct admin *a, int argc, char **argv)
{
	return set_enabled(a, "enable", argc, argv, 1);
}

int
admin_disable(struct admin *a, int argc, char **argv)
{
	return set_enabled(a, "disable", argc, argv, 0);
}

static void
fmt_time(int64_t t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0)
		snprintf(out, cap, "never");
	else
		strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&tt, &tm));
}

int
admin_list(struct admin *a, int argc, char **argv)
{
	struct store_client *c = NULL;
	char ports[STORE_PORTS_MAX * 10], seen[32];
	size_t i, n = 0;
	int rc;

	if (argc != 1)
		return admin_usage("list");
	if ((rc = admin_open_store(a, 1)) != 0)
		return rc;
	if ((rc = store_client_list(a->st, 0, &c, &n)) != 0)
		return store_error(a, rc);
	printf("%-32s %-8s %10s %-20s %-16s %s\n", "AID", "STATE", "COUNTER", "LAST_SEEN", "USERS",
	    "PORTS");
	for (i = 0; i < n; i++) {
		spa_ports_format(c[i].ports, c[i].nports, ports, sizeof(ports));
		fmt_time(c[i].last_seen, seen, sizeof(seen));
		printf("%-32s %-8s %10llu %-20s %-16s %s%s\n", c[i].aid,
		    c[i].enabled ? "enabled" : "disabled", (unsigned long long)c[i].counter, seen,
		    c[i].users, ports, c[i].any_ip ? " any-ip" : "");
	}
	store_clients_free(c, n);
	return 0;
}

int
admin_show(struct admin *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "show-secrets", no_argument, NULL, OPT_SECRETS },
		{ "audit", required_argument, NULL, OPT_AUDIT }, { NULL, 0, NULL, 0 } };
	struct store_client c;
	struct store_audit *au = NULL;
	char ports[STORE_PORTS_MAX * 10], hex[2 * SPA_SEED_LEN + 1], t[32], ip1[64], ip2[64];
	char *end;
	size_t i, n = 0, naudit = 10;
	int ch, rc, secrets = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == OPT_SECRETS)
			secrets = 1;
		else if (ch == OPT_AUDIT) {
			naudit = strtoul(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != 0 || naudit > 100000) {
				admin_err("--audit %s: a number of rows, 0..100000", optarg);
				return ADMIN_USAGE;
			}
		} else
			return admin_usage("show");
	}
	if (optind != argc - 1)
		return admin_usage("show");
	if (store_aid_check(argv[optind]) != 0) {
		admin_err("bad AID '%.40s': 1 to 32 characters of A-Z a-z 0-9 . _ -", argv[optind]);
		return ADMIN_USAGE;
	}
	if ((rc = admin_open_store(a, 1)) != 0)
		return rc;
	if ((rc = store_client_get(a->st, argv[optind], &c)) != 0)
		return store_error(a, rc);
	spa_ports_format(c.ports, c.nports, ports, sizeof(ports));
	printf("aid = %s\nenabled = %s\nusers = %s\nports = %s\nany_ip = %s\ncounter = %llu\n",
	    c.aid, c.enabled ? "yes" : "no", c.users, ports, c.any_ip ? "yes" : "no",
	    (unsigned long long)c.counter);
	spa_hex_encode(c.key_id, SPA_KEYID_LEN, hex, sizeof(hex));
	printf("key_id = %s\n", hex);
	if (c.has_prev) {
		spa_hex_encode(c.prev_key_id, SPA_KEYID_LEN, hex, sizeof(hex));
		printf("prev_key_id = %s\n", hex);
	} else
		printf("prev_key_id = none\n");
	if (secrets) {
		spa_hex_encode(c.seed, SPA_SEED_LEN, hex, sizeof(hex));
		printf("seed = %s\n", hex);
		if (c.has_prev) {
			spa_hex_encode(c.prev_seed, SPA_SEED_LEN, hex, sizeof(hex));
			printf("prev_seed = %s\n", hex);
		}
		spa_wipe(hex, sizeof(hex));
	}
	fmt_time(c.created, t, sizeof(t));
	printf("created = %s\n", t);
	fmt_time(c.updated, t, sizeof(t));
	printf("updated = %s\n", t);
	fmt_time(c.last_seen, t, sizeof(t));
	printf("last_seen = %s\n", t);
	store_client_wipe(&c);
	if (naudit == 0)
		return 0;
	if ((rc = store_audit_list(a->st, argv[optind], naudit, &au, &n)) != 0)
		return store_error(a, rc);
	for (i = 0; i < n; i++) {
		fmt_time(au[i].time, t, sizeof(t));
		spa_ip_format(au[i].src_ip, ip1, sizeof(ip1));
		spa_ip_format(au[i].ip, ip2, sizeof(ip2));
		printf("knock = %s from=%s ip=%s port=%s/%u sport=%u counter=%llu rotated=%s "
		    "gateway=%s\n", t, ip1, ip2[0] ? ip2 : ip1,
		    au[i].protocol == SPA_PROTO_UDP ? "udp" : "tcp", au[i].port,
		    au[i].source_port, (unsigned long long)au[i].counter,
		    au[i].rotated ? "yes" : "no", au[i].gateway[0] ? au[i].gateway : "-");
	}
	free(au);
	return 0;
}

int
admin_export(struct admin *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "server", required_argument, NULL, OPT_SERVER }, { NULL, 0, NULL, 0 } };
	struct store_client c;
	const char *out = NULL, *server = NULL;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'o')
			out = optarg;
		else if (ch == OPT_SERVER)
			server = optarg;
		else
			return admin_usage("export");
	}
	if (optind != argc - 1 || out == NULL)
		return admin_usage("export");
	if (store_aid_check(argv[optind]) != 0) {
		admin_err("bad AID '%.40s': 1 to 32 characters of A-Z a-z 0-9 . _ -", argv[optind]);
		return ADMIN_USAGE;
	}
	if ((rc = admin_open_store(a, 1)) != 0)
		return rc;
	if ((rc = store_client_get(a->st, argv[optind], &c)) != 0)
		return store_error(a, rc);
	rc = admin_write_cred(a, &c, server, out);
	store_client_wipe(&c);
	return rc;
}
