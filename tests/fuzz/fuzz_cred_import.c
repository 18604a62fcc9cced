/*
 * fuzz_cred_import.c - libFuzzer target for the `spa-knock --import` path
 * without its I/O: cred_parse (the file from spa-admin export) and
 * cred_import_prepare (the --hosts list and the name taken from the file's
 * path).  Input: line 1 the source path, line 2 the --hosts argument ("-":
 * none), the rest the file.  An accepted import must name a file
 * DIR/NAME.cred with NAME a plain, non-hidden file name, keep exactly the
 * --hosts list it was given, and format to a file that reads back the same.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cred.h"
#include "spa_err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DIR_ "/home/u/.config/spa-knock"

/* The next line of data[*at..size) into out (NUL-terminated, truncated to cap). */
static void
take_line(const uint8_t *data, size_t size, size_t *at, char *out, size_t cap)
{
	size_t n = 0;

	while (*at < size && data[*at] != '\n') {
		if (n + 1 < cap)
			out[n++] = (char)data[*at];
		(*at)++;
	}
	if (*at < size)
		(*at)++;
	out[n] = '\0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cred c, d;
	char src[5000], hosts[2000], err[CRED_ERRLEN], buf[4096];
	const char *name;
	size_t at = 0, l;
	int rc, n;

	take_line(data, size, &at, src, sizeof(src));
	take_line(data, size, &at, hosts, sizeof(hosts));
	if (cred_parse(&c, src, (const char *)data + at, size - at, err) != 0)
		return 0;
	rc = cred_import_prepare(&c, src, DIR_, strcmp(hosts, "-") == 0 ? NULL : hosts, err);
	if (rc != 0) {
		if (rc >= 0 || err[0] == '\0')
			abort();
		cred_wipe(&c);
		return 0;
	}
	/* DIR/NAME.cred, NAME plain and visible. */
	l = strlen(c.path);
	if (strncmp(c.path, DIR_ "/", sizeof(DIR_)) != 0 || l < sizeof(DIR_) + 6 ||
	    strcmp(c.path + l - 5, ".cred") != 0)
		abort();
	name = c.path + sizeof(DIR_);
	if (name[0] == '.' || strchr(name, '/') != NULL || strlen(name) > 255)
		abort();
	if (strcmp(hosts, "-") != 0 && strcmp(c.hosts, hosts) != 0)
		abort();
	n = cred_format(&c, buf, sizeof(buf));
	if (n <= 0 || (size_t)n >= sizeof(buf))
		abort();
	if (cred_parse(&d, "x.cred", buf, (size_t)n, err) != 0)
		abort();
	memcpy(d.path, c.path, sizeof(d.path));
	if (memcmp(&c, &d, sizeof(c)) != 0)
		abort();
	cred_wipe(&c);
	cred_wipe(&d);
	return 0;
}
