/*
 * schema_load.c — the desired side of a diff: load the desired SQL into the
 * compared schemas' names inside a subtransaction that is always rolled
 * back, and read it with the same reader as the live side.
 *
 * Design.  The live side is read first.  Then, in the subtransaction, each
 * compared schema that exists is renamed away (ALTER SCHEMA x RENAME TO a
 * unique name) and created afresh, empty, under its own name; desired runs
 * there statement by statement with check_function_bodies off, and is read
 * under the same pinned search_path as the live side (plus the renamed
 * schemas, where the members of extensions installed in a compared schema
 * now are, so names resolve and print as they do live).  Loading under the
 * real names is what makes the two readings comparable byte for byte:
 * PostgreSQL deparses both sides with the same qualification.
 *
 * Nothing of this is ever seen by another session: the rename and every
 * object desired creates are uncommitted and rolled back, also on error
 * (PG_TRY rolls back, then re-throws).  Locks: the rename updates the
 * schema's pg_namespace row and takes no lock on the objects in it, so
 * readers and writers of the compared tables are not blocked; a concurrent
 * ALTER/DROP/GRANT of the same schema waits for the subtransaction's row
 * lock, which lasts until the rollback — until the calling function
 * returns.  DDL on other objects is not blocked.
 *
 * Statements of desired that name something already there are left out:
 * CREATE SCHEMA of a compared schema (it was just created afresh) and
 * CREATE EXTENSION of an installed extension (extensions are database-wide;
 * the desired side keeps the extensions desired names).  CONCURRENTLY is
 * blanked out of CREATE INDEX, which cannot run in a transaction.
 *
 * Privileges: renaming a schema needs its ownership and CREATE on the
 * database; desired runs as the caller.
 */
#include "migrate.h"

#include "access/xact.h"
#include "commands/extension.h"
#include "catalog/namespace.h"
#include "executor/spi.h"
#include "mb/pg_wchar.h"
#include "nodes/parsenodes.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "schema_read.h"
#include "sqltext.h"

typedef struct LoadState
{
	const char *text;			/* desired */
	int			stmt_start;		/* -1: parsing the whole text */
	int			stmt_len;
} LoadState;

/* The desired line an error is about. */
static int
error_line(const LoadState *st, const ErrorData *ed)
{
	int			len = (int) strlen(st->text);
	int			pos = ed->cursorpos > 0 ? ed->cursorpos : ed->internalpos;

	if (st->stmt_start < 0)
		return mg_line_at(st->text, 1, pos > 0 ? migrate_char_to_byte(st->text, len, pos) : 0);
	if (pos > 0)
		return mg_line_at(st->text, 1, st->stmt_start +
						  migrate_char_to_byte(st->text + st->stmt_start, st->stmt_len, pos));
	return mg_line_at(st->text, 1, mg_sql_skip_blank(st->text, st->stmt_start,
													 st->stmt_start + st->stmt_len));
}

static void
run(const char *sql, const char *what)
{
	int			rc = SPI_execute(sql, false, 0);

	if (rc < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TRANSACTION_STATE),
				 errmsg("%s cannot run inside migrate: %s", what, SPI_result_code_string(rc))));
	SPI_freetuptable(SPI_tuptable);
}

/* Blank out the word CONCURRENTLY (a keyword: no quotes around it). */
static void
strip_concurrently(char *sql)
{
	for (char *p = sql; *p; p++)
		if (pg_strncasecmp(p, "concurrently", 12) == 0 &&
			(p == sql || !isalnum((unsigned char) p[-1])) &&
			!isalnum((unsigned char) p[12]) && p[12] != '_')
		{
			memset(p, ' ', 12);
			return;
		}
}

/*
 * Run desired; returns what it said about schemas and extensions that are
 * already there.
 */
static void
run_desired(LoadState *st, const MgStrList *schemas, MgStrList *schemas_named,
			MgStrList *extensions)
{
	MemoryContext cxt = CurrentMemoryContext;
	List	   *stmts;
	ListCell   *lc;

	st->stmt_start = -1;
	stmts = pg_parse_query(st->text);
	foreach(lc, stmts)
	{
		RawStmt    *rs = lfirst_node(RawStmt, lc);
		Node	   *n = rs->stmt;
		int			start,
					end;
		char	   *sql;

		apply_statement_bounds(st->text, rs, &start, &end);
		st->stmt_start = start;
		st->stmt_len = end - start;
		if (IsA(n, TransactionStmt))
			continue;
		if (IsA(n, CreateSchemaStmt) && ((CreateSchemaStmt *) n)->schemaname &&
			mg_strlist_contains(schemas, ((CreateSchemaStmt *) n)->schemaname))
		{
			if (((CreateSchemaStmt *) n)->schemaElts != NIL)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("CREATE SCHEMA with elements is not supported in a desired schema"),
						 errhint("Write CREATE SCHEMA, then each object as a statement of its own.")));
			mg_strlist_add(schemas_named, ((CreateSchemaStmt *) n)->schemaname);
			continue;
		}
		if (IsA(n, CreateExtensionStmt))
		{
			const char *ext = ((CreateExtensionStmt *) n)->extname;

			mg_strlist_add(extensions, ext);
			if (OidIsValid(get_extension_oid(ext, true)))
				continue;
		}
		sql = pnstrdup(st->text + start, end - start);
		if (IsA(n, IndexStmt) && ((IndexStmt *) n)->concurrent)
			strip_concurrently(sql);
		run(sql, "this statement");
		MemoryContextSwitchTo(cxt);
	}
}

static char *
scratch_name(int i)
{
	uint8		r[4];

	mg_random_bytes(r, sizeof(r));
	return psprintf("migrate_scratch_%d_%02x%02x%02x%02x", i, r[0], r[1], r[2], r[3]);
}

/* In the subtransaction: make room, run desired, read it. */
static void
load_desired(LoadState *st, const MgStrList *schemas, MgSchemaModel *want)
{
	MemoryContext cxt = CurrentMemoryContext;
	SchemaReadOptions opt;
	StringInfoData path;
	MgStrList	named = {0};
	MgStrList	extensions = {0};
	MgStrList	keep = {0};

	memset(&opt, 0, sizeof(opt));
	opt.schemas = *schemas;
	opt.side = "desired";
	initStringInfo(&path);
	for (int i = 0; i < schemas->count; i++)
	{
		const char *s = schemas->items[i];

		appendStringInfo(&path, "%s%s", i ? ", " : "", quote_identifier(s));
		if (OidIsValid(get_namespace_oid(s, true)))
		{
			char	   *alias = scratch_name(i);

			run(psprintf("ALTER SCHEMA %s RENAME TO %s", quote_identifier(s),
						 quote_identifier(alias)), "ALTER SCHEMA");
			mg_strlist_add(&opt.aliases, alias);
		}
		else
			mg_strlist_add(&opt.aliases, scratch_name(i));
		run(psprintf("CREATE SCHEMA %s", quote_identifier(s)), "CREATE SCHEMA");
		MemoryContextSwitchTo(cxt);
	}
	for (int i = 0; i < opt.aliases.count; i++)
		appendStringInfo(&path, ", %s", quote_identifier(opt.aliases.items[i]));
	(void) set_config_option("search_path", path.data, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SET, true, 0, false);
	(void) set_config_option("check_function_bodies", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SET, true, 0, false);

	run_desired(st, schemas, &named, &extensions);
	st->stmt_start = -2;

	/* a compared schema is desired when named, used, or public */
	for (int i = 0; i < schemas->count; i++)
	{
		const char *s = schemas->items[i];
		Oid			types[1] = {TEXTOID};
		Datum		arg = CStringGetTextDatum(s);

		if (strcmp(s, "public") == 0 || mg_strlist_contains(&named, s))
		{
			mg_strlist_add(&keep, s);
			continue;
		}
		if (SPI_execute_with_args("SELECT 1 FROM pg_catalog.pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) $1"
								  " AND (EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.relnamespace OPERATOR(pg_catalog.=) n.oid)"
								  " OR EXISTS (SELECT 1 FROM pg_catalog.pg_type t WHERE t.typnamespace OPERATOR(pg_catalog.=) n.oid)"
								  " OR EXISTS (SELECT 1 FROM pg_catalog.pg_proc p WHERE p.pronamespace OPERATOR(pg_catalog.=) n.oid))",
								  1, types, &arg, NULL, false, 1) != SPI_OK_SELECT)
			elog(ERROR, "migrate: could not look at schema %s", s);
		if (SPI_processed > 0)
			mg_strlist_add(&keep, s);
		MemoryContextSwitchTo(cxt);
	}
	opt.only_schemas = &keep;
	opt.only_extensions = &extensions;
	schema_read(&opt, want);
}

void
schema_load_pair(const char *desired, const MgStrList *schemas,
				 MgSchemaModel *live, MgSchemaModel *want)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	SchemaReadOptions lo;
	LoadState  *st = palloc0(sizeof(LoadState));

	memset(&lo, 0, sizeof(lo));
	lo.schemas = *schemas;
	lo.side = "the database";
	schema_read(&lo, live);

	st->text = desired;
	st->stmt_start = -2;
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		load_desired(st, schemas, want);
	}
	PG_CATCH();
	{
		ErrorData  *ed = migrate_subxact_caught(cxt, owner);

		if (st->stmt_start >= -1)
		{
			ed->message = psprintf("desired:%d: %s", error_line(st, ed), ed->message);
			ed->cursorpos = 0;
			ed->internalpos = 0;
			ed->internalquery = NULL;
		}
		ReThrowError(ed);
	}
	PG_END_TRY();
	RollbackAndReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(cxt);
	CurrentResourceOwner = owner;
}

void
schema_run_ddl(const char *sql)
{
	MemoryContext cxt = CurrentMemoryContext;
	List	   *stmts = pg_parse_query(sql);
	ListCell   *lc;

	foreach(lc, stmts)
	{
		RawStmt    *rs = lfirst_node(RawStmt, lc);
		int			start,
					end;

		apply_statement_bounds(sql, rs, &start, &end);
		run(pnstrdup(sql + start, end - start), "a generated statement");
		MemoryContextSwitchTo(cxt);
	}
}
