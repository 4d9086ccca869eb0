/*
 * schema_read.h — the catalog reader (schema_read.c: objects;
 * schema_read_links.c: dependencies, comments, grants, the check for
 * kinds the differ does not handle, and the entry point) and the scratch
 * load of a desired schema (schema_load.c).
 */
#ifndef MIGRATE_SCHEMA_READ_H
#define MIGRATE_SCHEMA_READ_H

#include "migrate.h"
#include "schema_model.h"

typedef struct SchemaReadOptions
{
	MgStrList	schemas;		/* the compared schemas */
	MgStrList	aliases;		/* aliases[i]: where schemas[i]'s old
								 * contents are while the desired side is
								 * read (extension members live there) */
	const MgStrList *only_extensions;	/* NULL: every extension */
	const MgStrList *only_schemas;	/* NULL: every compared schema */
	const char *side;			/* "the database" or "desired", for errors */
} SchemaReadOptions;

/* Read the compared schemas (SPI connected) into m, allocated in the
 * current memory context. */
extern void schema_read(const SchemaReadOptions *opt, MgSchemaModel *m);

/* The compared schemas for a schemas text[] argument (NULL: all). */
extern MgStrList schema_list(FunctionCallInfo fcinfo, int argno);

/*
 * Read the live side, then load desired in a subtransaction that is always
 * rolled back and read it (schema_load.c).  Errors in desired are reported
 * as "desired:LINE: ...", with their own SQLSTATE.
 */
extern void schema_load_pair(const char *desired, const MgStrList *schemas,
							 MgSchemaModel *live, MgSchemaModel *want);

/* Run DDL text statement by statement through SPI (verification). */
extern void schema_run_ddl(const char *sql);

/* schema_read.c, for schema_read_links.c */
typedef struct SchemaReader
{
	MgSchemaModel *m;
	MgMap		ids;			/* "class/oid/sub" -> object, exact */
	MgMap		alias;			/* ... and other identities, for deps */
	MemoryContext cxt;
	Datum		schemas;
	const SchemaReadOptions *opt;
} SchemaReader;

extern uint64 schema_query(SchemaReader *r, const char *sql);
extern char *schema_ident_key(Oid cls, Oid oid, int sub);
extern void schema_read_objects(SchemaReader *r);

#endif							/* MIGRATE_SCHEMA_READ_H */
