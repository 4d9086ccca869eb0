/*
 * pg_model.c — autogenerate against PostgreSQL (SPEC §6): the server
 * diffs; the program reads the model, passes it, and writes the files.
 * There is no diff engine in the program.
 */
#include "pg_int.h"
#include "model.h"

#include <string.h>

/*
 * A failed model call: an error at a line of the model is an input error
 * (exit 2), whatever its SQLSTATE; anything else as pg_fail says.
 */
static int
model_fail(Db *db, PGresult *res, const char *what)
{
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	bool		input = msg && strncmp(msg, "desired:", 8) == 0;
	int			st = pg_fail(db, res, what, false);

	return input ? EXIT_USAGE : st;
}

/* The one text value of a one-row result, or NULL for SQL NULL. */
static char *
single_text(PGresult *res)
{
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0))
		return NULL;
	return mg_strdup(PQgetvalue(res, 0, 0));
}

static int
model_diff(Db *db, const ModelCall *call, char **out)
{
	const char *online = call->online ? "true" : "false";
	const char *args[4] = {call->model->text, call->schemas, call->renames, online};
	PGresult   *res = pg_params(db, "SELECT migrate.diff($1, $2::pg_catalog.text[],"
								" $3::pg_catalog.text[], $4::pg_catalog.bool)", 4, args);

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return model_fail(db, res, "could not compare the database with the model");
	*out = single_text(res);
	if (*out == NULL)
		*out = mg_strdup("");
	PQclear(res);
	return EXIT_OK;
}

static int
model_check(Db *db, const ModelCall *call)
{
	const char *args[2] = {call->model->text, call->schemas};
	PGresult   *res = pg_params(db, "SELECT migrate.check($1, $2::pg_catalog.text[])", 2, args);

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return model_fail(db, res, NULL);
	PQclear(res);
	return EXIT_OK;
}

/*
 * Store the revision and write its file (and any other revision the call
 * stored, e.g. the transaction-false one of --online) in one transaction:
 * a file that cannot be written leaves nothing stored.
 */
static int
write_new(Db *db, Repo *repo, const ModelCall *call)
{
	char	  **ids = mg_alloc0(sizeof(char *) * (size_t) (repo->n + 1));
	const char *args[1];
	PGresult   *res;
	int			st = EXIT_OK;

	for (int i = 0; i < repo->n; i++)
		ids[i] = repo->revs[i].rf.id;
	args[0] = text_array_literal(ids, repo->n);
	res = pg_params(db, "SELECT id, message, script FROM migrate.revision"
					" WHERE id OPERATOR(pg_catalog.<>) ALL ($1::pg_catalog.text[])"
					" ORDER BY created, tip, id", 1, args);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(db, res, "could not read the new revision", false);
	for (int i = 0; i < PQntuples(res) && st == EXIT_OK; i++)
		st = call->write(call->arg, PQgetvalue(res, i, 0),
						 PQgetisnull(res, i, 1) ? NULL : PQgetvalue(res, i, 1),
						 PQgetvalue(res, i, 2));
	PQclear(res);
	return st;
}

static int
model_autogenerate(Db *db, Repo *repo, const ModelCall *call, char **out)
{
	const char *online = call->online ? "true" : "false";
	const char *args[6] = {call->message, call->model->text, call->schemas,
	call->rev_id, call->renames, online};
	PGresult   *res;
	int			st;

	if ((st = pg_command(db, "BEGIN", "could not start a transaction")) != EXIT_OK)
		return st;
	res = pg_params(db, "SELECT migrate.autogenerate($1, $2, $3::pg_catalog.text[], $4,"
					" $5::pg_catalog.text[], $6::pg_catalog.bool)", 6, args);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		st = model_fail(db, res, "could not autogenerate a revision");
		pg_command(db, "ROLLBACK", NULL);
		return st;
	}
	*out = single_text(res);
	PQclear(res);
	if (*out != NULL && (st = write_new(db, repo, call)) != EXIT_OK)
	{
		pg_command(db, "ROLLBACK", NULL);
		return st;
	}
	return pg_command(db, "COMMIT", "could not store the new revision");
}

int
pg_model(Db *db, Repo *repo, const ModelCall *call, char **out)
{
	int			st;

	*out = NULL;
	db->model = call->model;
	if (call->op == MODEL_DIFF)
		st = model_diff(db, call, out);
	else if (call->op == MODEL_CHECK)
		st = model_check(db, call);
	else
		st = model_autogenerate(db, repo, call, out);
	db->model = NULL;
	return st;
}

/* Every row of res, every column, as strings ("" for NULL). */
static void
all_rows(PGresult *res, MgStrList *rows)
{
	for (int i = 0; i < PQntuples(res); i++)
		for (int c = 0; c < PQnfields(res); c++)
			mg_strlist_add(rows, PQgetisnull(res, i, c) ? "" : PQgetvalue(res, i, c));
}

int
pg_drift(Db *db, const char *schemas, MgStrList *rows, bool *recorded)
{
	const char *args[1] = {schemas};
	PGresult   *res = pg_params(db, "SELECT object, change, sql FROM"
								" migrate.drift($1::pg_catalog.text[])", 1, args);
	const char *state;

	*recorded = true;
	if (PQresultStatus(res) == PGRES_TUPLES_OK)
	{
		all_rows(res, rows);
		PQclear(res);
		return EXIT_OK;
	}
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	if ((state && strcmp(state, "55000") == 0 &&
		 strstr(PQresultErrorMessage(res), "no snapshot") != NULL) ||
		(opt.drift_if_allowed && state && strcmp(state, "42501") == 0))
	{
		*recorded = false;
		PQclear(res);
		return EXIT_OK;
	}
	return pg_fail(db, res, "could not compare the schema with its snapshot", false);
}

int
pg_test(Db *db, Repo *repo, const char *target, const Model *model, bool scratch,
		MgStrList *rows)
{
	const char *args[2] = {target, model ? model->text : NULL};
	PGresult   *res;
	int			changed,
				st;

	if (scratch)
		return pg_test_scratch(db, repo, target, model, rows);
	if ((st = pg_push(db, repo, &changed)) != EXIT_OK)
		return st;
	db->model = model;
	res = pg_params(db, "SELECT step, revision, test, ok, detail FROM"
					" migrate.test($1, $2)", 2, args);
	db->model = NULL;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return model_fail(db, res, "could not run the tests");
	all_rows(res, rows);
	PQclear(res);
	return EXIT_OK;
}
