/*
 * test_offline.c — the offline script writer (offline.c): a PostgreSQL
 * script carries each revision's whole file to add_revision() in a
 * dollar-quoted string, which must hold the file's text as PostgreSQL's
 * lexer reads it back (up to the first occurrence of the opening tag),
 * whatever the text contains or ends with; and each section's last
 * statement is terminated before the history row that follows it.
 */
#include "harness.h"
#include "offline.h"

typedef struct OneRev
{
	const MgRevFile *rf;
	MgRevSelected *sel;
	const char *text;
} OneRev;

static MgStatus
one_describe(void *ctx, int node, bool downgrade, MgStep *out, MgError *err)
{
	const OneRev *r = ctx;

	out->node = node;
	out->id = r->rf->id;
	out->message = r->rf->message;
	out->checksum = r->sel->checksum;
	out->transactional = true;
	out->downgrade = downgrade;
	out->has_body = true;
	return MG_OK;
}

static MgStatus
one_fetch(void *ctx, MgStep *s, MgError *err)
{
	const OneRev *r = ctx;

	s->body = r->sel->upgrade->body;
	s->script = r->text;
	return MG_OK;
}

static const MgExecOps one_ops = {
	true, one_describe, one_fetch, NULL, NULL, NULL, NULL, NULL, NULL, NULL
};

static void
free_buf(void *p)
{
	mg_buf_free(p);
}

/* The offline upgrade script of the one revision of text. */
static const char *
script_of(const char *text, MgDialect dialect)
{
	MgRevFile  *rf = t_parse(text);
	OneRev		r = {rf, t_select(rf, dialect), text};
	MgGraph    *g = t_graph(rf->id);
	uint8_t    *none = t_alloc(1);
	MgPlan	   *plan = t_plan(g, "heads", UP, none, false);
	MgOfflineInput in = {0};
	MgBuf	   *out = t_alloc(sizeof(MgBuf));
	MgError    *err = t_alloc(sizeof(MgError));

	in.graph = g;
	in.dialect = dialect;
	in.target = "heads";
	in.steps = &plan->steps;
	in.from = none;
	in.source = &one_ops;
	in.source_ctx = &r;
	mg_buf_init(out);
	t_defer(free_buf, out);
	CHECK_STATUS(mg_offline_script(&in, out, err), MG_OK, err);
	return out->data;
}

/* The add_revision() argument, read as PostgreSQL reads dollar quotes. */
static const char *
carried_text(const char *script)
{
	const char *p = strstr(script, "SELECT migrate.add_revision($");
	const char *tag_end,
			   *close;
	const char *tag;

	CHECK_MSG(p != NULL, "no add_revision() in the script:\n%s", script);
	p += strlen("SELECT migrate.add_revision(");
	tag_end = strchr(p + 1, '$');
	CHECK(tag_end != NULL);
	tag = t_printf("%.*s", (int) (tag_end - p + 1), p);
	close = strstr(tag_end + 1, tag);
	CHECK(close != NULL);
	return t_printf("%.*s", (int) (close - tag_end - 1), tag_end + 1);
}

typedef struct DollarRow
{
	const char *test;
	const char *text;
	const char *tag;			/* the tag the script must use */
} DollarRow;

#define HEADER "-- migrate:revision 0ff1e0000001\n-- migrate:revises base\n" \
	"-- migrate:upgrade\n"

static const DollarRow dollar_rows[] = {
	{"offline_script_carries_the_whole_file", HEADER "SELECT 1;\n", "$migrate$"},
	{"offline_script_carries_the_whole_file", HEADER "SELECT $migrate$x$migrate$;\n", "$migrate1$"},
	{"offline_script_carries_the_whole_file",
		HEADER "SELECT $migrate$x$migrate$, $migrate1$y$migrate1$;\n", "$migrate2$"},
	/*
	 * A file that ends (without a newline) with the tag but its last '$':
	 * that '$' and the closing tag used to end the string early.
	 */
	{"offline_script_carries_a_file_ending_in_the_tag", HEADER "SELECT 1; -- $migrate", "$migrate1$"},
	{"offline_script_carries_a_file_ending_in_the_tag",
		HEADER "SELECT $migrate$x$migrate$; -- $migrate1", "$migrate2$"},
	{"offline_script_carries_a_file_ending_in_the_tag", HEADER "SELECT 1; -- $migrat", "$migrate$"},
};

static void
check_dollar_row(const void *row)
{
	const DollarRow *r = row;
	const char *script = script_of(r->text, MG_DIALECT_POSTGRESQL);

	CHECK_STR(carried_text(script), r->text);
	CHECK_CONTAINS(script, t_printf("add_revision(%s", r->tag));
}

ROWS_CASE(dollar_cases, dollar_rows, check_dollar_row)

/*
 * The section's last statement ends before the history row, in either
 * dialect: a ';' is added unless the body surely ends with one, which a
 * ';' in a last-line comment does not.
 */
typedef struct TermRow
{
	const char *test;
	const char *body;
	const char *written;		/* the body as the script has it, then a newline */
} TermRow;

static const TermRow term_rows[] = {
	{"offline_script_terminates_the_last_statement", "SELECT 1;", "SELECT 1;\n"},
	{"offline_script_terminates_the_last_statement", "SELECT 1", "SELECT 1\n;\n"},
	{"offline_script_terminates_the_last_statement", "SELECT 1;\n-- done", "SELECT 1;\n-- done\n;\n"},
	{"offline_script_terminates_the_last_statement", "SELECT 1; /* done */", "SELECT 1; /* done */\n;\n"},
	{"offline_script_terminates_the_last_statement",
		"CREATE TABLE t (a int)\n-- the end;", "CREATE TABLE t (a int)\n-- the end;\n;\n"},
	{"offline_script_terminates_the_last_statement",
		"CREATE TABLE t (a int) -- the end;", "CREATE TABLE t (a int) -- the end;\n;\n"},
};

static void
check_term_row(const void *row)
{
	const TermRow *r = row;
	const char *text = t_printf(HEADER "%s\n", r->body);

	for (int d = MG_DIALECT_POSTGRESQL; d <= MG_DIALECT_SQLITE; d++)
	{
		const char *script = script_of(text, (MgDialect) d);

		CHECK_CONTAINS(script, t_printf("\n%sINSERT INTO migrate", r->written));
	}
}

ROWS_CASE(term_cases, term_rows, check_term_row)

const TestCase offline_cases[] = {
	TC_ROWS(offline_script_carries_the_whole_file, dollar_cases),
	TC_ROWS(offline_script_carries_a_file_ending_in_the_tag, dollar_cases),
	TC_ROWS(offline_script_terminates_the_last_statement, term_cases),
	TC_END
};
