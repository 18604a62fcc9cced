/*
 * pubip.c - public address lookup over HTTPS (see pubip.h).
 *
 * Only https:// is allowed, redirects included: the answer decides which
 * address the firewall opens for, so it must not come from whoever sits on
 * the path.  The body is capped at 256 bytes.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#ifdef HAVE_CURL
#include <curl/curl.h>
#endif

#include "pubip.h"
#include "spa_err.h"
#include "spa_util.h"

#ifdef HAVE_CURL
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
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || (h = curl_easy_init()) == NULL) {
		snprintf(err, errlen, "libcurl failed to initialise");
		return SPA_ERR_HTTP;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 3L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curlerr);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, pubip_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "spa-knock/" PACKAGE_VERSION);
	if (cafile != NULL)
		curl_easy_setopt(h, CURLOPT_CAINFO, cafile);
	cc = curl_easy_perform(h);
	if (cc != CURLE_OK) {
		snprintf(err, errlen, "%s: %s", url,
		    body.overflow ? "answer too long" : curlerr[0] ? curlerr : curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
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
	curl_easy_cleanup(h);
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
