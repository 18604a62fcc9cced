/*
 * spa_conf.h - the reader for "key = value" files (spad.conf, credential files).
 *
 * Syntax: one "key = value" per line; blank lines and lines starting with '#'
 * are ignored; a value may be bare (a '#' at its start or after a blank begins
 * a comment, so "a#b" is a value; whitespace trimmed) or double-quoted with
 * \" and \\ as the only escapes (then only blanks or a "# comment" may follow
 * the closing quote).  Keys are [a-z0-9_]+.  Lines end in LF or CRLF and are at
 * most 4096 bytes; NUL and other control characters (tab aside) are refused.
 * Unknown keys, duplicate keys, bad quoting and bad values are errors that read
 * "file:line: what is wrong"; the first problem in file order is reported.
 * The parser is a pure function of bytes.
 *
 * Codes: SPA_ERR_CONF_SYNTAX (no '=', bad key, NUL/control byte, long line,
 * text after a closing quote), SPA_ERR_CONF_QUOTE (unterminated quote, bad
 * escape), SPA_ERR_CONF_KEY (unknown key), SPA_ERR_CONF_DUP ("duplicate key
 * 'k' (first given on line N)"), SPA_ERR_CONF_VALUE / SPA_ERR_CONF_MISSING
 * from the getters, SPA_ERR_NOMEM.  err may be NULL everywhere.
 */
#ifndef SPA_CONF_H
#define SPA_CONF_H

#include <stddef.h>
#include <stdint.h>

struct spa_conf_entry {
	char *key;
	char *value;		/* wiped on free: values may be secrets */
	unsigned line;
};

struct spa_conf {
	char *file;		/* name used in messages */
	struct spa_conf_entry *e;
	size_t n;
};

/* Error text, "file:line: message" (or "file: message"), for the last failure. */
#define SPA_CONF_ERRLEN 512

/*
 * Parse text[len] (need not be NUL-terminated) named file into c.  known is a
 * NULL-terminated list of allowed keys (NULL: accept any key).  On error c is
 * empty, err holds "file:line: ..." and the code is SPA_ERR_CONF_*.
 */
int spa_conf_parse(struct spa_conf *c, const char *file, const char *text, size_t len,
    const char *const *known, char err[SPA_CONF_ERRLEN]);

/* Read path (at most 1 MiB; secret as in spa_file_read) and parse it. */
int spa_conf_load(struct spa_conf *c, const char *path, int secret, const char *const *known,
    char err[SPA_CONF_ERRLEN]);

/* Value of key or NULL; *line (if not NULL) gets its line number. */
const char *spa_conf_get(const struct spa_conf *c, const char *key, unsigned *line);

/*
 * Typed getters: missing key gives def; a bad value is SPA_ERR_CONF_VALUE with file:line in err
 * (*out is then def).  bool: yes/no, true/false, on/off, 1/0, any case.  uint: decimal digits
 * only (no sign, blanks or 0x), within min..max.
 */
int spa_conf_get_str(const struct spa_conf *c, const char *key, const char *def, const char **out);
int spa_conf_get_bool(const struct spa_conf *c, const char *key, int def, int *out,
    char err[SPA_CONF_ERRLEN]);
int spa_conf_get_uint(const struct spa_conf *c, const char *key, uint64_t min, uint64_t max,
    uint64_t def, uint64_t *out, char err[SPA_CONF_ERRLEN]);
/* A required key: SPA_ERR_CONF_MISSING with "file: missing key 'k'" when absent, SPA_ERR_CONF_VALUE when empty. */
int spa_conf_require(const struct spa_conf *c, const char *key, const char **out,
    char err[SPA_CONF_ERRLEN]);

/* Format "file:line: msg" for key ("file: msg" if key is NULL or absent), for callers validating values themselves. */
void spa_conf_errf(const struct spa_conf *c, const char *key, char err[SPA_CONF_ERRLEN],
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Free everything, wiping values. */
void spa_conf_free(struct spa_conf *c);

#endif /* SPA_CONF_H */
