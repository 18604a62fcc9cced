/*
 * testctl.c - a control-socket client for spad's system tests (not
 * installed): spad-testctl SOCKET VERB [KEY=VALUE...] prints the response,
 * the verb on the first line, then KEY=VALUE lines ("-" between records).
 * Exit 0 when the verb is "ok", 3 for "deny", 4 for "error", 2 on failure.
 */
#include <stdio.h>
#include <string.h>

#include "spa_ctl.h"
#include "spa_err.h"

static struct spa_ctl_writer w;

int
main(int argc, char **argv)
{
	struct spa_ctl_msg *m = NULL;
	size_t i, rec = 0;
	char key[64], *eq;
	int r;

	if (argc < 3)
		return 1;
	spa_ctl_begin(&w, argv[2]);
	for (i = 3; i < (size_t)argc; i++) {
		if ((eq = strchr(argv[i], '=')) == NULL || (size_t)(eq - argv[i]) >= sizeof(key))
			return 1;
		memcpy(key, argv[i], (size_t)(eq - argv[i]));
		key[eq - argv[i]] = '\0';
		spa_ctl_add(&w, key, eq + 1);
	}
	if ((r = spa_ctl_call(argv[1], &w, &m, 3000)) != 0) {
		fprintf(stderr, "spad-testctl: %s\n", spa_strerror(r));
		return 2;
	}
	printf("%s\n", m->verb);
	for (i = 0; i < m->nfields; i++) {
		if (m->field[i].rec != rec) {
			printf("-\n");
			rec = m->field[i].rec;
		}
		printf("%s=%s\n", m->field[i].key, m->field[i].value);
	}
	r = spa_ctl_is(m, SPA_CTL_OK) ? 0 : spa_ctl_is(m, SPA_CTL_DENY) ? 3 : 4;
	spa_ctl_msg_free(m);
	return r;
}
