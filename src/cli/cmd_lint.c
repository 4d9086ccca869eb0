/*
 * cmd_lint.c — migrate lint [REV...] [--format text|json] (SPEC §9): the
 * upgrade sections of the revision files (all, or the ones named) checked
 * for what is dangerous on a live database.  The backend finds the
 * statements (PostgreSQL: the server's parser, migrate.lint_script(), so
 * nothing is stored; SQLite: the program, without opening the database);
 * the rules are the shared core's (src/common/lint.c).  Exit 1 when there
 * are findings.
 *
 *   text: FILE:LINE: RULE: message    (then "N findings in M revisions")
 *   json: [{"revision", "file", "line", "rule", "message"}, ...]
 */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

static int
lint_nodes(Repo *repo, int argc, char **argv, MgIntList *nodes)
{
	if (optind >= argc)
	{
		for (int i = 0; i < repo->n; i++)
			mg_intlist_add(nodes, i);
		return EXIT_OK;
	}
	for (int i = optind; i < argc; i++)
	{
		int			node = repo_find(repo, argv[i]);

		if (node < 0)
			return fail(EXIT_USAGE, "no revision file for %s in %s/versions", argv[i], opt.dir);
		mg_intlist_add(nodes, node);
	}
	return EXIT_OK;
}

static void
print_text(const Repo *repo, const MgStrList *rows)
{
	MgStrList	revs = {0};

	for (int i = 0; i + 3 < rows->count; i += 4)
	{
		int			node = repo_find(repo, rows->items[i]);

		put_printable(stdout, "%s:%s: %s: %s\n", node >= 0 ? repo->revs[node].path : rows->items[i],
			   rows->items[i + 1], rows->items[i + 2], rows->items[i + 3]);
		if (revs.count == 0 || strcmp(revs.items[revs.count - 1], rows->items[i]) != 0)
			mg_strlist_add(&revs, rows->items[i]);
	}
	if (rows->count == 0)
		info("no findings\n");
	else
		info("%d finding%s in %d revision%s\n", rows->count / 4, rows->count == 4 ? "" : "s",
			 revs.count, revs.count == 1 ? "" : "s");
	mg_strlist_free(&revs);
}

static void
print_json(const Repo *repo, const MgStrList *rows)
{
	printf("[");
	for (int i = 0; i + 3 < rows->count; i += 4)
	{
		int			node = repo_find(repo, rows->items[i]);

		printf("%s{\"revision\": ", i ? ", " : "");
		json_string(stdout, rows->items[i]);
		printf(", \"file\": ");
		json_string(stdout, node >= 0 ? repo->revs[node].path : NULL);
		printf(", \"line\": %s, \"rule\": ", rows->items[i + 1]);
		json_string(stdout, rows->items[i + 2]);
		printf(", \"message\": ");
		json_string(stdout, rows->items[i + 3]);
		printf("}");
	}
	printf("]\n");
}

int
cmd_lint(int argc, char **argv)
{
	const DbOps *ops;
	Db		   *db = NULL;
	Repo		repo;
	MgIntList	nodes = {0};
	MgStrList	rows = {0};
	int			st = EXIT_OK,
				c;

	while ((c = cmd_getopt(argc, argv, "f", &st)) != -1)
	{
		if (c == -2)
			return st;
		if (c == 'f' && strcmp(optarg, "json") == 0)
			opt.json = true;
		else if (c == 'f' && strcmp(optarg, "text") != 0)
			return fail(EXIT_USAGE, "--format is text or json, not \"%s\"", optarg);
	}
	if (opt.url == NULL || opt.url[0] == '\0')
		return fail(EXIT_USAGE, "no database given: use -d URL or set DATABASE_URL (PostgreSQL lints with the server's parser; sqlite:PATH lints for SQLite)");
	ops = db_ops_for(opt.url);
	if (ops->lint_needs_db)
		st = open_both(&ops, false, &db, &repo);
	else
		st = repo_load(&repo, opt.dir, ops->dialect);
	if (st != EXIT_OK)
		return st;
	if ((st = lint_nodes(&repo, argc, argv, &nodes)) == EXIT_OK)
		st = ops->lint(db, &repo, &nodes, &rows);
	if (db)
		ops->close(db);
	if (st != EXIT_OK)
		return st;
	if (opt.json)
		print_json(&repo, &rows);
	else
		print_text(&repo, &rows);
	return rows.count > 0 ? EXIT_FAILED : EXIT_OK;
}
