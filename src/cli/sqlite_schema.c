/*
 * sqlite_schema.c — the SQLite schema reader (SPEC §7): sqlite_schema's
 * rows and the CREATE TABLE text SQLite stores, read with the tokenizer
 * (sqlite_table.c), cross-checked against pragma table_xinfo, as the
 * shared schema model.
 *
 * Every definition is in one canonical spelling (sq_canonical), so the
 * model file and the database compare equal however each was written.
 * Names go into keys in lower case: SQLite's names are case-insensitive.
 * Column constraints become table constraints under PostgreSQL's default
 * names (t_pkey, t_a_key, t_a_fkey, t_a_check) when they have none, which
 * are also the names DROP CONSTRAINT finds them by in batch mode
 * (sqlite_alter.c).  AUTOINCREMENT is the column's identity (batch mode's
 * ADD GENERATED … AS IDENTITY / DROP IDENTITY); such a column's definition
 * says PRIMARY KEY AUTOINCREMENT, where SQLite requires it, and a new
 * table is written without the primary key constraint then.
 */
#include "sqlite_schema.h"
#include "sqlite_alter.h"
#include "sqlite_tok.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* A unique key (primary key, UNIQUE, unique index), or the parent key a
 * foreign key names: the object's key, the table and the columns. */
typedef struct KeyCols
{
	char	   *key;
	char	   *table;			/* lower case */
	MgStrList	cols;			/* empty for a foreign key: the primary key */
	bool		primary;
} KeyCols;

typedef struct Reader
{
	sqlite3    *db;
	MgSchemaModel *m;
	char	   *err;
	size_t		errlen;
	MgStrList	rels;			/* tables and views, lower case */
	KeyCols    *keys;			/* unique keys */
	int			nkeys;
	KeyCols    *fks;			/* foreign keys, by their parent key */
	int			nfks;
} Reader;

static bool
failf(Reader *r, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(r->err, r->errlen, fmt, ap);
	va_end(ap);
	return false;
}

static char *
lower(const char *s)
{
	char	   *o = mg_strdup(s);

	for (char *p = o; *p; p++)
		*p = (char) tolower((unsigned char) *p);
	return o;
}

static char *
upper(const char *s)
{
	char	   *o = mg_strdup(s);

	for (char *p = o; *p; p++)
		*p = (char) toupper((unsigned char) *p);
	return o;
}

static char *
sfmt(const char *f,...)
{
	va_list		ap;
	char		tmp[16384];

	va_start(ap, f);
	vsnprintf(tmp, sizeof(tmp), f, ap);
	va_end(ap);
	return mg_strdup(tmp);
}

static void
add_keycols(KeyCols **list, int *n, const char *key, const char *table,
			const MgStrList *cols, bool primary)
{
	KeyCols    *k;

	*list = mg_realloc(*list, sizeof(KeyCols) * (size_t) (*n + 1));
	k = &(*list)[(*n)++];
	memset(k, 0, sizeof(*k));
	k->key = mg_strdup(key);
	k->table = lower(table);
	for (int i = 0; cols && i < cols->count; i++)
		mg_strlist_add(&k->cols, cols->items[i]);
	k->primary = primary;
}

/* The same columns, in any order (names are case-insensitive)? */
static bool
same_cols(const MgStrList *a, const MgStrList *b)
{
	if (a->count != b->count)
		return false;
	for (int i = 0; i < a->count; i++)
	{
		bool		found = false;

		for (int j = 0; j < b->count && !found; j++)
			found = strcasecmp(a->items[i], b->items[j]) == 0;
		if (!found)
			return false;
	}
	return true;
}

/*
 * A foreign key depends on the unique key of its parent that it names
 * (SQLite's "parent key": the primary key when it names no columns), as
 * in PostgreSQL: the key is dropped after the foreign key and created
 * before it, and a replaced key takes the foreign key along.
 */
static void
link_parent_keys(Reader *r)
{
	for (int i = 0; i < r->nfks; i++)
	{
		const KeyCols *f = &r->fks[i];
		int			fi = mg_model_find(r->m, f->key);

		if (fi < 0)
			continue;
		for (int j = 0; j < r->nkeys; j++)
		{
			const KeyCols *k = &r->keys[j];

			if (strcmp(k->table, f->table) == 0 &&
				(f->cols.count == 0 ? k->primary : same_cols(&f->cols, &k->cols)))
			{
				mg_model_dep(&r->m->objs[fi], k->key);
				break;
			}
		}
	}
}

static char *
table_key(const char *lname)
{
	return mg_model_key(MG_OBJ_TABLE, "main", NULL, lname);
}

/* A constraint of table t (lt: lower-case name) as a model object. */
static void
add_constraint(Reader *r, const SqTable *t, const char *lt, const SqColumn *c,
			   const SqConstraint *k)
{
	char	   *name = k->name ? mg_strdup(k->name) : sq_default_con_name(t, c, k);
	char	   *inline_def;
	char	   *tident = sq_quote_ident(t->name);
	MgObject   *o;
	char		sub;

	if (name == NULL)
		return;
	switch (k->kind)
	{
		case SQC_PRIMARY:
			sub = 'p';
			inline_def = c ? sfmt("PRIMARY KEY (%s)", sq_quote_ident(c->name)) : mg_strdup(k->body);
			break;
		case SQC_UNIQUE:
			sub = 'u';
			inline_def = c ? sfmt("UNIQUE (%s)", sq_quote_ident(c->name)) : mg_strdup(k->body);
			break;
		case SQC_CHECK:
			sub = 'c';
			inline_def = mg_strdup(k->body);
			break;
		case SQC_FOREIGN:
			sub = 'f';
			inline_def = c ? sfmt("FOREIGN KEY (%s) %s", sq_quote_ident(c->name), k->body) : mg_strdup(k->body);
			break;
		default:
			return;
	}
	inline_def = sq_canonical(inline_def);
	/* two unnamed constraints with the same default name: t_a_check1, … */
	for (int n = 1; (o = mg_model_add(r->m, sub == 'f' ? MG_OBJ_FKEY : MG_OBJ_CONSTRAINT, "main",
									  lt, lower(name))) == NULL; n++)
		name = sfmt("%s%d", k->name ? k->name : sq_default_con_name(t, c, k), n);
	o->sub = sub;
	o->unnamed = k->name == NULL;
	o->ident = sq_quote_ident(name);
	o->qname = o->ident;
	o->tident = tident;
	o->args = inline_def;
	o->def = sfmt("ALTER TABLE %s ADD CONSTRAINT %s %s", tident, o->ident, inline_def);
	o->drop = sfmt("ALTER TABLE %s DROP CONSTRAINT %s", tident, o->ident);
	mg_model_dep(o, table_key(lt));
	if (k->ref_table && strcasecmp(k->ref_table, t->name) != 0)
		mg_model_dep(o, table_key(lower(k->ref_table)));
	if (sub == 'f')
		add_keycols(&r->fks, &r->nfks, o->key, k->ref_table, &k->ref_cols, false);
	else if (sub == 'p' || sub == 'u')
	{
		MgStrList	one = {0};

		if (c)
			mg_strlist_add(&one, c->name);
		add_keycols(&r->keys, &r->nkeys, o->key, t->name, c ? &one : &k->cols, sub == 'p');
	}
}

/* The column's definition for CREATE TABLE / ADD COLUMN. */
static void
add_column(Reader *r, const SqTable *t, const char *lt, int i)
{
	const SqColumn *c = &t->cols[i];
	MgObject   *o = mg_model_add(r->m, MG_OBJ_COLUMN, "main", lt, lower(c->name));
	MgBuf		def;
	int			k;

	if (o == NULL)
		return;
	o->ident = sq_quote_ident(c->name);
	o->qname = o->ident;
	o->tident = sq_quote_ident(t->name);
	o->attnum = i + 1;
	o->type = upper(sq_canonical(c->type));
	mg_buf_init(&def);
	mg_buf_puts(&def, o->ident);
	if (o->type[0])
		mg_buf_printf(&def, " %s", o->type);
	if ((k = sq_column_con(c, SQC_PRIMARY)) >= 0 && c->cons[k].autoinc)
	{
		/* SQLite's identity column; its primary key is a constraint too */
		o->identity = 'a';
		if (c->cons[k].name)
			mg_buf_printf(&def, " CONSTRAINT %s", sq_quote_ident(c->cons[k].name));
		mg_buf_puts(&def, " PRIMARY KEY AUTOINCREMENT");
	}
	if ((k = sq_column_con(c, SQC_COLLATE)) >= 0)
	{
		char	   *coll = sq_canonical(c->cons[k].body + strlen("COLLATE"));

		mg_buf_printf(&def, " COLLATE %s", coll);
		/* BINARY is the default: the same column as no COLLATE */
		o->collation = strcasecmp(coll, "binary") == 0 ? NULL : coll;
	}
	if (sq_column_con(c, SQC_NOTNULL) >= 0)
	{
		mg_buf_puts(&def, " NOT NULL");
		/* a rowid alias is never NULL: NOT NULL or not, the same column */
		o->notnull = !sq_column_is_rowid(t, i);
	}
	if ((k = sq_column_con(c, SQC_DEFAULT)) >= 0)
	{
		o->defval = sq_canonical(c->cons[k].expr);
		mg_buf_printf(&def, " DEFAULT %s", o->defval);
	}
	if ((k = sq_column_con(c, SQC_GENERATED)) >= 0)
	{
		const char *kind = c->cons[k].stored ? "STORED" : "VIRTUAL";
		char	   *expr = sq_canonical(c->cons[k].expr);

		/* compared with its kind: VIRTUAL <-> STORED replaces the column */
		o->generated = sfmt("%s %s", expr, kind);
		mg_buf_printf(&def, " GENERATED ALWAYS AS (%s) %s", expr, kind);
		/* on the columns it reads: dropped before them, added after them */
		for (int j = 0; j < t->ncols; j++)
			if (j != i && sq_text_mentions(c->cons[k].expr, t->cols[j].name))
				mg_model_dep(o, mg_model_key(MG_OBJ_COLUMN, "main", lt, lower(t->cols[j].name)));
	}
	o->def = def.data;
	o->drop = sfmt("ALTER TABLE %s DROP COLUMN %s", o->tident, o->ident);
	mg_model_dep(o, table_key(lt));
	for (int j = 0; j < c->ncons; j++)
		add_constraint(r, t, lt, c, &c->cons[j]);
}

/*
 * What SQLite's pragmas say about the table must be what the tokenizer
 * read: the columns (names, in order; NOT NULL; generated ones hidden)
 * and the number of foreign keys.  A difference is an error, never a
 * silent misreading.
 */
static bool
cross_check(Reader *r, const char *name, const SqTable *t)
{
	sqlite3_stmt *st;
	int			i = 0,
				fks = 0,
				rc;

	if (sqlite3_prepare_v2(r->db, "SELECT name, \"notnull\", hidden FROM pragma_table_xinfo(?1) ORDER BY cid",
						   -1, &st, NULL) != SQLITE_OK)
		return failf(r, "cannot read pragma table_xinfo(%s): %s", name, sqlite3_errmsg(r->db));
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
	{
		const SqColumn *c = i < t->ncols ? &t->cols[i] : NULL;
		char	   *pname = mg_strdup((const char *) sqlite3_column_text(st, 0));
		int			hidden = sqlite3_column_int(st, 2);
		bool		notnull = sqlite3_column_int(st, 1) != 0;

		/* a WITHOUT ROWID table's key columns are NOT NULL unsaid */
		if (c == NULL || strcasecmp(c->name, pname) != 0 ||
			(!notnull && sq_column_con(c, SQC_NOTNULL) >= 0) ||
			(notnull && sq_column_con(c, SQC_NOTNULL) < 0 && !t->without_rowid) ||
			(hidden == 2 || hidden == 3) != sq_column_generated(c))
		{
			sqlite3_finalize(st);
			return failf(r, "cannot read the definition of table %s: SQLite's pragma table_xinfo and the reader disagree on column %d (%s)",
						 name, i + 1, pname);
		}
		mg_free(pname);
		i++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE || i != t->ncols)
		return failf(r, "cannot read the definition of table %s: SQLite sees %d columns, the reader %d", name, i, t->ncols);
	for (int k = 0; k < t->ncons; k++)
		fks += t->cons[k].kind == SQC_FOREIGN;
	for (int c = 0; c < t->ncols; c++)
		for (int k = 0; k < t->cols[c].ncons; k++)
			fks += t->cols[c].cons[k].kind == SQC_FOREIGN;
	if (sqlite3_prepare_v2(r->db, "SELECT count(DISTINCT id) FROM pragma_foreign_key_list(?1)", -1, &st, NULL) != SQLITE_OK)
		return failf(r, "cannot read pragma foreign_key_list(%s): %s", name, sqlite3_errmsg(r->db));
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	if (rc != fks)
		return failf(r, "cannot read the definition of table %s: SQLite sees %d foreign keys, the reader %d", name, rc, fks);
	return true;
}

static bool
read_table(Reader *r, const char *name, const char *sql)
{
	SqTable		t;
	char		why[512];
	char	   *lt = lower(name);
	MgObject   *o;

	if (strncasecmp(sql, "CREATE VIRTUAL", 14) == 0)
		return failf(r, "virtual table %s: autogenerate on SQLite does not compare virtual tables", name);
	if (!sq_table_parse(sql, &t, why, sizeof(why)))
		return failf(r, "cannot read the definition of table %s: %s", name, why);
	if (!cross_check(r, name, &t))
		return false;
	o = mg_model_add(r->m, MG_OBJ_TABLE, "main", NULL, lt);
	if (o == NULL)
		return true;
	o->sub = 'r';
	o->persistence = 'p';
	o->ident = sq_quote_ident(name);
	o->qname = o->ident;
	o->def = sfmt("%s%s%s", t.without_rowid ? " WITHOUT ROWID" : "",
				  t.without_rowid && t.strict ? "," : "", t.strict ? " STRICT" : "");
	o->drop = sfmt("DROP TABLE %s", o->ident);
	mg_strlist_add(&r->rels, lt);
	for (int i = 0; i < t.ncols; i++)
		add_column(r, &t, lt, i);
	for (int i = 0; i < t.ncons; i++)
		add_constraint(r, &t, lt, NULL, &t.cons[i]);
	return true;
}

/* A unique index on columns (not partial, no expressions) is a unique key
 * a foreign key may name. */
static void
index_key(Reader *r, const char *key, const char *name, const char *tbl)
{
	sqlite3_stmt *st;
	MgStrList	cols = {0};
	bool		ok = false;

	if (sqlite3_prepare_v2(r->db, "SELECT \"unique\" AND NOT partial FROM pragma_index_list(?1) WHERE name = ?2",
						   -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, tbl, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (!ok || sqlite3_prepare_v2(r->db, "SELECT name FROM pragma_index_info(?1) ORDER BY seqno",
								  -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	while (ok && sqlite3_step(st) == SQLITE_ROW)
	{
		const char *c = (const char *) sqlite3_column_text(st, 0);

		if (c == NULL)
			ok = false;			/* an expression */
		else
			mg_strlist_add(&cols, c);
	}
	sqlite3_finalize(st);
	if (ok)
		add_keycols(&r->keys, &r->nkeys, key, tbl, &cols, false);
}

/* An index, view or trigger: its canonical SQL. */
static void
read_other(Reader *r, const char *type, const char *name, const char *tbl, const char *sql)
{
	MgObjKind	kind = strcmp(type, "index") == 0 ? MG_OBJ_INDEX :
		strcmp(type, "view") == 0 ? MG_OBJ_VIEW : MG_OBJ_TRIGGER;
	char	   *lt = lower(tbl);
	MgObject   *o = mg_model_add(r->m, kind, "main", kind == MG_OBJ_VIEW ? NULL : lt, lower(name));

	if (o == NULL)
		return;
	o->ident = sq_quote_ident(name);
	o->qname = o->ident;
	if (kind != MG_OBJ_VIEW)
	{
		o->tident = sq_quote_ident(tbl);
		mg_model_dep(o, table_key(lt));
	}
	else
		mg_strlist_add(&r->rels, lower(name));
	o->def = sq_canonical(sql);
	o->drop = sfmt("DROP %s %s", kind == MG_OBJ_INDEX ? "INDEX" : kind == MG_OBJ_VIEW ? "VIEW" : "TRIGGER",
				   o->ident);
	if (kind == MG_OBJ_INDEX)
		index_key(r, o->key, name, tbl);
}

bool
sq_schema_read(sqlite3 *db, MgSchemaModel *m, char *err, size_t errlen)
{
	Reader		r = {db, m, err, errlen, {0}, NULL, 0, NULL, 0};
	sqlite3_stmt *st;
	int			rc;

	mg_model_init(m);
	if (sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, sql FROM main.sqlite_schema"
						   " WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
						   " AND name NOT IN ('migrate_revision', 'migrate_version', 'migrate_history', 'migrate_snapshot', 'migrate_journal')"
						   " ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END, rowid",
						   -1, &st, NULL) != SQLITE_OK)
		return failf(&r, "cannot read sqlite_schema: %s", sqlite3_errmsg(db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
	{
		const char *type = (const char *) sqlite3_column_text(st, 0);
		const char *name = (const char *) sqlite3_column_text(st, 1);
		const char *tbl = (const char *) sqlite3_column_text(st, 2);
		const char *sql = (const char *) sqlite3_column_text(st, 3);

		if (strcmp(type, "table") == 0)
		{
			if (!read_table(&r, name, sql))
			{
				sqlite3_finalize(st);
				return false;
			}
		}
		else
			read_other(&r, type, name, tbl, sql);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return failf(&r, "cannot read sqlite_schema: %s", sqlite3_errmsg(db));
	/* views and triggers depend on the relations they name */
	for (int i = 0; i < m->count; i++)
	{
		MgObject   *o = &m->objs[i];

		if (o->kind != MG_OBJ_VIEW && o->kind != MG_OBJ_TRIGGER)
			continue;
		for (int j = 0; j < r.rels.count; j++)
			if (sq_text_mentions(o->def, r.rels.items[j]))
			{
				char	   *tk = table_key(r.rels.items[j]);
				char	   *vk = mg_model_key(MG_OBJ_VIEW, "main", NULL, r.rels.items[j]);

				mg_model_dep(o, mg_model_find(m, tk) >= 0 ? tk : vk);
			}
	}
	link_parent_keys(&r);
	mg_model_finish(m);
	return true;
}
