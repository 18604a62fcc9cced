/*
 * relay.h - carry bytes between ssh (stdin/stdout) and the TCP connection.
 */
#ifndef RELAY_H
#define RELAY_H

/*
 * Copy in -> sock and sock -> out until both directions have ended.  EOF on
 * in becomes shutdown(sock, SHUT_WR); EOF from sock closes out, so each side
 * sees the other's half-close.  0 when both ended cleanly, SPA_ERR_SYSTEM
 * (errno set) on a read/write error.  Closes nothing it was not told to.
 */
int relay_run(int in, int out, int sock);

#endif /* RELAY_H */
