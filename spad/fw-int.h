/*
 * fw-int.h - what a firewall backend provides to fw.c.  Only fw.c and the
 * fw-*.c backends include this.
 */
#ifndef SPAD_FW_INT_H
#define SPAD_FW_INT_H

#include "fw.h"

struct fw_ops {
	const char *name;
	int (*open)(struct fw *f, const struct fw_opts *o, char *err, size_t errlen);
	int (*reconfigure)(struct fw *f, const struct fw_opts *o, char *err, size_t errlen);
	int (*grant)(struct fw *f, const struct fw_tuple *t, const char *aid, unsigned timeout_s,
	    char *err, size_t errlen);
	int (*revoke)(struct fw *f, const struct fw_tuple *t, char *err, size_t errlen);
	int (*event_fd)(const struct fw *f);
	void (*events)(struct fw *f, fw_used_cb used, void *arg);
	void (*tick)(struct fw *f, time_t now);
	int (*reconcile)(struct fw *f, time_t now, unsigned *fixed, char *err, size_t errlen);
	void (*close)(struct fw *f, int remove_rules);
};

struct fw {
	const struct fw_ops *ops;
	struct fw_opts opts;
	void *priv;
};

#ifdef HAVE_NFTABLES
extern const struct fw_ops fw_nft_ops;
#endif
#ifdef HAVE_IPTC
extern const struct fw_ops fw_iptc_ops;
#endif

/* 1 if the tuple's address is IPv4-mapped. */
int fw_tuple_is_v4(const struct fw_tuple *t);

#endif /* SPAD_FW_INT_H */
