/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-oui"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "collector/model/oui.h"
#include "common/error.h"

#define READ_CHUNK 65536 /* bytes a read of the registry */

struct oui_entry {
	uint32_t prefix; /* the three bytes, big-endian */
	const char *name;
};

struct col_oui {
	GArray *entries; /* struct oui_entry, sorted by prefix */
	GStringChunk *names;
};

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Six hex digits at p into *out. */
static gboolean
hex6(const char *p, size_t len, uint32_t *out)
{
	uint32_t v = 0;
	size_t i;
	int h;

	if (len < 6)
		return FALSE;
	for (i = 0; i < 6; i++) {
		if ((h = hexval(p[i])) < 0)
			return FALSE;
		v = v << 4 | (uint32_t)h;
	}
	*out = v;
	return TRUE;
}

static void
add(struct col_oui *o, uint32_t prefix, const char *name, size_t len)
{
	struct oui_entry e;

	while (len > 0 && g_ascii_isspace(name[len - 1]))
		len--;
	while (len > 0 && g_ascii_isspace(*name)) {
		name++;
		len--;
	}
	if (len == 0 || o->entries->len >= COL_OUI_MAX)
		return;
	e.prefix = prefix;
	e.name = g_string_chunk_insert_len(o->names, name,
	    (gssize)MIN(len, COL_OUI_NAME_MAX));
	g_array_append_val(o->entries, e);
}

/* oui.txt: "XXXXXX     (base 16)\t\tName". */
static void
parse_txt_line(struct col_oui *o, const char *p, size_t len)
{
	static const char tag[] = "(base 16)";
	const char *t;
	uint32_t prefix;

	/* The space first: it turns away the "(hex)" and address lines. */
	if (len < 7 || !g_ascii_isspace(p[6]) || !hex6(p, len, &prefix))
		return;
	/*
	 * The tag where the registry puts it, after the blanks; no earlier
	 * one can be there (hex digits and blanks), so this is the first.
	 */
	for (t = p + 7; t < p + len && g_ascii_isspace(*t); t++)
		;
	if ((size_t)(p + len - t) < sizeof(tag) - 1 ||
	    memcmp(t, tag, sizeof(tag) - 1) != 0)
		t = g_strstr_len(p, (gssize)len, tag);
	if (t == NULL)
		return;
	t += sizeof(tag) - 1;
	add(o, prefix, t, len - (size_t)(t - p));
}

/* oui.csv: "MA-L,XXXXXX,Name,...", Name perhaps "quoted, with commas". */
static void
parse_csv_line(struct col_oui *o, const char *p, size_t len)
{
	uint32_t prefix;
	const char *name, *end;

	if (len < 12 || strncmp(p, "MA-L,", 5) != 0 ||
	    !hex6(p + 5, len - 5, &prefix) || p[11] != ',')
		return;
	name = p + 12;
	len -= 12;
	if (len > 0 && *name == '"') {
		name++;
		len--;
		end = memchr(name, '"', len);
	} else {
		end = memchr(name, ',', len);
	}
	add(o, prefix, name, end != NULL ? (size_t)(end - name) : len);
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct oui_entry *x = a, *y = b;

	return x->prefix < y->prefix ? -1 : x->prefix > y->prefix;
}

/*
 * Sort by prefix, stable (equal prefixes stay in input order): two
 * counting passes of 12 bits over the 24-bit prefixes.  A comparison
 * sort of the 38,000 entries was 24 M instructions at every start.
 */
static void
sort_entries(struct oui_entry *e, size_t n)
{
	struct oui_entry *tmp = g_new(struct oui_entry, MAX(n, 1));
	struct oui_entry *src = e, *dst = tmp;
	size_t *count = g_new(size_t, 4096), i, sum, c;
	unsigned shift;

	for (shift = 0; shift < 24; shift += 12) {
		memset(count, 0, 4096 * sizeof(*count));
		for (i = 0; i < n; i++)
			count[(src[i].prefix >> shift) & 0xfff]++;
		for (i = 0, sum = 0; i < 4096; i++) {
			c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[(src[i].prefix >> shift) & 0xfff]++] = src[i];
		src = dst;
		dst = src == e ? tmp : e;
	}
	/* Two passes: the result is back in e. */
	g_free(count);
	g_free(tmp);
}

/* Sort, and keep the first of each prefix (stable: by input order). */
static void
sort_unique(struct col_oui *o)
{
	struct oui_entry *e = (struct oui_entry *)(void *)o->entries->data;
	guint i, n = 0;

	sort_entries(e, o->entries->len);
	for (i = 0; i < o->entries->len; i++)
		if (n == 0 || e[n - 1].prefix != e[i].prefix)
			e[n++] = e[i];
	g_array_set_size(o->entries, n);
}

static struct col_oui *
oui_new(void)
{
	struct col_oui *o = g_new0(struct col_oui, 1);

	o->entries = g_array_new(FALSE, FALSE, sizeof(struct oui_entry));
	o->names = g_string_chunk_new(65536);
	return o;
}

static gboolean
is_csv(const char *text, size_t len)
{
	return len >= 9 && strncmp(text, "Registry,", 9) == 0;
}

/*
 * The lines of text[0 .. len); the last one only if last (else it may go
 * on in the next read).  Returns the bytes taken.
 */
static size_t
parse_lines(struct col_oui *o, gboolean csv, const char *text, size_t len,
    gboolean last)
{
	const char *p = text, *end = text + len, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL && !last)
			break;
		if (nl == NULL)
			nl = end;
		if (csv)
			parse_csv_line(o, p, (size_t)(nl - p));
		else
			parse_txt_line(o, p, (size_t)(nl - p));
		p = nl + 1;
	}
	return MIN((size_t)(p - text), len);
}

/* Sorted, or NULL (error set, o freed) if it holds no entry. */
static struct col_oui *
oui_finish(struct col_oui *o, GError **error)
{
	if (o->entries->len == 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "no OUI assignment found (not an IEEE oui.txt or oui.csv)");
		col_oui_free(o);
		return NULL;
	}
	sort_unique(o);
	return o;
}

struct col_oui *
col_oui_parse(const char *text, size_t len, GError **error)
{
	struct col_oui *o = oui_new();

	parse_lines(o, is_csv(text, len), text, len, TRUE);
	return oui_finish(o, error);
}

/*
 * Read f by READ_CHUNK bytes and parse the complete lines of each read:
 * the registry (5 MiB) is not held whole, and its pages are not touched
 * for the first time at every start (1,280 page faults).  A line longer
 * than the buffer doubles it, as a file read whole would hold it.
 */
static gboolean
read_lines(struct col_oui *o, FILE *f)
{
	size_t cap = READ_CHUNK, have = 0, want, got, used;
	char *buf = g_malloc(cap);
	gboolean csv = FALSE, first = TRUE, eof = FALSE;

	while (!eof) {
		if (have == cap) {
			cap *= 2;
			buf = g_realloc(buf, cap);
		}
		want = cap - have;
		got = fread(buf + have, 1, want, f);
		have += got;
		if (got < want) {
			if (ferror(f))
				break;
			eof = TRUE;
		}
		if (first)
			csv = is_csv(buf, have); /* a short read is the end */
		first = FALSE;
		used = parse_lines(o, csv, buf, have, eof);
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	g_free(buf);
	return eof;
}

struct col_oui *
col_oui_load(const char *path, GError **error)
{
	g_autofree char *shown = g_filename_display_name(path);
	struct col_oui *o;
	GError *err = NULL;
	FILE *f;
	int e;

	/* The messages are g_file_get_contents()'s, which read it before. */
	if ((f = fopen(path, "rb")) == NULL) {
		e = errno;
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[devices] oui: Failed to open file \u201c%s\u201d: %s",
		    shown, g_strerror(e));
		return NULL;
	}
	o = oui_new();
	if (!read_lines(o, f)) {
		e = errno;
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[devices] oui: Failed to read from file \u201c%s\u201d: "
		    "%s",
		    shown, g_strerror(e));
		fclose(f);
		col_oui_free(o);
		return NULL;
	}
	fclose(f);
	if ((o = oui_finish(o, &err)) == NULL) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "[devices] oui: %s: %s", path, err->message);
		g_error_free(err);
	}
	return o;
}

void
col_oui_free(struct col_oui *o)
{
	if (o == NULL)
		return;
	g_array_unref(o->entries);
	g_string_chunk_free(o->names);
	g_free(o);
}

const char *
col_oui_find(const struct col_oui *o, const uint8_t mac[6])
{
	struct oui_entry key, *e;

	if (o == NULL || (mac[0] & 0x02) != 0)
		return NULL;
	key.prefix = (uint32_t)mac[0] << 16 | (uint32_t)mac[1] << 8 | mac[2];
	e = bsearch(&key, o->entries->data, o->entries->len, sizeof(key),
	    cmp_entry);
	return e != NULL ? e->name : NULL;
}

size_t
col_oui_count(const struct col_oui *o)
{
	return o != NULL ? o->entries->len : 0;
}
