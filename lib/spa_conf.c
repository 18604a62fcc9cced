/*
 * spa_conf.c - the "key = value" reader behind spad.conf and credential files.
 *
 * spa_conf_parse is a pure function of bytes (no I/O, no globals) so the
 * fuzzer drives it directly.  It stops at the first problem in file order and
 * reports it as "file:line: what is wrong"; on error nothing is returned.
 * Values may be secrets (db_password, seeds), so every copy of one is wiped
 * before it is freed, and error messages never quote a value of a line that
 * failed to parse.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spa_conf.h"
#include "spa_crypto.h"
#include "spa_err.h"
#include "spa_util.h"

#define CONF_MAX_LINE	4096		/* bytes per line, newline excluded */
#define CONF_MAX_FILE	(1024 * 1024)	/* spa_conf_load refuses larger files */
#define CONF_SHOW	48		/* at most this many bytes of a value in a message */

/* Parser state: the growing entry list plus a hash index over its keys. */
struct parser {
	struct spa_conf *c;
	size_t cap;
	size_t *idx;		/* open addressing, entry index + 1, 0 = empty */
	size_t idxcap;		/* power of two, > 2 * n */
	const char *file;
	char *err;
};

static void seterr(char *err, const char *file, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
seterr(char *err, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int off;

	if (err == NULL)
		return;
	if (line > 0)
		off = snprintf(err, SPA_CONF_ERRLEN, "%s:%u: ", file, line);
	else
		off = snprintf(err, SPA_CONF_ERRLEN, "%s: ", file);
	if (off < 0 || off >= SPA_CONF_ERRLEN)
		return;
	va_start(ap, fmt);
	vsnprintf(err + off, SPA_CONF_ERRLEN - (size_t)off, fmt, ap);
	va_end(ap);
}

/* Printable rendering of s[0..n) for messages: control and high bytes as \xNN. */
static void
show(char *out, size_t outcap, const char *s, size_t n)
{
	size_t o = 0, i;

	for (i = 0; i < n && o + 5 < outcap; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\' && ch != '\'') {
			out[o++] = (char)ch;
		} else {
			snprintf(out + o, outcap - o, "\\x%02x", ch);
			o += 4;
		}
	}
	if (i < n && o + 4 <= outcap) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

static uint64_t
hash_key(const char *k)
{
	uint64_t h = 14695981039346656037ULL;	/* FNV-1a */

	for (; *k != '\0'; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ULL;
	return h;
}

/* Index of key in c or (size_t)-1.  Linear when no index (after parsing). */
static size_t
find_in(const size_t *idx, size_t idxcap, const struct spa_conf *c, const char *key)
{
	size_t i, slot;

	if (idx == NULL) {
		for (i = 0; i < c->n; i++)
			if (strcmp(c->e[i].key, key) == 0)
				return i;
		return (size_t)-1;
	}
	for (slot = hash_key(key) & (idxcap - 1); idx[slot] != 0; slot = (slot + 1) & (idxcap - 1))
		if (strcmp(c->e[idx[slot] - 1].key, key) == 0)
			return idx[slot] - 1;
	return (size_t)-1;
}

static void
index_put(size_t *idx, size_t idxcap, const struct spa_conf *c, size_t i)
{
	size_t slot = hash_key(c->e[i].key) & (idxcap - 1);

	while (idx[slot] != 0)
		slot = (slot + 1) & (idxcap - 1);
	idx[slot] = i + 1;
}

/* Make room for one more entry and keep the index under half full. */
static int
grow(struct parser *p)
{
	struct spa_conf *c = p->c;
	size_t i;

	if (c->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 16;
		struct spa_conf_entry *ne;

		if (ncap > SIZE_MAX / sizeof(*ne))
			return SPA_ERR_NOMEM;
		ne = realloc(c->e, ncap * sizeof(*ne));
		if (ne == NULL)
			return SPA_ERR_NOMEM;
		c->e = ne;
		p->cap = ncap;
	}
	if (2 * (c->n + 1) >= p->idxcap) {
		size_t ncap = p->idxcap ? p->idxcap * 2 : 64;
		size_t *ni = calloc(ncap, sizeof(*ni));

		if (ni == NULL)
			return SPA_ERR_NOMEM;
		for (i = 0; i < c->n; i++)
			index_put(ni, ncap, c, i);
		free(p->idx);
		p->idx = ni;
		p->idxcap = ncap;
	}
	return 0;
}

static const char *
cfile(const struct spa_conf *c)
{
	return c->file != NULL ? c->file : "<config>";
}

static int
is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

static int
is_keychar(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
}

/*
 * Decode the value part v[0..n) (leading blanks already skipped) into out,
 * which has room for n + 1 bytes.  Returns 0 or an SPA_ERR_CONF_* with err set.
 */
static int
parse_value(struct parser *p, unsigned line, const char *v, size_t n, char *out)
{
	size_t i, o = 0;

	if (n > 0 && v[0] == '"') {
		for (i = 1; i < n && v[i] != '"'; i++) {
			if (v[i] == '\\') {
				if (i + 1 >= n) {
					seterr(p->err, p->file, line, "unterminated quoted value");
					return SPA_ERR_CONF_QUOTE;
				}
				if (v[i + 1] != '"' && v[i + 1] != '\\') {
					char s[8];

					show(s, sizeof(s), v + i + 1, 1);
					seterr(p->err, p->file, line,
					    "bad escape '\\%s' in quoted value (only \\\" and \\\\ are allowed)", s);
					return SPA_ERR_CONF_QUOTE;
				}
				i++;
			}
			out[o++] = v[i];
		}
		if (i >= n) {
			seterr(p->err, p->file, line, "unterminated quoted value (missing closing '\"')");
			return SPA_ERR_CONF_QUOTE;
		}
		for (i++; i < n && is_space(v[i]); i++)
			;
		if (i < n && v[i] != '#') {
			seterr(p->err, p->file, line,
			    "unexpected text after the closing quote (use '#' for a comment)");
			return SPA_ERR_CONF_SYNTAX;
		}
		out[o] = '\0';
		return 0;
	}
	/* Bare value: '#' at its start or after a blank begins a comment. */
	for (i = 0; i < n; i++) {
		if (v[i] == '#' && (i == 0 || is_space(v[i - 1])))
			break;
	}
	while (i > 0 && is_space(v[i - 1]))
		i--;
	memcpy(out, v, i);
	out[i] = '\0';
	return 0;
}

/* Parse one line s[0..n) (no newline).  Returns 0 or SPA_ERR_* with err set. */
static int
parse_line(struct parser *p, unsigned line, const char *s, size_t n, const char *const *known)
{
	struct spa_conf *c = p->c;
	const char *eq;
	size_t i, klen, vstart = 0, first;
	char *key = NULL, *val = NULL;
	int rc;

	if (n > 0 && s[n - 1] == '\r')		/* tolerate CRLF files */
		n--;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		/* A NUL would silently cut a value short when read back as a C string. */
		if (ch == 0) {
			seterr(p->err, p->file, line, "NUL byte in the text");
			return SPA_ERR_CONF_SYNTAX;
		}
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			seterr(p->err, p->file, line, "control character 0x%02x in line", ch);
			return SPA_ERR_CONF_SYNTAX;
		}
	}
	for (i = 0; i < n && is_space(s[i]); i++)
		;
	if (i == n || s[i] == '#')
		return 0;
	eq = memchr(s + i, '=', n - i);
	if (eq == NULL) {
		seterr(p->err, p->file, line, "expected 'key = value'");
		return SPA_ERR_CONF_SYNTAX;
	}
	first = i;
	klen = (size_t)(eq - (s + first));
	while (klen > 0 && is_space(s[first + klen - 1]))
		klen--;
	if (klen == 0) {
		seterr(p->err, p->file, line, "missing key before '='");
		return SPA_ERR_CONF_SYNTAX;
	}
	for (i = first; i < first + klen; i++) {
		if (!is_keychar(s[i])) {
			char ch[8];

			show(ch, sizeof(ch), s + i, 1);
			seterr(p->err, p->file, line,
			    "bad character '%s' in key (keys are lower-case letters, digits and '_')", ch);
			return SPA_ERR_CONF_SYNTAX;
		}
	}
	key = strndup(s + first, klen);
	if (key == NULL)
		return SPA_ERR_NOMEM;
	if (known != NULL) {
		const char *const *k;

		for (k = known; *k != NULL && strcmp(*k, key) != 0; k++)
			;
		if (*k == NULL) {
			seterr(p->err, p->file, line, "unknown key '%.64s'", key);
			rc = SPA_ERR_CONF_KEY;
			goto out;
		}
	}
	if (c->n > 0 && (i = find_in(p->idx, p->idxcap, c, key)) != (size_t)-1) {
		seterr(p->err, p->file, line, "duplicate key '%.64s' (first given on line %u)",
		    key, c->e[i].line);
		rc = SPA_ERR_CONF_DUP;
		goto out;
	}
	vstart = (size_t)(eq - s) + 1;
	while (vstart < n && is_space(s[vstart]))
		vstart++;
	val = malloc(n - vstart + 1);
	if (val == NULL) {
		rc = SPA_ERR_NOMEM;
		goto out;
	}
	if ((rc = parse_value(p, line, s + vstart, n - vstart, val)) != 0)
		goto out;
	if ((rc = grow(p)) != 0)
		goto out;
	c->e[c->n].key = key;
	c->e[c->n].value = val;
	c->e[c->n].line = line;
	index_put(p->idx, p->idxcap, c, c->n);
	c->n++;
	return 0;
out:
	free(key);
	if (val != NULL)
		spa_freezero(val, n - vstart + 1);
	return rc;
}

int
spa_conf_parse(struct spa_conf *c, const char *file, const char *text, size_t len,
    const char *const *known, char err[SPA_CONF_ERRLEN])
{
	struct parser p;
	const char *s = text, *end = text + len, *nl;
	unsigned line = 0;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	memset(&p, 0, sizeof(p));
	if (err != NULL)
		err[0] = '\0';
	if (file == NULL)
		file = "<config>";
	p.c = c;
	p.file = file;
	p.err = err;
	if (text == NULL && len > 0) {
		seterr(err, file, 0, "no text");
		return SPA_ERR_INVALID;
	}
	if ((c->file = strdup(file)) == NULL) {
		rc = SPA_ERR_NOMEM;
		goto out;
	}
	while (s < end) {
		size_t n;

		line++;
		nl = memchr(s, '\n', (size_t)(end - s));
		n = nl != NULL ? (size_t)(nl - s) : (size_t)(end - s);
		if (n > CONF_MAX_LINE) {
			seterr(err, file, line, "line too long (more than %d bytes)", CONF_MAX_LINE);
			rc = SPA_ERR_CONF_SYNTAX;
			goto out;
		}
		if ((rc = parse_line(&p, line, s, n, known)) != 0)
			goto out;
		s += n + (nl != NULL);
	}
out:
	free(p.idx);
	if (rc != 0) {
		if (rc == SPA_ERR_NOMEM)
			seterr(err, file, line, "out of memory");
		spa_conf_free(c);
	}
	return rc;
}

int
spa_conf_load(struct spa_conf *c, const char *path, int secret, const char *const *known,
    char err[SPA_CONF_ERRLEN])
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	memset(c, 0, sizeof(*c));
	rc = spa_file_read(path, CONF_MAX_FILE, secret, &data, &len);
	switch (rc) {
	case 0:
		break;
	case SPA_ERR_SYSTEM:
		seterr(err, path, 0, "cannot read: %s", strerror(errno));
		return rc;
	case SPA_ERR_FILE_PERM:
		seterr(err, path, 0, "holds secrets but is accessible by others or owned by "
		    "someone else (chmod 600, owner must be you or root)");
		return rc;
	case SPA_ERR_FILE_TYPE:
		seterr(err, path, 0, "not a regular file (symbolic links are refused)");
		return rc;
	case SPA_ERR_FILE_SIZE:
		seterr(err, path, 0, "larger than %d bytes", CONF_MAX_FILE);
		return rc;
	default:
		seterr(err, path, 0, "cannot read: %s", spa_strerror(rc));
		return rc;
	}
	rc = spa_conf_parse(c, path, data, len, known, err);
	spa_freezero(data, len + 1);
	return rc;
}

const char *
spa_conf_get(const struct spa_conf *c, const char *key, unsigned *line)
{
	size_t i = find_in(NULL, 0, c, key);

	if (i == (size_t)-1)
		return NULL;
	if (line != NULL)
		*line = c->e[i].line;
	return c->e[i].value;
}

int
spa_conf_get_str(const struct spa_conf *c, const char *key, const char *def, const char **out)
{
	const char *v = spa_conf_get(c, key, NULL);

	*out = v != NULL ? v : def;
	return 0;
}

int
spa_conf_get_bool(const struct spa_conf *c, const char *key, int def, int *out,
    char err[SPA_CONF_ERRLEN])
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	unsigned line;
	const char *v = spa_conf_get(c, key, &line);
	char s[CONF_SHOW + 8];
	size_t i;

	*out = def;
	if (v == NULL)
		return 0;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	show(s, sizeof(s), v, strlen(v));
	seterr(err, cfile(c), line, "'%s' must be yes/no (or true/false, on/off, 1/0), not '%s'",
	    key, s);
	return SPA_ERR_CONF_VALUE;
}

int
spa_conf_get_uint(const struct spa_conf *c, const char *key, uint64_t min, uint64_t max,
    uint64_t def, uint64_t *out, char err[SPA_CONF_ERRLEN])
{
	unsigned line;
	const char *v = spa_conf_get(c, key, &line), *q;
	uint64_t x = 0;
	char s[CONF_SHOW + 8];

	*out = def;
	if (v == NULL)
		return 0;
	/* Digits only: strtoull would take signs, blanks and wrap "-1" around. */
	for (q = v; *q >= '0' && *q <= '9'; q++) {
		unsigned d = (unsigned)(*q - '0');

		if (x > (UINT64_MAX - d) / 10) {
			seterr(err, cfile(c), line, "'%s' is out of range (%llu..%llu)", key,
			    (unsigned long long)min, (unsigned long long)max);
			return SPA_ERR_CONF_VALUE;
		}
		x = x * 10 + d;
	}
	if (q == v || *q != '\0') {
		show(s, sizeof(s), v, strlen(v));
		seterr(err, cfile(c), line, "'%s' must be a whole number, not '%s'", key, s);
		return SPA_ERR_CONF_VALUE;
	}
	if (x < min || x > max) {
		seterr(err, cfile(c), line, "'%s' is out of range (%llu..%llu): %llu", key,
		    (unsigned long long)min, (unsigned long long)max, (unsigned long long)x);
		return SPA_ERR_CONF_VALUE;
	}
	*out = x;
	return 0;
}

int
spa_conf_require(const struct spa_conf *c, const char *key, const char **out,
    char err[SPA_CONF_ERRLEN])
{
	unsigned line;
	const char *v = spa_conf_get(c, key, &line);

	*out = NULL;
	if (v == NULL) {
		seterr(err, cfile(c), 0, "missing key '%s'", key);
		return SPA_ERR_CONF_MISSING;
	}
	if (*v == '\0') {
		seterr(err, cfile(c), line, "'%s' must not be empty", key);
		return SPA_ERR_CONF_VALUE;
	}
	*out = v;
	return 0;
}

void
spa_conf_errf(const struct spa_conf *c, const char *key, char err[SPA_CONF_ERRLEN],
    const char *fmt, ...)
{
	unsigned line = 0;
	va_list ap;
	int off;

	if (err == NULL)
		return;
	if (key == NULL || spa_conf_get(c, key, &line) == NULL)
		line = 0;
	seterr(err, cfile(c), line, "%s", "");
	off = (int)strlen(err);
	va_start(ap, fmt);
	vsnprintf(err + off, SPA_CONF_ERRLEN - (size_t)off, fmt, ap);
	va_end(ap);
}

void
spa_conf_free(struct spa_conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->e[i].key);
		if (c->e[i].value != NULL)
			spa_freezero(c->e[i].value, strlen(c->e[i].value));
	}
	free(c->e);
	free(c->file);
	memset(c, 0, sizeof(*c));
}
