/*
 * spa_err.c - messages and names for the SPA_ERR_* codes.
 */
#include "config.h"

#include <stddef.h>

#include "spa_err.h"

struct err_desc {
	int code;
	const char *name;
	const char *msg;
};

#define E(c, m) { c, #c, m }
static const struct err_desc errs[] = {
	E(SPA_OK, "success"),
	E(SPA_ERR_INTERNAL, "internal error"),
	E(SPA_ERR_NOMEM, "out of memory"),
	E(SPA_ERR_INVALID, "invalid argument"),
	E(SPA_ERR_SYSTEM, "system call failed"),
	E(SPA_ERR_RANDOM, "cannot read the system random generator"),
	E(SPA_ERR_CRYPTO, "cryptographic library failure"),
	E(SPA_ERR_HEX, "not hexadecimal of the expected length"),
	E(SPA_ERR_ADDR, "not an IPv4 or IPv6 address"),
	E(SPA_ERR_PORT, "not a valid port (expected tcp/N or udp/N, N in 1..65535)"),
	E(SPA_ERR_TIMEOUT, "timed out"),
	E(SPA_ERR_NOT_FOUND, "not found"),
	E(SPA_ERR_EXISTS, "already exists"),
	E(SPA_ERR_TOO_LONG, "value too long"),
	E(SPA_ERR_AUTH, "authentication tag mismatch"),
	E(SPA_ERR_BUF_SHORT, "read past the end of the buffer"),
	E(SPA_ERR_BUF_FULL, "write past the end of the buffer"),
	E(SPA_ERR_BUF_RDONLY, "write to a read-only buffer"),
	E(SPA_ERR_PKT_LENGTH, "datagram has the wrong length"),
	E(SPA_ERR_PKT_VERSION, "datagram has an unknown version"),
	E(SPA_ERR_PKT_TAG, "datagram failed authentication (forged, corrupt or wrong seed)"),
	E(SPA_ERR_PKT_RESERVED, "datagram has non-zero reserved bytes"),
	E(SPA_ERR_PKT_PROTOCOL, "datagram names a protocol other than TCP or UDP"),
	E(SPA_ERR_PKT_AID, "datagram AID does not match its key id"),
	E(SPA_ERR_PKT_UNKNOWN, "datagram key id names no enabled client"),
	E(SPA_ERR_PKT_RATE, "rate limited"),
	E(SPA_ERR_PKT_STALE, "datagram timestamp outside max_packet_age (check the client clock)"),
	E(SPA_ERR_PKT_COUNTER, "datagram counter outside the HOTP window"),
	E(SPA_ERR_PKT_HOTP, "datagram HOTP value wrong"),
	E(SPA_ERR_PKT_REPLAY, "datagram replayed"),
	E(SPA_ERR_PKT_PASSWORD, "wrong password"),
	E(SPA_ERR_PKT_PORT, "port or protocol not allowed for this client"),
	E(SPA_ERR_PKT_ADDR, "address not allowed for this client"),
	E(SPA_ERR_PKT_AID_FORMAT, "AID must be 1 to 32 printable ASCII characters"),
	E(SPA_ERR_FILE_PERM, "file is accessible by group or others, or has the wrong owner"),
	E(SPA_ERR_FILE_TYPE, "not a regular file"),
	E(SPA_ERR_FILE_SIZE, "file too large"),
	E(SPA_ERR_CONF_SYNTAX, "syntax error"),
	E(SPA_ERR_CONF_KEY, "unknown key"),
	E(SPA_ERR_CONF_VALUE, "bad value"),
	E(SPA_ERR_CONF_DUP, "duplicate key"),
	E(SPA_ERR_CONF_MISSING, "missing key"),
	E(SPA_ERR_CONF_QUOTE, "bad quoting"),
	E(SPA_ERR_STORE, "store error"),
	E(SPA_ERR_STORE_CONNECT, "cannot reach the store"),
	E(SPA_ERR_STORE_SCHEMA, "store schema missing or of an unknown version"),
	E(SPA_ERR_STORE_BUSY, "store busy"),
	E(SPA_ERR_STORE_RACE, "lost the compare-and-set race"),
	E(SPA_ERR_KEYFILE, "server key file missing or bad"),
	E(SPA_ERR_CTL_PROTO, "malformed control message"),
	E(SPA_ERR_CTL_PEER, "control peer not allowed"),
	E(SPA_ERR_CTL_CONNECT, "cannot reach spad's control socket"),
	E(SPA_ERR_DENIED, "denied"),
	E(SPA_ERR_RESOLVE, "host name did not resolve"),
	E(SPA_ERR_CRED, "bad credential file"),
	E(SPA_ERR_NO_CRED, "no credential for this host"),
	E(SPA_ERR_DOOR_SHUT, "port stayed closed"),
	E(SPA_ERR_HTTP, "public address lookup failed"),
};
#undef E

static const struct err_desc *
find(int code)
{
	size_t i;

	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
		if (errs[i].code == code)
			return &errs[i];
	return NULL;
}

const char *
spa_strerror(int code)
{
	const struct err_desc *d = find(code);

	return d != NULL ? d->msg : "unknown error";
}

const char *
spa_errname(int code)
{
	const struct err_desc *d = find(code);

	return d != NULL ? d->name : "SPA_ERR_UNKNOWN";
}
