/*
 * errors.c — turning the shared core's error values into ereports with a
 * SQLSTATE.  The message starts with "source:line:" when the error has a
 * position in a file, the way compilers report it.
 */
#include "migrate.h"

#include "access/xact.h"
#include "mb/pg_wchar.h"
#include "utils/resowner.h"

/* A five-character SQLSTATE as an errcode. */
int
mg_sqlstate_of(const char *s)
{
	return MAKE_SQLSTATE(s[0], s[1], s[2], s[3], s[4]);
}

/* The SQLSTATE of an error kind, from the one table in mg_defs.h. */
int
mg_sqlstate(MgStatus status)
{
	return mg_sqlstate_of(mg_status_sqlstate(status));
}

void
mg_report(const MgError *err)
{
	if (err->line > 0)
		ereport(ERROR,
				(errcode(mg_sqlstate(err->status)),
				 errmsg("%s:%d: %s", err->source, err->line, err->message),
				 err->hint[0] ? errhint("%s", err->hint) : 0));
	ereport(ERROR,
			(errcode(mg_sqlstate(err->status)),
			 errmsg("%s", err->message),
			 err->hint[0] ? errhint("%s", err->hint) : 0));
	pg_unreachable();
}

/* Byte offset of a 1-based character position (an error's cursor) in s. */
int
migrate_char_to_byte(const char *s, int len, int charpos)
{
	int			off = 0;

	for (int c = 1; c < charpos && off < len; c++)
		off += pg_mblen(s + off);
	return off;
}

/*
 * A cancel (57014: pg_cancel_backend(), statement_timeout) caught by a
 * PG_CATCH that turns errors into a result or a warning is re-thrown as
 * it is: the statement must end, not go on with its next step.
 */
void
migrate_rethrow_cancel(ErrorData *ed)
{
	if (ed->sqlerrcode == ERRCODE_QUERY_CANCELED)
		ReThrowError(ed);
}

/*
 * In the PG_CATCH of an internal subtransaction begun in cxt under owner:
 * the error, copied out, with the subtransaction rolled back; the caller
 * adds to it and re-throws.
 */
/*
 * Run fn(arg) in a subtransaction of its own, from and back to the
 * caller's memory context and resource owner: NULL when it committed
 * (what it took, locks included, is the caller's now), else the error it
 * raised, copied into the caller's context, the subtransaction rolled
 * back.  The one place of this pattern; the caller decides what an error
 * means.
 */
ErrorData *
migrate_subxact(void (*fn) (void *), void *arg)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	ErrorData  *volatile ed = NULL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		fn(arg);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		ed = migrate_subxact_caught(cxt, owner);
	}
	PG_END_TRY();
	return ed;
}

ErrorData *
migrate_subxact_caught(MemoryContext cxt, ResourceOwner owner)
{
	return migrate_subxacts_caught(cxt, owner, 1);
}

/*
 * The same when the error left levels - 1 subtransactions begun inside
 * that one still open (test()'s marks): all of them are rolled back,
 * innermost first.
 */
ErrorData *
migrate_subxacts_caught(MemoryContext cxt, ResourceOwner owner, int levels)
{
	ErrorData  *ed;

	MemoryContextSwitchTo(cxt);
	ed = CopyErrorData();
	FlushErrorState();
	for (int i = 0; i < levels; i++)
		RollbackAndReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(cxt);
	CurrentResourceOwner = owner;
	return ed;
}
