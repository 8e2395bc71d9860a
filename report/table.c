/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "rep-table"

#include <stdarg.h>
#include <string.h>

#include <glib.h>

#include "report/table.h"

/* TRUE if c prints as itself on a terminal. */
static gboolean
printable(gunichar c)
{
	switch (g_unichar_type(c)) {
	case G_UNICODE_CONTROL:
	case G_UNICODE_FORMAT:
	case G_UNICODE_UNASSIGNED:
	case G_UNICODE_PRIVATE_USE:
	case G_UNICODE_SURROGATE:
	case G_UNICODE_LINE_SEPARATOR:
	case G_UNICODE_PARAGRAPH_SEPARATOR:
		return FALSE;
	default:
		return TRUE;
	}
}

/*
 * The next piece of text at s (len bytes left, len > 0) as printed: into
 * piece, with its width in cells; returns the bytes of s it stands for.
 */
static size_t
next_piece(const char *s, size_t len, char piece[16], size_t *cells)
{
	gunichar c = g_utf8_get_char_validated(s, (gssize)len);
	int n;

	if (c == (gunichar)-1 || c == (gunichar)-2) {
		g_snprintf(piece, 16, "\\x%02x", (unsigned char)*s);
		*cells = 4;
		return 1;
	}
	if (c < 0xa0 && (c < 0x20 || c >= 0x7f)) {
		g_snprintf(piece, 16, "\\x%02x", (unsigned)c);
		*cells = 4;
	} else if (!printable(c)) {
		n = g_snprintf(piece, 16, "\\u{%04x}", (unsigned)c);
		*cells = (size_t)n;
	} else {
		n = g_unichar_to_utf8(c, piece);
		piece[n] = '\0';
		*cells = g_unichar_iszerowidth(c) ? 0
		    : g_unichar_iswide(c)         ? 2
		                                  : 1;
	}
	return (size_t)g_utf8_skip[*(const guchar *)s];
}

/*
 * Append the printable form of s to out while it fits in limit cells;
 * TRUE if all of s went in.  *cells: the width appended.
 */
static gboolean
escape(GString *out, const char *s, size_t limit, size_t *cells)
{
	size_t len = strlen(s), used, w;
	char piece[16];

	*cells = 0;
	while (len > 0) {
		used = next_piece(s, len, piece, &w);
		if (*cells + w > limit)
			return FALSE;
		g_string_append(out, piece);
		*cells += w;
		s += used;
		len -= used;
	}
	return TRUE;
}

size_t
rep_text_append(GString *out, const char *s, size_t max)
{
	gsize mark = out->len;
	size_t cells;

	if (s == NULL)
		s = "-";
	if (max < 4)
		max = 4;
	if (escape(out, s, max, &cells))
		return cells;
	g_string_truncate(out, mark);
	(void)escape(out, s, max - 3, &cells);
	g_string_append(out, "...");
	return cells + 3;
}

static void
pad(GString *out, size_t n)
{
	while (n-- > 0)
		g_string_append_c(out, ' ');
}

/* Cell s in column c: separator, then the text aligned in its width. */
static void
cell(GString *out, const struct rep_col *c, const char *s)
{
	GString *tmp = g_string_new(NULL);
	size_t cells = rep_text_append(tmp, s, REP_TEXT_MAX);
	size_t width = c->width > 0 ? (size_t)c->width : 0;

	g_string_append(out, c->sep != NULL ? c->sep : " ");
	if (c->align == REP_RIGHT && cells < width)
		pad(out, width - cells);
	g_string_append_len(out, tmp->str, (gssize)tmp->len);
	if (c->align == REP_LEFT && cells < width)
		pad(out, width - cells);
	g_string_free(tmp, TRUE);
}

void
rep_table_head(GString *out, const struct rep_table *t)
{
	size_t i;

	g_string_append(out, t->indent);
	for (i = 0; i < t->n_cols && t->cols[i].head != NULL; i++)
		cell(out, &t->cols[i], t->cols[i].head);
	g_string_append_c(out, '\n');
}

void
rep_row_add(struct rep_row *r, const char *s)
{
	if (r->n < REP_TABLE_MAX_COLS)
		r->cells[r->n++] = g_strdup(s != NULL ? s : "-");
}

void
rep_row_addf(struct rep_row *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (r->n < REP_TABLE_MAX_COLS)
		r->cells[r->n++] = g_strdup_vprintf(fmt, ap);
	va_end(ap);
}

void
rep_row_take(struct rep_row *r, char *s)
{
	if (r->n < REP_TABLE_MAX_COLS)
		r->cells[r->n++] = s;
	else
		g_free(s);
}

void
rep_row_add_uint(struct rep_row *r, guint64 v)
{
	rep_row_addf(r, "%" G_GUINT64_FORMAT, v);
}

void
rep_row_clear(struct rep_row *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		g_free(r->cells[i]);
	r->n = 0;
}

void
rep_table_row(GString *out, const struct rep_table *t, struct rep_row *r)
{
	size_t i;

	g_string_append(out, t->indent);
	for (i = 0; i < t->n_cols; i++)
		cell(out, &t->cols[i], i < r->n ? r->cells[i] : "");
	g_string_append_c(out, '\n');
	rep_row_clear(r);
}
