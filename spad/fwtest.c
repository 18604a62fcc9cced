/*
 * fwtest.c - a tiny driver for the firewall backends, for system tests only
 * (not installed).  Reads commands from stdin, one per line, answers "ok" or
 * "err MESSAGE" on stdout:
 *
 *   open BACKEND LABEL block_all|protect PORTS|- ALLOWED|-
 *   grant ADDR SPORT DPORT tcp|udp SECONDS
 *   revoke ADDR SPORT DPORT tcp|udp
 *   events            (process pending conntrack events, print "used TUPLE")
 *   close 0|1         (1: remove the rules; 0: leave them, as a crash would)
 */

#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spa_err.h"
#include "fw.h"

static int
tuple(const char *a, const char *sp, const char *dp, const char *pr, struct fw_tuple *t)
{
	memset(t, 0, sizeof(*t));
	if (inet_pton(AF_INET, a, t->src + 12) == 1) {
		t->src[10] = t->src[11] = 0xff;
	} else if (inet_pton(AF_INET6, a, t->src) != 1)
		return -1;
	t->sport = (uint16_t)atoi(sp);
	t->dport = (uint16_t)atoi(dp);
	t->proto = strcmp(pr, "udp") == 0 ? 17 : 6;
	return 0;
}

static void
used(void *arg, const struct fw_tuple *t)
{
	char s[96];

	(void)arg;
	fw_tuple_format(t, s, sizeof(s));
	printf("used %s\n", s);
}

static int
parse_protect(const char *text, struct fw_opts *o)
{
	char buf[512], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", text);
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		if (o->nprotect == FW_PROTECT_MAX)
			return -1;
		o->protect[o->nprotect].proto = strncmp(tok, "udp/", 4) == 0 ? 17 : 6;
		o->protect[o->nprotect].port = (uint16_t)atoi(strchr(tok, '/') ? strchr(tok, '/') + 1 : tok);
		o->nprotect++;
	}
	return 0;
}

int
main(void)
{
	char line[1024], a[5][128], err[512];
	struct fw *f = NULL;
	struct fw_opts o;
	struct fw_tuple t;
	int n, r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		err[0] = '\0';
		r = -1;
		n = sscanf(line, "%*s %127s %127s %127s %127s %127s", a[0], a[1], a[2], a[3], a[4]);
		if (strncmp(line, "open ", 5) == 0 && n == 5) {
			memset(&o, 0, sizeof(o));
			snprintf(o.label, sizeof(o.label), "%.28s", a[1]);
			o.block_all = strcmp(a[2], "block_all") == 0;
			if (strcmp(a[3], "-") != 0 && parse_protect(a[3], &o) != 0)
				snprintf(err, sizeof(err), "bad ports");
			else if (strcmp(a[4], "-") != 0 && fw_nets_parse(a[4], &o) != 0)
				snprintf(err, sizeof(err), "bad nets");
			else
				r = fw_open(a[0], &o, &f, err, sizeof(err));
		} else if (strncmp(line, "grant ", 6) == 0 && n == 5 && f != NULL) {
			if (tuple(a[0], a[1], a[2], a[3], &t) == 0)
				r = fw_grant(f, &t, "test-aid", (unsigned)atoi(a[4]), err, sizeof(err));
		} else if (strncmp(line, "revoke ", 7) == 0 && n >= 4 && f != NULL) {
			if (tuple(a[0], a[1], a[2], a[3], &t) == 0)
				r = fw_revoke(f, &t, err, sizeof(err));
		} else if (strncmp(line, "events", 6) == 0 && f != NULL) {
			struct pollfd p = { .fd = fw_event_fd(f), .events = POLLIN };

			if (p.fd >= 0)
				while (poll(&p, 1, 200) > 0)
					fw_events(f, used, NULL);
			fw_tick(f, time(NULL));
			r = 0;
		} else if (strncmp(line, "close", 5) == 0 && f != NULL) {
			fw_close(f, n >= 1 && atoi(a[0]) == 1);
			f = NULL;
			r = 0;
		} else
			snprintf(err, sizeof(err), "bad command");
		if (r == 0)
			printf("ok\n");
		else
			printf("err %s\n", err);
	}
	if (f != NULL)
		fw_close(f, 1);
	return 0;
}
