/*
 * cmd_verify.c — drift and test (SPEC §8): what changed outside
 * migrations, and the migration test suite.  The backend does the work
 * (PostgreSQL: migrate.drift() and migrate.test(), or pg_scratch.c;
 * SQLite: sqlite_verify.c); these print it.
 *
 *   migrate drift [--schemas LIST]    one line per object, its repair SQL
 *                                     below it; exit 1 on drift
 *   migrate test [TARGET] [--schema FILE] [--scratch]
 *                                     one line per revision and test and
 *                                     a summary; exit 1 on a failure
 *                                     (PostgreSQL, --scratch: on a scratch
 *                                     database, see pg_scratch.c)
 */
#include "cmd.h"
#include "verify.h"

#include <stdlib.h>
#include <string.h>

/* A database that has drift and test, opened; EXIT_USAGE when it lacks them. */
static int
open_verify(const DbOps **ops, bool write, Db **db, Repo *repo)
{
	int			st;

	if (opt.url == NULL || opt.url[0] == '\0')
		return fail(EXIT_USAGE, "no database given: use -d URL or set DATABASE_URL");
	if (db_ops_for(opt.url)->drift == NULL)
		return fail(EXIT_USAGE, "drift and test are not available on %s yet",
					db_ops_for(opt.url)->name);
	st = repo ? open_both(ops, write, db, repo) : open_db(ops, write, db);
	return st;
}

/* --schemas a,b as a text[] literal; NULL: the database's migrate.schemas */
static char *
schemas_literal(const char *list)
{
	MgStrList	l = {0};
	char	   *copy;

	if (list == NULL)
		return NULL;
	copy = mg_strdup(list);
	for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ","))
	{
		while (*tok == ' ')
			tok++;
		if (*tok)
			mg_strlist_add(&l, tok);
	}
	return text_array_literal(l.items, l.count);
}

/* The drift rows of the database (3 strings each); *recorded as pg_drift. */
static int
read_drift(const char *schemas, MgStrList *rows, bool *recorded)
{
	const DbOps *ops;
	Db		   *db;
	int			st;

	if ((st = open_verify(&ops, false, &db, NULL)) != EXIT_OK)
		return st;
	st = ops->drift(db, schemas_literal(schemas), rows, recorded);
	ops->close(db);
	return st;
}

int
cmd_drift(int argc, char **argv)
{
	int			st = EXIT_OK,
				c;
	ModelOpts	model = {0};
	MgStrList	rows = {0};
	bool		recorded;

	while ((c = cmd_getopt(argc, argv, "C", &st)) != -1)
	{
		if (c == -2)
			return st;
		model_option(&model, c);
	}
	if (optind < argc)
		return fail(EXIT_USAGE, "drift takes no arguments");
	if ((st = read_drift(model.schemas, &rows, &recorded)) != EXIT_OK)
		return st;
	if (opt.json)
	{
		printf("{\"recorded\": %s, \"drift\": [", recorded ? "true" : "false");
		for (int i = 0; i + 2 < rows.count; i += 3)
		{
			printf("%s{\"object\": ", i ? ", " : "");
			json_string(stdout, rows.items[i]);
			printf(", \"change\": ");
			json_string(stdout, rows.items[i + 1]);
			printf(", \"sql\": ");
			json_string(stdout, rows.items[i + 2]);
			printf("}");
		}
		printf("]}\n");
	}
	else if (!recorded)
		fprintf(stderr, "migrate: no snapshot is recorded for the current version set; the next upgrade, downgrade or stamp records one (or accept the schema as it is: SELECT migrate.record_snapshot())\n");
	else
	{
		for (int i = 0; i + 2 < rows.count; i += 3)
			put_printable(stdout, "%-8s %s\n%s", rows.items[i + 1], rows.items[i], rows.items[i + 2]);
		if (rows.count == 0)
			info("no drift: the schema is as migrations left it\n");
	}
	if (!recorded)
		return EXIT_FAILED;
	return rows.count > 0 ? EXIT_FAILED : EXIT_OK;
}

void
test_row_add(MgStrList *rows, int step, const char *revision, const char *test,
			 int outcome, const char *detail)
{
	char		n[16];

	snprintf(n, sizeof(n), "%d", step);
	mg_strlist_add(rows, n);
	mg_strlist_add(rows, revision ? revision : "");
	mg_strlist_add(rows, test);
	mg_strlist_add(rows, outcome == MG_TEST_PASSED ? "t" : outcome == MG_TEST_FAILED ? "f" : "");
	mg_strlist_add(rows, detail ? detail : "");
}

int
check_drift(MgStrList *rows)
{
	bool		recorded;
	int			st;

	if (db_ops_for(opt.url)->drift == NULL)
		return EXIT_OK;
	opt.drift_if_allowed = true;
	st = read_drift(NULL, rows, &recorded);
	opt.drift_if_allowed = false;
	if (st != EXIT_OK || !recorded || rows->count == 0)
		return st;
	if (!opt.json)
	{
		fprintf(stderr, "migrate: the schema drifted from its snapshot:");
		for (int i = 0; i + 2 < rows->count; i += 3)
			put_printable(stderr, "%s %s %s", i ? "," : "", rows->items[i + 1],
						  printable(rows->items[i], false));
		fprintf(stderr, "\nhint: See migrate drift for the repair SQL, or accept the schema as it is (PostgreSQL: SELECT migrate.record_snapshot()).\n");
	}
	return EXIT_FAILED;
}

void
status_drift_line(void)
{
	MgStrList	rows = {0};
	bool		recorded;

	if (db_ops_for(opt.url)->drift == NULL)
		return;
	if (read_drift(NULL, &rows, &recorded) != EXIT_OK)
		printf("drift:    unknown (could not compare)\n");
	else if (!recorded)
		printf("drift:    unknown (no snapshot recorded for this version set)\n");
	else if (rows.count == 0)
		printf("drift:    none\n");
	else
	{
		printf("drift:    %d object%s changed outside migrations (migrate drift)\n",
			   rows.count / 3, rows.count == 3 ? "" : "s");
		for (int i = 0; i + 2 < rows.count; i += 3)
			printf("          %s %s\n", printable(rows.items[i + 1], false),
				   printable(rows.items[i], false));
	}
}

int
cmd_test(int argc, char **argv)
{
	int			st = EXIT_OK,
				c;
	ModelOpts	mo = {0};
	Model		model;
	bool		found = false;
	const DbOps *ops;
	Db		   *db;
	Repo		repo;
	MgStrList	rows = {0};
	const char *target = "heads";
	bool		scratch = false;
	int			passed = 0,
				failed = 0,
				skipped = 0;

	while ((c = cmd_getopt(argc, argv, "MX", &st)) != -1)
	{
		if (c == -2)
			return st;
		if (c == 'X')
			scratch = true;
		else
			model_option(&mo, c);
	}
	if (optind < argc)
		target = argv[optind++];
	if (optind < argc)
		return fail(EXIT_USAGE, "test takes at most one TARGET");
	if (mo.schema && (st = model_read(mo.schema, &model, &found)) != EXIT_OK)
		return st;
	/* SQLite: the file is only read (the tests run on a copy), and may not exist yet */
	opt.missing_is_empty = true;
	if ((st = open_verify(&ops, false, &db, &repo)) != EXIT_OK)
		return st;
	st = ops->test(db, &repo, target, found ? &model : NULL, scratch, &rows);
	ops->close(db);
	if (st != EXIT_OK)
		return st;
	if (opt.json)
		printf("[");
	for (int i = 0; i + 4 < rows.count; i += 5)
	{
		const char *ok = rows.items[i + 3];
		const char *word = ok[0] == 't' ? "ok" : ok[0] == 'f' ? "FAILED" : "skipped";

		if (ok[0] == 't')
			passed++;
		else if (ok[0] == 'f')
			failed++;
		else
			skipped++;
		if (opt.json)
		{
			printf("%s{\"step\": %s, \"revision\": ", i ? ", " : "", rows.items[i]);
			json_string(stdout, rows.items[i + 1][0] ? rows.items[i + 1] : NULL);
			printf(", \"test\": ");
			json_string(stdout, rows.items[i + 2]);
			printf(", \"ok\": %s, \"detail\": ", ok[0] == 't' ? "true" : ok[0] == 'f' ? "false" : "null");
			json_string(stdout, rows.items[i + 4]);
			printf("}");
		}
		else
			printf("%-7s %-32s %-12s %s\n", word, rows.items[i + 2],
				   rows.items[i + 1][0] ? printable(rows.items[i + 1], false) : "-",
				   printable(rows.items[i + 4], false));
	}
	if (opt.json)
		printf("]\n");
	else
		printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed > 0 ? EXIT_FAILED : EXIT_OK;
}
