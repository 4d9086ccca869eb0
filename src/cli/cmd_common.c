/*
 * cmd_common.c — what the commands share: option parsing with --help and
 * --json, opening the database, and Alembic-style revision lines.
 */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

/* Every option of every command, once; the letter is its getopt value. */
typedef struct CmdOption
{
	struct option opt;
	bool		short_form;		/* also "-<letter>" */
} CmdOption;

static const CmdOption cmd_options[] = {
	{{"help", no_argument, NULL, 'h'}, false},
	{{"json", no_argument, NULL, 'J'}, false},
	{{"message", required_argument, NULL, 'm'}, true},	/* revision, merge */
	{{"rev-id", required_argument, NULL, 'I'}, false},
	{{"head", required_argument, NULL, 'H'}, false},	/* revision */
	{{"branch-label", required_argument, NULL, 'b'}, false},
	{{"depends-on", required_argument, NULL, 'p'}, false},
	{{"splice", no_argument, NULL, 's'}, false},
	{{"rev-range", required_argument, NULL, 'r'}, true},	/* history */
	{{"indicate-current", no_argument, NULL, 'i'}, true},
	{{"verbose", no_argument, NULL, 'v'}, true},
	{{"sql", no_argument, NULL, 'S'}, false},	/* upgrade, downgrade, stamp */
	{{"purge", no_argument, NULL, 'P'}, false},
	{{"dialect", required_argument, NULL, 'L'}, false},
	{{"autogenerate", no_argument, NULL, 'A'}, false},	/* the model (model.h) */
	{{"schema", required_argument, NULL, 'M'}, false},
	{{"schemas", required_argument, NULL, 'C'}, false},
	{{"rename", required_argument, NULL, 'R'}, false},
	{{"online", no_argument, NULL, 'O'}, false},
	{{"from", required_argument, NULL, 'F'}, false},	/* diff */
	{{"to", required_argument, NULL, 'T'}, false},
	{{"scratch", no_argument, NULL, 'X'}, false},	/* test */
	{{"per-revision", no_argument, NULL, 'W'}, false},	/* upgrade, downgrade */
	{{"lock-timeout", required_argument, NULL, 'K'}, false},
	{{"lock-retries", required_argument, NULL, 'Y'}, false},
	{{"lock-wait", required_argument, NULL, 'G'}, false},	/* upgrade, downgrade, stamp */
	{{"format", required_argument, NULL, 'f'}, false},	/* lint */
};
#define N_CMD_OPTIONS (sizeof(cmd_options) / sizeof(cmd_options[0]))

int
cmd_getopt(int argc, char **argv, const char *accepted, int *status)
{
	struct option longopts[N_CMD_OPTIONS + 1];
	char		shortopts[2 * N_CMD_OPTIONS + 1];
	int			nl = 0,
				ns = 0,
				c;

	for (size_t i = 0; i < N_CMD_OPTIONS; i++)
	{
		const struct option *o = &cmd_options[i].opt;

		if (o->val != 'h' && o->val != 'J' && strchr(accepted, o->val) == NULL)
			continue;
		longopts[nl++] = *o;
		if (cmd_options[i].short_form)
		{
			shortopts[ns++] = (char) o->val;
			if (o->has_arg == required_argument)
				shortopts[ns++] = ':';
		}
	}
	memset(&longopts[nl], 0, sizeof(longopts[nl]));
	shortopts[ns] = '\0';
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c == 'h')
	{
		*status = command_help(argv[0]);
		return -2;
	}
	if (c == 'J')
		opt.json = true;
	if (c == '?')
	{
		fprintf(stderr, "Try \"migrate %s --help\".\n", argv[0]);
		*status = EXIT_USAGE;
		return -2;
	}
	return c;
}

/* A command without options of its own: -1 to go on, else its status. */
int
no_options(int argc, char **argv)
{
	int			c,
				status = EXIT_OK;

	while ((c = cmd_getopt(argc, argv, "", &status)) != -1)
		if (c == -2)
			return status;
	return -1;
}

const DbOps *
db_ops_for(const char *url)
{
	return strncmp(url, "sqlite:", 7) == 0 ? &sqlite_ops : &pg_ops;
}

int
open_db(const DbOps **ops, bool write, Db **db)
{
	if (opt.url == NULL || opt.url[0] == '\0')
		return fail(EXIT_USAGE, "no database given: use -d URL or set DATABASE_URL");
	*ops = db_ops_for(opt.url);
	return (*ops)->open(opt.url, write, db);
}

/*
 * Load the repo for the database's dialect, then open the database: a
 * malformed file is reported before anything (a SQLite file) is created.
 */
int
open_both(const DbOps **ops, bool write, Db **db, Repo *repo)
{
	int			st;

	if (opt.url == NULL || opt.url[0] == '\0')
		return fail(EXIT_USAGE, "no database given: use -d URL or set DATABASE_URL");
	st = repo_load(repo, opt.dir, db_ops_for(opt.url)->dialect);
	if (st != EXIT_OK)
		return st;
	return open_db(ops, write, db);
}

/* The files, and the database's version set (read only, then closed). */
int
read_versions(Repo *repo, MgStrList *versions)
{
	const DbOps *ops;
	Db		   *db;
	int			st = open_both(&ops, false, &db, repo);

	if (st != EXIT_OK)
		return st;
	st = ops->versions(db, versions);
	ops->close(db);
	return st;
}

/*
 * Like open_both, but on a backend with a boot state (PostgreSQL) the files
 * are only scanned (read and hashed): the caller asks boot_state() and
 * parses (repo_parse) only when the database does not hold them already.
 */
int
open_scanned(const DbOps **ops, bool write, Db **db, Repo *repo)
{
	const DbOps *o;
	int			st;

	if (opt.url == NULL || opt.url[0] == '\0')
		return fail(EXIT_USAGE, "no database given: use -d URL or set DATABASE_URL");
	o = db_ops_for(opt.url);
	if ((st = repo_scan(repo, opt.dir)) != EXIT_OK)
		return st;
	if (o->boot_state == NULL && (st = repo_parse(repo, o->dialect)) != EXIT_OK)
		return st;
	return open_db(ops, write, db);
}

/* The revision as Alembic prints it; flags say which parts. */
char *
rev_line(const Repo *repo, int node, int flags, const uint8_t *current)
{
	const MgNode *nd = &repo->graph.nodes[node];
	MgBuf		b;

	mg_buf_init(&b);
	if (flags & LINE_PARENTS)
	{
		if (nd->revises_txt.count == 0)
			mg_buf_puts(&b, "<base>");
		for (int k = 0; k < nd->revises_txt.count; k++)
			mg_buf_printf(&b, "%s%s", k ? ", " : "", nd->revises_txt.items[k]);
		if (nd->depends_txt.count > 0)
		{
			mg_buf_puts(&b, " (");
			for (int k = 0; k < nd->depends_txt.count; k++)
				mg_buf_printf(&b, "%s%s", k ? ", " : "", nd->depends_txt.items[k]);
			mg_buf_puts(&b, ")");
		}
		mg_buf_puts(&b, " -> ");
	}
	mg_buf_puts(&b, nd->id);
	if (flags & LINE_BRANCHES)
	{
		MgStrList	br = mg_graph_node_branches(&repo->graph, node);

		if (br.count > 0)
		{
			mg_buf_puts(&b, " (");
			for (int k = 0; k < br.count; k++)
				mg_buf_printf(&b, "%s%s", k ? ", " : "", br.items[k]);
			mg_buf_puts(&b, ")");
		}
		mg_strlist_free(&br);
	}
	if (mg_graph_is_head(&repo->graph, node))
		mg_buf_puts(&b, " (head)");
	if (current && current[node])
		mg_buf_puts(&b, " (current)");
	if (flags & LINE_TREE)
	{
		if (nd->children.count > 1)
			mg_buf_puts(&b, " (branchpoint)");
		if (nd->parents.count > 1)
			mg_buf_puts(&b, " (mergepoint)");
	}
	if (flags & LINE_MESSAGE)
		mg_buf_printf(&b, ", %s", repo->revs[node].rf.message ? repo->revs[node].rf.message : "");
	/* one line for a terminal, whatever the message holds */
	{
		const char *shown = printable(b.data, false);

		if (shown != b.data)
			mg_free(b.data);
		return (char *) shown;
	}
}

/* A JSON array of the ids of a node list. */
void
json_ids(FILE *f, const MgGraph *g, const MgIntList *l)
{
	fputc('[', f);
	for (int i = 0; i < l->count; i++)
	{
		if (i)
			fputs(", ", f);
		json_string(f, g->nodes[l->items[i]].id);
	}
	fputc(']', f);
}

void
json_strs(FILE *f, const MgStrList *l)
{
	fputc('[', f);
	for (int i = 0; i < l->count; i++)
	{
		if (i)
			fputs(", ", f);
		json_string(f, l->items[i]);
	}
	fputc(']', f);
}

/* A text[] literal for an array parameter. */
char *
text_array_literal(char *const *items, int n)
{
	MgBuf		b;

	mg_buf_init(&b);
	mg_buf_puts(&b, "{");
	for (int i = 0; i < n; i++)
	{
		if (i)
			mg_buf_puts(&b, ",");
		mg_buf_puts(&b, "\"");
		for (const char *p = items[i]; *p; p++)
		{
			if (*p == '"' || *p == '\\')
				mg_buf_append(&b, "\\", 1);
			mg_buf_append(&b, p, 1);
		}
		mg_buf_puts(&b, "\"");
	}
	mg_buf_puts(&b, "}");
	return b.data;
}
