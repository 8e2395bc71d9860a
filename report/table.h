/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef REP_TABLE_H
#define REP_TABLE_H

/*
 * table: minflow-report's text tables.  A table is a list of columns, each
 * with a heading, a width in terminal cells, an alignment and the text put
 * before it; rows are lists of cells.  Every cell goes through
 * rep_text_append(), so strings from the network reach the terminal only
 * as printable text: control characters, Unicode format characters (such
 * as bidirectional overrides) and bytes that are not UTF-8 are escaped,
 * and a cell longer than REP_TEXT_MAX cells is cut, ending in "...".
 */
#include <stddef.h>

#include <glib.h>

/* Longest cell, in terminal cells: a DNS name is at most 253. */
#define REP_TEXT_MAX 128
/* Most columns a table has. */
#define REP_TABLE_MAX_COLS 12

enum rep_align { REP_LEFT, REP_RIGHT };

struct rep_col {
	const char *head;     /* heading; NULL: no heading (and none after) */
	int width;            /* cells the column is padded to (0: none) */
	enum rep_align align; /* within width */
	const char *sep;      /* text before the column; NULL: one space */
};

struct rep_table {
	const char *indent; /* text before each line */
	const struct rep_col *cols;
	size_t n_cols; /* <= REP_TABLE_MAX_COLS */
};

/* The cells of one row, filled left to right; they own their text. */
struct rep_row {
	char *cells[REP_TABLE_MAX_COLS];
	size_t n;
};

/*
 * Append s (NULL: "-") to out as printable text of at most max cells
 * (max >= 4); returns the cells it takes.  A character is \xHH when it is
 * a control character below U+00A0 or a byte that is not part of valid
 * UTF-8, \u{HHHH} when it is another character that does not print
 * (format, separator, unassigned, private use); wide characters take two
 * cells, combining ones none.  Text longer than max is cut to max - 3
 * cells followed by "...".
 */
size_t rep_text_append(GString *out, const char *s, size_t max);

/* Append the heading line of t to out (newline included). */
void rep_table_head(GString *out, const struct rep_table *t);

/* Add a cell to r: a copy of s (NULL: "-"), or the text of a format. */
void rep_row_add(struct rep_row *r, const char *s);
void rep_row_addf(struct rep_row *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void rep_row_add_uint(struct rep_row *r, guint64 v);
/* Add s, a g_malloc()ed string, as a cell: r owns it from now on. */
void rep_row_take(struct rep_row *r, char *s);

/*
 * Append row r of table t to out (newline included) and empty r.  Cells
 * beyond the columns are dropped; missing cells print as empty.
 */
void rep_table_row(GString *out, const struct rep_table *t, struct rep_row *r);

/* Free the cells of r (after an error, before rep_table_row). */
void rep_row_clear(struct rep_row *r);

#endif
