/*
 * schema_read_links.c — the catalog reader's second half: dependencies
 * between the objects schema_read.c found, their comments and grants, the
 * refusal of object kinds the differ does not handle, and the entry point
 * that pins search_path for the whole read.
 *
 * Grants: on tables, views, materialized views, sequences, functions and
 * procedures, one object per grantee (the owner's own privileges are not
 * compared, nor is ownership).  A function's default EXECUTE for PUBLIC is
 * the normal state; its revocation is an object of its own.  Column
 * privileges raise 0A000.  Schema privileges and default privileges are
 * not compared.
 */
#include "migrate.h"

#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "schema_read.h"

#define IN_SCHEMAS(nsp) " " nsp " IN (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = ANY ($1))"
/*
 * refuse_unsupported's 14 branches each leave out extension members: they
 * look them up in one materialized scan of pg_depend (ext), not 14.
 */
#define EXT_MEMBERS \
	"WITH ext AS MATERIALIZED (SELECT classid, objid FROM pg_catalog.pg_depend WHERE deptype = 'e') "
#define NOT_EXT(cls, oid) \
	" AND NOT EXISTS (SELECT 1 FROM ext x WHERE x.classid = '" cls "'::pg_catalog.regclass" \
	" AND x.objid = " oid ")"
#define UNSUPPORTED(kind, cat, nspcol, namecol) \
	" UNION ALL SELECT " kind ", pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(o." namecol "::text)" \
	" FROM pg_catalog." cat " o JOIN pg_catalog.pg_namespace n ON n.oid = o." nspcol \
	" WHERE" IN_SCHEMAS("o." nspcol) NOT_EXT("pg_catalog." cat, "o.oid")

static Oid
oid_at(int row, int c)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, c, &isnull);

	return isnull ? InvalidOid : DatumGetObjectId(d);
}

static int
int_at(int row, int c)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, c, &isnull);

	return isnull ? 0 : DatumGetInt32(d);
}

static void
refuse_unsupported(SchemaReader *r)
{
	uint64		n = schema_query(r, EXT_MEMBERS
								 "SELECT 'foreign table', pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(o.relname)"
								 " FROM pg_catalog.pg_class o JOIN pg_catalog.pg_namespace n ON n.oid = o.relnamespace"
								 " WHERE (o.relkind = 'f' OR (o.relkind IN ('r', 'p') AND o.reloftype <> 0)) AND"
								 IN_SCHEMAS("o.relnamespace") NOT_EXT("pg_catalog.pg_class", "o.oid")
								 " UNION ALL SELECT CASE o.typtype WHEN 'r' THEN 'range type' ELSE 'base type' END,"
								 " pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(o.typname)"
								 " FROM pg_catalog.pg_type o JOIN pg_catalog.pg_namespace n ON n.oid = o.typnamespace"
								 " WHERE o.typtype IN ('b', 'r', 'p') AND" IN_SCHEMAS("o.typnamespace")
								 NOT_EXT("pg_catalog.pg_type", "o.oid")
								 " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type e WHERE e.typarray = o.oid)"
								 " UNION ALL SELECT CASE o.prokind WHEN 'a' THEN 'aggregate' ELSE 'window function' END,"
								 " pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(o.proname)"
								 " FROM pg_catalog.pg_proc o JOIN pg_catalog.pg_namespace n ON n.oid = o.pronamespace"
								 " WHERE o.prokind IN ('a', 'w') AND" IN_SCHEMAS("o.pronamespace")
								 NOT_EXT("pg_catalog.pg_proc", "o.oid")
								 UNSUPPORTED("'operator'", "pg_operator", "oprnamespace", "oprname")
								 UNSUPPORTED("'operator class'", "pg_opclass", "opcnamespace", "opcname")
								 UNSUPPORTED("'operator family'", "pg_opfamily", "opfnamespace", "opfname")
								 UNSUPPORTED("'collation'", "pg_collation", "collnamespace", "collname")
								 UNSUPPORTED("'conversion'", "pg_conversion", "connamespace", "conname")
								 UNSUPPORTED("'text search configuration'", "pg_ts_config", "cfgnamespace", "cfgname")
								 UNSUPPORTED("'text search dictionary'", "pg_ts_dict", "dictnamespace", "dictname")
								 UNSUPPORTED("'text search parser'", "pg_ts_parser", "prsnamespace", "prsname")
								 UNSUPPORTED("'text search template'", "pg_ts_template", "tmplnamespace", "tmplname")
								 UNSUPPORTED("'statistics object'", "pg_statistic_ext", "stxnamespace", "stxname")
								 " UNION ALL SELECT 'rule', pg_catalog.quote_ident(w.rulename) || ' on '"
								 " || pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname)"
								 " FROM pg_catalog.pg_rewrite w JOIN pg_catalog.pg_class c ON c.oid = w.ev_class"
								 " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
								 " WHERE w.rulename <> '_RETURN' AND" IN_SCHEMAS("c.relnamespace")
								 NOT_EXT("pg_catalog.pg_class", "c.oid")
								 " UNION ALL SELECT 'column privileges', pg_catalog.quote_ident(n.nspname) || '.'"
								 " || pg_catalog.quote_ident(c.relname) || '.' || pg_catalog.quote_ident(a.attname)"
								 " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
								 " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
								 " WHERE a.attacl IS NOT NULL AND" IN_SCHEMAS("c.relnamespace")
								 NOT_EXT("pg_catalog.pg_class", "c.oid")
								 " ORDER BY 1, 2");

	if (n > 0)
	{
		char	   *kind = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
		char	   *name = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);

		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("migrate.diff does not handle %s %s (in %s)", kind, name, r->opt->side),
				 n > 1 ? errdetail("%d objects of kinds the diff does not handle are in the compared schemas.", (int) n) : 0,
				 errhint("Leave it out of the compared schemas, or manage it in hand-written revisions.")));
	}
	SPI_freetuptable(SPI_tuptable);
}

static int
lookup(SchemaReader *r, Oid cls, Oid oid, int sub)
{
	char		key[48];
	int			k;

	snprintf(key, sizeof(key), "%u/%u/%d", cls, oid, sub);
	k = mg_map_get(&r->alias, key);
	if (k < 0 && sub != 0)
	{
		snprintf(key, sizeof(key), "%u/%u/0", cls, oid);
		k = mg_map_get(&r->alias, key);
	}
	return k;
}

static void
read_deps(SchemaReader *r)
{
	uint64		n = schema_query(r,
								 "SELECT classid, objid, objsubid, refclassid, refobjid, refobjsubid"
								 " FROM pg_catalog.pg_depend WHERE deptype IN ('n', 'a')"
								 " AND objid >= 16384 AND refobjid >= 16384");

	for (uint64 i = 0; i < n; i++)
	{
		int			from = lookup(r, oid_at(i, 1), oid_at(i, 2), int_at(i, 3));
		int			to = from < 0 ? -1 : lookup(r, oid_at(i, 4), oid_at(i, 5), int_at(i, 6));
		MgObject   *o;

		if (to < 0 || to == from)
			continue;
		o = &r->m->objs[from];
		/* a serial's sequence "depends" on its column: OWNED BY says it */
		if (o->kind == MG_OBJ_SEQUENCE && r->m->objs[to].kind == MG_OBJ_COLUMN)
			continue;
		mg_model_dep(o, r->m->objs[to].key);
	}
	SPI_freetuptable(SPI_tuptable);
}

/*
 * Comments on the objects read.  public (oid 2200) is a user schema too;
 * its built-in comment, which pg_dump writes and a hand-written model
 * leaves out, counts as no comment.
 */
static void
read_comments(SchemaReader *r)
{
	uint64		n = schema_query(r,
								 "SELECT classoid, objoid, objsubid, description FROM pg_catalog.pg_description"
								 " WHERE objoid >= 16384"
								 " OR classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_namespace'::pg_catalog.regclass"
								 " EXCEPT SELECT 'pg_catalog.pg_namespace'::pg_catalog.regclass, oid, 0,"
								 " 'standard public schema' FROM pg_catalog.pg_namespace"
								 " WHERE nspname OPERATOR(pg_catalog.=) 'public'"
								 " ORDER BY 1, 2, 3");

	for (uint64 i = 0; i < n; i++)
	{
		char		key[48];
		int			k;
		char	   *target;
		char	   *of;
		char	   *text;
		MgObject   *o;

		snprintf(key, sizeof(key), "%u/%u/%d", oid_at(i, 1), oid_at(i, 2), int_at(i, 3));
		k = mg_map_get(&r->ids, key);
		/* an extension's comment comes with it */
		if (k < 0 || r->m->objs[k].target == NULL ||
			r->m->objs[k].kind == MG_OBJ_EXTENSION)
			continue;
		target = r->m->objs[k].target;
		of = r->m->objs[k].key;
		text = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 4);
		o = mg_model_add(r->m, MG_OBJ_COMMENT, NULL, of, "");
		if (o == NULL)
			continue;
		o->ident = target;
		o->def = psprintf("COMMENT ON %s IS %s", target, quote_literal_cstr(text));
		o->drop = psprintf("COMMENT ON %s IS NULL", target);
		mg_model_dep(o, of);
	}
	SPI_freetuptable(SPI_tuptable);
}

static void
read_grants(SchemaReader *r)
{
	uint64		n = schema_query(r,
								 "SELECT 'pg_catalog.pg_class'::pg_catalog.regclass, c.oid,"
								 " CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)::text) END,"
								 " pg_catalog.string_agg(DISTINCT a.privilege_type, ', '), a.is_grantable"
								 " FROM pg_catalog.pg_class c, LATERAL pg_catalog.aclexplode(c.relacl) a"
								 " WHERE c.relacl IS NOT NULL AND a.grantee <> c.relowner"
								 " AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND" IN_SCHEMAS("c.relnamespace")
								 " GROUP BY 1, 2, 3, 5"
								 " UNION ALL SELECT 'pg_catalog.pg_proc'::pg_catalog.regclass, p.oid,"
								 " CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)::text) END,"
								 " pg_catalog.string_agg(DISTINCT a.privilege_type, ', '), a.is_grantable"
								 " FROM pg_catalog.pg_proc p, LATERAL pg_catalog.aclexplode(p.proacl) a"
								 " WHERE p.proacl IS NOT NULL AND a.grantee <> p.proowner AND a.grantee <> 0"
								 " AND" IN_SCHEMAS("p.pronamespace")
								 " GROUP BY 1, 2, 3, 5"
								 " UNION ALL SELECT 'pg_catalog.pg_proc'::pg_catalog.regclass, p.oid, 'PUBLIC', NULL, false"
								 " FROM pg_catalog.pg_proc p WHERE p.proacl IS NOT NULL AND" IN_SCHEMAS("p.pronamespace")
								 " AND NOT EXISTS (SELECT 1 FROM pg_catalog.aclexplode(p.proacl) a WHERE a.grantee = 0)"
								 " ORDER BY 1, 2, 3, 5");

	for (uint64 i = 0; i < n; i++)
	{
		char		key[48];
		int			k;
		const MgObject *t;
		char	   *target;
		char	   *of;
		char	   *grantee = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 3);
		char	   *privs = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 4);
		bool		grantable = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 5)[0] == 't';
		MgObject   *o;

		snprintf(key, sizeof(key), "%u/%u/0", oid_at(i, 1), oid_at(i, 2));
		k = mg_map_get(&r->ids, key);
		if (k < 0)
			continue;
		t = &r->m->objs[k];
		of = t->key;
		if (t->kind == MG_OBJ_FUNCTION)
			target = t->target;
		else
			target = psprintf("%s %s", t->kind == MG_OBJ_SEQUENCE ? "SEQUENCE" : "TABLE", t->ident);
		o = mg_model_add(r->m, MG_OBJ_ACL, NULL, of,
						 psprintf("%s%s", grantee, privs == NULL ? "-" : grantable ? "*" : ""));
		if (o == NULL)
			continue;
		o->ident = target;
		if (privs == NULL)
		{
			o->def = psprintf("REVOKE EXECUTE ON %s FROM PUBLIC", target);
			o->drop = psprintf("GRANT EXECUTE ON %s TO PUBLIC", target);
		}
		else
		{
			o->def = psprintf("GRANT %s ON %s TO %s%s", privs, target, grantee,
							  grantable ? " WITH GRANT OPTION" : "");
			o->drop = psprintf("REVOKE %s ON %s FROM %s", privs, target, grantee);
		}
		mg_model_dep(o, of);
	}
	SPI_freetuptable(SPI_tuptable);
}

void
schema_read(const SchemaReadOptions *opt, MgSchemaModel *m)
{
	SchemaReader r;
	StringInfoData path;
	int			nest = NewGUCNestLevel();

	/*
	 * Names are printed as a migration will run them: with the default
	 * search_path, where only public (if compared) goes unqualified; every
	 * other schema's objects are qualified.  The alias of public (its live
	 * self, renamed away during the scratch load) keeps what lives there,
	 * e.g. an extension's functions, printing the same on both sides.
	 */
	initStringInfo(&path);
	for (int i = 0; i < opt->schemas.count; i++)
		if (strcmp(opt->schemas.items[i], "public") == 0)
		{
			appendStringInfoString(&path, "public");
			if (i < opt->aliases.count)
				appendStringInfo(&path, ", %s", quote_identifier(opt->aliases.items[i]));
		}
	if (path.len == 0)
		appendStringInfoString(&path, "pg_catalog");
	(void) set_config_option("search_path", path.data, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);

	/*
	 * Every query reads all of a kind: hash joins are right whatever the
	 * catalogs' statistics say.  They are stale as a rule (a database that
	 * was just migrated, and always on the desired side, whose thousands of
	 * objects the scratch load has just created), and a nested loop planned
	 * for one row of pg_attrdef turned a read of 8,000 columns into 2 s.
	 * No JIT: the disabled nested loops' cost would trigger it, and
	 * compiling takes longer than any of these queries (0.9 s vs 8 ms).
	 */
	(void) set_config_option("enable_nestloop", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("jit", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);

	memset(&r, 0, sizeof(r));
	mg_model_init(m);
	r.m = m;
	r.opt = opt;
	r.cxt = CurrentMemoryContext;
	r.schemas = strlist_to_array(&opt->schemas);
	mg_map_init(&r.ids, 1024);
	mg_map_init(&r.alias, 1024);

	refuse_unsupported(&r);
	schema_read_objects(&r);
	read_deps(&r);
	read_comments(&r);
	read_grants(&r);
	mg_model_finish(m);
	AtEOXact_GUC(true, nest);
}

MgStrList
schema_list(FunctionCallInfo fcinfo, int argno)
{
	MgStrList	l = {0};

	if (PG_ARGISNULL(argno))
	{
		uint64		n;

		if (SPI_execute("SELECT n.nspname FROM pg_catalog.pg_namespace n"
						" WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'"
						" AND n.nspname <> 'migrate'"
						" AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d"
						"   WHERE d.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass"
						"   AND d.objid = n.oid AND d.deptype = 'e')"
						" ORDER BY 1", true, 0) != SPI_OK_SELECT)
			elog(ERROR, "migrate: could not list schemas");
		n = SPI_processed;
		for (uint64 i = 0; i < n; i++)
			mg_strlist_add(&l, SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1));
		return l;
	}
	{
		Datum	   *elems;
		bool	   *nulls;
		int			n;

		deconstruct_array(PG_GETARG_ARRAYTYPE_P(argno), TEXTOID, -1, false,
						  TYPALIGN_INT, &elems, &nulls, &n);
		for (int i = 0; i < n; i++)
		{
			char	   *s;
			bool		dup = false;

			if (nulls[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("schemas must not contain nulls")));
			s = TextDatumGetCString(elems[i]);
			if (strcmp(s, "migrate") == 0 || strcmp(s, "information_schema") == 0 ||
				strncmp(s, "pg_", 3) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("schema \"%s\" cannot be compared", s),
						 errdetail("System schemas and the schema of extension migrate are never diffed.")));
			for (int k = 0; k < l.count; k++)
				dup |= strcmp(l.items[k], s) == 0;
			if (!dup)
				mg_strlist_add(&l, s);
		}
	}
	return l;
}
