/*
 * admin.c - spa-admin: global options and the verb table.  Each verb lives
 * in an admin-*.c file and returns its exit status (see admin.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spa_crypto.h"
#include "admin.h"

#define PW_HELP \
"  --password-file FILE  read the password from the first line of FILE (0600)\n" \
"  --password-stdin      read the password from the first line of standard input\n" \
"  Without either, the password is asked twice on /dev/tty without echo.\n"

#define CRED_HELP \
"  --out FILE            write the client's credential file (0600, atomically;\n" \
"                        \"-\" for standard output): server, spa_port, aid, seed,\n" \
"                        counter, for 'spa-knock --import FILE'\n" \
"  --server HOST         the server address in the credential (default: this host's name)\n"

static const struct admin_verb verbs[] = {
	{ "init", admin_init, "init [--to VERSION]",
"Create the server key file (server_key, 32 random bytes, mode 0600) unless it\n"
"exists, then create the store's schema (for SQLite also the db_path file, 0600).\n"
"Fails with status 3 if the store already holds a schema (use 'migrate').\n"
"  --to VERSION          stop at schema VERSION instead of the newest\n" },
	{ "migrate", admin_migrate, "migrate [--to VERSION]",
"Bring the store's schema up to the newest version this spa-admin knows (or\n"
"VERSION), applying sql/<backend>/vN.sql in order.  A store newer than this\n"
"spa-admin is refused with status 4.  Prints \"schema VERSION\" when done.\n"
"  --to VERSION          stop at schema VERSION\n" },
	{ "add", admin_add, "add [--aid AID] [--seed HEX] --user NAME[,NAME...|*] "
	    "--ports tcp/22[,...] [--any-ip] [--out FILE] [--server HOST] [password options]",
"Provision a client and print its AID.  The password is kept only as\n"
"HMAC-SHA256(server key, scrypt(password, \"spa/1 \" AID)); the seed is sealed\n"
"under the server key.\n"
"  --aid AID             the client ID, 1-32 of A-Z a-z 0-9 . _ - (default: a\n"
"                        random UUID as 32 hex digits)\n"
"  --seed HEX            the shared seed, 64 hex digits, or - to read them from\n"
"                        standard input (default: 32 random bytes)\n"
"  --user LIST           login names the client may use, comma separated, or *\n"
"  --ports LIST          ports it may open: tcp/22,udp/53,443 (bare port = tcp)\n"
"  --any-ip              the knock may name another address than its source\n"
"  --disabled            add it disabled\n"
PW_HELP CRED_HELP },
	{ "passwd", admin_passwd, "passwd AID [password options]",
"Set a new password for client AID (the client must use it from its next knock).\n"
PW_HELP },
	{ "remove", admin_remove, "remove AID",
"Delete client AID.  Its audit rows stay.\n" },
	{ "set-seed", admin_set_seed, "set-seed AID [HEX] [--out FILE] [--server HOST]",
"Replace the seed of client AID with HEX (64 hex digits; - reads them from\n"
"standard input, out of sight of ps) or, without HEX, with\n"
"32 random bytes, and forget its previous seed (a re-key: no old credential\n"
"keeps working).  A generated seed is printed unless --out writes a credential.\n"
CRED_HELP },
	{ "use-old-seed", admin_use_old_seed, "use-old-seed AID",
"Make the previous seed of client AID its current seed again (seed := prev_seed),\n"
"for a client that never learned that its last rotation happened.  Status 2 if\n"
"it has no previous seed.\n" },
	{ "enable", admin_enable, "enable AID", "Let client AID knock again.\n" },
	{ "disable", admin_disable, "disable AID",
"Stop accepting knocks from client AID (spad drops them as unknown).\n" },
	{ "list", admin_list, "list",
"One line per client: AID, state, counter, last seen, users, ports.\n" },
	{ "show", admin_show, "show AID [--show-secrets] [--audit N]",
"Every stored field of client AID as key = value, and its last accepted knocks.\n"
"Seeds are shown only with --show-secrets; the password is never recoverable.\n"
"  --show-secrets        also print seed and prev_seed in hex\n"
"  --audit N             how many audit rows to show (default 10)\n" },
	{ "export", admin_export, "export AID --out FILE [--server HOST]",
"Write a fresh credential file for client AID from the store (current seed and\n"
"the last counter the server accepted).\n" CRED_HELP },
	{ "grants", admin_live, "grants [-S PATH]",
"spad's grant records as a table: AID, source address:port (* = any port),\n"
"service port, users, created, expires, first use.  Records stay listed a while\n"
"after they expire, so pam_spa can still match a login to its knock.\n"
"  -S, --socket PATH     spad's control socket (default: control_socket of the\n"
"                        configuration file)\n" },
	{ "status", admin_live, "status [-S PATH]",
"spad's counters, one \"name = value\" per line: uptime, clients, grants,\n"
"packets, accepted knocks and every rejection reason.\n"
"  -S, --socket PATH     spad's control socket\n" },
	{ "allow", admin_live, "allow AID IP [tcp/|udp/]PORT [--sport N] [--timeout SEC] "
	    "[--users LIST] [-S PATH]",
"Open PORT for IP as if AID had knocked (the seed's add_firewall_entry): spad\n"
"adds a firewall grant and a grant record pam_spa accepts for AID's users.\n"
"  --sport N             only from TCP/UDP source port N (default: any)\n"
"  --timeout SEC         how long NEW connections may come (default: open_timeout)\n"
"  --users LIST          login names the grant allows, or * (default: the users\n"
"                        of client AID in the store)\n"
"  -S, --socket PATH     spad's control socket\n" },
	{ "established", admin_live, "established AID [IP] [--port N] [-S PATH]",
"Mark AID's live grants (from IP only, or every address; on port N only) as\n"
"used, the seed's set_client_established: NEW connections through them are\n"
"refused from now on, established ones keep working.  Status 2 if AID holds\n"
"no live grant.\n"
"  -S, --socket PATH     spad's control socket\n" },
};

static const char global_help[] =
"usage: spa-admin [-v] [-c FILE] [--sql-dir DIR] [-S PATH] VERB [ARGS]\n"
"       spa-admin VERB --help\n"
"Provision spa clients in the store spad reads (SQLite or MariaDB, from the\n"
"config file's 'store' key).\n"
"  -c FILE        configuration file (default " SPAD_CONF_DEFAULT ")\n"
"  --sql-dir DIR  read init/migrate's schema files from DIR/BACKEND/vN.sql\n"
"                 (default: $SPA_SQL_DIR, else the schema built into spa-admin)\n"
"  -S PATH        spad's control socket (default: control_socket of the\n"
"                 configuration file)\n"
"  -v             say so when spad could not be told to reload after a change\n"
"Exit status: 0 ok, 1 usage or bad input, 2 not found, 3 already exists,\n"
"4 store unreachable / unknown schema / bad server key, 5 internal error,\n"
"6 spad's control socket not available.\n"
"Verbs:\n";

static void
print_global_help(FILE *f)
{
	size_t i;

	fputs(global_help, f);
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(f, "  %s\n", verbs[i].synopsis);
}

static const struct admin_verb *
find_verb(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(verbs[i].name, name) == 0)
			return &verbs[i];
	return NULL;
}

int
admin_want_help(const char *verb, int argc, char **argv)
{
	const struct admin_verb *v = find_verb(verb);
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			printf("usage: spa-admin [-c FILE] %s\n\n%s", v->synopsis, v->help);
			return 1;
		}
	}
	return 0;
}

int
admin_usage(const char *verb)
{
	const struct admin_verb *v = find_verb(verb);

	admin_err("usage: spa-admin %s  (spa-admin %s --help)", v->synopsis, verb);
	return ADMIN_USAGE;
}

int
main(int argc, char **argv)
{
	struct admin a;
	const struct admin_verb *v;
	int i, rc;

	opterr = 0;	/* one line per error: verbs print their own usage */
	umask(077);	/* the SQLite file, its journal and every credential: owner only */
	memset(&a, 0, sizeof(a));
	a.conf_path = SPAD_CONF_DEFAULT;
	a.sql_dir = getenv("SPA_SQL_DIR");	/* NULL: the built-in schema */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			a.conf_path = argv[++i];
		else if (strcmp(argv[i], "--sql-dir") == 0 && i + 1 < argc)
			a.sql_dir = argv[++i];
		else if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0)
			a.verbose = 1;
		else if ((strcmp(argv[i], "-S") == 0 || strcmp(argv[i], "--socket") == 0) && i + 1 < argc)
			a.ctl_socket = argv[++i];
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			print_global_help(stdout);
			return ADMIN_OK;
		} else if (strcmp(argv[i], "-V") == 0 || strcmp(argv[i], "--version") == 0) {
			printf("spa-admin %s (store schema %d)\n", SPA_VERSION,
			    STORE_SCHEMA_VERSION);
			return ADMIN_OK;
		} else {
			admin_err("unknown option '%s' (spa-admin --help)", argv[i]);
			return ADMIN_USAGE;
		}
	}
	if (i == argc) {
		print_global_help(stderr);
		return ADMIN_USAGE;
	}
	v = find_verb(argv[i]);
	if (v == NULL) {
		admin_err("unknown verb '%s' (spa-admin --help)", argv[i]);
		return ADMIN_USAGE;
	}
	if (admin_want_help(v->name, argc - i, argv + i))
		return ADMIN_OK;
	rc = v->run(&a, argc - i, argv + i);
	admin_close(&a);
	return rc;
}
