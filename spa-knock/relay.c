/*
 * relay.c - the ProxyCommand pump (see relay.h).
 *
 * Blocking writes keep it simple and give back-pressure for free: while one
 * direction's write waits, the other side waits too, which is what ssh's own
 * proxy helpers do.  poll() only decides which side to read next.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "relay.h"
#include "spa_err.h"

static int
relay_write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return SPA_ERR_SYSTEM;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
relay_run(int in, int out, int sock)
{
	char buf[16384];
	struct pollfd pfd[2];
	int up = 1, down = 1, rc = 0;	/* up: in -> sock; down: sock -> out */
	ssize_t r;

	/* A peer gone mid-write must be an error return, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	while (up || down) {
		pfd[0].fd = up ? in : -1;
		pfd[0].events = POLLIN;
		pfd[1].fd = down ? sock : -1;
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return SPA_ERR_SYSTEM;
		}
		if (up && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			r = read(in, buf, sizeof(buf));
			if (r < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (r < 0) {
				rc = SPA_ERR_SYSTEM;
				break;
			}
			if (r == 0) {
				up = 0;
				(void)shutdown(sock, SHUT_WR);
			} else if (relay_write_all(sock, buf, (size_t)r) != 0) {
				rc = SPA_ERR_SYSTEM;
				break;
			}
		}
		if (down && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			r = read(sock, buf, sizeof(buf));
			if (r < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (r < 0) {
				rc = SPA_ERR_SYSTEM;
				break;
			}
			if (r == 0) {
				down = 0;
				/* ssh may hand us one socket as both stdin and stdout:
				 * shut its write side, since closing fd 1 alone would not. */
				(void)shutdown(out, SHUT_WR);
				close(out);
			} else if (relay_write_all(out, buf, (size_t)r) != 0) {
				rc = SPA_ERR_SYSTEM;
				break;
			}
		}
	}
	return rc;
}
