/*
 * pg_int.h — what the PostgreSQL backend's files share: the connection
 * and server calls (pg.c) and the executor of server plans (pg_exec.c).
 */
#ifndef MIGRATE_PG_INT_H
#define MIGRATE_PG_INT_H

#include "cli.h"

#include <libpq-fe.h>

struct Db
{
	PGconn	   *conn;
	Progress	progress;
	bool		in_step;		/* a progress line is open */
	bool		locked;			/* we hold the session-level migrate lock */
	/* during a server run(): the steps it was given, for progress */
	const Repo *repo;
	const MgIntList *batch;
	int			batch_next;		/* next step NOTICE is batch[batch_next] */
	bool		batch_downgrade;
	/* during a model call: maps "desired:LINE:" in server errors */
	const struct Model *model;
};

/* Report a server error (SQLSTATE, detail, context, hint) under what. */
int			pg_fail(Db *db, PGresult *res, const char *what, bool running);
PGresult   *pg_params(Db *db, const char *sql, int n, const char *const *values);
void		pg_end_step(Db *db, bool ok);

int			pg_command(Db *db, const char *sql, const char *what);

/* pg_model.c: autogenerate, diff and check against a model */
int			pg_model(Db *db, Repo *repo, const struct ModelCall *call, char **out);

/* pg_model.c: drift and the test suite (the server's drift(), test()) */
int			pg_drift(Db *db, const char *schemas, MgStrList *rows, bool *recorded);
struct Model;
int			pg_test(Db *db, Repo *repo, const char *target, const struct Model *model,
					bool scratch, MgStrList *rows);
int			pg_push(Db *db, Repo *repo, int *changed);

/* pg_exec.c: upgrade/downgrade to target, the plan from the server */
int			pg_execute_plan(Db *db, Repo *repo, const char *target, MgOp op,
							int *count);
/* pg_exec.c: run these steps (an upgrade or a downgrade plan) */
int			pg_execute_steps(Db *db, Repo *repo, const MgIntList *steps,
							 bool downgrade, int *count);

/* pg.c: the version set; a connection set up as pg_open sets it up */
int			pg_versions(Db *db, MgStrList *out);
/* pg.c: take the migrate lock at session level (polling, no snapshot held) */
int			pg_lock_session(Db *db);
int			pg_attach(Db *db, PGconn *conn);

/* pg_scratch.c: migrate test --scratch */
int			pg_test_scratch(Db *db, Repo *repo, const char *target,
							const struct Model *model, MgStrList *rows);

#endif							/* MIGRATE_PG_INT_H */
