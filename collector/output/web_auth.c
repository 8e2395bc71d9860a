/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-web"

#include <crypt.h>
#include <string.h>

#include <glib.h>

#include "collector/output/web_auth.h"
#include "common/error.h"

struct user {
	char *name, *hash;
};

struct col_web_auth {
	struct user users[COL_WEB_AUTH_MAX_USERS];
	size_t n;
};

/* The crypt(3) methods accepted: salted, slow or at least SHA-2. */
static gboolean
modern_hash(const char *h)
{
	static const char *const prefixes[] = { "$y$", "$gy$", "$7$", "$2b$",
		"$6$", "$5$" };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(prefixes); i++)
		if (g_str_has_prefix(h, prefixes[i]) &&
		    strlen(h) > strlen(prefixes[i]) + 8)
			return TRUE;
	return FALSE;
}

void
col_web_auth_free(struct col_web_auth *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->n; i++) {
		g_free(a->users[i].name);
		g_free(a->users[i].hash);
	}
	g_free(a);
}

/* One line (no newline); FALSE with a reason if it is bad. */
static gboolean
add_line(struct col_web_auth *a, char *line, const char **why)
{
	char *colon;

	g_strstrip(line);
	if (line[0] == '\0' || line[0] == '#')
		return TRUE;
	if ((colon = strchr(line, ':')) == NULL || colon == line) {
		*why = "not USER:HASH";
		return FALSE;
	}
	*colon = '\0';
	if (!modern_hash(colon + 1)) {
		*why = "not a salted crypt(3) hash ($y$, $2b$, $6$, ...)";
		return FALSE;
	}
	if (a->n == COL_WEB_AUTH_MAX_USERS) {
		*why = "too many users";
		return FALSE;
	}
	a->users[a->n].name = g_strdup(line);
	a->users[a->n].hash = g_strdup(colon + 1);
	a->n++;
	return TRUE;
}

struct col_web_auth *
col_web_auth_load(const char *path, GError **error)
{
	struct col_web_auth *a = g_new0(struct col_web_auth, 1);
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	const char *why = NULL;
	size_t i;

	if (!g_file_get_contents(path, &text, NULL, error)) {
		col_web_auth_free(a);
		return NULL;
	}
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] != NULL; i++) {
		if (strlen(lines[i]) > COL_WEB_AUTH_MAX_LINE)
			why = "line too long";
		if (why != NULL || !add_line(a, lines[i], &why)) {
			g_set_error(error, MF_ERROR, MF_ERROR_CONFIG,
			    "%s:%zu: %s", path, i + 1, why);
			col_web_auth_free(a);
			return NULL;
		}
	}
	if (a->n == 0) {
		g_set_error(error, MF_ERROR, MF_ERROR_CONFIG, "%s: no user",
		    path);
		col_web_auth_free(a);
		return NULL;
	}
	return a;
}

gboolean
col_web_auth_check(const struct col_web_auth *a, const char *user,
    const char *password)
{
	struct crypt_data *cd;
	gboolean ok = FALSE;
	const char *h;
	size_t i;

	if (a == NULL || user == NULL || password == NULL)
		return FALSE;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->users[i].name, user) == 0)
			break;
	if (i == a->n)
		return FALSE;
	cd = g_new0(struct crypt_data, 1);
	h = crypt_r(password, a->users[i].hash, cd);
	if (h != NULL && h[0] != '*')
		ok = strcmp(h, a->users[i].hash) == 0;
	explicit_bzero(cd, sizeof(*cd));
	g_free(cd);
	return ok;
}
