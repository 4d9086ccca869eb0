/*
 * snapshot.h — schema snapshots and drift on the server (snapshot.c) and
 * the GUCs that govern them.
 */
#ifndef MIGRATE_SNAPSHOT_H
#define MIGRATE_SNAPSHOT_H

#include "migrate.h"
#include "verify.h"

/* _PG_init: migrate.schemas, migrate.snapshots, migrate.check_drift */
extern void snapshot_define_gucs(void);

/* migrate.schemas as a sorted list (SPI connected for nothing) */
extern MgStrList snapshot_managed_schemas(void);

/* The snapshot of schemas now: its DDL text and SHA-256 (SPI connected). */
extern void snapshot_take(const MgStrList *schemas, char **text, char sha[65]);

/*
 * After a state-changing call (lock held, SPI connected): record the
 * snapshot of migrate.schemas for the new version set, unless
 * migrate.snapshots is off; a failure to read the schema is a WARNING.
 */
extern void snapshot_after_change(void);

/*
 * The drift of schemas from the snapshot recorded for the current version
 * set, or, when against is not NULL, from that snapshot text (a
 * snapshot() of another moment); false: none recorded.
 */
extern bool snapshot_drift(const MgStrList *schemas, const char *against,
						   MgDriftList *out);

/* check(): raise when migrate.schemas drifted (migrate.check_drift). */
extern void snapshot_check_drift(void);

#endif							/* MIGRATE_SNAPSHOT_H */
