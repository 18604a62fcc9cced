/*
 * capture.h - libpcap on spad's interface: immediate mode, non-blocking,
 * polled through its selectable descriptor, kernel-side filter; frames are
 * parsed with the bounded buffer down to the UDP payload.
 */
#ifndef SPAD_CAPTURE_H
#define SPAD_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

struct cap;

/* A UDP payload from src:sport (src IPv6 or IPv4-mapped). */
typedef void (*cap_cb)(void *arg, const uint8_t *payload, size_t len, const uint8_t src[16],
    uint16_t sport);

/* Counters of frames spad could not parse down to a UDP payload. */
struct cap_stats {
	uint64_t frames, unparsed, fragments, outgoing;
};

/*
 * Open ifname (NULL or "any": every interface), install filter (NULL: built
 * for port, see cap_filter), non-blocking.  0 or SPA_ERR_SYSTEM (err says why).
 */
int cap_open(const char *ifname, const char *filter, uint16_t port, struct cap **out, char *err,
    size_t errlen);

/* The default filter for port into out: IPv4 length/version checked in the kernel. */
void cap_filter(uint16_t port, int vlan, char *out, size_t outlen);

/* Descriptor to poll for readability. */
int cap_fd(const struct cap *c);

/* Handle every frame ready now (bounded batch); calls cb per UDP payload. -1 on a pcap error. */
int cap_dispatch(struct cap *c, cap_cb cb, void *arg);

/*
 * Parse one captured frame of link type dlt down to its UDP payload.  0 and
 * the out parameters set, or -1 (not IPv4/IPv6 UDP, fragment, truncated).
 * Pure: for tests and fuzzing.
 */
int cap_parse(int dlt, const uint8_t *frame, size_t caplen, const uint8_t **payload, size_t *len,
    uint8_t src[16], uint16_t *sport, uint16_t *dport);

/* Parse statistics. */
const struct cap_stats *cap_stats(const struct cap *c);

/* pcap's message for the last error on c. */
const char *cap_error(const struct cap *c);

void cap_close(struct cap *c);

#endif /* SPAD_CAPTURE_H */
