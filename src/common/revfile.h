/*
 * revfile.h — the revision file format of SPEC section 2.
 *
 * mg_revfile_parse() reads one revision file's text into an MgRevFile:
 * header keys, and every upgrade/downgrade section with the dialect it is
 * limited to.  mg_revfile_select() then picks the sections that apply to one
 * database dialect and computes the checksum.  Both are strict: anything the
 * SPEC does not allow is an error that names the source and line.
 */
#ifndef MG_REVFILE_H
#define MG_REVFILE_H

#include "mg_base.h"

typedef enum MgDialect
{
	MG_DIALECT_ANY = 0,			/* a section with no dialect */
	MG_DIALECT_POSTGRESQL,
	MG_DIALECT_SQLITE,
	MG_NUM_DIALECTS
} MgDialect;

typedef enum MgSectionKind
{
	MG_SECTION_UPGRADE = 0,
	MG_SECTION_DOWNGRADE,
	MG_NUM_SECTION_KINDS
} MgSectionKind;

typedef struct MgSection
{
	bool		present;
	char	   *body;			/* normalised text, no trailing newline */
	int			marker_line;	/* line of the "-- migrate:<kind>" marker */
	int			body_line;		/* line of the body's first line */
} MgSection;

typedef struct MgRevFile
{
	char	   *id;
	MgStrList	revises;		/* empty for a root ("base") */
	MgStrList	depends;
	MgStrList	branch;			/* branch labels */
	char	   *message;		/* NULL if absent */
	char	   *created;		/* ISO-8601 text, NULL if absent */
	bool		transactional;
	bool		batch_never;	/* -- migrate:batch never: no SQLite rebuilds */
	MgSection	sections[MG_NUM_SECTION_KINDS][MG_NUM_DIALECTS];
} MgRevFile;

/* The sections that apply to one dialect, and the upgrade checksum. */
typedef struct MgRevSelected
{
	const MgSection *upgrade;	/* never NULL after a successful select */
	const MgSection *downgrade; /* NULL: irreversible */
	char		checksum[65];
} MgRevSelected;

MgStatus	mg_revfile_parse(const char *text, size_t len, const char *source,
							 MgRevFile *out, MgError *err);
MgStatus	mg_revfile_select(const MgRevFile *rf, MgDialect dialect,
							  const char *source, MgRevSelected *out,
							  MgError *err);
void		mg_revfile_free(MgRevFile *rf);

/* Render a revision back to file text, canonical layout (revformat.c). */
char	   *mg_revfile_format(const MgRevFile *rf);

/*
 * A new revision (revnew.c): a random id unless one is given, created now,
 * transactional, empty upgrade and downgrade sections.  Setting a section
 * to NULL removes it.  A message must be one line without control
 * characters (TAB aside), as the parser wants header values.
 */
void		mg_revfile_new(MgRevFile *rf, const char *id, const char *message);
void		mg_revfile_set_section(MgRevFile *rf, MgSectionKind kind, const char *body);
char	   *mg_new_revision_id(void);
char	   *mg_utc_now(void);
bool		mg_valid_message(const char *message);

/* Validation of single tokens (revtoken.c), shared with SQL entry points. */
bool		mg_valid_id(const char *id);
bool		mg_valid_label(const char *label);
bool		mg_valid_timestamp(const char *ts);
const char *mg_dialect_name(MgDialect d);
MgStatus	mg_dialect_parse(const char *name, MgDialect *out);

/* Split "a, b,c" into a list, trimming blanks; "base" or "" gives none. */
MgStrList	mg_split_list(const char *value, bool base_is_empty);

/*
 * The entries of a migrations directory (revdir.c): whether a name is a
 * revision file's ("*.sql", not hidden; others are skipped), and what a
 * file of st_mode mode is, for the error that refuses a revision file
 * that is not a regular file ("a FIFO", "a directory", ...).
 */
bool		mg_revision_file_name(const char *name);
const char *mg_file_kind(unsigned int mode);

#endif							/* MG_REVFILE_H */
