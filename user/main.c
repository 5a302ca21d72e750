// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * main.c - mtuguard's entry point: global options, help, dispatch.
 *
 * Exit status: 0 success, 1 runtime failure, 2 usage error.  Global
 * options (--pin-dir DIR, --lock-timeout SECONDS, -v, --json, -h/--help,
 * --version) are taken from anywhere on the command line, so "mtuguard
 * status --json" and "mtuguard --json status" both work.
 *
 * The table below is the one list of commands: the usage text is printed
 * from it, and tests/integration/test_cli_reference.sh checks the man page
 * and the bash completion against that usage text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cmd/cmd.h"
#include "log.h"
#include "pin.h"
#include "version.h" /* generated: MG_VERSION */

#define EXIT_USAGE 2
#define MG_STR_(x) #x
#define MG_STR(x) MG_STR_(x)

/* MG_VERSION holds only [0-9A-Za-z.+~] (tools/version.sh): no JSON escape
 * is needed. */
static int print_version(bool json)
{
	if (json)
		printf("{\"version\":\"%s\"}\n", MG_VERSION);
	else
		printf("mtuguard %s\n", MG_VERSION);
	return 0;
}

/* `mtuguard version`: the same as --version, as a command (bpftool's
 * spelling); it takes nothing and touches no state. */
static int cmd_version(const struct mg_ctx *ctx, int argc, char **argv)
{
	(void)argv;
	if (argc > 0)
		return mg_usage("version takes no arguments");
	return print_version(ctx->json);
}

static const struct mg_cmd commands[] = {
	{ "attach", mg_cmd_attach,
	  "mtuguard attach IFACE [--mode native|generic] [--no-egress] [--chain | --root-array ARRAY:POS]\n"
	  "  Attach XDP (native by default) and the TC programs (TCX links, or\n"
	  "  clsact filters before 6.6) to IFACE.  The first attach loads the\n"
	  "  programs and pins everything in the pin directory; the datapath\n"
	  "  keeps running after mtuguard exits.  --chain: in front of the XDP\n"
	  "  program on the hook, which gets every frame mtuguard passes;\n"
	  "  --root-array: in slot POS of a root program's array (katran).\n" },
	{ "detach", mg_cmd_detach,
	  "mtuguard detach IFACE | --all\n"
	  "  Remove exactly what attach added; after the last interface, unpin\n"
	  "  everything and remove the pin directory.  An attached interface\n"
	  "  whose device is gone goes by if<N>, as status shows it.\n" },
	{ "status", mg_cmd_status,
	  "mtuguard status [--json]\n"
	  "  Attached interfaces, MTU sources and PTB settings.\n" },
	{ "enable", mg_cmd_enable,
	  "mtuguard enable mss|ptb [--iface IFACE]\n"
	  "  Turn a feature on, on IFACE or every attached interface.\n" },
	{ "disable", mg_cmd_disable,
	  "mtuguard disable mss|ptb [--iface IFACE]\n"
	  "  Turn a feature off, on IFACE or every attached interface.\n" },
	{ "mtu", mg_cmd_mtu,
	  "mtuguard mtu add PREFIX MTU      (IPv4 68-65535, IPv6 1280-65535)\n"
	  "mtuguard mtu del PREFIX\n"
	  "mtuguard mtu list [--json]\n"
	  "mtuguard mtu default MTU|none\n"
	  "mtuguard mtu iface IFACE MTU|none\n"
	  "mtuguard mtu source map|pmtu\n"
	  "  The MSS clamp targets the smallest MTU of: the longest matching\n"
	  "  prefix of either end, the interface MTU, the default, and with\n"
	  "  'source pmtu' the route MTU towards both ends.  MSS = MTU - 40\n"
	  "  (IPv4) or MTU - 60 (IPv6).  A host address means /32 or /128.\n" },
	{ "ptb", mg_cmd_ptb,
	  "mtuguard ptb mode fib|broadcast|off [--iface IFACE]\n"
	  "mtuguard ptb min-mtu V4 V6       (V4 68-65535, V6 1280-65535)\n"
	  "mtuguard ptb rate PPS\n"
	  "mtuguard ptb forward on|off\n"
	  "mtuguard ptb errors frag|all\n"
	  "mtuguard ptb invalid pass|drop\n"
	  "  Steering of ICMP Frag Needed / Packet Too Big by the flow they quote.\n" },
	{ "stats", mg_cmd_stats,
	  "mtuguard stats [--json] [--per-cpu] [--watch SECONDS] [--reset]\n"
	  "mtuguard stats --prometheus | --textfile PATH\n"
	  "  Counters summed over all CPUs.  --watch prints per-second rates\n"
	  "  every SECONDS until interrupted; --reset prints, then zeroes them.\n"
	  "  --prometheus prints the Prometheus text format (counters, attached\n"
	  "  interfaces, prefix counts); --textfile writes it to PATH atomically\n"
	  "  (mode 0644) for node_exporter's textfile collector.\n" },
	{ "apply", mg_cmd_apply,
	  "mtuguard apply -f|--file FILE|- [--dry-run] [--allow-empty]\n"
	  "  Bring the running state to match FILE (see mtuguard(8)): attach and\n"
	  "  detach interfaces, set their modes and features, the settings and\n"
	  "  the prefixes.  The whole file is checked first; a bad file changes\n"
	  "  nothing, and a failure midway, or SIGINT, SIGTERM or SIGHUP, rolls\n"
	  "  back.  One line per change, or 'no change'.  --dry-run prints the\n"
	  "  changes without making them.  A file that names no interface would\n"
	  "  detach every one: refused unless --allow-empty.\n"
	  "  With --json: {\"dry_run\", \"changes\": [lines], \"result\"}, the\n"
	  "  result one of applied, no change, dry run, rolled back or rollback\n"
	  "  incomplete, and \"error\" when it failed.\n" },
	{ "show-config", mg_cmd_show_config,
	  "mtuguard show-config\n"
	  "  The running state in apply's file format: 'mtuguard show-config |\n"
	  "  mtuguard apply -f -' changes nothing.\n" },
	{ "version", cmd_version,
	  "mtuguard version\n"
	  "  Print the version (the same as 'mtuguard --version').\n" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage_all(FILE *f)
{
	size_t i;

	fputs("usage: mtuguard [--pin-dir DIR] [--lock-timeout SECONDS] [-v] [--json] "
	      "COMMAND [ARGS]\n\n", f);
	for (i = 0; i < NCOMMANDS; i++) {
		const char *u = commands[i].usage, *nl;

		/* The synopsis lines only (those starting "mtuguard "). */
		while (!strncmp(u, "mtuguard ", 9)) {
			nl = strchr(u, '\n');
			fprintf(f, "  %.*s\n", (int)(nl - u), u);
			u = nl + 1;
		}
	}
	fputs("\nGlobal options:\n"
	      "  --pin-dir DIR  state directory (default $" MG_PIN_DIR_ENV ", else "
	      MG_PIN_DIR_DEFAULT ");\n"
	      "                 root's only: refused if another user could change it\n"
	      "  --lock-timeout SECONDS\n"
	      "                 wait at most this long for another command that holds\n"
	      "                 the pin directory (default "
	      MG_STR(MG_LOCK_TIMEOUT_DEFAULT) ", 0: do not wait)\n"
	      "  -v, --verbose  show libbpf's messages (-vv: debug too)\n"
	      "  -j, --json     machine-readable output where data is printed, and\n"
	      "                 errors as {\"error\": ...} on stdout\n"
	      "  -h, --help     this help, or a command's: mtuguard COMMAND -h\n"
	      "  --version      print the version\n"
	      "Exit status: 0 ok, 1 failure, 2 usage error.\n", f);
}

/*
 * Pull the global options out of argv (in place), leaving the command and
 * its own words.  Returns the new argc, or -MG_EUSAGE.
 */
static int take_globals(int argc, char **argv, struct mg_ctx *ctx,
			const char **pin_dir, bool *help, bool *version,
			int *verbose)
{
	const char *timeout = NULL;
	__u32 sec;
	int i, n = 1, err;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--lock-timeout")) {
			if (i + 1 >= argc)
				return mg_usage("option '--lock-timeout' needs a value");
			if (timeout)
				return mg_usage("option '--lock-timeout' given twice");
			timeout = argv[++i];
		} else if (!strncmp(a, "--lock-timeout=", 15)) {
			if (timeout)
				return mg_usage("option '--lock-timeout' given twice");
			timeout = a + 15;
		} else if (!strcmp(a, "--pin-dir")) {
			if (i + 1 >= argc)
				return mg_usage("option '--pin-dir' needs a value");
			*pin_dir = argv[++i];
		} else if (!strncmp(a, "--pin-dir=", 10)) {
			*pin_dir = a + 10;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			(*verbose)++;
		} else if (!strcmp(a, "-vv")) {
			*verbose += 2;
		} else if (!strcmp(a, "--json") || !strcmp(a, "-j")) {
			ctx->json = true;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			*help = true;
		} else if (!strcmp(a, "--version")) {
			*version = true;
		} else {
			argv[n++] = argv[i];
		}
	}
	if (*pin_dir && !**pin_dir)
		return mg_usage("option '--pin-dir' needs a value");
	if (timeout) {
		err = mg_parse_u32(timeout, 0, MG_LOCK_TIMEOUT_MAX, &sec);
		if (err)
			return mg_usage_number("option '--lock-timeout'", "SECONDS",
					       timeout, err, 0, MG_LOCK_TIMEOUT_MAX);
		mg_pin_lock_timeout_set(sec);
	}
	return n;
}

/*
 * --json or -j anywhere among the global options, looked for before any of
 * them is parsed: an error in the others is then JSON too.  The values of
 * --pin-dir and --lock-timeout are skipped (a pin dir named "-j" is not
 * --json).
 */
static bool wants_json(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--pin-dir") || !strcmp(argv[i], "--lock-timeout"))
			i++;
		else if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
			return true;
	}
	return false;
}

/* Everything but the exit: the exit status. */
static int run(int argc, char **argv)
{
	static char pin_dir[PATH_MAX];
	struct mg_ctx ctx = { .pin_dir = pin_dir };
	const struct mg_cmd *cmd;
	const char *dir = NULL;
	bool help = false, version = false;
	int verbose = 0, err;

	argc = take_globals(argc, argv, &ctx, &dir, &help, &version, &verbose);
	if (argc < 0)
		return EXIT_USAGE;
	/* --version wins over everything else on the line, as in most tools:
	 * "mtuguard status --version" prints the version, not the status. */
	if (version)
		return print_version(ctx.json);
	mg_log_set_verbose(verbose);
	mg_log_hook_libbpf();

	if (argc < 2) {
		if (help) {
			usage_all(stdout);
			return 0;
		}
		mg_err("missing command (try 'mtuguard --help')");
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help")) {
		usage_all(stdout);
		return 0;
	}
	if (argv[1][0] == '-') {
		mg_err("unknown option '%s' (try 'mtuguard --help')", argv[1]);
		return EXIT_USAGE;
	}
	cmd = mg_cmd_find(commands, NCOMMANDS, argv[1]);
	if (!cmd) {
		mg_err("unknown command '%s' (try 'mtuguard --help')", argv[1]);
		return EXIT_USAGE;
	}
	if (help) {
		fputs("usage: ", stdout);
		fputs(cmd->usage, stdout);
		return 0;
	}
	if (cmd->run == cmd_version) /* no pin directory needed */
		return cmd_version(&ctx, argc - 2, argv + 2) ? EXIT_USAGE : 0;

	if (!dir)
		dir = getenv(MG_PIN_DIR_ENV);
	if (!dir || !*dir)
		dir = MG_PIN_DIR_DEFAULT;
	if (mg_pin_dir_check(dir, pin_dir, sizeof(pin_dir)))
		return EXIT_USAGE;

	err = cmd->run(&ctx, argc - 2, argv + 2);
	if (err == -MG_EUSAGE)
		return EXIT_USAGE;
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	int status;

	/* Unbuffered errors, line-buffered data: --watch output is live. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	mg_log_set_json(wants_json(argc, argv));
	status = run(argc, argv);
	mg_log_flush(); /* --json: the errors, as {"error": ...} */
	return status;
}
