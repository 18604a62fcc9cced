/*
 * spa_err.h - the one error space of the spa suite.
 *
 * Library functions return 0 (SPA_OK) or a negative SPA_ERR_* code; only
 * main()-level code turns a code into an exit status.  Codes are grouped by
 * area; new codes are appended inside their group's range so numbers stay
 * stable for logs and tests.
 */
#ifndef SPA_ERR_H
#define SPA_ERR_H

enum spa_err {
	SPA_OK = 0,

	/* general: -1 .. -19 */
	SPA_ERR_INTERNAL = -1,		/* a bug: should not happen */
	SPA_ERR_NOMEM = -2,		/* out of memory */
	SPA_ERR_INVALID = -3,		/* invalid argument */
	SPA_ERR_SYSTEM = -4,		/* a system call failed; see errno */
	SPA_ERR_RANDOM = -5,		/* getrandom failed */
	SPA_ERR_CRYPTO = -6,		/* OpenSSL failed */
	SPA_ERR_HEX = -7,		/* not hex, or wrong length */
	SPA_ERR_ADDR = -8,		/* not an IPv4/IPv6 address */
	SPA_ERR_PORT = -9,		/* not a port / protocol spec */
	SPA_ERR_TIMEOUT = -10,		/* timed out */
	SPA_ERR_NOT_FOUND = -11,	/* no such object */
	SPA_ERR_EXISTS = -12,		/* already exists */
	SPA_ERR_TOO_LONG = -13,		/* value longer than allowed */
	SPA_ERR_AUTH = -14,		/* AEAD tag did not verify */

	/* bounded buffers: -20 .. -29 */
	SPA_ERR_BUF_SHORT = -20,	/* read past the end of a buffer */
	SPA_ERR_BUF_FULL = -21,		/* write past the end of a buffer */
	SPA_ERR_BUF_RDONLY = -22,	/* write to a read-only buffer */

	/* packets and verification: -30 .. -59 */
	SPA_ERR_PKT_LENGTH = -30,	/* datagram is not 189 bytes */
	SPA_ERR_PKT_VERSION = -31,	/* version byte is not 1 */
	SPA_ERR_PKT_TAG = -32,		/* GCM tag failed: forged, corrupt or wrong seed */
	SPA_ERR_PKT_RESERVED = -33,	/* reserved bytes are not zero */
	SPA_ERR_PKT_PROTOCOL = -34,	/* protocol is neither TCP nor UDP */
	SPA_ERR_PKT_AID = -35,		/* AID does not match the key_id's client */
	SPA_ERR_PKT_UNKNOWN = -36,	/* key_id names no enabled client */
	SPA_ERR_PKT_RATE = -37,		/* rate limited */
	SPA_ERR_PKT_STALE = -38,	/* timestamp outside max_packet_age */
	SPA_ERR_PKT_COUNTER = -39,	/* counter not in (last, last + window] */
	SPA_ERR_PKT_HOTP = -40,		/* HOTP value wrong */
	SPA_ERR_PKT_REPLAY = -41,	/* random seen before, or lost the counter race */
	SPA_ERR_PKT_PASSWORD = -42,	/* password verifier mismatch */
	SPA_ERR_PKT_PORT = -43,		/* port/protocol not allowed for the client */
	SPA_ERR_PKT_ADDR = -44,		/* address rule violated */
	SPA_ERR_PKT_AID_FORMAT = -45,	/* AID empty or not printable ASCII */

	/* files and config: -60 .. -79 */
	SPA_ERR_FILE_PERM = -60,	/* file is group/world accessible or wrong owner */
	SPA_ERR_FILE_TYPE = -61,	/* not a regular file */
	SPA_ERR_FILE_SIZE = -62,	/* file too large */
	SPA_ERR_CONF_SYNTAX = -63,	/* line is not key = value */
	SPA_ERR_CONF_KEY = -64,		/* unknown key */
	SPA_ERR_CONF_VALUE = -65,	/* bad value for a key */
	SPA_ERR_CONF_DUP = -66,		/* key given twice */
	SPA_ERR_CONF_MISSING = -67,	/* required key missing */
	SPA_ERR_CONF_QUOTE = -68,	/* unterminated quote or bad escape */

	/* store: -80 .. -99 */
	SPA_ERR_STORE = -80,		/* the store failed */
	SPA_ERR_STORE_CONNECT = -81,	/* cannot reach the store */
	SPA_ERR_STORE_SCHEMA = -82,	/* schema version unknown / not initialised */
	SPA_ERR_STORE_BUSY = -83,	/* store locked / busy */
	SPA_ERR_STORE_RACE = -84,	/* compare-and-set lost */
	SPA_ERR_KEYFILE = -85,		/* server key file missing or bad */

	/* control socket: -100 .. -119 */
	SPA_ERR_CTL_PROTO = -100,	/* malformed control message */
	SPA_ERR_CTL_PEER = -101,	/* peer not allowed */
	SPA_ERR_CTL_CONNECT = -102,	/* cannot reach spad */
	SPA_ERR_DENIED = -103,		/* request denied */

	/* client: -120 .. -139 */
	SPA_ERR_RESOLVE = -120,		/* host name did not resolve */
	SPA_ERR_CRED = -121,		/* credential file bad */
	SPA_ERR_NO_CRED = -122,		/* no credential for this host */
	SPA_ERR_DOOR_SHUT = -123,	/* port stayed closed */
	SPA_ERR_HTTP = -124,		/* public IP lookup failed */
};

/* Returns a static, human-readable message for code (never NULL). */
const char *spa_strerror(int code);

/* Returns the symbolic name of code ("SPA_ERR_PKT_TAG"), for counters and logs. */
const char *spa_errname(int code);

#endif /* SPA_ERR_H */
