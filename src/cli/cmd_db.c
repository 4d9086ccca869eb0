/*
 * cmd_db.c — the commands that need a database: upgrade, downgrade,
 * stamp, current, check, status, push, repair.  The backend (pg.c, sqlite.c)
 * does the work; the plan always comes from src/common.
 */
#include "cmd.h"
#include "problems.h"

#include <stdlib.h>
#include <string.h>

/*
 * upgrade/downgrade FROM:TO --sql: the script from the files alone, no
 * database contacted.  The dialect: --dialect, else the URL's scheme when
 * there is one, else postgresql.
 */
static int
offline_range(const char *range, MgOp op, const char *dialect_name)
{
	const char *colon = strchr(range, ':');
	char	   *from = mg_strndup(range, (size_t) (colon - range));
	const char *to = colon + 1;
	MgDialect	dialect = MG_DIALECT_POSTGRESQL;
	Repo		repo;
	uint8_t    *applied;
	MgError		err;
	int			st;

	if (dialect_name)
	{
		if (mg_dialect_parse(dialect_name, &dialect) != MG_OK || dialect == MG_DIALECT_ANY)
			return fail(EXIT_USAGE, "unknown dialect \"%s\" (expected postgresql or sqlite)", dialect_name);
	}
	else if (opt.url && opt.url[0])
		dialect = db_ops_for(opt.url)->dialect;
	if (*to == '\0' || strchr(to, ':') != NULL)
		return fail(EXIT_USAGE, "invalid range \"%s\" (expected FROM:TO, e.g. base:heads)", range);
	if ((st = repo_load(&repo, opt.dir, dialect)) != EXIT_OK)
		return st;
	applied = mg_alloc0((size_t) repo.graph.n + 1);
	if (*from != '\0' && strcmp(from, "base") != 0)
	{
		/* FROM as a state: the target's revisions and their ancestors */
		MgTarget	t;
		const char **ids;

		if (mg_target_resolve(&repo.graph, from, MG_OP_UPGRADE, applied, &t, &err) != MG_OK)
			return fail_mg(&err);
		if (t.kind != MG_TARGET_SET)
			return fail(EXIT_USAGE, "the start of the range \"%s\" must name revisions, not a relative step", range);
		ids = mg_alloc(sizeof(char *) * (size_t) (t.nodes.count + 1));
		for (int i = 0; i < t.nodes.count; i++)
			ids[i] = repo.graph.nodes[t.nodes.items[i]].id;
		st = mg_state_from_versions(&repo.graph, ids, t.nodes.count, applied, &err);
		mg_free(ids);
		mg_target_free(&t);
		if (st != MG_OK)
			return fail_mg(&err);
	}
	st = offline_script(&repo, dialect, to, op, applied);
	mg_free(applied);
	mg_free(from);
	return st;
}

/*
 * --lock-timeout DURATION (milliseconds, or with a unit: 500ms, 5s, 1min)
 * and --lock-retries N: checked here, passed to the backend (PostgreSQL:
 * migrate.lock_timeout and migrate.lock_retries for the session; SQLite:
 * the busy timeout).
 */
static int
lock_option(int c, const char *value)
{
	if (c == 'Y')
	{
		char	   *end;
		long		n = strtol(value, &end, 10);

		if (*value == '\0' || *end != '\0' || n < 0 || n > 1000)
			return fail(EXIT_USAGE, "invalid --lock-retries \"%s\" (expected 0 to 1000)", value);
		opt.lock_retries = value;
	}
	else
	{
		if (duration_ms(value) < 0)
			return fail(EXIT_USAGE, "invalid --lock-timeout \"%s\" (expected milliseconds, or a number with ms, s or min)", value);
		opt.lock_timeout = value;
	}
	return EXIT_OK;
}

/* upgrade/downgrade [TARGET] [--sql]; stamp TARGET [--purge] */
int
cmd_change(int argc, char **argv, int op)
{
	const char *target = op == MG_OP_UPGRADE ? "heads" : op == MG_OP_DOWNGRADE ? "-1" : NULL;
	bool		sql = false,
				purge = false,
				relative = false;
	int			c,
				st = EXIT_OK,
				count = 0;
	const DbOps *ops;
	Db		   *db;
	Repo		repo;
	const char *dialect = NULL;

	/* a relative target ("-1", "-2") is not an option: take it out first */
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1] >= '0' && argv[i][1] <= '9')
		{
			target = argv[i];
			memmove(&argv[i], &argv[i + 1], sizeof(char *) * (argc - i));
			argc--;
			relative = true;
			break;
		}
	while ((c = cmd_getopt(argc, argv, "SPLWKYG", &st)) != -1)
	{
		if (c == -2)
			return st;
		if (c == 'G')
		{
			if (lock_wait_option(optarg) != EXIT_OK)
				return EXIT_USAGE;
		}
		else if (c == 'K' || c == 'Y')
		{
			if (lock_option(c, optarg) != EXIT_OK)
				return EXIT_USAGE;
		}
		else if (c == 'W' && op != MG_OP_STAMP)
			opt.per_revision = true;
		else if (c == 'S' && op != MG_OP_STAMP)
			sql = true;
		else if (c == 'P' && op == MG_OP_STAMP)
			purge = true;
		else if (c == 'L' && op != MG_OP_STAMP)
			dialect = optarg;
		else if (c == 'S' || c == 'P' || c == 'L' || c == 'W')
			return fail(EXIT_USAGE, "%s does not take --%s", argv[0],
						c == 'S' ? "sql" : c == 'P' ? "purge" : c == 'L' ? "dialect" : "per-revision");
	}
	if (optind < argc && !relative)
		target = argv[optind++];
	if (optind < argc)
		return fail(EXIT_USAGE, "%s takes one target", argv[0]);
	if (target == NULL)
		return fail(EXIT_USAGE, "stamp needs a target (e.g. heads, base or a revision)");
	if (dialect && !sql)
		return fail(EXIT_USAGE, "--dialect goes with --sql");
	if (sql && opt.per_revision)
		return fail(EXIT_USAGE, "--per-revision does not go with --sql (an offline script commits once; edit it, or run migrate upgrade --per-revision against the database)");
	if (sql && strchr(target, ':') != NULL)
		return offline_range(target, op, dialect);
	if (dialect)
		return fail(EXIT_USAGE, "--dialect needs a range (FROM:TO): without one the database's state and dialect are used");
	if ((st = open_scanned(&ops, !sql, &db, &repo)) != EXIT_OK)
		return st;
	if (sql)
		st = ops->offline(db, &repo, target, op);
	else
		st = ops->apply(db, &repo, target, op, purge, &count);
	ops->close(db);
	if (st == EXIT_OK && !sql)
		verbose("%d revision%s %s\n", count, count == 1 ? "" : "s",
				op == MG_OP_STAMP ? "stamped" : op == MG_OP_UPGRADE ? "applied" : "reverted");
	return st;
}

/*
 * What check and status report.  settled: the database holds exactly
 * these files, all applied (BootState), so nothing is pending, nothing
 * changed and the files were not parsed; heads then come from the server.
 */
typedef struct State
{
	Repo		repo;
	MgStrList	versions;
	uint8_t    *applied;
	uint8_t    *current;
	MgIntList	pending;
	MgStrList	problems;
	bool		settled;
	MgStrList	heads;			/* when settled */
} State;

/*
 * The state's problems (the rule: mg_state_problems), as "id: problem":
 * ai[node] says what each file's revision was applied with; unknown are
 * the applied revisions without a file.
 */
static void
add_problems(State *s, const AppliedInfo *ai, const MgStrList *unknown)
{
	const Repo *r = &s->repo;
	MgAppliedWith *hist = mg_alloc0(sizeof(MgAppliedWith) * (size_t) (unknown->count + r->n + 1));
	const char **checksum = mg_alloc0(sizeof(char *) * (size_t) (r->n + 1));
	const char **where = mg_alloc0(sizeof(char *) * (size_t) (r->n + 1));
	MgPartial  *partial = mg_alloc0(sizeof(MgPartial) * (size_t) (r->n + 1));
	int			n = 0,
				npartial = 0;
	MgProblems	p;

	for (int i = 0; i < unknown->count; i++)
		hist[n++].revision = unknown->items[i];
	for (int node = 0; node < r->n; node++)
	{
		checksum[node] = r->revs[node].sel.checksum;
		where[node] = r->revs[node].path;
		if (ai[node].checksum)
		{
			hist[n].revision = r->graph.nodes[node].id;
			hist[n++].checksum = ai[node].checksum;
		}
		if (ai[node].partial)
		{
			MgPartial  *pp = &partial[npartial++];

			pp->revision = r->graph.nodes[node].id;
			pp->downgrade = ai[node].partial_downgrade;
			pp->done = ai[node].partial_done;
			pp->total = ai[node].partial_total;
		}
	}
	p = mg_state_problems(&r->graph, s->applied, checksum, where,
						  (const char *const *) s->versions.items, s->versions.count,
						  hist, n, partial, npartial, MG_KNOWN_BY_FILES);
	for (int i = 0; i < p.count; i++)
	{
		MgBuf		b;

		mg_buf_init(&b);
		mg_buf_printf(&b, "%s: %s", p.items[i].revision, p.items[i].problem);
		mg_strlist_add(&s->problems, b.data);
		mg_buf_free(&b);
	}
	mg_problems_free(&p);
	mg_free(hist);
	mg_free(checksum);
	mg_free(where);
}

/*
 * The version set in terms of the files, into known: a version without a
 * file (an applied revision whose file is gone, or one made and applied in
 * SQL) stands for its nearest stored ancestors that have one, so that what
 * is pending is what the files still lack, not all of them.  stored: the
 * stored revisions without a file (DbOps.stored_only rows); reached[i] is
 * set for each row the walk passes, the applied ones.
 */
static void
versions_in_files(const Repo *repo, const MgStrList *versions,
				  const MgStrList *stored, MgStrList *known, uint8_t *reached)
{
	MgStrList	todo = {0};

	for (int i = 0; i < versions->count; i++)
	{
		if (repo_find(repo, versions->items[i]) >= 0)
			mg_strlist_add(known, versions->items[i]);
		else
			mg_strlist_add(&todo, versions->items[i]);
	}
	for (int i = 0; i < todo.count; i++)	/* todo grows as it goes */
	{
		MgStrList	parents;
		int			row = -1;

		for (int r = 0; r + 2 < stored->count && row < 0; r += 3)
			if (strcmp(stored->items[r], todo.items[i]) == 0)
				row = r / 3;
		if (row < 0)
			continue;
		reached[row] = 1;
		parents = mg_split_list(stored->items[3 * row + 2], false);
		for (int k = 0; k < parents.count; k++)
		{
			const char *p = parents.items[k];

			if (repo_find(repo, p) >= 0)
			{
				if (!mg_strlist_contains(known, p))
					mg_strlist_add(known, p);
			}
			else if (!mg_strlist_contains(&todo, p))
				mg_strlist_add(&todo, p);
		}
		mg_strlist_free(&parents);
	}
	mg_strlist_free(&todo);
}

/*
 * Where the database applies what it stores (PostgreSQL), a stored
 * revision without a file that is not applied is a problem: upgrade()
 * at an app's boot would apply it.  One made in SQL stops the program's
 * upgrade until it has a file or is forgotten; one whose file is gone is
 * removed from the catalog by the next push or upgrade.
 */
static void
add_stored_only_problems(State *s, const MgStrList *stored, const uint8_t *reached)
{
	for (int r = 0; r + 2 < stored->count; r += 3)
	{
		MgBuf		b;

		if (reached[r / 3])
			continue;
		mg_buf_init(&b);
		if (stored->items[r + 1][0] == '\0')
			mg_buf_printf(&b, "%s: only in the catalog: made in SQL, it has no file; upgrade refuses to run until its file is written (SELECT migrate.script('%s')) or it is forgotten (SELECT migrate.forget('%s'))",
						  stored->items[r], stored->items[r], stored->items[r]);
		else
			mg_buf_printf(&b, "%s: not applied, and its file %s is gone: the next push or upgrade removes it from the catalog",
						  stored->items[r], stored->items[r + 1]);
		mg_strlist_add(&s->problems, b.data);
		mg_buf_free(&b);
	}
}

static int
read_state(State *s, bool need_known_versions)
{
	const DbOps *ops;
	Db		   *db;
	AppliedInfo *ai;
	MgStrList	unknown = {0},
				stored = {0};
	uint8_t    *reached;
	MgPlan		plan;
	MgError		err;
	int			st;

	memset(s, 0, sizeof(*s));
	if ((st = open_scanned(&ops, false, &db, &s->repo)) != EXIT_OK)
		return st;
	if (ops->boot_state)
	{
		BootState	bs;

		ops->boot_state(db, &s->repo, &bs);
		if (bs.pushed && bs.up_to_date)
		{
			ops->close(db);
			s->settled = true;
			s->versions = bs.versions;
			s->heads = bs.heads;
			return EXIT_OK;
		}
		if ((st = repo_parse(&s->repo, ops->dialect)) != EXIT_OK)
		{
			ops->close(db);
			return st;
		}
	}
	if ((st = ops->versions(db, &s->versions)) != EXIT_OK)
	{
		ops->close(db);
		return st;
	}
	ai = mg_alloc0(sizeof(AppliedInfo) * (s->repo.n + 1));
	st = ops->applied_info(db, &s->repo, ai, &unknown);
	if (st == EXIT_OK)
		st = ops->stored_only(db, &s->repo, &stored);
	ops->close(db);
	if (st != EXIT_OK)
		return st;

	s->applied = mg_alloc0(s->repo.graph.n + 1);
	s->current = mg_alloc0(s->repo.graph.n + 1);
	reached = mg_alloc0((size_t) stored.count / 3 + 1);
	{
		MgStrList	known = {0};

		for (int i = 0; i < s->versions.count; i++)
		{
			int			node = repo_find(&s->repo, s->versions.items[i]);

			if (node < 0 && need_known_versions)
				return fail(EXIT_FAILED, "the database is at revision %s, which has no revision file",
							s->versions.items[i]);
			if (node >= 0)
				s->current[node] = 1;
		}
		versions_in_files(&s->repo, &s->versions, &stored, &known, reached);
		if (mg_state_from_versions(&s->repo.graph, (const char *const *) known.items,
								   known.count, s->applied, &err) != MG_OK)
			return fail_mg(&err);
		mg_strlist_free(&known);
	}
	add_problems(s, ai, &unknown);
	if (ops->stored_applies)
		add_stored_only_problems(s, &stored, reached);
	mg_strlist_free(&stored);
	mg_free(reached);
	if (mg_plan(&s->repo.graph, "heads", MG_OP_UPGRADE, s->applied, false, &plan, &err) != MG_OK)
		return fail_mg(&err);
	s->pending = plan.steps;
	return EXIT_OK;
}

/* The heads' ids, from the graph or (settled) from the server. */
static MgStrList
state_heads(const State *s)
{
	MgStrList	l = {0};
	MgIntList	heads;

	if (s->settled)
		return s->heads;
	heads = mg_graph_heads(&s->repo.graph);
	for (int i = 0; i < heads.count; i++)
		mg_strlist_add(&l, s->repo.graph.nodes[heads.items[i]].id);
	mg_intlist_free(&heads);
	return l;
}

/* with_ok: check's verdict first ("ok", and the drifted objects) */
static void
print_state_json(const State *s, bool with_ok, bool ok, const MgStrList *drift)
{
	MgStrList	heads = state_heads(s);

	printf("{");
	if (with_ok)
	{
		printf("\"ok\": %s, \"drift\": [", ok ? "true" : "false");
		for (int i = 0; drift && i + 2 < drift->count; i += 3)
		{
			printf("%s{\"object\": ", i ? ", " : "");
			json_string(stdout, drift->items[i]);
			printf(", \"change\": ");
			json_string(stdout, drift->items[i + 1]);
			printf("}");
		}
		printf("], ");
	}
	printf("\"current\": ");
	json_strs(stdout, &s->versions);
	printf(", \"heads\": ");
	json_strs(stdout, &heads);
	printf(", \"pending\": ");
	json_ids(stdout, &s->repo.graph, &s->pending);
	printf(", \"problems\": ");
	json_strs(stdout, &s->problems);
	printf("}\n");
}

int
cmd_check(int argc, char **argv)
{
	int			st = EXIT_OK,
				c;
	State		s;
	ModelOpts	model = {0};
	MgStrList	drift = {0};

	while ((c = cmd_getopt(argc, argv, "MC", &st)) != -1)
	{
		if (c == -2)
			return st;
		model_option(&model, c);
	}
	if (optind < argc)
		return fail(EXIT_USAGE, "check takes no arguments");
	if ((st = read_state(&s, false)) != EXIT_OK)
		return st;
	for (int i = 0; i < s.problems.count; i++)
		put_printable(stderr, "migrate: %s\n", printable(s.problems.items[i], false));
	if (s.pending.count > 0)
		fprintf(stderr, "migrate: the database is not up to date: %d revision%s pending, starting with %s\n",
				s.pending.count, s.pending.count == 1 ? "" : "s",
				s.repo.graph.nodes[s.pending.items[0]].id);
	if (s.problems.count > 0 || s.pending.count > 0)
		st = EXIT_FAILED;
	/* the model, when there is one: "new upgrade operations detected" */
	if (st == EXIT_OK)
		st = model_check(&model);
	/* what changed outside migrations, as the server's check() */
	if (st == EXIT_OK)
		st = check_drift(&drift);
	if (opt.json)
		print_state_json(&s, true, st == EXIT_OK, &drift);
	else if (st == EXIT_OK)
		info("up to date\n");
	return st;
}

int
cmd_status(int argc, char **argv)
{
	int			st;
	State		s;
	MgStrList	heads;

	if ((st = read_state(&s, false)) != EXIT_OK)
		return st;
	if (opt.json)
	{
		print_state_json(&s, false, false, NULL);
		return EXIT_OK;
	}
	heads = state_heads(&s);
	printf("current:  ");
	for (int i = 0; i < s.versions.count; i++)
		printf("%s%s", i ? ", " : "", printable(s.versions.items[i], false));
	printf("%s\nheads:    ", s.versions.count ? "" : "<base>");
	for (int i = 0; i < heads.count; i++)
		printf("%s%s", i ? ", " : "", printable(heads.items[i], false));
	printf("\npending:  %d\n", s.pending.count);
	for (int i = 0; i < s.pending.count; i++)
		printf("          %s\n", rev_line(&s.repo, s.pending.items[i], LINE_PARENTS | LINE_MESSAGE, NULL));
	printf("problems: %s\n", s.problems.count ? "" : "none");
	for (int i = 0; i < s.problems.count; i++)
		printf("          %s\n", printable(s.problems.items[i], false));
	status_drift_line();
	return EXIT_OK;
}

int
cmd_current(int argc, char **argv)
{
	int			st;
	const DbOps *ops;
	Db		   *db;
	Repo		repo;
	MgStrList	versions = {0};
	BootState	bs = {0};

	if ((st = open_scanned(&ops, false, &db, &repo)) != EXIT_OK)
		return st;
	if (ops->boot_state)
		ops->boot_state(db, &repo, &bs);
	if (bs.pushed && bs.up_to_date)
		versions = bs.versions;
	else if ((st = repo_parse(&repo, ops->dialect)) == EXIT_OK)
		st = ops->versions(db, &versions);
	ops->close(db);
	if (st != EXIT_OK)
		return st;
	if (opt.json)
	{
		json_strs(stdout, &versions);
		printf("\n");
		return EXIT_OK;
	}
	for (int i = 0; i < versions.count; i++)
	{
		int			node;

		if (repo.parsed && (node = repo_find(&repo, versions.items[i])) >= 0)
			printf("%s\n", rev_line(&repo, node, LINE_TREE, NULL));
		else if (repo.parsed)
			printf("%s (no revision file)\n", printable(versions.items[i], false));
		else
		{
			/* settled: a version is a tip, so a head and no branch point */
			bool		merge = false;

			for (int k = 0; k < bs.mergepoints.count && !merge; k++)
				merge = strcmp(bs.mergepoints.items[k], versions.items[i]) == 0;
			printf("%s (head)%s\n", printable(versions.items[i], false), merge ? " (mergepoint)" : "");
		}
	}
	return EXIT_OK;
}

/*
 * push: the files into the catalog.  repair: the same, accepting the
 * files' checksums of edited applied revisions, each logged in the
 * history as "repair" with the old and the new one.
 */
int
cmd_sync(int argc, char **argv, int repair)
{
	int			st,
				changed = 0,
				n = 0;
	const DbOps *ops;
	Db		   *db;
	Repo		repo;
	Repaired   *list = NULL;

	/* options: parsed in main (a plain command) */
	if (repair && optind < argc)
		return fail(EXIT_USAGE, "repair takes no arguments (it accepts every edited applied revision)");
	if ((st = open_both(&ops, true, &db, &repo)) != EXIT_OK)
		return st;
	st = repair ? ops->repair(db, &repo, &list, &n) : ops->push(db, &repo, &changed);
	ops->close(db);
	if (st != EXIT_OK)
		return st;
	if (!repair)
		info("pushed %d revision%s: %d added or replaced\n", repo.n, repo.n == 1 ? "" : "s", changed);
	else
		info("repaired %d revision%s\n", n, n == 1 ? "" : "s");
	for (int i = 0; i < n; i++)
	{
		int			node = repo_find(&repo, list[i].id);

		info("  %s: checksum %s -> %s (%s)\n", list[i].id, list[i].old_checksum,
			 list[i].new_checksum, node >= 0 ? repo.revs[node].path : "no file");
	}
	return EXIT_OK;
}
