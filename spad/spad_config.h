/*
 * config.h - spad.conf: every key DESIGN.md names, parsed with spa_conf,
 * validated (errors read "file:line: what"), defaults filled in.  spad and
 * spa-admin share it.  (Not autoconf's config.h: code in spad/ gets its
 * HAVE_* switches from the command line, see store.am.)
 */
#ifndef SPAD_CONFIG_H
#define SPAD_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include "spa_util.h"

#define SPAD_CONF_DEFAULT	"/etc/spad/spad.conf"
#define SPAD_SERVER_KEY_DEFAULT	"/etc/spad/server.key"
#define SPAD_DB_PATH_DEFAULT	"/var/lib/spad/spad.db"
#define SPAD_CTL_DEFAULT	"/run/spad/control.sock"
#define SPAD_PID_DEFAULT	"/run/spad/spad.pid"
#define SPAD_CONF_ERRLEN	512
#define SPAD_MAX_ALLOWED_IPS	64
#define SPAD_MAX_PROTECT	32

enum spad_store_kind { SPAD_STORE_SQLITE = 0, SPAD_STORE_MARIADB = 1 };
enum spad_fw_kind { SPAD_FW_NFTABLES = 0, SPAD_FW_IPTABLES = 1 };

/* An allowed_ips item: address and prefix length (128 for a host; IPv4 as ::ffff:a.b.c.d/96+n). */
struct spad_cidr {
	uint8_t addr[16];
	unsigned prefix;
};

/* Every string is malloc'd (or NULL when unset and without default); free with spad_config_free. */
struct spad_config {
	char *file;			/* path it was read from */
	/* capture and protocol */
	char *interface;		/* NULL: any */
	uint16_t spa_port;		/* 62201 */
	char *pcap_filter;		/* NULL: built from spa_port */
	unsigned open_timeout;		/* s, 30 */
	unsigned max_packet_age;	/* s, 120 */
	unsigned hotp_window;		/* 1000 */
	int change_seeds;		/* yes */
	/* firewall */
	enum spad_fw_kind firewall;	/* nftables */
	unsigned reconcile_interval;	/* s, 30: firewall checked against spad's grants */
	char *fw_label;			/* "spad" */
	int block_all;			/* no */
	struct spad_cidr allowed_ips[SPAD_MAX_ALLOWED_IPS];
	size_t n_allowed_ips;
	struct spa_portspec protect[SPAD_MAX_PROTECT];	/* default tcp/22 */
	size_t n_protect;
	/* store */
	enum spad_store_kind store;	/* sqlite */
	char *db_path;			/* SQLite file, /var/lib/spad/spad.db */
	char *db_host;			/* MariaDB; NULL + db_socket NULL: localhost default socket */
	char *db_user;
	char *db_password;		/* SECRET: from db_password or db_password_file; wiped on free */
	char *db_password_file;
	char *db_name;			/* "spad" */
	uint16_t db_port;		/* 0: default 3306 */
	char *db_socket;
	char *server_key;		/* /etc/spad/server.key */
	/* daemon */
	char *control_socket;		/* /run/spad/control.sock */
	char *user;			/* run-as user, NULL: stay root (spad decides) */
	char *pid_file;
	char *gateway;			/* this gateway's name in grants/audit; default: host name */
	int log_level;			/* syslog level, LOG_INFO */
};

/* Fill c with every default (no file read).  0 or SPA_ERR_NOMEM. */
int spad_config_defaults(struct spad_config *c);

/*
 * Read path (spa_conf_load: unknown keys, duplicates, bad values are errors),
 * validate every key and fill c; db_password_file is read here (secret file
 * checks).  A missing file is an error.  On failure c is freed and err holds
 * "file:line: what is wrong".  0 or SPA_ERR_CONF_* / SPA_ERR_*.
 */
int spad_config_load(struct spad_config *c, const char *path, char err[SPAD_CONF_ERRLEN]);

/* Parse text[len] as if read from file name (for tests; no db_password_file read). */
int spad_config_parse(struct spad_config *c, const char *name, const char *text, size_t len,
    char err[SPAD_CONF_ERRLEN]);

/* Free every string, wiping db_password.  c may be partly filled. */
void spad_config_free(struct spad_config *c);

/* "sqlite"/"mariadb", "nftables"/"iptables". */
const char *spad_store_name(enum spad_store_kind k);
const char *spad_fw_name(enum spad_fw_kind k);

#endif /* SPAD_CONFIG_H */
