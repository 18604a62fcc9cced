/*
 * spad.h - the daemon's state, shared by main.c (setup, loop, signals) and
 * ctlsrv.c (the control socket's verbs).
 */
#ifndef SPAD_SPAD_H
#define SPAD_SPAD_H

#include <stdint.h>

#include "capture.h"
#include "spad_config.h"
#include "fw.h"
#include "grant.h"
#include "idx.h"
#include "store.h"
#include "verify.h"

struct spad {
	struct spad_config cfg;
	uint8_t key[STORE_KEY_LEN];	/* SECRET: server key, read once as root */
	struct store *st;
	struct idx *ix;
	struct fw *fw;
	struct cap *cap;
	struct grant_tab gt;
	struct vfy v;
	char gateway[64];
	int64_t started;
	uint64_t reloads, ctl_requests, ctl_refused;
	uint64_t ticks;
	/* lost resources, retried from the timer with backoff */
	int64_t store_retry_ms, cap_retry_ms;
	unsigned store_backoff, cap_backoff;
	uint64_t store_reconnects, cap_reopens;
	int epfd;
};

/*
 * Reload spad.conf and the client index; the firewall's base rules follow
 * the new config, live grants stay.  On error the old state stays in force.
 * 0 or SPA_ERR_*; err gets a message.
 */
int spad_reload(struct spad *s, char *err, size_t errlen);

/* Fill fw options from a config. 0 or SPA_ERR_INVALID (err says which key). */
int spad_fw_opts(const struct spad_config *c, struct fw_opts *o, char *err, size_t errlen);

/* Wall-clock and monotonic time. */
int64_t spad_now(void);
int64_t spad_mono_ms(void);

#endif /* SPAD_SPAD_H */
