/*
 * cmd_model.c — the commands of autogenerate (SPEC §6): `revision
 * --autogenerate` (alias `migrate migrate`), `diff` and the model part of
 * `check`.  The program reads the model and the files, pushes, and calls
 * the server's diff(), autogenerate() and check(desired); it has no diff
 * engine of its own.
 */
#include "cmd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

bool
model_option(ModelOpts *o, int c)
{
	const char **value = c == 'M' ? &o->schema : c == 'C' ? &o->schemas :
		c == 'F' ? &o->from : c == 'T' ? &o->to : NULL;

	if (value)
		*value = optarg;
	else if (c == 'R')
		mg_strlist_add(&o->renames, optarg);
	else if (c == 'O')
		o->online = true;
	else
		return false;
	return true;
}

/* A text[] literal of items (NULL for none). */
static char *
array_literal(const MgStrList *items)
{
	return items->count ? text_array_literal(items->items, items->count) : NULL;
}

/* --schemas LIST|all (default public) as the server's argument. */
static int
schemas_argument(const ModelOpts *o, char **out)
{
	MgStrList	l;

	*out = NULL;
	if (o->schemas && strcmp(o->schemas, "all") == 0)
		return EXIT_OK;
	l = mg_split_list(o->schemas ? o->schemas : "public", false);
	if (l.count == 0)
		return fail(EXIT_USAGE, "--schemas needs a comma-separated list of schemas, or \"all\"");
	*out = array_literal(&l);
	return EXIT_OK;
}

static int
check_renames(const ModelOpts *o)
{
	for (int i = 0; i < o->renames.count; i++)
	{
		const char *r = o->renames.items[i];
		const char *colon = strchr(r, ':');

		if (colon == NULL || colon == r || colon[1] == '\0' || strchr(colon + 1, ':'))
			return fail(EXIT_USAGE, "--rename takes TABLE.OLD:TABLE.NEW (a column) or OLD:NEW (a table), not \"%s\"", r);
	}
	return EXIT_OK;
}

/* The call for o; m is the model read. */
static int
prepare_call(const ModelOpts *o, ModelOp op, const Model *m, ModelCall *call)
{
	int			st;

	memset(call, 0, sizeof(*call));
	call->op = op;
	call->model = m;
	call->online = o->online;
	if ((st = check_renames(o)) != EXIT_OK)
		return st;
	call->renames = array_literal(&o->renames);
	call->rename_list = &o->renames;
	return schemas_argument(o, (char **) &call->schemas);
}

/* The backend of -d URL has the model operations (before opening it). */
static bool
model_backend(void)
{
	return opt.url == NULL || opt.url[0] == '\0' || db_ops_for(opt.url)->model != NULL;
}

static int
no_model_backend(void)
{
	return fail(EXIT_USAGE, "autogenerate is not available on %s yet; it works on PostgreSQL",
				db_ops_for(opt.url)->name);
}

static int
read_model(const ModelOpts *o, Model *m)
{
	bool		found;
	int			st = model_read(o->schema, m, &found);

	if (st == EXIT_OK && !found)
		return fail(EXIT_USAGE, "no model: write %s/schema.sql (the desired schema as SQL) or pass --schema FILE",
					opt.dir);
	return st;
}

/* Print the "-- hazard:" lines of a generated script on stderr. */
static void
say_hazards(const char *script)
{
	for (const char *p = script; p && *p;)
	{
		const char *end = strchr(p, '\n');
		size_t		len = end ? (size_t) (end - p) : strlen(p);

		if (strncmp(p, "-- hazard:", 10) == 0 || strncmp(p, "-- hint:", 8) == 0)
			put_printable(stderr, "migrate: %.*s\n", (int) len - 3, p + 3);
		p = end ? end + 1 : p + len;
	}
}

static int
write_generated(void *arg, const char *id, const char *message, const char *script)
{
	say_hazards(script);
	return write_revision_text((const Repo *) arg, id, message, script);
}

int
model_autogenerate(const ModelOpts *o, const char *message, const char *rev_id)
{
	const DbOps *ops;
	Db		   *db;
	Repo		repo;
	Model		m;
	ModelCall	call;
	char	   *id = NULL;
	int			st,
				changed = 0;

	if ((st = read_model(o, &m)) != EXIT_OK ||
		(st = prepare_call(o, MODEL_AUTOGENERATE, &m, &call)) != EXIT_OK)
		return st;
	call.message = message;
	call.rev_id = rev_id;
	call.write = write_generated;
	call.arg = &repo;
	if (!model_backend())
		return no_model_backend();
	if ((st = open_both(&ops, true, &db, &repo)) != EXIT_OK)
		return st;
	/* the files are the truth: the catalog holds exactly them first */
	if ((st = ops->push(db, &repo, &changed)) == EXIT_OK)
		st = ops->model(db, &repo, &call, &id);
	ops->close(db);
	if (st == EXIT_OK && id == NULL)
		info("No changes in schema detected.\n");
	return st;
}

/* pg_dump -s of a database: the model of `diff --to URL`. */
static int
dump_schema(const char *url, const char *schemas, Model *m)
{
	MgBuf		cmd,
				out;
	FILE	   *p;
	char		chunk[65536];
	size_t		n;
	int			rc;

	mg_buf_init(&cmd);
	mg_buf_puts(&cmd, "pg_dump --schema-only --no-owner --quote-all-identifiers");
	if (schemas)
	{
		MgStrList	l = mg_split_list(schemas, false);

		for (int i = 0; i < l.count; i++)
			mg_buf_printf(&cmd, " --schema='%s'", l.items[i]);
	}
	mg_buf_printf(&cmd, " --dbname='%s'", url);
	if (strchr(url, '\'') || (schemas && strchr(schemas, '\'')))
		return fail(EXIT_USAGE, "a URL or schema name with a quote is not supported by --to");
	mg_buf_init(&out);
	if ((p = popen(cmd.data, "r")) == NULL)
		return fail(EXIT_FAILED, "cannot run pg_dump: %s", strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		mg_buf_append(&out, chunk, n);
	rc = pclose(p);
	if (rc != 0)
		return fail(EXIT_FAILED, "pg_dump of %s failed (exit status %d)", url,
					WIFEXITED(rc) ? WEXITSTATUS(rc) : rc);
	memset(m, 0, sizeof(*m));
	m->text = out.data;
	model_strip_psql(m->text);
	mg_strlist_add(&m->files, "(pg_dump of --to)");
	m->first_line = mg_alloc0(sizeof(int) * 2);
	m->first_line[0] = 1;
	return EXIT_OK;
}

/* Open -d URL (no files needed) and make one model call on it. */
static int
run_call(const ModelCall *call, char **out)
{
	const DbOps *ops;
	Db		   *db;
	Repo		none;
	int			st = open_db(&ops, false, &db);

	if (st != EXIT_OK)
		return st;
	memset(&none, 0, sizeof(none));
	st = ops->model(db, &none, call, out);
	ops->close(db);
	return st;
}

int
cmd_diff(int argc, char **argv)
{
	ModelOpts	o = {0};
	Model		m;
	ModelCall	call;
	char	   *ddl = NULL;
	int			c,
				st = EXIT_OK;

	while ((c = cmd_getopt(argc, argv, MODEL_OPTIONS "FT", &st)) != -1)
	{
		if (c == -2)
			return st;
		model_option(&o, c);
	}
	if (optind < argc)
		return fail(EXIT_USAGE, "diff takes no arguments");
	if ((o.from == NULL) != (o.to == NULL))
		return fail(EXIT_USAGE, "--from and --to go together");
	if (o.to && o.schema)
		return fail(EXIT_USAGE, "--schema and --to are two models: give one");
	if (o.to)
	{
		opt.url = o.from;
		st = dump_schema(o.to, o.schemas == NULL ? "public" :
						 strcmp(o.schemas, "all") == 0 ? NULL : o.schemas, &m);
	}
	else
		st = read_model(&o, &m);
	if (st != EXIT_OK || (st = prepare_call(&o, MODEL_DIFF, &m, &call)) != EXIT_OK)
		return st;
	if (!model_backend())
		return no_model_backend();
	st = run_call(&call, &ddl);
	if (st == EXIT_OK && ddl && *ddl)
		printf("%s%s", ddl, ddl[strlen(ddl) - 1] == '\n' ? "" : "\n");
	return st;
}

int
model_check(const ModelOpts *o)
{
	Model		m;
	ModelCall	call;
	bool		found;
	char	   *unused = NULL;
	int			st = model_read(o->schema, &m, &found);

	if (st != EXIT_OK || !found)
		return st;
	if ((st = prepare_call(o, MODEL_CHECK, &m, &call)) != EXIT_OK)
		return st;
	/* an explicit model must be checked; the default one where it can be */
	if (!model_backend())
		return o->schema ? no_model_backend() : EXIT_OK;
	return run_call(&call, &unused);
}
