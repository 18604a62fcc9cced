/*
 * admin-util.c - what the spa-admin verbs share: config and store opening,
 * the password (tty without echo, file, or stdin) and its verifier, seed
 * parsing, and the credential file spa-knock imports.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "spa_crypto.h"
#include "spa_ctl.h"
#include "spa_err.h"
#include "spa_util.h"
#include "admin.h"

void
admin_err(const char *fmt, ...)
{
	va_list ap;

	fputs("spa-admin: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
admin_exit_for(int code)
{
	switch (code) {
	case 0:
		return ADMIN_OK;
	case SPA_ERR_NOT_FOUND:
		return ADMIN_NOT_FOUND;
	case SPA_ERR_EXISTS:
		return ADMIN_EXISTS;
	case SPA_ERR_STORE_CONNECT:
	case SPA_ERR_STORE_SCHEMA:
	case SPA_ERR_STORE_BUSY:
	case SPA_ERR_KEYFILE:
	case SPA_ERR_AUTH:
		return ADMIN_STORE;
	case SPA_ERR_INVALID:
	case SPA_ERR_HEX:
	case SPA_ERR_PORT:
	case SPA_ERR_TOO_LONG:
	case SPA_ERR_PKT_AID_FORMAT:
		return ADMIN_USAGE;
	default:
		if (code <= SPA_ERR_FILE_PERM && code >= SPA_ERR_CONF_QUOTE)
			return ADMIN_USAGE;
		return ADMIN_INTERNAL;
	}
}

int
admin_load_config(struct admin *a)
{
	char err[SPAD_CONF_ERRLEN];
	int rc;

	if (a->cfg_loaded)
		return 0;
	rc = spad_config_load(&a->cfg, a->conf_path, err);
	if (rc != 0) {
		admin_err("%s", err);
		return ADMIN_USAGE;
	}
	a->cfg_loaded = 1;
	return 0;
}

int
admin_open_store(struct admin *a, int check_schema)
{
	char err[STORE_ERRLEN];
	int rc;

	if ((rc = admin_load_config(a)) != 0)
		return rc;
	rc = store_key_load(a->cfg.server_key, a->key, err);
	if (rc != 0) {
		admin_err("%s", err);
		return ADMIN_STORE;
	}
	rc = store_open(&a->cfg, a->key, check_schema, 0, &a->st, err);
	if (rc != 0) {
		admin_err("%s", err);
		return admin_exit_for(rc);
	}
	return 0;
}

void
admin_close(struct admin *a)
{
	store_close(a->st);
	a->st = NULL;
	if (a->cfg_loaded)
		spad_config_free(&a->cfg);
	a->cfg_loaded = 0;
	spa_wipe(a->key, sizeof(a->key));
}

/* The password into pw[ADMIN_PASSWORD_MAX]; exit status. */
static int
get_password(const struct admin_pw *opt, char *pw)
{
	char again[ADMIN_PASSWORD_MAX];
	char *data = NULL;
	size_t len = 0;
	int fd, rc;

	pw[0] = 0;
	if (opt->file != NULL) {
		rc = spa_file_read(opt->file, ADMIN_PASSWORD_MAX, 1, &data, &len);
		if (rc != 0) {
			admin_err("--password-file %s: %s", opt->file,
			    rc == SPA_ERR_SYSTEM ? strerror(errno) : spa_strerror(rc));
			return ADMIN_USAGE;
		}
		data[strcspn(data, "\r\n")] = 0;
		snprintf(pw, ADMIN_PASSWORD_MAX, "%s", data);
		spa_freezero(data, len);
	} else if (opt->from_stdin) {
		if (spa_read_line(0, pw, ADMIN_PASSWORD_MAX) != 0) {
			admin_err("--password-stdin: cannot read a line of at most %d bytes",
			    ADMIN_PASSWORD_MAX - 1);
			return ADMIN_USAGE;
		}
	} else {
		fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (fd < 0) {
			admin_err("no terminal to ask the password on: use --password-file or "
			    "--password-stdin");
			return ADMIN_USAGE;
		}
		rc = spa_tty_read_secret(fd, "Password: ", pw, ADMIN_PASSWORD_MAX);
		if (rc == 0)
			rc = spa_tty_read_secret(fd, "Password (again): ", again, sizeof(again));
		close(fd);
		if (rc != 0) {
			admin_err("cannot read the password from the terminal");
			spa_wipe(again, sizeof(again));
			return ADMIN_USAGE;
		}
		rc = strcmp(pw, again) != 0;
		spa_wipe(again, sizeof(again));
		if (rc) {
			admin_err("the passwords differ");
			return ADMIN_USAGE;
		}
	}
	if (pw[0] == 0) {
		admin_err("empty password refused");
		return ADMIN_USAGE;
	}
	return 0;
}

int
admin_password_verifier(struct admin *a, const struct admin_pw *opt, const char *aid,
    uint8_t verifier[32])
{
	char pw[ADMIN_PASSWORD_MAX];
	uint8_t field[SPA_PWKEY_LEN];
	int rc;

	if ((rc = get_password(opt, pw)) != 0)
		goto out;
	rc = spa_password_key(pw, strlen(pw), aid, field);
	if (rc == 0)
		rc = store_verifier(a->st, field, verifier);
	if (rc != 0) {
		admin_err("cannot derive the password key: %s", spa_strerror(rc));
		rc = ADMIN_INTERNAL;
	}
out:
	spa_wipe(pw, sizeof(pw));
	spa_wipe(field, sizeof(field));
	return rc;
}

int
admin_parse_seed(const char *hex, uint8_t seed[SPA_SEED_LEN])
{
	char line[2 * SPA_SEED_LEN + 2];
	int rc = ADMIN_USAGE;

	/* "-": the seed from standard input, so it never shows in ps or a shell history. */
	if (strcmp(hex, "-") == 0) {
		if (spa_read_line(0, line, sizeof(line)) != 0) {
			admin_err("seed from standard input: expected one line of 64 hex digits");
			goto out;
		}
		hex = line;
	}
	if (strlen(hex) != 2 * SPA_SEED_LEN || spa_hex_decode(hex, seed, SPA_SEED_LEN) != 0) {
		spa_wipe(seed, SPA_SEED_LEN);
		admin_err("a seed is 64 hex digits (32 bytes); got %zu characters%s", strlen(hex),
		    strlen(hex) == 2 * SPA_SEED_LEN ? " with a non-hex digit" : "");
		goto out;
	}
	if (spa_is_zero(seed, SPA_SEED_LEN)) {
		admin_err("an all-zero seed means \"keep the seed\" on the wire: refused");
		goto out;
	}
	rc = 0;
out:
	spa_wipe(line, sizeof(line));
	return rc;
}

int
admin_write_cred(struct admin *a, const struct store_client *c, const char *server,
    const char *path)
{
	char text[1024], hex[2 * SPA_SEED_LEN + 1], host[256], date[64];
	time_t now = time(NULL);
	struct tm tm;
	int n, rc = 0;

	if (server == NULL) {
		if (gethostname(host, sizeof(host)) != 0)
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = 0;
		server = host;
	}
	if (strpbrk(server, " \t\r\n\"#") != NULL || server[0] == 0) {
		admin_err("--server '%s': not a host name", server);
		return ADMIN_USAGE;
	}
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC", gmtime_r(&now, &tm));
	spa_hex_encode(c->seed, SPA_SEED_LEN, hex, sizeof(hex));
	n = snprintf(text, sizeof(text),
	    "# spa-knock credential for %s, exported %s\n"
	    "server = %s\n"
	    "spa_port = %u\n"
	    "aid = %s\n"
	    "seed = %s\n"
	    "counter = %llu\n",
	    c->aid, date, server, (unsigned)a->cfg.spa_port, c->aid, hex,
	    (unsigned long long)c->counter);
	spa_wipe(hex, sizeof(hex));
	if (n < 0 || (size_t)n >= sizeof(text)) {
		admin_err("credential too long");
		rc = ADMIN_INTERNAL;
		goto out;
	}
	if (strcmp(path, "-") == 0) {
		if (fwrite(text, 1, (size_t)n, stdout) != (size_t)n || fflush(stdout) != 0) {
			admin_err("cannot write the credential to stdout");
			rc = ADMIN_INTERNAL;
		}
	} else if (spa_file_write_atomic(path, text, (size_t)n, 0600) != 0) {
		admin_err("%s: cannot write the credential: %s", path, strerror(errno));
		rc = ADMIN_INTERNAL;
	}
out:
	spa_wipe(text, sizeof(text));
	return rc;
}

void
admin_notify_spad(struct admin *a)
{
	static struct spa_ctl_writer w;		/* 64 KiB: not on the stack */
	struct spa_ctl_msg *m = NULL;
	const char *path = a->ctl_socket != NULL ? a->ctl_socket : a->cfg.control_socket, *why;
	int r;

	if ((a->ctl_socket == NULL && !a->cfg_loaded) || path == NULL || *path == '\0')
		return;
	spa_ctl_begin(&w, SPA_CTL_RELOAD);
	/* a reload re-reads every client: give a big store a few seconds */
	if ((r = spa_ctl_call(path, &w, &m, 10000)) != 0) {
		if (a->verbose)
			fprintf(stderr, "spa-admin: note: spad not reached at %s (%s): it sees the change "
			    "at its next reload or start\n", path, spa_strerror(r));
	} else if (!spa_ctl_is(m, SPA_CTL_OK)) {
		why = spa_ctl_get(m, 0, "message");
		fprintf(stderr, "spa-admin: warning: the change is stored but spad refused to reload: %s\n",
		    why != NULL ? why : m->verb);
	} else if (a->verbose)
		fprintf(stderr, "spa-admin: note: spad reloaded\n");
	spa_ctl_msg_free(m);
}
