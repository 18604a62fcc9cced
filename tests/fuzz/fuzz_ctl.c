/*
 * fuzz_ctl.c - libFuzzer target for the control-protocol parser (spa_ctl).
 *
 * The input is a whole frame (4-byte length + body), as spad reads it from a
 * peer.  Whatever it parses must satisfy the grammar's invariants, and must
 * survive a rebuild through the writer byte for byte.  Build by hand:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Ibuild -Ilib \
 *     tests/fuzz/fuzz_ctl.c lib/spa_ctl.c lib/spa_buf.c lib/spa_err.c -o fuzz_ctl
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spa_ctl.h"

static struct spa_ctl_writer w;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spa_ctl_msg *m = NULL;
	const uint8_t *f;
	size_t i, n, rec = 0;

	if (spa_ctl_parse_frame(data, size, &m) != 0) {
		if (m != NULL)
			abort();
		return 0;
	}
	if (!spa_ctl_key_ok(m->verb))
		abort();
	spa_ctl_begin(&w, m->verb);
	for (i = 0; i < m->nfields; i++) {
		if (!spa_ctl_key_ok(m->field[i].key) || !spa_ctl_value_ok(m->field[i].value) ||
		    m->field[i].rec < rec || m->field[i].rec > m->nrecords)
			abort();
		while (rec < m->field[i].rec) {
			spa_ctl_record(&w);
			rec++;
		}
		spa_ctl_add(&w, m->field[i].key, m->field[i].value);
	}
	while (rec < m->nrecords) {
		spa_ctl_record(&w);
		rec++;
	}
	if (spa_ctl_finish(&w, &f, &n) != 0 || n != size || memcmp(f, data, size) != 0)
		abort();
	spa_ctl_msg_free(m);
	return 0;
}
