/*
 * fw-ct.h - conntrack NEW events as struct fw_tuple, for the firewall
 * backends (libnetfilter_conntrack; only with HAVE_CONNTRACK).
 *
 * The iptables backend needs them to delete a grant's rule on its first
 * connection; both backends use them to learn when a grant was used.
 */
#ifndef SPAD_FW_CT_H
#define SPAD_FW_CT_H

#include <stddef.h>

#include "fw.h"

struct fw_ct;

/* Called for each new TCP or UDP connection, with its original direction:
 * source address (IPv4-mapped for v4), source port, destination port, protocol. */
typedef void (*fw_ct_fn)(void *arg, const struct fw_tuple *t);

/* Listen to the kernel's NEW events (non-blocking socket); NULL and err set on failure. */
struct fw_ct *fw_ct_open(fw_ct_fn fn, void *arg, char *err, size_t errlen);
/* The socket to poll for readability. */
int fw_ct_fd(const struct fw_ct *c);
/* Handle every event queued; returns when the socket is drained. */
void fw_ct_read(struct fw_ct *c);
void fw_ct_close(struct fw_ct *c);

#endif /* SPAD_FW_CT_H */
