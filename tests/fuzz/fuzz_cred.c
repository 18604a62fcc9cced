/*
 * fuzz_cred.c - libFuzzer target for spa-knock's credential-file reader.
 * cred_parse is a pure function of bytes (cred_load only adds the file and
 * permission checks in front of it).  Besides memory errors (ASan/UBSan) this
 * checks what spa-knock relies on: a refused file leaves a wiped struct and a
 * "file:..." message; an accepted one has a valid server, aid and host list,
 * fits the buffer cred_save formats into, and reads back to exactly the same
 * credential (a save never changes what the next knock sees).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cred.h"
#include "spa_crypto.h"
#include "spa_err.h"
#include "spa_pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cred c, d;
	char err[CRED_ERRLEN], buf[4096];	/* cred_save's buffer size */
	int rc, n;

	rc = cred_parse(&c, "fuzz.cred", (const char *)data, size, err);
	if (rc != 0) {
		if (rc >= 0 || strncmp(err, "fuzz.cred", 9) != 0 || !spa_is_zero(&c, sizeof(c)))
			abort();
		return 0;
	}
	if (c.server[0] == '\0' || spa_aid_valid(c.aid) != 0 || c.hosts[0] == '\0' ||
	    c.counter > UINT64_MAX / 2 || c.spa_port == 0)
		abort();
	(void)cred_matches(&c, c.server);
	(void)cred_matches(&c, "host.example.org");
	n = cred_format(&c, buf, sizeof(buf));
	if (n <= 0 || (size_t)n >= sizeof(buf))
		abort();
	if (cred_parse(&d, "again.cred", buf, (size_t)n, err) != 0)
		abort();
	if (memcmp(&c, &d, sizeof(c)) != 0)
		abort();
	cred_wipe(&c);
	cred_wipe(&d);
	return 0;
}
