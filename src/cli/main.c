/*
 * main.c — the migrate program's entry point: global options, help,
 * and dispatch to the commands.
 *
 *   migrate [-d URL] [--dir DIR] [-q|-v] COMMAND [ARGS]
 */
#include "cmd.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

typedef struct Command
{
	const char *name;
	CommandFn	fn;
	const char *args;
	const char *summary;
	CommandVariantFn variant_fn;	/* instead of fn, with variant */
	int			variant;
	bool		plain;			/* takes no options but --help, --json */
	const char *detail;			/* more for "migrate COMMAND --help", or NULL */
} Command;

#define LOCK_WAIT_HELP \
	"--lock-wait DURATION (also before the command, for every command that\n" \
	"changes the database): how long to wait for the migrate lock, in ms or\n" \
	"with ms, s or min (default: forever).  While waiting, the session that\n" \
	"holds it is named on stderr after a second and then every 5 seconds\n" \
	"(pid, application_name, state and since when, query; not with -q); when\n" \
	"the time runs out, exit 1 naming it.  On SQLite: the busy timeout.\n"

static const Command commands[] = {
	{"init", cmd_init, "", "create the migrations directory", NULL, 0, true, NULL},
	{"revision", NULL, "-m MSG [--rev-id ID] [--head H] [--branch-label L] [--depends-on R] [--splice] | -m MSG --autogenerate [--schema FILE] [--schemas LIST|all] [--rename A:B]... [--online]", "write a new revision file (--autogenerate: from the model)", cmd_revision, 0, false, NULL},
	{"migrate", NULL, "-m MSG [--rev-id ID] [--schema FILE] [--schemas LIST|all] [--rename A:B]... [--online]", "revision --autogenerate (Flask-Migrate's name)", cmd_revision, 1, false, NULL},
	{"merge", cmd_merge, "[-m MSG] [--rev-id ID] [REV...]", "write a revision merging heads (default: all)", NULL, 0, false, NULL},
	{"upgrade", NULL, "[TARGET] [--sql] [--per-revision] [--lock-timeout MS] [--lock-retries N] [--lock-wait DURATION]", "apply revisions up to TARGET (default heads); --per-revision commits after each", cmd_change, MG_OP_UPGRADE, false, LOCK_WAIT_HELP},
	{"downgrade", NULL, "[TARGET] [--sql] [--per-revision] [--lock-timeout MS] [--lock-retries N] [--lock-wait DURATION]", "revert revisions down to TARGET (default -1); --per-revision commits after each", cmd_change, MG_OP_DOWNGRADE, false, LOCK_WAIT_HELP},
	{"stamp", NULL, "TARGET [--purge] [--lock-wait DURATION]", "set the version without running anything", cmd_change, MG_OP_STAMP, false, LOCK_WAIT_HELP},
	{"current", cmd_current, "[--json]", "show the database's current revisions", NULL, 0, true, NULL},
	{"history", cmd_history, "[-r RANGE] [-i] [--json]", "list revisions, newest first", NULL, 0, false, NULL},
	{"heads", NULL, "[--json]", "list the heads of the revision graph", cmd_list_nodes, true, true, NULL},
	{"branches", NULL, "[--json]", "list branch points", cmd_list_nodes, false, true, NULL},
	{"show", cmd_show, "REV [--json]", "show one revision", NULL, 0, true, NULL},
	{"check", cmd_check, "[--schema FILE] [--schemas LIST|all] [--json]", "fail unless the database is at heads with unchanged revisions (and matches the model, if there is one)", NULL, 0, false, NULL},
	{"diff", cmd_diff, "[--schema FILE] [--schemas LIST|all] [--rename A:B]... [--online] | --from URL --to URL", "print the DDL from the database to the model (or from one database to another)", NULL, 0, false, NULL},
	{"status", cmd_status, "[--json]", "current, heads, pending revisions and problems", NULL, 0, true, NULL},
	{"drift", cmd_drift, "[--schemas LIST] [--json]", "list what changed in the schema outside migrations, with the repair SQL (exit 1 on drift)", NULL, 0, false, NULL},
	{"test", cmd_test, "[TARGET] [--schema FILE] [--scratch] [--json]", "run the migration test suite (single head, upgrade, up/down/up per revision, model) in a rolled-back transaction, on a copy (SQLite) or on a scratch database (--scratch)", NULL, 0, false, NULL},
	{"lint", cmd_lint, "[REV...] [--format text|json]", "report the statements of the upgrade sections that are dangerous on a live database (exit 1 on findings)", NULL, 0, false, NULL},
	{"push", NULL, "", "load the revision files into the database without applying them", cmd_sync, false, true, NULL},
	{"repair", NULL, "", "accept the current checksums of edited applied revisions", cmd_sync, true, true, NULL},
	{NULL, NULL, NULL, NULL, NULL, 0, false, NULL}
};

static void
usage(FILE *f)
{
	fprintf(f,
			"migrate — schema migrations for PostgreSQL and SQLite\n\n"
			"Usage: migrate [-d URL] [--dir DIR] [-q|-v] COMMAND [ARGS]\n\n"
			"Options:\n"
			"  -d, --database URL  postgresql://... or a libpq connection string (PG*\n"
			"                      variables apply), sqlite:///relative.db,\n"
			"                      sqlite:////absolute.db or sqlite:PATH\n"
			"                      (default: $DATABASE_URL)\n"
			"      --dir DIR       migrations directory (default: migrations)\n"
			"      --lock-wait DURATION\n"
			"                      how long a command that changes the database waits\n"
			"                      for the migrate lock (500ms, 5s, 1min; default:\n"
			"                      forever), saying who holds it every few seconds;\n"
			"                      exit 1 when it runs out (SQLite: the busy timeout)\n"
			"  -q, --quiet         print nothing but errors\n"
			"  -v, --verbose       say more\n"
			"      --help          this help; \"migrate COMMAND --help\" for a command\n"
			"      --version       the program's version\n\n"
			"Commands:\n");
	for (const Command *c = commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\nExit status: 0 success, 1 a migration or check failed, 2 usage or input error.\n");
}

/* "migrate COMMAND --help" */
int
command_help(const char *name)
{
	for (const Command *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
		{
			printf("Usage: migrate [-d URL] [--dir DIR] [-q|-v] %s %s\n\n%s.\n",
				   c->name, c->args, c->summary);
			if (c->detail)
				printf("\n%s", c->detail);
			return EXIT_OK;
		}
	return EXIT_USAGE;
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{"database", required_argument, NULL, 'd'},
		{"dir", required_argument, NULL, 'D'},
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"lock-wait", required_argument, NULL, 'w'},
		{NULL, 0, NULL, 0}
	};
	int			c,
				st;

	opt.url = getenv("DATABASE_URL");
	/* '+': stop at the command; its own options come after it */
	while ((c = getopt_long(argc, argv, "+d:qvh", options, NULL)) != -1)
	{
		switch (c)
		{
			case 'd':
				opt.url = optarg;
				break;
			case 'D':
				opt.dir = optarg;
				break;
			case 'q':
				opt.verbosity = -1;
				break;
			case 'v':
				opt.verbosity = 1;
				break;
			case 'h':
				usage(stdout);
				return EXIT_OK;
			case 'V':
				printf("migrate %s\n", MG_EXT_VERSION);
				return EXIT_OK;
			case 'w':
				if (lock_wait_option(optarg) != EXIT_OK)
					return EXIT_USAGE;
				break;
			default:
				fprintf(stderr, "Try \"migrate --help\".\n");
				return EXIT_USAGE;
		}
	}
	if (optind >= argc)
	{
		usage(stderr);
		return EXIT_USAGE;
	}
	for (const Command *cmd = commands; cmd->name; cmd++)
		if (strcmp(cmd->name, argv[optind]) == 0)
		{
			/* the command parses its own arguments from argv[0] = its name */
			int			sub_argc = argc - optind;
			char	  **sub_argv = argv + optind;

			optind = 0;			/* full getopt reset (glibc) */
			if (cmd->plain && (st = no_options(sub_argc, sub_argv)) >= 0)
				return st;
			return cmd->fn ? cmd->fn(sub_argc, sub_argv)
				: cmd->variant_fn(sub_argc, sub_argv, cmd->variant);
		}
	return fail(EXIT_USAGE, "unknown command \"%s\" (see \"migrate --help\")", argv[optind]);
}
