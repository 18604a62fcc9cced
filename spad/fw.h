/*
 * fw.h - the firewall behind spad's grants, one small interface with two
 * backends chosen at run time by the `firewall` key: nftables (fw-nft.c,
 * libnftables) and iptables (fw-iptc.c, libiptc/libip6tc).  The caller never
 * knows which one runs.
 *
 * A grant accepts NEW connections on one tuple (source address, source port
 * or any, service port, protocol) until its first connection or its timeout,
 * whichever comes first; established traffic keeps flowing.  Both backends
 * keep the expiry in the kernel, so a crashed spad leaves the door closed.
 */
#ifndef SPAD_FW_H
#define SPAD_FW_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define FW_LABEL_MAX	28	/* iptables chain names are at most 28 characters */
#define FW_NETS_MAX	64
#define FW_PROTECT_MAX	64

/* An address with prefix length; IPv4 is IPv4-mapped with plen 96..128. */
struct fw_net {
	uint8_t addr[16];
	uint8_t plen;
};

/* What a grant opens.  src is IPv6 or IPv4-mapped; sport 0 means any. */
struct fw_tuple {
	uint8_t src[16];
	uint16_t sport;
	uint16_t dport;
	uint8_t proto;		/* 6 or 17 */
};

/* Base policy: block_all (with allowed nets) or drop NEW on the protected ports. */
struct fw_opts {
	char label[FW_LABEL_MAX + 1];
	int block_all;
	struct fw_net allowed[FW_NETS_MAX];
	size_t nallowed;
	struct { uint8_t proto; uint16_t port; } protect[FW_PROTECT_MAX];
	size_t nprotect;
	/* spa_port: UDP to it is not tracked (nftables), so knocks and junk
	 * sent there make no conntrack entry and no event; 0: none */
	uint16_t notrack_udp_port;
};

struct fw;

/* Called by fw_events() when a grant saw its first connection (and is gone). */
typedef void (*fw_used_cb)(void *arg, const struct fw_tuple *t);

/*
 * Open backend "nftables" or "iptables", remove stale rules carrying o->label
 * and install the base rules.  Live grants the kernel still holds for the
 * label survive (nftables); fw_grant() re-adds grants the caller remembers.
 * 0, SPA_ERR_INVALID (unknown/unbuilt backend, bad label) or SPA_ERR_SYSTEM; err gets a message.
 */
int fw_open(const char *backend, const struct fw_opts *o, struct fw **out, char *err, size_t errlen);

/* Replace the base rules with o (same label) keeping live grants. 0 or SPA_ERR_*. */
int fw_reconfigure(struct fw *f, const struct fw_opts *o, char *err, size_t errlen);

/* Open t for aid for timeout_s seconds. 0 or SPA_ERR_SYSTEM (err says why). */
int fw_grant(struct fw *f, const struct fw_tuple *t, const char *aid, unsigned timeout_s,
    char *err, size_t errlen);

/* Close t now (no error when already consumed or expired). 0 or SPA_ERR_SYSTEM. */
int fw_revoke(struct fw *f, const struct fw_tuple *t, char *err, size_t errlen);

/* Descriptor to poll for events (conntrack), or -1 when the backend needs none. */
int fw_event_fd(const struct fw *f);

/* Read pending events; calls used() for each grant consumed by a connection. */
void fw_events(struct fw *f, fw_used_cb used, void *arg);

/* Expire grants whose time is up (a no-op where the kernel does it). */
void fw_tick(struct fw *f, time_t now);

/*
 * Bring the kernel back in line with spad's own grants (rules changed behind
 * its back): base rules restored, grant rules/elements spad did not make or
 * that outlive its grant removed; a live grant's missing rule is restored
 * where spad knows it unused (iptables), else left closed (nftables).
 * *fixed gets the number of repairs.  0 or SPA_ERR_SYSTEM (err says why).
 */
int fw_reconcile(struct fw *f, time_t now, unsigned *fixed, char *err, size_t errlen);

/* Backend name ("nftables" / "iptables"). */
const char *fw_name(const struct fw *f);

/* Remove every rule of the label (clean stop) when remove_rules, then free f. */
void fw_close(struct fw *f, int remove_rules);

/* Parse "10.0.0.0/8, ::1, 192.0.2.7" into o->allowed. 0 or SPA_ERR_ADDR / SPA_ERR_TOO_LONG. */
int fw_nets_parse(const char *text, struct fw_opts *o);

/* 1 if addr (16 bytes) lies in net. */
int fw_net_match(const struct fw_net *net, const uint8_t addr[16]);

/* Text form of a 16-byte address (dotted quad when IPv4-mapped). */
void fw_addr_format(const uint8_t addr[16], char *out, size_t outlen);

/* Format t as "10.0.0.2:5000->22/tcp" into out. */
void fw_tuple_format(const struct fw_tuple *t, char *out, size_t outlen);

/* A label is 1..28 of [A-Za-z0-9_-]: used as table/chain name. 1 if valid. */
int fw_label_valid(const char *label);

#endif /* SPAD_FW_H */
