/*
 * log.c - syslog or stderr, with a per-reason rate limit so a flood of bad
 * knocks cannot flood the log.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"

#define LIMIT_SLOTS	64
#define LIMIT_SECONDS	10

static int log_fg;
static int log_level = LOG_INFO;
static const char *log_ident = "spad";
static struct {
	int64_t last;
	unsigned long suppressed;
} limit[LIMIT_SLOTS];

void
log_open(const char *ident, int foreground, int level)
{
	log_ident = ident;
	log_fg = foreground;
	log_level = level;
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void
vlog(int prio, const char *suffix, const char *fmt, va_list ap)
{
	char line[1024];
	static const char *const names[] = { "emerg", "alert", "crit", "err", "warning", "notice",
		"info", "debug" };

	if (prio > log_level)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	if (log_fg)
		fprintf(stderr, "%s: level=%s %s%s\n", log_ident, names[prio & 7], line, suffix);
	else
		syslog(prio, "%s%s", line, suffix);
}

void
log_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(prio, "", fmt, ap);
	va_end(ap);
}

int
log_limited_check(unsigned slot, int64_t now, int prio)
{
	slot %= LIMIT_SLOTS;
	if (prio > log_level)
		return 0;
	if (limit[slot].last != 0 && now - limit[slot].last < LIMIT_SECONDS) {
		limit[slot].suppressed++;
		return 0;
	}
	return 1;
}

void
log_limited(unsigned slot, int64_t now, int prio, const char *fmt, ...)
{
	char suffix[48] = "";
	va_list ap;

	/* the rate check comes first: a dropped line costs no formatting */
	if (!log_limited_check(slot, now, prio))
		return;
	slot %= LIMIT_SLOTS;
	if (limit[slot].suppressed > 0)
		snprintf(suffix, sizeof(suffix), " suppressed=%lu", limit[slot].suppressed);
	limit[slot].last = now;
	limit[slot].suppressed = 0;
	va_start(ap, fmt);
	vlog(prio, suffix, fmt, ap);
	va_end(ap);
}
