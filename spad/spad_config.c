/*
 * config.c - spad.conf into struct spad_config: the key list, defaults,
 * and validation of every value, each error as "file:line: what".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "spa_conf.h"
#include "spa_crypto.h"
#include "spa_err.h"
#include "spa_pkt.h"
#include "spad_config.h"

static const char *const known_keys[] = {
	"interface", "block_all", "change_seeds", "allowed_ips", "fw_label", "db_host", "db_user",
	"db_password", "db_password_file", "db_name", "db_port", "db_socket", "db_path", "store",
	"firewall", "spa_port", "pcap_filter", "open_timeout", "max_packet_age", "hotp_window",
	"protect", "control_socket", "user", "server_key", "pid_file", "log_level", "gateway",
	"reconcile_interval", NULL
};

const char *
spad_store_name(enum spad_store_kind k)
{
	return k == SPAD_STORE_MARIADB ? "mariadb" : "sqlite";
}

const char *
spad_fw_name(enum spad_fw_kind k)
{
	return k == SPAD_FW_IPTABLES ? "iptables" : "nftables";
}

static int
dup_into(char **dst, const char *src)
{
	free(*dst);
	*dst = NULL;
	if (src == NULL)
		return 0;
	*dst = strdup(src);
	return *dst == NULL ? SPA_ERR_NOMEM : 0;
}

int
spad_config_defaults(struct spad_config *c)
{
	char host[256];

	memset(c, 0, sizeof(*c));
	c->spa_port = SPA_DEFAULT_PORT;
	c->open_timeout = 30;
	c->reconcile_interval = 30;
	c->max_packet_age = 120;
	c->hotp_window = 1000;
	c->change_seeds = 1;
	c->firewall = SPAD_FW_NFTABLES;
	c->store = SPAD_STORE_SQLITE;
	c->log_level = LOG_INFO;
	c->protect[0].proto = SPA_PROTO_TCP;
	c->protect[0].port = 22;
	c->n_protect = 1;
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = 0;
	host[63] = 0;	/* the grants/audit column holds 63 */
	if (dup_into(&c->fw_label, "spad") || dup_into(&c->db_path, SPAD_DB_PATH_DEFAULT) ||
	    dup_into(&c->db_name, "spad") || dup_into(&c->server_key, SPAD_SERVER_KEY_DEFAULT) ||
	    dup_into(&c->control_socket, SPAD_CTL_DEFAULT) || dup_into(&c->pid_file, SPAD_PID_DEFAULT) ||
	    dup_into(&c->gateway, host)) {
		spad_config_free(c);
		return SPA_ERR_NOMEM;
	}
	return 0;
}

void
spad_config_free(struct spad_config *c)
{
	char **strs[] = { &c->file, &c->interface, &c->pcap_filter, &c->fw_label, &c->db_path,
	    &c->db_host, &c->db_user, &c->db_password_file, &c->db_name, &c->db_socket,
	    &c->server_key, &c->control_socket, &c->user, &c->pid_file, &c->gateway };
	size_t i;

	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		free(*strs[i]);
		*strs[i] = NULL;
	}
	if (c->db_password != NULL)
		spa_freezero(c->db_password, strlen(c->db_password));
	c->db_password = NULL;
}

/* allowed_ips = 10.0.0.0/8, 2001:db8::1, 192.0.2.7 */
static int
parse_cidrs(const struct spa_conf *cf, const char *v, struct spad_config *c, char *err)
{
	char buf[1024], *tok, *save = NULL, *slash, *end;
	struct spad_cidr *d;
	unsigned long pfx;
	int v4;

	if (strlen(v) >= sizeof(buf)) {
		spa_conf_errf(cf, "allowed_ips", err, "allowed_ips: list too long");
		return SPA_ERR_CONF_VALUE;
	}
	snprintf(buf, sizeof(buf), "%s", v);
	c->n_allowed_ips = 0;
	for (tok = strtok_r(buf, ", \t", &save); tok != NULL; tok = strtok_r(NULL, ", \t", &save)) {
		if (c->n_allowed_ips == SPAD_MAX_ALLOWED_IPS) {
			spa_conf_errf(cf, "allowed_ips", err, "allowed_ips: more than %d entries",
			    SPAD_MAX_ALLOWED_IPS);
			return SPA_ERR_CONF_VALUE;
		}
		d = &c->allowed_ips[c->n_allowed_ips];
		slash = strchr(tok, '/');
		if (slash != NULL)
			*slash++ = 0;
		if (tok[0] == 0 || spa_ip_parse(tok, d->addr) != 0) {
			spa_conf_errf(cf, "allowed_ips", err, "allowed_ips: '%s' is not an address", tok);
			return SPA_ERR_CONF_VALUE;
		}
		v4 = spa_ip_is_v4(d->addr);
		d->prefix = 128;
		if (slash != NULL) {
			errno = 0;
			pfx = strtoul(slash, &end, 10);
			if (*slash < '0' || *slash > '9' || *end != 0 || errno != 0 ||
			    pfx > (v4 ? 32UL : 128UL)) {
				spa_conf_errf(cf, "allowed_ips", err, "allowed_ips: bad prefix '/%s'",
				    slash);
				return SPA_ERR_CONF_VALUE;
			}
			d->prefix = (unsigned)pfx + (v4 ? 96 : 0);
		}
		c->n_allowed_ips++;
	}
	return 0;
}

static int
parse_level(const char *v, int *out)
{
	static const struct { const char *name; int level; } levels[] = {
		{ "err", LOG_ERR }, { "error", LOG_ERR }, { "warning", LOG_WARNING },
		{ "notice", LOG_NOTICE }, { "info", LOG_INFO }, { "debug", LOG_DEBUG },
	};
	size_t i;

	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (strcmp(v, levels[i].name) == 0) {
			*out = levels[i].level;
			return 0;
		}
	return SPA_ERR_CONF_VALUE;
}

/* Fill c from the parsed file; c holds the defaults. */
static int
config_fill(struct spad_config *c, const struct spa_conf *cf, char *err)
{
	static const struct { const char *key; size_t off; } strkeys[] = {
		{ "interface", offsetof(struct spad_config, interface) },
		{ "pcap_filter", offsetof(struct spad_config, pcap_filter) },
		{ "fw_label", offsetof(struct spad_config, fw_label) },
		{ "db_path", offsetof(struct spad_config, db_path) },
		{ "db_host", offsetof(struct spad_config, db_host) },
		{ "db_user", offsetof(struct spad_config, db_user) },
		{ "db_password_file", offsetof(struct spad_config, db_password_file) },
		{ "db_name", offsetof(struct spad_config, db_name) },
		{ "db_socket", offsetof(struct spad_config, db_socket) },
		{ "server_key", offsetof(struct spad_config, server_key) },
		{ "control_socket", offsetof(struct spad_config, control_socket) },
		{ "user", offsetof(struct spad_config, user) },
		{ "pid_file", offsetof(struct spad_config, pid_file) },
		{ "gateway", offsetof(struct spad_config, gateway) },
	};
	const char *v;
	uint64_t u;
	size_t i, bad = 0;
	int rc;

	for (i = 0; i < sizeof(strkeys) / sizeof(strkeys[0]); i++) {
		v = spa_conf_get(cf, strkeys[i].key, NULL);
		if (v == NULL)
			continue;
		if (v[0] == 0) {
			spa_conf_errf(cf, strkeys[i].key, err, "%s: empty value", strkeys[i].key);
			return SPA_ERR_CONF_VALUE;
		}
		if (dup_into((char **)((char *)c + strkeys[i].off), v) != 0)
			return SPA_ERR_NOMEM;
	}
	if (c->fw_label != NULL && strlen(c->fw_label) > 24) {
		spa_conf_errf(cf, "fw_label", err, "fw_label: at most 24 characters");
		return SPA_ERR_CONF_VALUE;
	}
	if (c->gateway != NULL && strlen(c->gateway) > 63) {
		spa_conf_errf(cf, "gateway", err, "gateway: at most 63 characters");
		return SPA_ERR_CONF_VALUE;
	}
	if ((v = spa_conf_get(cf, "store", NULL)) != NULL) {
		if (strcmp(v, "sqlite") == 0)
			c->store = SPAD_STORE_SQLITE;
		else if (strcmp(v, "mariadb") == 0)
			c->store = SPAD_STORE_MARIADB;
		else {
			spa_conf_errf(cf, "store", err, "store: '%s' is neither sqlite nor mariadb", v);
			return SPA_ERR_CONF_VALUE;
		}
	}
	if ((v = spa_conf_get(cf, "firewall", NULL)) != NULL) {
		if (strcmp(v, "nftables") == 0)
			c->firewall = SPAD_FW_NFTABLES;
		else if (strcmp(v, "iptables") == 0)
			c->firewall = SPAD_FW_IPTABLES;
		else {
			spa_conf_errf(cf, "firewall", err,
			    "firewall: '%s' is neither nftables nor iptables", v);
			return SPA_ERR_CONF_VALUE;
		}
	}
	if ((rc = spa_conf_get_bool(cf, "block_all", 0, &c->block_all, err)) != 0 ||
	    (rc = spa_conf_get_bool(cf, "change_seeds", 1, &c->change_seeds, err)) != 0)
		return rc;
	if ((rc = spa_conf_get_uint(cf, "spa_port", 1, 65535, SPA_DEFAULT_PORT, &u, err)) != 0)
		return rc;
	c->spa_port = (uint16_t)u;
	if ((rc = spa_conf_get_uint(cf, "db_port", 1, 65535, 3306, &u, err)) != 0)
		return rc;
	c->db_port = spa_conf_get(cf, "db_port", NULL) != NULL ? (uint16_t)u : 0;
	if ((rc = spa_conf_get_uint(cf, "open_timeout", 1, 3600, 30, &u, err)) != 0)
		return rc;
	c->open_timeout = (unsigned)u;
	if ((rc = spa_conf_get_uint(cf, "max_packet_age", 1, 86400, 120, &u, err)) != 0)
		return rc;
	c->max_packet_age = (unsigned)u;
	if ((rc = spa_conf_get_uint(cf, "hotp_window", 1, 100000, 1000, &u, err)) != 0)
		return rc;
	c->hotp_window = (unsigned)u;
	if ((rc = spa_conf_get_uint(cf, "reconcile_interval", 1, 3600, 30, &u, err)) != 0)
		return rc;
	c->reconcile_interval = (unsigned)u;
	if ((v = spa_conf_get(cf, "allowed_ips", NULL)) != NULL &&
	    (rc = parse_cidrs(cf, v, c, err)) != 0)
		return rc;
	if ((v = spa_conf_get(cf, "protect", NULL)) != NULL &&
	    spa_ports_parse(v, c->protect, SPAD_MAX_PROTECT, &c->n_protect, &bad) != 0) {
		spa_conf_errf(cf, "protect", err,
		    "protect: item %zu of '%s' is not a port (tcp/22, udp/53, 443)", bad + 1, v);
		return SPA_ERR_CONF_VALUE;
	}
	if ((v = spa_conf_get(cf, "log_level", NULL)) != NULL && parse_level(v, &c->log_level) != 0) {
		spa_conf_errf(cf, "log_level", err,
		    "log_level: '%s' is not one of err, warning, notice, info, debug", v);
		return SPA_ERR_CONF_VALUE;
	}
	if ((v = spa_conf_get(cf, "db_password", NULL)) != NULL) {
		if (spa_conf_get(cf, "db_password_file", NULL) != NULL) {
			spa_conf_errf(cf, "db_password", err,
			    "db_password and db_password_file both given: keep one");
			return SPA_ERR_CONF_VALUE;
		}
		if ((c->db_password = strdup(v)) == NULL)
			return SPA_ERR_NOMEM;
	}
	return 0;
}

int
spad_config_parse(struct spad_config *c, const char *name, const char *text, size_t len,
    char err[SPAD_CONF_ERRLEN])
{
	struct spa_conf cf;
	int rc;

	memset(&cf, 0, sizeof(cf));
	if ((rc = spad_config_defaults(c)) != 0) {
		snprintf(err, SPAD_CONF_ERRLEN, "out of memory");
		return rc;
	}
	rc = spa_conf_parse(&cf, name, text, len, known_keys, err);
	if (rc == 0)
		rc = config_fill(c, &cf, err);
	if (rc == 0)
		rc = dup_into(&c->file, name);
	spa_conf_free(&cf);
	if (rc != 0)
		spad_config_free(c);
	return rc;
}

/* db_password_file: first line of a 0600 file, trailing newline dropped. */
static int
read_db_password(struct spad_config *c, char *err)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	rc = spa_file_read(c->db_password_file, 4096, 1, &data, &len);
	if (rc != 0) {
		snprintf(err, SPAD_CONF_ERRLEN, "%s: db_password_file %s: %s", c->file,
		    c->db_password_file, rc == SPA_ERR_SYSTEM ? strerror(errno) : spa_strerror(rc));
		return rc;
	}
	data[strcspn(data, "\r\n")] = 0;
	c->db_password = strdup(data);
	spa_freezero(data, len);
	return c->db_password == NULL ? SPA_ERR_NOMEM : 0;
}

int
spad_config_load(struct spad_config *c, const char *path, char err[SPAD_CONF_ERRLEN])
{
	char *text = NULL;
	size_t len = 0;
	struct stat sb;
	int rc;

	memset(c, 0, sizeof(*c));
	rc = spa_file_read(path, 1 << 20, 0, &text, &len);
	if (rc != 0) {
		snprintf(err, SPAD_CONF_ERRLEN, "%s: %s", path,
		    rc == SPA_ERR_SYSTEM ? strerror(errno) : spa_strerror(rc));
		return rc;
	}
	rc = spad_config_parse(c, path, text, len, err);
	spa_freezero(text, len);
	if (rc != 0)
		return rc;
	/* A password in the file itself: the file is then a secret. */
	if (c->db_password != NULL && stat(path, &sb) == 0 && (sb.st_mode & 077) != 0) {
		snprintf(err, SPAD_CONF_ERRLEN, "%s: holds db_password but is readable by group/others"
		    " (chmod 600, or use db_password_file)", path);
		spad_config_free(c);
		return SPA_ERR_FILE_PERM;
	}
	if (c->db_password_file != NULL && (rc = read_db_password(c, err)) != 0) {
		spad_config_free(c);
		return rc;
	}
	return 0;
}
