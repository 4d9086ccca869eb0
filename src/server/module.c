/*
 * module.c — the module's magic block.  Everything else lives in the
 * files named after what they do (see migrate.h).
 */
#include "migrate.h"

PG_MODULE_MAGIC;
