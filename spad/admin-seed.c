/*
 * admin-seed.c - spa-admin set-seed and use-old-seed (DESIGN.md "Seeds").
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "spa_crypto.h"
#include "spa_err.h"
#include "admin.h"

enum { OPT_SERVER = 256 };

int
admin_set_seed(struct admin *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "server", required_argument, NULL, OPT_SERVER }, { NULL, 0, NULL, 0 } };
	struct store_client c;
	uint8_t seed[SPA_SEED_LEN];
	char hex[2 * SPA_SEED_LEN + 1];
	const char *out = NULL, *server = NULL, *aid;
	int ch, rc, given;

	memset(&c, 0, sizeof(c));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'o')
			out = optarg;
		else if (ch == OPT_SERVER)
			server = optarg;
		else
			return admin_usage("set-seed");
	}
	if (optind != argc - 1 && optind != argc - 2)
		return admin_usage("set-seed");
	aid = argv[optind];
	given = optind == argc - 2;
	if (store_aid_check(aid) != 0) {
		admin_err("bad AID '%.40s': 1 to 32 characters of A-Z a-z 0-9 . _ -", aid);
		return ADMIN_USAGE;
	}
	if (given) {
		if ((rc = admin_parse_seed(argv[optind + 1], seed)) != 0)
			return rc;
	} else if (spa_seed_generate(seed) != 0) {
		admin_err("no random bytes for a seed");
		return ADMIN_INTERNAL;
	}
	if ((rc = admin_open_store(a, 1)) != 0)
		goto out;
	if ((rc = store_client_set_seed(a->st, aid, seed)) != 0) {
		admin_err("%s", store_errmsg(a->st));
		rc = admin_exit_for(rc);
		goto out;
	}
	if (out != NULL) {
		if ((rc = store_client_get(a->st, aid, &c)) != 0) {
			admin_err("%s", store_errmsg(a->st));
			rc = admin_exit_for(rc);
			goto out;
		}
		rc = admin_write_cred(a, &c, server, out);
		admin_notify_spad(a);
	} else if (!given) {
		/* Otherwise the new seed would be known to nobody. */
		spa_hex_encode(seed, SPA_SEED_LEN, hex, sizeof(hex));
		printf("%s\n", hex);
		spa_wipe(hex, sizeof(hex));
	}
	if (out == NULL)
		admin_notify_spad(a);
out:
	spa_wipe(seed, sizeof(seed));
	store_client_wipe(&c);
	return rc;
}

int
admin_use_old_seed(struct admin *a, int argc, char **argv)
{
	int rc;

	if (argc != 2 || argv[1][0] == '-')
		return admin_usage("use-old-seed");
	if (store_aid_check(argv[1]) != 0) {
		admin_err("bad AID '%.40s': 1 to 32 characters of A-Z a-z 0-9 . _ -", argv[1]);
		return ADMIN_USAGE;
	}
	if ((rc = admin_open_store(a, 1)) != 0)
		return rc;
	if ((rc = store_client_use_old_seed(a->st, argv[1])) != 0) {
		admin_err("%s", store_errmsg(a->st));
		return admin_exit_for(rc);
	}
	admin_notify_spad(a);
	return 0;
}
