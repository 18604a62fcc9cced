/*
 * main.c - spa-knock command line: parse options, dispatch to a mode.
 *
 *   spa-knock [options] HOST PORT          ProxyCommand: knock, connect, relay
 *   spa-knock [options] send HOST PORT     knock only
 *   spa-knock --check HOST PORT            is the port open (exit 0) or not (exit 1)
 *   spa-knock --public-ip                  print the public address (HTTPS)
 *   spa-knock --local-ip [HOST]            print the source address toward HOST
 *   spa-knock --generate-seed              print a fresh seed
 *   spa-knock --import FILE                install a credential from spa-admin export
 *
 * Exit statuses: see knock.h.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "cred.h"
#include "knock.h"
#include "pubip.h"
#include "spa_client.h"
#include "spa_err.h"
#include "spa_util.h"

enum {
	OPT_CHECK = 256, OPT_PUBLIC_IP, OPT_LOCAL_IP, OPT_GENSEED, OPT_IMPORT, OPT_ALLOW_IP,
	OPT_ALLOW_PUBLIC, OPT_IP_URL, OPT_CA_FILE, OPT_SAVE_PWKEY, OPT_WINDOW, OPT_FORCE, OPT_HOSTS,
};

static const struct option long_opts[] = {
	{ "cred", required_argument, NULL, 'c' },
	{ "timeout", required_argument, NULL, 't' },
	{ "udp", no_argument, NULL, 'u' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "public-ip", no_argument, NULL, OPT_PUBLIC_IP },
	{ "local-ip", no_argument, NULL, OPT_LOCAL_IP },
	{ "generate-seed", no_argument, NULL, OPT_GENSEED },
	{ "import", required_argument, NULL, OPT_IMPORT },
	{ "allow-ip", required_argument, NULL, OPT_ALLOW_IP },
	{ "allow-public-ip", no_argument, NULL, OPT_ALLOW_PUBLIC },
	{ "ip-url", required_argument, NULL, OPT_IP_URL },
	{ "ca-file", required_argument, NULL, OPT_CA_FILE },
	{ "save-password-key", no_argument, NULL, OPT_SAVE_PWKEY },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "hosts", required_argument, NULL, OPT_HOSTS },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *f)
{
	fputs("usage: spa-knock [options] HOST PORT         knock, connect and relay (ssh ProxyCommand)\n"
	    "       spa-knock [options] send HOST PORT    knock only\n"
	    "       spa-knock --check HOST PORT           exit 0 if the port answers, 1 if not\n"
	    "       spa-knock --public-ip [--ip-url URL]  print the public address\n"
	    "       spa-knock --local-ip [HOST]           print the source address toward HOST\n"
	    "       spa-knock --generate-seed             print a new seed (64 hex digits)\n"
	    "       spa-knock --import FILE [--hosts LIST] [--force]\n"
	    "options: -c FILE  credential file (default: the one in ~/.config/spa-knock matching HOST)\n"
	    "         --allow-ip ADDR | --allow-public-ip   address to open for (default: the datagram's source)\n"
	    "         -t SEC   give up after SEC seconds (default 20)   --window MS  connect time per knock (default 3000)\n"
	    "         --save-password-key   keep the derived password key in the credential\n"
	    "         -u       ask for a UDP port (send mode)   -v  verbose   --ca-file FILE  CA bundle for --ip-url\n", f);
}

/* Parse a decimal in [min, max]; 0 or -1. */
static int
parse_int(const char *s, long min, long max, int *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

static int
parse_port(const char *s, uint16_t *port)
{
	if (spa_port_parse(s, port) != 0) {
		knock_msg("bad port '%s': expected a number from 1 to 65535", s);
		return -1;
	}
	return 0;
}

static int
do_check(const char *host, const char *portstr, int window_ms)
{
	struct sockaddr_storage a;
	socklen_t alen;
	char err[128];
	uint16_t port;
	int r;

	if (parse_port(portstr, &port) != 0)
		return KX_USAGE;
	if (spa_resolve(host, port, AF_UNSPEC, &a, &alen, err, sizeof(err)) != 0) {
		knock_msg("cannot resolve %s: %s", host, err);
		return KX_RESOLVE;
	}
	r = spa_port_is_open((struct sockaddr *)&a, alen, window_ms);
	if (r < 0) {
		knock_msg("cannot test %s port %u: %s", host, (unsigned)port, spa_strerror(r));
		return KX_SYSTEM;
	}
	printf("%s port %u is %s\n", host, (unsigned)port, r ? "open" : "closed");
	return r ? KX_OK : KX_CLOSED;
}

static int
print_ip(const uint8_t ip[16])
{
	char text[64];

	if (spa_ip_format(ip, text, sizeof(text)) != 0)
		return KX_SYSTEM;
	printf("%s\n", text);
	return KX_OK;
}

static int
do_local_ip(const char *host, const char *cred_path)
{
	struct sockaddr_storage a;
	socklen_t alen;
	struct cred c;
	char err[CRED_ERRLEN];
	uint8_t ip[16];
	uint16_t port = SPA_DEFAULT_PORT;
	int rc;

	memset(&c, 0, sizeof(c));
	if (host == NULL) {
		if (cred_path == NULL) {
			knock_msg("--local-ip needs a HOST or -c FILE");
			return KX_USAGE;
		}
		if (cred_load(&c, cred_path, err) != 0) {
			knock_msg("%s", err);
			return KX_CRED;
		}
		host = c.server;
		port = c.spa_port;
	}
	rc = spa_resolve(host, port, AF_UNSPEC, &a, &alen, err, sizeof(err));
	if (rc != 0) {
		knock_msg("cannot resolve %s: %s", host, err);
		cred_wipe(&c);
		return KX_RESOLVE;
	}
	rc = spa_local_ip((struct sockaddr *)&a, alen, ip);
	cred_wipe(&c);
	if (rc != 0) {
		knock_msg("no route to %s", host);
		return KX_SYSTEM;
	}
	return print_ip(ip);
}

static int
do_import(const char *src, const char *hosts, int force)
{
	char dir[4096], out[4200], err[CRED_ERRLEN];

	if (cred_dir(dir, sizeof(dir)) != 0) {
		knock_msg("cannot find the credential directory: HOME is not set");
		return KX_CRED;
	}
	if (cred_import(src, dir, hosts, force, out, sizeof(out), err) != 0) {
		knock_msg("%s", err);
		return KX_CRED;
	}
	printf("%s\n", out);
	return KX_OK;
}

int
main(int argc, char **argv)
{
	struct knock_opts o;
	const char *import = NULL, *hosts = NULL, *url = PUBIP_DEFAULT_URL;
	int ch, mode = 0, force = 0, nargs;
	char seed[65], err[256];
	uint8_t ip[16];

	/*
	 * Before any secret is read: no core dump may carry the seeds or the
	 * password key (PR_SET_DUMPABLE 0 also keeps other processes of the user
	 * from ptrace-attaching and from reading /proc/PID/mem), and a core limit
	 * of 0 covers a kernel configured to dump non-dumpable processes anyway
	 * (fs.suid_dumpable = 2).  Both are inherited by the commit child; an
	 * askpass program gets its own back through execve.
	 */
	{
		const struct rlimit none = { 0, 0 };

		(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		(void)setrlimit(RLIMIT_CORE, &none);
	}
	memset(&o, 0, sizeof(o));
	opterr = 0;	/* one line of our own instead of getopt's plus the usage */
	o.protocol = SPA_PROTO_TCP;
	o.timeout_s = 20;
	o.window_ms = 3000;
	while ((ch = getopt_long(argc, argv, "+c:t:uvhV", long_opts, NULL)) != -1) {
		switch (ch) {
		case 'c': o.cred_path = optarg; break;
		case 't':
			if (parse_int(optarg, 1, 3600, &o.timeout_s) != 0) {
				knock_msg("-t: bad timeout '%s' (1..3600 seconds)", optarg);
				return KX_USAGE;
			}
			break;
		case OPT_WINDOW:
			if (parse_int(optarg, 50, 60000, &o.window_ms) != 0) {
				knock_msg("--window: bad value '%s' (50..60000 ms)", optarg);
				return KX_USAGE;
			}
			break;
		case 'u': o.protocol = SPA_PROTO_UDP; break;
		case 'v': o.verbose = 1; break;
		case 'h': usage(stdout); return KX_OK;
		case 'V': printf("spa-knock %s\n", PACKAGE_VERSION); return KX_OK;
		case OPT_CHECK: case OPT_PUBLIC_IP: case OPT_LOCAL_IP: case OPT_GENSEED:
			if (mode != 0 && mode != ch) {
				knock_msg("only one of --check, --public-ip, --local-ip, --generate-seed, --import");
				return KX_USAGE;
			}
			mode = ch;
			break;
		case OPT_IMPORT: import = optarg; mode = mode ? -1 : OPT_IMPORT; break;
		case OPT_ALLOW_IP:
			if (spa_ip_parse(optarg, o.allow_ip) != 0 || spa_is_zero(o.allow_ip, 16)) {
				knock_msg("--allow-ip: '%s' is not an IPv4 or IPv6 address", optarg);
				return KX_USAGE;
			}
			o.have_allow_ip = 1;
			break;
		case OPT_ALLOW_PUBLIC: o.allow_public = 1; break;
		case OPT_IP_URL: url = optarg; break;
		case OPT_CA_FILE: o.ca_file = optarg; break;
		case OPT_SAVE_PWKEY: o.save_pwkey = 1; break;
		case OPT_FORCE: force = 1; break;
		case OPT_HOSTS: hosts = optarg; break;
		default:
			knock_msg("unknown option or missing argument: '%s' (see --help)", argv[optind - 1]);
			return KX_USAGE;
		}
	}
	o.ip_url = url;
	nargs = argc - optind;
	if (mode < 0) {
		knock_msg("--import cannot be combined with another mode");
		return KX_USAGE;
	}
	if (o.have_allow_ip && o.allow_public) {
		knock_msg("--allow-ip and --allow-public-ip exclude each other");
		return KX_USAGE;
	}
	switch (mode) {
	case OPT_CHECK:
		if (nargs != 2) {
			knock_msg("--check needs HOST PORT");
			return KX_USAGE;
		}
		return do_check(argv[optind], argv[optind + 1], o.window_ms);
	case OPT_PUBLIC_IP:
		if (nargs != 0) {
			knock_msg("--public-ip takes no arguments");
			return KX_USAGE;
		}
		if (pubip_get(url, o.ca_file, 5000, ip, err, sizeof(err)) != 0) {
			knock_msg("cannot find the public address: %s", err);
			return KX_PUBIP;
		}
		return print_ip(ip);
	case OPT_LOCAL_IP:
		if (nargs > 1) {
			knock_msg("--local-ip takes at most one HOST");
			return KX_USAGE;
		}
		return do_local_ip(nargs ? argv[optind] : NULL, o.cred_path);
	case OPT_GENSEED:
		if (nargs != 0 || spa_seed_hex(seed) != 0) {
			knock_msg(nargs ? "--generate-seed takes no arguments" : "no randomness available");
			return nargs ? KX_USAGE : KX_SYSTEM;
		}
		printf("%s\n", seed);
		return KX_OK;
	case OPT_IMPORT:
		if (nargs != 0) {
			knock_msg("--import takes only FILE");
			return KX_USAGE;
		}
		return do_import(import, hosts, force);
	default:
		break;
	}
	if (nargs == 3 && strcmp(argv[optind], "send") == 0) {
		optind++;
		nargs--;
	} else {
		o.proxy = 1;
	}
	if (nargs != 2) {
		knock_msg("expected HOST PORT (see --help)");
		return KX_USAGE;
	}
	if (o.proxy && o.protocol != SPA_PROTO_TCP) {
		knock_msg("-u (UDP) works only with send: ProxyCommand carries a TCP stream");
		return KX_USAGE;
	}
	o.host = argv[optind];
	if (*o.host == '\0') {
		knock_msg("empty host name");
		return KX_USAGE;
	}
	if (parse_port(argv[optind + 1], &o.port) != 0)
		return KX_USAGE;
	return knock_main(&o);
}
