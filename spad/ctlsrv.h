/*
 * ctlsrv.h - spad's side of the control socket (lib/spa_ctl.h): a unix
 * stream socket whose peers must be root or in the spad group; one request,
 * one response, per connection.
 */
#ifndef SPAD_CTLSRV_H
#define SPAD_CTLSRV_H

#include <sys/types.h>

struct spad;

/*
 * Create the listening socket at path (its directory must exist; a stale
 * socket is replaced), mode 0660 with group gid when gid != -1.  Returns the
 * non-blocking descriptor or -1 (err says why).
 */
int ctlsrv_listen(const char *path, gid_t gid, char *err, size_t errlen);

/* Accept and serve every pending connection on lfd (each with a short deadline). */
void ctlsrv_accept(struct spad *s, int lfd);

#endif /* SPAD_CTLSRV_H */
