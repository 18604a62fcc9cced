/*
 * test_util.c - address and port-list parsing (accept/reject tables), secret
 * file reading (mode, owner, type, size checks) and atomic replacement,
 * including the failure paths: the old file must survive and no temp file
 * may be left behind.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "spa_err.h"
#include "spa_pkt.h"
#include "spa_util.h"

/* ---- addresses ---------------------------------------------------------- */

static void
test_ip_accept(void **state)
{
	static const struct {
		const char *in, *out;	/* out: canonical text */
	} ok[] = {
		{ "10.77.0.1", "10.77.0.1" },
		{ "0.0.0.0", "0.0.0.0" },
		{ "255.255.255.255", "255.255.255.255" },
		{ "2001:db8::7", "2001:db8::7" },
		{ "2001:DB8:0:0:0:0:0:7", "2001:db8::7" },
		{ "::1", "::1" },
		{ "::ffff:192.0.2.1", "192.0.2.1" },
		{ "fe80::1", "fe80::1" },
		{ "", "" },
	};
	uint8_t ip[16], back[16];
	char txt[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (spa_ip_parse(ok[i].in, ip) != 0)
			print_error("rejected '%s'\n", ok[i].in);
		assert_int_equal(spa_ip_parse(ok[i].in, ip), 0);
		assert_int_equal(spa_ip_format(ip, txt, sizeof(txt)), 0);
		assert_string_equal(txt, ok[i].out);
		assert_int_equal(spa_ip_parse(txt, back), 0);
		assert_memory_equal(ip, back, 16);
	}
	assert_int_equal(spa_ip_parse("10.77.0.1", ip), 0);
	assert_true(spa_ip_is_v4(ip));
	assert_memory_equal(ip, "\0\0\0\0\0\0\0\0\0\0\xff\xff\x0a\x4d\x00\x01", 16);
	assert_int_equal(spa_ip_parse("2001:db8::7", ip), 0);
	assert_false(spa_ip_is_v4(ip));
	assert_int_equal(spa_ip_parse("", ip), 0);
	assert_memory_equal(ip, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	/* Formatting into a short buffer fails cleanly. */
	assert_int_equal(spa_ip_parse("10.77.0.1", ip), 0);
	assert_int_equal(spa_ip_format(ip, txt, 9), SPA_ERR_BUF_FULL);
	assert_int_equal(spa_ip_format(ip, txt, 10), 0);
	assert_int_equal(spa_ip_format(ip, txt, 0), SPA_ERR_BUF_FULL);
}

static void
test_ip_reject(void **state)
{
	static const char *const bad[] = {
		"1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", " 1.2.3.4", "01.2.3.4", "1.2.3.-4",
		"0x7f.0.0.1", "127.1", "localhost", "1.2.3.4/24", "::g", "1:2:3:4:5:6:7:8:9",
		"fe80::1%eth0", "[::1]", ":::", "1.2.3.4:22", "+1.2.3.4", "abc", " ",
		"0000:0000:0000:0000:0000:0000:0000:0000:0",
	};
	uint8_t ip[16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(ip, 0xaa, sizeof(ip));
		if (spa_ip_parse(bad[i], ip) != SPA_ERR_ADDR)
			print_error("accepted '%s'\n", bad[i]);
		assert_int_equal(spa_ip_parse(bad[i], ip), SPA_ERR_ADDR);
	}
	assert_int_equal(spa_ip_parse(NULL, ip), SPA_ERR_ADDR);
}

/* ---- ports -------------------------------------------------------------- */

static void
test_port(void **state)
{
	static const char *const bad[] = {
		"", "0", "65536", "99999", "123456", "-1", "+22", " 22", "22 ", "022", "22x", "0x16",
		"2 2", "tcp/22",
	};
	uint16_t p = 0;
	size_t i;

	(void)state;
	assert_int_equal(spa_port_parse("1", &p), 0);
	assert_int_equal(p, 1);
	assert_int_equal(spa_port_parse("22", &p), 0);
	assert_int_equal(p, 22);
	assert_int_equal(spa_port_parse("65535", &p), 0);
	assert_int_equal(p, 65535);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (spa_port_parse(bad[i], &p) != SPA_ERR_PORT)
			print_error("accepted '%s'\n", bad[i]);
		assert_int_equal(spa_port_parse(bad[i], &p), SPA_ERR_PORT);
	}
	assert_int_equal(spa_port_parse(NULL, &p), SPA_ERR_PORT);
}

static void
test_ports_accept(void **state)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
		{ "tcp/22", "tcp/22" },
		{ "udp/53", "udp/53" },
		{ "22", "tcp/22" },
		{ "tcp/22,udp/53,443", "tcp/22,udp/53,tcp/443" },
		{ " tcp/22 ,\tudp/53 , 443 ", "tcp/22,udp/53,tcp/443" },
		{ "TCP/1,Udp/65535", "tcp/1,udp/65535" },
		{ "22,tcp/22,22,udp/22", "tcp/22,udp/22" },	/* duplicates removed */
		{ "", "" },
		{ "  ", "" },
	};
	struct spa_portspec ps[8];
	char txt[128];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (spa_ports_parse(ok[i].in, ps, 8, &n, NULL) != 0)
			print_error("rejected '%s'\n", ok[i].in);
		assert_int_equal(spa_ports_parse(ok[i].in, ps, 8, &n, NULL), 0);
		assert_int_equal(spa_ports_format(ps, n, txt, sizeof(txt)), 0);
		assert_string_equal(txt, ok[i].out);
	}
	assert_int_equal(spa_ports_parse("tcp/22,udp/53", ps, 8, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ps[0].proto, SPA_PROTO_TCP);
	assert_int_equal(ps[0].port, 22);
	assert_int_equal(ps[1].proto, SPA_PROTO_UDP);
	assert_int_equal(ps[1].port, 53);
	/* max: exactly fits, one more is too long (duplicates do not count). */
	assert_int_equal(spa_ports_parse("1,2,3", ps, 3, &n, NULL), 0);
	assert_int_equal(spa_ports_parse("1,2,3,3,1", ps, 3, &n, NULL), 0);
	assert_int_equal(n, 3);
	assert_int_equal(spa_ports_parse("1,2,3,4", ps, 3, &n, NULL), SPA_ERR_TOO_LONG);
	assert_int_equal(n, 0);
	/* Formatting: short buffers and invalid specs fail. */
	assert_int_equal(spa_ports_parse("tcp/22,udp/53", ps, 8, &n, NULL), 0);
	assert_int_equal(spa_ports_format(ps, n, txt, 13), SPA_ERR_BUF_FULL);
	assert_string_equal(txt, "");
	assert_int_equal(spa_ports_format(ps, n, txt, 14), 0);
	assert_string_equal(txt, "tcp/22,udp/53");
	ps[1].proto = 1;
	assert_int_equal(spa_ports_format(ps, n, txt, sizeof(txt)), SPA_ERR_PORT);
	ps[1].proto = SPA_PROTO_UDP;
	ps[1].port = 0;
	assert_int_equal(spa_ports_format(ps, n, txt, sizeof(txt)), SPA_ERR_PORT);
}

static void
test_ports_reject(void **state)
{
	static const struct {
		const char *in;
		size_t bad;	/* index of the offending item */
	} bad[] = {
		{ "tcp/0", 0 }, { "tcp/65536", 0 }, { "icmp/1", 0 }, { "22,", 1 }, { ",22", 0 },
		{ "22,,53", 1 }, { "tcp/", 0 }, { "/22", 0 }, { "tcp22", 0 }, { "tcp/-1", 0 },
		{ "tcp/+22", 0 }, { "22,udp/53,x", 2 }, { "tcp /22", 0 }, { "tcp/ 22", 0 },
		{ "tcp/22/", 0 }, { "sctp/22", 0 }, { "22;53", 0 }, { "1,2,3,tcp/022", 3 },
		{ "udp/53x", 0 }, { "0", 0 }, { "65535,65536", 1 }, { "tcp/2 2", 0 }, { ",", 0 },
	};
	struct spa_portspec ps[8];
	size_t i, n, at;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		at = 99;
		n = 99;
		if (spa_ports_parse(bad[i].in, ps, 8, &n, &at) != SPA_ERR_PORT)
			print_error("accepted '%s'\n", bad[i].in);
		assert_int_equal(spa_ports_parse(bad[i].in, ps, 8, &n, &at), SPA_ERR_PORT);
		if (at != bad[i].bad)
			print_error("'%s': bad item %zu, expected %zu\n", bad[i].in, at, bad[i].bad);
		assert_int_equal(at, bad[i].bad);
		assert_int_equal(n, 0);
	}
	assert_int_equal(spa_ports_parse(NULL, ps, 8, &n, NULL), SPA_ERR_PORT);
}

/* ---- files -------------------------------------------------------------- */

static char tdir[64];

static int
setup_dir(void **state)
{
	(void)state;
	strcpy(tdir, "/tmp/test_util.XXXXXX");
	return mkdtemp(tdir) == NULL ? -1 : 0;
}

static int
teardown_dir(void **state)
{
	char cmd[128];

	(void)state;
	chmod(tdir, 0700);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
put(const char *name, const char *text, mode_t mode)
{
	char p[128];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", tdir, name);
	unlink(p);
	f = fopen(p, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(p, mode), 0);
}

static const char *
tpath(const char *name)
{
	static char p[4][128];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", tdir, name);
	return p[k];
}

/* Number of entries in tdir/sub whose name starts with '.' (temp files). */
static int
temp_files(const char *sub)
{
	DIR *d = opendir(tpath(sub));
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] == '.' && strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
test_read(void **state)
{
	char *data = (char *)1;
	size_t len = 99;

	(void)state;
	put("plain", "hello\n", 0644);
	assert_int_equal(spa_file_read(tpath("plain"), 100, 0, &data, &len), 0);
	assert_int_equal(len, 6);
	assert_string_equal(data, "hello\n");
	free(data);
	/* Exactly maxsize is fine; one byte less is too small. */
	assert_int_equal(spa_file_read(tpath("plain"), 6, 0, &data, &len), 0);
	free(data);
	assert_int_equal(spa_file_read(tpath("plain"), 5, 0, &data, &len), SPA_ERR_FILE_SIZE);
	assert_null(data);
	assert_int_equal(len, 0);
	put("empty", "", 0600);
	assert_int_equal(spa_file_read(tpath("empty"), 0, 1, &data, &len), 0);
	assert_int_equal(len, 0);
	assert_string_equal(data, "");
	free(data);
	/* Missing file: SPA_ERR_SYSTEM with errno. */
	errno = 0;
	assert_int_equal(spa_file_read(tpath("nope"), 100, 0, &data, &len), SPA_ERR_SYSTEM);
	assert_int_equal(errno, ENOENT);
}

static void
test_read_large(void **state)
{
	static char big[200000];
	char *data;
	size_t len;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	put("big", big, 0600);
	assert_int_equal(spa_file_read(tpath("big"), sizeof(big) - 1, 1, &data, &len), 0);
	assert_int_equal(len, sizeof(big) - 1);
	assert_memory_equal(data, big, len);
	free(data);
	assert_int_equal(spa_file_read(tpath("big"), 1024 * 1024, 1, &data, &len), 0);
	free(data);
	assert_int_equal(spa_file_read(tpath("big"), 4096, 1, &data, &len), SPA_ERR_FILE_SIZE);
	/* /proc files report size 0 but have content: read to EOF, bounded by maxsize. */
	assert_int_equal(spa_file_read("/proc/self/status", 1024 * 1024, 0, &data, &len), 0);
	assert_true(len > 0);
	assert_non_null(strstr(data, "Name:"));
	free(data);
	assert_int_equal(spa_file_read("/proc/self/status", 16, 0, &data, &len), SPA_ERR_FILE_SIZE);
}

static void
test_read_secret(void **state)
{
	static const mode_t badmodes[] = { 0644, 0640, 0604, 0610, 0601, 0620, 0602, 0660, 0666 };
	char *data;
	size_t len, i;

	(void)state;
	put("s", "seed = 00\n", 0600);
	assert_int_equal(spa_file_read(tpath("s"), 100, 1, &data, &len), 0);
	free(data);
	assert_int_equal(chmod(tpath("s"), 0400), 0);
	assert_int_equal(spa_file_read(tpath("s"), 100, 1, &data, &len), 0);
	free(data);
	for (i = 0; i < sizeof(badmodes) / sizeof(badmodes[0]); i++) {
		assert_int_equal(chmod(tpath("s"), badmodes[i]), 0);
		assert_int_equal(spa_file_read(tpath("s"), 100, 1, &data, &len), SPA_ERR_FILE_PERM);
		assert_null(data);
		/* The same file is fine when it holds no secret. */
		assert_int_equal(spa_file_read(tpath("s"), 100, 0, &data, &len), 0);
		free(data);
	}
	/* Owned by someone else (not root): refused even at 0600. */
	if (geteuid() == 0) {
		assert_int_equal(chmod(tpath("s"), 0600), 0);
		assert_int_equal(chown(tpath("s"), 65534, 65534), 0);
		assert_int_equal(spa_file_read(tpath("s"), 100, 1, &data, &len), SPA_ERR_FILE_PERM);
		assert_int_equal(chown(tpath("s"), 0, 0), 0);
		assert_int_equal(spa_file_read(tpath("s"), 100, 1, &data, &len), 0);
		free(data);
	}
}

static void
test_read_type(void **state)
{
	char *data;
	size_t len;

	(void)state;
	put("target", "x = 1\n", 0600);
	unlink(tpath("link"));
	assert_int_equal(symlink(tpath("target"), tpath("link")), 0);
	assert_int_equal(spa_file_read(tpath("link"), 100, 0, &data, &len), SPA_ERR_FILE_TYPE);
	assert_int_equal(spa_file_read(tpath("link"), 100, 1, &data, &len), SPA_ERR_FILE_TYPE);
	assert_int_equal(spa_file_read(tdir, 100, 0, &data, &len), SPA_ERR_FILE_TYPE);
	assert_int_equal(spa_file_read("/dev/null", 100, 0, &data, &len), SPA_ERR_FILE_TYPE);
	/* A FIFO is refused without blocking on open. */
	assert_int_equal(mkfifo(tpath("fifo"), 0600), 0);
	assert_int_equal(spa_file_read(tpath("fifo"), 100, 1, &data, &len), SPA_ERR_FILE_TYPE);
	assert_null(data);
}

static void
test_write_atomic(void **state)
{
	struct stat st;
	char *data;
	size_t len;

	(void)state;
	assert_int_equal(mkdir(tpath("w"), 0700), 0);
	assert_int_equal(spa_file_write_atomic(tpath("w/cred"), "seed = 01\n", 10, 0600), 0);
	assert_int_equal(stat(tpath("w/cred"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(spa_file_read(tpath("w/cred"), 100, 1, &data, &len), 0);
	assert_string_equal(data, "seed = 01\n");
	free(data);
	assert_int_equal(temp_files("w"), 0);
	/* Replace: new content, given mode, still no temp file; umask does not matter. */
	umask(0077);
	assert_int_equal(spa_file_write_atomic(tpath("w/cred"), "seed = 02\n", 10, 0640), 0);
	umask(0022);
	assert_int_equal(stat(tpath("w/cred"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(spa_file_read(tpath("w/cred"), 100, 0, &data, &len), 0);
	assert_string_equal(data, "seed = 02\n");
	free(data);
	assert_int_equal(spa_file_write_atomic(tpath("w/cred"), "", 0, 0600), 0);
	assert_int_equal(stat(tpath("w/cred"), &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(temp_files("w"), 0);
	/* A relative path works (temp in the current directory). */
	{
		char cwd[256];

		assert_non_null(getcwd(cwd, sizeof(cwd)));
		assert_int_equal(chdir(tpath("w")), 0);
		assert_int_equal(spa_file_write_atomic("rel", "r", 1, 0600), 0);
		assert_int_equal(chdir(cwd), 0);
		assert_int_equal(stat(tpath("w/rel"), &st), 0);
		assert_int_equal(st.st_size, 1);
	}
	assert_int_equal(spa_file_write_atomic(tpath("w/"), "x", 1, 0600), SPA_ERR_SYSTEM);
	assert_int_equal(temp_files("w"), 0);
}

/* Checks that the old file at w/keep is intact and no temp file is left. */
static void
assert_kept(void)
{
	char *data;
	size_t len;

	assert_int_equal(spa_file_read(tpath("f/keep"), 100, 1, &data, &len), 0);
	assert_string_equal(data, "old content\n");
	free(data);
	assert_int_equal(temp_files("f"), 0);
}

static void
test_write_fail(void **state)
{
	static char big[1 << 16];
	struct rlimit old, lim;
	int rc;

	(void)state;
	assert_int_equal(mkdir(tpath("f"), 0700), 0);
	put("f/keep", "old content\n", 0600);
	/* Directory missing: nothing created. */
	errno = 0;
	assert_int_equal(spa_file_write_atomic(tpath("f/none/x"), "x", 1, 0600), SPA_ERR_SYSTEM);
	assert_int_equal(errno, ENOENT);
	/* Target is a directory: rename fails, the directory and its contents survive. */
	assert_int_equal(mkdir(tpath("f/adir"), 0700), 0);
	assert_int_equal(spa_file_write_atomic(tpath("f/adir"), "x", 1, 0600), SPA_ERR_SYSTEM);
	assert_int_equal(errno, EISDIR);
	assert_int_equal(rmdir(tpath("f/adir")), 0);
	assert_kept();
	/* The write itself fails half-way (file size limit): EFBIG, old file intact. */
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 4096;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	memset(big, 'n', sizeof(big));
	rc = spa_file_write_atomic(tpath("f/keep"), big, sizeof(big), 0600);
	assert_int_equal(errno, EFBIG);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(rc, SPA_ERR_SYSTEM);
	assert_kept();
	/* Directory not writable (only meaningful without CAP_DAC_OVERRIDE). */
	if (geteuid() != 0) {
		assert_int_equal(chmod(tpath("f"), 0500), 0);
		errno = 0;
		assert_int_equal(spa_file_write_atomic(tpath("f/keep"), "new", 3, 0600), SPA_ERR_SYSTEM);
		assert_int_equal(errno, EACCES);
		assert_int_equal(chmod(tpath("f"), 0700), 0);
		assert_kept();
	}
}

/*
 * ENOSPC and EROFS need a file system of our own: a small tmpfs in a private
 * mount namespace of a child process (root only), so nothing outside sees it.
 */
static int
child_fs(const char *dir)
{
	static char big[128 * 1024];
	char keep[128], *data = NULL;
	size_t len;
	int rc;

	if (unshare(CLONE_NEWNS) != 0 || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return 10;
	if (mount("spa-test", dir, "tmpfs", 0, "size=64k,mode=0700") != 0)
		return 11;
	snprintf(keep, sizeof(keep), "%s/keep", dir);
	if (spa_file_write_atomic(keep, "old content\n", 12, 0600) != 0)
		return 12;
	memset(big, 'n', sizeof(big));
	errno = 0;
	rc = spa_file_write_atomic(keep, big, sizeof(big), 0600);
	if (rc != SPA_ERR_SYSTEM || errno != ENOSPC)
		return 13;
	if (spa_file_read(keep, 100, 1, &data, &len) != 0 || strcmp(data, "old content\n") != 0)
		return 14;
	free(data);
	/* The full-size write left nothing: a second small write still fits. */
	if (spa_file_write_atomic(keep, big, 32 * 1024, 0600) != 0)
		return 15;
	if (spa_file_write_atomic(keep, "old content\n", 12, 0600) != 0)
		return 16;
	if (mount(NULL, dir, NULL, MS_REMOUNT | MS_RDONLY, NULL) != 0)
		return 17;
	errno = 0;
	if (spa_file_write_atomic(keep, "new", 3, 0600) != SPA_ERR_SYSTEM || errno != EROFS)
		return 18;
	if (spa_file_read(keep, 100, 1, &data, &len) != 0 || strcmp(data, "old content\n") != 0)
		return 19;
	free(data);
	{
		DIR *d = opendir(dir);
		struct dirent *de;
		int n = 0;

		if (d == NULL)
			return 20;
		while ((de = readdir(d)) != NULL)
			n++;
		closedir(d);
		if (n != 3)		/* ".", ".." and keep */
			return 21;
	}
	return 0;
}

static void
test_write_enospc(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	if (geteuid() != 0) {
		print_message("not root: ENOSPC/EROFS test skipped\n");
		skip();
	}
	assert_int_equal(mkdir(tpath("fs"), 0700), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child_fs(tpath("fs")));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 10 || WEXITSTATUS(status) == 11) {
		print_message("cannot mount a tmpfs here: ENOSPC/EROFS test skipped\n");
		skip();
	}
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Feed text through a pipe and read one line of at most cap - 1 bytes. */
static int
line_from(const char *text, char *buf, size_t cap)
{
	int p[2], rc;

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], text, strlen(text)), (ssize_t)strlen(text));
	close(p[1]);
	rc = spa_read_line(p[0], buf, cap);
	close(p[0]);
	return rc;
}

static void
test_read_line(void **state)
{
	char buf[8];
	int fd;

	(void)state;
	assert_int_equal(line_from("abc\r\nnext\n", buf, sizeof(buf)), SPA_OK);
	assert_string_equal(buf, "abc");
	assert_int_equal(line_from("no-nl", buf, sizeof(buf)), SPA_OK);
	assert_string_equal(buf, "no-nl");
	assert_int_equal(line_from("", buf, sizeof(buf)), SPA_OK);
	assert_string_equal(buf, "");
	assert_int_equal(line_from("1234567\n", buf, sizeof(buf)), SPA_OK);
	assert_string_equal(buf, "1234567");
	/* One byte too many: refused and wiped, never truncated. */
	assert_int_equal(line_from("12345678\n", buf, sizeof(buf)), SPA_ERR_TOO_LONG);
	assert_true(buf[0] == 0 && buf[6] == 0);
	assert_int_equal(spa_read_line(-1, buf, sizeof(buf)), SPA_ERR_SYSTEM);
	/* Not a terminal (echo cannot be turned off): the prompt fails rather than read. */
	fd = open("/dev/null", O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(spa_tty_read_secret(fd, "x", buf, sizeof(buf)), SPA_ERR_SYSTEM);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip_accept),
		cmocka_unit_test(test_ip_reject),
		cmocka_unit_test(test_port),
		cmocka_unit_test(test_ports_accept),
		cmocka_unit_test(test_ports_reject),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_read_large),
		cmocka_unit_test(test_read_secret),
		cmocka_unit_test(test_read_type),
		cmocka_unit_test(test_write_atomic),
		cmocka_unit_test(test_write_fail),
		cmocka_unit_test(test_write_enospc),
		cmocka_unit_test(test_read_line),
	};

	return cmocka_run_group_tests_name("util", tests, setup_dir, teardown_dir);
}
