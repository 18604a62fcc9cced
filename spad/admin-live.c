/*
 * admin-live.c - the verbs that talk to a running spad over its control
 * socket: grants, status, allow, established.  spad's control protocol is
 * not there yet, so they say so with their own exit status (6) rather than
 * pretend.
 */
#include <stdio.h>

#include "admin.h"

int
admin_live(struct admin *a, int argc, char **argv)
{
	(void)a;
	(void)argc;
	admin_err("%s: spad control socket not available yet", argv[0]);
	return ADMIN_NO_SPAD;
}
