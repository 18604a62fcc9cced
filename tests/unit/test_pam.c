/*
 * test_pam.c - pam_spa.so loaded with dlopen, every branch of its decision.
 *
 * The test binary itself provides pam_get_item, pam_get_user, pam_getenv,
 * pam_syslog and friends (it is linked with -export-dynamic and without
 * libpam, so the module's references bind to these), and runs a fake spad
 * control socket in a thread whose answer each test chooses: a small grant
 * table, a denial, garbage, silence, a closed connection.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include <cmocka.h>

#include "spa_ctl.h"
#include "spa_err.h"

#ifndef SPA_TEST_BUILDDIR
#error "SPA_TEST_BUILDDIR must name the build directory"
#endif
#define MODULE_PATH SPA_TEST_BUILDDIR "/pam_spa/.libs/pam_spa.so"

typedef int (*pam_sm_fn)(pam_handle_t *, int, int, const char **);

static void *module;
static pam_sm_fn sm_acct, sm_auth, sm_setcred;

/* ---- the fake PAM library ------------------------------------------------------ */

static struct {
	const char *user;	/* NULL: pam_get_user fails */
	const char *rhost;	/* PAM_RHOST item, NULL: unset */
	const char *sshconn;	/* SSH_CONNECTION, NULL: unset */
	char log[8][512];	/* syslog lines of this call */
	int prio[8];
	int nlog;
} pam;
static int fake_handle;
#define PAMH ((pam_handle_t *)&fake_handle)

int pam_get_item(const pam_handle_t *pamh, int item_type, const void **item)
{
	assert_ptr_equal(pamh, PAMH);
	if (item_type == PAM_RHOST) {
		*item = pam.rhost;
		return PAM_SUCCESS;
	}
	if (item_type == PAM_USER) {
		*item = pam.user;
		return PAM_SUCCESS;
	}
	*item = NULL;
	return PAM_BAD_ITEM;
}

int pam_get_user(pam_handle_t *pamh, const char **user, const char *prompt)
{
	(void)prompt;
	assert_ptr_equal(pamh, PAMH);
	if (pam.user == NULL)
		return PAM_USER_UNKNOWN;
	*user = pam.user;
	return PAM_SUCCESS;
}

const char *pam_getenv(pam_handle_t *pamh, const char *name)
{
	assert_ptr_equal(pamh, PAMH);
	if (strcmp(name, "SSH_CONNECTION") == 0)
		return pam.sshconn;
	return NULL;
}

void pam_vsyslog(const pam_handle_t *pamh, int priority, const char *fmt, va_list args)
{
	assert_ptr_equal(pamh, PAMH);
	if (pam.nlog < 8) {
		vsnprintf(pam.log[pam.nlog], sizeof(pam.log[0]), fmt, args);
		pam.prio[pam.nlog] = priority;
		pam.nlog++;
	}
}

void pam_syslog(const pam_handle_t *pamh, int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pam_vsyslog(pamh, priority, fmt, ap);
	va_end(ap);
}

int pam_get_data(const pam_handle_t *pamh, const char *name, const void **data)
{
	(void)pamh;
	(void)name;
	*data = NULL;
	return PAM_NO_MODULE_DATA;
}

int pam_set_data(pam_handle_t *pamh, const char *name, void *data,
		 void (*cleanup)(pam_handle_t *, void *, int))
{
	(void)pamh;
	(void)name;
	(void)data;
	(void)cleanup;
	return PAM_SUCCESS;
}

/* ---- the fake spad ---------------------------------------------------------------- */

enum answer {
	A_GRANTS,	/* answer from the grant table below */
	A_EXPIRED,	/* deny reason=expired */
	A_ERROR,	/* error reason=internal */
	A_OK_NO_AID,	/* "ok" without aid */
	A_BAD_VERB,	/* "yes" aid=... */
	A_GARBAGE,	/* bytes that are not a frame */
	A_HUGE,		/* a length prefix over the limit */
	A_SILENT,	/* read the request, never answer */
	A_CLOSE,	/* close without answering */
};

static struct {
	char path[108];
	int lfd;
	int stop;
	pthread_t th;
	pthread_mutex_t mu;
	enum answer answer;
	int nreq;
	char req[2048];	/* last request: "verb\nk=v\n..." */
} srv = { .mu = PTHREAD_MUTEX_INITIALIZER };

static struct spa_ctl_writer srv_w;

static void set_answer(enum answer a)
{
	pthread_mutex_lock(&srv.mu);
	srv.answer = a;
	pthread_mutex_unlock(&srv.mu);
}


/* The one grant: alice (or bob) may come from 10.0.0.2:40000 or [2001:db8::2]:40000 to port 22. */
static void answer_grants(const struct spa_ctl_msg *q)
{
	const char *user = spa_ctl_get(q, 0, "user"), *rhost = spa_ctl_get(q, 0, "rhost");
	const char *rport = spa_ctl_get(q, 0, "rport"), *lport = spa_ctl_get(q, 0, "lport");

	if (!spa_ctl_is(q, "check") || user == NULL || rhost == NULL || rport == NULL || lport == NULL) {
		spa_ctl_begin(&srv_w, "error");
		spa_ctl_add(&srv_w, "reason", "bad_request");
		return;
	}
	if ((strcmp(rhost, "10.0.0.2") != 0 && strcmp(rhost, "2001:db8::2") != 0) ||
	    strcmp(rport, "40000") != 0 || strcmp(lport, "22") != 0) {
		spa_ctl_begin(&srv_w, "deny");
		spa_ctl_add(&srv_w, "reason", "no_grant");
		return;
	}
	if (strcmp(user, "alice") != 0 && strcmp(user, "bob") != 0) {
		spa_ctl_begin(&srv_w, "deny");
		spa_ctl_add(&srv_w, "reason", "wrong_user");
		spa_ctl_add(&srv_w, "aid", "0123456789abcdef0123456789abcdef");
		return;
	}
	spa_ctl_begin(&srv_w, "ok");
	spa_ctl_add(&srv_w, "aid", "0123456789abcdef0123456789abcdef");
}

static void serve_one(int fd)
{
	struct spa_ctl_msg *q = NULL;
	const uint8_t *f;
	size_t n, i, pos;
	enum answer a;

	if (spa_ctl_recv(fd, &q, 2000) != 0)
		return;
	pthread_mutex_lock(&srv.mu);
	a = srv.answer;
	pos = (size_t)snprintf(srv.req, sizeof(srv.req), "%s\n", q->verb);
	for (i = 0; i < q->nfields && pos < sizeof(srv.req); i++)
		pos += (size_t)snprintf(srv.req + pos, sizeof(srv.req) - pos, "%s=%s\n",
					q->field[i].key, q->field[i].value);
	srv.nreq++;
	pthread_mutex_unlock(&srv.mu);

	switch (a) {
	case A_GRANTS:
		answer_grants(q);
		break;
	case A_EXPIRED:
		spa_ctl_begin(&srv_w, "deny");
		spa_ctl_add(&srv_w, "reason", "expired");
		break;
	case A_ERROR:
		spa_ctl_begin(&srv_w, "error");
		spa_ctl_add(&srv_w, "reason", "internal");
		break;
	case A_OK_NO_AID:
		spa_ctl_begin(&srv_w, "ok");
		break;
	case A_BAD_VERB:
		spa_ctl_begin(&srv_w, "yes");
		spa_ctl_add(&srv_w, "aid", "x");
		break;
	case A_GARBAGE:
		(void)!write(fd, "\0\0\0\x05OK!\r\n", 9);
		goto out;
	case A_HUGE:
		(void)!write(fd, "\x7f\0\0\0ok\n", 7);
		goto out;
	case A_SILENT: {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char c;

		/* hold the connection until the module gives up and closes */
		while (poll(&p, 1, 5000) > 0 && read(fd, &c, 1) > 0)
			;
		goto out;
	}
	case A_CLOSE:
		goto out;
	}
	if (spa_ctl_finish(&srv_w, &f, &n) == 0)
		(void)!write(fd, f, n);
out:
	spa_ctl_msg_free(q);
}

static void *server(void *arg)
{
	struct pollfd p = { .fd = srv.lfd, .events = POLLIN };
	int fd;

	(void)arg;
	while (!__atomic_load_n(&srv.stop, __ATOMIC_SEQ_CST)) {
		if (poll(&p, 1, 50) <= 0)
			continue;
		if ((fd = accept(srv.lfd, NULL, NULL)) < 0)
			continue;
		serve_one(fd);
		close(fd);
	}
	return NULL;
}

static int group_setup(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	(void)state;
	module = dlopen(MODULE_PATH, RTLD_NOW | RTLD_LOCAL);
	if (module == NULL) {
		fprintf(stderr, "dlopen %s: %s\n", MODULE_PATH, dlerror());
		return -1;
	}
	sm_acct = (pam_sm_fn)dlsym(module, "pam_sm_acct_mgmt");
	sm_auth = (pam_sm_fn)dlsym(module, "pam_sm_authenticate");
	sm_setcred = (pam_sm_fn)dlsym(module, "pam_sm_setcred");
	if (sm_acct == NULL || sm_auth == NULL || sm_setcred == NULL)
		return -1;

	snprintf(srv.path, sizeof(srv.path), "/tmp/spa-test-pam-%d.sock", (int)getpid());
	unlink(srv.path);
	srv.lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memcpy(sa.sun_path, srv.path, strlen(srv.path) + 1);
	if (srv.lfd < 0 || bind(srv.lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(srv.lfd, 8) != 0)
		return -1;
	return pthread_create(&srv.th, NULL, server, NULL) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	__atomic_store_n(&srv.stop, 1, __ATOMIC_SEQ_CST);
	pthread_join(srv.th, NULL);
	close(srv.lfd);
	unlink(srv.path);
	if (module != NULL)
		dlclose(module);
	return 0;
}

/* Each test starts from an SSH login of alice from 10.0.0.2:40000 to 10.0.0.1:22. */
static int setup(void **state)
{
	(void)state;
	memset(&pam, 0, sizeof(pam));
	pam.user = "alice";
	pam.rhost = "10.0.0.2";
	pam.sshconn = "10.0.0.2 40000 10.0.0.1 22";
	pthread_mutex_lock(&srv.mu);
	srv.answer = A_GRANTS;
	srv.nreq = 0;
	srv.req[0] = '\0';
	pthread_mutex_unlock(&srv.mu);
	return 0;
}

static char sockopt[160];

/* Run account and auth with argv (socket= of the fake spad first unless nosock). */
static void run(int nosock, int want_acct, int want_auth, const char *const *args)
{
	const char *argv[12];
	int argc = 0;

	snprintf(sockopt, sizeof(sockopt), "socket=%s", srv.path);
	if (!nosock)
		argv[argc++] = sockopt;
	for (; args != NULL && *args != NULL && argc < 11; args++)
		argv[argc++] = *args;
	argv[argc] = NULL;
	assert_int_equal(sm_acct(PAMH, 0, argc, argv), want_acct);
	assert_int_equal(sm_auth(PAMH, 0, argc, argv), want_auth);
}

static int nreq(void)
{
	int n;

	pthread_mutex_lock(&srv.mu);
	n = srv.nreq;
	pthread_mutex_unlock(&srv.mu);
	return n;
}

/* Some syslog line of the last calls contains s. */
static int logged(const char *s)
{
	int i;

	for (i = 0; i < pam.nlog; i++)
		if (strstr(pam.log[i], s) != NULL)
			return 1;
	return 0;
}

#define DENY PAM_PERM_DENIED, PAM_AUTH_ERR

static void test_exports_only_pam_sm(void **state)
{
	(void)state;
	assert_null(dlsym(module, "spa_ctl_parse"));
	assert_null(dlsym(module, "spa_buf_init"));
	assert_null(dlsym(module, "spa_strerror"));
	assert_null(dlsym(module, "pam_spa_decide"));
}

static void test_success(void **state)
{
	(void)state;
	run(0, PAM_SUCCESS, PAM_SUCCESS, NULL);
	assert_int_equal(nreq(), 2);
	assert_string_equal(srv.req, "check\nuser=alice\nrhost=10.0.0.2\nrport=40000\n"
			    "laddr=10.0.0.1\nlport=22\n");
	assert_true(logged("allow user=alice rhost=10.0.0.2 rport=40000 lport=22 aid=0123456789abcdef"));
	assert_int_equal(sm_setcred(PAMH, 0, 0, NULL), PAM_SUCCESS);
}

static void test_grace_sent(void **state)
{
	static const char *const a[] = { "grace=60", "debug", NULL };

	(void)state;
	run(0, PAM_SUCCESS, PAM_SUCCESS, a);
	assert_non_null(strstr(srv.req, "\ngrace=60\n"));
	assert_true(logged("check user=alice"));	/* debug line */
}

static void test_rhost_hostname(void **state)
{
	(void)state;
	pam.rhost = "client.example.org";	/* UseDNS yes: a name is not compared */
	run(0, PAM_SUCCESS, PAM_SUCCESS, NULL);
}

static void test_deny_no_grant(void **state)
{
	(void)state;
	pam.sshconn = "10.0.0.2 40001 10.0.0.1 22";	/* a neighbour's source port */
	run(0, DENY, NULL);
	assert_int_equal(nreq(), 2);
	assert_true(logged("deny user=alice rhost=10.0.0.2 rport=40001 lport=22 reason=no_grant"));
}

static void test_deny_wrong_user(void **state)
{
	(void)state;
	pam.user = "mallory";
	run(0, DENY, NULL);
	assert_true(logged("user=mallory"));
	assert_true(logged("reason=wrong_user"));
}

static void test_deny_expired(void **state)
{
	(void)state;
	set_answer(A_EXPIRED);
	run(0, DENY, NULL);
	assert_true(logged("reason=expired"));
}

static void test_spad_error(void **state)
{
	(void)state;
	set_answer(A_ERROR);
	run(0, DENY, NULL);
	assert_true(logged("reason=spad_error spad_reason=internal"));
}

static void test_unreachable(void **state)
{
	static const char *const a[] = { "socket=/nonexistent/spad/control.sock", NULL };

	(void)state;
	run(1, DENY, a);
	assert_int_equal(nreq(), 0);
	assert_true(logged("reason=spad_unreachable socket=/nonexistent/spad/control.sock"));
	assert_true(logged("No such file or directory"));
}

static void test_closed_without_answer(void **state)
{
	(void)state;
	set_answer(A_CLOSE);
	run(0, DENY, NULL);
	assert_int_equal(nreq(), 2);
	assert_true(logged("deny user=alice"));
}

static void test_malformed_answers(void **state)
{
	static const enum answer bad[] = { A_GARBAGE, A_HUGE, A_OK_NO_AID, A_BAD_VERB };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		set_answer(bad[i]);
		pam.nlog = 0;
		run(0, DENY, NULL);
		assert_true(logged("reason=spad_malformed_answer"));
	}
}

static void test_timeout(void **state)
{
	static const char *const a[] = { "timeout=300", NULL };
	struct timespec t0, t1;
	long ms;

	(void)state;
	set_answer(A_SILENT);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run(0, DENY, a);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(ms >= 2 * 300 - 50 && ms < 2 * 300 + 1500);	/* two calls, each bounded */
	assert_true(logged("reason=spad_timeout"));
}

static void test_console_ignore(void **state)
{
	(void)state;
	pam.rhost = NULL;
	pam.sshconn = NULL;
	run(0, PAM_IGNORE, PAM_IGNORE, NULL);
	assert_int_equal(nreq(), 0);
	pam.rhost = "";		/* login(1) may set an empty PAM_RHOST */
	run(0, PAM_IGNORE, PAM_IGNORE, NULL);
	assert_int_equal(nreq(), 0);
}

static void test_console_strict(void **state)
{
	static const char *const a[] = { "strict", NULL };

	(void)state;
	pam.rhost = NULL;
	pam.sshconn = NULL;
	run(0, DENY, a);
	assert_int_equal(nreq(), 0);
	assert_true(logged("reason=no_remote_host (strict)"));
}

static void test_rhost_without_ssh_connection(void **state)
{
	(void)state;
	pam.sshconn = NULL;
	run(0, DENY, NULL);
	assert_int_equal(nreq(), 0);
	assert_true(logged("reason=no_ssh_connection"));
}

static void test_rhost_mismatch(void **state)
{
	(void)state;
	pam.rhost = "10.9.9.9";
	run(0, DENY, NULL);
	assert_int_equal(nreq(), 0);
	assert_true(logged("reason=rhost_mismatch"));
}

static void test_unknown_option_denies(void **state)
{
	static const char *const bad[][2] = {
		{ "stirct", NULL }, { "grace=abc", NULL }, { "grace=-1", NULL }, { "grace=", NULL },
		{ "grace=99999999999", NULL }, { "socket=relative.sock", NULL }, { "timeout=0", NULL },
		{ "debug=1", NULL }, { "", NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pam.nlog = 0;
		run(0, DENY, bad[i]);		/* the grant is there; the typo still denies */
		assert_true(logged("reason=bad_option"));
	}
	/* also on the console: a typo is never silently ignored */
	pam.rhost = NULL;
	pam.sshconn = NULL;
	run(0, DENY, bad[0]);
	assert_int_equal(nreq(), 0);
}

static void test_bad_ssh_connection(void **state)
{
	static const char *const bad[] = {
		"10.0.0.2 40000 10.0.0.1",		/* three fields */
		"10.0.0.2 40000 10.0.0.1 22 7",	/* five */
		"10.0.0.2  40000 10.0.0.1 22",	/* double space */
		"10.0.0.2 40000 10.0.0.1 22 ",	/* trailing space */
		"10.0.0.2 0 10.0.0.1 22",		/* port 0 */
		"10.0.0.2 40000 10.0.0.1 65536",
		"10.0.0.2 040000 10.0.0.1 22",	/* leading zero */
		"10.0.0.2 +4000 10.0.0.1 22",
		"client 40000 10.0.0.1 22",		/* not an address */
		"10.0.0.256 40000 10.0.0.1 22",
		"10.0.0.2 40000 10.0.0.1 2x",
		"",
		" ",
	};
	size_t i;

	(void)state;
	pam.rhost = NULL;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pam.sshconn = bad[i];
		pam.nlog = 0;
		if (bad[i][0] == '\0') {
			/* empty means unset: console, unless PAM_RHOST says otherwise */
			pam.rhost = "10.0.0.2";
			run(0, DENY, NULL);
			assert_true(logged("reason=no_ssh_connection"));
			pam.rhost = NULL;
			continue;
		}
		run(0, DENY, NULL);
		assert_true(logged("reason=bad_ssh_connection"));
	}
	assert_int_equal(nreq(), 0);
}

static void test_ipv6(void **state)
{
	(void)state;
	pam.rhost = "2001:db8::2";
	pam.sshconn = "2001:db8::2 40000 2001:db8::1 22";
	run(0, PAM_SUCCESS, PAM_SUCCESS, NULL);
	assert_non_null(strstr(srv.req, "\nrhost=2001:db8::2\n"));
	assert_non_null(strstr(srv.req, "\nladdr=2001:db8::1\n"));

	/* written differently, same address: canonical form goes to spad */
	pam.rhost = "2001:0db8:0000::2";
	pam.sshconn = "2001:DB8:0::2 40000 2001:db8::1 22";
	run(0, PAM_SUCCESS, PAM_SUCCESS, NULL);
	assert_non_null(strstr(srv.req, "\nrhost=2001:db8::2\n"));

	/* IPv4-mapped is the IPv4 address */
	pam.rhost = "10.0.0.2";
	pam.sshconn = "::ffff:10.0.0.2 40000 ::ffff:10.0.0.1 22";
	run(0, PAM_SUCCESS, PAM_SUCCESS, NULL);
	assert_non_null(strstr(srv.req, "\nrhost=10.0.0.2\n"));

	/* another IPv6 host gets nothing */
	pam.rhost = "2001:db8::3";
	pam.sshconn = "2001:db8::3 40000 2001:db8::1 22";
	run(0, DENY, NULL);
	assert_true(logged("reason=no_grant"));
}

static void test_bad_user(void **state)
{
	(void)state;
	pam.user = NULL;
	run(0, DENY, NULL);
	assert_true(logged("reason=no_user"));
	pam.user = "";
	run(0, DENY, NULL);
	pam.user = "alice\nuser=bob";	/* would smuggle a second user line */
	pam.nlog = 0;
	run(0, DENY, NULL);
	assert_true(logged("reason=bad_user_name"));
	assert_int_equal(nreq(), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_exports_only_pam_sm),
		T(test_success),
		T(test_grace_sent),
		T(test_rhost_hostname),
		T(test_deny_no_grant),
		T(test_deny_wrong_user),
		T(test_deny_expired),
		T(test_spad_error),
		T(test_unreachable),
		T(test_closed_without_answer),
		T(test_malformed_answers),
		T(test_timeout),
		T(test_console_ignore),
		T(test_console_strict),
		T(test_rhost_without_ssh_connection),
		T(test_rhost_mismatch),
		T(test_unknown_option_denies),
		T(test_bad_ssh_connection),
		T(test_ipv6),
		T(test_bad_user),
	};

	return cmocka_run_group_tests_name("pam_spa", tests, group_setup, group_teardown);
}
