/*
 * sqlite_rebuild.c — the 12-step rebuild of one table as statements.
 *
 * Steps 1, 2, 11 and 12 (foreign_keys off outside the transaction, BEGIN,
 * COMMIT, foreign_keys back) belong to whoever runs the list (the SQLite
 * executor, or the --sql script's BEGIN/COMMIT).  Here: remember the
 * table's indexes and triggers and the views that name it (3), create
 * _migrate_new_<t> (4), copy the rows with an explicit column list,
 * rowids and AUTOINCREMENT counter kept (5), drop the views, then the old
 * table (6), rename under legacy_alter_table, which leaves the other
 * tables' REFERENCES and triggers' text alone (7), recreate the indexes
 * and triggers (8) and the views (9), and check the foreign keys of the
 * table and of the tables that reference it (10).
 */
#include "sqlite_rebuild.h"
#include "sqlite_tok.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool
db_fail(sqlite3 *db, char *err, size_t errlen, const char *what)
{
	return sq_failf(err, errlen, "%s: %s", what, sqlite3_errmsg(db));
}

bool
sq_table_info(sqlite3 *db, const char *name, SqTableInfo *ti, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char	   *sql = NULL;
	int			cap = 0,
				rc;

	memset(ti, 0, sizeof(*ti));
	if (sqlite3_prepare_v2(db, "SELECT sql FROM main.sqlite_schema WHERE type = 'table' AND name = ?1 COLLATE NOCASE",
						   -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, err, errlen, "cannot read sqlite_schema");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		sql = mg_strdup((const char *) sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (sql == NULL)
		return sq_failf(err, errlen, "relation \"%s\" does not exist", name);
	if (!sq_table_parse(sql, &ti->table, err, errlen))
	{
		char		why[512];

		snprintf(why, sizeof(why), "%s", err);
		return sq_failf(err, errlen, "cannot read the definition of table %s: %s", name, why);
	}
	/* a cross-check of the parse against SQLite's own reading */
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM pragma_table_xinfo(?1)", -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, err, errlen, "cannot read pragma table_xinfo");
	sqlite3_bind_text(st, 1, ti->table.name, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) != ti->table.ncols)
	{
		int			n = sqlite3_column_int(st, 0);

		sqlite3_finalize(st);
		return sq_failf(err, errlen, "cannot read the definition of table %s: SQLite sees %d columns, the reader %d",
					 name, n, ti->table.ncols);
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "SELECT name, sql FROM main.sqlite_schema WHERE type = 'index'"
						   " AND tbl_name = ?1 COLLATE NOCASE AND sql IS NOT NULL ORDER BY rowid",
						   -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, err, errlen, "cannot read sqlite_schema");
	sqlite3_bind_text(st, 1, ti->table.name, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
	{
		if (ti->nindexes == cap)
		{
			cap = cap ? cap * 2 : 8;
			ti->index_names = mg_realloc(ti->index_names, sizeof(char *) * (size_t) cap);
			ti->index_sql = mg_realloc(ti->index_sql, sizeof(char *) * (size_t) cap);
		}
		ti->index_names[ti->nindexes] = mg_strdup((const char *) sqlite3_column_text(st, 0));
		ti->index_sql[ti->nindexes] = mg_strdup((const char *) sqlite3_column_text(st, 1));
		ti->nindexes++;
	}
	sqlite3_finalize(st);
	ti->index_dropped = mg_alloc0(sizeof(bool) * (size_t) (ti->nindexes + 1));
	return rc == SQLITE_DONE || db_fail(db, err, errlen, "cannot read sqlite_schema");
}

static void
add_step(SqSteps *out, SqStepKind kind, char *sql)
{
	SqStep	   *s;

	out->items = mg_realloc(out->items, sizeof(SqStep) * (size_t) (out->count + 1));
	s = &out->items[out->count++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->sql = sql;
}

static char *
fmt(const char *f,...)
{
	va_list		ap;
	MgBuf		b;
	char		tmp[8192];

	va_start(ap, f);
	vsnprintf(tmp, sizeof(tmp), f, ap);
	va_end(ap);
	mg_buf_init(&b);
	mg_buf_puts(&b, tmp);
	return b.data;
}

/* Schema rows (type, name, sql), in creation order. */
typedef struct SchemaRows
{
	char	  **type;
	char	  **name;
	char	  **tbl;
	char	  **sql;
	int			n;
} SchemaRows;

static bool
schema_rows(sqlite3 *db, const char *where, SchemaRows *r, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char		q[512];
	int			rc;

	memset(r, 0, sizeof(*r));
	snprintf(q, sizeof(q), "SELECT type, name, tbl_name, sql FROM main.sqlite_schema WHERE %s AND sql IS NOT NULL ORDER BY rowid", where);
	if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, err, errlen, "cannot read sqlite_schema");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
	{
		r->type = mg_realloc(r->type, sizeof(char *) * (size_t) (r->n + 1));
		r->name = mg_realloc(r->name, sizeof(char *) * (size_t) (r->n + 1));
		r->tbl = mg_realloc(r->tbl, sizeof(char *) * (size_t) (r->n + 1));
		r->sql = mg_realloc(r->sql, sizeof(char *) * (size_t) (r->n + 1));
		r->type[r->n] = mg_strdup((const char *) sqlite3_column_text(st, 0));
		r->name[r->n] = mg_strdup((const char *) sqlite3_column_text(st, 1));
		r->tbl[r->n] = mg_strdup((const char *) sqlite3_column_text(st, 2));
		r->sql[r->n] = mg_strdup((const char *) sqlite3_column_text(st, 3));
		r->n++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || db_fail(db, err, errlen, "cannot read sqlite_schema");
}

/*
 * The views to drop and recreate: those that name the table, and those
 * that name one of them; marks them in keep[].
 */
static void
dependent_views(const SchemaRows *v, const char *table, bool *mark)
{
	bool		more = true;

	for (int i = 0; i < v->n; i++)
		mark[i] = strcmp(v->type[i], "view") == 0 && sq_text_mentions(v->sql[i], table);
	while (more)
	{
		more = false;
		for (int i = 0; i < v->n; i++)
			if (mark[i])
				for (int j = 0; j < v->n; j++)
					if (!mark[j] && strcmp(v->type[j], "view") == 0 && sq_text_mentions(v->sql[j], v->name[i]))
						mark[j] = more = true;
	}
}

/* The INSERT … SELECT of step 5. */
static char *
copy_rows(const SqTableInfo *old, const SqTableInfo *new, const char *tmp)
{
	const SqTable *o = &old->table,
			   *n = &new->table;
	MgBuf		cols,
				vals;
	bool		alias = false;
	bool		any = false;

	mg_buf_init(&cols);
	mg_buf_init(&vals);
	for (int i = 0; i < n->ncols; i++)
		alias = alias || sq_column_is_rowid(n, i);
	/* rowids survive: other tables may keep them without a foreign key */
	if (!o->without_rowid && !n->without_rowid && !alias)
	{
		mg_buf_puts(&cols, "rowid");
		mg_buf_puts(&vals, "rowid");
		any = true;
	}
	for (int i = 0; i < n->ncols; i++)
	{
		const SqColumn *c = &n->cols[i];

		if (sq_column_generated(c) || (c->src == NULL && c->expr == NULL))
			continue;
		mg_buf_printf(&cols, "%s%s", any ? ", " : "", sq_quote_ident(c->name));
		mg_buf_printf(&vals, "%s%s", any ? ", " : "", c->expr ? c->expr : sq_quote_ident(c->src));
		any = true;
	}
	if (!any)
		return NULL;
	return fmt("INSERT INTO %s (%s)\n    SELECT %s FROM %s", sq_quote_ident(tmp), cols.data,
			   vals.data, sq_quote_ident(o->name));
}

/*
 * Statements of no rows that fire every trigger on the table (new: its
 * columns as they will be): SQLite checks a trigger's body only when a
 * statement that fires it is prepared, not at CREATE TRIGGER.
 */
static void
trigger_probes(const SqTable *t, MgStrList *out)
{
	MgBuf		cols,
				sets;
	const char *q = sq_quote_ident(t->name);
	bool		any = false;

	mg_buf_init(&cols);
	mg_buf_init(&sets);
	for (int i = 0; i < t->ncols; i++)
	{
		const char *c = sq_quote_ident(t->cols[i].name);

		if (sq_column_generated(&t->cols[i]))
			continue;
		mg_buf_printf(&cols, "%s%s", any ? ", " : "", c);
		mg_buf_printf(&sets, "%s%s = %s", any ? ", " : "", c, c);
		any = true;
	}
	mg_strlist_add(out, fmt("INSERT INTO %s (%s) SELECT %s FROM %s WHERE 0", q, cols.data, cols.data, q));
	mg_strlist_add(out, fmt("UPDATE %s SET %s WHERE 0", q, sets.data));
	mg_strlist_add(out, fmt("DELETE FROM %s WHERE 0", q));
	mg_buf_free(&cols);
	mg_buf_free(&sets);
}

/* Tables whose foreign keys name the table (besides itself). */
static bool
children(sqlite3 *db, const char *table, MgStrList *out, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int			rc;

	if (sqlite3_prepare_v2(db, "SELECT DISTINCT m.name FROM main.sqlite_schema m, pragma_foreign_key_list(m.name) f"
						   " WHERE m.type = 'table' AND f.\"table\" = ?1 COLLATE NOCASE"
						   " AND m.name <> ?1 COLLATE NOCASE ORDER BY m.name", -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, err, errlen, "cannot read the foreign keys");
	sqlite3_bind_text(st, 1, table, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		mg_strlist_add(out, (const char *) sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || db_fail(db, err, errlen, "cannot read the foreign keys");
}

bool
sq_rebuild_steps(sqlite3 *db, const SqTableInfo *old, const SqTableInfo *new,
				 SqSteps *out, char *err, size_t errlen)
{
	const char *t = old->table.name;
	char	   *tmp = fmt("_migrate_new_%s", t);
	char	   *qt = sq_quote_ident(t),
			   *qtmp = sq_quote_ident(tmp);
	SchemaRows	triggers,
				views;
	bool	   *mark;
	char	   *copy;
	MgStrList	check = {0},
				recreated = {0},
				probes = {0};
	bool		has_triggers = false;

	memset(out, 0, sizeof(*out));
	if (!schema_rows(db, "type = 'trigger'", &triggers, err, errlen) ||
		!schema_rows(db, "type IN ('view', 'trigger')", &views, err, errlen))
		return false;
	mark = mg_alloc0(sizeof(bool) * (size_t) (views.n + 1));
	dependent_views(&views, t, mark);
	/* INSTEAD OF triggers of a view that is dropped go with it */
	for (int i = 0; i < views.n; i++)
		if (strcmp(views.type[i], "trigger") == 0)
			for (int j = 0; j < views.n; j++)
				if (mark[j] && strcmp(views.type[j], "view") == 0 && strcasecmp(views.tbl[i], views.name[j]) == 0)
					mark[i] = true;

	/* a savepoint: the rebuild is all or nothing, in a transaction or not */
	add_step(out, SQS_SQL, mg_strdup("SAVEPOINT migrate_rebuild"));
	add_step(out, SQS_SQL, sq_table_render(&new->table, tmp));
	if ((copy = copy_rows(old, new, tmp)) != NULL)
		add_step(out, SQS_SQL, copy);
	if (sq_table_autoinc(&old->table) && sq_table_autoinc(&new->table))
	{
		/* the counter, which may be above every rowid left, survives */
		char	   *lt = sq_quote_literal(t),
				   *ltmp = sq_quote_literal(tmp);

		add_step(out, SQS_SQL, fmt("DELETE FROM sqlite_sequence WHERE name = %s", ltmp));
		add_step(out, SQS_SQL, fmt("INSERT INTO sqlite_sequence (name, seq) SELECT %s, seq FROM sqlite_sequence WHERE name = %s",
								   ltmp, lt));
	}
	for (int i = views.n - 1; i >= 0; i--)
		if (mark[i] && strcmp(views.type[i], "view") == 0)
			add_step(out, SQS_SQL, fmt("DROP VIEW %s", sq_quote_ident(views.name[i])));
	add_step(out, SQS_SQL, fmt("DROP TABLE %s", qt));
	add_step(out, SQS_SQL, mg_strdup("PRAGMA legacy_alter_table = ON"));
	add_step(out, SQS_SQL, fmt("ALTER TABLE %s RENAME TO %s", qtmp, qt));
	add_step(out, SQS_SQL, mg_strdup("PRAGMA legacy_alter_table = OFF"));
	for (int i = 0; i < old->nindexes; i++)
		if (!new->index_dropped[i])
			add_step(out, SQS_SQL, mg_strdup(old->index_sql[i]));
	for (int i = 0; i < triggers.n; i++)
		if (strcasecmp(triggers.tbl[i], t) == 0)
		{
			add_step(out, SQS_SQL, mg_strdup(triggers.sql[i]));
			has_triggers = true;
		}
	if (has_triggers)
		trigger_probes(&new->table, &probes);
	for (int i = 0; i < views.n; i++)
		if (mark[i])
		{
			add_step(out, SQS_SQL, mg_strdup(views.sql[i]));
			if (strcmp(views.type[i], "view") == 0)
				mg_strlist_add(&recreated, views.name[i]);
		}
	mg_strlist_add(&check, t);
	if (!children(db, t, &check, err, errlen))
		return false;
	{
		MgBuf		b;

		/* the script's form: a CHECK that fails on the first offending row */
		mg_buf_init(&b);
		/*
		 * a view or trigger naming a dropped column fails here (SQLite's
		 * CREATE VIEW and CREATE TRIGGER did not)
		 */
		for (int i = 0; i < recreated.count; i++)
			mg_buf_printf(&b, "SELECT * FROM %s LIMIT 0;\n", sq_quote_ident(recreated.items[i]));
		for (int i = 0; i < probes.count; i++)
			mg_buf_printf(&b, "%s;\n", probes.items[i]);
		mg_buf_printf(&b, "CREATE TEMP TABLE _migrate_fk_check (violation TEXT CONSTRAINT %s CHECK (violation IS NULL));\n",
					  sq_quote_always(fmt("rebuilding table %s broke a foreign key: see PRAGMA foreign_key_check", t)));
		for (int i = 0; i < check.count; i++)
			mg_buf_printf(&b, "INSERT INTO _migrate_fk_check SELECT \"table\" FROM pragma_foreign_key_check(%s) LIMIT 1;\n",
						  sq_quote_literal(check.items[i]));
		mg_buf_puts(&b, "DROP TABLE temp._migrate_fk_check");
		add_step(out, SQS_FK_CHECK, b.data);
		out->items[out->count - 1].tables = check;
		out->items[out->count - 1].views = recreated;
		out->items[out->count - 1].probes = probes;
	}
	add_step(out, SQS_SQL, mg_strdup("RELEASE migrate_rebuild"));
	return true;
}

bool
sq_fk_check(sqlite3 *db, const MgStrList *tables, const char *rebuilt, char *err, size_t errlen)
{
	MgBuf		rows;
	int			n = 0;

	mg_buf_init(&rows);
	for (int i = 0; i < tables->count; i++)
	{
		sqlite3_stmt *st;
		int			rc;

		if (sqlite3_prepare_v2(db, "SELECT \"table\", rowid, parent FROM pragma_foreign_key_check(?1)",
							   -1, &st, NULL) != SQLITE_OK)
			return db_fail(db, err, errlen, "PRAGMA foreign_key_check");
		sqlite3_bind_text(st, 1, tables->items[i], -1, SQLITE_TRANSIENT);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		{
			if (n < 10)
				mg_buf_printf(&rows, "%s%s rowid %s references %s", n ? "; " : "",
							  sqlite3_column_text(st, 0),
							  sqlite3_column_type(st, 1) == SQLITE_NULL ? "(none)" : (const char *) sqlite3_column_text(st, 1),
							  sqlite3_column_text(st, 2));
			n++;
		}
		if (rc != SQLITE_DONE)
		{
			sq_failf(err, errlen, "PRAGMA foreign_key_check(%s) after rebuilding table %s: %s",
				  tables->items[i], rebuilt, sqlite3_errmsg(db));
			sqlite3_finalize(st);
			return false;
		}
		sqlite3_finalize(st);
	}
	if (n > 0)
		return sq_failf(err, errlen, "rebuilding table %s broke %d foreign key%s: %s%s", rebuilt, n,
					 n == 1 ? "" : "s", rows.data, n > 10 ? "; …" : "");
	return true;
}

bool
sq_uses_check(sqlite3 *db, const SqStep *step, const char *rebuilt, char *err, size_t errlen)
{
	sqlite3_stmt *st;

	for (int i = 0; i < step->views.count; i++)
	{
		char	   *sql = fmt("SELECT * FROM %s LIMIT 0", sq_quote_ident(step->views.items[i]));
		int			rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

		mg_free(sql);
		if (rc != SQLITE_OK)
			return sq_failf(err, errlen, "view %s would no longer work: %s (PostgreSQL refuses to drop or change a column a view uses: drop the view before the change to table %s and create it again after)",
						 step->views.items[i], sqlite3_errmsg(db), rebuilt);
		sqlite3_finalize(st);
	}
	for (int i = 0; i < step->probes.count; i++)
	{
		if (sqlite3_prepare_v2(db, step->probes.items[i], -1, &st, NULL) != SQLITE_OK)
			return sq_failf(err, errlen, "the triggers on table %s would no longer work: %s (drop or change the trigger before this change; SQLite's own DROP COLUMN refuses it too)",
						 rebuilt, sqlite3_errmsg(db));
		sqlite3_finalize(st);
	}
	return true;
}
