/*
 * pass.c - read a password from /dev/tty or SSH_ASKPASS (see pass.h).
 *
 * Never from stdin: under ProxyCommand stdin is the SSH stream.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pass.h"
#include "spa_crypto.h"
#include "spa_err.h"
#include "spa_util.h"

static int
pass_askpass(const char *prog, const char *prompt, char *out, size_t cap)
{
	int p[2], status, rc;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return SPA_ERR_SYSTEM;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return SPA_ERR_SYSTEM;
	}
	if (pid == 0) {
		/* stdin/stdout of spa-knock are ssh's stream: keep askpass off them. */
		int nul = open("/dev/null", O_RDONLY);

		if (nul >= 0)
			(void)dup2(nul, 0);
		if (dup2(p[1], 1) < 0)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		execlp(prog, prog, prompt, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	rc = spa_read_line(p[0], out, cap);
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return SPA_ERR_SYSTEM;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		spa_wipe(out, cap);
		return SPA_ERR_DENIED;
	}
	return rc;
}

int
pass_get(const char *prompt, char *out, size_t cap)
{
	const char *askpass = getenv("SSH_ASKPASS"), *req = getenv("SSH_ASKPASS_REQUIRE");
	int fd, rc;

	if (cap == 0)
		return SPA_ERR_INVALID;
	out[0] = '\0';
	if (askpass != NULL && *askpass != '\0' && req != NULL && strcmp(req, "force") == 0)
		return pass_askpass(askpass, prompt, out, cap);
	fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd >= 0) {
		rc = spa_tty_read_secret(fd, prompt, out, cap);
		close(fd);
		return rc;
	}
	if (askpass != NULL && *askpass != '\0' && (req == NULL || strcmp(req, "never") != 0))
		return pass_askpass(askpass, prompt, out, cap);
	return SPA_ERR_NOT_FOUND;
}
