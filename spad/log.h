/*
 * log.h - spad's log: syslog, or stderr in the foreground; one line per
 * event with key=value fields, never a secret.
 */
#ifndef SPAD_LOG_H
#define SPAD_LOG_H

#include <stdint.h>
#include <syslog.h>

/* Start logging as ident; to stderr when foreground, else to syslog (daemon facility). */
void log_open(const char *ident, int foreground, int level);

/* Log one line at prio (LOG_ERR ... LOG_DEBUG), printf-style. */
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Log at most one line per reason slot (0..63) every 10 seconds, adding
 * suppressed=N for the lines dropped since; now is monotonic seconds.
 */
void log_limited(unsigned slot, int64_t now, int prio, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * 0 when log_limited(slot, now, prio, ...) would drop its line (and counts
 * it as suppressed), 1 when it would write one: lets a caller skip
 * formatting the arguments of a line that is dropped anyway.
 */
int log_limited_check(unsigned slot, int64_t now, int prio);

#endif /* SPAD_LOG_H */
