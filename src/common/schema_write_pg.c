/*
 * schema_write_pg.c — the differ's changes as PostgreSQL DDL.
 *
 * One statement per change (a few for the online forms), each ending in
 * ";" and a newline, preceded by "-- hazard: <kind>: <why>" when it loses
 * data, rewrites a table or holds a long ACCESS EXCLUSIVE lock, and by
 * "-- hint: ..." lines for probable renames.  Definitions come from the
 * reader as the database deparses them; this file only adds the ALTER
 * forms around them.
 */
#include "schema_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void
hazard(MgBuf *b, const char *kind, const char *fmt,...)
#if defined(__GNUC__)
			__attribute__((format(printf, 3, 4)))
#endif
			;

static void
hazard(MgBuf *b, const char *kind, const char *fmt,...)
{
	char		why[1024];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	mg_buf_printf(b, "-- hazard: %s: %s\n", kind, why);
}

/* A statement from the reader, without trailing blanks, then ";\n". */
void
mg_write_statement(MgBuf *b, const char *sql)
{
	size_t		n = strlen(sql);

	while (n > 0 && (sql[n - 1] == '\n' || sql[n - 1] == ' ' || sql[n - 1] == ';'))
		n--;
	mg_buf_append(b, sql, n);
	mg_buf_puts(b, ";\n");
}

static char *
quoted(const char *name)
{
	return mg_quoted(name, '"');
}

static void
create_table(MgBuf *b, const MgChange *c)
{
	const MgObject *t = c->to;
	const MgSchemaModel *m = c->tomodel;
	bool		first = true;

	if (t->partition)
	{
		mg_buf_printf(b, "CREATE %sTABLE %s %s;\n",
					  t->persistence == 'u' ? "UNLOGGED " : "", t->ident, t->def);
		return;
	}
	mg_buf_printf(b, "CREATE %sTABLE %s (",
				  t->persistence == 'u' ? "UNLOGGED " : "", t->ident);
	for (int i = 0; i < t->children.count; i++)
	{
		const MgObject *col = &m->objs[t->children.items[i]];

		if (col->kind != MG_OBJ_COLUMN)
			continue;
		mg_buf_printf(b, "%s\n    %s", first ? "" : ",", col->def);
		first = false;
	}
	mg_buf_printf(b, "%s)%s;\n", first ? "" : "\n", t->def ? t->def : "");
}

static void
create_index(MgBuf *b, const MgChange *c, MgWriteMode mode)
{
	const char *def = c->to->def;
	const char *on = strstr(def, "INDEX ");
	const char *blocker = mg_online_index_blocker(c, NULL);

	if (!c->existing)
	{
		mg_write_statement(b, def);
		return;
	}
	if (mode != MG_WRITE_CONCURRENT || blocker != NULL || on == NULL)
	{
		if (mode == MG_WRITE_PLAIN)
			hazard(b, "lock", "building index %s blocks writes to %s until it is built; pass online to build it CONCURRENTLY",
				   c->to->ident, c->to->tident);
		else
			hazard(b, "lock", "building index %s blocks writes to %s until it is built; it cannot be built CONCURRENTLY: %s",
				   c->to->ident, c->to->tident,
				   blocker ? blocker : "an object in the same revision depends on it");
		mg_write_statement(b, def);
		return;
	}
	mg_buf_append(b, def, on + strlen("INDEX ") - def);
	mg_buf_puts(b, "CONCURRENTLY ");
	mg_write_statement(b, on + strlen("INDEX "));
}

static void
create_constraint(MgBuf *b, const MgChange *c, MgWriteMode mode)
{
	const MgObject *o = c->to;
	const char *def = o->def;
	size_t		n = strlen(def);
	bool		not_valid = n > 10 && strcmp(def + n - 10, " NOT VALID") == 0;
	bool		checks = o->kind == MG_OBJ_FKEY || o->sub == 'c';

	if (!c->existing || not_valid)
	{
		mg_write_statement(b, def);
		return;
	}
	if (mode != MG_WRITE_PLAIN && checks)
	{
		mg_buf_printf(b, "%s NOT VALID;\n", def);
		mg_buf_printf(b, "ALTER TABLE %s VALIDATE CONSTRAINT %s;\n", o->tident, o->ident);
		return;
	}
	if (checks)
		hazard(b, "lock", "adding constraint %s checks every row of %s under a lock that blocks writes; pass online to add it NOT VALID and validate it separately",
			   o->ident, o->tident);
	else
		hazard(b, "lock", "adding constraint %s builds an index on %s under an ACCESS EXCLUSIVE lock",
			   o->ident, o->tident);
	mg_write_statement(b, def);
}

static void
create(MgBuf *b, const MgChange *c, MgWriteMode mode)
{
	const MgObject *o = c->to;

	switch (o->kind)
	{
		case MG_OBJ_TABLE:
			create_table(b, c);
			return;
		case MG_OBJ_COLUMN:
			if (o->generated)
				hazard(b, "rewrite", "adding the stored generated column %s rewrites %s under an ACCESS EXCLUSIVE lock",
					   o->ident, o->tident);
			mg_buf_printf(b, "ALTER TABLE %s ADD COLUMN %s;\n", o->tident, o->def);
			return;
		case MG_OBJ_INDEX:
			create_index(b, c, mode);
			return;
		case MG_OBJ_CONSTRAINT:
		case MG_OBJ_FKEY:
			create_constraint(b, c, mode);
			return;
		default:
			mg_write_statement(b, o->def);
			return;
	}
}

static void
drop(MgBuf *b, const MgObject *o)
{
	if (o->kind == MG_OBJ_TABLE)
		hazard(b, "data loss", "dropping table %s deletes its rows", o->ident);
	else if (o->kind == MG_OBJ_COLUMN)
		hazard(b, "data loss", "dropping column %s of %s deletes its values",
			   o->ident, o->tident);
	mg_write_statement(b, o->drop);
}

static void
set_not_null(MgBuf *b, const MgObject *o, MgWriteMode mode)
{
	char	   *check;
	MgBuf		name;

	if (mode == MG_WRITE_PLAIN)
	{
		hazard(b, "lock", "SET NOT NULL checks every row of %s under an ACCESS EXCLUSIVE lock; pass online to validate a check constraint first",
			   o->tident);
		mg_buf_printf(b, "ALTER TABLE %s ALTER COLUMN %s SET NOT NULL;\n", o->tident, o->ident);
		return;
	}
	mg_buf_init(&name);
	mg_buf_printf(&name, "%s_not_null", o->name);
	check = quoted(name.data);
	mg_buf_printf(b, "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID;\n",
				  o->tident, check, o->ident);
	mg_buf_printf(b, "ALTER TABLE %s VALIDATE CONSTRAINT %s;\n", o->tident, check);
	mg_buf_printf(b, "ALTER TABLE %s ALTER COLUMN %s SET NOT NULL;\n", o->tident, o->ident);
	mg_buf_printf(b, "ALTER TABLE %s DROP CONSTRAINT %s;\n", o->tident, check);
	mg_free(check);
	mg_buf_free(&name);
}

static void
alter_column(MgBuf *b, const MgChange *c, MgWriteMode mode)
{
	const MgObject *a = c->from;
	const MgObject *o = c->to;
	const char *what = c->text;

	if (strcmp(what, "TYPE") == 0)
	{
		bool		same = strcmp(a->type, o->type) == 0;

		if (!same)
			hazard(b, "rewrite", "changing the type of %s.%s from %s to %s rewrites the table under an ACCESS EXCLUSIVE lock, and the cast can fail or lose data",
				   o->tident, o->ident, a->type, o->type);
		mg_buf_printf(b, "ALTER TABLE %s ALTER COLUMN %s TYPE %s", o->tident, o->ident, o->type);
		if (o->collation)
			mg_buf_printf(b, " COLLATE %s", o->collation);
		if (!same)
			mg_buf_printf(b, " USING %s::%s", o->ident, o->type);
		mg_buf_puts(b, ";\n");
	}
	else if (strcmp(what, "SET DEFAULT") == 0)
		mg_buf_printf(b, "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s;\n",
					  o->tident, o->ident, o->defval);
	else if (strcmp(what, "SET NOT NULL") == 0)
		set_not_null(b, o, mode);
	else if (strcmp(what, "ADD IDENTITY") == 0)
		mg_buf_printf(b, "ALTER TABLE %s ALTER COLUMN %s ADD GENERATED %s AS IDENTITY%s%s%s;\n",
					  o->tident, o->ident, o->identity == 'a' ? "ALWAYS" : "BY DEFAULT",
					  o->identity_opts ? " (" : "", o->identity_opts ? o->identity_opts : "",
					  o->identity_opts ? ")" : "");
	else if (strcmp(what, "SET IDENTITY OPTIONS") == 0)
		mg_buf_printf(b, "ALTER TABLE %s ALTER COLUMN %s %s;\n",
					  o->tident, o->ident, o->identity_set ? o->identity_set : "");
	else
		mg_buf_printf(b, "ALTER TABLE %s ALTER COLUMN %s SET GENERATED %s;\n",
					  o->tident, o->ident, o->identity == 'a' ? "ALWAYS" : "BY DEFAULT");
}

static void
enum_rebuild(MgBuf *b, const MgChange *c)
{
	const MgObject *t = c->to;
	size_t		prefix = strlen(t->ident) - strlen(t->qname);
	MgBuf		old;
	char	   *oldq;

	mg_buf_init(&old);
	mg_buf_printf(&old, "%s__old", t->name);
	oldq = quoted(old.data);
	hazard(b, "data loss", "values of enum %s are removed or reordered: the type is rebuilt and its columns are cast, which fails on rows that hold a removed value",
		   t->ident);
	for (int i = 0; i < c->columns.count; i++)
	{
		const MgObject *col = &c->frommodel->objs[c->columns.items[i]];

		if (col->defval)
			mg_buf_printf(b, "ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT;\n", col->tident, col->ident);
	}
	mg_buf_printf(b, "ALTER TYPE %s RENAME TO %s;\n", t->ident, oldq);
	mg_write_statement(b, t->def);
	for (int i = 0; i < c->columns.count; i++)
	{
		const MgObject *col = &c->frommodel->objs[c->columns.items[i]];
		bool		array = strlen(col->type) > 2 &&
			strcmp(col->type + strlen(col->type) - 2, "[]") == 0;

		hazard(b, "rewrite", "casting %s.%s to the rebuilt type rewrites the table under an ACCESS EXCLUSIVE lock",
			   col->tident, col->ident);
		mg_buf_printf(b, "ALTER TABLE %s ALTER COLUMN %s TYPE %s USING %s::text%s::%s;\n",
					  col->tident, col->ident, col->type, col->ident,
					  array ? "[]" : "", col->type);
		if (col->defval)
			mg_buf_printf(b, "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s;\n",
						  col->tident, col->ident, col->defval);
	}
	mg_buf_printf(b, "DROP TYPE %.*s%s;\n", (int) prefix, t->ident, oldq);
	mg_free(oldq);
	mg_buf_free(&old);
}

void
mg_write_shared(MgBuf *b, const MgChange *c)
{
	switch (c->op)
	{
		case MG_CH_HINT:
			mg_buf_printf(b, "-- hint: %s\n", c->text);
			break;
		case MG_CH_COLUMN_RELEASE:
			/* before the renames: the names the database still has */
			mg_buf_printf(b, "ALTER TABLE %s ALTER COLUMN %s %s;\n",
						  c->from->orig_tident ? c->from->orig_tident : c->from->tident,
						  c->from->orig_ident ? c->from->orig_ident : c->from->ident, c->text);
			break;
		case MG_CH_RENAME:
			if (c->to->kind == MG_OBJ_COLUMN)
				mg_buf_printf(b, "ALTER TABLE %s RENAME COLUMN %s TO %s;\n",
							  c->text2, c->text, c->to->ident);
			else
				mg_buf_printf(b, "ALTER TABLE %s RENAME TO %s;\n", c->text, c->to->qname);
			break;
		default:
			break;
	}
}

static void
write_change(MgBuf *b, const MgChange *c, MgWriteMode mode)
{
	char	   *lit;

	switch (c->op)
	{
		case MG_CH_HINT:
		case MG_CH_COLUMN_RELEASE:
		case MG_CH_RENAME:
			mg_write_shared(b, c);
			break;
		case MG_CH_DROP:
			drop(b, c->from);
			break;
		case MG_CH_CREATE:
			create(b, c, mode);
			break;
		case MG_CH_COLUMN_ALTER:
			alter_column(b, c, mode);
			break;
		case MG_CH_REPLACE:
			mg_write_statement(b, c->to->def);
			break;
		case MG_CH_ENUM_ADD:
			lit = mg_schema_literal(c->text);
			mg_buf_printf(b, "ALTER TYPE %s ADD VALUE %s", c->to->ident, lit);
			mg_free(lit);
			if (c->text2)
			{
				lit = mg_schema_literal(c->text2);
				mg_buf_printf(b, " %s %s", c->before ? "BEFORE" : "AFTER", lit);
				mg_free(lit);
			}
			mg_buf_puts(b, ";\n");
			break;
		case MG_CH_ENUM_REBUILD:
			enum_rebuild(b, c);
			break;
		case MG_CH_SEQUENCE_ALTER:
			mg_buf_printf(b, "ALTER SEQUENCE %s %s;\n", c->to->ident, c->to->args);
			break;
		case MG_CH_PERSISTENCE:
			hazard(b, "rewrite", "SET %s rewrites %s under an ACCESS EXCLUSIVE lock",
				   c->to->persistence == 'u' ? "UNLOGGED" : "LOGGED", c->to->ident);
			mg_buf_printf(b, "ALTER TABLE %s SET %s;\n", c->to->ident,
						  c->to->persistence == 'u' ? "UNLOGGED" : "LOGGED");
			break;
		case MG_CH_VALIDATE:
			mg_buf_printf(b, "ALTER TABLE %s VALIDATE CONSTRAINT %s;\n",
						  c->to->tident, c->to->ident);
			break;
		case MG_CH_DOMAIN_ALTER:
			mg_buf_printf(b, "ALTER DOMAIN %s %s%s%s;\n", c->to->ident, c->text,
						  strcmp(c->text, "SET DEFAULT") == 0 ? " " : "",
						  strcmp(c->text, "SET DEFAULT") == 0 ? c->to->defval : "");
			break;
	}
}

char *
mg_schema_write_pg(const MgChangeList *changes, MgWriteMode mode)
{
	MgBuf		b;

	mg_buf_init(&b);
	for (int i = 0; i < changes->count; i++)
	{
		MG_CHECK_INTERRUPTS();
		write_change(&b, &changes->items[i], mode);
	}
	return b.data ? b.data : mg_strdup("");
}
