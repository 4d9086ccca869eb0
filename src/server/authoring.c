/*
 * authoring.c — writing revisions from SQL: revision(), merge() and
 * script().
 *
 * New revisions are rendered to file text with the shared formatter, then
 * stored through the same path as add_revision(), so what script() returns
 * is exactly what was stored and add_revision(script(x)) is a no-op.
 */
#include "migrate.h"


#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(migrate_revision);
PG_FUNCTION_INFO_V1(migrate_merge);
PG_FUNCTION_INFO_V1(migrate_script);

/* A text[] argument as a list (NULL elements are refused). */
MgStrList
migrate_text_array(FunctionCallInfo fcinfo, int argno, const char *what)
{
	MgStrList	l = {0};
	Datum	   *elems;
	bool	   *nulls;
	int			n;

	if (PG_ARGISNULL(argno))
		return l;
	deconstruct_array(PG_GETARG_ARRAYTYPE_P(argno), TEXTOID, -1, false,
					  TYPALIGN_INT, &elems, &nulls, &n);
	for (int i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain nulls", what)));
		mg_strlist_add(&l, TextDatumGetCString(elems[i]));
	}
	return l;
}

static bool
revision_exists(const char *id)
{
	Oid			types[1] = {TEXTOID};
	Datum		arg = CStringGetTextDatum(id);
	int			rc = SPI_execute_with_args("SELECT 1 FROM migrate.revision"
										   " WHERE id OPERATOR(pg_catalog.=) $1",
										   1, types, &arg, NULL, false, 1);

	if (rc != SPI_OK_SELECT)
		elog(ERROR, "migrate: SPI failed looking up a revision");
	return SPI_processed > 0;
}

/*
 * Render rf, and check that parsing the text gives back the same sections:
 * a body containing a "-- migrate:" line would otherwise change meaning.
 */
static char *
render(const MgRevFile *rf)
{
	char	   *text = mg_revfile_format(rf);
	MgRevFile	back;
	MgError		err;

	if (mg_revfile_parse(text, strlen(text), "(new revision)", &back, &err) != MG_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the new revision would not be a valid revision file: %s",
						err.message),
				 errhint("Revision SQL must not contain lines that start with \"-- migrate:\".")));
	for (int k = 0; k < MG_NUM_SECTION_KINDS; k++)
	{
		const MgSection *a = &rf->sections[k][MG_DIALECT_ANY];
		const MgSection *b = &back.sections[k][MG_DIALECT_ANY];

		if (a->present && strcmp(a->body, b->body) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s SQL does not survive as a revision file section",
							k == MG_SECTION_UPGRADE ? "upgrade" : "downgrade"),
					 errdetail("Sections are stored with LF line ends and without trailing blank lines.")));
	}
	return text;
}

/*
 * Normalise SQL the way the file format stores a section body, by parsing
 * it as one: LF line ends, no trailing blank lines, and no "-- migrate:"
 * line that would change the file's meaning.
 */
#define WRAPPER_LINES 4
static char *
normalise_body(const char *sql, const char *what)
{
	StringInfoData buf;
	MgRevFile	rf;
	MgError		err;

	initStringInfo(&buf);
	appendStringInfo(&buf, "-- migrate:revision x\n-- migrate:revises base\n\n-- migrate:upgrade\n%s", sql);
	if (mg_revfile_parse(buf.data, buf.len, what, &rf, &err) != MG_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s SQL, line %d: %s", what,
						err.line - WRAPPER_LINES, err.message),
				 errhint("Revision SQL must not contain lines that start with \"-- migrate:\".")));
	for (int k = 0; k < MG_NUM_SECTION_KINDS; k++)
		for (int d = 0; d < MG_NUM_DIALECTS; d++)
			if (rf.sections[k][d].present && (k != MG_SECTION_UPGRADE || d != MG_DIALECT_ANY))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s SQL, line %d: a \"-- migrate:\" section marker is not allowed here",
								what, rf.sections[k][d].marker_line - WRAPPER_LINES)));
	return rf.sections[MG_SECTION_UPGRADE][MG_DIALECT_ANY].body;
}

static void
check_message(const char *message)
{
	if (!mg_valid_message(message))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a revision message must be a single line without control characters")));
}

/* Store a freshly built revision under a new or given id; returns the id. */
static char *
create_revision(MgRevFile *rf, bool id_given)
{
	char	   *text;
	char	   *id;

	if (id_given && revision_exists(rf->id))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("revision %s already exists", rf->id)));
	while (!id_given && revision_exists(rf->id))
		rf->id = mg_new_revision_id();
	text = render(rf);
	store_one(text, NULL, &id);
	catalog_refresh_state();
	return id;
}

/* For autogenerate (autogen.c): the same checks and store path. */
char *
authoring_normalise(const char *sql, const char *what)
{
	return normalise_body(sql, what);
}

char *
authoring_store(MgRevFile *rf, bool id_given)
{
	check_message(rf->message);
	if (id_given && !mg_valid_id(rf->id))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid revision id \"%s\"", rf->id)));
	return create_revision(rf, id_given);
}

Datum
migrate_revision(PG_FUNCTION_ARGS)
{
	MgRevFile	rf;
	char	   *message;
	char	   *id;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("message and upgrade must not be null")));
	/* privileges before the bodies are parsed */
	migrate_check_change();
	message = text_to_cstring(PG_GETARG_TEXT_PP(0));
	check_message(message);
	mg_revfile_new(&rf, PG_ARGISNULL(4) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(4)),
				   message);
	mg_revfile_set_section(&rf, MG_SECTION_UPGRADE,
						   normalise_body(text_to_cstring(PG_GETARG_TEXT_PP(1)), "upgrade"));
	mg_revfile_set_section(&rf, MG_SECTION_DOWNGRADE, PG_ARGISNULL(2) ? NULL :
						   normalise_body(text_to_cstring(PG_GETARG_TEXT_PP(2)), "downgrade"));
	rf.revises = migrate_text_array(fcinfo, 3, "revises");
	if (!mg_valid_id(rf.id))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid revision id \"%s\"", rf.id),
				 errdetail("An id is 1 to 64 characters of letters, digits, \"_\" and \".\", not starting with \".\".")));
	rf.branch = migrate_text_array(fcinfo, 5, "branch");
	for (int i = 0; i < rf.branch.count; i++)
		if (!mg_valid_label(rf.branch.items[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid branch label \"%s\"", rf.branch.items[i]),
					 errdetail("A label is 1 to 64 characters of letters, digits, \"_\" and \".\", not starting with \".\".")));
	rf.depends = migrate_text_array(fcinfo, 6, "depends");

	migrate_begin_change();
	migrate_spi_connect();
	if (PG_ARGISNULL(3))
	{
		/* revises defaults to the graph's heads */
		MigrateCatalog cat;
		MgIntList	heads;

		catalog_load(&cat, false);
		heads = mg_graph_heads(&cat.graph);
		for (int i = 0; i < heads.count; i++)
			mg_strlist_add(&rf.revises, cat.graph.nodes[heads.items[i]].id);
	}
	id = create_revision(&rf, !PG_ARGISNULL(4));
	SPI_finish();
	PG_RETURN_TEXT_P(cstring_to_text(id));
}

Datum
migrate_merge(PG_FUNCTION_ARGS)
{
	MgStrList	given = migrate_text_array(fcinfo, 0, "revisions");
	MigrateCatalog cat;
	MgRevFile	rf;
	MgIntList	parents = {0};
	char	   *message;
	char	   *id;

	message = PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1));
	check_message(message);
	mg_revfile_new(&rf, NULL, message);

	migrate_begin_change();
	migrate_spi_connect();
	catalog_load(&cat, false);
	if (PG_ARGISNULL(0))
		parents = mg_graph_heads(&cat.graph);
	else
	{
		bool	   *listed = palloc0(sizeof(bool) * (cat.graph.n + 1));

		for (int i = 0; i < given.count; i++)
		{
			MgError		err;
			int			node;

			CHECK_FOR_INTERRUPTS();
			if (mg_target_single(&cat.graph, given.items[i], cat.applied,
								 &node, &err) != MG_OK)
				mg_report(&err);
			if (listed[node])
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("revision %s is listed twice", cat.graph.nodes[node].id)));
			listed[node] = true;
			mg_intlist_add(&parents, node);
		}
	}
	if (parents.count < 2)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("a merge needs at least two revisions; %s",
						PG_ARGISNULL(0) ? (parents.count ? "the graph has a single head" : "the graph has no heads")
						: (parents.count ? "only one was given" : "none was given"))));
	for (int i = 0; i < parents.count; i++)
		mg_strlist_add(&rf.revises, cat.graph.nodes[parents.items[i]].id);
	id = create_revision(&rf, false);
	SPI_finish();
	PG_RETURN_TEXT_P(cstring_to_text(id));
}

Datum
migrate_script(PG_FUNCTION_ARGS)
{
	char	   *target = text_to_cstring(PG_GETARG_TEXT_PP(0));
	MigrateCatalog cat;
	MgError		err;
	int			node;
	Oid			types[1] = {TEXTOID};
	Datum		arg;
	char	   *script;
	text	   *result;

	migrate_spi_connect();
	catalog_load(&cat, true);
	if (mg_target_single(&cat.graph, target, cat.applied, &node, &err) != MG_OK)
		mg_report(&err);
	arg = CStringGetTextDatum(cat.graph.nodes[node].id);
	if (SPI_execute_with_args("SELECT script FROM migrate.revision"
							  " WHERE id OPERATOR(pg_catalog.=) $1",
							  1, types, &arg, NULL, true, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "migrate: could not read revision %s", cat.graph.nodes[node].id);
	script = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	result = (text *) SPI_palloc(VARHDRSZ + strlen(script));
	SET_VARSIZE(result, VARHDRSZ + strlen(script));
	memcpy(VARDATA(result), script, strlen(script));
	SPI_finish();
	PG_RETURN_TEXT_P(result);
}
