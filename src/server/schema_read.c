/*
 * schema_read.c — the catalog reader: pg_catalog -> schema model for a set
 * of schemas (see src/common/schema_model.h).
 *
 * Every definition is deparsed by PostgreSQL itself (pg_get_indexdef,
 * pg_get_constraintdef, pg_get_viewdef, pg_get_functiondef,
 * pg_get_triggerdef, format_type, pg_get_expr) while search_path is pinned
 * to the compared schemas (then the loader's aliases), so a name is
 * qualified exactly when it is outside them; pg_catalog is searched first
 * implicitly, so the caller's objects cannot reach into these queries.
 * Both sides of a diff are read by this file with the same path, which
 * makes their texts comparable byte for byte.
 *
 * Skipped: objects that belong to an extension (pg_depend deptype 'e'),
 * sequences of identity columns (part of the column), what partitions
 * inherit (columns, constraints, indexes, triggers cloned from the parent).
 * A sequence owned by a column (serial) is a sequence plus an OWNED BY
 * object.  Every other object kind found in a compared schema raises
 * 0A000 naming it: a diff never silently leaves something out.
 *
 * Dependencies come from pg_depend (normal and auto), mapped to model
 * keys through each object's catalog identities (a view's rewrite rule, a
 * column's default, a constraint's index, a type's array type).
 */
#include "migrate.h"

#include "catalog/pg_attrdef.h"
#include "catalog/pg_class.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "schema_read.h"

#define NOT_EXT(cls, oid) \
	" AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x WHERE x.classid = '" cls "'::pg_catalog.regclass" \
	" AND x.objid = " oid " AND x.deptype = 'e')"
#define IN_SCHEMAS(nsp) " " nsp " IN (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = ANY ($1))"
#define QNAME(nsp, name) "pg_catalog.quote_ident(" nsp ") || '.' || pg_catalog.quote_ident(" name ")"

char *
schema_ident_key(Oid cls, Oid oid, int sub)
{
	return psprintf("%u/%u/%d", cls, oid, sub);
}

static void
identity(SchemaReader *r, Oid cls, Oid oid, int sub, int obj, bool exact)
{
	char	   *k = schema_ident_key(cls, oid, sub);

	if (exact)
		mg_map_put(&r->ids, k, obj);
	mg_map_put(&r->alias, k, obj);
}

/*
 * The reader's queries, planned once per backend: each is a constant text
 * per call site, and a snapshot or a diff runs a score of them, so
 * planning them every time cost 8% of a snapshot of 1,000 tables.  They
 * read only pg_catalog (fully qualified), so a saved plan stays valid.
 */
typedef struct CachedQuery
{
	char	   *sql;
	SPIPlanPtr	plan;
	struct CachedQuery *next;
} CachedQuery;

static CachedQuery *cached_queries = NULL;

static SPIPlanPtr
query_plan(const char *sql)
{
	Oid			types[1] = {TEXTARRAYOID};
	CachedQuery *q;
	SPIPlanPtr	plan;

	for (q = cached_queries; q; q = q->next)
		if (strcmp(q->sql, sql) == 0)
			return q->plan;
	plan = SPI_prepare(sql, 1, types);
	if (plan == NULL)
		elog(ERROR, "migrate: could not plan a catalog query: %s", SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "migrate: could not keep a catalog query's plan");
	q = MemoryContextAlloc(TopMemoryContext, sizeof(CachedQuery));
	q->sql = MemoryContextStrdup(TopMemoryContext, sql);
	q->plan = plan;
	q->next = cached_queries;
	cached_queries = q;
	return plan;
}

/* Run one query with $1 = the schemas; rows stay in SPI_tuptable. */
uint64
schema_query(SchemaReader *r, const char *sql)
{
	/* not read-only: a fresh snapshot sees what desired just created */
	int			rc = SPI_execute_plan(query_plan(sql), &r->schemas, NULL, false, 0);

	MemoryContextSwitchTo(r->cxt);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "migrate: catalog query failed: %s", SPI_result_code_string(rc));
	return SPI_processed;
}

static char *
col(int row, int c)
{
	return SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, c);
}

static Oid
col_oid(int row, int c)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, c, &isnull);

	return isnull ? InvalidOid : DatumGetObjectId(d);
}

static const char *
alias_schema(SchemaReader *r, const char *nsp)
{
	for (int i = 0; i < r->opt->aliases.count; i++)
		if (strcmp(r->opt->aliases.items[i], nsp) == 0)
			return r->opt->schemas.items[i];
	return nsp;
}

/*
 * The generic object query: columns 1 kind, 2 sub, 3 schema, 4 table,
 * 5 name, 6 ident, 7 qname, 8 tident, 9 target, 10 def, 11 drop,
 * 12 class, 13 oid, 14 subid, then 15.. extra identities (class, oid)
 * pairs.
 */
static void
read_objects(SchemaReader *r, const char *sql, int extra_pairs)
{
	uint64		n = schema_query(r, sql);

	for (uint64 i = 0; i < n; i++)
	{
		MgObjKind	kind = (MgObjKind) atoi(col(i, 1));
		char	   *sub = col(i, 2);
		MgObject   *o;
		int			idx;

		if (kind == MG_OBJ_SCHEMA && r->opt->only_schemas &&
			!mg_strlist_contains(r->opt->only_schemas, col(i, 3)))
			continue;
		o = mg_model_add(r->m, kind, col(i, 3), col(i, 4), col(i, 5));
		idx = r->m->count - 1;
		if (o == NULL)
			continue;
		o->sub = sub ? sub[0] : '\0';
		o->ident = col(i, 6);
		o->qname = col(i, 7);
		o->tident = col(i, 8);
		o->target = col(i, 9);
		o->def = col(i, 10);
		o->drop = col(i, 11);
		identity(r, col_oid(i, 12), col_oid(i, 13), atoi(col(i, 14)), idx, true);
		for (int p = 0; p < extra_pairs; p++)
			if (col_oid(i, 16 + 2 * p) != InvalidOid)
				identity(r, col_oid(i, 15 + 2 * p), col_oid(i, 16 + 2 * p), 0, idx, false);
		if (o->kind != MG_OBJ_SCHEMA && o->schema)
			mg_model_dep(o, mg_model_key(MG_OBJ_SCHEMA, o->schema, NULL, NULL));
	}
	SPI_freetuptable(SPI_tuptable);
}

#define COMMON_REL(kind, sub, def, drop, target) \
	"SELECT " kind ", " sub ", n.nspname, NULL, c.relname, " QNAME("n.nspname", "c.relname") \
	", pg_catalog.quote_ident(c.relname), NULL, " target ", " def ", " drop \
	", 'pg_catalog.pg_class'::pg_catalog.regclass, c.oid, 0, 'pg_catalog.pg_type'::pg_catalog.regclass, c.reltype"

static void
read_relations(SchemaReader *r)
{
	char	   *sql;

	/* tables: def is what follows the column list */
	sql = psprintf("SELECT %d, c.relkind, n.nspname, NULL, c.relname, " QNAME("n.nspname", "c.relname")
				   ", pg_catalog.quote_ident(c.relname), NULL, 'TABLE ' || " QNAME("n.nspname", "c.relname")
				   ", CASE WHEN c.relispartition THEN 'PARTITION OF ' || (SELECT " QNAME("pn.nspname", "pc.relname")
				   "    FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent"
				   "    JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace WHERE i.inhrelid = c.oid)"
				   "    || ' ' || pg_catalog.pg_get_expr(c.relpartbound, c.oid)"
				   "  ELSE COALESCE(' INHERITS (' || (SELECT pg_catalog.string_agg(" QNAME("pn.nspname", "pc.relname") ", ', ' ORDER BY i.inhseqno)"
				   "    FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent"
				   "    JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace WHERE i.inhrelid = c.oid) || ')', '') END"
				   " || CASE WHEN c.relkind = 'p' THEN ' PARTITION BY ' || pg_catalog.pg_get_partkeydef(c.oid) ELSE '' END"
				   " || COALESCE(' WITH (' || pg_catalog.array_to_string(c.reloptions, ', ') || ')', ''),"
				   " 'DROP TABLE ' || " QNAME("n.nspname", "c.relname")
				   ", 'pg_catalog.pg_class'::pg_catalog.regclass, c.oid, 0, 'pg_catalog.pg_type'::pg_catalog.regclass, c.reltype,"
				   " c.relpersistence, c.relispartition"
				   " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
				   " WHERE c.relkind IN ('r', 'p') AND" IN_SCHEMAS("c.relnamespace") NOT_EXT("pg_catalog.pg_class", "c.oid"),
				   MG_OBJ_TABLE);
	{
		uint64		n = schema_query(r, sql);

		for (uint64 i = 0; i < n; i++)
		{
			MgObject   *o = mg_model_add(r->m, MG_OBJ_TABLE, col(i, 3), NULL, col(i, 5));
			int			idx = r->m->count - 1;

			if (o == NULL)
				continue;
			o->sub = col(i, 2)[0];
			o->ident = col(i, 6);
			o->qname = col(i, 7);
			o->target = col(i, 9);
			o->def = col(i, 10);
			o->drop = col(i, 11);
			o->persistence = col(i, 17)[0];
			o->partition = col(i, 18)[0] == 't';
			identity(r, col_oid(i, 12), col_oid(i, 13), 0, idx, true);
			identity(r, col_oid(i, 15), col_oid(i, 16), 0, idx, false);
			mg_model_dep(o, mg_model_key(MG_OBJ_SCHEMA, o->schema, NULL, NULL));
		}
		SPI_freetuptable(SPI_tuptable);
	}

	/* views and materialized views */
	sql = psprintf(COMMON_REL("CASE c.relkind WHEN 'v' THEN %d ELSE %d END", "c.relkind",
							  "'CREATE ' || CASE c.relkind WHEN 'v' THEN 'VIEW ' ELSE 'MATERIALIZED VIEW ' END || "
							  QNAME("n.nspname", "c.relname")
							  " || COALESCE(' WITH (' || pg_catalog.array_to_string(c.reloptions, ', ') || ')', '')"
							  " || ' AS' || pg_catalog.chr(10) || pg_catalog.pg_get_viewdef(c.oid)",
							  "'DROP ' || CASE c.relkind WHEN 'v' THEN 'VIEW ' ELSE 'MATERIALIZED VIEW ' END || "
							  QNAME("n.nspname", "c.relname"),
							  "CASE c.relkind WHEN 'v' THEN 'VIEW ' ELSE 'MATERIALIZED VIEW ' END || "
							  QNAME("n.nspname", "c.relname"))
				   ", 'pg_catalog.pg_rewrite'::pg_catalog.regclass, (SELECT w.oid FROM pg_catalog.pg_rewrite w"
				   "  WHERE w.ev_class = c.oid AND w.rulename = '_RETURN')"
				   " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
				   " WHERE c.relkind IN ('v', 'm') AND" IN_SCHEMAS("c.relnamespace") NOT_EXT("pg_catalog.pg_class", "c.oid"),
				   MG_OBJ_VIEW, MG_OBJ_MATVIEW);
	read_objects(r, sql, 2);
}

/* The sequence of identity column a of table c, and its options. */
#define IDENTITY_SEQ \
	"pg_catalog.pg_depend dp JOIN pg_catalog.pg_sequence s ON s.seqrelid = dp.objid" \
	" WHERE a.attidentity <> '' AND dp.classid = 'pg_catalog.pg_class'::pg_catalog.regclass" \
	" AND dp.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass" \
	" AND dp.refobjid = c.oid AND dp.refobjsubid = a.attnum AND dp.deptype = 'i'"
/* the options an identity column gets when none are given */
#define IDENTITY_DEFAULTS \
	"s.seqincrement = 1 AND s.seqmin = 1 AND s.seqstart = 1 AND s.seqcache = 1" \
	" AND NOT s.seqcycle AND s.seqmax = CASE s.seqtypid" \
	" WHEN 'pg_catalog.int2'::pg_catalog.regtype THEN 32767" \
	" WHEN 'pg_catalog.int4'::pg_catalog.regtype THEN 2147483647" \
	" ELSE 9223372036854775807 END"
#define IDENTITY_OPTS(set) \
	"'" set "START WITH ' || s.seqstart || ' " set "INCREMENT BY ' || s.seqincrement" \
	" || ' " set "MINVALUE ' || s.seqmin || ' " set "MAXVALUE ' || s.seqmax" \
	" || ' " set "CACHE ' || s.seqcache || CASE WHEN s.seqcycle THEN ' " set "CYCLE'" \
	" ELSE ' " set "NO CYCLE' END"

static void
read_columns(SchemaReader *r)
{
	uint64		n = schema_query(r,
						  "SELECT n.nspname, c.relname, a.attname, pg_catalog.quote_ident(a.attname), "
						  QNAME("n.nspname", "c.relname") ", pg_catalog.format_type(a.atttypid, a.atttypmod),"
						  " CASE WHEN a.attcollation <> t.typcollation THEN "
						  QNAME("cn.nspname", "co.collname") " END,"
						  " pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attgenerated, a.attidentity,"
						  " a.attnotnull, a.attnum, c.oid, d.oid,"
						  " (SELECT CASE WHEN " IDENTITY_DEFAULTS " THEN NULL ELSE " IDENTITY_OPTS("")
						  " END FROM " IDENTITY_SEQ "),"
						  " (SELECT " IDENTITY_OPTS("SET ") " FROM " IDENTITY_SEQ ")"
						  " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
						  " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
						  " JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
						  " LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation"
						  " LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace"
						  " LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
						  " WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped"
						  " AND a.attislocal AND" IN_SCHEMAS("c.relnamespace")
						  NOT_EXT("pg_catalog.pg_class", "c.oid")
						  " ORDER BY n.nspname, c.relname, a.attnum");

	for (uint64 i = 0; i < n; i++)
	{
		MgObject   *o = mg_model_add(r->m, MG_OBJ_COLUMN, col(i, 1), col(i, 2), col(i, 3));
		int			idx = r->m->count - 1;
		char	   *gen = col(i, 9);
		char	   *idn = col(i, 10);
		char	   *expr = col(i, 8);
		MgBuf		def;

		if (o == NULL)
			continue;
		o->ident = col(i, 4);
		o->qname = o->ident;
		o->tident = col(i, 5);
		o->type = col(i, 6);
		o->collation = col(i, 7);
		o->generated = gen && gen[0] ? expr : NULL;
		o->defval = gen && gen[0] ? NULL : expr;
		o->identity = idn ? idn[0] : '\0';
		o->identity_opts = o->identity ? col(i, 15) : NULL;
		o->identity_set = o->identity ? col(i, 16) : NULL;
		o->notnull = col(i, 11)[0] == 't';
		o->attnum = atoi(col(i, 12));
		o->target = psprintf("COLUMN %s.%s", o->tident, o->ident);
		o->drop = psprintf("ALTER TABLE %s DROP COLUMN %s", o->tident, o->ident);
		mg_buf_init(&def);
		mg_buf_printf(&def, "%s %s", o->ident, o->type);
		if (o->collation)
			mg_buf_printf(&def, " COLLATE %s", o->collation);
		if (o->generated)
			mg_buf_printf(&def, " GENERATED ALWAYS AS (%s) STORED", o->generated);
		if (o->defval)
			mg_buf_printf(&def, " DEFAULT %s", o->defval);
		if (o->identity)
			mg_buf_printf(&def, " GENERATED %s AS IDENTITY%s%s%s",
						  o->identity == 'a' ? "ALWAYS" : "BY DEFAULT",
						  o->identity_opts ? " (" : "", o->identity_opts ? o->identity_opts : "",
						  o->identity_opts ? ")" : "");
		if (o->notnull)
			mg_buf_puts(&def, " NOT NULL");
		o->def = def.data;
		identity(r, RelationRelationId, col_oid(i, 13), o->attnum, idx, true);
		if (col_oid(i, 14) != InvalidOid)
			identity(r, AttrDefaultRelationId, col_oid(i, 14), 0, idx, false);
	}
	SPI_freetuptable(SPI_tuptable);
}

static void
read_table_children(SchemaReader *r)
{
	char	   *sql;

	/* constraints (foreign keys are their own kind, after indexes) */
	sql = psprintf("SELECT CASE WHEN k.contype = 'f' THEN %d ELSE %d END, k.contype, n.nspname, c.relname, k.conname,"
				   " pg_catalog.quote_ident(k.conname), pg_catalog.quote_ident(k.conname), " QNAME("n.nspname", "c.relname") ","
				   " 'CONSTRAINT ' || pg_catalog.quote_ident(k.conname) || ' ON ' || " QNAME("n.nspname", "c.relname") ","
				   " 'ALTER TABLE ' || " QNAME("n.nspname", "c.relname") " || ' ADD CONSTRAINT ' || pg_catalog.quote_ident(k.conname)"
				   "   || ' ' || pg_catalog.pg_get_constraintdef(k.oid),"
				   " 'ALTER TABLE ' || " QNAME("n.nspname", "c.relname") " || ' DROP CONSTRAINT ' || pg_catalog.quote_ident(k.conname),"
				   " 'pg_catalog.pg_constraint'::pg_catalog.regclass, k.oid, 0,"
				   " 'pg_catalog.pg_class'::pg_catalog.regclass, CASE WHEN k.contype <> 'f' THEN k.conindid END"
				   " FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid"
				   " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
				   " WHERE k.contype IN ('p', 'u', 'c', 'f', 'x') AND k.conislocal AND k.conparentid = 0 AND"
				   IN_SCHEMAS("c.relnamespace") NOT_EXT("pg_catalog.pg_class", "c.oid"),
				   MG_OBJ_FKEY, MG_OBJ_CONSTRAINT);
	read_objects(r, sql, 1);

	/* indexes of their own (not a constraint's, not a partition's) */
	sql = psprintf("SELECT %d, 'i', n.nspname, c.relname, ic.relname, " QNAME("n.nspname", "ic.relname") ","
				   " pg_catalog.quote_ident(ic.relname), " QNAME("n.nspname", "c.relname") ","
				   " 'INDEX ' || " QNAME("n.nspname", "ic.relname") ", "
				   " CASE WHEN c.relkind = 'p'"	/* CREATE INDEX on the parent builds the partitions' */
				   " THEN pg_catalog.regexp_replace(pg_catalog.pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON ')"
				   " ELSE pg_catalog.pg_get_indexdef(i.indexrelid) END,"
				   " 'DROP INDEX ' || " QNAME("n.nspname", "ic.relname") ","
				   " 'pg_catalog.pg_class'::pg_catalog.regclass, ic.oid, 0"
				   " FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid"
				   " JOIN pg_catalog.pg_class c ON c.oid = i.indrelid"
				   " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
				   " WHERE NOT ic.relispartition AND" IN_SCHEMAS("c.relnamespace")
				   " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid"
				   "   AND k.contype IN ('p', 'u', 'x'))" NOT_EXT("pg_catalog.pg_class", "c.oid"),
				   MG_OBJ_INDEX);
	read_objects(r, sql, 0);

	/* triggers (not the internal ones, not clones on partitions) */
	sql = psprintf("SELECT %d, 't', n.nspname, c.relname, g.tgname, pg_catalog.quote_ident(g.tgname),"
				   " pg_catalog.quote_ident(g.tgname), " QNAME("n.nspname", "c.relname") ","
				   " 'TRIGGER ' || pg_catalog.quote_ident(g.tgname) || ' ON ' || " QNAME("n.nspname", "c.relname") ","
				   " pg_catalog.pg_get_triggerdef(g.oid),"
				   " 'DROP TRIGGER ' || pg_catalog.quote_ident(g.tgname) || ' ON ' || " QNAME("n.nspname", "c.relname") ","
				   " 'pg_catalog.pg_trigger'::pg_catalog.regclass, g.oid, 0"
				   " FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_class c ON c.oid = g.tgrelid"
				   " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
				   " WHERE NOT g.tgisinternal AND g.tgparentid = 0 AND" IN_SCHEMAS("c.relnamespace")
				   NOT_EXT("pg_catalog.pg_class", "c.oid"),
				   MG_OBJ_TRIGGER);
	read_objects(r, sql, 0);

	/* row-level security policies, and the switch */
	sql = psprintf("SELECT %d, 'y', n.nspname, c.relname, p.polname, pg_catalog.quote_ident(p.polname),"
				   " pg_catalog.quote_ident(p.polname), " QNAME("n.nspname", "c.relname") ","
				   " 'POLICY ' || pg_catalog.quote_ident(p.polname) || ' ON ' || " QNAME("n.nspname", "c.relname") ","
				   " 'CREATE POLICY ' || pg_catalog.quote_ident(p.polname) || ' ON ' || " QNAME("n.nspname", "c.relname")
				   " || ' AS ' || CASE WHEN p.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END"
				   " || ' FOR ' || CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'"
				   "    WHEN 'd' THEN 'DELETE' ELSE 'ALL' END"
				   " || ' TO ' || (SELECT pg_catalog.string_agg(CASE WHEN u.r = 0 THEN 'PUBLIC'"
				   "    ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(u.r)::text) END, ', ' ORDER BY 1)"
				   "    FROM pg_catalog.unnest(p.polroles) u(r))"
				   " || COALESCE(' USING (' || pg_catalog.pg_get_expr(p.polqual, p.polrelid) || ')', '')"
				   " || COALESCE(' WITH CHECK (' || pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) || ')', ''),"
				   " 'DROP POLICY ' || pg_catalog.quote_ident(p.polname) || ' ON ' || " QNAME("n.nspname", "c.relname") ","
				   " 'pg_catalog.pg_policy'::pg_catalog.regclass, p.oid, 0"
				   " FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid"
				   " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
				   " WHERE" IN_SCHEMAS("c.relnamespace") NOT_EXT("pg_catalog.pg_class", "c.oid")
				   " UNION ALL "
				   "SELECT %d, 's', n.nspname, c.relname, '', NULL, NULL, " QNAME("n.nspname", "c.relname") ", NULL,"
				   " 'ALTER TABLE ' || " QNAME("n.nspname", "c.relname") " || ' ENABLE ROW LEVEL SECURITY'"
				   " || CASE WHEN c.relforcerowsecurity THEN ';' || pg_catalog.chr(10) || 'ALTER TABLE '"
				   "    || " QNAME("n.nspname", "c.relname") " || ' FORCE ROW LEVEL SECURITY' ELSE '' END,"
				   " 'ALTER TABLE ' || " QNAME("n.nspname", "c.relname") " || ' DISABLE ROW LEVEL SECURITY'"
				   " || CASE WHEN c.relforcerowsecurity THEN ';' || pg_catalog.chr(10) || 'ALTER TABLE '"
				   "    || " QNAME("n.nspname", "c.relname") " || ' NO FORCE ROW LEVEL SECURITY' ELSE '' END,"
				   " 0, 0, 0"
				   " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
				   " WHERE c.relrowsecurity AND" IN_SCHEMAS("c.relnamespace") NOT_EXT("pg_catalog.pg_class", "c.oid"),
				   MG_OBJ_POLICY, MG_OBJ_RLS);
	read_objects(r, sql, 0);
}

static void
read_types_and_routines(SchemaReader *r)
{
	char	   *sql;
	uint64		n;

	/* enums (labels read separately), composite types, domains */
	sql = psprintf("SELECT %d, t.typtype, n.nspname, NULL, t.typname, " QNAME("n.nspname", "t.typname") ","
				   " pg_catalog.quote_ident(t.typname), NULL,"
				   " CASE t.typtype WHEN 'd' THEN 'DOMAIN ' ELSE 'TYPE ' END || " QNAME("n.nspname", "t.typname") ","
				   " CASE t.typtype"
				   "  WHEN 'e' THEN 'CREATE TYPE ' || " QNAME("n.nspname", "t.typname") " || ' AS ENUM ('"
				   "   || COALESCE((SELECT pg_catalog.string_agg(pg_catalog.quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)"
				   "   FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid), '') || ')'"
				   "  WHEN 'c' THEN 'CREATE TYPE ' || " QNAME("n.nspname", "t.typname") " || ' AS ('"
				   "   || COALESCE((SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname) || ' '"
				   "     || pg_catalog.format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)"
				   "   FROM pg_catalog.pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '') || ')'"
				   "  ELSE 'CREATE DOMAIN ' || " QNAME("n.nspname", "t.typname") " || ' AS '"
				   "   || pg_catalog.format_type(t.typbasetype, t.typtypmod)"
				   "   || COALESCE(' COLLATE ' || (SELECT " QNAME("cn.nspname", "co.collname")
				   "     FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace"
				   "     WHERE co.oid = t.typcollation AND t.typcollation <> (SELECT b.typcollation FROM pg_catalog.pg_type b"
				   "     WHERE b.oid = t.typbasetype)), '')"
				   "   || COALESCE(' DEFAULT ' || pg_catalog.pg_get_expr(t.typdefaultbin, 0), '')"
				   "   || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END END,"
				   " CASE t.typtype WHEN 'd' THEN 'DROP DOMAIN ' ELSE 'DROP TYPE ' END || " QNAME("n.nspname", "t.typname") ","
				   " 'pg_catalog.pg_type'::pg_catalog.regclass, t.oid, 0,"
				   " 'pg_catalog.pg_type'::pg_catalog.regclass, t.typarray,"
				   " 'pg_catalog.pg_class'::pg_catalog.regclass, CASE WHEN t.typtype = 'c' THEN t.typrelid END"
				   " FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
				   " WHERE (t.typtype IN ('e', 'd') OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_catalog.pg_class c"
				   "   WHERE c.oid = t.typrelid) = 'c')) AND" IN_SCHEMAS("t.typnamespace")
				   NOT_EXT("pg_catalog.pg_type", "t.oid"),
				   MG_OBJ_TYPE);
	read_objects(r, sql, 2);

	/* per-kind attributes the differ alters one by one */
	n = schema_query(r, "SELECT n.nspname, t.typname, t.typtype, pg_catalog.format_type(t.typbasetype, t.typtypmod),"
			  " pg_catalog.pg_get_expr(t.typdefaultbin, 0), t.typnotnull,"
			  " (SELECT pg_catalog.array_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e"
			  "  WHERE e.enumtypid = t.oid)"
			  " FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
			  " WHERE t.typtype IN ('e', 'd') AND" IN_SCHEMAS("t.typnamespace"));
	for (uint64 i = 0; i < n; i++)
	{
		char	   *key = mg_model_key(MG_OBJ_TYPE, col(i, 1), NULL, col(i, 2));
		int			k = mg_model_find(r->m, key);
		MgObject   *o;

		if (k < 0)
			continue;
		o = &r->m->objs[k];
		if (col(i, 3)[0] == 'd')
		{
			o->type = col(i, 4);
			o->defval = col(i, 5);
			o->notnull = col(i, 6)[0] == 't';
		}
		else
		{
			bool		isnull;
			Datum		arr = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 7, &isnull);
			Datum	   *elems;
			int			ne;

			if (!isnull)
			{
				deconstruct_array(DatumGetArrayTypeP(arr), NAMEOID, NAMEDATALEN, false,
								  TYPALIGN_CHAR, &elems, NULL, &ne);
				for (int e = 0; e < ne; e++)
					mg_strlist_add(&o->values, NameStr(*DatumGetName(elems[e])));
			}
		}
	}
	SPI_freetuptable(SPI_tuptable);

	/* domain check constraints */
	sql = psprintf("SELECT %d, 'c', n.nspname, t.typname, k.conname, pg_catalog.quote_ident(k.conname),"
				   " pg_catalog.quote_ident(k.conname), " QNAME("n.nspname", "t.typname") ","
				   " 'CONSTRAINT ' || pg_catalog.quote_ident(k.conname) || ' ON DOMAIN ' || " QNAME("n.nspname", "t.typname") ","
				   " 'ALTER DOMAIN ' || " QNAME("n.nspname", "t.typname") " || ' ADD CONSTRAINT ' || pg_catalog.quote_ident(k.conname)"
				   "  || ' ' || pg_catalog.pg_get_constraintdef(k.oid),"
				   " 'ALTER DOMAIN ' || " QNAME("n.nspname", "t.typname") " || ' DROP CONSTRAINT ' || pg_catalog.quote_ident(k.conname),"
				   " 'pg_catalog.pg_constraint'::pg_catalog.regclass, k.oid, 0"
				   " FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_type t ON t.oid = k.contypid"
				   " JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
				   " WHERE k.contype = 'c' AND" IN_SCHEMAS("t.typnamespace") NOT_EXT("pg_catalog.pg_type", "t.oid"),
				   MG_OBJ_DOMCHECK);
	read_objects(r, sql, 0);

	/* sequences, except those of identity columns */
	sql = psprintf("SELECT %d, 'S', n.nspname, NULL, c.relname, " QNAME("n.nspname", "c.relname") ","
				   " pg_catalog.quote_ident(c.relname), NULL, 'SEQUENCE ' || " QNAME("n.nspname", "c.relname") ","
				   " 'CREATE SEQUENCE ' || " QNAME("n.nspname", "c.relname") " || ' ' || o.opts,"
				   " 'DROP SEQUENCE ' || " QNAME("n.nspname", "c.relname") ","
				   " 'pg_catalog.pg_class'::pg_catalog.regclass, c.oid, 0, 'pg_catalog.pg_type'::pg_catalog.regclass, c.reltype,"
				   " o.opts"
				   " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
				   " JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid,"
				   " LATERAL (SELECT 'AS ' || pg_catalog.format_type(s.seqtypid, NULL) || ' INCREMENT BY ' || s.seqincrement"
				   "   || ' MINVALUE ' || s.seqmin || ' MAXVALUE ' || s.seqmax || ' START WITH ' || s.seqstart"
				   "   || ' CACHE ' || s.seqcache || CASE WHEN s.seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END) o(opts)"
				   " WHERE c.relkind = 'S' AND" IN_SCHEMAS("c.relnamespace") NOT_EXT("pg_catalog.pg_class", "c.oid")
				   " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
				   "   AND d.objid = c.oid AND d.deptype = 'i')",
				   MG_OBJ_SEQUENCE);
	read_objects(r, sql, 1);
	n = schema_query(r, "SELECT n.nspname, c.relname, " QNAME("n.nspname", "c.relname") ","
			  " tn.nspname, t.relname, " QNAME("tn.nspname", "t.relname") ", a.attname, pg_catalog.quote_ident(a.attname)"
			  " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
			  " JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid"
			  "   AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjsubid > 0 AND d.deptype = 'a'"
			  " JOIN pg_catalog.pg_class t ON t.oid = d.refobjid JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace"
			  " JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid"
			  " WHERE c.relkind = 'S' AND" IN_SCHEMAS("c.relnamespace") " ORDER BY 1, 2");
	for (uint64 i = 0; i < n; i++)
	{
		MgObject   *o = mg_model_add(r->m, MG_OBJ_SEQOWNER, col(i, 1), NULL, col(i, 2));

		if (o == NULL)
			continue;
		o->ident = col(i, 3);
		o->def = psprintf("ALTER SEQUENCE %s OWNED BY %s.%s", col(i, 3), col(i, 6), col(i, 8));
		o->drop = psprintf("ALTER SEQUENCE %s OWNED BY NONE", col(i, 3));
		mg_model_dep(o, mg_model_key(MG_OBJ_SEQUENCE, col(i, 1), NULL, col(i, 2)));
		mg_model_dep(o, mg_model_key(MG_OBJ_COLUMN, col(i, 4), col(i, 5), col(i, 7)));
	}
	SPI_freetuptable(SPI_tuptable);
	for (int i = 0; i < r->m->count; i++)
		if (r->m->objs[i].kind == MG_OBJ_SEQUENCE && r->m->objs[i].args == NULL)
			r->m->objs[i].args = strchr(r->m->objs[i].def + strlen("CREATE SEQUENCE "), ' ') + 1;

	/* functions and procedures */
	sql = psprintf("SELECT %d, p.prokind, n.nspname, NULL, p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',"
				   " " QNAME("n.nspname", "p.proname") " || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',"
				   " NULL, NULL, CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' ELSE 'FUNCTION ' END || "
				   QNAME("n.nspname", "p.proname") " || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',"
				   " pg_catalog.pg_get_functiondef(p.oid),"
				   " 'DROP ' || CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' ELSE 'FUNCTION ' END || "
				   QNAME("n.nspname", "p.proname") " || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',"
				   " 'pg_catalog.pg_proc'::pg_catalog.regclass, p.oid, 0"
				   " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
				   " WHERE p.prokind IN ('f', 'p') AND" IN_SCHEMAS("p.pronamespace") NOT_EXT("pg_catalog.pg_proc", "p.oid"),
				   MG_OBJ_FUNCTION);
	read_objects(r, sql, 0);
	n = schema_query(r, "SELECT n.nspname, p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',"
			  " pg_catalog.pg_get_function_arguments(p.oid), pg_catalog.pg_get_function_result(p.oid)"
			  " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
			  " WHERE p.prokind IN ('f', 'p') AND" IN_SCHEMAS("p.pronamespace"));
	for (uint64 i = 0; i < n; i++)
	{
		char	   *key = mg_model_key(MG_OBJ_FUNCTION, col(i, 1), NULL, col(i, 2));
		int			k = mg_model_find(r->m, key);

		if (k >= 0)
		{
			r->m->objs[k].args = col(i, 3);
			r->m->objs[k].result = col(i, 4);
		}
	}
	SPI_freetuptable(SPI_tuptable);
}

static void
read_schemas_and_extensions(SchemaReader *r)
{
	char	   *sql;
	uint64		n;

	sql = psprintf("SELECT %d, 'n', n.nspname, NULL, NULL, pg_catalog.quote_ident(n.nspname),"
				   " pg_catalog.quote_ident(n.nspname), NULL, 'SCHEMA ' || pg_catalog.quote_ident(n.nspname),"
				   " 'CREATE SCHEMA ' || pg_catalog.quote_ident(n.nspname),"
				   " 'DROP SCHEMA ' || pg_catalog.quote_ident(n.nspname),"
				   " 'pg_catalog.pg_namespace'::pg_catalog.regclass, n.oid, 0"
				   " FROM pg_catalog.pg_namespace n WHERE n.nspname = ANY ($1)", MG_OBJ_SCHEMA);
	read_objects(r, sql, 0);

	n = schema_query(r, "SELECT e.extname, n.nspname, e.oid, pg_catalog.quote_ident(e.extname)"
			  " FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace"
			  " ORDER BY 1");
	for (uint64 i = 0; i < n; i++)
	{
		const char *schema = alias_schema(r, col(i, 2));
		bool		compared = false;
		MgObject   *o;

		for (int s = 0; s < r->opt->schemas.count; s++)
			compared |= strcmp(r->opt->schemas.items[s], schema) == 0;
		if (!compared)
			continue;
		if (r->opt->only_extensions)
		{
			bool		keep = false;

			for (int k = 0; k < r->opt->only_extensions->count; k++)
				keep |= strcmp(r->opt->only_extensions->items[k], col(i, 1)) == 0;
			if (!keep)
				continue;
		}
		o = mg_model_add(r->m, MG_OBJ_EXTENSION, NULL, NULL, col(i, 1));
		if (o == NULL)
			continue;
		o->ident = col(i, 4);
		o->target = psprintf("EXTENSION %s", o->ident);
		o->def = psprintf("CREATE EXTENSION IF NOT EXISTS %s WITH SCHEMA %s", o->ident,
						  quote_identifier(schema));
		o->drop = psprintf("DROP EXTENSION %s", o->ident);
		mg_model_dep(o, mg_model_key(MG_OBJ_SCHEMA, schema, NULL, NULL));
		identity(r, ExtensionRelationId, col_oid(i, 3), 0, r->m->count - 1, true);
	}
	SPI_freetuptable(SPI_tuptable);
	/* an extension's members stand for it in dependencies */
	n = schema_query(r, "SELECT d.classid, d.objid, d.refobjid FROM pg_catalog.pg_depend d"
			  " WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND d.deptype = 'e'");
	for (uint64 i = 0; i < n; i++)
	{
		int			k = mg_map_get(&r->ids, schema_ident_key(ExtensionRelationId, col_oid(i, 3), 0));

		if (k >= 0)
			identity(r, col_oid(i, 1), col_oid(i, 2), 0, k, false);
	}
	SPI_freetuptable(SPI_tuptable);
}

/* Every object of the compared schemas, with its identities. */
void
schema_read_objects(SchemaReader *r)
{
	read_schemas_and_extensions(r);
	read_types_and_routines(r);
	read_relations(r);
	read_columns(r);
	read_table_children(r);
}
