/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "mf-conf"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "common/conf.h"
#include "common/error.h"

/*
 * A file being loaded: its lines (comments already stripped, so line i is
 * line i + 1 of the file) and the GKeyFile parsed from them.
 */
struct conf_file {
	const char *path;
	char **lines;
	GKeyFile *kf;
};

static void *
conf_field(const struct mf_conf_key *k, void *out)
{
	return (char *)out + k->offset;
}

static const char *
conf_def(const struct mf_conf_key *k)
{
	return k->def != NULL ? k->def : "";
}

/* v split on ';', items trimmed, empty items dropped; never NULL. */
static char **
conf_split(const char *v)
{
	char **items = g_strsplit(v, ";", -1);
	GPtrArray *keep = g_ptr_array_new();
	guint i;

	for (i = 0; items[i] != NULL; i++) {
		g_strstrip(items[i]);
		if (items[i][0] != '\0')
			g_ptr_array_add(keep, g_strdup(items[i]));
	}
	g_strfreev(items);
	g_ptr_array_add(keep, NULL);
	return (char **)g_ptr_array_free(keep, FALSE);
}

/*
 * Parse text as k's value into out, replacing (and freeing) the old one.
 * FALSE, out untouched, on a bad value.
 */
static gboolean
conf_parse(const struct mf_conf_key *k, const char *text, void *out)
{
	char *v = g_strstrip(g_strdup(text));
	void *f = conf_field(k, out);
	gboolean ok = TRUE;
	guint64 u;

	switch (k->type) {
	case MF_CONF_UINT:
		ok =
		    g_ascii_string_to_unsigned(v, 10, k->min, k->max, &u, NULL);
		if (ok)
			*(uint64_t *)f = u;
		break;
	case MF_CONF_BOOL:
		ok = strcmp(v, "true") == 0 || strcmp(v, "false") == 0;
		if (ok)
			*(gboolean *)f = v[0] == 't';
		break;
	case MF_CONF_STRING:
		g_free(*(char **)f);
		*(char **)f = g_steal_pointer(&v);
		break;
	case MF_CONF_LIST:
		g_strfreev(*(char ***)f);
		*(char ***)f = conf_split(v);
		break;
	}
	g_free(v);
	return ok;
}

/* Set every field the table names to zero, freeing nothing. */
static void
conf_zero(const struct mf_conf_key *table, size_t n, void *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		void *f = conf_field(&table[i], out);

		switch (table[i].type) {
		case MF_CONF_UINT:
			*(uint64_t *)f = 0;
			break;
		case MF_CONF_BOOL:
			*(gboolean *)f = FALSE;
			break;
		case MF_CONF_STRING:
			*(char **)f = NULL;
			break;
		case MF_CONF_LIST:
			*(char ***)f = NULL;
			break;
		}
	}
}

static void
conf_defaults(const struct mf_conf_key *table, size_t n, void *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!conf_parse(&table[i], conf_def(&table[i]), out))
			g_error("conf: [%s] %s: bad default '%s'",
			    table[i].group, table[i].key, conf_def(&table[i]));
}

static gboolean
conf_known_group(const struct mf_conf_key *table, size_t n, const char *group)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(table[i].group, group) == 0)
			return TRUE;
	return FALSE;
}

static gboolean
conf_known_key(const struct mf_conf_key *table, size_t n, const char *group,
    const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(table[i].group, group) == 0 &&
		    strcmp(table[i].key, key) == 0)
			return TRUE;
	return FALSE;
}

static const char *
conf_skip_space(const char *s)
{
	while (g_ascii_isspace(*s)) /* as GKeyFile */
		s++;
	return s;
}

/*
 * Strip comments in place: a line whose first non-blank character is ';'
 * becomes empty (GKeyFile would reject it); on other lines, except '#'
 * comment lines, a '#' after a space or tab ends the line.  Trailing
 * blanks (and a CR) go too.
 */
static void
conf_strip_comments(char **lines)
{
	guint i;

	for (i = 0; lines[i] != NULL; i++) {
		char *s = lines[i] + (conf_skip_space(lines[i]) - lines[i]);
		char *p;

		if (*s == '#')
			continue;
		if (*s == ';')
			*s = '\0';
		for (p = s; *p != '\0'; p++)
			if (*p == '#' && p > s &&
			    (p[-1] == ' ' || p[-1] == '\t')) {
				*p = '\0';
				break;
			}
		g_strchomp(lines[i]);
	}
}

/* The name of the group a "[name]" line starts, or NULL. */
static char *
conf_header(const char *line)
{
	const char *s = conf_skip_space(line);
	const char *e;

	if (*s != '[' || (e = strrchr(s, ']')) == NULL)
		return NULL;
	return g_strndup(s + 1, (gsize)(e - s - 1));
}

/* The key a "key = value" line sets, trimmed, or NULL. */
static char *
conf_key(const char *line)
{
	const char *s = conf_skip_space(line);
	const char *eq = strchr(s, '=');

	if (*s == '#' || *s == '[' || eq == NULL)
		return NULL;
	return g_strchomp(g_strndup(s, (gsize)(eq - s)));
}

/* The line of the last "key = " in a [group] section, or 0. */
static guint
conf_key_line(char **lines, const char *group, const char *key)
{
	gboolean in_group = FALSE;
	guint i, found = 0;

	for (i = 0; lines[i] != NULL; i++) {
		char *name = conf_header(lines[i]);

		if (name != NULL) {
			in_group = strcmp(name, group) == 0;
			g_free(name);
		} else if (in_group && (name = conf_key(lines[i])) != NULL) {
			if (strcmp(name, key) == 0)
				found = i + 1;
			g_free(name);
		}
	}
	return found;
}

/* Does GKeyFile take the first n lines? */
static gboolean
conf_prefix_loads(char **lines, guint n)
{
	GKeyFile *kf = g_key_file_new();
	char *save = lines[n], *text;
	gboolean ok;

	lines[n] = NULL;
	text = g_strjoinv("\n", lines);
	lines[n] = save;
	ok = g_key_file_load_from_data(kf, text, (gsize)-1, G_KEY_FILE_NONE,
	    NULL);
	g_free(text);
	g_key_file_free(kf);
	return ok;
}

/*
 * The line GKeyFile rejected, given that it rejects the whole text.  It
 * stops at the first bad line, so a prefix loads iff it ends before that
 * line: bisect.
 */
static guint
conf_bad_line(char **lines)
{
	guint lo = 0, hi = g_strv_length(lines), mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (conf_prefix_loads(lines, mid))
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

/* The 1-based line holding byte off of text. */
static guint
conf_line_of(const char *text, gsize off)
{
	guint line = 1;
	gsize i;

	for (i = 0; i < off; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

/* Read cf->path, strip comments and parse it into cf->kf. */
static gboolean
conf_read(struct conf_file *cf, GError **error)
{
	GError *e = NULL;
	const char *end;
	char *text, *joined;
	gboolean ok;
	gsize len;

	if (!g_file_get_contents(cf->path, &text, &len, &e)) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG, "%s", e->message);
		g_error_free(e);
		return FALSE;
	}
	if (!g_utf8_validate_len(text, len, &end)) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "%s:%u: not UTF-8 text", cf->path,
		    conf_line_of(text, (gsize)(end - text)));
		g_free(text);
		return FALSE;
	}
	cf->lines = g_strsplit(text, "\n", -1);
	g_free(text);
	conf_strip_comments(cf->lines);
	joined = g_strjoinv("\n", cf->lines);
	cf->kf = g_key_file_new();
	ok = g_key_file_load_from_data(cf->kf, joined, (gsize)-1,
	    G_KEY_FILE_NONE, &e);
	g_free(joined);
	if (ok)
		return TRUE;
	g_set_error(error, MF_ERROR, MF_ERROR_CONFIG, "%s:%u: %s", cf->path,
	    conf_bad_line(cf->lines), e->message);
	g_error_free(e);
	return FALSE;
}

/*
 * Has seen (name -> first line) got name already?  Then FALSE, error
 * set; else it is noted at line.  Takes name.
 */
static gboolean
conf_first(GHashTable *seen, char *name, guint line, const char *what,
    const struct conf_file *cf, GError **error)
{
	guint first = GPOINTER_TO_UINT(g_hash_table_lookup(seen, name));

	if (first == 0) {
		g_hash_table_insert(seen, name, GUINT_TO_POINTER(line));
		return TRUE;
	}
	g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
	    "%s:%u: %s again (first at line %u)", cf->path, line, what, first);
	g_free(name);
	return FALSE;
}

/* A section header at line i: known, and the first of its name. */
static gboolean
conf_check_group(const struct mf_conf_key *table, size_t n,
    const struct conf_file *cf, guint i, const char *group, GHashTable *seen,
    GError **error)
{
	char *what;
	gboolean ok;

	if (!conf_known_group(table, n, group)) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "%s:%u: unknown section [%s]", cf->path, i + 1, group);
		return FALSE;
	}
	what = g_strdup_printf("section [%s]", group);
	ok = conf_first(seen, g_strdup(group), i + 1, what, cf, error);
	g_free(what);
	return ok;
}

/* A key line at line i of [group]: known, and the first of its name. */
static gboolean
conf_check_key(const struct mf_conf_key *table, size_t n,
    const struct conf_file *cf, guint i, const char *group, const char *key,
    GHashTable *seen, GError **error)
{
	char *what;
	gboolean ok;

	/* group != NULL: GKeyFile checked */
	if (group == NULL || !conf_known_key(table, n, group, key)) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "%s:%u: unknown key '%s' in [%s]", cf->path, i + 1, key,
		    group != NULL ? group : "");
		return FALSE;
	}
	what = g_strdup_printf("[%s] %s set", group, key);
	ok = conf_first(seen, g_strdup_printf("%s\n%s", group, key), i + 1,
	    what, cf, error);
	g_free(what);
	return ok;
}

/*
 * Check every section header and key line against the table, in file
 * order: unknown names and names given twice are errors.  The text, not
 * GKeyFile, is walked: GKeyFile hides "key[locale]" lines, which are
 * unknown keys too, and merges sections of the same name.
 */
static gboolean
conf_check_names(const struct mf_conf_key *table, size_t n,
    const struct conf_file *cf, GError **error)
{
	GHashTable *groups =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTable *keys =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	char *group = NULL, *name;
	gboolean ok = TRUE;
	guint i;

	for (i = 0; ok && cf->lines[i] != NULL; i++) {
		if ((name = conf_header(cf->lines[i])) != NULL) {
			g_free(group);
			group = name;
			ok = conf_check_group(table, n, cf, i, group, groups,
			    error);
		} else if ((name = conf_key(cf->lines[i])) != NULL) {
			ok = conf_check_key(table, n, cf, i, group, name, keys,
			    error);
			g_free(name);
		}
	}
	g_free(group);
	g_hash_table_destroy(groups);
	g_hash_table_destroy(keys);
	return ok;
}

static void
conf_bad_value(const struct mf_conf_key *k, const struct conf_file *cf,
    const char *value, GError **error)
{
	guint line = conf_key_line(cf->lines, k->group, k->key);
	char *v = g_strstrip(g_strdup(value));

	if (k->type == MF_CONF_UINT)
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "%s:%u: [%s] %s: bad value '%s' (%" G_GUINT64_FORMAT
		    "..%" G_GUINT64_FORMAT ")",
		    cf->path, line, k->group, k->key, v, (guint64)k->min,
		    (guint64)k->max);
	else
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
		    "%s:%u: [%s] %s: bad value '%s' (expected true or false)",
		    cf->path, line, k->group, k->key, v);
	g_free(v);
}

/* Parse every key the file sets over its default, in table order. */
static gboolean
conf_set_values(const struct mf_conf_key *table, size_t n,
    const struct conf_file *cf, void *out, GError **error)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *v = g_key_file_get_value(cf->kf, table[i].group,
		    table[i].key, NULL);
		gboolean ok = v == NULL || conf_parse(&table[i], v, out);

		if (!ok)
			conf_bad_value(&table[i], cf, v, error);
		g_free(v);
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

gboolean
mf_conf_load(const struct mf_conf_key *table, size_t n, const char *path,
    void *out, GError **error)
{
	struct conf_file cf = { path, NULL, NULL };
	gboolean ok;

	conf_zero(table, n, out);
	conf_defaults(table, n, out);
	if (path == NULL)
		return TRUE;
	ok = conf_read(&cf, error) && conf_check_names(table, n, &cf, error) &&
	    conf_set_values(table, n, &cf, out, error);
	if (!ok)
		mf_conf_clear(table, n, out);
	g_strfreev(cf.lines);
	if (cf.kf != NULL)
		g_key_file_free(cf.kf);
	return ok;
}

void
mf_conf_clear(const struct mf_conf_key *table, size_t n, void *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		void *f = conf_field(&table[i], out);

		if (table[i].type == MF_CONF_STRING)
			g_free(*(char **)f);
		else if (table[i].type == MF_CONF_LIST)
			g_strfreev(*(char ***)f);
	}
	conf_zero(table, n, out);
}

static void
conf_format_row(GString *s, const struct mf_conf_key *k)
{
	const char *def = conf_def(k);

	/* Defaults must survive the round trip through the loader. */
	g_assert(strchr(k->help != NULL ? k->help : "", '\n') == NULL);
	g_assert(strstr(def, " #") == NULL && strstr(def, "\t#") == NULL);
	if (k->help != NULL)
		g_string_append_printf(s, "# %s\n", k->help);
	if (def[0] != '\0')
		g_string_append_printf(s, "%s = %s\n\n", k->key, def);
	else
		g_string_append_printf(s, "%s =\n\n", k->key);
}

guint
mf_conf_find_line(const char *path, const char *group, const char *key)
{
	char *text, **lines;
	guint line;

	if (path == NULL || !g_file_get_contents(path, &text, NULL, NULL))
		return 0;
	lines = g_strsplit(text, "\n", -1);
	g_free(text);
	conf_strip_comments(lines);
	line = conf_key_line(lines, group, key);
	g_strfreev(lines);
	return line;
}

char *
mf_conf_format_defaults(const struct mf_conf_key *table, size_t n)
{
	GString *s = g_string_new("# Every key, set to its default value.\n\n");
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(table[j].group, table[i].group) == 0)
				break;
		if (j < i)
			continue; /* group already written */
		g_string_append_printf(s, "[%s]\n", table[i].group);
		for (j = i; j < n; j++)
			if (strcmp(table[j].group, table[i].group) == 0)
				conf_format_row(s, &table[j]);
	}
	return g_string_free(s, FALSE);
}
