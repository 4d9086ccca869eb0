/*
 * sqlite_model.c — autogenerate on SQLite (SPEC §7): diff, check and
 * revision --autogenerate against a SQLite file.  The model runs in an
 * in-memory database (through batch mode, so a model may use ALTER TABLE
 * … ADD CONSTRAINT as pg_dump writes it); both sides are read by the
 * SQLite schema reader and compared by the shared differ; the SQLite
 * writer writes the DDL.  Before a revision is written, its upgrade and
 * downgrade run on an in-memory copy of the file's schema: the upgrade
 * must reach the model, the downgrade the schema as it was.
 */
#include "sqlite_int.h"
#include "sqlite_batch.h"
#include "sqlite_schema.h"
#include "sqlite_shadow.h"
#include "sqltext.h"
#include "model.h"

#include <stdio.h>
#include <string.h>

static bool
mem_exec(void *ctx, const char *sql, size_t off, bool generated, char *err, size_t errlen)
{
	char	   *msg = NULL;

	if (sqlite3_exec((sqlite3 *) ctx, sql, NULL, NULL, &msg) != SQLITE_OK)
	{
		snprintf(err, errlen, "%s", msg ? msg : "error");
		sqlite3_free(msg);
		return false;
	}
	return true;
}

static bool
mem_check(void *ctx, const SqStep *step, const char *table, char *err, size_t errlen)
{
	return sq_fk_check((sqlite3 *) ctx, &step->tables, table, err, errlen);
}

static const SqBatchOps mem_ops = {mem_exec, mem_check};

/* Run SQL (with batch mode) on db; false with "LINE: message" in err. */
static bool
run_sql(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char		msg[1536];
	size_t		off = 0;
	bool		input;
	int			rebuilt;

	if (sq_batch_run(db, sql, &mem_ops, db, &rebuilt, msg, sizeof(msg), &off, &input))
		return true;
	snprintf(err, errlen, "%d: %s", mg_line_at(sql, 1, mg_sql_skip_blank(sql, off, strlen(sql))), msg);
	return false;
}

/* The model, loaded into an in-memory database and read. */
static int
read_model(const ModelCall *call, MgSchemaModel *want)
{
	sqlite3    *mem;
	char		err[2048];
	char		msg[2100];

	if (sqlite3_open(":memory:", &mem) != SQLITE_OK)
		return fail(EXIT_FAILED, "cannot open an in-memory SQLite database");
	if (!run_sql(mem, call->model->text, err, sizeof(err)))
	{
		snprintf(msg, sizeof(msg), "desired:%s", err);
		sqlite3_close(mem);
		return fail(EXIT_USAGE, "%s", model_map(call->model, msg));
	}
	if (!sq_schema_read(mem, want, err, sizeof(err)))
	{
		sqlite3_close(mem);
		return fail(EXIT_USAGE, "the model: %s", err);
	}
	sqlite3_close(mem);
	return EXIT_OK;
}

static int
read_live(Db *db, MgSchemaModel *live)
{
	char		err[1024];

	if (!sq_schema_read(db->conn, live, err, sizeof(err)))
		return fail(EXIT_FAILED, "\"%s\": %s", db->path, err);
	return EXIT_OK;
}

/* The DDL from -> to; NULL (and the error reported) on a bad rename. */
static char *
ddl(MgSchemaModel *from, MgSchemaModel *to, const MgStrList *renames)
{
	MgChangeList changes = {0};
	MgError		err;

	if (mg_schema_diff(from, to, renames, &changes, &err) != MG_OK)
	{
		fail_mg(&err);
		return NULL;
	}
	return sq_schema_write(&changes);
}

/* old:new pairs reversed, for the downgrade. */
static MgStrList
reversed(const MgStrList *renames)
{
	MgStrList	out = {0};

	for (int i = 0; renames && i < renames->count; i++)
	{
		const char *r = renames->items[i];
		const char *colon = strchr(r, ':');
		const char *dot = strchr(r, '.');
		MgBuf		b;

		mg_buf_init(&b);
		if (dot && dot < colon)
		{
			/* t.a:t.b -> t.b:t.a */
			const char *ndot = strchr(colon + 1, '.');

			mg_buf_printf(&b, "%.*s%s:%.*s%.*s", (int) (dot - r + 1), r,
						  ndot ? ndot + 1 : colon + 1, (int) (dot - r + 1), r,
						  (int) (colon - dot - 1), dot + 1);
		}
		else
			mg_buf_printf(&b, "%s:%.*s", colon + 1, (int) (colon - r), r);
		mg_strlist_add(&out, b.data);
	}
	return out;
}

/* What is still different between db's schema and expect, or "". */
static char *
left_over(sqlite3 *db, MgSchemaModel *expect)
{
	MgSchemaModel now;
	char		err[1024];

	if (!sq_schema_read(db, &now, err, sizeof(err)))
		return mg_strdup(err);
	return ddl(&now, expect, NULL);
}

/*
 * Run up then down on a copy of the file's schema: up must reach want,
 * down must come back to the schema as it is.
 */
static int
verify(Db *db, const char *up, const char *down, MgSchemaModel *want, MgSchemaModel *live)
{
	sqlite3    *mem;
	char		err[2048];
	char	   *rest;
	int			st = EXIT_OK;

	if (sqlite3_open(":memory:", &mem) != SQLITE_OK)
		return fail(EXIT_FAILED, "cannot open an in-memory SQLite database");
	sq_copy_schema(db->conn, mem);
	if (!run_sql(mem, up, err, sizeof(err)))
		st = fail(EXIT_FAILED, "the generated upgrade does not run (line %s); nothing was written", err);
	else if ((rest = left_over(mem, want)) == NULL || rest[0])
		st = fail(EXIT_FAILED, "the generated upgrade does not reach the model; still different:\n%s", rest ? rest : "");
	else if (!run_sql(mem, down, err, sizeof(err)))
		st = fail(EXIT_FAILED, "the generated downgrade does not run (line %s); nothing was written", err);
	else if ((rest = left_over(mem, live)) == NULL || rest[0])
		st = fail(EXIT_FAILED, "the generated downgrade does not come back to the database's schema; still different:\n%s",
				  rest ? rest : "");
	sqlite3_close(mem);
	return st;
}

static int
at_heads(Db *db, Repo *repo)
{
	uint8_t    *applied;
	MgPlan		plan;
	MgError		err;
	int			st = EXIT_OK;

	if (sq_load_state(db, repo, false, &applied) != EXIT_OK)
		return EXIT_FAILED;
	if (mg_plan(&repo->graph, "heads", MG_OP_UPGRADE, applied, false, &plan, &err) != MG_OK)
		return fail_mg(&err);
	if (plan.steps.count > 0)
	{
		st = fail(EXIT_FAILED, "target database is not up to date");
		fprintf(stderr, "detail: %d revision%s pending, starting with %s.\nhint: Run migrate upgrade first.\n",
				plan.steps.count, plan.steps.count == 1 ? " is" : "s are",
				repo->graph.nodes[plan.steps.items[0]].id);
	}
	mg_plan_free(&plan);
	mg_free(applied);
	return st;
}

static int
autogenerate(Db *db, Repo *repo, const ModelCall *call, char *up, char **out)
{
	MgSchemaModel live,
				want;
	MgStrList	back = reversed(call->rename_list);
	MgRevFile	rf;
	MgIntList	heads;
	char	   *down;
	int			st;

	if ((st = read_live(db, &live)) != EXIT_OK || (st = read_model(call, &want)) != EXIT_OK)
		return st;
	if ((down = ddl(&want, &live, &back)) == NULL)
		return EXIT_USAGE;
	/* fresh readings: the differ renamed in place */
	if ((st = read_live(db, &live)) != EXIT_OK || (st = read_model(call, &want)) != EXIT_OK ||
		(st = verify(db, up, down, &want, &live)) != EXIT_OK)
		return st;
	mg_revfile_new(&rf, call->rev_id, call->message);
	heads = mg_graph_heads(&repo->graph);
	for (int i = 0; i < heads.count; i++)
		mg_strlist_add(&rf.revises, repo->graph.nodes[heads.items[i]].id);
	mg_revfile_set_section(&rf, MG_SECTION_UPGRADE, up);
	mg_revfile_set_section(&rf, MG_SECTION_DOWNGRADE, down);
	if ((st = call->write(call->arg, rf.id, rf.message, mg_revfile_format(&rf))) != EXIT_OK)
		return st;
	*out = mg_strdup(rf.id);
	return EXIT_OK;
}

int
sq_model(Db *db, Repo *repo, const ModelCall *call, char **out)
{
	MgSchemaModel live,
				want;
	char	   *up;
	int			st;

	*out = NULL;
	if (call->op == MODEL_AUTOGENERATE && (st = at_heads(db, repo)) != EXIT_OK)
		return st;
	if ((st = read_live(db, &live)) != EXIT_OK || (st = read_model(call, &want)) != EXIT_OK)
		return st;
	if ((up = ddl(&live, &want, call->rename_list)) == NULL)
		return EXIT_USAGE;
	switch (call->op)
	{
		case MODEL_DIFF:
			*out = up;
			return EXIT_OK;
		case MODEL_CHECK:
			if (up[0] == '\0')
				return EXIT_OK;
			st = fail(EXIT_FAILED, "new upgrade operations detected");
			fprintf(stderr, "detail: %s", up);
			return st;
		default:
			return up[0] == '\0' ? EXIT_OK : autogenerate(db, repo, call, up, out);
	}
}
