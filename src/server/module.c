/*
 * module.c — the module's magic block and its GUCs.  Everything else lives
 * in the files named after what they do (see migrate.h).
 */
#include "migrate.h"
#include "snapshot.h"
#include "retry.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	snapshot_define_gucs();
	retry_define_gucs();
}
