/*
 * test_conf.c - the config reader: syntax, quoting, every error with the
 * exact file:line it must name, typed getters, and loading from disk.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "spa_conf.h"
#include "spa_err.h"

static const char *const known[] = { "interface", "spa_port", "block_all", "db_password",
	"fw_label", "protect", "open_timeout", NULL };

/* Parse a NUL-terminated text as "t.conf" with no key list. */
static int
parse(struct spa_conf *c, const char *text, char *err)
{
	return spa_conf_parse(c, "t.conf", text, strlen(text), NULL, err);
}

static void
test_basic(void **state)
{
	struct spa_conf c;
	char err[SPA_CONF_ERRLEN];
	unsigned line = 0;
	const char *text =
	    "# spad.conf\n"
	    "\n"
	    "interface = eth0\n"
	    "   spa_port=62201   \n"
	    "\tblock_all\t=\tyes # comment after a value\n"
	    "fw_label = a#b\n"
	    "protect =\n"
	    "  # indented comment\n"
	    "db_password = \"p#ss \\\"word\\\" \\\\ x\"   # quoted\n"
	    "open_timeout = 30";	/* no final newline */

	(void)state;
	assert_int_equal(spa_conf_parse(&c, "t.conf", text, strlen(text), known, err), 0);
	assert_int_equal(c.n, 7);
	assert_string_equal(c.file, "t.conf");
	assert_string_equal(spa_conf_get(&c, "interface", &line), "eth0");
	assert_int_equal(line, 3);
	assert_string_equal(spa_conf_get(&c, "spa_port", &line), "62201");
	assert_int_equal(line, 4);
	assert_string_equal(spa_conf_get(&c, "block_all", NULL), "yes");
	assert_string_equal(spa_conf_get(&c, "fw_label", NULL), "a#b");
	assert_string_equal(spa_conf_get(&c, "protect", NULL), "");
	assert_string_equal(spa_conf_get(&c, "db_password", &line), "p#ss \"word\" \\ x");
	assert_int_equal(line, 9);
	assert_string_equal(spa_conf_get(&c, "open_timeout", &line), "30");
	assert_int_equal(line, 10);
	assert_null(spa_conf_get(&c, "user", NULL));
	spa_conf_free(&c);
	assert_null(c.e);
	assert_int_equal(c.n, 0);
	assert_null(c.file);
}

static void
test_edge_syntax(void **state)
{
	struct spa_conf c;
	char err[SPA_CONF_ERRLEN];
	static char big[4096 + 16];

	(void)state;
	/* Empty input, only comments, CRLF line ends, '=' inside a value. */
	assert_int_equal(spa_conf_parse(&c, "t.conf", "", 0, NULL, err), 0);
	assert_int_equal(c.n, 0);
	spa_conf_free(&c);
	assert_int_equal(spa_conf_parse(&c, "t.conf", NULL, 0, NULL, err), 0);
	spa_conf_free(&c);
	assert_int_equal(parse(&c, "#a\n\n   \n\t\n# b = c\n", err), 0);
	assert_int_equal(c.n, 0);
	spa_conf_free(&c);
	assert_int_equal(parse(&c, "a = 1\r\nb=x=y\r\nc = \"q\"\r\nd = #only comment\n", err), 0);
	assert_string_equal(spa_conf_get(&c, "a", NULL), "1");
	assert_string_equal(spa_conf_get(&c, "b", NULL), "x=y");
	assert_string_equal(spa_conf_get(&c, "c", NULL), "q");
	assert_string_equal(spa_conf_get(&c, "d", NULL), "");
	spa_conf_free(&c);
	/* Quoted: empty, leading/trailing blanks kept, '#' kept, bare quote inside a bare value. */
	assert_int_equal(parse(&c, "a = \"\"\nb = \"  x  \"\nc = \"#\"#c\nd = ab\"c\n", err), 0);
	assert_string_equal(spa_conf_get(&c, "a", NULL), "");
	assert_string_equal(spa_conf_get(&c, "b", NULL), "  x  ");
	assert_string_equal(spa_conf_get(&c, "c", NULL), "#");
	assert_string_equal(spa_conf_get(&c, "d", NULL), "ab\"c");
	spa_conf_free(&c);
	/* The text need not be NUL-terminated: len is the end. */
	assert_int_equal(spa_conf_parse(&c, "t.conf", "a = 12345", 6, NULL, err), 0);
	assert_string_equal(spa_conf_get(&c, "a", NULL), "12");
	spa_conf_free(&c);
	/* A line of exactly 4096 bytes is fine. */
	memcpy(big, "k = ", 4);
	memset(big + 4, 'v', 4092);
	memcpy(big + 4096, "\n", 2);
	assert_int_equal(parse(&c, big, err), 0);
	assert_int_equal(strlen(spa_conf_get(&c, "k", NULL)), 4092);
	spa_conf_free(&c);
	/* Many keys: the duplicate check stays correct past index growth. */
	{
		static char t[2000 * 16];
		char *p = t;
		int i;

		for (i = 0; i < 2000; i++)
			p += sprintf(p, "k%d = %d\n", i, i);
		assert_int_equal(parse(&c, t, err), 0);
		assert_int_equal(c.n, 2000);
		assert_string_equal(spa_conf_get(&c, "k1999", NULL), "1999");
		spa_conf_free(&c);
		sprintf(p, "k1234 = again\n");
		assert_int_equal(parse(&c, t, err), SPA_ERR_CONF_DUP);
		assert_string_equal(err, "t.conf:2001: duplicate key 'k1234' (first given on line 1235)");
		assert_int_equal(c.n, 0);
	}
}

struct bad {
	const char *text;
	size_t len;		/* 0: strlen(text) */
	int rc;
	const char *err;
};

static void
test_errors(void **state)
{
	static const struct bad bad[] = {
		{ "a = 1\nb = 2\nnoequals\n", 0, SPA_ERR_CONF_SYNTAX,
		  "t.conf:3: expected 'key = value'" },
		{ "\n\n# c\n\na = 1\nb = 2\n = 3\n", 0, SPA_ERR_CONF_SYNTAX,
		  "t.conf:7: missing key before '='" },
		{ "a=1\n\t=\n", 0, SPA_ERR_CONF_SYNTAX, "t.conf:2: missing key before '='" },
		{ "a = 1\nb = 2\nFoo = 1\n", 0, SPA_ERR_CONF_SYNTAX,
		  "t.conf:3: bad character 'F' in key (keys are lower-case letters, digits and '_')" },
		{ "a = 1\nmy key = 1\n", 0, SPA_ERR_CONF_SYNTAX,
		  "t.conf:2: bad character ' ' in key (keys are lower-case letters, digits and '_')" },
		{ "a-b = 1\n", 0, SPA_ERR_CONF_SYNTAX,
		  "t.conf:1: bad character '-' in key (keys are lower-case letters, digits and '_')" },
		{ "a = 1\nb = 2\n\na = 3\n", 0, SPA_ERR_CONF_DUP,
		  "t.conf:4: duplicate key 'a' (first given on line 1)" },
		{ "x = 1\ny = 2\nz = \"abc\n", 0, SPA_ERR_CONF_QUOTE,
		  "t.conf:3: unterminated quoted value (missing closing '\"')" },
		{ "x = 1\ny = 2\nz = \"abc\\\"\n", 0, SPA_ERR_CONF_QUOTE,
		  "t.conf:3: unterminated quoted value (missing closing '\"')" },
		{ "x = 1\ny = \"abc\\", 0, SPA_ERR_CONF_QUOTE, "t.conf:2: unterminated quoted value" },
		{ "x = 1\ny = \"a\\nb\"\n", 0, SPA_ERR_CONF_QUOTE,
		  "t.conf:2: bad escape '\\n' in quoted value (only \\\" and \\\\ are allowed)" },
		{ "x = \"a\" b\n", 0, SPA_ERR_CONF_SYNTAX,
		  "t.conf:1: unexpected text after the closing quote (use '#' for a comment)" },
		{ "x = 1\ny = 2\nz = a\0b\n", 14 + 5, SPA_ERR_CONF_SYNTAX, "t.conf:3: NUL byte in the text" },
		{ "x = 1\n\n\n\n\n\nbell = \a\n", 0, SPA_ERR_CONF_SYNTAX,
		  "t.conf:7: control character 0x07 in line" },
		{ "x = 1\nx = 2\nnoequals\n", 0, SPA_ERR_CONF_DUP,
		  "t.conf:2: duplicate key 'x' (first given on line 1)" },
	};
	struct spa_conf c;
	char err[SPA_CONF_ERRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].text);
		int rc = spa_conf_parse(&c, "t.conf", bad[i].text, len, NULL, err);

		if (rc != bad[i].rc || strcmp(err, bad[i].err) != 0)
			print_error("case %zu: rc %d err '%s'\n", i, rc, err);
		assert_int_equal(rc, bad[i].rc);
		assert_string_equal(err, bad[i].err);
		assert_int_equal(c.n, 0);
		assert_null(c.e);
		assert_null(c.file);
	}
}

static void
test_long_line(void **state)
{
	struct spa_conf c;
	char err[SPA_CONF_ERRLEN];
	static char t[8192];

	(void)state;
	strcpy(t, "a = 1\nk = ");
	memset(t + 10, 'v', 4093);	/* line 2 is 4 + 4093 = 4097 bytes */
	strcpy(t + 10 + 4093, "\n");
	assert_int_equal(parse(&c, t, err), SPA_ERR_CONF_SYNTAX);
	assert_string_equal(err, "t.conf:2: line too long (more than 4096 bytes)");
}

static void
test_unknown_key(void **state)
{
	struct spa_conf c;
	char err[SPA_CONF_ERRLEN];
	const char *t = "interface = eth0\n# x\nspa_port = 1\n\nbogus_key = 1\nprotect = 22\n";

	(void)state;
	assert_int_equal(spa_conf_parse(&c, "/etc/spad/spad.conf", t, strlen(t), known, err),
	    SPA_ERR_CONF_KEY);
	assert_string_equal(err, "/etc/spad/spad.conf:5: unknown key 'bogus_key'");
	assert_int_equal(c.n, 0);
	/* With no list, any well-formed key is taken. */
	assert_int_equal(spa_conf_parse(&c, "x", t, strlen(t), NULL, err), 0);
	assert_int_equal(c.n, 4);
	spa_conf_free(&c);
	/* An empty list accepts nothing. */
	{
		static const char *const none[] = { NULL };

		assert_int_equal(spa_conf_parse(&c, "x", "a=1", 3, none, err), SPA_ERR_CONF_KEY);
		assert_string_equal(err, "x:1: unknown key 'a'");
	}
}

static void
test_bool(void **state)
{
	static const char *const yes[] = { "yes", "true", "on", "1", "YES", "True" };
	static const char *const no[] = { "no", "false", "off", "0", "No", "OFF" };
	struct spa_conf c;
	char err[SPA_CONF_ERRLEN], t[64];
	int v;
	size_t i;

	(void)state;
	for (i = 0; i < 6; i++) {
		snprintf(t, sizeof(t), "b = %s\n", yes[i]);
		assert_int_equal(parse(&c, t, err), 0);
		v = 7;
		assert_int_equal(spa_conf_get_bool(&c, "b", 0, &v, err), 0);
		assert_int_equal(v, 1);
		spa_conf_free(&c);
		snprintf(t, sizeof(t), "b = %s\n", no[i]);
		assert_int_equal(parse(&c, t, err), 0);
		assert_int_equal(spa_conf_get_bool(&c, "b", 1, &v, err), 0);
		assert_int_equal(v, 0);
		spa_conf_free(&c);
	}
	assert_int_equal(parse(&c, "a = 1\n\nb = maybe\nc =\nd = yess\n", err), 0);
	assert_int_equal(spa_conf_get_bool(&c, "b", 1, &v, err), SPA_ERR_CONF_VALUE);
	assert_string_equal(err, "t.conf:3: 'b' must be yes/no (or true/false, on/off, 1/0), not 'maybe'");
	assert_int_equal(spa_conf_get_bool(&c, "c", 1, &v, err), SPA_ERR_CONF_VALUE);
	assert_string_equal(err, "t.conf:4: 'c' must be yes/no (or true/false, on/off, 1/0), not ''");
	assert_int_equal(spa_conf_get_bool(&c, "d", 1, &v, err), SPA_ERR_CONF_VALUE);
	assert_string_equal(err, "t.conf:5: 'd' must be yes/no (or true/false, on/off, 1/0), not 'yess'");
	/* Missing: the default. */
	assert_int_equal(spa_conf_get_bool(&c, "zz", 1, &v, err), 0);
	assert_int_equal(v, 1);
	assert_int_equal(spa_conf_get_bool(&c, "zz", 0, &v, err), 0);
	assert_int_equal(v, 0);
	spa_conf_free(&c);
}

static void
test_uint(void **state)
{
	struct spa_conf c;
	char err[SPA_CONF_ERRLEN];
	uint64_t v;
	const char *t =
	    "a = 62201\n"
	    "b = 0\n"
	    "c = 70000\n"
	    "d = -1\n"
	    "e = 12x\n"
	    "f = \" 5\"\n"
	    "g = 18446744073709551615\n"
	    "h = 18446744073709551616\n"
	    "i =\n"
	    "j = +5\n"
	    "k = 0x10\n";

	(void)state;
	assert_int_equal(parse(&c, t, err), 0);
	assert_int_equal(spa_conf_get_uint(&c, "a", 1, 65535, 5, &v, err), 0);
	assert_int_equal(v, 62201);
	assert_int_equal(spa_conf_get_uint(&c, "b", 0, 10, 5, &v, err), 0);
	assert_int_equal(v, 0);
	assert_int_equal(spa_conf_get_uint(&c, "b", 1, 10, 5, &v, err), SPA_ERR_CONF_VALUE);
	assert_string_equal(err, "t.conf:2: 'b' is out of range (1..10): 0");
	assert_int_equal(v, 5);
	assert_int_equal(spa_conf_get_uint(&c, "c", 1, 65535, 5, &v, err), SPA_ERR_CONF_VALUE);
	assert_string_equal(err, "t.conf:3: 'c' is out of range (1..65535): 70000");
	assert_int_equal(spa_conf_get_uint(&c, "d", 0, 10, 5, &v, err), SPA_ERR_CONF_VALUE);
	assert_string_equal(err, "t.conf:4: 'd' must be a whole number, not '-1'");
	assert_int_equal(spa_conf_get_uint(&c, "e", 0, 100, 5, &v, err), SPA_ERR_CONF_VALUE);
	assert_string_equal(err, "t.conf:5: 'e' must be a whole number, not '12x'");
	assert_int_equal(spa_conf_get_uint(&c, "f", 0, 100, 5, &v, err), SPA_ERR_CONF_VALUE);
	assert_string_equal(err, "t.conf:6: 'f' must be a whole number, not ' 5'");
	assert_int_equal(spa_conf_get_uint(&c, "g", 0, UINT64_MAX, 5, &v, err), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(spa_conf_get_uint(&c, "h", 0, UINT64_MAX, 5, &v, err), SPA_ERR_CONF_VALUE);
	assert_string_equal(err, "t.conf:8: 'h' is out of range (0..18446744073709551615)");
	assert_int_equal(spa_conf_get_uint(&c, "i", 0, 100, 5, &v, err), SPA_ERR_CONF_VALUE);
	assert_string_equal(err, "t.conf:9: 'i' must be a whole number, not ''");
	assert_int_equal(spa_conf_get_uint(&c, "j", 0, 100, 5, &v, err), SPA_ERR_CONF_VALUE);
	assert_string_equal(err, "t.conf:10: 'j' must be a whole number, not '+5'");
	assert_int_equal(spa_conf_get_uint(&c, "k", 0, 100, 5, &v, err), SPA_ERR_CONF_VALUE);
	assert_string_equal(err, "t.conf:11: 'k' must be a whole number, not '0x10'");
	assert_int_equal(spa_conf_get_uint(&c, "missing", 0, 100, 42, &v, err), 0);
	assert_int_equal(v, 42);
	spa_conf_free(&c);
}

static void
test_str_require_errf(void **state)
{
	struct spa_conf c;
	char err[SPA_CONF_ERRLEN];
	const char *v;

	(void)state;
	assert_int_equal(parse(&c, "a = x\n\nb =\n", err), 0);
	assert_int_equal(spa_conf_get_str(&c, "a", "d", &v), 0);
	assert_string_equal(v, "x");
	assert_int_equal(spa_conf_get_str(&c, "z", "d", &v), 0);
	assert_string_equal(v, "d");
	assert_int_equal(spa_conf_get_str(&c, "z", NULL, &v), 0);
	assert_null(v);
	assert_int_equal(spa_conf_require(&c, "a", &v, err), 0);
	assert_string_equal(v, "x");
	assert_int_equal(spa_conf_require(&c, "db_host", &v, err), SPA_ERR_CONF_MISSING);
	assert_string_equal(err, "t.conf: missing key 'db_host'");
	assert_null(v);
	assert_int_equal(spa_conf_require(&c, "b", &v, err), SPA_ERR_CONF_VALUE);
	assert_string_equal(err, "t.conf:3: 'b' must not be empty");
	spa_conf_errf(&c, "b", err, "bad address '%s'", "zz");
	assert_string_equal(err, "t.conf:3: bad address 'zz'");
	spa_conf_errf(&c, "nope", err, "x %d", 1);
	assert_string_equal(err, "t.conf: x 1");
	spa_conf_errf(&c, NULL, err, "plain");
	assert_string_equal(err, "t.conf: plain");
	spa_conf_free(&c);
}

/* The message must fit and stay NUL-terminated for absurd file names. */
static void
test_long_names(void **state)
{
	struct spa_conf c;
	char err[SPA_CONF_ERRLEN], name[2000];

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(spa_conf_parse(&c, name, "x", 1, NULL, err), SPA_ERR_CONF_SYNTAX);
	assert_int_equal(strlen(err), SPA_CONF_ERRLEN - 1);
	assert_int_equal(spa_conf_parse(&c, "f", "\"\"\"=1", 5, NULL, err), SPA_ERR_CONF_SYNTAX);
	assert_string_equal(err,
	    "f:1: bad character '\"' in key (keys are lower-case letters, digits and '_')");
}

static void
test_load(void **state)
{
	char dir[] = "/tmp/test_conf.XXXXXX", path[64], link[128], err[SPA_CONF_ERRLEN];
	struct spa_conf c;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/cred", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("seed = 00ff\n\nhost = 10.0.0.1\n", f);
	fclose(f);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(spa_conf_load(&c, path, 1, NULL, err), 0);
	assert_string_equal(spa_conf_get(&c, "host", NULL), "10.0.0.1");
	assert_string_equal(c.file, path);
	spa_conf_free(&c);

	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(spa_conf_load(&c, path, 1, NULL, err), SPA_ERR_FILE_PERM);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "chmod 600"));
	assert_int_equal(spa_conf_load(&c, path, 0, NULL, err), 0);	/* not a secret: fine */
	spa_conf_free(&c);

	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(spa_conf_load(&c, link, 0, NULL, err), SPA_ERR_FILE_TYPE);
	assert_non_null(strstr(err, "not a regular file"));
	assert_int_equal(spa_conf_load(&c, dir, 0, NULL, err), SPA_ERR_FILE_TYPE);

	unlink(path);
	assert_int_equal(spa_conf_load(&c, path, 0, NULL, err), SPA_ERR_SYSTEM);
	snprintf(link, sizeof(link), "%s: cannot read: No such file or directory", path);
	assert_string_equal(err, link);

	/* A parse error names the path and line. */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("a = 1\nb\n", f);
	fclose(f);
	assert_int_equal(spa_conf_load(&c, path, 0, NULL, err), SPA_ERR_CONF_SYNTAX);
	snprintf(link, sizeof(link), "%s:2: expected 'key = value'", path);
	assert_string_equal(err, link);
	unlink(path);
	snprintf(link, sizeof(link), "%s/link", dir);
	unlink(link);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_edge_syntax),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_uint),
		cmocka_unit_test(test_str_require_errf),
		cmocka_unit_test(test_long_names),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
