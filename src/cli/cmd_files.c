/*
 * cmd_files.c — the commands that work on the revision files alone, as
 * Alembic's do: init, revision, merge, heads, branches, history, show.
 * (history -i also reads the database to mark the current revisions.)
 */
#include "cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* migrate init: the directory, versions/ and a README */
int
cmd_init(int argc, char **argv)
{
	MgBuf		path;
	FILE	   *f;

	if (optind < argc)
		return fail(EXIT_USAGE, "init takes no arguments (use --dir DIR)");
	if (mkdir(opt.dir, 0777) != 0 && errno != EEXIST)
		return fail(EXIT_USAGE, "cannot create \"%s\": %s", opt.dir, strerror(errno));
	mg_buf_init(&path);
	mg_buf_printf(&path, "%s/versions", opt.dir);
	if (mkdir(path.data, 0777) != 0)
		return fail(EXIT_USAGE, errno == EEXIST
					? "directory \"%s\" already exists"
					: "cannot create \"%s\": %s", path.data, strerror(errno));
	info("Creating directory %s ... done\n", path.data);
	mg_buf_free(&path);
	mg_buf_init(&path);
	mg_buf_printf(&path, "%s/README", opt.dir);
	f = fopen(path.data, "wx");
	if (f)
	{
		fputs("Revision files for migrate, one per revision in versions/.\n"
			  "Create one with: migrate revision -m \"message\"\n"
			  "Apply them with: migrate -d URL upgrade\n", f);
		fclose(f);
		info("Generating %s ... done\n", path.data);
	}
	mg_buf_free(&path);
	return EXIT_OK;
}

/* versions/<id>_<slug>.sql, slug from the message */
static char *
revision_path(const Repo *repo, const char *id, const char *message)
{
	MgBuf		b;
	int			n = 0;
	bool		sep = false;

	mg_buf_init(&b);
	mg_buf_printf(&b, "%s/%s_", repo->versions, id);
	for (const char *p = message ? message : ""; *p && n < 40; p++)
	{
		char		c = *p;

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))
		{
			if (sep && n > 0)
			{
				mg_buf_puts(&b, "_");
				n++;
			}
			sep = false;
			c = (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
			mg_buf_append(&b, &c, 1);
			n++;
		}
		else
			sep = true;
	}
	if (n == 0)
		mg_buf_puts(&b, "revision");
	mg_buf_puts(&b, ".sql");
	return b.data;
}

/* Write a new revision file, never overwriting one; prints its path. */
int
write_revision_text(const Repo *repo, const char *id, const char *message,
					const char *text)
{
	char	   *path = revision_path(repo, id, message);
	int			fd;
	size_t		len = strlen(text);

	if (repo_find(repo, id) >= 0)
		return fail(EXIT_USAGE, "revision %s already exists", id);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
	if (fd < 0 || write(fd, text, len) != (ssize_t) len || close(fd) != 0)
		return fail(EXIT_USAGE, "cannot write \"%s\": %s", path, strerror(errno));
	info("Generating %s ... done\n", path);
	return EXIT_OK;
}

static int
write_revision(Repo *repo, MgRevFile *rf)
{
	return write_revision_text(repo, rf->id, rf->message, mg_revfile_format(rf));
}

static int
check_new_id(const char *id, const char *message)
{
	if (id && !mg_valid_id(id))
		return fail(EXIT_USAGE, "invalid revision id \"%s\" (1-64 letters, digits, \"_\" or \".\")", id);
	if (!mg_valid_message(message))
		return fail(EXIT_USAGE, "the message must be a single line without control characters");
	return EXIT_OK;
}

/* The options of revision and merge (merge takes only -m and --rev-id). */
typedef struct NewRev
{
	const char *message;
	const char *rev_id;
	const char *head;
	MgStrList	labels;
	MgStrList	depends;
	bool		splice;
	bool		autogenerate;	/* revision --autogenerate, migrate */
	ModelOpts	model;
	/* what both then build on */
	Repo		repo;
	MgRevFile	rf;
	uint8_t    *none;			/* an all-zero state for target lookups */
} NewRev;

static void
add_split(MgStrList *to, const char *list)
{
	MgStrList	l = mg_split_list(list, false);

	for (int i = 0; i < l.count; i++)
		mg_strlist_add(to, l.items[i]);
}

#define REV_OPTIONS "mIHbpsA" MODEL_OPTIONS

/* Parse them into o; -1 to go on, else the exit status. */
static int
new_rev_options(int argc, char **argv, const char *accepted, NewRev *o)
{
	int			c,
				st = EXIT_OK;

	while ((c = cmd_getopt(argc, argv, accepted, &st)) != -1)
	{
		if (c == -2)
			return st;
		if (c == 'm')
			o->message = optarg;
		else if (c == 'I')
			o->rev_id = optarg;
		else if (c == 'H')
			o->head = optarg;
		else if (c == 'b')
			add_split(&o->labels, optarg);
		else if (c == 'p')
			add_split(&o->depends, optarg);
		else if (c == 's')
			o->splice = true;
		else if (c == 'A')
			o->autogenerate = true;
		else
			model_option(&o->model, c);
	}
	if ((st = check_new_id(o->rev_id, o->message)) != EXIT_OK)
		return st;
	return -1;
}

/* Load the directory and start the new revision. */
static int
new_rev_load(NewRev *o)
{
	int			st = repo_load(&o->repo, opt.dir, MG_DIALECT_ANY);

	if (st != EXIT_OK)
		return st;
	o->none = mg_alloc0(o->repo.graph.n + 1);
	mg_revfile_new(&o->rf, o->rev_id, o->message);
	return EXIT_OK;
}

/*
 * revision, and with --autogenerate (or as `migrate migrate`) the
 * revision the server writes from the model (cmd_model.c).
 */
int
cmd_revision(int argc, char **argv, int autogenerate)
{
	NewRev		o = {.head = NULL, .autogenerate = autogenerate};
	int			st;
	MgError		err;

	if ((st = new_rev_options(argc, argv, REV_OPTIONS, &o)) >= 0)
		return st;
	if (optind < argc)
		return fail(EXIT_USAGE, "unexpected argument \"%s\" (the message goes with -m)", argv[optind]);
	if (o.message == NULL)
		return fail(EXIT_USAGE, "%s needs a message: -m MSG", argv[0]);
	if (o.autogenerate)
	{
		if (o.head || o.labels.count || o.depends.count || o.splice)
			return fail(EXIT_USAGE, "--autogenerate builds on the current head: --head, --branch-label, --depends-on and --splice do not go with it");
		return model_autogenerate(&o.model, o.message, o.rev_id);
	}
	if (o.model.schema || o.model.schemas || o.model.renames.count || o.model.online)
		return fail(EXIT_USAGE, "--schema, --schemas, --rename and --online go with --autogenerate");
	if (o.head == NULL)
		o.head = "head";
	for (int i = 0; i < o.labels.count; i++)
		if (!mg_valid_label(o.labels.items[i]))
			return fail(EXIT_USAGE, "invalid branch label \"%s\"", o.labels.items[i]);
	if ((st = new_rev_load(&o)) != EXIT_OK)
		return st;
	if (strcmp(o.head, "base") != 0 && o.repo.n > 0)
	{
		int			node;

		if (mg_target_single(&o.repo.graph, o.head, o.none, &node, &err) != MG_OK)
		{
			if (err.status == MG_ERR_AMBIGUOUS && strcmp(o.head, "head") == 0)
				mg_error_hint(&err, "Pass --head with the revision (or <label>@head) to build on, or merge the heads first with \"migrate merge\".");
			return fail_mg(&err);
		}
		if (!mg_graph_is_head(&o.repo.graph, node) && !o.splice)
			return fail(EXIT_USAGE, "revision %s is not a head; pass --splice to branch from it",
						o.repo.graph.nodes[node].id);
		mg_strlist_add(&o.rf.revises, o.repo.graph.nodes[node].id);
	}
	for (int i = 0; i < o.depends.count; i++)
	{
		int			node;

		if (mg_target_single(&o.repo.graph, o.depends.items[i], o.none, &node, &err) != MG_OK)
			return fail_mg(&err);
		mg_strlist_add(&o.rf.depends, o.repo.graph.nodes[node].id);
	}
	for (int i = 0; i < o.labels.count; i++)
	{
		if (mg_map_get(&o.repo.graph.labels, o.labels.items[i]) >= 0)
			return fail(EXIT_USAGE, "branch label \"%s\" is already used by revision %s",
						o.labels.items[i],
						o.repo.graph.nodes[mg_map_get(&o.repo.graph.labels, o.labels.items[i])].id);
		mg_strlist_add(&o.rf.branch, o.labels.items[i]);
	}
	return write_revision(&o.repo, &o.rf);
}

int
cmd_merge(int argc, char **argv)
{
	NewRev		o = {.message = "merge heads"};
	int			st;
	MgIntList	parents = {0};

	if ((st = new_rev_options(argc, argv, "mI", &o)) >= 0)
		return st;
	if ((st = new_rev_load(&o)) != EXIT_OK)
		return st;
	if (optind == argc)
		parents = mg_graph_heads(&o.repo.graph);
	for (int i = optind; i < argc; i++)
	{
		MgError		err;
		int			node;

		if (mg_target_single(&o.repo.graph, argv[i], o.none, &node, &err) != MG_OK)
			return fail_mg(&err);
		mg_intlist_add(&parents, node);
	}
	if (parents.count < 2)
		return fail(EXIT_USAGE, "nothing to merge: %s",
					optind == argc ? "there is only one head" : "give at least two revisions");
	for (int i = 0; i < parents.count; i++)
		mg_strlist_add(&o.rf.revises, o.repo.graph.nodes[parents.items[i]].id);
	return write_revision(&o.repo, &o.rf);
}

int
cmd_list_nodes(int argc, char **argv, int heads)
{
	int			st;
	Repo		repo;
	MgIntList	l;

	if ((st = repo_load(&repo, opt.dir, MG_DIALECT_ANY)) != EXIT_OK)
		return st;
	l = heads ? mg_graph_heads(&repo.graph) : mg_graph_branch_points(&repo.graph);
	if (opt.json)
	{
		printf("[");
		for (int i = 0; i < l.count; i++)
		{
			const MgNode *nd = &repo.graph.nodes[l.items[i]];
			MgStrList	br = mg_graph_node_branches(&repo.graph, l.items[i]);

			printf("%s\n  {\"revision\": ", i ? "," : "");
			json_string(stdout, nd->id);
			printf(", \"branches\": ");
			json_strs(stdout, &br);
			printf(", \"message\": ");
			json_string(stdout, repo.revs[l.items[i]].rf.message);
			if (!heads)
			{
				printf(", \"children\": ");
				json_ids(stdout, &repo.graph, &nd->children);
			}
			printf("}");
		}
		printf("%s]\n", l.count ? "\n" : "");
		return EXIT_OK;
	}
	for (int i = 0; i < l.count; i++)
	{
		int			node = l.items[i];
		const MgNode *nd = &repo.graph.nodes[node];

		if (heads)
		{
			printf("%s\n", rev_line(&repo, node, LINE_BRANCHES, NULL));
			continue;
		}
		printf("%s\n", rev_line(&repo, node, LINE_PARENTS | LINE_BRANCHES | LINE_TREE | LINE_MESSAGE, NULL));
		for (int k = 0; k < nd->children.count; k++)
			printf("    -> %s\n", rev_line(&repo, nd->children.items[k],
										   LINE_BRANCHES | LINE_TREE | LINE_MESSAGE, NULL));
	}
	return EXIT_OK;
}

int
cmd_history(int argc, char **argv)
{
	const char *range = NULL;
	bool		indicate = false;
	int			c,
				st = EXIT_OK;
	Repo		repo;
	uint8_t    *applied;
	uint8_t    *current = NULL;
	MgIntList	l;
	MgError		err;

	while ((c = cmd_getopt(argc, argv, "riv", &st)) != -1)
	{
		if (c == -2)
			return st;
		if (c == 'r')
			range = optarg;
		else if (c == 'i')
			indicate = true;
		else if (c == 'v')
			opt.verbosity = 1;
	}
	if (optind < argc)
		return fail(EXIT_USAGE, "unexpected argument \"%s\"", argv[optind]);
	if (indicate || (range && strstr(range, "current")) ||
		(range && (range[0] == '-' || range[0] == '+' || strstr(range, ":-") || strstr(range, ":+"))))
	{
		/* the database's state is needed */
		MgStrList	versions = {0};

		if ((st = read_versions(&repo, &versions)) != EXIT_OK)
			return st;
		applied = mg_alloc0(repo.graph.n + 1);
		if (mg_state_from_versions(&repo.graph, (const char *const *) versions.items,
								   versions.count, applied, &err) != MG_OK)
			return fail_mg(&err);
		current = mg_alloc0(repo.graph.n + 1);
		for (int i = 0; i < versions.count; i++)
			current[repo_find(&repo, versions.items[i])] = 1;
	}
	else
	{
		if ((st = repo_load(&repo, opt.dir, MG_DIALECT_ANY)) != EXIT_OK)
			return st;
		applied = mg_alloc0(repo.graph.n + 1);
	}
	if (mg_history(&repo.graph, range, applied, &l, &err) != MG_OK)
		return fail_mg(&err);
	if (opt.json)
		printf("[");
	for (int i = 0; i < l.count; i++)
	{
		int			node = l.items[i];
		const RepoRev *r = &repo.revs[node];

		if (opt.json)
		{
			printf("%s\n  {\"revision\": ", i ? "," : "");
			json_string(stdout, r->rf.id);
			printf(", \"revises\": ");
			json_strs(stdout, &r->rf.revises);
			printf(", \"depends\": ");
			json_strs(stdout, &r->rf.depends);
			printf(", \"message\": ");
			json_string(stdout, r->rf.message);
			printf(", \"is_head\": %s", mg_graph_is_head(&repo.graph, node) ? "true" : "false");
			if (current)
				printf(", \"is_current\": %s, \"is_applied\": %s",
					   current[node] ? "true" : "false", applied[node] ? "true" : "false");
			printf("}");
			continue;
		}
		printf("%s\n", rev_line(&repo, node, LINE_PARENTS | LINE_BRANCHES | LINE_TREE | LINE_MESSAGE,
								current));
		if (opt.verbosity > 0)
			printf("    Path: %s\n    Created: %s\n\n", printable(r->path, false),
				   r->rf.created ? printable(r->rf.created, false) : "");
	}
	if (opt.json)
		printf("%s]\n", l.count ? "\n" : "");
	return EXIT_OK;
}

int
cmd_show(int argc, char **argv)
{
	int			st;
	Repo		repo;
	MgError		err;
	int			node;
	uint8_t    *none;
	const MgNode *nd;
	const RepoRev *r;

	if (optind + 1 != argc)
		return fail(EXIT_USAGE, "show needs exactly one revision");
	if ((st = repo_load(&repo, opt.dir, MG_DIALECT_ANY)) != EXIT_OK)
		return st;
	none = mg_alloc0(repo.graph.n + 1);
	if (mg_target_single(&repo.graph, argv[optind], none, &node, &err) != MG_OK)
		return fail_mg(&err);
	nd = &repo.graph.nodes[node];
	r = &repo.revs[node];
	if (opt.json)
	{
		MgStrList	br = mg_graph_node_branches(&repo.graph, node);

		printf("{\"revision\": ");
		json_string(stdout, nd->id);
		printf(", \"revises\": ");
		json_strs(stdout, &r->rf.revises);
		printf(", \"depends\": ");
		json_strs(stdout, &r->rf.depends);
		printf(", \"branches\": ");
		json_strs(stdout, &br);
		printf(", \"children\": ");
		json_ids(stdout, &repo.graph, &nd->children);
		printf(", \"message\": ");
		json_string(stdout, r->rf.message);
		printf(", \"created\": ");
		json_string(stdout, r->rf.created);
		printf(", \"transactional\": %s, \"is_head\": %s, \"path\": ",
			   r->rf.transactional ? "true" : "false", mg_graph_is_head(&repo.graph, node) ? "true" : "false");
		json_string(stdout, r->path);
		printf("}\n");
		return EXIT_OK;
	}
	printf("Rev: %s\n", rev_line(&repo, node, LINE_BRANCHES | LINE_TREE, NULL));
	printf("Parent: %s", nd->revises_txt.count ? "" : "<base>");
	for (int k = 0; k < nd->revises_txt.count; k++)
		printf("%s%s", k ? ", " : "", nd->revises_txt.items[k]);
	printf("\n");
	if (nd->depends_txt.count)
	{
		printf("Also depends on: ");
		for (int k = 0; k < nd->depends_txt.count; k++)
			printf("%s%s", k ? ", " : "", nd->depends_txt.items[k]);
		printf("\n");
	}
	if (nd->children.count > 1)
	{
		printf("Branches into: ");
		for (int k = 0; k < nd->children.count; k++)
			printf("%s%s", k ? ", " : "", repo.graph.nodes[nd->children.items[k]].id);
		printf("\n");
	}
	printf("Path: %s\n\n    %s\n\n    Revision ID: %s\n    Revises: ", printable(r->path, false),
		   r->rf.message ? printable(r->rf.message, false) : "", nd->id);
	for (int k = 0; k < nd->revises_txt.count; k++)
		printf("%s%s", k ? ", " : "", nd->revises_txt.items[k]);
	printf("\n    Create Date: %s\n    Transactional: %s\n",
		   r->rf.created ? printable(r->rf.created, false) : "", r->rf.transactional ? "yes" : "no");
	return EXIT_OK;
}
