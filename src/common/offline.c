/*
 * offline.c — mg_offline_script(): an executor whose primitives write SQL
 * text instead of running it (see offline.h for what a script does).
 */
#include "offline.h"
#include "sqltext.h"
#include "mg_defs.h"

#include <stdio.h>
#include <string.h>

const char	mg_sqlite_catalog_ddl[] =
"CREATE TABLE IF NOT EXISTS migrate_revision (\n"
"    id            TEXT PRIMARY KEY,\n"
"    revises       TEXT NOT NULL,\n"
"    depends       TEXT NOT NULL,\n"
"    branch        TEXT NOT NULL,\n"
"    message       TEXT,\n"
"    created       TEXT,\n"
"    upgrade       TEXT NOT NULL,\n"
"    downgrade     TEXT,\n"
"    transactional INTEGER NOT NULL,\n"
"    checksum      TEXT NOT NULL,\n"
"    source        TEXT,\n"
"    loaded_at     TEXT NOT NULL,\n"
"    script        TEXT NOT NULL\n"
");\n"
"CREATE TABLE IF NOT EXISTS migrate_version (\n"
"    revision TEXT PRIMARY KEY\n"
");\n"
"CREATE TABLE IF NOT EXISTS migrate_history (\n"
"    id         INTEGER PRIMARY KEY AUTOINCREMENT,\n"
"    revision   TEXT NOT NULL,\n"
"    action     TEXT NOT NULL CHECK (action IN ('upgrade', 'downgrade', 'stamp', 'repair')),\n"
"    checksum   TEXT,\n"
"    previous_checksum TEXT CHECK (previous_checksum IS NULL OR action = 'repair'),\n"
"    started_at TEXT NOT NULL,\n"
"    duration   REAL NOT NULL,\n"
"    role       TEXT NOT NULL,\n"
"    xid        TEXT NOT NULL\n"
");\n"
"CREATE TABLE IF NOT EXISTS migrate_snapshot (\n"
"    version_set TEXT PRIMARY KEY,\n"
"    sha256      TEXT NOT NULL,\n"
"    text        TEXT NOT NULL,\n"
"    taken_at    TEXT NOT NULL\n"
");\n"
"CREATE TABLE IF NOT EXISTS migrate_journal (\n"
"    revision   TEXT PRIMARY KEY,\n"
"    action     TEXT NOT NULL CHECK (action IN ('upgrade', 'downgrade')),\n"
"    done       INTEGER NOT NULL CHECK (done >= 0),\n"
"    total      INTEGER NOT NULL CHECK (total >= done),\n"
"    done_hash  TEXT NOT NULL,\n"
"    started_at TEXT NOT NULL,\n"
"    updated_at TEXT NOT NULL\n"
");\n";

typedef struct Writer
{
	const MgOfflineInput *in;
	MgBuf	   *b;
	bool		pg;
} Writer;

void
mg_sql_literal(MgBuf *b, const char *s, MgDialect dialect)
{
	bool		escape = false;

	if (s == NULL)
	{
		mg_buf_puts(b, "NULL");
		return;
	}
	/* PostgreSQL's quote_literal: E'' when there is a backslash */
	if (dialect != MG_DIALECT_SQLITE)
		escape = strchr(s, '\\') != NULL;
	mg_buf_puts(b, escape ? "E'" : "'");
	for (const char *q = s; *q; q++)
	{
		if (*q == '\'' || (escape && *q == '\\'))
			mg_buf_append(b, q, 1);
		mg_buf_append(b, q, 1);
	}
	mg_buf_puts(b, "'");
}

/*
 * Whether tag would end a dollar-quoted s early: where it occurs in s, and
 * where s ends with all of it but its final '$', which the closing tag's
 * first '$' completes ("...$migrate" + "$migrate$").  The tag's only border
 * is "$", so there is no other overlap.
 */
static bool
tag_unsafe(const char *s, const char *tag)
{
	size_t		n = strlen(s),
				k = strlen(tag) - 1;

	return strstr(s, tag) != NULL || (n >= k && memcmp(s + n - k, tag, k) == 0);
}

/* A dollar-quoted string that holds s, whatever s ends with. */
static void
dollar_quoted(MgBuf *b, const char *s)
{
	char		tag[32] = "$migrate$";

	for (int n = 1; tag_unsafe(s, tag); n++)
		snprintf(tag, sizeof(tag), "$migrate%d$", n);
	mg_buf_printf(b, "%s%s%s", tag, s, tag);
}

/*
 * Text inside a "-- " comment line: a control character (CR, LF, ...)
 * would end the comment and let the rest run as SQL or as a psql meta
 * command, so each becomes a space (the parser refuses them in headers;
 * a catalog filled before it did may still hold one).
 */
static void
put_comment(MgBuf *b, const char *s)
{
	for (const unsigned char *c = (const unsigned char *) s; *c; c++)
		mg_buf_printf(b, "%c", (*c < 0x20 || *c == 0x7f) ? ' ' : *c);
}

static void
id_list(Writer *w, const MgIntList *ids, const char *sep)
{
	for (int i = 0; i < ids->count; i++)
	{
		if (i)
			mg_buf_puts(w->b, sep);
		mg_sql_literal(w->b, w->in->graph->nodes[ids->items[i]].id, w->in->dialect);
	}
}

/* Replace the stored version set with the canonical set of state. */
static void
put_versions(Writer *w, const uint8_t *state)
{
	MgIntList	vs = mg_version_set(w->in->graph, state);

	if (w->pg)
	{
		mg_buf_puts(w->b, "DELETE FROM migrate.version;\n");
		if (vs.count > 0)
		{
			mg_buf_puts(w->b, "INSERT INTO migrate.version (revision) SELECT pg_catalog.unnest(ARRAY[");
			id_list(w, &vs, ", ");
			mg_buf_puts(w->b, "]::pg_catalog.text[]);\n");
		}
	}
	else
	{
		mg_buf_puts(w->b, "DELETE FROM migrate_version;\n");
		for (int i = 0; i < vs.count; i++)
		{
			mg_buf_puts(w->b, "INSERT INTO migrate_version (revision) VALUES (");
			mg_sql_literal(w->b, w->in->graph->nodes[vs.items[i]].id, MG_DIALECT_SQLITE);
			mg_buf_puts(w->b, ");\n");
		}
	}
	mg_intlist_free(&vs);
}

/*
 * Whether text (of length end) surely ends with a statement's ';': its
 * last character, on a last line with no "--", which may start a comment
 * that the ';' belongs to ("CREATE TABLE t (a int)\n-- done;").
 */
static bool
ends_terminated(const char *text, size_t end)
{
	size_t		line = end;

	if (end == 0 || text[end - 1] != ';')
		return false;
	while (line > 0 && text[line - 1] != '\n')
		line--;
	for (size_t i = line; i + 1 < end; i++)
		if (text[i] == '-' && text[i + 1] == '-')
			return false;
	return true;
}

/*
 * The SQL of a section, its last statement terminated: where that is not
 * sure, with a ';' of its own (an empty statement, which both psql and
 * sqlite3 pass over, is harmless; a missing ';' joins the statement to the
 * history row that follows).
 */
static void
put_body(MgBuf *b, const char *sql)
{
	size_t		end = sql ? strlen(sql) : 0;

	while (end > 0 && (sql[end - 1] == ' ' || sql[end - 1] == '\t' ||
					   sql[end - 1] == '\n'))
		end--;
	if (end == 0)
		return;					/* an empty section (a merge) */
	mg_buf_append(b, sql, end);
	mg_buf_puts(b, ends_terminated(sql, end) ? "\n" : "\n;\n");
}

static const char *
begin_text(const Writer *w)
{
	return w->pg ? "BEGIN;\n" : "BEGIN IMMEDIATE;\n";
}

/* ---- the executor primitives, as text ---- */

static MgStatus
w_describe(void *ctx, int node, bool downgrade, MgStep *out, MgError *err)
{
	Writer	   *w = ctx;

	return w->in->source->describe(w->in->source_ctx, node, downgrade, out, err);
}

static MgStatus
w_fetch(void *ctx, MgStep *step, MgError *err)
{
	Writer	   *w = ctx;

	return w->in->source->fetch(w->in->source_ctx, step, err);
}

static void
w_release(void *ctx, MgStep *step)
{
	Writer	   *w = ctx;

	if (w->in->source->release)
		w->in->source->release(w->in->source_ctx, step);
}

static MgStatus
w_commit(void *ctx, const uint8_t *state, MgError *err)
{
	Writer	   *w = ctx;

	put_versions(w, state);
	mg_buf_puts(w->b, "COMMIT;\n");
	return MG_OK;
}

static MgStatus
w_begin(void *ctx, const uint8_t *state, MgError *err)
{
	Writer	   *w = ctx;

	mg_buf_puts(w->b, begin_text(w));
	return MG_OK;
}

static MgStatus
w_run(void *ctx, const MgStep *s, bool in_tx, MgError *err)
{
	Writer	   *w = ctx;
	char	   *running;
	size_t		off;

	if (mg_sql_client_command(s->body, w->pg, &off))
	{
		char	   *what = mg_step_what(s);
		MgStatus	st = mg_error(err, MG_ERR_SYNTAX, s->source, mg_line_at(s->body, s->body_line, off),
								  w->pg ? "%s: a backslash outside quotes and comments would run as a psql meta-command in the offline script (\\! runs a shell command); it is refused"
								  : "%s: a line starting with \".\" would run as a sqlite3 dot-command in the offline script (.shell runs a shell command); it is refused",
								  what);

		mg_free(what);
		return st;
	}
	running = mg_running_text(w->in->graph, s->node, s->downgrade, s->message);

	mg_buf_puts(w->b, "\n-- ");
	put_comment(w->b, running);
	mg_buf_puts(w->b, "\n");
	mg_free(running);
	if (w->pg)
		mg_buf_puts(w->b, "SELECT pg_catalog.set_config('migrate.started',"
					" pg_catalog.clock_timestamp()::pg_catalog.text, false) \\gset\n");
	else
		mg_buf_puts(w->b, "REPLACE INTO temp.migrate_offline_clock VALUES (1, julianday('now'));\n");
	put_body(w->b, s->body);
	return MG_OK;
}

static MgStatus
w_record(void *ctx, const MgStep *s, MgError *err)
{
	Writer	   *w = ctx;
	const char *action = s->downgrade ? "'downgrade'" : "'upgrade'";

	if (w->pg)
	{
		mg_buf_puts(w->b, "INSERT INTO migrate.history (revision, action, checksum, started_at, duration) VALUES (");
		mg_sql_literal(w->b, s->id, w->in->dialect);
		mg_buf_printf(w->b, ", %s, ", action);
		mg_sql_literal(w->b, s->checksum, w->in->dialect);
		mg_buf_puts(w->b, ", pg_catalog.current_setting('migrate.started')::pg_catalog.timestamptz,"
					" pg_catalog.clock_timestamp() OPERATOR(pg_catalog.-)"
					" pg_catalog.current_setting('migrate.started')::pg_catalog.timestamptz);\n");
		mg_buf_printf(w->b, "UPDATE migrate.revision SET applied_checksum = %s"
					  " WHERE id OPERATOR(pg_catalog.=) ",
					  s->downgrade ? "NULL" : "checksum");
		mg_sql_literal(w->b, s->id, w->in->dialect);
		mg_buf_puts(w->b, ";\n");
		return MG_OK;
	}
	mg_buf_puts(w->b, "INSERT INTO migrate_history (revision, action, checksum,"
				" started_at, duration, role, xid)\nSELECT ");
	mg_sql_literal(w->b, s->id, MG_DIALECT_SQLITE);
	mg_buf_printf(w->b, ", %s, ", action);
	mg_sql_literal(w->b, s->checksum, MG_DIALECT_SQLITE);
	mg_buf_puts(w->b, ", strftime('%Y-%m-%dT%H:%M:%fZ', started),"
				" (julianday('now') - started) * 86400.0, ");
	mg_sql_literal(w->b, w->in->role, MG_DIALECT_SQLITE);
	mg_buf_puts(w->b, ", ");
	mg_sql_literal(w->b, w->in->xid, MG_DIALECT_SQLITE);
	mg_buf_puts(w->b, " FROM temp.migrate_offline_clock;\n");
	return MG_OK;
}

static const MgExecOps writer_ops = {
	true, w_describe, w_fetch, w_commit, w_begin, w_run, w_record,
	NULL, NULL, w_release
};

/* ---- the parts around the steps ---- */

/*
 * PostgreSQL: refuse another extension version or version set; add the
 * revisions the script runs (a no-op where the catalog has them).
 */
static MgStatus
pg_prologue(Writer *w, MgError *err)
{
	const MgOfflineInput *in = w->in;
	MgIntList	from = mg_version_set(in->graph, in->from);

	mg_buf_puts(w->b, "DO $migrate$\nBEGIN\n"
				"  IF (SELECT extversion FROM pg_catalog.pg_extension"
				" WHERE extname OPERATOR(pg_catalog.=) 'migrate') OPERATOR(pg_catalog.<>) '"
				MG_EXT_VERSION "' THEN\n"
				"    RAISE EXCEPTION 'migrate: this script needs version " MG_EXT_VERSION
				" of the migrate extension';\n"
				"  END IF;\n"
				"  IF (SELECT COALESCE(pg_catalog.array_agg(revision ORDER BY revision COLLATE \"C\"), '{}')"
				" FROM migrate.version) OPERATOR(pg_catalog.<>) ARRAY[");
	id_list(w, &from, ", ");
	mg_buf_puts(w->b, "]::pg_catalog.text[] THEN\n"
				"    RAISE EXCEPTION 'migrate: the database is not at the state this script was generated for';\n"
				"  END IF;\nEND\n$migrate$;\n");
	mg_intlist_free(&from);

	for (int i = 0; i < in->steps->count; i++)
	{
		MgStep		s;
		MgStatus	st;

		memset(&s, 0, sizeof(s));
		if ((st = w_describe(w, in->steps->items[i], in->downgrade, &s, err)) != MG_OK ||
			(st = w_fetch(w, &s, err)) != MG_OK)
			return st;
		if (s.script == NULL)
			return mg_error(err, MG_ERR_INPUT, s.id, 0,
							"revision %s has no file text to add to the script", s.id);
		mg_buf_puts(w->b, "SELECT migrate.add_revision(");
		dollar_quoted(w->b, s.script);
		mg_buf_puts(w->b, ", ");
		mg_sql_literal(w->b, s.source, in->dialect);
		mg_buf_puts(w->b, ") \\gset\n");
		w_release(w, &s);
	}
	return MG_OK;
}

/* SQLite: migrate's tables, and refuse another version set. */
static void
sqlite_prologue(Writer *w)
{
	MgIntList	vs = mg_version_set(w->in->graph, w->in->from);

	mg_buf_puts(w->b, mg_sqlite_catalog_ddl);
	mg_buf_puts(w->b, "DROP TABLE IF EXISTS temp.migrate_offline_check;\n"
				"CREATE TEMP TABLE migrate_offline_check (ok INTEGER CONSTRAINT"
				" \"the database is not at the state this script was generated for\""
				" CHECK (ok));\n");
	mg_buf_printf(w->b, "INSERT INTO temp.migrate_offline_check"
				  " SELECT (SELECT count(*) FROM migrate_version) = %d", vs.count);
	if (vs.count > 0)
	{
		mg_buf_puts(w->b, "\n    AND (SELECT count(*) FROM migrate_version WHERE revision IN (");
		id_list(w, &vs, ", ");
		mg_buf_printf(w->b, ")) = %d", vs.count);
	}
	mg_buf_puts(w->b, ";\nDROP TABLE temp.migrate_offline_check;\n");
	mg_buf_puts(w->b, "CREATE TEMP TABLE IF NOT EXISTS migrate_offline_clock"
				" (id INTEGER PRIMARY KEY CHECK (id = 1), started REAL NOT NULL);\n");
	mg_intlist_free(&vs);
}

static bool
any_outside(const MgOfflineInput *in, MgError *err, MgStatus *st)
{
	*st = MG_OK;
	for (int i = 0; i < in->steps->count; i++)
	{
		MgStep		s;

		memset(&s, 0, sizeof(s));
		if ((*st = in->source->describe(in->source_ctx, in->steps->items[i],
										in->downgrade, &s, err)) != MG_OK)
			return false;
		if (in->source->release)
			in->source->release(in->source_ctx, &s);
		if (!s.transactional)
			return true;
	}
	return false;
}

MgStatus
mg_offline_script(const MgOfflineInput *in, MgBuf *out, MgError *err)
{
	Writer		w = {in, out, in->dialect != MG_DIALECT_SQLITE};
	uint8_t    *state;
	MgStatus	st = MG_OK;
	bool		session_lock = w.pg && any_outside(in, err, &st);
	int			done;
	char		lock[96];

	if (st != MG_OK)
		return st;
	{
		MgBuf		target;

		mg_buf_init(&target);
		mg_sql_literal(&target, in->target, in->dialect);
		mg_buf_printf(out, "-- migrate: offline %s to ", in->downgrade ? "downgrade" : "upgrade");
		put_comment(out, target.data);
		mg_buf_printf(out, ", %d revision%s\n", in->steps->count,
					  in->steps->count == 1 ? "" : "s");
		mg_buf_free(&target);
	}
	snprintf(lock, sizeof(lock), "SELECT pg_catalog.pg_advisory%s_lock(" MG_LOCK_KEY_TEXT ");\n",
			 session_lock ? "" : "_xact");
	if (w.pg)
	{
		mg_buf_puts(out, "-- run with: psql -v ON_ERROR_STOP=1 -f <this file>\n"
					"CREATE EXTENSION IF NOT EXISTS migrate;\n");
		if (session_lock)
		{
			mg_buf_puts(out, lock);
			/* app callers of upgrade() do not wait on us with a snapshot */
			mg_buf_puts(out, "SELECT pg_catalog.pg_advisory_lock(" MG_OUTSIDE_KEY_TEXT ");\n");
		}
		mg_buf_puts(out, "BEGIN;\n");
		if (!session_lock)
			mg_buf_puts(out, lock);
		if ((st = pg_prologue(&w, err)) != MG_OK)
			return st;
	}
	else
	{
		mg_buf_printf(out, "-- run with: sqlite3 DATABASE < <this file>\n"
					  ".bail on\n.timeout %d\nBEGIN IMMEDIATE;\n", MG_SQLITE_BUSY_TIMEOUT_MS);
		sqlite_prologue(&w);
	}

	state = mg_alloc((size_t) in->graph->n + 1);
	memcpy(state, in->from, (size_t) in->graph->n);
	st = mg_execute(in->graph, in->steps, in->downgrade, state, &writer_ops,
					&w, &done, err);
	if (st == MG_OK)
	{
		mg_buf_puts(out, "\n");
		put_versions(&w, state);
		if (w.pg)
		{
			mg_buf_puts(out, MG_PG_REFRESH_STATE_SQL ";\n");
			/*
			 * The snapshot of the new version set, as upgrade() records it:
			 * unless migrate.snapshots is off, and a schema the reader cannot
			 * describe is a WARNING, never a failed deployment.
			 */
			mg_buf_puts(out, "DO $migrate$\nBEGIN\n"
						"  IF pg_catalog.current_setting('migrate.snapshots', true)"
						" IS DISTINCT FROM 'off' THEN\n"
						"    PERFORM migrate.record_snapshot();\n"
						"  END IF;\n"
						"EXCEPTION WHEN OTHERS THEN\n"
						"  RAISE WARNING 'migrate: no snapshot recorded for the new version set: %', SQLERRM;\n"
						"END\n$migrate$;\n");
		}
		else
			mg_buf_puts(out, "DROP TABLE temp.migrate_offline_clock;\n");
		mg_buf_puts(out, "COMMIT;\n");
		if (session_lock)
			mg_buf_puts(out, "SELECT pg_catalog.pg_advisory_unlock(" MG_OUTSIDE_KEY_TEXT ");\n"
						"SELECT pg_catalog.pg_advisory_unlock(" MG_LOCK_KEY_TEXT ");\n");
	}
	mg_free(state);
	return st;
}
