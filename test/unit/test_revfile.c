/*
 * test_revfile.c — the revision file format (SPEC section 2): header keys,
 * sections and dialects, body normalisation, errors with their line
 * numbers, dialect selection and checksums, and formatting round trips.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

/* Two header lines; a section marker after them is line 3. */
#define HDR "-- migrate:revision abc123\n-- migrate:revises base\n"

#define SHA256_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA256_SELECT1 "17db4fd369edb9244b9f91d9aeed145c3d04ad8ba6e95d06247f07a63527d11a"

/* The example of SPEC section 2, and its upgrade body. */
#define SPEC_EXAMPLE_UPGRADE \
	"CREATE TABLE colors (\n" \
	"    id_color integer PRIMARY KEY,\n" \
	"    name     varchar(50) NOT NULL UNIQUE\n" \
	");"
#define SPEC_EXAMPLE \
	"-- migrate:revision 5aa5020316c5\n" \
	"-- migrate:revises e57af1e0a8f8\n" \
	"-- migrate:message create colors table\n" \
	"-- migrate:created 2026-02-17T12:07:59Z\n" \
	"\n" \
	"-- migrate:upgrade\n" \
	SPEC_EXAMPLE_UPGRADE "\n" \
	"\n" \
	"-- migrate:downgrade\n" \
	"DROP TABLE colors;\n"

#define UPG(rf, d) (&(rf)->sections[MG_SECTION_UPGRADE][(d)])
#define DNG(rf, d) (&(rf)->sections[MG_SECTION_DOWNGRADE][(d)])

/*
 * Files that must not parse: one row a check, test naming the case it
 * belongs to.  Each fails with MG_ERR_SYNTAX at line (0: any line), and its
 * message contains the strings of contains.
 */
typedef struct SyntaxRow
{
	const char *test;
	const char *text;
	const char *contains[2];
	int			line;
} SyntaxRow;

static const SyntaxRow syntax_rows[] = {
	{"revises_base_with_parent_is_error", "-- migrate:revision a1\n-- migrate:revises base, p1\n-- migrate:upgrade\n", {"base"}, 2},
	{"duplicate_list_entries_are_errors", "-- migrate:revision a1\n-- migrate:revises p1, p2, p1\n-- migrate:upgrade\n", {"p1"}, 2},
	{"duplicate_list_entries_are_errors", HDR "-- migrate:depends d1,d1\n-- migrate:upgrade\n", {"d1"}, 3},
	{"duplicate_list_entries_are_errors", HDR "-- migrate:branch feat, feat\n-- migrate:upgrade\n", {"feat"}, 3},
	{"empty_revision_id_rejected", "-- migrate:revises base\n-- migrate:revision\n-- migrate:upgrade\n", {NULL}, 2},
	{"invalid_ids_in_lists_rejected", "-- migrate:revision a1\n-- migrate:revises ok1, bad-id\n-- migrate:upgrade\n", {"bad-id"}, 2},
	{"invalid_ids_in_lists_rejected", HDR "-- migrate:message m\n-- migrate:depends .hidden\n-- migrate:upgrade\n", {".hidden"}, 4},
	{"invalid_ids_in_lists_rejected", HDR "-- migrate:branch feat/x\n-- migrate:upgrade\n", {"feat/x"}, 3},
	{"invalid_ids_in_lists_rejected", HDR "-- migrate:branch ok, head\n-- migrate:upgrade\n", {"head"}, 3},
	{"branch_label_equal_to_own_id", HDR "-- migrate:message m\n-- migrate:branch feat, abc123\n-- migrate:upgrade\n", {"abc123"}, 4},
	{"self_references_rejected", "-- migrate:revision abc123\n-- migrate:revises base1, abc123\n-- migrate:upgrade\n", {"abc123"}, 2},
	{"self_references_rejected", HDR "\n-- migrate:depends x1,abc123\n-- migrate:upgrade\n", {"abc123"}, 4},
	{"created_invalid_in_file", HDR "-- migrate:created 17/02/2026\n-- migrate:upgrade\n", {"17/02/2026", "created"}, 3},
	{"unknown_directive", HDR "-- migrate:author bob\n-- migrate:upgrade\n", {"author"}, 3},
	/* inside a body too: a typo must not become SQL */
	{"unknown_directive", HDR "-- migrate:upgrade\nSELECT 1;\n-- migrate:donwgrade\nSELECT 2;\n", {"donwgrade"}, 5},
	{"duplicate_header", HDR "-- migrate:message one\n-- migrate:message two\n-- migrate:upgrade\n", {"message"}, 4},
	{"duplicate_header", HDR "-- migrate:revision abc123\n-- migrate:upgrade\n", {"revision"}, 3},
	{"duplicate_section", HDR "-- migrate:upgrade\nA\n-- migrate:downgrade\nB\n-- migrate:upgrade\nC\n", {"upgrade"}, 7},
	{"duplicate_section", HDR "-- migrate:upgrade sqlite\nA\n-- migrate:upgrade sqlite\nB\n", {"sqlite"}, 5},
	{"duplicate_section", HDR "-- migrate:upgrade\n-- migrate:downgrade\n\n-- migrate:downgrade\n", {"downgrade"}, 6},
	{"header_after_first_section", HDR "-- migrate:upgrade\nX\n-- migrate:message late\n", {"message"}, 5},
	{"header_after_first_section", "-- migrate:revision a1\n-- migrate:upgrade\n-- migrate:revises base\n", {"revises"}, 3},
	{"header_after_first_section", HDR "-- migrate:upgrade\n-- migrate:downgrade\nY\n\n-- migrate:depends x1\n", {NULL}, 7},
	{"text_before_first_section", HDR "SELECT 1;\n-- migrate:upgrade\n", {NULL}, 3},
	{"text_before_first_section", HDR "\n   x\n-- migrate:upgrade\n", {NULL}, 4},
	{"text_before_first_section", "CREATE TABLE t();\n" HDR "-- migrate:upgrade\n", {NULL}, 1},
	{"unknown_dialect", HDR "-- migrate:upgrade mysql\nX\n", {"mysql"}, 3},
	{"unknown_dialect", HDR "-- migrate:upgrade\nX\n-- migrate:downgrade oracle\nY\n", {"oracle"}, 5},
	{"missing_required_headers", "\n-- migrate:revises base\n-- migrate:upgrade\nX\n", {"revision"}, 1},
	{"missing_required_headers", "\n-- migrate:revision a1\n-- migrate:upgrade\nX\n", {"revises"}, 1},
	{"missing_required_headers", "", {NULL}, 1},
	{"missing_upgrade_section", HDR "-- migrate:downgrade\nDROP TABLE t;\n", {"upgrade"}, 0},
	{"missing_upgrade_section", HDR, {"upgrade"}, 0},
	/* An indented directive is still a directive: a typo must not become SQL. */
	{"indented_directive_is_a_directive", HDR "-- migrate:upgrade\nSELECT 1;\n  -- migrate:upgrade indented\n", {"indented"}, 5},
	/* and an indented header line still counts */
	{"indented_directive_is_a_directive", HDR "  -- migrate:transaction maybe\n-- migrate:upgrade\n", {"maybe"}, 3},
};

static void
check_syntax_row(const void *row)
{
	const SyntaxRow *r = row;
	MgError    *e = t_parse_err(r->text, MG_ERR_SYNTAX, r->line);

	CHECK_CONTAINS_ALL(e->message, r->contains);
}

ROWS_CASE(syntax_case, syntax_rows, check_syntax_row)

/* ---- header ---- */

TEST(parse_minimal)
{
	MgRevFile  *rf = t_parse(HDR "\n-- migrate:upgrade\nSELECT 1;\n");

	CHECK_STR(rf->id, "abc123");
	CHECK_INT(rf->revises.count, 0);
	CHECK_INT(rf->depends.count, 0);
	CHECK_INT(rf->branch.count, 0);
	CHECK_NULL(rf->message);
	CHECK_NULL(rf->created);
	CHECK(rf->transactional);
	CHECK(UPG(rf, MG_DIALECT_ANY)->present);
	CHECK_STR(UPG(rf, MG_DIALECT_ANY)->body, "SELECT 1;");
	CHECK_INT(UPG(rf, MG_DIALECT_ANY)->marker_line, 4);
	CHECK_INT(UPG(rf, MG_DIALECT_ANY)->body_line, 5);
	CHECK(!UPG(rf, MG_DIALECT_POSTGRESQL)->present);
	CHECK(!UPG(rf, MG_DIALECT_SQLITE)->present);
	CHECK(!DNG(rf, MG_DIALECT_ANY)->present);
}

TEST(parse_spec_example)
{
	MgRevFile  *rf = t_parse(SPEC_EXAMPLE);

	CHECK_STR(rf->id, "5aa5020316c5");
	CHECK_STR(t_strs(&rf->revises), "e57af1e0a8f8");
	CHECK_STR(rf->message, "create colors table");
	CHECK_STR(rf->created, "2026-02-17T12:07:59Z");
	CHECK_STR(UPG(rf, MG_DIALECT_ANY)->body, SPEC_EXAMPLE_UPGRADE);
	CHECK_INT(UPG(rf, MG_DIALECT_ANY)->body_line, 7);
	CHECK_STR(DNG(rf, MG_DIALECT_ANY)->body, "DROP TABLE colors;");
	CHECK_INT(DNG(rf, MG_DIALECT_ANY)->marker_line, 12);
	CHECK_INT(DNG(rf, MG_DIALECT_ANY)->body_line, 13);
}

TEST(parse_all_header_keys)
{
	MgRevFile  *rf = t_parse(
							 "-- migrate:revision f1e8c2d9a034\n"
							 "-- migrate:revises d0a4f7b35c92, c49f0d8e2a71\n"
							 "-- migrate:message merge billing and reporting\n"
							 "-- migrate:created 2026-02-18 09:30:00+01:00\n"
							 "-- migrate:branch billing,  reports\n"
							 "-- migrate:depends 3f8d2b7c6e10,reports_base\n"
							 "-- migrate:transaction false\n"
							 "-- migrate:upgrade\n");

	CHECK_STR(rf->id, "f1e8c2d9a034");
	CHECK_STR(t_strs(&rf->revises), "d0a4f7b35c92 c49f0d8e2a71");
	CHECK_STR(rf->message, "merge billing and reporting");
	CHECK_STR(rf->created, "2026-02-18 09:30:00+01:00");
	CHECK_STR(t_strs(&rf->branch), "billing reports");
	CHECK_STR(t_strs(&rf->depends), "3f8d2b7c6e10 reports_base");
	CHECK(!rf->transactional);
	CHECK(UPG(rf, MG_DIALECT_ANY)->present);
	CHECK_STR(UPG(rf, MG_DIALECT_ANY)->body, "");
}

TEST(header_comments_and_blanks_allowed)
{
	MgRevFile  *rf = t_parse("-- a free comment\n"
							 "\n"
							 HDR
							 "   -- an indented comment\n"
							 "\t\n"
							 "--\n"
							 "-- migrate:upgrade\nX\n");

	CHECK_STR(rf->id, "abc123");
	CHECK_STR(UPG(rf, MG_DIALECT_ANY)->body, "X");
	CHECK_INT(UPG(rf, MG_DIALECT_ANY)->marker_line, 8);
}

TEST(revises_base_or_empty_is_root)
{
	MgRevFile  *a = t_parse("-- migrate:revision a1\n-- migrate:revises\n-- migrate:upgrade\n");
	MgRevFile  *b = t_parse("-- migrate:revision a1\n-- migrate:revises   base  \n-- migrate:upgrade\n");

	CHECK_INT(a->revises.count, 0);
	CHECK_INT(b->revises.count, 0);
}

TEST(invalid_revision_ids_rejected)
{
	static const char *const bad[] = {
		".abc", "a-b", "a b", "a/b", "a+1", "a@b", "a:b", "base", "head",
		"heads", "current", "caf\xc3\xa9",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",	/* 65 */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		const char *text = t_printf("\n-- migrate:revision %s\n-- migrate:revises base\n-- migrate:upgrade\n",
									bad[i]);
		MgError    *e = t_parse_err(text, MG_ERR_SYNTAX, 2);

		CHECK_CONTAINS(e->message, bad[i]);
	}
}

TEST(valid_revision_id_edge_cases)
{
	static const char *const good[] = {
		"a", "5aa5020316c5", "A.b_9", "v1.2", "heads2", "base_1", "_x",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",	/* 64 */
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
	{
		MgRevFile  *rf = t_parse(t_printf("-- migrate:revision %s\n-- migrate:revises base\n-- migrate:upgrade\n",
										  good[i]));

		CHECK_STR(rf->id, good[i]);
	}
}

TEST(valid_id_function)
{
	CHECK(mg_valid_id("a"));
	CHECK(mg_valid_id("x.y_Z09"));
	CHECK(mg_valid_id("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	CHECK(!mg_valid_id("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	CHECK(!mg_valid_id(""));
	CHECK(!mg_valid_id(".x"));
	CHECK(!mg_valid_id("a-b"));
	CHECK(!mg_valid_id("a b"));
	CHECK(!mg_valid_id("base"));
	CHECK(!mg_valid_id("head"));
	CHECK(!mg_valid_id("heads"));
	CHECK(!mg_valid_id("current"));
	CHECK(mg_valid_label("billing"));
	CHECK(!mg_valid_label("feat/x"));
	CHECK(!mg_valid_label("head"));
}

TEST(timestamps_accepted)
{
	static const char *const good[] = {
		"2026-02-17", "2026-02-17T12:07:59Z", "2026-02-17 12:07:59",
		"2026-02-17T12:07", "2026-02-17T12:07Z", "2026-02-17T12:07:59.123456Z",
		"2026-02-17T12:07:59+02:00", "2026-02-17T12:07:59-0530",
		"2026-02-17T12:07:59+02", "2026-02-17T12:07:59.5",
		"0001-01-01", "9999-12-31T23:59:59Z",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK_MSG(mg_valid_timestamp(good[i]), "rejected \"%s\"", good[i]);
}

TEST(timestamps_rejected)
{
	static const char *const bad[] = {
		"", "yesterday", "2026-2-17", "2026/02/17", "2026-02-17T",
		"2026-02-17T12", "2026-02-17T12:7", "2026-02-17T12:07:5",
		"2026-02-17T12:07:59.", "2026-02-17T12:07:59.Z", "2026-02-17X12:07",
		"2026-02-17T12:07:59ZZ", "2026-02-17T12:07:59+2", "2026-02-17T12:07:59 Z",
		"17/02/2026",
		/* year 0 does not exist (PostgreSQL refuses it with 22008) */
		"0000-01-01", "0000-01-01T00:00:00Z",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_MSG(!mg_valid_timestamp(bad[i]), "accepted \"%s\"", bad[i]);
}

/*
 * Fields out of range are not ISO-8601 timestamps either, and "created" is
 * stored as timestamptz: what the parser lets through must not fail later
 * without a line number.  All offenders are listed at once.
 */
TEST(timestamps_out_of_range_rejected)
{
	static const char *const bad[] = {
		"2026-13-01", "2026-00-10", "2026-02-32", "2026-02-00",
		"2026-02-30", "2026-04-31", "2025-02-29",
		"2026-02-17T25:00", "2026-02-17T12:60", "2026-02-17T12:07:61",
		"2026-02-17T12:07+05:", "2026-02-17T12:07+99:00",
	};
	MgBuf		b;
	char	   *list;

	mg_buf_init(&b);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (mg_valid_timestamp(bad[i]))
			mg_buf_printf(&b, "%s\"%s\"", b.len ? ", " : "", bad[i]);
	list = t_printf("%s", b.data);
	mg_buf_free(&b);
	CHECK_MSG(list[0] == '\0', "accepted %s", list);
}

TEST(timestamps_calendar_edges_accepted)
{
	static const char *const good[] = {
		"2024-02-29", "2026-12-31T23:59:59Z", "2026-12-31T23:59:60Z",
		"2026-01-31", "2026-04-30T00:00:00+14:00",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK_MSG(mg_valid_timestamp(good[i]), "rejected \"%s\"", good[i]);
}

TEST(transaction_values)
{
	MgRevFile  *t = t_parse(HDR "-- migrate:transaction true\n-- migrate:upgrade\n");
	MgRevFile  *f = t_parse(HDR "-- migrate:transaction false\n-- migrate:upgrade\n");
	MgError    *e;

	CHECK(t->transactional);
	CHECK(!f->transactional);
	e = t_parse_err(HDR "-- migrate:transaction yes\n-- migrate:upgrade\n",
					MG_ERR_SYNTAX, 3);
	CHECK_CONTAINS(e->message, "yes");
	t_parse_err(HDR "\n-- migrate:transaction\n-- migrate:upgrade\n",
				MG_ERR_SYNTAX, 4);
}

TEST(header_values_trimmed)
{
	MgRevFile  *rf = t_parse("-- migrate:revision   a1  \t\n"
							 "-- migrate:revises base\n"
							 "-- migrate:message   hello   world  \t\n"
							 "-- migrate:upgrade\n");
	MgRevFile  *empty = t_parse(HDR "-- migrate:message\n-- migrate:upgrade\n");

	CHECK_STR(rf->id, "a1");
	CHECK_STR(rf->message, "hello   world");
	CHECK_NULL(empty->message);
}

/* ---- structural errors, with their line numbers ---- */

static void
check_bad_utf8(const char *text, int line, const char *what)
{
	MgRevFile	rf;
	MgError		err;
	MgStatus	st;

	mg_error_clear(&err);
	st = mg_revfile_parse(text, strlen(text), T_SOURCE, &rf, &err);
	if (st == MG_OK)
	{
		mg_revfile_free(&rf);
		t_fail(__FILE__, __LINE__, "%s: accepted", what);
	}
	CHECK_MSG(st == MG_ERR_SYNTAX && err.line == line,
			  "%s: expected MG_ERR_SYNTAX at line %d, got %s at line %d (%s)",
			  what, line, t_status_name(st), err.line, err.message);
	CHECK_STR(err.source, T_SOURCE);
}

TEST(invalid_utf8_rejected)
{
	static const struct
	{
		const char *bytes;
		const char *what;
	}			bad[] = {
		{"\xff", "0xff"},
		{"\xc0\xaf", "overlong"},
		{"\xe0\x80\x80", "overlong 3-byte"},
		{"\xed\xa0\x80", "surrogate"},
		{"\xf4\x90\x80\x80", "above U+10FFFF"},
		{"\xe2\x82", "truncated"},
		{"\x80", "lone continuation"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		/* in the body (line 5) and in the header (line 3) */
		const char *body = t_printf(HDR "-- migrate:upgrade\nSELECT 'ok';\nSELECT '%s';\n",
									bad[i].bytes);
		const char *head = t_printf(HDR "-- migrate:message x%s\n-- migrate:upgrade\n",
									bad[i].bytes);

		check_bad_utf8(body, 5, bad[i].what);
		check_bad_utf8(head, 3, bad[i].what);
	}
}

TEST(nul_byte_rejected)
{
	static const char text[] = HDR "-- migrate:upgrade\nSELECT 1;\nSELECT '\0';\n";

	t_parse_err_len(text, sizeof(text) - 1, MG_ERR_SYNTAX, 5);
}

TEST(valid_utf8_kept)
{
	MgRevFile  *rf = t_parse(HDR "-- migrate:message caf\xc3\xa9 \xe2\x98\x95 \xf0\x9f\x98\x80\n"
							 "-- migrate:upgrade\nINSERT INTO t VALUES ('\xc3\xbc\xe2\x82\xac');\n");

	CHECK_STR(rf->message, "caf\xc3\xa9 \xe2\x98\x95 \xf0\x9f\x98\x80");
	CHECK_STR(UPG(rf, MG_DIALECT_ANY)->body, "INSERT INTO t VALUES ('\xc3\xbc\xe2\x82\xac');");
}

TEST(error_names_source)
{
	MgRevFile	rf;
	MgError		err;
	const char *text = HDR "-- migrate:bogus\n-- migrate:upgrade\n";
	MgStatus	st;

	mg_error_clear(&err);
	st = mg_revfile_parse(text, strlen(text), "versions/abc123_colors.sql", &rf, &err);
	CHECK_STATUS(st, MG_ERR_SYNTAX, &err);
	CHECK_STR(err.source, "versions/abc123_colors.sql");
	CHECK_INT(err.line, 3);
	/* a failed parse leaves nothing to free; freeing again is harmless */
	mg_revfile_free(&rf);
	mg_revfile_free(&rf);
}

/* ---- directives and bodies ---- */

TEST(directive_without_space)
{
	MgRevFile  *rf = t_parse("--migrate:revision a1\n--migrate:revises base\n"
							 "--migrate:upgrade\nCREATE TABLE t();\n"
							 "--migrate:downgrade\nDROP TABLE t;\n");

	CHECK_STR(rf->id, "a1");
	CHECK_STR(UPG(rf, MG_DIALECT_ANY)->body, "CREATE TABLE t();");
	CHECK(DNG(rf, MG_DIALECT_ANY)->present);
	CHECK_STR(DNG(rf, MG_DIALECT_ANY)->body, "DROP TABLE t;");
	CHECK_INT(DNG(rf, MG_DIALECT_ANY)->marker_line, 5);
}

TEST(directive_with_extra_blanks)
{
	MgRevFile  *rf = t_parse(HDR "--   migrate:upgrade   \nA\n--\tmigrate:downgrade\t sqlite \nB\n");

	CHECK_STR(UPG(rf, MG_DIALECT_ANY)->body, "A");
	CHECK(DNG(rf, MG_DIALECT_SQLITE)->present);
	CHECK_STR(DNG(rf, MG_DIALECT_SQLITE)->body, "B");
}

TEST(body_crlf_normalised)
{
	MgRevFile  *rf = t_parse("-- migrate:revision a1\r\n-- migrate:revises base\r\n"
							 "-- migrate:message m\r\n\r\n"
							 "-- migrate:upgrade\r\nSELECT 1;\r\n\r\nSELECT 2;\r\n\r\n"
							 "-- migrate:downgrade postgresql\r\nSELECT 3;\r\n");

	CHECK_STR(rf->id, "a1");
	CHECK_STR(rf->message, "m");
	CHECK_STR(UPG(rf, MG_DIALECT_ANY)->body, "SELECT 1;\n\nSELECT 2;");
	CHECK(DNG(rf, MG_DIALECT_POSTGRESQL)->present);
	CHECK_STR(DNG(rf, MG_DIALECT_POSTGRESQL)->body, "SELECT 3;");
}

TEST(body_stacked_crs_end_the_line)
{
	MgRevFile  *rf = t_parse(HDR "-- migrate:upgrade\r\r\nSELECT 1;\r\r\nSELECT 'a\rb';\r\n");

	CHECK_STR(UPG(rf, MG_DIALECT_ANY)->body, "SELECT 1;\nSELECT 'a\rb';");
	CHECK_STR(t_select(rf, MG_DIALECT_SQLITE)->checksum,
			  t_select(t_parse(HDR "-- migrate:upgrade\nSELECT 1;\nSELECT 'a\rb';\n"),
					   MG_DIALECT_SQLITE)->checksum);
}

TEST(body_trailing_blank_lines_trimmed)
{
	MgRevFile  *rf = t_parse(HDR "-- migrate:upgrade\nA\n\n  \n\t\n\n"
							 "-- migrate:downgrade\nB\n\n\n");

	CHECK_STR(UPG(rf, MG_DIALECT_ANY)->body, "A");
	CHECK_STR(DNG(rf, MG_DIALECT_ANY)->body, "B");
}

TEST(body_leading_blank_lines_kept)
{
	MgRevFile  *rf = t_parse(HDR "-- migrate:upgrade\n\n\nSELECT 1;\n");

	CHECK_STR(UPG(rf, MG_DIALECT_ANY)->body, "\n\nSELECT 1;");
	CHECK_INT(UPG(rf, MG_DIALECT_ANY)->marker_line, 3);
	CHECK_INT(UPG(rf, MG_DIALECT_ANY)->body_line, 4);
}

TEST(body_kept_byte_for_byte)
{
	MgRevFile  *rf = t_parse(HDR "-- migrate:upgrade\n"
							 "SELECT 1;   \n"
							 "\n"
							 "\t-- a comment\n"
							 "-- migration notes are SQL comments\n"
							 "SELECT 'a\rb';\n");

	CHECK_STR(UPG(rf, MG_DIALECT_ANY)->body,
			  "SELECT 1;   \n"
			  "\n"
			  "\t-- a comment\n"
			  "-- migration notes are SQL comments\n"
			  "SELECT 'a\rb';");
}

TEST(empty_bodies)
{
	MgRevFile  *rf = t_parse(HDR "-- migrate:upgrade\n-- migrate:downgrade\n");
	MgRevFile  *eof = t_parse(HDR "-- migrate:upgrade");
	MgRevFile  *blank = t_parse(HDR "-- migrate:upgrade\n\n   \n");

	CHECK(UPG(rf, MG_DIALECT_ANY)->present);
	CHECK_STR(UPG(rf, MG_DIALECT_ANY)->body, "");
	CHECK(DNG(rf, MG_DIALECT_ANY)->present);
	CHECK_STR(DNG(rf, MG_DIALECT_ANY)->body, "");
	CHECK(UPG(eof, MG_DIALECT_ANY)->present);
	CHECK_STR(UPG(eof, MG_DIALECT_ANY)->body, "");
	CHECK_STR(UPG(blank, MG_DIALECT_ANY)->body, "");
}

TEST(body_without_final_newline)
{
	MgRevFile  *rf = t_parse(HDR "-- migrate:upgrade\nSELECT 1;\nSELECT 2;");

	CHECK_STR(UPG(rf, MG_DIALECT_ANY)->body, "SELECT 1;\nSELECT 2;");
}

TEST(utf8_bom_skipped)
{
	MgRevFile  *rf = t_parse("\xEF\xBB\xBF" HDR "-- migrate:upgrade\nX\n");
	MgRevFile  *crlf = t_parse("\xEF\xBB\xBF-- migrate:revision b1\r\n-- migrate:revises base\r\n"
							   "-- migrate:upgrade\r\nY\r\n");

	CHECK_STR(rf->id, "abc123");
	CHECK_INT(UPG(rf, MG_DIALECT_ANY)->marker_line, 3);
	CHECK_STR(crlf->id, "b1");
	CHECK_STR(UPG(crlf, MG_DIALECT_ANY)->body, "Y");
}

TEST(dialect_sections_parsed)
{
	MgRevFile  *rf = t_parse(HDR
							 "-- migrate:upgrade\nPLAIN\n"
							 "-- migrate:upgrade postgresql\nPG\n"
							 "-- migrate:upgrade sqlite\nLITE\n"
							 "-- migrate:downgrade sqlite\nDLITE\n");

	CHECK_STR(UPG(rf, MG_DIALECT_ANY)->body, "PLAIN");
	CHECK_STR(UPG(rf, MG_DIALECT_POSTGRESQL)->body, "PG");
	CHECK_INT(UPG(rf, MG_DIALECT_POSTGRESQL)->marker_line, 5);
	CHECK_STR(UPG(rf, MG_DIALECT_SQLITE)->body, "LITE");
	CHECK(!DNG(rf, MG_DIALECT_ANY)->present);
	CHECK(!DNG(rf, MG_DIALECT_POSTGRESQL)->present);
	CHECK_STR(DNG(rf, MG_DIALECT_SQLITE)->body, "DLITE");
	CHECK_INT(DNG(rf, MG_DIALECT_SQLITE)->body_line, 10);
}

TEST(dialect_only_upgrade_is_enough_to_parse)
{
	MgRevFile  *rf = t_parse(HDR "-- migrate:upgrade sqlite\nX\n");

	CHECK(UPG(rf, MG_DIALECT_SQLITE)->present);
	CHECK(!UPG(rf, MG_DIALECT_ANY)->present);
}

/* ---- selection and checksums ---- */

TEST(select_dialect_section_wins)
{
	MgRevFile  *rf = t_parse(HDR
							 "-- migrate:upgrade\nPLAIN\n"
							 "-- migrate:upgrade postgresql\nPG\n"
							 "-- migrate:upgrade sqlite\nLITE\n"
							 "-- migrate:downgrade sqlite\nDLITE\n");
	MgRevSelected *pg = t_select(rf, MG_DIALECT_POSTGRESQL);
	MgRevSelected *lite = t_select(rf, MG_DIALECT_SQLITE);
	MgRevSelected *any = t_select(rf, MG_DIALECT_ANY);

	CHECK_STR(pg->upgrade->body, "PG");
	CHECK_NULL(pg->downgrade);
	CHECK_STR(lite->upgrade->body, "LITE");
	CHECK(lite->downgrade != NULL);
	CHECK_STR(lite->downgrade->body, "DLITE");
	CHECK_STR(any->upgrade->body, "PLAIN");
	CHECK_NULL(any->downgrade);
}

TEST(select_falls_back_to_plain)
{
	MgRevFile  *rf = t_parse(HDR
							 "-- migrate:upgrade\nU\n"
							 "-- migrate:downgrade\nD\n"
							 "-- migrate:downgrade postgresql\nDPG\n");
	MgRevSelected *lite = t_select(rf, MG_DIALECT_SQLITE);
	MgRevSelected *pg = t_select(rf, MG_DIALECT_POSTGRESQL);

	CHECK_STR(lite->upgrade->body, "U");
	CHECK_STR(lite->downgrade->body, "D");
	CHECK_STR(pg->upgrade->body, "U");
	CHECK_STR(pg->downgrade->body, "DPG");
}

TEST(select_without_downgrade_is_irreversible)
{
	MgRevFile  *rf = t_parse(HDR "-- migrate:upgrade\nCREATE TABLE t();\n");
	MgRevSelected *sel = t_select(rf, MG_DIALECT_POSTGRESQL);

	CHECK_NULL(sel->downgrade);
	CHECK_STR(sel->upgrade->body, "CREATE TABLE t();");
}

TEST(select_missing_dialect_is_error)
{
	MgRevFile  *rf = t_parse(HDR "\n-- migrate:upgrade postgresql\nPG\n");
	MgRevSelected sel;
	MgError		err;
	MgStatus	st;

	mg_error_clear(&err);
	st = mg_revfile_select(rf, MG_DIALECT_SQLITE, "versions/abc123_x.sql", &sel, &err);
	CHECK_STATUS(st, MG_ERR_DIALECT, &err);
	CHECK_INT(err.status, MG_ERR_DIALECT);
	CHECK_CONTAINS(err.message, "abc123");
	CHECK_CONTAINS(err.message, "sqlite");
	CHECK_STR(err.source, "versions/abc123_x.sql");
	CHECK_INT(err.line, 4);
	CHECK_STR(t_select(rf, MG_DIALECT_POSTGRESQL)->upgrade->body, "PG");
}

TEST(checksum_known_values)
{
	MgRevFile  *empty = t_parse(HDR "-- migrate:upgrade\n\n");
	MgRevFile  *one = t_parse(HDR "-- migrate:upgrade\nSELECT 1;\n\n\n");

	CHECK_STR(t_select(empty, MG_DIALECT_POSTGRESQL)->checksum, SHA256_EMPTY);
	CHECK_STR(t_select(one, MG_DIALECT_POSTGRESQL)->checksum, SHA256_SELECT1);
	CHECK_STR(t_select(one, MG_DIALECT_SQLITE)->checksum, SHA256_SELECT1);
}

TEST(checksum_ignores_line_endings_and_trailing_blanks)
{
	MgRevFile  *lf = t_parse(HDR "-- migrate:upgrade\nSELECT 1;\nSELECT 2;\n");
	MgRevFile  *crlf = t_parse("-- migrate:revision abc123\r\n-- migrate:revises base\r\n"
							   "-- migrate:upgrade\r\nSELECT 1;\r\nSELECT 2;\r\n\r\n  \r\n");
	MgRevFile  *other = t_parse(HDR "-- migrate:upgrade\nSELECT 1;\nSELECT 3;\n");
	MgRevFile  *down = t_parse(HDR "-- migrate:upgrade\nSELECT 1;\nSELECT 2;\n"
							   "-- migrate:downgrade\nDROP TABLE x;\n");
	const char *a = t_select(lf, MG_DIALECT_POSTGRESQL)->checksum;

	CHECK_STR(t_select(crlf, MG_DIALECT_POSTGRESQL)->checksum, a);
	CHECK_STR(t_select(down, MG_DIALECT_POSTGRESQL)->checksum, a);
	CHECK(strcmp(t_select(other, MG_DIALECT_POSTGRESQL)->checksum, a) != 0);
}

TEST(checksum_follows_dialect)
{
	MgRevFile  *rf = t_parse(HDR "-- migrate:upgrade\nSELECT 1;\n-- migrate:upgrade sqlite\n\n");
	MgRevSelected *pg = t_select(rf, MG_DIALECT_POSTGRESQL);
	MgRevSelected *lite = t_select(rf, MG_DIALECT_SQLITE);
	size_t		n = strlen(pg->checksum);

	CHECK_STR(pg->checksum, SHA256_SELECT1);
	CHECK_STR(lite->checksum, SHA256_EMPTY);
	CHECK_INT(n, 64);
	for (size_t i = 0; i < n; i++)
		CHECK((pg->checksum[i] >= '0' && pg->checksum[i] <= '9') ||
			  (pg->checksum[i] >= 'a' && pg->checksum[i] <= 'f'));
}

/* ---- formatting ---- */

static void
roundtrip(const char *text)
{
	MgRevFile  *a = t_parse(text);
	char	   *f1 = t_format(a);
	MgRevFile  *b = t_parse(f1);
	char	   *f2 = t_format(b);

	CHECK_SAME_REVFILE(a, b);
	CHECK_STR(f2, f1);
	for (int d = 0; d < MG_NUM_DIALECTS; d++)
		if (UPG(a, d)->present || UPG(a, MG_DIALECT_ANY)->present)
			CHECK_STR(t_select(b, (MgDialect) d)->checksum,
					  t_select(a, (MgDialect) d)->checksum);
}

TEST(format_roundtrip_spec_example)
{
	roundtrip(SPEC_EXAMPLE);
}

TEST(format_roundtrip_all_fields)
{
	roundtrip("-- comment that is not kept\n"
			  "-- migrate:transaction false\n"
			  "-- migrate:depends x1, y2\n"
			  "-- migrate:branch billing,reports\n"
			  "-- migrate:revision f1e8c2d9a034\n"
			  "-- migrate:created 2026-02-18\n"
			  "-- migrate:revises d0a4f7b35c92,c49f0d8e2a71\n"
			  "-- migrate:message caf\xc3\xa9 merge\n"
			  "-- migrate:downgrade sqlite\nDL\n"
			  "-- migrate:upgrade postgresql\nCREATE INDEX CONCURRENTLY i ON t(x);\n"
			  "-- migrate:upgrade\nPLAIN\n"
			  "-- migrate:upgrade sqlite\nCREATE INDEX i ON t(x);\n"
			  "-- migrate:downgrade\nDROP INDEX i;\n");
}

TEST(format_roundtrip_body_edges)
{
	roundtrip(HDR "-- migrate:upgrade\n");
	roundtrip(HDR "-- migrate:upgrade\n-- migrate:downgrade\n");
	roundtrip(HDR "-- migrate:upgrade\n\n\n  SELECT 1;  \n\n\tSELECT 2;\n\n");
	roundtrip(HDR "-- migrate:upgrade\n  \nX\n-- migrate:downgrade\n\nY");
	roundtrip("-- migrate:revision a1\r\n-- migrate:revises\r\n-- migrate:upgrade\r\nA\r\nB\r\n");
}

/*
 * A line ending "\r\r\n" (what re-converting a CRLF file to CRLF gives):
 * the text must still survive format -> parse unchanged, or
 * add_revision(script(x)) would see a new checksum.
 */
TEST(format_roundtrip_cr_before_crlf)
{
	roundtrip(HDR "-- migrate:upgrade\r\r\nSELECT 1;\r\r\nSELECT 2;\r\r\n");
}

TEST(format_output_is_canonical_text)
{
	MgRevFile  *rf = t_parse(HDR "-- migrate:message hi\n-- migrate:upgrade\nSELECT 1;\n");
	char	   *f = t_format(rf);

	CHECK(strncmp(f, "-- migrate:revision abc123\n", 27) == 0);
	CHECK_CONTAINS(f, "\n-- migrate:revises base\n");
	CHECK_CONTAINS(f, "\n-- migrate:message hi\n");
	CHECK_CONTAINS(f, "\n-- migrate:upgrade\nSELECT 1;\n");
	CHECK_NOT_CONTAINS(f, "downgrade");
	CHECK_NOT_CONTAINS(f, "transaction");
	CHECK(f[strlen(f) - 1] == '\n');
}

static void
revfile_free_cb(void *p)
{
	mg_revfile_free(p);
}

/*
 * A new revision (revnew.c) as revision and merge write it, its sections
 * then replaced or removed, formats to a file that parses back to it (and
 * replacing a section frees the one it replaces: the sanitizer build of
 * these tests runs LeakSanitizer).
 */
TEST(new_revision_round_trips)
{
	MgRevFile  *rf = t_alloc(sizeof(MgRevFile));
	MgRevFile  *back;

	mg_revfile_new(rf, "5e1f00000001", "add things");
	t_defer(revfile_free_cb, rf);
	CHECK(mg_valid_timestamp(rf->created));
	mg_revfile_set_section(rf, MG_SECTION_UPGRADE, "CREATE TABLE things (id int);");
	mg_revfile_set_section(rf, MG_SECTION_UPGRADE, "CREATE TABLE things (id bigint);");
	mg_revfile_set_section(rf, MG_SECTION_DOWNGRADE, NULL);
	back = t_parse(t_format(rf));
	CHECK_SAME_REVFILE(rf, back);
	CHECK_STR(back->sections[MG_SECTION_UPGRADE][MG_DIALECT_ANY].body,
			  "CREATE TABLE things (id bigint);");
	CHECK(!back->sections[MG_SECTION_DOWNGRADE][MG_DIALECT_ANY].present);
}

/* ---- robustness ---- */

#ifndef MUTATION_ROUNDS
#define MUTATION_ROUNDS 3000
#endif

static uint32_t
mut_rand(uint32_t *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state >> 8;
}

/*
 * Random edits of a valid file never crash the parser; whatever parses
 * formats and parses back to the same revision, and whatever fails names
 * a line of the input.
 */
TEST(parser_survives_mutations)
{
	static const char base[] =
		"\xEF\xBB\xBF-- migrate:revision 5aa5020316c5\r\n"
		"-- migrate:revises e57af1e0a8f8, 1d6b8f3a9c42\n"
		"-- migrate:message create colors table\n"
		"-- migrate:created 2026-02-17T12:07:59Z\n"
		"-- migrate:branch colors\n"
		"-- migrate:depends 3f8d2b7c6e10\n"
		"-- migrate:transaction false\n"
		"\n"
		"-- migrate:upgrade\n"
		"CREATE TABLE colors (id integer);\n"
		"\n"
		"-- migrate:upgrade sqlite\n"
		"CREATE TABLE colors (id int);\n"
		"-- migrate:downgrade\n"
		"DROP TABLE colors;\n";
	static const char *const pieces[] = {
		"\n", "\r\n", "\r", " ", "\t", "-", "--", ":", ",", "migrate:",
		"-- migrate:upgrade\n", "-- migrate:downgrade postgresql\n",
		"-- migrate:message x\n", "\xff", "\xc3\xa9", "\xe2\x82", "base", "a",
		"\xEF\xBB\xBF", "\0",
	};
	const char *seed = getenv("MG_UNIT_SEED");
	uint32_t	rs = seed ? (uint32_t) strtoul(seed, NULL, 10) : 4242u;
	char	   *buf = t_alloc(sizeof(base) + 64 * 8);
	int			parsed = 0;

	for (int round = 0; round < MUTATION_ROUNDS; round++)
	{
		size_t		len = sizeof(base) - 1;
		int			edits = 1 + (int) (mut_rand(&rs) % 4);
		MgRevFile	rf;
		MgError		err;
		int			lines = 1;

		memcpy(buf, base, len);
		for (int e = 0; e < edits; e++)
		{
			size_t		at = mut_rand(&rs) % (len + 1);
			uint32_t	kind = mut_rand(&rs) % 3;

			if (kind == 0 && at < len)
			{
				/* delete a run of up to 8 bytes */
				size_t		n = 1 + mut_rand(&rs) % 8;

				if (at + n > len)
					n = len - at;
				memmove(buf + at, buf + at + n, len - at - n);
				len -= n;
			}
			else
			{
				const char *p = pieces[mut_rand(&rs) % (sizeof(pieces) / sizeof(pieces[0]))];
				size_t		n = p[0] ? strlen(p) : 1;

				memmove(buf + at + n, buf + at, len - at);
				memcpy(buf + at, p, n);
				len += n;
			}
		}
		for (size_t i = 0; i < len; i++)
			lines += buf[i] == '\n';
		mg_error_clear(&err);
		if (mg_revfile_parse(buf, len, T_SOURCE, &rf, &err) == MG_OK)
		{
			char	   *f = mg_revfile_format(&rf);
			MgRevFile	again;
			MgError		err2;
			MgStatus	st = mg_revfile_parse(f, strlen(f), "formatted", &again, &err2);

			parsed++;
			if (st != MG_OK)
			{
				char	   *msg = t_printf("round %d: formatted text does not parse: %s (line %d)",
										   round, err2.message, err2.line);

				mg_free(f);
				mg_revfile_free(&rf);
				t_fail(__FILE__, __LINE__, "%s", msg);
			}
			mg_free(f);
			/* compare, then free both before a failure can abort */
			{
				MgRevFile  *a = t_alloc(sizeof(MgRevFile));
				MgRevFile  *b = t_alloc(sizeof(MgRevFile));

				*a = rf;
				*b = again;
				t_defer(revfile_free_cb, a);
				t_defer(revfile_free_cb, b);
				CHECK_SAME_REVFILE(a, b);
			}
		}
		else
			CHECK_MSG(err.status == MG_ERR_SYNTAX && err.line >= 1 && err.line <= lines,
					  "round %d: error %s at line %d of %d: %s", round,
					  t_status_name(err.status), err.line, lines, err.message);
	}
	CHECK(parsed > 0);
}

/* ---- small helpers ---- */

TEST(split_list)
{
	MgStrList  *l;

	l = t_keep_str(mg_split_list("a, b,c", true));
	CHECK_STR(t_strs(l), "a b c");
	l = t_keep_str(mg_split_list("  x1 ,\t y2  ,", false));
	CHECK_STR(t_strs(l), "x1 y2");
	l = t_keep_str(mg_split_list(" base ", true));
	CHECK_INT(l->count, 0);
	l = t_keep_str(mg_split_list("base", false));
	CHECK_STR(t_strs(l), "base");
	l = t_keep_str(mg_split_list("", true));
	CHECK_INT(l->count, 0);
	l = t_keep_str(mg_split_list("a,,b", false));
	CHECK_STR(t_strs(l), "a b");
}

TEST(dialect_names)
{
	MgDialect	d = MG_DIALECT_SQLITE;

	CHECK_STR(mg_dialect_name(MG_DIALECT_POSTGRESQL), "postgresql");
	CHECK_STR(mg_dialect_name(MG_DIALECT_SQLITE), "sqlite");
	CHECK_INT(mg_dialect_parse("postgresql", &d), MG_OK);
	CHECK_INT(d, MG_DIALECT_POSTGRESQL);
	CHECK_INT(mg_dialect_parse("sqlite", &d), MG_OK);
	CHECK_INT(d, MG_DIALECT_SQLITE);
	CHECK_INT(mg_dialect_parse("", &d), MG_OK);
	CHECK_INT(d, MG_DIALECT_ANY);
	CHECK(mg_dialect_parse("mysql", &d) != MG_OK);
}

const TestCase revfile_cases[] = {
	TC(parse_minimal),
	TC(parse_spec_example),
	TC(parse_all_header_keys),
	TC(header_comments_and_blanks_allowed),
	TC(revises_base_or_empty_is_root),
	TC_ROWS(revises_base_with_parent_is_error, syntax_case),
	TC_ROWS(duplicate_list_entries_are_errors, syntax_case),
	TC(invalid_revision_ids_rejected),
	TC_ROWS(empty_revision_id_rejected, syntax_case),
	TC(valid_revision_id_edge_cases),
	TC(valid_id_function),
	TC_ROWS(invalid_ids_in_lists_rejected, syntax_case),
	TC_ROWS(branch_label_equal_to_own_id, syntax_case),
	TC_ROWS(self_references_rejected, syntax_case),
	TC(timestamps_accepted),
	TC(timestamps_rejected),
	TC(timestamps_out_of_range_rejected),
	TC(timestamps_calendar_edges_accepted),
	TC_ROWS(created_invalid_in_file, syntax_case),
	TC(transaction_values),
	TC(header_values_trimmed),
	TC_ROWS(unknown_directive, syntax_case),
	TC_ROWS(duplicate_header, syntax_case),
	TC_ROWS(duplicate_section, syntax_case),
	TC_ROWS(header_after_first_section, syntax_case),
	TC_ROWS(text_before_first_section, syntax_case),
	TC_ROWS(unknown_dialect, syntax_case),
	TC_ROWS(missing_required_headers, syntax_case),
	TC_ROWS(missing_upgrade_section, syntax_case),
	TC(invalid_utf8_rejected),
	TC(nul_byte_rejected),
	TC(valid_utf8_kept),
	TC(error_names_source),
	TC(directive_without_space),
	TC(directive_with_extra_blanks),
	TC(body_crlf_normalised),
	TC(body_stacked_crs_end_the_line),
	TC(body_trailing_blank_lines_trimmed),
	TC(body_leading_blank_lines_kept),
	TC(body_kept_byte_for_byte),
	TC_ROWS(indented_directive_is_a_directive, syntax_case),
	TC(empty_bodies),
	TC(body_without_final_newline),
	TC(utf8_bom_skipped),
	TC(dialect_sections_parsed),
	TC(dialect_only_upgrade_is_enough_to_parse),
	TC(select_dialect_section_wins),
	TC(select_falls_back_to_plain),
	TC(select_without_downgrade_is_irreversible),
	TC(select_missing_dialect_is_error),
	TC(checksum_known_values),
	TC(checksum_ignores_line_endings_and_trailing_blanks),
	TC(checksum_follows_dialect),
	TC(format_roundtrip_spec_example),
	TC(format_roundtrip_all_fields),
	TC(format_roundtrip_body_edges),
	TC(format_roundtrip_cr_before_crlf),
	TC(format_output_is_canonical_text),
	TC(new_revision_round_trips),
	TC(parser_survives_mutations),
	TC(split_list),
	TC(dialect_names),
	TC_END
};
