/*
 * admin-db.c - spa-admin init and migrate: the server key file and the
 * store's schema.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "spa_err.h"
#include "admin.h"

/* --to VERSION; exit status. */
static int
parse_to(const char *verb, int argc, char **argv, int *to)
{
	static const struct option opts[] = { { "to", required_argument, NULL, 't' },
	    { NULL, 0, NULL, 0 } };
	char *end;
	long v;
	int c;

	*to = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 't')
			return admin_usage(verb);
		v = strtol(optarg, &end, 10);
		if (*optarg == 0 || *end != 0 || v < 1 || v > STORE_SCHEMA_VERSION) {
			admin_err("--to %s: schema versions are 1..%d", optarg, STORE_SCHEMA_VERSION);
			return ADMIN_USAGE;
		}
		*to = (int)v;
	}
	if (optind != argc)
		return admin_usage(verb);
	return 0;
}

/* mkdir the parent of path (one level, 0700) if it is missing. */
static void
make_parent(const char *path)
{
	char buf[PATH_MAX];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return;
	(void)mkdir(dirname(buf), 0700);
}

static int
apply(struct admin *a, int to, int initial)
{
	int rc, from = 0, now = 0;

	rc = store_migrate(a->st, a->sql_dir, to, &from, &now);
	if (rc != 0) {
		admin_err("%s", store_errmsg(a->st));
		return admin_exit_for(rc);
	}
	if (from == now)
		printf("schema %d (unchanged)\n", now);
	else if (initial)
		printf("schema %d\n", now);
	else
		printf("schema %d (was %d)\n", now, from);
	return 0;
}

int
admin_init(struct admin *a, int argc, char **argv)
{
	char err[STORE_ERRLEN];
	struct stat sb;
	int rc, to, v = 0;

	if ((rc = parse_to("init", argc, argv, &to)) != 0)
		return rc;
	if ((rc = admin_load_config(a)) != 0)
		return rc;
	if (stat(a->cfg.server_key, &sb) != 0) {
		make_parent(a->cfg.server_key);
		if ((rc = store_key_create(a->cfg.server_key, err)) != 0) {
			admin_err("%s", err);
			return admin_exit_for(rc) == ADMIN_EXISTS ? ADMIN_EXISTS : ADMIN_STORE;
		}
		fprintf(stderr, "spa-admin: created server key %s\n", a->cfg.server_key);
	}
	if ((rc = store_key_load(a->cfg.server_key, a->key, err)) != 0) {
		admin_err("%s", err);
		return ADMIN_STORE;
	}
	if (a->cfg.store == SPAD_STORE_SQLITE)
		make_parent(a->cfg.db_path);
	if ((rc = store_open(&a->cfg, a->key, 0, 1, &a->st, err)) != 0) {
		admin_err("%s", err);
		return admin_exit_for(rc);
	}
	if ((rc = store_schema_version(a->st, &v)) != 0) {
		admin_err("%s", store_errmsg(a->st));
		return admin_exit_for(rc);
	}
	if (v != 0) {
		admin_err("the %s store is initialised already (schema %d): use 'spa-admin migrate'",
		    store_backend(a->st), v);
		return ADMIN_EXISTS;
	}
	return apply(a, to, 1);
}

int
admin_migrate(struct admin *a, int argc, char **argv)
{
	int rc, to;

	if ((rc = parse_to("migrate", argc, argv, &to)) != 0)
		return rc;
	if ((rc = admin_open_store(a, 0)) != 0)
		return rc;
	return apply(a, to, 0);
}
