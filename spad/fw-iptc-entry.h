/*
 * fw-iptc-entry.h - the bytes of one iptables/ip6tables rule, for
 * fw-iptc.c: an entry header of either family (ipt_entry, ip6t_entry)
 * behind e_* accessors, and the matches spad's rules use.
 */
#ifndef SPAD_FW_IPTC_ENTRY_H
#define SPAD_FW_IPTC_ENTRY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "fw-int.h"

#define ENTRY_MAX 1024

/* ::ffff:0:0/96, the prefix of an IPv4 address in a struct fw_tuple. */
extern const uint8_t v4pfx[12];

struct xt_entry_match;

/* An entry under construction. */
struct ent {
	uint8_t b[ENTRY_MAX];
	size_t len;
	int v6;
	int err;
};

/* The entry header of either family; addresses are 16 bytes, IPv4-mapped for v4. */
uint16_t e_noff(const void *e, int v6);
void e_zero_counters(void *e, int v6);
void e_set_src(void *e, int v6, const uint8_t a[16], unsigned plen);
void e_get_src(const void *e, int v6, uint8_t out[16]);
uint8_t e_proto(const void *e, int v6);
void e_set_lo(void *e, int v6);

/* Building: ent_start, matches, then ent_finish (-1 if it did not fit). */
void *ent_start(struct ent *x, int v6);
void m_state(struct ent *x, unsigned mask);
void m_ports(struct ent *x, uint8_t proto, uint16_t sport, uint16_t dport);
void m_comment(struct ent *x, const char *label, const char *what);
void m_icmp6(struct ent *x, uint8_t type);
int ent_finish(struct ent *x, const char *target);
/* A grant's rule: -s ADDR -p P [--sport S] --dport D -m state --state NEW
 * -m time --datestop STOP -m comment --comment LABEL:AID -j ACCEPT. */
int grant_entry(struct ent *x, const char *label, const struct fw_tuple *t, const char *aid, time_t stop);

/* Reading entries the kernel returns. */
const struct xt_entry_match *find_match(const void *e, int v6, const char *name);
const char *comment_of(const void *e, int v6);
int same_rule(const void *a, const void *b, int v6);

#endif
