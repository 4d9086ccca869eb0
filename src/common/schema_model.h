/*
 * schema_model.h — a database schema as plain structs, the differ that
 * turns two of them into an ordered list of changes, and the PostgreSQL
 * writer of those changes (schema_model.c, schema_diff.c,
 * schema_write_pg.c).
 *
 * A model is a flat list of objects.  Each object has a kind, a schema, an
 * owning relation for the kinds that live on one (columns, constraints,
 * indexes, triggers, policies, row-level security) and a name; together
 * they make its key, unique within a model.  The reader fills in a
 * canonical definition text as the database deparses it, the statement that
 * removes the object, the attributes the differ can alter one by one, and
 * the keys of the objects it depends on.  Objects compare equal when their
 * definitions (and attributes) are equal byte for byte.
 *
 * Plain C: no server or client headers; memory through mg_alloc, errors as
 * MgError values.
 */
#ifndef MG_SCHEMA_MODEL_H
#define MG_SCHEMA_MODEL_H

#include "mg_base.h"

/* In creation order: the differ's tie-break after dependencies. */
typedef enum MgObjKind
{
	MG_OBJ_SCHEMA,
	MG_OBJ_EXTENSION,
	MG_OBJ_TYPE,				/* enum, composite or domain (sub) */
	MG_OBJ_DOMCHECK,			/* a domain's CHECK constraint */
	MG_OBJ_SEQUENCE,
	MG_OBJ_FUNCTION,			/* function or procedure (sub) */
	MG_OBJ_TABLE,
	MG_OBJ_COLUMN,
	MG_OBJ_CONSTRAINT,			/* p u c x; f after indexes (sub) */
	MG_OBJ_INDEX,
	MG_OBJ_FKEY,
	MG_OBJ_VIEW,
	MG_OBJ_MATVIEW,
	MG_OBJ_SEQOWNER,			/* ALTER SEQUENCE ... OWNED BY */
	MG_OBJ_TRIGGER,
	MG_OBJ_RLS,					/* ENABLE (and FORCE) ROW LEVEL SECURITY */
	MG_OBJ_POLICY,
	MG_OBJ_COMMENT,				/* table = the commented object's key */
	MG_OBJ_ACL,					/* table = the object's key, name = grantee */
	MG_NUM_OBJ_KINDS
} MgObjKind;

typedef struct MgObject
{
	MgObjKind	kind;
	char		sub;			/* type: e c d; function: f p; table: r p */
	char	   *schema;
	char	   *table;			/* owning relation's name (or key), or NULL */
	char	   *name;
	char	   *key;
	char	   *ident;			/* how DDL names it: public.t, public.f(integer),
								 * a column's quoted name */
	char	   *qname;			/* the quoted bare name (RENAME TO) */
	char	   *tident;			/* the owning relation's ident, or NULL */
	char	   *target;			/* COMMENT ON target: TABLE public.t */
	char	   *def;			/* canonical definition (a statement, no ;) */
	char	   *drop;			/* the statement that removes it */
	/* before a rename changed ident/tident: what statements that run
	 * before the renames (the drop phase) must call it */
	char	   *orig_ident;
	char	   *orig_tident;

	/* columns (and domains: type, collation, default, not null) */
	int			attnum;
	char	   *type;
	char	   *collation;		/* NULL: the type's default */
	char	   *defval;			/* NULL: no default */
	char		identity;		/* '\0', 'a' always, 'd' by default */
	char	   *identity_opts;	/* its sequence: "START WITH 1 INCREMENT BY 1 ..." */
	char	   *identity_set;	/* the same as ALTER COLUMN's "SET START WITH 1 ..." */
	char	   *generated;		/* the expression of a generated column */
	bool		notnull;

	/* constraints: SQLite's, written without a name of its own (its name is
	 * PostgreSQL's default, which follows the table's and columns' names) */
	bool		unnamed;

	/* tables: def is what follows the column list (or PARTITION OF ...) */
	char		persistence;	/* 'p' or 'u' */
	bool		partition;		/* def is "PARTITION OF ..." */

	/* functions: CREATE OR REPLACE works while these hold; sequences: args
	 * are the options ALTER SEQUENCE takes */
	char	   *args;
	char	   *result;

	MgStrList	values;			/* enum labels in order */
	MgStrList	deps;			/* keys of objects this one depends on */

	/* filled by mg_model_finish */
	int			owner;			/* index of the owning relation, or -1 */
	MgIntList	children;		/* a relation's columns, constraints, ... */
} MgObject;

typedef struct MgSchemaModel
{
	MgObject   *objs;
	int			count;
	int			cap;
	MgMap		index;			/* key -> object */
	bool		finished;
} MgSchemaModel;

void		mg_model_init(MgSchemaModel *m);

/*
 * Add an object; strings are copied.  Returns NULL when the key is taken
 * (the first object wins).
 */
MgObject   *mg_model_add(MgSchemaModel *m, MgObjKind kind, const char *schema,
						 const char *table, const char *name);
int			mg_model_find(const MgSchemaModel *m, const char *key);
char	   *mg_model_key(MgObjKind kind, const char *schema, const char *table,
						 const char *name);
void		mg_model_dep(MgObject *o, const char *key);

/* Owners and children; call once all objects are in. */
void		mg_model_finish(MgSchemaModel *m);
void		mg_model_copy(MgSchemaModel *dst, const MgSchemaModel *src);
void		mg_model_copy_without(MgSchemaModel *dst, const MgSchemaModel *src,
								  const MgMap *skip);

const char *mg_obj_kind_name(MgObjKind kind);

/* 'text' as an SQL string literal ('' doubled; standard strings). */
char	   *mg_schema_literal(const char *text);

/* ---- the differ (schema_diff.c) ---- */

typedef enum MgChangeOp
{
	MG_CH_HINT,					/* a comment line: text */
	MG_CH_DROP,					/* from */
	MG_CH_COLUMN_RELEASE,		/* from -> to: drop default, not null, ... */
	MG_CH_RENAME,				/* from (old name) -> to */
	MG_CH_CREATE,				/* to (a table with its columns) */
	MG_CH_COLUMN_ALTER,			/* from -> to: type, default, not null ... */
	MG_CH_REPLACE,				/* to: CREATE OR REPLACE / COMMENT again */
	MG_CH_ENUM_ADD,				/* to; text = label, text2 = neighbour */
	MG_CH_ENUM_REBUILD,			/* from -> to: rename, create, recast columns */
	MG_CH_SEQUENCE_ALTER,		/* to */
	MG_CH_PERSISTENCE,			/* to: SET LOGGED / UNLOGGED */
	MG_CH_VALIDATE,				/* to: VALIDATE CONSTRAINT */
	MG_CH_DOMAIN_ALTER			/* from -> to: default, not null */
} MgChangeOp;

typedef struct MgChange
{
	MgChangeOp	op;
	const MgObject *from;
	const MgObject *to;
	const MgSchemaModel *tomodel;	/* for a new table's columns */
	char	   *text;
	char	   *text2;
	bool		before;			/* enum: ADD VALUE text BEFORE text2 */
	bool		existing;		/* the owning table was there before */
	MgIntList	columns;		/* enum rebuild: the columns of that type
								 * (indexes into fromcols) */
	const MgSchemaModel *frommodel;
} MgChange;

typedef struct MgChangeList
{
	MgChange   *items;
	int			count;
	int			cap;
} MgChangeList;

/*
 * The changes that turn 'from' into 'to', in the order they must run.
 * renames: "table.old:table.new" (a column) or "old:new" (a table); 'from'
 * is renamed in place.  Fails (MG_ERR_INPUT) on a malformed or unmatched
 * rename.
 */
MgStatus	mg_schema_diff(MgSchemaModel *from, MgSchemaModel *to,
						   const MgStrList *renames, MgChangeList *out,
						   MgError *err);

/* ---- the PostgreSQL writer (schema_write_pg.c) ---- */

typedef enum MgWriteMode
{
	MG_WRITE_PLAIN,				/* what runs in one transaction */
	MG_WRITE_ONLINE,			/* constraints NOT VALID then VALIDATE, NOT
								 * NULL through a validated check first */
	MG_WRITE_CONCURRENT			/* online, and indexes on tables that exist
								 * CONCURRENTLY (outside a transaction) */
} MgWriteMode;

/*
 * The changes as DDL text, one statement per line (or block), each ending
 * in ";" and preceded by its "-- hazard: kind: why" lines; "" for none.
 */
char	   *mg_schema_write_pg(const MgChangeList *changes, MgWriteMode mode);

/* What both dialects' writers write alike: a statement with ";\n"; the
 * hint, column release (DROP DEFAULT / NOT NULL) and rename changes. */
void		mg_write_statement(MgBuf *b, const char *sql);
void		mg_write_shared(MgBuf *b, const MgChange *c);

/* ---- online plans (schema_online.c) ---- */

/*
 * Why the index a change creates cannot be built CONCURRENTLY, or NULL
 * when it can: it must be on a table that exists and is not partitioned,
 * and (when 'needed' is given: the keys that objects other than comments
 * depend on) nothing may need it.
 */
const char *mg_online_index_blocker(const MgChange *c, const MgMap *needed);

/*
 * An online upgrade runs as two revisions: the transactional changes, then
 * the indexes built CONCURRENTLY (transaction false).  'mid' is 'to'
 * without those indexes and their comments, the schema between the two.
 * Returns how many indexes moved (0: one revision is enough, mid unset).
 */
int			mg_online_split(const MgChangeList *changes, const MgSchemaModel *to,
							MgSchemaModel *mid);

#endif							/* MG_SCHEMA_MODEL_H */
