/*
 * pubip.h - the client's public address, asked of an HTTPS service (libcurl).
 */
#ifndef PUBIP_H
#define PUBIP_H

#include <stddef.h>
#include <stdint.h>

#define PUBIP_DEFAULT_URL "https://api.ipify.org"

/*
 * GET url (https only) within timeout_ms and parse the body (an IPv4 or IPv6
 * address, surrounding whitespace allowed) into ip[16].  cafile: extra CA
 * bundle or NULL.  0 or SPA_ERR_HTTP with a reason in err.
 */
int pubip_get(const char *url, const char *cafile, long timeout_ms, uint8_t ip[16],
    char *err, size_t errlen);

#endif /* PUBIP_H */
