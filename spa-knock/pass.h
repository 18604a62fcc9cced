/*
 * pass.h - getting the password for a knock: /dev/tty without echo, or the
 * SSH_ASKPASS program when there is no terminal (or SSH_ASKPASS_REQUIRE=force),
 * as ssh itself does.
 */
#ifndef PASS_H
#define PASS_H

#include <stddef.h>

/*
 * Ask for a password with prompt; the answer (without newline) into out[cap],
 * NUL-terminated.  0, SPA_ERR_NOT_FOUND (no terminal and no SSH_ASKPASS),
 * SPA_ERR_SYSTEM, SPA_ERR_TOO_LONG or SPA_ERR_DENIED (askpass said no).
 */
int pass_get(const char *prompt, char *out, size_t cap);

#endif /* PASS_H */
