/*
 * sqlite_write.c — the differ's changes as SQL for SQLite: native
 * statements where SQLite has them (CREATE/DROP of tables, indexes, views
 * and triggers, ADD/DROP/RENAME COLUMN, RENAME TO), and PostgreSQL's
 * ALTER TABLE forms where it does not, which batch mode (sqlite_batch.c)
 * turns into one table rebuild per run of statements on a table when the
 * revision runs.  A reviewer reads what changes; the program does the 12
 * steps.  A new table is written with its constraints inline.
 */
#include "sqlite_schema.h"

#include <string.h>

static void
rebuild_hazard(MgBuf *b, const char *what, const char *table)
{
	mg_buf_printf(b, "-- hazard: rewrite: SQLite cannot %s in place: the table %s is rebuilt (its rows copied into a new table, which replaces it)\n",
				  what, table);
}

/* Has table t (of m) an AUTOINCREMENT column (its definition says PRIMARY
 * KEY AUTOINCREMENT)? */
static bool
has_identity(const MgSchemaModel *m, const MgObject *t)
{
	for (int i = 0; i < t->children.count; i++)
	{
		const MgObject *o = &m->objs[t->children.items[i]];

		if (o->kind == MG_OBJ_COLUMN && o->identity)
			return true;
	}
	return false;
}

/* The change list being written (deferred_fk looks at it). */
static const MgChangeList *all_changes;

/*
 * Is fk (of a new table) one that names a unique key the list creates on
 * an existing table?  Inline in its CREATE TABLE it would exist before the
 * key, and a rebuild of the parent in between fails SQLite's "foreign key
 * mismatch"; it is added after the key instead (a rebuild of the new,
 * empty table).
 */
static bool
deferred_fk(const MgObject *fk)
{
	for (int i = 0; all_changes && i < all_changes->count; i++)
	{
		const MgChange *k = &all_changes->items[i];

		if (k->op == MG_CH_CREATE && k->existing &&
			(k->to->kind == MG_OBJ_CONSTRAINT || k->to->kind == MG_OBJ_INDEX) &&
			mg_strlist_contains(&fk->deps, k->to->key))
			return true;
	}
	return false;
}

static void
create_table(MgBuf *b, const MgChange *c)
{
	const MgObject *t = c->to;
	const MgSchemaModel *m = c->tomodel;
	bool		first = true;
	bool		autoinc = has_identity(m, t);

	mg_buf_printf(b, "CREATE TABLE %s (", t->ident);
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < t->children.count; i++)
		{
			const MgObject *o = &m->objs[t->children.items[i]];

			if (pass == 0 && o->kind == MG_OBJ_COLUMN)
				mg_buf_printf(b, "%s\n    %s", first ? "" : ",", o->def);
			else if (pass == 1 && o->kind == MG_OBJ_CONSTRAINT && o->sub == 'p' && autoinc)
				continue;		/* on the AUTOINCREMENT column */
			else if (pass == 1 && o->kind == MG_OBJ_FKEY && deferred_fk(o))
				continue;		/* added after the key it names */
			else if (pass == 1 && (o->kind == MG_OBJ_CONSTRAINT || o->kind == MG_OBJ_FKEY) && o->unnamed)
				mg_buf_printf(b, "%s\n    %s", first ? "" : ",", o->args);
			else if (pass == 1 && (o->kind == MG_OBJ_CONSTRAINT || o->kind == MG_OBJ_FKEY))
				mg_buf_printf(b, "%s\n    CONSTRAINT %s %s", first ? "" : ",", o->ident, o->args);
			else
				continue;
			first = false;
		}
	mg_buf_printf(b, "\n)%s;\n", t->def ? t->def : "");
}

static void
create(MgBuf *b, const MgChange *c)
{
	const MgObject *o = c->to;

	switch (o->kind)
	{
		case MG_OBJ_TABLE:
			create_table(b, c);
			return;
		case MG_OBJ_COLUMN:
			mg_buf_printf(b, "ALTER TABLE %s ADD COLUMN %s;\n", o->tident, o->def);
			return;
		case MG_OBJ_CONSTRAINT:
		case MG_OBJ_FKEY:
			if (!c->existing && !(o->kind == MG_OBJ_FKEY && deferred_fk(o)))
				return;			/* inline in its new table */
			rebuild_hazard(b, "add a constraint", o->tident);
			if (o->unnamed)
				/* unnamed, as in the model: its name follows renames */
				mg_buf_printf(b, "ALTER TABLE %s ADD %s;\n", o->tident, o->args);
			else
				mg_write_statement(b, o->def);
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
		mg_buf_printf(b, "-- hazard: data loss: dropping table %s deletes its rows\n", o->ident);
	else if (o->kind == MG_OBJ_COLUMN)
		mg_buf_printf(b, "-- hazard: data loss: dropping column %s of %s deletes its values\n",
					  o->ident, o->tident);
	else if (o->kind == MG_OBJ_CONSTRAINT || o->kind == MG_OBJ_FKEY)
		rebuild_hazard(b, "drop a constraint", o->tident);
	mg_write_statement(b, o->drop);
}

static void
alter_column(MgBuf *b, const MgChange *c)
{
	const MgObject *a = c->from;
	const MgObject *o = c->to;

	if (strcmp(c->text, "TYPE") == 0)
	{
		rebuild_hazard(b, "change a column's type", o->tident);
		/* TYPE "": none (batch mode's spelling of a typeless column) */
		mg_buf_printf(b, "ALTER TABLE %s ALTER COLUMN %s TYPE %s", o->tident, o->ident,
					  o->type[0] ? o->type : "\"\"");
		if (o->collation || a->collation)
			mg_buf_printf(b, " COLLATE %s", o->collation ? o->collation : "BINARY");
		mg_buf_puts(b, ";\n");
	}
	else if (strcmp(c->text, "SET DEFAULT") == 0)
	{
		rebuild_hazard(b, "change a column's default", o->tident);
		mg_buf_printf(b, "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s;\n", o->tident, o->ident, o->defval);
	}
	else if (strcmp(c->text, "SET NOT NULL") == 0)
	{
		rebuild_hazard(b, "add NOT NULL", o->tident);
		mg_buf_printf(b, "ALTER TABLE %s ALTER COLUMN %s SET NOT NULL;\n", o->tident, o->ident);
	}
	else if (strcmp(c->text, "ADD IDENTITY") == 0)
	{
		/* batch mode: AUTOINCREMENT on the INTEGER PRIMARY KEY */
		rebuild_hazard(b, "add AUTOINCREMENT", o->tident);
		mg_buf_printf(b, "ALTER TABLE %s ALTER COLUMN %s ADD GENERATED ALWAYS AS IDENTITY;\n", o->tident, o->ident);
	}
	else
		mg_buf_printf(b, "-- not on SQLite: ALTER TABLE %s ALTER COLUMN %s %s\n", o->tident, o->ident, c->text);
}

static void
write_change(MgBuf *b, const MgChange *c)
{
	switch (c->op)
	{
		case MG_CH_DROP:
			drop(b, c->from);
			break;
		case MG_CH_COLUMN_RELEASE:
			rebuild_hazard(b, strcmp(c->text, "DROP DEFAULT") == 0 ? "drop a default" :
						   strcmp(c->text, "DROP IDENTITY") == 0 ? "drop AUTOINCREMENT" : "drop NOT NULL",
						   c->from->orig_tident ? c->from->orig_tident : c->from->tident);
			if (strcmp(c->text, "DROP IDENTITY") == 0)
				/* IF EXISTS: a dropped primary key took AUTOINCREMENT along */
				mg_buf_printf(b, "ALTER TABLE %s ALTER COLUMN %s DROP IDENTITY IF EXISTS;\n",
							  c->from->orig_tident ? c->from->orig_tident : c->from->tident,
							  c->from->orig_ident ? c->from->orig_ident : c->from->ident);
			else
				mg_write_shared(b, c);
			break;
		case MG_CH_HINT:
		case MG_CH_RENAME:
			mg_write_shared(b, c);
			break;
		case MG_CH_CREATE:
			create(b, c);
			break;
		case MG_CH_COLUMN_ALTER:
			alter_column(b, c);
			break;
		case MG_CH_REPLACE:
			mg_write_statement(b, c->to->def);
			break;
		default:
			/* PostgreSQL-only kinds (enums, sequences, ...) never come from SQLite */
			break;
	}
}

/* Is c the drop of something on a table the list drops (DROP TABLE takes
 * its columns, constraints, indexes and triggers with it)? */
static bool
goes_with_table(const MgChangeList *changes, const MgChange *c)
{
	const char *table = c->from ? c->from->table : NULL;

	if (c->op != MG_CH_DROP || table == NULL || c->from->kind == MG_OBJ_COMMENT)
		return false;
	for (int i = 0; i < changes->count; i++)
	{
		const MgChange *d = &changes->items[i];

		if (d->op == MG_CH_DROP && d->from->kind == MG_OBJ_TABLE &&
			strcmp(d->from->name, table) == 0)
			return true;
	}
	return false;
}

/* Is d the DROP TABLE of a table with a foreign key on key (the unique
 * key it names in its parent)? */
static bool
drops_fk_on(const MgChangeList *changes, const MgChange *d, const char *key)
{
	if (d->op != MG_CH_DROP || d->from->kind != MG_OBJ_TABLE)
		return false;
	for (int i = 0; i < changes->count; i++)
	{
		const MgChange *f = &changes->items[i];

		if (f->op == MG_CH_DROP && f->from->kind == MG_OBJ_FKEY && f->from->table &&
			strcmp(f->from->table, d->from->name) == 0 &&
			mg_strlist_contains(&f->from->deps, key))
			return true;
	}
	return false;
}

/* The primary key created on c's table after c (an ADD IDENTITY), or -1. */
static int
pkey_created_after(const MgChangeList *changes, int i)
{
	const MgChange *c = &changes->items[i];

	if (c->op != MG_CH_COLUMN_ALTER || strcmp(c->text, "ADD IDENTITY") != 0)
		return -1;
	for (int j = i + 1; j < changes->count; j++)
	{
		const MgChange *d = &changes->items[j];

		if (d->op == MG_CH_CREATE && d->to->kind == MG_OBJ_CONSTRAINT && d->to->sub == 'p' &&
			d->to->table && strcmp(d->to->table, c->to->table) == 0)
			return j;
	}
	return -1;
}

char *
sq_schema_write(const MgChangeList *changes)
{
	MgBuf		b;
	bool	   *done = mg_alloc(sizeof(bool) * (size_t) (changes->count + 1));
	int		   *after = mg_alloc(sizeof(int) * (size_t) (changes->count + 1));

	mg_buf_init(&b);
	all_changes = changes;
	memset(done, 0, sizeof(bool) * (size_t) (changes->count + 1));
	memset(after, 0, sizeof(int) * (size_t) (changes->count + 1));
	for (int i = 0; i < changes->count; i++)
	{
		const MgChange *c = &changes->items[i];
		int			pk;

		if (done[i])
			continue;
		/* AUTOINCREMENT goes on the primary key: after it when it is new */
		if ((pk = pkey_created_after(changes, i)) >= 0)
		{
			after[pk] = i + 1;
			continue;
		}
		/*
		 * A foreign key goes before the unique key it names, but one of a
		 * dropped table goes with its DROP TABLE, which comes later: drop
		 * that table first (a key a foreign key names cannot go: SQLite's
		 * "foreign key mismatch").
		 */
		if (c->op == MG_CH_DROP && (c->from->kind == MG_OBJ_CONSTRAINT || c->from->kind == MG_OBJ_INDEX))
			for (int j = i + 1; j < changes->count; j++)
				if (!done[j] && drops_fk_on(changes, &changes->items[j], c->from->key))
				{
					write_change(&b, &changes->items[j]);
					done[j] = true;
				}
		if (!goes_with_table(changes, c))
			write_change(&b, c);
		if (after[i])
			write_change(&b, &changes->items[after[i] - 1]);
	}
	mg_free(done);
	mg_free(after);
	all_changes = NULL;
	/* no blank line at the end: the file's section ends here */
	while (b.len > 1 && b.data[b.len - 1] == '\n' && b.data[b.len - 2] == '\n')
		b.data[--b.len] = '\0';
	return b.data ? b.data : mg_strdup("");
}
