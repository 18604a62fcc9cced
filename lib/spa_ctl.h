/*
 * spa_ctl.h - the control-socket protocol between spad and its clients
 * (pam_spa, spa-admin): a pure codec on bytes plus small I/O helpers.
 *
 * Transport: a unix stream socket (default /run/spad/control.sock).  The
 * client connects, sends ONE request frame, reads ONE response frame, and
 * closes.  The server checks the peer's credentials (spa_ctl_peer_allowed)
 * before reading anything.
 *
 * Frame:   4-byte big-endian body length N, 1 <= N <= SPA_CTL_MAX_BODY,
 *          then N bytes of body.  Anything else is SPA_ERR_CTL_PROTO.
 * Body:    lines, each ended by '\n' (the last one too), no NUL anywhere:
 *            line 1      the verb: [a-z_]{1,32}
 *            then        key=value lines: key [a-z_]{1,32}, value 0..1024
 *                        printable ASCII bytes (0x20..0x7e; '=' allowed)
 *            or          a line "-" that starts the next record (a listing)
 *          At most SPA_CTL_MAX_FIELDS key=value lines in a message and
 *          SPA_CTL_MAX_RECORDS records.  Fields before the first "-" are the
 *          header (record 0); record i (1-based) holds the fields after the
 *          i-th "-".  A key appears at most once per record; an empty line,
 *          a CR, a missing final '\n' or an unknown character is rejected.
 *
 * Requests (verb, then keys; [k] is optional):
 *   check        user, rhost, rport, lport, [laddr], [grace]
 *                "Does a live grant cover the TCP connection rhost:rport ->
 *                 :lport and allow this user?"  grace = seconds: the knock
 *                 must be at most that old (0 or absent: spad's own limit).
 *                -> ok    aid=AID   (aid required: pam_spa refuses an ok without it)
 *                -> deny  reason=no_grant|wrong_user|expired [aid=AID]
 *   grants       (no keys)
 *                -> ok count=N, then N records of: aid, addr, sport (0 =
 *                   any), port, proto (tcp|udp), users, created, expires
 *                   (unix seconds), used (unix seconds of first login or
 *                   connection, 0 = not yet)
 *   status       (no keys) -> ok, then one key=value per counter (decimal)
 *   reload       (no keys) -> ok | error
 *   allow        addr, port, proto (tcp|udp), timeout (seconds), [sport],
 *                [aid], [users]   -- the seed's add_firewall_entry
 *                -> ok | error
 *   established  addr, [port], [proto], [sport], [aid]
 *                -- the seed's set_client_established: NEW refused from now
 *                -> ok count=N | deny reason=no_grant
 * Responses: verb ok, deny or error; error carries reason=WORD and may carry
 * message=TEXT.  Unknown verb -> error reason=unknown_verb; missing or bad
 * key -> error reason=bad_request; peer not allowed -> error reason=permission.
 * Addresses are textual IPv4 ("192.0.2.1") or IPv6 ("2001:db8::1"), ports
 * decimal.  Clients must treat anything but a well-formed "ok" as a refusal.
 */
#ifndef SPA_CTL_H
#define SPA_CTL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "spa_buf.h"

#define SPA_CTL_SOCKET_DEFAULT	"/run/spad/control.sock"
#define SPA_CTL_GROUP		"spad"	/* peers in this group (or root) may talk */

#define SPA_CTL_HDR		4	/* length prefix */
#define SPA_CTL_MAX_BODY	65536	/* bytes of body in one frame */
#define SPA_CTL_MAX_KEY		32	/* bytes in a verb or key */
#define SPA_CTL_MAX_VALUE	1024	/* bytes in a value */
#define SPA_CTL_MAX_FIELDS	2048	/* key=value lines in one message */
#define SPA_CTL_MAX_RECORDS	1024	/* "-" lines in one message */

/* Verbs (requests and responses). */
#define SPA_CTL_CHECK		"check"
#define SPA_CTL_GRANTS		"grants"
#define SPA_CTL_STATUS		"status"
#define SPA_CTL_RELOAD		"reload"
#define SPA_CTL_ALLOW		"allow"
#define SPA_CTL_ESTABLISHED	"established"
#define SPA_CTL_OK		"ok"
#define SPA_CTL_DENY		"deny"
#define SPA_CTL_ERROR		"error"

/* One key=value line; both point into the message's own storage. */
struct spa_ctl_field {
	const char *key;
	const char *value;
	size_t rec;		/* 0 = header, i = i-th record */
};

/* A parsed message (request or response); free with spa_ctl_msg_free. */
struct spa_ctl_msg {
	char verb[SPA_CTL_MAX_KEY + 1];
	size_t nfields;
	size_t nrecords;	/* number of "-" lines */
	struct spa_ctl_field *field;	/* nfields entries, in order */
	char *text;		/* owned copy of the body, '\n' -> '\0' */
	size_t textlen;
};

/* A message being built, with its frame header; no allocation. */
struct spa_ctl_writer {
	uint8_t frame[SPA_CTL_HDR + SPA_CTL_MAX_BODY];
	struct spa_buf b;
	size_t nfields;
	size_t nrecords;
	size_t rec_start;	/* frame offset where the current record's fields begin */
	int err;		/* first error; later calls do nothing */
	int done;		/* spa_ctl_finish ran */
};

/* ---- pure codec: no I/O ---------------------------------------------------- */

/* 1 if s is a valid verb/key ([a-z_]{1,32}), else 0. */
int spa_ctl_key_ok(const char *s);
/* 1 if s is a valid value (0..1024 bytes of 0x20..0x7e), else 0. */
int spa_ctl_value_ok(const char *s);

/*
 * Decode a frame header: *len = body length.  0, or SPA_ERR_BUF_SHORT (fewer
 * than 4 bytes in b) or SPA_ERR_CTL_PROTO (length 0 or > SPA_CTL_MAX_BODY).
 */
int spa_ctl_frame_len(struct spa_buf *b, uint32_t *len);

/*
 * Parse a body of len bytes into a new message *out (caller frees).
 * 0, SPA_ERR_CTL_PROTO (malformed: see the grammar above; *out is NULL),
 * SPA_ERR_NOMEM.  Never reads outside body[0..len).
 */
int spa_ctl_parse(const uint8_t *body, size_t len, struct spa_ctl_msg **out);

/*
 * Parse a whole frame (header + body, exactly len bytes, no trailing bytes).
 * Same returns as spa_ctl_parse; a short or inconsistent frame is SPA_ERR_CTL_PROTO.
 */
int spa_ctl_parse_frame(const uint8_t *frame, size_t len, struct spa_ctl_msg **out);

/* Free m (NULL is fine); the text is wiped first (it may hold user names). */
void spa_ctl_msg_free(struct spa_ctl_msg *m);

/* Value of key in record rec (0 = header), or NULL when absent. */
const char *spa_ctl_get(const struct spa_ctl_msg *m, size_t rec, const char *key);
/*
 * Value of key in record rec as an unsigned decimal in [min, max] (no sign,
 * no leading/trailing junk, no leading zeros except "0").
 * 0, SPA_ERR_NOT_FOUND (absent) or SPA_ERR_CTL_PROTO (not such a number).
 */
int spa_ctl_get_u64(const struct spa_ctl_msg *m, size_t rec, const char *key,
		    uint64_t min, uint64_t max, uint64_t *v);
/* 1 if the message's verb is verb, else 0. */
int spa_ctl_is(const struct spa_ctl_msg *m, const char *verb);

/*
 * Builder.  spa_ctl_begin starts a message with verb; spa_ctl_add* append a
 * key=value to the current record; spa_ctl_record starts a new record.  The
 * first bad key/value (SPA_ERR_INVALID), duplicate key in a record
 * (SPA_ERR_EXISTS) or overflow (SPA_ERR_TOO_LONG) sticks in w->err and makes
 * later calls no-ops, so callers check once, at spa_ctl_finish.
 * (Duplicate detection scans the current record: O(n) per add.)
 */
void spa_ctl_begin(struct spa_ctl_writer *w, const char *verb);
void spa_ctl_add(struct spa_ctl_writer *w, const char *key, const char *value);
void spa_ctl_add_u64(struct spa_ctl_writer *w, const char *key, uint64_t v);
void spa_ctl_addf(struct spa_ctl_writer *w, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void spa_ctl_record(struct spa_ctl_writer *w);
/*
 * Fill in the length prefix; *frame and *len point at the whole frame inside w.
 * 0 or the first error recorded (w->err).
 */
int spa_ctl_finish(struct spa_ctl_writer *w, const uint8_t **frame, size_t *len);

/* ---- I/O: unix stream sockets, all with deadlines (poll) ------------------- */

/*
 * Connect to the unix socket path within timeout_ms; *fd is non-blocking,
 * close-on-exec.  0, SPA_ERR_INVALID (path too long), SPA_ERR_CTL_CONNECT
 * (no socket, refused, permission; errno set) or SPA_ERR_TIMEOUT.
 */
int spa_ctl_connect(const char *path, int timeout_ms, int *fd);

/*
 * Send the finished frame of w on fd (blocking or not) within timeout_ms.
 * 0, w's error, SPA_ERR_TIMEOUT or SPA_ERR_CTL_CONNECT (peer gone; no SIGPIPE).
 */
int spa_ctl_send(int fd, struct spa_ctl_writer *w, int timeout_ms);

/*
 * Read one frame from fd within timeout_ms and parse it into *out.
 * 0, SPA_ERR_TIMEOUT, SPA_ERR_CTL_CONNECT (closed before a whole frame or
 * read error), SPA_ERR_CTL_PROTO (bad length or body), SPA_ERR_NOMEM.
 */
int spa_ctl_recv(int fd, struct spa_ctl_msg **out, int timeout_ms);

/*
 * Client round trip: connect to path, send w, read the response into *out,
 * close; the whole exchange within timeout_ms.  Returns as the calls above.
 * A successful return says only that a well-formed response arrived: check
 * its verb.
 */
int spa_ctl_call(const char *path, struct spa_ctl_writer *w, struct spa_ctl_msg **out,
		 int timeout_ms);

/*
 * Server side: may the peer of the connected unix socket fd talk to spad?
 * Yes (0) when its uid (SO_PEERCRED) is 0, or its primary gid is group's,
 * or its user is a member of group (supplementary).  *uid (if not NULL) gets
 * the peer's uid.  0, SPA_ERR_CTL_PEER, or SPA_ERR_SYSTEM (getsockopt failed).
 * group NULL means SPA_CTL_GROUP; a group that does not exist admits root only.
 */
int spa_ctl_peer_allowed(int fd, const char *group, uid_t *uid);

#endif /* SPA_CTL_H */
