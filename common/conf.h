/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MF_CONF_H
#define MF_CONF_H

/*
 * conf: table-driven GKeyFile configuration.  One table row per key gives
 * its group, name, type, place in the caller's config struct, default,
 * bounds and a line for --help and the man page; the loader, the defaults,
 * --check-config and minflow.conf(5) all follow the table.  Unknown groups
 * and keys are errors; every error names the file, the line, the key and
 * the bad value ("minflow.conf:12: [reports] interval: bad value 'x'
 * (1..86400)").  GKeyFile keeps no line numbers, so this module finds
 * them in the text itself.
 *
 * The syntax is GKeyFile's, with two additions made before GKeyFile sees
 * the text: a '#' after a space or tab ends the line ("top = 20  # rows"
 * is 20; "[group]  # note" is a header), and a line whose first non-blank
 * character is ';' is a comment.  So a value cannot hold " #" or "\t#";
 * a '#' elsewhere ("a#b", "k =#x") is kept.  Values are taken as written,
 * trimmed, without GKeyFile's escapes (\s, \n, ...).  A section that
 * appears twice, or a key set twice in one, is an error naming both
 * lines (an operator who edits one of them would otherwise not know
 * which counts).  The file must be UTF-8.
 */
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

enum mf_conf_type {
	MF_CONF_UINT,   /* uint64_t, within [min, max] */
	MF_CONF_BOOL,   /* gboolean: true/false */
	MF_CONF_STRING, /* char * (g_free), may be empty */
	MF_CONF_LIST,   /* char ** (g_strfreev), ';'-separated, trimmed;
	                 * empty items dropped; an empty value = empty list */
};

struct mf_conf_key {
	const char *group;
	const char *key;
	enum mf_conf_type type;
	size_t offset;     /* of the value in the caller's struct */
	const char *def;   /* default, as text in the file's syntax */
	uint64_t min, max; /* MF_CONF_UINT bounds */
	const char *help;
};

/*
 * Fill out (the caller's struct) from path, every key not in the file from
 * its default.  Every field the table names is overwritten first, not
 * freed: clear a struct before loading into it again.  path NULL means
 * defaults only.  Returns FALSE with error set (MF_ERROR_CONFIG) on a
 * missing file, a syntax error, an unknown group or key, or a bad value;
 * out is then cleared.  A default that does not parse aborts (g_error).
 */
gboolean mf_conf_load(const struct mf_conf_key *table, size_t n,
    const char *path, void *out, GError **error);

/* Free the strings and lists mf_conf_load() put in out. */
void mf_conf_clear(const struct mf_conf_key *table, size_t n, void *out);

/*
 * The line (1-based) of the last "key =" of [group] in the file at path,
 * as mf_conf_load() reads it; 0 if there is none or the file cannot be
 * read.  For errors found after loading, in values the table takes as
 * strings ("minflow.conf:12: [focus] target: ...").
 */
guint mf_conf_find_line(const char *path, const char *group, const char *key);

/*
 * Write a commented configuration with every key at its default, grouped
 * by section (sections in order of first appearance, keys in table order,
 * each as "# help\nkey = default\n\n"), to a newly allocated string (for
 * the installed sample and --dump-config).  mf_conf_load() of the text
 * gives the defaults back.
 */
char *mf_conf_format_defaults(const struct mf_conf_key *table, size_t n);

#endif
