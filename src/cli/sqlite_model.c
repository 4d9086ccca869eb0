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
#include "sqlite_tok.h"
#include "sqltext.h"
#include "model.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

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
bool
sq_mem_run(sqlite3 *db, const char *sql, char *err, size_t errlen)
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

/* The model, loaded into an in-memory database and read; with keep, that
 * database stays open there (the caller closes it). */
static int
read_model(const ModelCall *call, MgSchemaModel *want, sqlite3 **keep)
{
	sqlite3    *mem;
	char		err[2048];
	char		msg[2100];

	if (sqlite3_open(":memory:", &mem) != SQLITE_OK)
		return fail(EXIT_FAILED, "cannot open an in-memory SQLite database");
	if (!sq_mem_run(mem, call->model->text, err, sizeof(err)))
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
	if (keep)
		*keep = mem;
	else
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

static char *
lower_dup(const char *s, size_t n)
{
	char	   *o = mg_strndup(s, n);

	for (char *p = o; *p; p++)
		*p = (char) tolower((unsigned char) *p);
	return o;
}

/* The object of kind named (table, name) in m (names in any case), or NULL. */
static const MgObject *
named(const MgSchemaModel *m, MgObjKind kind, const char *table, const char *name)
{
	char	   *lt = table ? lower_dup(table, strlen(table)) : NULL;
	char	   *ln = lower_dup(name, strlen(name));
	char	   *key = mg_model_key(kind, "main", lt, ln);
	int			i = mg_model_find(m, key);

	mg_free(key);
	mg_free(lt);
	mg_free(ln);
	return i >= 0 ? &m->objs[i] : NULL;
}

/* One rename as SQLite's statement, checked against the schema as it is
 * now (cur) and the target (to); NULL (the error reported) when it does
 * not name what is there. */
static char *
rename_sql(const MgStrList *renames, int i, const MgSchemaModel *cur, const MgSchemaModel *to)
{
	const char *r = renames->items[i];
	const char *colon = strchr(r, ':');
	const char *dot = strchr(r, '.');
	MgBuf		b;

	if (colon == NULL || strchr(colon + 1, ':') != NULL)
	{
		fail(EXIT_USAGE, "invalid rename \"%s\"", r);
		return NULL;
	}
	mg_buf_init(&b);
	if (dot && dot < colon)
	{
		char	   *tbl = mg_strndup(r, (size_t) (dot - r));
		char	   *old = mg_strndup(dot + 1, (size_t) (colon - dot - 1));
		const char *right = colon + 1;
		const char *rdot = strchr(right, '.');
		const char *new = rdot ? rdot + 1 : right;
		const MgObject *t = named(cur, MG_OBJ_TABLE, NULL, tbl);
		const MgObject *a = named(cur, MG_OBJ_COLUMN, tbl, old);
		const MgObject *n;
		char	   *final = mg_strdup(tbl);

		/* the table as the target names it: after the table renames to come */
		for (int j = i + 1; j < renames->count; j++)
		{
			const char *e = renames->items[j];
			const char *ec = strchr(e, ':');
			const char *ed = strchr(e, '.');

			if (ec && !(ed && ed < ec) && strlen(final) == (size_t) (ec - e) &&
				strncasecmp(e, final, (size_t) (ec - e)) == 0)
				final = mg_strdup(ec + 1);
		}
		n = named(to, MG_OBJ_COLUMN, final, new);

		if (rdot && ((size_t) (rdot - right) != strlen(tbl) || strncasecmp(right, tbl, strlen(tbl)) != 0))
		{
			fail(EXIT_USAGE, "invalid rename \"%s\": both sides must name the same table", r);
			return NULL;
		}
		if (t == NULL || a == NULL || n == NULL)
		{
			fail(EXIT_USAGE, "rename \"%s\": no column \"%s\" of table \"%s\" %s", r,
				 a == NULL ? old : new, tbl, a == NULL ? "in the database" : "in the desired schema");
			return NULL;
		}
		mg_buf_printf(&b, "ALTER TABLE %s RENAME COLUMN %s TO %s;\n", t->ident, a->ident, n->ident);
	}
	else
	{
		char	   *old = mg_strndup(r, (size_t) (colon - r));
		const MgObject *a = named(cur, MG_OBJ_TABLE, NULL, old);
		const MgObject *n = named(to, MG_OBJ_TABLE, NULL, colon + 1);

		if (a == NULL || n == NULL)
		{
			fail(EXIT_USAGE, "rename \"%s\": no table \"%s\" %s", r, a == NULL ? old : colon + 1,
				 a == NULL ? "in the database" : "in the desired schema");
			return NULL;
		}
		mg_buf_printf(&b, "ALTER TABLE %s RENAME TO %s;\n", a->ident, n->ident);
	}
	return b.data;
}

/*
 * The renames, done by SQLite on a copy of fromdb's schema: SQLite's
 * RENAME rewrites the constraints, foreign keys, indexes, views and
 * triggers that name the old name, and the names of unnamed constraints
 * (PostgreSQL's defaults, t_a_key, ...) follow the new names, so the copy,
 * read into *from, compares with the model without renames.  The RENAME
 * statements are appended to stmts; they run first.
 */
static int
renamed(sqlite3 *fromdb, MgSchemaModel *from, const MgSchemaModel *to,
		const MgStrList *renames, MgBuf *stmts)
{
	sqlite3    *mem;
	char		err[1024];
	int			st = EXIT_OK;

	if (renames == NULL || renames->count == 0)
		return EXIT_OK;
	if (sqlite3_open(":memory:", &mem) != SQLITE_OK)
		return fail(EXIT_FAILED, "cannot open an in-memory SQLite database");
	sq_copy_schema(fromdb, mem);
	for (int i = 0; i < renames->count && st == EXIT_OK; i++)
	{
		char	   *sql = rename_sql(renames, i, from, to);
		char	   *msg = NULL;
		int			rc = SQLITE_OK;

		/*
		 * A view or trigger that names the old column through a view (SQLite
		 * rewrites only direct references) stops the rename: "error in view
		 * v2 after rename: no such column: c".  It goes first, and the
		 * comparison creates it again as the target has it.
		 */
		for (int tries = 0; sql && tries < 1000; tries++)
		{
			char		kind[16],
						name[512];

			sqlite3_free(msg);
			msg = NULL;
			if ((rc = sqlite3_exec(mem, sql, NULL, NULL, &msg)) == SQLITE_OK)
				break;
			if (msg == NULL || sscanf(msg, "error in %15s %511[^\n]", kind, name) != 2 ||
				(strcmp(kind, "view") != 0 && strcmp(kind, "trigger") != 0) ||
				strstr(name, " after rename: ") == NULL)
				break;
			*strstr(name, " after rename: ") = '\0';
			{
				char	   *drop = mg_alloc(strlen(name) * 2 + 32);
				char	   *e = NULL;

				sprintf(drop, "DROP %s %s;\n", strcmp(kind, "view") == 0 ? "VIEW" : "TRIGGER",
						sq_quote_ident(name));
				if (sqlite3_exec(mem, drop, NULL, NULL, &e) != SQLITE_OK)
				{
					sqlite3_free(e);
					mg_free(drop);
					break;
				}
				mg_buf_puts(stmts, drop);
				mg_free(drop);
			}
		}
		if (sql == NULL)
			st = EXIT_USAGE;
		else if (rc != SQLITE_OK)
		{
			st = fail(EXIT_FAILED, "rename \"%s\": %s", renames->items[i], msg ? msg : "error");
			sqlite3_free(msg);
		}
		else if (!sq_schema_read(mem, from, err, sizeof(err)))
			st = fail(EXIT_FAILED, "rename \"%s\": %s", renames->items[i], err);
		else
			mg_buf_puts(stmts, sql);
		mg_free(sql);
	}
	sqlite3_close(mem);
	return st;
}

/* The DDL from -> to (fromdb holds from's schema); NULL (and the error
 * reported) on a bad rename. */
static char *
ddl(sqlite3 *fromdb, MgSchemaModel *from, MgSchemaModel *to, const MgStrList *renames)
{
	MgChangeList changes = {0};
	MgError		err;
	MgBuf		b;
	char	   *rest;

	mg_buf_init(&b);
	if (renamed(fromdb, from, to, renames, &b) != EXIT_OK)
		return NULL;
	if (mg_schema_diff(from, to, NULL, &changes, &err) != MG_OK)
	{
		fail_mg(&err);
		return NULL;
	}
	rest = sq_schema_write(&changes);
	mg_buf_puts(&b, rest);
	mg_free(rest);
	return b.data ? b.data : mg_strdup("");
}

/* old:new pairs reversed, in the reverse order, for the downgrade. */
static MgStrList
reversed(const MgStrList *renames)
{
	MgStrList	out = {0};

	for (int i = renames ? renames->count - 1 : -1; i >= 0; i--)
	{
		const char *r = renames->items[i];
		const char *colon = strchr(r, ':');
		const char *dot = strchr(r, '.');
		MgBuf		b;

		if (colon == NULL)
			continue;			/* refused on the way up */
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
	return ddl(db, &now, expect, NULL);
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
	if (!sq_mem_run(mem, up, err, sizeof(err)))
		st = fail(EXIT_FAILED, "the generated upgrade does not run (line %s); nothing was written", err);
	else if ((rest = left_over(mem, want)) == NULL || rest[0])
		st = fail(EXIT_FAILED, "the generated upgrade does not reach the model; still different:\n%s", rest ? rest : "");
	else if (!sq_mem_run(mem, down, err, sizeof(err)))
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
		put_printable(stderr, "detail: %d revision%s pending, starting with %s.\nhint: Run migrate upgrade first.\n",
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
	sqlite3    *model;
	char	   *down;
	int			st;

	if ((st = read_live(db, &live)) != EXIT_OK || (st = read_model(call, &want, &model)) != EXIT_OK)
		return st;
	down = ddl(model, &want, &live, &back);
	sqlite3_close(model);
	if (down == NULL)
		return EXIT_USAGE;
	/* fresh readings: renames read their results into the from side */
	if ((st = read_live(db, &live)) != EXIT_OK || (st = read_model(call, &want, NULL)) != EXIT_OK ||
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
	if ((st = read_live(db, &live)) != EXIT_OK || (st = read_model(call, &want, NULL)) != EXIT_OK)
		return st;
	if ((up = ddl(db->conn, &live, &want, call->rename_list)) == NULL)
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
			put_printable(stderr, "detail: %s", up);
			return st;
		default:
			return up[0] == '\0' ? EXIT_OK : autogenerate(db, repo, call, up, out);
	}
}

int
sq_model_pending(sqlite3 *conn, const Model *model, char **out)
{
	ModelCall	call;
	MgSchemaModel live,
				want;
	char		err[1024];
	int			st;

	memset(&call, 0, sizeof(call));
	call.op = MODEL_DIFF;
	call.model = model;
	if (!sq_schema_read(conn, &live, err, sizeof(err)))
		return fail(EXIT_FAILED, "the copy: %s", err);
	if ((st = read_model(&call, &want, NULL)) != EXIT_OK)
		return st;
	if ((*out = ddl(conn, &live, &want, NULL)) == NULL)
		return EXIT_USAGE;
	return EXIT_OK;
}
