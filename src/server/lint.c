/*
 * lint.c — lint(revision) and lint_script(script, source) (SPEC §9): the
 * upgrade section's statements as PostgreSQL's own parser reads them,
 * checked for what is dangerous on a live database.  The rules (names,
 * explanations, alternatives, silencing) are the shared core's
 * (src/common/lint.c); this file only recognises them in parse trees.
 *
 * "An existing table" is one the section did not create itself: CREATE
 * INDEX or ADD COLUMN on a table created a few statements earlier is fine.
 * Where the live catalog can tell, it does: a DEFAULT is volatile when a
 * function it calls is (pg_proc.provolatile), SET NOT NULL is safe when a
 * validated CHECK (col IS NOT NULL) exists or the section validated a
 * constraint of the table before it, and require-lock-timeout is not
 * reported when migrate.lock_timeout is set where lint runs.
 */
#include "migrate.h"
#include "lint.h"
#include "sqltext.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/tablecmds.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "storage/lockdefs.h"
#include "utils/builtins.h"
#include "utils/guc.h"

PG_FUNCTION_INFO_V1(migrate_lint);
PG_FUNCTION_INFO_V1(migrate_lint_script);

typedef struct Linter
{
	MgLint		out;
	MgLintSection sec;
	bool		transactional;
	List	   *created;		/* names (char *) of tables created here */
	List	   *validated;		/* tables with a VALIDATE CONSTRAINT here */
	bool		lock_timeout;	/* SET lock_timeout seen, or the GUC is set */
	bool		lock_reported;
	size_t		off;			/* the statement's offset in the body */
} Linter;

static void
add(Linter *lt, MgLintRule rule, const char *detail)
{
	mg_lint_add(&lt->out, &lt->sec, lt->off, rule, detail);
}

static bool
created_here(Linter *lt, const RangeVar *rv)
{
	ListCell   *lc;

	foreach(lc, lt->created)
		if (strcmp((char *) lfirst(lc), rv->relname) == 0)
			return true;
	return false;
}

static bool
named_in(List *names, const RangeVar *rv)
{
	ListCell   *lc;

	foreach(lc, names)
		if (strcmp((char *) lfirst(lc), rv->relname) == 0)
			return true;
	return false;
}

/* The last name of a type ("int4", "serial", "bpchar"). */
static const char *
type_name(const TypeName *t)
{
	return t && t->names ? strVal(llast(t->names)) : "";
}

/* ---- column definitions ---- */

typedef struct Volatile
{
	bool		found;
} Volatile;

/* Is a function of that (maybe qualified) name volatile, or unknown? */
static bool
func_volatile(List *funcname)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2];
	char		nulls[2] = {' ', ' '};
	bool		isnull;
	Datum		d;

	values[0] = CStringGetTextDatum(strVal(llast(funcname)));
	if (list_length(funcname) > 1)
		values[1] = CStringGetTextDatum(strVal(linitial(funcname)));
	else
		nulls[1] = 'n';
	migrate_spi_exec("SELECT pg_catalog.bool_or(p.provolatile OPERATOR(pg_catalog.=) 'v')"
					 " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace"
					 " WHERE p.proname OPERATOR(pg_catalog.=) $1"
					 " AND ($2 IS NULL OR n.nspname OPERATOR(pg_catalog.=) $2)",
					 2, types, values, nulls, true, SPI_OK_SELECT, "reading functions");
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return isnull || DatumGetBool(d);	/* unknown: assume the worst */
}

static bool
volatile_walker(Node *node, Volatile *v)
{
	if (node == NULL)
		return false;
	if (IsA(node, FuncCall) && func_volatile(((FuncCall *) node)->funcname))
	{
		v->found = true;
		return true;
	}
	return raw_expression_tree_walker(node, volatile_walker, (void *) v);
}

/* Types: char(n), serial, and an int primary key. */
static void
check_type(Linter *lt, const ColumnDef *cd, bool primary)
{
	const char *t = type_name(cd->typeName);
	char	   *what = psprintf("column %s", cd->colname);

	if (strcmp(t, "bpchar") == 0)
		add(lt, MG_LINT_BAN_CHAR_FIELD, what);
	if (strcmp(t, "serial") == 0 || strcmp(t, "serial4") == 0 || strcmp(t, "bigserial") == 0 ||
		strcmp(t, "serial8") == 0 || strcmp(t, "smallserial") == 0 || strcmp(t, "serial2") == 0)
		add(lt, MG_LINT_PREFER_IDENTITY, what);
	if (primary && (strcmp(t, "int4") == 0 || strcmp(t, "int2") == 0 || strcmp(t, "serial") == 0 ||
					strcmp(t, "serial4") == 0 || strcmp(t, "smallserial") == 0 ||
					strcmp(t, "serial2") == 0))
		add(lt, MG_LINT_PREFER_BIGINT_OVER_INT, psprintf("primary key column %s", cd->colname));
}

static bool
column_has(const ColumnDef *cd, ConstrType type)
{
	ListCell   *lc;

	foreach(lc, cd->constraints)
		if (lfirst_node(Constraint, lc)->contype == type)
			return true;
	return false;
}

/* ALTER TABLE ... ADD COLUMN on an existing table. */
static void
check_add_column(Linter *lt, const ColumnDef *cd)
{
	ListCell   *lc;
	Node	   *def = NULL;
	bool		generated = false;
	char	   *what = psprintf("column %s", cd->colname);

	foreach(lc, cd->constraints)
	{
		Constraint *c = lfirst_node(Constraint, lc);

		if (c->contype == CONSTR_DEFAULT)
			def = c->raw_expr;
		else if (c->contype == CONSTR_GENERATED)
			generated = true;
	}
	check_type(lt, cd, column_has(cd, CONSTR_PRIMARY));
	if (column_has(cd, CONSTR_NOTNULL) && def == NULL && !generated &&
		!column_has(cd, CONSTR_IDENTITY) && !column_has(cd, CONSTR_PRIMARY))
		add(lt, MG_LINT_ADDING_REQUIRED_FIELD, what);
	if (generated)
		add(lt, MG_LINT_ADDING_FIELD_WITH_DEFAULT, psprintf("generated column %s", cd->colname));
	else if (def)
	{
		Volatile	v = {false};

		volatile_walker(def, &v);
		if (v.found)
			add(lt, MG_LINT_ADDING_FIELD_WITH_DEFAULT, what);
	}
	if (column_has(cd, CONSTR_UNIQUE))
		add(lt, MG_LINT_DISALLOWED_UNIQUE_CONSTRAINT, what);
	if (column_has(cd, CONSTR_PRIMARY))
		add(lt, MG_LINT_ADDING_PRIMARY_KEY, what);
}

/* ADD CONSTRAINT on an existing table. */
static void
check_add_constraint(Linter *lt, const Constraint *c)
{
	char	   *what = c->conname ? psprintf("constraint %s", c->conname) : NULL;

	switch (c->contype)
	{
		case CONSTR_FOREIGN:
			if (!c->skip_validation)
			{
				add(lt, MG_LINT_CONSTRAINT_MISSING_NOT_VALID, what);
				add(lt, MG_LINT_ADDING_FOREIGN_KEY_CONSTRAINT, what);
			}
			break;
		case CONSTR_CHECK:
			if (!c->skip_validation)
				add(lt, MG_LINT_CONSTRAINT_MISSING_NOT_VALID, what);
			break;
		case CONSTR_UNIQUE:
			if (c->indexname == NULL)
				add(lt, MG_LINT_DISALLOWED_UNIQUE_CONSTRAINT, what);
			break;
		case CONSTR_PRIMARY:
			if (c->indexname == NULL)
				add(lt, MG_LINT_ADDING_PRIMARY_KEY, what);
			break;
		default:
			break;
	}
}

/* SET NOT NULL with a validated CHECK (col IS NOT NULL) skips the scan. */
static bool
not_null_checked(Linter *lt, const RangeVar *rv, const char *col)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2];

	if (named_in(lt->validated, rv))
		return true;
	values[0] = CStringGetTextDatum(rv->schemaname ? quote_qualified_identifier(rv->schemaname, rv->relname)
									: quote_identifier(rv->relname));
	values[1] = CStringGetTextDatum(psprintf("CHECK ((%s IS NOT NULL))", quote_identifier(col)));
	return migrate_spi_exec("SELECT 1 FROM pg_catalog.pg_constraint c"
							" WHERE c.conrelid OPERATOR(pg_catalog.=) pg_catalog.to_regclass($1)"
							" AND c.contype OPERATOR(pg_catalog.=) 'c' AND c.convalidated"
							" AND pg_catalog.pg_get_constraintdef(c.oid) OPERATOR(pg_catalog.=) $2",
							2, types, values, NULL, true, SPI_OK_SELECT, "reading constraints") > 0;
}

/* Once per section: an ACCESS EXCLUSIVE lock taken without lock_timeout. */
static void
check_lock(Linter *lt, LOCKMODE mode, const RangeVar *rv)
{
	if (mode < AccessExclusiveLock || lt->lock_timeout || lt->lock_reported ||
		(rv && created_here(lt, rv)))
		return;
	lt->lock_reported = true;
	add(lt, MG_LINT_REQUIRE_LOCK_TIMEOUT, rv ? psprintf("table %s", rv->relname) : NULL);
}

static void
lint_alter_table(Linter *lt, AlterTableStmt *at)
{
	ListCell   *lc;

	if (at->objtype != OBJECT_TABLE || created_here(lt, at->relation))
		return;
	check_lock(lt, AlterTableGetLockLevel(at->cmds), at->relation);
	foreach(lc, at->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);

		switch (cmd->subtype)
		{
			case AT_AddColumn:
				check_add_column(lt, castNode(ColumnDef, cmd->def));
				break;
			case AT_AlterColumnType:
				add(lt, MG_LINT_CHANGING_COLUMN_TYPE, psprintf("column %s", cmd->name));
				break;
			case AT_AddConstraint:
				check_add_constraint(lt, castNode(Constraint, cmd->def));
				break;
			case AT_SetNotNull:
				if (!not_null_checked(lt, at->relation, cmd->name))
					add(lt, MG_LINT_ADDING_NOT_NULLABLE_FIELD, psprintf("column %s", cmd->name));
				break;
			case AT_DropColumn:
				add(lt, MG_LINT_BAN_DROP_COLUMN, psprintf("column %s", cmd->name));
				break;
			case AT_ValidateConstraint:
				lt->validated = lappend(lt->validated, at->relation->relname);
				break;
			default:
				break;
		}
	}
}

static void
lint_create_table(Linter *lt, CreateStmt *cs)
{
	ListCell   *lc;
	List	   *pk = NIL;

	lt->created = lappend(lt->created, cs->relation->relname);
	foreach(lc, cs->constraints)
		if (lfirst_node(Constraint, lc)->contype == CONSTR_PRIMARY)
			pk = lfirst_node(Constraint, lc)->keys;
	foreach(lc, cs->tableElts)
	{
		ColumnDef  *cd;
		bool		primary;
		ListCell   *k;

		if (!IsA(lfirst(lc), ColumnDef))
			continue;
		cd = lfirst_node(ColumnDef, lc);
		primary = column_has(cd, CONSTR_PRIMARY);
		foreach(k, pk)
			if (strcmp(strVal(lfirst(k)), cd->colname) == 0)
				primary = true;
		check_type(lt, cd, primary);
	}
}

static void
lint_drop(Linter *lt, DropStmt *ds)
{
	ListCell   *lc;

	if (ds->removeType == OBJECT_TABLE)
		foreach(lc, ds->objects)
		{
			RangeVar   *rv = makeRangeVarFromNameList(lfirst(lc));

			if (created_here(lt, rv))
				continue;
			check_lock(lt, AccessExclusiveLock, rv);
			add(lt, MG_LINT_BAN_DROP_TABLE, psprintf("table %s", NameListToString(lfirst(lc))));
		}
	else if (ds->removeType == OBJECT_INDEX && !ds->concurrent)
	{
		check_lock(lt, AccessExclusiveLock, NULL);
		add(lt, MG_LINT_REQUIRE_CONCURRENT_INDEX_DELETION, NULL);
	}
	else if (ds->removeType == OBJECT_INDEX && lt->transactional)
		add(lt, MG_LINT_CONCURRENT_INDEX_IN_TRANSACTION, NULL);
}

static void
lint_statement(Linter *lt, Node *n)
{
	switch (nodeTag(n))
	{
		case T_AlterTableStmt:
			lint_alter_table(lt, (AlterTableStmt *) n);
			break;
		case T_CreateStmt:
			lint_create_table(lt, (CreateStmt *) n);
			break;
		case T_IndexStmt:
			{
				IndexStmt  *is = (IndexStmt *) n;

				if (is->concurrent && lt->transactional)
					add(lt, MG_LINT_CONCURRENT_INDEX_IN_TRANSACTION,
						is->idxname ? psprintf("index %s", is->idxname) : NULL);
				else if (!is->concurrent && !created_here(lt, is->relation))
					add(lt, MG_LINT_REQUIRE_CONCURRENT_INDEX_CREATION,
						is->idxname ? psprintf("index %s on %s", is->idxname, is->relation->relname)
						: psprintf("an index on %s", is->relation->relname));
				break;
			}
		case T_DropStmt:
			lint_drop(lt, (DropStmt *) n);
			break;
		case T_RenameStmt:
			{
				RenameStmt *rs = (RenameStmt *) n;

				if (rs->renameType == OBJECT_COLUMN && rs->relationType == OBJECT_TABLE &&
					!created_here(lt, rs->relation))
				{
					check_lock(lt, AccessExclusiveLock, rs->relation);
					add(lt, MG_LINT_RENAMING_COLUMN, psprintf("column %s.%s", rs->relation->relname, rs->subname));
				}
				else if (rs->renameType == OBJECT_TABLE && !created_here(lt, rs->relation))
				{
					check_lock(lt, AccessExclusiveLock, rs->relation);
					add(lt, MG_LINT_RENAMING_TABLE, psprintf("table %s", rs->relation->relname));
				}
				break;
			}
		case T_DropdbStmt:
			add(lt, MG_LINT_BAN_DROP_DATABASE, psprintf("database %s", ((DropdbStmt *) n)->dbname));
			break;
		case T_TransactionStmt:
			add(lt, MG_LINT_TRANSACTION_NESTING, NULL);
			break;
		case T_VariableSetStmt:
			if (((VariableSetStmt *) n)->name &&
				strcmp(((VariableSetStmt *) n)->name, "lock_timeout") == 0)
				lt->lock_timeout = true;
			break;
		case T_TruncateStmt:
			check_lock(lt, AccessExclusiveLock, linitial(((TruncateStmt *) n)->relations));
			break;
		default:
			break;
	}
}

/* ---- one section ---- */

typedef struct LintWhere
{
	const MgLintSection *sec;
	const char *source;
} LintWhere;

static void
lint_context(void *arg)
{
	const LintWhere *w = arg;

	errcontext("linting revision %s%s%s", w->sec->revision, w->source ? ", file " : "",
			   w->source ? w->source : "");
}

/*
 * The section's statements; a syntax error is raised again naming the
 * file line it is on (the parser's position is in the section's text).
 */
static List *
parse_section(const MgLintSection *sec, const char *source)
{
	MemoryContext cxt = CurrentMemoryContext;
	List	   *stmts = NIL;

	PG_TRY();
	{
		stmts = raw_parser(sec->body, RAW_PARSE_DEFAULT);
	}
	PG_CATCH();
	{
		ErrorData  *ed;
		int			line;

		MemoryContextSwitchTo(cxt);
		ed = CopyErrorData();
		FlushErrorState();
		line = ed->cursorpos > 0
			? mg_line_at(sec->body, sec->body_line,
						 (size_t) migrate_char_to_byte(sec->body, (int) strlen(sec->body), ed->cursorpos))
			: sec->body_line;
		/* a malformed file, as the store reports one (22P02: exit 2) */
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("%s:%d: %s", source ? source : sec->revision, line, ed->message),
				 errdetail("Revision %s cannot be linted: its upgrade section does not parse.", sec->revision)));
	}
	PG_END_TRY();
	return stmts;
}

static void
lint_section(MgLint *out, const char *revision, const char *source, const char *body,
			 int body_line, bool transactional)
{
	Linter		lt;
	List	   *stmts;
	ListCell   *lc;
	ErrorContextCallback cb;
	LintWhere	where;
	const char *guc = GetConfigOption("migrate.lock_timeout", true, false);

	memset(&lt, 0, sizeof(lt));
	lt.out = *out;
	lt.sec.revision = revision;
	lt.sec.body = body;
	lt.sec.body_line = body_line;
	lt.transactional = transactional;
	lt.lock_timeout = guc && strcmp(guc, "0") != 0;
	where.sec = &lt.sec;
	where.source = source;
	cb.callback = lint_context;
	cb.arg = &where;
	cb.previous = error_context_stack;
	error_context_stack = &cb;
	stmts = parse_section(&lt.sec, source);
	mg_lint_check_ignores(&lt.out, &lt.sec);
	foreach(lc, stmts)
	{
		RawStmt    *rs = lfirst_node(RawStmt, lc);

		CHECK_FOR_INTERRUPTS();
		lt.off = (size_t) rs->stmt_location;
		lint_statement(&lt, rs->stmt);
	}
	error_context_stack = cb.previous;
	{
		/* this section's findings in line order */
		MgLint		mine = {lt.out.items + out->count, lt.out.count - out->count, 0};

		mg_lint_sort(&mine);
	}
	*out = lt.out;
}

static void
put_findings(ReturnSetInfo *rsinfo, const MgLint *l, int from)
{
	for (int i = from; i < l->count; i++)
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		values[0] = CStringGetTextDatum(l->items[i].revision);
		values[1] = Int32GetDatum(l->items[i].line);
		values[2] = CStringGetTextDatum(mg_lint_rules[l->items[i].rule].name);
		values[3] = CStringGetTextDatum(l->items[i].message);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

/* lint(revision): the catalog's revisions (NULL: all, in id order). */
Datum
migrate_lint(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MgLint		l = {0};
	char	  **ids;
	char	   *id = NULL;
	int			n;

	InitMaterializedSRF(fcinfo, 0);
	migrate_spi_connect();
	if (PG_ARGISNULL(0))
	{
		migrate_spi_exec("SELECT id FROM migrate.revision ORDER BY id", 0, NULL, NULL, NULL,
						 true, SPI_OK_SELECT, "reading revisions");
		n = (int) SPI_processed;
		ids = palloc(sizeof(char *) * (n + 1));
		for (int i = 0; i < n; i++)
			ids[i] = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
	}
	else
	{
		MigrateCatalog cat;

		id = text_to_cstring(PG_GETARG_TEXT_PP(0));
		catalog_load(&cat, true);
		(void) catalog_node(&cat, id);	/* an unknown revision is an error */
		ids = &id;
		n = 1;
	}
	for (int i = 0; i < n; i++)
	{
		MigrateRevision rev;

		catalog_fetch(ids[i], &rev);
		lint_section(&l, rev.id, rev.source, rev.upgrade, rev.upgrade_line, rev.transactional);
	}
	put_findings(rsinfo, &l, 0);
	SPI_finish();
	return (Datum) 0;
}

/* lint_script(script, source): a revision file, as the program reads it. */
Datum
migrate_lint_script(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *script = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *source = PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1));
	MgRevFile	rf;
	MgRevSelected sel;
	MgLint		l = {0};

	InitMaterializedSRF(fcinfo, 0);
	store_parse(script, source, &rf, &sel);
	migrate_spi_connect();
	lint_section(&l, rf.id, source, sel.upgrade->body, sel.upgrade->body_line, rf.transactional);
	put_findings(rsinfo, &l, 0);
	SPI_finish();
	return (Datum) 0;
}
