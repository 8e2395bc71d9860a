/* SPDX-License-Identifier: BSD-2-Clause */
#include "config.h"
#define G_LOG_DOMAIN "col-options"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "collector/options.h"
#include "collector/settings.h"
#include "common/conf.h"
#include "common/error.h"

#define DEFAULT_CONFIG MF_SYSCONFDIR "/minflow/minflow.conf"

gboolean
col_options_parse(int argc, char **argv, struct col_options *o, GError **error)
{
	GOptionEntry entries[] = {
		{ "config", 'C', 0, G_OPTION_ARG_FILENAME, &o->config,
		    "configuration file (default " DEFAULT_CONFIG
		    "; without one, the defaults)",
		    "FILE" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &o->out_dir,
		    "report directory (overrides [reports] dir)", "DIR" },
		{ "read", 'r', 0, G_OPTION_ARG_FILENAME_ARRAY, &o->read,
		    "offline: read IPFIX files (repeatable), report, exit",
		    "FILE" },
		{ "daemon", 'D', 0, G_OPTION_ARG_NONE, &o->daemon,
		    "detach and log to syslog", NULL },
		{ "pidfile", 'p', 0, G_OPTION_ARG_FILENAME, &o->pidfile,
		    "write the process id to FILE", "FILE" },
		{ "check-config", 0, 0, G_OPTION_ARG_NONE, &o->check,
		    "check the configuration and exit", NULL },
		{ "dump-config", 0, 0, G_OPTION_ARG_NONE, &o->dump,
		    "print every key with its default and exit", NULL },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &o->verbose,
		    "log debug messages", NULL },
		{ "version", 'V', 0, G_OPTION_ARG_NONE, &o->version,
		    "print the version and exit", NULL },
		G_OPTION_ENTRY_NULL
	};
	GOptionContext *ctx = g_option_context_new("- minflow collector");
	gboolean ok;

	g_option_context_set_summary(ctx,
	    "Receive IPFIX, NetFlow v9 and v5, keep address, stream and "
	    "port tables,\nand write a JSON report every interval.  "
	    "See minflow-collector(8).");
	g_option_context_add_main_entries(ctx, entries, NULL);
	ok = g_option_context_parse(ctx, &argc, &argv, error);
	g_option_context_free(ctx);
	if (ok && argc > 1) {
		g_set_error(error, MF_ERROR, MF_ERROR_ARGS,
		    "unexpected argument '%s'", argv[1]);
		ok = FALSE;
	}
	return ok;
}

gboolean
col_options_load_config(const struct col_options *o, struct col_config *cfg,
    GError **error)
{
	const char *path = o->config;

	if (path == NULL && g_file_test(DEFAULT_CONFIG, G_FILE_TEST_EXISTS))
		path = DEFAULT_CONFIG;
	if (!col_config_load(path, cfg, error))
		return FALSE;
	if (!col_config_set_dir(cfg, o->out_dir, path, error)) {
		col_config_clear(cfg);
		return FALSE;
	}
	return TRUE;
}

int
col_options_check_config(const struct col_options *o)
{
	struct col_config cfg;
	GError *err = NULL;

	if (!col_options_load_config(o, &cfg, &err)) {
		g_printerr("minflow-collector: %s\n", err->message);
		g_error_free(err);
		return EXIT_FAILURE;
	}
	printf("%s: OK\n",
	    o->config != NULL ? o->config
	        : g_file_test(DEFAULT_CONFIG, G_FILE_TEST_EXISTS)
	        ? DEFAULT_CONFIG
	        : "no file, defaults");
	col_config_clear(&cfg);
	return EXIT_SUCCESS;
}

void
col_options_clear(struct col_options *o)
{
	g_free(o->config);
	g_free(o->out_dir);
	g_free(o->pidfile);
	g_strfreev(o->read);
}

void
col_options_dump_config(void)
{
	char *text =
	    mf_conf_format_defaults(col_config_keys, col_config_n_keys);

	fputs(text, stdout);
	g_free(text);
}
