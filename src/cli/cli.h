/*
 * cli.h — the migrate program: the migrations directory (repo.c), the
 * database backends (pg.c, sqlite.c) behind one interface, output
 * helpers (out.c) and the commands (cmd_*.c, main.c).
 *
 * Data flows one way: files -> parsed revisions -> graph (src/common) ->
 * plan (src/common) -> a backend that executes it.  PostgreSQL executes
 * through the extension's functions; SQLite executes in the program.
 */
#ifndef MIGRATE_CLI_H
#define MIGRATE_CLI_H

#include <stdbool.h>
#include <dirent.h>
#include <stdio.h>

#include "graph.h"
#include "revfile.h"
#include "mg_defs.h"
#include "exec.h"


/* exit statuses (SPEC 5), from mg_defs.h */
#define EXIT_OK MG_EXIT_OK
#define EXIT_FAILED MG_EXIT_FAILED
#define EXIT_USAGE MG_EXIT_USAGE

/* ---- global options and output (out.c) ---- */

typedef struct Options
{
	const char *url;			/* -d, or $DATABASE_URL */
	const char *dir;			/* --dir, default "migrations" */
	int			verbosity;		/* -1 quiet, 0 normal, 1 verbose */
	bool		json;			/* --json on read-only commands */
	bool		missing_is_empty;	/* SQLite: open a missing file read-only as
									 * an empty database (migrate test) */
	bool		per_revision;	/* upgrade/downgrade --per-revision: commit
								 * after each revision */
	const char *lock_timeout;	/* --lock-timeout (migrate.lock_timeout) */
	const char *lock_retries;	/* --lock-retries (migrate.lock_retries) */
	bool		drift_if_allowed;	/* check: a role that may not read the
									 * snapshots skips drift, as check() does */
	long		lock_wait_ms;	/* --lock-wait: how long to wait for the
								 * migrate lock; -1 forever (the default) */
} Options;

extern Options opt;

/* Print "migrate: " + message to stderr; return the exit status given. */
int			fail(int status, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));
/* Report a shared-core error (file:line: message, hint) and return 2 or 1. */
int			fail_mg(const MgError *err);
/* The one exit-status mapper (out.c): by error kind, or by the SQLSTATE of
 * a server error (running: raised while revisions ran, always 1). */
int			exit_for_status(MgStatus status);
int			exit_for_sqlstate(const char *sqlstate, bool running);
/* level 0: stdout unless -q (info); level 1: stderr with -v (verbose) */
void		say(int level, const char *fmt,...) __attribute__((format(printf, 2, 3)));
/*
 * While a test step runs: what would go to stderr is kept, progress is
 * silenced; capture_end returns it as one line (allocated).
 */
void		capture_begin(void);
/* "500", "500ms", "5s", "1min" in milliseconds; -1 when invalid */
long		duration_ms(const char *s);
/* --lock-wait DURATION into opt.lock_wait_ms; EXIT_USAGE (reported) if bad */
int			lock_wait_option(const char *value);
char	   *capture_end(void);
#define info(...) say(0, __VA_ARGS__)
#define verbose(...) say(1, __VA_ARGS__)
void		json_string(FILE *f, const char *s);	/* a JSON string literal or null */
/*
 * Text from a revision file or a database, safe for a terminal: every
 * control character is shown as \xHH (two lowercase hex digits), one per
 * byte: the C0 controls but TAB (and LF when lines), DEL, and the C1
 * controls U+0080..U+009F as UTF-8 writes them (\xc2\x9b).  A backslash
 * is left as it is.  Returns s when nothing needed escaping, else an
 * allocated copy that nobody frees (a few per run); NULL stays NULL.
 * Every text output goes through it: say(), fail() and fail_mg() filter
 * what they print (lines kept), the commands the messages and database
 * values they print with printf.  JSON output escapes with json_string.
 */
const char *printable(const char *s, bool lines);
/* fprintf, the formatted text through printable(..., true) */
void		put_printable(FILE *f, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));
double		now_ms(void);

/* ---- the migrations directory (repo.c) ---- */

typedef struct RepoRev
{
	MgRevFile	rf;
	char	   *path;			/* DIR/versions/<file> */
	char	   *file;			/* <file>: the revision's "source" */
	char	   *text;			/* the whole file */
	size_t		len;			/* its length in bytes */
	MgRevSelected sel;			/* sections for the repo's dialect */
} RepoRev;

typedef struct Repo
{
	char	   *dir;
	char	   *versions;		/* DIR/versions */
	RepoRev    *revs;			/* indexed like graph nodes */
	int			n;
	MgGraph		graph;			/* built by repo_parse */
	MgDialect	dialect;
	bool		parsed;			/* rf, sel and graph are there */
	char		digest[65];		/* the directory digest (repo_scan) */
} Repo;

/*
 * Read every .sql file of DIR/versions, parse, select the sections of dialect
 * (MG_DIALECT_ANY: no selection, for commands that need no database) and
 * build the graph.  Errors name the file and line; returns EXIT_USAGE.
 */
int			repo_load(Repo *repo, const char *dir, MgDialect dialect);
/*
 * repo_load in two steps.  repo_scan reads every file once and computes the
 * directory digest (SHA-256 over every file's name, length and bytes in
 * name order), parsing nothing; repo_parse (a no-op the second time) does
 * the rest.  Commands on PostgreSQL scan first and parse only when the
 * server does not already hold exactly these files, fully applied.
 */
int			repo_scan(Repo *repo, const char *dir);
int			repo_parse(Repo *repo, MgDialect dialect);
int			repo_find(const Repo *repo, const char *id);	/* node or -1 */
char	   *join_path(const char *dir, const char *name);	/* "dir/name" */
/* the *.sql names of an open directory (not hidden ones), in name order */
void		list_sql_names(DIR *d, MgStrList *names);
/* a PostgreSQL text[] literal of items, for an array parameter */
char	   *text_array_literal(char *const *items, int n);
/*
 * The applied set of a stored version set.  A stored revision without a
 * file is an error (exit 1) unless ignore_unknown (stamp --purge).
 */
int			repo_applied(const Repo *repo, const MgStrList *versions,
						 bool ignore_unknown, uint8_t *applied);

/* The revision files as the executor's step source (ctx: the Repo). */
MgStatus	repo_step_describe(void *ctx, int node, bool downgrade, MgStep *out,
							   MgError *err);
MgStatus	repo_step_fetch(void *ctx, MgStep *step, MgError *err);
extern const MgExecOps repo_source_ops;

/*
 * The offline script (to stdout) for upgrade/downgrade to target from the
 * applied set, in dialect (sqlite_exec.c; the program's only writer).
 */
int			offline_script(Repo *repo, MgDialect dialect, const char *target,
						   MgOp op, const uint8_t *applied);

/* ---- databases ---- */

typedef struct Db Db;

/* One history row as the catalog stores it. */
typedef struct AppliedInfo
{
	char	   *checksum;		/* checksum recorded when it was applied */
	char	   *applied_at;		/* text timestamp */
	/* a journal row: a transaction-false run stopped part-way */
	bool		partial;
	bool		partial_downgrade;
	int			partial_done;
	int			partial_total;
} AppliedInfo;

/* How a push treats an applied revision whose upgrade section changed. */
typedef enum PushMode
{
	PUSH_REFUSE,				/* an error (the default) */
	PUSH_REPAIR,				/* store the new text (migrate repair) */
	PUSH_KEEP					/* keep the stored text (stamp --purge) */
} PushMode;

/* One revision whose new checksum repair accepted. */
typedef struct Repaired
{
	char	   *id;
	char	   *old_checksum;	/* the one it was applied with */
	char	   *new_checksum;	/* the file's */
} Repaired;

/* Progress of an apply: called before and after each revision. */
typedef struct Progress
{
	int			total;
	int			done;
	double		started_ms;
} Progress;

void		progress_begin(Progress *p, int total);
void		progress_step(Progress *p, bool downgrade, const char *id,
						  const char *message);		/* starting a step */
void		progress_done(Progress *p);				/* that step finished */

/*
 * What the database says of the scanned files before anything is parsed:
 * whether its stored revisions are exactly these files (the digest of the
 * last push matches and nothing changed them since) and whether all of
 * them are applied.  With both, nothing is pending and there is nothing
 * to push: the version set is the tips of the files' graph.
 */
typedef struct BootState
{
	bool		pushed;
	bool		up_to_date;
	MgStrList	versions;		/* the version set, in the database's order */
	MgStrList	mergepoints;	/* those of them with more than one parent */
	MgStrList	heads;			/* heads of the graph, as the push left it */
} BootState;

struct ModelCall;
struct Model;

typedef struct DbOps
{
	const char *name;			/* "postgresql", "sqlite" */
	MgDialect	dialect;
	/*
	 * connect / open; EXIT_USAGE for a bad URL, EXIT_FAILED otherwise.
	 * Without write, nothing may be created (a missing SQLite file is an
	 * error, not a new empty database).
	 */
	int			(*open) (const char *url, bool write, Db **db);
	void		(*close) (Db *db);
	/*
	 * Make the database's catalog hold the repo's revisions (unchanged ones
	 * cost nothing); refuse an applied revision whose checksum changed
	 * ("revision X was applied with checksum A but now has checksum B").
	 * *changed: how many were added or replaced.
	 */
	int			(*push) (Db *db, Repo *repo, int *changed);
	/* The stored version set. */
	int			(*versions) (Db *db, MgStrList *out);
	/*
	 * Upgrade, downgrade or stamp to target (after push).  Prints progress
	 * through the Progress helpers.  *count: revisions run (or stamped).
	 */
	int			(*apply) (Db *db, Repo *repo, const char *target, MgOp op,
						  bool purge, int *count);
	/* The offline script for upgrade/downgrade to target, to stdout. */
	int			(*offline) (Db *db, Repo *repo, const char *target, MgOp op);
	/*
	 * For every revision recorded as applied: the checksum it was applied
	 * with and when; indexed like repo nodes (NULL checksum: no record).
	 * Revisions the database records but the repo lacks go to *unknown.
	 */
	int			(*applied_info) (Db *db, Repo *repo, AppliedInfo *info,
								 MgStrList *unknown);
	/*
	 * Push in PUSH_REPAIR mode and log a history row "repair" (old and new
	 * checksum) for every applied revision whose file's checksum differs
	 * from the one it was applied with; *out (*n of them, id order).
	 */
	int			(*repair) (Db *db, Repo *repo, Repaired **out, int *n);
	/*
	 * The BootState of the scanned (maybe unparsed) repo, in one round
	 * trip; anything that prevents an answer is just "not pushed".  NULL
	 * for a backend without one (SQLite): its commands parse first.  The
	 * other operations parse the repo themselves when they need it.
	 */
	void		(*boot_state) (Db *db, const Repo *repo, BootState *out);
	/*
	 * Autogenerate (model.h), after push: MODEL_DIFF sets *out to the DDL
	 * ('' when none), MODEL_AUTOGENERATE to the new revision's id (NULL:
	 * no changes), MODEL_CHECK fails when model and database differ.  NULL
	 * for a backend without it.
	 */
	int			(*model) (Db *db, Repo *repo, const struct ModelCall *call, char **out);
	/*
	 * Drift (SPEC §8) of schemas (a text[] literal; NULL: the database's
	 * managed schemas) from the recorded snapshot: rows of three strings
	 * (object, change, sql) in *rows; *recorded false when there is no
	 * snapshot.  NULL for a backend without it.
	 */
	int			(*drift) (Db *db, const char *schemas, MgStrList *rows, bool *recorded);
	/*
	 * The test suite to target, for the files of repo, with the model or
	 * NULL (PostgreSQL pushes the files first and, with scratch, works on
	 * a scratch database; SQLite always works on a copy):
	 * rows of five strings (step, revision, test, ok "t"/"f"/"", detail).
	 */
	int			(*test) (Db *db, Repo *repo, const char *target,
						 const struct Model *model, bool scratch, MgStrList *rows);
	/*
	 * Lint (SPEC §9) the upgrade sections of repo's nodes (parsed): rows
	 * of four strings (revision, line, rule, message).  db may be NULL
	 * for a backend that lints without one (SQLite).
	 */
	int			(*lint) (Db *db, Repo *repo, const MgIntList *nodes, MgStrList *rows);
	bool		lint_needs_db;
	/*
	 * The stored revisions that have no file, in id order: rows of three
	 * strings (id, the file it came from or "" when it was made in SQL, its
	 * parents and dependencies joined by commas).
	 */
	int			(*stored_only) (Db *db, const Repo *repo, MgStrList *rows);
	/*
	 * The database itself applies what it stores (PostgreSQL's upgrade()):
	 * a stored revision without a file that is not applied is then a
	 * problem (status, check), not just a leftover the next push removes.
	 */
	bool		stored_applies;
} DbOps;

extern const DbOps pg_ops;
extern const DbOps sqlite_ops;

/* Choose the backend for a URL (sqlite: prefix or postgres). */
const DbOps *db_ops_for(const char *url);

/* ---- commands (cmd_*.c) ---- */

typedef int (*CommandFn) (int argc, char **argv);
/* commands that share one implementation get a variant (an MgOp, a flag) */
typedef int (*CommandVariantFn) (int argc, char **argv, int variant);

int			cmd_init(int argc, char **argv);
int			cmd_revision(int argc, char **argv, int autogenerate);	/* revision, migrate */
int			cmd_diff(int argc, char **argv);
int			cmd_merge(int argc, char **argv);
int			cmd_change(int argc, char **argv, int op);	/* upgrade, downgrade, stamp */
int			cmd_current(int argc, char **argv);
int			cmd_history(int argc, char **argv);
int			cmd_list_nodes(int argc, char **argv, int heads);	/* heads, branches */
int			cmd_show(int argc, char **argv);
int			cmd_check(int argc, char **argv);
int			cmd_status(int argc, char **argv);
int			cmd_sync(int argc, char **argv, int repair);	/* push, repair */
int			cmd_drift(int argc, char **argv);
int			cmd_test(int argc, char **argv);
int			cmd_lint(int argc, char **argv);
/* one test() row as five strings (cmd_verify.c); outcome: MgTestOutcome */
void		test_row_add(MgStrList *rows, int step, const char *revision,
						 const char *test, int outcome, const char *detail);
/*
 * check: EXIT_FAILED (reported, unless --json) when the schema drifted
 * from its recorded snapshot, the drift rows in *rows; EXIT_OK when it did
 * not, or nothing is recorded, or the backend has no drift (cmd_verify.c)
 */
int			check_drift(MgStrList *rows);
/* "drift: none" or what drifted, for status (cmd_verify.c) */
void		status_drift_line(void);

#endif							/* MIGRATE_CLI_H */
