/*
 * journal.c — the journal of transaction-false revisions (SPEC §9).
 *
 * The migrate program runs a transaction-false revision statement by
 * statement in autocommit (SPEC 4.6).  After each statement it commits a
 * journal row (journal_write) saying how many statements are done, so a
 * run that was killed resumes after the last completed one.  The statement
 * that was running when the run died may have left something behind:
 * journal_inspect() tells the program what (an INVALID index from an
 * interrupted CREATE INDEX CONCURRENTLY, to drop and build again; an index
 * that the statement did build, or drop, before the run died).  record()
 * deletes the revision's row with its history row (journal_forget), stamp()
 * clears the journal (journal_clear), and problems()/status() report every
 * row as "partially applied" (journal_partials).
 */
#include "migrate.h"
#include "journal.h"

#include "access/xact.h"
#include "catalog/index.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "commands/dbcommands.h"
#include "commands/defrem.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

PG_FUNCTION_INFO_V1(migrate_journal_write);
PG_FUNCTION_INFO_V1(migrate_journal_inspect);

Datum
migrate_journal_write(PG_FUNCTION_ARGS)
{
	char	   *id = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *action = text_to_cstring(PG_GETARG_TEXT_PP(1));
	int32		done = PG_GETARG_INT32(2);
	int32		total = PG_GETARG_INT32(3);
	Oid			types[6] = {TEXTOID, TEXTOID, INT4OID, INT4OID, TEXTOID, INT4OID};
	Datum		values[6];

	if (strcmp(action, "upgrade") != 0 && strcmp(action, "downgrade") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("action must be \"upgrade\" or \"downgrade\"")));
	if (done < 0 || total < done)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("done must be between 0 and total")));
	migrate_begin_change();
	migrate_spi_connect();
	{
		MigrateCatalog cat;

		catalog_load(&cat, false);
		if (cat.transactional[catalog_node(&cat, id)])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("revision %s runs in a transaction: only transaction-false revisions are journaled", id)));
	}
	values[0] = CStringGetTextDatum(id);
	values[1] = CStringGetTextDatum(action);
	values[2] = Int32GetDatum(done);
	values[3] = Int32GetDatum(total);
	values[4] = PG_GETARG_DATUM(4);
	values[5] = Int32GetDatum(MyProcPid);
	migrate_spi_exec("INSERT INTO migrate.journal AS j"
					 " (revision, action, done, total, done_hash, pid)"
					 " VALUES ($1, $2, $3, $4, $5, $6)"
					 " ON CONFLICT (revision) DO UPDATE SET action = EXCLUDED.action,"
					 " done = EXCLUDED.done, total = EXCLUDED.total,"
					 " done_hash = EXCLUDED.done_hash, pid = EXCLUDED.pid,"
					 " updated_at = pg_catalog.clock_timestamp()",
					 6, types, values, NULL, false, SPI_OK_INSERT, "writing the journal");
	catalog_refresh_state();
	SPI_finish();
	PG_RETURN_VOID();
}

/* ---- what an interrupted statement left ---- */

typedef struct Inspect
{
	ReturnSetInfo *rsinfo;
} Inspect;

static void
put(Inspect *in, const char *action, const char *sql, const char *note)
{
	Datum		values[3];
	bool		nulls[3] = {false, sql == NULL, false};

	values[0] = CStringGetTextDatum(action);
	values[1] = sql ? CStringGetTextDatum(sql) : (Datum) 0;
	values[2] = CStringGetTextDatum(note);
	tuplestore_putvalues(in->rsinfo->setResult, in->rsinfo->setDesc, values, nulls);
}

/* The index named name in the schema of table rel (or of rv), if any. */
static Oid
index_named(RangeVar *table, const char *name)
{
	Oid			rel = RangeVarGetRelid(table, NoLock, true);

	if (!OidIsValid(rel))
		return InvalidOid;
	return get_relname_relid(name, get_rel_namespace(rel));
}

static bool
index_valid(Oid index)
{
	HeapTuple	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(index));
	bool		valid;

	if (!HeapTupleIsValid(tup))
		return false;
	valid = ((Form_pg_index) GETSTRUCT(tup))->indisvalid;
	ReleaseSysCache(tup);
	return valid;
}

static char *
qualified(Oid rel)
{
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(rel)),
									  get_rel_name(rel));
}

/*
 * CREATE INDEX CONCURRENTLY name: an INVALID index of that name is what an
 * interrupted build leaves (drop it, build again); a valid one means the
 * build completed before the run died.
 */
static void
inspect_create_index(Inspect *in, IndexStmt *is)
{
	Oid			index;
	char	   *name;

	if (!is->concurrent || is->idxname == NULL)
		return;
	index = index_named(is->relation, is->idxname);
	if (!OidIsValid(index))
		return;
	name = qualified(index);
	if (!index_valid(index))
		put(in, "repair", psprintf("DROP INDEX CONCURRENTLY %s", name),
			psprintf("dropped the INVALID index %s left by the interrupted CREATE INDEX CONCURRENTLY; building it again",
					 name));
	else if (!is->if_not_exists)
		put(in, "done", NULL,
			psprintf("index %s exists and is valid: the interrupted CREATE INDEX CONCURRENTLY had completed", name));
}

/* DROP INDEX [CONCURRENTLY] name: gone already means it completed. */
static void
inspect_drop_index(Inspect *in, DropStmt *ds)
{
	List	   *names;
	RangeVar   *rv;

	if (ds->removeType != OBJECT_INDEX || ds->missing_ok || list_length(ds->objects) != 1)
		return;
	names = linitial(ds->objects);
	rv = makeRangeVarFromNameList(names);
	if (!OidIsValid(RangeVarGetRelid(rv, NoLock, true)))
		put(in, "done", NULL,
			psprintf("index %s no longer exists: the interrupted DROP INDEX had completed",
					 NameListToString(names)));
}

/*
 * REINDEX ... CONCURRENTLY: the INVALID "_ccnew"/"_ccold" copies an
 * interrupted rebuild leaves on the table are dropped before it runs again.
 */
static void
inspect_reindex(Inspect *in, ReindexStmt *rs)
{
	bool		concurrent = false;
	Oid			rel,
				table;
	ListCell   *lc;
	Oid			types[1] = {OIDOID};
	Datum		values[1];

	foreach(lc, rs->params)
		if (strcmp(lfirst_node(DefElem, lc)->defname, "concurrently") == 0)
			concurrent = defGetBoolean(lfirst_node(DefElem, lc));
	if (!concurrent || rs->relation == NULL ||
		(rs->kind != REINDEX_OBJECT_INDEX && rs->kind != REINDEX_OBJECT_TABLE))
		return;
	rel = RangeVarGetRelid(rs->relation, NoLock, true);
	if (!OidIsValid(rel))
		return;
	table = rs->kind == REINDEX_OBJECT_INDEX ? IndexGetRelation(rel, false) : rel;
	values[0] = ObjectIdGetDatum(table);
	migrate_spi_exec("SELECT pg_catalog.format('%I.%I', n.nspname, c.relname)"
					 " FROM pg_catalog.pg_index i"
					 " JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.indexrelid"
					 " JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace"
					 " WHERE i.indrelid OPERATOR(pg_catalog.=) $1 AND NOT i.indisvalid"
					 " AND c.relname OPERATOR(pg_catalog.~) '_cc(new|old)[0-9]*$'"
					 " ORDER BY c.relname",
					 1, types, values, NULL, true, SPI_OK_SELECT, "reading invalid indexes");
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		char	   *name = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);

		put(in, "repair", psprintf("DROP INDEX CONCURRENTLY %s", name),
			psprintf("dropped the INVALID index %s left by the interrupted REINDEX CONCURRENTLY", name));
	}
}

Datum
migrate_journal_inspect(PG_FUNCTION_ARGS)
{
	Inspect		in;
	List	   *stmts;

	InitMaterializedSRF(fcinfo, 0);
	in.rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	stmts = raw_parser(text_to_cstring(PG_GETARG_TEXT_PP(0)), RAW_PARSE_DEFAULT);
	if (list_length(stmts) != 1)
		PG_RETURN_NULL();
	migrate_spi_connect();
	{
		Node	   *n = linitial_node(RawStmt, stmts)->stmt;

		if (IsA(n, IndexStmt))
			inspect_create_index(&in, (IndexStmt *) n);
		else if (IsA(n, DropStmt))
			inspect_drop_index(&in, (DropStmt *) n);
		else if (IsA(n, ReindexStmt))
			inspect_reindex(&in, (ReindexStmt *) n);
		else if (IsA(n, CreatedbStmt) &&
				 OidIsValid(get_database_oid(((CreatedbStmt *) n)->dbname, true)))
			put(&in, "done", NULL, psprintf("database %s exists: the interrupted CREATE DATABASE had completed",
											((CreatedbStmt *) n)->dbname));
		else if (IsA(n, DropdbStmt) && !((DropdbStmt *) n)->missing_ok &&
				 !OidIsValid(get_database_oid(((DropdbStmt *) n)->dbname, true)))
			put(&in, "done", NULL, psprintf("database %s no longer exists: the interrupted DROP DATABASE had completed",
											((DropdbStmt *) n)->dbname));
	}
	SPI_finish();
	return (Datum) 0;
}

/* ---- for record(), stamp() and the problems ---- */

/* A catalog of version 0.2 (before ALTER EXTENSION UPDATE) has none. */
static bool
journal_exists(void)
{
	Oid			nsp = get_namespace_oid("migrate", true);

	return OidIsValid(nsp) && OidIsValid(get_relname_relid("journal", nsp));
}

/*
 * May the caller read it?  A monitoring role granted only the three
 * catalog tables (README) still gets validate() and status(), without
 * the partial runs.
 */
static bool
journal_readable(void)
{
	return journal_exists() &&
		pg_class_aclcheck(get_relname_relid("journal", get_namespace_oid("migrate", false)),
						  GetUserId(), ACL_SELECT) == ACLCHECK_OK;
}

void
journal_forget(const char *id)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(id)};

	if (!journal_exists())
		return;
	migrate_spi_exec("DELETE FROM migrate.journal WHERE revision OPERATOR(pg_catalog.=) $1",
					 1, types, values, NULL, false, SPI_OK_DELETE, "clearing the journal");
}

void
journal_clear(void)
{
	uint64		n;

	if (!journal_exists())
		return;
	n = migrate_spi_exec("DELETE FROM migrate.journal", 0, NULL, NULL, NULL, false,
									 SPI_OK_DELETE, "clearing the journal");

	if (n > 0)
		ereport(NOTICE,
				(errmsg("cleared the journal of %d partially run revision%s",
						(int) n, n == 1 ? "" : "s"),
				 errdetail("stamp() declares the state by hand: what the interrupted statements left is yours to keep or undo.")));
}

MgPartial *
journal_partials(int *n)
{
	MgPartial  *out;

	*n = 0;
	if (!journal_readable())
		return NULL;
	migrate_spi_exec("SELECT revision, action, done, total FROM migrate.journal ORDER BY revision",
					 0, NULL, NULL, NULL, true, SPI_OK_SELECT, "reading the journal");
	*n = (int) SPI_processed;
	out = palloc0(sizeof(MgPartial) * (*n + 1));
	for (int i = 0; i < *n; i++)
	{
		HeapTuple	t = SPI_tuptable->vals[i];
		TupleDesc	d = SPI_tuptable->tupdesc;

		out[i].revision = SPI_getvalue(t, d, 1);
		out[i].downgrade = strcmp(SPI_getvalue(t, d, 2), "downgrade") == 0;
		out[i].done = atoi(SPI_getvalue(t, d, 3));
		out[i].total = atoi(SPI_getvalue(t, d, 4));
	}
	return out;
}
