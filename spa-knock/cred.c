/*
 * cred.c - credential files of spa-knock (see cred.h).
 *
 * Parsing goes through spa_conf (file:line messages, unknown keys refused);
 * saving rewrites the whole file through spa_file_write_atomic, so a reader
 * sees either the old or the new state, never half of one.  The lock lives in
 * a separate "FILE.lock" because rename() replaces the credential's inode and
 * a flock on it would no longer exclude anybody.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cred.h"
#include "spa_err.h"
#include "spa_util.h"

static const char *const cred_keys[] = {
	"server", "spa_port", "aid", "seed", "counter",
	"pending_seed", "prev_seed", "password_key", "hosts", NULL
};

/* A host name or pattern: printable, no quote, backslash or space. */
static int
cred_word_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return 0;
	for (; *s; s++)
		if (!isgraph((unsigned char)*s) || *s == '"' || *s == '\\' || *s == ',')
			return 0;
	return 1;
}

static int
cred_hex(const struct spa_conf *conf, const char *key, uint8_t out[32], int *has,
    int required, char err[CRED_ERRLEN])
{
	const char *v = spa_conf_get(conf, key, NULL);

	if (has != NULL)
		*has = 0;
	if (v == NULL) {
		if (!required)
			return 0;
		snprintf(err, CRED_ERRLEN, "%s: missing key '%s'", conf->file, key);
		return SPA_ERR_CONF_MISSING;
	}
	if (strlen(v) != 64 || spa_hex_decode(v, out, 32) != 0) {
		spa_conf_errf(conf, key, err, "%s must be 64 hex digits", key);
		return SPA_ERR_CONF_VALUE;
	}
	if (has != NULL)
		*has = 1;
	return 0;
}

static int
cred_hosts_ok(const char *hosts)
{
	char buf[CRED_HOSTS_MAX + 1], *save = NULL, *w;
	int n = 0;

	if (strlen(hosts) > CRED_HOSTS_MAX)
		return 0;
	snprintf(buf, sizeof(buf), "%s", hosts);
	for (w = strtok_r(buf, " \t,", &save); w != NULL; w = strtok_r(NULL, " \t,", &save)) {
		if (!cred_word_ok(w, CRED_SERVER_MAX))
			return 0;
		n++;
	}
	return n > 0;
}

static int
cred_from_conf(struct cred *c, const struct spa_conf *conf, char err[CRED_ERRLEN])
{
	const char *v;
	uint64_t u;
	int rc;

	if ((rc = spa_conf_require(conf, "server", &v, err)) != 0)
		return rc;
	if (!cred_word_ok(v, CRED_SERVER_MAX)) {
		spa_conf_errf(conf, "server", err, "server must be a host name or address");
		return SPA_ERR_CONF_VALUE;
	}
	snprintf(c->server, sizeof(c->server), "%s", v);
	if ((rc = spa_conf_get_uint(conf, "spa_port", 1, 65535, SPA_DEFAULT_PORT, &u, err)) != 0)
		return rc;
	c->spa_port = (uint16_t)u;
	if ((rc = spa_conf_require(conf, "aid", &v, err)) != 0)
		return rc;
	if (spa_aid_valid(v) != 0) {
		spa_conf_errf(conf, "aid", err, "aid must be 1 to 32 printable ASCII characters");
		return SPA_ERR_CONF_VALUE;
	}
	snprintf(c->aid, sizeof(c->aid), "%s", v);
	if ((rc = cred_hex(conf, "seed", c->seed, NULL, 1, err)) != 0)
		return rc;
	if (spa_conf_get(conf, "counter", NULL) == NULL) {
		snprintf(err, CRED_ERRLEN, "%s: missing key 'counter'", conf->file);
		return SPA_ERR_CONF_MISSING;
	}
	/* Leave room so counter + re-knocks never wraps. */
	if ((rc = spa_conf_get_uint(conf, "counter", 0, UINT64_MAX / 2, 0, &c->counter, err)) != 0)
		return rc;
	if ((rc = cred_hex(conf, "pending_seed", c->pending, &c->has_pending, 0, err)) != 0 ||
	    (rc = cred_hex(conf, "prev_seed", c->prev, &c->has_prev, 0, err)) != 0 ||
	    (rc = cred_hex(conf, "password_key", c->pwkey, &c->has_pwkey, 0, err)) != 0)
		return rc;
	v = spa_conf_get(conf, "hosts", NULL);
	if (v != NULL && !cred_hosts_ok(v)) {
		spa_conf_errf(conf, "hosts", err, "hosts must be host names or patterns separated by spaces or commas");
		return SPA_ERR_CONF_VALUE;
	}
	snprintf(c->hosts, sizeof(c->hosts), "%s", v != NULL ? v : c->server);
	return 0;
}

int
cred_parse(struct cred *c, const char *file, const char *text, size_t len, char err[CRED_ERRLEN])
{
	struct spa_conf conf;
	int rc;

	cred_wipe(c);
	err[0] = '\0';
	memset(&conf, 0, sizeof(conf));
	if ((rc = spa_conf_parse(&conf, file, text, len, cred_keys, err)) != 0)
		return rc;
	rc = cred_from_conf(c, &conf, err);
	spa_conf_free(&conf);
	if (rc != 0)
		cred_wipe(c);
	return rc;
}

int
cred_load(struct cred *c, const char *path, char err[CRED_ERRLEN])
{
	struct spa_conf conf;
	int rc;

	cred_wipe(c);
	err[0] = '\0';
	memset(&conf, 0, sizeof(conf));
	if (strlen(path) >= sizeof(c->path)) {
		snprintf(err, CRED_ERRLEN, "%.200s...: path too long", path);
		return SPA_ERR_TOO_LONG;
	}
	errno = 0;
	rc = spa_conf_load(&conf, path, 1, cred_keys, err);
	if (rc != 0) {
		if (err[0] == '\0' || rc == SPA_ERR_FILE_PERM || rc == SPA_ERR_SYSTEM) {
			if (rc == SPA_ERR_FILE_PERM)
				snprintf(err, CRED_ERRLEN, "%s: refused: readable by group or others, or not owned by you (chmod 600 %s)",
				    path, path);
			else if (rc == SPA_ERR_SYSTEM)
				snprintf(err, CRED_ERRLEN, "%s: cannot read: %s", path, strerror(errno));
			else
				snprintf(err, CRED_ERRLEN, "%s: %s", path, spa_strerror(rc));
		}
		return rc;
	}
	rc = cred_from_conf(c, &conf, err);
	spa_conf_free(&conf);
	if (rc != 0) {
		cred_wipe(c);
		return rc;
	}
	snprintf(c->path, sizeof(c->path), "%s", path);
	return 0;
}

static int
cred_put_hex(char *out, size_t cap, size_t *at, const char *key, const uint8_t v[32])
{
	char hex[65];
	int n;

	if (spa_hex_encode(v, 32, hex, sizeof(hex)) != 0)
		return SPA_ERR_INTERNAL;
	n = snprintf(out + *at, cap - *at, "%s = %s\n", key, hex);
	spa_wipe(hex, sizeof(hex));
	if (n < 0 || (size_t)n >= cap - *at)
		return SPA_ERR_BUF_FULL;
	*at += (size_t)n;
	return 0;
}

int
cred_format(const struct cred *c, char *out, size_t cap)
{
	size_t at = 0;
	int n, rc;

	n = snprintf(out, cap,
	    "# spa-knock credential: keep it private (mode 0600)\n"
	    "server = %s\nspa_port = %u\naid = %s\n",
	    c->server, (unsigned)c->spa_port, c->aid);
	if (n < 0 || (size_t)n >= cap)
		return SPA_ERR_BUF_FULL;
	at = (size_t)n;
	if ((rc = cred_put_hex(out, cap, &at, "seed", c->seed)) != 0)
		return rc;
	n = snprintf(out + at, cap - at, "counter = %" PRIu64 "\nhosts = \"%s\"\n", c->counter, c->hosts);
	if (n < 0 || (size_t)n >= cap - at)
		return SPA_ERR_BUF_FULL;
	at += (size_t)n;
	if (c->has_pending && (rc = cred_put_hex(out, cap, &at, "pending_seed", c->pending)) != 0)
		return rc;
	if (c->has_prev && (rc = cred_put_hex(out, cap, &at, "prev_seed", c->prev)) != 0)
		return rc;
	if (c->has_pwkey && (rc = cred_put_hex(out, cap, &at, "password_key", c->pwkey)) != 0)
		return rc;
	return (int)at;
}

int
cred_save(const struct cred *c)
{
	char buf[4096];
	int n, rc;

	n = cred_format(c, buf, sizeof(buf));
	if (n < 0) {
		errno = ENOSPC;
		rc = SPA_ERR_SYSTEM;
		goto out;
	}
	rc = spa_file_write_atomic(c->path, buf, (size_t)n, 0600);
out:
	spa_wipe(buf, sizeof(buf));
	return rc;
}

int
cred_matches(const struct cred *c, const char *host)
{
	char buf[CRED_HOSTS_MAX + 1], *save = NULL, *w;

	snprintf(buf, sizeof(buf), "%s", c->hosts);
	for (w = strtok_r(buf, " \t,", &save); w != NULL; w = strtok_r(NULL, " \t,", &save))
		if (strcasecmp(w, host) == 0 || fnmatch(w, host, FNM_CASEFOLD) == 0)
			return 1;
	return 0;
}

int
cred_lock(const char *path)
{
	char lp[4200];
	int fd, r;

	if (snprintf(lp, sizeof(lp), "%s.lock", path) >= (int)sizeof(lp)) {
		errno = ENAMETOOLONG;
		return SPA_ERR_SYSTEM;
	}
	fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return SPA_ERR_SYSTEM;
	do
		r = flock(fd, LOCK_EX);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return SPA_ERR_SYSTEM;
	}
	return fd;
}

void
cred_unlock(int fd)
{
	if (fd >= 0) {
		(void)flock(fd, LOCK_UN);
		close(fd);
	}
}

int
cred_dir(char *out, size_t cap)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n;

	if (x != NULL && x[0] == '/')
		n = snprintf(out, cap, "%s/spa-knock", x);
	else if (home != NULL && home[0] == '/')
		n = snprintf(out, cap, "%s/.config/spa-knock", home);
	else
		return SPA_ERR_NOT_FOUND;
	return n < 0 || (size_t)n >= cap ? SPA_ERR_TOO_LONG : 0;
}

static int
cred_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
cred_find(const char *dir, const char *host, char *out, size_t cap, char err[CRED_ERRLEN])
{
	char **names = NULL, e1[CRED_ERRLEN], path[4200];
	size_t n = 0, max = 0, i, l;
	struct dirent *de;
	struct cred c;
	DIR *d;
	int rc = SPA_ERR_NO_CRED;

	err[0] = '\0';
	memset(&c, 0, sizeof(c));
	if ((d = opendir(dir)) == NULL) {
		if (errno != ENOENT)
			snprintf(err, CRED_ERRLEN, "%.400s: %.80s", dir, strerror(errno));
		return SPA_ERR_NO_CRED;
	}
	while ((de = readdir(d)) != NULL) {
		l = strlen(de->d_name);
		if (l <= 5 || strcmp(de->d_name + l - 5, ".cred") != 0 || de->d_name[0] == '.')
			continue;
		if (n == max) {
			char **nn = realloc(names, (max = max ? 2 * max : 16) * sizeof(*names));

			if (nn == NULL) {
				rc = SPA_ERR_NOMEM;
				goto out;
			}
			names = nn;
		}
		if ((names[n] = strdup(de->d_name)) == NULL) {
			rc = SPA_ERR_NOMEM;
			goto out;
		}
		n++;
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), cred_name_cmp);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (cred_load(&c, path, e1) != 0) {
			/* Report the first broken file only if nothing else serves host. */
			if (err[0] == '\0')
				snprintf(err, CRED_ERRLEN, "%s", e1);
			continue;
		}
		if (cred_matches(&c, host)) {
			if (snprintf(out, cap, "%s", path) >= (int)cap) {
				rc = SPA_ERR_TOO_LONG;
				goto out;
			}
			err[0] = '\0';
			rc = 0;
			goto out;
		}
	}
out:
	cred_wipe(&c);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

/* mkdir -p for the credential directory; new levels 0700. */
static int
cred_mkdirs(const char *dir)
{
	char buf[4096];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
		return SPA_ERR_TOO_LONG;
	for (p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char ch = *p;

			*p = '\0';
			if (mkdir(buf, 0700) < 0 && errno != EEXIST)
				return SPA_ERR_SYSTEM;
			*p = ch;
			if (ch == '\0')
				break;
		}
	}
	return 0;
}

int
cred_set_hosts(struct cred *c, const char *hosts)
{
	if (!cred_hosts_ok(hosts))
		return SPA_ERR_CONF_VALUE;
	/* All of it: no tail of the old list after the new one's NUL. */
	memset(c->hosts, 0, sizeof(c->hosts));
	snprintf(c->hosts, sizeof(c->hosts), "%s", hosts);
	return 0;
}

int
cred_import_prepare(struct cred *c, const char *src, const char *dir, const char *hosts,
    char err[CRED_ERRLEN])
{
	const char *base;
	char name[256];
	size_t l;

	if (hosts != NULL && cred_set_hosts(c, hosts) != 0) {
		snprintf(err, CRED_ERRLEN, "--hosts: '%.400s' is not a list of host names or patterns", hosts);
		return SPA_ERR_CONF_VALUE;
	}
	base = strrchr(src, '/');
	base = base != NULL ? base + 1 : src;
	l = strlen(base);
	if (l > 5 && strcmp(base + l - 5, ".cred") == 0)
		l -= 5;
	if (l == 0 || l >= sizeof(name) - 6 || base[0] == '.') {
		snprintf(err, CRED_ERRLEN, "%.400s: cannot name the credential after this file", src);
		return SPA_ERR_INVALID;
	}
	snprintf(name, sizeof(name), "%.*s.cred", (int)l, base);
	if (snprintf(c->path, sizeof(c->path), "%s/%s", dir, name) >= (int)sizeof(c->path)) {
		snprintf(err, CRED_ERRLEN, "%.400s: path too long", dir);
		return SPA_ERR_TOO_LONG;
	}
	return 0;
}

int
cred_import(const char *src, const char *dir, const char *hosts, int force, char *out,
    size_t cap, char err[CRED_ERRLEN])
{
	struct cred c;
	int rc;

	if ((rc = cred_load(&c, src, err)) != 0)
		return rc;
	if ((rc = cred_import_prepare(&c, src, dir, hosts, err)) != 0)
		goto out;
	if ((rc = cred_mkdirs(dir)) != 0) {
		snprintf(err, CRED_ERRLEN, "%s: cannot create: %s", dir, strerror(errno));
		goto out;
	}
	if (!force && access(c.path, F_OK) == 0) {
		snprintf(err, CRED_ERRLEN, "%.400s: already exists (use --force to replace it)", c.path);
		rc = SPA_ERR_EXISTS;
		goto out;
	}
	if ((rc = cred_save(&c)) != 0) {
		snprintf(err, CRED_ERRLEN, "%.400s: cannot write: %.80s", c.path, strerror(errno));
		goto out;
	}
	snprintf(out, cap, "%s", c.path);
out:
	cred_wipe(&c);
	return rc;
}

void
cred_wipe(struct cred *c)
{
	spa_wipe(c, sizeof(*c));
}
