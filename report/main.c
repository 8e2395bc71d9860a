/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "rep-main"

/*
 * minflow-report: show a report of minflow-collector (format 1) as text
 * tables, or as the stored JSON.  The file is untrusted (load.h, view.h):
 * any mismatch is an error (exit 1) before anything is printed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "common/error.h"
#include "report/load.h"
#include "report/view.h"

#define DEFAULT_DIR "/var/lib/minflow/reports"

static gboolean
parse_args(int *argc, char ***argv, gboolean *json, gboolean *version,
    GError **error)
{
	GOptionEntry entries[] = { { "json", 'j', 0, G_OPTION_ARG_NONE, json,
		                       "Print the report as stored (JSON)",
		                       NULL },
		{ "version", 'V', 0, G_OPTION_ARG_NONE, version,
		    "Print the version and exit", NULL },
		G_OPTION_ENTRY_NULL };
	GOptionContext *ctx = g_option_context_new("[FILE|DIR]");
	gboolean ok;

	g_option_context_set_summary(ctx,
	    "Show a report of minflow-collector as text tables.  FILE is a "
	    "report\n(DIR/YYYYmmdd/HHMMSS.json); DIR a report directory, "
	    "whose " REP_LATEST " is shown\n(default " DEFAULT_DIR ").");
	g_option_context_set_description(ctx,
	    "Exit status: 0 on success, 1 if the report is missing or "
	    "malformed.\nSee minflow-report(1) for the report format.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	ok = g_option_context_parse(ctx, argc, argv, error);
	if (ok && *argc > 2) {
		g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
		    "one FILE or DIR at most");
		ok = FALSE;
	}
	g_option_context_free(ctx);
	return ok;
}

/* Put the report arg names (as text, or as stored with json) into out. */
static gboolean
run(const char *arg, gboolean json, GString *out, GError **error)
{
	g_autofree char *path = NULL, *data = NULL;
	JsonParser *p = json_parser_new();
	gsize len = 0;
	gboolean ok;

	ok = (path = rep_load_path(arg, error)) != NULL &&
	    rep_load_file(p, path, &data, &len, error);
	if (ok && json)
		g_string_append_len(out, data, (gssize)len);
	else if (ok &&
	    !(ok = rep_view_render(
	          json_node_get_object(json_parser_get_root(p)), out, error)))
		g_prefix_error(error, "%s: ", path);
	g_object_unref(p);
	return ok;
}

int
main(int argc, char **argv)
{
	gboolean json = FALSE, version = FALSE, ok;
	GError *error = NULL;
	GString *out;

	if (!parse_args(&argc, &argv, &json, &version, &error)) {
		g_printerr("minflow-report: %s (see --help)\n", error->message);
		g_error_free(error);
		return EXIT_FAILURE;
	}
	if (version) {
		printf("minflow-report %s\n", PACKAGE_VERSION);
		return EXIT_SUCCESS;
	}
	out = g_string_new(NULL);
	ok = run(argc > 1 ? argv[1] : DEFAULT_DIR, json, out, &error);
	if (ok &&
	    (fwrite(out->str, 1, out->len, stdout) != out->len ||
	        fflush(stdout) != 0)) {
		g_set_error(&error, MF_ERROR, MF_ERROR_IO, "stdout: %s",
		    g_strerror(errno));
		ok = FALSE;
	}
	if (!ok) {
		g_printerr("minflow-report: %s\n", error->message);
		g_error_free(error);
	}
	g_string_free(out, TRUE);
	return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
