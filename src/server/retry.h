/*
 * retry.h — lock timeouts with retries around each revision (retry.c).
 */
#ifndef MIGRATE_RETRY_H
#define MIGRATE_RETRY_H

/* migrate.lock_timeout, migrate.lock_retries, migrate.retry_backoff */
extern void retry_define_gucs(void);

/*
 * Run fn(arg), one revision ("upgrade of revision X"), under
 * migrate.lock_timeout with its retries; without it, just fn(arg).
 */
extern void retry_run(void (*fn) (void *), void *arg, const char *what);

#endif							/* MIGRATE_RETRY_H */
