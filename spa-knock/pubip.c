/*
 * pubip.c - public address lookup over HTTPS (see pubip.h).
 *
 * Only https:// is allowed, redirects included: the answer decides which
 * address the firewall opens for, so it must not come from whoever sits on
 * the path.  The body is capped at 256 bytes.
 *
 * libcurl is loaded with dlopen only when an address is asked for: linked
 * in, it and its dependencies (GnuTLS, Kerberos, LDAP, ...) cost about
 * 2.5 ms at every start of spa-knock, i.e. on every ssh login, for a lookup
 * most logins never make.  Compiled against curl.h, so the types and
 * constants are checked; the soname is libcurl's ABI 4.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#ifdef HAVE_CURL
#include <curl/curl.h>
#include <dlfcn.h>
#endif

#include "pubip.h"
#include "spa_err.h"
#include "spa_util.h"

#ifdef HAVE_CURL
#define PUBIP_CURL_SONAME "libcurl.so.4"

/* The libcurl functions pubip uses, resolved by pubip_curl_load. */
static struct {
	CURLcode (*global_init)(long);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_cleanup)(CURL *);
	const char *(*easy_strerror)(CURLcode);
} pc;

/* dlopen libcurl and resolve pc (once). 0 or SPA_ERR_HTTP with a reason in err. */
static int
pubip_curl_load(char *err, size_t errlen)
{
	static void *lib;
	const char *e;

	if (lib != NULL)
		return 0;
	if ((lib = dlopen(PUBIP_CURL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		snprintf(err, errlen, "cannot load %s (install libcurl4): %s", PUBIP_CURL_SONAME,
		    e != NULL ? e : "not found");
		return SPA_ERR_HTTP;
	}
	/* POSIX: a data pointer from dlsym converts to a function pointer. */
	*(void **)&pc.global_init = dlsym(lib, "curl_global_init");
	*(void **)&pc.easy_init = dlsym(lib, "curl_easy_init");
	*(void **)&pc.easy_setopt = dlsym(lib, "curl_easy_setopt");
	*(void **)&pc.easy_perform = dlsym(lib, "curl_easy_perform");
	*(void **)&pc.easy_getinfo = dlsym(lib, "curl_easy_getinfo");
	*(void **)&pc.easy_cleanup = dlsym(lib, "curl_easy_cleanup");
	*(void **)&pc.easy_strerror = dlsym(lib, "curl_easy_strerror");
	if (pc.global_init == NULL || pc.easy_init == NULL || pc.easy_setopt == NULL ||
	    pc.easy_perform == NULL || pc.easy_getinfo == NULL || pc.easy_cleanup == NULL ||
	    pc.easy_strerror == NULL) {
		snprintf(err, errlen, "%s lacks a function spa-knock needs", PUBIP_CURL_SONAME);
		dlclose(lib);
		lib = NULL;
		return SPA_ERR_HTTP;
	}
	return 0;
}

struct pubip_body {
	char buf[257];
	size_t n;
	int overflow;
};

static size_t
pubip_write(char *p, size_t size, size_t nmemb, void *ud)
{
	struct pubip_body *b = ud;
	size_t n = size * nmemb;

	if (n > sizeof(b->buf) - 1 - b->n) {
		b->overflow = 1;
		return 0;	/* abort the transfer */
	}
	memcpy(b->buf + b->n, p, n);
	b->n += n;
	b->buf[b->n] = '\0';
	return n;
}

int
pubip_get(const char *url, const char *cafile, long timeout_ms, uint8_t ip[16],
    char *err, size_t errlen)
{
	struct pubip_body body;
	char curlerr[CURL_ERROR_SIZE] = "";
	char *s, *e;
	long code = 0;
	CURL *h;
	CURLcode cc;
	int rc = SPA_ERR_HTTP;

	memset(&body, 0, sizeof(body));
	if (strncmp(url, "https://", 8) != 0) {
		snprintf(err, errlen, "%s: only https:// URLs are allowed", url);
		return SPA_ERR_HTTP;
	}
	if (pubip_curl_load(err, errlen) != 0)
		return SPA_ERR_HTTP;
	if (pc.global_init(CURL_GLOBAL_DEFAULT) != 0 || (h = pc.easy_init()) == NULL) {
		snprintf(err, errlen, "libcurl failed to initialise");
		return SPA_ERR_HTTP;
	}
	pc.easy_setopt(h, CURLOPT_URL, url);
	pc.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	pc.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	pc.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	pc.easy_setopt(h, CURLOPT_MAXREDIRS, 3L);
	pc.easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	pc.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	pc.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	pc.easy_setopt(h, CURLOPT_ERRORBUFFER, curlerr);
	pc.easy_setopt(h, CURLOPT_WRITEFUNCTION, pubip_write);
	pc.easy_setopt(h, CURLOPT_WRITEDATA, &body);
	pc.easy_setopt(h, CURLOPT_USERAGENT, "spa-knock/" PACKAGE_VERSION);
	if (cafile != NULL)
		pc.easy_setopt(h, CURLOPT_CAINFO, cafile);
	cc = pc.easy_perform(h);
	if (cc != CURLE_OK) {
		snprintf(err, errlen, "%s: %s", url,
		    body.overflow ? "answer too long" : curlerr[0] ? curlerr : pc.easy_strerror(cc));
		goto out;
	}
	pc.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (code != 200) {
		snprintf(err, errlen, "%s: HTTP status %ld", url, code);
		goto out;
	}
	for (s = body.buf; isspace((unsigned char)*s); s++)
		;
	for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]); e--)
		;
	*e = '\0';
	if (*s == '\0' || spa_ip_parse(s, ip) != 0) {
		snprintf(err, errlen, "%s: answer is not an IP address", url);
		goto out;
	}
	rc = 0;
out:
	pc.easy_cleanup(h);
	return rc;
}
#else
int
pubip_get(const char *url, const char *cafile, long timeout_ms, uint8_t ip[16],
    char *err, size_t errlen)
{
	(void)url; (void)cafile; (void)timeout_ms; (void)ip;
	snprintf(err, errlen, "built without libcurl: --public-ip is not available");
	return SPA_ERR_HTTP;
}
#endif
