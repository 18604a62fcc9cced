/*
 * fuzz_conf.c - libFuzzer target for the config reader.  spa_conf_parse is a
 * pure function of bytes; besides memory errors (ASan/UBSan) this checks the
 * promises callers rely on: keys are [a-z0-9_]+, no key twice, on error an
 * empty result and a "file:line: " message, and the typed getters never
 * misbehave on whatever value came through.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spa_conf.h"
#include "spa_err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const known[] = { "interface", "block_all", "change_seeds", "allowed_ips",
	"fw_label", "db_host", "db_user", "db_password", "db_name", "db_port", "spa_port",
	"protect", "open_timeout", "max_packet_age", "hotp_window", "seed", "a", "b", NULL };

static void
check(const struct spa_conf *c)
{
	char err[SPA_CONF_ERRLEN];
	const char *s;
	uint64_t u;
	size_t i, j;
	int b;

	for (i = 0; i < c->n; i++) {
		const char *k = c->e[i].key;

		if (k[0] == '\0' || k[strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789_")] != '\0')
			abort();
		if (c->e[i].line == 0 || (i > 0 && c->e[i].line <= c->e[i - 1].line))
			abort();
		for (j = 0; j < i && j < 64; j++)
			if (strcmp(c->e[j].key, k) == 0)
				abort();
		if (spa_conf_get(c, k, NULL) != c->e[i].value)
			abort();
		if (spa_conf_get_bool(c, k, 0, &b, err) == 0 && b != 0 && b != 1)
			abort();
		spa_conf_get_uint(c, k, 1, 65535, 7, &u, err);
		spa_conf_require(c, k, &s, err);
		spa_conf_errf(c, k, err, "%s", "x");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spa_conf c;
	char err[SPA_CONF_ERRLEN];
	int rc;

	rc = spa_conf_parse(&c, "fuzz.conf", (const char *)data, size, NULL, err);
	if (rc == 0) {
		check(&c);
		spa_conf_free(&c);
	} else if (c.n != 0 || c.e != NULL || strncmp(err, "fuzz.conf:", 10) != 0) {
		abort();
	}
	rc = spa_conf_parse(&c, "fuzz.conf", (const char *)data, size, known, err);
	if (rc == 0) {
		check(&c);
		spa_conf_free(&c);
	}
	return 0;
}
