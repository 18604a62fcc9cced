/*
 * testprov.c - provisioning for spad's system tests through the store API
 * (not installed; spa-admin is the real tool):
 *
 *   spad-testprov CONF init SQLDIR          create server key and schema
 *   spad-testprov CONF add AID SEEDHEX PASSWORD USERS PORTS [any_ip] [disabled]
 *   spad-testprov CONF use-old-seed AID
 *   spad-testprov CONF enable AID 0|1
 *   spad-testprov CONF counter AID           print the stored counter
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spa_crypto.h"
#include "spa_err.h"
#include "spa_pkt.h"
#include "config.h"
#include "store.h"

int
main(int argc, char **argv)
{
	struct spad_config cfg;
	struct store *st = NULL;
	struct store_client c;
	uint8_t key[STORE_KEY_LEN], field[32];
	char err[STORE_ERRLEN], cerr[SPAD_CONF_ERRLEN];
	int r = 1, i;

	if (argc < 3)
		return 1;
	memset(&cfg, 0, sizeof(cfg));
	if (spad_config_load(&cfg, argv[1], cerr) != 0) {
		fprintf(stderr, "%s\n", cerr);
		return 1;
	}
	if (strcmp(argv[2], "init") == 0) {
		(void)store_key_create(cfg.server_key, err);
	}
	if (store_key_load(cfg.server_key, key, err) != 0) {
		fprintf(stderr, "key: %s\n", err);
		return 1;
	}
	if (store_open(&cfg, key, strcmp(argv[2], "init") != 0, 1, &st, err) != 0) {
		fprintf(stderr, "store: %s\n", err);
		return 1;
	}
	if (strcmp(argv[2], "init") == 0 && argc == 4) {
		r = store_migrate(st, argv[3], 0, NULL, NULL);
	} else if (strcmp(argv[2], "add") == 0 && argc >= 8) {
		memset(&c, 0, sizeof(c));
		snprintf(c.aid, sizeof(c.aid), "%s", argv[3]);
		snprintf(c.users, sizeof(c.users), "%s", argv[6]);
		c.enabled = 1;
		for (i = 8; i < argc; i++) {
			if (strcmp(argv[i], "any_ip") == 0)
				c.any_ip = 1;
			if (strcmp(argv[i], "disabled") == 0)
				c.enabled = 0;
		}
		if (spa_hex_decode(argv[4], c.seed, sizeof(c.seed)) != 0 ||
		    spa_ports_parse(argv[7], c.ports, STORE_PORTS_MAX, &c.nports, NULL) != 0 ||
		    spa_password_key(argv[5], strlen(argv[5]), c.aid, field) != 0 ||
		    store_verifier(st, field, c.verifier) != 0)
			r = 1;
		else
			r = store_client_add(st, &c);
		store_client_wipe(&c);
	} else if (strcmp(argv[2], "use-old-seed") == 0 && argc == 4) {
		r = store_client_use_old_seed(st, argv[3]);
	} else if (strcmp(argv[2], "enable") == 0 && argc == 5) {
		r = store_client_set_enabled(st, argv[3], atoi(argv[4]));
	} else if (strcmp(argv[2], "counter") == 0 && argc == 4) {
		if ((r = store_client_get(st, argv[3], &c)) == 0)
			printf("%llu\n", (unsigned long long)c.counter);
		store_client_wipe(&c);
	}
	if (r != 0)
		fprintf(stderr, "failed: %s: %s\n", spa_strerror(r), store_errmsg(st));
	store_close(st);
	spad_config_free(&cfg);
	spa_wipe(key, sizeof(key));
	return r == 0 ? 0 : 2;
}
